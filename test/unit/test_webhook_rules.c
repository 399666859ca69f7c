/*
 * apiserver/admission: webhook rule matching (upstream's rules.Matcher
 * cases) and the plugin selection of --enable/--disable-admission-plugins.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver/admission/admission.h"
#include "apiserver/admission/webhook.h"
#include "registry/registry.h"

static bool matches(const char *rule_json, const char *group, const char *resource, const char *sub,
		    const char *ns, enum ck_admission_op op)
{
	const struct ck_resource *res = NULL;
	for (size_t i = 0; ck_resources[i]; i++)
		if (!strcmp(ck_resources[i]->group, group) &&
		    !strcmp(ck_resources[i]->resource, resource))
			res = ck_resources[i];
	ck_assert_msg(res != NULL, "%s/%s", group, resource);
	json_object *rule = json_tokener_parse(rule_json);
	ck_assert_ptr_nonnull(rule);
	struct ck_admission_attrs a = { .res = res, .subresource = sub, .op = op, .namespace = ns };
	bool m = ck_webhook_rule_matches(rule, &a);
	json_object_put(rule);
	return m;
}

#define RULE(ops, groups, versions, resources, scope)                                          \
	"{\"operations\":[" ops "],\"apiGroups\":[" groups "],\"apiVersions\":[" versions "]," \
	"\"resources\":[" resources "],\"scope\":\"" scope "\"}"

START_TEST(test_webhook_rule_resources)
{
	const char *pods = RULE("\"CREATE\"", "\"\"", "\"v1\"", "\"pods\"", "*");
	ck_assert(matches(pods, "", "pods", "", "default", CK_ADMISSION_CREATE));
	/* A subresource needs its own entry. */
	ck_assert(!matches(pods, "", "pods", "status", "default", CK_ADMISSION_CREATE));
	ck_assert(!matches(pods, "", "configmaps", "", "default", CK_ADMISSION_CREATE));
	ck_assert(!matches(pods, "", "pods", "", "default", CK_ADMISSION_UPDATE));
	const char *any_sub = RULE("\"*\"", "\"*\"", "\"*\"", "\"pods/*\"", "*");
	ck_assert(matches(any_sub, "", "pods", "status", "x", CK_ADMISSION_UPDATE));
	ck_assert(matches(any_sub, "", "pods", "binding", "x", CK_ADMISSION_CREATE));
	/* upstream's matcher: a "*" subresource matches the main resource too */
	ck_assert(matches(any_sub, "", "pods", "", "x", CK_ADMISSION_CREATE));
	ck_assert(!matches(any_sub, "", "services", "status", "x", CK_ADMISSION_UPDATE));
	const char *all_status = RULE("\"UPDATE\"", "\"*\"", "\"*\"", "\"*/status\"", "*");
	ck_assert(matches(all_status, "", "nodes", "status", "", CK_ADMISSION_UPDATE));
	ck_assert(!matches(all_status, "", "nodes", "", "", CK_ADMISSION_UPDATE));
	const char *everything = RULE("\"*\"", "\"*\"", "\"*\"", "\"*/*\"", "*");
	ck_assert(matches(everything, "", "pods", "", "x", CK_ADMISSION_DELETE));
	ck_assert(matches(everything, "", "pods", "eviction", "x", CK_ADMISSION_CREATE));
	const char *star = RULE("\"*\"", "\"*\"", "\"*\"", "\"*\"", "*");
	ck_assert(matches(star, "", "secrets", "", "x", CK_ADMISSION_CONNECT));
	ck_assert(!matches(star, "", "pods", "log", "x", CK_ADMISSION_CONNECT));
}
END_TEST

START_TEST(test_webhook_rule_groups_versions_scope)
{
	const char *leases =
	    RULE("\"CREATE\",\"UPDATE\"", "\"coordination.k8s.io\"", "\"v1\"", "\"leases\"", "*");
	ck_assert(matches(leases, "coordination.k8s.io", "leases", "", "kube-node-lease",
			  CK_ADMISSION_UPDATE));
	const char *core_only = RULE("\"*\"", "\"\"", "\"v1\"", "\"*\"", "*");
	ck_assert(
	    !matches(core_only, "coordination.k8s.io", "leases", "", "x", CK_ADMISSION_CREATE));
	const char *beta = RULE("\"*\"", "\"*\"", "\"v1beta1\"", "\"*\"", "*");
	ck_assert(!matches(beta, "", "pods", "", "x", CK_ADMISSION_CREATE));
	const char *cluster = RULE("\"*\"", "\"*\"", "\"*\"", "\"*\"", "Cluster");
	ck_assert(matches(cluster, "", "nodes", "", "", CK_ADMISSION_CREATE));
	ck_assert(!matches(cluster, "", "pods", "", "default", CK_ADMISSION_CREATE));
	const char *namespaced = RULE("\"*\"", "\"*\"", "\"*\"", "\"*\"", "Namespaced");
	ck_assert(!matches(namespaced, "", "nodes", "", "", CK_ADMISSION_CREATE));
	ck_assert(matches(namespaced, "", "pods", "", "default", CK_ADMISSION_CREATE));
}
END_TEST

static int list_none(void *ctx, const char *group, const char *resource, const char *ns, bool fresh,
		     json_object **ret)
{
	(void)ctx, (void)group, (void)resource, (void)ns, (void)fresh;
	*ret = json_object_new_array();
	return 0;
}

static int get_none(void *ctx, const char *group, const char *resource, const char *ns,
		    const char *name, json_object **ret)
{
	(void)ctx, (void)group, (void)resource, (void)ns, (void)name, (void)ret;
	return -ENOENT;
}

START_TEST(test_admission_plugin_selection)
{
	struct ck_admission_source src = { .get = get_none, .list = list_none };
	struct ck_admission *a = NULL;
	char *err = NULL;
	/* upstream's default set */
	ck_assert_int_eq(ck_admission_new(NULL, NULL, &src, &a, &err), 0);
	ck_assert(ck_admission_enabled(a, "NamespaceLifecycle"));
	ck_assert(ck_admission_enabled(a, "ServiceAccount"));
	ck_assert(ck_admission_enabled(a, "ResourceQuota"));
	ck_assert(!ck_admission_enabled(a, "NodeRestriction"));
	ck_admission_free(a);
	ck_assert_int_eq(ck_admission_new("NodeRestriction, PodSecurity", "ServiceAccount,Priority",
					  &src, &a, &err),
			 0);
	ck_assert(ck_admission_enabled(a, "NodeRestriction"));
	ck_assert(!ck_admission_enabled(a, "ServiceAccount"));
	ck_assert(!ck_admission_enabled(a, "Priority"));
	ck_assert(ck_admission_enabled(a, "LimitRanger"));
	ck_admission_free(a);
	ck_assert_int_eq(ck_admission_new("Bogus", NULL, &src, &a, &err), -EINVAL);
	ck_assert_str_eq(err, "admission-control plugin \"Bogus\" not found");
	free(err);
}
END_TEST

Suite *ck_test_suite_webhook_rules(void)
{
	Suite *s = suite_create("webhook_rules");
	TCase *tc = tcase_create("webhook_rules");
	tcase_add_test(tc, test_webhook_rule_resources);
	tcase_add_test(tc, test_webhook_rule_groups_versions_scope);
	tcase_add_test(tc, test_admission_plugin_selection);
	suite_add_tcase(s, tc);
	return s;
}
