/*
 * kubectl config view | current-context | get-contexts | use-context |
 * set-context: the merged kubeconfig, and changes written back to the file
 * that defines the entry (clientcmd's ModifyConfig).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

static struct {
	bool raw;
	bool minify;
	bool current;
	const char *output;
	const char *cluster;
	const char *user;
	const char *namespace;
	bool no_headers;
} o;

/* --cluster, --user and --namespace are global flags too: set-context reads those. */
static const struct ck_flag config_flags[] = {
	{ "raw", CK_FLAG_BOOL, &o.raw, "Display raw byte data and sensitive data" },
	{ "minify", CK_FLAG_BOOL, &o.minify, "Remove all information not used by current-context" },
	{ "current", CK_FLAG_BOOL, &o.current, "Modify the current context" },
	{ "output", CK_FLAG_STRING, &o.output, "yaml, json (view) or name (get-contexts)" },
	{ "no-headers", CK_FLAG_BOOL, &o.no_headers, "Don't print headers" },
	{ 0 },
};
static const struct ck_flag_shorthand config_shorthands[] = { { 'o', "output" }, { 0 } };

static void redact(json_object *entries, const char *inner, const char *const *fields,
		   const char *with)
{
	for (size_t i = 0; entries && i < json_object_array_length(entries); i++) {
		json_object *in =
		    json_object_object_get(json_object_array_get_idx(entries, i), inner);
		for (const char *const *f = fields; in && *f; f++)
			if (json_object_object_get(in, *f))
				json_object_object_add(in, *f, json_object_new_string(with));
	}
}

/* Keeps only the entries named by the current context. */
static void minify(json_object *cfg)
{
	const char *cur = ck_obj_path_str(cfg, "current-context");
	json_object *ctxs = json_object_object_get(cfg, "contexts");
	json_object *keep_ctx = NULL;
	for (size_t i = 0; ctxs && i < json_object_array_length(ctxs); i++)
		if (ck_streq(ck_obj_path_str(json_object_array_get_idx(ctxs, i), "name"), cur))
			keep_ctx = json_object_array_get_idx(ctxs, i);
	const char *names[3] = { cur, ck_obj_path_str(keep_ctx, "context.cluster"),
				 ck_obj_path_str(keep_ctx, "context.user") };
	const char *sections[3] = { "contexts", "clusters", "users" };
	for (int s = 0; s < 3; s++) {
		json_object *arr = json_object_object_get(cfg, sections[s]);
		json_object *kept = json_object_new_array();
		for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
			json_object *e = json_object_array_get_idx(arr, i);
			if (ck_streq(ck_obj_path_str(e, "name"), names[s]))
				json_object_array_add(kept, json_object_get(e));
		}
		json_object_object_add(cfg, sections[s], kept);
	}
}

static int view(struct ck_kubectl *k, struct ck_kubeconfig *kc)
{
	json_object *cfg = ck_obj_copy(ck_kubeconfig_merged(kc));
	if (o.minify) {
		if (!ck_obj_path_str(cfg, "current-context") ||
		    !ck_obj_path_str(cfg, "current-context")[0]) {
			json_object_put(cfg);
			return ck_kubectl_fail(k, "current-context must exist in order to minify");
		}
		minify(cfg);
	}
	if (!o.raw) {
		static const char *const cluster_data[] = { "certificate-authority-data", NULL };
		static const char *const user_data[] = { "client-certificate-data",
							 "client-key-data", NULL };
		static const char *const user_secret[] = { "token", "password", NULL };
		redact(json_object_object_get(cfg, "clusters"), "cluster", cluster_data,
		       "DATA+OMITTED");
		redact(json_object_object_get(cfg, "users"), "user", user_data, "DATA+OMITTED");
		redact(json_object_object_get(cfg, "users"), "user", user_secret, "REDACTED");
	}
	struct ck_kubectl_printer p;
	int status = 1;
	if (ck_kubectl_printer_parse(k, o.output ? o.output : "yaml", &p) == 0) {
		json_object *one = json_object_new_array();
		json_object_array_add(one, json_object_get(cfg));
		status = ck_kubectl_print_objects(k, &p, one, true);
		json_object_put(one);
	}
	json_object_put(cfg);
	return status;
}

static int get_contexts(struct ck_kubectl *k, struct ck_kubeconfig *kc, int argc, char **argv)
{
	json_object *cfg = ck_kubeconfig_merged(kc);
	json_object *ctxs = json_object_object_get(cfg, "contexts");
	const char *cur = ck_kubeconfig_current_context(kc);
	bool names = ck_streq(o.output, "name");
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	if (!names && !o.no_headers)
		ck_tabwriter_printf(&w, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
	int status = 0;
	for (size_t i = 0; ctxs && i < json_object_array_length(ctxs); i++) {
		json_object *e = json_object_array_get_idx(ctxs, i);
		const char *name = ck_obj_path_str(e, "name");
		bool wanted = argc == 0;
		for (int a = 0; a < argc; a++)
			wanted |= ck_streq(argv[a], name);
		if (!wanted)
			continue;
		const char *cl = ck_obj_path_str(e, "context.cluster");
		const char *us = ck_obj_path_str(e, "context.user");
		const char *ns = ck_obj_path_str(e, "context.namespace");
		if (names)
			ck_tabwriter_printf(&w, "%s\n", name);
		else
			ck_tabwriter_printf(&w, "%s\t%s\t%s\t%s\t%s\n",
					    ck_streq(name, cur) ? "*" : "", name, cl ? cl : "",
					    us ? us : "", ns ? ns : "");
	}
	ck_tabwriter_flush(&w, k->out, NULL);
	ck_tabwriter_release(&w);
	fflush(k->out);
	for (int a = 0; a < argc; a++)
		if (!ck_kubeconfig_context(kc, argv[a])) {
			fprintf(k->err, "error: context %s not found\n", argv[a]);
			status = 1;
		}
	return status;
}

/* The file a change to (section, name) goes to, its content as a writable copy (owned). */
static const char *target(struct ck_kubeconfig *kc, const char *section, const char *name,
			  json_object **ret)
{
	const char *file = ck_kubeconfig_origin(kc, section, name);
	if (!file)
		file = ck_kubeconfig_default_filename(kc);
	json_object *content = NULL;
	for (size_t i = 0; file && i < ck_kubeconfig_nfiles(kc); i++)
		if (ck_streq(ck_kubeconfig_file(kc, i), file))
			content = ck_obj_copy(ck_kubeconfig_file_json(kc, i));
	if (!content) {
		content = json_object_new_object();
		json_object_object_add(content, "apiVersion", json_object_new_string("v1"));
		json_object_object_add(content, "kind", json_object_new_string("Config"));
	}
	*ret = content;
	return file;
}

static int write_config(struct ck_kubectl *k, const char *file, json_object *content)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_yaml_encode(content, &b);
	FILE *f = file ? fopen(file, "w") : NULL;
	int r = 0;
	if (!f || fwrite(ck_buf_str(&b), 1, b.len, f) != b.len)
		r = ck_kubectl_fail(k, "unable to write %s", file ? file : "the kubeconfig");
	if (f && fclose(f) != 0 && r == 0)
		r = ck_kubectl_fail(k, "unable to write %s", file);
	ck_buf_release(&b);
	return r;
}

static int use_context(struct ck_kubectl *k, struct ck_kubeconfig *kc, const char *name)
{
	if (!ck_kubeconfig_context(kc, name))
		return ck_kubectl_fail(k, "no context exists with the name: \"%s\"", name);
	json_object *content;
	const char *file = target(kc, "current-context", NULL, &content);
	json_object_object_add(content, "current-context", json_object_new_string(name));
	int r = write_config(k, file, content);
	json_object_put(content);
	if (r == 0)
		fprintf(k->out, "Switched to context \"%s\".\n", name);
	return r;
}

static int set_context(struct ck_kubectl *k, struct ck_kubeconfig *kc, const char *name)
{
	json_object *content;
	const char *file = target(kc, "contexts", name, &content);
	json_object *ctxs = json_object_object_get(content, "contexts");
	if (!ctxs || !json_object_is_type(ctxs, json_type_array)) {
		ctxs = json_object_new_array();
		json_object_object_add(content, "contexts", ctxs);
	}
	json_object *entry = NULL;
	for (size_t i = 0; i < json_object_array_length(ctxs); i++)
		if (ck_streq(ck_obj_path_str(json_object_array_get_idx(ctxs, i), "name"), name))
			entry = json_object_array_get_idx(ctxs, i);
	bool created = !entry;
	if (!entry) {
		entry = json_object_new_object();
		json_object_object_add(entry, "name", json_object_new_string(name));
		json_object_object_add(entry, "context", json_object_new_object());
		json_object_array_add(ctxs, entry);
	}
	json_object *ctx = json_object_object_get(entry, "context");
	if (!ctx) {
		ctx = json_object_new_object();
		json_object_object_add(entry, "context", ctx);
	}
	if (k->opts.cluster)
		json_object_object_add(ctx, "cluster", json_object_new_string(k->opts.cluster));
	if (k->opts.user)
		json_object_object_add(ctx, "user", json_object_new_string(k->opts.user));
	if (k->opts.namespace)
		json_object_object_add(ctx, "namespace", json_object_new_string(k->opts.namespace));
	int r = write_config(k, file, content);
	json_object_put(content);
	if (r == 0)
		fprintf(k->out, "Context \"%s\" %s.\n", name, created ? "created" : "modified");
	return r;
}

static int run_config(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc == 0)
		return ck_kubectl_fail(k, "config needs a subcommand: view, current-context, "
					  "get-contexts, use-context, set-context");
	struct ck_kubeconfig *kc;
	if (ck_kubectl_kubeconfig(k, &kc) < 0)
		return 1;
	const char *sub = argv[0];
	if (strcmp(sub, "view") == 0)
		return view(k, kc);
	if (strcmp(sub, "current-context") == 0) {
		const char *cur = ck_kubeconfig_current_context(kc);
		if (!cur[0])
			return ck_kubectl_fail(k, "current-context is not set");
		fprintf(k->out, "%s\n", cur);
		return 0;
	}
	if (strcmp(sub, "get-contexts") == 0)
		return get_contexts(k, kc, argc - 1, argv + 1);
	if (strcmp(sub, "use-context") == 0 || strcmp(sub, "use") == 0) {
		if (argc != 2)
			return ck_kubectl_fail(k, "Unexpected args: need exactly one context name");
		return use_context(k, kc, argv[1]);
	}
	if (strcmp(sub, "set-context") == 0) {
		const char *name = argc > 1 ? argv[1] : NULL;
		if (o.current) {
			if (name)
				return ck_kubectl_fail(
				    k, "you cannot specify a name and the --current "
				       "flag at the same time");
			name = ck_kubeconfig_current_context(kc);
			if (!name[0])
				return ck_kubectl_fail(k, "no current context is set");
		}
		if (!name)
			return ck_kubectl_fail(k, "you must specify a non-empty context name or "
						  "--current");
		return set_context(k, kc, name);
	}
	return ck_kubectl_fail(k, "unknown command \"%s\" for \"kubectl config\"", sub);
}

const struct ck_kubectl_command ck_kubectl_cmd_config = {
	.name = "config",
	.summary = "Modify kubeconfig files",
	.flags = config_flags,
	.shorthands = config_shorthands,
	.run = run_config,
};
