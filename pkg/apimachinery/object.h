/*
 * Accessors for API objects held as json-c objects (upstream's
 * unstructured helpers and meta.Accessor). Every getter returns borrowed
 * pointers into the object (valid while it is alive and unchanged); every
 * setter copies what it is given.
 */
#ifndef CK_APIMACHINERY_OBJECT_H
#define CK_APIMACHINERY_OBJECT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The value at a dotted path ("metadata.name", "spec.nodeName"), or NULL
 * when any step is missing or not an object. Borrowed.
 */
json_object *ck_obj_path(json_object *obj, const char *dotted);
/* o[key] when o is an object that has it (keys may hold dots), else NULL. Borrowed. */
json_object *ck_obj_get(json_object *o, const char *key);
/* The length of arr when it is an array, else 0. */
size_t ck_obj_array_len(json_object *arr);
/* The string at a dotted path, or NULL when missing or not a string. */
const char *ck_obj_path_str(json_object *obj, const char *dotted);
/* The same, or dflt when the field is absent or not a string. */
const char *ck_obj_path_str_or(json_object *obj, const char *dotted, const char *dflt);

/* metadata.<field> as a string, or NULL. */
const char *ck_obj_name(json_object *obj);
const char *ck_obj_namespace(json_object *obj);
const char *ck_obj_uid(json_object *obj);
const char *ck_obj_resource_version(json_object *obj);
/* The ownerReference with controller: true (upstream's GetControllerOf), or NULL. Borrowed. */
json_object *ck_obj_controller_ref(json_object *obj);
/* metadata.labels / annotations objects, or NULL. */
json_object *ck_obj_labels(json_object *obj);
json_object *ck_obj_annotations(json_object *obj);

/* metadata, created empty when missing (or replaced when not an object). */
json_object *ck_obj_metadata(json_object *obj);
/* Sets metadata.<field> to a string; NULL removes it. */
void ck_obj_set_meta_str(json_object *obj, const char *field, const char *value);

/*
 * A field's value as text, as field selectors compare it: strings as they
 * are, booleans "true"/"false", numbers in JSON form, missing or null "".
 * Writes into out (size bytes) and returns out.
 */
const char *ck_obj_field_text(json_object *obj, const char *dotted, char *out, size_t size);

/*
 * Sets the value at a dotted path, creating (or replacing non-object)
 * intermediate steps as objects. Takes value.
 */
void ck_obj_set_path(json_object *obj, const char *dotted, json_object *value);

/* Deep copy (owned); NULL for NULL. */
json_object *ck_obj_copy(json_object *obj);

/* Room for ck_obj_generate_name's result. */
#define CK_OBJ_GENERATED_NAME_MAX (58 + 5 + 1)
/*
 * upstream's names.SimpleNameGenerator: the prefix (its first 58
 * characters, so the result fits a 63-character label) and 5 random
 * characters from "bcdfghjklmnpqrstvwxz2456789", into out.
 */
void ck_obj_generate_name(const char *prefix, char out[CK_OBJ_GENERATED_NAME_MAX]);

#endif
