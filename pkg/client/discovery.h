/*
 * Discovery: what resources the server serves (client-go's discovery
 * client, kubectl's cached discovery and its REST mapper), so that the CLI
 * maps "cm" to configmaps and "deploy" to apps/v1 deployments from the
 * server's own documents rather than a table of its own.
 *
 * Fetching: /api and /apis with kubectl's Accept header for aggregated
 * discovery (apidiscovery.k8s.io v2, then v2beta1); when the server answers
 * with the legacy documents instead (APIVersions, APIGroupList), each
 * group-version's APIResourceList is fetched as well. Subresources
 * ("pods/status") are left out. The result is cached for ttl.
 *
 * Resolution (kubectl's mappingFor with the shortcut expander and the
 * priority mapper): an argument "resource[.version[.group]]" or
 * "resource.group" or a kind; matching the plural, the singular (or the
 * lowercased kind) or a short name, case-insensitively; the first match in
 * priority order wins: every group's preferred version in discovery order
 * (the core group first), then the other versions. An argument nothing
 * matches is the error `the server doesn't have a resource type "foo"`.
 */
#ifndef CK_CLIENT_DISCOVERY_H
#define CK_CLIENT_DISCOVERY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_client;
struct ck_client_error;

/* One resource of one group-version. All owned by the list holding it. */
struct ck_api_resource {
	char *group; /* "" for the core group */
	char *version;
	char *resource; /* plural: "deployments" */
	char *singular; /* "deployment" (the lowercased kind when the server gives none) */
	char *kind;	/* "Deployment" */
	bool namespaced;
	bool preferred; /* version is the group's preferred one */
	char **verbs;	/* NULL-terminated */
	char **short_names;
	char **categories;
};

/* Every resource, in discovery order (groups, then versions, then resources). */
struct ck_api_resource_list {
	struct ck_api_resource *items;
	size_t n;
	char **group_versions; /* "v1", "apps/v1", ... in discovery order; NULL-terminated */
	/* The group order and preferred versions, for priority. */
	char **groups; /* NULL-terminated */
};

struct ck_api_resource_list *ck_api_resource_list_new(void);
void ck_api_resource_list_free(struct ck_api_resource_list *l);
/*
 * Adds an aggregated APIGroupDiscoveryList (borrowed), as /api or /apis
 * answer it. -EINVAL when doc is not one.
 */
int ck_api_resource_list_add_aggregated(struct ck_api_resource_list *l, json_object *doc);
/*
 * Adds one legacy APIResourceList (borrowed) of group ("" for core) at
 * version; preferred says whether it is the group's preferred version.
 */
int ck_api_resource_list_add_legacy(struct ck_api_resource_list *l, const char *group,
				    const char *version, bool preferred, json_object *doc);
/*
 * Resolves a resource argument (see the top). Borrowed result (valid while
 * the list lives), or NULL with *ret_err (owned; may be NULL).
 */
const struct ck_api_resource *ck_api_resource_list_resolve(const struct ck_api_resource_list *l,
							   const char *arg, char **ret_err);
/*
 * The resource for a kind in an apiVersion ("v1", "apps/v1"; NULL or ""
 * version: any, by priority). Borrowed, or NULL with `no matches for kind
 * "X" in version "Y"` in *ret_err.
 */
const struct ck_api_resource *ck_api_resource_list_for_kind(const struct ck_api_resource_list *l,
							    const char *api_version,
							    const char *kind, char **ret_err);
/* Deep copy of one resource into dst; release it with ck_api_resource_release. */
void ck_api_resource_copy(struct ck_api_resource *dst, const struct ck_api_resource *src);
void ck_api_resource_release(struct ck_api_resource *r);

/* ---- the client ------------------------------------------------------------------ */

struct ck_discovery_client;

/* ttl_ms 0: 10 minutes; < 0: never refetch by itself. The caller owns it. */
struct ck_discovery_client *ck_discovery_client_new(struct ck_client *client, int64_t ttl_ms);
void ck_discovery_client_free(struct ck_discovery_client *d);
/* Forgets the cache: the next call fetches again. */
void ck_discovery_client_invalidate(struct ck_discovery_client *d);
/*
 * The resources (fetched when the cache is empty or stale): a list the
 * caller owns a copy of (ck_api_resource_list_free). err as the REST client's.
 */
int ck_discovery_client_resources(struct ck_discovery_client *d, struct ck_api_resource_list **ret,
				  struct ck_client_error *err);
/*
 * Resolves arg into a copy (*ret, released with ck_api_resource_release).
 * -ENOENT with `the server doesn't have a resource type "x"` in err->message;
 * or the discovery request's error.
 */
int ck_discovery_client_resolve(struct ck_discovery_client *d, const char *arg,
				struct ck_api_resource *ret, struct ck_client_error *err);
/* As ck_api_resource_list_for_kind, through the cache. */
int ck_discovery_client_for_kind(struct ck_discovery_client *d, const char *api_version,
				 const char *kind, struct ck_api_resource *ret,
				 struct ck_client_error *err);

#endif
