#include "client/events.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/ratelimit.h"
#include "client/rest.h"
#include "util/buf.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/lru.h"
#include "util/queue.h"
#include "util/str.h"
#include "util/time.h"

/* Upstream's defaults (tools/record/events_cache.go, event.go). */
#define MAX_LRU_ENTRIES 4096
#define AGGREGATE_MAX_EVENTS 10
#define AGGREGATE_INTERVAL_NS (INT64_C(600) * 1000000000)
#define SPAM_BURST 25
#define SPAM_QPS (1.0 / 300.0)
#define MAX_QUEUED 1000
#define MAX_TRIES 12
#define RETRY_SLEEP_MS 10000

static const char *str_at(json_object *obj, const char *path)
{
	const char *s = ck_obj_path_str(obj, path);
	return s ? s : "";
}

void ck_object_reference_of(json_object *obj, struct ck_object_reference *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = ck_obj_path_str(obj, "kind");
	ret->api_version = ck_obj_path_str(obj, "apiVersion");
	ret->namespace = ck_obj_namespace(obj);
	ret->name = ck_obj_name(obj);
	ret->uid = ck_obj_uid(obj);
	ret->resource_version = ck_obj_resource_version(obj);
}

/* ---- keys ------------------------------------------------------------------------------ */

static char *join(json_object *e, const char *const *paths)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (size_t i = 0; paths[i]; i++)
		ck_buf_adds(&b, str_at(e, paths[i]));
	return ck_buf_detach(&b, NULL);
}

char *ck_event_key(json_object *event)
{
	static const char *const paths[] = {
		"source.component",
		"source.host",
		"involvedObject.kind",
		"involvedObject.namespace",
		"involvedObject.name",
		"involvedObject.fieldPath",
		"involvedObject.uid",
		"involvedObject.apiVersion",
		"type",
		"reason",
		"message",
		NULL,
	};
	return join(event, paths);
}

char *ck_event_aggregate_key(json_object *event)
{
	static const char *const paths[] = {
		"source.component",
		"source.host",
		"involvedObject.kind",
		"involvedObject.namespace",
		"involvedObject.name",
		"involvedObject.uid",
		"involvedObject.apiVersion",
		"type",
		"reason",
		"reportingComponent",
		"reportingInstance",
		NULL,
	};
	return join(event, paths);
}

char *ck_event_spam_key(json_object *event)
{
	static const char *const paths[] = {
		"source.component",
		"source.host",
		"involvedObject.kind",
		"involvedObject.namespace",
		"involvedObject.name",
		"involvedObject.uid",
		"involvedObject.apiVersion",
		"type",
		NULL,
	};
	return join(event, paths);
}

/* ---- the correlator ------------------------------------------------------------------- */

struct aggregate_record {
	struct ck_hashmap local_keys; /* a set */
	int64_t last_ns;
};

struct event_log {
	int64_t count;
	char *first_timestamp;
	char *name;
	char *resource_version;
};

struct spam_record {
	struct ck_token_bucket tb;
};

struct ck_event_correlator {
	pthread_mutex_t lock;
	struct ck_lru *aggregates; /* guarded by lock */
	struct ck_lru *logs;	   /* guarded by lock */
	struct ck_lru *spam;	   /* guarded by lock */
};

static void aggregate_free(void *p)
{
	struct aggregate_record *a = p;
	ck_hashmap_release(&a->local_keys);
	free(a);
}

static void log_free(void *p)
{
	struct event_log *l = p;
	free(l->first_timestamp);
	free(l->name);
	free(l->resource_version);
	free(l);
}

static void spam_free(void *p)
{
	struct spam_record *s = p;
	ck_token_bucket_release(&s->tb);
	free(s);
}

struct ck_event_correlator *ck_event_correlator_new(void)
{
	struct ck_event_correlator *c = ck_calloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->aggregates = ck_lru_new(MAX_LRU_ENTRIES, aggregate_free);
	c->logs = ck_lru_new(MAX_LRU_ENTRIES, log_free);
	c->spam = ck_lru_new(MAX_LRU_ENTRIES, spam_free);
	return c;
}

void ck_event_correlator_free(struct ck_event_correlator *c)
{
	if (!c)
		return;
	ck_lru_free(c->aggregates);
	ck_lru_free(c->logs);
	ck_lru_free(c->spam);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void ck_event_correlate_result_release(struct ck_event_correlate_result *r)
{
	if (!r)
		return;
	json_object_put(r->event);
	free(r->patch);
	r->event = NULL;
	r->patch = NULL;
}

static void set_str(json_object *obj, const char *field, const char *value)
{
	json_object_object_add(obj, field, json_object_new_string(value ? value : ""));
}

static void set_time(json_object *obj, const char *field, int64_t ns)
{
	char t[CK_TIME_BUF];
	ck_time_format(ns, CK_TIME_SECONDS, t);
	set_str(obj, field, t);
}

/* "<name>.<unix nanoseconds in hex>" */
static void event_name(const char *name, int64_t ns, char *out, size_t size)
{
	snprintf(out, size, "%s.%" PRIx64, name ? name : "", (uint64_t)ns);
}

/* EventAggregate: the event to go on with (owned) and its cache key (owned). Under lock. */
static json_object *aggregate(struct ck_event_correlator *c, json_object *event, int64_t now,
			      char **ret_key)
{
	char *event_key = ck_event_key(event);
	char *agg_key = ck_event_aggregate_key(event);
	const char *local_key = str_at(event, "message");
	struct aggregate_record *rec = ck_lru_get(c->aggregates, agg_key);
	if (!rec || now - rec->last_ns > AGGREGATE_INTERVAL_NS) {
		rec = ck_calloc(1, sizeof(*rec));
		ck_hashmap_init(&rec->local_keys, NULL);
	}
	ck_hashmap_put(&rec->local_keys, local_key, (void *)1);
	rec->last_ns = now;
	ck_lru_add(c->aggregates, agg_key, rec);
	if (ck_hashmap_count(&rec->local_keys) < AGGREGATE_MAX_EVENTS) {
		free(agg_key);
		*ret_key = event_key;
		return ck_obj_copy(event);
	}
	/* Do not grow the set past the maximum: drop any one key. */
	struct ck_hashmap_entry *any = ck_hashmap_first(&rec->local_keys);
	if (any) {
		char *k = ck_strdup(any->key);
		ck_hashmap_remove(&rec->local_keys, k);
		free(k);
	}
	json_object *agg = json_object_new_object();
	set_str(agg, "kind", "Event");
	set_str(agg, "apiVersion", "v1");
	json_object *md = json_object_new_object();
	char name[512];
	event_name(str_at(event, "involvedObject.name"), now, name, sizeof(name));
	set_str(md, "name", name);
	set_str(md, "namespace", str_at(event, "metadata.namespace"));
	json_object_object_add(agg, "metadata", md);
	json_object *involved = ck_obj_path(event, "involvedObject");
	json_object_object_add(agg, "involvedObject",
			       involved ? ck_obj_copy(involved) : json_object_new_object());
	set_str(agg, "reason", str_at(event, "reason"));
	char msg[2048];
	snprintf(msg, sizeof(msg), "(combined from similar events): %s", str_at(event, "message"));
	set_str(agg, "message", msg);
	json_object *source = ck_obj_path(event, "source");
	json_object_object_add(agg, "source",
			       source ? ck_obj_copy(source) : json_object_new_object());
	set_time(agg, "firstTimestamp", now);
	set_time(agg, "lastTimestamp", now);
	json_object_object_add(agg, "count", json_object_new_int(1));
	set_str(agg, "type", str_at(event, "type"));
	json_object_object_add(agg, "eventTime", NULL);
	free(event_key);
	*ret_key = agg_key;
	return agg;
}

static int64_t int_at(json_object *obj, const char *field)
{
	json_object *v = NULL;
	return json_object_object_get_ex(obj, field, &v) ? json_object_get_int64(v) : 0;
}

/* eventObserve: takes event; returns it updated from the last observation, with a patch. Under
 * lock. */
static json_object *observe(struct ck_event_correlator *c, json_object *event, const char *key,
			    char **ret_patch)
{
	struct event_log *last = ck_lru_get(c->logs, key);
	*ret_patch = NULL;
	if (last && last->count > 0) {
		json_object *md = ck_obj_metadata(event);
		set_str(md, "name", last->name);
		if (last->resource_version && *last->resource_version)
			set_str(md, "resourceVersion", last->resource_version);
		else
			json_object_object_del(md, "resourceVersion");
		set_str(event, "firstTimestamp", last->first_timestamp);
		json_object_object_add(event, "count", json_object_new_int64(last->count + 1));
		/* CreateTwoWayMergePatch against count 0, lastTimestamp 0, message "". */
		json_object *patch = json_object_new_object();
		json_object_object_add(patch, "count", json_object_new_int64(last->count + 1));
		set_str(patch, "lastTimestamp", str_at(event, "lastTimestamp"));
		if (*str_at(event, "message"))
			set_str(patch, "message", str_at(event, "message"));
		*ret_patch = ck_strdup(json_object_to_json_string_ext(
		    patch, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(patch);
	}
	struct event_log *l = ck_calloc(1, sizeof(*l));
	l->count = int_at(event, "count");
	l->first_timestamp = ck_strdup(str_at(event, "firstTimestamp"));
	l->name = ck_strdup(str_at(event, "metadata.name"));
	l->resource_version = ck_strdup(str_at(event, "metadata.resourceVersion"));
	ck_lru_add(c->logs, key, l);
	return event;
}

/* EventSourceObjectSpamFilter.Filter: true to drop. Under lock. */
static bool spam_filter(struct ck_event_correlator *c, json_object *event, int64_t now)
{
	char *key = ck_event_spam_key(event);
	struct spam_record *rec = ck_lru_get(c->spam, key);
	if (!rec) {
		rec = ck_calloc(1, sizeof(*rec));
		ck_token_bucket_init(&rec->tb, SPAM_QPS, SPAM_BURST);
		ck_lru_add(c->spam, key, rec);
	}
	bool drop = !ck_token_bucket_try_accept_at(&rec->tb, now);
	free(key);
	return drop;
}

void ck_event_correlator_correlate(struct ck_event_correlator *c, json_object *event,
				   int64_t now_ns, struct ck_event_correlate_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	pthread_mutex_lock(&c->lock);
	char *key = NULL;
	json_object *agg = aggregate(c, event, now_ns, &key);
	json_object *observed = observe(c, agg, key, &ret->patch);
	free(key);
	if (spam_filter(c, observed, now_ns)) {
		json_object_put(observed);
		free(ret->patch);
		ret->patch = NULL;
		ret->skip = true;
	} else {
		ret->event = observed;
	}
	pthread_mutex_unlock(&c->lock);
}

void ck_event_correlator_update_state(struct ck_event_correlator *c, json_object *event)
{
	char *key = ck_event_key(event);
	struct event_log *l = ck_calloc(1, sizeof(*l));
	l->count = int_at(event, "count");
	l->first_timestamp = ck_strdup(str_at(event, "firstTimestamp"));
	l->name = ck_strdup(str_at(event, "metadata.name"));
	l->resource_version = ck_strdup(str_at(event, "metadata.resourceVersion"));
	pthread_mutex_lock(&c->lock);
	ck_lru_add(c->logs, key, l);
	pthread_mutex_unlock(&c->lock);
	free(key);
}

/* ---- the recorder ------------------------------------------------------------------------ */

struct ck_event_recorder {
	struct ck_client *client;
	char *component, *host;
	int max_tries;
	int64_t retry_sleep_ms;
	struct ck_event_correlator *correlator;
	struct ck_queue queue; /* of json_object * (owned by whoever holds it) */
	struct ck_cancel stop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t idle; /* broadcast when pending drops */
	size_t pending;	     /* queued or being sent; guarded by lock */
};

static void done_one(struct ck_event_recorder *r)
{
	pthread_mutex_lock(&r->lock);
	r->pending--;
	pthread_cond_broadcast(&r->idle);
	pthread_mutex_unlock(&r->lock);
}

/* recordEvent: true when done with the event (written, or refused by the server). */
static bool record_event(struct ck_event_recorder *r, json_object *event, const char *patch)
{
	const char *ns = str_at(event, "metadata.namespace");
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *stored = NULL;
	int ret = -ENOENT;
	if (patch) {
		struct ck_client_request req = {
			.verb = "PATCH",
			.version = "v1",
			.resource = "events",
			.namespace = ns,
			.name = str_at(event, "metadata.name"),
			.raw_body = patch,
			.raw_body_len = strlen(patch),
			.content_type = ck_patch_content_type(CK_PATCH_STRATEGIC),
			.cancel = &r->stop,
		};
		ret = ck_client_do(r->client, &req, &stored, &err);
	}
	if (!patch || ret == -ENOENT) {
		json_object_object_del(ck_obj_metadata(event), "resourceVersion");
		struct ck_client_request req = {
			.verb = "POST",
			.version = "v1",
			.resource = "events",
			.namespace = ns,
			.body = event,
			.cancel = &r->stop,
		};
		ret = ck_client_do(r->client, &req, &stored, &err);
	}
	bool done = true;
	if (ret == 0) {
		if (stored)
			ck_event_correlator_update_state(r->correlator, stored);
	} else if (err.status) {
		ck_log_v(4, "server rejected event '%s': %s (will not retry!)",
			 str_at(event, "metadata.name"), err.message);
	} else if (ret != -ECANCELED) {
		ck_log_v(4, "unable to write event '%s': %s (may retry after sleeping)",
			 str_at(event, "metadata.name"), err.message);
		done = false;
	}
	json_object_put(stored);
	ck_client_error_release(&err);
	return done;
}

/* recordToSink */
static void record_to_sink(struct ck_event_recorder *r, json_object *event)
{
	struct ck_event_correlate_result res;
	ck_event_correlator_correlate(r->correlator, event, ck_time_now_ns(), &res);
	if (res.skip || !r->client) {
		ck_event_correlate_result_release(&res);
		return;
	}
	for (int tries = 1;; tries++) {
		if (record_event(r, res.event, res.patch))
			break;
		if (tries >= r->max_tries) {
			ck_log_v(4, "unable to write event '%s' (retry limit exceeded!)",
				 str_at(res.event, "metadata.name"));
			break;
		}
		int64_t sleep = tries == 1 ? (int64_t)(ck_rand_double() * (double)r->retry_sleep_ms)
					   : r->retry_sleep_ms;
		if (ck_cancel_sleep_ms(&r->stop, sleep) < 0)
			break;
	}
	ck_event_correlate_result_release(&res);
}

static void *sender(void *arg)
{
	struct ck_event_recorder *r = arg;
	for (;;) {
		void *item;
		if (ck_queue_pop(&r->queue, &item, -1) < 0)
			break;
		json_object *event = item;
		if (!ck_cancel_fired(&r->stop))
			record_to_sink(r, event);
		json_object_put(event);
		done_one(r);
	}
	return NULL;
}

int ck_event_recorder_new(const struct ck_event_recorder_config *cfg,
			  struct ck_event_recorder **ret)
{
	struct ck_event_recorder *r = ck_calloc(1, sizeof(*r));
	r->client = cfg->client;
	r->component = ck_strdup(cfg->component ? cfg->component : "");
	r->host = ck_strdup(cfg->host ? cfg->host : "");
	r->max_tries = cfg->max_tries > 0 ? cfg->max_tries : MAX_TRIES;
	r->retry_sleep_ms = cfg->retry_sleep_ms > 0 ? cfg->retry_sleep_ms : RETRY_SLEEP_MS;
	r->correlator = ck_event_correlator_new();
	ck_queue_init(&r->queue, cfg->max_queued ? cfg->max_queued : MAX_QUEUED);
	ck_cancel_init(&r->stop);
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->idle, &attr);
	pthread_condattr_destroy(&attr);
	int e = pthread_create(&r->thread, NULL, sender, r);
	if (e != 0) {
		ck_queue_release(&r->queue);
		ck_event_correlator_free(r->correlator);
		ck_cancel_release(&r->stop);
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->idle);
		free(r->component);
		free(r->host);
		free(r);
		return -e;
	}
	*ret = r;
	return 0;
}

void ck_event_recorder_free(struct ck_event_recorder *r)
{
	if (!r)
		return;
	ck_cancel_fire(&r->stop);
	ck_queue_close(&r->queue);
	pthread_join(r->thread, NULL);
	ck_queue_release(&r->queue);
	ck_event_correlator_free(r->correlator);
	ck_cancel_release(&r->stop);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->idle);
	free(r->component);
	free(r->host);
	free(r);
}

static void add_opt(json_object *obj, const char *field, const char *value)
{
	if (value && *value)
		set_str(obj, field, value);
}

/* makeEvent (owned). */
static json_object *make_event(struct ck_event_recorder *r, const struct ck_object_reference *ref,
			       json_object *annotations, const char *type, const char *reason,
			       const char *message)
{
	int64_t now = ck_time_now_ns();
	json_object *ev = json_object_new_object();
	set_str(ev, "kind", "Event");
	set_str(ev, "apiVersion", "v1");
	json_object *md = json_object_new_object();
	char name[512];
	event_name(ref->name, now, name, sizeof(name));
	set_str(md, "name", name);
	set_str(md, "namespace", ref->namespace && *ref->namespace ? ref->namespace : "default");
	if (annotations)
		json_object_object_add(md, "annotations", ck_obj_copy(annotations));
	json_object_object_add(ev, "metadata", md);
	json_object *io = json_object_new_object();
	add_opt(io, "kind", ref->kind);
	add_opt(io, "namespace", ref->namespace);
	add_opt(io, "name", ref->name);
	add_opt(io, "uid", ref->uid);
	add_opt(io, "apiVersion", ref->api_version);
	add_opt(io, "resourceVersion", ref->resource_version);
	add_opt(io, "fieldPath", ref->field_path);
	json_object_object_add(ev, "involvedObject", io);
	set_str(ev, "reason", reason);
	set_str(ev, "message", message);
	json_object *src = json_object_new_object();
	add_opt(src, "component", r->component);
	add_opt(src, "host", r->host);
	json_object_object_add(ev, "source", src);
	set_time(ev, "firstTimestamp", now);
	set_time(ev, "lastTimestamp", now);
	json_object_object_add(ev, "count", json_object_new_int(1));
	set_str(ev, "type", type);
	json_object_object_add(ev, "eventTime", NULL);
	add_opt(ev, "reportingComponent", r->component);
	add_opt(ev, "reportingInstance", r->host);
	return ev;
}

static void generate(struct ck_event_recorder *r, const struct ck_object_reference *ref,
		     json_object *annotations, const char *type, const char *reason,
		     const char *fmt, va_list ap)
{
	if (!ck_streq(type, "Normal") && !ck_streq(type, "Warning")) {
		ck_log_v(4, "unsupported event type: '%s'", type ? type : "");
		return;
	}
	struct ck_buf msg;
	ck_buf_init(&msg, 0);
	ck_buf_vaddf(&msg, fmt, ap);
	json_object *ev =
	    make_event(r, ref, annotations, type, reason ? reason : "", ck_buf_str(&msg));
	ck_buf_release(&msg);
	pthread_mutex_lock(&r->lock);
	r->pending++;
	pthread_mutex_unlock(&r->lock);
	if (ck_queue_push(&r->queue, ev) < 0) {
		ck_log_v(4, "event queue full: dropping event '%s'", reason ? reason : "");
		json_object_put(ev);
		done_one(r);
	}
}

void ck_event_recorder_eventf(struct ck_event_recorder *r, const struct ck_object_reference *ref,
			      const char *type, const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	generate(r, ref, NULL, type, reason, fmt, ap);
	va_end(ap);
}

void ck_event_recorder_annotated_eventf(struct ck_event_recorder *r,
					const struct ck_object_reference *ref,
					json_object *annotations, const char *type,
					const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	generate(r, ref, annotations, type, reason, fmt, ap);
	va_end(ap);
}

int ck_event_recorder_flush(struct ck_event_recorder *r, int64_t timeout_ms)
{
	int64_t deadline = ck_time_mono_ns() + timeout_ms * 1000000;
	struct timespec ts = { (time_t)(deadline / 1000000000), (long)(deadline % 1000000000) };
	int ret = 0;
	pthread_mutex_lock(&r->lock);
	while (r->pending > 0) {
		if (pthread_cond_timedwait(&r->idle, &r->lock, &ts) == ETIMEDOUT &&
		    r->pending > 0) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}
