#include "registry/apps/workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

struct ck_label_selector *ck_workload_validate_selector(json_object *spec, const char *empty_word,
							struct ck_field_errors *errs)
{
	json_object *sel = ck_core_obj(spec, "selector");
	if (!sel) {
		ck_field_errors_add_required(errs, "spec.selector", "");
		return ck_label_selector_nothing(); /* LabelSelectorAsSelector(nil) */
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.selector");
	ck_core_validate_label_selector(sel, &p, errs);
	ck_buf_release(&p);
	size_t n = ck_core_len(ck_core_arr(sel, "matchExpressions"));
	json_object *ml = ck_core_obj(sel, "matchLabels");
	if (empty_word && n + (ml ? (size_t)json_object_object_length(ml) : 0) == 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "empty selector is invalid for %s", empty_word);
		ck_field_errors_add_invalid(errs, "spec.selector", sel, msg);
	}
	struct ck_label_selector *out = NULL;
	char *err = NULL;
	if (ck_label_selector_from_json(sel, &out, &err) < 0) {
		free(err);
		return NULL;
	}
	return out;
}

/* The percent's number when v is a valid percent string. */
static bool percent_value(json_object *v, int64_t *ret)
{
	if (!v || !json_object_is_type(v, json_type_string))
		return false;
	const char *s = json_object_get_string(v);
	char **msgs = ck_is_valid_percent(s);
	bool ok = !msgs;
	ck_strv_free(msgs);
	if (ok)
		*ret = strtoll(s, NULL, 10);
	return ok;
}

int64_t ck_workload_int_or_percent_value(json_object *v)
{
	int64_t pct;
	if (percent_value(v, &pct))
		return pct;
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

void ck_workload_validate_int_or_percent(json_object *v, const char *path,
					 struct ck_field_errors *errs)
{
	if (v && json_object_is_type(v, json_type_string)) {
		char **msgs = ck_is_valid_percent(json_object_get_string(v));
		for (size_t i = 0; msgs && msgs[i]; i++)
			ck_field_errors_add_invalid(errs, path, v, msgs[i]);
		ck_strv_free(msgs);
	} else if (v && json_object_is_type(v, json_type_int)) {
		ck_core_validate_nonnegative(json_object_get_int64(v), path, errs);
	} else if (v) {
		ck_field_errors_add_invalid(errs, path, v,
					    "must be an integer or percentage (e.g '5%')");
	}
}

void ck_workload_validate_max_100_percent(json_object *v, const char *path,
					  struct ck_field_errors *errs)
{
	int64_t pct;
	if (percent_value(v, &pct) && pct > 100)
		ck_field_errors_add_invalid(errs, path, v, "must not be greater than 100%");
}

void ck_workload_validate_immutable(json_object *new_value, json_object *old_value,
				    const char *path, struct ck_field_errors *errs)
{
	if (!ck_core_equal(new_value, old_value))
		ck_field_errors_add_invalid(errs, path, new_value, CK_FIELD_IMMUTABLE);
}

void ck_workload_default_int(json_object *o, const char *key, int64_t value)
{
	json_object *v = ck_core_get(o, key);
	if (!v || !json_object_is_type(v, json_type_int))
		json_object_object_add(o, key, json_object_new_int64(value));
}

void ck_workload_default_value(json_object *o, const char *key, json_object *value)
{
	if (ck_core_get(o, key) && !json_object_is_type(ck_core_get(o, key), json_type_null))
		json_object_put(value);
	else
		json_object_object_add(o, key, value);
}

json_object *ck_workload_pod_spec(json_object *obj, const char *template_path)
{
	json_object *t = ck_obj_path(obj, template_path);
	return ck_core_obj(t, "spec");
}

void ck_workload_validate_collision_count(json_object *obj, json_object *old,
					  struct ck_field_errors *errs)
{
	int64_t now = 0, before = 0;
	if (ck_core_int(ck_core_obj(old, "status"), "collisionCount", &before) &&
	    (!ck_core_int(ck_core_obj(obj, "status"), "collisionCount", &now) || now < before))
		ck_field_errors_add_invalid_int(errs, "status.collisionCount", now,
						"cannot be decremented");
}

const struct ck_scale_paths ck_workload_scale_paths = {
	.spec_replicas = "spec.replicas",
	.status_replicas = "status.replicas",
	.selector = "spec.selector",
};

const struct ck_subresource ck_workload_scalable_subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ "scale", CK_SUB_SCALE, CK_VERB_GET | CK_VERB_UPDATE | CK_VERB_PATCH, "autoscaling", "v1",
	  .kind_name = "Scale" },
	{ 0 },
};

const struct ck_subresource ck_workload_status_subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

const char *const ck_workload_categories[] = { "all", NULL };

void ck_workload_validate_template_labels(json_object *obj, json_object *selobj,
					  struct ck_field_errors *errs)
{
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	if (!selobj)
		sel = ck_label_selector_nothing();
	else if (ck_label_selector_from_json(selobj, &sel, &err) < 0)
		free(err);
	json_object *labels = ck_obj_path(obj, "spec.template.metadata.labels");
	if (sel && !ck_label_selector_matches(sel, labels))
		ck_field_errors_add_invalid(errs, "spec.template.metadata.labels", labels,
					    "`selector` does not match template `labels`");
	ck_label_selector_free(sel);
}

void ck_workload_init_replica_status(json_object *obj)
{
	json_object *status = json_object_new_object();
	json_object_object_add(status, "replicas", json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

void ck_workload_validate_replica_set_status(json_object *obj, json_object *old,
					     struct ck_field_errors *errs)
{
	(void)old;
	static const char *const nonneg[] = { "replicas",	    "fullyLabeledReplicas",
					      "readyReplicas",	    "availableReplicas",
					      "observedGeneration", NULL };
	static const char *const le[] = { "fullyLabeledReplicas", "readyReplicas",
					  "availableReplicas", NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, le,
					"cannot be greater than readyReplicas", errs);
}

/* ReplicaSetToSelectableFields, ControllerToSelectableFields. */
const char *ck_workload_replicas_field_text(json_object *obj, const char *field, char *out,
					    size_t size)
{
	return ck_streq(field, "status.replicas") ? ck_core_count_text(obj, field, out, size)
						  : NULL;
}

const char *const ck_workload_replicas_field_selectors[] = { "status.replicas", NULL };

json_object *ck_workload_cell_desired(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "spec.replicas");
}

json_object *ck_workload_cell_current(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.replicas");
}

json_object *ck_workload_cell_ready(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.readyReplicas");
}

json_object *ck_workload_cell_int(json_object *obj, const char *dotted)
{
	json_object *v = ck_obj_path(obj, dotted);
	return json_object_new_int64(
	    v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0);
}

json_object *ck_workload_cell_ratio(json_object *obj, const char *num, const char *den)
{
	json_object *a = ck_obj_path(obj, num), *b = ck_obj_path(obj, den);
	char out[64];
	snprintf(out, sizeof(out), "%lld/%lld", a ? (long long)json_object_get_int64(a) : 0LL,
		 b ? (long long)json_object_get_int64(b) : 0LL);
	return json_object_new_string(out);
}

json_object *ck_workload_cell_selector(json_object *obj, const char *dotted)
{
	struct ck_label_selector *s = NULL;
	char *err = NULL;
	if (ck_label_selector_from_json(ck_obj_path(obj, dotted), &s, &err) < 0) {
		free(err);
		return json_object_new_string("<invalid>");
	}
	char *str = ck_label_selector_string(s);
	ck_label_selector_free(s);
	json_object *out = json_object_new_string(str);
	free(str);
	return out;
}

json_object *ck_workload_cell_containers(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_workload_pod_spec(obj, "spec.template"), "name");
}

json_object *ck_workload_cell_images(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_workload_pod_spec(obj, "spec.template"),
						"image");
}

json_object *ck_workload_cell_spec_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_selector(obj, "spec.selector");
}
