/* authorization.k8s.io/v1 subjectaccessreviews: can this user do this? */
#include <errno.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/status.h"
#include "auth/user.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"

#define GROUP "authorization.k8s.io"

/* The user a (Local)SubjectAccessReview's spec names (upstream's
 * AuthorizationAttributesFrom). */
void ck_review_spec_user(json_object *spec, struct ck_user_info *ret);

void ck_review_spec_user(json_object *spec, struct ck_user_info *ret)
{
	json_object *v = NULL;
	const char *name = "", *uid = "";
	if (json_object_object_get_ex(spec, "user", &v) && json_object_is_type(v, json_type_string))
		name = json_object_get_string(v);
	if (json_object_object_get_ex(spec, "uid", &v) && json_object_is_type(v, json_type_string))
		uid = json_object_get_string(v);
	ck_user_init(ret, name, uid);
	if (json_object_object_get_ex(spec, "groups", &v) &&
	    json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *g = json_object_array_get_idx(v, i);
			if (json_object_is_type(g, json_type_string))
				ck_user_add_group(ret, json_object_get_string(g));
		}
	if (json_object_object_get_ex(spec, "extra", &v) &&
	    json_object_is_type(v, json_type_object)) {
		json_object_object_foreach (v, key, vals) {
			if (!json_object_is_type(vals, json_type_array))
				continue;
			for (size_t i = 0; i < json_object_array_length(vals); i++) {
				json_object *x = json_object_array_get_idx(vals, i);
				if (json_object_is_type(x, json_type_string))
					ck_user_add_extra(ret, key, json_object_get_string(x));
			}
		}
	}
}

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "SubjectAccessReview", ret_status) < 0)
		return -EINVAL;
	json_object *spec = NULL;
	json_object_object_get_ex(req->body, "spec", &spec);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_review_validate_spec(spec, true, &errs);
	if (!ck_review_metadata_empty(req->body, false))
		ck_field_errors_add_invalid(&errs, "metadata", NULL, "must be empty");
	if (errs.len) {
		*ret_status = ck_status_new_invalid(GROUP, "SubjectAccessReview", "", &errs);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	ck_field_errors_release(&errs);
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

const struct ck_resource ck_resource_subjectaccessreviews = {
	CK_GROUP(GROUP, "v1"),
	.resource = "subjectaccessreviews",
	.singular = "subjectaccessreview",
	.kind = "SubjectAccessReview",
	.namespaced = false,
	.verbs = CK_VERB_CREATE,
	.custom = create,
};
