/*
 * pkg/registry/core/pods.c and pkg/api/qos.c: the `kubectl get pods`
 * cells (cases after upstream's printers_test.go TestPrintPod), the status
 * a created pod is given (phase Pending, the QoS class as qos_test.go
 * computes it), graceful deletion periods (CheckGracefulDelete), and the
 * field selectors' text.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "api/qos.h"
#include "apimachinery/object.h"
#include "core_test_util.h"
#include "util/common.h"
#include "util/time.h"

struct row {
	const char *name, *ready, *status, *restarts;
};

static void check_row(json_object *pod, int64_t now, const struct row *want)
{
	char *ready = ct_cell("pods", "Ready", pod, now);
	char *status = ct_cell("pods", "Status", pod, now);
	char *restarts = ct_cell("pods", "Restarts", pod, now);
	char *age = ct_cell("pods", "Age", pod, now);
	ck_assert_msg(strcmp(ready, want->ready) == 0, "%s: ready %s", want->name, ready);
	ck_assert_msg(strcmp(status, want->status) == 0, "%s: status %s", want->name, status);
	ck_assert_msg(strcmp(restarts, want->restarts) == 0, "%s: restarts %s", want->name,
		      restarts);
	ck_assert_str_eq(age, "<unknown>");
	free(ready);
	free(status);
	free(restarts);
	free(age);
}

START_TEST(test_print_pod)
{
	int64_t now = 0;
	ck_assert_int_eq(ck_time_parse("2024-01-01T00:10:00Z", &now), 0);
	struct {
		const char *pod;
		struct row want;
	} t[] = {
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"podPhase\","
		  "\"containerStatuses\":[{\"ready\":true,\"restartCount\":3,\"state\":{"
		  "\"running\":"
		  "{}}},{\"restartCount\":3}]}}",
		  { "test1", "1/2", "podPhase", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"podPhase\","
		  "\"containerStatuses\":[{\"ready\":true,\"restartCount\":3,\"state\":{"
		  "\"running\":"
		  "{}}},{\"state\":{\"waiting\":{\"reason\":\"ContainerWaitingReason\"}},"
		  "\"restartCount\":3}]}}",
		  { "test2", "1/2", "ContainerWaitingReason", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"podPhase\","
		  "\"containerStatuses\":[{\"state\":{\"waiting\":{\"reason\":"
		  "\"ContainerWaitingReason\"}},\"restartCount\":3},{\"state\":{\"terminated\":{"
		  "\"reason\":\"ContainerTerminatedReason\"}},\"restartCount\":3}]}}",
		  { "test3", "0/2", "ContainerWaitingReason", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"podPhase\","
		  "\"containerStatuses\":[{\"ready\":true,\"restartCount\":3,\"state\":{"
		  "\"running\":"
		  "{}}},{\"ready\":true,\"restartCount\":3}]}}",
		  { "test4", "1/2", "podPhase", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"reason\":\"podReason\","
		  "\"phase\":\"podPhase\",\"containerStatuses\":[{\"ready\":true,\"restartCount\":"
		  "3,"
		  "\"state\":{\"running\":{}}},{\"ready\":true,\"restartCount\":3}]}}",
		  { "test5", "1/2", "podReason", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"Running\","
		  "\"containerStatuses\":[{\"ready\":true,\"restartCount\":3,\"state\":{"
		  "\"terminated\":"
		  "{\"reason\":\"Completed\",\"exitCode\":0}}},{\"ready\":true,\"restartCount\":3,"
		  "\"state\":{\"running\":{}}}]}}",
		  { "test6", "1/2", "NotReady", "6" } },
		{ "{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"Running\","
		  "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
		  "\"containerStatuses\":[{\"ready\":true,\"restartCount\":3,\"state\":{"
		  "\"terminated\":"
		  "{\"reason\":\"Completed\",\"exitCode\":0}}},{\"ready\":true,\"restartCount\":3,"
		  "\"state\":{\"running\":{}}}]}}",
		  { "test7", "1/2", "Running", "6" } },
		{ "{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Running\","
		  "\"containerStatuses\":[{\"restartCount\":2,\"state\":{\"terminated\":{"
		  "\"exitCode\":"
		  "137,\"signal\":9}}}]}}",
		  { "signal", "0/1", "Signal:9", "2" } },
		{ "{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Running\","
		  "\"containerStatuses\":[{\"restartCount\":0,\"state\":{\"terminated\":{"
		  "\"exitCode\":"
		  "1}}}]}}",
		  { "exitcode", "0/1", "ExitCode:1", "0" } },
		{ "{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Pending\","
		  "\"containerStatuses\":[{\"restartCount\":5,\"lastState\":{\"terminated\":{"
		  "\"finishedAt\":\"2024-01-01T00:05:00Z\"}},\"state\":{\"waiting\":{\"reason\":"
		  "\"CrashLoopBackOff\"}}}]}}",
		  { "crashloop", "0/1", "CrashLoopBackOff", "5 (5m ago)" } },
		/* init containers */
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
		  "\"containers\":"
		  "[{}]},\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":"
		  "\"i1\","
		  "\"state\":{\"terminated\":{\"exitCode\":0}}},{\"name\":\"i2\",\"state\":{"
		  "\"running\":"
		  "{}}}]}}",
		  { "init", "0/1", "Init:1/2", "0" } },
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],\"containers\":[{}]},"
		  "\"status\":{"
		  "\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"i1\","
		  "\"restartCount\":"
		  "1,\"state\":{\"terminated\":{\"exitCode\":2}}}]}}",
		  { "initfail", "0/1", "Init:ExitCode:2", "1" } },
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],\"containers\":[{}]},"
		  "\"status\":{"
		  "\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{"
		  "\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}]}}",
		  { "initwait", "0/1", "Init:ImagePullBackOff", "0" } },
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"s\",\"restartPolicy\":\"Always\"}],"
		  "\"containers\":[{}]},\"status\":{\"phase\":\"podPhase\","
		  "\"initContainerStatuses\":[{"
		  "\"name\":\"s\",\"ready\":false,\"restartCount\":3,\"started\":true,\"state\":{"
		  "\"running\":{}},\"lastState\":{\"terminated\":{\"finishedAt\":\"2024-01-01T00:"
		  "00:"
		  "00Z\"}}}],\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{"
		  "\"waiting\":{}}}]}}",
		  { "sidecar", "0/2", "podPhase", "3 (10m ago)" } },
		/* terminating, and terminal phases that stay */
		{ "{\"metadata\":{\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{"
		  "\"containers\":[{}]},\"status\":{\"phase\":\"Running\"}}",
		  { "term", "0/1", "Terminating", "0" } },
		{ "{\"metadata\":{\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{"
		  "\"containers\":[{}]},\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":["
		  "{"
		  "\"state\":{\"terminated\":{\"reason\":\"Completed\"}}}]}}",
		  { "done", "0/1", "Completed", "0" } },
		{ "{\"metadata\":{\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{"
		  "\"containers\":[{}]},\"status\":{\"phase\":\"Running\",\"reason\":\"NodeLost\"}"
		  "}",
		  { "lost", "0/1", "Unknown", "0" } },
		{ "{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Pending\","
		  "\"conditions\":[{"
		  "\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"SchedulingGated\"}]}"
		  "}",
		  { "gated", "0/1", "SchedulingGated", "0" } },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		json_object *pod = ct_json(t[i].pod);
		check_row(pod, now, &t[i].want);
		json_object_put(pod);
	}
}
END_TEST

START_TEST(test_print_pod_wide)
{
	json_object *pod = ct_json("{\"spec\":{\"nodeName\":\"n1\",\"readinessGates\":[{"
				   "\"conditionType\":\"a\"},{\"conditionType\":\"b\"}],"
				   "\"containers\":[{}]},\"status\":{\"podIPs\":[{\"ip\":"
				   "\"10.1.1.1\"}],\"conditions\":[{\"type\":\"a\",\"status\":"
				   "\"True\"},{\"type\":\"b\",\"status\":\"False\"}]}}");
	char *ip = ct_cell("pods", "IP", pod, 0), *node = ct_cell("pods", "Node", pod, 0);
	char *nom = ct_cell("pods", "Nominated Node", pod, 0);
	char *gates = ct_cell("pods", "Readiness Gates", pod, 0);
	ck_assert_str_eq(ip, "10.1.1.1");
	ck_assert_str_eq(node, "n1");
	ck_assert_str_eq(nom, "<none>");
	ck_assert_str_eq(gates, "1/2");
	free(ip);
	free(node);
	free(nom);
	free(gates);
	json_object_put(pod);
	pod = ct_json("{\"spec\":{\"containers\":[{}]}}");
	ip = ct_cell("pods", "IP", pod, 0);
	gates = ct_cell("pods", "Readiness Gates", pod, 0);
	ck_assert_str_eq(ip, "<none>");
	ck_assert_str_eq(gates, "<none>");
	free(ip);
	free(gates);
	json_object_put(pod);
}
END_TEST

START_TEST(test_qos)
{
	struct {
		const char *containers, *want;
	} t[] = {
		{ "[{}]", "BestEffort" },
		{ "[{\"resources\":{\"requests\":{\"cpu\":\"0\",\"memory\":\"0\"}}}]",
		  "BestEffort" },
		{ "[{\"resources\":{\"requests\":{\"example.com/dongle\":\"1\"}}}]", "BestEffort" },
		{ "[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"100Mi\"},"
		  "\"limits\":{"
		  "\"cpu\":\"100m\",\"memory\":\"100Mi\"}}}]",
		  "Guaranteed" },
		{ "[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"100Mi\"},"
		  "\"limits\":{"
		  "\"cpu\":\"0.1\",\"memory\":\"104857600\"}}}]",
		  "Guaranteed" },
		{ "[{\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]", "Burstable" },
		{ "[{\"resources\":{\"limits\":{\"cpu\":\"100m\",\"memory\":\"100Mi\"}}},{}]",
		  "Burstable" },
		{ "[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"100Mi\"},"
		  "\"limits\":{"
		  "\"cpu\":\"200m\",\"memory\":\"100Mi\"}}}]",
		  "Burstable" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "{\"spec\":{\"containers\":%s}}", t[i].containers);
		json_object *pod = ct_json(text);
		ck_assert_msg(strcmp(ck_api_pod_qos_class(pod), t[i].want) == 0, "%s: %s",
			      t[i].containers, ck_api_pod_qos_class(pod));
		json_object_put(pod);
	}
	/* on create: limits become requests first, then the class */
	json_object *pod = ct_json("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{"
				   "\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{"
				   "\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]},\"status\":{\"phase\":"
				   "\"Running\"}}");
	ct_res("pods")->prepare_create(pod);
	ck_assert_str_eq(ck_obj_path_str(pod, "status.phase"), "Pending");
	ck_assert_str_eq(ck_obj_path_str(pod, "status.qosClass"), "Guaranteed");
	json_object_put(pod);
}
END_TEST

START_TEST(test_grace_period)
{
	const struct ck_resource *r = ct_res("pods");
	int64_t zero = 0, ten = 10;
	json_object *bound = ct_json("{\"spec\":{\"nodeName\":\"n\","
				     "\"terminationGracePeriodSeconds\":30},\"status\":{\"phase\":"
				     "\"Running\"}}");
	json_object *unbound = ct_json("{\"spec\":{\"terminationGracePeriodSeconds\":30}}");
	json_object *done = ct_json("{\"spec\":{\"nodeName\":\"n\","
				    "\"terminationGracePeriodSeconds\":30},\"status\":{\"phase\":"
				    "\"Succeeded\"}}");
	ck_assert_int_eq(r->grace_period(bound, NULL), 30);
	ck_assert_int_eq(r->grace_period(bound, &ten), 10);
	ck_assert_int_eq(r->grace_period(bound, &zero), 0);
	ck_assert_int_eq(r->grace_period(unbound, NULL), 0);
	ck_assert_int_eq(r->grace_period(unbound, &ten), 0);
	ck_assert_int_eq(r->grace_period(done, NULL), 0);
	json_object_put(bound);
	json_object_put(unbound);
	json_object_put(done);
}
END_TEST

START_TEST(test_field_text)
{
	const struct ck_resource *r = ct_res("pods");
	char buf[64];
	json_object *pod = ct_json("{\"spec\":{},\"status\":{\"podIP\":\"1.1.1.1\",\"podIPs\":[{"
				   "\"ip\":\"2.2.2.2\"}]}}");
	ck_assert_str_eq(r->field_text(pod, "spec.hostNetwork", buf, sizeof(buf)), "false");
	ck_assert_str_eq(r->field_text(pod, "status.podIP", buf, sizeof(buf)), "2.2.2.2");
	ck_assert_ptr_null(r->field_text(pod, "spec.nodeName", buf, sizeof(buf)));
	json_object_put(pod);
	const char *const *fs = r->field_selectors;
	static const char *const want[] = { "spec.nodeName",	  "spec.restartPolicy",
					    "spec.schedulerName", "spec.serviceAccountName",
					    "spec.hostNetwork",	  "status.phase",
					    "status.podIP",	  "status.nominatedNodeName" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(want); i++)
		ck_assert_str_eq(fs[i], want[i]);
}
END_TEST

Suite *ck_test_suite_pods(void)
{
	Suite *s = suite_create("pods");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_print_pod);
	tcase_add_test(tc, test_print_pod_wide);
	tcase_add_test(tc, test_qos);
	tcase_add_test(tc, test_grace_period);
	tcase_add_test(tc, test_field_text);
	suite_add_tcase(s, tc);
	return s;
}
