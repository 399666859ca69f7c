/*
 * core/v1 replicationcontrollers (upstream's
 * pkg/registry/core/replicationcontroller): selector and labels defaulted
 * from the template, replicas 1, the template's PodSpec defaults;
 * ValidateReplicationController; generation; replicationcontrollers/status;
 * the `kubectl get rc` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
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
	json_object *status = json_object_new_object();
	json_object_object_add(status, "replicas", json_object_new_int(0));
	json_object_object_add(obj, "status", status);
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
	json_object *tmpl = ck_core_obj(spec, "template");
	if (!tmpl) {
		ck_field_errors_add_required(e, "spec.template", "");
		return;
	}
	json_object *labels = ck_core_obj(ck_core_obj(tmpl, "metadata"), "labels");
	if (sel && json_object_object_length(sel)) {
		/* labels.Set(selector).AsSelector().Matches(template labels) */
		bool matches = true;
		json_object_object_foreach (sel, k, val) {
			json_object *lv = ck_core_get(labels, k);
			if (!lv ||
			    !ck_streq(json_object_get_string(lv), json_object_get_string(val)))
				matches = false;
		}
		if (!matches)
			ck_field_errors_add_invalid(e, "spec.template.metadata.labels", labels,
						    "`selector` does not match template `labels`");
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.template");
	ck_core_validate_pod_template_spec(tmpl, &p, e);
	ck_buf_release(&p);
	json_object *tspec = ck_core_obj(tmpl, "spec");
	const char *rp = ck_core_str(tspec, "restartPolicy");
	if (!ck_streq(rp, "Always")) {
		static const char *const always[] = { "Always" };
		json_object *j = json_object_new_string(rp);
		ck_field_errors_add_not_supported(e, "spec.template.spec.restartPolicy", j, always,
						  1);
		json_object_put(j);
	}
	if (ck_core_get(tspec, "activeDeadlineSeconds"))
		ck_field_errors_add_forbidden(
		    e, "spec.template.spec.activeDeadlineSeconds",
		    "activeDeadlineSeconds in ReplicationController is not "
		    "Supported");
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	json_object *st = ck_core_obj(obj, "status");
	static const char *const fields[] = { "replicas", "fullyLabeledReplicas", "readyReplicas",
					      "availableReplicas", "observedGeneration" };
	int64_t vals[5] = { 0 };
	for (size_t i = 0; i < CK_ARRAY_SIZE(fields); i++) {
		char path[64];
		snprintf(path, sizeof(path), "status.%s", fields[i]);
		ck_core_int(st, fields[i], &vals[i]);
		ck_core_validate_nonnegative(vals[i], path, e);
	}
	static const char msg[] = "cannot be greater than status.replicas";
	if (vals[1] > vals[0])
		ck_field_errors_add_invalid_int(e, "status.fullyLabeledReplicas", vals[1], msg);
	if (vals[2] > vals[0])
		ck_field_errors_add_invalid_int(e, "status.readyReplicas", vals[2], msg);
	if (vals[3] > vals[0])
		ck_field_errors_add_invalid_int(e, "status.availableReplicas", vals[3], msg);
	if (vals[3] > vals[2])
		ck_field_errors_add_invalid_int(e, "status.availableReplicas", vals[3],
						"cannot be greater than readyReplicas");
}

static const char *field_text(json_object *obj, const char *field, char *out, size_t size)
{
	if (!ck_streq(field, "status.replicas"))
		return NULL;
	int64_t v = 0;
	ck_core_int(ck_core_obj(obj, "status"), "replicas", &v);
	snprintf(out, size, "%lld", (long long)v);
	return out;
}

static json_object *int_cell(json_object *o, const char *key)
{
	int64_t v = 0;
	ck_core_int(o, key, &v);
	return json_object_new_int64(v);
}

static json_object *cell_desired(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return int_cell(ck_core_obj(obj, "spec"), "replicas");
}

static json_object *cell_current(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return int_cell(ck_core_obj(obj, "status"), "replicas");
}

static json_object *cell_ready(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return int_cell(ck_core_obj(obj, "status"), "readyReplicas");
}

static json_object *cell_containers(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(
	    ck_core_obj(ck_core_obj(ck_core_obj(obj, "spec"), "template"), "spec"), "name");
}

static json_object *cell_images(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(
	    ck_core_obj(ck_core_obj(ck_core_obj(obj, "spec"), "template"), "spec"), "image");
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
	  0, cell_desired },
	{ "Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0,
	  cell_current },
	{ "Ready", "integer", "", "The number of ready replicas for this replication controller.",
	  0, cell_ready },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "Containers", "string", "", "Names of each container in the template.", 1,
	  cell_containers },
	{ "Images", "string", "", "Images referenced by each container in the template.", 1,
	  cell_images },
	{ "Selector", "string", "",
	  "Selector is a label query over pods that should match the Replicas count.", 1,
	  cell_selector },
	{ 0 },
};

static const struct ck_subresource subresources[] = {
	{ "status", CK_SUB_STATUS, CK_VERB_GET | CK_VERB_UPDATE | CK_VERB_PATCH, 0, 0, 0, NULL },
	{ 0 },
};

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(
	    ck_core_obj(ck_core_obj(ck_core_obj(obj, "spec"), "template"), "spec"), ret_msg);
}

static const char *const short_names[] = { "rc", NULL };
static const char *const categories[] = { "all", NULL };
static const char *const field_selectors[] = { "status.replicas", NULL };

const struct ck_resource ck_resource_replicationcontrollers = {
	CK_CORE("v1"),
	.resource = "replicationcontrollers",
	.singular = "replicationcontroller",
	.kind = "ReplicationController",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = categories,
	.subresources = subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.field_text = field_text,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_status_update = validate_status_update,
	.check_decode = check_decode,
};
