/*
 * Admission and the Node authorizer on a secured API server (cluster PKI,
 * --authorization-mode=Node,RBAC, NodeRestriction, every default plugin,
 * ServiceAccount and Priority included) against a real etcd: namespaces
 * being deleted, LimitRanger defaults and limits, the default service
 * account and its token volume, ResourceQuota, webhooks called over TLS on
 * loopback, and what a kubelet's credentials may do.
 */
#include <check.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "apimachinery/object.h"
#include "auth/pki.h"
#include "kubeadm/kubeadm.h"
#include "util/buf.h"
#include "util/http_server.h"
#include "util/str.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static const char *base;
static char pki[512];
static char files[8][600];
static struct ck_test_client admin, kubelet1, kubelet2;

#define MERGE "application/merge-patch+json"

/* A request that must answer want; returns the answer (owned). */
static json_object *expect(const struct ck_test_client *who, const char *method, const char *path,
			   const char *body, const char *type, long want)
{
	long code = 0;
	json_object *o = ck_test_request_as(who, base, method, path, body, type, &code);
	ck_assert_msg(code == want, "%s %s: got %ld, want %ld: %s", method, path, code, want,
		      o ? json_object_to_json_string(o) : "(not JSON)");
	return o;
}

static void expect_put(const struct ck_test_client *who, const char *method, const char *path,
		       const char *body, long want)
{
	json_object_put(expect(who, method, path, body, NULL, want));
}

/* Retries until the answer is want (the watch caches follow etcd by a moment). */
static json_object *eventually(const struct ck_test_client *who, const char *method,
			       const char *path, const char *body, long want)
{
	long code = 0;
	json_object *o = NULL;
	for (int i = 0; i < 150; i++) {
		json_object_put(o);
		o = ck_test_request_as(who, base, method, path, body, NULL, &code);
		if (code == want)
			return o;
		ck_test_sleep_ms(20);
	}
	ck_assert_msg(0, "%s %s: got %ld, want %ld: %s", method, path, code, want,
		      o ? json_object_to_json_string(o) : "(not JSON)");
	return o;
}

static const char *str(json_object *o, const char *path)
{
	const char *s = ck_obj_path_str(o, path);
	return s ? s : "";
}

static void namespace_with_sa(const char *ns)
{
	char body[256], path[256];
	snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"%s\"}}", ns);
	expect_put(&admin, "POST", "/api/v1/namespaces", body, 201);
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/serviceaccounts", ns);
	expect_put(&admin, "POST", path, "{\"metadata\":{\"name\":\"default\"}}", 201);
}

/* Waits until a cached list (resourceVersion=0) of path has n items. */
static void wait_cached(const char *path, size_t n)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%cresourceVersion=0", path, strchr(path, '?') ? '&' : '?');
	size_t have = 0;
	for (int i = 0; i < 150 && have != n; i++) {
		long code = 0;
		json_object *o = ck_test_request_as(&admin, base, "GET", p, NULL, NULL, &code);
		have = json_object_array_length(ck_obj_path(o, "items"));
		json_object_put(o);
		if (have != n)
			ck_test_sleep_ms(20);
	}
	ck_assert_uint_eq(have, n);
}

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	/* Every default plugin on: the harness turns ServiceAccount and Priority off. */
	static const char *const args[] = { "--disable-admission-plugins=", NULL };
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = args,
					       .secure = 1 };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	base = ck_test_apiserver_url(api);
	snprintf(pki, sizeof(pki), "%s/pki", ck_test_apiserver_dir(api));
	/* Two kubelets' certificates from the same CA. */
	static const char *const nodes[] = { "n1", "n2", NULL };
	struct ck_kubeadm_certs_options co = { .cert_dir = pki, .node_names = nodes };
	ck_assert_int_eq(ck_kubeadm_certs(&co), 0);
	const char *names[] = { "admin.crt",	  "admin.key",	    "kubelet-n1.crt",
				"kubelet-n1.key", "kubelet-n2.crt", "kubelet-n2.key" };
	for (size_t i = 0; i < 6; i++)
		snprintf(files[i], sizeof(files[i]), "%s/%s", pki, names[i]);
	admin = (struct ck_test_client){ .cert = files[0], .key = files[1] };
	kubelet1 = (struct ck_test_client){ .cert = files[2], .key = files[3] };
	kubelet2 = (struct ck_test_client){ .cert = files[4], .key = files[5] };
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	api = NULL;
	etcd = NULL;
}

START_TEST(test_admission_namespace_lifecycle)
{
	json_object *st =
	    expect(&admin, "DELETE", "/api/v1/namespaces/kube-system", NULL, NULL, 403);
	ck_assert_str_eq(
	    str(st, "message"),
	    "namespaces \"kube-system\" is forbidden: this namespace may not be deleted");
	json_object_put(st);
	/* Not even as a dry run. */
	expect_put(&admin, "DELETE", "/api/v1/namespaces/default?dryRun=All", NULL, 403);
	st = expect(&admin, "POST", "/api/v1/namespaces/nowhere/configmaps",
		    "{\"metadata\":{\"name\":\"c\"}}", NULL, 404);
	ck_assert_str_eq(str(st, "message"), "namespaces \"nowhere\" not found");
	json_object_put(st);
	/* A namespace being deleted (its finalizer pending) refuses new objects. */
	expect_put(&admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"doomed\"}}",
		   201);
	expect_put(&admin, "POST", "/api/v1/namespaces/doomed/configmaps",
		   "{\"metadata\":{\"name\":\"before\"}}", 201);
	json_object *ns = expect(&admin, "DELETE", "/api/v1/namespaces/doomed", NULL, NULL, 200);
	ck_assert_str_eq(str(ns, "status.phase"), "Terminating");
	json_object_put(ns);
	st = eventually(&admin, "POST", "/api/v1/namespaces/doomed/configmaps",
			"{\"metadata\":{\"name\":\"after\"}}", 403);
	ck_assert_str_eq(str(st, "reason"), "Forbidden");
	ck_assert_str_eq(str(st, "message"),
			 "configmaps \"after\" is forbidden: unable to create new content in "
			 "namespace doomed because it is being terminated");
	ck_assert_str_eq(
	    str(json_object_array_get_idx(ck_obj_path(st, "details.causes"), 0), "reason"),
	    "NamespaceTerminating");
	json_object_put(st);
	/* What is there may still change. */
	json_object_put(expect(&admin, "PATCH", "/api/v1/namespaces/doomed/configmaps/before",
			       "{\"data\":{\"a\":\"b\"}}", MERGE, 200));
}
END_TEST

static const char *pod_body =
    "{\"metadata\":{\"name\":\"%s\",\"labels\":{%s}},\"spec\":{%s\"containers\":[{\"name\":"
    "\"c\",\"image\":\"busybox\"%s}]}}";

static char *pod(const char *name, const char *labels, const char *spec, const char *container)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, pod_body, name, labels, spec, container);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_admission_pod_defaults)
{
	namespace_with_sa("team");
	expect_put(&admin, "POST", "/api/v1/namespaces/team/limitranges",
		   "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
		   "\"default\":{\"cpu\":\"500m\",\"memory\":\"128Mi\"},\"defaultRequest\":"
		   "{\"cpu\":\"100m\"},\"max\":{\"cpu\":\"1\"}}]}}",
		   201);
	wait_cached("/api/v1/namespaces/team/limitranges", 1);
	char *body = pod("web", "", "", "");
	json_object *p = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 201);
	free(body);
	/* ServiceAccount: the default account and upstream's projected token volume. */
	ck_assert_str_eq(str(p, "spec.serviceAccountName"), "default");
	json_object *vol = json_object_array_get_idx(ck_obj_path(p, "spec.volumes"), 0);
	const char *vname = str(vol, "name");
	ck_assert_msg(ck_str_has_prefix(vname, "kube-api-access-") && strlen(vname) == 21, "%s",
		      vname);
	ck_assert_int_eq(json_object_get_int(ck_obj_path(vol, "projected.defaultMode")), 420);
	json_object *src = ck_obj_path(vol, "projected.sources");
	ck_assert_uint_eq(json_object_array_length(src), 3);
	ck_assert_str_eq(
	    json_object_to_json_string_ext(src, JSON_C_TO_STRING_PLAIN),
	    "[{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
	    "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\","
	    "\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{\"fieldRef\":{"
	    "\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"},\"path\":"
	    "\"namespace\"}]}}]");
	json_object *c = json_object_array_get_idx(ck_obj_path(p, "spec.containers"), 0);
	json_object *m = json_object_array_get_idx(ck_obj_path(c, "volumeMounts"), 0);
	ck_assert_str_eq(str(m, "name"), vname);
	ck_assert_str_eq(str(m, "mountPath"), "/var/run/secrets/kubernetes.io/serviceaccount");
	ck_assert(json_object_get_boolean(ck_obj_path(m, "readOnly")));
	/* LimitRanger: the defaults, and the annotation saying so. */
	json_object *note = NULL;
	json_object_object_get_ex(ck_obj_annotations(p), "kubernetes.io/limit-ranger", &note);
	ck_assert_str_eq(str(c, "resources.limits.cpu"), "500m");
	ck_assert_str_eq(str(c, "resources.limits.memory"), "128Mi");
	ck_assert_str_eq(str(c, "resources.requests.cpu"), "100m");
	ck_assert_str_eq(str(c, "resources.requests.memory"), "128Mi");
	ck_assert_str_eq(
	    json_object_get_string(note),
	    "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for "
	    "container c");
	ck_assert_str_eq(str(p, "status.qosClass"), "Burstable");
	/* DefaultTolerationSeconds and Priority. */
	json_object *tol = ck_obj_path(p, "spec.tolerations");
	ck_assert_uint_eq(json_object_array_length(tol), 2);
	ck_assert_str_eq(str(json_object_array_get_idx(tol, 0), "key"),
			 "node.kubernetes.io/not-ready");
	ck_assert_int_eq(json_object_get_int(
			     ck_obj_path(json_object_array_get_idx(tol, 1), "tolerationSeconds")),
			 300);
	ck_assert_int_eq(json_object_get_int(ck_obj_path(p, "spec.priority")), 0);
	ck_assert_str_eq(str(p, "spec.preemptionPolicy"), "PreemptLowerPriority");
	json_object_put(p);
	/* LimitRanger's max; a missing account; a made-up priority. */
	body = pod("big", "", "", ",\"resources\":{\"limits\":{\"cpu\":\"2\"}}");
	json_object *st = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 403);
	ck_assert_str_eq(str(st, "message"), "pods \"big\" is forbidden: maximum cpu usage per "
					     "Container is 1, but limit is 2");
	json_object_put(st);
	free(body);
	body = pod("ghost", "", "\"serviceAccountName\":\"ghost\",", "");
	st = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 403);
	ck_assert_str_eq(
	    str(st, "message"),
	    "pods \"ghost\" is forbidden: error looking up service account team/ghost: "
	    "serviceaccount \"ghost\" not found");
	json_object_put(st);
	free(body);
	body = pod("vip", "", "\"priority\":7,", "");
	st = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "pods \"vip\" is forbidden: the integer value of priority (7) must not be "
			 "provided in pod spec; priority admission controller computed 0 from the "
			 "given PriorityClass name");
	json_object_put(st);
	free(body);
	body = pod("crit", "", "\"priorityClassName\":\"system-node-critical\",", "");
	p = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 201);
	ck_assert_int_eq(json_object_get_int64(ck_obj_path(p, "spec.priority")), 2000001000);
	json_object_put(p);
	free(body);
	/* PriorityClass objects (scheduling.k8s.io/v1). */
	expect_put(&admin, "POST", "/apis/scheduling.k8s.io/v1/priorityclasses",
		   "{\"metadata\":{\"name\":\"high\"},\"value\":1000}", 201);
	wait_cached("/apis/scheduling.k8s.io/v1/priorityclasses?fieldSelector=metadata.name%3Dhigh",
		    1);
	body = pod("high", "", "\"priorityClassName\":\"high\",", "");
	p = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 201);
	ck_assert_int_eq(json_object_get_int64(ck_obj_path(p, "spec.priority")), 1000);
	ck_assert_str_eq(str(p, "spec.preemptionPolicy"), "PreemptLowerPriority");
	json_object_put(p);
	free(body);
	body = pod("nope", "", "\"priorityClassName\":\"nope\",", "");
	st = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "pods \"nope\" is forbidden: no PriorityClass with name nope was found");
	json_object_put(st);
	free(body);
	/* An account that opts out gets no token volume. */
	expect_put(&admin, "POST", "/api/v1/namespaces/team/serviceaccounts",
		   "{\"metadata\":{\"name\":\"quiet\"},\"automountServiceAccountToken\":false}",
		   201);
	body = pod("quiet", "", "\"serviceAccountName\":\"quiet\",", "");
	p = expect(&admin, "POST", "/api/v1/namespaces/team/pods", body, NULL, 201);
	ck_assert_ptr_null(ck_obj_path(p, "spec.volumes"));
	json_object_put(p);
	free(body);
}
END_TEST

START_TEST(test_admission_resource_quota)
{
	namespace_with_sa("q");
	expect_put(&admin, "POST", "/api/v1/namespaces/q/resourcequotas",
		   "{\"metadata\":{\"name\":\"one-pod\"},\"spec\":{\"hard\":{\"pods\":\"1\","
		   "\"requests.cpu\":\"1\"}}}",
		   201);
	wait_cached("/api/v1/namespaces/q/resourcequotas", 1);
	const char *req = ",\"resources\":{\"requests\":{\"cpu\":\"250m\"}}";
	char *body = pod("p1", "", "", req);
	expect_put(&admin, "POST", "/api/v1/namespaces/q/pods", body, 201);
	free(body);
	json_object *q =
	    expect(&admin, "GET", "/api/v1/namespaces/q/resourcequotas/one-pod", NULL, NULL, 200);
	ck_assert_str_eq(str(q, "status.hard.pods"), "1");
	ck_assert_str_eq(str(q, "status.used.pods"), "1");
	json_object *cpu = NULL;
	json_object_object_get_ex(ck_obj_path(q, "status.used"), "requests.cpu", &cpu);
	ck_assert_str_eq(json_object_get_string(cpu), "250m");
	json_object_put(q);
	body = pod("p2", "", "", req);
	json_object *st = expect(&admin, "POST", "/api/v1/namespaces/q/pods", body, NULL, 403);
	ck_assert_str_eq(str(st, "reason"), "Forbidden");
	ck_assert_str_eq(str(st, "message"),
			 "pods \"p2\" is forbidden: exceeded quota: one-pod, requested: pods=1, "
			 "used: pods=1, limited: pods=1");
	json_object_put(st);
	/* Deleting the first pod gives the room back. */
	expect_put(&admin, "DELETE", "/api/v1/namespaces/q/pods/p1?gracePeriodSeconds=0", NULL,
		   200);
	q = expect(&admin, "GET", "/api/v1/namespaces/q/resourcequotas/one-pod", NULL, NULL, 200);
	ck_assert_str_eq(str(q, "status.used.pods"), "0");
	json_object_put(q);
	expect_put(&admin, "POST", "/api/v1/namespaces/q/pods", body, 201);
	free(body);
}
END_TEST

/* Scoped quotas count and limit only the pods their scopes select. */
START_TEST(test_admission_quota_scopes)
{
	namespace_with_sa("qs");
	expect_put(&admin, "POST", "/apis/scheduling.k8s.io/v1/priorityclasses",
		   "{\"metadata\":{\"name\":\"high\"},\"value\":1000}", 201);
	const char *quotas[] = {
		"{\"metadata\":{\"name\":\"be\"},\"spec\":{\"hard\":{\"pods\":\"1\"},"
		"\"scopes\":[\"BestEffort\"]}}",
		"{\"metadata\":{\"name\":\"pc\"},\"spec\":{\"hard\":{\"pods\":\"1\"},"
		"\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\","
		"\"operator\":\"In\",\"values\":[\"high\"]}]}}}",
		"{\"metadata\":{\"name\":\"dead\"},\"spec\":{\"hard\":{\"pods\":\"0\"},"
		"\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"Terminating\","
		"\"operator\":\"Exists\"}]}}}",
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(quotas); i++)
		expect_put(&admin, "POST", "/api/v1/namespaces/qs/resourcequotas", quotas[i], 201);
	wait_cached("/api/v1/namespaces/qs/resourcequotas", 3);
	wait_cached("/apis/scheduling.k8s.io/v1/priorityclasses?fieldSelector=metadata.name%3Dhigh",
		    1);
	const char *req = ",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}";
	struct {
		const char *name, *spec, *container, *refused_by;
	} cases[] = {
		{ "be1", "", "", NULL },    /* BestEffort: "be" has room for one */
		{ "be2", "", "", "be" },    /* … and no more */
		{ "burst", "", req, NULL }, /* not BestEffort: no scoped quota matches */
		{ "hi1", "\"priorityClassName\":\"high\",", req, NULL },
		{ "hi2", "\"priorityClassName\":\"high\",", req, "pc" },
		{ "term", "\"activeDeadlineSeconds\":30,", req, "dead" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(cases); i++) {
		char *body = pod(cases[i].name, "", cases[i].spec, cases[i].container);
		json_object *o = expect(&admin, "POST", "/api/v1/namespaces/qs/pods", body, NULL,
					cases[i].refused_by ? 403 : 201);
		if (cases[i].refused_by) {
			char want[256];
			snprintf(want, sizeof(want),
				 "pods \"%s\" is forbidden: exceeded quota: %s, requested: pods=1",
				 cases[i].name, cases[i].refused_by);
			ck_assert_msg(ck_str_has_prefix(str(o, "message"), want), "%s",
				      str(o, "message"));
		}
		json_object_put(o);
		free(body);
	}
	const char *used[][2] = { { "be", "1" }, { "pc", "1" } };
	for (size_t i = 0; i < CK_ARRAY_SIZE(used); i++) {
		char path[256];
		snprintf(path, sizeof(path), "/api/v1/namespaces/qs/resourcequotas/%s", used[i][0]);
		json_object *q = expect(&admin, "GET", path, NULL, NULL, 200);
		ck_assert_str_eq(str(q, "status.used.pods"), used[i][1]);
		json_object_put(q);
	}
}
END_TEST

/* LimitRanger holds claims' storage requests to PersistentVolumeClaim items. */
START_TEST(test_admission_limit_claims)
{
	namespace_with_sa("claims");
	expect_put(&admin, "POST", "/api/v1/namespaces/claims/limitranges",
		   "{\"metadata\":{\"name\":\"storage\"},\"spec\":{\"limits\":[{\"type\":"
		   "\"PersistentVolumeClaim\",\"min\":{\"storage\":\"1Gi\"},\"max\":"
		   "{\"storage\":\"2Gi\"}}]}}",
		   201);
	wait_cached("/api/v1/namespaces/claims/limitranges", 1);
	const char *claim = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"accessModes\":["
			    "\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":"
			    "\"%s\"}}}}";
	struct {
		const char *name, *size, *message;
	} cases[] = {
		{ "big", "5Gi",
		  "maximum storage usage per PersistentVolumeClaim is 2Gi, but "
		  "request is 5Gi" },
		{ "small", "500Mi",
		  "minimum storage usage per PersistentVolumeClaim is 1Gi, but "
		  "request is 500Mi" },
		{ "right", "1536Mi", NULL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(cases); i++) {
		char body[512], want[256];
		snprintf(body, sizeof(body), claim, cases[i].name, cases[i].size);
		json_object *o =
		    expect(&admin, "POST", "/api/v1/namespaces/claims/persistentvolumeclaims", body,
			   NULL, cases[i].message ? 403 : 201);
		if (cases[i].message) {
			snprintf(want, sizeof(want),
				 "persistentvolumeclaims \"%s\" is forbidden: %s", cases[i].name,
				 cases[i].message);
			ck_assert_str_eq(str(o, "message"), want);
		}
		json_object_put(o);
	}
}
END_TEST

/* ---- webhooks: a TLS server on loopback ---- */

static atomic_int webhook_calls;
static atomic_int slow_calls; /* validating calls to /slow so far */

static void respond_review(struct ck_http_request *req, json_object *response)
{
	json_object *rev = json_object_new_object();
	json_object_object_add(rev, "apiVersion", json_object_new_string("admission.k8s.io/v1"));
	json_object_object_add(rev, "kind", json_object_new_string("AdmissionReview"));
	json_object_object_add(rev, "response", response);
	const char *s = json_object_to_json_string(rev);
	ck_http_respond(req, 200, "application/json", s, strlen(s));
	json_object_put(rev);
}

static void webhook_handler(void *data, struct ck_http_request *req)
{
	(void)data;
	atomic_fetch_add(&webhook_calls, 1);
	const struct ck_buf *b = ck_http_request_body(req);
	json_object *rev = json_tokener_parse(b->data ? b->data : "");
	json_object *request = ck_obj_path(rev, "request");
	json_object *resp = json_object_new_object();
	json_object_object_add(resp, "uid", json_object_new_string(str(request, "uid")));
	const char *path = ck_http_request_path(req);
	if (ck_streq(path, "/slow")) {
		/* Allows only when both /slow webhooks are called at once: each waits
		 * (up to 3 s) for the other. */
		atomic_fetch_add(&slow_calls, 1);
		for (int i = 0; i < 300 && atomic_load(&slow_calls) < 2; i++)
			ck_test_sleep_ms(10);
		bool both = atomic_load(&slow_calls) >= 2;
		json_object_object_add(resp, "allowed", json_object_new_boolean(both));
		json_object *w = json_object_new_array();
		json_object_array_add(w, json_object_new_string("watch \"this\" pod"));
		json_object_object_add(resp, "warnings", w);
	} else if (ck_streq(path, "/see-b") || ck_streq(path, "/set-b")) {
		/* Reinvocation: /see-b records the label /set-b adds after it. */
		const char *b = str(request, "object.metadata.labels.b");
		char ops[256];
		if (ck_streq(path, "/see-b"))
			snprintf(ops, sizeof(ops),
				 "[{\"op\":\"add\",\"path\":\"/metadata/labels/seen-b\","
				 "\"value\":\"%s\"}]",
				 *b ? b : "none");
		else
			snprintf(ops, sizeof(ops),
				 "[{\"op\":\"add\",\"path\":\"/metadata/labels/"
				 "b\",\"value\":\"set\"}]");
		char *patch = ck_base64_encode(ops, strlen(ops));
		json_object_object_add(resp, "allowed", json_object_new_boolean(1));
		json_object_object_add(resp, "patchType", json_object_new_string("JSONPatch"));
		json_object_object_add(resp, "patch", json_object_new_string(patch));
		free(patch);
	} else if (ck_streq(path, "/validate")) {
		bool deny = ck_streq(str(request, "object.metadata.labels.deny"), "yes");
		json_object_object_add(resp, "allowed", json_object_new_boolean(!deny));
		if (deny) {
			json_object *st = json_object_new_object();
			json_object_object_add(st, "code", json_object_new_int(403));
			json_object_object_add(st, "message",
					       json_object_new_string("no deny label allowed"));
			json_object_object_add(resp, "status", st);
		}
	} else {
		/* Mutate: add a label; the request must be the real one. */
		bool ok = ck_streq(str(request, "operation"), "CREATE") &&
			  ck_streq(str(request, "kind.kind"), "Pod") &&
			  ck_streq(str(request, "userInfo.username"), "kubernetes-admin");
		json_object_object_add(resp, "allowed", json_object_new_boolean(1));
		const char *ops = ok ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/"
				       "mutated\",\"value\":\"yes\"}]"
				     : "[{\"op\":\"add\",\"path\":\"/metadata/labels/"
				       "mutated\",\"value\":\"bad\"}]";
		char *patch = ck_base64_encode(ops, strlen(ops));
		json_object_object_add(resp, "patchType", json_object_new_string("JSONPatch"));
		json_object_object_add(resp, "patch", json_object_new_string(patch));
		free(patch);
	}
	respond_review(req, resp);
	json_object_put(rev);
}

static char *webhook_config(const char *kind, const char *name, const char *url, const char *ca_b64,
			    const char *resource, const char *policy, const char *selector)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b,
		    "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"%s\","
		    "\"metadata\":{\"name\":\"%s\"},\"webhooks\":[{\"name\":\"%s\","
		    "\"clientConfig\":{\"url\":\"%s\",\"caBundle\":\"%s\"},\"rules\":[{"
		    "\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
		    "\"resources\":[\"%s\"]}],\"failurePolicy\":\"%s\",\"sideEffects\":\"None\","
		    "\"admissionReviewVersions\":[\"v1\"],\"timeoutSeconds\":5%s}]}",
		    kind, name, name, url, ca_b64, resource, policy, selector);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_admission_webhooks)
{
	namespace_with_sa("hooks");
	/* The webhook's CA and serving certificate. */
	char *ca_key = NULL, *ca_cert = NULL, *cert = NULL, *key = NULL;
	struct ck_pki_cert_spec ca = { .cn = "webhook-ca", .is_ca = true };
	ck_assert_int_eq(ck_pki_new_cert(&ca, NULL, NULL, NULL, &ca_cert, &ca_key), 0);
	static const char *const ips[] = { "127.0.0.1", NULL };
	struct ck_pki_cert_spec srv = { .cn = "webhook", .ips = ips, .server_auth = true };
	ck_assert_int_eq(ck_pki_new_cert(&srv, NULL, ca_cert, ca_key, &cert, &key), 0);
	char cert_file[700], key_file[700];
	snprintf(cert_file, sizeof(cert_file), "%s/webhook.crt", ck_test_apiserver_dir(api));
	snprintf(key_file, sizeof(key_file), "%s/webhook.key", ck_test_apiserver_dir(api));
	ck_assert_int_eq(ck_pki_write_file(cert_file, cert, 0600), 0);
	ck_assert_int_eq(ck_pki_write_file(key_file, key, 0600), 0);
	struct ck_http_server_config hc = { .bind_address = "127.0.0.1",
					    .tls_cert_file = cert_file,
					    .tls_key_file = key_file,
					    .threads = 2,
					    .handler_threads = 4, /* /slow blocks */
					    .handler = webhook_handler };
	struct ck_http_server *hs = NULL;
	ck_assert_int_eq(ck_http_server_start(&hc, &hs), 0);
	int port = ck_http_server_port(hs);
	char *ca_b64 = ck_base64_encode(ca_cert, strlen(ca_cert));
	char url[128], dead[128];
	int dead_port = 0;
	ck_assert_int_eq(ck_test_free_ports(&dead_port, 1), 0);
	snprintf(dead, sizeof(dead), "https://127.0.0.1:%d/validate", dead_port);

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/mutate", port);
	char *cfg =
	    webhook_config("MutatingWebhookConfiguration", "label.ckube.test", url, ca_b64, "pods",
			   "Fail", ",\"objectSelector\":{\"matchLabels\":{\"app\":\"web\"}}");
	json_object *o = expect(
	    &admin, "POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
	    cfg, NULL, 201);
	/* Upstream's defaults. */
	json_object *hook = json_object_array_get_idx(ck_obj_path(o, "webhooks"), 0);
	ck_assert_str_eq(str(hook, "matchPolicy"), "Equivalent");
	ck_assert_str_eq(str(hook, "reinvocationPolicy"), "Never");
	ck_assert_str_eq(str(json_object_array_get_idx(ck_obj_path(hook, "rules"), 0), "scope"),
			 "*");
	json_object_put(o);
	free(cfg);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/validate", port);
	cfg = webhook_config("ValidatingWebhookConfiguration", "deny.ckube.test", url, ca_b64,
			     "pods", "Fail", "");
	expect_put(&admin, "POST",
		   "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", cfg,
		   201);
	free(cfg);
	/* A webhook nobody answers: Ignore lets pods through, Fail stops configmaps. */
	cfg = webhook_config("ValidatingWebhookConfiguration", "gone.ckube.test", dead, ca_b64,
			     "pods", "Ignore", "");
	expect_put(&admin, "POST",
		   "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", cfg,
		   201);
	free(cfg);
	cfg = webhook_config("ValidatingWebhookConfiguration", "dead.ckube.test", dead, ca_b64,
			     "configmaps", "Fail", "");
	expect_put(&admin, "POST",
		   "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", cfg,
		   201);
	free(cfg);
	/* Invalid configurations are refused. */
	json_object *st = expect(
	    &admin, "POST", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
	    "{\"metadata\":{\"name\":\"bad\"},\"webhooks\":[{\"name\":\"bad\",\"clientConfig\":{"
	    "\"url\":\"http://x\"},\"admissionReviewVersions\":[\"v1\"]}]}",
	    NULL, 422);
	ck_assert(strstr(str(st, "message"), "webhooks[0].sideEffects: Required value") != NULL);
	json_object_put(st);
	wait_cached("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", 3);
	wait_cached("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", 1);

	/* The mutating webhook patches pods it selects. */
	char *body = pod("web", "\"app\":\"web\"", "", "");
	o = expect(&admin, "POST", "/api/v1/namespaces/hooks/pods", body, NULL, 201);
	ck_assert_str_eq(str(o, "metadata.labels.mutated"), "yes");
	/* What it added went through defaulting and validation like the rest. */
	ck_assert_str_eq(str(o, "spec.serviceAccountName"), "default");
	json_object_put(o);
	free(body);
	body = pod("plain", "\"app\":\"db\"", "", "");
	o = expect(&admin, "POST", "/api/v1/namespaces/hooks/pods", body, NULL, 201);
	ck_assert_str_eq(str(o, "metadata.labels.mutated"), "");
	json_object_put(o);
	free(body);
	/* The validating webhook denies, in upstream's words, with its code. */
	body = pod("evil", "\"app\":\"web\",\"deny\":\"yes\"", "", "");
	st = expect(&admin, "POST", "/api/v1/namespaces/hooks/pods", body, NULL, 403);
	ck_assert_str_eq(str(st, "message"), "admission webhook \"deny.ckube.test\" denied the "
					     "request: no deny label allowed");
	json_object_put(st);
	/* Dry runs are admitted too (sideEffects None). */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/namespaces/hooks/pods?dryRun=All");
	expect_put(&admin, "POST", path, body, 403);
	free(body);
	st = expect(&admin, "POST", "/api/v1/namespaces/hooks/configmaps",
		    "{\"metadata\":{\"name\":\"c\"}}", NULL, 500);
	ck_assert_msg(ck_str_has_prefix(str(st, "message"),
					"Internal error occurred: failed calling webhook "
					"\"dead.ckube.test\": failed to call webhook: Post "
					"\"https://127.0.0.1:"),
		      "%s", str(st, "message"));
	json_object_put(st);
	ck_assert_int_gt(atomic_load(&webhook_calls), 3);
	/* A configuration that goes away stops applying. */
	expect_put(&admin, "DELETE",
		   "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/"
		   "dead.ckube.test",
		   NULL, 200);
	json_object_put(eventually(&admin, "POST", "/api/v1/namespaces/hooks/configmaps",
				   "{\"metadata\":{\"name\":\"c\"}}", 201));

	/* reinvocationPolicy IfNeeded: see-b runs again after set-b changed the pod. */
	const char *reinv[][3] = { { "a.see-b.ckube.test", "/see-b",
				     ",\"reinvocationPolicy\":"
				     "\"IfNeeded\"" },
				   { "b.set-b.ckube.test", "/set-b", "" } };
	for (size_t i = 0; i < 2; i++) {
		char extra[256];
		snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", port, reinv[i][1]);
		snprintf(extra, sizeof(extra),
			 ",\"objectSelector\":{\"matchLabels\":{\"app\":\"reinv\"}}%s",
			 reinv[i][2]);
		cfg = webhook_config("MutatingWebhookConfiguration", reinv[i][0], url, ca_b64,
				     "pods", "Fail", extra);
		expect_put(&admin, "POST",
			   "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
			   cfg, 201);
		free(cfg);
	}
	/* Two validating webhooks that each answer only once the other is called. */
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/slow", port);
	const char *slow[] = { "slow1.ckube.test", "slow2.ckube.test" };
	for (size_t i = 0; i < 2; i++) {
		cfg = webhook_config("ValidatingWebhookConfiguration", slow[i], url, ca_b64, "pods",
				     "Fail",
				     ",\"objectSelector\":{\"matchLabels\":{\"app\":"
				     "\"slow\"}}");
		expect_put(&admin, "POST",
			   "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
			   cfg, 201);
		free(cfg);
	}
	wait_cached("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", 3);
	wait_cached("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", 4);
	body = pod("reinv", "\"app\":\"reinv\"", "", "");
	o = expect(&admin, "POST", "/api/v1/namespaces/hooks/pods", body, NULL, 201);
	ck_assert_str_eq(str(o, "metadata.labels.b"), "set");
	ck_assert_str_eq(str(o, "metadata.labels.seen-b"), "set");
	json_object_put(o);
	free(body);
	/* Called at once; their warnings reach the client (once each text). */
	body = pod("slow", "\"app\":\"slow\"", "", "");
	struct ck_test_response r;
	char full[512];
	snprintf(full, sizeof(full), "%s/api/v1/namespaces/hooks/pods", base);
	ck_assert_int_eq(ck_test_http_as(&admin, "POST", full, "application/json", body, NULL, &r),
			 0);
	ck_assert_msg(r.code == 201, "%ld: %s", r.code, ck_buf_str(&r.body));
	ck_assert_int_eq(atomic_load(&slow_calls), 2);
	ck_assert_msg(strstr(r.headers, "Warning: 299 - \"watch \\\"this\\\" pod\"") != NULL, "%s",
		      r.headers);
	ck_test_response_release(&r);
	free(body);
	ck_http_server_stop(hs);
	free(ca_b64);
	free(ca_key);
	free(ca_cert);
	free(cert);
	free(key);
}
END_TEST

/* ---- the Node authorizer and NodeRestriction ---- */

START_TEST(test_admission_node)
{
	/* Its own Node, not another's. */
	expect_put(&kubelet1, "POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"n1\"}}", 201);
	json_object *st = expect(&kubelet1, "POST", "/api/v1/nodes",
				 "{\"metadata\":{\"name\":\"n2\"}}", NULL, 403);
	ck_assert_str_eq(
	    str(st, "message"),
	    "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
	json_object_put(st);
	expect_put(&kubelet2, "POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"n2\"}}", 201);
	json_object_put(expect(&kubelet1, "PATCH", "/api/v1/nodes/n1/status",
			       "{\"status\":{\"phase\":\"Running\"}}", MERGE, 200));
	json_object_put(expect(&kubelet1, "PATCH", "/api/v1/nodes/n2/status",
			       "{\"status\":{\"phase\":\"Running\"}}", MERGE, 403));
	json_object_put(expect(&kubelet1, "PATCH", "/api/v1/nodes/n1",
			       "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/x\":"
			       "\"y\"}}}",
			       MERGE, 403));
	json_object_put(expect(&kubelet1, "DELETE", "/api/v1/nodes/n2", NULL, NULL, 403));

	/* Its own Lease. */
	const char *lease = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"holderIdentity\":\"%s\"}}";
	char body[512];
	snprintf(body, sizeof(body), lease, "n1", "n1");
	expect_put(&kubelet1, "POST",
		   "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body, 201);
	json_object_put(expect(&kubelet1, "PATCH",
			       "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
			       "{\"spec\":{\"leaseDurationSeconds\":40}}", MERGE, 200));
	snprintf(body, sizeof(body), lease, "n2", "n1");
	st = expect(&kubelet1, "POST",
		    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body, NULL,
		    403);
	ck_assert_str_eq(str(st, "message"),
			 "leases.coordination.k8s.io \"n2\" is forbidden: can only access node "
			 "lease with the same name as the requesting node");
	json_object_put(st);
	snprintf(body, sizeof(body), lease, "n2", "n2");
	expect_put(&kubelet2, "POST",
		   "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body, 201);
	st = expect(&kubelet1, "PATCH",
		    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2",
		    "{\"spec\":{\"leaseDurationSeconds\":1}}", MERGE, 403);
	ck_assert_str_eq(str(st, "message"),
			 "leases.coordination.k8s.io \"n2\" is forbidden: User \"system:node:n1\" "
			 "cannot patch resource \"leases\" in API group \"coordination.k8s.io\" in "
			 "the namespace \"kube-node-lease\": can only access node lease with the "
			 "same name as the requesting node");
	json_object_put(st);

	/* Its pods and what they reference. */
	namespace_with_sa("work");
	const char *secret = "{\"metadata\":{\"name\":\"%s\"},\"stringData\":{\"k\":\"v\"}}";
	const char *names[] = { "s1", "s2", "unused" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), secret, names[i]);
		expect_put(&admin, "POST", "/api/v1/namespaces/work/secrets", body, 201);
	}
	expect_put(&admin, "POST", "/api/v1/namespaces/work/configmaps",
		   "{\"metadata\":{\"name\":\"cm1\"}}", 201);
	char *p = pod("on-n1", "",
		      "\"nodeName\":\"n1\",\"volumes\":[{\"name\":\"cfg\",\"configMap\":"
		      "{\"name\":\"cm1\"}}],",
		      ",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s1\","
		      "\"key\":\"k\"}}}]");
	json_object *on1 = expect(&admin, "POST", "/api/v1/namespaces/work/pods", p, NULL, 201);
	free(p);
	p = pod("on-n2", "", "\"nodeName\":\"n2\",\"imagePullSecrets\":[{\"name\":\"s2\"}],", "");
	expect_put(&admin, "POST", "/api/v1/namespaces/work/pods", p, 201);
	free(p);
	json_object_put(
	    eventually(&kubelet1, "GET", "/api/v1/namespaces/work/secrets/s1", NULL, 200));
	expect_put(&kubelet1, "GET", "/api/v1/namespaces/work/configmaps/cm1", NULL, 200);
	expect_put(&kubelet1, "GET", "/api/v1/namespaces/work/pods/on-n1", NULL, 200);
	expect_put(&kubelet1, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1", NULL, 200);
	st = expect(&kubelet1, "GET", "/api/v1/namespaces/work/secrets/s2", NULL, NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "secrets \"s2\" is forbidden: User \"system:node:n1\" cannot get resource "
			 "\"secrets\" in API group \"\" in the namespace \"work\": no relationship "
			 "found between node 'n1' and this object");
	json_object_put(st);
	expect_put(&kubelet1, "GET", "/api/v1/namespaces/work/secrets/unused", NULL, 403);
	/* The kubelet's watch-based secret manager lists and watches one by name. */
	expect_put(&kubelet1, "GET",
		   "/api/v1/namespaces/work/secrets?fieldSelector=metadata.name%3Ds1", NULL, 200);
	expect_put(&kubelet1, "GET",
		   "/api/v1/namespaces/work/secrets?fieldSelector=metadata.name%3Ds2", NULL, 403);
	expect_put(&kubelet1, "GET", "/api/v1/namespaces/work/secrets", NULL, 403);
	expect_put(&kubelet2, "GET", "/api/v1/namespaces/work/secrets/s2", NULL, 200);
	/* Status of its own pods only. */
	json_object_put(expect(&kubelet1, "PATCH", "/api/v1/namespaces/work/pods/on-n1/status",
			       "{\"status\":{\"phase\":\"Running\"}}", MERGE, 200));
	st = expect(&kubelet1, "PATCH", "/api/v1/namespaces/work/pods/on-n2/status",
		    "{\"status\":{\"phase\":\"Running\"}}", MERGE, 403);
	ck_assert_str_eq(str(st, "message"),
			 "pods \"on-n2\" is forbidden: node \"n1\" can only update pod status for "
			 "pods with spec.nodeName set to itself");
	json_object_put(st);
	/* Only mirror pods, bound to itself. */
	p = pod("mine", "", "\"nodeName\":\"n1\",", "");
	st = expect(&kubelet1, "POST", "/api/v1/namespaces/work/pods", p, NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "pods \"mine\" is forbidden: pod does not have \"kubernetes.io/config."
			 "mirror\" annotation, node \"n1\" can only create mirror pods");
	json_object_put(st);
	free(p);
	/* Tokens for the accounts its pods run as, bound to its pods. */
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
		 "\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
		 "\"name\":\"%s\"}}}",
		 "on-n1");
	json_object *tr =
	    expect(&kubelet1, "POST", "/api/v1/namespaces/work/serviceaccounts/default/token", body,
		   NULL, 201);
	ck_assert_int_gt(strlen(str(tr, "status.token")), 100);
	json_object_put(tr);
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
		 "\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
		 "\"name\":\"%s\"}}}",
		 "on-n2");
	st = expect(&kubelet1, "POST", "/api/v1/namespaces/work/serviceaccounts/default/token",
		    body, NULL, 403);
	ck_assert(strstr(str(st, "message"), "bound to a pod scheduled on a different node"));
	json_object_put(st);
	/* Deleting: its own pods only. */
	expect_put(&kubelet1, "DELETE", "/api/v1/namespaces/work/pods/on-n2", NULL, 403);
	expect_put(&kubelet1, "DELETE", "/api/v1/namespaces/work/pods/on-n1", NULL, 200);
	json_object_put(on1);
}
END_TEST

Suite *ck_test_suite_admission(void)
{
	Suite *s = suite_create("admission");
	TCase *tc = tcase_create("admission");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_admission_namespace_lifecycle);
	tcase_add_test(tc, test_admission_pod_defaults);
	tcase_add_test(tc, test_admission_resource_quota);
	tcase_add_test(tc, test_admission_quota_scopes);
	tcase_add_test(tc, test_admission_limit_claims);
	tcase_add_test(tc, test_admission_webhooks);
	tcase_add_test(tc, test_admission_node);
	suite_add_tcase(s, tc);
	return s;
}
