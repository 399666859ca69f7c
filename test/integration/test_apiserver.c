/*
 * The API server's generic REST machinery, against a real etcd and the real
 * kube-apiserver process: every verb, its parameters and its errors.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "apimachinery/object.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static const char *base;

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	static const char *const args[] = { "--event-ttl=3s", NULL };
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = args };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	base = ck_test_apiserver_url(api);
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	api = NULL;
	etcd = NULL;
}

/* A request expecting a code; returns the parsed answer (owned). */
static json_object *req(const char *method, const char *path, const char *body, long want)
{
	long code;
	json_object *out = ck_test_request(base, method, path, body, &code);
	ck_assert_msg(code == want, "%s %s: got %ld, want %ld: %s", method, path, code, want,
		      out ? json_object_to_json_string(out) : "(no JSON)");
	return out;
}

static const char *str(json_object *o, const char *path)
{
	const char *s = ck_obj_path_str(o, path);
	return s ? s : "";
}

START_TEST(test_discovery_and_version)
{
	json_object *v = req("GET", "/version", NULL, 200);
	ck_assert_str_eq(str(v, "major"), "1");
	ck_assert(strncmp(str(v, "gitVersion"), "v1.", 3) == 0);
	json_object_put(v);
	json_object *a = req("GET", "/api", NULL, 200);
	ck_assert_str_eq(str(a, "kind"), "APIVersions");
	json_object_put(a);
	json_object *l = req("GET", "/api/v1", NULL, 200);
	ck_assert_str_eq(str(l, "groupVersion"), "v1");
	json_object_put(l);
	json_object *g = req("GET", "/apis", NULL, 200);
	ck_assert_str_eq(str(g, "kind"), "APIGroupList");
	json_object_put(g);

	char url[256];
	snprintf(url, sizeof(url), "%s/apis", base);
	struct ck_test_response r;
	ck_assert_int_eq(
	    ck_test_http("GET", url, NULL, NULL,
			 "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
			 "application/json",
			 &r),
	    0);
	ck_assert_int_eq(r.code, 200);
	ck_assert_str_eq(r.content_type,
			 "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
	ck_assert_ptr_nonnull(strstr(r.headers, "Vary: Accept"));
	ck_test_response_release(&r);

	json_object *h = NULL;
	long code;
	h = ck_test_request(base, "GET", "/readyz/etcd", NULL, &code);
	ck_assert_int_eq(code, 200);
	json_object_put(h);
	snprintf(url, sizeof(url), "%s/readyz?verbose", base);
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
	ck_assert_ptr_nonnull(strstr(ck_buf_str(&r.body), "[+]etcd ok"));
	/* the post-start hooks, by upstream's names, have returned (the
	 * harness waited for /readyz) */
	ck_assert_ptr_nonnull(
	    strstr(ck_buf_str(&r.body), "[+]poststarthook/bootstrap-controller ok"));
	ck_assert_ptr_nonnull(
	    strstr(ck_buf_str(&r.body),
		   "[+]poststarthook/scheduling/bootstrap-system-priority-classes ok"));
	ck_assert_ptr_nonnull(strstr(ck_buf_str(&r.body), "readyz check passed"));
	ck_test_response_release(&r);
	h = ck_test_request(base, "GET", "/readyz/poststarthook/bootstrap-controller", NULL, &code);
	ck_assert_int_eq(code, 200);
	json_object_put(h);
	/* a livez check, not only a readyz one */
	snprintf(url, sizeof(url), "%s/livez?verbose", base);
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
	ck_assert_ptr_nonnull(
	    strstr(ck_buf_str(&r.body), "[+]poststarthook/bootstrap-controller ok"));
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "bootstrap-namespaces"));
	ck_test_response_release(&r);
	snprintf(url, sizeof(url), "%s/metrics", base);
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
	ck_assert_ptr_nonnull(strstr(ck_buf_str(&r.body), "apiserver_request_total{"));
	ck_test_response_release(&r);

	/* The bootstrap namespaces exist. */
	static const char *const ns[] = { "default", "kube-system", "kube-public",
					  "kube-node-lease" };
	for (size_t i = 0; i < 4; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/api/v1/namespaces/%s", ns[i]);
		json_object *o = req("GET", path, NULL, 200);
		ck_assert_str_eq(str(o, "status.phase"), "Active");
		json_object_put(o);
	}
}
END_TEST

START_TEST(test_configmap_crud)
{
	const char *path = "/api/v1/namespaces/default/configmaps";
	json_object *c = req("POST", path,
			     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			     "\"one\",\"labels\":{\"app\":\"x\"}},\"data\":{\"a\":\"1\"}}",
			     201);
	ck_assert_str_eq(str(c, "kind"), "ConfigMap");
	ck_assert_str_eq(str(c, "metadata.namespace"), "default");
	ck_assert_uint_eq(strlen(str(c, "metadata.uid")), 36);
	ck_assert_int_gt(strlen(str(c, "metadata.creationTimestamp")), 0);
	char rv1[32];
	snprintf(rv1, sizeof(rv1), "%s", str(c, "metadata.resourceVersion"));
	ck_assert_int_gt(strtol(rv1, NULL, 10), 0);
	json_object_put(c);

	/* AlreadyExists */
	json_object *e = req("POST", path, "{\"metadata\":{\"name\":\"one\"}}", 409);
	ck_assert_str_eq(str(e, "reason"), "AlreadyExists");
	ck_assert_str_eq(str(e, "message"), "configmaps \"one\" already exists");
	json_object_put(e);

	json_object *g = req("GET", "/api/v1/namespaces/default/configmaps/one", NULL, 200);
	ck_assert_str_eq(str(g, "data.a"), "1");
	ck_assert_str_eq(str(g, "metadata.resourceVersion"), rv1);
	json_object_put(g);

	/* A stale resourceVersion is a Conflict. */
	e = req("PUT", "/api/v1/namespaces/default/configmaps/one",
		"{\"metadata\":{\"name\":\"one\",\"resourceVersion\":\"1\"},\"data\":{}}", 409);
	ck_assert_str_eq(str(e, "reason"), "Conflict");
	ck_assert_str_eq(str(e, "message"),
			 "Operation cannot be fulfilled on configmaps \"one\": the object has been "
			 "modified; please apply your changes to the latest version and try again");
	json_object_put(e);

	char body[256];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"one\",\"resourceVersion\":\"%s\"},\"data\":{\"a\":"
		 "\"2\"}}",
		 rv1);
	json_object *u = req("PUT", "/api/v1/namespaces/default/configmaps/one", body, 200);
	ck_assert_str_eq(str(u, "data.a"), "2");
	ck_assert_str_ne(str(u, "metadata.resourceVersion"), rv1);
	json_object_put(u);

	/* Delete answers a Success Status carrying the uid; then 404. */
	json_object *d = req("DELETE", "/api/v1/namespaces/default/configmaps/one", NULL, 200);
	ck_assert_str_eq(str(d, "kind"), "Status");
	ck_assert_str_eq(str(d, "status"), "Success");
	ck_assert_uint_eq(strlen(str(d, "details.uid")), 36);
	json_object_put(d);
	e = req("GET", "/api/v1/namespaces/default/configmaps/one", NULL, 404);
	ck_assert_str_eq(str(e, "reason"), "NotFound");
	ck_assert_str_eq(str(e, "message"), "configmaps \"one\" not found");
	ck_assert_str_eq(str(e, "details.kind"), "configmaps");
	json_object_put(e);
}
END_TEST

START_TEST(test_patch_kinds)
{
	const char *obj = "/api/v1/namespaces/default/configmaps/p";
	json_object_put(req("POST", "/api/v1/namespaces/default/configmaps",
			    "{\"metadata\":{\"name\":\"p\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}",
			    201));
	char url[256];
	snprintf(url, sizeof(url), "%s%s", base, obj);
	struct ck_test_response r;
	/* merge patch */
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/merge-patch+json",
				      "{\"data\":{\"b\":null,\"c\":\"3\"}}", NULL, &r),
			 0);
	ck_assert_int_eq(r.code, 200);
	json_object *o = ck_test_response_json(&r);
	ck_assert_str_eq(str(o, "data.c"), "3");
	ck_assert_ptr_null(ck_obj_path(o, "data.b"));
	json_object_put(o);
	ck_test_response_release(&r);
	/* JSON patch, with a failing test op giving 422 */
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/json-patch+json",
				      "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"9\"}]",
				      NULL, &r),
			 0);
	ck_assert_int_eq(r.code, 200);
	o = ck_test_response_json(&r);
	ck_assert_str_eq(str(o, "data.a"), "9");
	json_object_put(o);
	ck_test_response_release(&r);
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/json-patch+json",
				      "[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"0\"}]",
				      NULL, &r),
			 0);
	ck_assert_int_eq(r.code, 422);
	ck_test_response_release(&r);
	/* strategic merge patch */
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/strategic-merge-patch+json",
				      "{\"metadata\":{\"labels\":{\"k\":\"v\"}}}", NULL, &r),
			 0);
	ck_assert_int_eq(r.code, 200);
	o = ck_test_response_json(&r);
	ck_assert_str_eq(str(o, "metadata.labels.k"), "v");
	ck_assert_str_eq(str(o, "data.a"), "9");
	json_object_put(o);
	ck_test_response_release(&r);
	/* unsupported patch type: 415 */
	ck_assert_int_eq(ck_test_http("PATCH", url, "text/plain", "x", NULL, &r), 0);
	ck_assert_int_eq(r.code, 415);
	o = ck_test_response_json(&r);
	ck_assert_str_eq(str(o, "reason"), "UnsupportedMediaType");
	json_object_put(o);
	ck_test_response_release(&r);
}
END_TEST

START_TEST(test_errors)
{
	const char *path = "/api/v1/namespaces/default/configmaps";
	json_object *e = req("POST", path, "{\"metadata\":", 400);
	ck_assert_str_eq(str(e, "reason"), "BadRequest");
	json_object_put(e);
	e = req("POST", path, "{\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"x\"}}", 400);
	ck_assert_ptr_nonnull(strstr(str(e, "message"), "does not match the expected API version"));
	json_object_put(e);
	e = req("POST", path, "{\"metadata\":{\"name\":\"Bad_Name\"}}", 422);
	ck_assert_str_eq(str(e, "reason"), "Invalid");
	ck_assert_str_eq(str(e, "details.kind"), "ConfigMap");
	ck_assert_str_eq(
	    str(json_object_array_get_idx(ck_obj_path(e, "details.causes"), 0), "field"),
	    "metadata.name");
	static const char want[] =
	    "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": ";
	ck_assert_msg(strncmp(str(e, "message"), want, sizeof(want) - 1) == 0, "%s",
		      str(e, "message"));
	json_object_put(e);
	e = req("POST", "/api/v1/namespaces/nope/configmaps", "{\"metadata\":{\"name\":\"x\"}}",
		404);
	ck_assert_str_eq(str(e, "message"), "namespaces \"nope\" not found");
	json_object_put(e);
	e = req("GET", "/api/v1/nothings", NULL, 404);
	ck_assert_str_eq(str(e, "reason"), "NotFound");
	json_object_put(e);
	e = req("DELETE", "/api/v1/namespaces", NULL, 405);
	ck_assert_str_eq(str(e, "reason"), "MethodNotAllowed");
	json_object_put(e);
	e = req("DELETE", "/api/v1/namespaces/default", NULL, 403);
	json_object_put(e);

	/* A body over 3 MiB: 413 before the handler reads it. */
	size_t n = 3 * 1024 * 1024 + 100;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	big[0] = '{';
	big[n - 1] = '}';
	char url[256];
	snprintf(url, sizeof(url), "%s%s", base, path);
	struct ck_test_response r;
	ck_assert_int_eq(ck_test_http("POST", url, "application/json", big, NULL, &r), 0);
	ck_assert_int_eq(r.code, 413);
	ck_test_response_release(&r);
	free(big);

	/* Bad list options. */
	e = req("GET", "/api/v1/configmaps?labelSelector=a%20in", NULL, 400);
	json_object_put(e);
	e = req("GET", "/api/v1/configmaps?fieldSelector=spec.nope%3Dx", NULL, 400);
	ck_assert_str_eq(str(e, "message"), "field label not supported: spec.nope");
	json_object_put(e);
	e = req("GET", "/api/v1/configmaps?resourceVersionMatch=Exact", NULL, 422);
	ck_assert_str_eq(str(e, "details.kind"), "ListOptions");
	json_object_put(e);
}
END_TEST

START_TEST(test_list_paging_and_selectors)
{
	char body[256];
	json_object_put(
	    req("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"paging\"}}", 201));
	for (int i = 0; i < 25; i++) {
		snprintf(body, sizeof(body),
			 "{\"metadata\":{\"name\":\"cm-%02d\",\"labels\":{\"even\":\"%s\"}}}", i,
			 i % 2 ? "no" : "yes");
		json_object_put(req("POST", "/api/v1/namespaces/paging/configmaps", body, 201));
	}
	int seen[25] = { 0 };
	char path[1024] = "/api/v1/namespaces/paging/configmaps?limit=10";
	char list_rv[32] = "";
	int pages = 0;
	for (;;) {
		json_object *l = req("GET", path, NULL, 200);
		ck_assert_str_eq(str(l, "kind"), "ConfigMapList");
		if (!list_rv[0])
			snprintf(list_rv, sizeof(list_rv), "%s",
				 str(l, "metadata.resourceVersion"));
		ck_assert_str_eq(str(l, "metadata.resourceVersion"), list_rv);
		json_object *items = ck_obj_path(l, "items");
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			int k = -1;
			sscanf(str(json_object_array_get_idx(items, i), "metadata.name"), "cm-%d",
			       &k);
			ck_assert(k >= 0 && k < 25);
			seen[k]++;
		}
		pages++;
		const char *cont = str(l, "metadata.continue");
		if (!*cont) {
			json_object_put(l);
			break;
		}
		snprintf(path, sizeof(path),
			 "/api/v1/namespaces/paging/configmaps?limit=10&continue=%s", cont);
		json_object_put(l);
	}
	ck_assert_int_eq(pages, 3);
	for (int i = 0; i < 25; i++)
		ck_assert_int_eq(seen[i], 1);

	json_object *l =
	    req("GET", "/api/v1/namespaces/paging/configmaps?labelSelector=even%3Dyes", NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(l, "items")), 13);
	json_object_put(l);
	l = req(
	    "GET",
	    "/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-07,metadata.namespace%3Dpaging",
	    NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	/* From the watch cache. */
	l = req(
	    "GET",
	    "/api/v1/namespaces/paging/configmaps?resourceVersion=0&labelSelector=even%21%3Dyes",
	    NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(l, "items")), 12);
	json_object_put(l);
	/* The cache writes its objects' JSON itself: the same text as a list
	 * from etcd, but for the list's resourceVersion. */
	char url[256];
	struct ck_buf text[2] = { CK_BUF_INIT, CK_BUF_INIT };
	const char *const sel[2] = { "", "resourceVersion=0&" };
	for (int i = 0; i < 2; i++) {
		struct ck_test_response r;
		snprintf(url, sizeof(url),
			 "%s/api/v1/namespaces/paging/configmaps?%slabelSelector=even%%21%%3Dyes",
			 base, sel[i]);
		ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
		ck_assert_int_eq(r.code, 200);
		ck_assert_str_eq(r.content_type, "application/json");
		json_object *parsed = ck_test_response_json(&r);
		const char *rv = str(parsed, "metadata.resourceVersion");
		char *at = strstr(ck_buf_str(&r.body), rv);
		ck_assert_ptr_nonnull(at);
		ck_buf_add(&text[i], ck_buf_str(&r.body), (size_t)(at - ck_buf_str(&r.body)));
		ck_buf_adds(&text[i], at + strlen(rv));
		json_object_put(parsed);
		ck_test_response_release(&r);
	}
	ck_assert_str_eq(ck_buf_str(&text[1]), ck_buf_str(&text[0]));
	ck_assert(strstr(ck_buf_str(&text[1]), "\"items\":[{\"metadata\":{\"name\":\"cm-") != NULL);
	ck_buf_release(&text[0]);
	ck_buf_release(&text[1]);

	/* A Table, as kubectl asks for one. */
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/paging/configmaps?limit=500", base);
	struct ck_test_response r;
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL,
				      "application/json;as=Table;v=v1;g=meta.k8s.io,application/"
				      "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
				      &r),
			 0);
	ck_assert_int_eq(r.code, 200);
	json_object *t = ck_test_response_json(&r);
	ck_assert_str_eq(str(t, "kind"), "Table");
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(t, "rows")), 25);
	json_object_put(t);
	ck_test_response_release(&r);

	/* deletecollection with a selector */
	json_object *d = req(
	    "DELETE", "/api/v1/namespaces/paging/configmaps?labelSelector=even%3Dno", NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(d, "items")), 12);
	json_object_put(d);
	l = req("GET", "/api/v1/namespaces/paging/configmaps", NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(l, "items")), 13);
	json_object_put(l);
}
END_TEST

START_TEST(test_generate_name_dry_run_finalizers)
{
	json_object *c =
	    req("POST", "/api/v1/namespaces/default/secrets",
		"{\"metadata\":{\"generateName\":\"s-\"},\"data\":{\"k\":\"dg==\"}}", 201);
	ck_assert_uint_eq(strlen(str(c, "metadata.name")), 7);
	ck_assert(strncmp(str(c, "metadata.name"), "s-", 2) == 0);
	ck_assert_str_eq(str(c, "type"), "Opaque");
	json_object_put(c);

	c = req("POST", "/api/v1/namespaces/default/configmaps?dryRun=All",
		"{\"metadata\":{\"name\":\"dry\"}}", 201);
	json_object_put(c);
	json_object_put(req("GET", "/api/v1/namespaces/default/configmaps/dry", NULL, 404));
	json_object_put(req("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some",
			    "{\"metadata\":{\"name\":\"dry\"}}", 400));

	/* A finalizer holds a deleted object until an update removes it. */
	json_object_put(req("POST", "/api/v1/namespaces/default/configmaps",
			    "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"ckube.io/hold\"]}}",
			    201));
	json_object *d = req("DELETE", "/api/v1/namespaces/default/configmaps/held", NULL, 200);
	ck_assert_int_gt(strlen(str(d, "metadata.deletionTimestamp")), 0);
	json_object_put(d);
	json_object *g = req("GET", "/api/v1/namespaces/default/configmaps/held", NULL, 200);
	ck_assert_int_gt(strlen(str(g, "metadata.deletionTimestamp")), 0);
	json_object_put(g);
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/default/configmaps/held", base);
	struct ck_test_response r;
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/merge-patch+json",
				      "{\"metadata\":{\"finalizers\":null}}", NULL, &r),
			 0);
	ck_assert_int_eq(r.code, 200);
	ck_test_response_release(&r);
	json_object_put(req("GET", "/api/v1/namespaces/default/configmaps/held", NULL, 404));

	/* Preconditions on delete. */
	json_object_put(req("POST", "/api/v1/namespaces/default/configmaps",
			    "{\"metadata\":{\"name\":\"pre\"}}", 201));
	json_object *e = req("DELETE", "/api/v1/namespaces/default/configmaps/pre",
			     "{\"preconditions\":{\"uid\":\"nope\"}}", 409);
	ck_assert_str_eq(str(e, "reason"), "Conflict");
	json_object_put(e);
}
END_TEST

START_TEST(test_namespace_status_and_finalize)
{
	json_object *n =
	    req("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"team-a\"}}", 201);
	ck_assert_str_eq(str(n, "status.phase"), "Active");
	json_object *label = NULL;
	json_object_object_get_ex(ck_obj_labels(n), "kubernetes.io/metadata.name", &label);
	ck_assert_str_eq(json_object_get_string(label), "team-a");
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(ck_obj_path(n, "spec.finalizers"), 0)),
	    "kubernetes");
	json_object_put(n);
	/* The main resource ignores status; the status subresource changes only it. */
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/team-a", base);
	struct ck_test_response r;
	ck_assert_int_eq(ck_test_http("PATCH", url, "application/merge-patch+json",
				      "{\"status\":{\"phase\":\"Weird\"},\"metadata\":{\"labels\":{"
				      "\"x\":\"y\"}}}",
				      NULL, &r),
			 0);
	json_object *o = ck_test_response_json(&r);
	ck_assert_str_eq(str(o, "status.phase"), "Active");
	ck_assert_str_eq(str(o, "metadata.labels.x"), "y");
	json_object_put(o);
	ck_test_response_release(&r);

	/* Delete: Terminating until spec.finalizers is emptied through /finalize. */
	json_object *d = req("DELETE", "/api/v1/namespaces/team-a", NULL, 200);
	ck_assert_str_eq(str(d, "status.phase"), "Terminating");
	json_object_put(d);
	json_object *e = req("POST", "/api/v1/namespaces/team-a/configmaps",
			     "{\"metadata\":{\"name\":\"late\"}}", 403);
	ck_assert_ptr_nonnull(strstr(str(e, "message"), "because it is being terminated"));
	json_object_put(e);
	json_object *g = req("GET", "/api/v1/namespaces/team-a", NULL, 200);
	json_object_object_add(ck_obj_path(g, "spec"), "finalizers", json_object_new_array());
	json_object *f =
	    req("PUT", "/api/v1/namespaces/team-a/finalize", json_object_to_json_string(g), 200);
	json_object_put(f);
	json_object_put(g);
	json_object_put(req("GET", "/api/v1/namespaces/team-a", NULL, 404));
}
END_TEST

START_TEST(test_events_both_versions_and_ttl)
{
	json_object *c = req(
	    "POST", "/api/v1/namespaces/default/events",
	    "{\"metadata\":{\"name\":\"ev1\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\","
	    "\"namespace\":\"default\"},\"reason\":\"Started\",\"message\":\"hello\","
	    "\"type\":\"Normal\",\"count\":1}",
	    201);
	json_object_put(c);
	/* The same object through events.k8s.io/v1, with its field names. */
	json_object *g =
	    req("GET", "/apis/events.k8s.io/v1/namespaces/default/events/ev1", NULL, 200);
	ck_assert_str_eq(str(g, "apiVersion"), "events.k8s.io/v1");
	ck_assert_str_eq(str(g, "note"), "hello");
	ck_assert_str_eq(str(g, "regarding.name"), "p");
	ck_assert_ptr_null(ck_obj_path(g, "message"));
	json_object_put(g);
	json_object *l =
	    req("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp",
		NULL, 200);
	ck_assert_uint_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	/* --event-ttl=3s: the event expires through its etcd lease. */
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		long code;
		json_object_put(ck_test_request(
		    base, "GET", "/api/v1/namespaces/default/events/ev1", NULL, &code));
		gone = code == 404;
		if (!gone)
			sleep(1);
	}
	ck_assert(gone);
}
END_TEST

START_TEST(test_leases_and_serviceaccounts)
{
	json_object *c =
	    req("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
		"{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"holderIdentity\":\"n1\","
		"\"leaseDurationSeconds\":40}}",
		201);
	ck_assert_str_eq(str(c, "apiVersion"), "coordination.k8s.io/v1");
	json_object_put(c);
	c = req("POST", "/api/v1/namespaces/default/serviceaccounts",
		"{\"metadata\":{\"name\":\"robot\"}}", 201);
	json_object_put(c);
	json_object *l = req("GET", "/api/v1/serviceaccounts", NULL, 200);
	ck_assert_str_eq(str(l, "kind"), "ServiceAccountList");
	json_object_put(l);
}
END_TEST

Suite *ck_test_suite_apiserver(void)
{
	Suite *s = suite_create("apiserver");
	TCase *tc = tcase_create("rest");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_discovery_and_version);
	tcase_add_test(tc, test_configmap_crud);
	tcase_add_test(tc, test_patch_kinds);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_list_paging_and_selectors);
	tcase_add_test(tc, test_generate_name_dry_run_finalizers);
	tcase_add_test(tc, test_namespace_status_and_finalize);
	tcase_add_test(tc, test_events_both_versions_and_ttl);
	tcase_add_test(tc, test_leases_and_serviceaccounts);
	suite_add_tcase(s, tc);
	return s;
}
