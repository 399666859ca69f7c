/*
 * JSON patch (RFC 6902), following evanphx/json-patch v4 as the upstream API
 * server applies it; messages keep upstream's wording. See json_patch.h.
 */
#include "apimachinery/json_patch.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"

#define MISSING "missing value"
#define INVALID_INDEX "invalid index referenced"

struct patcher {
	json_object *root; /* the working copy, owned */
	struct ck_buf err; /* the message of the last failure */
	size_t copied;	   /* bytes added by copy ops so far */
	size_t max_copy;
};

/* Sets the failure message; returns -1. */
static int CK_PRINTF(2, 3) fail(struct patcher *p, const char *fmt, ...)
{
	va_list ap;
	ck_buf_reset(&p->err);
	va_start(ap, fmt);
	(void)ck_buf_vaddf(&p->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Prefixes the failure message with "<fmt>: " (errors.Wrapf); returns -1. */
static int CK_PRINTF(2, 3) wrap(struct patcher *p, const char *fmt, ...)
{
	struct ck_buf b = CK_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	(void)ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	(void)ck_buf_adds(&b, ": ");
	(void)ck_buf_adds(&b, ck_buf_str(&p->err));
	ck_buf_release(&p->err);
	p->err = b;
	return -1;
}

/* A deep copy the caller owns; NULL (JSON null) copies to NULL. */
static json_object *copy(json_object *o)
{
	json_object *dst = NULL;
	if (!o)
		return NULL;
	CK_BUG_ON(json_object_deep_copy(o, &dst, NULL) != 0);
	return dst;
}

/* How encoding/json names a JSON value's kind in its unmarshal errors. */
static const char *json_kind(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_boolean:
		return "bool";
	case json_type_int:
	case json_type_double:
		return "number";
	case json_type_string:
		return "string";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	default:
		return "null";
	}
}

static bool is_container(json_object *o)
{
	enum json_type t = json_object_get_type(o);
	return t == json_type_object || t == json_type_array;
}

/* ---- array indices (strconv.Atoi) ------------------------------------------ */

enum {
	IDX_OK,
	IDX_SYNTAX,
	IDX_RANGE,
};

static int parse_index(const char *s, int64_t *ret)
{
	const char *d = s;
	if (*d == '+' || *d == '-')
		d++;
	if (!*d)
		return IDX_SYNTAX;
	for (const char *c = d; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return IDX_SYNTAX;
	}
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno == ERANGE)
		return IDX_RANGE;
	*ret = v;
	return IDX_OK;
}

static const char *atoi_reason(int code)
{
	return code == IDX_RANGE ? "value out of range" : "invalid syntax";
}

static int atoi_fail(struct patcher *p, const char *key, int code)
{
	return fail(p, "strconv.Atoi: parsing \"%s\": %s", key, atoi_reason(code));
}

static int bad_index(struct patcher *p, int64_t idx)
{
	return fail(p, "Unable to access invalid index: %" PRId64 ": " INVALID_INDEX, idx);
}

/* ---- containers: an object or an array, addressed by a decoded key ---------- */

/* partialDoc.get / partialArray.get: *ret_val is borrowed, NULL for null or a
 * missing member. */
static int con_get(struct patcher *p, json_object *con, const char *key, json_object **ret_val)
{
	if (json_object_get_type(con) == json_type_object) {
		json_object *v = NULL;
		*ret_val = json_object_object_get_ex(con, key, &v) ? v : NULL;
		return 0;
	}
	int64_t idx, len = (int64_t)json_object_array_length(con);
	int r = parse_index(key, &idx);
	if (r != IDX_OK)
		return atoi_fail(p, key, r);
	if (idx < 0) {
		if (idx < -len)
			return bad_index(p, idx);
		idx += len;
	}
	if (idx >= len)
		return bad_index(p, idx);
	*ret_val = json_object_array_get_idx(con, (size_t)idx);
	return 0;
}

/* Inserts val (owned) at idx, shifting the rest right. */
static void array_insert(json_object *ary, size_t idx, json_object *val)
{
	size_t len = json_object_array_length(ary);
	json_object_array_add(ary, NULL);
	for (size_t k = len; k > idx; k--)
		json_object_array_put_idx(ary, k,
					  json_object_get(json_object_array_get_idx(ary, k - 1)));
	json_object_array_put_idx(ary, idx, val);
}

/* partialDoc.add / partialArray.add; takes ownership of val, even on error. */
static int con_add(struct patcher *p, json_object *con, const char *key, json_object *val)
{
	if (json_object_get_type(con) == json_type_object) {
		json_object_object_add(con, key, val);
		return 0;
	}
	if (strcmp(key, "-") == 0) {
		json_object_array_add(con, val);
		return 0;
	}
	int64_t idx, size = (int64_t)json_object_array_length(con) + 1;
	int r = parse_index(key, &idx);
	if (r != IDX_OK) {
		json_object_put(val);
		fail(p,
		     "value was not a proper array index: '%s': strconv.Atoi: parsing \"%s\": %s",
		     key, key, atoi_reason(r));
		return -1;
	}
	if (idx >= size || idx < -size) {
		json_object_put(val);
		return bad_index(p, idx);
	}
	if (idx < 0)
		idx += size;
	array_insert(con, (size_t)idx, val);
	return 0;
}

/* partialDoc.remove / partialArray.remove. */
static int con_remove(struct patcher *p, json_object *con, const char *key)
{
	if (json_object_get_type(con) == json_type_object) {
		if (!json_object_object_get_ex(con, key, NULL))
			return fail(p, "Unable to remove nonexistent key: %s: " MISSING, key);
		json_object_object_del(con, key);
		return 0;
	}
	int64_t idx, len = (int64_t)json_object_array_length(con);
	int r = parse_index(key, &idx);
	if (r != IDX_OK)
		return atoi_fail(p, key, r);
	if (idx >= len || idx < -len)
		return bad_index(p, idx);
	if (idx < 0)
		idx += len;
	json_object_array_del_idx(con, (size_t)idx, 1);
	return 0;
}

/* partialDoc.set / partialArray.set, after a successful con_get; takes val. */
static void con_set(json_object *con, const char *key, json_object *val)
{
	if (json_object_get_type(con) == json_type_object) {
		json_object_object_add(con, key, val);
		return;
	}
	int64_t idx = 0, len = (int64_t)json_object_array_length(con);
	CK_BUG_ON(parse_index(key, &idx) != IDX_OK);
	if (idx < 0)
		idx += len;
	CK_BUG_ON(idx < 0 || idx >= len);
	json_object_array_put_idx(con, (size_t)idx, val);
}

/* ---- JSON pointers -------------------------------------------------------- */

/* Decodes one reference token ("~1" is '/', "~0" is '~'); owned result. */
static char *decode_token(const char *s, size_t n)
{
	char *out = ck_malloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '1' || s[i + 1] == '0')) {
			*o++ = s[i + 1] == '1' ? '/' : '~';
			i++;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/*
 * findObject: the container holding the last token of path, and that token
 * decoded (*ret_key, owned). false when the path does not lead anywhere.
 */
static bool find_object(struct patcher *p, const char *path, json_object **ret_con, char **ret_key)
{
	const char *seg = strchr(path, '/');
	json_object *doc = p->root;

	if (!seg)
		return false;
	seg++;
	for (const char *end; (end = strchr(seg, '/')) != NULL; seg = end + 1) {
		char *part = decode_token(seg, (size_t)(end - seg));
		json_object *next = NULL;
		int r = con_get(p, doc, part, &next);
		free(part);
		if (r < 0 || !next || !is_container(next))
			return false;
		doc = next;
	}
	*ret_con = doc;
	*ret_key = decode_token(seg, strlen(seg));
	return true;
}

/* ---- operations ------------------------------------------------------------ */

enum field_state {
	FIELD_OK,
	FIELD_MISSING, /* absent or null */
	FIELD_NOT_STRING,
};

static enum field_state op_string(json_object *op, const char *field, const char **ret)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(op, field, &v) || !v)
		return FIELD_MISSING;
	if (json_object_get_type(v) != json_type_string)
		return FIELD_NOT_STRING;
	*ret = json_object_get_string(v);
	return FIELD_OK;
}

/* Operation.Path / Operation.From with their error text. */
static int op_pointer(struct patcher *p, json_object *op, const char *field, const char **ret)
{
	json_object *v = NULL;
	switch (op_string(op, field, ret)) {
	case FIELD_OK:
		return 0;
	case FIELD_MISSING:
		return fail(p, "operation%s missing %s field: " MISSING,
			    strcmp(field, "from") == 0 ? "," : "", field);
	default:
		json_object_object_get_ex(op, field, &v);
		return fail(p, "json: cannot unmarshal %s into Go value of type string",
			    json_kind(v));
	}
}

/* The op's "value": *present is false when there is none. Borrowed. */
static json_object *op_value(json_object *op, bool *present)
{
	json_object *v = NULL;
	*present = json_object_object_get_ex(op, "value", &v);
	return v;
}

static int op_add(struct patcher *p, json_object *op)
{
	const char *path;
	json_object *con;
	char *key;
	bool present;

	if (op_pointer(p, op, "path", &path) < 0)
		return fail(p, "add operation failed to decode path: " MISSING);
	if (!find_object(p, path, &con, &key))
		return fail(
		    p, "add operation does not apply: doc is missing path: \"%s\": " MISSING, path);
	int r = con_add(p, con, key, copy(op_value(op, &present)));
	free(key);
	return r < 0 ? wrap(p, "error in add for path: '%s'", path) : 0;
}

static int op_remove(struct patcher *p, json_object *op)
{
	const char *path;
	json_object *con;
	char *key;

	if (op_pointer(p, op, "path", &path) < 0)
		return fail(p, "remove operation failed to decode path: " MISSING);
	if (!find_object(p, path, &con, &key))
		return fail(
		    p, "remove operation does not apply: doc is missing path: \"%s\": " MISSING,
		    path);
	int r = con_remove(p, con, key);
	free(key);
	return r < 0 ? wrap(p, "error in remove for path: '%s'", path) : 0;
}

static int op_replace(struct patcher *p, json_object *op)
{
	const char *path;
	json_object *con, *old;
	char *key;
	bool present;

	if (op_pointer(p, op, "path", &path) < 0)
		return wrap(p, "replace operation failed to decode path");
	json_object *val = op_value(op, &present);
	if (path[0] == '\0') {
		/* the whole document, when the value is one; else nothing */
		if (is_container(val)) {
			json_object_put(p->root);
			p->root = copy(val);
		}
		return 0;
	}
	if (!find_object(p, path, &con, &key))
		return fail(
		    p, "replace operation does not apply: doc is missing path: %s: " MISSING, path);
	if (con_get(p, con, key, &old) < 0) {
		free(key);
		return fail(p, "replace operation does not apply: doc is missing key: %s: " MISSING,
			    path);
	}
	con_set(con, key, copy(val));
	free(key);
	return 0;
}

static int op_move(struct patcher *p, json_object *op)
{
	const char *from, *path;
	json_object *con, *val;
	char *key;

	if (op_pointer(p, op, "from", &from) < 0)
		return wrap(p, "move operation failed to decode from");
	if (!find_object(p, from, &con, &key))
		return fail(p,
			    "move operation does not apply: doc is missing from path: %s: " MISSING,
			    from);
	if (con_get(p, con, key, &val) < 0) {
		wrap(p, "error in move for path: '%s'", key);
		free(key);
		return -1;
	}
	/* hold the value across its removal */
	val = json_object_get(val);
	if (con_remove(p, con, key) < 0) {
		wrap(p, "error in move for path: '%s'", key);
		json_object_put(val);
		free(key);
		return -1;
	}
	free(key);
	if (op_pointer(p, op, "path", &path) < 0) {
		json_object_put(val);
		return wrap(p, "move operation failed to decode path");
	}
	if (!find_object(p, path, &con, &key)) {
		json_object_put(val);
		return fail(
		    p,
		    "move operation does not apply: doc is missing destination path: %s: " MISSING,
		    path);
	}
	int r = con_add(p, con, key, val);
	free(key);
	return r < 0 ? wrap(p, "error in move for path: '%s'", path) : 0;
}

/* lazyNode.equal: containers structurally, scalars by their JSON text. */
static bool node_equal(json_object *a, json_object *b)
{
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

	if (!a || !b)
		return a == b;
	switch (json_object_get_type(a)) {
	case json_type_object:
		if (json_object_get_type(b) != json_type_object ||
		    json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach (a, k, av) {
			json_object *bv = NULL;
			if (!json_object_object_get_ex(b, k, &bv) || !node_equal(av, bv))
				return false;
		}
		return true;
	case json_type_array: {
		size_t n = json_object_array_length(a);
		if (json_object_get_type(b) != json_type_array || json_object_array_length(b) != n)
			return false;
		for (size_t i = 0; i < n; i++) {
			if (!node_equal(json_object_array_get_idx(a, i),
					json_object_array_get_idx(b, i)))
				return false;
		}
		return true;
	}
	default:
		if (is_container(b))
			return false;
		return strcmp(json_object_to_json_string_ext(a, flags),
			      json_object_to_json_string_ext(b, flags)) == 0;
	}
}

static int op_test(struct patcher *p, json_object *op)
{
	const char *path;
	json_object *con, *val;
	char *key;
	bool present;

	if (op_pointer(p, op, "path", &path) < 0)
		return wrap(p, "test operation failed to decode path");
	json_object *want = op_value(op, &present);
	if (path[0] == '\0') {
		if (present && node_equal(p->root, want))
			return 0;
		return fail(p, "testing value %s failed: test failed", path);
	}
	if (!find_object(p, path, &con, &key))
		return fail(p, "test operation does not apply: is missing path: %s: " MISSING,
			    path);
	int r = con_get(p, con, key, &val);
	free(key);
	if (r < 0)
		return wrap(p, "error in test for path: '%s'", path);
	/* a missing member and null both test equal to null */
	if (present && node_equal(val, want))
		return 0;
	return fail(p, "testing value %s failed: test failed", path);
}

static int op_copy(struct patcher *p, json_object *op)
{
	const char *from, *path;
	json_object *con, *val;
	char *key;

	if (op_pointer(p, op, "from", &from) < 0)
		return wrap(p, "copy operation failed to decode from");
	if (!find_object(p, from, &con, &key))
		return fail(p,
			    "copy operation does not apply: doc is missing from path: %s: " MISSING,
			    from);
	int r = con_get(p, con, key, &val);
	free(key);
	if (r < 0)
		return wrap(p, "error in copy for from: '%s'", from);
	if (op_pointer(p, op, "path", &path) < 0)
		return fail(p, "copy operation failed to decode path: " MISSING);
	if (!find_object(p, path, &con, &key))
		return fail(
		    p,
		    "copy operation does not apply: doc is missing destination path: %s: " MISSING,
		    path);
	size_t sz = 0;
	if (val)
		json_object_to_json_string_length(
		    val, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &sz);
	p->copied += sz;
	if (p->copied > p->max_copy) {
		free(key);
		return fail(p,
			    "Unable to complete the copy, the accumulated size increase of copy is "
			    "%zu, exceeding the limit %zu",
			    p->copied, p->max_copy);
	}
	r = con_add(p, con, key, copy(val));
	free(key);
	return r < 0 ? wrap(p, "error while adding value during copy") : 0;
}

static int apply_op(struct patcher *p, json_object *op)
{
	const char *kind = "unknown";

	if (op && op_string(op, "op", &kind) != FIELD_OK)
		kind = "unknown";
	if (op && strcmp(kind, "add") == 0)
		return op_add(p, op);
	if (op && strcmp(kind, "remove") == 0)
		return op_remove(p, op);
	if (op && strcmp(kind, "replace") == 0)
		return op_replace(p, op);
	if (op && strcmp(kind, "move") == 0)
		return op_move(p, op);
	if (op && strcmp(kind, "test") == 0)
		return op_test(p, op);
	if (op && strcmp(kind, "copy") == 0)
		return op_copy(p, op);
	return fail(p, "Unexpected kind: %s", kind);
}

static int give_err(char **ret_err, int err, const char *msg)
{
	if (ret_err)
		*ret_err = ck_strdup(msg);
	return err;
}

int ck_json_patch_apply(json_object *doc, json_object *patch, const struct ck_json_patch_opts *opts,
			json_object **ret_doc, char **ret_err)
{
	struct patcher p = { .root = NULL, .copied = 0 };
	size_t max_ops = opts && opts->max_ops ? opts->max_ops : CK_JSON_PATCH_MAX_OPS;
	size_t n = 0;
	char msg[160];
	int r = 0;

	/* DecodePatch: an array of objects (null decodes to no operations) */
	if (patch && json_object_get_type(patch) != json_type_array) {
		snprintf(msg, sizeof(msg),
			 "json: cannot unmarshal %s into Go value of type "
			 "jsonpatch.Patch",
			 json_kind(patch));
		return give_err(ret_err, -EINVAL, msg);
	}
	n = patch ? json_object_array_length(patch) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *op = json_object_array_get_idx(patch, i);
		if (op && json_object_get_type(op) != json_type_object) {
			snprintf(
			    msg, sizeof(msg),
			    "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
			    json_kind(op));
			return give_err(ret_err, -EINVAL, msg);
		}
	}
	if (n > max_ops) {
		snprintf(msg, sizeof(msg),
			 "The allowed maximum operations in a JSON patch is %zu, got %zu", max_ops,
			 n);
		return give_err(ret_err, -E2BIG, msg);
	}
	if (!is_container(doc)) {
		snprintf(msg, sizeof(msg),
			 "json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc",
			 json_kind(doc));
		return give_err(ret_err, -EINVAL, msg);
	}

	p.max_copy = opts && opts->max_copy_bytes ? opts->max_copy_bytes : CK_MAX_JSON_PATCH_COPY;
	ck_buf_init(&p.err, 0);
	p.root = copy(doc);
	for (size_t i = 0; i < n && r == 0; i++)
		r = apply_op(&p, json_object_array_get_idx(patch, i));
	if (r < 0) {
		json_object_put(p.root);
		give_err(ret_err, -EPROTO, ck_buf_str(&p.err));
		ck_buf_release(&p.err);
		return -EPROTO;
	}
	ck_buf_release(&p.err);
	*ret_doc = p.root;
	return 0;
}
