/*
 * networking.k8s.io/v1 ingressclasses (upstream's
 * pkg/registry/networking/ingressclass and pkg/apis/networking/validation):
 * controller is a domain-prefixed path of at most 250 bytes and immutable;
 * parameters name a kind and a name, scope defaults to Cluster, a namespace
 * exactly when the scope is Namespace; the `kubectl get ingressclass`
 * columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/networking/networking.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define MAX_CONTROLLER_LEN 250
#define HTTP_PATH_FMT "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"

static void prepare_create(json_object *obj)
{
	json_object *params = ck_core_obj(ck_core_obj(obj, "spec"), "parameters");
	if (params && !ck_core_get(params, "scope"))
		json_object_object_add(params, "scope", json_object_new_string("Cluster"));
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	prepare_create(obj);
}

void ck_networking_validate_typed_ref(json_object *ref, struct ck_buf *p,
				      struct ck_field_errors *errs)
{
	json_object *group = ck_core_get(ref, "apiGroup");
	if (group) {
		size_t m = ck_core_path_child(p, "apiGroup");
		ck_core_validate_dns1123_subdomain(json_object_get_string(group), ck_buf_str(p),
						   errs);
		ck_buf_truncate(p, m);
	}
	static const char *const fields[] = { "kind", "name" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(fields); i++) {
		const char *v = ck_core_str(ref, fields[i]);
		size_t m = ck_core_path_child(p, fields[i]);
		if (!*v) {
			char msg[32];
			snprintf(msg, sizeof(msg), "%s is required", fields[i]);
			ck_field_errors_add_required(errs, ck_buf_str(p), msg);
		} else {
			ck_core_add_msgs(errs, ck_buf_str(p), v, ck_is_valid_path_segment_name(v));
		}
		ck_buf_truncate(p, m);
	}
}

/* IsDomainPrefixedPath. */
static void validate_controller(const char *v, struct ck_field_errors *errs)
{
	const char *path = "spec.controller";
	if (strlen(v) > MAX_CONTROLLER_LEN)
		ck_field_errors_add_too_long(errs, path, MAX_CONTROLLER_LEN);
	if (!*v) {
		ck_field_errors_add_required(errs, path, NULL);
		return;
	}
	const char *slash = strchr(v, '/');
	if (!slash || slash == v || !slash[1]) {
		ck_field_errors_add_invalid_str(errs, path, v,
						"must be a domain-prefixed path (such as "
						"\"acme.io/foo\")");
		return;
	}
	char *host = ck_strndup(v, (size_t)(slash - v));
	ck_core_validate_dns1123_subdomain(host, path, errs);
	free(host);
	const char *rest = slash + 1;
	if (strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/"
			 "-._~%!$&'()*+,;=:") != strlen(rest))
		ck_field_errors_add_invalid_str(errs, path, rest,
						"must be a valid path (regex used for validation "
						"is '" HTTP_PATH_FMT "')");
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec");
	validate_controller(ck_core_str(spec, "controller"), errs);
	json_object *params = ck_core_obj(spec, "parameters");
	if (!params)
		return;
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.parameters");
	ck_networking_validate_typed_ref(params, &p, errs);
	json_object *scope = ck_core_get(params, "scope");
	json_object *ns = ck_core_get(params, "namespace");
	ck_core_path_child(&p, "scope");
	if (!scope) {
		ck_field_errors_add_required(errs, ck_buf_str(&p), NULL);
	} else if (!ck_streq(json_object_get_string(scope), "Cluster") &&
		   !ck_streq(json_object_get_string(scope), "Namespace")) {
		static const char *const scopes[] = { "Cluster", "Namespace" };
		ck_field_errors_add_not_supported(errs, ck_buf_str(&p), scope, scopes,
						  CK_ARRAY_SIZE(scopes));
	} else {
		ck_buf_reset(&p);
		ck_buf_adds(&p, "spec.parameters.namespace");
		if (ck_streq(json_object_get_string(scope), "Namespace")) {
			if (!ns)
				ck_field_errors_add_required(errs, ck_buf_str(&p),
							     "`parameters.scope` is set to "
							     "'Namespace'");
			else
				ck_core_add_msgs(
				    errs, ck_buf_str(&p), json_object_get_string(ns),
				    ck_name_is_dns_label(json_object_get_string(ns), false));
		} else if (ns) {
			ck_field_errors_add_forbidden(errs, ck_buf_str(&p),
						      "`parameters.scope` is set to 'Cluster'");
		}
	}
	ck_buf_release(&p);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	ck_workload_validate_immutable(ck_core_get(ck_core_obj(obj, "spec"), "controller"),
				       ck_core_get(ck_core_obj(old, "spec"), "controller"),
				       "spec.controller", errs);
}

static json_object *cell_controller(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "spec.controller");
}

static json_object *cell_parameters(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *params = ck_core_obj(ck_core_obj(obj, "spec"), "parameters");
	if (!params)
		return json_object_new_string("<none>");
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, ck_core_str(params, "kind"));
	json_object *group = ck_core_get(params, "apiGroup");
	if (group)
		ck_buf_addf(&b, ".%s", json_object_get_string(group));
	ck_buf_addf(&b, "/%s", ck_core_str(params, "name"));
	json_object *s = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return s;
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Controller", "string", "",
	  "controller refers to the name of the controller that should handle this class.", 0,
	  cell_controller },
	{ "Parameters", "string", "",
	  "parameters is a link to a custom resource containing additional configuration for "
	  "the controller.",
	  0, cell_parameters },
	CK_COLUMN_AGE,
	{ 0 },
};

const struct ck_resource ck_resource_ingressclasses = {
	CK_GROUP("networking.k8s.io", "v1"),
	.resource = "ingressclasses",
	.singular = "ingressclass",
	.kind = "IngressClass",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
};
