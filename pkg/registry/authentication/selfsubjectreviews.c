/* authentication.k8s.io/v1 selfsubjectreviews: who am I (kubectl auth whoami)? */
#include <errno.h>

#include "apimachinery/status.h"
#include "auth/user.h"
#include "registry/authorization/review.h"
#include "registry/registry.h"
#include "util/time.h"

#define GROUP "authentication.k8s.io"

static int create(const struct ck_subresource_request *req, json_object **ret_obj,
		  json_object **ret_status)
{
	if (ck_review_check_body(req->body, GROUP "/v1", "SelfSubjectReview", ret_status) < 0)
		return -EINVAL;
	if (!req->user) {
		*ret_status = ck_status_new_bad_request("no user present on request");
		return -EINVAL;
	}
	char now[CK_TIME_BUF];
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	json_object *out = json_object_new_object();
	json_object_object_add(out, "kind", json_object_new_string("SelfSubjectReview"));
	json_object_object_add(out, "apiVersion", json_object_new_string(GROUP "/v1"));
	json_object *md = json_object_new_object();
	json_object_object_add(md, "creationTimestamp", json_object_new_string(now));
	json_object_object_add(out, "metadata", md);
	json_object *st = json_object_new_object();
	json_object_object_add(st, "userInfo", ck_user_to_json(req->user));
	json_object_object_add(out, "status", st);
	*ret_obj = out;
	return 201;
}

const struct ck_resource ck_resource_selfsubjectreviews = {
	CK_GROUP(GROUP, "v1"),
	.resource = "selfsubjectreviews",
	.singular = "selfsubjectreview",
	.kind = "SelfSubjectReview",
	.namespaced = false,
	.verbs = CK_VERB_CREATE,
	.custom = create,
};
