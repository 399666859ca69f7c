/*
 * Continue tokens: upstream's Test_decodeContinue table (storage/
 * continue_test.go), tokens byte-identical to Go's encoding, and the path
 * traversal defence.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage.h"
#include "util/base64url.h"
#include "util/common.h"

/* upstream encodeContinueOrDie: json.Marshal of the token, RawURLEncoding */
static char *encode_token(const char *json)
{
	return ck_base64url_encode(json, strlen(json));
}

START_TEST(test_continue_decode_table)
{
	struct {
		const char *name;
		const char *json;
		const char *prefix;
		const char *want_key;
		int64_t want_rv;
		const char *want_err; /* NULL: success */
	} tests[] = {
		{ "valid", "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"key\"}", "/test/",
		  "/test/key", 1, NULL },
		{ "root path", "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"/\"}", "/test/",
		  "/test/", 1, NULL },
		{ "empty version", "{\"v\":\"\",\"rv\":1,\"start\":\"key\"}", "/test/", NULL, 0,
		  "continue key is not valid: server does not recognize this encoded version " },
		{ "invalid version", "{\"v\":\"v1\",\"rv\":1,\"start\":\"key\"}", "/test/", NULL, 0,
		  "continue key is not valid: server does not recognize this encoded version v1" },
		{ "invalid RV", "{\"v\":\"meta.k8s.io/v1\",\"rv\":0,\"start\":\"key\"}", "/test/",
		  NULL, 0,
		  "continue key is not valid: incorrect encoded start resourceVersion (version "
		  "meta.k8s.io/v1)" },
		{ "no start Key", "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"\"}", "/test/",
		  NULL, 0,
		  "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)" },
		{ "path traversal - parent",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"../key\"}", "/test/", NULL, 0,
		  "continue key is not valid: ../key" },
		{ "path traversal - local",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"./key\"}", "/test/", NULL, 0,
		  "continue key is not valid: ./key" },
		{ "path traversal - double parent",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"./../key\"}", "/test/", NULL, 0,
		  "continue key is not valid: ./../key" },
		{ "path traversal - after parent",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"key/../..\"}", "/test/", NULL, 0,
		  "continue key is not valid: key/../.." },
		/* beyond upstream's table: what Go's decoder does */
		{ "negative rv: the latest", "{\"v\":\"meta.k8s.io/v1\",\"rv\":-1,\"start\":\"a\"}",
		  "/p/", "/p/a", -1, NULL },
		{ "fields match case-insensitively",
		  "{\"V\":\"meta.k8s.io/v1\",\"RV\":7,\"Start\":\"a\",\"other\":[1]}", "/p/",
		  "/p/a", 7, NULL },
		{ "trailing slash is not clean",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"a/\"}", "/p/", NULL, 0,
		  "continue key is not valid: a/" },
		{ "double slash is not clean",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"a//b\"}", "/p/", NULL, 0,
		  "continue key is not valid: a//b" },
		{ "rv must be an integer", "{\"v\":\"meta.k8s.io/v1\",\"rv\":1.5,\"start\":\"a\"}",
		  "/p/", NULL, 0,
		  "continue key is not valid: json: cannot unmarshal double into Go struct field "
		  "continueToken.rv" },
		{ "not an object", "[1]", "/p/", NULL, 0,
		  "continue key is not valid: json: cannot unmarshal array into Go value of type "
		  "storage.continueToken" },
		{ "null is the zero token", "null", "/p/", NULL, 0,
		  "continue key is not valid: server does not recognize this encoded version " },
		{ "trailing garbage", "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"a\"}x", "/p/",
		  NULL, 0, NULL /* any error */ },
		{ "trailing whitespace is fine",
		  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"a\"} \n", "/p/", "/p/a", 1,
		  NULL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		char *token = encode_token(tests[i].json);
		char *key = NULL;
		size_t len = 0;
		int64_t rv = 0;
		struct ck_storage_error err = { 0 };
		int r = ck_storage_continue_decode(token, tests[i].prefix, &key, &len, &rv, &err);
		bool want_ok = tests[i].want_key != NULL;
		if (want_ok) {
			ck_assert_msg(r == 0, "%s: %s", tests[i].name, err.message);
			ck_assert_str_eq(key, tests[i].want_key);
			ck_assert_uint_eq(len, strlen(tests[i].want_key));
			ck_assert_int_eq(rv, tests[i].want_rv);
			free(key);
		} else {
			ck_assert_msg(r == CK_STORAGE_ERR_BAD_REQUEST, "%s: %d", tests[i].name, r);
			ck_assert_int_eq(err.code, CK_STORAGE_ERR_BAD_REQUEST);
			if (tests[i].want_err)
				ck_assert_str_eq(err.message, tests[i].want_err);
			else
				ck_assert_ptr_nonnull(
				    strstr(err.message, "continue key is not valid"));
		}
		free(token);
	}
}
END_TEST

START_TEST(test_continue_decode_bad_base64)
{
	struct ck_storage_error err = { 0 };
	char *key;
	size_t len;
	int64_t rv;
	ck_assert_int_eq(ck_storage_continue_decode("a=b", "/p/", &key, &len, &rv, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_str_eq(err.message, "continue key is not valid: illegal base64 data");
	ck_assert_int_eq(ck_storage_continue_decode("", "/p/", &key, &len, &rv, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
}
END_TEST

/* Tokens are what Go's json.Marshal + RawURLEncoding make. */
START_TEST(test_continue_encode_matches_go)
{
	char *token = NULL;
	/* the next key after "/registry/pods/ns/a": a NUL byte appended */
	ck_assert_int_eq(
	    ck_storage_continue_encode("/registry/pods/ns/a\0", 20, "/registry/pods/", 42, &token),
	    0);
	/* base64url of {"v":"meta.k8s.io/v1","rv":42,"start":"ns/a\u0000"} */
	char *want = encode_token("{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"ns/a\\u0000\"}");
	ck_assert_str_eq(token, want);
	free(want);
	/* it decodes back to the same key bytes */
	char *key;
	size_t len;
	int64_t rv;
	ck_assert_int_eq(
	    ck_storage_continue_decode(token, "/registry/pods/", &key, &len, &rv, NULL), 0);
	ck_assert_uint_eq(len, 20);
	ck_assert_int_eq(memcmp(key, "/registry/pods/ns/a\0", 20), 0);
	ck_assert_int_eq(rv, 42);
	free(key);
	free(token);

	/* Go escapes <, >, &, control characters, U+2028/9 and bad UTF-8 */
	ck_assert_int_eq(ck_storage_continue_encode("/p/<a>&\"\\\t\x01\xe2\x80\xa8\xff\xc3\xa9", 17,
						    "/p/", -1, &token),
			 0);
	want = encode_token("{\"v\":\"meta.k8s.io/v1\",\"rv\":-1,\"start\":\"\\u003ca\\u003e\\u0026"
			    "\\\"\\\\\\t\\u0001\\u2028\\ufffd\xc3\xa9\"}");
	ck_assert_str_eq(token, want);
	free(want);
	free(token);

	/* the key must start with the prefix */
	ck_assert_int_eq(ck_storage_continue_encode("/other/x", 8, "/p/", 1, &token), -EINVAL);
	ck_assert_int_eq(ck_storage_continue_encode("/p", 2, "/p/", 1, &token), -EINVAL);
}
END_TEST

Suite *ck_test_suite_storage_continue(void)
{
	Suite *s = suite_create("storage_continue");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_continue_decode_table);
	tcase_add_test(tc, test_continue_decode_bad_base64);
	tcase_add_test(tc, test_continue_encode_matches_go);
	suite_add_tcase(s, tc);
	return s;
}
