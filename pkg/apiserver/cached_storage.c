/*
 * The server's storage: the etcd store, with the watch cache's copy of an
 * object offered to every guaranteed update as the state to try first, as
 * upstream's Cacher.GuaranteedUpdate does. An update then costs one etcd
 * transaction instead of a read and a transaction; when the cached copy is
 * stale, the store sees it (preconditions, the transaction's compare) and
 * reads etcd, as before.
 */
#include <errno.h>
#include <string.h>

#include "apiserver/apiserver_int.h"
#include "storage/cacher/cacher.h"
#include "storage/storage.h"
#include "util/common.h"

struct cached_storage {
	struct ck_storage base;
	struct ck_storage *inner; /* owned */
	struct ck_apiserver *srv; /* borrowed */
};

static struct ck_storage *inner(struct ck_storage *s)
{
	return ((struct cached_storage *)s)->inner;
}

/* The watch cache holding key ("/<storage resource>/…"), or NULL. */
static struct ck_cacher *cacher_of(struct ck_apiserver *srv, const char *key)
{
	size_t n = __atomic_load_n(&srv->ncaches, __ATOMIC_ACQUIRE); /* 0 once stopping */
	for (size_t i = 0; i < n; i++) {
		const char *sr = srv->caches[i].storage_resource;
		size_t n = strlen(sr);
		if (key[0] == '/' && strncmp(key + 1, sr, n) == 0 && key[n + 1] == '/')
			return srv->caches[i].cacher;
	}
	return NULL;
}

static void cs_free(struct ck_storage *s)
{
	ck_storage_free(inner(s));
	free(s);
}

static int cs_get(struct ck_storage *s, const char *key, const struct ck_storage_get_options *o,
		  json_object **ret_obj, struct ck_storage_error *err)
{
	return ck_storage_get(inner(s), key, o, ret_obj, err);
}

static int cs_list(struct ck_storage *s, const char *key, const struct ck_storage_list_options *o,
		   struct ck_storage_list_result *ret, struct ck_storage_error *err)
{
	return ck_storage_list(inner(s), key, o, ret, err);
}

static int cs_create(struct ck_storage *s, const char *key, json_object *obj, uint64_t ttl,
		     json_object **ret_out, struct ck_storage_error *err)
{
	return ck_storage_create(inner(s), key, obj, ttl, ret_out, err);
}

static int cs_guaranteed_update(struct ck_storage *s, const char *key,
				const struct ck_storage_update_options *o, ck_storage_update_fn fn,
				void *arg, json_object **ret_out, struct ck_storage_error *err)
{
	struct cached_storage *cs = (struct cached_storage *)s;
	struct ck_cacher *c = o->cached_existing ? NULL : cacher_of(cs->srv, key);
	json_object *cached = NULL;
	if (c) {
		char *ckey = ck_apiserver_cache_key(cs->srv, key, false);
		if (ck_cacher_get(c, ckey, &cached, NULL) < 0)
			cached = NULL; /* not cached (yet): the store reads etcd */
		free(ckey);
	}
	if (!cached)
		return ck_storage_guaranteed_update(cs->inner, key, o, fn, arg, ret_out, err);
	struct ck_storage_update_options with = *o;
	with.cached_existing = cached; /* ck_cacher_get's copy is ours */
	with.cached_existing_private = true;
	int r = ck_storage_guaranteed_update(cs->inner, key, &with, fn, arg, ret_out, err);
	json_object_put(cached);
	return r;
}

static int cs_delete(struct ck_storage *s, const char *key,
		     const struct ck_storage_delete_options *o, json_object **ret_deleted,
		     struct ck_storage_error *err)
{
	return ck_storage_delete(inner(s), key, o, ret_deleted, err);
}

static int cs_count(struct ck_storage *s, const char *key, int64_t *ret_count,
		    struct ck_storage_error *err)
{
	return ck_storage_count(inner(s), key, ret_count, err);
}

static int cs_watch(struct ck_storage *s, const char *key, const struct ck_storage_watch_options *o,
		    ck_storage_watch_fn fn, void *arg, struct ck_storage_watch **ret,
		    struct ck_storage_error *err)
{
	return ck_storage_watch(inner(s), key, o, fn, arg, ret, err);
}

static const struct ck_storage_ops cached_storage_ops = {
	.free = cs_free,
	.get = cs_get,
	.list = cs_list,
	.create = cs_create,
	.guaranteed_update = cs_guaranteed_update,
	.delete = cs_delete,
	.count = cs_count,
	.watch = cs_watch,
};

struct ck_storage *ck_apiserver_cached_storage_new(struct ck_apiserver *srv,
						   struct ck_storage *store)
{
	struct cached_storage *cs = ck_calloc(1, sizeof(*cs));
	cs->base.ops = &cached_storage_ops;
	cs->inner = store;
	cs->srv = srv;
	return &cs->base;
}
