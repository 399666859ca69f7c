/*
 * storage.k8s.io/v1 storageclasses (upstream's pkg/registry/storage/storageclass
 * and pkg/apis/storage/validation): reclaimPolicy defaults to Delete and
 * volumeBindingMode to Immediate; provisioner is a qualified name;
 * parameters, provisioner, reclaimPolicy and volumeBindingMode never change;
 * the `kubectl get sc` columns, the default class marked "(default)".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define MAX_PARAMETERS 512
#define MAX_PARAMETERS_SIZE (256 * 1024)

static void prepare_create(json_object *obj)
{
	ck_core_default_str(obj, "reclaimPolicy", "Delete");
	ck_core_default_str(obj, "volumeBindingMode", "Immediate");
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	prepare_create(obj);
}

static void validate_one_of(json_object *obj, const char *field, const char *const *valid, size_t n,
			    struct ck_field_errors *errs)
{
	json_object *v = ck_core_get(obj, field);
	if (!v) {
		ck_field_errors_add_required(errs, field, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (json_object_is_type(v, json_type_string) &&
		    ck_streq(json_object_get_string(v), valid[i]))
			return;
	ck_field_errors_add_not_supported(errs, field, v, valid, n);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	const char *prov = ck_core_str(obj, "provisioner");
	if (!*prov) {
		ck_field_errors_add_required(errs, "provisioner", NULL);
	} else {
		char *lower = ck_strdup(prov);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ck_core_validate_qualified_name(lower, "provisioner", errs);
		free(lower);
	}
	json_object *params = ck_core_obj(obj, "parameters");
	if (params && json_object_object_length(params) > MAX_PARAMETERS) {
		ck_field_errors_add_too_long(errs, "parameters", MAX_PARAMETERS);
	} else if (params) {
		size_t total = 0;
		json_object_object_foreach (params, k, v) {
			if (!*k)
				ck_field_errors_add_invalid_str(errs, "parameters", k,
								"field can not be empty.");
			total += strlen(k) + strlen(json_object_get_string(v));
		}
		if (total > MAX_PARAMETERS_SIZE)
			ck_field_errors_add_too_long(errs, "parameters", MAX_PARAMETERS_SIZE);
	}
	static const char *const reclaim[] = { "Delete", "Retain" };
	if (*ck_core_str(obj, "reclaimPolicy"))
		validate_one_of(obj, "reclaimPolicy", reclaim, CK_ARRAY_SIZE(reclaim), errs);
	static const char *const modes[] = { "Immediate", "WaitForFirstConsumer" };
	validate_one_of(obj, "volumeBindingMode", modes, CK_ARRAY_SIZE(modes), errs);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	static const struct {
		const char *field, *msg;
	} fixed[] = {
		{ "parameters", "updates to parameters are forbidden." },
		{ "provisioner", "updates to provisioner are forbidden." },
		{ "reclaimPolicy", "updates to reclaimPolicy are forbidden." },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(fixed); i++)
		if (!ck_core_equal(ck_core_get(obj, fixed[i].field),
				   ck_core_get(old, fixed[i].field)))
			ck_field_errors_add_forbidden(errs, fixed[i].field, fixed[i].msg);
	json_object *mode = ck_core_get(obj, "volumeBindingMode");
	if (!ck_core_equal(mode, ck_core_get(old, "volumeBindingMode")))
		ck_field_errors_add_invalid(errs, "volumeBindingMode", mode, "field is immutable");
}

/* storageutil.IsDefaultAnnotation: the GA or the beta annotation is "true". */
static bool is_default_class(json_object *obj)
{
	json_object *ann = ck_obj_annotations(obj);
	return ck_streq(ck_core_str(ann, "storageclass.kubernetes.io/is-default-class"), "true") ||
	       ck_streq(ck_core_str(ann, "storageclass.beta.kubernetes.io/is-default-class"),
			"true");
}

static json_object *cell_name(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, ck_core_str(ck_obj_metadata(obj), "name"));
	if (is_default_class(obj))
		ck_buf_adds(&b, " (default)");
	json_object *s = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return s;
}

static json_object *cell_provisioner(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "provisioner");
}

static json_object *cell_reclaim(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	const char *s = ck_core_str(obj, "reclaimPolicy");
	return json_object_new_string(*s ? s : "Delete");
}

static json_object *cell_binding_mode(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	const char *s = ck_core_str(obj, "volumeBindingMode");
	return json_object_new_string(*s ? s : "Immediate");
}

static json_object *cell_expansion(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_boolean(ck_core_bool(obj, "allowVolumeExpansion"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, cell_name },
	{ "Provisioner", "string", "", "provisioner indicates the type of the provisioner.", 0,
	  cell_provisioner },
	{ "ReclaimPolicy", "string", "",
	  "reclaimPolicy controls the reclaimPolicy for dynamically provisioned "
	  "PersistentVolumes of this storage class. Defaults to Delete.",
	  0, cell_reclaim },
	{ "VolumeBindingMode", "string", "",
	  "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and "
	  "bound.  When unset, VolumeBindingImmediate is used.",
	  0, cell_binding_mode },
	{ "AllowVolumeExpansion", "string", "",
	  "allowVolumeExpansion shows whether the storage class allow volume expand.", 0,
	  cell_expansion },
	CK_COLUMN_AGE,
	{ 0 },
};

static const char *const short_names[] = { "sc", NULL };

const struct ck_resource ck_resource_storageclasses = {
	CK_GROUP("storage.k8s.io", "v1"),
	.resource = "storageclasses",
	.singular = "storageclass",
	.kind = "StorageClass",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.return_deleted_object = true,
};
