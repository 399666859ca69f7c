/* coordination.k8s.io/v1 leases. */
#include "registry/printers.h"
#include "registry/registry.h"

static json_object *cell_holder(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "spec.holderIdentity");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Holder", "string", "", "The holder of the lease.", 0, cell_holder },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

const struct ck_resource ck_resource_leases = {
	CK_GROUP("coordination.k8s.io", "v1"),
	.resource = "leases",
	.singular = "lease",
	.kind = "Lease",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
};
