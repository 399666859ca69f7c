/*
 * kubectl wait --for=condition=C[=value] | delete | jsonpath='{…}'=value,
 * with --timeout (default 30s). The objects are read again every 200 ms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"
#include "util/time.h"

static struct {
	const char *for_;
	const char *timeout;
	const char *selector;
	bool all;
	struct ck_flag_strings files;
} o;

static const struct ck_flag wait_flags[] = {
	{ "for", CK_FLAG_STRING, &o.for_, "condition=C[=value], delete, or jsonpath='{…}'=value" },
	{ "timeout", CK_FLAG_STRING, &o.timeout, "The length of time to wait (default 30s)" },
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "all", CK_FLAG_BOOL, &o.all, "Select all resources in the namespace" },
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files identifying the resources" },
	{ 0 },
};
static const struct ck_flag_shorthand wait_shorthands[] = { { 'l', "selector" },
							    { 'f', "filename" },
							    { 0 } };

enum wait_kind {
	WAIT_CONDITION,
	WAIT_DELETE,
	WAIT_JSONPATH,
};

struct wait_for {
	enum wait_kind kind;
	char *condition; /* or the JSONPath template */
	char *value;	 /* "True" by default for conditions */
	struct ck_jsonpath *path;
};

static bool met(const struct wait_for *w, json_object *obj)
{
	if (w->kind == WAIT_CONDITION) {
		json_object *conds = ck_obj_path(obj, "status.conditions");
		for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
			json_object *c = json_object_array_get_idx(conds, i);
			if (ck_obj_path_str(c, "type") &&
			    strcasecmp(ck_obj_path_str(c, "type"), w->condition) == 0)
				return ck_obj_path_str(c, "status") &&
				       strcasecmp(ck_obj_path_str(c, "status"), w->value) == 0;
		}
		return false;
	}
	struct ck_buf b = CK_BUF_INIT;
	bool ok = ck_jsonpath_execute(w->path, obj, true, &b, NULL) == 0 &&
		  (w->value ? strcmp(ck_buf_str(&b), w->value) == 0 : b.len > 0);
	ck_buf_release(&b);
	return ok;
}

static int parse_for(struct ck_kubectl *k, struct wait_for *w)
{
	memset(w, 0, sizeof(*w));
	if (!o.for_)
		return -ck_kubectl_fail(k, "--for must be specified");
	if (strcmp(o.for_, "delete") == 0) {
		w->kind = WAIT_DELETE;
		return 0;
	}
	if (ck_str_has_prefix(o.for_, "condition=")) {
		const char *c = o.for_ + strlen("condition=");
		const char *eq = strchr(c, '=');
		w->kind = WAIT_CONDITION;
		w->condition = eq ? ck_strndup(c, (size_t)(eq - c)) : ck_strdup(c);
		w->value = ck_strdup(eq ? eq + 1 : "True");
		return 0;
	}
	if (ck_str_has_prefix(o.for_, "jsonpath=")) {
		const char *p = o.for_ + strlen("jsonpath=");
		const char *close = strrchr(p, '}');
		w->kind = WAIT_JSONPATH;
		char *expr = close ? ck_strndup(p, (size_t)(close - p + 1)) : ck_strdup(p);
		if (close && close[1] == '=')
			w->value = ck_strdup(close + 2);
		char *relaxed = ck_jsonpath_relaxed(expr);
		char *err = NULL;
		int r = ck_jsonpath_parse(relaxed, &w->path, &err);
		free(expr);
		free(relaxed);
		if (r < 0) {
			ck_kubectl_fail(k, "unrecognized condition: \"%s\": %s", o.for_, err);
			free(err);
			return r;
		}
		return 0;
	}
	return -ck_kubectl_fail(k, "unrecognized condition: \"%s\"", o.for_);
}

static int run_wait(struct ck_kubectl *k, int argc, char **argv)
{
	struct wait_for w;
	if (parse_for(k, &w) < 0)
		return 1;
	int64_t timeout_ms = 30000;
	if (o.timeout && ck_parse_duration_ms(o.timeout, &timeout_ms) < 0) {
		int64_t secs;
		if (ck_str_to_int64(o.timeout, &secs) < 0)
			return ck_kubectl_fail(k, "invalid argument \"%s\" for \"--timeout\" flag",
					       o.timeout);
		timeout_ms = secs * 1000;
	}
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .files = &o.files,
						 .names_required = !o.all && !o.selector };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	int64_t deadline = ck_time_mono_ns() + timeout_ms * 1000000;
	int status = 0;
	struct ck_client_error err;
	ck_client_error_init(&err);
	for (size_t i = 0; i < infos.n && status == 0; i++) {
		struct ck_kubectl_info *info = &infos.v[i];
		struct ck_gvr gvr = ck_kubectl_info_gvr(info);
		/* the objects: the one named, or those the selector matches now */
		json_object *names = json_object_new_array();
		if (info->name) {
			json_object_array_add(names, json_object_new_string(info->name));
		} else {
			json_object *list = NULL;
			struct ck_client_list_options lo = { .label_selector = o.selector };
			if (ck_client_list(c, &gvr, info->namespace, &lo, &list, &err) < 0) {
				status = ck_kubectl_print_error(k, &err);
			} else {
				json_object *items = json_object_object_get(list, "items");
				for (size_t j = 0; items && j < json_object_array_length(items);
				     j++)
					json_object_array_add(
					    names, json_object_new_string(ck_obj_name(
						       json_object_array_get_idx(items, j))));
				if (json_object_array_length(names) == 0)
					status = ck_kubectl_fail(k, "no matching resources found");
			}
			json_object_put(list);
		}
		for (size_t j = 0; status == 0 && j < json_object_array_length(names); j++) {
			const char *name =
			    json_object_get_string(json_object_array_get_idx(names, j));
			for (;;) {
				json_object *obj = NULL;
				int r = ck_client_get(c, &gvr, info->namespace, name, &obj, &err);
				bool done =
				    w.kind == WAIT_DELETE ? r == -ENOENT : r == 0 && met(&w, obj);
				json_object_put(obj);
				if (r < 0 && !(r == -ENOENT && w.kind == WAIT_DELETE)) {
					if (r == -ENOENT && info->name)
						status = ck_kubectl_print_error(k, &err);
					else if (r != -ENOENT)
						status = ck_kubectl_print_error(k, &err);
					if (status)
						break;
				}
				if (done) {
					ck_kubectl_print_success(
					    k, info->res.group, info->res.kind, name,
					    w.kind == WAIT_DELETE ? "condition met"
								  : "condition met",
					    false);
					break;
				}
				if (ck_time_mono_ns() >= deadline) {
					status = ck_kubectl_fail(
					    k, "timed out waiting for the condition on %s/%s",
					    info->res.resource, name);
					break;
				}
				struct timespec ts = { 0, 200 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
		}
		json_object_put(names);
	}
	ck_client_error_release(&err);
	ck_kubectl_infos_release(&infos);
	free(w.condition);
	free(w.value);
	ck_jsonpath_free(w.path);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_wait = {
	.name = "wait",
	.summary = "Wait for a specific condition on one or many resources",
	.flags = wait_flags,
	.shorthands = wait_shorthands,
	.run = run_wait,
};
