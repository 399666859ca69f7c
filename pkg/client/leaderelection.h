/*
 * ck_leader_elector: client-go's leaderelection.LeaderElector on a
 * coordination.k8s.io/v1 Lease (resourcelock.LeaseLock).
 *
 * The Lease's spec is the election record: holderIdentity,
 * leaseDurationSeconds, acquireTime and renewTime (MicroTime: RFC 3339 with
 * six fractional digits), leaseTransitions. Writes are optimistic: an
 * update carries the resourceVersion last read, so of two contenders
 * writing at once one gets 409 Conflict and loses that round.
 *
 * run():
 *  - acquire: every retry_period (jittered by up to 1.2×), try to take the
 *    lease: create it when missing; take it when its holder is empty or
 *    when it has not changed for lease_duration as this elector observed it
 *    (its own clock: the time it last saw the record change, as upstream).
 *  - then on_started_leading runs on a thread of its own with a cancel
 *    token that fires when leadership ends; meanwhile renew: every
 *    retry_period, renew the lease; a renewal that does not succeed within
 *    renew_deadline (retrying every retry_period) loses the lease.
 *  - when leading ends (lost, or the caller's cancel fired): the token
 *    fires, the lease is released (holder "", leaseDurationSeconds 1) if
 *    release_on_cancel, on_stopped_leading runs, and the started thread is
 *    joined. on_stopped_leading also runs when cancel fires before the
 *    lease was ever acquired (upstream's deferred OnStoppedLeading).
 *
 * Defaults (0): lease 15 s, renew deadline 10 s, retry 2 s; validated as
 * upstream: lease > renew deadline > 1.2 × retry > 0, identity not empty,
 * both callbacks set.
 */
#ifndef CK_CLIENT_LEADERELECTION_H
#define CK_CLIENT_LEADERELECTION_H

#include <stdbool.h>
#include <stdint.h>

struct ck_cancel;
struct ck_client;
struct ck_event_recorder;
struct ck_leader_elector;

struct ck_leader_election_config {
	struct ck_client *client; /* borrowed; outlives the elector */
	const char *lease_namespace;
	const char *lease_name;
	const char *identity;
	int64_t lease_duration_ms; /* whole seconds count (leaseDurationSeconds) */
	int64_t renew_deadline_ms;
	int64_t retry_period_ms;
	bool release_on_cancel;
	/* Runs on its own thread; should return once leading fires. */
	void (*on_started_leading)(void *ctx, struct ck_cancel *leading);
	void (*on_stopped_leading)(void *ctx);
	/* Optional: the observed leader changed (on the elector's thread; be quick). */
	void (*on_new_leader)(void *ctx, const char *identity);
	void *ctx;
	/* Optional: "<identity> became leader" / "stopped leading" events on the Lease. */
	struct ck_event_recorder *recorder;
};

/* Strings are copied. -EINVAL with upstream's message for a bad config. The caller owns *ret. */
int ck_leader_elector_new(const struct ck_leader_election_config *cfg,
			  struct ck_leader_elector **ret, char **ret_err);
/* Elects, leads and renews until leadership ends or cancel fires (see above). Blocks. */
void ck_leader_elector_run(struct ck_leader_elector *le, struct ck_cancel *cancel);
/* Whether the last observed record names this elector. */
bool ck_leader_elector_is_leader(struct ck_leader_elector *le);
/* The holder of the last observed record ("" when none); owned. */
char *ck_leader_elector_get_leader(struct ck_leader_elector *le);
/* NULL-safe; not while run() is running. */
void ck_leader_elector_free(struct ck_leader_elector *le);

#endif
