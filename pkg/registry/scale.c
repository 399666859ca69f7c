#include "registry/scale.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "util/common.h"
#include "util/str.h"

/* The integer at a dotted path, 0 when missing. */
static int64_t int_at(json_object *obj, const char *dotted)
{
	json_object *v = ck_obj_path(obj, dotted);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

/* The selector's string form, as upstream's Selector.String(). Owned. */
static char *selector_string(const struct ck_scale_paths *paths, json_object *obj)
{
	json_object *sel = ck_obj_path(obj, paths->selector);
	struct ck_label_selector *s = NULL;
	if (paths->selector_is_map) {
		s = ck_labels_selector_from_set(sel);
	} else {
		char *err = NULL;
		if (ck_label_selector_from_json(sel, &s, &err) < 0) {
			free(err);
			return ck_strdup("");
		}
	}
	char *out = ck_label_selector_string(s);
	ck_label_selector_free(s);
	return out;
}

static void copy_meta(json_object *dst, json_object *src, const char *field)
{
	json_object *v = ck_obj_path(ck_obj_metadata(src), field);
	if (v)
		json_object_object_add(dst, field, json_object_get(v));
}

json_object *ck_scale_from_object(const struct ck_scale_paths *paths, json_object *obj)
{
	json_object *scale = json_object_new_object();
	json_object_object_add(scale, "kind", json_object_new_string(CK_SCALE_KIND));
	json_object_object_add(scale, "apiVersion", json_object_new_string(CK_SCALE_API_VERSION));
	json_object *md = json_object_new_object();
	static const char *const fields[] = { "name", "namespace", "uid", "resourceVersion",
					      "creationTimestamp" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(fields); i++)
		copy_meta(md, obj, fields[i]);
	json_object_object_add(scale, "metadata", md);
	/* ScaleSpec.replicas is omitempty; ScaleStatus.replicas is not. */
	json_object *spec = json_object_new_object();
	int64_t want = int_at(obj, paths->spec_replicas);
	if (want)
		json_object_object_add(spec, "replicas", json_object_new_int64(want));
	json_object_object_add(scale, "spec", spec);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "replicas",
			       json_object_new_int64(int_at(obj, paths->status_replicas)));
	char *sel = selector_string(paths, obj);
	if (*sel)
		json_object_object_add(status, "selector", json_object_new_string(sel));
	free(sel);
	json_object_object_add(scale, "status", status);
	return scale;
}

int ck_scale_to_object(const struct ck_scale_paths *paths, json_object *obj, json_object *scale,
		       struct ck_field_errors *errs, json_object **ret_obj)
{
	/* ValidateScale: spec.replicas must not be negative. */
	json_object *want = ck_obj_path(scale, "spec.replicas");
	int64_t replicas = want ? json_object_get_int64(want) : 0;
	if (replicas < 0) {
		ck_field_errors_add_invalid_int(errs, "spec.replicas", replicas,
						"must be greater than or equal to 0");
		return -EINVAL;
	}
	const char *uid = ck_obj_uid(scale);
	if (uid && *uid && !ck_streq(uid, ck_obj_uid(obj)))
		return -ESTALE;
	json_object *out = ck_obj_copy(obj);
	ck_obj_set_path(out, paths->spec_replicas, json_object_new_int64(replicas));
	const char *rv = ck_obj_resource_version(scale);
	if (rv && *rv)
		ck_obj_set_meta_str(out, "resourceVersion", rv);
	*ret_obj = out;
	return 0;
}
