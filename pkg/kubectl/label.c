/*
 * kubectl label and annotate: key=value sets, key- removes, --overwrite
 * to change a value already set; sent as a JSON merge patch of metadata.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

static struct {
	struct ck_flag_strings files;
	const char *selector;
	bool overwrite;
	bool all;
	bool recursive;
} o;

static const struct ck_flag label_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files identifying the resources" },
	{ "recursive", CK_FLAG_BOOL, &o.recursive, "Process the directory used in -f recursively" },
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "overwrite", CK_FLAG_BOOL, &o.overwrite, "Allow existing values to be overwritten" },
	{ "all", CK_FLAG_BOOL, &o.all, "Select all resources of the given types in the namespace" },
	{ 0 },
};
static const struct ck_flag_shorthand label_shorthands[] = {
	{ 'f', "filename" }, { 'R', "recursive" }, { 'l', "selector" }, { 0 }
};

static bool is_change(const char *a)
{
	return strchr(a, '=') || (a[0] && a[strlen(a) - 1] == '-' && !strchr(a, '/')) ||
	       (a[0] && a[strlen(a) - 1] == '-');
}

/* Applies the changes to one object; prints "kind/name labeled". */
static int change_one(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info,
		      const char *name, json_object *current, char **changes, int nchanges,
		      bool annotate)
{
	const char *field = annotate ? "annotations" : "labels";
	json_object *have = annotate ? ck_obj_annotations(current) : ck_obj_labels(current);
	json_object *set = json_object_new_object();
	bool changed = false;
	for (int i = 0; i < nchanges; i++) {
		const char *eq = strchr(changes[i], '=');
		if (eq) {
			char *key = ck_strndup(changes[i], (size_t)(eq - changes[i]));
			json_object *old = have ? json_object_object_get(have, key) : NULL;
			if (old && !o.overwrite &&
			    strcmp(json_object_get_string(old), eq + 1) != 0) {
				ck_kubectl_fail(
				    k, "'%s' already has a value (%s), and --overwrite is false",
				    key, json_object_get_string(old));
				free(key);
				json_object_put(set);
				return 1;
			}
			if (!old || strcmp(json_object_get_string(old), eq + 1) != 0)
				changed = true;
			json_object_object_add(set, key, json_object_new_string(eq + 1));
			free(key);
		} else {
			char *key = ck_strndup(changes[i], strlen(changes[i]) - 1);
			if (have && json_object_object_get(have, key))
				changed = true;
			json_object_object_add(set, key, NULL);
			free(key);
		}
	}
	char *ref = ck_kubectl_kind_ref(info->res.group, info->res.kind);
	int status = 0;
	if (changed) {
		json_object *patch = json_object_new_object(), *md = json_object_new_object();
		json_object_object_add(md, field, json_object_get(set));
		json_object_object_add(patch, "metadata", md);
		struct ck_buf b = CK_BUF_INIT;
		ck_json_write(&b, patch);
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		struct ck_client_error err;
		ck_client_error_init(&err);
		if (ck_client_patch(c, &gvr, ck_obj_namespace(current), name, CK_PATCH_MERGE,
				    ck_buf_str(&b), NULL, NULL, &err) < 0)
			status = ck_kubectl_print_error(k, &err);
		ck_client_error_release(&err);
		ck_buf_release(&b);
		json_object_put(patch);
	}
	if (status == 0)
		fprintf(k->out, "%s/%s %s%s\n", ref, name, changed ? "" : "not ",
			annotate ? "annotated" : "labeled");
	free(ref);
	json_object_put(set);
	return status;
}

static int run(struct ck_kubectl *k, int argc, char **argv, bool annotate)
{
	/* resource arguments first, then the changes */
	int nres = argc;
	while (nres > 0 && is_change(argv[nres - 1]))
		nres--;
	if (o.files.n > 0)
		nres = 0;
	char **changes = argv + nres;
	int nchanges = argc - nres;
	if (nchanges == 0)
		return ck_kubectl_fail(k, "at least one %s update is required",
				       annotate ? "annotation" : "label");
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = {
		.files = &o.files,
		.recursive = o.recursive,
		.names_required = !o.all && !o.selector,
	};
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, nres, argv, &infos) < 0)
		return 1;
	int status = 0;
	struct ck_client_error err;
	ck_client_error_init(&err);
	for (size_t i = 0; i < infos.n; i++) {
		struct ck_kubectl_info *info = &infos.v[i];
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		if (info->name) {
			json_object *cur = NULL;
			if (ck_client_get(c, &gvr, info->namespace, info->name, &cur, &err) < 0) {
				status = ck_kubectl_print_error(k, &err);
				continue;
			}
			status |=
			    change_one(k, c, info, info->name, cur, changes, nchanges, annotate);
			json_object_put(cur);
			continue;
		}
		struct ck_client_list_options lo = { .label_selector = o.selector };
		json_object *list = NULL;
		if (ck_client_list(c, &gvr, info->namespace, &lo, &list, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
			continue;
		}
		json_object *items = json_object_object_get(list, "items");
		for (size_t j = 0; items && j < json_object_array_length(items); j++) {
			json_object *it = json_object_array_get_idx(items, j);
			status |= change_one(k, c, info, ck_obj_name(it), it, changes, nchanges,
					     annotate);
		}
		json_object_put(list);
	}
	ck_client_error_release(&err);
	ck_kubectl_infos_release(&infos);
	return status;
}

static int run_label(struct ck_kubectl *k, int argc, char **argv)
{
	return run(k, argc, argv, false);
}

static int run_annotate(struct ck_kubectl *k, int argc, char **argv)
{
	return run(k, argc, argv, true);
}

const struct ck_kubectl_command ck_kubectl_cmd_label = {
	.name = "label",
	.summary = "Update the labels on a resource",
	.flags = label_flags,
	.shorthands = label_shorthands,
	.run = run_label,
};

const struct ck_kubectl_command ck_kubectl_cmd_annotate = {
	.name = "annotate",
	.summary = "Update the annotations on a resource",
	.flags = label_flags,
	.shorthands = label_shorthands,
	.run = run_annotate,
};
