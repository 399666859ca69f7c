/*
 * core/v1 persistentvolumeclaims (upstream's
 * pkg/registry/core/persistentvolumeclaim): defaulting, the main validation
 * rules (access modes, storage request, volume mode, storage class, data
 * sources), update rules (volumeName once, expansion of bound claims),
 * status separation, and the `kubectl get pvc` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "registry/core/volumes.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static void default_pvc(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_core_default_str(spec, "volumeMode", "Filesystem");
	json_object *res = ck_core_obj(spec, "resources");
	ck_core_default_resource_list(ck_core_obj(res, "requests"));
	ck_core_default_resource_list(ck_core_obj(res, "limits"));
}

static void pvc_prepare_create(json_object *obj)
{
	default_pvc(obj);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "phase", json_object_new_string("Pending"));
	json_object_object_add(obj, "status", status);
}

static void pvc_prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_pvc(obj);
}

static void data_source(json_object *ds, const char *path, struct ck_field_errors *e)
{
	char p[96];
	if (!*ck_core_str(ds, "name")) {
		snprintf(p, sizeof(p), "%s.name", path);
		ck_field_errors_add_required(e, p, "");
	}
	const char *kind = ck_core_str(ds, "kind");
	if (!*kind) {
		snprintf(p, sizeof(p), "%s.kind", path);
		ck_field_errors_add_required(e, p, "");
	}
	const char *group = ck_core_str(ds, "apiGroup");
	if (!*group && !ck_streq(kind, "PersistentVolumeClaim"))
		ck_field_errors_add_invalid_str(
		    e, path, kind,
		    "must be 'PersistentVolumeClaim' when referencing the "
		    "default apiGroup");
	if (*group) {
		snprintf(p, sizeof(p), "%s.apiGroup", path);
		ck_core_validate_dns1123_subdomain(group, p, e);
	}
}

static void pvc_validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *modes = ck_core_arr(spec, "accessModes");
	if (!ck_core_len(modes))
		ck_field_errors_add_required(e, "spec.accessModes",
					     "at least 1 access mode is required");
	json_object *sel = ck_core_obj(spec, "selector");
	if (sel) {
		struct ck_buf p = CK_BUF_INIT;
		ck_buf_adds(&p, "spec.selector");
		ck_core_validate_label_selector(sel, &p, e);
		ck_buf_release(&p);
	}
	ck_core_validate_access_modes(modes, "spec.accessModes", e);
	json_object *storage =
	    ck_core_get(ck_core_obj(ck_core_obj(spec, "resources"), "requests"), "storage");
	struct ck_quantity q;
	if (!storage) {
		ck_field_errors_add_required(e, "spec.resources[storage]", "");
	} else if (ck_quantity_from_json(storage, &q) == 0) {
		if (ck_quantity_sign(&q) <= 0) {
			char s[CK_QUANTITY_STR_MAX];
			ck_quantity_snprint(&q, s, sizeof(s));
			ck_field_errors_add_invalid_str(e, "spec.resources[storage]", s,
							"must be greater than zero");
		} else {
			ck_core_validate_resource_quantity("storage", storage,
							   "spec.resources[storage]", e);
		}
	}
	ck_core_validate_storage_class(ck_core_get(spec, "storageClassName"),
				       "spec.storageClassName", e);
	json_object *vm = ck_core_get(spec, "volumeMode");
	if (vm && !ck_core_str_in(ck_core_sval(vm), ck_core_volume_modes, 2))
		ck_field_errors_add_not_supported(e, "spec.volumeMode", vm, ck_core_volume_modes,
						  2);
	json_object *ds = ck_core_obj(spec, "dataSource"),
		    *dsr = ck_core_obj(spec, "dataSourceRef");
	if (ds)
		data_source(ds, "spec.dataSource", e);
	if (dsr)
		data_source(dsr, "spec.dataSourceRef", e);
	if (ds && dsr && !*ck_core_str(dsr, "namespace") &&
	    (!ck_streq(ck_core_str(ds, "apiGroup"), ck_core_str(dsr, "apiGroup")) ||
	     !ck_streq(ck_core_str(ds, "kind"), ck_core_str(dsr, "kind")) ||
	     !ck_streq(ck_core_str(ds, "name"), ck_core_str(dsr, "name"))))
		ck_field_errors_add_invalid_str(e, "spec", "spec.dataSource",
						"must match dataSourceRef");
}

static void pvc_validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	json_object *nc = ck_obj_copy(spec), *oc = ck_obj_copy(ospec);
	if (!oc)
		oc = json_object_new_object();
	if (!nc)
		nc = json_object_new_object();
	/* volumeName may be set once */
	if (!*ck_core_str(ospec, "volumeName")) {
		json_object *vn = ck_core_get(spec, "volumeName");
		if (vn)
			json_object_object_add(oc, "volumeName", ck_obj_copy(vn));
		else
			json_object_object_del(oc, "volumeName");
	}
	/* storageClassName may go from unset to set (validateStorageClassUpgradeFromNil) */
	json_object *ann = ck_obj_annotations(old);
	json_object *beta = ck_core_get(ann, ck_core_beta_storage_class_annotation);
	json_object *sc = ck_core_get(spec, "storageClassName");
	if (sc && !ck_core_get(ospec, "storageClassName") &&
	    (!beta || ck_streq(json_object_get_string(beta), ck_core_sval(sc))))
		json_object_object_del(nc, "storageClassName");
	const char *nbeta =
	    ck_core_str(ck_obj_annotations(obj), ck_core_beta_storage_class_annotation);
	if (!ck_streq(nbeta, beta ? json_object_get_string(beta) : ""))
		ck_field_errors_add_invalid_str(e,
						"metadata.annotations.volume.beta.kubernetes.io/"
						"storage-class",
						nbeta, "field is immutable");
	/* a bound claim's storage request may change (expansion) */
	const char *phase = ck_core_str(ck_core_obj(obj, "status"), "phase");
	json_object *nreq = ck_core_obj(ck_core_obj(nc, "resources"), "requests");
	if (ck_streq(phase, "Bound") && nreq) {
		json_object *os = ck_core_get(
		    ck_core_obj(ck_core_obj(ospec, "resources"), "requests"), "storage");
		if (os)
			json_object_object_add(nreq, "storage", ck_obj_copy(os));
		else
			json_object_object_del(nreq, "storage");
	}
	if (!ck_core_equal(nc, oc)) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_adds(&msg, "spec is immutable after creation except resources.requests and "
				  "volumeAttributesClassName for bound claims\n  "
				  "core.PersistentVolumeClaimSpec{\n");
		json_object_object_foreach (oc, k, v) {
			json_object *w = ck_core_get(nc, k);
			if (ck_core_equal(v, w))
				continue;
			ck_buf_addf(&msg, "- \t%s: %s,\n", k,
				    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
			if (w)
				ck_buf_addf(
				    &msg, "+ \t%s: %s,\n", k,
				    json_object_to_json_string_ext(w, JSON_C_TO_STRING_PLAIN));
		}
		json_object_object_foreach (nc, k2, v2) {
			if (!ck_core_get(oc, k2))
				ck_buf_addf(
				    &msg, "+ \t%s: %s,\n", k2,
				    json_object_to_json_string_ext(v2, JSON_C_TO_STRING_PLAIN));
		}
		ck_buf_adds(&msg, "  }\n");
		ck_field_errors_add_forbidden(e, "spec", ck_buf_str(&msg));
		ck_buf_release(&msg);
	}
	json_object_put(nc);
	json_object_put(oc);
	struct ck_quantity nq, oq;
	json_object *ns =
	    ck_core_get(ck_core_obj(ck_core_obj(spec, "resources"), "requests"), "storage");
	json_object *os =
	    ck_core_get(ck_core_obj(ck_core_obj(ospec, "resources"), "requests"), "storage");
	if (ns && os && ck_quantity_from_json(ns, &nq) == 0 &&
	    ck_quantity_from_json(os, &oq) == 0 && ck_quantity_cmp(&nq, &oq) < 0)
		ck_field_errors_add_forbidden(e, "spec.resources.requests.storage",
					      "field can not be less than previous value");
	if (!ck_core_equal(ck_core_get(spec, "volumeMode"), ck_core_get(ospec, "volumeMode")))
		ck_field_errors_add_invalid(e, "volumeMode", ck_core_get(spec, "volumeMode"),
					    "field is immutable");
}

static void pvc_validate_status_update(json_object *obj, json_object *old,
				       struct ck_field_errors *e)
{
	(void)old;
	if (!ck_core_len(ck_core_arr(ck_core_obj(obj, "spec"), "accessModes")))
		ck_field_errors_add_required(e, "Spec.accessModes", "");
	json_object *cap = ck_core_obj(ck_core_obj(obj, "status"), "capacity");
	if (cap) {
		json_object_object_foreach (cap, name, q) {
			struct ck_quantity qty;
			int64_t v = 0;
			if (ck_quantity_from_json(q, &qty) == 0 &&
			    ck_quantity_value(&qty, &v) == 0 && v < 0) {
				char path[300];
				snprintf(path, sizeof(path), "status.capacity[%.253s]", name);
				ck_field_errors_add_invalid_int(
				    e, path, v, "must be a valid resource quantity");
			}
		}
	}
}

static json_object *pvc_cell_volume(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(ck_core_str(ck_core_obj(obj, "spec"), "volumeName"));
}

static json_object *pvc_cell_capacity(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	if (!*ck_core_str(ck_core_obj(obj, "spec"), "volumeName"))
		return json_object_new_string("");
	return ck_core_quantity_cell(ck_core_obj(ck_core_obj(obj, "status"), "capacity"),
				     "storage");
}

static json_object *pvc_cell_modes(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	if (!*ck_core_str(ck_core_obj(obj, "spec"), "volumeName"))
		return json_object_new_string("");
	return ck_core_access_modes_string(ck_core_arr(ck_core_obj(obj, "status"), "accessModes"));
}

static json_object *pvc_cell_class(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_volume_storage_class(obj);
}

static const struct ck_printer_column pvc_columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Status", "string", "", "phase represents the current phase of PersistentVolumeClaim.", 0,
	  ck_core_cell_volume_phase },
	{ "Volume", "string", "",
	  "volumeName is the binding reference to the PersistentVolume "
	  "backing this claim.",
	  0, pvc_cell_volume },
	{ "Capacity", "string", "",
	  "capacity represents the actual resources of the underlying "
	  "volume.",
	  0, pvc_cell_capacity },
	{ "Access Modes", "string", "",
	  "accessModes contains the actual access modes the volume "
	  "backing the PVC has.",
	  0, pvc_cell_modes },
	{ "StorageClass", "string", "", "StorageClass of the pvc", 0, pvc_cell_class },
	{ "VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc", 0,
	  ck_core_cell_volume_attributes_class },
	CK_CORE_AGE_COLUMN,
	{ "VolumeMode", "string", "",
	  "volumeMode defines what type of volume is required by the "
	  "claim.",
	  1, ck_core_cell_volume_mode },
	{ 0 },
};

static const struct ck_subresource status_subresource[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const pvc_short_names[] = { "pvc", NULL };

const struct ck_resource ck_resource_persistentvolumeclaims = {
	CK_CORE("v1"),
	.resource = "persistentvolumeclaims",
	.singular = "persistentvolumeclaim",
	.kind = "PersistentVolumeClaim",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = pvc_short_names,
	.subresources = status_subresource,
	.columns = pvc_columns,
	.has_status = true,
	.return_deleted_object = true,
	.prepare_create = pvc_prepare_create,
	.prepare_update = pvc_prepare_update,
	.validate = pvc_validate,
	.validate_update = pvc_validate_update,
	.validate_status_update = pvc_validate_status_update,
};
