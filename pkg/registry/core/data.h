/*
 * What configmaps and secrets share: data maps whose keys are config-map
 * keys, a 1 MiB total, and `immutable`.
 */
#ifndef CK_REGISTRY_CORE_DATA_H
#define CK_REGISTRY_CORE_DATA_H

#include <json-c/json.h>
#include <stddef.h>

struct ck_field_errors;

/* Upstream's MaxSecretSize, also the ConfigMap limit. */
#define CK_DATA_SIZE_MAX (1024 * 1024)

/*
 * Validates the keys of the map obj.<field> (IsConfigMapKey, errors at
 * "<field>[<key>]") and adds the bytes of keys and values to *total. For
 * base64 values (secrets' data, configmaps' binaryData) the decoded size
 * counts.
 */
void ck_data_validate_keys(json_object *obj, const char *field, int base64, size_t *total,
			   struct ck_field_errors *errs);

/*
 * On update of an object whose old version is immutable: `immutable` may not
 * be unset and the listed maps may not change (upstream's "field is
 * immutable when `immutable` is set").
 */
void ck_data_validate_immutable(json_object *obj, json_object *old, const char *const *fields,
				struct ck_field_errors *errs);

#endif
