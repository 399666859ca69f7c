#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver/request_info.h"
#include "util/buf.h"

/* Cases from upstream's requestinfo_test.go (TestGetAPIRequestInfo). */
static const struct {
	const char *method, *path, *watch;
	const char *verb, *prefix, *group, *version, *ns, *resource, *sub, *name, *parts;
} cases[] = {
	{ "GET", "/api/v1/namespaces", NULL, "list", "api", "", "v1", "", "namespaces", "", "",
	  "namespaces" },
	{ "GET", "/api/v1/namespaces/other", NULL, "get", "api", "", "v1", "other", "namespaces",
	  "", "other", "namespaces/other" },
	{ "GET", "/api/v1/namespaces/other/pods", NULL, "list", "api", "", "v1", "other", "pods",
	  "", "", "pods" },
	{ "GET", "/api/v1/namespaces/other/pods/foo", NULL, "get", "api", "", "v1", "other", "pods",
	  "", "foo", "pods/foo" },
	{ "HEAD", "/api/v1/namespaces/other/pods/foo", NULL, "get", "api", "", "v1", "other",
	  "pods", "", "foo", "pods/foo" },
	{ "GET", "/api/v1/pods", NULL, "list", "api", "", "v1", "", "pods", "", "", "pods" },
	{ "HEAD", "/api/v1/pods", NULL, "list", "api", "", "v1", "", "pods", "", "", "pods" },
	{ "GET", "/api/v1/proxy/namespaces/other/pods/foo", NULL, "proxy", "api", "", "v1", "other",
	  "pods", "", "foo", "pods/foo" },
	{ "GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", NULL, "proxy",
	  "api", "", "v1", "other", "pods", "", "foo", "pods/foo/subpath/not/a/subresource" },
	{ "GET", "/api/v1/watch/pods", NULL, "watch", "api", "", "v1", "", "pods", "", "", "pods" },
	{ "GET", "/api/v1/pods", "true", "watch", "api", "", "v1", "", "pods", "", "", "pods" },
	{ "GET", "/api/v1/pods", "false", "list", "api", "", "v1", "", "pods", "", "", "pods" },
	{ "GET", "/api/v1/watch/namespaces/other/pods", NULL, "watch", "api", "", "v1", "other",
	  "pods", "", "", "pods" },
	{ "GET", "/api/v1/namespaces/other/pods", "1", "watch", "api", "", "v1", "other", "pods",
	  "", "", "pods" },
	{ "GET", "/api/v1/namespaces/other/pods", "0", "list", "api", "", "v1", "other", "pods", "",
	  "", "pods" },
	{ "GET", "/api/v1/namespaces/other/pods/foo/status", NULL, "get", "api", "", "v1", "other",
	  "pods", "status", "foo", "pods/foo/status" },
	{ "GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", NULL, "get", "api", "", "v1",
	  "other", "pods", "proxy", "foo", "pods/foo/proxy/subpath" },
	{ "PUT", "/api/v1/namespaces/other/finalize", NULL, "update", "api", "", "v1", "other",
	  "namespaces", "finalize", "other", "namespaces/other/finalize" },
	{ "PUT", "/api/v1/namespaces/other/status", NULL, "update", "api", "", "v1", "other",
	  "namespaces", "status", "other", "namespaces/other/status" },
	{ "PATCH", "/api/v1/namespaces/other/pods/foo", NULL, "patch", "api", "", "v1", "other",
	  "pods", "", "foo", "pods/foo" },
	{ "DELETE", "/api/v1/namespaces/other/pods/foo", NULL, "delete", "api", "", "v1", "other",
	  "pods", "", "foo", "pods/foo" },
	{ "POST", "/api/v1/namespaces/other/pods", NULL, "create", "api", "", "v1", "other", "pods",
	  "", "", "pods" },
	{ "DELETE", "/api/v1/nodes", NULL, "deletecollection", "api", "", "v1", "", "nodes", "", "",
	  "nodes" },
	{ "DELETE", "/api/v1/namespaces", NULL, "deletecollection", "api", "", "v1", "",
	  "namespaces", "", "", "namespaces" },
	{ "DELETE", "/api/v1/namespaces/other/pods", NULL, "deletecollection", "api", "", "v1",
	  "other", "pods", "", "", "pods" },
	{ "DELETE", "/apis/extensions/v1/namespaces/other/pods", NULL, "deletecollection", "apis",
	  "extensions", "v1", "other", "pods", "", "", "pods" },
	{ "POST", "/apis/extensions/v1/namespaces/other/pods", NULL, "create", "apis", "extensions",
	  "v1", "other", "pods", "", "", "pods" },
	{ "POST", "/apis/extensions/v1beta3/namespaces/other/pods", NULL, "create", "apis",
	  "extensions", "v1beta3", "other", "pods", "", "", "pods" },
	{ "GET", "/apis/apps/v1/namespaces/default/deployments/web/scale", NULL, "get", "apis",
	  "apps", "v1", "default", "deployments", "scale", "web", "deployments/web/scale" },
	{ "GET", "/apis/coordination.k8s.io/v1/leases/", NULL, "list", "apis",
	  "coordination.k8s.io", "v1", "", "leases", "", "", "leases" },
};

static char *join(char **parts)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; parts[i]; i++)
		ck_buf_addf(&b, "%s%s", i ? "/" : "", parts[i]);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_request_info_resource)
{
	struct ck_request_info ri;
	ck_assert_int_eq(
	    ck_request_info_parse(cases[_i].method, cases[_i].path, cases[_i].watch, &ri), 0);
	ck_assert_msg(ri.is_resource_request, "%s", cases[_i].path);
	ck_assert_str_eq(ri.verb, cases[_i].verb);
	ck_assert_str_eq(ri.api_prefix, cases[_i].prefix);
	ck_assert_str_eq(ri.api_group, cases[_i].group);
	ck_assert_str_eq(ri.api_version, cases[_i].version);
	ck_assert_str_eq(ri.namespace, cases[_i].ns);
	ck_assert_str_eq(ri.resource, cases[_i].resource);
	ck_assert_str_eq(ri.subresource, cases[_i].sub);
	ck_assert_str_eq(ri.name, cases[_i].name);
	char *parts = join(ri.parts);
	ck_assert_str_eq(parts, cases[_i].parts);
	free(parts);
	ck_request_info_release(&ri);
}
END_TEST

START_TEST(test_request_info_non_resource)
{
	static const char *paths[] = { "/",
				       "/api/version/",
				       "/apis/group/version/",
				       "/healthz",
				       "/badprefix/version/resource",
				       "/apis/version/resource",
				       "/apis",
				       "/api",
				       "/api/v1" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct ck_request_info ri;
		ck_assert_int_eq(ck_request_info_parse("GET", paths[i], NULL, &ri), 0);
		ck_assert_msg(!ri.is_resource_request, "%s", paths[i]);
		ck_assert_str_eq(ri.verb, "get");
		ck_assert_str_eq(ri.path, paths[i]);
		ck_request_info_release(&ri);
	}
	struct ck_request_info ri;
	ck_assert_int_eq(ck_request_info_parse("POST", "/healthz", NULL, &ri), 0);
	ck_assert_str_eq(ri.verb, "post");
	ck_request_info_release(&ri);
}
END_TEST

START_TEST(test_request_info_errors)
{
	struct ck_request_info ri;
	/* A special verb with nothing after it names no kind. */
	ck_assert_int_eq(ck_request_info_parse("GET", "/api/v1/watch", NULL, &ri), -EINVAL);
	ck_assert(ri.is_resource_request);
	ck_request_info_release(&ri);
	ck_assert_int_eq(ck_request_info_parse("GET", "/apis/apps/v1/proxy/", NULL, &ri), -EINVAL);
	ck_request_info_release(&ri);
	ck_request_info_release(NULL);
	/* Unknown methods give an empty verb on resource paths, as upstream. */
	ck_assert_int_eq(ck_request_info_parse("OPTIONS", "/api/v1/pods/x", NULL, &ri), 0);
	ck_assert_str_eq(ri.verb, "");
	ck_request_info_release(&ri);
}
END_TEST

Suite *ck_test_suite_request_info(void)
{
	Suite *s = suite_create("request_info");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_request_info_resource, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_request_info_non_resource);
	tcase_add_test(tc, test_request_info_errors);
	suite_add_tcase(s, tc);
	return s;
}
