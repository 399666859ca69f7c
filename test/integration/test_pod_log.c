/*
 * pods/log end to end: the real API server (secured, with its kubelet client
 * certificate) proxies a kubelet's /containerLogs/... to `kubectl logs` and
 * `ckubectl logs`, which must print the same; the API's own answers
 * (defaults, validation, errors) are checked through `kubectl get --raw`.
 *
 * ckube's kubelet does not exist yet, so the kubelet side here is a small
 * HTTPS server on loopback speaking the kubelet's log endpoint (as the
 * admission suite stands in a webhook server): it checks that the API
 * server presents its kubelet client certificate and echoes the query so
 * that the options the server passes on can be asserted.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "util/buf.h"
#include "util/http_server.h"
#include "util/str.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static struct ck_http_server *kubelet;
static char ckubectl[512];

#define KC ck_test_apiserver_kubeconfig(api)

/* A followed log: two lines a little apart, then the end. */
static void *follow_producer(void *arg)
{
	struct ck_http_stream *s = arg;
	ck_http_stream_write(s, "first\n", 6);
	usleep(300 * 1000);
	ck_http_stream_write(s, "second\n", 7);
	ck_http_stream_close(s);
	ck_http_stream_unref(s);
	return NULL;
}

static void kubelet_handler(void *data, struct ck_http_request *req)
{
	(void)data;
	const unsigned char *der;
	size_t der_len;
	if (ck_http_request_peer_cert(req, &der, &der_len) != 0) {
		ck_http_respond(req, 401, "text/plain", "Unauthorized", 12);
		return;
	}
	const char *path = ck_http_request_path(req);
	char ns[64], pod[64], container[64];
	if (sscanf(path, "/containerLogs/%63[^/]/%63[^/]/%63s", ns, pod, container) != 3) {
		ck_http_respond(req, 404, "text/plain", "404 page not found", 18);
		return;
	}
	struct ck_buf b = CK_BUF_INIT;
	if (ck_streq(container, "w")) {
		ck_buf_addf(&b,
			    "container \"%s\" in pod \"%s\" is waiting to start: "
			    "ContainerCreating",
			    container, pod);
		ck_http_respond_buf(req, 400, "text/plain", &b);
		ck_buf_release(&b);
		return;
	}
	const char *follow = ck_http_request_query(req, "follow");
	if (follow && ck_streq(follow, "true")) {
		struct ck_http_stream *s = ck_http_respond_stream(req, 200, "text/plain", 0);
		pthread_t th;
		ck_assert_int_eq(pthread_create(&th, NULL, follow_producer, s), 0);
		pthread_detach(th);
		return;
	}
	ck_buf_addf(&b, "log of %s/%s/%s\n", ns, pod, container);
	static const char *const keys[] = { "limitBytes", "previous",  "sinceSeconds",
					    "sinceTime",  "tailLines", "timestamps" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = ck_http_request_query(req, keys[i]);
		if (v)
			ck_buf_addf(&b, "%s=%s\n", keys[i], v);
	}
	ck_http_respond_buf(req, 200, "text/plain", &b);
}

static void run_ok(struct ck_buf *out, const char *cmd)
{
	int st = ck_test_sh(out, "%s --kubeconfig %s %s", CK_TEST_KUBECTL, KC, cmd);
	ck_assert_msg(st == 0, "kubectl %s: %s", cmd, ck_buf_str(out));
}

static void apply(const char *yaml)
{
	struct ck_buf out = CK_BUF_INIT;
	int st = ck_test_sh(
	    &out, "printf '%%s' '%s' | " CK_TEST_KUBECTL " --kubeconfig %s apply -f -", yaml, KC);
	ck_assert_msg(st == 0, "apply: %s", ck_buf_str(&out));
	ck_buf_release(&out);
}

/* A node whose kubelet is at 127.0.0.1:port. */
static void make_node(const char *name, int port)
{
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n", name);
	apply(yaml);
	struct ck_buf out = CK_BUF_INIT;
	char patch[512];
	snprintf(patch, sizeof(patch),
		 "{\"status\":{\"addresses\":[{\"type\":\"Hostname\",\"address\":\"\"},"
		 "{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
		 "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":%d}}}}",
		 port);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "patch node %s --subresource=status --type=merge -p '%s'", name,
		 patch);
	run_ok(&out, cmd);
	ck_buf_release(&out);
}

static void setup(void)
{
	ck_test_bin_path("ckubectl", ckubectl, sizeof(ckubectl));
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .secure = 1 };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	char cert[600], key[600], ca[600];
	snprintf(cert, sizeof(cert), "%s/pki/apiserver.crt", ck_test_apiserver_dir(api));
	snprintf(key, sizeof(key), "%s/pki/apiserver.key", ck_test_apiserver_dir(api));
	snprintf(ca, sizeof(ca), "%s/pki/ca.crt", ck_test_apiserver_dir(api));
	struct ck_http_server_config kc = {
		.bind_address = "127.0.0.1",
		.tls_cert_file = cert,
		.tls_key_file = key,
		.tls_client_ca_file = ca,
		.threads = 1,
		.handler = kubelet_handler,
	};
	ck_assert_int_eq(ck_http_server_start(&kc, &kubelet), 0);
	make_node("n1", ck_http_server_port(kubelet));
	make_node("gone", 1); /* nothing listens on port 1 */
	apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: single\n  labels: {app: one}\n"
	      "spec:\n  nodeName: n1\n  containers:\n  - {name: app, image: busybox}\n");
	apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: multi\n  labels: {app: two}\n"
	      "spec:\n  nodeName: n1\n  initContainers:\n  - {name: i, image: busybox}\n"
	      "  containers:\n  - {name: a, image: busybox}\n  - {name: b, image: busybox}\n");
	apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: pending\nspec:\n"
	      "  containers:\n  - {name: app, image: busybox}\n");
	apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: waiting\nspec:\n  nodeName: n1\n"
	      "  containers:\n  - {name: w, image: busybox}\n");
	apply("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
	      "  selector: {matchLabels: {app: one}}\n  template:\n    metadata: {labels: {app: "
	      "one}}\n"
	      "    spec:\n      containers:\n      - {name: app, image: busybox}\n");
	apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-root-ca.crt\n");
	apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: bare\nspec:\n"
	      "  ports:\n  - {port: 80}\n");
	apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: front\nspec:\n"
	      "  selector: {app: one}\n  ports:\n  - {port: 80}\n");
	apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lost\nspec:\n  nodeName: gone\n"
	      "  containers:\n  - {name: app, image: busybox}\n");
}

static void teardown(void)
{
	ck_http_server_stop(kubelet);
	kubelet = NULL;
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
}

/* Runs `logs ARGS` through both CLIs; the output and exit status must agree. Returns the status. */
static int both(struct ck_buf *out, const char *args)
{
	struct ck_buf mine = CK_BUF_INIT;
	int want = ck_test_sh(out, CK_TEST_KUBECTL " --kubeconfig %s logs %s", KC, args);
	int got = ck_test_sh(&mine, "%s --kubeconfig %s logs %s", ckubectl, KC, args);
	ck_assert_msg(got == want && ck_streq(ck_buf_str(&mine), ck_buf_str(out)),
		      "logs %s:\nkubectl (%d):\n%s\nckubectl (%d):\n%s", args, want,
		      ck_buf_str(out), got, ck_buf_str(&mine));
	ck_buf_release(&mine);
	return want;
}

START_TEST(test_logs_same_as_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(both(&out, "single"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "log of default/single/app\n");
	ck_assert_int_eq(both(&out, "pod/single --tail=5 --timestamps --limit-bytes=100"), 0);
	ck_assert_str_eq(
	    ck_buf_str(&out),
	    "log of default/single/app\nlimitBytes=100\ntailLines=5\ntimestamps=true\n");
	ck_assert_int_eq(both(&out, "single -p --since=90s"), 0);
	ck_test_expect_in(&out, "previous=true\nsinceSeconds=90\n");
	ck_assert_int_eq(both(&out, "single --since-time=2026-01-02T03:04:05Z"), 0);
	ck_test_expect_in(&out, "sinceTime=2026-01-02T03:04:05Z\n");
	/* the container: defaulted (with a notice), named, inline, wrong */
	ck_assert_int_eq(both(&out, "multi"), 0);
	ck_test_expect_in(&out, "Defaulted container \"a\" out of: a, b, i (init)\n");
	ck_test_expect_in(&out, "log of default/multi/a\n");
	ck_assert_int_eq(both(&out, "multi -c b"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "log of default/multi/b\n");
	ck_assert_int_eq(both(&out, "multi i"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "log of default/multi/i\n");
	ck_assert_int_eq(both(&out, "multi -c nope"), 1);
	ck_assert_str_eq(ck_buf_str(&out), "error: container nope is not valid for pod multi\n");
	/* kubectl reads the containers in Go's map order: compare the lines sorted */
	ck_assert_int_eq(both(&out, "multi --all-containers --prefix | sort"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "[pod/multi/a] log of default/multi/a\n"
					   "[pod/multi/b] log of default/multi/b\n"
					   "[pod/multi/i] log of default/multi/i\n");
	/* ckubectl's own order: init containers, then containers */
	ck_assert_int_eq(ck_test_sh(&out, "%s --kubeconfig %s logs multi --all-containers --prefix",
				    ckubectl, KC),
			 0);
	ck_assert_str_eq(ck_buf_str(&out), "[pod/multi/i] log of default/multi/i\n"
					   "[pod/multi/a] log of default/multi/a\n"
					   "[pod/multi/b] log of default/multi/b\n");
	/* a pod on no node has no log yet */
	int st = both(&out, "pending");
	ck_assert_msg(st == 0 && ck_streq(ck_buf_str(&out), ""), "pending: %d %s", st,
		      ck_buf_str(&out));
	/* the kubelet's refusal is passed on */
	ck_assert_int_eq(both(&out, "waiting"), 1);
	ck_assert_str_eq(ck_buf_str(&out), "Error from server (BadRequest): container \"w\" in pod "
					   "\"waiting\" is waiting to start: ContainerCreating\n");
	ck_assert_int_eq(both(&out, "nosuch"), 1);
	ck_test_expect_in(&out, "pods \"nosuch\" not found");
	/* a selector: every pod, the last 10 lines each */
	ck_assert_int_eq(both(&out, "-l app=one --prefix"), 0);
	ck_assert_str_eq(
	    ck_buf_str(&out),
	    "[pod/single/app] log of default/single/app\n[pod/single/app] tailLines=10\n");
	ck_assert_int_eq(both(&out, "-l app=nobody"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "No resources found in default namespace.\n");
	/* a workload: its pod */
	ck_assert_int_eq(both(&out, "deployment/web --tail=1"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "log of default/single/app\ntailLines=1\n");
	ck_assert_int_eq(both(&out, "deployment/nosuch"), 1);
	/* kinds kubectl finds no pods for, and a Service's selector */
	ck_assert_int_eq(both(&out, "configmap/kube-root-ca.crt"), 1);
	ck_assert_str_eq(ck_buf_str(&out),
			 "error: cannot get the logs from *v1.ConfigMap: selector "
			 "for *v1.ConfigMap not implemented\n");
	ck_assert_int_eq(both(&out, "service/bare"), 1);
	ck_test_expect_in(&out, "invalid service 'bare': Service is defined without a selector");
	ck_assert_int_eq(both(&out, "service/front --tail=2"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "log of default/single/app\ntailLines=2\n");
	/* follow: the lines as they come, then the end of the stream */
	ck_assert_int_eq(both(&out, "-f single"), 0);
	ck_assert_str_eq(ck_buf_str(&out), "first\nsecond\n");
	/* bad flags */
	ck_assert_int_eq(both(&out, "single --tail=-2"), 1);
	ck_assert_str_eq(ck_buf_str(&out), "error: --tail must be greater than or equal to -1\n");
	ck_assert_int_eq(both(&out, "single --since=1s --since-time=2026-01-02T03:04:05Z"), 1);
	ck_assert_int_eq(both(&out, "single x -c y"), 1);
	ck_buf_release(&out);
}
END_TEST

/* What the server answers, seen through kubectl get --raw. */
static void raw(struct ck_buf *out, int want_status, const char *path)
{
	int st = ck_test_sh(out, CK_TEST_KUBECTL " --kubeconfig %s get --raw '%s'", KC, path);
	ck_assert_msg(st == want_status, "get --raw %s: %d: %s", path, st, ck_buf_str(out));
}

START_TEST(test_pod_log_api)
{
	struct ck_buf out = CK_BUF_INIT;
	raw(&out, 0, "/api/v1/namespaces/default/pods/single/log");
	ck_assert_str_eq(ck_buf_str(&out), "log of default/single/app\n");
	raw(&out, 1, "/api/v1/namespaces/default/pods/multi/log");
	ck_test_expect_in(&out, "Error from server (BadRequest): a container name must be "
				"specified for pod multi, choose one of: [a b] or one of the init "
				"containers: [i]");
	raw(&out, 1, "/api/v1/namespaces/default/pods/single/log?container=zz");
	ck_test_expect_in(&out, "container zz is not valid for pod single");
	raw(&out, 1, "/api/v1/namespaces/default/pods/single/log?tailLines=-1");
	ck_test_expect_in(&out, "PodLogOptions \"single\" is invalid: tailLines: Invalid value: "
				"-1: must be greater than or equal to 0");
	raw(&out, 1, "/api/v1/namespaces/default/pods/single/log?limitBytes=0");
	ck_test_expect_in(&out, "limitBytes: Invalid value: 0: must be greater than 0");
	raw(&out, 1,
	    "/api/v1/namespaces/default/pods/single/log?sinceSeconds=5&sinceTime=2026-01-02T03:04:"
	    "05Z");
	ck_test_expect_in(&out, "at most one of `sinceTime` or `sinceSeconds` may be specified");
	raw(&out, 1, "/api/v1/namespaces/default/pods/single/log?tailLines=ten");
	ck_test_expect_in(&out, "Error from server (BadRequest)");
	raw(&out, 1, "/api/v1/namespaces/default/pods/nosuch/log");
	ck_test_expect_in(&out, "Error from server (NotFound): pods \"nosuch\" not found");
	/* a kubelet nobody answers for: Go's url.Error wording, 500 */
	raw(&out, 1, "/api/v1/namespaces/default/pods/lost/log");
	ck_test_expect_in(&out, "Get \"https://127.0.0.1:1/containerLogs/default/lost/app\"");
	/* discovery lists the subresource with get only */
	raw(&out, 0, "/api/v1");
	ck_test_expect_in(&out, "\"name\":\"pods/log\"");
	/* the official Python client reads it too */
	int st = ck_test_sh(&out,
			    "/usr/bin/python3 -c 'import kubernetes as k; "
			    "k.config.load_kube_config(\"%s\"); "
			    "print(k.client.CoreV1Api().read_namespaced_pod_log(\"multi\", "
			    "\"default\", container=\"b\", tail_lines=3), end=\"\")'",
			    KC);
	ck_assert_msg(st == 0, "python: %s", ck_buf_str(&out));
	ck_assert_str_eq(ck_buf_str(&out), "log of default/multi/b\ntailLines=3\n");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_pod_log(void)
{
	Suite *s = suite_create("pod_log");
	TCase *tc = tcase_create("pod_log");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_logs_same_as_kubectl);
	tcase_add_test(tc, test_pod_log_api);
	suite_add_tcase(s, tc);
	return s;
}
