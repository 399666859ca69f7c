/* core/v1 serviceaccounts, and their token subresource (TokenRequest). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/authn.h"
#include "auth/serviceaccount.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"

static json_object *cell_secrets(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "secrets"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Secrets", "string", "",
	  "Secrets is a list of the secrets in the same namespace that "
	  "pods running using this ServiceAccount are allowed to use.",
	  0, cell_secrets },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

static const char *const short_names[] = { "sa", NULL };

/* ---- serviceaccounts/token (upstream's TokenREST) ---- */

#define TR_GROUP "authentication.k8s.io"

static int get_object(struct ck_storage *storage, const char *resource, const char *ns,
		      const char *name, json_object **ret_obj, json_object **ret_status)
{
	struct ck_buf key = CK_BUF_INIT;
	ck_buf_addf(&key, "/%s/%s/%s", resource, ns, name);
	struct ck_storage_get_options o = { 0 };
	struct ck_storage_error err = { 0 };
	int r = ck_storage_get(storage, ck_buf_str(&key), &o, ret_obj, &err);
	if (r == CK_STORAGE_ERR_NOT_FOUND)
		*ret_status = ck_status_new_not_found("", resource, name);
	else if (r < 0)
		*ret_status = ck_status_new_internal_error(err.message);
	ck_storage_error_release(&err);
	ck_buf_release(&key);
	return r;
}

static int invalid(json_object **ret_status, const char *name, struct ck_field_errors *errs)
{
	*ret_status = ck_status_new_invalid(TR_GROUP, "TokenRequest", name, errs);
	ck_field_errors_release(errs);
	return -EINVAL;
}

static int token_create(const struct ck_subresource_request *req, json_object **ret_obj,
			json_object **ret_status)
{
	json_object *body = req->body, *sa = NULL, *bound = NULL, *out = NULL;
	char msg[512];
	const struct ck_authn *authn = req->env ? req->env->authn : NULL;
	if (!authn || !ck_authn_signer(authn)) {
		/* Upstream serves the subresource only with an issuer and a signing key. */
		*ret_status = ck_status_new_not_found("", "serviceaccounts/token", req->name);
		return -ENOENT;
	}
	if (!body || !json_object_is_type(body, json_type_object)) {
		*ret_status = ck_status_new_bad_request("the body of the request must be a "
							"TokenRequest");
		return -EINVAL;
	}
	const char *av = ck_obj_path_str(body, "apiVersion"), *kind = ck_obj_path_str(body, "kind");
	if ((av && *av && !ck_streq(av, TR_GROUP "/v1")) ||
	    (kind && *kind && !ck_streq(kind, "TokenRequest"))) {
		snprintf(msg, sizeof(msg),
			 "%s in version \"%s\" cannot be handled as a TokenRequest",
			 kind ? kind : "", av ? av : "");
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	const char *name = ck_obj_name(body), *ns = ck_obj_namespace(body);
	if (name && *name && !ck_streq(name, req->name)) {
		ck_field_errors_add_invalid_str(&errs, "metadata.name", name,
						"must match the service account name if specified");
		return invalid(ret_status, req->name, &errs);
	}
	if (ns && *ns && !ck_streq(ns, req->namespace)) {
		ck_field_errors_add_invalid_str(&errs, "metadata.namespace", ns,
						"must match the service account namespace if "
						"specified");
		return invalid(ret_status, req->name, &errs);
	}
	int r =
	    get_object(req->storage, "serviceaccounts", req->namespace, req->name, &sa, ret_status);
	if (r < 0)
		return r;
	/* The answer: the request, defaulted and completed. */
	out = ck_obj_copy(body);
	json_object_object_add(out, "kind", json_object_new_string("TokenRequest"));
	json_object_object_add(out, "apiVersion", json_object_new_string(TR_GROUP "/v1"));
	ck_obj_set_meta_str(out, "name", req->name);
	ck_obj_set_meta_str(out, "namespace", req->namespace);
	int64_t now_ns = ck_time_now_ns(), now = now_ns / 1000000000;
	char now_s[CK_TIME_BUF];
	ck_time_format(now_ns, CK_TIME_SECONDS, now_s);
	ck_obj_set_meta_str(out, "creationTimestamp", now_s);
	json_object *spec = ck_obj_path(out, "spec");
	if (!spec || !json_object_is_type(spec, json_type_object)) {
		spec = json_object_new_object();
		json_object_object_add(out, "spec", spec);
	}
	json_object *auds = NULL, *exp = NULL, *ref = NULL;
	json_object_object_get_ex(spec, "audiences", &auds);
	if (!auds || !json_object_is_type(auds, json_type_array) ||
	    !json_object_array_length(auds)) {
		auds = json_object_new_array();
		const char *const *api = ck_authn_api_audiences(authn);
		for (size_t i = 0; api && api[i]; i++)
			json_object_array_add(auds, json_object_new_string(api[i]));
		json_object_object_add(spec, "audiences", auds);
	}
	int64_t seconds = 3600;
	if (json_object_object_get_ex(spec, "expirationSeconds", &exp) &&
	    !json_object_is_type(exp, json_type_null))
		seconds = json_object_get_int64(exp);
	json_object_object_add(spec, "expirationSeconds", json_object_new_int64(seconds));
	if (!json_object_object_get_ex(spec, "boundObjectRef", &ref))
		json_object_object_add(spec, "boundObjectRef", NULL);
	json_object_object_del(out, "status");
	if (seconds < CK_SA_TOKEN_MIN_SECONDS)
		ck_field_errors_add_invalid_int(&errs, "spec.expirationSeconds", seconds,
						"may not specify a duration less than 10 minutes");
	if (seconds > CK_SA_TOKEN_MAX_SECONDS)
		ck_field_errors_add_invalid_int(
		    &errs, "spec.expirationSeconds", seconds,
		    "may not specify a duration larger than 2^32 seconds");
	if (errs.len) {
		r = invalid(ret_status, "", &errs);
		goto out;
	}
	ck_field_errors_release(&errs);
	struct ck_sa_token_spec ts = {
		.namespace = req->namespace,
		.name = req->name,
		.uid = ck_obj_uid(sa),
		.expiration_seconds = seconds,
		.now = now,
	};
	if (ref && json_object_is_type(ref, json_type_object)) {
		const char *rk = ck_obj_path_str(ref, "kind"),
			   *rav = ck_obj_path_str(ref, "apiVersion");
		const char *rn = ck_obj_path_str(ref, "name"), *ruid = ck_obj_path_str(ref, "uid");
		bool core = !rav || !*rav || ck_streq(rav, "v1");
		bool pod = core && ck_streq(rk, "Pod");
		if (!core || (!pod && !ck_streq(rk, "Secret"))) {
			/* Go's GroupVersionKind.String(): "group/version, Kind=kind". */
			snprintf(msg, sizeof(msg),
				 "cannot bind token for serviceaccount \"%s\" to object of type "
				 "%s%s, Kind=%s",
				 req->name, rav && strchr(rav, '/') ? "" : "/", rav ? rav : "",
				 rk ? rk : "");
			*ret_status = ck_status_new_bad_request(msg);
			r = -EINVAL;
			goto out;
		}
		if ((r = get_object(req->storage, pod ? "pods" : "secrets", req->namespace,
				    rn ? rn : "", &bound, ret_status)) < 0)
			goto out;
		const char *have = ck_obj_uid(bound);
		if (ruid && *ruid && !ck_streq(ruid, have)) {
			snprintf(
			    msg, sizeof(msg),
			    "the UID in the bound object reference (%s) does not match the UID "
			    "in record. The object might have been deleted and then recreated",
			    ruid);
			*ret_status = ck_status_new_conflict("", pod ? "Pod" : "Secret", rn, msg);
			r = -EEXIST;
			goto out;
		}
		ts.bound_kind = pod ? "Pod" : "Secret";
		ts.bound_name = rn;
		ts.bound_uid = have;
	}
	size_t n = json_object_array_length(auds);
	const char **list = calloc(n + 1, sizeof(*list));
	for (size_t i = 0; i < n; i++)
		list[i] = json_object_get_string(json_object_array_get_idx(auds, i));
	ts.audiences = list;
	char *token = NULL;
	r = ck_sa_token_issue(ck_authn_signer(authn), ck_authn_issuer(authn), &ts, &token);
	free(list);
	if (r < 0) {
		*ret_status = ck_status_new_internal_error("failed to generate token");
		goto out;
	}
	char exp_s[CK_TIME_BUF];
	ck_time_format(now_ns + seconds * 1000000000LL, CK_TIME_SECONDS, exp_s);
	json_object *st = json_object_new_object();
	json_object_object_add(st, "token", json_object_new_string(token));
	json_object_object_add(st, "expirationTimestamp", json_object_new_string(exp_s));
	json_object_object_add(out, "status", st);
	free(token);
	*ret_obj = json_object_get(out);
	r = 201;
out:
	json_object_put(out);
	json_object_put(sa);
	json_object_put(bound);
	return r;
}

static const struct ck_subresource subresources[] = {
	{ "token", CK_SUB_CUSTOM, CK_VERB_CREATE, TR_GROUP, "v1", "TokenRequest",
	  .handle = token_create },
	{ 0 },
};

const struct ck_resource ck_resource_serviceaccounts = {
	CK_CORE("v1"),
	.resource = "serviceaccounts",
	.singular = "serviceaccount",
	.kind = "ServiceAccount",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.subresources = subresources,
	.columns = columns,
	.return_deleted_object = true,
};
