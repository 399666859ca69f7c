/*
 * apps/v1 deployments (upstream's pkg/registry/apps/deployment): defaults
 * (replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600, the template's PodSpec), ValidateDeployment
 * with an immutable selector, generation (spec and annotations),
 * deployments/status and /scale, and the `kubectl get deployments` columns.
 */
#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "registry/apps/workload.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/str.h"

static void defaults(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_workload_default_int(spec, "replicas", 1);
	json_object *strategy = ck_core_ensure_obj(spec, "strategy");
	ck_core_default_str(strategy, "type", "RollingUpdate");
	if (ck_streq(ck_core_str(strategy, "type"), "RollingUpdate")) {
		json_object *ru = ck_core_ensure_obj(strategy, "rollingUpdate");
		ck_workload_default_value(ru, "maxUnavailable", json_object_new_string("25%"));
		ck_workload_default_value(ru, "maxSurge", json_object_new_string("25%"));
	}
	ck_workload_default_int(spec, "revisionHistoryLimit", 10);
	ck_workload_default_int(spec, "progressDeadlineSeconds", 600);
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, "spec.template"));
}

static void prepare_create(json_object *obj)
{
	defaults(obj);
	json_object_object_add(obj, "status", json_object_new_object());
}

static void prepare_update(json_object *obj, json_object *old)
{
	defaults(obj);
	/* Upstream also counts annotation changes (the rollback annotation). */
	if (!ck_core_equal(ck_obj_annotations(obj), ck_obj_annotations(old))) {
		json_object *g = ck_obj_path(old, "metadata.generation");
		json_object_object_add(
		    ck_obj_metadata(obj), "generation",
		    json_object_new_int64((g ? json_object_get_int64(g) : 0) + 1));
	}
}

static void validate_strategy(json_object *spec, struct ck_field_errors *e)
{
	json_object *strategy = ck_core_obj(spec, "strategy");
	const char *type = ck_core_str(strategy, "type");
	json_object *ru = ck_core_obj(strategy, "rollingUpdate");
	if (ck_streq(type, "Recreate")) {
		if (ru)
			ck_field_errors_add_forbidden(
			    e, "spec.strategy.rollingUpdate",
			    "may not be specified when strategy `type` is 'Recreate'");
	} else if (ck_streq(type, "RollingUpdate")) {
		if (!ru) {
			ck_field_errors_add_required(e, "spec.strategy.rollingUpdate",
						     "this should be defaulted and never be nil");
			return;
		}
		json_object *mu = ck_core_get(ru, "maxUnavailable"),
			    *ms = ck_core_get(ru, "maxSurge");
		ck_workload_validate_int_or_percent(
		    mu, "spec.strategy.rollingUpdate.maxUnavailable", e);
		ck_workload_validate_int_or_percent(ms, "spec.strategy.rollingUpdate.maxSurge", e);
		if (!ck_workload_int_or_percent_value(mu) && !ck_workload_int_or_percent_value(ms))
			ck_field_errors_add_invalid(e, "spec.strategy.rollingUpdate.maxUnavailable",
						    mu, "may not be 0 when `maxSurge` is 0");
		ck_workload_validate_max_100_percent(
		    mu, "spec.strategy.rollingUpdate.maxUnavailable", e);
	} else {
		static const char *const valid[] = { "Recreate", "RollingUpdate" };
		ck_field_errors_add_not_supported(e, "spec.strategy", strategy, valid, 2);
	}
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t v, min_ready = 0;
	if (ck_core_int(spec, "replicas", &v))
		ck_core_validate_nonnegative(v, "spec.replicas", e);
	struct ck_label_selector *sel = ck_workload_validate_selector(spec, "deployment", e);
	if (sel)
		ck_core_validate_controller_template(ck_core_obj(spec, "template"), sel,
						     "spec.template", "ReplicaSet", false, e);
	else
		ck_field_errors_add_invalid(e, "spec.selector", ck_core_obj(spec, "selector"),
					    "invalid label selector");
	ck_label_selector_free(sel);
	validate_strategy(spec, e);
	if (ck_core_int(spec, "minReadySeconds", &min_ready))
		ck_core_validate_nonnegative(min_ready, "spec.minReadySeconds", e);
	if (ck_core_int(spec, "revisionHistoryLimit", &v))
		ck_core_validate_nonnegative(v, "spec.revisionHistoryLimit", e);
	if (ck_core_int(spec, "progressDeadlineSeconds", &v)) {
		ck_core_validate_nonnegative(v, "spec.progressDeadlineSeconds", e);
		if (v <= min_ready)
			ck_field_errors_add_invalid_int(e, "spec.progressDeadlineSeconds", v,
							"must be greater than minReadySeconds");
	}
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	ck_workload_validate_immutable(ck_obj_path(obj, "spec.selector"),
				       ck_obj_path(old, "spec.selector"), "spec.selector", e);
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	static const char *const nonneg[] = { "observedGeneration", "replicas",
					      "updatedReplicas",    "readyReplicas",
					      "availableReplicas",  "unavailableReplicas",
					      "collisionCount",	    NULL };
	static const char *const le[] = { "updatedReplicas", "readyReplicas", "availableReplicas",
					  NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, le,
					"cannot be greater than readyReplicas", e);
	ck_workload_validate_collision_count(obj, old, e);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, "spec.template"), ret_msg);
}

static json_object *cell_ready(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_ratio(obj, "status.readyReplicas", "spec.replicas");
}

static json_object *cell_updated(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.updatedReplicas");
}

static json_object *cell_available(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.availableReplicas");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Ready", "string", "", "Number of the pod with ready state", 0, cell_ready },
	{ "Up-to-date", "string", "",
	  "Total number of non-terminated pods targeted by this deployment that have the desired "
	  "template spec.",
	  0, cell_updated },
	{ "Available", "string", "",
	  "Total number of available pods (ready for at least minReadySeconds) targeted by this "
	  "deployment.",
	  0, cell_available },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	CK_WORKLOAD_COLUMN_SELECTOR("Label selector for pods. Existing ReplicaSets whose pods are "
				    "selected by this will be the ones affected by this "
				    "deployment."),
	{ 0 },
};

static const char *const short_names[] = { "deploy", NULL };

const struct ck_resource ck_resource_deployments = {
	CK_GROUP("apps", "v1"),
	.resource = "deployments",
	.singular = "deployment",
	.kind = "Deployment",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_scalable_subresources,
	.scale = &ck_workload_scale_paths,
	.columns = columns,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.validate_status_update = validate_status_update,
	.check_decode = check_decode,
};
