/*
 * pkg/registry/core/services.c: SetDefaults_Service, ValidateService and
 * ValidateServiceUpdate cases (after upstream's validation_test.go
 * TestValidateServiceCreate / TestValidateServiceUpdate messages), the
 * update-time preservation of allocated values (patchAllocatedValues), and
 * the `kubectl get svc` cells (printers_test.go TestPrintService).
 */
#include <check.h>
#include <string.h>

#include "apimachinery/object.h"
#include "core_test_util.h"
#include "util/common.h"

static const char *str(json_object *o, const char *path)
{
	const char *s = ck_obj_path_str(o, path);
	return s ? s : "";
}

START_TEST(test_service_defaults)
{
	json_object *svc = ct_json("{\"metadata\":{\"name\":\"s\"},\"spec\":{\"type\":"
				   "\"LoadBalancer\",\"ports\":[{\"port\":80},{\"port\":81,"
				   "\"targetPort\":\"http\",\"protocol\":\"UDP\"}],"
				   "\"sessionAffinity\":\"ClientIP\"}}");
	ct_res("services")->prepare_create(svc);
	json_object *spec = ck_obj_path(svc, "spec");
	json_object *p0 = json_object_array_get_idx(ck_obj_path(spec, "ports"), 0);
	json_object *p1 = json_object_array_get_idx(ck_obj_path(spec, "ports"), 1);
	ck_assert_str_eq(str(p0, "protocol"), "TCP");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(p0, "targetPort")), 80);
	ck_assert_str_eq(str(p1, "targetPort"), "http");
	ck_assert_str_eq(str(spec, "externalTrafficPolicy"), "Cluster");
	ck_assert_str_eq(str(spec, "internalTrafficPolicy"), "Cluster");
	ck_assert(json_object_get_boolean(ck_obj_path(spec, "allocateLoadBalancerNodePorts")));
	ck_assert_int_eq(
	    json_object_get_int(ck_obj_path(spec, "sessionAffinityConfig.clientIP.timeoutSeconds")),
	    10800);
	ck_assert_ptr_nonnull(ck_obj_path(svc, "status.loadBalancer"));
	json_object_put(svc);

	svc = ct_json("{\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":80}],"
		      "\"clusterIP\":\"10.0.0.10\"}}");
	ct_res("services")->prepare_create(svc);
	spec = ck_obj_path(svc, "spec");
	ck_assert_str_eq(str(spec, "type"), "ClusterIP");
	ck_assert_str_eq(str(spec, "sessionAffinity"), "None");
	ck_assert_ptr_null(ck_obj_path(spec, "externalTrafficPolicy"));
	/* normalizeClusterIPs: clusterIPs from clusterIP */
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(ck_obj_path(spec, "clusterIPs"), 0)),
	    "10.0.0.10");
	json_object_put(svc);
}
END_TEST

#define SVC(spec) "{\"metadata\":{\"name\":\"s\",\"namespace\":\"ns\"},\"spec\":" spec "}"
#define PORT80 "[{\"port\":80}]"

START_TEST(test_service_validation)
{
	struct {
		const char *svc, *want;
	} t[] = {
		{ SVC("{\"ports\":" PORT80 ",\"selector\":{\"app\":\"a\"}}"), "" },
		{ SVC("{}"), "spec.ports: Required value" },
		{ SVC("{\"clusterIP\":\"None\"}"), "" },
		{ SVC("{\"ports\":[{\"port\":80},{\"port\":81}]}"),
		  "spec.ports[0].name: Required value\nspec.ports[1].name: Required value" },
		{ SVC("{\"ports\":[{\"port\":80,\"name\":\"a\"},{\"port\":81,\"name\":\"a\"}]}"),
		  "spec.ports[1].name: Duplicate value: \"a\"" },
		{ SVC("{\"ports\":[{\"port\":80,\"name\":\"a\"},{\"port\":80,\"name\":\"b\"}]}"),
		  "spec.ports[1]: Duplicate value: {\"protocol\":\"TCP\",\"port\":80}" },
		{ SVC("{\"ports\":[{\"port\":0}]}"),
		  "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
		  "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, "
		  "inclusive" },
		{ SVC("{\"ports\":[{\"port\":80,\"protocol\":\"HTTP\"}]}"),
		  "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: "
		  "\"SCTP\", "
		  "\"TCP\", \"UDP\"" },
		{ SVC("{\"ports\":[{\"port\":80,\"targetPort\":\"Not_A_Name\"}]}"),
		  "spec.ports[0].targetPort: Invalid value: \"Not_A_Name\": must contain only "
		  "alpha-numeric characters (a-z, 0-9), and hyphens (-)" },
		{ SVC("{\"ports\":" PORT80 ",\"type\":\"Foo\"}"),
		  "spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", "
		  "\"ExternalName\", \"LoadBalancer\", \"NodePort\"" },
		{ SVC("{\"ports\":[{\"port\":80,\"nodePort\":30001}]}"),
		  "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
		{ SVC("{\"type\":\"ExternalName\"}"), "spec.externalName: Required value" },
		{ SVC("{\"type\":\"ExternalName\",\"externalName\":\"example.com.\"}"), "" },
		{ SVC("{\"type\":\"NodePort\",\"clusterIP\":\"None\",\"ports\":" PORT80 "}"),
		  "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
		  "NodePort "
		  "services" },
		{ SVC("{\"ports\":" PORT80 ",\"clusterIP\":\"300.0.0.1\"}"),
		  "spec.clusterIPs[0]: Invalid value: \"300.0.0.1\": must be a valid IP address, "
		  "(e.g. 10.9.8.7 or 2001:db8::ffff)" },
		{ SVC("{\"ports\":" PORT80 ",\"selector\":{\"a\":\"-b\"}}"),
		  "spec.selector: Invalid value: \"-b\": a valid label must be an empty string or "
		  "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
		  "with "
		  "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
		  "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
		{ SVC("{\"ports\":" PORT80 ",\"externalIPs\":[\"127.0.0.1\"]}"),
		  "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback "
		  "range (127.0.0.0/8, ::1/128)" },
		{ SVC("{\"ports\":" PORT80
		      ",\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":"
		      "{\"clientIP\":{\"timeoutSeconds\":90000}}}"),
		  "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must "
		  "be "
		  "greater than 0 and less than 86400" },
		{ SVC("{\"ports\":" PORT80 ",\"loadBalancerSourceRanges\":[\"10.0.0.0/8\"]}"),
		  "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is "
		  "'LoadBalancer'" },
		{ SVC("{\"type\":\"LoadBalancer\",\"ports\":" PORT80 ",\"externalTrafficPolicy\":"
		      "\"Local\",\"healthCheckNodePort\":0}"),
		  "spec.healthCheckNodePort: Required value" },
		{ SVC("{\"ports\":" PORT80 ",\"externalTrafficPolicy\":\"Local\"}"),
		  "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for "
		  "externally-accessible services" },
		{ SVC("{\"ports\":" PORT80 ",\"clusterIP\":\"10.0.0.1\",\"clusterIPs\":["
		      "\"10.0.0.2\"]}"),
		  "spec.clusterIPs: Invalid value: [\"10.0.0.2\"]: first value must match "
		  "`clusterIP`" },
		{ SVC("{\"ports\":" PORT80 ",\"ipFamilies\":[\"IPv5\"]}"),
		  "spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", "
		  "\"IPv6\"" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		char *got = ct_create_errors("services", ct_json(t[i].svc));
		ck_assert_msg(strcmp(got, t[i].want) == 0, "case %zu:\ngot:\n%s\nwant:\n%s", i, got,
			      t[i].want);
		free(got);
	}
}
END_TEST

START_TEST(test_service_update)
{
	/* an update without clusterIP keeps it (patchAllocatedValues) */
	json_object *old = ct_json(SVC("{\"type\":\"NodePort\",\"ports\":[{\"name\":\"p\","
				       "\"port\":80,\"nodePort\":30080}],\"clusterIP\":"
				       "\"10.0.0.5\",\"clusterIPs\":[\"10.0.0.5\"]}"));
	json_object *now = ct_json(SVC("{\"type\":\"NodePort\",\"ports\":[{\"name\":\"p\","
				       "\"port\":80}]}"));
	const struct ck_resource *r = ct_res("services");
	r->prepare_create(old);
	r->prepare_update(now, old);
	ck_assert_str_eq(str(now, "spec.clusterIP"), "10.0.0.5");
	ck_assert_int_eq(
	    json_object_get_int(ck_obj_path(
		json_object_array_get_idx(ck_obj_path(now, "spec.ports"), 0), "nodePort")),
	    30080);
	json_object_put(now);
	json_object_put(old);
	/* a changed clusterIP is refused */
	ct_assert_errors(
	    ct_update_errors("services",
			     ct_json(SVC("{\"ports\":" PORT80 ",\"clusterIP\":\"10.0.0.5\"}")),
			     ct_json(SVC("{\"ports\":" PORT80 ",\"clusterIP\":\"10.0.0.6\"}"))),
	    "spec.clusterIPs[0]: Invalid value: [\"10.0.0.6\"]: may not change once set");
	/* NodePort to ClusterIP drops the node ports the client did not change */
	old = ct_json(SVC("{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"));
	now = ct_json(SVC("{\"type\":\"ClusterIP\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"));
	r->prepare_create(old);
	r->prepare_update(now, old);
	ck_assert_ptr_null(
	    ck_obj_path(json_object_array_get_idx(ck_obj_path(now, "spec.ports"), 0), "nodePort"));
	ck_assert_ptr_null(ck_obj_path(now, "spec.externalTrafficPolicy"));
	json_object_put(now);
	json_object_put(old);
}
END_TEST

static void check_cells(const char *svc, const char *type, const char *ip, const char *ext,
			const char *ports, const char *selector)
{
	json_object *o = ct_json(svc);
	char *c[5] = { ct_cell("services", "Type", o, 0), ct_cell("services", "Cluster-IP", o, 0),
		       ct_cell("services", "External-IP", o, 0),
		       ct_cell("services", "Port(s)", o, 0),
		       ct_cell("services", "Selector", o, 0) };
	const char *want[5] = { type, ip, ext, ports, selector };
	for (int i = 0; i < 5; i++) {
		ck_assert_msg(strcmp(c[i], want[i]) == 0, "%s: cell %d: %s", svc, i, c[i]);
		free(c[i]);
	}
	json_object_put(o);
}

START_TEST(test_print_service)
{
	check_cells(
	    "{\"spec\":{\"type\":\"ClusterIP\",\"clusterIPs\":[\"10.9.8.7\"],\"ports\":[{"
	    "\"protocol\":\"TCP\",\"port\":2233}],\"selector\":{\"foo\":\"bar\",\"a\":\"b\"}}}",
	    "ClusterIP", "10.9.8.7", "<none>", "2233/TCP", "a=b,foo=bar");
	check_cells("{\"spec\":{\"type\":\"NodePort\",\"clusterIPs\":[\"10.9.8.7\"],\"ports\":[{"
		    "\"protocol\":\"TCP\",\"port\":8888,\"nodePort\":9999}]}}",
		    "NodePort", "10.9.8.7", "<none>", "8888:9999/TCP", "<none>");
	check_cells("{\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.9.8.7\"],\"ports\":"
		    "[{\"protocol\":\"TCP\",\"port\":8888}]}}",
		    "LoadBalancer", "10.9.8.7", "<pending>", "8888/TCP", "<none>");
	check_cells("{\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.9.8.7\"],\"ports\":"
		    "[{\"protocol\":\"TCP\",\"port\":8888}],\"externalIPs\":[\"80.11.12.10\"]},"
		    "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"3.4.5.6\"},{\"hostname\":"
		    "\"test.cluster.com\"}]}}}",
		    "LoadBalancer", "10.9.8.7", "3.4.5.6,test....,80.11.12.10", "8888/TCP",
		    "<none>");
	check_cells("{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"my.database.example."
		    "com\"}}",
		    "ExternalName", "<none>", "my.database.example.com", "<none>", "<none>");
	check_cells("{\"spec\":{\"type\":\"ClusterIP\",\"clusterIPs\":[\"None\"]}}", "ClusterIP",
		    "None", "<none>", "<none>", "<none>");
}
END_TEST

Suite *ck_test_suite_services(void)
{
	Suite *s = suite_create("services");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_service_defaults);
	tcase_add_test(tc, test_service_validation);
	tcase_add_test(tc, test_service_update);
	tcase_add_test(tc, test_print_service);
	suite_add_tcase(s, tc);
	return s;
}
