/* util/json_parse.h: the per-thread tokener parses again after a failure, nests, and keeps flags
 * per use. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/json_parse.h"
#include "util/limits.h"

/* Parses text whole with a tokener from ck_json_tokener_get(flags); NULL on error. */
static json_object *parse(const char *text, int flags)
{
	json_tokener *tok = ck_json_tokener_get(flags);
	json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	ck_json_tokener_put(tok);
	return o;
}

START_TEST(test_json_parse_reuse_after_error)
{
	/* a parse that fails half-way leaves nothing behind for the next one */
	ck_assert_ptr_null(parse("{\"a\":[1,2,{\"b\":", 0));
	json_object *o = parse("{\"x\":1}", 0);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), "{\"x\":1}");
	json_object_put(o);
	/* flags are the caller's each time: strict refuses what the default accepts */
	ck_assert_ptr_null(parse("[1,]", JSON_TOKENER_STRICT));
	o = parse("[1,]", 0);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_parse_nested)
{
	json_tokener *outer = ck_json_tokener_get(0);
	json_tokener *inner = ck_json_tokener_get(0);
	ck_assert_ptr_ne(outer, inner);
	json_object *a = json_tokener_parse_ex(outer, "[1,", 3);
	json_object *b = json_tokener_parse_ex(inner, "[2]", 3);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_null(a);
	a = json_tokener_parse_ex(outer, "3]", 2); /* the outer parse goes on */
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(json_object_array_length(a), 2);
	ck_json_tokener_put(inner);
	ck_json_tokener_put(outer);
	/* the thread's tokener is free again */
	json_tokener *again = ck_json_tokener_get(0);
	ck_assert_ptr_eq(again, outer);
	ck_json_tokener_put(again);
	json_object_put(a);
	json_object_put(b);
}
END_TEST

START_TEST(test_json_parse_depth)
{
	/* the depth is CK_MAX_JSON_DEPTH, as the tokeners it replaces */
	static char deep[2 * CK_MAX_JSON_DEPTH + 8];
	size_t n = 0;
	for (int i = 0; i < CK_MAX_JSON_DEPTH - 1; i++)
		deep[n++] = '[';
	for (int i = 0; i < CK_MAX_JSON_DEPTH - 1; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	json_object *o = parse(deep, 0);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	memmove(deep + 2, deep, n + 1);
	deep[0] = deep[1] = '[';
	deep[n + 2] = ']';
	deep[n + 3] = ']';
	deep[n + 4] = '\0';
	ck_assert_ptr_null(parse(deep, 0));
}
END_TEST

static void *in_thread(void *arg)
{
	(void)arg;
	json_object *o = parse("{\"t\":true}", 0);
	return o;
}

START_TEST(test_json_parse_threads)
{
	/* each thread has its own; an exiting thread frees its own (ASan checks) */
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, in_thread, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *o = NULL;
		pthread_join(t[i], &o);
		ck_assert_ptr_nonnull(o);
		json_object_put(o);
	}
}
END_TEST

START_TEST(test_json_compact)
{
	const char *text =
	    "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"labels\":{},"
	    "\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:data\":{\".\":{},"
	    "\"f:k1\":{},\"f:k2\":{}}}}]},\"data\":{\"k1\":\"v1\",\"k2\":\"v2\","
	    "\"k3\":\"v3\",\"k4\":\"v4\",\"k5\":\"v5\",\"k6\":\"v6\"},\"list\":[],"
	    "\"nums\":[1,2.5,\"x\",null,[{}]]}";
	json_object *o = parse(text, 0), *fresh = parse(text, 0);
	ck_assert_ptr_nonnull(o);
	ck_json_compact(o);

	/* the same value, members in the same order */
	ck_assert(json_object_equal(o, fresh));
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 json_object_to_json_string_ext(fresh, JSON_C_TO_STRING_PLAIN));

	/* tables hold what they have, no more; every member is still found */
	struct lh_table *data = json_object_get_object(json_object_object_get(o, "data"));
	ck_assert_int_eq(data->count, 6);
	ck_assert_int_lt(data->size,
			 json_object_get_object(json_object_object_get(fresh, "data"))->size);
	for (int i = 1; i <= 6; i++) {
		char k[8], v[8];
		snprintf(k, sizeof(k), "k%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		ck_assert_str_eq(json_object_get_string(
				     json_object_object_get(json_object_object_get(o, "data"), k)),
				 v);
	}
	json_object *md = json_object_object_get(o, "metadata");
	ck_assert_int_eq(json_object_get_object(json_object_object_get(md, "labels"))->size, 1);
	ck_assert_int_lt(json_object_get_object(md)->size,
			 json_object_get_object(json_object_object_get(fresh, "metadata"))->size);

	/* still an ordinary object: it grows again when changed */
	json_object *labels = json_object_object_get(md, "labels");
	for (int i = 0; i < 40; i++) {
		char k[8];
		snprintf(k, sizeof(k), "l%d", i);
		json_object_object_add(labels, k, json_object_new_int(i));
	}
	ck_assert_int_eq(json_object_object_length(labels), 40);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(labels, "l39")), 39);
	json_object_array_add(json_object_object_get(o, "list"), json_object_new_int(7));
	ck_assert_int_eq(json_object_array_length(json_object_object_get(o, "list")), 1);

	ck_json_compact(NULL); /* nothing to do */
	json_object_put(o);
	json_object_put(fresh);
}
END_TEST

Suite *ck_test_suite_json_parse(void)
{
	Suite *s = suite_create("json_parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_json_parse_reuse_after_error);
	tcase_add_test(tc, test_json_parse_nested);
	tcase_add_test(tc, test_json_parse_depth);
	tcase_add_test(tc, test_json_parse_threads);
	tcase_add_test(tc, test_json_compact);
	suite_add_tcase(s, tc);
	return s;
}
