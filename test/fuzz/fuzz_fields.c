/*
 * Field selectors from arbitrary bytes: parse; a selector's printed form
 * must parse to the same terms (as a multiset: upstream sorts the text as
 * written, so "x==b,x=a" and its print "x=b,x=a" order differently) and
 * match the same field sets; escaping then unescaping valid UTF-8 is the
 * identity.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/fields.h"
#include "util/utf8.h"

static const char *const field_sets[] = {
	"{}",
	"{\"metadata.name\":\"web-0\",\"metadata.namespace\":\"default\"}",
	"{\"spec.nodeName\":\"\",\"status.phase\":\"Running\",\"x\":\"y\"}",
	"{\"a\":\"=\",\"b\":\",\",\"c\":\"\\\\\",\"\":\"e\"}",
};
static json_object *sets[sizeof(field_sets) / sizeof(field_sets[0])];
#define NSETS (sizeof(sets) / sizeof(sets[0]))

static void init_sets(void)
{
	if (sets[0])
		return;
	for (size_t i = 0; i < NSETS; i++) {
		sets[i] = json_tokener_parse(field_sets[i]);
		if (!sets[i])
			abort();
	}
}

static int cmp_req(const void *a, const void *b)
{
	const struct ck_field_requirement *x = *(const struct ck_field_requirement *const *)a;
	const struct ck_field_requirement *y = *(const struct ck_field_requirement *const *)b;
	int c = strcmp(x->field, y->field);
	if (c)
		return c;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return strcmp(x->value, y->value);
}

static const struct ck_field_requirement **sorted_reqs(const struct ck_field_selector *sel)
{
	size_t n = ck_field_selector_count(sel);
	const struct ck_field_requirement **v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = ck_field_selector_requirement(sel, i);
	qsort(v, n, sizeof(*v), cmp_req);
	return v;
}

static void same_terms(const struct ck_field_selector *a, const struct ck_field_selector *b)
{
	size_t n = ck_field_selector_count(a);
	const struct ck_field_requirement **x, **y;

	if (n != ck_field_selector_count(b))
		abort();
	x = sorted_reqs(a);
	y = sorted_reqs(b);
	for (size_t i = 0; i < n; i++) {
		if (cmp_req(&x[i], &y[i]) != 0)
			abort();
	}
	free(x);
	free(y);
	for (size_t i = 0; i < NSETS; i++) {
		if (ck_field_selector_matches_set(a, sets[i]) !=
		    ck_field_selector_matches_set(b, sets[i]))
			abort();
	}
}

static int identity(void *ctx, const char *field, const char *value, char **ret_field,
		    char **ret_value, char **ret_err)
{
	(void)ctx;
	(void)ret_err;
	*ret_field = strdup(field);
	*ret_value = strdup(value);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_field_selector *sel = NULL, *again = NULL, *same = NULL;
	char *s, *err = NULL, *str;

	if (size > 8192)
		return 0;
	init_sets();
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if (ck_utf8_valid(s, strlen(s))) {
		char *e = ck_field_escape_value(s), *u = NULL;
		if (ck_field_unescape_value(e, &u, NULL) < 0 || strcmp(u, s) != 0)
			abort();
		free(e);
		free(u);
	}

	if (ck_field_selector_parse(s, &sel, &err) < 0) {
		if (!err || sel)
			abort();
		free(err);
		goto out;
	}
	str = ck_field_selector_string(sel);
	if (ck_field_selector_parse(str, &again, &err) < 0)
		abort();
	same_terms(sel, again);
	if (ck_field_selector_transform(sel, identity, NULL, &same, NULL) < 0)
		abort();
	same_terms(sel, same);
	for (size_t i = 0; i < ck_field_selector_count(sel); i++) {
		const struct ck_field_requirement *r = ck_field_selector_requirement(sel, i);
		const char *v = NULL;
		if (r->op == CK_FIELD_OP_EQUALS &&
		    !ck_field_selector_requires_exact_match(sel, r->field, &v))
			abort();
	}
	free(str);
out:
	ck_field_selector_free(sel);
	ck_field_selector_free(again);
	ck_field_selector_free(same);
	free(s);
	return 0;
}
