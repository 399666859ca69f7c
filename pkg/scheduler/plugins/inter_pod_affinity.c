/*
 * InterPodAffinity: required and preferred pod affinity and anti-affinity,
 * the incoming pod's and the existing pods' (symmetry), counted per
 * topology pair (topologyKey, the node's value) in PreFilter and PreScore.
 *
 * Filter, in upstream's order:
 *  - an existing pod's required anti-affinity that matches the incoming pod
 *    forbids its domain: "node(s) didn't satisfy existing pods anti-affinity rules";
 *  - the pod's required anti-affinity forbids domains holding matching pods:
 *    "node(s) didn't match pod anti-affinity rules";
 *  - the pod's required affinity needs, for every term, a matching pod in
 *    the node's domain (or no matching pod anywhere and the pod matching its
 *    own terms: the first of a group): "node(s) didn't match pod affinity rules".
 * Score sums preferred weights (anti-affinity negative; an existing pod's
 * required affinity counts hardPodAffinityWeight, 1) over the node's
 * domains, normalised to 0..100 between the lowest and highest.
 *
 * namespaceSelector is honoured only as {} (every namespace).
 */
#include <errno.h>
#include <string.h>

#include "plugins.h"
#include "util/str.h"

#define HARD_POD_AFFINITY_WEIGHT 1

struct filter_state {
	struct ck_hashmap existing_anti; /* pairs forbidden by existing pods */
	struct ck_hashmap affinity;	 /* pairs with pods matching all affinity terms */
	struct ck_hashmap anti;		 /* pairs with pods matching an anti-affinity term */
};

static void filter_state_free(void *p)
{
	struct filter_state *s = p;
	ck_hashmap_release(&s->existing_anti);
	ck_hashmap_release(&s->affinity);
	ck_hashmap_release(&s->anti);
	free(s);
}

static bool matches_all(const struct ck_sched_affinity_terms *ts, const char *owner_ns,
			const struct ck_sched_pod *p)
{
	for (size_t i = 0; i < ts->n; i++)
		if (!ck_sched_term_matches(&ts->t[i], owner_ns, p))
			return false;
	return ts->n > 0;
}

static enum ck_sched_code pre_filter(void *priv, struct ck_sched_cycle *c, int idx,
				     const struct ck_sched_pod *pod, struct ck_sched_status *st)
{
	(void)priv, (void)st;
	struct filter_state *s = ck_calloc(1, sizeof(*s));
	ck_hashmap_init(&s->existing_anti, NULL);
	ck_hashmap_init(&s->affinity, NULL);
	ck_hashmap_init(&s->anti, NULL);
	bool own = pod->affinity_req.n || pod->anti_req.n;
	if (!own && c->summaries && c->pods_with_affinity == 0) {
		filter_state_free(s);
		return CK_SCHED_SKIP;
	}
	for (size_t j = 0; j < c->n_nodes; j++) {
		const struct ck_sched_node *node = c->nodes[j];
		if (!own && node->n_pods_with_affinity == 0)
			continue;
		for (size_t k = 0; k < node->n_pods; k++) {
			const struct ck_sched_pod *e = node->pods[k];
			for (size_t t = 0; t < e->anti_req.n; t++) {
				const struct ck_sched_affinity_term *term = &e->anti_req.t[t];
				const char *v = ck_sched_node_label(node, term->topology_key);
				if (v && ck_sched_term_matches(term, e->ns, pod))
					ck_sched_pair_add(&s->existing_anti, term->topology_key, v,
							  1);
			}
			if (!own)
				continue;
			if (matches_all(&pod->affinity_req, pod->ns, e)) {
				for (size_t t = 0; t < pod->affinity_req.n; t++) {
					const char *key = pod->affinity_req.t[t].topology_key;
					const char *v = ck_sched_node_label(node, key);
					if (v)
						ck_sched_pair_add(&s->affinity, key, v, 1);
				}
			}
			for (size_t t = 0; t < pod->anti_req.n; t++) {
				const struct ck_sched_affinity_term *term = &pod->anti_req.t[t];
				const char *v = ck_sched_node_label(node, term->topology_key);
				if (v && ck_sched_term_matches(term, pod->ns, e))
					ck_sched_pair_add(&s->anti, term->topology_key, v, 1);
			}
		}
	}
	if (!own && ck_hashmap_count(&s->existing_anti) == 0) {
		filter_state_free(s);
		return CK_SCHED_SKIP;
	}
	c->state[idx] = s;
	c->state_free[idx] = filter_state_free;
	return CK_SCHED_SUCCESS;
}

struct label_check {
	const struct ck_hashmap *m;
	bool hit;
};

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv;
	const struct filter_state *s = c->state[idx];
	if (!s)
		return CK_SCHED_SUCCESS;
	if (ck_hashmap_count(&s->existing_anti) && node->labels) {
		json_object_object_foreach (node->labels, k, v) {
			if (json_object_is_type(v, json_type_string) &&
			    ck_sched_pair_get(&s->existing_anti, k, json_object_get_string(v)) > 0)
				return ck_sched_status_fail(
				    st, CK_SCHED_UNSCHEDULABLE,
				    "node(s) didn't satisfy existing pods anti-affinity rules");
		}
	}
	for (size_t t = 0; t < pod->anti_req.n; t++) {
		const char *key = pod->anti_req.t[t].topology_key;
		const char *v = ck_sched_node_label(node, key);
		if (v && ck_sched_pair_get(&s->anti, key, v) > 0)
			return ck_sched_status_fail(st, CK_SCHED_UNSCHEDULABLE,
						    "node(s) didn't match pod anti-affinity rules");
	}
	if (pod->affinity_req.n) {
		bool exist = true;
		for (size_t t = 0; t < pod->affinity_req.n; t++) {
			const char *key = pod->affinity_req.t[t].topology_key;
			const char *v = ck_sched_node_label(node, key);
			if (!v)
				return ck_sched_status_fail(
				    st, CK_SCHED_UNRESOLVABLE,
				    "node(s) didn't match pod affinity rules");
			if (ck_sched_pair_get(&s->affinity, key, v) <= 0)
				exist = false;
		}
		if (!exist && !(ck_hashmap_count(&s->affinity) == 0 &&
				matches_all(&pod->affinity_req, pod->ns, pod)))
			return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE,
						    "node(s) didn't match pod affinity rules");
	}
	return CK_SCHED_SUCCESS;
}

struct score_state {
	struct ck_hashmap scores; /* topology pair -> summed weight */
	char **keys;		  /* distinct topology keys, NULL-terminated */
	size_t n_keys;
};

static void score_state_free(void *p)
{
	struct score_state *s = p;
	ck_hashmap_release(&s->scores);
	ck_strv_free(s->keys);
	free(s);
}

static void add_score(struct score_state *s, const struct ck_sched_node *node, const char *key,
		      intptr_t w)
{
	const char *v = ck_sched_node_label(node, key);
	if (!v || w == 0)
		return;
	ck_sched_pair_add(&s->scores, key, v, w);
	for (size_t i = 0; i < s->n_keys; i++)
		if (ck_streq(s->keys[i], key))
			return;
	s->keys = ck_realloc(s->keys, (s->n_keys + 2) * sizeof(char *));
	s->keys[s->n_keys++] = ck_strdup(key);
	s->keys[s->n_keys] = NULL;
}

static void score_terms(struct score_state *s, const struct ck_sched_node *node,
			const struct ck_sched_affinity_terms *ts, const char *owner_ns,
			const struct ck_sched_pod *target, int sign, bool hard)
{
	for (size_t t = 0; t < ts->n; t++) {
		const struct ck_sched_affinity_term *term = &ts->t[t];
		if (ck_sched_term_matches(term, owner_ns, target))
			add_score(s, node, term->topology_key,
				  sign * (hard ? HARD_POD_AFFINITY_WEIGHT : term->weight));
	}
}

static enum ck_sched_code pre_score(void *priv, struct ck_sched_cycle *c, int idx,
				    const struct ck_sched_pod *pod,
				    struct ck_sched_node *const *nodes, size_t n)
{
	(void)priv, (void)nodes, (void)n;
	struct score_state *s = ck_calloc(1, sizeof(*s));
	ck_hashmap_init(&s->scores, NULL);
	bool own = pod->affinity_pref.n || pod->anti_pref.n;
	if (!own && c->summaries && c->pods_with_affinity == 0) {
		score_state_free(s);
		return CK_SCHED_SKIP;
	}
	for (size_t j = 0; j < c->n_nodes; j++) {
		const struct ck_sched_node *node = c->nodes[j];
		if (!own && node->n_pods_with_affinity == 0)
			continue;
		for (size_t k = 0; k < node->n_pods; k++) {
			const struct ck_sched_pod *e = node->pods[k];
			score_terms(s, node, &pod->affinity_pref, pod->ns, e, 1, false);
			score_terms(s, node, &pod->anti_pref, pod->ns, e, -1, false);
			score_terms(s, node, &e->affinity_req, e->ns, pod, 1, true);
			score_terms(s, node, &e->affinity_pref, e->ns, pod, 1, false);
			score_terms(s, node, &e->anti_pref, e->ns, pod, -1, false);
		}
	}
	if (s->n_keys == 0) {
		score_state_free(s);
		return CK_SCHED_SKIP;
	}
	c->state[idx] = s;
	c->state_free[idx] = score_state_free;
	return CK_SCHED_SUCCESS;
}

static int64_t score(void *priv, const struct ck_sched_cycle *c, int idx,
		     const struct ck_sched_pod *pod, const struct ck_sched_node *node)
{
	(void)priv, (void)pod;
	const struct score_state *s = c->state[idx];
	if (!s)
		return 0;
	int64_t sc = 0;
	for (size_t i = 0; i < s->n_keys; i++) {
		const char *v = ck_sched_node_label(node, s->keys[i]);
		if (v)
			sc += ck_sched_pair_get(&s->scores, s->keys[i], v);
	}
	return sc;
}

static void normalize(void *priv, const struct ck_sched_cycle *c, int idx,
		      const struct ck_sched_pod *pod, struct ck_sched_node *const *nodes,
		      int64_t *scores, size_t n)
{
	(void)priv, (void)pod, (void)nodes;
	if (!c->state[idx] || n == 0)
		return;
	int64_t min = scores[0], max = scores[0];
	for (size_t j = 1; j < n; j++) {
		if (scores[j] < min)
			min = scores[j];
		if (scores[j] > max)
			max = scores[j];
	}
	for (size_t j = 0; j < n; j++)
		scores[j] =
		    max > min ? CK_SCHED_MAX_NODE_SCORE * (scores[j] - min) / (max - min) : 0;
}

const struct ck_sched_plugin_ops ck_sched_plugin_inter_pod_affinity = {
	.name = "InterPodAffinity",
	.default_weight = 2,
	.pre_filter = pre_filter,
	.filter = filter,
	.pre_score = pre_score,
	.score = score,
	.normalize = normalize,
};
