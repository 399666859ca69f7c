/*
 * DefaultPreemption (PostFilter): when a pod fits nowhere, find nodes where
 * evicting lower-priority pods would let it fit, pick one as upstream's
 * pickOneNodeForPreemption does (fewest PodDisruptionBudget violations,
 * then lowest highest-victim priority, then lowest priority sum, then
 * fewest victims), evict the victims (a plain delete: each victim's own
 * terminationGracePeriodSeconds applies) and nominate the node.
 *
 * Per node (only those whose filters said Unschedulable: an unresolvable
 * failure cannot be helped): every lower-priority pod is removed, the
 * filters must pass, then victims are reprieved from the most important
 * down while the pod still fits, as upstream's selectVictimsOnNode: first
 * those whose eviction would violate a PodDisruptionBudget (a budget of the
 * victim's namespace whose selector matches it, with no disruptions
 * allowed left once the more important victims took theirs; pods already
 * in its status.disruptedPods do not count), then the others. The
 * PreFilter state of cluster-wide plugins is not updated for the removed
 * pods, and ties are not broken by start time (ckube gaps).
 *
 * Not eligible: preemptionPolicy Never, or a pod already nominated to a
 * node where a lower-priority pod is still terminating (it waits for it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "scheduler/scheduler.h"
#include "util/str.h"

struct candidate {
	size_t node;
	struct ck_sched_pod **victims;
	size_t n;
	size_t pdb_violations; /* victims whose eviction violates a budget */
	int64_t max_priority, sum_priority;
};

static int more_important(const void *a, const void *b)
{
	const struct ck_sched_pod *x = *(struct ck_sched_pod *const *)a;
	const struct ck_sched_pod *y = *(struct ck_sched_pod *const *)b;
	return x->priority > y->priority ? -1 : x->priority < y->priority;
}

static bool in_disrupted(const struct ck_sched_pdb *b, const char *name)
{
	for (size_t i = 0; b->disrupted_pods[i]; i++)
		if (ck_streq(b->disrupted_pods[i], name))
			return true;
	return false;
}

/*
 * Upstream's filterPodsWithPDBViolation: marks violating[i] for the pods
 * (in order of importance) whose eviction would take a matching budget
 * below zero disruptions allowed.
 */
static void mark_pdb_violations(const struct ck_sched_pdb *pdbs, size_t n_pdbs,
				struct ck_sched_pod *const *pods, size_t n, bool *violating)
{
	if (n_pdbs == 0)
		return;
	int32_t *allowed = ck_calloc(n_pdbs, sizeof(*allowed));
	for (size_t k = 0; k < n_pdbs; k++)
		allowed[k] = pdbs[k].disruptions_allowed;
	for (size_t i = 0; i < n; i++) {
		const struct ck_sched_pod *p = pods[i];
		if (!p->labels || json_object_object_length(p->labels) == 0)
			continue; /* a pod without labels matches no budget */
		for (size_t k = 0; k < n_pdbs; k++) {
			const struct ck_sched_pdb *b = &pdbs[k];
			if (!ck_streq(b->ns, p->ns) || ck_label_selector_empty(b->selector) ||
			    !ck_label_selector_matches(b->selector, p->labels))
				continue;
			/* already counted by the API server's eviction */
			if (in_disrupted(b, p->name))
				continue;
			if (--allowed[k] < 0)
				violating[i] = true;
		}
	}
	free(allowed);
}

/* Puts victim back on n if pod still fits there (true); else records it in ret. */
static bool reprieve(const struct ck_sched_cycle *c, const struct ck_sched_pod *pod,
		     struct ck_sched_node *n, struct ck_sched_pod *victim, struct candidate *ret)
{
	struct ck_sched_status st = { 0 };
	ck_sched_node_add_pod(n, victim);
	if (ck_sched_run_filters(c, pod, n, &st) == CK_SCHED_SUCCESS)
		return true;
	ck_sched_node_remove_pod(n, victim->key);
	ret->victims[ret->n++] = ck_sched_pod_ref(victim);
	if (victim->priority > ret->max_priority)
		ret->max_priority = victim->priority;
	ret->sum_priority += victim->priority;
	return false;
}

/* Victims for pod on node, or false when evicting every lower-priority pod does not help. */
static bool select_victims(const struct ck_sched_cycle *c, const struct ck_sched_pdb *pdbs,
			   size_t n_pdbs, const struct ck_sched_pod *pod,
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
	/*
	 * ck_sched_run_filters counts the pods an earlier preemption nominated
	 * here: a second preemptor does not pick the same victims before their
	 * deletion reaches the cache.
	 */
	struct ck_sched_status st = { 0 };
	bool ok = np > 0 && ck_sched_run_filters(c, pod, n, &st) == CK_SCHED_SUCCESS;
	if (ok) {
		qsort(potential, np, sizeof(*potential), more_important);
		bool *violating = ck_calloc(np + 1, sizeof(*violating));
		mark_pdb_violations(pdbs, n_pdbs, potential, np, violating);
		ret->victims = ck_calloc(np, sizeof(*ret->victims));
		ret->n = 0;
		ret->pdb_violations = 0;
		ret->max_priority = INT64_MIN;
		ret->sum_priority = 0;
		/* the violating ones get the first chance to stay, then the others */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < np; i++) {
				if (violating[i] != (pass == 0))
					continue;
				if (!reprieve(c, pod, n, potential[i], ret) && violating[i])
					ret->pdb_violations++;
			}
		}
		free(violating);
	}
	for (size_t i = 0; i < np; i++)
		ck_sched_pod_unref(potential[i]);
	free(potential);
	ck_sched_node_free(n);
	return ok;
}

static bool better(const struct candidate *a, const struct candidate *b)
{
	if (a->pdb_violations != b->pdb_violations)
		return a->pdb_violations < b->pdb_violations;
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

	struct ck_sched_pdb *owned_pdbs = NULL;
	const struct ck_sched_pdb *pdbs = c->pdbs;
	size_t n_pdbs = c->n_pdbs;
	if (c->sched) {
		ck_scheduler_pdbs(c->sched, &owned_pdbs, &n_pdbs);
		pdbs = owned_pdbs;
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
		if (!select_victims(c, pdbs, n_pdbs, pod, c->nodes[j], &cand) || cand.n == 0) {
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
	ck_sched_pdbs_free(owned_pdbs, n_pdbs);
	return code;
}

const struct ck_sched_plugin_ops ck_sched_plugin_default_preemption = {
	.name = "DefaultPreemption",
	.post_filter = post_filter,
};
