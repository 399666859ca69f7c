/*
 * Internal to the plugins: the resource scorer NodeResourcesFit and
 * NodeResourcesBalancedAllocation share (upstream resource_allocation.go),
 * and the list of plugins (registry.c).
 */
#ifndef CK_SCHEDULER_PLUGINS_H
#define CK_SCHEDULER_PLUGINS_H

#include <stdint.h>

#include "scheduler/framework.h"
#include "util/hashmap.h"

#define CK_SCHED_MAX_SCORED_RESOURCES 8
#define CK_SCHED_MAX_SHAPE_POINTS 16

enum ck_sched_scoring {
	CK_SCHED_LEAST_ALLOCATED,
	CK_SCHED_MOST_ALLOCATED,
	CK_SCHED_REQUESTED_TO_CAPACITY_RATIO,
	CK_SCHED_BALANCED,
};

/* Which field of struct ck_api_resources a scored resource reads (resolved once at parse). */
enum ck_sched_resource_kind {
	CK_SCHED_RES_CPU,
	CK_SCHED_RES_MEMORY,
	CK_SCHED_RES_EPHEMERAL_STORAGE,
	CK_SCHED_RES_PODS,
	CK_SCHED_RES_SCALAR,
};

struct ck_sched_resource_spec {
	char name[CK_API_SCALAR_NAME_MAX];
	enum ck_sched_resource_kind kind;
	int64_t weight;
};

struct ck_sched_resource_scorer {
	enum ck_sched_scoring type;
	bool use_requested; /* plain requests; else the non-zero ones */
	struct ck_sched_resource_spec resources[CK_SCHED_MAX_SCORED_RESOURCES];
	int n_resources;
	/* RequestedToCapacityRatio's shape, scores already scaled to 0..100 */
	int64_t shape_util[CK_SCHED_MAX_SHAPE_POINTS], shape_score[CK_SCHED_MAX_SHAPE_POINTS];
	int n_shape;
};

/*
 * Reads "resources": [{name, weight}] (default cpu and memory, weight 1)
 * and, for RequestedToCapacityRatio, "requestedToCapacityRatio": {shape}
 * from obj (borrowed, may be NULL). -EINVAL with a message for bad values.
 */
int ck_sched_resource_scorer_parse(struct ck_sched_resource_scorer *s, json_object *obj,
				   char **ret_err);
/*
 * The score hook of the plugins that own a ck_sched_resource_scorer as
 * their priv (NodeResourcesFit, NodeResourcesBalancedAllocation).
 */
int64_t ck_sched_resource_scorer_score(void *priv, const struct ck_sched_cycle *c, int idx,
				       const struct ck_sched_pod *pod,
				       const struct ck_sched_node *node);

#endif

/* "key\x1fvalue" into buf: the key of a topology pair in a ck_hashmap. */
const char *ck_sched_pair_key(char *buf, size_t size, const char *key, const char *value);
/* Pair counts in a ck_hashmap (values are intptr_t). */
intptr_t ck_sched_pair_get(const struct ck_hashmap *m, const char *key, const char *value);
void ck_sched_pair_add(struct ck_hashmap *m, const char *key, const char *value, intptr_t delta);
