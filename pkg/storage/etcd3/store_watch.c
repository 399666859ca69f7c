/*
 * The store's watch (upstream storage/etcd3/watcher.go): an etcd watch with
 * prev_kv whose events become ADDED / MODIFIED / DELETED with objects, after
 * the initial ADDED events of the current state when watching from "0".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "storage/etcd3/store_int.h"
#include "util/common.h"
#include "util/log.h"

/* Upstream's defaultWatcherMaxLimit: page size of the initial list. */
#define WATCH_SYNC_PAGE 500

struct store_watch {
	struct ck_storage_watch base;
	struct etcd_store *store;
	char *key;
	bool recursive;
	int64_t initial_rev;
	bool initial_events;
	ck_storage_watch_fn fn;
	void *arg;
	ck_storage_filter_fn filter;
	void *filter_arg;
	struct ck_etcd_watch *etcd_watch;
	/* only touched on the watch thread */
	bool ended; /* an ERROR event went out: nothing follows */
};

static bool passes(struct store_watch *w, json_object *obj)
{
	return !w->filter || w->filter(w->filter_arg, obj);
}

static void emit(struct store_watch *w, enum ck_storage_event_type type, json_object *obj,
		 json_object *prev, int64_t rev)
{
	struct ck_storage_event ev = { type, obj, prev, rev, 0, NULL };
	w->fn(w->arg, &ev);
}

static void emit_error(struct store_watch *w, int code, const char *message)
{
	struct ck_storage_event ev = { CK_STORAGE_EVENT_ERROR, NULL, NULL, 0, code, message };
	if (w->ended)
		return;
	w->ended = true;
	w->fn(w->arg, &ev);
}

static int sync_one(void *arg, json_object *obj, int64_t rev)
{
	struct store_watch *w = arg;
	if (passes(w, obj))
		emit(w, CK_STORAGE_EVENT_ADDED, obj, NULL, rev);
	json_object_put(obj);
	return 0;
}

/* On the watch thread, before the stream: the initial events, if asked. */
static int prepare(void *arg, int64_t *start_revision, struct ck_etcd_err *e)
{
	struct store_watch *w = arg;
	struct ck_storage_error err = { 0 };
	int64_t rev = w->initial_rev;
	int r;

	if (w->initial_events) {
		r = ck_etcd_store_sync(w->store, w->key, w->recursive, WATCH_SYNC_PAGE, sync_one, w,
				       &rev, &err);
		if (r < 0) {
			emit_error(w, r, err.message);
			ck_storage_error_release(&err);
			e->code = r;
			snprintf(e->message, sizeof(e->message), "%.500s", err.message);
			return r;
		}
	}
	*start_revision = rev + 1;
	return 0;
}

/* Converts one etcd event; < 0 (after an ERROR event) ends the watch. */
static int convert(struct store_watch *w, const Mvccpb__Event *ev)
{
	const Mvccpb__KeyValue *kv = ev->kv;
	bool deleted = ev->type == MVCCPB__EVENT__EVENT_TYPE__DELETE;
	bool created = !deleted && kv->create_revision == kv->mod_revision;
	int64_t rev = kv->mod_revision;
	json_object *cur = NULL, *old = NULL;
	struct ck_storage_error err = { 0 };
	int r = 0;

	if (!created && !ev->prev_kv) {
		/* e.g. the previous value was compacted away */
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "etcd event received with PrevKv=nil (key=\"%.*s\", modRevision=%" PRId64
			 ", type=%s)",
			 (int)kv->key.len, (const char *)kv->key.data, rev,
			 deleted ? "DELETE" : "PUT");
		emit_error(w, CK_STORAGE_ERR_INTERNAL, msg);
		return CK_STORAGE_ERR_INTERNAL;
	}
	if (!deleted && (r = ck_etcd_store_decode(kv->value.data, kv->value.len, rev, kv->key.data,
						  kv->key.len, &cur, &err)) < 0)
		goto fail;
	/* the previous state carries the event's revision, as upstream */
	if (ev->prev_kv &&
	    (r = ck_etcd_store_decode(ev->prev_kv->value.data, ev->prev_kv->value.len, rev,
				      kv->key.data, kv->key.len, &old, &err)) < 0)
		goto fail;

	if (deleted) {
		if (passes(w, old))
			emit(w, CK_STORAGE_EVENT_DELETED, old, old, rev);
	} else if (created) {
		if (passes(w, cur))
			emit(w, CK_STORAGE_EVENT_ADDED, cur, old, rev);
	} else if (!w->filter) {
		emit(w, CK_STORAGE_EVENT_MODIFIED, cur, old, rev);
	} else {
		bool cur_passes = passes(w, cur), old_passes = passes(w, old);
		if (cur_passes && old_passes)
			emit(w, CK_STORAGE_EVENT_MODIFIED, cur, old, rev);
		else if (cur_passes)
			emit(w, CK_STORAGE_EVENT_ADDED, cur, old, rev);
		else if (old_passes)
			emit(w, CK_STORAGE_EVENT_DELETED, old, old, rev);
	}
	goto out;
fail:
	emit_error(w, r, err.message);
out:
	ck_storage_error_release(&err);
	if (cur)
		json_object_put(cur);
	if (old)
		json_object_put(old);
	return r;
}

static int on_events(void *arg, const Etcdserverpb__WatchResponse *resp, struct ck_etcd_err *e)
{
	struct store_watch *w = arg;
	(void)e;
	if (resp->n_events == 0) {
		emit(w, CK_STORAGE_EVENT_BOOKMARK, NULL, NULL,
		     resp->header ? resp->header->revision : 0);
		return 0;
	}
	for (size_t i = 0; i < resp->n_events; i++) {
		int r = convert(w, resp->events[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void on_error(void *arg, int code, const char *message)
{
	struct store_watch *w = arg;
	if (code == -EKEYEXPIRED) {
		ck_log_v(4, "watch of %s: %s", w->key, message);
		emit_error(w, CK_STORAGE_ERR_EXPIRED, CK_STORAGE_MSG_EXPIRED_WATCH);
		return;
	}
	struct ck_etcd_err e = { code, "" };
	struct ck_storage_error err = { 0 };
	snprintf(e.message, sizeof(e.message), "%s", message);
	emit_error(w,
		   code == -EHOSTUNREACH || code == -ETIMEDOUT ? ck_etcd_store_etcd_error(&e, &err)
							       : code,
		   message);
}

static void watch_stop(struct ck_storage_watch *base)
{
	struct store_watch *w = (struct store_watch *)base;
	ck_etcd_watch_stop(w->etcd_watch);
	free(w->key);
	free(w);
}

int ck_etcd_store_watch(struct ck_storage *base, const char *key,
			const struct ck_storage_watch_options *o, ck_storage_watch_fn fn, void *arg,
			struct ck_storage_watch **ret, struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	struct store_watch *w;
	uint64_t rev;
	uint8_t *end = NULL;
	int r;

	if (!fn)
		return ck_storage_error_set(err, -EINVAL, "a watch needs a callback");
	if ((r = ck_storage_parse_resource_version(o->resource_version, &rev, err)) < 0)
		return r;
	w = ck_calloc(1, sizeof(*w));
	w->base.stop = watch_stop;
	w->store = s;
	w->recursive = o->recursive;
	w->initial_rev = rev > INT64_MAX - 1 ? INT64_MAX - 1 : (int64_t)rev;
	w->initial_events = rev == 0;
	w->fn = fn;
	w->arg = arg;
	w->filter = o->filter;
	w->filter_arg = o->filter_arg;
	if ((r = ck_storage_prepare_key(s->path_prefix, key, o->recursive, &w->key, err)) < 0)
		goto fail;

	struct ck_etcd_watch_options wo = { 0 };
	struct ck_etcd_watch_handler h = { prepare, on_events, on_error, w };
	struct ck_etcd_err e = { 0, "" };
	wo.key = w->key;
	wo.key_len = strlen(w->key);
	if (o->recursive) {
		end = ck_malloc(wo.key_len + 1);
		wo.range_end_len = ck_etcd_prefix_end(w->key, wo.key_len, end);
		wo.range_end = end;
	}
	wo.prev_kv = true;
	wo.progress_notify = o->progress_notify;
	if ((r = ck_etcd_watch_start(s->client, &wo, &h, &w->etcd_watch, &e)) < 0) {
		r = ck_storage_error_set(err, r, "%s", e.message);
		goto fail;
	}
	free(end);
	*ret = &w->base;
	return 0;
fail:
	free(end);
	free(w->key);
	free(w);
	return r;
}
