/* core/v1 serviceaccounts. */
#include "registry/printers.h"
#include "registry/registry.h"

static json_object *cell_secrets(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "secrets"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Secrets", "string", "",
	  "Secrets is a list of the secrets in the same namespace that "
	  "pods running using this ServiceAccount are allowed to use.",
	  0, cell_secrets },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

static const char *const short_names[] = { "sa", NULL };

const struct ck_resource ck_resource_serviceaccounts = {
	CK_CORE("v1"),
	.resource = "serviceaccounts",
	.singular = "serviceaccount",
	.kind = "ServiceAccount",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
};
