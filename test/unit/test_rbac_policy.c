/*
 * registry/rbac: the bootstrap policy, its reconciliation, ClusterRole
 * aggregation and the kinds' validation (upstream's messages).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "auth/authz.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "registry/rbac/rbac.h"
#include "util/buf.h"
#include "util/str.h"

static json_object *find(json_object *policy, const char *kind, const char *ns, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(policy); i++) {
		json_object *o = json_object_array_get_idx(policy, i);
		const char *ons = ck_obj_namespace(o);
		if (ck_streq(ck_obj_path_str(o, "kind"), kind) && ck_streq(ck_obj_name(o), name) &&
		    ck_streq(ons ? ons : "", ns ? ns : ""))
			return o;
	}
	return NULL;
}

/* The policy in an index, with the aggregated roles filled as the controller would. */
static struct ck_rbac_index *policy_index(json_object *policy)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	size_t n = json_object_array_length(policy);
	json_object **all = calloc(n, sizeof(*all));
	size_t nroles = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(policy, i);
		if (ck_streq(ck_obj_path_str(o, "kind"), "ClusterRole"))
			all[nroles++] = o;
	}
	/* Aggregation nests (view → edit → admin): three passes settle it. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < nroles; i++) {
			json_object *rules = ck_rbac_aggregate_rules(all[i], all, nroles);
			if (rules)
				json_object_object_add(all[i], "rules", rules);
		}
	free(all);
	static const char *const kinds[] = { "Role", "ClusterRole", "RoleBinding",
					     "ClusterRoleBinding" };
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(policy, i);
		for (int k = 0; k < 4; k++)
			if (ck_streq(ck_obj_path_str(o, "kind"), kinds[k]))
				ck_rbac_index_put(idx, (enum ck_rbac_kind)k, o);
	}
	return idx;
}

static bool can(struct ck_rbac_index *idx, const char *user, const char *groups, const char *verb,
		const char *group, const char *resource, const char *sub, const char *ns,
		const char *name)
{
	struct ck_user_info u;
	ck_user_init(&u, user, "");
	char **g = ck_str_split(groups, ',', 0);
	for (size_t i = 0; g[i]; i++)
		if (*g[i])
			ck_user_add_group(&u, g[i]);
	ck_strv_free(g);
	struct ck_authz_attrs at = { .user = &u,
				     .verb = verb,
				     .resource_request = resource != NULL,
				     .api_group = group,
				     .resource = resource,
				     .subresource = sub,
				     .namespace = ns,
				     .name = name,
				     .path = resource ? NULL : name };
	bool ok = ck_rbac_authorize(idx, &at, NULL) == CK_AUTHZ_ALLOW;
	ck_user_release(&u);
	return ok;
}

START_TEST(test_policy_bootstrap)
{
	json_object *policy = ck_rbac_bootstrap_policy();
	json_object *admin = find(policy, "ClusterRole", NULL, "cluster-admin");
	ck_assert_ptr_nonnull(admin);
	json_object *label = NULL;
	ck_assert(
	    json_object_object_get_ex(ck_obj_labels(admin), "kubernetes.io/bootstrapping", &label));
	ck_assert_str_eq(json_object_get_string(label), "rbac-defaults");
	ck_assert_ptr_nonnull(
	    find(policy, "ClusterRoleBinding", NULL, "system:public-info-viewer"));
	ck_assert_ptr_nonnull(find(policy, "ClusterRole", NULL, "system:node"));
	ck_assert_ptr_nonnull(
	    find(policy, "Role", "kube-system", "system::leader-locking-kube-scheduler"));
	json_object *node = find(policy, "ClusterRoleBinding", NULL, "system:node");
	ck_assert_ptr_null(ck_obj_path(node, "subjects"));

	struct ck_rbac_index *idx = policy_index(policy);
	/* Public info for everyone, discovery for the authenticated. */
	ck_assert(can(idx, "system:anonymous", "system:unauthenticated", "get", NULL, NULL, NULL,
		      NULL, "/healthz"));
	ck_assert(can(idx, "system:anonymous", "system:unauthenticated", "get", NULL, NULL, NULL,
		      NULL, "/version"));
	ck_assert(!can(idx, "system:anonymous", "system:unauthenticated", "get", NULL, NULL, NULL,
		       NULL, "/api"));
	ck_assert(can(idx, "bob", "system:authenticated", "get", NULL, NULL, NULL, NULL,
		      "/apis/apps/v1"));
	ck_assert(!can(idx, "system:anonymous", "system:unauthenticated", "list", "", "pods", "",
		       "default", ""));
	/* Anyone authenticated may ask what they may do. */
	ck_assert(can(idx, "bob", "system:authenticated", "create", "authorization.k8s.io",
		      "selfsubjectaccessreviews", "", "", ""));
	ck_assert(can(idx, "bob", "system:authenticated", "create", "authentication.k8s.io",
		      "selfsubjectreviews", "", "", ""));
	/* cluster-admin for system:masters. */
	ck_assert(can(idx, "x", "system:masters", "delete", "apps", "deployments", "", "ns", "d"));
	ck_assert(can(idx, "x", "system:masters", "post", NULL, NULL, NULL, NULL, "/anything"));
	/* The scheduler and the proxy. */
	ck_assert(can(idx, "system:kube-scheduler", "system:authenticated", "create", "", "pods",
		      "binding", "default", "p"));
	ck_assert(can(idx, "system:kube-scheduler", "system:authenticated", "update",
		      "coordination.k8s.io", "leases", "", "kube-system", "kube-scheduler"));
	ck_assert(!can(idx, "system:kube-scheduler", "system:authenticated", "update",
		       "coordination.k8s.io", "leases", "", "kube-system", "other"));
	ck_assert(can(idx, "system:kube-proxy", "system:authenticated", "watch", "discovery.k8s.io",
		      "endpointslices", "", "", ""));
	ck_assert(!can(idx, "system:kube-proxy", "system:authenticated", "create", "", "pods", "",
		       "default", ""));
	ck_rbac_index_free(idx);

	/* admin ⊇ edit ⊇ view through aggregation. */
	json_object *adminrole = find(policy, "ClusterRole", NULL, "admin");
	json_object *edit = find(policy, "ClusterRole", NULL, "edit");
	json_object *view = find(policy, "ClusterRole", NULL, "view");
	struct ck_rbac_rules ra, re, rv;
	ck_rbac_rules_from_json(ck_obj_path(adminrole, "rules"), &ra);
	ck_rbac_rules_from_json(ck_obj_path(edit, "rules"), &re);
	ck_rbac_rules_from_json(ck_obj_path(view, "rules"), &rv);
	ck_assert_int_gt(rv.n, 0);
	ck_assert(ck_rbac_covers(&ra, &re, NULL));
	ck_assert(ck_rbac_covers(&re, &rv, NULL));
	ck_assert(!ck_rbac_covers(&rv, &re, NULL));
	ck_rbac_rules_release(&ra);
	ck_rbac_rules_release(&re);
	ck_rbac_rules_release(&rv);
	json_object_put(policy);
}
END_TEST

START_TEST(test_policy_reconcile)
{
	json_object *policy = ck_rbac_bootstrap_policy();
	json_object *expected = find(policy, "ClusterRole", NULL, "system:basic-user");
	/* Up to date: nothing to do. */
	ck_assert_ptr_null(ck_rbac_bootstrap_reconcile(expected, expected));
	/* A rule missing and a label gone: both come back; extra rules stay. */
	json_object *existing = ck_obj_copy(expected);
	json_object_object_add(existing, "rules",
			       json_tokener_parse("[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
						  "\"resources\":[\"extra\"]}]"));
	json_object_object_del(ck_obj_labels(existing), "kubernetes.io/bootstrapping");
	json_object *next = ck_rbac_bootstrap_reconcile(existing, expected);
	ck_assert_ptr_nonnull(next);
	struct ck_rbac_rules have, want;
	ck_rbac_rules_from_json(ck_obj_path(next, "rules"), &have);
	ck_rbac_rules_from_json(ck_obj_path(expected, "rules"), &want);
	ck_assert(ck_rbac_covers(&have, &want, NULL));
	ck_assert_int_eq(have.n, 1 + 3); /* extra + one per missing piece */
	ck_rbac_rules_release(&have);
	ck_rbac_rules_release(&want);
	ck_assert_ptr_nonnull(ck_obj_labels(next));
	json_object_put(next);
	/* autoupdate "false" protects it. */
	json_object_object_add(ck_obj_annotations(existing),
			       "rbac.authorization.kubernetes.io/autoupdate",
			       json_object_new_string("false"));
	ck_assert_ptr_null(ck_rbac_bootstrap_reconcile(existing, expected));
	json_object_put(existing);
	/* Bindings get missing subjects back. */
	json_object *b = find(policy, "ClusterRoleBinding", NULL, "system:public-info-viewer");
	existing = ck_obj_copy(b);
	json_object_object_add(existing, "subjects", json_object_new_array());
	next = ck_rbac_bootstrap_reconcile(existing, b);
	ck_assert_ptr_nonnull(next);
	ck_assert_int_eq(json_object_array_length(ck_obj_path(next, "subjects")), 2);
	json_object_put(next);
	json_object_put(existing);
	json_object_put(policy);
}
END_TEST

START_TEST(test_policy_aggregate)
{
	json_object *agg = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"agg\"},\"aggregationRule\":{\"clusterRoleSelectors\":"
	    "[{\"matchLabels\":{\"a\":\"true\"}},{\"matchExpressions\":[{\"key\":\"b\","
	    "\"operator\":\"Exists\"}]}]}}");
	json_object *r1 = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"z-one\",\"labels\":{\"a\":\"true\"}},\"rules\":"
	    "[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
	json_object *r2 = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"a-two\",\"labels\":{\"b\":\"x\"}},\"rules\":"
	    "[{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
	    "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
	json_object *r3 = json_tokener_parse(
	    "{\"metadata\":{\"name\":\"unrelated\",\"labels\":{\"a\":\"false\"}},\"rules\":"
	    "[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}");
	json_object *all[] = { agg, r1, r2, r3 };
	json_object *rules = ck_rbac_aggregate_rules(agg, all, 4);
	/* Name order (a-two before z-one), each rule once. */
	ck_assert_str_eq(json_object_to_json_string_ext(rules, JSON_C_TO_STRING_PLAIN),
			 "[{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
			 "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]");
	json_object_put(rules);
	ck_assert_ptr_null(ck_rbac_aggregate_rules(r1, all, 4));
	for (int i = 0; i < 4; i++)
		json_object_put(all[i]);
}
END_TEST

static char *errors_of(void (*fn)(json_object *, struct ck_field_errors *), const char *json)
{
	json_object *o = json_tokener_parse(json);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	fn(o, &errs);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < errs.len; i++) {
		char *s = ck_field_error_string(&errs.items[i]);
		ck_buf_addf(&b, "%s%s", i ? "; " : "", s);
		free(s);
	}
	ck_field_errors_release(&errs);
	json_object_put(o);
	return ck_buf_detach(&b, NULL);
}

static void role_rules(json_object *o, struct ck_field_errors *e)
{
	ck_rbac_validate_rules(o, true, e);
}
static void cluster_role(json_object *o, struct ck_field_errors *e)
{
	ck_rbac_validate_rules(o, false, e);
	ck_rbac_validate_aggregation(o, e);
}
static void role_binding(json_object *o, struct ck_field_errors *e)
{
	ck_rbac_validate_binding(o, true, e);
}
static void cluster_binding(json_object *o, struct ck_field_errors *e)
{
	ck_rbac_validate_binding(o, false, e);
}

static void check_errors(void (*fn)(json_object *, struct ck_field_errors *), const char *json,
			 const char *want)
{
	char *got = errors_of(fn, json);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_policy_validation)
{
	check_errors(role_rules,
		     "{\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
		     "\"resources\":[\"pods\"]}]}",
		     "");
	check_errors(role_rules, "{\"rules\":[{}]}",
		     "rules[0].verbs: Required value: verbs must contain at least one value; "
		     "rules[0].apiGroups: Required value: resource rules must supply at least one "
		     "api group; rules[0].resources: Required value: resource rules must supply at "
		     "least one resource");
	check_errors(role_rules, "{\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/x\"]}]}",
		     "rules[0].nonResourceURLs: Invalid value: [\"/x\"]: namespaced rules cannot "
		     "apply to non-resource URLs");
	check_errors(
	    cluster_role,
	    "{\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/x\"],"
	    "\"resources\":[\"pods\"]}]}",
	    "rules[0].nonResourceURLs: Invalid value: [\"/x\"]: rules cannot apply to both "
	    "regular resources and non-resource URLs");
	check_errors(cluster_role, "{\"aggregationRule\":{\"clusterRoleSelectors\":[]}}",
		     "aggregationRule.clusterRoleSelectors: Required value: at least one "
		     "clusterRoleSelector required if aggregationRule is non-nil");
	check_errors(role_binding,
		     "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\","
		     "\"name\":\"r\"},\"subjects\":[{\"kind\":\"User\",\"apiGroup\":"
		     "\"rbac.authorization.k8s.io\",\"name\":\"u\"},{\"kind\":\"ServiceAccount\","
		     "\"name\":\"sa\"}]}",
		     "");
	check_errors(role_binding,
		     "{\"roleRef\":{\"apiGroup\":\"x\",\"kind\":\"Node\"},\"subjects\":[{\"kind\":"
		     "\"Robot\",\"name\":\"r\"},{\"kind\":\"User\",\"name\":\"\"}]}",
		     "roleRef.apiGroup: Unsupported value: \"x\": supported values: "
		     "\"rbac.authorization.k8s.io\"; roleRef.kind: Unsupported value: \"Node\": "
		     "supported values: \"Role\", \"ClusterRole\"; roleRef.name: Required value; "
		     "subjects[0].kind: Unsupported value: \"Robot\": supported values: "
		     "\"ServiceAccount\", \"User\", \"Group\"; subjects[1].name: Required value; "
		     "subjects[1].apiGroup: Unsupported value: \"\": supported values: "
		     "\"rbac.authorization.k8s.io\"");
	check_errors(
	    cluster_binding,
	    "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\","
	    "\"name\":\"r\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"sa\"}]}",
	    "roleRef.kind: Unsupported value: \"Role\": supported values: "
	    "\"ClusterRole\"; subjects[0].namespace: Required value");
	/* Defaults: roleRef.apiGroup and User/Group subjects' apiGroup. */
	json_object *b = json_tokener_parse(
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":[{\"kind\":"
	    "\"Group\",\"name\":\"g\"},{\"kind\":\"ServiceAccount\",\"name\":\"s\"}]}");
	ck_rbac_default_binding(b);
	ck_assert_str_eq(ck_obj_path_str(b, "roleRef.apiGroup"), "rbac.authorization.k8s.io");
	json_object *subs = ck_obj_path(b, "subjects");
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(subs, 0), "apiGroup"),
			 "rbac.authorization.k8s.io");
	ck_assert_ptr_null(ck_obj_path_str(json_object_array_get_idx(subs, 1), "apiGroup"));
	json_object_put(b);
	/* roleRef may not change. */
	json_object *old = json_tokener_parse("{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s."
					      "io\",\"kind\":\"Role\",\"name\":\"a\"}}");
	json_object *new = json_tokener_parse("{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s."
					      "io\",\"kind\":\"Role\",\"name\":\"b\"}}");
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_rbac_validate_binding_update(new, old, &errs);
	ck_assert_int_eq(errs.len, 1);
	char *msg = ck_field_error_string(&errs.items[0]);
	ck_assert(ck_str_has_suffix(msg, ": cannot change roleRef"));
	free(msg);
	ck_field_errors_release(&errs);
	json_object_put(old);
	json_object_put(new);
}
END_TEST

Suite *ck_test_suite_rbac_policy(void)
{
	Suite *s = suite_create("rbac_policy");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_policy_bootstrap);
	tcase_add_test(tc, test_policy_reconcile);
	tcase_add_test(tc, test_policy_aggregate);
	tcase_add_test(tc, test_policy_validation);
	suite_add_tcase(s, tc);
	return s;
}
