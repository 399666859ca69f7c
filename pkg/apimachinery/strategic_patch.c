/*
 * Strategic merge patch: apply (StrategicMergePatch), two-way and three-way
 * diffs (CreateTwoWayMergePatch, CreateThreeWayMergePatch) and conflict
 * detection, following upstream's apimachinery/pkg/util/strategicpatch case
 * for case. See strategic_patch.h.
 *
 * Internals work like upstream's code on mutable maps: the public functions
 * deep-copy their inputs, the helpers below change those copies in place,
 * and the result is copied out again, so callers only ever see fresh trees.
 *
 * Ownership inside this file: json_object arguments are borrowed (the
 * helpers may change them, as upstream's do); a json_object returned through
 * a ret_ pointer is a new reference the caller puts. `struct vec` holds one
 * reference per element.
 *
 * Values compare as upstream's do after decoding with k8s.io's json package:
 * integers (int64) and floats (float64) are different types, so 1 and 1.0
 * differ, and scalars sort by their Go "%v" text.
 */
#include "apimachinery/strategic_patch.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define DIRECTIVE_MARKER "$patch"
#define DELETE_DIRECTIVE "delete"
#define REPLACE_DIRECTIVE "replace"
#define MERGE_DIRECTIVE "merge"
#define RETAIN_KEYS_DIRECTIVE "$retainKeys"
#define DELETE_FROM_PRIMITIVE_LIST_PREFIX "$deleteFromPrimitiveList"
#define SET_ELEMENT_ORDER_PREFIX "$setElementOrder"

#define ERR_BAD_JSON_DOC "invalid JSON document"
#define ERR_NO_LIST_OF_LISTS "lists of lists are not supported"
#define ERR_BAD_PRIMITIVE_LIST "invalid patch format of primitive list"
#define ERR_BAD_RETAIN_KEYS "invalid patch format of retainKeys"
#define ERR_BAD_SET_ELEMENT_ORDER "invalid patch format of setElementOrder list"

/* The state of one call: the failure, if any. */
struct smp {
	struct ck_buf err;
	int code;
};

/* upstream's MergeOptions */
struct merge_opts {
	bool merge_parallel_list;
	bool ignore_unmatched_nulls;
};

/* upstream's DiffOptions */
struct diff_opts {
	bool set_element_order;
	bool ignore_changes; /* IgnoreChangesAndAdditions */
	bool ignore_deletions;
	bool build_retain_keys;
};

/* ---- Go's view of decoded JSON ------------------------------------------------ */

enum gotype {
	GT_NIL,
	GT_MAP,
	GT_SLICE,
	GT_STRING,
	GT_INT64,
	GT_FLOAT64,
	GT_BOOL,
};

static enum gotype gotype(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_object:
		return GT_MAP;
	case json_type_array:
		return GT_SLICE;
	case json_type_string:
		return GT_STRING;
	case json_type_int:
		return GT_INT64;
	case json_type_double:
		return GT_FLOAT64;
	case json_type_boolean:
		return GT_BOOL;
	default:
		return GT_NIL;
	}
}

/* reflect.Type.String() of each */
static const char *gotype_name(enum gotype t)
{
	static const char *const names[] = {
		[GT_NIL] = "<nil>",
		[GT_MAP] = "map[string]interface {}",
		[GT_SLICE] = "[]interface {}",
		[GT_STRING] = "string",
		[GT_INT64] = "int64",
		[GT_FLOAT64] = "float64",
		[GT_BOOL] = "bool",
	};
	return names[t];
}

static bool is_map(json_object *o)
{
	return gotype(o) == GT_MAP;
}

static bool is_list(json_object *o)
{
	return gotype(o) == GT_SLICE;
}

static size_t list_len(json_object *o)
{
	return is_list(o) ? json_object_array_length(o) : 0;
}

/* Go's `a == b` on two interface{} values holding scalars; maps and slices
 * (which would panic in Go) never compare equal. */
static bool scalar_equal(json_object *a, json_object *b)
{
	enum gotype t = gotype(a);
	if (t != gotype(b))
		return false;
	switch (t) {
	case GT_NIL:
		return true;
	case GT_STRING:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
			      (size_t)json_object_get_string_len(a)) == 0;
	case GT_INT64:
		return json_object_equal(a, b);
	case GT_FLOAT64:
		return json_object_get_double(a) == json_object_get_double(b);
	case GT_BOOL:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	default:
		return false;
	}
}

/* reflect.DeepEqual */
static bool deep_equal(json_object *a, json_object *b)
{
	enum gotype t = gotype(a);
	if (t != gotype(b))
		return false;
	if (t == GT_MAP) {
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach (a, k, av) {
			json_object *bv = NULL;
			if (!json_object_object_get_ex(b, k, &bv) || !deep_equal(av, bv))
				return false;
		}
		return true;
	}
	if (t == GT_SLICE) {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < n; i++) {
			if (!deep_equal(json_object_array_get_idx(a, i),
					json_object_array_get_idx(b, i)))
				return false;
		}
		return true;
	}
	return scalar_equal(a, b);
}

/* Go's %v of a float64: the shortest digits that round-trip, %e form when
 * the exponent is < -4 or >= 6 (strconv 'g' with the shortest precision). */
static void fmt_float(struct ck_buf *b, double v)
{
	char tmp[64], digits[32];
	int prec, exp, nd = 0;

	if (isnan(v)) {
		(void)ck_buf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		(void)ck_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		(void)ck_buf_adds(b, signbit(v) ? "-0" : "0");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
	const char *e = strchr(tmp, 'e');
	for (const char *c = tmp; c < e; c++) {
		if (*c >= '0' && *c <= '9')
			digits[nd++] = *c;
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	exp = (int)strtol(e + 1, NULL, 10);
	if (exp < -4 || exp >= 6) {
		(void)ck_buf_addf(b, "%s%c%s%s%se%c%02d", v < 0 ? "-" : "", digits[0],
				  nd > 1 ? "." : "", digits + 1, "", exp < 0 ? '-' : '+', abs(exp));
	} else {
		int frac = nd - 1 - exp;
		(void)ck_buf_addf(b, "%.*f", frac > 0 ? frac : 0, v);
	}
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Go's %v of a decoded JSON value (maps print with sorted keys). */
static void fmt_value(struct ck_buf *b, json_object *o)
{
	switch (gotype(o)) {
	case GT_NIL:
		(void)ck_buf_adds(b, "<nil>");
		break;
	case GT_STRING:
		(void)ck_buf_add(b, json_object_get_string(o),
				 (size_t)json_object_get_string_len(o));
		break;
	case GT_INT64:
		(void)ck_buf_adds(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		break;
	case GT_FLOAT64:
		fmt_float(b, json_object_get_double(o));
		break;
	case GT_BOOL:
		(void)ck_buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case GT_SLICE:
		(void)ck_buf_addc(b, '[');
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			if (i)
				(void)ck_buf_addc(b, ' ');
			fmt_value(b, json_object_array_get_idx(o, i));
		}
		(void)ck_buf_addc(b, ']');
		break;
	case GT_MAP: {
		size_t n = (size_t)json_object_object_length(o), i = 0;
		const char **keys = ck_calloc(n ? n : 1, sizeof(*keys));
		json_object_object_foreach (o, k, v) {
			(void)v;
			keys[i++] = k;
		}
		qsort(keys, n, sizeof(*keys), cmp_cstr);
		(void)ck_buf_adds(b, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				(void)ck_buf_addc(b, ' ');
			(void)ck_buf_adds(b, keys[i]);
			(void)ck_buf_addc(b, ':');
			fmt_value(b, json_object_object_get(o, keys[i]));
		}
		(void)ck_buf_addc(b, ']');
		free(keys);
		break;
	}
	}
}

/* Go's %s of a value: itself for strings, else %!s(<type>=<%v>). */
static void fmt_s(struct ck_buf *b, json_object *o)
{
	if (gotype(o) == GT_STRING) {
		fmt_value(b, o);
	} else if (gotype(o) == GT_NIL) {
		(void)ck_buf_adds(b, "%!s(<nil>)");
	} else {
		(void)ck_buf_addf(b, "%%!s(%s=", gotype_name(gotype(o)));
		fmt_value(b, o);
		(void)ck_buf_addc(b, ')');
	}
}

/* ---- errors -------------------------------------------------------------------- */

static int CK_PRINTF(3, 4) fail(struct smp *s, int code, const char *fmt, ...)
{
	va_list ap;
	ck_buf_reset(&s->err);
	va_start(ap, fmt);
	(void)ck_buf_vaddf(&s->err, fmt, ap);
	va_end(ap);
	s->code = code;
	return -1;
}

/* mergepatch.ErrNoMergeKey */
static int err_no_merge_key(struct smp *s, json_object *m, const char *key)
{
	ck_buf_reset(&s->err);
	(void)ck_buf_adds(&s->err, "map: ");
	fmt_value(&s->err, m);
	(void)ck_buf_addf(&s->err, " does not contain declared merge key: %s", key);
	s->code = -EBADMSG;
	return -1;
}

/* mergepatch.ErrBadArgType */
static int err_bad_arg_type(struct smp *s, enum gotype expected, json_object *actual)
{
	return fail(s, -EBADMSG, "expected a %s, but received a %s", gotype_name(expected),
		    gotype_name(gotype(actual)));
}

/* mergepatch.ErrBadPatchType */
static int err_bad_patch_type(struct smp *s, json_object *t, json_object *m)
{
	ck_buf_reset(&s->err);
	(void)ck_buf_adds(&s->err, "unknown patch type: ");
	fmt_s(&s->err, t);
	(void)ck_buf_adds(&s->err, " in map: ");
	fmt_value(&s->err, m);
	s->code = -EBADMSG;
	return -1;
}

/* ---- vectors of references ------------------------------------------------------- */

struct vec {
	json_object **v;
	size_t n, cap;
};

/* Takes the reference o (which may be NULL, a JSON null). */
static void vec_push(struct vec *a, json_object *o)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = ck_realloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = o;
}

static void vec_push_ref(struct vec *a, json_object *o)
{
	vec_push(a, json_object_get(o));
}

static void vec_release(struct vec *a)
{
	for (size_t i = 0; i < a->n; i++)
		json_object_put(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* Replaces a with b (taking b's references). */
static void vec_move(struct vec *a, struct vec *b)
{
	vec_release(a);
	*a = *b;
	b->v = NULL;
	b->n = b->cap = 0;
}

static void vec_from_list(struct vec *a, json_object *list)
{
	for (size_t i = 0; i < list_len(list); i++)
		vec_push_ref(a, json_object_array_get_idx(list, i));
}

/* A new JSON array of a's elements; a is unchanged. */
static json_object *vec_to_list(const struct vec *a)
{
	json_object *list = json_object_new_array_ext((int)(a->n ? a->n : 1));
	for (size_t i = 0; i < a->n; i++)
		json_object_array_add(list, json_object_get(a->v[i]));
	return list;
}

/* ---- maps ------------------------------------------------------------------------ */

/* The value at key, borrowed; *found says whether the key is there. */
static json_object *map_get(json_object *m, const char *key, bool *found)
{
	json_object *v = NULL;
	bool f = is_map(m) && json_object_object_get_ex(m, key, &v);
	if (found)
		*found = f;
	return f ? v : NULL;
}

static bool map_has(json_object *m, const char *key)
{
	bool found;
	(void)map_get(m, key, &found);
	return found;
}

/* Stores the reference v at key. */
static void map_set(json_object *m, const char *key, json_object *v)
{
	json_object_object_add(m, key, v);
}

static void map_set_ref(json_object *m, const char *key, json_object *v)
{
	json_object_object_add(m, key, json_object_get(v));
}

/* The keys of m, copied (so m may change while they are walked). */
struct keys {
	char **k;
	size_t n;
};

static void keys_of(struct keys *ks, json_object *m)
{
	size_t n = is_map(m) ? (size_t)json_object_object_length(m) : 0, i = 0;
	ks->k = ck_calloc(n ? n : 1, sizeof(*ks->k));
	if (n) {
		json_object_object_foreach (m, k, v) {
			(void)v;
			ks->k[i++] = ck_strdup(k);
		}
	}
	ks->n = i;
}

static void keys_release(struct keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
}

/* A string-valued key of a map equal to s. */
static bool map_str_is(json_object *m, const char *key, const char *s)
{
	json_object *v = map_get(m, key, NULL);
	return gotype(v) == GT_STRING && strcmp(json_object_get_string(v), s) == 0;
}

/* ---- schema lookups ------------------------------------------------------------------ */

/* LookupPatchMetadataForStruct / ForSlice: the field's metadata; for a list,
 * f->type is already the type of its elements. */
static int lookup(struct smp *s, const struct ck_patch_type *schema, const char *key,
		  struct ck_patch_field *f)
{
	if (ck_patch_meta_field(schema, key, f) < 0)
		return fail(s, -EBADMSG,
			    "unable to find api field in struct %s for the json field \"%s\"",
			    ck_patch_meta_type_name(schema), key);
	return 0;
}

/* extractRetainKeysPatchStrategy: the strategy besides retainKeys. */
enum strategy {
	STRATEGY_NONE,
	STRATEGY_MERGE,
	STRATEGY_REPLACE,
};

static enum strategy field_strategy(const struct ck_patch_field *f, bool *retain_keys)
{
	if (retain_keys)
		*retain_keys = f->strategy & CK_PATCH_STRATEGY_RETAIN_KEYS;
	if (f->strategy & CK_PATCH_STRATEGY_MERGE)
		return STRATEGY_MERGE;
	if (f->strategy & CK_PATCH_STRATEGY_REPLACE)
		return STRATEGY_REPLACE;
	return STRATEGY_NONE;
}

/* ---- list helpers -------------------------------------------------------------------- */

/*
 * sliceElementType over the elements of lists a and b (either may be NULL):
 * all must have one Go type, not a list.
 */
static int slice_element_type(struct smp *s, int nlists, json_object *a, json_object *b,
			      enum gotype *ret)
{
	json_object *lists[2] = { a, nlists > 1 ? b : NULL };
	bool have = false;
	enum gotype prev = GT_NIL;

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < list_len(lists[l]); i++) {
			enum gotype t = gotype(json_object_array_get_idx(lists[l], i));
			if (!have && t == GT_SLICE)
				return fail(s, -EPROTO, ERR_NO_LIST_OF_LISTS);
			if (have ? t != prev : t == GT_NIL) {
				/* (a leading null makes upstream panic; an error here) */
				ck_buf_reset(&s->err);
				(void)ck_buf_adds(&s->err,
						  "list element types are not identical: [");
				if (is_list(a))
					fmt_value(&s->err, a);
				else
					(void)ck_buf_adds(&s->err, "[]");
				if (nlists > 1) {
					(void)ck_buf_adds(&s->err, is_list(b) ? " " : " []");
					if (is_list(b))
						fmt_value(&s->err, b);
				}
				(void)ck_buf_addc(&s->err, ']');
				s->code = -EBADMSG;
				return -1;
			}
			prev = t;
			have = true;
		}
	}
	if (!have)
		return fail(s, -EBADMSG, "no elements in any of the given slices");
	*ret = prev;
	return 0;
}

/* deduplicateScalars, its "clever algorithm" included (it reorders). */
static void dedupe_scalars(struct vec *a)
{
	if (a->n == 0)
		return;
	size_t length = a->n - 1;
	for (size_t i = 0; i < length; i++) {
		for (size_t j = i + 1; j <= length; j++) {
			if (scalar_equal(a->v[i], a->v[j])) {
				json_object_put(a->v[j]);
				a->v[j] = a->v[length];
				a->v[length] = NULL;
				a->n--;
				length--;
				j--;
			}
		}
	}
}

typedef bool (*less_fn)(void *ctx, json_object *a, json_object *b);

static void swap(json_object **v, size_t i, size_t j)
{
	json_object *t = v[i];
	v[i] = v[j];
	v[j] = t;
}

/* Go's sort.Stable (insertion sort on blocks of 20, then SymMerge), kept
 * exactly because upstream's less functions are not always orderings. */
static void insertion_sort(json_object **v, size_t a, size_t b, less_fn less, void *ctx)
{
	for (size_t i = a + 1; i < b; i++) {
		for (size_t j = i; j > a && less(ctx, v[j], v[j - 1]); j--)
			swap(v, j, j - 1);
	}
}

static void swap_range(json_object **v, size_t a, size_t b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		swap(v, a + i, b + i);
}

static void rotate(json_object **v, size_t a, size_t m, size_t b)
{
	size_t i = m - a, j = b - m;
	while (i != j) {
		if (i > j) {
			swap_range(v, m - i, m, j);
			i -= j;
		} else {
			swap_range(v, m - i, m + j - i, i);
			j -= i;
		}
	}
	swap_range(v, m - i, m, i);
}

static void sym_merge(json_object **v, size_t a, size_t m, size_t b, less_fn less, void *ctx)
{
	if (m - a == 1) {
		size_t i = m, j = b;
		while (i < j) {
			size_t h = (i + j) / 2;
			if (less(ctx, v[h], v[a]))
				i = h + 1;
			else
				j = h;
		}
		for (size_t k = a; k + 1 < i; k++)
			swap(v, k, k + 1);
		return;
	}
	if (b - m == 1) {
		size_t i = a, j = m;
		while (i < j) {
			size_t h = (i + j) / 2;
			if (!less(ctx, v[m], v[h]))
				i = h + 1;
			else
				j = h;
		}
		for (size_t k = m; k > i; k--)
			swap(v, k, k - 1);
		return;
	}
	size_t mid = (a + b) / 2, n = mid + m, start, r;
	if (m > mid) {
		start = n - b;
		r = mid;
	} else {
		start = a;
		r = m;
	}
	size_t p = n - 1;
	while (start < r) {
		size_t c = (start + r) / 2;
		if (!less(ctx, v[p - c], v[c]))
			start = c + 1;
		else
			r = c;
	}
	size_t end = n - start;
	if (start < m && m < end)
		rotate(v, start, m, end);
	if (a < start && start < mid)
		sym_merge(v, a, start, mid, less, ctx);
	if (mid < end && end < b)
		sym_merge(v, mid, end, b, less, ctx);
}

static void stable_sort(struct vec *a, less_fn less, void *ctx)
{
	size_t n = a->n, block = 20, lo = 0, hi = block;
	json_object **v = a->v;

	while (hi <= n) {
		insertion_sort(v, lo, hi, less, ctx);
		lo = hi;
		hi += block;
	}
	insertion_sort(v, lo, n, less, ctx);
	while (block < n) {
		lo = 0;
		hi = 2 * block;
		while (hi <= n) {
			sym_merge(v, lo, lo + block, hi, less, ctx);
			lo = hi;
			hi += 2 * block;
		}
		if (lo + block < n)
			sym_merge(v, lo, lo + block, n, less, ctx);
		block *= 2;
	}
}

/* %v texts compared as Go compares strings (bytewise). */
static int cmp_text(json_object *a, json_object *b)
{
	struct ck_buf ba = CK_BUF_INIT, bb = CK_BUF_INIT;
	fmt_value(&ba, a);
	fmt_value(&bb, b);
	size_t n = ba.len < bb.len ? ba.len : bb.len;
	int r = n ? memcmp(ck_buf_str(&ba), ck_buf_str(&bb), n) : 0;
	if (r == 0)
		r = ba.len < bb.len ? -1 : ba.len > bb.len ? 1 : 0;
	ck_buf_release(&ba);
	ck_buf_release(&bb);
	return r;
}

static bool less_text(void *ctx, json_object *a, json_object *b)
{
	(void)ctx;
	return cmp_text(a, b) < 0;
}

/* sortScalars: by %v text */
static void sort_scalars(struct vec *a)
{
	stable_sort(a, less_text, NULL);
}

/* The merge key's value of a list element, for sorting by it. */
static bool less_by_field(void *ctx, json_object *a, json_object *b)
{
	const char *key = ctx;
	return cmp_text(map_get(a, key, NULL), map_get(b, key, NULL)) < 0;
}

/* sortMapsBasedOnField */
static void sort_maps_by_field(struct vec *a, const char *key)
{
	stable_sort(a, less_by_field, (void *)key);
}

/* findMapInSliceBasedOnKeyValue: index of the first map whose key equals
 * value, or -1; an element that is not a map is an error. */
static int find_map(struct smp *s, const struct vec *l, const char *key, json_object *value,
		    ssize_t *ret)
{
	for (size_t i = 0; i < l->n; i++) {
		bool found;
		if (!is_map(l->v[i]))
			return fail(s, -EBADMSG, "value for key %zu is not a map", i);
		json_object *v = map_get(l->v[i], key, &found);
		if (found && scalar_equal(v, value)) {
			*ret = (ssize_t)i;
			return 0;
		}
	}
	*ret = -1;
	return 0;
}

/* index(): position of val in l, comparing merge key values for maps. */
static ssize_t index_of(const struct vec *l, json_object *val, const char *key, enum gotype kind)
{
	json_object *want = kind == GT_MAP ? map_get(val, key, NULL) : val;
	for (size_t i = 0; i < l->n; i++) {
		json_object *have = kind == GT_MAP ? map_get(l->v[i], key, NULL) : l->v[i];
		if (scalar_equal(want, have))
			return (ssize_t)i;
	}
	return -1;
}

struct order_ctx {
	const struct vec *order;
	const char *key;
	enum gotype kind;
};

/* normalizeSliceOrder's less: by position in order when both are there,
 * else "less" (upstream's function, not an ordering). */
static bool less_by_order(void *ctx, json_object *a, json_object *b)
{
	struct order_ctx *o = ctx;
	ssize_t ia = index_of(o->order, a, o->key, o->kind);
	if (ia >= 0) {
		ssize_t ib = index_of(o->order, b, o->key, o->kind);
		if (ib >= 0)
			return ia < ib;
	}
	return true;
}

/* validateMergeKeyInLists */
static int validate_merge_key(struct smp *s, const char *key, const struct vec *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!is_map(l->v[i]))
			return err_bad_arg_type(s, GT_MAP, l->v[i]);
		if (!map_has(l->v[i], key))
			return err_no_merge_key(s, l->v[i], key);
	}
	return 0;
}

/* extractToDeleteItems: splits l into the elements kept and those marked
 * "$patch: delete". */
static int extract_to_delete(struct smp *s, const struct vec *l, struct vec *keep, struct vec *del)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!is_map(l->v[i]))
			return err_bad_arg_type(s, GT_MAP, l->v[i]);
		vec_push_ref(map_str_is(l->v[i], DIRECTIVE_MARKER, DELETE_DIRECTIVE) ? del : keep,
			     l->v[i]);
	}
	return 0;
}

/* normalizeSliceOrder: sorts to_sort by order, deletions last. */
static int normalize_slice_order(struct smp *s, struct vec *to_sort, const struct vec *order,
				 const char *key, enum gotype kind)
{
	struct vec keep = { 0 }, del = { 0 };
	struct order_ctx ctx = { order, key, kind };
	int r = 0;

	if (kind == GT_MAP) {
		if (validate_merge_key(s, key, to_sort) < 0 ||
		    validate_merge_key(s, key, order) < 0)
			return -1;
		r = extract_to_delete(s, to_sort, &keep, &del);
		if (r < 0)
			goto out;
		vec_move(to_sort, &keep);
	}
	stable_sort(to_sort, less_by_order, &ctx);
	for (size_t i = 0; i < del.n; i++)
		vec_push_ref(to_sort, del.v[i]);
out:
	vec_release(&keep);
	vec_release(&del);
	return r;
}

/* mergeSortedSlice: interleaves the sorted lists, left items going before a
 * right item when the server order says so. */
static void merge_sorted(const struct vec *left, const struct vec *right,
			 const struct vec *server_order, const char *key, enum gotype kind,
			 struct vec *out)
{
	size_t i = 0, j = 0;
	while (i < left->n && j < right->n) {
		ssize_t li = index_of(server_order, left->v[i], key, kind);
		ssize_t ri = index_of(server_order, right->v[j], key, kind);
		if (li >= 0 && ri >= 0 && li < ri)
			vec_push_ref(out, left->v[i++]);
		else
			vec_push_ref(out, right->v[j++]);
	}
	while (i < left->n)
		vec_push_ref(out, left->v[i++]);
	while (j < right->n)
		vec_push_ref(out, right->v[j++]);
}

/* normalizeElementOrder: patch items by patch order, server-only items by
 * server order, then merged. patch and server_only are consumed. */
static int normalize_element_order(struct smp *s, struct vec *patch, struct vec *server_only,
				   const struct vec *patch_order, const struct vec *server_order,
				   const char *key, enum gotype kind, struct vec *out)
{
	if (normalize_slice_order(s, patch, patch_order, key, kind) < 0 ||
	    normalize_slice_order(s, server_only, server_order, key, kind) < 0)
		return -1;
	merge_sorted(server_only, patch, server_order, key, kind, out);
	return 0;
}

/* partitionPrimitivesByPresentInList */
static int partition_primitives(struct smp *s, const struct vec *l, const struct vec *by,
				struct vec *in, struct vec *out)
{
	for (size_t i = 0; i < by->n; i++) {
		if (is_map(by->v[i]) || is_list(by->v[i]))
			return fail(s, -EBADMSG, "runtime error: hash of unhashable type %s",
				    gotype_name(gotype(by->v[i])));
	}
	for (size_t i = 0; i < l->n; i++) {
		bool found = false;
		if (is_map(l->v[i]) || is_list(l->v[i]))
			return fail(s, -EBADMSG, "runtime error: hash of unhashable type %s",
				    gotype_name(gotype(l->v[i])));
		for (size_t j = 0; j < by->n && !found; j++)
			found = scalar_equal(l->v[i], by->v[j]);
		vec_push_ref(found ? in : out, l->v[i]);
	}
	return 0;
}

/* partitionMapsByPresentInList */
static int partition_maps(struct smp *s, const struct vec *l, const struct vec *by, const char *key,
			  struct vec *in, struct vec *out)
{
	for (size_t i = 0; i < l->n; i++) {
		bool found;
		ssize_t at;
		if (!is_map(l->v[i]))
			return err_bad_arg_type(s, GT_MAP, l->v[i]);
		json_object *v = map_get(l->v[i], key, &found);
		if (!found)
			return err_no_merge_key(s, l->v[i], key);
		if (find_map(s, by, key, v, &at) < 0)
			return -1;
		vec_push_ref(at >= 0 ? in : out, l->v[i]);
	}
	return 0;
}

/* mergeKeyValueEqual */
static int merge_key_value_equal(struct smp *s, json_object *left, json_object *right,
				 const char *key, bool *ret)
{
	bool fl, fr;
	if (!key || !*key) {
		*ret = scalar_equal(left, right);
		return 0;
	}
	if (!is_map(left))
		return err_bad_arg_type(s, GT_MAP, left);
	if (!is_map(right))
		return err_bad_arg_type(s, GT_MAP, right);
	json_object *l = map_get(left, key, &fl), *r = map_get(right, key, &fr);
	if (!fl)
		return err_no_merge_key(s, left, key);
	if (!fr)
		return err_no_merge_key(s, right, key);
	*ret = scalar_equal(l, r);
	return 0;
}

/* extractKey: the list's key after "<prefix>/". */
static int extract_key(struct smp *s, const char *k, const char *prefix, const char **ret)
{
	const char *slash = strchr(k, '/');
	size_t plen = strlen(prefix);
	if (!slash || (size_t)(slash - k) != plen || strncmp(k, prefix, plen) != 0) {
		if (strcmp(prefix, DELETE_FROM_PRIMITIVE_LIST_PREFIX) == 0)
			return fail(s, -EINVAL, ERR_BAD_PRIMITIVE_LIST);
		return fail(s, -EINVAL, ERR_BAD_SET_ELEMENT_ORDER);
	}
	*ret = slash + 1;
	return 0;
}

/* ---- applying a patch ------------------------------------------------------------------ */

static int merge_map(struct smp *s, json_object *original, json_object *patch,
		     const struct ck_patch_type *schema, struct merge_opts o, json_object **ret);

/*
 * removeDirectives: obj without the maps that carry "$patch" (and their
 * keys or list places), recursively; maps change in place. *ret_keep false:
 * obj itself is such a map. The result is a new reference.
 */
static json_object *remove_directives(json_object *obj, bool *ret_keep)
{
	*ret_keep = true;
	if (is_map(obj)) {
		struct keys ks;
		if (map_has(obj, DIRECTIVE_MARKER)) {
			*ret_keep = false;
			return NULL;
		}
		keys_of(&ks, obj);
		for (size_t i = 0; i < ks.n; i++) {
			bool keep;
			json_object *v = remove_directives(map_get(obj, ks.k[i], NULL), &keep);
			if (keep)
				map_set(obj, ks.k[i], v);
			else
				json_object_object_del(obj, ks.k[i]);
		}
		keys_release(&ks);
		return json_object_get(obj);
	}
	if (is_list(obj)) {
		json_object *res = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(obj); i++) {
			bool keep;
			json_object *v =
			    remove_directives(json_object_array_get_idx(obj, i), &keep);
			if (keep)
				json_object_array_add(res, v);
		}
		return res;
	}
	return json_object_get(obj);
}

/* Stores v without its directives at key, or deletes key when v is one. */
static void set_without_directives(json_object *m, const char *key, json_object *v)
{
	bool keep;
	json_object *clean = remove_directives(v, &keep);
	if (keep)
		map_set(m, key, clean);
	else
		json_object_object_del(m, key);
}

/* discardNullValuesFromPatch: drops null map members, recursively. */
static void discard_nulls(json_object *v)
{
	if (is_map(v)) {
		struct keys ks;
		keys_of(&ks, v);
		for (size_t i = 0; i < ks.n; i++) {
			json_object *e = map_get(v, ks.k[i], NULL);
			if (!e)
				json_object_object_del(v, ks.k[i]);
			else
				discard_nulls(e);
		}
		keys_release(&ks);
	} else if (is_list(v)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			discard_nulls(json_object_array_get_idx(v, i));
	}
}

/* handleDirectiveInMergeMap */
static int handle_map_directive(struct smp *s, json_object *directive, json_object *patch,
				json_object **ret)
{
	if (gotype(directive) == GT_STRING) {
		if (strcmp(json_object_get_string(directive), REPLACE_DIRECTIVE) == 0) {
			/* the patch, as it is, without the marker */
			json_object_object_del(patch, DIRECTIVE_MARKER);
			*ret = json_object_get(patch);
			return 0;
		}
		if (strcmp(json_object_get_string(directive), DELETE_DIRECTIVE) == 0) {
			*ret = json_object_new_object();
			return 0;
		}
	}
	return err_bad_patch_type(s, directive, patch);
}

/* deleteFromSlice: current without the scalars listed in to_delete. */
static void delete_from_slice(const struct vec *current, const struct vec *to_delete,
			      struct vec *out)
{
	for (size_t i = 0; i < current->n; i++) {
		bool del = false;
		for (size_t j = 0; j < to_delete->n && !del; j++)
			del = scalar_equal(current->v[i], to_delete->v[j]);
		if (!del)
			vec_push_ref(out, current->v[i]);
	}
}

/*
 * mergeSliceWithSpecialElements: applies the "$patch" elements of a merging
 * list of maps. orig loses the deleted entries (or becomes the patch, for
 * "$patch: replace"); pat loses the directive elements.
 */
static int merge_special_elements(struct smp *s, struct vec *orig, struct vec *pat, const char *key,
				  struct vec *view, bool *ret_replaced)
{
	struct vec without = { 0 };
	bool replace = false;
	int r = -1;

	for (size_t i = 0; i < pat->n; i++) {
		json_object *v = pat->v[i];
		bool found;
		json_object *type = map_get(v, DIRECTIVE_MARKER, &found);
		if (!found) {
			vec_push_ref(&without, v);
			continue;
		}
		const char *t = gotype(type) == GT_STRING ? json_object_get_string(type) : NULL;
		if (t && strcmp(t, DELETE_DIRECTIVE) == 0) {
			json_object *value = map_get(v, key, &found);
			if (!found) {
				err_no_merge_key(s, v, key);
				goto out;
			}
			/* delete every matching entry */
			for (;;) {
				ssize_t at;
				if (find_map(s, orig, key, value, &at) < 0)
					goto out;
				if (at < 0)
					break;
				/* upstream compacts the slice in place: its backing
				 * array (the view) shifts left, the last slot stale */
				if (view) {
					for (size_t k = (size_t)at;
					     k + 1 < orig->n && k + 1 < view->n; k++) {
						json_object_put(view->v[k]);
						view->v[k] = json_object_get(view->v[k + 1]);
					}
				}
				json_object_put(orig->v[at]);
				memmove(&orig->v[at], &orig->v[at + 1],
					(orig->n - (size_t)at - 1) * sizeof(*orig->v));
				orig->n--;
			}
		} else if (t && strcmp(t, REPLACE_DIRECTIVE) == 0) {
			replace = true;
		} else if (t && strcmp(t, MERGE_DIRECTIVE) == 0) {
			fail(s, -EBADMSG, "merging lists cannot yet be specified in the patch");
			goto out;
		} else {
			err_bad_patch_type(s, type, v);
			goto out;
		}
	}
	if (replace) {
		vec_move(orig, &without);
		vec_release(pat);
	} else {
		vec_move(pat, &without);
	}
	*ret_replaced = replace;
	r = 0;
out:
	vec_release(&without);
	return r;
}

/* mergeSliceWithoutSpecialElements: merges the patch's maps into their
 * entries by merge key, appending the new ones. */
static int merge_plain_elements(struct smp *s, const struct vec *orig, const struct vec *pat,
				const char *key, const struct ck_patch_type *schema,
				struct merge_opts o, struct vec *merged, struct vec *view)
{
	for (size_t i = 0; i < orig->n; i++)
		vec_push_ref(merged, orig->v[i]);
	for (size_t i = 0; i < pat->n; i++) {
		json_object *v = pat->v[i], *m;
		bool found;
		ssize_t at;
		json_object *value = map_get(v, key, &found);
		if (!found)
			return err_no_merge_key(s, v, key);
		if (find_map(s, merged, key, value, &at) < 0)
			return -1;
		if (at < 0) {
			/* appended in place while the backing array has room */
			if (view && merged->n < view->n) {
				json_object_put(view->v[merged->n]);
				view->v[merged->n] = json_object_get(v);
			}
			vec_push_ref(merged, v);
			continue;
		}
		if (merge_map(s, merged->v[at], v, schema, o, &m) < 0)
			return -1;
		if (view && (size_t)at < view->n) {
			json_object_put(view->v[at]);
			view->v[at] = json_object_get(m);
		}
		json_object_put(merged->v[at]);
		merged->v[at] = m;
	}
	return 0;
}

/*
 * mergeSlice: a merging list merged with its patch.
 *
 * view, when not NULL, starts as the original list's elements and ends as
 * upstream's slice backing array would: Go deletes and appends in place, so
 * the caller's original slice (which $setElementOrder then uses to order
 * the server's items) sees those changes. Lists of scalars leave it alone.
 */
static int merge_slice(struct smp *s, json_object *original, json_object *patch,
		       const struct ck_patch_type *schema, const char *key, struct merge_opts o,
		       bool is_delete_list, struct vec *view, json_object **ret)
{
	bool replaced = false;
	struct vec orig = { 0 }, pat = { 0 }, merged = { 0 }, in = { 0 }, out = { 0 }, res = { 0 };
	enum gotype kind;
	int r = -1;

	if (list_len(original) == 0 && list_len(patch) == 0) {
		*ret = json_object_get(original);
		return 0;
	}
	if (slice_element_type(s, 2, original, patch, &kind) < 0)
		return -1;
	vec_from_list(&orig, original);
	vec_from_list(&pat, patch);
	if (kind != GT_MAP) {
		if (o.merge_parallel_list && is_delete_list) {
			delete_from_slice(&orig, &pat, &res);
			goto done;
		}
		for (size_t i = 0; i < orig.n; i++)
			vec_push_ref(&merged, orig.v[i]);
		for (size_t i = 0; i < pat.n; i++)
			vec_push_ref(&merged, pat.v[i]);
		dedupe_scalars(&merged);
	} else {
		if (!key || !*key) {
			fail(s, -EBADMSG, "cannot merge lists without merge key for %s",
			     ck_patch_meta_type_name(schema));
			goto out;
		}
		if (merge_special_elements(s, &orig, &pat, key, view, &replaced) < 0 ||
		    merge_plain_elements(s, &orig, &pat, key, schema, o, &merged,
					 replaced ? NULL : view) < 0)
			goto out;
	}
	if (!key || !*key) {
		if (partition_primitives(s, &merged, &pat, &in, &out) < 0)
			goto out;
	} else if (partition_maps(s, &merged, &pat, key, &in, &out) < 0) {
		goto out;
	}
	if (normalize_element_order(s, &in, &out, &pat, &orig, key, kind, &res) < 0)
		goto out;
done:
	*ret = vec_to_list(&res);
	r = 0;
out:
	vec_release(&orig);
	vec_release(&pat);
	vec_release(&merged);
	vec_release(&in);
	vec_release(&out);
	vec_release(&res);
	return r;
}

/* mergeSliceHandler */
static int merge_slice_handler(struct smp *s, json_object *original, json_object *patch,
			       const struct ck_patch_type *schema, enum strategy strategy,
			       const char *key, bool is_delete_list, struct merge_opts o,
			       struct vec *view, json_object **ret)
{
	/* deletion lists are handled alike whatever the field's strategy */
	if (strategy == STRATEGY_MERGE || is_delete_list)
		return merge_slice(s, original, patch, schema, key, o, is_delete_list, view, ret);
	*ret = json_object_get(patch);
	return 0;
}

/* mergeMapHandler */
static int merge_map_handler(struct smp *s, json_object *original, json_object *patch,
			     const struct ck_patch_type *schema, enum strategy strategy,
			     struct merge_opts o, json_object **ret)
{
	if (strategy != STRATEGY_REPLACE)
		return merge_map(s, original, patch, schema, o, ret);
	*ret = json_object_get(patch);
	return 0;
}

/* Whether a retainKeys list names key (a string element equal to it). */
static bool list_has_string(json_object *list, const char *key)
{
	for (size_t i = 0; i < list_len(list); i++) {
		json_object *e = json_object_array_get_idx(list, i);
		if (gotype(e) == GT_STRING && strcmp(json_object_get_string(e), key) == 0)
			return true;
	}
	return false;
}

/*
 * applyRetainKeysDirective: with "$retainKeys" in the patch, clear from
 * original the keys it does not list, after checking the patch sets no
 * other key. Merging two patches (three-way), the directive moves across.
 */
static int apply_retain_keys(struct smp *s, json_object *original, json_object *patch,
			     struct merge_opts o)
{
	bool found;
	struct keys ks;
	json_object *rk = map_get(patch, RETAIN_KEYS_DIRECTIVE, &found);
	int r = 0;

	if (!found)
		return 0;
	rk = json_object_get(rk);
	json_object_object_del(patch, RETAIN_KEYS_DIRECTIVE);
	if (!o.merge_parallel_list) {
		json_object *cur = map_get(original, RETAIN_KEYS_DIRECTIVE, &found);
		if (!found) {
			map_set_ref(original, RETAIN_KEYS_DIRECTIVE, rk);
		} else if (!deep_equal(cur, rk)) {
			/* upstream: "should never happen" */
			ck_buf_reset(&s->err);
			fmt_value(&s->err, cur);
			(void)ck_buf_adds(&s->err, " and ");
			fmt_value(&s->err, rk);
			(void)ck_buf_adds(&s->err, " are not deep equal: this may happen when "
						   "calculating the 3-way diff patch");
			s->code = -EBADMSG;
			r = -1;
		}
		json_object_put(rk);
		return r;
	}
	if (!is_list(rk)) {
		json_object_put(rk);
		return fail(s, -EINVAL, ERR_BAD_RETAIN_KEYS);
	}
	for (size_t i = 0; i < list_len(rk); i++) {
		json_object *e = json_object_array_get_idx(rk, i);
		if (is_map(e) || is_list(e)) {
			/* upstream panics hashing it */
			json_object_put(rk);
			return fail(s, -EINVAL, ERR_BAD_RETAIN_KEYS);
		}
	}
	json_object_object_foreach (patch, k, v) {
		if (!v || ck_str_has_prefix(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX) ||
		    ck_str_has_prefix(k, SET_ELEMENT_ORDER_PREFIX))
			continue;
		/* a key the patch sets must be retained */
		if (!list_has_string(rk, k)) {
			json_object_put(rk);
			return fail(s, -EINVAL, ERR_BAD_RETAIN_KEYS);
		}
	}
	keys_of(&ks, original);
	for (size_t i = 0; i < ks.n; i++) {
		if (!list_has_string(rk, ks.k[i]))
			json_object_object_del(original, ks.k[i]);
	}
	keys_release(&ks);
	json_object_put(rk);
	return 0;
}

/*
 * validatePatchWithSetOrderList: the patch list's items (deletions aside)
 * must appear in the $setElementOrder list, in the same relative order.
 */
static int validate_set_order(struct smp *s, json_object *patch_list, json_object *order,
			      const char *key)
{
	struct vec all = { 0 }, keep = { 0 }, del = { 0 };
	size_t p = 0, o = 0, n_order = list_len(order);
	int r = -1;

	if (n_order == 0 || list_len(patch_list) == 0)
		return 0;
	vec_from_list(&all, patch_list);
	if (key && *key) {
		if (extract_to_delete(s, &all, &keep, &del) < 0)
			goto out;
	} else {
		for (size_t i = 0; i < all.n; i++)
			vec_push_ref(&keep, all.v[i]);
	}
	while (p < keep.n && o < n_order) {
		bool equal;
		if (is_map(keep.v[p]) && map_has(keep.v[p], DIRECTIVE_MARKER)) {
			p++;
			continue;
		}
		if (merge_key_value_equal(s, keep.v[p], json_object_array_get_idx(order, o), key,
					  &equal) < 0)
			goto out;
		if (equal)
			p++;
		o++;
	}
	if (p < keep.n && o >= n_order) {
		ck_buf_reset(&s->err);
		(void)ck_buf_adds(&s->err, "the order in patch list:\n");
		fmt_value(&s->err, patch_list);
		(void)ck_buf_adds(&s->err, "\n doesn't match " SET_ELEMENT_ORDER_PREFIX " list:\n");
		fmt_value(&s->err, order);
		s->code = -EBADMSG;
		goto out;
	}
	r = 0;
out:
	vec_release(&all);
	vec_release(&keep);
	vec_release(&del);
	return r;
}

/*
 * mergePatchIntoOriginal: each "$setElementOrder/<f>" with list f: merges
 * f's patch into the original list and orders the result
 * ($setElementOrder first, then the patch, then the live list). Both keys
 * leave the patch. Merging two patches, the directive moves across.
 */
static int merge_set_element_order(struct smp *s, json_object *original, json_object *patch,
				   const struct ck_patch_type *schema, struct merge_opts o)
{
	struct keys ks;
	int r = -1;

	keys_of(&ks, patch);
	for (size_t i = 0; i < ks.n; i++) {
		const char *key = ks.k[i], *list_key;
		json_object *order = NULL, *olist, *plist, *merged = NULL;
		struct vec merged_v = { 0 }, in = { 0 }, out = { 0 }, order_v = { 0 },
			   orig_v = { 0 }, res = { 0 };
		struct ck_patch_field f;
		bool found_o, found_p, ok = false;
		enum gotype kind;
		enum strategy strategy;
		int pr;

		if (!ck_str_has_prefix(key, SET_ELEMENT_ORDER_PREFIX))
			continue;
		order = json_object_get(map_get(patch, key, NULL));
		if (!o.merge_parallel_list) {
			bool found;
			json_object *cur = map_get(original, key, &found);
			if (!found) {
				map_set_ref(original, key, order);
			} else if (!deep_equal(cur, order)) {
				fail(s, -EINVAL, ERR_BAD_SET_ELEMENT_ORDER);
				goto next;
			}
		}
		json_object_object_del(patch, key);
		if (!is_list(order)) {
			err_bad_arg_type(s, GT_SLICE, order);
			goto next;
		}
		if (extract_key(s, key, SET_ELEMENT_ORDER_PREFIX, &list_key) < 0)
			goto next;
		olist = map_get(original, list_key, &found_o);
		plist = map_get(patch, list_key, &found_p);
		if (found_o && !is_list(olist)) {
			err_bad_arg_type(s, GT_SLICE, olist);
			goto next;
		}
		if (found_p && !is_list(plist)) {
			err_bad_arg_type(s, GT_SLICE, plist);
			goto next;
		}
		if (lookup(s, schema, list_key, &f) < 0)
			goto next;
		strategy = field_strategy(&f, NULL);
		if (validate_set_order(s, found_p ? plist : NULL, order, f.merge_key) < 0)
			goto next;
		if (found_o && !found_p) {
			merged = json_object_get(olist); /* no change to the list's content */
		} else if (!found_o && found_p) {
			merged = json_object_get(plist); /* the list was added, as it is */
		} else if (found_o && found_p) {
			vec_from_list(&orig_v, olist);
			if (merge_slice_handler(s, olist, plist, f.type, strategy, f.merge_key,
						false, o, &orig_v, &merged) < 0)
				goto next;
		} else {
			ok = true;
			goto next;
		}
		/* split into patch and server-only items, then enforce the order */
		vec_from_list(&merged_v, merged);
		vec_from_list(&order_v, order);
		if (!(found_o && found_p))
			vec_from_list(&orig_v, found_o ? olist : NULL);
		if (f.merge_key && *f.merge_key)
			pr = partition_maps(s, &merged_v, &order_v, f.merge_key, &in, &out);
		else
			pr = partition_primitives(s, &merged_v, &order_v, &in, &out);
		if (pr < 0 ||
		    slice_element_type(s, 2, found_o ? olist : NULL, found_p ? plist : NULL,
				       &kind) < 0 ||
		    normalize_element_order(s, &in, &out, &order_v, &orig_v, f.merge_key, kind,
					    &res) < 0)
			goto next;
		map_set(original, list_key, vec_to_list(&res));
		json_object_object_del(patch, list_key);
		ok = true;
	next:
		json_object_put(order);
		json_object_put(merged);
		vec_release(&merged_v);
		vec_release(&in);
		vec_release(&out);
		vec_release(&order_v);
		vec_release(&orig_v);
		vec_release(&res);
		if (!ok)
			goto out;
	}
	r = 0;
out:
	keys_release(&ks);
	return r;
}

/*
 * mergeMap: the patch merged into original (changed in place; NULL is an
 * empty map). *ret is original, the patch itself ("$patch: replace") or a
 * new empty map ("$patch: delete").
 */
static int merge_map(struct smp *s, json_object *original, json_object *patch,
		     const struct ck_patch_type *schema, struct merge_opts o, json_object **ret)
{
	bool found;
	json_object *directive = map_get(patch, DIRECTIVE_MARKER, &found);
	struct keys ks;
	int r = -1;

	if (found)
		return handle_map_directive(s, directive, patch, ret);
	json_object *orig = original ? json_object_get(original) : json_object_new_object();
	if (apply_retain_keys(s, orig, patch, o) < 0 ||
	    merge_set_element_order(s, orig, patch, schema, o) < 0) {
		json_object_put(orig);
		return -1;
	}

	keys_of(&ks, patch);
	for (size_t i = 0; i < ks.n; i++) {
		const char *key = ks.k[i];
		bool is_delete_list = false;
		struct ck_patch_field f;
		json_object *pv = map_get(patch, key, &found), *ov, *merged;

		if (!found)
			continue;
		if (ck_str_has_prefix(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
			if (!o.merge_parallel_list) {
				/* merging patches: keep the deletion list as it is */
				map_set_ref(orig, key, pv);
				continue;
			}
			if (extract_key(s, key, DELETE_FROM_PRIMITIVE_LIST_PREFIX, &key) < 0)
				goto out;
			is_delete_list = true;
		}
		if (!pv) {
			/* null deletes the key; merging patches keeps the null */
			json_object_object_del(orig, key);
			if (o.ignore_unmatched_nulls)
				continue;
		}
		ov = map_get(orig, key, &found);
		if (!found || gotype(ov) != gotype(pv)) {
			/* new, or of another type: the patch value, cleaned */
			if (!is_delete_list) {
				if (o.ignore_unmatched_nulls)
					discard_nulls(pv);
				set_without_directives(orig, key, pv);
			}
			continue;
		}
		switch (gotype(ov)) {
		case GT_MAP:
			if (lookup(s, schema, key, &f) < 0 ||
			    merge_map_handler(s, ov, pv, f.type, field_strategy(&f, NULL), o,
					      &merged) < 0)
				goto out;
			map_set(orig, key, merged);
			break;
		case GT_SLICE:
			if (lookup(s, schema, key, &f) < 0 ||
			    merge_slice_handler(s, ov, pv, f.type, field_strategy(&f, NULL),
						f.merge_key, is_delete_list, o, NULL, &merged) < 0)
				goto out;
			map_set(orig, key, merged);
			break;
		default:
			set_without_directives(orig, key, pv);
			break;
		}
	}
	*ret = json_object_get(orig);
	r = 0;
out:
	keys_release(&ks);
	json_object_put(orig);
	return r;
}

/* ---- computing a patch ---------------------------------------------------------------- */

static int diff_maps(struct smp *s, json_object *original, json_object *modified,
		     const struct ck_patch_type *schema, struct diff_opts d, json_object **ret);

/* replacePatchFieldIfNotEqual */
static void replace_if_not_equal(const char *key, json_object *original, json_object *modified,
				 json_object *patch, struct diff_opts d)
{
	if (d.ignore_changes || deep_equal(original, modified))
		return;
	map_set_ref(patch, key, modified);
}

/* getMapAndMergeKeyValueByIndex */
static int map_and_key_value(struct smp *s, json_object *elem, const char *key,
			     json_object **ret_value)
{
	bool found;
	if (!is_map(elem))
		return err_bad_arg_type(s, GT_MAP, elem);
	*ret_value = map_get(elem, key, &found);
	if (!found)
		return err_no_merge_key(s, elem, key);
	return 0;
}

/* sortMergeListsByNameArray without recursion: maps by merge key value,
 * scalars deduplicated and sorted. */
static int sort_list_by_key(struct smp *s, json_object *list, const char *key, struct vec *out)
{
	enum gotype kind;

	vec_from_list(out, list);
	if (out->n == 0)
		return 0;
	if (slice_element_type(s, 1, list, NULL, &kind) < 0)
		return -1;
	if (kind != GT_MAP) {
		dedupe_scalars(out);
		sort_scalars(out);
	} else {
		sort_maps_by_field(out, key);
	}
	return 0;
}

/*
 * diffListsOfMaps: the patch list (additions and changes) and the deletion
 * list ("$patch: delete" entries) between two lists of maps.
 */
static int diff_lists_of_maps(struct smp *s, json_object *original, json_object *modified,
			      const struct ck_patch_type *schema, const char *key,
			      struct diff_opts d, struct vec *patch, struct vec *deletions)
{
	struct vec os = { 0 }, ms = { 0 };
	size_t oi = 0, mi = 0;
	int r = -1;

	if (sort_list_by_key(s, original, key, &os) < 0 ||
	    sort_list_by_key(s, modified, key, &ms) < 0)
		goto out;
	while (oi < os.n || mi < ms.n) {
		json_object *ov = NULL, *mv = NULL;
		int c = 0;
		if (oi < os.n && map_and_key_value(s, os.v[oi], key, &ov) < 0)
			goto out;
		if (mi < ms.n && map_and_key_value(s, ms.v[mi], key, &mv) < 0)
			goto out;
		if (oi < os.n && mi < ms.n)
			c = cmp_text(ov, mv);
		if (oi < os.n && mi < ms.n && c == 0) {
			/* the same entry: recurse */
			json_object *pv;
			if (diff_maps(s, os.v[oi], ms.v[mi], schema, d, &pv) < 0)
				goto out;
			if (json_object_object_length(pv) > 0) {
				map_set_ref(pv, key, mv);
				vec_push(patch, pv);
			} else {
				json_object_put(pv);
			}
			oi++;
			mi++;
		} else if (oi >= os.n || (mi < ms.n && c > 0)) {
			/* added in modified */
			if (!d.ignore_changes)
				vec_push_ref(patch, ms.v[mi]);
			mi++;
		} else {
			/* removed from modified */
			if (!d.ignore_deletions) {
				json_object *del = json_object_new_object();
				map_set_ref(del, key, ov);
				map_set(del, DIRECTIVE_MARKER,
					json_object_new_string(DELETE_DIRECTIVE));
				vec_push(deletions, del);
			}
			oi++;
		}
	}
	r = 0;
out:
	vec_release(&os);
	vec_release(&ms);
	return r;
}

/* diffListsOfScalars: the additions and (deduplicated) deletions. */
static void diff_lists_of_scalars(json_object *original, json_object *modified, struct diff_opts d,
				  struct vec *add, struct vec *del)
{
	struct vec os = { 0 }, ms = { 0 };
	size_t oi = 0, mi = 0;

	vec_from_list(&os, original);
	vec_from_list(&ms, modified);
	sort_scalars(&os);
	sort_scalars(&ms);
	while (oi < os.n || mi < ms.n) {
		int c = oi < os.n && mi < ms.n ? cmp_text(os.v[oi], ms.v[mi]) : 0;
		if (oi < os.n && mi < ms.n && c == 0) {
			oi++;
			mi++;
		} else if (oi >= os.n || c > 0) {
			if (!d.ignore_changes)
				vec_push_ref(add, ms.v[mi]);
			mi++;
		} else {
			if (!d.ignore_deletions)
				vec_push_ref(del, os.v[oi]);
			oi++;
		}
	}
	dedupe_scalars(del);
	vec_release(&os);
	vec_release(&ms);
}

/* isOrderSame */
static int is_order_same(struct smp *s, json_object *original, json_object *modified,
			 const char *key, bool *ret)
{
	size_t n = list_len(original);
	*ret = false;
	if (n != list_len(modified))
		return 0;
	for (size_t i = 0; i < n; i++) {
		bool equal;
		if (merge_key_value_equal(s, json_object_array_get_idx(original, i),
					  json_object_array_get_idx(modified, i), key, &equal) < 0)
			return -1;
		if (!equal)
			return 0;
	}
	*ret = true;
	return 0;
}

/*
 * diffLists: for a merging list, the patch list, the deletion list (lists
 * of scalars only) and the $setElementOrder list; each NULL when empty.
 */
static int diff_lists(struct smp *s, json_object *original, json_object *modified,
		      const struct ck_patch_type *schema, const char *key, struct diff_opts d,
		      json_object **ret_add, json_object **ret_del, json_object **ret_order)
{
	struct vec add = { 0 }, del = { 0 }, mod = { 0 };
	enum gotype kind;
	int r = -1;

	*ret_add = *ret_del = *ret_order = NULL;
	if (list_len(original) == 0) {
		if (list_len(modified) > 0 && !d.ignore_changes)
			*ret_add = json_object_get(modified);
		return 0;
	}
	if (slice_element_type(s, 2, original, modified, &kind) < 0)
		return -1;
	vec_from_list(&mod, modified);
	if (kind == GT_MAP) {
		bool same;
		if (diff_lists_of_maps(s, original, modified, schema, key, d, &add, &del) < 0 ||
		    normalize_slice_order(s, &add, &mod, key, kind) < 0 ||
		    is_order_same(s, original, modified, key, &same) < 0)
			goto out;
		/* the deletions go at the end of the patch list */
		for (size_t i = 0; i < del.n; i++)
			vec_push_ref(&add, del.v[i]);
		vec_release(&del);
		if (mod.n > 0 && d.set_element_order &&
		    ((!d.ignore_changes && (add.n > 0 || !same)) ||
		     (!d.ignore_deletions && add.n > 0))) {
			json_object *order = json_object_new_array();
			for (size_t i = 0; i < mod.n; i++) {
				json_object *e = json_object_new_object();
				map_set_ref(e, key, map_get(mod.v[i], key, NULL));
				json_object_array_add(order, e);
			}
			*ret_order = order;
		}
	} else {
		diff_lists_of_scalars(original, modified, d, &add, &del);
		if (normalize_slice_order(s, &add, &mod, key, kind) < 0)
			goto out;
		if (mod.n > 0 && d.set_element_order &&
		    ((!d.ignore_deletions && del.n > 0) ||
		     (!d.ignore_changes && !deep_equal(original, modified))))
			*ret_order = json_object_get(modified);
	}
	if (add.n > 0)
		*ret_add = vec_to_list(&add);
	if (del.n > 0)
		*ret_del = vec_to_list(&del);
	r = 0;
out:
	if (r < 0)
		json_object_put(*ret_order);
	vec_release(&add);
	vec_release(&del);
	vec_release(&mod);
	return r;
}

/* handleMapDiff */
static int handle_map_diff(struct smp *s, const char *key, json_object *original,
			   json_object *modified, json_object *patch,
			   const struct ck_patch_type *schema, struct diff_opts d)
{
	struct ck_patch_field f;
	bool retain;
	json_object *pv;

	if (lookup(s, schema, key, &f) < 0)
		/* unknown field: no patch needed when nothing changed */
		return deep_equal(original, modified) ? 0 : -1;
	enum strategy strategy = field_strategy(&f, &retain);
	d.build_retain_keys = retain;
	if (strategy == STRATEGY_REPLACE) {
		/* replaced whole, changed or not */
		if (!d.ignore_changes)
			map_set_ref(patch, key, modified);
		return 0;
	}
	if (diff_maps(s, original, modified, f.type, d, &pv) < 0)
		return -1;
	if (json_object_object_length(pv) > 0)
		map_set(patch, key, pv);
	else
		json_object_put(pv);
	return 0;
}

/* handleSliceDiff */
static int handle_slice_diff(struct smp *s, const char *key, json_object *original,
			     json_object *modified, json_object *patch,
			     const struct ck_patch_type *schema, struct diff_opts d)
{
	struct ck_patch_field f;
	bool retain;
	json_object *add, *del, *order;

	if (lookup(s, schema, key, &f) < 0)
		return deep_equal(original, modified) ? 0 : -1;
	if (field_strategy(&f, &retain) != STRATEGY_MERGE) {
		replace_if_not_equal(key, original, modified, patch, d);
		return 0;
	}
	d.build_retain_keys = retain;
	if (diff_lists(s, original, modified, f.type, f.merge_key, d, &add, &del, &order) < 0)
		return -1;
	if (add)
		map_set(patch, key, add);
	if (del || order) {
		struct ck_buf k = CK_BUF_INIT;
		if (del) {
			(void)ck_buf_addf(&k, DELETE_FROM_PRIMITIVE_LIST_PREFIX "/%s", key);
			map_set(patch, ck_buf_str(&k), del);
		}
		if (order) {
			ck_buf_reset(&k);
			(void)ck_buf_addf(&k, SET_ELEMENT_ORDER_PREFIX "/%s", key);
			map_set(patch, ck_buf_str(&k), order);
		}
		ck_buf_release(&k);
	}
	return 0;
}

/* hasAdditionalNewField: original has a non-null key modified lacks. */
static bool has_additional_new_field(json_object *original, json_object *modified)
{
	if (!is_map(original))
		return false;
	json_object_object_foreach (original, k, v) {
		if (v && !map_has(modified, k))
			return true;
	}
	return false;
}

/*
 * diffMaps: the strategic merge patch that turns original into modified
 * (either may be NULL: empty), under the options d.
 */
static int diff_maps(struct smp *s, json_object *original, json_object *modified,
		     const struct ck_patch_type *schema, struct diff_opts d, json_object **ret)
{
	json_object *patch = json_object_new_object();
	struct vec retain = { 0 };
	int r = -1;

	if (is_map(modified)) {
		json_object_object_foreach (modified, key, mv) {
			bool found;
			if (d.build_retain_keys && mv)
				vec_push(&retain, json_object_new_string(key));
			json_object *ov = map_get(original, key, &found);
			if (!found) {
				/* added */
				if (!d.ignore_changes)
					map_set_ref(patch, key, mv);
				continue;
			}
			if (strcmp(key, DIRECTIVE_MARKER) == 0) {
				if (gotype(ov) != GT_STRING || gotype(mv) != GT_STRING) {
					fail(s, -EBADMSG,
					     "invalid value for special key: " DIRECTIVE_MARKER);
					goto out;
				}
				if (!scalar_equal(ov, mv))
					map_set_ref(patch, DIRECTIVE_MARKER, mv);
				continue;
			}
			if (gotype(ov) != gotype(mv)) {
				/* the type changed: replace */
				if (!d.ignore_changes)
					map_set_ref(patch, key, mv);
				continue;
			}
			if (gotype(ov) == GT_MAP) {
				if (handle_map_diff(s, key, ov, mv, patch, schema, d) < 0)
					goto out;
			} else if (gotype(ov) == GT_SLICE) {
				if (handle_slice_diff(s, key, ov, mv, patch, schema, d) < 0)
					goto out;
			} else {
				replace_if_not_equal(key, ov, mv, patch, d);
			}
		}
	}
	/* deleted: null */
	if (!d.ignore_deletions && is_map(original)) {
		json_object_object_foreach (original, key, ov) {
			(void)ov;
			if (!map_has(modified, key))
				map_set(patch, key, NULL);
		}
	}
	if (retain.n > 0 && (json_object_object_length(patch) > 0 ||
			     has_additional_new_field(original, modified))) {
		sort_scalars(&retain);
		map_set(patch, RETAIN_KEYS_DIRECTIVE, vec_to_list(&retain));
	}
	*ret = json_object_get(patch);
	r = 0;
out:
	vec_release(&retain);
	json_object_put(patch);
	return r;
}

/* ---- conflicts ------------------------------------------------------------------------ */

static int fields_have_conflicts(struct smp *s, json_object *left, json_object *right,
				 const struct ck_patch_type *schema, enum strategy strategy,
				 const char *key, bool *ret);

/* mapsHaveConflicts */
static int maps_have_conflicts(struct smp *s, json_object *left, json_object *right,
			       const struct ck_patch_type *schema, bool *ret)
{
	*ret = false;
	json_object_object_foreach (left, key, lv) {
		bool found;
		struct ck_patch_field f = { CK_PATCH_STRATEGY_NONE, NULL, NULL };
		enum strategy strategy = STRATEGY_NONE;

		if (strcmp(key, DIRECTIVE_MARKER) == 0 || strcmp(key, RETAIN_KEYS_DIRECTIVE) == 0)
			continue;
		json_object *rv = map_get(right, key, &found);
		if (!found)
			continue;
		if (is_list(lv) || is_map(lv)) {
			if (lookup(s, schema, key, &f) < 0) {
				*ret = true;
				return -1;
			}
			strategy = field_strategy(&f, NULL);
		}
		if (fields_have_conflicts(s, lv, rv, f.type, strategy, f.merge_key, ret) < 0)
			return -1;
		if (*ret)
			return 0;
	}
	return 0;
}

/* sliceOfMapsToMapOfMaps: the list keyed by %s of the merge key value */
static int slice_to_map(struct smp *s, json_object *list, const char *key, json_object **ret)
{
	json_object *m = json_object_new_object();
	for (size_t i = 0; i < list_len(list); i++) {
		json_object *e = json_object_array_get_idx(list, i), *v;
		bool found;
		struct ck_buf k = CK_BUF_INIT;
		if (!is_map(e)) {
			ck_buf_reset(&s->err);
			(void)ck_buf_adds(&s->err, "invalid element type in merging list:");
			fmt_value(&s->err, list);
			s->code = -EBADMSG;
			json_object_put(m);
			return -1;
		}
		v = map_get(e, key ? key : "", &found);
		if (!found) {
			ck_buf_reset(&s->err);
			(void)ck_buf_addf(
			    &s->err,
			    "cannot find merge key `%s` in merging list element:", key ? key : "");
			fmt_value(&s->err, e);
			s->code = -EBADMSG;
			json_object_put(m);
			return -1;
		}
		fmt_s(&k, v);
		map_set_ref(m, ck_buf_str(&k), e);
		ck_buf_release(&k);
	}
	*ret = m;
	return 0;
}

/* slicesHaveConflicts */
static int slices_have_conflicts(struct smp *s, json_object *left, json_object *right,
				 const struct ck_patch_type *schema, enum strategy strategy,
				 const char *key, bool *ret)
{
	enum gotype kind;
	int r = 0;

	*ret = true;
	if (slice_element_type(s, 2, left, right, &kind) < 0)
		return -1;
	if (strategy == STRATEGY_MERGE) {
		json_object *lm, *rm;
		/* merging lists of scalars have no conflicts */
		if (kind != GT_MAP) {
			*ret = false;
			return 0;
		}
		if (slice_to_map(s, left, key, &lm) < 0)
			return -1;
		if (slice_to_map(s, right, key, &rm) < 0) {
			json_object_put(lm);
			return -1;
		}
		/* mapsOfMapsHaveConflicts */
		*ret = false;
		json_object_object_foreach (lm, k, lv) {
			bool found;
			json_object *rv = map_get(rm, k, &found);
			if (!found)
				continue;
			r = fields_have_conflicts(s, lv, rv, schema, STRATEGY_NONE, NULL, ret);
			if (r < 0 || *ret)
				break;
		}
		json_object_put(lm);
		json_object_put(rm);
		return r;
	}
	/* non-merging lists: equal length and elements, scalars compared as sets */
	if (list_len(left) != list_len(right))
		return 0;
	struct vec l = { 0 }, rr = { 0 };
	vec_from_list(&l, left);
	vec_from_list(&rr, right);
	if (kind != GT_MAP) {
		dedupe_scalars(&l);
		sort_scalars(&l);
		dedupe_scalars(&rr);
		sort_scalars(&rr);
	}
	*ret = false;
	for (size_t i = 0; i < l.n && i < rr.n; i++) {
		r = fields_have_conflicts(s, l.v[i], rr.v[i], schema, STRATEGY_NONE, NULL, ret);
		if (r < 0 || *ret)
			break;
	}
	vec_release(&l);
	vec_release(&rr);
	return r;
}

/* mergingMapFieldsHaveConflicts */
static int fields_have_conflicts(struct smp *s, json_object *left, json_object *right,
				 const struct ck_patch_type *schema, enum strategy strategy,
				 const char *key, bool *ret)
{
	switch (gotype(left)) {
	case GT_MAP: {
		bool fl, fr;
		if (!is_map(right)) {
			*ret = true;
			return 0;
		}
		json_object *lm = map_get(left, DIRECTIVE_MARKER, &fl);
		json_object *rm = map_get(right, DIRECTIVE_MARKER, &fr);
		/* a directive acts on the whole map: both or neither, and the same */
		if ((fl || fr) && (fl != fr || !scalar_equal(lm, rm))) {
			*ret = true;
			return 0;
		}
		if (strategy == STRATEGY_REPLACE) {
			*ret = false;
			return 0;
		}
		return maps_have_conflicts(s, left, right, schema, ret);
	}
	case GT_SLICE:
		if (!is_list(right)) {
			*ret = true;
			return 0;
		}
		return slices_have_conflicts(s, left, right, schema, strategy, key, ret);
	default:
		*ret = !deep_equal(left, right);
		return 0;
	}
}

/* ---- sorting merge lists ---------------------------------------------------------------- */

static int sort_merge_lists_map(struct smp *s, json_object *m, const struct ck_patch_type *schema,
				json_object **ret);

/* sortMergeListsByNameArray with recursion into the maps */
static int sort_merge_lists_array(struct smp *s, json_object *list,
				  const struct ck_patch_type *schema, const char *key,
				  json_object **ret)
{
	struct vec v = { 0 };
	enum gotype kind;
	int r = -1;

	if (list_len(list) == 0) {
		*ret = json_object_get(list);
		return 0;
	}
	if (slice_element_type(s, 1, list, NULL, &kind) < 0)
		return -1;
	vec_from_list(&v, list);
	if (kind != GT_MAP) {
		dedupe_scalars(&v);
		sort_scalars(&v);
	} else {
		for (size_t i = 0; i < v.n; i++) {
			json_object *e;
			if (sort_merge_lists_map(s, v.v[i], schema, &e) < 0)
				goto out;
			json_object_put(v.v[i]);
			v.v[i] = e;
		}
		sort_maps_by_field(&v, key ? key : "");
	}
	*ret = vec_to_list(&v);
	r = 0;
out:
	vec_release(&v);
	return r;
}

/* sortMergeListsByNameMap: a new map, merging lists sorted */
static int sort_merge_lists_map(struct smp *s, json_object *m, const struct ck_patch_type *schema,
				json_object **ret)
{
	json_object *out = json_object_new_object();

	json_object_object_foreach (m, k, v) {
		json_object *nv = json_object_get(v);
		struct ck_patch_field f;
		if (strcmp(k, RETAIN_KEYS_DIRECTIVE) == 0 ||
		    ck_str_has_prefix(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
			struct vec sv = { 0 };
			if (!is_list(v)) {
				json_object_put(nv);
				json_object_put(out);
				return fail(s, -EINVAL,
					    strcmp(k, RETAIN_KEYS_DIRECTIVE) == 0
						? ERR_BAD_RETAIN_KEYS
						: ERR_BAD_PRIMITIVE_LIST);
			}
			vec_from_list(&sv, v);
			sort_scalars(&sv);
			json_object_put(nv);
			nv = vec_to_list(&sv);
			vec_release(&sv);
		} else if (ck_str_has_prefix(k, SET_ELEMENT_ORDER_PREFIX)) {
			if (!is_list(v)) {
				json_object_put(nv);
				json_object_put(out);
				return fail(s, -EINVAL, ERR_BAD_SET_ELEMENT_ORDER);
			}
		} else if (strcmp(k, DIRECTIVE_MARKER) != 0 && (is_map(v) || is_list(v))) {
			int r;
			json_object_put(nv);
			nv = NULL;
			if (lookup(s, schema, k, &f) < 0) {
				json_object_put(out);
				return -1;
			}
			if (is_map(v))
				r = sort_merge_lists_map(s, v, f.type, &nv);
			else if (field_strategy(&f, NULL) == STRATEGY_MERGE)
				r = sort_merge_lists_array(s, v, f.type, f.merge_key, &nv);
			else
				r = (nv = json_object_get(v), 0);
			if (r < 0) {
				json_object_put(out);
				return -1;
			}
		}
		map_set(out, k, nv);
	}
	*ret = out;
	return 0;
}

/* ---- the public functions ---------------------------------------------------------------- */

/* A deep copy (NULL stays NULL), owned by the caller. */
static json_object *copy(json_object *o)
{
	json_object *dst = NULL;
	if (!o)
		return NULL;
	CK_BUG_ON(json_object_deep_copy(o, &dst, NULL) != 0);
	return dst;
}

/* The working copy of an input document: a map (null is an empty one). */
static int input_doc(struct smp *s, json_object *o, json_object **ret)
{
	if (!o) {
		*ret = json_object_new_object();
		return 0;
	}
	if (!is_map(o))
		return fail(s, -EINVAL, ERR_BAD_JSON_DOC);
	*ret = copy(o);
	return 0;
}

static void smp_init(struct smp *s)
{
	ck_buf_init(&s->err, 0);
	s->code = 0;
}

/* Ends a call: hands out the result (a fresh tree) or the error. */
static int smp_finish(struct smp *s, int r, json_object *result, json_object **ret, char **ret_err)
{
	if (r < 0) {
		int code = s->code ? s->code : -EBADMSG;
		if (ret_err)
			*ret_err = ck_strdup(ck_buf_str(&s->err));
		ck_buf_release(&s->err);
		json_object_put(result);
		return code;
	}
	*ret = copy(result);
	if (!*ret)
		*ret = json_object_new_object();
	json_object_put(result);
	ck_buf_release(&s->err);
	return 0;
}

int ck_strategic_patch_apply(json_object *original, json_object *patch,
			     const struct ck_patch_type *schema, json_object **ret_obj,
			     char **ret_err)
{
	struct smp s;
	struct merge_opts o = { .merge_parallel_list = true, .ignore_unmatched_nulls = true };
	json_object *orig = NULL, *pat = NULL, *result = NULL;
	int r;

	smp_init(&s);
	r = input_doc(&s, original, &orig);
	if (r == 0)
		r = input_doc(&s, patch, &pat);
	if (r == 0)
		r = merge_map(&s, orig, pat, schema, o, &result);
	json_object_put(orig);
	json_object_put(pat);
	return smp_finish(&s, r, result, ret_obj, ret_err);
}

int ck_strategic_patch_create_two_way(json_object *original, json_object *modified,
				      const struct ck_patch_type *schema, json_object **ret_patch,
				      char **ret_err)
{
	struct smp s;
	struct diff_opts d = { .set_element_order = true };
	json_object *orig = NULL, *mod = NULL, *result = NULL;
	int r;

	smp_init(&s);
	r = input_doc(&s, original, &orig);
	if (r == 0)
		r = input_doc(&s, modified, &mod);
	if (r == 0)
		r = diff_maps(&s, orig, mod, schema, d, &result);
	json_object_put(orig);
	json_object_put(mod);
	return smp_finish(&s, r, result, ret_patch, ret_err);
}

int ck_strategic_patch_create_three_way(json_object *original, json_object *modified,
					json_object *current, const struct ck_patch_type *schema,
					bool overwrite, json_object **ret_patch, char **ret_err)
{
	struct smp s;
	struct diff_opts delta_opts = { .ignore_deletions = true, .set_element_order = true };
	struct diff_opts deletions_opts = { .set_element_order = true, .ignore_changes = true };
	struct merge_opts o = { false, false };
	json_object *orig = NULL, *mod = NULL, *cur = NULL, *delta = NULL, *deletions = NULL;
	json_object *result = NULL, *changed = NULL;
	int r;

	smp_init(&s);
	r = input_doc(&s, original, &orig);
	if (r == 0)
		r = input_doc(&s, modified, &mod);
	if (r == 0)
		r = input_doc(&s, current, &cur);
	/*
	 * The patch is the difference from current to modified without
	 * deletions, plus the deletions from original to modified: the first
	 * applied to the second as a patch, strictly additive.
	 */
	if (r == 0)
		r = diff_maps(&s, cur, mod, schema, delta_opts, &delta);
	if (r == 0)
		r = diff_maps(&s, orig, mod, schema, deletions_opts, &deletions);
	if (r == 0)
		r = merge_map(&s, deletions, delta, schema, o, &result);
	if (r == 0 && !overwrite) {
		/* a key changed differently in the live object is a conflict */
		struct diff_opts changed_opts = { 0 };
		bool conflict;
		r = diff_maps(&s, orig, cur, schema, changed_opts, &changed);
		if (r == 0)
			r = fields_have_conflicts(&s, result, changed, schema, STRATEGY_NONE, NULL,
						  &conflict);
		if (r == 0 && conflict) {
			ck_buf_reset(&s.err);
			(void)ck_buf_addf(
			    &s.err,
			    "patch:\n%s\nconflicts with changes made from original to "
			    "current:\n",
			    json_object_to_json_string_ext(result, JSON_C_TO_STRING_PLAIN));
			(void)ck_buf_addf(
			    &s.err, "%s\n",
			    json_object_to_json_string_ext(changed, JSON_C_TO_STRING_PLAIN));
			s.code = -ESTALE;
			r = -1;
		}
	}
	json_object_put(orig);
	json_object_put(mod);
	json_object_put(cur);
	json_object_put(delta);
	json_object_put(deletions);
	json_object_put(changed);
	return smp_finish(&s, r, result, ret_patch, ret_err);
}

int ck_strategic_patch_have_conflicts(json_object *left, json_object *right,
				      const struct ck_patch_type *schema, bool *ret_conflict,
				      char **ret_err)
{
	struct smp s;
	json_object *l = NULL, *rr = NULL;
	bool conflict = true;
	int r;

	smp_init(&s);
	r = input_doc(&s, left, &l);
	if (r == 0)
		r = input_doc(&s, right, &rr);
	if (r == 0)
		r = fields_have_conflicts(&s, l, rr, schema, STRATEGY_NONE, NULL, &conflict);
	json_object_put(l);
	json_object_put(rr);
	if (r < 0)
		return smp_finish(&s, r, NULL, NULL, ret_err);
	ck_buf_release(&s.err);
	*ret_conflict = conflict;
	return 0;
}

int ck_strategic_patch_sort_merge_lists(json_object *obj, const struct ck_patch_type *schema,
					json_object **ret_obj, char **ret_err)
{
	struct smp s;
	json_object *in = NULL, *result = NULL;
	int r;

	smp_init(&s);
	r = input_doc(&s, obj, &in);
	if (r == 0)
		r = sort_merge_lists_map(&s, in, schema, &result);
	json_object_put(in);
	return smp_finish(&s, r, result, ret_obj, ret_err);
}

bool ck_strategic_patch_key_unchanged(json_object *patch, const char *key)
{
	/* the key's presence means its value changed */
	return !map_has(patch, key);
}

bool ck_strategic_patch_metadata_key_unchanged(json_object *patch, const char *key)
{
	json_object *meta = map_get(patch, "metadata", NULL);
	return !is_map(meta) || !map_has(meta, key);
}
