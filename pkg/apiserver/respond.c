#include "apiserver/respond.h"

#include <stdio.h>
#include <stdlib.h>

#include "api/protobuf.h"
#include "apimachinery/status.h"
#include "apimachinery/yaml.h"
#include "util/log.h"
#include "util/str.h"

int ck_encode_json(json_object *obj, bool pretty, struct ck_buf *out)
{
	int flags =
	    JSON_C_TO_STRING_NOSLASHESCAPE |
	    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
	size_t len;
	const char *s = json_object_to_json_string_length(obj, flags, &len);
	int r = ck_buf_add(out, s, len);
	return r < 0 ? r : ck_buf_addc(out, '\n');
}

bool ck_request_pretty(const struct ck_http_request *req)
{
	const char *p = ck_http_request_query(req, "pretty");
	bool b = false;
	return p && (ck_str_to_bool(p, &b) == 0 ? b : *p == '\0');
}

void ck_respond_object(struct ck_http_request *req, int code, json_object *obj,
		       const struct ck_media_choice *media)
{
	static const struct ck_media_choice json = { CK_MEDIA_JSON, NULL };
	struct ck_buf body = CK_BUF_INIT;
	int r = 0;
	if (media->media == CK_MEDIA_PROTOBUF) {
		char *err = NULL;
		if (ck_protobuf_encode_object(obj, &body, &err) < 0) {
			/* No message for this kind: JSON, which clients read by Content-Type. */
			ck_log_v(4, "answering in JSON, not protobuf: %s", err ? err : "");
			ck_buf_reset(&body);
			media = &json;
		}
		free(err);
	}
	if (media->media == CK_MEDIA_PROTOBUF)
		;
	else if (media->media == CK_MEDIA_YAML)
		r = ck_yaml_encode(obj, &body);
	else
		r = ck_encode_json(obj, ck_request_pretty(req), &body);
	if (r < 0) {
		ck_buf_release(&body);
		ck_respond_status(req,
				  ck_status_new_internal_error("unable to encode the response"));
		return;
	}
	ck_respond_encoded(req, code, media, &body);
}

void ck_respond_encoded(struct ck_http_request *req, int code, const struct ck_media_choice *media,
			struct ck_buf *body)
{
	ck_http_response_header(req, "Cache-Control", "no-cache, private");
	ck_http_respond_buf(req, code, ck_media_content_type(media), body);
}

void ck_respond_status(struct ck_http_request *req, json_object *status)
{
	int code = ck_status_code(status);
	if (code < 100 || code > 599)
		code = 500;
	struct ck_buf body = CK_BUF_INIT;
	const char *type = "application/json";
	struct ck_media_choice c;
	/* In protobuf when the client prefers it, as upstream answers errors. */
	if (ck_negotiate(ck_http_request_header(req, "Accept"),
			 CK_MEDIA_BIT(CK_MEDIA_JSON) | CK_MEDIA_BIT(CK_MEDIA_PROTOBUF), &c) == 0 &&
	    c.media == CK_MEDIA_PROTOBUF && ck_protobuf_encode_object(status, &body, NULL) == 0) {
		type = CK_PROTOBUF_CONTENT_TYPE;
	} else {
		ck_buf_reset(&body);
		ck_encode_json(status, false, &body);
	}
	json_object_put(status);
	ck_http_response_header(req, "Cache-Control", "no-cache, private");
	ck_http_respond_buf(req, code, type, &body);
}
