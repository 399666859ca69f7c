#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apiserver/discovery.h"

static json_object *doc(struct ck_discovery *d, const char *path, enum ck_media m)
{
	const char *json, *etag;
	ck_assert_int_eq(ck_discovery_lookup(d, path, m, &json, &etag), 0);
	ck_assert_int_eq(etag[0], '"');
	json_object *o = json_tokener_parse(json);
	ck_assert_ptr_nonnull(o);
	return o;
}

static json_object *find_by(json_object *arr, const char *field, const char *value)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *it = json_object_array_get_idx(arr, i);
		const char *v = ck_obj_path_str(it, field);
		if (v && strcmp(v, value) == 0)
			return it;
	}
	return NULL;
}

START_TEST(test_discovery_legacy)
{
	struct ck_discovery *d = ck_discovery_new("127.0.0.1:6443");
	json_object *api = doc(d, "/api", CK_MEDIA_JSON);
	ck_assert_str_eq(ck_obj_path_str(api, "kind"), "APIVersions");
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(ck_obj_path(api, "versions"), 0)),
	    "v1");
	json_object_put(api);

	json_object *v1 = doc(d, "/api/v1/", CK_MEDIA_JSON);
	ck_assert_str_eq(ck_obj_path_str(v1, "kind"), "APIResourceList");
	ck_assert_str_eq(ck_obj_path_str(v1, "groupVersion"), "v1");
	json_object *res = ck_obj_path(v1, "resources");
	json_object *cm = find_by(res, "name", "configmaps");
	ck_assert_ptr_nonnull(cm);
	ck_assert_str_eq(ck_obj_path_str(cm, "kind"), "ConfigMap");
	ck_assert_str_eq(ck_obj_path_str(cm, "singularName"), "configmap");
	ck_assert(json_object_get_boolean(ck_obj_path(cm, "namespaced")));
	ck_assert_str_eq(json_object_to_json_string(ck_obj_path(cm, "verbs")),
			 "[ \"create\", \"delete\", \"deletecollection\", \"get\", \"list\", "
			 "\"patch\", \"update\", \"watch\" ]");
	ck_assert_str_eq(json_object_to_json_string(ck_obj_path(cm, "shortNames")), "[ \"cm\" ]");
	json_object *ns = find_by(res, "name", "namespaces");
	ck_assert(!json_object_get_boolean(ck_obj_path(ns, "namespaced")));
	json_object *nss = find_by(res, "name", "namespaces/status");
	ck_assert_ptr_nonnull(nss);
	ck_assert_str_eq(ck_obj_path_str(nss, "singularName"), "");
	ck_assert_str_eq(ck_obj_path_str(nss, "kind"), "Namespace");
	ck_assert_ptr_nonnull(find_by(res, "name", "namespaces/finalize"));
	ck_assert_ptr_null(find_by(res, "name", "leases"));
	json_object_put(v1);

	json_object *apis = doc(d, "/apis", CK_MEDIA_JSON);
	ck_assert_str_eq(ck_obj_path_str(apis, "kind"), "APIGroupList");
	json_object *coord = find_by(ck_obj_path(apis, "groups"), "name", "coordination.k8s.io");
	ck_assert_ptr_nonnull(coord);
	ck_assert_str_eq(ck_obj_path_str(coord, "preferredVersion.groupVersion"),
			 "coordination.k8s.io/v1");
	ck_assert_ptr_null(find_by(ck_obj_path(apis, "groups"), "name", ""));
	json_object_put(apis);

	json_object *g = doc(d, "/apis/events.k8s.io", CK_MEDIA_JSON);
	ck_assert_str_eq(ck_obj_path_str(g, "kind"), "APIGroup");
	json_object_put(g);
	json_object *l = doc(d, "/apis/coordination.k8s.io/v1", CK_MEDIA_JSON);
	ck_assert_str_eq(ck_obj_path_str(l, "groupVersion"), "coordination.k8s.io/v1");
	ck_assert_ptr_nonnull(find_by(ck_obj_path(l, "resources"), "name", "leases"));
	json_object_put(l);

	const char *json, *etag;
	ck_assert_int_eq(ck_discovery_lookup(d, "/apis/nope/v1", CK_MEDIA_JSON, &json, &etag),
			 -ENOENT);
	ck_assert_int_eq(ck_discovery_lookup(d, "/api/v1", CK_MEDIA_DISCOVERY_V2, &json, &etag),
			 -ENOTSUP);
	ck_discovery_free(d);
}
END_TEST

START_TEST(test_discovery_aggregated)
{
	struct ck_discovery *d = ck_discovery_new("127.0.0.1:6443");
	json_object *api = doc(d, "/api", CK_MEDIA_DISCOVERY_V2);
	ck_assert_str_eq(ck_obj_path_str(api, "kind"), "APIGroupDiscoveryList");
	ck_assert_str_eq(ck_obj_path_str(api, "apiVersion"), "apidiscovery.k8s.io/v2");
	json_object *items = ck_obj_path(api, "items");
	ck_assert_uint_eq(json_object_array_length(items), 1);
	json_object *core = json_object_array_get_idx(items, 0);
	json_object *ver = json_object_array_get_idx(ck_obj_path(core, "versions"), 0);
	ck_assert_str_eq(ck_obj_path_str(ver, "version"), "v1");
	ck_assert_str_eq(ck_obj_path_str(ver, "freshness"), "Current");
	json_object *ns = find_by(ck_obj_path(ver, "resources"), "resource", "namespaces");
	ck_assert_str_eq(ck_obj_path_str(ns, "scope"), "Cluster");
	ck_assert_str_eq(ck_obj_path_str(ns, "responseKind.kind"), "Namespace");
	ck_assert_str_eq(ck_obj_path_str(ns, "singularResource"), "namespace");
	json_object *sub = find_by(ck_obj_path(ns, "subresources"), "subresource", "finalize");
	ck_assert_ptr_nonnull(sub);
	ck_assert_str_eq(ck_obj_path_str(sub, "responseKind.kind"), "Namespace");
	json_object_put(api);

	json_object *apis = doc(d, "/apis", CK_MEDIA_DISCOVERY_V2BETA1);
	ck_assert_str_eq(ck_obj_path_str(apis, "apiVersion"), "apidiscovery.k8s.io/v2beta1");
	json_object *coord =
	    find_by(ck_obj_path(apis, "items"), "metadata.name", "coordination.k8s.io");
	ck_assert_ptr_nonnull(coord);
	json_object_put(apis);
	ck_discovery_free(d);
}
END_TEST

Suite *ck_test_suite_discovery(void)
{
	Suite *s = suite_create("discovery");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_discovery_legacy);
	tcase_add_test(tc, test_discovery_aggregated);
	suite_add_tcase(s, tc);
	return s;
}
