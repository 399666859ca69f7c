#include "registry/core/data.h"

#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "util/common.h"
#include "util/str.h"

void ck_data_validate_keys(json_object *obj, const char *field, int base64, size_t *total,
			   struct ck_field_errors *errs)
{
	json_object *map = ck_obj_path(obj, field);
	if (!map || !json_object_is_type(map, json_type_object))
		return;
	json_object_object_foreach (map, key, value) {
		char **msgs = ck_is_config_map_key(key);
		if (msgs) {
			struct ck_buf path = CK_BUF_INIT;
			ck_buf_adds(&path, field);
			ck_field_path_key(&path, key);
			for (size_t i = 0; msgs[i]; i++)
				ck_field_errors_add_invalid_str(errs, ck_buf_str(&path), key,
								msgs[i]);
			ck_buf_release(&path);
			ck_strv_free(msgs);
		}
		size_t len = json_object_is_type(value, json_type_string)
				 ? (size_t)json_object_get_string_len(value)
				 : 0;
		*total += strlen(key) + (base64 ? len / 4 * 3 : len);
	}
}

void ck_data_validate_immutable(json_object *obj, json_object *old, const char *const *fields,
				struct ck_field_errors *errs)
{
	json_object *was = ck_obj_path(old, "immutable");
	if (!was || !json_object_get_boolean(was))
		return;
	static const char msg[] = "field is immutable when `immutable` is set";
	json_object *now = ck_obj_path(obj, "immutable");
	if (!now || !json_object_get_boolean(now))
		ck_field_errors_add_forbidden(errs, "immutable", msg);
	for (size_t i = 0; fields[i]; i++)
		if (!json_object_equal(ck_obj_path(obj, fields[i]), ck_obj_path(old, fields[i])))
			ck_field_errors_add_forbidden(errs, fields[i], msg);
}
