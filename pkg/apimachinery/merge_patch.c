/*
 * JSON merge patch (RFC 7386), following evanphx/json-patch v4 MergePatch
 * and CreateMergePatch as the API server and kubectl use them. See
 * merge_patch.h for the rules.
 */
#include "apimachinery/merge_patch.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/common.h"

#define ERR_BAD_DOC "Invalid JSON Document"
#define ERR_BAD_PATCH "Invalid JSON Patch"
#define ERR_BAD_MERGE_TYPES "Mismatched JSON Documents"

static int fail(char **ret_err, int err, const char *msg)
{
	if (ret_err)
		*ret_err = ck_strdup(msg);
	return err;
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

static bool is_object(json_object *o)
{
	return json_object_get_type(o) == json_type_object;
}

/*
 * Drops the null members of every object in n, recursively through objects
 * and arrays; null array elements stay (pruneNulls of json-patch v4).
 */
static void prune_nulls(json_object *n)
{
	if (is_object(n)) {
		size_t cap = (size_t)json_object_object_length(n), cnt = 0;
		const char **dead = ck_calloc(cap ? cap : 1, sizeof(*dead));
		json_object_object_foreach (n, key, val) {
			if (!val)
				dead[cnt++] = key;
			else
				prune_nulls(val);
		}
		for (size_t i = 0; i < cnt; i++)
			json_object_object_del(n, dead[i]);
		free(dead);
	} else if (json_object_get_type(n) == json_type_array) {
		size_t len = json_object_array_length(n);
		for (size_t i = 0; i < len; i++) {
			json_object *e = json_object_array_get_idx(n, i);
			if (e)
				prune_nulls(e);
		}
	}
}

/* A pruned deep copy of v, owned by the caller. */
static json_object *pruned_copy(json_object *v)
{
	json_object *c = copy(v);
	prune_nulls(c);
	return c;
}

/* Merges the object patch into the object doc (owned, modified in place). */
static void merge_docs(json_object *doc, json_object *patch)
{
	json_object_object_foreach (patch, key, val) {
		json_object *cur = NULL;
		if (!val) {
			json_object_object_del(doc, key);
			continue;
		}
		if (!json_object_object_get_ex(doc, key, &cur) || !cur) {
			json_object_object_add(doc, key, pruned_copy(val));
		} else if (!is_object(cur)) {
			/* not an object: the patch value replaces it, pruned */
			json_object_object_add(doc, key, pruned_copy(val));
		} else if (!is_object(val)) {
			/* an object replaced by a non-object: taken as it is */
			json_object_object_add(doc, key, copy(val));
		} else {
			merge_docs(cur, val);
		}
	}
}

int ck_merge_patch_apply(json_object *doc, json_object *patch, json_object **ret_doc,
			 char **ret_err)
{
	json_object *out;

	if (!doc)
		return fail(ret_err, -EINVAL, ERR_BAD_DOC);
	if (!patch)
		return fail(ret_err, -EINVAL, ERR_BAD_PATCH);
	if (is_object(doc) && is_object(patch)) {
		out = copy(doc);
		merge_docs(out, patch);
	} else if (is_object(patch) || json_object_get_type(patch) == json_type_array) {
		/* not both documents: the patch replaces the document */
		out = pruned_copy(patch);
	} else {
		return fail(ret_err, -EINVAL, ERR_BAD_PATCH);
	}
	*ret_doc = out;
	return 0;
}

/* ---- CreateMergePatch ---------------------------------------------------- */

/* The Go type a value decodes to with encoding/json: all numbers are float64. */
static enum json_type go_type(json_object *o)
{
	enum json_type t = json_object_get_type(o);
	return t == json_type_int ? json_type_double : t;
}

static bool matches_value(json_object *a, json_object *b);

static bool matches_array(json_object *a, json_object *b)
{
	size_t n = json_object_array_length(a);
	if (n != json_object_array_length(b))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!matches_value(json_object_array_get_idx(a, i),
				   json_object_array_get_idx(b, i)))
			return false;
	}
	return true;
}

/* matchesValue: same Go type and equal; numbers compare as float64. */
static bool matches_value(json_object *a, json_object *b)
{
	if (go_type(a) != go_type(b))
		return false;
	switch (go_type(a)) {
	case json_type_null:
		return true;
	case json_type_string:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
			      (size_t)json_object_get_string_len(a)) == 0;
	case json_type_double:
		return json_object_get_double(a) == json_object_get_double(b);
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_array:
		return matches_array(a, b);
	case json_type_object:
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach (b, key, bv) {
			json_object *av;
			if (!json_object_object_get_ex(a, key, &av) || !matches_value(av, bv))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* getDiff: the merge patch from object a to object b; owned by the caller. */
static json_object *get_diff(json_object *a, json_object *b)
{
	json_object *into = json_object_new_object();

	if (b) {
		json_object_object_foreach (b, key, bv) {
			json_object *av = NULL;
			if (!a || !json_object_object_get_ex(a, key, &av) ||
			    go_type(av) != go_type(bv)) {
				json_object_object_add(into, key, copy(bv));
				continue;
			}
			if (go_type(av) == json_type_object) {
				json_object *sub = get_diff(av, bv);
				if (json_object_object_length(sub) > 0)
					json_object_object_add(into, key, sub);
				else
					json_object_put(sub);
			} else if (!matches_value(av, bv)) {
				json_object_object_add(into, key, copy(bv));
			}
		}
	}
	if (a) {
		json_object_object_foreach (a, key, av) {
			(void)av;
			if (!b || !json_object_object_get_ex(b, key, NULL))
				json_object_object_add(into, key, NULL);
		}
	}
	return into;
}

/* Each side must decode into a map: an object, or null (an empty map). */
static bool is_doc(json_object *o)
{
	return !o || is_object(o);
}

int ck_merge_patch_create(json_object *original, json_object *modified, json_object **ret_patch,
			  char **ret_err)
{
	bool orig_ary = json_object_get_type(original) == json_type_array;
	bool mod_ary = json_object_get_type(modified) == json_type_array;

	if (orig_ary != mod_ary)
		return fail(ret_err, -EINVAL, ERR_BAD_MERGE_TYPES);
	if (!orig_ary) {
		if (!is_doc(original) || !is_doc(modified))
			return fail(ret_err, -EINVAL, ERR_BAD_DOC);
		*ret_patch = get_diff(original, modified);
		return 0;
	}

	size_t n = json_object_array_length(original);
	if (n != json_object_array_length(modified))
		return fail(ret_err, -EINVAL, ERR_BAD_DOC);
	for (size_t i = 0; i < n; i++) {
		if (!is_doc(json_object_array_get_idx(original, i)) ||
		    !is_doc(json_object_array_get_idx(modified, i)))
			return fail(ret_err, -EINVAL, ERR_BAD_DOC);
	}
	json_object *out = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(out, get_diff(json_object_array_get_idx(original, i),
						    json_object_array_get_idx(modified, i)));
	*ret_patch = out;
	return 0;
}
