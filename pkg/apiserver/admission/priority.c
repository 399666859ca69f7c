/*
 * Priority (upstream's plugin/pkg/admission/priority): a new pod's
 * spec.priority and spec.preemptionPolicy come from its priorityClassName's
 * PriorityClass (scheduling.k8s.io/v1, read through the watch cache), or
 * from the class marked globalDefault, or are 0 and PreemptLowerPriority;
 * a pod may not state a priority that differs. On update the existing
 * values are kept. system-node-critical and system-cluster-critical resolve
 * to upstream's values even before their objects exist.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

#define SCHEDULING_GROUP "scheduling.k8s.io"

static const struct {
	const char *name;
	int64_t value;
} system_classes[] = {
	{ "system-node-critical", 2000001000 },
	{ "system-cluster-critical", 2000000000 },
};

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

struct resolved {
	const char *class_name; /* borrowed from the class object or static */
	int64_t value;
	const char *policy; /* NULL when the class has none */
};

/* The globalDefault class with the lowest value, if any (upstream's getDefaultPriority). */
static json_object *default_class(const struct ck_admission_source *src)
{
	json_object *items = NULL, *best = NULL;
	if (src->list(src->ctx, SCHEDULING_GROUP, "priorityclasses", "", false, &items) < 0)
		return NULL;
	int64_t best_value = INT64_MAX;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *pc = json_object_array_get_idx(items, i);
		int64_t v = 0;
		if (!ck_core_bool(pc, "globalDefault") || !ck_core_int(pc, "value", &v))
			continue;
		if (!best || v < best_value) {
			best = pc;
			best_value = v;
		}
	}
	best = best ? json_object_get(best) : NULL;
	json_object_put(items);
	return best;
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	const struct ck_admission_source *src = state;
	if (!ck_admission_is(a, "", "pods") || !a->obj)
		return 0;
	json_object *spec = ck_core_ensure_obj(a->obj, "spec");
	if (a->op == CK_ADMISSION_UPDATE) {
		json_object *ospec = ck_core_obj(a->old, "spec");
		const char *keep[] = { "priority", "preemptionPolicy" };
		for (size_t i = 0; i < CK_ARRAY_SIZE(keep); i++) {
			json_object *old = ck_core_get(ospec, keep[i]);
			if (!ck_core_get(spec, keep[i]) && old) {
				json_object_object_add(spec, keep[i], ck_obj_copy(old));
				a->mutated = true;
			}
		}
		return 0;
	}
	if (a->op != CK_ADMISSION_CREATE)
		return 0;
	const char *name = ck_core_str(spec, "priorityClassName");
	json_object *pc = NULL;
	int64_t priority = 0;
	const char *policy = "PreemptLowerPriority";
	if (!*name) {
		pc = default_class(src);
		if (pc) {
			ck_core_int(pc, "value", &priority);
			policy = ck_core_str(pc, "preemptionPolicy");
			json_object_object_add(spec, "priorityClassName",
					       json_object_new_string(ck_obj_name(pc)));
		}
	} else if (src->get(src->ctx, SCHEDULING_GROUP, "priorityclasses", "", name, &pc) == 0) {
		ck_core_int(pc, "value", &priority);
		policy = ck_core_str(pc, "preemptionPolicy");
	} else {
		bool found = false;
		for (size_t i = 0; i < CK_ARRAY_SIZE(system_classes) && !found; i++)
			if (ck_streq(name, system_classes[i].name)) {
				priority = system_classes[i].value;
				found = true;
			}
		if (!found) {
			*ret_status = ck_admission_forbidden(
			    a, "no PriorityClass with name %s was found", name);
			return -EPERM;
		}
	}
	int r = 0;
	int64_t given = 0;
	json_object *pv = ck_core_get(spec, "priority");
	if (pv && json_object_is_type(pv, json_type_int) &&
	    (given = json_object_get_int64(pv)) != priority) {
		*ret_status = ck_admission_forbidden(
		    a,
		    "the integer value of priority (%lld) must not be provided in pod spec; "
		    "priority admission controller computed %lld from the given PriorityClass "
		    "name",
		    (long long)given, (long long)priority);
		r = -EPERM;
		goto out;
	}
	json_object_object_add(spec, "priority", json_object_new_int64(priority));
	a->mutated = true;
	if (policy && *policy) {
		const char *cur = ck_core_str(spec, "preemptionPolicy");
		if (*cur && !ck_streq(cur, policy)) {
			*ret_status = ck_admission_forbidden(
			    a,
			    "the string value of PreemptionPolicy (%s) must not be provided in pod "
			    "spec; priority admission controller computed %s from the given "
			    "PriorityClass name",
			    cur, policy);
			r = -EPERM;
			goto out;
		}
		json_object_object_add(spec, "preemptionPolicy", json_object_new_string(policy));
	}
out:
	json_object_put(pc);
	return r;
}

const struct ck_admission_plugin ck_admission_priority = {
	.name = "Priority",
	.default_on = true,
	.init = init,
	.admit = admit,
};
