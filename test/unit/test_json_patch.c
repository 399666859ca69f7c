/*
 * JSON patch: evanphx/json-patch v4's patch_test.go tables (Cases,
 * MutationTestCases, BadCases, TestCases, TestAdd, EqualityCases) and the
 * examples of RFC 6902 appendix A, plus upstream's error texts.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/json_patch.h"

static json_object *parse(const char *s)
{
	enum json_tokener_error jerr;
	json_object *o = json_tokener_parse_verbose(s, &jerr);
	ck_assert_msg(jerr == json_tokener_success, "bad test JSON: %s", s);
	return o;
}

static const char *text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* Upstream's tests use a copy limit of 100 bytes. */
static const struct ck_json_patch_opts test_opts = { .max_copy_bytes = 100 };

/* Applies; on success checks the result (when want is not NULL). */
static int run(const char *doc, const char *patch, const char *want, char **ret_err)
{
	json_object *d = parse(doc), *p = parse(patch), *out = NULL;
	char *before = strdup(text(d));
	char *err = NULL;
	int r = ck_json_patch_apply(d, p, &test_opts, &out, &err);
	/* atomic: the input is never changed, whatever happened */
	ck_assert_str_eq(text(d), before);
	if (r == 0) {
		ck_assert_ptr_null(err);
		if (want) {
			json_object *w = parse(want);
			ck_assert_msg(json_object_equal(out, w), "patch %s on %s: want %s, got %s",
				      patch, doc, want, text(out));
			json_object_put(w);
		}
		json_object_put(out);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(err);
	}
	if (ret_err)
		*ret_err = err;
	else
		free(err);
	free(before);
	json_object_put(d);
	json_object_put(p);
	return r;
}

static void check_ok(const char *doc, const char *patch, const char *want)
{
	char *err = NULL;
	int r = run(doc, patch, want, &err);
	ck_assert_msg(r == 0, "patch %s on %s failed: %s", patch, doc, err ? err : "");
}

static void check_err(const char *doc, const char *patch, int code, const char *msg)
{
	char *err = NULL;
	int r = run(doc, patch, NULL, &err);
	ck_assert_msg(r == code, "patch %s on %s: want %d, got %d", patch, doc, code, r);
	if (msg)
		ck_assert_str_eq(err, msg);
	free(err);
}

#define A48 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* var Cases */
static const char *const cases[][3] = {
	{ "{ \"foo\": \"bar\"}", "[{ \"op\": \"add\", \"path\": \"/baz\", \"value\": \"qux\" }]",
	  "{ \"baz\": \"qux\", \"foo\": \"bar\" }" },
	{ "{ \"foo\": [ \"bar\", \"baz\" ] }",
	  "[{ \"op\": \"add\", \"path\": \"/foo/1\", \"value\": \"qux\" }]",
	  "{ \"foo\": [ \"bar\", \"qux\", \"baz\" ] }" },
	{ "{ \"foo\": [ \"bar\", \"baz\" ] }",
	  "[{ \"op\": \"add\", \"path\": \"/foo/-1\", \"value\": \"qux\" }]",
	  "{ \"foo\": [ \"bar\", \"baz\", \"qux\" ] }" },
	{ "{ \"baz\": \"qux\", \"foo\": \"bar\" }",
	  "[ { \"op\": \"remove\", \"path\": \"/baz\" } ]", "{ \"foo\": \"bar\" }" },
	{ "{ \"foo\": [ \"bar\", \"qux\", \"baz\" ] }",
	  "[ { \"op\": \"remove\", \"path\": \"/foo/1\" } ]", "{ \"foo\": [ \"bar\", \"baz\" ] }" },
	{ "{ \"baz\": \"qux\", \"foo\": \"bar\" }",
	  "[ { \"op\": \"replace\", \"path\": \"/baz\", \"value\": \"boo\" } ]",
	  "{ \"baz\": \"boo\", \"foo\": \"bar\" }" },
	{ "{ \"foo\": { \"bar\": \"baz\", \"waldo\": \"fred\" }, \"qux\": { \"corge\": \"grault\" "
	  "} }",
	  "[ { \"op\": \"move\", \"from\": \"/foo/waldo\", \"path\": \"/qux/thud\" } ]",
	  "{ \"foo\": { \"bar\": \"baz\" }, \"qux\": { \"corge\": \"grault\", \"thud\": \"fred\" } "
	  "}" },
	{ "{ \"foo\": [ \"all\", \"grass\", \"cows\", \"eat\" ] }",
	  "[ { \"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/3\" } ]",
	  "{ \"foo\": [ \"all\", \"cows\", \"eat\", \"grass\" ] }" },
	{ "{ \"foo\": [ \"all\", \"grass\", \"cows\", \"eat\" ] }",
	  "[ { \"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/2\" } ]",
	  "{ \"foo\": [ \"all\", \"cows\", \"grass\", \"eat\" ] }" },
	{ "{ \"foo\": \"bar\" }",
	  "[ { \"op\": \"add\", \"path\": \"/child\", \"value\": { \"grandchild\": { } } } ]",
	  "{ \"foo\": \"bar\", \"child\": { \"grandchild\": { } } }" },
	{ "{ \"foo\": [\"bar\"] }",
	  "[ { \"op\": \"add\", \"path\": \"/foo/-\", \"value\": [\"abc\", \"def\"] } ]",
	  "{ \"foo\": [\"bar\", [\"abc\", \"def\"]] }" },
	{ "{ \"foo\": \"bar\", \"qux\": { \"baz\": 1, \"bar\": null } }",
	  "[ { \"op\": \"remove\", \"path\": \"/qux/bar\" } ]",
	  "{ \"foo\": \"bar\", \"qux\": { \"baz\": 1 } }" },
	{ "{ \"foo\": \"bar\" }", "[ { \"op\": \"add\", \"path\": \"/baz\", \"value\": null } ]",
	  "{ \"baz\": null, \"foo\": \"bar\" }" },
	{ "{ \"foo\": [\"bar\"]}",
	  "[ { \"op\": \"replace\", \"path\": \"/foo/0\", \"value\": \"baz\"}]",
	  "{ \"foo\": [\"baz\"]}" },
	{ "{ \"foo\": [\"bar\",\"baz\"]}",
	  "[ { \"op\": \"replace\", \"path\": \"/foo/0\", \"value\": \"bum\"}]",
	  "{ \"foo\": [\"bum\",\"baz\"]}" },
	{ "{ \"foo\": [\"bar\",\"qux\",\"baz\"]}",
	  "[ { \"op\": \"replace\", \"path\": \"/foo/1\", \"value\": \"bum\"}]",
	  "{ \"foo\": [\"bar\", \"bum\",\"baz\"]}" },
	{ "[ {\"foo\": [\"bar\",\"qux\",\"baz\"]}]",
	  "[ { \"op\": \"replace\", \"path\": \"/0/foo/0\", \"value\": \"bum\"}]",
	  "[ {\"foo\": [\"bum\",\"qux\",\"baz\"]}]" },
	{ "[ {\"foo\": [\"bar\",\"qux\",\"baz\"], \"bar\": [\"qux\",\"baz\"]}]",
	  "[ { \"op\": \"copy\", \"from\": \"/0/foo/0\", \"path\": \"/0/bar/0\"}]",
	  "[ {\"foo\": [\"bar\",\"qux\",\"baz\"], \"bar\": [\"bar\", \"qux\", \"baz\"]}]" },
	{ "[ {\"foo\": [\"bar\",\"qux\",\"baz\"], \"bar\": [\"qux\",\"baz\"]}]",
	  "[ { \"op\": \"copy\", \"from\": \"/0/foo/0\", \"path\": \"/0/bar\"}]",
	  "[ {\"foo\": [\"bar\",\"qux\",\"baz\"], \"bar\": \"bar\"}]" },
	{ "[ { \"foo\": {\"bar\": [\"qux\",\"baz\"]}, \"baz\": {\"qux\": \"bum\"}}]",
	  "[ { \"op\": \"copy\", \"from\": \"/0/foo/bar\", \"path\": \"/0/baz/bar\"}]",
	  "[ { \"baz\": {\"bar\": [\"qux\",\"baz\"], \"qux\":\"bum\"}, \"foo\": {\"bar\": "
	  "[\"qux\",\"baz\"]}}]" },
	{ "{ \"foo\": [\"bar\"]}", "[{\"op\": \"copy\", \"path\": \"/foo/0\", \"from\": \"/foo\"}]",
	  "{ \"foo\": [[\"bar\"], \"bar\"]}" },
	{ "{ \"foo\": [\"bar\",\"qux\",\"baz\"]}",
	  "[ { \"op\": \"remove\", \"path\": \"/foo/-2\"}]", "{ \"foo\": [\"bar\", \"baz\"]}" },
	{ "{ \"foo\": []}", "[ { \"op\": \"add\", \"path\": \"/foo/-1\", \"value\": \"qux\"}]",
	  "{ \"foo\": [\"qux\"]}" },
	{ "{ \"bar\": [{\"baz\": null}]}",
	  "[ { \"op\": \"replace\", \"path\": \"/bar/0/baz\", \"value\": 1 } ]",
	  "{ \"bar\": [{\"baz\": 1}]}" },
	{ "{ \"bar\": [{\"baz\": 1}]}",
	  "[ { \"op\": \"replace\", \"path\": \"/bar/0/baz\", \"value\": null } ]",
	  "{ \"bar\": [{\"baz\": null}]}" },
	{ "{ \"bar\": [null]}", "[ { \"op\": \"replace\", \"path\": \"/bar/0\", \"value\": 1 } ]",
	  "{ \"bar\": [1]}" },
	{ "{ \"bar\": [1]}", "[ { \"op\": \"replace\", \"path\": \"/bar/0\", \"value\": null } ]",
	  "{ \"bar\": [null]}" },
	/* each copy adds 50 bytes (the quotes count): two fit the limit of 100 */
	{ "{ \"foo\": [\"A\", \"" A48 "\"] }",
	  "[ { \"op\": \"copy\", \"path\": \"/foo/-\", \"from\": \"/foo/1\" },"
	  "  { \"op\": \"copy\", \"path\": \"/foo/-\", \"from\": \"/foo/1\" }]",
	  "{ \"foo\": [\"A\", \"" A48 "\", \"" A48 "\", \"" A48 "\"] }" },
	/* the whole document replaced (path "") */
	{ "{ \"foo\": \"bar\"}",
	  "[{\"op\": \"replace\", \"path\": \"\", \"value\": {\"baz\": \"qux\"}}]",
	  "{\"baz\": \"qux\"}" },
	{ "{ \"foo\": \"bar\"}", "[{\"op\": \"replace\", \"path\": \"\", \"value\": [1, 2]}]",
	  "[1, 2]" },
	{ "{ \"foo\": \"bar\"}", "[{\"op\": \"replace\", \"path\": \"\", \"value\": \"x\"}]",
	  "{ \"foo\": \"bar\"}" },
};

START_TEST(test_json_patch_cases)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_ok(cases[i][0], cases[i][1], cases[i][2]);
}
END_TEST

START_TEST(test_json_patch_mutation_cases)
{
	/* var MutationTestCases: the result differs from the document */
	check_ok("{ \"foo\": \"bar\", \"qux\": { \"baz\": 1, \"bar\": null } }",
		 "[ { \"op\": \"remove\", \"path\": \"/qux/bar\" } ]",
		 "{ \"foo\": \"bar\", \"qux\": { \"baz\": 1 } }");
	check_ok("{ \"foo\": \"bar\", \"qux\": { \"baz\": 1, \"bar\": null } }",
		 "[ { \"op\": \"replace\", \"path\": \"/qux/baz\", \"value\": null } ]",
		 "{ \"foo\": \"bar\", \"qux\": { \"baz\": null, \"bar\": null } }");
}
END_TEST

/* var BadCases, with the messages upstream gives */
static const char *const bad_cases[][3] = {
	{ "{ \"foo\": \"bar\" }",
	  "[ { \"op\": \"add\", \"path\": \"/baz/bat\", \"value\": \"qux\" } ]",
	  "add operation does not apply: doc is missing path: \"/baz/bat\": missing value" },
	{ "{ \"a\": { \"b\": { \"d\": 1 } } }", "[ { \"op\": \"remove\", \"path\": \"/a/b/c\" } ]",
	  "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing "
	  "value" },
	{ "{ \"a\": { \"b\": { \"d\": 1 } } }",
	  "[ { \"op\": \"move\", \"from\": \"/a/b/c\", \"path\": \"/a/b/e\" } ]",
	  "error in move for path: 'c': Unable to remove nonexistent key: c: missing value" },
	{ "{ \"a\": { \"b\": [1] } }", "[ { \"op\": \"remove\", \"path\": \"/a/b/1\" } ]",
	  "error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index "
	  "referenced" },
	{ "{ \"a\": { \"b\": [1] } }",
	  "[ { \"op\": \"move\", \"from\": \"/a/b/1\", \"path\": \"/a/b/2\" } ]",
	  "error in move for path: '1': Unable to access invalid index: 1: invalid index "
	  "referenced" },
	{ "{ \"foo\": \"bar\" }",
	  "[ { \"op\": \"add\", \"pathz\": \"/baz\", \"value\": \"qux\" } ]",
	  "add operation failed to decode path: missing value" },
	{ "{ \"foo\": \"bar\" }", "[ { \"op\": \"add\", \"path\": \"\", \"value\": \"qux\" } ]",
	  "add operation does not apply: doc is missing path: \"\": missing value" },
	{ "{ \"foo\": [\"bar\",\"baz\"]}",
	  "[ { \"op\": \"replace\", \"path\": \"/foo/2\", \"value\": \"bum\"}]",
	  "replace operation does not apply: doc is missing key: /foo/2: missing value" },
	{ "{ \"foo\": [\"bar\",\"baz\"]}",
	  "[ { \"op\": \"add\", \"path\": \"/foo/-4\", \"value\": \"bum\"}]",
	  "error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index "
	  "referenced" },
	{ "{ \"name\":{ \"foo\": \"bat\", \"qux\": \"bum\"}}",
	  "[ { \"op\": \"replace\", \"path\": \"/foo/bar\", \"value\":\"baz\"}]",
	  "replace operation does not apply: doc is missing path: /foo/bar: missing value" },
	{ "{ \"foo\": [\"bar\"]}", "[ {\"op\": \"add\", \"path\": \"/foo/2\", \"value\": \"bum\"}]",
	  "error in add for path: '/foo/2': Unable to access invalid index: 2: invalid index "
	  "referenced" },
	{ "{ \"foo\": []}", "[ {\"op\": \"remove\", \"path\": \"/foo/-\"}]",
	  "error in remove for path: '/foo/-': strconv.Atoi: parsing \"-\": invalid syntax" },
	{ "{ \"foo\": []}", "[ {\"op\": \"remove\", \"path\": \"/foo/-1\"}]",
	  "error in remove for path: '/foo/-1': Unable to access invalid index: -1: invalid index "
	  "referenced" },
	{ "{ \"foo\": [\"bar\"]}", "[ {\"op\": \"remove\", \"path\": \"/foo/-2\"}]",
	  "error in remove for path: '/foo/-2': Unable to access invalid index: -2: invalid index "
	  "referenced" },
	{ "{}", "[ {\"op\":null,\"path\":\"\"} ]", "Unexpected kind: unknown" },
	{ "{}", "[ {\"op\":\"add\",\"path\":null} ]",
	  "add operation failed to decode path: missing value" },
	{ "{}", "[ { \"op\": \"copy\", \"from\": null }]",
	  "copy operation failed to decode from: operation, missing from field: missing value" },
	{ "{ \"foo\": [\"bar\"]}",
	  "[{\"op\": \"copy\", \"path\": \"/foo/6666666666\", \"from\": \"/\"}]",
	  "error while adding value during copy: Unable to access invalid index: 6666666666: "
	  "invalid "
	  "index referenced" },
	/* can't copy into an index greater than the size of the array */
	{ "{ \"foo\": [\"bar\"]}",
	  "[{\"op\": \"copy\", \"path\": \"/foo/2\", \"from\": \"/foo/0\"}]",
	  "error while adding value during copy: Unable to access invalid index: 2: invalid index "
	  "referenced" },
	/* the accumulated copy size cannot exceed the limit: 51 + 51 > 100 */
	{ "{ \"foo\": [\"A\", \"" A48 "A\"] }",
	  "[ { \"op\": \"copy\", \"path\": \"/foo/-\", \"from\": \"/foo/1\" },"
	  "  { \"op\": \"copy\", \"path\": \"/foo/-\", \"from\": \"/foo/1\" }]",
	  "Unable to complete the copy, the accumulated size increase of copy is 102, exceeding "
	  "the "
	  "limit 100" },
	/* can't move into an index greater than or equal to the size of the array */
	{ "{ \"foo\": [ \"all\", \"grass\", \"cows\", \"eat\" ] }",
	  "[ { \"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/4\" } ]",
	  "error in move for path: '/foo/4': Unable to access invalid index: 4: invalid index "
	  "referenced" },
	/* more of upstream's messages */
	{ "{}", "[ {\"op\":\"frobnicate\",\"path\":\"/a\"} ]", "Unexpected kind: frobnicate" },
	{ "{}", "[ null ]", "Unexpected kind: unknown" },
	{ "{}", "[ {\"op\":\"replace\",\"value\":1} ]",
	  "replace operation failed to decode path: operation missing path field: missing value" },
	{ "{}", "[ {\"op\":\"test\",\"path\":5,\"value\":1} ]",
	  "test operation failed to decode path: json: cannot unmarshal number into Go value of "
	  "type string" },
	{ "{\"a\":1}", "[ {\"op\":\"move\",\"from\":\"/a\"} ]",
	  "move operation failed to decode path: operation missing path field: missing value" },
	{ "{\"a\":[1]}", "[ {\"op\":\"add\",\"path\":\"/a/x\",\"value\":1} ]",
	  "error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: "
	  "parsing \"x\": invalid syntax" },
	{ "{\"a\":[1]}", "[ {\"op\":\"test\",\"path\":\"/a/99999999999999999999\",\"value\":1} ]",
	  "error in test for path: '/a/99999999999999999999': strconv.Atoi: parsing "
	  "\"99999999999999999999\": value out of range" },
	{ "{\"a\":1}", "[ {\"op\":\"copy\",\"from\":\"/b/c\",\"path\":\"/d\"} ]",
	  "copy operation does not apply: doc is missing from path: /b/c: missing value" },
	{ "{\"a\":1}", "[ {\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/d/e\"} ]",
	  "copy operation does not apply: doc is missing destination path: /d/e: missing value" },
	{ "{\"a\":1}", "[ {\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"} ]",
	  "move operation does not apply: doc is missing destination path: /a/b: missing value" },
	{ "{\"a\":\"s\"}", "[ {\"op\":\"test\",\"path\":\"/a/b\",\"value\":1} ]",
	  "test operation does not apply: is missing path: /a/b: missing value" },
};

START_TEST(test_json_patch_bad_cases)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		check_err(bad_cases[i][0], bad_cases[i][1], -EPROTO, bad_cases[i][2]);
}
END_TEST

START_TEST(test_json_patch_test_op)
{
	/* var TestCases: test operations, passing and failing with upstream's message */
	static const char *const tests[][3] = {
		{ "{ \"baz\": \"qux\", \"foo\": [ \"a\", 2, \"c\" ] }",
		  "[ { \"op\": \"test\", \"path\": \"/baz\", \"value\": \"qux\" },"
		  "  { \"op\": \"test\", \"path\": \"/foo/1\", \"value\": 2 } ]",
		  NULL },
		{ "{ \"baz\": \"qux\" }",
		  "[ { \"op\": \"test\", \"path\": \"/baz\", \"value\": \"bar\" } ]", "/baz" },
		{ "{ \"baz\": \"qux\", \"foo\": [\"a\", 2, \"c\"] }",
		  "[ { \"op\": \"test\", \"path\": \"/baz\", \"value\": \"qux\" },"
		  "  { \"op\": \"test\", \"path\": \"/foo/1\", \"value\": \"c\" } ]",
		  "/foo/1" },
		{ "{ \"baz\": \"qux\" }",
		  "[ { \"op\": \"test\", \"path\": \"/foo\", \"value\": 42 } ]", "/foo" },
		{ "{ \"baz\": \"qux\" }",
		  "[ { \"op\": \"test\", \"path\": \"/foo\", \"value\": null } ]", NULL },
		{ "{ \"foo\": null }",
		  "[ { \"op\": \"test\", \"path\": \"/foo\", \"value\": null } ]", NULL },
		{ "{ \"foo\": {} }",
		  "[ { \"op\": \"test\", \"path\": \"/foo\", \"value\": null } ]", "/foo" },
		{ "{ \"foo\": [] }",
		  "[ { \"op\": \"test\", \"path\": \"/foo\", \"value\": null } ]", "/foo" },
		{ "{ \"baz/foo\": \"qux\" }",
		  "[ { \"op\": \"test\", \"path\": \"/baz~1foo\", \"value\": \"qux\"} ]", NULL },
		{ "{ \"foo\": [] }", "[ { \"op\": \"test\", \"path\": \"/foo\"} ]", "/foo" },
		/* deep equality, and scalars by their text */
		{ "{ \"a\": {\"x\": [1, {\"y\": true}], \"z\": null} }",
		  "[ { \"op\": \"test\", \"path\": \"/a\", \"value\": {\"z\": null, \"x\": [1, "
		  "{\"y\": "
		  "true}]}} ]",
		  NULL },
		{ "{ \"a\": {\"x\": 1} }",
		  "[ { \"op\": \"test\", \"path\": \"/a\", \"value\": {\"x\": 1, \"y\": null}} ]",
		  "/a" },
		{ "{ \"a\": 1 }", "[ { \"op\": \"test\", \"path\": \"/a\", \"value\": 1.0} ]",
		  "/a" },
		{ "{ \"a\": [1, 2] }",
		  "[ { \"op\": \"test\", \"path\": \"/a\", \"value\": [2, 1]} ]", "/a" },
		{ "{ \"a\": 1 }", "[ { \"op\": \"test\", \"path\": \"\", \"value\": {\"a\": 1}} ]",
		  NULL },
		{ "{ \"a\": 1 }", "[ { \"op\": \"test\", \"path\": \"\", \"value\": {\"a\": 2}} ]",
		  "" },
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!tests[i][2]) {
			check_ok(tests[i][0], tests[i][1], tests[i][0]);
		} else {
			char msg[128];
			snprintf(msg, sizeof(msg), "testing value %s failed: test failed",
				 tests[i][2]);
			check_err(tests[i][0], tests[i][1], -EPROTO, msg);
		}
	}
}
END_TEST

START_TEST(test_json_patch_add_index)
{
	/* TestAdd: adding to an empty array by index */
	check_ok("[]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":1}]", "[1]");
	check_err("[]", "[{\"op\":\"add\",\"path\":\"/1\",\"value\":1}]", -EPROTO,
		  "error in add for path: '/1': Unable to access invalid index: 1: invalid index "
		  "referenced");
	check_ok("[]", "[{\"op\":\"add\",\"path\":\"/-1\",\"value\":1}]", "[1]");
	check_err("[]", "[{\"op\":\"add\",\"path\":\"/-2\",\"value\":1}]", -EPROTO,
		  "error in add for path: '/-2': Unable to access invalid index: -2: invalid index "
		  "referenced");
	/* strconv.Atoi accepts a sign and leading zeros */
	check_ok("[0,1,2]", "[{\"op\":\"replace\",\"path\":\"/01\",\"value\":9}]", "[0,9,2]");
	check_ok("[0,1,2]", "[{\"op\":\"remove\",\"path\":\"/+2\"}]", "[0,1]");
	check_ok("[0,1,2]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":9}]", "[9,0,1,2]");
	check_ok("[0,1,2]", "[{\"op\":\"add\",\"path\":\"/3\",\"value\":9}]", "[0,1,2,9]");
	check_ok("[0,1,2]", "[{\"op\":\"add\",\"path\":\"/-3\",\"value\":9}]", "[0,9,1,2]");
	check_ok("[0,1,2]", "[{\"op\":\"replace\",\"path\":\"/-1\",\"value\":9}]", "[0,1,9]");
	check_ok("{\"a\":[[0],[1]]}", "[{\"op\":\"add\",\"path\":\"/a/-1/0\",\"value\":9}]",
		 "{\"a\":[[0],[9,1]]}");
	check_ok("[0,1,2]", "[{\"op\":\"move\",\"from\":\"/0\",\"path\":\"/-\"}]", "[1,2,0]");
}
END_TEST

START_TEST(test_json_patch_rfc6902)
{
	/* RFC 6902 appendix A */
	check_ok("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
		 "{\"baz\":\"qux\",\"foo\":\"bar\"}"); /* A.1 */
	check_ok("{\"foo\":[\"bar\",\"baz\"]}",
		 "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
		 "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"); /* A.2 */
	check_ok("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
		 "{\"foo\":\"bar\"}"); /* A.3 */
	check_ok("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
		 "{\"foo\":[\"bar\",\"baz\"]}"); /* A.4 */
	check_ok("{\"baz\":\"qux\",\"foo\":\"bar\"}",
		 "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
		 "{\"baz\":\"boo\",\"foo\":\"bar\"}"); /* A.5 */
	check_ok(
	    "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
	    "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
	    "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"); /* A.6
											      */
	check_ok("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
		 "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
		 "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"); /* A.7 */
	check_ok("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
		 "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
		 "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
		 "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"); /* A.8 */
	check_err("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]",
		  -EPROTO, "testing value /baz failed: test failed"); /* A.9 */
	check_ok("{\"foo\":\"bar\"}",
		 "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
		 "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"); /* A.10 */
	check_ok("{\"foo\":\"bar\"}",
		 "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
		 "{\"foo\":\"bar\",\"baz\":\"qux\"}"); /* A.11 */
	check_err("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]",
		  -EPROTO, NULL); /* A.12 */
	/* A.13: duplicate "op": the last one wins, remove of a missing member */
	check_err("{\"foo\":\"bar\"}",
		  "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]",
		  -EPROTO, NULL);
	check_ok("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
		 "{\"/\":9,\"~1\":10}"); /* A.14 */
	check_err("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]",
		  -EPROTO, "testing value /~01 failed: test failed"); /* A.15 */
	check_ok("{\"foo\":[\"bar\"]}",
		 "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
		 "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"); /* A.16 */
	check_ok("{\"a/b\":{\"c~d\":1}}", "[{\"op\":\"remove\",\"path\":\"/a~1b/c~0d\"}]",
		 "{\"a/b\":{}}");
	check_ok("{}", "[{\"op\":\"add\",\"path\":\"/\",\"value\":1}]", "{\"\":1}");
}
END_TEST

START_TEST(test_json_patch_upstream_quirks)
{
	/* replace of a missing member adds it */
	check_ok("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":2}]",
		 "{\"a\":1,\"b\":2}");
	/* the text before the first '/' is ignored */
	check_ok("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"x/b\",\"value\":2}]",
		 "{\"a\":1,\"b\":2}");
	check_err("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"b\",\"value\":2}]", -EPROTO,
		  "add operation does not apply: doc is missing path: \"b\": missing value");
	/* add without a value adds null */
	check_ok("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", "{\"a\":1,\"b\":null}");
	/* copy of a missing member copies null */
	check_ok("{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/zz\",\"path\":\"/b\"}]",
		 "{\"a\":1,\"b\":null}");
	/* moving a null member keeps it null */
	check_ok("{\"a\":null}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b\"}]",
		 "{\"b\":null}");
	/* a null on the way does not lead anywhere */
	check_err("{\"a\":null}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", -EPROTO,
		  "add operation does not apply: doc is missing path: \"/a/b\": missing value");
	/* no operations: a copy of the document */
	check_ok("{\"a\":1}", "[]", "{\"a\":1}");
	check_ok("{\"a\":1}", "null", "{\"a\":1}");
}
END_TEST

START_TEST(test_json_patch_atomic)
{
	/* the first op applies, the second fails: nothing is returned, input intact */
	check_err(
	    "{\"a\":1,\"b\":[1,2]}",
	    "[{\"op\":\"remove\",\"path\":\"/a\"},{\"op\":\"add\",\"path\":\"/b/7\",\"value\":1}]",
	    -EPROTO, NULL);
	check_err(
	    "{\"a\":1}",
	    "[{\"op\":\"replace\",\"path\":\"\",\"value\":[]},{\"op\":\"test\",\"path\":\"/0\","
	    "\"value\":1}]",
	    -EPROTO,
	    "error in test for path: '/0': Unable to access invalid index: 0: invalid "
	    "index referenced");
}
END_TEST

START_TEST(test_json_patch_document_errors)
{
	check_err("{}", "{\"op\":\"add\"}", -EINVAL,
		  "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
	check_err("{}", "\"x\"", -EINVAL,
		  "json: cannot unmarshal string into Go value of type jsonpatch.Patch");
	check_err("{}", "[{\"op\":\"test\",\"path\":\"/a\"}, 1]", -EINVAL,
		  "json: cannot unmarshal number into Go value of type jsonpatch.Operation");
	check_err("7", "[]", -EINVAL,
		  "json: cannot unmarshal number into Go value of type jsonpatch.partialDoc");

	/* the number of operations is capped */
	json_object *d = parse("{}"), *out = NULL;
	json_object *p = parse("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1},"
			       "{\"op\":\"add\",\"path\":\"/b\",\"value\":1},"
			       "{\"op\":\"add\",\"path\":\"/c\",\"value\":1}]");
	struct ck_json_patch_opts opts = { .max_ops = 2 };
	char *err = NULL;
	ck_assert_int_eq(ck_json_patch_apply(d, p, &opts, &out, &err), -E2BIG);
	ck_assert_str_eq(err, "The allowed maximum operations in a JSON patch is 2, got 3");
	free(err);
	opts.max_ops = 3;
	ck_assert_int_eq(ck_json_patch_apply(d, p, &opts, &out, NULL), 0);
	json_object_put(out);
	/* the default copy limit is 3 MiB */
	ck_assert_int_eq(ck_json_patch_apply(d, p, NULL, &out, NULL), 0);
	json_object_put(out);
	json_object_put(d);
	json_object_put(p);
}
END_TEST

START_TEST(test_json_patch_copy_blowup)
{
	/* doubling a value with copy is stopped by the default 3 MiB limit */
	json_object *d = json_object_new_object();
	char big[1024];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object *a = json_object_new_array();
	json_object_array_add(a, json_object_new_string(big));
	json_object_object_add(d, "a", a);
	json_object *p = json_object_new_array();
	for (int i = 0; i < 40; i++) {
		json_object *op = json_object_new_object();
		json_object_object_add(op, "op", json_object_new_string("copy"));
		json_object_object_add(op, "from", json_object_new_string("/a"));
		json_object_object_add(op, "path", json_object_new_string("/a/-"));
		json_object_array_add(p, op);
	}
	json_object *out = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_json_patch_apply(d, p, NULL, &out, &err), -EPROTO);
	ck_assert_msg(strstr(err, "exceeding the limit 3145728") != NULL, "%s", err);
	free(err);
	json_object_put(d);
	json_object_put(p);
}
END_TEST

Suite *ck_test_suite_json_patch(void)
{
	Suite *s = suite_create("json_patch");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_json_patch_cases);
	tcase_add_test(tc, test_json_patch_mutation_cases);
	tcase_add_test(tc, test_json_patch_bad_cases);
	tcase_add_test(tc, test_json_patch_test_op);
	tcase_add_test(tc, test_json_patch_add_index);
	tcase_add_test(tc, test_json_patch_rfc6902);
	tcase_add_test(tc, test_json_patch_upstream_quirks);
	tcase_add_test(tc, test_json_patch_atomic);
	tcase_add_test(tc, test_json_patch_document_errors);
	tcase_add_test(tc, test_json_patch_copy_blowup);
	suite_add_tcase(s, tc);
	return s;
}
