#include "api/node_affinity.h"

#include <string.h>

#include "apimachinery/object.h"
#include "util/common.h"
#include "util/str.h"

static enum ck_api_ns_op parse_op(const char *s)
{
	static const char *const names[] = { "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt" };
	for (size_t i = 0; s && i < CK_ARRAY_SIZE(names); i++)
		if (ck_streq(s, names[i]))
			return (enum ck_api_ns_op)i;
	return CK_NS_OP_INVALID;
}

static void req_from_json(json_object *o, bool is_field, struct ck_api_ns_requirement *r)
{
	memset(r, 0, sizeof(*r));
	const char *key = json_object_get_string(ck_obj_get(o, "key"));
	r->key = ck_strdup(key ? key : "");
	r->op = parse_op(json_object_get_string(ck_obj_get(o, "operator")));
	json_object *vals = ck_obj_get(o, "values");
	size_t n = ck_obj_array_len(vals);
	r->values = ck_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(vals, i));
		r->values[i] = ck_strdup(v ? v : "");
	}
	/* Validation as upstream's nodeSelectorRequirementsAsSelector. */
	switch (r->op) {
	case CK_NS_OP_IN:
	case CK_NS_OP_NOT_IN:
		if (n == 0)
			r->op = CK_NS_OP_INVALID;
		break;
	case CK_NS_OP_EXISTS:
	case CK_NS_OP_DOES_NOT_EXIST:
		if (n != 0)
			r->op = CK_NS_OP_INVALID;
		break;
	case CK_NS_OP_GT:
	case CK_NS_OP_LT:
		if (n != 1 || ck_str_to_int64(r->values[0], &r->number) < 0)
			r->op = CK_NS_OP_INVALID;
		break;
	default:
		break;
	}
	if (is_field && (!ck_streq(r->key, "metadata.name") ||
			 (r->op != CK_NS_OP_IN && r->op != CK_NS_OP_NOT_IN) || n != 1))
		r->op = CK_NS_OP_INVALID;
}

static void req_release(struct ck_api_ns_requirement *r)
{
	free(r->key);
	ck_strv_free(r->values);
}

void ck_api_ns_term_from_json(json_object *term, struct ck_api_ns_term *ret)
{
	memset(ret, 0, sizeof(*ret));
	json_object *exprs = ck_obj_get(term, "matchExpressions"),
		    *fields = ck_obj_get(term, "matchFields");
	ret->n_exprs = ck_obj_array_len(exprs);
	ret->n_fields = ck_obj_array_len(fields);
	if (ret->n_exprs)
		ret->exprs = ck_calloc(ret->n_exprs, sizeof(*ret->exprs));
	if (ret->n_fields)
		ret->fields = ck_calloc(ret->n_fields, sizeof(*ret->fields));
	for (size_t i = 0; i < ret->n_exprs; i++)
		req_from_json(json_object_array_get_idx(exprs, i), false, &ret->exprs[i]);
	for (size_t i = 0; i < ret->n_fields; i++)
		req_from_json(json_object_array_get_idx(fields, i), true, &ret->fields[i]);
}

void ck_api_ns_term_release(struct ck_api_ns_term *t)
{
	for (size_t i = 0; i < t->n_exprs; i++)
		req_release(&t->exprs[i]);
	for (size_t i = 0; i < t->n_fields; i++)
		req_release(&t->fields[i]);
	free(t->exprs);
	free(t->fields);
	memset(t, 0, sizeof(*t));
}

static bool in_values(char *const *values, const char *v)
{
	for (size_t i = 0; values && values[i]; i++)
		if (ck_streq(values[i], v))
			return true;
	return false;
}

static bool req_matches(const struct ck_api_ns_requirement *r, const char *value)
{
	int64_t n;
	switch (r->op) {
	case CK_NS_OP_IN:
		return value && in_values(r->values, value);
	case CK_NS_OP_NOT_IN:
		return !value || !in_values(r->values, value);
	case CK_NS_OP_EXISTS:
		return value != NULL;
	case CK_NS_OP_DOES_NOT_EXIST:
		return value == NULL;
	case CK_NS_OP_GT:
		return value && ck_str_to_int64(value, &n) == 0 && n > r->number;
	case CK_NS_OP_LT:
		return value && ck_str_to_int64(value, &n) == 0 && n < r->number;
	default:
		return false;
	}
}

static const char *label(json_object *labels, const char *key)
{
	json_object *v = ck_obj_get(labels, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool ck_api_ns_term_matches(const struct ck_api_ns_term *t, json_object *labels,
			    const char *node_name)
{
	if (t->n_exprs == 0 && t->n_fields == 0)
		return false;
	for (size_t i = 0; i < t->n_exprs; i++)
		if (!req_matches(&t->exprs[i], label(labels, t->exprs[i].key)))
			return false;
	for (size_t i = 0; i < t->n_fields; i++)
		if (!req_matches(&t->fields[i], node_name))
			return false;
	return true;
}

void ck_api_node_affinity_from_pod(json_object *pod, struct ck_api_node_affinity *ret)
{
	memset(ret, 0, sizeof(*ret));
	json_object *ns = ck_obj_path(pod, "spec.nodeSelector");
	if (ns && json_object_is_type(ns, json_type_object) && json_object_object_length(ns) > 0)
		ret->node_selector = ck_obj_copy(ns);
	json_object *na = ck_obj_path(pod, "spec.affinity.nodeAffinity");
	json_object *req = ck_obj_get(
	    ck_obj_get(na, "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms");
	if (ck_obj_get(na, "requiredDuringSchedulingIgnoredDuringExecution")) {
		ret->has_required = true;
		ret->n_required = ck_obj_array_len(req);
		if (ret->n_required)
			ret->required = ck_calloc(ret->n_required, sizeof(*ret->required));
		for (size_t i = 0; i < ret->n_required; i++)
			ck_api_ns_term_from_json(json_object_array_get_idx(req, i),
						 &ret->required[i]);
	}
	json_object *pref = ck_obj_get(na, "preferredDuringSchedulingIgnoredDuringExecution");
	ret->n_preferred = ck_obj_array_len(pref);
	if (ret->n_preferred)
		ret->preferred = ck_calloc(ret->n_preferred, sizeof(*ret->preferred));
	for (size_t i = 0; i < ret->n_preferred; i++) {
		json_object *p = json_object_array_get_idx(pref, i);
		ret->preferred[i].weight = json_object_get_int(ck_obj_get(p, "weight"));
		ck_api_ns_term_from_json(ck_obj_get(p, "preference"), &ret->preferred[i].term);
	}
}

void ck_api_node_affinity_release(struct ck_api_node_affinity *a)
{
	if (!a)
		return;
	if (a->node_selector)
		json_object_put(a->node_selector);
	for (size_t i = 0; i < a->n_required; i++)
		ck_api_ns_term_release(&a->required[i]);
	for (size_t i = 0; i < a->n_preferred; i++)
		ck_api_ns_term_release(&a->preferred[i].term);
	free(a->required);
	free(a->preferred);
	memset(a, 0, sizeof(*a));
}

bool ck_api_node_affinity_required_matches(const struct ck_api_node_affinity *a,
					   json_object *labels, const char *node_name)
{
	if (a->node_selector) {
		json_object_object_foreach (a->node_selector, k, v) {
			const char *have = label(labels, k);
			const char *want = json_object_get_string(v);
			if (!have || !want || !ck_streq(have, want))
				return false;
		}
	}
	if (!a->has_required)
		return true;
	for (size_t i = 0; i < a->n_required; i++)
		if (ck_api_ns_term_matches(&a->required[i], labels, node_name))
			return true;
	return false;
}

int64_t ck_api_node_affinity_preferred_score(const struct ck_api_node_affinity *a,
					     json_object *labels, const char *node_name)
{
	int64_t score = 0;
	for (size_t i = 0; i < a->n_preferred; i++)
		if (a->preferred[i].weight != 0 &&
		    ck_api_ns_term_matches(&a->preferred[i].term, labels, node_name))
			score += a->preferred[i].weight;
	return score;
}
