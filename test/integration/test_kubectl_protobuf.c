/*
 * Protobuf on the wire against the real API server: the real kubectl 1.32,
 * whose typed clients send `create …` bodies as
 * application/vnd.kubernetes.protobuf (no JSON fallback), and raw requests
 * asking for protobuf answers.
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
#include "api/protobuf.h"
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

#define KUBECTL "/usr/bin/kubectl --kubeconfig %s "
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

	/* a watch stays JSON even when protobuf comes first */
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/y/configmaps?watch=true&timeoutSeconds=1",
		 ck_test_apiserver_url(api));
	struct ck_test_response w;
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL,
				      "application/vnd.kubernetes.protobuf,application/json", &w),
			 0);
	ck_assert_int_eq(w.code, 200);
	ck_assert_str_eq(w.content_type, "application/json");
	ck_test_response_release(&w);
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
	suite_add_tcase(s, tc);
	return s;
}
