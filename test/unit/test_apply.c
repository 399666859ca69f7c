/*
 * Server-side apply over the schema model: field sets of typed and deduced
 * objects, merge by list type (map keys, sets, atomic), compare, removing
 * paths, and the field manager (ownership on create and update, pruning
 * what an applier dropped, conflicts and force), with cases after
 * structured-merge-diff's merge/multiple-appliers tests and the
 * fieldmanager's tests, written for ckube.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/schema.h"
#include "apimachinery/apply.h"
#include "apimachinery/managed_fields.h"

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);
	ck_assert_msg(o != NULL, "bad test JSON: %s", s);
	return o;
}

static void expect_json(json_object *got, const char *want)
{
	json_object *w = parse(want);
	ck_assert_msg(json_object_equal(got, w), "got %s, want %s",
		      json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE),
		      want);
	json_object_put(w);
}

static const struct ck_schema_type *deployment(void)
{
	const struct ck_schema_type *t = ck_schema_kind("apps/v1", "Deployment");
	ck_assert_ptr_nonnull(t);
	return t;
}

static const char *const dep_json =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
    "\"labels\":{\"app\":\"d\"},\"finalizers\":[\"a/b\"]},\"spec\":{\"replicas\":2,"
    "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"spec\":{"
    "\"nodeSelector\":{\"disk\":\"ssd\"},\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
    "\"args\":[\"-x\"],\"ports\":[{\"containerPort\":80}]}]}}}}";

START_TEST(test_fieldset_typed)
{
	json_object *o = parse(dep_json);
	json_object *s = ck_apply_fieldset(deployment(), o);
	expect_json(s, "{\"f:apiVersion\":{},\"f:kind\":{},"
		       "\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a/b\\\"\":{}},"
		       "\"f:labels\":{\"f:app\":{}},\"f:name\":{}},"
		       "\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},"
		       "\"f:template\":{\"f:spec\":{\"f:containers\":{"
		       "\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:args\":{},\"f:image\":{},"
		       "\"f:name\":{},\"f:ports\":{"
		       "\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
		       "\"f:containerPort\":{}}}}},\"f:nodeSelector\":{}}}}}");
	json_object_put(s);
	json_object_put(o);
}
END_TEST

START_TEST(test_fieldset_deduced)
{
	/* no schema: every object key is a member, lists are atomic */
	json_object *o = parse("{\"spec\":{\"a\":{\"b\":1},\"list\":[{\"x\":1}],\"e\":{}}}");
	json_object *s = ck_apply_fieldset(NULL, o);
	expect_json(s, "{\"f:spec\":{\".\":{},\"f:a\":{\".\":{},\"f:b\":{}},\"f:e\":{},"
		       "\"f:list\":{}}}");
	json_object_put(s);
	json_object_put(o);
}
END_TEST

START_TEST(test_merge_lists)
{
	const struct ck_schema_type *t = deployment();
	json_object *live = parse(dep_json);
	json_object *cfg =
	    parse("{\"metadata\":{\"labels\":{\"tier\":\"x\"},\"finalizers\":[\"c/d\",\"a/b\"]},"
		  "\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"zone\":\"z\"},"
		  "\"containers\":[{\"name\":\"side\",\"image\":\"busybox\"},"
		  "{\"name\":\"web\",\"args\":[\"-y\"],\"ports\":[{\"containerPort\":80,"
		  "\"protocol\":\"TCP\",\"name\":\"http\"}]}]}}}}");
	json_object *m = ck_apply_merge(t, live, cfg);
	/* map merged; set unioned; atomic map and list replaced; list map by key */
	expect_json(json_object_object_get(m, "metadata"),
		    "{\"name\":\"d\",\"labels\":{\"app\":\"d\",\"tier\":\"x\"},"
		    "\"finalizers\":[\"a/b\",\"c/d\"]}");
	json_object *spec = json_object_object_get(
	    json_object_object_get(json_object_object_get(m, "spec"), "template"), "spec");
	expect_json(spec, "{\"nodeSelector\":{\"zone\":\"z\"},\"containers\":["
			  "{\"name\":\"web\",\"image\":\"nginx\",\"args\":[\"-y\"],\"ports\":["
			  "{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":\"http\"}]},"
			  "{\"name\":\"side\",\"image\":\"busybox\"}]}");
	/* inputs untouched */
	json_object *again = parse(dep_json);
	ck_assert(json_object_equal(live, again));
	json_object_put(again);
	json_object_put(m);
	/* either side missing */
	m = ck_apply_merge(t, NULL, cfg);
	ck_assert(json_object_equal(m, cfg));
	json_object_put(m);
	json_object_put(cfg);
	json_object_put(live);
}
END_TEST

START_TEST(test_compare)
{
	const struct ck_schema_type *t = deployment();
	json_object *a =
	    parse("{\"metadata\":{\"labels\":{\"x\":\"1\",\"y\":\"1\"}},"
		  "\"spec\":{\"replicas\":1,\"template\":{\"spec\":{\"containers\":["
		  "{\"name\":\"a\",\"image\":\"i\"},{\"name\":\"b\",\"image\":\"i\"}]}}}}");
	json_object *b = parse("{\"metadata\":{\"labels\":{\"x\":\"2\"},\"annotations\":{\"n\":"
			       "\"v\"}},\"spec\":{\"replicas\":1,\"paused\":true,\"template\":{"
			       "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"j\"},"
			       "{\"name\":\"c\",\"image\":\"i\"}]}}}}");
	json_object *changed, *removed;
	ck_apply_compare(t, a, b, &changed, &removed);
	/* a map that appears is itself added; a struct item added with "." */
	expect_json(changed, "{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:n\":{}},"
			     "\"f:labels\":{\"f:x\":{}}},\"f:spec\":{\"f:paused\":{},"
			     "\"f:template\":{\"f:spec\":{\"f:containers\":{"
			     "\"k:{\\\"name\\\":\\\"a\\\"}\":{\"f:image\":{}},"
			     "\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},"
			     "\"f:name\":{}}}}}}}");
	expect_json(removed, "{\"f:metadata\":{\"f:labels\":{\"f:y\":{}}},\"f:spec\":{"
			     "\"f:template\":{\"f:spec\":{\"f:containers\":{"
			     "\"k:{\\\"name\\\":\\\"b\\\"}\":{\".\":{},\"f:image\":{},"
			     "\"f:name\":{}}}}}}}");
	json_object_put(changed);
	json_object_put(removed);
	/* equal objects: nothing */
	ck_apply_compare(t, a, a, &changed, &removed);
	ck_assert(ck_fieldset_empty(changed) && ck_fieldset_empty(removed));
	json_object_put(changed);
	json_object_put(removed);
	json_object_put(a);
	json_object_put(b);
}
END_TEST

START_TEST(test_remove_path)
{
	json_object *o =
	    parse("{\"l\":[{\"name\":\"a\",\"v\":1},{\"name\":\"b\"}],"
		  "\"p\":[{\"containerPort\":80}],\"s\":[\"x\",\"y\"],\"m\":{\"k\":1}}");
	const char *p1[] = { "f:l", "k:{\"name\":\"a\"}", "f:v" };
	ck_assert_int_eq(ck_apply_remove_path(o, p1, 3), 0);
	const char *p2[] = { "f:l", "k:{\"name\":\"b\"}" };
	ck_assert_int_eq(ck_apply_remove_path(o, p2, 2), 0);
	/* a defaulted key field matches an item that leaves it out */
	const char *p3[] = { "f:p", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}" };
	ck_assert_int_eq(ck_apply_remove_path(o, p3, 2), 0);
	const char *p4[] = { "f:s", "v:\"y\"" };
	ck_assert_int_eq(ck_apply_remove_path(o, p4, 2), 0);
	const char *p5[] = { "f:s", "i:0" };
	ck_assert_int_eq(ck_apply_remove_path(o, p5, 2), 0);
	const char *p6[] = { "f:m", "f:k" };
	ck_assert_int_eq(ck_apply_remove_path(o, p6, 2), 0);
	expect_json(o, "{\"l\":[{\"name\":\"a\"}],\"p\":[],\"s\":[],\"m\":{}}");
	const char *gone[] = { "f:nope", "f:x" };
	ck_assert_int_eq(ck_apply_remove_path(o, gone, 2), -ENOENT);
	const char *bad[] = { "f:s", "i:7" };
	ck_assert_int_eq(ck_apply_remove_path(o, bad, 2), -ENOENT);
	json_object_put(o);
}
END_TEST

static struct ck_field_manager fm_for(const char *manager, const char *now)
{
	return (struct ck_field_manager){ .type = ck_schema_kind("v1", "ConfigMap"),
					  .manager = manager,
					  .api_version = "v1",
					  .now = now };
}

static json_object *entry(json_object *obj, const char *manager)
{
	json_object *md = json_object_object_get(obj, "metadata");
	json_object *mf = json_object_object_get(md, "managedFields");
	for (size_t i = 0; mf && i < json_object_array_length(mf); i++) {
		json_object *e = json_object_array_get_idx(mf, i);
		if (!strcmp(json_object_get_string(json_object_object_get(e, "manager")), manager))
			return e;
	}
	return NULL;
}

START_TEST(test_manager_apply)
{
	struct ck_field_manager a = fm_for("a", "2024-01-01T00:00:00Z");
	struct ck_apply_conflicts c = { 0 };
	json_object *cfg =
	    parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
		  "\"metadata\":{\"name\":\"c\"},\"data\":{\"x\":\"1\",\"y\":\"1\"}}");
	json_object *o1 = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&a, NULL, cfg, false, &o1, &c, NULL), 0);
	json_object *e = entry(o1, "a");
	ck_assert_ptr_nonnull(e);
	expect_json(json_object_object_get(e, "fieldsV1"), "{\"f:data\":{\"f:x\":{},\"f:y\":{}}}");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(e, "operation")), "Apply");

	/* the same again, later: nothing changes, not even the time */
	struct ck_field_manager a2 = fm_for("a", "2024-02-02T00:00:00Z");
	json_object *o2 = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&a2, o1, cfg, false, &o2, &c, NULL), 0);
	ck_assert(json_object_equal(o1, o2));

	/* b sets y to another value: conflict; force: b owns y */
	struct ck_field_manager b = fm_for("b", "2024-03-03T00:00:00Z");
	json_object *cfg_b = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
				   "\"data\":{\"y\":\"2\"}}");
	json_object *o3 = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&b, o2, cfg_b, false, &o3, &c, NULL), -EBUSY);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_str_eq(c.v[0].manager, "\"a\"");
	ck_assert_str_eq(c.v[0].path, ".data.y");
	json_object *st = ck_apply_conflict_status(&c);
	expect_json(st, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			"\"status\":\"Failure\",\"message\":\"Apply failed with 1 conflict: "
			"conflict with \\\"a\\\": .data.y\",\"reason\":\"Conflict\","
			"\"details\":{\"causes\":[{\"type\":\"FieldManagerConflict\","
			"\"message\":\"conflict with \\\"a\\\"\",\"field\":\".data.y\"}]},"
			"\"code\":409}");
	json_object_put(st);
	ck_apply_conflicts_release(&c);
	ck_assert_int_eq(ck_field_manager_apply(&b, o2, cfg_b, true, &o3, &c, NULL), 0);
	expect_json(json_object_object_get(entry(o3, "a"), "fieldsV1"),
		    "{\"f:data\":{\"f:x\":{}}}");
	expect_json(json_object_object_get(entry(o3, "b"), "fieldsV1"),
		    "{\"f:data\":{\"f:y\":{}}}");

	/* a drops x and y: x goes (only a had it), y stays (b's) */
	json_object *cfg_a = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
				   "\"data\":{\"z\":\"1\"}}");
	json_object *o4 = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&a2, o3, cfg_a, false, &o4, &c, NULL), 0);
	expect_json(json_object_object_get(o4, "data"), "{\"y\":\"2\",\"z\":\"1\"}");

	/* an applied configuration with managedFields is refused */
	json_object *bad = parse("{\"metadata\":{\"managedFields\":[]}}");
	char *err = NULL;
	json_object *o5 = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&a, o4, bad, false, &o5, &c, &err), -EINVAL);
	ck_assert_str_eq(err, "metadata.managedFields must be nil");
	free(err);
	json_object_put(bad);

	json_object_put(o1);
	json_object_put(o2);
	json_object_put(o3);
	json_object_put(o4);
	json_object_put(cfg);
	json_object_put(cfg_b);
	json_object_put(cfg_a);
}
END_TEST

START_TEST(test_manager_conflicts_grouped)
{
	json_object *live = parse(
	    "{\"metadata\":{\"managedFields\":["
	    "{\"manager\":\"z\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
	    "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:b\":{}}}},"
	    "{\"manager\":\"m\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
	    "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:a\":{},\"f:c\":{}}}}]},"
	    "\"data\":{\"a\":\"1\",\"b\":\"1\",\"c\":\"1\"}}");
	json_object *cfg = parse("{\"data\":{\"a\":\"2\",\"b\":\"2\",\"c\":\"2\"}}");
	struct ck_field_manager me = fm_for("me", "2024-01-01T00:00:00Z");
	struct ck_apply_conflicts c = { 0 };
	json_object *out = NULL;
	ck_assert_int_eq(ck_field_manager_apply(&me, live, cfg, false, &out, &c, NULL), -EBUSY);
	json_object *st = ck_apply_conflict_status(&c);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(st, "message")),
			 "Apply failed with 3 conflicts: conflicts with \"m\":\n- .data.a\n"
			 "- .data.c\nconflicts with \"z\" using v1:\n- .data.b");
	json_object_put(st);
	ck_apply_conflicts_release(&c);
	json_object_put(live);
	json_object_put(cfg);
}
END_TEST

START_TEST(test_manager_update)
{
	struct ck_field_manager mk = fm_for("maker", "2024-01-01T00:00:00Z");
	json_object *o = parse("{\"metadata\":{\"name\":\"c\",\"uid\":\"u\"},"
			       "\"data\":{\"a\":\"1\"}}");
	ck_field_manager_update(&mk, NULL, o);
	expect_json(json_object_object_get(entry(o, "maker"), "fieldsV1"),
		    "{\"f:data\":{\".\":{},\"f:a\":{}}}");

	/* another manager changes a and adds b: a moves to it */
	json_object *next = json_tokener_parse(json_object_to_json_string(o));
	json_object_object_add(json_object_object_get(next, "data"), "a",
			       json_object_new_string("2"));
	json_object_object_add(json_object_object_get(next, "data"), "b",
			       json_object_new_string("2"));
	struct ck_field_manager ed = fm_for("editor", "2024-01-02T00:00:00Z");
	ck_field_manager_update(&ed, o, next);
	expect_json(json_object_object_get(entry(next, "maker"), "fieldsV1"), "{\"f:data\":{}}");
	expect_json(json_object_object_get(entry(next, "editor"), "fieldsV1"),
		    "{\"f:data\":{\"f:a\":{},\"f:b\":{}}}");

	/* a client's own list replaces them; [{}] clears; [] keeps live's */
	json_object *sent = json_tokener_parse(json_object_to_json_string(next));
	json_object_object_add(json_object_object_get(sent, "metadata"), "managedFields",
			       parse("[{}]"));
	ck_field_manager_update(&ed, next, sent);
	ck_assert(!json_object_object_get_ex(json_object_object_get(sent, "metadata"),
					     "managedFields", NULL));
	json_object_object_add(json_object_object_get(sent, "metadata"), "managedFields",
			       parse("[]"));
	ck_field_manager_update(&ed, next, sent);
	ck_assert_ptr_nonnull(entry(sent, "maker"));
	json_object_put(sent);
	json_object_put(next);
	json_object_put(o);
}
END_TEST

START_TEST(test_manager_status_subresource)
{
	/* the main resource does not own status; a status write owns only status */
	const struct ck_schema_type *t = ck_schema_kind("apps/v1", "Deployment");
	struct ck_field_manager main = { .type = t,
					 .manager = "m",
					 .api_version = "apps/v1",
					 .reset_status = true,
					 .now = "2024-01-01T00:00:00Z" };
	json_object *o = parse("{\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1}}");
	ck_field_manager_update(&main, NULL, o);
	expect_json(json_object_object_get(entry(o, "m"), "fieldsV1"),
		    "{\"f:spec\":{\"f:replicas\":{}}}");
	struct ck_field_manager st = main;
	st.manager = "ctrl";
	st.subresource = "status";
	json_object *n = json_tokener_parse(json_object_to_json_string(o));
	json_object_object_add(json_object_object_get(n, "status"), "readyReplicas",
			       json_object_new_int(1));
	ck_field_manager_update(&st, o, n);
	json_object *e = entry(n, "ctrl");
	expect_json(json_object_object_get(e, "fieldsV1"),
		    "{\"f:status\":{\"f:readyReplicas\":{}}}");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(e, "subresource")),
			 "status");
	json_object_put(n);
	json_object_put(o);
}
END_TEST

START_TEST(test_manager_create_shape)
{
	/* what `kubectl create deployment` sends, as upstream records it: nulls
	 * are zero values, empty structs are owned, maps and new list items own
	 * themselves ("."), status and server metadata are nobody's */
	const struct ck_schema_type *t = ck_schema_kind("apps/v1", "Deployment");
	struct ck_field_manager fm = { .type = t,
				       .manager = "kubectl-create",
				       .api_version = "apps/v1",
				       .reset_status = true,
				       .now = "2024-01-01T00:00:00Z" };
	json_object *o = parse(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"n\","
	    "\"creationTimestamp\":null,\"labels\":{\"app\":\"n\"}},\"spec\":{\"replicas\":1,"
	    "\"selector\":{\"matchLabels\":{\"app\":\"n\"}},\"strategy\":{},\"template\":{"
	    "\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"n\"}},\"spec\":{"
	    "\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{}}]}}},"
	    "\"status\":{}}");
	ck_field_manager_update(&fm, NULL, o);
	json_object *e = entry(o, "kubectl-create");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(e, "operation")), "Update");
	expect_json(json_object_object_get(e, "fieldsV1"),
		    "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{"
		    "\"f:replicas\":{},\"f:selector\":{},\"f:strategy\":{},\"f:template\":{"
		    "\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{"
		    "\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},"
		    "\"f:image\":{},\"f:name\":{},\"f:resources\":{}}}}}}}");
	json_object_put(o);
}
END_TEST

Suite *ck_test_suite_apply(void)
{
	Suite *s = suite_create("apply");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_fieldset_typed);
	tcase_add_test(tc, test_fieldset_deduced);
	tcase_add_test(tc, test_merge_lists);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_remove_path);
	tcase_add_test(tc, test_manager_apply);
	tcase_add_test(tc, test_manager_conflicts_grouped);
	tcase_add_test(tc, test_manager_update);
	tcase_add_test(tc, test_manager_status_subresource);
	tcase_add_test(tc, test_manager_create_shape);
	suite_add_tcase(s, tc);
	return s;
}
