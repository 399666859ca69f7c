/*
 * Structural validation of request objects against the schema model, and
 * the fieldValidation directive (upstream's strict decoding): see
 * ck_rest_validate_fields in apiserver_int.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/schema.h"
#include "apimachinery/field_errors.h"
#include "apimachinery/status.h"
#include "apimachinery/yaml.h"
#include "apiserver/apiserver_int.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/http_server.h"
#include "util/json_parse.h"
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

/* What the request's text is, for finding its duplicate fields. */
enum text_kind {
	TEXT_OTHER, /* protobuf: no duplicates to find */
	TEXT_JSON,  /* a create or update body, or a merge or strategic merge patch */
	TEXT_YAML,  /* a create or update body */
	TEXT_JSON_PATCH,
	TEXT_APPLY, /* application/apply-patch+yaml */
};

static bool ct_is(const char *ct, const char *type)
{
	return strncasecmp(ct, type, strlen(type)) == 0;
}

static enum text_kind request_text(const struct ck_rest_request *rr, bool body)
{
	const char *ct = ck_http_request_header(rr->http, "Content-Type");
	if (!ct || !*ct)
		return body ? TEXT_JSON : TEXT_OTHER;
	if (body)
		return ct_is(ct, "application/json")   ? TEXT_JSON
		       : ct_is(ct, "application/yaml") ? TEXT_YAML
						       : TEXT_OTHER;
	return ct_is(ct, "application/json-patch+json")		     ? TEXT_JSON_PATCH
	       : ct_is(ct, "application/merge-patch+json")	     ? TEXT_JSON
	       : ct_is(ct, "application/strategic-merge-patch+json") ? TEXT_JSON
	       : ct_is(ct, "application/apply-patch+yaml")	     ? TEXT_APPLY
								     : TEXT_OTHER;
}

static void add_quoted(struct ck_buf *b, const char *s);

/* Appends `<prefix> field "<path>"` (path quoted as Go's %q) to out. */
static void add_field_error(json_object *out, const char *prefix, const char *path)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s field ", prefix);
	add_quoted(&b, path);
	json_object_array_add(out, json_object_new_string(ck_buf_str(&b)));
	ck_buf_release(&b);
}

/*
 * A JSON patch's own strict errors (upstream decodes its operations
 * strictly; duplicates inside a value are not seen): `json patch unknown
 * field "[0].foo"` for a member other than op, path, from and value, and
 * `json patch duplicate field "[1].path"`, operation by operation.
 */
static void json_patch_errors(const struct ck_buf *text, json_object *out)
{
	static const char *const members[] = { "op", "path", "from", "value" };
	json_object *dups = json_object_new_array();
	ck_schema_duplicate_fields(text->data, text->len, dups);
	json_tokener *tok = ck_json_tokener_get(0);
	json_object *ops = json_tokener_parse_ex(tok, text->data ? text->data : "", (int)text->len);
	ck_json_tokener_put(tok);
	for (size_t i = 0;
	     json_object_is_type(ops, json_type_array) && i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i);
		char at[32];
		snprintf(at, sizeof(at), "[%zu].", i);
		if (json_object_is_type(op, json_type_object)) {
			json_object_object_foreach (op, k, v) {
				(void)v;
				bool known = false;
				for (size_t m = 0; m < CK_ARRAY_SIZE(members); m++)
					known |= ck_streq(k, members[m]);
				if (!known) {
					struct ck_buf p = CK_BUF_INIT;
					ck_buf_addf(&p, "%s%s", at, k);
					add_field_error(out, "json patch unknown", ck_buf_str(&p));
					ck_buf_release(&p);
				}
			}
		}
		for (size_t d = 0; d < json_object_array_length(dups); d++) {
			const char *path =
			    json_object_get_string(json_object_array_get_idx(dups, d));
			/* a member of the operation itself, not of its value */
			if (ck_str_has_prefix(path, at) && !strpbrk(path + strlen(at), ".["))
				add_field_error(out, "json patch duplicate", path);
		}
	}
	json_object_put(ops);
	json_object_put(dups);
}

/*
 * go-yaml's strict error for a YAML text's duplicate keys ("yaml: unmarshal
 * errors:\n  line 5: key \"name\" already set in map\n  ..."), owned, or
 * NULL when it has none.
 */
static char *yaml_duplicates(const struct ck_buf *text)
{
	json_object *obj = NULL;
	char *err = NULL;
	if (ck_yaml_decode(text->data ? text->data : "", text->len, CK_YAML_STRICT, &obj, &err) ==
	    0) {
		json_object_put(obj);
		return NULL;
	}
	return err;
}

/* Each "line N: ..." of a go-yaml unmarshal error as its own warning, as upstream. */
static void warn_yaml(const struct ck_rest_request *rr, const char *err)
{
	static const char header[] = "yaml: unmarshal errors:\n  ";
	if (!ck_str_has_prefix(err, header)) {
		ck_rest_warn(rr, err);
		return;
	}
	char **lines = ck_str_split(err + strlen(header), '\n', 0);
	for (size_t i = 0; lines && lines[i]; i++) {
		const char *l = lines[i];
		while (*l == ' ')
			l++;
		if (*l)
			ck_rest_warn(rr, l);
	}
	ck_strv_free(lines);
}

/*
 * The strict decoding errors of the request's text itself, in upstream's
 * words, appended to out (strings): duplicate fields of a JSON body or
 * patch, the go-yaml error of a YAML body, a JSON patch's own errors.
 */
static void text_errors(const struct ck_rest_request *rr, enum text_kind kind, json_object *out)
{
	const struct ck_buf *b = ck_http_request_body(rr->http);
	json_object *dups = NULL;
	char *err = NULL;
	switch (kind) {
	case TEXT_JSON:
		dups = json_object_new_array();
		ck_schema_duplicate_fields(b->data, b->len, dups);
		for (size_t i = 0; i < json_object_array_length(dups); i++)
			add_field_error(out, "duplicate",
					json_object_get_string(json_object_array_get_idx(dups, i)));
		json_object_put(dups);
		break;
	case TEXT_YAML:
		if ((err = yaml_duplicates(b)))
			json_object_array_add(out, json_object_new_string(err));
		free(err);
		break;
	case TEXT_JSON_PATCH:
		json_patch_errors(b, out);
		break;
	case TEXT_APPLY: /* answered on its own: see ck_rest_validate_fields */
	case TEXT_OTHER:
		break;
	}
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
	enum text_kind kind = request_text(rr, body);
	struct ck_schema_result res;
	ck_schema_check(t, obj, CK_SCHEMA_PRUNE, &res);
	json_object *errs = json_object_new_array();
	if (dir != IGNORE)
		text_errors(rr, kind, errs);
	if (res.type_error) {
		st = decode_error(rr, body, res.type_error);
		goto out;
	}
	if (kind == TEXT_APPLY && dir != IGNORE) {
		/* upstream's applyPatcher: yaml.UnmarshalStrict of the patch */
		char *err = yaml_duplicates(ck_http_request_body(rr->http));
		if (err && dir == STRICT) {
			struct ck_buf msg = CK_BUF_INIT;
			ck_buf_addf(&msg,
				    "error strict decoding YAML: error converting YAML to JSON: %s",
				    err);
			st = ck_status_new_bad_request(ck_buf_str(&msg));
			ck_buf_release(&msg);
			free(err);
			goto out;
		}
		if (err)
			warn_yaml(rr, err);
		free(err);
	}
	/* A JSON body's unknown fields come first; a patch's or YAML's own errors do. */
	bool unknown_first = kind == TEXT_JSON && body;
	json_object *all = json_object_new_array();
	for (int pass = 0; pass < 2; pass++) {
		if ((pass == 0) == unknown_first) {
			for (size_t i = 0; i < json_object_array_length(res.unknown); i++)
				add_field_error(all, "unknown",
						json_object_get_string(
						    json_object_array_get_idx(res.unknown, i)));
		} else {
			for (size_t i = 0; i < json_object_array_length(errs); i++)
				json_object_array_add(
				    all, json_object_get(json_object_array_get_idx(errs, i)));
		}
	}
	json_object_put(errs);
	errs = all;
	size_t n = json_object_array_length(errs);
	if (dir == STRICT && n) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_adds(&msg, "strict decoding error: ");
		for (size_t i = 0; i < n; i++)
			ck_buf_addf(&msg, "%s%s", i ? ", " : "",
				    json_object_get_string(json_object_array_get_idx(errs, i)));
		st = decode_error(rr, body, ck_buf_str(&msg));
		ck_buf_release(&msg);
	} else if (dir == WARN) {
		for (size_t i = 0; i < n; i++)
			warn_yaml(rr, json_object_get_string(json_object_array_get_idx(errs, i)));
	}
out:
	json_object_put(errs);
	ck_schema_result_release(&res);
	return st;
}
