/*
 * Server-side apply and managedFields against the real API server and
 * etcd: raw requests (options, create, merge, prune, conflicts, force,
 * managedFields on every write) and the real kubectl 1.32's
 * `apply --server-side`.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/api.h"
#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "util/buf.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;

static void setup(void)
{
	ck_test_api_start(NULL, &etcd, &api);
}

static void teardown(void)
{
	ck_test_api_stop(&etcd, &api);
}

#define APPLY "application/apply-patch+yaml"
#define CM "/api/v1/namespaces/default/configmaps/"

static json_object *req(const char *method, const char *path, const char *body, const char *ct,
			long want)
{
	return ck_test_api_req(ck_test_apiserver_url(api), method, path, body, ct, want);
}

static json_object *at(json_object *o, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	json_object *cur = o;
	for (char *save = NULL, *p = strtok_r(buf, ".", &save); p && cur;
	     p = strtok_r(NULL, ".", &save)) {
		json_object *next = NULL;
		if (json_object_is_type(cur, json_type_array))
			next = json_object_array_get_idx(cur, (size_t)strtol(p, NULL, 10));
		else if (!json_object_object_get_ex(cur, p, &next))
			next = NULL;
		cur = next;
	}
	return cur;
}

static const char *str_at(json_object *o, const char *dotted)
{
	json_object *v = at(o, dotted);
	return v ? json_object_get_string(v) : NULL;
}

/* The managedFields entry of manager (borrowed), or NULL. */
static json_object *entry_of(json_object *obj, const char *manager, const char *op)
{
	json_object *mf = at(obj, "metadata.managedFields");
	for (size_t i = 0; mf && i < json_object_array_length(mf); i++) {
		json_object *e = json_object_array_get_idx(mf, i);
		if (!strcmp(str_at(e, "manager"), manager) && !strcmp(str_at(e, "operation"), op))
			return e;
	}
	return NULL;
}

static void expect_fields(json_object *entry, const char *want_json)
{
	ck_assert_ptr_nonnull(entry);
	json_object *want = json_tokener_parse(want_json);
	ck_assert_ptr_nonnull(want);
	json_object *have = at(entry, "fieldsV1");
	ck_assert_msg(json_object_equal(have, want), "fieldsV1 %s, want %s",
		      json_object_to_json_string(have), want_json);
	json_object_put(want);
}

START_TEST(test_apply_options)
{
	/* fieldManager is required for apply: 422 on PatchOptions, as upstream */
	json_object *st =
	    req("PATCH", CM "opt", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}", APPLY, 422);
	ck_assert_str_eq(str_at(st, "message"),
			 "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
			 "is required for apply patch");
	json_object_put(st);
	/* force is only for apply */
	st = req("PATCH", CM "opt?force=true", "{}", "application/merge-patch+json", 422);
	ck_assert_ptr_nonnull(strstr(str_at(st, "message"), "force: Forbidden"));
	json_object_put(st);
	/* the applied configuration must not carry managedFields */
	st = req("PATCH", CM "opt?fieldManager=m",
		 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  managedFields: []\n", APPLY, 400);
	ck_assert_str_eq(str_at(st, "message"), "metadata.managedFields must be nil");
	json_object_put(st);
	/* bad YAML */
	st = req("PATCH", CM "opt?fieldManager=m", "a: [", APPLY, 400);
	ck_assert_ptr_nonnull(strstr(str_at(st, "message"), "error decoding YAML"));
	json_object_put(st);
}
END_TEST

START_TEST(test_apply_create_merge_prune)
{
	/* creates when absent (YAML body), 201, one Apply entry */
	json_object *o = req("PATCH", CM "c1?fieldManager=m1",
			     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n"
			     "  labels:\n    app: web\ndata:\n  a: \"1\"\n  b: \"2\"\n",
			     APPLY, 201);
	ck_assert_str_eq(str_at(o, "data.a"), "1");
	ck_assert_int_eq(json_object_array_length(at(o, "metadata.managedFields")), 1);
	json_object *e = entry_of(o, "m1", "Apply");
	ck_assert_str_eq(str_at(e, "apiVersion"), "v1");
	ck_assert_str_eq(str_at(e, "fieldsType"), "FieldsV1");
	ck_assert_ptr_nonnull(str_at(e, "time"));
	expect_fields(e, "{\"f:data\":{\"f:a\":{},\"f:b\":{}},"
			 "\"f:metadata\":{\"f:labels\":{\"f:app\":{}}}}");
	const char *rv1 = str_at(o, "metadata.resourceVersion");
	char rv[64];
	snprintf(rv, sizeof(rv), "%s", rv1);
	json_object_put(o);

	/* the same apply again changes nothing */
	o = req("PATCH", CM "c1?fieldManager=m1",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\","
		"\"labels\":{\"app\":\"web\"}},\"data\":{\"a\":\"1\",\"b\":\"2\"}}",
		APPLY, 200);
	ck_assert_str_eq(str_at(o, "metadata.resourceVersion"), rv);
	json_object_put(o);

	/* a second manager applies its own field: both are kept */
	o = req("PATCH", CM "c1?fieldManager=m2",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"c\":\"3\"}}", APPLY,
		200);
	ck_assert_str_eq(str_at(o, "data.a"), "1");
	ck_assert_str_eq(str_at(o, "data.c"), "3");
	expect_fields(entry_of(o, "m2", "Apply"), "{\"f:data\":{\"f:c\":{}}}");
	json_object_put(o);

	/* m1 stops applying b: removed; and the label: removed */
	o = req("PATCH", CM "c1?fieldManager=m1",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"1\"}}", APPLY,
		200);
	ck_assert_ptr_null(at(o, "data.b"));
	ck_assert_ptr_null(at(o, "metadata.labels.app"));
	ck_assert_str_eq(str_at(o, "data.c"), "3");
	expect_fields(entry_of(o, "m1", "Apply"), "{\"f:data\":{\"f:a\":{}}}");
	json_object_put(o);

	/* a field m2 also applies stays when m1 lets it go */
	o = req("PATCH", CM "c1?fieldManager=m2",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"1\",\"c\":\"3\"}}",
		APPLY, 200);
	json_object_put(o);
	o = req("PATCH", CM "c1?fieldManager=m1",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"d\":\"4\"}}", APPLY,
		200);
	ck_assert_str_eq(str_at(o, "data.a"), "1");
	ck_assert_str_eq(str_at(o, "data.d"), "4");
	json_object_put(o);
}
END_TEST

START_TEST(test_apply_conflicts)
{
	/* a client-side-apply style create records an Update entry */
	json_object *o =
	    req("POST",
		"/api/v1/namespaces/default/configmaps?fieldManager=kubectl-client-"
		"side-apply",
		"{\"metadata\":{\"name\":\"c2\"},\"data\":{\"x\":\"1\",\"y\":\"2\"}}", NULL, 201);
	expect_fields(entry_of(o, "kubectl-client-side-apply", "Update"),
		      "{\"f:data\":{\".\":{},\"f:x\":{},\"f:y\":{}}}");
	json_object_put(o);

	/* applying the same value is no conflict: shared ownership */
	o = req("PATCH", CM "c2?fieldManager=ssa",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"x\":\"1\"}}", APPLY,
		200);
	json_object_put(o);

	/* another value: 409 with upstream's message and causes */
	o = req("PATCH", CM "c2?fieldManager=ssa",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"x\":\"9\"}}", APPLY,
		409);
	ck_assert_str_eq(str_at(o, "reason"), "Conflict");
	ck_assert_str_eq(
	    str_at(o, "message"),
	    "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" "
	    "using v1: .data.x");
	ck_assert_str_eq(str_at(o, "details.causes.0.type"), "FieldManagerConflict");
	ck_assert_str_eq(str_at(o, "details.causes.0.field"), ".data.x");
	ck_assert_str_eq(str_at(o, "details.causes.0.message"),
			 "conflict with \"kubectl-client-side-apply\" using v1");
	json_object_put(o);

	/* two conflicts: grouped by manager */
	o = req("PATCH", CM "c2?fieldManager=ssa",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"x\":\"9\",\"y\":\"9\"}}",
		APPLY, 409);
	ck_assert_str_eq(
	    str_at(o, "message"),
	    "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" "
	    "using v1:\n- .data.x\n- .data.y");
	json_object_put(o);

	/* force takes ownership */
	o = req("PATCH", CM "c2?fieldManager=ssa&force=true",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"x\":\"9\"}}", APPLY,
		200);
	ck_assert_str_eq(str_at(o, "data.x"), "9");
	expect_fields(entry_of(o, "kubectl-client-side-apply", "Update"),
		      "{\"f:data\":{\".\":{},\"f:y\":{}}}");
	expect_fields(entry_of(o, "ssa", "Apply"), "{\"f:data\":{\"f:x\":{}}}");
	json_object_put(o);

	/* an update of a field takes it from the applier, without conflict */
	o = req("PATCH", CM "c2?fieldManager=editor", "{\"data\":{\"x\":\"5\"}}",
		"application/merge-patch+json", 200);
	ck_assert_ptr_null(entry_of(o, "ssa", "Apply"));
	expect_fields(entry_of(o, "editor", "Update"), "{\"f:data\":{\"f:x\":{}}}");
	json_object_put(o);
}
END_TEST

START_TEST(test_managed_fields_on_writes)
{
	json_object *o = req("POST", "/api/v1/namespaces/default/configmaps?fieldManager=maker",
			     "{\"metadata\":{\"name\":\"c3\"},\"data\":{\"a\":\"1\"}}", NULL, 201);
	json_object_put(o);
	/* a PUT by another manager: its change is its own */
	o = req("PUT", CM "c3?fieldManager=putter",
		"{\"metadata\":{\"name\":\"c3\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}", NULL, 200);
	expect_fields(entry_of(o, "maker", "Update"), "{\"f:data\":{\".\":{},\"f:a\":{}}}");
	expect_fields(entry_of(o, "putter", "Update"), "{\"f:data\":{\"f:b\":{}}}");
	json_object_put(o);
	/* no fieldManager: the User-Agent's first part (none here: "") */
	o = req("PATCH", CM "c3", "[{\"op\":\"remove\",\"path\":\"/data/b\"}]",
		"application/json-patch+json", 200);
	ck_assert_ptr_null(entry_of(o, "putter", "Update"));
	json_object_put(o);
	/* an empty list keeps them; one empty entry clears them */
	o = req("PATCH", CM "c3", "{\"metadata\":{\"managedFields\":[]}}",
		"application/merge-patch+json", 200);
	ck_assert_ptr_nonnull(entry_of(o, "maker", "Update"));
	json_object_put(o);
	o = req("PATCH", CM "c3", "{\"metadata\":{\"managedFields\":[{}]}}",
		"application/merge-patch+json", 200);
	ck_assert_ptr_null(at(o, "metadata.managedFields"));
	json_object_put(o);
}
END_TEST

/* A create records the request's fields before mutating admission: the
 * tolerations DefaultTolerationSeconds adds are in the pod, owned by no one. */
START_TEST(test_managed_fields_before_admission)
{
	json_object *o =
	    req("POST", "/api/v1/namespaces/default/pods?fieldManager=maker",
		"{\"metadata\":{\"name\":\"p1\"},\"spec\":{\"containers\":[{\"name\":\"c\","
		"\"image\":\"busybox\"}]}}",
		NULL, 201);
	ck_assert_ptr_nonnull(at(o, "spec.tolerations.0"));
	json_object *entry = entry_of(o, "maker", "Update");
	ck_assert_ptr_nonnull(entry);
	ck_assert_ptr_nonnull(at(entry, "fieldsV1.f:spec.f:containers"));
	ck_assert_ptr_null(at(entry, "fieldsV1.f:spec.f:tolerations"));
	json_object_put(o);
}
END_TEST

START_TEST(test_apply_list_map)
{
	const char *dep = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
			  "\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2,"
			  "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},"
			  "\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},"
			  "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
			  "\"ports\":[{\"containerPort\":80}]}]}}}}";
	json_object *o =
	    req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=a", dep,
		APPLY, 201);
	json_object *f = at(entry_of(o, "a", "Apply"), "fieldsV1");
	json_object *c = at(f, "f:spec.f:template.f:spec.f:containers");
	json_object *web = NULL;
	ck_assert(json_object_object_get_ex(c, "k:{\"name\":\"web\"}", &web));
	ck_assert(json_object_object_get_ex(web, ".", NULL));
	json_object *port = at(web, "f:ports");
	ck_assert(
	    json_object_object_get_ex(port, "k:{\"containerPort\":80,\"protocol\":\"TCP\"}", NULL));
	/* the selector is atomic */
	ck_assert_int_eq(json_object_object_length(at(f, "f:spec.f:selector")), 0);
	json_object_put(o);

	/* another manager adds a container: merged by name, not replaced */
	o = req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=b",
		"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"template\":{"
		"\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":\"busybox\"}]}}}}",
		APPLY, 200);
	ck_assert_int_eq(json_object_array_length(at(o, "spec.template.spec.containers")), 2);
	ck_assert_str_eq(str_at(o, "spec.template.spec.containers.0.name"), "web");
	ck_assert_str_eq(str_at(o, "spec.template.spec.containers.1.name"), "side");
	json_object_put(o);

	/* b changing a's image conflicts, with the item's key in the path */
	o = req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=b",
		"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"template\":{"
		"\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"httpd\"}]}}}}",
		APPLY, 409);
	ck_assert_str_eq(str_at(o, "message"),
			 "Apply failed with 1 conflict: conflict with \"a\": "
			 ".spec.template.spec.containers[name=\"web\"].image");
	json_object_put(o);

	/* a drops its container: removed; b's stays */
	o = req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=a",
		"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":2,"
		"\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":{"
		"\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[]}}}}",
		APPLY, 200);
	ck_assert_int_eq(json_object_array_length(at(o, "spec.template.spec.containers")), 1);
	ck_assert_str_eq(str_at(o, "spec.template.spec.containers.0.name"), "side");
	json_object_put(o);

	/* a status write is recorded with its subresource */
	o = req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d/status?fieldManager=ctrl",
		"{\"status\":{\"observedGeneration\":1}}", "application/merge-patch+json", 200);
	json_object *e = entry_of(o, "ctrl", "Update");
	ck_assert_str_eq(str_at(e, "subresource"), "status");
	expect_fields(e, "{\"f:status\":{\"f:observedGeneration\":{}}}");
	json_object_put(o);
}
END_TEST

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", ck_test_apiserver_dir(api), name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_kubectl_server_side)
{
	struct ck_buf out = CK_BUF_INIT;
	char p1[512], p2[512], p3[512];
	write_file("ssa1.yaml",
		   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: k\nspec:\n"
		   "  replicas: 1\n  selector:\n    matchLabels:\n      app: k\n  template:\n"
		   "    metadata:\n      labels:\n        app: k\n    spec:\n      containers:\n"
		   "      - name: web\n        image: nginx\n",
		   p1, sizeof(p1));
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply --server-side -f %s", KC, p1), 0);
	ck_test_expect_in(&out, "deployment.apps/k serverside-applied");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply --server-side -f %s", KC, p1), 0);
	ck_test_expect_in(&out, "deployment.apps/k serverside-applied");
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "get deploy k --show-managed-fields -o "
					    "jsonpath={.metadata.managedFields[*].manager}",
				    KC),
			 0);
	ck_test_expect_in(&out, "kubectl");

	/* client-side apply, then a server-side apply changing its field */
	write_file("csa.yaml",
		   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\ndata:\n  k: one\n", p2,
		   sizeof(p2));
	write_file("ssa2.yaml",
		   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\ndata:\n  k: two\n", p3,
		   sizeof(p3));
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply -f %s", KC, p2), 0);
	ck_test_expect_in(&out, "configmap/csa created");
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "apply --server-side -f %s", KC, p3), 0);
	ck_test_expect_in(&out, "Apply failed with 1 conflict: conflict with "
				"\"kubectl-client-side-apply\" using v1: .data.k");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "apply --server-side --force-conflicts -f %s", KC, p3), 0);
	ck_test_expect_in(&out, "configmap/csa serverside-applied");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm csa -o jsonpath={.data.k}", KC), 0);
	ck_test_expect_in(&out, "two");
	/* a later client-side edit is recorded as an Update of kubectl-edit style managers */
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "patch cm csa -p '{\"data\":{\"k\":\"three\"}}'", KC), 0);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm csa --show-managed-fields -o json", KC),
			 0);
	ck_test_expect_in(&out, "\"manager\": \"kubectl-patch\"");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_apply(void)
{
	Suite *s = suite_create("apply");
	TCase *tc = tcase_create("apply");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_apply_options);
	tcase_add_test(tc, test_apply_create_merge_prune);
	tcase_add_test(tc, test_apply_conflicts);
	tcase_add_test(tc, test_managed_fields_on_writes);
	tcase_add_test(tc, test_managed_fields_before_admission);
	tcase_add_test(tc, test_apply_list_map);
	tcase_add_test(tc, test_kubectl_server_side);
	suite_add_tcase(s, tc);
	return s;
}
