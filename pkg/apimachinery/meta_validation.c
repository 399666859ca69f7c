#include "apimachinery/meta_validation.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "util/common.h"
#include "util/str.h"

static void add_msgs(struct ck_field_errors *errs, const char *path, const char *value, char **msgs)
{
	for (size_t i = 0; msgs && msgs[i]; i++)
		ck_field_errors_add_invalid_str(errs, path, value, msgs[i]);
	ck_strv_free(msgs);
}

static json_object *meta_field(json_object *obj, const char *field)
{
	json_object *md = ck_obj_path(obj, "metadata"), *v = NULL;
	if (md && json_object_is_type(md, json_type_object))
		json_object_object_get_ex(md, field, &v);
	return v;
}

static const char *meta_str(json_object *obj, const char *field)
{
	json_object *v = meta_field(obj, field);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

void ck_validate_labels(json_object *labels, const char *path, struct ck_field_errors *errs)
{
	if (!labels || !json_object_is_type(labels, json_type_object))
		return;
	json_object_object_foreach (labels, k, v) {
		add_msgs(errs, path, k, ck_is_qualified_name(k));
		const char *s =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
		add_msgs(errs, path, s, ck_is_valid_label_value(s));
	}
}

static void validate_annotations(json_object *ann, struct ck_field_errors *errs)
{
	if (!ann || !json_object_is_type(ann, json_type_object))
		return;
	size_t total = 0;
	json_object_object_foreach (ann, k, v) {
		/* QualifiedName, case-insensitively. */
		char *lower = ck_strdup(k);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		add_msgs(errs, "metadata.annotations", k, ck_is_qualified_name(lower));
		free(lower);
		total += strlen(k) + (json_object_is_type(v, json_type_string)
					  ? (size_t)json_object_get_string_len(v)
					  : 0);
	}
	if (total > CK_ANNOTATIONS_SIZE_MAX)
		ck_field_errors_add_too_long(errs, "metadata.annotations", CK_ANNOTATIONS_SIZE_MAX);
}

static void validate_owner_references(json_object *refs, struct ck_field_errors *errs)
{
	if (!refs || !json_object_is_type(refs, json_type_array))
		return;
	const char *path = "metadata.ownerReferences";
	char first_controller[512] = "";
	for (size_t i = 0; i < json_object_array_length(refs); i++) {
		json_object *ref = json_object_array_get_idx(refs, i);
		const char *api_version = ck_obj_path_str(ref, "apiVersion");
		const char *kind = ck_obj_path_str(ref, "kind");
		const char *name = ck_obj_path_str(ref, "name");
		const char *uid = ck_obj_path_str(ref, "uid");
		api_version = api_version ? api_version : "";
		kind = kind ? kind : "";
		/* The version is what follows the last '/' ("v1", "apps/v1"). */
		const char *slash = strrchr(api_version, '/');
		const char *version = slash ? slash + 1 : api_version;
		if (!*version)
			ck_field_errors_add_invalid_str(errs, "metadata.ownerReferences.apiVersion",
							api_version, "version must not be empty");
		if (!*kind)
			ck_field_errors_add_invalid_str(errs, "metadata.ownerReferences.kind", kind,
							"must not be empty");
		if (!name || !*name)
			ck_field_errors_add_invalid_str(errs, "metadata.ownerReferences.name", "",
							"must not be empty");
		if (!uid || !*uid)
			ck_field_errors_add_invalid_str(errs, "metadata.ownerReferences.uid", "",
							"must not be empty");
		if (strcmp(api_version, "v1") == 0 && strcmp(kind, "Event") == 0)
			ck_field_errors_add_invalid(errs, path, ref,
						    "/v1, Kind=Event is disallowed from being an "
						    "owner");
		json_object *ctl = ck_obj_path(ref, "controller");
		if (ctl && json_object_get_boolean(ctl)) {
			char cur[512];
			snprintf(cur, sizeof(cur), "%s/%s", kind, name ? name : "");
			if (first_controller[0]) {
				char msg[1200];
				snprintf(msg, sizeof(msg),
					 "Only one reference can have Controller set to true. "
					 "Found \"true\" in references for %s and %s",
					 first_controller, cur);
				ck_field_errors_add_invalid(errs, path, refs, msg);
			} else {
				snprintf(first_controller, sizeof(first_controller), "%s", cur);
			}
		}
	}
}

static void validate_finalizers(json_object *fins, struct ck_field_errors *errs)
{
	if (!fins || !json_object_is_type(fins, json_type_array))
		return;
	bool orphan = false, foreground = false;
	for (size_t i = 0; i < json_object_array_length(fins); i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(fins, i));
		f = f ? f : "";
		add_msgs(errs, "metadata.finalizers", f, ck_is_qualified_name(f));
		orphan |= strcmp(f, "orphan") == 0;
		foreground |= strcmp(f, "foregroundDeletion") == 0;
	}
	if (orphan && foreground)
		ck_field_errors_add_invalid(errs, "metadata.finalizers", fins,
					    "finalizer orphan and foregroundDeletion cannot be "
					    "both set");
}

static void validate_common(json_object *obj, struct ck_field_errors *errs)
{
	json_object *gen = meta_field(obj, "generation");
	if (gen && json_object_get_int64(gen) < 0)
		ck_field_errors_add_invalid_int(errs, "metadata.generation",
						json_object_get_int64(gen),
						"must be greater than or equal to 0");
	ck_validate_labels(meta_field(obj, "labels"), "metadata.labels", errs);
	validate_annotations(meta_field(obj, "annotations"), errs);
	validate_owner_references(meta_field(obj, "ownerReferences"), errs);
}

void ck_validate_object_meta(json_object *obj, bool namespaced, ck_name_validator name_fn,
			     struct ck_field_errors *errs)
{
	const char *gen_name = meta_str(obj, "generateName");
	const char *name = meta_str(obj, "name");
	if (*gen_name)
		add_msgs(errs, "metadata.generateName", gen_name, name_fn(gen_name, true));
	if (!*name)
		ck_field_errors_add_required(errs, "metadata.name",
					     "name or generateName is required");
	else
		add_msgs(errs, "metadata.name", name, name_fn(name, false));

	const char *ns = meta_str(obj, "namespace");
	if (namespaced) {
		if (!*ns)
			ck_field_errors_add_required(errs, "metadata.namespace", "");
		else
			add_msgs(errs, "metadata.namespace", ns, ck_name_is_dns_label(ns, false));
	} else if (*ns) {
		ck_field_errors_add_forbidden(errs, "metadata.namespace",
					      "not allowed on this type");
	}
	validate_common(obj, errs);
	validate_finalizers(meta_field(obj, "finalizers"), errs);
}

static void immutable(json_object *obj, json_object *old, const char *field,
		      struct ck_field_errors *errs)
{
	json_object *a = meta_field(obj, field), *b = meta_field(old, field);
	if (!json_object_equal(a, b)) {
		char path[64];
		snprintf(path, sizeof(path), "metadata.%s", field);
		ck_field_errors_add_invalid(errs, path, a, CK_FIELD_IMMUTABLE);
	}
}

void ck_validate_object_meta_update(json_object *obj, json_object *old,
				    struct ck_field_errors *errs)
{
	if (meta_field(old, "deletionTimestamp")) {
		json_object *nf = meta_field(obj, "finalizers"),
			    *of = meta_field(old, "finalizers");
		struct ck_buf extra = CK_BUF_INIT;
		for (size_t i = 0; nf && i < json_object_array_length(nf); i++) {
			const char *f = json_object_get_string(json_object_array_get_idx(nf, i));
			bool found = false;
			for (size_t j = 0; of && j < json_object_array_length(of); j++)
				found |= ck_streq(
				    f, json_object_get_string(json_object_array_get_idx(of, j)));
			if (!found)
				ck_buf_addf(&extra, "%s\"%s\"", extra.len ? ", " : "", f);
		}
		if (extra.len) {
			struct ck_buf msg = CK_BUF_INIT;
			ck_buf_addf(&msg,
				    "no new finalizers can be added if the object is being "
				    "deleted, found new finalizers []string{%s}",
				    ck_buf_str(&extra));
			ck_field_errors_add_forbidden(errs, "metadata.finalizers",
						      ck_buf_str(&msg));
			ck_buf_release(&msg);
		}
		ck_buf_release(&extra);
	}
	if (!*meta_str(obj, "resourceVersion"))
		ck_field_errors_add_invalid_str(errs, "metadata.resourceVersion", "",
						"must be specified for an update");
	json_object *ng = meta_field(obj, "generation"), *og = meta_field(old, "generation");
	if (ng && og && json_object_get_int64(ng) < json_object_get_int64(og))
		ck_field_errors_add_invalid_int(errs, "metadata.generation",
						json_object_get_int64(ng),
						"must not be decremented");
	static const char *const fixed[] = { "name",
					     "namespace",
					     "uid",
					     "creationTimestamp",
					     "deletionTimestamp",
					     "deletionGracePeriodSeconds" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(fixed); i++)
		immutable(obj, old, fixed[i], errs);
	ck_validate_labels(meta_field(obj, "labels"), "metadata.labels", errs);
	validate_annotations(meta_field(obj, "annotations"), errs);
	validate_owner_references(meta_field(obj, "ownerReferences"), errs);
}
