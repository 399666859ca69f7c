/* core/v1 namespaces: cluster-scoped, phase Active/Terminating, finalize. */
#include <string.h>

#include "apimachinery/object.h"
#include "registry/printers.h"
#include "registry/registry.h"

static json_object *cell_status(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "status.phase");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Status", "string", "", "The status of the namespace", 0, cell_status },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

static const struct ck_subresource subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ .name = "finalize", .kind = CK_SUB_FINALIZE, .verbs = CK_VERB_UPDATE },
	{ 0 },
};

/* Upstream's namespace strategy labels every namespace with its name. */
static void set_name_label(json_object *obj)
{
	const char *name = ck_obj_name(obj);
	if (!name)
		return;
	json_object *md = ck_obj_metadata(obj), *labels;
	if (!json_object_object_get_ex(md, "labels", &labels) ||
	    !json_object_is_type(labels, json_type_object)) {
		labels = json_object_new_object();
		json_object_object_add(md, "labels", labels);
	}
	json_object_object_add(labels, "kubernetes.io/metadata.name", json_object_new_string(name));
}

static json_object *object_field(json_object *obj, const char *key)
{
	json_object *v;
	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_object))
		return v;
	v = json_object_new_object();
	json_object_object_add(obj, key, v);
	return v;
}

static void prepare_create(json_object *obj)
{
	/* Status is the server's: phase Active; the "kubernetes" finalizer is ensured. */
	json_object *status = json_object_new_object();
	json_object_object_add(status, "phase", json_object_new_string("Active"));
	json_object_object_add(obj, "status", status);
	json_object *spec = object_field(obj, "spec");
	json_object *fins;
	if (!json_object_object_get_ex(spec, "finalizers", &fins) ||
	    !json_object_is_type(fins, json_type_array)) {
		fins = json_object_new_array();
		json_object_object_add(spec, "finalizers", fins);
	}
	bool has = false;
	for (size_t i = 0; i < json_object_array_length(fins); i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(fins, i));
		if (f && strcmp(f, "kubernetes") == 0)
			has = true;
	}
	if (!has)
		json_object_array_add(fins, json_object_new_string("kubernetes"));
	set_name_label(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	/* spec.finalizers change only through namespaces/finalize. */
	json_object *old_spec = ck_obj_path(old, "spec");
	json_object_object_add(obj, "spec", old_spec ? ck_obj_copy(old_spec) : NULL);
	if (!old_spec)
		json_object_object_del(obj, "spec");
	set_name_label(obj);
}

static bool pending_finalizers(json_object *obj)
{
	json_object *f = ck_obj_path(obj, "spec.finalizers");
	return f && json_object_is_type(f, json_type_array) && json_object_array_length(f) > 0;
}

static void prepare_delete(json_object *obj)
{
	json_object *status = object_field(obj, "status");
	json_object_object_add(status, "phase", json_object_new_string("Terminating"));
}

static const char *const short_names[] = { "ns", NULL };
static const char *const field_selectors[] = { "status.phase", NULL };

const struct ck_resource ck_resource_namespaces = {
	CK_CORE("v1"),
	.resource = "namespaces",
	.singular = "namespace",
	.kind = "Namespace",
	.namespaced = false,
	.verbs = CK_VERBS_ALL & ~CK_VERB_DELETECOLLECTION,
	.short_names = short_names,
	.subresources = subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.name_rule = CK_NAME_DNS_LABEL,
	.has_status = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.pending_finalizers = pending_finalizers,
	.prepare_delete = prepare_delete,
	.return_deleted_object = true,
};
