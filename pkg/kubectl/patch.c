/*
 * kubectl patch (--type strategic|merge|json, -p) and scale (a merge patch
 * of the scale subresource).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"

static struct {
	struct ck_flag_strings files;
	const char *patch;
	const char *type;
	const char *subresource;
	int replicas;
} o = { .replicas = -1 };

static const struct ck_flag patch_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files identifying the resource" },
	{ "patch", CK_FLAG_STRING, &o.patch, "The patch to be applied to the resource JSON file" },
	{ "type", CK_FLAG_STRING, &o.type, "The type of patch: json, merge or strategic" },
	{ "subresource", CK_FLAG_STRING, &o.subresource, "The subresource to patch" },
	{ "replicas", CK_FLAG_INT, &o.replicas, "The new desired number of replicas (scale)" },
	{ 0 },
};
static const struct ck_flag_shorthand patch_shorthands[] = { { 'f', "filename" },
							     { 'p', "patch" },
							     { 0 } };

/* Sends the patch to every named info; prints "kind/name <verb>". */
static int patch_all(struct ck_kubectl *k, int argc, char **argv, enum ck_patch_format type,
		     const char *patch, const char *subresource, const char *verb)
{
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .files = &o.files, .names_required = true };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	int status = 0;
	struct ck_client_error err;
	ck_client_error_init(&err);
	for (size_t i = 0; i < infos.n; i++) {
		struct ck_kubectl_info *info = &infos.v[i];
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		json_object *before = NULL, *after = NULL;
		if (!subresource &&
		    ck_client_get(c, &gvr, info->namespace, info->name, &before, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
			continue;
		}
		if (ck_client_patch(c, &gvr, info->namespace, info->name, type, patch, subresource,
				    &after, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
		} else {
			bool same = before && ck_streq(ck_obj_resource_version(before),
						       ck_obj_resource_version(after));
			char v[64];
			snprintf(v, sizeof(v), "%s%s", verb, same ? " (no change)" : "");
			ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, v,
						 false);
		}
		json_object_put(before);
		json_object_put(after);
	}
	ck_client_error_release(&err);
	ck_kubectl_infos_release(&infos);
	return status;
}

static int run_patch(struct ck_kubectl *k, int argc, char **argv)
{
	if (!o.patch)
		return ck_kubectl_fail(k, "must specify -p to patch");
	enum ck_patch_format type = CK_PATCH_STRATEGIC;
	if (!o.type || strcmp(o.type, "strategic") == 0)
		type = CK_PATCH_STRATEGIC;
	else if (strcmp(o.type, "merge") == 0)
		type = CK_PATCH_MERGE;
	else if (strcmp(o.type, "json") == 0)
		type = CK_PATCH_JSON;
	else
		return ck_kubectl_fail(
		    k, "--type must be one of [json merge strategic], not \"%s\"", o.type);
	json_object *parsed = json_tokener_parse(o.patch);
	if (!parsed && strcmp(o.patch, "null") != 0)
		return ck_kubectl_fail(k,
				       "unable to parse \"%s\": yaml: did not find expected node "
				       "content",
				       o.patch);
	json_object_put(parsed);
	return patch_all(k, argc, argv, type, o.patch, o.subresource, "patched");
}

static int run_scale(struct ck_kubectl *k, int argc, char **argv)
{
	if (o.replicas < 0)
		return ck_kubectl_fail(k,
				       "The --replicas=COUNT flag is required, and COUNT must be "
				       "greater than or equal to 0");
	char patch[64];
	snprintf(patch, sizeof(patch), "{\"spec\":{\"replicas\":%d}}", o.replicas);
	return patch_all(k, argc, argv, CK_PATCH_MERGE, patch, "scale", "scaled");
}

const struct ck_kubectl_command ck_kubectl_cmd_patch = {
	.name = "patch",
	.summary = "Update fields of a resource",
	.flags = patch_flags,
	.shorthands = patch_shorthands,
	.run = run_patch,
};

const struct ck_kubectl_command ck_kubectl_cmd_scale = {
	.name = "scale",
	.summary = "Set a new size for a deployment, replica set, or replication controller",
	.flags = patch_flags,
	.shorthands = patch_shorthands,
	.run = run_scale,
};
