/*
 * Node maintenance: kubectl cordon, uncordon (spec.unschedulable) and
 * taint (spec.taints: key[=value]:Effect adds, key[:Effect]- removes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

static struct {
	const char *selector;
	bool overwrite;
	bool all;
} o;

static const struct ck_flag node_flags[] = {
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "overwrite", CK_FLAG_BOOL, &o.overwrite, "Allow taints to be overwritten" },
	{ "all", CK_FLAG_BOOL, &o.all, "Select all nodes in the cluster" },
	{ 0 },
};
static const struct ck_flag_shorthand node_shorthands[] = { { 'l', "selector" }, { 0 } };

/* The nodes named (or selected); each a live object in *ret (owned array). */
static int nodes(struct ck_kubectl *k, struct ck_client *c, int argc, char **argv,
		 json_object **ret)
{
	struct ck_gvr gvr = { "", "v1", "nodes" };
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *out = json_object_new_array();
	int status = 0;
	if (argc == 0) {
		json_object *list = NULL;
		struct ck_client_list_options lo = { .label_selector = o.selector };
		if (ck_client_list(c, &gvr, NULL, &lo, &list, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
		} else {
			json_object *items = json_object_object_get(list, "items");
			for (size_t i = 0; items && i < json_object_array_length(items); i++)
				json_object_array_add(
				    out, json_object_get(json_object_array_get_idx(items, i)));
		}
		json_object_put(list);
	}
	for (int i = 0; i < argc; i++) {
		const char *name = argv[i];
		if (strncmp(name, "node/", 5) == 0 || strncmp(name, "nodes/", 6) == 0)
			name = strchr(name, '/') + 1;
		json_object *n = NULL;
		if (ck_client_get(c, &gvr, NULL, name, &n, &err) < 0)
			status = ck_kubectl_print_error(k, &err);
		else
			json_object_array_add(out, n);
	}
	ck_client_error_release(&err);
	*ret = out;
	return status;
}

static int patch_node(struct ck_kubectl *k, struct ck_client *c, const char *name,
		      json_object *patch)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_json_write(&b, patch);
	struct ck_client_error err;
	ck_client_error_init(&err);
	int status = 0;
	if (ck_client_patch(c, &(struct ck_gvr){ "", "v1", "nodes" }, NULL, name, CK_PATCH_MERGE,
			    ck_buf_str(&b), NULL, NULL, &err) < 0)
		status = ck_kubectl_print_error(k, &err);
	ck_client_error_release(&err);
	ck_buf_release(&b);
	return status;
}

static int cordon(struct ck_kubectl *k, int argc, char **argv, bool on)
{
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	if (argc == 0 && !o.selector)
		return ck_kubectl_fail(k, "resource(s) were provided, but no name was specified");
	json_object *list;
	int status = nodes(k, c, argc, argv, &list);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *n = json_object_array_get_idx(list, i);
		json_object *u = ck_obj_path(n, "spec.unschedulable");
		bool now = u && json_object_get_boolean(u);
		const char *name = ck_obj_name(n);
		if (now == on) {
			fprintf(k->out, "node/%s already %s\n", name,
				on ? "cordoned" : "uncordoned");
			continue;
		}
		json_object *patch = json_tokener_parse(on ? "{\"spec\":{\"unschedulable\":true}}"
							   : "{\"spec\":{\"unschedulable\":null}}");
		int r = patch_node(k, c, name, patch);
		json_object_put(patch);
		if (r == 0)
			fprintf(k->out, "node/%s %s\n", name, on ? "cordoned" : "uncordoned");
		status |= r;
	}
	json_object_put(list);
	return status;
}

static int run_cordon(struct ck_kubectl *k, int argc, char **argv)
{
	return cordon(k, argc, argv, true);
}

static int run_uncordon(struct ck_kubectl *k, int argc, char **argv)
{
	return cordon(k, argc, argv, false);
}

static bool valid_effect(const char *e)
{
	return strcmp(e, "NoSchedule") == 0 || strcmp(e, "PreferNoSchedule") == 0 ||
	       strcmp(e, "NoExecute") == 0;
}

/* Applies one taint spec to taints (an array, changed in place); *ret_changed. */
static int apply_spec(struct ck_kubectl *k, const char *node, json_object *taints, const char *spec,
		      bool *ret_changed, bool *ret_modified)
{
	size_t n = strlen(spec);
	bool remove = n > 0 && spec[n - 1] == '-';
	char *s = ck_strndup(spec, remove ? n - 1 : n);
	char *colon = strrchr(s, ':');
	const char *effect = NULL;
	if (colon) {
		*colon = '\0';
		effect = colon + 1;
	}
	char *eq = strchr(s, '=');
	const char *value = NULL;
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	int status = 0;
	if ((!remove && (!effect || !valid_effect(effect))) ||
	    (effect && effect[0] && !valid_effect(effect)) || !s[0]) {
		status = ck_kubectl_fail(k, "invalid taint spec: %s", spec);
		free(s);
		return status;
	}
	if (remove) {
		bool found = false;
		for (size_t i = json_object_array_length(taints); i-- > 0;) {
			json_object *t = json_object_array_get_idx(taints, i);
			if (ck_streq(ck_obj_path_str(t, "key"), s) &&
			    (!effect || ck_streq(ck_obj_path_str(t, "effect"), effect))) {
				json_object_array_del_idx(taints, i, 1);
				found = true;
			}
		}
		if (!found)
			status = ck_kubectl_fail(k, "taint \"%.*s\" not found", (int)(n - 1), spec);
		*ret_changed |= found;
		free(s);
		return status;
	}
	for (size_t i = 0; i < json_object_array_length(taints); i++) {
		json_object *t = json_object_array_get_idx(taints, i);
		if (ck_streq(ck_obj_path_str(t, "key"), s) &&
		    ck_streq(ck_obj_path_str(t, "effect"), effect)) {
			if (!o.overwrite) {
				status =
				    ck_kubectl_fail(k,
						    "node %s already has %s taint(s) with same "
						    "effect(s) and --overwrite is false",
						    node, s);
				free(s);
				return status;
			}
			json_object_array_del_idx(taints, i, 1);
			*ret_modified = true;
			break;
		}
	}
	json_object *t = json_object_new_object();
	json_object_object_add(t, "key", json_object_new_string(s));
	if (value && value[0])
		json_object_object_add(t, "value", json_object_new_string(value));
	json_object_object_add(t, "effect", json_object_new_string(effect));
	json_object_array_add(taints, t);
	*ret_changed = true;
	free(s);
	return 0;
}

static int run_taint(struct ck_kubectl *k, int argc, char **argv)
{
	/* taint nodes|node|no NAME... SPEC... */
	if (argc < 2 || !(strcmp(argv[0], "nodes") == 0 || strcmp(argv[0], "node") == 0 ||
			  strcmp(argv[0], "no") == 0 || strchr(argv[0], '/')))
		return ck_kubectl_fail(k, "at least one taint update is required");
	int first = strchr(argv[0], '/') ? 0 : 1;
	int nnames = 0, nspecs = 0;
	for (int i = first; i < argc; i++) {
		if (strchr(argv[i], ':') || strchr(argv[i], '=') ||
		    argv[i][strlen(argv[i]) - 1] == '-')
			nspecs++;
		else if (nspecs == 0)
			nnames++;
	}
	if (nspecs == 0)
		return ck_kubectl_fail(k, "at least one taint update is required");
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	json_object *list;
	int status = nodes(k, c, nnames, argv + first, &list);
	for (size_t i = 0; i < json_object_array_length(list) && status == 0; i++) {
		json_object *n = json_object_array_get_idx(list, i);
		const char *name = ck_obj_name(n);
		json_object *taints = ck_obj_copy(ck_obj_path(n, "spec.taints"));
		if (!taints)
			taints = json_object_new_array();
		bool changed = false, removed_only = true, modified = false;
		for (int s = first + nnames; s < argc && status == 0; s++) {
			status = apply_spec(k, name, taints, argv[s], &changed, &modified);
			removed_only &= argv[s][strlen(argv[s]) - 1] == '-';
		}
		if (status == 0 && changed) {
			json_object *patch = json_object_new_object(),
				    *spec = json_object_new_object();
			json_object_object_add(spec, "taints", json_object_get(taints));
			json_object_object_add(patch, "spec", spec);
			status = patch_node(k, c, name, patch);
			json_object_put(patch);
			if (status == 0)
				fprintf(k->out, "node/%s %s\n", name,
					modified       ? "modified"
					: removed_only ? "untainted"
						       : "tainted");
		}
		json_object_put(taints);
	}
	json_object_put(list);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_cordon = {
	.name = "cordon",
	.summary = "Mark node as unschedulable",
	.flags = node_flags,
	.shorthands = node_shorthands,
	.run = run_cordon,
};

const struct ck_kubectl_command ck_kubectl_cmd_uncordon = {
	.name = "uncordon",
	.summary = "Mark node as schedulable",
	.flags = node_flags,
	.shorthands = node_shorthands,
	.run = run_uncordon,
};

const struct ck_kubectl_command ck_kubectl_cmd_taint = {
	.name = "taint",
	.summary = "Update the taints on one or more nodes",
	.flags = node_flags,
	.shorthands = node_shorthands,
	.run = run_taint,
};
