/*
 * What several core/v1 kinds share in their validation and defaulting
 * (upstream's pkg/apis/core/validation/validation.go, pkg/apis/core/helper
 * and SetDefaults_ResourceList), on json-c objects: field paths, resource
 * names and quantities, label and node selectors, tolerations and taints,
 * IPs and CIDRs. Messages and paths are upstream's.
 *
 * Conventions:
 *  - Objects are borrowed and may hold wrong types: a field of the wrong
 *    type reads as absent (decoding, not this, rejects wrong types).
 *  - Paths are built on a struct ck_buf with the ck_core_path_* helpers,
 *    each returning the length to truncate back to (ck_buf_truncate).
 */
#ifndef CK_REGISTRY_CORE_VALIDATION_H
#define CK_REGISTRY_CORE_VALIDATION_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "apimachinery/field_errors.h"
#include "util/buf.h"

/* ---- JSON access (borrowed results; wrong types read as absent) ---- */

json_object *ck_core_get(json_object *o, const char *key);
json_object *ck_core_obj(json_object *o, const char *key); /* an object, or NULL */
json_object *ck_core_arr(json_object *o, const char *key); /* an array, or NULL */
const char *ck_core_str(json_object *o, const char *key);  /* "" when absent */
bool ck_core_bool(json_object *o, const char *key);
/* An integer field: true and *ret when present as an integer. */
bool ck_core_int(json_object *o, const char *key, int64_t *ret);
size_t ck_core_len(json_object *arr); /* 0 for NULL or a non-array */
json_object *ck_core_at(json_object *arr, size_t i);
/* o[key], created as an object when absent or not an object. */
json_object *ck_core_ensure_obj(json_object *o, const char *key);
/* Sets o[key] to a string when absent or "". */
void ck_core_default_str(json_object *o, const char *key, const char *value);

/* ---- paths ---- */

static inline size_t ck_core_path_child(struct ck_buf *p, const char *name)
{
	size_t mark = p->len;
	ck_field_path_child(p, name);
	return mark;
}
static inline size_t ck_core_path_index(struct ck_buf *p, size_t i)
{
	size_t mark = p->len;
	ck_field_path_index(p, (long long)i);
	return mark;
}
static inline size_t ck_core_path_key(struct ck_buf *p, const char *key)
{
	size_t mark = p->len;
	ck_field_path_key(p, key);
	return mark;
}

/* ---- values ---- */

/* Each message of msgs (owned, may be NULL) as Invalid(path, value). */
void ck_core_add_msgs(struct ck_field_errors *errs, const char *path, const char *value,
		      char **msgs);
void ck_core_validate_dns1123_label(const char *v, const char *path, struct ck_field_errors *errs);
void ck_core_validate_dns1123_subdomain(const char *v, const char *path,
					struct ck_field_errors *errs);
void ck_core_validate_qualified_name(const char *v, const char *path, struct ck_field_errors *errs);
/* "must be greater than or equal to 0" for v < 0. */
void ck_core_validate_nonnegative(int64_t v, const char *path, struct ck_field_errors *errs);
/*
 * The replica counts of a controller's status (ValidateReplicaSetStatus,
 * ValidateDeploymentStatus, ValidateStatefulSetStatus): each field of
 * nonneg (NULL-terminated) not negative, each of le_replicas not above
 * replicas ("cannot be greater than status.replicas"), and, when ready_msg
 * is set, availableReplicas not above readyReplicas (with ready_msg).
 * status (may be NULL) is the object's .status; paths are "status.<f>".
 */
void ck_core_validate_replica_counts(json_object *status, const char *const *nonneg,
				     const char *const *le_replicas, const char *ready_msg,
				     struct ck_field_errors *errs);
/* IsValidIP / IsValidCIDR with upstream's messages. */
void ck_core_validate_ip(const char *v, const char *path, struct ck_field_errors *errs);
void ck_core_validate_cidr(const char *v, const char *path, struct ck_field_errors *errs);
bool ck_core_is_ipv6(const char *ip); /* a valid IPv6 (not IPv4-mapped) address */
/* ValidateNonSpecialIP: not unspecified, loopback or link-local. */
void ck_core_validate_non_special_ip(const char *v, const char *path, struct ck_field_errors *errs);
/* Annotations of an embedded object (keys and the 256 KiB total). */
void ck_core_validate_annotations(json_object *ann, const char *path, struct ck_field_errors *errs);
/* metav1.LabelSelector (matchLabels, matchExpressions). NULL is fine. */
void ck_core_validate_label_selector(json_object *sel, struct ck_buf *path,
				     struct ck_field_errors *errs);
/* core NodeSelector (nodeSelectorTerms of matchExpressions/matchFields). */
void ck_core_validate_node_selector(json_object *sel, struct ck_buf *path,
				    struct ck_field_errors *errs);
void ck_core_validate_node_selector_term(json_object *term, bool allow_invalid_values,
					 struct ck_buf *path, struct ck_field_errors *errs);
void ck_core_validate_tolerations(json_object *tolerations, struct ck_buf *path,
				  struct ck_field_errors *errs);
void ck_core_validate_taints(json_object *taints, struct ck_buf *path,
			     struct ck_field_errors *errs);
/* Whether two JSON values are equal, absent and null counting as equal. */
bool ck_core_equal(json_object *a, json_object *b);

/* ---- resources (pkg/apis/core/helper) ---- */

bool ck_core_is_native_resource(const char *name);
bool ck_core_is_extended_resource(const char *name);
bool ck_core_is_hugepages_resource(const char *name);
bool ck_core_is_standard_resource(const char *name);
bool ck_core_is_standard_container_resource(const char *name);
bool ck_core_is_standard_quota_resource(const char *name);
bool ck_core_is_integer_resource(const char *name);
bool ck_core_is_overcommit_allowed(const char *name);

/* validateResourceName / validateContainerResourceName. */
void ck_core_validate_resource_name(const char *name, const char *path,
				    struct ck_field_errors *errs);
void ck_core_validate_container_resource_name(const char *name, const char *path,
					      struct ck_field_errors *errs);
/* ValidateResourceQuantityValue: not negative; an integer for integer
 * resources. value is the JSON quantity. */
void ck_core_validate_resource_quantity(const char *name, json_object *value, const char *path,
					struct ck_field_errors *errs);
/*
 * Container resource requirements (limits, requests, claims): names,
 * quantities, requests <= limits (== for resources that may not
 * overcommit). res is the `resources` object (may be NULL).
 */
void ck_core_validate_resource_requirements(json_object *res, struct ck_buf *path,
					    struct ck_field_errors *errs);

/* SetDefaults_ResourceList: every quantity rounded up to a milli. */
void ck_core_default_resource_list(json_object *list);
/*
 * What decoding rejects in a ResourceList map: a quantity that does not
 * parse. 0, or -EINVAL with *ret_msg (owned) in upstream's wording.
 */
int ck_core_check_resource_list(json_object *list, char **ret_msg);

/*
 * A count (a Go int32 field) as field selectors compare it: its integer,
 * "0" when absent. Writes into out (size bytes) and returns out.
 */
const char *ck_core_count_text(json_object *obj, const char *dotted, char *out, size_t size);

/* ---- printer helpers (new json-c strings the caller owns) ---- */

/* The `key` (name, image) of each container of a pod spec, joined with ",". */
json_object *ck_core_cell_template_containers(json_object *pod_spec, const char *key);
/* labels.FormatLabels: sorted "k=v" pairs joined with ",", "<none>" when empty. */
json_object *ck_core_cell_labels(json_object *labels);

#endif
