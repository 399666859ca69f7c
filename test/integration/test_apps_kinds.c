/*
 * The apps/v1, batch/v1 and autoscaling kinds against a real etcd and a
 * real kube-apiserver: defaults, validation errors (field path and
 * reason), immutable fields, generation, status separation, the Scale
 * subresource (raw, and `kubectl scale` with the real kubectl), HPA
 * v1 <-> v2 conversion over one storage, protobuf/JSON round trips, `kubectl
 * create deployment|job|cronjob` and `kubectl get` columns, and the
 * official Python client on a Deployment and its scale.
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
#include "apimachinery/object.h"
#include "util/buf.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static char base[128];

static void setup(void)
{
	ck_test_api_start(NULL, &etcd, &api);
	snprintf(base, sizeof(base), "%s", ck_test_apiserver_url(api));
}

static void teardown(void)
{
	ck_test_api_stop(&etcd, &api);
}

/* method path with a JSON body (PATCH: a merge patch); asserts the code. Owned answer. */
static json_object *req(const char *method, const char *path, const char *body, long want)
{
	return ck_test_api_req(base, method, path, body,
			       strcmp(method, "PATCH") == 0 ? "application/merge-patch+json" : NULL,
			       want);
}

static void req_drop(const char *method, const char *path, const char *body, long want)
{
	json_object_put(req(method, path, body, want));
}

/* A 422 whose message has want and whose first cause is (field, reason). */
static void expect_invalid(json_object *st, const char *want, const char *field, const char *reason)
{
	ck_assert_str_eq(ck_test_api_str(st, "reason"), "Invalid");
	ck_assert_msg(strstr(ck_test_api_str(st, "message"), want) != NULL,
		      "message '%s' lacks '%s'", ck_test_api_str(st, "message"), want);
	json_object *causes = ck_obj_path(st, "details.causes");
	bool found = false;
	for (size_t i = 0; causes && i < json_object_array_length(causes); i++) {
		json_object *c = json_object_array_get_idx(causes, i);
		found |= strcmp(ck_test_api_str(c, "field"), field) == 0 &&
			 strcmp(ck_test_api_str(c, "reason"), reason) == 0;
	}
	ck_assert_msg(found, "no cause (%s, %s) in %s", field, reason,
		      json_object_to_json_string(st));
	json_object_put(st);
}

#define NS "/apis/apps/v1/namespaces/default"
#define BATCH "/apis/batch/v1/namespaces/default"
#define TEMPLATE(labels, extra)                                                          \
	"\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":{\"containers\":[{" \
	"\"name\":\"c\",\"image\":\"nginx:1.25\"}]" extra "}}"
#define DEPLOYMENT(name, selector, labels)                                                   \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" name \
	"\"},\"spec\":{\"selector\":" selector "," TEMPLATE(labels, "") "}}"

START_TEST(test_deployments)
{
	json_object *d =
	    req("POST", NS "/deployments",
		DEPLOYMENT("web", "{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}"), 201);
	ck_assert_int_eq(ck_test_api_num(d, "spec.replicas"), 1);
	ck_assert_str_eq(ck_test_api_str(d, "spec.strategy.type"), "RollingUpdate");
	ck_assert_str_eq(ck_test_api_str(d, "spec.strategy.rollingUpdate.maxUnavailable"), "25%");
	ck_assert_str_eq(ck_test_api_str(d, "spec.strategy.rollingUpdate.maxSurge"), "25%");
	ck_assert_int_eq(ck_test_api_num(d, "spec.revisionHistoryLimit"), 10);
	ck_assert_int_eq(ck_test_api_num(d, "spec.progressDeadlineSeconds"), 600);
	ck_assert_str_eq(ck_test_api_str(d, "spec.template.spec.restartPolicy"), "Always");
	ck_assert_str_eq(ck_test_api_str(d, "spec.template.spec.dnsPolicy"), "ClusterFirst");
	ck_assert_int_eq(ck_test_api_num(d, "metadata.generation"), 1);
	ck_assert_ptr_nonnull(ck_obj_path(d, "status"));
	json_object_put(d);

	/* validation: upstream's paths and reasons */
	expect_invalid(
	    req("POST", NS "/deployments",
		DEPLOYMENT("bad", "{\"matchLabels\":{\"app\":\"x\"}}", "{\"app\":\"web\"}"), 422),
	    "Deployment.apps \"bad\" is invalid: spec.template.metadata.labels: Invalid "
	    "value: {\"app\":\"web\"}: `selector` does not match template `labels`",
	    "spec.template.metadata.labels", "FieldValueInvalid");
	expect_invalid(req("POST", NS "/deployments",
			   "{\"metadata\":{\"name\":\"nosel\"},\"spec\":{" TEMPLATE(
			       "{\"app\":\"web\"}", "") "}}",
			   422),
		       "spec.selector: Required value", "spec.selector", "FieldValueRequired");
	expect_invalid(
	    req("POST", NS "/deployments",
		"{\"metadata\":{\"name\":\"ru\"},\"spec\":{\"selector\":{\"matchLabels\":"
		"{\"a\":\"b\"}},\"strategy\":{\"rollingUpdate\":{\"maxUnavailable\":0,"
		"\"maxSurge\":0}}," TEMPLATE("{\"a\":\"b\"}", "") "}}",
		422),
	    "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 "
	    "when `maxSurge` is 0",
	    "spec.strategy.rollingUpdate.maxUnavailable", "FieldValueInvalid");
	expect_invalid(
	    req("POST", NS "/deployments",
		"{\"metadata\":{\"name\":\"rp\"},\"spec\":{\"selector\":{\"matchLabels\":"
		"{\"a\":\"b\"}}," TEMPLATE("{\"a\":\"b\"}", ",\"restartPolicy\":\"Never\"") "}}",
		422),
	    "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported "
	    "values: \"Always\"",
	    "spec.template.spec.restartPolicy", "FieldValueNotSupported");

	/* the selector is immutable; the template bumps generation, labels do not */
	expect_invalid(
	    req("PATCH", NS "/deployments/web",
		"{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\",\"x\":\"y\"}},"
		"\"template\":{\"metadata\":{\"labels\":{\"x\":\"y\"}}}}}",
		422),
	    "field is immutable", "spec.selector", "FieldValueInvalid");
	d = req("PATCH", NS "/deployments/web",
		"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
		"\"nginx:1.26\"}]}}}}",
		200);
	ck_assert_int_eq(ck_test_api_num(d, "metadata.generation"), 2);
	json_object_put(d);
	d = req("PATCH", NS "/deployments/web", "{\"metadata\":{\"labels\":{\"l\":\"1\"}}}", 200);
	ck_assert_int_eq(ck_test_api_num(d, "metadata.generation"), 2);
	json_object_put(d);

	/* status only through deployments/status */
	d = req("PATCH", NS "/deployments/web", "{\"status\":{\"replicas\":7}}", 200);
	ck_assert_int_eq(ck_test_api_num(d, "status.replicas"), -1);
	json_object_put(d);
	d = req("PATCH", NS "/deployments/web/status",
		"{\"spec\":{\"replicas\":9},\"status\":{\"replicas\":3,\"readyReplicas\":2,"
		"\"observedGeneration\":2}}",
		200);
	ck_assert_int_eq(ck_test_api_num(d, "status.replicas"), 3);
	ck_assert_int_eq(ck_test_api_num(d, "spec.replicas"), 1);
	ck_assert_int_eq(ck_test_api_num(d, "metadata.generation"), 2);
	json_object_put(d);
	expect_invalid(req("PATCH", NS "/deployments/web/status",
			   "{\"status\":{\"availableReplicas\":5}}", 422),
		       "status.availableReplicas: Invalid value: 5: cannot be greater than "
		       "status.replicas",
		       "status.availableReplicas", "FieldValueInvalid");
}
END_TEST

START_TEST(test_scale)
{
	req_drop("POST", NS "/deployments",
		 DEPLOYMENT("sc", "{\"matchLabels\":{\"app\":\"sc\"}}", "{\"app\":\"sc\"}"), 201);
	json_object *s = req("GET", NS "/deployments/sc/scale", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(s, "kind"), "Scale");
	ck_assert_str_eq(ck_test_api_str(s, "apiVersion"), "autoscaling/v1");
	ck_assert_str_eq(ck_test_api_str(s, "metadata.name"), "sc");
	ck_assert_int_eq(ck_test_api_num(s, "spec.replicas"), 1);
	ck_assert_int_eq(ck_test_api_num(s, "status.replicas"), 0);
	ck_assert_str_eq(ck_test_api_str(s, "status.selector"), "app=sc");
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":"
		 "\"sc\",\"resourceVersion\":\"%s\"},\"spec\":{\"replicas\":5}}",
		 ck_test_api_str(s, "metadata.resourceVersion"));
	json_object_put(s);
	s = req("PUT", NS "/deployments/sc/scale", body, 200);
	ck_assert_int_eq(ck_test_api_num(s, "spec.replicas"), 5);
	json_object_put(s);
	/* the same resourceVersion again is stale */
	s = req("PUT", NS "/deployments/sc/scale", body, 409);
	ck_assert_str_eq(ck_test_api_str(s, "reason"), "Conflict");
	json_object_put(s);
	json_object *d = req("GET", NS "/deployments/sc", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(d, "spec.replicas"), 5);
	ck_assert_int_eq(ck_test_api_num(d, "metadata.generation"), 2);
	json_object_put(d);
	s = req("PATCH", NS "/deployments/sc/scale", "{\"spec\":{\"replicas\":2}}", 200);
	ck_assert_int_eq(ck_test_api_num(s, "spec.replicas"), 2);
	json_object_put(s);
	expect_invalid(
	    req("PATCH", NS "/deployments/sc/scale", "{\"spec\":{\"replicas\":-1}}", 422),
	    "Scale.autoscaling \"sc\" is invalid: spec.replicas: Invalid value: -1: "
	    "must be greater than or equal to 0",
	    "spec.replicas", "FieldValueInvalid");
	s = req("PUT", NS "/deployments/sc/scale",
		"{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":"
		"\"sc\"},\"spec\":{\"replicas\":1}}",
		400);
	json_object_put(s);
	req_drop("GET", NS "/deployments/none/scale", NULL, 404);

	/* replicasets, statefulsets and replicationcontrollers scale the same way */
	req_drop("POST", NS "/replicasets",
		 "{\"metadata\":{\"name\":\"rs\"},\"spec\":{\"selector\":{\"matchExpressions\":[{"
		 "\"key\":\"app\",\"operator\":\"In\",\"values\":[\"rs\"]}]}," TEMPLATE(
		     "{\"app\":\"rs\"}", "") "}}",
		 201);
	json_object *l = req("GET", NS "/replicasets?fieldSelector=status.replicas%3D0", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l, "items")), 1);
	json_object_put(l);
	s = req("PATCH", NS "/replicasets/rs/scale", "{\"spec\":{\"replicas\":3}}", 200);
	ck_assert_str_eq(ck_test_api_str(s, "status.selector"), "app in (rs)");
	ck_assert_int_eq(ck_test_api_num(s, "spec.replicas"), 3);
	json_object_put(s);
	req_drop("POST", NS "/statefulsets",
		 "{\"metadata\":{\"name\":\"ss\"},\"spec\":{\"serviceName\":\"ss\",\"selector\":{"
		 "\"matchLabels\":{\"app\":\"ss\"}}," TEMPLATE("{\"app\":\"ss\"}", "") "}}",
		 201);
	s = req("PATCH", NS "/statefulsets/ss/scale", "{\"spec\":{\"replicas\":0}}", 200);
	ck_assert_ptr_null(ck_obj_path(s, "spec.replicas")); /* omitempty, as upstream */
	json_object_put(s);
	req_drop("POST", "/api/v1/namespaces/default/replicationcontrollers",
		 "{\"metadata\":{\"name\":\"rc\"},\"spec\":{" TEMPLATE("{\"app\":\"rc\"}", "") "}}",
		 201);
	s = req("GET", "/api/v1/namespaces/default/replicationcontrollers/rc/scale", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(s, "status.selector"), "app=rc");
	json_object_put(s);

	/* the real kubectl */
	struct ck_buf out = CK_BUF_INIT;
	const char *kc = ck_test_apiserver_kubeconfig(api);
	ck_assert_int_eq(ck_test_sh(&out,
				    "/usr/bin/kubectl --kubeconfig %s scale deployment sc "
				    "--replicas=4",
				    kc),
			 0);
	ck_test_expect_in(&out, "deployment.apps/sc scaled");
	ck_assert_int_eq(ck_test_sh(&out,
				    "/usr/bin/kubectl --kubeconfig %s scale rc rc "
				    "--current-replicas=1 --replicas=2",
				    kc),
			 0);
	ck_test_expect_in(&out, "replicationcontroller/rc scaled");
	ck_assert_int_ne(ck_test_sh(&out,
				    "/usr/bin/kubectl --kubeconfig %s scale sts ss "
				    "--current-replicas=3 --replicas=2",
				    kc),
			 0);
	ck_test_expect_in(&out, "Expected replicas to be 3, was 0");
	d = req("GET", NS "/deployments/sc", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(d, "spec.replicas"), 4);
	json_object_put(d);
	d = req("GET", "/api/v1/namespaces/default/replicationcontrollers/rc", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(d, "spec.replicas"), 2);
	json_object_put(d);
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_statefulsets_daemonsets_revisions)
{
	json_object *s = req(
	    "POST", NS "/statefulsets",
	    "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"serviceName\":\"db\",\"selector\":{"
	    "\"matchLabels\":{\"app\":\"db\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":"
	    "\"db\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"volumeMounts\":"
	    "[{\"name\":\"data\",\"mountPath\":\"/d\"}]}]}},\"volumeClaimTemplates\":[{"
	    "\"metadata\":{\"name\":\"data\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
	    "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}]}}",
	    201);
	ck_assert_str_eq(ck_test_api_str(s, "spec.podManagementPolicy"), "OrderedReady");
	ck_assert_str_eq(ck_test_api_str(s, "spec.updateStrategy.type"), "RollingUpdate");
	ck_assert_int_eq(ck_test_api_num(s, "spec.updateStrategy.rollingUpdate.partition"), 0);
	ck_assert_str_eq(
	    ck_test_api_str(s, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"), "Retain");
	ck_assert_int_eq(ck_test_api_num(s, "spec.revisionHistoryLimit"), 10);
	json_object *vct =
	    json_object_array_get_idx(ck_obj_path(s, "spec.volumeClaimTemplates"), 0);
	ck_assert_str_eq(ck_test_api_str(vct, "spec.volumeMode"), "Filesystem");
	ck_assert_int_eq(ck_test_api_num(s, "status.replicas"), 0);
	json_object_put(s);
	expect_invalid(
	    req("PATCH", NS "/statefulsets/db", "{\"spec\":{\"serviceName\":\"x\"}}", 422),
	    "spec: Forbidden: updates to statefulset spec for fields other than "
	    "'replicas', 'ordinals', 'template', 'updateStrategy', "
	    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
	    "spec", "FieldValueForbidden");
	req_drop("PATCH", NS "/statefulsets/db", "{\"spec\":{\"replicas\":3}}", 200);
	expect_invalid(req("POST", NS "/statefulsets",
			   "{\"metadata\":{\"name\":\"Bad.Name\"},\"spec\":{\"selector\":{"
			   "\"matchLabels\":{\"a\":\"b\"}},\"podManagementPolicy\":\"Sometimes\","
			   "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}}}}}",
			   422),
		       "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be "
		       "'OrderedReady' or 'Parallel'",
		       "metadata.name", "FieldValueInvalid");

	json_object *ds =
	    req("POST", NS "/daemonsets",
		"{\"metadata\":{\"name\":\"agent\"},\"spec\":{\"selector\":{"
		"\"matchLabels\":{\"app\":\"agent\"}}," TEMPLATE("{\"app\":\"agent\"}", "") "}}",
		201);
	ck_assert_str_eq(ck_test_api_str(ds, "spec.updateStrategy.type"), "RollingUpdate");
	ck_assert_int_eq(ck_test_api_num(ds, "spec.updateStrategy.rollingUpdate.maxUnavailable"),
			 1);
	ck_assert_int_eq(ck_test_api_num(ds, "spec.updateStrategy.rollingUpdate.maxSurge"), 0);
	ck_assert_int_eq(ck_test_api_num(ds, "spec.revisionHistoryLimit"), 10);
	ck_assert_int_eq(ck_test_api_num(ds, "status.desiredNumberScheduled"), 0);
	json_object_put(ds);
	expect_invalid(
	    req("POST", NS "/daemonsets",
		"{\"metadata\":{\"name\":\"d2\"},\"spec\":{\"selector\":{"
		"\"matchLabels\":{\"a\":\"b\"}},\"updateStrategy\":{\"rollingUpdate\":{"
		"\"maxUnavailable\":\"50%\",\"maxSurge\":1}}," TEMPLATE("{\"a\":\"b\"}", "") "}}",
		422),
	    "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be "
	    "set when maxUnavailable is non-zero",
	    "spec.updateStrategy.rollingUpdate.maxSurge", "FieldValueInvalid");
	ds = req("PATCH", NS "/daemonsets/agent/status",
		 "{\"status\":{\"desiredNumberScheduled\":2,\"numberReady\":1}}", 200);
	ck_assert_int_eq(ck_test_api_num(ds, "status.numberReady"), 1);
	json_object_put(ds);

	expect_invalid(req("POST", NS "/controllerrevisions",
			   "{\"metadata\":{\"name\":\"rev\"},\"revision\":1}", 422),
		       "data: Required value: data is mandatory", "data", "FieldValueRequired");
	req_drop("POST", NS "/controllerrevisions",
		 "{\"metadata\":{\"name\":\"rev\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
		 "\"kind\":\"StatefulSet\",\"name\":\"db\",\"uid\":\"u1\",\"controller\":true}]},"
		 "\"data\":{\"spec\":{}},\"revision\":1}",
		 201);
	expect_invalid(
	    req("PATCH", NS "/controllerrevisions/rev", "{\"data\":{\"spec\":{\"x\":1}}}", 422),
	    "data: Invalid value", "data", "FieldValueInvalid");
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out,
				    "/usr/bin/kubectl --kubeconfig %s get controllerrevisions",
				    ck_test_apiserver_kubeconfig(api)),
			 0);
	ck_test_expect_cols(&out, "NAME CONTROLLER REVISION AGE");
	ck_test_expect_cols(&out, "rev statefulset.apps/db 1 ");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_jobs_and_cronjobs)
{
	json_object *j = req("POST", BATCH "/jobs",
			     "{\"metadata\":{\"name\":\"pi\"},\"spec\":{\"template\":{\"spec\":{"
			     "\"containers\":[{\"name\":\"c\",\"image\":\"perl\"}],"
			     "\"restartPolicy\":\"Never\"}}}}",
			     201);
	const char *uid = ck_test_api_str(j, "metadata.uid");
	ck_assert_int_eq(ck_test_api_num(j, "spec.completions"), 1);
	ck_assert_int_eq(ck_test_api_num(j, "spec.parallelism"), 1);
	ck_assert_int_eq(ck_test_api_num(j, "spec.backoffLimit"), 6);
	ck_assert_str_eq(ck_test_api_str(j, "spec.completionMode"), "NonIndexed");
	ck_assert(json_object_get_boolean(ck_obj_path(j, "spec.suspend")) == 0);
	ck_assert_ptr_nonnull(ck_obj_path(j, "spec.suspend"));
	ck_assert_str_eq(ck_test_api_str(j, "spec.podReplacementPolicy"), "TerminatingOrFailed");
	json_object *ml = ck_obj_path(j, "spec.selector.matchLabels");
	json_object *v = NULL;
	ck_assert(json_object_object_get_ex(ml, "batch.kubernetes.io/controller-uid", &v));
	ck_assert_str_eq(json_object_get_string(v), uid);
	json_object *tl = ck_obj_path(j, "spec.template.metadata.labels");
	ck_assert(json_object_object_get_ex(tl, "job-name", &v));
	ck_assert_str_eq(json_object_get_string(v), "pi");
	ck_assert(json_object_object_get_ex(tl, "controller-uid", &v));
	ck_assert(json_object_object_get_ex(ck_obj_labels(j), "batch.kubernetes.io/job-name", &v));
	json_object_put(j);

	expect_invalid(req("POST", BATCH "/jobs",
			   "{\"metadata\":{\"name\":\"always\"},\"spec\":{\"template\":{\"spec\":{"
			   "\"containers\":[{\"name\":\"c\",\"image\":\"perl\"}]}}}}",
			   422),
		       "spec.template.spec.restartPolicy: Required value: valid values: "
		       "\"OnFailure\", \"Never\"",
		       "spec.template.spec.restartPolicy", "FieldValueRequired");
	expect_invalid(req("POST", BATCH "/jobs",
			   "{\"metadata\":{\"name\":\"idx\"},\"spec\":{\"completionMode\":"
			   "\"Indexed\",\"parallelism\":2,\"template\":{\"spec\":{\"containers\":[{"
			   "\"name\":\"c\",\"image\":\"perl\"}],\"restartPolicy\":\"Never\"}}}}",
			   422),
		       "spec.completions: Required value: when completion mode is Indexed",
		       "spec.completions", "FieldValueRequired");
	/* the template and completions are immutable; parallelism is not */
	expect_invalid(req("PATCH", BATCH "/jobs/pi",
			   "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
			   "\"image\":\"perl:2\"}]}}}}",
			   422),
		       "spec.template: Invalid value", "spec.template", "FieldValueInvalid");
	expect_invalid(req("PATCH", BATCH "/jobs/pi", "{\"spec\":{\"completions\":3}}", 422),
		       "spec.completions: Invalid value: 3: field is immutable", "spec.completions",
		       "FieldValueInvalid");
	j = req("PATCH", BATCH "/jobs/pi", "{\"spec\":{\"parallelism\":2}}", 200);
	ck_assert_int_eq(ck_test_api_num(j, "metadata.generation"), 2);
	json_object_put(j);
	j = req("PATCH", BATCH "/jobs/pi/status", "{\"status\":{\"active\":1,\"succeeded\":2}}",
		200);
	ck_assert_int_eq(ck_test_api_num(j, "status.active"), 1);
	json_object_put(j);
	j = req("GET", BATCH "/jobs?fieldSelector=status.successful%3D2", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(j, "items")), 1);
	json_object_put(j);

	json_object *cj =
	    req("POST", BATCH "/cronjobs",
		"{\"metadata\":{\"name\":\"hello\"},\"spec\":{\"schedule\":\"*/5 * * * "
		"*\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":"
		"[{\"name\":\"c\",\"image\":\"busybox\"}],\"restartPolicy\":"
		"\"OnFailure\"}}}}}}",
		201);
	ck_assert_str_eq(ck_test_api_str(cj, "spec.concurrencyPolicy"), "Allow");
	ck_assert_int_eq(ck_test_api_num(cj, "spec.successfulJobsHistoryLimit"), 3);
	ck_assert_int_eq(ck_test_api_num(cj, "spec.failedJobsHistoryLimit"), 1);
	ck_assert_ptr_nonnull(ck_obj_path(cj, "spec.suspend"));
	ck_assert_ptr_null(ck_obj_path(cj, "spec.jobTemplate.spec.backoffLimit"));
	json_object_put(cj);
	static const struct {
		const char *schedule, *message;
	} bad[] = {
		{ "*/5 * * *", "expected exactly 5 fields, found 4: [*/5 * * *]" },
		{ "0 24 * * *", "end of range (24) above maximum (23): 24" },
		{ "@weekdays", "unrecognized descriptor: @weekdays" },
		{ "x * * * *",
		  "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax" },
		{ "5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[512];
		snprintf(body, sizeof(body),
			 "{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"schedule\":\"%s\","
			 "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{"
			 "\"name\":\"c\",\"image\":\"busybox\"}],\"restartPolicy\":\"Never\"}}}}}}",
			 bad[i].schedule);
		json_object *st = req("POST", BATCH "/cronjobs", body, 422);
		char want[512];
		snprintf(want, sizeof(want), "spec.schedule: Invalid value: \"%s\": %s",
			 bad[i].schedule, bad[i].message);
		expect_invalid(st, want, "spec.schedule", "FieldValueInvalid");
	}
	for (const char *const *ok =
		 (const char *const[]){ "@hourly", "0 0 1 jan,jul *", "*/15 9-17 * * MON-FRI",
					"@every 1h30m", NULL };
	     *ok; ok++) {
		char body[512];
		snprintf(body, sizeof(body),
			 "{\"metadata\":{\"generateName\":\"ok-\"},\"spec\":{\"schedule\":\"%s\","
			 "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{"
			 "\"name\":\"c\",\"image\":\"busybox\"}],\"restartPolicy\":\"Never\"}}}}}}",
			 *ok);
		req_drop("POST", BATCH "/cronjobs", body, 201);
	}
	expect_invalid(
	    req("POST", BATCH "/cronjobs",
		"{\"metadata\":{\"name\":\"a-very-long-cronjob-name-that-is-more-than-fifty-"
		"chars\"},\"spec\":{\"schedule\":\"@daily\",\"timeZone\":\"Mars/Olympus\","
		"\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{"
		"\"name\":\"c\",\"image\":\"busybox\"}],\"restartPolicy\":\"Never\"}}}}}}",
		422),
	    "metadata.name: Invalid value: \"a-very-long-cronjob-name-that-is-more-than-"
	    "fifty-chars\": must be no more than 52 characters",
	    "spec.timeZone", "FieldValueInvalid");
}
END_TEST

#define HPA2 "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
#define HPA1 "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"

START_TEST(test_hpa_versions)
{
	json_object *h = req("POST", HPA2,
			     "{\"metadata\":{\"name\":\"h2\"},\"spec\":{\"scaleTargetRef\":{"
			     "\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
			     "\"maxReplicas\":5,\"behavior\":{\"scaleDown\":{"
			     "\"stabilizationWindowSeconds\":60}}}}",
			     201);
	ck_assert_int_eq(ck_test_api_num(h, "spec.minReplicas"), 1);
	json_object *m = json_object_array_get_idx(ck_obj_path(h, "spec.metrics"), 0);
	ck_assert_str_eq(ck_test_api_str(m, "resource.name"), "cpu");
	ck_assert_int_eq(ck_test_api_num(m, "resource.target.averageUtilization"), 80);
	ck_assert_str_eq(ck_test_api_str(h, "spec.behavior.scaleUp.selectPolicy"), "Max");
	ck_assert_int_eq(ck_test_api_num(h, "spec.behavior.scaleDown.stabilizationWindowSeconds"),
			 60);
	json_object_put(h);
	h = req("GET", HPA1 "/h2", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(h, "apiVersion"), "autoscaling/v1");
	ck_assert_int_eq(ck_test_api_num(h, "spec.targetCPUUtilizationPercentage"), 80);
	ck_assert_ptr_null(ck_obj_path(h, "spec.metrics"));
	json_object *beh = NULL;
	ck_assert(json_object_object_get_ex(ck_obj_annotations(h),
					    "autoscaling.alpha.kubernetes.io/behavior", &beh));
	json_object_put(h);

	h = req("POST", HPA1,
		"{\"metadata\":{\"name\":\"h1\"},\"spec\":{\"scaleTargetRef\":{\"kind\":"
		"\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3,"
		"\"targetCPUUtilizationPercentage\":50}}",
		201);
	ck_assert_int_eq(ck_test_api_num(h, "spec.targetCPUUtilizationPercentage"), 50);
	ck_assert_int_eq(ck_test_api_num(h, "spec.minReplicas"), 1);
	json_object_put(h);
	h = req("GET", HPA2 "/h1", NULL, 200);
	m = json_object_array_get_idx(ck_obj_path(h, "spec.metrics"), 0);
	ck_assert_str_eq(ck_test_api_str(m, "type"), "Resource");
	ck_assert_str_eq(ck_test_api_str(m, "resource.target.type"), "Utilization");
	ck_assert_int_eq(ck_test_api_num(m, "resource.target.averageUtilization"), 50);
	json_object_put(h);
	/* v2 metrics v1 cannot say travel in an annotation and come back */
	req_drop("PATCH", HPA2 "/h1",
		 "{\"spec\":{\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\","
		 "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"100Mi\"}}},{\"type\":"
		 "\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
		 "\"averageUtilization\":60}}}]}}",
		 200);
	h = req("GET", HPA1 "/h1", NULL, 200);
	ck_assert_int_eq(ck_test_api_num(h, "spec.targetCPUUtilizationPercentage"), 60);
	json_object *ann = NULL;
	ck_assert(json_object_object_get_ex(ck_obj_annotations(h),
					    "autoscaling.alpha.kubernetes.io/metrics", &ann));
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string(ann), "\"targetAverageValue\":\"100Mi\""));
	char body[2048];
	snprintf(body, sizeof(body), "%s", json_object_to_json_string(h));
	json_object_put(h);
	h = req("PUT", HPA1 "/h1", body, 200); /* v1 round trip keeps the memory metric */
	json_object_put(h);
	h = req("GET", HPA2 "/h1", NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(h, "spec.metrics")), 2);
	m = json_object_array_get_idx(ck_obj_path(h, "spec.metrics"), 0);
	ck_assert_str_eq(ck_test_api_str(m, "resource.name"), "memory");
	ck_assert_str_eq(ck_test_api_str(m, "resource.target.averageValue"), "100Mi");
	json_object_put(h);

	json_object *l1 = req("GET", HPA1, NULL, 200), *l2 = req("GET", HPA2, NULL, 200);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l1, "items")), 2);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(l2, "items")), 2);
	ck_assert_str_eq(ck_test_api_str(l1, "kind"), "HorizontalPodAutoscalerList");
	json_object_put(l1);
	json_object_put(l2);

	expect_invalid(req("POST", HPA2,
			   "{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"scaleTargetRef\":{"
			   "\"kind\":\"Deployment\"},\"minReplicas\":3,\"maxReplicas\":2}}",
			   422),
		       "spec.maxReplicas: Invalid value: 2: must be greater than or equal to "
		       "`minReplicas`",
		       "spec.scaleTargetRef.name", "FieldValueRequired");
	expect_invalid(req("POST", HPA1,
			   "{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"scaleTargetRef\":{"
			   "\"kind\":\"Deployment\",\"name\":\"w\"},\"maxReplicas\":0,"
			   "\"targetCPUUtilizationPercentage\":0}}",
			   422),
		       "spec.maxReplicas: Invalid value: 0: must be greater than 0",
		       "spec.metrics[0].resource.target.averageUtilization", "FieldValueInvalid");
}
END_TEST

/* A field manager: managedFields entries then carry one (protobuf drops an empty one). */
#define FM "?fieldManager=ck-test"

START_TEST(test_protobuf_round_trips)
{
	req_drop("POST", NS "/deployments" FM,
		 DEPLOYMENT("pb", "{\"matchLabels\":{\"app\":\"pb\"}}", "{\"app\":\"pb\"}"), 201);
	req_drop("POST", NS "/replicasets" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
		 "\"pb\"}}," TEMPLATE("{\"app\":\"pb\"}", "") "}}",
		 201);
	req_drop("POST", NS "/statefulsets" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
		 "\"pb\"}}," TEMPLATE("{\"app\":\"pb\"}", "") "}}",
		 201);
	req_drop("POST", NS "/daemonsets" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
		 "\"pb\"}}," TEMPLATE("{\"app\":\"pb\"}", "") "}}",
		 201);
	req_drop("POST", NS "/controllerrevisions" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"data\":{\"a\":1},\"revision\":2}", 201);
	req_drop("POST", BATCH "/jobs" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"template\":{\"spec\":{\"containers\":"
		 "[{\"name\":\"c\",\"image\":\"i\"}],\"restartPolicy\":\"Never\"}}}}",
		 201);
	req_drop("POST", BATCH "/cronjobs" FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"schedule\":\"@daily\",\"timeZone\":"
		 "\"UTC\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{"
		 "\"name\":\"c\",\"image\":\"i\"}],\"restartPolicy\":\"Never\"}}}}}}",
		 201);
	req_drop("POST", HPA1 FM,
		 "{\"metadata\":{\"name\":\"h1v1\"},\"spec\":{\"scaleTargetRef\":{\"kind\":"
		 "\"Deployment\",\"name\":\"pb\"},\"maxReplicas\":4}}",
		 201);
	req_drop("POST", HPA2 FM,
		 "{\"metadata\":{\"name\":\"pb\"},\"spec\":{\"scaleTargetRef\":{\"kind\":"
		 "\"Deployment\",\"name\":\"pb\"},\"maxReplicas\":4}}",
		 201);
	static const char *const paths[] = {
		NS "/deployments/pb",
		NS "/deployments/pb/scale",
		NS "/replicasets/pb",
		NS "/statefulsets/pb",
		NS "/daemonsets/pb",
		NS "/controllerrevisions/pb",
		BATCH "/jobs/pb",
		BATCH "/cronjobs/pb",
		HPA2 "/pb",
		HPA1 "/pb",
		NS "/deployments?fieldSelector=metadata.name%3Dpb",
		BATCH "/jobs?fieldSelector=metadata.name%3Dpb",
		HPA2 "/h1v1",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		ck_test_expect_protobuf_matches_json(base, paths[i], 200);
}
END_TEST

#define KUBECTL "/usr/bin/kubectl --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

START_TEST(test_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "create deployment kd --image=nginx:1.25 "
					    "--replicas=2",
				    KC),
			 0);
	ck_test_expect_in(&out, "deployment.apps/kd created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create job kj --image=busybox", KC), 0);
	ck_test_expect_in(&out, "job.batch/kj created");
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "create cronjob kc --image=busybox "
					    "--schedule='*/1 * * * *'",
				    KC),
			 0);
	ck_test_expect_in(&out, "cronjob.batch/kc created");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get deploy", KC), 0);
	ck_test_expect_cols(&out, "NAME READY UP-TO-DATE AVAILABLE AGE");
	ck_test_expect_cols(&out, "kd 0/2 0 0 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get deploy -o wide", KC), 0);
	ck_test_expect_cols(&out, "NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR");
	ck_test_expect_cols(&out, " nginx nginx:1.25 app=kd");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get jobs", KC), 0);
	ck_test_expect_cols(&out, "NAME STATUS COMPLETIONS DURATION AGE");
	ck_test_expect_cols(&out, "kj Running 0/1 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cj", KC), 0);
	ck_test_expect_cols(&out, "NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE");
	ck_test_expect_cols(&out, "kc */1 * * * * <none> False 0 <none> ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "scale deploy kd --replicas=3", KC), 0);
	ck_test_expect_in(&out, "deployment.apps/kd scaled");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get deploy kd", KC), 0);
	ck_test_expect_cols(&out, "kd 0/3 0 0 ");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "autoscale deploy kd --max=5 --cpu-percent=70", KC), 0);
	ck_test_expect_in(&out, "horizontalpodautoscaler.autoscaling/kd autoscaled");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get hpa", KC), 0);
	ck_test_expect_cols(&out, "NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE");
	ck_test_expect_cols(&out, "kd Deployment/kd cpu: <unknown>/70% 1 5 0 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get all", KC), 0);
	ck_test_expect_in(&out, "deployment.apps/kd");
	ck_test_expect_in(&out, "job.batch/kj");
	ck_test_expect_in(&out, "cronjob.batch/kc");
	ck_test_expect_in(&out, "horizontalpodautoscaler.autoscaling/kd");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get rs,sts,ds", KC), 0);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "api-resources --api-group=apps", KC), 0);
	ck_test_expect_cols(&out, "deployments deploy apps/v1 true Deployment");
	ck_test_expect_cols(&out, "statefulsets sts apps/v1 true StatefulSet");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "delete deploy kd", KC), 0);
	ck_test_expect_in(&out, "deployment.apps \"kd\" deleted");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_kubectl_apply_examples)
{
	static const char file[] = "test/integration/testdata/workloads.yaml";
	static const char *const kinds[] = { "deployment.apps/nginx-deployment",
					     "statefulset.apps/web",
					     "job.batch/pi",
					     "cronjob.batch/hello",
					     "daemonset.apps/fluentd-elasticsearch",
					     "horizontalpodautoscaler.autoscaling/php-apache" };
	struct ck_buf out = CK_BUF_INIT;
	char want[128];
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create namespace examples", KC), 0);
	int st = ck_test_sh(&out, KUBECTL "-n examples apply -f %s", KC, file);
	ck_assert_msg(st == 0, "apply: %s", ck_buf_str(&out));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(want, sizeof(want), "%s created", kinds[i]);
		ck_test_expect_in(&out, want);
	}
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n examples apply -f %s", KC, file), 0);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		/* A StatefulSet's claim templates gain defaults (volumeMode, status):
		 * kubectl always patches them, as against upstream (kubernetes#66450). */
		snprintf(want, sizeof(want), "%s %s", kinds[i],
			 i == 1 ? "configured" : "unchanged");
		ck_test_expect_in(&out, want);
	}
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "sed 's/replicas: 3/replicas: 2/; s/backoffLimit: 4/backoffLimit: "
		       "4/' %s | " KUBECTL "-n examples apply -f -",
		       file, KC),
	    0);
	ck_test_expect_in(&out, "deployment.apps/nginx-deployment configured");
	ck_test_expect_in(&out, "job.batch/pi unchanged");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "-n examples get deploy/nginx-deployment sts/web", KC), 0);
	ck_test_expect_cols(&out, "deployment.apps/nginx-deployment 0/2 0 0 ");
	ck_test_expect_cols(&out, "statefulset.apps/web 0/2 ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n examples get ds,hpa", KC), 0);
	ck_test_expect_cols(&out, "daemonset.apps/fluentd-elasticsearch 0 0 0 0 0 <none> ");
	ck_test_expect_cols(
	    &out, "horizontalpodautoscaler.autoscaling/php-apache Deployment/php-apache cpu: "
		  "<unknown>/50% 1 10 0 ");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "-n examples describe deployment nginx-deployment", KC), 0);
	ck_test_expect_in(&out, "RollingUpdateStrategy:  25% max unavailable, 25% max surge");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "-n examples delete -f %s", KC, file), 0);
	ck_test_expect_in(&out, "statefulset.apps \"web\" deleted");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_python_client)
{
	struct ck_buf out = CK_BUF_INIT;
	int st = ck_test_sh(&out, "/usr/bin/python3 test/integration/python/apps_test.py %s", KC);
	ck_assert_msg(st == 0, "python: %s", ck_buf_str(&out));
	ck_test_expect_in(&out, "python apps: ok");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_apps_kinds(void)
{
	Suite *s = suite_create("apps_kinds");
	TCase *tc = tcase_create("apps_kinds");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(180));
	tcase_add_test(tc, test_deployments);
	tcase_add_test(tc, test_scale);
	tcase_add_test(tc, test_statefulsets_daemonsets_revisions);
	tcase_add_test(tc, test_jobs_and_cronjobs);
	tcase_add_test(tc, test_hpa_versions);
	tcase_add_test(tc, test_protobuf_round_trips);
	tcase_add_test(tc, test_kubectl);
	tcase_add_test(tc, test_kubectl_apply_examples);
	tcase_add_test(tc, test_python_client);
	suite_add_tcase(s, tc);
	return s;
}
