#include "auth/node_authz.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/podrefs.h"
#include "apimachinery/object.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define NODE_LEASE_NAMESPACE "kube-node-lease"

struct ck_node_authorizer {
	struct ck_node_graph graph;
	struct ck_rbac_rules rules;
};

struct ck_node_authorizer *ck_node_authorizer_new(const struct ck_node_graph *graph,
						  const struct ck_rbac_rules *node_rules)
{
	struct ck_node_authorizer *n = ck_calloc(1, sizeof(*n));
	n->graph = *graph;
	for (size_t i = 0; node_rules && i < node_rules->n; i++)
		ck_rbac_rules_add(&n->rules, &node_rules->v[i]);
	return n;
}

void ck_node_authorizer_free(struct ck_node_authorizer *n)
{
	if (!n)
		return;
	ck_rbac_rules_release(&n->rules);
	free(n);
}

static enum ck_authz_decision no(char **ret_reason, const char *reason)
{
	if (ret_reason)
		*ret_reason = reason ? ck_strdup(reason) : NULL;
	return CK_AUTHZ_NO_OPINION;
}

static bool is(const char *s, const char *v)
{
	return ck_streq(s ? s : "", v);
}

static bool verb_in(const char *verb, const char *const *verbs)
{
	for (size_t i = 0; verbs[i]; i++)
		if (ck_streq(verb, verbs[i]))
			return true;
	return false;
}

struct claim_to_pv {
	const struct ck_node_graph *graph;
	const char *ns;
	const char *pv;
	bool found;
};

static bool pv_of_claim(void *ctx, enum ck_pod_ref_kind kind, const char *name)
{
	struct claim_to_pv *c = ctx;
	if (kind != CK_POD_REF_PVC)
		return true;
	json_object *pvc = NULL;
	if (c->graph->get(c->graph->ctx, "", "persistentvolumeclaims", c->ns, name, &pvc) == 0) {
		c->found = ck_streq(ck_obj_path_str(pvc, "spec.volumeName"), c->pv);
		json_object_put(pvc);
	}
	return !c->found;
}

/* upstream's hasPathFrom: node → pod → kind (→ pv through a claim). */
static bool has_path(const struct ck_node_authorizer *n, const char *node,
		     enum ck_pod_ref_kind kind, bool pv, const char *ns, const char *name)
{
	json_object *pods = NULL;
	if (n->graph.pods_on_node(n->graph.ctx, node, pv ? "" : ns, &pods) < 0)
		return false;
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(pods) && !found; i++) {
		json_object *pod = json_object_array_get_idx(pods, i);
		if (pv) {
			struct claim_to_pv c = { &n->graph, ck_obj_namespace(pod), name, false };
			ck_api_pod_visit_refs(pod, pv_of_claim, &c);
			found = c.found;
		} else {
			found = ck_api_pod_references(pod, kind, name);
		}
	}
	json_object_put(pods);
	return found;
}

static enum ck_authz_decision authorize_path(const struct ck_node_authorizer *n, const char *node,
					     enum ck_pod_ref_kind kind, bool pv,
					     const struct ck_authz_attrs *at, char **ret_reason)
{
	if (!at->name || !*at->name)
		return no(ret_reason, "No Object name found");
	if (has_path(n, node, kind, pv, at->namespace ? at->namespace : "", at->name))
		return CK_AUTHZ_ALLOW;
	char msg[400];
	snprintf(msg, sizeof(msg), "no relationship found between node '%s' and this object", node);
	return no(ret_reason, msg);
}

static enum ck_authz_decision read_namespaced(const struct ck_node_authorizer *n, const char *node,
					      enum ck_pod_ref_kind kind,
					      const struct ck_authz_attrs *at, char **ret_reason)
{
	static const char *const read[] = { "get", "list", "watch", NULL };
	if (!verb_in(at->verb, read))
		return no(ret_reason, "can only read resources of this type");
	if (at->subresource && *at->subresource)
		return no(ret_reason, "cannot read subresource");
	if (!at->namespace || !*at->namespace)
		return no(ret_reason, "can only read namespaced object of this type");
	return authorize_path(n, node, kind, false, at, ret_reason);
}

static enum ck_authz_decision get_only(const struct ck_node_authorizer *n, const char *node,
				       enum ck_pod_ref_kind kind, bool pv,
				       const struct ck_authz_attrs *at, char **ret_reason)
{
	if (!is(at->verb, "get"))
		return no(ret_reason, "can only get individual resources of this type");
	if (at->subresource && *at->subresource)
		return no(ret_reason, "cannot get subresource");
	return authorize_path(n, node, kind, pv, at, ret_reason);
}

/* Objects named after the node (leases in kube-node-lease, csinodes). */
static enum ck_authz_decision own_named(const char *node, const struct ck_authz_attrs *at,
					bool lease, char **ret_reason)
{
	static const char *const verbs[] = { "get", "create", "update", "patch", "delete", NULL };
	if (!verb_in(at->verb, verbs))
		return no(ret_reason, lease ? "can only get, create, update, patch, or delete a "
					      "node lease"
					    : "can only get, create, update, patch, or delete a "
					      "CSINode");
	if (at->subresource && *at->subresource)
		return no(ret_reason, "cannot modify subresource");
	if (lease && !is(at->namespace, NODE_LEASE_NAMESPACE))
		return no(ret_reason, "can only access leases in the kube-node-lease namespace");
	/* The name of a create is not known here: NodeRestriction checks it. */
	if (!is(at->verb, "create") && !is(at->name, node))
		return no(ret_reason, lease ? "can only access node lease with the same name as "
					      "the requesting node"
					    : "can only access CSINode with the same name as the "
					      "requesting node");
	return CK_AUTHZ_ALLOW;
}

enum ck_authz_decision ck_node_authorize(const struct ck_node_authorizer *n,
					 const struct ck_authz_attrs *at, char **ret_reason)
{
	if (ret_reason)
		*ret_reason = NULL;
	const char *node = ck_user_node_name(at->user);
	if (!node)
		return CK_AUTHZ_NO_OPINION;
	if (!*node) {
		char msg[300];
		snprintf(msg, sizeof(msg), "unknown node for user \"%s\"", at->user->name);
		return no(ret_reason, msg);
	}
	if (at->resource_request) {
		const char *g = at->api_group ? at->api_group : "", *r = at->resource;
		if (!*g && is(r, "secrets"))
			return read_namespaced(n, node, CK_POD_REF_SECRET, at, ret_reason);
		if (!*g && is(r, "configmaps"))
			return read_namespaced(n, node, CK_POD_REF_CONFIGMAP, at, ret_reason);
		if (!*g && is(r, "persistentvolumeclaims")) {
			if (is(at->subresource, "status")) {
				static const char *const upd[] = { "update", "patch", NULL };
				if (!verb_in(at->verb, upd))
					return no(
					    ret_reason,
					    "can only update, patch persistentvolumeclaims/status");
				return authorize_path(n, node, CK_POD_REF_PVC, false, at,
						      ret_reason);
			}
			return get_only(n, node, CK_POD_REF_PVC, false, at, ret_reason);
		}
		if (!*g && is(r, "persistentvolumes"))
			return get_only(n, node, CK_POD_REF_PVC, true, at, ret_reason);
		if (!*g && is(r, "serviceaccounts")) {
			if (!is(at->verb, "create") || !is(at->subresource, "token"))
				return no(ret_reason, "can only create tokens for individual "
						      "service accounts");
			return authorize_path(n, node, CK_POD_REF_SERVICE_ACCOUNT, false, at,
					      ret_reason);
		}
		if (ck_streq(g, "coordination.k8s.io") && is(r, "leases"))
			return own_named(node, at, true, ret_reason);
		if (ck_streq(g, "storage.k8s.io") && is(r, "csinodes"))
			return own_named(node, at, false, ret_reason);
	}
	for (size_t i = 0; i < n->rules.n; i++)
		if (ck_rbac_rule_allows(at, &n->rules.v[i]))
			return CK_AUTHZ_ALLOW;
	return CK_AUTHZ_NO_OPINION;
}
