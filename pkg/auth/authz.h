/*
 * Authorization (upstream's authorizer.Authorizer and the union
 * kube-apiserver builds from --authorization-mode): what a request asks
 * (struct ck_authz_attrs) and the chain of authorizers that decides.
 *
 * The chain is: first the system:masters group (always allowed, as
 * upstream's privileged-group authorizer), then each mode in the order
 * given: Node (node_authz.h), RBAC, AlwaysAllow, AlwaysDeny. The first
 * authorizer with an opinion (allow or deny) decides; when none has one,
 * the request is denied with the reasons collected, one per line.
 *
 * A struct ck_authorizer is immutable once made and shared by every thread.
 */
#ifndef CK_AUTH_AUTHZ_H
#define CK_AUTH_AUTHZ_H

#include <stdbool.h>

struct ck_user_info;
struct ck_rbac_index;

enum ck_authz_decision {
	CK_AUTHZ_NO_OPINION,
	CK_AUTHZ_ALLOW,
	CK_AUTHZ_DENY,
};

/* What is being asked (upstream's authorizer.AttributesRecord). */
struct ck_authz_attrs {
	const struct ck_user_info *user;
	const char *verb; /* get, list, watch, create, …, impersonate, bind, escalate; or
			     the lowercase HTTP method for non-resource requests */
	bool resource_request;
	const char *namespace; /* "" or NULL at cluster scope */
	const char *api_group; /* "" for core */
	const char *api_version;
	const char *resource;
	const char *subresource; /* "" or NULL */
	const char *name;	 /* "" or NULL */
	const char *path;	 /* non-resource requests */
};

struct ck_authorizer;

/*
 * Builds the chain from a comma-separated mode list ("RBAC", "AlwaysAllow,
 * RBAC", …; NULL or "" means AlwaysAllow, upstream's default). rbac is
 * borrowed and required when the list names RBAC. On error -EINVAL with a
 * message in *ret_err (owned).
 */
int ck_authorizer_new(const char *modes, struct ck_rbac_index *rbac, struct ck_authorizer **ret,
		      char **ret_err);
/*
 * As ck_authorizer_new, with the Node authorizer (borrowed; required when
 * the list names Node).
 */
struct ck_node_authorizer;
int ck_authorizer_new_with_node(const char *modes, struct ck_rbac_index *rbac,
				struct ck_node_authorizer *node, struct ck_authorizer **ret,
				char **ret_err);
void ck_authorizer_free(struct ck_authorizer *a);
/* Whether the chain has RBAC in it. */
bool ck_authorizer_uses_rbac(const struct ck_authorizer *a);
/* The RBAC index the chain reads (borrowed), or NULL without RBAC. */
struct ck_rbac_index *ck_authorizer_rbac(const struct ck_authorizer *a);

/*
 * Decides. *ret_reason (may be NULL) receives the reasons given (owned;
 * may be NULL when there are none).
 */
enum ck_authz_decision ck_authorize(const struct ck_authorizer *a, const struct ck_authz_attrs *at,
				    char **ret_reason);

struct ck_rbac_rules;

/*
 * What user may do in namespace, as upstream's RuleResolver union:
 * system:masters and AlwaysAllow give everything ("*" rules), AlwaysDeny
 * nothing, RBAC the rules bound to the user. Rules are appended to *ret
 * (zeroed by the caller); *ret_incomplete says whether some could not be
 * resolved, with the errors in *ret_err (owned; NULL when none).
 */
void ck_authorizer_rules_for(const struct ck_authorizer *a, const struct ck_user_info *user,
			     const char *ns, struct ck_rbac_rules *ret, bool *ret_incomplete,
			     char **ret_err);

#endif
