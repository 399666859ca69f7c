/*
 * The etcd client against a real etcd (test/lib/etcd.h): KV, transactions,
 * compaction, leases, failover, TLS and watch streams that survive a restart.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/etcd.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "storage/etcd3/etcd3.h"
#include "util/log.h"
#include "util/str.h"

/* CK_TEST_V=N turns on the library's debug logs for a run. */
static void setup_verbosity(void)
{
	const char *v = getenv("CK_TEST_V");
	int n;
	if (v && ck_str_to_int(v, &n) == 0)
		ck_log_verbosity = n;
}

static struct ck_etcd *connect_to(const char *endpoints, int timeout_ms)
{
	struct ck_etcd_config cfg = { .endpoints = endpoints, .request_timeout_ms = timeout_ms };
	struct ck_etcd_err err = { 0, "" };
	struct ck_etcd *c = NULL;
	int r = ck_etcd_new(&cfg, &c, &err);
	ck_assert_msg(r == 0, "ck_etcd_new: %s", err.message);
	return c;
}

#define BYTES(s) ((ProtobufCBinaryData){ strlen(s), (uint8_t *)(s) })

static int64_t put(struct ck_etcd *c, const char *key, const char *value, int64_t lease)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__PutResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	req.key = BYTES(key);
	req.value = BYTES(value);
	req.lease = lease;
	int r = ck_etcd_put(c, &req, &resp, &err);
	ck_assert_msg(r == 0, "put %s: %s", key, err.message);
	int64_t rev = resp->header->revision;
	ck_etcd_response_free(resp);
	return rev;
}

/* Range of one key (or prefix); returns the response (caller frees). */
static int range(struct ck_etcd *c, const char *key, bool prefix, int64_t rev, int64_t limit,
		 Etcdserverpb__RangeResponse **ret, struct ck_etcd_err *err)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	uint8_t end[256];
	req.key = BYTES(key);
	if (prefix) {
		req.range_end.len = ck_etcd_prefix_end(key, strlen(key), end);
		req.range_end.data = end;
	}
	req.revision = rev;
	req.limit = limit;
	return ck_etcd_range(c, &req, ret, err);
}

/* The value of key as a string the caller frees, or NULL when absent. */
static char *get_value(struct ck_etcd *c, const char *key, int64_t rev)
{
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	int r = range(c, key, false, rev, 0, &resp, &err);
	ck_assert_msg(r == 0, "range %s: %s", key, err.message);
	char *v = NULL;
	if (resp->n_kvs == 1)
		v = strndup((char *)resp->kvs[0]->value.data, resp->kvs[0]->value.len);
	ck_etcd_response_free(resp);
	return v;
}

START_TEST(test_etcd3_prefix_end)
{
	uint8_t buf[8];
	size_t n = ck_etcd_prefix_end("/a/", 3, buf);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(memcmp(buf, "/a0", 3), 0);
	n = ck_etcd_prefix_end("a\xff", 2, buf);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(buf[0], 'b');
	n = ck_etcd_prefix_end("\xff\xff", 2, buf);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(buf[0], 0);
	n = ck_etcd_prefix_end("", 0, buf);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(buf[0], 0);
}
END_TEST

START_TEST(test_etcd3_kv_and_txn)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 5000);
	struct ck_etcd_err err = { 0, "" };

	int64_t r1 = put(c, "/t/a", "1", 0);
	int64_t r2 = put(c, "/t/b", "2", 0);
	int64_t r3 = put(c, "/t/a", "3", 0);
	put(c, "/u/x", "x", 0);
	ck_assert_int_lt(r1, r2);
	ck_assert_int_lt(r2, r3);

	char *v = get_value(c, "/t/a", 0);
	ck_assert_str_eq(v, "3");
	free(v);
	v = get_value(c, "/t/a", r1);
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert_ptr_null(get_value(c, "/t/none", 0));

	/* prefix with limit: sorted by key, more and count */
	Etcdserverpb__RangeResponse *rr = NULL;
	ck_assert_int_eq(range(c, "/t/", true, 0, 1, &rr, &err), 0);
	ck_assert_uint_eq(rr->n_kvs, 1);
	ck_assert_int_eq(rr->more, 1);
	ck_assert_int_eq(rr->count, 2);
	ck_assert_int_eq(rr->kvs[0]->mod_revision, r3);
	ck_assert_int_eq(rr->kvs[0]->create_revision, r1);
	ck_assert_int_eq(rr->kvs[0]->version, 2);
	ck_assert_int_ge(rr->header->revision, r3);
	ck_etcd_response_free(rr);

	/* count only */
	Etcdserverpb__RangeRequest cr = ETCDSERVERPB__RANGE_REQUEST__INIT;
	uint8_t end[8];
	cr.key = BYTES("/t/");
	cr.range_end.len = ck_etcd_prefix_end("/t/", 3, end);
	cr.range_end.data = end;
	cr.count_only = true;
	ck_assert_int_eq(ck_etcd_range(c, &cr, &rr, &err), 0);
	ck_assert_uint_eq(rr->n_kvs, 0);
	ck_assert_int_eq(rr->count, 2);
	ck_etcd_response_free(rr);

	/* create-if-absent: create_revision == 0 */
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__Compare *cmps[] = { &cmp };
	Etcdserverpb__PutRequest p = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__RequestOp *ops[] = { &op };
	Etcdserverpb__TxnRequest txn = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__TxnResponse *tr = NULL;
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE;
	cmp.key = BYTES("/t/a");
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
	cmp.create_revision = 0;
	p.key = BYTES("/t/a");
	p.value = BYTES("new");
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	op.request_put = &p;
	txn.n_compare = 1;
	txn.compare = cmps;
	txn.n_success = 1;
	txn.success = ops;
	ck_assert_int_eq(ck_etcd_txn(c, &txn, &tr, &err), 0);
	ck_assert_int_eq(tr->succeeded, 0);
	ck_etcd_response_free(tr);
	cmp.key = BYTES("/t/c");
	p.key = BYTES("/t/c");
	ck_assert_int_eq(ck_etcd_txn(c, &txn, &tr, &err), 0);
	ck_assert_int_eq(tr->succeeded, 1);
	ck_assert_uint_eq(tr->n_responses, 1);
	ck_assert_ptr_nonnull(tr->responses[0]->response_put);
	int64_t r4 = tr->header->revision;
	ck_etcd_response_free(tr);

	/* compare on mod_revision */
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD;
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
	cmp.mod_revision = r4 - 1;
	ck_assert_int_eq(ck_etcd_txn(c, &txn, &tr, &err), 0);
	ck_assert_int_eq(tr->succeeded, 0);
	ck_etcd_response_free(tr);
	cmp.mod_revision = r4;
	ck_assert_int_eq(ck_etcd_txn(c, &txn, &tr, &err), 0);
	ck_assert_int_eq(tr->succeeded, 1);
	ck_etcd_response_free(tr);

	/* delete with prev_kv */
	Etcdserverpb__DeleteRangeRequest dr = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
	Etcdserverpb__DeleteRangeResponse *dresp = NULL;
	dr.key = BYTES("/t/");
	dr.range_end.len = ck_etcd_prefix_end("/t/", 3, end);
	dr.range_end.data = end;
	dr.prev_kv = true;
	ck_assert_int_eq(ck_etcd_delete_range(c, &dr, &dresp, &err), 0);
	ck_assert_int_eq(dresp->deleted, 3);
	ck_assert_uint_eq(dresp->n_prev_kvs, 3);
	ck_etcd_response_free(dresp);
	ck_assert_ptr_null(get_value(c, "/t/a", 0));

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_etcd3_compacted_and_future_revisions)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 5000);
	struct ck_etcd_err err = { 0, "" };
	Etcdserverpb__RangeResponse *rr = NULL;

	int64_t r1 = put(c, "/k", "1", 0);
	int64_t r2 = put(c, "/k", "2", 0);
	ck_assert_int_eq(ck_etcd_compact(c, r2, true, NULL, &err), 0);
	ck_assert_int_eq(range(c, "/k", false, r1, 0, &rr, &err), -EKEYEXPIRED);
	ck_assert_int_eq(err.code, -EKEYEXPIRED);
	ck_assert_ptr_nonnull(strstr(err.message, ck_test_etcd_endpoint(e)));
	ck_assert_ptr_nonnull(strstr(err.message, "/etcdserverpb.KV/Range"));
	ck_assert_ptr_nonnull(strstr(err.message, "compacted"));
	ck_assert_int_eq(range(c, "/k", false, r2 + 100, 0, &rr, &err), -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(err.message, "future revision"));
	char *v = get_value(c, "/k", r2);
	ck_assert_str_eq(v, "2");
	free(v);

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

/* Upstream compact_test.go TestCompact and TestCompactConflict. */
START_TEST(test_etcd3_compact_step)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 5000);
	struct ck_etcd_err err = { 0, "" };
	Etcdserverpb__RangeResponse *rr = NULL;

	/* TestCompact */
	int64_t r1 = put(c, "/somekey", "data", 0);
	int64_t r2 = put(c, "/somekey", "data2", 0);
	int64_t t = 0, rev = r2;
	ck_assert_int_eq(ck_etcd_compact_step(c, &t, &rev, &err), 0);
	ck_assert_int_eq(t, 1);
	ck_assert_int_eq(range(c, "/somekey", false, r1, 0, &rr, &err), -EKEYEXPIRED);

	/* TestCompactConflict: a second compactor with a stale clock only
	 * learns the current one. */
	int64_t r3 = put(c, "/somekey", "data3", 0);
	int64_t t2 = 0, rev2 = r3;
	ck_assert_int_eq(ck_etcd_compact_step(c, &t2, &rev2, &err), 0);
	ck_assert_int_eq(t2, t);
	char *v = get_value(c, "/somekey", r2);
	ck_assert_str_eq(v, "data2");
	free(v);

	/* The winner recorded the revision it compacted to. */
	char want[32];
	snprintf(want, sizeof(want), "%lld", (long long)r2);
	v = get_value(c, CK_ETCD_COMPACT_REV_KEY, 0);
	ck_assert_str_eq(v, want);
	free(v);

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_etcd3_leases)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 5000);
	struct ck_etcd_err err = { 0, "" };
	int64_t id = 0, ttl = 0;

	ck_assert_int_eq(ck_etcd_lease_grant(c, 2, &id, &ttl, &err), 0);
	ck_assert_int_ne(id, 0);
	ck_assert_int_eq(ttl, 2);
	put(c, "/ttl/a", "a", id);
	ck_assert_int_eq(ck_etcd_lease_keepalive_once(c, id, &ttl, &err), 0);
	ck_assert_int_eq(ttl, 2);
	ck_assert_int_eq(ck_etcd_lease_time_to_live(c, id, &ttl, &err), 0);
	ck_assert_int_ge(ttl, 1);

	/* a second lease revoked at once takes its key with it */
	int64_t id2 = 0;
	ck_assert_int_eq(ck_etcd_lease_grant(c, 60, &id2, NULL, &err), 0);
	put(c, "/ttl/b", "b", id2);
	ck_assert_int_eq(ck_etcd_lease_revoke(c, id2, &err), 0);
	ck_assert_ptr_null(get_value(c, "/ttl/b", 0));
	ck_assert_int_eq(ck_etcd_lease_revoke(c, id2, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.message, "lease not found"));

	/* the first one expires on its own */
	double deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	char *v;
	while ((v = get_value(c, "/ttl/a", 0)) != NULL && ck_test_now_ms() < deadline) {
		free(v);
		usleep(100 * 1000);
	}
	ck_assert_ptr_null(v);
	ck_assert_int_eq(ck_etcd_lease_time_to_live(c, id, &ttl, &err), 0);
	ck_assert_int_eq(ttl, -1);
	ck_assert_int_eq(ck_etcd_lease_keepalive_once(c, id, &ttl, &err), 0);
	ck_assert_int_le(ttl, 0);

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_etcd3_unreachable_and_failover)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd_err err = { 0, "" };
	Etcdserverpb__RangeResponse *rr = NULL;

	/* Nothing listens on port 1: reads retry until the deadline, then say
	 * which endpoint and method failed, as unreachable even when the
	 * deadline ends an attempt (that race is the client's to hide). The
	 * deadline is long enough for the first connection to be refused on a
	 * loaded machine: a first attempt cut short has no cause to report. */
	int dead_ms = (int)(ck_test_timeout(2) * 1000);
	struct ck_etcd *dead = connect_to("http://127.0.0.1:1", dead_ms);
	double t0 = ck_test_now_ms();
	ck_assert_int_eq(range(dead, "/x", false, 0, 0, &rr, &err), -EHOSTUNREACH);
	double took = ck_test_now_ms() - t0;
	/* retried: the loop stops only when the next backoff (at most 1.1 s)
	 * no longer fits; and it did not wait far past its deadline */
	ck_assert_double_ge(took, dead_ms / 4);
	ck_assert_double_lt(took, dead_ms + ck_test_timeout(10) * 1000);
	ck_assert_ptr_nonnull(strstr(err.message, "http://127.0.0.1:1"));
	ck_assert_ptr_nonnull(strstr(err.message, "/etcdserverpb.KV/Range"));
	ck_assert_ptr_nonnull(strstr(err.message, "UNAVAILABLE"));
	ck_etcd_free(dead);

	/* Dead endpoint first, live second: reads and writes fail over. */
	char eps[256];
	snprintf(eps, sizeof(eps), "http://127.0.0.1:1, %s", ck_test_etcd_endpoint(e));
	struct ck_etcd *c = connect_to(eps, 5000);
	ck_assert_uint_eq(ck_etcd_endpoint_count(c), 2);
	put(c, "/f", "1", 0);
	char *v = get_value(c, "/f", 0);
	ck_assert_str_eq(v, "1");
	free(v);
	Etcdserverpb__StatusResponse *st = NULL;
	ck_assert_int_eq(ck_etcd_status(c, 1, &st, &err), 0);
	ck_assert_str_eq(st->version, "3.4.23");
	ck_etcd_response_free(st);
	ck_assert_int_lt(ck_etcd_status(c, 0, &st, &err), 0);
	ck_etcd_free(c);

	/* A live endpoint that dies: reads move to the next one at once, and
	 * so do later writes. (Two single-member clusters stand in for two
	 * members; the client cannot tell.) */
	struct ck_test_etcd *e2;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e2), 0);
	snprintf(eps, sizeof(eps), "%s,%s", ck_test_etcd_endpoint(e), ck_test_etcd_endpoint(e2));
	c = connect_to(eps, 5000);
	put(c, "/which", "first", 0);
	ck_assert_int_eq(ck_test_etcd_kill(e), 0);
	v = get_value(c, "/which", 0); /* answered by the second etcd */
	ck_assert_ptr_null(v);
	put(c, "/which", "second", 0);
	v = get_value(c, "/which", 0);
	ck_assert_str_eq(v, "second");
	free(v);
	ck_etcd_free(c);
	ck_test_etcd_free(e2);

	/* Bad endpoint lists are rejected up front. */
	struct ck_etcd_config cfg = { .endpoints = "ftp://x:1" };
	struct ck_etcd *bad = NULL;
	ck_assert_int_eq(ck_etcd_new(&cfg, &bad, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "ftp://x:1"));
	cfg.endpoints = " , ";
	ck_assert_int_eq(ck_etcd_new(&cfg, &bad, &err), -EINVAL);

	ck_test_etcd_free(e);
}
END_TEST

/* A read of "/shutdown" on its own thread, and what it returned. */
struct pending_read {
	struct ck_etcd *c;
	pthread_t thread;
	int result;
	struct ck_etcd_err err;
	double took_ms;
};

static void *pending_read_main(void *arg)
{
	struct pending_read *p = arg;
	Etcdserverpb__RangeResponse *rr = NULL;
	double t0 = ck_test_now_ms();
	p->result = range(p->c, "/shutdown", false, 0, 0, &rr, &p->err);
	p->took_ms = ck_test_now_ms() - t0;
	ck_etcd_response_free(rr);
	return NULL;
}

static void pending_read_start(struct pending_read *p, struct ck_etcd *c)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	ck_assert_int_eq(pthread_create(&p->thread, NULL, pending_read_main, p), 0);
	ck_test_sleep_ms(300); /* now waiting on etcd */
}

START_TEST(test_etcd3_shutdown)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	/* Calls may wait this long; the bound below is on a hang, far under it. */
	const int request_timeout_ms = 120000;
	const double bound_ms = ck_test_timeout(15) * 1000;
	ck_assert_double_lt(bound_ms, request_timeout_ms);
	struct ck_etcd_err err = { 0, "" };
	Etcdserverpb__RangeResponse *rr = NULL;

	/* With etcd healthy, a client shutting down works as before (a
	 * stopping server's last writes go through). */
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), request_timeout_ms);
	ck_etcd_shutdown(c, 5000);
	put(c, "/shutdown", "1", 0);
	char *v = get_value(c, "/shutdown", 0);
	ck_assert_str_eq(v, "1");
	free(v);
	ck_etcd_free(c);

	/* etcd gone: a read retries until its deadline, unless the client
	 * shuts down meanwhile: then etcd's last answer is final. */
	c = connect_to(ck_test_etcd_endpoint(e), request_timeout_ms);
	put(c, "/shutdown", "2", 0);
	ck_assert_int_eq(ck_test_etcd_kill(e), 0);
	struct pending_read p;
	pending_read_start(&p, c);
	ck_etcd_shutdown(c, 5000);
	pthread_join(p.thread, NULL);
	ck_assert_msg(p.result == -EHOSTUNREACH, "read: %d: %s", p.result, p.err.message);
	ck_assert_double_lt(p.took_ms, bound_ms);
	/* and a call made afterwards is not retried either */
	double t0 = ck_test_now_ms();
	ck_assert_int_eq(range(c, "/shutdown", false, 0, 0, &rr, &err), -EHOSTUNREACH);
	ck_assert_double_lt(ck_test_now_ms() - t0, bound_ms);
	ck_etcd_free(c);

	/* etcd hung (its connection open, no answers): a call waiting for
	 * its answer ends once the shutdown's grace has passed. */
	ck_assert_int_eq(ck_test_etcd_restart(e), 0);
	c = connect_to(ck_test_etcd_endpoint(e), request_timeout_ms);
	put(c, "/shutdown", "3", 0);
	ck_assert_int_eq(kill(ck_test_etcd_pid(e), SIGSTOP), 0);
	pending_read_start(&p, c);
	ck_etcd_shutdown(c, 500);
	pthread_join(p.thread, NULL);
	kill(ck_test_etcd_pid(e), SIGCONT);
	ck_assert_msg(p.result == -ETIMEDOUT, "read: %d: %s", p.result, p.err.message);
	ck_assert_ptr_nonnull(strstr(p.err.message, "shutting down"));
	ck_assert_double_lt(p.took_ms, bound_ms);
	ck_etcd_free(c);

	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_etcd3_tls)
{
	struct ck_test_etcd_options o = { .tls = true };
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(&o, &e), 0);
	ck_assert_ptr_nonnull(strstr(ck_test_etcd_endpoint(e), "https://"));
	struct ck_etcd_err err = { 0, "" };

	struct ck_etcd_config cfg = {
		.endpoints = ck_test_etcd_endpoint(e),
		.ca_file = ck_test_etcd_ca_file(e),
		.cert_file = ck_test_etcd_cert_file(e),
		.key_file = ck_test_etcd_key_file(e),
		.request_timeout_ms = 5000,
	};
	struct ck_etcd *c = NULL;
	ck_assert_msg(ck_etcd_new(&cfg, &c, &err) == 0, "%s", err.message);
	put(c, "/tls", "yes", 0);
	char *v = get_value(c, "/tls", 0);
	ck_assert_str_eq(v, "yes");
	free(v);
	ck_etcd_free(c);

	/* Without a client certificate etcd refuses the connection. */
	cfg.cert_file = cfg.key_file = NULL;
	cfg.request_timeout_ms = 1000;
	ck_assert_int_eq(ck_etcd_new(&cfg, &c, &err), 0);
	Etcdserverpb__RangeResponse *rr = NULL;
	ck_assert_int_lt(range(c, "/tls", false, 0, 0, &rr, &err), 0);
	ck_etcd_free(c);

	/* A missing CA file is reported by name. */
	cfg.ca_file = "/nonexistent/ca.crt";
	ck_assert_int_eq(ck_etcd_new(&cfg, &c, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/ca.crt"));

	ck_test_etcd_free(e);
}
END_TEST

/* ---- watch ---------------------------------------------------------------- */

#define MAX_SEEN 4096

struct recorder {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int64_t revs[MAX_SEEN];
	int types[MAX_SEEN];
	char prev[MAX_SEEN][16];
	int n;
	int progress;
	int error_code;
	char error[512];
};

static void recorder_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cond, NULL);
}

static int on_events(void *arg, const Etcdserverpb__WatchResponse *resp, struct ck_etcd_err *err)
{
	struct recorder *r = arg;
	(void)err;
	pthread_mutex_lock(&r->mu);
	if (resp->n_events == 0)
		r->progress++;
	for (size_t i = 0; i < resp->n_events && r->n < MAX_SEEN; i++) {
		Mvccpb__Event *ev = resp->events[i];
		r->revs[r->n] = ev->kv->mod_revision;
		r->types[r->n] = ev->type;
		r->prev[r->n][0] = '\0';
		if (ev->prev_kv)
			snprintf(r->prev[r->n], sizeof(r->prev[r->n]), "%.*s",
				 (int)ev->prev_kv->value.len, (char *)ev->prev_kv->value.data);
		r->n++;
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

static void on_error(void *arg, int code, const char *message)
{
	struct recorder *r = arg;
	pthread_mutex_lock(&r->mu);
	r->error_code = code;
	snprintf(r->error, sizeof(r->error), "%s", message);
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
}

/* Waits until n events (or an error) arrived; returns the count seen. */
static int wait_events(struct recorder *r, int n, double seconds)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(seconds) * 1000;
	pthread_mutex_lock(&r->mu);
	while (r->n < n && !r->error_code && ck_test_now_ms() < deadline) {
		pthread_mutex_unlock(&r->mu);
		usleep(2000);
		pthread_mutex_lock(&r->mu);
	}
	int got = r->n;
	pthread_mutex_unlock(&r->mu);
	return got;
}

static struct ck_etcd_watch *watch_prefix(struct ck_etcd *c, const char *prefix, int64_t rev,
					  struct recorder *rec)
{
	static uint8_t end[256];
	struct ck_etcd_watch_options o = { 0 };
	struct ck_etcd_watch_handler h = { .events = on_events, .error = on_error, .arg = rec };
	struct ck_etcd_watch *w = NULL;
	struct ck_etcd_err err = { 0, "" };
	o.key = prefix;
	o.key_len = strlen(prefix);
	o.range_end_len = ck_etcd_prefix_end(prefix, o.key_len, end);
	o.range_end = end;
	o.start_revision = rev;
	o.prev_kv = true;
	ck_assert_int_eq(ck_etcd_watch_start(c, &o, &h, &w, &err), 0);
	return w;
}

START_TEST(test_etcd3_watch_events)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 5000);
	struct recorder rec;
	recorder_init(&rec);

	int64_t r0 = put(c, "/w/a", "0", 0);
	struct ck_etcd_watch *w = watch_prefix(c, "/w/", r0, &rec);
	int64_t r1 = put(c, "/w/a", "1", 0);
	put(c, "/other", "x", 0);
	Etcdserverpb__DeleteRangeRequest dr = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
	Etcdserverpb__DeleteRangeResponse *dresp = NULL;
	struct ck_etcd_err err = { 0, "" };
	dr.key = BYTES("/w/a");
	ck_assert_int_eq(ck_etcd_delete_range(c, &dr, &dresp, &err), 0);
	int64_t r2 = dresp->header->revision;
	ck_etcd_response_free(dresp);

	ck_assert_int_eq(wait_events(&rec, 3, 10), 3);
	ck_assert_int_eq(rec.revs[0], r0);
	ck_assert_int_eq(rec.types[0], MVCCPB__EVENT__EVENT_TYPE__PUT);
	ck_assert_int_eq(rec.revs[1], r1);
	ck_assert_str_eq(rec.prev[1], "0");
	ck_assert_int_eq(rec.revs[2], r2);
	ck_assert_int_eq(rec.types[2], MVCCPB__EVENT__EVENT_TYPE__DELETE);
	ck_assert_str_eq(rec.prev[2], "1");
	ck_assert_uint_eq(ck_etcd_watch_stream_count(w), 1);
	ck_etcd_watch_stop(w);

	/* from a compacted revision: a distinct error */
	ck_assert_int_eq(ck_etcd_compact(c, r2, true, NULL, &err), 0);
	struct recorder rec2;
	recorder_init(&rec2);
	w = watch_prefix(c, "/w/", r0, &rec2);
	wait_events(&rec2, 1, 10);
	ck_assert_int_eq(rec2.n, 0);
	ck_assert_int_eq(rec2.error_code, -EKEYEXPIRED);
	ck_assert_ptr_nonnull(strstr(rec2.error, "compacted"));
	ck_etcd_watch_stop(w);

	/* stopping a watch that never got anything is quick and clean */
	struct recorder rec3;
	recorder_init(&rec3);
	w = watch_prefix(c, "/quiet/", 0, &rec3);
	usleep(50 * 1000);
	ck_etcd_watch_stop(w);
	ck_assert_int_eq(rec3.error_code, 0);

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

struct writer {
	struct ck_etcd *c;
	int n;
	int written;
	int64_t last_rev;
};

/* Writes n keys, retrying each until etcd takes it (it restarts meanwhile). */
static void *writer_main(void *arg)
{
	struct writer *wr = arg;
	for (int i = 0; i < wr->n; i++) {
		char key[32];
		snprintf(key, sizeof(key), "/r/%05d", i);
		for (;;) {
			Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
			Etcdserverpb__PutResponse *resp = NULL;
			struct ck_etcd_err err = { 0, "" };
			req.key = BYTES(key);
			req.value = BYTES("v");
			if (ck_etcd_put(wr->c, &req, &resp, &err) == 0) {
				wr->last_rev = resp->header->revision;
				ck_etcd_response_free(resp);
				break;
			}
			usleep(20 * 1000);
		}
		wr->written++;
		usleep(1000);
	}
	return NULL;
}

START_TEST(test_etcd3_watch_survives_restart)
{
	struct ck_test_etcd *e;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e), 2000);
	struct recorder rec;
	recorder_init(&rec);

	int64_t start = put(c, "/start", "x", 0);
	struct ck_etcd_watch *w = watch_prefix(c, "/r/", start + 1, &rec);
	struct writer wr = { c, 600, 0, 0 };
	pthread_t t;
	pthread_create(&t, NULL, writer_main, &wr);

	/* a graceful restart, then a crash, while writes go on */
	while (__atomic_load_n(&wr.written, __ATOMIC_SEQ_CST) < 100)
		usleep(1000);
	ck_assert_int_eq(ck_test_etcd_restart(e), 0);
	while (__atomic_load_n(&wr.written, __ATOMIC_SEQ_CST) < 300)
		usleep(1000);
	ck_assert_int_eq(ck_test_etcd_kill(e), 0);
	usleep(200 * 1000);
	ck_assert_int_eq(ck_test_etcd_restart(e), 0);
	pthread_join(t, NULL);

	/*
	 * A put whose answer was lost in the crash is retried and may have been
	 * applied twice, so the keyspace holds last_rev - start revisions, not
	 * necessarily wr.n: the watch must deliver exactly those, once each.
	 */
	int want = (int)(wr.last_rev - start);
	ck_assert_int_ge(want, wr.n);
	ck_assert_int_eq(wait_events(&rec, want, 30), want);
	usleep(100 * 1000);
	pthread_mutex_lock(&rec.mu);
	ck_assert_int_eq(rec.n, want); /* nothing repeated */
	ck_assert_int_eq(rec.revs[0], start + 1);
	for (int i = 1; i < rec.n; i++)
		ck_assert_int_eq(rec.revs[i], rec.revs[i - 1] + 1); /* nothing lost */
	ck_assert_int_eq(rec.revs[rec.n - 1], wr.last_rev);
	ck_assert_int_eq(rec.error_code, 0);
	pthread_mutex_unlock(&rec.mu);
	ck_assert_uint_ge(ck_etcd_watch_stream_count(w), 3);
	ck_etcd_watch_stop(w);

	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

Suite *ck_test_suite_etcd3(void)
{
	Suite *s = suite_create("etcd3");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, ck_test_timeout(60));
	tcase_add_checked_fixture(tc, setup_verbosity, NULL);
	tcase_add_test(tc, test_etcd3_prefix_end);
	tcase_add_test(tc, test_etcd3_kv_and_txn);
	tcase_add_test(tc, test_etcd3_compacted_and_future_revisions);
	tcase_add_test(tc, test_etcd3_compact_step);
	tcase_add_test(tc, test_etcd3_leases);
	tcase_add_test(tc, test_etcd3_unreachable_and_failover);
	tcase_add_test(tc, test_etcd3_shutdown);
	tcase_add_test(tc, test_etcd3_tls);
	tcase_add_test(tc, test_etcd3_watch_events);
	tcase_add_test(tc, test_etcd3_watch_survives_restart);
	suite_add_tcase(s, tc);
	return s;
}
