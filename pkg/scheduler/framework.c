/*
 * Running a profile's plugins over a snapshot of the nodes: one pod's
 * scheduling algorithm (upstream schedule_one.go schedulePod,
 * findNodesThatFitPod, prioritizeNodes, selectHost), without side effects
 * except what PostFilter plugins do.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "client/ratelimit.h"
#include "scheduler/scheduler.h"
#include "util/buf.h"
#include "util/parallel.h"
#include "util/str.h"

#define MIN_FEASIBLE_NODES_TO_FIND 100
#define MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND 5

int64_t ck_sched_num_feasible_nodes_to_find(int percentage, int64_t num_all_nodes)
{
	if (num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND)
		return num_all_nodes;
	int64_t pct = percentage;
	if (pct <= 0) {
		pct = 50 - num_all_nodes / 125;
		if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
			pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
	}
	if (pct > 100)
		pct = 100;
	int64_t n = num_all_nodes * pct / 100;
	return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/*
 * node with the cycle's nominated pods of at least pod's priority added
 * (owned), or NULL when none is nominated there. Upstream also filters
 * without them (for affinity to a nominated pod); ckube does not.
 */
static struct ck_sched_node *with_nominated(const struct ck_sched_cycle *c,
					    const struct ck_sched_pod *pod,
					    const struct ck_sched_node *node)
{
	struct ck_sched_node *n = NULL;
	for (size_t i = 0; i < c->n_nominations; i++) {
		const struct ck_sched_nomination *nm = &c->nominations[i];
		if (nm->pod->priority < pod->priority || !ck_streq(nm->node, node->name) ||
		    ck_streq(nm->pod->key, pod->key))
			continue;
		if (!n)
			n = ck_sched_node_clone(node);
		ck_sched_node_remove_pod(n, nm->pod->key); /* never twice */
		ck_sched_node_add_pod(n, nm->pod);
	}
	return n;
}

static enum ck_sched_code run_filters(const struct ck_sched_cycle *c,
				      const struct ck_sched_pod *pod,
				      const struct ck_sched_node *node, struct ck_sched_status *st)
{
	const struct ck_sched_profile *p = c->profile;
	st->code = CK_SCHED_SUCCESS;
	st->n_reasons = 0;
	st->plugin = NULL;
	for (int i = 0; i < p->n_filter; i++) {
		int idx = p->filter[i];
		const struct ck_sched_plugin_inst *pi = &p->plugins[idx];
		enum ck_sched_code code = pi->ops->filter(pi->priv, c, idx, pod, node, st);
		if (code != CK_SCHED_SUCCESS && code != CK_SCHED_SKIP) {
			st->code = code;
			st->plugin = pi->ops->name;
			return code;
		}
	}
	st->code = CK_SCHED_SUCCESS;
	return CK_SCHED_SUCCESS;
}

enum ck_sched_code ck_sched_run_filters(const struct ck_sched_cycle *c,
					const struct ck_sched_pod *pod,
					const struct ck_sched_node *node,
					struct ck_sched_status *st)
{
	struct ck_sched_node *with = c->n_nominations ? with_nominated(c, pod, node) : NULL;
	enum ck_sched_code code = run_filters(c, pod, with ? with : node, st);
	if (with)
		ck_sched_node_free(with);
	return code;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *ck_sched_fit_error(size_t num_all_nodes, struct ck_sched_status *const *sts, size_t n,
			 const char *pre_filter_msg, const char *post_filter_msg)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "0/%zu nodes are available:", num_all_nodes);
	if (pre_filter_msg && *pre_filter_msg) {
		ck_buf_addf(&b, " %s.", pre_filter_msg);
	} else {
		struct {
			const char *reason;
			size_t n;
		} *counts = ck_calloc(n * CK_SCHED_MAX_REASONS + 1, sizeof(*counts));
		size_t nc = 0;
		for (size_t j = 0; j < n; j++) {
			if (!sts[j] || sts[j]->code == CK_SCHED_SUCCESS)
				continue;
			for (int r = 0; r < sts[j]->n_reasons; r++) {
				size_t k = 0;
				while (k < nc && !ck_streq(counts[k].reason, sts[j]->reasons[r]))
					k++;
				if (k == nc)
					counts[nc++].reason = sts[j]->reasons[r];
				counts[k].n++;
			}
		}
		char **lines = ck_calloc(nc + 1, sizeof(char *));
		for (size_t k = 0; k < nc; k++) {
			char buf[CK_SCHED_REASON_MAX + 32];
			snprintf(buf, sizeof(buf), "%zu %s", counts[k].n, counts[k].reason);
			lines[k] = ck_strdup(buf);
		}
		/* Go's sort.Strings on "N reason": byte order, as upstream. */
		qsort(lines, nc, sizeof(char *), cmp_str);
		ck_buf_addc(&b, ' ');
		for (size_t k = 0; k < nc; k++)
			ck_buf_addf(&b, "%s%s", k ? ", " : "", lines[k]);
		ck_buf_addc(&b, '.');
		ck_strv_free(lines);
		free(counts);
	}
	if (post_filter_msg && *post_filter_msg)
		ck_buf_addf(&b, " %s.", post_filter_msg);
	return ck_buf_detach(&b, NULL);
}

void ck_sched_result_release(struct ck_sched_result *r)
{
	free(r->node);
	free(r->message);
	free(r->nominated_node);
	for (size_t j = 0; r->statuses && j < r->n_statuses; j++)
		free(r->statuses[j]);
	free(r->statuses);
	free(r->scores);
	memset(r, 0, sizeof(*r));
}

struct filter_job {
	struct ck_sched_cycle *c;
	const struct ck_sched_pod *pod;
	struct ck_sched_status **statuses;
	size_t start, n;
	int64_t to_find;
	size_t *feasible;
	atomic_llong found;
	atomic_llong processed;
};

static bool filter_one(void *ctx, size_t i)
{
	struct filter_job *j = ctx;
	if (atomic_load_explicit(&j->found, memory_order_relaxed) >= j->to_find)
		return false;
	size_t idx = (j->start + i) % j->n;
	struct ck_sched_status st;
	enum ck_sched_code code = ck_sched_run_filters(j->c, j->pod, j->c->nodes[idx], &st);
	if (code != CK_SCHED_SUCCESS) {
		/* only failures are kept: a passing node costs no allocation */
		j->statuses[idx] = ck_malloc(sizeof(st));
		*j->statuses[idx] = st;
	} else {
		long long k = atomic_fetch_add(&j->found, 1);
		if (k >= j->to_find)
			return false; /* another thread got there first: not counted */
		j->feasible[k] = idx;
	}
	atomic_fetch_add(&j->processed, 1);
	return true;
}

struct score_job {
	struct ck_sched_cycle *c;
	const struct ck_sched_pod *pod;
	struct ck_sched_node **nodes;
	int64_t **plugin_scores; /* [score plugin][feasible index] */
};

static bool score_one(void *ctx, size_t i)
{
	struct score_job *j = ctx;
	const struct ck_sched_profile *p = j->c->profile;
	for (int s = 0; s < p->n_score; s++) {
		int idx = p->score[s].idx;
		const struct ck_sched_plugin_inst *pi = &p->plugins[idx];
		j->plugin_scores[s][i] = pi->ops->score(pi->priv, j->c, idx, j->pod, j->nodes[i]);
	}
	return true;
}

static void all_nodes_status(struct ck_sched_result *ret, size_t n, enum ck_sched_code code,
			     const char *plugin, const char *reason)
{
	for (size_t j = 0; j < n; j++) {
		if (!ret->statuses[j])
			ret->statuses[j] = ck_malloc(sizeof(**ret->statuses));
		ret->statuses[j]->plugin = plugin;
		ret->statuses[j]->n_reasons = 0;
		ck_sched_status_fail(ret->statuses[j], code, "%s", reason);
	}
}

static void run_post_filter(struct ck_sched_cycle *c, const struct ck_sched_pod *pod,
			    struct ck_sched_result *ret, const char *pre_filter_msg)
{
	const struct ck_sched_profile *p = c->profile;
	char *post_msg = NULL;
	for (int i = 0; i < p->n_post_filter; i++) {
		const struct ck_sched_plugin_inst *pi = &p->plugins[p->post_filter[i]];
		char *msg = NULL, *node = NULL;
		enum ck_sched_code code =
		    pi->ops->post_filter(pi->priv, c, pod, ret->statuses, &node, &msg);
		free(post_msg);
		post_msg = NULL;
		if (msg) {
			/* upstream's DefaultPreemption prefixes its message */
			size_t len = strlen(msg) + 16;
			post_msg = ck_malloc(len);
			snprintf(post_msg, len, "preemption: %s", msg);
			free(msg);
		}
		if (code == CK_SCHED_SUCCESS) {
			ret->nominated_node = node;
			free(post_msg);
			post_msg = NULL;
			break;
		}
		free(node);
	}
	ret->message =
	    ck_sched_fit_error(c->n_nodes, ret->statuses, c->n_nodes, pre_filter_msg, post_msg);
	free(post_msg);
}

void ck_sched_schedule_pod(struct ck_sched_cycle *c, struct ck_parallel *pool,
			   const struct ck_sched_pod *pod, int percentage, size_t *start_index,
			   struct ck_sched_result *ret)
{
	const struct ck_sched_profile *p = c->profile;
	size_t n = c->n_nodes;
	memset(ret, 0, sizeof(*ret));
	ret->code = CK_SCHED_UNSCHEDULABLE;
	if (n == 0) {
		ret->message = ck_strdup("no nodes available to schedule pods");
		return;
	}
	ret->statuses = ck_calloc(n, sizeof(*ret->statuses));
	ret->n_statuses = n;

	/* PreFilter: a rejection applies to every node. */
	for (int i = 0; i < p->n_pre_filter; i++) {
		int idx = p->pre_filter[i];
		const struct ck_sched_plugin_inst *pi = &p->plugins[idx];
		struct ck_sched_status st = { 0 };
		enum ck_sched_code code = pi->ops->pre_filter(pi->priv, c, idx, pod, &st);
		if (code == CK_SCHED_SUCCESS || code == CK_SCHED_SKIP)
			continue;
		if (code == CK_SCHED_ERROR) {
			ret->code = CK_SCHED_ERROR;
			ret->message = ck_strdup(st.n_reasons ? st.reasons[0] : "prefilter error");
			return;
		}
		all_nodes_status(ret, n, code, pi->ops->name, st.n_reasons ? st.reasons[0] : "");
		run_post_filter(c, pod, ret, st.n_reasons ? st.reasons[0] : "");
		return;
	}

	/* Filter, sampling as upstream: the nominated node first, then from the rotating start. */
	size_t *feasible = ck_malloc(n * sizeof(size_t));
	size_t n_feasible = 0;
	if (*pod->nominated_node_name) {
		for (size_t j = 0; j < n; j++) {
			if (!ck_streq(c->nodes[j]->name, pod->nominated_node_name))
				continue;
			struct ck_sched_status st;
			if (ck_sched_run_filters(c, pod, c->nodes[j], &st) == CK_SCHED_SUCCESS) {
				feasible[n_feasible++] = j;
				ret->evaluated_nodes = 1;
			}
			break;
		}
	}
	if (n_feasible == 0) {
		struct filter_job fj = { .c = c,
					 .pod = pod,
					 .statuses = ret->statuses,
					 .start = start_index ? *start_index % n : 0,
					 .n = n,
					 .to_find = ck_sched_num_feasible_nodes_to_find(percentage,
											(int64_t)n),
					 .feasible = feasible };
		atomic_init(&fj.found, 0);
		atomic_init(&fj.processed, 0);
		if (pool)
			ck_parallel_for(pool, n, 0, filter_one, &fj);
		else
			for (size_t i = 0; i < n && filter_one(&fj, i); i++)
				;
		long long found = atomic_load(&fj.found);
		n_feasible = (size_t)(found < fj.to_find ? found : fj.to_find);
		ret->evaluated_nodes = atomic_load(&fj.processed);
		if (start_index)
			*start_index = (fj.start + (size_t)ret->evaluated_nodes) % n;
	}
	ret->feasible_nodes = (int64_t)n_feasible;
	if (n_feasible == 0) {
		run_post_filter(c, pod, ret, NULL);
		free(feasible);
		return;
	}
	ret->code = CK_SCHED_SUCCESS;
	ret->scores = ck_malloc(n * sizeof(int64_t));
	for (size_t j = 0; j < n; j++)
		ret->scores[j] = -1;
	if (n_feasible == 1) {
		ret->node = ck_strdup(c->nodes[feasible[0]]->name);
		free(feasible);
		return;
	}

	/* PreScore, Score (parallel), NormalizeScore, weights. */
	struct ck_sched_node **nodes = ck_malloc(n_feasible * sizeof(*nodes));
	for (size_t i = 0; i < n_feasible; i++)
		nodes[i] = c->nodes[feasible[i]];
	for (int i = 0; i < p->n_pre_score; i++) {
		int idx = p->pre_score[i];
		const struct ck_sched_plugin_inst *pi = &p->plugins[idx];
		pi->ops->pre_score(pi->priv, c, idx, pod, nodes, n_feasible);
	}
	int64_t **ps = ck_calloc((size_t)p->n_score + 1, sizeof(int64_t *));
	for (int s = 0; s < p->n_score; s++)
		ps[s] = ck_calloc(n_feasible, sizeof(int64_t));
	struct score_job sj = { .c = c, .pod = pod, .nodes = nodes, .plugin_scores = ps };
	if (pool && p->n_score)
		ck_parallel_for(pool, n_feasible, 0, score_one, &sj);
	else if (p->n_score)
		for (size_t i = 0; i < n_feasible; i++)
			score_one(&sj, i);
	for (int s = 0; s < p->n_score; s++) {
		const struct ck_sched_plugin_inst *pi = &p->plugins[p->score[s].idx];
		if (pi->ops->normalize)
			pi->ops->normalize(pi->priv, c, p->score[s].idx, pod, nodes, ps[s],
					   n_feasible);
	}
	int64_t best = -1;
	size_t best_i = 0, ties = 0;
	/* xorshift64, seeded once per cycle: a syscall per tie showed in profiles */
	uint64_t rnd = (uint64_t)(ck_rand_double() * 18446744073709551615.0) | 1;
	for (size_t i = 0; i < n_feasible; i++) {
		int64_t total = 0;
		for (int s = 0; s < p->n_score; s++)
			total += ps[s][i] * p->score[s].weight;
		ret->scores[feasible[i]] = total;
		if (total > best) {
			best = total;
			best_i = i;
			ties = 1;
		} else if (total == best) {
			/* reservoir sampling among equals, as upstream's selectHost */
			ties++;
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			if (rnd % ties == 0)
				best_i = i;
		}
	}
	ret->node = ck_strdup(nodes[best_i]->name);
	for (int s = 0; s < p->n_score; s++)
		free(ps[s]);
	free(ps);
	free(nodes);
	free(feasible);
}
