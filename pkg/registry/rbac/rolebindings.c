/* rbac.authorization.k8s.io/v1 rolebindings. */
#include "apimachinery/field_errors.h"
#include "registry/rbac/binding_columns.h"
#include "registry/rbac/rbac.h"
#include "registry/registry.h"

static void prepare_create(json_object *obj)
{
	ck_rbac_default_binding(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	ck_rbac_default_binding(obj);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	ck_rbac_validate_binding(obj, true, errs);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	ck_rbac_validate_binding_update(obj, old, errs);
}

const struct ck_resource ck_resource_rolebindings = {
	CK_GROUP(CK_RBAC_GROUP, "v1"),
	.resource = "rolebindings",
	.singular = "rolebinding",
	.kind = "RoleBinding",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = ck_rbac_binding_columns,
	.name_rule = CK_NAME_PATH_SEGMENT,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.check_write = ck_rbac_check_role_binding_write,
	.validate_update = validate_update,
};
