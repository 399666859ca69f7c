/*
 * JSON merge patch: the cases of evanphx/json-patch's merge_test.go (v4, as
 * the API server uses it) and RFC 7386 appendix A.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/merge_patch.h"

/* Parses a JSON text that must be valid ("null" gives NULL). */
static json_object *parse(const char *s)
{
	enum json_tokener_error jerr;
	json_object *o = json_tokener_parse_verbose(s, &jerr);
	ck_assert_msg(jerr == json_tokener_success, "bad test JSON: %s", s);
	return o;
}

static void assert_json_eq(json_object *got, const char *want, const char *what)
{
	json_object *w = parse(want);
	ck_assert_msg(json_object_equal(got, w), "%s: want %s, got %s", what, want,
		      json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN));
	json_object_put(w);
}

/* Applies and checks the result, and that the inputs were left alone. */
static void check_apply(const char *doc, const char *patch, const char *want)
{
	json_object *d = parse(doc), *p = parse(patch), *out = NULL;
	char *d_before = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
	char *p_before = strdup(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
	char *err = NULL;
	int r = ck_merge_patch_apply(d, p, &out, &err);
	ck_assert_msg(r == 0, "apply %s to %s: %s", patch, doc, err ? err : "?");
	assert_json_eq(out, want, patch);
	ck_assert_str_eq(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN), d_before);
	ck_assert_str_eq(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN), p_before);
	free(d_before);
	free(p_before);
	json_object_put(out);
	json_object_put(d);
	json_object_put(p);
}

static void check_apply_fails(const char *doc, const char *patch, const char *msg)
{
	json_object *d = parse(doc), *p = parse(patch), *out = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_merge_patch_apply(d, p, &out, &err), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(err, msg);
	free(err);
	json_object_put(d);
	json_object_put(p);
}

static void check_create(const char *a, const char *b, const char *want)
{
	json_object *ja = parse(a), *jb = parse(b), *out = NULL;
	char *err = NULL;
	int r = ck_merge_patch_create(ja, jb, &out, &err);
	ck_assert_msg(r == 0, "create %s -> %s: %s", a, b, err ? err : "?");
	assert_json_eq(out, want, b);
	json_object_put(out);
	json_object_put(ja);
	json_object_put(jb);
}

/*
 * Upstream compares some CreateMergePatch results as text because its Equal
 * ignores nulls; json_object_equal does not, so the same check applies.
 */
#define check_create_exact check_create

START_TEST(test_merge_patch_basic)
{
	/* TestMergePatchReplaceKey, IgnoresOtherValues, RecursesIntoObjects */
	check_apply("{ \"title\": \"hello\" }", "{ \"title\": \"goodbye\" }",
		    "{ \"title\": \"goodbye\" }");
	check_apply("{ \"title\": \"hello\", \"age\": 18 }", "{ \"title\": \"goodbye\" }",
		    "{ \"title\": \"goodbye\", \"age\": 18 }");
	check_apply("{ \"person\": { \"title\": \"hello\", \"age\": 18 } }",
		    "{ \"person\": { \"title\": \"goodbye\" } }",
		    "{ \"person\": { \"title\": \"goodbye\", \"age\": 18 } }");
	/* TestMergePatchNilDoc */
	check_apply("{ \"title\": null }", "{ \"title\": {\"foo\": \"bar\"} }",
		    "{ \"title\": {\"foo\": \"bar\"} }");
	/* TestMergePatchReturnsEmptyArrayOnEmptyArray */
	check_apply("{ \"array\": [\"one\", \"two\"] }", "{ \"array\": [] }", "{ \"array\": [] }");
}
END_TEST

START_TEST(test_merge_patch_null_in_arrays)
{
	/* TestMergePatchNilArray: nulls inside arrays are values, not deletions */
	check_apply("{\"a\": [ {\"b\":\"c\"} ] }", "{\"a\": [1]}", "{\"a\": [1]}");
	check_apply("{\"a\": [ {\"b\":\"c\"} ] }", "{\"a\": [null, 1]}", "{\"a\": [null, 1]}");
	check_apply("[\"a\",null]", "[null]", "[null]");
	check_apply("[\"a\"]", "[null]", "[null]");
	check_apply("[\"a\", \"b\"]", "[\"a\", null]", "[\"a\", null]");
	check_apply("{\"a\":[\"b\"]}", "{\"a\": [\"b\", null]}", "{\"a\":[\"b\", null]}");
	check_apply("{\"a\":[]}", "{\"a\": [\"b\", null, null, \"a\"]}",
		    "{\"a\":[\"b\", null, null, \"a\"]}");
	/* null members of objects inside arrays are dropped */
	check_apply("{\"a\":\"foo\"}", "{\"b\": [3, null, {\"x\": null}]}",
		    "{\"a\":\"foo\", \"b\": [3, null, {}]}");
	check_apply("{\"a\":\"b\"}", "{\"a\": [ {\"z\":1, \"b\":null}]}", "{\"a\": [ {\"z\":1}]}");
	check_apply("[1,2]", "[1,null,3]", "[1,null,3]");
	/* an object replaced by a non-object value takes it as it is */
	check_apply("{\"a\":{\"x\":1}}", "{\"a\":[{\"k\":null}]}", "{\"a\":[{\"k\":null}]}");
}
END_TEST

START_TEST(test_merge_patch_wholesale)
{
	/* TestMergePatchReplacesNonObjectsWholesale */
	check_apply("[1]", "[2]", "[2]");
	check_apply("{ \"a\": 1 }", "[2]", "[2]");
	check_apply("[1]", "{ \"a\": 1 }", "{ \"a\": 1 }");
	check_apply("{ \"a\": 1, \"b\": 1 }", "{ \"a\": 2 }", "{ \"a\": 2, \"b\": 1 }");
	check_apply("\"str\"", "{ \"a\": 1, \"b\": null }", "{ \"a\": 1 }");
}
END_TEST

START_TEST(test_merge_patch_rfc7386)
{
	/* RFC 7386 appendix A */
	check_apply("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check_apply("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	check_apply("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	check_apply("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	check_apply("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check_apply("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	check_apply("{\"a\":{\"b\": \"c\"}}", "{\"a\": {\"b\": \"d\",\"c\": null}}",
		    "{\"a\":{\"b\":\"d\"}}");
	check_apply("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	check_apply("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
	check_apply("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
	check_apply("{\"e\":null}", "{\"a\":1}", "{\"a\":1,\"e\":null}");
	check_apply("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
	check_apply("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
	/* the two RFC cases json-patch v4 rejects (TestMergePatchFailRFCCases) */
	check_apply_fails("{\"a\":\"foo\"}", "null", "Invalid JSON Patch");
	check_apply_fails("{\"a\":\"foo\"}", "\"bar\"", "Invalid JSON Patch");
	check_apply_fails("{\"a\":\"foo\"}", "7", "Invalid JSON Patch");
	check_apply_fails("null", "{}", "Invalid JSON Document");
	check_apply_fails("1", "true", "Invalid JSON Patch");
}
END_TEST

START_TEST(test_merge_patch_create)
{
	/* TestCreateMergePatch* of merge_test.go */
	check_create("{ \"title\": \"hello\", \"nested\": {\"one\": 1, \"two\": 2} }",
		     "{ \"title\": \"goodbye\", \"nested\": {\"one\": 2, \"two\": 2}  }",
		     "{ \"title\": \"goodbye\", \"nested\": {\"one\": 2}  }");
	check_create(
	    "{ \"title\": \"hello\", \"array\": [\"one\", \"two\"], \"notmatch\": [1, 2, 3] }",
	    "{ \"title\": \"hello\", \"array\": [\"one\", \"two\", \"three\"], \"notmatch\": "
	    "[1, 2, 3]  }",
	    "{ \"array\": [\"one\", \"two\", \"three\"] }");
	check_create("{ \"title\": \"hello\", \"array\": [{\"banana\": true}, {\"evil\": false}], "
		     "\"notmatch\": [{\"one\":1}, {\"two\":2}, {\"three\":3}] }",
		     "{ \"title\": \"hello\", \"array\": [{\"banana\": false}, {\"evil\": true}], "
		     "\"notmatch\": [{\"one\":1}, {\"two\":2}, {\"three\":3}] }",
		     "{  \"array\": [{\"banana\": false}, {\"evil\": true}] }");
	check_create_exact("{ \"title\": \"hello\", \"nested\": {\"one\": 1, \"two\": 2} }",
			   "{ \"title\": \"hello\", \"nested\": {\"one\": 1}  }",
			   "{\"nested\":{\"two\":null}}");
	check_create_exact("{ \"array\": null }", "{ \"array\": [] }", "{\"array\":[]}");
	const char *nil_doc = "{ \"title\": \"hello\", \"nested\": {\"one\": 1, \"two\": "
			      "[{\"one\":null}, {\"two\":null}, {\"three\":null}]} }";
	check_create_exact(nil_doc, nil_doc, "{}");
	const char *obj_ary = "{ \"array\": [ {\"a\": {\"b\": 2}}, {\"a\": {\"b\": 3}} ]}";
	check_create_exact(obj_ary, obj_ary, "{}");
	check_create("[{\"foo\": \"bar\"}]", "[{\"foo\": \"bar\"}]", "[{}]");
	check_create("[{\"name\": \"John\"}, {\"name\": \"Will\"}]",
		     "[{\"name\": \"Jane\"}, {\"name\": \"Will\"}]", "[{\"name\": \"Jane\"}, {}]");
	check_create_exact("{ \"title\": \"hello\", \"nested\": {\"one\": 1, \"two\": 2} }",
			   "{ \"title\": \"hello\", \"nested\": {\"one\": 1, \"two\": 2} }", "{}");
	const char *complex =
	    "{\"hello\": \"world\",\"t\": true ,\"f\": false, \"n\": null,\"i\": 123,\"pi\": "
	    "3.1416,\"a\": [1, 2, 3, 4], \"nested\": {\"hello\": \"world\",\"t\": true ,\"f\": "
	    "false, \"n\": null,\"i\": 123,\"pi\": 3.1416,\"a\": [1, 2, 3, 4]} }";
	check_create_exact(complex, complex, "{}");
	check_create("{}", complex, complex);
	check_create_exact(complex, "{}",
			   "{\"a\":null,\"f\":null,\"hello\":null,\"i\":null,\"n\":null,\"nested\":"
			   "null,\"pi\":null,\"t\":null}");
	/* numbers compare as float64 */
	check_create_exact("{\"a\":1}", "{\"a\":1.0}", "{}");
	check_create_exact("{\"a\":1}", "{\"a\":\"1\"}", "{\"a\":\"1\"}");
	check_create_exact("null", "{\"a\":1}", "{\"a\":1}");
}
END_TEST

START_TEST(test_merge_patch_create_errors)
{
	const char *cases[][3] = {
		/* TestCreateMergePatchMismatchedOuterArray */
		{ "[{\"name\": \"John\"}, {\"name\": \"Will\"}]", "[{\"name\": \"Jane\"}]",
		  "Invalid JSON Document" },
		/* TestCreateMergePatchMismatchedOuterTypes */
		{ "[{\"name\": \"John\"}]", "{\"name\": \"Jane\"}", "Mismatched JSON Documents" },
		{ "{}", "\"x\"", "Invalid JSON Document" },
		{ "[1]", "[{}]", "Invalid JSON Document" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *a = parse(cases[i][0]), *b = parse(cases[i][1]), *out = NULL;
		char *err = NULL;
		ck_assert_int_eq(ck_merge_patch_create(a, b, &out, &err), -EINVAL);
		ck_assert_ptr_null(out);
		ck_assert_str_eq(err, cases[i][2]);
		free(err);
		json_object_put(a);
		json_object_put(b);
	}
}
END_TEST

Suite *ck_test_suite_merge_patch(void)
{
	Suite *s = suite_create("merge_patch");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_merge_patch_basic);
	tcase_add_test(tc, test_merge_patch_null_in_arrays);
	tcase_add_test(tc, test_merge_patch_wholesale);
	tcase_add_test(tc, test_merge_patch_rfc7386);
	tcase_add_test(tc, test_merge_patch_create);
	tcase_add_test(tc, test_merge_patch_create_errors);
	suite_add_tcase(s, tc);
	return s;
}
