/*
 * NodeAffinity: Filter applies spec.nodeSelector and the required node
 * affinity; Score sums the weights of the preferred terms a node matches,
 * normalised to 0..100.
 */
#include "scheduler/framework.h"

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	if (ck_api_node_affinity_required_matches(&pod->node_affinity, node->labels, node->name))
		return CK_SCHED_SUCCESS;
	return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE,
				    "node(s) didn't match Pod's node affinity/selector");
}

static int64_t score(void *priv, const struct ck_sched_cycle *c, int idx,
		     const struct ck_sched_pod *pod, const struct ck_sched_node *node)
{
	(void)priv, (void)c, (void)idx;
	return ck_api_node_affinity_preferred_score(&pod->node_affinity, node->labels, node->name);
}

static void normalize(void *priv, const struct ck_sched_cycle *c, int idx,
		      const struct ck_sched_pod *pod, struct ck_sched_node *const *nodes,
		      int64_t *scores, size_t n)
{
	(void)priv, (void)c, (void)idx, (void)pod, (void)nodes;
	ck_sched_default_normalize(CK_SCHED_MAX_NODE_SCORE, false, scores, n);
}

const struct ck_sched_plugin_ops ck_sched_plugin_node_affinity = {
	.name = "NodeAffinity",
	.default_weight = 2,
	.filter = filter,
	.score = score,
	.normalize = normalize,
};
