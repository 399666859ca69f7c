/*
 * A read-only JSON printer for json-c objects, matching json-c 0.16's
 * compact output (see json_write.h). Recursion follows the object's depth,
 * which the parser bounds (CK_MAX_JSON_DEPTH).
 */
#include "util/json_write.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/floatfmt.h"
#include "util/utf8.h"

static int write_string(struct ck_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;
	int r = ck_buf_addc(b, '"');

	for (size_t i = 0; i < len && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];

		if (c >= ' ' && c != '"' && c != '\\') /* most bytes: part of the run */
			continue;
		switch (c) {
		case '\b':
			esc = "\\b";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		default:
			if (c < ' ') {
				u[0] = '\\';
				u[1] = 'u';
				u[2] = '0';
				u[3] = '0';
				u[4] = hex[c >> 4];
				u[5] = hex[c & 0xf];
				u[6] = '\0';
				esc = u;
			}
		}
		if (!esc)
			continue;
		if (i > start)
			r = ck_buf_add(b, s + start, i - start);
		if (r == 0)
			r = ck_buf_adds(b, esc);
		start = i + 1;
	}
	if (r == 0 && len > start)
		r = ck_buf_add(b, s + start, len - start);
	return r == 0 ? ck_buf_addc(b, '"') : r;
}

static int write_double(struct ck_buf *b, json_object *obj)
{
	const char *text = json_object_get_userdata(obj);
	double d = json_object_get_double(obj);
	char buf[128];
	int n;

	if (text) /* parsed: json-c prints the text it read */
		return ck_buf_adds(b, text);
	if (isnan(d))
		return ck_buf_adds(b, "NaN");
	if (isinf(d))
		return ck_buf_adds(b, d > 0 ? "Infinity" : "-Infinity");
	n = snprintf(buf, sizeof(buf), "%.17g", d);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	char *comma = strchr(buf, ',');
	if (comma)
		*comma = '.';
	bool numeric = (buf[0] >= '0' && buf[0] <= '9') ||
		       (n > 1 && buf[0] == '-' && buf[1] >= '0' && buf[1] <= '9');
	if (numeric && !strchr(buf, '.') && !strchr(buf, 'e') && (size_t)n + 2 < sizeof(buf)) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	return ck_buf_add(b, buf, (size_t)n);
}

static int write_object(struct ck_buf *b, json_object *obj, const char *const *omit);

static int write_value(struct ck_buf *b, json_object *obj)
{
	char buf[32];
	int r = 0;

	switch (json_object_get_type(obj)) {
	case json_type_null:
		return ck_buf_adds(b, "null");
	case json_type_boolean:
		return ck_buf_adds(b, json_object_get_boolean(obj) ? "true" : "false");
	case json_type_int: {
		int64_t v = json_object_get_int64(obj);
		/* json-c holds values above INT64_MAX as uint64 and clamps them here */
		if (v == INT64_MAX)
			snprintf(buf, sizeof(buf), "%" PRIu64, json_object_get_uint64(obj));
		else
			snprintf(buf, sizeof(buf), "%" PRId64, v);
		return ck_buf_adds(b, buf);
	}
	case json_type_double:
		return write_double(b, obj);
	case json_type_string:
		return write_string(b, json_object_get_string(obj),
				    (size_t)json_object_get_string_len(obj));
	case json_type_array: {
		size_t n = json_object_array_length(obj);
		r = ck_buf_addc(b, '[');
		for (size_t i = 0; i < n && r == 0; i++) {
			if (i > 0)
				r = ck_buf_addc(b, ',');
			if (r == 0)
				r = write_value(b, json_object_array_get_idx(obj, i));
		}
		return r == 0 ? ck_buf_addc(b, ']') : r;
	}
	case json_type_object:
		return write_object(b, obj, NULL);
	}
	return ck_buf_adds(b, "null");
}

static bool omitted(const char *key, const char *const *omit)
{
	for (size_t i = 0; omit && omit[i]; i++)
		if (strcmp(key, omit[i]) == 0)
			return true;
	return false;
}

static int write_object(struct ck_buf *b, json_object *obj, const char *const *omit)
{
	bool first = true;
	int r = ck_buf_addc(b, '{');
	json_object_object_foreach (obj, key, val) {
		if (omitted(key, omit))
			continue;
		if (r == 0 && !first)
			r = ck_buf_addc(b, ',');
		first = false;
		if (r == 0)
			r = write_string(b, key, strlen(key));
		if (r == 0)
			r = ck_buf_addc(b, ':');
		if (r == 0)
			r = write_value(b, val);
		if (r < 0)
			break;
	}
	return r == 0 ? ck_buf_addc(b, '}') : r;
}

int ck_json_write(struct ck_buf *b, json_object *obj)
{
	return ck_json_write_without(b, obj, NULL);
}

int ck_json_write_without(struct ck_buf *b, json_object *obj, const char *const *omit)
{
	size_t len = b->len;
	int r = json_object_is_type(obj, json_type_object) ? write_object(b, obj, omit)
							   : write_value(b, obj);
	if (r < 0)
		ck_buf_truncate(b, len);
	return r;
}

/* ---- Go's encoding/json ---------------------------------------------------------- */

int ck_json_write_go_string(struct ck_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	int r = ck_buf_addc(b, '"');
	for (size_t i = 0; i < len && r == 0;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			switch (c) {
			case '"':
				r = ck_buf_adds(b, "\\\"");
				break;
			case '\\':
				r = ck_buf_adds(b, "\\\\");
				break;
			case '\n':
				r = ck_buf_adds(b, "\\n");
				break;
			case '\r':
				r = ck_buf_adds(b, "\\r");
				break;
			case '\t':
				r = ck_buf_adds(b, "\\t");
				break;
			case '\b':
				r = ck_buf_adds(b, "\\b");
				break;
			case '\f':
				r = ck_buf_adds(b, "\\f");
				break;
			default:
				if (c < ' ' || c == '<' || c == '>' || c == '&')
					r = ck_buf_addf(b, "\\u00%c%c", hex[c >> 4], hex[c & 0xf]);
				else
					r = ck_buf_addc(b, (char)c);
			}
			i++;
			continue;
		}
		size_t n;
		uint32_t cp = ck_utf8_decode(s + i, len - i, &n);
		if (cp == CK_UTF8_RUNE_ERROR && n == 1)
			r = ck_buf_adds(b, "\\ufffd");
		else if (cp == 0x2028 || cp == 0x2029)
			r = ck_buf_addf(b, "\\u%04x", (unsigned)cp);
		else
			r = ck_buf_add(b, s + i, n);
		i += n;
	}
	return r == 0 ? ck_buf_addc(b, '"') : r;
}

static int go_newline(struct ck_buf *b, const char *indent, int depth)
{
	int r = ck_buf_addc(b, '\n');
	for (int i = 0; i < depth && r == 0; i++)
		r = ck_buf_adds(b, indent);
	return r;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **ck_json_sorted_keys(json_object *obj, size_t *ret_n)
{
	size_t n = obj && json_object_is_type(obj, json_type_object)
		       ? (size_t)json_object_object_length(obj)
		       : 0;
	const char **keys = ck_calloc(n + 1, sizeof(*keys));
	size_t i = 0;
	if (n) {
		json_object_object_foreach (obj, key, val) {
			(void)val;
			keys[i++] = key;
		}
	}
	qsort(keys, i, sizeof(*keys), cmp_keys);
	*ret_n = i;
	return keys;
}

static int go_value(struct ck_buf *b, json_object *obj, const char *indent, int depth)
{
	int r = 0;
	switch (json_object_get_type(obj)) {
	case json_type_double: {
		double d = json_object_get_double(obj);
		if (isnan(d) || isinf(d))
			return -EINVAL;
		return ck_floatfmt_json(b, d);
	}
	case json_type_string:
		return ck_json_write_go_string(b, json_object_get_string(obj),
					       (size_t)json_object_get_string_len(obj));
	case json_type_array: {
		size_t n = json_object_array_length(obj);
		if (n == 0)
			return ck_buf_adds(b, "[]");
		r = ck_buf_addc(b, '[');
		for (size_t i = 0; i < n && r == 0; i++) {
			if (i > 0)
				r = ck_buf_addc(b, ',');
			if (r == 0 && indent)
				r = go_newline(b, indent, depth + 1);
			if (r == 0)
				r = go_value(b, json_object_array_get_idx(obj, i), indent,
					     depth + 1);
		}
		if (r == 0 && indent)
			r = go_newline(b, indent, depth);
		return r == 0 ? ck_buf_addc(b, ']') : r;
	}
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(obj), i = 0;
		if (n == 0)
			return ck_buf_adds(b, "{}");
		const char **keys = ck_json_sorted_keys(obj, &n);
		r = ck_buf_addc(b, '{');
		for (i = 0; i < n && r == 0; i++) {
			if (i > 0)
				r = ck_buf_addc(b, ',');
			if (r == 0 && indent)
				r = go_newline(b, indent, depth + 1);
			if (r == 0)
				r = ck_json_write_go_string(b, keys[i], strlen(keys[i]));
			if (r == 0)
				r = ck_buf_adds(b, indent ? ": " : ":");
			if (r == 0)
				r = go_value(b, json_object_object_get(obj, keys[i]), indent,
					     depth + 1);
		}
		free(keys);
		if (r == 0 && indent)
			r = go_newline(b, indent, depth);
		return r == 0 ? ck_buf_addc(b, '}') : r;
	}
	default:
		return write_value(b, obj);
	}
}

int ck_json_write_go(struct ck_buf *b, json_object *obj, const char *indent)
{
	size_t len = b->len;
	int r = go_value(b, obj, indent, 0);
	if (r < 0)
		ck_buf_truncate(b, len);
	return r;
}
