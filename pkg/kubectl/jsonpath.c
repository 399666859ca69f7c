/*
 * kubectl's JSONPath (k8s.io/client-go/util/jsonpath): templates of text
 * and {actions}; actions are "string" literals, `range EXPR` … `end`, and
 * expressions: optional $ or @, then .field, ..field (recursive),
 * ['field'], [n], [start:end:step], [*], .*, and [?(@.path OP literal)]
 * filters (==, !=, <, <=, >, >=, or a bare path for existence).
 * Also custom columns, which are built on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl/kubectl_int.h"
#include "util/floatfmt.h"
#include "util/json_write.h"
#include "util/str.h"

enum step_type {
	STEP_FIELD,	/* .name, ['name'] */
	STEP_RECURSIVE, /* ..name */
	STEP_WILDCARD,	/* [*], .* */
	STEP_INDEX,	/* [n] */
	STEP_SLICE,	/* [a:b:c] */
	STEP_FILTER,	/* [?(...)] */
};

struct expr;

struct step {
	enum step_type type;
	char *name;
	long index[3]; /* start, end, step */
	bool has[3];
	/* filters: left OP right, right a literal (or a path); op "" tests existence */
	struct expr *left, *right;
	json_object *literal;
	char op[3];
};

struct expr {
	struct step *steps;
	size_t n;
	bool root; /* starts at $ rather than the current value */
};

enum node_type {
	NODE_TEXT,
	NODE_EXPR,
	NODE_RANGE, /* expr, then nodes up to the matching NODE_END */
	NODE_END,
};

struct node {
	enum node_type type;
	char *text; /* NODE_TEXT */
	struct expr expr;
};

struct ck_jsonpath {
	struct node *nodes;
	size_t n;
};

static void expr_release(struct expr *e);

static void step_release(struct step *s)
{
	free(s->name);
	if (s->left) {
		expr_release(s->left);
		free(s->left);
	}
	if (s->right) {
		expr_release(s->right);
		free(s->right);
	}
	json_object_put(s->literal);
}

static void expr_release(struct expr *e)
{
	for (size_t i = 0; i < e->n; i++)
		step_release(&e->steps[i]);
	free(e->steps);
	memset(e, 0, sizeof(*e));
}

void ck_jsonpath_free(struct ck_jsonpath *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->nodes[i].text);
		expr_release(&p->nodes[i].expr);
	}
	free(p->nodes);
	free(p);
}

/* ---- parsing --------------------------------------------------------------------------- */

struct parser {
	const char *p;
	char *err;
};

static int fail(struct parser *ps, const char *fmt, const char *arg)
{
	if (!ps->err) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, fmt, arg);
		ps->err = ck_buf_detach(&b, NULL);
	}
	return -EINVAL;
}

static struct step *add_step(struct expr *e, enum step_type t)
{
	e->steps = ck_realloc(e->steps, (e->n + 1) * sizeof(*e->steps));
	struct step *s = &e->steps[e->n++];
	memset(s, 0, sizeof(*s));
	s->type = t;
	return s;
}

/* A quoted string at ps->p ('…' or "…"); owned, or NULL on error. */
static char *parse_quoted(struct parser *ps)
{
	char q = *ps->p++;
	struct ck_buf b = CK_BUF_INIT;
	while (*ps->p && *ps->p != q) {
		char c = *ps->p++;
		if (c == '\\' && *ps->p) {
			c = *ps->p++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			default:
				break;
			}
		}
		ck_buf_addc(&b, c);
	}
	if (*ps->p != q) {
		ck_buf_release(&b);
		fail(ps, "unclosed quote in %s", "string");
		return NULL;
	}
	ps->p++;
	return ck_buf_detach(&b, NULL);
}

static bool ident_char(char c)
{
	return c && !strchr(".[]{}()=!<>, \t\n\"'@$", c);
}

static int parse_expr(struct parser *ps, struct expr *e, bool in_filter);

static int parse_literal(struct parser *ps, json_object **ret)
{
	if (*ps->p == '\'' || *ps->p == '"') {
		char *s = parse_quoted(ps);
		if (!s)
			return -EINVAL;
		*ret = json_object_new_string(s);
		free(s);
		return 0;
	}
	const char *start = ps->p;
	while (*ps->p && *ps->p != ')' && *ps->p != ' ')
		ps->p++;
	char *text = ck_strndup(start, (size_t)(ps->p - start));
	json_object *v = json_tokener_parse(text);
	if (!v && strcmp(text, "null") != 0) {
		fail(ps, "unrecognized filter value %s", text);
		free(text);
		return -EINVAL;
	}
	free(text);
	*ret = v;
	return 0;
}

static int parse_filter(struct parser *ps, struct step *s)
{
	/* at "?(" */
	ps->p += 2;
	while (*ps->p == ' ')
		ps->p++;
	s->left = ck_calloc(1, sizeof(*s->left));
	int r = parse_expr(ps, s->left, true);
	if (r < 0)
		return r;
	while (*ps->p == ' ')
		ps->p++;
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(ops); i++)
		if (strncmp(ps->p, ops[i], strlen(ops[i])) == 0) {
			snprintf(s->op, sizeof(s->op), "%s", ops[i]);
			ps->p += strlen(ops[i]);
			break;
		}
	while (*ps->p == ' ')
		ps->p++;
	if (s->op[0]) {
		if (*ps->p == '@' || *ps->p == '$' || *ps->p == '.') {
			s->right = ck_calloc(1, sizeof(*s->right));
			r = parse_expr(ps, s->right, true);
		} else {
			r = parse_literal(ps, &s->literal);
		}
		if (r < 0)
			return r;
		while (*ps->p == ' ')
			ps->p++;
	}
	if (ps->p[0] != ')' || ps->p[1] != ']')
		return fail(ps, "unclosed filter %s", "[?(");
	ps->p += 2;
	return 0;
}

static int parse_bracket(struct parser *ps, struct expr *e)
{
	ps->p++; /* [ */
	if (*ps->p == '\'' || *ps->p == '"') {
		char *name = parse_quoted(ps);
		if (!name)
			return -EINVAL;
		if (*ps->p != ']') {
			free(name);
			return fail(ps, "unclosed array expect %s", "]");
		}
		ps->p++;
		add_step(e, STEP_FIELD)->name = name;
		return 0;
	}
	if (ps->p[0] == '?' && ps->p[1] == '(')
		return parse_filter(ps, add_step(e, STEP_FILTER));
	if (ps->p[0] == '*' && ps->p[1] == ']') {
		ps->p += 2;
		add_step(e, STEP_WILDCARD);
		return 0;
	}
	struct step s = { .type = STEP_INDEX };
	int part = 0;
	for (;;) {
		while (*ps->p == ' ')
			ps->p++;
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			char *end;
			s.index[part] = strtol(ps->p, &end, 10);
			s.has[part] = true;
			ps->p = end;
		}
		if (*ps->p == ':' && part < 2) {
			s.type = STEP_SLICE;
			part++;
			ps->p++;
			continue;
		}
		break;
	}
	if (*ps->p != ']' || (s.type == STEP_INDEX && !s.has[0]))
		return fail(ps, "invalid array index %s", ps->p);
	ps->p++;
	*add_step(e, s.type) = s;
	return 0;
}

/* An expression: [$|@] steps; stops at '}', ' ', ')' or an operator. */
static int parse_expr(struct parser *ps, struct expr *e, bool in_filter)
{
	if (*ps->p == '$') {
		e->root = true;
		ps->p++;
	} else if (*ps->p == '@') {
		ps->p++;
	}
	while (*ps->p && *ps->p != '}' && *ps->p != ' ' && *ps->p != ')') {
		if (in_filter && strchr("=!<>", *ps->p))
			break;
		if (*ps->p == '[') {
			int r = parse_bracket(ps, e);
			if (r < 0)
				return r;
			continue;
		}
		bool recursive = false;
		if (*ps->p == '.') {
			ps->p++;
			if (*ps->p == '.') {
				recursive = true;
				ps->p++;
			}
		}
		if (*ps->p == '*') {
			ps->p++;
			add_step(e, STEP_WILDCARD);
			continue;
		}
		const char *start = ps->p;
		while (ident_char(*ps->p))
			ps->p++;
		if (ps->p == start) {
			if (!*ps->p || *ps->p == '}' || *ps->p == '[')
				continue; /* "{.}" is the current value; ".[0]" as "[0]" */
			return fail(ps, "unrecognized character in action: %s", ps->p);
		}
		add_step(e, recursive ? STEP_RECURSIVE : STEP_FIELD)->name =
		    ck_strndup(start, (size_t)(ps->p - start));
	}
	return 0;
}

static struct node *add_node(struct ck_jsonpath *jp, enum node_type t)
{
	jp->nodes = ck_realloc(jp->nodes, (jp->n + 1) * sizeof(*jp->nodes));
	struct node *n = &jp->nodes[jp->n++];
	memset(n, 0, sizeof(*n));
	n->type = t;
	return n;
}

static int parse_action(struct parser *ps, struct ck_jsonpath *jp, int *depth)
{
	while (*ps->p && *ps->p != '}') {
		while (*ps->p == ' ')
			ps->p++;
		if (*ps->p == '}')
			break;
		if (*ps->p == '"' || *ps->p == '\'') {
			char *s = parse_quoted(ps);
			if (!s)
				return -EINVAL;
			add_node(jp, NODE_TEXT)->text = s;
			continue;
		}
		if (strncmp(ps->p, "range ", 6) == 0) {
			ps->p += 6;
			while (*ps->p == ' ')
				ps->p++;
			(*depth)++;
			int r = parse_expr(ps, &add_node(jp, NODE_RANGE)->expr, false);
			if (r < 0)
				return r;
			continue;
		}
		if (strncmp(ps->p, "end", 3) == 0 && (ps->p[3] == '}' || ps->p[3] == ' ')) {
			ps->p += 3;
			if (--(*depth) < 0)
				return fail(ps, "not in range, nothing to end%s", "");
			add_node(jp, NODE_END);
			continue;
		}
		const char *before = ps->p;
		int r = parse_expr(ps, &add_node(jp, NODE_EXPR)->expr, false);
		if (r < 0)
			return r;
		if (ps->p == before)
			return fail(ps, "unrecognized character in action: %s", ps->p);
	}
	if (*ps->p != '}')
		return fail(ps, "unclosed action%s", "");
	ps->p++;
	return 0;
}

int ck_jsonpath_parse(const char *tmpl, struct ck_jsonpath **ret, char **ret_err)
{
	struct ck_jsonpath *jp = ck_calloc(1, sizeof(*jp));
	struct parser ps = { tmpl, NULL };
	int depth = 0, r = 0;
	while (*ps.p && r == 0) {
		if (*ps.p == '{') {
			ps.p++;
			r = parse_action(&ps, jp, &depth);
			continue;
		}
		size_t n = strcspn(ps.p, "{");
		add_node(jp, NODE_TEXT)->text = ck_strndup(ps.p, n);
		ps.p += n;
	}
	if (r == 0 && depth > 0)
		r = fail(&ps, "unclosed range%s", "");
	if (r < 0) {
		if (ret_err)
			*ret_err = ps.err;
		else
			free(ps.err);
		ck_jsonpath_free(jp);
		return r;
	}
	*ret = jp;
	return 0;
}

char *ck_jsonpath_relaxed(const char *expr)
{
	struct ck_buf b = CK_BUF_INIT;
	size_t n = strlen(expr);
	if (n >= 2 && expr[0] == '{' && expr[n - 1] == '}') {
		expr++;
		n -= 2;
	}
	if (n > 0 && expr[0] == '.')
		ck_buf_addf(&b, "{%.*s}", (int)n, expr);
	else
		ck_buf_addf(&b, "{.%.*s}", (int)n, expr);
	return ck_buf_detach(&b, NULL);
}

/* ---- evaluation ------------------------------------------------------------------------ */

struct results {
	json_object **v;
	size_t n;
};

static void push(struct results *r, json_object *o)
{
	r->v = ck_realloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = o;
}

struct eval {
	json_object *root;
	bool allow_missing;
	char *err;
};

static int eval_expr(struct eval *ev, const struct expr *e, json_object *cur, struct results *out);

static void recurse(json_object *v, const char *name, struct results *out)
{
	if (json_object_is_type(v, json_type_object)) {
		json_object *x;
		if (json_object_object_get_ex(v, name, &x))
			push(out, x);
		json_object_object_foreach (v, key, val) {
			(void)key;
			recurse(val, name, out);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			recurse(json_object_array_get_idx(v, i), name, out);
	}
}

static int compare(json_object *a, json_object *b, const char *op, bool *ret)
{
	int c;
	if (json_object_is_type(a, json_type_string) && json_object_is_type(b, json_type_string)) {
		c = strcmp(json_object_get_string(a), json_object_get_string(b));
	} else if ((json_object_is_type(a, json_type_int) ||
		    json_object_is_type(a, json_type_double)) &&
		   (json_object_is_type(b, json_type_int) ||
		    json_object_is_type(b, json_type_double))) {
		double x = json_object_get_double(a), y = json_object_get_double(b);
		c = x < y ? -1 : x > y;
	} else if (json_object_is_type(a, json_type_boolean) &&
		   json_object_is_type(b, json_type_boolean)) {
		c = json_object_get_boolean(a) - json_object_get_boolean(b);
	} else {
		*ret = strcmp(op, "!=") == 0;
		return 0;
	}
	*ret = (strcmp(op, "==") == 0 && c == 0) || (strcmp(op, "!=") == 0 && c != 0) ||
	       (strcmp(op, "<") == 0 && c < 0) || (strcmp(op, "<=") == 0 && c <= 0) ||
	       (strcmp(op, ">") == 0 && c > 0) || (strcmp(op, ">=") == 0 && c >= 0);
	return 0;
}

static int filter_match(struct eval *ev, const struct step *s, json_object *elem, bool *ret)
{
	struct results l = { 0 }, rr = { 0 };
	bool saved = ev->allow_missing;
	ev->allow_missing = true;
	int r = eval_expr(ev, s->left, elem, &l);
	if (r == 0 && s->right)
		r = eval_expr(ev, s->right, elem, &rr);
	ev->allow_missing = saved;
	*ret = false;
	if (r == 0) {
		if (!s->op[0])
			*ret = l.n > 0;
		else if (l.n > 0)
			r = compare(l.v[0], s->right ? (rr.n ? rr.v[0] : NULL) : s->literal, s->op,
				    ret);
	}
	free(l.v);
	free(rr.v);
	return r;
}

static int apply_step(struct eval *ev, const struct step *s, json_object *v, struct results *out)
{
	switch (s->type) {
	case STEP_FIELD: {
		json_object *x;
		if (json_object_is_type(v, json_type_object) &&
		    json_object_object_get_ex(v, s->name, &x)) {
			push(out, x);
			return 0;
		}
		if (ev->allow_missing)
			return 0;
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "%s is not found", s->name);
		ev->err = ck_buf_detach(&b, NULL);
		return -ENOENT;
	}
	case STEP_RECURSIVE:
		recurse(v, s->name, out);
		return 0;
	case STEP_WILDCARD:
		if (json_object_is_type(v, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(v); i++)
				push(out, json_object_array_get_idx(v, i));
		} else if (json_object_is_type(v, json_type_object)) {
			json_object_object_foreach (v, key, val) {
				(void)key;
				push(out, val);
			}
		}
		return 0;
	case STEP_INDEX:
	case STEP_SLICE: {
		if (!json_object_is_type(v, json_type_array))
			return 0;
		long len = (long)json_object_array_length(v);
		long start = s->has[0] ? s->index[0] : 0;
		if (start < 0)
			start += len;
		if (s->type == STEP_INDEX) {
			if (start < 0 || start >= len) {
				if (ev->allow_missing)
					return 0;
				struct ck_buf b = CK_BUF_INIT;
				ck_buf_addf(&b, "array index out of bounds: index %ld, length %ld",
					    s->index[0], len);
				ev->err = ck_buf_detach(&b, NULL);
				return -EINVAL;
			}
			push(out, json_object_array_get_idx(v, (size_t)start));
			return 0;
		}
		long end = s->has[1] ? s->index[1] : len;
		long step = s->has[2] && s->index[2] > 0 ? s->index[2] : 1;
		if (end < 0)
			end += len;
		if (start < 0)
			start = 0;
		if (end > len)
			end = len;
		for (long i = start; i < end; i += step)
			push(out, json_object_array_get_idx(v, (size_t)i));
		return 0;
	}
	case STEP_FILTER: {
		if (!json_object_is_type(v, json_type_array))
			return 0;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			bool m;
			json_object *elem = json_object_array_get_idx(v, i);
			int r = filter_match(ev, s, elem, &m);
			if (r < 0)
				return r;
			if (m)
				push(out, elem);
		}
		return 0;
	}
	}
	return 0;
}

static int eval_expr(struct eval *ev, const struct expr *e, json_object *cur, struct results *out)
{
	struct results a = { 0 };
	push(&a, e->root ? ev->root : cur);
	int r = 0;
	for (size_t i = 0; i < e->n && r == 0; i++) {
		struct results b = { 0 };
		for (size_t j = 0; j < a.n && r == 0; j++)
			if (a.v[j])
				r = apply_step(ev, &e->steps[i], a.v[j], &b);
		free(a.v);
		a = b;
	}
	if (r == 0)
		for (size_t j = 0; j < a.n; j++)
			push(out, a.v[j]);
	free(a.v);
	return r;
}

/* A value as kubectl's jsonpath prints it. */
static void print_value(struct ck_buf *b, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		ck_buf_adds(b, json_object_get_string(v));
		break;
	case json_type_double:
		ck_floatfmt_g(b, json_object_get_double(v), 64);
		break;
	case json_type_null:
		break;
	case json_type_object:
	case json_type_array:
		ck_json_write_go(b, v, NULL);
		break;
	default:
		ck_json_write(b, v);
	}
}

/* Runs nodes [from, to) against cur; *ret_next is where a range's nodes end. */
static int run_nodes(struct eval *ev, const struct ck_jsonpath *jp, size_t from, json_object *cur,
		     struct ck_buf *out, size_t *ret_next)
{
	size_t i = from;
	while (i < jp->n) {
		const struct node *n = &jp->nodes[i];
		if (n->type == NODE_END) {
			*ret_next = i + 1;
			return 0;
		}
		if (n->type == NODE_TEXT) {
			ck_buf_adds(out, n->text);
			i++;
			continue;
		}
		struct results res = { 0 };
		int r = eval_expr(ev, &n->expr, cur, &res);
		if (r < 0) {
			free(res.v);
			return r;
		}
		if (n->type == NODE_EXPR) {
			for (size_t j = 0; j < res.n; j++) {
				if (j > 0)
					ck_buf_addc(out, ' ');
				print_value(out, res.v[j]);
			}
			free(res.v);
			i++;
			continue;
		}
		/* range: each result (a list's elements) through the nodes up to end */
		struct results items = { 0 };
		for (size_t j = 0; j < res.n; j++) {
			if (json_object_is_type(res.v[j], json_type_array) && n->expr.n > 0 &&
			    n->expr.steps[n->expr.n - 1].type != STEP_WILDCARD) {
				for (size_t x = 0; x < json_object_array_length(res.v[j]); x++)
					push(&items, json_object_array_get_idx(res.v[j], x));
			} else {
				push(&items, res.v[j]);
			}
		}
		free(res.v);
		size_t next = jp->n;
		/* find the end of the range even when there is nothing to range over */
		{
			int depth = 0;
			for (size_t x = i + 1; x < jp->n; x++) {
				if (jp->nodes[x].type == NODE_RANGE)
					depth++;
				if (jp->nodes[x].type == NODE_END && depth-- == 0) {
					next = x + 1;
					break;
				}
			}
		}
		for (size_t j = 0; j < items.n; j++) {
			size_t ignored;
			r = run_nodes(ev, jp, i + 1, items.v[j], out, &ignored);
			if (r < 0) {
				free(items.v);
				return r;
			}
		}
		free(items.v);
		i = next;
	}
	*ret_next = i;
	return 0;
}

int ck_jsonpath_execute(const struct ck_jsonpath *p, json_object *data, bool allow_missing,
			struct ck_buf *out, char **ret_err)
{
	struct eval ev = { data, allow_missing, NULL };
	size_t next;
	int r = run_nodes(&ev, p, 0, data, out, &next);
	if (r < 0 && ret_err)
		*ret_err = ev.err;
	else
		free(ev.err);
	return r;
}

int ck_jsonpath_find(const struct ck_jsonpath *p, json_object *data, json_object **ret,
		     char **ret_err)
{
	struct eval ev = { data, true, NULL };
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < p->n; i++) {
		if (p->nodes[i].type != NODE_EXPR)
			continue;
		struct results res = { 0 };
		int r = eval_expr(&ev, &p->nodes[i].expr, data, &res);
		for (size_t j = 0; r == 0 && j < res.n; j++)
			json_object_array_add(arr, json_object_get(res.v[j]));
		free(res.v);
		if (r < 0) {
			json_object_put(arr);
			if (ret_err)
				*ret_err = ev.err;
			else
				free(ev.err);
			return r;
		}
	}
	*ret = arr;
	return 0;
}

/* ---- custom columns ---------------------------------------------------------------------- */

/* A value as Go's fmt %v prints what JSON decoded into interface{}: map[a:b c:d], [x y]. */
static void print_go_value(struct ck_buf *b, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		ck_buf_adds(b, "<nil>");
		break;
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(v), i = 0;
		const char **keys = ck_json_sorted_keys(v, &n);
		ck_buf_adds(b, "map[");
		for (i = 0; i < n; i++) {
			ck_buf_addf(b, "%s%s:", i ? " " : "", keys[i]);
			print_go_value(b, json_object_object_get(v, keys[i]));
		}
		ck_buf_addc(b, ']');
		free(keys);
		break;
	}
	case json_type_array:
		ck_buf_addc(b, '[');
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i)
				ck_buf_addc(b, ' ');
			print_go_value(b, json_object_array_get_idx(v, i));
		}
		ck_buf_addc(b, ']');
		break;
	default:
		print_value(b, v);
	}
}

int ck_custom_columns_print(struct ck_tabwriter *w, const char *spec, json_object *objects,
			    bool no_headers, char **ret_err)
{
	char **cols = ck_str_split(spec, ',', 0);
	size_t n = ck_strv_len(cols);
	struct ck_jsonpath **paths = ck_calloc(n, sizeof(*paths));
	int r = 0;
	struct ck_buf line = CK_BUF_INIT;
	for (size_t i = 0; i < n && r == 0; i++) {
		char *colon = strchr(cols[i], ':');
		if (!colon) {
			struct ck_buf b = CK_BUF_INIT;
			ck_buf_addf(&b,
				    "unexpected custom-columns spec: %s, expected "
				    "<header>:<json-path-expr>",
				    cols[i]);
			*ret_err = ck_buf_detach(&b, NULL);
			r = -EINVAL;
			break;
		}
		*colon = '\0';
		char *expr = ck_jsonpath_relaxed(colon + 1);
		r = ck_jsonpath_parse(expr, &paths[i], ret_err);
		free(expr);
		if (!no_headers)
			ck_buf_addf(&line, "%s%s", i ? "\t" : "", cols[i]);
	}
	if (r == 0 && !no_headers)
		ck_tabwriter_printf(w, "%s\n", ck_buf_str(&line));
	for (size_t o = 0; r == 0 && o < json_object_array_length(objects); o++) {
		json_object *obj = json_object_array_get_idx(objects, o);
		ck_buf_reset(&line);
		for (size_t i = 0; i < n && r == 0; i++) {
			json_object *vals = NULL;
			r = ck_jsonpath_find(paths[i], obj, &vals, ret_err);
			if (r < 0)
				break;
			if (i)
				ck_buf_addc(&line, '\t');
			size_t nv = json_object_array_length(vals);
			if (nv == 0)
				ck_buf_adds(&line, "<none>");
			for (size_t j = 0; j < nv; j++) {
				if (j)
					ck_buf_addc(&line, ',');
				print_go_value(&line, json_object_array_get_idx(vals, j));
			}
			json_object_put(vals);
		}
		if (r == 0)
			ck_tabwriter_printf(w, "%s\n", ck_buf_str(&line));
	}
	ck_buf_release(&line);
	for (size_t i = 0; i < n; i++)
		ck_jsonpath_free(paths[i]);
	free(paths);
	ck_strv_free(cols);
	return r;
}
