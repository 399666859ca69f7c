/*
 * Watch streams. Each watch owns a thread and, while it is open, one
 * bidirectional Watch call. The thread posts RECV_STATUS first, then the
 * initial metadata with the create request, and keeps exactly one
 * RECV_MESSAGE outstanding. When the stream ends without a terminal answer,
 * it reopens it (next endpoint, backoff) from the revision after the last
 * event delivered, so no event is lost or repeated.
 *
 * Completions: every stream of a client uses the client's one completion
 * queue, drained by one poller thread that hands each completion to its
 * watch's mailbox (a condition variable). A thread blocked in a completion
 * queue is one of gRPC's pollers, and gRPC wakes its pollers in turn for
 * any traffic on the channel: with a queue per watch, each of the API
 * server's ~20 idle watch threads woke for every unary call (about 15 µs of
 * CPU each per write). Now one thread polls, and a watch thread wakes only
 * for its own stream.
 */
#include <errno.h>
#include <grpc/byte_buffer.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "storage/etcd3/etcd3_int.h"
#include "storage/etcd3/retry.h"
#include "util/common.h"
#include "util/log.h"
#include "util/time.h"

#define WATCH_METHOD "/etcdserverpb.Watch/Watch"

/* A stream has at most three operations outstanding (status, send, recv). */
#define MAILBOX_SIZE 4

/* The tag of one operation: the poller finds the watch through it. */
struct op_tag {
	struct ck_etcd_watch *w;
};

/* A completion handed from the poller to a watch thread. */
struct completion {
	struct op_tag *tag;
	bool success;
};

struct ck_etcd_watch {
	struct ck_etcd *client;
	struct ck_etcd_watch_handler handler;
	uint8_t *key;
	size_t key_len;
	uint8_t *range_end;
	size_t range_end_len;
	int64_t start_revision;
	bool prev_kv;
	bool progress_notify;
	pthread_t thread;

	pthread_mutex_t mu;
	pthread_cond_t cond; /* signals stopping and the mailbox */
	/* guarded by mu */
	grpc_call *call; /* the open stream, NULL between streams */
	bool stopping;
	unsigned streams;
	struct completion mailbox[MAILBOX_SIZE]; /* from the poller, in order */
	unsigned mailbox_head, mailbox_len;
};

/* What one stream ended with. */
enum stream_end {
	STREAM_RETRY,	 /* reopen after a backoff */
	STREAM_STOPPED,	 /* ck_etcd_watch_stop() */
	STREAM_TERMINAL, /* an error the watch cannot recover from */
};

/* State of one open stream. */
struct stream {
	struct ck_etcd_watch *w;
	size_t endpoint;
	grpc_call *call;
	grpc_metadata_array initial_md;
	grpc_metadata_array trailing_md;
	grpc_status_code status;
	grpc_slice details;
	const char *error_string;
	grpc_byte_buffer *send_bb;
	grpc_byte_buffer *recv_bb;
	int64_t watch_id;
	bool created;
	bool delivered; /* something reached the handler (resets the backoff) */
	struct op_tag tag_status, tag_send, tag_recv;
};

/* The poller: hands each completion of the client's queue to its watch. */
static void *poller_main(void *arg)
{
	grpc_completion_queue *cq = arg;
	pthread_setname_np(pthread_self(), "ck-etcd-poller");
	for (;;) {
		grpc_event ev =
		    grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (ev.type == GRPC_QUEUE_SHUTDOWN)
			break;
		CK_BUG_ON(ev.type != GRPC_OP_COMPLETE);
		struct op_tag *tag = ev.tag;
		struct ck_etcd_watch *w = tag->w;
		pthread_mutex_lock(&w->mu);
		CK_BUG_ON(w->mailbox_len == MAILBOX_SIZE);
		w->mailbox[(w->mailbox_head + w->mailbox_len++) % MAILBOX_SIZE] =
		    (struct completion){ tag, ev.success != 0 };
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* The client's watch queue, starting its poller on first use; NULL when the
 * thread cannot start. */
static grpc_completion_queue *poller_queue(struct ck_etcd *c)
{
	pthread_mutex_lock(&c->watch_mu);
	if (!c->watch_cq) {
		grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
		if (pthread_create(&c->watch_poller, NULL, poller_main, cq) == 0) {
			c->watch_cq = cq;
			c->watch_poller_started = true;
		} else {
			grpc_completion_queue_shutdown(cq);
			grpc_completion_queue_destroy(cq);
		}
	}
	grpc_completion_queue *cq = c->watch_cq;
	pthread_mutex_unlock(&c->watch_mu);
	return cq;
}

void ck_etcd_watch_poller_stop(struct ck_etcd *c)
{
	pthread_mutex_lock(&c->watch_mu);
	if (c->watch_poller_started) {
		grpc_completion_queue_shutdown(c->watch_cq);
		pthread_join(c->watch_poller, NULL);
		grpc_completion_queue_destroy(c->watch_cq);
		c->watch_cq = NULL;
		c->watch_poller_started = false;
	}
	pthread_mutex_unlock(&c->watch_mu);
}

/* The next completion of this watch's stream, from its mailbox. */
static struct completion next_completion(struct ck_etcd_watch *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->mailbox_len == 0)
		pthread_cond_wait(&w->cond, &w->mu);
	struct completion c = w->mailbox[w->mailbox_head];
	w->mailbox_head = (w->mailbox_head + 1) % MAILBOX_SIZE;
	w->mailbox_len--;
	pthread_mutex_unlock(&w->mu);
	return c;
}

static bool is_stopping(struct ck_etcd_watch *w)
{
	pthread_mutex_lock(&w->mu);
	bool s = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return s;
}

static grpc_byte_buffer *create_request(struct ck_etcd_watch *w, int64_t start_revision)
{
	Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
	Etcdserverpb__WatchCreateRequest create = ETCDSERVERPB__WATCH_CREATE_REQUEST__INIT;
	create.key.data = w->key;
	create.key.len = w->key_len;
	create.range_end.data = w->range_end;
	create.range_end.len = w->range_end_len;
	create.start_revision = start_revision;
	create.prev_kv = w->prev_kv;
	create.progress_notify = w->progress_notify;
	req.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CREATE_REQUEST;
	req.create_request = &create;
	grpc_slice s = ck_etcd_pack(&req.base);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
	grpc_slice_unref(s);
	return bb;
}

static int post_recv(struct stream *s, bool with_initial_md)
{
	grpc_op ops[2];
	size_t n = 0;
	memset(ops, 0, sizeof(ops));
	if (with_initial_md) {
		ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
		ops[n++].data.recv_initial_metadata.recv_initial_metadata = &s->initial_md;
	}
	ops[n].op = GRPC_OP_RECV_MESSAGE;
	ops[n++].data.recv_message.recv_message = &s->recv_bb;
	return grpc_call_start_batch(s->call, ops, n, &s->tag_recv, NULL) == GRPC_CALL_OK ? 0
											  : -EIO;
}

/*
 * Hands one response to the handler, without the events already delivered
 * (mod_revision < *next_rev), and advances *next_rev. Returns < 0 when the
 * handler ends the watch.
 */
static int deliver(struct stream *s, Etcdserverpb__WatchResponse *resp, int64_t *next_rev,
		   struct ck_etcd_err *err)
{
	struct ck_etcd_watch *w = s->w;
	Mvccpb__Event **all = resp->events;
	size_t n_all = resp->n_events;
	size_t skip = 0;
	int r = 0;

	if (n_all == 0) {
		/* A progress notification: every later event is newer than this.
		 * Only those for our watcher are trusted for resuming (etcd 3.4
		 * answers a progress request with the store's revision even for an
		 * unsynced watcher). */
		if (resp->header && resp->watch_id == s->watch_id &&
		    resp->header->revision + 1 > *next_rev)
			*next_rev = resp->header->revision + 1;
	} else {
		while (skip < n_all && all[skip]->kv && all[skip]->kv->mod_revision < *next_rev)
			skip++;
		if (skip == n_all)
			return 0;
	}
	resp->events = all + skip;
	resp->n_events = n_all - skip;
	s->delivered = true;
	r = w->handler.events(w->handler.arg, resp, err);
	resp->events = all;
	resp->n_events = n_all;
	if (n_all > 0 && all[n_all - 1]->kv)
		*next_rev = all[n_all - 1]->kv->mod_revision + 1;
	return r;
}

/*
 * Handles one received message. Returns 0 to keep reading, 1 when the stream
 * should end (terminal error in *err), < 0 on a terminal error too.
 */
static int on_message(struct stream *s, int64_t *next_rev, struct ck_etcd_err *err)
{
	struct ck_etcd_watch *w = s->w;
	Etcdserverpb__WatchResponse *resp = (Etcdserverpb__WatchResponse *)ck_etcd_unpack(
	    &etcdserverpb__watch_response__descriptor, s->recv_bb);
	int r = 0;

	grpc_byte_buffer_destroy(s->recv_bb);
	s->recv_bb = NULL;
	if (!resp)
		return ck_etcd_seterr(err, -EIO, "etcd '%s' %s: malformed watch response",
				      w->client->eps[s->endpoint].url, WATCH_METHOD);
	if (resp->created) {
		s->created = true;
		s->watch_id = resp->watch_id;
		/* "From now" becomes an exact revision, so that a reopened
		 * stream misses nothing in between. */
		if (*next_rev <= 0 && resp->header)
			*next_rev = resp->header->revision + 1;
	}
	if (resp->canceled) {
		if (resp->compact_revision > 0)
			r = ck_etcd_seterr(
			    err, -EKEYEXPIRED,
			    "etcd '%s' %s: required revision %lld has been compacted "
			    "(compact revision %lld)",
			    w->client->eps[s->endpoint].url, WATCH_METHOD, (long long)*next_rev,
			    (long long)resp->compact_revision);
		else
			r = ck_etcd_seterr(err, -EIO, "etcd '%s' %s: watch canceled: %s",
					   w->client->eps[s->endpoint].url, WATCH_METHOD,
					   resp->cancel_reason ? resp->cancel_reason : "");
		goto out;
	}
	if (resp->n_events > 0 || !resp->created)
		r = deliver(s, resp, next_rev, err);
	if (r < 0 && err && err->code != r)
		ck_etcd_seterr(err, r, "etcd watch handler failed (%d)", r);
out:
	ck_etcd_response_free(resp);
	return r;
}

static enum stream_end run_stream(struct ck_etcd_watch *w, grpc_completion_queue *cq,
				  int64_t *next_rev, bool *delivered, struct ck_etcd_err *err)
{
	struct stream s;
	enum stream_end end = STREAM_RETRY;
	int outstanding = 0;
	bool terminal = false, status_done = false;
	grpc_op ops[2];

	memset(&s, 0, sizeof(s));
	s.w = w;
	s.tag_status.w = s.tag_send.w = s.tag_recv.w = w;
	s.watch_id = -2;
	s.details = grpc_empty_slice();
	grpc_metadata_array_init(&s.initial_md);
	grpc_metadata_array_init(&s.trailing_md);
	s.endpoint = ck_etcd_pick_endpoint(w->client);
	s.call = grpc_channel_create_call(w->client->eps[s.endpoint].channel, NULL,
					  GRPC_PROPAGATE_DEFAULTS, cq,
					  grpc_slice_from_static_string(WATCH_METHOD), NULL,
					  gpr_inf_future(GPR_CLOCK_REALTIME), NULL);

	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		end = STREAM_STOPPED;
		goto out;
	}
	w->call = s.call;
	w->streams++;
	pthread_mutex_unlock(&w->mu);

	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[0].data.recv_status_on_client.trailing_metadata = &s.trailing_md;
	ops[0].data.recv_status_on_client.status = &s.status;
	ops[0].data.recv_status_on_client.status_details = &s.details;
	ops[0].data.recv_status_on_client.error_string = &s.error_string;
	if (grpc_call_start_batch(s.call, ops, 1, &s.tag_status, NULL) != GRPC_CALL_OK)
		goto unhook;
	outstanding++;

	s.send_bb = create_request(w, *next_rev);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = s.send_bb;
	if (grpc_call_start_batch(s.call, ops, 2, &s.tag_send, NULL) == GRPC_CALL_OK)
		outstanding++;
	if (post_recv(&s, true) == 0)
		outstanding++;

	while (outstanding > 0) {
		struct completion ev = next_completion(w);
		outstanding--;
		if (ev.tag == &s.tag_status) {
			status_done = true;
		} else if (ev.tag == &s.tag_send) {
			grpc_byte_buffer_destroy(s.send_bb);
			s.send_bb = NULL;
		} else if (ev.tag == &s.tag_recv) {
			if (!ev.success || !s.recv_bb || terminal)
				continue; /* the stream is over; the status says why */
			/* a message may complete after the status: deliver it */
			int r = on_message(&s, next_rev, err);
			if (r < 0) {
				terminal = true;
				grpc_call_cancel(s.call, NULL);
				continue;
			}
			if (status_done || is_stopping(w))
				continue;
			if (post_recv(&s, false) == 0)
				outstanding++;
		}
	}
	if (s.recv_bb) {
		grpc_byte_buffer_destroy(s.recv_bb);
		s.recv_bb = NULL;
	}
	*delivered = s.delivered || s.created;
unhook:
	pthread_mutex_lock(&w->mu);
	w->call = NULL;
	bool stopping = w->stopping;
	pthread_mutex_unlock(&w->mu);
	if (terminal) {
		end = STREAM_TERMINAL;
	} else if (stopping) {
		end = STREAM_STOPPED;
	} else {
		char *details = grpc_slice_to_c_string(s.details);
		int code = ck_etcd_status_errno(s.status, details);
		if (code == -EKEYEXPIRED) {
			ck_etcd_seterr(err, code, "etcd '%s' %s: %s",
				       w->client->eps[s.endpoint].url, WATCH_METHOD, details);
			end = STREAM_TERMINAL;
		} else {
			ck_log_v(4,
				 "etcd '%s' %s: stream ended: %s: %s; reopening from revision %lld",
				 w->client->eps[s.endpoint].url, WATCH_METHOD,
				 ck_etcd_status_name(s.status), details, (long long)*next_rev);
			if (ck_etcd_endpoint_failed(s.status))
				ck_etcd_endpoint_down(w->client, s.endpoint);
		}
		gpr_free(details);
	}
out:
	if (s.send_bb)
		grpc_byte_buffer_destroy(s.send_bb);
	if (s.error_string)
		gpr_free((void *)s.error_string);
	grpc_slice_unref(s.details);
	grpc_metadata_array_destroy(&s.initial_md);
	grpc_metadata_array_destroy(&s.trailing_md);
	grpc_call_unref(s.call);
	return end;
}

/* Sleeps ms unless the watch is being stopped; returns true when stopping. */
static bool wait_or_stop(struct ck_etcd_watch *w, unsigned ms)
{
	struct timespec until;
	ck_time_mono_deadline(&until, ms);
	pthread_mutex_lock(&w->mu);
	while (!w->stopping && pthread_cond_timedwait(&w->cond, &w->mu, &until) != ETIMEDOUT)
		;
	bool s = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return s;
}

static void *watch_main(void *arg)
{
	struct ck_etcd_watch *w = arg;
	struct ck_etcd_err err = { 0, "" };
	pthread_setname_np(pthread_self(), "ck-etcd-watch");
	struct ck_etcd_backoff backoff;
	int64_t next_rev = w->start_revision;
	grpc_completion_queue *cq = NULL;
	bool failed = false;

	if (w->handler.prepare) {
		int r = w->handler.prepare(w->handler.arg, &next_rev, &err);
		if (r < 0) {
			if (err.code != r)
				ck_etcd_seterr(&err, r, "etcd watch preparation failed (%d)", r);
			failed = true;
			goto out;
		}
	}
	/* After prepare: a watch from "now" lists as soon as it can. */
	if (!(cq = poller_queue(w->client))) {
		ck_etcd_seterr(&err, -EAGAIN, "unable to start the etcd watch poller");
		failed = true;
		goto out;
	}
	ck_etcd_backoff_init(&backoff, CK_ETCD_WATCH_RETRY_INITIAL_MS, CK_ETCD_WATCH_RETRY_MAX_MS,
			     (uint64_t)(uintptr_t)w);
	for (;;) {
		bool delivered = false;
		enum stream_end end = run_stream(w, cq, &next_rev, &delivered, &err);
		if (end == STREAM_STOPPED)
			break;
		if (end == STREAM_TERMINAL) {
			failed = true;
			break;
		}
		if (delivered)
			ck_etcd_backoff_reset(&backoff);
		if (wait_or_stop(w, ck_etcd_backoff_next(&backoff)))
			break;
	}
out:
	if (failed && !is_stopping(w) && w->handler.error)
		w->handler.error(w->handler.arg, err.code, err.message);
	return NULL;
}

static uint8_t *copy_bytes(const void *p, size_t len)
{
	uint8_t *c = ck_malloc(len + 1);
	if (len)
		memcpy(c, p, len);
	c[len] = 0;
	return c;
}

int ck_etcd_watch_start(struct ck_etcd *c, const struct ck_etcd_watch_options *opts,
			const struct ck_etcd_watch_handler *handler, struct ck_etcd_watch **ret,
			struct ck_etcd_err *err)
{
	struct ck_etcd_watch *w;
	int r;

	if (!opts || !handler || !handler->events || (opts->key_len && !opts->key) ||
	    (opts->range_end_len && !opts->range_end))
		return ck_etcd_seterr(err, -EINVAL, "invalid etcd watch arguments");
	w = ck_calloc(1, sizeof(*w));
	w->client = c;
	w->handler = *handler;
	w->key = copy_bytes(opts->key, opts->key_len);
	w->key_len = opts->key_len;
	w->range_end = copy_bytes(opts->range_end, opts->range_end_len);
	w->range_end_len = opts->range_end_len;
	w->start_revision = opts->start_revision;
	w->prev_kv = opts->prev_kv;
	w->progress_notify = opts->progress_notify;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((r = pthread_create(&w->thread, NULL, watch_main, w)) != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mu);
		free(w->key);
		free(w->range_end);
		free(w);
		return ck_etcd_seterr(err, -r, "unable to start an etcd watch thread: %s",
				      strerror(r));
	}
	*ret = w;
	return 0;
}

unsigned ck_etcd_watch_stream_count(struct ck_etcd_watch *w)
{
	pthread_mutex_lock(&w->mu);
	unsigned n = w->streams;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void ck_etcd_watch_stop(struct ck_etcd_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	if (w->call)
		grpc_call_cancel(w->call, NULL);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w->key);
	free(w->range_end);
	free(w);
}
