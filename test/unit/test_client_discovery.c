/*
 * Resource resolution from discovery documents (client/discovery.h), as
 * kubectl maps its arguments: short names, singulars, kinds,
 * resource.group, resource.version.group, group priority (core first) and
 * the preferred version; from aggregated and from legacy documents.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "client/discovery.h"

static const char *api_aggregated =
    "{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
    "\"metadata\":{},\"items\":[{\"metadata\":{\"creationTimestamp\":null},\"versions\":[{"
    "\"version\":\"v1\",\"resources\":["
    "{\"resource\":\"configmaps\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
    "\"kind\":\"ConfigMap\"},\"scope\":\"Namespaced\",\"singularResource\":\"configmap\","
    "\"verbs\":[\"create\",\"get\",\"list\"],\"shortNames\":[\"cm\"]},"
    "{\"resource\":\"events\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
    "\"kind\":\"Event\"},\"scope\":\"Namespaced\",\"singularResource\":\"event\","
    "\"verbs\":[\"get\"],\"shortNames\":[\"ev\"]},"
    "{\"resource\":\"namespaces\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\","
    "\"kind\":\"Namespace\"},\"scope\":\"Cluster\",\"singularResource\":\"namespace\","
    "\"verbs\":[\"get\"],\"shortNames\":[\"ns\"],\"subresources\":[{\"subresource\":"
    "\"status\"}]}]}]}]}";

static const char *apis_aggregated =
    "{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
    "\"metadata\":{},\"items\":["
    "{\"metadata\":{\"name\":\"apps\"},\"versions\":[{\"version\":\"v1\",\"resources\":["
    "{\"resource\":\"deployments\",\"responseKind\":{\"group\":\"apps\",\"version\":\"v1\","
    "\"kind\":\"Deployment\"},\"scope\":\"Namespaced\",\"singularResource\":\"deployment\","
    "\"verbs\":[\"get\"],\"shortNames\":[\"deploy\"],\"categories\":[\"all\"]}]}]},"
    "{\"metadata\":{\"name\":\"events.k8s.io\"},\"versions\":[{\"version\":\"v1\","
    "\"resources\":[{\"resource\":\"events\",\"responseKind\":{\"group\":\"events.k8s.io\","
    "\"version\":\"v1\",\"kind\":\"Event\"},\"scope\":\"Namespaced\",\"singularResource\":"
    "\"event\",\"verbs\":[\"get\"],\"shortNames\":[\"ev\"]}]}]},"
    "{\"metadata\":{\"name\":\"example.com\"},\"versions\":["
    "{\"version\":\"v1\",\"resources\":[{\"resource\":\"widgets\",\"responseKind\":{"
    "\"group\":\"example.com\",\"version\":\"v1\",\"kind\":\"Widget\"},\"scope\":\"Cluster\","
    "\"singularResource\":\"widget\",\"verbs\":[]}]},"
    "{\"version\":\"v1beta1\",\"resources\":[{\"resource\":\"widgets\",\"responseKind\":{"
    "\"group\":\"example.com\",\"version\":\"v1beta1\",\"kind\":\"Widget\"},\"scope\":"
    "\"Cluster\",\"singularResource\":\"widget\",\"verbs\":[]},"
    "{\"resource\":\"gadgets\",\"responseKind\":{\"group\":\"example.com\",\"version\":"
    "\"v1beta1\",\"kind\":\"Gadget\"},\"scope\":\"Namespaced\",\"singularResource\":\"\","
    "\"verbs\":[]}]}]},"
    "{\"metadata\":{\"name\":\"autoscaling\"},\"versions\":[{\"version\":\"v2\",\"resources\":["
    "{\"resource\":\"horizontalpodautoscalers\",\"responseKind\":{\"group\":\"autoscaling\","
    "\"version\":\"v2\",\"kind\":\"HorizontalPodAutoscaler\"},\"scope\":\"Namespaced\","
    "\"singularResource\":\"horizontalpodautoscaler\",\"verbs\":[],\"shortNames\":[\"hpa\"]}"
    "]}]}]}";

static struct ck_api_resource_list *aggregated(void)
{
	struct ck_api_resource_list *l = ck_api_resource_list_new();
	json_object *api = json_tokener_parse(api_aggregated);
	json_object *apis = json_tokener_parse(apis_aggregated);
	ck_assert_int_eq(ck_api_resource_list_add_aggregated(l, api), 0);
	ck_assert_int_eq(ck_api_resource_list_add_aggregated(l, apis), 0);
	json_object_put(api);
	json_object_put(apis);
	return l;
}

static void check(const struct ck_api_resource_list *l, const char *arg, const char *group,
		  const char *version, const char *resource)
{
	char *err = NULL;
	const struct ck_api_resource *r = ck_api_resource_list_resolve(l, arg, &err);
	ck_assert_msg(r != NULL, "%s: %s", arg, err ? err : "");
	ck_assert_msg(strcmp(r->group, group) == 0 && strcmp(r->version, version) == 0 &&
			  strcmp(r->resource, resource) == 0,
		      "%s: got %s/%s/%s", arg, r->group, r->version, r->resource);
}

START_TEST(test_resolve)
{
	struct ck_api_resource_list *l = aggregated();
	check(l, "configmaps", "", "v1", "configmaps");
	check(l, "configmap", "", "v1", "configmaps");
	check(l, "cm", "", "v1", "configmaps");
	check(l, "ConfigMap", "", "v1", "configmaps");
	check(l, "CM", "", "v1", "configmaps");
	check(l, "deploy", "apps", "v1", "deployments");
	check(l, "deployment", "apps", "v1", "deployments");
	check(l, "Deployment", "apps", "v1", "deployments");
	check(l, "deployments.apps", "apps", "v1", "deployments");
	check(l, "deployments.v1.apps", "apps", "v1", "deployments");
	check(l, "deploy.apps", "apps", "v1", "deployments");
	check(l, "Deployment.apps", "apps", "v1", "deployments");
	/* The core group comes first; a group picks the other. */
	check(l, "events", "", "v1", "events");
	check(l, "ev", "", "v1", "events");
	check(l, "events.events.k8s.io", "events.k8s.io", "v1", "events");
	check(l, "ev.events.k8s.io", "events.k8s.io", "v1", "events");
	/* The preferred version first; a version picks another. */
	check(l, "widgets", "example.com", "v1", "widgets");
	check(l, "widgets.v1beta1.example.com", "example.com", "v1beta1", "widgets");
	check(l, "widget.example.com", "example.com", "v1", "widgets");
	/* Only in a non-preferred version. */
	check(l, "gadgets", "example.com", "v1beta1", "gadgets");
	check(l, "gadget", "example.com", "v1beta1", "gadgets"); /* lowercased kind */
	/* Short names with a group prefix. */
	check(l, "hpa.autoscal", "autoscaling", "v2", "horizontalpodautoscalers");
	check(l, "ns", "", "v1", "namespaces");

	char *err = NULL;
	ck_assert_ptr_null(ck_api_resource_list_resolve(l, "foo", &err));
	ck_assert_str_eq(err, "the server doesn't have a resource type \"foo\"");
	free(err);
	ck_assert_ptr_null(ck_api_resource_list_resolve(l, "deployments.nope", &err));
	ck_assert_str_eq(err, "the server doesn't have a resource type \"deployments\"");
	free(err);
	ck_assert_ptr_null(ck_api_resource_list_resolve(l, "namespaces/status", NULL));

	const struct ck_api_resource *r = ck_api_resource_list_resolve(l, "deploy", NULL);
	ck_assert_str_eq(r->kind, "Deployment");
	ck_assert(r->namespaced);
	ck_assert_str_eq(r->categories[0], "all");
	r = ck_api_resource_list_resolve(l, "ns", NULL);
	ck_assert(!r->namespaced);

	ck_assert_str_eq(l->group_versions[0], "v1");
	ck_assert_str_eq(l->group_versions[1], "apps/v1");
	ck_assert_str_eq(l->group_versions[4], "example.com/v1beta1");
	ck_api_resource_list_free(l);
}
END_TEST

START_TEST(test_for_kind)
{
	struct ck_api_resource_list *l = aggregated();
	char *err = NULL;
	const struct ck_api_resource *r =
	    ck_api_resource_list_for_kind(l, "apps/v1", "Deployment", &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->resource, "deployments");
	r = ck_api_resource_list_for_kind(l, "v1", "Event", &err);
	ck_assert_str_eq(r->group, "");
	r = ck_api_resource_list_for_kind(l, "events.k8s.io/v1", "Event", &err);
	ck_assert_str_eq(r->group, "events.k8s.io");
	r = ck_api_resource_list_for_kind(l, "example.com/v1beta1", "Widget", &err);
	ck_assert_str_eq(r->version, "v1beta1");
	ck_assert_ptr_null(ck_api_resource_list_for_kind(l, "apps/v1", "Pod", &err));
	ck_assert_str_eq(err, "no matches for kind \"Pod\" in version \"apps/v1\"");
	free(err);
	struct ck_api_resource copy;
	ck_api_resource_copy(&copy, ck_api_resource_list_resolve(l, "cm", NULL));
	ck_api_resource_list_free(l);
	ck_assert_str_eq(copy.short_names[0], "cm");
	ck_api_resource_release(&copy);
}
END_TEST

START_TEST(test_legacy)
{
	struct ck_api_resource_list *l = ck_api_resource_list_new();
	json_object *core = json_tokener_parse(
	    "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
	    "{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\","
	    "\"verbs\":[\"get\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]},"
	    "{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\","
	    "\"verbs\":[\"get\"]},"
	    "{\"name\":\"nodes\",\"singularName\":\"node\",\"namespaced\":false,\"kind\":\"Node\","
	    "\"verbs\":[\"get\"],\"shortNames\":[\"no\"]}]}");
	ck_assert_int_eq(ck_api_resource_list_add_legacy(l, "", "v1", true, core), 0);
	json_object_put(core);
	ck_assert_uint_eq(l->n, 2);
	check(l, "po", "", "v1", "pods");
	check(l, "pod", "", "v1", "pods");
	check(l, "no", "", "v1", "nodes");
	const struct ck_api_resource *r = ck_api_resource_list_resolve(l, "nodes", NULL);
	ck_assert(!r->namespaced);
	json_object *bad = json_tokener_parse("{\"kind\":\"APIVersions\"}");
	ck_assert_int_lt(ck_api_resource_list_add_aggregated(l, bad), 0);
	ck_assert_int_lt(ck_api_resource_list_add_legacy(l, "", "v1", true, bad), 0);
	json_object_put(bad);
	ck_api_resource_list_free(l);
}
END_TEST

Suite *ck_test_suite_client_discovery(void)
{
	Suite *s = suite_create("client_discovery");
	TCase *tc = tcase_create("resolve");
	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_for_kind);
	tcase_add_test(tc, test_legacy);
	suite_add_tcase(s, tc);
	return s;
}
