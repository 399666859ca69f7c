/*
 * NodeResourcesFit: Filter checks the pod's requests (init containers and
 * overhead included) against what the node has left, with upstream's
 * reasons ("Insufficient cpu", "Too many pods"); Score is the configured
 * strategy (LeastAllocated by default, MostAllocated,
 * RequestedToCapacityRatio) on the non-zero requests.
 */
#include <errno.h>
#include <string.h>

#include "plugins.h"
#include "util/str.h"

static int init(json_object *args, void **ret_priv, char **ret_err)
{
	struct ck_sched_resource_scorer *s = ck_calloc(1, sizeof(*s));
	json_object *strategy = NULL;
	if (args)
		json_object_object_get_ex(args, "scoringStrategy", &strategy);
	json_object *type = NULL;
	if (strategy)
		json_object_object_get_ex(strategy, "type", &type);
	const char *t = type ? json_object_get_string(type) : "LeastAllocated";
	if (ck_streq(t, "LeastAllocated")) {
		s->type = CK_SCHED_LEAST_ALLOCATED;
	} else if (ck_streq(t, "MostAllocated")) {
		s->type = CK_SCHED_MOST_ALLOCATED;
	} else if (ck_streq(t, "RequestedToCapacityRatio")) {
		s->type = CK_SCHED_REQUESTED_TO_CAPACITY_RATIO;
	} else {
		*ret_err = ck_strdup("scoringStrategy.type: Unsupported value: supported values: "
				     "\"LeastAllocated\", \"MostAllocated\", "
				     "\"RequestedToCapacityRatio\"");
		free(s);
		return -EINVAL;
	}
	int r = ck_sched_resource_scorer_parse(s, strategy, ret_err);
	if (r < 0) {
		free(s);
		return r;
	}
	*ret_priv = s;
	return 0;
}

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	const struct ck_api_resources *req = &pod->req, *used = &node->requested,
				      *alloc = &node->allocatable;
	if ((int64_t)node->n_pods + 1 > alloc->pods)
		ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE, "Too many pods");
	if (req->milli_cpu > 0 && req->milli_cpu > alloc->milli_cpu - used->milli_cpu)
		ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE, "Insufficient cpu");
	if (req->memory > 0 && req->memory > alloc->memory - used->memory)
		ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE, "Insufficient memory");
	if (req->ephemeral_storage > 0 &&
	    req->ephemeral_storage > alloc->ephemeral_storage - used->ephemeral_storage)
		ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE, "Insufficient ephemeral-storage");
	for (int i = 0; i < req->n_scalar; i++) {
		const struct ck_api_scalar *s = &req->scalar[i];
		if (s->value > 0 && s->value > ck_api_resources_scalar(alloc, s->name) -
						   ck_api_resources_scalar(used, s->name))
			ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE, "Insufficient %s",
					     s->name);
	}
	return st->n_reasons ? CK_SCHED_UNSCHEDULABLE : CK_SCHED_SUCCESS;
}

const struct ck_sched_plugin_ops ck_sched_plugin_node_resources_fit = {
	.name = "NodeResourcesFit",
	.default_weight = 1,
	.init = init,
	.release = free, /* the scorer */
	.filter = filter,
	.score = ck_sched_resource_scorer_score,
};
