/* NodeName: a pod with spec.nodeName set fits only that node. */
#include "scheduler/framework.h"
#include "util/str.h"

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	if (!*pod->node_name || ck_streq(pod->node_name, node->name))
		return CK_SCHED_SUCCESS;
	return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE,
				    "node(s) didn't match the requested node name");
}

const struct ck_sched_plugin_ops ck_sched_plugin_node_name = {
	.name = "NodeName",
	.filter = filter,
};
