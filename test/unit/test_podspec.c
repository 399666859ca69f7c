/*
 * pkg/registry/core/podspec.c: PodSpec defaulting (upstream's
 * defaults_test.go cases: pull policy by tag, grace period, DNS and restart
 * policies, requests from limits, host ports under hostNetwork, volume
 * sources and modes) and validation (cases after upstream's
 * validation_test.go TestValidatePodSpec / TestValidateContainers /
 * TestValidatePodUpdate, with their field paths and messages).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "core_test_util.h"
#include "registry/core/podspec.h"
#include "util/common.h"

static const char *str(json_object *o, const char *path)
{
	const char *s = ck_obj_path_str(o, path);
	return s ? s : "";
}

START_TEST(test_pull_policy)
{
	struct {
		const char *image, *want;
	} t[] = {
		{ "nginx", "Always" },
		{ "nginx:latest", "Always" },
		{ "nginx:1.25", "IfNotPresent" },
		{ "registry.local:5000/nginx", "Always" },
		{ "registry.local:5000/nginx:v1", "IfNotPresent" },
		{ "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "IfNotPresent" },
		{ "nginx:latest@sha256:"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
		  "ef",
		  "Always" },
		{ "Nginx", "IfNotPresent" }, /* not a valid reference: no tag read */
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++)
		ck_assert_msg(strcmp(ck_core_default_pull_policy(t[i].image), t[i].want) == 0,
			      "%s: %s", t[i].image, ck_core_default_pull_policy(t[i].image));
}
END_TEST

START_TEST(test_pod_defaults)
{
	json_object *pod = ct_json(
	    "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostNetwork\":true,\"containers\":[{"
	    "\"name\":\"c\",\"image\":\"busybox:1.36\",\"ports\":[{\"containerPort\":80}],"
	    "\"resources\":{\"limits\":{\"cpu\":\"0.5\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":"
	    "\"100m\"}},\"livenessProbe\":{\"httpGet\":{\"port\":80}},\"env\":[{\"name\":\"A\","
	    "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}}]}],\"volumes\":[{"
	    "\"name\":\"v\"},{\"name\":\"s\",\"secret\":{\"secretName\":\"x\"}}]}}");
	ck_core_default_pod_spec(ck_obj_path(pod, "spec"));
	ck_core_default_pod(pod);
	json_object *spec = ck_obj_path(pod, "spec");
	ck_assert_str_eq(str(spec, "dnsPolicy"), "ClusterFirst");
	ck_assert_str_eq(str(spec, "restartPolicy"), "Always");
	ck_assert_str_eq(str(spec, "schedulerName"), "default-scheduler");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(spec, "terminationGracePeriodSeconds")),
			 30);
	ck_assert(json_object_get_boolean(ck_obj_path(spec, "enableServiceLinks")));
	ck_assert_ptr_nonnull(ck_obj_path(spec, "securityContext"));
	json_object *c = json_object_array_get_idx(ck_obj_path(spec, "containers"), 0);
	ck_assert_str_eq(str(c, "imagePullPolicy"), "IfNotPresent");
	ck_assert_str_eq(str(c, "terminationMessagePath"), "/dev/termination-log");
	ck_assert_str_eq(str(c, "terminationMessagePolicy"), "File");
	json_object *port = json_object_array_get_idx(ck_obj_path(c, "ports"), 0);
	ck_assert_str_eq(str(port, "protocol"), "TCP");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(port, "hostPort")), 80);
	/* limits rounded to milli and copied into missing requests */
	ck_assert_str_eq(str(c, "resources.limits.cpu"), "500m");
	ck_assert_str_eq(str(c, "resources.requests.cpu"), "100m");
	ck_assert_str_eq(str(c, "resources.requests.memory"), "1Gi");
	ck_assert_str_eq(str(c, "livenessProbe.httpGet.path"), "/");
	ck_assert_str_eq(str(c, "livenessProbe.httpGet.scheme"), "HTTP");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(c, "livenessProbe.periodSeconds")), 10);
	ck_assert_int_eq(json_object_get_int(ck_obj_path(c, "livenessProbe.failureThreshold")), 3);
	json_object *env = json_object_array_get_idx(ck_obj_path(c, "env"), 0);
	ck_assert_str_eq(str(env, "valueFrom.fieldRef.apiVersion"), "v1");
	json_object *vols = ck_obj_path(spec, "volumes");
	ck_assert_ptr_nonnull(ck_obj_path(json_object_array_get_idx(vols, 0), "emptyDir"));
	ck_assert_int_eq(json_object_get_int(
			     ck_obj_path(json_object_array_get_idx(vols, 1), "secret.defaultMode")),
			 420);
	json_object_put(pod);
}
END_TEST

#define POD(spec) "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":" spec "}"
#define C1 "{\"name\":\"c\",\"image\":\"img\"}"

START_TEST(test_pod_validation)
{
	struct {
		const char *pod, *want;
	} t[] = {
		{ POD("{\"containers\":[" C1 "]}"), "" },
		{ POD("{\"containers\":[]}"), "spec.containers: Required value" },
		{ POD("{\"containers\":[{\"name\":\"Bad_Name\",\"image\":\"i\"}]}"),
		  "spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
		  "label "
		  "must consist of lower case alphanumeric characters or '-', and must start and "
		  "end "
		  "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
		  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')" },
		{ POD("{\"containers\":[" C1 "," C1 "]}"),
		  "spec.containers[1].name: Duplicate value: \"c\"" },
		{ POD("{\"containers\":[{\"name\":\"c\"}]}"),
		  "spec.containers[0].image: Required value" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{"
		      "\"containerPort\":"
		      "70000}]}]}"),
		  "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be "
		  "between 1 "
		  "and 65535, inclusive" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{"
		      "\"containerPort\":"
		      "80,\"protocol\":\"ICMP\"}]}]}"),
		  "spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported "
		  "values: \"SCTP\", \"TCP\", \"UDP\"" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{"
		      "\"containerPort\":"
		      "80,\"name\":\"http\"},{\"containerPort\":81,\"name\":\"http\"}]}]}"),
		  "spec.containers[0].ports[1].name: Duplicate value: \"http\"" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{"
		      "\"cpu\":\"1\"},\"requests\":{\"cpu\":\"2\"}}}]}"),
		  "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than "
		  "or "
		  "equal to cpu limit of 1" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{"
		      "\"cpu\":\"-1\"}}}]}"),
		  "spec.containers[0].resources.limits[cpu]: Invalid value: \"-1\": must be "
		  "greater "
		  "than or equal to 0\n"
		  "spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be "
		  "greater "
		  "than or equal to 0" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{"
		      "\"pods\":\"1\"},\"requests\":{\"pods\":\"1\"}}}]}"),
		  "spec.containers[0].resources.limits[pods]: Invalid value: \"pods\": must be a "
		  "standard resource for containers\n"
		  "spec.containers[0].resources.requests[pods]: Invalid value: \"pods\": must be a "
		  "standard resource for containers" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{"
		      "\"requests\":{"
		      "\"example.com/gpu\":\"1\"}}}]}"),
		  "spec.containers[0].resources.limits: Required value: Limit must be set for non "
		  "overcommitable resources" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"volumeMounts\":[{"
		      "\"name\":"
		      "\"missing\",\"mountPath\":\"/m\"}]}]}"),
		  "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"volumeMounts\":[{"
		      "\"name\":"
		      "\"v\",\"mountPath\":\"/m\"},{\"name\":\"v\",\"mountPath\":\"/m\"}]}],"
		      "\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}"),
		  "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/m\": must be "
		  "unique" },
		{ POD("{\"containers\":[" C1 "],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{},"
		      "\"hostPath\":{\"path\":\"/x\"}}]}"),
		  "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type" },
		{ POD("{\"containers\":[" C1 "],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}},"
		      "{\"name\":\"v\",\"emptyDir\":{}}]}"),
		  "spec.volumes[1].name: Duplicate value: \"v\"" },
		{ POD("{\"containers\":[" C1 "],\"volumes\":[{\"name\":\"v\",\"secret\":{}}]}"),
		  "spec.volumes[0].secret.secretName: Required value" },
		{ POD("{\"containers\":[" C1
		      "],\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":"
		      "\"/a/../b\"}}]}"),
		  "spec.volumes[0].hostPath.path: Invalid value: \"/a/../b\": must not contain "
		  "'..'" },
		{ POD("{\"containers\":[" C1
		      "],\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":"
		      "\"c\",\"defaultMode\":1024}}]}"),
		  "spec.volumes[0].configMap.defaultMode: Invalid value: 1024: must be a number "
		  "between 0 and 0777 (octal), both inclusive" },
		{ POD("{\"containers\":[" C1 "],\"restartPolicy\":\"Sometimes\"}"),
		  "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
		  "\"Always\", \"OnFailure\", \"Never\"" },
		{ POD("{\"containers\":[" C1 "],\"dnsPolicy\":\"Foo\"}"),
		  "spec.dnsPolicy: Unsupported value: \"Foo\": supported values: "
		  "\"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"" },
		{ POD("{\"containers\":[" C1 "],\"dnsPolicy\":\"None\"}"),
		  "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is "
		  "None" },
		{ POD("{\"containers\":[" C1 "],\"activeDeadlineSeconds\":0}"),
		  "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
		  "inclusive" },
		{ POD("{\"containers\":[" C1 "],\"tolerations\":[{\"operator\":\"Equal\",\"value\":"
		      "\"x\"}]}"),
		  "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists "
		  "when `key` is empty, which means \"match all values and all keys\"" },
		{ POD("{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"k\",\"operator\":"
		      "\"Exists\",\"value\":\"v\"}]}"),
		  "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when "
		  "`operator` is 'Exists'" },
		{ POD("{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"k\",\"effect\":"
		      "\"NoSchedule\",\"tolerationSeconds\":5}]}"),
		  "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be "
		  "'NoExecute' when `tolerationSeconds` is set" },
		{ POD("{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"i\","
		      "\"ports\":[{\"containerPort\":80,\"hostPort\":8080}]}]}"),
		  "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match "
		  "`containerPort` when `hostNetwork` is true" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{"
		      "\"containerPort\":"
		      "80,\"hostPort\":80}]},{\"name\":\"d\",\"image\":\"i\",\"ports\":[{"
		      "\"containerPort\":81,\"hostPort\":80}]}]}"),
		  "spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//80\"" },
		{ POD("{\"containers\":[" C1 "],\"nodeName\":\"Bad Node\"}"),
		  "spec.nodeName: Invalid value: \"Bad Node\": a lowercase RFC 1123 subdomain must "
		  "consist of lower case alphanumeric characters, '-' or '.', and must start and "
		  "end "
		  "with an alphanumeric character (e.g. 'example.com', regex used for validation "
		  "is "
		  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')" },
		{ POD("{\"containers\":[" C1 "],\"affinity\":{\"nodeAffinity\":{"
		      "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":0,"
		      "\"preference\":{}}]}}}"),
		  "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
		  "weight: Invalid value: 0: must be in the range 1-100" },
		{ POD("{\"containers\":[" C1 "],\"affinity\":{\"nodeAffinity\":{"
		      "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[]"
		      "}}}}"),
		  "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
		  "nodeSelectorTerms: Required value: must have at least one node selector term" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":{}}]}"),
		  "spec.containers[0].livenessProbe: Required value: must specify a handler type" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":{"
		      "\"exec\":{"
		      "\"command\":[\"x\"]},\"successThreshold\":2}}]}"),
		  "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be "
		  "1" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"env\":[{\"name\":\"A\","
		      "\"valueFrom\":{}}]}]}"),
		  "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: "
		  "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"env\":[{\"name\":\"A\","
		      "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.foo\"}}}]}]}"),
		  "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "
		  "\"spec.foo\": error converting fieldPath: field label not supported: spec.foo" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"env\":[{\"name\":\"A\","
		      "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels\"}}}]}]}"),
		  "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "
		  "\"metadata.labels\": supported values: \"metadata.name\", "
		  "\"metadata.namespace\", "
		  "\"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", "
		  "\"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"" },
		{ POD("{\"containers\":[{\"name\":\"c\",\"image\":\" i\"}]}"),
		  "spec.containers[0].image: Invalid value: \" i\": must not have leading or "
		  "trailing whitespace" },
		{ POD("{\"containers\":[" C1
		      "],\"initContainers\":[{\"name\":\"c\",\"image\":\"i\","
		      "\"readinessProbe\":{\"exec\":{\"command\":[\"x\"]}}}]}"),
		  "spec.initContainers[0].name: Duplicate value: \"c\"\n"
		  "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init "
		  "containers without restartPolicy=Always" },
		{ POD("{\"containers\":[" C1
		      "],\"schedulingGates\":[{\"name\":\"g\"}],\"nodeName\":"
		      "\"n\"}"),
		  "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been "
		  "cleared" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		char *got = ct_create_errors("pods", ct_json(t[i].pod));
		char *env_hint = strstr(got, "a valid environment variable name");
		(void)env_hint;
		ck_assert_msg(strcmp(got, t[i].want) == 0, "case %zu:\ngot:\n%s\nwant:\n%s", i, got,
			      t[i].want);
		free(got);
	}
}
END_TEST

#define UPD(old, now) ct_update_errors("pods", ct_json(POD(old)), ct_json(POD(now)))

START_TEST(test_pod_update)
{
	/* the image may change */
	ct_assert_errors(UPD("{\"containers\":[" C1 "]}",
			     "{\"containers\":[{\"name\":\"c\",\"image\":\"img:2\","
			     "\"imagePullPolicy\":\"Always\"}]}"),
			 "");
	/* nothing else in the spec (defaults come back on their own) */
	char *got = UPD("{\"containers\":[" C1 "]}",
			"{\"containers\":[" C1 "],\"restartPolicy\":\"Never\"}");
	ck_assert_msg(
	    strncmp(got,
		    "spec: Forbidden: pod updates may not change fields other than "
		    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec."
		    "activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
		    "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
		    "to 1 if it was previously negative)\n",
		    strlen("spec: Forbidden: pod updates may not change fields other than "
			   "`spec.containers[*].image`,`spec.initContainers[*].image`,"
			   "`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
			   "additions to existing tolerations),`spec."
			   "terminationGracePeriodSeconds` (allow it to be set to 1 if it "
			   "was previously negative)\n")) == 0,
	    "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "restartPolicy"));
	free(got);
	ct_assert_errors(
	    UPD("{\"containers\":[" C1 "]}",
		"{\"containers\":[" C1 ",{\"name\":\"d\",\"image\":\"i\"}]}"),
	    "spec.containers: Forbidden: pod updates may not add or remove containers");
	ct_assert_errors(UPD("{\"containers\":[" C1 "]}", "{\"containers\":[{\"name\":\"c\"}]}"),
			 "spec.containers[0].image: Required value\n"
			 "spec.containers[0].image: Required value");
	ct_assert_errors(
	    UPD("{\"containers\":[" C1 "],\"activeDeadlineSeconds\":10}",
		"{\"containers\":[" C1 "],\"activeDeadlineSeconds\":20}"),
	    "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal "
	    "to previous value");
	ct_assert_errors(UPD("{\"containers\":[" C1 "],\"activeDeadlineSeconds\":10}",
			     "{\"containers\":[" C1 "],\"activeDeadlineSeconds\":5}"),
			 "");
	ct_assert_errors(UPD("{\"containers\":[" C1 "]}",
			     "{\"containers\":[" C1 "],\"activeDeadlineSeconds\":5}"),
			 "");
	ct_assert_errors(
	    UPD("{\"containers\":[" C1 "],\"activeDeadlineSeconds\":10}",
		"{\"containers\":[" C1 "]}"),
	    "spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a "
	    "positive integer to nil value");
	ct_assert_errors(
	    UPD("{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\","
		"\"effect\":\"NoExecute\",\"tolerationSeconds\":10}]}",
		"{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\","
		"\"effect\":\"NoExecute\",\"tolerationSeconds\":5},{\"key\":\"b\",\"operator\":"
		"\"Exists\"}]}"),
	    "");
	ct_assert_errors(UPD("{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"a\","
			     "\"operator\":\"Exists\"}]}",
			     "{\"containers\":[" C1 "],\"tolerations\":[{\"key\":\"b\","
			     "\"operator\":\"Exists\"}]}"),
			 "spec.tolerations: Forbidden: existing toleration can not be modified "
			 "except its tolerationSeconds");
	ct_assert_errors(UPD("{\"containers\":[" C1 "],\"schedulingGates\":[{\"name\":\"a\"}]}",
			     "{\"containers\":[" C1 "],\"schedulingGates\":[{\"name\":\"b\"}]}"),
			 "spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but "
			 "found new scheduling gate 'b'");
	ct_assert_errors(UPD("{\"containers\":[" C1 "],\"schedulingGates\":[{\"name\":\"a\"}]}",
			     "{\"containers\":[" C1 "],\"nodeSelector\":{\"k\":\"v\"}}"),
			 "");
}
END_TEST

START_TEST(test_pod_status_update)
{
	const struct ck_resource *r = ct_res("pods");
	json_object *old = ct_json(POD("{\"containers\":[" C1 "],\"restartPolicy\":\"Never\"}"));
	r->prepare_create(old);
	json_object *st = ct_json(
	    "{\"status\":{\"phase\":\"Running\",\"qosClass\":\"Burstable\",\"podIPs\":[{\"ip\":"
	    "\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"}],\"conditions\":[{\"type\":\"bad type!\"}]}}");
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	r->validate_status_update(st, old, &errs);
	char *got = ct_errors(&errs);
	ck_assert_msg(strstr(got, "metadata.conditions[0].Type: Invalid value: \"bad type!\""),
		      "%s", got);
	ck_assert_msg(strstr(got, "status.qosClass: Invalid value: \"Burstable\": field is "
				  "immutable"),
		      "%s", got);
	ck_assert_msg(strstr(got, "status.podIPs: Invalid value: [{\"ip\":\"10.0.0.1\"},{\"ip\":"
				  "\"10.0.0.2\"}]: may specify no more than one IP for each IP "
				  "family"),
		      "%s", got);
	free(got);
	ck_field_errors_release(&errs);
	json_object_put(st);
	json_object_put(old);
}
END_TEST

START_TEST(test_pod_template_validation)
{
	ct_assert_errors(
	    ct_create_errors("podtemplates",
			     ct_json("{\"metadata\":{\"name\":\"t\"},\"template\":{"
				     "\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{"
				     "\"containers\":[" C1 "]}}}")),
	    "");
	ct_assert_errors(
	    ct_create_errors("podtemplates", ct_json("{\"metadata\":{\"name\":\"t\"},\"template\":{"
						     "\"metadata\":{\"labels\":{\"-a\":\"b\"}},"
						     "\"spec\":{\"containers\":[]}}}")),
	    "template.labels: Invalid value: \"-a\": name part must consist of "
	    "alphanumeric characters, '-', '_' or '.', and must start and end with an "
	    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
	    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"
	    "template.spec.containers: Required value");
}
END_TEST

Suite *ck_test_suite_podspec(void)
{
	Suite *s = suite_create("podspec");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_pull_policy);
	tcase_add_test(tc, test_pod_defaults);
	tcase_add_test(tc, test_pod_validation);
	tcase_add_test(tc, test_pod_update);
	tcase_add_test(tc, test_pod_status_update);
	tcase_add_test(tc, test_pod_template_validation);
	suite_add_tcase(s, tc);
	return s;
}
