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
#include "util/common.h"

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

/* A 422 whose message has want and with a cause (field, reason); takes st. */
static void expect_invalid(json_object *st, const char *want, const char *field, const char *reason)
{
	ck_test_api_expect_invalid(st, want, field, reason, false);
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
				    CK_TEST_KUBECTL " --kubeconfig %s scale deployment sc "
						    "--replicas=4",
				    kc),
			 0);
	ck_test_expect_in(&out, "deployment.apps/sc scaled");
	ck_assert_int_eq(ck_test_sh(&out,
				    CK_TEST_KUBECTL " --kubeconfig %s scale rc rc "
						    "--current-replicas=1 --replicas=2",
				    kc),
			 0);
	ck_test_expect_in(&out, "replicationcontroller/rc scaled");
	ck_assert_int_ne(ck_test_sh(&out,
				    CK_TEST_KUBECTL " --kubeconfig %s scale sts ss "
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
	/* claim templates are immutable (upstream checks nothing else of them); the
	 * retention policy may change, to Retain or Delete only */
	expect_invalid(req("PATCH", NS "/statefulsets/db",
			   "{\"spec\":{\"volumeClaimTemplates\":[{\"metadata\":{\"name\":"
			   "\"data\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
			   "\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}]}}",
			   422),
		       "spec: Forbidden: updates to statefulset spec for fields other than", "spec",
		       "FieldValueForbidden");
	expect_invalid(req("PATCH", NS "/statefulsets/db",
			   "{\"spec\":{\"persistentVolumeClaimRetentionPolicy\":{"
			   "\"whenScaled\":\"Keep\"}}}",
			   422),
		       "spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "
		       "\"Keep\": supported values: \"Retain\", \"Delete\"",
		       "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
		       "FieldValueNotSupported");
	s = req("PATCH", NS "/statefulsets/db",
		"{\"spec\":{\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":"
		"\"Delete\"}}}",
		200);
	ck_assert_str_eq(
	    ck_test_api_str(s, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"), "Delete");
	ck_assert_str_eq(ck_test_api_str(s, "spec.persistentVolumeClaimRetentionPolicy.whenScaled"),
			 "Retain");
	json_object_put(s);
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
				    CK_TEST_KUBECTL " --kubeconfig %s get controllerrevisions",
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

#define JOB_SPEC(extra, restart)                                                            \
	"\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"perl\"}],"  \
	"\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],\"restartPolicy\":" \
	"\"" restart "\"}}" extra

START_TEST(test_job_rules)
{
	/* a valid podFailurePolicy: defaults and podReplacementPolicy Failed */
	json_object *j = req(
	    "POST", BATCH "/jobs",
	    "{\"metadata\":{\"name\":\"pfp\"},\"spec\":{" JOB_SPEC(
		",\"podFailurePolicy\":{\"rules\":[{\"action\":\"FailJob\",\"onExitCodes\":{"
		"\"containerName\":\"init\",\"operator\":\"In\",\"values\":[1,42]}},{\"action\":"
		"\"Ignore\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}]}",
		"Never") "}}",
	    201);
	ck_assert_str_eq(ck_test_api_str(j, "spec.podReplacementPolicy"), "Failed");
	json_object *rule =
	    json_object_array_get_idx(ck_obj_path(j, "spec.podFailurePolicy.rules"), 1);
	ck_assert_str_eq(
	    ck_test_api_str(json_object_array_get_idx(ck_obj_path(rule, "onPodConditions"), 0),
			    "status"),
	    "True");
	json_object_put(j);
	/* and it is immutable */
	expect_invalid(
	    req("PATCH", BATCH "/jobs/pfp", "{\"spec\":{\"podFailurePolicy\":null}}", 422),
	    "spec.podFailurePolicy: Invalid value", "spec.podFailurePolicy", "FieldValueInvalid");

	/* every rule's mistakes, with upstream's paths and words */
	static const char bad[] = "{\"metadata\":{\"name\":\"bad\"},\"spec\":{" JOB_SPEC(
	    ",\"podFailurePolicy\":{\"rules\":[{\"action\":\"Bogus\",\"onExitCodes\":{"
	    "\"containerName\":\"nope\",\"operator\":\"In\",\"values\":[0,2,1,2]}},{\"action\":"
	    "\"Ignore\"},{\"action\":\"FailIndex\",\"onExitCodes\":{\"values\":[]},"
	    "\"onPodConditions\":[{\"type\":\"bad type!\",\"status\":\"Maybe\"}]}]}",
	    "Never") "}}";
	static const struct {
		const char *msg, *field, *reason;
	} want[] = {
		{ "spec.podFailurePolicy.rules[0].action: Unsupported value: \"Bogus\": supported "
		  "values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
		  "spec.podFailurePolicy.rules[0].action", "FieldValueNotSupported" },
		{ "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "
		  "\"nope\": must be one of the container or initContainer names in the pod "
		  "template",
		  "spec.podFailurePolicy.rules[0].onExitCodes.containerName", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must "
		  "not "
		  "be 0 for the In operator",
		  "spec.podFailurePolicy.rules[0].onExitCodes.values[0]", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 2",
		  "spec.podFailurePolicy.rules[0].onExitCodes.values[3]", "FieldValueDuplicate" },
		{ "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [0,2,1,2]: "
		  "must be ordered",
		  "spec.podFailurePolicy.rules[0].onExitCodes.values", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes "
		  "and "
		  "OnPodConditions is required",
		  "spec.podFailurePolicy.rules[1]", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[2].action: Invalid value: \"FailIndex\": requires "
		  "the "
		  "backoffLimitPerIndex to be set",
		  "spec.podFailurePolicy.rules[2].action", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[2].onExitCodes.operator: Required value: valid "
		  "values: [\"In\" \"NotIn\"]",
		  "spec.podFailurePolicy.rules[2].onExitCodes.operator", "FieldValueRequired" },
		{ "spec.podFailurePolicy.rules[2].onExitCodes.values: Invalid value: []: at least "
		  "one value is required",
		  "spec.podFailurePolicy.rules[2].onExitCodes.values", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[2].onPodConditions[0].type: Invalid value: \"bad "
		  "type!\": name part must consist of alphanumeric characters",
		  "spec.podFailurePolicy.rules[2].onPodConditions[0].type", "FieldValueInvalid" },
		{ "spec.podFailurePolicy.rules[2].onPodConditions[0].status: Unsupported value: "
		  "\"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
		  "spec.podFailurePolicy.rules[2].onPodConditions[0].status",
		  "FieldValueNotSupported" },
		{ "spec.podFailurePolicy.rules[2]: Invalid value: specifying both OnExitCodes and "
		  "OnPodConditions is not supported",
		  "spec.podFailurePolicy.rules[2]", "FieldValueInvalid" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(want); i++)
		expect_invalid(req("POST", BATCH "/jobs", bad, 422), want[i].msg, want[i].field,
			       want[i].reason);
	/* a podFailurePolicy needs restartPolicy Never, and podReplacementPolicy Failed */
	expect_invalid(
	    req("POST", BATCH "/jobs",
		"{\"metadata\":{\"name\":\"onf\"},\"spec\":{\"podReplacementPolicy\":"
		"\"TerminatingOrFailed\"," JOB_SPEC(
		    ",\"podFailurePolicy\":{\"rules\":[{\"action\":\"Count\",\"onExitCodes\":{"
		    "\"operator\":\"NotIn\",\"values\":[0]}}]}",
		    "OnFailure") "}}",
		422),
	    "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is "
	    "supported when podFailurePolicy is specified",
	    "spec.podReplacementPolicy", "FieldValueNotSupported");

	/* the per-index backoff limits */
	expect_invalid(
	    req("POST", BATCH "/jobs",
		"{\"metadata\":{\"name\":\"pi1\"},\"spec\":{\"backoffLimitPerIndex\":1," JOB_SPEC(
		    "", "Never") "}}",
		422),
	    "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
	    "spec.backoffLimitPerIndex", "FieldValueInvalid");
	expect_invalid(
	    req("POST", BATCH "/jobs",
		"{\"metadata\":{\"name\":\"pi2\"},\"spec\":{\"completionMode\":"
		"\"Indexed\",\"completions\":3,\"maxFailedIndexes\":4," JOB_SPEC("", "Never") "}}",
		422),
	    "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
	    "spec.maxFailedIndexes", "FieldValueInvalid");
	j = req("POST", BATCH "/jobs",
		"{\"metadata\":{\"name\":\"pi3\"},\"spec\":{\"completionMode\":\"Indexed\","
		"\"completions\":3,\"backoffLimitPerIndex\":1,\"maxFailedIndexes\":2," JOB_SPEC(
		    ",\"podFailurePolicy\":{\"rules\":[{\"action\":\"FailIndex\",\"onExitCodes\":{"
		    "\"operator\":\"In\",\"values\":[3]}}]}",
		    "Never") "}}",
		201);
	ck_assert_int_eq(ck_test_api_num(j, "spec.backoffLimit"), 2147483647);
	json_object_put(j);

	/* v1.30's alpha fields are dropped */
	j = req("POST", BATCH "/jobs",
		"{\"metadata\":{\"name\":\"alpha\"},\"spec\":{\"completionMode\":\"Indexed\","
		"\"completions\":2,\"managedBy\":\"example.com/mine\",\"successPolicy\":{\"rules\":"
		"[{\"succeededCount\":1}]}," JOB_SPEC("", "Never") "}}",
		201);
	ck_assert_ptr_null(ck_obj_path(j, "spec.successPolicy"));
	ck_assert_ptr_null(ck_obj_path(j, "spec.managedBy"));
	json_object_put(j);

	/* status: counts and uncountedTerminatedPods */
	expect_invalid(req("PATCH", BATCH "/jobs/pfp/status", "{\"status\":{\"failed\":-1}}", 422),
		       "status.failed: Invalid value: -1: must be greater than or equal to 0",
		       "status.failed", "FieldValueInvalid");
	json_object *st =
	    req("PATCH", BATCH "/jobs/pfp/status",
		"{\"status\":{\"uncountedTerminatedPods\":{\"succeeded\":[\"a\",\"b\"],"
		"\"failed\":[\"\",\"a\"]}}}",
		422);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(st, "details.causes")), 2);
	expect_invalid(json_object_get(st),
		       "status.uncountedTerminatedPods.failed[0]: Invalid value: \"\": must not be "
		       "empty",
		       "status.uncountedTerminatedPods.failed[0]", "FieldValueInvalid");
	expect_invalid(st, "status.uncountedTerminatedPods.failed[1]: Duplicate value: \"a\"",
		       "status.uncountedTerminatedPods.failed[1]", "FieldValueDuplicate");
	j = req(
	    "PATCH", BATCH "/jobs/pfp/status",
	    "{\"status\":{\"uncountedTerminatedPods\":{\"succeeded\":[\"a\"],\"failed\":[\"b\"]}"
	    "}}",
	    200);
	ck_assert_int_eq(
	    json_object_array_length(ck_obj_path(j, "status.uncountedTerminatedPods.failed")), 1);
	json_object_put(j);
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

START_TEST(test_hpa_behavior)
{
#define HPA_TARGET "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3"
	static const struct {
		const char *behavior, *msg, *field, *reason;
	} bad[] = {
		{ "{\"scaleUp\":{\"selectPolicy\":\"Fastest\",\"policies\":[{\"type\":\"Pods\","
		  "\"value\":1,\"periodSeconds\":1}]}}",
		  "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"Fastest\": supported "
		  "values: \"Disabled\", \"Max\", \"Min\"",
		  "spec.behavior.scaleUp.selectPolicy", "FieldValueNotSupported" },
		{ "{\"scaleDown\":{\"policies\":[{\"type\":\"Nodes\",\"value\":1,\"periodSeconds\":"
		  "1}]}}",
		  "spec.behavior.scaleDown.policies[0].type: Unsupported value: \"Nodes\": "
		  "supported values: \"Percent\", \"Pods\"",
		  "spec.behavior.scaleDown.policies[0].type", "FieldValueNotSupported" },
		{ "{\"scaleUp\":{\"policies\":[{\"type\":\"Pods\",\"periodSeconds\":1800}]}}",
		  "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than "
		  "zero",
		  "spec.behavior.scaleUp.policies[0].value", "FieldValueInvalid" },
		{ "{\"scaleUp\":{\"policies\":[{\"type\":\"Pods\",\"value\":1,\"periodSeconds\":"
		  "1801}]}}",
		  "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be "
		  "less than or equal to 1800",
		  "spec.behavior.scaleUp.policies[0].periodSeconds", "FieldValueInvalid" },
		{ "{\"scaleUp\":{\"policies\":[{\"type\":\"Percent\",\"value\":1}]}}",
		  "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: must be "
		  "greater than zero",
		  "spec.behavior.scaleUp.policies[0].periodSeconds", "FieldValueInvalid" },
		{ "{\"scaleDown\":{\"stabilizationWindowSeconds\":3601}}",
		  "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must "
		  "be "
		  "less than or equal to 3600",
		  "spec.behavior.scaleDown.stabilizationWindowSeconds", "FieldValueInvalid" },
		{ "{\"scaleDown\":{\"stabilizationWindowSeconds\":-1}}",
		  "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: must be "
		  "greater than or equal to zero",
		  "spec.behavior.scaleDown.stabilizationWindowSeconds", "FieldValueInvalid" },
		/* an explicit empty list is kept, and a Disabled direction needs a policy too */
		{ "{\"scaleDown\":{\"selectPolicy\":\"Disabled\",\"policies\":[]}}",
		  "spec.behavior.scaleDown.policies: Required value: must specify at least one "
		  "Policy",
		  "spec.behavior.scaleDown.policies", "FieldValueRequired" },
	};
	char body[1024];
	for (size_t i = 0; i < CK_ARRAY_SIZE(bad); i++) {
		snprintf(body, sizeof(body),
			 "{\"metadata\":{\"name\":\"b%zu\"},\"spec\":{" HPA_TARGET
			 ",\"behavior\":%s}}",
			 i, bad[i].behavior);
		expect_invalid(req("POST", HPA2, body, 422), bad[i].msg, bad[i].field,
			       bad[i].reason);
	}

	/* v1 carries behavior in an annotation holding upstream's internal (Go) field names */
	req_drop("POST", HPA2,
		 "{\"metadata\":{\"name\":\"beh\"},\"spec\":{" HPA_TARGET
		 ",\"behavior\":{\"scaleDown\":{\"stabilizationWindowSeconds\":60}}}}",
		 201);
	json_object *h = req("GET", HPA1 "/beh", NULL, 200);
	json_object *ann = NULL;
	ck_assert(json_object_object_get_ex(ck_obj_annotations(h),
					    "autoscaling.alpha.kubernetes.io/behavior", &ann));
	ck_assert_str_eq(
	    json_object_get_string(ann),
	    "{\"ScaleUp\":{\"StabilizationWindowSeconds\":0,\"SelectPolicy\":\"Max\","
	    "\"Policies\":[{\"Type\":\"Pods\",\"Value\":4,\"PeriodSeconds\":15},{"
	    "\"Type\":\"Percent\",\"Value\":100,\"PeriodSeconds\":15}]},\"ScaleDown\":{"
	    "\"StabilizationWindowSeconds\":60,\"SelectPolicy\":\"Max\",\"Policies\":[{"
	    "\"Type\":\"Percent\",\"Value\":100,\"PeriodSeconds\":15}]}}");
	json_object_put(h);

	/* ...read back as Go's json.Unmarshal does: any case, unknown keys ignored */
	h = req(
	    "POST", HPA1,
	    "{\"metadata\":{\"name\":\"v1b\",\"annotations\":{\"autoscaling.alpha.kubernetes."
	    "io/behavior\":\"{\\\"scaleUp\\\":{\\\"SELECTPOLICY\\\":\\\"Min\\\",\\\"Policies\\\":"
	    "[{\\\"Type\\\":\\\"Pods\\\",\\\"value\\\":2,\\\"PeriodSeconds\\\":30}],\\\"x\\\":1}}"
	    "\"}},\"spec\":{" HPA_TARGET "}}",
	    201);
	json_object_put(h);
	h = req("GET", HPA2 "/v1b", NULL, 200);
	ck_assert_str_eq(ck_test_api_str(h, "spec.behavior.scaleUp.selectPolicy"), "Min");
	json_object *pol =
	    json_object_array_get_idx(ck_obj_path(h, "spec.behavior.scaleUp.policies"), 0);
	ck_assert_int_eq(ck_test_api_num(pol, "value"), 2);
	ck_assert_int_eq(ck_test_api_num(pol, "periodSeconds"), 30);
	ck_assert_str_eq(ck_test_api_str(h, "spec.behavior.scaleDown.selectPolicy"), "Max");
	ck_assert_ptr_null(ck_obj_annotations(h));
	json_object_put(h);
	/* ...validated as v2's field... */
	expect_invalid(
	    req("POST", HPA1,
		"{\"metadata\":{\"name\":\"v1bad\",\"annotations\":{\"autoscaling.alpha.kubernetes."
		"io/behavior\":\"{\\\"ScaleUp\\\":{\\\"Policies\\\":[{\\\"Type\\\":\\\"Pods\\\","
		"\\\"Value\\\":0,\\\"PeriodSeconds\\\":30}]}}\"}},\"spec\":{" HPA_TARGET "}}",
		422),
	    "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
	    "spec.behavior.scaleUp.policies[0].value", "FieldValueInvalid");
	/* ...and dropped when it is not well-formed */
	req_drop("POST", HPA1,
		 "{\"metadata\":{\"name\":\"v1drop\",\"annotations\":{\"autoscaling.alpha."
		 "kubernetes.io/behavior\":\"{\\\"ScaleUp\\\":{\\\"StabilizationWindowSeconds\\\":"
		 "\\\"x\\\"}}\"}},\"spec\":{" HPA_TARGET "}}",
		 201);
	req_drop("POST", HPA1,
		 "{\"metadata\":{\"name\":\"v1drop2\",\"annotations\":{\"autoscaling.alpha."
		 "kubernetes.io/behavior\":\"{\\\"ScaleUp\\\":{\\\"Policies\\\":[{\\\"Type\\\":"
		 "\\\"Pods\\\",\\\"Value\\\":1.5}]}}\"}},\"spec\":{" HPA_TARGET "}}",
		 201);
	h = req("GET", HPA2 "/v1drop2", NULL, 200);
	ck_assert_ptr_null(ck_obj_path(h, "spec.behavior"));
	json_object_put(h);
	h = req("GET", HPA2 "/v1drop", NULL, 200);
	ck_assert_ptr_null(ck_obj_path(h, "spec.behavior"));
	ck_assert_ptr_null(ck_obj_annotations(h));
	json_object_put(h);
#undef HPA_TARGET
}
END_TEST

/* method base+path with a body of type ct; the answer with its headers. */
static void send_raw(const char *method, const char *path, const char *ct, const char *body,
		     struct ck_test_response *r)
{
	char url[1024];
	snprintf(url, sizeof(url), "%s%s", base, path);
	ck_assert_int_eq(ck_test_http(method, url, ct, body, "application/json", r), 0);
}

/* The answer was code and its Status message (unescaped) is msg. */
static void expect_status(struct ck_test_response *r, long code, const char *msg)
{
	json_object *st = ck_test_response_json(r);
	ck_assert_msg(r->code == code, "want %ld, got %ld: %s", code, r->code,
		      ck_buf_str(&r->body));
	ck_assert_str_eq(ck_test_api_str(st, "message"), msg);
	json_object_put(st);
}

/* r carries exactly the warnings want (NULL-terminated), in order. */
static void expect_warnings(const struct ck_test_response *r, const char *const *want)
{
	const char *at = r->headers;
	size_t n = 0;
	for (; want[n]; n++) {
		char line[512];
		snprintf(line, sizeof(line), "Warning: 299 - \"%s\"", want[n]);
		const char *hit = strstr(at, line);
		ck_assert_msg(hit != NULL, "no '%s' after '%s'", line, at);
		at = hit + strlen(line);
	}
	size_t count = 0;
	for (const char *p = r->headers; (p = strstr(p, "Warning:")); p++)
		count++;
	ck_assert_msg(count == n, "%zu warnings, want %zu: %s", count, n, r->headers);
}

START_TEST(test_duplicate_fields)
{
	static const char yaml[] = "apiVersion: apps/v1\n"
				   "kind: Deployment\n"
				   "metadata:\n"
				   "  name: %s\n"
				   "spec:\n"
				   "  paused: true\n"
				   "  paused: false\n"
				   "  selector:\n"
				   "    matchLabels: {app: web}\n"
				   "  template:\n"
				   "    metadata:\n"
				   "      labels: {app: web}\n"
				   "    spec:\n"
				   "      containers:\n"
				   "      - name: c\n"
				   "        image: nginx\n"
				   "        image: nginx:1.25\n"
				   "        extra: 1\n";
	static const char *const yaml_warnings[] = {
		"line 7: key \\\"paused\\\" already set in map",
		"line 17: key \\\"image\\\" already set in map",
		"unknown field \\\"spec.template.spec.containers[0].extra\\\"", NULL
	};
	struct ck_test_response r;
	char body[1024];
	/* YAML bodies: go-yaml's words; Strict refuses, Warn warns line by line */
	snprintf(body, sizeof(body), yaml, "y1");
	send_raw("POST", NS "/deployments?fieldValidation=Strict", "application/yaml", body, &r);
	expect_status(&r, 400,
		      "Deployment in version \"v1\" cannot be handled as a Deployment: strict "
		      "decoding error: yaml: unmarshal errors:\n  line 7: key \"paused\" already "
		      "set in map\n  line 17: key \"image\" already set in map, unknown field "
		      "\"spec.template.spec.containers[0].extra\"");
	ck_test_response_release(&r);
	send_raw("POST", NS "/deployments", "application/yaml", body, &r);
	ck_assert_int_eq(r.code, 201);
	expect_warnings(&r, yaml_warnings);
	json_object *d = ck_test_response_json(&r);
	ck_assert(!json_object_get_boolean(ck_obj_path(d, "spec.paused")));
	json_object_put(d);
	ck_test_response_release(&r);
	snprintf(body, sizeof(body), yaml, "y1");
	send_raw("PUT", NS "/deployments/y1?fieldValidation=Warn", "application/yaml", body, &r);
	ck_assert_int_eq(r.code, 200);
	expect_warnings(&r, yaml_warnings);
	ck_test_response_release(&r);
	snprintf(body, sizeof(body), yaml, "y2");
	send_raw("POST", NS "/deployments?fieldValidation=Ignore", "application/yaml", body, &r);
	ck_assert_int_eq(r.code, 201);
	static const char *const none[] = { NULL };
	expect_warnings(&r, none);
	ck_test_response_release(&r);

	/* merge and strategic merge patches: the patch's duplicates, then unknown fields */
	static const char patch[] = "{\"spec\":{\"paused\":true,\"paused\":false,\"template\":{"
				    "\"metadata\":{\"labels\":{\"app\":\"web\",\"app\":\"web\"}}},"
				    "\"bogus\":1}}";
	static const char *const patch_warnings[] = {
		"duplicate field \\\"spec.paused\\\"",
		"duplicate field \\\"spec.template.metadata.labels.app\\\"",
		"unknown field \\\"spec.bogus\\\"", NULL
	};
	static const char *const patch_types[] = { "application/merge-patch+json",
						   "application/strategic-merge-patch+json" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(patch_types); i++) {
		send_raw("PATCH", NS "/deployments/y1?fieldValidation=Strict", patch_types[i],
			 patch, &r);
		expect_status(&r, 400,
			      "strict decoding error: duplicate field \"spec.paused\", duplicate "
			      "field \"spec.template.metadata.labels.app\", unknown field "
			      "\"spec.bogus\"");
		ck_test_response_release(&r);
		send_raw("PATCH", NS "/deployments/y1", patch_types[i], patch, &r);
		ck_assert_int_eq(r.code, 200);
		expect_warnings(&r, patch_warnings);
		ck_test_response_release(&r);
	}

	/* a JSON patch: its operations' own unknown and duplicate members */
	static const char json_patch[] =
	    "[{\"op\":\"replace\",\"path\":\"/spec/paused\",\"value\":true,\"foo\":1},"
	    "{\"op\":\"replace\",\"path\":\"/spec/x\",\"path\":\"/spec/template/metadata/"
	    "labels\",\"value\":{\"app\":\"web\",\"app\":\"web\"}}]";
	send_raw("PATCH", NS "/deployments/y1?fieldValidation=Strict",
		 "application/json-patch+json", json_patch, &r);
	expect_status(&r, 400,
		      "strict decoding error: json patch unknown field \"[0].foo\", json patch "
		      "duplicate field \"[1].path\"");
	ck_test_response_release(&r);
	send_raw("PATCH", NS "/deployments/y1", "application/json-patch+json", json_patch, &r);
	ck_assert_int_eq(r.code, 200);
	static const char *const json_patch_warnings[] = {
		"json patch unknown field \\\"[0].foo\\\"",
		"json patch duplicate field \\\"[1].path\\\"", NULL
	};
	expect_warnings(&r, json_patch_warnings);
	ck_test_response_release(&r);

	/* server-side apply: yaml.UnmarshalStrict of the configuration */
	static const char apply[] = "apiVersion: apps/v1\n"
				    "kind: Deployment\n"
				    "metadata:\n"
				    "  name: y1\n"
				    "spec:\n"
				    "  paused: false\n"
				    "  paused: true\n"; /* true: as the JSON patch left it */
	send_raw("PATCH", NS "/deployments/y1?fieldManager=dup&fieldValidation=Strict",
		 "application/apply-patch+yaml", apply, &r);
	expect_status(&r, 400,
		      "error strict decoding YAML: error converting YAML to JSON: yaml: "
		      "unmarshal errors:\n  line 7: key \"paused\" already set in map");
	ck_test_response_release(&r);
	send_raw("PATCH", NS "/deployments/y1?fieldManager=dup", "application/apply-patch+yaml",
		 apply, &r);
	ck_assert_int_eq(r.code, 200);
	static const char *const apply_warnings[] = {
		"line 7: key \\\"paused\\\" already set in map", NULL
	};
	expect_warnings(&r, apply_warnings);
	ck_test_response_release(&r);
	send_raw("PATCH", NS "/deployments/y1?fieldManager=dup&fieldValidation=Ignore",
		 "application/apply-patch+yaml", apply, &r);
	ck_assert_int_eq(r.code, 200);
	expect_warnings(&r, none);
	ck_test_response_release(&r);
}
END_TEST

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

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
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
	tcase_add_test(tc, test_job_rules);
	tcase_add_test(tc, test_hpa_behavior);
	tcase_add_test(tc, test_duplicate_fields);
	tcase_add_test(tc, test_protobuf_round_trips);
	tcase_add_test(tc, test_kubectl);
	tcase_add_test(tc, test_kubectl_apply_examples);
	suite_add_tcase(s, tc);
	return s;
}
