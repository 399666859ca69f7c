/*
 * apps/v1 replicasets (upstream's pkg/registry/apps/replicaset): replicas
 * 1 and the template's PodSpec defaults, ValidateReplicaSet with an
 * immutable selector, generation, replicasets/status and /scale, and the
 * `kubectl get rs` columns.
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
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, "spec.template"));
}

static void prepare_create(json_object *obj)
{
	defaults(obj);
	ck_workload_init_replica_status(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	defaults(obj);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t v;
	if (ck_core_int(spec, "replicas", &v))
		ck_core_validate_nonnegative(v, "spec.replicas", e);
	if (ck_core_int(spec, "minReadySeconds", &v))
		ck_core_validate_nonnegative(v, "spec.minReadySeconds", e);
	/* Upstream's wording for replicasets too. */
	struct ck_label_selector *sel = ck_workload_validate_selector(spec, "deployment", e);
	if (sel)
		ck_core_validate_controller_template(ck_core_obj(spec, "template"), sel,
						     "spec.template", "ReplicaSet", false, e);
	else
		ck_field_errors_add_invalid(e, "spec.selector", ck_core_obj(spec, "selector"),
					    "invalid label selector");
	ck_label_selector_free(sel);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	ck_workload_validate_immutable(ck_obj_path(obj, "spec.selector"),
				       ck_obj_path(old, "spec.selector"), "spec.selector", e);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, "spec.template"), ret_msg);
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Desired", "integer", "",
	  "Replicas is the number of desired replicas. This is a pointer to distinguish between "
	  "explicit zero and unspecified. Defaults to 1.",
	  0, ck_workload_cell_desired },
	{ "Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0,
	  ck_workload_cell_current },
	{ "Ready", "integer", "", "The number of ready replicas for this replica set.", 0,
	  ck_workload_cell_ready },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	CK_WORKLOAD_COLUMN_SELECTOR("Selector is a label query over pods that should match the "
				    "replica count."),
	{ 0 },
};

static const char *const short_names[] = { "rs", NULL };

const struct ck_resource ck_resource_replicasets = {
	CK_GROUP("apps", "v1"),
	.resource = "replicasets",
	.singular = "replicaset",
	.kind = "ReplicaSet",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_scalable_subresources,
	.scale = &ck_workload_scale_paths,
	.columns = columns,
	.field_selectors = ck_workload_replicas_field_selectors,
	.field_text = ck_workload_replicas_field_text,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.validate_status_update = ck_workload_validate_replica_set_status,
	.check_decode = check_decode,
};
