/*
 * The Node authorizer (upstream's plugin/pkg/auth/authorizer/node,
 * --authorization-mode=Node): what a kubelet's credentials
 * (system:node:<name> in system:nodes) may do. Upstream keeps a graph of
 * nodes, pods and what pods reference; ckube looks the edges up directly
 * when asked (the pods bound to the node, from the watch cache):
 *   - secrets, configmaps: get/list/watch of one referenced by a pod bound
 *     to the node;
 *   - persistentvolumeclaims (get; status update), persistentvolumes (get,
 *     through a claim): referenced by such a pod;
 *   - serviceaccounts/token: create, for an account such a pod runs as;
 *   - leases in kube-node-lease and csinodes: only the node's own name;
 *   - everything else: the system:node ClusterRole's rules (upstream's
 *     NodeRules), given at creation.
 * Requests from other users get no opinion. Decisions other than allow
 * are "no opinion" with upstream's reason, so that RBAC may still allow.
 */
#ifndef CK_AUTH_NODE_AUTHZ_H
#define CK_AUTH_NODE_AUTHZ_H

#include <json-c/json.h>

#include "auth/authz.h"
#include "auth/rbac.h"

/* Where the authorizer reads the graph's edges. Borrowed. */
struct ck_node_graph {
	/* The pods whose spec.nodeName is node, in ns ("" for all), as a new
	 * JSON array (owned, read-only). 0 or a negative errno. */
	int (*pods_on_node)(void *ctx, const char *node, const char *ns, json_object **ret);
	/* One object (owned, read-only), -ENOENT when absent. */
	int (*get)(void *ctx, const char *group, const char *resource, const char *ns,
		   const char *name, json_object **ret);
	void *ctx;
};

struct ck_node_authorizer;

/* graph and node_rules are copied (graph's ctx must outlive the authorizer). */
struct ck_node_authorizer *ck_node_authorizer_new(const struct ck_node_graph *graph,
						  const struct ck_rbac_rules *node_rules);
void ck_node_authorizer_free(struct ck_node_authorizer *n);

/* Decides; *ret_reason (owned, may be NULL) says why there is no opinion. */
enum ck_authz_decision ck_node_authorize(const struct ck_node_authorizer *n,
					 const struct ck_authz_attrs *at, char **ret_reason);

#endif
