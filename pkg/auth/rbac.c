/* RBAC rules: compiling, matching, subjects, coverage (see rbac.h). */
#include "auth/rbac.h"

#include <string.h>

#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

/* ---- compiling ---- */

static char **strv_empty(void)
{
	return ck_calloc(1, sizeof(char *));
}

static char **strv_from_json(json_object *o, const char *key)
{
	json_object *a = NULL;
	size_t n = 0;
	if (!o || !json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return strv_empty();
	size_t len = json_object_array_length(a);
	char **v = ck_calloc(len + 1, sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		json_object *s = json_object_array_get_idx(a, i);
		if (json_object_is_type(s, json_type_string))
			v[n++] = ck_strdup(json_object_get_string(s));
	}
	return v;
}

static char **strv_copy(char *const *src)
{
	size_t n = ck_strv_len(src);
	char **v = ck_calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = ck_strdup(src[i]);
	return v;
}

static char **strv_one(const char *s)
{
	char **v = ck_calloc(2, sizeof(*v));
	v[0] = ck_strdup(s);
	return v;
}

void ck_rbac_rule_release(struct ck_rbac_rule *r)
{
	ck_strv_free(r->verbs);
	ck_strv_free(r->api_groups);
	ck_strv_free(r->resources);
	ck_strv_free(r->resource_names);
	ck_strv_free(r->non_resource_urls);
	memset(r, 0, sizeof(*r));
}

void ck_rbac_rules_release(struct ck_rbac_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n; i++)
		ck_rbac_rule_release(&rules->v[i]);
	free(rules->v);
	rules->v = NULL;
	rules->n = 0;
}

static struct ck_rbac_rule *push(struct ck_rbac_rules *rules)
{
	rules->v = ck_realloc(rules->v, (rules->n + 1) * sizeof(*rules->v));
	struct ck_rbac_rule *r = &rules->v[rules->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

void ck_rbac_rules_add(struct ck_rbac_rules *rules, const struct ck_rbac_rule *rule)
{
	struct ck_rbac_rule *r = push(rules);
	r->verbs = strv_copy(rule->verbs);
	r->api_groups = strv_copy(rule->api_groups);
	r->resources = strv_copy(rule->resources);
	r->resource_names = strv_copy(rule->resource_names);
	r->non_resource_urls = strv_copy(rule->non_resource_urls);
}

void ck_rbac_rules_from_json(json_object *rules, struct ck_rbac_rules *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!rules || !json_object_is_type(rules, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *o = json_object_array_get_idx(rules, i);
		if (!json_object_is_type(o, json_type_object))
			o = NULL;
		struct ck_rbac_rule *r = push(ret);
		r->verbs = strv_from_json(o, "verbs");
		r->api_groups = strv_from_json(o, "apiGroups");
		r->resources = strv_from_json(o, "resources");
		r->resource_names = strv_from_json(o, "resourceNames");
		r->non_resource_urls = strv_from_json(o, "nonResourceURLs");
	}
}

static void add_list(json_object *o, const char *key, char *const *v)
{
	if (!v || !v[0])
		return;
	json_object *a = json_object_new_array();
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(o, key, a);
}

json_object *ck_rbac_rule_to_json(const struct ck_rbac_rule *rule)
{
	/* rbac/v1 PolicyRule field order. */
	json_object *o = json_object_new_object();
	json_object_object_add(o, "verbs", json_object_new_array());
	add_list(o, "verbs", rule->verbs);
	add_list(o, "apiGroups", rule->api_groups);
	add_list(o, "resources", rule->resources);
	add_list(o, "resourceNames", rule->resource_names);
	add_list(o, "nonResourceURLs", rule->non_resource_urls);
	return o;
}

/* ---- matching (upstream's rbacv1helpers) ---- */

static bool has(char *const *set, const char *s)
{
	for (size_t i = 0; set && set[i]; i++)
		if (ck_streq(set[i], s))
			return true;
	return false;
}

static bool verb_matches(const struct ck_rbac_rule *r, const char *verb)
{
	return has(r->verbs, "*") || has(r->verbs, verb);
}

static bool group_matches(const struct ck_rbac_rule *r, const char *group)
{
	return has(r->api_groups, "*") || has(r->api_groups, group);
}

static bool resource_matches(const struct ck_rbac_rule *r, const char *combined, const char *sub)
{
	size_t sublen = sub ? strlen(sub) : 0;
	for (size_t i = 0; r->resources[i]; i++) {
		const char *rr = r->resources[i];
		if (ck_streq(rr, "*") || ck_streq(rr, combined))
			return true;
		if (!sublen)
			continue;
		/* "*\/sub" matches sub of every resource. */
		if (strlen(rr) == sublen + 2 && rr[0] == '*' && rr[1] == '/' &&
		    ck_str_has_suffix(rr, sub))
			return true;
	}
	return false;
}

static bool name_matches(const struct ck_rbac_rule *r, const char *name)
{
	return !r->resource_names[0] || has(r->resource_names, name ? name : "");
}

static bool url_matches(const struct ck_rbac_rule *r, const char *path)
{
	for (size_t i = 0; r->non_resource_urls[i]; i++) {
		const char *u = r->non_resource_urls[i];
		if (ck_streq(u, "*") || ck_streq(u, path))
			return true;
		size_t n = strlen(u);
		if (n && u[n - 1] == '*') {
			/* strings.TrimRight(u, "*"): every trailing star goes. */
			while (n && u[n - 1] == '*')
				n--;
			if (path && strncmp(path, u, n) == 0)
				return true;
		}
	}
	return false;
}

bool ck_rbac_rule_allows(const struct ck_authz_attrs *at, const struct ck_rbac_rule *rule)
{
	if (!verb_matches(rule, at->verb ? at->verb : ""))
		return false;
	if (!at->resource_request)
		return url_matches(rule, at->path ? at->path : "");
	const char *res = at->resource ? at->resource : "";
	const char *sub = at->subresource && *at->subresource ? at->subresource : NULL;
	struct ck_buf combined = CK_BUF_INIT;
	ck_buf_adds(&combined, res);
	if (sub)
		ck_buf_addf(&combined, "/%s", sub);
	bool ok = group_matches(rule, at->api_group ? at->api_group : "") &&
		  resource_matches(rule, ck_buf_str(&combined), sub) &&
		  name_matches(rule, at->name);
	ck_buf_release(&combined);
	return ok;
}

bool ck_rbac_subject_applies(const struct ck_user_info *user, const char *kind, const char *name,
			     const char *subject_ns, const char *binding_ns)
{
	if (ck_streq(kind, "User"))
		return ck_streq(user->name, name);
	if (ck_streq(kind, "Group"))
		return ck_user_in_group(user, name);
	if (!ck_streq(kind, "ServiceAccount"))
		return false;
	const char *ns = subject_ns && *subject_ns ? subject_ns : binding_ns;
	if (!ns || !*ns || !name)
		return false;
	/* user->name == "system:serviceaccount:<ns>:<name>" without building it. */
	const char *u = user->name;
	size_t plen = strlen(CK_SA_USER_PREFIX), nslen = strlen(ns);
	return u && strncmp(u, CK_SA_USER_PREFIX, plen) == 0 && strncmp(u + plen, ns, nslen) == 0 &&
	       u[plen + nslen] == ':' && ck_streq(u + plen + nslen + 1, name);
}

/* ---- coverage (upstream's Covers) ---- */

static bool has_all(char *const *set, char *const *want)
{
	for (size_t i = 0; want && want[i]; i++)
		if (!has(set, want[i]))
			return false;
	return true;
}

static bool resources_cover_all(char *const *set, char *const *want)
{
	if (has(set, "*") || has_all(set, want))
		return true;
	for (size_t i = 0; want[i]; i++) {
		if (has(set, want[i]))
			continue;
		const char *slash = strchr(want[i], '/');
		if (!slash)
			return false;
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "*/%s", slash + 1);
		bool ok = has(set, ck_buf_str(&b));
		ck_buf_release(&b);
		if (!ok)
			return false;
	}
	return true;
}

static bool url_covers(const char *owner, const char *sub)
{
	if (ck_streq(owner, sub))
		return true;
	size_t n = strlen(owner);
	if (!n || owner[n - 1] != '*')
		return false;
	while (n && owner[n - 1] == '*')
		n--;
	return strncmp(sub, owner, n) == 0;
}

static bool urls_cover_all(char *const *set, char *const *want)
{
	for (size_t i = 0; want[i]; i++) {
		bool covered = false;
		for (size_t j = 0; set[j] && !covered; j++)
			covered = url_covers(set[j], want[i]);
		if (!covered)
			return false;
	}
	return true;
}

static bool rule_covers(const struct ck_rbac_rule *owner, const struct ck_rbac_rule *sub)
{
	bool verbs = has(owner->verbs, "*") || has_all(owner->verbs, sub->verbs);
	bool groups = has(owner->api_groups, "*") || has_all(owner->api_groups, sub->api_groups);
	bool resources = resources_cover_all(owner->resources, sub->resources);
	bool urls = urls_cover_all(owner->non_resource_urls, sub->non_resource_urls);
	bool names =
	    sub->resource_names[0]
		? !owner->resource_names[0] || has_all(owner->resource_names, sub->resource_names)
		: !owner->resource_names[0];
	return verbs && groups && resources && urls && names;
}

static void add_piece(struct ck_rbac_rules *out, const char *group, const char *resource,
		      const char *verb, const char *name, const char *url)
{
	struct ck_rbac_rule *r = push(out);
	r->verbs = strv_one(verb);
	r->api_groups = group ? strv_one(group) : strv_empty();
	r->resources = resource ? strv_one(resource) : strv_empty();
	r->resource_names = name ? strv_one(name) : strv_empty();
	r->non_resource_urls = url ? strv_one(url) : strv_empty();
}

/* upstream's breakdownRule */
static void breakdown(const struct ck_rbac_rule *rule, struct ck_rbac_rules *out)
{
	for (size_t g = 0; rule->api_groups[g]; g++)
		for (size_t r = 0; rule->resources[r]; r++)
			for (size_t v = 0; rule->verbs[v]; v++) {
				if (!rule->resource_names[0]) {
					add_piece(out, rule->api_groups[g], rule->resources[r],
						  rule->verbs[v], NULL, NULL);
					continue;
				}
				for (size_t n = 0; rule->resource_names[n]; n++)
					add_piece(out, rule->api_groups[g], rule->resources[r],
						  rule->verbs[v], rule->resource_names[n], NULL);
			}
	for (size_t u = 0; rule->non_resource_urls[u]; u++)
		for (size_t v = 0; rule->verbs[v]; v++)
			add_piece(out, NULL, NULL, rule->verbs[v], NULL,
				  rule->non_resource_urls[u]);
}

bool ck_rbac_covers(const struct ck_rbac_rules *owner, const struct ck_rbac_rules *servant,
		    struct ck_rbac_rules *ret_uncovered)
{
	struct ck_rbac_rules pieces = { 0 };
	for (size_t i = 0; i < servant->n; i++)
		breakdown(&servant->v[i], &pieces);
	bool all = true;
	if (ret_uncovered)
		memset(ret_uncovered, 0, sizeof(*ret_uncovered));
	for (size_t i = 0; i < pieces.n; i++) {
		bool covered = false;
		for (size_t j = 0; j < owner->n && !covered; j++)
			covered = rule_covers(&owner->v[j], &pieces.v[i]);
		if (covered)
			continue;
		all = false;
		if (ret_uncovered)
			ck_rbac_rules_add(ret_uncovered, &pieces.v[i]);
	}
	ck_rbac_rules_release(&pieces);
	return all;
}

static void add_quoted(struct ck_buf *out, const char *field, char *const *v, bool *first)
{
	if (!v[0])
		return;
	ck_buf_addf(out, "%s%s:[", *first ? "" : ", ", field);
	for (size_t i = 0; v[i]; i++)
		ck_buf_addf(out, "%s\"%s\"", i ? " " : "", v[i]);
	ck_buf_addc(out, ']');
	*first = false;
}

void ck_rbac_rule_compact_string(const struct ck_rbac_rule *rule, struct ck_buf *out)
{
	bool first = true;
	ck_buf_addc(out, '{');
	add_quoted(out, "APIGroups", rule->api_groups, &first);
	add_quoted(out, "Resources", rule->resources, &first);
	add_quoted(out, "NonResourceURLs", rule->non_resource_urls, &first);
	add_quoted(out, "ResourceNames", rule->resource_names, &first);
	add_quoted(out, "Verbs", rule->verbs, &first);
	ck_buf_addc(out, '}');
}

static bool simple(const struct ck_rbac_rule *r)
{
	return ck_strv_len(r->resource_names) <= 1 && !r->non_resource_urls[0] &&
	       ck_strv_len(r->api_groups) == 1 && ck_strv_len(r->resources) == 1;
}

void ck_rbac_rules_compact(const struct ck_rbac_rules *in, struct ck_rbac_rules *out)
{
	memset(out, 0, sizeof(*out));
	struct ck_rbac_rules merged = { 0 };
	for (size_t i = 0; i < in->n; i++) {
		const struct ck_rbac_rule *r = &in->v[i];
		if (!simple(r)) {
			ck_rbac_rules_add(out, r);
			continue;
		}
		struct ck_rbac_rule *into = NULL;
		for (size_t j = 0; j < merged.n && !into; j++) {
			struct ck_rbac_rule *m = &merged.v[j];
			if (ck_streq(m->api_groups[0], r->api_groups[0]) &&
			    ck_streq(m->resources[0], r->resources[0]) &&
			    ck_streq(m->resource_names[0], r->resource_names[0]))
				into = m;
		}
		if (!into) {
			ck_rbac_rules_add(&merged, r);
			continue;
		}
		for (size_t v = 0; r->verbs[v]; v++) {
			if (has(into->verbs, r->verbs[v]))
				continue;
			size_t n = ck_strv_len(into->verbs);
			into->verbs = ck_realloc(into->verbs, (n + 2) * sizeof(char *));
			into->verbs[n] = ck_strdup(r->verbs[v]);
			into->verbs[n + 1] = NULL;
		}
	}
	for (size_t j = 0; j < merged.n; j++)
		ck_rbac_rules_add(out, &merged.v[j]);
	ck_rbac_rules_release(&merged);
}
