/*
 * kubectl rollout status | restart | pause | resume | history | undo for
 * deployments. A deployment's revisions are the ReplicaSets it controls,
 * numbered by their deployment.kubernetes.io/revision annotation.
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
	int64_t to_revision;
} o = { .watch = true };

static const struct ck_flag rollout_flags[] = {
	{ "timeout", CK_FLAG_STRING, &o.timeout,
	  "The length of time to wait (status; 0: forever)" },
	{ "watch", CK_FLAG_BOOL, &o.watch, "Watch the status of the rollout until it's done" },
	{ "to-revision", CK_FLAG_INT64, &o.to_revision,
	  "The revision to roll back to (undo; 0: the previous one)" },
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

/* ---- history, undo -------------------------------------------------------------------- */

/* A ReplicaSet a deployment controls and its revision. */
struct revision {
	json_object *rs; /* borrowed from the list */
	int64_t number;
};

static int cmp_revisions(const void *a, const void *b)
{
	int64_t x = ((const struct revision *)a)->number, y = ((const struct revision *)b)->number;
	return x < y ? -1 : x > y;
}

/*
 * The ReplicaSets deployment d controls that carry a revision, sorted by it
 * (*ret owned; its entries borrow *ret_list, owned too). kubectl's
 * GetAllReplicaSets and deploymentutil.Revision.
 */
static int deployment_revisions(struct ck_client *c, json_object *d, json_object **ret_list,
				struct revision **ret, size_t *ret_n, struct ck_client_error *err)
{
	struct ck_gvr gvr = { "apps", "v1", "replicasets" };
	struct ck_client_list_options lo = { 0 };
	json_object *list = NULL;
	int r = ck_client_list(c, &gvr, ck_obj_namespace(d), &lo, &list, err);
	if (r < 0)
		return r;
	json_object *items = ck_obj_get(list, "items");
	size_t n = 0;
	struct revision *v = ck_calloc(ck_obj_array_len(items) + 1, sizeof(*v));
	for (size_t i = 0; i < ck_obj_array_len(items); i++) {
		json_object *rs = json_object_array_get_idx(items, i);
		json_object *ref = ck_obj_controller_ref(rs);
		const char *rev =
		    ck_obj_get(ck_obj_annotations(rs), "deployment.kubernetes.io/revision")
			? json_object_get_string(ck_obj_get(ck_obj_annotations(rs),
							    "deployment.kubernetes.io/revision"))
			: NULL;
		int64_t number;
		if (!ref || !ck_streq(ck_obj_path_str(ref, "uid"), ck_obj_uid(d)) || !rev ||
		    ck_str_to_int64(rev, &number) < 0)
			continue;
		v[n++] = (struct revision){ rs, number };
	}
	qsort(v, n, sizeof(*v), cmp_revisions);
	*ret_list = list;
	*ret = v;
	*ret_n = n;
	return 0;
}

/* A pod template without the pod-template-hash label (owned), as equalIgnoreHash compares. */
static json_object *template_without_hash(json_object *tmpl)
{
	json_object *t = ck_obj_copy(tmpl);
	json_object *labels = ck_obj_path(t, "metadata.labels");
	if (labels)
		json_object_object_del(labels, "pod-template-hash");
	return t;
}

static const char *const annotations_to_skip[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	"deployment.kubernetes.io/revision",
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
};

static bool skipped_annotation(const char *key)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(annotations_to_skip); i++)
		if (strcmp(annotations_to_skip[i], key) == 0)
			return true;
	return false;
}

/* kubectl's error for a kind without a history viewer or rollbacker (after the GET, as its). */
static int no_visitor(struct ck_kubectl *k, const struct ck_kubectl_info *info, const char *what)
{
	return ck_kubectl_fail(
	    k, "error retrieving %s for \"%s\", no visitor method exists for {%s %s}", what,
	    info->res.kind, info->res.group, info->res.kind);
}

/* kubectl's DeploymentHistoryViewer: REVISION and CHANGE-CAUSE of each revision. */
static int history(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *d = NULL, *list = NULL;
	struct revision *revs = NULL;
	size_t n = 0;
	int result = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &d, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	if (strcmp(info->res.kind, "Deployment") != 0) {
		result = no_visitor(k, info, "history");
		goto out;
	}
	if (deployment_revisions(c, d, &list, &revs, &n, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	char *ref = ck_kubectl_info_ref(info, info->name);
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	w.minwidth = 0;
	w.padding = 2;
	if (n == 0)
		ck_tabwriter_printf(&w, "No rollout history found.");
	else
		ck_tabwriter_printf(&w, "REVISION\tCHANGE-CAUSE\n");
	for (size_t i = 0; i < n; i++) {
		/* one line per revision number: the last ReplicaSet listed with it wins */
		if (i + 1 < n && revs[i + 1].number == revs[i].number)
			continue;
		json_object *cause =
		    ck_obj_get(ck_obj_annotations(revs[i].rs), "kubernetes.io/change-cause");
		if (!cause || !json_object_get_string_len(cause))
			cause = ck_obj_get(
			    ck_obj_path(revs[i].rs, "spec.template.metadata.annotations"),
			    "kubernetes.io/change-cause");
		const char *text = cause ? json_object_get_string(cause) : "";
		ck_tabwriter_printf(&w, "%lld\t%s\n", (long long)revs[i].number,
				    text[0] ? text : "<none>");
	}
	fprintf(k->out, "%s \n", ref);
	ck_tabwriter_flush(&w, k->out, NULL);
	fputc('\n', k->out);
	ck_tabwriter_release(&w);
	free(ref);
out:
	free(revs);
	json_object_put(list);
	json_object_put(d);
	ck_client_error_release(&err);
	return result;
}

/* kubectl's DeploymentRollbacker: the deployment's template and annotations from a revision. */
static int undo(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	if (o.to_revision < 0)
		return ck_kubectl_fail(k, "unable to find specified revision %lld in history",
				       (long long)o.to_revision);
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *d = NULL, *list = NULL, *want = NULL, *have = NULL, *patch = NULL;
	struct revision *revs = NULL;
	size_t n = 0;
	int result = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &d, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	if (strcmp(info->res.kind, "Deployment") != 0) {
		result = no_visitor(k, info, "rollbacker");
		goto out;
	}
	json_object *paused = ck_obj_path(d, "spec.paused");
	if (paused && json_object_get_boolean(paused)) {
		result =
		    ck_kubectl_fail(k, "you cannot rollback a paused deployment; resume it first "
				       "with 'kubectl rollout resume' and try again");
		goto out;
	}
	if (deployment_revisions(c, d, &list, &revs, &n, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	json_object *rs = NULL;
	for (size_t i = 0; i < n && o.to_revision > 0; i++)
		if (revs[i].number == o.to_revision)
			rs = revs[i].rs;
	if (o.to_revision > 0 && !rs) {
		result = ck_kubectl_fail(k, "unable to find specified revision %lld in history",
					 (long long)o.to_revision);
		goto out;
	}
	if (o.to_revision == 0) {
		/* the previous revision: the second highest number */
		for (size_t i = n; i-- > 0;)
			if (revs[i].number < revs[n - 1].number) {
				rs = revs[i].rs;
				break;
			}
		if (!rs) {
			result = ck_kubectl_fail(
			    k, "no rollout history found for deployment \"%s\"", info->name);
			goto out;
		}
	}
	want = template_without_hash(ck_obj_path(rs, "spec.template"));
	have = template_without_hash(ck_obj_path(d, "spec.template"));
	if (json_object_equal(want, have)) {
		char verb[96];
		snprintf(verb, sizeof(verb),
			 "skipped rollback (current template already matches revision %lld)",
			 (long long)o.to_revision);
		ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, verb,
					 false);
		goto out;
	}
	json_object *annotations = json_object_new_object();
	json_object *da = ck_obj_annotations(d);
	for (size_t i = 0; i < CK_ARRAY_SIZE(annotations_to_skip); i++) {
		json_object *v = ck_obj_get(da, annotations_to_skip[i]);
		if (v)
			json_object_object_add(annotations, annotations_to_skip[i],
					       json_object_get(v));
	}
	json_object *ra = ck_obj_annotations(rs);
	if (ra) {
		json_object_object_foreach (ra, key, val) {
			if (!skipped_annotation(key))
				json_object_object_add(annotations, key, json_object_get(val));
		}
	}
	patch = json_object_new_array();
	json_object *op = json_object_new_object();
	json_object_object_add(op, "op", json_object_new_string("replace"));
	json_object_object_add(op, "path", json_object_new_string("/spec/template"));
	json_object_object_add(op, "value", json_object_get(want));
	json_object_array_add(patch, op);
	op = json_object_new_object();
	json_object_object_add(op, "op", json_object_new_string("replace"));
	json_object_object_add(op, "path", json_object_new_string("/metadata/annotations"));
	json_object_object_add(op, "value", annotations);
	json_object_array_add(patch, op);
	struct ck_buf p = CK_BUF_INIT;
	ck_json_write(&p, patch);
	if (ck_client_patch(c, &gvr, info->namespace, info->name, CK_PATCH_JSON, ck_buf_str(&p),
			    NULL, NULL, &err) < 0)
		result = ck_kubectl_print_error(k, &err);
	else
		ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name,
					 "rolled back", false);
	ck_buf_release(&p);
out:
	json_object_put(patch);
	json_object_put(want);
	json_object_put(have);
	free(revs);
	json_object_put(list);
	json_object_put(d);
	ck_client_error_release(&err);
	return result;
}

static int run_rollout(struct ck_kubectl *k, int argc, char **argv)
{
	static const char *const subs[] = { "status", "restart", "pause",
					    "resume", "history", "undo" };
	const char *sub = argc > 0 ? argv[0] : "";
	size_t i = 0;
	while (i < CK_ARRAY_SIZE(subs) && strcmp(subs[i], sub) != 0)
		i++;
	if (i == CK_ARRAY_SIZE(subs))
		return ck_kubectl_fail(
		    k, "rollout needs a subcommand: status, restart, pause, resume, history, undo");
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
	for (size_t j = 0; j < infos.n && result == 0; j++) {
		const struct ck_kubectl_info *info = &infos.v[j];
		if (i == 4)
			result = history(k, c, info);
		else if (i == 5)
			result = undo(k, c, info);
		else
			result = i == 0 ? status(k, c, info) : patch(k, c, info, sub);
	}
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
