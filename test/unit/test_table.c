#include <check.h>
#include <errno.h>
#include <json-c/json.h>

#include "apimachinery/object.h"
#include "apiserver/table.h"
#include "util/time.h"

START_TEST(test_table_configmaps)
{
	const struct ck_resource *cm = ck_registry_find("", "v1", "configmaps");
	ck_assert_ptr_nonnull(cm);
	json_object *obj = json_tokener_parse(
	    "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\","
	    "\"namespace\":\"default\",\"labels\":{\"x\":\"y\"},\"creationTimestamp\":"
	    "\"2026-11-26T17:00:00Z\"},\"data\":{\"k\":\"v\",\"l\":\"w\"},\"binaryData\":{\"b\":"
	    "\"AA==\"}}");
	int64_t created;
	ck_assert_int_eq(ck_time_parse("2026-11-26T17:00:00Z", &created), 0);
	int64_t now = created + INT64_C(190) * 1000000000;
	json_object *t = ck_table_build(cm, &obj, 1, CK_INCLUDE_METADATA, "v1", false, now);
	ck_assert_str_eq(ck_obj_path_str(t, "kind"), "Table");
	ck_assert_str_eq(ck_obj_path_str(t, "apiVersion"), "meta.k8s.io/v1");
	json_object *defs = ck_obj_path(t, "columnDefinitions");
	ck_assert_uint_eq(json_object_array_length(defs), 3);
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(defs, 0), "format"), "name");
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(defs, 1), "name"), "Data");
	json_object *row = json_object_array_get_idx(ck_obj_path(t, "rows"), 0);
	ck_assert_str_eq(
	    json_object_to_json_string_ext(ck_obj_path(row, "cells"), JSON_C_TO_STRING_PLAIN),
	    "[\"a\",3,\"3m10s\"]");
	ck_assert_str_eq(ck_obj_path_str(row, "object.kind"), "PartialObjectMetadata");
	ck_assert_str_eq(ck_obj_path_str(row, "object.metadata.labels.x"), "y");
	ck_assert_ptr_null(ck_obj_path(row, "object.data"));
	json_object_put(t);

	t = ck_table_build(cm, &obj, 1, CK_INCLUDE_NONE, "v1beta1", true, now);
	ck_assert_str_eq(ck_obj_path_str(t, "apiVersion"), "meta.k8s.io/v1beta1");
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(t, "columnDefinitions")), 0);
	row = json_object_array_get_idx(ck_obj_path(t, "rows"), 0);
	ck_assert_ptr_null(ck_obj_path(row, "object"));
	json_object_put(t);

	t = ck_table_build(cm, &obj, 1, CK_INCLUDE_OBJECT, "v1", false, now);
	row = json_object_array_get_idx(ck_obj_path(t, "rows"), 0);
	ck_assert_str_eq(ck_obj_path_str(row, "object.data.k"), "v");
	json_object_put(t);
	json_object_put(obj);

	enum ck_include_object inc;
	ck_assert_int_eq(ck_include_object_parse(NULL, &inc), 0);
	ck_assert_int_eq(inc, CK_INCLUDE_METADATA);
	ck_assert_int_eq(ck_include_object_parse("Object", &inc), 0);
	ck_assert_int_eq(inc, CK_INCLUDE_OBJECT);
	ck_assert_int_eq(ck_include_object_parse("bogus", &inc), -EINVAL);
}
END_TEST

START_TEST(test_table_default_columns_and_events)
{
	const struct ck_resource *ev = ck_registry_find("", "v1", "events");
	json_object *obj = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"p.1\",\"creationTimestamp\":\"2026-11-26T17:00:00Z\"},"
	    "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"Started\","
	    "\"message\":\"hi\",\"type\":\"Normal\",\"lastTimestamp\":\"2026-11-26T17:00:00Z\","
	    "\"count\":3,\"source\":{\"component\":\"kubelet\",\"host\":\"n1\"}}");
	int64_t t0;
	ck_time_parse("2026-11-26T17:00:00Z", &t0);
	json_object *t =
	    ck_table_build(ev, &obj, 1, CK_INCLUDE_NONE, "v1", false, t0 + INT64_C(5) * 1000000000);
	json_object *row = json_object_array_get_idx(ck_obj_path(t, "rows"), 0);
	ck_assert_str_eq(
	    json_object_to_json_string_ext(ck_obj_path(row, "cells"),
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "[\"5s\",\"Normal\",\"Started\",\"pod/p\",\"\",\"kubelet, n1\",\"hi\","
	    "\"<unknown>\",\"3\",\"p.1\"]");
	json_object_put(t);

	/* A kind without columns of its own gets Name and Created At. */
	const struct ck_resource *ev1 = ck_registry_find("events.k8s.io", "v1", "events");
	t = ck_table_build(ev1, &obj, 1, CK_INCLUDE_NONE, "v1", false, 0);
	json_object *defs = ck_obj_path(t, "columnDefinitions");
	ck_assert_uint_eq(json_object_array_length(defs), 2);
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(defs, 1), "name"), "Created At");
	row = json_object_array_get_idx(ck_obj_path(t, "rows"), 0);
	ck_assert_str_eq(
	    json_object_to_json_string_ext(ck_obj_path(row, "cells"), JSON_C_TO_STRING_PLAIN),
	    "[\"p.1\",\"2026-11-26T17:00:00Z\"]");
	json_object_put(t);
	json_object_put(obj);
}
END_TEST

Suite *ck_test_suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_table_configmaps);
	tcase_add_test(tc, test_table_default_columns_and_events);
	suite_add_tcase(s, tc);
	return s;
}
