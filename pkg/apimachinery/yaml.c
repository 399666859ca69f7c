/*
 * YAML <-> JSON, following sigs.k8s.io/yaml over go-yaml v2 (v2.4.0, the
 * fork sigs.k8s.io/yaml/goyaml.v2 that kubectl and the apiserver use).
 *
 * Decoding goes as upstream's does, in phases whose errors take precedence
 * in this order:
 *  1. libyaml's events become a node tree (go-yaml's parser.go): syntax
 *     errors, unknown anchors, depth;
 *  2. the tree is decoded into values (go-yaml's decode.go, decoding into
 *     interface{}): scalars resolve (resolve.go), aliases expand (bounded as
 *     go-yaml bounds them), merge keys apply; errors abort ("failf"), except
 *     strict-mode duplicate keys, which are collected ("terrors");
 *  3. maps get string keys (sigs.k8s.io/yaml convertToJSONableObject);
 *  4. floats get their JSON text (encoding/json), where NaN and infinities
 *     fail.
 * Phases 2 to 4 run in one walk that records the first error of each kind.
 *
 * Encoding emits libyaml events the way yaml.v2's encoder does, so that
 * libyaml's emitter (of which go-yaml's emitterc.go is a port) chooses the
 * same layout.
 */
#include "apimachinery/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <yaml.h>

#include "util/common.h"
#include "util/floatfmt.h"
#include "util/hashmap.h"
#include "util/limits.h"
#include "util/unicode_space.h"
#include "util/utf8.h"

#define LONG_TAG_PREFIX "tag:yaml.org,2002:"
#define TAG_STR LONG_TAG_PREFIX "str"
#define TAG_BOOL LONG_TAG_PREFIX "bool"
#define TAG_INT LONG_TAG_PREFIX "int"
#define TAG_FLOAT LONG_TAG_PREFIX "float"
#define TAG_NULL LONG_TAG_PREFIX "null"
#define TAG_TIMESTAMP LONG_TAG_PREFIX "timestamp"
#define TAG_BINARY LONG_TAG_PREFIX "binary"
#define TAG_MERGE LONG_TAG_PREFIX "merge"

/* ---- C locale for strtod, whatever the program's locale ------------------ */

static locale_t c_locale;
static locale_t utf8_locale;
static pthread_once_t locales_once = PTHREAD_ONCE_INIT;

static void locales_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static double c_strtod(const char *s)
{
	pthread_once(&locales_once, locales_init);
	return c_locale ? strtod_l(s, NULL, c_locale) : strtod(s, NULL);
}

/* ---- arena: the node tree and decoded strings live here -------------------- */

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
};

/* n bytes, aligned, that live until arena_free(). */
static void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > 64 * 1024 ? n : 64 * 1024;
		b = ck_malloc(sizeof(*b) + size);
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

/* A NUL-terminated copy in the arena (freed with it). */
static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

/* Appends s with each invalid UTF-8 byte as U+FFFD, as encoding/json writes strings. */
static void add_sanitized(struct ck_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len;
		uint32_t cp = ck_utf8_decode(s + i, n - i, &len);
		if (cp == CK_UTF8_RUNE_ERROR && len == 1)
			ck_utf8_append(b, CK_UTF8_RUNE_ERROR);
		else
			ck_buf_add(b, s + i, len);
		i += len;
	}
}

/* ---- Go's number syntax (strconv) ---------------------------------------- */

static char lower(char c)
{
	return (char)(c | 0x20);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* strconv's underscoreOK: underscores only between digits (or after a base prefix). */
static bool underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	bool hex = false;
	if (n >= 2 && s[0] == '0' &&
	    (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint(s, base, 64), base 0 (prefixes, underscores) or 2..36. */
static int go_parse_uint(const char *s, size_t n, int base, uint64_t *ret)
{
	if (n == 0)
		return -EINVAL;
	const char *s0 = s;
	size_t n0 = n;
	bool base0 = base == 0;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			if (n >= 3 && lower(s[1]) == 'b')
				base = 2, s += 2, n -= 2;
			else if (n >= 3 && lower(s[1]) == 'o')
				base = 8, s += 2, n -= 2;
			else if (n >= 3 && lower(s[1]) == 'x')
				base = 16, s += 2, n -= 2;
			else
				base = 8, s += 1, n -= 1;
		}
	}
	uint64_t cutoff = UINT64_MAX / (uint64_t)base + 1;
	uint64_t v = 0;
	bool underscores = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d;
		if (c == '_' && base0) {
			underscores = true;
			continue;
		} else if (is_digit(c)) {
			d = c - '0';
		} else if (lower(c) >= 'a' && lower(c) <= 'z') {
			d = lower(c) - 'a' + 10;
		} else {
			return -EINVAL;
		}
		if (d >= base)
			return -EINVAL;
		if (v >= cutoff)
			return -ERANGE;
		v *= (uint64_t)base;
		uint64_t v1 = v + (uint64_t)d;
		if (v1 < v)
			return -ERANGE;
		v = v1;
	}
	if (underscores && !underscore_ok(s0, n0))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* strconv.ParseInt(s, base, 64). */
static int go_parse_int(const char *s, size_t n, int base, int64_t *ret)
{
	if (n == 0)
		return -EINVAL;
	bool neg = false;
	if (s[0] == '+') {
		s++, n--;
	} else if (s[0] == '-') {
		neg = true;
		s++, n--;
	}
	uint64_t u = 0;
	int r = go_parse_uint(s, n, base, &u);
	if (r == -EINVAL)
		return r;
	if (r == -ERANGE)
		return -ERANGE;
	uint64_t cutoff = (uint64_t)1 << 63;
	if (!neg && u >= cutoff)
		return -ERANGE;
	if (neg && u > cutoff)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/*
 * strconv.ParseFloat(s, 64) for decimal text (what YAML's resolver hands
 * it): [+-] digits with one optional '.', optional exponent, underscores
 * between digits. -EINVAL for bad syntax, -ERANGE for overflow (Go
 * returns an error there; underflow is not one).
 */
static int go_parse_float(const char *s, size_t n, double *ret)
{
	size_t i = 0;
	bool underscores = false, sawdot = false, sawdigits = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n; i++) {
		if (s[i] == '_') {
			underscores = true;
		} else if (s[i] == '.') {
			if (sawdot)
				break;
			sawdot = true;
		} else if (is_digit(s[i])) {
			sawdigits = true;
		} else {
			break;
		}
	}
	if (!sawdigits)
		return -EINVAL;
	if (i < n && lower(s[i]) == 'e') {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return -EINVAL;
		for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++) {
			if (s[i] == '_')
				underscores = true;
		}
	}
	if (i != n)
		return -EINVAL;
	if (underscores && !underscore_ok(s, n))
		return -EINVAL;
	char stackbuf[128];
	char *buf = n < sizeof(stackbuf) ? stackbuf : ck_malloc(n + 1);
	size_t k = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '_')
			buf[k++] = s[i];
	}
	buf[k] = '\0';
	double v = c_strtod(buf);
	if (buf != stackbuf)
		free(buf);
	if (isinf(v))
		return -ERANGE;
	*ret = v;
	return 0;
}

/* yaml.v2's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	} else {
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && is_digit(s[i]))
				i++;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

/* yaml.v2's base60float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
	if (n == 0 || !(s[0] == '+' || s[0] == '-' || is_digit(s[0])) || !memchr(s, ':', n))
		return false;
	size_t i = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++;
	int groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1]))
			i += 2;
		else if (i < n && is_digit(s[i]))
			i += 1;
		else
			return false;
		if (i < n && is_digit(s[i]))
			return false;
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && (is_digit(s[i]) || s[i] == '_'))
			i++;
	}
	return i == n;
}

/* ---- timestamps: Go's time.Parse for the layouts yaml.v2 tries ------------- */

/* time's getnum: one or two digits (two when fixed). */
static bool getnum(const char *s, size_t n, size_t *pos, bool fixed, int *ret)
{
	size_t i = *pos;
	if (i >= n || !is_digit(s[i]))
		return false;
	if (i + 1 >= n || !is_digit(s[i + 1])) {
		if (fixed)
			return false;
		*ret = s[i] - '0';
		*pos = i + 1;
		return true;
	}
	*ret = (s[i] - '0') * 10 + (s[i + 1] - '0');
	*pos = i + 2;
	return true;
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* time's skip: layout text must match; a layout space matches 1+ spaces. */
static bool skip(const char *s, size_t n, size_t *pos, const char *prefix)
{
	size_t i = *pos;
	while (*prefix) {
		if (*prefix == ' ') {
			if (i < n && s[i] != ' ')
				return false;
			while (*prefix == ' ')
				prefix++;
			while (i < n && s[i] == ' ')
				i++;
			continue;
		}
		if (i >= n || s[i] != *prefix)
			return false;
		prefix++;
		i++;
	}
	*pos = i;
	return true;
}

enum ts_layout {
	TS_RFC3339_T, /* 2006-1-2T15:4:5.999999999Z07:00 */
	TS_RFC3339_t, /* 2006-1-2t15:4:5.999999999Z07:00 */
	TS_SPACE,     /* 2006-1-2 15:4:5.999999999 */
	TS_DATE,      /* 2006-1-2 */
};

static bool parse_layout(const char *s, size_t n, enum ts_layout layout)
{
	size_t i = 4;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int month, day, hour, min, sec;
	if (!skip(s, n, &i, "-") || !getnum(s, n, &i, false, &month) || month < 1 || month > 12)
		return false;
	if (!skip(s, n, &i, "-") || !getnum(s, n, &i, false, &day))
		return false;
	if (layout != TS_DATE) {
		const char *sep = layout == TS_RFC3339_T ? "T" : layout == TS_RFC3339_t ? "t" : " ";
		if (!skip(s, n, &i, sep) || !getnum(s, n, &i, false, &hour) || hour >= 24)
			return false;
		if (!skip(s, n, &i, ":") || !getnum(s, n, &i, false, &min) || min >= 60)
			return false;
		if (!skip(s, n, &i, ":") || !getnum(s, n, &i, false, &sec) || sec >= 60)
			return false;
		/* .999999999: optional, any number of digits, '.' or ',' */
		if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
			i++;
			while (i < n && is_digit(s[i]))
				i++;
		}
		if (layout != TS_SPACE) {
			/* Z07:00 */
			if (i < n && s[i] == 'Z') {
				i++;
			} else {
				if (n - i < 6 || s[i + 3] != ':')
					return false;
				if (s[i] != '+' && s[i] != '-')
					return false;
				size_t p = i + 1;
				int hh, mm;
				if (!getnum(s, n, &p, true, &hh))
					return false;
				p = i + 4;
				if (!getnum(s, n, &p, true, &mm))
					return false;
				if (hh > 24 || mm > 60)
					return false;
				i += 6;
			}
		}
	}
	if (i != n)
		return false;
	return day >= 1 && day <= days_in(month, year);
}

/* yaml.v2's parseTimestamp. */
static bool parse_timestamp(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i != 4 || i == n || s[i] != '-')
		return false;
	for (int l = TS_RFC3339_T; l <= TS_DATE; l++) {
		if (parse_layout(s, n, (enum ts_layout)l))
			return true;
	}
	return false;
}

/* ---- the resolver (yaml.v2 resolve.go) ------------------------------------ */

enum rkind {
	R_NULL,
	R_BOOL,
	R_INT,
	R_UINT,
	R_FLOAT,
	R_STR,
	R_TIMESTAMP, /* decodes as the original string */
	R_MERGE,
	R_OTHER, /* a tag the resolver leaves alone (binary, custom) */
};

struct resolved {
	enum rkind kind;
	bool b;
	int64_t i;
	uint64_t u;
	double f;
};

static const struct {
	const char *text;
	enum rkind kind;
	int value; /* bool, or the float: 0 NaN, 1 +Inf, -1 -Inf */
} resolve_map[] = {
	{ "y", R_BOOL, 1 },	  { "Y", R_BOOL, 1 },	    { "yes", R_BOOL, 1 },
	{ "Yes", R_BOOL, 1 },	  { "YES", R_BOOL, 1 },	    { "true", R_BOOL, 1 },
	{ "True", R_BOOL, 1 },	  { "TRUE", R_BOOL, 1 },    { "on", R_BOOL, 1 },
	{ "On", R_BOOL, 1 },	  { "ON", R_BOOL, 1 },	    { "n", R_BOOL, 0 },
	{ "N", R_BOOL, 0 },	  { "no", R_BOOL, 0 },	    { "No", R_BOOL, 0 },
	{ "NO", R_BOOL, 0 },	  { "false", R_BOOL, 0 },   { "False", R_BOOL, 0 },
	{ "FALSE", R_BOOL, 0 },	  { "off", R_BOOL, 0 },	    { "Off", R_BOOL, 0 },
	{ "OFF", R_BOOL, 0 },	  { "", R_NULL, 0 },	    { "~", R_NULL, 0 },
	{ "null", R_NULL, 0 },	  { "Null", R_NULL, 0 },    { "NULL", R_NULL, 0 },
	{ ".nan", R_FLOAT, 0 },	  { ".NaN", R_FLOAT, 0 },   { ".NAN", R_FLOAT, 0 },
	{ ".inf", R_FLOAT, 1 },	  { ".Inf", R_FLOAT, 1 },   { ".INF", R_FLOAT, 1 },
	{ "+.inf", R_FLOAT, 1 },  { "+.Inf", R_FLOAT, 1 },  { "+.INF", R_FLOAT, 1 },
	{ "-.inf", R_FLOAT, -1 }, { "-.Inf", R_FLOAT, -1 }, { "-.INF", R_FLOAT, -1 },
	{ "<<", R_MERGE, 0 },
};

static const char *rkind_tag(enum rkind k)
{
	switch (k) {
	case R_NULL:
		return TAG_NULL;
	case R_BOOL:
		return TAG_BOOL;
	case R_INT:
	case R_UINT:
		return TAG_INT;
	case R_FLOAT:
		return TAG_FLOAT;
	case R_TIMESTAMP:
		return TAG_TIMESTAMP;
	case R_MERGE:
		return TAG_MERGE;
	default:
		return TAG_STR;
	}
}

static void short_tag(struct ck_buf *b, const char *tag)
{
	size_t p = strlen(LONG_TAG_PREFIX);
	if (strncmp(tag, LONG_TAG_PREFIX, p) == 0)
		ck_buf_addf(b, "!!%s", tag + p);
	else
		ck_buf_adds(b, tag);
}

static bool resolvable_tag(const char *tag)
{
	return !*tag || strcmp(tag, TAG_STR) == 0 || strcmp(tag, TAG_BOOL) == 0 ||
	       strcmp(tag, TAG_INT) == 0 || strcmp(tag, TAG_FLOAT) == 0 ||
	       strcmp(tag, TAG_NULL) == 0 || strcmp(tag, TAG_TIMESTAMP) == 0;
}

/* The resolver's guess, ignoring the tag's verdict. */
static void resolve_plain(const char *tag, const char *in, size_t n, struct resolved *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = R_STR;
	char hint = 'N';
	if (n) {
		unsigned char c = (unsigned char)in[0];
		if (c == '+' || c == '-')
			hint = 'S';
		else if (is_digit((char)c))
			hint = 'D';
		else if (strchr("yYnNtTfFoO~", c) && c)
			hint = 'M';
		else if (c == '.')
			hint = '.';
		else
			hint = 0;
	}
	if (!hint || strcmp(tag, TAG_STR) == 0 || strcmp(tag, TAG_BINARY) == 0)
		return;
	for (size_t i = 0; i < CK_ARRAY_SIZE(resolve_map); i++) {
		if (strlen(resolve_map[i].text) == n && memcmp(resolve_map[i].text, in, n) == 0) {
			out->kind = resolve_map[i].kind;
			out->b = resolve_map[i].value != 0;
			if (out->kind == R_FLOAT)
				out->f = resolve_map[i].value == 0  ? NAN
					 : resolve_map[i].value > 0 ? INFINITY
								    : -INFINITY;
			return;
		}
	}
	if (hint == '.') {
		if (go_parse_float(in, n, &out->f) == 0)
			out->kind = R_FLOAT;
		return;
	}
	if (hint != 'D' && hint != 'S')
		return;
	if ((!*tag || strcmp(tag, TAG_TIMESTAMP) == 0) && parse_timestamp(in, n)) {
		out->kind = R_TIMESTAMP;
		return;
	}
	char stackbuf[128];
	char *plain = n < sizeof(stackbuf) ? stackbuf : ck_malloc(n + 1);
	size_t pn = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] != '_')
			plain[pn++] = in[i];
	}
	plain[pn] = '\0';
	if (go_parse_int(plain, pn, 0, &out->i) == 0) {
		out->kind = R_INT;
	} else if (go_parse_uint(plain, pn, 0, &out->u) == 0) {
		out->kind = R_UINT;
	} else if (yaml_style_float(plain, pn) && go_parse_float(plain, pn, &out->f) == 0) {
		out->kind = R_FLOAT;
	} else if (pn >= 2 && plain[0] == '0' && plain[1] == 'b') {
		if (go_parse_int(plain + 2, pn - 2, 2, &out->i) == 0)
			out->kind = R_INT;
		else if (go_parse_uint(plain + 2, pn - 2, 2, &out->u) == 0)
			out->kind = R_UINT;
	} else if (pn >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == 'b') {
		/* ParseInt("-" + plain[3:], 2, 64) */
		plain[2] = '-';
		if (go_parse_int(plain + 2, pn - 2, 2, &out->i) == 0)
			out->kind = R_INT;
	}
	if (plain != stackbuf)
		free(plain);
}

/*
 * yaml.v2's resolve(tag, in): the value, or false with *fail set when the
 * tag asks for a type the text is not ("cannot decode !!str `x` as a
 * !!int"). tag is the long form, "" for none. A non-resolvable tag leaves
 * the text alone (R_OTHER).
 */
static bool resolve(const char *tag, const char *in, size_t n, struct resolved *out, char **fail)
{
	if (!resolvable_tag(tag)) {
		memset(out, 0, sizeof(*out));
		out->kind = R_OTHER;
		return true;
	}
	resolve_plain(tag, in, n, out);
	if (!*tag || strcmp(tag, TAG_STR) == 0 || strcmp(tag, rkind_tag(out->kind)) == 0)
		return true;
	if (strcmp(tag, TAG_FLOAT) == 0 && out->kind == R_INT) {
		out->kind = R_FLOAT;
		out->f = (double)out->i;
		return true;
	}
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_adds(&b, "yaml: cannot decode ");
	short_tag(&b, rkind_tag(out->kind));
	ck_buf_adds(&b, " `");
	ck_buf_add(&b, in, n);
	ck_buf_adds(&b, "` as a ");
	short_tag(&b, tag);
	*fail = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return false;
}

/* Go's base64.StdEncoding.DecodeString: padding required, \r and \n ignored. */
static bool base64_std_decode(struct arena *a, const char *s, size_t n, char **ret, size_t *ret_len)
{
	char *out = arena_alloc(a, n / 4 * 3 + 4);
	size_t k = 0;
	unsigned quad[4];
	int q = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' || c == '\n')
			continue;
		unsigned v;
		if (c >= 'A' && c <= 'Z')
			v = (unsigned)(c - 'A');
		else if (c >= 'a' && c <= 'z')
			v = (unsigned)(c - 'a' + 26);
		else if (is_digit(c))
			v = (unsigned)(c - '0' + 52);
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else if (c == '=' && q >= 2) {
			/* padding ends the data: "xx==" or "xxx=" */
			pad = 4 - q;
			size_t j = i + 1;
			int seen = 1;
			for (; j < n && seen < pad; j++) {
				if (s[j] == '\r' || s[j] == '\n')
					continue;
				if (s[j] != '=')
					return false;
				seen++;
			}
			if (seen < pad)
				return false;
			for (; j < n; j++) {
				if (s[j] != '\r' && s[j] != '\n')
					return false;
			}
			break;
		} else {
			return false;
		}
		quad[q++] = v;
		if (q == 4) {
			out[k++] = (char)(quad[0] << 2 | quad[1] >> 4);
			out[k++] = (char)((quad[1] & 0xF) << 4 | quad[2] >> 2);
			out[k++] = (char)((quad[2] & 0x3) << 6 | quad[3]);
			q = 0;
		}
	}
	if (pad) {
		out[k++] = (char)(quad[0] << 2 | quad[1] >> 4);
		if (q == 3)
			out[k++] = (char)((quad[1] & 0xF) << 4 | quad[2] >> 2);
	} else if (q != 0) {
		return false;
	}
	*ret = out;
	*ret_len = k;
	return true;
}

/* ---- the node tree (go-yaml parser.go) ------------------------------------ */

enum node_kind {
	NODE_SCALAR,
	NODE_SEQ,
	NODE_MAP,
	NODE_ALIAS,
};

struct node {
	enum node_kind kind;
	bool implicit;	   /* scalar: plain and untagged (or tagged "!") */
	bool active;	   /* alias being expanded (decoder's recursion guard) */
	bool printing;	   /* alias being printed */
	int line;	   /* 0-based start line */
	const char *tag;   /* "" when none */
	const char *value; /* scalar text, alias anchor name */
	size_t len;
	struct node **children; /* seq items; map keys and values alternating */
	size_t n;
	struct node *alias; /* the anchored node an alias names */
};

struct parser {
	yaml_parser_t yp;
	yaml_event_t ev;
	bool have_event;
	struct arena *arena;
	struct ck_hashmap anchors; /* name -> node, the last definition */
	char *err;
};

/* go-yaml's parser.fail(): "yaml: line N: <problem>". */
static void set_parse_error(struct parser *p)
{
	const yaml_parser_t *yp = &p->yp;
	size_t line = 0;
	if (yp->problem_mark.line != 0) {
		line = yp->problem_mark.line;
		if (yp->error == YAML_SCANNER_ERROR)
			line++;
	} else if (yp->context_mark.line != 0) {
		line = yp->context_mark.line;
	}
	const char *problem =
	    yp->problem && *yp->problem ? yp->problem : "unknown problem parsing YAML content";
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (line)
		ck_buf_addf(&b, "yaml: line %zu: %s", line, problem);
	else
		ck_buf_addf(&b, "yaml: %s", problem);
	p->err = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
}

static bool peek(struct parser *p)
{
	if (p->have_event)
		return true;
	if (!yaml_parser_parse(&p->yp, &p->ev)) {
		set_parse_error(p);
		return false;
	}
	p->have_event = true;
	return true;
}

static void consume(struct parser *p)
{
	yaml_event_delete(&p->ev);
	p->have_event = false;
}

static struct node *node_new(struct parser *p, enum node_kind kind, const yaml_char_t *tag)
{
	struct node *n = arena_alloc(p->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (int)p->ev.start_mark.line;
	n->tag = tag ? arena_strndup(p->arena, (const char *)tag, strlen((const char *)tag)) : "";
	return n;
}

static void anchor(struct parser *p, struct node *n, const yaml_char_t *name)
{
	if (name)
		ck_hashmap_put(&p->anchors, (const char *)name, n);
}

static void set_error(char **err, const char *fmt, ...) CK_PRINTF(2, 3);
static void set_error(char **err, const char *fmt, ...)
{
	if (*err)
		return;
	struct ck_buf b;
	ck_buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	*err = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
}

/* Grows a child vector (malloc'd while its collection is being read). */
static void push_child(struct node ***v, size_t *n, size_t *alloc, struct node *child)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		*v = ck_realloc(*v, *alloc * sizeof(**v));
	}
	(*v)[(*n)++] = child;
}

static struct node *parse_node(struct parser *p, int depth);

/* The items of a sequence or mapping, up to its end event. */
static bool parse_children(struct parser *p, struct node *n, yaml_event_type_t end, int depth)
{
	struct node **v = NULL;
	size_t len = 0, alloc = 0;
	bool ok = true;
	for (;;) {
		if (!peek(p)) {
			ok = false;
			break;
		}
		if (p->ev.type == end) {
			consume(p);
			break;
		}
		struct node *child = parse_node(p, depth + 1);
		if (!child) {
			ok = false;
			break;
		}
		push_child(&v, &len, &alloc, child);
	}
	if (ok && len) {
		n->children = arena_alloc(p->arena, len * sizeof(*v));
		memcpy(n->children, v, len * sizeof(*v));
		n->n = len;
	}
	free(v);
	return ok;
}

static struct node *parse_node(struct parser *p, int depth)
{
	if (!peek(p))
		return NULL;
	yaml_event_t *ev = &p->ev;
	struct node *n = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = node_new(p, NODE_SCALAR, ev->data.scalar.tag);
		n->value = arena_strndup(p->arena, (const char *)ev->data.scalar.value,
					 ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->implicit = ev->data.scalar.plain_implicit;
		anchor(p, n, ev->data.scalar.anchor);
		consume(p);
		return n;
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		n = node_new(p, NODE_ALIAS, NULL);
		n->value = arena_strndup(p->arena, name, strlen(name));
		n->len = strlen(name);
		n->alias = ck_hashmap_get(&p->anchors, name);
		if (!n->alias) {
			set_error(&p->err, "yaml: unknown anchor '%s' referenced", name);
			return NULL;
		}
		consume(p);
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		if (depth > CK_MAX_JSON_DEPTH) {
			set_error(&p->err, "yaml: line %d: exceeded max depth of %d",
				  (int)ev->start_mark.line + 1, CK_MAX_JSON_DEPTH);
			return NULL;
		}
		n = node_new(p, seq ? NODE_SEQ : NODE_MAP,
			     seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag);
		anchor(p, n, seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor);
		consume(p);
		if (!parse_children(p, n, seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT,
				    depth))
			return NULL;
		return n;
	}
	default:
		set_error(&p->err, "yaml: unexpected event %d", (int)ev->type);
		return NULL;
	}
}

/*
 * The first document of the stream: true and its root in *ret_root (NULL
 * for an empty stream), or false with p->err set.
 */
static bool parse_document(struct parser *p, struct node **ret_root)
{
	if (!peek(p))
		return false;
	consume(p); /* STREAM-START */
	if (!peek(p))
		return false;
	if (p->ev.type == YAML_STREAM_END_EVENT) {
		*ret_root = NULL;
		return true;
	}
	consume(p); /* DOCUMENT-START */
	struct node *root = parse_node(p, 1);
	if (!root || !peek(p))
		return false;
	consume(p); /* DOCUMENT-END */
	*ret_root = root;
	return true;
}

/* ---- Go's %#v of decoded values, for error messages ----------------------- */

/* %q of a string that may hold NUL bytes (ck_buf_add_quoted takes C strings). */
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

/* A decoded scalar as a Go value: what map keys are. */
struct key {
	enum rkind kind; /* R_NULL, R_BOOL, R_INT, R_UINT, R_FLOAT or R_STR */
	bool b;
	int64_t i;
	uint64_t u;
	double f;
	const char *s;
	size_t len;
};

/* %#v of a key-like value; nested selects "interface {}(nil)" for nil. */
static void print_key(struct ck_buf *b, const struct key *k, bool nested)
{
	switch (k->kind) {
	case R_NULL:
		ck_buf_adds(b, nested ? "interface {}(nil)" : "<nil>");
		break;
	case R_BOOL:
		ck_buf_adds(b, k->b ? "true" : "false");
		break;
	case R_INT:
		ck_buf_addf(b, "%" PRId64, k->i);
		break;
	case R_UINT:
		ck_buf_addf(b, "0x%" PRIx64, k->u);
		break;
	case R_FLOAT:
		ck_floatfmt_g(b, k->f, 64);
		break;
	default:
		add_quoted_len(b, k->s, k->len);
		break;
	}
}

/* The scalar as decoding would make it, without failing (bad tags print as text). */
static void scalar_key_loose(struct arena *a, const struct node *n, struct key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = R_STR;
	k->s = n->value;
	k->len = n->len;
	if (!*n->tag && !n->implicit)
		return;
	struct resolved r;
	char *fail = NULL;
	if (!resolve(n->tag, n->value, n->len, &r, &fail)) {
		free(fail);
		return;
	}
	if (strcmp(n->tag, TAG_BINARY) == 0) {
		char *data;
		size_t len;
		if (base64_std_decode(a, n->value, n->len, &data, &len)) {
			k->s = data;
			k->len = len;
		}
		return;
	}
	switch (r.kind) {
	case R_NULL:
	case R_BOOL:
	case R_INT:
	case R_UINT:
	case R_FLOAT:
		k->kind = r.kind;
		k->b = r.b;
		k->i = r.i;
		k->u = r.u;
		k->f = r.f;
		break;
	default:
		break;
	}
}

struct print_entry {
	struct key key;
	const struct node *knode;
	const struct node *vnode;
};

/*
 * fmt orders interface map keys by type first; the order of types follows
 * their descriptors in the binary, which for kubectl is nil, string,
 * uint64, int, float64, bool.
 */
static int kind_rank(enum rkind k)
{
	switch (k) {
	case R_NULL:
		return 0;
	case R_STR:
		return 1;
	case R_UINT:
		return 2;
	case R_INT:
		return 3;
	case R_FLOAT:
		return 4;
	case R_BOOL:
		return 5;
	default:
		return 6;
	}
}

/* fmt's map key order: by kind, then by value (NaN first among floats). */
static int print_entry_cmp(const void *pa, const void *pb)
{
	const struct key *a = &((const struct print_entry *)pa)->key;
	const struct key *b = &((const struct print_entry *)pb)->key;
	int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (a->kind) {
	case R_INT:
		return a->i < b->i ? -1 : a->i > b->i;
	case R_UINT:
		return a->u < b->u ? -1 : a->u > b->u;
	case R_FLOAT:
		if (isnan(a->f) || isnan(b->f))
			return isnan(a->f) && !isnan(b->f) ? -1 : !isnan(a->f) && isnan(b->f);
		return a->f < b->f ? -1 : a->f > b->f;
	case R_BOOL:
		return (int)a->b - (int)b->b;
	case R_STR: {
		size_t m = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, m);
		return c ? c : a->len < b->len ? -1 : a->len > b->len;
	}
	default:
		return 0;
	}
}

static const struct node *follow(const struct node *n)
{
	while (n && n->kind == NODE_ALIAS)
		n = n->alias;
	return n;
}

/* %#v of what a node decodes to (approximate for merges: they are not applied). */
static void print_node(struct ck_buf *b, struct arena *a, struct node *n, bool nested, int depth)
{
	if (depth > CK_MAX_JSON_DEPTH || b->len >= b->max) {
		ck_buf_adds(b, "...");
		return;
	}
	if (n->kind == NODE_ALIAS) {
		if (n->printing) {
			ck_buf_adds(b, "...");
			return;
		}
		n->printing = true;
		print_node(b, a, n->alias, nested, depth + 1);
		n->printing = false;
		return;
	}
	if (n->kind == NODE_SCALAR) {
		struct key k;
		scalar_key_loose(a, n, &k);
		print_key(b, &k, nested);
		return;
	}
	if (n->kind == NODE_SEQ) {
		ck_buf_adds(b, "[]interface {}{");
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				ck_buf_adds(b, ", ");
			print_node(b, a, n->children[i], true, depth + 1);
		}
		ck_buf_addc(b, '}');
		return;
	}
	size_t pairs = n->n / 2;
	struct print_entry *e = ck_calloc(pairs ? pairs : 1, sizeof(*e));
	for (size_t i = 0; i < pairs; i++) {
		const struct node *kn = follow(n->children[2 * i]);
		e[i].knode = n->children[2 * i];
		e[i].vnode = n->children[2 * i + 1];
		if (kn && kn->kind == NODE_SCALAR)
			scalar_key_loose(a, kn, &e[i].key);
		else
			e[i].key.kind = R_OTHER;
	}
	qsort(e, pairs, sizeof(*e), print_entry_cmp);
	ck_buf_adds(b, "map[interface {}]interface {}{");
	for (size_t i = 0; i < pairs; i++) {
		if (i)
			ck_buf_adds(b, ", ");
		print_node(b, a, (struct node *)e[i].knode, true, depth + 1);
		ck_buf_addc(b, ':');
		print_node(b, a, (struct node *)e[i].vnode, true, depth + 1);
	}
	ck_buf_addc(b, '}');
	free(e);
}

/* ---- the decoder (go-yaml decode.go into interface{}, then JSON) ---------- */

struct entry {
	struct key key;
	struct json_object *value;
	struct node *vnode;
};

/* A map under construction: Go's map[interface{}]interface{}, in insertion order. */
struct builder {
	struct entry *e;
	size_t n;
	size_t alloc;
	uint32_t *slots; /* open addressing: entry index + 1, 0 empty */
	size_t nslots;
};

struct decoder {
	struct parser *p;
	unsigned flags;
	long long decode_count;
	long long alias_count;
	int alias_depth;
	int depth;
	char *fail;	       /* go-yaml's failf: aborts */
	struct ck_buf terrors; /* strict-mode errors, "\n  "-joined */
	char *convert_err;     /* convertToJSONableObject's */
	char *json_err;	       /* json.Marshal's */
};

/* Each unmarshal: count it, and bound alias expansion as go-yaml v2.4 does. */
static bool enter(struct decoder *d)
{
	if (d->fail)
		return false;
	d->decode_count++;
	if (d->alias_depth > 0)
		d->alias_count++;
	if (d->alias_count > 100 && d->decode_count > 1000) {
		double ratio;
		if (d->decode_count <= 400000)
			ratio = 0.99;
		else if (d->decode_count >= 4000000)
			ratio = 0.10;
		else
			ratio = 0.99 - 0.89 * ((double)(d->decode_count - 400000) / 3600000.0);
		if ((double)d->alias_count / (double)d->decode_count > ratio) {
			set_error(&d->fail, "yaml: document contains excessive aliasing");
			return false;
		}
	}
	return true;
}

static bool enter_alias(struct decoder *d, struct node *n)
{
	if (n->active) {
		set_error(&d->fail, "yaml: anchor '%s' value contains itself", n->value);
		return false;
	}
	n->active = true;
	d->alias_depth++;
	return true;
}

static void leave_alias(struct decoder *d, struct node *n)
{
	n->active = false;
	d->alias_depth--;
}

static bool deeper(struct decoder *d, const struct node *n)
{
	if (++d->depth > CK_MAX_JSON_DEPTH) {
		set_error(&d->fail, "yaml: line %d: exceeded max depth of %d", n->line + 1,
			  CK_MAX_JSON_DEPTH);
		return false;
	}
	return true;
}

/* A scalar decoded into interface{}: its Go value. */
static bool scalar_value(struct decoder *d, const struct node *n, struct key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = R_STR;
	k->s = n->value;
	k->len = n->len;
	if (!*n->tag && !n->implicit)
		return true; /* quoted */
	struct resolved r;
	char *fail = NULL;
	if (!resolve(n->tag, n->value, n->len, &r, &fail)) {
		if (!d->fail)
			d->fail = fail;
		else
			free(fail);
		return false;
	}
	if (strcmp(n->tag, TAG_BINARY) == 0) {
		char *data;
		size_t len;
		if (!base64_std_decode(d->p->arena, n->value, n->len, &data, &len)) {
			set_error(&d->fail, "yaml: !!binary value contains invalid base64 data");
			return false;
		}
		k->s = data;
		k->len = len;
		return true;
	}
	switch (r.kind) {
	case R_NULL:
	case R_BOOL:
	case R_INT:
	case R_UINT:
	case R_FLOAT:
		k->kind = r.kind;
		k->b = r.b;
		k->i = r.i;
		k->u = r.u;
		k->f = r.f;
		break;
	default: /* strings, timestamps (kept as text), merge, other tags */
		break;
	}
	return true;
}

/*
 * A string as encoding/json writes it: invalid UTF-8 bytes become U+FFFD.
 * Returns a new object the caller owns.
 */
static struct json_object *json_string(const char *s, size_t n)
{
	if (ck_utf8_valid(s, n))
		return json_object_new_string_len(s, (int)n);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	add_sanitized(&b, s, n);
	struct json_object *o = json_object_new_string_len(ck_buf_str(&b), (int)b.len);
	ck_buf_release(&b);
	return o;
}

/*
 * A float as what its encoding/json text parses back to: a new object the
 * caller owns, or NULL (JSON null) with d->json_err set for NaN and
 * infinities.
 */
static struct json_object *json_float(struct decoder *d, double f)
{
	if (isnan(f) || isinf(f)) {
		set_error(&d->json_err, "json: unsupported value: %s",
			  isnan(f) ? "NaN"
			  : f > 0  ? "+Inf"
				   : "-Inf");
		return NULL;
	}
	struct ck_buf t;
	ck_buf_init(&t, 0);
	ck_floatfmt_json(&t, f);
	const char *text = ck_buf_str(&t);
	struct json_object *o = NULL;
	if (!strpbrk(text, ".e")) {
		int64_t i;
		uint64_t u;
		if (go_parse_int(text, t.len, 10, &i) == 0)
			o = json_object_new_int64(i);
		else if (go_parse_uint(text, t.len, 10, &u) == 0)
			o = json_object_new_uint64(u);
	}
	if (!o)
		o = json_object_new_double_s(f, text);
	ck_buf_release(&t);
	return o;
}

/* A decoded scalar as JSON: a new object the caller owns (NULL is null). */
static struct json_object *key_to_json(struct decoder *d, const struct key *k)
{
	switch (k->kind) {
	case R_NULL:
		return NULL;
	case R_BOOL:
		return json_object_new_boolean(k->b);
	case R_INT:
		return json_object_new_int64(k->i);
	case R_UINT:
		return json_object_new_uint64(k->u);
	case R_FLOAT:
		return json_float(d, k->f);
	default:
		return json_string(k->s, k->len);
	}
}

static bool key_equal(const struct key *a, const struct key *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case R_NULL:
		return true;
	case R_BOOL:
		return a->b == b->b;
	case R_INT:
		return a->i == b->i;
	case R_UINT:
		return a->u == b->u;
	case R_FLOAT:
		return a->f == b->f; /* NaN never equals */
	default:
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	}
}

static uint64_t key_hash(const struct key *k)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)k->kind;
	const unsigned char *p;
	size_t n;
	uint64_t bits = 0;
	switch (k->kind) {
	case R_STR:
		p = (const unsigned char *)k->s;
		n = k->len;
		break;
	case R_FLOAT: {
		double f = k->f == 0 ? 0 : k->f; /* -0 == +0 */
		memcpy(&bits, &f, sizeof(bits));
		p = (const unsigned char *)&bits;
		n = sizeof(bits);
		break;
	}
	case R_INT:
		bits = (uint64_t)k->i;
		p = (const unsigned char *)&bits;
		n = sizeof(bits);
		break;
	case R_UINT:
		bits = k->u;
		p = (const unsigned char *)&bits;
		n = sizeof(bits);
		break;
	case R_BOOL:
		bits = k->b;
		p = (const unsigned char *)&bits;
		n = sizeof(bits);
		break;
	default:
		p = NULL;
		n = 0;
		break;
	}
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void builder_reindex(struct builder *b)
{
	free(b->slots);
	b->nslots = b->nslots ? b->nslots * 2 : 16;
	b->slots = ck_calloc(b->nslots, sizeof(*b->slots));
	for (size_t i = 0; i < b->n; i++) {
		size_t s = key_hash(&b->e[i].key) & (b->nslots - 1);
		while (b->slots[s])
			s = (s + 1) & (b->nslots - 1);
		b->slots[s] = (uint32_t)(i + 1);
	}
}

/* The index of an equal key, or -1. */
static long builder_find(const struct builder *b, const struct key *k)
{
	if (!b->nslots)
		return -1;
	size_t s = key_hash(k) & (b->nslots - 1);
	while (b->slots[s]) {
		size_t i = b->slots[s] - 1;
		if (key_equal(&b->e[i].key, k))
			return (long)i;
		s = (s + 1) & (b->nslots - 1);
	}
	return -1;
}

static void builder_release(struct builder *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_object_put(b->e[i].value);
	free(b->e);
	free(b->slots);
	memset(b, 0, sizeof(*b));
}

static void add_terror(struct decoder *d, const char *fmt, ...) CK_PRINTF(2, 3);
static void add_terror(struct decoder *d, const char *fmt, ...)
{
	if (d->terrors.len)
		ck_buf_adds(&d->terrors, "\n  ");
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&d->terrors, fmt, ap);
	va_end(ap);
}

/* go-yaml's setMapIndex; takes ownership of value. */
static void builder_set(struct decoder *d, struct builder *b, const struct key *k,
			struct json_object *value, struct node *vnode)
{
	long i = builder_find(b, k);
	if (i >= 0) {
		if (d->flags & CK_YAML_STRICT) {
			struct ck_buf kb;
			ck_buf_init(&kb, 0);
			print_key(&kb, k, false);
			add_terror(d, "line %d: key %s already set in map", vnode->line + 1,
				   ck_buf_str(&kb));
			ck_buf_release(&kb);
			json_object_put(value);
			return;
		}
		json_object_put(b->e[i].value);
		b->e[i].value = value;
		b->e[i].vnode = vnode;
		return;
	}
	if (b->n == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 8;
		b->e = ck_realloc(b->e, b->alloc * sizeof(*b->e));
	}
	b->e[b->n].key = *k;
	b->e[b->n].value = value;
	b->e[b->n].vnode = vnode;
	b->n++;
	if (b->n * 2 > b->nslots)
		builder_reindex(b);
	else {
		size_t s = key_hash(k) & (b->nslots - 1);
		while (b->slots[s])
			s = (s + 1) & (b->nslots - 1);
		b->slots[s] = (uint32_t)b->n;
	}
}

struct json_key {
	char *s;
	size_t len;
	size_t order;
	struct json_object *value;
};

static int json_key_cmp(const void *pa, const void *pb)
{
	const struct json_key *a = pa, *b = pb;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, m);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->order < b->order ? -1 : 1;
}

/*
 * convertToJSONableObject for a map, then encoding/json's sorted keys:
 * keys become strings (or an error); for keys that become the same
 * string, the last one wins. Returns a new object the caller owns; the
 * values it took are no longer the builder's.
 */
static struct json_object *builder_finish(struct decoder *d, struct builder *b)
{
	struct json_key *keys = ck_calloc(b->n ? b->n : 1, sizeof(*keys));
	size_t nk = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct key *k = &b->e[i].key;
		struct ck_buf s;
		ck_buf_init(&s, 0);
		switch (k->kind) {
		case R_STR:
			/* encoding/json writes invalid UTF-8 in keys as U+FFFD too */
			add_sanitized(&s, k->s, k->len);
			break;
		case R_INT:
			ck_buf_addf(&s, "%" PRId64, k->i);
			break;
		case R_BOOL:
			ck_buf_adds(&s, k->b ? "true" : "false");
			break;
		case R_FLOAT: {
			ck_floatfmt_g(&s, k->f, 32);
			const char *t = ck_buf_str(&s);
			const char *alt = strcmp(t, "+Inf") == 0   ? ".inf"
					  : strcmp(t, "-Inf") == 0 ? "-.inf"
					  : strcmp(t, "NaN") == 0  ? ".nan"
								   : NULL;
			if (alt) {
				ck_buf_reset(&s);
				ck_buf_adds(&s, alt);
			}
			break;
		}
		default: {
			if (!d->convert_err) {
				struct ck_buf m;
				ck_buf_init(&m, 1 << 20);
				ck_buf_addf(&m, "unsupported map key of type: %s, key: ",
					    k->kind == R_NULL ? "%!s(<nil>)" : "uint64");
				print_key(&m, k, false);
				ck_buf_adds(&m, ", value: ");
				print_node(&m, d->p->arena, b->e[i].vnode, false, 0);
				d->convert_err = ck_buf_detach(&m, NULL);
				ck_buf_release(&m);
			}
			ck_buf_release(&s);
			continue;
		}
		}
		keys[nk].len = s.len;
		keys[nk].s = ck_buf_detach(&s, NULL);
		keys[nk].order = i;
		keys[nk].value = b->e[i].value;
		nk++;
		ck_buf_release(&s);
	}
	qsort(keys, nk, sizeof(*keys), json_key_cmp);
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < nk; i++) {
		bool last = i + 1 == nk || keys[i + 1].len != keys[i].len ||
			    memcmp(keys[i + 1].s, keys[i].s, keys[i].len) != 0;
		if (last) {
			json_object_object_add(o, keys[i].s, keys[i].value);
			/* the builder no longer owns it */
			b->e[keys[i].order].value = NULL;
		}
		free(keys[i].s);
	}
	free(keys);
	return o;
}

static void unmarshal_value(struct decoder *d, struct node *n, struct json_object **out);
static void map_into(struct decoder *d, struct builder *b, struct node *n);

/*
 * The value of a node once counted (go-yaml's unmarshal after its prologue)
 * into *out, a new object the caller owns (also after an error).
 */
static void decode_body(struct decoder *d, struct node *n, struct json_object **out)
{
	*out = NULL;
	switch (n->kind) {
	case NODE_ALIAS:
		if (!enter_alias(d, n))
			return;
		unmarshal_value(d, n->alias, out);
		leave_alias(d, n);
		return;
	case NODE_SCALAR: {
		struct key k;
		if (scalar_value(d, n, &k))
			*out = key_to_json(d, &k);
		return;
	}
	case NODE_SEQ: {
		if (!deeper(d, n))
			return;
		struct json_object *arr = json_object_new_array_ext((int)n->n);
		for (size_t i = 0; i < n->n && !d->fail; i++) {
			struct json_object *v = NULL;
			unmarshal_value(d, n->children[i], &v);
			json_object_array_add(arr, v);
		}
		d->depth--;
		*out = arr;
		return;
	}
	case NODE_MAP: {
		if (!deeper(d, n))
			return;
		struct builder b = { 0 };
		map_into(d, &b, n);
		*out = builder_finish(d, &b);
		builder_release(&b);
		d->depth--;
		return;
	}
	}
}

static void unmarshal_value(struct decoder *d, struct node *n, struct json_object **out)
{
	*out = NULL;
	if (!enter(d))
		return;
	decode_body(d, n, out);
}

/* A map key: a scalar's Go value; collections fail ("invalid map key"). */
static bool unmarshal_key(struct decoder *d, struct node *n, struct key *k)
{
	if (!enter(d))
		return false;
	if (n->kind == NODE_ALIAS) {
		if (!enter_alias(d, n))
			return false;
		bool ok = unmarshal_key(d, n->alias, k);
		leave_alias(d, n);
		return ok;
	}
	if (n->kind == NODE_SCALAR)
		return scalar_value(d, n, k);
	/* decoded in full first, as go-yaml does, then refused */
	struct json_object *v = NULL;
	decode_body(d, n, &v);
	json_object_put(v);
	if (d->fail)
		return false;
	struct ck_buf m;
	ck_buf_init(&m, 1 << 20);
	ck_buf_adds(&m, "yaml: invalid map key: ");
	print_node(&m, d->p->arena, n, false, 0);
	d->fail = ck_buf_detach(&m, NULL);
	ck_buf_release(&m);
	return false;
}

static bool is_merge(const struct node *n)
{
	return n->kind == NODE_SCALAR && n->len == 2 && memcmp(n->value, "<<", 2) == 0 &&
	       (n->implicit || strcmp(n->tag, TAG_MERGE) == 0);
}

/* go-yaml's d.unmarshal(n, out) with out the map being built. */
static void unmarshal_into_map(struct decoder *d, struct builder *b, struct node *n)
{
	if (!enter(d))
		return;
	switch (n->kind) {
	case NODE_ALIAS:
		if (!enter_alias(d, n))
			return;
		unmarshal_into_map(d, b, n->alias);
		leave_alias(d, n);
		return;
	case NODE_MAP:
		if (deeper(d, n)) {
			map_into(d, b, n);
			d->depth--;
		}
		return;
	case NODE_SEQ:
		add_terror(d, "line %d: cannot unmarshal !!seq into map[interface {}]interface {}",
			   n->line + 1);
		return;
	case NODE_SCALAR: {
		struct key k;
		if (!scalar_value(d, n, &k))
			return;
		if (k.kind == R_NULL) {
			/* a null into a map clears it (go-yaml's resetMap) */
			builder_release(b);
			return;
		}
		struct ck_buf m;
		ck_buf_init(&m, 0);
		short_tag(&m, *n->tag ? n->tag : rkind_tag(k.kind));
		if (n->len > 10)
			ck_buf_addf(&m, " `%.7s...`", n->value);
		else
			ck_buf_addf(&m, " `%s`", n->value);
		add_terror(d, "line %d: cannot unmarshal %s into map[interface {}]interface {}",
			   n->line + 1, ck_buf_str(&m));
		ck_buf_release(&m);
		return;
	}
	}
}

/* go-yaml v2.4 checks what the alias names (issue #529). */
static bool alias_is_map(const struct node *alias)
{
	return !alias->alias || alias->alias->kind == NODE_MAP;
}

static void merge(struct decoder *d, struct builder *b, struct node *n)
{
	static const char want_map[] =
	    "yaml: map merge requires map or sequence of maps as the value";
	switch (n->kind) {
	case NODE_MAP:
		unmarshal_into_map(d, b, n);
		return;
	case NODE_ALIAS:
		if (!alias_is_map(n)) {
			set_error(&d->fail, "%s", want_map);
			return;
		}
		unmarshal_into_map(d, b, n);
		return;
	case NODE_SEQ:
		/* backwards: earlier maps take precedence */
		for (size_t i = n->n; i-- > 0 && !d->fail;) {
			struct node *ni = n->children[i];
			if (ni->kind == NODE_ALIAS) {
				if (!alias_is_map(ni)) {
					set_error(&d->fail, "%s", want_map);
					return;
				}
			} else if (ni->kind != NODE_MAP) {
				set_error(&d->fail, "%s", want_map);
				return;
			}
			unmarshal_into_map(d, b, ni);
		}
		return;
	default:
		set_error(&d->fail, "%s", want_map);
		return;
	}
}

/* go-yaml's d.mapping(n, out): the pairs of n into b, merges in place. */
static void map_into(struct decoder *d, struct builder *b, struct node *n)
{
	for (size_t i = 0; i + 1 < n->n && !d->fail; i += 2) {
		struct node *kn = n->children[i], *vn = n->children[i + 1];
		if (is_merge(kn)) {
			merge(d, b, vn);
			continue;
		}
		struct key k;
		if (!unmarshal_key(d, kn, &k))
			return;
		struct json_object *v = NULL;
		unmarshal_value(d, vn, &v);
		if (d->fail) {
			json_object_put(v);
			return;
		}
		builder_set(d, b, &k, v, vn);
	}
}

static void decoder_release(struct decoder *d)
{
	free(d->fail);
	free(d->convert_err);
	free(d->json_err);
	ck_buf_release(&d->terrors);
}

int ck_yaml_decode(const char *data, size_t len, unsigned flags, struct json_object **ret_obj,
		   char **errmsg)
{
	struct arena arena = { 0 };
	struct parser p;
	memset(&p, 0, sizeof(p));
	p.arena = &arena;
	ck_hashmap_init(&p.anchors, NULL);
	yaml_parser_initialize(&p.yp);
	if (len == 0) {
		/* go-yaml parses an empty input as "\n" */
		data = "\n";
		len = 1;
	}
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)data, len);

	struct decoder d;
	memset(&d, 0, sizeof(d));
	d.p = &p;
	d.flags = flags;
	ck_buf_init(&d.terrors, 1 << 20);

	struct json_object *obj = NULL;
	char *err = NULL;
	struct node *root = NULL;
	if (!parse_document(&p, &root)) {
		err = p.err;
		p.err = NULL;
		goto out;
	}
	if (root && enter(&d)) /* the document node counts too */
		unmarshal_value(&d, root, &obj);
	if (d.fail) {
		err = d.fail;
		d.fail = NULL;
	} else if (d.terrors.len) {
		struct ck_buf m;
		ck_buf_init(&m, 0);
		ck_buf_addf(&m, "yaml: unmarshal errors:\n  %s", ck_buf_str(&d.terrors));
		err = ck_buf_detach(&m, NULL);
		ck_buf_release(&m);
	} else if (d.convert_err) {
		err = d.convert_err;
		d.convert_err = NULL;
	} else if (d.json_err) {
		err = d.json_err;
		d.json_err = NULL;
	}
out:
	if (p.have_event)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	ck_hashmap_release(&p.anchors);
	free(p.err);
	decoder_release(&d);
	arena_free(&arena);
	if (err) {
		json_object_put(obj);
		if (errmsg)
			*errmsg = err;
		else
			free(err);
		return -EINVAL;
	}
	*ret_obj = obj;
	return 0;
}

/* ---- documents in a stream (k8s.io/apimachinery/pkg/util/yaml) ----------- */

void ck_yaml_stream_init(struct ck_yaml_stream *s, const char *data, size_t len, unsigned flags)
{
	s->data = data;
	s->len = len;
	s->pos = 0;
	s->flags = flags;
}

/*
 * YAMLReader.Read: the next document's lines into doc; 1, 0 at the end,
 * or -EINVAL for a bad separator line.
 */
static int read_document(struct ck_yaml_stream *s, struct ck_buf *doc, char **errmsg)
{
	while (s->pos < s->len) {
		const char *line = s->data + s->pos;
		const char *nl = memchr(line, '\n', s->len - s->pos);
		size_t n = nl ? (size_t)(nl - line) : s->len - s->pos;
		s->pos += n + (nl ? 1 : 0);
		/* bufio's ReadLine drops "\n" or "\r\n"; LineReader adds "\n" */
		if (nl && n > 0 && line[n - 1] == '\r')
			n--;
		if (n >= 3 && memcmp(line, "---", 3) == 0) {
			size_t tn;
			const char *t = ck_unicode_trim_space(line + 3, n - 3, &tn);
			if (tn > 0 && t[0] != '#') {
				if (errmsg) {
					struct ck_buf m;
					ck_buf_init(&m, 0);
					ck_buf_adds(&m, "invalid Yaml document separator: ");
					ck_buf_add(&m, t, tn);
					*errmsg = ck_buf_detach(&m, NULL);
					ck_buf_release(&m);
				}
				return -EINVAL;
			}
			if (doc->len)
				return 1;
			continue;
		}
		if (ck_buf_add(doc, line, n) < 0 || ck_buf_addc(doc, '\n') < 0) {
			if (errmsg)
				*errmsg = ck_strdup("yaml document too large");
			return -E2BIG;
		}
	}
	return doc->len ? 1 : 0;
}

int ck_yaml_stream_next(struct ck_yaml_stream *s, struct json_object **ret_obj, char **errmsg)
{
	struct ck_buf doc;
	ck_buf_init(&doc, CK_MAX_BUF);
	int r;
	for (;;) {
		ck_buf_reset(&doc);
		r = read_document(s, &doc, errmsg);
		if (r <= 0)
			break;
		struct json_object *obj = NULL;
		char *msg = NULL;
		r = ck_yaml_decode(doc.data, doc.len, s->flags, &obj, &msg);
		if (r < 0) {
			if (errmsg) {
				struct ck_buf m;
				ck_buf_init(&m, 0);
				ck_buf_addf(&m, "error converting YAML to JSON: %s", msg);
				*errmsg = ck_buf_detach(&m, NULL);
				ck_buf_release(&m);
			}
			free(msg);
			break;
		}
		if (obj) {
			*ret_obj = obj;
			r = 1;
			break;
		}
	}
	ck_buf_release(&doc);
	return r;
}

int ck_yaml_decode_all(const char *data, size_t len, unsigned flags, struct json_object **ret_docs,
		       char **errmsg)
{
	struct ck_yaml_stream s;
	ck_yaml_stream_init(&s, data, len, flags);
	struct json_object *docs = json_object_new_array();
	for (;;) {
		struct json_object *obj = NULL;
		int r = ck_yaml_stream_next(&s, &obj, errmsg);
		if (r < 0) {
			json_object_put(docs);
			return r;
		}
		if (r == 0)
			break;
		json_object_array_add(docs, obj);
	}
	*ret_docs = docs;
	return 0;
}

/* ---- encoding (sigs.k8s.io/yaml Marshal: JSON text, then yaml.v2) --------- */

struct encoder {
	yaml_emitter_t e;
	struct ck_buf *out;
	int err;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	struct encoder *enc = data;
	int r = ck_buf_add(enc->out, buffer, size);
	if (r < 0) {
		enc->err = r;
		return 0;
	}
	return 1;
}

static bool emit(struct encoder *enc, yaml_event_t *ev)
{
	if (enc->err)
		return false;
	if (!yaml_emitter_emit(&enc->e, ev)) {
		if (!enc->err)
			enc->err = -ENOMEM;
		return false;
	}
	return true;
}

static bool emit_scalar(struct encoder *enc, const char *s, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1, 1, style)) {
		enc->err = -ENOMEM;
		return false;
	}
	return emit(enc, &ev);
}

/* encoding/json's string: invalid UTF-8 bytes as U+FFFD. Owned copy or NULL when valid. */
static char *sanitize(const char *s, size_t n, size_t *ret_len)
{
	if (ck_utf8_valid(s, n))
		return NULL;
	struct ck_buf b;
	ck_buf_init(&b, 0);
	add_sanitized(&b, s, n);
	return ck_buf_detach(&b, ret_len);
}

/* yaml.v2's stringv: plain unless it would read back as something else. */
static bool emit_string(struct encoder *enc, const char *s, size_t n)
{
	size_t clean_len;
	char *clean = sanitize(s, n, &clean_len);
	if (clean) {
		s = clean;
		n = clean_len;
	}
	yaml_scalar_style_t style;
	if (memchr(s, '\n', n)) {
		style = YAML_LITERAL_SCALAR_STYLE;
	} else {
		struct resolved r;
		resolve_plain("", s, n, &r);
		bool plain = r.kind == R_STR && !is_base60_float(s, n);
		style = plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	bool ok = emit_scalar(enc, s, n, style);
	free(clean);
	return ok;
}

/* unicode.IsLetter, with non-Latin-1 letters as the C.UTF-8 locale classes them. */
static bool is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
	if (r <= 0xFF)
		return r == 0xAA || r == 0xB5 || r == 0xBA || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
	pthread_once(&locales_once, locales_init);
	if (utf8_locale)
		return iswalpha_l((wint_t)r, utf8_locale) != 0;
	return true;
}

/* yaml.v2's keyList.Less for two string keys (natural order). */
static bool key_less(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0;
	while (i < an && i < bn) {
		size_t la, lb;
		uint32_t ra = ck_utf8_decode(a + i, an - i, &la);
		uint32_t rb = ck_utf8_decode(b + i, bn - i, &lb);
		if (ra == rb) {
			i += la;
			continue;
		}
		bool al = is_letter(ra), bl = is_letter(rb);
		if (al && bl)
			return ra < rb;
		if (al || bl)
			return bl;
		uint64_t av = 0, bv = 0;
		if (ra == '0' || rb == '0') {
			for (size_t j = i; j > 0 && is_digit(a[j - 1]); j--) {
				if (a[j - 1] != '0') {
					av = 1;
					bv = 1;
					break;
				}
			}
		}
		size_t ai = i, bi = i;
		for (; ai < an && is_digit(a[ai]); ai++)
			av = av * 10 + (uint64_t)(a[ai] - '0');
		for (; bi < bn && is_digit(b[bi]); bi++)
			bv = bv * 10 + (uint64_t)(b[bi] - '0');
		if (av != bv)
			return (int64_t)av < (int64_t)bv;
		if (ai != bi)
			return ai < bi;
		return ra < rb;
	}
	/* equal prefix: the one with fewer runes first */
	return i >= an && i < bn;
}

struct sort_key {
	const char *s; /* sanitized key */
	size_t len;
	char *owned;
	struct json_object *value;
};

static int sort_key_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (key_less(a->s, a->len, b->s, b->len))
		return -1;
	if (key_less(b->s, b->len, a->s, a->len))
		return 1;
	return 0;
}

static bool emit_number_text(struct encoder *enc, double v)
{
	/*
	 * The float's JSON text read back by yaml.v2: an integer when it looks
	 * like one (and fits int64 or uint64), printed as yaml.v2 prints ints;
	 * else a float, printed as strconv.FormatFloat(v, 'g', -1, 64).
	 */
	struct ck_buf t;
	ck_buf_init(&t, 0);
	ck_floatfmt_json(&t, v);
	int64_t i;
	uint64_t u;
	char num[32];
	bool ok;
	if (go_parse_int(t.data, t.len, 0, &i) == 0) {
		snprintf(num, sizeof(num), "%" PRId64, i);
		ok = emit_scalar(enc, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	} else if (go_parse_uint(t.data, t.len, 0, &u) == 0) {
		snprintf(num, sizeof(num), "%" PRIu64, u);
		ok = emit_scalar(enc, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	} else {
		ck_buf_reset(&t);
		ck_floatfmt_g(&t, v, 64);
		ok = emit_scalar(enc, t.data, t.len, YAML_PLAIN_SCALAR_STYLE);
	}
	ck_buf_release(&t);
	return ok;
}

static bool encode_value(struct encoder *enc, struct json_object *o, int depth)
{
	yaml_event_t ev;
	char num[32];
	enum json_type type = json_object_get_type(o);
	/* depth counts the open collections, as the decoder's limit does */
	if ((type == json_type_array || type == json_type_object) && depth >= CK_MAX_JSON_DEPTH) {
		enc->err = -EINVAL;
		return false;
	}
	switch (type) {
	case json_type_null:
		return emit_scalar(enc, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	case json_type_boolean:
		return json_object_get_boolean(o)
			   ? emit_scalar(enc, "true", 4, YAML_PLAIN_SCALAR_STYLE)
			   : emit_scalar(enc, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case json_type_int: {
		int64_t i = json_object_get_int64(o);
		uint64_t u = json_object_get_uint64(o);
		if (i == INT64_MAX && u > (uint64_t)INT64_MAX)
			snprintf(num, sizeof(num), "%" PRIu64, u);
		else
			snprintf(num, sizeof(num), "%" PRId64, i);
		return emit_scalar(enc, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	}
	case json_type_double: {
		double v = json_object_get_double(o);
		if (isnan(v) || isinf(v)) {
			enc->err = -EINVAL;
			return false;
		}
		return emit_number_text(enc, v);
	}
	case json_type_string:
		return emit_string(enc, json_object_get_string(o),
				   (size_t)json_object_get_string_len(o));
	case json_type_array: {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE) ||
		    !emit(enc, &ev))
			return false;
		size_t n = json_object_array_length(o);
		for (size_t i = 0; i < n; i++) {
			if (!encode_value(enc, json_object_array_get_idx(o, i), depth + 1))
				return false;
		}
		yaml_sequence_end_event_initialize(&ev);
		return emit(enc, &ev);
	}
	case json_type_object: {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE) ||
		    !emit(enc, &ev))
			return false;
		size_t n = (size_t)json_object_object_length(o);
		struct sort_key *keys = ck_calloc(n ? n : 1, sizeof(*keys));
		size_t k = 0;
		json_object_object_foreach (o, key, val) {
			keys[k].s = key;
			keys[k].len = strlen(key);
			keys[k].owned = sanitize(keys[k].s, keys[k].len, &keys[k].len);
			if (keys[k].owned)
				keys[k].s = keys[k].owned;
			keys[k].value = val;
			k++;
		}
		qsort(keys, k, sizeof(*keys), sort_key_cmp);
		bool ok = true;
		for (size_t i = 0; i < k && ok; i++) {
			ok = emit_string(enc, keys[i].s, keys[i].len) &&
			     encode_value(enc, keys[i].value, depth + 1);
		}
		for (size_t i = 0; i < k; i++)
			free(keys[i].owned);
		free(keys);
		if (!ok)
			return false;
		yaml_mapping_end_event_initialize(&ev);
		return emit(enc, &ev);
	}
	}
	enc->err = -EINVAL;
	return false;
}

int ck_yaml_encode(struct json_object *obj, struct ck_buf *out)
{
	struct encoder enc;
	memset(&enc, 0, sizeof(enc));
	enc.out = out;
	if (!yaml_emitter_initialize(&enc.e))
		return -ENOMEM;
	yaml_emitter_set_output(&enc.e, write_handler, &enc);
	yaml_emitter_set_unicode(&enc.e, 1);

	yaml_event_t ev;
	bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && emit(&enc, &ev) &&
		  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
		  emit(&enc, &ev) && encode_value(&enc, obj, 0) &&
		  yaml_document_end_event_initialize(&ev, 1) && emit(&enc, &ev);
	if (ok) {
		/* yaml.v2 never ends the stream with "..." */
		enc.e.open_ended = 0;
		ok = yaml_stream_end_event_initialize(&ev) && emit(&enc, &ev) &&
		     yaml_emitter_flush(&enc.e);
	}
	yaml_emitter_delete(&enc.e);
	if (!ok)
		return enc.err ? enc.err : -ENOMEM;
	return 0;
}
