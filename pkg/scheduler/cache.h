/*
 * The scheduler's cache (upstream internal/cache): per-node state built
 * from Node objects and the pods assigned to them, plus assumed pods.
 *
 *  - assume(pod, node): the scheduling decision is counted on the node at
 *    once, before the binding is written, so the next pod sees it;
 *  - the binding is confirmed when the pod shows up assigned on the watch
 *    (add_pod replaces the assumed copy), or forgotten when it fails;
 *  - a node removed while pods are still assigned to it stays as a ghost
 *    (present = false) until they go, and is not offered for scheduling.
 *
 * Locking: one read-write lock. The scheduling cycle holds the read lock
 * (ck_sched_cache_snapshot ... ck_sched_cache_unlock) while it filters and
 * scores; every change takes the write lock.
 */
#ifndef CK_SCHEDULER_CACHE_H
#define CK_SCHEDULER_CACHE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "scheduler/framework.h"

struct ck_sched_cache;

struct ck_sched_cache *ck_sched_cache_new(void);
void ck_sched_cache_free(struct ck_sched_cache *c);

/* Node objects (borrowed). */
void ck_sched_cache_add_node(struct ck_sched_cache *c, json_object *node);
void ck_sched_cache_update_node(struct ck_sched_cache *c, json_object *node);
void ck_sched_cache_remove_node(struct ck_sched_cache *c, const char *name);

/* Assigned pods (pod->node_name set); the cache takes a reference. */
void ck_sched_cache_add_pod(struct ck_sched_cache *c, struct ck_sched_pod *pod);
void ck_sched_cache_remove_pod(struct ck_sched_cache *c, const char *key);

/*
 * Assumes pod (unassigned) on node: -EEXIST when the pod is already in the
 * cache, -ENOENT when the node is gone. forget undoes it (no-op when the
 * pod was confirmed meanwhile).
 */
int ck_sched_cache_assume(struct ck_sched_cache *c, struct ck_sched_pod *pod, const char *node);
void ck_sched_cache_forget(struct ck_sched_cache *c, const char *key);
/* Whether key is assumed or assigned in the cache. */
bool ck_sched_cache_has_pod(struct ck_sched_cache *c, const char *key);

/*
 * Read-locks and fills the cycle's nodes (those offered for scheduling) and
 * summaries (image counts, pods with affinity); borrowed until unlock.
 */
void ck_sched_cache_snapshot(struct ck_sched_cache *c, struct ck_sched_cycle *cycle);
void ck_sched_cache_unlock(struct ck_sched_cache *c);
size_t ck_sched_cache_node_count(struct ck_sched_cache *c);

#endif
