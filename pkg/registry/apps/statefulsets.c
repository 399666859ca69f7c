/*
 * apps/v1 statefulsets (upstream's pkg/registry/apps/statefulset): defaults
 * (replicas 1, podManagementPolicy OrderedReady, RollingUpdate with
 * partition 0, revisionHistoryLimit 10, PVC retention Retain/Retain, claim
 * templates' volumeMode and phase, the template's PodSpec),
 * ValidateStatefulSet and its update rules (only replicas, ordinals,
 * template, updateStrategy, persistentVolumeClaimRetentionPolicy and
 * minReadySeconds may change), generation, statefulsets/status and /scale,
 * and the `kubectl get sts` columns.
 */
#include <stdio.h>

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

static void defaults(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_core_default_str(spec, "podManagementPolicy", "OrderedReady");
	json_object *us = ck_core_ensure_obj(spec, "updateStrategy");
	ck_core_default_str(us, "type", "RollingUpdate");
	if (ck_streq(ck_core_str(us, "type"), "RollingUpdate"))
		ck_workload_default_int(ck_core_ensure_obj(us, "rollingUpdate"), "partition", 0);
	json_object *retention = ck_core_ensure_obj(spec, "persistentVolumeClaimRetentionPolicy");
	ck_core_default_str(retention, "whenDeleted", "Retain");
	ck_core_default_str(retention, "whenScaled", "Retain");
	ck_workload_default_int(spec, "replicas", 1);
	ck_workload_default_int(spec, "revisionHistoryLimit", 10);
	json_object *claims = ck_core_arr(spec, "volumeClaimTemplates");
	for (size_t i = 0; i < ck_core_len(claims); i++) {
		json_object *c = ck_core_at(claims, i);
		if (!json_object_is_type(c, json_type_object))
			continue;
		ck_core_default_str(ck_core_ensure_obj(c, "spec"), "volumeMode", "Filesystem");
		ck_core_default_str(ck_core_ensure_obj(c, "status"), "phase", "Pending");
	}
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, "spec.template"));
}

static void prepare_create(json_object *obj)
{
	defaults(obj);
	/* StatefulSetStatus.replicas and .availableReplicas are not omitempty. */
	json_object *status = json_object_new_object();
	json_object_object_add(status, "replicas", json_object_new_int(0));
	json_object_object_add(status, "availableReplicas", json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	defaults(obj);
}

static void validate_update_strategy(json_object *spec, struct ck_field_errors *e)
{
	json_object *us = ck_core_obj(spec, "updateStrategy");
	const char *type = ck_core_str(us, "type");
	json_object *ru = ck_core_obj(us, "rollingUpdate");
	static const char ru_path[] = "spec.updateStrategy.rollingUpdate";
	if (!*type) {
		ck_field_errors_add_required(e, "spec.updateStrategy", "");
	} else if (ck_streq(type, "OnDelete")) {
		if (ru)
			ck_field_errors_add_invalid(
			    e, ru_path, ru, "only allowed for updateStrategy 'RollingUpdate'");
	} else if (ck_streq(type, "RollingUpdate")) {
		int64_t v;
		if (ck_core_int(ru, "partition", &v))
			ck_core_validate_nonnegative(
			    v, "spec.updateStrategy.rollingUpdate.partition", e);
		json_object *mu = ck_core_get(ru, "maxUnavailable");
		if (mu) {
			static const char mu_path[] =
			    "spec.updateStrategy.rollingUpdate.maxUnavailable";
			ck_workload_validate_int_or_percent(mu, mu_path, e);
			if (!ck_workload_int_or_percent_value(mu))
				ck_field_errors_add_invalid(e, mu_path, mu, "cannot be 0");
			ck_workload_validate_max_100_percent(mu, mu_path, e);
		}
	} else {
		ck_field_errors_add_invalid(e, "spec.updateStrategy", us,
					    "must be 'RollingUpdate' or 'OnDelete'");
	}
}

static void validate_retention(json_object *spec, struct ck_field_errors *e)
{
	json_object *policy = ck_core_obj(spec, "persistentVolumeClaimRetentionPolicy");
	static const char *const fields[] = { "whenDeleted", "whenScaled" };
	static const char *const valid[] = { "Retain", "Delete" };
	for (size_t i = 0; policy && i < CK_ARRAY_SIZE(fields); i++) {
		json_object *v = ck_core_get(policy, fields[i]);
		const char *s = ck_core_str(policy, fields[i]);
		if (ck_streq(s, "Retain") || ck_streq(s, "Delete"))
			continue;
		char path[96];
		snprintf(path, sizeof(path), "spec.persistentVolumeClaimRetentionPolicy.%s",
			 fields[i]);
		json_object *empty = v ? NULL : json_object_new_string("");
		ck_field_errors_add_not_supported(e, path, v ? v : empty, valid, 2);
		json_object_put(empty);
	}
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	const char *pmp = ck_core_str(spec, "podManagementPolicy");
	if (!*pmp)
		ck_field_errors_add_required(e, "spec.podManagementPolicy", "");
	else if (!ck_streq(pmp, "OrderedReady") && !ck_streq(pmp, "Parallel"))
		ck_field_errors_add_invalid_str(e, "spec.podManagementPolicy", pmp,
						"must be 'OrderedReady' or 'Parallel'");
	validate_update_strategy(spec, e);
	validate_retention(spec, e);
	int64_t v;
	if (ck_core_int(spec, "replicas", &v))
		ck_core_validate_nonnegative(v, "spec.replicas", e);
	if (ck_core_int(spec, "minReadySeconds", &v))
		ck_core_validate_nonnegative(v, "spec.minReadySeconds", e);
	if (ck_core_int(ck_core_obj(spec, "ordinals"), "start", &v))
		ck_core_validate_nonnegative(v, "spec.ordinals.start", e);
	struct ck_label_selector *sel = ck_workload_validate_selector(spec, "statefulset", e);
	if (sel) {
		/* Only the template's metadata: its volumes may name claim templates. */
		ck_core_validate_controller_template(ck_core_obj(spec, "template"), sel,
						     "spec.template", "StatefulSet", true, e);
	} else {
		ck_field_errors_add_invalid(e, "spec.selector", ck_core_obj(spec, "selector"), "");
	}
	ck_label_selector_free(sel);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	static const char *const mutable_fields[] = {
		"replicas",	   "template", "updateStrategy",
		"minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy",
	};
	json_object *a = ck_obj_copy(ck_core_obj(obj, "spec")),
		    *b = ck_obj_copy(ck_core_obj(old, "spec"));
	for (size_t i = 0; i < CK_ARRAY_SIZE(mutable_fields); i++) {
		if (a)
			json_object_object_del(a, mutable_fields[i]);
		if (b)
			json_object_object_del(b, mutable_fields[i]);
	}
	if (!ck_core_equal(a, b))
		ck_field_errors_add_forbidden(
		    e, "spec",
		    "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
		    "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
		    "'minReadySeconds' are forbidden");
	json_object_put(a);
	json_object_put(b);
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	static const char *const nonneg[] = { "replicas",	   "readyReplicas",
					      "currentReplicas",   "updatedReplicas",
					      "availableReplicas", "observedGeneration",
					      "collisionCount",	   NULL };
	static const char *const le[] = { "readyReplicas", "currentReplicas", "updatedReplicas",
					  "availableReplicas", NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, le,
					"cannot be greater than status.readyReplicas", e);
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

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Ready", "string", "", "Number of the pod with ready state", 0, cell_ready },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	{ 0 },
};

static const char *const short_names[] = { "sts", NULL };

const struct ck_resource ck_resource_statefulsets = {
	CK_GROUP("apps", "v1"),
	.resource = "statefulsets",
	.singular = "statefulset",
	.kind = "StatefulSet",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_scalable_subresources,
	.scale = &ck_workload_scale_paths,
	.columns = columns,
	.name_rule = CK_NAME_DNS_LABEL,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.validate_status_update = validate_status_update,
	.check_decode = check_decode,
};
