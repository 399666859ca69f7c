/* core/v1 configmaps. */
#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/core/data.h"
#include "registry/printers.h"
#include "registry/registry.h"

static json_object *cell_data(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "data") + ck_count_at(obj, "binaryData"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Data", "string", "", "Data contains the configuration data.", 0, cell_data },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

/* Upstream's ValidateConfigMap. */
static void validate(json_object *obj, struct ck_field_errors *errs)
{
	size_t total = 0;
	ck_data_validate_keys(obj, "data", 0, &total, errs);
	ck_data_validate_keys(obj, "binaryData", 1, &total, errs);
	json_object *data = ck_obj_path(obj, "data"), *bin = ck_obj_path(obj, "binaryData");
	if (data && bin && json_object_is_type(bin, json_type_object)) {
		json_object_object_foreach (bin, key, v) {
			(void)v;
			if (json_object_object_get_ex(data, key, NULL)) {
				struct ck_buf path = CK_BUF_INIT;
				ck_buf_adds(&path, "binaryData");
				ck_field_path_key(&path, key);
				ck_field_errors_add_invalid_str(errs, ck_buf_str(&path), key,
								"duplicate of key present in data");
				ck_buf_release(&path);
			}
		}
	}
	if (total > CK_DATA_SIZE_MAX)
		ck_field_errors_add_too_long(errs, "", CK_DATA_SIZE_MAX);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	static const char *const fields[] = { "data", "binaryData", NULL };
	ck_data_validate_immutable(obj, old, fields, errs);
}

static const char *const short_names[] = { "cm", NULL };

const struct ck_resource ck_resource_configmaps = {
	CK_CORE("v1"),
	.resource = "configmaps",
	.singular = "configmap",
	.kind = "ConfigMap",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.validate = validate,
	.validate_update = validate_update,
};
