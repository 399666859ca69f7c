/*
 * Label selectors: upstream's lexer and recursive-descent parser, token for
 * token, so that errors and edge cases ("x in (,a)", "!x", "notin=in") come
 * out as upstream's do; requirement checks as upstream's NewRequirement, with
 * its field-error wording ("values[0][key]: Invalid value: ...").
 */
#include "apimachinery/labels.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/validation.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/utf8.h"
#include "util/json_write.h"

struct ck_label_selector {
	bool nothing; /* upstream's Nothing(): matches no label set */
	struct ck_label_requirement *reqs;
	size_t n_reqs;
	size_t alloc;
};

static const char *const op_names[] = {
	[CK_LABEL_OP_IN] = "in",
	[CK_LABEL_OP_NOT_IN] = "notin",
	[CK_LABEL_OP_EQUALS] = "=",
	[CK_LABEL_OP_DOUBLE_EQUALS] = "==",
	[CK_LABEL_OP_NOT_EQUALS] = "!=",
	[CK_LABEL_OP_EXISTS] = "exists",
	[CK_LABEL_OP_DOES_NOT_EXIST] = "!",
	[CK_LABEL_OP_GREATER_THAN] = "gt",
	[CK_LABEL_OP_LESS_THAN] = "lt",
};

const char *ck_label_op_name(enum ck_label_op op)
{
	if ((size_t)op >= CK_ARRAY_SIZE(op_names))
		return "";
	return op_names[op];
}

/* ---- error text ----------------------------------------------------------- */

/*
 * Upstream's field.ErrorList: each error is one line of text; adding an
 * error whose text is already there does nothing (ToAggregate drops the
 * duplicates).
 */
struct errlist {
	char **v;
	size_t n;
};

static void errlist_release(struct errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

/*
 * At most this many distinct errors are kept for one requirement (upstream
 * keeps them all): a selector with a million bad values must not cost a
 * quadratic de-duplication or a message of hundreds of megabytes.
 */
#define MAX_ERRORS 1000

/* Takes ownership of msg. */
static void errlist_take(struct errlist *e, char *msg)
{
	if (e->n >= MAX_ERRORS) {
		free(msg);
		return;
	}
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i], msg) == 0) {
			free(msg);
			return;
		}
	}
	e->v = ck_realloc(e->v, (e->n + 1) * sizeof(*e->v));
	e->v[e->n++] = msg;
}

/* The aggregate's Error(): one message alone, several as "[a, b]". Owned. */
static char *errlist_string(const struct errlist *e)
{
	struct ck_buf b;
	int r = 0;

	if (e->n == 1)
		return ck_strdup(e->v[0]);
	ck_buf_init(&b, 0);
	r |= ck_buf_addc(&b, '[');
	for (size_t i = 0; i < e->n; i++)
		r |= ck_buf_addf(&b, "%s%s", i ? ", " : "", e->v[i]);
	r |= ck_buf_addc(&b, ']');
	if (r < 0) { /* too long to print whole: the first error alone */
		ck_buf_release(&b);
		return ck_strdup(e->v[0]);
	}
	return ck_buf_detach(&b, NULL);
}

/* Joins a message vector with sep and frees it; owned result. */
static char *join_msgs(char **msgs, const char *sep)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, 0);
	for (size_t i = 0; msgs && msgs[i]; i++)
		r |= ck_buf_addf(&b, "%s%s", i ? sep : "", msgs[i]);
	CK_BUG_ON(r < 0);
	ck_strv_free(msgs);
	return ck_buf_detach(&b, NULL);
}

/* `<path>: Invalid value: "<value>": <detail>` (field.Invalid with a string). */
static void errlist_invalid_str(struct errlist *e, const char *path, const char *value,
				const char *detail)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, 0);
	r |= ck_buf_addf(&b, "%s: Invalid value: ", path);
	r |= ck_buf_add_quoted(&b, value);
	r |= ck_buf_addf(&b, ": %s", detail);
	if (r < 0) { /* only a value far beyond any URL gets here */
		ck_buf_reset(&b);
		r = ck_buf_addf(&b, "%s: Invalid value: (too long): %s", path, detail);
		CK_BUG_ON(r < 0);
	}
	errlist_take(e, ck_buf_detach(&b, NULL));
}

/* The same with a []string value, printed as Go's %#v. */
static void errlist_invalid_strv(struct errlist *e, const char *path, char *const *values, size_t n,
				 const char *detail)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, 0);
	r |= ck_buf_addf(&b, "%s: Invalid value: ", path);
	if (n == 0) {
		/* Upstream passes a nil slice here (append([]string(nil), ...)). */
		r |= ck_buf_adds(&b, "[]string(nil)");
	} else {
		r |= ck_buf_adds(&b, "[]string{");
		for (size_t i = 0; i < n; i++) {
			if (i)
				r |= ck_buf_adds(&b, ", ");
			r |= ck_buf_add_quoted(&b, values[i]);
		}
		r |= ck_buf_addc(&b, '}');
	}
	r |= ck_buf_addf(&b, ": %s", detail);
	if (r < 0) {
		ck_buf_reset(&b);
		r = ck_buf_addf(&b, "%s: Invalid value: (too long): %s", path, detail);
		CK_BUG_ON(r < 0);
	}
	errlist_take(e, ck_buf_detach(&b, NULL));
}

static void set_err(char **ret_err, char *msg)
{
	if (ret_err)
		*ret_err = msg;
	else
		free(msg);
}

/* ---- requirements ----------------------------------------------------------- */

static void requirement_release(struct ck_label_requirement *r)
{
	free(r->key);
	for (size_t i = 0; i < r->n_values; i++)
		free(r->values[i]);
	free(r->values);
	memset(r, 0, sizeof(*r));
}

/* Go's strconv.ParseInt(s, 10, 64) succeeding. */
static bool parse_int64(const char *s, int64_t *ret)
{
	return ck_str_to_int64(s, ret) == 0;
}

/*
 * Upstream's NewRequirement checks of key, op and values (borrowed), each
 * failure added to errs with upstream's field path and wording.
 */
static void check_requirement(const char *key, enum ck_label_op op, char *const *values, size_t n,
			      struct errlist *errs)
{
	char **msgs = ck_is_qualified_name(key);

	if (msgs) {
		char *detail = join_msgs(msgs, "; ");
		errlist_invalid_str(errs, "key", key, detail);
		free(detail);
	}
	switch (op) {
	case CK_LABEL_OP_IN:
	case CK_LABEL_OP_NOT_IN:
		if (n == 0)
			errlist_invalid_strv(
			    errs, "values", values, n,
			    "for 'in', 'notin' operators, values set can't be empty");
		break;
	case CK_LABEL_OP_EQUALS:
	case CK_LABEL_OP_DOUBLE_EQUALS:
	case CK_LABEL_OP_NOT_EQUALS:
		if (n != 1)
			errlist_invalid_strv(errs, "values", values, n,
					     "exact-match compatibility requires one single value");
		break;
	case CK_LABEL_OP_EXISTS:
	case CK_LABEL_OP_DOES_NOT_EXIST:
		if (n != 0)
			errlist_invalid_strv(
			    errs, "values", values, n,
			    "values set must be empty for exists and does not exist");
		break;
	case CK_LABEL_OP_GREATER_THAN:
	case CK_LABEL_OP_LESS_THAN:
		if (n != 1)
			errlist_invalid_strv(
			    errs, "values", values, n,
			    "for 'Gt', 'Lt' operators, exactly one value is required");
		for (size_t i = 0; i < n; i++) {
			int64_t v;
			char path[48];
			if (parse_int64(values[i], &v))
				continue;
			snprintf(path, sizeof(path), "values[%zu]", i);
			errlist_invalid_str(
			    errs, path, values[i],
			    "for 'Gt', 'Lt' operators, the value must be an integer");
		}
		break;
	}
	for (size_t i = 0; i < n; i++) {
		char **vmsgs = ck_is_valid_label_value(values[i]);
		if (!vmsgs)
			continue;
		struct ck_buf path;
		ck_buf_init(&path, 0);
		int r = ck_buf_addf(&path, "values[%zu][%s]", i, key);
		char *detail = join_msgs(vmsgs, "; ");
		if (r == 0)
			errlist_invalid_str(errs, ck_buf_str(&path), values[i], detail);
		else
			errlist_invalid_str(errs, "values", values[i], detail);
		free(detail);
		ck_buf_release(&path);
	}
}

/* ---- selectors ---------------------------------------------------------------- */

static struct ck_label_selector *selector_new(bool nothing)
{
	struct ck_label_selector *sel = ck_calloc(1, sizeof(*sel));
	sel->nothing = nothing;
	return sel;
}

struct ck_label_selector *ck_label_selector_everything(void)
{
	return selector_new(false);
}

struct ck_label_selector *ck_label_selector_nothing(void)
{
	return selector_new(true);
}

void ck_label_selector_free(struct ck_label_selector *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n_reqs; i++)
		requirement_release(&sel->reqs[i]);
	free(sel->reqs);
	free(sel);
}

/* Appends r (taking what it holds). */
static void selector_push(struct ck_label_selector *sel, struct ck_label_requirement *r)
{
	if (sel->n_reqs == sel->alloc) {
		sel->alloc = sel->alloc ? sel->alloc * 2 : 4;
		sel->reqs = ck_realloc(sel->reqs, sel->alloc * sizeof(*sel->reqs));
	}
	sel->reqs[sel->n_reqs++] = *r;
	memset(r, 0, sizeof(*r));
}

/* Stable sort by key (merge sort; upstream sorts with sort.Sort(ByKey)). */
static void selector_sort(struct ck_label_selector *sel)
{
	size_t n = sel->n_reqs;
	struct ck_label_requirement *a = sel->reqs, *tmp;

	if (n < 2)
		return;
	tmp = ck_malloc(n * sizeof(*tmp));
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				if (strcmp(a[j].key, a[i].key) < 0)
					tmp[k++] = a[j++];
				else
					tmp[k++] = a[i++];
			}
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
	free(tmp);
}

static char **strv_copy(const char *const *v, size_t n)
{
	char **out;

	if (n == 0)
		return NULL;
	out = ck_malloc(n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = ck_strdup(v[i]);
	return out;
}

/* Checks and appends one requirement (values borrowed); unsorted. */
static int selector_append_checked(struct ck_label_selector *sel, const char *key,
				   enum ck_label_op op, const char *const *values, size_t n,
				   struct errlist *errs)
{
	struct ck_label_requirement r = { 0 };

	check_requirement(key, op, (char *const *)values, n, errs);
	if (errs->n)
		return -EINVAL;
	r.key = ck_strdup(key);
	r.op = op;
	r.values = strv_copy(values, n);
	r.n_values = n;
	selector_push(sel, &r);
	return 0;
}

int ck_label_selector_add(struct ck_label_selector *sel, const char *key, enum ck_label_op op,
			  const char *const *values, size_t n_values, char **ret_err)
{
	struct errlist errs = { 0 };
	int r = 0;

	CK_BUG_ON((size_t)op >= CK_ARRAY_SIZE(op_names));
	if (sel->nothing)
		return 0;
	r = selector_append_checked(sel, key, op, values, n_values, &errs);
	if (r < 0) {
		set_err(ret_err, errlist_string(&errs));
		goto out;
	}
	selector_sort(sel);
out:
	errlist_release(&errs);
	return r;
}

/* ---- lexer and parser (upstream's, token for token) --------------------------- */

enum tok {
	TOK_ERROR,
	TOK_EOS,
	TOK_CLOSED_PAR,
	TOK_COMMA,
	TOK_DOES_NOT_EXIST,
	TOK_DOUBLE_EQUALS,
	TOK_EQUALS,
	TOK_GREATER_THAN,
	TOK_IDENTIFIER,
	TOK_IN,
	TOK_LESS_THAN,
	TOK_NOT_EQUALS,
	TOK_NOT_IN,
	TOK_OPEN_PAR,
};

struct item {
	enum tok tok;
	const char *lit; /* into the input */
	size_t len;
};

static bool is_whitespace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
	return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

/* upstream's string2token for the literals that are tokens */
static enum tok literal_token(const char *s, size_t n)
{
	static const struct {
		const char *lit;
		enum tok tok;
	} map[] = {
		{ ")", TOK_CLOSED_PAR },
		{ ",", TOK_COMMA },
		{ "!", TOK_DOES_NOT_EXIST },
		{ "==", TOK_DOUBLE_EQUALS },
		{ "=", TOK_EQUALS },
		{ ">", TOK_GREATER_THAN },
		{ "in", TOK_IN },
		{ "<", TOK_LESS_THAN },
		{ "!=", TOK_NOT_EQUALS },
		{ "notin", TOK_NOT_IN },
		{ "(", TOK_OPEN_PAR },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(map); i++) {
		if (strlen(map[i].lit) == n && memcmp(map[i].lit, s, n) == 0)
			return map[i].tok;
	}
	return TOK_ERROR;
}

struct lexer {
	const char *s;
	size_t pos;
};

static struct item lex(struct lexer *l)
{
	struct item it = { TOK_EOS, l->s + l->pos, 0 };
	const char *s = l->s;
	size_t start;

	while (is_whitespace(s[l->pos]))
		l->pos++;
	start = l->pos;
	it.lit = s + start;
	if (s[start] == '\0')
		return it;
	if (is_special(s[start])) {
		/* The longest run of specials that is a token (upstream's loop). */
		enum tok last = TOK_ERROR;
		size_t last_len = 0;
		while (is_special(s[l->pos])) {
			enum tok t = literal_token(s + start, l->pos + 1 - start);
			if (t != TOK_ERROR) {
				last = t;
				last_len = l->pos + 1 - start;
			} else if (last != TOK_ERROR) {
				break;
			}
			l->pos++;
		}
		it.tok = last;
		it.len = last_len;
		return it;
	}
	while (s[l->pos] && !is_special(s[l->pos]) && !is_whitespace(s[l->pos]))
		l->pos++;
	it.len = l->pos - start;
	it.tok = literal_token(it.lit, it.len);
	if (it.tok == TOK_ERROR)
		it.tok = TOK_IDENTIFIER;
	return it;
}

enum parser_context {
	CTX_KEY_AND_OPERATOR,
	CTX_VALUES,
};

struct parser {
	struct item *items;
	size_t n, pos;
	struct ck_buf err; /* the message of the first error */
};

static struct item peek(const struct parser *p, enum parser_context ctx)
{
	struct item it = p->items[p->pos < p->n ? p->pos : p->n - 1];
	if (ctx == CTX_VALUES && (it.tok == TOK_IN || it.tok == TOK_NOT_IN))
		it.tok = TOK_IDENTIFIER;
	return it;
}

static struct item consume(struct parser *p, enum parser_context ctx)
{
	struct item it = peek(p, ctx);
	if (p->pos < p->n)
		p->pos++;
	return it;
}

/* Sets the error to fmt with the item's literal for the one %.*s. */
static int fail_lit(struct parser *p, const char *fmt_before, struct item it, const char *fmt_after)
{
	ck_buf_reset(&p->err);
	if (ck_buf_adds(&p->err, fmt_before) < 0 || ck_buf_add(&p->err, it.lit, it.len) < 0 ||
	    ck_buf_adds(&p->err, fmt_after) < 0) {
		ck_buf_reset(&p->err);
		CK_BUG_ON(ck_buf_adds(&p->err, "selector too long") < 0);
	}
	return -EINVAL;
}

static int fail_msg(struct parser *p, const char *msg)
{
	ck_buf_reset(&p->err);
	if (ck_buf_adds(&p->err, msg) < 0) {
		ck_buf_reset(&p->err);
		CK_BUG_ON(ck_buf_adds(&p->err, "selector too long") < 0);
	}
	return -EINVAL;
}

/* A growing list of value strings. */
struct strlist {
	char **v;
	size_t n, alloc;
};

static void strlist_add(struct strlist *l, const char *s, size_t len)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 4;
		l->v = ck_realloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = ck_strndup(s, len);
}

static void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and removes duplicates: upstream's sets.String(...).List(). */
static void strlist_sort_unique(struct strlist *l)
{
	size_t k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (size_t i = 0; i < l->n; i++) {
		if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

/* upstream parseKeyAndInferOperator; *ret_op is -1 for "not yet known". */
static int parse_key_and_infer_operator(struct parser *p, struct item *ret_key, int *ret_op)
{
	int op = -1;
	struct item it = consume(p, CTX_VALUES);

	if (it.tok == TOK_DOES_NOT_EXIST) {
		op = CK_LABEL_OP_DOES_NOT_EXIST;
		it = consume(p, CTX_VALUES);
	}
	if (it.tok != TOK_IDENTIFIER)
		return fail_lit(p, "found '", it, "', expected: identifier");
	char *key = ck_strndup(it.lit, it.len);
	char **msgs = ck_is_qualified_name(key);
	if (msgs) {
		struct errlist errs = { 0 };
		char *detail = join_msgs(msgs, "; ");
		errlist_invalid_str(&errs, "<nil>", key, detail);
		fail_msg(p, errs.v[0]);
		free(detail);
		errlist_release(&errs);
		free(key);
		return -EINVAL;
	}
	free(key);
	enum tok next = peek(p, CTX_VALUES).tok;
	if ((next == TOK_EOS || next == TOK_COMMA) && op != CK_LABEL_OP_DOES_NOT_EXIST)
		op = CK_LABEL_OP_EXISTS;
	*ret_key = it;
	*ret_op = op;
	return 0;
}

static int parse_operator(struct parser *p, enum ck_label_op *ret_op)
{
	struct item it = consume(p, CTX_KEY_AND_OPERATOR);

	switch (it.tok) {
	case TOK_IN:
		*ret_op = CK_LABEL_OP_IN;
		return 0;
	case TOK_EQUALS:
		*ret_op = CK_LABEL_OP_EQUALS;
		return 0;
	case TOK_DOUBLE_EQUALS:
		*ret_op = CK_LABEL_OP_DOUBLE_EQUALS;
		return 0;
	case TOK_GREATER_THAN:
		*ret_op = CK_LABEL_OP_GREATER_THAN;
		return 0;
	case TOK_LESS_THAN:
		*ret_op = CK_LABEL_OP_LESS_THAN;
		return 0;
	case TOK_NOT_IN:
		*ret_op = CK_LABEL_OP_NOT_IN;
		return 0;
	case TOK_NOT_EQUALS:
		*ret_op = CK_LABEL_OP_NOT_EQUALS;
		return 0;
	default:
		return fail_lit(p, "found '", it, "', expected: in, notin, =, ==, !=, gt, lt");
	}
}

/* upstream parseIdentifiersList: "(a,,b" style lists, "" for empty slots. */
static int parse_identifiers_list(struct parser *p, struct strlist *vals)
{
	for (;;) {
		struct item it = consume(p, CTX_VALUES);
		struct item next;
		switch (it.tok) {
		case TOK_IDENTIFIER:
			strlist_add(vals, it.lit, it.len);
			next = peek(p, CTX_VALUES);
			if (next.tok == TOK_COMMA)
				continue;
			if (next.tok == TOK_CLOSED_PAR)
				return 0;
			return fail_lit(p, "found '", next, "', expected: ',' or ')'");
		case TOK_COMMA:
			if (vals->n == 0)
				strlist_add(vals, "", 0);
			next = peek(p, CTX_VALUES);
			if (next.tok == TOK_CLOSED_PAR) {
				strlist_add(vals, "", 0);
				return 0;
			}
			if (next.tok == TOK_COMMA)
				strlist_add(vals, "", 0);
			continue;
		default:
			return fail_lit(p, "found '", it, "', expected: ',', or identifier");
		}
	}
}

static int parse_values(struct parser *p, struct strlist *vals)
{
	struct item it = consume(p, CTX_VALUES);
	int r;

	if (it.tok != TOK_OPEN_PAR)
		return fail_lit(p, "found '", it, "' expected: '('");
	it = peek(p, CTX_VALUES);
	switch (it.tok) {
	case TOK_IDENTIFIER:
	case TOK_COMMA:
		r = parse_identifiers_list(p, vals);
		if (r < 0)
			return r;
		if (consume(p, CTX_VALUES).tok != TOK_CLOSED_PAR)
			return fail_lit(p, "found '", it, "', expected: ')'");
		return 0;
	case TOK_CLOSED_PAR:
		consume(p, CTX_VALUES);
		strlist_add(vals, "", 0);
		return 0;
	default:
		return fail_lit(p, "found '", it, "', expected: ',', ')' or identifier");
	}
}

static int parse_exact_value(struct parser *p, struct strlist *vals)
{
	struct item it = peek(p, CTX_VALUES);

	if (it.tok == TOK_EOS || it.tok == TOK_COMMA) {
		strlist_add(vals, "", 0);
		return 0;
	}
	it = consume(p, CTX_VALUES);
	if (it.tok == TOK_IDENTIFIER) {
		strlist_add(vals, it.lit, it.len);
		return 0;
	}
	return fail_lit(p, "found '", it, "', expected: identifier");
}

/* upstream parseRequirement, appending to sel. */
static int parse_requirement(struct parser *p, struct ck_label_selector *sel)
{
	struct strlist vals = { 0 };
	struct errlist errs = { 0 };
	struct item key = { TOK_ERROR, "", 0 };
	enum ck_label_op op = CK_LABEL_OP_EXISTS;
	int inferred = -1, r;
	char *k = NULL;

	r = parse_key_and_infer_operator(p, &key, &inferred);
	if (r < 0)
		return r;
	if (inferred == CK_LABEL_OP_EXISTS || inferred == CK_LABEL_OP_DOES_NOT_EXIST) {
		op = (enum ck_label_op)inferred;
	} else {
		r = parse_operator(p, &op);
		if (r < 0)
			goto out;
		if (op == CK_LABEL_OP_IN || op == CK_LABEL_OP_NOT_IN)
			r = parse_values(p, &vals);
		else
			r = parse_exact_value(p, &vals);
		if (r < 0)
			goto out;
		strlist_sort_unique(&vals);
	}
	k = ck_strndup(key.lit, key.len);
	r = selector_append_checked(sel, k, op, (const char *const *)vals.v, vals.n, &errs);
	if (r < 0) {
		char *msg = errlist_string(&errs);
		fail_msg(p, msg);
		free(msg);
	}
out:
	free(k);
	strlist_release(&vals);
	errlist_release(&errs);
	return r;
}

int ck_label_selector_parse(const char *s, struct ck_label_selector **ret, char **ret_err)
{
	struct parser p = { 0 };
	struct lexer l = { s ? s : "", 0 };
	struct ck_label_selector *sel = selector_new(false);
	size_t alloc = 0;
	int r = 0;

	ck_buf_init(&p.err, 0);
	/* Scan everything first, as upstream. */
	for (;;) {
		struct item it = lex(&l);
		if (p.n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			p.items = ck_realloc(p.items, alloc * sizeof(*p.items));
		}
		p.items[p.n++] = it;
		if (it.tok == TOK_EOS)
			break;
	}
	for (;;) {
		struct item it = peek(&p, CTX_VALUES);
		if (it.tok == TOK_EOS)
			break;
		if (it.tok != TOK_IDENTIFIER && it.tok != TOK_DOES_NOT_EXIST) {
			r = fail_lit(&p, "found '", it,
				     "', expected: !, identifier, or 'end of string'");
			goto out;
		}
		r = parse_requirement(&p, sel);
		if (r < 0) {
			char *detail = ck_buf_detach(&p.err, NULL);
			r = ck_buf_addf(&p.err, "unable to parse requirement: %s", detail);
			free(detail);
			if (r < 0)
				fail_msg(&p, "unable to parse requirement");
			r = -EINVAL;
			goto out;
		}
		it = consume(&p, CTX_VALUES);
		if (it.tok == TOK_EOS)
			break;
		if (it.tok != TOK_COMMA) {
			r = fail_lit(&p, "found '", it, "', expected: ',' or 'end of string'");
			goto out;
		}
		struct item next = peek(&p, CTX_VALUES);
		if (next.tok != TOK_IDENTIFIER && next.tok != TOK_DOES_NOT_EXIST) {
			r = fail_lit(&p, "found '", next, "', expected: identifier after ','");
			goto out;
		}
	}
	selector_sort(sel);
	*ret = sel;
	sel = NULL;
out:
	if (r < 0)
		set_err(ret_err, ck_buf_detach(&p.err, NULL));
	ck_buf_release(&p.err);
	free(p.items);
	ck_label_selector_free(sel);
	return r;
}

/* ---- LabelSelector objects ---------------------------------------------------- */

static char *strf(const char *fmt, const char *arg)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (ck_buf_addf(&b, fmt, arg) < 0) {
		ck_buf_reset(&b);
		CK_BUG_ON(ck_buf_adds(&b, "invalid label selector") < 0);
	}
	return ck_buf_detach(&b, NULL);
}

/* Go's %q of s inside fmt's one %s; owned. */
static char *strf_quoted(const char *fmt, const char *arg)
{
	struct ck_buf q;
	char *r;

	ck_buf_init(&q, 0);
	if (ck_buf_add_quoted(&q, arg) < 0) {
		ck_buf_reset(&q);
		CK_BUG_ON(ck_buf_adds(&q, "\"\"") < 0);
	}
	r = strf(fmt, ck_buf_str(&q));
	ck_buf_release(&q);
	return r;
}

/* A label value as a string: strings as they are, null as "", others as JSON. */
static const char *value_string(json_object *v)
{
	const char *s;

	if (!v)
		return "";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	s = json_object_get_string(v);
	return s ? s : "";
}

static bool is_null(json_object *o)
{
	return !o || json_object_is_type(o, json_type_null);
}

static int expression_operator(const char *s, enum ck_label_op *ret)
{
	if (strcmp(s, "In") == 0)
		*ret = CK_LABEL_OP_IN;
	else if (strcmp(s, "NotIn") == 0)
		*ret = CK_LABEL_OP_NOT_IN;
	else if (strcmp(s, "Exists") == 0)
		*ret = CK_LABEL_OP_EXISTS;
	else if (strcmp(s, "DoesNotExist") == 0)
		*ret = CK_LABEL_OP_DOES_NOT_EXIST;
	else
		return -EINVAL;
	return 0;
}

int ck_label_selector_from_json(json_object *ls, struct ck_label_selector **ret, char **ret_err)
{
	struct ck_label_selector *sel = NULL;
	struct errlist errs = { 0 };
	json_object *ml = NULL, *me = NULL;
	const char **keys = NULL;
	const char **vals = NULL;
	char *msg = NULL;
	size_t nkeys = 0, nexpr = 0;
	int r = 0;

	if (is_null(ls)) {
		*ret = ck_label_selector_nothing();
		return 0;
	}
	if (!json_object_is_type(ls, json_type_object)) {
		msg = ck_strdup("label selector must be an object");
		r = -EINVAL;
		goto out;
	}
	json_object_object_get_ex(ls, "matchLabels", &ml);
	json_object_object_get_ex(ls, "matchExpressions", &me);
	if (is_null(ml)) {
		ml = NULL;
	} else if (!json_object_is_type(ml, json_type_object)) {
		msg = ck_strdup("matchLabels: must be an object of strings");
		r = -EINVAL;
		goto out;
	}
	if (is_null(me)) {
		me = NULL;
	} else if (!json_object_is_type(me, json_type_array)) {
		msg = ck_strdup("matchExpressions: must be a list");
		r = -EINVAL;
		goto out;
	}
	if (ml)
		keys = ck_json_sorted_keys(ml, &nkeys);
	if (me)
		nexpr = json_object_array_length(me);
	sel = selector_new(false);
	if (nkeys + nexpr == 0)
		goto done;

	for (size_t i = 0; i < nkeys; i++) {
		json_object *v = json_object_object_get(ml, keys[i]);
		if (!is_null(v) && !json_object_is_type(v, json_type_string)) {
			msg = strf("matchLabels: value of '%s' must be a string", keys[i]);
			r = -EINVAL;
			goto out;
		}
		const char *value = value_string(v);
		r = selector_append_checked(sel, keys[i], CK_LABEL_OP_EQUALS, &value, 1, &errs);
		if (r < 0)
			goto out_errs;
	}
	for (size_t i = 0; i < nexpr; i++) {
		json_object *e = json_object_array_get_idx(me, i);
		json_object *jkey = NULL, *jop = NULL, *jvals = NULL;
		enum ck_label_op op;
		size_t nv = 0;

		if (!json_object_is_type(e, json_type_object)) {
			msg = ck_strdup("matchExpressions: each must be an object");
			r = -EINVAL;
			goto out;
		}
		json_object_object_get_ex(e, "key", &jkey);
		json_object_object_get_ex(e, "operator", &jop);
		json_object_object_get_ex(e, "values", &jvals);
		if ((!is_null(jkey) && !json_object_is_type(jkey, json_type_string)) ||
		    (!is_null(jop) && !json_object_is_type(jop, json_type_string))) {
			msg = ck_strdup("matchExpressions: key and operator must be strings");
			r = -EINVAL;
			goto out;
		}
		if (!is_null(jvals) && !json_object_is_type(jvals, json_type_array)) {
			msg = ck_strdup("matchExpressions: values must be a list of strings");
			r = -EINVAL;
			goto out;
		}
		const char *opname = value_string(jop);
		if (expression_operator(opname, &op) < 0) {
			msg = strf_quoted("%s is not a valid label selector operator", opname);
			r = -EINVAL;
			goto out;
		}
		nv = is_null(jvals) ? 0 : json_object_array_length(jvals);
		free(vals);
		vals = ck_calloc(nv ? nv : 1, sizeof(*vals));
		for (size_t j = 0; j < nv; j++) {
			json_object *v = json_object_array_get_idx(jvals, j);
			if (!is_null(v) && !json_object_is_type(v, json_type_string)) {
				msg =
				    ck_strdup("matchExpressions: values must be a list of strings");
				r = -EINVAL;
				goto out;
			}
			vals[j] = value_string(v);
		}
		r = selector_append_checked(sel, value_string(jkey), op, vals, nv, &errs);
		if (r < 0)
			goto out_errs;
	}
	selector_sort(sel);
done:
	*ret = sel;
	sel = NULL;
	goto out;
out_errs:
	msg = errlist_string(&errs);
out:
	if (r < 0)
		set_err(ret_err, msg);
	else
		free(msg);
	errlist_release(&errs);
	free(keys);
	free(vals);
	ck_label_selector_free(sel);
	return r;
}

struct ck_label_selector *ck_labels_selector_from_set(json_object *set)
{
	struct ck_label_selector *sel = selector_new(false);
	const char **keys;
	size_t n;

	if (is_null(set) || !json_object_is_type(set, json_type_object))
		return sel;
	keys = ck_json_sorted_keys(set, &n);
	for (size_t i = 0; i < n; i++) {
		struct ck_label_requirement r = { 0 };
		r.key = ck_strdup(keys[i]);
		r.op = CK_LABEL_OP_EQUALS;
		r.values = ck_malloc(sizeof(*r.values));
		r.values[0] = ck_strdup(value_string(json_object_object_get(set, keys[i])));
		r.n_values = 1;
		selector_push(sel, &r);
	}
	free(keys);
	return sel;
}

/* ---- matching and printing ------------------------------------------------------ */

static bool lookup(json_object *labels, const char *key, const char **ret_value)
{
	json_object *v = NULL;

	if (!labels || !json_object_is_type(labels, json_type_object))
		return false;
	if (!json_object_object_get_ex(labels, key, &v))
		return false;
	*ret_value = value_string(v);
	return true;
}

static bool has_value(const struct ck_label_requirement *r, const char *value)
{
	for (size_t i = 0; i < r->n_values; i++) {
		if (strcmp(r->values[i], value) == 0)
			return true;
	}
	return false;
}

static bool requirement_matches(const struct ck_label_requirement *r, json_object *labels)
{
	const char *val = NULL;
	bool exists = lookup(labels, r->key, &val);
	int64_t lv, rv;

	switch (r->op) {
	case CK_LABEL_OP_IN:
	case CK_LABEL_OP_EQUALS:
	case CK_LABEL_OP_DOUBLE_EQUALS:
		return exists && has_value(r, val);
	case CK_LABEL_OP_NOT_IN:
	case CK_LABEL_OP_NOT_EQUALS:
		return !exists || !has_value(r, val);
	case CK_LABEL_OP_EXISTS:
		return exists;
	case CK_LABEL_OP_DOES_NOT_EXIST:
		return !exists;
	case CK_LABEL_OP_GREATER_THAN:
	case CK_LABEL_OP_LESS_THAN:
		if (!exists || !parse_int64(val, &lv) || r->n_values != 1 ||
		    !parse_int64(r->values[0], &rv))
			return false;
		return r->op == CK_LABEL_OP_GREATER_THAN ? lv > rv : lv < rv;
	}
	return false;
}

bool ck_label_selector_matches(const struct ck_label_selector *sel, json_object *labels)
{
	if (sel->nothing)
		return false;
	for (size_t i = 0; i < sel->n_reqs; i++) {
		if (!requirement_matches(&sel->reqs[i], labels))
			return false;
	}
	return true;
}

bool ck_label_selector_empty(const struct ck_label_selector *sel)
{
	return !sel->nothing && sel->n_reqs == 0;
}

bool ck_label_selector_matches_nothing(const struct ck_label_selector *sel)
{
	return sel->nothing;
}

static int requirement_string(struct ck_buf *b, const struct ck_label_requirement *r)
{
	static const char *const sep[] = {
		[CK_LABEL_OP_IN] = " in ",	   [CK_LABEL_OP_NOT_IN] = " notin ",
		[CK_LABEL_OP_EQUALS] = "=",	   [CK_LABEL_OP_DOUBLE_EQUALS] = "==",
		[CK_LABEL_OP_NOT_EQUALS] = "!=",   [CK_LABEL_OP_EXISTS] = "",
		[CK_LABEL_OP_DOES_NOT_EXIST] = "", [CK_LABEL_OP_GREATER_THAN] = ">",
		[CK_LABEL_OP_LESS_THAN] = "<",
	};
	bool set = r->op == CK_LABEL_OP_IN || r->op == CK_LABEL_OP_NOT_IN;
	int ret = 0;

	if (r->op == CK_LABEL_OP_DOES_NOT_EXIST)
		ret |= ck_buf_addc(b, '!');
	ret |= ck_buf_adds(b, r->key);
	if (r->op == CK_LABEL_OP_EXISTS || r->op == CK_LABEL_OP_DOES_NOT_EXIST)
		return ret;
	ret |= ck_buf_adds(b, sep[r->op]);
	if (set)
		ret |= ck_buf_addc(b, '(');
	if (r->n_values == 1) {
		ret |= ck_buf_adds(b, r->values[0]);
	} else if (r->n_values > 1) {
		/* Sorted on output, without changing the requirement (upstream safeSort). */
		char **sorted = ck_malloc(r->n_values * sizeof(*sorted));
		memcpy(sorted, r->values, r->n_values * sizeof(*sorted));
		qsort(sorted, r->n_values, sizeof(*sorted), cmp_str);
		for (size_t i = 0; i < r->n_values; i++)
			ret |= ck_buf_addf(b, "%s%s", i ? "," : "", sorted[i]);
		free(sorted);
	}
	if (set)
		ret |= ck_buf_addc(b, ')');
	return ret;
}

char *ck_label_selector_string(const struct ck_label_selector *sel)
{
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, CK_MAX_BUF);
	for (size_t i = 0; i < sel->n_reqs; i++) {
		if (i)
			r |= ck_buf_addc(&b, ',');
		r |= requirement_string(&b, &sel->reqs[i]);
	}
	/* Only a selector far past any request's size could not be printed. */
	CK_BUG_ON(r < 0);
	return ck_buf_detach(&b, NULL);
}

bool ck_label_selector_requires_exact_match(const struct ck_label_selector *sel, const char *key,
					    const char **ret_value)
{
	for (size_t i = 0; i < sel->n_reqs; i++) {
		const struct ck_label_requirement *r = &sel->reqs[i];
		if (strcmp(r->key, key) != 0)
			continue;
		if ((r->op == CK_LABEL_OP_EQUALS || r->op == CK_LABEL_OP_DOUBLE_EQUALS ||
		     r->op == CK_LABEL_OP_IN) &&
		    r->n_values == 1) {
			if (ret_value)
				*ret_value = r->values[0];
			return true;
		}
		return false;
	}
	return false;
}

size_t ck_label_selector_count(const struct ck_label_selector *sel)
{
	return sel->n_reqs;
}

const struct ck_label_requirement *
ck_label_selector_requirement(const struct ck_label_selector *sel, size_t i)
{
	CK_BUG_ON(i >= sel->n_reqs);
	return &sel->reqs[i];
}
