/* The compact pod the scheduler works on, built once per pod version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "scheduler/framework.h"
#include "util/buf.h"
#include "util/hashmap.h"
#include "util/json_parse.h"
#include "util/json_write.h"
#include "util/str.h"

enum ck_sched_code ck_sched_status_fail(struct ck_sched_status *st, enum ck_sched_code code,
					const char *fmt, ...)
{
	st->code = code;
	if (st->n_reasons < CK_SCHED_MAX_REASONS) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(st->reasons[st->n_reasons++], CK_SCHED_REASON_MAX, fmt, ap);
		va_end(ap);
	}
	return code;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = ck_obj_get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static void add_ports(struct ck_sched_pod *p, json_object *containers)
{
	for (size_t i = 0; i < ck_obj_array_len(containers); i++) {
		json_object *ports = ck_obj_get(json_object_array_get_idx(containers, i), "ports");
		for (size_t j = 0; j < ck_obj_array_len(ports); j++) {
			json_object *port = json_object_array_get_idx(ports, j);
			int32_t hp = json_object_get_int(ck_obj_get(port, "hostPort"));
			if (hp <= 0)
				continue;
			p->ports = ck_realloc(p->ports, (p->n_ports + 1) * sizeof(*p->ports));
			struct ck_sched_host_port *h = &p->ports[p->n_ports++];
			memset(h, 0, sizeof(*h));
			h->port = hp;
			const char *proto = str(port, "protocol");
			snprintf(h->protocol, sizeof(h->protocol), "%s", *proto ? proto : "TCP");
			snprintf(h->host_ip, sizeof(h->host_ip), "%s", str(port, "hostIP"));
		}
	}
}

static void terms_from_json(json_object *arr, bool weighted, struct ck_sched_affinity_terms *ret)
{
	ret->n = 0;
	ret->t = NULL;
	size_t n = ck_obj_array_len(arr);
	if (!n)
		return;
	ret->t = ck_calloc(n, sizeof(*ret->t));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct ck_sched_affinity_term *t = &ret->t[ret->n];
		if (weighted) {
			t->weight = json_object_get_int(ck_obj_get(o, "weight"));
			o = ck_obj_get(o, "podAffinityTerm");
		}
		if (ck_label_selector_from_json(ck_obj_get(o, "labelSelector"), &t->selector,
						NULL) < 0)
			t->selector = ck_label_selector_nothing();
		json_object *nss = ck_obj_get(o, "namespaces");
		if (ck_obj_array_len(nss)) {
			t->namespaces = ck_calloc(ck_obj_array_len(nss) + 1, sizeof(char *));
			for (size_t j = 0; j < ck_obj_array_len(nss); j++)
				t->namespaces[j] = ck_strdup(
				    json_object_get_string(json_object_array_get_idx(nss, j)));
		}
		json_object *nsel = ck_obj_get(o, "namespaceSelector");
		t->all_namespaces = nsel && json_object_is_type(nsel, json_type_object) &&
				    json_object_object_length(nsel) == 0;
		t->topology_key = ck_strdup(str(o, "topologyKey"));
		ret->n++;
	}
}

static void terms_release(struct ck_sched_affinity_terms *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		ck_label_selector_free(ts->t[i].selector);
		ck_strv_free(ts->t[i].namespaces);
		free(ts->t[i].topology_key);
	}
	free(ts->t);
}

static void spread_from_json(struct ck_sched_pod *p, json_object *arr)
{
	size_t n = ck_obj_array_len(arr);
	if (!n)
		return;
	p->spread = ck_calloc(n, sizeof(*p->spread));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct ck_sched_spread *s = &p->spread[p->n_spread++];
		s->max_skew = json_object_get_int(ck_obj_get(o, "maxSkew"));
		if (s->max_skew < 1)
			s->max_skew = 1;
		s->topology_key = ck_strdup(str(o, "topologyKey"));
		s->do_not_schedule = !ck_streq(str(o, "whenUnsatisfiable"), "ScheduleAnyway");
		s->min_domains = ck_obj_get(o, "minDomains")
				     ? json_object_get_int(ck_obj_get(o, "minDomains"))
				     : 1;
		if (ck_label_selector_from_json(ck_obj_get(o, "labelSelector"), &s->selector,
						NULL) < 0)
			s->selector = ck_label_selector_nothing();
		s->self_match = ck_label_selector_matches(s->selector, p->labels);
	}
}

/*
 * The pod's strings the scheduler keeps (its key, names, images), copied
 * into one block: the pod itself is not kept. A scheduler holds a version
 * of every pending and every assigned pod, and a json-c copy of one cost
 * about 14 KiB, where these cost a few hundred bytes.
 */
enum {
	S_NS,
	S_NAME,
	S_UID,
	S_NODE_NAME,
	S_SCHEDULER_NAME,
	S_NOMINATED,
	S_IMAGES, /* the images follow */
};

/* Copies src[0..n) into one block (owned, returned) and points ret[i] at each copy. */
static char *pack_strings(const char *const *src, size_t n, const char **ret)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += strlen(src[i]) + 1;
	char *block = ck_malloc(total ? total : 1), *at = block;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(src[i]) + 1;
		memcpy(at, src[i], len);
		ret[i] = at;
		at += len;
	}
	return block;
}

/* The container images of the pod (init containers first), borrowed from obj. */
static size_t collect_images(json_object *spec, const char ***ret)
{
	json_object *lists[] = { ck_obj_get(spec, "initContainers"),
				 ck_obj_get(spec, "containers") };
	size_t n = 0, cap = 0;
	const char **out = NULL;
	for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; i < ck_obj_array_len(lists[l]); i++) {
			const char *img = str(json_object_array_get_idx(lists[l], i), "image");
			if (!*img)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 4;
				out = ck_realloc(out, cap * sizeof(*out));
			}
			out[n++] = img;
		}
	}
	*ret = out;
	return n;
}

/*
 * A digest of what makes an update worth a new scheduling attempt (spec and
 * labels, as the queue compares them), keys sorted so that their order
 * does not count.
 */
static uint64_t spec_digest(json_object *spec, json_object *labels)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_json_write_go(&b, spec, NULL);
	ck_buf_addc(&b, '\n');
	ck_json_write_go(&b, labels, NULL);
	uint64_t h = ck_hash_str(b.data ? b.data : "");
	ck_buf_release(&b);
	return h;
}

/* A compact copy of a small object kept long (owned), or NULL. */
static json_object *copy_compact(json_object *obj)
{
	json_object *c = obj ? ck_obj_copy(obj) : NULL;
	ck_json_compact(c);
	return c;
}

struct ck_sched_pod *ck_sched_pod_new(json_object *obj)
{
	struct ck_sched_pod *p = ck_calloc(1, sizeof(*p));
	atomic_init(&p->refs, 1);
	json_object *meta = ck_obj_get(obj, "metadata"), *spec = ck_obj_get(obj, "spec");
	json_object *status = ck_obj_get(obj, "status");
	const char *scheduler_name = str(spec, "schedulerName");
	const char **images = NULL;
	size_t n_images = collect_images(spec, &images);
	const char **strs = ck_calloc(S_IMAGES + n_images, sizeof(*strs));
	strs[S_NS] = str(meta, "namespace");
	strs[S_NAME] = str(meta, "name");
	strs[S_UID] = str(meta, "uid");
	strs[S_NODE_NAME] = str(spec, "nodeName");
	strs[S_SCHEDULER_NAME] = *scheduler_name ? scheduler_name : "default-scheduler";
	strs[S_NOMINATED] = str(status, "nominatedNodeName");
	if (n_images)
		memcpy(&strs[S_IMAGES], images, n_images * sizeof(*images));
	p->strings = pack_strings(strs, S_IMAGES + n_images, strs);
	p->ns = strs[S_NS];
	p->name = strs[S_NAME];
	p->uid = strs[S_UID];
	p->node_name = strs[S_NODE_NAME];
	p->scheduler_name = strs[S_SCHEDULER_NAME];
	p->nominated_node_name = strs[S_NOMINATED];
	if (n_images) {
		memmove(strs, &strs[S_IMAGES], n_images * sizeof(*strs));
		p->images = ck_realloc(strs, n_images * sizeof(*strs));
		p->n_images = n_images;
	} else {
		free(strs);
	}
	free(images);
	size_t kl = strlen(p->ns) + strlen(p->name) + 2;
	p->key = ck_malloc(kl);
	snprintf(p->key, kl, "%s/%s", p->ns, p->name);
	p->labels = copy_compact(ck_obj_get(meta, "labels"));
	p->spec_digest = spec_digest(spec, p->labels);
	p->priority = json_object_get_int(ck_obj_get(spec, "priority"));
	p->preempt_never = ck_streq(str(spec, "preemptionPolicy"), "Never");
	p->terminating =
	    ck_obj_get(meta, "deletionTimestamp") != NULL &&
	    !json_object_is_type(ck_obj_get(meta, "deletionTimestamp"), json_type_null);
	p->gated = ck_obj_array_len(ck_obj_get(spec, "schedulingGates")) > 0;
	json_object *owners = ck_obj_get(meta, "ownerReferences");
	for (size_t i = 0; i < ck_obj_array_len(owners); i++)
		if (json_object_get_boolean(
			ck_obj_get(json_object_array_get_idx(owners, i), "controller")))
			p->has_controller = true;
	struct ck_api_resources non_zero;
	ck_api_pod_requests(obj, &p->req, &non_zero);
	p->non_zero_milli_cpu = non_zero.milli_cpu;
	p->non_zero_memory = non_zero.memory;
	add_ports(p, ck_obj_get(spec, "initContainers"));
	add_ports(p, ck_obj_get(spec, "containers"));
	ck_api_tolerations_from_json(ck_obj_get(spec, "tolerations"), &p->tolerations,
				     &p->n_tolerations);
	ck_api_node_affinity_from_pod(obj, &p->node_affinity);
	ck_json_compact(p->node_affinity.node_selector);
	spread_from_json(p, ck_obj_get(spec, "topologySpreadConstraints"));
	json_object *aff = ck_obj_get(spec, "affinity");
	json_object *pa = ck_obj_get(aff, "podAffinity"), *paa = ck_obj_get(aff, "podAntiAffinity");
	terms_from_json(ck_obj_get(pa, "requiredDuringSchedulingIgnoredDuringExecution"), false,
			&p->affinity_req);
	terms_from_json(ck_obj_get(pa, "preferredDuringSchedulingIgnoredDuringExecution"), true,
			&p->affinity_pref);
	terms_from_json(ck_obj_get(paa, "requiredDuringSchedulingIgnoredDuringExecution"), false,
			&p->anti_req);
	terms_from_json(ck_obj_get(paa, "preferredDuringSchedulingIgnoredDuringExecution"), true,
			&p->anti_pref);
	return p;
}

void ck_sched_pod_non_zero_requests(const struct ck_sched_pod *p, struct ck_api_resources *ret)
{
	*ret = p->req; /* the defaults change cpu and memory only */
	ret->milli_cpu = p->non_zero_milli_cpu;
	ret->memory = p->non_zero_memory;
}

struct ck_sched_pod *ck_sched_pod_ref(struct ck_sched_pod *p)
{
	atomic_fetch_add(&p->refs, 1);
	return p;
}

void ck_sched_pod_unref(struct ck_sched_pod *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	free(p->key);
	free(p->strings);
	free(p->ports);
	free(p->images);
	ck_api_tolerations_free(p->tolerations, p->n_tolerations);
	ck_api_node_affinity_release(&p->node_affinity);
	for (size_t i = 0; i < p->n_spread; i++) {
		free(p->spread[i].topology_key);
		ck_label_selector_free(p->spread[i].selector);
	}
	free(p->spread);
	terms_release(&p->affinity_req);
	terms_release(&p->affinity_pref);
	terms_release(&p->anti_req);
	terms_release(&p->anti_pref);
	json_object_put(p->labels);
	free(p);
}

bool ck_sched_term_matches(const struct ck_sched_affinity_term *t, const char *owner_ns,
			   const struct ck_sched_pod *pod)
{
	if (!t->all_namespaces) {
		if (t->namespaces) {
			bool found = false;
			for (size_t i = 0; t->namespaces[i] && !found; i++)
				found = ck_streq(t->namespaces[i], pod->ns);
			if (!found)
				return false;
		} else if (!ck_streq(owner_ns, pod->ns)) {
			return false;
		}
	}
	return ck_label_selector_matches(t->selector, pod->labels);
}
