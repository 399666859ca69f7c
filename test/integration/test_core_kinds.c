/*
 * The core/v1 kinds against a real etcd and real kube-apiserver processes:
 * pods (defaults, validation errors, spec immutability, status
 * separation, binding, graceful deletion, eviction, field selectors),
 * services (ClusterIP and NodePort allocation, release, no duplicates
 * across 1 000 concurrent creates on two API servers and a restart, full
 * ranges, the `kubernetes` Service), nodes and their status, the other
 * kinds' create and validation, and `kubectl get` with upstream's columns.
 */
#include <arpa/inet.h>
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/api.h"
#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "apimachinery/object.h"
#include "util/buf.h"
#include "util/common.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static char base[128];

static const char *const flags[] = { "--service-cluster-ip-range=10.0.0.0/24",
				     "--service-node-port-range=30000-30299", NULL };

/* An API server on the suite's etcd with extra_args; its URL into url. */
static void start_api(const char *const *extra_args, struct ck_test_apiserver **ret, char *url)
{
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = extra_args };
	ck_assert_int_eq(ck_test_apiserver_start(&o, ret), 0);
	snprintf(url, 128, "%s", ck_test_apiserver_url(*ret));
}

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	start_api(flags, &api, base);
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	api = NULL;
	etcd = NULL;
}

/* PATCH: a strategic merge patch, as kubectl sends. */
static json_object *req(const char *method, const char *path, const char *body, long want)
{
	return ck_test_api_req(
	    base, method, path, body,
	    strcmp(method, "PATCH") == 0 ? "application/strategic-merge-patch+json" : NULL, want);
}

static void req_drop(const char *method, const char *path, const char *body, long want)
{
	json_object_put(req(method, path, body, want));
}

static void expect_message(json_object *st, const char *want)
{
	ck_assert_msg(strstr(ck_test_api_str(st, "message"), want) != NULL,
		      "message '%s' lacks '%s'", ck_test_api_str(st, "message"), want);
}

#define PODS "/api/v1/namespaces/default/pods"
#define SVCS "/api/v1/namespaces/default/services"
#define POD_JSON(name, extra)                                                           \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" name "\"}," \
	"\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]" extra "}}"

START_TEST(test_pods)
{
	json_object *p =
	    req("POST", PODS,
		"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\","
		"\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":"
		"\"c\",\"image\":\"nginx:1.25\",\"resources\":{\"limits\":{\"cpu\":"
		"\"0.5\",\"memory\":\"64Mi\"}}}]},\"status\":{\"phase\":\"Running\"}}",
		201);
	ck_assert_str_eq(ck_test_api_str(p, "status.phase"), "Pending");
	ck_assert_str_eq(ck_test_api_str(p, "status.qosClass"), "Guaranteed");
	ck_assert_str_eq(ck_test_api_str(p, "spec.restartPolicy"), "Always");
	ck_assert_str_eq(ck_test_api_str(p, "spec.dnsPolicy"), "ClusterFirst");
	ck_assert_str_eq(ck_test_api_str(p, "spec.schedulerName"), "default-scheduler");
	ck_assert_int_eq(ck_test_api_num(p, "spec.terminationGracePeriodSeconds"), 30);
	json_object *c = json_object_array_get_idx(ck_obj_path(p, "spec.containers"), 0);
	ck_assert_str_eq(ck_test_api_str(c, "imagePullPolicy"), "IfNotPresent");
	ck_assert_str_eq(ck_test_api_str(c, "resources.requests.cpu"), "500m");
	json_object_put(p);

	/* invalid pods: 422 with upstream's paths and messages */
	json_object *st =
	    req("POST", PODS,
		"{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"containers\":[{\"name\":"
		"\"c\"}],\"restartPolicy\":\"Sometimes\"}}",
		422);
	ck_assert_str_eq(ck_test_api_str(st, "reason"), "Invalid");
	expect_message(st,
		       "Pod \"bad\" is invalid: [spec.containers[0].image: Required value, "
		       "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
		       "\"Always\", \"OnFailure\", \"Never\"]");
	json_object *causes = ck_obj_path(st, "details.causes");
	ck_assert_int_eq(json_object_array_length(causes), 2);
	ck_assert_str_eq(ck_test_api_str(json_object_array_get_idx(causes, 0), "field"),
			 "spec.containers[0].image");
	json_object_put(st);
	st = req("POST", PODS,
		 "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"containers\":[{\"name\":\"c\","
		 "\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}]}}",
		 400);
	expect_message(st, "Pod in version \"v1\" cannot be handled as a Pod: quantities must "
			   "match the regular expression");
	json_object_put(st);

	/* spec immutability: the image may change, nothing else */
	req_drop("PATCH", PODS "/web",
		 "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.26\"}]}}", 200);
	st = req("PATCH", PODS "/web", "{\"spec\":{\"restartPolicy\":\"Never\"}}", 422);
	expect_message(st, "spec: Forbidden: pod updates may not change fields other than "
			   "`spec.containers[*].image`");
	json_object_put(st);
	p = req("GET", PODS "/web", NULL, 200);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(p, "spec.containers"), 0),
			    "image"),
	    "nginx:1.26");
	json_object_put(p);

	/* status only through pods/status; the QoS class stays */
	p = req("PATCH", PODS "/web",
		"{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"status\":{\"phase\":\"Failed\"}}", 200);
	ck_assert_str_eq(ck_test_api_str(p, "status.phase"), "Pending");
	ck_assert_str_eq(ck_test_api_str(p, "metadata.labels.x"), "y");
	json_object_put(p);
	p = req("PATCH", PODS "/web/status",
		"{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0.5\",\"podIPs\":[{\"ip\":"
		"\"10.244.0.5\"}],\"qosClass\":\"\"}}",
		200);
	ck_assert_str_eq(ck_test_api_str(p, "status.phase"), "Running");
	ck_assert_str_eq(ck_test_api_str(p, "status.qosClass"), "Guaranteed");
	json_object_put(p);
	st = req("PATCH", PODS "/web/status", "{\"status\":{\"qosClass\":\"BestEffort\"}}", 422);
	expect_message(st, "status.qosClass: Invalid value: \"BestEffort\": field is immutable");
	json_object_put(st);

	/* field selectors */
	json_object *l = req("GET", PODS "?fieldSelector=status.phase%3DRunning", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	l = req("GET", PODS "?fieldSelector=status.podIP%3D10.244.0.5,spec.hostNetwork%3Dfalse",
		NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	l = req("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3D", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	st = req("GET", PODS "?fieldSelector=spec.foo%3Dbar", NULL, 400);
	json_object_put(st);
	req_drop("DELETE", PODS "/web", NULL, 200);
	req_drop("GET", PODS "/web", NULL, 404);
}
END_TEST

START_TEST(test_binding_and_graceful_deletion)
{
	req_drop("POST", PODS, POD_JSON("b1", ""), 201);
	json_object *st = req("POST", PODS "/b1/binding",
			      "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":"
			      "\"b1\"},\"target\":{\"kind\":\"Node\",\"name\":\"node-1\"}}",
			      201);
	ck_assert_str_eq(ck_test_api_str(st, "status"), "Success");
	json_object_put(st);
	json_object *p = req("GET", PODS "/b1", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(p, "spec.nodeName"), "node-1");
	json_object *cond = json_object_array_get_idx(ck_obj_path(p, "status.conditions"), 0);
	ck_assert_str_eq(ck_test_api_str(cond, "type"), "PodScheduled");
	ck_assert_str_eq(ck_test_api_str(cond, "status"), "True");
	json_object_put(p);
	st = req("POST", PODS "/b1/binding",
		 "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"b1\"},"
		 "\"target\":{\"kind\":\"Node\",\"name\":\"node-2\"}}",
		 409);
	ck_assert_str_eq(ck_test_api_str(st, "message"),
			 "Operation cannot be fulfilled on pods/binding \"b1\": "
			 "pod b1 is already assigned to node \"node-1\"");
	json_object_put(st);
	st = req("POST", PODS "/b1/binding",
		 "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"other\"},"
		 "\"target\":{\"name\":\"node-2\"}}",
		 400);
	json_object_put(st);
	st = req("POST", PODS "/missing/binding",
		 "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"missing\"},"
		 "\"target\":{\"name\":\"node-2\"}}",
		 404);
	json_object_put(st);

	/* a bound pod waits for its kubelet */
	p = req("DELETE", PODS "/b1", NULL, 200);
	ck_assert_str_ne(ck_test_api_str(p, "metadata.deletionTimestamp"), "");
	ck_assert_int_eq(ck_test_api_num(p, "metadata.deletionGracePeriodSeconds"), 30);
	json_object_put(p);
	p = req("GET", PODS "/b1", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(p, "metadata.deletionGracePeriodSeconds"), 30);
	json_object_put(p);
	/* a longer grace period changes nothing, a shorter one shortens it */
	p = req("DELETE", PODS "/b1", "{\"gracePeriodSeconds\":60}", 200);
	ck_assert_int_eq(ck_test_api_num(p, "metadata.deletionGracePeriodSeconds"), 30);
	json_object_put(p);
	p = req("DELETE", PODS "/b1?gracePeriodSeconds=10", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(p, "metadata.deletionGracePeriodSeconds"), 10);
	json_object_put(p);
	req_drop("GET", PODS "/b1", NULL, 200);
	/* the kubelet's final delete */
	req_drop("DELETE", PODS "/b1", "{\"gracePeriodSeconds\":0}", 200);
	req_drop("GET", PODS "/b1", NULL, 404);

	/* an unbound pod goes at once */
	req_drop("POST", PODS, POD_JSON("u1", ""), 201);
	req_drop("DELETE", PODS "/u1", NULL, 200);
	req_drop("GET", PODS "/u1", NULL, 404);

	/* eviction (no PodDisruptionBudgets yet): a delete with the options */
	req_drop("POST", PODS, POD_JSON("e1", ""), 201);
	st =
	    req("POST", PODS "/e1/eviction",
		"{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"e1\","
		"\"namespace\":\"default\"}}",
		201);
	ck_assert_str_eq(ck_test_api_str(st, "status"), "Success");
	json_object_put(st);
	req_drop("GET", PODS "/e1", NULL, 404);
	st = req("POST", PODS "/e1/eviction",
		 "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":"
		 "\"e1\"}}",
		 404);
	json_object_put(st);
}
END_TEST

/* A service's clusterIP and first nodePort. */
static void service_values(json_object *svc, char *ip, size_t size, int64_t *node_port)
{
	snprintf(ip, size, "%s", ck_test_api_str(svc, "spec.clusterIP"));
	json_object *ports = ck_obj_path(svc, "spec.ports");
	*node_port = ports ? ck_test_api_num(json_object_array_get_idx(ports, 0), "nodePort") : -1;
}

START_TEST(test_services)
{
	/* the kubernetes Service and its Endpoints */
	json_object *k = req("GET", SVCS "/kubernetes", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(k, "spec.clusterIP"), "10.0.0.1");
	json_object *port = json_object_array_get_idx(ck_obj_path(k, "spec.ports"), 0);
	ck_assert_int_eq(ck_test_api_num(port, "port"), 443);
	ck_assert_str_eq(ck_test_api_str(port, "name"), "https");
	json_object_put(k);
	k = req("GET", "/api/v1/namespaces/default/endpoints/kubernetes", NULL, 200);
	ck_assert_ptr_nonnull(ck_obj_path(k, "subsets"));
	json_object_put(k);

	json_object *s = req("POST", SVCS,
			     "{\"metadata\":{\"name\":\"np\"},\"spec\":{\"type\":\"NodePort\","
			     "\"selector\":{\"app\":\"a\"},\"ports\":[{\"port\":80}]}}",
			     201);
	char ip[64];
	int64_t np;
	service_values(s, ip, sizeof(ip), &np);
	ck_assert_msg(strncmp(ip, "10.0.0.", 7) == 0 && strcmp(ip, "10.0.0.1") != 0, "%s", ip);
	ck_assert_int_ge(np, 30000);
	ck_assert_int_le(np, 30299);
	ck_assert_str_eq(ck_test_api_str(s, "spec.externalTrafficPolicy"), "Cluster");
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(s, "spec.ipFamilies"), 0), ""),
	    "IPv4");
	json_object_put(s);

	/* asking for taken or foreign values */
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"dupip\"},\"spec\":{\"clusterIP\":\"%s\",\"ports\":[{"
		 "\"port\":80}]}}",
		 ip);
	json_object *st = req("POST", SVCS, body, 422);
	char want[256];
	snprintf(want, sizeof(want),
		 "spec.clusterIPs: Invalid value: [\"%s\"]: failed to allocate "
		 "IP %s: provided IP is already allocated",
		 ip, ip);
	expect_message(st, want);
	json_object_put(st);
	st =
	    req("POST", SVCS,
		"{\"metadata\":{\"name\":\"farip\"},\"spec\":{\"clusterIP\":\"10.9.9.9\",\"ports\":"
		"[{\"port\":80}]}}",
		422);
	expect_message(st, "failed to allocate IP 10.9.9.9: the provided IP (10.9.9.9) is not in "
			   "the valid range. The range of valid IPs is 10.0.0.0/24");
	json_object_put(st);
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"dupport\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{"
		 "\"port\":80,\"nodePort\":%lld}]}}",
		 (long long)np);
	st = req("POST", SVCS, body, 422);
	snprintf(want, sizeof(want),
		 "spec.ports[0].nodePort: Invalid value: %lld: provided port is already allocated",
		 (long long)np);
	expect_message(st, want);
	json_object_put(st);
	st = req("POST", SVCS,
		 "{\"metadata\":{\"name\":\"farport\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{"
		 "\"port\":80,\"nodePort\":40000}]}}",
		 422);
	expect_message(st, "provided port is not in the valid range. The range of valid ports is "
			   "30000-30299");
	json_object_put(st);
	/* the failed creates gave back what they took */
	s = req(
	    "POST", SVCS,
	    "{\"metadata\":{\"name\":\"fixed\"},\"spec\":{\"clusterIP\":\"10.0.0.200\",\"ports\":"
	    "[{\"port\":80}]}}",
	    201);
	ck_assert_str_eq(ck_test_api_str(s, "spec.clusterIP"), "10.0.0.200");
	json_object_put(s);

	/* released on delete, and on a type change */
	req_drop("DELETE", SVCS "/np", NULL, 200);
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"reuse\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":"
		 "\"%s\",\"ports\":[{\"port\":80,\"nodePort\":%lld}]}}",
		 ip, (long long)np);
	req_drop("POST", SVCS, body, 201);
	s = req("PATCH", SVCS "/reuse", "{\"spec\":{\"type\":\"ClusterIP\"}}", 200);
	ck_assert_ptr_null(
	    ck_obj_path(json_object_array_get_idx(ck_obj_path(s, "spec.ports"), 0), "nodePort"));
	ck_assert_str_eq(ck_test_api_str(s, "spec.clusterIP"), ip); /* kept */
	json_object_put(s);
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"again\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{"
		 "\"port\":80,\"nodePort\":%lld}]}}",
		 (long long)np);
	req_drop("POST", SVCS, body, 201);
	/* an update without clusterIP keeps it */
	s = req("PUT", SVCS "/fixed",
		"{\"metadata\":{\"name\":\"fixed\"},\"spec\":{\"ports\":[{\"port\":81}]}}", 200);
	ck_assert_str_eq(ck_test_api_str(s, "spec.clusterIP"), "10.0.0.200");
	json_object_put(s);
	st = req("PATCH", SVCS "/fixed", "{\"spec\":{\"clusterIP\":\"10.0.0.201\"}}", 422);
	expect_message(st, "may not change once set");
	json_object_put(st);

	/* headless, ExternalName, LoadBalancer */
	s = req("POST", SVCS,
		"{\"metadata\":{\"name\":\"hl\"},\"spec\":{\"clusterIP\":\"None\",\"selector\":{"
		"\"a\":\"b\"},\"ports\":[{\"port\":80}]}}",
		201);
	ck_assert_str_eq(ck_test_api_str(s, "spec.clusterIP"), "None");
	json_object_put(s);
	s = req("POST", SVCS,
		"{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\","
		"\"externalName\":\"example.com\"}}",
		201);
	ck_assert_ptr_null(ck_obj_path(s, "spec.clusterIP"));
	ck_assert_ptr_null(ck_obj_path(s, "spec.ipFamilies"));
	json_object_put(s);
	s = req("POST", SVCS,
		"{\"metadata\":{\"name\":\"lb\"},\"spec\":{\"type\":\"LoadBalancer\","
		"\"externalTrafficPolicy\":\"Local\",\"ports\":[{\"port\":443}]}}",
		201);
	ck_assert_int_ge(ck_test_api_num(s, "spec.healthCheckNodePort"), 30000);
	ck_assert(json_object_get_boolean(ck_obj_path(s, "spec.allocateLoadBalancerNodePorts")));
	json_object_put(s);
	s = req("PATCH", SVCS "/lb/status",
		"{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.10\"}]}}}", 200);
	ck_assert_str_eq(ck_test_api_str(json_object_array_get_idx(
					     ck_obj_path(s, "status.loadBalancer.ingress"), 0),
					 "ipMode"),
			 "VIP");
	json_object_put(s);
	st = req("PATCH", SVCS "/hl/status",
		 "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.10\"}]}}}", 422);
	expect_message(st, "status.loadBalancer.ingress: Forbidden: may only be used when "
			   "`spec.type` is 'LoadBalancer'");
	json_object_put(st);
	/* a service's endpoints go with it */
	req_drop("POST", "/api/v1/namespaces/default/endpoints",
		 "{\"metadata\":{\"name\":\"hl\"},\"subsets\":[{\"addresses\":[{\"ip\":"
		 "\"10.244.1.1\"}],\"ports\":[{\"port\":80}]}]}",
		 201);
	req_drop("DELETE", SVCS "/hl", NULL, 200);
	req_drop("GET", "/api/v1/namespaces/default/endpoints/hl", NULL, 404);
	st = req("POST", SVCS,
		 "{\"metadata\":{\"name\":\"Bad\"},\"spec\":{\"ports\":[{\"port\":"
		 "80}]}}",
		 422);
	expect_message(st, "metadata.name: Invalid value: \"Bad\": a DNS-1035 label must consist "
			   "of lower case alphanumeric characters");
	json_object_put(st);
}
END_TEST

/*
 * The allocator tests' servers run under their own etcd prefix, so their
 * ranges (and the RangeAllocation objects) are theirs alone: a /21 (2 046
 * addresses) and the default NodePort range for 1 000 services, and a /28
 * (14 addresses) with 10 NodePorts to fill.
 */
static const char *const big_flags[] = { "--etcd-prefix=/alloc",
					 "--service-cluster-ip-range=10.1.0.0/21", NULL };
static const char *const small_flags[] = { "--etcd-prefix=/small",
					   "--service-cluster-ip-range=10.2.0.0/28",
					   "--service-node-port-range=30000-30009", NULL };

#define CONC_SVCS "/api/v1/namespaces/conc/services"

/* POSTs a Service named prefix<i> of type to url: the answer's code. */
static long create_service(const char *url, const char *prefix, int i, const char *type)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"%s%d\"},\"spec\":{\"type\":\"%s\",\"ports\":"
		 "[{\"port\":80}]}}",
		 prefix, i, type);
	long code = 0;
	json_object_put(ck_test_request(url, "POST", CONC_SVCS, body, &code));
	return code;
}

struct creator {
	const char *url;
	const char *prefix;
	int first, count;
	int failures;
	long failed_code; /* the first failure's, for the message */
};

static void *create_many(void *arg)
{
	struct creator *c = arg;
	for (int i = c->first; i < c->first + c->count; i++) {
		long code = create_service(c->url, c->prefix, i, "NodePort");
		if (code != 201 && c->failures++ == 0)
			c->failed_code = code;
	}
	return NULL;
}

/* Creates threads × per NodePort Services at once, alternating urls[0] and urls[1]. */
static void create_concurrently(const char *const urls[2], const char *prefix, int threads, int per)
{
	pthread_t *th = ck_calloc((size_t)threads, sizeof(*th));
	struct creator *c = ck_calloc((size_t)threads, sizeof(*c));
	for (int i = 0; i < threads; i++) {
		c[i] = (struct creator){ urls[i % 2], prefix, i * per, per, 0, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, create_many, &c[i]), 0);
	}
	int failures = 0;
	long failed_code = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (c[i].failures && !failures)
			failed_code = c[i].failed_code;
		failures += c[i].failures;
	}
	free(th);
	free(c);
	ck_assert_msg(failures == 0, "%d of %d creates failed (first: HTTP %ld)", failures,
		      threads * per, failed_code);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Every Service in conc seen through url has a distinct clusterIP, none
 * the `kubernetes` Service's (kube_ip), and NodePort ones a distinct
 * nodePort; returns how many there are.
 */
static int check_unique(const char *url, const char *kube_ip)
{
	json_object *l = ck_test_api_req(url, "GET", CONC_SVCS, NULL, NULL, 200);
	json_object *items = ck_obj_path(l, "items");
	int n = (int)json_object_array_length(items), n_ports = 0;
	uint32_t *ips = ck_calloc((size_t)n + 1, sizeof(*ips));
	uint32_t *ports = ck_calloc((size_t)n + 1, sizeof(*ports));
	struct in_addr kube;
	ck_assert_int_eq(inet_pton(AF_INET, kube_ip, &kube), 1);
	for (int i = 0; i < n; i++) {
		char ip[64];
		int64_t np;
		service_values(json_object_array_get_idx(items, i), ip, sizeof(ip), &np);
		struct in_addr a;
		ck_assert_msg(inet_pton(AF_INET, ip, &a) == 1, "clusterIP '%s'", ip);
		ck_assert_msg(a.s_addr != kube.s_addr, "clusterIP %s is the kubernetes Service's",
			      ip);
		ips[i] = ntohl(a.s_addr);
		if (np >= 0)
			ports[n_ports++] = (uint32_t)np;
	}
	qsort(ips, (size_t)n, sizeof(*ips), cmp_u32);
	qsort(ports, (size_t)n_ports, sizeof(*ports), cmp_u32);
	for (int i = 1; i < n; i++)
		if (ips[i] == ips[i - 1])
			ck_abort_msg("clusterIP %u.%u.%u.%u twice", ips[i] >> 24,
				     (ips[i] >> 16) & 255, (ips[i] >> 8) & 255, ips[i] & 255);
	for (int i = 1; i < n_ports; i++)
		if (ports[i] == ports[i - 1])
			ck_abort_msg("nodePort %u twice", ports[i]);
	free(ips);
	free(ports);
	json_object_put(l);
	return n;
}

/*
 * 1 000 NodePort Services created at once through two API servers on one
 * etcd, then one server restarted and more created through both: every
 * clusterIP and nodePort stays distinct.
 */
START_TEST(test_concurrent_allocation)
{
	struct ck_test_apiserver *a1, *a2;
	char url1[128], url2[128];
	start_api(big_flags, &a1, url1);
	start_api(big_flags, &a2, url2);
	const char *const urls[2] = { url1, url2 };
	json_object_put(ck_test_api_req(url1, "POST", "/api/v1/namespaces",
					"{\"metadata\":{\"name\":\"conc\"}}", NULL, 201));
	enum { THREADS = 20, PER = 50 }; /* 1 000 */
	double t0 = ck_test_now_ms();
	create_concurrently(urls, "s", THREADS, PER);
	fprintf(stderr, "concurrent allocation: %d services in %.0f ms\n", THREADS * PER,
		ck_test_now_ms() - t0);
	ck_assert_int_eq(check_unique(url1, "10.1.0.1"), THREADS * PER);

	/* a restart keeps what was allocated, for it and for the other server */
	ck_test_apiserver_free(a1);
	start_api(big_flags, &a1, url1);
	create_concurrently(urls, "after", 4, 25);
	ck_assert_int_eq(check_unique(url2, "10.1.0.1"), THREADS * PER + 100);
	ck_test_apiserver_free(a1);
	ck_test_apiserver_free(a2);
}
END_TEST

/*
 * A full range: of the /28's 13 free addresses and 10 NodePorts, exactly
 * the 10 NodePort and then 3 ClusterIP Services fit, the next of each
 * fails as upstream's does (and gives back what it took), a delete frees
 * one, and a restart keeps the range full.
 */
START_TEST(test_allocation_range_full)
{
	struct ck_test_apiserver *small;
	char url[128];
	start_api(small_flags, &small, url);
	json_object_put(ck_test_api_req(url, "POST", "/api/v1/namespaces",
					"{\"metadata\":{\"name\":\"conc\"}}", NULL, 201));
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(create_service(url, "np", i, "NodePort"), 201);
	json_object *st = ck_test_api_req(url, "POST", CONC_SVCS,
					  "{\"metadata\":{\"name\":\"np10\"},\"spec\":{\"type\":"
					  "\"NodePort\",\"ports\":[{\"port\":80}]}}",
					  NULL, 500);
	expect_message(st, "failed to allocate a nodePort: range is full");
	json_object_put(st);
	/* the failed NodePort create released its clusterIP: 3 are left */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(create_service(url, "ip", i, "ClusterIP"), 201);
	st = ck_test_api_req(url, "POST", CONC_SVCS,
			     "{\"metadata\":{\"name\":\"ip3\"},\"spec\":{\"ports\":[{\"port\":"
			     "80}]}}",
			     NULL, 500);
	expect_message(st, "failed to allocate a serviceIP: range is full");
	json_object_put(st);
	ck_assert_int_eq(check_unique(url, "10.2.0.1"), 13);

	/* a restart keeps it full; a delete frees one address */
	ck_test_apiserver_free(small);
	start_api(small_flags, &small, url);
	ck_assert_int_eq(create_service(url, "ip", 3, "ClusterIP"), 500);
	json_object_put(ck_test_api_req(url, "DELETE", CONC_SVCS "/ip0", NULL, NULL, 200));
	ck_assert_int_eq(create_service(url, "ip", 3, "ClusterIP"), 201);
	ck_assert_int_eq(create_service(url, "ip", 4, "ClusterIP"), 500);
	ck_assert_int_eq(check_unique(url, "10.2.0.1"), 13);
	ck_test_apiserver_free(small);
}
END_TEST

START_TEST(test_nodes)
{
	json_object *n =
	    req("POST", "/api/v1/nodes",
		"{\"metadata\":{\"name\":\"node-a\",\"labels\":{\"node-role.kubernetes."
		"io/worker\":\"\"}},\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"taints\":"
		"[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]},\"status\":{\"capacity\":"
		"{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\"},\"conditions\":[{"
		"\"type\":\"Ready\",\"status\":\"True\"}],\"nodeInfo\":{"
		"\"kubeletVersion\":\"v1.30.0\"}}}",
		201);
	ck_assert_str_eq(ck_test_api_str(n, "status.allocatable.cpu"),
			 "4"); /* defaulted, kept on create */
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(n, "spec.podCIDRs"), 0), ""),
	    "10.244.1.0/24");
	json_object_put(n);
	req_drop("GET", "/api/v1/namespaces/default/nodes/node-a", NULL, 404);
	/* the main resource ignores status; nodes/status sets it */
	n = req(
	    "PATCH", "/api/v1/nodes/node-a",
	    "{\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"False\"}]}}",
	    200);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(n, "status.conditions"), 0),
			    "status"),
	    "True");
	json_object_put(n);
	n = req("PATCH", "/api/v1/nodes/node-a/status",
		"{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}", 200);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(n, "status.conditions"), 0),
			    "status"),
	    "False");
	ck_assert(json_object_get_boolean(ck_obj_path(n, "spec.unschedulable")));
	json_object_put(n);
	json_object *st = req("PATCH", "/api/v1/nodes/node-a",
			      "{\"spec\":{\"podCIDR\":\"10.244.2.0/24\",\"podCIDRs\":[\"10.244.2.0/"
			      "24\"]}}",
			      422);
	expect_message(st, "spec.podCIDRs: Forbidden: node updates may not change podCIDR except "
			   "from \"\" to valid");
	json_object_put(st);
	st = req("POST", "/api/v1/nodes",
		 "{\"metadata\":{\"name\":\"node-b\"},\"spec\":{\"taints\":[{\"key\":\"k\"}]}}",
		 422);
	expect_message(st, "metadata.taints[0].effect: Required value");
	json_object_put(st);
	json_object *l =
	    req("GET", "/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	l = req("GET", "/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 0);
	json_object_put(l);
}
END_TEST

START_TEST(test_other_kinds)
{
	static const struct {
		const char *path, *good, *bad, *msg;
	} t[] = {
		{ "/api/v1/namespaces/default/endpoints",
		  "{\"metadata\":{\"name\":\"ep\"},\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.1."
		  "1\"}"
		  "],\"ports\":[{\"port\":80}]}]}",
		  "{\"metadata\":{\"name\":\"ep2\"},\"subsets\":[{}]}",
		  "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`" },
		{ "/api/v1/persistentvolumes",
		  "{\"metadata\":{\"name\":\"pv1\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
		  "\"capacity\":{\"storage\":\"1Gi\"},\"hostPath\":{\"path\":\"/tmp/pv1\"}}}",
		  "{\"metadata\":{\"name\":\"pv2\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
		  "\"capacity\":{\"storage\":\"1Gi\"}}}",
		  "spec: Required value: must specify a volume type" },
		{ "/api/v1/namespaces/default/persistentvolumeclaims",
		  "{\"metadata\":{\"name\":\"c1\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
		  "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}",
		  "{\"metadata\":{\"name\":\"c2\"},\"spec\":{\"resources\":{\"requests\":{"
		  "\"storage\":"
		  "\"1Gi\"}}}}",
		  "spec.accessModes: Required value: at least 1 access mode is required" },
		{ "/api/v1/namespaces/default/limitranges",
		  "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
		  "\"max\":{\"cpu\":\"1\"}}]}}",
		  "{\"metadata\":{\"name\":\"lr2\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
		  "\"max\":{\"cpu\":\"1\"},\"min\":{\"cpu\":\"2\"}}]}}",
		  "min value 2 is greater than max value 1" },
		{ "/api/v1/namespaces/default/resourcequotas",
		  "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"10\"}}}",
		  "{\"metadata\":{\"name\":\"q2\"},\"spec\":{\"hard\":{\"pods\":\"1.5\"}}}",
		  "spec.hard[pods]: Invalid value: \"1500m\": must be an integer" },
		{ "/api/v1/namespaces/default/replicationcontrollers",
		  "{\"metadata\":{\"name\":\"rc\"},\"spec\":{\"template\":{\"metadata\":{"
		  "\"labels\":{"
		  "\"app\":\"rc\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}"
		  "}",
		  "{\"metadata\":{\"name\":\"rc2\"},\"spec\":{\"selector\":{\"app\":\"x\"},"
		  "\"template\":{\"metadata\":{\"labels\":{\"app\":\"rc\"}},\"spec\":{"
		  "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
		  "`selector` does not match template `labels`" },
		{ "/api/v1/namespaces/default/podtemplates",
		  "{\"metadata\":{\"name\":\"pt\"},\"template\":{\"spec\":{\"containers\":[{"
		  "\"name\":"
		  "\"c\",\"image\":\"i\"}]}}}",
		  "{\"metadata\":{\"name\":\"pt2\"},\"template\":{\"spec\":{\"containers\":[]}}}",
		  "template.spec.containers: Required value" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		req_drop("POST", t[i].path, t[i].good, 201);
		json_object *st = req("POST", t[i].path, t[i].bad, 422);
		expect_message(st, t[i].msg);
		json_object_put(st);
	}
	json_object *rc =
	    req("GET", "/api/v1/namespaces/default/replicationcontrollers/rc", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(rc, "metadata.generation"), 1);
	ck_assert_int_eq(ck_test_api_num(rc, "spec.replicas"), 1);
	json_object_put(rc);
	rc = req("PATCH", "/api/v1/namespaces/default/replicationcontrollers/rc",
		 "{\"spec\":{\"replicas\":3}}", 200);
	ck_assert_int_eq(ck_test_api_num(rc, "metadata.generation"), 2);
	json_object_put(rc);
	json_object *pv = req("GET", "/api/v1/persistentvolumes/pv1", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(pv, "status.phase"), "Pending");
	ck_assert_str_eq(ck_test_api_str(pv, "spec.persistentVolumeReclaimPolicy"), "Retain");
	json_object_put(pv);
	json_object *st = req("PATCH", "/api/v1/persistentvolumes/pv1",
			      "{\"spec\":{\"hostPath\":{\"path\":\"/tmp/other\"}}}", 422);
	expect_message(st, "spec.persistentvolumesource is immutable after creation");
	json_object_put(st);
	json_object *cs = req("GET", "/api/v1/componentstatuses", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(cs, "items")), 3);
	json_object_put(cs);
	cs = req("GET", "/api/v1/componentstatuses/etcd-0", NULL, 200);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(cs, "conditions"), 0), "status"),
	    "True");
	json_object_put(cs);
	req_drop("DELETE", "/api/v1/componentstatuses/etcd-0", NULL, 405);
}
END_TEST

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

START_TEST(test_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	char dir[] = "/tmp/ck-core-kinds-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[600];
	snprintf(file, sizeof(file), "%s/objs.json", dir);
	FILE *f = fopen(file, "w");
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
	      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"kp\"},\"spec\":{"
	      "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}},"
	      "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"ks\"},\"spec\":"
	      "{\"type\":\"NodePort\",\"selector\":{\"app\":\"kp\"},\"ports\":[{\"port\":8080,"
	      "\"targetPort\":80}]}},"
	      "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"kn\",\"labels\":"
	      "{\"node-role.kubernetes.io/control-plane\":\"\"}},\"status\":{\"conditions\":[{"
	      "\"type\":\"Ready\",\"status\":\"True\"}],\"addresses\":[{\"type\":\"InternalIP\","
	      "\"address\":\"192.0.2.7\"}],\"nodeInfo\":{\"kubeletVersion\":\"v1.30.0\","
	      "\"osImage\":\"Debian GNU/Linux 12\",\"kernelVersion\":\"6.1.0\","
	      "\"containerRuntimeVersion\":\"containerd://1.6.20\"}}}]}",
	      f);
	fclose(f);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create --validate=false -f %s", KC, file), 0);
	ck_test_expect_in(&out, "pod/kp created");
	ck_test_expect_in(&out, "service/ks created");
	ck_test_expect_in(&out, "node/kn created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get pods,svc,nodes -o wide", KC), 0);
	ck_test_expect_cols(
	    &out, "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES");
	ck_test_expect_cols(&out, "pod/kp 0/1 Pending 0 ");
	ck_test_expect_cols(&out, "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR");
	ck_test_expect_cols(&out, "service/kubernetes ClusterIP 10.0.0.1 <none> 443/TCP ");
	ck_test_expect_cols(&out, "service/ks NodePort ");
	ck_test_expect_in(&out, "8080:30");
	ck_test_expect_in(&out, "app=kp");
	ck_test_expect_cols(&out, "NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE "
				  "KERNEL-VERSION CONTAINER-RUNTIME");
	ck_test_expect_cols(&out, "node/kn Ready control-plane ");
	ck_test_expect_in(&out, "192.0.2.7");
	ck_test_expect_in(&out, "containerd://1.6.20");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get endpoints kubernetes", KC), 0);
	ck_test_expect_in(&out, "ENDPOINTS");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cs", KC), 0);
	ck_test_expect_in(&out, "etcd-0");
	ck_test_expect_in(&out, "Healthy");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "get pods --field-selector status.phase=Pending -o name", KC),
	    0);
	ck_test_expect_in(&out, "pod/kp");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "cordon kn", KC), 0);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get node kn", KC), 0);
	ck_test_expect_in(&out, "Ready,SchedulingDisabled");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "delete pod kp --grace-period=0 --force", KC), 0);
	ck_test_expect_in(&out, "pod \"kp\" force deleted");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "api-resources --api-group=''", KC), 0);
	ck_test_expect_in(&out, "pods ");
	ck_test_expect_in(&out, "po ");
	ck_test_expect_in(&out, "services");
	ck_test_expect_in(&out, "componentstatuses");
	unlink(file);
	rmdir(dir);
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_core_kinds(void)
{
	Suite *s = suite_create("core_kinds");
	TCase *tc = tcase_create("core_kinds");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(240));
	tcase_add_test(tc, test_pods);
	tcase_add_test(tc, test_binding_and_graceful_deletion);
	tcase_add_test(tc, test_services);
	tcase_add_test(tc, test_nodes);
	tcase_add_test(tc, test_other_kinds);
	tcase_add_test(tc, test_kubectl);
	tcase_add_test(tc, test_concurrent_allocation);
	tcase_add_test(tc, test_allocation_range_full);
	suite_add_tcase(s, tc);
	return s;
}
