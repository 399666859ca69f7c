/*
 * Events: client-go's legacy event recorder (tools/record), which writes
 * core/v1 Events.
 *
 * A recorder is the broadcaster, its sink and the correlator in one:
 * eventf() builds the Event (involvedObject, reason, message, type,
 * source {component, host}, firstTimestamp = lastTimestamp = now, count 1,
 * reportingComponent/Instance = source component/host, name
 * "<involvedObject.name>.<unix nanoseconds in hex>", the object's namespace
 * or "default") and queues it without ever blocking: past max_queued the
 * event is dropped, as upstream's broadcaster drops. A sender thread then
 * correlates it (events_cache.go's EventCorrelator) and writes it:
 *  - aggregation: events alike but for the message (same source, object,
 *    type, reason, reporting controller/instance) seen 10 times within 10
 *    minutes turn into one event "(combined from similar events): <msg>";
 *  - deduplication: an event identical to one already written is a PATCH
 *    (strategic merge) of count+1, lastTimestamp and message on the
 *    written one; a PATCH answered 404 becomes a create;
 *  - spam filter: per source+object, a token bucket of 25 events refilled
 *    at one per 5 minutes; events beyond it are dropped;
 *  - the caches are LRUs of 4096 entries each;
 *  - a write that fails with an API error is dropped (the server has
 *    spoken); a transport failure is retried up to 12 tries, 10 s apart
 *    (the first wait randomised).
 * type must be "Normal" or "Warning" (others are dropped).
 */
#ifndef CK_CLIENT_EVENTS_H
#define CK_CLIENT_EVENTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/common.h"

struct ck_client;

/* v1.ObjectReference; every field may be NULL. Borrowed strings. */
struct ck_object_reference {
	const char *kind;
	const char *namespace;
	const char *name;
	const char *uid;
	const char *api_version;
	const char *resource_version;
	const char *field_path;
};

/* A reference to obj (its kind, apiVersion and metadata); strings borrowed from obj. */
void ck_object_reference_of(json_object *obj, struct ck_object_reference *ret);

/* ---- the correlator (pure; the recorder's sender uses it) --------------------------- */

struct ck_event_correlator;

struct ck_event_correlate_result {
	json_object *event; /* what to write (owned); NULL when skipped */
	char *patch;	    /* non-NULL: PATCH the written event with it (owned) */
	bool skip;	    /* the spam filter dropped it */
};

/* Upstream's defaults: 10 events / 600 s aggregation, spam 25 burst at 1/300 qps. Owned. */
struct ck_event_correlator *ck_event_correlator_new(void);
void ck_event_correlator_free(struct ck_event_correlator *c);
/* Correlates event (borrowed) at now_ns (wall clock); *ret is initialised here. */
void ck_event_correlator_correlate(struct ck_event_correlator *c, json_object *event,
				   int64_t now_ns, struct ck_event_correlate_result *ret);
void ck_event_correlate_result_release(struct ck_event_correlate_result *r);
/* Records what the server stored (name, resourceVersion, count) for later patches. */
void ck_event_correlator_update_state(struct ck_event_correlator *c, json_object *event);
/* The keys upstream correlates by (owned), for tests. */
char *ck_event_key(json_object *event);
char *ck_event_aggregate_key(json_object *event);
char *ck_event_spam_key(json_object *event);

/* ---- the recorder --------------------------------------------------------------------- */

struct ck_event_recorder;

struct ck_event_recorder_config {
	struct ck_client *client; /* borrowed; outlives the recorder */
	const char *component;	  /* source.component */
	const char *host;	  /* source.host; may be NULL */
	size_t max_queued;	  /* 0: 1000 */
	int max_tries;		  /* 0: 12 */
	int64_t retry_sleep_ms;	  /* 0: 10000 */
};

/* Starts the sender thread. The caller owns *ret. */
int ck_event_recorder_new(const struct ck_event_recorder_config *cfg,
			  struct ck_event_recorder **ret);
/* Stops the sender (what is queued is dropped) and frees. NULL-safe. */
void ck_event_recorder_free(struct ck_event_recorder *r);
/* Records an event about ref (strings copied). Never blocks. */
void ck_event_recorder_eventf(struct ck_event_recorder *r, const struct ck_object_reference *ref,
			      const char *type, const char *reason, const char *fmt, ...)
    CK_PRINTF(5, 6);
/* As eventf, with metadata.annotations (borrowed, copied; may be NULL). */
void ck_event_recorder_annotated_eventf(struct ck_event_recorder *r,
					const struct ck_object_reference *ref,
					json_object *annotations, const char *type,
					const char *reason, const char *fmt, ...) CK_PRINTF(6, 7);
/*
 * Waits until every event queued so far has been handled (written, merged
 * or dropped): 0, or -ETIMEDOUT. For tests and orderly shutdowns.
 */
int ck_event_recorder_flush(struct ck_event_recorder *r, int64_t timeout_ms);

#endif
