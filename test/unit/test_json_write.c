/* util/json_write.h: the read-only printer gives json-c's own text. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/json_write.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Prints obj both ways and compares; returns our text (static). */
static const char *same_as_json_c(json_object *obj)
{
	static char out[4096];
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_json_write(&b, obj), 0);
	const char *theirs = json_object_to_json_string_ext(obj, FLAGS);
	ck_assert_str_eq(ck_buf_str(&b), theirs);
	snprintf(out, sizeof(out), "%s", ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

static const char *parsed(const char *text)
{
	json_object *obj = json_tokener_parse(text);
	ck_assert_msg(obj != NULL || strcmp(text, "null") == 0, "parse %s", text);
	const char *out = same_as_json_c(obj);
	json_object_put(obj);
	return out;
}

START_TEST(test_json_write_parsed)
{
	static const char *const cases[] = {
		"{}",
		"[]",
		"null",
		"true",
		"false",
		"0",
		"-0",
		"-0.0",
		"1.5",
		"1e3",
		"1E+03",
		"0.1000",
		"9223372036854775807",
		"-9223372036854775808",
		"18446744073709551615",
		"12345678901234567890",
		"\"\"",
		"\"a/b\\\\c\\\"d\"",
		"\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\"",
		"\"\\u00e9 \\u2028 \xf0\x9f\x98\x80\"",
		("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\","
		 "\"labels\":{\"x/y\":\"z\"}},\"data\":{\"k\":\"line1\\nline2\"}}"),
		"{\"a\":[1,2.25,\"x\",null,true,{\"b\":[]}],\"\\n\":{}}",
		"[[[[[]]]]]",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		parsed(cases[i]);
	ck_assert_str_eq(parsed("{ \"a\" : [ 1 , 2 ] }"), "{\"a\":[1,2]}");
	ck_assert_str_eq(parsed("\"a/b\""), "\"a/b\"");
}
END_TEST

START_TEST(test_json_write_built)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "d1", json_object_new_double(1.0));
	json_object_object_add(o, "d2", json_object_new_double(0.1));
	json_object_object_add(o, "d3", json_object_new_double(-2.5e-300));
	json_object_object_add(o, "d4", json_object_new_double(1e21));
	json_object_object_add(o, "nan", json_object_new_double(NAN));
	json_object_object_add(o, "inf", json_object_new_double(INFINITY));
	json_object_object_add(o, "ninf", json_object_new_double(-INFINITY));
	json_object_object_add(o, "u", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "i", json_object_new_int64(INT64_MAX));
	json_object_object_add(o, "n", NULL);
	json_object_object_add(o, "s", json_object_new_string_len("a\0b", 3));
	json_object *a = json_object_new_array();
	json_object_array_put_idx(a, 2, json_object_new_int(7)); /* [null,null,7] */
	json_object_object_add(o, "a", a);
	ck_assert_str_eq(same_as_json_c(o),
			 "{\"d1\":1.0,\"d2\":0.10000000000000001,\"d3\":-2.5e-300,"
			 "\"d4\":1e+21,\"nan\":NaN,\"inf\":Infinity,\"ninf\":-Infinity,"
			 "\"u\":18446744073709551615,\"i\":9223372036854775807,\"n\":null,"
			 "\"s\":\"a\\u0000b\",\"a\":[null,null,7]}");
	json_object_put(o);
	ck_assert_str_eq(same_as_json_c(NULL), "null");
}
END_TEST

START_TEST(test_json_write_too_big)
{
	struct ck_buf b;
	json_object *o = json_tokener_parse("{\"a\":\"0123456789\"}");
	ck_buf_init(&b, 8);
	ck_assert_int_eq(ck_buf_adds(&b, "xy"), 0);
	ck_assert_int_eq(ck_json_write(&b, o), -E2BIG);
	ck_assert_str_eq(ck_buf_str(&b), "xy");
	ck_buf_release(&b);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_write_without)
{
	static const char *const type_meta[] = { "kind", "apiVersion", NULL };
	json_object *o = json_tokener_parse(
	    "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"kind\":\"x\"},"
	    "\"apiVersion\":\"v1\",\"data\":{\"apiVersion\":\"kept\"}}");
	struct ck_buf b;
	ck_buf_init(&b, 0);
	/* only the top level loses the members; the object is not changed */
	ck_assert_int_eq(ck_json_write_without(&b, o, type_meta), 0);
	ck_assert_str_eq(ck_buf_str(&b), "{\"metadata\":{\"name\":\"a\",\"kind\":\"x\"},"
					 "\"data\":{\"apiVersion\":\"kept\"}}");
	ck_assert_int_eq(json_object_object_length(o), 4);
	/* the same as deleting them and printing with json-c */
	json_object *copy = NULL;
	ck_assert_int_eq(json_object_deep_copy(o, &copy, NULL), 0);
	json_object_object_del(copy, "kind");
	json_object_object_del(copy, "apiVersion");
	ck_assert_str_eq(ck_buf_str(&b), json_object_to_json_string_ext(copy, FLAGS));
	/* nothing omitted, or everything */
	ck_buf_reset(&b);
	ck_assert_int_eq(ck_json_write_without(&b, o, NULL), 0);
	ck_assert_str_eq(ck_buf_str(&b), json_object_to_json_string_ext(o, FLAGS));
	static const char *const all[] = { "kind", "metadata", "apiVersion", "data", NULL };
	ck_buf_reset(&b);
	ck_assert_int_eq(ck_json_write_without(&b, o, all), 0);
	ck_assert_str_eq(ck_buf_str(&b), "{}");
	/* not an object: written whole */
	json_object *arr = json_tokener_parse("[{\"kind\":1}]");
	ck_buf_reset(&b);
	ck_assert_int_eq(ck_json_write_without(&b, arr, type_meta), 0);
	ck_assert_str_eq(ck_buf_str(&b), "[{\"kind\":1}]");
	ck_buf_release(&b);
	json_object_put(arr);
	json_object_put(copy);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_write_go)
{
	json_object *o = json_tokener_parse(
	    "{\"b\":[1,2.5,{}],\"a\":\"<&>\\u2028\",\"c\":{\"z\":null,\"y\":true},\"d\":[]}");
	struct ck_buf b = CK_BUF_INIT;
	ck_assert_int_eq(ck_json_write_go(&b, o, NULL), 0);
	ck_assert_str_eq(ck_buf_str(&b), "{\"a\":\"\\u003c\\u0026\\u003e\\u2028\",\"b\":[1,2.5,{}],"
					 "\"c\":{\"y\":true,\"z\":null},\"d\":[]}");
	ck_buf_reset(&b);
	ck_assert_int_eq(ck_json_write_go(&b, o, "    "), 0);
	ck_assert_str_eq(ck_buf_str(&b),
			 "{\n    \"a\": \"\\u003c\\u0026\\u003e\\u2028\",\n"
			 "    \"b\": [\n        1,\n        2.5,\n        {}\n    ],\n"
			 "    \"c\": {\n        \"y\": true,\n        \"z\": null\n"
			 "    },\n    \"d\": []\n}");
	ck_buf_release(&b);
	json_object_put(o);
}
END_TEST

Suite *ck_test_suite_json_write(void)
{
	Suite *s = suite_create("json_write");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_json_write_parsed);
	tcase_add_test(tc, test_json_write_built);
	tcase_add_test(tc, test_json_write_too_big);
	tcase_add_test(tc, test_json_write_go);
	tcase_add_test(tc, test_json_write_without);
	suite_add_tcase(s, tc);
	return s;
}
