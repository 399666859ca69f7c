/*
 * Field sets in FieldsV1 form and the managedFields list: the set algebra
 * of structured-merge-diff's fieldpath tests (union, difference,
 * intersection with members that also have children), its path printing,
 * and the fieldmanager's encoding rules (sorting, empty entries dropped,
 * manager identity, conflict wording, default manager names).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/managed_fields.h"

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);
	ck_assert_msg(o != NULL, "bad test JSON: %s", s);
	return o;
}

/* Exact text: sets come out sorted, as upstream writes them. */
static void expect_text(json_object *got, const char *want)
{
	const char *t = json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	ck_assert_msg(strcmp(t, want) == 0, "got %s, want %s", t, want);
}

START_TEST(test_fieldset_validate)
{
	static const char *const good[] = {
		"{}",
		"{\"f:a\":{}}",
		"{\"f:a\":{\".\":{},\"f:b\":{}}}",
		"{\"f:c\":{\"k:{\\\"name\\\":\\\"x\\\"}\":{\".\":{},\"f:image\":{}}}}",
		"{\"f:s\":{\"v:\\\"a\\\"\":{},\"v:3\":{},\"i:0\":{}}}",
		"{\"f:\":{}}",
	};
	static const char *const bad[] = {
		"[]",
		"{\".\":{}}",			  /* the root is never a member */
		"{\"f:a\":{\".\":{\"f:b\":{}}}}", /* "." holds nothing */
		"{\"f:a\":1}",
		"{\"x:a\":{}}",
		"{\"a\":{}}",
		"{\"k:[1]\":{}}",
		"{\"k:{}\":{}}",
		"{\"v:{\":{}}",
		"{\"i:x\":{}}",
		"{\"i:\":{}}",
		"{\"v:1 2\":{}}",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_object *s = NULL;
		char *err = NULL;
		ck_assert_msg(ck_fieldset_decode(good[i], strlen(good[i]), &s, &err) == 0, "%s: %s",
			      good[i], err ? err : "");
		json_object_put(s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *s = NULL;
		char *err = NULL;
		ck_assert_msg(ck_fieldset_decode(bad[i], strlen(bad[i]), &s, &err) == -EINVAL,
			      "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(err);
		free(err);
	}
}
END_TEST

START_TEST(test_fieldset_algebra)
{
	/* a: .a (leaf), .b.c, .d (member with a child .d.e) */
	json_object *a = parse("{\"f:a\":{},\"f:b\":{\"f:c\":{}},\"f:d\":{\".\":{},\"f:e\":{}}}");
	json_object *b = parse("{\"f:b\":{\".\":{},\"f:x\":{}},\"f:d\":{\"f:e\":{}}}");

	json_object *u = ck_fieldset_union(a, b);
	expect_text(u, "{\"f:a\":{},\"f:b\":{\".\":{},\"f:c\":{},\"f:x\":{}},"
		       "\"f:d\":{\".\":{},\"f:e\":{}}}");
	/* a − b keeps .d itself (a member only in a) but not .d.e */
	json_object *d = ck_fieldset_difference(a, b);
	expect_text(d, "{\"f:a\":{},\"f:b\":{\"f:c\":{}},\"f:d\":{}}");
	/* b − a: .b itself and .b.x */
	json_object *d2 = ck_fieldset_difference(b, a);
	expect_text(d2, "{\"f:b\":{\".\":{},\"f:x\":{}}}");
	json_object *i = ck_fieldset_intersection(a, b);
	expect_text(i, "{\"f:d\":{\"f:e\":{}}}");
	/* with itself */
	json_object *self = ck_fieldset_difference(a, a);
	ck_assert(ck_fieldset_empty(self));
	expect_text(self, "{}");
	json_object *none = ck_fieldset_difference(a, NULL);
	ck_assert(json_object_equal(none, a));
	ck_assert(!ck_fieldset_empty(a));
	ck_assert(ck_fieldset_empty(NULL));

	json_object_put(a);
	json_object_put(b);
	json_object_put(u);
	json_object_put(d);
	json_object_put(d2);
	json_object_put(i);
	json_object_put(self);
	json_object_put(none);
}
END_TEST

START_TEST(test_fieldset_sorted)
{
	/* "." first, then fields, keys, values, indexes; indexes by number */
	json_object *s = parse("{\"i:10\":{},\"v:1\":{},\"i:9\":{},\"k:{\\\"a\\\":1}\":{},"
			       "\"f:z\":{\"f:b\":{},\".\":{},\"f:a\":{}},\"f:a\":{}}");
	json_object *o = ck_fieldset_sorted(s);
	expect_text(o, "{\"f:a\":{},\"f:z\":{\".\":{},\"f:a\":{},\"f:b\":{}},"
		       "\"k:{\\\"a\\\":1}\":{},\"v:1\":{},\"i:9\":{},\"i:10\":{}}");
	/* sorted in place: the same order */
	json_object *in_place = ck_fieldset_sort(s);
	ck_assert(json_object_equal(in_place, o));
	ck_assert_str_eq(json_object_to_json_string(in_place), json_object_to_json_string(o));
	json_object_put(in_place);
	json_object_put(o);

	/* a root in order keeps its node; only the child out of order is rebuilt */
	s = parse("{\"f:a\":{\"f:y\":{},\"f:x\":{}},\"f:b\":{\".\":{},\"f:c\":{}}}");
	json_object *b = NULL;
	json_object_object_get_ex(s, "f:b", &b);
	o = ck_fieldset_sort(s);
	ck_assert_ptr_eq(o, s);
	json_object *b2 = NULL;
	json_object_object_get_ex(o, "f:b", &b2);
	ck_assert_ptr_eq(b2, b);
	expect_text(o, "{\"f:a\":{\"f:x\":{},\"f:y\":{}},\"f:b\":{\".\":{},\"f:c\":{}}}");
	json_object_put(o);
	o = ck_fieldset_sort(NULL);
	expect_text(o, "{}");
	json_object_put(o);
}
END_TEST

START_TEST(test_managed_fields_encode_sorts)
{
	/* an entry's set built out of order is written sorted */
	struct ck_managed_fields mf = { 0 };
	struct ck_managed_entry *e = ck_managed_fields_add(&mf, "m", "Update", NULL, "v1");
	const char *const p1[] = { "f:spec", "f:z" }, *const p2[] = { "f:metadata" },
			  *const p3[] = { "f:spec", "f:a" };
	ck_fieldset_insert(e->fields, p1, 2);
	ck_fieldset_insert(e->fields, p2, 1);
	ck_fieldset_insert(e->fields, p3, 2);
	json_object *out = ck_managed_fields_encode(&mf);
	json_object *f = NULL;
	json_object_object_get_ex(json_object_array_get_idx(out, 0), "fieldsV1", &f);
	expect_text(f, "{\"f:metadata\":{},\"f:spec\":{\"f:a\":{},\"f:z\":{}}}");
	json_object_put(out);
	ck_managed_fields_release(&mf);
}
END_TEST

static int count_member(const char *const *path, size_t n, void *arg)
{
	(void)path;
	(void)n;
	(*(int *)arg)++;
	return 0;
}

START_TEST(test_fieldset_insert_each)
{
	json_object *s = json_object_new_object();
	const char *p1[] = { "f:spec", "f:replicas" };
	const char *p2[] = { "f:spec" };
	const char *p3[] = { "f:spec", "f:template", "f:x" };
	ck_fieldset_insert(s, p1, 2);
	expect_text(s, "{\"f:spec\":{\"f:replicas\":{}}}");
	ck_fieldset_insert(s, p2, 1); /* .spec itself becomes a member */
	expect_text(s, "{\"f:spec\":{\"f:replicas\":{},\".\":{}}}");
	ck_fieldset_insert(s, p3, 3);
	int n = 0;
	ck_fieldset_each(s, count_member, &n);
	ck_assert_int_eq(n, 3); /* .spec, .spec.replicas, .spec.template.x */
	ck_assert_ptr_nonnull(ck_fieldset_node(s, p3, 2));
	ck_assert_ptr_null(ck_fieldset_node(s, (const char *[]){ "f:nope" }, 1));
	/* a leaf that gains a child stays a member */
	const char *p4[] = { "f:spec", "f:replicas", "f:deeper" };
	ck_fieldset_insert(s, p4, 3);
	n = 0;
	ck_fieldset_each(s, count_member, &n);
	ck_assert_int_eq(n, 4);
	json_object_put(s);
}
END_TEST

START_TEST(test_fieldset_path_string)
{
	const char *p1[] = { "f:spec",	     "f:template",	     "f:spec",
			     "f:containers", "k:{\"name\":\"web\"}", "f:image" };
	char *s = ck_fieldset_path_string(p1, 6);
	ck_assert_str_eq(s, ".spec.template.spec.containers[name=\"web\"].image");
	free(s);
	const char *p2[] = { "f:ports", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}" };
	s = ck_fieldset_path_string(p2, 2);
	ck_assert_str_eq(s, ".ports[containerPort=80,protocol=\"TCP\"]");
	free(s);
	const char *p3[] = { "f:finalizers", "v:\"a/b\"" };
	s = ck_fieldset_path_string(p3, 2);
	ck_assert_str_eq(s, ".finalizers[=\"a/b\"]");
	free(s);
	const char *p4[] = { "f:args", "i:3" };
	s = ck_fieldset_path_string(p4, 2);
	ck_assert_str_eq(s, ".args[3]");
	free(s);
	const char *p5[] = { "f:metadata", "f:labels", "f:app.kubernetes.io/name" };
	s = ck_fieldset_path_string(p5, 3);
	ck_assert_str_eq(s, ".metadata.labels.app.kubernetes.io/name");
	free(s);
}
END_TEST

START_TEST(test_managed_fields_decode_encode)
{
	json_object *list =
	    parse("[{\"manager\":\"b\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
		  "\"time\":\"2024-01-02T00:00:00Z\",\"fieldsType\":\"FieldsV1\","
		  "\"fieldsV1\":{\"f:data\":{\"f:x\":{}}}},"
		  "{},"
		  "{\"manager\":\"a\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
		  "\"time\":\"2024-01-03T00:00:00Z\",\"fieldsType\":\"FieldsV1\","
		  "\"fieldsV1\":{\"f:data\":{\"f:y\":{}}}},"
		  "{\"manager\":\"z\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
		  "\"time\":\"2024-01-09T00:00:00Z\",\"fieldsType\":\"FieldsV1\","
		  "\"fieldsV1\":{\"f:data\":{\"f:z\":{}}}},"
		  "{\"manager\":\"s\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
		  "\"time\":\"2024-01-01T00:00:00Z\",\"fieldsType\":\"FieldsV1\","
		  "\"fieldsV1\":{\"f:status\":{\"f:phase\":{}}},\"subresource\":\"status\"},"
		  "{\"manager\":\"gone\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
		  "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}}]");
	struct ck_managed_fields mf;
	ck_assert_int_eq(ck_managed_fields_decode(list, &mf, NULL), 0);
	ck_assert_uint_eq(mf.n, 5); /* the empty entry is skipped */
	ck_assert_ptr_nonnull(ck_managed_fields_find(&mf, "s", "Update", "status", "v1"));
	ck_assert_ptr_null(ck_managed_fields_find(&mf, "s", "Update", NULL, "v1"));
	/* Update entries are told apart by apiVersion too; Apply entries are not */
	ck_assert_ptr_null(ck_managed_fields_find(&mf, "a", "Update", NULL, "v2"));
	ck_assert_ptr_nonnull(ck_managed_fields_find(&mf, "z", "Apply", NULL, "v2"));
	json_object *out = ck_managed_fields_encode(&mf);
	/* Apply first, then by time; "gone" (empty set) dropped */
	ck_assert_uint_eq(json_object_array_length(out), 4);
	const char *order[] = { "z", "s", "b", "a" };
	for (size_t i = 0; i < 4; i++) {
		json_object *m = NULL;
		json_object_object_get_ex(json_object_array_get_idx(out, i), "manager", &m);
		ck_assert_str_eq(json_object_get_string(m), order[i]);
	}
	json_object *sub = NULL;
	ck_assert(
	    json_object_object_get_ex(json_object_array_get_idx(out, 1), "subresource", &sub));
	ck_assert(
	    !json_object_object_get_ex(json_object_array_get_idx(out, 0), "subresource", NULL));

	char who[256];
	ck_managed_entry_describe(ck_managed_fields_find(&mf, "s", "Update", "status", "v1"), who,
				  sizeof(who));
	ck_assert_str_eq(who, "\"s\" with subresource \"status\" using v1");
	ck_managed_entry_describe(ck_managed_fields_find(&mf, "z", "Apply", NULL, NULL), who,
				  sizeof(who));
	ck_assert_str_eq(who, "\"z\"");

	struct ck_managed_entry *e = ck_managed_fields_add(&mf, "new", "Apply", NULL, "v1");
	ck_assert(ck_fieldset_empty(e->fields));
	ck_managed_fields_release(&mf);
	ck_managed_fields_release(&mf); /* released twice is harmless */
	json_object_put(out);
	json_object_put(list);

	/* nothing left: no list */
	struct ck_managed_fields empty = { 0 };
	ck_assert_ptr_null(ck_managed_fields_encode(&empty));
}
END_TEST

START_TEST(test_managed_fields_decode_errors)
{
	static const char *const bad[] = {
		"{}",
		"[1]",
		"[{\"manager\":\"m\",\"operation\":\"Patch\"}]",
		"[{\"manager\":\"m\"}]",
		"[{\"manager\":\"m\",\"operation\":\"Apply\",\"fieldsType\":\"FieldsV2\"}]",
		"[{\"manager\":\"m\",\"operation\":\"Apply\",\"fieldsV1\":{\"x\":{}}}]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *l = parse(bad[i]);
		struct ck_managed_fields mf = { 0 };
		char *err = NULL;
		ck_assert_msg(ck_managed_fields_decode(l, &mf, &err) == -EINVAL, "accepted %s",
			      bad[i]);
		ck_assert_ptr_nonnull(err);
		ck_assert_uint_eq(mf.n, 0);
		free(err);
		json_object_put(l);
	}
}
END_TEST

START_TEST(test_default_manager)
{
	char *m = ck_managed_fields_default_manager("kubectl/v1.32.0 (linux/amd64) kubernetes/abc");
	ck_assert_str_eq(m, "kubectl");
	free(m);
	m = ck_managed_fields_default_manager("OpenAPI-Generator/29.0.0/python");
	ck_assert_str_eq(m, "OpenAPI-Generator");
	free(m);
	m = ck_managed_fields_default_manager(NULL);
	ck_assert_str_eq(m, "");
	free(m);
	char longua[300];
	memset(longua, 'a', sizeof(longua) - 1);
	longua[sizeof(longua) - 1] = '\0';
	m = ck_managed_fields_default_manager(longua);
	ck_assert_uint_eq(strlen(m), 128);
	free(m);
}
END_TEST

Suite *ck_test_suite_managed_fields(void)
{
	Suite *s = suite_create("managed_fields");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_fieldset_validate);
	tcase_add_test(tc, test_fieldset_algebra);
	tcase_add_test(tc, test_fieldset_sorted);
	tcase_add_test(tc, test_managed_fields_encode_sorts);
	tcase_add_test(tc, test_fieldset_insert_each);
	tcase_add_test(tc, test_fieldset_path_string);
	tcase_add_test(tc, test_managed_fields_decode_encode);
	tcase_add_test(tc, test_managed_fields_decode_errors);
	tcase_add_test(tc, test_default_manager);
	suite_add_tcase(s, tc);
	return s;
}
