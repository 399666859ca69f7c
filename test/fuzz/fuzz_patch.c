/*
 * Fuzzes the three patch kinds. The input is two JSON texts separated by
 * the first newline (a document, then a patch); each kind applies the second to the
 * first, and must neither crash nor leak. Invariants checked (abort() when
 * one breaks):
 *  - merge patch: create(a, apply(a, p)) applied to a gives apply(a, p);
 *  - JSON patch: a failed patch leaves the document unchanged; a result
 *    tests equal to itself;
 *  - strategic merge patch (kind Pod, and upstream's strict test type):
 *    inputs unchanged; the two- and three-way diffs and the conflict check
 *    run on the same documents.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/json_patch.h"
#include "apimachinery/merge_patch.h"
#include "apimachinery/patch_meta.h"
#include "apimachinery/strategic_patch.h"

/* Nesting kept modest: the patch code recurses once or twice per level. */
#define FUZZ_DEPTH 64

/* Parses data[0..len) as one JSON text (strict, bounded depth). */
static int parse_one(const uint8_t *data, size_t len, json_object **ret)
{
	struct json_tokener *tok = json_tokener_new_ex(FUZZ_DEPTH);
	char *s = malloc(len + 1);
	json_object *o;
	int ok = 0;

	if (!tok || !s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, -1);
	if (json_tokener_get_error(tok) == json_tokener_success) {
		*ret = o;
		ok = 1;
	} else {
		json_object_put(o);
	}
	json_tokener_free(tok);
	free(s);
	return ok;
}

static char *text(json_object *o)
{
	return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* Equality as Go decodes JSON for merge patches: all numbers are float64. */
static int go_equal(json_object *a, json_object *b)
{
	enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
	int na = ta == json_type_int || ta == json_type_double;
	int nb = tb == json_type_int || tb == json_type_double;

	if (na && nb)
		return json_object_get_double(a) == json_object_get_double(b);
	if (ta != tb)
		return 0;
	if (ta == json_type_object) {
		if (json_object_object_length(a) != json_object_object_length(b))
			return 0;
		json_object_object_foreach (a, k, av) {
			json_object *bv;
			if (!json_object_object_get_ex(b, k, &bv) || !go_equal(av, bv))
				return 0;
		}
		return 1;
	}
	if (ta == json_type_array) {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return 0;
		for (size_t i = 0; i < n; i++) {
			if (!go_equal(json_object_array_get_idx(a, i),
				      json_object_array_get_idx(b, i)))
				return 0;
		}
		return 1;
	}
	return json_object_equal(a, b);
}

static void fuzz_merge_patch(json_object *doc, json_object *patch)
{
	json_object *merged = NULL, *diff = NULL, *again = NULL;
	char *err = NULL;

	if (ck_merge_patch_apply(doc, patch, &merged, &err) < 0) {
		if (!err)
			abort();
		free(err);
		return;
	}
	if (json_object_get_type(doc) == json_type_object &&
	    json_object_get_type(merged) == json_type_object) {
		if (ck_merge_patch_create(doc, merged, &diff, NULL) < 0)
			abort();
		if (ck_merge_patch_apply(doc, diff, &again, NULL) < 0)
			abort();
		if (!go_equal(again, merged))
			abort();
	}
	json_object_put(again);
	json_object_put(diff);
	json_object_put(merged);
}

static void fuzz_json_patch(json_object *doc, json_object *patch)
{
	json_object *out = NULL;
	char *before = text(doc), *err = NULL;
	int r = ck_json_patch_apply(doc, patch, NULL, &out, &err);

	if (strcmp(before, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) != 0)
		abort();
	if (r < 0) {
		if (out || !err)
			abort();
		free(err);
	} else {
		/* a document tests equal to itself */
		json_object *t = json_object_new_array(), *op = json_object_new_object(), *t_out;
		json_object_object_add(op, "op", json_object_new_string("test"));
		json_object_object_add(op, "path", json_object_new_string(""));
		json_object_object_add(op, "value", json_object_get(out));
		json_object_array_add(t, op);
		if (ck_json_patch_apply(out, t, NULL, &t_out, NULL) < 0)
			abort();
		json_object_put(t_out);
		json_object_put(t);
		json_object_put(out);
	}
	free(before);
}

static void fuzz_strategic_patch(json_object *doc, json_object *patch,
				 const struct ck_patch_type *schema)
{
	json_object *out = NULL, *two = NULL, *three = NULL, *sorted = NULL;
	char *before = text(doc), *pbefore = text(patch), *err = NULL;
	bool conflict;

	if (ck_strategic_patch_apply(doc, patch, schema, &out, &err) < 0) {
		if (out || !err)
			abort();
		free(err);
		err = NULL;
	}
	if (ck_strategic_patch_create_two_way(doc, patch, schema, &two, &err) < 0) {
		free(err);
		err = NULL;
	} else if (ck_strategic_patch_apply(doc, two, schema, &sorted, NULL) == 0) {
		json_object_put(sorted);
	}
	if (ck_strategic_patch_create_three_way(doc, patch, out ? out : doc, schema, false, &three,
						&err) < 0) {
		free(err);
		err = NULL;
	}
	if (ck_strategic_patch_have_conflicts(doc, patch, schema, &conflict, &err) < 0) {
		free(err);
		err = NULL;
	}
	sorted = NULL;
	if (ck_strategic_patch_sort_merge_lists(patch, schema, &sorted, &err) < 0) {
		free(err);
		err = NULL;
	}
	/* inputs are borrowed and never changed */
	if (strcmp(before, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) != 0 ||
	    strcmp(pbefore, json_object_to_json_string_ext(patch, JSON_C_TO_STRING_PLAIN)) != 0)
		abort();
	json_object_put(sorted);
	json_object_put(three);
	json_object_put(two);
	json_object_put(out);
	free(before);
	free(pbefore);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *doc = NULL, *patch = NULL;
	const uint8_t *nl = memchr(data, '\n', size);

	/* the document, a newline, the patch */
	if (!nl || !parse_one(data, (size_t)(nl - data), &doc))
		return 0;
	if (!parse_one(nl + 1, size - (size_t)(nl - data) - 1, &patch)) {
		json_object_put(doc);
		return 0;
	}
	fuzz_merge_patch(doc, patch);
	fuzz_json_patch(doc, patch);
	fuzz_strategic_patch(doc, patch, ck_patch_meta_kind("v1", "Pod"));
	fuzz_strategic_patch(doc, patch, ck_patch_meta_type("mergeItem"));
	json_object_put(doc);
	json_object_put(patch);
	return 0;
}
