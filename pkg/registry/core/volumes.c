/*
 * Shared persistentvolume and persistentvolumeclaim rules and cells (see
 * volumes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "registry/core/volumes.h"
#include "util/buf.h"
#include "util/str.h"

static const char *const access_modes[] = { "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
					    "ReadWriteOncePod" };
const char *const ck_core_volume_modes[2] = { "Block", "Filesystem" };
const char ck_core_beta_storage_class_annotation[] = "volume.beta.kubernetes.io/storage-class";

bool ck_core_str_in(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ck_streq(v, set[i]))
			return true;
	return false;
}

const char *ck_core_sval(json_object *v)
{
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* accessModes: supported values, and ReadWriteOncePod alone. */
void ck_core_validate_access_modes(json_object *modes, const char *path, struct ck_field_errors *e)
{
	bool rwop = false, other = false;
	for (size_t i = 0; i < ck_core_len(modes); i++) {
		json_object *m = ck_core_at(modes, i);
		const char *s = ck_core_sval(m);
		bool ok = ck_core_str_in(s, access_modes, 4);
		if (!ok)
			ck_field_errors_add_not_supported(e, path, m, access_modes, 4);
		if (ck_streq(s, "ReadWriteOncePod"))
			rwop = true;
		else if (ok)
			other = true;
	}
	if (rwop && other)
		ck_field_errors_add_forbidden(
		    e, path, "may not use ReadWriteOncePod with other access modes");
}

void ck_core_validate_storage_class(json_object *v, const char *path, struct ck_field_errors *e)
{
	const char *s = ck_core_sval(v);
	if (*s)
		ck_core_add_msgs(e, path, s, ck_name_is_dns_subdomain(s, false));
}

/* GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
json_object *ck_core_access_modes_string(json_object *modes)
{
	static const char *const order[][2] = { { "ReadWriteOnce", "RWO" },
						{ "ReadOnlyMany", "ROX" },
						{ "ReadWriteMany", "RWX" },
						{ "ReadWriteOncePod", "RWOP" } };
	struct ck_buf b = CK_BUF_INIT;
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 0; i < ck_core_len(modes); i++) {
			if (ck_streq(ck_core_sval(ck_core_at(modes, i)), order[k][0])) {
				ck_buf_addf(&b, "%s%s", b.len ? "," : "", order[k][1]);
				break;
			}
		}
	}
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

json_object *ck_core_quantity_cell(json_object *list, const char *key)
{
	struct ck_quantity q;
	memset(&q, 0, sizeof(q));
	json_object *v = ck_core_get(list, key);
	if (v)
		ck_quantity_from_json(v, &q);
	char *s = ck_quantity_to_string(&q);
	json_object *out = json_object_new_string(s);
	free(s);
	return out;
}

static json_object *phase_or_terminating(json_object *obj)
{
	if (ck_core_get(ck_core_obj(obj, "metadata"), "deletionTimestamp"))
		return json_object_new_string("Terminating");
	return json_object_new_string(ck_core_str(ck_core_obj(obj, "status"), "phase"));
}

static json_object *string_or_unset(json_object *spec, const char *key)
{
	const char *v = ck_core_str(spec, key);
	return json_object_new_string(*v ? v : "<unset>");
}

json_object *ck_core_cell_volume_phase(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return phase_or_terminating(obj);
}

json_object *ck_core_volume_storage_class(json_object *obj)
{
	json_object *ann = ck_obj_annotations(obj);
	json_object *beta = ck_core_get(ann, ck_core_beta_storage_class_annotation);
	if (beta)
		return json_object_new_string(json_object_get_string(beta));
	return json_object_new_string(ck_core_str(ck_core_obj(obj, "spec"), "storageClassName"));
}

json_object *ck_core_cell_volume_attributes_class(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return string_or_unset(ck_core_obj(obj, "spec"), "volumeAttributesClassName");
}

json_object *ck_core_cell_volume_mode(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return string_or_unset(ck_core_obj(obj, "spec"), "volumeMode");
}
