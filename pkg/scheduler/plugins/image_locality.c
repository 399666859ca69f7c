/*
 * ImageLocality: favours nodes that already have the pod's images, each
 * image's size scaled by the share of nodes that have it (upstream's
 * spread factor), mapped linearly between 23 MB and 1000 MB per container.
 */
#include <string.h>

#include "scheduler/framework.h"
#include "util/hashmap.h"
#include "util/str.h"

#define MB (1024LL * 1024)
#define MIN_THRESHOLD (23 * MB)
#define MAX_CONTAINER_THRESHOLD (1000 * MB)

struct state {
	int64_t *num_nodes; /* per pod image: how many nodes have it */
	char **names;	    /* normalised */
	size_t n;
	size_t total_nodes;
};

static void state_free(void *p)
{
	struct state *s = p;
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->num_nodes);
	free(s);
}

static const struct ck_sched_image *node_image(const struct ck_sched_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_images; i++)
		if (ck_streq(n->images[i].name, name))
			return &n->images[i];
	return NULL;
}

static enum ck_sched_code pre_score(void *priv, struct ck_sched_cycle *c, int idx,
				    const struct ck_sched_pod *pod,
				    struct ck_sched_node *const *nodes, size_t n)
{
	(void)priv, (void)nodes, (void)n;
	struct state *s = ck_calloc(1, sizeof(*s));
	s->n = pod->n_images;
	s->names = ck_calloc(s->n + 1, sizeof(char *));
	s->num_nodes = ck_calloc(s->n + 1, sizeof(int64_t));
	s->total_nodes = c->n_nodes;
	for (size_t i = 0; i < s->n; i++)
		s->names[i] = ck_sched_normalized_image_name(pod->images[i]);
	if (c->summaries) {
		for (size_t i = 0; i < s->n; i++)
			s->num_nodes[i] = (intptr_t)ck_hashmap_get(c->image_nodes, s->names[i]);
	} else {
		for (size_t j = 0; j < c->n_nodes; j++)
			for (size_t i = 0; i < s->n; i++)
				if (node_image(c->nodes[j], s->names[i]))
					s->num_nodes[i]++;
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
	if (!s || s->total_nodes == 0)
		return 0;
	int64_t sum = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct ck_sched_image *img = node_image(node, s->names[i]);
		if (img)
			sum += (int64_t)((double)img->size *
					 ((double)s->num_nodes[i] / (double)s->total_nodes));
	}
	int64_t max = MAX_CONTAINER_THRESHOLD * (int64_t)(pod->n_images ? pod->n_images : 1);
	if (sum < MIN_THRESHOLD)
		sum = MIN_THRESHOLD;
	else if (sum > max)
		sum = max;
	return CK_SCHED_MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
}

const struct ck_sched_plugin_ops ck_sched_plugin_image_locality = {
	.name = "ImageLocality",
	.default_weight = 1,
	.pre_score = pre_score,
	.score = score,
};
