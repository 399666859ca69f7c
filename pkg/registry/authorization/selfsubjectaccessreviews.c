/* authorization.k8s.io/v1 selfsubjectaccessreviews: can I do this? */
#include <errno.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/status.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"

#define GROUP "authorization.k8s.io"

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "SelfSubjectAccessReview", ret_status) < 0)
		return -EINVAL;
	json_object *spec = NULL;
	json_object_object_get_ex(req->body, "spec", &spec);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_review_validate_spec(spec, false, &errs);
	if (!ck_review_metadata_empty(req->body, false))
		ck_field_errors_add_invalid(&errs, "metadata", NULL, "must be empty");
	if (errs.len) {
		*ret_status = ck_status_new_invalid(GROUP, "SelfSubjectAccessReview", "", &errs);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	ck_field_errors_release(&errs);
	if (!req->user) {
		*ret_status = ck_status_new_bad_request("no user present on request");
		return -EINVAL;
	}
	struct ck_authz_attrs at;
	ck_review_attrs(spec, req->user, &at);
	json_object *out = json_object_get(req->body);
	ck_review_metadata(out);
	ck_review_decide(out, req->env->authz, &at);
	*ret_obj = out;
	return 201;
}

const struct ck_resource ck_resource_selfsubjectaccessreviews = {
	CK_GROUP(GROUP, "v1"),
	.resource = "selfsubjectaccessreviews",
	.singular = "selfsubjectaccessreview",
	.kind = "SelfSubjectAccessReview",
	.namespaced = false,
	.verbs = CK_VERB_CREATE,
	.custom = create,
};
