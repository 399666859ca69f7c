/*
 * Internals shared by the files of pkg/client (not a public API).
 */
#ifndef CK_CLIENT_CLIENT_INT_H
#define CK_CLIENT_CLIENT_INT_H

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "client/store.h"

/*
 * A stored object: the json-c object, never get/put by anyone but the
 * last sobj_unref, with an atomic count of holders (the store, pending
 * notifications).
 */
struct sobj {
	atomic_int refs;
	json_object *obj;
	char *key;
};

/* Wraps obj (taken) under key (copied); one reference for the caller. */
struct sobj *ck_sobj_new(json_object *obj, const char *key);
struct sobj *ck_sobj_ref(struct sobj *o);
/* NULL-safe. */
void ck_sobj_unref(struct sobj *o);

/*
 * Store writes for the informer, which holds its own lock around them and
 * around its notifications. put returns the holder replaced (the caller's
 * reference now) or NULL; remove returns the holder removed or NULL; get
 * returns a new reference or NULL.
 */
struct sobj *ck_store_put_obj(struct ck_store *s, struct sobj *o);
struct sobj *ck_store_remove_key(struct ck_store *s, const char *key);
struct sobj *ck_store_get_ref(struct ck_store *s, const char *key);
/* References to every held object (n of them, array owned by the caller). */
struct sobj **ck_store_snapshot(struct ck_store *s, size_t *ret_n);

/* Fills in kind and apiVersion of list items from the list's (upstream's unstructured lists). */
void ck_list_items_set_type(json_object *list);

#endif
