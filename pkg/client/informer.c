#include "client/informer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apimachinery/object.h"
#include "client/client_int.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#define NS_PER_MS INT64_C(1000000)
/* upstream's minimumResyncPeriod */
#define MIN_RESYNC_MS 1000

enum notif_type {
	N_ADD,
	N_UPDATE,
	N_DELETE,
	N_SYNC,
};

struct notif {
	struct notif *next;
	enum notif_type type;
	struct sobj *old; /* N_UPDATE, N_SYNC */
	struct sobj *cur; /* the object (the deleted one for N_DELETE) */
	bool flag;	  /* N_ADD: in the initial list; N_DELETE: final state unknown */
	struct ck_informer_handler *target; /* NULL: every handler registered before */
	uint64_t seq;
	uint64_t round; /* N_SYNC: the resync round */
};

struct ck_informer_handler {
	struct ck_informer_handler *next; /* inf->handlers, guarded by inf->mu */
	struct ck_informer *inf;
	struct ck_event_handler h;
	/* The fields below are guarded by inf->mu. */
	uint64_t start_seq;  /* gets untargeted notifications after this one */
	uint64_t synced_seq; /* synced once this one is dispatched; UINT64_MAX: not yet known */
	int64_t period_ns;   /* resync; 0: never */
	int64_t next_resync_ns;
	uint64_t resync_round;
	bool removed;
	bool free_later; /* removed from within its own call */
};

struct ck_informer {
	char *name;
	int64_t resync_ms;
	struct ck_store *store;
	struct ck_reflector *reflector;

	pthread_mutex_t mu;
	pthread_cond_t cond; /* CLOCK_MONOTONIC; broadcast on every change below */
	/* The fields below are guarded by mu. */
	struct notif *head, *tail;
	uint64_t seq;	     /* the last notification's number */
	uint64_t dispatched; /* the last notification fully dispatched */
	uint64_t round;
	struct ck_informer_handler *handlers;
	struct ck_informer_handler *calling;
	bool synced;
	bool started;
	bool stopping;
	bool stopped;
	bool dispatcher_live; /* the dispatch thread exists (until joined) */
	pthread_t dispatcher;
};

/* ---- notifications ---------------------------------------------------------------- */

static void notif_free(struct notif *n)
{
	ck_sobj_unref(n->old);
	ck_sobj_unref(n->cur);
	free(n);
}

/* Queues a notification; takes the references old and cur. Under mu. */
static void enqueue(struct ck_informer *inf, enum notif_type type, struct sobj *old,
		    struct sobj *cur, bool flag, struct ck_informer_handler *target, uint64_t round)
{
	struct notif *n = ck_calloc(1, sizeof(*n));
	n->type = type;
	n->old = old;
	n->cur = cur;
	n->flag = flag;
	n->target = target;
	n->round = round;
	n->seq = ++inf->seq;
	if (inf->tail)
		inf->tail->next = n;
	else
		inf->head = n;
	inf->tail = n;
	pthread_cond_broadcast(&inf->cond);
}

/* An object went into the store, replacing old (may be NULL). Takes both references. */
static void changed(struct ck_informer *inf, struct sobj *old, struct sobj *cur, bool initial)
{
	if (!old) {
		enqueue(inf, N_ADD, NULL, cur, initial, NULL, 0);
		return;
	}
	/* An unchanged resourceVersion is a resync, only for handlers due one (never here). */
	if (ck_streq(ck_obj_resource_version(old->obj), ck_obj_resource_version(cur->obj))) {
		ck_sobj_unref(old);
		ck_sobj_unref(cur);
		return;
	}
	enqueue(inf, N_UPDATE, old, cur, false, NULL, 0);
}

/* ---- the reflector's sink (reflector thread) ----------------------------------------- */

static void sink_put(void *ctx, json_object *obj)
{
	struct ck_informer *inf = ctx;
	char *key = ck_store_key_of(obj);
	struct sobj *o = ck_sobj_new(obj, key);
	free(key);
	pthread_mutex_lock(&inf->mu);
	struct sobj *old = ck_store_put_obj(inf->store, ck_sobj_ref(o));
	changed(inf, old, o, false);
	pthread_mutex_unlock(&inf->mu);
}

static void sink_remove(void *ctx, json_object *obj)
{
	struct ck_informer *inf = ctx;
	char *key = ck_store_key_of(obj);
	struct sobj *o = ck_sobj_new(obj, key);
	pthread_mutex_lock(&inf->mu);
	ck_sobj_unref(ck_store_remove_key(inf->store, key));
	enqueue(inf, N_DELETE, NULL, o, false, NULL, 0);
	pthread_mutex_unlock(&inf->mu);
	free(key);
}

static void sink_replace(void *ctx, json_object *items, const char *rv)
{
	struct ck_informer *inf = ctx;
	(void)rv;
	struct ck_hashmap seen;
	ck_hashmap_init(&seen, NULL);
	size_t n = json_object_array_length(items);
	pthread_mutex_lock(&inf->mu);
	bool initial = !inf->synced;
	for (size_t i = 0; i < n; i++) {
		json_object *obj = json_object_get(json_object_array_get_idx(items, i));
		char *key = ck_store_key_of(obj);
		ck_hashmap_put(&seen, key, (void *)1);
		struct sobj *o = ck_sobj_new(obj, key);
		free(key);
		struct sobj *old = ck_store_put_obj(inf->store, ck_sobj_ref(o));
		changed(inf, old, o, initial);
	}
	/* The array goes before anyone else can see its items. */
	json_object_put(items);
	size_t count;
	struct sobj **all = ck_store_snapshot(inf->store, &count);
	for (size_t i = 0; i < count; i++) {
		if (!ck_hashmap_has(&seen, all[i]->key)) {
			struct sobj *gone = ck_store_remove_key(inf->store, all[i]->key);
			if (gone)
				enqueue(inf, N_DELETE, NULL, gone, true, NULL, 0);
		}
		ck_sobj_unref(all[i]);
	}
	free(all);
	if (!inf->synced) {
		inf->synced = true;
		for (struct ck_informer_handler *h = inf->handlers; h; h = h->next)
			if (h->synced_seq == UINT64_MAX)
				h->synced_seq = inf->seq;
		pthread_cond_broadcast(&inf->cond);
	}
	pthread_mutex_unlock(&inf->mu);
	ck_hashmap_release(&seen);
}

/* ---- dispatching --------------------------------------------------------------------- */

static void call(struct ck_informer_handler *h, const struct notif *n)
{
	const struct ck_event_handler *eh = &h->h;
	switch (n->type) {
	case N_ADD:
		if (eh->on_add)
			eh->on_add(eh->ctx, n->cur->obj, n->flag);
		break;
	case N_UPDATE:
	case N_SYNC:
		if (eh->on_update)
			eh->on_update(eh->ctx, n->old->obj, n->cur->obj);
		break;
	case N_DELETE:
		if (eh->on_delete)
			eh->on_delete(eh->ctx, n->cur->key, n->cur->obj, n->flag);
		break;
	}
}

static void unlink_handler(struct ck_informer *inf, struct ck_informer_handler *h)
{
	for (struct ck_informer_handler **pp = &inf->handlers; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
}

/* Hands n to every handler that should get it, unlocking around each call. */
static void deliver(struct ck_informer *inf, const struct notif *n)
{
	struct ck_informer_handler *h = inf->handlers;
	while (h) {
		bool want = !h->removed && (n->target ? n->target == h : n->seq > h->start_seq) &&
			    (n->type != N_SYNC || h->resync_round == n->round);
		if (want) {
			inf->calling = h;
			pthread_mutex_unlock(&inf->mu);
			call(h, n);
			pthread_mutex_lock(&inf->mu);
		}
		struct ck_informer_handler *next = h->next;
		inf->calling = NULL;
		if (h->free_later) {
			unlink_handler(inf, h);
			free(h);
		}
		pthread_cond_broadcast(&inf->cond);
		if (inf->stopping)
			return;
		h = next;
	}
}

/* Queues the resync of every handler due one. Under mu. */
static void resync(struct ck_informer *inf, int64_t now)
{
	uint64_t round = ++inf->round;
	bool any = false;
	for (struct ck_informer_handler *h = inf->handlers; h; h = h->next) {
		if (h->removed || h->period_ns <= 0 || h->next_resync_ns > now)
			continue;
		h->resync_round = round;
		h->next_resync_ns = now + h->period_ns;
		any = true;
	}
	if (!any || !inf->synced)
		return;
	size_t count;
	struct sobj **all = ck_store_snapshot(inf->store, &count);
	for (size_t i = 0; i < count; i++)
		enqueue(inf, N_SYNC, ck_sobj_ref(all[i]), all[i], false, NULL, round);
	free(all);
}

static int64_t next_resync(struct ck_informer *inf)
{
	int64_t next = INT64_MAX;
	for (struct ck_informer_handler *h = inf->handlers; h; h = h->next)
		if (!h->removed && h->period_ns > 0 && h->next_resync_ns < next)
			next = h->next_resync_ns;
	return next;
}

static void *dispatch(void *arg)
{
	struct ck_informer *inf = arg;
	pthread_mutex_lock(&inf->mu);
	while (!inf->stopping) {
		if (!inf->head) {
			int64_t next = next_resync(inf), now = ck_time_mono_ns();
			if (next <= now) {
				resync(inf, now);
				continue;
			}
			if (next == INT64_MAX) {
				pthread_cond_wait(&inf->cond, &inf->mu);
			} else {
				struct timespec ts = { (time_t)(next / 1000000000),
						       (long)(next % 1000000000) };
				pthread_cond_timedwait(&inf->cond, &inf->mu, &ts);
			}
			continue;
		}
		struct notif *n = inf->head;
		inf->head = n->next;
		if (!inf->head)
			inf->tail = NULL;
		deliver(inf, n);
		inf->dispatched = n->seq;
		pthread_cond_broadcast(&inf->cond);
		notif_free(n);
	}
	pthread_mutex_unlock(&inf->mu);
	return NULL;
}

/* ---- the informer ------------------------------------------------------------------- */

int ck_informer_new(const struct ck_informer_options *opts, struct ck_informer **ret)
{
	if (!opts->client || !opts->resource)
		return -EINVAL;
	struct ck_informer *inf = ck_calloc(1, sizeof(*inf));
	inf->name = ck_strdup(opts->name ? opts->name : opts->resource);
	inf->resync_ms = opts->resync_period_ms;
	inf->store = ck_store_new();
	pthread_mutex_init(&inf->mu, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&inf->cond, &attr);
	pthread_condattr_destroy(&attr);
	struct ck_reflector_options ro = {
		.client = opts->client,
		.group = opts->group,
		.version = opts->version,
		.resource = opts->resource,
		.namespace = opts->namespace,
		.label_selector = opts->label_selector,
		.field_selector = opts->field_selector,
		.page_size = opts->page_size,
		.min_watch_timeout_s = opts->min_watch_timeout_s,
		.name = inf->name,
		.sink = { sink_replace, sink_put, sink_put, sink_remove, inf },
	};
	int r = ck_reflector_new(&ro, &inf->reflector);
	if (r < 0) {
		ck_informer_free(inf);
		return r;
	}
	*ret = inf;
	return 0;
}

int ck_informer_add_index(struct ck_informer *inf, const char *name, ck_index_fn fn)
{
	pthread_mutex_lock(&inf->mu);
	bool started = inf->started || inf->stopped;
	pthread_mutex_unlock(&inf->mu);
	if (started)
		return -EBUSY;
	return ck_store_add_index(inf->store, name, fn);
}

int ck_informer_add_handler(struct ck_informer *inf, const struct ck_event_handler *h,
			    struct ck_informer_handler **ret)
{
	struct ck_informer_handler *reg = ck_calloc(1, sizeof(*reg));
	reg->inf = inf;
	reg->h = *h;
	int64_t period = h->resync_period_ms > 0 ? h->resync_period_ms : inf->resync_ms;
	if (period > 0 && period < MIN_RESYNC_MS)
		period = MIN_RESYNC_MS;
	reg->period_ns = period * NS_PER_MS;
	reg->next_resync_ns = ck_time_mono_ns() + reg->period_ns;
	pthread_mutex_lock(&inf->mu);
	if (inf->started && inf->synced) {
		/* The objects already there, for this handler alone. */
		size_t count;
		struct sobj **all = ck_store_snapshot(inf->store, &count);
		for (size_t i = 0; i < count; i++)
			enqueue(inf, N_ADD, NULL, all[i], true, reg, 0);
		free(all);
	}
	reg->start_seq = inf->seq;
	reg->synced_seq = inf->synced ? inf->seq : UINT64_MAX;
	struct ck_informer_handler **pp = &inf->handlers;
	while (*pp)
		pp = &(*pp)->next;
	*pp = reg;
	pthread_cond_broadcast(&inf->cond);
	pthread_mutex_unlock(&inf->mu);
	if (ret)
		*ret = reg;
	return 0;
}

void ck_informer_remove_handler(struct ck_informer *inf, struct ck_informer_handler *reg)
{
	if (!reg)
		return;
	pthread_mutex_lock(&inf->mu);
	reg->removed = true;
	if (inf->calling == reg && inf->dispatcher_live &&
	    pthread_equal(pthread_self(), inf->dispatcher)) {
		reg->free_later = true; /* from its own call: the dispatcher frees it */
		pthread_mutex_unlock(&inf->mu);
		return;
	}
	while (inf->calling == reg)
		pthread_cond_wait(&inf->cond, &inf->mu);
	unlink_handler(inf, reg);
	pthread_mutex_unlock(&inf->mu);
	free(reg);
}

bool ck_informer_handler_has_synced(struct ck_informer_handler *reg)
{
	struct ck_informer *inf = reg->inf;
	pthread_mutex_lock(&inf->mu);
	bool synced =
	    inf->synced && reg->synced_seq != UINT64_MAX && inf->dispatched >= reg->synced_seq;
	pthread_mutex_unlock(&inf->mu);
	return synced;
}

int ck_informer_set_transform(struct ck_informer *inf, ck_transform_fn fn)
{
	pthread_mutex_lock(&inf->mu);
	int r = inf->started ? -EBUSY : ck_reflector_set_transform(inf->reflector, fn);
	pthread_mutex_unlock(&inf->mu);
	return r;
}

int ck_informer_start(struct ck_informer *inf)
{
	pthread_mutex_lock(&inf->mu);
	int r = 0;
	if (inf->started || inf->stopped) {
		r = inf->started ? -EALREADY : -ESHUTDOWN;
		goto out;
	}
	int e = pthread_create(&inf->dispatcher, NULL, dispatch, inf);
	if (e != 0) {
		r = -e;
		goto out;
	}
	inf->started = true;
	inf->dispatcher_live = true;
	pthread_mutex_unlock(&inf->mu);
	r = ck_reflector_start(inf->reflector);
	if (r < 0)
		ck_informer_stop(inf);
	return r;
out:
	pthread_mutex_unlock(&inf->mu);
	return r;
}

void ck_informer_stop(struct ck_informer *inf)
{
	ck_reflector_stop(inf->reflector);
	pthread_mutex_lock(&inf->mu);
	bool running = inf->dispatcher_live;
	inf->stopping = true;
	inf->started = false;
	inf->stopped = true;
	pthread_cond_broadcast(&inf->cond);
	pthread_mutex_unlock(&inf->mu);
	if (running)
		pthread_join(inf->dispatcher, NULL);
	pthread_mutex_lock(&inf->mu);
	inf->dispatcher_live = false;
	while (inf->head) {
		struct notif *n = inf->head;
		inf->head = n->next;
		notif_free(n);
	}
	inf->tail = NULL;
	pthread_mutex_unlock(&inf->mu);
}

void ck_informer_free(struct ck_informer *inf)
{
	if (!inf)
		return;
	if (inf->reflector)
		ck_informer_stop(inf);
	ck_reflector_free(inf->reflector);
	while (inf->handlers) {
		struct ck_informer_handler *h = inf->handlers;
		inf->handlers = h->next;
		free(h);
	}
	ck_store_free(inf->store);
	pthread_cond_destroy(&inf->cond);
	pthread_mutex_destroy(&inf->mu);
	free(inf->name);
	free(inf);
}

bool ck_informer_has_synced(struct ck_informer *inf)
{
	pthread_mutex_lock(&inf->mu);
	bool s = inf->synced;
	pthread_mutex_unlock(&inf->mu);
	return s;
}

/* Waits under mu until done(inf, arg), in 100 ms steps so that cancel is seen. */
static int wait_until(struct ck_informer *inf, bool (*done)(struct ck_informer *, void *),
		      void *arg, struct ck_cancel *cancel, int64_t timeout_ms)
{
	int64_t deadline = timeout_ms >= 0 ? ck_time_mono_ns() + timeout_ms * NS_PER_MS : INT64_MAX;
	int r = 0;
	pthread_mutex_lock(&inf->mu);
	while (!done(inf, arg)) {
		if (ck_cancel_fired(cancel)) {
			r = -ECANCELED;
			break;
		}
		int64_t now = ck_time_mono_ns();
		if (now >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		int64_t until = now + 100 * NS_PER_MS;
		if (until > deadline)
			until = deadline;
		struct timespec ts = { (time_t)(until / 1000000000), (long)(until % 1000000000) };
		pthread_cond_timedwait(&inf->cond, &inf->mu, &ts);
	}
	pthread_mutex_unlock(&inf->mu);
	return r;
}

static bool informer_synced(struct ck_informer *inf, void *arg)
{
	(void)arg;
	return inf->synced;
}

static bool handler_synced(struct ck_informer *inf, void *arg)
{
	struct ck_informer_handler *reg = arg;
	return inf->synced && reg->synced_seq != UINT64_MAX && inf->dispatched >= reg->synced_seq;
}

int ck_informer_wait_for_sync(struct ck_informer *inf, struct ck_cancel *cancel, int64_t timeout_ms)
{
	return wait_until(inf, informer_synced, NULL, cancel, timeout_ms);
}

int ck_informer_handler_wait_for_sync(struct ck_informer_handler *reg, struct ck_cancel *cancel,
				      int64_t timeout_ms)
{
	return wait_until(reg->inf, handler_synced, reg, cancel, timeout_ms);
}

struct ck_store *ck_informer_store(struct ck_informer *inf)
{
	return inf->store;
}

char *ck_informer_last_sync_resource_version(struct ck_informer *inf)
{
	return ck_reflector_last_sync_resource_version(inf->reflector);
}

void ck_informer_get_stats(struct ck_informer *inf, struct ck_reflector_stats *ret)
{
	ck_reflector_get_stats(inf->reflector, ret);
}

/* ---- the factory ------------------------------------------------------------------------ */

struct factory_entry {
	char *key; /* "group/version/resource" */
	struct ck_informer *inf;
	bool started;
};

struct ck_informer_factory {
	struct ck_client *client;
	int64_t default_resync_ms;
	int64_t min_watch_timeout_s;
	char *namespace, *label_selector, *field_selector;
	pthread_mutex_t lock;
	struct factory_entry *entries; /* guarded by lock */
	size_t n;		       /* guarded by lock */
};

static char *dup_or_null(const char *s)
{
	return s && *s ? ck_strdup(s) : NULL;
}

struct ck_informer_factory *ck_informer_factory_new(const struct ck_informer_factory_options *o)
{
	struct ck_informer_factory *f = ck_calloc(1, sizeof(*f));
	f->client = o->client;
	f->default_resync_ms = o->default_resync_ms;
	f->min_watch_timeout_s = o->min_watch_timeout_s;
	f->namespace = dup_or_null(o->namespace);
	f->label_selector = dup_or_null(o->label_selector);
	f->field_selector = dup_or_null(o->field_selector);
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void ck_informer_factory_free(struct ck_informer_factory *f)
{
	if (!f)
		return;
	ck_informer_factory_shutdown(f);
	for (size_t i = 0; i < f->n; i++) {
		ck_informer_free(f->entries[i].inf);
		free(f->entries[i].key);
	}
	free(f->entries);
	pthread_mutex_destroy(&f->lock);
	free(f->namespace);
	free(f->label_selector);
	free(f->field_selector);
	free(f);
}

struct ck_informer *ck_informer_factory_get(struct ck_informer_factory *f, const char *group,
					    const char *version, const char *resource)
{
	if (!resource)
		return NULL;
	char key[512];
	snprintf(key, sizeof(key), "%s/%s/%s", group ? group : "", version ? version : "v1",
		 resource);
	struct ck_informer *inf = NULL;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->entries[i].key, key) == 0) {
			inf = f->entries[i].inf;
			goto out;
		}
	}
	struct ck_informer_options o = {
		.client = f->client,
		.group = group,
		.version = version,
		.resource = resource,
		.namespace = f->namespace,
		.label_selector = f->label_selector,
		.field_selector = f->field_selector,
		.resync_period_ms = f->default_resync_ms,
		.min_watch_timeout_s = f->min_watch_timeout_s,
		.name = key,
	};
	if (ck_informer_new(&o, &inf) < 0) {
		inf = NULL;
		goto out;
	}
	f->entries = ck_realloc(f->entries, (f->n + 1) * sizeof(*f->entries));
	f->entries[f->n].key = ck_strdup(key);
	f->entries[f->n].inf = inf;
	f->entries[f->n].started = false;
	f->n++;
out:
	pthread_mutex_unlock(&f->lock);
	return inf;
}

int ck_informer_factory_start(struct ck_informer_factory *f)
{
	int r = 0;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		if (f->entries[i].started)
			continue;
		int e = ck_informer_start(f->entries[i].inf);
		if (e < 0 && e != -EALREADY) {
			r = e;
			continue;
		}
		f->entries[i].started = true;
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

int ck_informer_factory_wait_for_cache_sync(struct ck_informer_factory *f, struct ck_cancel *cancel,
					    int64_t timeout_ms)
{
	int64_t deadline = timeout_ms >= 0 ? ck_time_mono_ns() + timeout_ms * NS_PER_MS : -1;
	pthread_mutex_lock(&f->lock);
	size_t n = f->n;
	struct ck_informer **started = ck_calloc(n ? n : 1, sizeof(*started));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (f->entries[i].started)
			started[k++] = f->entries[i].inf;
	pthread_mutex_unlock(&f->lock);
	int r = 0;
	for (size_t i = 0; i < k && r == 0; i++) {
		int64_t left = -1;
		if (deadline >= 0) {
			left = (deadline - ck_time_mono_ns()) / NS_PER_MS;
			if (left < 0)
				left = 0;
		}
		r = ck_informer_wait_for_sync(started[i], cancel, left);
	}
	free(started);
	return r;
}

void ck_informer_factory_shutdown(struct ck_informer_factory *f)
{
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++)
		ck_informer_stop(f->entries[i].inf);
	pthread_mutex_unlock(&f->lock);
}
