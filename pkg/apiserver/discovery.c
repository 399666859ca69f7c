#include "apiserver/discovery.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "registry/registry.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/str.h"

struct doc {
	char *json;
	char etag[24];
};

struct ck_discovery {
	struct ck_hashmap docs; /* key "<media>:<path>" → struct doc; read-only once built */
};

static void doc_free(void *p)
{
	struct doc *d = p;
	if (d)
		free(d->json);
	free(d);
}

/* FNV-1a, unseeded: the same documents give the same ETag on every server. */
static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void put(struct ck_discovery *d, enum ck_media media, const char *path, json_object *obj)
{
	struct doc *doc = ck_calloc(1, sizeof(*doc));
	doc->json = ck_strdup(json_object_to_json_string_ext(
	    obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	snprintf(doc->etag, sizeof(doc->etag), "\"%016llx\"", (unsigned long long)fnv(doc->json));
	char key[300];
	snprintf(key, sizeof(key), "%d:%s", (int)media, path);
	doc_free(ck_hashmap_put(&d->docs, key, doc));
	json_object_put(obj);
}

static json_object *strings(const char *const *v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *verbs(unsigned bits)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; ck_verb_names[i]; i++)
		if (bits & ck_verb_from_name(ck_verb_names[i]))
			json_object_array_add(a, json_object_new_string(ck_verb_names[i]));
	return a;
}

/* Distinct groups in table order; "" (core) first when present. */
static size_t groups(const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; ck_resources[i]; i++) {
		const char *g = ck_resources[i]->group;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= ck_streq(out[j], g);
		if (!seen && n < max)
			out[n++] = g;
	}
	return n;
}

/* Versions of a group in table order (the first is preferred). */
static size_t versions(const char *group, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; ck_resources[i]; i++) {
		const struct ck_resource *r = ck_resources[i];
		if (!ck_streq(r->group, group))
			continue;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= ck_streq(out[j], r->version);
		if (!seen && n < max)
			out[n++] = r->version;
	}
	return n;
}

static json_object *group_version(const char *group, const char *version)
{
	char gv[256];
	snprintf(gv, sizeof(gv), "%s/%s", group, version);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "groupVersion", json_object_new_string(gv));
	json_object_object_add(o, "version", json_object_new_string(version));
	return o;
}

static json_object *api_group(const char *group)
{
	const char *vs[16];
	size_t nv = versions(group, vs, CK_ARRAY_SIZE(vs));
	json_object *g = json_object_new_object();
	json_object_object_add(g, "name", json_object_new_string(group));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < nv; i++)
		json_object_array_add(arr, group_version(group, vs[i]));
	json_object_object_add(g, "versions", arr);
	json_object_object_add(g, "preferredVersion", group_version(group, vs[0]));
	return g;
}

static json_object *typed(const char *kind, const char *api_version)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "apiVersion", json_object_new_string(api_version));
	return o;
}

/* One APIResourceList row. */
static json_object *resource_row(const char *name, const char *singular, bool namespaced,
				 const char *kind, unsigned verb_bits)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "singularName", json_object_new_string(singular));
	json_object_object_add(o, "namespaced", json_object_new_boolean(namespaced));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "verbs", verbs(verb_bits));
	return o;
}

static json_object *resource_list(const char *group, const char *version)
{
	json_object *list = typed("APIResourceList", "v1");
	char gv[256];
	snprintf(gv, sizeof(gv), "%s%s%s", group, *group ? "/" : "", version);
	json_object_object_add(list, "groupVersion", json_object_new_string(gv));
	json_object *rows = json_object_new_array();
	for (size_t i = 0; ck_resources[i]; i++) {
		const struct ck_resource *r = ck_resources[i];
		if (!ck_streq(r->group, group) || !ck_streq(r->version, version) || !r->verbs)
			continue;
		json_object *row =
		    resource_row(r->resource, r->singular, r->namespaced, r->kind, r->verbs);
		if (r->short_names)
			json_object_object_add(row, "shortNames", strings(r->short_names));
		if (r->categories)
			json_object_object_add(row, "categories", strings(r->categories));
		json_object_array_add(rows, row);
		for (const struct ck_subresource *s = r->subresources; s && s->name; s++) {
			if (!s->verbs)
				continue;
			char name[256];
			snprintf(name, sizeof(name), "%s/%s", r->resource, s->name);
			row = resource_row(name, "", r->namespaced,
					   s->kind_name ? s->kind_name : r->kind, s->verbs);
			if (s->group) {
				json_object_object_add(row, "group",
						       json_object_new_string(s->group));
				json_object_object_add(row, "version",
						       json_object_new_string(s->version));
			}
			json_object_array_add(rows, row);
		}
	}
	json_object_object_add(list, "resources", rows);
	return list;
}

static json_object *response_kind(const char *group, const char *version, const char *kind)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "group", json_object_new_string(group));
	json_object_object_add(o, "version", json_object_new_string(version));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	return o;
}

/* An APIGroupDiscovery item (apidiscovery.k8s.io) for one group. */
static json_object *aggregated_group(const char *group)
{
	json_object *item = json_object_new_object();
	json_object *md = json_object_new_object();
	if (*group)
		json_object_object_add(md, "name", json_object_new_string(group));
	json_object_object_add(md, "creationTimestamp", NULL);
	json_object_object_add(item, "metadata", md);
	const char *vs[16];
	size_t nv = versions(group, vs, CK_ARRAY_SIZE(vs));
	json_object *varr = json_object_new_array();
	for (size_t v = 0; v < nv; v++) {
		json_object *ver = json_object_new_object();
		json_object_object_add(ver, "version", json_object_new_string(vs[v]));
		json_object *res = json_object_new_array();
		for (size_t i = 0; ck_resources[i]; i++) {
			const struct ck_resource *r = ck_resources[i];
			if (!ck_streq(r->group, group) || !ck_streq(r->version, vs[v]) || !r->verbs)
				continue;
			json_object *o = json_object_new_object();
			json_object_object_add(o, "resource", json_object_new_string(r->resource));
			json_object_object_add(o, "responseKind",
					       response_kind(r->group, r->version, r->kind));
			json_object_object_add(
			    o, "scope",
			    json_object_new_string(r->namespaced ? "Namespaced" : "Cluster"));
			json_object_object_add(o, "singularResource",
					       json_object_new_string(r->singular));
			json_object_object_add(o, "verbs", verbs(r->verbs));
			if (r->short_names)
				json_object_object_add(o, "shortNames", strings(r->short_names));
			if (r->categories)
				json_object_object_add(o, "categories", strings(r->categories));
			if (r->subresources && r->subresources->name) {
				json_object *subs = json_object_new_array();
				for (const struct ck_subresource *s = r->subresources; s->name;
				     s++) {
					json_object *so = json_object_new_object();
					json_object_object_add(so, "subresource",
							       json_object_new_string(s->name));
					json_object_object_add(
					    so, "responseKind",
					    response_kind(s->group ? s->group : r->group,
							  s->version ? s->version : r->version,
							  s->kind_name ? s->kind_name : r->kind));
					json_object_object_add(so, "verbs", verbs(s->verbs));
					json_object_array_add(subs, so);
				}
				json_object_object_add(o, "subresources", subs);
			}
			json_object_array_add(res, o);
		}
		json_object_object_add(ver, "resources", res);
		json_object_object_add(ver, "freshness", json_object_new_string("Current"));
		json_object_array_add(varr, ver);
	}
	json_object_object_add(item, "versions", varr);
	return item;
}

static json_object *aggregated(bool core, const char *version)
{
	char av[64];
	snprintf(av, sizeof(av), "apidiscovery.k8s.io/%s", version);
	json_object *list = typed("APIGroupDiscoveryList", av);
	json_object_object_add(list, "metadata", json_object_new_object());
	json_object *items = json_object_new_array();
	const char *gs[64];
	size_t ng = groups(gs, CK_ARRAY_SIZE(gs));
	for (size_t i = 0; i < ng; i++)
		if ((gs[i][0] == '\0') == core)
			json_object_array_add(items, aggregated_group(gs[i]));
	json_object_object_add(list, "items", items);
	return list;
}

struct ck_discovery *ck_discovery_new(const char *server_address)
{
	struct ck_discovery *d = ck_calloc(1, sizeof(*d));
	ck_hashmap_init(&d->docs, doc_free);

	/* /api */
	json_object *api = typed("APIVersions", "v1");
	const char *core_versions[] = { "v1", NULL };
	json_object_object_add(api, "versions", strings(core_versions));
	json_object *cidrs = json_object_new_array(), *cidr = json_object_new_object();
	json_object_object_add(cidr, "clientCIDR", json_object_new_string("0.0.0.0/0"));
	json_object_object_add(cidr, "serverAddress", json_object_new_string(server_address));
	json_object_array_add(cidrs, cidr);
	json_object_object_add(api, "serverAddressByClientCIDRs", cidrs);
	put(d, CK_MEDIA_JSON, "/api", api);
	put(d, CK_MEDIA_DISCOVERY_V2, "/api", aggregated(true, "v2"));
	put(d, CK_MEDIA_DISCOVERY_V2BETA1, "/api", aggregated(true, "v2beta1"));
	put(d, CK_MEDIA_JSON, "/api/v1", resource_list("", "v1"));

	/* /apis and each group */
	json_object *apis = typed("APIGroupList", "v1");
	json_object *garr = json_object_new_array();
	const char *gs[64];
	size_t ng = groups(gs, CK_ARRAY_SIZE(gs));
	for (size_t i = 0; i < ng; i++) {
		if (!gs[i][0])
			continue;
		json_object_array_add(garr, api_group(gs[i]));
		char path[256];
		json_object *g = api_group(gs[i]);
		json_object_object_add(g, "kind", json_object_new_string("APIGroup"));
		json_object_object_add(g, "apiVersion", json_object_new_string("v1"));
		snprintf(path, sizeof(path), "/apis/%s", gs[i]);
		put(d, CK_MEDIA_JSON, path, g);
		const char *vs[16];
		size_t nv = versions(gs[i], vs, CK_ARRAY_SIZE(vs));
		for (size_t v = 0; v < nv; v++) {
			snprintf(path, sizeof(path), "/apis/%s/%s", gs[i], vs[v]);
			put(d, CK_MEDIA_JSON, path, resource_list(gs[i], vs[v]));
		}
	}
	json_object_object_add(apis, "groups", garr);
	put(d, CK_MEDIA_JSON, "/apis", apis);
	put(d, CK_MEDIA_DISCOVERY_V2, "/apis", aggregated(false, "v2"));
	put(d, CK_MEDIA_DISCOVERY_V2BETA1, "/apis", aggregated(false, "v2beta1"));
	return d;
}

void ck_discovery_free(struct ck_discovery *d)
{
	if (!d)
		return;
	ck_hashmap_release(&d->docs);
	free(d);
}

/* Trailing slashes do not matter ("/apis/" is "/apis"). */
static void normalise(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s", path);
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

int ck_discovery_lookup(const struct ck_discovery *d, const char *path, enum ck_media media,
			const char **ret_json, const char **ret_etag)
{
	char norm[256], key[300];
	normalise(path, norm, sizeof(norm));
	snprintf(key, sizeof(key), "%d:%s", (int)media, norm);
	struct doc *doc = ck_hashmap_get(&d->docs, key);
	if (!doc) {
		snprintf(key, sizeof(key), "%d:%s", (int)CK_MEDIA_JSON, norm);
		return ck_hashmap_get(&d->docs, key) ? -ENOTSUP : -ENOENT;
	}
	*ret_json = doc->json;
	*ret_etag = doc->etag;
	return 0;
}

unsigned ck_discovery_media(const char *path)
{
	char norm[256];
	normalise(path, norm, sizeof(norm));
	unsigned m = CK_MEDIA_BIT(CK_MEDIA_JSON);
	if (ck_streq(norm, "/api") || ck_streq(norm, "/apis"))
		m |= CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2) | CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2BETA1);
	return m;
}
