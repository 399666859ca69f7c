#include "scheduler/cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "util/hashmap.h"
#include "util/str.h"

struct pod_state {
	struct ck_sched_pod *pod; /* referenced */
	char *node;
	bool assumed;
};

struct ck_sched_cache {
	pthread_rwlock_t lock;
	struct ck_hashmap nodes;     /* name -> struct ck_sched_node (guarded by lock) */
	struct ck_hashmap pods;	     /* key -> struct pod_state (guarded by lock) */
	struct ck_sched_node **list; /* the present nodes, in order of arrival (lock) */
	size_t n_list, cap_list;
	struct ck_hashmap image_nodes; /* image -> present nodes having it (intptr_t; lock) */
	size_t pods_with_affinity;     /* lock */
};

/* Counts a present node's images in or out (write lock held). */
static void count_images(struct ck_sched_cache *c, const struct ck_sched_node *n, intptr_t d)
{
	for (size_t i = 0; i < n->n_images; i++) {
		const char *name = n->images[i].name;
		intptr_t v = (intptr_t)ck_hashmap_get(&c->image_nodes, name) + d;
		if (v > 0)
			ck_hashmap_put(&c->image_nodes, name, (void *)v);
		else
			ck_hashmap_remove(&c->image_nodes, name);
	}
}

static bool with_affinity(const struct ck_sched_pod *p)
{
	return p->affinity_req.n || p->affinity_pref.n || p->anti_req.n || p->anti_pref.n;
}

static void pod_state_free(void *p)
{
	struct pod_state *ps = p;
	ck_sched_pod_unref(ps->pod);
	free(ps->node);
	free(ps);
}

static void node_free(void *p)
{
	ck_sched_node_free(p);
}

struct ck_sched_cache *ck_sched_cache_new(void)
{
	struct ck_sched_cache *c = ck_calloc(1, sizeof(*c));
	pthread_rwlock_init(&c->lock, NULL);
	ck_hashmap_init(&c->nodes, node_free);
	ck_hashmap_init(&c->pods, pod_state_free);
	ck_hashmap_init(&c->image_nodes, NULL);
	return c;
}

void ck_sched_cache_free(struct ck_sched_cache *c)
{
	if (!c)
		return;
	ck_hashmap_release(&c->pods);
	ck_hashmap_release(&c->nodes);
	ck_hashmap_release(&c->image_nodes);
	free(c->list);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

static void list_add(struct ck_sched_cache *c, struct ck_sched_node *n)
{
	if (c->n_list == c->cap_list) {
		c->cap_list = c->cap_list ? 2 * c->cap_list : 64;
		c->list = ck_realloc(c->list, c->cap_list * sizeof(*c->list));
	}
	c->list[c->n_list++] = n;
}

static void list_remove(struct ck_sched_cache *c, struct ck_sched_node *n)
{
	for (size_t i = 0; i < c->n_list; i++) {
		if (c->list[i] == n) {
			memmove(&c->list[i], &c->list[i + 1],
				(c->n_list - i - 1) * sizeof(*c->list));
			c->n_list--;
			return;
		}
	}
}

/* The node named name, made as a ghost when missing (write lock held). */
static struct ck_sched_node *node_for(struct ck_sched_cache *c, const char *name)
{
	struct ck_sched_node *n = ck_hashmap_get(&c->nodes, name);
	if (!n) {
		n = ck_calloc(1, sizeof(*n));
		n->name = ck_strdup(name);
		n->labels = json_object_new_object();
		ck_hashmap_put(&c->nodes, name, n);
	}
	return n;
}

static void maybe_drop_ghost(struct ck_sched_cache *c, struct ck_sched_node *n)
{
	if (!n->present && n->n_pods == 0)
		ck_sched_node_free(ck_hashmap_remove(&c->nodes, n->name));
}

void ck_sched_cache_add_node(struct ck_sched_cache *c, json_object *node)
{
	ck_sched_cache_update_node(c, node);
}

void ck_sched_cache_update_node(struct ck_sched_cache *c, json_object *node)
{
	json_object *meta = NULL, *name = NULL;
	if (!json_object_object_get_ex(node, "metadata", &meta) ||
	    !json_object_object_get_ex(meta, "name", &name))
		return;
	pthread_rwlock_wrlock(&c->lock);
	struct ck_sched_node *n = node_for(c, json_object_get_string(name));
	bool was_present = n->present;
	if (was_present)
		count_images(c, n, -1);
	ck_sched_node_set(n, node);
	count_images(c, n, 1);
	if (!was_present)
		list_add(c, n);
	pthread_rwlock_unlock(&c->lock);
}

void ck_sched_cache_remove_node(struct ck_sched_cache *c, const char *name)
{
	pthread_rwlock_wrlock(&c->lock);
	struct ck_sched_node *n = ck_hashmap_get(&c->nodes, name);
	if (n && n->present) {
		count_images(c, n, -1);
		list_remove(c, n);
		n->present = false;
		maybe_drop_ghost(c, n);
	}
	pthread_rwlock_unlock(&c->lock);
}

/* Removes key from its node and the pod map (write lock held). */
static void remove_locked(struct ck_sched_cache *c, const char *key)
{
	struct pod_state *ps = ck_hashmap_remove(&c->pods, key);
	if (!ps)
		return;
	if (with_affinity(ps->pod))
		c->pods_with_affinity--;
	struct ck_sched_node *n = ck_hashmap_get(&c->nodes, ps->node);
	if (n) {
		ck_sched_node_remove_pod(n, key);
		maybe_drop_ghost(c, n);
	}
	pod_state_free(ps);
}

static void add_locked(struct ck_sched_cache *c, struct ck_sched_pod *pod, const char *node,
		       bool assumed)
{
	struct ck_sched_node *n = node_for(c, node);
	ck_sched_node_add_pod(n, pod);
	if (with_affinity(pod))
		c->pods_with_affinity++;
	struct pod_state *ps = ck_calloc(1, sizeof(*ps));
	ps->pod = ck_sched_pod_ref(pod);
	ps->node = ck_strdup(node);
	ps->assumed = assumed;
	ck_hashmap_put(&c->pods, pod->key, ps);
}

void ck_sched_cache_add_pod(struct ck_sched_cache *c, struct ck_sched_pod *pod)
{
	pthread_rwlock_wrlock(&c->lock);
	remove_locked(c, pod->key); /* an assumed copy, or the previous version */
	add_locked(c, pod, pod->node_name, false);
	pthread_rwlock_unlock(&c->lock);
}

void ck_sched_cache_remove_pod(struct ck_sched_cache *c, const char *key)
{
	pthread_rwlock_wrlock(&c->lock);
	remove_locked(c, key);
	pthread_rwlock_unlock(&c->lock);
}

int ck_sched_cache_assume(struct ck_sched_cache *c, struct ck_sched_pod *pod, const char *node)
{
	int r = 0;
	pthread_rwlock_wrlock(&c->lock);
	struct ck_sched_node *n = ck_hashmap_get(&c->nodes, node);
	if (ck_hashmap_has(&c->pods, pod->key))
		r = -EEXIST;
	else if (!n || !n->present)
		r = -ENOENT;
	else
		add_locked(c, pod, node, true);
	pthread_rwlock_unlock(&c->lock);
	return r;
}

void ck_sched_cache_forget(struct ck_sched_cache *c, const char *key)
{
	pthread_rwlock_wrlock(&c->lock);
	struct pod_state *ps = ck_hashmap_get(&c->pods, key);
	if (ps && ps->assumed)
		remove_locked(c, key);
	pthread_rwlock_unlock(&c->lock);
}

bool ck_sched_cache_has_pod(struct ck_sched_cache *c, const char *key)
{
	pthread_rwlock_rdlock(&c->lock);
	bool has = ck_hashmap_has(&c->pods, key);
	pthread_rwlock_unlock(&c->lock);
	return has;
}

void ck_sched_cache_snapshot(struct ck_sched_cache *c, struct ck_sched_cycle *cycle)
{
	pthread_rwlock_rdlock(&c->lock);
	cycle->nodes = c->list;
	cycle->n_nodes = c->n_list;
	cycle->summaries = true;
	cycle->image_nodes = &c->image_nodes;
	cycle->pods_with_affinity = c->pods_with_affinity;
}

void ck_sched_cache_unlock(struct ck_sched_cache *c)
{
	pthread_rwlock_unlock(&c->lock);
}

size_t ck_sched_cache_node_count(struct ck_sched_cache *c)
{
	pthread_rwlock_rdlock(&c->lock);
	size_t n = c->n_list;
	pthread_rwlock_unlock(&c->lock);
	return n;
}
