#include "client/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "client/client_int.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/str.h"

#define MAX_INDEXES 16

/* ---- stored objects ------------------------------------------------------------ */

struct sobj *ck_sobj_new(json_object *obj, const char *key)
{
	struct sobj *o = ck_calloc(1, sizeof(*o));
	atomic_init(&o->refs, 1);
	o->obj = obj;
	o->key = ck_strdup(key);
	return o;
}

struct sobj *ck_sobj_ref(struct sobj *o)
{
	atomic_fetch_add(&o->refs, 1);
	return o;
}

void ck_sobj_unref(struct sobj *o)
{
	if (!o || atomic_fetch_sub(&o->refs, 1) != 1)
		return;
	json_object_put(o->obj);
	free(o->key);
	free(o);
}

/* ---- keys ------------------------------------------------------------------------ */

char *ck_store_key_of(json_object *obj)
{
	const char *ns = ck_obj_namespace(obj), *name = ck_obj_name(obj);
	if (!name)
		name = "";
	if (!ns || !*ns)
		return ck_strdup(name);
	size_t n = strlen(ns) + strlen(name) + 2;
	char *key = ck_malloc(n);
	snprintf(key, n, "%s/%s", ns, name);
	return key;
}

void ck_store_split_key(const char *key, char **ret_namespace, char **ret_name)
{
	const char *slash = strchr(key, '/');
	if (!slash) {
		*ret_namespace = NULL;
		*ret_name = ck_strdup(key);
		return;
	}
	*ret_namespace = ck_strndup(key, (size_t)(slash - key));
	*ret_name = ck_strdup(slash + 1);
}

char **ck_store_namespace_index(json_object *obj)
{
	const char *ns = ck_obj_namespace(obj);
	char **v = ck_calloc(2, sizeof(*v));
	v[0] = ck_strdup(ns ? ns : "");
	return v;
}

/* ---- the store ------------------------------------------------------------------- */

struct index {
	char *name;
	ck_index_fn fn;
	struct ck_hashmap values; /* value -> struct ck_hashmap * (set of keys) */
};

struct ck_store {
	pthread_rwlock_t lock;
	struct ck_hashmap items;	   /* key -> struct sobj *, guarded by lock */
	struct index indexes[MAX_INDEXES]; /* guarded by lock */
	size_t nindexes;
};

static void set_free(void *p)
{
	struct ck_hashmap *set = p;
	ck_hashmap_release(set);
	free(set);
}

static void item_free(void *p)
{
	ck_sobj_unref(p);
}

struct ck_store *ck_store_new(void)
{
	struct ck_store *s = ck_calloc(1, sizeof(*s));
	pthread_rwlock_init(&s->lock, NULL);
	ck_hashmap_init(&s->items, item_free);
	ck_store_add_index(s, CK_STORE_NAMESPACE_INDEX, ck_store_namespace_index);
	return s;
}

void ck_store_free(struct ck_store *s)
{
	if (!s)
		return;
	ck_hashmap_release(&s->items);
	for (size_t i = 0; i < s->nindexes; i++) {
		ck_hashmap_release(&s->indexes[i].values);
		free(s->indexes[i].name);
	}
	pthread_rwlock_destroy(&s->lock);
	free(s);
}

int ck_store_add_index(struct ck_store *s, const char *name, ck_index_fn fn)
{
	int r = 0;
	pthread_rwlock_wrlock(&s->lock);
	if (ck_hashmap_count(&s->items) > 0) {
		r = -EBUSY;
		goto out;
	}
	for (size_t i = 0; i < s->nindexes; i++) {
		if (strcmp(s->indexes[i].name, name) == 0) {
			r = -EEXIST;
			goto out;
		}
	}
	if (s->nindexes == MAX_INDEXES) {
		r = -ENOSPC;
		goto out;
	}
	struct index *ix = &s->indexes[s->nindexes++];
	ix->name = ck_strdup(name);
	ix->fn = fn;
	ck_hashmap_init(&ix->values, set_free);
out:
	pthread_rwlock_unlock(&s->lock);
	return r;
}

static struct index *find_index(struct ck_store *s, const char *name)
{
	for (size_t i = 0; i < s->nindexes; i++)
		if (strcmp(s->indexes[i].name, name) == 0)
			return &s->indexes[i];
	return NULL;
}

/* Removes key from the index sets of obj's values, dropping emptied sets. */
static void unindex(struct ck_store *s, json_object *obj, const char *key)
{
	for (size_t i = 0; i < s->nindexes; i++) {
		struct index *ix = &s->indexes[i];
		char **values = ix->fn(obj);
		for (size_t j = 0; values && values[j]; j++) {
			struct ck_hashmap *set = ck_hashmap_get(&ix->values, values[j]);
			if (!set)
				continue;
			ck_hashmap_remove(set, key);
			if (ck_hashmap_count(set) == 0)
				set_free(ck_hashmap_remove(&ix->values, values[j]));
		}
		ck_strv_free(values);
	}
}

static void index_obj(struct ck_store *s, json_object *obj, const char *key)
{
	for (size_t i = 0; i < s->nindexes; i++) {
		struct index *ix = &s->indexes[i];
		char **values = ix->fn(obj);
		for (size_t j = 0; values && values[j]; j++) {
			struct ck_hashmap *set = ck_hashmap_get(&ix->values, values[j]);
			if (!set) {
				set = ck_calloc(1, sizeof(*set));
				ck_hashmap_init(set, NULL);
				ck_hashmap_put(&ix->values, values[j], set);
			}
			ck_hashmap_put(set, key, (void *)1);
		}
		ck_strv_free(values);
	}
}

struct sobj *ck_store_put_obj(struct ck_store *s, struct sobj *o)
{
	pthread_rwlock_wrlock(&s->lock);
	struct sobj *old = ck_hashmap_put(&s->items, o->key, o);
	if (old)
		unindex(s, old->obj, old->key);
	index_obj(s, o->obj, o->key);
	pthread_rwlock_unlock(&s->lock);
	return old;
}

struct sobj *ck_store_remove_key(struct ck_store *s, const char *key)
{
	pthread_rwlock_wrlock(&s->lock);
	struct sobj *old = ck_hashmap_remove(&s->items, key);
	if (old)
		unindex(s, old->obj, old->key);
	pthread_rwlock_unlock(&s->lock);
	return old;
}

struct sobj *ck_store_get_ref(struct ck_store *s, const char *key)
{
	pthread_rwlock_rdlock(&s->lock);
	struct sobj *o = ck_hashmap_get(&s->items, key);
	if (o)
		ck_sobj_ref(o);
	pthread_rwlock_unlock(&s->lock);
	return o;
}

struct sobj **ck_store_snapshot(struct ck_store *s, size_t *ret_n)
{
	pthread_rwlock_rdlock(&s->lock);
	size_t n = ck_hashmap_count(&s->items), i = 0;
	struct sobj **all = ck_calloc(n ? n : 1, sizeof(*all));
	for (struct ck_hashmap_entry *e = ck_hashmap_first(&s->items); e;
	     e = ck_hashmap_next(&s->items, e))
		all[i++] = ck_sobj_ref(e->value);
	pthread_rwlock_unlock(&s->lock);
	*ret_n = n;
	return all;
}

int ck_store_add(struct ck_store *s, json_object *obj)
{
	char *key = ck_store_key_of(obj);
	ck_sobj_unref(ck_store_put_obj(s, ck_sobj_new(obj, key)));
	free(key);
	return 0;
}

int ck_store_update(struct ck_store *s, json_object *obj)
{
	return ck_store_add(s, obj);
}

int ck_store_delete(struct ck_store *s, json_object *obj)
{
	char *key = ck_store_key_of(obj);
	ck_sobj_unref(ck_store_remove_key(s, key));
	free(key);
	return 0;
}

int ck_store_get(struct ck_store *s, const char *key, json_object **ret_obj)
{
	int r = -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	struct sobj *o = ck_hashmap_get(&s->items, key);
	if (o) {
		*ret_obj = ck_obj_copy(o->obj);
		r = 0;
	}
	pthread_rwlock_unlock(&s->lock);
	return r;
}

bool ck_store_has(struct ck_store *s, const char *key)
{
	pthread_rwlock_rdlock(&s->lock);
	bool has = ck_hashmap_has(&s->items, key);
	pthread_rwlock_unlock(&s->lock);
	return has;
}

size_t ck_store_len(struct ck_store *s)
{
	pthread_rwlock_rdlock(&s->lock);
	size_t n = ck_hashmap_count(&s->items);
	pthread_rwlock_unlock(&s->lock);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a map as a sorted NULL-terminated vector (owned). Under a lock. */
static char **sorted_keys(const struct ck_hashmap *m)
{
	size_t n = ck_hashmap_count(m), i = 0;
	char **v = ck_calloc(n + 1, sizeof(*v));
	for (struct ck_hashmap_entry *e = ck_hashmap_first(m); e; e = ck_hashmap_next(m, e))
		v[i++] = ck_strdup(e->key);
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* Copies of the objects at keys, as an array. Under the read lock. */
static json_object *copies(struct ck_store *s, char **keys)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; keys[i]; i++) {
		struct sobj *o = ck_hashmap_get(&s->items, keys[i]);
		if (o)
			json_object_array_add(arr, ck_obj_copy(o->obj));
	}
	return arr;
}

json_object *ck_store_list(struct ck_store *s)
{
	pthread_rwlock_rdlock(&s->lock);
	char **keys = sorted_keys(&s->items);
	json_object *arr = copies(s, keys);
	pthread_rwlock_unlock(&s->lock);
	ck_strv_free(keys);
	return arr;
}

char **ck_store_list_keys(struct ck_store *s)
{
	pthread_rwlock_rdlock(&s->lock);
	char **keys = sorted_keys(&s->items);
	pthread_rwlock_unlock(&s->lock);
	return keys;
}

/* The sorted keys for index/value, under the read lock; NULL for no index. */
static char **index_keys_locked(struct ck_store *s, const char *index, const char *value)
{
	struct index *ix = find_index(s, index);
	if (!ix)
		return NULL;
	struct ck_hashmap *set = ck_hashmap_get(&ix->values, value);
	if (!set)
		return ck_calloc(1, sizeof(char *));
	return sorted_keys(set);
}

int ck_store_by_index(struct ck_store *s, const char *index, const char *value,
		      json_object **ret_array)
{
	pthread_rwlock_rdlock(&s->lock);
	char **keys = index_keys_locked(s, index, value);
	json_object *arr = keys ? copies(s, keys) : NULL;
	pthread_rwlock_unlock(&s->lock);
	if (!keys)
		return -ENOENT;
	ck_strv_free(keys);
	*ret_array = arr;
	return 0;
}

int ck_store_index_keys(struct ck_store *s, const char *index, const char *value, char ***ret_keys)
{
	pthread_rwlock_rdlock(&s->lock);
	char **keys = index_keys_locked(s, index, value);
	pthread_rwlock_unlock(&s->lock);
	if (!keys)
		return -ENOENT;
	*ret_keys = keys;
	return 0;
}

int ck_store_index_values(struct ck_store *s, const char *index, char ***ret_values)
{
	pthread_rwlock_rdlock(&s->lock);
	struct index *ix = find_index(s, index);
	char **values = ix ? sorted_keys(&ix->values) : NULL;
	pthread_rwlock_unlock(&s->lock);
	if (!values)
		return -ENOENT;
	*ret_values = values;
	return 0;
}

void ck_store_foreach(struct ck_store *s, bool (*fn)(void *ctx, const char *key, json_object *obj),
		      void *ctx)
{
	pthread_rwlock_rdlock(&s->lock);
	for (struct ck_hashmap_entry *e = ck_hashmap_first(&s->items); e;
	     e = ck_hashmap_next(&s->items, e)) {
		struct sobj *o = e->value;
		if (!fn(ctx, o->key, o->obj))
			break;
	}
	pthread_rwlock_unlock(&s->lock);
}

int ck_store_with(struct ck_store *s, const char *key,
		  void (*fn)(void *ctx, const char *key, json_object *obj), void *ctx)
{
	int r = -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	struct sobj *o = ck_hashmap_get(&s->items, key);
	if (o) {
		fn(ctx, o->key, o->obj);
		r = 0;
	}
	pthread_rwlock_unlock(&s->lock);
	return r;
}

void ck_list_items_set_type(json_object *list)
{
	json_object *items = NULL, *kind = NULL, *av = NULL;
	if (!json_object_object_get_ex(list, "items", &items) ||
	    !json_object_is_type(items, json_type_array))
		return;
	json_object_object_get_ex(list, "kind", &kind);
	json_object_object_get_ex(list, "apiVersion", &av);
	const char *k =
	    json_object_is_type(kind, json_type_string) ? json_object_get_string(kind) : NULL;
	const char *a =
	    json_object_is_type(av, json_type_string) ? json_object_get_string(av) : NULL;
	if (!k || !ck_str_has_suffix(k, "List"))
		return;
	char *item_kind = ck_strndup(k, strlen(k) - 4);
	size_t n = json_object_array_length(items);
	for (size_t i = 0; i < n; i++) {
		json_object *it = json_object_array_get_idx(items, i);
		if (!json_object_is_type(it, json_type_object))
			continue;
		if (!json_object_object_get_ex(it, "kind", NULL))
			json_object_object_add(it, "kind", json_object_new_string(item_kind));
		if (a && !json_object_object_get_ex(it, "apiVersion", NULL))
			json_object_object_add(it, "apiVersion", json_object_new_string(a));
	}
	free(item_kind);
}
