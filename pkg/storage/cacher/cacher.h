/*
 * The watch cache (upstream's storage/cacher): one per stored resource,
 * fed by one etcd watch on the resource's key prefix. It keeps the current
 * objects and a ring of recent events, serves lists at resourceVersion=0
 * (or "not older than" a revision it has seen), and fans each event out to
 * every watcher whose filter it matches, encoding the event once.
 *
 * Invariants:
 *  - Objects held by the cache are immutable json-c objects with
 *    metadata.resourceVersion set (the etcd mod_revision; for a DELETED
 *    event, the revision of the delete). They are shared between threads,
 *    and json-c is not thread-safe for that: its reference counts are not
 *    atomic and its printer (json_object_to_json_string*, and
 *    json_object_get_string on a non-string) writes into the object it
 *    prints. So an object the cache lends (to a filter, or in an event) is
 *    only read while lent: never json_object_get/put, never printed with
 *    json-c's printer (ck_json_write in util/json_write.h only reads), and
 *    json_object_deep_copy'd to be kept. Lists and gets hand out copies the
 *    caller owns.
 *  - Events reach each watcher in revision order, each once.
 *  - Watcher callbacks run on the cache's dispatch thread and must not
 *    block: a watcher that cannot keep up is closed (its deliver returns
 *    < 0) and the client relists, as upstream.
 *  - Thread-safe: every function may be called from any thread, until
 *    ck_cacher_stop() (after it, only ck_cacher_watch_stop() on watchers
 *    not yet stopped). A ck_cacher_wait_for() running meanwhile returns.
 *
 * The cache stands on the etcd client (storage/etcd3/etcd3.h): a paged
 * Range of the prefix at one revision, then a Watch with prev_kv and
 * progress_notify from the next revision. The revision it has applied
 * advances with events and with etcd's progress notifications; while
 * someone waits for a newer one (ck_cacher_wait_for), it checks every
 * 100 ms whether etcd's current revision holds nothing new under the
 * prefix, and advances to it when so. If the watch fails for good (the
 * history it needed was compacted while it was disconnected), the cache
 * lists again, and closes every watcher (they relist), as upstream's
 * re-initialisation does.
 */
#ifndef CK_STORAGE_CACHER_H
#define CK_STORAGE_CACHER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_etcd;
struct ck_cacher;
struct ck_cacher_watcher;

enum ck_watch_event_type {
	CK_WATCH_ADDED,
	CK_WATCH_MODIFIED,
	CK_WATCH_DELETED,
	CK_WATCH_BOOKMARK,
	CK_WATCH_ERROR,
};

/* "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR". */
const char *ck_watch_event_type_name(enum ck_watch_event_type t);

/*
 * One event as a watcher sees it. object is borrowed for the callback, read
 * only (deep-copy it to keep it: see the invariants above). For BOOKMARK,
 * object is NULL and rv is the bookmark's revision; for ERROR, object is the
 * Status and rv 0; otherwise rv is the object's resourceVersion. encoded,
 * when not NULL, is the event already encoded as one watch frame of the
 * stored form — {"type":"…","object":{…}}\n — valid during the call and
 * shared by every watcher that gets the same event unchanged (use it as is
 * when no conversion is needed).
 */
struct ck_watch_event {
	enum ck_watch_event_type type;
	json_object *object;
	int64_t rv;
	const char *encoded;
	size_t encoded_len;
	/* The cache's: where ck_watch_event_encoded keeps other encodings of
	 * this event (NULL for an event made for one watcher). */
	const struct ck_watch_frames *frames;
};

struct ck_buf;

/*
 * Encodes an event in a wire form other than the JSON frame (the API
 * server's protobuf watch frame): appends it to out. It must make the same
 * bytes from the same ev->type and ev->object whoever calls it, since its
 * result is shared. 0 or a negative errno.
 */
typedef int (*ck_watch_encode_fn)(const struct ck_watch_event *ev, struct ck_buf *out);

/* How many other encodings the cache keeps per event. */
#define CK_CACHER_MAX_ENCODINGS 2

/*
 * For a deliver callback: ev in encode's form. The first call for an event
 * of the cache's ring runs encode and keeps the result with the event, for
 * every watcher asking with the same encode while it is dispatched (up to
 * CK_CACHER_MAX_ENCODINGS encode functions); an event made for one watcher
 * (the synthetic ADDEDs of a watch from 0, ERROR, BOOKMARK) is encoded into
 * scratch, a buffer of the caller's (reset first; it may be used any time).
 * *ret (*ret_len bytes) is valid until deliver returns and scratch is
 * unchanged. 0, or encode's error. Dispatch thread only.
 */
int ck_watch_event_encoded(const struct ck_watch_event *ev, ck_watch_encode_fn encode,
			   struct ck_buf *scratch, const char **ret, size_t *ret_len);

/*
 * A watcher's filter: whether an object (borrowed, read only) is one the
 * watcher wants. Called on the dispatch thread for the new and the previous
 * state of each change: a change that makes an object stop matching is
 * delivered as DELETED, one that makes it start matching as ADDED. The
 * DELETED carries the previous state with the change's revision as its
 * resourceVersion, as upstream's cacheWatcher and etcd3 watcher do.
 */
typedef bool (*ck_cacher_filter_fn)(void *ctx, json_object *obj);
/*
 * Delivers one event. Return 0, or < 0 to have the watcher closed (the
 * cache then calls closed and delivers nothing more).
 */
typedef int (*ck_cacher_deliver_fn)(void *ctx, const struct ck_watch_event *ev);
/*
 * The watcher is done (closed by deliver, too old a from_rv, the cache
 * relisted or stopped, or ck_cacher_watch_stop), called once: on the
 * dispatch thread, or on the thread calling ck_cacher_stop or
 * ck_cacher_watch_stop.
 */
typedef void (*ck_cacher_closed_fn)(void *ctx);

struct ck_cacher_config {
	struct ck_etcd *etcd; /* borrowed; outlives the cache */
	/* The key prefix of the resource, ending with '/' ("/registry/configmaps/"). */
	const char *prefix;
	/* Upstream's history: at least 100 events, up to 100×1024 while the
	 * ring spans < 75 s. 0 = those defaults. */
	size_t min_history;
	size_t max_history;
	int64_t history_window_ms;
	/* Bookmarks to watchers that asked go about this often; 0: upstream's
	 * 60 s. */
	int64_t bookmark_interval_ms;
};

/*
 * Starts the cache: lists the prefix, then watches from the list's revision.
 * Returns once the initial list is in (the cache is ready). The caller owns
 * *ret. 0 or a negative errno: -EINVAL for a bad config (no client, a
 * prefix not ending in '/'), the etcd client's error when the list fails.
 */
int ck_cacher_start(const struct ck_cacher_config *cfg, struct ck_cacher **ret);
/*
 * Stops the etcd watch, closes every watcher (closed is called), frees.
 * Watchers not yet ck_cacher_watch_stop()ped stay valid for that call.
 * NULL-safe.
 */
void ck_cacher_stop(struct ck_cacher *c);

/* The newest revision the cache has applied (every event up to it is in). */
int64_t ck_cacher_revision(struct ck_cacher *c);

/*
 * Waits until the cache has applied min_rv (or timeout_ms passes: -ETIMEDOUT,
 * upstream's "Too large resource version" answer after its 3 s). 0 when
 * reached, -ECANCELED when the cache stops meanwhile.
 */
int ck_cacher_wait_for(struct ck_cacher *c, int64_t min_rv, int64_t timeout_ms);

/*
 * Lists the current objects whose key starts with key_prefix (NULL: the
 * cache's prefix; a namespace's "…/configmaps/<ns>/"; a prefix not ending
 * in '/' matches whole path segments only, as upstream's hasPathPrefix), in
 * key order, keeping those filter accepts (NULL accepts all; called on the
 * calling thread). *ret_items is an owned array of *ret_n copies the caller
 * owns (json_object_put each, then free the array; NULL when empty);
 * *ret_rv is the cache's revision the list reflects.
 */
int ck_cacher_list(struct ck_cacher *c, const char *key_prefix, ck_cacher_filter_fn filter,
		   void *ctx, json_object ***ret_items, size_t *ret_n, int64_t *ret_rv);

/*
 * The same list without copies: calls each(each_ctx, obj) for every object
 * ck_cacher_list would return, in the same order, with the cache's own
 * object (borrowed, shared with other threads: read it with json-c's
 * accessors or ck_json_write, copy it, never modify or print it with
 * json-c's printer, never take a reference), valid during the call only.
 * An each that returns a negative errno stops the walk with that result.
 */
typedef int (*ck_cacher_each_fn)(void *ctx, json_object *obj);
int ck_cacher_list_each(struct ck_cacher *c, const char *key_prefix, ck_cacher_filter_fn filter,
			void *filter_ctx, ck_cacher_each_fn each, void *each_ctx, int64_t *ret_rv);

/* A copy of the object at key (owned by the caller), -ENOENT when absent;
 * *ret_rv (may be NULL) is the cache's revision. */
int ck_cacher_get(struct ck_cacher *c, const char *key, json_object **ret_obj, int64_t *ret_rv);

struct ck_cacher_watch_options {
	/* Keys to watch: those starting with key_prefix (a namespace's prefix,
	 * one object's exact key, or the whole resource). */
	const char *key_prefix;
	/* 0: first a synthetic ADDED for every current object that matches
	 * (in key order), then every change after the state they show. > 0:
	 * every change strictly after from_rv; an rv older than the ring holds
	 * gives one ERROR event (410 Expired: "too old resource version:
	 * <from_rv> (<oldest - 1>)") and the watcher closes. An rv newer than
	 * the cache's is not waited for: changes after it are delivered as
	 * they come (upstream's cacher does the same). */
	int64_t from_rv;
	/* allowWatchBookmarks: a BOOKMARK about every bookmark_interval_ms,
	 * with the newest revision the cache has dispatched, once that is past
	 * the revision the watch started from (upstream sends none before). */
	bool bookmarks;
	ck_cacher_filter_fn filter; /* NULL: everything */
	ck_cacher_deliver_fn deliver;
	ck_cacher_closed_fn closed; /* may be NULL */
	void *ctx;
	/* The watch's timeout (timeoutSeconds) in ms, 0 for none: with
	 * bookmarks, the last one goes 2 s before it, as upstream. The cache
	 * does not end the watch itself. */
	int64_t timeout_ms;
};

/*
 * Registers a watcher; events start flowing on the dispatch thread (the
 * synthetic ADDEDs or the replay from the ring first, in one burst). The
 * caller owns *ret and must ck_cacher_watch_stop() it (even after closed
 * was called). -EINVAL without deliver or with from_rv < 0.
 */
int ck_cacher_watch(struct ck_cacher *c, const struct ck_cacher_watch_options *opts,
		    struct ck_cacher_watcher **ret);
/*
 * Unregisters and frees; after it returns no callback runs for it (closed
 * is called here if it was not yet). Not from a callback. NULL-safe.
 */
void ck_cacher_watch_stop(struct ck_cacher_watcher *w);

/* Number of registered watchers (apiserver_registered_watchers). */
size_t ck_cacher_watcher_count(struct ck_cacher *c);
/* Number of objects held (apiserver_storage_objects). */
size_t ck_cacher_object_count(struct ck_cacher *c);

#endif
