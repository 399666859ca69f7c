/*
 * rbac.authorization.k8s.io/v1: what the four kinds' strategies share
 * (upstream's pkg/apis/rbac/validation and v1 defaults), the bootstrap
 * policy the API server reconciles at start (upstream's
 * rbac/bootstrap-roles post-start hook), and the ClusterRole aggregation
 * upstream runs as a controller.
 */
#ifndef CK_REGISTRY_RBAC_H
#define CK_REGISTRY_RBAC_H

#include <json-c/json.h>
#include <stdbool.h>

struct ck_field_errors;
struct ck_storage;
struct ck_cacher;

#define CK_RBAC_GROUP "rbac.authorization.k8s.io"
#define CK_RBAC_AUTOUPDATE "rbac.authorization.kubernetes.io/autoupdate"

/* ---- strategy helpers (rbac_validation.c) ---- */

/* ValidatePolicyRule for every entry of obj's "rules". */
void ck_rbac_validate_rules(json_object *obj, bool namespaced, struct ck_field_errors *errs);
/* roleRef and subjects of a binding (ValidateRoleBinding / ...ClusterRoleBinding). */
void ck_rbac_validate_binding(json_object *obj, bool namespaced, struct ck_field_errors *errs);
/* "cannot change roleRef" when it differs from old's. */
void ck_rbac_validate_binding_update(json_object *obj, json_object *old,
				     struct ck_field_errors *errs);
/* aggregationRule.clusterRoleSelectors, when present. */
void ck_rbac_validate_aggregation(json_object *obj, struct ck_field_errors *errs);
/* v1 defaults: roleRef.apiGroup, and each subject's apiGroup by kind. */
void ck_rbac_default_binding(json_object *obj);

/* ---- escalation prevention (rbac_escalation.c): check_write hooks ---- */

struct ck_subresource_request;
int ck_rbac_check_role_write(const struct ck_subresource_request *req, json_object *obj,
			     json_object *old, json_object **ret_status);
int ck_rbac_check_cluster_role_write(const struct ck_subresource_request *req, json_object *obj,
				     json_object *old, json_object **ret_status);
int ck_rbac_check_role_binding_write(const struct ck_subresource_request *req, json_object *obj,
				     json_object *old, json_object **ret_status);
int ck_rbac_check_cluster_role_binding_write(const struct ck_subresource_request *req,
					     json_object *obj, json_object *old,
					     json_object **ret_status);

/* ---- bootstrap policy (rbac_bootstrap.c) ---- */

/*
 * Upstream's bootstrap policy as objects (new array, owned): ClusterRoles,
 * ClusterRoleBindings, Roles, RoleBindings, each with kind, apiVersion,
 * metadata (the rbac-defaults label, the autoupdate annotation), rules or
 * subjects and roleRef.
 */
json_object *ck_rbac_bootstrap_policy(void);

/*
 * What reconciling existing (borrowed) with expected (borrowed) gives, as
 * upstream's reconcile with union semantics: expected labels and
 * annotations added, missing rules, aggregation selectors and subjects
 * appended. A new object (owned) to store, or NULL when there is nothing to
 * do or the existing object has autoupdate "false".
 */
json_object *ck_rbac_bootstrap_reconcile(json_object *existing, json_object *expected);

/*
 * Creates or reconciles every bootstrap object in storage. 0 or a negative
 * errno (logged at -v=4). Idempotent; safe with several API servers.
 */
int ck_rbac_bootstrap_ensure(struct ck_storage *storage);

/* ---- aggregation (rbac_aggregation.c) ---- */

/*
 * The rules an aggregated ClusterRole (borrowed) gets from all (n borrowed
 * ClusterRoles): in name order, the rules of every other role whose labels
 * match one of its clusterRoleSelectors, each rule once. A new array
 * (owned), or NULL when the role has no aggregationRule.
 */
json_object *ck_rbac_aggregate_rules(json_object *role, json_object *const *all, size_t n);

struct ck_rbac_aggregator;

/*
 * Keeps the rules of aggregated ClusterRoles up to date in storage, fed by
 * the clusterroles watch cache (both borrowed; they outlive it). Runs one
 * thread. *ret is owned: stop it with ck_rbac_aggregator_stop.
 */
int ck_rbac_aggregator_start(struct ck_storage *storage, struct ck_cacher *clusterroles,
			     struct ck_rbac_aggregator **ret);
void ck_rbac_aggregator_stop(struct ck_rbac_aggregator *a);

#endif
