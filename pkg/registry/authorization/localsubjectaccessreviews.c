/* authorization.k8s.io/v1 localsubjectaccessreviews: a SubjectAccessReview
 * confined to one namespace. */
#include <errno.h>
#include <stdio.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/user.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"
#include "util/str.h"

#define GROUP "authorization.k8s.io"

void ck_review_spec_user(json_object *spec, struct ck_user_info *ret);

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "LocalSubjectAccessReview", ret_status) <
	    0)
		return -EINVAL;
	json_object *spec = NULL;
	json_object_object_get_ex(req->body, "spec", &spec);
	const char *obj_ns = ck_obj_namespace(req->body);
	if (!obj_ns)
		obj_ns = "";
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_review_validate_spec(spec, true, &errs);
	if (!ck_review_metadata_empty(req->body, true))
		ck_field_errors_add_invalid(&errs, "metadata", NULL,
					    "must be empty except for namespace");
	const char *ra_ns = ck_obj_path_str(spec, "resourceAttributes.namespace");
	if (ck_obj_path(spec, "resourceAttributes") && !ck_streq(ra_ns ? ra_ns : "", obj_ns))
		ck_field_errors_add_invalid_str(&errs, "spec.resourceAttributes.namespace",
						ra_ns ? ra_ns : "",
						"must match metadata.namespace");
	json_object *na = ck_obj_path(spec, "nonResourceAttributes");
	if (na)
		ck_field_errors_add_invalid(&errs, "spec.nonResourceAttributes", na,
					    "disallowed on this kind of request");
	if (errs.len) {
		*ret_status = ck_status_new_invalid(GROUP, "LocalSubjectAccessReview", "", &errs);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	ck_field_errors_release(&errs);
	if (!ck_streq(req->namespace, obj_ns)) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "spec.resourceAttributes.namespace must match namespace: %s",
			 req->namespace);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	struct ck_user_info user;
	ck_review_spec_user(spec, &user);
	struct ck_authz_attrs at;
	ck_review_attrs(spec, &user, &at);
	json_object *out = json_object_get(req->body);
	ck_review_metadata(out);
	ck_review_decide(out, req->env->authz, &at);
	ck_user_release(&user);
	*ret_obj = out;
	return 201;
}

const struct ck_resource ck_resource_localsubjectaccessreviews = {
	CK_GROUP(GROUP, "v1"),
	.resource = "localsubjectaccessreviews",
	.singular = "localsubjectaccessreview",
	.kind = "LocalSubjectAccessReview",
	.namespaced = true,
	.verbs = CK_VERB_CREATE,
	.custom = create,
};
