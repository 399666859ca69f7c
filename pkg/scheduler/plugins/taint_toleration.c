/*
 * TaintToleration: Filter rejects nodes with a NoSchedule or NoExecute
 * taint the pod does not tolerate (the first one is named); Score counts
 * the PreferNoSchedule taints it does not tolerate, normalised in reverse
 * (fewer is better).
 */
#include "scheduler/framework.h"

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	for (size_t i = 0; i < node->n_taints; i++) {
		const struct ck_api_taint *t = &node->taints[i];
		if (t->effect != CK_TAINT_NO_SCHEDULE && t->effect != CK_TAINT_NO_EXECUTE)
			continue;
		if (!ck_api_tolerations_tolerate(pod->tolerations, pod->n_tolerations, t))
			return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE,
						    "node(s) had untolerated taint {%s: %s}",
						    t->key, t->value);
	}
	return CK_SCHED_SUCCESS;
}

static int64_t score(void *priv, const struct ck_sched_cycle *c, int idx,
		     const struct ck_sched_pod *pod, const struct ck_sched_node *node)
{
	(void)priv, (void)c, (void)idx;
	int64_t count = 0;
	for (size_t i = 0; i < node->n_taints; i++) {
		const struct ck_api_taint *t = &node->taints[i];
		if (t->effect != CK_TAINT_PREFER_NO_SCHEDULE)
			continue;
		/* Only tolerations with an empty or PreferNoSchedule effect count here. */
		bool tolerated = false;
		for (size_t j = 0; j < pod->n_tolerations && !tolerated; j++) {
			const struct ck_api_toleration *tol = &pod->tolerations[j];
			if (tol->effect != CK_TAINT_EFFECT_ANY &&
			    tol->effect != CK_TAINT_PREFER_NO_SCHEDULE)
				continue;
			tolerated = ck_api_toleration_tolerates(tol, t);
		}
		if (!tolerated)
			count++;
	}
	return count;
}

static void normalize(void *priv, const struct ck_sched_cycle *c, int idx,
		      const struct ck_sched_pod *pod, struct ck_sched_node *const *nodes,
		      int64_t *scores, size_t n)
{
	(void)priv, (void)c, (void)idx, (void)pod, (void)nodes;
	ck_sched_default_normalize(CK_SCHED_MAX_NODE_SCORE, true, scores, n);
}

const struct ck_sched_plugin_ops ck_sched_plugin_taint_toleration = {
	.name = "TaintToleration",
	.default_weight = 3,
	.filter = filter,
	.score = score,
	.normalize = normalize,
};
