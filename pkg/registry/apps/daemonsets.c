/*
 * apps/v1 daemonsets (upstream's pkg/registry/apps/daemonset): defaults
 * (RollingUpdate with maxUnavailable 1 and maxSurge 0,
 * revisionHistoryLimit 10, the template's PodSpec), ValidateDaemonSet with
 * an immutable selector, generation, daemonsets/status, and the `kubectl
 * get ds` columns.
 */
#include <stdlib.h>

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
	json_object *us = ck_core_ensure_obj(spec, "updateStrategy");
	ck_core_default_str(us, "type", "RollingUpdate");
	if (ck_streq(ck_core_str(us, "type"), "RollingUpdate")) {
		json_object *ru = ck_core_ensure_obj(us, "rollingUpdate");
		ck_workload_default_value(ru, "maxUnavailable", json_object_new_int(1));
		ck_workload_default_value(ru, "maxSurge", json_object_new_int(0));
	}
	ck_workload_default_int(spec, "revisionHistoryLimit", 10);
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, "spec.template"));
}

static void prepare_create(json_object *obj)
{
	defaults(obj);
	/* The four counts of DaemonSetStatus that are not omitempty. */
	static const char *const counts[] = { "currentNumberScheduled", "numberMisscheduled",
					      "desiredNumberScheduled", "numberReady", NULL };
	json_object *status = json_object_new_object();
	for (size_t i = 0; counts[i]; i++)
		json_object_object_add(status, counts[i], json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	defaults(obj);
}

static void validate_rolling_update(json_object *ru, struct ck_field_errors *e)
{
	static const char mu_path[] = "spec.updateStrategy.rollingUpdate.maxUnavailable";
	static const char ms_path[] = "spec.updateStrategy.rollingUpdate.maxSurge";
	json_object *mu = ck_core_get(ru, "maxUnavailable"), *ms = ck_core_get(ru, "maxSurge");
	ck_workload_validate_int_or_percent(mu, mu_path, e);
	ck_workload_validate_int_or_percent(ms, ms_path, e);
	ck_workload_validate_max_100_percent(mu, mu_path, e);
	ck_workload_validate_max_100_percent(ms, ms_path, e);
	bool unavailable = ck_workload_int_or_percent_value(mu) != 0;
	bool surge = ck_workload_int_or_percent_value(ms) != 0;
	if (unavailable && surge)
		ck_field_errors_add_invalid(e, ms_path, ms,
					    "may not be set when maxUnavailable is non-zero");
	else if (!unavailable && !surge)
		ck_field_errors_add_required(e, mu_path, "cannot be 0 when maxSurge is 0");
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *selobj = ck_core_obj(spec, "selector");
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.selector");
	ck_core_validate_label_selector(selobj, &p, e);
	ck_buf_release(&p);
	/* ValidateDaemonSetSpec: no selector reads as one matching nothing. */
	ck_workload_validate_template_labels(obj, selobj, e);
	if (selobj && !ck_core_len(ck_core_arr(selobj, "matchExpressions")) &&
	    !(ck_core_obj(selobj, "matchLabels") &&
	      json_object_object_length(ck_core_obj(selobj, "matchLabels"))))
		ck_field_errors_add_invalid(e, "spec.selector", selobj,
					    "empty selector is invalid for daemonset");
	/* The selector was checked above: the template's own rules only. */
	ck_core_validate_controller_template(ck_core_obj(spec, "template"), NULL, "spec.template",
					     "DaemonSet", false, e);
	int64_t v;
	if (ck_core_int(spec, "minReadySeconds", &v))
		ck_core_validate_nonnegative(v, "spec.minReadySeconds", e);
	json_object *us = ck_core_obj(spec, "updateStrategy");
	const char *type = ck_core_str(us, "type");
	if (ck_streq(type, "RollingUpdate")) {
		json_object *ru = ck_core_obj(us, "rollingUpdate");
		if (!ru)
			ck_field_errors_add_required(e, "spec.updateStrategy.rollingUpdate", "");
		else
			validate_rolling_update(ru, e);
	} else if (!ck_streq(type, "OnDelete")) {
		static const char *const valid[] = { "RollingUpdate", "OnDelete" };
		ck_field_errors_add_not_supported(e, "spec.updateStrategy", us, valid, 2);
	}
	if (ck_core_int(spec, "revisionHistoryLimit", &v))
		ck_core_validate_nonnegative(v, "spec.revisionHistoryLimit", e);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	ck_workload_validate_immutable(ck_obj_path(obj, "spec.selector"),
				       ck_obj_path(old, "spec.selector"), "spec.selector", e);
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	static const char *const nonneg[] = {
		"currentNumberScheduled", "numberMisscheduled",
		"desiredNumberScheduled", "numberReady",
		"observedGeneration",	  "updatedNumberScheduled",
		"numberAvailable",	  "numberUnavailable",
		"collisionCount",	  NULL,
	};
	static const char *const none[] = { NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, none, NULL, e);
	ck_workload_validate_collision_count(obj, old, e);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, "spec.template"), ret_msg);
}

#define STATUS_CELL(fn, field)                                     \
	static json_object *fn(json_object *obj, int64_t now_ns)   \
	{                                                          \
		(void)now_ns;                                      \
		return ck_workload_cell_int(obj, "status." field); \
	}
STATUS_CELL(cell_desired, "desiredNumberScheduled")
STATUS_CELL(cell_current, "currentNumberScheduled")
STATUS_CELL(cell_ready, "numberReady")
STATUS_CELL(cell_updated, "updatedNumberScheduled")
STATUS_CELL(cell_available, "numberAvailable")

static json_object *cell_node_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_labels(
	    ck_core_obj(ck_workload_pod_spec(obj, "spec.template"), "nodeSelector"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Desired", "integer", "",
	  "The total number of nodes that should be running the daemon pod (including nodes "
	  "correctly running the daemon pod).",
	  0, cell_desired },
	{ "Current", "integer", "",
	  "The number of nodes that are running at least 1 daemon pod and are supposed to run "
	  "the daemon pod.",
	  0, cell_current },
	{ "Ready", "integer", "",
	  "The number of nodes that should be running the daemon pod and have one or more of the "
	  "daemon pod running and ready.",
	  0, cell_ready },
	{ "Up-to-date", "integer", "",
	  "The total number of nodes that are running updated daemon pod", 0, cell_updated },
	{ "Available", "integer", "",
	  "The number of nodes that should be running the daemon pod and have one or more of the "
	  "daemon pod running and available (ready for at least spec.minReadySeconds)",
	  0, cell_available },
	{ "Node Selector", "string", "",
	  "NodeSelector is a selector which must be true for the pod to fit on a node.", 0,
	  cell_node_selector },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	CK_WORKLOAD_COLUMN_SELECTOR("A label query over pods that are managed by the daemon set."),
	{ 0 },
};

static const char *const short_names[] = { "ds", NULL };

const struct ck_resource ck_resource_daemonsets = {
	CK_GROUP("apps", "v1"),
	.resource = "daemonsets",
	.singular = "daemonset",
	.kind = "DaemonSet",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_status_subresources,
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
