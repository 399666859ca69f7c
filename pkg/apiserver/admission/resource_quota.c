/*
 * ResourceQuota (upstream's plugin/pkg/admission/resourcequota and the
 * pkg/quota/v1 evaluators): a create in a namespace with ResourceQuotas is
 * charged to every quota that tracks what it uses (object counts, a pod's
 * cpu/memory/ephemeral-storage requests and limits, a claim's storage);
 * over any hard limit it is refused with upstream's message
 * (`exceeded quota: <name>, requested: …, used: …, limited: …`), else the
 * new usage is written to the quota's status (status.hard = spec.hard,
 * status.used), with a compare on its resourceVersion. Dry runs are
 * checked but not charged.
 *
 * ckube has no quota controller yet: usage a quota does not know yet is
 * computed from storage on the first charge, and a delete of a tracked
 * object recomputes it (upstream's controller does both).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

struct quota_state {
	const struct ck_admission_source *src;
	pthread_mutex_t lock; /* one charge at a time: no two creates pass on one remainder */
};

static int init(const struct ck_admission_source *src, void **ret_state)
{
	struct quota_state *s = ck_calloc(1, sizeof(*s));
	s->src = src;
	pthread_mutex_init(&s->lock, NULL);
	*ret_state = s;
	return 0;
}

static void free_state(void *state)
{
	struct quota_state *s = state;
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ---- usage of one object (upstream's evaluators) ---- */

static void add_q(json_object *usage, const char *key, const struct ck_quantity *q)
{
	struct ck_quantity sum = { 0 };
	json_object *cur = ck_core_get(usage, key);
	if (cur)
		ck_quantity_from_json(cur, &sum);
	ck_quantity_add(&sum, q);
	json_object_object_add(usage, key, ck_quantity_to_json(&sum));
}

static void add_int(json_object *usage, const char *key, int64_t n)
{
	struct ck_quantity q;
	ck_quantity_init_int64(&q, n, CK_QUANTITY_DECIMAL_SI);
	add_q(usage, key, &q);
}

/* Whether a pod counts (upstream's QuotaV1Pod: not in a terminal phase). */
static bool pod_counts(json_object *pod)
{
	const char *phase = ck_obj_path_str(pod, "status.phase");
	return !phase || (!ck_streq(phase, "Succeeded") && !ck_streq(phase, "Failed"));
}

/* requests or limits of a pod: the containers' sum, at least each init container's. */
static void pod_list(json_object *spec, const char *which, json_object *out)
{
	json_object *sum = json_object_new_object();
	json_object *cs = ck_core_arr(spec, "containers");
	for (size_t i = 0; i < ck_core_len(cs); i++) {
		json_object *l = ck_core_obj(ck_core_obj(ck_core_at(cs, i), "resources"), which);
		if (!l)
			continue;
		json_object_object_foreach (l, k, v) {
			struct ck_quantity q;
			if (ck_quantity_from_json(v, &q) == 0)
				add_q(sum, k, &q);
		}
	}
	json_object *ics = ck_core_arr(spec, "initContainers");
	for (size_t i = 0; i < ck_core_len(ics); i++) {
		json_object *l = ck_core_obj(ck_core_obj(ck_core_at(ics, i), "resources"), which);
		if (!l)
			continue;
		json_object_object_foreach (l, k, v) {
			struct ck_quantity q, cur = { 0 };
			if (ck_quantity_from_json(v, &q) < 0)
				continue;
			json_object *c = ck_core_get(sum, k);
			if (c)
				ck_quantity_from_json(c, &cur);
			if (!c || ck_quantity_cmp(&q, &cur) > 0)
				json_object_object_add(sum, k, ck_quantity_to_json(&q));
		}
	}
	json_object_object_foreach (sum, k, v) {
		struct ck_quantity q;
		ck_quantity_from_json(v, &q);
		char key[300];
		snprintf(key, sizeof(key), "%s.%.250s", which, k);
		add_q(out, key, &q);
		/* "cpu" and "memory" are requests.cpu and requests.memory */
		if (ck_streq(which, "requests") && (ck_streq(k, "cpu") || ck_streq(k, "memory") ||
						    ck_streq(k, "ephemeral-storage")))
			add_q(out, k, &q);
	}
	json_object_put(sum);
}

/* What obj (of res) uses, as a resource list (owned). */
static json_object *usage_of(const struct ck_resource *res, json_object *obj)
{
	json_object *u = json_object_new_object();
	char key[300];
	if (*res->group)
		snprintf(key, sizeof(key), "count/%s.%s", res->resource, res->group);
	else
		snprintf(key, sizeof(key), "count/%s", res->resource);
	bool is_pod = !*res->group && ck_streq(res->resource, "pods");
	if (is_pod && !pod_counts(obj))
		return u;
	add_int(u, key, 1);
	static const char *const legacy[] = { "pods",
					      "services",
					      "configmaps",
					      "secrets",
					      "persistentvolumeclaims",
					      "replicationcontrollers",
					      "resourcequotas" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(legacy); i++)
		if (!*res->group && ck_streq(res->resource, legacy[i]))
			add_int(u, legacy[i], 1);
	if (is_pod) {
		json_object *spec = ck_core_obj(obj, "spec");
		pod_list(spec, "requests", u);
		pod_list(spec, "limits", u);
	} else if (!*res->group && ck_streq(res->resource, "persistentvolumeclaims")) {
		struct ck_quantity q;
		json_object *v = ck_obj_path(obj, "spec.resources.requests.storage");
		if (v && ck_quantity_from_json(v, &q) == 0)
			add_q(u, "requests.storage", &q);
	} else if (!*res->group && ck_streq(res->resource, "services")) {
		const char *type = ck_obj_path_str(obj, "spec.type");
		if (ck_streq(type, "LoadBalancer"))
			add_int(u, "services.loadbalancers", 1);
		if (ck_streq(type, "NodePort") || ck_streq(type, "LoadBalancer"))
			add_int(u, "services.nodeports",
				(int64_t)ck_core_len(ck_obj_path(obj, "spec.ports")));
	}
	return u;
}

/* ---- scopes ---- */

static bool best_effort(json_object *pod)
{
	json_object *u = json_object_new_object();
	json_object *spec = ck_core_obj(pod, "spec");
	pod_list(spec, "requests", u);
	pod_list(spec, "limits", u);
	bool none = !ck_core_get(u, "requests.cpu") && !ck_core_get(u, "requests.memory") &&
		    !ck_core_get(u, "limits.cpu") && !ck_core_get(u, "limits.memory");
	json_object_put(u);
	return none;
}

/*
 * Whether one scope requirement (scopeName, operator, values) selects pod
 * (upstream's podMatchesScopeFunc): PriorityClass is matched as a label
 * selector on {PriorityClass: <priorityClassName>} (Exists: a class is
 * named); the other scopes are properties of the pod (upstream validation
 * allows them only Exists; DoesNotExist is taken as their negation).
 */
static bool scope_matches(const char *scope, const char *op, json_object *values, json_object *pod)
{
	const char *pc = ck_core_str(ck_core_obj(pod, "spec"), "priorityClassName");
	if (ck_streq(scope, "PriorityClass")) {
		if (ck_streq(op, "Exists"))
			return *pc;
		json_object *req = json_object_new_object();
		json_object_object_add(req, "key", json_object_new_string(scope));
		json_object_object_add(req, "operator", json_object_new_string(op));
		if (values)
			json_object_object_add(req, "values", ck_obj_copy(values));
		json_object *exprs = json_object_new_array();
		json_object_array_add(exprs, req);
		json_object *sel = json_object_new_object();
		json_object_object_add(sel, "matchExpressions", exprs);
		json_object *labels = json_object_new_object();
		json_object_object_add(labels, scope, json_object_new_string(pc));
		struct ck_label_selector *ls = NULL;
		char *err = NULL;
		bool ok = ck_label_selector_from_json(sel, &ls, &err) == 0 &&
			  ck_label_selector_matches(ls, labels);
		free(err);
		ck_label_selector_free(ls);
		json_object_put(labels);
		json_object_put(sel);
		return ok;
	}
	bool m;
	bool deadline = ck_obj_path(pod, "spec.activeDeadlineSeconds") != NULL;
	if (ck_streq(scope, "Terminating"))
		m = deadline;
	else if (ck_streq(scope, "NotTerminating"))
		m = !deadline;
	else if (ck_streq(scope, "BestEffort"))
		m = best_effort(pod);
	else if (ck_streq(scope, "NotBestEffort"))
		m = !best_effort(pod);
	else
		return false; /* a scope pods do not have (CrossNamespacePodAffinity, …) */
	return ck_streq(op, "DoesNotExist") ? !m : m;
}

/*
 * Whether quota's spec.scopes and spec.scopeSelector select obj: every
 * scope and every matchExpression must (upstream's scopes are requirements
 * with operator Exists); a scoped quota selects pods only.
 */
static bool in_scope(json_object *quota, const struct ck_resource *res, json_object *obj)
{
	json_object *scopes = ck_obj_path(quota, "spec.scopes");
	json_object *exprs = ck_obj_path(quota, "spec.scopeSelector.matchExpressions");
	if (!ck_core_len(scopes) && !ck_core_len(exprs))
		return true;
	if (*res->group || !ck_streq(res->resource, "pods"))
		return false;
	for (size_t i = 0; i < ck_core_len(scopes); i++) {
		const char *s = json_object_get_string(ck_core_at(scopes, i));
		if (!scope_matches(s, "Exists", NULL, obj))
			return false;
	}
	for (size_t i = 0; i < ck_core_len(exprs); i++) {
		json_object *e = ck_core_at(exprs, i);
		if (!scope_matches(ck_core_str(e, "scopeName"), ck_core_str(e, "operator"),
				   ck_core_arr(e, "values"), obj))
			return false;
	}
	return true;
}

/* ---- the charge ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a=1,b=2" of list's keys in keys (sorted), as upstream's prettyPrint. */
static void pretty(json_object *list, const char **keys, size_t n, struct ck_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		struct ck_quantity q = { 0 };
		json_object *v = ck_core_get(list, keys[i]);
		if (v)
			ck_quantity_from_json(v, &q);
		char t[CK_QUANTITY_STR_MAX];
		ck_quantity_snprint(&q, t, sizeof(t));
		ck_buf_addf(out, "%s%s=%s", i ? "," : "", keys[i], t);
	}
}

/* Usage of the namespace's objects of res in quota's scope, from storage. */
static json_object *compute_used(const struct quota_state *s, const struct ck_resource *res,
				 json_object *quota, const char *ns, const char *exclude_uid)
{
	json_object *used = json_object_new_object(), *items = NULL;
	if (s->src->list(s->src->ctx, res->group, res->resource, ns, true, &items) < 0)
		return used;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		if (exclude_uid && ck_streq(ck_obj_uid(it), exclude_uid))
			continue;
		if (!in_scope(quota, res, it))
			continue;
		json_object *u = usage_of(res, it);
		json_object_object_foreach (u, k, v) {
			struct ck_quantity q;
			if (ck_quantity_from_json(v, &q) == 0)
				add_q(used, k, &q);
		}
		json_object_put(u);
	}
	json_object_put(items);
	return used;
}

struct charge {
	const struct quota_state *s;
	const struct ck_admission_attrs *a;
	json_object *usage;	 /* what the object uses */
	const char *exclude_uid; /* recompute (delete): leave this object out */
	bool recompute;		 /* delete: used = storage without the object */
	json_object *status;	 /* the refusal (owned) */
};

/* Keys of hard that the charge touches (usage keys, or all on recompute). */
static size_t tracked(json_object *hard, json_object *usage, const char **keys)
{
	size_t n = 0;
	json_object_object_foreach (hard, k, v) {
		(void)v;
		if (!usage || ck_core_get(usage, k))
			keys[n++] = k;
	}
	qsort(keys, n, sizeof(char *), cmp_str);
	return n;
}

static int charge_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
		     json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	(void)ret_ttl;
	struct charge *c = arg;
	const struct ck_admission_attrs *a = c->a;
	json_object *hard = ck_obj_path(cur, "spec.hard");
	size_t nh = hard ? (size_t)json_object_object_length(hard) : 0;
	const char **keys = ck_calloc(nh + 1, sizeof(char *));
	size_t n = tracked(hard, c->recompute ? NULL : c->usage, keys);
	if (!n) {
		free(keys);
		return -EALREADY; /* nothing to charge */
	}
	json_object *old_used = ck_obj_path(cur, "status.used");
	bool known = old_used != NULL;
	for (size_t i = 0; i < n && known; i++)
		known = ck_core_get(old_used, keys[i]) != NULL;
	json_object *used = NULL;
	if (c->recompute || !known)
		used = compute_used(c->s, a->res, cur, a->namespace, c->exclude_uid);
	else
		used = ck_obj_copy(old_used);
	json_object *next = json_object_new_object();
	const char **over = ck_calloc(n + 1, sizeof(char *));
	size_t nover = 0;
	for (size_t i = 0; i < n; i++) {
		struct ck_quantity u = { 0 }, d = { 0 }, h = { 0 };
		json_object *uv = ck_core_get(used, keys[i]);
		if (uv)
			ck_quantity_from_json(uv, &u);
		if (!c->recompute) {
			json_object *dv = ck_core_get(c->usage, keys[i]);
			if (dv)
				ck_quantity_from_json(dv, &d);
		}
		ck_quantity_from_json(ck_core_get(hard, keys[i]), &h);
		struct ck_quantity sum = u;
		ck_quantity_add(&sum, &d);
		if (!c->recompute && ck_quantity_cmp(&sum, &h) > 0)
			over[nover++] = keys[i];
		json_object_object_add(next, keys[i], ck_quantity_to_json(&sum));
	}
	int r = 0;
	if (nover) {
		struct ck_buf req = CK_BUF_INIT, usedb = CK_BUF_INIT, lim = CK_BUF_INIT;
		pretty(c->usage, over, nover, &req);
		pretty(used, over, nover, &usedb);
		pretty(hard, over, nover, &lim);
		c->status = ck_admission_forbidden(a,
						   "exceeded quota: %s, requested: %s, used: %s, "
						   "limited: %s",
						   ck_obj_name(cur), ck_buf_str(&req),
						   ck_buf_str(&usedb), ck_buf_str(&lim));
		ck_buf_release(&req);
		ck_buf_release(&usedb);
		ck_buf_release(&lim);
		r = -EPERM;
	} else if (a->dry_run) {
		r = -EALREADY; /* checked, not charged */
	} else {
		/* keep what the charge did not touch */
		if (old_used) {
			json_object_object_foreach (old_used, k, v) {
				if (!ck_core_get(next, k) && ck_core_get(hard, k))
					json_object_object_add(next, k, ck_obj_copy(v));
			}
		}
		json_object *out = ck_obj_copy(cur);
		json_object *status = ck_core_ensure_obj(out, "status");
		json_object_object_add(status, "hard", ck_obj_copy(hard));
		json_object_object_add(status, "used", next);
		next = NULL;
		*ret_obj = out;
	}
	json_object_put(next);
	json_object_put(used);
	free(over);
	free(keys);
	return r;
}

/* Whether hard limits anything usage has. */
static bool tracks_any(json_object *hard, json_object *usage)
{
	if (!hard)
		return false;
	json_object_object_foreach (hard, k, v) {
		(void)v;
		if (ck_core_get(usage, k))
			return true;
	}
	return false;
}

static int charge_all(struct quota_state *s, const struct ck_admission_attrs *a, json_object *obj,
		      bool recompute, json_object **ret_status)
{
	const struct ck_admission_source *src = s->src;
	json_object *quotas = NULL;
	if (src->list(src->ctx, "", "resourcequotas", a->namespace, false, &quotas) < 0)
		return 0;
	size_t n = json_object_array_length(quotas);
	if (!n) {
		json_object_put(quotas);
		return 0;
	}
	struct charge c = { .s = s, .a = a, .recompute = recompute };
	c.usage = usage_of(a->res, obj);
	if (recompute)
		c.exclude_uid = ck_obj_uid(obj);
	int r = 0;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < n && r == 0; i++) {
		json_object *q = json_object_array_get_idx(quotas, i);
		if (!in_scope(q, a->res, obj) || !tracks_any(ck_obj_path(q, "spec.hard"), c.usage))
			continue; /* no storage read for quotas the object does not touch */
		char key[600];
		snprintf(key, sizeof(key), "/resourcequotas/%s/%s", a->namespace, ck_obj_name(q));
		struct ck_storage_update_options o = { 0 };
		struct ck_storage_error err = { 0 };
		int ur =
		    ck_storage_guaranteed_update(src->storage, key, &o, charge_fn, &c, NULL, &err);
		ck_storage_error_release(&err);
		if (ur == -EPERM) {
			*ret_status = c.status;
			c.status = NULL;
			r = -EPERM;
		}
	}
	pthread_mutex_unlock(&s->lock);
	json_object_put(c.usage);
	json_object_put(quotas);
	return r;
}

static int validate(void *state, const struct ck_admission_attrs *a, json_object **ret_status)
{
	if (a->subresource && *a->subresource)
		return 0;
	if (!a->res->namespaced || !a->namespace || !*a->namespace)
		return 0;
	if (a->op == CK_ADMISSION_CREATE && a->obj)
		return charge_all(state, a, a->obj, false, ret_status);
	if (a->op == CK_ADMISSION_DELETE && a->old && !a->dry_run &&
	    !ck_obj_path(a->old, "metadata.deletionTimestamp")) {
		json_object *ignored = NULL;
		charge_all(state, a, a->old, true, &ignored);
		json_object_put(ignored);
	}
	return 0;
}

const struct ck_admission_plugin ck_admission_resource_quota = {
	.name = "ResourceQuota",
	.default_on = true,
	.init = init,
	.free = free_state,
	.validate = validate,
};
