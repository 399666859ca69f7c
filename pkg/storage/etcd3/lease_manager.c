#include "storage/etcd3/lease_manager.h"

#include <time.h>

#include "storage/etcd3/etcd3.h"

static int grant_with_client(void *arg, int64_t ttl, int64_t *ret_id, struct ck_etcd_err *err)
{
	return ck_etcd_lease_grant(arg, ttl, ret_id, NULL, err);
}

static double monotonic_seconds(void *arg)
{
	struct timespec ts;
	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ck_lease_manager_init(struct ck_lease_manager *lm, struct ck_etcd *client,
			   int64_t reuse_seconds, int64_t max_objects)
{
	pthread_mutex_init(&lm->mu, NULL);
	lm->prev_lease_id = 0;
	lm->prev_expiration = 0;
	lm->attached_count = 0;
	lm->reuse_duration_seconds =
	    reuse_seconds > 0 ? reuse_seconds : CK_LEASE_REUSE_DURATION_SECONDS;
	lm->reuse_duration_percent = CK_LEASE_REUSE_DURATION_PERCENT;
	lm->max_object_count = max_objects > 0 ? max_objects : CK_LEASE_MAX_OBJECT_COUNT;
	lm->grant = grant_with_client;
	lm->grant_arg = client;
	lm->clock = monotonic_seconds;
	lm->clock_arg = NULL;
}

void ck_lease_manager_set_hooks(struct ck_lease_manager *lm, ck_lease_grant_fn grant,
				void *grant_arg, ck_lease_clock_fn clock, void *clock_arg)
{
	lm->grant = grant;
	lm->grant_arg = grant_arg;
	lm->clock = clock;
	lm->clock_arg = clock_arg;
}

int64_t ck_lease_manager_reuse_duration(const struct ck_lease_manager *lm, int64_t ttl)
{
	int64_t d = (int64_t)(lm->reuse_duration_percent * (double)ttl);
	return d > lm->reuse_duration_seconds ? lm->reuse_duration_seconds : d;
}

int ck_lease_manager_get(struct ck_lease_manager *lm, int64_t ttl, int64_t *ret_id,
			 struct ck_etcd_err *err)
{
	int r = 0;
	pthread_mutex_lock(&lm->mu);
	double now = lm->clock(lm->clock_arg);
	int64_t reuse = ck_lease_manager_reuse_duration(lm, ttl);
	/* the lease outlives the asked TTL, but not by more than the reuse */
	int valid = now + (double)ttl < lm->prev_expiration;
	int sufficient = now + (double)(ttl + reuse) > lm->prev_expiration;
	/* every request counts, whether it succeeds or not (upstream) */
	lm->attached_count++;
	if (valid && sufficient && lm->attached_count <= lm->max_object_count) {
		*ret_id = lm->prev_lease_id;
		goto out;
	}
	ttl += reuse;
	int64_t id;
	if ((r = lm->grant(lm->grant_arg, ttl, &id, err)) < 0)
		goto out;
	lm->prev_lease_id = id;
	lm->prev_expiration = now + (double)ttl;
	lm->attached_count = 1;
	*ret_id = id;
out:
	pthread_mutex_unlock(&lm->mu);
	return r;
}

void ck_lease_manager_release(struct ck_lease_manager *lm)
{
	pthread_mutex_destroy(&lm->mu);
}
