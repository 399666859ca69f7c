/*
 * kubectl rollout status | restart | pause | resume | history | undo for
 * deployments, daemon sets and stateful sets (pause and resume: deployments
 * only, as kubectl). A deployment's revisions are the ReplicaSets it
 * controls, numbered by their deployment.kubernetes.io/revision
 * annotation; a daemon set's or stateful set's are the ControllerRevisions
 * it controls, whose data is a strategic merge patch restoring the pod
 * template.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apimachinery/strategic_patch.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"
#include "util/time.h"

static struct {
	const char *timeout;
	bool watch;
	int64_t to_revision;
	int64_t revision;
	const char *dry_run;
} o = { .watch = true };

static const struct ck_flag rollout_flags[] = {
	{ "timeout", CK_FLAG_STRING, &o.timeout,
	  "The length of time to wait (status; 0: forever)" },
	{ "watch", CK_FLAG_BOOL, &o.watch, "Watch the status of the rollout until it's done" },
	{ "to-revision", CK_FLAG_INT64, &o.to_revision,
	  "The revision to roll back to (undo; 0: the previous one)" },
	{ "revision", CK_FLAG_INT64, &o.revision,
	  "See the details, including the pod template, of the revision (history)" },
	{ "dry-run", CK_FLAG_STRING, &o.dry_run, "none or client (undo)" },
	{ 0 },
};
static const struct ck_flag_shorthand rollout_shorthands[] = { { 'w', "watch" }, { 0 } };

static int64_t int_at(json_object *obj, const char *path, int64_t dflt)
{
	json_object *v = ck_obj_path(obj, path);
	return v ? json_object_get_int64(v) : dflt;
}

/* The kinds rollout knows (kubectl's polymorphic helpers). */
enum workload {
	WORKLOAD_OTHER,
	WORKLOAD_DEPLOYMENT,
	WORKLOAD_DAEMONSET,
	WORKLOAD_STATEFULSET,
};

static enum workload workload_of(const struct ck_kubectl_info *info)
{
	if (strcmp(info->res.group, "apps") != 0)
		return WORKLOAD_OTHER;
	if (strcmp(info->res.kind, "Deployment") == 0)
		return WORKLOAD_DEPLOYMENT;
	if (strcmp(info->res.kind, "DaemonSet") == 0)
		return WORKLOAD_DAEMONSET;
	if (strcmp(info->res.kind, "StatefulSet") == 0)
		return WORKLOAD_STATEFULSET;
	return WORKLOAD_OTHER;
}

/* "deployments.apps", "configmaps": the GroupResource kubectl names objects by in errors. */
static void group_resource(const struct ck_kubectl_info *info, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", info->res.resource, info->res.group[0] ? "." : "",
		 info->res.group);
}

/*
 * kubectl's status viewers: the message into b; 1 when done, 0 when not
 * yet, -1 on failure (the error's text in b).
 */

/* DeploymentStatusViewer */
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

/* DaemonSetStatusViewer */
static int daemonset_status(json_object *ds, struct ck_buf *b)
{
	const char *name = ck_obj_name(ds);
	if (!ck_streq(ck_obj_path_str(ds, "spec.updateStrategy.type"), "RollingUpdate")) {
		ck_buf_adds(b, "rollout status is only available for RollingUpdate strategy type");
		return -1;
	}
	if (int_at(ds, "metadata.generation", 0) > int_at(ds, "status.observedGeneration", 0)) {
		ck_buf_adds(b, "Waiting for daemon set spec update to be observed...\n");
		return 0;
	}
	int64_t desired = int_at(ds, "status.desiredNumberScheduled", 0);
	int64_t updated = int_at(ds, "status.updatedNumberScheduled", 0);
	int64_t available = int_at(ds, "status.numberAvailable", 0);
	if (updated < desired) {
		ck_buf_addf(b,
			    "Waiting for daemon set \"%s\" rollout to finish: %lld out of %lld new "
			    "pods have been updated...\n",
			    name, (long long)updated, (long long)desired);
		return 0;
	}
	if (available < desired) {
		ck_buf_addf(b,
			    "Waiting for daemon set \"%s\" rollout to finish: %lld of %lld updated "
			    "pods are available...\n",
			    name, (long long)available, (long long)desired);
		return 0;
	}
	ck_buf_addf(b, "daemon set \"%s\" successfully rolled out\n", name);
	return 1;
}

/* StatefulSetStatusViewer */
static int statefulset_status(json_object *sts, struct ck_buf *b)
{
	if (!ck_streq(ck_obj_path_str(sts, "spec.updateStrategy.type"), "RollingUpdate")) {
		ck_buf_adds(b, "rollout status is only available for RollingUpdate strategy type");
		return -1;
	}
	int64_t observed = int_at(sts, "status.observedGeneration", 0);
	if (observed == 0 || int_at(sts, "metadata.generation", 0) > observed) {
		ck_buf_adds(b, "Waiting for statefulset spec update to be observed...\n");
		return 0;
	}
	json_object *replicas = ck_obj_path(sts, "spec.replicas");
	int64_t want = replicas ? json_object_get_int64(replicas) : 0;
	int64_t ready = int_at(sts, "status.readyReplicas", 0);
	int64_t updated = int_at(sts, "status.updatedReplicas", 0);
	if (replicas && ready < want) {
		ck_buf_addf(b, "Waiting for %lld pods to be ready...\n", (long long)(want - ready));
		return 0;
	}
	if (ck_obj_path(sts, "spec.updateStrategy.rollingUpdate")) {
		json_object *partition =
		    ck_obj_path(sts, "spec.updateStrategy.rollingUpdate.partition");
		int64_t target = want - (partition ? json_object_get_int64(partition) : 0);
		if (replicas && partition && updated < target) {
			ck_buf_addf(
			    b,
			    "Waiting for partitioned roll out to finish: %lld out of %lld new "
			    "pods have been updated...\n",
			    (long long)updated, (long long)target);
			return 0;
		}
		ck_buf_addf(b,
			    "partitioned roll out complete: %lld new pods have been updated...\n",
			    (long long)updated);
		return 1;
	}
	const char *update_rev = ck_obj_path_str(sts, "status.updateRevision");
	const char *current_rev = ck_obj_path_str(sts, "status.currentRevision");
	if (!ck_streq(update_rev ? update_rev : "", current_rev ? current_rev : "")) {
		ck_buf_addf(b,
			    "waiting for statefulset rolling update to complete %lld pods at "
			    "revision %s...\n",
			    (long long)updated, update_rev ? update_rev : "");
		return 0;
	}
	ck_buf_addf(b, "statefulset rolling update complete %lld pods at revision %s...\n",
		    (long long)int_at(sts, "status.currentReplicas", 0),
		    current_rev ? current_rev : "");
	return 1;
}

struct status_ctx {
	struct ck_kubectl *k;
	enum workload workload;
	struct ck_buf msg;
};

/* Each state the watch brings: kubectl prints the viewer's message every time. */
static int status_step(void *ctx, json_object *obj)
{
	struct status_ctx *sc = ctx;
	if (!obj)
		return -EIDRM; /* deleted: kubectl stops rather than watch a new object */
	ck_buf_reset(&sc->msg);
	int r = sc->workload == WORKLOAD_DEPLOYMENT  ? deployment_status(obj, &sc->msg)
		: sc->workload == WORKLOAD_DAEMONSET ? daemonset_status(obj, &sc->msg)
						     : statefulset_status(obj, &sc->msg);
	if (r < 0)
		return -EDOM;
	fputs(ck_buf_str(&sc->msg), sc->k->out);
	fflush(sc->k->out);
	return r == 1 || !o.watch;
}

static int status(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	struct status_ctx sc = { .k = k, .workload = workload_of(info), .msg = CK_BUF_INIT };
	if (sc.workload == WORKLOAD_OTHER)
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
	json_object *obj = NULL;
	int result = 0;
	/* kubectl gets the object first: NotFound is its error */
	int r = ck_client_get(c, &gvr, info->namespace, info->name, &obj, &err);
	if (r == 0)
		r = ck_kubectl_wait_until(c, &gvr, info->namespace, info->name, deadline,
					  status_step, &sc, &err);
	if (r == -EDOM)
		result = ck_kubectl_fail(k, "%s", ck_buf_str(&sc.msg));
	else if (r == -EIDRM)
		result = ck_kubectl_fail(k, "object has been deleted");
	else if (r == -ETIMEDOUT)
		result = ck_kubectl_fail(k, "timed out waiting for the condition");
	else if (r < 0)
		result = ck_kubectl_print_error(k, &err);
	json_object_put(obj);
	ck_buf_release(&sc.msg);
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
	char gr[256];
	group_resource(info, gr, sizeof(gr));
	enum workload wl = workload_of(info);
	bool restart = strcmp(sub, "restart") == 0;
	/* kubectl restarts the three kinds, and pauses and resumes deployments only */
	if (wl == WORKLOAD_OTHER || (!restart && wl != WORKLOAD_DEPLOYMENT)) {
		result = ck_kubectl_fail(k, "%s \"%s\" %s is not supported", gr, info->name,
					 restart		     ? "restarting"
					 : strcmp(sub, "pause") == 0 ? "pausing"
								     : "resuming");
		goto out;
	}
	if (restart) {
		if (is_paused) {
			result = ck_kubectl_fail(k,
						 "%s \"%s\" is paused, run 'kubectl rollout "
						 "resume' first",
						 gr, info->name);
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
			result = ck_kubectl_fail(k, "%s \"%s\" is already paused", gr, info->name);
			goto out;
		}
		ck_buf_adds(&p, "{\"spec\":{\"paused\":true}}");
		verb = "paused";
	} else {
		if (!is_paused) {
			result = ck_kubectl_fail(k, "%s \"%s\" is not paused", gr, info->name);
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

/* A revision of a workload: a ReplicaSet or ControllerRevision it controls. */
struct revision {
	json_object *obj; /* borrowed from the list */
	int64_t number;
	size_t index; /* in the list: of two with one number, the later counts */
};

static int cmp_revisions(const void *a, const void *b)
{
	const struct revision *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The revisions of a workload, sorted by number. */
struct revisions {
	json_object *list; /* owned */
	struct revision *v;
	size_t n;
};

static void revisions_release(struct revisions *r)
{
	json_object_put(r->list);
	free(r->v);
	*r = (struct revisions){ 0 };
}

/*
 * The revisions of obj: for a deployment the ReplicaSets it controls that
 * carry a revision annotation (kubectl's GetAllReplicaSets and
 * deploymentutil.Revision); for a daemon set or stateful set the
 * ControllerRevisions its selector matches and it controls (kubectl's
 * controlledHistory). *ret is initialised here.
 */
static int list_revisions(struct ck_client *c, enum workload wl, json_object *obj,
			  struct revisions *ret, struct ck_client_error *err)
{
	bool rs = wl == WORKLOAD_DEPLOYMENT;
	struct ck_gvr gvr = { "apps", "v1", rs ? "replicasets" : "controllerrevisions" };
	struct ck_client_list_options lo = { 0 };
	char *selector = NULL;
	if (!rs) {
		struct ck_label_selector *sel = NULL;
		if (ck_label_selector_from_json(ck_obj_path(obj, "spec.selector"), &sel, NULL) == 0)
			selector = ck_label_selector_string(sel);
		ck_label_selector_free(sel);
		lo.label_selector = selector;
	}
	*ret = (struct revisions){ 0 };
	int r = ck_client_list(c, &gvr, ck_obj_namespace(obj), &lo, &ret->list, err);
	free(selector);
	if (r < 0)
		return r;
	json_object *items = ck_obj_get(ret->list, "items");
	ret->v = ck_calloc(ck_obj_array_len(items) + 1, sizeof(*ret->v));
	for (size_t i = 0; i < ck_obj_array_len(items); i++) {
		json_object *item = json_object_array_get_idx(items, i);
		json_object *ref = ck_obj_controller_ref(item);
		if (!ref || !ck_streq(ck_obj_path_str(ref, "uid"), ck_obj_uid(obj)))
			continue;
		int64_t number;
		if (rs) {
			json_object *rev = ck_obj_get(ck_obj_annotations(item),
						      "deployment.kubernetes.io/revision");
			if (!rev || ck_str_to_int64(json_object_get_string(rev), &number) < 0)
				continue;
		} else {
			number = int_at(item, "revision", 0);
		}
		ret->v[ret->n++] = (struct revision){ item, number, i };
	}
	qsort(ret->v, ret->n, sizeof(*ret->v), cmp_revisions);
	return 0;
}

/* The revision numbered number (the later of two), or NULL. */
static const struct revision *find_revision(const struct revisions *r, int64_t number)
{
	for (size_t i = r->n; i-- > 0;)
		if (r->v[i].number == number)
			return &r->v[i];
	return NULL;
}

static const char *change_cause(json_object *obj)
{
	json_object *cause = ck_obj_get(ck_obj_annotations(obj), "kubernetes.io/change-cause");
	return cause && json_object_get_string_len(cause) ? json_object_get_string(cause) : NULL;
}

/*
 * The pod template of a revision (owned): a ReplicaSet's, with its
 * change-cause annotation; for a ControllerRevision, the workload obj with
 * the revision's data applied as a strategic merge patch (kubectl's
 * applyDaemonSetHistory). NULL with *ret_err (owned) when the data does
 * not apply.
 */
static json_object *revision_template(enum workload wl, json_object *obj,
				      const struct revision *rev, char **ret_err)
{
	if (wl == WORKLOAD_DEPLOYMENT) {
		json_object *t = ck_obj_copy(ck_obj_path(rev->obj, "spec.template"));
		const char *cause = change_cause(rev->obj);
		if (t && cause) {
			json_object *ann = ck_obj_path(t, "metadata.annotations");
			if (!ann) {
				ann = json_object_new_object();
				ck_obj_set_path(t, "metadata.annotations", ann);
			}
			json_object_object_add(ann, "kubernetes.io/change-cause",
					       json_object_new_string(cause));
		}
		return t;
	}
	json_object *patched = NULL;
	const char *kind = wl == WORKLOAD_DAEMONSET ? "DaemonSet" : "StatefulSet";
	if (ck_strategic_patch_apply(obj, ck_obj_get(rev->obj, "data"),
				     ck_patch_meta_kind("apps/v1", kind), &patched, ret_err) < 0)
		return NULL;
	json_object *t = json_object_get(ck_obj_path(patched, "spec.template"));
	json_object_put(patched);
	return t;
}

/*
 * kubectl's printTemplate: DescribePodTemplate through a prefix writer,
 * so the fields are separated by tabs, not aligned.
 */
static void template_text(json_object *tmpl, struct ck_buf *out)
{
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	ck_kubectl_describe_pod_template(&w, tmpl);
	ck_buf_adds(out, ck_buf_str(&w.text));
	ck_tabwriter_release(&w);
}

/* kubectl's error for a kind without a history viewer or rollbacker (after the GET, as its). */
static int no_visitor(struct ck_kubectl *k, const struct ck_kubectl_info *info, const char *what)
{
	return ck_kubectl_fail(
	    k, "error retrieving %s for \"%s\", no visitor method exists for {%s %s}", what,
	    info->res.kind, info->res.group, info->res.kind);
}

/*
 * kubectl's history viewers: REVISION and CHANGE-CAUSE of each revision,
 * or with --revision the pod template of one.
 */
static int history(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	enum workload wl = workload_of(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL, *tmpl = NULL;
	struct revisions revs = { 0 };
	struct ck_buf text = CK_BUF_INIT;
	int result = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &obj, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	if (wl == WORKLOAD_OTHER) {
		result = no_visitor(k, info, "history");
		goto out;
	}
	if (list_revisions(c, wl, obj, &revs, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	if (revs.n == 0) {
		ck_buf_adds(&text, "No rollout history found.");
	} else if (o.revision > 0) {
		const struct revision *rev = find_revision(&revs, o.revision);
		char *why = NULL;
		if (!rev) {
			result = ck_kubectl_fail(k, "unable to find the specified revision");
			goto out;
		}
		if (!(tmpl = revision_template(wl, obj, rev, &why))) {
			result =
			    ck_kubectl_fail(k, "unable to parse history %s", ck_obj_name(rev->obj));
			free(why);
			goto out;
		}
		template_text(tmpl, &text);
	} else {
		struct ck_tabwriter w;
		ck_tabwriter_init(&w);
		w.minwidth = 0;
		w.padding = 2;
		ck_tabwriter_printf(&w, "REVISION\tCHANGE-CAUSE\n");
		for (size_t i = 0; i < revs.n; i++) {
			/* one line per revision number: the later of two counts */
			if (i + 1 < revs.n && revs.v[i + 1].number == revs.v[i].number)
				continue;
			const char *cause = change_cause(revs.v[i].obj);
			if (!cause && wl == WORKLOAD_DEPLOYMENT)
				cause = change_cause(ck_obj_path(revs.v[i].obj, "spec.template"));
			ck_tabwriter_printf(&w, "%lld\t%s\n", (long long)revs.v[i].number,
					    cause && cause[0] ? cause : "<none>");
		}
		ck_tabwriter_flush(&w, NULL, &text);
		ck_tabwriter_release(&w);
	}
	char *ref = ck_kubectl_info_ref(info, info->name);
	if (o.revision > 0)
		fprintf(k->out, "%s with revision #%lld\n%s\n", ref, (long long)o.revision,
			ck_buf_str(&text));
	else
		fprintf(k->out, "%s \n%s\n", ref, ck_buf_str(&text));
	free(ref);
out:
	ck_buf_release(&text);
	json_object_put(tmpl);
	revisions_release(&revs);
	json_object_put(obj);
	ck_client_error_release(&err);
	return result;
}

/* A pod template without the pod-template-hash label (owned), as the rollbacker restores it. */
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

/* The JSON patch restoring a deployment's template and annotations from a ReplicaSet (owned). */
static json_object *deployment_rollback_patch(json_object *d, json_object *rs)
{
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
	json_object *patch = json_object_new_array();
	json_object *op = json_object_new_object();
	json_object_object_add(op, "op", json_object_new_string("replace"));
	json_object_object_add(op, "path", json_object_new_string("/spec/template"));
	json_object_object_add(op, "value",
			       template_without_hash(ck_obj_path(rs, "spec.template")));
	json_object_array_add(patch, op);
	op = json_object_new_object();
	json_object_object_add(op, "op", json_object_new_string("replace"));
	json_object_object_add(op, "path", json_object_new_string("/metadata/annotations"));
	json_object_object_add(op, "value", annotations);
	json_object_array_add(patch, op);
	return patch;
}

/*
 * kubectl's DaemonSetRollbacker and StatefulSetRollbacker match: the
 * workload's template as the patch the controller records
 * ({"spec":{"template":{…,"$patch":"replace"}}}) equals the revision's data.
 */
static bool controller_revision_matches(json_object *obj, json_object *rev)
{
	json_object *t = ck_obj_copy(ck_obj_path(obj, "spec.template"));
	if (!t)
		t = json_object_new_object();
	json_object_object_add(t, "$patch", json_object_new_string("replace"));
	json_object *want = json_object_new_object(), *spec = json_object_new_object();
	json_object_object_add(spec, "template", t);
	json_object_object_add(want, "spec", spec);
	bool eq = json_object_equal(want, ck_obj_get(rev, "data"));
	json_object_put(want);
	return eq;
}

/* kubectl's rollbackers: the workload's template (and a deployment's annotations) from a revision.
 */
static int undo(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	if (o.to_revision < 0)
		return ck_kubectl_fail(k, "unable to find specified revision %lld in history",
				       (long long)o.to_revision);
	bool dry_run = ck_streq(o.dry_run, "client"),
	     server_dry_run = ck_streq(o.dry_run, "server");
	if (o.dry_run && !dry_run && !server_dry_run && strcmp(o.dry_run, "none") != 0)
		return ck_kubectl_fail(k,
				       "Invalid dry-run value (%s). Must be \"none\", "
				       "\"server\", or \"client\".",
				       o.dry_run);
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	enum workload wl = workload_of(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL, *patch = NULL, *tmpl = NULL;
	struct revisions revs = { 0 };
	struct ck_buf text = CK_BUF_INIT;
	int result = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &obj, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	if (wl == WORKLOAD_OTHER) {
		result = no_visitor(k, info, "rollbacker");
		goto out;
	}
	json_object *paused = ck_obj_path(obj, "spec.paused");
	if (wl == WORKLOAD_DEPLOYMENT && paused && json_object_get_boolean(paused)) {
		result =
		    ck_kubectl_fail(k, "you cannot rollback a paused deployment; resume it first "
				       "with 'kubectl rollout resume' and try again");
		goto out;
	}
	if (list_revisions(c, wl, obj, &revs, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
		goto out;
	}
	const struct revision *rev = NULL;
	if (o.to_revision > 0) {
		rev = find_revision(&revs, o.to_revision);
		if (!rev) {
			result =
			    ck_kubectl_fail(k, "unable to find specified revision %lld in history",
					    (long long)o.to_revision);
			goto out;
		}
	} else {
		/* the previous revision: the second highest number */
		for (size_t i = revs.n; i-- > 0 && !rev;)
			if (revs.v[i].number < revs.v[revs.n - 1].number)
				rev = &revs.v[i];
		if (!rev) {
			if (wl == WORKLOAD_DEPLOYMENT)
				result = ck_kubectl_fail(
				    k, "no rollout history found for deployment \"%s\"",
				    info->name);
			else
				result = ck_kubectl_fail(k, "no last revision to roll back to");
			goto out;
		}
	}
	char verb[96];
	const char *done = verb;
	if (dry_run) {
		char *why = NULL;
		/* a deployment's: the ReplicaSet's template as it is */
		if (wl == WORKLOAD_DEPLOYMENT)
			tmpl = json_object_get(ck_obj_path(rev->obj, "spec.template"));
		else if (!(tmpl = revision_template(wl, obj, rev, &why))) {
			result =
			    ck_kubectl_fail(k, "unable to parse history %s", ck_obj_name(rev->obj));
			free(why);
			goto out;
		}
		if (wl != WORKLOAD_DEPLOYMENT)
			ck_buf_adds(&text, "will roll back to ");
		template_text(tmpl, &text);
		ck_buf_adds(&text, " (dry run)");
		done = ck_buf_str(&text);
	} else if (wl == WORKLOAD_DEPLOYMENT
		       ? ck_kubectl_templates_equal(ck_obj_path(rev->obj, "spec.template"),
						    ck_obj_path(obj, "spec.template"))
		       : controller_revision_matches(obj, rev->obj)) {
		snprintf(verb, sizeof(verb),
			 "skipped rollback (current template already matches revision %lld)",
			 (long long)o.to_revision);
	} else {
		struct ck_buf p = CK_BUF_INIT;
		if (wl == WORKLOAD_DEPLOYMENT) {
			patch = deployment_rollback_patch(obj, rev->obj);
			ck_json_write(&p, patch);
		} else {
			ck_json_write(&p, ck_obj_get(rev->obj, "data"));
		}
		static const char *const server_dry[] = { "dryRun", "All", NULL };
		struct ck_client_request req = {
			.verb = "PATCH",
			.group = gvr.group,
			.version = gvr.version,
			.resource = gvr.resource,
			.namespace = info->namespace,
			.name = info->name,
			.params = server_dry_run ? server_dry : NULL,
			.raw_body = ck_buf_str(&p),
			.raw_body_len = p.len,
			.content_type = ck_patch_content_type(
			    wl == WORKLOAD_DEPLOYMENT ? CK_PATCH_JSON : CK_PATCH_STRATEGIC),
		};
		int r = ck_client_do(c, &req, NULL, &err);
		ck_buf_release(&p);
		if (r < 0) {
			result = ck_kubectl_print_error(k, &err);
			goto out;
		}
		snprintf(verb, sizeof(verb), "rolled back%s",
			 server_dry_run ? " (server dry run)" : "");
	}
	ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, done, false);
out:
	ck_buf_release(&text);
	json_object_put(tmpl);
	json_object_put(patch);
	revisions_release(&revs);
	json_object_put(obj);
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
	if (o.revision < 0)
		return ck_kubectl_fail(k, "revision must be a positive integer: %lld",
				       (long long)o.revision);
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
