/*
 * ck_http_server: an HTTP/1.1 server on libmicrohttpd for every ckube
 * listener (API server, kubelet, scheduler and controller-manager health
 * and metrics). Nothing Kubernetes-specific.
 *
 * Model:
 *  - A pool of worker threads each runs its own epoll loop. The handler is
 *    called once the whole body has arrived, and must answer the request
 *    before it returns, with exactly one ck_http_respond*() call. It runs
 *    on the worker itself, or, with handler_threads set, on a thread of a
 *    handler pool while the connection is suspended: then a handler that
 *    blocks (on storage) holds only its pool thread, not the worker and the
 *    other connections the worker serves.
 *  - Bodies are capped (max_body): a larger body is answered 413 by the
 *    server itself before the handler sees it (too_large handler decides
 *    the body of that answer).
 *  - Streams (watches, logs): ck_http_respond_stream() answers with a
 *    chunked body whose bytes a producer pushes later from any thread.
 *    While nothing is queued the connection is suspended: it holds no
 *    thread, only memory; ck_http_stream_write() resumes it. A client that
 *    closes a suspended stream is noticed within a second (its socket is
 *    polled for the close), as Go's server notices it at once.
 *  - A HEAD request answered with a stream gets the headers only; the
 *    producer sees a stream that is already gone.
 *
 * Lifetimes: the request belongs to the server and is valid only inside the
 * handler call. A stream is shared by the server and the producer: each
 * holds a reference; the producer drops its own with ck_http_stream_unref()
 * (after ck_http_stream_close() to end the body normally).
 */
#ifndef CK_UTIL_HTTP_SERVER_H
#define CK_UTIL_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct ck_http_server;
struct ck_http_request;
struct ck_http_stream;

typedef void (*ck_http_handler_fn)(void *data, struct ck_http_request *req);

struct ck_http_server_config {
	const char *bind_address; /* IPv4 or IPv6 literal; NULL = 0.0.0.0 */
	int port;		  /* 0 = any free port (see ck_http_server_port) */
	/* PEM files; both NULL = plain HTTP. */
	const char *tls_cert_file;
	const char *tls_key_file;
	/*
	 * PEM file of the CAs client certificates are verified against; set,
	 * the server asks for (does not require) a client certificate. TLS is
	 * 1.2 or 1.3 only.
	 */
	const char *tls_client_ca_file;
	/* I/O worker threads; 0 = 4 per core, or 1 per core with a handler pool */
	unsigned threads;
	/* Handler pool size (threads start on demand); 0 = handlers run on the
	 * I/O workers. */
	unsigned handler_threads;
	size_t max_body;	 /* 0 = CK_MAX_REQUEST_BODY */
	unsigned idle_timeout_s; /* idle keep-alive connections; 0 = 120 */
	ck_http_handler_fn handler;
	/* Answers a request whose body is over max_body; NULL = plain 413. */
	ck_http_handler_fn too_large;
	void *data; /* passed to both handlers */
};

/* Starts listening; *ret is the running server. 0 or a negative errno. */
int ck_http_server_start(const struct ck_http_server_config *cfg, struct ck_http_server **ret);
/* The port actually bound. */
int ck_http_server_port(const struct ck_http_server *srv);
/*
 * Stops accepting, ends every stream (their producers see -EPIPE), waits
 * for the workers and frees the server. NULL-safe.
 */
void ck_http_server_stop(struct ck_http_server *srv);

/* ---- the request (valid during the handler call only; all borrowed) ---- */
const char *ck_http_request_method(const struct ck_http_request *req);
/* The path, percent-decoded by the server, without the query string. */
const char *ck_http_request_path(const struct ck_http_request *req);
/* A header (case-insensitive name), or NULL. */
const char *ck_http_request_header(const struct ck_http_request *req, const char *name);
/* Calls fn for each request header in order (repeated names included);
 * stops when fn returns false. */
void ck_http_request_header_foreach(const struct ck_http_request *req,
				    bool (*fn)(void *data, const char *name, const char *value),
				    void *data);
/* The first value of a query parameter (decoded), or NULL when absent;
 * a parameter given without '=' has the value "". */
const char *ck_http_request_query(const struct ck_http_request *req, const char *name);
/* Calls fn for each query parameter in order; stops when fn returns false. */
void ck_http_request_query_foreach(const struct ck_http_request *req,
				   bool (*fn)(void *data, const char *key, const char *value),
				   void *data);
const struct ck_buf *ck_http_request_body(const struct ck_http_request *req);
/* The client's address as text ("127.0.0.1"), or "". */
const char *ck_http_request_remote_addr(const struct ck_http_request *req);
/*
 * The client's TLS certificate (DER, borrowed for the request): 0 when it
 * was presented and verifies against tls_client_ca_file (chain and
 * validity times); -ENOENT when none was presented (or no client CA is
 * set); -EACCES when one was presented but does not verify (*ret_der is
 * still set). Verified once per request.
 */
int ck_http_request_peer_cert(struct ck_http_request *req, const unsigned char **ret_der,
			      size_t *ret_len);

/* ---- answering ---- */
/* Adds a response header (before the respond call). */
void ck_http_response_header(struct ck_http_request *req, const char *name, const char *value);
/* Whether a response header name: value was added already (names compare
 * case-insensitively). */
bool ck_http_response_has_header(const struct ck_http_request *req, const char *name,
				 const char *value);
/* Answers with a copy of body (len bytes). */
void ck_http_respond(struct ck_http_request *req, int status, const char *content_type,
		     const void *body, size_t len);
/* Answers with the buffer's content, which it takes (the buffer is left empty). */
void ck_http_respond_buf(struct ck_http_request *req, int status, const char *content_type,
			 struct ck_buf *body);
/*
 * Answers with a chunked stream. Returns the stream with one reference for
 * the caller (the producer). max_pending caps the bytes queued and not yet
 * sent (0 = 16 MiB): a producer over it gets -ENOBUFS (a slow client).
 */
struct ck_http_stream *ck_http_respond_stream(struct ck_http_request *req, int status,
					      const char *content_type, size_t max_pending);

/* ---- streams (any thread) ---- */
/*
 * Queues bytes and wakes the connection. 0; -EPIPE when the client went
 * away or the stream was closed; -ENOBUFS when max_pending would be passed.
 */
int ck_http_stream_write(struct ck_http_stream *s, const void *data, size_t len);
/* Ends the body once what is queued has been sent. Idempotent. */
void ck_http_stream_close(struct ck_http_stream *s);
/* True once the client went away (or the server stopped). */
bool ck_http_stream_gone(struct ck_http_stream *s);
/*
 * Sets a function called once, from a server thread, when the client goes
 * away or the server stops (not when the producer closes). It runs with the
 * stream's lock held: it must not block nor call the stream's functions.
 * Setting NULL waits for a call in progress, so that the data it was given
 * can be freed after.
 */
void ck_http_stream_on_gone(struct ck_http_stream *s, void (*fn)(void *data), void *data);
void ck_http_stream_ref(struct ck_http_stream *s);
void ck_http_stream_unref(struct ck_http_stream *s);

#endif
