/*
 * core/v1 resourcequotas (upstream's pkg/registry/core/resourcequota):
 * hard limits, scopes and scope selectors validated, the status kept apart
 * (resourcequotas/status), and the `kubectl get quota` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static const char *const scopes[] = {
	"Terminating",	 "NotTerminating", "BestEffort",
	"NotBestEffort", "PriorityClass",  "CrossNamespacePodAffinity"
};

static bool is_scope(const char *s)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(scopes); i++)
		if (ck_streq(s, scopes[i]))
			return true;
	return false;
}

/* IsResourceQuotaScopeValidForResource */
static bool scope_valid_for(const char *scope, const char *res)
{
	static const char *const compute[] = { "cpu",		"memory",	"limits.cpu",
					       "limits.memory", "requests.cpu", "requests.memory" };
	bool count = ck_streq(res, "pods"), comp = false;
	for (size_t i = 0; i < CK_ARRAY_SIZE(compute); i++)
		comp |= ck_streq(res, compute[i]);
	if (ck_streq(scope, "BestEffort"))
		return count;
	if (ck_streq(scope, "Terminating") || ck_streq(scope, "NotTerminating") ||
	    ck_streq(scope, "NotBestEffort") || ck_streq(scope, "PriorityClass") ||
	    ck_streq(scope, "CrossNamespacePodAffinity"))
		return count || comp;
	return true;
}

static void hard_list(json_object *list, const char *base, struct ck_field_errors *e)
{
	if (!list)
		return;
	json_object_object_foreach (list, name, q) {
		char path[320];
		snprintf(path, sizeof(path), "%s[%.253s]", base, name);
		size_t before = e->len;
		ck_core_validate_resource_name(name, path, e);
		if (e->len == before && !strchr(name, '/') &&
		    !ck_core_is_standard_quota_resource(name))
			ck_field_errors_add_invalid_str(e, path, name,
							"must be a standard resource for quota");
		ck_core_validate_resource_quantity(name, q, path, e);
	}
}

static bool has_scope_pair(bool seen[], const char *a, const char *b)
{
	size_t ia = 0, ib = 0;
	for (size_t i = 0; i < CK_ARRAY_SIZE(scopes); i++) {
		if (ck_streq(scopes[i], a))
			ia = i;
		if (ck_streq(scopes[i], b))
			ib = i;
	}
	return seen[ia] && seen[ib];
}

static void validate_spec(json_object *spec, struct ck_field_errors *e)
{
	json_object *hard = ck_core_obj(spec, "hard");
	hard_list(hard, "spec.hard", e);
	json_object *sc = ck_core_arr(spec, "scopes");
	bool seen[CK_ARRAY_SIZE(scopes)] = { 0 };
	for (size_t i = 0; i < ck_core_len(sc); i++) {
		const char *s = json_object_get_string(ck_core_at(sc, i));
		if (!is_scope(s))
			ck_field_errors_add_invalid(e, "spec.scopes", sc, "unsupported scope");
		if (hard) {
			json_object_object_foreach (hard, k, v) {
				(void)v;
				if (ck_core_is_standard_quota_resource(k) && !scope_valid_for(s, k))
					ck_field_errors_add_invalid(e, "spec.scopes", sc,
								    "unsupported scope applied to "
								    "resource");
			}
		}
		for (size_t k = 0; k < CK_ARRAY_SIZE(scopes); k++)
			if (ck_streq(s, scopes[k]))
				seen[k] = true;
	}
	if (has_scope_pair(seen, "BestEffort", "NotBestEffort"))
		ck_field_errors_add_invalid(e, "spec.scopes", sc, "conflicting scopes");
	if (has_scope_pair(seen, "Terminating", "NotTerminating"))
		ck_field_errors_add_invalid(e, "spec.scopes", sc, "conflicting scopes");
	json_object *sel = ck_core_obj(spec, "scopeSelector");
	json_object *exprs = ck_core_arr(sel, "matchExpressions");
	bool sseen[CK_ARRAY_SIZE(scopes)] = { 0 };
	for (size_t i = 0; i < ck_core_len(exprs); i++) {
		json_object *x = ck_core_at(exprs, i);
		const char *name = ck_core_str(x, "scopeName"), *op = ck_core_str(x, "operator");
		size_t nvals = ck_core_len(ck_core_arr(x, "values"));
		const char *base = "spec.scopeSelector.matchExpressions";
		char path[96];
		snprintf(path, sizeof(path), "%s.scopeName", base);
		if (!is_scope(name))
			ck_field_errors_add_invalid_str(e, path, name, "unsupported scope");
		if (hard) {
			json_object_object_foreach (hard, k, v) {
				(void)v;
				if (ck_core_is_standard_quota_resource(k) &&
				    !scope_valid_for(name, k))
					ck_field_errors_add_invalid(e, base, sel,
								    "unsupported scope applied to "
								    "resource");
			}
		}
		snprintf(path, sizeof(path), "%s.operator", base);
		if (!ck_streq(name, "PriorityClass") && is_scope(name) && !ck_streq(op, "Exists"))
			ck_field_errors_add_invalid_str(
			    e, path, op,
			    "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
			    "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
			    "ResourceQuotaScopeNotBestEffort or "
			    "ResourceQuotaScopeCrossNamespacePodAffinity");
		if (ck_streq(op, "In") || ck_streq(op, "NotIn")) {
			if (!nvals) {
				snprintf(path, sizeof(path), "%s.values", base);
				ck_field_errors_add_required(e, path,
							     "must be at least one value when "
							     "`operator` is 'In' or 'NotIn' for "
							     "scope selector");
			}
		} else if (ck_streq(op, "Exists") || ck_streq(op, "DoesNotExist")) {
			if (nvals) {
				snprintf(path, sizeof(path), "%s.values", base);
				ck_field_errors_add_invalid(e, path, ck_core_arr(x, "values"),
							    "must be no value when `operator` is "
							    "'Exist' or 'DoesNotExist' for scope "
							    "selector");
			}
		} else {
			ck_field_errors_add_invalid_str(e, path, op,
							"not a valid selector operator");
		}
		for (size_t k = 0; k < CK_ARRAY_SIZE(scopes); k++)
			if (ck_streq(name, scopes[k]))
				sseen[k] = true;
	}
	if (has_scope_pair(sseen, "BestEffort", "NotBestEffort") ||
	    has_scope_pair(sseen, "Terminating", "NotTerminating"))
		ck_field_errors_add_invalid(e, "spec.scopeSelector.matchExpressions", sc,
					    "conflicting scopes");
}

static void default_quota(json_object *obj)
{
	ck_core_default_resource_list(ck_core_obj(ck_core_obj(obj, "spec"), "hard"));
}

static void prepare_create(json_object *obj)
{
	default_quota(obj);
	json_object_object_add(obj, "status", json_object_new_object());
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_quota(obj);
}

static void prepare_status_update(json_object *obj, json_object *old)
{
	(void)old;
	json_object *status = ck_core_obj(obj, "status");
	ck_core_default_resource_list(ck_core_obj(status, "hard"));
	ck_core_default_resource_list(ck_core_obj(status, "used"));
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	validate_spec(ck_core_obj(obj, "spec"), e);
	json_object *status = ck_core_obj(obj, "status");
	hard_list(ck_core_obj(status, "hard"), "status.hard", e);
	hard_list(ck_core_obj(status, "used"), "status.used", e);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *sc = ck_core_arr(ck_core_obj(obj, "spec"), "scopes");
	json_object *osc = ck_core_arr(ck_core_obj(old, "spec"), "scopes");
	/* as sets */
	bool same = true;
	for (size_t i = 0; i < ck_core_len(sc) && same; i++) {
		bool found = false;
		for (size_t j = 0; j < ck_core_len(osc); j++)
			found |= ck_streq(json_object_get_string(ck_core_at(sc, i)),
					  json_object_get_string(ck_core_at(osc, j)));
		same = found;
	}
	for (size_t i = 0; i < ck_core_len(osc) && same; i++) {
		bool found = false;
		for (size_t j = 0; j < ck_core_len(sc); j++)
			found |= ck_streq(json_object_get_string(ck_core_at(osc, i)),
					  json_object_get_string(ck_core_at(sc, j)));
		same = found;
	}
	if (!same)
		ck_field_errors_add_invalid(e, "spec.scopes", sc, "field is immutable");
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	json_object *status = ck_core_obj(obj, "status");
	hard_list(ck_core_obj(status, "hard"), "status.hard", e);
	hard_list(ck_core_obj(status, "used"), "status.used", e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "name: used/hard, ..." for the requests (limits=false) or the limits.* resources. */
static json_object *usage(json_object *obj, bool limits)
{
	json_object *status = ck_core_obj(obj, "status");
	json_object *hard = ck_core_obj(status, "hard"), *used = ck_core_obj(status, "used");
	size_t n = hard ? (size_t)json_object_object_length(hard) : 0;
	const char **names = ck_calloc(n ? n : 1, sizeof(char *));
	size_t k = 0;
	if (hard) {
		json_object_object_foreach (hard, name, v) {
			(void)v;
			names[k++] = name;
		}
	}
	qsort(names, k, sizeof(char *), cmp_str);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		const char *dot = strchr(names[i], '.');
		bool is_limit =
		    dot && (size_t)(dot - names[i]) == 6 && strncmp(names[i], "limits", 6) == 0;
		if (is_limit != limits)
			continue;
		struct ck_quantity u, h;
		memset(&u, 0, sizeof(u));
		memset(&h, 0, sizeof(h));
		json_object *uv = ck_core_get(used, names[i]);
		if (uv)
			ck_quantity_from_json(uv, &u);
		ck_quantity_from_json(ck_core_get(hard, names[i]), &h);
		char us[CK_QUANTITY_STR_MAX], hs[CK_QUANTITY_STR_MAX];
		ck_quantity_snprint(&u, us, sizeof(us));
		ck_quantity_snprint(&h, hs, sizeof(hs));
		ck_buf_addf(&b, "%s%s: %s/%s", b.len ? ", " : "", names[i], us, hs);
	}
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	free(names);
	return out;
}

static json_object *cell_request(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return usage(obj, false);
}

static json_object *cell_limit(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return usage(obj, true);
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "Request", "string", "",
	  "Request represents a minimum amount of cpu/memory that a container may consume.", 0,
	  cell_request },
	{ "Limit", "string", "",
	  "Limits control the maximum amount of cpu/memory that a container may use independent "
	  "of contention on the node.",
	  0, cell_limit },
	{ 0 },
};

static const struct ck_subresource subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const short_names[] = { "quota", NULL };

const struct ck_resource ck_resource_resourcequotas = {
	CK_CORE("v1"),
	.resource = "resourcequotas",
	.singular = "resourcequota",
	.kind = "ResourceQuota",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.subresources = subresources,
	.columns = columns,
	.has_status = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.prepare_status_update = prepare_status_update,
	.validate_status_update = validate_status_update,
	.return_deleted_object = true,
};
