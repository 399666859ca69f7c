/*
 * The storage interface: what the API server's registry needs from a store
 * of API objects (upstream k8s.io/apiserver/pkg/storage.Interface). The etcd
 * implementation is pkg/storage/etcd3 (ck_etcd_store_new); the watch cache
 * (pkg/storage/cacher) implements the same interface on top of it.
 *
 * Invariants:
 *  - Objects are json-c objects (JSON objects with a "metadata" object).
 *    Every object returned carries metadata.resourceVersion: the decimal
 *    etcd mod_revision of the key it came from (for a deleted object, the
 *    revision of the deletion). Before an object is stored its
 *    metadata.resourceVersion and metadata.selfLink are removed.
 *  - Keys are strings such as "/pods/default/nginx", taken relative to the
 *    store's path prefix (upstream's --etcd-prefix, "/registry"); a key
 *    with "." or ".." segments is rejected. Lists and watches marked
 *    recursive take a prefix and add a trailing "/" when it is missing, so
 *    "/pods/default" never matches "/pods/default-2/x".
 *  - Functions return 0 or a negative code: one of the CK_STORAGE_ERR_*
 *    below, -ENOMEM/-EINVAL style errnos for bad calls, or whatever negative
 *    value a caller's callback returned (passed through unchanged). When
 *    `err` is non-NULL it receives the code and a message in upstream's
 *    wording (StorageError: key not found, Code: 1, Key: ..., ...); release
 *    it with ck_storage_error_release() (only a paged list's Expired error
 *    holds memory).
 *  - Out-parameters are written only on success. Returned objects and
 *    strings are owned by the caller unless a comment says "borrowed".
 *  - Every function may be called from any thread at any time.
 */
#ifndef CK_STORAGE_H
#define CK_STORAGE_H

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The key does not exist (upstream ErrCodeKeyNotFound; API: 404). */
#define CK_STORAGE_ERR_NOT_FOUND (-ENOENT)
/* Create found the key already there (ErrCodeKeyExists; API: 409 AlreadyExists). */
#define CK_STORAGE_ERR_EXISTS (-EEXIST)
/* A precondition (uid or resourceVersion) failed (ErrCodeInvalidObj; API: 409 Conflict). */
#define CK_STORAGE_ERR_INVALID_OBJ (-ESTALE)
/* The requested revision was compacted (API: 410 Gone, reason Expired). */
#define CK_STORAGE_ERR_EXPIRED (-EKEYEXPIRED)
/* resourceVersion newer than etcd's (TooLargeResourceVersion; API: 504, retry). */
#define CK_STORAGE_ERR_TOO_LARGE_RV (-EOVERFLOW)
/* etcd did not answer (ErrCodeUnreachable; API: 504 ServerTimeout). */
#define CK_STORAGE_ERR_UNREACHABLE (-EHOSTUNREACH)
/* The request's deadline passed (ErrCodeTimeout; API: 504). */
#define CK_STORAGE_ERR_TIMEOUT (-ETIMEDOUT)
/* Bad resourceVersion, resourceVersionMatch, continue token or key (API: 400). */
#define CK_STORAGE_ERR_BAD_REQUEST (-EINVAL)
/* Undecodable stored data and other internal errors (API: 500). */
#define CK_STORAGE_ERR_INTERNAL (-EIO)

/* Upstream's StorageError codes, which appear in messages. */
enum ck_storage_code {
	CK_STORAGE_CODE_NONE,
	CK_STORAGE_CODE_KEY_NOT_FOUND,
	CK_STORAGE_CODE_KEY_EXISTS,
	CK_STORAGE_CODE_RESOURCE_VERSION_CONFLICTS,
	CK_STORAGE_CODE_INVALID_OBJ,
	CK_STORAGE_CODE_UNREACHABLE,
	CK_STORAGE_CODE_TIMEOUT,
};

/* Upstream's messages for expired lists and watches. */
#define CK_STORAGE_MSG_EXPIRED_LIST "The resourceVersion for the provided list is too old."
#define CK_STORAGE_MSG_EXPIRED_WATCH "The resourceVersion for the provided watch is too old."
#define CK_STORAGE_MSG_CONTINUE_EXPIRED                                                        \
	"The provided continue parameter is too old to display a consistent list result. You " \
	"can start a new list without the continue parameter."
#define CK_STORAGE_MSG_INCONSISTENT_CONTINUE                                                      \
	"The provided continue parameter is too old to display a consistent list result. You "    \
	"can start a new list without the continue parameter, or use the continue token in this " \
	"response to retrieve the remainder of the results. Continuing with the provided token "  \
	"results in an inconsistent list - objects that were created, modified, or deleted "      \
	"between the time the first chunk was returned and now may show up in the list."

struct ck_storage_error {
	int code;
	char message[1024];
	/*
	 * Set (owned) only with CK_STORAGE_ERR_EXPIRED from a list that had a
	 * continue token: a token that resumes the list after the same key at
	 * the latest revision (upstream puts it in the Status's
	 * metadata.continue).
	 */
	char *continue_token;
	/* With CK_STORAGE_ERR_TOO_LARGE_RV: seconds the client should wait. */
	int retry_after_seconds;
};

/* Frees what an error holds (NULL-safe); it may be reused after. */
void ck_storage_error_release(struct ck_storage_error *err);
/* Fills err (when non-NULL) with code and a printf-style message; returns code. */
int ck_storage_error_set(struct ck_storage_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Fills err with upstream's StorageError text:
 *   "StorageError: <what>, Code: <n>, Key: <key>, ResourceVersion: <rv>,
 *    AdditionalErrorMsg: <msg>"
 * and the matching CK_STORAGE_ERR_* value; returns that value.
 */
int ck_storage_error_storage(struct ck_storage_error *err, enum ck_storage_code code,
			     const char *key, int64_t rv, const char *additional);

/* Preconditions on the stored object; NULL fields are not checked. */
struct ck_storage_preconditions {
	const char *uid;
	const char *resource_version;
};

/*
 * Checks preconditions against obj (borrowed; NULL stands for an absent
 * object, whose uid and resourceVersion are ""). 0, or
 * CK_STORAGE_ERR_INVALID_OBJ with upstream's "Precondition failed: UID in
 * precondition: a, UID in object meta: b" message for key.
 */
int ck_storage_preconditions_check(const struct ck_storage_preconditions *p, const char *key,
				   json_object *obj, struct ck_storage_error *err);

/* A filter (label/field selector) for lists and watches; obj is borrowed. */
typedef bool (*ck_storage_filter_fn)(void *arg, json_object *obj);

struct ck_storage_get_options {
	/* Minimum resourceVersion ("" or NULL: none); a newer one than etcd's
	 * gives CK_STORAGE_ERR_TOO_LARGE_RV. */
	const char *resource_version;
	/* An absent key is not an error: 0 with *ret_obj = NULL. */
	bool ignore_not_found;
};

struct ck_storage_list_options {
	/*
	 * "" or NULL: the latest revision, consistent (a quorum read).
	 * With resource_version_match "" (legacy): a paged list (limit > 0) of
	 * a prefix reads at exactly that revision; otherwise any revision not
	 * older than it. "NotOlderThan": at least that revision. "Exact": that
	 * revision (CK_STORAGE_ERR_EXPIRED when compacted).
	 */
	const char *resource_version;
	const char *resource_version_match;
	/* At most this many items (0: all); more remain when continue is set. */
	int64_t limit;
	/* From a previous page (opaque); resource_version must then be "" or "0". */
	const char *continue_token;
	/* key is a prefix (true) or the key of one object (false). */
	bool recursive;
	/* Only objects for which filter returns true; NULL: all. */
	ck_storage_filter_fn filter;
	void *filter_arg;
};

struct ck_storage_list_result {
	/* A JSON array of the objects, in key order (owned). */
	json_object *items;
	/* The revision the list was read at. */
	int64_t resource_version;
	/* Set (owned) when more items remain: pass it as continue_token. */
	char *continue_token;
	/* Items left after this page when known (no filter), else -1. */
	int64_t remaining_item_count;
};

/* Frees what a list result holds (NULL-safe). */
void ck_storage_list_result_release(struct ck_storage_list_result *r);

/* The state an update callback gets besides the object. */
struct ck_storage_response_meta {
	/* The current object's revision; 0 when it does not exist. */
	int64_t resource_version;
};

/*
 * An update callback for guaranteed_update. cur is the current object with
 * its resourceVersion (NULL when absent and ignore_not_found); it belongs to
 * the store, and the callback may change it and return it (json_object_get)
 * or build a new one. On success it sets *ret_obj to an object it owns (the
 * store takes it over) and may set *ret_ttl (seconds, 0 = none; preset to 0).
 * A negative return ends the update with that value.
 * It may run several times (conflicts) and on any thread.
 */
typedef int (*ck_storage_update_fn)(void *arg, json_object *cur,
				    const struct ck_storage_response_meta *meta,
				    json_object **ret_obj, uint64_t *ret_ttl);

struct ck_storage_update_options {
	const struct ck_storage_preconditions *preconditions;
	/* Update an absent key as if it were an empty object (cur NULL). */
	bool ignore_not_found;
	/* A recent copy of the object (borrowed; e.g. from the watch cache) to
	 * try first instead of reading etcd; may be stale. */
	json_object *cached_existing;
	/* cached_existing is the caller's own copy, which the store may change
	 * and keep until it returns (it then makes no copy of its own). */
	bool cached_existing_private;
};

/* Validation before a delete (upstream ValidateObjectFunc); cur borrowed. */
typedef int (*ck_storage_validate_fn)(void *arg, json_object *cur);

struct ck_storage_delete_options {
	const struct ck_storage_preconditions *preconditions;
	ck_storage_validate_fn validate;
	void *validate_arg;
	json_object *cached_existing;
};

enum ck_storage_event_type {
	CK_STORAGE_EVENT_ADDED,
	CK_STORAGE_EVENT_MODIFIED,
	CK_STORAGE_EVENT_DELETED,
	/* Progress: every later event is newer than resource_version. */
	CK_STORAGE_EVENT_BOOKMARK,
	/* The watch ended: error_code/error_message say why; nothing follows. */
	CK_STORAGE_EVENT_ERROR,
};

struct ck_storage_event {
	enum ck_storage_event_type type;
	/*
	 * The object (borrowed for the callback; json_object_get it to keep
	 * it). For DELETED it is the last state of the object, with the
	 * deletion's revision as resourceVersion. NULL for BOOKMARK and ERROR.
	 */
	json_object *object;
	/* The state before the event (borrowed) for MODIFIED and DELETED, with
	 * the event's revision as resourceVersion (as upstream decodes it). */
	json_object *prev_object;
	/* The event's revision (the bookmark's progress). */
	int64_t resource_version;
	int error_code;
	const char *error_message;
};

/* Receives events in revision order, on one thread per watch. */
typedef void (*ck_storage_watch_fn)(void *arg, const struct ck_storage_event *ev);

struct ck_storage_watch_options {
	/*
	 * "" or "0": first the current objects as ADDED events (upstream's
	 * legacy initial events), then every change. "N": every change after
	 * revision N (CK_STORAGE_EVENT_ERROR with CK_STORAGE_ERR_EXPIRED when N
	 * has been compacted).
	 */
	const char *resource_version;
	bool recursive;
	/* Ask etcd for periodic progress notifications (BOOKMARK events). */
	bool progress_notify;
	/* Events of objects that do not pass are dropped; a MODIFIED event
	 * crossing the filter becomes ADDED or DELETED, as upstream. */
	ck_storage_filter_fn filter;
	void *filter_arg;
};

struct ck_storage;
struct ck_storage_watch;

/* What an implementation provides; see the wrappers below. */
struct ck_storage_ops {
	void (*free)(struct ck_storage *s);
	int (*get)(struct ck_storage *s, const char *key, const struct ck_storage_get_options *o,
		   json_object **ret_obj, struct ck_storage_error *err);
	int (*list)(struct ck_storage *s, const char *key, const struct ck_storage_list_options *o,
		    struct ck_storage_list_result *ret, struct ck_storage_error *err);
	int (*create)(struct ck_storage *s, const char *key, json_object *obj, uint64_t ttl,
		      json_object **ret_out, struct ck_storage_error *err);
	int (*guaranteed_update)(struct ck_storage *s, const char *key,
				 const struct ck_storage_update_options *o, ck_storage_update_fn fn,
				 void *arg, json_object **ret_out, struct ck_storage_error *err);
	int (*delete)(struct ck_storage *s, const char *key,
		      const struct ck_storage_delete_options *o, json_object **ret_deleted,
		      struct ck_storage_error *err);
	int (*count)(struct ck_storage *s, const char *key, int64_t *ret_count,
		     struct ck_storage_error *err);
	int (*watch)(struct ck_storage *s, const char *key,
		     const struct ck_storage_watch_options *o, ck_storage_watch_fn fn, void *arg,
		     struct ck_storage_watch **ret, struct ck_storage_error *err);
};

/* Implementations embed this as their first member. */
struct ck_storage {
	const struct ck_storage_ops *ops;
};

/* A running watch; implementations embed this as their first member. */
struct ck_storage_watch {
	void (*stop)(struct ck_storage_watch *w);
};

/* Frees the store (NULL-safe). Its watches must have been stopped. */
void ck_storage_free(struct ck_storage *s);

/* The object at key; *ret_obj owned by the caller. */
int ck_storage_get(struct ck_storage *s, const char *key, const struct ck_storage_get_options *o,
		   json_object **ret_obj, struct ck_storage_error *err);

/* A page of the objects under key (o may be NULL: everything, recursive). */
int ck_storage_list(struct ck_storage *s, const char *key, const struct ck_storage_list_options *o,
		    struct ck_storage_list_result *ret, struct ck_storage_error *err);

/*
 * Stores obj at key unless the key exists (CK_STORAGE_ERR_EXISTS). obj is
 * borrowed but changed as upstream does: its resourceVersion (which must be
 * unset, "" or "0") and selfLink are removed. ttl > 0 attaches a lease so
 * the key vanishes after ttl seconds (upstream reuses leases of similar
 * expiry). *ret_out (may be NULL) receives a new reference to obj itself
 * with the new resourceVersion set.
 */
int ck_storage_create(struct ck_storage *s, const char *key, json_object *obj, uint64_t ttl,
		      json_object **ret_out, struct ck_storage_error *err);

/*
 * Reads the object, checks the preconditions, calls fn for the new object
 * and writes it with a compare on the read revision; on a conflict it
 * re-reads and calls fn again, until it succeeds or fn or a precondition
 * fails. A new object that serializes exactly as the stored one is not
 * written (the result keeps its revision). *ret_out (may be NULL; owned by
 * the caller): the object as stored, with its resourceVersion.
 */
int ck_storage_guaranteed_update(struct ck_storage *s, const char *key,
				 const struct ck_storage_update_options *o, ck_storage_update_fn fn,
				 void *arg, json_object **ret_out, struct ck_storage_error *err);

/*
 * Deletes key after the preconditions and validate pass against the
 * current object, retrying on conflicts as guaranteed_update does.
 * *ret_deleted (may be NULL; owned by the caller): the last state, with the
 * deletion's revision.
 */
int ck_storage_delete(struct ck_storage *s, const char *key,
		      const struct ck_storage_delete_options *o, json_object **ret_deleted,
		      struct ck_storage_error *err);

/* Number of keys under the prefix key (a "/" is added when missing). */
int ck_storage_count(struct ck_storage *s, const char *key, int64_t *ret_count,
		     struct ck_storage_error *err);

/*
 * Starts a watch of key (a prefix when recursive); fn gets the events on the
 * watch's own thread, in revision order. Stop it with ck_storage_watch_stop()
 * (not from inside fn), after which fn is not called again.
 */
int ck_storage_watch(struct ck_storage *s, const char *key,
		     const struct ck_storage_watch_options *o, ck_storage_watch_fn fn, void *arg,
		     struct ck_storage_watch **ret, struct ck_storage_error *err);
/* Stops and frees the watch (NULL-safe). */
void ck_storage_watch_stop(struct ck_storage_watch *w);

/*
 * Parses a resourceVersion as upstream's APIObjectVersioner does: "" is 0,
 * otherwise a decimal uint64 (CK_STORAGE_ERR_BAD_REQUEST otherwise, with
 * upstream's "invalid resource version" message).
 */
int ck_storage_parse_resource_version(const char *rv, uint64_t *ret, struct ck_storage_error *err);

/*
 * Continue tokens (upstream storage/continue.go): unpadded URL-safe base64
 * of {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after prefix>"}.
 *
 * encode: key must start with key_prefix (else -EINVAL); key is key_len
 * bytes (it may end in a NUL byte: the next key after the last one
 * returned). *ret is owned by the caller.
 *
 * decode: checks the version, rv != 0, a non-empty start key with no "." or
 * ".." segments (no escape above key_prefix), and returns key_prefix + the
 * start key (owned, NUL-terminated, length in *ret_key_len) and the
 * revision (-1: continue at the latest revision). Errors are
 * CK_STORAGE_ERR_BAD_REQUEST with upstream's messages ("continue key is not
 * valid: ...").
 */
int ck_storage_continue_encode(const char *key, size_t key_len, const char *key_prefix, int64_t rv,
			       char **ret);
int ck_storage_continue_decode(const char *token, const char *key_prefix, char **ret_key,
			       size_t *ret_key_len, int64_t *ret_rv, struct ck_storage_error *err);

/*
 * Joins the store's path prefix and a key as upstream's store.prepareKey:
 * rejects "", "/", and keys with "." or ".." segments
 * (CK_STORAGE_ERR_BAD_REQUEST), drops the key's leading "/", and for a
 * recursive key adds a trailing "/". path_prefix must end in "/" (see
 * ck_storage_path_prefix). *ret owned by the caller.
 */
int ck_storage_prepare_key(const char *path_prefix, const char *key, bool recursive, char **ret,
			   struct ck_storage_error *err);
/* "/" + prefix, cleaned, ending in "/" (upstream: path.Join("/", prefix) + "/"). Owned. */
char *ck_storage_path_prefix(const char *prefix);

/* metadata.resourceVersion of obj as a number (0 when unset or ""); -EINVAL
 * when it is not a decimal. obj borrowed. */
int ck_storage_object_resource_version(json_object *obj, uint64_t *ret);
/* Sets metadata.resourceVersion to rv (creating metadata when missing). */
int ck_storage_object_set_resource_version(json_object *obj, int64_t rv);

#endif
