/*
 * The etcd client: endpoints, channels, credentials, and the one unary call
 * path every KV, lease and maintenance request takes (deadline, endpoint
 * failover, retries where safe, errors naming endpoint and method).
 */
#include <errno.h>
#include <pthread.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/log.h>
#include <grpc/support/string_util.h>
#include <grpc/support/time.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "storage/etcd3/etcd3_int.h"
#include "storage/etcd3/retry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

/* Upstream's etcd client keepalive (apiserver storage/storagebackend/factory). */
#define KEEPALIVE_TIME_MS 30000
#define KEEPALIVE_TIMEOUT_MS 10000
/*
 * Reconnect quickly after an etcd restart: 100 ms doubling up to 2 s. (Not
 * GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC core also uses it as the timeout
 * of each connection attempt, 20 s by default, and a small one makes every
 * attempt against a busy, just-restarted etcd time out.)
 */
#define RECONNECT_MIN_MS 100
#define RECONNECT_MAX_MS 2000
/* How often a unary call's wait looks whether a client shutdown's grace
 * has passed (only calls that take longer than this wake for it). */
#define CALL_WAIT_SLICE_MS 250
/* TLS files larger than this are not certificates. */
#define MAX_PEM_FILE (1024 * 1024)

int ck_etcd_seterr(struct ck_etcd_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

gpr_timespec ck_etcd_deadline(int ms)
{
	return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
			    gpr_time_from_millis(ms > 0 ? ms : 1, GPR_TIMESPAN));
}

static int read_pem(const char *path, char **ret, struct ck_etcd_err *err)
{
	FILE *f = fopen(path, "rb");
	struct ck_buf b;
	char chunk[4096];
	size_t n;
	int r = 0;

	if (!f)
		return ck_etcd_seterr(err, -errno, "unable to open '%s': %s", path,
				      strerror(errno));
	ck_buf_init(&b, MAX_PEM_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((r = ck_buf_add(&b, chunk, n)) < 0) {
			ck_etcd_seterr(err, r, "unable to read '%s': too large", path);
			goto out;
		}
	}
	if (ferror(f)) {
		r = ck_etcd_seterr(err, -EIO, "unable to read '%s'", path);
		goto out;
	}
	*ret = ck_buf_detach(&b, NULL);
out:
	ck_buf_release(&b);
	fclose(f);
	return r;
}

static int make_tls_credentials(const struct ck_etcd_config *cfg, grpc_channel_credentials **ret,
				struct ck_etcd_err *err)
{
	char *ca = NULL, *cert = NULL, *key = NULL;
	grpc_ssl_pem_key_cert_pair pair;
	int r = 0;

	if (cfg->ca_file && *cfg->ca_file && (r = read_pem(cfg->ca_file, &ca, err)) < 0)
		goto out;
	if ((cfg->cert_file && *cfg->cert_file) != (cfg->key_file && *cfg->key_file)) {
		r = ck_etcd_seterr(err, -EINVAL, "etcd client certificate and key go together");
		goto out;
	}
	if (cfg->cert_file && *cfg->cert_file) {
		if ((r = read_pem(cfg->cert_file, &cert, err)) < 0 ||
		    (r = read_pem(cfg->key_file, &key, err)) < 0)
			goto out;
		pair.cert_chain = cert;
		pair.private_key = key;
	}
	*ret = grpc_ssl_credentials_create(ca, cert ? &pair : NULL, NULL, NULL);
	if (!*ret)
		r = ck_etcd_seterr(err, -EINVAL, "unable to create etcd TLS credentials");
out:
	free(ca);
	free(cert);
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	return r;
}

/*
 * gRPC core logs to stderr by default; library code logs only through klog
 * at debug verbosity, so route its lines there (errors at 4, the rest at 5).
 */
static void grpc_log_to_klog(gpr_log_func_args *args)
{
	int level = args->severity == GPR_LOG_SEVERITY_ERROR ? 4 : 5;
	ck_log_v(level, "grpc: %s:%d: %s", args->file, args->line, args->message);
}

static void install_grpc_log(void)
{
	gpr_set_log_function(grpc_log_to_klog);
}

static void free_endpoints(struct ck_etcd *c)
{
	for (size_t i = 0; i < c->n_eps; i++) {
		if (c->eps[i].channel)
			grpc_channel_destroy(c->eps[i].channel);
		free(c->eps[i].url);
		free(c->eps[i].target);
	}
	free(c->eps);
	c->eps = NULL;
	c->n_eps = 0;
}

int ck_etcd_new(const struct ck_etcd_config *cfg, struct ck_etcd **ret, struct ck_etcd_err *err)
{
	struct ck_etcd *c = NULL;
	char **urls = NULL;
	grpc_channel_credentials *insecure = NULL, *secure = NULL;
	int r = 0;

	if (!cfg || !cfg->endpoints || !*cfg->endpoints)
		return ck_etcd_seterr(err, -EINVAL, "no etcd endpoints given");

	static pthread_once_t log_once = PTHREAD_ONCE_INIT;
	pthread_once(&log_once, install_grpc_log);
	grpc_init();
	c = ck_calloc(1, sizeof(*c));
	c->endpoints = ck_strdup(cfg->endpoints);
	c->request_timeout_ms =
	    cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms : CK_ETCD_DEFAULT_TIMEOUT_MS;
	atomic_init(&c->preferred, 0);
	atomic_init(&c->stop_deadline_ms, 0);
	ck_cancel_init(&c->stopping);
	pthread_mutex_init(&c->watch_mu, NULL);

	urls = ck_str_split(cfg->endpoints, ',', 0);
	size_t n = ck_strv_len(urls);
	c->eps = ck_calloc(n, sizeof(*c->eps));

	grpc_arg args[] = {
		{ GRPC_ARG_INTEGER, GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, { .integer = -1 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_KEEPALIVE_TIME_MS, { .integer = KEEPALIVE_TIME_MS } },
		{ GRPC_ARG_INTEGER,
		  GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
		  { .integer = KEEPALIVE_TIMEOUT_MS } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, { .integer = 0 } },
		{ GRPC_ARG_INTEGER,
		  GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
		  { .integer = RECONNECT_MIN_MS } },
		{ GRPC_ARG_INTEGER,
		  GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
		  { .integer = RECONNECT_MAX_MS } },
	};
	/* gRPC core's transparent retries stay on: they only resend what no
	 * server has seen. */
	grpc_channel_args chargs = { CK_ARRAY_SIZE(args), args };

	for (size_t i = 0; i < n; i++) {
		struct ck_etcd_endpoint *ep = &c->eps[c->n_eps];
		bool tls;
		char *url = ck_str_trim(urls[i]);
		if (!*url) {
			free(url);
			continue;
		}
		if (ck_etcd_parse_endpoint(url, &ep->target, &tls) < 0) {
			r = ck_etcd_seterr(err, -EINVAL, "invalid etcd endpoint '%s'", url);
			free(url);
			goto out;
		}
		ep->url = url;
		c->n_eps++;
		grpc_channel_credentials *creds;
		if (tls) {
			if (!secure && (r = make_tls_credentials(cfg, &secure, err)) < 0)
				goto out;
			creds = secure;
		} else {
			if (!insecure)
				insecure = grpc_insecure_credentials_create();
			creds = insecure;
		}
		ep->channel = grpc_channel_create(ep->target, creds, &chargs);
		if (!ep->channel) {
			r = ck_etcd_seterr(err, -EINVAL, "unable to create a channel to '%s'", url);
			goto out;
		}
	}
	if (c->n_eps == 0) {
		r = ck_etcd_seterr(err, -EINVAL, "no etcd endpoints given");
		goto out;
	}
	*ret = c;
	c = NULL;
out:
	if (insecure)
		grpc_channel_credentials_release(insecure);
	if (secure)
		grpc_channel_credentials_release(secure);
	ck_strv_free(urls);
	ck_etcd_free(c);
	return r;
}

void ck_etcd_free(struct ck_etcd *c)
{
	if (!c)
		return;
	ck_etcd_watch_poller_stop(c);
	ck_cancel_release(&c->stopping);
	pthread_mutex_destroy(&c->watch_mu);
	free_endpoints(c);
	free(c->endpoints);
	free(c);
	grpc_shutdown();
}

const char *ck_etcd_endpoints(const struct ck_etcd *c)
{
	return c->endpoints;
}

int ck_etcd_request_timeout_ms(const struct ck_etcd *c)
{
	return c->request_timeout_ms;
}

size_t ck_etcd_endpoint_count(const struct ck_etcd *c)
{
	return c->n_eps;
}

size_t ck_etcd_pick_endpoint(struct ck_etcd *c)
{
	size_t first = atomic_load(&c->preferred) % c->n_eps;
	if (c->n_eps == 1)
		return first;
	for (size_t k = 0; k < c->n_eps; k++) {
		size_t i = (first + k) % c->n_eps;
		grpc_connectivity_state st =
		    grpc_channel_check_connectivity_state(c->eps[i].channel, 1);
		if (st != GRPC_CHANNEL_TRANSIENT_FAILURE)
			return i;
	}
	return first;
}

void ck_etcd_endpoint_down(struct ck_etcd *c, size_t index)
{
	size_t expected = index;
	if (c->n_eps > 1)
		atomic_compare_exchange_strong(&c->preferred, &expected, (index + 1) % c->n_eps);
}

grpc_slice ck_etcd_pack(const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	grpc_slice s = grpc_slice_malloc(len);
	size_t packed = protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(s));
	CK_BUG_ON(packed != len);
	return s;
}

ProtobufCMessage *ck_etcd_unpack(const ProtobufCMessageDescriptor *desc, grpc_byte_buffer *bb)
{
	grpc_byte_buffer_reader reader;
	ProtobufCMessage *msg;
	if (!grpc_byte_buffer_reader_init(&reader, bb))
		return NULL;
	grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
	grpc_byte_buffer_reader_destroy(&reader);
	msg = protobuf_c_message_unpack(desc, NULL, GRPC_SLICE_LENGTH(all),
					GRPC_SLICE_START_PTR(all));
	grpc_slice_unref(all);
	return msg;
}

void ck_etcd_response_free(void *response)
{
	if (response)
		protobuf_c_message_free_unpacked(response, NULL);
}

/* The outcome of one attempt. */
struct attempt {
	grpc_status_code status;
	char *details; /* gpr-allocated via grpc_slice_to_c_string */
	grpc_byte_buffer *response;
};

static void attempt_release(struct attempt *a)
{
	gpr_free(a->details);
	a->details = NULL;
	if (a->response)
		grpc_byte_buffer_destroy(a->response);
	a->response = NULL;
}

static int64_t monotonic_ms(gpr_timespec t)
{
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Waits for the call's batch. In slices, so that a call still waiting when
 * a shutting-down client's grace has passed is cancelled (etcd hangs).
 */
static grpc_event pluck_call(struct ck_etcd *c, grpc_completion_queue *cq, grpc_call *call,
			     void *tag)
{
	bool cancelled = false;
	for (;;) {
		grpc_event ev = grpc_completion_queue_pluck(
		    cq, tag, ck_etcd_deadline(CALL_WAIT_SLICE_MS), NULL);
		if (ev.type != GRPC_QUEUE_TIMEOUT)
			return ev;
		if (!cancelled && ck_cancel_fired(&c->stopping) &&
		    monotonic_ms(gpr_now(GPR_CLOCK_MONOTONIC)) >=
			atomic_load(&c->stop_deadline_ms)) {
			grpc_call_cancel_with_status(call, GRPC_STATUS_DEADLINE_EXCEEDED,
						     "the etcd client is shutting down", NULL);
			cancelled = true;
		}
	}
}

/* One call to one endpoint, on its own completion queue, until deadline. */
static void call_once(struct ck_etcd *c, size_t ep, const char *method, grpc_slice payload,
		      gpr_timespec deadline, struct attempt *a)
{
	grpc_channel *ch = c->eps[ep].channel;
	grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
	grpc_call *call =
	    grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
				     grpc_slice_from_static_string(method), NULL, deadline, NULL);
	grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&payload, 1);
	grpc_metadata_array initial_md, trailing_md;
	grpc_slice details = grpc_empty_slice();
	const char *error_string = NULL;
	grpc_op ops[6];
	void *tag = &ops;

	grpc_metadata_array_init(&initial_md);
	grpc_metadata_array_init(&trailing_md);
	memset(ops, 0, sizeof(ops));
	a->response = NULL;
	a->status = GRPC_STATUS_UNKNOWN;
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial_md;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &a->response;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &trailing_md;
	ops[5].data.recv_status_on_client.status = &a->status;
	ops[5].data.recv_status_on_client.status_details = &details;
	ops[5].data.recv_status_on_client.error_string = &error_string;

	grpc_call_error e = grpc_call_start_batch(call, ops, CK_ARRAY_SIZE(ops), tag, NULL);
	if (e == GRPC_CALL_OK) {
		grpc_event ev = pluck_call(c, cq, call, tag);
		CK_BUG_ON(ev.type != GRPC_OP_COMPLETE);
		a->details = grpc_slice_to_c_string(details);
	} else {
		a->status = GRPC_STATUS_INTERNAL;
		char msg[64];
		snprintf(msg, sizeof(msg), "grpc_call_start_batch failed (%d)", (int)e);
		a->details = gpr_strdup(msg);
	}
	if (error_string)
		gpr_free((void *)error_string);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&initial_md);
	grpc_metadata_array_destroy(&trailing_md);
	grpc_byte_buffer_destroy(send);
	grpc_call_unref(call);
	grpc_completion_queue_shutdown(cq);
	while (
	    grpc_completion_queue_pluck(cq, tag, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
	    GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(cq);
}

void ck_etcd_shutdown(struct ck_etcd *c, int grace_ms)
{
	if (!c)
		return;
	int64_t deadline = monotonic_ms(ck_etcd_deadline(grace_ms));
	int64_t none = 0;
	/* the first shutdown's deadline stands */
	atomic_compare_exchange_strong(&c->stop_deadline_ms, &none, deadline);
	ck_cancel_fire(&c->stopping);
}

/* Moves a failed attempt's outcome into *to (released first). */
static void attempt_move(struct attempt *to, struct attempt *from)
{
	attempt_release(to);
	*to = *from;
	from->details = NULL;
	from->response = NULL;
}

static int64_t ms_until(gpr_timespec deadline)
{
	gpr_timespec left = gpr_time_sub(deadline, gpr_now(GPR_CLOCK_MONOTONIC));
	return (int64_t)gpr_time_to_millis(left);
}

int ck_etcd_unary(struct ck_etcd *c, const char *method, const ProtobufCMessage *req,
		  const ProtobufCMessageDescriptor *resp_desc, bool idempotent, int timeout_ms,
		  long endpoint, ProtobufCMessage **ret, struct ck_etcd_err *err)
{
	gpr_timespec deadline =
	    ck_etcd_deadline(timeout_ms > 0 ? timeout_ms : c->request_timeout_ms);
	if (ck_cancel_fired(&c->stopping)) {
		gpr_timespec stop =
		    gpr_time_from_millis(atomic_load(&c->stop_deadline_ms), GPR_CLOCK_MONOTONIC);
		deadline = gpr_time_min(deadline, stop);
	}
	grpc_slice payload = ck_etcd_pack(req);
	struct ck_etcd_backoff backoff;
	struct attempt a = { GRPC_STATUS_OK, NULL, NULL };
	/* the failure the call last retried after, and on which endpoint */
	struct attempt cause = { GRPC_STATUS_OK, NULL, NULL };
	size_t cause_ep = 0;
	int r = 0;

	ck_etcd_backoff_init(&backoff, CK_ETCD_RETRY_INITIAL_MS, CK_ETCD_RETRY_MAX_MS,
			     (uint64_t)(uintptr_t)&a ^
				 (uint64_t)gpr_now(GPR_CLOCK_MONOTONIC).tv_nsec);
	for (unsigned attempt = 1;; attempt++) {
		size_t ep = endpoint >= 0 ? (size_t)endpoint : ck_etcd_pick_endpoint(c);
		call_once(c, ep, method, payload, deadline, &a);
		if (a.status == GRPC_STATUS_OK) {
			if (!a.response) {
				r = ck_etcd_seterr(err, -EIO, "etcd '%s' %s: no response message",
						   c->eps[ep].url, method);
				goto out;
			}
			ProtobufCMessage *msg = ck_etcd_unpack(resp_desc, a.response);
			if (!msg) {
				r = ck_etcd_seterr(err, -EIO, "etcd '%s' %s: malformed response",
						   c->eps[ep].url, method);
				goto out;
			}
			*ret = msg;
			goto out;
		}
		if (ck_etcd_endpoint_failed(a.status) && endpoint < 0)
			ck_etcd_endpoint_down(c, ep);
		/* A client shutting down retries nothing: this answer is final, and
		 * a shutdown during the wait ends it with this answer. */
		if (ck_etcd_retryable(a.status, a.details, idempotent) &&
		    !ck_cancel_fired(&c->stopping)) {
			unsigned wait = ck_etcd_backoff_next(&backoff);
			if (ms_until(deadline) > (int64_t)wait) {
				ck_log_v(5, "etcd '%s' %s: attempt %u: %s: %s; retrying in %u ms",
					 c->eps[ep].url, method, attempt,
					 ck_etcd_status_name(a.status), a.details, wait);
				if (ck_cancel_sleep_ms(&c->stopping, wait) == 0) {
					attempt_move(&cause, &a);
					cause_ep = ep;
					continue;
				}
			}
		}
		/* A read the deadline cut short says why it was retrying (not when
		 * a shutdown cancelled it: that answer stands). */
		const struct attempt *f = &a;
		if (cause_ep == ep && !ck_cancel_fired(&c->stopping) &&
		    ck_etcd_deadline_keeps_cause(a.status, cause.status, idempotent))
			f = &cause;
		r = ck_etcd_seterr(err, ck_etcd_status_errno(f->status, f->details),
				   "etcd '%s' %s: %s: %s%s", c->eps[ep].url, method,
				   ck_etcd_status_name(f->status), f->details ? f->details : "",
				   f == &cause ? " (retried until the deadline)" : "");
		ck_log_v(4, "%s", err ? err->message : method);
		goto out;
	}
out:
	attempt_release(&a);
	attempt_release(&cause);
	grpc_slice_unref(payload);
	return r;
}
