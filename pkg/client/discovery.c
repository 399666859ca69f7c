#include "client/discovery.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "client/rest.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

/* kubectl's Accept for /api and /apis: aggregated v2, v2beta1, else the legacy documents. */
#define AGGREGATED_ACCEPT                                                            \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"      \
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," \
	"application/json"

#define DEFAULT_TTL_MS (10 * 60 * 1000)

/* ---- lists --------------------------------------------------------------------------- */

struct ck_api_resource_list *ck_api_resource_list_new(void)
{
	struct ck_api_resource_list *l = ck_calloc(1, sizeof(*l));
	l->group_versions = ck_calloc(1, sizeof(char *));
	l->groups = ck_calloc(1, sizeof(char *));
	return l;
}

void ck_api_resource_release(struct ck_api_resource *r)
{
	if (!r)
		return;
	free(r->group);
	free(r->version);
	free(r->resource);
	free(r->singular);
	free(r->kind);
	ck_strv_free(r->verbs);
	ck_strv_free(r->short_names);
	ck_strv_free(r->categories);
	memset(r, 0, sizeof(*r));
}

void ck_api_resource_list_free(struct ck_api_resource_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		ck_api_resource_release(&l->items[i]);
	free(l->items);
	ck_strv_free(l->group_versions);
	ck_strv_free(l->groups);
	free(l);
}

static char **strv_copy(char *const *v)
{
	size_t n = v ? ck_strv_len(v) : 0;
	char **out = ck_calloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = ck_strdup(v[i]);
	return out;
}

void ck_api_resource_copy(struct ck_api_resource *dst, const struct ck_api_resource *src)
{
	dst->group = ck_strdup(src->group);
	dst->version = ck_strdup(src->version);
	dst->resource = ck_strdup(src->resource);
	dst->singular = ck_strdup(src->singular);
	dst->kind = ck_strdup(src->kind);
	dst->namespaced = src->namespaced;
	dst->preferred = src->preferred;
	dst->verbs = strv_copy(src->verbs);
	dst->short_names = strv_copy(src->short_names);
	dst->categories = strv_copy(src->categories);
}

static struct ck_api_resource_list *list_copy(const struct ck_api_resource_list *src)
{
	struct ck_api_resource_list *l = ck_calloc(1, sizeof(*l));
	l->items = ck_calloc(src->n ? src->n : 1, sizeof(*l->items));
	for (size_t i = 0; i < src->n; i++)
		ck_api_resource_copy(&l->items[i], &src->items[i]);
	l->n = src->n;
	l->group_versions = strv_copy(src->group_versions);
	l->groups = strv_copy(src->groups);
	return l;
}

static void strv_push(char ***v, const char *s)
{
	size_t n = ck_strv_len(*v);
	for (size_t i = 0; i < n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = ck_realloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = ck_strdup(s);
	(*v)[n + 1] = NULL;
}

/* A JSON array of strings as a NULL-terminated vector (owned; empty when absent). */
static char **strings_of(json_object *arr)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	char **v = ck_calloc(n + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i);
		if (json_object_is_type(s, json_type_string))
			v[k++] = ck_strdup(json_object_get_string(s));
	}
	return v;
}

static char *lower(const char *s)
{
	char *out = ck_strdup(s ? s : "");
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static struct ck_api_resource *add_item(struct ck_api_resource_list *l)
{
	l->items = ck_realloc(l->items, (l->n + 1) * sizeof(*l->items));
	struct ck_api_resource *r = &l->items[l->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void note_group_version(struct ck_api_resource_list *l, const char *group,
			       const char *version)
{
	char gv[512];
	if (group && *group)
		snprintf(gv, sizeof(gv), "%s/%s", group, version);
	else
		snprintf(gv, sizeof(gv), "%s", version);
	strv_push(&l->group_versions, gv);
	strv_push(&l->groups, group ? group : "");
}

int ck_api_resource_list_add_aggregated(struct ck_api_resource_list *l, json_object *doc)
{
	if (!ck_streq(ck_obj_path_str(doc, "kind"), "APIGroupDiscoveryList"))
		return -EINVAL;
	json_object *items = ck_obj_path(doc, "items");
	size_t ng =
	    json_object_is_type(items, json_type_array) ? json_object_array_length(items) : 0;
	for (size_t g = 0; g < ng; g++) {
		json_object *group = json_object_array_get_idx(items, g);
		const char *gname = ck_obj_path_str(group, "metadata.name");
		if (!gname)
			gname = "";
		json_object *versions = ck_obj_path(group, "versions");
		size_t nv = json_object_is_type(versions, json_type_array)
				? json_object_array_length(versions)
				: 0;
		for (size_t v = 0; v < nv; v++) {
			json_object *ver = json_object_array_get_idx(versions, v);
			const char *vname = ck_obj_path_str(ver, "version");
			if (!vname)
				continue;
			note_group_version(l, gname, vname);
			json_object *res = ck_obj_path(ver, "resources");
			size_t nr = json_object_is_type(res, json_type_array)
					? json_object_array_length(res)
					: 0;
			for (size_t i = 0; i < nr; i++) {
				json_object *e = json_object_array_get_idx(res, i);
				const char *name = ck_obj_path_str(e, "resource");
				if (!name || strchr(name, '/'))
					continue;
				const char *kind = ck_obj_path_str(e, "responseKind.kind");
				const char *singular = ck_obj_path_str(e, "singularResource");
				struct ck_api_resource *r = add_item(l);
				r->group = ck_strdup(gname);
				r->version = ck_strdup(vname);
				r->resource = ck_strdup(name);
				r->kind = ck_strdup(kind ? kind : "");
				r->singular =
				    singular && *singular ? ck_strdup(singular) : lower(kind);
				r->namespaced = ck_streq(ck_obj_path_str(e, "scope"), "Namespaced");
				r->preferred = v == 0; /* versions come in preference order */
				r->verbs = strings_of(ck_obj_path(e, "verbs"));
				r->short_names = strings_of(ck_obj_path(e, "shortNames"));
				r->categories = strings_of(ck_obj_path(e, "categories"));
			}
		}
	}
	return 0;
}

int ck_api_resource_list_add_legacy(struct ck_api_resource_list *l, const char *group,
				    const char *version, bool preferred, json_object *doc)
{
	json_object *res = ck_obj_path(doc, "resources");
	if (!json_object_is_type(res, json_type_array))
		return -EINVAL;
	note_group_version(l, group, version);
	size_t nr = json_object_array_length(res);
	for (size_t i = 0; i < nr; i++) {
		json_object *e = json_object_array_get_idx(res, i);
		const char *name = ck_obj_path_str(e, "name");
		if (!name || strchr(name, '/'))
			continue;
		const char *kind = ck_obj_path_str(e, "kind");
		const char *singular = ck_obj_path_str(e, "singularName");
		json_object *ns = NULL;
		json_object_object_get_ex(e, "namespaced", &ns);
		struct ck_api_resource *r = add_item(l);
		r->group = ck_strdup(group ? group : "");
		r->version = ck_strdup(version);
		r->resource = ck_strdup(name);
		r->kind = ck_strdup(kind ? kind : "");
		r->singular = singular && *singular ? ck_strdup(singular) : lower(kind);
		r->namespaced = ns && json_object_get_boolean(ns);
		r->preferred = preferred;
		r->verbs = strings_of(ck_obj_path(e, "verbs"));
		r->short_names = strings_of(ck_obj_path(e, "shortNames"));
		r->categories = strings_of(ck_obj_path(e, "categories"));
	}
	return 0;
}

/* ---- resolution ------------------------------------------------------------------------ */

static bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/*
 * The shortcut expander: unless some resource of the group is named r
 * (plural or singular), a short name r becomes its resource and group.
 * Returns the resource to match (owned) and may set *group (borrowed from l).
 */
static char *expand_shortcut(const struct ck_api_resource_list *l, const char *r,
			     const char **group)
{
	bool has_group = *group && **group;
	for (size_t i = 0; i < l->n; i++) {
		const struct ck_api_resource *it = &l->items[i];
		if (has_group && strcmp(it->group, *group) != 0)
			continue;
		if (strcmp(it->resource, r) == 0 || strcmp(it->singular, r) == 0)
			return ck_strdup(r);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->n; i++) {
			const struct ck_api_resource *it = &l->items[i];
			if (pass == 0 && has_group && strcmp(it->group, *group) != 0)
				continue;
			/* The second pass matches a group prefix ("autoscal" for "autoscaling"). */
			if (pass == 1 && (!has_group || !ck_str_has_prefix(it->group, *group)))
				continue;
			if (strv_has(it->short_names, r)) {
				*group = it->group;
				return ck_strdup(it->resource);
			}
		}
		if (!has_group)
			break;
	}
	return ck_strdup(r);
}

/* The first resource in priority order matching (resource, group, version); NULL for none. */
static const struct ck_api_resource *match(const struct ck_api_resource_list *l,
					   const char *resource, const char *group,
					   const char *version)
{
	char *r = lower(resource);
	const char *g = group;
	char *expanded = expand_shortcut(l, r, &g);
	const struct ck_api_resource *found = NULL;
	for (int pass = 0; pass < 2 && !found; pass++) {
		for (size_t i = 0; i < l->n && !found; i++) {
			const struct ck_api_resource *it = &l->items[i];
			if (it->preferred != (pass == 0))
				continue;
			if (g && *g && strcmp(it->group, g) != 0)
				continue;
			if (version && *version && strcmp(it->version, version) != 0)
				continue;
			if (strcmp(it->resource, expanded) == 0 ||
			    strcmp(it->singular, expanded) == 0)
				found = it;
		}
	}
	free(expanded);
	free(r);
	return found;
}

static const struct ck_api_resource *match_kind(const struct ck_api_resource_list *l,
						const char *kind, const char *group,
						const char *version)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->n; i++) {
			const struct ck_api_resource *it = &l->items[i];
			if (it->preferred != (pass == 0))
				continue;
			if (group && strcmp(it->group, group) != 0)
				continue;
			if (version && *version && strcmp(it->version, version) != 0)
				continue;
			if (strcmp(it->kind, kind) == 0)
				return it;
		}
	}
	return NULL;
}

const struct ck_api_resource *ck_api_resource_list_resolve(const struct ck_api_resource_list *l,
							   const char *arg, char **ret_err)
{
	const struct ck_api_resource *found = NULL;
	char **parts = ck_str_split(arg, '.', 3);
	size_t n = ck_strv_len(parts);
	const char *dot = strchr(arg, '.');
	/* ParseResourceArg: "resource.version.group" fully specified ... */
	if (n == 3)
		found = match(l, parts[0], parts[2], parts[1]);
	/* ... else (or failing that) "resource.group". */
	if (!found)
		found = match(l, parts[0], dot ? dot + 1 : "", NULL);
	/* ParseKindArg: "Kind.version.group", then "Kind.group", then a bare kind. */
	if (!found && n == 3)
		found = match_kind(l, parts[0], parts[2], parts[1]);
	if (!found)
		found = match_kind(l, parts[0], dot ? dot + 1 : NULL, NULL);
	if (!found && ret_err) {
		struct ck_buf b;
		ck_buf_init(&b, 0);
		ck_buf_addf(&b, "the server doesn't have a resource type \"%s\"", parts[0]);
		*ret_err = ck_buf_detach(&b, NULL);
	}
	ck_strv_free(parts);
	return found;
}

const struct ck_api_resource *ck_api_resource_list_for_kind(const struct ck_api_resource_list *l,
							    const char *api_version,
							    const char *kind, char **ret_err)
{
	const char *group = "", *version = api_version;
	char *g = NULL;
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	if (slash) {
		g = ck_strndup(api_version, (size_t)(slash - api_version));
		group = g;
		version = slash + 1;
	}
	const struct ck_api_resource *found =
	    match_kind(l, kind ? kind : "", api_version && *api_version ? group : NULL, version);
	if (!found && ret_err) {
		struct ck_buf b;
		ck_buf_init(&b, 0);
		ck_buf_addf(&b, "no matches for kind \"%s\" in version \"%s\"", kind ? kind : "",
			    api_version ? api_version : "");
		*ret_err = ck_buf_detach(&b, NULL);
	}
	free(g);
	return found;
}

/* ---- the client ---------------------------------------------------------------------------- */

struct ck_discovery_client {
	struct ck_client *client;
	int64_t ttl_ns;
	pthread_mutex_t lock;
	struct ck_api_resource_list *cache; /* guarded by lock */
	int64_t fetched_ns;		    /* guarded by lock */
};

struct ck_discovery_client *ck_discovery_client_new(struct ck_client *client, int64_t ttl_ms)
{
	struct ck_discovery_client *d = ck_calloc(1, sizeof(*d));
	d->client = client;
	d->ttl_ns = ttl_ms == 0 ? (int64_t)DEFAULT_TTL_MS * 1000000 : ttl_ms * 1000000;
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void ck_discovery_client_free(struct ck_discovery_client *d)
{
	if (!d)
		return;
	ck_api_resource_list_free(d->cache);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void ck_discovery_client_invalidate(struct ck_discovery_client *d)
{
	pthread_mutex_lock(&d->lock);
	ck_api_resource_list_free(d->cache);
	d->cache = NULL;
	pthread_mutex_unlock(&d->lock);
}

static int get_doc(struct ck_discovery_client *d, const char *path, const char *accept,
		   json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = { .path = path, .accept = accept };
	return ck_client_do(d->client, &req, ret, err);
}

/* Legacy /api: every version of the core group. */
static int fetch_legacy_core(struct ck_discovery_client *d, json_object *versions_doc,
			     struct ck_api_resource_list *l, struct ck_client_error *err)
{
	json_object *versions = ck_obj_path(versions_doc, "versions");
	size_t n =
	    json_object_is_type(versions, json_type_array) ? json_object_array_length(versions) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(versions, i));
		char path[256];
		snprintf(path, sizeof(path), "/api/%s", v);
		json_object *doc = NULL;
		int r = get_doc(d, path, NULL, &doc, err);
		if (r < 0)
			return r;
		ck_api_resource_list_add_legacy(l, "", v, i == 0, doc);
		json_object_put(doc);
	}
	return 0;
}

/* Legacy /apis: every group-version, the preferred one first. */
static int fetch_legacy_groups(struct ck_discovery_client *d, json_object *groups_doc,
			       struct ck_api_resource_list *l, struct ck_client_error *err)
{
	json_object *groups = ck_obj_path(groups_doc, "groups");
	size_t n =
	    json_object_is_type(groups, json_type_array) ? json_object_array_length(groups) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(groups, i);
		const char *name = ck_obj_path_str(g, "name");
		const char *preferred = ck_obj_path_str(g, "preferredVersion.version");
		json_object *versions = ck_obj_path(g, "versions");
		size_t nv = json_object_is_type(versions, json_type_array)
				? json_object_array_length(versions)
				: 0;
		/* Preferred first, then the rest in order. */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t v = 0; v < nv; v++) {
				const char *ver = ck_obj_path_str(
				    json_object_array_get_idx(versions, v), "version");
				if (!ver || !name)
					continue;
				bool is_pref = ck_streq(ver, preferred) || (!preferred && v == 0);
				if (is_pref != (pass == 0))
					continue;
				char path[512];
				snprintf(path, sizeof(path), "/apis/%s/%s", name, ver);
				json_object *doc = NULL;
				int r = get_doc(d, path, NULL, &doc, err);
				if (r < 0)
					return r;
				ck_api_resource_list_add_legacy(l, name, ver, is_pref, doc);
				json_object_put(doc);
			}
		}
	}
	return 0;
}

static int fetch(struct ck_discovery_client *d, struct ck_api_resource_list **ret,
		 struct ck_client_error *err)
{
	struct ck_api_resource_list *l = ck_api_resource_list_new();
	json_object *api = NULL, *apis = NULL;
	int r = get_doc(d, "/api", AGGREGATED_ACCEPT, &api, err);
	if (r < 0)
		goto out;
	if (ck_api_resource_list_add_aggregated(l, api) < 0 &&
	    (r = fetch_legacy_core(d, api, l, err)) < 0)
		goto out;
	r = get_doc(d, "/apis", AGGREGATED_ACCEPT, &apis, err);
	if (r < 0)
		goto out;
	if (ck_api_resource_list_add_aggregated(l, apis) < 0 &&
	    (r = fetch_legacy_groups(d, apis, l, err)) < 0)
		goto out;
	*ret = l;
	l = NULL;
out:
	json_object_put(api);
	json_object_put(apis);
	ck_api_resource_list_free(l);
	return r;
}

/* Runs fn on the cached list (fetching it when needed), under the lock. */
static int with_list(struct ck_discovery_client *d, struct ck_client_error *err,
		     int (*fn)(const struct ck_api_resource_list *l, void *arg), void *arg)
{
	pthread_mutex_lock(&d->lock);
	int r = 0;
	int64_t now = ck_time_mono_ns();
	if (d->cache && d->ttl_ns > 0 && now - d->fetched_ns > d->ttl_ns) {
		ck_api_resource_list_free(d->cache);
		d->cache = NULL;
	}
	if (!d->cache) {
		struct ck_api_resource_list *l = NULL;
		if ((r = fetch(d, &l, err)) < 0)
			goto out;
		d->cache = l;
		d->fetched_ns = now;
	}
	r = fn(d->cache, arg);
out:
	pthread_mutex_unlock(&d->lock);
	return r;
}

static int copy_list(const struct ck_api_resource_list *l, void *arg)
{
	*(struct ck_api_resource_list **)arg = list_copy(l);
	return 0;
}

int ck_discovery_client_resources(struct ck_discovery_client *d, struct ck_api_resource_list **ret,
				  struct ck_client_error *err)
{
	return with_list(d, err, copy_list, ret);
}

struct resolve_arg {
	const char *arg;
	const char *api_version;
	struct ck_api_resource *ret;
	struct ck_client_error *err;
};

static int do_resolve(const struct ck_api_resource_list *l, void *p)
{
	struct resolve_arg *a = p;
	char *why = NULL;
	const struct ck_api_resource *r =
	    a->api_version ? ck_api_resource_list_for_kind(l, a->api_version, a->arg, &why)
			   : ck_api_resource_list_resolve(l, a->arg, &why);
	if (!r) {
		if (a->err) {
			ck_client_error_release(a->err);
			snprintf(a->err->message, sizeof(a->err->message), "%s", why ? why : "");
		}
		free(why);
		return -ENOENT;
	}
	ck_api_resource_copy(a->ret, r);
	return 0;
}

int ck_discovery_client_resolve(struct ck_discovery_client *d, const char *arg,
				struct ck_api_resource *ret, struct ck_client_error *err)
{
	struct resolve_arg a = { arg, NULL, ret, err };
	return with_list(d, err, do_resolve, &a);
}

int ck_discovery_client_for_kind(struct ck_discovery_client *d, const char *api_version,
				 const char *kind, struct ck_api_resource *ret,
				 struct ck_client_error *err)
{
	struct resolve_arg a = { kind, api_version ? api_version : "", ret, err };
	return with_list(d, err, do_resolve, &a);
}
