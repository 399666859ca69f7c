/*
 * OpenAPI and structural validation against the real API server on real
 * etcd: the /openapi/v3 index and group-version documents (hash URLs,
 * caching, schemas with upstream's extensions, PATCH operations with
 * fieldValidation), /openapi/v2, fieldValidation Strict/Warn/Ignore with
 * pruning, duplicates and type errors, and the real kubectl 1.32 doing
 * apply, create -f and explain with no flags beyond the kubeconfig.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "util/buf.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static char tmpdir[64];

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ck-openapi-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_test_sh(&out, "rm -rf %s", tmpdir);
	ck_buf_release(&out);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
}

/* kubectl with a cache of its own (it caches discovery and OpenAPI by URL) */
#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s --cache-dir %s/cache "
#define KC ck_test_apiserver_kubeconfig(api), tmpdir

/* Writes text to <tmpdir>/name; the path is static until the next call. */
static const char *file(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void get(const char *path, const char *accept, struct ck_test_response *r)
{
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", ck_test_apiserver_url(api), path);
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, accept, r), 0);
}

static json_object *at(json_object *o, const char *const *path)
{
	for (size_t i = 0; o && path[i]; i++) {
		json_object *next = NULL;
		if (json_object_is_type(o, json_type_array))
			next = json_object_array_get_idx(o, (size_t)strtoul(path[i], NULL, 10));
		else if (!json_object_object_get_ex(o, path[i], &next))
			next = NULL;
		o = next;
	}
	return o;
}

static const char *at_str(json_object *o, const char *const *path)
{
	json_object *v = at(o, path);
	return v ? json_object_get_string(v) : NULL;
}

static bool has_param(json_object *op, const char *name)
{
	json_object *params = NULL;
	if (!json_object_object_get_ex(op, "parameters", &params))
		return false;
	for (size_t i = 0; i < json_object_array_length(params); i++) {
		const char *path[] = { "name", NULL };
		const char *n = at_str(json_object_array_get_idx(params, i), path);
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

START_TEST(test_openapi_v3)
{
	struct ck_test_response r;
	get("/openapi/v3", "application/json", &r);
	ck_assert_int_eq(r.code, 200);
	json_object *index = ck_test_response_json(&r);
	ck_assert_ptr_nonnull(index);
	ck_assert_ptr_nonnull(strcasestr(r.headers, "ETag: \""));
	ck_test_response_release(&r);
	const char *core[] = { "paths", "api/v1", "serverRelativeURL", NULL };
	const char *rbac[] = { "paths", "apis/rbac.authorization.k8s.io/v1", "serverRelativeURL",
			       NULL };
	ck_assert_ptr_nonnull(at_str(index, rbac));
	char *url = strdup(at_str(index, core));
	ck_assert_msg(strncmp(url, "/openapi/v3/api/v1?hash=", 24) == 0 && strlen(url) == 24 + 128,
		      "%s", url);
	json_object_put(index);

	/* the document at its hash URL: cacheable for good */
	get(url, "application/json", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_ptr_nonnull(strcasestr(r.headers, "Cache-Control: public, immutable"));
	ck_assert_ptr_nonnull(strcasestr(r.headers, "Expires: "));
	json_object *doc = ck_test_response_json(&r);
	ck_assert_ptr_nonnull(doc);
	char etag[160] = "";
	const char *e = strcasestr(r.headers, "ETag: ");
	ck_assert_ptr_nonnull(e);
	sscanf(e + 6, "%159[^\r\n]", etag);
	ck_test_response_release(&r);

	const char *openapi[] = { "openapi", NULL };
	ck_assert_str_eq(at_str(doc, openapi), "3.0.0");
	const char *gvk_kind[] = { "components",
				   "schemas",
				   "io.k8s.api.core.v1.Pod",
				   "x-kubernetes-group-version-kind",
				   "0",
				   "kind",
				   NULL };
	ck_assert_str_eq(at_str(doc, gvk_kind), "Pod");
	const char *gvk_group[] = { "components",
				    "schemas",
				    "io.k8s.api.core.v1.Pod",
				    "x-kubernetes-group-version-kind",
				    "0",
				    "group",
				    NULL };
	ck_assert_str_eq(at_str(doc, gvk_group), "");
	const char *meta_ref[] = { "components", "schemas",  "io.k8s.api.core.v1.Pod",
				   "properties", "metadata", "allOf",
				   "0",		 "$ref",     NULL };
	ck_assert_str_eq(at_str(doc, meta_ref),
			 "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
	const char *merge_key[] = { "components", "schemas",	"io.k8s.api.core.v1.PodSpec",
				    "properties", "containers", "x-kubernetes-patch-merge-key",
				    NULL };
	ck_assert_str_eq(at_str(doc, merge_key), "name");
	const char *strategy[] = { "components", "schemas", "io.k8s.api.core.v1.PodSpec",
				   "properties", "volumes", "x-kubernetes-patch-strategy",
				   NULL };
	ck_assert_str_eq(at_str(doc, strategy), "merge,retainKeys");
	const char *list_keys[] = { "components", "schemas", "io.k8s.api.core.v1.Container",
				    "properties", "ports",   "x-kubernetes-list-map-keys",
				    "1",	  NULL };
	ck_assert_str_eq(at_str(doc, list_keys), "protocol");
	const char *required[] = { "components", "schemas", "io.k8s.api.core.v1.Container",
				   "required",	 "0",	    NULL };
	ck_assert_str_eq(at_str(doc, required), "name");
	const char *intstr[] = { "components", "schemas",
				 "io.k8s.apimachinery.pkg.util.intstr.IntOrString", "format",
				 NULL };
	ck_assert_str_eq(at_str(doc, intstr), "int-or-string");
	const char *time_format[] = { "components", "schemas",
				      "io.k8s.apimachinery.pkg.apis.meta.v1.Time", "format", NULL };
	ck_assert_str_eq(at_str(doc, time_format), "date-time");

	/* operations: PATCH with fieldValidation and the patch media types */
	const char *patch[] = { "paths", "/api/v1/namespaces/{namespace}/pods/{name}", "patch",
				NULL };
	json_object *op = at(doc, patch);
	ck_assert_ptr_nonnull(op);
	ck_assert(has_param(op, "fieldValidation"));
	ck_assert(has_param(op, "dryRun"));
	ck_assert(has_param(op, "fieldManager"));
	const char *op_kind[] = { "x-kubernetes-group-version-kind", "kind", NULL };
	ck_assert_str_eq(at_str(op, op_kind), "Pod");
	const char *smp[] = { "requestBody", "content", "application/strategic-merge-patch+json",
			      NULL };
	ck_assert_ptr_nonnull(at(op, smp));
	const char *post[] = { "paths", "/api/v1/namespaces/{namespace}/configmaps", "post", NULL };
	ck_assert(has_param(at(doc, post), "fieldValidation"));
	const char *status_patch[] = { "paths", "/api/v1/namespaces/{namespace}/pods/{name}/status",
				       "patch", NULL };
	ck_assert(has_param(at(doc, status_patch), "fieldValidation"));
	const char *nodes[] = { "paths", "/api/v1/nodes/{name}", "patch", NULL };
	ck_assert_ptr_nonnull(at(doc, nodes));

	/* watches: the list operation's watch parameter, and upstream's
	 * deprecated watch paths answering WatchEvents, stream forms included */
	const char *list[] = { "paths", "/api/v1/namespaces/{namespace}/pods", "get", NULL };
	ck_assert(has_param(at(doc, list), "watch"));
	ck_assert(has_param(at(doc, list), "allowWatchBookmarks"));
	static const struct {
		const char *path, *action, *id;
		bool name, ns;
	} watches[] = {
		{ "/api/v1/watch/namespaces/{namespace}/pods/{name}", "watch",
		  "watchCoreV1NamespacedPod", true, true },
		{ "/api/v1/watch/namespaces/{namespace}/pods", "watchlist",
		  "watchCoreV1NamespacedPodList", false, true },
		{ "/api/v1/watch/pods", "watchlist", "watchCoreV1PodListForAllNamespaces", false,
		  false },
		{ "/api/v1/watch/nodes/{name}", "watch", "watchCoreV1Node", true, false },
		{ "/api/v1/watch/nodes", "watchlist", "watchCoreV1NodeList", false, false },
		{ "/api/v1/watch/namespaces/{name}", "watch", "watchCoreV1Namespace", true, false },
	};
	for (size_t i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
		const char *item_path[] = { "paths", watches[i].path, NULL };
		json_object *item = at(doc, item_path);
		ck_assert_msg(item != NULL, "no %s", watches[i].path);
		const char *get_op[] = { "get", NULL };
		json_object *wop = at(item, get_op);
		ck_assert_ptr_nonnull(wop);
		ck_assert_msg(json_object_object_length(item) == 2, "%s: only get and parameters",
			      watches[i].path);
		const char *action[] = { "x-kubernetes-action", NULL };
		const char *id[] = { "operationId", NULL };
		const char *desc[] = { "description", NULL };
		ck_assert_str_eq(at_str(wop, action), watches[i].action);
		ck_assert_str_eq(at_str(wop, id), watches[i].id);
		ck_assert_ptr_nonnull(strstr(at_str(wop, desc), ". deprecated: use the 'watch' "
								"parameter with a list operation"));
		const char *wkind[] = { "x-kubernetes-group-version-kind", "kind", NULL };
		ck_assert_str_eq(at_str(wop, wkind), strstr(watches[i].id, "Pod") ? "Pod"
						     : strstr(watches[i].id, "Namespace")
							 ? "Namespace"
							 : "Node");
		const char *stream[] = {
			"responses", "200",
			"content",   "application/vnd.kubernetes.protobuf;stream=watch",
			"schema",    "$ref",
			NULL
		};
		ck_assert_str_eq(
		    at_str(wop, stream),
		    "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent");
		const char *json_stream[] = { "responses", "200", "content",
					      "application/json;stream=watch", NULL };
		ck_assert_ptr_nonnull(at(wop, json_stream));
		/* the list's query parameters, then name and namespace when in the path,
		 * all sorted by name as upstream */
		ck_assert(has_param(item, "watch") && has_param(item, "resourceVersion") &&
			  has_param(item, "allowWatchBookmarks") && has_param(item, "pretty"));
		ck_assert(has_param(item, "name") == watches[i].name);
		ck_assert(has_param(item, "namespace") == watches[i].ns);
		json_object *params = NULL;
		json_object_object_get_ex(item, "parameters", &params);
		for (size_t j = 1; j < json_object_array_length(params); j++) {
			const char *pname[] = { "name", NULL };
			ck_assert_int_lt(
			    strcmp(at_str(json_object_array_get_idx(params, j - 1), pname),
				   at_str(json_object_array_get_idx(params, j), pname)),
			    0);
		}
	}
	/* componentstatuses are listed, not watched: no watch path */
	const char *cs_watch[] = { "paths", "/api/v1/watch/componentstatuses", NULL };
	ck_assert_ptr_null(at(doc, cs_watch));
	const char *we_required[] = { "components", "schemas",
				      "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent", "required",
				      NULL };
	json_object *req = at(doc, we_required);
	ck_assert_int_eq(json_object_array_length(req), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(req, 0)), "object");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(req, 1)), "type");
	const char *we_object[] = {
		"components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
		"properties", "object",	 "allOf",
		"0",	      "$ref",	 NULL
	};
	ck_assert_str_eq(at_str(doc, we_object),
			 "#/components/schemas/io.k8s.apimachinery.pkg.runtime.RawExtension");
	json_object_put(doc);

	/* If-None-Match, then a stale hash, which redirects to the current one */
	char url2[1200];
	snprintf(url2, sizeof(url2), "%s%s", ck_test_apiserver_url(api), url);
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(
	    ck_test_sh(&out, "curl -sk -o /dev/null -w '%%{http_code}' -H 'If-None-Match: %s' '%s'",
		       etag, url2),
	    0);
	ck_test_expect_in(&out, "304");
	get("/openapi/v3/api/v1?hash=0123", "application/json", &r);
	ck_assert_int_eq(r.code, 301);
	ck_assert_ptr_nonnull(strstr(r.headers, url));
	ck_test_response_release(&r);
	get("/openapi/v3/apis/nope/v1", "application/json", &r);
	ck_assert_int_eq(r.code, 404);
	ck_test_response_release(&r);
	ck_buf_release(&out);
	free(url);
}
END_TEST

START_TEST(test_openapi_v2)
{
	struct ck_test_response r;
	get("/openapi/v2", "application/json", &r);
	ck_assert_int_eq(r.code, 200);
	json_object *doc = ck_test_response_json(&r);
	ck_test_response_release(&r);
	const char *swagger[] = { "swagger", NULL };
	ck_assert_str_eq(at_str(doc, swagger), "2.0");
	const char *merge_key[] = { "definitions", "io.k8s.api.core.v1.PodSpec",   "properties",
				    "containers",  "x-kubernetes-patch-merge-key", NULL };
	ck_assert_str_eq(at_str(doc, merge_key), "name");
	const char *ref[] = { "definitions", "io.k8s.api.core.v1.Pod", "properties", "spec", "$ref",
			      NULL };
	ck_assert_str_eq(at_str(doc, ref), "#/definitions/io.k8s.api.core.v1.PodSpec");
	const char *rbac[] = {
		"paths", "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}",
		"patch", NULL
	};
	ck_assert(has_param(at(doc, rbac), "fieldValidation"));
	const char *watch[] = { "paths",
				"/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}",
				"get", NULL };
	json_object *wop = at(doc, watch);
	const char *action[] = { "x-kubernetes-action", NULL };
	ck_assert_str_eq(at_str(wop, action), "watch");
	const char *produces[] = { "produces", "4", NULL };
	ck_assert_str_eq(at_str(wop, produces), "application/vnd.kubernetes.protobuf;stream=watch");
	const char *schema[] = { "responses", "200", "schema", "$ref", NULL };
	ck_assert_str_eq(at_str(wop, schema),
			 "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent");
	json_object_put(doc);
	/* in protobuf (gnostic's Document), as kubectl asks for it */
	get("/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_str_eq(r.content_type,
			 "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
	ck_assert_uint_gt(r.body.len, 100000);
	/* Document.swagger (field 1) comes first: "2.0" */
	ck_assert_int_eq(memcmp(r.body.data,
				"\x0a\x03"
				"2.0",
				5),
			 0);
	ck_test_response_release(&r);
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "explain pods.spec.containers.ports "
					    "--output=plaintext-openapiv2",
				    KC),
			 0);
	ck_test_expect_in(&out, "RESOURCE: ports <[]Object>");
	ck_test_expect_in(&out, "containerPort\t<integer> -required-");
	ck_buf_release(&out);
}
END_TEST

/* A request with a JSON body; the response is the caller's to release. */
static void send(const char *method, const char *path, const char *ct, const char *body,
		 struct ck_test_response *r)
{
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", ck_test_apiserver_url(api), path);
	ck_assert_int_eq(ck_test_http(method, url, ct, body, "application/json", r), 0);
}

static void expect_message(struct ck_test_response *r, long code, const char *msg)
{
	ck_assert_msg(r->code == code, "want %ld, got %ld: %s", code, r->code,
		      ck_buf_str(&r->body));
	ck_assert_msg(strstr(ck_buf_str(&r->body), msg), "want '%s' in %s", msg,
		      ck_buf_str(&r->body));
}

START_TEST(test_field_validation)
{
	struct ck_test_response r;
	const char *cms = "/api/v1/namespaces/default/configmaps";
	/* the server's default is Warn: created, the field dropped, one warning */
	send("POST", cms, "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	     "\"colour\":\"red\"},\"data\":{\"a\":\"b\"},\"extra\":1}",
	     &r);
	ck_assert_int_eq(r.code, 201);
	ck_assert_ptr_nonnull(
	    strstr(r.headers, "Warning: 299 - \"unknown field \\\"metadata.colour\\\"\""));
	ck_assert_ptr_nonnull(strstr(r.headers, "Warning: 299 - \"unknown field \\\"extra\\\"\""));
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "colour"));
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "extra"));
	ck_test_response_release(&r);
	get("/api/v1/namespaces/default/configmaps/w", "application/json", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "extra"));
	ck_test_response_release(&r);

	/* Ignore: dropped without a word */
	send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore",
	     "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"i\"},"
	     "\"extra\":1}",
	     &r);
	ck_assert_int_eq(r.code, 201);
	ck_assert_ptr_null(strstr(r.headers, "Warning"));
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "extra"));
	ck_test_response_release(&r);

	/* Strict: unknown and duplicate fields, as upstream words them */
	send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
	     "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"s\","
	     "\"name\":\"t\"},\"extra\":1}",
	     &r);
	expect_message(&r, 400,
		       "ConfigMap in version \\\"v1\\\" cannot be handled as a ConfigMap: strict "
		       "decoding error: unknown field \\\"extra\\\", duplicate field "
		       "\\\"metadata.name\\\"");
	ck_assert_ptr_nonnull(strstr(ck_buf_str(&r.body), "\"reason\":\"BadRequest\""));
	ck_test_response_release(&r);
	/* types, whatever the directive */
	send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore",
	     "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
	     "\"immutable\":\"yes\"}",
	     &r);
	expect_message(&r, 400,
		       "ConfigMap in version \\\"v1\\\" cannot be handled as a ConfigMap: json: "
		       "cannot unmarshal string into Go struct field ConfigMap.immutable of type "
		       "bool");
	ck_test_response_release(&r);
	/* a bad directive */
	send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Loud",
	     "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", &r);
	expect_message(&r, 422, "fieldValidation: Unsupported value: \\\"Loud\\\"");
	ck_test_response_release(&r);

	/* patches: the patched object is checked (no "cannot be handled" prefix) */
	send("PATCH", "/api/v1/namespaces/default/configmaps/w?fieldValidation=Strict",
	     "application/merge-patch+json", "{\"spec\":{\"x\":1}}", &r);
	expect_message(&r, 400, "strict decoding error: unknown field \\\"spec\\\"");
	ck_test_response_release(&r);
	send("PATCH", "/api/v1/namespaces/default/configmaps/w",
	     "application/strategic-merge-patch+json", "{\"data\":{\"c\":\"d\"},\"spec\":1}", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_ptr_nonnull(strstr(r.headers, "unknown field \\\"spec\\\""));
	ck_assert_ptr_null(strstr(ck_buf_str(&r.body), "\"spec\""));
	ck_test_response_release(&r);
	/* and updates */
	send("PUT", "/api/v1/namespaces/default/configmaps/w?fieldValidation=Strict",
	     "application/json",
	     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"},"
	     "\"datta\":{}}",
	     &r);
	expect_message(&r, 400, "strict decoding error: unknown field \\\"datta\\\"");
	ck_test_response_release(&r);
}
END_TEST

static const char pod_yaml[] = "apiVersion: v1\n"
			       "kind: Pod\n"
			       "metadata:\n"
			       "  name: web\n"
			       "spec:\n"
			       "  containers:\n"
			       "  - name: app\n"
			       "    image: busybox\n"
			       "    imagee: typo\n";

static const char svc_yaml[] = "apiVersion: v1\n"
			       "kind: Service\n"
			       "metadata:\n"
			       "  name: svc\n"
			       "spec:\n"
			       "  ports:\n"
			       "  - name: http\n"
			       "    port: 80\n"
			       "    targetPort: %s\n";

START_TEST(test_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	/* apply and create -f under the default (strict) validation */
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "apply -f %s", KC, file("pod.yaml", pod_yaml)),
			 0);
	ck_test_expect_in(&out, "strict decoding error: unknown field "
				"\"spec.containers[0].imagee\"");
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "create -f %s", KC, file("pod.yaml", pod_yaml)),
			 0);
	ck_test_expect_in(&out, "Pod in version \"v1\" cannot be handled as a Pod: strict decoding "
				"error: unknown field \"spec.containers[0].imagee\"");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "create -f %s", KC,
		       file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
				       "made\ndata:\n  a: b\n")),
	    0);
	ck_test_expect_in(&out, "configmap/made created");

	/* client-side apply: created, unchanged, configured; the patch merges by the
	 * schema's keys (a port added by someone else stays) */
	char yaml[512];
	snprintf(yaml, sizeof(yaml), svc_yaml, "8080");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply -f %s", KC, file("svc.yaml", yaml)), 0);
	ck_test_expect_in(&out, "service/svc created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply -f %s", KC, file("svc.yaml", yaml)), 0);
	ck_test_expect_in(&out, "service/svc unchanged");
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "patch service svc --type=strategic -p "
					    "'{\"spec\":{\"ports\":[{\"name\":\"extra\",\"port\":"
					    "81}]}}'",
				    KC),
			 0);
	snprintf(yaml, sizeof(yaml), svc_yaml, "9090");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "apply -f %s", KC, file("svc.yaml", yaml)), 0);
	ck_test_expect_in(&out, "service/svc configured");
	ck_assert_msg(!strcasestr(ck_buf_str(&out), "warning"), "%s", ck_buf_str(&out));
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL
				    "get service svc -o jsonpath='{range .spec.ports[*]}{.port}:"
				    "{.targetPort} {end}'",
				    KC),
			 0);
	ck_test_expect_in(&out, "80:9090 ");
	ck_test_expect_in(&out, "81:81 ");

	/* explain, from the v3 document */
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "explain pods.spec.containers", KC), 0);
	ck_test_expect_in(&out, "KIND:       Pod");
	ck_test_expect_in(&out, "VERSION:    v1");
	ck_test_expect_in(&out, "FIELD: containers <[]Container>");
	ck_test_expect_in(&out, "FIELDS:");
	ck_test_expect_in(&out, "name\t<string> -required-");
	ck_test_expect_in(&out, "ports\t<[]ContainerPort>");
	ck_test_expect_in(&out, "livenessProbe\t<Probe>");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "explain pod --recursive", KC), 0);
	ck_test_expect_in(&out, "containers\t<[]Container> -required-");
	ck_test_expect_in(&out, "creationTimestamp\t<string>");
	ck_test_expect_in(&out, "limits\t<map[string]Quantity>");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "explain deployment --recursive", KC), 0);
	ck_test_expect_in(&out, "GROUP:      apps");
	ck_test_expect_in(&out, "KIND:       Deployment");
	ck_test_expect_in(&out, "    strategy\t<DeploymentStrategy>\n");
	ck_test_expect_in(&out, "      rollingUpdate\t<RollingUpdateDeployment>\n");
	ck_test_expect_in(&out, "        maxSurge\t<IntOrString>\n");
	ck_test_expect_in(&out, "    template\t<PodTemplateSpec> -required-\n");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "explain roles.rules", KC), 0);
	ck_test_expect_in(&out, "GROUP:      rbac.authorization.k8s.io");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_openapi(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("openapi");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_openapi_v3);
	tcase_add_test(tc, test_openapi_v2);
	tcase_add_test(tc, test_field_validation);
	tcase_add_test(tc, test_kubectl);
	suite_add_tcase(s, tc);
	return s;
}
