/*
 * Answering API requests: encode an object in the negotiated representation
 * (JSON, YAML; Tables are built by the caller), and errors as Status
 * objects. Every Status the API server sends goes through
 * ck_respond_status, the one place a Status becomes an HTTP answer.
 */
#ifndef CK_APISERVER_RESPOND_H
#define CK_APISERVER_RESPOND_H

#include <json-c/json.h>
#include <stdbool.h>

#include "apiserver/negotiate.h"
#include "util/buf.h"
#include "util/http_server.h"

/*
 * Encodes obj (borrowed) as JSON text into out: compact, or indented with
 * pretty; always ends with a newline, as Go's json.Encoder.
 */
int ck_encode_json(json_object *obj, bool pretty, struct ck_buf *out);

/*
 * Answers with obj (borrowed) in the chosen representation (JSON, YAML or
 * protobuf, which falls back to JSON for a kind without a message; anything
 * else is encoded as JSON with that content type, for Tables and
 * discovery). pretty comes from the request's ?pretty.
 */
void ck_respond_object(struct ck_http_request *req, int code, json_object *obj,
		       const struct ck_media_choice *media);

/* Answers with body (taken), already encoded in the media chosen, as
 * ck_respond_object does once it has encoded. */
void ck_respond_encoded(struct ck_http_request *req, int code, const struct ck_media_choice *media,
			struct ck_buf *body);

/* Answers with a Status object (taken: the function frees it); its code is
 * the HTTP status. In protobuf when the request's Accept prefers it. */
void ck_respond_status(struct ck_http_request *req, json_object *status);

/* Whether ?pretty asks for indented output. */
bool ck_request_pretty(const struct ck_http_request *req);

#endif
