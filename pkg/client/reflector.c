#include "client/reflector.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/client_int.h"
#include "client/ratelimit.h"
#include "client/rest.h"
#include "client/watch.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#define DEFAULT_PAGE_SIZE 500
#define DEFAULT_MIN_WATCH_TIMEOUT_S 300
#define NS_PER_MS INT64_C(1000000)

struct ck_reflector {
	struct ck_client *client;
	char *group, *version, *resource, *namespace, *label_selector, *field_selector, *name;
	int64_t page_size;
	int64_t min_watch_timeout_s;
	struct ck_reflector_sink sink;
	ck_transform_fn transform; /* NULL: none; set before start */

	pthread_t thread;
	bool started;
	struct ck_cancel stop;

	pthread_mutex_t lock;
	char *last_sync_rv;    /* guarded by lock */
	bool rv_unavailable;   /* guarded by lock: the last list/watch said expired/too large */
	bool paginated_result; /* reflector thread only */
	struct ck_reflector_stats stats; /* guarded by lock */
	struct ck_backoff backoff;	 /* reflector thread only */
};

static char *dup_or_null(const char *s)
{
	return s && *s ? ck_strdup(s) : NULL;
}

int ck_reflector_new(const struct ck_reflector_options *opts, struct ck_reflector **ret)
{
	if (!opts->client || !opts->resource || !opts->sink.replace)
		return -EINVAL;
	struct ck_reflector *r = ck_calloc(1, sizeof(*r));
	r->client = opts->client;
	r->group = ck_strdup(opts->group ? opts->group : "");
	r->version = ck_strdup(opts->version ? opts->version : "v1");
	r->resource = ck_strdup(opts->resource);
	r->namespace = dup_or_null(opts->namespace);
	r->label_selector = dup_or_null(opts->label_selector);
	r->field_selector = dup_or_null(opts->field_selector);
	r->name = ck_strdup(opts->name ? opts->name : opts->resource);
	r->page_size = opts->page_size > 0 ? opts->page_size : DEFAULT_PAGE_SIZE;
	r->min_watch_timeout_s =
	    opts->min_watch_timeout_s > 0 ? opts->min_watch_timeout_s : DEFAULT_MIN_WATCH_TIMEOUT_S;
	r->sink = opts->sink;
	ck_cancel_init(&r->stop);
	pthread_mutex_init(&r->lock, NULL);
	r->last_sync_rv = ck_strdup("");
	ck_backoff_init(&r->backoff, 800 * NS_PER_MS, 30000 * NS_PER_MS, 120000 * NS_PER_MS, 2.0,
			1.0);
	*ret = r;
	return 0;
}

char *ck_reflector_last_sync_resource_version(struct ck_reflector *r)
{
	pthread_mutex_lock(&r->lock);
	char *rv = ck_strdup(r->last_sync_rv);
	pthread_mutex_unlock(&r->lock);
	return rv;
}

void ck_reflector_get_stats(struct ck_reflector *r, struct ck_reflector_stats *ret)
{
	pthread_mutex_lock(&r->lock);
	*ret = r->stats;
	pthread_mutex_unlock(&r->lock);
}

static void set_last_sync(struct ck_reflector *r, const char *rv)
{
	pthread_mutex_lock(&r->lock);
	free(r->last_sync_rv);
	r->last_sync_rv = ck_strdup(rv ? rv : "");
	pthread_mutex_unlock(&r->lock);
}

static void set_unavailable(struct ck_reflector *r, bool unavailable)
{
	pthread_mutex_lock(&r->lock);
	r->rv_unavailable = unavailable;
	pthread_mutex_unlock(&r->lock);
}

/* relistResourceVersion: "" after expired, "0" the first time, else the last synced. Owned. */
static char *relist_rv(struct ck_reflector *r)
{
	pthread_mutex_lock(&r->lock);
	char *rv = ck_strdup(r->rv_unavailable ? "" : *r->last_sync_rv ? r->last_sync_rv : "0");
	pthread_mutex_unlock(&r->lock);
	return rv;
}

#define STAT_INC(r, field)                        \
	do {                                      \
		pthread_mutex_lock(&(r)->lock);   \
		(r)->stats.field++;               \
		pthread_mutex_unlock(&(r)->lock); \
	} while (0)

static bool is_expired(json_object *status)
{
	return ck_status_is(status, CK_STATUS_REASON_EXPIRED) ||
	       ck_status_is(status, CK_STATUS_REASON_GONE);
}

/* isTooLargeResourceVersionError */
static bool is_too_large_rv(json_object *status)
{
	json_object *causes = ck_obj_path(status, "details.causes");
	size_t n =
	    json_object_is_type(causes, json_type_array) ? json_object_array_length(causes) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *cause = json_object_array_get_idx(causes, i);
		if (ck_streq(ck_obj_path_str(cause, "reason"), "ResourceVersionTooLarge"))
			return true;
	}
	if (!ck_status_is(status, CK_STATUS_REASON_TIMEOUT))
		return false;
	for (size_t i = 0; i < n; i++) {
		json_object *cause = json_object_array_get_idx(causes, i);
		if (ck_streq(ck_obj_path_str(cause, "message"), "Too large resource version"))
			return true;
	}
	return strstr(ck_status_message(status), "Too large resource version") != NULL;
}

/* One list request, cancelled by stop; the page's items get the list's kind. */
static int list_page(struct ck_reflector *r, const struct ck_client_list_options *lo,
		     json_object **ret_page, struct ck_client_error *err)
{
	struct ck_client_request req = {
		.group = r->group,
		.version = r->version,
		.resource = r->resource,
		.namespace = r->namespace,
		.list_options = lo,
		.cancel = &r->stop,
	};
	json_object *page = NULL;
	int ret = ck_client_do(r->client, &req, &page, err);
	if (ret < 0)
		return ret;
	if (!json_object_is_type(page, json_type_object)) {
		json_object_put(page);
		if (err)
			snprintf(err->message, sizeof(err->message),
				 "unable to understand list result");
		return -EBADMSG;
	}
	ck_list_items_set_type(page);
	*ret_page = page;
	return 0;
}

/*
 * A list item (borrowed) as the store will keep it (owned): a deep copy,
 * transformed, with its tables shrunk to fit. The parser gives every JSON
 * object a table of 16 entries, so a parsed list takes several times the
 * memory its objects keep; shrinking (or transforming) the parsed objects
 * in place would leave what they free as holes between what is kept,
 * which malloc can neither reuse for larger blocks nor give back (a
 * scheduler that listed 1 800 pods and nodes kept 36 MiB of such holes).
 * Copies made while the whole page is still parsed land together, and the
 * page, freed whole afterwards, leaves free pages behind.
 */
static json_object *compact_copy(struct ck_reflector *r, json_object *item)
{
	json_object *copy = ck_obj_copy(item);
	if (r->transform && copy)
		r->transform(copy);
	ck_json_compact(copy);
	return copy;
}

/*
 * One list with the pager: pages of page_size (0: one request), RV cleared
 * on continue pages; an Expired on a later page falls back to one full
 * list. On success *ret_items (array, owned) and *ret_rv (owned).
 */
static int list_pages(struct ck_reflector *r, const char *rv, int64_t page_size,
		      json_object **ret_items, char **ret_rv, bool *ret_paginated,
		      struct ck_client_error *err)
{
	struct ck_client_list_options lo = {
		.label_selector = r->label_selector,
		.field_selector = r->field_selector,
		.resource_version = rv,
		.limit = page_size,
	};
	json_object *items = json_object_new_array();
	char *cont = NULL, *list_rv = NULL;
	bool paginated = false;
	int ret = 0;
	for (;;) {
		json_object *page = NULL;
		ret = list_page(r, &lo, &page, err);
		if (ret < 0) {
			if (cont && err && is_expired(err->status)) {
				/* FullListIfExpired */
				lo.limit = 0;
				lo.continue_token = NULL;
				ret = list_page(r, &lo, &page, err);
				if (ret < 0)
					goto out;
				json_object_put(items);
				items = json_object_new_array();
				free(list_rv);
				list_rv = NULL;
			} else {
				goto out;
			}
		}
		json_object *pitems = ck_obj_path(page, "items");
		size_t n = json_object_is_type(pitems, json_type_array)
			       ? json_object_array_length(pitems)
			       : 0;
		for (size_t i = 0; i < n; i++)
			json_object_array_add(
			    items, compact_copy(r, json_object_array_get_idx(pitems, i)));
		const char *prv = ck_obj_path_str(page, "metadata.resourceVersion");
		free(list_rv);
		list_rv = ck_strdup(prv ? prv : "");
		const char *next = ck_obj_path_str(page, "metadata.continue");
		if (!next || !*next || lo.limit == 0) {
			json_object_put(page);
			break;
		}
		free(cont);
		cont = ck_strdup(next);
		json_object_put(page);
		lo.continue_token = cont;
		lo.resource_version = NULL;
		lo.resource_version_match = NULL;
		paginated = true;
	}
	*ret_items = items;
	items = NULL;
	*ret_rv = list_rv;
	list_rv = NULL;
	*ret_paginated = paginated;
out:
	json_object_put(items);
	free(list_rv);
	free(cont);
	return ret;
}

static int do_list(struct ck_reflector *r)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	char *rv = relist_rv(r);
	int64_t page = r->page_size;
	if (!r->paginated_result && *rv && strcmp(rv, "0") != 0)
		page = 0; /* let the watch cache serve it */
	json_object *items = NULL;
	char *list_rv = NULL;
	bool paginated = false;
	int ret = list_pages(r, rv, page, &items, &list_rv, &paginated, &err);
	if (ret < 0 && ret != -ECANCELED &&
	    (is_expired(err.status) || is_too_large_rv(err.status))) {
		set_unavailable(r, true);
		free(rv);
		rv = relist_rv(r);
		ret = list_pages(r, rv, r->page_size, &items, &list_rv, &paginated, &err);
	}
	if (ret < 0) {
		if (ret != -ECANCELED) {
			STAT_INC(r, list_errors);
			if (ck_status_is(err.status, CK_STATUS_REASON_NOT_FOUND))
				r->sink.replace(r->sink.ctx, json_object_new_array(), "");
			ck_log_v(4, "%s: failed to list %s: %s", r->name, r->resource, err.message);
		}
		goto out;
	}
	if (strcmp(rv, "0") == 0 && paginated)
		r->paginated_result = true;
	set_unavailable(r, false);
	r->sink.replace(r->sink.ctx, items, list_rv);
	set_last_sync(r, list_rv);
	STAT_INC(r, lists);
out:
	free(rv);
	free(list_rv);
	ck_client_error_release(&err);
	return ret;
}

/* ---- watching ------------------------------------------------------------------------ */

struct watch_state {
	struct ck_reflector *r;
	int64_t events;
	json_object *error_status; /* an ERROR event's Status (owned) */
};

static int on_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct watch_state *ws = ctx;
	struct ck_reflector *r = ws->r;
	if (f->type == CK_WATCH_TYPE_ERROR) {
		ws->error_status = json_object_get(f->object);
		return -EPROTO;
	}
	const char *rv = ck_obj_resource_version(f->object);
	char *rv_copy = ck_strdup(rv ? rv : "");
	if (f->type != CK_WATCH_TYPE_BOOKMARK) {
		if (r->transform)
			r->transform(f->object);
		ck_json_compact(f->object); /* kept by the store until replaced */
	}
	switch (f->type) {
	case CK_WATCH_TYPE_ADDED:
		r->sink.add(r->sink.ctx, json_object_get(f->object));
		break;
	case CK_WATCH_TYPE_MODIFIED:
		r->sink.update(r->sink.ctx, json_object_get(f->object));
		break;
	case CK_WATCH_TYPE_DELETED:
		r->sink.remove(r->sink.ctx, json_object_get(f->object));
		break;
	default:
		break;
	}
	set_last_sync(r, rv_copy);
	free(rv_copy);
	ws->events++;
	STAT_INC(r, events);
	return 0;
}

enum watch_outcome {
	WATCH_AGAIN, /* watch again from the last synced version */
	WATCH_RELIST,
	WATCH_STOP,
};

static enum watch_outcome watch_once(struct ck_reflector *r)
{
	char *rv = ck_reflector_last_sync_resource_version(r);
	int64_t timeout = (int64_t)((double)r->min_watch_timeout_s * (ck_rand_double() + 1.0));
	struct ck_client_list_options lo = {
		.label_selector = r->label_selector,
		.field_selector = r->field_selector,
		.resource_version = rv,
		.timeout_seconds = timeout,
		.allow_watch_bookmarks = true,
		.watch = true,
	};
	struct ck_client_request req = {
		.group = r->group,
		.version = r->version,
		.resource = r->resource,
		.namespace = r->namespace,
		.list_options = &lo,
		.cancel = &r->stop,
	};
	struct watch_state ws = { .r = r };
	struct ck_client_error err;
	ck_client_error_init(&err);
	int64_t start = ck_time_mono_ns();
	STAT_INC(r, watches);
	int ret = ck_client_watch(r->client, &req, on_frame, &ws, &err);
	enum watch_outcome out = WATCH_AGAIN;
	if (ret == -ECANCELED || ck_cancel_fired(&r->stop)) {
		out = WATCH_STOP;
		goto done;
	}
	json_object *status = ws.error_status ? ws.error_status : err.status;
	if (status) {
		/* An ERROR event, or an error answer to the watch request. */
		if (is_expired(status)) {
			STAT_INC(r, watch_expired);
			ck_log_v(4, "%s: watch of %s closed with: %s", r->name, r->resource,
				 ck_status_message(status));
			out = WATCH_RELIST;
		} else if (ck_status_is(status, CK_STATUS_REASON_TOO_MANY_REQUESTS)) {
			ck_log_v(4, "%s: watch of %s returned 429 - backing off", r->name,
				 r->resource);
			if (ck_cancel_sleep_ms(&r->stop, ck_backoff_next(&r->backoff) / NS_PER_MS) <
			    0)
				out = WATCH_STOP;
		} else {
			ck_log_v(4, "%s: watch of %s ended with: %s", r->name, r->resource,
				 ck_status_message(status));
			out = WATCH_RELIST;
		}
		goto done;
	}
	if (ret == -ECONNREFUSED && !ws.events) {
		/* isWatchErrorRetriable: the server is likely restarting; keep the version. */
		ck_log_v(4, "%s: watch of %s returned %s - backing off", r->name, r->resource,
			 err.message);
		if (ck_cancel_sleep_ms(&r->stop, ck_backoff_next(&r->backoff) / NS_PER_MS) < 0)
			out = WATCH_STOP;
		goto done;
	}
	if (ret < 0 && ret != -ECONNRESET) {
		ck_log_v(4, "%s: watch of %s ended with: %s", r->name, r->resource, err.message);
		out = WATCH_RELIST;
		goto done;
	}
	/* Ended (or the connection dropped): a very short watch with nothing in it is suspect. */
	if (ck_time_mono_ns() - start < 1000 * NS_PER_MS && ws.events == 0) {
		ck_log_v(4,
			 "%s: very short watch: unexpected watch close - watch lasted less than a "
			 "second and no items received",
			 r->name);
		out = WATCH_RELIST;
	}
done:
	json_object_put(ws.error_status);
	ck_client_error_release(&err);
	free(rv);
	return out;
}

static void *run(void *arg)
{
	struct ck_reflector *r = arg;
	ck_log_v(4, "starting reflector %s", r->name);
	while (!ck_cancel_fired(&r->stop)) {
		/* ListAndWatch */
		if (do_list(r) == 0) {
			for (;;) {
				enum watch_outcome o = watch_once(r);
				if (o != WATCH_AGAIN)
					break;
			}
		}
		if (ck_cancel_sleep_ms(&r->stop, ck_backoff_next(&r->backoff) / NS_PER_MS) < 0)
			break;
	}
	ck_log_v(4, "stopping reflector %s", r->name);
	return NULL;
}

int ck_reflector_set_transform(struct ck_reflector *r, ck_transform_fn fn)
{
	if (r->started)
		return -EBUSY;
	r->transform = fn;
	return 0;
}

int ck_reflector_start(struct ck_reflector *r)
{
	if (r->started)
		return -EALREADY;
	int e = pthread_create(&r->thread, NULL, run, r);
	if (e != 0)
		return -e;
	r->started = true;
	return 0;
}

void ck_reflector_stop(struct ck_reflector *r)
{
	ck_cancel_fire(&r->stop);
	if (r->started) {
		pthread_join(r->thread, NULL);
		r->started = false;
	}
}

void ck_reflector_free(struct ck_reflector *r)
{
	if (!r)
		return;
	ck_reflector_stop(r);
	ck_cancel_release(&r->stop);
	pthread_mutex_destroy(&r->lock);
	free(r->last_sync_rv);
	free(r->group);
	free(r->version);
	free(r->resource);
	free(r->namespace);
	free(r->label_selector);
	free(r->field_selector);
	free(r->name);
	free(r);
}
