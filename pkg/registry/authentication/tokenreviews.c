/* authentication.k8s.io/v1 tokenreviews: whose is this token? */
#include <errno.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/authn.h"
#include "auth/user.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"
#include "util/time.h"

#define GROUP "authentication.k8s.io"

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "TokenReview", ret_status) < 0)
		return -EINVAL;
	const char *token = ck_obj_path_str(req->body, "spec.token");
	if (!token || !*token) {
		*ret_status = ck_status_new_bad_request(
		    "token is required for TokenReview in authentication.k8s.io");
		return -EINVAL;
	}
	json_object *out = json_object_get(req->body);
	ck_review_metadata(out);
	json_object *st = json_object_new_object();
	struct ck_user_info user = { 0 };
	char *err = NULL;
	int r = req->env->authn
		    ? ck_authn_authenticate_token(req->env->authn, token,
						  ck_time_now_ns() / 1000000000, &user, &err)
		    : -EACCES;
	json_object_object_add(st, "authenticated", json_object_new_boolean(r == 0));
	if (r == 0) {
		json_object_object_add(st, "user", ck_user_to_json(&user));
		json_object *auds = json_object_new_array();
		const char *const *api = ck_authn_api_audiences(req->env->authn);
		for (size_t i = 0; api && api[i]; i++)
			json_object_array_add(auds, json_object_new_string(api[i]));
		json_object_object_add(st, "audiences", auds);
	} else {
		json_object_object_add(st, "user", json_object_new_object());
		if (err)
			json_object_object_add(st, "error", json_object_new_string(err));
	}
	free(err);
	ck_user_release(&user);
	json_object_object_add(out, "status", st);
	*ret_obj = out;
	return 201;
}

const struct ck_resource ck_resource_tokenreviews = {
	CK_GROUP(GROUP, "v1"), .resource = "tokenreviews", .singular = "tokenreview",
	.kind = "TokenReview", .namespaced = false,	   .verbs = CK_VERB_CREATE,
	.custom = create,
};
