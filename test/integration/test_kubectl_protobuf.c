/*
 * Protobuf on the wire against the real API server: the real kubectl 1.32,
 * whose typed clients send `create …` bodies as
 * application/vnd.kubernetes.protobuf (no JSON fallback), raw requests
 * asking for protobuf answers, and protobuf watches (upstream's framing,
 * checked against the JSON watch and read by kubectl 1.32 itself).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/api.h"
#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/protobuf.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "../lib/watch.h"
#include "api/protobuf.h"
#include "apimachinery/object.h"
#include "util/buf.h"
#include "util/str.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;

static void setup(void)
{
	static const char *const args[] = { "--watch-bookmark-interval=500ms", NULL };
	ck_test_api_start(args, &etcd, &api);
}

static void teardown(void)
{
	ck_test_api_stop(&etcd, &api);
}

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

/* `kubectl get … -o json` parsed; the caller owns it. */
static json_object *get_json(const char *what)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get %s -o json", KC, what), 0);
	json_object *o = json_tokener_parse(ck_buf_str(&out));
	ck_assert_msg(o != NULL, "not JSON: %s", ck_buf_str(&out));
	ck_buf_release(&out);
	return o;
}

static const char *path_str(json_object *o, const char *a, const char *b)
{
	json_object *x = NULL, *y = NULL;
	if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &y))
		return NULL;
	return json_object_get_string(y);
}

START_TEST(test_kubectl_create)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create namespace x", KC), 0);
	ck_test_expect_in(&out, "namespace/x created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n x create configmap c --from-literal=a=b", KC),
			 0);
	ck_test_expect_in(&out, "configmap/c created");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "-n x create secret generic s --from-literal=k=v", KC), 0);
	ck_test_expect_in(&out, "secret/s created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n x create serviceaccount sa", KC), 0);
	ck_test_expect_in(&out, "serviceaccount/sa created");

	/* an error answered in protobuf reads as upstream's (kubectl create wraps it) */
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "-n x create configmap c --from-literal=a=b", KC),
			 0);
	ck_test_expect_in(&out,
			  "error: failed to create configmap: configmaps \"c\" already exists");
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "create namespace x", KC), 0);
	ck_test_expect_in(&out,
			  "Error from server (AlreadyExists): namespaces \"x\" already exists");

	json_object *ns = get_json("namespace x");
	ck_assert_str_eq(path_str(ns, "metadata", "name"), "x");
	ck_assert_str_eq(path_str(ns, "status", "phase"), "Active");
	ck_assert_ptr_nonnull(path_str(ns, "metadata", "uid"));
	ck_assert_ptr_nonnull(path_str(ns, "metadata", "creationTimestamp"));
	json_object_put(ns);
	json_object *cm = get_json("-n x configmap c");
	ck_assert_str_eq(path_str(cm, "data", "a"), "b");
	ck_assert_str_eq(path_str(cm, "metadata", "namespace"), "x");
	json_object_put(cm);
	json_object *s = get_json("-n x secret s");
	ck_assert_str_eq(path_str(s, "data", "k"), "dg==");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "type")), "Opaque");
	json_object_put(s);
	json_object *sa = get_json("-n x serviceaccount sa");
	ck_assert_str_eq(path_str(sa, "metadata", "name"), "sa");
	json_object_put(sa);
	ck_buf_release(&out);
}
END_TEST

/* GET path in JSON and in protobuf: the protobuf answer decodes to the JSON one. */
static void compare(const char *path, long want_code)
{
	ck_test_expect_protobuf_matches_json(ck_test_apiserver_url(api), path, want_code);
}

START_TEST(test_protobuf_answers)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create namespace y", KC), 0);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n y create configmap c --from-literal=a=b", KC),
			 0);
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "-n y create secret generic s --from-literal=k=v", KC), 0);
	compare("/api/v1/namespaces/y", 200);
	compare("/api/v1/namespaces/y/configmaps/c", 200);
	compare("/api/v1/namespaces/y/secrets/s", 200);
	compare("/api/v1/namespaces/y/configmaps", 200);
	compare("/api/v1/namespaces/y/configmaps/nope", 404);
	ck_buf_release(&out);
}
END_TEST

/* Accept headers a protobuf watch comes with (client-go's, and the stream form). */
#define PB_ACCEPT CK_PROTOBUF_CONTENT_TYPE ",application/json"
#define PB_STREAM_ACCEPT CK_PROTOBUF_CONTENT_TYPE ";stream=watch"

/* The events of a finished watch without its BOOKMARKs (owned); *ret_bookmarks counts them. */
static json_object *changes(struct ck_test_watch *w, size_t *ret_bookmarks)
{
	json_object *all = ck_test_watch_events(w), *out = json_object_new_array();
	size_t bookmarks = 0;
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *ev = json_object_array_get_idx(all, i);
		if (ck_streq(ck_obj_path_str(ev, "type"), "BOOKMARK")) {
			json_object *o = ck_obj_path(ev, "object");
			ck_assert_str_eq(ck_obj_path_str(o, "kind"), "ConfigMap");
			ck_assert_str_eq(ck_obj_path_str(o, "apiVersion"), "v1");
			ck_assert_int_gt(strlen(ck_obj_resource_version(o)), 0);
			bookmarks++;
			continue;
		}
		json_object_array_add(out, json_object_get(ev));
	}
	json_object_put(all);
	if (ret_bookmarks)
		*ret_bookmarks = bookmarks;
	return out;
}

static void expect_same_events(json_object *pb, json_object *js)
{
	ck_assert_msg(json_object_equal(pb, js), "protobuf %.2000s\njson     %.2000s",
		      json_object_to_json_string(pb), json_object_to_json_string(js));
}

START_TEST(test_protobuf_watch)
{
	const char *base = ck_test_apiserver_url(api);
	json_object_put(ck_test_api_req(base, "POST", "/api/v1/namespaces",
					"{\"metadata\":{\"name\":\"w\"}}", NULL, 201));
	json_object *l =
	    ck_test_api_req(base, "GET", "/api/v1/namespaces/w/configmaps", NULL, NULL, 200);
	char path[512];
	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=%s"
		 "&allowWatchBookmarks=true&timeoutSeconds=3",
		 ck_obj_path_str(l, "metadata.resourceVersion"));
	json_object_put(l);
	/* two protobuf watchers share the event's one protobuf encoding */
	struct ck_test_watch js, pb, pb2, from0;
	ck_test_watch_start(&js, base, path, "application/json");
	ck_test_watch_start(&pb, base, path, PB_ACCEPT);
	ck_test_watch_start(&pb2, base, path, PB_STREAM_ACCEPT);

	json_object_put(ck_test_api_req(base, "POST", "/api/v1/namespaces/w/configmaps",
					"{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"}},"
					"\"data\":{\"k\":\"v\"}}",
					NULL, 201));
	json_object_put(ck_test_api_req(base, "PATCH", "/api/v1/namespaces/w/configmaps/a",
					"{\"data\":{\"k\":\"v2\"}}", "application/merge-patch+json",
					200));
	json_object_put(ck_test_api_req(base, "POST", "/api/v1/namespaces/w/configmaps",
					"{\"metadata\":{\"name\":\"b\"},\"binaryData\":"
					"{\"bin\":\"AAEC\"}}",
					NULL, 201));
	json_object_put(
	    ck_test_api_req(base, "DELETE", "/api/v1/namespaces/w/configmaps/a", NULL, NULL, 200));

	size_t bookmarks = 0;
	json_object *want = changes(&js, NULL), *got = changes(&pb, &bookmarks);
	ck_assert_str_eq(pb.r.content_type, CK_PROTOBUF_CONTENT_TYPE ";stream=watch");
	ck_assert_str_eq(js.r.content_type, "application/json");
	ck_assert_uint_eq(json_object_array_length(want), 4);
	static const char *const types[] = { "ADDED", "MODIFIED", "ADDED", "DELETED" };
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(want, i), "type"),
				 types[i]);
	expect_same_events(got, want);
	ck_assert_uint_ge(bookmarks, 1); /* --watch-bookmark-interval=500ms */
	json_object_put(got);
	got = changes(&pb2, NULL);
	ck_assert_str_eq(pb2.r.content_type, CK_PROTOBUF_CONTENT_TYPE ";stream=watch");
	expect_same_events(got, want);
	json_object_put(got);
	json_object_put(want);

	/* from 0: the synthetic ADDED of the current state, encoded for this
	 * watcher; through a watch path with a name, of that object only */
	json_object_put(ck_test_api_req(base, "POST", "/api/v1/namespaces/w/configmaps",
					"{\"metadata\":{\"name\":\"c\"}}", NULL, 201));
	ck_test_watch_start(&from0, base,
			    "/api/v1/watch/namespaces/w/configmaps/b?resourceVersion=0"
			    "&timeoutSeconds=1",
			    PB_ACCEPT);
	got = changes(&from0, NULL);
	ck_assert_uint_eq(json_object_array_length(got), 1);
	json_object *b =
	    ck_test_api_req(base, "GET", "/api/v1/namespaces/w/configmaps/b", NULL, NULL, 200);
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(got, 0), "type"), "ADDED");
	ck_assert(json_object_equal(ck_obj_path(json_object_array_get_idx(got, 0), "object"), b));
	json_object_put(b);
	json_object_put(got);
	ck_test_watch_release(&js);
	ck_test_watch_release(&pb);
	ck_test_watch_release(&pb2);
	ck_test_watch_release(&from0);
	/* across namespaces, a metadata.name selector (no such path: 404) */
	ck_test_watch_start(&from0, base,
			    "/api/v1/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1"
			    "&fieldSelector=metadata.name%3Db",
			    PB_ACCEPT);
	got = changes(&from0, NULL);
	ck_assert_uint_eq(json_object_array_length(got), 1);
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(got, 0), "object.metadata.name"),
			 "b");
	json_object_put(got);
	ck_test_watch_release(&from0);
	json_object_put(ck_test_api_req(base, "GET", "/api/v1/watch/configmaps/b?timeoutSeconds=1",
					NULL, NULL, 404));
	json_object_put(ck_test_api_req(base, "GET",
					"/api/v1/watch/namespaces/w/configmaps/b?timeoutSeconds=1"
					"&fieldSelector=metadata.name%3Dc",
					NULL, NULL, 400));

	/* too old a resourceVersion: the same ERROR (a 410 Status) in both framings */
	static const char old[] =
	    "/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1";
	ck_test_watch_start(&js, base, old, "application/json");
	ck_test_watch_start(&pb, base, old, PB_STREAM_ACCEPT);
	want = changes(&js, NULL);
	got = changes(&pb, NULL);
	ck_assert_uint_eq(json_object_array_length(got), 1);
	json_object *st = ck_obj_path(json_object_array_get_idx(got, 0), "object");
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(got, 0), "type"), "ERROR");
	ck_assert_str_eq(ck_obj_path_str(st, "kind"), "Status");
	ck_assert_str_eq(ck_obj_path_str(st, "reason"), "Expired");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(st, "code")), 410);
	expect_same_events(got, want);
	json_object_put(got);
	json_object_put(want);
	ck_test_watch_release(&js);
	ck_test_watch_release(&pb);

	/* events.k8s.io Events are core's, converted per watcher: the same in both */
	static const char ev_path[] =
	    "/apis/events.k8s.io/v1/namespaces/w/events?watch=true&timeoutSeconds=2";
	ck_test_watch_start(&js, base, ev_path, "application/json");
	ck_test_watch_start(&pb, base, ev_path, PB_ACCEPT);
	json_object_put(ck_test_api_req(
	    base, "POST", "/api/v1/namespaces/w/events",
	    "{\"metadata\":{\"name\":\"e1\"},\"involvedObject\":{\"kind\":\"ConfigMap\","
	    "\"namespace\":\"w\",\"name\":\"b\"},\"reason\":\"Test\",\"message\":\"hello\","
	    "\"type\":\"Normal\",\"source\":{\"component\":\"test\"}}",
	    NULL, 201));
	want = changes(&js, NULL);
	got = changes(&pb, NULL);
	ck_assert_uint_eq(json_object_array_length(want), 1);
	ck_assert_str_eq(
	    ck_obj_path_str(ck_obj_path(json_object_array_get_idx(got, 0), "object"), "apiVersion"),
	    "events.k8s.io/v1");
	expect_same_events(got, want);
	json_object_put(got);
	json_object_put(want);
	ck_test_watch_release(&js);
	ck_test_watch_release(&pb);

	/* Tables are JSON only, as upstream: a protobuf Table is not acceptable */
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1",
		 base);
	struct ck_test_response r;
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL,
				      CK_PROTOBUF_CONTENT_TYPE ";as=Table;v=v1;g=meta.k8s.io", &r),
			 0);
	ck_assert_int_eq(r.code, 406);
	ck_test_response_release(&r);
}
END_TEST

/*
 * A real client's protobuf watch: `kubectl logs deployment/<d>` with no pod
 * yet lists pods through its typed client (protobuf), then watches them
 * from the list's resourceVersion until one appears (polymorphichelpers'
 * GetFirstPod); the pod it goes on to ask logs of came from our protobuf
 * stream. kubectl 1.30 asks for JSON there; the Python client cannot watch
 * in protobuf, and `kubectl get -w` watches in JSON.
 */
START_TEST(test_kubectl_protobuf_watch)
{
	const char *base = ck_test_apiserver_url(api);
	json_object_put(ck_test_api_req(base, "POST", "/api/v1/namespaces",
					"{\"metadata\":{\"name\":\"kw\"}}", NULL, 201));
	json_object_put(ck_test_api_req(
	    base, "POST", "/apis/apps/v1/namespaces/kw/deployments",
	    "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
	    "\"d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{"
	    "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}",
	    NULL, 201));
	struct ck_buf out = CK_BUF_INIT;
	ck_test_sh(&out,
		   "(sleep 3; echo '{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
		   "\"late-pod\",\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":"
		   "\"c\",\"image\":\"busybox\"}]}}' | " KUBECTL
		   "-n kw create -f - >/dev/null) & " KUBECTL
		   "-n kw logs deployment/d --pod-running-timeout=60s -v=8 2>&1; wait",
		   KC, KC);
	/* the watch went out in protobuf and came back in upstream's framing */
	ck_test_expect_in(&out, "Accept: application/vnd.kubernetes.protobuf");
	ck_test_expect_in(&out, "watch=true");
	ck_test_expect_in(&out, "Content-Type: application/vnd.kubernetes.protobuf;stream=watch");
	/* and kubectl decoded the Pod from it: it asks for that pod's log */
	ck_test_expect_in(&out, "/api/v1/namespaces/kw/pods/late-pod/log");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_kubectl_protobuf(void)
{
	Suite *s = suite_create("kubectl_protobuf");
	TCase *tc = tcase_create("kubectl_protobuf");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_kubectl_create);
	tcase_add_test(tc, test_protobuf_answers);
	tcase_add_test(tc, test_protobuf_watch);
	tcase_add_test(tc, test_kubectl_protobuf_watch);
	suite_add_tcase(s, tc);
	return s;
}
