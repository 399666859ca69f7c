/*
 * Server-side apply: typed field sets, compare and merge over the schema
 * model, and the field manager that keeps metadata.managedFields (see
 * apply.h).
 */
#include "apimachinery/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema.h"
#include "apimachinery/managed_fields.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

/* ---- what the schema says about a position ---- */

enum st_kind {
	ST_LEAF,    /* scalars and atomic values */
	ST_STRUCT,  /* named fields */
	ST_MAP,	    /* map[string]X */
	ST_LIST,    /* a list (rel says how its items are told apart) */
	ST_DEDUCED, /* no schema: objects are granular maps, lists atomic */
};

enum { REL_ATOMIC, REL_SET, REL_MAP };

struct stype {
	enum st_kind kind;
	const struct ck_schema_type *type;   /* ST_STRUCT */
	const struct ck_schema_value *items; /* ST_MAP, ST_LIST */
	int rel;			     /* ST_LIST */
	const char *keys;		     /* ST_LIST, REL_MAP: joined by ',' */
	bool atomic;			     /* ST_STRUCT, ST_MAP */
};

/* Upstream's +structType=atomic types. */
static const char *const atomic_structs[] = {
	"LabelSelector",	"LocalObjectReference",
	"ObjectReference",	"TypedLocalObjectReference",
	"TypedObjectReference", "SecretReference",
	"ConfigMapKeySelector", "SecretKeySelector",
	"ObjectFieldSelector",	"ResourceFieldSelector",
	"NodeSelector",		"NodeSelectorTerm",
	"TopologySelectorTerm",
};

/* Upstream's +mapType=atomic fields: "Type.field". */
static const char *const atomic_maps[] = {
	"PodSpec.nodeSelector",
	"ServiceSpec.selector",
	"ReplicationControllerSpec.selector",
};

/* Defaults of list-map key fields an item may leave out (OpenAPI defaults). */
static const char *key_default(const char *key)
{
	return ck_streq(key, "protocol") ? "TCP" : NULL;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (ck_streq(list[i], s))
			return true;
	return false;
}

/* Whether "type.field" is one of atomic_maps (compared in place: asked for every map). */
static bool is_atomic_map(const char *type, const char *field)
{
	size_t n = strlen(type);
	for (size_t i = 0; i < CK_ARRAY_SIZE(atomic_maps); i++)
		if (strncmp(atomic_maps[i], type, n) == 0 && atomic_maps[i][n] == '.' &&
		    ck_streq(atomic_maps[i] + n + 1, field))
			return true;
	return false;
}

static void of_type(const struct ck_schema_type *t, struct stype *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!t) {
		ret->kind = ST_DEDUCED;
	} else if (t->kind == CK_SCHEMA_OBJECT) {
		ret->kind = ST_STRUCT;
		ret->type = t;
		ret->atomic = in_list(atomic_structs, CK_ARRAY_SIZE(atomic_structs), t->name);
	} else {
		ret->kind = ST_LEAF;
	}
}

/* The type of a value; f (with its parent type) gives list and map attributes. */
static void of_value(const struct ck_schema_value *v, const struct ck_schema_type *parent,
		     const struct ck_schema_field *f, struct stype *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!v) {
		ret->kind = ST_DEDUCED;
		return;
	}
	switch (v->kind) {
	case CK_SCHEMA_OBJECT:
		if (v->type)
			of_type(v->type, ret);
		else
			ret->kind = ST_DEDUCED;
		return;
	case CK_SCHEMA_MAP: {
		ret->kind = ST_MAP;
		ret->items = v->items;
		if (parent && f && parent->name && f->name)
			ret->atomic = is_atomic_map(parent->name, f->name);
		return;
	}
	case CK_SCHEMA_ARRAY:
		ret->kind = ST_LIST;
		ret->items = v->items;
		ret->rel = REL_ATOMIC;
		if (!f || (v->items && v->items->kind == CK_SCHEMA_ARRAY))
			return;
		if (f->list_type) {
			if (ck_streq(f->list_type, "map") && f->list_map_keys) {
				ret->rel = REL_MAP;
				ret->keys = f->list_map_keys;
			} else if (ck_streq(f->list_type, "set")) {
				ret->rel = REL_SET;
			}
		} else if (f->patch_strategy && strstr(f->patch_strategy, "merge")) {
			ret->rel = f->merge_key ? REL_MAP : REL_SET;
			ret->keys = f->merge_key;
		}
		return;
	default:
		ret->kind = ST_LEAF;
	}
}

/* The type of key's value in a struct or map; *ret_field: a struct field. */
static void child_of(const struct stype *st, const char *key, struct stype *ret, bool *ret_field)
{
	*ret_field = false;
	if (st->kind == ST_STRUCT) {
		const struct ck_schema_field *f = ck_schema_field(st->type, key);
		if (f) {
			*ret_field = true;
			of_value(&f->value, st->type, f, ret);
			return;
		}
		memset(ret, 0, sizeof(*ret));
		ret->kind = ST_DEDUCED;
	} else if (st->kind == ST_MAP) {
		of_value(st->items, NULL, NULL, ret);
	} else {
		memset(ret, 0, sizeof(*ret));
		ret->kind = ST_DEDUCED;
	}
}

static bool is_obj(json_object *v)
{
	return v && json_object_is_type(v, json_type_object);
}

static bool is_arr(json_object *v)
{
	return v && json_object_is_type(v, json_type_array);
}

/* Whether values of st are objects whose keys are owned one by one. */
static bool granular_map(const struct stype *st)
{
	return (st->kind == ST_STRUCT || st->kind == ST_MAP || st->kind == ST_DEDUCED) &&
	       !st->atomic;
}

static bool granular_list(const struct stype *st)
{
	return st->kind == ST_LIST && st->rel != REL_ATOMIC;
}

static const char *json_text(json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The path element of a list item: "k:{…}" or "v:…" (owned). */
static char *elem_key(const struct stype *list, json_object *item)
{
	struct ck_buf b = CK_BUF_INIT;
	if (list->rel == REL_MAP && list->keys && is_obj(item)) {
		char *keys = ck_strdup(list->keys);
		const char *names[16];
		size_t n = 0;
		for (char *save = NULL, *k = strtok_r(keys, ",", &save); k && n < 16;
		     k = strtok_r(NULL, ",", &save))
			names[n++] = k;
		qsort(names, n, sizeof(*names), cmp_str);
		json_object *key = json_object_new_object();
		for (size_t i = 0; i < n; i++) {
			json_object *v = NULL;
			if (json_object_object_get_ex(item, names[i], &v) && v)
				json_object_object_add(key, names[i], json_object_get(v));
			else if (key_default(names[i]))
				json_object_object_add(
				    key, names[i], json_object_new_string(key_default(names[i])));
		}
		if (json_object_object_length(key) > 0) {
			ck_buf_adds(&b, "k:");
			ck_buf_adds(&b, json_text(key));
		}
		json_object_put(key);
		free(keys);
		if (b.len)
			return ck_buf_detach(&b, NULL);
	}
	ck_buf_adds(&b, "v:");
	ck_buf_adds(&b, item ? json_text(item) : "null");
	return ck_buf_detach(&b, NULL);
}

/* The index in list of the item whose element is key; -1 when none. */
static int find_item(const struct stype *st, json_object *list, const char *key)
{
	if (!is_arr(list))
		return -1;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		char *k = elem_key(st, json_object_array_get_idx(list, i));
		bool same = ck_streq(k, key);
		free(k);
		if (same)
			return (int)i;
	}
	return -1;
}

/* ---- set nodes ---- */

/*
 * A node of a set being built, made on first use: a walk visits a slot for
 * every key of the objects it compares, and most of them (every key of a
 * create in the removed set, every unchanged key of an update in the
 * changed one) never hold anything. The root slot has its node.
 */
struct slot {
	struct slot *up;   /* the parent's slot; NULL at the root */
	const char *key;   /* the node's key in the parent (borrowed) */
	json_object *node; /* borrowed from the parent; NULL until there */
};

/* The slot's node if it is there (made by an earlier visit of the same key), else NULL. */
static json_object *slot_find(struct slot *s)
{
	if (!s->node && s->up && s->up->node)
		json_object_object_get_ex(s->up->node, s->key, &s->node);
	return s->node;
}

/* The slot's node, made (with its parents) when missing. */
static json_object *slot_node(struct slot *s)
{
	if (!slot_find(s)) {
		s->node = json_object_new_object();
		json_object_object_add(slot_node(s->up), s->key, s->node);
	}
	return s->node;
}

/* Settles a slot after a walk: a member (with "." when it has children), or dropped when
 * empty. */
static void settle(struct slot *s, bool member)
{
	if (member) {
		json_object *c = slot_node(s);
		if (json_object_object_length(c) > 0 && !json_object_object_get_ex(c, ".", NULL))
			json_object_object_add(c, ".", json_object_new_object());
	} else if (slot_find(s) && json_object_object_length(s->node) == 0) {
		json_object_object_del(s->up->node, s->key);
	}
}

static char *field_key(const char *name)
{
	size_t n = strlen(name);
	char *k = ck_malloc(n + 3);
	memcpy(k, "f:", 2);
	memcpy(k + 2, name, n + 1);
	return k;
}

/* ---- ToFieldSet ---- */

static void to_set(const struct stype *st, json_object *v, struct slot *node)
{
	if (granular_map(st) && is_obj(v)) {
		json_object_object_foreach (v, k, cv) {
			struct stype cst;
			bool is_field;
			child_of(st, k, &cst, &is_field);
			char *key = field_key(k);
			struct slot cn = { node, key, NULL };
			bool member =
			    !is_field || !cv || (is_obj(cv) && !json_object_object_length(cv));
			if ((granular_map(&cst) && is_obj(cv)) ||
			    (granular_list(&cst) && is_arr(cv)))
				to_set(&cst, cv, &cn);
			else
				member = true;
			settle(&cn, member);
			free(key);
		}
	} else if (granular_list(st) && is_arr(v)) {
		struct stype ist;
		of_value(st->items, NULL, NULL, &ist);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *item = json_object_array_get_idx(v, i);
			char *key = elem_key(st, item);
			struct slot cn = { node, key, NULL };
			if ((granular_map(&ist) && is_obj(item)) ||
			    (granular_list(&ist) && is_arr(item)))
				to_set(&ist, item, &cn);
			settle(&cn, true);
			free(key);
		}
	}
}

json_object *ck_apply_fieldset(const struct ck_schema_type *type, json_object *obj)
{
	struct stype st;
	of_type(type, &st);
	struct slot root = { NULL, NULL, json_object_new_object() };
	to_set(&st, obj, &root);
	return ck_fieldset_sort(root.node);
}

/* ---- Compare ---- */

enum { CHANGED = 1, REMOVED = 2 };

/* Where a compared value sits: the root, the root's metadata, elsewhere. */
enum level { LEVEL_ROOT, LEVEL_METADATA, LEVEL_OTHER };

/* Whether key is metadata.managedFields, which compare_fields skips. */
static bool managed_fields_at(enum level level, const char *key)
{
	return level == LEVEL_METADATA && ck_streq(key, "managedFields");
}

/* The level of key's value under a value at level. */
static enum level child_level(enum level level, const char *key)
{
	return level == LEVEL_ROOT && ck_streq(key, "metadata") ? LEVEL_METADATA : LEVEL_OTHER;
}

static int compare(const struct stype *st, json_object *l, json_object *r, struct slot *cn,
		   struct slot *rn, enum level level);

static int compare_key(const struct stype *st, const char *key, const struct stype *cst,
		       json_object *l, json_object *r, struct slot *cn, struct slot *rn, int extra,
		       enum level level)
{
	(void)st;
	struct slot c = { cn, key, NULL }, d = { rn, key, NULL };
	int f = compare(cst, l, r, &c, &d, level) | extra;
	settle(&c, f & CHANGED);
	settle(&d, f & REMOVED);
	return f;
}

/* level: LEVEL_OTHER everywhere when managedFields are compared like any field. */
static int compare(const struct stype *st, json_object *l, json_object *r, struct slot *cn,
		   struct slot *rn, enum level level)
{
	if (!l && !r)
		return 0;
	if (granular_map(st) && (!l || is_obj(l)) && (!r || is_obj(r)) &&
	    !((!l || !json_object_object_length(l)) && (!r || !json_object_object_length(r)))) {
		int flags = 0;
		/* Structs are Go values: one that appears or goes is not a change
		 * of its own, only its fields are. Maps are pointers. */
		if (st->kind != ST_STRUCT) {
			if (!l)
				flags |= CHANGED;
			if (!r)
				flags |= REMOVED;
		}
		if (l) {
			json_object_object_foreach (l, k, lv) {
				if (managed_fields_at(level, k))
					continue;
				struct stype cst;
				bool is_field;
				child_of(st, k, &cst, &is_field);
				json_object *rv = NULL;
				if (r)
					json_object_object_get_ex(r, k, &rv);
				char *key = field_key(k);
				compare_key(st, key, &cst, lv, rv, cn, rn, 0,
					    child_level(level, k));
				free(key);
			}
		}
		if (r) {
			json_object_object_foreach (r, k, rv) {
				if (managed_fields_at(level, k) ||
				    (l && json_object_object_get_ex(l, k, NULL)))
					continue;
				struct stype cst;
				bool is_field;
				child_of(st, k, &cst, &is_field);
				char *key = field_key(k);
				/* null reads as absent: Go's zero values */
				compare_key(st, key, &cst, NULL, rv, cn, rn, 0,
					    child_level(level, k));
				free(key);
			}
		}
		return flags;
	}
	if (granular_list(st) && (!l || is_arr(l)) && (!r || is_arr(r)) &&
	    !((!l || !json_object_array_length(l)) && (!r || !json_object_array_length(r)))) {
		struct stype ist;
		of_value(st->items, NULL, NULL, &ist);
		for (size_t i = 0; r && i < json_object_array_length(r); i++) {
			json_object *item = json_object_array_get_idx(r, i);
			char *key = elem_key(st, item);
			int li = find_item(st, l, key);
			json_object *litem =
			    li >= 0 ? json_object_array_get_idx(l, (size_t)li) : NULL;
			compare_key(st, key, &ist, litem, item, cn, rn, li < 0 ? CHANGED : 0,
				    LEVEL_OTHER);
			free(key);
		}
		for (size_t i = 0; l && i < json_object_array_length(l); i++) {
			json_object *item = json_object_array_get_idx(l, i);
			char *key = elem_key(st, item);
			if (find_item(st, r, key) < 0)
				compare_key(st, key, &ist, item, NULL, cn, rn, REMOVED,
					    LEVEL_OTHER);
			free(key);
		}
		return 0;
	}
	if (!l)
		return CHANGED;
	if (!r)
		return REMOVED;
	return json_object_equal(l, r) ? 0 : CHANGED;
}

/* ck_apply_compare; skip_managed: leave metadata.managedFields out on both sides. */
static void compare_fields(const struct ck_schema_type *type, json_object *lhs, json_object *rhs,
			   bool skip_managed, json_object **ret_changed, json_object **ret_removed)
{
	struct stype st;
	of_type(type, &st);
	struct slot c = { NULL, NULL, json_object_new_object() };
	struct slot r = { NULL, NULL, json_object_new_object() };
	/* the root object itself is never a member */
	compare(&st, lhs ? lhs : NULL, rhs, &c, &r, skip_managed ? LEVEL_ROOT : LEVEL_OTHER);
	*ret_changed = ck_fieldset_sort(c.node);
	*ret_removed = ck_fieldset_sort(r.node);
}

void ck_apply_compare(const struct ck_schema_type *type, json_object *lhs, json_object *rhs,
		      json_object **ret_changed, json_object **ret_removed)
{
	compare_fields(type, lhs, rhs, false, ret_changed, ret_removed);
}

/* ---- Merge ---- */

static json_object *merge(const struct stype *st, json_object *l, json_object *c)
{
	if (!c)
		return ck_obj_copy(l);
	if (!l)
		return ck_obj_copy(c);
	if (granular_map(st) && is_obj(l) && is_obj(c)) {
		json_object *res = ck_obj_copy(l);
		json_object_object_foreach (c, k, cv) {
			struct stype cst;
			bool is_field;
			child_of(st, k, &cst, &is_field);
			json_object *lv = NULL;
			json_object_object_get_ex(l, k, &lv);
			json_object_object_add(res, k, cv ? merge(&cst, lv, cv) : NULL);
		}
		return res;
	}
	if (granular_list(st) && is_arr(l) && is_arr(c)) {
		struct stype ist;
		of_value(st->items, NULL, NULL, &ist);
		json_object *res = ck_obj_copy(l);
		for (size_t i = 0; i < json_object_array_length(c); i++) {
			json_object *item = json_object_array_get_idx(c, i);
			char *key = elem_key(st, item);
			int at = find_item(st, res, key);
			free(key);
			if (at >= 0) {
				json_object *m =
				    merge(&ist, json_object_array_get_idx(res, (size_t)at), item);
				json_object_array_put_idx(res, (size_t)at, m);
			} else {
				json_object_array_add(res, ck_obj_copy(item));
			}
		}
		return res;
	}
	return ck_obj_copy(c);
}

json_object *ck_apply_merge(const struct ck_schema_type *type, json_object *live,
			    json_object *config)
{
	struct stype st;
	of_type(type, &st);
	return merge(&st, live, config);
}

/* ---- removing a path ---- */

static bool item_matches(json_object *item, json_object *key)
{
	if (!is_obj(item))
		return false;
	json_object_object_foreach (key, k, want) {
		json_object *have = NULL;
		if (json_object_object_get_ex(item, k, &have) && have) {
			if (!json_object_equal(have, want))
				return false;
		} else {
			const char *d = key_default(k);
			if (!d || !json_object_is_type(want, json_type_string) ||
			    !ck_streq(d, json_object_get_string(want)))
				return false;
		}
	}
	return true;
}

static int item_index(json_object *list, const char *elem)
{
	size_t n = json_object_array_length(list);
	if (elem[0] == 'i') {
		char *end = NULL;
		long i = strtol(elem + 2, &end, 10);
		return end && !*end && i >= 0 && (size_t)i < n ? (int)i : -1;
	}
	json_object *v = json_tokener_parse(elem + 2);
	int at = -1;
	for (size_t i = 0; at < 0 && i < n; i++) {
		json_object *item = json_object_array_get_idx(list, i);
		if (elem[0] == 'k' ? item_matches(item, v) : json_object_equal(item, v))
			at = (int)i;
	}
	json_object_put(v);
	return at;
}

int ck_apply_remove_path(json_object *obj, const char *const *path, size_t n)
{
	json_object *cur = obj;
	for (size_t i = 0; i < n; i++) {
		const char *e = path[i];
		bool last = i + 1 == n;
		if (strlen(e) < 2 || e[1] != ':')
			return -ENOENT;
		if (e[0] == 'f') {
			json_object *next = NULL;
			if (!is_obj(cur) || !json_object_object_get_ex(cur, e + 2, &next))
				return -ENOENT;
			if (last) {
				json_object_object_del(cur, e + 2);
				return 0;
			}
			cur = next;
		} else {
			if (!is_arr(cur))
				return -ENOENT;
			int at = item_index(cur, e);
			if (at < 0)
				return -ENOENT;
			if (last) {
				json_object_array_del_idx(cur, (size_t)at, 1);
				return 0;
			}
			cur = json_object_array_get_idx(cur, (size_t)at);
		}
	}
	return -ENOENT;
}

/* ---- the field manager ---- */

/* Metadata no manager owns (upstream's stripMeta). */
static const char *const stripped_meta[] = {
	"f:name",	 "f:namespace",	 "f:creationTimestamp", "f:selfLink",	     "f:uid",
	"f:clusterName", "f:generation", "f:managedFields",	"f:resourceVersion",
};

/* set (modified) without what this write cannot own. */
static void filter(const struct ck_field_manager *fm, json_object *set)
{
	json_object_object_del(set, "f:apiVersion");
	json_object_object_del(set, "f:kind");
	json_object *md = NULL;
	if (json_object_object_get_ex(set, "f:metadata", &md)) {
		for (size_t i = 0; i < CK_ARRAY_SIZE(stripped_meta); i++)
			json_object_object_del(md, stripped_meta[i]);
		if (json_object_object_length(md) == 0)
			json_object_object_del(set, "f:metadata");
	}
	if (fm->subresource && ck_streq(fm->subresource, "status")) {
		/* a status write owns only status (upstream's reset fields) */
		json_object *st = NULL;
		if (json_object_object_get_ex(set, "f:status", &st))
			json_object_get(st);
		while (json_object_object_length(set) > 0) {
			struct json_object_iterator it = json_object_iter_begin(set);
			json_object_object_del(set, json_object_iter_peek_name(&it));
		}
		if (st)
			json_object_object_add(set, "f:status", st);
	} else if (fm->reset_status && (!fm->subresource || !*fm->subresource)) {
		json_object_object_del(set, "f:status");
	}
}

/*
 * A copy of obj without metadata.managedFields (owned; NULL for NULL). The
 * key stays, as null, so that the list written back keeps its place and an
 * unchanged object stays byte for byte the same.
 */
static json_object *without_managed(json_object *obj)
{
	json_object *c = ck_obj_copy(obj), *md = NULL;
	if (c && json_object_object_get_ex(c, "metadata", &md) && is_obj(md) &&
	    json_object_object_get_ex(md, "managedFields", NULL))
		json_object_object_add(md, "managedFields", NULL);
	return c;
}

static json_object *managed_of(json_object *obj)
{
	json_object *md = NULL, *mf = NULL;
	if (obj && json_object_object_get_ex(obj, "metadata", &md) && is_obj(md))
		json_object_object_get_ex(md, "managedFields", &mf);
	return mf;
}

static void set_fields(struct ck_managed_entry *e, json_object *set)
{
	json_object_put(e->fields);
	e->fields = set;
}

static void set_time(struct ck_managed_entry *e, const char *now)
{
	free(e->time);
	e->time = ck_strdup(now);
}

/* Writes mf as obj's metadata.managedFields (or removes them). */
static void store(json_object *obj, const struct ck_managed_fields *mf)
{
	json_object *md = ck_obj_metadata(obj);
	json_object *list = ck_managed_fields_encode(mf);
	if (list)
		json_object_object_add(md, "managedFields", list);
	else
		json_object_object_del(md, "managedFields");
}

void ck_field_manager_update(const struct ck_field_manager *fm, json_object *live, json_object *obj)
{
	json_object *sent = managed_of(obj), *live_mf = managed_of(live);
	struct ck_managed_fields mf = { 0 };
	bool use_sent = is_arr(sent) && json_object_array_length(sent) > 0 &&
			!(live_mf && json_object_equal(sent, live_mf));
	if (!use_sent || ck_managed_fields_decode(sent, &mf, NULL) < 0)
		if (ck_managed_fields_decode(live_mf, &mf, NULL) < 0)
			mf = (struct ck_managed_fields){ 0 };

	/* Both sides without their managedFields (upstream strips them before comparing),
	 * skipped in place rather than copied away: obj's own are decoded above and
	 * replaced below. */
	json_object *changed, *removed, *taken = NULL;
	compare_fields(fm->type, live, obj, true, &changed, &removed);
	filter(fm, changed);
	filter(fm, removed);

	const char *sub = fm->subresource ? fm->subresource : "";
	struct ck_managed_entry *self =
	    ck_managed_fields_find(&mf, fm->manager, "Update", sub, fm->api_version);
	for (size_t i = 0; i < mf.n; i++) {
		if (&mf.v[i] == self)
			continue;
		if (!taken)
			taken = ck_fieldset_union(changed, removed);
		set_fields(&mf.v[i], ck_fieldset_difference(mf.v[i].fields, taken));
	}
	if (!self && !ck_fieldset_empty(changed)) {
		/* a new entry owns what changed (sorted, as compare returns it) */
		self = ck_managed_fields_add(&mf, fm->manager, "Update", sub, fm->api_version);
		set_time(self, fm->now);
		set_fields(self, json_object_get(changed));
	} else if (self) {
		json_object *kept = ck_fieldset_difference(self->fields, removed);
		json_object *next = ck_fieldset_union(kept, changed);
		json_object_put(kept);
		if (!json_object_equal(next, self->fields))
			set_time(self, fm->now);
		set_fields(self, next);
	}
	store(obj, &mf);
	json_object_put(taken);
	json_object_put(changed);
	json_object_put(removed);
	ck_managed_fields_release(&mf);
}

void ck_apply_conflicts_release(struct ck_apply_conflicts *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].manager);
		free(c->v[i].path);
	}
	ck_free(&c->v);
	c->n = 0;
}

struct collect {
	struct ck_apply_conflicts *out;
	const char *manager;
};

static int collect_conflict(const char *const *path, size_t n, void *arg)
{
	struct collect *c = arg;
	struct ck_apply_conflicts *out = c->out;
	out->v = ck_realloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n].manager = ck_strdup(c->manager);
	out->v[out->n].path = ck_fieldset_path_string(path, n);
	out->n++;
	return 0;
}

struct prune {
	json_object *obj;  /* the merged object, pruned in place */
	json_object *keep; /* what this or another manager still claims */
};

static int prune_path(const char *const *path, size_t n, void *arg)
{
	struct prune *p = arg;
	if (!ck_fieldset_node(p->keep, path, n))
		ck_apply_remove_path(p->obj, path, n);
	return 0;
}

static int cmp_entry_manager(const void *pa, const void *pb)
{
	const struct ck_managed_entry *a = *(const struct ck_managed_entry *const *)pa;
	const struct ck_managed_entry *b = *(const struct ck_managed_entry *const *)pb;
	return strcmp(a->manager, b->manager);
}

int ck_field_manager_apply(const struct ck_field_manager *fm, json_object *live,
			   json_object *config, bool force, json_object **ret_obj,
			   struct ck_apply_conflicts *ret_conflicts, char **ret_err)
{
	if (managed_of(config)) {
		if (ret_err)
			*ret_err = ck_strdup("metadata.managedFields must be nil");
		return -EINVAL;
	}
	struct ck_managed_fields mf = { 0 };
	if (ck_managed_fields_decode(managed_of(live), &mf, NULL) < 0)
		mf = (struct ck_managed_fields){ 0 };
	const char *sub = fm->subresource ? fm->subresource : "";
	json_object *lhs = without_managed(live);
	json_object *merged = ck_apply_merge(fm->type, lhs, config);
	json_object *applied = ck_apply_fieldset(fm->type, config);
	filter(fm, applied);
	struct ck_managed_entry *self =
	    ck_managed_fields_find(&mf, fm->manager, "Apply", sub, NULL);

	/* Prune what this manager applied last time and no longer applies. */
	if (self && !ck_fieldset_empty(self->fields)) {
		json_object *gone = ck_fieldset_difference(self->fields, applied);
		json_object *keep = ck_fieldset_union(applied, NULL);
		for (size_t i = 0; i < mf.n; i++) {
			if (&mf.v[i] == self)
				continue;
			json_object *u = ck_fieldset_union(keep, mf.v[i].fields);
			json_object_put(keep);
			keep = u;
		}
		struct prune p = { .obj = merged, .keep = keep };
		ck_fieldset_each(gone, prune_path, &p);
		json_object_put(gone);
		json_object_put(keep);
	}

	json_object *changed, *removed;
	ck_apply_compare(fm->type, lhs, merged, &changed, &removed);
	filter(fm, changed);
	filter(fm, removed);

	/* Conflicts: fields of other managers this apply changes. */
	struct ck_managed_entry **others = ck_calloc(mf.n ? mf.n : 1, sizeof(*others));
	size_t n_others = 0;
	for (size_t i = 0; i < mf.n; i++)
		if (&mf.v[i] != self)
			others[n_others++] = &mf.v[i];
	qsort(others, n_others, sizeof(*others), cmp_entry_manager);
	struct ck_apply_conflicts conflicts = { 0 };
	for (size_t i = 0; i < n_others; i++) {
		json_object *c = ck_fieldset_intersection(others[i]->fields, changed);
		if (!ck_fieldset_empty(c)) {
			if (force) {
				set_fields(others[i], ck_fieldset_difference(others[i]->fields, c));
			} else {
				char who[512];
				ck_managed_entry_describe(others[i], who, sizeof(who));
				struct collect col = { .out = &conflicts, .manager = who };
				ck_fieldset_each(c, collect_conflict, &col);
			}
		}
		json_object_put(c);
	}
	free(others);
	int r = 0;
	if (conflicts.n) {
		*ret_conflicts = conflicts;
		json_object_put(merged);
		r = -EBUSY;
		goto out;
	}
	for (size_t i = 0; i < mf.n; i++)
		if (&mf.v[i] != self)
			set_fields(&mf.v[i], ck_fieldset_difference(mf.v[i].fields, removed));
	bool touched = !ck_fieldset_empty(changed) || !ck_fieldset_empty(removed);
	if (!self) {
		self = ck_managed_fields_add(&mf, fm->manager, "Apply", sub, fm->api_version);
		touched = true;
	}
	if (touched || !json_object_equal(self->fields, applied) || !self->time)
		set_time(self, fm->now);
	free(self->api_version);
	self->api_version = ck_strdup(fm->api_version);
	set_fields(self, json_object_get(applied));
	store(merged, &mf);
	*ret_obj = merged;
out:
	json_object_put(applied);
	json_object_put(changed);
	json_object_put(removed);
	json_object_put(lhs);
	ck_managed_fields_release(&mf);
	return r;
}

json_object *ck_apply_conflict_status(const struct ck_apply_conflicts *c)
{
	json_object *causes = json_object_new_array();
	struct ck_buf msg = CK_BUF_INIT;
	for (size_t i = 0; i < c->n; i++) {
		json_object *cause = json_object_new_object();
		json_object_object_add(cause, "type",
				       json_object_new_string("FieldManagerConflict"));
		char text[600];
		snprintf(text, sizeof(text), "conflict with %s", c->v[i].manager);
		json_object_object_add(cause, "message", json_object_new_string(text));
		json_object_object_add(cause, "field", json_object_new_string(c->v[i].path));
		json_object_array_add(causes, cause);
	}
	if (c->n == 1) {
		ck_buf_addf(&msg, "Apply failed with 1 conflict: conflict with %s: %s",
			    c->v[0].manager, c->v[0].path);
	} else {
		/* grouped by manager; conflicts come sorted by manager */
		ck_buf_addf(&msg, "Apply failed with %zu conflicts: ", c->n);
		for (size_t i = 0; i < c->n; i++) {
			if (i == 0 || !ck_streq(c->v[i].manager, c->v[i - 1].manager))
				ck_buf_addf(&msg, "%sconflicts with %s:", i ? "\n" : "",
					    c->v[i].manager);
			ck_buf_addf(&msg, "\n- %s", c->v[i].path);
		}
	}
	json_object *st = ck_status_new_apply_conflict(causes, ck_buf_str(&msg));
	ck_buf_release(&msg);
	return st;
}
