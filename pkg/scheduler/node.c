/* The compact node the scheduler works on, and the pods assigned to it. */
#include <string.h>

#include "apimachinery/object.h"
#include "scheduler/framework.h"
#include "util/str.h"

const char *ck_sched_node_label(const struct ck_sched_node *n, const char *key)
{
	json_object *v = ck_obj_get(n->labels, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void clear_node_fields(struct ck_sched_node *n)
{
	if (n->labels)
		json_object_put(n->labels);
	n->labels = NULL;
	ck_api_taints_free(n->taints, n->n_taints);
	n->taints = NULL;
	n->n_taints = 0;
	for (size_t i = 0; i < n->n_images; i++)
		free(n->images[i].name);
	free(n->images);
	n->images = NULL;
	n->n_images = 0;
}

/* Upstream's normalizedImageName: a name without a tag or digest gets ":latest". */
char *ck_sched_normalized_image_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *last = slash ? slash + 1 : name;
	if (strchr(last, ':') || strchr(name, '@'))
		return ck_strdup(name);
	size_t n = strlen(name);
	char *out = ck_malloc(n + 8);
	memcpy(out, name, n);
	memcpy(out + n, ":latest", 8);
	return out;
}

void ck_sched_node_set(struct ck_sched_node *n, json_object *node)
{
	clear_node_fields(n);
	json_object *labels = ck_obj_labels(node);
	n->labels = labels ? ck_obj_copy(labels) : json_object_new_object();
	json_object *spec = ck_obj_get(node, "spec");
	n->unschedulable = json_object_get_boolean(ck_obj_get(spec, "unschedulable"));
	ck_api_taints_from_json(ck_obj_get(spec, "taints"), &n->taints, &n->n_taints);
	ck_api_node_allocatable(node, &n->allocatable);
	json_object *images = ck_obj_path(node, "status.images");
	size_t cnt = 0;
	for (size_t i = 0; i < ck_obj_array_len(images); i++)
		cnt += ck_obj_array_len(ck_obj_get(json_object_array_get_idx(images, i), "names"));
	if (cnt)
		n->images = ck_calloc(cnt, sizeof(*n->images));
	for (size_t i = 0; i < ck_obj_array_len(images); i++) {
		json_object *img = json_object_array_get_idx(images, i);
		json_object *names = ck_obj_get(img, "names");
		int64_t size = json_object_get_int64(ck_obj_get(img, "sizeBytes"));
		for (size_t j = 0; j < ck_obj_array_len(names); j++) {
			const char *nm =
			    json_object_get_string(json_object_array_get_idx(names, j));
			if (!nm)
				continue;
			n->images[n->n_images].name = ck_sched_normalized_image_name(nm);
			n->images[n->n_images++].size = size;
		}
	}
	n->present = true;
	n->generation++;
}

struct ck_sched_node *ck_sched_node_new(json_object *node)
{
	struct ck_sched_node *n = ck_calloc(1, sizeof(*n));
	const char *name = ck_obj_name(node);
	n->name = ck_strdup(name ? name : "");
	ck_sched_node_set(n, node);
	return n;
}

static bool has_pod_affinity(const struct ck_sched_pod *p)
{
	return p->affinity_req.n || p->affinity_pref.n || p->anti_req.n || p->anti_pref.n;
}

void ck_sched_node_add_pod(struct ck_sched_node *n, struct ck_sched_pod *p)
{
	if (n->n_pods == n->cap_pods) {
		n->cap_pods = n->cap_pods ? 2 * n->cap_pods : 8;
		n->pods = ck_realloc(n->pods, n->cap_pods * sizeof(*n->pods));
	}
	n->pods[n->n_pods++] = ck_sched_pod_ref(p);
	struct ck_api_resources non_zero;
	ck_sched_pod_non_zero_requests(p, &non_zero);
	ck_api_resources_add(&n->requested, &p->req);
	ck_api_resources_add(&n->non_zero_requested, &non_zero);
	if (has_pod_affinity(p))
		n->n_pods_with_affinity++;
	n->generation++;
}

bool ck_sched_node_remove_pod(struct ck_sched_node *n, const char *key)
{
	for (size_t i = 0; i < n->n_pods; i++) {
		struct ck_sched_pod *p = n->pods[i];
		if (!ck_streq(p->key, key))
			continue;
		struct ck_api_resources non_zero;
		ck_sched_pod_non_zero_requests(p, &non_zero);
		ck_api_resources_sub(&n->requested, &p->req);
		ck_api_resources_sub(&n->non_zero_requested, &non_zero);
		if (has_pod_affinity(p))
			n->n_pods_with_affinity--;
		n->pods[i] = n->pods[--n->n_pods];
		ck_sched_pod_unref(p);
		n->generation++;
		return true;
	}
	return false;
}

struct ck_sched_node *ck_sched_node_clone(const struct ck_sched_node *n)
{
	struct ck_sched_node *c = ck_calloc(1, sizeof(*c));
	c->name = ck_strdup(n->name);
	c->labels = n->labels ? ck_obj_copy(n->labels) : NULL;
	c->unschedulable = n->unschedulable;
	c->present = n->present;
	if (n->n_taints) {
		c->taints = ck_calloc(n->n_taints, sizeof(*c->taints));
		for (size_t i = 0; i < n->n_taints; i++) {
			c->taints[i].key = ck_strdup(n->taints[i].key);
			c->taints[i].value = ck_strdup(n->taints[i].value);
			c->taints[i].effect = n->taints[i].effect;
		}
		c->n_taints = n->n_taints;
	}
	c->allocatable = n->allocatable;
	if (n->n_images) {
		c->images = ck_calloc(n->n_images, sizeof(*c->images));
		for (size_t i = 0; i < n->n_images; i++) {
			c->images[i].name = ck_strdup(n->images[i].name);
			c->images[i].size = n->images[i].size;
		}
		c->n_images = n->n_images;
	}
	for (size_t i = 0; i < n->n_pods; i++)
		ck_sched_node_add_pod(c, n->pods[i]);
	c->generation = n->generation;
	return c;
}

void ck_sched_node_free(struct ck_sched_node *n)
{
	if (!n)
		return;
	clear_node_fields(n);
	for (size_t i = 0; i < n->n_pods; i++)
		ck_sched_pod_unref(n->pods[i]);
	free(n->pods);
	free(n->name);
	free(n);
}

void ck_sched_default_normalize(int64_t max_priority, bool reverse, int64_t *scores, size_t n)
{
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (scores[i] > max)
			max = scores[i];
	if (max == 0) {
		if (reverse)
			for (size_t i = 0; i < n; i++)
				scores[i] = max_priority;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t s = max_priority * scores[i] / max;
		scores[i] = reverse ? max_priority - s : s;
	}
}

void ck_sched_cycle_release(struct ck_sched_cycle *c)
{
	for (int i = 0; i < CK_SCHED_MAX_PLUGINS; i++) {
		if (c->state[i] && c->state_free[i])
			c->state_free[i](c->state[i]);
		c->state[i] = NULL;
		c->state_free[i] = NULL;
	}
}
