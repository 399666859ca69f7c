/*
 * DefaultTolerationSeconds (upstream's
 * plugin/pkg/admission/defaulttolerationseconds): pods that do not tolerate
 * the not-ready and unreachable NoExecute taints tolerate them for 300 s,
 * so their node's failure evicts them after five minutes.
 */
#include "apimachinery/object.h"
#include "apiserver/admission/admission.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/str.h"

#define DEFAULT_SECONDS 300

static const char *const taints[] = { "node.kubernetes.io/not-ready",
				      "node.kubernetes.io/unreachable" };

static bool tolerates(json_object *tolerations, const char *key)
{
	for (size_t i = 0; i < ck_core_len(tolerations); i++) {
		json_object *t = ck_core_at(tolerations, i);
		const char *k = ck_core_str(t, "key"), *e = ck_core_str(t, "effect");
		if ((ck_streq(k, key) || !*k) && (ck_streq(e, "NoExecute") || !*e))
			return true;
	}
	return false;
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	(void)state;
	(void)ret_status;
	if ((a->op != CK_ADMISSION_CREATE && a->op != CK_ADMISSION_UPDATE) ||
	    !ck_admission_is(a, "", "pods") || !a->obj)
		return 0;
	json_object *spec = ck_core_ensure_obj(a->obj, "spec");
	json_object *tol = ck_core_arr(spec, "tolerations");
	bool missing[2];
	for (size_t i = 0; i < 2; i++)
		missing[i] = !tolerates(tol, taints[i]);
	for (size_t i = 0; i < 2; i++) {
		if (!missing[i])
			continue;
		if (!tol) {
			tol = json_object_new_array();
			json_object_object_add(spec, "tolerations", tol);
		}
		json_object *t = json_object_new_object();
		json_object_object_add(t, "key", json_object_new_string(taints[i]));
		json_object_object_add(t, "operator", json_object_new_string("Exists"));
		json_object_object_add(t, "effect", json_object_new_string("NoExecute"));
		json_object_object_add(t, "tolerationSeconds",
				       json_object_new_int64(DEFAULT_SECONDS));
		json_object_array_add(tol, t);
		a->mutated = true;
	}
	return 0;
}

const struct ck_admission_plugin ck_admission_default_toleration_seconds = {
	.name = "DefaultTolerationSeconds",
	.default_on = true,
	.admit = admit,
};
