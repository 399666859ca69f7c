/*
 * Lease reuse for keys with a TTL (upstream storage/etcd3/lease_manager.go).
 * Granting a lease per write is expensive for etcd, and events all get the
 * same TTL, so a lease is reused while it expires no sooner than the asked
 * TTL and no later than TTL + the reuse duration, for at most
 * max_object_count keys. The reuse duration is 5% of the TTL, capped at
 * reuse_duration_seconds (60 by default). A new lease is granted with the
 * reuse duration added to its TTL.
 *
 * Thread-safe (one mutex). Caller-owned: init, then release.
 */
#ifndef CK_STORAGE_ETCD3_LEASE_MANAGER_H
#define CK_STORAGE_ETCD3_LEASE_MANAGER_H

#include <pthread.h>
#include <stdint.h>

struct ck_etcd;
struct ck_etcd_err;

/* Upstream's storagebackend defaults. */
#define CK_LEASE_REUSE_DURATION_SECONDS 60
#define CK_LEASE_MAX_OBJECT_COUNT 1000
#define CK_LEASE_REUSE_DURATION_PERCENT 0.05

/* Grants a lease of ttl seconds; the etcd client by default. */
typedef int (*ck_lease_grant_fn)(void *arg, int64_t ttl, int64_t *ret_id, struct ck_etcd_err *err);
/* Seconds on a monotonic clock; CLOCK_MONOTONIC by default. */
typedef double (*ck_lease_clock_fn)(void *arg);

struct ck_lease_manager {
	pthread_mutex_t mu;
	/* guarded by mu */
	int64_t prev_lease_id;
	double prev_expiration; /* seconds, on the manager's clock */
	int64_t attached_count;
	/* immutable after init */
	int64_t reuse_duration_seconds;
	double reuse_duration_percent;
	int64_t max_object_count;
	ck_lease_grant_fn grant;
	void *grant_arg;
	ck_lease_clock_fn clock;
	void *clock_arg;
};

/*
 * Initialises lm to grant through client (reuse_seconds and max_objects 0:
 * upstream's defaults).
 */
void ck_lease_manager_init(struct ck_lease_manager *lm, struct ck_etcd *client,
			   int64_t reuse_seconds, int64_t max_objects);
/* Replaces the grant function and the clock (tests). */
void ck_lease_manager_set_hooks(struct ck_lease_manager *lm, ck_lease_grant_fn grant,
				void *grant_arg, ck_lease_clock_fn clock, void *clock_arg);
/* A lease that lives at least ttl seconds (ttl > 0). */
int ck_lease_manager_get(struct ck_lease_manager *lm, int64_t ttl, int64_t *ret_id,
			 struct ck_etcd_err *err);
/* The reuse duration for ttl (upstream getReuseDurationSecondsLocked). */
int64_t ck_lease_manager_reuse_duration(const struct ck_lease_manager *lm, int64_t ttl);
void ck_lease_manager_release(struct ck_lease_manager *lm);

#endif
