/*
 * kubectl delete: by name, -f, -l or --all; --grace-period, --cascade,
 * --wait (until the object with that uid is gone), --ignore-not-found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"
#include "util/time.h"

static struct {
	struct ck_flag_strings files;
	const char *selector;
	const char *field_selector;
	const char *cascade;
	const char *timeout;
	int grace_period;
	bool all;
	bool all_namespaces;
	bool wait;
	bool ignore_not_found;
	bool recursive;
	bool now;
	bool force;
	const char *output;
} o = { .grace_period = -1, .wait = true };

static const struct ck_flag delete_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files containing the resources to delete" },
	{ "recursive", CK_FLAG_BOOL, &o.recursive, "Process the directory used in -f recursively" },
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "field-selector", CK_FLAG_STRING, &o.field_selector,
	  "Selector (field query) to filter on" },
	{ "all", CK_FLAG_BOOL, &o.all, "Delete all resources of the given types in the namespace" },
	{ "all-namespaces", CK_FLAG_BOOL, &o.all_namespaces, "Across all namespaces" },
	{ "cascade", CK_FLAG_STRING, &o.cascade, "background, foreground or orphan" },
	{ "grace-period", CK_FLAG_INT, &o.grace_period,
	  "Seconds given to the resource to terminate gracefully (-1: the resource's default)" },
	{ "now", CK_FLAG_BOOL, &o.now, "Same as --grace-period=1" },
	{ "force", CK_FLAG_BOOL, &o.force, "Delete immediately (with --grace-period=0)" },
	{ "wait", CK_FLAG_BOOL, &o.wait, "Wait for resources to be gone before returning" },
	{ "timeout", CK_FLAG_STRING, &o.timeout, "The length of time to wait before giving up" },
	{ "ignore-not-found", CK_FLAG_BOOL, &o.ignore_not_found,
	  "Treat \"resource not found\" as a successful delete" },
	{ "output", CK_FLAG_STRING, &o.output, "name: print only resource/name" },
	{ 0 },
};
static const struct ck_flag_shorthand delete_shorthands[] = {
	{ 'f', "filename" },	   { 'R', "recursive" }, { 'l', "selector" },
	{ 'A', "all-namespaces" }, { 'o', "output" },	 { 0 }
};

static json_object *delete_options(struct ck_kubectl *k, int *ret_status)
{
	json_object *opts = json_object_new_object();
	json_object_object_add(opts, "kind", json_object_new_string("DeleteOptions"));
	json_object_object_add(opts, "apiVersion", json_object_new_string("v1"));
	int grace = o.now ? 1 : o.grace_period;
	if (o.force && grace < 0)
		grace = 0;
	if (grace >= 0)
		json_object_object_add(opts, "gracePeriodSeconds", json_object_new_int(grace));
	if (o.cascade) {
		const char *policy =
		    strcmp(o.cascade, "background") == 0 || strcmp(o.cascade, "true") == 0
			? "Background"
		    : strcmp(o.cascade, "foreground") == 0 ? "Foreground"
		    : strcmp(o.cascade, "orphan") == 0 || strcmp(o.cascade, "false") == 0 ? "Orphan"
											  : NULL;
		if (!policy) {
			*ret_status = ck_kubectl_fail(k,
						      "invalid cascade value (%s). Must be "
						      "\"background\", \"foreground\", or "
						      "\"orphan\"",
						      o.cascade);
			json_object_put(opts);
			return NULL;
		}
		json_object_object_add(opts, "propagationPolicy", json_object_new_string(policy));
	} else {
		json_object_object_add(opts, "propagationPolicy",
				       json_object_new_string("Background"));
	}
	return opts;
}

static int delete_named(struct ck_kubectl *k, struct ck_client *c,
			const struct ck_kubectl_info *info, const char *name, json_object *opts,
			int64_t deadline_ns)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *answer = NULL;
	int status = 0;
	int r = ck_client_delete(c, &gvr, info->namespace, name, opts, &answer, &err);
	if (r < 0) {
		if (!(r == -ENOENT && o.ignore_not_found)) {
			if (info->source && err.status)
				fprintf(k->err,
					"Error from server (%s): error when deleting \"%s\": %s\n",
					ck_status_reason(err.status), info->source,
					ck_status_message(err.status));
			else
				ck_kubectl_print_error(k, &err);
			status = 1;
		}
		ck_client_error_release(&err);
		return status;
	}
	char *kind = ck_kubectl_kind_ref(info->res.group, info->res.kind);
	if (ck_streq(o.output, "name"))
		fprintf(k->out, "%s/%s\n", kind, name);
	else
		fprintf(k->out, "%s \"%s\" deleted\n", kind, name);
	fflush(k->out);
	free(kind);
	const char *uid = ck_obj_uid(answer);
	if (!uid)
		uid = ck_obj_path_str(answer, "details.uid");
	r = o.wait ? ck_kubectl_wait_gone(c, &gvr, info->namespace, name, uid, deadline_ns, &err)
		   : 0;
	if (r == -ETIMEDOUT)
		status = ck_kubectl_fail(k, "timed out waiting for the condition on %s/%s",
					 info->res.resource, name);
	else if (r < 0)
		status = ck_kubectl_print_error(k, &err);
	json_object_put(answer);
	ck_client_error_release(&err);
	return status;
}

static int run_delete(struct ck_kubectl *k, int argc, char **argv)
{
	struct ck_client *c;
	if (argc == 0 && o.files.n == 0) {
		fprintf(k->err,
			"You must provide one or more resources by argument or filename.\n"
			"Example resource specifications include:\n   '-f rsrc.yaml'\n   "
			"'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
		return 1;
	}
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	int status = 0;
	json_object *opts = delete_options(k, &status);
	if (!opts)
		return status;
	int64_t timeout_ms = 0;
	if (o.timeout && ck_parse_duration_ms(o.timeout, &timeout_ms) < 0) {
		json_object_put(opts);
		return ck_kubectl_fail(k, "invalid argument \"%s\" for \"--timeout\" flag",
				       o.timeout);
	}
	if (timeout_ms == 0)
		timeout_ms = 7LL * 24 * 3600 * 1000; /* kubectl: a week */
	int64_t deadline = ck_time_mono_ns() + timeout_ms * 1000000;
	struct ck_kubectl_builder_options bo = {
		.files = &o.files,
		.recursive = o.recursive,
		.all_namespaces = o.all_namespaces,
		.names_required = !o.all && !o.selector && !o.field_selector,
	};
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0) {
		json_object_put(opts);
		return 1;
	}
	bool any = false;
	for (size_t i = 0; i < infos.n; i++) {
		struct ck_kubectl_info *info = &infos.v[i];
		if (info->name) {
			status |= delete_named(k, c, info, info->name, opts, deadline);
			any = true;
			continue;
		}
		/* a collection: every object the selectors match, one by one */
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		struct ck_client_list_options lo = { .label_selector = o.selector,
						     .field_selector = o.field_selector };
		struct ck_client_error err;
		ck_client_error_init(&err);
		json_object *list = NULL;
		if (ck_client_list(c, &gvr, info->namespace, &lo, &list, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
			ck_client_error_release(&err);
			continue;
		}
		json_object *items = json_object_object_get(list, "items");
		for (size_t j = 0; items && j < json_object_array_length(items); j++) {
			json_object *it = json_object_array_get_idx(items, j);
			struct ck_kubectl_info one = *info;
			const char *ns = ck_obj_namespace(it);
			one.namespace = ns ? (char *)ns : info->namespace;
			status |= delete_named(k, c, &one, ck_obj_name(it), opts, deadline);
			any = true;
		}
		json_object_put(list);
		ck_client_error_release(&err);
	}
	if (!any && status == 0) {
		if (infos.n > 0 && infos.v[0].namespace)
			fprintf(k->err, "No resources found in %s namespace.\n",
				infos.v[0].namespace);
		else
			fprintf(k->err, "No resources found\n");
	}
	ck_kubectl_infos_release(&infos);
	json_object_put(opts);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_delete = {
	.name = "delete",
	.summary = "Delete resources by file names, stdin, resources and names, or by resources "
		   "and label selector",
	.flags = delete_flags,
	.shorthands = delete_shorthands,
	.run = run_delete,
};
