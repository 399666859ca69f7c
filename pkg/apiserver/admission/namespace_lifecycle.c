/*
 * NamespaceLifecycle (upstream's plugin/pkg/admission/namespace/lifecycle):
 * nothing new in a namespace that does not exist or is being terminated,
 * and the system namespaces may not be deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static const char *const immortal[] = { "default", "kube-system", "kube-public" };

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

/* Access reviews answer about the namespace without leaking whether it exists. */
static bool is_access_review(const struct ck_admission_attrs *a)
{
	return ck_streq(a->res->group, "authorization.k8s.io") &&
	       (ck_streq(a->res->resource, "localsubjectaccessreviews") ||
		ck_streq(a->res->resource, "subjectaccessreviews"));
}

/* upstream runs it in the mutating phase, first, so later plugins see a live namespace */
static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	const struct ck_admission_source *src = state;
	if (a->op == CK_ADMISSION_DELETE && ck_admission_is(a, "", "namespaces")) {
		for (size_t i = 0; i < CK_ARRAY_SIZE(immortal); i++)
			if (ck_streq(a->name, immortal[i])) {
				*ret_status = ck_status_new_forbidden(
				    "", "namespaces", a->name, "this namespace may not be deleted");
				return -EPERM;
			}
		return 0;
	}
	if (!a->res->namespaced || !a->namespace || !*a->namespace ||
	    ck_streq(a->res->resource, "namespaces") || a->op == CK_ADMISSION_DELETE ||
	    is_access_review(a))
		return 0;
	json_object *ns = NULL;
	if (src->get(src->ctx, "", "namespaces", "", a->namespace, &ns) < 0) {
		*ret_status = ck_status_new_not_found("", "namespaces", a->namespace);
		return -ENOENT;
	}
	bool terminating = ck_streq(ck_obj_path_str(ns, "status.phase"), "Terminating");
	json_object_put(ns);
	if (a->op != CK_ADMISSION_CREATE || !terminating)
		return 0;
	json_object *st =
	    ck_admission_forbidden(a,
				   "unable to create new content in namespace %s because it is "
				   "being terminated",
				   a->namespace);
	/* upstream adds a NamespaceTerminating cause */
	json_object *details = NULL, *causes = json_object_new_array(),
		    *cause = json_object_new_object();
	if (!json_object_object_get_ex(st, "details", &details)) {
		details = json_object_new_object();
		json_object_object_add(st, "details", details);
	}
	json_object_object_add(cause, "reason", json_object_new_string("NamespaceTerminating"));
	char msg[320];
	snprintf(msg, sizeof(msg), "namespace %s is being terminated", a->namespace);
	json_object_object_add(cause, "message", json_object_new_string(msg));
	json_object_object_add(cause, "field", json_object_new_string("metadata.namespace"));
	json_object_array_add(causes, cause);
	json_object_object_add(details, "causes", causes);
	*ret_status = st;
	return -EPERM;
}

const struct ck_admission_plugin ck_admission_namespace_lifecycle = {
	.name = "NamespaceLifecycle",
	.default_on = true,
	.init = init,
	.admit = admit,
};
