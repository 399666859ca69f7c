/*
 * LimitRanger (upstream's plugin/pkg/admission/limitranger): the defaults of
 * the namespace's LimitRanges of type Container fill the requests and limits
 * a new pod's containers leave out (with the kubernetes.io/limit-ranger
 * annotation saying what was set), then each Container and Pod item's min,
 * max and maxLimitRequestRatio are enforced. A PersistentVolumeClaim's
 * storage request (on create and update: a resize) is held to the
 * PersistentVolumeClaim items' min and max (upstream sets no defaults for
 * claims).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define ANNOTATION "kubernetes.io/limit-ranger"

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

/* Pods on create (upstream leaves pod updates alone: containers cannot change). */
static bool applies(const struct ck_admission_attrs *a)
{
	return a->op == CK_ADMISSION_CREATE && ck_admission_is(a, "", "pods") && a->obj;
}

static json_object *limit_ranges(const struct ck_admission_attrs *a, void *state)
{
	const struct ck_admission_source *src = state;
	json_object *items = NULL;
	if (src->list(src->ctx, "", "limitranges", a->namespace, false, &items) < 0)
		return NULL;
	if (!json_object_array_length(items)) {
		json_object_put(items);
		return NULL;
	}
	return items;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Fills what container lacks from def (to list key of its resources). */
static void fill(json_object *resources, const char *key, json_object *def, const char **set,
		 size_t *nset)
{
	if (!def || !json_object_object_length(def))
		return;
	json_object *list = ck_core_ensure_obj(resources, key);
	json_object_object_foreach (def, k, v) {
		if (json_object_object_get_ex(list, k, NULL))
			continue;
		json_object_object_add(list, k, ck_obj_copy(v));
		set[(*nset)++] = k;
	}
}

static void merge_containers(json_object *containers, const char *prefix, json_object *limits,
			     json_object *requests, struct ck_buf *note, bool *changed)
{
	for (size_t i = 0; i < ck_core_len(containers); i++) {
		json_object *c = ck_core_at(containers, i);
		json_object *res = ck_core_ensure_obj(c, "resources");
		size_t nl = limits ? (size_t)json_object_object_length(limits) : 0;
		size_t nr = requests ? (size_t)json_object_object_length(requests) : 0;
		const char **set_l = ck_calloc(nl + 1, sizeof(char *));
		const char **set_r = ck_calloc(nr + 1, sizeof(char *));
		size_t kl = 0, kr = 0;
		fill(res, "limits", limits, set_l, &kl);
		fill(res, "requests", requests, set_r, &kr);
		const char *name = ck_core_str(c, "name");
		if (kr) {
			qsort(set_r, kr, sizeof(char *), cmp_str);
			if (note->len)
				ck_buf_adds(note, "; ");
			for (size_t j = 0; j < kr; j++)
				ck_buf_addf(note, "%s%s", j ? ", " : "", set_r[j]);
			ck_buf_addf(note, " request for %s %s", prefix, name);
		}
		if (kl) {
			qsort(set_l, kl, sizeof(char *), cmp_str);
			if (note->len)
				ck_buf_adds(note, "; ");
			for (size_t j = 0; j < kl; j++)
				ck_buf_addf(note, "%s%s", j ? ", " : "", set_l[j]);
			ck_buf_addf(note, " limit for %s %s", prefix, name);
		}
		*changed |= kl || kr;
		free(set_l);
		free(set_r);
	}
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	(void)ret_status;
	if (!applies(a))
		return 0;
	json_object *lrs = limit_ranges(a, state);
	if (!lrs)
		return 0;
	struct ck_buf note = CK_BUF_INIT;
	bool changed = false;
	json_object *spec = ck_core_obj(a->obj, "spec");
	for (size_t i = 0; i < json_object_array_length(lrs); i++) {
		json_object *items = ck_obj_path(json_object_array_get_idx(lrs, i), "spec.limits");
		json_object *limits = NULL, *requests = NULL;
		/* upstream's defaultContainerResourceRequirements: the last Container item */
		for (size_t j = 0; j < ck_core_len(items); j++) {
			json_object *it = ck_core_at(items, j);
			if (!ck_streq(ck_core_str(it, "type"), "Container"))
				continue;
			limits = ck_core_obj(it, "default");
			requests = ck_core_obj(it, "defaultRequest");
		}
		merge_containers(ck_core_arr(spec, "containers"), "container", limits, requests,
				 &note, &changed);
		merge_containers(ck_core_arr(spec, "initContainers"), "init container", limits,
				 requests, &note, &changed);
	}
	if (changed) {
		json_object *md = ck_obj_metadata(a->obj);
		json_object *ann = ck_core_ensure_obj(md, "annotations");
		struct ck_buf v = CK_BUF_INIT;
		ck_buf_addf(&v, "LimitRanger plugin set: %s", ck_buf_str(&note));
		json_object_object_add(ann, ANNOTATION, json_object_new_string(ck_buf_str(&v)));
		ck_buf_release(&v);
		a->mutated = true;
	}
	ck_buf_release(&note);
	json_object_put(lrs);
	return 0;
}

/* ---- enforcement ---- */

static bool quantity_of(json_object *list, const char *key, struct ck_quantity *q)
{
	json_object *v = ck_core_get(list, key);
	return v && ck_quantity_from_json(v, q) == 0;
}

static void add_error(struct ck_buf *errs, size_t *n, const char *msg)
{
	if (*n)
		ck_buf_adds(errs, ", ");
	ck_buf_adds(errs, msg);
	(*n)++;
}

static void q_text(const struct ck_quantity *q, char *out)
{
	ck_quantity_snprint(q, out, CK_QUANTITY_STR_MAX);
}

/* upstream's minConstraint, maxConstraint, limitRequestRatioConstraint: the
 * first failure of each per resource. A claim's (pvc) max bounds its request
 * (upstream's maxRequestConstraint), and claims have no ratio. */
static void enforce(const char *type, json_object *item, json_object *requests, json_object *limits,
		    bool pvc, struct ck_buf *errs, size_t *n)
{
	char msg[512], e[CK_QUANTITY_STR_MAX], o[CK_QUANTITY_STR_MAX];
	struct ck_quantity qe, qr, ql;
	json_object *min = ck_core_obj(item, "min"), *max = ck_core_obj(item, "max"),
		    *ratio = ck_core_obj(item, "maxLimitRequestRatio");
	if (min) {
		json_object_object_foreach (min, k, v) {
			if (ck_quantity_from_json(v, &qe) < 0)
				continue;
			q_text(&qe, e);
			bool hr = quantity_of(requests, k, &qr), hl = quantity_of(limits, k, &ql);
			if (!hr) {
				snprintf(msg, sizeof(msg),
					 "minimum %s usage per %s is %s.  No request is specified",
					 k, type, e);
				add_error(errs, n, msg);
			} else if (ck_quantity_cmp(&qe, &qr) > 0) {
				q_text(&qr, o);
				snprintf(msg, sizeof(msg),
					 "minimum %s usage per %s is %s, but request is %s", k,
					 type, e, o);
				add_error(errs, n, msg);
			} else if (hl && ck_quantity_cmp(&qe, &ql) > 0) {
				q_text(&ql, o);
				snprintf(msg, sizeof(msg),
					 "minimum %s usage per %s is %s, but limit is %s", k, type,
					 e, o);
				add_error(errs, n, msg);
			}
		}
	}
	if (max) {
		json_object_object_foreach (max, k, v) {
			if (ck_quantity_from_json(v, &qe) < 0)
				continue;
			q_text(&qe, e);
			bool hr = quantity_of(requests, k, &qr), hl = quantity_of(limits, k, &ql);
			if (pvc) {
				if (!hr)
					snprintf(msg, sizeof(msg),
						 "maximum %s usage per %s is %s.  No request is "
						 "specified",
						 k, type, e);
				else if (ck_quantity_cmp(&qr, &qe) > 0) {
					q_text(&qr, o);
					snprintf(msg, sizeof(msg),
						 "maximum %s usage per %s is %s, but request is %s",
						 k, type, e, o);
				} else
					continue;
				add_error(errs, n, msg);
			} else if (!hl) {
				snprintf(msg, sizeof(msg),
					 "maximum %s usage per %s is %s.  No limit is specified", k,
					 type, e);
				add_error(errs, n, msg);
			} else if (ck_quantity_cmp(&ql, &qe) > 0) {
				q_text(&ql, o);
				snprintf(msg, sizeof(msg),
					 "maximum %s usage per %s is %s, but limit is %s", k, type,
					 e, o);
				add_error(errs, n, msg);
			} else if (hr && ck_quantity_cmp(&qr, &qe) > 0) {
				q_text(&qr, o);
				snprintf(msg, sizeof(msg),
					 "maximum %s usage per %s is %s, but request is %s", k,
					 type, e, o);
				add_error(errs, n, msg);
			}
		}
	}
	if (ratio && !pvc) {
		json_object_object_foreach (ratio, k, v) {
			if (ck_quantity_from_json(v, &qe) < 0)
				continue;
			q_text(&qe, e);
			bool hr = quantity_of(requests, k, &qr), hl = quantity_of(limits, k, &ql);
			if (!hr || !hl) {
				snprintf(msg, sizeof(msg),
					 "%s max limit to request ratio per %s is %s, but no %s is "
					 "specified",
					 k, type, e, !hr ? "request" : "limit");
				add_error(errs, n, msg);
				continue;
			}
			int64_t r = 0, l = 0, m = 0;
			ck_quantity_milli_value(&qr, &r);
			ck_quantity_milli_value(&ql, &l);
			ck_quantity_milli_value(&qe, &m);
			double observed = r > 0 ? (double)l / (double)r : 0;
			if (r > 0 && observed * 1000.0 > (double)m) {
				snprintf(msg, sizeof(msg),
					 "%s max limit to request ratio per %s is %s, but provided "
					 "ratio is %f",
					 k, type, e, observed);
				add_error(errs, n, msg);
			}
		}
	}
}

/* The pod's total of key in requests or limits (containers summed). */
static void pod_totals(json_object *spec, json_object *req, json_object *lim)
{
	json_object *cs = ck_core_arr(spec, "containers");
	for (size_t i = 0; i < ck_core_len(cs); i++) {
		json_object *r = ck_core_obj(ck_core_at(cs, i), "resources");
		const char *keys[] = { "requests", "limits" };
		json_object *dst[] = { req, lim };
		for (size_t k = 0; k < 2; k++) {
			json_object *list = ck_core_obj(r, keys[k]);
			if (!list)
				continue;
			json_object_object_foreach (list, name, v) {
				struct ck_quantity q, sum = { 0 };
				if (ck_quantity_from_json(v, &q) < 0)
					continue;
				json_object *cur = ck_core_get(dst[k], name);
				if (cur)
					ck_quantity_from_json(cur, &sum);
				ck_quantity_add(&sum, &q);
				json_object_object_add(dst[k], name, ck_quantity_to_json(&sum));
			}
		}
	}
}

/* Claims on create and update (upstream validates a resize too). */
static bool applies_claim(const struct ck_admission_attrs *a)
{
	return (a->op == CK_ADMISSION_CREATE || a->op == CK_ADMISSION_UPDATE) &&
	       ck_admission_is(a, "", "persistentvolumeclaims") && a->obj;
}

static int validate(void *state, const struct ck_admission_attrs *a, json_object **ret_status)
{
	bool claim = applies_claim(a);
	if (!applies(a) && !claim)
		return 0;
	json_object *lrs = limit_ranges(a, state);
	if (!lrs)
		return 0;
	struct ck_buf errs = CK_BUF_INIT;
	size_t n = 0;
	json_object *spec = ck_core_obj(a->obj, "spec");
	json_object *preq = json_object_new_object(), *plim = json_object_new_object();
	if (!claim)
		pod_totals(spec, preq, plim);
	for (size_t i = 0; i < json_object_array_length(lrs); i++) {
		json_object *items = ck_obj_path(json_object_array_get_idx(lrs, i), "spec.limits");
		for (size_t j = 0; j < ck_core_len(items); j++) {
			json_object *it = ck_core_at(items, j);
			const char *type = ck_core_str(it, "type");
			if (claim) {
				/* a claim's limits are not user input (upstream) */
				if (ck_streq(type, "PersistentVolumeClaim"))
					enforce(type, it, ck_obj_path(spec, "resources.requests"),
						NULL, true, &errs, &n);
			} else if (ck_streq(type, "Container")) {
				const char *lists[] = { "containers", "initContainers" };
				for (size_t l = 0; l < 2; l++) {
					json_object *cs = ck_core_arr(spec, lists[l]);
					for (size_t c = 0; c < ck_core_len(cs); c++) {
						json_object *r =
						    ck_core_obj(ck_core_at(cs, c), "resources");
						enforce(type, it, ck_core_obj(r, "requests"),
							ck_core_obj(r, "limits"), false, &errs, &n);
					}
				}
			} else if (ck_streq(type, "Pod")) {
				enforce(type, it, preq, plim, false, &errs, &n);
			}
		}
	}
	json_object_put(preq);
	json_object_put(plim);
	json_object_put(lrs);
	int r = 0;
	if (n) {
		*ret_status = n == 1 ? ck_admission_forbidden(a, "%s", ck_buf_str(&errs))
				     : ck_admission_forbidden(a, "[%s]", ck_buf_str(&errs));
		r = -EPERM;
	}
	ck_buf_release(&errs);
	return r;
}

const struct ck_admission_plugin ck_admission_limit_ranger = {
	.name = "LimitRanger",
	.default_on = true,
	.init = init,
	.admit = admit,
	.validate = validate,
};
