/*
 * What the review kinds share (authorization.k8s.io/v1 access and rules
 * reviews, authentication.k8s.io/v1 self and token reviews): they have no
 * storage; a create evaluates the request and answers 201 with the object
 * and its status (upstream's pkg/registry/authorization).
 */
#ifndef CK_REGISTRY_AUTHORIZATION_REVIEW_H
#define CK_REGISTRY_AUTHORIZATION_REVIEW_H

#include <json-c/json.h>
#include <stdbool.h>

#include "auth/authz.h"
#include "registry/registry.h"

struct ck_user_info;
struct ck_field_errors;

/*
 * Checks the body's kind and apiVersion (filled when missing) against
 * api_version and kind: 0, or -EINVAL with a 400 Status in *ret_status
 * (owned), worded as the generic create path words it.
 */
int ck_review_check_body(json_object *body, const char *api_version, const char *kind,
			 json_object **ret_status);

/*
 * Upstream's ValidateSubjectAccessReviewSpec on spec (borrowed): exactly one
 * of resourceAttributes and nonResourceAttributes; with check_user, at
 * least one of user and groups.
 */
void ck_review_validate_spec(json_object *spec, bool check_user, struct ck_field_errors *errs);

/* Whether metadata is empty as upstream compares it (creationTimestamp null allowed);
 * the namespace is ignored when ignore_namespace. */
bool ck_review_metadata_empty(json_object *obj, bool ignore_namespace);

/*
 * The authorizer attributes of spec's resourceAttributes or
 * nonResourceAttributes (upstream's ResourceAttributesFrom: version "*"
 * when empty). Strings are borrowed from spec.
 */
void ck_review_attrs(json_object *spec, const struct ck_user_info *user,
		     struct ck_authz_attrs *ret);

/* Sets status {allowed, denied?, reason?} on obj after asking authz. */
void ck_review_decide(json_object *obj, const struct ck_authorizer *authz,
		      const struct ck_authz_attrs *at);

/* metadata {"creationTimestamp": null} when obj has none set. */
void ck_review_metadata(json_object *obj);

#endif
