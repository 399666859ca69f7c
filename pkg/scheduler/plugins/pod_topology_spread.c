/*
 * PodTopologySpread: spreads matching pods across topology domains.
 * Filter (whenUnsatisfiable: DoNotSchedule): the skew a node's domain would
 * have with the pod (its matching pods + 1 when the pod matches itself −
 * the fewest in any eligible domain, 0 when there are fewer domains than
 * minDomains) must not pass maxSkew. Score (ScheduleAnyway): fewer
 * matching pods in the node's domains is better, each constraint weighted
 * by log(domains + 2), normalised as upstream.
 *
 * Pods without constraints of their own get the defaults (defaultingType
 * System: hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway; List: the
 * args' defaultConstraints) when a controller owns them. Upstream selects
 * by the owning Services/ReplicaSets/StatefulSets' selectors; ckube uses
 * the pod's own labels, which those selectors match.
 *
 * Eligible nodes are those the pod's node affinity/selector admits
 * (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore: the defaults) and
 * that have every constraint's topology key.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "plugins.h"
#include "util/str.h"

#define HOSTNAME_KEY "kubernetes.io/hostname"
#define ZONE_KEY "topology.kubernetes.io/zone"
#define MAX_CONSTRAINTS 8

struct constraint {
	int32_t max_skew;
	const char *key;
	bool do_not_schedule;
	int32_t min_domains;
	const struct ck_label_selector *selector;
	bool self_match;
};

struct defaults {
	bool list; /* defaultingType List */
	struct ck_sched_spread *constraints;
	size_t n;
};

static void defaults_free(void *priv)
{
	struct defaults *d = priv;
	for (size_t i = 0; i < d->n; i++)
		free(d->constraints[i].topology_key);
	free(d->constraints);
	free(d);
}

static int init(json_object *args, void **ret_priv, char **ret_err)
{
	struct defaults *d = ck_calloc(1, sizeof(*d));
	json_object *v = NULL;
	if (args && json_object_object_get_ex(args, "defaultingType", &v)) {
		const char *t = json_object_get_string(v);
		if (ck_streq(t, "List")) {
			d->list = true;
		} else if (!ck_streq(t, "System")) {
			*ret_err = ck_strdup("defaultingType: Unsupported value: supported values: "
					     "\"System\", \"List\"");
			free(d);
			return -EINVAL;
		}
	}
	json_object *dc = NULL;
	if (d->list && json_object_object_get_ex(args, "defaultConstraints", &dc) &&
	    json_object_is_type(dc, json_type_array)) {
		size_t n = json_object_array_length(dc);
		d->constraints = ck_calloc(n + 1, sizeof(*d->constraints));
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_array_get_idx(dc, i), *x = NULL;
			struct ck_sched_spread *s = &d->constraints[d->n++];
			s->max_skew = json_object_object_get_ex(o, "maxSkew", &x)
					  ? json_object_get_int(x)
					  : 1;
			s->topology_key = ck_strdup(json_object_object_get_ex(o, "topologyKey", &x)
							? json_object_get_string(x)
							: "");
			s->do_not_schedule =
			    !(json_object_object_get_ex(o, "whenUnsatisfiable", &x) &&
			      ck_streq(json_object_get_string(x), "ScheduleAnyway"));
			s->min_domains = 1;
		}
	}
	*ret_priv = d;
	return 0;
}

/* The constraints that apply to pod, filtering or scoring ones; returns how many. */
static size_t constraints_of(const struct defaults *d, const struct ck_sched_pod *pod,
			     bool filtering, struct constraint *out,
			     struct ck_label_selector **ret_default_selector)
{
	size_t n = 0;
	*ret_default_selector = NULL;
	if (pod->n_spread) {
		for (size_t i = 0; i < pod->n_spread && n < MAX_CONSTRAINTS; i++) {
			const struct ck_sched_spread *s = &pod->spread[i];
			if (s->do_not_schedule != filtering)
				continue;
			out[n++] = (struct constraint){ s->max_skew,	    s->topology_key,
							s->do_not_schedule, s->min_domains,
							s->selector,	    s->self_match };
		}
		return n;
	}
	if (!pod->has_controller || !pod->labels || json_object_object_length(pod->labels) == 0)
		return 0;
	static const struct ck_sched_spread system[] = {
		{ .max_skew = 3, .topology_key = HOSTNAME_KEY, .min_domains = 1 },
		{ .max_skew = 5, .topology_key = ZONE_KEY, .min_domains = 1 },
	};
	const struct ck_sched_spread *list = d->list ? d->constraints : system;
	size_t nl = d->list ? d->n : CK_ARRAY_SIZE(system);
	for (size_t i = 0; i < nl && n < MAX_CONSTRAINTS; i++) {
		if (list[i].do_not_schedule != filtering)
			continue;
		if (!*ret_default_selector)
			*ret_default_selector = ck_labels_selector_from_set(pod->labels);
		out[n++] = (struct constraint){ list[i].max_skew,	 list[i].topology_key,
						list[i].do_not_schedule, list[i].min_domains,
						*ret_default_selector,	 true };
	}
	return n;
}

static int64_t count_matching(const struct ck_sched_node *node, const struct ck_sched_pod *pod,
			      const struct ck_label_selector *sel)
{
	int64_t n = 0;
	for (size_t i = 0; i < node->n_pods; i++) {
		const struct ck_sched_pod *p = node->pods[i];
		if (!p->terminating && ck_streq(p->ns, pod->ns) &&
		    ck_label_selector_matches(sel, p->labels))
			n++;
	}
	return n;
}

static bool has_keys(const struct ck_sched_node *node, const struct constraint *cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ck_sched_node_label(node, cs[i].key))
			return false;
	return true;
}

struct state {
	struct constraint cs[MAX_CONSTRAINTS];
	size_t n;
	struct ck_label_selector *default_selector;
	struct ck_hashmap counts; /* topology pair -> matching pods */
	int64_t min[MAX_CONSTRAINTS];
	double weight[MAX_CONSTRAINTS];
};

static void state_free(void *p)
{
	struct state *s = p;
	ck_hashmap_release(&s->counts);
	ck_label_selector_free(s->default_selector);
	free(s);
}

static enum ck_sched_code pre_filter(void *priv, struct ck_sched_cycle *c, int idx,
				     const struct ck_sched_pod *pod, struct ck_sched_status *st)
{
	(void)st;
	struct state *s = ck_calloc(1, sizeof(*s));
	ck_hashmap_init(&s->counts, NULL);
	s->n = constraints_of(priv, pod, true, s->cs, &s->default_selector);
	if (s->n == 0) {
		state_free(s);
		return CK_SCHED_SKIP;
	}
	for (size_t j = 0; j < c->n_nodes; j++) {
		const struct ck_sched_node *node = c->nodes[j];
		if (!has_keys(node, s->cs, s->n) ||
		    !ck_api_node_affinity_required_matches(&pod->node_affinity, node->labels,
							   node->name))
			continue;
		for (size_t i = 0; i < s->n; i++)
			ck_sched_pair_add(&s->counts, s->cs[i].key,
					  ck_sched_node_label(node, s->cs[i].key),
					  (intptr_t)count_matching(node, pod, s->cs[i].selector));
	}
	for (size_t i = 0; i < s->n; i++) {
		char prefix[400];
		size_t pl = strlen(ck_sched_pair_key(prefix, sizeof(prefix), s->cs[i].key, ""));
		int64_t min = INT64_MAX, domains = 0;
		for (struct ck_hashmap_entry *e = ck_hashmap_first(&s->counts); e;
		     e = ck_hashmap_next(&s->counts, e)) {
			if (strncmp(e->key, prefix, pl) != 0)
				continue;
			domains++;
			if ((intptr_t)e->value < min)
				min = (intptr_t)e->value;
		}
		s->min[i] = domains < s->cs[i].min_domains || min == INT64_MAX ? 0 : min;
	}
	c->state[idx] = s;
	c->state_free[idx] = state_free;
	return CK_SCHED_SUCCESS;
}

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)pod;
	const struct state *s = c->state[idx];
	if (!s)
		return CK_SCHED_SUCCESS;
	for (size_t i = 0; i < s->n; i++) {
		const char *v = ck_sched_node_label(node, s->cs[i].key);
		if (!v)
			return ck_sched_status_fail(st, CK_SCHED_UNRESOLVABLE,
						    "node(s) didn't match pod topology spread "
						    "constraints (missing required label)");
		int64_t match = ck_sched_pair_get(&s->counts, s->cs[i].key, v);
		int64_t skew = match + (s->cs[i].self_match ? 1 : 0) - s->min[i];
		if (skew > s->cs[i].max_skew)
			return ck_sched_status_fail(
			    st, CK_SCHED_UNSCHEDULABLE,
			    "node(s) didn't match pod topology spread constraints");
	}
	return CK_SCHED_SUCCESS;
}

static enum ck_sched_code pre_score(void *priv, struct ck_sched_cycle *c, int idx,
				    const struct ck_sched_pod *pod,
				    struct ck_sched_node *const *nodes, size_t n)
{
	struct state *s = ck_calloc(1, sizeof(*s));
	ck_hashmap_init(&s->counts, NULL);
	s->n = constraints_of(priv, pod, false, s->cs, &s->default_selector);
	if (s->n == 0) {
		state_free(s);
		return CK_SCHED_SKIP;
	}
	/* The domains of the candidate nodes, then the matching pods in them. */
	size_t candidates = 0;
	for (size_t j = 0; j < n; j++) {
		if (!has_keys(nodes[j], s->cs, s->n))
			continue;
		candidates++;
		for (size_t i = 0; i < s->n; i++)
			if (!ck_streq(s->cs[i].key, HOSTNAME_KEY))
				ck_sched_pair_add(&s->counts, s->cs[i].key,
						  ck_sched_node_label(nodes[j], s->cs[i].key), 0);
	}
	for (size_t i = 0; i < s->n; i++) {
		size_t domains = 0;
		if (ck_streq(s->cs[i].key, HOSTNAME_KEY)) {
			domains = candidates;
		} else {
			char prefix[400];
			size_t pl =
			    strlen(ck_sched_pair_key(prefix, sizeof(prefix), s->cs[i].key, ""));
			for (struct ck_hashmap_entry *e = ck_hashmap_first(&s->counts); e;
			     e = ck_hashmap_next(&s->counts, e))
				domains += strncmp(e->key, prefix, pl) == 0;
		}
		s->weight[i] = log((double)domains + 2);
	}
	for (size_t j = 0; j < c->n_nodes; j++) {
		const struct ck_sched_node *node = c->nodes[j];
		if (!has_keys(node, s->cs, s->n) ||
		    !ck_api_node_affinity_required_matches(&pod->node_affinity, node->labels,
							   node->name))
			continue;
		for (size_t i = 0; i < s->n; i++) {
			const char *v = ck_sched_node_label(node, s->cs[i].key);
			char buf[512];
			if (ck_streq(s->cs[i].key, HOSTNAME_KEY) ||
			    !ck_hashmap_has(&s->counts,
					    ck_sched_pair_key(buf, sizeof(buf), s->cs[i].key, v)))
				continue;
			ck_sched_pair_add(&s->counts, s->cs[i].key, v,
					  (intptr_t)count_matching(node, pod, s->cs[i].selector));
		}
	}
	c->state[idx] = s;
	c->state_free[idx] = state_free;
	return CK_SCHED_SUCCESS;
}

static int64_t score(void *priv, const struct ck_sched_cycle *c, int idx,
		     const struct ck_sched_pod *pod, const struct ck_sched_node *node)
{
	(void)priv;
	const struct state *s = c->state[idx];
	if (!s || !has_keys(node, s->cs, s->n))
		return 0;
	double sc = 0;
	for (size_t i = 0; i < s->n; i++) {
		int64_t cnt;
		if (ck_streq(s->cs[i].key, HOSTNAME_KEY))
			cnt = count_matching(node, pod, s->cs[i].selector);
		else
			cnt = ck_sched_pair_get(&s->counts, s->cs[i].key,
						ck_sched_node_label(node, s->cs[i].key));
		sc += (double)cnt * s->weight[i] + (double)(s->cs[i].max_skew - 1);
	}
	return (int64_t)llround(sc);
}

static void normalize(void *priv, const struct ck_sched_cycle *c, int idx,
		      const struct ck_sched_pod *pod, struct ck_sched_node *const *nodes,
		      int64_t *scores, size_t n)
{
	(void)priv, (void)pod;
	const struct state *s = c->state[idx];
	if (!s)
		return;
	int64_t min = INT64_MAX, max = INT64_MIN;
	for (size_t j = 0; j < n; j++) {
		if (!has_keys(nodes[j], s->cs, s->n))
			continue;
		if (scores[j] < min)
			min = scores[j];
		if (scores[j] > max)
			max = scores[j];
	}
	for (size_t j = 0; j < n; j++) {
		if (!has_keys(nodes[j], s->cs, s->n))
			scores[j] = 0;
		else if (max == 0)
			scores[j] = CK_SCHED_MAX_NODE_SCORE;
		else
			scores[j] = CK_SCHED_MAX_NODE_SCORE * (max + min - scores[j]) / max;
	}
}

const struct ck_sched_plugin_ops ck_sched_plugin_pod_topology_spread = {
	.name = "PodTopologySpread",
	.default_weight = 2,
	.init = init,
	.release = defaults_free,
	.pre_filter = pre_filter,
	.filter = filter,
	.pre_score = pre_score,
	.score = score,
	.normalize = normalize,
};
