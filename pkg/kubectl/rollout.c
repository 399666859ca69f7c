/*
 * kubectl rollout status | restart | pause | resume for deployments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"
#include "util/time.h"

static struct {
	const char *timeout;
	bool watch;
} o = { .watch = true };

static const struct ck_flag rollout_flags[] = {
	{ "timeout", CK_FLAG_STRING, &o.timeout,
	  "The length of time to wait (status; 0: forever)" },
	{ "watch", CK_FLAG_BOOL, &o.watch, "Watch the status of the rollout until it's done" },
	{ 0 },
};
static const struct ck_flag_shorthand rollout_shorthands[] = { { 'w', "watch" }, { 0 } };

static int64_t int_at(json_object *obj, const char *path, int64_t dflt)
{
	json_object *v = ck_obj_path(obj, path);
	return v ? json_object_get_int64(v) : dflt;
}

/* kubectl's DeploymentStatusViewer: the message into b; 1 when done, -1 on failure. */
static int deployment_status(json_object *d, struct ck_buf *b)
{
	const char *name = ck_obj_name(d);
	if (int_at(d, "metadata.generation", 0) > int_at(d, "status.observedGeneration", 0)) {
		ck_buf_adds(b, "Waiting for deployment spec update to be observed...\n");
		return 0;
	}
	json_object *conds = ck_obj_path(d, "status.conditions");
	for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		if (ck_streq(ck_obj_path_str(c, "type"), "Progressing") &&
		    ck_streq(ck_obj_path_str(c, "reason"), "ProgressDeadlineExceeded")) {
			ck_buf_addf(b, "deployment \"%s\" exceeded its progress deadline", name);
			return -1;
		}
	}
	int64_t want = int_at(d, "spec.replicas", 1);
	int64_t updated = int_at(d, "status.updatedReplicas", 0);
	int64_t replicas = int_at(d, "status.replicas", 0);
	int64_t available = int_at(d, "status.availableReplicas", 0);
	if (updated < want)
		ck_buf_addf(b,
			    "Waiting for deployment \"%s\" rollout to finish: %lld out of %lld new "
			    "replicas have been updated...\n",
			    name, (long long)updated, (long long)want);
	else if (replicas > updated)
		ck_buf_addf(
		    b,
		    "Waiting for deployment \"%s\" rollout to finish: %lld old replicas are "
		    "pending termination...\n",
		    name, (long long)(replicas - updated));
	else if (available < updated)
		ck_buf_addf(b,
			    "Waiting for deployment \"%s\" rollout to finish: %lld of %lld updated "
			    "replicas are available...\n",
			    name, (long long)available, (long long)updated);
	else {
		ck_buf_addf(b, "deployment \"%s\" successfully rolled out\n", name);
		return 1;
	}
	return 0;
}

static int status(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	if (strcmp(info->res.kind, "Deployment") != 0)
		return ck_kubectl_fail(k, "no status viewer has been implemented for %s",
				       info->res.kind);
	int64_t timeout_ms = 0;
	if (o.timeout && ck_parse_duration_ms(o.timeout, &timeout_ms) < 0)
		return ck_kubectl_fail(k, "invalid argument \"%s\" for \"--timeout\" flag",
				       o.timeout);
	int64_t deadline = timeout_ms ? ck_time_mono_ns() + timeout_ms * 1000000 : INT64_MAX;
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_buf last = CK_BUF_INIT, msg = CK_BUF_INIT;
	int result = 1;
	for (;;) {
		json_object *d = NULL;
		if (ck_client_get(c, &gvr, info->namespace, info->name, &d, &err) < 0) {
			result = ck_kubectl_print_error(k, &err);
			break;
		}
		ck_buf_reset(&msg);
		int r = deployment_status(d, &msg);
		json_object_put(d);
		if (r < 0) {
			result = ck_kubectl_fail(k, "%s", ck_buf_str(&msg));
			break;
		}
		if (strcmp(ck_buf_str(&msg), ck_buf_str(&last)) != 0) {
			fputs(ck_buf_str(&msg), k->out);
			fflush(k->out);
			ck_buf_reset(&last);
			ck_buf_adds(&last, ck_buf_str(&msg));
		}
		if (r == 1 || !o.watch) {
			result = 0;
			break;
		}
		if (ck_time_mono_ns() >= deadline) {
			result = ck_kubectl_fail(k, "timed out waiting for the condition");
			break;
		}
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	ck_buf_release(&last);
	ck_buf_release(&msg);
	ck_client_error_release(&err);
	return result;
}

static int patch(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info,
		 const char *sub)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *d = NULL;
	int result = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &d, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	struct ck_buf p = CK_BUF_INIT;
	const char *verb;
	json_object *paused = ck_obj_path(d, "spec.paused");
	bool is_paused = paused && json_object_get_boolean(paused);
	if (strcmp(sub, "restart") == 0) {
		if (is_paused) {
			result = ck_kubectl_fail(k,
						 "%s.%s \"%s\" is paused, run 'kubectl rollout "
						 "resume' first",
						 info->res.resource, info->res.group, info->name);
			goto out;
		}
		char now[CK_TIME_BUF];
		ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
		ck_buf_addf(&p,
			    "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl."
			    "kubernetes.io/restartedAt\":\"%s\"}}}}}",
			    now);
		verb = "restarted";
	} else if (strcmp(sub, "pause") == 0) {
		if (is_paused) {
			result = ck_kubectl_fail(k, "%s.%s \"%s\" is already paused",
						 info->res.resource, info->res.group, info->name);
			goto out;
		}
		ck_buf_adds(&p, "{\"spec\":{\"paused\":true}}");
		verb = "paused";
	} else {
		if (!is_paused) {
			result = ck_kubectl_fail(k, "%s.%s \"%s\" is not paused",
						 info->res.resource, info->res.group, info->name);
			goto out;
		}
		ck_buf_adds(&p, "{\"spec\":{\"paused\":null}}");
		verb = "resumed";
	}
	if (ck_client_patch(c, &gvr, info->namespace, info->name, CK_PATCH_STRATEGIC,
			    ck_buf_str(&p), NULL, NULL, &err) < 0)
		result = ck_kubectl_print_error(k, &err);
	else
		ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, verb,
					 false);
	ck_buf_release(&p);
out:
	json_object_put(d);
	ck_client_error_release(&err);
	return result;
}

static int run_rollout(struct ck_kubectl *k, int argc, char **argv)
{
	static const char *const subs[] = { "status", "restart", "pause", "resume" };
	const char *sub = argc > 0 ? argv[0] : "";
	size_t i = 0;
	while (i < CK_ARRAY_SIZE(subs) && strcmp(subs[i], sub) != 0)
		i++;
	if (i == CK_ARRAY_SIZE(subs))
		return ck_kubectl_fail(
		    k, "rollout needs a subcommand: status, restart, pause, resume");
	if (argc < 2)
		return ck_kubectl_fail(k, "required resource not specified");
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .names_required = true };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc - 1, argv + 1, &infos) < 0)
		return 1;
	int result = 0;
	for (size_t j = 0; j < infos.n && result == 0; j++)
		result = i == 0 ? status(k, c, &infos.v[j]) : patch(k, c, &infos.v[j], sub);
	ck_kubectl_infos_release(&infos);
	return result;
}

const struct ck_kubectl_command ck_kubectl_cmd_rollout = {
	.name = "rollout",
	.summary = "Manage the rollout of a resource",
	.flags = rollout_flags,
	.shorthands = rollout_shorthands,
	.run = run_rollout,
};
