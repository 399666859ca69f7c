/*
 * The autoscaling/v1 Scale subresource (upstream's scale REST storage of
 * deployments, replicasets, statefulsets and replicationcontrollers), one
 * implementation driven by each resource's struct ck_scale_paths: how an
 * object reads as a Scale, and how a Scale written by a client turns back
 * into the object. The API server's generic update path does the rest
 * (preconditions, generation, the resource's own validation).
 */
#ifndef CK_REGISTRY_SCALE_H
#define CK_REGISTRY_SCALE_H

#include <json-c/json.h>

#include "registry/registry.h"

struct ck_field_errors;

#define CK_SCALE_API_VERSION "autoscaling/v1"
#define CK_SCALE_KIND "Scale"

/*
 * The Scale of obj (external form, borrowed): name, namespace, uid,
 * resourceVersion and creationTimestamp, spec.replicas, status.replicas
 * and status.selector (the selector's string form). Owned result.
 */
json_object *ck_scale_from_object(const struct ck_scale_paths *paths, json_object *obj);

/*
 * What a client's Scale (borrowed) does to obj (borrowed): a copy of obj
 * with the Scale's spec.replicas and, when the Scale has one, its
 * resourceVersion (a precondition the update checks). Returns 0 with
 * *ret_obj (owned); -EINVAL when the Scale is invalid (ValidateScale:
 * errors appended to errs); -ESTALE when the Scale names another uid.
 */
int ck_scale_to_object(const struct ck_scale_paths *paths, json_object *obj, json_object *scale,
		       struct ck_field_errors *errs, json_object **ret_obj);

#endif
