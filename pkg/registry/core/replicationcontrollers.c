/*
 * core/v1 replicationcontrollers (upstream's
 * pkg/registry/core/replicationcontroller): selector and labels defaulted
 * from the template, replicas 1, the template's PodSpec defaults;
 * ValidateReplicationController; generation; replicationcontrollers/status
 * and /scale;
 * the `kubectl get rc` columns.
 */
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "registry/apps/workload.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static void default_rc(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	json_object *tmpl = ck_core_obj(spec, "template");
	json_object *labels = ck_core_obj(ck_core_obj(tmpl, "metadata"), "labels");
	if (labels) {
		json_object *sel = ck_core_obj(spec, "selector");
		if (!sel || !json_object_object_length(sel))
			json_object_object_add(spec, "selector", ck_obj_copy(labels));
		json_object *ol = ck_obj_labels(obj);
		if (!ol || !json_object_object_length(ol))
			json_object_object_add(ck_obj_metadata(obj), "labels", ck_obj_copy(labels));
	}
	if (!ck_core_get(spec, "replicas"))
		json_object_object_add(spec, "replicas", json_object_new_int(1));
	ck_core_default_pod_spec(ck_core_obj(tmpl, "spec"));
}

static void prepare_create(json_object *obj)
{
	default_rc(obj);
	ck_workload_init_replica_status(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_rc(obj);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t v;
	if (ck_core_int(spec, "minReadySeconds", &v))
		ck_core_validate_nonnegative(v, "spec.minReadySeconds", e);
	json_object *sel = ck_core_obj(spec, "selector");
	if (!sel || !json_object_object_length(sel))
		ck_field_errors_add_required(e, "spec.selector", "");
	if (ck_core_int(spec, "replicas", &v))
		ck_core_validate_nonnegative(v, "spec.replicas", e);
	/* ValidatePodTemplateSpecForRC: an empty selector is not checked. */
	struct ck_label_selector *ls = ck_labels_selector_from_set(sel);
	ck_core_validate_controller_template(ck_core_obj(spec, "template"), ls, "spec.template",
					     "ReplicationController", false, e);
	ck_label_selector_free(ls);
}

static json_object *cell_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_labels(ck_core_obj(ck_core_obj(obj, "spec"), "selector"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Desired", "integer", "",
	  "Replicas is the number of desired replicas. This is a pointer to distinguish between "
	  "explicit zero and unspecified. Defaults to 1.",
	  0, ck_workload_cell_desired },
	{ "Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0,
	  ck_workload_cell_current },
	{ "Ready", "integer", "", "The number of ready replicas for this replication controller.",
	  0, ck_workload_cell_ready },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	{ "Selector", "string", "",
	  "Selector is a label query over pods that should match the Replicas count.", 1,
	  cell_selector },
	{ 0 },
};

static const struct ck_scale_paths scale_paths = {
	.spec_replicas = "spec.replicas",
	.status_replicas = "status.replicas",
	.selector = "spec.selector",
	.selector_is_map = true,
};

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, "spec.template"), ret_msg);
}

static const char *const short_names[] = { "rc", NULL };

const struct ck_resource ck_resource_replicationcontrollers = {
	CK_CORE("v1"),
	.resource = "replicationcontrollers",
	.singular = "replicationcontroller",
	.kind = "ReplicationController",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_scalable_subresources,
	.scale = &scale_paths,
	.columns = columns,
	.field_selectors = ck_workload_replicas_field_selectors,
	.field_text = ck_workload_replicas_field_text,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_status_update = ck_workload_validate_replica_set_status,
	.check_decode = check_decode,
};
