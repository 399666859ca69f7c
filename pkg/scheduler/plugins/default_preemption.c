/*
 * DefaultPreemption (PostFilter): when a pod fits nowhere, find nodes where
 * evicting lower-priority pods would let it fit, pick one as upstream's
 * pickOneNodeForPreemption does (lowest highest-victim priority, then
 * lowest priority sum, then fewest victims), evict the victims (graceful
 * deletion) and nominate the node.
 *
 * Per node (only those whose filters said Unschedulable: an unresolvable
 * failure cannot be helped): every lower-priority pod is removed, the
 * filters must pass, then victims are reprieved from the most important
 * down while the pod still fits. PodDisruptionBudgets are not consulted
 * (a ckube gap), and the PreFilter state of cluster-wide plugins is not
 * updated for the removed pods.
 *
 * Not eligible: preemptionPolicy Never, or a pod already nominated to a
 * node where a lower-priority pod is still terminating (it waits for it).
 */
#include <stdio.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "util/str.h"

struct candidate {
	size_t node;
	struct ck_sched_pod **victims;
	size_t n;
	int64_t max_priority, sum_priority;
};

static int more_important(const void *a, const void *b)
{
	const struct ck_sched_pod *x = *(struct ck_sched_pod *const *)a;
	const struct ck_sched_pod *y = *(struct ck_sched_pod *const *)b;
	return x->priority > y->priority ? -1 : x->priority < y->priority;
}

/* Victims for pod on node, or false when evicting every lower-priority pod does not help. */
static bool select_victims(const struct ck_sched_cycle *c, const struct ck_sched_pod *pod,
			   const struct ck_sched_node *node, struct candidate *ret)
{
	struct ck_sched_node *n = ck_sched_node_clone(node);
	struct ck_sched_pod **potential = ck_calloc(node->n_pods + 1, sizeof(*potential));
	size_t np = 0;
	for (size_t i = 0; i < node->n_pods; i++)
		if (node->pods[i]->priority < pod->priority)
			potential[np++] = ck_sched_pod_ref(node->pods[i]);
	for (size_t i = 0; i < np; i++)
		ck_sched_node_remove_pod(n, potential[i]->key);
	struct ck_sched_status st = { 0 };
	bool ok = np > 0 && ck_sched_run_filters(c, pod, n, &st) == CK_SCHED_SUCCESS;
	if (ok) {
		qsort(potential, np, sizeof(*potential), more_important);
		ret->victims = ck_calloc(np, sizeof(*ret->victims));
		ret->n = 0;
		ret->max_priority = INT64_MIN;
		ret->sum_priority = 0;
		for (size_t i = 0; i < np; i++) {
			ck_sched_node_add_pod(n, potential[i]);
			memset(&st, 0, sizeof(st));
			if (ck_sched_run_filters(c, pod, n, &st) == CK_SCHED_SUCCESS)
				continue; /* reprieved */
			ck_sched_node_remove_pod(n, potential[i]->key);
			ret->victims[ret->n++] = ck_sched_pod_ref(potential[i]);
			if (potential[i]->priority > ret->max_priority)
				ret->max_priority = potential[i]->priority;
			ret->sum_priority += potential[i]->priority;
		}
	}
	for (size_t i = 0; i < np; i++)
		ck_sched_pod_unref(potential[i]);
	free(potential);
	ck_sched_node_free(n);
	return ok;
}

static bool better(const struct candidate *a, const struct candidate *b)
{
	if (a->max_priority != b->max_priority)
		return a->max_priority < b->max_priority;
	if (a->sum_priority != b->sum_priority)
		return a->sum_priority < b->sum_priority;
	return a->n < b->n;
}

static void candidate_release(struct candidate *c)
{
	for (size_t i = 0; i < c->n; i++)
		ck_sched_pod_unref(c->victims[i]);
	free(c->victims);
	memset(c, 0, sizeof(*c));
}

static bool terminating_lower_on(const struct ck_sched_cycle *c, const char *node_name,
				 const struct ck_sched_pod *pod)
{
	for (size_t j = 0; j < c->n_nodes; j++) {
		if (!ck_streq(c->nodes[j]->name, node_name))
			continue;
		for (size_t i = 0; i < c->nodes[j]->n_pods; i++)
			if (c->nodes[j]->pods[i]->terminating &&
			    c->nodes[j]->pods[i]->priority < pod->priority)
				return true;
	}
	return false;
}

static enum ck_sched_code post_filter(void *priv, struct ck_sched_cycle *c,
				      const struct ck_sched_pod *pod,
				      struct ck_sched_status *const *statuses, char **ret_node,
				      char **ret_msg)
{
	(void)priv;
	if (pod->preempt_never) {
		*ret_msg = ck_strdup("not eligible due to preemptionPolicy=Never.");
		return CK_SCHED_UNSCHEDULABLE;
	}
	char *nominated = c->sched ? ck_scheduler_nominated_node(c->sched, pod) : NULL;
	if (!nominated && *pod->nominated_node_name)
		nominated = ck_strdup(pod->nominated_node_name);
	bool waiting = nominated && terminating_lower_on(c, nominated, pod);
	free(nominated);
	if (waiting) {
		*ret_msg =
		    ck_strdup("not eligible due to a terminating pod on the nominated node.");
		return CK_SCHED_UNSCHEDULABLE;
	}

	struct ck_sched_status *why = ck_calloc(c->n_nodes + 1, sizeof(*why));
	struct candidate best = { 0 }, cand;
	bool have = false;
	for (size_t j = 0; j < c->n_nodes; j++) {
		why[j].code = CK_SCHED_UNSCHEDULABLE;
		if (statuses[j] && statuses[j]->code == CK_SCHED_UNRESOLVABLE) {
			ck_sched_status_fail(&why[j], CK_SCHED_UNRESOLVABLE,
					     "Preemption is not helpful for scheduling");
			continue;
		}
		memset(&cand, 0, sizeof(cand));
		if (!select_victims(c, pod, c->nodes[j], &cand) || cand.n == 0) {
			candidate_release(&cand);
			ck_sched_status_fail(&why[j], CK_SCHED_UNSCHEDULABLE,
					     "No preemption victims found for incoming pod");
			continue;
		}
		cand.node = j;
		why[j].code = CK_SCHED_SUCCESS;
		if (!have || better(&cand, &best)) {
			candidate_release(&best);
			best = cand;
			have = true;
		} else {
			candidate_release(&cand);
		}
	}
	enum ck_sched_code code = CK_SCHED_SUCCESS;
	if (!have) {
		struct ck_sched_status **ptrs = ck_calloc(c->n_nodes + 1, sizeof(*ptrs));
		for (size_t j = 0; j < c->n_nodes; j++)
			ptrs[j] = &why[j];
		*ret_msg = ck_sched_fit_error(c->n_nodes, ptrs, c->n_nodes, NULL, NULL);
		free(ptrs);
		code = CK_SCHED_UNSCHEDULABLE;
	} else {
		const char *node = c->nodes[best.node]->name;
		if (c->sched &&
		    ck_scheduler_preempt(c->sched, pod, node, best.victims, best.n) < 0) {
			*ret_msg = ck_strdup("unable to evict the preemption victims");
			code = CK_SCHED_ERROR;
		} else {
			*ret_node = ck_strdup(node);
		}
	}
	candidate_release(&best);
	free(why);
	return code;
}

const struct ck_sched_plugin_ops ck_sched_plugin_default_preemption = {
	.name = "DefaultPreemption",
	.post_filter = post_filter,
};
