/*
 * NodeResourcesBalancedAllocation: favours nodes whose requested fractions
 * of each resource (the pod included) are close to each other: 100 × (1 −
 * their standard deviation).
 */
#include <errno.h>

#include "plugins.h"

static int init(json_object *args, void **ret_priv, char **ret_err)
{
	struct ck_sched_resource_scorer *s = ck_calloc(1, sizeof(*s));
	s->type = CK_SCHED_BALANCED;
	s->use_requested = true;
	int r = ck_sched_resource_scorer_parse(s, args, ret_err);
	if (r < 0) {
		free(s);
		return r;
	}
	*ret_priv = s;
	return 0;
}

const struct ck_sched_plugin_ops ck_sched_plugin_balanced_allocation = {
	.name = "NodeResourcesBalancedAllocation",
	.default_weight = 1,
	.init = init,
	.release = free, /* the scorer */
	.score = ck_sched_resource_scorer_score,
};
