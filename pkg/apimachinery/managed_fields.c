/*
 * Field sets in their FieldsV1 form and the managedFields list (see
 * managed_fields.h).
 */
#include "apimachinery/managed_fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/limits.h"
#include "util/str.h"

#define DOT "."

/* ---- nodes ---- */

static bool is_member(json_object *node)
{
	return node &&
	       (json_object_object_length(node) == 0 || json_object_object_get_ex(node, DOT, NULL));
}

static json_object *child(json_object *node, const char *key)
{
	json_object *c = NULL;
	return node && json_object_object_get_ex(node, key, &c) ? c : NULL;
}

/*
 * A node result: res (owned) gets "." when it is a member with children;
 * an empty non-member is freed and NULL returned.
 */
static json_object *finish(json_object *res, bool member)
{
	if (json_object_object_length(res) == 0) {
		if (member)
			return res;
		json_object_put(res);
		return NULL;
	}
	if (member)
		json_object_object_add(res, DOT, json_object_new_object());
	return res;
}

/* ---- order: ".", then f < k < v < i, then by text ---- */

static int prefix_rank(const char *k)
{
	if (ck_streq(k, DOT))
		return 0;
	switch (k[0]) {
	case 'f':
		return 1;
	case 'k':
		return 2;
	case 'v':
		return 3;
	case 'i':
		return 4;
	}
	return 5;
}

static int cmp_keys(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int ra = prefix_rank(a), rb = prefix_rank(b);
	if (ra != rb)
		return ra - rb;
	if (ra == 4) {
		long ia = strtol(a + 2, NULL, 10), ib = strtol(b + 2, NULL, 10);
		if (ia != ib)
			return ia < ib ? -1 : 1;
	}
	return strcmp(a, b);
}

/* node's keys in set order (owned array of borrowed keys; *ret_n of them), NULL when none. */
static const char **sorted_keys(json_object *node, size_t *ret_n)
{
	size_t n = (size_t)json_object_object_length(node), i = 0;
	*ret_n = n;
	if (!n)
		return NULL;
	const char **keys = ck_calloc(n, sizeof(*keys));
	json_object_object_foreach (node, k, v) {
		(void)v;
		keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_keys);
	return keys;
}

/* Whether node's own keys (not its children's) are in set order. */
static bool keys_in_order(json_object *node)
{
	const char *prev = NULL;
	json_object_object_foreach (node, k, v) {
		(void)v;
		if (prev && cmp_keys(&prev, &k) > 0)
			return false;
		prev = k;
	}
	return true;
}

/* Whether node and all below it are in set order. */
static bool node_sorted(json_object *node)
{
	if (!json_object_is_type(node, json_type_object) || !keys_in_order(node))
		return false;
	json_object_object_foreach (node, k, v) {
		(void)k;
		if (!node_sorted(v))
			return false;
	}
	return true;
}

/* A new node (owned) with node's members in set order, each value value_of(member). */
static json_object *in_set_order(json_object *node, json_object *(*value_of)(json_object *))
{
	size_t n;
	const char **keys = sorted_keys(node, &n);
	json_object *out = json_object_new_object();
	for (size_t i = 0; i < n; i++)
		json_object_object_add(out, keys[i], value_of(child(node, keys[i])));
	free(keys);
	return out;
}

static json_object *sorted_node(json_object *node)
{
	return in_set_order(node, sorted_node);
}

json_object *ck_fieldset_sorted(json_object *set)
{
	return set ? sorted_node(set) : json_object_new_object();
}

/* ck_fieldset_sort of a node (taken): children sorted in place, node rebuilt only when its
 * own keys are out of order. */
static json_object *sort_node(json_object *node)
{
	if (!json_object_is_type(node, json_type_object))
		return node;
	json_object_object_foreach (node, k, v) {
		json_object *s = sort_node(json_object_get(v));
		if (s != v)
			json_object_object_add(node, k, s); /* in place: the key keeps its entry */
		else
			json_object_put(s);
	}
	if (keys_in_order(node))
		return node;
	json_object *out = in_set_order(node, json_object_get);
	json_object_put(node);
	return out;
}

json_object *ck_fieldset_sort(json_object *set)
{
	return set ? sort_node(set) : json_object_new_object();
}

/* ---- validation ---- */

static int bad(char **ret_err, const char *what, const char *key)
{
	if (ret_err) {
		size_t len = strlen(what) + strlen(key) + 8;
		*ret_err = ck_malloc(len);
		snprintf(*ret_err, len, "%s '%s'", what, key);
	}
	return -EINVAL;
}

static int check_element(const char *k, char **ret_err)
{
	if (strlen(k) < 2 || k[1] != ':')
		return bad(ret_err, "unknown path element", k);
	const char *rest = k + 2;
	json_object *v = NULL;
	switch (k[0]) {
	case 'f':
		return 0;
	case 'i':
		if (!*rest)
			return bad(ret_err, "invalid index in path element", k);
		for (const char *p = rest; *p; p++)
			if (*p < '0' || *p > '9')
				return bad(ret_err, "invalid index in path element", k);
		return 0;
	case 'k':
	case 'v': {
		/* the whole text, terminator included, so a number ends */
		json_tokener *tok = json_tokener_new_ex(64);
		v = json_tokener_parse_ex(tok, rest, (int)strlen(rest) + 1);
		bool ok = json_tokener_get_error(tok) == json_tokener_success;
		for (size_t i = (size_t)tok->char_offset; ok && i < strlen(rest); i++)
			ok = strchr(" \t\r\n", rest[i]) != NULL;
		json_tokener_free(tok);
		if (ok && k[0] == 'k')
			ok = json_object_is_type(v, json_type_object) &&
			     json_object_object_length(v) > 0;
		json_object_put(v);
		return ok ? 0 : bad(ret_err, "invalid JSON in path element", k);
	}
	}
	return bad(ret_err, "unknown path element", k);
}

static int validate_node(json_object *node, bool root, int depth, char **ret_err)
{
	if (!json_object_is_type(node, json_type_object))
		return bad(ret_err, "a field set node must be an object, at", "");
	if (depth > CK_MAX_JSON_DEPTH)
		return bad(ret_err, "field set too deep", "");
	json_object_object_foreach (node, k, v) {
		if (ck_streq(k, DOT)) {
			if (root || !json_object_is_type(v, json_type_object) ||
			    json_object_object_length(v) != 0)
				return bad(ret_err, "invalid member marker", k);
			continue;
		}
		int r = check_element(k, ret_err);
		if (r == 0)
			r = validate_node(v, false, depth + 1, ret_err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ck_fieldset_validate(json_object *set, char **ret_err)
{
	return validate_node(set, true, 0, ret_err);
}

int ck_fieldset_decode(const char *data, size_t len, json_object **ret, char **ret_err)
{
	json_tokener *tok = ck_json_tokener_get(0);
	json_object *set = json_tokener_parse_ex(tok, data, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	ck_json_tokener_put(tok);
	if (jerr != json_tokener_success || !set) {
		json_object_put(set);
		if (ret_err)
			*ret_err = ck_strdup(jerr != json_tokener_success
						 ? json_tokener_error_desc(jerr)
						 : "a field set must be a JSON object");
		return -EINVAL;
	}
	int r = ck_fieldset_validate(set, ret_err);
	if (r < 0) {
		json_object_put(set);
		return r;
	}
	*ret = set;
	return 0;
}

/* ---- algebra ---- */

static bool node_empty(json_object *node, bool root)
{
	if (!root && is_member(node))
		return false;
	json_object_object_foreach (node, k, v) {
		if (!ck_streq(k, DOT) && !node_empty(v, false))
			return false;
	}
	return true;
}

bool ck_fieldset_empty(json_object *set)
{
	return !set || node_empty(set, true);
}

static json_object *node_union(json_object *a, json_object *b, bool root)
{
	if (!a || !b)
		return sorted_node(a ? a : b);
	json_object *res = json_object_new_object();
	json_object_object_foreach (a, ka, va) {
		if (ck_streq(ka, DOT))
			continue;
		json_object *vb = child(b, ka);
		json_object_object_add(res, ka, node_union(va, vb, false));
	}
	json_object_object_foreach (b, kb, vb) {
		if (!ck_streq(kb, DOT) && !child(a, kb))
			json_object_object_add(res, kb, sorted_node(vb));
	}
	json_object *out = finish(res, !root && (is_member(a) || is_member(b)));
	return out;
}

static json_object *node_difference(json_object *a, json_object *b, bool root)
{
	if (!b)
		return sorted_node(a);
	json_object *res = json_object_new_object();
	json_object_object_foreach (a, k, va) {
		if (ck_streq(k, DOT))
			continue;
		json_object *c = node_difference(va, child(b, k), false);
		if (c)
			json_object_object_add(res, k, c);
	}
	return finish(res, !root && is_member(a) && !is_member(b));
}

static json_object *node_intersection(json_object *a, json_object *b, bool root)
{
	if (!a || !b)
		return NULL;
	json_object *res = json_object_new_object();
	json_object_object_foreach (a, k, va) {
		if (ck_streq(k, DOT))
			continue;
		json_object *c = node_intersection(va, child(b, k), false);
		if (c)
			json_object_object_add(res, k, c);
	}
	return finish(res, !root && is_member(a) && is_member(b));
}

json_object *ck_fieldset_union(json_object *a, json_object *b)
{
	if (!a && !b)
		return json_object_new_object();
	return ck_fieldset_sort(node_union(a, b, true));
}

json_object *ck_fieldset_difference(json_object *a, json_object *b)
{
	if (!a)
		return json_object_new_object();
	return ck_fieldset_sort(node_difference(a, b, true));
}

json_object *ck_fieldset_intersection(json_object *a, json_object *b)
{
	return ck_fieldset_sort(node_intersection(a, b, true));
}

void ck_fieldset_insert(json_object *set, const char *const *path, size_t n)
{
	json_object *node = set;
	bool created = false;
	for (size_t i = 0; i < n; i++) {
		json_object *c = child(node, path[i]);
		if (!c) {
			/* a leaf member gaining a child stays a member */
			if (node != set && !created && json_object_object_length(node) == 0)
				json_object_object_add(node, DOT, json_object_new_object());
			created = true;
			c = json_object_new_object();
			json_object_object_add(node, path[i], c);
		} else {
			created = false;
			if (i + 1 == n && json_object_object_length(c) > 0 && !child(c, DOT))
				json_object_object_add(c, DOT, json_object_new_object());
		}
		node = c;
	}
}

json_object *ck_fieldset_node(json_object *set, const char *const *path, size_t n)
{
	json_object *node = set;
	for (size_t i = 0; node && i < n; i++)
		node = child(node, path[i]);
	return node;
}

static int each_node(json_object *node, const char **stack, size_t depth, ck_fieldset_fn fn,
		     void *arg)
{
	if (depth > 0 && is_member(node)) {
		int r = fn(stack, depth, arg);
		if (r)
			return r;
	}
	if (depth >= CK_MAX_JSON_DEPTH)
		return 0;
	json_object_object_foreach (node, k, v) {
		if (ck_streq(k, DOT))
			continue;
		stack[depth] = k;
		int r = each_node(v, stack, depth + 1, fn, arg);
		if (r)
			return r;
	}
	return 0;
}

int ck_fieldset_each(json_object *set, ck_fieldset_fn fn, void *arg)
{
	if (!set)
		return 0;
	const char **stack = ck_calloc(CK_MAX_JSON_DEPTH + 1, sizeof(*stack));
	int r = each_node(set, stack, 0, fn, arg);
	free(stack);
	return r;
}

/* ---- printing paths ---- */

/* Go's %v of a value inside a path: strings quoted, the rest as JSON. */
static void append_value(struct ck_buf *sb, json_object *v)
{
	ck_buf_adds(sb, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
}

char *ck_fieldset_path_string(const char *const *path, size_t n)
{
	struct ck_buf sb = CK_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const char *e = path[i];
		if (strlen(e) < 2 || e[1] != ':') {
			ck_buf_adds(&sb, e);
			continue;
		}
		json_object *v = NULL;
		switch (e[0]) {
		case 'f':
			ck_buf_adds(&sb, ".");
			ck_buf_adds(&sb, e + 2);
			break;
		case 'i':
			ck_buf_adds(&sb, "[");
			ck_buf_adds(&sb, e + 2);
			ck_buf_adds(&sb, "]");
			break;
		case 'k':
		case 'v': {
			v = json_tokener_parse(e + 2);
			ck_buf_adds(&sb, e[0] == 'v' ? "[=" : "[");
			if (e[0] == 'k' && json_object_is_type(v, json_type_object)) {
				bool first = true;
				json_object_object_foreach (v, kk, kv) {
					if (!first)
						ck_buf_adds(&sb, ",");
					first = false;
					ck_buf_adds(&sb, kk);
					ck_buf_adds(&sb, "=");
					append_value(&sb, kv);
				}
			} else if (v) {
				append_value(&sb, v);
			} else {
				ck_buf_adds(&sb, e + 2);
			}
			ck_buf_adds(&sb, "]");
			json_object_put(v);
			break;
		}
		default:
			ck_buf_adds(&sb, e);
		}
	}
	return ck_buf_detach(&sb, NULL);
}

/* ---- managedFields ---- */

static char *str_field(json_object *o, const char *key)
{
	json_object *v = child(o, key);
	return v && json_object_is_type(v, json_type_string) ? ck_strdup(json_object_get_string(v))
							     : NULL;
}

static void entry_release(struct ck_managed_entry *e)
{
	ck_free(&e->manager);
	ck_free(&e->operation);
	ck_free(&e->api_version);
	ck_free(&e->time);
	ck_free(&e->subresource);
	json_object_put(e->fields);
	e->fields = NULL;
}

void ck_managed_fields_release(struct ck_managed_fields *mf)
{
	if (!mf)
		return;
	for (size_t i = 0; i < mf->n; i++)
		entry_release(&mf->v[i]);
	ck_free(&mf->v);
	mf->n = 0;
}

static int fail(struct ck_managed_fields *mf, char **ret_err, const char *msg)
{
	ck_managed_fields_release(mf);
	if (ret_err)
		*ret_err = ck_strdup(msg);
	return -EINVAL;
}

int ck_managed_fields_decode(json_object *list, struct ck_managed_fields *ret, char **ret_err)
{
	struct ck_managed_fields mf = { 0 };
	if (!list) {
		*ret = mf;
		return 0;
	}
	if (!json_object_is_type(list, json_type_array))
		return fail(&mf, ret_err, "managedFields must be a list");
	size_t n = json_object_array_length(list);
	mf.v = ck_calloc(n ? n : 1, sizeof(*mf.v));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(list, i);
		if (!json_object_is_type(o, json_type_object))
			return fail(&mf, ret_err, "a managedFields entry must be an object");
		if (json_object_object_length(o) == 0)
			continue;
		struct ck_managed_entry *e = &mf.v[mf.n++];
		e->manager = str_field(o, "manager");
		e->operation = str_field(o, "operation");
		e->api_version = str_field(o, "apiVersion");
		e->time = str_field(o, "time");
		e->subresource = str_field(o, "subresource");
		if (!e->manager)
			e->manager = ck_strdup("");
		if (!e->api_version)
			e->api_version = ck_strdup("");
		if (!e->subresource)
			e->subresource = ck_strdup("");
		if (!e->operation ||
		    (!ck_streq(e->operation, "Apply") && !ck_streq(e->operation, "Update")))
			return fail(&mf, ret_err,
				    "managedFields operation must be `Apply` or `Update`");
		char *ft = str_field(o, "fieldsType");
		bool ft_ok = !ft || ck_streq(ft, "FieldsV1");
		free(ft);
		if (!ft_ok)
			return fail(&mf, ret_err, "managedFields fieldsType must be `FieldsV1`");
		json_object *f = child(o, "fieldsV1");
		char *err = NULL;
		if (f && ck_fieldset_validate(f, &err) < 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "invalid managedFields fieldsV1: %s",
				 err ? err : "malformed");
			free(err);
			return fail(&mf, ret_err, msg);
		}
		e->fields = ck_fieldset_sorted(f);
	}
	*ret = mf;
	return 0;
}

struct ck_managed_entry *ck_managed_fields_find(struct ck_managed_fields *mf, const char *manager,
						const char *operation, const char *subresource,
						const char *api_version)
{
	const char *sub = subresource ? subresource : "";
	for (size_t i = 0; i < mf->n; i++) {
		struct ck_managed_entry *e = &mf->v[i];
		if (ck_streq(e->manager, manager ? manager : "") &&
		    ck_streq(e->operation, operation) && ck_streq(e->subresource, sub) &&
		    (!ck_streq(operation, "Update") || ck_streq(e->api_version, api_version)))
			return e;
	}
	return NULL;
}

struct ck_managed_entry *ck_managed_fields_add(struct ck_managed_fields *mf, const char *manager,
					       const char *operation, const char *subresource,
					       const char *api_version)
{
	mf->v = ck_realloc(mf->v, (mf->n + 1) * sizeof(*mf->v));
	struct ck_managed_entry *e = &mf->v[mf->n++];
	memset(e, 0, sizeof(*e));
	e->manager = ck_strdup(manager ? manager : "");
	e->operation = ck_strdup(operation);
	e->subresource = ck_strdup(subresource ? subresource : "");
	e->api_version = ck_strdup(api_version ? api_version : "");
	e->fields = json_object_new_object();
	return e;
}

static int str_cmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_entries(const void *pa, const void *pb)
{
	const struct ck_managed_entry *a = *(const struct ck_managed_entry *const *)pa;
	const struct ck_managed_entry *b = *(const struct ck_managed_entry *const *)pb;
	int c = str_cmp_null(a->operation, b->operation);
	if (!c)
		c = str_cmp_null(a->time, b->time);
	if (!c)
		c = str_cmp_null(a->manager, b->manager);
	if (!c)
		c = str_cmp_null(a->api_version, b->api_version);
	if (!c)
		c = str_cmp_null(a->subresource, b->subresource);
	return c;
}

json_object *ck_managed_fields_encode(const struct ck_managed_fields *mf)
{
	const struct ck_managed_entry **order = ck_calloc(mf->n ? mf->n : 1, sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; i < mf->n; i++)
		if (!ck_fieldset_empty(mf->v[i].fields))
			order[n++] = &mf->v[i];
	qsort(order, n, sizeof(*order), cmp_entries);
	json_object *list = n ? json_object_new_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct ck_managed_entry *e = order[i];
		json_object *o = json_object_new_object();
		/* omitempty upstream: a request without fieldManager or
		 * User-Agent has no manager name, and none is written. */
		if (e->manager && *e->manager)
			json_object_object_add(o, "manager", json_object_new_string(e->manager));
		json_object_object_add(o, "operation", json_object_new_string(e->operation));
		json_object_object_add(o, "apiVersion", json_object_new_string(e->api_version));
		if (e->time)
			json_object_object_add(o, "time", json_object_new_string(e->time));
		json_object_object_add(o, "fieldsType", json_object_new_string("FieldsV1"));
		/* sets from the algebra, compare and decode are sorted already */
		json_object_object_add(o, "fieldsV1",
				       node_sorted(e->fields) ? json_object_get(e->fields)
							      : ck_fieldset_sorted(e->fields));
		if (e->subresource && *e->subresource)
			json_object_object_add(o, "subresource",
					       json_object_new_string(e->subresource));
		json_object_array_add(list, o);
	}
	free(order);
	return list;
}

void ck_managed_entry_describe(const struct ck_managed_entry *e, char *out, size_t size)
{
	json_object *name = json_object_new_string(e->manager ? e->manager : "");
	const char *q = json_object_to_json_string_ext(name, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	int len = snprintf(out, size, "%s", q);
	if (len >= 0 && (size_t)len < size && e->subresource && *e->subresource)
		len += snprintf(out + len, size - (size_t)len, " with subresource \"%s\"",
				e->subresource);
	if (len >= 0 && (size_t)len < size && ck_streq(e->operation, "Update"))
		snprintf(out + len, size - (size_t)len, " using %s",
			 e->api_version ? e->api_version : "");
	json_object_put(name);
}

char *ck_managed_fields_default_manager(const char *user_agent)
{
	if (!user_agent)
		return ck_strdup("");
	size_t n = strcspn(user_agent, "/");
	if (n > 128)
		n = 128;
	char *m = ck_malloc(n + 1);
	memcpy(m, user_agent, n);
	m[n] = '\0';
	return m;
}
