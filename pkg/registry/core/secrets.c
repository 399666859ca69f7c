/* core/v1 secrets. */
#include "apimachinery/object.h"
#include "registry/printers.h"
#include "registry/registry.h"

static json_object *cell_type(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "type");
}

static json_object *cell_data(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "data"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0,
	  cell_type },
	{ "Data", "string", "", "Contains the secret data.", 0, cell_data },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

static void prepare_create(json_object *obj)
{
	/* Upstream's SetDefaults_Secret: an empty type is Opaque. */
	const char *type = ck_obj_path_str(obj, "type");
	if (!type || !*type)
		json_object_object_add(obj, "type", json_object_new_string("Opaque"));
}

static const char *const field_selectors[] = { "type", NULL };

const struct ck_resource ck_resource_secrets = {
	CK_CORE("v1"),
	.resource = "secrets",
	.singular = "secret",
	.kind = "Secret",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.field_selectors = field_selectors,
	.prepare_create = prepare_create,
};
