/* The compact pod the scheduler works on, built once per pod version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "scheduler/framework.h"
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

static void add_images(struct ck_sched_pod *p, json_object *containers)
{
	for (size_t i = 0; i < ck_obj_array_len(containers); i++) {
		const char *img = str(json_object_array_get_idx(containers, i), "image");
		if (!*img)
			continue;
		p->images = ck_realloc(p->images, (p->n_images + 1) * sizeof(*p->images));
		p->images[p->n_images++] = img;
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
 * A copy of the pod without metadata.managedFields (owned): nothing in the
 * scheduler reads them, and they are about a third of a pod's JSON values,
 * copied twice per pod (when it arrives and when its binding is confirmed).
 */
static json_object *copy_for_scheduling(json_object *obj)
{
	if (!json_object_is_type(obj, json_type_object))
		return ck_obj_copy(obj);
	json_object *out = json_object_new_object();
	json_object_object_foreach (obj, k, v) {
		if (!ck_streq(k, "metadata") || !json_object_is_type(v, json_type_object)) {
			json_object_object_add(out, k, ck_obj_copy(v));
			continue;
		}
		json_object *md = json_object_new_object();
		json_object_object_foreach (v, mk, mv)
			if (!ck_streq(mk, "managedFields"))
				json_object_object_add(md, mk, ck_obj_copy(mv));
		json_object_object_add(out, k, md);
	}
	return out;
}

struct ck_sched_pod *ck_sched_pod_new(json_object *obj)
{
	struct ck_sched_pod *p = ck_calloc(1, sizeof(*p));
	atomic_init(&p->refs, 1);
	p->obj = copy_for_scheduling(obj);
	json_object *meta = ck_obj_get(p->obj, "metadata"), *spec = ck_obj_get(p->obj, "spec");
	json_object *status = ck_obj_get(p->obj, "status");
	p->ns = str(meta, "namespace");
	p->name = str(meta, "name");
	p->uid = str(meta, "uid");
	size_t kl = strlen(p->ns) + strlen(p->name) + 2;
	p->key = ck_malloc(kl);
	snprintf(p->key, kl, "%s/%s", p->ns, p->name);
	p->labels = ck_obj_get(meta, "labels");
	p->node_name = str(spec, "nodeName");
	p->scheduler_name = str(spec, "schedulerName");
	if (!*p->scheduler_name)
		p->scheduler_name = "default-scheduler";
	p->nominated_node_name = str(status, "nominatedNodeName");
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
	ck_api_pod_requests(p->obj, &p->req, &p->req_non_zero);
	add_ports(p, ck_obj_get(spec, "initContainers"));
	add_ports(p, ck_obj_get(spec, "containers"));
	add_images(p, ck_obj_get(spec, "initContainers"));
	add_images(p, ck_obj_get(spec, "containers"));
	ck_api_tolerations_from_json(ck_obj_get(spec, "tolerations"), &p->tolerations,
				     &p->n_tolerations);
	ck_api_node_affinity_from_pod(p->obj, &p->node_affinity);
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
	json_object_put(p->obj);
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
