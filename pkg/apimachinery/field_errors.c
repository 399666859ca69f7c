#include "apimachinery/field_errors.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/common.h"
#include "util/floatfmt.h"
#include "util/hashmap.h"
#include "util/utf8.h"

static const struct {
	const char *reason;
	const char *text;
} error_types[] = {
	[CK_FIELD_ERROR_NOT_FOUND] = { "FieldValueNotFound", "Not found" },
	[CK_FIELD_ERROR_REQUIRED] = { "FieldValueRequired", "Required value" },
	[CK_FIELD_ERROR_DUPLICATE] = { "FieldValueDuplicate", "Duplicate value" },
	[CK_FIELD_ERROR_INVALID] = { "FieldValueInvalid", "Invalid value" },
	[CK_FIELD_ERROR_NOT_SUPPORTED] = { "FieldValueNotSupported", "Unsupported value" },
	[CK_FIELD_ERROR_FORBIDDEN] = { "FieldValueForbidden", "Forbidden" },
	[CK_FIELD_ERROR_TOO_LONG] = { "FieldValueTooLong", "Too long" },
	[CK_FIELD_ERROR_TOO_MANY] = { "FieldValueTooMany", "Too many" },
	[CK_FIELD_ERROR_INTERNAL] = { "InternalError", "Internal error" },
	[CK_FIELD_ERROR_TYPE_INVALID] = { "FieldValueTypeInvalid", "Invalid value" },
};

const char *ck_field_error_type_reason(enum ck_field_error_type type)
{
	CK_BUG_ON((size_t)type >= CK_ARRAY_SIZE(error_types));
	return error_types[type].reason;
}

const char *ck_field_error_type_string(enum ck_field_error_type type)
{
	CK_BUG_ON((size_t)type >= CK_ARRAY_SIZE(error_types));
	return error_types[type].text;
}

void ck_field_errors_init(struct ck_field_errors *l)
{
	l->items = NULL;
	l->len = 0;
	l->alloc = 0;
}

static void error_release(struct ck_field_error *e)
{
	ck_free(&e->field);
	ck_free(&e->detail);
	ck_free(&e->body);
}

void ck_field_errors_release(struct ck_field_errors *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		error_release(&l->items[i]);
	free(l->items);
	ck_field_errors_init(l);
}

static struct ck_field_error *push(struct ck_field_errors *l)
{
	if (l->len == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 4;
		l->items = ck_realloc(l->items, l->alloc * sizeof(*l->items));
	}
	return &l->items[l->len++];
}

void ck_field_errors_append(struct ck_field_errors *dst, struct ck_field_errors *src)
{
	for (size_t i = 0; i < src->len; i++)
		*push(dst) = src->items[i];
	free(src->items);
	ck_field_errors_init(src);
}

/*
 * Go's %q of a string that may hold NUL bytes: ck_buf_add_quoted takes C
 * strings, so quote the NUL-free runs and join them with \x00.
 */
static void add_quoted_len(struct ck_buf *b, const char *s, size_t n)
{
	ck_buf_addc(b, '"');
	size_t i = 0;
	for (;;) {
		const char *nul = memchr(s + i, '\0', n - i);
		size_t seg = nul ? (size_t)(nul - (s + i)) : n - i;
		char *tmp = ck_strndup(s + i, seg);
		size_t mark = b->len;
		if (ck_buf_add_quoted(b, tmp) == 0) {
			/* drop the quotes of the run */
			memmove(b->data + mark, b->data + mark + 1, b->len - mark - 1);
			ck_buf_truncate(b, b->len - 2);
		}
		free(tmp);
		if (!nul)
			break;
		ck_buf_adds(b, "\\x00");
		i += seg + 1;
	}
	ck_buf_addc(b, '"');
}

/* Appends the bad value as upstream's ErrorBody prints a Go value. */
static void add_value(struct ck_buf *b, const struct json_object *value)
{
	struct json_object *v = (struct json_object *)value;
	switch (json_object_get_type(v)) {
	case json_type_null:
		ck_buf_adds(b, "\"null\"");
		break;
	case json_type_boolean:
		ck_buf_adds(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int: {
		int64_t i = json_object_get_int64(v);
		uint64_t u = json_object_get_uint64(v);
		if (i == INT64_MAX && u > (uint64_t)INT64_MAX)
			ck_buf_addf(b, "%" PRIu64, u);
		else
			ck_buf_addf(b, "%" PRId64, i);
		break;
	}
	case json_type_double:
		ck_floatfmt_g(b, json_object_get_double(v), 64);
		break;
	case json_type_string:
		add_quoted_len(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	default:
		ck_buf_adds(b, json_object_to_json_string_ext(
				   v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		break;
	}
}

enum value_kind {
	VALUE_NONE, /* the type omits it, or omitValue */
	VALUE_JSON,
	VALUE_STR,
	VALUE_INT,
};

struct bad_value {
	enum value_kind kind;
	const struct json_object *json;
	const char *str;
	int64_t i;
};

static void add(struct ck_field_errors *l, enum ck_field_error_type type, const char *field,
		const struct bad_value *value, const char *detail)
{
	struct ck_buf body;
	ck_buf_init(&body, 0);
	ck_buf_adds(&body, error_types[type].text);
	bool omit = type == CK_FIELD_ERROR_REQUIRED || type == CK_FIELD_ERROR_FORBIDDEN ||
		    type == CK_FIELD_ERROR_TOO_LONG || type == CK_FIELD_ERROR_INTERNAL ||
		    value->kind == VALUE_NONE;
	if (!omit) {
		ck_buf_adds(&body, ": ");
		switch (value->kind) {
		case VALUE_JSON:
			add_value(&body, value->json);
			break;
		case VALUE_STR:
			if (value->str)
				add_quoted_len(&body, value->str, strlen(value->str));
			else
				ck_buf_adds(&body, "\"null\"");
			break;
		case VALUE_INT:
			ck_buf_addf(&body, "%" PRId64, value->i);
			break;
		case VALUE_NONE:
			break;
		}
	}
	if (detail && *detail)
		ck_buf_addf(&body, ": %s", detail);

	struct ck_field_error *e = push(l);
	e->type = type;
	e->field = ck_strdup(field ? field : "<nil>");
	e->detail = ck_strdup(detail ? detail : "");
	e->body = ck_buf_detach(&body, NULL);
	ck_buf_release(&body);
}

static const struct bad_value no_value = { .kind = VALUE_NONE };

static struct bad_value json_value(const struct json_object *v)
{
	return (struct bad_value){ .kind = VALUE_JSON, .json = v };
}

void ck_field_errors_add_required(struct ck_field_errors *l, const char *field, const char *detail)
{
	add(l, CK_FIELD_ERROR_REQUIRED, field, &no_value, detail);
}

void ck_field_errors_add_invalid(struct ck_field_errors *l, const char *field,
				 const struct json_object *value, const char *detail)
{
	struct bad_value v = json_value(value);
	add(l, CK_FIELD_ERROR_INVALID, field, &v, detail);
}

void ck_field_errors_add_invalid_omit_value(struct ck_field_errors *l, const char *field,
					    const char *detail)
{
	add(l, CK_FIELD_ERROR_INVALID, field, &no_value, detail);
}

void ck_field_errors_add_invalid_str(struct ck_field_errors *l, const char *field,
				     const char *value, const char *detail)
{
	struct bad_value v = { .kind = VALUE_STR, .str = value };
	add(l, CK_FIELD_ERROR_INVALID, field, &v, detail);
}

void ck_field_errors_add_invalid_int(struct ck_field_errors *l, const char *field, int64_t value,
				     const char *detail)
{
	struct bad_value v = { .kind = VALUE_INT, .i = value };
	add(l, CK_FIELD_ERROR_INVALID, field, &v, detail);
}

void ck_field_errors_add_not_supported(struct ck_field_errors *l, const char *field,
				       const struct json_object *value,
				       const char *const *valid_values, size_t n_valid)
{
	struct ck_buf detail;
	ck_buf_init(&detail, 0);
	if (n_valid > 0) {
		ck_buf_adds(&detail, "supported values: ");
		for (size_t i = 0; i < n_valid; i++) {
			if (i)
				ck_buf_adds(&detail, ", ");
			add_quoted_len(&detail, valid_values[i], strlen(valid_values[i]));
		}
	}
	struct bad_value v = json_value(value);
	add(l, CK_FIELD_ERROR_NOT_SUPPORTED, field, &v, ck_buf_str(&detail));
	ck_buf_release(&detail);
}

void ck_field_errors_add_forbidden(struct ck_field_errors *l, const char *field, const char *detail)
{
	add(l, CK_FIELD_ERROR_FORBIDDEN, field, &no_value, detail);
}

void ck_field_errors_add_duplicate(struct ck_field_errors *l, const char *field,
				   const struct json_object *value)
{
	struct bad_value v = json_value(value);
	add(l, CK_FIELD_ERROR_DUPLICATE, field, &v, NULL);
}

void ck_field_errors_add_not_found(struct ck_field_errors *l, const char *field,
				   const struct json_object *value)
{
	struct bad_value v = json_value(value);
	add(l, CK_FIELD_ERROR_NOT_FOUND, field, &v, NULL);
}

void ck_field_errors_add_too_long(struct ck_field_errors *l, const char *field, int max_length)
{
	char detail[64];
	snprintf(detail, sizeof(detail), "must have at most %d bytes", max_length);
	add(l, CK_FIELD_ERROR_TOO_LONG, field, &no_value, detail);
}

void ck_field_errors_add_too_long_max_length(struct ck_field_errors *l, const char *field,
					     int max_length)
{
	char detail[64];
	if (max_length >= 0)
		snprintf(detail, sizeof(detail), "may not be longer than %d", max_length);
	else
		snprintf(detail, sizeof(detail), "value is too long");
	add(l, CK_FIELD_ERROR_TOO_LONG, field, &no_value, detail);
}

void ck_field_errors_add_too_many(struct ck_field_errors *l, const char *field, int actual,
				  int max_quantity)
{
	char detail[64];
	if (max_quantity >= 0)
		snprintf(detail, sizeof(detail), "must have at most %d items", max_quantity);
	else
		snprintf(detail, sizeof(detail), "has too many items");
	struct bad_value v = { .kind = actual >= 0 ? VALUE_INT : VALUE_NONE, .i = actual };
	add(l, CK_FIELD_ERROR_TOO_MANY, field, &v, detail);
}

void ck_field_errors_add_type_invalid(struct ck_field_errors *l, const char *field,
				      const struct json_object *value, const char *detail)
{
	struct bad_value v = json_value(value);
	add(l, CK_FIELD_ERROR_TYPE_INVALID, field, &v, detail);
}

void ck_field_errors_add_internal(struct ck_field_errors *l, const char *field, const char *err)
{
	add(l, CK_FIELD_ERROR_INTERNAL, field, &no_value, err);
}

char *ck_field_error_string(const struct ck_field_error *e)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "%s: %s", e->field, e->body);
	char *s = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return s;
}

char *ck_field_errors_aggregate(const struct ck_field_errors *l)
{
	if (!l || l->len == 0)
		return NULL;
	struct ck_hashmap seen;
	ck_hashmap_init(&seen, NULL);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	size_t n = 0;
	for (size_t i = 0; i < l->len; i++) {
		char *m = ck_field_error_string(&l->items[i]);
		if (!ck_hashmap_has(&seen, m)) {
			ck_hashmap_put(&seen, m, &seen);
			if (n++)
				ck_buf_adds(&b, ", ");
			ck_buf_adds(&b, m);
		}
		free(m);
	}
	ck_hashmap_release(&seen);
	if (n > 1) {
		/* several distinct messages: [a, b] */
		struct ck_buf br;
		ck_buf_init(&br, 0);
		ck_buf_addf(&br, "[%s]", ck_buf_str(&b));
		ck_buf_release(&b);
		b = br;
	}
	char *s = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return s;
}

int ck_field_path_child(struct ck_buf *path, const char *name)
{
	if (!*name)
		return ck_buf_adds(path, "[]");
	if (path->len > 0) {
		int r = ck_buf_addc(path, '.');
		if (r < 0)
			return r;
	}
	return ck_buf_adds(path, name);
}

int ck_field_path_index(struct ck_buf *path, long long index)
{
	return ck_buf_addf(path, "[%lld]", index);
}

int ck_field_path_key(struct ck_buf *path, const char *key)
{
	return ck_buf_addf(path, "[%s]", key);
}
