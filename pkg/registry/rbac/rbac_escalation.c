/*
 * RBAC's escalation prevention (upstream's policybased storage of the
 * four kinds): a user may write a role only with the permissions it grants
 * (or the "escalate" verb on it), and bind a role only holding its
 * permissions (or with the "bind" verb on it). system:masters may do both.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/authz.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "registry/rbac/rbac.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

static bool allowed(const struct ck_subresource_request *req, const char *verb,
		    const char *resource, const char *ns, const char *name)
{
	const struct ck_authorizer *authz = req->env ? req->env->authz : NULL;
	if (!authz || !req->user)
		return false;
	struct ck_authz_attrs at = {
		.user = req->user,
		.verb = verb,
		.resource_request = true,
		.namespace = ns,
		.api_group = CK_RBAC_GROUP,
		.api_version = "*",
		.resource = resource,
		.name = name,
	};
	return ck_authorize(authz, &at, NULL) == CK_AUTHZ_ALLOW;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Go's %q of a []string. */
static void add_quoted_list(struct ck_buf *b, char *const *v)
{
	ck_buf_addc(b, '[');
	for (size_t i = 0; v && v[i]; i++)
		ck_buf_addf(b, "%s\"%s\"", i ? " " : "", v[i]);
	ck_buf_addc(b, ']');
}

/*
 * upstream's ConfirmNoEscalation: the user's RBAC rules in ns must cover
 * rules. 0, or -EPERM with the message in *ret_msg (owned).
 */
static int confirm_no_escalation(const struct ck_subresource_request *req,
				 const struct ck_rbac_rules *rules, char **ret_msg)
{
	struct ck_rbac_index *idx =
	    req->env && req->env->authz ? ck_authorizer_rbac(req->env->authz) : NULL;
	struct ck_rbac_rules owner = { 0 }, missing, compact;
	char *errors = NULL;
	if (idx)
		ck_rbac_rules_for(idx, req->user, req->namespace, &owner, &errors);
	bool covered = ck_rbac_covers(&owner, rules, &missing);
	ck_rbac_rules_release(&owner);
	if (covered) {
		free(errors);
		ck_rbac_rules_release(&missing);
		return 0;
	}
	ck_rbac_rules_compact(&missing, &compact);
	char **lines = ck_calloc(compact.n + 1, sizeof(*lines));
	size_t n = 0;
	for (size_t i = 0; i < compact.n; i++) {
		struct ck_buf b = CK_BUF_INIT;
		ck_rbac_rule_compact_string(&compact.v[i], &b);
		char *line = ck_buf_detach(&b, NULL);
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = ck_streq(lines[j], line);
		if (dup)
			free(line);
		else
			lines[n++] = line;
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	struct ck_buf msg = CK_BUF_INIT;
	ck_buf_addf(&msg, "user \"%s\" (groups=", req->user->name);
	add_quoted_list(&msg, req->user->groups);
	ck_buf_adds(&msg, ") is attempting to grant RBAC permissions not currently held:\n");
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(&msg, "%s%s", i ? "\n" : "", lines[i]);
	if (errors)
		ck_buf_addf(&msg, "; resolution errors: [%s]", errors);
	*ret_msg = ck_buf_detach(&msg, NULL);
	ck_strv_free(lines);
	free(errors);
	ck_rbac_rules_release(&missing);
	ck_rbac_rules_release(&compact);
	return -EPERM;
}

static bool masters(const struct ck_subresource_request *req)
{
	return req->user && ck_user_in_group(req->user, CK_GROUP_MASTERS);
}

static bool same(json_object *a, json_object *b, const char *key)
{
	json_object *x = NULL, *y = NULL;
	json_object_object_get_ex(a, key, &x);
	json_object_object_get_ex(b, key, &y);
	return json_object_equal(x, y);
}

static int forbidden(json_object **ret_status, const char *resource, json_object *obj,
		     const char *msg)
{
	const char *name = ck_obj_name(obj);
	*ret_status = ck_status_new_forbidden(CK_RBAC_GROUP, resource, name ? name : "", msg);
	return -EPERM;
}

static int check_role(const struct ck_subresource_request *req, json_object *obj, json_object *old,
		      json_object **ret_status, bool cluster)
{
	const char *resource = cluster ? "clusterroles" : "roles";
	/* An update that leaves the permissions alone grants nothing new. */
	if (old && same(obj, old, "rules") && same(obj, old, "aggregationRule"))
		return 0;
	if (masters(req) ||
	    allowed(req, "escalate", resource, cluster ? "" : req->namespace, ck_obj_name(obj)))
		return 0;
	struct ck_rbac_rules rules;
	json_object *r = NULL;
	json_object_object_get_ex(obj, "rules", &r);
	ck_rbac_rules_from_json(r, &rules);
	char *msg = NULL;
	int rc = confirm_no_escalation(req, &rules, &msg);
	ck_rbac_rules_release(&rules);
	if (rc < 0) {
		rc = forbidden(ret_status, resource, obj, msg);
		free(msg);
		return rc;
	}
	if (cluster && ck_obj_path(obj, "aggregationRule")) {
		/* An aggregation rule can gather anything: it needs * on *.*. */
		struct ck_rbac_rules all = { 0 };
		char *star[] = { "*", NULL }, *none[] = { NULL };
		struct ck_rbac_rule everything = { star, star, star, none, none };
		struct ck_rbac_rule urls = { star, none, none, none, star };
		ck_rbac_rules_add(&all, &everything);
		ck_rbac_rules_add(&all, &urls);
		rc = confirm_no_escalation(req, &all, &msg);
		ck_rbac_rules_release(&all);
		free(msg);
		if (rc < 0)
			return forbidden(ret_status, resource, obj,
					 "must have cluster-admin privileges to use the "
					 "aggregationRule");
	}
	return 0;
}

static int check_binding(const struct ck_subresource_request *req, json_object *obj,
			 json_object *old, json_object **ret_status, bool cluster)
{
	const char *resource = cluster ? "clusterrolebindings" : "rolebindings";
	if (old && same(obj, old, "subjects") && same(obj, old, "roleRef"))
		return 0;
	if (masters(req))
		return 0;
	const char *ns = cluster ? "" : req->namespace;
	const char *kind = ck_obj_path_str(obj, "roleRef.kind");
	const char *name = ck_obj_path_str(obj, "roleRef.name");
	if (!kind || !name)
		return 0; /* validation has answered */
	bool cluster_role = ck_streq(kind, "ClusterRole");
	if (allowed(req, "bind", cluster_role ? "clusterroles" : "roles", ns, name))
		return 0;
	struct ck_rbac_index *idx =
	    req->env && req->env->authz ? ck_authorizer_rbac(req->env->authz) : NULL;
	struct ck_rbac_rules rules = { 0 };
	if (!idx || ck_rbac_role_rules(idx, kind, ns, name, &rules) < 0) {
		*ret_status = ck_status_new_not_found(CK_RBAC_GROUP,
						      cluster_role ? "clusterrole" : "role", name);
		return -ENOENT;
	}
	char *msg = NULL;
	int rc = confirm_no_escalation(req, &rules, &msg);
	ck_rbac_rules_release(&rules);
	if (rc < 0) {
		rc = forbidden(ret_status, resource, obj, msg);
		free(msg);
	}
	return rc;
}

int ck_rbac_check_role_write(const struct ck_subresource_request *req, json_object *obj,
			     json_object *old, json_object **ret_status)
{
	return check_role(req, obj, old, ret_status, false);
}

int ck_rbac_check_cluster_role_write(const struct ck_subresource_request *req, json_object *obj,
				     json_object *old, json_object **ret_status)
{
	return check_role(req, obj, old, ret_status, true);
}

int ck_rbac_check_role_binding_write(const struct ck_subresource_request *req, json_object *obj,
				     json_object *old, json_object **ret_status)
{
	return check_binding(req, obj, old, ret_status, false);
}

int ck_rbac_check_cluster_role_binding_write(const struct ck_subresource_request *req,
					     json_object *obj, json_object *old,
					     json_object **ret_status)
{
	return check_binding(req, obj, old, ret_status, true);
}
