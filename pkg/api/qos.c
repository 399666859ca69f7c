#include "api/qos.h"

#include <stdbool.h>
#include <string.h>

#include "apimachinery/quantity.h"
#include "util/str.h"

/* Sums of cpu (index 0) and memory (1) quantities above zero. */
struct sums {
	struct ck_quantity q[2];
	bool set[2];
};

static int qos_index(const char *name)
{
	return ck_streq(name, "cpu") ? 0 : ck_streq(name, "memory") ? 1 : -1;
}

/* Adds the list's positive cpu/memory values; returns a bit per resource found. */
static unsigned add_list(json_object *list, struct sums *s)
{
	unsigned found = 0;
	if (!list || !json_object_is_type(list, json_type_object))
		return 0;
	json_object_object_foreach (list, name, v) {
		int i = qos_index(name);
		struct ck_quantity q;
		if (i < 0 || ck_quantity_from_json(v, &q) < 0 || ck_quantity_sign(&q) <= 0)
			continue;
		found |= 1u << i;
		if (s->set[i]) {
			if (ck_quantity_add(&s->q[i], &q) < 0)
				continue;
		} else {
			s->q[i] = q;
			s->set[i] = true;
		}
	}
	return found;
}

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

const char *ck_api_pod_qos_class(json_object *pod)
{
	struct sums req, lim;
	memset(&req, 0, sizeof(req));
	memset(&lim, 0, sizeof(lim));
	bool guaranteed = true;
	json_object *spec = field(pod, "spec");
	static const char *const lists[] = { "containers", "initContainers" };
	for (size_t l = 0; l < 2; l++) {
		json_object *cs = field(spec, lists[l]);
		if (!cs || !json_object_is_type(cs, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(cs); i++) {
			json_object *res = field(json_object_array_get_idx(cs, i), "resources");
			add_list(field(res, "requests"), &req);
			if (add_list(field(res, "limits"), &lim) != 3)
				guaranteed = false;
		}
	}
	if (!req.set[0] && !req.set[1] && !lim.set[0] && !lim.set[1])
		return "BestEffort";
	if (guaranteed) {
		for (int i = 0; i < 2; i++)
			if (req.set[i] &&
			    (!lim.set[i] || ck_quantity_cmp(&lim.q[i], &req.q[i]) != 0))
				guaranteed = false;
	}
	if (guaranteed && req.set[0] + req.set[1] == lim.set[0] + lim.set[1])
		return "Guaranteed";
	return "Burstable";
}
