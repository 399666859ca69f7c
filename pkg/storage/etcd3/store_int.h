/* Internals shared by store.c and store_watch.c. */
#ifndef CK_STORAGE_ETCD3_STORE_INT_H
#define CK_STORAGE_ETCD3_STORE_INT_H

#include "storage/etcd3/lease_manager.h"
#include "storage/etcd3/store.h"

struct etcd_store {
	struct ck_storage base;
	struct ck_etcd *client; /* borrowed */
	char *path_prefix;	/* ends in "/" */
	struct ck_lease_manager leases;
};

/*
 * Parses a stored value into an object (owned by the caller) with
 * resourceVersion rv; CK_STORAGE_ERR_INTERNAL naming key when it is not a
 * JSON object.
 */
int ck_etcd_store_decode(const void *value, size_t len, int64_t rv, const void *key, size_t key_len,
			 json_object **ret, struct ck_storage_error *err);

/* Turns an etcd client error into a storage error (same message). */
int ck_etcd_store_etcd_error(const struct ck_etcd_err *e, struct ck_storage_error *err);

/* List of a whole prefix at the latest revision in pages of page_size,
 * calling fn for each object (owned by fn); returns the list revision. */
int ck_etcd_store_sync(struct etcd_store *s, const char *key, bool recursive, int64_t page_size,
		       int (*fn)(void *arg, json_object *obj, int64_t rev), void *arg,
		       int64_t *ret_rev, struct ck_storage_error *err);

int ck_etcd_store_watch(struct ck_storage *base, const char *key,
			const struct ck_storage_watch_options *o, ck_storage_watch_fn fn, void *arg,
			struct ck_storage_watch **ret, struct ck_storage_error *err);

#endif
