/* authorization.k8s.io/v1 selfsubjectrulesreviews: what may I do here? */
#include <errno.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/authz.h"
#include "auth/rbac.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"

#define GROUP "authorization.k8s.io"

static json_object *list(char *const *v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "SelfSubjectRulesReview", ret_status) < 0)
		return -EINVAL;
	const char *ns = ck_obj_path_str(req->body, "spec.namespace");
	if (!ns || !*ns) {
		*ret_status = ck_status_new_bad_request("no namespace on request");
		return -EINVAL;
	}
	if (!req->user) {
		*ret_status = ck_status_new_bad_request("no user present on request");
		return -EINVAL;
	}
	struct ck_rbac_rules rules = { 0 };
	bool incomplete = false;
	char *err = NULL;
	ck_authorizer_rules_for(req->env->authz, req->user, ns, &rules, &incomplete, &err);
	json_object *res = json_object_new_array(), *non = json_object_new_array();
	for (size_t i = 0; i < rules.n; i++) {
		const struct ck_rbac_rule *r = &rules.v[i];
		if (r->resources[0]) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "verbs", list(r->verbs));
			if (r->api_groups[0])
				json_object_object_add(o, "apiGroups", list(r->api_groups));
			json_object_object_add(o, "resources", list(r->resources));
			if (r->resource_names[0])
				json_object_object_add(o, "resourceNames", list(r->resource_names));
			json_object_array_add(res, o);
		}
		if (r->non_resource_urls[0]) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "verbs", list(r->verbs));
			json_object_object_add(o, "nonResourceURLs", list(r->non_resource_urls));
			json_object_array_add(non, o);
		}
	}
	ck_rbac_rules_release(&rules);
	json_object *out = json_object_new_object();
	json_object_object_add(out, "kind", json_object_new_string("SelfSubjectRulesReview"));
	json_object_object_add(out, "apiVersion", json_object_new_string(GROUP "/v1"));
	ck_review_metadata(out);
	json_object *spec = json_object_new_object();
	json_object_object_add(out, "spec", spec);
	json_object *st = json_object_new_object();
	json_object_object_add(st, "resourceRules", res);
	json_object_object_add(st, "nonResourceRules", non);
	json_object_object_add(st, "incomplete", json_object_new_boolean(incomplete));
	if (err)
		json_object_object_add(st, "evaluationError", json_object_new_string(err));
	free(err);
	json_object_object_add(out, "status", st);
	*ret_obj = out;
	return 201;
}

const struct ck_resource ck_resource_selfsubjectrulesreviews = {
	CK_GROUP(GROUP, "v1"),
	.resource = "selfsubjectrulesreviews",
	.singular = "selfsubjectrulesreview",
	.kind = "SelfSubjectRulesReview",
	.namespaced = false,
	.verbs = CK_VERB_CREATE,
	.custom = create,
};
