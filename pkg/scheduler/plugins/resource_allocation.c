/* The resource scorer shared by NodeResourcesFit and NodeResourcesBalancedAllocation. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plugins.h"
#include "util/str.h"

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

static char *errf(const char *fmt, const char *a)
{
	char buf[256];
	snprintf(buf, sizeof(buf), fmt, a);
	return ck_strdup(buf);
}

static enum ck_sched_resource_kind kind_of(const char *name)
{
	if (ck_streq(name, "cpu"))
		return CK_SCHED_RES_CPU;
	if (ck_streq(name, "memory"))
		return CK_SCHED_RES_MEMORY;
	if (ck_streq(name, "ephemeral-storage"))
		return CK_SCHED_RES_EPHEMERAL_STORAGE;
	if (ck_streq(name, "pods"))
		return CK_SCHED_RES_PODS;
	return CK_SCHED_RES_SCALAR;
}

int ck_sched_resource_scorer_parse(struct ck_sched_resource_scorer *s, json_object *obj,
				   char **ret_err)
{
	json_object *res = field(obj, "resources");
	s->n_resources = 0;
	if (res && json_object_is_type(res, json_type_array) && json_object_array_length(res)) {
		for (size_t i = 0; i < json_object_array_length(res); i++) {
			json_object *r = json_object_array_get_idx(res, i);
			const char *name = json_object_get_string(field(r, "name"));
			int64_t w =
			    field(r, "weight") ? json_object_get_int64(field(r, "weight")) : 1;
			if (!name || !*name || strlen(name) >= CK_API_SCALAR_NAME_MAX ||
			    s->n_resources == CK_SCHED_MAX_SCORED_RESOURCES) {
				*ret_err = errf("resources[%s].name: invalid", name ? name : "");
				return -EINVAL;
			}
			if (w < 1 || w > 100) {
				*ret_err = errf("resources[%s].weight: Invalid value: must be "
						"in the range [1, 100]",
						name);
				return -EINVAL;
			}
			struct ck_sched_resource_spec *sp = &s->resources[s->n_resources++];
			snprintf(sp->name, sizeof(sp->name), "%s", name);
			sp->kind = kind_of(name);
			sp->weight = w;
		}
	} else {
		snprintf(s->resources[0].name, sizeof(s->resources[0].name), "cpu");
		snprintf(s->resources[1].name, sizeof(s->resources[1].name), "memory");
		s->resources[0].kind = CK_SCHED_RES_CPU;
		s->resources[1].kind = CK_SCHED_RES_MEMORY;
		s->resources[0].weight = s->resources[1].weight = 1;
		s->n_resources = 2;
	}
	if (s->type != CK_SCHED_REQUESTED_TO_CAPACITY_RATIO)
		return 0;
	json_object *shape = field(field(obj, "requestedToCapacityRatio"), "shape");
	size_t n = shape && json_object_is_type(shape, json_type_array)
		       ? json_object_array_length(shape)
		       : 0;
	if (n == 0 || n > CK_SCHED_MAX_SHAPE_POINTS) {
		*ret_err = ck_strdup("requestedToCapacityRatio.shape: Required value: at least "
				     "one point must be specified");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(shape, i);
		int64_t u = json_object_get_int64(field(p, "utilization"));
		int64_t sc = json_object_get_int64(field(p, "score"));
		if (u < 0 || u > 100 || sc < 0 || sc > 10 || (i > 0 && u <= s->shape_util[i - 1])) {
			*ret_err = ck_strdup("requestedToCapacityRatio.shape: Invalid value: "
					     "utilization values must be sorted and in [0, 100], "
					     "scores in [0, 10]");
			return -EINVAL;
		}
		s->shape_util[i] = u;
		/* MaxNodeScore / MaxCustomPriorityScore */
		s->shape_score[i] = sc * (CK_SCHED_MAX_NODE_SCORE / 10);
	}
	s->n_shape = (int)n;
	return 0;
}

static int64_t pick(const struct ck_api_resources *r, const struct ck_sched_resource_spec *spec)
{
	switch (spec->kind) {
	case CK_SCHED_RES_CPU:
		return r->milli_cpu;
	case CK_SCHED_RES_MEMORY:
		return r->memory;
	case CK_SCHED_RES_EPHEMERAL_STORAGE:
		return r->ephemeral_storage;
	case CK_SCHED_RES_PODS:
		return r->pods;
	default:
		return ck_api_resources_scalar(r, spec->name);
	}
}

/* The broken-linear function through the shape's points (upstream
 * helper.BuildBrokenLinearFunction). */
static int64_t shape_fn(const struct ck_sched_resource_scorer *s, int64_t p)
{
	for (int i = 0; i < s->n_shape; i++) {
		if (p <= s->shape_util[i]) {
			if (i == 0)
				return s->shape_score[0];
			return s->shape_score[i - 1] +
			       (s->shape_score[i] - s->shape_score[i - 1]) *
				   (p - s->shape_util[i - 1]) /
				   (s->shape_util[i] - s->shape_util[i - 1]);
		}
	}
	return s->shape_score[s->n_shape - 1];
}

int64_t ck_sched_resource_scorer_score(void *priv, const struct ck_sched_cycle *c, int idx,
				       const struct ck_sched_pod *pod,
				       const struct ck_sched_node *node)
{
	(void)c, (void)idx;
	const struct ck_sched_resource_scorer *s = priv;
	int64_t requested[CK_SCHED_MAX_SCORED_RESOURCES], alloc[CK_SCHED_MAX_SCORED_RESOURCES];
	const struct ck_api_resources *node_req =
	    s->use_requested ? &node->requested : &node->non_zero_requested;
	struct ck_api_resources non_zero;
	const struct ck_api_resources *pod_req = &pod->req;
	if (!s->use_requested) {
		ck_sched_pod_non_zero_requests(pod, &non_zero);
		pod_req = &non_zero;
	}
	for (int i = 0; i < s->n_resources; i++) {
		const struct ck_sched_resource_spec *spec = &s->resources[i];
		int64_t pr = pick(pod_req, spec);
		if (spec->kind == CK_SCHED_RES_SCALAR && pr == 0) {
			/* extended resources the pod does not ask for do not count */
			requested[i] = alloc[i] = 0;
			continue;
		}
		requested[i] = pick(node_req, spec) + pr;
		alloc[i] = pick(&node->allocatable, spec);
	}
	if (s->type == CK_SCHED_BALANCED) {
		double fractions[CK_SCHED_MAX_SCORED_RESOURCES], total = 0;
		int nf = 0;
		for (int i = 0; i < s->n_resources; i++) {
			if (alloc[i] == 0)
				continue;
			double f = (double)requested[i] / (double)alloc[i];
			if (f > 1)
				f = 1;
			total += f;
			fractions[nf++] = f;
		}
		double std = 0;
		if (nf == 2) {
			std = fabs((fractions[0] - fractions[1]) / 2);
		} else if (nf > 2) {
			double mean = total / nf;
			for (int i = 0; i < nf; i++)
				std += (fractions[i] - mean) * (fractions[i] - mean);
			std = sqrt(std / nf);
		}
		return (int64_t)((1 - std) * (double)CK_SCHED_MAX_NODE_SCORE);
	}
	int64_t node_score = 0, weight_sum = 0;
	for (int i = 0; i < s->n_resources; i++) {
		if (alloc[i] == 0)
			continue;
		int64_t w = s->resources[i].weight, r = requested[i], cap = alloc[i], sc;
		switch (s->type) {
		case CK_SCHED_LEAST_ALLOCATED:
			sc = r > cap ? 0 : (cap - r) * CK_SCHED_MAX_NODE_SCORE / cap;
			break;
		case CK_SCHED_MOST_ALLOCATED:
			sc = (r > cap ? cap : r) * CK_SCHED_MAX_NODE_SCORE / cap;
			break;
		default:
			sc = shape_fn(s, r > cap ? 100 : r * 100 / cap);
			break;
		}
		node_score += sc * w;
		weight_sum += w;
	}
	if (weight_sum == 0)
		return 0;
	if (s->type == CK_SCHED_REQUESTED_TO_CAPACITY_RATIO)
		return (int64_t)llround((double)node_score / (double)weight_sum);
	return node_score / weight_sum;
}

const char *ck_sched_pair_key(char *buf, size_t size, const char *key, const char *value)
{
	snprintf(buf, size, "%s\x1f%s", key, value);
	return buf;
}

intptr_t ck_sched_pair_get(const struct ck_hashmap *m, const char *key, const char *value)
{
	char buf[512];
	return (intptr_t)ck_hashmap_get(m, ck_sched_pair_key(buf, sizeof(buf), key, value));
}

void ck_sched_pair_add(struct ck_hashmap *m, const char *key, const char *value, intptr_t delta)
{
	char buf[512];
	ck_sched_pair_key(buf, sizeof(buf), key, value);
	ck_hashmap_put(m, buf, (void *)((intptr_t)ck_hashmap_get(m, buf) + delta));
}
