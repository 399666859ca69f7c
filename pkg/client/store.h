/*
 * ck_store: client-go's thread-safe indexer (tools/cache thread_safe_store
 * and index): objects keyed "namespace/name" ("name" at cluster scope),
 * with indexes from index values to keys. The namespace index
 * (CK_STORE_NAMESPACE_INDEX, "namespace") is built in; others are added
 * with ck_store_add_index() before the first object goes in (pods by node
 * name, for example).
 *
 * Invariants:
 *  - Objects in the store are immutable and shared between threads. json-c
 *    is not thread-safe for that (its reference counts are not atomic and
 *    its printer writes into the object it prints), so the store keeps each
 *    object in a holder with an atomic count, and:
 *      * get/list/by_index hand out deep copies the caller owns and may
 *        change;
 *      * foreach and the informer's event handlers lend the stored object
 *        itself, read only: never json_object_get/put it, never print it
 *        with json-c's printer (util/json_write.h's ck_json_write only
 *        reads), ck_obj_copy() it to keep or change it.
 *  - Every index is consistent with the objects at all times (updated under
 *    the same write lock).
 *  - Readers run concurrently (a read-write lock); writers are the informer.
 */
#ifndef CK_CLIENT_STORE_H
#define CK_CLIENT_STORE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#define CK_STORE_NAMESPACE_INDEX "namespace"

struct ck_store;

/*
 * An index function: the index values of obj (borrowed, read only) as a
 * NULL-terminated vector the caller owns (ck_strv_free), possibly empty;
 * or NULL for none.
 */
typedef char **(*ck_index_fn)(json_object *obj);

/* The key of an object: "namespace/name", or "name" without a namespace (owned). */
char *ck_store_key_of(json_object *obj);
/* Splits a key; *ret_namespace is NULL for a cluster-scoped key. Both owned. */
void ck_store_split_key(const char *key, char **ret_namespace, char **ret_name);
/* The namespace index function (metadata.namespace; "" at cluster scope). */
char **ck_store_namespace_index(json_object *obj);

/* A new empty store with the namespace index; the caller owns it. */
struct ck_store *ck_store_new(void);
/* NULL-safe. */
void ck_store_free(struct ck_store *s);
/* Adds an index; -EEXIST for a name taken, -EBUSY once the store holds objects. */
int ck_store_add_index(struct ck_store *s, const char *name, ck_index_fn fn);

/*
 * Writes (the informer does these; direct use is for stores of one's own).
 * add/update take obj (the caller's reference passes to the store; the
 * object must not be changed afterwards). delete removes by obj's key.
 */
int ck_store_add(struct ck_store *s, json_object *obj);
int ck_store_update(struct ck_store *s, json_object *obj);
int ck_store_delete(struct ck_store *s, json_object *obj);

/* Reads. Copies are owned by the caller. */
/* 0 and a deep copy of the object at key, or -ENOENT. */
int ck_store_get(struct ck_store *s, const char *key, json_object **ret_obj);
bool ck_store_has(struct ck_store *s, const char *key);
size_t ck_store_len(struct ck_store *s);
/* Every object (deep copies), as a JSON array sorted by key. */
json_object *ck_store_list(struct ck_store *s);
/* Every key, sorted, NULL-terminated (ck_strv_free). */
char **ck_store_list_keys(struct ck_store *s);
/* The objects whose index `index` has value (deep copies, sorted by key); -ENOENT for no such
 * index. */
int ck_store_by_index(struct ck_store *s, const char *index, const char *value,
		      json_object **ret_array);
/* Their keys, sorted (ck_strv_free); -ENOENT for no such index. */
int ck_store_index_keys(struct ck_store *s, const char *index, const char *value, char ***ret_keys);
/* Every value index `index` has, sorted (ck_strv_free); -ENOENT for no such index. */
int ck_store_index_values(struct ck_store *s, const char *index, char ***ret_values);
/*
 * Calls fn for every object (in no particular order) under the read lock,
 * lending each (read only, see above); stops when fn returns false. fn must
 * not write to this store.
 */
void ck_store_foreach(struct ck_store *s, bool (*fn)(void *ctx, const char *key, json_object *obj),
		      void *ctx);
/* As foreach, on one key: fn is called once when the key exists. -ENOENT otherwise. */
int ck_store_with(struct ck_store *s, const char *key,
		  void (*fn)(void *ctx, const char *key, json_object *obj), void *ctx);

#endif
