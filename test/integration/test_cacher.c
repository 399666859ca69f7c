/*
 * The watch cache (storage/cacher/cacher.h) against a real etcd
 * (test/lib/etcd.h): lists, synthetic ADDEDs, replay from the ring, 410 for
 * too old a revision, filter transitions, bookmarks, fan-out, closing slow
 * watchers, other encodings shared between watchers, stopping, an etcd
 * restart, and a relist after the history was compacted while the cache
 * was cut off (through a TCP proxy the test controls).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/etcd.h"
#include "../lib/runner.h"
#include "apimachinery/status.h"
#include "storage/cacher/cacher.h"
#include "storage/etcd3/etcd3.h"
#include "util/json_write.h"
#include "util/log.h"
#include "util/str.h"

#define PREFIX "/registry/configmaps/"

/* CK_TEST_V=N turns on the library's debug logs for a run. */
static void setup_verbosity(void)
{
	const char *v = getenv("CK_TEST_V");
	int n;
	if (v && ck_str_to_int(v, &n) == 0)
		ck_log_verbosity = n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- etcd ------------------------------------------------------------------ */

static struct ck_etcd *connect_to(const char *endpoints)
{
	struct ck_etcd_config cfg = { .endpoints = endpoints, .request_timeout_ms = 5000 };
	struct ck_etcd_err err = { 0, "" };
	struct ck_etcd *c = NULL;
	int r = ck_etcd_new(&cfg, &c, &err);
	ck_assert_msg(r == 0, "ck_etcd_new: %s", err.message);
	return c;
}

#define BYTES(s) ((ProtobufCBinaryData){ strlen(s), (uint8_t *)(s) })

/* Puts value at key (retrying while etcd restarts when retry); returns the revision. */
static int64_t put_try(struct ck_etcd *c, const char *key, const char *value, bool retry)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__PutResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	req.key = BYTES(key);
	req.value = BYTES(value);
	for (;;) {
		int r = ck_etcd_put(c, &req, &resp, &err);
		if (r == 0)
			break;
		ck_assert_msg(retry, "put %s: %s", key, err.message);
		sleep_ms(50);
	}
	int64_t rev = resp->header->revision;
	ck_etcd_response_free(resp);
	return rev;
}

static int64_t put(struct ck_etcd *c, const char *key, const char *value)
{
	return put_try(c, key, value, false);
}

static int64_t del(struct ck_etcd *c, const char *key)
{
	Etcdserverpb__DeleteRangeRequest req = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
	Etcdserverpb__DeleteRangeResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	req.key = BYTES(key);
	int r = ck_etcd_delete_range(c, &req, &resp, &err);
	ck_assert_msg(r == 0, "delete %s: %s", key, err.message);
	ck_assert_int_eq(resp->deleted, 1);
	int64_t rev = resp->header->revision;
	ck_etcd_response_free(resp);
	return rev;
}

/* A ConfigMap's stored JSON (no resourceVersion, as the storage layer writes it). */
static char *cm(const char *ns, const char *name, const char *app, const char *data)
{
	char buf[1024];
	char labels[128] = "";
	if (app)
		snprintf(labels, sizeof(labels), ",\"labels\":{\"app\":\"%s\"}", app);
	snprintf(buf, sizeof(buf),
		 "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
		 "\"namespace\":\"%s\"%s},\"data\":{\"v\":\"%s\"}}",
		 name, ns, labels, data);
	return strdup(buf);
}

static int64_t put_cm(struct ck_etcd *c, const char *ns, const char *name, const char *app,
		      const char *data)
{
	char key[256];
	char *v = cm(ns, name, app, data);
	snprintf(key, sizeof(key), PREFIX "%s/%s", ns, name);
	int64_t rev = put(c, key, v);
	free(v);
	return rev;
}

static int64_t del_cm(struct ck_etcd *c, const char *ns, const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), PREFIX "%s/%s", ns, name);
	return del(c, key);
}

/* etcd's state under prefix: "key=modrev" lines, in key order (owned). */
static char *etcd_state(struct ck_etcd *c, const char *prefix)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	uint8_t end[256];
	struct ck_buf b = CK_BUF_INIT;
	req.key = BYTES(prefix);
	req.range_end.len = ck_etcd_prefix_end(prefix, strlen(prefix), end);
	req.range_end.data = end;
	ck_assert_int_eq(ck_etcd_range(c, &req, &resp, &err), 0);
	for (size_t i = 0; i < resp->n_kvs; i++)
		ck_buf_addf(&b, "%.*s=%" PRId64 "\n", (int)resp->kvs[i]->key.len,
			    (const char *)resp->kvs[i]->key.data, resp->kvs[i]->mod_revision);
	ck_etcd_response_free(resp);
	return ck_buf_detach(&b, NULL);
}

static const char *meta_str(json_object *obj, const char *field)
{
	json_object *meta, *v;
	if (!obj || !json_object_object_get_ex(obj, "metadata", &meta) ||
	    !json_object_object_get_ex(meta, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* The cache's list under prefix in etcd_state's form (owned). */
static char *cache_state(struct ck_cacher *c, const char *prefix)
{
	json_object **items = NULL;
	size_t n = 0;
	int64_t rv = 0;
	struct ck_buf b = CK_BUF_INIT;
	ck_assert_int_eq(ck_cacher_list(c, prefix, NULL, NULL, &items, &n, &rv), 0);
	for (size_t i = 0; i < n; i++) {
		ck_buf_addf(&b, PREFIX "%s/%s=%s\n", meta_str(items[i], "namespace"),
			    meta_str(items[i], "name"), meta_str(items[i], "resourceVersion"));
		json_object_put(items[i]);
	}
	free(items);
	return ck_buf_detach(&b, NULL);
}

static struct ck_cacher *start_cacher(struct ck_etcd *c, size_t min_history, size_t max_history,
				      int64_t bookmark_ms)
{
	struct ck_cacher_config cfg = { .etcd = c,
					.prefix = PREFIX,
					.min_history = min_history,
					.max_history = max_history,
					.bookmark_interval_ms = bookmark_ms };
	struct ck_cacher *cache = NULL;
	ck_assert_int_eq(ck_cacher_start(&cfg, &cache), 0);
	return cache;
}

/* ---- a watcher that records what it gets ------------------------------------- */

struct rec_event {
	enum ck_watch_event_type type;
	int64_t rv;
	char name[64];
	char object_rv[32];
	char app[32];
	char *object; /* ck_json_write of the object, NULL for BOOKMARK */
	char *encoded;
	const char *encoded_ptr;
	int code; /* ERROR: the Status code */
	char reason[32];
	char message[128];
};

struct recorder {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct rec_event *evs;
	size_t n, cap;
	int closed;
	bool fail;	      /* deliver asks to be closed */
	atomic_bool stopped;  /* set after ck_cacher_watch_stop: nothing may come */
	const char *app;      /* filter: label app=<app>; NULL: all */
	bool keep_everything; /* copy objects and frames (off for big fan-outs) */
};

static void rec_init(struct recorder *r, const char *app)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->app = app;
	r->keep_everything = true;
}

static void rec_release(struct recorder *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->evs[i].object);
		free(r->evs[i].encoded);
	}
	free(r->evs);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->mu);
}

static const char *label_app(json_object *obj)
{
	json_object *meta, *labels, *v;
	if (!json_object_object_get_ex(obj, "metadata", &meta) ||
	    !json_object_object_get_ex(meta, "labels", &labels) ||
	    !json_object_object_get_ex(labels, "app", &v))
		return "";
	return json_object_get_string(v);
}

static bool rec_filter(void *ctx, json_object *obj)
{
	struct recorder *r = ctx;
	return !r->app || strcmp(label_app(obj), r->app) == 0;
}

static int rec_deliver(void *ctx, const struct ck_watch_event *ev)
{
	struct recorder *r = ctx;
	if (atomic_load(&r->stopped))
		abort(); /* a callback after ck_cacher_watch_stop() returned */
	pthread_mutex_lock(&r->mu);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->evs = realloc(r->evs, r->cap * sizeof(*r->evs));
	}
	struct rec_event *e = &r->evs[r->n++];
	memset(e, 0, sizeof(*e));
	e->type = ev->type;
	e->rv = ev->rv;
	e->encoded_ptr = ev->encoded;
	if (ev->object && ev->type != CK_WATCH_ERROR) {
		snprintf(e->name, sizeof(e->name), "%s", meta_str(ev->object, "name"));
		snprintf(e->object_rv, sizeof(e->object_rv), "%s",
			 meta_str(ev->object, "resourceVersion"));
		snprintf(e->app, sizeof(e->app), "%s", label_app(ev->object));
	}
	if (ev->type == CK_WATCH_ERROR) {
		e->code = ck_status_code(ev->object);
		snprintf(e->reason, sizeof(e->reason), "%s", ck_status_reason(ev->object));
		snprintf(e->message, sizeof(e->message), "%s", ck_status_message(ev->object));
	}
	if (r->keep_everything) {
		if (ev->object) {
			struct ck_buf b = CK_BUF_INIT;
			ck_json_write(&b, ev->object);
			e->object = ck_buf_detach(&b, NULL);
		}
		if (ev->encoded)
			e->encoded = strndup(ev->encoded, ev->encoded_len);
	}
	int ret = r->fail ? -1 : 0;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	return ret;
}

static void rec_closed(void *ctx)
{
	struct recorder *r = ctx;
	pthread_mutex_lock(&r->mu);
	r->closed++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
}

/* Waits until the recorder has n events (true) or timeout_ms passes. */
static bool rec_wait(struct recorder *r, size_t n, double timeout_ms)
{
	double until = ck_test_now_ms() + ck_test_timeout(timeout_ms / 1000) * 1000;
	pthread_mutex_lock(&r->mu);
	while (r->n < n && ck_test_now_ms() < until) {
		pthread_mutex_unlock(&r->mu);
		sleep_ms(5);
		pthread_mutex_lock(&r->mu);
	}
	bool ok = r->n >= n;
	pthread_mutex_unlock(&r->mu);
	return ok;
}

/* Waits until the recorder got an event of revision rv or later. */
static bool rec_wait_rv(struct recorder *r, int64_t rv, double timeout_ms)
{
	double until = ck_test_now_ms() + ck_test_timeout(timeout_ms / 1000) * 1000;
	bool ok = false;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		ok = r->n > 0 && r->evs[r->n - 1].rv >= rv;
		pthread_mutex_unlock(&r->mu);
		if (ok || ck_test_now_ms() >= until)
			return ok;
		sleep_ms(5);
	}
}

static bool rec_wait_closed(struct recorder *r, double timeout_ms)
{
	double until = ck_test_now_ms() + ck_test_timeout(timeout_ms / 1000) * 1000;
	pthread_mutex_lock(&r->mu);
	while (r->closed == 0 && ck_test_now_ms() < until) {
		pthread_mutex_unlock(&r->mu);
		sleep_ms(5);
		pthread_mutex_lock(&r->mu);
	}
	bool ok = r->closed > 0;
	pthread_mutex_unlock(&r->mu);
	return ok;
}

static size_t rec_count(struct recorder *r, enum ck_watch_event_type type)
{
	size_t n = 0;
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n; i++)
		n += r->evs[i].type == type;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static struct ck_cacher_watcher *watch(struct ck_cacher *c, struct recorder *r,
				       const char *key_prefix, int64_t from_rv, bool bookmarks)
{
	struct ck_cacher_watch_options o = { .key_prefix = key_prefix,
					     .from_rv = from_rv,
					     .bookmarks = bookmarks,
					     .filter = r->app ? rec_filter : NULL,
					     .deliver = rec_deliver,
					     .closed = rec_closed,
					     .ctx = r };
	struct ck_cacher_watcher *w = NULL;
	ck_assert_int_eq(ck_cacher_watch(c, &o, &w), 0);
	return w;
}

static void watch_stop(struct ck_cacher_watcher *w, struct recorder *r)
{
	ck_cacher_watch_stop(w);
	atomic_store(&r->stopped, true);
}

static void assert_event(struct recorder *r, size_t i, enum ck_watch_event_type type,
			 const char *name, int64_t rv)
{
	pthread_mutex_lock(&r->mu);
	ck_assert_msg(i < r->n, "event %zu missing (have %zu)", i, r->n);
	struct rec_event *e = &r->evs[i];
	ck_assert_msg(e->type == type && strcmp(e->name, name) == 0 && e->rv == rv,
		      "event %zu: %s %s %" PRId64 ", want %s %s %" PRId64, i,
		      ck_watch_event_type_name(e->type), e->name, e->rv,
		      ck_watch_event_type_name(type), name, rv);
	char rvs[32];
	snprintf(rvs, sizeof(rvs), "%" PRId64, rv);
	ck_assert_str_eq(e->object_rv, rvs);
	/* the frame is exactly {"type":T,"object":O}\n */
	if (e->encoded) {
		char want[4096];
		snprintf(want, sizeof(want), "{\"type\":\"%s\",\"object\":%s}\n",
			 ck_watch_event_type_name(type), e->object);
		ck_assert_str_eq(e->encoded, want);
	}
	pthread_mutex_unlock(&r->mu);
}

/* ---- tests ----------------------------------------------------------------------- */

START_TEST(test_cacher_list_matches_etcd)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));

	put_cm(c, "ns1", "b", NULL, "1");
	put_cm(c, "ns1", "a", NULL, "1");
	put_cm(c, "ns10", "a", NULL, "1");
	put_cm(c, "ns2", "x", NULL, "1");
	put(c, "/registry/configmapsx/ns1/zz", "{\"metadata\":{}}"); /* outside */
	put(c, PREFIX "ns2/bad", "not json");			     /* skipped */
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	del(c, PREFIX "ns2/bad");

	char *want = etcd_state(c, PREFIX "ns1/"), *got = cache_state(cache, PREFIX "ns1/");
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(got, PREFIX "ns1/a=3\n" PREFIX "ns1/b=2\n");
	free(want);
	free(got);
	/* a prefix without the slash matches whole segments only */
	got = cache_state(cache, PREFIX "ns1");
	ck_assert_str_eq(got, PREFIX "ns1/a=3\n" PREFIX "ns1/b=2\n");
	free(got);
	ck_assert_uint_eq(ck_cacher_object_count(cache), 4);

	/* creates, updates, deletes */
	put_cm(c, "ns1", "c", NULL, "1");
	put_cm(c, "ns1", "a", NULL, "2");
	del_cm(c, "ns1", "b");
	put_cm(c, "ns2", "y", NULL, "1");
	int64_t last = del_cm(c, "ns10", "a");
	ck_assert_int_eq(ck_cacher_wait_for(cache, last, 5000), 0);
	ck_assert_int_ge(ck_cacher_revision(cache), last);
	want = etcd_state(c, PREFIX);
	got = cache_state(cache, NULL);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	ck_assert_uint_eq(ck_cacher_object_count(cache), 4);

	/* a filter and the list's revision */
	struct recorder only_b;
	rec_init(&only_b, "b");
	put_cm(c, "ns2", "z", "b", "1");
	last = put_cm(c, "ns2", "w", "c", "1");
	ck_assert_int_eq(ck_cacher_wait_for(cache, last, 5000), 0);
	json_object **items = NULL;
	size_t n = 0;
	int64_t rv = 0;
	ck_assert_int_eq(ck_cacher_list(cache, NULL, rec_filter, &only_b, &items, &n, &rv), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(meta_str(items[0], "name"), "z");
	ck_assert_int_ge(rv, last);
	/* the copy is the caller's */
	json_object_object_add(items[0], "extra", json_object_new_int(1));
	json_object_put(items[0]);
	free(items);
	ck_assert_int_eq(ck_cacher_list(cache, PREFIX "none/", NULL, NULL, &items, &n, &rv), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(items);
	rec_release(&only_b);

	/* get */
	json_object *obj = NULL;
	ck_assert_int_eq(ck_cacher_get(cache, PREFIX "ns1/a", &obj, &rv), 0);
	ck_assert_str_eq(meta_str(obj, "name"), "a");
	json_object *data;
	ck_assert(json_object_object_get_ex(obj, "data", &data));
	ck_assert_str_eq(json_object_to_json_string(data), "{ \"v\": \"2\" }");
	json_object_put(obj);
	ck_assert_int_eq(ck_cacher_get(cache, PREFIX "ns1/b", &obj, &rv), -ENOENT);
	ck_assert_int_eq(ck_cacher_get(cache, PREFIX "ns1", &obj, &rv), -ENOENT);

	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_bad_config)
{
	struct ck_cacher *cache = NULL;
	struct ck_cacher_config cfg = { .prefix = PREFIX };
	ck_assert_int_eq(ck_cacher_start(&cfg, &cache), -EINVAL);
	struct ck_etcd *c = connect_to("http://127.0.0.1:1");
	cfg.etcd = c;
	cfg.prefix = "/registry/configmaps";
	ck_assert_int_eq(ck_cacher_start(&cfg, &cache), -EINVAL);
	/* nothing answers: the initial list fails, and start says so */
	cfg.prefix = PREFIX;
	ck_etcd_free(c);
	struct ck_etcd_config ec = { .endpoints = "http://127.0.0.1:1", .request_timeout_ms = 300 };
	struct ck_etcd_err err = { 0, "" };
	ck_assert_int_eq(ck_etcd_new(&ec, &c, &err), 0);
	cfg.etcd = c;
	int r = ck_cacher_start(&cfg, &cache);
	ck_assert_msg(r == -ETIMEDOUT || r == -EHOSTUNREACH, "start: %d", r);
	ck_etcd_free(c);
	ck_cacher_stop(NULL);
	ck_cacher_watch_stop(NULL);
	ck_assert_str_eq(ck_watch_event_type_name(CK_WATCH_BOOKMARK), "BOOKMARK");
}
END_TEST

START_TEST(test_cacher_watch_from_zero)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t rb = put_cm(c, "ns1", "b", NULL, "1");
	int64_t ra = put_cm(c, "ns1", "a", NULL, "1");
	put_cm(c, "ns2", "c", NULL, "1");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);

	struct recorder all, ns1;
	rec_init(&all, NULL);
	rec_init(&ns1, NULL);
	struct ck_cacher_watcher *wa = watch(cache, &all, NULL, 0, false);
	struct ck_cacher_watcher *wn = watch(cache, &ns1, PREFIX "ns1/", 0, false);
	ck_assert(rec_wait(&all, 3, 5000));
	ck_assert(rec_wait(&ns1, 2, 5000));
	/* synthetic ADDEDs in key order, each with its own revision */
	assert_event(&all, 0, CK_WATCH_ADDED, "a", ra);
	assert_event(&all, 1, CK_WATCH_ADDED, "b", rb);
	assert_event(&all, 2, CK_WATCH_ADDED, "c", rb + 2);
	assert_event(&ns1, 0, CK_WATCH_ADDED, "a", ra);
	assert_event(&ns1, 1, CK_WATCH_ADDED, "b", rb);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 2);

	/* then changes: the update, the delete (last state, the delete's rv) */
	int64_t r1 = put_cm(c, "ns1", "a", NULL, "2");
	int64_t r2 = del_cm(c, "ns1", "b");
	int64_t r3 = put_cm(c, "ns2", "d", NULL, "1");
	int64_t r4 = put_cm(c, "ns1", "e", NULL, "1");
	ck_assert(rec_wait(&all, 7, 5000));
	ck_assert(rec_wait(&ns1, 5, 5000));
	assert_event(&all, 3, CK_WATCH_MODIFIED, "a", r1);
	assert_event(&all, 4, CK_WATCH_DELETED, "b", r2);
	assert_event(&all, 5, CK_WATCH_ADDED, "d", r3);
	assert_event(&all, 6, CK_WATCH_ADDED, "e", r4);
	assert_event(&ns1, 2, CK_WATCH_MODIFIED, "a", r1);
	assert_event(&ns1, 3, CK_WATCH_DELETED, "b", r2);
	assert_event(&ns1, 4, CK_WATCH_ADDED, "e", r4);
	/* the DELETED carries the last state: data v=1 */
	pthread_mutex_lock(&all.mu);
	ck_assert_ptr_nonnull(strstr(all.evs[4].object, "\"data\":{\"v\":\"1\"}"));
	/* one encoding shared by both watchers, for the events they both got
	 * unchanged */
	ck_assert_ptr_eq(all.evs[3].encoded_ptr, ns1.evs[2].encoded_ptr);
	ck_assert_ptr_eq(all.evs[6].encoded_ptr, ns1.evs[4].encoded_ptr);
	pthread_mutex_unlock(&all.mu);

	watch_stop(wa, &all);
	watch_stop(wn, &ns1);
	ck_assert_int_eq(all.closed, 1);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 0);
	/* no more callbacks after stop: more writes must not reach them */
	put_cm(c, "ns1", "f", NULL, "1");
	sleep_ms(100);
	rec_release(&all);
	rec_release(&ns1);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_watch_from_middle)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	int64_t rv[6];
	for (int i = 0; i < 6; i++) {
		char d[8];
		snprintf(d, sizeof(d), "%d", i);
		rv[i] = put_cm(c, "ns", i % 2 ? "b" : "a", NULL, d);
	}
	ck_assert_int_eq(ck_cacher_wait_for(cache, rv[5], 5000), 0);

	/* from rv[2]: exactly rv[3..5], then live */
	struct recorder r, late;
	rec_init(&r, NULL);
	rec_init(&late, NULL);
	struct ck_cacher_watcher *w = watch(cache, &r, NULL, rv[2], false);
	ck_assert(rec_wait(&r, 3, 5000));
	assert_event(&r, 0, CK_WATCH_MODIFIED, "b", rv[3]);
	assert_event(&r, 1, CK_WATCH_MODIFIED, "a", rv[4]);
	assert_event(&r, 2, CK_WATCH_MODIFIED, "b", rv[5]);
	int64_t r6 = put_cm(c, "ns", "c", NULL, "x");
	ck_assert(rec_wait(&r, 4, 5000));
	assert_event(&r, 3, CK_WATCH_ADDED, "c", r6);
	/* from the newest revision: nothing old; from a future one: only after it */
	struct ck_cacher_watcher *wl = watch(cache, &late, NULL, r6 + 2, false);
	sleep_ms(50);
	int64_t r7 = put_cm(c, "ns", "d", NULL, "x");
	int64_t r8 = put_cm(c, "ns", "e", NULL, "x");
	int64_t r9 = put_cm(c, "ns", "f", NULL, "x");
	ck_assert_int_eq(r8, r6 + 2);
	ck_assert(rec_wait(&late, 1, 5000));
	ck_assert(rec_wait(&r, 7, 5000));
	sleep_ms(100);
	ck_assert_uint_eq(late.n, 1);
	assert_event(&late, 0, CK_WATCH_ADDED, "f", r9);
	assert_event(&r, 4, CK_WATCH_ADDED, "d", r7);
	ck_assert_uint_eq(r.n, 7);
	watch_stop(w, &r);
	watch_stop(wl, &late);
	rec_release(&r);
	rec_release(&late);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_watch_too_old)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t list_rv = put_cm(c, "ns", "a", NULL, "0");
	/* a ring of 4 that cannot grow */
	struct ck_cacher *cache = start_cacher(c, 4, 4, 0);
	struct recorder r0;
	rec_init(&r0, NULL);
	/* while nothing was evicted, the list's revision itself is fine */
	struct ck_cacher_watcher *w0 = watch(cache, &r0, NULL, list_rv, false);
	int64_t rv[10];
	rv[0] = put_cm(c, "ns", "a", NULL, "0");
	ck_assert(rec_wait(&r0, 1, 5000)); /* it is active: evictions may start */
	for (int i = 1; i < 10; i++) {
		char d[8];
		snprintf(d, sizeof(d), "%d", i);
		rv[i] = put_cm(c, "ns", "a", NULL, d);
	}
	ck_assert_int_eq(ck_cacher_wait_for(cache, rv[9], 5000), 0);
	ck_assert(rec_wait(&r0, 10, 5000));
	watch_stop(w0, &r0);
	rec_release(&r0);

	/* the ring holds rv[6..9]: rv[5] is the oldest start, rv[4] too old */
	struct recorder old, ok;
	rec_init(&old, NULL);
	rec_init(&ok, NULL);
	struct ck_cacher_watcher *wo = watch(cache, &old, NULL, rv[4], false);
	struct ck_cacher_watcher *wk = watch(cache, &ok, NULL, rv[5], false);
	ck_assert(rec_wait(&old, 1, 5000));
	ck_assert(rec_wait_closed(&old, 5000));
	ck_assert(rec_wait(&ok, 4, 5000));
	pthread_mutex_lock(&old.mu);
	ck_assert_uint_eq(old.n, 1);
	ck_assert_int_eq(old.evs[0].type, CK_WATCH_ERROR);
	ck_assert_int_eq(old.evs[0].code, 410);
	ck_assert_str_eq(old.evs[0].reason, "Expired");
	char msg[128];
	snprintf(msg, sizeof(msg), "too old resource version: %" PRId64 " (%" PRId64 ")", rv[4],
		 rv[5]);
	ck_assert_str_eq(old.evs[0].message, msg);
	ck_assert_ptr_nonnull(strstr(old.evs[0].encoded, "{\"type\":\"ERROR\",\"object\":{"));
	ck_assert_ptr_nonnull(strstr(old.evs[0].encoded, "\"code\":410"));
	pthread_mutex_unlock(&old.mu);
	assert_event(&ok, 0, CK_WATCH_MODIFIED, "a", rv[6]);
	assert_event(&ok, 3, CK_WATCH_MODIFIED, "a", rv[9]);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 1);
	watch_stop(wo, &old);
	ck_assert_int_eq(old.closed, 1); /* closed once */
	watch_stop(wk, &ok);
	rec_release(&old);
	rec_release(&ok);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_filter_transitions)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	put_cm(c, "ns", "pre", "x", "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct recorder x, all;
	rec_init(&x, "x");
	rec_init(&all, NULL);
	struct ck_cacher_watcher *w = watch(cache, &x, NULL, 0, false);
	struct ck_cacher_watcher *wa = watch(cache, &all, NULL, 0, false);
	ck_assert(rec_wait(&x, 1, 5000));
	ck_assert(rec_wait(&all, 1, 5000));
	assert_event(&x, 0, CK_WATCH_ADDED, "pre", ck_cacher_revision(cache));

	put_cm(c, "ns", "o", "y", "1");		     /* not for x */
	int64_t r2 = put_cm(c, "ns", "o", "x", "2"); /* starts matching: ADDED */
	int64_t r3 = put_cm(c, "ns", "o", "x", "3"); /* MODIFIED */
	int64_t r4 = put_cm(c, "ns", "o", "y", "4"); /* stops matching: DELETED */
	put_cm(c, "ns", "o", "z", "5");		     /* not for x */
	int64_t r6 = del_cm(c, "ns", "o");	     /* not for x */
	int64_t r7 = del_cm(c, "ns", "pre");	     /* DELETED */
	ck_assert(rec_wait(&x, 5, 5000));
	ck_assert(rec_wait(&all, 8, 5000));
	sleep_ms(50);
	ck_assert_uint_eq(x.n, 5);
	assert_event(&x, 1, CK_WATCH_ADDED, "o", r2);
	assert_event(&x, 2, CK_WATCH_MODIFIED, "o", r3);
	assert_event(&x, 3, CK_WATCH_DELETED, "o", r4);
	assert_event(&x, 4, CK_WATCH_DELETED, "pre", r7);
	pthread_mutex_lock(&x.mu);
	/* the DELETED of a change carries the state before it, at its revision */
	ck_assert_str_eq(x.evs[3].app, "x");
	ck_assert_ptr_nonnull(strstr(x.evs[3].object, "\"data\":{\"v\":\"3\"}"));
	/* the ADDED transition has its own encoding, the MODIFIED is shared */
	ck_assert_ptr_ne(x.evs[1].encoded_ptr, all.evs[2].encoded_ptr);
	ck_assert_ptr_eq(x.evs[2].encoded_ptr, all.evs[3].encoded_ptr);
	pthread_mutex_unlock(&x.mu);
	assert_event(&all, 2, CK_WATCH_MODIFIED, "o", r2);
	assert_event(&all, 6, CK_WATCH_DELETED, "o", r6);

	/* the same conversion when replaying from the ring */
	struct recorder x2;
	rec_init(&x2, "x");
	struct ck_cacher_watcher *w2 = watch(cache, &x2, NULL, r2 - 1, false);
	ck_assert(rec_wait(&x2, 4, 5000));
	assert_event(&x2, 0, CK_WATCH_ADDED, "o", r2);
	assert_event(&x2, 1, CK_WATCH_MODIFIED, "o", r3);
	assert_event(&x2, 2, CK_WATCH_DELETED, "o", r4);
	assert_event(&x2, 3, CK_WATCH_DELETED, "pre", r7);
	watch_stop(w, &x);
	watch_stop(wa, &all);
	watch_stop(w2, &x2);
	rec_release(&x);
	rec_release(&all);
	rec_release(&x2);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_bookmarks)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t r0 = put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 100);
	struct recorder yes, no, idle;
	rec_init(&yes, NULL);
	rec_init(&no, NULL);
	rec_init(&idle, NULL);
	struct ck_cacher_watcher *wy = watch(cache, &yes, NULL, r0, true);
	struct ck_cacher_watcher *wn = watch(cache, &no, NULL, r0, false);
	/* nothing new since the watch started: no bookmark (as upstream) */
	sleep_ms(400);
	ck_assert_uint_eq(rec_count(&yes, CK_WATCH_BOOKMARK), 0);
	int64_t r1 = put_cm(c, "ns", "a", NULL, "1");
	struct ck_cacher_watcher *wi = watch(cache, &idle, NULL, r1, true);
	ck_assert(rec_wait(&yes, 3, 5000)); /* the change, then bookmarks */
	sleep_ms(300);
	ck_assert_uint_ge(rec_count(&yes, CK_WATCH_BOOKMARK), 2);
	ck_assert_uint_eq(rec_count(&no, CK_WATCH_BOOKMARK), 0);
	ck_assert_uint_eq(rec_count(&idle, CK_WATCH_BOOKMARK), 0);
	pthread_mutex_lock(&yes.mu);
	ck_assert_int_eq(yes.evs[0].type, CK_WATCH_MODIFIED);
	for (size_t i = 1; i < yes.n; i++) {
		ck_assert_int_eq(yes.evs[i].type, CK_WATCH_BOOKMARK);
		ck_assert_int_eq(yes.evs[i].rv, r1);
		ck_assert_ptr_null(yes.evs[i].object);
		ck_assert_ptr_null(yes.evs[i].encoded);
	}
	pthread_mutex_unlock(&yes.mu);
	watch_stop(wy, &yes);
	watch_stop(wn, &no);
	watch_stop(wi, &idle);
	ck_cacher_stop(cache);

	/* upstream's minute, and the last bookmark 2 s before the watch's timeout */
	cache = start_cacher(c, 0, 0, 0);
	struct recorder dl;
	rec_init(&dl, NULL);
	int64_t now = ck_cacher_revision(cache);
	struct ck_cacher_watch_options o = { .from_rv = now,
					     .bookmarks = true,
					     .deliver = rec_deliver,
					     .closed = rec_closed,
					     .ctx = &dl,
					     /* the bookmark is due 2 s in: the put (an
					      * etcd fsync) must be dispatched by then, so
					      * not 0.6 s as it once was (seen to miss) */
					     .timeout_ms = 4000 };
	struct ck_cacher_watcher *wd = NULL;
	ck_assert_int_eq(ck_cacher_watch(cache, &o, &wd), 0);
	int64_t r2 = put_cm(c, "ns", "a", NULL, "2");
	ck_assert(rec_wait(&dl, 2, 5000));
	sleep_ms(1500);
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_int_eq(dl.evs[1].type, CK_WATCH_BOOKMARK);
	ck_assert_int_eq(dl.evs[1].rv, r2);
	watch_stop(wd, &dl);
	ck_cacher_stop(cache);
	rec_release(&yes);
	rec_release(&no);
	rec_release(&idle);
	rec_release(&dl);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_fanout_1000)
{
	enum { N = 1000 };
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t r0 = put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct recorder *recs = calloc(N, sizeof(*recs));
	struct ck_cacher_watcher **ws = calloc(N, sizeof(*ws));
	for (int i = 0; i < N; i++) {
		rec_init(&recs[i], NULL);
		recs[i].keep_everything = false;
		ws[i] = watch(cache, &recs[i], NULL, r0, false);
	}
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), N);
	int64_t r1 = put_cm(c, "ns", "a", NULL, "1");
	for (int i = 0; i < N; i++) {
		ck_assert(rec_wait(&recs[i], 1, 5000));
		ck_assert_int_eq(recs[i].evs[0].rv, r1);
		/* one encoding for all */
		ck_assert_ptr_eq(recs[i].evs[0].encoded_ptr, recs[0].evs[0].encoded_ptr);
	}
	for (int i = 0; i < N; i++) {
		watch_stop(ws[i], &recs[i]);
		ck_assert_uint_eq(recs[i].n, 1);
		rec_release(&recs[i]);
	}
	free(recs);
	free(ws);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

/* ---- other encodings (ck_watch_event_encoded) ---- */

static atomic_int encodes[3];

static int encode_tagged(int i, const struct ck_watch_event *ev, struct ck_buf *out)
{
	atomic_fetch_add(&encodes[i], 1);
	return ck_buf_addf(out, "%c:%s:%" PRId64, 'a' + i, ck_watch_event_type_name(ev->type),
			   ev->rv);
}

static int encode_a(const struct ck_watch_event *ev, struct ck_buf *out)
{
	return encode_tagged(0, ev, out);
}

static int encode_b(const struct ck_watch_event *ev, struct ck_buf *out)
{
	return encode_tagged(1, ev, out);
}

static int encode_c(const struct ck_watch_event *ev, struct ck_buf *out)
{
	return encode_tagged(2, ev, out);
}

/* A watcher that asks for its events in some encodings and records them. */
struct enc_watcher {
	pthread_mutex_t mu;
	ck_watch_encode_fn fns[3];
	size_t n_fns;
	size_t n; /* events seen */
	struct {
		int r;
		const char *ptr; /* valid only while delivered: compared, not read */
		char text[64];
	} got[4][3];
};

static int enc_deliver(void *ctx, const struct ck_watch_event *ev)
{
	struct enc_watcher *w = ctx;
	struct ck_buf scratch = CK_BUF_INIT;
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; w->n < 4 && i < w->n_fns; i++) {
		const char *data = NULL;
		size_t len = 0;
		int r = ck_watch_event_encoded(ev, w->fns[i], &scratch, &data, &len);
		w->got[w->n][i].r = r;
		w->got[w->n][i].ptr = data;
		snprintf(w->got[w->n][i].text, sizeof(w->got[w->n][i].text), "%.*s", (int)len,
			 data ? data : "");
	}
	w->n++;
	pthread_mutex_unlock(&w->mu);
	ck_buf_release(&scratch);
	return 0;
}

static size_t enc_count(struct enc_watcher *w)
{
	pthread_mutex_lock(&w->mu);
	size_t n = w->n;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/*
 * An event of the ring is encoded once per encoder (up to
 * CK_CACHER_MAX_ENCODINGS of them) and shared by every watcher asking; an
 * event made for one watcher (a synthetic ADDED) is encoded for it alone.
 */
START_TEST(test_cacher_other_encodings)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t r0 = put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct enc_watcher ew[4];
	struct ck_cacher_watcher *ws[4];
	for (size_t i = 0; i < 4; i++) {
		memset(&ew[i], 0, sizeof(ew[i]));
		pthread_mutex_init(&ew[i].mu, NULL);
		/* three from r0 with three encoders (one more than kept), one from 0 */
		ew[i].n_fns = i < 3 ? 3 : 1;
		ew[i].fns[0] = encode_a;
		ew[i].fns[1] = encode_b;
		ew[i].fns[2] = encode_c;
		struct ck_cacher_watch_options o = { .key_prefix = PREFIX,
						     .from_rv = i < 3 ? r0 : 0,
						     .deliver = enc_deliver,
						     .ctx = &ew[i] };
		ck_assert_int_eq(ck_cacher_watch(cache, &o, &ws[i]), 0);
	}
	/* the synthetic ADDED first, before the change */
	for (double until = ck_test_now_ms() + ck_test_timeout(5) * 1000;
	     enc_count(&ew[3]) < 1 && ck_test_now_ms() < until;)
		sleep_ms(5);
	ck_assert_uint_eq(enc_count(&ew[3]), 1);
	int64_t r1 = put_cm(c, "ns", "a", NULL, "1");
	for (size_t i = 0; i < 4; i++) {
		size_t want = i < 3 ? 1 : 2;
		for (double until = ck_test_now_ms() + ck_test_timeout(5) * 1000;
		     enc_count(&ew[i]) < want && ck_test_now_ms() < until;)
			sleep_ms(5);
		ck_assert_uint_eq(enc_count(&ew[i]), want);
	}
	char added[64], modified[64];
	snprintf(added, sizeof(added), "a:ADDED:%" PRId64, r0);
	snprintf(modified, sizeof(modified), "a:MODIFIED:%" PRId64, r1);
	ck_assert_int_eq(ew[3].got[0][0].r, 0);
	ck_assert_str_eq(ew[3].got[0][0].text, added);
	const char *shared_a = ew[0].got[0][0].ptr, *shared_b = ew[0].got[0][1].ptr;
	for (size_t i = 0; i < 4; i++) {
		size_t ev = i < 3 ? 0 : 1;
		for (size_t f = 0; f < ew[i].n_fns; f++) {
			ck_assert_int_eq(ew[i].got[ev][f].r, 0);
			modified[0] = (char)('a' + f);
			ck_assert_str_eq(ew[i].got[ev][f].text, modified);
		}
		ck_assert_ptr_eq(ew[i].got[ev][0].ptr, shared_a);
		if (i < 3)
			ck_assert_ptr_eq(ew[i].got[ev][1].ptr, shared_b);
	}
	/* a: the synthetic ADDED, then the change once; b once; c per watcher */
	ck_assert_int_eq(atomic_load(&encodes[0]), 2);
	ck_assert_int_eq(atomic_load(&encodes[1]), 1);
	ck_assert_int_eq(atomic_load(&encodes[2]), 3);
	for (size_t i = 0; i < 4; i++) {
		ck_cacher_watch_stop(ws[i]);
		pthread_mutex_destroy(&ew[i].mu);
	}
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_slow_watcher)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t r0 = put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct recorder a, slow, b;
	rec_init(&a, NULL);
	rec_init(&slow, NULL);
	rec_init(&b, NULL);
	slow.fail = true;
	struct ck_cacher_watcher *wa = watch(cache, &a, NULL, r0, false);
	struct ck_cacher_watcher *ws = watch(cache, &slow, NULL, r0, false);
	struct ck_cacher_watcher *wb = watch(cache, &b, NULL, r0, false);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 3);
	int64_t r1 = put_cm(c, "ns", "a", NULL, "1");
	ck_assert(rec_wait_closed(&slow, 5000));
	int64_t r2 = put_cm(c, "ns", "a", NULL, "2");
	int64_t r3 = put_cm(c, "ns", "b", NULL, "0");
	ck_assert(rec_wait(&a, 3, 5000));
	ck_assert(rec_wait(&b, 3, 5000));
	sleep_ms(50);
	ck_assert_uint_eq(slow.n, 1);
	ck_assert_int_eq(slow.closed, 1);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 2);
	assert_event(&a, 0, CK_WATCH_MODIFIED, "a", r1);
	assert_event(&a, 1, CK_WATCH_MODIFIED, "a", r2);
	assert_event(&b, 2, CK_WATCH_ADDED, "b", r3);
	/* a watcher that fails during its initial events closes too */
	struct recorder slow0;
	rec_init(&slow0, NULL);
	slow0.fail = true;
	struct ck_cacher_watcher *w0 = watch(cache, &slow0, NULL, 0, false);
	ck_assert(rec_wait_closed(&slow0, 5000));
	ck_assert_uint_eq(slow0.n, 1);
	watch_stop(w0, &slow0);
	ck_assert_int_eq(slow0.closed, 1);
	watch_stop(wa, &a);
	watch_stop(ws, &slow);
	watch_stop(wb, &b);
	ck_assert_int_eq(slow.closed, 1);
	rec_release(&a);
	rec_release(&slow);
	rec_release(&b);
	rec_release(&slow0);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_stop_closes_watchers)
{
	enum { N = 5 };
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct recorder recs[N];
	struct ck_cacher_watcher *ws[N];
	for (int i = 0; i < N; i++) {
		rec_init(&recs[i], NULL);
		ws[i] = watch(cache, &recs[i], NULL, 0, i % 2);
	}
	ck_assert(rec_wait(&recs[0], 1, 5000));
	ck_cacher_stop(cache);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(recs[i].closed, 1);
	/* the owners still stop them; closed is not called again */
	for (int i = 0; i < N; i++) {
		watch_stop(ws[i], &recs[i]);
		ck_assert_int_eq(recs[i].closed, 1);
		rec_release(&recs[i]);
	}
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

/* Writes under the prefix while watchers come and go: stop() is final. */
struct writer {
	struct ck_etcd *c;
	atomic_bool done;
	bool retry;
	int n;
	const char *name;
};

static void *writer_main(void *arg)
{
	struct writer *wr = arg;
	char d[16], name[64], key[128];
	for (int i = 0; !atomic_load(&wr->done) && (wr->n == 0 || i < wr->n); i++) {
		snprintf(d, sizeof(d), "%d", i);
		snprintf(name, sizeof(name), "%s-%d", wr->name ? wr->name : "w", wr->n ? i : i % 7);
		snprintf(key, sizeof(key), PREFIX "ns/%s", name);
		char *v = cm("ns", name, NULL, d);
		put_try(wr->c, key, v, wr->retry);
		free(v);
		if (wr->retry)
			sleep_ms(20);
	}
	return NULL;
}

START_TEST(test_cacher_watch_stop_races)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	struct ck_cacher *cache = start_cacher(c, 0, 0, 5);
	struct writer wr = { .c = c };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, writer_main, &wr), 0);
	for (int round = 0; round < 200; round++) {
		struct recorder r;
		rec_init(&r, round % 3 ? NULL : "none");
		struct ck_cacher_watcher *w = watch(cache, &r, NULL, round % 2 ? 0 : 1, true);
		sleep_ms(round % 5);
		watch_stop(w, &r); /* rec_deliver aborts if anything comes after */
		ck_assert_int_eq(r.closed, 1);
		rec_release(&r);
	}
	atomic_store(&wr.done, true);
	pthread_join(t, NULL);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 0);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

/* Every event etcd has under PREFIX after from_rv, as "TYPE key rev" lines (owned). */
struct history {
	pthread_mutex_t mu;
	struct ck_buf b;
	int64_t last;
};

static int history_events(void *arg, const Etcdserverpb__WatchResponse *resp,
			  struct ck_etcd_err *err)
{
	struct history *h = arg;
	(void)err;
	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < resp->n_events; i++) {
		const Mvccpb__Event *ev = resp->events[i];
		bool del = ev->type == MVCCPB__EVENT__EVENT_TYPE__DELETE;
		const char *type = del						     ? "DELETED"
				   : ev->kv->create_revision == ev->kv->mod_revision ? "ADDED"
										     : "MODIFIED";
		ck_buf_addf(&h->b, "%s %.*s %" PRId64 "\n", type, (int)ev->kv->key.len,
			    (const char *)ev->kv->key.data, ev->kv->mod_revision);
		h->last = ev->kv->mod_revision;
	}
	pthread_mutex_unlock(&h->mu);
	return 0;
}

static char *etcd_history(struct ck_etcd *c, int64_t from_rv, int64_t to_rv)
{
	struct history h = { PTHREAD_MUTEX_INITIALIZER, CK_BUF_INIT, 0 };
	struct ck_etcd_watch_options o = { 0 };
	struct ck_etcd_watch_handler hd = { NULL, history_events, NULL, &h };
	struct ck_etcd_watch *w = NULL;
	struct ck_etcd_err err = { 0, "" };
	uint8_t end[64];
	o.key = PREFIX;
	o.key_len = strlen(PREFIX);
	o.range_end_len = ck_etcd_prefix_end(PREFIX, strlen(PREFIX), end);
	o.range_end = end;
	o.start_revision = from_rv + 1;
	ck_assert_int_eq(ck_etcd_watch_start(c, &o, &hd, &w, &err), 0);
	double until = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	for (;;) {
		pthread_mutex_lock(&h.mu);
		bool done = h.last >= to_rv;
		pthread_mutex_unlock(&h.mu);
		if (done || ck_test_now_ms() > until)
			break;
		sleep_ms(10);
	}
	ck_etcd_watch_stop(w);
	return ck_buf_detach(&h.b, NULL);
}

/* The recorder's events as etcd_history lines (owned). */
static char *rec_history(struct recorder *r, const char *ns)
{
	struct ck_buf b = CK_BUF_INIT;
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n; i++) {
		if (r->evs[i].type == CK_WATCH_BOOKMARK)
			continue;
		ck_buf_addf(&b, "%s " PREFIX "%s/%s %" PRId64 "\n",
			    ck_watch_event_type_name(r->evs[i].type), ns, r->evs[i].name,
			    r->evs[i].rv);
	}
	pthread_mutex_unlock(&r->mu);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_cacher_survives_etcd_restart)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	int64_t r0 = put_cm(c, "ns", "w-0", NULL, "x");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	struct recorder r;
	rec_init(&r, NULL);
	r.keep_everything = false;
	struct ck_cacher_watcher *w = watch(cache, &r, NULL, r0, false);

	struct writer wr = { .c = c, .retry = true, .n = 150, .name = "k" };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, writer_main, &wr), 0);
	sleep_ms(600);
	ck_assert_int_eq(ck_test_etcd_restart(e), 0);
	sleep_ms(600);
	ck_assert_int_eq(ck_test_etcd_kill(e), 0);
	sleep_ms(300);
	ck_assert_int_eq(ck_test_etcd_restart(e), 0);
	pthread_join(t, NULL);
	int64_t last = put_cm(c, "ns", "k-last", NULL, "x");
	ck_assert_int_eq(ck_cacher_wait_for(cache, last, 10000), 0);
	ck_assert(rec_wait_rv(&r, last, 10000));
	ck_assert_uint_ge(r.n, 151);

	/* exactly etcd's history, once each, in order */
	char *want = etcd_history(c, r0, last);
	char *got = rec_history(&r, "ns");
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	want = etcd_state(c, PREFIX);
	got = cache_state(cache, NULL);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	watch_stop(w, &r);
	ck_assert_int_eq(r.closed, 1);
	rec_release(&r);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

/* ---- a TCP proxy the test can cut ------------------------------------------- */

#define PROXY_MAX 64

struct proxy {
	int listen_fd, port, target_port;
	int wake[2];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool paused, stopping; /* guarded by mu */
	unsigned acks;	       /* guarded by mu: wake-ups handled */
	int pairs[PROXY_MAX][2];
	size_t n;
};

static void proxy_drop(struct proxy *p, size_t i)
{
	close(p->pairs[i][0]);
	close(p->pairs[i][1]);
	p->pairs[i][0] = p->pairs[p->n - 1][0];
	p->pairs[i][1] = p->pairs[p->n - 1][1];
	p->n--;
}

static void *proxy_main(void *arg)
{
	struct proxy *p = arg;
	struct pollfd fds[2 + 2 * PROXY_MAX];
	char buf[65536];

	for (;;) {
		pthread_mutex_lock(&p->mu);
		bool stopping = p->stopping, paused = p->paused;
		pthread_mutex_unlock(&p->mu);
		if (stopping)
			break;
		if (paused)
			while (p->n > 0)
				proxy_drop(p, 0);
		size_t nf = 0;
		fds[nf++] = (struct pollfd){ p->listen_fd, POLLIN, 0 };
		fds[nf++] = (struct pollfd){ p->wake[0], POLLIN, 0 };
		for (size_t i = 0; i < p->n; i++) {
			fds[nf++] = (struct pollfd){ p->pairs[i][0], POLLIN, 0 };
			fds[nf++] = (struct pollfd){ p->pairs[i][1], POLLIN, 0 };
		}
		if (poll(fds, nf, 1000) <= 0)
			continue;
		if (fds[1].revents) {
			char x;
			ssize_t rd = read(p->wake[0], &x, 1);
			(void)rd;
			pthread_mutex_lock(&p->mu);
			if (p->paused)
				while (p->n > 0)
					proxy_drop(p, 0);
			p->acks++;
			pthread_cond_broadcast(&p->cond);
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		if (fds[0].revents) {
			int fd = accept(p->listen_fd, NULL, NULL);
			if (fd == -1)
				continue;
			int up = -1;
			if (!paused && p->n < PROXY_MAX) {
				struct sockaddr_in a = { .sin_family = AF_INET,
							 .sin_port = htons(p->target_port) };
				a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
				up = socket(AF_INET, SOCK_STREAM, 0);
				if (up != -1 &&
				    connect(up, (struct sockaddr *)&a, sizeof(a)) == -1) {
					close(up);
					up = -1;
				}
			}
			if (up == -1) {
				close(fd);
				continue;
			}
			p->pairs[p->n][0] = fd;
			p->pairs[p->n][1] = up;
			p->n++;
			continue;
		}
		for (size_t i = 0; i < p->n; i++) {
			for (int side = 0; side < 2; side++) {
				if (!fds[2 + 2 * i + side].revents)
					continue;
				ssize_t got = read(p->pairs[i][side], buf, sizeof(buf));
				ssize_t off = 0;
				while (got > 0 && off < got) {
					ssize_t wr = write(p->pairs[i][!side], buf + off,
							   (size_t)(got - off));
					if (wr <= 0)
						break;
					off += wr;
				}
				if (got <= 0 || off < got) {
					proxy_drop(p, i);
					goto next_round; /* the indexes moved */
				}
			}
		}
	next_round:;
	}
	while (p->n > 0)
		proxy_drop(p, 0);
	return NULL;
}

static void proxy_start(struct proxy *p, int target_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	memset(p, 0, sizeof(*p));
	p->target_port = target_port;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(p->listen_fd, -1);
	ck_assert_int_eq(bind(p->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(p->listen_fd, (struct sockaddr *)&a, &len), 0);
	ck_assert_int_eq(listen(p->listen_fd, 64), 0);
	p->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(p->wake), 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cond, NULL);
	ck_assert_int_eq(pthread_create(&p->thread, NULL, proxy_main, p), 0);
}

/* Sets paused (dropping every connection) and waits until the proxy did. */
static void proxy_pause(struct proxy *p, bool paused)
{
	pthread_mutex_lock(&p->mu);
	p->paused = paused;
	unsigned acks = p->acks;
	pthread_mutex_unlock(&p->mu);
	ck_assert_int_eq(write(p->wake[1], "x", 1), 1);
	pthread_mutex_lock(&p->mu);
	while (p->acks == acks)
		pthread_cond_wait(&p->cond, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void proxy_stop(struct proxy *p)
{
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_mutex_unlock(&p->mu);
	ck_assert_int_eq(write(p->wake[1], "x", 1), 1);
	pthread_join(p->thread, NULL);
	close(p->listen_fd);
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mu);
}

START_TEST(test_cacher_relist_after_compaction)
{
	struct ck_test_etcd *e;
	struct proxy p;
	char endpoint[64];
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	const char *port = strrchr(ck_test_etcd_endpoint(e), ':');
	int target;
	ck_assert_int_eq(ck_str_to_int(port + 1, &target), 0);
	proxy_start(&p, target);
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", p.port);
	struct ck_etcd *pc = connect_to(endpoint);

	put_cm(c, "ns", "a", NULL, "0");
	int64_t list_rv = put_cm(c, "ns", "b", NULL, "0");
	struct ck_cacher *cache = start_cacher(pc, 0, 0, 0);
	struct recorder r;
	rec_init(&r, NULL);
	struct ck_cacher_watcher *w = watch(cache, &r, NULL, 0, false);
	ck_assert(rec_wait(&r, 2, 5000));

	/* cut the cache off; change and compact meanwhile */
	proxy_pause(&p, true);
	put_cm(c, "ns", "c", NULL, "0");
	del_cm(c, "ns", "a");
	int64_t now = put_cm(c, "ns", "b", NULL, "1");
	struct ck_etcd_err err = { 0, "" };
	ck_assert_int_eq(ck_etcd_compact(c, now, true, NULL, &err), 0);
	proxy_pause(&p, false);

	/* the watch cannot resume: the cache relists and closes its watchers */
	ck_assert(rec_wait_closed(&r, 15000));
	ck_assert_int_eq(ck_cacher_wait_for(cache, now, 10000), 0);
	char *want = etcd_state(c, PREFIX), *got = cache_state(cache, NULL);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	ck_assert_uint_eq(r.n, 2); /* nothing it could not have seen in order */
	watch_stop(w, &r);
	ck_assert_uint_eq(ck_cacher_watcher_count(cache), 0);

	/* history before the relist is gone: 410 */
	struct recorder old, fresh;
	rec_init(&old, NULL);
	rec_init(&fresh, NULL);
	struct ck_cacher_watcher *wo = watch(cache, &old, NULL, list_rv, false);
	ck_assert(rec_wait_closed(&old, 5000));
	ck_assert_int_eq(old.evs[0].code, 410);
	/* and the cache works on: state, then changes */
	struct ck_cacher_watcher *wf = watch(cache, &fresh, NULL, 0, false);
	ck_assert(rec_wait(&fresh, 2, 5000));
	assert_event(&fresh, 0, CK_WATCH_ADDED, "b", now);
	int64_t r2 = put_cm(c, "ns", "d", NULL, "0");
	ck_assert(rec_wait(&fresh, 3, 5000));
	assert_event(&fresh, 2, CK_WATCH_ADDED, "d", r2);
	watch_stop(wo, &old);
	watch_stop(wf, &fresh);
	rec_release(&r);
	rec_release(&old);
	rec_release(&fresh);
	ck_cacher_stop(cache);
	ck_etcd_free(pc);
	proxy_stop(&p);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

START_TEST(test_cacher_wait_for_progress)
{
	struct ck_test_etcd *e;
	setup_verbosity();
	ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
	struct ck_etcd *c = connect_to(ck_test_etcd_endpoint(e));
	put_cm(c, "ns", "a", NULL, "0");
	struct ck_cacher *cache = start_cacher(c, 0, 0, 0);
	int64_t start = ck_cacher_revision(cache);
	struct recorder r;
	rec_init(&r, NULL);
	struct ck_cacher_watcher *w = watch(cache, &r, NULL, start, true);

	/* other resources move etcd's revision; this one is quiet */
	int64_t g = 0;
	for (int i = 0; i < 5; i++)
		g = put(c, "/registry/secrets/ns/s", "{\"metadata\":{}}");
	ck_assert_int_gt(g, start);
	double t0 = ck_test_now_ms();
	ck_assert_int_eq(ck_cacher_wait_for(cache, g, 3000), 0);
	ck_assert_int_ge(ck_cacher_revision(cache), g);
	ck_assert(ck_test_now_ms() - t0 < 1000);
	/* the list reflects it */
	json_object **items = NULL;
	size_t n = 0;
	int64_t rv = 0;
	ck_assert_int_eq(ck_cacher_list(cache, NULL, NULL, NULL, &items, &n, &rv), 0);
	ck_assert_int_ge(rv, g);
	for (size_t i = 0; i < n; i++)
		json_object_put(items[i]);
	free(items);

	/* a change under the prefix is waited for as an event */
	int64_t mine = put_cm(c, "ns", "b", NULL, "0");
	ck_assert_int_eq(ck_cacher_wait_for(cache, mine, 3000), 0);
	ck_assert(rec_wait(&r, 1, 5000));
	assert_event(&r, 0, CK_WATCH_ADDED, "b", mine);

	/* a revision etcd does not have yet: upstream's "too large" after the wait */
	t0 = ck_test_now_ms();
	ck_assert_int_eq(ck_cacher_wait_for(cache, mine + 100, 300), -ETIMEDOUT);
	ck_assert(ck_test_now_ms() - t0 >= 290);
	watch_stop(w, &r);
	rec_release(&r);
	ck_cacher_stop(cache);

	/* with etcd's periodic progress notifications, the revision moves alone */
	ck_test_etcd_free(e);
	ck_etcd_free(c);
	static const char *const args[] = { "--experimental-watch-progress-notify-interval=100ms",
					    NULL };
	struct ck_test_etcd_options eo = { .extra_args = args };
	ck_assert_int_eq(ck_test_etcd_start(&eo, &e), 0);
	c = connect_to(ck_test_etcd_endpoint(e));
	cache = start_cacher(c, 0, 0, 50);
	struct recorder bm;
	rec_init(&bm, NULL);
	start = ck_cacher_revision(cache);
	w = watch(cache, &bm, NULL, start, true);
	g = put(c, "/registry/secrets/ns/s", "{\"metadata\":{}}");
	double until = ck_test_now_ms() + ck_test_timeout(5) * 1000;
	while (ck_cacher_revision(cache) < g && ck_test_now_ms() < until)
		sleep_ms(20);
	ck_assert_int_ge(ck_cacher_revision(cache), g);
	/* and bookmarks carry it */
	ck_assert(rec_wait(&bm, 1, 5000));
	ck_assert_int_eq(bm.evs[0].type, CK_WATCH_BOOKMARK);
	ck_assert_int_ge(bm.evs[0].rv, g);
	watch_stop(w, &bm);
	rec_release(&bm);
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
}
END_TEST

Suite *ck_test_suite_cacher(void)
{
	Suite *s = suite_create("cacher");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, ck_test_timeout(60));
	tcase_add_test(tc, test_cacher_list_matches_etcd);
	tcase_add_test(tc, test_cacher_bad_config);
	tcase_add_test(tc, test_cacher_watch_from_zero);
	tcase_add_test(tc, test_cacher_watch_from_middle);
	tcase_add_test(tc, test_cacher_watch_too_old);
	tcase_add_test(tc, test_cacher_filter_transitions);
	tcase_add_test(tc, test_cacher_bookmarks);
	tcase_add_test(tc, test_cacher_fanout_1000);
	tcase_add_test(tc, test_cacher_other_encodings);
	tcase_add_test(tc, test_cacher_slow_watcher);
	tcase_add_test(tc, test_cacher_stop_closes_watchers);
	tcase_add_test(tc, test_cacher_watch_stop_races);
	tcase_add_test(tc, test_cacher_survives_etcd_restart);
	tcase_add_test(tc, test_cacher_relist_after_compaction);
	tcase_add_test(tc, test_cacher_wait_for_progress);
	suite_add_tcase(s, tc);
	return s;
}
