#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/meta_validation.h"
#include "apimachinery/validation.h"

static char *errors_for(const char *json, bool namespaced)
{
	json_object *obj = json_tokener_parse(json);
	ck_assert_ptr_nonnull(obj);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_validate_object_meta(obj, namespaced, ck_name_is_dns_subdomain, &errs);
	char *agg = ck_field_errors_aggregate(&errs);
	ck_field_errors_release(&errs);
	json_object_put(obj);
	return agg;
}

START_TEST(test_meta_create)
{
	char *e = errors_for("{\"metadata\":{\"name\":\"ok\",\"namespace\":\"default\"}}", true);
	ck_assert_ptr_null(e);
	e = errors_for("{\"metadata\":{\"namespace\":\"default\"}}", true);
	ck_assert_str_eq(e, "metadata.name: Required value: name or generateName is required");
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\"}}", true);
	ck_assert_str_eq(e, "metadata.namespace: Required value");
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"}}", false);
	ck_assert_str_eq(e, "metadata.namespace: Forbidden: not allowed on this type");
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"default\"}}", true);
	ck_assert_ptr_nonnull(strstr(e, "metadata.name: Invalid value: \"Bad_Name\": a lowercase "
					"RFC 1123 subdomain"));
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\",\"labels\":{\"a b\":\"x\"}}}", false);
	ck_assert_ptr_nonnull(strstr(e, "metadata.labels: Invalid value: \"a b\": name part must "
					"consist of alphanumeric characters"));
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\",\"finalizers\":[\"orphan\","
		       "\"foregroundDeletion\"]}}",
		       false);
	ck_assert_ptr_nonnull(
	    strstr(e, "finalizer orphan and foregroundDeletion cannot be both set"));
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\",\"ownerReferences\":[{\"apiVersion\":\"v1\","
		       "\"kind\":\"A\",\"name\":\"x\",\"uid\":\"1\",\"controller\":true},"
		       "{\"apiVersion\":\"v1\",\"kind\":\"B\",\"name\":\"y\",\"uid\":\"2\","
		       "\"controller\":true}]}}",
		       false);
	ck_assert_ptr_nonnull(strstr(e, "Only one reference can have Controller set to true. "
					"Found \"true\" in references for A/x and B/y"));
	free(e);
	e = errors_for("{\"metadata\":{\"name\":\"a\",\"ownerReferences\":[{\"apiVersion\":\"\","
		       "\"kind\":\"A\",\"name\":\"x\"}]}}",
		       false);
	ck_assert_str_eq(
	    e, "[metadata.ownerReferences.apiVersion: Invalid value: \"\": version must "
	       "not be empty, metadata.ownerReferences.uid: Invalid value: \"\": must not "
	       "be empty]");
	free(e);
}
END_TEST

START_TEST(test_meta_update)
{
	json_object *old = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"a\",\"uid\":\"u1\",\"resourceVersion\":\"5\","
	    "\"generation\":3,\"deletionTimestamp\":\"2026-01-01T00:00:00Z\","
	    "\"finalizers\":[\"x/y\"]}}");
	json_object *obj = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"b\",\"uid\":\"u1\",\"generation\":2,"
	    "\"deletionTimestamp\":\"2026-01-01T00:00:00Z\",\"finalizers\":[\"x/y\",\"x/z\"]}}");
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_validate_object_meta_update(obj, old, &errs);
	char *agg = ck_field_errors_aggregate(&errs);
	ck_assert_str_eq(
	    agg, "[metadata.finalizers: Forbidden: no new finalizers can be added if the object "
		 "is being deleted, found new finalizers []string{\"x/z\"}, "
		 "metadata.resourceVersion: Invalid value: \"\": must be specified for an "
		 "update, metadata.generation: Invalid value: 2: must not be decremented, "
		 "metadata.name: Invalid value: \"b\": field is immutable]");
	free(agg);
	ck_field_errors_release(&errs);
	json_object_put(obj);
	json_object_put(old);
}
END_TEST

Suite *ck_test_suite_meta_validation(void)
{
	Suite *s = suite_create("meta_validation");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_meta_create);
	tcase_add_test(tc, test_meta_update);
	suite_add_tcase(s, tc);
	return s;
}
