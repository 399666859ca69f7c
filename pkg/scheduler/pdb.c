/* The PodDisruptionBudgets DefaultPreemption consults, in compact form. */
#include <stdlib.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "scheduler/framework.h"
#include "util/str.h"

static bool pdb_init(struct ck_sched_pdb *b, json_object *obj)
{
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	/* an invalid selector matches nothing (upstream skips the budget) */
	if (ck_label_selector_from_json(ck_obj_path(obj, "spec.selector"), &sel, &err) < 0) {
		free(err);
		return false;
	}
	b->ns = ck_strdup(ck_obj_namespace(obj) ? ck_obj_namespace(obj) : "");
	b->selector = sel;
	json_object *allowed = ck_obj_path(obj, "status.disruptionsAllowed");
	b->disruptions_allowed = allowed ? json_object_get_int(allowed) : 0;
	json_object *disrupted = ck_obj_path(obj, "status.disruptedPods");
	size_t n = 0;
	if (disrupted && json_object_is_type(disrupted, json_type_object))
		n = (size_t)json_object_object_length(disrupted);
	b->disrupted_pods = ck_calloc(n + 1, sizeof(*b->disrupted_pods));
	size_t i = 0;
	if (n) {
		json_object_object_foreach (disrupted, name, when) {
			(void)when;
			b->disrupted_pods[i++] = ck_strdup(name);
		}
	}
	return true;
}

void ck_sched_pdbs_from_json(json_object *items, struct ck_sched_pdb **ret, size_t *ret_n)
{
	size_t n = ck_obj_array_len(items), k = 0;
	struct ck_sched_pdb *pdbs = ck_calloc(n + 1, sizeof(*pdbs));
	for (size_t i = 0; i < n; i++)
		if (pdb_init(&pdbs[k], json_object_array_get_idx(items, i)))
			k++;
	*ret = pdbs;
	*ret_n = k;
}

void ck_sched_pdbs_free(struct ck_sched_pdb *pdbs, size_t n)
{
	for (size_t i = 0; pdbs && i < n; i++) {
		free(pdbs[i].ns);
		ck_label_selector_free(pdbs[i].selector);
		ck_strv_free(pdbs[i].disrupted_pods);
	}
	free(pdbs);
}
