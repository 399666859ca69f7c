/*
 * ck_client: the REST client (client-go's rest.RESTClient and Request)
 * over libcurl, TLS through OpenSSL. One client is shared by every thread
 * of a component.
 *
 * Invariants:
 *  - Thread-safe: every function may be called from any thread at once.
 *    Each request borrows a curl handle from the client's pool (its
 *    connections stay open for reuse: HTTP/1.1 keep-alive), DNS answers and
 *    TLS sessions are shared between handles.
 *  - Client-side rate limiting: a token bucket of qps/burst (client-go's
 *    defaults 5/10 when the config leaves them 0; qps < 0 turns it off)
 *    is waited on before every attempt.
 *  - Retries as client-go's: up to 10 times, for any verb, when the server
 *    answers 429 or 5xx with a Retry-After header (after waiting that many
 *    seconds); and for GET when the connection was reset or closed before an
 *    answer (after 1 s). Never once a streamed body has started.
 *  - Every API error comes back as the Status the server sent (err->status,
 *    owned by err), or, when the body is not a Status, as the one
 *    upstream's NewGenericServerResponse makes for the code. A 2xx answer
 *    whose body is a Status other than Success is an error too. The return
 *    value is a negative errno chosen from the Status reason:
 *      NotFound -ENOENT, AlreadyExists -EEXIST, Conflict -ESTALE,
 *      Gone/Expired -EKEYEXPIRED, Invalid -EINVAL, BadRequest -EBADMSG,
 *      Unauthorized -EPERM, Forbidden -EACCES, TooManyRequests -EAGAIN,
 *      Timeout/ServerTimeout -ETIMEDOUT, MethodNotAllowed -EOPNOTSUPP,
 *      NotAcceptable/UnsupportedMediaType -ENOTSUP, RequestEntityTooLarge
 *      -E2BIG, anything else -EREMOTEIO.
 *    Transport failures have no Status: -ECONNREFUSED, -EHOSTUNREACH,
 *    -ETIMEDOUT, -ECONNRESET, -EPROTO (TLS), -ECANCELED, -EIO; err->message
 *    reads as Go's url.Error: Get "https://h/api": <what happened>.
 *  - Bodies sent are written with ck_json_write, which only reads: a
 *    shared object (from a store) may be sent as it is.
 */
#ifndef CK_CLIENT_REST_H
#define CK_CLIENT_REST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "util/buf.h"

struct ck_cancel;
struct ck_client;

/* A resource: group ("" or NULL for the core group), version, plural name. */
struct ck_gvr {
	const char *group;
	const char *version;
	const char *resource;
};

enum ck_patch_format {
	CK_PATCH_JSON,	    /* application/json-patch+json */
	CK_PATCH_MERGE,	    /* application/merge-patch+json */
	CK_PATCH_STRATEGIC, /* application/strategic-merge-patch+json */
	CK_PATCH_APPLY,	    /* application/apply-patch+yaml */
};
/* The content type of a patch type; static. */
const char *ck_patch_content_type(enum ck_patch_format t);

/* metav1.ListOptions as query parameters; zero/NULL fields are left out. */
struct ck_client_list_options {
	const char *label_selector;
	const char *field_selector;
	const char *resource_version;
	const char *resource_version_match; /* "Exact", "NotOlderThan" */
	const char *continue_token;
	int64_t limit;
	int64_t timeout_seconds;
	bool allow_watch_bookmarks;
	bool watch;
};

/*
 * One request. Either path (an absolute path such as "/version" or
 * "/apis", query string not included) or the resource fields, which build
 * /api/<version> or /apis/<group>/<version>, then /namespaces/<namespace>
 * when namespace is set, then /<resource>[/<name>[/<subresource>]].
 * Everything is borrowed for the call.
 */
struct ck_client_request {
	const char *verb; /* "GET" (NULL), "POST", "PUT", "PATCH", "DELETE" */
	const char *path;
	const char *group;
	const char *version;
	const char *resource;
	const char *namespace;
	const char *name;
	const char *subresource;
	const struct ck_client_list_options *list_options;
	/* Other query parameters: key, value, ..., NULL. */
	const char *const *params;
	json_object *body;    /* JSON body; or raw_body */
	const char *raw_body; /* raw_body_len bytes */
	size_t raw_body_len;
	const char *content_type; /* NULL: application/json (with a body) */
	const char *accept;	  /* NULL: client-go's "application/json, *\/\*" */
	/* Overall deadline; 0: the config's (never for streams). Sent as ?timeout= too. */
	int64_t timeout_ms;
	struct ck_cancel *cancel; /* may be NULL */
};

struct ck_client_error {
	int code;	     /* HTTP status; 0 when no answer came */
	json_object *status; /* the Status (owned); NULL for transport failures */
	char message[1024];  /* one line */
};

/*
 * Initialises err once before its first use. Every call taking an err
 * releases what it held from a previous call before filling it again, so
 * one err may serve many calls; release it at the end.
 */
void ck_client_error_init(struct ck_client_error *err);
/* Frees the Status; the error is empty again. NULL-safe. */
void ck_client_error_release(struct ck_client_error *err);

/*
 * A client for cfg (copied). The caller owns *ret (ck_client_free).
 * -EINVAL with a message for a config without a host or with unreadable
 * credentials.
 */
int ck_client_new(const struct ck_client_config *cfg, struct ck_client **ret, char **ret_err);
/* No request may still run. NULL-safe. */
void ck_client_free(struct ck_client *c);
/* The config the client was made with; borrowed. */
const struct ck_client_config *ck_client_get_config(const struct ck_client *c);
/* The full URL a request goes to (owned), as upstream's Request.URL(). */
char *ck_client_url(const struct ck_client *c, const struct ck_client_request *req);

/*
 * Sends req; on a 2xx answer, *ret_obj (may be NULL: then the body is
 * dropped) is the decoded JSON body (owned; NULL for an empty body). err
 * may be NULL. See the top for errors.
 */
int ck_client_do(struct ck_client *c, const struct ck_client_request *req, json_object **ret_obj,
		 struct ck_client_error *err);

/* A raw answer: code, body, Content-Type. */
struct ck_client_response {
	long code;
	struct ck_buf body;
	char content_type[128];
};
void ck_client_response_release(struct ck_client_response *r);
/* As ck_client_do, keeping a 2xx body as bytes (logs, YAML, Tables as text). *ret is initialised
 * here. */
int ck_client_do_raw(struct ck_client *c, const struct ck_client_request *req,
		     struct ck_client_response *ret, struct ck_client_error *err);

/* Called with each piece of a streamed 2xx body; return < 0 to stop (the call returns it). */
typedef int (*ck_client_data_fn)(void *ctx, const char *data, size_t len);
/*
 * Sends req and streams a 2xx body to fn as it arrives (watches, logs -f),
 * on the calling thread. 0 when the body ended normally; fn's value; or an
 * error as ck_client_do (-ECONNRESET when the connection broke mid-body).
 */
int ck_client_stream(struct ck_client *c, const struct ck_client_request *req, ck_client_data_fn fn,
		     void *ctx, struct ck_client_error *err);

/* ---- the usual calls (typed clients' Get, List, Create, ...) ---------------------- */

/* GET .../name into *ret (owned). */
int ck_client_get(struct ck_client *c, const struct ck_gvr *gvr, const char *ns, const char *name,
		  json_object **ret, struct ck_client_error *err);
/*
 * GET the collection (ns NULL: all namespaces) into *ret (owned list; its
 * items get the list's kind and apiVersion, as unstructured lists do).
 */
int ck_client_list(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		   const struct ck_client_list_options *opts, json_object **ret,
		   struct ck_client_error *err);
/* POST obj (borrowed) to the collection; *ret (may be NULL) is what the server stored. */
int ck_client_create(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     json_object *obj, json_object **ret, struct ck_client_error *err);
/* PUT obj (borrowed) to its name (metadata.name). */
int ck_client_update(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     json_object *obj, json_object **ret, struct ck_client_error *err);
/* PUT obj to its status subresource. */
int ck_client_update_status(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			    json_object *obj, json_object **ret, struct ck_client_error *err);
/* PATCH name with patch (text) of the given type; subresource may be NULL. */
int ck_client_patch(struct ck_client *c, const struct ck_gvr *gvr, const char *ns, const char *name,
		    enum ck_patch_format type, const char *patch, const char *subresource,
		    json_object **ret, struct ck_client_error *err);
/* DELETE name with DeleteOptions (borrowed, may be NULL); *ret (may be NULL): the answer. */
int ck_client_delete(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     const char *name, json_object *options, json_object **ret,
		     struct ck_client_error *err);

/* The errno the top of this file gives for a Status. */
int ck_client_errno_for_status(json_object *status);

#endif
