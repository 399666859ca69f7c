/*
 * pkg/storage/storage.c: keys (upstream's prepareKey cases), path prefixes
 * (path.Join("/", prefix)), preconditions (storage.Preconditions.Check),
 * resourceVersion parsing (APIObjectVersioner) and error texts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage.h"
#include "util/common.h"

START_TEST(test_storage_prepare_key)
{
	struct {
		const char *key;
		bool recursive;
		const char *want; /* NULL: rejected */
	} tests[] = {
		{ "/pods/ns/a", false, "/registry/pods/ns/a" },
		{ "pods/ns/a", false, "/registry/pods/ns/a" },
		{ "/pods/ns", true, "/registry/pods/ns/" },
		{ "/pods/ns/", true, "/registry/pods/ns/" },
		{ "/pods/ns/", false, "/registry/pods/ns/" },
		{ "/pods/a..b", false, "/registry/pods/a..b" },
		{ "/pods/.a", false, "/registry/pods/.a" },
		{ "..", false, NULL },
		{ "../a", false, NULL },
		{ "/a/..", false, NULL },
		{ "/a/../b", false, NULL },
		{ ".", false, NULL },
		{ "./a", false, NULL },
		{ "/a/.", false, NULL },
		{ "/a/./b", false, NULL },
		{ "", false, NULL },
		{ "/", true, NULL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		char *out = NULL;
		struct ck_storage_error err = { 0 };
		int r = ck_storage_prepare_key("/registry/", tests[i].key, tests[i].recursive, &out,
					       &err);
		if (tests[i].want) {
			ck_assert_msg(r == 0, "%s: %s", tests[i].key, err.message);
			ck_assert_str_eq(out, tests[i].want);
			free(out);
		} else {
			ck_assert_msg(r == CK_STORAGE_ERR_BAD_REQUEST, "%s accepted", tests[i].key);
			ck_assert_ptr_nonnull(strstr(err.message, "key: \""));
		}
	}
}
END_TEST

START_TEST(test_storage_path_prefix)
{
	struct {
		const char *in, *want;
	} tests[] = {
		{ NULL, "/" },
		{ "", "/" },
		{ "/registry", "/registry/" },
		{ "registry", "/registry/" },
		{ "/registry/", "/registry/" },
		{ "//a//b/", "/a/b/" },
		{ "/a/../b", "/b/" },
		{ "/..", "/" },
		{ "a/./b/.", "/a/b/" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		char *p = ck_storage_path_prefix(tests[i].in);
		ck_assert_str_eq(p, tests[i].want);
		free(p);
	}
}
END_TEST

START_TEST(test_storage_preconditions)
{
	struct ck_storage_error err = { 0 };
	json_object *obj = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"a\",\"uid\":\"A\",\"resourceVersion\":\"5\"}}");
	struct ck_storage_preconditions none = { NULL, NULL }, uid_ok = { "A", NULL },
					uid_bad = { "B", NULL }, rv_ok = { NULL, "5" },
					rv_bad = { "A", "6" };
	ck_assert_int_eq(ck_storage_preconditions_check(NULL, "/k", obj, &err), 0);
	ck_assert_int_eq(ck_storage_preconditions_check(&none, "/k", obj, &err), 0);
	ck_assert_int_eq(ck_storage_preconditions_check(&uid_ok, "/k", obj, &err), 0);
	ck_assert_int_eq(ck_storage_preconditions_check(&rv_ok, "/k", obj, &err), 0);
	ck_assert_int_eq(ck_storage_preconditions_check(&uid_bad, "/k", obj, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	ck_assert_str_eq(err.message,
			 "StorageError: invalid object, Code: 4, Key: /k, "
			 "ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: "
			 "UID in precondition: B, UID in object meta: A");
	ck_assert_int_eq(ck_storage_preconditions_check(&rv_bad, "/k", obj, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	ck_assert_str_eq(err.message,
			 "StorageError: invalid object, Code: 4, Key: /k, "
			 "ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: "
			 "ResourceVersion in precondition: 6, ResourceVersion in object "
			 "meta: 5");
	/* an absent object (ignore-not-found updates) has an empty uid */
	ck_assert_int_eq(ck_storage_preconditions_check(&uid_ok, "/k", NULL, &err),
			 CK_STORAGE_ERR_INVALID_OBJ);
	ck_assert_ptr_nonnull(strstr(err.message, "UID in object meta: "));
	json_object_put(obj);
}
END_TEST

START_TEST(test_storage_resource_versions)
{
	struct ck_storage_error err = { 0 };
	uint64_t v = 99;
	ck_assert_int_eq(ck_storage_parse_resource_version("", &v, &err), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(ck_storage_parse_resource_version(NULL, &v, &err), 0);
	ck_assert_int_eq(ck_storage_parse_resource_version("0", &v, &err), 0);
	ck_assert_int_eq(ck_storage_parse_resource_version("18446744073709551615", &v, &err), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(ck_storage_parse_resource_version("abc", &v, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_str_eq(err.message,
			 "invalid resource version: resourceVersion: Invalid value: "
			 "\"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
	ck_assert_int_eq(ck_storage_parse_resource_version("-1", &v, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_int_eq(ck_storage_parse_resource_version("18446744073709551616", &v, &err),
			 CK_STORAGE_ERR_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(err.message, "value out of range"));

	json_object *obj = json_tokener_parse("{\"kind\":\"Pod\"}");
	ck_assert_int_eq(ck_storage_object_resource_version(obj, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(ck_storage_object_set_resource_version(obj, 42), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN),
			 "{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"42\"}}");
	ck_assert_int_eq(ck_storage_object_resource_version(obj, &v), 0);
	ck_assert_uint_eq(v, 42);
	json_object_put(obj);
	obj = json_tokener_parse("{\"metadata\":[]}");
	ck_assert_int_eq(ck_storage_object_set_resource_version(obj, 1), -EINVAL);
	json_object_put(obj);
	obj = json_tokener_parse("{\"metadata\":{\"resourceVersion\":\"x\"}}");
	ck_assert_int_eq(ck_storage_object_resource_version(obj, &v), -EINVAL);
	json_object_put(obj);
}
END_TEST

START_TEST(test_storage_error_texts)
{
	struct ck_storage_error err = { 0 };
	ck_assert_int_eq(
	    ck_storage_error_storage(&err, CK_STORAGE_CODE_KEY_NOT_FOUND, "/r/a", 0, ""),
	    CK_STORAGE_ERR_NOT_FOUND);
	ck_assert_str_eq(err.message, "StorageError: key not found, Code: 1, Key: /r/a, "
				      "ResourceVersion: 0, AdditionalErrorMsg: ");
	ck_assert_int_eq(ck_storage_error_storage(&err, CK_STORAGE_CODE_KEY_EXISTS, "/r/a", 3, "x"),
			 CK_STORAGE_ERR_EXISTS);
	ck_assert_str_eq(err.message, "StorageError: key exists, Code: 2, Key: /r/a, "
				      "ResourceVersion: 3, AdditionalErrorMsg: x");
	ck_assert_int_eq(ck_storage_error_storage(&err, CK_STORAGE_CODE_UNREACHABLE, "/r/a", 0, ""),
			 CK_STORAGE_ERR_UNREACHABLE);
	ck_assert_int_eq(ck_storage_error_storage(&err, CK_STORAGE_CODE_TIMEOUT, "/r/a", 0, ""),
			 CK_STORAGE_ERR_TIMEOUT);
	ck_assert_int_eq(err.code, CK_STORAGE_ERR_TIMEOUT);
	err.continue_token = strdup("t");
	ck_storage_error_release(&err);
	ck_assert_ptr_null(err.continue_token);
	ck_storage_error_release(NULL);
	/* NULL err is fine everywhere */
	ck_assert_int_eq(ck_storage_error_set(NULL, -EIO, "x"), -EIO);
}
END_TEST

Suite *ck_test_suite_storage(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_storage_prepare_key);
	tcase_add_test(tc, test_storage_path_prefix);
	tcase_add_test(tc, test_storage_preconditions);
	tcase_add_test(tc, test_storage_resource_versions);
	tcase_add_test(tc, test_storage_error_texts);
	suite_add_tcase(s, tc);
	return s;
}
