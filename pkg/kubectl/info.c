/*
 * What the server is: kubectl version, api-resources, api-versions,
 * cluster-info (discovery only, and /version).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

#define CLIENT_GIT_VERSION "v1.30.0-ckube"

/* ---- version ------------------------------------------------------------------------ */

static struct {
	bool client;
	const char *output;
} vo;

static const struct ck_flag version_flags[] = {
	{ "client", CK_FLAG_BOOL, &vo.client, "If true, shows client version only" },
	{ "output", CK_FLAG_STRING, &vo.output, "One of 'yaml' or 'json'" },
	{ 0 },
};
static const struct ck_flag_shorthand version_shorthands[] = { { 'o', "output" }, { 0 } };

static json_object *client_version(void)
{
	json_object *v = json_object_new_object();
	json_object_object_add(v, "major", json_object_new_string("1"));
	json_object_object_add(v, "minor", json_object_new_string("30"));
	json_object_object_add(v, "gitVersion", json_object_new_string(CLIENT_GIT_VERSION));
	json_object_object_add(v, "goVersion", json_object_new_string(""));
	json_object_object_add(v, "compiler", json_object_new_string("gcc"));
	json_object_object_add(v, "platform", json_object_new_string("linux/amd64"));
	return v;
}

static int run_version(struct ck_kubectl *k, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return ck_kubectl_fail(k, "unexpected arguments: %s", argv[0]);
	if (vo.output && strcmp(vo.output, "json") != 0 && strcmp(vo.output, "yaml") != 0)
		return ck_kubectl_fail(k, "--output must be 'yaml' or 'json'");
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "clientVersion", client_version());
	int status = 0;
	if (!vo.client) {
		struct ck_client *c;
		if (ck_kubectl_client(k, &c) < 0) {
			json_object_put(doc);
			return 1;
		}
		struct ck_client_error err;
		ck_client_error_init(&err);
		json_object *sv = NULL;
		struct ck_client_request req = { .path = "/version" };
		if (ck_client_do(c, &req, &sv, &err) < 0)
			status = 1;
		else
			json_object_object_add(doc, "serverVersion", sv);
		if (status && !vo.output) {
			fprintf(k->out, "Client Version: %s\n", CLIENT_GIT_VERSION);
			ck_kubectl_print_error(k, &err);
			ck_client_error_release(&err);
			json_object_put(doc);
			return 1;
		}
		ck_client_error_release(&err);
	}
	struct ck_buf b = CK_BUF_INIT;
	if (vo.output && strcmp(vo.output, "json") == 0) {
		ck_json_write_go(&b, doc, "  ");
		ck_buf_addc(&b, '\n');
	} else if (vo.output) {
		ck_yaml_encode(doc, &b);
	} else {
		ck_buf_addf(&b, "Client Version: %s\n", CLIENT_GIT_VERSION);
		const char *sv = ck_obj_path_str(doc, "serverVersion.gitVersion");
		if (sv)
			ck_buf_addf(&b, "Server Version: %s\n", sv);
	}
	fwrite(ck_buf_str(&b), 1, b.len, k->out);
	ck_buf_release(&b);
	json_object_put(doc);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_version = {
	.name = "version",
	.summary = "Print the client and server version information",
	.flags = version_flags,
	.shorthands = version_shorthands,
	.run = run_version,
};

/* ---- api-resources ---------------------------------------------------------------------- */

static struct {
	const char *output;
	const char *namespaced;
	const char *api_group;
	bool no_headers;
} ro;

static const struct ck_flag resources_flags[] = {
	{ "output", CK_FLAG_STRING, &ro.output, "Output format: wide or name" },
	{ "namespaced", CK_FLAG_STRING, &ro.namespaced,
	  "If false, non-namespaced resources will be returned" },
	{ "api-group", CK_FLAG_STRING, &ro.api_group,
	  "Limit to resources in the specified API group" },
	{ "no-headers", CK_FLAG_BOOL, &ro.no_headers,
	  "When using the default or custom-column output "
	  "format, don't print headers" },
	{ 0 },
};
static const struct ck_flag_shorthand resources_shorthands[] = { { 'o', "output" }, { 0 } };

static int cmp_resources(const void *pa, const void *pb)
{
	const struct ck_api_resource *a = *(const struct ck_api_resource *const *)pa;
	const struct ck_api_resource *b = *(const struct ck_api_resource *const *)pb;
	int c = strcmp(a->group, b->group);
	return c ? c : strcmp(a->resource, b->resource);
}

static void join(struct ck_buf *b, char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		ck_buf_addf(b, "%s%s", i ? "," : "", v[i]);
}

static int run_api_resources(struct ck_kubectl *k, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return ck_kubectl_fail(k, "unexpected arguments: %s", argv[0]);
	bool wide = ck_streq(ro.output, "wide"), name = ck_streq(ro.output, "name");
	if (ro.output && !wide && !name)
		return ck_kubectl_fail(k, "--output wide or name is supported");
	bool ns_filter = false, ns_want = false;
	if (ro.namespaced) {
		if (ck_str_to_bool(ro.namespaced, &ns_want) < 0)
			return ck_kubectl_fail(
			    k, "invalid argument \"%s\" for \"--namespaced\" flag", ro.namespaced);
		ns_filter = true;
	}
	struct ck_api_resource_list *l;
	if (ck_kubectl_resources(k, &l) < 0)
		return 1;
	const struct ck_api_resource **sel = ck_calloc(l->n + 1, sizeof(*sel));
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct ck_api_resource *r = &l->items[i];
		if (!r->preferred || (ns_filter && r->namespaced != ns_want) ||
		    (ro.api_group && strcmp(ro.api_group, r->group) != 0))
			continue;
		sel[n++] = r;
	}
	qsort(sel, n, sizeof(*sel), cmp_resources);
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	if (!name && !ro.no_headers)
		ck_tabwriter_printf(&w, "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND%s\n",
				    wide ? "\tVERBS\tCATEGORIES" : "");
	for (size_t i = 0; i < n; i++) {
		const struct ck_api_resource *r = sel[i];
		if (name) {
			ck_tabwriter_printf(&w, "%s%s%s\n", r->resource, r->group[0] ? "." : "",
					    r->group);
			continue;
		}
		struct ck_buf shorts = CK_BUF_INIT, verbs = CK_BUF_INIT, cats = CK_BUF_INIT;
		join(&shorts, r->short_names);
		ck_tabwriter_printf(&w, "%s\t%s\t%s%s%s\t%s\t%s", r->resource, ck_buf_str(&shorts),
				    r->group, r->group[0] ? "/" : "", r->version,
				    r->namespaced ? "true" : "false", r->kind);
		if (wide) {
			join(&verbs, r->verbs);
			join(&cats, r->categories);
			ck_tabwriter_printf(&w, "\t%s\t%s", ck_buf_str(&verbs), ck_buf_str(&cats));
		}
		ck_tabwriter_printf(&w, "\n");
		ck_buf_release(&shorts);
		ck_buf_release(&verbs);
		ck_buf_release(&cats);
	}
	ck_tabwriter_flush(&w, k->out, NULL);
	ck_tabwriter_release(&w);
	free(sel);
	ck_api_resource_list_free(l);
	return 0;
}

const struct ck_kubectl_command ck_kubectl_cmd_api_resources = {
	.name = "api-resources",
	.summary = "Print the supported API resources on the server",
	.flags = resources_flags,
	.shorthands = resources_shorthands,
	.run = run_api_resources,
};

/* ---- api-versions ----------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_api_versions(struct ck_kubectl *k, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return ck_kubectl_fail(k, "unexpected arguments: %s", argv[0]);
	struct ck_api_resource_list *l;
	if (ck_kubectl_resources(k, &l) < 0)
		return 1;
	size_t n = ck_strv_len(l->group_versions);
	qsort(l->group_versions, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++)
		fprintf(k->out, "%s\n", l->group_versions[i]);
	ck_api_resource_list_free(l);
	return 0;
}

const struct ck_kubectl_command ck_kubectl_cmd_api_versions = {
	.name = "api-versions",
	.summary =
	    "Print the supported API versions on the server, in the form of \"group/version\"",
	.run = run_api_versions,
};

/* ---- cluster-info ----------------------------------------------------------------------- */

static int run_cluster_info(struct ck_kubectl *k, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return ck_kubectl_fail(k, "unexpected arguments: %s", argv[0]);
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *svcs = NULL;
	struct ck_client_list_options lo = { .label_selector =
						 "kubernetes.io/cluster-service=true" };
	int r = ck_client_list(c, &(struct ck_gvr){ "", "v1", "services" }, "kube-system", &lo,
			       &svcs, &err);
	if (r < 0) {
		int status = ck_kubectl_print_error(k, &err);
		ck_client_error_release(&err);
		return status;
	}
	const char *host = ck_client_get_config(c)->host;
	/* kubectl 1.32 colours the names and addresses only on a terminal */
	bool tty = isatty(fileno(k->out));
	const char *green = tty ? "\033[0;32m" : "", *yellow = tty ? "\033[0;33m" : "",
		   *reset = tty ? "\033[0m" : "";
	fprintf(k->out, "%sKubernetes control plane%s is running at %s%s%s\n", green, reset, yellow,
		host, reset);
	json_object *items = json_object_object_get(svcs, "items");
	for (size_t i = 0; items && i < json_object_array_length(items); i++) {
		json_object *s = json_object_array_get_idx(items, i);
		const char *name = ck_obj_name(s);
		json_object *labels = ck_obj_labels(s);
		json_object *pretty =
		    labels ? json_object_object_get(labels, "kubernetes.io/name") : NULL;
		fprintf(
		    k->out,
		    "%s%s%s is running at %s%s/api/v1/namespaces/kube-system/services/%s/proxy%s\n",
		    green, pretty ? json_object_get_string(pretty) : name, reset, yellow, host,
		    name, reset);
	}
	fprintf(k->out, "\nTo further debug and diagnose cluster problems, use 'kubectl "
			"cluster-info dump'.\n");
	json_object_put(svcs);
	ck_client_error_release(&err);
	return 0;
}

const struct ck_kubectl_command ck_kubectl_cmd_cluster_info = {
	.name = "cluster-info",
	.summary = "Display cluster information",
	.run = run_cluster_info,
};
