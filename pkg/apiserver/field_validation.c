/*
 * Structural validation of request objects against the schema model, and
 * the fieldValidation directive (upstream's strict decoding): see
 * ck_rest_validate_fields in apiserver_int.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/schema.h"
#include "apimachinery/field_errors.h"
#include "apimachinery/status.h"
#include "apiserver/apiserver_int.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/http_server.h"
#include "util/str.h"

enum directive {
	IGNORE,
	WARN,
	STRICT,
};

/* The meta.k8s.io options kind a verb's query parameters are. */
static const char *options_kind(const char *verb)
{
	if (ck_streq(verb, "create"))
		return "CreateOptions";
	if (ck_streq(verb, "update"))
		return "UpdateOptions";
	return "PatchOptions";
}

static int parse_directive(struct ck_rest_request *rr, enum directive *ret, json_object **ret_st)
{
	static const char *const valid[] = { "", "Ignore", "Strict", "Warn" };
	const char *v = ck_http_request_query(rr->http, "fieldValidation");
	if (!v || !*v || ck_streq(v, "Warn"))
		*ret = WARN; /* the server's default */
	else if (ck_streq(v, "Strict"))
		*ret = STRICT;
	else if (ck_streq(v, "Ignore"))
		*ret = IGNORE;
	else {
		struct ck_field_errors errs;
		ck_field_errors_init(&errs);
		json_object *value = json_object_new_string(v);
		ck_field_errors_add_not_supported(&errs, "fieldValidation", value, valid,
						  CK_ARRAY_SIZE(valid));
		json_object_put(value);
		*ret_st =
		    ck_status_new_invalid("meta.k8s.io", options_kind(rr->ri->verb), "", &errs);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	return 0;
}

/* The schema of the object a request carries (a subresource's own kind). */
static const struct ck_schema_type *request_type(const struct ck_rest_request *rr)
{
	if (rr->sub && rr->sub->kind_name) {
		const char *g = rr->sub->group ? rr->sub->group : rr->res->group;
		const char *v = rr->sub->version ? rr->sub->version : rr->res->version;
		char av[128];
		if (*g)
			snprintf(av, sizeof(av), "%s/%s", g, v);
		else
			snprintf(av, sizeof(av), "%s", v);
		return ck_schema_kind(av, rr->sub->kind_name);
	}
	return ck_schema_kind(rr->res->api_version, rr->res->kind);
}

/* Whether the request body is JSON text (what the duplicate scan reads). */
static bool body_is_json(const struct ck_rest_request *rr)
{
	const char *ct = ck_http_request_header(rr->http, "Content-Type");
	return !ct || !*ct || strncasecmp(ct, "application/json", 16) == 0;
}

/* Upstream's decoding errors on create and update name the kind. */
static json_object *decode_error(const struct ck_rest_request *rr, bool body, const char *msg)
{
	struct ck_buf b = CK_BUF_INIT;
	const char *kind = rr->sub && rr->sub->kind_name ? rr->sub->kind_name : rr->res->kind;
	if (body)
		ck_buf_addf(&b, "%s in version \"%s\" cannot be handled as a %s: ", kind,
			    rr->sub && rr->sub->version ? rr->sub->version : rr->res->version,
			    kind);
	ck_buf_adds(&b, msg);
	json_object *st = ck_status_new_bad_request(ck_buf_str(&b));
	ck_buf_release(&b);
	return st;
}

/* Go's %q of s, appended to b (the escapes Warning headers need). */
static void add_quoted(struct ck_buf *b, const char *s)
{
	ck_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			ck_buf_addc(b, '\\');
		if (*p == '\n')
			ck_buf_adds(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			ck_buf_addf(b, "\\x%02x", *p);
		else
			ck_buf_addc(b, (char)*p);
	}
	ck_buf_addc(b, '"');
}

void ck_rest_warn(const struct ck_rest_request *rr, const char *text)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, "299 - ");
	add_quoted(&b, text);
	if (!ck_http_response_has_header(rr->http, "Warning", ck_buf_str(&b)))
		ck_http_response_header(rr->http, "Warning", ck_buf_str(&b));
	ck_buf_release(&b);
}

static void warn(struct ck_rest_request *rr, const char *what, const char *path)
{
	/* 299 - "unknown field \"spec.foo\"": the path quoted as Go's %q does */
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s field ", what);
	add_quoted(&b, path);
	ck_rest_warn(rr, ck_buf_str(&b));
	ck_buf_release(&b);
}

json_object *ck_rest_validate_fields(struct ck_rest_request *rr, json_object *obj)
{
	enum directive dir;
	json_object *st = NULL;
	if (parse_directive(rr, &dir, &st) < 0)
		return st;
	const struct ck_schema_type *t = request_type(rr);
	if (!t)
		return NULL; /* a kind api/ does not define: nothing to check against */
	bool body = ck_streq(rr->ri->verb, "create") || ck_streq(rr->ri->verb, "update");
	struct ck_schema_result res;
	ck_schema_check(t, obj, CK_SCHEMA_PRUNE, &res);
	json_object *dups = json_object_new_array();
	if (body && dir != IGNORE && body_is_json(rr)) {
		const struct ck_buf *b = ck_http_request_body(rr->http);
		ck_schema_duplicate_fields(b->data, b->len, dups);
	}
	if (res.type_error) {
		st = decode_error(rr, body, res.type_error);
		goto out;
	}
	size_t n_unknown = json_object_array_length(res.unknown);
	size_t n_dups = json_object_array_length(dups);
	if (dir == STRICT && (n_unknown || n_dups)) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_adds(&msg, "strict decoding error: ");
		for (size_t i = 0; i < n_unknown + n_dups; i++) {
			bool dup = i >= n_unknown;
			json_object *p = json_object_array_get_idx(dup ? dups : res.unknown,
								   dup ? i - n_unknown : i);
			ck_buf_addf(&msg, "%s%s field \"%s\"", i ? ", " : "",
				    dup ? "duplicate" : "unknown", json_object_get_string(p));
		}
		st = decode_error(rr, body, ck_buf_str(&msg));
		ck_buf_release(&msg);
	} else if (dir == WARN) {
		for (size_t i = 0; i < n_unknown; i++)
			warn(rr, "unknown",
			     json_object_get_string(json_object_array_get_idx(res.unknown, i)));
		for (size_t i = 0; i < n_dups; i++)
			warn(rr, "duplicate",
			     json_object_get_string(json_object_array_get_idx(dups, i)));
	}
out:
	json_object_put(dups);
	ck_schema_result_release(&res);
	return st;
}
