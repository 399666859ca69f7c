#include "client/leaderelection.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/events.h"
#include "client/ratelimit.h"
#include "client/rest.h"
#include "util/buf.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
/* upstream's JitterFactor */
#define JITTER_FACTOR 1.2

/* resourcelock.LeaderElectionRecord */
struct record {
	char *holder;
	int64_t duration_s;
	int64_t acquire_ns; /* wall clock; 0: unset */
	int64_t renew_ns;
	int64_t transitions;
};

struct ck_leader_elector {
	struct ck_client *client;
	char *ns, *name, *identity;
	int64_t lease_ns, renew_deadline_ns, retry_ns;
	bool release_on_cancel;
	void (*on_started_leading)(void *ctx, struct ck_cancel *leading);
	void (*on_stopped_leading)(void *ctx);
	void (*on_new_leader)(void *ctx, const char *identity);
	void *ctx;
	struct ck_event_recorder *recorder;

	/* The run() thread only. */
	json_object *lease; /* the Lease last read or written (owned) */
	char *observed_raw; /* the record as last read, for change detection */
	char *reported_leader;

	pthread_mutex_t lock;
	struct record observed; /* guarded by lock */
	int64_t observed_time;	/* monotonic; guarded by lock */
};

static void record_release(struct record *r)
{
	free(r->holder);
	r->holder = NULL;
}

static void record_copy(struct record *dst, const struct record *src)
{
	*dst = *src;
	dst->holder = ck_strdup(src->holder ? src->holder : "");
}

int ck_leader_elector_new(const struct ck_leader_election_config *cfg,
			  struct ck_leader_elector **ret, char **ret_err)
{
	int64_t lease = cfg->lease_duration_ms ? cfg->lease_duration_ms : 15000;
	int64_t renew = cfg->renew_deadline_ms ? cfg->renew_deadline_ms : 10000;
	int64_t retry = cfg->retry_period_ms ? cfg->retry_period_ms : 2000;
	const char *why = NULL;
	if (lease <= renew)
		why = "leaseDuration must be greater than renewDeadline";
	else if ((double)renew <= JITTER_FACTOR * (double)retry)
		why = "renewDeadline must be greater than retryPeriod*JitterFactor";
	else if (lease < 1)
		why = "leaseDuration must be greater than zero";
	else if (renew < 1)
		why = "renewDeadline must be greater than zero";
	else if (retry < 1)
		why = "retryPeriod must be greater than zero";
	else if (!cfg->on_started_leading)
		why = "OnStartedLeading callback must not be nil";
	else if (!cfg->on_stopped_leading)
		why = "OnStoppedLeading callback must not be nil";
	else if (!cfg->client || !cfg->lease_name || !*cfg->lease_name)
		why = "Lock must not be nil.";
	else if (!cfg->identity || !*cfg->identity)
		why = "Lock identity is empty";
	if (why) {
		if (ret_err)
			*ret_err = ck_strdup(why);
		return -EINVAL;
	}
	struct ck_leader_elector *le = ck_calloc(1, sizeof(*le));
	le->client = cfg->client;
	le->ns = ck_strdup(cfg->lease_namespace && *cfg->lease_namespace ? cfg->lease_namespace
									 : "default");
	le->name = ck_strdup(cfg->lease_name);
	le->identity = ck_strdup(cfg->identity);
	le->lease_ns = lease * NS_PER_MS;
	le->renew_deadline_ns = renew * NS_PER_MS;
	le->retry_ns = retry * NS_PER_MS;
	le->release_on_cancel = cfg->release_on_cancel;
	le->on_started_leading = cfg->on_started_leading;
	le->on_stopped_leading = cfg->on_stopped_leading;
	le->on_new_leader = cfg->on_new_leader;
	le->ctx = cfg->ctx;
	le->recorder = cfg->recorder;
	le->observed.holder = ck_strdup("");
	le->reported_leader = ck_strdup("");
	pthread_mutex_init(&le->lock, NULL);
	*ret = le;
	return 0;
}

void ck_leader_elector_free(struct ck_leader_elector *le)
{
	if (!le)
		return;
	json_object_put(le->lease);
	free(le->observed_raw);
	free(le->reported_leader);
	record_release(&le->observed);
	pthread_mutex_destroy(&le->lock);
	free(le->ns);
	free(le->name);
	free(le->identity);
	free(le);
}

bool ck_leader_elector_is_leader(struct ck_leader_elector *le)
{
	pthread_mutex_lock(&le->lock);
	bool leader = ck_streq(le->observed.holder, le->identity);
	pthread_mutex_unlock(&le->lock);
	return leader;
}

char *ck_leader_elector_get_leader(struct ck_leader_elector *le)
{
	pthread_mutex_lock(&le->lock);
	char *h = ck_strdup(le->observed.holder ? le->observed.holder : "");
	pthread_mutex_unlock(&le->lock);
	return h;
}

/* setObservedRecord: the record and the local time it was seen at. */
static void set_observed(struct ck_leader_elector *le, const struct record *rec)
{
	pthread_mutex_lock(&le->lock);
	record_release(&le->observed);
	record_copy(&le->observed, rec);
	le->observed_time = ck_time_mono_ns();
	pthread_mutex_unlock(&le->lock);
}

static bool lease_valid(struct ck_leader_elector *le, int64_t now_mono)
{
	pthread_mutex_lock(&le->lock);
	bool valid = le->observed_time + le->observed.duration_s * NS_PER_S > now_mono;
	pthread_mutex_unlock(&le->lock);
	return valid;
}

/* ---- the Lease lock -------------------------------------------------------------------- */

static const struct ck_gvr lease_gvr = { "coordination.k8s.io", "v1", "leases" };

static void add_time(json_object *spec, const char *field, int64_t ns)
{
	char buf[CK_TIME_BUF];
	ck_time_format(ns, CK_TIME_MICRO, buf);
	json_object_object_add(spec, field, json_object_new_string(buf));
}

/* LeaderElectionRecordToLeaseSpec (owned). */
static json_object *spec_of(const struct record *rec)
{
	json_object *spec = json_object_new_object();
	json_object_object_add(spec, "holderIdentity",
			       json_object_new_string(rec->holder ? rec->holder : ""));
	json_object_object_add(spec, "leaseDurationSeconds",
			       json_object_new_int64(rec->duration_s));
	add_time(spec, "acquireTime", rec->acquire_ns);
	add_time(spec, "renewTime", rec->renew_ns);
	json_object_object_add(spec, "leaseTransitions", json_object_new_int64(rec->transitions));
	return spec;
}

static int64_t spec_int(json_object *spec, const char *field)
{
	json_object *v = NULL;
	return json_object_object_get_ex(spec, field, &v) ? json_object_get_int64(v) : 0;
}

static int64_t spec_time(json_object *spec, const char *field)
{
	const char *s = ck_obj_path_str(spec, field);
	int64_t ns = 0;
	if (s && ck_time_parse(s, &ns) < 0)
		ns = 0;
	return ns;
}

/* LeaseSpecToLeaderElectionRecord, and the record as json.Marshal prints it (times in seconds). */
static void record_of(json_object *lease, struct record *rec, char **ret_raw)
{
	json_object *spec = ck_obj_path(lease, "spec");
	const char *holder = ck_obj_path_str(spec, "holderIdentity");
	rec->holder = ck_strdup(holder ? holder : "");
	rec->duration_s = spec_int(spec, "leaseDurationSeconds");
	rec->transitions = spec_int(spec, "leaseTransitions");
	rec->acquire_ns = spec_time(spec, "acquireTime");
	rec->renew_ns = spec_time(spec, "renewTime");
	char a[CK_TIME_BUF], r[CK_TIME_BUF];
	ck_time_format(rec->acquire_ns, CK_TIME_SECONDS, a);
	ck_time_format(rec->renew_ns, CK_TIME_SECONDS, r);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "%s\n%" PRId64 "\n%s\n%s\n%" PRId64, rec->holder, rec->duration_s, a, r,
		    rec->transitions);
	*ret_raw = ck_buf_detach(&b, NULL);
}

static int lock_get(struct ck_leader_elector *le, struct ck_cancel *cancel, int64_t timeout_ms,
		    struct record *rec, char **ret_raw)
{
	struct ck_client_request req = {
		.group = lease_gvr.group,
		.version = lease_gvr.version,
		.resource = lease_gvr.resource,
		.namespace = le->ns,
		.name = le->name,
		.timeout_ms = timeout_ms,
		.cancel = cancel,
	};
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *lease = NULL;
	int r = ck_client_do(le->client, &req, &lease, &err);
	if (r < 0) {
		if (r != -ENOENT)
			ck_log_v(4, "error retrieving resource lock %s/%s: %s", le->ns, le->name,
				 err.message);
		ck_client_error_release(&err);
		return r;
	}
	json_object_put(le->lease);
	le->lease = lease;
	record_of(lease, rec, ret_raw);
	return 0;
}

static int lock_write(struct ck_leader_elector *le, bool create, const struct record *rec,
		      struct ck_cancel *cancel, int64_t timeout_ms)
{
	json_object *body;
	if (create) {
		body = json_object_new_object();
		json_object_object_add(body, "apiVersion",
				       json_object_new_string("coordination.k8s.io/v1"));
		json_object_object_add(body, "kind", json_object_new_string("Lease"));
		json_object *md = json_object_new_object();
		json_object_object_add(md, "name", json_object_new_string(le->name));
		json_object_object_add(md, "namespace", json_object_new_string(le->ns));
		json_object_object_add(body, "metadata", md);
	} else {
		if (!le->lease) {
			ck_log_v(4, "lease not initialized, call get or create first");
			return -EINVAL;
		}
		body = ck_obj_copy(le->lease);
	}
	json_object_object_add(body, "spec", spec_of(rec));
	struct ck_client_request req = {
		.verb = create ? "POST" : "PUT",
		.group = lease_gvr.group,
		.version = lease_gvr.version,
		.resource = lease_gvr.resource,
		.namespace = le->ns,
		.name = create ? NULL : le->name,
		.body = body,
		.timeout_ms = timeout_ms,
		.cancel = cancel,
	};
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *out = NULL;
	int r = ck_client_do(le->client, &req, &out, &err);
	json_object_put(body);
	if (r < 0) {
		ck_log_v(4, "failed to %s lock %s/%s: %s", create ? "create" : "update", le->ns,
			 le->name, err.message);
		ck_client_error_release(&err);
		return r;
	}
	json_object_put(le->lease);
	le->lease = out;
	return 0;
}

static void record_event(struct ck_leader_elector *le, const char *what)
{
	if (!le->recorder)
		return;
	struct ck_object_reference ref = {
		.kind = "Lease",
		.api_version = "coordination.k8s.io/v1",
		.namespace = le->ns,
		.name = le->name,
		.uid = le->lease ? ck_obj_uid(le->lease) : NULL,
		.resource_version = le->lease ? ck_obj_resource_version(le->lease) : NULL,
	};
	ck_event_recorder_eventf(le->recorder, &ref, "Normal", "LeaderElection", "%s %s",
				 le->identity, what);
}

/* ---- the election -------------------------------------------------------------------------- */

/* tryAcquireOrRenew; deadline_mono bounds the requests (0: the renew deadline from now). */
static bool try_acquire_or_renew(struct ck_leader_elector *le, struct ck_cancel *cancel,
				 int64_t deadline_mono)
{
	int64_t now_mono = ck_time_mono_ns(), now = ck_time_now_ns();
	int64_t timeout_ms =
	    ((deadline_mono ? deadline_mono : now_mono + le->renew_deadline_ns) - now_mono) /
	    NS_PER_MS;
	if (timeout_ms < 1)
		timeout_ms = 1;
	struct record rec = {
		.holder = le->identity,
		.duration_s = le->lease_ns / NS_PER_S,
		.acquire_ns = now,
		.renew_ns = now,
	};
	/* 1. The leader updates optimistically with the record it observed last. */
	if (ck_leader_elector_is_leader(le) && lease_valid(le, now_mono)) {
		pthread_mutex_lock(&le->lock);
		rec.acquire_ns = le->observed.acquire_ns;
		rec.transitions = le->observed.transitions;
		pthread_mutex_unlock(&le->lock);
		if (lock_write(le, false, &rec, cancel, timeout_ms) == 0) {
			set_observed(le, &rec);
			return true;
		}
		ck_log_v(4, "failed to update lock optimistically, falling back to slow path");
		rec.acquire_ns = now;
		rec.transitions = 0;
	}
	/* 2. Get or create. */
	struct record old = { 0 };
	char *raw = NULL;
	int r = lock_get(le, cancel, timeout_ms, &old, &raw);
	if (r < 0) {
		if (r != -ENOENT)
			return false;
		if (lock_write(le, true, &rec, cancel, timeout_ms) < 0)
			return false;
		set_observed(le, &rec);
		return true;
	}
	bool ok = false;
	/* 3. Note a changed record, and the time it was seen. */
	if (!ck_streq(le->observed_raw, raw)) {
		set_observed(le, &old);
		free(le->observed_raw);
		le->observed_raw = raw;
		raw = NULL;
	}
	bool leader = ck_leader_elector_is_leader(le);
	if (old.holder && *old.holder && lease_valid(le, now_mono) && !leader) {
		ck_log_v(4, "lock is held by %s and has not yet expired", old.holder);
		goto out;
	}
	/* 4. Take or renew it. */
	if (leader) {
		rec.acquire_ns = old.acquire_ns;
		rec.transitions = old.transitions;
	} else {
		rec.transitions = old.transitions + 1;
	}
	if (lock_write(le, false, &rec, cancel, timeout_ms) < 0)
		goto out;
	set_observed(le, &rec);
	ok = true;
out:
	free(raw);
	record_release(&old);
	return ok;
}

static void maybe_report_transition(struct ck_leader_elector *le)
{
	char *holder = ck_leader_elector_get_leader(le);
	if (ck_streq(holder, le->reported_leader)) {
		free(holder);
		return;
	}
	free(le->reported_leader);
	le->reported_leader = holder;
	if (le->on_new_leader)
		le->on_new_leader(le->ctx, holder);
}

static bool acquire(struct ck_leader_elector *le, struct ck_cancel *cancel)
{
	ck_log_v(4, "attempting to acquire leader lease %s/%s...", le->ns, le->name);
	for (;;) {
		if (ck_cancel_fired(cancel))
			return false;
		bool ok = try_acquire_or_renew(le, cancel, 0);
		maybe_report_transition(le);
		if (ok) {
			record_event(le, "became leader");
			ck_log_v(4, "successfully acquired lease %s/%s", le->ns, le->name);
			return true;
		}
		int64_t wait = ck_jitter(le->retry_ns, JITTER_FACTOR);
		if (ck_cancel_sleep_ms(cancel, wait / NS_PER_MS) < 0)
			return false;
	}
}

/* Renews until a renewal fails for renew_deadline or leading fires. */
static void renew(struct ck_leader_elector *le, struct ck_cancel *leading)
{
	while (!ck_cancel_fired(leading)) {
		int64_t deadline = ck_time_mono_ns() + le->renew_deadline_ns;
		bool ok = false;
		/* PollImmediateUntil(retry, tryAcquireOrRenew, deadline) */
		for (;;) {
			if (try_acquire_or_renew(le, leading, deadline)) {
				ok = true;
				break;
			}
			int64_t now = ck_time_mono_ns();
			if (now + le->retry_ns >= deadline || ck_cancel_fired(leading))
				break;
			if (ck_cancel_sleep_ms(leading, le->retry_ns / NS_PER_MS) < 0)
				break;
		}
		maybe_report_transition(le);
		if (!ok) {
			ck_log_v(4, "failed to renew lease %s/%s", le->ns, le->name);
			break;
		}
		if (ck_cancel_sleep_ms(leading, le->retry_ns / NS_PER_MS) < 0)
			break;
	}
	ck_cancel_fire(leading);
	record_event(le, "stopped leading");
}

static void release(struct ck_leader_elector *le)
{
	if (!ck_leader_elector_is_leader(le))
		return;
	int64_t now = ck_time_now_ns();
	struct record rec = {
		.holder = "",
		.duration_s = 1,
		.acquire_ns = now,
		.renew_ns = now,
	};
	pthread_mutex_lock(&le->lock);
	rec.transitions = le->observed.transitions;
	pthread_mutex_unlock(&le->lock);
	int64_t timeout_ms = le->renew_deadline_ns / NS_PER_MS;
	int r = lock_write(le, false, &rec, NULL, timeout_ms);
	if (r == -ESTALE) {
		/*
		 * The Lease we hold is older than the server's: a renewal cut short
		 * by the cancel may still have been applied. Read it again and
		 * release it if it is still ours.
		 */
		struct record cur = { 0 };
		char *raw = NULL;
		if (lock_get(le, NULL, timeout_ms, &cur, &raw) == 0 &&
		    ck_streq(cur.holder, le->identity))
			r = lock_write(le, false, &rec, NULL, timeout_ms);
		free(raw);
		record_release(&cur);
	}
	if (r < 0) {
		ck_log_v(4, "failed to release lock %s/%s", le->ns, le->name);
		return;
	}
	set_observed(le, &rec);
}

struct leading_run {
	struct ck_leader_elector *le;
	struct ck_cancel *leading;
};

static void *leading_thread(void *arg)
{
	struct leading_run *lr = arg;
	lr->le->on_started_leading(lr->le->ctx, lr->leading);
	return NULL;
}

static void fire_token(void *arg)
{
	ck_cancel_fire(arg);
}

void ck_leader_elector_run(struct ck_leader_elector *le, struct ck_cancel *cancel)
{
	if (!acquire(le, cancel)) {
		le->on_stopped_leading(le->ctx);
		return;
	}
	struct ck_cancel leading;
	ck_cancel_init(&leading);
	struct ck_cancel_hook hook;
	if (ck_cancel_hook_add(cancel, &hook, fire_token, &leading) < 0)
		ck_cancel_fire(&leading);
	struct leading_run lr = { le, &leading };
	pthread_t t;
	bool started = pthread_create(&t, NULL, leading_thread, &lr) == 0;
	if (!started)
		ck_cancel_fire(&leading);
	renew(le, &leading);
	if (le->release_on_cancel)
		release(le);
	ck_cancel_hook_remove(cancel, &hook);
	le->on_stopped_leading(le->ctx);
	if (started)
		pthread_join(t, NULL);
	ck_cancel_release(&leading);
}
