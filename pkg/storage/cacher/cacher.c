/*
 * The watch cache (cacher.h), upstream's k8s.io/apiserver/pkg/storage/cacher
 * (cacher.go, watch_cache.go, cache_watcher.go) on the etcd client.
 *
 * Threads and what they own:
 *  - the etcd watch thread (storage/etcd3 watch.c) runs our hooks: prepare
 *    lists the prefix and swaps the store in (relist), events applies
 *    changes to the store and the ring and queues them for dispatch;
 *  - the dispatch thread activates new watchers (synthetic ADDEDs or replay
 *    from the ring), hands every queued event to every watcher, sends
 *    bookmarks, and restarts the etcd watch when it failed for good;
 *  - a progress thread, started by the first ck_cacher_wait_for, checks
 *    every 100 ms, while someone waits, whether etcd's revision can be
 *    taken as the cache's (see verify_progress);
 *  - callers' threads list, get, register and stop watchers, and wait.
 *
 * Sharing objects: json-c's reference counts are not atomic, so every
 * object the cache keeps is wrapped once in a struct cobj whose own atomic
 * count is what the store and the events share; the json object inside has
 * one json-c reference, dropped when the cobj goes. Events (struct cevent)
 * are counted the same way. Objects are printed with ck_json_write, which
 * only reads them.
 *
 * Lock order: apply_mu -> lock (rwlock) -> mu; dispatch_mu -> lock -> mu.
 * Nothing takes apply_mu or dispatch_mu while holding lock or mu.
 */
#include "storage/cacher/cacher.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apimachinery/status.h"
#include "storage/cacher/ring.h"
#include "storage/etcd3/etcd3.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/json_write.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/skiplist.h"

/* Upstream's storageWatchListPageSize: the page size of the (re)list. */
#define LIST_PAGE_SIZE 10000
/* Events queued for dispatch before the etcd watch thread waits (upstream's
 * incoming channel holds 100; ours only waits on non-blocking callbacks). */
#define INCOMING_MAX 1024
/* Upstream's defaultBookmarkFrequency. */
#define DEFAULT_BOOKMARK_INTERVAL_MS 60000
/* Upstream sends the last bookmark this long before a watch's deadline. */
#define BOOKMARK_BEFORE_DEADLINE_MS 2000
/* Upstream's progress requester ticks every 100 ms while someone waits. */
#define PROGRESS_INTERVAL_MS 100
/* Upstream's reflector loop restarts ListAndWatch after 1 s. */
#define RESTART_INTERVAL_MS 1000

/* An object as the cache shares it: immutable, counted atomically. */
struct cobj {
	atomic_int refs;
	int64_t rv;
	json_object *obj; /* one json-c reference, ours */
};

enum ev_kind {
	EV_ADDED,
	EV_MODIFIED,
	EV_DELETED,
	EV_PROGRESS, /* queue marker: etcd says every event up to rv is in */
	EV_RESET,    /* queue marker: the store was relisted (generation) */
};

/* The three forms an event reaches a watcher in; each encoded at most once. */
enum frame_form {
	FRAME_ADDED,	/* ADDED with the new state */
	FRAME_MODIFIED, /* MODIFIED with the new state */
	FRAME_DELETED,	/* DELETED with the previous state at the event's rv */
	N_FRAMES,
};

struct frame {
	char *data;
	size_t len;
};

/* An event's form in another encoding (ck_watch_event_encoded). */
struct alt_frame {
	ck_watch_encode_fn encode; /* NULL: unused slot */
	struct frame f;
};

/* What a ck_watch_event points at so that other encodings can be kept. */
struct ck_watch_frames {
	struct cevent *e;
	enum frame_form form;
};

struct cevent {
	atomic_int refs;
	enum ev_kind kind;
	int64_t rv;
	uint64_t generation; /* EV_RESET */
	char *key;
	struct cobj *cur;  /* the new state: ADDED, MODIFIED */
	struct cobj *prev; /* the state before (NULL for a creation) */
	/* The DELETED form: the previous state with the event's revision. Set
	 * when queued for EV_DELETED, else made on the dispatch thread when a
	 * watcher needs it. */
	struct cobj *gone;
	struct frame frames[N_FRAMES]; /* dispatch thread only */
	/* Other encodings, [N_FRAMES][CK_CACHER_MAX_ENCODINGS], allocated on
	 * first use (dispatch thread only). */
	struct alt_frame (*alt)[CK_CACHER_MAX_ENCODINGS];
	struct cevent *next; /* incoming queue link, guarded by mu */
};

enum watcher_state {
	W_PENDING, /* registered, not yet activated by the dispatch thread */
	W_ACTIVE,
	W_DONE, /* closed: no callback but closed (once) */
};

struct ck_cacher_watcher {
	struct ck_cacher *c;
	char *key_prefix;
	ck_cacher_filter_fn filter;
	ck_cacher_deliver_fn deliver;
	ck_cacher_closed_fn closed;
	void *ctx;
	/* guarded by dispatch_mu (set before activation by the registrar) */
	int64_t start_rv;    /* from_rv until activated; then nothing at or before it goes out */
	int64_t deadline_ms; /* 0: none */
	int64_t next_bookmark_ms; /* 0: none due */
	uint64_t generation;	  /* the store generation it was activated on */
	size_t idx;		  /* in c->active while W_ACTIVE */
	bool bookmarks;
	/* guarded by mu */
	enum watcher_state state;
	bool closed_called;
	struct ck_cacher_watcher *pending_prev, *pending_next;
};

struct ck_cacher {
	/* One for the owner, one per watcher not yet stopped: the struct
	 * outlives ck_cacher_stop() until the last ck_cacher_watch_stop(). */
	atomic_int refs;
	struct ck_etcd *etcd;
	char *prefix;
	uint8_t *prefix_end;
	size_t prefix_len, prefix_end_len;
	size_t min_history, max_history;
	int64_t history_window_ms;
	int64_t bookmark_interval_ms;

	/* Held by whoever changes the store: the watch thread's hooks, and the
	 * progress check when it moves rev. */
	pthread_mutex_t apply_mu;

	pthread_rwlock_t lock;
	/* guarded by lock (written under apply_mu too) */
	struct ck_skiplist store; /* key -> struct cobj * */
	struct ck_cacher_ring ring;
	uint64_t generation; /* 1 after the first list, +1 per relist */

	/* Held while callbacks run and while the active set changes. */
	pthread_mutex_t dispatch_mu;
	/* guarded by dispatch_mu */
	struct ck_cacher_watcher **active;
	size_t n_active, cap_active;
	bool compact_active; /* some active watchers closed during a pass */
	int64_t last_rv;     /* newest revision dispatched (events, progress) */
	struct ck_buf scratch;

	pthread_mutex_t mu;
	pthread_cond_t cond;	   /* wakes the dispatch thread */
	pthread_cond_t rev_cond;   /* rev moved, ready, start failed */
	pthread_cond_t space_cond; /* room in the incoming queue */
	pthread_cond_t progress_cond;
	/* guarded by mu (rev also by lock: written holding both) */
	int64_t rev;
	int64_t event_rev; /* newest revision of an event or etcd progress queued */
	struct cevent *in_head, *in_tail;
	size_t in_len;
	struct ck_cacher_watcher *pending;
	size_t n_watchers;
	unsigned waiters;
	bool stopping;
	bool ready;
	int watch_error; /* the etcd watch ended with this; restart it */
	int start_error;
	int64_t restart_at_ms;
	bool progress_started;
	pthread_t progress_thread;

	pthread_t dispatch_thread;
	struct ck_etcd_watch *ew; /* the dispatch thread's once started */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline_ts(int64_t at_ms, struct timespec *ts)
{
	ts->tv_sec = at_ms / 1000;
	ts->tv_nsec = (long)(at_ms % 1000) * 1000000L;
}

const char *ck_watch_event_type_name(enum ck_watch_event_type t)
{
	static const char *const names[] = {
		[CK_WATCH_ADDED] = "ADDED",	[CK_WATCH_MODIFIED] = "MODIFIED",
		[CK_WATCH_DELETED] = "DELETED", [CK_WATCH_BOOKMARK] = "BOOKMARK",
		[CK_WATCH_ERROR] = "ERROR",
	};
	if ((size_t)t >= CK_ARRAY_SIZE(names))
		return "";
	return names[t];
}

/* ---- shared objects and events ------------------------------------------- */

/* Wraps obj (its reference is taken over) for keeping, compacted; the caller owns
 * the result. */
static struct cobj *cobj_new(json_object *obj, int64_t rv)
{
	struct cobj *o = ck_malloc(sizeof(*o));
	ck_json_compact(obj);
	atomic_init(&o->refs, 1);
	o->rv = rv;
	o->obj = obj;
	return o;
}

static struct cobj *cobj_ref(struct cobj *o)
{
	if (o)
		atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
	return o;
}

static void cobj_unref(struct cobj *o)
{
	if (o && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1) {
		json_object_put(o->obj);
		free(o);
	}
}

static void cobj_unref_void(void *o)
{
	cobj_unref(o);
}

/* A new event (one reference, the caller's). */
static struct cevent *cevent_new(enum ev_kind kind, int64_t rv)
{
	struct cevent *e = ck_calloc(1, sizeof(*e));
	atomic_init(&e->refs, 1);
	e->kind = kind;
	e->rv = rv;
	return e;
}

static struct cevent *cevent_ref(struct cevent *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
	return e;
}

static void cevent_free_frames(struct cevent *e)
{
	for (size_t i = 0; i < N_FRAMES; i++) {
		ck_free(&e->frames[i].data);
		e->frames[i].len = 0;
		for (size_t j = 0; e->alt && j < CK_CACHER_MAX_ENCODINGS; j++)
			free(e->alt[i][j].f.data);
	}
	ck_free(&e->alt);
}

static void cevent_unref(struct cevent *e)
{
	if (!e || atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) != 1)
		return;
	cobj_unref(e->cur);
	cobj_unref(e->prev);
	cobj_unref(e->gone);
	cevent_free_frames(e);
	free(e->key);
	free(e);
}

static void cevent_unref_void(void *e)
{
	cevent_unref(e);
}

/*
 * Parses a stored value into an object with resourceVersion rv (owned by
 * the caller). -EINVAL when it is not a JSON object.
 */
static int decode(const ProtobufCBinaryData *value, int64_t rv, json_object **ret)
{
	json_tokener *tok = ck_json_tokener_get(0);
	json_object *obj = NULL;
	int r = -EINVAL;

	if (value->len > INT32_MAX)
		goto out;
	obj = json_tokener_parse_ex(tok, (const char *)value->data, (int)value->len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object) ||
	    ck_storage_object_set_resource_version(obj, rv) < 0)
		goto out;
	*ret = obj;
	obj = NULL;
	r = 0;
out:
	if (obj)
		json_object_put(obj);
	ck_json_tokener_put(tok);
	return r;
}

/* A copy of o's object with resourceVersion rv, wrapped (owned by the caller). */
static struct cobj *cobj_with_rv(const struct cobj *o, int64_t rv)
{
	json_object *copy = NULL;
	if (json_object_deep_copy(o->obj, &copy, NULL) != 0 || !copy)
		return NULL;
	if (ck_storage_object_set_resource_version(copy, rv) < 0) {
		json_object_put(copy);
		return NULL;
	}
	return cobj_new(copy, rv);
}

/* A key from etcd as a C string (owned), NULL when it holds a NUL byte. */
static char *key_string(const ProtobufCBinaryData *key)
{
	if (memchr(key->data, '\0', key->len))
		return NULL;
	return ck_strndup((const char *)key->data, key->len);
}

/* Upstream's hasPathPrefix: prefix matches whole path segments. */
static bool has_path_prefix(const char *key, const char *prefix, size_t prefix_len)
{
	if (strncmp(key, prefix, prefix_len) != 0)
		return false;
	return key[prefix_len] == '\0' || (prefix_len > 0 && prefix[prefix_len - 1] == '/') ||
	       key[prefix_len] == '/';
}

/* ---- the incoming queue (mu) ----------------------------------------------- */

static void enqueue_locked(struct ck_cacher *c, struct cevent *e)
{
	e->next = NULL;
	if (c->in_tail)
		c->in_tail->next = e;
	else
		c->in_head = e;
	c->in_tail = e;
	c->in_len++;
}

/* Records progress to rv for the dispatcher, folding it into a queued marker. */
static void enqueue_progress_locked(struct ck_cacher *c, int64_t rv)
{
	if (c->in_tail && c->in_tail->kind == EV_PROGRESS) {
		if (rv > c->in_tail->rv)
			c->in_tail->rv = rv;
		return;
	}
	enqueue_locked(c, cevent_new(EV_PROGRESS, rv));
}

static void set_rev_locked(struct ck_cacher *c, int64_t rv)
{
	c->rev = rv;
	pthread_cond_broadcast(&c->rev_cond);
	pthread_cond_signal(&c->cond);
}

/* ---- the etcd side: list, apply --------------------------------------------- */

/*
 * Lists the whole prefix at one revision, in pages, into a fresh store
 * (owned by the caller; values are struct cobj *). Undecodable values are
 * skipped (logged at -v 4).
 */
static int list_prefix(struct ck_cacher *c, struct ck_skiplist *store, int64_t *ret_rv,
		       struct ck_etcd_err *err)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	uint8_t *next_key = NULL;
	int64_t rv = 0;
	int r = 0;

	req.key.data = (uint8_t *)c->prefix;
	req.key.len = c->prefix_len;
	req.range_end.data = c->prefix_end;
	req.range_end.len = c->prefix_end_len;
	req.limit = LIST_PAGE_SIZE;
	for (;;) {
		pthread_mutex_lock(&c->mu);
		bool stopping = c->stopping;
		pthread_mutex_unlock(&c->mu);
		if (stopping) {
			r = -ECANCELED;
			break;
		}
		req.revision = rv;
		if ((r = ck_etcd_range(c->etcd, &req, &resp, err)) < 0)
			break;
		if (rv == 0)
			rv = resp->header ? resp->header->revision : 0;
		for (size_t i = 0; i < resp->n_kvs; i++) {
			const Mvccpb__KeyValue *kv = resp->kvs[i];
			json_object *obj = NULL;
			char *key = key_string(&kv->key);
			if (!key || decode(&kv->value, kv->mod_revision, &obj) < 0) {
				ck_log_v(4,
					 "watch cache '%s': skipping undecodable object at '%.*s'",
					 c->prefix, (int)kv->key.len, (const char *)kv->key.data);
				free(key);
				continue;
			}
			cobj_unref(ck_skiplist_put(store, key, cobj_new(obj, kv->mod_revision)));
			free(key);
		}
		if (!resp->more || resp->n_kvs == 0) {
			ck_etcd_response_free(resp);
			resp = NULL;
			break;
		}
		/* the next page starts just after the last key */
		const ProtobufCBinaryData *last = &resp->kvs[resp->n_kvs - 1]->key;
		free(next_key);
		next_key = ck_malloc(last->len + 1);
		memcpy(next_key, last->data, last->len);
		next_key[last->len] = '\0';
		req.key.data = next_key;
		req.key.len = last->len + 1;
		ck_etcd_response_free(resp);
		resp = NULL;
	}
	free(next_key);
	if (r == 0)
		*ret_rv = rv;
	return r;
}

/* The prepare hook: (re)lists, swaps the store in, and watches from after it. */
static int on_prepare(void *arg, int64_t *start_revision, struct ck_etcd_err *err)
{
	struct ck_cacher *c = arg;
	struct ck_skiplist fresh;
	int64_t rv = 0;
	bool first;
	int r;

	ck_skiplist_init(&fresh, cobj_unref_void);
	if ((r = list_prefix(c, &fresh, &rv, err)) < 0) {
		ck_skiplist_release(&fresh);
		return r;
	}
	pthread_mutex_lock(&c->apply_mu);
	pthread_rwlock_wrlock(&c->lock);
	struct ck_skiplist old = c->store;
	c->store = fresh;
	ck_cacher_ring_reset(&c->ring, rv);
	c->generation++;
	first = c->generation == 1;
	pthread_mutex_lock(&c->mu);
	if (!first) {
		struct cevent *reset = cevent_new(EV_RESET, rv);
		reset->generation = c->generation;
		enqueue_locked(c, reset);
	}
	c->ready = true;
	c->event_rev = rv;
	set_rev_locked(c, rv);
	pthread_mutex_unlock(&c->mu);
	pthread_rwlock_unlock(&c->lock);
	pthread_mutex_unlock(&c->apply_mu);
	ck_skiplist_release(&old);
	ck_log_v(4, "watch cache '%s': %s at revision %" PRId64 " (%zu objects)", c->prefix,
		 first ? "listed" : "relisted", rv, ck_skiplist_count(&fresh));
	*start_revision = rv + 1;
	return 0;
}

/* One etcd event, decoded before the store is locked. */
struct decoded {
	enum ev_kind kind;
	int64_t rv;
	char *key;
	struct cobj *cur;  /* PUT */
	struct cobj *gone; /* DELETE, from prev_kv */
};

static bool decode_event(struct ck_cacher *c, const Mvccpb__Event *ev, struct decoded *d)
{
	const Mvccpb__KeyValue *kv = ev->kv;
	json_object *obj = NULL;

	memset(d, 0, sizeof(*d));
	if (!kv)
		return false;
	d->rv = kv->mod_revision;
	if (!(d->key = key_string(&kv->key)))
		goto bad;
	if (ev->type == MVCCPB__EVENT__EVENT_TYPE__DELETE) {
		d->kind = EV_DELETED;
		if (ev->prev_kv && decode(&ev->prev_kv->value, d->rv, &obj) == 0)
			d->gone = cobj_new(obj, d->rv);
		return true;
	}
	d->kind = kv->create_revision == kv->mod_revision ? EV_ADDED : EV_MODIFIED;
	if (decode(&kv->value, d->rv, &obj) < 0)
		goto bad;
	d->cur = cobj_new(obj, d->rv);
	return true;
bad:
	ck_log_v(4, "watch cache '%s': skipping undecodable event at '%.*s' (revision %" PRId64 ")",
		 c->prefix, (int)kv->key.len, (const char *)kv->key.data, d->rv);
	free(d->key);
	d->key = NULL;
	return false;
}

/*
 * Applies one decoded event to the store (lock held for writing) and
 * returns the event (one reference, the caller's), or NULL when there is
 * nothing to tell (a delete of an object neither the cache nor etcd's
 * prev_kv knows). Takes over d's references.
 */
static struct cevent *apply_locked(struct ck_cacher *c, struct decoded *d)
{
	struct cevent *e;

	if (d->kind == EV_DELETED) {
		struct cobj *prev = ck_skiplist_remove(&c->store, d->key);
		if (!d->gone && prev)
			d->gone = cobj_with_rv(prev, d->rv);
		if (!d->gone) {
			cobj_unref(prev);
			free(d->key);
			return NULL;
		}
		e = cevent_new(EV_DELETED, d->rv);
		e->prev = prev ? prev : cobj_ref(d->gone);
		e->gone = d->gone;
	} else {
		e = cevent_new(d->kind, d->rv);
		e->prev = ck_skiplist_put(&c->store, d->key, cobj_ref(d->cur));
		e->cur = d->cur;
	}
	e->key = d->key;
	return e;
}

/* The events hook: changes and progress notifications, in revision order. */
static int on_events(void *arg, const Etcdserverpb__WatchResponse *resp, struct ck_etcd_err *err)
{
	struct ck_cacher *c = arg;
	struct decoded *ds = NULL;
	size_t n = 0;
	int64_t t = now_ms();

	(void)err;
	if (resp->n_events == 0) {
		/* Progress. Only the periodic notifications for our own watch
		 * (watch_id >= 0) are ordered after the events they cover; etcd
		 * before 3.4.31/3.5.13 answers a progress request (watch_id -1)
		 * with its revision even while events are still on the way. */
		if (!resp->header || resp->watch_id < 0)
			return 0;
		pthread_mutex_lock(&c->apply_mu);
		pthread_rwlock_wrlock(&c->lock);
		pthread_mutex_lock(&c->mu);
		if (resp->header->revision > c->event_rev) {
			c->event_rev = resp->header->revision;
			enqueue_progress_locked(c, resp->header->revision);
			pthread_cond_signal(&c->cond);
		}
		if (resp->header->revision > c->rev)
			set_rev_locked(c, resp->header->revision);
		pthread_mutex_unlock(&c->mu);
		pthread_rwlock_unlock(&c->lock);
		pthread_mutex_unlock(&c->apply_mu);
		return 0;
	}

	ds = ck_calloc(resp->n_events, sizeof(*ds));
	for (size_t i = 0; i < resp->n_events; i++)
		if (decode_event(c, resp->events[i], &ds[n]))
			n++;

	/* wait for room in the dispatch queue (the dispatcher never blocks long) */
	pthread_mutex_lock(&c->mu);
	while (c->in_len >= INCOMING_MAX && !c->stopping)
		pthread_cond_wait(&c->space_cond, &c->mu);
	bool stopping = c->stopping;
	pthread_mutex_unlock(&c->mu);
	if (stopping) {
		for (size_t i = 0; i < n; i++) {
			free(ds[i].key);
			cobj_unref(ds[i].cur);
			cobj_unref(ds[i].gone);
		}
		free(ds);
		return -ECANCELED;
	}

	pthread_mutex_lock(&c->apply_mu);
	pthread_rwlock_wrlock(&c->lock);
	struct cevent *head = NULL, *tail = NULL;
	int64_t newest = 0;
	size_t queued = 0;
	for (size_t i = 0; i < resp->n_events; i++) {
		const Mvccpb__KeyValue *kv = resp->events[i]->kv;
		if (kv && kv->mod_revision > newest)
			newest = kv->mod_revision;
	}
	for (size_t i = 0; i < n; i++) {
		struct cevent *e = apply_locked(c, &ds[i]);
		if (!e)
			continue;
		ck_cacher_ring_push(&c->ring, cevent_ref(e), e->rv, t);
		if (tail)
			tail->next = e;
		else
			head = e;
		tail = e;
		queued++;
	}
	pthread_mutex_lock(&c->mu);
	if (head) {
		if (c->in_tail)
			c->in_tail->next = head;
		else
			c->in_head = head;
		c->in_tail = tail;
		c->in_len += queued;
	}
	if (newest > c->event_rev) {
		c->event_rev = newest;
		if (!head || tail->rv < newest) /* skipped events still move the revision */
			enqueue_progress_locked(c, newest);
	}
	if (newest > c->rev)
		set_rev_locked(c, newest);
	else if (head)
		pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->mu);
	pthread_rwlock_unlock(&c->lock);
	pthread_mutex_unlock(&c->apply_mu);
	free(ds);
	return 0;
}

/* The error hook: the watch ended on its own; the dispatcher restarts it. */
static void on_error(void *arg, int code, const char *message)
{
	struct ck_cacher *c = arg;

	ck_log_v(4, "watch cache '%s': etcd watch ended: %s", c->prefix, message);
	pthread_mutex_lock(&c->mu);
	if (!c->ready)
		c->start_error = code < 0 ? code : -EIO;
	c->watch_error = code < 0 ? code : -EIO;
	pthread_cond_broadcast(&c->rev_cond);
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

/* Starts the etcd watch into *ret_watch (NULL on failure, or when there was
 * nothing to start it with). */
static int start_etcd_watch(struct ck_cacher *c, struct ck_etcd_watch **ret_watch)
{
	struct ck_etcd_watch_options wo = { 0 };
	struct ck_etcd_watch_handler h = { on_prepare, on_events, on_error, c };
	struct ck_etcd_err err = { 0, "" };

	wo.key = c->prefix;
	wo.key_len = c->prefix_len;
	wo.range_end = c->prefix_end;
	wo.range_end_len = c->prefix_end_len;
	wo.prev_kv = true;
	wo.progress_notify = true;
	int r = ck_etcd_watch_start(c->etcd, &wo, &h, ret_watch, &err);
	if (r < 0) {
		*ret_watch = NULL;
		ck_log_v(4, "watch cache '%s': %s", c->prefix, err.message);
	}
	return r;
}

/* ---- progress ---------------------------------------------------------------- */

/*
 * Whether etcd's current revision can be taken as the cache's: a Range of
 * the prefix at the latest revision R for the keys changed after the
 * cache's revision C (keys only). None, and as many keys as the cache
 * holds, means the state at R is the cache's state at C (every key at R
 * existed unchanged at C, and no key went), so a list at R is the cache's
 * list; if no event was applied meanwhile, the cache moves to R. Events in
 * (C, R] that cancel out (a key made and removed) may still arrive; they
 * are applied in order and change nothing a list at R shows.
 *
 * This is what upstream gets from etcd's progress requests, which etcd
 * before 3.4.31/3.5.13 answers out of order with the events, and which
 * upstream does not use there.
 */
static void verify_progress(struct ck_cacher *c)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	int64_t rev;
	uint64_t seq, generation;
	size_t count;

	pthread_rwlock_rdlock(&c->lock);
	pthread_mutex_lock(&c->mu);
	rev = c->rev;
	pthread_mutex_unlock(&c->mu);
	seq = c->ring.end;
	generation = c->generation;
	count = ck_skiplist_count(&c->store);
	pthread_rwlock_unlock(&c->lock);

	req.key.data = (uint8_t *)c->prefix;
	req.key.len = c->prefix_len;
	req.range_end.data = c->prefix_end;
	req.range_end.len = c->prefix_end_len;
	req.keys_only = true;
	req.min_mod_revision = rev + 1;
	if (ck_etcd_range(c->etcd, &req, &resp, &err) < 0) {
		ck_log_v(4, "watch cache '%s': progress check: %s", c->prefix, err.message);
		return;
	}
	if (resp->header && resp->header->revision > rev && resp->n_kvs == 0 &&
	    resp->count == (int64_t)count) {
		pthread_mutex_lock(&c->apply_mu);
		pthread_rwlock_wrlock(&c->lock);
		pthread_mutex_lock(&c->mu);
		if (c->ring.end == seq && c->generation == generation && c->rev == rev)
			set_rev_locked(c, resp->header->revision);
		pthread_mutex_unlock(&c->mu);
		pthread_rwlock_unlock(&c->lock);
		pthread_mutex_unlock(&c->apply_mu);
	}
	ck_etcd_response_free(resp);
}

static void *progress_main(void *arg)
{
	struct ck_cacher *c = arg;

	pthread_mutex_lock(&c->mu);
	while (!c->stopping) {
		if (c->waiters == 0) {
			pthread_cond_wait(&c->progress_cond, &c->mu);
			continue;
		}
		pthread_mutex_unlock(&c->mu);
		verify_progress(c);
		pthread_mutex_lock(&c->mu);
		struct timespec ts;
		deadline_ts(now_ms() + PROGRESS_INTERVAL_MS, &ts);
		while (!c->stopping && c->waiters > 0 &&
		       pthread_cond_timedwait(&c->progress_cond, &c->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* ---- watchers: delivery (dispatch_mu held) ------------------------------------ */

static void active_add(struct ck_cacher *c, struct ck_cacher_watcher *w)
{
	if (c->n_active == c->cap_active) {
		c->cap_active = c->cap_active ? c->cap_active * 2 : 16;
		c->active = ck_realloc(c->active, c->cap_active * sizeof(*c->active));
	}
	w->idx = c->n_active;
	c->active[c->n_active++] = w;
}

static void active_remove(struct ck_cacher *c, struct ck_cacher_watcher *w)
{
	CK_BUG_ON(w->idx >= c->n_active || c->active[w->idx] != w);
	c->active[w->idx] = c->active[--c->n_active];
	c->active[w->idx]->idx = w->idx;
}

/* Drops the watchers closed during a pass from the active set. */
static void active_compact(struct ck_cacher *c)
{
	size_t n = 0;
	if (!c->compact_active)
		return;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n_active; i++) {
		struct ck_cacher_watcher *w = c->active[i];
		if (w->state == W_DONE)
			continue;
		w->idx = n;
		c->active[n++] = w;
	}
	pthread_mutex_unlock(&c->mu);
	c->n_active = n;
	c->compact_active = false;
}

/*
 * Closes w: no more callbacks but closed, called now (once). The caller
 * takes it out of the active set (or never put it there).
 */
static void close_watcher(struct ck_cacher *c, struct ck_cacher_watcher *w)
{
	bool call;
	pthread_mutex_lock(&c->mu);
	if (w->state == W_DONE) {
		pthread_mutex_unlock(&c->mu);
		return;
	}
	w->state = W_DONE;
	c->n_watchers--;
	call = !w->closed_called;
	w->closed_called = true;
	pthread_mutex_unlock(&c->mu);
	if (call && w->closed)
		w->closed(w->ctx);
}

/* Appends {"type":"<type>","object":<obj>}\n to b. */
static int encode_frame(struct ck_buf *b, enum ck_watch_event_type type, json_object *obj)
{
	int r = ck_buf_adds(b, "{\"type\":\"");
	if (r == 0)
		r = ck_buf_adds(b, ck_watch_event_type_name(type));
	if (r == 0)
		r = ck_buf_adds(b, "\",\"object\":");
	if (r == 0)
		r = ck_json_write(b, obj);
	if (r == 0)
		r = ck_buf_adds(b, "}\n");
	return r;
}

/* Calls deliver; closes the watcher when it asks. Returns false then. */
static bool deliver(struct ck_cacher *c, struct ck_cacher_watcher *w,
		    const struct ck_watch_event *ev)
{
	if (w->deliver(w->ctx, ev) >= 0)
		return true;
	close_watcher(c, w);
	return false;
}

/* The frame of an event in one of its forms, encoded on first use. */
static const struct frame *event_frame(struct ck_cacher *c, struct cevent *e, enum frame_form form)
{
	static const enum ck_watch_event_type types[N_FRAMES] = {
		[FRAME_ADDED] = CK_WATCH_ADDED,
		[FRAME_MODIFIED] = CK_WATCH_MODIFIED,
		[FRAME_DELETED] = CK_WATCH_DELETED,
	};
	struct frame *f = &e->frames[form];

	if (!f->data) {
		json_object *obj = form == FRAME_DELETED ? e->gone->obj : e->cur->obj;
		ck_buf_reset(&c->scratch);
		if (encode_frame(&c->scratch, types[form], obj) < 0)
			return NULL;
		f->data = ck_malloc(c->scratch.len + 1);
		memcpy(f->data, c->scratch.data, c->scratch.len + 1);
		f->len = c->scratch.len;
	}
	return f;
}

int ck_watch_event_encoded(const struct ck_watch_event *ev, ck_watch_encode_fn encode,
			   struct ck_buf *scratch, const char **ret, size_t *ret_len)
{
	struct alt_frame *slot = NULL;
	int r;

	if (ev->frames) {
		struct cevent *e = ev->frames->e;
		if (!e->alt)
			e->alt = ck_calloc(N_FRAMES, sizeof(*e->alt));
		for (size_t j = 0; j < CK_CACHER_MAX_ENCODINGS && !slot; j++) {
			struct alt_frame *a = &e->alt[ev->frames->form][j];
			if (a->encode == encode) {
				*ret = a->f.data;
				*ret_len = a->f.len;
				return 0;
			}
			if (!a->encode)
				slot = a;
		}
	}
	ck_buf_reset(scratch);
	if ((r = encode(ev, scratch)) < 0)
		return r;
	if (!slot) {
		*ret = scratch->data;
		*ret_len = scratch->len;
		return 0;
	}
	slot->encode = encode;
	slot->f.data = ck_buf_detach(scratch, &slot->f.len);
	*ret = slot->f.data;
	*ret_len = slot->f.len;
	return 0;
}

static bool passes(struct ck_cacher_watcher *w, const struct cobj *o)
{
	return o && (!w->filter || w->filter(w->ctx, o->obj));
}

/*
 * Hands one change to a watcher, as upstream's cacheWatcher converts it:
 * only keys under its prefix; ADDED when the new state passes and the old
 * did not, MODIFIED when both pass, DELETED (the old state at the change's
 * revision) when only the old passes. Returns false when the watcher closed.
 */
static bool deliver_event(struct ck_cacher *c, struct ck_cacher_watcher *w, struct cevent *e)
{
	struct ck_watch_event ev = { 0 };
	enum frame_form form;

	if (!has_path_prefix(e->key, w->key_prefix, strlen(w->key_prefix)))
		return true;
	bool cur_passes = e->kind != EV_DELETED && passes(w, e->cur);
	bool old_passes = passes(w, e->prev);
	if (cur_passes && !old_passes) {
		ev.type = CK_WATCH_ADDED;
		form = FRAME_ADDED;
	} else if (cur_passes) {
		ev.type = CK_WATCH_MODIFIED;
		form = FRAME_MODIFIED;
	} else if (old_passes) {
		ev.type = CK_WATCH_DELETED;
		form = FRAME_DELETED;
		if (!e->gone && !(e->gone = cobj_with_rv(e->prev, e->rv)))
			return true;
	} else {
		return true;
	}
	const struct frame *f = event_frame(c, e, form);
	const struct ck_watch_frames frames = { e, form };
	ev.object = form == FRAME_DELETED ? e->gone->obj : e->cur->obj;
	ev.rv = e->rv;
	ev.encoded = f ? f->data : NULL;
	ev.encoded_len = f ? f->len : 0;
	ev.frames = &frames;
	return deliver(c, w, &ev);
}

/* The one ERROR event of a watch from too old a revision, then closed. */
static void deliver_expired(struct ck_cacher *c, struct ck_cacher_watcher *w, int64_t from_rv,
			    int64_t oldest)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "too old resource version: %" PRId64 " (%" PRId64 ")", from_rv,
		 oldest);
	json_object *status = ck_status_new_resource_expired(msg);
	struct ck_watch_event ev = { CK_WATCH_ERROR, status, 0, NULL, 0, NULL };
	ck_buf_reset(&c->scratch);
	if (encode_frame(&c->scratch, CK_WATCH_ERROR, status) == 0) {
		ev.encoded = c->scratch.data;
		ev.encoded_len = c->scratch.len;
	}
	w->deliver(w->ctx, &ev);
	json_object_put(status);
	close_watcher(c, w);
}

/* The next bookmark time from now (upstream nextBookmarkTime); 0: none. */
static int64_t next_bookmark(const struct ck_cacher *c, const struct ck_cacher_watcher *w,
			     int64_t now)
{
	int64_t next = now + c->bookmark_interval_ms;
	if (!w->bookmarks)
		return 0;
	if (w->deadline_ms) {
		int64_t before = w->deadline_ms - BOOKMARK_BEFORE_DEADLINE_MS;
		if (before < next)
			next = before;
		if (next <= now)
			return 0;
	}
	return next;
}

/*
 * Activates a new watcher (upstream's Watch + processInterval): the
 * synthetic ADDEDs of the current state (from_rv 0) or the replay of the
 * ring after from_rv, then it joins the active set. Events the dispatcher
 * has yet to hand out and that the state or replay already covers are
 * skipped later through start_rv.
 */
static void activate(struct ck_cacher *c, struct ck_cacher_watcher *w)
{
	size_t plen = strlen(w->key_prefix);
	int64_t from_rv = w->start_rv, rev, oldest = 0;
	void **items = NULL;
	size_t n = 0, cap = 0;
	uint64_t seq = 0;
	int r = 0;

	pthread_rwlock_rdlock(&c->lock);
	pthread_mutex_lock(&c->mu);
	rev = c->rev;
	pthread_mutex_unlock(&c->mu);
	w->generation = c->generation;
	if (from_rv == 0) {
		for (struct ck_skiplist_node *nd = ck_skiplist_seek(&c->store, w->key_prefix);
		     nd && strncmp(nd->key, w->key_prefix, plen) == 0; nd = ck_skiplist_next(nd)) {
			if (!has_path_prefix(nd->key, w->key_prefix, plen))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				items = ck_realloc(items, cap * sizeof(*items));
			}
			items[n++] = cobj_ref(nd->value);
		}
	} else if ((r = ck_cacher_ring_since(&c->ring, from_rv, &seq, &oldest)) == 0) {
		n = (size_t)(c->ring.end - seq);
		items = n ? ck_malloc(n * sizeof(*items)) : NULL;
		for (size_t i = 0; i < n; i++)
			items[i] = cevent_ref(ck_cacher_ring_at(&c->ring, seq + i)->item);
	}
	pthread_rwlock_unlock(&c->lock);

	bool open = true;
	if (r < 0) {
		deliver_expired(c, w, from_rv, oldest);
		open = false;
	} else if (from_rv == 0) {
		for (size_t i = 0; i < n && open; i++) {
			struct cobj *o = items[i];
			if (!passes(w, o))
				continue;
			struct ck_watch_event ev = { CK_WATCH_ADDED, o->obj, o->rv, NULL, 0, NULL };
			ck_buf_reset(&c->scratch);
			if (encode_frame(&c->scratch, CK_WATCH_ADDED, o->obj) == 0) {
				ev.encoded = c->scratch.data;
				ev.encoded_len = c->scratch.len;
			}
			open = deliver(c, w, &ev);
		}
	} else {
		for (size_t i = 0; i < n && open; i++)
			open = deliver_event(c, w, items[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (from_rv == 0)
			cobj_unref(items[i]);
		else
			cevent_unref(items[i]);
	}
	free(items);
	if (!open)
		return;
	w->start_rv = from_rv > rev ? from_rv : rev;
	w->next_bookmark_ms = next_bookmark(c, w, now_ms());
	pthread_mutex_lock(&c->mu);
	bool live = w->state == W_PENDING;
	if (live)
		w->state = W_ACTIVE;
	pthread_mutex_unlock(&c->mu);
	if (live)
		active_add(c, w);
}

/* Hands a queued event or marker to every active watcher. */
static void dispatch(struct ck_cacher *c, struct cevent *e)
{
	switch (e->kind) {
	case EV_PROGRESS:
		break;
	case EV_RESET:
		/* upstream terminates every watcher when it re-initialises */
		for (size_t i = 0; i < c->n_active; i++) {
			struct ck_cacher_watcher *w = c->active[i];
			if (w->generation < e->generation) {
				close_watcher(c, w);
				c->compact_active = true;
			}
		}
		break;
	default:
		for (size_t i = 0; i < c->n_active; i++) {
			struct ck_cacher_watcher *w = c->active[i];
			if (e->rv <= w->start_rv || w->state == W_DONE)
				continue;
			if (!deliver_event(c, w, e))
				c->compact_active = true;
		}
		/* as upstream, the encodings live for the dispatch only */
		cevent_free_frames(e);
		break;
	}
	if (e->rv > c->last_rv)
		c->last_rv = e->rv;
	active_compact(c);
}

/* Bookmarks to the watchers whose time has come (upstream dispatchEvents' timer). */
static void send_bookmarks(struct ck_cacher *c, int64_t now)
{
	for (size_t i = 0; i < c->n_active; i++) {
		struct ck_cacher_watcher *w = c->active[i];
		if (!w->next_bookmark_ms || now < w->next_bookmark_ms || w->state == W_DONE)
			continue;
		if (c->last_rv > w->start_rv) {
			struct ck_watch_event ev = {
				CK_WATCH_BOOKMARK, NULL, c->last_rv, NULL, 0, NULL
			};
			if (!deliver(c, w, &ev)) {
				c->compact_active = true;
				continue;
			}
		}
		w->next_bookmark_ms = next_bookmark(c, w, now);
	}
	active_compact(c);
}

static int64_t bookmark_tick_ms(const struct ck_cacher *c)
{
	int64_t tick = c->bookmark_interval_ms / 4;
	if (tick > 1000)
		tick = 1000; /* upstream's timer: about every second */
	if (tick < 5)
		tick = 5;
	return tick;
}

static void *dispatch_main(void *arg)
{
	struct ck_cacher *c = arg;
	int64_t next_tick = now_ms() + bookmark_tick_ms(c);

	pthread_mutex_lock(&c->mu);
	while (!c->stopping) {
		int64_t now = now_ms();
		if (c->pending) {
			/* taken under dispatch_mu, so that no ck_cacher_watch_stop()
			 * runs until they are activated (or closed) */
			pthread_mutex_unlock(&c->mu);
			pthread_mutex_lock(&c->dispatch_mu);
			pthread_mutex_lock(&c->mu);
			struct ck_cacher_watcher *list = c->pending;
			c->pending = NULL;
			pthread_mutex_unlock(&c->mu);
			for (struct ck_cacher_watcher *w = list, *next; w; w = next) {
				next = w->pending_next;
				w->pending_prev = w->pending_next = NULL;
				activate(c, w);
			}
			pthread_mutex_unlock(&c->dispatch_mu);
			pthread_mutex_lock(&c->mu);
			continue;
		}
		if (c->in_head) {
			struct cevent *e = c->in_head;
			c->in_head = e->next;
			if (!c->in_head)
				c->in_tail = NULL;
			c->in_len--;
			e->next = NULL;
			pthread_cond_signal(&c->space_cond);
			pthread_mutex_unlock(&c->mu);
			pthread_mutex_lock(&c->dispatch_mu);
			dispatch(c, e);
			pthread_mutex_unlock(&c->dispatch_mu);
			cevent_unref(e);
			pthread_mutex_lock(&c->mu);
			continue;
		}
		if (c->watch_error && c->ready && c->ew && now >= c->restart_at_ms) {
			/* The etcd watch ended for good (what it delivered is
			 * dispatched): as upstream's re-initialisation, terminate
			 * every watcher, then relist and watch again. */
			struct ck_etcd_watch *old = c->ew, *fresh = NULL;
			c->ew = NULL;
			c->watch_error = 0;
			c->restart_at_ms = now + RESTART_INTERVAL_MS;
			pthread_mutex_unlock(&c->mu);
			pthread_mutex_lock(&c->dispatch_mu);
			for (size_t i = 0; i < c->n_active; i++)
				close_watcher(c, c->active[i]);
			c->compact_active = c->n_active > 0;
			active_compact(c);
			pthread_mutex_unlock(&c->dispatch_mu);
			ck_etcd_watch_stop(old);
			int r = start_etcd_watch(c, &fresh);
			pthread_mutex_lock(&c->mu);
			c->ew = fresh;
			if (r < 0)
				c->watch_error = r;
			continue;
		}
		if (now >= next_tick) {
			next_tick = now + bookmark_tick_ms(c);
			if (c->n_watchers > 0) {
				pthread_mutex_unlock(&c->mu);
				pthread_mutex_lock(&c->dispatch_mu);
				send_bookmarks(c, now);
				pthread_mutex_unlock(&c->dispatch_mu);
				pthread_mutex_lock(&c->mu);
			}
			continue;
		}
		int64_t wake = next_tick;
		if (c->watch_error && c->ready && c->ew && c->restart_at_ms < wake)
			wake = c->restart_at_ms;
		struct timespec ts;
		deadline_ts(wake, &ts);
		pthread_cond_timedwait(&c->cond, &c->mu, &ts);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void cacher_unref(struct ck_cacher *c)
{
	if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_cond_destroy(&c->progress_cond);
	pthread_cond_destroy(&c->space_cond);
	pthread_cond_destroy(&c->rev_cond);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->dispatch_mu);
	pthread_rwlock_destroy(&c->lock);
	pthread_mutex_destroy(&c->apply_mu);
	ck_buf_release(&c->scratch);
	free(c->active);
	free(c->prefix_end);
	free(c->prefix);
	free(c);
}

static void init_cond(pthread_cond_t *cond)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

int ck_cacher_start(const struct ck_cacher_config *cfg, struct ck_cacher **ret)
{
	struct ck_cacher *c;
	int r;

	if (!cfg || !cfg->etcd || !cfg->prefix || !*cfg->prefix ||
	    cfg->prefix[strlen(cfg->prefix) - 1] != '/')
		return -EINVAL;
	c = ck_calloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->etcd = cfg->etcd;
	c->prefix = ck_strdup(cfg->prefix);
	c->prefix_len = strlen(c->prefix);
	c->prefix_end = ck_malloc(c->prefix_len + 1);
	c->prefix_end_len = ck_etcd_prefix_end(c->prefix, c->prefix_len, c->prefix_end);
	c->min_history = cfg->min_history;
	c->max_history = cfg->max_history;
	c->history_window_ms = cfg->history_window_ms;
	c->bookmark_interval_ms = cfg->bookmark_interval_ms > 0 ? cfg->bookmark_interval_ms
								: DEFAULT_BOOKMARK_INTERVAL_MS;
	pthread_mutex_init(&c->apply_mu, NULL);
	pthread_rwlock_init(&c->lock, NULL);
	pthread_mutex_init(&c->dispatch_mu, NULL);
	pthread_mutex_init(&c->mu, NULL);
	init_cond(&c->cond);
	init_cond(&c->rev_cond);
	init_cond(&c->space_cond);
	init_cond(&c->progress_cond);
	ck_skiplist_init(&c->store, cobj_unref_void);
	ck_cacher_ring_init(&c->ring, c->min_history, c->max_history, c->history_window_ms,
			    cevent_unref_void);
	ck_buf_init(&c->scratch, CK_MAX_BUF);

	if ((r = pthread_create(&c->dispatch_thread, NULL, dispatch_main, c)) != 0) {
		ck_skiplist_release(&c->store);
		ck_cacher_ring_release(&c->ring);
		cacher_unref(c);
		return -r;
	}
	struct ck_etcd_watch *ew = NULL;
	if ((r = start_etcd_watch(c, &ew)) < 0) {
		ck_cacher_stop(c);
		return r;
	}
	pthread_mutex_lock(&c->mu);
	c->ew = ew;
	while (!c->ready && !c->start_error)
		pthread_cond_wait(&c->rev_cond, &c->mu);
	r = c->ready ? 0 : c->start_error;
	pthread_mutex_unlock(&c->mu);
	if (r < 0) {
		ck_cacher_stop(c);
		return r;
	}
	*ret = c;
	return 0;
}

void ck_cacher_stop(struct ck_cacher *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stopping = true;
	pthread_cond_broadcast(&c->cond);
	pthread_cond_broadcast(&c->rev_cond);
	pthread_cond_broadcast(&c->space_cond);
	pthread_cond_broadcast(&c->progress_cond);
	bool progress = c->progress_started;
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->dispatch_thread, NULL);
	if (progress)
		pthread_join(c->progress_thread, NULL);
	pthread_mutex_lock(&c->mu);
	struct ck_etcd_watch *ew = c->ew;
	c->ew = NULL;
	pthread_mutex_unlock(&c->mu);
	ck_etcd_watch_stop(ew);

	/* every watcher is done; their owners still stop them */
	pthread_mutex_lock(&c->dispatch_mu);
	pthread_mutex_lock(&c->mu);
	struct ck_cacher_watcher *list = c->pending;
	c->pending = NULL;
	for (struct ck_cacher_watcher *w = list; w; w = w->pending_next)
		w->pending_prev = NULL;
	pthread_mutex_unlock(&c->mu);
	for (struct ck_cacher_watcher *w = list, *next; w; w = next) {
		next = w->pending_next;
		w->pending_next = NULL;
		close_watcher(c, w);
	}
	for (size_t i = 0; i < c->n_active; i++)
		close_watcher(c, c->active[i]);
	c->n_active = 0;
	pthread_mutex_unlock(&c->dispatch_mu);

	while (c->in_head) {
		struct cevent *e = c->in_head;
		c->in_head = e->next;
		cevent_unref(e);
	}
	c->in_tail = NULL;
	c->in_len = 0;
	ck_cacher_ring_release(&c->ring);
	ck_skiplist_release(&c->store);
	cacher_unref(c);
}

int64_t ck_cacher_revision(struct ck_cacher *c)
{
	pthread_mutex_lock(&c->mu);
	int64_t rv = c->rev;
	pthread_mutex_unlock(&c->mu);
	return rv;
}

int ck_cacher_wait_for(struct ck_cacher *c, int64_t min_rv, int64_t timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int r = 0;

	/* a ck_cacher_stop() meanwhile wakes us; the struct stays until we leave */
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	pthread_mutex_lock(&c->mu);
	if (c->rev >= min_rv)
		goto out;
	if (!c->progress_started && !c->stopping) {
		if (pthread_create(&c->progress_thread, NULL, progress_main, c) == 0)
			c->progress_started = true;
	}
	c->waiters++;
	pthread_cond_signal(&c->progress_cond);
	while (c->rev < min_rv) {
		struct timespec ts;
		if (c->stopping) {
			r = -ECANCELED;
			break;
		}
		if (now_ms() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		deadline_ts(deadline, &ts);
		pthread_cond_timedwait(&c->rev_cond, &c->mu, &ts);
	}
	c->waiters--;
out:
	pthread_mutex_unlock(&c->mu);
	cacher_unref(c);
	return r;
}

/* References to the objects under key_prefix, in key order (lock held). */
static struct cobj **collect_locked(struct ck_cacher *c, const char *key_prefix, size_t *ret_n)
{
	size_t plen = strlen(key_prefix), n = 0, cap = 0;
	struct cobj **items = NULL;

	for (struct ck_skiplist_node *nd = ck_skiplist_seek(&c->store, key_prefix);
	     nd && strncmp(nd->key, key_prefix, plen) == 0; nd = ck_skiplist_next(nd)) {
		if (!has_path_prefix(nd->key, key_prefix, plen))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			items = ck_realloc(items, cap * sizeof(*items));
		}
		items[n++] = cobj_ref(nd->value);
	}
	*ret_n = n;
	return items;
}

int ck_cacher_list_each(struct ck_cacher *c, const char *key_prefix, ck_cacher_filter_fn filter,
			void *filter_ctx, ck_cacher_each_fn each, void *each_ctx, int64_t *ret_rv)
{
	struct cobj **refs;
	size_t n_refs;
	int64_t rv;
	int r = 0;

	pthread_rwlock_rdlock(&c->lock);
	pthread_mutex_lock(&c->mu);
	rv = c->rev;
	pthread_mutex_unlock(&c->mu);
	refs = collect_locked(c, key_prefix ? key_prefix : c->prefix, &n_refs);
	pthread_rwlock_unlock(&c->lock);

	for (size_t i = 0; i < n_refs && r >= 0; i++)
		if (!filter || filter(filter_ctx, refs[i]->obj))
			r = each(each_ctx, refs[i]->obj);
	for (size_t i = 0; i < n_refs; i++)
		cobj_unref(refs[i]);
	free(refs);
	if (r < 0)
		return r;
	*ret_rv = rv;
	return 0;
}

/* ck_cacher_list's gathering of copies. */
struct copies {
	json_object **items;
	size_t n, cap;
};

static int add_copy(void *ctx, json_object *obj)
{
	struct copies *l = ctx;
	json_object *copy = NULL;
	if (json_object_deep_copy(obj, &copy, NULL) != 0 || !copy)
		return -ENOMEM;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->items = ck_realloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n++] = copy;
	return 0;
}

int ck_cacher_list(struct ck_cacher *c, const char *key_prefix, ck_cacher_filter_fn filter,
		   void *ctx, json_object ***ret_items, size_t *ret_n, int64_t *ret_rv)
{
	struct copies l = { 0 };
	int r = ck_cacher_list_each(c, key_prefix, filter, ctx, add_copy, &l, ret_rv);
	if (r < 0) {
		for (size_t i = 0; i < l.n; i++)
			json_object_put(l.items[i]);
		free(l.items);
		return r;
	}
	*ret_items = l.items;
	*ret_n = l.n;
	return 0;
}

int ck_cacher_get(struct ck_cacher *c, const char *key, json_object **ret_obj, int64_t *ret_rv)
{
	json_object *copy = NULL;
	struct cobj *o;
	int64_t rv;

	pthread_rwlock_rdlock(&c->lock);
	pthread_mutex_lock(&c->mu);
	rv = c->rev;
	pthread_mutex_unlock(&c->mu);
	o = cobj_ref(ck_skiplist_get(&c->store, key));
	pthread_rwlock_unlock(&c->lock);
	if (!o)
		return -ENOENT;
	int r = json_object_deep_copy(o->obj, &copy, NULL) == 0 && copy ? 0 : -ENOMEM;
	cobj_unref(o);
	if (r < 0)
		return r;
	*ret_obj = copy;
	if (ret_rv)
		*ret_rv = rv;
	return 0;
}

int ck_cacher_watch(struct ck_cacher *c, const struct ck_cacher_watch_options *opts,
		    struct ck_cacher_watcher **ret)
{
	struct ck_cacher_watcher *w;

	if (!opts || !opts->deliver || opts->from_rv < 0)
		return -EINVAL;
	w = ck_calloc(1, sizeof(*w));
	w->c = c;
	w->key_prefix = ck_strdup(opts->key_prefix ? opts->key_prefix : c->prefix);
	w->filter = opts->filter;
	w->deliver = opts->deliver;
	w->closed = opts->closed;
	w->ctx = opts->ctx;
	w->start_rv = opts->from_rv;
	w->bookmarks = opts->bookmarks;
	if (opts->timeout_ms > 0)
		w->deadline_ms = now_ms() + opts->timeout_ms;
	w->state = W_PENDING;

	pthread_mutex_lock(&c->mu);
	if (c->stopping) {
		pthread_mutex_unlock(&c->mu);
		free(w->key_prefix);
		free(w);
		return -ECANCELED;
	}
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	w->pending_next = c->pending;
	if (c->pending)
		c->pending->pending_prev = w;
	c->pending = w;
	c->n_watchers++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->mu);
	*ret = w;
	return 0;
}

void ck_cacher_watch_stop(struct ck_cacher_watcher *w)
{
	struct ck_cacher *c;
	bool call = false;

	if (!w)
		return;
	c = w->c;
	pthread_mutex_lock(&c->dispatch_mu);
	pthread_mutex_lock(&c->mu);
	if (w->state == W_PENDING) {
		if (w->pending_prev)
			w->pending_prev->pending_next = w->pending_next;
		else if (c->pending == w)
			c->pending = w->pending_next;
		if (w->pending_next)
			w->pending_next->pending_prev = w->pending_prev;
		c->n_watchers--;
	} else if (w->state == W_ACTIVE) {
		active_remove(c, w);
		c->n_watchers--;
	}
	w->state = W_DONE;
	call = !w->closed_called;
	w->closed_called = true;
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_unlock(&c->dispatch_mu);
	if (call && w->closed)
		w->closed(w->ctx);
	free(w->key_prefix);
	free(w);
	cacher_unref(c);
}

size_t ck_cacher_watcher_count(struct ck_cacher *c)
{
	pthread_mutex_lock(&c->mu);
	size_t n = c->n_watchers;
	pthread_mutex_unlock(&c->mu);
	return n;
}

size_t ck_cacher_object_count(struct ck_cacher *c)
{
	pthread_rwlock_rdlock(&c->lock);
	size_t n = ck_skiplist_count(&c->store);
	pthread_rwlock_unlock(&c->lock);
	return n;
}
