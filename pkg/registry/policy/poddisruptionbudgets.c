/*
 * policy/v1 poddisruptionbudgets (upstream's
 * pkg/registry/policy/poddisruptionbudget and pkg/apis/policy/validation):
 * minAvailable or maxUnavailable (not both) as a non-negative integer or a
 * percentage up to 100%, a valid selector, unhealthyPodEvictionPolicy
 * IfHealthyBudget or AlwaysAllow; status starts at zeros and changes only
 * through poddisruptionbudgets/status, where its counts may not be negative;
 * generation; the `kubectl get pdb` columns.
 */
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

static const char *const status_counts[] = { "disruptionsAllowed", "currentHealthy",
					     "desiredHealthy", "expectedPods" };

static void prepare_create(json_object *obj)
{
	/* upstream resets the status, whose counts its JSON always writes */
	json_object *status = json_object_new_object();
	for (size_t i = 0; i < CK_ARRAY_SIZE(status_counts); i++)
		json_object_object_add(status, status_counts[i], json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *min = ck_core_get(spec, "minAvailable"),
		    *max = ck_core_get(spec, "maxUnavailable");
	if (min && max)
		ck_field_errors_add_invalid(errs, "spec", spec,
					    "minAvailable and maxUnavailable cannot be both set");
	if (min) {
		ck_workload_validate_int_or_percent(min, "spec.minAvailable", errs);
		ck_workload_validate_max_100_percent(min, "spec.minAvailable", errs);
	}
	if (max) {
		ck_workload_validate_int_or_percent(max, "spec.maxUnavailable", errs);
		ck_workload_validate_max_100_percent(max, "spec.maxUnavailable", errs);
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.selector");
	ck_core_validate_label_selector(ck_core_obj(spec, "selector"), &p, errs);
	ck_buf_release(&p);
	json_object *policy = ck_core_get(spec, "unhealthyPodEvictionPolicy");
	if (policy) {
		static const char *const valid[] = { "AlwaysAllow", "IfHealthyBudget" };
		const char *s = json_object_get_string(policy);
		if (!ck_streq(s, valid[0]) && !ck_streq(s, valid[1]))
			ck_field_errors_add_not_supported(errs, "spec.unhealthyPodEvictionPolicy",
							  policy, valid, CK_ARRAY_SIZE(valid));
	}
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	(void)old;
	json_object *status = ck_core_obj(obj, "status");
	char path[64];
	for (size_t i = 0; i < CK_ARRAY_SIZE(status_counts); i++) {
		int64_t v;
		snprintf(path, sizeof(path), "status.%s", status_counts[i]);
		if (ck_core_int(status, status_counts[i], &v))
			ck_core_validate_nonnegative(v, path, errs);
	}
}

/* IntOrString.String(), or "N/A" when unset. */
static json_object *cell_int_or_string(json_object *obj, const char *field)
{
	json_object *v = ck_core_get(ck_core_obj(obj, "spec"), field);
	return json_object_new_string(v ? json_object_get_string(v) : "N/A");
}

static json_object *cell_min(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_int_or_string(obj, "minAvailable");
}

static json_object *cell_max(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_int_or_string(obj, "maxUnavailable");
}

static json_object *cell_allowed(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.disruptionsAllowed");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Min Available", "string", "",
	  "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will "
	  "still be available after the eviction, i.e. even in the absence of the evicted pod.",
	  0, cell_min },
	{ "Max Unavailable", "string", "",
	  "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are "
	  "unavailable after the eviction.",
	  0, cell_max },
	{ "Allowed Disruptions", "integer", "",
	  "Number of pod disruptions that are currently allowed.", 0, cell_allowed },
	CK_COLUMN_AGE,
	{ 0 },
};

static const char *const short_names[] = { "pdb", NULL };

const struct ck_resource ck_resource_poddisruptionbudgets = {
	CK_GROUP("policy", "v1"),
	.resource = "poddisruptionbudgets",
	.singular = "poddisruptionbudget",
	.kind = "PodDisruptionBudget",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.subresources = ck_workload_status_subresources,
	.columns = columns,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.validate = validate,
	.validate_status_update = validate_status_update,
};
