/*
 * Watches: a chunked stream of {"type":…,"object":…} lines fed by the
 * resource's watch cache. The connection is suspended between events (no
 * thread per watch). A watch ends when its timeout passes (timeoutSeconds,
 * or a random time in [min-request-timeout, 2×min-request-timeout] as
 * upstream), when the client leaves, or when the cache closes it (a slow
 * client, a too old resourceVersion); the reaper thread does the ending.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/protobuf.h"
#include "apimachinery/fields.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/apiserver_int.h"
#include "apiserver/options.h"
#include "apiserver/respond.h"
#include "apiserver/table.h"
#include "storage/cacher/cacher.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

struct ck_rest_watch {
	struct ck_rest_watch *next; /* srv->watches, under watches_lock */
	struct ck_apiserver *srv;
	const struct ck_resource *res;
	struct ck_http_stream *stream; /* our reference */
	struct ck_cacher_watcher *watcher;
	struct ck_list_options opts;
	struct ck_rest_filter filter;
	struct ck_media_choice media;
	enum ck_include_object include;
	int64_t deadline_ns;  /* CLOCK_MONOTONIC */
	atomic_bool finished; /* the client left or the cache closed the watch */
	atomic_bool ready;    /* registered with the cache: the reaper may end it */
	bool sent_headers;    /* a Table's column definitions went out (dispatch thread) */
};

static int write_frame(struct ck_rest_watch *w, const char *type, json_object *obj)
{
	json_object *frame = json_object_new_object();
	json_object_object_add(frame, "type", json_object_new_string(type));
	json_object_object_add(frame, "object", json_object_get(obj));
	size_t len;
	const char *s = json_object_to_json_string_length(
	    frame, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	int r = ck_http_stream_write(w->stream, s, len);
	if (r == 0)
		r = ck_http_stream_write(w->stream, "\n", 1);
	json_object_put(frame);
	return r;
}

/* A BOOKMARK's object: only kind, apiVersion and the revision (owned). */
static json_object *bookmark_object(const struct ck_rest_watch *w, int64_t rv)
{
	json_object *bm = json_object_new_object();
	json_object_object_add(bm, "kind", json_object_new_string(w->res->kind));
	json_object_object_add(bm, "apiVersion", json_object_new_string(w->res->api_version));
	char s[32];
	snprintf(s, sizeof(s), "%lld", (long long)rv);
	json_object *md = json_object_new_object();
	json_object_object_add(md, "resourceVersion", json_object_new_string(s));
	json_object_object_add(bm, "metadata", md);
	return bm;
}

/*
 * An event as a protobuf watch frame (a ck_watch_encode_fn: the cache keeps
 * the result and shares it between protobuf watchers), for resources stored
 * in their own form. Encoded from a copy: the codec is not read-only on the
 * objects the cache lends (it prints embedded JSON with json-c's printer).
 */
static int encode_protobuf_event(const struct ck_watch_event *ev, struct ck_buf *out)
{
	json_object *copy = ck_obj_copy(ev->object);
	int r = ck_protobuf_encode_watch_event(ck_watch_event_type_name(ev->type), copy, out, NULL);
	json_object_put(copy);
	return r;
}

/* One event in protobuf framing (application/vnd.kubernetes.protobuf;stream=watch). */
static int deliver_protobuf(struct ck_rest_watch *w, const struct ck_watch_event *ev)
{
	struct ck_buf scratch = CK_BUF_INIT;
	const char *data = NULL;
	size_t len = 0;
	int r;
	bool convert = w->res->from_storage && ev->type != CK_WATCH_ERROR;
	if (ev->type == CK_WATCH_BOOKMARK || convert) {
		json_object *obj = ev->type == CK_WATCH_BOOKMARK
				       ? bookmark_object(w, ev->rv)
				       : ck_rest_to_external(w->res, ev->object);
		r = ck_protobuf_encode_watch_event(ck_watch_event_type_name(ev->type), obj,
						   &scratch, NULL);
		json_object_put(obj);
		data = scratch.data;
		len = scratch.len;
	} else {
		r = ck_watch_event_encoded(ev, encode_protobuf_event, &scratch, &data, &len);
	}
	if (r < 0)
		ck_log_v(2, "unable to encode a watch event of '%s' in protobuf: %s",
			 w->res->resource, strerror(-r));
	else
		r = ck_http_stream_write(w->stream, data, len);
	ck_buf_release(&scratch);
	return r;
}

static int deliver(void *ctx, const struct ck_watch_event *ev)
{
	struct ck_rest_watch *w = ctx;
	const char *type = ck_watch_event_type_name(ev->type);
	int r;
	if (w->media.media == CK_MEDIA_PROTOBUF) {
		r = deliver_protobuf(w, ev);
	} else if (ev->type == CK_WATCH_BOOKMARK) {
		json_object *bm = bookmark_object(w, ev->rv);
		r = write_frame(w, type, bm);
		json_object_put(bm);
	} else if (ev->type == CK_WATCH_ERROR) {
		r = write_frame(w, type, ev->object);
	} else if (ev->encoded && !w->res->from_storage && w->media.media != CK_MEDIA_TABLE) {
		/* The common case: the bytes the cache encoded once for everyone. */
		r = ck_http_stream_write(w->stream, ev->encoded, ev->encoded_len);
	} else {
		json_object *ext = ck_rest_to_external(w->res, ev->object);
		if (w->media.media == CK_MEDIA_TABLE) {
			json_object *t =
			    ck_table_build(w->res, &ext, 1, w->include, w->media.table_version,
					   w->sent_headers, ck_time_now_ns());
			w->sent_headers = true;
			r = write_frame(w, type, t);
			json_object_put(t);
		} else {
			r = write_frame(w, type, ext);
		}
		json_object_put(ext);
	}
	if (r < 0) {
		atomic_store(&w->finished, true);
		return -1; /* gone or too slow: the cache closes this watcher */
	}
	return 0;
}

static bool filter(void *ctx, json_object *obj)
{
	struct ck_rest_watch *w = ctx;
	return ck_rest_list_filter(&w->filter, obj);
}

static void closed(void *ctx)
{
	struct ck_rest_watch *w = ctx;
	atomic_store(&w->finished, true);
	ck_http_stream_close(w->stream);
}

/* Runs under the stream's lock: only a flag; the reaper does the rest. */
static void client_gone(void *ctx)
{
	struct ck_rest_watch *w = ctx;
	atomic_store(&w->finished, true);
}

static void watch_free(struct ck_rest_watch *w)
{
	ck_http_stream_on_gone(w->stream, NULL, NULL);
	ck_cacher_watch_stop(w->watcher);
	ck_http_stream_close(w->stream);
	ck_http_stream_unref(w->stream);
	ck_list_options_release(&w->opts);
	free(w);
}

static int64_t watch_timeout_s(const struct ck_apiserver *srv, int64_t asked)
{
	if (asked > 0)
		return asked;
	/* Upstream spreads watches over [min, 2×min] so they do not end together. */
	int64_t min = srv->cfg.min_request_timeout_s > 0 ? srv->cfg.min_request_timeout_s : 1800;
	uint32_t rnd = 0;
	ck_random_bytes(&rnd, sizeof(rnd));
	return min + (int64_t)(rnd % (uint32_t)(min + 1));
}

/*
 * Whether the watch is of one object: its watch/…/{name} path, or a
 * metadata.name field selector (request info turned it into the name).
 * *ret_name is then the name whose key alone is watched (NULL: the
 * namespace's or the resource's prefix, when the object could be in any
 * namespace). Returns the Status to fail with (owned), or NULL: upstream's
 * 400 when the path's name and the selector's differ, 404 for a namespaced
 * kind's name path outside a namespace (upstream has no such route).
 */
static json_object *watch_scope(const struct ck_rest_request *rr,
				const struct ck_list_options *opts, const char **ret_name)
{
	const char *name = rr->ri->name[0] ? rr->ri->name : NULL, *selected = NULL;
	bool in_namespace = !rr->res->namespaced || rr->ri->namespace[0];
	*ret_name = NULL;
	if (!name)
		return NULL;
	if (ck_field_selector_empty(opts->fields)) {
		if (!in_namespace)
			return ck_status_new_generic_server_response(
			    404, "watch", rr->res->group, rr->res->resource, name, NULL, 0, false);
	} else if (!ck_field_selector_requires_exact_match(opts->fields, "metadata.name",
							   &selected) ||
		   !selected || !ck_streq(selected, name)) {
		return ck_status_new_bad_request(
		    "fieldSelector metadata.name doesn't match requested name");
	}
	if (in_namespace)
		*ret_name = name;
	return NULL;
}

void ck_rest_watch(struct ck_rest_request *rr)
{
	struct ck_apiserver *srv = rr->srv;
	struct ck_cacher *cacher = ck_apiserver_cacher(srv, rr->res);
	struct ck_rest_watch *w = ck_calloc(1, sizeof(*w));
	json_object *st = NULL;
	if (ck_list_options_parse(rr->http, rr->res, true, &w->opts, &st) < 0) {
		ck_list_options_release(&w->opts);
		free(w);
		ck_rest_fail(rr, st);
		return;
	}
	const char *name = NULL;
	uint64_t from = 0;
	struct ck_storage_error err = { 0 };
	if ((st = watch_scope(rr, &w->opts, &name)) ||
	    ck_storage_parse_resource_version(w->opts.resource_version, &from, &err) < 0 ||
	    !cacher) {
		ck_rest_fail(rr, st	  ? st
				 : cacher ? ck_status_new_bad_request(err.message)
					  : ck_status_new_internal_error("no watch cache"));
		ck_storage_error_release(&err);
		ck_list_options_release(&w->opts);
		free(w);
		return;
	}
	w->srv = srv;
	w->res = rr->res;
	w->media = rr->media;
	/* A kind without a protobuf message is watched in JSON, which clients
	 * read by Content-Type (as ck_respond_object falls back). */
	if (w->media.media == CK_MEDIA_PROTOBUF &&
	    !ck_protobuf_lookup(rr->res->api_version, rr->res->kind))
		w->media.media = CK_MEDIA_JSON;
	if (ck_include_object_parse(ck_http_request_query(rr->http, "includeObject"), &w->include) <
	    0)
		w->include = CK_INCLUDE_METADATA;
	w->filter = (struct ck_rest_filter){ &w->opts, rr->res };
	w->deadline_ns =
	    ck_time_mono_ns() + watch_timeout_s(srv, w->opts.timeout_seconds) * INT64_C(1000000000);

	rr->code = 200;
	/* upstream: JSON as is, other stream forms with ";stream=watch" */
	w->stream = ck_http_respond_stream(rr->http, 200,
					   w->media.media == CK_MEDIA_PROTOBUF
					       ? CK_PROTOBUF_CONTENT_TYPE ";stream=watch"
					       : "application/json",
					   0);
	ck_http_stream_on_gone(w->stream, client_gone, w);

	char *key = ck_rest_key(rr->res, rr->ri->namespace, name);
	char *prefix = ck_apiserver_cache_key(srv, key, !name);
	free(key);
	struct ck_cacher_watch_options o = {
		.key_prefix = prefix,
		.from_rv = (int64_t)from,
		.bookmarks = w->opts.allow_bookmarks,
		.filter = filter,
		.deliver = deliver,
		.closed = closed,
		.ctx = w,
	};
	/* Listed first (the reaper leaves it alone until ready), registered
	 * with the cache without holding the list's lock. */
	pthread_mutex_lock(&srv->watches_lock);
	w->next = srv->watches;
	srv->watches = w;
	pthread_mutex_unlock(&srv->watches_lock);
	int r = ck_cacher_watch(cacher, &o, &w->watcher);
	free(prefix);
	if (r < 0) {
		ck_log_v(4, "watch of '%s' failed: %s", rr->res->resource, strerror(-r));
		atomic_store(&w->finished, true);
	}
	atomic_store(&w->ready, true);
}

/* Takes the watches that are done out of the list (all when stopping). */
static struct ck_rest_watch *take_done(struct ck_apiserver *srv, bool all)
{
	struct ck_rest_watch *done = NULL, **pp = &srv->watches;
	int64_t now = ck_time_mono_ns();
	while (*pp) {
		struct ck_rest_watch *w = *pp;
		bool over =
		    atomic_load(&w->ready) && (atomic_load(&w->finished) || now >= w->deadline_ns);
		if (all || over) {
			*pp = w->next;
			w->next = done;
			done = w;
		} else {
			pp = &w->next;
		}
	}
	return done;
}

static void free_list(struct ck_rest_watch *w)
{
	while (w) {
		struct ck_rest_watch *next = w->next;
		watch_free(w);
		w = next;
	}
}

void *ck_rest_watch_reaper(void *arg)
{
	struct ck_apiserver *srv = arg;
	pthread_mutex_lock(&srv->watches_lock);
	while (!srv->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 250 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&srv->reaper_cond, &srv->watches_lock, &ts);
		struct ck_rest_watch *done = take_done(srv, false);
		pthread_mutex_unlock(&srv->watches_lock);
		free_list(done);
		pthread_mutex_lock(&srv->watches_lock);
	}
	pthread_mutex_unlock(&srv->watches_lock);
	return NULL;
}

void ck_rest_watch_stop_all(struct ck_apiserver *srv)
{
	pthread_mutex_lock(&srv->watches_lock);
	struct ck_rest_watch *all = take_done(srv, true);
	pthread_mutex_unlock(&srv->watches_lock);
	free_list(all);
}
