/*
 * The thread-safe indexer (client/store.h), after client-go's
 * thread_safe_store_test.go and index_test.go: keys, the namespace index,
 * a multi-valued index kept right through updates and deletes, copies,
 * and concurrent readers with a writer.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "client/store.h"
#include "util/common.h"
#include "util/str.h"

static json_object *pod(const char *ns, const char *name, const char *node, const char *modes)
{
	char text[512];
	snprintf(text, sizeof(text),
		 "{\"metadata\":{\"name\":\"%s\"%s%s%s,\"labels\":{\"testmodes\":\"%s\"}},"
		 "\"spec\":{\"nodeName\":\"%s\"}}",
		 name, ns ? ",\"namespace\":\"" : "", ns ? ns : "", ns ? "\"" : "", modes, node);
	json_object *o = json_tokener_parse(text);
	ck_assert_ptr_nonnull(o);
	return o;
}

static char **by_node(json_object *obj)
{
	const char *node = ck_obj_path_str(obj, "spec.nodeName");
	if (!node || !*node)
		return NULL;
	char **v = ck_calloc(2, sizeof(*v));
	v[0] = ck_strdup(node);
	return v;
}

/* testmodes "a,b" -> {"a", "b"} (index_test.go's testIndexFunc) */
static char **by_modes(json_object *obj)
{
	const char *m = ck_obj_path_str(obj, "metadata.labels.testmodes");
	return m && *m ? ck_str_split(m, ',', 0) : NULL;
}

static void check_strv(char **got, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		ck_assert_ptr_nonnull(got[i]);
		ck_assert_str_eq(got[i], want[i]);
	}
	ck_assert_ptr_null(got[i]);
	ck_strv_free(got);
}

START_TEST(test_keys)
{
	json_object *a = pod("ns1", "a", "", "");
	json_object *c = pod(NULL, "node-1", "", "");
	char *k = ck_store_key_of(a);
	ck_assert_str_eq(k, "ns1/a");
	free(k);
	k = ck_store_key_of(c);
	ck_assert_str_eq(k, "node-1");
	free(k);
	char *ns, *name;
	ck_store_split_key("ns1/a", &ns, &name);
	ck_assert_str_eq(ns, "ns1");
	ck_assert_str_eq(name, "a");
	free(ns);
	free(name);
	ck_store_split_key("node-1", &ns, &name);
	ck_assert_ptr_null(ns);
	ck_assert_str_eq(name, "node-1");
	free(name);
	json_object_put(a);
	json_object_put(c);
}
END_TEST

START_TEST(test_index_values)
{
	struct ck_store *s = ck_store_new();
	ck_assert_int_eq(ck_store_add_index(s, "testmodes", by_modes), 0);
	ck_assert_int_eq(ck_store_add_index(s, "testmodes", by_modes), -EEXIST);
	ck_assert_int_eq(ck_store_add_index(s, "byNode", by_node), 0);
	ck_store_add(s, pod("ns", "one", "n1", "foo,bar"));
	ck_store_add(s, pod("ns", "two", "n1", "bar"));
	ck_store_add(s, pod("other", "tre", "n2", "biz"));
	ck_assert_int_eq(ck_store_add_index(s, "late", by_node), -EBUSY);
	ck_assert_uint_eq(ck_store_len(s), 3);

	char **v;
	ck_assert_int_eq(ck_store_index_values(s, "testmodes", &v), 0);
	check_strv(v, (const char *const[]){ "bar", "biz", "foo", NULL });
	ck_assert_int_eq(ck_store_index_keys(s, "testmodes", "bar", &v), 0);
	check_strv(v, (const char *const[]){ "ns/one", "ns/two", NULL });
	ck_assert_int_eq(ck_store_index_keys(s, CK_STORE_NAMESPACE_INDEX, "ns", &v), 0);
	check_strv(v, (const char *const[]){ "ns/one", "ns/two", NULL });
	ck_assert_int_eq(ck_store_index_keys(s, "byNode", "n2", &v), 0);
	check_strv(v, (const char *const[]){ "other/tre", NULL });
	ck_assert_int_eq(ck_store_index_keys(s, "nope", "x", &v), -ENOENT);

	/* Update moves the object between index values; emptied values go away. */
	ck_store_update(s, pod("ns", "one", "n2", "biz"));
	ck_assert_int_eq(ck_store_index_values(s, "testmodes", &v), 0);
	check_strv(v, (const char *const[]){ "bar", "biz", NULL });
	ck_assert_int_eq(ck_store_index_keys(s, "byNode", "n2", &v), 0);
	check_strv(v, (const char *const[]){ "ns/one", "other/tre", NULL });

	json_object *arr = NULL;
	ck_assert_int_eq(ck_store_by_index(s, "byNode", "n2", &arr), 0);
	ck_assert_int_eq(json_object_array_length(arr), 2);
	ck_assert_str_eq(ck_obj_name(json_object_array_get_idx(arr, 0)), "one");
	json_object_put(arr);
	ck_assert_int_eq(ck_store_by_index(s, "byNode", "n9", &arr), 0);
	ck_assert_int_eq(json_object_array_length(arr), 0);
	json_object_put(arr);

	/* Delete by key of the object given. */
	json_object *gone = pod("ns", "two", "", "");
	ck_store_delete(s, gone);
	json_object_put(gone);
	ck_assert_int_eq(ck_store_index_values(s, "testmodes", &v), 0);
	check_strv(v, (const char *const[]){ "biz", NULL });
	ck_assert_int_eq(ck_store_index_values(s, CK_STORE_NAMESPACE_INDEX, &v), 0);
	check_strv(v, (const char *const[]){ "ns", "other", NULL });
	check_strv(ck_store_list_keys(s), (const char *const[]){ "ns/one", "other/tre", NULL });
	ck_store_free(s);
}
END_TEST

START_TEST(test_copies)
{
	struct ck_store *s = ck_store_new();
	ck_store_add(s, pod("ns", "a", "n1", ""));
	json_object *got = NULL;
	ck_assert_int_eq(ck_store_get(s, "ns/a", &got), 0);
	ck_obj_set_meta_str(got, "name", "changed");
	json_object_put(got);
	ck_assert_int_eq(ck_store_get(s, "ns/a", &got), 0);
	ck_assert_str_eq(ck_obj_name(got), "a"); /* the store's copy is untouched */
	json_object_put(got);
	ck_assert_int_eq(ck_store_get(s, "ns/b", &got), -ENOENT);
	ck_assert(ck_store_has(s, "ns/a"));
	json_object *all = ck_store_list(s);
	ck_assert_int_eq(json_object_array_length(all), 1);
	json_object_put(all);
	ck_store_free(s);
}
END_TEST

static bool count_fn(void *ctx, const char *key, json_object *obj)
{
	(void)key;
	(void)obj;
	(*(int *)ctx)++;
	return true;
}

static void name_fn(void *ctx, const char *key, json_object *obj)
{
	(void)key;
	snprintf(ctx, 64, "%s", ck_obj_name(obj));
}

struct rw {
	struct ck_store *s;
	int id;
};

static void *reader(void *arg)
{
	struct rw *rw = arg;
	for (int i = 0; i < 2000; i++) {
		int n = 0;
		ck_store_foreach(rw->s, count_fn, &n);
		char name[64];
		ck_store_with(rw->s, "ns/p0", name_fn, name);
		json_object *o = NULL;
		if (ck_store_get(rw->s, "ns/p1", &o) == 0)
			json_object_put(o);
		char **keys;
		if (ck_store_index_keys(rw->s, "byNode", "n1", &keys) == 0)
			ck_strv_free(keys);
	}
	return NULL;
}

START_TEST(test_concurrent_readers)
{
	struct ck_store *s = ck_store_new();
	ck_store_add_index(s, "byNode", by_node);
	pthread_t t[4];
	struct rw rw[4];
	for (int i = 0; i < 4; i++) {
		rw[i] = (struct rw){ s, i };
		pthread_create(&t[i], NULL, reader, &rw[i]);
	}
	char name[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "p%d", i % 10);
		ck_store_add(s, pod("ns", name, i % 2 ? "n1" : "n2", ""));
		if (i % 7 == 0) {
			json_object *d = pod("ns", name, "", "");
			ck_store_delete(s, d);
			json_object_put(d);
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	int n = 0;
	ck_store_foreach(s, count_fn, &n);
	ck_assert_int_eq((size_t)n, ck_store_len(s));
	ck_store_free(s);
}
END_TEST

Suite *ck_test_suite_client_store(void)
{
	Suite *s = suite_create("client_store");
	TCase *tc = tcase_create("store");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_index_values);
	tcase_add_test(tc, test_copies);
	tcase_add_test(tc, test_concurrent_readers);
	suite_add_tcase(s, tc);
	return s;
}
