/*
 * What core/v1 persistentvolumes and persistentvolumeclaims share: access
 * mode, storage class and volume mode validation, and their printer cells.
 */
#ifndef CK_REGISTRY_CORE_VOLUMES_H
#define CK_REGISTRY_CORE_VOLUMES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apimachinery/field_errors.h"
#include "registry/printers.h"

/* The storage class annotation older clients set instead of the field. */
extern const char ck_core_beta_storage_class_annotation[];
/* "Block", "Filesystem" */
extern const char *const ck_core_volume_modes[2];

/* Whether v is one of the n strings of set. */
bool ck_core_str_in(const char *v, const char *const *set, size_t n);
/* v's string value (borrowed), or "" when v is not a string. */
const char *ck_core_sval(json_object *v);

/* accessModes: supported values, and ReadWriteOncePod only alone. */
void ck_core_validate_access_modes(json_object *modes, const char *path, struct ck_field_errors *e);
/* storageClassName: a DNS subdomain when not empty. */
void ck_core_validate_storage_class(json_object *v, const char *path, struct ck_field_errors *e);

/*
 * Printer cells; each returns a new string object the caller owns.
 * ck_core_access_modes_string: "RWO,ROX,RWX,RWOP" for the modes present.
 * ck_core_quantity_cell: list[key] as a canonical quantity ("0" if unset).
 * ck_core_volume_storage_class: the beta annotation, else spec.storageClassName.
 */
json_object *ck_core_access_modes_string(json_object *modes);
json_object *ck_core_quantity_cell(json_object *list, const char *key);
json_object *ck_core_volume_storage_class(json_object *obj);
/* status.phase, or "Terminating" once deletionTimestamp is set. */
json_object *ck_core_cell_volume_phase(json_object *obj, int64_t now_ns);
/* spec.volumeAttributesClassName, or "<unset>". */
json_object *ck_core_cell_volume_attributes_class(json_object *obj, int64_t now_ns);
/* spec.volumeMode, or "<unset>". */
json_object *ck_core_cell_volume_mode(json_object *obj, int64_t now_ns);

/* The Age column of upstream's PV and PVC tables. */
#define CK_CORE_AGE_COLUMN                                                                     \
	{                                                                                      \
		"Age", "string", "",                                                           \
		    "CreationTimestamp is a timestamp representing the server time when this " \
		    "object was created.",                                                     \
		    0, ck_cell_age                                                             \
	}

#endif
