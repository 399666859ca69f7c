/*
 * pkg/registry/core/validation.c and the smaller core/v1 kinds: nodes
 * (taints, podCIDRs, printer STATUS and ROLES), endpoints (subsets, the
 * ENDPOINTS cell), persistentvolumes and claims, limitranges (defaults and
 * min/max rules), resourcequotas (names, scopes, the REQUEST/LIMIT cells),
 * replicationcontrollers (selector vs template). Messages and paths are
 * upstream's validation_test.go and printers_test.go ones.
 */
#include <check.h>
#include <string.h>

#include "apimachinery/object.h"
#include "core_test_util.h"
#include "registry/core/validation.h"
#include "util/common.h"

static void expect(const char *resource, const char *obj, const char *want)
{
	char *got = ct_create_errors(resource, ct_json(obj));
	ck_assert_msg(strcmp(got, want) == 0, "%s %s:\ngot:\n%s\nwant:\n%s", resource, obj, got,
		      want);
	free(got);
}

static void expect_cell(const char *resource, const char *column, const char *obj, const char *want)
{
	json_object *o = ct_json(obj);
	char *got = ct_cell(resource, column, o, 0);
	ck_assert_msg(strcmp(got, want) == 0, "%s %s: got %s want %s", resource, column, got, want);
	free(got);
	json_object_put(o);
}

START_TEST(test_nodes)
{
	expect("nodes", "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDR\":\"10.0.0.0/24\"}}",
	       "");
	expect("nodes",
	       "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"taints\":[{\"key\":\"k\"},{\"key\":"
	       "\"k\",\"effect\":\"Foo\"}]}}",
	       "metadata.taints[0].effect: Required value\n"
	       "metadata.taints[1].effect: Unsupported value: \"Foo\": supported values: "
	       "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
	expect("nodes",
	       "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":"
	       "\"NoSchedule\"},{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]}}",
	       "metadata.taints[1]: Duplicate value: {\"key\":\"k\",\"value\":\"v\",\"effect\":"
	       "\"NoSchedule\"}: taints must be unique by key and effect pair");
	expect("nodes",
	       "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDRs\":[\"10.0.0.0/24\",\"bad\"]}}",
	       "spec.podCIDRs[1]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. "
	       "10.9.8.0/24 or 2001:db8::/64)\n"
	       "spec.podCIDRs: Invalid value: [\"10.0.0.0/24\",\"bad\"]: may specify no more than "
	       "one CIDR for each IP family");
	expect("nodes",
	       "{\"metadata\":{\"name\":\"n\"},\"status\":{\"capacity\":{\"pods\":\"1.5\"}}}",
	       "status.capacity.pods: Invalid value: \"1500m\": must be an integer\n"
	       "status.allocatable.pods: Invalid value: \"1500m\": must be an integer");
	ct_assert_errors(
	    ct_update_errors("nodes",
			     ct_json("{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDR\":"
				     "\"10.0.0.0/24\"}}"),
			     ct_json("{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDR\":"
				     "\"10.0.1.0/24\"}}")),
	    "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to "
	    "valid");
	ct_assert_errors(ct_update_errors("nodes", ct_json("{\"metadata\":{\"name\":\"n\"}}"),
					  ct_json("{\"metadata\":{\"name\":\"n\"},\"spec\":{"
						  "\"podCIDR\":\"10.0.1.0/24\",\"unschedulable\":"
						  "true}}")),
			 "");

	expect_cell("nodes", "Status",
		    "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
		    "Ready");
	expect_cell("nodes", "Status",
		    "{\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":[{\"type\":"
		    "\"Ready\",\"status\":\"True\"}]}}",
		    "Ready,SchedulingDisabled");
	expect_cell("nodes", "Status",
		    "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}",
		    "NotReady");
	expect_cell("nodes", "Status",
		    "{\"status\":{\"conditions\":[{\"type\":\"InvalidValue\","
		    "\"status\":\"True\"}]}}",
		    "Unknown");
	expect_cell("nodes", "Status", "{\"spec\":{\"unschedulable\":true}}",
		    "Unknown,SchedulingDisabled");
	expect_cell(
	    "nodes", "Roles",
	    "{\"metadata\":{\"labels\":{\"node-role.kubernetes.io/worker\":\"\","
	    "\"node-role.kubernetes.io/control-plane\":\"\",\"kubernetes.io/role\":\"node\","
	    "\"node-role.kubernetes.io/\":\"\"}}}",
	    "control-plane,node,worker");
	expect_cell("nodes", "Roles", "{}", "<none>");
	expect_cell("nodes", "Version",
		    "{\"status\":{\"nodeInfo\":{\"kubeletVersion\":\"v1.30.0\"}}}", "v1.30.0");
	expect_cell("nodes", "Internal-IP",
		    "{\"status\":{\"addresses\":[{\"type\":\"ExternalIP\",\"address\":\"1.1.1.1\"},"
		    "{\"type\":\"InternalIP\",\"address\":\"10.1.1.1\"}]}}",
		    "10.1.1.1");
	expect_cell("nodes", "OS-Image", "{}", "<unknown>");

	const struct ck_resource *r = ct_res("nodes");
	char buf[16];
	json_object *n = ct_json("{\"spec\":{}}");
	ck_assert_str_eq(r->field_text(n, "spec.unschedulable", buf, sizeof(buf)), "false");
	json_object_put(n);
}
END_TEST

START_TEST(test_endpoints)
{
	expect("endpoints",
	       "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.2.3\"}],"
	       "\"ports\":[{\"port\":80}]}]}",
	       "");
	expect("endpoints", "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{}]}",
	       "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`");
	expect("endpoints",
	       "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.1\"},"
	       "{\"ip\":\"bad\"}],\"ports\":[{\"port\":80},{\"port\":81,\"name\":\"b\"}]}]}",
	       "subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the "
	       "loopback range (127.0.0.0/8, ::1/128)\n"
	       "subsets[0].addresses[1].ip: Invalid value: \"bad\": must be a valid IP address, "
	       "(e.g. 10.9.8.7 or 2001:db8::ffff)\n"
	       "subsets[0].addresses[1].ip: Invalid value: \"bad\": must be a valid IP address\n"
	       "subsets[0].ports[0].name: Required value");
	expect_cell("endpoints", "Endpoints", "{}", "<none>");
	expect_cell("endpoints", "Endpoints",
		    "{\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.1\"},{\"ip\":\"::1\"}],"
		    "\"ports\":[{\"port\":8080}]}]}",
		    "127.0.0.1:8080,[::1]:8080");
	expect_cell("endpoints", "Endpoints",
		    "{\"subsets\":[{\"addresses\":[{\"ip\":\"1.1.1.1\"},{\"ip\":\"2.2.2.2\"}],"
		    "\"ports\":[{\"port\":1},{\"port\":2}]}]}",
		    "1.1.1.1:1,2.2.2.2:1,1.1.1.1:2 + 1 more...");
	expect_cell("endpoints", "Endpoints",
		    "{\"subsets\":[{\"addresses\":[{\"ip\":\"1.1.1.1\"}]}]}", "1.1.1.1");
}
END_TEST

START_TEST(test_volumes)
{
	expect("persistentvolumes",
	       "{\"metadata\":{\"name\":\"pv\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
	       "\"capacity\":{\"storage\":\"1Gi\"},\"hostPath\":{\"path\":\"/tmp\"}}}",
	       "");
	expect("persistentvolumes", "{\"metadata\":{\"name\":\"pv\"},\"spec\":{}}",
	       "spec.accessModes: Required value\n"
	       "spec.capacity: Required value\n"
	       "spec.capacity: Unsupported value: \"null\": supported values: \"storage\"\n"
	       "spec: Required value: must specify a volume type");
	expect("persistentvolumes",
	       "{\"metadata\":{\"name\":\"pv\"},\"spec\":{\"accessModes\":[\"ReadWriteOncePod\","
	       "\"ReadOnlyMany\"],\"capacity\":{\"storage\":\"1Gi\"},\"hostPath\":{\"path\":\"/"
	       "tmp\"},\"nfs\":{\"server\":\"s\",\"path\":\"/p\"}}}",
	       "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes\n"
	       "spec.nfs: Forbidden: may not specify more than 1 volume type");
	expect("persistentvolumeclaims",
	       "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
	       "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}",
	       "");
	expect("persistentvolumeclaims", "{\"metadata\":{\"name\":\"c\"},\"spec\":{}}",
	       "spec.accessModes: Required value: at least 1 access mode is required\n"
	       "spec.resources[storage]: Required value");
	expect("persistentvolumeclaims",
	       "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
	       "\"resources\":{\"requests\":{\"storage\":\"0\"}},\"volumeMode\":\"Foo\"}}",
	       "spec.resources[storage]: Invalid value: \"0\": must be greater than zero\n"
	       "spec.volumeMode: Unsupported value: \"Foo\": supported values: \"Block\", "
	       "\"Filesystem\"");
	/* a claim's spec is immutable but for volumeName set once */
	const char *claim =
	    "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":["
	    "\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}";
	ct_assert_errors(
	    ct_update_errors("persistentvolumeclaims", ct_json(claim),
			     ct_json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":["
				     "\"ReadWriteOnce\"],\"volumeName\":\"pv1\",\"resources\":{"
				     "\"requests\":{\"storage\":\"1Gi\"}}}}")),
	    "");
	char *got = ct_update_errors(
	    "persistentvolumeclaims", ct_json(claim),
	    ct_json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":[\"ReadWriteMany\"],"
		    "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}"));
	ck_assert_msg(strncmp(got,
			      "spec: Forbidden: spec is immutable after creation except "
			      "resources.requests and volumeAttributesClassName for bound "
			      "claims\n",
			      100) == 0,
		      "%s", got);
	free(got);
	expect_cell("persistentvolumes", "Access Modes",
		    "{\"spec\":{\"accessModes\":[\"ReadWriteMany\",\"ReadWriteOnce\"]}}",
		    "RWO,RWX");
	expect_cell("persistentvolumes", "Capacity",
		    "{\"spec\":{\"capacity\":{\"storage\":"
		    "\"10Gi\"}}}",
		    "10Gi");
	expect_cell("persistentvolumes", "Claim",
		    "{\"spec\":{\"claimRef\":{\"namespace\":\"ns\",\"name\":\"c\"}}}", "ns/c");
	expect_cell("persistentvolumes", "Status",
		    "{\"metadata\":{\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},\"status\":{"
		    "\"phase\":\"Bound\"}}",
		    "Terminating");
	expect_cell("persistentvolumeclaims", "Capacity",
		    "{\"spec\":{},\"status\":{\"capacity\":{\"storage\":\"1Gi\"}}}", "");
	expect_cell("persistentvolumeclaims", "Capacity",
		    "{\"spec\":{\"volumeName\":\"pv\"},\"status\":{\"capacity\":{\"storage\":"
		    "\"1Gi\"}}}",
		    "1Gi");
	expect_cell("persistentvolumeclaims", "StorageClass",
		    "{\"metadata\":{\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":"
		    "\"beta\"}},\"spec\":{\"storageClassName\":\"ga\"}}",
		    "beta");
	expect_cell("persistentvolumeclaims", "VolumeMode", "{\"spec\":{}}", "<unset>");
}
END_TEST

START_TEST(test_limit_ranges)
{
	json_object *lr = ct_json("{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":"
				  "\"Container\",\"max\":{\"cpu\":\"2\"},\"min\":{\"memory\":"
				  "\"1Mi\"}}]}}");
	ct_res("limitranges")->prepare_create(lr);
	json_object *item = json_object_array_get_idx(ck_obj_path(lr, "spec.limits"), 0);
	ck_assert_str_eq(ck_obj_path_str(item, "default.cpu"), "2");
	ck_assert_str_eq(ck_obj_path_str(item, "defaultRequest.cpu"), "2");
	ck_assert_str_eq(ck_obj_path_str(item, "defaultRequest.memory"), "1Mi");
	json_object_put(lr);
	expect("limitranges",
	       "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
	       "\"max\":{\"cpu\":\"1\"},\"min\":{\"cpu\":\"2\"}}]}}",
	       "spec.limits[0].min[cpu]: Invalid value: \"2\": min value 2 is greater than max "
	       "value 1\n"
	       "spec.limits[0].defaultRequest[cpu]: Invalid value: \"1\": min value 2 is greater "
	       "than default request value 1\n"
	       "spec.limits[0].default[cpu]: Invalid value: \"2\": min value 2 is greater than "
	       "default value 1");
	expect(
	    "limitranges",
	    "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Pod\",\"default\":"
	    "{\"cpu\":\"1\"}},{\"type\":\"Foo\"}]}}",
	    "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'\n"
	    "spec.limits[1].type: Invalid value: \"Foo\": must be a standard limit type or fully "
	    "qualified");
	expect("limitranges",
	       "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":"
	       "\"PersistentVolumeClaim\"}]}}",
	       "spec.limits[0].limits: Required value: either minimum or maximum storage value is "
	       "required, but neither was provided");
	expect_cell("limitranges", "Created At",
		    "{\"metadata\":{\"creationTimestamp\":\"2024-01-01T00:00:00Z\"}}",
		    "2024-01-01T00:00:00Z");
}
END_TEST

START_TEST(test_resource_quotas)
{
	expect(
	    "resourcequotas",
	    "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"10\",\"cpu\":\"1\"}}}",
	    "");
	expect("resourcequotas",
	       "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"foo\":\"1\",\"pods\":\"1.5\","
	       "\"memory\":\"-1\"}}}",
	       "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource type or fully "
	       "qualified\n"
	       "spec.hard[pods]: Invalid value: \"1500m\": must be an integer\n"
	       "spec.hard[memory]: Invalid value: \"-1\": must be greater than or equal to 0");
	expect("resourcequotas",
	       "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"1\"},\"scopes\":["
	       "\"BestEffort\",\"NotBestEffort\"]}}",
	       "spec.scopes: Invalid value: [\"BestEffort\",\"NotBestEffort\"]: conflicting "
	       "scopes");
	expect("resourcequotas",
	       "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"cpu\":\"1\"},\"scopes\":["
	       "\"BestEffort\"]}}",
	       "spec.scopes: Invalid value: [\"BestEffort\"]: unsupported scope applied to "
	       "resource");
	ct_assert_errors(
	    ct_update_errors("resourcequotas",
			     ct_json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"scopes\":["
				     "\"Terminating\"]}}"),
			     ct_json("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"scopes\":["
				     "\"NotTerminating\"]}}")),
	    "spec.scopes: Invalid value: [\"NotTerminating\"]: field is immutable");
	const char *q = "{\"status\":{\"hard\":{\"cpu\":\"1\",\"limits.memory\":\"1Gi\",\"pods\":"
			"\"10\"},\"used\":{\"cpu\":\"500m\",\"pods\":\"2\"}}}";
	expect_cell("resourcequotas", "Request", q, "cpu: 500m/1, pods: 2/10");
	expect_cell("resourcequotas", "Limit", q, "limits.memory: 0/1Gi");
}
END_TEST

START_TEST(test_replication_controllers)
{
	json_object *rc = ct_json("{\"metadata\":{\"name\":\"r\"},\"spec\":{\"template\":{"
				  "\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":{"
				  "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}");
	ct_res("replicationcontrollers")->prepare_create(rc);
	ck_assert_str_eq(ck_obj_path_str(rc, "spec.selector.app"), "a");
	ck_assert_str_eq(ck_obj_path_str(rc, "metadata.labels.app"), "a");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(rc, "spec.replicas")), 1);
	ck_assert_str_eq(ck_obj_path_str(rc, "spec.template.spec.restartPolicy"), "Always");
	json_object_put(rc);
	expect(
	    "replicationcontrollers",
	    "{\"metadata\":{\"name\":\"r\"},\"spec\":{\"replicas\":-1,\"selector\":{\"app\":"
	    "\"b\"},\"template\":{\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":{"
	    "\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
	    "spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
	    "spec.template.metadata.labels: Invalid value: {\"app\":\"a\"}: `selector` does not "
	    "match template `labels`\n"
	    "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported "
	    "values: \"Always\"");
	expect("replicationcontrollers", "{\"metadata\":{\"name\":\"r\"},\"spec\":{}}",
	       "spec.selector: Required value\nspec.template: Required value");
	const char *obj = "{\"spec\":{\"replicas\":3,\"selector\":{\"b\":\"2\",\"a\":\"1\"},"
			  "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\",\"image\":"
			  "\"i1\"},{\"name\":\"c2\",\"image\":\"i2\"}]}}},\"status\":{\"replicas\":"
			  "2,\"readyReplicas\":1}}";
	expect_cell("replicationcontrollers", "Desired", obj, "3");
	expect_cell("replicationcontrollers", "Current", obj, "2");
	expect_cell("replicationcontrollers", "Ready", obj, "1");
	expect_cell("replicationcontrollers", "Containers", obj, "c1,c2");
	expect_cell("replicationcontrollers", "Images", obj, "i1,i2");
	expect_cell("replicationcontrollers", "Selector", obj, "a=1,b=2");
}
END_TEST

START_TEST(test_resource_names)
{
	ck_assert(ck_core_is_native_resource("cpu"));
	ck_assert(ck_core_is_native_resource("kubernetes.io/foo"));
	ck_assert(!ck_core_is_native_resource("example.com/gpu"));
	ck_assert(ck_core_is_extended_resource("example.com/gpu"));
	ck_assert(!ck_core_is_extended_resource("requests.example.com/gpu"));
	ck_assert(ck_core_is_integer_resource("pods"));
	ck_assert(ck_core_is_integer_resource("example.com/gpu"));
	ck_assert(!ck_core_is_integer_resource("cpu"));
	ck_assert(!ck_core_is_overcommit_allowed("hugepages-2Mi"));
	ck_assert(!ck_core_is_overcommit_allowed("example.com/gpu"));
	ck_assert(ck_core_is_overcommit_allowed("memory"));
	json_object *list = ct_json("{\"cpu\":\"0.0001\",\"memory\":\"1.5Gi\",\"x\":\"1.500\"}");
	ck_core_default_resource_list(list);
	ck_assert_str_eq(ck_obj_path_str(list, "cpu"), "1m");
	ck_assert_str_eq(ck_obj_path_str(list, "memory"), "1536Mi");
	ck_assert_str_eq(ck_obj_path_str(list, "x"), "1.500"); /* scale kept: text kept */
	json_object_put(list);
	char *msg = NULL;
	list = ct_json("{\"cpu\":\"abc\"}");
	ck_assert_int_lt(ck_core_check_resource_list(list, &msg), 0);
	ck_assert_str_eq(msg, "quantities must match the regular expression "
			      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	free(msg);
	json_object_put(list);
}
END_TEST

Suite *ck_test_suite_core_validation(void)
{
	Suite *s = suite_create("core_validation");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_nodes);
	tcase_add_test(tc, test_endpoints);
	tcase_add_test(tc, test_volumes);
	tcase_add_test(tc, test_limit_ranges);
	tcase_add_test(tc, test_resource_quotas);
	tcase_add_test(tc, test_replication_controllers);
	tcase_add_test(tc, test_resource_names);
	suite_add_tcase(s, tc);
	return s;
}
