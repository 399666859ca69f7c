/* NodeUnschedulable: nodes with spec.unschedulable, unless the pod tolerates
 * node.kubernetes.io/unschedulable:NoSchedule. */
#include "scheduler/framework.h"

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	if (!node->unschedulable)
		return CK_SCHED_SUCCESS;
	struct ck_api_taint taint = { .key = "node.kubernetes.io/unschedulable",
				      .value = "",
				      .effect = CK_TAINT_NO_SCHEDULE };
	if (ck_api_tolerations_tolerate(pod->tolerations, pod->n_tolerations, &taint))
		return CK_SCHED_SUCCESS;
	return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE, "node(s) were unschedulable");
}

const struct ck_sched_plugin_ops ck_sched_plugin_node_unschedulable = {
	.name = "NodeUnschedulable",
	.filter = filter,
};
