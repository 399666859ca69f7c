/* rbac.authorization.k8s.io/v1 roles. */
#include "apimachinery/field_errors.h"
#include "registry/printers.h"
#include "registry/rbac/rbac.h"
#include "registry/registry.h"

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	ck_rbac_validate_rules(obj, true, errs);
}

const struct ck_resource ck_resource_roles = {
	CK_GROUP(CK_RBAC_GROUP, "v1"),
	.resource = "roles",
	.singular = "role",
	.kind = "Role",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.name_rule = CK_NAME_PATH_SEGMENT,
	.validate = validate,
	.check_write = ck_rbac_check_role_write,
};
