/*
 * Field selectors: terms split at unescaped commas, sorted as text, each
 * split at its first operator ("!=", "==", "=" tried in that order at each
 * position), values unescaped, as upstream's parseSelector.
 */
#include "apimachinery/fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"
#include "util/utf8.h"

struct ck_field_selector {
	struct ck_field_requirement *reqs;
	size_t n;
	size_t alloc;
};

static void set_err(char **ret_err, char *msg)
{
	if (ret_err)
		*ret_err = msg;
	else
		free(msg);
}

/* A message from fmt with one %s; owned. Falls back to fmt's text if huge. */
static char *msgf(const char *fmt, const char *a, const char *b)
{
	struct ck_buf buf;

	ck_buf_init(&buf, 0);
	if (ck_buf_addf(&buf, fmt, a, b) < 0) {
		ck_buf_reset(&buf);
		CK_BUG_ON(ck_buf_adds(&buf, "invalid field selector") < 0);
	}
	return ck_buf_detach(&buf, NULL);
}

static struct ck_field_selector *selector_new(void)
{
	return ck_calloc(1, sizeof(struct ck_field_selector));
}

/* Appends a term, taking field and value. */
static void selector_push(struct ck_field_selector *sel, char *field, enum ck_field_op op,
			  char *value)
{
	if (sel->n == sel->alloc) {
		sel->alloc = sel->alloc ? sel->alloc * 2 : 4;
		sel->reqs = ck_realloc(sel->reqs, sel->alloc * sizeof(*sel->reqs));
	}
	sel->reqs[sel->n].field = field;
	sel->reqs[sel->n].op = op;
	sel->reqs[sel->n].value = value;
	sel->n++;
}

struct ck_field_selector *ck_field_selector_everything(void)
{
	return selector_new();
}

struct ck_field_selector *ck_field_selector_one_term_equal(const char *field, const char *value)
{
	struct ck_field_selector *sel = selector_new();
	selector_push(sel, ck_strdup(field), CK_FIELD_OP_EQUALS, ck_strdup(value));
	return sel;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A field value from a json-c map entry: strings as they are, null as "". */
static const char *value_string(json_object *v)
{
	const char *s;

	if (!v || json_object_is_type(v, json_type_null))
		return "";
	s = json_object_get_string(v);
	return s ? s : "";
}

struct ck_field_selector *ck_field_selector_from_set(json_object *set)
{
	struct ck_field_selector *sel = selector_new();
	const char **keys;
	size_t n = 0;

	if (!set || !json_object_is_type(set, json_type_object))
		return sel;
	keys = ck_calloc((size_t)json_object_object_length(set) + 1, sizeof(*keys));
	json_object_object_foreach (set, k, v) {
		(void)v;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++)
		selector_push(sel, ck_strdup(keys[i]), CK_FIELD_OP_EQUALS,
			      ck_strdup(value_string(json_object_object_get(set, keys[i]))));
	free(keys);
	return sel;
}

void ck_field_selector_free(struct ck_field_selector *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->reqs[i].field);
		free(sel->reqs[i].value);
	}
	free(sel->reqs);
	free(sel);
}

char *ck_field_escape_value(const char *s)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, CK_MAX_BUF);
	for (; *s && r == 0; s++) {
		if (*s == '\\' || *s == ',' || *s == '=')
			r = ck_buf_addc(&b, '\\');
		if (r == 0)
			r = ck_buf_addc(&b, *s);
	}
	/* Twice the input: only a value far past any request could fail. */
	CK_BUG_ON(r < 0);
	return ck_buf_detach(&b, NULL);
}

int ck_field_unescape_value(const char *s, char **ret, char **ret_err)
{
	struct ck_buf b, seq;
	size_t n = strlen(s);
	bool in_slash = false;
	char *msg = NULL;
	int r = 0;

	/* Nothing to undo: the value as it is (upstream returns it unchanged). */
	if (!strpbrk(s, "\\,=")) {
		*ret = ck_strdup(s);
		return 0;
	}
	ck_buf_init(&b, 0);
	ck_buf_init(&seq, 0);
	/* Upstream walks runes: invalid UTF-8 comes out as U+FFFD. */
	for (size_t i = 0; i < n;) {
		size_t len;
		uint32_t c = ck_utf8_decode(s + i, n - i, &len);
		i += len;
		if (in_slash) {
			if (c == '\\' || c == ',' || c == '=') {
				r = ck_buf_addc(&b, (char)c);
			} else {
				r = ck_buf_addc(&seq, '\\');
				if (r == 0)
					r = ck_utf8_append(&seq, c);
				msg = msgf("invalid field selector: invalid escape sequence: %s%s",
					   ck_buf_str(&seq), "");
				r = -EINVAL;
				goto out;
			}
			in_slash = false;
		} else if (c == '\\') {
			in_slash = true;
		} else if (c == ',' || c == '=') {
			/* Upstream prints the rune with %v: its number. */
			msg = msgf("invalid field selector: unescaped character in value: %s%s",
				   c == ',' ? "44" : "61", "");
			r = -EINVAL;
			goto out;
		} else {
			r = ck_utf8_append(&b, c);
		}
		if (r < 0) {
			msg = ck_strdup("invalid field selector: value too long");
			goto out;
		}
	}
	if (in_slash) {
		msg = ck_strdup("invalid field selector: invalid escape sequence: \\");
		r = -EINVAL;
		goto out;
	}
	*ret = ck_buf_detach(&b, NULL);
out:
	if (r < 0)
		set_err(ret_err, msg);
	ck_buf_release(&b);
	ck_buf_release(&seq);
	return r;
}

/*
 * Splits at commas not escaped by a backslash (the backslash stays in the
 * term). Returns the number of terms; *ret_terms holds owned strings. ""
 * has no terms.
 */
static size_t split_terms(const char *s, char ***ret_terms)
{
	char **terms = NULL;
	size_t n = 0, alloc = 0, start = 0, i = 0;
	bool in_slash = false;

	if (*s == '\0') {
		*ret_terms = NULL;
		return 0;
	}
	for (;; i++) {
		if (s[i] == '\0' || (!in_slash && s[i] == ',')) {
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 4;
				terms = ck_realloc(terms, alloc * sizeof(*terms));
			}
			terms[n++] = ck_strndup(s + start, i - start);
			if (s[i] == '\0')
				break;
			start = i + 1;
			continue;
		}
		if (in_slash)
			in_slash = false;
		else if (s[i] == '\\')
			in_slash = true;
	}
	*ret_terms = terms;
	return n;
}

/* The first operator in term: its position, length and kind; false if none. */
static bool split_term(const char *term, size_t *ret_pos, size_t *ret_len, enum ck_field_op *ret_op)
{
	for (size_t i = 0; term[i]; i++) {
		if (term[i] == '!' && term[i + 1] == '=') {
			*ret_op = CK_FIELD_OP_NOT_EQUALS;
			*ret_len = 2;
		} else if (term[i] == '=') {
			*ret_op = CK_FIELD_OP_EQUALS;
			*ret_len = term[i + 1] == '=' ? 2 : 1;
		} else {
			continue;
		}
		*ret_pos = i;
		return true;
	}
	return false;
}

int ck_field_selector_parse(const char *s, struct ck_field_selector **ret, char **ret_err)
{
	struct ck_field_selector *sel = selector_new();
	char **terms = NULL;
	char *msg = NULL;
	size_t n;
	int r = 0;

	if (!s)
		s = "";
	n = split_terms(s, &terms);
	if (n > 1)
		qsort(terms, n, sizeof(*terms), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t pos, len;
		enum ck_field_op op;
		char *value;

		if (terms[i][0] == '\0')
			continue;
		if (!split_term(terms[i], &pos, &len, &op)) {
			msg = msgf("invalid selector: '%s'; can't understand '%s'", s, terms[i]);
			r = -EINVAL;
			goto out;
		}
		r = ck_field_unescape_value(terms[i] + pos + len, &value, &msg);
		if (r < 0)
			goto out;
		/* upstream's identity Transform drops a term with empty field and value */
		if (pos == 0 && value[0] == '\0') {
			free(value);
			continue;
		}
		selector_push(sel, ck_strndup(terms[i], pos), op, value);
	}
	*ret = sel;
	sel = NULL;
out:
	if (r < 0)
		set_err(ret_err, msg);
	for (size_t i = 0; i < n; i++)
		free(terms[i]);
	free(terms);
	ck_field_selector_free(sel);
	return r;
}

bool ck_field_selector_matches(const struct ck_field_selector *sel, ck_field_lookup_fn lookup,
			       void *ctx)
{
	for (size_t i = 0; i < sel->n; i++) {
		const char *v = lookup(ctx, sel->reqs[i].field);
		bool eq = strcmp(v ? v : "", sel->reqs[i].value) == 0;
		if (eq != (sel->reqs[i].op == CK_FIELD_OP_EQUALS))
			return false;
	}
	return true;
}

static const char *set_lookup(void *ctx, const char *field)
{
	json_object *fields = ctx, *v = NULL;

	if (!fields || !json_object_is_type(fields, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(fields, field, &v))
		return NULL;
	return value_string(v);
}

bool ck_field_selector_matches_set(const struct ck_field_selector *sel, json_object *fields)
{
	return ck_field_selector_matches(sel, set_lookup, fields);
}

bool ck_field_selector_empty(const struct ck_field_selector *sel)
{
	return sel->n == 0;
}

char *ck_field_selector_string(const struct ck_field_selector *sel)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, CK_MAX_BUF);
	for (size_t i = 0; i < sel->n; i++) {
		char *v = ck_field_escape_value(sel->reqs[i].value);
		r |= ck_buf_addf(&b, "%s%s%s%s", i ? "," : "", sel->reqs[i].field,
				 sel->reqs[i].op == CK_FIELD_OP_EQUALS ? "=" : "!=", v);
		free(v);
	}
	CK_BUG_ON(r < 0);
	return ck_buf_detach(&b, NULL);
}

bool ck_field_selector_requires_exact_match(const struct ck_field_selector *sel, const char *field,
					    const char **ret_value)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (sel->reqs[i].op != CK_FIELD_OP_EQUALS || strcmp(sel->reqs[i].field, field) != 0)
			continue;
		if (ret_value)
			*ret_value = sel->reqs[i].value;
		return true;
	}
	return false;
}

size_t ck_field_selector_count(const struct ck_field_selector *sel)
{
	return sel->n;
}

const struct ck_field_requirement *
ck_field_selector_requirement(const struct ck_field_selector *sel, size_t i)
{
	CK_BUG_ON(i >= sel->n);
	return &sel->reqs[i];
}

int ck_field_selector_transform(const struct ck_field_selector *sel, ck_field_transform_fn fn,
				void *ctx, struct ck_field_selector **ret, char **ret_err)
{
	struct ck_field_selector *out = selector_new();
	int r = 0;

	for (size_t i = 0; i < sel->n; i++) {
		char *field = NULL, *value = NULL, *msg = NULL;
		r = fn(ctx, sel->reqs[i].field, sel->reqs[i].value, &field, &value, &msg);
		if (r < 0) {
			set_err(ret_err, msg ? msg : ck_strdup("field selector transform failed"));
			goto out;
		}
		CK_BUG_ON(!field || !value);
		if (field[0] == '\0' && value[0] == '\0') {
			free(field);
			free(value);
			continue;
		}
		selector_push(out, field, sel->reqs[i].op, value);
	}
	*ret = out;
	out = NULL;
out:
	ck_field_selector_free(out);
	return r;
}
