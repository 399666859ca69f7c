/*
 * kubectl auth can-i (a SelfSubjectAccessReview) and auth whoami (a
 * SelfSubjectReview).
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
	bool all_namespaces;
	bool quiet;
	const char *subresource;
	const char *output;
} o;

static const struct ck_flag auth_flags[] = {
	{ "all-namespaces", CK_FLAG_BOOL, &o.all_namespaces, "If true, check in all namespaces" },
	{ "quiet", CK_FLAG_BOOL, &o.quiet,
	  "If true, suppress output and just return the exit code" },
	{ "subresource", CK_FLAG_STRING, &o.subresource, "SubResource such as pod/log" },
	{ "output", CK_FLAG_STRING, &o.output, "json or yaml (whoami)" },
	{ 0 },
};
static const struct ck_flag_shorthand auth_shorthands[] = {
	{ 'A', "all-namespaces" }, { 'q', "quiet" }, { 'o', "output" }, { 0 }
};

static json_object *post_review(struct ck_kubectl *k, const char *group, const char *resource,
				json_object *body)
{
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *answer = NULL;
	if (ck_client_create(c, &(struct ck_gvr){ group, "v1", resource }, NULL, body, &answer,
			     &err) < 0) {
		ck_kubectl_print_error(k, &err);
		answer = NULL;
	}
	ck_client_error_release(&err);
	return answer;
}

static int can_i(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return ck_kubectl_fail(k,
				       "you must specify two or three arguments: verb, resource, "
				       "and optional resourceName");
	json_object *attrs = json_object_new_object();
	json_object *spec = json_object_new_object();
	const char *what = argv[1];
	if (what[0] == '/') {
		json_object_object_add(attrs, "verb", json_object_new_string(argv[0]));
		json_object_object_add(attrs, "path", json_object_new_string(what));
		json_object_object_add(spec, "nonResourceAttributes", attrs);
	} else {
		char *type = ck_strdup(what), *name = NULL;
		char *slash = strchr(type, '/');
		if (slash) {
			*slash = '\0';
			name = slash + 1;
		}
		if (argc == 3)
			name = argv[2];
		const char *group = "", *resource = type;
		const struct ck_api_resource *res = NULL;
		struct ck_api_resource_list *l = NULL;
		if (strcmp(type, "*") != 0) {
			if (ck_kubectl_resources(k, &l) < 0) {
				free(type);
				json_object_put(attrs);
				json_object_put(spec);
				return 1;
			}
			res = ck_api_resource_list_resolve(l, type, NULL);
		}
		if (res) {
			group = res->group;
			resource = res->resource;
		} else if (strcmp(type, "*") != 0) {
			char *dot = strchr(type, '.');
			if (dot) {
				*dot = '\0';
				group = dot + 1;
				fprintf(k->err,
					"Warning: the server doesn't have a resource type '%s' in "
					"group "
					"'%s'\n\n",
					type, group);
			} else {
				fprintf(k->err,
					"Warning: the server doesn't have a resource type '%s'\n\n",
					type);
			}
		}
		const char *ns = o.all_namespaces ? "" : ck_kubectl_namespace(k);
		json_object_object_add(attrs, "namespace", json_object_new_string(ns ? ns : ""));
		json_object_object_add(attrs, "verb", json_object_new_string(argv[0]));
		json_object_object_add(attrs, "group", json_object_new_string(group));
		json_object_object_add(attrs, "resource", json_object_new_string(resource));
		if (o.subresource)
			json_object_object_add(attrs, "subresource",
					       json_object_new_string(o.subresource));
		if (name)
			json_object_object_add(attrs, "name", json_object_new_string(name));
		json_object_object_add(spec, "resourceAttributes", attrs);
		ck_api_resource_list_free(l);
		free(type);
	}
	json_object *review = json_object_new_object();
	json_object_object_add(review, "apiVersion",
			       json_object_new_string("authorization.k8s.io/v1"));
	json_object_object_add(review, "kind", json_object_new_string("SelfSubjectAccessReview"));
	json_object_object_add(review, "spec", spec);
	json_object *answer =
	    post_review(k, "authorization.k8s.io", "selfsubjectaccessreviews", review);
	json_object_put(review);
	if (!answer)
		return 1;
	json_object *allowed = ck_obj_path(answer, "status.allowed");
	bool yes = allowed && json_object_get_boolean(allowed);
	if (!o.quiet)
		fprintf(k->out, "%s\n", yes ? "yes" : "no");
	json_object_put(answer);
	return yes ? 0 : 1;
}

static int whoami(struct ck_kubectl *k)
{
	json_object *review = json_object_new_object();
	json_object_object_add(review, "apiVersion",
			       json_object_new_string("authentication.k8s.io/v1"));
	json_object_object_add(review, "kind", json_object_new_string("SelfSubjectReview"));
	json_object *answer = post_review(k, "authentication.k8s.io", "selfsubjectreviews", review);
	json_object_put(review);
	if (!answer)
		return 1;
	struct ck_buf b = CK_BUF_INIT;
	if (ck_streq(o.output, "json")) {
		ck_json_write_go(&b, answer, "    ");
		ck_buf_addc(&b, '\n');
	} else if (ck_streq(o.output, "yaml")) {
		ck_yaml_encode(answer, &b);
	} else {
		struct ck_tabwriter w;
		ck_tabwriter_init(&w);
		json_object *ui = ck_obj_path(answer, "status.userInfo");
		ck_tabwriter_printf(&w, "ATTRIBUTE\tVALUE\n");
		const char *user = ck_obj_path_str(ui, "username");
		if (user && user[0])
			ck_tabwriter_printf(&w, "Username\t%s\n", user);
		const char *uid = ck_obj_path_str(ui, "uid");
		if (uid && uid[0])
			ck_tabwriter_printf(&w, "UID\t%s\n", uid);
		json_object *groups = json_object_object_get(ui, "groups");
		if (groups && json_object_array_length(groups) > 0) {
			struct ck_buf g = CK_BUF_INIT;
			for (size_t i = 0; i < json_object_array_length(groups); i++)
				ck_buf_addf(
				    &g, "%s%s", i ? " " : "",
				    json_object_get_string(json_object_array_get_idx(groups, i)));
			ck_tabwriter_printf(&w, "Groups\t[%s]\n", ck_buf_str(&g));
			ck_buf_release(&g);
		}
		ck_tabwriter_flush(&w, NULL, &b);
		ck_tabwriter_release(&w);
	}
	fwrite(ck_buf_str(&b), 1, b.len, k->out);
	ck_buf_release(&b);
	json_object_put(answer);
	return 0;
}

static int run_auth(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "can-i") == 0)
		return can_i(k, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "whoami") == 0)
		return whoami(k);
	return ck_kubectl_fail(k, "auth needs a subcommand: can-i VERB RESOURCE [NAME], whoami");
}

const struct ck_kubectl_command ck_kubectl_cmd_auth = {
	.name = "auth",
	.summary = "Inspect authorization",
	.flags = auth_flags,
	.shorthands = auth_shorthands,
	.run = run_auth,
};
