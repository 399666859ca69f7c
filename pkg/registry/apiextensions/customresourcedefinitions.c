/*
 * apiextensions.k8s.io/v1 customresourcedefinitions (upstream's
 * apiextensions-apiserver pkg/registry/customresourcedefinition, its v1
 * defaults and pkg/apis/apiextensions/validation), stored and validated:
 * the name is <plural>.<group>; group, names, scope; versions with unique
 * DNS-1035 names, exactly one storage version and a structural root schema
 * (type object); conversion defaults to None. Without an apiextensions
 * controller, the server does what upstream's naming and establishing
 * controllers do on each write: the names are accepted into
 * status.acceptedNames, NamesAccepted and Established become True, and the
 * storage version joins status.storedVersions. Custom resources themselves
 * are not served yet.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"
#include "util/time.h"

static char *lower(const char *s)
{
	char *out = ck_strdup(s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* SetDefaults_CustomResourceDefinitionSpec. */
static void default_spec(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	json_object *names = ck_core_ensure_obj(spec, "names");
	const char *kind = ck_core_str(names, "kind");
	if (!*ck_core_str(names, "singular") && *kind) {
		char *l = lower(kind);
		json_object_object_add(names, "singular", json_object_new_string(l));
		free(l);
	}
	if (!*ck_core_str(names, "listKind") && *kind) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "%sList", kind);
		json_object_object_add(names, "listKind", json_object_new_string(ck_buf_str(&b)));
		ck_buf_release(&b);
	}
	if (!ck_core_obj(spec, "conversion")) {
		json_object *conv = json_object_new_object();
		json_object_object_add(conv, "strategy", json_object_new_string("None"));
		json_object_object_add(spec, "conversion", conv);
	}
	json_object *svc = ck_core_obj(
	    ck_core_obj(ck_core_obj(ck_core_obj(spec, "conversion"), "webhook"), "clientConfig"),
	    "service");
	if (svc && !ck_core_get(svc, "port"))
		json_object_object_add(svc, "port", json_object_new_int(443));
}

static const char *storage_version(json_object *obj)
{
	json_object *versions = ck_core_arr(ck_core_obj(obj, "spec"), "versions");
	for (size_t i = 0; i < ck_core_len(versions); i++)
		if (ck_core_bool(ck_core_at(versions, i), "storage"))
			return ck_core_str(ck_core_at(versions, i), "name");
	return NULL;
}

static json_object *condition(const char *type, const char *reason, const char *message,
			      const char *now)
{
	json_object *c = json_object_new_object();
	json_object_object_add(c, "type", json_object_new_string(type));
	json_object_object_add(c, "status", json_object_new_string("True"));
	json_object_object_add(c, "lastTransitionTime", json_object_new_string(now));
	json_object_object_add(c, "reason", json_object_new_string(reason));
	json_object_object_add(c, "message", json_object_new_string(message));
	return c;
}

/* Sets a True condition unless it is True already (its time then stays). */
static void set_condition(json_object *status, const char *type, const char *reason,
			  const char *message, const char *now)
{
	json_object *conds = ck_core_arr(status, "conditions");
	if (!conds) {
		conds = json_object_new_array();
		json_object_object_add(status, "conditions", conds);
	}
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (!ck_streq(ck_core_str(c, "type"), type))
			continue;
		if (!ck_streq(ck_core_str(c, "status"), "True"))
			json_object_array_put_idx(conds, i, condition(type, reason, message, now));
		return;
	}
	json_object_array_add(conds, condition(type, reason, message, now));
}

/*
 * What upstream's controllers make of a CRD: its names accepted, the CRD
 * established, its storage version recorded.
 */
static void accept(json_object *obj)
{
	json_object *status = ck_core_ensure_obj(obj, "status");
	json_object *names = ck_core_obj(ck_core_obj(obj, "spec"), "names");
	json_object_object_add(status, "acceptedNames",
			       names ? ck_obj_copy(names) : json_object_new_object());
	char now[CK_TIME_BUF];
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	set_condition(status, "NamesAccepted", "NoConflicts", "no conflicts found", now);
	set_condition(status, "Established", "InitialNamesAccepted",
		      "the initial names have been accepted", now);
	json_object *stored = ck_core_arr(status, "storedVersions");
	if (!stored) {
		stored = json_object_new_array();
		json_object_object_add(status, "storedVersions", stored);
	}
	const char *sv = storage_version(obj);
	if (!sv)
		return;
	for (size_t i = 0; i < ck_core_len(stored); i++)
		if (ck_streq(json_object_get_string(ck_core_at(stored, i)), sv))
			return;
	json_object_array_add(stored, json_object_new_string(sv));
}

static void prepare_create(json_object *obj)
{
	default_spec(obj);
	accept(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_spec(obj);
	accept(obj);
}

/* Each message of msgs (owned) joined with "," as one Invalid, with a prefix. */
static void add_joined(struct ck_field_errors *errs, const char *path, const char *value,
		       const char *prefix, char **msgs)
{
	if (!msgs)
		return;
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, prefix);
	for (size_t i = 0; msgs[i]; i++) {
		if (i)
			ck_buf_addc(&b, ',');
		ck_buf_adds(&b, msgs[i]);
	}
	ck_field_errors_add_invalid_str(errs, path, value, ck_buf_str(&b));
	ck_buf_release(&b);
	ck_strv_free(msgs);
}

/* A DNS-1035 label check of a names field (kinds may have mixed case). */
static void validate_label(const char *v, const char *path, bool mixed_case,
			   struct ck_field_errors *errs)
{
	if (!*v)
		return;
	char *l = mixed_case ? lower(v) : ck_strdup(v);
	add_joined(errs, path, v,
		   mixed_case ? "may have mixed case, but should otherwise match: " : "",
		   ck_is_dns1035_label(l));
	free(l);
}

/* ValidateCustomResourceDefinitionNames. */
static void validate_names(json_object *names, const char *base, struct ck_field_errors *errs)
{
	static const struct {
		const char *field;
		bool mixed_case;
	} singles[] = {
		{ "plural", false }, { "singular", false }, { "kind", true }, { "listKind", true }
	};
	char path[128];
	for (size_t i = 0; i < CK_ARRAY_SIZE(singles); i++) {
		snprintf(path, sizeof(path), "%s.%s", base, singles[i].field);
		validate_label(ck_core_str(names, singles[i].field), path, singles[i].mixed_case,
			       errs);
	}
	static const char *const lists[] = { "shortNames", "categories" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(lists); i++) {
		json_object *arr = ck_core_arr(names, lists[i]);
		for (size_t j = 0; j < ck_core_len(arr); j++) {
			snprintf(path, sizeof(path), "%s.%s[%zu]", base, lists[i], j);
			const char *v = json_object_get_string(ck_core_at(arr, j));
			add_joined(errs, path, v, "", ck_is_dns1035_label(v));
		}
	}
	const char *kind = ck_core_str(names, "kind");
	if (*kind && ck_streq(kind, ck_core_str(names, "listKind"))) {
		snprintf(path, sizeof(path), "%s.listKind", base);
		ck_field_errors_add_invalid_str(errs, path, kind,
						"kind and listKind may not be the same");
	}
}

/* The root of a version's schema: required (v1), structural: type object. */
static void validate_schema(json_object *version, const char *vpath, struct ck_field_errors *errs)
{
	char path[128];
	json_object *schema = ck_core_obj(ck_core_obj(version, "schema"), "openAPIV3Schema");
	snprintf(path, sizeof(path), "%s.schema.openAPIV3Schema", vpath);
	if (!schema) {
		ck_field_errors_add_required(errs, path, "schemas are required");
		return;
	}
	snprintf(path, sizeof(path), "%s.schema.openAPIV3Schema.type", vpath);
	const char *type = ck_core_str(schema, "type");
	if (!*type)
		ck_field_errors_add_required(errs, path, "must not be empty at the root");
	else if (!ck_streq(type, "object"))
		ck_field_errors_add_invalid_str(errs, path, type, "must be object at the root");
}

static void validate_columns(json_object *version, const char *vpath, struct ck_field_errors *errs)
{
	static const char *const types[] = { "boolean", "date", "integer", "number", "string" };
	json_object *cols = ck_core_arr(version, "additionalPrinterColumns");
	char path[160];
	for (size_t i = 0; i < ck_core_len(cols); i++) {
		json_object *c = ck_core_at(cols, i);
		snprintf(path, sizeof(path), "%s.additionalPrinterColumns[%zu].name", vpath, i);
		if (!*ck_core_str(c, "name"))
			ck_field_errors_add_required(errs, path, NULL);
		snprintf(path, sizeof(path), "%s.additionalPrinterColumns[%zu].type", vpath, i);
		const char *t = ck_core_str(c, "type");
		const char *msg = "must be one of boolean,date,integer,number,string";
		bool known = false;
		for (size_t k = 0; k < CK_ARRAY_SIZE(types); k++)
			known = known || ck_streq(t, types[k]);
		if (!*t)
			ck_field_errors_add_required(errs, path, msg);
		else if (!known)
			ck_field_errors_add_invalid_str(errs, path, t, msg);
		snprintf(path, sizeof(path), "%s.additionalPrinterColumns[%zu].jsonPath", vpath, i);
		if (!*ck_core_str(c, "jsonPath"))
			ck_field_errors_add_required(errs, path, NULL);
	}
}

static void validate_versions(json_object *spec, struct ck_field_errors *errs)
{
	json_object *versions = ck_core_arr(spec, "versions");
	int storage = 0;
	bool unique = true;
	char path[96];
	for (size_t i = 0; i < ck_core_len(versions); i++) {
		json_object *v = ck_core_at(versions, i);
		const char *name = ck_core_str(v, "name");
		if (ck_core_bool(v, "storage"))
			storage++;
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(versions, j), "name"), name))
				unique = false;
		snprintf(path, sizeof(path), "spec.versions[%zu].name", i);
		add_joined(errs, path, name, "", ck_is_dns1035_label(name));
		snprintf(path, sizeof(path), "spec.versions[%zu]", i);
		validate_schema(v, path, errs);
		validate_columns(v, path, errs);
	}
	if (!ck_core_len(versions))
		ck_field_errors_add_required(errs, "spec.versions", NULL);
	if (!unique)
		ck_field_errors_add_invalid(errs, "spec.versions", versions,
					    "must contain unique version names");
	if (storage != 1)
		ck_field_errors_add_invalid(errs, "spec.versions", versions,
					    "must have exactly one version marked as storage "
					    "version");
}

/* ValidateCustomResourceDefinitionStoredVersions. */
static void validate_stored_versions(json_object *obj, struct ck_field_errors *errs)
{
	json_object *stored = ck_core_arr(ck_core_obj(obj, "status"), "storedVersions");
	json_object *versions = ck_core_arr(ck_core_obj(obj, "spec"), "versions");
	if (!ck_core_len(stored)) {
		ck_field_errors_add_invalid(errs, "status.storedVersions", stored,
					    "must have at least one stored version");
		return;
	}
	for (size_t i = 0; i < ck_core_len(versions); i++) {
		json_object *v = ck_core_at(versions, i);
		bool found = false;
		for (size_t j = 0; j < ck_core_len(stored); j++)
			found = found || ck_streq(json_object_get_string(ck_core_at(stored, j)),
						  ck_core_str(v, "name"));
		if (ck_core_bool(v, "storage") && !found) {
			struct ck_buf msg = CK_BUF_INIT;
			ck_buf_addf(&msg, "must have the storage version %s",
				    ck_core_str(v, "name"));
			ck_field_errors_add_invalid(errs, "status.storedVersions", v,
						    ck_buf_str(&msg));
			ck_buf_release(&msg);
		}
	}
	char path[64];
	for (size_t j = 0; j < ck_core_len(stored); j++) {
		const char *s = json_object_get_string(ck_core_at(stored, j));
		bool found = false;
		for (size_t i = 0; i < ck_core_len(versions); i++)
			found = found || ck_streq(ck_core_str(ck_core_at(versions, i), "name"), s);
		if (!found) {
			snprintf(path, sizeof(path), "status.storedVersions[%zu]", j);
			ck_field_errors_add_invalid_str(errs, path, s,
							"must appear in spec.versions");
		}
	}
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *names = ck_core_obj(spec, "names");
	const char *group = ck_core_str(spec, "group");
	const char *plural = ck_core_str(names, "plural");
	struct ck_buf want = CK_BUF_INIT;
	ck_buf_addf(&want, "%s.%s", plural, group);
	const char *name = ck_obj_name(obj);
	if (name && !ck_streq(name, ck_buf_str(&want)))
		ck_field_errors_add_invalid_str(errs, "metadata.name", name,
						"must be spec.names.plural+\".\"+spec.group");
	ck_buf_release(&want);
	if (!*group) {
		ck_field_errors_add_required(errs, "spec.group", NULL);
	} else {
		char **msgs = ck_is_dns1123_subdomain(group);
		if (msgs)
			add_joined(errs, "spec.group", group, "", msgs);
		else if (!strchr(group, '.'))
			ck_field_errors_add_invalid_str(errs, "spec.group", group,
							"should be a domain with at least one dot");
	}
	json_object *scope = ck_core_get(spec, "scope");
	const char *sc = ck_core_str(spec, "scope");
	if (!*sc) {
		ck_field_errors_add_required(errs, "spec.scope", NULL);
	} else if (!ck_streq(sc, "Cluster") && !ck_streq(sc, "Namespaced")) {
		static const char *const scopes[] = { "Cluster", "Namespaced" };
		ck_field_errors_add_not_supported(errs, "spec.scope", scope, scopes,
						  CK_ARRAY_SIZE(scopes));
	}
	validate_versions(spec, errs);
	static const char *const required_names[] = { "plural", "singular", "kind", "listKind" };
	char path[64];
	for (size_t i = 0; i < CK_ARRAY_SIZE(required_names); i++)
		if (!*ck_core_str(names, required_names[i])) {
			snprintf(path, sizeof(path), "spec.names.%s", required_names[i]);
			ck_field_errors_add_required(errs, path, NULL);
		}
	validate_names(names, "spec.names", errs);
	if (ck_core_bool(spec, "preserveUnknownFields"))
		ck_field_errors_add_invalid(errs, "spec.preserveUnknownFields",
					    ck_core_get(spec, "preserveUnknownFields"),
					    "cannot set to true, set "
					    "x-kubernetes-preserve-unknown-fields to true in "
					    "spec.versions[*].schema instead");
	json_object *conv = ck_core_obj(spec, "conversion");
	const char *strategy = ck_core_str(conv, "strategy");
	if (!ck_streq(strategy, "None") && !ck_streq(strategy, "Webhook")) {
		static const char *const strategies[] = { "None", "Webhook" };
		ck_field_errors_add_not_supported(errs, "spec.conversion.strategy",
						  ck_core_get(conv, "strategy"), strategies,
						  CK_ARRAY_SIZE(strategies));
	} else if (ck_streq(strategy, "Webhook") && !ck_core_obj(conv, "webhook")) {
		ck_field_errors_add_required(errs, "spec.conversion.webhook",
					     "required when strategy is set to Webhook");
	}
	validate_names(ck_core_obj(ck_core_obj(obj, "status"), "acceptedNames"),
		       "status.acceptedNames", errs);
	validate_stored_versions(obj, errs);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	json_object *names = ck_core_obj(spec, "names"), *onames = ck_core_obj(ospec, "names");
	/* established (always, here): scope and kind decide how objects are stored */
	ck_workload_validate_immutable(ck_core_get(spec, "scope"), ck_core_get(ospec, "scope"),
				       "spec.scope", errs);
	ck_workload_validate_immutable(ck_core_get(names, "kind"), ck_core_get(onames, "kind"),
				       "spec.names.kind", errs);
	ck_workload_validate_immutable(ck_core_get(spec, "group"), ck_core_get(ospec, "group"),
				       "spec.group", errs);
	ck_workload_validate_immutable(ck_core_get(names, "plural"), ck_core_get(onames, "plural"),
				       "spec.names.plural", errs);
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	(void)old;
	validate_names(ck_core_obj(ck_core_obj(obj, "status"), "acceptedNames"),
		       "status.acceptedNames", errs);
	validate_stored_versions(obj, errs);
}

static const char *const short_names[] = { "crd", "crds", NULL };
static const char *const categories[] = { "api-extensions", NULL };

const struct ck_resource ck_resource_customresourcedefinitions = {
	CK_GROUP("apiextensions.k8s.io", "v1"),
	.resource = "customresourcedefinitions",
	.singular = "customresourcedefinition",
	.kind = "CustomResourceDefinition",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = categories,
	.subresources = ck_workload_status_subresources,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.validate_status_update = validate_status_update,
};
