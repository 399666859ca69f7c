/*
 * ck_informer: client-go's SharedIndexInformer. A reflector keeps a store
 * (store.h) in step with one resource, and every change is handed to the
 * registered event handlers; a factory keeps one informer per resource in
 * a process, shared by every controller that asks.
 *
 * Invariants:
 *  - One dispatch thread per informer calls the handlers, one call at a
 *    time, in the order the changes were applied to the store: a handler
 *    sees each change exactly once, and the store already holds (at least)
 *    that state when it is called.
 *  - on_add(obj, is_in_initial_list) for an object new to the store;
 *    on_update(old, new) for a changed resourceVersion; on_delete(key,
 *    obj, final_state_unknown) for a removal: obj is the deleted object
 *    (from the watch event), or, when a relist found the object gone
 *    (final_state_unknown: upstream's DeletedFinalStateUnknown tombstone),
 *    the last state the store had.
 *  - A relist (after a 410 or an error) is applied as a diff against the
 *    store: adds for new keys, updates for changed resourceVersions (an
 *    unchanged object produces nothing), tombstone deletes for keys gone.
 *  - Resync: every resync period a handler gets on_update(obj, obj) for
 *    every object in the store (the period is the handler's own, or the
 *    informer's default; at least 1 s; 0: never).
 *  - Objects given to handlers are borrowed for the call and read only
 *    (see store.h: never json_object_get/put them, never print them with
 *    json-c's printer; ck_obj_copy() to keep or change).
 *  - A handler added to a running informer first gets on_add for every
 *    object already in the store (is_in_initial_list true), then the
 *    changes after.
 *  - has_synced: the first list has been applied to the store. A
 *    handler's has_synced: that, and the handler has been given every
 *    object of that list.
 */
#ifndef CK_CLIENT_INFORMER_H
#define CK_CLIENT_INFORMER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "client/reflector.h"
#include "client/store.h"

struct ck_cancel;
struct ck_client;
struct ck_informer;
struct ck_informer_handler;

struct ck_event_handler {
	void (*on_add)(void *ctx, json_object *obj, bool is_in_initial_list);
	void (*on_update)(void *ctx, json_object *old_obj, json_object *new_obj);
	void (*on_delete)(void *ctx, const char *key, json_object *obj, bool final_state_unknown);
	void *ctx;
	int64_t resync_period_ms; /* 0: the informer's default */
};

struct ck_informer_options {
	struct ck_client *client; /* borrowed; outlives the informer */
	const char *group;	  /* "" or NULL: core */
	const char *version;
	const char *resource;
	const char *namespace; /* NULL/"": every namespace */
	const char *label_selector;
	const char *field_selector;
	int64_t resync_period_ms;    /* handlers' default; 0: no resync */
	int64_t page_size;	     /* 0: 500 */
	int64_t min_watch_timeout_s; /* 0: 300 (tests shorten it) */
	const char *name;	     /* for logs */
};

/* The caller owns *ret (ck_informer_free). */
int ck_informer_new(const struct ck_informer_options *opts, struct ck_informer **ret);
/* Stops it and frees it (the handlers' registrations too). NULL-safe. */
void ck_informer_free(struct ck_informer *inf);
/* Adds an index to the store; only before start (-EBUSY after). */
int ck_informer_add_index(struct ck_informer *inf, const char *name, ck_index_fn fn);
/*
 * Registers handlers (h is copied; any callback may be NULL). *ret (may be
 * NULL) is the registration, valid until removed or the informer is freed.
 */
int ck_informer_add_handler(struct ck_informer *inf, const struct ck_event_handler *h,
			    struct ck_informer_handler **ret);
/*
 * Unregisters: when it returns, the handler is not running and will not be
 * called again (from a handler itself: not called again after it returns).
 */
void ck_informer_remove_handler(struct ck_informer *inf, struct ck_informer_handler *reg);
bool ck_informer_handler_has_synced(struct ck_informer_handler *reg);

/* Sets the reflector's transform (reflector.h; NULL: none); -EBUSY once started. */
int ck_informer_set_transform(struct ck_informer *inf, ck_transform_fn fn);
/* Starts the reflector and the dispatch thread; -EALREADY when running. */
int ck_informer_start(struct ck_informer *inf);
/* Stops both threads; pending notifications are dropped. Idempotent. Not from a handler. */
void ck_informer_stop(struct ck_informer *inf);
bool ck_informer_has_synced(struct ck_informer *inf);
/*
 * Waits until has_synced (0), the timeout passes (-ETIMEDOUT; < 0: no
 * timeout) or cancel fires (-ECANCELED; may be NULL).
 */
int ck_informer_wait_for_sync(struct ck_informer *inf, struct ck_cancel *cancel,
			      int64_t timeout_ms);
/* Waits until the handler has_synced, as above. */
int ck_informer_handler_wait_for_sync(struct ck_informer_handler *reg, struct ck_cancel *cancel,
				      int64_t timeout_ms);
/* The store (lister); borrowed, lives as long as the informer. */
struct ck_store *ck_informer_store(struct ck_informer *inf);
/* The last resourceVersion synced from the server; owned. */
char *ck_informer_last_sync_resource_version(struct ck_informer *inf);
void ck_informer_get_stats(struct ck_informer *inf, struct ck_reflector_stats *ret);

/* ---- shared informer factory --------------------------------------------------- */

struct ck_informer_factory;

struct ck_informer_factory_options {
	struct ck_client *client; /* borrowed */
	int64_t default_resync_ms;
	const char *namespace; /* NULL: every namespace */
	const char *label_selector;
	const char *field_selector;
	int64_t min_watch_timeout_s; /* 0: 300 */
};

/* The caller owns the factory; its informers belong to it. */
struct ck_informer_factory *ck_informer_factory_new(const struct ck_informer_factory_options *o);
/* Stops and frees every informer, then the factory. NULL-safe. */
void ck_informer_factory_free(struct ck_informer_factory *f);
/*
 * The shared informer for a resource, made on first use (not started);
 * borrowed, lives as long as the factory. NULL only for a NULL resource.
 */
struct ck_informer *ck_informer_factory_get(struct ck_informer_factory *f, const char *group,
					    const char *version, const char *resource);
/* Starts every informer made so far that is not running. */
int ck_informer_factory_start(struct ck_informer_factory *f);
/* Waits until every started informer has synced (codes as ck_informer_wait_for_sync). */
int ck_informer_factory_wait_for_cache_sync(struct ck_informer_factory *f, struct ck_cancel *cancel,
					    int64_t timeout_ms);
/* Stops every informer. */
void ck_informer_factory_shutdown(struct ck_informer_factory *f);

#endif
