/*
 * What the apps/v1 and batch/v1 workload kinds share (upstream's
 * pkg/apis/apps/validation helpers and the workload printers), on json-c
 * objects: the spec.selector rules, int-or-percent fields, immutable
 * fields, integer defaults, and printer cells reading a pod template.
 * Objects are borrowed; paths and messages are upstream's.
 */
#ifndef CK_REGISTRY_APPS_WORKLOAD_H
#define CK_REGISTRY_APPS_WORKLOAD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/printers.h"

struct ck_field_errors;
struct ck_label_selector;

/*
 * spec.selector of a workload (a metav1.LabelSelector): Required when
 * absent, ValidateLabelSelector, and with empty_word "empty selector is
 * invalid for <empty_word>" when it selects everything. Returns the
 * selector (owned; ck_label_selector_free) for checking the template (the
 * nothing selector when absent, as LabelSelectorAsSelector(nil)), or NULL
 * when it does not convert.
 */
struct ck_label_selector *ck_workload_validate_selector(json_object *spec, const char *empty_word,
							struct ck_field_errors *errs);

/*
 * Whether the template's labels (spec.template.metadata.labels of obj) match
 * the selector selobj (a LabelSelector; none selects nothing); when not,
 * Invalid "`selector` does not match template `labels`". A selector that
 * does not convert is not checked (its errors are the selector's own).
 */
void ck_workload_validate_template_labels(json_object *obj, json_object *selobj,
					  struct ck_field_errors *errs);

/* ValidatePositiveIntOrPercent of the int-or-string v (may be NULL) at path. */
void ck_workload_validate_int_or_percent(json_object *v, const char *path,
					 struct ck_field_errors *errs);
/* IsNotMoreThan100Percent. */
void ck_workload_validate_max_100_percent(json_object *v, const char *path,
					  struct ck_field_errors *errs);
/* getIntOrPercentValue: the percent's number, or the integer; 0 otherwise. */
int64_t ck_workload_int_or_percent_value(json_object *v);

/* ValidateImmutableField: Invalid(path, new, "field is immutable") when they differ. */
void ck_workload_validate_immutable(json_object *new_value, json_object *old_value,
				    const char *path, struct ck_field_errors *errs);

/* o[key] = value when absent (or not an integer). */
void ck_workload_default_int(json_object *o, const char *key, int64_t value);
/* o[key] = value when absent; value is taken (owned). */
void ck_workload_default_value(json_object *o, const char *key, json_object *value);

/* The pod spec of the template at a dotted path ("spec.template"); borrowed. */
json_object *ck_workload_pod_spec(json_object *obj, const char *template_path);

/* status.collisionCount may not go down (IsDecremented): "cannot be decremented". */
void ck_workload_validate_collision_count(json_object *obj, json_object *old,
					  struct ck_field_errors *errs);

/* Where deployments, replicasets and statefulsets keep their Scale's fields. */
extern const struct ck_scale_paths ck_workload_scale_paths;
/* Their subresources: status and scale. */
extern const struct ck_subresource ck_workload_scalable_subresources[];
/* Every workload's: status. */
extern const struct ck_subresource ck_workload_status_subresources[];
/* The category of every workload kind: all. */
extern const char *const ck_workload_categories[];

/*
 * What replicasets and replicationcontrollers share: status {replicas: 0}
 * on create, their status validation (a validate_status_update hook), the
 * status.replicas field selector (a field_text hook and its list), and the
 * Desired/Current/Ready cells.
 */
void ck_workload_init_replica_status(json_object *obj);
void ck_workload_validate_replica_set_status(json_object *obj, json_object *old,
					     struct ck_field_errors *errs);
const char *ck_workload_replicas_field_text(json_object *obj, const char *field, char *out,
					    size_t size);
extern const char *const ck_workload_replicas_field_selectors[];
json_object *ck_workload_cell_desired(json_object *obj, int64_t now_ns);
json_object *ck_workload_cell_current(json_object *obj, int64_t now_ns);
json_object *ck_workload_cell_ready(json_object *obj, int64_t now_ns);

/* Printer cells (new json-c values the caller owns). */
/* The integer at a dotted path, 0 when missing. */
json_object *ck_workload_cell_int(json_object *obj, const char *dotted);
/* "<a>/<b>" of two integers at dotted paths (READY columns). */
json_object *ck_workload_cell_ratio(json_object *obj, const char *num, const char *den);
/* The LabelSelector at a dotted path in its string form. */
json_object *ck_workload_cell_selector(json_object *obj, const char *dotted);

/*
 * The -o wide columns of workloads whose pod template is spec.template and
 * selector spec.selector: Containers, Images, Selector (cells below).
 */
json_object *ck_workload_cell_containers(json_object *obj, int64_t now_ns);
json_object *ck_workload_cell_images(json_object *obj, int64_t now_ns);
json_object *ck_workload_cell_spec_selector(json_object *obj, int64_t now_ns);
#define CK_WORKLOAD_COLUMN_CONTAINERS                                                      \
	{                                                                                  \
		"Containers", "string", "", "Names of each container in the template.", 1, \
		    ck_workload_cell_containers                                            \
	}
#define CK_WORKLOAD_COLUMN_IMAGES                                                                  \
	{                                                                                          \
		"Images", "string", "", "Images referenced by each container in the template.", 1, \
		    ck_workload_cell_images                                                        \
	}
#define CK_WORKLOAD_COLUMN_SELECTOR(description)                                         \
	{                                                                                \
		"Selector", "string", "", description, 1, ck_workload_cell_spec_selector \
	}
#endif
