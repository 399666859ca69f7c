/*
 * Compaction as upstream's apiserver does it (storage/etcd3/compact.go): the
 * version of the special key "compact_rev_key" is a logical clock shared by
 * every API server; whoever moves it forward with a compare-and-swap
 * compacts, the others learn the new clock and try again next interval.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "storage/etcd3/etcd3_int.h"
#include "util/common.h"
#include "util/log.h"

int ck_etcd_compact_step(struct ck_etcd *c, int64_t *compact_time, int64_t *rev,
			 struct ck_etcd_err *err)
{
	Etcdserverpb__TxnRequest txn = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__Compare *cmps[] = { &cmp };
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__RangeRequest get = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RequestOp put_op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__RequestOp get_op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__RequestOp *success[] = { &put_op }, *failure[] = { &get_op };
	Etcdserverpb__TxnResponse *resp = NULL;
	char value[32];
	int r;

	cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL;
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__VERSION;
	cmp.key.data = (uint8_t *)CK_ETCD_COMPACT_REV_KEY;
	cmp.key.len = strlen(CK_ETCD_COMPACT_REV_KEY);
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_VERSION;
	cmp.version = *compact_time;
	snprintf(value, sizeof(value), "%" PRId64, *rev);
	put.key = cmp.key;
	put.value.data = (uint8_t *)value;
	put.value.len = strlen(value);
	put_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	put_op.request_put = &put;
	get.key = cmp.key;
	get_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE;
	get_op.request_range = &get;
	txn.n_compare = 1;
	txn.compare = cmps;
	txn.n_success = 1;
	txn.success = success;
	txn.n_failure = 1;
	txn.failure = failure;

	if ((r = ck_etcd_txn(c, &txn, &resp, err)) < 0)
		return r;
	int64_t cur_rev = resp->header ? resp->header->revision : 0;
	if (!resp->succeeded) {
		/* Another server compacted: learn its clock, target the present. */
		int64_t cur_time = 0;
		if (resp->n_responses == 1 && resp->responses[0]->response_range &&
		    resp->responses[0]->response_range->n_kvs == 1)
			cur_time = resp->responses[0]->response_range->kvs[0]->version;
		*compact_time = cur_time;
		*rev = cur_rev;
		goto out;
	}
	int64_t target = *rev;
	*compact_time += 1;
	*rev = cur_rev;
	if (target == 0)
		goto out; /* no compaction on the first round */
	r = ck_etcd_compact(c, target, false, NULL, err);
	if (r == 0)
		ck_log_v(4, "etcd: compacted rev (%" PRId64 "), endpoints (%s)", target,
			 c->endpoints);
out:
	ck_etcd_response_free(resp);
	return r;
}

struct ck_etcd_compactor {
	struct ck_etcd *client;
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stopping; /* guarded by mu */
};

static void *compactor_main(void *arg)
{
	struct ck_etcd_compactor *comp = arg;
	int64_t compact_time = 0, rev = 0;

	for (;;) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += comp->interval_ms / 1000;
		until.tv_nsec += (long)(comp->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&comp->mu);
		while (!comp->stopping &&
		       pthread_cond_timedwait(&comp->cond, &comp->mu, &until) != ETIMEDOUT)
			;
		bool stop = comp->stopping;
		pthread_mutex_unlock(&comp->mu);
		if (stop)
			break;
		struct ck_etcd_err err = { 0, "" };
		if (ck_etcd_compact_step(comp->client, &compact_time, &rev, &err) < 0)
			ck_log_v(4, "etcd: endpoint (%s) compact failed: %s",
				 comp->client->endpoints, err.message);
	}
	return NULL;
}

int ck_etcd_compactor_start(struct ck_etcd *c, int interval_ms, struct ck_etcd_compactor **ret)
{
	struct ck_etcd_compactor *comp = ck_calloc(1, sizeof(*comp));
	pthread_condattr_t ca;
	int r;

	comp->client = c;
	comp->interval_ms = interval_ms > 0 ? interval_ms : CK_ETCD_DEFAULT_COMPACTION_INTERVAL_MS;
	pthread_mutex_init(&comp->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&comp->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((r = pthread_create(&comp->thread, NULL, compactor_main, comp)) != 0) {
		pthread_cond_destroy(&comp->cond);
		pthread_mutex_destroy(&comp->mu);
		free(comp);
		return -r;
	}
	*ret = comp;
	return 0;
}

void ck_etcd_compactor_stop(struct ck_etcd_compactor *comp)
{
	if (!comp)
		return;
	pthread_mutex_lock(&comp->mu);
	comp->stopping = true;
	pthread_cond_broadcast(&comp->cond);
	pthread_mutex_unlock(&comp->mu);
	pthread_join(comp->thread, NULL);
	pthread_cond_destroy(&comp->cond);
	pthread_mutex_destroy(&comp->mu);
	free(comp);
}
