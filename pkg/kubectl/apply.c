/*
 * kubectl apply -f, client side: the last applied configuration lives in
 * the kubectl.kubernetes.io/last-applied-configuration annotation; an
 * absent object is created with it, a present one patched with the
 * three-way strategic merge patch from (last applied, new, live).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "kubectl/apply_patch.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

#define FIELD_MANAGER "kubectl-client-side-apply"
#define MAX_CONFLICT_RETRIES 5

static struct {
	struct ck_flag_strings files;
	bool recursive;
	const char *output;
	const char *dry_run;
} o;

static const struct ck_flag apply_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files,
	  "Files that contain the configuration to apply" },
	{ "recursive", CK_FLAG_BOOL, &o.recursive, "Process the directory used in -f recursively" },
	{ "output", CK_FLAG_STRING, &o.output, "name: print only resource/name" },
	{ "dry-run", CK_FLAG_STRING, &o.dry_run, "none or server" },
	{ 0 },
};
static const struct ck_flag_shorthand apply_shorthands[] = {
	{ 'f', "filename" }, { 'R', "recursive" }, { 'o', "output" }, { 0 }
};

/* Computes and sends the patch; *ret_changed says whether there was one. */
#define WRITE_PARAMS_LEN 5
/* The query of apply's writes: fieldManager, and dryRun=All with --dry-run=server. */
static void write_params(const char *params[WRITE_PARAMS_LEN])
{
	const char *p[WRITE_PARAMS_LEN] = { "fieldManager", FIELD_MANAGER, NULL, NULL, NULL };
	if (ck_streq(o.dry_run, "server")) {
		p[2] = "dryRun";
		p[3] = "All";
	}
	memcpy(params, p, sizeof(p));
}

static int patch_live(struct ck_client *c, const struct ck_kubectl_info *info,
		      json_object *modified, json_object *current, bool *ret_changed,
		      struct ck_client_error *err, char **ret_msg)
{
	json_object *patch = NULL;
	bool strategic = false;
	int r = ck_kubectl_apply_patch(modified, current, &patch, &strategic, ret_msg);
	if (r < 0)
		return r;
	*ret_changed = json_object_object_length(patch) > 0;
	if (*ret_changed) {
		struct ck_buf b = CK_BUF_INIT;
		ck_json_write(&b, patch);
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		const char *params[WRITE_PARAMS_LEN];
		write_params(params);
		struct ck_client_request req = {
			.verb = "PATCH",
			.group = gvr.group,
			.version = gvr.version,
			.resource = gvr.resource,
			.namespace = info->namespace,
			.name = info->name,
			.params = params,
			.raw_body = ck_buf_str(&b),
			.raw_body_len = b.len,
			.content_type =
			    ck_patch_content_type(strategic ? CK_PATCH_STRATEGIC : CK_PATCH_MERGE),
		};
		r = ck_client_do(c, &req, NULL, err);
		ck_buf_release(&b);
	}
	json_object_put(patch);
	return r;
}

static int apply_one(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	if (!info->name || !info->name[0])
		return ck_kubectl_fail(k,
				       "error when retrieving current configuration of:\nResource: "
				       "\"%s\", GroupVersionKind: \"%s\"\nfrom server for: \"%s\": "
				       "resource name may not be empty",
				       info->res.resource, info->res.kind, info->source);
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	json_object *modified = ck_kubectl_with_last_applied(info->object);
	if (info->namespace)
		ck_obj_set_meta_str(modified, "namespace", info->namespace);
	struct ck_client_error err;
	ck_client_error_init(&err);
	const char *verb = NULL;
	int status = 0;
	for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES && !verb && status == 0; attempt++) {
		json_object *current = NULL;
		int r = ck_client_get(c, &gvr, info->namespace, info->name, &current, &err);
		if (r == -ENOENT) {
			const char *params[WRITE_PARAMS_LEN];
			write_params(params);
			struct ck_client_request req = {
				.verb = "POST",
				.group = gvr.group,
				.version = gvr.version,
				.resource = gvr.resource,
				.namespace = info->namespace,
				.params = params,
				.body = modified,
			};
			r = ck_client_do(c, &req, NULL, &err);
			if (r == 0)
				verb = "created";
			else if (r != -EEXIST)
				status = 1;
			continue;
		}
		if (r < 0) {
			status = 1;
			break;
		}
		bool changed = false;
		char *msg = NULL;
		r = patch_live(c, info, modified, current, &changed, &err, &msg);
		json_object_put(current);
		if (msg) {
			status = ck_kubectl_fail(k, "%s", msg);
			free(msg);
			break;
		}
		if (r == 0)
			verb = changed ? "configured" : "unchanged";
		else if (r != -ESTALE)
			status = 1;
	}
	if (status && err.message[0]) {
		if (err.status)
			fprintf(k->err,
				"Error from server (%s): error when applying patch to \"%s\": %s\n",
				ck_status_reason(err.status), info->source,
				ck_status_message(err.status));
		else
			ck_kubectl_print_error(k, &err);
	}
	if (verb) {
		char v[64];
		snprintf(v, sizeof(v), "%s%s", verb,
			 ck_streq(o.dry_run, "server") ? " (server dry run)" : "");
		ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, v,
					 ck_streq(o.output, "name"));
	}
	json_object_put(modified);
	ck_client_error_release(&err);
	return status;
}

static int run_apply(struct ck_kubectl *k, int argc, char **argv)
{
	if (o.files.n == 0)
		return ck_kubectl_fail(k, "must specify one of -f and -k");
	if (argc > 0)
		return ck_kubectl_fail(k, "Unexpected args: [%s]", argv[0]);
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .files = &o.files, .recursive = o.recursive };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	int status = 0;
	for (size_t i = 0; i < infos.n; i++)
		status |= apply_one(k, c, &infos.v[i]);
	ck_kubectl_infos_release(&infos);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_apply = {
	.name = "apply",
	.summary = "Apply a configuration to a resource by file name or stdin",
	.flags = apply_flags,
	.shorthands = apply_shorthands,
	.run = run_apply,
};
