/*
 * Watches through the real API server: ordering, selectors, resourceVersion
 * semantics, 410, timeouts, and two API servers on one etcd seeing each
 * other's writes.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "../lib/watch.h"
#include "apimachinery/object.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api, *api2;

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	static const char *const args[] = { "--watch-bookmark-interval=500ms", NULL };
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = args };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api2), 0);
}

static void teardown(void)
{
	ck_test_apiserver_free(api2);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
}

/* Starts a watch on server s (path with query); it ends by timeoutSeconds. */
static void watch_start(struct ck_test_watch *w, struct ck_test_apiserver *s, const char *path)
{
	ck_test_watch_start(w, ck_test_apiserver_url(s), path, NULL);
}

/* Waits for the watch to end; returns its events as a JSON array (owned). */
static json_object *watch_events(struct ck_test_watch *w)
{
	json_object *events = ck_test_watch_events(w);
	ck_test_watch_release(w);
	return events;
}

static const char *ev_type(json_object *events, size_t i)
{
	return ck_obj_path_str(json_object_array_get_idx(events, i), "type");
}

static const char *ev_name(json_object *events, size_t i)
{
	return ck_obj_path_str(json_object_array_get_idx(events, i), "object.metadata.name");
}

static json_object *call(struct ck_test_apiserver *s, const char *method, const char *path,
			 const char *body, long want)
{
	long code;
	json_object *o = ck_test_request(ck_test_apiserver_url(s), method, path, body, &code);
	ck_assert_msg(code == want, "%s %s: %ld", method, path, code);
	return o;
}

START_TEST(test_watch_sequence_and_selectors)
{
	json_object *l = call(api, "GET", "/api/v1/namespaces/default/configmaps", NULL, 200);
	char path[512];
	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=%s"
		 "&timeoutSeconds=3",
		 ck_obj_path_str(l, "metadata.resourceVersion"));
	json_object_put(l);
	struct ck_test_watch all, sel;
	watch_start(&all, api, path);
	watch_start(&sel, api,
		    "/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dweb"
		    "&timeoutSeconds=3");
	json_object_put(call(api, "POST", "/api/v1/namespaces/default/configmaps",
			     "{\"metadata\":{\"name\":\"w1\",\"labels\":{\"app\":\"web\"}}}", 201));
	json_object_put(call(api, "POST", "/api/v1/namespaces/default/configmaps",
			     "{\"metadata\":{\"name\":\"w2\"}}", 201));
	json_object_put(call(api, "PATCH", "/api/v1/namespaces/default/configmaps/w1", NULL, 415));
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/default/configmaps/w1",
		 ck_test_apiserver_url(api));
	struct ck_test_response r;
	ck_test_http("PATCH", url, "application/merge-patch+json",
		     "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}", NULL, &r);
	ck_assert_int_eq(r.code, 200);
	ck_test_response_release(&r);
	json_object_put(call(api, "DELETE", "/api/v1/namespaces/default/configmaps/w2", NULL, 200));

	json_object *ev = watch_events(&all);
	ck_assert_uint_eq(json_object_array_length(ev), 4);
	ck_assert_str_eq(ev_type(ev, 0), "ADDED");
	ck_assert_str_eq(ev_name(ev, 0), "w1");
	ck_assert_str_eq(ev_type(ev, 1), "ADDED");
	ck_assert_str_eq(ev_name(ev, 1), "w2");
	ck_assert_str_eq(ev_type(ev, 2), "MODIFIED");
	ck_assert_str_eq(ev_type(ev, 3), "DELETED");
	ck_assert_str_eq(ev_name(ev, 3), "w2");
	/* Events carry kind and increasing resourceVersions. */
	long last = 0;
	for (size_t i = 0; i < 4; i++) {
		json_object *o = ck_obj_path(json_object_array_get_idx(ev, i), "object");
		ck_assert_str_eq(ck_obj_path_str(o, "kind"), "ConfigMap");
		long rv = strtol(ck_obj_resource_version(o), NULL, 10);
		ck_assert_int_gt(rv, last);
		last = rv;
	}
	json_object_put(ev);

	/* The selector watch: w1 added, then DELETED when its label stopped matching. */
	ev = watch_events(&sel);
	ck_assert_uint_eq(json_object_array_length(ev), 2);
	ck_assert_str_eq(ev_type(ev, 0), "ADDED");
	ck_assert_str_eq(ev_type(ev, 1), "DELETED");
	ck_assert_str_eq(ev_name(ev, 1), "w1");
	json_object_put(ev);
}
END_TEST

START_TEST(test_watch_initial_state_and_too_old)
{
	json_object_put(call(api, "POST", "/api/v1/namespaces/default/secrets",
			     "{\"metadata\":{\"name\":\"s0\"}}", 201));
	/* rv unset: a synthetic ADDED for what exists, then changes. */
	struct ck_test_watch w;
	watch_start(&w, api, "/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=2");
	json_object *ev = watch_events(&w);
	ck_assert_uint_eq(json_object_array_length(ev), 1);
	ck_assert_str_eq(ev_type(ev, 0), "ADDED");
	ck_assert_str_eq(ev_name(ev, 0), "s0");
	json_object_put(ev);

	/* A resourceVersion older than the cache holds: ERROR 410 Expired in a 200. */
	watch_start(&w, api,
		    "/api/v1/namespaces/default/secrets?watch=true&resourceVersion=1"
		    "&timeoutSeconds=2");
	ev = watch_events(&w);
	ck_assert_uint_eq(json_object_array_length(ev), 1);
	ck_assert_str_eq(ev_type(ev, 0), "ERROR");
	json_object *st = ck_obj_path(json_object_array_get_idx(ev, 0), "object");
	ck_assert_str_eq(ck_obj_path_str(st, "reason"), "Expired");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(st, "code")), 410);
	ck_assert(strncmp(ck_obj_path_str(st, "message"), "too old resource version: 1 (", 29) ==
		  0);
	json_object_put(ev);
}
END_TEST

START_TEST(test_two_apiservers_one_etcd)
{
	json_object *l = call(api2, "GET", "/api/v1/namespaces/default/configmaps", NULL, 200);
	char path[512];
	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=%s"
		 "&timeoutSeconds=3",
		 ck_obj_path_str(l, "metadata.resourceVersion"));
	json_object_put(l);
	struct ck_test_watch w;
	watch_start(&w, api2, path);
	json_object_put(call(api, "POST", "/api/v1/namespaces/default/configmaps",
			     "{\"metadata\":{\"name\":\"shared\"}}", 201));
	json_object *g =
	    call(api2, "GET", "/api/v1/namespaces/default/configmaps/shared", NULL, 200);
	json_object_put(g);
	json_object *ev = watch_events(&w);
	ck_assert_uint_eq(json_object_array_length(ev), 1);
	ck_assert_str_eq(ev_name(ev, 0), "shared");
	json_object_put(ev);
}
END_TEST

START_TEST(test_watch_bookmarks_only_when_asked)
{
	json_object *l = call(api, "GET", "/api/v1/namespaces/default/serviceaccounts", NULL, 200);
	char path[512], path2[512];
	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/default/serviceaccounts?watch=true&resourceVersion=%s"
		 "&allowWatchBookmarks=true&timeoutSeconds=3",
		 ck_obj_path_str(l, "metadata.resourceVersion"));
	snprintf(path2, sizeof(path2),
		 "/api/v1/namespaces/default/serviceaccounts?watch=true&resourceVersion=%s"
		 "&timeoutSeconds=3",
		 ck_obj_path_str(l, "metadata.resourceVersion"));
	json_object_put(l);
	struct ck_test_watch with, without;
	watch_start(&with, api, path);
	watch_start(&without, api, path2);
	/* A change the watchers filter out moves the cache past their start: as
	 * upstream, bookmarks then carry the new revision. */
	json_object_put(call(api, "POST", "/api/v1/namespaces/kube-system/serviceaccounts",
			     "{\"metadata\":{\"name\":\"elsewhere\"}}", 201));
	json_object *ev = watch_events(&with);
	ck_assert_uint_ge(json_object_array_length(ev), 1);
	for (size_t i = 0; i < json_object_array_length(ev); i++) {
		ck_assert_str_eq(ev_type(ev, i), "BOOKMARK");
		json_object *o = ck_obj_path(json_object_array_get_idx(ev, i), "object");
		ck_assert_str_eq(ck_obj_path_str(o, "kind"), "ServiceAccount");
		ck_assert_str_eq(ck_obj_path_str(o, "apiVersion"), "v1");
		ck_assert_int_gt(strlen(ck_obj_resource_version(o)), 0);
	}
	json_object_put(ev);
	ev = watch_events(&without);
	ck_assert_uint_eq(json_object_array_length(ev), 0);
	json_object_put(ev);
}
END_TEST

Suite *ck_test_suite_watch(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(60));
	tcase_add_test(tc, test_watch_sequence_and_selectors);
	tcase_add_test(tc, test_watch_initial_state_and_too_old);
	tcase_add_test(tc, test_two_apiservers_one_etcd);
	tcase_add_test(tc, test_watch_bookmarks_only_when_asked);
	suite_add_tcase(s, tc);
	return s;
}
