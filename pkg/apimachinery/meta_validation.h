/*
 * ObjectMeta validation on create and update, as upstream's
 * apimachinery/pkg/api/validation (ValidateObjectMeta,
 * ValidateObjectMetaUpdate): name and generateName, namespace, generation,
 * labels, annotations (qualified keys, 256 KiB in all), ownerReferences,
 * finalizers, and on update the immutable fields. Errors are appended to a
 * ck_field_errors list with upstream's field paths and messages.
 */
#ifndef CK_APIMACHINERY_META_VALIDATION_H
#define CK_APIMACHINERY_META_VALIDATION_H

#include <json-c/json.h>
#include <stdbool.h>

#include "apimachinery/field_errors.h"

/* Upstream's ValidateNameFunc: NULL when valid, else messages (owned strv). */
typedef char **(*ck_name_validator)(const char *name, bool prefix);

/* Upstream's TotalAnnotationSizeLimitB. */
#define CK_ANNOTATIONS_SIZE_MAX (256 * 1024)
/* Upstream's FieldImmutableErrorMsg. */
#define CK_FIELD_IMMUTABLE "field is immutable"

/* obj is the whole object (borrowed); errors use "metadata.<field>" paths. */
void ck_validate_object_meta(json_object *obj, bool namespaced, ck_name_validator name_fn,
			     struct ck_field_errors *errs);
void ck_validate_object_meta_update(json_object *obj, json_object *old,
				    struct ck_field_errors *errs);

/* Labels map validation at path (upstream v1validation.ValidateLabels). */
void ck_validate_labels(json_object *labels, const char *path, struct ck_field_errors *errs);

#endif
