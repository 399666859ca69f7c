/*
 * The storage interface over a real etcd. Many cases are ported from
 * upstream's apiserver/pkg/storage/testing/store_tests.go (RunTestCreate,
 * RunTestGet, RunTestList, RunTestListContinuation,
 * RunTestListInconsistentContinuation, RunTestGetListNonRecursive,
 * RunTestGuaranteedUpdate*, RunTestDelete*, RunTestCount, ...) with the same
 * objects, keys and expectations; the rest are the done-when checks.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/etcd.h"
#include "../lib/runner.h"
#include "storage/etcd3/etcd3.h"
#include "storage/etcd3/store.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

/* ---- fixture ----------------------------------------------------------------- */

struct env {
	struct ck_test_etcd *etcd;
	struct ck_etcd *client;
	struct ck_storage *store;
};

static void setup_verbosity(void)
{
	const char *v = getenv("CK_TEST_V");
	int n;
	if (v && ck_str_to_int(v, &n) == 0)
		ck_log_verbosity = n;
}

static void env_start(struct env *env, const char *prefix)
{
	struct ck_etcd_err err = { 0, "" };
	ck_assert_int_eq(ck_test_etcd_start(NULL, &env->etcd), 0);
	struct ck_etcd_config cfg = { .endpoints = ck_test_etcd_endpoint(env->etcd),
				      .request_timeout_ms = 10000 };
	ck_assert_msg(ck_etcd_new(&cfg, &env->client, &err) == 0, "%s", err.message);
	struct ck_etcd_store_config sc = { .client = env->client, .prefix = prefix };
	ck_assert_int_eq(ck_etcd_store_new(&sc, &env->store), 0);
}

static void env_stop(struct env *env)
{
	ck_storage_free(env->store);
	ck_etcd_free(env->client);
	ck_test_etcd_free(env->etcd);
}

static json_object *parse(const char *json)
{
	json_object *o = json_tokener_parse(json);
	ck_assert_ptr_nonnull(o);
	return o;
}

static json_object *pod(const char *ns, const char *name)
{
	json_object *o = json_object_new_object();
	json_object *meta = json_object_new_object();
	json_object_object_add(o, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(o, "kind", json_object_new_string("Pod"));
	json_object_object_add(meta, "name", json_object_new_string(name));
	if (ns)
		json_object_object_add(meta, "namespace", json_object_new_string(ns));
	json_object_object_add(o, "metadata", meta);
	return o;
}

/* upstream computePodKey */
static void pod_key(json_object *p, char *buf, size_t n)
{
	json_object *meta, *ns, *name;
	json_object_object_get_ex(p, "metadata", &meta);
	json_object_object_get_ex(meta, "name", &name);
	if (json_object_object_get_ex(meta, "namespace", &ns))
		snprintf(buf, n, "/pods/%s/%s", json_object_get_string(ns),
			 json_object_get_string(name));
	else
		snprintf(buf, n, "/pods/%s", json_object_get_string(name));
}

static const char *meta_str(json_object *o, const char *field)
{
	json_object *meta, *v;
	if (!o || !json_object_object_get_ex(o, "metadata", &meta) ||
	    !json_object_object_get_ex(meta, field, &v))
		return "";
	return json_object_get_string(v);
}

static int64_t rv_of(json_object *o)
{
	int64_t v = 0;
	ck_assert_int_eq(ck_str_to_int64(meta_str(o, "resourceVersion"), &v), 0);
	return v;
}

static void set_meta(json_object *o, const char *field, const char *value)
{
	json_object *meta;
	json_object_object_get_ex(o, "metadata", &meta);
	if (value)
		json_object_object_add(meta, field, json_object_new_string(value));
	else
		json_object_object_del(meta, field);
}

static void set_label(json_object *o, const char *field, const char *key, const char *value)
{
	json_object *meta, *labels;
	json_object_object_get_ex(o, "metadata", &meta);
	if (!value) {
		json_object_object_del(meta, field);
		return;
	}
	labels = json_object_new_object();
	json_object_object_add(labels, key, json_object_new_string(value));
	json_object_object_add(meta, field, labels);
}

static void expect_equal(json_object *want, json_object *got, const char *what)
{
	ck_assert_msg(json_object_equal(want, got), "%s: want %s, got %s", what,
		      json_object_to_json_string(want), json_object_to_json_string(got));
}

/* upstream testPropagateStore: delete if present, create, return stored. */
static json_object *propagate(struct env *env, json_object *obj, char *key, size_t n)
{
	struct ck_storage_error err = { 0 };
	json_object *copy = NULL, *out = NULL;
	pod_key(obj, key, n);
	ck_storage_delete(env->store, key, NULL, NULL, NULL);
	json_object_deep_copy(obj, &copy, NULL);
	int r = ck_storage_create(env->store, key, copy, 0, &out, &err);
	ck_assert_msg(r == 0, "create %s: %s", key, err.message);
	json_object_put(copy);
	return out;
}

/* propagate() that also frees obj. */
static json_object *propagate_owned(struct env *env, json_object *obj, char *key, size_t n)
{
	json_object *out = propagate(env, obj, key, n);
	json_object_put(obj);
	return out;
}

/* The raw stored value of a full etcd key (owned), NULL when absent. */
static char *raw_value(struct env *env, const char *key)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err err;
	req.key.data = (uint8_t *)key;
	req.key.len = strlen(key);
	ck_assert_int_eq(ck_etcd_range(env->client, &req, &resp, &err), 0);
	char *v =
	    resp->n_kvs ? strndup((char *)resp->kvs[0]->value.data, resp->kvs[0]->value.len) : NULL;
	ck_etcd_response_free(resp);
	return v;
}

static void put_raw(struct env *env, const char *key, const char *value)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__PutResponse *resp = NULL;
	struct ck_etcd_err err;
	req.key.data = (uint8_t *)key;
	req.key.len = strlen(key);
	req.value.data = (uint8_t *)value;
	req.value.len = strlen(value);
	ck_assert_int_eq(ck_etcd_put(env->client, &req, &resp, &err), 0);
	ck_etcd_response_free(resp);
}

/* upstream compactStorage: compact at rv (one write to compact_rev_key). */
static void compaction(struct env *env, int64_t rv)
{
	struct ck_etcd_err err = { 0, "" };
	int64_t t = 0, rev = rv;
	ck_assert_int_eq(ck_etcd_compact_step(env->client, &t, &rev, &err), 0);
	if (t != 1) { /* another round already happened: use the learned clock */
		rev = rv;
		ck_assert_int_eq(ck_etcd_compact_step(env->client, &t, &rev, &err), 0);
	}
}

/* ---- update callbacks -------------------------------------------------------------- */

/* Returns a copy of `obj` (or of cur when obj is NULL) changed by `edit`. */
struct update_arg {
	json_object *obj;
	void (*edit)(json_object *o, struct update_arg *a);
	const char *value;
	uint64_t ttl;
	int calls;
	int fail; /* return this error instead */
};

static int update_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
		     json_object **ret_obj, uint64_t *ret_ttl)
{
	struct update_arg *a = arg;
	(void)meta;
	a->calls++;
	if (a->fail)
		return a->fail;
	json_object *base = a->obj ? a->obj : cur;
	json_object *copy = NULL;
	if (base)
		json_object_deep_copy(base, &copy, NULL);
	else
		copy = json_object_new_object();
	if (a->edit)
		a->edit(copy, a);
	*ret_obj = copy;
	*ret_ttl = a->ttl;
	return 0;
}

static void edit_annotation(json_object *o, struct update_arg *a)
{
	set_label(o, "annotations", "version", a->value);
}

static void edit_label_foo(json_object *o, struct update_arg *a)
{
	set_label(o, "labels", "foo", a->value);
}

static void edit_uid(json_object *o, struct update_arg *a)
{
	set_meta(o, "uid", a->value);
}

static void edit_node_name(json_object *o, struct update_arg *a)
{
	json_object *spec = json_object_new_object();
	json_object_object_add(spec, "nodeName", json_object_new_string(a->value));
	json_object_object_add(o, "spec", spec);
}

static void edit_self_link(json_object *o, struct update_arg *a)
{
	(void)a;
	set_meta(o, "selfLink", "testlink");
	set_label(o, "annotations", "version", NULL);
}

/* ---- CRUD --------------------------------------------------------------------------- */

START_TEST(test_storage_crud)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *out = NULL, *got = NULL, *del = NULL;
	env_start(&env, "/registry");

	/* upstream RunTestCreate: "successful create" */
	json_object *in = pod("test-ns", "foo");
	ck_assert_int_eq(ck_storage_get(env.store, "/pods/test-ns/foo", NULL, &got, &err),
			 CK_STORAGE_ERR_NOT_FOUND);
	ck_assert_str_eq(err.message, "StorageError: key not found, Code: 1, Key: "
				      "/registry/pods/test-ns/foo, ResourceVersion: 0, "
				      "AdditionalErrorMsg: ");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/test-ns/foo", in, 0, &out, &err), 0);
	ck_assert_str_eq(meta_str(out, "name"), "foo");
	int64_t rv1 = rv_of(out);
	ck_assert_int_gt(rv1, 0);
	/* stored under the prefix, without resourceVersion */
	char *raw = raw_value(&env, "/registry/pods/test-ns/foo");
	ck_assert_str_eq(raw, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
			      "\"foo\",\"namespace\":\"test-ns\"}}");
	free(raw);
	ck_assert_int_eq(ck_storage_get(env.store, "/pods/test-ns/foo", NULL, &got, &err), 0);
	expect_equal(out, got, "get after create");
	json_object_put(got);
	json_object_put(out);
	json_object_put(in);

	/* "create with ResourceVersion set" */
	in = pod("test-ns", "bar");
	set_meta(in, "resourceVersion", "1");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/test-ns/bar", in, 0, &out, &err),
			 CK_STORAGE_ERR_INTERNAL);
	ck_assert_str_eq(err.message, "resourceVersion should not be set on objects to be created");
	json_object_put(in);

	/* RunTestCreateWithKeyExist */
	in = pod("test-ns", "foo");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/test-ns/foo", in, 0, &out, &err),
			 CK_STORAGE_ERR_EXISTS);
	ck_assert_str_eq(err.message, "StorageError: key exists, Code: 2, Key: "
				      "/registry/pods/test-ns/foo, ResourceVersion: 0, "
				      "AdditionalErrorMsg: ");
	json_object_put(in);

	/* update, then delete returns the last state at the deletion's revision */
	struct update_arg ua = { .edit = edit_annotation, .value = "1" };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, "/pods/test-ns/foo", NULL,
						      update_fn, &ua, &out, &err),
			 0);
	int64_t rv2 = rv_of(out);
	ck_assert_int_gt(rv2, rv1);
	ck_assert_int_eq(ck_storage_delete(env.store, "/pods/test-ns/foo", NULL, &del, &err), 0);
	ck_assert_int_gt(rv_of(del), rv2);
	set_meta(del, "resourceVersion", meta_str(out, "resourceVersion"));
	expect_equal(out, del, "deleted object");
	json_object_put(out);
	json_object_put(del);
	ck_assert_int_eq(ck_storage_delete(env.store, "/pods/test-ns/foo", NULL, &del, &err),
			 CK_STORAGE_ERR_NOT_FOUND);

	/* keys are checked as upstream's prepareKey */
	ck_assert_int_eq(ck_storage_get(env.store, "/pods/../secrets/x", NULL, &got, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_str_eq(err.message, "invalid key: \"/pods/../secrets/x\"");
	ck_assert_int_eq(ck_storage_get(env.store, "/", NULL, &got, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);

	env_stop(&env);
}
END_TEST

/* upstream RunTestGet */
START_TEST(test_storage_get_table)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	char key[128], rvbuf[32], lastbuf[32];
	env_start(&env, "/registry");

	json_object *created = propagate_owned(&env, pod("test-ns", "foo"), key, sizeof(key));
	/* update once so get by an older revision can be told apart */
	json_object *stored = NULL, *last = NULL;
	/* (upstream also gives it a TTL of 1 s, racing its table; none here) */
	struct update_arg ua = { .obj = created, .edit = edit_annotation, .value = "1" };
	ck_assert_int_eq(ck_storage_guaranteed_update(
			     env.store, key,
			     &(struct ck_storage_update_options){ .ignore_not_found = true },
			     update_fn, &ua, &stored, &err),
			 0);
	json_object *second = pod("test-ns", "bar");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/test-ns/bar", second, 0, &last, &err),
			 0);
	snprintf(rvbuf, sizeof(rvbuf), "%" PRId64, rv_of(stored));
	snprintf(lastbuf, sizeof(lastbuf), "%" PRId64, rv_of(last));

	struct {
		const char *name, *key;
		bool ignore_not_found, expect_not_found, expect_too_large;
		json_object *expected;
		json_object *alternatives[3];
		const char *rv;
	} tests[] = {
		{ .name = "get existing", .key = key, .expected = stored, .rv = "" },
		{ .name = "resource version 0",
		  .key = key,
		  .ignore_not_found = true,
		  .alternatives = { created, stored },
		  .rv = "0" },
		{ .name = "object created resource version",
		  .key = key,
		  .alternatives = { created, stored },
		  .rv = meta_str(created, "resourceVersion") },
		{ .name = "current object resource version, match=NotOlderThan",
		  .key = key,
		  .expected = stored,
		  .rv = rvbuf },
		{ .name = "latest resource version",
		  .key = key,
		  .expected = stored,
		  .rv = lastbuf },
		{ .name = "too high resource version",
		  .key = key,
		  .expect_too_large = true,
		  .rv = "9223372036854775807" },
		{ .name = "get non-existing",
		  .key = "/non-existing",
		  .expect_not_found = true,
		  .rv = "" },
		{ .name = "get non-existing, ignore not found",
		  .key = "/non-existing",
		  .ignore_not_found = true,
		  .rv = "" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		struct ck_storage_get_options o = { tests[i].rv, tests[i].ignore_not_found };
		json_object *out = NULL;
		int r = ck_storage_get(env.store, tests[i].key, &o, &out, &err);
		if (tests[i].expect_not_found) {
			ck_assert_msg(r == CK_STORAGE_ERR_NOT_FOUND, "%s: %d", tests[i].name, r);
			continue;
		}
		if (tests[i].expect_too_large) {
			ck_assert_msg(r == CK_STORAGE_ERR_TOO_LARGE_RV, "%s: %d", tests[i].name, r);
			ck_assert_ptr_nonnull(strstr(err.message, "Too large resource version"));
			continue;
		}
		ck_assert_msg(r == 0, "%s: %s", tests[i].name, err.message);
		if (!tests[i].alternatives[0]) {
			if (tests[i].expected)
				expect_equal(tests[i].expected, out, tests[i].name);
			else
				ck_assert_ptr_null(out);
		} else {
			bool found = false;
			for (int k = 0; k < 3 && tests[i].alternatives[k]; k++)
				found = found || json_object_equal(tests[i].alternatives[k], out);
			ck_assert_msg(found, "%s: unexpected %s", tests[i].name,
				      json_object_to_json_string(out));
		}
		if (out)
			json_object_put(out);
	}
	json_object_put(created);
	json_object_put(stored);
	json_object_put(second);
	json_object_put(last);
	env_stop(&env);
}
END_TEST

/* ---- list ---------------------------------------------------------------------------- */

/* A field selector: metadata.name or spec.nodeName, = or !=. */
struct field_filter {
	const char *field;
	const char *value;
	bool not_equal;
};

static bool field_filter_fn(void *arg, json_object *obj)
{
	struct field_filter *f = arg;
	const char *v = "";
	json_object *spec, *node;
	if (ck_streq(f->field, "metadata.name"))
		v = meta_str(obj, "name");
	else if (json_object_object_get_ex(obj, "spec", &spec) &&
		 json_object_object_get_ex(spec, "nodeName", &node))
		v = json_object_get_string(node);
	return ck_streq(v, f->value) != f->not_equal;
}

/* upstream seedMultiLevelData: returns initial rv, fills preset[0..4]. */
static int64_t seed_multi_level(struct env *env, json_object **preset)
{
	struct ck_storage_error err = { 0 };
	struct ck_storage_list_result lr = { 0 };
	const char *names[][2] = {
		{ "first", "bar" },    { "second", "bar" }, { "second", "foo" },
		{ "third", "barfoo" }, { "third", "foo" },  { "second", "baz" }
	};
	json_object *stored[6];

	struct ck_storage_list_options lo = { .recursive = true };
	ck_assert_int_eq(ck_storage_list(env->store, "/pods", &lo, &lr, &err), 0);
	int64_t initial = lr.resource_version;
	ck_storage_list_result_release(&lr);
	for (int i = 0; i < 6; i++) {
		char key[128];
		json_object *p = pod(names[i][0], names[i][1]);
		pod_key(p, key, sizeof(key));
		ck_assert_int_eq(ck_storage_create(env->store, key, p, 0, &stored[i], &err), 0);
		json_object_put(p);
	}
	/* barFirst gets spec.nodeName = fakeNode */
	json_object_put(stored[0]);
	struct update_arg ua = { .edit = edit_node_name, .value = "fakeNode" };
	ck_assert_int_eq(ck_storage_guaranteed_update(
			     env->store, "/pods/first/bar",
			     &(struct ck_storage_update_options){ .ignore_not_found = true },
			     update_fn, &ua, &stored[0], &err),
			 0);
	/* bazSecond is deleted */
	ck_assert_int_eq(ck_storage_delete(env->store, "/pods/second/baz", NULL, NULL, &err), 0);
	json_object_put(stored[5]);
	for (int i = 0; i < 5; i++)
		preset[i] = stored[i];
	return initial;
}

enum rv_kind { RV_UNSET, RV_ZERO, RV_ONE, RV_INITIAL, RV_LIST, RV_MAX, RV_ABC };

START_TEST(test_storage_list_table)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	struct ck_storage_list_result lr = { 0 };
	json_object *preset[5];
	env_start(&env, "/registry");

	int64_t initial = seed_multi_level(&env, preset);
	struct ck_storage_list_options lo = { .recursive = true };
	ck_assert_int_eq(ck_storage_list(env.store, "/second", &lo, &lr, &err), 0);
	int64_t list_rv = lr.resource_version;
	ck_storage_list_result_release(&lr);
	char *second_continuation = NULL, *third_barfoo = NULL;
	ck_assert_int_eq(ck_storage_continue_encode("/second/foo", 11, "/second/", list_rv,
						    &second_continuation),
			 0);
	ck_assert_int_eq(
	    ck_storage_continue_encode("/third/barfoo", 13, "/", list_rv, &third_barfoo), 0);
	/* compaction bumps the revision without changing any pod */
	compaction(&env, initial);
	int64_t current_rv = list_rv + 1;

	char rv_initial[32], rv_list[32];
	snprintf(rv_initial, sizeof(rv_initial), "%" PRId64, initial);
	snprintf(rv_list, sizeof(rv_list), "%" PRId64, list_rv);
	const char *rvs[] = {
		[RV_UNSET] = "",	   [RV_ZERO] = "0",	[RV_ONE] = "1",
		[RV_INITIAL] = rv_initial, [RV_LIST] = rv_list, [RV_MAX] = "9223372036854775807",
		[RV_ABC] = "abc"
	};
	struct field_filter not_bar = { "metadata.name", "bar", true };
	struct field_filter is_barfoo = { "metadata.name", "barfoo", false };
	struct field_filter is_bar = { "metadata.name", "bar", false };
	struct field_filter is_foo = { "metadata.name", "foo", false };
	struct field_filter is_baz = { "metadata.name", "baz", false };
	struct field_filter on_fake = { "spec.nodeName", "fakeNode", false };
	enum { CONT_NONE, CONT_SECOND, CONT_THIRD_BARFOO };
#define OUT(...)                \
	{                       \
		__VA_ARGS__, -1 \
	}
#define NO_ITEMS   \
	{          \
		-1 \
	}
	struct list_case {
		const char *name;
		enum rv_kind rv;
		const char *match;
		const char *prefix;
		struct field_filter *filter;
		int64_t limit;
		int cont;
		int expected[6]; /* preset indexes, -1 ends */
		bool alt_empty;	 /* the empty list is also fine */
		bool expect_continue;
		bool check_remaining;
		int64_t remaining;
		bool expect_error, expect_too_large;
		enum rv_kind expect_rv; /* RV_UNSET: not checked */
		bool expect_rv_not_older_than_list;
		bool expect_current_rv;
	} tests[] = {
		{ .name = "rejects invalid resource version",
		  .rv = RV_ABC,
		  .prefix = "/pods",
		  .expected = NO_ITEMS,
		  .expect_error = true },
		{ .name = "rejects resource version and continue token",
		  .rv = RV_ONE,
		  .prefix = "/pods",
		  .limit = 1,
		  .cont = CONT_SECOND,
		  .expected = NO_ITEMS,
		  .expect_error = true },
		{ .name = "rejects resource version set too high",
		  .rv = RV_MAX,
		  .prefix = "/pods",
		  .expected = NO_ITEMS,
		  .expect_too_large = true },
		{ .name = "test List on existing key",
		  .prefix = "/pods/first/",
		  .expected = OUT(0) },
		{ .name = "test List on existing key with resource version set to 0",
		  .rv = RV_ZERO,
		  .prefix = "/pods/first/",
		  .expected = OUT(0),
		  .alt_empty = true },
		{ .name = "test List on existing key with resource version set before first write, "
			  "match=Exact",
		  .rv = RV_INITIAL,
		  .match = "Exact",
		  .prefix = "/pods/first/",
		  .expected = NO_ITEMS,
		  .expect_rv = RV_INITIAL },
		{ .name = "test List on existing key with resource version set to 0, "
			  "match=NotOlderThan",
		  .rv = RV_ZERO,
		  .match = "NotOlderThan",
		  .prefix = "/pods/first/",
		  .expected = OUT(0),
		  .alt_empty = true },
		{ .name = "test List on existing key with resource version set to 0, match=Invalid",
		  .rv = RV_ZERO,
		  .match = "Invalid",
		  .prefix = "/pods/first/",
		  .expected = NO_ITEMS,
		  .expect_error = true },
		{ .name = "test List on existing key with resource version set before first write, "
			  "match=NotOlderThan",
		  .rv = RV_INITIAL,
		  .match = "NotOlderThan",
		  .prefix = "/pods/first/",
		  .expected = OUT(0),
		  .alt_empty = true },
		{ .name = "test List on existing key with resource version set before first write, "
			  "match=Invalid",
		  .rv = RV_INITIAL,
		  .match = "Invalid",
		  .prefix = "/pods/first/",
		  .expected = NO_ITEMS,
		  .expect_error = true },
		{ .name = "test List on existing key with resource version set to current resource "
			  "version",
		  .rv = RV_LIST,
		  .prefix = "/pods/first/",
		  .expected = OUT(0) },
		{ .name = "test List on existing key with resource version set to current resource "
			  "version, match=Exact",
		  .rv = RV_LIST,
		  .match = "Exact",
		  .prefix = "/pods/first/",
		  .expected = OUT(0),
		  .expect_rv = RV_LIST },
		{ .name = "test List on existing key with resource version set to current resource "
			  "version, match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods/first/",
		  .expected = OUT(0) },
		{ .name = "test List on non-existing key",
		  .prefix = "/pods/non-existing/",
		  .expected = NO_ITEMS },
		{ .name = "test List with pod name matching",
		  .prefix = "/pods/first/",
		  .filter = &not_bar,
		  .expected = NO_ITEMS },
		{ .name = "test List with pod name matching with resource version set to current "
			  "resource version, match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods/first/",
		  .filter = &not_bar,
		  .expected = NO_ITEMS },
		{ .name = "test List with limit",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1 },
		{ .name = "test List with limit at current resource version",
		  .rv = RV_LIST,
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1,
		  .expect_rv = RV_LIST },
		{ .name = "test List with limit at current resource version and match=Exact",
		  .rv = RV_LIST,
		  .match = "Exact",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1,
		  .expect_rv = RV_LIST },
		{ .name = "test List with limit at current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1,
		  .expect_rv_not_older_than_list = true },
		{ .name = "test List with limit at resource version 0",
		  .rv = RV_ZERO,
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1,
		  .expect_rv_not_older_than_list = true },
		{ .name = "test List with limit at resource version 0 match=NotOlderThan",
		  .rv = RV_ZERO,
		  .match = "NotOlderThan",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = OUT(1),
		  .expect_continue = true,
		  .check_remaining = true,
		  .remaining = 1,
		  .expect_rv_not_older_than_list = true },
		{ .name = "test List with limit at resource version before first write and "
			  "match=Exact",
		  .rv = RV_INITIAL,
		  .match = "Exact",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .expected = NO_ITEMS,
		  .expect_rv = RV_INITIAL },
		{ .name = "test List with pregenerated continue token",
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .cont = CONT_SECOND,
		  .expected = OUT(2) },
		{ .name = "ignores resource version 0 for List with pregenerated continue token",
		  .rv = RV_ZERO,
		  .prefix = "/pods/second/",
		  .limit = 1,
		  .cont = CONT_SECOND,
		  .expected = OUT(2) },
		{ .name = "test List with multiple levels of directories and expect flattened "
			  "result",
		  .prefix = "/pods/second/",
		  .expected = OUT(1, 2) },
		{ .name = "test List with multiple levels of directories and expect flattened "
			  "result with current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods/second/",
		  .expected = OUT(1, 2) },
		{ .name =
		      "test List with filter returning only one item, ensure only a single page "
		      "returned",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 1,
		  .expected = OUT(3),
		  .expect_continue = true },
		{ .name =
		      "test List with filter returning only one item, ensure only a single page "
		      "returned with current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 1,
		  .expected = OUT(3),
		  .expect_continue = true },
		{ .name = "test List with filter returning only one item, covers the entire list",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 2,
		  .expected = OUT(3) },
		{ .name = "test List with filter returning only one item, covers the entire list "
			  "with current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 2,
		  .expected = OUT(3) },
		{ .name = "test List with filter returning only one item, covers the entire list, "
			  "with resource version 0",
		  .rv = RV_ZERO,
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 2,
		  .expected = OUT(3),
		  .alt_empty = true },
		{ .name = "test List with filter returning two items, more pages possible",
		  .prefix = "/pods",
		  .filter = &is_bar,
		  .limit = 2,
		  .expected = OUT(0, 1),
		  .expect_continue = true },
		{ .name = "test List with filter returning two items, more pages possible with "
			  "current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_bar,
		  .limit = 2,
		  .expected = OUT(0, 1),
		  .expect_continue = true },
		{ .name = "filter returns two items split across multiple pages",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 2,
		  .expected = OUT(2, 4) },
		{ .name = "filter returns two items split across multiple pages with current "
			  "resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 2,
		  .expected = OUT(2, 4) },
		{ .name = "filter returns one item for last page, ends on last item, not full",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 2,
		  .cont = CONT_THIRD_BARFOO,
		  .expected = OUT(4) },
		{ .name = "filter returns one item for last page, starts on last item, full",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 1,
		  .cont = CONT_THIRD_BARFOO,
		  .expected = OUT(4) },
		{ .name =
		      "filter returns one item for last page, starts on last item, partial page",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 2,
		  .cont = CONT_THIRD_BARFOO,
		  .expected = OUT(4) },
		{ .name = "filter returns two items, page size equal to total list size",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 5,
		  .expected = OUT(2, 4) },
		{ .name = "filter returns two items, page size equal to total list size with "
			  "current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_foo,
		  .limit = 5,
		  .expected = OUT(2, 4) },
		{ .name = "filter returns one item, page size equal to total list size",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 5,
		  .expected = OUT(3) },
		{ .name =
		      "filter returns one item, page size equal to total list size with current "
		      "resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_barfoo,
		  .limit = 5,
		  .expected = OUT(3) },
		{ .name = "list all items", .prefix = "/pods", .expected = OUT(0, 1, 2, 3, 4) },
		{ .name = "list all items with current resource version and match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .expected = OUT(0, 1, 2, 3, 4) },
		{ .name = "verify list returns updated version of object; filter returns one item, "
			  "page size equal to total list size with current resource version and "
			  "match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &on_fake,
		  .limit = 5,
		  .expected = OUT(0) },
		{ .name = "verify list does not return deleted object; filter for deleted object, "
			  "page size equal to total list size with current resource version and "
			  "match=NotOlderThan",
		  .rv = RV_LIST,
		  .match = "NotOlderThan",
		  .prefix = "/pods",
		  .filter = &is_baz,
		  .limit = 5,
		  .expected = NO_ITEMS },
		{ .name = "test consistent List",
		  .prefix = "/pods/empty",
		  .expected = NO_ITEMS,
		  .expect_current_rv = true },
		{ .name = "test non-consistent List",
		  .rv = RV_ZERO,
		  .prefix = "/pods/empty",
		  .expected = NO_ITEMS,
		  .expect_rv_not_older_than_list = true },
	};
	/* "third/barfoo" is relative to "/pods/" in upstream's encodeContinueOrDie */
	free(third_barfoo);
	ck_assert_int_eq(
	    ck_storage_continue_encode("/pods/third/barfoo", 18, "/pods/", list_rv, &third_barfoo),
	    0);
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		struct ck_storage_list_options o = {
			.resource_version = rvs[tests[i].rv],
			.resource_version_match = tests[i].match,
			.limit = tests[i].limit,
			.continue_token = tests[i].cont == CONT_SECOND	       ? second_continuation
					  : tests[i].cont == CONT_THIRD_BARFOO ? third_barfoo
									       : NULL,
			.recursive = true,
			.filter = tests[i].filter ? field_filter_fn : NULL,
			.filter_arg = tests[i].filter,
		};
		struct ck_storage_list_result out = { 0 };
		int r = ck_storage_list(env.store, tests[i].prefix, &o, &out, &err);
		if (tests[i].expect_too_large) {
			ck_assert_msg(r == CK_STORAGE_ERR_TOO_LARGE_RV, "%s: %d %s", tests[i].name,
				      r, err.message);
			continue;
		}
		if (tests[i].expect_error) {
			ck_assert_msg(r == CK_STORAGE_ERR_BAD_REQUEST, "%s: %d", tests[i].name, r);
			continue;
		}
		ck_assert_msg(r == 0, "%s: %s", tests[i].name, err.message);
		ck_assert_msg((out.continue_token != NULL) == tests[i].expect_continue,
			      "%s: continue %s", tests[i].name,
			      out.continue_token ? out.continue_token : "(none)");
		if (tests[i].check_remaining)
			ck_assert_msg(out.remaining_item_count == tests[i].remaining,
				      "%s: remaining %" PRId64, tests[i].name,
				      out.remaining_item_count);
		if (tests[i].expect_rv != RV_UNSET)
			ck_assert_msg(out.resource_version ==
					  (tests[i].expect_rv == RV_INITIAL ? initial : list_rv),
				      "%s: rv %" PRId64, tests[i].name, out.resource_version);
		if (tests[i].expect_rv_not_older_than_list)
			ck_assert_msg(out.resource_version >= list_rv, "%s: rv %" PRId64,
				      tests[i].name, out.resource_version);
		if (tests[i].expect_current_rv)
			ck_assert_msg(out.resource_version == current_rv, "%s: rv %" PRId64,
				      tests[i].name, out.resource_version);
		size_t n = json_object_array_length(out.items);
		size_t want = 0;
		while (tests[i].expected[want] >= 0)
			want++;
		if (tests[i].alt_empty && n == 0) {
			ck_storage_list_result_release(&out);
			continue;
		}
		ck_assert_msg(n == want, "%s: %zu items, want %zu", tests[i].name, n, want);
		for (size_t k = 0; k < n; k++)
			expect_equal(preset[tests[i].expected[k]],
				     json_object_array_get_idx(out.items, k), tests[i].name);
		ck_storage_list_result_release(&out);
	}
	free(second_continuation);
	free(third_barfoo);
	for (int i = 0; i < 5; i++)
		json_object_put(preset[i]);
	env_stop(&env);
}
END_TEST

/* upstream RunTestListContinuation and RunTestListContinuationWithFilter */
START_TEST(test_storage_list_continuation)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *stored[3];
	const char *names[][2] = { { "first", "bar" }, { "second", "bar" }, { "second", "foo" } };
	env_start(&env, "/registry");
	for (int i = 0; i < 3; i++) {
		char key[128];
		json_object *p = pod(names[i][0], names[i][1]);
		pod_key(p, key, sizeof(key));
		ck_assert_int_eq(ck_storage_create(env.store, key, p, 0, &stored[i], &err), 0);
		json_object_put(p);
	}
	int64_t current = rv_of(stored[2]);

	struct ck_storage_list_options o = { .limit = 1, .recursive = true };
	struct ck_storage_list_result out = { 0 };
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_nonnull(out.continue_token);
	ck_assert_uint_eq(json_object_array_length(out.items), 1);
	expect_equal(stored[0], json_object_array_get_idx(out.items, 0), "first page");
	ck_assert_int_eq(out.resource_version, current);
	ck_assert_int_eq(out.remaining_item_count, 2);
	char *from_second = out.continue_token;
	out.continue_token = NULL;
	ck_storage_list_result_release(&out);

	/* no limit: the two others */
	o.limit = 0;
	o.continue_token = from_second;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_null(out.continue_token);
	ck_assert_uint_eq(json_object_array_length(out.items), 2);
	expect_equal(stored[1], json_object_array_get_idx(out.items, 0), "second page");
	expect_equal(stored[2], json_object_array_get_idx(out.items, 1), "second page");
	ck_assert_int_eq(out.resource_version, current);
	ck_storage_list_result_release(&out);

	/* limit 1: two more pages */
	o.limit = 1;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_nonnull(out.continue_token);
	expect_equal(stored[1], json_object_array_get_idx(out.items, 0), "second page");
	char *from_third = out.continue_token;
	out.continue_token = NULL;
	ck_storage_list_result_release(&out);
	o.continue_token = from_third;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_null(out.continue_token);
	ck_assert_int_eq(out.remaining_item_count, -1);
	expect_equal(stored[2], json_object_array_get_idx(out.items, 0), "third page");
	ck_assert_int_eq(out.resource_version, current);
	ck_storage_list_result_release(&out);
	free(from_second);
	free(from_third);

	/* a token from another prefix cannot escape its own */
	char *bad = NULL;
	ck_assert_int_eq(ck_storage_continue_encode("/x/../../secrets", 16, "/x/", current, &bad),
			 0);
	o.continue_token = bad;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_str_eq(err.message,
			 "invalid continue token: continue key is not valid: ../../secrets");
	free(bad);
	for (int i = 0; i < 3; i++)
		json_object_put(stored[i]);

	/* RunTestListContinuationWithFilter: 1/foo, 2/bar, 3/foo, 4/foo, name != bar */
	const char *ns[] = { "1", "2", "3", "4" }, *nm[] = { "foo", "bar", "foo", "foo" };
	json_object *f[4];
	for (int i = 0; i < 4; i++) {
		char key[128];
		json_object *p = pod(ns[i], nm[i]);
		pod_key(p, key, sizeof(key));
		ck_assert_int_eq(ck_storage_create(env.store, key, p, 0, &f[i], &err), 0);
		json_object_put(p);
	}
	struct field_filter not_bar = { "metadata.name", "bar", true };
	struct ck_storage_list_options fo = {
		.limit = 2, .recursive = true, .filter = field_filter_fn, .filter_arg = &not_bar
	};
	ck_assert_int_eq(ck_storage_list(env.store, "/pods/", &fo, &out, &err), 0);
	/* "/pods/1", "/pods/2", "/pods/3" sort before "/pods/first" */
	ck_assert_uint_eq(json_object_array_length(out.items), 2);
	expect_equal(f[0], json_object_array_get_idx(out.items, 0), "filtered first page");
	expect_equal(f[2], json_object_array_get_idx(out.items, 1), "filtered first page");
	ck_assert_ptr_nonnull(out.continue_token);
	ck_assert_int_eq(out.remaining_item_count, -1); /* unknown with a filter */
	ck_assert_int_eq(out.resource_version, rv_of(f[3]));
	for (int i = 0; i < 4; i++)
		json_object_put(f[i]);
	ck_storage_list_result_release(&out);
	env_stop(&env);
}
END_TEST

/* upstream RunTestListInconsistentContinuation */
START_TEST(test_storage_list_inconsistent_continuation)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *stored[3];
	const char *names[][2] = { { "first", "bar" }, { "second", "bar" }, { "second", "foo" } };
	char keys[3][128];
	env_start(&env, "/registry");
	for (int i = 0; i < 3; i++) {
		json_object *p = pod(names[i][0], names[i][1]);
		pod_key(p, keys[i], sizeof(keys[i]));
		ck_assert_int_eq(ck_storage_create(env.store, keys[i], p, 0, &stored[i], &err), 0);
		json_object_put(p);
	}
	struct ck_storage_list_options o = { .resource_version = "0",
					     .limit = 1,
					     .recursive = true };
	struct ck_storage_list_result out = { 0 };
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_nonnull(out.continue_token);
	expect_equal(stored[0], json_object_array_get_idx(out.items, 0), "first page");
	char *from_second = out.continue_token;
	out.continue_token = NULL;
	ck_storage_list_result_release(&out);

	/* update /second/foo, then compact to the latest revision */
	json_object *new_pod = pod(NULL, "foo");
	set_label(new_pod, "labels", "state", "new");
	struct update_arg ua = { .obj = new_pod };
	json_object_put(stored[2]);
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, keys[2], NULL, update_fn, &ua,
						      &stored[2], &err),
			 0);
	int64_t last = rv_of(stored[2]);
	compaction(&env, last);

	/* the old token has expired; the error carries one at the latest revision */
	o.limit = 0;
	o.continue_token = from_second;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err),
			 CK_STORAGE_ERR_EXPIRED);
	ck_assert_ptr_nonnull(strstr(err.message, "The provided continue parameter is too old "));
	ck_assert_str_eq(err.message, CK_STORAGE_MSG_INCONSISTENT_CONTINUE);
	ck_assert_ptr_nonnull(err.continue_token);
	char *inconsistent = err.continue_token;
	err.continue_token = NULL;
	char *key = NULL;
	size_t key_len;
	int64_t rv;
	ck_assert_int_eq(
	    ck_storage_continue_decode(inconsistent, "/registry/pods/", &key, &key_len, &rv, NULL),
	    0);
	ck_assert_int_eq(rv, -1);
	free(key);

	o.limit = 1;
	o.continue_token = inconsistent;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_nonnull(out.continue_token);
	expect_equal(stored[1], json_object_array_get_idx(out.items, 0), "second page");
	ck_assert_int_ge(out.resource_version, last);
	int64_t resolved = out.resource_version;
	char *from_third = out.continue_token;
	out.continue_token = NULL;
	ck_storage_list_result_release(&out);
	o.continue_token = from_third;
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &o, &out, &err), 0);
	ck_assert_ptr_null(out.continue_token);
	expect_equal(stored[2], json_object_array_get_idx(out.items, 0), "third page");
	ck_assert_int_eq(out.resource_version, resolved);
	ck_storage_list_result_release(&out);

	/* a plain list at a compacted revision: Expired */
	struct ck_storage_list_options exact = { .resource_version = "2",
						 .resource_version_match = "Exact",
						 .recursive = true };
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", &exact, &out, &err),
			 CK_STORAGE_ERR_EXPIRED);
	ck_assert_str_eq(err.message, CK_STORAGE_MSG_EXPIRED_LIST);
	ck_assert_ptr_null(err.continue_token);

	free(from_second);
	free(from_third);
	free(inconsistent);
	json_object_put(new_pod);
	for (int i = 0; i < 3; i++)
		json_object_put(stored[i]);
	env_stop(&env);
}
END_TEST

/* upstream RunTestGetListNonRecursive */
START_TEST(test_storage_list_non_recursive)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	char key[128], prev_rv[32], obj_rv[32];
	env_start(&env, "/registry");
	json_object *prev = propagate_owned(&env, pod("test-ns", "foo"), key, sizeof(key));
	json_object *stored = NULL;
	struct update_arg ua = { .obj = prev, .edit = edit_annotation, .value = "second" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &ua, &stored, &err), 0);
	snprintf(prev_rv, sizeof(prev_rv), "%" PRId64, rv_of(prev));
	snprintf(obj_rv, sizeof(obj_rv), "%" PRId64, rv_of(stored));
	compaction(&env, rv_of(prev));
	struct field_filter not_foo = { "metadata.name", "foo", true };

	struct {
		const char *name, *key, *rv, *match;
		struct field_filter *filter;
		json_object *expected; /* NULL: empty */
		json_object *alternative;
		bool alt_empty, too_large;
	} tests[] = {
		{ .name = "existing key", .key = key, .rv = "", .expected = stored },
		{ .name = "existing key, resourceVersion=0",
		  .key = key,
		  .rv = "0",
		  .expected = stored,
		  .alternative = prev,
		  .alt_empty = true },
		{ .name = "existing key, resourceVersion=0, resourceVersionMatch=notOlderThan",
		  .key = key,
		  .rv = "0",
		  .match = "NotOlderThan",
		  .expected = stored,
		  .alternative = prev,
		  .alt_empty = true },
		{ .name = "existing key, resourceVersion=current",
		  .key = key,
		  .rv = obj_rv,
		  .expected = stored },
		{ .name =
		      "existing key, resourceVersion=current, resourceVersionMatch=notOlderThan",
		  .key = key,
		  .rv = obj_rv,
		  .match = "NotOlderThan",
		  .expected = stored },
		{ .name =
		      "existing key, resourceVersion=previous, resourceVersionMatch=notOlderThan",
		  .key = key,
		  .rv = prev_rv,
		  .match = "NotOlderThan",
		  .expected = stored,
		  .alternative = prev },
		{ .name = "existing key, resourceVersion=current, resourceVersionMatch=exact",
		  .key = key,
		  .rv = obj_rv,
		  .match = "Exact",
		  .expected = stored },
		{ .name = "existing key, resourceVersion=previous, resourceVersionMatch=exact",
		  .key = key,
		  .rv = prev_rv,
		  .match = "Exact",
		  .expected = prev },
		{ .name = "existing key, resourceVersion=too high",
		  .key = key,
		  .rv = "9223372036854775807",
		  .too_large = true },
		{ .name = "non-existing key", .key = "/non-existing", .rv = "" },
		{ .name = "with matching pod name",
		  .key = "/non-existing",
		  .rv = "",
		  .filter = &not_foo },
		{ .name = "existing key, resourceVersion=current, with not matching pod name",
		  .key = key,
		  .rv = obj_rv,
		  .filter = &not_foo },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		struct ck_storage_list_options o = { .resource_version = tests[i].rv,
						     .resource_version_match = tests[i].match,
						     .filter =
							 tests[i].filter ? field_filter_fn : NULL,
						     .filter_arg = tests[i].filter };
		struct ck_storage_list_result out = { 0 };
		int r = ck_storage_list(env.store, tests[i].key, &o, &out, &err);
		if (tests[i].too_large) {
			ck_assert_msg(r == CK_STORAGE_ERR_TOO_LARGE_RV, "%s: %d", tests[i].name, r);
			continue;
		}
		ck_assert_msg(r == 0, "%s: %s", tests[i].name, err.message);
		ck_assert_int_gt(out.resource_version, 0);
		size_t n = json_object_array_length(out.items);
		if (n == 0 && (tests[i].alt_empty || !tests[i].expected)) {
			ck_storage_list_result_release(&out);
			continue;
		}
		ck_assert_msg(n == 1, "%s: %zu items", tests[i].name, n);
		json_object *got = json_object_array_get_idx(out.items, 0);
		ck_assert_msg(
		    json_object_equal(got, tests[i].expected) ||
			(tests[i].alternative && json_object_equal(got, tests[i].alternative)),
		    "%s: got %s", tests[i].name, json_object_to_json_string(got));
		ck_storage_list_result_release(&out);
	}
	json_object_put(prev);
	json_object_put(stored);
	env_stop(&env);
}
END_TEST

struct creator {
	struct ck_storage *store;
	int first, n;
	int failures;
};

static void *create_range(void *arg)
{
	struct creator *c = arg;
	for (int i = c->first; i < c->first + c->n; i++) {
		char key[64], name[32];
		struct ck_storage_error err = { 0 };
		snprintf(name, sizeof(name), "pod-%05d", i);
		snprintf(key, sizeof(key), "/pods/paging/%s", name);
		json_object *p = pod("paging", name);
		if (ck_storage_create(c->store, key, p, 0, NULL, &err) < 0)
			c->failures++;
		json_object_put(p);
	}
	return NULL;
}

/* Done-when: paging across 10 000 keys returns each exactly once. */
START_TEST(test_storage_list_paging_10000)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	enum { N = 10000, THREADS = 8 };
	env_start(&env, "/registry");
	pthread_t t[THREADS];
	struct creator cr[THREADS];
	for (int i = 0; i < THREADS; i++) {
		cr[i] = (struct creator){ env.store, i * (N / THREADS), N / THREADS, 0 };
		pthread_create(&t[i], NULL, create_range, &cr[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(cr[i].failures, 0);
	}
	int64_t count = 0;
	ck_assert_int_eq(ck_storage_count(env.store, "/pods/paging", &count, &err), 0);
	ck_assert_int_eq(count, N);

	/* changes made while paging do not show up: the list keeps its revision */
	static unsigned char seen[N];
	memset(seen, 0, sizeof(seen));
	struct ck_storage_list_options o = { .limit = 777, .recursive = true };
	struct ck_storage_list_result out = { 0 };
	char *token = NULL;
	int64_t list_rv = 0, total = 0, pages = 0;
	do {
		o.continue_token = token;
		ck_assert_msg(ck_storage_list(env.store, "/pods/paging", &o, &out, &err) == 0, "%s",
			      err.message);
		free(token);
		token = out.continue_token;
		out.continue_token = NULL;
		if (pages == 0) {
			list_rv = out.resource_version;
			json_object *extra = pod("paging", "pod-99999");
			ck_assert_int_eq(ck_storage_create(env.store, "/pods/paging/pod-99999",
							   extra, 0, NULL, &err),
					 0);
			json_object_put(extra);
		}
		ck_assert_int_eq(out.resource_version, list_rv);
		size_t n = json_object_array_length(out.items);
		for (size_t k = 0; k < n; k++) {
			int idx = -1;
			const char *name =
			    meta_str(json_object_array_get_idx(out.items, k), "name");
			ck_assert_int_eq(sscanf(name, "pod-%d", &idx), 1);
			ck_assert_int_lt(idx, N);
			ck_assert_int_eq(seen[idx], 0);
			seen[idx] = 1;
		}
		total += (int64_t)n;
		pages++;
		if (token)
			ck_assert_int_eq(out.remaining_item_count, N - total);
		ck_storage_list_result_release(&out);
	} while (token);
	ck_assert_int_eq(total, N);
	ck_assert_int_eq(pages, (N + 776) / 777);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(seen[i], 1);
	env_stop(&env);
}
END_TEST

/* upstream RunTestCount */
START_TEST(test_storage_count)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	env_start(&env, "/registry");
	for (int i = 1; i <= 5; i++) {
		char key[64], name[16];
		snprintf(name, sizeof(name), "foo-%d", i);
		snprintf(key, sizeof(key), "/foo.bar.io/abc/%d", i);
		json_object *p = pod(NULL, name);
		ck_assert_int_eq(ck_storage_create(env.store, key, p, 0, NULL, &err), 0);
		json_object_put(p);
	}
	for (int i = 1; i <= 4; i++) {
		char key[64], name[16];
		snprintf(name, sizeof(name), "foo-%d", i);
		snprintf(key, sizeof(key), "/foo.bar.io/abcdef/%d", i);
		json_object *p = pod(NULL, name);
		ck_assert_int_eq(ck_storage_create(env.store, key, p, 0, NULL, &err), 0);
		json_object_put(p);
	}
	int64_t count = -1;
	ck_assert_int_eq(ck_storage_count(env.store, "/foo.bar.io/abc", &count, &err), 0);
	ck_assert_int_eq(count, 5);
	env_stop(&env);
}
END_TEST

/* ---- guaranteed update ------------------------------------------------------------------- */

/* upstream RunTestGuaranteedUpdate (without the transformer cases) */
START_TEST(test_storage_guaranteed_update_table)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	env_start(&env, "/registry");
	json_object *input = pod("test-ns", "foo");
	set_meta(input, "uid", "A");
	const char *uid_a = "A", *uid_b = "B";
	struct ck_storage_preconditions pre_a = { uid_a, NULL }, pre_b = { uid_b, NULL };
	struct {
		const char *name, *key;
		bool ignore_not_found;
		const struct ck_storage_preconditions *pre;
		bool expect_not_found, expect_invalid_obj, expect_no_update, self_link;
	} tests[] = {
		{ .name = "non-existing key, ignoreNotFound=false",
		  .key = "/non-existing",
		  .expect_not_found = true },
		{ .name = "non-existing key, ignoreNotFound=true",
		  .key = "/non-existing",
		  .ignore_not_found = true },
		{ .name = "existing key", .key = "/pods/test-ns/foo" },
		{ .name = "same data", .key = "/pods/test-ns/foo", .expect_no_update = true },
		{ .name = "same data, a selfLink",
		  .key = "/pods/test-ns/foo",
		  .expect_no_update = true,
		  .self_link = true },
		{ .name = "UID match",
		  .key = "/pods/test-ns/foo",
		  .pre = &pre_a,
		  .expect_no_update = true },
		{ .name = "UID mismatch",
		  .key = "/pods/test-ns/foo",
		  .pre = &pre_b,
		  .expect_invalid_obj = true,
		  .expect_no_update = true },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		char key[128], version[16];
		json_object *stored = propagate(&env, input, key, sizeof(key));
		json_object *out = NULL;
		snprintf(version, sizeof(version), "%zu", i);
		struct update_arg ua = { .obj = stored,
					 .edit = tests[i].self_link	     ? edit_self_link
						 : tests[i].expect_no_update ? NULL
									     : edit_annotation,
					 .value = version };
		struct ck_storage_update_options o = { .preconditions = tests[i].pre,
						       .ignore_not_found =
							   tests[i].ignore_not_found };
		int r = ck_storage_guaranteed_update(env.store, tests[i].key, &o, update_fn, &ua,
						     &out, &err);
		if (tests[i].expect_not_found) {
			ck_assert_msg(r == CK_STORAGE_ERR_NOT_FOUND, "%s: %d", tests[i].name, r);
			json_object_put(stored);
			continue;
		}
		if (tests[i].expect_invalid_obj) {
			ck_assert_msg(r == CK_STORAGE_ERR_INVALID_OBJ, "%s: %d", tests[i].name, r);
			ck_assert_str_eq(err.message,
					 "StorageError: invalid object, Code: 4, Key: "
					 "/registry/pods/test-ns/foo, ResourceVersion: 0, "
					 "AdditionalErrorMsg: Precondition failed: UID in "
					 "precondition: B, UID in object meta: A");
			json_object_put(stored);
			continue;
		}
		ck_assert_msg(r == 0, "%s: %s", tests[i].name, err.message);
		ck_assert_str_eq(meta_str(out, "selfLink"), "");
		json_object *meta, *ann;
		json_object_object_get_ex(out, "metadata", &meta);
		bool has = json_object_object_get_ex(meta, "annotations", &ann);
		if (tests[i].expect_no_update) {
			ck_assert_msg(!has, "%s: annotations", tests[i].name);
			ck_assert_int_eq(rv_of(out), rv_of(stored));
		} else {
			ck_assert_msg(has, "%s: no annotations", tests[i].name);
			ck_assert_int_ne(rv_of(out), rv_of(stored));
		}
		/* the stored value never has resourceVersion or selfLink */
		char full[160];
		snprintf(full, sizeof(full), "/registry%s", tests[i].key);
		char *raw = raw_value(&env, full);
		ck_assert_ptr_nonnull(raw);
		ck_assert_ptr_null(strstr(raw, "resourceVersion"));
		ck_assert_ptr_null(strstr(raw, "selfLink"));
		free(raw);
		json_object_put(out);
		json_object_put(stored);
	}
	json_object_put(input);
	env_stop(&env);
}
END_TEST

struct conflict_arg {
	struct ck_storage *store;
	const char *key;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool second_entered, first_finished;
	int update_count;
	int first_result;
};

static void set_name(json_object *o, const char *name)
{
	set_meta(o, "name", name);
}

static int first_update(void *arg, json_object *cur, const struct ck_storage_response_meta *m,
			json_object **ret, uint64_t *ttl)
{
	struct conflict_arg *a = arg;
	(void)m;
	(void)ttl;
	set_name(cur, "foo-1");
	pthread_mutex_lock(&a->mu);
	while (!a->second_entered)
		pthread_cond_wait(&a->cond, &a->mu);
	pthread_mutex_unlock(&a->mu);
	*ret = json_object_get(cur);
	return 0;
}

static void *first_updater(void *arg)
{
	struct conflict_arg *a = arg;
	struct ck_storage_error err = { 0 };
	a->first_result =
	    ck_storage_guaranteed_update(a->store, a->key, NULL, first_update, a, NULL, &err);
	pthread_mutex_lock(&a->mu);
	a->first_finished = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static int second_update(void *arg, json_object *cur, const struct ck_storage_response_meta *m,
			 json_object **ret, uint64_t *ttl)
{
	struct conflict_arg *a = arg;
	(void)m;
	(void)ttl;
	if (a->update_count == 0) {
		pthread_mutex_lock(&a->mu);
		a->second_entered = true;
		pthread_cond_broadcast(&a->cond);
		while (!a->first_finished)
			pthread_cond_wait(&a->cond, &a->mu);
		pthread_mutex_unlock(&a->mu);
	}
	a->update_count++;
	set_name(cur, "foo-2");
	*ret = json_object_get(cur);
	return 0;
}

/* upstream RunTestGuaranteedUpdateWithConflict and ...WithSuggestionAndConflict */
START_TEST(test_storage_guaranteed_update_conflicts)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	char key[128];
	env_start(&env, "/registry");
	json_object *orig = propagate_owned(&env, pod("test-ns", "foo"), key, sizeof(key));

	struct conflict_arg a = { .store = env.store, .key = key };
	pthread_mutex_init(&a.mu, NULL);
	pthread_cond_init(&a.cond, NULL);
	pthread_t t;
	pthread_create(&t, NULL, first_updater, &a);
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, second_update, &a, NULL, &err), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(a.first_result, 0);
	ck_assert_int_eq(a.update_count, 2);

	/* an update without a suggestion makes orig stale */
	json_object *updated = NULL, *updated2 = NULL;
	struct update_arg ua = { .edit = edit_label_foo, .value = "gen2" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &ua, &updated, &err), 0);
	/* stale suggestion: the callback sees it first, then the live object */
	struct update_arg stale = { .edit = edit_annotation, .value = "gen3" };
	struct ck_storage_update_options with_orig = { .cached_existing = orig };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, key, &with_orig, update_fn, &stale,
						      &updated2, &err),
			 0);
	ck_assert_int_eq(stale.calls, 2);
	ck_assert_str_eq(meta_str(updated2, "name"), "foo-2");
	ck_assert_int_gt(rv_of(updated2), rv_of(updated));
	/* a current suggestion and a failing callback: the error, at most twice */
	struct update_arg failing = { .fail = -EPERM };
	struct ck_storage_update_options with_current = { .cached_existing = updated2 };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, key, &with_current, update_fn,
						      &failing, NULL, &err),
			 -EPERM);
	ck_assert_int_le(failing.calls, 2);
	/* "no change" against a stale suggestion is checked against etcd: the
	 * callback runs again on the live object, which it leaves as is */
	struct update_arg same = { 0 };
	json_object *out = NULL;
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, &with_orig, update_fn, &same, &out, &err),
	    0);
	ck_assert_int_eq(same.calls, 2);
	ck_assert_int_eq(rv_of(out), rv_of(updated2));
	expect_equal(updated2, out, "unchanged");
	json_object_put(out);

	json_object_put(orig);
	json_object_put(updated);
	json_object_put(updated2);
	env_stop(&env);
}
END_TEST

struct counter_arg {
	struct ck_storage *store;
	int n;
	int failures;
	long calls;
	int done;     /* updates that returned, either way */
	int finished; /* threads that returned */
};

static int increment(void *arg, json_object *cur, const struct ck_storage_response_meta *m,
		     json_object **ret, uint64_t *ttl)
{
	struct counter_arg *a = arg;
	json_object *data, *count;
	(void)m;
	(void)ttl;
	__atomic_add_fetch(&a->calls, 1, __ATOMIC_RELAXED);
	json_object_object_get_ex(cur, "data", &data);
	json_object_object_get_ex(data, "count", &count);
	json_object_object_add(data, "count",
			       json_object_new_int64(json_object_get_int64(count) + 1));
	*ret = json_object_get(cur);
	return 0;
}

static void *count_up(void *arg)
{
	struct counter_arg *a = arg;
	for (int i = 0; i < a->n; i++) {
		struct ck_storage_error err = { 0 };
		if (ck_storage_guaranteed_update(a->store, "/configmaps/default/counter", NULL,
						 increment, a, NULL, &err) < 0)
			__atomic_add_fetch(&a->failures, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&a->done, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&a->finished, 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Done-when: 8 threads x 1000 guaranteed updates of one counter end at 8000.
 * Every update is an etcd transaction (and each conflict one more), so the
 * run takes 20 s on an idle machine and minutes on a loaded one: it is
 * bounded by progress (no update returns for a minute: a hang or a
 * livelock) and by a count of attempts, not by the wall clock.
 */
START_TEST(test_storage_guaranteed_update_counter)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	enum { THREADS = 8, EACH = 1000 };
	const double stall_ms = ck_test_timeout(60) * 1000;
	env_start(&env, "/registry");
	json_object *cm = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
				"{\"name\":\"counter\",\"namespace\":\"default\"},"
				"\"data\":{\"count\":0}}");
	ck_assert_int_eq(
	    ck_storage_create(env.store, "/configmaps/default/counter", cm, 0, NULL, &err), 0);
	json_object_put(cm);
	pthread_t t[THREADS];
	struct counter_arg a = { env.store, EACH, 0, 0, 0, 0 };
	double t0 = ck_test_now_ms();
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, count_up, &a);
	double progress_at = t0;
	int seen = 0;
	while (__atomic_load_n(&a.finished, __ATOMIC_RELAXED) < THREADS) {
		usleep(100 * 1000);
		int done = __atomic_load_n(&a.done, __ATOMIC_RELAXED);
		if (done != seen) {
			seen = done;
			progress_at = ck_test_now_ms();
		}
		ck_assert_msg(ck_test_now_ms() - progress_at < stall_ms,
			      "no guaranteed update returned in %.0f s (%d of %d done, %ld update "
			      "calls)",
			      stall_ms / 1000, seen, THREADS * EACH,
			      __atomic_load_n(&a.calls, __ATOMIC_RELAXED));
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	double ms = ck_test_now_ms() - t0;
	ck_assert_int_eq(a.failures, 0);
	/* An attempt fails only when another thread committed since its read,
	 * and each commit fails at most one attempt of each other thread (its
	 * retry starts from the state the failed transaction returned): so at
	 * most THREADS attempts per update, whatever the timing. More means
	 * retries from stale state. */
	ck_assert_int_le(a.calls, (long)THREADS * THREADS * EACH);
	json_object *got = NULL, *data, *count;
	ck_assert_int_eq(ck_storage_get(env.store, "/configmaps/default/counter", NULL, &got, &err),
			 0);
	json_object_object_get_ex(got, "data", &data);
	json_object_object_get_ex(data, "count", &count);
	ck_assert_int_eq(json_object_get_int64(count), THREADS * EACH);
	fprintf(stderr, "counter: %d updates in %.0f ms, %ld update calls (%ld conflicts)\n",
		THREADS * EACH, ms, a.calls, a.calls - THREADS * EACH);
	json_object_put(got);
	env_stop(&env);
}
END_TEST

/* ---- delete ------------------------------------------------------------------------------ */

static int validate_fail(void *arg, json_object *cur)
{
	int *calls = arg;
	(void)cur;
	(*calls)++;
	return -EPERM;
}

struct fresh_arg {
	int calls;
	const char *want_foo;
};

static int validate_fresh(void *arg, json_object *cur)
{
	struct fresh_arg *a = arg;
	json_object *meta, *labels, *foo;
	a->calls++;
	if (json_object_object_get_ex(cur, "metadata", &meta) &&
	    json_object_object_get_ex(meta, "labels", &labels) &&
	    json_object_object_get_ex(labels, "foo", &foo) &&
	    ck_streq(json_object_get_string(foo), a->want_foo))
		return 0;
	return -ESRCH; /* "stale object" */
}

START_TEST(test_storage_delete_table)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	char key[128];
	json_object *out = NULL;
	env_start(&env, "/registry");

	/* RunTestConditionalDelete */
	json_object *a = pod("test-ns", "foo");
	set_meta(a, "uid", "A");
	json_object *stored = propagate(&env, a, key, sizeof(key));
	struct ck_storage_preconditions pb = { "B", NULL }, pa = { "A", NULL };
	struct ck_storage_delete_options o = { .preconditions = &pb };
	ck_assert_int_eq(ck_storage_delete(env.store, key, &o, &out, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	o.preconditions = &pa;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &o, &out, &err), 0);
	ck_assert_int_ne(rv_of(out), rv_of(stored));
	set_meta(out, "resourceVersion", meta_str(stored, "resourceVersion"));
	expect_equal(stored, out, "conditional delete");
	json_object_put(out);
	json_object_put(stored);
	/* a resourceVersion precondition */
	stored = propagate(&env, a, key, sizeof(key));
	struct ck_storage_preconditions prv = { NULL, "1" };
	o.preconditions = &prv;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &o, &out, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	ck_assert_ptr_nonnull(strstr(err.message,
				     "Precondition failed: ResourceVersion in "
				     "precondition: 1, ResourceVersion in object meta: "));
	json_object_put(stored);
	json_object_put(a);

	/* RunTestDeleteWithSuggestion */
	json_object *orig = propagate_owned(&env, pod("test-ns", "name"), key, sizeof(key));
	struct ck_storage_delete_options so = { .cached_existing = orig };
	ck_assert_int_eq(ck_storage_delete(env.store, key, &so, NULL, &err), 0);
	ck_assert_int_eq(ck_storage_get(env.store, key, NULL, &out, &err),
			 CK_STORAGE_ERR_NOT_FOUND);
	/* RunTestDeleteWithSuggestionOfDeletedObject */
	ck_assert_int_eq(ck_storage_delete(env.store, key, &so, NULL, &err),
			 CK_STORAGE_ERR_NOT_FOUND);
	json_object_put(orig);

	/* RunTestDeleteWithSuggestionAndConflict */
	orig = propagate_owned(&env, pod("test-ns", "name"), key, sizeof(key));
	json_object *updated = NULL;
	struct update_arg ua = { .edit = edit_label_foo, .value = "bar" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &ua, &updated, &err), 0);
	so.cached_existing = orig;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &so, &out, &err), 0);
	ck_assert_int_eq(ck_storage_get(env.store, key, NULL, &stored, &err),
			 CK_STORAGE_ERR_NOT_FOUND);
	set_meta(updated, "resourceVersion", meta_str(out, "resourceVersion"));
	expect_equal(updated, out, "deleted with stale suggestion");
	json_object_put(out);
	json_object_put(updated);
	json_object_put(orig);

	/* RunTestValidateDeletionWithSuggestion */
	orig = propagate_owned(&env, pod("test-ns", "name"), key, sizeof(key));
	int calls = 0;
	struct ck_storage_delete_options vo = { .validate = validate_fail,
						.validate_arg = &calls,
						.cached_existing = orig };
	ck_assert_int_eq(ck_storage_delete(env.store, key, &vo, NULL, &err), -EPERM);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &ua, &updated, &err), 0);
	json_object_put(updated);
	struct fresh_arg fa = { 0, "bar" };
	vo.validate = validate_fresh;
	vo.validate_arg = &fa;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &vo, NULL, &err), 0);
	ck_assert_int_le(fa.calls, 2);
	json_object_put(orig);

	/* RunTestValidateDeletionWithOnlySuggestionValid */
	json_object *labeled = pod("test-ns", "name");
	set_label(labeled, "labels", "foo", "bar");
	orig = propagate(&env, labeled, key, sizeof(key));
	struct update_arg ub = { .edit = edit_label_foo, .value = "barbar" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &ub, &updated, &err), 0);
	fa.calls = 0;
	vo.cached_existing = orig;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &vo, NULL, &err), -ESRCH);
	ck_assert_int_le(fa.calls, 2);
	ck_assert_int_eq(ck_storage_get(env.store, key, NULL, &out, &err), 0);
	expect_equal(updated, out, "still there");
	json_object_put(out);
	json_object_put(updated);
	json_object_put(orig);
	json_object_put(labeled);

	/* RunTestPreconditionalDeleteWithSuggestion */
	orig = propagate_owned(&env, pod("test-ns", "name"), key, sizeof(key));
	struct update_arg uu = { .edit = edit_uid, .value = "myUID" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &uu, &updated, &err), 0);
	json_object_put(updated);
	struct ck_storage_preconditions pmy = { "myUID", NULL };
	struct ck_storage_delete_options po = { .preconditions = &pmy, .cached_existing = orig };
	ck_assert_int_eq(ck_storage_delete(env.store, key, &po, NULL, &err), 0);
	json_object_put(orig);

	/* RunTestPreconditionalDeleteWithOnlySuggestionPass */
	json_object *mine = pod("test-ns", "name");
	set_meta(mine, "uid", "myUID");
	orig = propagate(&env, mine, key, sizeof(key));
	uu.value = "otherUID";
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, key, NULL, update_fn, &uu, &updated, &err), 0);
	po.cached_existing = orig;
	ck_assert_int_eq(ck_storage_delete(env.store, key, &po, NULL, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	ck_assert_int_eq(ck_storage_get(env.store, key, NULL, &out, &err), 0);
	expect_equal(updated, out, "still there");
	json_object_put(out);
	json_object_put(updated);
	json_object_put(orig);
	json_object_put(mine);
	env_stop(&env);
}
END_TEST

/* Undecodable values (upstream RunTestTransformationFailure's role). */
START_TEST(test_storage_corrupt_value)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	struct ck_storage_list_result lr = { 0 };
	env_start(&env, "/registry");
	json_object *good = pod("first", "bar");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/first/bar", good, 0, NULL, &err), 0);
	json_object_put(good);
	put_raw(&env, "/registry/pods/second/baz", "otherprefix!{not json");
	ck_assert_int_eq(ck_storage_list(env.store, "/pods", NULL, &lr, &err),
			 CK_STORAGE_ERR_INTERNAL);
	ck_assert_ptr_nonnull(strstr(err.message, "/registry/pods/second/baz"));
	ck_assert_int_eq(ck_storage_get(env.store, "/pods/second/baz", NULL, &out, &err),
			 CK_STORAGE_ERR_INTERNAL);
	struct update_arg same = { 0 };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, "/pods/second/baz", NULL,
						      update_fn, &same, NULL, &err),
			 CK_STORAGE_ERR_INTERNAL);
	ck_assert_int_eq(ck_storage_delete(env.store, "/pods/second/baz", NULL, NULL, &err),
			 CK_STORAGE_ERR_INTERNAL);
	put_raw(&env, "/registry/pods/second/arr", "[1,2]");
	ck_assert_int_eq(ck_storage_get(env.store, "/pods/second/arr", NULL, &out, &err),
			 CK_STORAGE_ERR_INTERNAL);
	env_stop(&env);
}
END_TEST

/* ---- TTL --------------------------------------------------------------------------------- */

/* Done-when: TTL'd keys vanish after their lease expires (RunTestCreateWithTTL,
 * RunTestGuaranteedUpdateWithTTL). */
START_TEST(test_storage_ttl)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	env_start(&env, "/registry");
	json_object *p = pod("test-ns", "foo");
	ck_assert_int_eq(ck_storage_create(env.store, "/events/test-ns/foo", p, 1, &out, &err), 0);
	json_object_put(p);
	json_object_put(out);
	struct update_arg ua = { .obj = NULL, .ttl = 1 };
	json_object *in = pod("test-ns", "bar");
	ua.obj = in;
	struct ck_storage_update_options uo = { .ignore_not_found = true };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, "/events/test-ns/bar", &uo,
						      update_fn, &ua, &out, &err),
			 0);
	json_object_put(out);
	json_object_put(in);
	int64_t count = 0;
	ck_assert_int_eq(ck_storage_count(env.store, "/events", &count, &err), 0);
	ck_assert_int_eq(count, 2);
	double deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	while (count > 0 && ck_test_now_ms() < deadline) {
		usleep(100 * 1000);
		ck_assert_int_eq(ck_storage_count(env.store, "/events", &count, &err), 0);
	}
	ck_assert_int_eq(count, 0);
	env_stop(&env);
}
END_TEST

/* ---- watch ----------------------------------------------------------------------------- */

#define MAX_EVENTS 2048

struct events {
	pthread_mutex_t mu;
	int n;
	enum ck_storage_event_type type[MAX_EVENTS];
	json_object *obj[MAX_EVENTS];
	json_object *prev[MAX_EVENTS];
	int64_t rev[MAX_EVENTS];
	int error_code;
	char error[512];
};

static void events_init(struct events *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->mu, NULL);
}

static void events_release(struct events *e)
{
	for (int i = 0; i < e->n; i++) {
		if (e->obj[i])
			json_object_put(e->obj[i]);
		if (e->prev[i])
			json_object_put(e->prev[i]);
	}
}

static void on_event(void *arg, const struct ck_storage_event *ev)
{
	struct events *e = arg;
	pthread_mutex_lock(&e->mu);
	if (ev->type == CK_STORAGE_EVENT_ERROR) {
		e->error_code = ev->error_code;
		snprintf(e->error, sizeof(e->error), "%s", ev->error_message);
	} else if (e->n < MAX_EVENTS) {
		e->type[e->n] = ev->type;
		e->obj[e->n] = ev->object ? json_object_get(ev->object) : NULL;
		e->prev[e->n] = ev->prev_object ? json_object_get(ev->prev_object) : NULL;
		e->rev[e->n] = ev->resource_version;
		e->n++;
	}
	pthread_mutex_unlock(&e->mu);
}

static int wait_for(struct events *e, int n, double seconds)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(seconds) * 1000;
	for (;;) {
		pthread_mutex_lock(&e->mu);
		int got = e->n, failed = e->error_code;
		pthread_mutex_unlock(&e->mu);
		if (got >= n || failed || ck_test_now_ms() > deadline)
			return got;
		usleep(2000);
	}
}

START_TEST(test_storage_watch)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *a1 = NULL, *a2 = NULL, *b1 = NULL, *del = NULL;
	env_start(&env, "/registry");

	json_object *p = pod("ns", "a");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/ns/a", p, 0, &a1, &err), 0);
	json_object_put(p);
	char rv[32];
	snprintf(rv, sizeof(rv), "%" PRId64, rv_of(a1));

	/* from "0": the current state first, then changes */
	struct events from0, fromrv, filtered;
	events_init(&from0);
	events_init(&fromrv);
	events_init(&filtered);
	struct ck_storage_watch *w0 = NULL, *w1 = NULL, *w2 = NULL;
	struct ck_storage_watch_options o0 = { .resource_version = "0", .recursive = true };
	ck_assert_int_eq(ck_storage_watch(env.store, "/pods/ns", &o0, on_event, &from0, &w0, &err),
			 0);
	struct ck_storage_watch_options o1 = { .resource_version = rv, .recursive = true };
	ck_assert_int_eq(ck_storage_watch(env.store, "/pods/ns", &o1, on_event, &fromrv, &w1, &err),
			 0);
	struct field_filter on_node = { "spec.nodeName", "n1", false };
	struct ck_storage_watch_options o2 = { .resource_version = rv,
					       .recursive = true,
					       .filter = field_filter_fn,
					       .filter_arg = &on_node };
	ck_assert_int_eq(
	    ck_storage_watch(env.store, "/pods/ns", &o2, on_event, &filtered, &w2, &err), 0);
	ck_assert_int_eq(wait_for(&from0, 1, 10), 1);

	p = pod("ns", "b");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/ns/b", p, 0, &b1, &err), 0);
	json_object_put(p);
	struct update_arg ua = { .edit = edit_node_name, .value = "n1" };
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, "/pods/ns/a", NULL, update_fn, &ua, &a2, &err),
	    0);
	json_object *a3 = NULL;
	ua.value = "n2";
	ck_assert_int_eq(
	    ck_storage_guaranteed_update(env.store, "/pods/ns/a", NULL, update_fn, &ua, &a3, &err),
	    0);
	ck_assert_int_eq(ck_storage_delete(env.store, "/pods/ns/a", NULL, &del, &err), 0);
	/* outside the prefix: not seen */
	p = pod("ns-2", "x");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/ns-2/x", p, 0, NULL, &err), 0);
	json_object_put(p);

	ck_assert_int_eq(wait_for(&from0, 5, 10), 5);
	ck_assert_int_eq(wait_for(&fromrv, 4, 10), 4);
	ck_assert_int_eq(wait_for(&filtered, 2, 10), 2);
	usleep(200 * 1000);
	ck_storage_watch_stop(w0);
	ck_storage_watch_stop(w1);
	ck_storage_watch_stop(w2);

	ck_assert_int_eq(from0.n, 5);
	ck_assert_int_eq(from0.type[0], CK_STORAGE_EVENT_ADDED);
	expect_equal(a1, from0.obj[0], "initial event");
	enum ck_storage_event_type want[] = { CK_STORAGE_EVENT_ADDED, CK_STORAGE_EVENT_MODIFIED,
					      CK_STORAGE_EVENT_MODIFIED, CK_STORAGE_EVENT_DELETED };
	json_object *objs[] = { b1, a2, a3, del };
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(from0.type[i + 1], want[i]);
		ck_assert_int_eq(fromrv.type[i], want[i]);
		expect_equal(objs[i], from0.obj[i + 1], "event object");
		expect_equal(objs[i], fromrv.obj[i], "event object");
		ck_assert_int_eq(fromrv.rev[i], rv_of(objs[i]));
	}
	/* MODIFIED carries the previous state (at the event's revision) */
	ck_assert_str_eq(meta_str(fromrv.prev[1], "name"), "a");
	ck_assert_int_eq(rv_of(fromrv.prev[1]), rv_of(a2));
	/* DELETED: the last state, at the deletion's revision */
	ck_assert_int_eq(rv_of(fromrv.obj[3]), rv_of(del));
	ck_assert_int_gt(rv_of(del), rv_of(a3));
	/* the filter turns crossing MODIFIED events into ADDED / DELETED */
	ck_assert_int_eq(filtered.n, 2);
	ck_assert_int_eq(filtered.type[0], CK_STORAGE_EVENT_ADDED);
	expect_equal(a2, filtered.obj[0], "filtered added");
	ck_assert_int_eq(filtered.type[1], CK_STORAGE_EVENT_DELETED);
	ck_assert_int_eq(rv_of(filtered.obj[1]), rv_of(a3));
	ck_assert_int_eq(from0.error_code, 0);
	events_release(&from0);
	events_release(&fromrv);
	events_release(&filtered);

	/* a single key, not a prefix */
	struct events single;
	events_init(&single);
	struct ck_storage_watch *ws = NULL;
	struct ck_storage_watch_options os = { .resource_version = rv };
	ck_assert_int_eq(
	    ck_storage_watch(env.store, "/pods/ns/b", &os, on_event, &single, &ws, &err), 0);
	ck_assert_int_eq(wait_for(&single, 1, 10), 1);
	usleep(100 * 1000);
	ck_storage_watch_stop(ws);
	ck_assert_int_eq(single.n, 1);
	expect_equal(b1, single.obj[0], "single key watch");
	events_release(&single);

	/* from a compacted revision: an ERROR event, Expired */
	compaction(&env, rv_of(del));
	struct events expired;
	events_init(&expired);
	ck_assert_int_eq(
	    ck_storage_watch(env.store, "/pods/ns", &o1, on_event, &expired, &w1, &err), 0);
	wait_for(&expired, 1, 10);
	ck_storage_watch_stop(w1);
	ck_assert_int_eq(expired.n, 0);
	ck_assert_int_eq(expired.error_code, CK_STORAGE_ERR_EXPIRED);
	ck_assert_str_eq(expired.error, CK_STORAGE_MSG_EXPIRED_WATCH);

	/* a bad resourceVersion is refused up front */
	struct ck_storage_watch_options bad = { .resource_version = "x1" };
	ck_assert_int_eq(
	    ck_storage_watch(env.store, "/pods/ns", &bad, on_event, &expired, &w1, &err),
	    CK_STORAGE_ERR_BAD_REQUEST);

	json_object_put(a1);
	json_object_put(a2);
	json_object_put(a3);
	json_object_put(b1);
	json_object_put(del);
	env_stop(&env);
}
END_TEST

struct pod_writer {
	struct ck_storage *store;
	int n;
	int done;
	int64_t last_rev;
};

static void *write_pods(void *arg)
{
	struct pod_writer *w = arg;
	for (int i = 0; i < w->n; i++) {
		char key[64], name[32];
		snprintf(name, sizeof(name), "p-%04d", i);
		snprintf(key, sizeof(key), "/pods/restart/%s", name);
		for (;;) {
			struct ck_storage_error err = { 0 };
			json_object *p = pod("restart", name), *out = NULL;
			int r = ck_storage_create(w->store, key, p, 0, &out, &err);
			json_object_put(p);
			/* a create whose answer was lost may have been applied */
			if (r == 0 || r == CK_STORAGE_ERR_EXISTS) {
				if (out) {
					w->last_rev = rv_of(out);
					json_object_put(out);
				}
				break;
			}
			usleep(20 * 1000);
		}
		__atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
		usleep(1000);
	}
	return NULL;
}

/* Done-when: a watch survives an etcd restart with no event lost or repeated. */
START_TEST(test_storage_watch_survives_restart)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	env_start(&env, "/registry");
	struct events ev;
	events_init(&ev);
	struct ck_storage_watch *w = NULL;
	struct ck_storage_watch_options o = { .resource_version = "0", .recursive = true };
	ck_assert_int_eq(ck_storage_watch(env.store, "/pods/restart", &o, on_event, &ev, &w, &err),
			 0);
	struct pod_writer pw = { env.store, 500, 0, 0 };
	pthread_t t;
	pthread_create(&t, NULL, write_pods, &pw);
	while (__atomic_load_n(&pw.done, __ATOMIC_SEQ_CST) < 150)
		usleep(1000);
	ck_assert_int_eq(ck_test_etcd_restart(env.etcd), 0);
	while (__atomic_load_n(&pw.done, __ATOMIC_SEQ_CST) < 300)
		usleep(1000);
	ck_assert_int_eq(ck_test_etcd_kill(env.etcd), 0);
	usleep(300 * 1000);
	ck_assert_int_eq(ck_test_etcd_restart(env.etcd), 0);
	pthread_join(t, NULL);

	ck_assert_int_eq(wait_for(&ev, pw.n, 30), pw.n);
	usleep(200 * 1000);
	ck_storage_watch_stop(w);
	ck_assert_int_eq(ev.error_code, 0);
	ck_assert_int_eq(ev.n, pw.n);
	for (int i = 0; i < ev.n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "p-%04d", i);
		ck_assert_int_eq(ev.type[i], CK_STORAGE_EVENT_ADDED);
		ck_assert_str_eq(meta_str(ev.obj[i], "name"), name);
		if (i > 0)
			ck_assert_int_gt(ev.rev[i], ev.rev[i - 1]);
	}
	events_release(&ev);
	env_stop(&env);
}
END_TEST

/* The compactor thread, with a short interval. */
START_TEST(test_storage_compactor)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	env_start(&env, "");
	json_object *p = pod("ns", "a"), *out = NULL;
	ck_assert_int_eq(ck_storage_create(env.store, "/registry/pods/ns/a", p, 0, &out, &err), 0);
	json_object_put(p);
	char rv[32];
	snprintf(rv, sizeof(rv), "%" PRId64, rv_of(out));
	json_object_put(out);
	struct ck_etcd_compactor *comp = NULL;
	ck_assert_int_eq(ck_etcd_compactor_start(env.client, 200, &comp), 0);
	struct ck_storage_list_options o = { .resource_version = rv,
					     .resource_version_match = "Exact",
					     .recursive = true };
	struct ck_storage_list_result lr = { 0 };
	double deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	int r;
	/* round 1 records the revision, round 2 compacts to it */
	while ((r = ck_storage_list(env.store, "/registry/pods", &o, &lr, &err)) == 0 &&
	       ck_test_now_ms() < deadline) {
		ck_storage_list_result_release(&lr);
		struct update_arg ua = { .edit = edit_annotation, .value = "x" };
		ck_storage_guaranteed_update(env.store, "/registry/pods/ns/a", NULL, update_fn, &ua,
					     NULL, &err);
		usleep(100 * 1000);
	}
	ck_assert_int_eq(r, CK_STORAGE_ERR_EXPIRED);
	ck_etcd_compactor_stop(comp);
	env_stop(&env);
}
END_TEST

/*
 * One whole create/watch cycle, from client creation to grpc_shutdown, in
 * its own test case so that it can run alone under valgrind:
 *   CK_FORK=no CK_RUN_SUITE=storage CK_RUN_CASE=cycle valgrind --leak-check=full \
 *     _output/test/integration-tests
 */
START_TEST(test_storage_create_watch_cycle)
{
	struct env env;
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	env_start(&env, "/registry");
	struct events ev;
	events_init(&ev);
	struct ck_storage_watch *w = NULL;
	struct ck_storage_watch_options o = { .resource_version = "0", .recursive = true };
	json_object *p = pod("cycle", "a");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/cycle/a", p, 0, NULL, &err), 0);
	json_object_put(p);
	ck_assert_int_eq(ck_storage_watch(env.store, "/pods/cycle", &o, on_event, &ev, &w, &err),
			 0);
	p = pod("cycle", "b");
	ck_assert_int_eq(ck_storage_create(env.store, "/pods/cycle/b", p, 0, &out, &err), 0);
	json_object_put(p);
	json_object_put(out);
	struct update_arg ua = { .edit = edit_annotation, .value = "1" };
	ck_assert_int_eq(ck_storage_guaranteed_update(env.store, "/pods/cycle/b", NULL, update_fn,
						      &ua, NULL, &err),
			 0);
	ck_assert_int_eq(ck_storage_delete(env.store, "/pods/cycle/a", NULL, NULL, &err), 0);
	ck_assert_int_eq(wait_for(&ev, 4, 30), 4);
	ck_storage_watch_stop(w);
	ck_assert_int_eq(ev.type[0], CK_STORAGE_EVENT_ADDED);
	ck_assert_int_eq(ev.type[1], CK_STORAGE_EVENT_ADDED);
	ck_assert_int_eq(ev.type[2], CK_STORAGE_EVENT_MODIFIED);
	ck_assert_int_eq(ev.type[3], CK_STORAGE_EVENT_DELETED);
	events_release(&ev);
	env_stop(&env);
}
END_TEST

Suite *ck_test_suite_storage(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, ck_test_timeout(90));
	tcase_add_checked_fixture(tc, setup_verbosity, NULL);
	tcase_add_test(tc, test_storage_crud);
	tcase_add_test(tc, test_storage_get_table);
	tcase_add_test(tc, test_storage_list_table);
	tcase_add_test(tc, test_storage_list_continuation);
	tcase_add_test(tc, test_storage_list_inconsistent_continuation);
	tcase_add_test(tc, test_storage_list_non_recursive);
	tcase_add_test(tc, test_storage_list_paging_10000);
	tcase_add_test(tc, test_storage_count);
	tcase_add_test(tc, test_storage_guaranteed_update_table);
	tcase_add_test(tc, test_storage_guaranteed_update_conflicts);
	tcase_add_test(tc, test_storage_delete_table);
	tcase_add_test(tc, test_storage_corrupt_value);
	tcase_add_test(tc, test_storage_ttl);
	tcase_add_test(tc, test_storage_watch);
	tcase_add_test(tc, test_storage_watch_survives_restart);
	tcase_add_test(tc, test_storage_compactor);
	suite_add_tcase(s, tc);
	/* bounded by its progress: a loaded machine only makes it longer */
	TCase *counter = tcase_create("counter");
	tcase_set_timeout(counter, ck_test_timeout(900));
	tcase_add_checked_fixture(counter, setup_verbosity, NULL);
	tcase_add_test(counter, test_storage_guaranteed_update_counter);
	suite_add_tcase(s, counter);
	TCase *cycle = tcase_create("cycle");
	tcase_set_timeout(cycle, ck_test_timeout(120));
	tcase_add_checked_fixture(cycle, setup_verbosity, NULL);
	tcase_add_test(cycle, test_storage_create_watch_cycle);
	suite_add_tcase(s, cycle);
	return s;
}
