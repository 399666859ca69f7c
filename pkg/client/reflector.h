/*
 * ck_reflector: client-go's Reflector. A thread that keeps a sink (the
 * informer) in step with one resource on the server:
 *
 *  - List, in pages of 500 (limit/continue), from resourceVersion "0" the
 *    first time (served from the watch cache), then from the last synced
 *    resourceVersion (unpaged, so the watch cache can serve it), or from ""
 *    (a consistent read from etcd) after that version was reported expired
 *    or too large. The whole list replaces the sink's content.
 *  - Watch from the list's resourceVersion with allowWatchBookmarks=true and
 *    timeoutSeconds random in [5 min, 10 min) (min_watch_timeout_s, 2×);
 *    each event goes to the sink and advances the last synced
 *    resourceVersion; a BOOKMARK only advances it. When a watch ends
 *    normally, watch again from there.
 *  - An ERROR event (410 Expired/Gone: the version is too old; or any other
 *    Status), a watch that ended within a second with no event, a stream
 *    that broke or did not decode: list again.
 *  - Between attempts: exponential backoff 800 ms .. 30 s with full jitter,
 *    reset after 2 minutes without trouble (upstream's BackoffUntil).
 *    Connection refused and 429 on a watch back off and watch again,
 *    without a relist.
 *
 * The sink's functions run on the reflector's thread, one at a time, and
 * take ownership of the objects they are given.
 */
#ifndef CK_CLIENT_REFLECTOR_H
#define CK_CLIENT_REFLECTOR_H

#include <json-c/json.h>
#include <stdint.h>

struct ck_client;
struct ck_reflector;

struct ck_reflector_sink {
	/* The full list (a JSON array, taken; items carry kind and apiVersion) at rv. */
	void (*replace)(void *ctx, json_object *items, const char *rv);
	/* One watch event's object (taken). */
	void (*add)(void *ctx, json_object *obj);
	void (*update)(void *ctx, json_object *obj);
	void (*remove)(void *ctx, json_object *obj);
	void *ctx;
};

/*
 * Changes an object before it reaches the sink (upstream's TransformFunc):
 * every list item and watch event object, in place, on the reflector's
 * thread. For dropping what nobody in the process reads (a scheduler has
 * no use for managedFields) so that the store does not keep it.
 */
typedef void (*ck_transform_fn)(json_object *obj);

struct ck_reflector_options {
	struct ck_client *client; /* borrowed; outlives the reflector */
	const char *group;	  /* "" or NULL: core */
	const char *version;
	const char *resource;
	const char *namespace; /* NULL/"": every namespace */
	const char *label_selector;
	const char *field_selector;
	int64_t page_size;	     /* 0: 500 */
	int64_t min_watch_timeout_s; /* 0: 300 */
	const char *name;	     /* for logs; NULL: the resource */
	struct ck_reflector_sink sink;
};

/* What the reflector did so far (upstream exposes these as metrics). */
struct ck_reflector_stats {
	uint64_t lists; /* successful (re)lists */
	uint64_t list_errors;
	uint64_t watches;	/* watch requests started */
	uint64_t watch_expired; /* watches ended by 410 (ERROR event or answer) */
	uint64_t events;	/* watch events applied, bookmarks included */
};

/* Strings in opts are copied. The caller owns *ret. */
int ck_reflector_new(const struct ck_reflector_options *opts, struct ck_reflector **ret);
/* Sets the transform (NULL: none); -EBUSY once started. */
int ck_reflector_set_transform(struct ck_reflector *r, ck_transform_fn fn);
/* Starts the thread; -EALREADY when started. */
int ck_reflector_start(struct ck_reflector *r);
/* Stops the thread and waits for it (an ongoing request is cancelled at once). */
void ck_reflector_stop(struct ck_reflector *r);
/* Stops if running, frees. NULL-safe. */
void ck_reflector_free(struct ck_reflector *r);
/* The last synced resourceVersion ("" before the first list); owned. */
char *ck_reflector_last_sync_resource_version(struct ck_reflector *r);
void ck_reflector_get_stats(struct ck_reflector *r, struct ck_reflector_stats *ret);

#endif
