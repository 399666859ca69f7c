/*
 * core/v1 persistentvolumes (upstream's pkg/registry/core/persistentvolume):
 * defaulting, the main validation rules (access modes, capacity, exactly
 * one volume source, reclaim policy, volume mode, storage class, node
 * affinity), immutability, status separation, and the `kubectl get pv`
 * columns.
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
#include "util/time.h"

/* PersistentVolumeSource keys in upstream's validation order. */
static const char *const pv_sources[] = {
	"hostPath",
	"gcePersistentDisk",
	"awsElasticBlockStore",
	"glusterfs",
	"flocker",
	"nfs",
	"rbd",
	"quobyte",
	"cephfs",
	"iscsi",
	"cinder",
	"fc",
	"flexVolume",
	"azureFile",
	"vsphereVolume",
	"photonPersistentDisk",
	"portworxVolume",
	"azureDisk",
	"scaleIO",
	"local",
	"storageos",
	"csi",
};

static void default_pv(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_core_default_str(spec, "persistentVolumeReclaimPolicy", "Retain");
	ck_core_default_str(spec, "volumeMode", "Filesystem");
	ck_core_default_resource_list(ck_core_obj(spec, "capacity"));
	json_object *hp = ck_core_obj(spec, "hostPath");
	if (hp && !ck_core_get(hp, "type"))
		json_object_object_add(hp, "type", json_object_new_string(""));
}

static void pv_prepare_create(json_object *obj)
{
	default_pv(obj);
	json_object *status = json_object_new_object();
	char now[CK_TIME_BUF];
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	json_object_object_add(status, "phase", json_object_new_string("Pending"));
	json_object_object_add(status, "lastPhaseTransitionTime", json_object_new_string(now));
	json_object_object_add(obj, "status", status);
}

static void pv_prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_pv(obj);
}

static void pv_prepare_status_update(json_object *obj, json_object *old)
{
	json_object *status = ck_core_ensure_obj(obj, "status"),
		    *ostatus = ck_core_obj(old, "status");
	bool same = ck_streq(ck_core_str(status, "phase"), ck_core_str(ostatus, "phase"));
	json_object *t = ck_core_get(status, "lastPhaseTransitionTime");
	json_object *ot = ck_core_get(ostatus, "lastPhaseTransitionTime");
	if (same && !t && ot) {
		json_object_object_add(status, "lastPhaseTransitionTime", ck_obj_copy(ot));
	} else if (!same && (!t || ck_core_equal(t, ot))) {
		char now[CK_TIME_BUF];
		ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
		json_object_object_add(status, "lastPhaseTransitionTime",
				       json_object_new_string(now));
	}
}

static void pv_validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *modes = ck_core_arr(spec, "accessModes");
	if (!ck_core_len(modes))
		ck_field_errors_add_required(e, "spec.accessModes", "");
	ck_core_validate_access_modes(modes, "spec.accessModes", e);
	json_object *cap = ck_core_obj(spec, "capacity");
	if (!cap || !json_object_object_length(cap))
		ck_field_errors_add_required(e, "spec.capacity", "");
	if (!ck_core_get(cap, "storage") || (cap && json_object_object_length(cap) > 1)) {
		static const char *const storage[] = { "storage" };
		ck_field_errors_add_not_supported(e, "spec.capacity", cap, storage, 1);
	}
	if (cap) {
		json_object_object_foreach (cap, name, q) {
			char path[300];
			snprintf(path, sizeof(path), "spec.capacity[%.253s]", name);
			struct ck_quantity qty;
			if (ck_quantity_from_json(q, &qty) < 0)
				continue;
			int64_t v = 0;
			ck_quantity_value(&qty, &v);
			if (v < 0)
				ck_field_errors_add_invalid_int(
				    e, path, v, "must be a valid resource quantity");
			if (ck_quantity_sign(&qty) <= 0) {
				char s[CK_QUANTITY_STR_MAX];
				ck_quantity_snprint(&qty, s, sizeof(s));
				ck_field_errors_add_invalid_str(e, path, s,
								"must be greater than zero");
			}
		}
	}
	json_object *rp = ck_core_get(spec, "persistentVolumeReclaimPolicy");
	static const char *const policies[] = { "Delete", "Recycle", "Retain" };
	if (*ck_core_sval(rp) && !ck_core_str_in(ck_core_sval(rp), policies, 3))
		ck_field_errors_add_not_supported(e, "spec.persistentVolumeReclaimPolicy", rp,
						  policies, 3);
	json_object *na = ck_core_obj(spec, "nodeAffinity");
	if (na) {
		json_object *req = ck_core_obj(na, "required");
		if (req) {
			struct ck_buf p = CK_BUF_INIT;
			ck_buf_adds(&p, "spec.nodeAffinity.required");
			ck_core_validate_node_selector(req, &p, e);
			ck_buf_release(&p);
		} else {
			ck_field_errors_add_required(e, "spec.nodeAffinity.required",
						     "must specify required node constraints");
		}
	}
	int num = 0;
	for (size_t i = 0; i < CK_ARRAY_SIZE(pv_sources); i++) {
		const char *key = pv_sources[i];
		json_object *src = ck_core_obj(spec, key);
		if (!src)
			continue;
		char path[96];
		if (num > 0 && !ck_streq(key, "flexVolume")) {
			snprintf(path, sizeof(path), "spec.%s",
				 ck_streq(key, "cephfs") ? "cephFS" : key);
			ck_field_errors_add_forbidden(e, path,
						      "may not specify more than 1 volume type");
			continue;
		}
		num++;
		if (ck_streq(key, "hostPath") || ck_streq(key, "local")) {
			const char *p = ck_core_str(src, "path");
			snprintf(path, sizeof(path), "spec.%s.path", key);
			if (!*p)
				ck_field_errors_add_required(e, path, "");
			else if (strstr(p, "/../") || ck_str_has_prefix(p, "../") ||
				 ck_str_has_suffix(p, "/..") || ck_streq(p, ".."))
				ck_field_errors_add_invalid_str(e, path, p,
								"must not contain '..'");
			if (ck_streq(key, "local") && !na)
				ck_field_errors_add_required(e, "spec.nodeAffinity",
							     "Local volume requires node affinity");
		} else if (ck_streq(key, "nfs")) {
			const char *p = ck_core_str(src, "path");
			if (!*ck_core_str(src, "server"))
				ck_field_errors_add_required(e, "spec.nfs.server", "");
			if (!*p)
				ck_field_errors_add_required(e, "spec.nfs.path", "");
			if (p[0] != '/')
				ck_field_errors_add_invalid_str(e, "spec.nfs.path", p,
								"must be an absolute path");
		} else if (ck_streq(key, "csi")) {
			const char *d = ck_core_str(src, "driver");
			if (!*d)
				ck_field_errors_add_required(e, "spec.csi.driver", "");
			if (!*ck_core_str(src, "volumeHandle"))
				ck_field_errors_add_required(e, "spec.csi.volumeHandle", "");
		}
	}
	if (num == 0)
		ck_field_errors_add_required(e, "spec", "must specify a volume type");
	const char *hp = ck_core_str(ck_core_obj(spec, "hostPath"), "path");
	if (ck_core_obj(spec, "hostPath") && (ck_streq(hp, "/") || ck_streq(hp, "//")) &&
	    ck_streq(ck_core_sval(rp), "Recycle"))
		ck_field_errors_add_forbidden(e, "spec.persistentVolumeReclaimPolicy",
					      "may not be 'recycle' for a hostPath mount of '/'");
	ck_core_validate_storage_class(ck_core_get(spec, "storageClassName"),
				       "spec.storageClassName", e);
	json_object *vm = ck_core_get(spec, "volumeMode");
	if (vm && !ck_core_str_in(ck_core_sval(vm), ck_core_volume_modes, 2))
		ck_field_errors_add_not_supported(e, "spec.volumeMode", vm, ck_core_volume_modes,
						  2);
}

static void pv_validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	/* The volume source may not change (controllerExpandSecretRef may be added). */
	struct ck_buf diff = CK_BUF_INIT;
	for (size_t i = 0; i < CK_ARRAY_SIZE(pv_sources); i++) {
		const char *key = pv_sources[i];
		json_object *a = ck_core_get(spec, key), *b = ck_core_get(ospec, key);
		if (ck_streq(key, "csi") && a && b &&
		    !ck_core_get(b, "controllerExpandSecretRef")) {
			json_object *ac = ck_obj_copy(a);
			json_object_object_del(ac, "controllerExpandSecretRef");
			bool same = ck_core_equal(ac, b);
			json_object_put(ac);
			if (same)
				continue;
		} else if (ck_core_equal(a, b)) {
			continue;
		}
		ck_buf_addf(&diff, "- \t%s: %s,\n+ \t%s: %s,\n", key,
			    b ? json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN) : "nil",
			    key,
			    a ? json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN) : "nil");
	}
	if (diff.len) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_addf(&msg,
			    "spec.persistentvolumesource is immutable after creation\n  "
			    "core.PersistentVolumeSource{\n%s  }\n",
			    ck_buf_str(&diff));
		ck_field_errors_add_forbidden(e, "spec.persistentvolumesource", ck_buf_str(&msg));
		ck_buf_release(&msg);
	}
	ck_buf_release(&diff);
	if (!ck_core_equal(ck_core_get(spec, "volumeMode"), ck_core_get(ospec, "volumeMode")))
		ck_field_errors_add_invalid(e, "volumeMode", ck_core_get(spec, "volumeMode"),
					    "field is immutable");
	json_object *ona = ck_core_get(ospec, "nodeAffinity");
	if (ona && !ck_core_equal(ck_core_get(spec, "nodeAffinity"), ona))
		ck_field_errors_add_invalid(
		    e, "nodeAffinity", ck_core_get(spec, "nodeAffinity"),
		    "field is immutable, except for updating from beta label "
		    "to GA");
}

static void pv_validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)obj;
	(void)old;
	(void)e;
}

static json_object *pv_cell_capacity(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_quantity_cell(ck_core_obj(ck_core_obj(obj, "spec"), "capacity"), "storage");
}

static json_object *pv_cell_modes(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_access_modes_string(ck_core_arr(ck_core_obj(obj, "spec"), "accessModes"));
}

static json_object *pv_cell_reclaim(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(
	    ck_core_str(ck_core_obj(obj, "spec"), "persistentVolumeReclaimPolicy"));
}

static json_object *pv_cell_claim(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *ref = ck_core_obj(ck_core_obj(obj, "spec"), "claimRef");
	char s[600] = "";
	if (ref)
		snprintf(s, sizeof(s), "%.253s/%.253s", ck_core_str(ref, "namespace"),
			 ck_core_str(ref, "name"));
	return json_object_new_string(s);
}

static json_object *pv_cell_class(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_volume_storage_class(obj);
}

static json_object *pv_cell_reason(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(ck_core_str(ck_core_obj(obj, "status"), "reason"));
}

static const struct ck_printer_column pv_columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Capacity", "string", "",
	  "capacity is the description of the persistent volume's "
	  "resources and capacity.",
	  0, pv_cell_capacity },
	{ "Access Modes", "string", "", "accessModes contains all ways the volume can be mounted.",
	  0, pv_cell_modes },
	{ "Reclaim Policy", "string", "",
	  "persistentVolumeReclaimPolicy defines what happens to a persistent volume when "
	  "released from its claim.",
	  0, pv_cell_reclaim },
	{ "Status", "string", "",
	  "phase indicates if a volume is available, bound to a claim, "
	  "or released by a claim.",
	  0, ck_core_cell_volume_phase },
	{ "Claim", "string", "",
	  "claimRef is part of a bi-directional binding between "
	  "PersistentVolume and PersistentVolumeClaim.",
	  0, pv_cell_claim },
	{ "StorageClass", "string", "", "StorageClass of the pv", 0, pv_cell_class },
	{ "VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pv", 0,
	  ck_core_cell_volume_attributes_class },
	{ "Reason", "string", "",
	  "reason is a brief CamelCase string that describes any failure "
	  "and is meant for machine parsing and tidy display in the CLI.",
	  0, pv_cell_reason },
	CK_CORE_AGE_COLUMN,
	{ "VolumeMode", "string", "",
	  "volumeMode defines if a volume is intended to be used "
	  "with a formatted filesystem or to remain in raw block "
	  "state.",
	  1, ck_core_cell_volume_mode },
	{ 0 },
};

static const struct ck_subresource status_subresource[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const pv_short_names[] = { "pv", NULL };

const struct ck_resource ck_resource_persistentvolumes = {
	CK_CORE("v1"),
	.resource = "persistentvolumes",
	.singular = "persistentvolume",
	.kind = "PersistentVolume",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.short_names = pv_short_names,
	.subresources = status_subresource,
	.columns = pv_columns,
	.has_status = true,
	.return_deleted_object = true,
	.prepare_create = pv_prepare_create,
	.prepare_update = pv_prepare_update,
	.validate = pv_validate,
	.validate_update = pv_validate_update,
	.prepare_status_update = pv_prepare_status_update,
	.validate_status_update = pv_validate_status_update,
};
