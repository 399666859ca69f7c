#include "util/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/common.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/rlimit.h"
#include "util/time.h"

#define DEFAULT_MAX_PENDING (16u * 1024 * 1024)

/* How often the sweeper looks for clients that left a suspended stream. */
#define SWEEP_INTERVAL_MS 1000

/*
 * The handler pool: threads that run handlers off the I/O workers, so that a
 * handler waiting for storage holds a pool thread and a suspended
 * connection, not a worker and every other connection of that worker.
 * Threads start on demand up to handler_threads and then stay.
 */
struct pool {
	unsigned max_threads;		     /* cfg.handler_threads; constant */
	pthread_mutex_t lock;		     /* guards everything below */
	pthread_cond_t work;		     /* a job was queued, or stopping */
	struct ck_http_request *head, *tail; /* queued, not started */
	unsigned queued;
	pthread_t *threads;
	unsigned nthreads;
	unsigned waiting; /* threads waiting for a job */
	bool stopping;
};

struct ck_http_server {
	struct MHD_Daemon *mhd;
	struct pool pool; /* unused when cfg.handler_threads is 0 */
	struct ck_http_server_config cfg;
	char *cert_pem;
	char *key_pem;
	char *client_ca_pem;
	int port;
	pthread_mutex_t lock;		/* guards streams and stopping */
	struct ck_http_stream *streams; /* live streams, for stop */
	bool stopping;
	pthread_cond_t sweep_cond; /* with lock: wakes the sweeper at stop */
	pthread_t sweeper;	   /* sweep_main */
	bool sweeper_started;
};

struct header {
	char *name;
	char *value;
};

struct ck_http_request {
	struct ck_http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	struct ck_buf body;
	bool too_large;
	bool responded;
	enum MHD_Result result;
	/* Pool mode: the handler runs on a pool thread while the connection is
	 * suspended, and its answer is queued when the worker resumes it. */
	bool dispatched;
	struct MHD_Response *deferred; /* the answer, not yet queued */
	unsigned deferred_status;
	struct ck_http_request *next_job; /* the pool's queue */
	struct header *headers;
	size_t nheaders;
	char remote[INET6_ADDRSTRLEN];
	int peer_status; /* 1: not checked yet; else ck_http_request_peer_cert's */
	const unsigned char *peer_der;
	size_t peer_len;
};

struct ck_http_stream {
	pthread_mutex_t lock; /* guards everything below but refs */
	atomic_int refs;
	struct ck_http_server *srv;
	struct MHD_Connection *conn;
	struct ck_buf pending; /* bytes from off on are not yet sent */
	size_t off;
	size_t max_pending;
	bool suspended;	  /* the connection is suspended, waiting for bytes */
	bool closed;	  /* the producer ended the body */
	bool gone;	  /* the client went away (the response is done) */
	bool stopping;	  /* the server is stopping: end the body now */
	bool peer_closed; /* the client closed its side while we were suspended */
	int fd;		  /* the connection's socket, or -1 */
	void (*on_gone)(void *data);
	void *on_gone_data;
	struct ck_http_stream *prev, *next; /* server's list, under srv->lock */
};

/* ---- reading files ---- */

static int read_file(const char *path, char **ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	struct ck_buf b;
	ck_buf_init(&b, CK_MAX_REQUEST_BODY);
	char chunk[4096];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((r = ck_buf_add(&b, chunk, n)) < 0)
			break;
	if (ferror(f))
		r = -EIO;
	fclose(f);
	if (r < 0) {
		ck_buf_release(&b);
		return r;
	}
	*ret = ck_buf_detach(&b, NULL);
	return 0;
}

/* ---- requests ---- */

const char *ck_http_request_method(const struct ck_http_request *req)
{
	return req->method;
}

const char *ck_http_request_path(const struct ck_http_request *req)
{
	return req->path;
}

const char *ck_http_request_header(const struct ck_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *ck_http_request_query(const struct ck_http_request *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	if (v)
		return v;
	/* A key without '=' is present with a NULL value in MHD: report "". */
	enum MHD_Result found = MHD_lookup_connection_value_n(req->conn, MHD_GET_ARGUMENT_KIND,
							      name, strlen(name), &v, NULL);
	return found == MHD_YES ? "" : NULL;
}

struct query_iter {
	bool (*fn)(void *data, const char *key, const char *value);
	void *data;
};

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind;
	struct query_iter *it = cls;
	return it->fn(it->data, key, value ? value : "") ? MHD_YES : MHD_NO;
}

void ck_http_request_query_foreach(const struct ck_http_request *req,
				   bool (*fn)(void *data, const char *key, const char *value),
				   void *data)
{
	struct query_iter it = { fn, data };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_cb, &it);
}

void ck_http_request_header_foreach(const struct ck_http_request *req,
				    bool (*fn)(void *data, const char *name, const char *value),
				    void *data)
{
	struct query_iter it = { fn, data };
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, query_cb, &it);
}

const struct ck_buf *ck_http_request_body(const struct ck_http_request *req)
{
	return &req->body;
}

const char *ck_http_request_remote_addr(const struct ck_http_request *req)
{
	return req->remote;
}

/* Per connection (with a client CA): the client certificate's verification,
 * done once and reused by the connection's later requests. */
struct conn_tls {
	int status; /* 1: not verified yet; else ck_http_request_peer_cert's */
	unsigned char *der;
	size_t len;
};

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)conn;
	struct ck_http_server *srv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		if (srv->client_ca_pem) {
			struct conn_tls *t = ck_calloc(1, sizeof(*t));
			t->status = 1;
			*socket_context = t;
		}
		return;
	}
	struct conn_tls *t = *socket_context;
	if (t) {
		free(t->der);
		free(t);
	}
	*socket_context = NULL;
}

int ck_http_request_peer_cert(struct ck_http_request *req, const unsigned char **ret_der,
			      size_t *ret_len)
{
	if (req->peer_status == 1) {
		req->peer_status = -ENOENT;
		const union MHD_ConnectionInfo *ci =
		    req->srv->client_ca_pem
			? MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION)
			: NULL;
		gnutls_session_t session = ci ? (gnutls_session_t)ci->tls_session : NULL;
		unsigned int n = 0, status = 0;
		const gnutls_datum_t *certs =
		    session ? gnutls_certificate_get_peers(session, &n) : NULL;
		if (certs && n > 0) {
			req->peer_der = certs[0].data;
			req->peer_len = certs[0].size;
			const union MHD_ConnectionInfo *si =
			    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
			struct conn_tls *t = si ? si->socket_context : NULL;
			if (t && t->status != 1 && t->len == certs[0].size &&
			    memcmp(t->der, certs[0].data, t->len) == 0) {
				req->peer_status = t->status;
			} else {
				req->peer_status =
				    gnutls_certificate_verify_peers2(session, &status) == 0 &&
					    status == 0
					? 0
					: -EACCES;
				if (t) {
					free(t->der);
					t->der = ck_malloc(certs[0].size);
					memcpy(t->der, certs[0].data, certs[0].size);
					t->len = certs[0].size;
					t->status = req->peer_status;
				}
			}
		}
	}
	if (req->peer_der) {
		*ret_der = req->peer_der;
		*ret_len = req->peer_len;
	}
	return req->peer_status;
}

static void set_remote(struct ck_http_request *req)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->remote,
			  sizeof(req->remote));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->remote,
			  sizeof(req->remote));
}

static void request_free(struct ck_http_request *req)
{
	if (!req)
		return;
	/* The client left before a deferred answer was queued. */
	if (req->deferred)
		MHD_destroy_response(req->deferred);
	ck_buf_release(&req->body);
	for (size_t i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	free(req);
}

/* ---- responses ---- */

void ck_http_response_header(struct ck_http_request *req, const char *name, const char *value)
{
	req->headers = ck_realloc(req->headers, (req->nheaders + 1) * sizeof(*req->headers));
	req->headers[req->nheaders].name = ck_strdup(name);
	req->headers[req->nheaders].value = ck_strdup(value);
	req->nheaders++;
}

bool ck_http_response_has_header(const struct ck_http_request *req, const char *name,
				 const char *value)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0 &&
		    strcmp(req->headers[i].value, value) == 0)
			return true;
	return false;
}

static void queue(struct ck_http_request *req, int status, const char *content_type,
		  struct MHD_Response *resp)
{
	CK_BUG_ON(req->responded);
	req->responded = true;
	if (!resp) {
		req->result = MHD_NO;
		return;
	}
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	for (size_t i = 0; i < req->nheaders; i++)
		MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
	if (req->dispatched) {
		/* On a pool thread: the worker queues it once resumed. */
		req->deferred = resp;
		req->deferred_status = (unsigned)status;
		return;
	}
	req->result = MHD_queue_response(req->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
}

void ck_http_respond(struct ck_http_request *req, int status, const char *content_type,
		     const void *body, size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	queue(req, status, content_type, resp);
}

void ck_http_respond_buf(struct ck_http_request *req, int status, const char *content_type,
			 struct ck_buf *body)
{
	size_t len;
	char *data = ck_buf_detach(body, &len);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer_with_free_callback(len, data, free);
	if (!resp)
		free(data);
	queue(req, status, content_type, resp);
}

/* ---- streams ---- */

void ck_http_stream_ref(struct ck_http_stream *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void ck_http_stream_unref(struct ck_http_stream *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	ck_buf_release(&s->pending);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Resumes a suspended connection; called with s->lock held. */
static void wake_locked(struct ck_http_stream *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

int ck_http_stream_write(struct ck_http_stream *s, const void *data, size_t len)
{
	int r = 0;
	pthread_mutex_lock(&s->lock);
	if (s->gone || s->closed || s->stopping) {
		r = -EPIPE;
		goto out;
	}
	if (s->pending.len - s->off + len > s->max_pending) {
		r = -ENOBUFS;
		goto out;
	}
	if (s->off && s->off >= s->pending.len / 2) {
		/* Compact: drop what was sent before it costs more than it frees. */
		memmove(s->pending.data, s->pending.data + s->off, s->pending.len - s->off);
		ck_buf_truncate(&s->pending, s->pending.len - s->off);
		s->off = 0;
	}
	r = ck_buf_add(&s->pending, data, len);
	if (r == -E2BIG)
		r = -ENOBUFS;
	if (r == 0)
		wake_locked(s);
out:
	pthread_mutex_unlock(&s->lock);
	return r;
}

void ck_http_stream_close(struct ck_http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	if (!s->gone)
		wake_locked(s);
	pthread_mutex_unlock(&s->lock);
}

bool ck_http_stream_gone(struct ck_http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	bool gone = s->gone || s->stopping;
	pthread_mutex_unlock(&s->lock);
	return gone;
}

void ck_http_stream_on_gone(struct ck_http_stream *s, void (*fn)(void *data), void *data)
{
	pthread_mutex_lock(&s->lock);
	s->on_gone = fn;
	s->on_gone_data = data;
	pthread_mutex_unlock(&s->lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct ck_http_stream *s = cls;
	ssize_t n;
	pthread_mutex_lock(&s->lock);
	if (s->gone || s->peer_closed) {
		n = MHD_CONTENT_READER_END_WITH_ERROR;
	} else if (s->pending.len > s->off) {
		size_t avail = s->pending.len - s->off;
		n = (ssize_t)(avail < max ? avail : max);
		memcpy(buf, s->pending.data + s->off, (size_t)n);
		s->off += (size_t)n;
		if (s->off == s->pending.len) {
			/* Freed, not kept: a watch spends nearly all its life with
			 * nothing queued, and thousands of kept buffers (one frame
			 * each, 4 KiB as grown) were a sixth of what a watch cost. */
			ck_buf_release(&s->pending);
			s->off = 0;
		}
	} else if (s->closed || s->stopping) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* Nothing to send: park the connection until a write wakes it. */
		s->suspended = true;
		MHD_suspend_connection(s->conn);
		n = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* MHD is done with the response: the connection ended or the body did. */
static void stream_done(void *cls)
{
	struct ck_http_stream *s = cls;
	struct ck_http_server *srv = s->srv;

	pthread_mutex_lock(&srv->lock);
	if (s->prev)
		s->prev->next = s->next;
	else if (srv->streams == s)
		srv->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	pthread_mutex_unlock(&srv->lock);

	pthread_mutex_lock(&s->lock);
	s->gone = true;
	/* Under the lock, so that ck_http_stream_on_gone(s, NULL, NULL) waits
	 * for a callback in progress; the producer wants to know unless it ended. */
	if (!s->closed && s->on_gone)
		s->on_gone(s->on_gone_data);
	pthread_mutex_unlock(&s->lock);
	ck_http_stream_unref(s);
}

struct ck_http_stream *ck_http_respond_stream(struct ck_http_request *req, int status,
					      const char *content_type, size_t max_pending)
{
	struct ck_http_stream *s = ck_calloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->refs, 2); /* the server's and the producer's */
	s->srv = req->srv;
	s->conn = req->conn;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = ci ? ci->connect_fd : -1;
	s->max_pending = max_pending ? max_pending : DEFAULT_MAX_PENDING;
	ck_buf_init(&s->pending, s->max_pending);

	/*
	 * A HEAD request gets the headers only: MHD would still end a chunked
	 * body with "0\r\n\r\n" after them, which breaks the connection's
	 * framing. The producer sees a stream that is already gone.
	 */
	if (strcmp(req->method, MHD_HTTP_METHOD_HEAD) == 0) {
		s->gone = true;
		atomic_store(&s->refs, 1);
		queue(req, status, content_type,
		      MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
		return s;
	}
	struct MHD_Response *resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, CK_HTTP_STREAM_BLOCK, stream_read, s, stream_done);
	if (!resp) {
		s->gone = true;
		atomic_store(&s->refs, 1);
		queue(req, status, content_type, NULL);
		return s;
	}
	pthread_mutex_lock(&req->srv->lock);
	s->next = req->srv->streams;
	if (s->next)
		s->next->prev = s;
	req->srv->streams = s;
	pthread_mutex_unlock(&req->srv->lock);
	queue(req, status, content_type, resp);
	return s;
}

/* ---- the server ---- */

static void answer_too_large(struct ck_http_request *req)
{
	struct ck_http_server *srv = req->srv;
	if (srv->cfg.too_large) {
		srv->cfg.too_large(srv->cfg.data, req);
		if (req->responded)
			return;
	}
	static const char msg[] = "request entity too large\n";
	ck_http_respond(req, 413, "text/plain", msg, sizeof(msg) - 1);
}

/* Calls the handler; answers 500 when it did not answer. */
static void run_handler(struct ck_http_request *req)
{
	struct ck_http_server *srv = req->srv;
	srv->cfg.handler(srv->cfg.data, req);
	if (!req->responded) {
		ck_log_error("bug: handler did not answer %s %s", req->method, req->path);
		static const char msg[] = "internal error: no response\n";
		ck_http_respond(req, 500, "text/plain", msg, sizeof(msg) - 1);
	}
}

static void *pool_main(void *arg)
{
	struct ck_http_server *srv = arg;
	struct pool *p = &srv->pool;
	pthread_setname_np(pthread_self(), "ck-http-handler");
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping) {
			p->waiting++;
			pthread_cond_wait(&p->work, &p->lock);
			p->waiting--;
		}
		struct ck_http_request *req = p->head;
		if (!req)
			break; /* stopping, and nothing left */
		p->head = req->next_job;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->lock);
		run_handler(req);
		/* The worker queues the answer when it resumes the connection;
		 * req is not ours after this call. */
		MHD_resume_connection(req->conn);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * On a worker: suspends the request's connection and queues the request for
 * the pool. False when the pool is stopping or has no thread: the caller
 * runs the handler itself.
 */
static bool pool_submit(struct ck_http_server *srv, struct ck_http_request *req)
{
	struct pool *p = &srv->pool;
	bool ok = false;
	pthread_mutex_lock(&p->lock);
	if (p->stopping)
		goto out;
	/* A thread for every job beyond the idle ones, up to the cap. */
	if (p->waiting <= p->queued && p->nthreads < p->max_threads &&
	    pthread_create(&p->threads[p->nthreads], NULL, pool_main, srv) == 0)
		p->nthreads++;
	if (p->nthreads == 0)
		goto out;
	req->dispatched = true;
	req->result = MHD_NO; /* unless the answer can be queued */
	MHD_suspend_connection(req->conn);
	req->next_job = NULL;
	if (p->tail)
		p->tail->next_job = req;
	else
		p->head = req;
	p->tail = req;
	p->queued++;
	pthread_cond_signal(&p->work);
	ok = true;
out:
	pthread_mutex_unlock(&p->lock);
	return ok;
}

/* Runs what is queued, then ends the pool's threads; later requests run on
 * the workers. */
static void pool_stop(struct ck_http_server *srv)
{
	struct pool *p = &srv->pool;
	if (!p->max_threads)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
}

/* Frees the pool once the workers are gone. */
static void pool_release(struct ck_http_server *srv)
{
	struct pool *p = &srv->pool;
	if (!p->max_threads)
		return;
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct ck_http_server *srv = cls;
	struct ck_http_request *req = *con_cls;

	if (!req) {
		req = ck_calloc(1, sizeof(*req));
		req->srv = srv;
		req->conn = conn;
		req->method = method;
		req->path = url;
		req->peer_status = 1;
		ck_buf_init(&req->body, srv->cfg.max_body + 1);
		set_remote(req);
		*con_cls = req;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > srv->cfg.max_body) {
			req->too_large = true;
			answer_too_large(req);
			return req->result;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->too_large &&
		    (req->body.len + *upload_data_size > srv->cfg.max_body ||
		     ck_buf_add(&req->body, upload_data, *upload_data_size) < 0)) {
			req->too_large = true;
			ck_buf_release(&req->body);
			answer_too_large(req);
		}
		*upload_data_size = 0;
		return req->responded ? req->result : MHD_YES;
	}
	if (req->dispatched) {
		/* Resumed: the pool thread has answered. */
		if (!req->deferred)
			return req->result;
		struct MHD_Response *resp = req->deferred;
		req->deferred = NULL;
		req->result = MHD_queue_response(conn, req->deferred_status, resp);
		MHD_destroy_response(resp);
		return req->result;
	}
	if (req->responded)
		return req->result;
	if (srv->pool.max_threads && pool_submit(srv, req))
		return MHD_YES;
	run_handler(req);
	return req->result;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	request_free(*con_cls);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (!CK_V(4))
		return;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	ck_log_v(4, "http: %s", line);
}

/*
 * MHD's own connection limit is FD_SETSIZE - 4 (1020) even with epoll, shared
 * by the worker threads: too few for thousands of watches. Allow as many as
 * the process may open descriptors, keeping a share for everything else
 * (etcd channels, files, logs).
 */
static unsigned connection_limit(void)
{
	uint64_t soft = 0;
	if (ck_rlimit_nofile(&soft, NULL) < 0)
		return 1020;
	if (soft > 1u << 20)
		soft = 1u << 20;
	uint64_t reserve = soft / 16 > 64 ? soft / 16 : 64;
	return (unsigned)(soft > 2 * reserve ? soft - reserve : soft / 2 + 1);
}

/*
 * MHD does not poll a suspended connection, so a client that leaves a
 * quiet stream (a watch) would be noticed only when a later write fails,
 * which may be an hour away. Every SWEEP_INTERVAL_MS this polls the
 * suspended streams' sockets for the client's close and ends those streams,
 * as Go's server notices a closed connection at once (its background read
 * cancels the request). A client that only half-closes counts as gone too,
 * as there.
 */
static void *sweep_main(void *arg)
{
	struct ck_http_server *srv = arg;
	struct pollfd *fds = NULL;
	struct ck_http_stream **streams = NULL;
	size_t cap = 0;
	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		struct timespec ts;
		ck_time_mono_deadline(&ts, SWEEP_INTERVAL_MS);
		pthread_cond_timedwait(&srv->sweep_cond, &srv->lock, &ts);
		if (srv->stopping)
			break;
		/* The suspended streams, each held by a reference while polled. */
		size_t n = 0;
		for (struct ck_http_stream *s = srv->streams; s; s = s->next) {
			pthread_mutex_lock(&s->lock);
			bool parked = s->suspended && !s->gone && s->fd >= 0;
			pthread_mutex_unlock(&s->lock);
			if (!parked)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				fds = ck_realloc(fds, cap * sizeof(*fds));
				streams = ck_realloc(streams, cap * sizeof(*streams));
			}
			ck_http_stream_ref(s);
			fds[n] = (struct pollfd){ .fd = s->fd, .events = POLLRDHUP };
			streams[n++] = s;
		}
		pthread_mutex_unlock(&srv->lock);
		/* A stream resumed meanwhile may have had its socket closed and the
		 * number reused: only one still suspended is ended. */
		if (n && poll(fds, n, 0) > 0) {
			for (size_t i = 0; i < n; i++) {
				if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)))
					continue;
				struct ck_http_stream *s = streams[i];
				pthread_mutex_lock(&s->lock);
				if (s->suspended && !s->gone) {
					s->peer_closed = true;
					wake_locked(s);
				}
				pthread_mutex_unlock(&s->lock);
			}
		}
		for (size_t i = 0; i < n; i++)
			ck_http_stream_unref(streams[i]);
		pthread_mutex_lock(&srv->lock);
	}
	pthread_mutex_unlock(&srv->lock);
	free(fds);
	free(streams);
	return NULL;
}

int ck_http_server_start(const struct ck_http_server_config *cfg, struct ck_http_server **ret)
{
	int r = 0;
	struct ck_http_server *srv = ck_calloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->sweep_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (!srv->cfg.max_body)
		srv->cfg.max_body = CK_MAX_REQUEST_BODY;
	if (!srv->cfg.idle_timeout_s)
		srv->cfg.idle_timeout_s = 120;
	if (!srv->cfg.threads) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		cores = cores > 0 ? cores : 2;
		/* With a handler pool the workers only do I/O: one per core. */
		srv->cfg.threads = (unsigned)(srv->cfg.handler_threads ? cores : cores * 4);
	}
	if (srv->cfg.handler_threads) {
		struct pool *p = &srv->pool;
		pthread_mutex_init(&p->lock, NULL);
		pthread_cond_init(&p->work, NULL);
		p->max_threads = srv->cfg.handler_threads;
		p->threads = ck_calloc(p->max_threads, sizeof(*p->threads));
	}

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	const char *addr = cfg->bind_address ? cfg->bind_address : "0.0.0.0";
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		r = -EINVAL;
		goto fail;
	}

	if (cfg->tls_cert_file || cfg->tls_key_file) {
		if (!cfg->tls_cert_file || !cfg->tls_key_file) {
			r = -EINVAL;
			goto fail;
		}
		if ((r = read_file(cfg->tls_cert_file, &srv->cert_pem)) < 0 ||
		    (r = read_file(cfg->tls_key_file, &srv->key_pem)) < 0)
			goto fail;
		flags |= MHD_USE_TLS;
		if (cfg->tls_client_ca_file &&
		    (r = read_file(cfg->tls_client_ca_file, &srv->client_ca_pem)) < 0)
			goto fail;
	}

	struct MHD_OptionItem opts[] = {
		/* First, so that MHD's warnings about later options go through it. */
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL },
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		/* One thread: MHD's internal thread alone (a pool of 1 is refused). */
		{ MHD_OPTION_THREAD_POOL_SIZE,
		  (intptr_t)(srv->cfg.threads > 1 ? srv->cfg.threads : 0), NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)srv->cfg.idle_timeout_s, NULL },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, srv },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, CK_HTTP_CONNECTION_MEMORY, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit(), NULL },
		{ MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL },
		/* Without TLS the list ends here. */
		{ srv->cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0,
		  (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" },
		/* A client CA makes MHD ask for client certificates. */
		{ srv->client_ca_pem ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0,
		  srv->client_ca_pem },
		{ MHD_OPTION_END, 0, NULL },
	};
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, opts,
				    MHD_OPTION_END);
	if (!srv->mhd) {
		r = errno ? -errno : -EADDRINUSE;
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : cfg->port;
	if ((r = pthread_create(&srv->sweeper, NULL, sweep_main, srv)) != 0) {
		r = -r;
		pool_stop(srv);
		MHD_stop_daemon(srv->mhd);
		goto fail;
	}
	srv->sweeper_started = true;
	*ret = srv;
	return 0;
fail:
	pool_release(srv);
	free(srv->cert_pem);
	free(srv->key_pem);
	free(srv->client_ca_pem);
	pthread_cond_destroy(&srv->sweep_cond);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
	return r;
}

int ck_http_server_port(const struct ck_http_server *srv)
{
	return srv->port;
}

void ck_http_server_stop(struct ck_http_server *srv)
{
	if (!srv)
		return;
	/* Handlers in progress finish and their connections are resumed; new
	 * requests run on the workers from now on. */
	pool_stop(srv);
	/* Suspended connections must be resumed before MHD can stop them. */
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	for (struct ck_http_stream *s = srv->streams; s; s = s->next) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		wake_locked(s);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_cond_signal(&srv->sweep_cond);
	pthread_mutex_unlock(&srv->lock);
	if (srv->sweeper_started)
		pthread_join(srv->sweeper, NULL);
	MHD_stop_daemon(srv->mhd);
	pool_release(srv);
	free(srv->cert_pem);
	free(srv->key_pem);
	free(srv->client_ca_pem);
	pthread_cond_destroy(&srv->sweep_cond);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
