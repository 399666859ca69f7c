/*
 * RBAC (rbac.authorization.k8s.io/v1) evaluated as upstream's
 * plugin/pkg/auth/authorizer/rbac and pkg/registry/rbac/validation:
 *  - a rule allows a resource request when its verbs, apiGroups, resources
 *    (with "resource/subresource" and "*\/subresource" forms) and
 *    resourceNames (empty = any) all match, "*" matching anything; a
 *    non-resource request when its verbs and nonResourceURLs match (a URL
 *    ending in '*' matches by prefix);
 *  - a binding applies to a user through a User subject (same name), a
 *    Group subject (one of the user's groups) or a ServiceAccount subject
 *    (system:serviceaccount:<ns>:<name>, ns defaulting to the binding's);
 *  - a request is allowed when a rule of a role bound to the user allows
 *    it: ClusterRoleBindings everywhere, RoleBindings in their namespace.
 *
 * The index (struct ck_rbac_index) holds the four kinds compiled into C
 * structures, fed object by object (from the watch caches), and answers
 * under a read lock: no storage read per request. It is thread-safe.
 */
#ifndef CK_AUTH_RBAC_H
#define CK_AUTH_RBAC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/authz.h"

struct ck_user_info;
struct ck_buf;

/* One PolicyRule. Every list is NULL-terminated and never NULL. */
struct ck_rbac_rule {
	char **verbs;
	char **api_groups;
	char **resources;
	char **resource_names;
	char **non_resource_urls;
};

struct ck_rbac_rules {
	struct ck_rbac_rule *v;
	size_t n;
};

/*
 * Compiles a "rules" array (borrowed; may be NULL: no rules). Entries that
 * are not objects and members that are not string arrays count as empty.
 */
void ck_rbac_rules_from_json(json_object *rules, struct ck_rbac_rules *ret);
void ck_rbac_rules_release(struct ck_rbac_rules *rules);
/* Appends a copy of rule. */
void ck_rbac_rules_add(struct ck_rbac_rules *rules, const struct ck_rbac_rule *rule);
/* A rule as rbac/v1 JSON (new object, owned), empty lists omitted. */
json_object *ck_rbac_rule_to_json(const struct ck_rbac_rule *rule);
void ck_rbac_rule_release(struct ck_rbac_rule *rule);

/* Whether rule allows the request (upstream's RuleAllows). */
bool ck_rbac_rule_allows(const struct ck_authz_attrs *at, const struct ck_rbac_rule *rule);

/*
 * Whether a binding subject applies to user (upstream's appliesToUser):
 * kind "User", "Group" or "ServiceAccount"; subject_ns is the subject's
 * namespace ("" or NULL), binding_ns the binding's ("" for cluster
 * bindings).
 */
bool ck_rbac_subject_applies(const struct ck_user_info *user, const char *kind, const char *name,
			     const char *subject_ns, const char *binding_ns);

/*
 * Whether owner's rules cover every permission of servant's (upstream's
 * Covers): servant rules are broken down to one verb, group, resource and
 * name each, and each piece must be covered by one owner rule. The pieces
 * not covered go to *ret_uncovered when not NULL (release it).
 */
bool ck_rbac_covers(const struct ck_rbac_rules *owner, const struct ck_rbac_rules *servant,
		    struct ck_rbac_rules *ret_uncovered);

/*
 * Upstream's CompactString of a rule: {APIGroups:["apps"], Resources:["x"],
 * Verbs:["get" "list"]} (non-empty lists only, in that field order).
 */
void ck_rbac_rule_compact_string(const struct ck_rbac_rule *rule, struct ck_buf *out);

/*
 * Upstream's CompactRules: rules for one group and one resource (and at most
 * one name, no URLs) merged into one rule per (group, resource, name) with
 * their verbs; the rest kept as they are. out is zeroed here.
 */
void ck_rbac_rules_compact(const struct ck_rbac_rules *in, struct ck_rbac_rules *out);

/* ---- the index ---- */

enum ck_rbac_kind {
	CK_RBAC_ROLE,
	CK_RBAC_CLUSTER_ROLE,
	CK_RBAC_ROLE_BINDING,
	CK_RBAC_CLUSTER_ROLE_BINDING,
};

struct ck_rbac_index;

struct ck_rbac_index *ck_rbac_index_new(void);
void ck_rbac_index_free(struct ck_rbac_index *idx);
/* Adds or replaces an object (borrowed, read only). */
void ck_rbac_index_put(struct ck_rbac_index *idx, enum ck_rbac_kind kind, json_object *obj);
/* Removes an object by namespace ("" for cluster kinds) and name. */
void ck_rbac_index_delete(struct ck_rbac_index *idx, enum ck_rbac_kind kind, const char *ns,
			  const char *name);
/* Removes every object of kind (before a relist). */
void ck_rbac_index_clear(struct ck_rbac_index *idx, enum ck_rbac_kind kind);

/*
 * The RBAC authorizer: ALLOW with the reason "RBAC: allowed by
 * ClusterRoleBinding \"x\" of ClusterRole \"y\" to Group \"z\"", or
 * NO_OPINION with the resolution errors (a binding to a missing role) as
 * "RBAC: [clusterrole.rbac.authorization.k8s.io \"x\" not found]" when
 * there were any. *ret_reason (may be NULL) is owned.
 */
enum ck_authz_decision ck_rbac_authorize(struct ck_rbac_index *idx, const struct ck_authz_attrs *at,
					 char **ret_reason);

/*
 * Every rule that applies to user in namespace (cluster bindings, plus the
 * namespace's role bindings when ns is not empty), appended to *ret (init
 * it zeroed); resolution errors as one string in *ret_errors (owned; NULL
 * when none).
 */
void ck_rbac_rules_for(struct ck_rbac_index *idx, const struct ck_user_info *user, const char *ns,
		       struct ck_rbac_rules *ret, char **ret_errors);

/*
 * The rules of a role reference: kind "Role" (in ns) or "ClusterRole".
 * 0 with the rules appended to *ret, -ENOENT when there is no such role.
 */
int ck_rbac_role_rules(struct ck_rbac_index *idx, const char *kind, const char *ns,
		       const char *name, struct ck_rbac_rules *ret);

/* ---- feeding the index from the watch caches (rbac_feed.c) ---- */

struct ck_cacher;
struct ck_rbac_feed;

/*
 * Lists each cache into idx, then keeps idx up to date from a watch on it
 * (relisting when a watch is lost), as an informer does. caches is indexed
 * by enum ck_rbac_kind; all are borrowed and must outlive the feed. Returns
 * once the initial lists are in. *ret is owned (ck_rbac_feed_stop).
 */
int ck_rbac_feed_start(struct ck_rbac_index *idx, struct ck_cacher *const caches[4],
		       struct ck_rbac_feed **ret);
void ck_rbac_feed_stop(struct ck_rbac_feed *f);

#endif
