#include "registry/authorization/review.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "util/common.h"
#include "util/str.h"

int ck_review_check_body(json_object *body, const char *api_version, const char *kind,
			 json_object **ret_status)
{
	char msg[512];
	if (!body || !json_object_is_type(body, json_type_object)) {
		*ret_status =
		    ck_status_new_bad_request("the body of the request must be an object");
		return -EINVAL;
	}
	const char *av = ck_obj_path_str(body, "apiVersion"), *k = ck_obj_path_str(body, "kind");
	if (av && *av && !ck_streq(av, api_version)) {
		snprintf(msg, sizeof(msg),
			 "the API version in the data (%s) does not match the expected API version "
			 "(%s)",
			 av, api_version);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	if (k && *k && !ck_streq(k, kind)) {
		snprintf(msg, sizeof(msg),
			 "the kind in the data (%s) does not match the expected kind (%s)", k,
			 kind);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	json_object_object_add(body, "kind", json_object_new_string(kind));
	json_object_object_add(body, "apiVersion", json_object_new_string(api_version));
	return 0;
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

void ck_review_validate_spec(json_object *spec, bool check_user, struct ck_field_errors *errs)
{
	json_object *ra = member(spec, "resourceAttributes");
	json_object *na = member(spec, "nonResourceAttributes");
	if (ra && na)
		ck_field_errors_add_invalid(errs, "spec.nonResourceAttributes", na,
					    "cannot be specified in combination with "
					    "resourceAttributes");
	if (!ra && !na)
		ck_field_errors_add_invalid(errs, "spec.resourceAttributes", NULL,
					    "exactly one of nonResourceAttributes or "
					    "resourceAttributes must be specified");
	if (!check_user)
		return;
	json_object *user = member(spec, "user"), *groups = member(spec, "groups");
	bool has_user =
	    user && json_object_is_type(user, json_type_string) && *json_object_get_string(user);
	bool has_groups = groups && json_object_is_type(groups, json_type_array) &&
			  json_object_array_length(groups) > 0;
	if (!has_user && !has_groups) {
		json_object *empty = json_object_new_string("");
		ck_field_errors_add_invalid(errs, "spec.user", empty,
					    "at least one of user or group must be specified");
		json_object_put(empty);
	}
}

bool ck_review_metadata_empty(json_object *obj, bool ignore_namespace)
{
	json_object *md = member(obj, "metadata");
	if (!md)
		return true;
	if (!json_object_is_type(md, json_type_object))
		return false;
	json_object_object_foreach (md, k, v) {
		if (json_object_is_type(v, json_type_null))
			continue;
		if (ignore_namespace && ck_streq(k, "namespace"))
			continue;
		if (ck_streq(k, "managedFields"))
			continue;
		/* Empty strings, maps and lists are Go's zero values too. */
		if ((json_object_is_type(v, json_type_string) && !*json_object_get_string(v)) ||
		    (json_object_is_type(v, json_type_object) && !json_object_object_length(v)) ||
		    (json_object_is_type(v, json_type_array) && !json_object_array_length(v)) ||
		    (json_object_is_type(v, json_type_int) && !json_object_get_int64(v)))
			continue;
		return false;
	}
	return true;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

void ck_review_attrs(json_object *spec, const struct ck_user_info *user, struct ck_authz_attrs *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->user = user;
	json_object *ra = member(spec, "resourceAttributes");
	if (ra) {
		ret->resource_request = true;
		ret->verb = str(ra, "verb");
		ret->namespace = str(ra, "namespace");
		ret->api_group = str(ra, "group");
		ret->api_version = *str(ra, "version") ? str(ra, "version") : "*";
		ret->resource = str(ra, "resource");
		ret->subresource = str(ra, "subresource");
		ret->name = str(ra, "name");
		return;
	}
	json_object *na = member(spec, "nonResourceAttributes");
	ret->verb = str(na, "verb");
	ret->path = str(na, "path");
}

void ck_review_decide(json_object *obj, const struct ck_authorizer *authz,
		      const struct ck_authz_attrs *at)
{
	char *reason = NULL;
	enum ck_authz_decision d = ck_authorize(authz, at, &reason);
	json_object *st = json_object_new_object();
	json_object_object_add(st, "allowed", json_object_new_boolean(d == CK_AUTHZ_ALLOW));
	if (d == CK_AUTHZ_DENY)
		json_object_object_add(st, "denied", json_object_new_boolean(1));
	if (reason && *reason)
		json_object_object_add(st, "reason", json_object_new_string(reason));
	free(reason);
	json_object_object_add(obj, "status", st);
}

void ck_review_metadata(json_object *obj)
{
	json_object *md = member(obj, "metadata");
	if (!md || !json_object_is_type(md, json_type_object)) {
		md = json_object_new_object();
		json_object_object_add(obj, "metadata", md);
	}
	if (!json_object_object_get_ex(md, "creationTimestamp", NULL))
		json_object_object_add(md, "creationTimestamp", NULL);
}
