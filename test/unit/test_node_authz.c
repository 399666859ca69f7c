/* auth/node_authz: what a node's credentials may read and write (a fake graph). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver/request_info.h"
#include "auth/authz.h"
#include "auth/node_authz.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "util/str.h"

/* Two pods: p1 on n1 (secret s1, configmap c1, claim v1, account a1), p2 on n2 (secret s2). */
static const char *const pods_json[] = {
	"{\"metadata\":{\"name\":\"p1\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
	"\"serviceAccountName\":\"a1\",\"volumes\":[{\"name\":\"v\",\"persistentVolumeClaim\":{"
	"\"claimName\":\"v1\"}},{\"name\":\"p\",\"projected\":{\"sources\":[{\"configMap\":{"
	"\"name\":\"c1\"}}]}}],\"containers\":[{\"name\":\"c\",\"envFrom\":[{\"secretRef\":{"
	"\"name\":\"s1\"}}]}]}}",
	"{\"metadata\":{\"name\":\"p2\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n2\","
	"\"imagePullSecrets\":[{\"name\":\"s2\"}],\"containers\":[{\"name\":\"c\"}]}}",
};

static int pods_on_node(void *ctx, const char *node, const char *ns, json_object **ret)
{
	(void)ctx;
	json_object *out = json_object_new_array();
	for (size_t i = 0; i < 2; i++) {
		json_object *p = json_tokener_parse(pods_json[i]);
		json_object *spec = NULL, *nn = NULL, *md = NULL, *pns = NULL;
		json_object_object_get_ex(p, "spec", &spec);
		json_object_object_get_ex(spec, "nodeName", &nn);
		json_object_object_get_ex(p, "metadata", &md);
		json_object_object_get_ex(md, "namespace", &pns);
		if (ck_streq(json_object_get_string(nn), node) &&
		    (!*ns || ck_streq(json_object_get_string(pns), ns)))
			json_object_array_add(out, p);
		else
			json_object_put(p);
	}
	*ret = out;
	return 0;
}

static int get(void *ctx, const char *group, const char *resource, const char *ns, const char *name,
	       json_object **ret)
{
	(void)ctx, (void)group, (void)ns;
	if (ck_streq(resource, "persistentvolumeclaims") && ck_streq(name, "v1")) {
		*ret = json_tokener_parse("{\"spec\":{\"volumeName\":\"pv1\"}}");
		return 0;
	}
	return -ENOENT;
}

static enum ck_authz_decision ask(struct ck_node_authorizer *n, const struct ck_user_info *u,
				  const char *verb, const char *group, const char *resource,
				  const char *sub, const char *ns, const char *name, char **reason)
{
	struct ck_authz_attrs at = { .user = u,
				     .verb = verb,
				     .resource_request = true,
				     .api_group = group,
				     .resource = resource,
				     .subresource = sub,
				     .namespace = ns,
				     .name = name };
	free(*reason);
	*reason = NULL;
	return ck_node_authorize(n, &at, reason);
}

START_TEST(test_node_authz_graph)
{
	struct ck_node_graph g = { .pods_on_node = pods_on_node, .get = get };
	struct ck_rbac_rules rules = { 0 };
	json_object *rj = json_tokener_parse(
	    "[{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]"
	    "}"
	    ",{\"verbs\":[\"create\",\"update\",\"patch\"],\"apiGroups\":[\"\"],\"resources\":["
	    "\"nodes\"]}]");
	ck_rbac_rules_from_json(rj, &rules);
	json_object_put(rj);
	struct ck_node_authorizer *n = ck_node_authorizer_new(&g, &rules);
	ck_rbac_rules_release(&rules);
	struct ck_user_info n1, jane, anon_node;
	ck_user_init(&n1, "system:node:n1", "");
	ck_user_add_group(&n1, "system:nodes");
	ck_user_init(&jane, "jane", "");
	ck_user_init(&anon_node, "system:node:", "");
	ck_user_add_group(&anon_node, "system:nodes");
	char *r = NULL;
	const enum ck_authz_decision A = CK_AUTHZ_ALLOW, N = CK_AUTHZ_NO_OPINION;
	/* What its pods reference. */
	ck_assert_int_eq(ask(n, &n1, "get", "", "secrets", "", "ns", "s1", &r), A);
	ck_assert_int_eq(ask(n, &n1, "watch", "", "configmaps", "", "ns", "c1", &r), A);
	ck_assert_int_eq(ask(n, &n1, "get", "", "persistentvolumeclaims", "", "ns", "v1", &r), A);
	ck_assert_int_eq(ask(n, &n1, "get", "", "persistentvolumes", "", "", "pv1", &r), A);
	ck_assert_int_eq(ask(n, &n1, "create", "", "serviceaccounts", "token", "ns", "a1", &r), A);
	/* Not what other nodes' pods reference. */
	ck_assert_int_eq(ask(n, &n1, "get", "", "secrets", "", "ns", "s2", &r), N);
	ck_assert_str_eq(r, "no relationship found between node 'n1' and this object");
	ck_assert_int_eq(ask(n, &n1, "list", "", "secrets", "", "ns", "", &r), N);
	ck_assert_str_eq(r, "No Object name found");
	ck_assert_int_eq(ask(n, &n1, "delete", "", "secrets", "", "ns", "s1", &r), N);
	ck_assert_str_eq(r, "can only read resources of this type");
	ck_assert_int_eq(ask(n, &n1, "get", "", "persistentvolumes", "", "", "pv2", &r), N);
	ck_assert_int_eq(ask(n, &n1, "create", "", "serviceaccounts", "token", "ns", "a2", &r), N);
	/* Leases: its own name (creates are checked by NodeRestriction). */
	ck_assert_int_eq(
	    ask(n, &n1, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "n1", &r),
	    A);
	ck_assert_int_eq(
	    ask(n, &n1, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "n2", &r),
	    N);
	ck_assert_str_eq(r, "can only access node lease with the same name as the requesting node");
	ck_assert_int_eq(
	    ask(n, &n1, "get", "coordination.k8s.io", "leases", "", "default", "n1", &r), N);
	/* The static rules. */
	ck_assert_int_eq(ask(n, &n1, "list", "", "pods", "", "", "", &r), A);
	ck_assert_int_eq(ask(n, &n1, "delete", "", "nodes", "", "", "n1", &r), N);
	/* Others: no opinion, no reason. */
	ck_assert_int_eq(ask(n, &jane, "get", "", "secrets", "", "ns", "s1", &r), N);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(ask(n, &anon_node, "get", "", "pods", "", "ns", "p1", &r), N);
	ck_assert_str_eq(r, "unknown node for user \"system:node:\"");
	free(r);
	/* In the chain, the node authorizer's reason reaches the denial. */
	struct ck_authorizer *chain = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_authorizer_new_with_node("Node", NULL, n, &chain, &err), 0);
	struct ck_authz_attrs at = { .user = &n1,
				     .verb = "get",
				     .resource_request = true,
				     .api_group = "",
				     .resource = "secrets",
				     .namespace = "ns",
				     .name = "s2" };
	char *reason = NULL;
	ck_assert_int_eq(ck_authorize(chain, &at, &reason), CK_AUTHZ_NO_OPINION);
	ck_assert_str_eq(reason, "no relationship found between node 'n1' and this object");
	free(reason);
	ck_authorizer_free(chain);
	ck_assert_int_eq(ck_authorizer_new_with_node("Node", NULL, NULL, &chain, &err), -EINVAL);
	free(err);
	ck_node_authorizer_free(n);
	ck_user_release(&n1);
	ck_user_release(&jane);
	ck_user_release(&anon_node);
}
END_TEST

START_TEST(test_node_authz_field_selector_name)
{
	/* A list or watch by metadata.name is about that object (upstream's RequestInfo). */
	struct ck_request_info ri;
	ck_assert_int_eq(ck_request_info_parse("GET", "/api/v1/namespaces/ns/secrets", "1", &ri),
			 0);
	ck_assert_str_eq(ri.verb, "watch");
	ck_request_info_name_from_field_selector(&ri, "metadata.name=s1");
	ck_assert_str_eq(ri.name, "s1");
	ck_request_info_release(&ri);
	ck_assert_int_eq(ck_request_info_parse("GET", "/api/v1/namespaces/ns/secrets", NULL, &ri),
			 0);
	ck_request_info_name_from_field_selector(&ri, "metadata.name!=s1");
	ck_assert_str_eq(ri.name, "");
	ck_request_info_name_from_field_selector(&ri, "type=x,metadata.name=s2");
	ck_assert_str_eq(ri.name, "s2");
	ck_request_info_release(&ri);
	ck_assert_int_eq(
	    ck_request_info_parse("DELETE", "/api/v1/namespaces/ns/secrets", NULL, &ri), 0);
	ck_request_info_name_from_field_selector(&ri, "metadata.name=s1");
	ck_assert_str_eq(ri.name, "");
	ck_request_info_release(&ri);
}
END_TEST

Suite *ck_test_suite_node_authz(void)
{
	Suite *s = suite_create("node_authz");
	TCase *tc = tcase_create("node_authz");
	tcase_add_test(tc, test_node_authz_graph);
	tcase_add_test(tc, test_node_authz_field_selector_name);
	suite_add_tcase(s, tc);
	return s;
}
