/*
 * auth/rbac: rule matching, subjects, coverage and the index-backed
 * authorizer, with upstream's tables (rbac_test.go TestAuthorizer and
 * TestRuleMatches, validation/rule_test.go TestAppliesTo,
 * policy_comparator_test.go).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/authz.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/str.h"

/* ---- builders ---- */

static json_object *strs(const char *csv)
{
	json_object *a = json_object_new_array();
	char **v = ck_str_split(csv, ',', 0);
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	ck_strv_free(v);
	return a;
}

/* upstream's newRule: every list split at ',' ("" is one empty item). */
static json_object *rule(const char *verbs, const char *groups, const char *resources,
			 const char *urls)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "verbs", strs(verbs));
	json_object_object_add(r, "apiGroups", strs(groups));
	json_object_object_add(r, "resources", strs(resources));
	json_object_object_add(r, "nonResourceURLs", strs(urls));
	return r;
}

static json_object *role(const char *ns, const char *name, json_object *rule1, json_object *rule2)
{
	json_object *o = json_object_new_object(), *md = json_object_new_object();
	json_object_object_add(md, "name", json_object_new_string(name));
	if (ns)
		json_object_object_add(md, "namespace", json_object_new_string(ns));
	json_object_object_add(o, "metadata", md);
	json_object *rules = json_object_new_array();
	if (rule1)
		json_object_array_add(rules, rule1);
	if (rule2)
		json_object_array_add(rules, rule2);
	json_object_object_add(o, "rules", rules);
	return o;
}

/* subjects: "User:admin Group:admins ServiceAccount:ns/name" */
static json_object *binding(const char *ns, const char *name, const char *kind, const char *ref,
			    const char *subjects)
{
	json_object *o = json_object_new_object(), *md = json_object_new_object();
	json_object_object_add(md, "name", json_object_new_string(name));
	if (ns)
		json_object_object_add(md, "namespace", json_object_new_string(ns));
	json_object_object_add(o, "metadata", md);
	json_object *r = json_object_new_object();
	json_object_object_add(r, "kind", json_object_new_string(kind));
	json_object_object_add(r, "name", json_object_new_string(ref));
	json_object_object_add(o, "roleRef", r);
	json_object *subs = json_object_new_array();
	char **v = ck_str_split(subjects, ' ', 0);
	for (size_t i = 0; v[i]; i++) {
		char *colon = strchr(v[i], ':');
		json_object *s = json_object_new_object();
		*colon = '\0';
		json_object_object_add(s, "kind", json_object_new_string(v[i]));
		char *slash = strchr(colon + 1, '/');
		if (slash && strcmp(v[i], "ServiceAccount") == 0) {
			*slash = '\0';
			json_object_object_add(s, "namespace", json_object_new_string(colon + 1));
			json_object_object_add(s, "name", json_object_new_string(slash + 1));
		} else {
			json_object_object_add(s, "name", json_object_new_string(colon + 1));
		}
		json_object_array_add(subs, s);
	}
	ck_strv_free(v);
	json_object_object_add(o, "subjects", subs);
	return o;
}

static void put(struct ck_rbac_index *idx, enum ck_rbac_kind kind, json_object *obj)
{
	ck_rbac_index_put(idx, kind, obj);
	json_object_put(obj);
}

static void user_of(struct ck_user_info *u, const char *name, const char *groups)
{
	ck_user_init(u, name, "");
	if (!groups)
		return;
	char **v = ck_str_split(groups, ',', 0);
	for (size_t i = 0; v[i]; i++)
		ck_user_add_group(u, v[i]);
	ck_strv_free(v);
}

/* upstream's defaultAttributes {user, groups, verb, resource, subresource, namespace, apiGroup} */
static bool allowed(struct ck_rbac_index *idx, const char *name, const char *groups,
		    const char *verb, const char *resource, const char *sub, const char *ns,
		    const char *group)
{
	struct ck_user_info u;
	user_of(&u, name, groups);
	struct ck_authz_attrs at = { .user = &u,
				     .verb = verb,
				     .resource_request = true,
				     .resource = resource,
				     .subresource = sub,
				     .namespace = ns,
				     .api_group = group };
	char *reason = NULL;
	bool ok = ck_rbac_authorize(idx, &at, &reason) == CK_AUTHZ_ALLOW;
	free(reason);
	ck_user_release(&u);
	return ok;
}

static bool url_allowed(struct ck_rbac_index *idx, const char *name, const char *groups,
			const char *verb, const char *path)
{
	struct ck_user_info u;
	user_of(&u, name, groups);
	struct ck_authz_attrs at = { .user = &u, .verb = verb, .path = path };
	bool ok = ck_rbac_authorize(idx, &at, NULL) == CK_AUTHZ_ALLOW;
	ck_user_release(&u);
	return ok;
}

/* ---- TestAuthorizer ---- */

START_TEST(test_rbac_authorizer_namespaced)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	put(idx, CK_RBAC_CLUSTER_ROLE, role(NULL, "admin", rule("*", "*", "*", "*"), NULL));
	put(idx, CK_RBAC_ROLE_BINDING,
	    binding("ns1", "b", "ClusterRole", "admin", "User:admin Group:admins"));
	ck_assert(allowed(idx, "admin", "", "get", "Pods", "", "ns1", ""));
	ck_assert(allowed(idx, "admin", "", "watch", "Pods", "", "ns1", ""));
	ck_assert(allowed(idx, "admin", "group1", "watch", "Foobar", "", "ns1", ""));
	ck_assert(allowed(idx, "joe", "admins", "watch", "Foobar", "", "ns1", ""));
	ck_assert(allowed(idx, "joe", "group1,admins", "watch", "Foobar", "", "ns1", ""));
	ck_assert(!allowed(idx, "admin", "", "GET", "Pods", "", "ns2", ""));
	ck_assert(!allowed(idx, "admin", "", "GET", "Nodes", "", "", ""));
	ck_assert(!allowed(idx, "admin", "admins", "GET", "Pods", "", "ns2", ""));
	ck_assert(!allowed(idx, "admin", "admins", "GET", "Nodes", "", "", ""));
	ck_rbac_index_free(idx);
}
END_TEST

START_TEST(test_rbac_authorizer_non_resource)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	put(idx, CK_RBAC_CLUSTER_ROLE,
	    role(NULL, "non-resource-url-getter", rule("get", "", "", "/apis"), NULL));
	put(idx, CK_RBAC_CLUSTER_ROLE,
	    role(NULL, "non-resource-url", rule("*", "", "", "/apis"), NULL));
	put(idx, CK_RBAC_CLUSTER_ROLE,
	    role(NULL, "non-resource-url-prefix", rule("get", "", "", "/apis/*"), NULL));
	put(idx, CK_RBAC_CLUSTER_ROLE_BINDING,
	    binding(NULL, "b1", "ClusterRole", "non-resource-url-getter", "User:foo Group:bar"));
	put(idx, CK_RBAC_CLUSTER_ROLE_BINDING,
	    binding(NULL, "b2", "ClusterRole", "non-resource-url", "User:admin Group:admin"));
	put(idx, CK_RBAC_CLUSTER_ROLE_BINDING,
	    binding(NULL, "b3", "ClusterRole", "non-resource-url-prefix",
		    "User:prefixed Group:prefixed"));
	ck_assert(url_allowed(idx, "foo", NULL, "get", "/apis"));
	ck_assert(url_allowed(idx, "", "bar", "get", "/apis"));
	ck_assert(url_allowed(idx, "admin", NULL, "get", "/apis"));
	ck_assert(url_allowed(idx, "", "admin", "get", "/apis"));
	ck_assert(url_allowed(idx, "admin", NULL, "watch", "/apis"));
	ck_assert(url_allowed(idx, "", "admin", "watch", "/apis"));
	ck_assert(url_allowed(idx, "prefixed", NULL, "get", "/apis/v1"));
	ck_assert(url_allowed(idx, "", "prefixed", "get", "/apis/v1"));
	ck_assert(url_allowed(idx, "prefixed", NULL, "get", "/apis/v1/foobar"));
	ck_assert(url_allowed(idx, "", "prefixed", "get", "/apis/v1/foorbar"));
	/* wrong verb */
	ck_assert(!url_allowed(idx, "foo", NULL, "watch", "/apis"));
	ck_assert(!url_allowed(idx, "", "bar", "watch", "/apis"));
	/* wrong path */
	ck_assert(!url_allowed(idx, "foo", NULL, "get", "/api/v1"));
	ck_assert(!url_allowed(idx, "", "bar", "get", "/api/v1"));
	ck_assert(!url_allowed(idx, "admin", NULL, "get", "/api/v1"));
	ck_assert(!url_allowed(idx, "", "admin", "get", "/api/v1"));
	/* not covered by prefix */
	ck_assert(!url_allowed(idx, "prefixed", NULL, "get", "/api/v1"));
	ck_assert(!url_allowed(idx, "", "prefixed", "get", "/api/v1"));
	ck_rbac_index_free(idx);
}
END_TEST

START_TEST(test_rbac_authorizer_subresources)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	put(idx, CK_RBAC_CLUSTER_ROLE, role(NULL, "admin", rule("*", "*", "pods", "*"), NULL));
	put(idx, CK_RBAC_ROLE_BINDING,
	    binding("ns1", "b", "ClusterRole", "admin", "User:admin Group:admins"));
	ck_assert(allowed(idx, "admin", "", "get", "pods", "", "ns1", ""));
	ck_assert(!allowed(idx, "admin", "", "get", "pods", "status", "ns1", ""));
	ck_rbac_index_free(idx);

	idx = ck_rbac_index_new();
	put(idx, CK_RBAC_CLUSTER_ROLE,
	    role(NULL, "admin", rule("*", "*", "pods/status", "*"), NULL));
	put(idx, CK_RBAC_ROLE_BINDING,
	    binding("ns1", "b", "ClusterRole", "admin", "User:admin Group:admins"));
	ck_assert(allowed(idx, "admin", "", "get", "pods", "status", "ns1", ""));
	ck_assert(!allowed(idx, "admin", "", "get", "pods", "", "ns1", ""));
	ck_rbac_index_free(idx);
}
END_TEST

START_TEST(test_rbac_roles_and_reasons)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	/* A Role only in its namespace; a binding to a missing role is an error
	 * in the reason; updates and deletes take effect. */
	put(idx, CK_RBAC_ROLE, role("ns1", "reader", rule("get,list", "", "configmaps", ""), NULL));
	put(idx, CK_RBAC_ROLE_BINDING, binding("ns1", "rb", "Role", "reader", "User:jane"));
	put(idx, CK_RBAC_ROLE_BINDING, binding("ns2", "rb", "Role", "reader", "User:jane"));
	put(idx, CK_RBAC_CLUSTER_ROLE_BINDING,
	    binding(NULL, "gone", "ClusterRole", "nosuch", "User:jane"));
	ck_assert(allowed(idx, "jane", NULL, "list", "configmaps", "", "ns1", ""));
	ck_assert(!allowed(idx, "jane", NULL, "delete", "configmaps", "", "ns1", ""));
	ck_assert(!allowed(idx, "jane", NULL, "get", "configmaps", "", "ns2", ""));
	ck_assert(!allowed(idx, "jane", NULL, "list", "configmaps", "", "", ""));

	struct ck_user_info u;
	user_of(&u, "jane", NULL);
	struct ck_authz_attrs at = { .user = &u,
				     .verb = "get",
				     .resource_request = true,
				     .resource = "configmaps",
				     .namespace = "ns1",
				     .api_group = "" };
	char *reason = NULL;
	ck_assert_int_eq(ck_rbac_authorize(idx, &at, &reason), CK_AUTHZ_ALLOW);
	ck_assert_str_eq(reason, "RBAC: allowed by RoleBinding \"rb/ns1\" of Role \"reader\" to "
				 "User \"jane\"");
	free(reason);
	at.namespace = "ns2";
	ck_assert_int_eq(ck_rbac_authorize(idx, &at, &reason), CK_AUTHZ_NO_OPINION);
	ck_assert_str_eq(reason, "RBAC: [clusterrole.rbac.authorization.k8s.io \"nosuch\" not "
				 "found, role.rbac.authorization.k8s.io \"reader\" not found]");
	free(reason);

	struct ck_rbac_rules rules = { 0 };
	char *errs = NULL;
	ck_rbac_rules_for(idx, &u, "ns1", &rules, &errs);
	ck_assert_int_eq(rules.n, 1);
	ck_assert_str_eq(errs, "clusterrole.rbac.authorization.k8s.io \"nosuch\" not found");
	free(errs);
	ck_rbac_rules_release(&rules);

	ck_rbac_index_delete(idx, CK_RBAC_ROLE_BINDING, "ns1", "rb");
	ck_assert(!allowed(idx, "jane", NULL, "list", "configmaps", "", "ns1", ""));
	put(idx, CK_RBAC_ROLE_BINDING, binding("ns1", "rb", "Role", "reader", "User:jane"));
	put(idx, CK_RBAC_ROLE, role("ns1", "reader", rule("delete", "", "configmaps", ""), NULL));
	ck_assert(allowed(idx, "jane", NULL, "delete", "configmaps", "", "ns1", ""));
	ck_assert(!allowed(idx, "jane", NULL, "list", "configmaps", "", "ns1", ""));
	ck_rbac_index_clear(idx, CK_RBAC_ROLE);
	ck_assert(!allowed(idx, "jane", NULL, "delete", "configmaps", "", "ns1", ""));
	ck_user_release(&u);
	ck_rbac_index_free(idx);
}
END_TEST

START_TEST(test_rbac_service_account_subjects)
{
	struct ck_rbac_index *idx = ck_rbac_index_new();
	put(idx, CK_RBAC_CLUSTER_ROLE, role(NULL, "edit", rule("*", "", "secrets", ""), NULL));
	/* A ServiceAccount subject without a namespace means the binding's. */
	put(idx, CK_RBAC_ROLE_BINDING,
	    binding("ns1", "rb", "ClusterRole", "edit", "ServiceAccount:robot"));
	put(idx, CK_RBAC_CLUSTER_ROLE_BINDING,
	    binding(NULL, "crb", "ClusterRole", "edit", "ServiceAccount:kube-system/ctl"));
	ck_assert(
	    allowed(idx, "system:serviceaccount:ns1:robot", NULL, "get", "secrets", "", "ns1", ""));
	ck_assert(!allowed(idx, "system:serviceaccount:ns2:robot", NULL, "get", "secrets", "",
			   "ns2", ""));
	ck_assert(allowed(idx, "system:serviceaccount:kube-system:ctl", NULL, "get", "secrets", "",
			  "any", ""));
	ck_assert(!allowed(idx, "system:serviceaccount:kube-system:ctlx", NULL, "get", "secrets",
			   "", "any", ""));
	ck_rbac_index_free(idx);
}
END_TEST

/* ---- TestRuleMatches ---- */

static struct ck_rbac_rules one_rule(json_object *r)
{
	json_object *a = json_object_new_array();
	json_object_array_add(a, r);
	struct ck_rbac_rules rules;
	ck_rbac_rules_from_json(a, &rules);
	json_object_put(a);
	return rules;
}

/* A rule built with upstream's NewRule(verbs).Groups(g).Resources(r) (empty lists absent). */
static json_object *new_rule(const char *verbs, const char *groups, const char *resources,
			     const char *urls, const char *names)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "verbs", strs(verbs));
	if (groups)
		json_object_object_add(r, "apiGroups", strs(groups));
	if (resources)
		json_object_object_add(r, "resources", strs(resources));
	if (urls)
		json_object_object_add(r, "nonResourceURLs", strs(urls));
	if (names)
		json_object_object_add(r, "resourceNames", strs(names));
	return r;
}

static bool matches(const struct ck_rbac_rules *r, const char *verb, const char *group,
		    const char *resource, const char *sub, const char *name)
{
	struct ck_authz_attrs at = { .verb = verb,
				     .resource_request = true,
				     .api_group = group,
				     .resource = resource,
				     .subresource = sub,
				     .name = name };
	return ck_rbac_rule_allows(&at, &r->v[0]);
}

static bool url_matches(const struct ck_rbac_rules *r, const char *verb, const char *url)
{
	struct ck_authz_attrs at = { .verb = verb, .path = url };
	return ck_rbac_rule_allows(&at, &r->v[0]);
}

START_TEST(test_rbac_rule_matches)
{
	/* star verb, exact match other */
	struct ck_rbac_rules r = one_rule(new_rule("*", "group1", "resource1", NULL, NULL));
	ck_assert(matches(&r, "verb1", "group1", "resource1", "", ""));
	ck_assert(!matches(&r, "verb1", "group2", "resource1", "", ""));
	ck_assert(!matches(&r, "verb1", "group1", "resource2", "", ""));
	ck_assert(!matches(&r, "verb1", "group2", "resource2", "", ""));
	ck_assert(matches(&r, "verb2", "group1", "resource1", "", ""));
	ck_assert(!matches(&r, "verb2", "group2", "resource1", "", ""));
	ck_rbac_rules_release(&r);
	/* star group, exact match other */
	r = one_rule(new_rule("verb1", "*", "resource1", NULL, NULL));
	ck_assert(matches(&r, "verb1", "group1", "resource1", "", ""));
	ck_assert(matches(&r, "verb1", "group2", "resource1", "", ""));
	ck_assert(!matches(&r, "verb1", "group1", "resource2", "", ""));
	ck_assert(!matches(&r, "verb2", "group1", "resource1", "", ""));
	ck_rbac_rules_release(&r);
	/* star resource, exact match other */
	r = one_rule(new_rule("verb1", "group1", "*", NULL, NULL));
	ck_assert(matches(&r, "verb1", "group1", "resource1", "", ""));
	ck_assert(!matches(&r, "verb1", "group2", "resource1", "", ""));
	ck_assert(matches(&r, "verb1", "group1", "resource2", "", ""));
	ck_assert(!matches(&r, "verb2", "group1", "resource1", "", ""));
	ck_rbac_rules_release(&r);
	/* tuple expansion */
	r = one_rule(new_rule("verb1,verb2", "group1,group2", "resource1,resource2", NULL, NULL));
	const char *vs[] = { "verb1", "verb2" }, *gs[] = { "group1", "group2" },
		   *rs[] = { "resource1", "resource2" };
	for (int v = 0; v < 2; v++)
		for (int g = 0; g < 2; g++)
			for (int k = 0; k < 2; k++)
				ck_assert(matches(&r, vs[v], gs[g], rs[k], "", ""));
	ck_rbac_rules_release(&r);
	/* subresource expansion */
	r = one_rule(new_rule("*", "*", "resource1/subresource1", NULL, NULL));
	ck_assert(matches(&r, "verb1", "group1", "resource1", "subresource1", ""));
	ck_assert(!matches(&r, "verb1", "group2", "resource1", "subresource2", ""));
	ck_assert(!matches(&r, "verb1", "group1", "resource2", "subresource1", ""));
	ck_assert(matches(&r, "verb2", "group1", "resource1", "subresource1", ""));
	ck_rbac_rules_release(&r);
	/* star subresource */
	r = one_rule(new_rule("*", "*", "*/scale", NULL, NULL));
	ck_assert(matches(&r, "verb1", "group1", "deployments", "scale", ""));
	ck_assert(matches(&r, "verb1", "group1", "replicasets", "scale", ""));
	ck_assert(!matches(&r, "verb1", "group1", "deployments", "status", ""));
	ck_assert(!matches(&r, "verb1", "group1", "deployments", "", ""));
	ck_rbac_rules_release(&r);
	/* resource names */
	r = one_rule(new_rule("get", "", "configmaps", NULL, "a,b"));
	ck_assert(matches(&r, "get", "", "configmaps", "", "a"));
	ck_assert(matches(&r, "get", "", "configmaps", "", "b"));
	ck_assert(!matches(&r, "get", "", "configmaps", "", "c"));
	ck_assert(!matches(&r, "get", "", "configmaps", "", ""));
	ck_rbac_rules_release(&r);
	/* star nonresource, exact match other */
	r = one_rule(new_rule("verb1", NULL, NULL, "*", NULL));
	static const char *const urls[] = { "/foo", "/foo/bar", "/foo/baz", "/foo/bar/one",
					    "/foo/baz/one" };
	for (size_t i = 0; i < 5; i++) {
		ck_assert(url_matches(&r, "verb1", urls[i]));
		ck_assert(!url_matches(&r, "verb2", urls[i]));
	}
	ck_rbac_rules_release(&r);
	/* star nonresource subpath */
	r = one_rule(new_rule("verb1", NULL, NULL, "/foo/*", NULL));
	ck_assert(!url_matches(&r, "verb1", "/foo"));
	ck_assert(url_matches(&r, "verb1", "/foo/bar"));
	ck_assert(url_matches(&r, "verb1", "/foo/baz"));
	ck_assert(url_matches(&r, "verb1", "/foo/bar/one"));
	ck_assert(url_matches(&r, "verb1", "/foo/baz/one"));
	ck_assert(!url_matches(&r, "verb1", "/notfoo"));
	ck_assert(!url_matches(&r, "verb1", "/notfoo/bar"));
	ck_assert(!url_matches(&r, "verb1", "/notfoo/baz/one"));
	ck_rbac_rules_release(&r);
	/* star verb, exact nonresource */
	r = one_rule(new_rule("*", NULL, NULL, "/foo,/foo/bar/one", NULL));
	ck_assert(url_matches(&r, "verb1", "/foo"));
	ck_assert(!url_matches(&r, "verb1", "/foo/bar"));
	ck_assert(!url_matches(&r, "verb1", "/foo/baz"));
	ck_assert(url_matches(&r, "verb1", "/foo/bar/one"));
	ck_assert(!url_matches(&r, "verb1", "/foo/baz/one"));
	ck_assert(url_matches(&r, "verb2", "/foo"));
	ck_assert(url_matches(&r, "verb2", "/foo/bar/one"));
	ck_rbac_rules_release(&r);
}
END_TEST

/* ---- TestAppliesTo ---- */

START_TEST(test_rbac_applies_to)
{
	struct ck_user_info u;
	user_of(&u, "foobar", NULL);
	ck_assert(ck_rbac_subject_applies(&u, "User", "foobar", NULL, ""));
	ck_assert(!ck_rbac_subject_applies(&u, "User", "barfoo", NULL, ""));
	ck_assert(!ck_rbac_subject_applies(&u, "User", "*", NULL, "default"));
	ck_user_release(&u);
	user_of(&u, "zimzam", "foobar");
	ck_assert(ck_rbac_subject_applies(&u, "Group", "foobar", NULL, ""));
	ck_assert(ck_rbac_subject_applies(&u, "Group", "foobar", NULL, "namespace1"));
	ck_assert(!ck_rbac_subject_applies(&u, "User", "foobar", NULL, ""));
	ck_user_release(&u);
	user_of(&u, "system:serviceaccount:kube-system:default", NULL);
	ck_assert(
	    ck_rbac_subject_applies(&u, "ServiceAccount", "default", "kube-system", "default"));
	ck_assert(!ck_rbac_subject_applies(&u, "ServiceAccount", "default", NULL, "default"));
	ck_assert(ck_rbac_subject_applies(&u, "ServiceAccount", "default", NULL, "kube-system"));
	ck_assert(!ck_rbac_subject_applies(&u, "ServiceAccount", "default", NULL, ""));
	ck_assert(!ck_rbac_subject_applies(&u, "Unknown", "default", NULL, "kube-system"));
	ck_user_release(&u);
	user_of(&u, "foobar", "system:authenticated");
	ck_assert(ck_rbac_subject_applies(&u, "Group", "system:authenticated", NULL, "default"));
	ck_user_release(&u);
	user_of(&u, "system:anonymous", "system:unauthenticated");
	ck_assert(ck_rbac_subject_applies(&u, "Group", "system:unauthenticated", NULL, "default"));
	ck_assert(!ck_rbac_subject_applies(&u, "Group", "system:authenticated", NULL, "default"));
	ck_user_release(&u);
}
END_TEST

/* ---- policy_comparator_test.go ---- */

static struct ck_rbac_rules rules_json(const char *json)
{
	json_object *a = json_tokener_parse(json);
	ck_assert_ptr_nonnull(a);
	struct ck_rbac_rules r;
	ck_rbac_rules_from_json(a, &r);
	json_object_put(a);
	return r;
}

/* uncovered: the compact strings of the uncovered pieces, joined by '\n'. */
static void check_covers(const char *owner, const char *servant, bool want, const char *uncovered)
{
	struct ck_rbac_rules o = rules_json(owner), s = rules_json(servant), miss;
	ck_assert_int_eq(ck_rbac_covers(&o, &s, &miss), want);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < miss.n; i++) {
		if (i)
			ck_buf_addc(&b, '\n');
		ck_rbac_rule_compact_string(&miss.v[i], &b);
	}
	ck_assert_str_eq(ck_buf_str(&b), uncovered);
	ck_buf_release(&b);
	ck_rbac_rules_release(&o);
	ck_rbac_rules_release(&s);
	ck_rbac_rules_release(&miss);
}

#define R(g, v, r) "{\"apiGroups\":[" g "],\"verbs\":[" v "],\"resources\":[" r "]}"

START_TEST(test_rbac_covers)
{
	check_covers("[" R("\"v1\"", "\"get\"", "\"builds\"") "]",
		     "[" R("\"v1\"", "\"get\"", "\"builds\"") "]", true, "");
	check_covers(
	    "[" R("\"v1\"", "\"delete\"", "\"deployments\"") "," R(
		"\"v1\"", "\"delete\"", "\"builds\"") "," R("\"v1\"", "\"update\"",
							    "\"builds\",\"deployments\"") "]",
	    "[" R("\"v1\"", "\"delete\",\"update\"", "\"builds\",\"deployments\"") "]", true, "");
	check_covers("[" R("\"group1\",\"group2\"", "\"delete\",\"update\"",
			   "\"builds\",\"deployments\"") "]",
		     "[" R("\"group1\"", "\"delete\"", "\"deployments\"") "," R(
			 "\"group2\"", "\"update\"", "\"builds\",\"deployments\"") "]",
		     true, "");
	check_covers(
	    "[" R("\"v1\"", "\"delete\",\"update\"",
		  "\"builds\",\"deployments\"") "," R("\"v1\"", "\"delete\"", "\"pods\"") "]",
	    "[" R("\"v1\"", "\"delete\",\"update\"", "\"builds\",\"deployments\",\"pods\"") "]",
	    false, "{APIGroups:[\"v1\"], Resources:[\"pods\"], Verbs:[\"update\"]}");
	check_covers("[" R("\"*\"", "\"get\"", "\"roles\"") "]",
		     "[" R("\"group1\",\"group2\"", "\"get\"", "\"roles\"") "]", true, "");
	check_covers("[" R("\"dummy-group\"", "\"get\"", "\"roles\"") "]",
		     "[" R("\"*\"", "\"get\"", "\"roles\"") "]", false,
		     "{APIGroups:[\"*\"], Resources:[\"roles\"], Verbs:[\"get\"]}");
	check_covers("[" R("\"*\"", "\"get\"", "\"roles\"") "]",
		     "[" R("\"*\"", "\"get\"", "\"roles\"") "]", true, "");
	check_covers("[" R("\"v1\"", "\"*\"", "\"roles\"") "]",
		     "[" R("\"v1\"", "\"watch\",\"list\"", "\"roles\"") "]", true, "");
	check_covers("[" R("\"v1\"",
			   "\"get\",\"list\",\"watch\",\"create\",\"update\",\"delete\","
			   "\"exec\"",
			   "\"roles\"") "]",
		     "[" R("\"v1\"", "\"*\"", "\"roles\"") "]", false,
		     "{APIGroups:[\"v1\"], Resources:[\"roles\"], Verbs:[\"*\"]}");
	check_covers("[" R("\"v1\"", "\"*\"", "\"roles\"") "]",
		     "[" R("\"v1\"", "\"*\"", "\"roles\"") "]", true, "");
	check_covers("[" R("\"v1\"", "\"get\"", "\"*\"") "]",
		     "[" R("\"v1\"", "\"get\"", "\"resourcegroup:deployments\"") "]", true, "");
	check_covers("[" R("\"v1\"", "\"get\"", "\"roles\",\"resourcegroup:deployments\"") "]",
		     "[" R("\"v1\"", "\"get\"", "\"*\"") "]", false,
		     "{APIGroups:[\"v1\"], Resources:[\"*\"], Verbs:[\"get\"]}");
	check_covers("[" R("\"v1\"", "\"get\"", "\"*\"") "]",
		     "[" R("\"v1\"", "\"get\"", "\"*\"") "]", true, "");
	/* resource names */
	check_covers("[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"pods\"],"
		     "\"resourceNames\":[]}]",
		     "[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"pods\"],"
		     "\"resourceNames\":[\"foo\",\"bar\"]}]",
		     true, "");
	check_covers("[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"pods\"],"
		     "\"resourceNames\":[\"foo\",\"bar\"]}]",
		     "[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"pods\"],"
		     "\"resourceNames\":[]}]",
		     false, "{APIGroups:[\"v1\"], Resources:[\"pods\"], Verbs:[\"get\"]}");
	/* non-resource URLs */
	check_covers("[{\"nonResourceURLs\":[\"/apis\"],\"verbs\":[\"*\"]}]",
		     "[{\"nonResourceURLs\":[\"/apis\"],\"verbs\":[\"*\"]}]", true, "");
	check_covers("[{\"nonResourceURLs\":[\"*\"],\"verbs\":[\"*\"]}]",
		     "[{\"nonResourceURLs\":[\"/apis\",\"/apis/v1\",\"/\"],\"verbs\":[\"*\"]}]",
		     true, "");
	check_covers("[{\"nonResourceURLs\":[\"/apis/*\"],\"verbs\":[\"*\"]}]",
		     "[{\"nonResourceURLs\":[\"/apis\",\"/apis/v1\"],\"verbs\":[\"get\"]}]", false,
		     "{NonResourceURLs:[\"/apis\"], Verbs:[\"get\"]}");
	check_covers("[{\"nonResourceURLs\":[\"/apis/*\"],\"verbs\":[\"*\"]}]",
		     "[{\"nonResourceURLs\":[\"/apis/v1/foo\",\"/apis/v1\"],\"verbs\":[\"get\"]}]",
		     true, "");
	check_covers("[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"builds\"],"
		     "\"nonResourceURLs\":[\"/apis\"]}]",
		     "[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"builds\"],"
		     "\"nonResourceURLs\":[\"/apis\"]}]",
		     true, "");
	check_covers("[" R("\"v1\"", "\"get\"", "\"builds\"") "]",
		     "[{\"apiGroups\":[\"v1\"],\"verbs\":[\"get\"],\"resources\":[\"builds\"],"
		     "\"nonResourceURLs\":[\"/apis\"]}]",
		     false, "{NonResourceURLs:[\"/apis\"], Verbs:[\"get\"]}");
	/* subresource wildcards */
	check_covers(
	    "[" R("\"apps\"", "\"get\"", "\"*/scale\"") "]",
	    "[" R("\"apps\"", "\"get\"", "\"deployments/scale\",\"replicasets/scale\"") "]", true,
	    "");
	check_covers("[" R("\"apps\"", "\"get\"", "\"*/scale\"") "]",
		     "[" R("\"apps\"", "\"get\"", "\"deployments\"") "]", false,
		     "{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"get\"]}");
}
END_TEST

START_TEST(test_rbac_non_resource_url_covers)
{
	/* TestNonResourceURLCovers, through one-rule coverage. */
	static const struct {
		const char *owner, *requested;
		bool want;
	} cases[] = {
		{ "*", "/api", true },		 { "/api", "/api", true },
		{ "/apis", "/api", false },	 { "/api/v1", "/api", false },
		{ "/api/v1", "/api/v1", true },	 { "/api/*", "/api/v1", true },
		{ "/api/*", "/api", false },	 { "/api/*/*", "/api/v1", false },
		{ "/*/v1/*", "/api/v1", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char o[128], s[128];
		snprintf(o, sizeof(o), "[{\"nonResourceURLs\":[\"%s\"],\"verbs\":[\"get\"]}]",
			 cases[i].owner);
		snprintf(s, sizeof(s), "[{\"nonResourceURLs\":[\"%s\"],\"verbs\":[\"get\"]}]",
			 cases[i].requested);
		struct ck_rbac_rules ro = rules_json(o), rs = rules_json(s);
		ck_assert_msg(ck_rbac_covers(&ro, &rs, NULL) == cases[i].want, "%s %s",
			      cases[i].owner, cases[i].requested);
		ck_rbac_rules_release(&ro);
		ck_rbac_rules_release(&rs);
	}
}
END_TEST

START_TEST(test_rbac_rule_json)
{
	struct ck_rbac_rules r = rules_json("[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
					    "\"resources\":[\"pods\"],\"bogus\":1}, 7, "
					    "{\"verbs\":\"notalist\"}]");
	ck_assert_int_eq(r.n, 3);
	json_object *o = ck_rbac_rule_to_json(&r.v[0]);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}");
	json_object_put(o);
	/* Malformed entries are empty rules: they allow nothing. */
	ck_assert(!matches(&(struct ck_rbac_rules){ &r.v[1], 1 }, "get", "", "pods", "", ""));
	o = ck_rbac_rule_to_json(&r.v[2]);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"verbs\":[]}");
	json_object_put(o);
	ck_rbac_rules_release(&r);
}
END_TEST

Suite *ck_test_suite_rbac(void)
{
	Suite *s = suite_create("rbac");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_rbac_authorizer_namespaced);
	tcase_add_test(tc, test_rbac_authorizer_non_resource);
	tcase_add_test(tc, test_rbac_authorizer_subresources);
	tcase_add_test(tc, test_rbac_roles_and_reasons);
	tcase_add_test(tc, test_rbac_service_account_subjects);
	tcase_add_test(tc, test_rbac_rule_matches);
	tcase_add_test(tc, test_rbac_applies_to);
	tcase_add_test(tc, test_rbac_covers);
	tcase_add_test(tc, test_rbac_non_resource_url_covers);
	tcase_add_test(tc, test_rbac_rule_json);
	suite_add_tcase(s, tc);
	return s;
}
