/*
 * kubectl wait --for=condition=C[=value] | delete | jsonpath='{…}'=value,
 * with --timeout (default 30s); and the wait every command that waits
 * shares (wait, delete --wait, drain, rollout status): an object watched
 * until a predicate holds, as kubectl's watchtools.UntilWithSync.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"
#include "util/time.h"

/* ---- waiting on a watched object ------------------------------------------------------- */

/* How long one watch request lasts when there is no deadline (kubectl: 300-599 s). */
#define WATCH_SECONDS 300

struct until {
	ck_kubectl_wait_fn fn;
	void *ctx;
	struct ck_client_error *err; /* an ERROR event's Status goes here */
	int result;		     /* fn's value once it is not 0 */
	bool done;
	bool expired; /* the resourceVersion is too old: list again */
	char rv[64];  /* the last resourceVersion seen */
};

static int until_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct until *u = ctx;
	if (f->type == CK_WATCH_TYPE_ERROR) {
		json_object *code = ck_obj_get(f->object, "code");
		if (code && json_object_get_int(code) == 410) {
			u->expired = true;
			return -EKEYEXPIRED;
		}
		const char *msg = ck_obj_path_str(f->object, "message");
		u->err->code = code ? json_object_get_int(code) : 0;
		snprintf(u->err->message, sizeof(u->err->message), "%s",
			 msg ? msg : "unexpected watch event");
		return -EIO;
	}
	const char *rv = ck_obj_resource_version(f->object);
	if (rv)
		snprintf(u->rv, sizeof(u->rv), "%s", rv);
	if (f->type == CK_WATCH_TYPE_BOOKMARK)
		return 0;
	int r = u->fn(u->ctx, f->type == CK_WATCH_TYPE_DELETED ? NULL : f->object);
	if (r == 0)
		return 0;
	u->result = r;
	u->done = true;
	return -ECANCELED;
}

/* Lists the object by name: fn on what is there; the list's resourceVersion into u->rv. */
static int until_list(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		      const char *field_selector, struct until *u, struct ck_client_error *err)
{
	struct ck_client_list_options lo = { .field_selector = field_selector };
	json_object *list = NULL;
	int r = ck_client_list(c, gvr, ns, &lo, &list, err);
	if (r < 0)
		return r;
	json_object *items = ck_obj_get(list, "items");
	const char *rv = ck_obj_path_str(list, "metadata.resourceVersion");
	snprintf(u->rv, sizeof(u->rv), "%s", rv ? rv : "");
	r = u->fn(u->ctx, ck_obj_array_len(items) ? json_object_array_get_idx(items, 0) : NULL);
	if (r != 0) {
		u->result = r;
		u->done = true;
	}
	json_object_put(list);
	return 0;
}

int ck_kubectl_wait_until(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			  const char *name, int64_t deadline_ns, ck_kubectl_wait_fn fn, void *ctx,
			  struct ck_client_error *err)
{
	char fs[512];
	snprintf(fs, sizeof(fs), "metadata.name=%s", name);
	struct until u = { .fn = fn, .ctx = ctx, .err = err, .expired = true };
	for (;;) {
		int r;
		if (u.expired) {
			u.expired = false;
			if ((r = until_list(c, gvr, ns, fs, &u, err)) < 0)
				return r;
		}
		if (u.done)
			return u.result > 0 ? 0 : u.result;
		int64_t now = ck_time_mono_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		int64_t seconds = WATCH_SECONDS;
		if (deadline_ns != INT64_MAX &&
		    (deadline_ns - now + 999999999) / 1000000000 < seconds)
			seconds = (deadline_ns - now + 999999999) / 1000000000;
		struct ck_client_list_options lo = {
			.field_selector = fs,
			.resource_version = u.rv,
			.allow_watch_bookmarks = true,
			.timeout_seconds = seconds,
		};
		struct ck_client_request req = {
			.group = gvr->group,
			.version = gvr->version,
			.resource = gvr->resource,
			.namespace = ns,
			.list_options = &lo,
		};
		r = ck_client_watch(c, &req, until_frame, &u, err);
		if (u.done)
			return u.result > 0 ? 0 : u.result;
		if (r == -EKEYEXPIRED) {
			u.expired = true; /* an HTTP 410 or an ERROR event: list again */
			continue;
		}
		/* the server ended the stream (its timeout) or the connection broke: watch on */
		if (r < 0 && r != -ECONNRESET)
			return r;
	}
}

struct gone {
	const char *uid;
};

static int is_gone(void *ctx, json_object *obj)
{
	const struct gone *g = ctx;
	return !obj || (g->uid && !ck_streq(ck_obj_uid(obj), g->uid));
}

int ck_kubectl_wait_gone(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			 const char *name, const char *uid, int64_t deadline_ns,
			 struct ck_client_error *err)
{
	struct gone g = { uid };
	return ck_kubectl_wait_until(c, gvr, ns, name, deadline_ns, is_gone, &g, err);
}

/* ---- kubectl wait ------------------------------------------------------------------------ */

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

/* What the predicate of one wait knows. */
struct wait_ctx {
	const struct wait_for *w;
	bool first; /* the state found by the list, before any change */
	bool named; /* the object was named (not found by a selector) */
	bool absent_at_start;
};

static int wait_met(void *ctx, json_object *obj)
{
	struct wait_ctx *wc = ctx;
	bool first = wc->first;
	wc->first = false;
	if (wc->w->kind == WAIT_DELETE) {
		wc->absent_at_start = first && !obj;
		return !obj;
	}
	if (!obj)
		/* kubectl looks a named object up first: NotFound is an error then */
		return first && wc->named ? -ENOENT : 0;
	return met(wc->w, obj);
}

/* Waits for one object; prints the outcome. 0, or 1 after printing the error. */
static int wait_one(struct ck_kubectl *k, struct ck_client *c, const struct wait_for *w,
		    const struct ck_kubectl_info *info, const char *name, int64_t deadline)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct wait_ctx wc = { .w = w, .first = true, .named = info->name != NULL };
	int status = 0, r;
	for (;;) {
		r = ck_kubectl_wait_until(c, &gvr, info->namespace, name, deadline, wait_met, &wc,
					  &err);
		if (r != -ENOENT)
			break;
		/* the server's NotFound, as kubectl's GET of the named object prints it */
		json_object *obj = NULL;
		r = ck_client_get(c, &gvr, info->namespace, name, &obj, &err);
		json_object_put(obj);
		if (r < 0)
			break;
		wc.first = true; /* made meanwhile: wait on */
		wc.named = false;
	}
	if (r == 0) {
		/* kubectl says nothing about a named object that was not there to delete */
		if (!wc.absent_at_start)
			ck_kubectl_print_success(k, info->res.group, info->res.kind, name,
						 "condition met", false);
	} else if (r == -ETIMEDOUT) {
		status = ck_kubectl_fail(k, "timed out waiting for the condition on %s/%s",
					 info->res.resource, name);
	} else {
		status = ck_kubectl_print_error(k, &err);
	}
	ck_client_error_release(&err);
	return status;
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
		if (info->name) {
			status = wait_one(k, c, &w, info, info->name, deadline);
			continue;
		}
		/* the objects the selector matches now */
		json_object *list = NULL;
		struct ck_client_list_options lo = { .label_selector = o.selector };
		if (ck_client_list(c, &gvr, info->namespace, &lo, &list, &err) < 0) {
			status = ck_kubectl_print_error(k, &err);
			continue;
		}
		json_object *items = ck_obj_get(list, "items");
		/* nothing to wait for is success when waiting for deletion */
		if (ck_obj_array_len(items) == 0 && w.kind != WAIT_DELETE)
			status = ck_kubectl_fail(k, "no matching resources found");
		for (size_t j = 0; status == 0 && j < ck_obj_array_len(items); j++)
			status =
			    wait_one(k, c, &w, info,
				     ck_obj_name(json_object_array_get_idx(items, j)), deadline);
		json_object_put(list);
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
