/* RBAC validation and defaulting, as upstream's pkg/apis/rbac/validation. */
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/rbac/rbac.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static size_t list_len(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static void path_of(struct ck_buf *b, const char *base, size_t i, const char *child)
{
	ck_buf_reset(b);
	ck_buf_adds(b, base);
	ck_field_path_index(b, (long long)i);
	if (child)
		ck_field_path_child(b, child);
}

void ck_rbac_validate_rules(json_object *obj, bool namespaced, struct ck_field_errors *errs)
{
	json_object *rules = member(obj, "rules");
	if (!rules || !json_object_is_type(rules, json_type_array))
		return;
	struct ck_buf p = CK_BUF_INIT;
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i);
		if (!list_len(r, "verbs")) {
			path_of(&p, "rules", i, "verbs");
			ck_field_errors_add_required(errs, ck_buf_str(&p),
						     "verbs must contain at least one value");
		}
		if (list_len(r, "nonResourceURLs")) {
			json_object *urls = member(r, "nonResourceURLs");
			path_of(&p, "rules", i, "nonResourceURLs");
			if (namespaced)
				ck_field_errors_add_invalid(
				    errs, ck_buf_str(&p), urls,
				    "namespaced rules cannot apply to non-resource URLs");
			if (list_len(r, "apiGroups") || list_len(r, "resources") ||
			    list_len(r, "resourceNames"))
				ck_field_errors_add_invalid(errs, ck_buf_str(&p), urls,
							    "rules cannot apply to both regular "
							    "resources and non-resource URLs");
			continue;
		}
		if (!list_len(r, "apiGroups")) {
			path_of(&p, "rules", i, "apiGroups");
			ck_field_errors_add_required(
			    errs, ck_buf_str(&p),
			    "resource rules must supply at least one api group");
		}
		if (!list_len(r, "resources")) {
			path_of(&p, "rules", i, "resources");
			ck_field_errors_add_required(
			    errs, ck_buf_str(&p),
			    "resource rules must supply at least one resource");
		}
	}
	ck_buf_release(&p);
}

static void add_invalid_msgs(struct ck_field_errors *errs, const char *field, const char *value,
			     char **msgs)
{
	for (size_t i = 0; msgs && msgs[i]; i++)
		ck_field_errors_add_invalid_str(errs, field, value, msgs[i]);
	ck_strv_free(msgs);
}

static void not_supported(struct ck_field_errors *errs, const char *field, const char *value,
			  const char *const *valid, size_t n)
{
	json_object *v = json_object_new_string(value);
	ck_field_errors_add_not_supported(errs, field, v, valid, n);
	json_object_put(v);
}

static void validate_subject(json_object *s, bool namespaced, const char *path,
			     struct ck_field_errors *errs)
{
	struct ck_buf p = CK_BUF_INIT;
	const char *name = str(s, "name"), *kind = str(s, "kind"), *group = str(s, "apiGroup");
	if (!*name) {
		ck_buf_addf(&p, "%s.name", path);
		ck_field_errors_add_required(errs, ck_buf_str(&p), "");
	}
	static const char *const rbac_group[] = { CK_RBAC_GROUP };
	if (ck_streq(kind, "ServiceAccount")) {
		if (*name) {
			ck_buf_reset(&p);
			ck_buf_addf(&p, "%s.name", path);
			add_invalid_msgs(errs, ck_buf_str(&p), name,
					 ck_name_is_dns_subdomain(name, false));
		}
		if (*group) {
			static const char *const core[] = { "" };
			ck_buf_reset(&p);
			ck_buf_addf(&p, "%s.apiGroup", path);
			not_supported(errs, ck_buf_str(&p), group, core, 1);
		}
		if (!namespaced && !*str(s, "namespace")) {
			ck_buf_reset(&p);
			ck_buf_addf(&p, "%s.namespace", path);
			ck_field_errors_add_required(errs, ck_buf_str(&p), "");
		}
	} else if (ck_streq(kind, "User") || ck_streq(kind, "Group")) {
		if (!ck_streq(group, CK_RBAC_GROUP)) {
			ck_buf_reset(&p);
			ck_buf_addf(&p, "%s.apiGroup", path);
			not_supported(errs, ck_buf_str(&p), group, rbac_group, 1);
		}
	} else {
		static const char *const kinds[] = { "ServiceAccount", "User", "Group" };
		ck_buf_reset(&p);
		ck_buf_addf(&p, "%s.kind", path);
		not_supported(errs, ck_buf_str(&p), kind, kinds, 3);
	}
	ck_buf_release(&p);
}

void ck_rbac_validate_binding(json_object *obj, bool namespaced, struct ck_field_errors *errs)
{
	json_object *ref = member(obj, "roleRef");
	static const char *const rbac_group[] = { CK_RBAC_GROUP };
	if (!ck_streq(str(ref, "apiGroup"), CK_RBAC_GROUP))
		not_supported(errs, "roleRef.apiGroup", str(ref, "apiGroup"), rbac_group, 1);
	const char *kind = str(ref, "kind");
	if (namespaced && !ck_streq(kind, "Role") && !ck_streq(kind, "ClusterRole")) {
		static const char *const kinds[] = { "Role", "ClusterRole" };
		not_supported(errs, "roleRef.kind", kind, kinds, 2);
	} else if (!namespaced && !ck_streq(kind, "ClusterRole")) {
		static const char *const kinds[] = { "ClusterRole" };
		not_supported(errs, "roleRef.kind", kind, kinds, 1);
	}
	const char *name = str(ref, "name");
	if (!*name)
		ck_field_errors_add_required(errs, "roleRef.name", "");
	else
		add_invalid_msgs(errs, "roleRef.name", name,
				 ck_validate_path_segment_name(name, false));
	json_object *subjects = member(obj, "subjects");
	if (!subjects || !json_object_is_type(subjects, json_type_array))
		return;
	struct ck_buf p = CK_BUF_INIT;
	for (size_t i = 0; i < json_object_array_length(subjects); i++) {
		path_of(&p, "subjects", i, NULL);
		validate_subject(json_object_array_get_idx(subjects, i), namespaced, ck_buf_str(&p),
				 errs);
	}
	ck_buf_release(&p);
}

void ck_rbac_validate_binding_update(json_object *obj, json_object *old,
				     struct ck_field_errors *errs)
{
	json_object *ref = member(obj, "roleRef"), *old_ref = member(old, "roleRef");
	if (ck_streq(str(ref, "apiGroup"), str(old_ref, "apiGroup")) &&
	    ck_streq(str(ref, "kind"), str(old_ref, "kind")) &&
	    ck_streq(str(ref, "name"), str(old_ref, "name")))
		return;
	ck_field_errors_add_invalid(errs, "roleRef", ref, "cannot change roleRef");
}

void ck_rbac_validate_aggregation(json_object *obj, struct ck_field_errors *errs)
{
	json_object *rule = member(obj, "aggregationRule");
	if (!rule)
		return;
	json_object *sels = member(rule, "clusterRoleSelectors");
	size_t n =
	    sels && json_object_is_type(sels, json_type_array) ? json_object_array_length(sels) : 0;
	if (!n) {
		ck_field_errors_add_required(
		    errs, "aggregationRule.clusterRoleSelectors",
		    "at least one clusterRoleSelector required if aggregationRule is non-nil");
		return;
	}
	struct ck_buf p = CK_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(sels, i);
		struct ck_label_selector *sel = NULL;
		char *err = NULL;
		if (ck_label_selector_from_json(s, &sel, &err) < 0) {
			path_of(&p, "aggregationRule.clusterRoleSelectors", i, NULL);
			ck_field_errors_add_invalid(errs, ck_buf_str(&p), s,
						    err ? err : "invalid label selector.");
		}
		free(err);
		ck_label_selector_free(sel);
	}
	ck_buf_release(&p);
}

void ck_rbac_default_binding(json_object *obj)
{
	json_object *ref = member(obj, "roleRef");
	if (ref && json_object_is_type(ref, json_type_object) && !*str(ref, "apiGroup"))
		json_object_object_add(ref, "apiGroup", json_object_new_string(CK_RBAC_GROUP));
	json_object *subjects = member(obj, "subjects");
	if (!subjects || !json_object_is_type(subjects, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(subjects); i++) {
		json_object *s = json_object_array_get_idx(subjects, i);
		if (!json_object_is_type(s, json_type_object) || *str(s, "apiGroup"))
			continue;
		const char *kind = str(s, "kind");
		/* ServiceAccount subjects default to "", which JSON omits. */
		if (ck_streq(kind, "User") || ck_streq(kind, "Group"))
			json_object_object_add(s, "apiGroup",
					       json_object_new_string(CK_RBAC_GROUP));
	}
}
