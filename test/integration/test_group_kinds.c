/*
 * The built-in kinds outside core/v1, apps and batch, against a real etcd
 * and a real kube-apiserver: discovery.k8s.io endpointslices,
 * networking.k8s.io ingresses, ingressclasses and networkpolicies, policy
 * poddisruptionbudgets, scheduling.k8s.io priorityclasses (with the system
 * classes bootstrapped), storage.k8s.io storageclasses and
 * apiextensions.k8s.io customresourcedefinitions: defaults, validation
 * errors (field path and reason), immutable fields, status separation,
 * protobuf answers equal to JSON ones; the `kubernetes` Service, Endpoints
 * and EndpointSlice; and the real kubectl's create and get columns.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/api.h"
#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/protobuf.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "apimachinery/object.h"
#include "util/buf.h"
#include "util/common.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static char base[128];

static void setup(void)
{
	static const char *const flags[] = { "--service-cluster-ip-range=10.0.0.0/24", NULL };
	ck_test_api_start(flags, &etcd, &api);
	snprintf(base, sizeof(base), "%s", ck_test_apiserver_url(api));
}

static void teardown(void)
{
	ck_test_api_stop(&etcd, &api);
}

/*
 * method path with a JSON body (PATCH: a merge patch); the answer, owned.
 * Writes name their field manager, as every real client's do.
 */
static json_object *req(const char *method, const char *path, const char *body, long want)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", path,
		 strcmp(method, "GET") == 0 ? "" : "?fieldManager=group-kinds-test");
	return ck_test_api_req(base, method, p, body,
			       strcmp(method, "PATCH") == 0 ? "application/merge-patch+json" : NULL,
			       want);
}

static void req_drop(const char *method, const char *path, const char *body, long want)
{
	json_object_put(req(method, path, body, want));
}

/* method path body answers a 422 holding msg whose first cause is (field, reason). */
static void expect_invalid(const char *method, const char *path, const char *body, const char *msg,
			   const char *field, const char *reason)
{
	ck_test_api_expect_invalid(req(method, path, body, 422), msg, field, reason, true);
}

#define PCS "/apis/scheduling.k8s.io/v1/priorityclasses"
#define SCS "/apis/storage.k8s.io/v1/storageclasses"
#define PDBS "/apis/policy/v1/namespaces/default/poddisruptionbudgets"
#define INGS "/apis/networking.k8s.io/v1/namespaces/default/ingresses"
#define INGCS "/apis/networking.k8s.io/v1/ingressclasses"
#define NETPOLS "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies"
#define SLICES "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
#define CRDS "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"

/* GET path until it answers 200 (bootstrap objects appear just after start). */
static json_object *get_eventually(const char *path)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	for (;;) {
		long code;
		json_object *o = ck_test_request(base, "GET", path, NULL, &code);
		if (code == 200)
			return o;
		json_object_put(o);
		ck_assert_msg(ck_test_now_ms() < deadline, "%s: still %ld", path, code);
		usleep(50 * 1000);
	}
}

START_TEST(test_priorityclasses)
{
	json_object *pc = get_eventually(PCS "/system-node-critical");
	ck_assert_int_eq(ck_test_api_num(pc, "value"), 2000001000);
	ck_assert_str_eq(ck_test_api_str(pc, "preemptionPolicy"), "PreemptLowerPriority");
	json_object_put(pc);
	pc = get_eventually(PCS "/system-cluster-critical");
	ck_assert_int_eq(ck_test_api_num(pc, "value"), 2000000000);
	json_object_put(pc);

	pc = req("POST", PCS, "{\"metadata\":{\"name\":\"zero\"}}", 201);
	ck_assert_int_eq(ck_test_api_num(pc, "value"), 0);
	ck_assert_str_eq(ck_test_api_str(pc, "preemptionPolicy"), "PreemptLowerPriority");
	json_object_put(pc);
	expect_invalid("POST", PCS, "{\"metadata\":{\"name\":\"big\"},\"value\":2000000000}",
		       "PriorityClass.scheduling.k8s.io \"big\" is invalid: value: Forbidden: "
		       "maximum allowed value "
		       "of a user defined priority is 1000000000",
		       "value", "FieldValueForbidden");
	expect_invalid("POST", PCS, "{\"metadata\":{\"name\":\"system-x\"},\"value\":1}",
		       "metadata.name: Forbidden: priority class names with 'system-' prefix are "
		       "reserved for system use only. error: system-x is not a known system "
		       "priority class",
		       "metadata.name", "FieldValueForbidden");
	expect_invalid(
	    "POST", PCS,
	    "{\"metadata\":{\"name\":\"pp\"},\"value\":1,\"preemptionPolicy\":\"Maybe\"}",
	    "preemptionPolicy: Unsupported value: \"Maybe\": supported values: "
	    "\"Never\", \"PreemptLowerPriority\"",
	    "preemptionPolicy", "FieldValueNotSupported");

	/* value is immutable; the description is not */
	req_drop("POST", PCS, "{\"metadata\":{\"name\":\"high\"},\"value\":1000}", 201);
	expect_invalid("PATCH", PCS "/high", "{\"value\":1001}",
		       "value: Forbidden: may not be changed in an update.", "value",
		       "FieldValueForbidden");
	pc = req("PATCH", PCS "/high", "{\"description\":\"d\"}", 200);
	ck_assert_str_eq(ck_test_api_str(pc, "description"), "d");
	json_object_put(pc);

	/* at most one globalDefault */
	req_drop("POST", PCS,
		 "{\"metadata\":{\"name\":\"def\"},\"value\":5,\"globalDefault\":true}", 201);
	json_object *st =
	    req("POST", PCS,
		"{\"metadata\":{\"name\":\"def2\"},\"value\":6,\"globalDefault\":true}", 403);
	ck_assert_str_eq(ck_test_api_str(st, "reason"), "Forbidden");
	ck_assert_msg(strstr(ck_test_api_str(st, "message"),
			     "PriorityClass def is already marked as default. Only one default "
			     "can exist") != NULL,
		      "%s", ck_test_api_str(st, "message"));
	json_object_put(st);
	req_drop("PATCH", PCS "/def", "{\"globalDefault\":true,\"description\":\"x\"}", 200);
	req_drop("PATCH", PCS "/high", "{\"globalDefault\":true}", 403);

	/* the system classes stay: no delete, no new value, no globalDefault */
	for (size_t i = 0; i < 2; i++) {
		static const char *const names[] = { "system-node-critical",
						     "system-cluster-critical" };
		char path[128], want[256];
		snprintf(path, sizeof(path), PCS "/%s", names[i]);
		st = req("DELETE", path, NULL, 403);
		snprintf(want, sizeof(want),
			 "priorityclasses.scheduling.k8s.io \"%s\" is forbidden: "
			 "this is a system priority class and cannot be deleted",
			 names[i]);
		ck_assert_str_eq(ck_test_api_str(st, "reason"), "Forbidden");
		ck_assert_str_eq(ck_test_api_str(st, "message"), want);
		ck_assert_int_eq(ck_test_api_num(st, "code"), 403);
		json_object_put(st);
		snprintf(path, sizeof(path), PCS "/%s?dryRun=All", names[i]);
		json_object_put(ck_test_api_req(base, "DELETE", path, NULL, NULL, 403));
	}
	expect_invalid("PATCH", PCS "/system-node-critical", "{\"value\":5}",
		       "metadata.name: Forbidden: priority class names with 'system-' prefix are "
		       "reserved for system use only. error: value of system-node-critical "
		       "PriorityClass must be 2000001000",
		       "metadata.name", "FieldValueForbidden");
	expect_invalid("PATCH", PCS "/system-cluster-critical", "{\"globalDefault\":true}",
		       "error: globalDefault of system-cluster-critical PriorityClass must be "
		       "false",
		       "metadata.name", "FieldValueForbidden");
	pc = req("PATCH", PCS "/system-cluster-critical", "{\"description\":\"mine\"}", 200);
	ck_assert_str_eq(ck_test_api_str(pc, "description"), "mine");
	json_object_put(pc);
	pc = req("GET", PCS "/system-node-critical", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(pc, "value"), 2000001000);
	json_object_put(pc);
	req_drop("DELETE", PCS "/zero", NULL, 200);

	ck_test_expect_protobuf_matches_json(base, PCS "/high", 200);
	ck_test_expect_protobuf_matches_json(base, PCS "/system-node-critical", 200);
	ck_test_expect_protobuf_matches_json(base, PCS, 200);
}
END_TEST

START_TEST(test_storageclasses)
{
	json_object *sc = req("POST", SCS,
			      "{\"metadata\":{\"name\":\"fast\"},\"provisioner\":\"example.com/"
			      "fast\",\"parameters\":{\"type\":\"ssd\"}}",
			      201);
	ck_assert_str_eq(ck_test_api_str(sc, "reclaimPolicy"), "Delete");
	ck_assert_str_eq(ck_test_api_str(sc, "volumeBindingMode"), "Immediate");
	json_object_put(sc);
	expect_invalid(
	    "POST", SCS, "{\"metadata\":{\"name\":\"nop\"}}",
	    "StorageClass.storage.k8s.io \"nop\" is invalid: provisioner: Required value",
	    "provisioner", "FieldValueRequired");
	expect_invalid("POST", SCS,
		       "{\"metadata\":{\"name\":\"r\"},\"provisioner\":\"a/b\",\"reclaimPolicy\":"
		       "\"Recycle\"}",
		       "reclaimPolicy: Unsupported value: \"Recycle\": supported values: "
		       "\"Delete\", \"Retain\"",
		       "reclaimPolicy", "FieldValueNotSupported");
	expect_invalid("POST", SCS,
		       "{\"metadata\":{\"name\":\"m\"},\"provisioner\":\"a/b\","
		       "\"volumeBindingMode\":\"Later\"}",
		       "volumeBindingMode: Unsupported value: \"Later\"", "volumeBindingMode",
		       "FieldValueNotSupported");
	expect_invalid("PATCH", SCS "/fast", "{\"parameters\":{\"type\":\"hdd\"}}",
		       "parameters: Forbidden: updates to parameters are forbidden.", "parameters",
		       "FieldValueForbidden");
	expect_invalid("PATCH", SCS "/fast", "{\"provisioner\":\"example.com/slow\"}",
		       "provisioner: Forbidden: updates to provisioner are forbidden.",
		       "provisioner", "FieldValueForbidden");
	expect_invalid("PATCH", SCS "/fast", "{\"volumeBindingMode\":\"WaitForFirstConsumer\"}",
		       "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is "
		       "immutable",
		       "volumeBindingMode", "FieldValueInvalid");
	sc = req("PATCH", SCS "/fast", "{\"allowVolumeExpansion\":true}", 200);
	ck_assert(json_object_get_boolean(ck_obj_path(sc, "allowVolumeExpansion")));
	json_object_put(sc);
	ck_test_expect_protobuf_matches_json(base, SCS "/fast", 200);
}
END_TEST

START_TEST(test_poddisruptionbudgets)
{
	json_object *pdb =
	    req("POST", PDBS,
		"{\"metadata\":{\"name\":\"web\"},\"spec\":{\"minAvailable\":\"50%\","
		"\"selector\":{\"matchLabels\":{\"app\":\"web\"}}},\"status\":{"
		"\"disruptionsAllowed\":9}}",
		201);
	ck_assert_int_eq(ck_test_api_num(pdb, "status.disruptionsAllowed"), 0);
	ck_assert_int_eq(ck_test_api_num(pdb, "status.expectedPods"), 0);
	ck_assert_int_eq(ck_test_api_num(pdb, "metadata.generation"), 1);
	json_object_put(pdb);
	expect_invalid("POST", PDBS,
		       "{\"metadata\":{\"name\":\"both\"},\"spec\":{\"minAvailable\":1,"
		       "\"maxUnavailable\":1}}",
		       "minAvailable and maxUnavailable cannot be both set", "spec",
		       "FieldValueInvalid");
	expect_invalid(
	    "POST", PDBS,
	    "{\"metadata\":{\"name\":\"pct\"},\"spec\":{\"maxUnavailable\":\"120%\"}}",
	    "spec.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%",
	    "spec.maxUnavailable", "FieldValueInvalid");
	expect_invalid("POST", PDBS,
		       "{\"metadata\":{\"name\":\"pol\"},\"spec\":{\"minAvailable\":1,"
		       "\"unhealthyPodEvictionPolicy\":\"Sometimes\"}}",
		       "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Sometimes\": "
		       "supported values: \"AlwaysAllow\", \"IfHealthyBudget\"",
		       "spec.unhealthyPodEvictionPolicy", "FieldValueNotSupported");

	/* status only through /status; the spec may change and bumps generation */
	pdb = req("PATCH", PDBS "/web",
		  "{\"spec\":{\"minAvailable\":2},\"status\":{\"disruptionsAllowed\":7}}", 200);
	ck_assert_int_eq(ck_test_api_num(pdb, "status.disruptionsAllowed"), 0);
	ck_assert_int_eq(ck_test_api_num(pdb, "spec.minAvailable"), 2);
	ck_assert_int_eq(ck_test_api_num(pdb, "metadata.generation"), 2);
	json_object_put(pdb);
	pdb = req("PATCH", PDBS "/web/status",
		  "{\"spec\":{\"minAvailable\":5},\"status\":{\"disruptionsAllowed\":3,"
		  "\"observedGeneration\":2}}",
		  200);
	ck_assert_int_eq(ck_test_api_num(pdb, "status.disruptionsAllowed"), 3);
	ck_assert_int_eq(ck_test_api_num(pdb, "spec.minAvailable"), 2);
	json_object_put(pdb);
	expect_invalid("PATCH", PDBS "/web/status", "{\"status\":{\"currentHealthy\":-1}}",
		       "status.currentHealthy: Invalid value: -1: must be greater than or equal "
		       "to 0",
		       "status.currentHealthy", "FieldValueInvalid");
	ck_test_expect_protobuf_matches_json(base, PDBS "/web", 200);
}
END_TEST

#define INGRESS(name, paths)                                                                  \
	"{\"metadata\":{\"name\":\"" name "\"},\"spec\":{\"rules\":[{\"host\":\"foo.example." \
	"com\",\"http\":{\"paths\":[" paths "]}}]}}"
#define BACKEND "\"backend\":{\"service\":{\"name\":\"web\",\"port\":{\"number\":80}}}"

START_TEST(test_ingresses)
{
	json_object *ing =
	    req("POST", INGS,
		INGRESS("web", "{\"path\":\"/\",\"pathType\":\"Prefix\"," BACKEND "}"), 201);
	ck_assert_ptr_nonnull(ck_obj_path(ing, "status.loadBalancer"));
	ck_assert_int_eq(ck_test_api_num(ing, "metadata.generation"), 1);
	json_object_put(ing);
	expect_invalid("POST", INGS, INGRESS("nopt", "{\"path\":\"/\"," BACKEND "}"),
		       "spec.rules[0].http.paths[0].pathType: Required value: pathType must be "
		       "specified",
		       "spec.rules[0].http.paths[0].pathType", "FieldValueRequired");
	expect_invalid("POST", INGS,
		       INGRESS("rel", "{\"path\":\"a/b\",\"pathType\":\"Exact\"," BACKEND "}"),
		       "spec.rules[0].http.paths[0].path: Invalid value: \"a/b\": must be an "
		       "absolute path",
		       "spec.rules[0].http.paths[0].path", "FieldValueInvalid");
	expect_invalid("POST", INGS,
		       INGRESS("nob", "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{}}"),
		       "spec.rules[0].http.paths[0].backend: Invalid value: \"\": resource or "
		       "service backend is required",
		       "spec.rules[0].http.paths[0].backend", "FieldValueInvalid");
	expect_invalid("POST", INGS,
		       "{\"metadata\":{\"name\":\"ip\"},\"spec\":{\"rules\":[{\"host\":\"10.0.0."
		       "1\"}]}}",
		       "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not "
		       "an IP address",
		       "spec.rules[0].host", "FieldValueInvalid");
	expect_invalid("POST", INGS, "{\"metadata\":{\"name\":\"empty\"},\"spec\":{}}",
		       "either `defaultBackend` or `rules` must be specified", "spec",
		       "FieldValueInvalid");

	/* status only through ingresses/status */
	ing = req("PATCH", INGS "/web",
		  "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.1\"}]}}}", 200);
	ck_assert_ptr_null(ck_obj_path(ing, "status.loadBalancer.ingress"));
	json_object_put(ing);
	ing = req("PATCH", INGS "/web/status",
		  "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.1\"}]}}}", 200);
	ck_assert_str_eq(ck_test_api_str(json_object_array_get_idx(
					     ck_obj_path(ing, "status.loadBalancer.ingress"), 0),
					 "ip"),
			 "192.0.2.1");
	json_object_put(ing);
	expect_invalid("PATCH", INGS "/web/status",
		       "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"300.1.1.1\"}]}}}",
		       "status.loadBalancer.ingress[0].ip: Invalid value: \"300.1.1.1\"",
		       "status.loadBalancer.ingress[0].ip", "FieldValueInvalid");
	ck_test_expect_protobuf_matches_json(base, INGS "/web", 200);

	/* ingressclasses: scope defaults to Cluster, the controller is immutable */
	json_object *ic = req("POST", INGCS,
			      "{\"metadata\":{\"name\":\"nginx\"},\"spec\":{\"controller\":"
			      "\"example.com/ingress\",\"parameters\":{\"kind\":\"Cfg\",\"name\":"
			      "\"c\"}}}",
			      201);
	ck_assert_str_eq(ck_test_api_str(ic, "spec.parameters.scope"), "Cluster");
	json_object_put(ic);
	expect_invalid("POST", INGCS,
		       "{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"controller\":\"nodomain\"}}",
		       "spec.controller: Invalid value: \"nodomain\": must be a domain-prefixed "
		       "path (such as \"acme.io/foo\")",
		       "spec.controller", "FieldValueInvalid");
	expect_invalid("POST", INGCS,
		       "{\"metadata\":{\"name\":\"ns\"},\"spec\":{\"controller\":\"a.io/b\","
		       "\"parameters\":{\"kind\":\"K\",\"name\":\"n\",\"scope\":\"Namespace\"}}}",
		       "spec.parameters.namespace: Required value: `parameters.scope` is set to "
		       "'Namespace'",
		       "spec.parameters.namespace", "FieldValueRequired");
	expect_invalid("PATCH", INGCS "/nginx", "{\"spec\":{\"controller\":\"example.com/other\"}}",
		       "spec.controller: Invalid value: \"example.com/other\": field is immutable",
		       "spec.controller", "FieldValueInvalid");
	ck_test_expect_protobuf_matches_json(base, INGCS "/nginx", 200);
}
END_TEST

START_TEST(test_networkpolicies)
{
	json_object *np =
	    req("POST", NETPOLS,
		"{\"metadata\":{\"name\":\"db\"},\"spec\":{\"podSelector\":{"
		"\"matchLabels\":{\"app\":\"db\"}},\"ingress\":[{\"from\":[{"
		"\"ipBlock\":{\"cidr\":\"10.0.0.0/16\",\"except\":[\"10.0.1.0/24\"]}}],"
		"\"ports\":[{\"port\":5432}]}],\"egress\":[{}]}}",
		201);
	json_object *types = ck_obj_path(np, "spec.policyTypes");
	ck_assert_int_eq(json_object_array_length(types), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(types, 1)), "Egress");
	json_object *port = json_object_array_get_idx(
	    ck_obj_path(json_object_array_get_idx(ck_obj_path(np, "spec.ingress"), 0), "ports"), 0);
	ck_assert_str_eq(ck_test_api_str(port, "protocol"), "TCP");
	json_object_put(np);
	np = req("POST", NETPOLS, "{\"metadata\":{\"name\":\"deny\"},\"spec\":{}}", 201);
	ck_assert_ptr_nonnull(ck_obj_path(np, "spec.podSelector"));
	ck_assert_int_eq(json_object_array_length(ck_obj_path(np, "spec.policyTypes")), 1);
	json_object_put(np);
	expect_invalid("POST", NETPOLS,
		       "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"ingress\":[{\"from\":[{"
		       "\"ipBlock\":{\"cidr\":\"10.0.0.0/16\",\"except\":[\"10.1.0.0/24\"]}}]}]}}",
		       "spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": "
		       "must be a strict subset of `cidr`",
		       "spec.ingress[0].from[0].ipBlock.except[0]", "FieldValueInvalid");
	expect_invalid(
	    "POST", NETPOLS,
	    "{\"metadata\":{\"name\":\"y\"},\"spec\":{\"egress\":[{\"to\":[{}],"
	    "\"ports\":[{\"port\":80,\"endPort\":70}]}]}}",
	    "spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or "
	    "equal to `port`",
	    "spec.egress[0].ports[0].endPort", "FieldValueInvalid");
	expect_invalid("POST", NETPOLS,
		       "{\"metadata\":{\"name\":\"z\"},\"spec\":{\"policyTypes\":[\"Sideways\"]}}",
		       "spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: "
		       "\"Ingress\", \"Egress\"",
		       "spec.policyTypes[0]", "FieldValueNotSupported");
	ck_test_expect_protobuf_matches_json(base, NETPOLS "/db", 200);
}
END_TEST

START_TEST(test_endpointslices)
{
	json_object *s = req("POST", SLICES,
			     "{\"metadata\":{\"name\":\"web-1\"},\"addressType\":\"IPv4\","
			     "\"endpoints\":[{\"addresses\":[\"10.1.2.3\"],\"conditions\":{"
			     "\"ready\":true},\"nodeName\":\"n1\"}],\"ports\":[{\"port\":80}]}",
			     201);
	json_object *p = json_object_array_get_idx(ck_obj_path(s, "ports"), 0);
	ck_assert_str_eq(ck_test_api_str(p, "protocol"), "TCP");
	ck_assert_str_eq(ck_test_api_str(p, "name"), "");
	ck_assert_int_eq(ck_test_api_num(s, "metadata.generation"), 1);
	json_object_put(s);
	expect_invalid(
	    "POST", SLICES,
	    "{\"metadata\":{\"name\":\"bad\"},\"addressType\":\"IPv4\",\"endpoints\":[{"
	    "\"addresses\":[\"fe80::1\"]}]}",
	    "endpoints[0].addresses[0]: Invalid value: \"fe80::1\": must be a valid IPv4 "
	    "address",
	    "endpoints[0].addresses[0]", "FieldValueInvalid");
	expect_invalid("POST", SLICES, "{\"metadata\":{\"name\":\"noat\"}}",
		       "addressType: Required value", "addressType", "FieldValueRequired");
	expect_invalid(
	    "POST", SLICES,
	    "{\"metadata\":{\"name\":\"e\"},\"addressType\":\"IPv4\",\"endpoints\":[{}]}",
	    "endpoints[0].addresses: Required value: must contain at least 1 address",
	    "endpoints[0].addresses", "FieldValueRequired");
	expect_invalid("POST", SLICES,
		       "{\"metadata\":{\"name\":\"dup\"},\"addressType\":\"FQDN\",\"ports\":[{"
		       "\"name\":\"a\",\"port\":1},{\"name\":\"a\",\"port\":2}]}",
		       "ports[1].name: Duplicate value: \"a\"", "ports[1].name",
		       "FieldValueDuplicate");
	expect_invalid(
	    "PATCH", SLICES "/web-1",
	    "{\"addressType\":\"IPv6\",\"endpoints\":[{\"addresses\":[\"2001:db8::1\"]}]}",
	    "addressType: Invalid value: \"IPv6\": field is immutable", "addressType",
	    "FieldValueInvalid");
	s = req("PATCH", SLICES "/web-1", "{\"endpoints\":[{\"addresses\":[\"10.1.2.4\"]}]}", 200);
	ck_assert_int_eq(ck_test_api_num(s, "metadata.generation"), 2);
	json_object_put(s);
	ck_test_expect_protobuf_matches_json(base, SLICES "/web-1", 200);
}
END_TEST

#define CRD(name, group, versions)                                                            \
	"{\"metadata\":{\"name\":\"" name "\"},\"spec\":{\"group\":\"" group "\",\"names\":{" \
	"\"plural\":\"widgets\",\"kind\":\"Widget\",\"shortNames\":[\"wd\"]},\"scope\":"      \
	"\"Namespaced\",\"versions\":[" versions "]}}"
#define SCHEMA                                                                               \
	"\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"spec\":{"    \
	"\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,\"properties\":{" \
	"\"size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10.5,\"default\":3},"      \
	"\"color\":{\"type\":\"string\",\"enum\":[\"red\",\"blue\"]},\"tags\":{\"type\":"    \
	"\"array\",\"items\":{\"type\":\"string\"}},\"labels\":{\"type\":\"object\","        \
	"\"additionalProperties\":{\"type\":\"string\"}},\"open\":{\"type\":\"object\","     \
	"\"additionalProperties\":true}}}}}}"

START_TEST(test_customresourcedefinitions)
{
	json_object *crd =
	    req("POST", CRDS,
		CRD("widgets.example.com", "example.com",
		    "{\"name\":\"v1\",\"served\":true,\"storage\":true," SCHEMA "},"
		    "{\"name\":\"v1beta1\",\"served\":false,\"storage\":false," SCHEMA "}"),
		201);
	ck_assert_str_eq(ck_test_api_str(crd, "spec.names.singular"), "widget");
	ck_assert_str_eq(ck_test_api_str(crd, "spec.names.listKind"), "WidgetList");
	ck_assert_str_eq(ck_test_api_str(crd, "spec.conversion.strategy"), "None");
	ck_assert_str_eq(ck_test_api_str(crd, "status.acceptedNames.plural"), "widgets");
	ck_assert_str_eq(ck_test_api_str(crd, "status.acceptedNames.kind"), "Widget");
	json_object *stored = ck_obj_path(crd, "status.storedVersions");
	ck_assert_int_eq(json_object_array_length(stored), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(stored, 0)), "v1");
	json_object *conds = ck_obj_path(crd, "status.conditions");
	bool established = false;
	for (size_t i = 0; i < json_object_array_length(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		if (strcmp(ck_test_api_str(c, "type"), "Established") == 0)
			established = strcmp(ck_test_api_str(c, "status"), "True") == 0;
	}
	ck_assert(established);
	json_object_put(crd);

	expect_invalid("POST", CRDS,
		       CRD("widgets.example.com", "example.com",
			   "{\"name\":\"v1\",\"served\":true,\"storage\":true," SCHEMA "},"
			   "{\"name\":\"v2\",\"served\":true,\"storage\":true," SCHEMA "}"),
		       "must have exactly one version marked as storage version", "spec.versions",
		       "FieldValueInvalid");
	expect_invalid("POST", CRDS,
		       CRD("gadgets.example.com", "example.com",
			   "{\"name\":\"v1\",\"served\":true,\"storage\":true," SCHEMA "}"),
		       "metadata.name: Invalid value: \"gadgets.example.com\": must be "
		       "spec.names.plural+\".\"+spec.group",
		       "metadata.name", "FieldValueInvalid");
	expect_invalid("POST", CRDS,
		       CRD("widgets.nodot", "nodot",
			   "{\"name\":\"v1\",\"served\":true,\"storage\":true," SCHEMA "}"),
		       "spec.group: Invalid value: \"nodot\": should be a domain with at least one "
		       "dot",
		       "spec.group", "FieldValueInvalid");
	expect_invalid("POST", CRDS,
		       CRD("widgets.other.io", "other.io",
			   "{\"name\":\"v1\",\"served\":true,\"storage\":true}"),
		       "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are "
		       "required",
		       "spec.versions[0].schema.openAPIV3Schema", "FieldValueRequired");
	expect_invalid("PATCH", CRDS "/widgets.example.com", "{\"spec\":{\"scope\":\"Cluster\"}}",
		       "spec.scope: Invalid value: \"Cluster\": field is immutable", "spec.scope",
		       "FieldValueInvalid");

	/* a new storage version joins status.storedVersions */
	crd = req(
	    "PATCH", CRDS "/widgets.example.com",
	    "{\"spec\":{\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":false," SCHEMA
	    "},{\"name\":\"v2\",\"served\":true,\"storage\":true," SCHEMA "}]}}",
	    200);
	stored = ck_obj_path(crd, "status.storedVersions");
	ck_assert_int_eq(json_object_array_length(stored), 2);
	ck_assert_int_eq(ck_test_api_num(crd, "metadata.generation"), 2);
	json_object_put(crd);

	/* the schema (recursive, JSON values, union types) through protobuf */
	ck_test_expect_protobuf_matches_json(base, CRDS "/widgets.example.com", 200);
	ck_test_expect_protobuf_matches_json(base, CRDS, 200);
}
END_TEST

/* The addresses of the kubernetes Endpoints and EndpointSlice, joined with ",". */
static void kubernetes_addresses(struct ck_buf *ep_ips, struct ck_buf *slice_ips)
{
	ck_buf_reset(ep_ips);
	ck_buf_reset(slice_ips);
	json_object *ep = get_eventually("/api/v1/namespaces/default/endpoints/kubernetes");
	json_object *addrs =
	    ck_obj_path(json_object_array_get_idx(ck_obj_path(ep, "subsets"), 0), "addresses");
	for (size_t i = 0; addrs && i < json_object_array_length(addrs); i++)
		ck_buf_addf(ep_ips, "%s%s", i ? "," : "",
			    ck_test_api_str(json_object_array_get_idx(addrs, i), "ip"));
	json_object_put(ep);
	json_object *slice = get_eventually(SLICES "/kubernetes");
	json_object *eps = ck_obj_path(slice, "endpoints");
	for (size_t i = 0; eps && i < json_object_array_length(eps); i++)
		ck_buf_addf(slice_ips, "%s%s", i ? "," : "",
			    json_object_get_string(json_object_array_get_idx(
				ck_obj_path(json_object_array_get_idx(eps, i), "addresses"), 0)));
	json_object_put(slice);
}

/* Waits until both list exactly want. */
static void expect_kubernetes_addresses(const char *want)
{
	struct ck_buf ep = CK_BUF_INIT, slice = CK_BUF_INIT;
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	for (;;) {
		kubernetes_addresses(&ep, &slice);
		if (strcmp(ck_buf_str(&ep), want) == 0 && strcmp(ck_buf_str(&slice), want) == 0)
			break;
		ck_assert_msg(ck_test_now_ms() < deadline, "endpoints %s, slice %s, want %s",
			      ck_buf_str(&ep), ck_buf_str(&slice), want);
		usleep(100 * 1000);
	}
	ck_buf_release(&ep);
	ck_buf_release(&slice);
}

START_TEST(test_kubernetes_service)
{
	json_object *svc = get_eventually("/api/v1/namespaces/default/services/kubernetes");
	ck_assert_str_eq(ck_test_api_str(svc, "spec.clusterIP"), "10.0.0.1");
	json_object *port = json_object_array_get_idx(ck_obj_path(svc, "spec.ports"), 0);
	ck_assert_int_eq(ck_test_api_num(port, "port"), 443);
	ck_assert_str_eq(ck_test_api_str(port, "name"), "https");
	int64_t secure_port = ck_test_api_num(port, "targetPort");
	ck_assert_int_gt(secure_port, 0);
	json_object_put(svc);
	json_object *ep = get_eventually("/api/v1/namespaces/default/endpoints/kubernetes");
	json_object *ss = json_object_array_get_idx(ck_obj_path(ep, "subsets"), 0);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(ss, "addresses"), 0), "ip"),
	    "127.0.0.1");
	json_object_put(ep);
	json_object *slice = get_eventually(SLICES "/kubernetes");
	ck_assert_str_eq(ck_test_api_str(slice, "addressType"), "IPv4");
	json_object *labels = ck_obj_path(slice, "metadata.labels");
	ck_assert_str_eq(
	    json_object_get_string(json_object_object_get(labels, "kubernetes.io/service-name")),
	    "kubernetes");
	json_object *e = json_object_array_get_idx(ck_obj_path(slice, "endpoints"), 0);
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(ck_obj_path(e, "addresses"), 0)),
	    "127.0.0.1");
	ck_assert(json_object_get_boolean(ck_obj_path(e, "conditions.ready")));
	json_object *sp = json_object_array_get_idx(ck_obj_path(slice, "ports"), 0);
	ck_assert_int_eq(ck_test_api_num(sp, "port"), secure_port);
	ck_assert_str_eq(ck_test_api_str(sp, "name"), "https");
	ck_assert_str_eq(ck_test_api_str(sp, "protocol"), "TCP");
	json_object_put(slice);
	ck_test_expect_protobuf_matches_json(base, SLICES "/kubernetes", 200);

	/* a second server joins the Endpoints and the slice, and leaves them when it stops */
	static const char *const flags2[] = { "--service-cluster-ip-range=10.0.0.0/24",
					      "--advertise-address=127.0.0.2", NULL };
	struct ck_test_apiserver_options o2 = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
						.extra_args = flags2 };
	struct ck_test_apiserver *api2 = NULL;
	ck_assert_int_eq(ck_test_apiserver_start(&o2, &api2), 0);
	expect_kubernetes_addresses("127.0.0.1,127.0.0.2");
	ck_test_apiserver_free(api2);
	expect_kubernetes_addresses("127.0.0.1");

	/* a restart leaves one address and the same slice */
	ck_assert_int_eq(ck_test_apiserver_stop(api, 0), 0);
	ck_test_apiserver_free(api);
	static const char *const flags[] = { "--service-cluster-ip-range=10.0.0.0/24", NULL };
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = flags };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	snprintf(base, sizeof(base), "%s", ck_test_apiserver_url(api));
	double deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	for (;;) {
		slice = get_eventually(SLICES "/kubernetes");
		/* between the old server's leaving and the new one's joining: no ports */
		json_object *ports = ck_obj_path(slice, "ports");
		sp = ports ? json_object_array_get_idx(ports, 0) : NULL;
		int64_t port_now = sp ? ck_test_api_num(sp, "port") : -1;
		json_object *eps = ck_obj_path(slice, "endpoints");
		size_t n = eps ? json_object_array_length(eps) : 0;
		json_object_put(slice);
		svc = get_eventually("/api/v1/namespaces/default/services/kubernetes");
		int64_t target = ck_test_api_num(
		    json_object_array_get_idx(ck_obj_path(svc, "spec.ports"), 0), "targetPort");
		json_object_put(svc);
		if (port_now == target && n == 1)
			break;
		ck_assert_msg(ck_test_now_ms() < deadline, "slice not reconciled: port %lld/%lld",
			      (long long)port_now, (long long)target);
		usleep(50 * 1000);
	}
}
END_TEST

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

START_TEST(test_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	/* kubectl create sends these in protobuf */
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "create priorityclass high-prio --value=1000 "
					    "--description=important",
				    KC),
			 0);
	ck_test_expect_in(&out, "priorityclass.scheduling.k8s.io/high-prio created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create quota q --hard=pods=2,cpu=1", KC), 0);
	ck_test_expect_in(&out, "resourcequota/q created");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "create ingress simple --rule=foo.com/bar=svc1:8080", KC), 0);
	ck_test_expect_in(&out, "ingress.networking.k8s.io/simple created");
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "create ingress tls --class=nginx "
					    "--rule=a.com/*=svc:http,tls=cert",
				    KC),
			 0);
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "create pdb budget --selector=app=x --min-available=1", KC),
	    0);
	ck_test_expect_in(&out, "poddisruptionbudget.policy/budget created");
	ck_assert_int_ne(
	    ck_test_sh(&out, KUBECTL "create priorityclass huge --value=2000000000", KC), 0);
	ck_test_expect_in(&out, "maximum allowed value of a user defined priority is 1000000000");

	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get pc", KC), 0);
	ck_test_expect_cols(&out, "NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY");
	ck_test_expect_cols(&out, "high-prio 1000 false ");
	ck_test_expect_cols(&out, "system-node-critical 2000001000 false ");
	ck_test_expect_in(&out, "PreemptLowerPriority");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get ing", KC), 0);
	ck_test_expect_cols(&out, "NAME CLASS HOSTS ADDRESS PORTS AGE");
	ck_test_expect_cols(&out, "simple <none> foo.com 80 ");
	ck_test_expect_cols(&out, "tls nginx a.com 80, 443 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get pdb", KC), 0);
	ck_test_expect_cols(&out, "NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE");
	ck_test_expect_cols(&out, "budget 1 N/A 0 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get quota", KC), 0);
	ck_test_expect_in(&out, "q ");

	/* kinds made from manifests */
	char dir[] = "/tmp/ck-group-kinds-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[600];
	snprintf(file, sizeof(file), "%s/objs.json", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
	      "{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"StorageClass\",\"metadata\":{"
	      "\"name\":\"std\",\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":"
	      "\"true\"}},\"provisioner\":\"example.com/std\",\"allowVolumeExpansion\":true},"
	      "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":"
	      "{\"name\":\"np\"},\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"db\"}}}},"
	      "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\",\"metadata\":"
	      "{\"name\":\"public\"},\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}},"
	      "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
	      "\"metadata\":{\"name\":\"crontabs.stable.example.com\"},\"spec\":{\"group\":"
	      "\"stable.example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"crontabs\","
	      "\"kind\":\"CronTab\"},\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":"
	      "true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}]}}]}",
	      f);
	fclose(f);
	ck_assert_msg(ck_test_sh(&out, KUBECTL "create --validate=false -f %s", KC, file) == 0,
		      "%s", ck_buf_str(&out));
	ck_test_expect_in(&out, "storageclass.storage.k8s.io/std created");
	ck_test_expect_in(&out, "customresourcedefinition.apiextensions.k8s.io/"
				"crontabs.stable.example.com created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get sc", KC), 0);
	ck_test_expect_cols(
	    &out, "NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE");
	ck_test_expect_cols(&out, "std (default) example.com/std Delete Immediate true ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get netpol", KC), 0);
	ck_test_expect_cols(&out, "NAME POD-SELECTOR AGE");
	ck_test_expect_cols(&out, "np app=db ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get ingressclass", KC), 0);
	ck_test_expect_cols(&out, "NAME CONTROLLER PARAMETERS AGE");
	ck_test_expect_cols(&out, "public k8s.io/ingress-nginx <none> ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get endpointslices", KC), 0);
	ck_test_expect_cols(&out, "NAME ADDRESSTYPE PORTS ENDPOINTS AGE");
	ck_test_expect_cols(&out, "kubernetes IPv4 ");
	ck_test_expect_in(&out, " 127.0.0.1 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get crd", KC), 0);
	ck_test_expect_cols(&out, "NAME CREATED AT");
	ck_test_expect_in(&out, "crontabs.stable.example.com");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "api-resources", KC), 0);
	ck_test_expect_cols(&out,
			    "customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false "
			    "CustomResourceDefinition");
	ck_test_expect_cols(&out, "priorityclasses pc scheduling.k8s.io/v1 false PriorityClass");
	ck_test_expect_cols(&out, "ingresses ing networking.k8s.io/v1 true Ingress");
	ck_test_expect_cols(&out, "networkpolicies netpol networking.k8s.io/v1 true NetworkPolicy");
	ck_test_expect_cols(&out, "poddisruptionbudgets pdb policy/v1 true PodDisruptionBudget");
	ck_test_expect_cols(&out, "storageclasses sc storage.k8s.io/v1 false StorageClass");
	ck_test_expect_cols(&out, "endpointslices discovery.k8s.io/v1 true EndpointSlice");
	unlink(file);
	rmdir(dir);
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_group_kinds(void)
{
	Suite *s = suite_create("group_kinds");
	TCase *tc = tcase_create("group_kinds");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(240));
	tcase_add_test(tc, test_priorityclasses);
	tcase_add_test(tc, test_storageclasses);
	tcase_add_test(tc, test_poddisruptionbudgets);
	tcase_add_test(tc, test_ingresses);
	tcase_add_test(tc, test_networkpolicies);
	tcase_add_test(tc, test_endpointslices);
	tcase_add_test(tc, test_customresourcedefinitions);
	tcase_add_test(tc, test_kubectl);
	tcase_add_test(tc, test_kubernetes_service);
	suite_add_tcase(s, tc);
	return s;
}
