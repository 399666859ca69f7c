#include "api/taints.h"

#include <string.h>

#include "util/common.h"
#include "util/str.h"

static const char *const effect_names[] = {
	[CK_TAINT_EFFECT_ANY] = "",
	[CK_TAINT_NO_SCHEDULE] = "NoSchedule",
	[CK_TAINT_PREFER_NO_SCHEDULE] = "PreferNoSchedule",
	[CK_TAINT_NO_EXECUTE] = "NoExecute",
	[CK_TAINT_EFFECT_UNKNOWN] = "Unknown",
};

enum ck_api_taint_effect ck_api_taint_effect_parse(const char *s)
{
	if (!s || !*s)
		return CK_TAINT_EFFECT_ANY;
	for (int e = CK_TAINT_NO_SCHEDULE; e < CK_TAINT_EFFECT_UNKNOWN; e++)
		if (ck_streq(s, effect_names[e]))
			return (enum ck_api_taint_effect)e;
	return CK_TAINT_EFFECT_UNKNOWN;
}

const char *ck_api_taint_effect_name(enum ck_api_taint_effect e)
{
	return effect_names[e];
}

static const char *str_field(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/*
 * The objects of arr (other members skipped) as a new array of elements of
 * size bytes, each filled by fill; NULL when there are none.
 */
static void *objects_from_json(json_object *arr, size_t size,
			       void (*fill)(void *elem, json_object *o), size_t *ret_n)
{
	size_t n =
	    arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	char *v = n ? ck_calloc(n, size) : NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		if (json_object_is_type(o, json_type_object))
			fill(v + k++ * size, o);
	}
	*ret_n = k;
	return v;
}

static void fill_taint(void *elem, json_object *o)
{
	struct ck_api_taint *t = elem;
	t->key = ck_strdup(str_field(o, "key"));
	t->value = ck_strdup(str_field(o, "value"));
	t->effect = ck_api_taint_effect_parse(str_field(o, "effect"));
}

void ck_api_taints_from_json(json_object *arr, struct ck_api_taint **ret, size_t *ret_n)
{
	*ret = objects_from_json(arr, sizeof(**ret), fill_taint, ret_n);
}

void ck_api_taints_free(struct ck_api_taint *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].key);
		free(t[i].value);
	}
	free(t);
}

static void fill_toleration(void *elem, json_object *o)
{
	struct ck_api_toleration *t = elem;
	t->key = ck_strdup(str_field(o, "key"));
	t->value = ck_strdup(str_field(o, "value"));
	t->exists = ck_streq(str_field(o, "operator"), "Exists");
	t->effect = ck_api_taint_effect_parse(str_field(o, "effect"));
}

void ck_api_tolerations_from_json(json_object *arr, struct ck_api_toleration **ret, size_t *ret_n)
{
	*ret = objects_from_json(arr, sizeof(**ret), fill_toleration, ret_n);
}

void ck_api_tolerations_free(struct ck_api_toleration *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].key);
		free(t[i].value);
	}
	free(t);
}

bool ck_api_toleration_tolerates(const struct ck_api_toleration *tol,
				 const struct ck_api_taint *taint)
{
	if (tol->effect != CK_TAINT_EFFECT_ANY && tol->effect != taint->effect)
		return false;
	if (*tol->key && !ck_streq(tol->key, taint->key))
		return false;
	if (!*tol->key && !tol->exists)
		return false;
	return tol->exists || ck_streq(tol->value, taint->value);
}

bool ck_api_tolerations_tolerate(const struct ck_api_toleration *tols, size_t n,
				 const struct ck_api_taint *taint)
{
	for (size_t i = 0; i < n; i++)
		if (ck_api_toleration_tolerates(&tols[i], taint))
			return true;
	return false;
}
