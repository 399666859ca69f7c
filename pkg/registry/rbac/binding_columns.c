#include "registry/rbac/binding_columns.h"

#include "apimachinery/object.h"
#include "registry/printers.h"
#include "util/buf.h"
#include "util/str.h"

static json_object *cell_role(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct ck_buf b = CK_BUF_INIT;
	const char *kind = ck_obj_path_str(obj, "roleRef.kind");
	const char *name = ck_obj_path_str(obj, "roleRef.name");
	ck_buf_addf(&b, "%s/%s", kind ? kind : "", name ? name : "");
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

/* The subjects of a kind, comma-separated ("ns:name" for service accounts). */
static json_object *subjects_of(json_object *obj, const char *kind)
{
	json_object *subjects = ck_obj_path(obj, "subjects");
	struct ck_buf b = CK_BUF_INIT;
	size_t n = subjects && json_object_is_type(subjects, json_type_array)
		       ? json_object_array_length(subjects)
		       : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(subjects, i);
		if (!ck_streq(ck_obj_path_str(s, "kind"), kind))
			continue;
		const char *name = ck_obj_path_str(s, "name");
		if (b.len)
			ck_buf_addc(&b, ',');
		if (ck_streq(kind, "ServiceAccount")) {
			const char *ns = ck_obj_path_str(s, "namespace");
			ck_buf_addf(&b, "%s:", ns ? ns : "");
		}
		ck_buf_adds(&b, name ? name : "");
	}
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

static json_object *cell_users(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return subjects_of(obj, "User");
}

static json_object *cell_groups(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return subjects_of(obj, "Group");
}

static json_object *cell_sas(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return subjects_of(obj, "ServiceAccount");
}

const struct ck_printer_column ck_rbac_binding_columns[] = {
	{ "Name", "string", "name",
	  "Name must be unique within a namespace. Is required when creating resources, although "
	  "some resources may allow a client to request the generation of an appropriate name "
	  "automatically. Name is primarily intended for creation idempotence and configuration "
	  "definition. Cannot be updated. More info: "
	  "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
	  0, ck_cell_name },
	{ "Role", "string", "",
	  "RoleRef can reference a Role in the current namespace or a ClusterRole in the global "
	  "namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
	  0, cell_role },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "Users", "string", "", "Users in the roleBinding", 1, cell_users },
	{ "Groups", "string", "", "Groups in the roleBinding", 1, cell_groups },
	{ "ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1, cell_sas },
	{ 0 },
};
