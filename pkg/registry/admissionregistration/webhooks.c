#include "registry/admissionregistration/webhooks.h"

#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "util/common.h"
#include "util/str.h"

static void set_default_str(json_object *o, const char *key, const char *value)
{
	if (!ck_core_get(o, key))
		json_object_object_add(o, key, json_object_new_string(value));
}

void ck_webhook_config_default(json_object *obj, bool mutating)
{
	json_object *hooks = ck_core_arr(obj, "webhooks");
	for (size_t i = 0; i < ck_core_len(hooks); i++) {
		json_object *h = ck_core_at(hooks, i);
		if (!json_object_is_type(h, json_type_object))
			continue;
		set_default_str(h, "failurePolicy", "Fail");
		set_default_str(h, "matchPolicy", "Equivalent");
		if (!ck_core_get(h, "namespaceSelector"))
			json_object_object_add(h, "namespaceSelector", json_object_new_object());
		if (!ck_core_get(h, "objectSelector"))
			json_object_object_add(h, "objectSelector", json_object_new_object());
		if (!ck_core_get(h, "timeoutSeconds"))
			json_object_object_add(h, "timeoutSeconds", json_object_new_int(10));
		if (mutating)
			set_default_str(h, "reinvocationPolicy", "Never");
		json_object *rules = ck_core_arr(h, "rules");
		for (size_t j = 0; j < ck_core_len(rules); j++) {
			json_object *r = ck_core_at(rules, j);
			if (json_object_is_type(r, json_type_object))
				set_default_str(r, "scope", "*");
		}
		json_object *svc = ck_core_obj(ck_core_obj(h, "clientConfig"), "service");
		if (svc && !ck_core_get(svc, "port"))
			json_object_object_add(svc, "port", json_object_new_int(443));
	}
}

static void one_of(json_object *o, const char *key, const char *const *allowed, size_t n,
		   const char *path, bool required, struct ck_field_errors *errs)
{
	json_object *v = ck_core_get(o, key);
	if (!v) {
		if (required)
			ck_field_errors_add_required(errs, path, "");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ck_streq(json_object_get_string(v), allowed[i]))
			return;
	ck_field_errors_add_not_supported(errs, path, v, allowed, n);
}

static void validate_rule(json_object *r, const char *base, struct ck_field_errors *errs)
{
	static const char *const ops[] = { "*", "CREATE", "UPDATE", "DELETE", "CONNECT" };
	static const char *const scopes[] = { "Cluster", "Namespaced", "*" };
	char path[400];
	json_object *o = ck_core_arr(r, "operations");
	snprintf(path, sizeof(path), "%.300s.operations", base);
	if (!ck_core_len(o))
		ck_field_errors_add_required(errs, path, "");
	for (size_t i = 0; i < ck_core_len(o); i++) {
		json_object *v = ck_core_at(o, i);
		bool ok = false;
		for (size_t k = 0; k < CK_ARRAY_SIZE(ops); k++)
			ok |= ck_streq(json_object_get_string(v), ops[k]);
		if (!ok) {
			snprintf(path, sizeof(path), "%.300s.operations[%zu]", base, i);
			ck_field_errors_add_not_supported(errs, path, v, ops, CK_ARRAY_SIZE(ops));
		}
	}
	const char *lists[] = { "apiGroups", "apiVersions", "resources" };
	for (size_t l = 0; l < 3; l++) {
		snprintf(path, sizeof(path), "%.300s.%s", base, lists[l]);
		if (!ck_core_len(ck_core_arr(r, lists[l])))
			ck_field_errors_add_required(errs, path, "");
	}
	snprintf(path, sizeof(path), "%.300s.scope", base);
	one_of(r, "scope", scopes, CK_ARRAY_SIZE(scopes), path, false, errs);
}

static void validate_client(json_object *cc, const char *base, struct ck_field_errors *errs)
{
	char path[400];
	json_object *url = ck_core_get(cc, "url"), *svc = ck_core_obj(cc, "service");
	if ((url != NULL) == (svc != NULL)) {
		snprintf(path, sizeof(path), "%.300s", base);
		ck_field_errors_add_required(errs, path,
					     "exactly one of url or service is required");
		return;
	}
	if (url) {
		snprintf(path, sizeof(path), "%.300s.url", base);
		const char *u = json_object_get_string(url);
		if (!ck_str_has_prefix(u, "https://"))
			ck_field_errors_add_invalid_str(errs, path, u,
							"'https' is the only allowed URL scheme");
		return;
	}
	snprintf(path, sizeof(path), "%.300s.service.name", base);
	if (!*ck_core_str(svc, "name"))
		ck_field_errors_add_required(errs, path, "service name is required");
	snprintf(path, sizeof(path), "%.300s.service.namespace", base);
	if (!*ck_core_str(svc, "namespace"))
		ck_field_errors_add_required(errs, path, "service namespace is required");
	int64_t port = 0;
	if (ck_core_int(svc, "port", &port) && (port < 1 || port > 65535)) {
		snprintf(path, sizeof(path), "%.300s.service.port", base);
		ck_field_errors_add_invalid_int(
		    errs, path, port, "port is not valid: must be between 1 and 65535, inclusive");
	}
}

void ck_webhook_config_validate(json_object *obj, bool mutating, struct ck_field_errors *errs)
{
	static const char *const policies[] = { "Ignore", "Fail" };
	static const char *const match[] = { "Exact", "Equivalent" };
	static const char *const effects[] = { "None", "NoneOnDryRun" };
	static const char *const reinvoke[] = { "Never", "IfNeeded" };
	json_object *hooks = ck_core_arr(obj, "webhooks");
	char base[64], path[400];
	for (size_t i = 0; i < ck_core_len(hooks); i++) {
		json_object *h = ck_core_at(hooks, i);
		snprintf(base, sizeof(base), "webhooks[%zu]", i);
		const char *name = ck_core_str(h, "name");
		snprintf(path, sizeof(path), "%.300s.name", base);
		if (!*name) {
			ck_field_errors_add_required(errs, path, "");
		} else {
			char **msgs = ck_name_is_dns_subdomain(name, false);
			ck_core_add_msgs(errs, path, name, msgs);
			if (!strchr(name, '.'))
				ck_field_errors_add_invalid_str(errs, path, name,
								"should be a domain with at least "
								"three segments separated by dots");
			for (size_t j = 0; j < i; j++)
				if (ck_streq(ck_core_str(ck_core_at(hooks, j), "name"), name)) {
					json_object *v = json_object_new_string(name);
					ck_field_errors_add_duplicate(errs, path, v);
					json_object_put(v);
					break;
				}
		}
		json_object *rules = ck_core_arr(h, "rules");
		for (size_t j = 0; j < ck_core_len(rules); j++) {
			snprintf(path, sizeof(path), "%.300s.rules[%zu]", base, j);
			validate_rule(ck_core_at(rules, j), path, errs);
		}
		snprintf(path, sizeof(path), "%.300s.failurePolicy", base);
		one_of(h, "failurePolicy", policies, 2, path, false, errs);
		snprintf(path, sizeof(path), "%.300s.matchPolicy", base);
		one_of(h, "matchPolicy", match, 2, path, false, errs);
		snprintf(path, sizeof(path), "%.300s.sideEffects", base);
		one_of(h, "sideEffects", effects, 2, path, true, errs);
		if (mutating) {
			snprintf(path, sizeof(path), "%.300s.reinvocationPolicy", base);
			one_of(h, "reinvocationPolicy", reinvoke, 2, path, false, errs);
		}
		int64_t t = 0;
		if (ck_core_int(h, "timeoutSeconds", &t) && (t < 1 || t > 30)) {
			snprintf(path, sizeof(path), "%.300s.timeoutSeconds", base);
			ck_field_errors_add_invalid_int(
			    errs, path, t, "the timeout value must be between 1 and 30 seconds");
		}
		json_object *versions = ck_core_arr(h, "admissionReviewVersions");
		snprintf(path, sizeof(path), "%.300s.admissionReviewVersions", base);
		bool known = false;
		for (size_t j = 0; j < ck_core_len(versions); j++) {
			const char *v = json_object_get_string(ck_core_at(versions, j));
			known |= ck_streq(v, "v1") || ck_streq(v, "v1beta1");
		}
		if (!ck_core_len(versions))
			ck_field_errors_add_required(errs, path, "must specify one of v1, v1beta1");
		else if (!known)
			ck_field_errors_add_invalid(errs, path, versions,
						    "must include at least one of v1, v1beta1");
		snprintf(path, sizeof(path), "%.300s.clientConfig", base);
		validate_client(ck_core_obj(h, "clientConfig"), path, errs);
	}
}

static json_object *cell_webhooks(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64((int64_t)ck_core_len(ck_core_arr(obj, "webhooks")));
}

const struct ck_printer_column ck_webhook_config_columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Webhooks", "integer", "",
	  "Webhooks is a list of webhooks and the affected resources and operations.", 0,
	  cell_webhooks },
	CK_COLUMN_AGE,
	{ 0 },
};

/*
 * The two kinds, which the MutatingAdmissionWebhook and
 * ValidatingAdmissionWebhook plugins (pkg/apiserver/admission) read: the
 * same hooks, told apart by whether their webhooks mutate.
 */
static void mutating_prepare_create(json_object *obj)
{
	ck_webhook_config_default(obj, true);
}

static void mutating_prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	ck_webhook_config_default(obj, true);
}

static void mutating_validate(json_object *obj, struct ck_field_errors *errs)
{
	ck_webhook_config_validate(obj, true, errs);
}

static void validating_prepare_create(json_object *obj)
{
	ck_webhook_config_default(obj, false);
}

static void validating_prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	ck_webhook_config_default(obj, false);
}

static void validating_validate(json_object *obj, struct ck_field_errors *errs)
{
	ck_webhook_config_validate(obj, false, errs);
}

static const char *const categories[] = { "api-extensions", NULL };

#define WEBHOOK_CONFIG_RESOURCE(singular_name, kind_name, hooks)                                \
	CK_GROUP(CK_ADMISSIONREGISTRATION_GROUP, "v1"),                                         \
	    .resource = singular_name "s", .singular = singular_name, .kind = kind_name,        \
	    .namespaced = false, .verbs = CK_VERBS_ALL, .categories = categories,               \
	    .columns = ck_webhook_config_columns, .tracks_generation = true,                    \
	    .prepare_create = hooks##_prepare_create, .prepare_update = hooks##_prepare_update, \
	    .validate = hooks##_validate

const struct ck_resource ck_resource_mutatingwebhookconfigurations = {
	WEBHOOK_CONFIG_RESOURCE("mutatingwebhookconfiguration", "MutatingWebhookConfiguration",
				mutating),
};

const struct ck_resource ck_resource_validatingwebhookconfigurations = {
	WEBHOOK_CONFIG_RESOURCE("validatingwebhookconfiguration", "ValidatingWebhookConfiguration",
				validating),
};
