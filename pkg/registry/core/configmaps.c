/* core/v1 configmaps. */
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
};
