/*
 * kubectl describe deployment and replicaset (upstream's describeDeployment,
 * describeReplicaSet, deploymentutil.GetAllReplicaSets and
 * getPodStatusForController).
 */
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/time.h"

/* A zero value of Go's typed fields, which JSON leaves out: absent, null, false, 0, "", {}, []. */
static bool is_empty(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return !json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) == 0;
	case json_type_double:
		return json_object_get_double(v) == 0;
	case json_type_string:
		return json_object_get_string_len(v) == 0;
	case json_type_object:
		return json_object_object_length(v) == 0;
	case json_type_array:
		return json_object_array_length(v) == 0;
	}
	return false;
}

/* apiequality.Semantic.DeepEqual on JSON: empty and absent fields are equal. */
static bool semantic_equal(json_object *a, json_object *b)
{
	if (is_empty(a) || is_empty(b))
		return is_empty(a) && is_empty(b);
	json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
	if ((ta == json_type_int || ta == json_type_double) &&
	    (tb == json_type_int || tb == json_type_double))
		return ta == tb ? json_object_equal(a, b)
				: json_object_get_double(a) == json_object_get_double(b);
	if (ta != tb)
		return false;
	if (ta == json_type_object) {
		json_object_object_foreach (a, ka, va)
			if (!semantic_equal(va, ck_obj_get(b, ka)))
				return false;
		json_object_object_foreach (b, kb, vb)
			if (!ck_obj_get(a, kb) && !is_empty(vb))
				return false;
		return true;
	}
	if (ta == json_type_array) {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!semantic_equal(json_object_array_get_idx(a, i),
					    json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	return json_object_equal(a, b);
}

bool ck_kubectl_templates_equal(json_object *a, json_object *b)
{
	json_object *ca = ck_obj_copy(a), *cb = ck_obj_copy(b);
	json_object_object_del(ck_obj_path(ca, "metadata.labels"), "pod-template-hash");
	json_object_object_del(ck_obj_path(cb, "metadata.labels"), "pod-template-hash");
	bool eq = semantic_equal(ca, cb);
	json_object_put(ca);
	json_object_put(cb);
	return eq;
}

static bool controlled_by(json_object *obj, json_object *owner)
{
	json_object *ref = ck_obj_controller_ref(obj);
	return ref && ck_streq(ck_obj_path_str(ref, "uid"), ck_obj_uid(owner));
}

/* Lists a namespace's objects matching owner's spec.selector (*ret owned). */
static int list_selected(struct ck_describe *d, const char *resource, json_object *owner,
			 json_object **ret)
{
	struct ck_gvr gvr = { ck_streq(resource, "pods") ? "" : "apps", "v1", resource };
	char *sel = ck_describe_selector(ck_obj_path(owner, "spec.selector"), "");
	struct ck_client_list_options lo = { .label_selector = sel };
	int r = ck_client_list(d->c, &gvr, ck_obj_namespace(owner), &lo, ret, d->err);
	free(sel);
	return r;
}

/* The Conditions table of a deployment or a replicaset. */
static void describe_conditions(struct ck_tabwriter *w, json_object *obj)
{
	json_object *conds = ck_obj_path(obj, "status.conditions");
	if (!ck_obj_array_len(conds))
		return;
	ck_tabwriter_printf(w, "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n");
	for (size_t i = 0; i < ck_obj_array_len(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		ck_tabwriter_printf(w, "  %s \t%s\t%s\n", ck_obj_path_str_or(c, "type", ""),
				    ck_obj_path_str_or(c, "status", ""),
				    ck_obj_path_str_or(c, "reason", ""));
	}
}

/* ---- deployments -------------------------------------------------------------------------- */

static int cmp_created(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	int64_t tx = 0, ty = 0;
	ck_time_parse(ck_obj_path_str_or(x, "metadata.creationTimestamp", ""), &tx);
	ck_time_parse(ck_obj_path_str_or(y, "metadata.creationTimestamp", ""), &ty);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(ck_obj_name(x), ck_obj_name(y));
}

/* printReplicaSetsByLabels: "name (2/3 replicas created), ..." or <none> (owned). */
static char *replicasets_text(json_object **v, size_t n)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(&b, "%s%s (%lld/%lld replicas created)", i ? ", " : "",
			    ck_obj_name(v[i]), (long long)ck_describe_int(v[i], "status.replicas"),
			    (long long)ck_describe_int(v[i], "spec.replicas"));
	if (b.len == 0)
		ck_buf_adds(&b, "<none>");
	return ck_buf_detach(&b, NULL);
}

int ck_describe_deployment(struct ck_describe *d, json_object *dep)
{
	struct ck_tabwriter *w = d->w;
	char t[CK_DESCRIBE_TIME_BUF];
	/* its ReplicaSets; kubectl describes the deployment without them when listing fails */
	json_object *list = NULL;
	struct ck_client_error *saved = d->err, lerr;
	ck_client_error_init(&lerr);
	d->err = &lerr;
	if (list_selected(d, "replicasets", dep, &list) < 0)
		list = NULL;
	d->err = saved;
	ck_client_error_release(&lerr);
	json_object *items = ck_obj_get(list, "items");
	size_t n = 0;
	json_object **rs = ck_calloc(ck_obj_array_len(items) + 1, sizeof(*rs));
	for (size_t i = 0; i < ck_obj_array_len(items); i++)
		if (controlled_by(json_object_array_get_idx(items, i), dep))
			rs[n++] = json_object_array_get_idx(items, i);
	qsort(rs, n, sizeof(*rs), cmp_created);
	json_object *tmpl = ck_obj_path(dep, "spec.template");
	size_t new_rs = n;
	for (size_t i = 0; i < n && new_rs == n; i++)
		if (ck_kubectl_templates_equal(ck_obj_path(rs[i], "spec.template"), tmpl))
			new_rs = i;

	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(dep));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(dep, "metadata.namespace", ""));
	ck_describe_time(ck_obj_path_str(dep, "metadata.creationTimestamp"), t);
	ck_tabwriter_printf(w, "CreationTimestamp:\t%s\n", t);
	ck_describe_labels(w, "Labels", ck_obj_labels(dep));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(dep));
	char *sel = ck_describe_selector(ck_obj_path(dep, "spec.selector"), "");
	ck_tabwriter_printf(w, "Selector:\t%s\n", sel);
	free(sel);
	ck_tabwriter_printf(w,
			    "Replicas:\t%lld desired | %lld updated | %lld total | %lld available "
			    "| %lld unavailable\n",
			    (long long)ck_describe_int(dep, "spec.replicas"),
			    (long long)ck_describe_int(dep, "status.updatedReplicas"),
			    (long long)ck_describe_int(dep, "status.replicas"),
			    (long long)ck_describe_int(dep, "status.availableReplicas"),
			    (long long)ck_describe_int(dep, "status.unavailableReplicas"));
	ck_tabwriter_printf(w, "StrategyType:\t%s\n",
			    ck_obj_path_str_or(dep, "spec.strategy.type", ""));
	ck_tabwriter_printf(w, "MinReadySeconds:\t%lld\n",
			    (long long)ck_describe_int(dep, "spec.minReadySeconds"));
	json_object *ru = ck_obj_path(dep, "spec.strategy.rollingUpdate");
	if (ru) {
		char unavailable[64], surge[64];
		ck_tabwriter_printf(
		    w, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n",
		    ck_obj_field_text(ru, "maxUnavailable", unavailable, sizeof(unavailable)),
		    ck_obj_field_text(ru, "maxSurge", surge, sizeof(surge)));
	}
	ck_kubectl_describe_pod_template(w, tmpl);
	describe_conditions(w, dep);
	if (n) {
		json_object **old = ck_calloc(n, sizeof(*old));
		size_t n_old = 0;
		for (size_t i = 0; i < n; i++)
			if (i != new_rs)
				old[n_old++] = rs[i];
		char *text = replicasets_text(old, n_old);
		ck_tabwriter_printf(w, "OldReplicaSets:\t%s\n", text);
		free(text);
		text = replicasets_text(new_rs < n ? &rs[new_rs] : NULL, new_rs < n);
		ck_tabwriter_printf(w, "NewReplicaSet:\t%s\n", text);
		free(text);
		free(old);
	}
	free(rs);
	json_object_put(list);
	return ck_describe_events(d, dep);
}

/* ---- replicasets ------------------------------------------------------------------------- */

/*
 * getPodStatusForController: "1 Running / 0 Waiting / 0 Succeeded / 0
 * Failed" of the pods owner selects and controls (*ret owned); d->err set
 * on failure.
 */
static int pods_status(struct ck_describe *d, json_object *owner, char **ret)
{
	json_object *pods = NULL;
	int r = list_selected(d, "pods", owner, &pods);
	if (r < 0)
		return r;
	/* Running, Pending (waiting), Succeeded, Failed */
	static const char *const phases[] = { "Running", "Pending", "Succeeded", "Failed" };
	long long count[4] = { 0 };
	json_object *items = ck_obj_get(pods, "items");
	for (size_t i = 0; i < ck_obj_array_len(items); i++) {
		json_object *pod = json_object_array_get_idx(items, i);
		if (!controlled_by(pod, owner))
			continue;
		for (size_t p = 0; p < 4; p++)
			if (ck_streq(ck_obj_path_str(pod, "status.phase"), phases[p]))
				count[p]++;
	}
	json_object_put(pods);
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%lld Running / %lld Waiting / %lld Succeeded / %lld Failed", count[0],
		    count[1], count[2], count[3]);
	*ret = ck_buf_detach(&b, NULL);
	return 0;
}

int ck_describe_replicaset(struct ck_describe *d, json_object *rs)
{
	struct ck_tabwriter *w = d->w;
	char *pods = NULL;
	struct ck_client_error *saved = d->err, perr;
	ck_client_error_init(&perr);
	d->err = &perr;
	int pods_r = pods_status(d, rs, &pods);
	d->err = saved;
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(rs));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(rs, "metadata.namespace", ""));
	char *s = ck_describe_selector(ck_obj_path(rs, "spec.selector"), "<none>");
	ck_tabwriter_printf(w, "Selector:\t%s\n", s);
	free(s);
	ck_describe_labels(w, "Labels", ck_obj_labels(rs));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(rs));
	ck_describe_controlled_by(w, rs);
	ck_tabwriter_printf(w, "Replicas:\t%lld current / %lld desired\n",
			    (long long)ck_describe_int(rs, "status.replicas"),
			    (long long)ck_describe_int(rs, "spec.replicas"));
	if (pods_r < 0)
		ck_tabwriter_printf(w, "Pods Status:\terror in fetching pods: %s\n", perr.message);
	else
		ck_tabwriter_printf(w, "Pods Status:\t%s\n", pods);
	free(pods);
	ck_client_error_release(&perr);
	ck_kubectl_describe_pod_template(w, ck_obj_path(rs, "spec.template"));
	describe_conditions(w, rs);
	return ck_describe_events(d, rs);
}

/* ---- statefulsets, daemonsets -------------------------------------------------------------- */

/* describeVolumeClaimTemplates */
static void describe_claim_templates(struct ck_tabwriter *w, json_object *templates)
{
	size_t n = ck_obj_array_len(templates);
	ck_tabwriter_printf(w, "Volume Claims:%s\n", n ? "" : "\t<none>");
	for (size_t i = 0; i < n; i++) {
		json_object *pvc = json_object_array_get_idx(templates, i);
		ck_tabwriter_printf(w, "  Name:\t%s\n", ck_obj_name(pvc));
		json_object *sc =
		    ck_obj_get(ck_obj_annotations(pvc), "volume.beta.kubernetes.io/storage-class");
		ck_tabwriter_printf(w, "  StorageClass:\t%s\n",
				    sc ? json_object_get_string(sc)
				       : ck_obj_path_str_or(pvc, "spec.storageClassName", ""));
		ck_describe_labels_indent(w, "  ", "Labels", ck_obj_labels(pvc));
		ck_describe_labels_indent(w, "  ", "Annotations", ck_obj_annotations(pvc));
		json_object *storage = ck_obj_path(pvc, "spec.resources.requests.storage");
		char *capacity =
		    storage ? ck_describe_quantity(ck_obj_path(pvc, "spec.resources.requests"),
						   "storage")
			    : ck_strdup("<default>");
		ck_tabwriter_printf(w, "  Capacity:\t%s\n", capacity);
		free(capacity);
		json_object *modes = ck_obj_path(pvc, "spec.accessModes");
		ck_tabwriter_printf(w, "  Access Modes:\t[");
		for (size_t j = 0; j < ck_obj_array_len(modes); j++)
			ck_tabwriter_printf(
			    w, "%s%s", j ? " " : "",
			    json_object_get_string(json_object_array_get_idx(modes, j)));
		ck_tabwriter_printf(w, "]\n");
	}
}

int ck_describe_statefulset(struct ck_describe *d, json_object *sts)
{
	struct ck_tabwriter *w = d->w;
	char *pods = NULL, t[CK_DESCRIBE_TIME_BUF];
	int r = pods_status(d, sts, &pods);
	if (r < 0)
		return r;
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(sts));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(sts, "metadata.namespace", ""));
	ck_describe_time(ck_obj_path_str(sts, "metadata.creationTimestamp"), t);
	ck_tabwriter_printf(w, "CreationTimestamp:\t%s\n", t);
	char *sel = ck_describe_selector(ck_obj_path(sts, "spec.selector"), "");
	ck_tabwriter_printf(w, "Selector:\t%s\n", sel);
	free(sel);
	ck_describe_labels(w, "Labels", ck_obj_labels(sts));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(sts));
	ck_tabwriter_printf(w, "Replicas:\t%lld desired | %lld total\n",
			    (long long)ck_describe_int(sts, "spec.replicas"),
			    (long long)ck_describe_int(sts, "status.replicas"));
	ck_tabwriter_printf(w, "Update Strategy:\t%s\n",
			    ck_obj_path_str_or(sts, "spec.updateStrategy.type", ""));
	json_object *ru = ck_obj_path(sts, "spec.updateStrategy.rollingUpdate");
	if (ck_obj_get(ru, "partition")) {
		ck_tabwriter_printf(w, "  Partition:\t%lld\n",
				    (long long)ck_describe_int(ru, "partition"));
		if (ck_obj_get(ru, "maxUnavailable")) {
			char mu[64];
			ck_tabwriter_printf(
			    w, "  MaxUnavailable:\t%s\n",
			    ck_obj_field_text(ru, "maxUnavailable", mu, sizeof(mu)));
		}
	}
	ck_tabwriter_printf(w, "Pods Status:\t%s\n", pods);
	free(pods);
	ck_kubectl_describe_pod_template(w, ck_obj_path(sts, "spec.template"));
	describe_claim_templates(w, ck_obj_path(sts, "spec.volumeClaimTemplates"));
	return ck_describe_events(d, sts);
}

int ck_describe_daemonset(struct ck_describe *d, json_object *ds)
{
	struct ck_tabwriter *w = d->w;
	char *pods = NULL;
	int r = pods_status(d, ds, &pods);
	if (r < 0)
		return r;
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(ds));
	char *sel = ck_describe_selector(ck_obj_path(ds, "spec.selector"), "");
	ck_tabwriter_printf(w, "Selector:\t%s\n", sel);
	free(sel);
	sel = ck_describe_format_labels(ck_obj_path(ds, "spec.template.spec.nodeSelector"));
	ck_tabwriter_printf(w, "Node-Selector:\t%s\n", sel);
	free(sel);
	ck_describe_labels(w, "Labels", ck_obj_labels(ds));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(ds));
	static const char *const counts[][2] = {
		{ "Desired Number of Nodes Scheduled", "desiredNumberScheduled" },
		{ "Current Number of Nodes Scheduled", "currentNumberScheduled" },
		{ "Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled" },
		{ "Number of Nodes Scheduled with Available Pods", "numberAvailable" },
		{ "Number of Nodes Misscheduled", "numberMisscheduled" },
	};
	json_object *status = ck_obj_get(ds, "status");
	for (size_t i = 0; i < CK_ARRAY_SIZE(counts); i++)
		ck_tabwriter_printf(w, "%s: %lld\n", counts[i][0],
				    (long long)ck_describe_int(status, counts[i][1]));
	ck_tabwriter_printf(w, "Pods Status:\t%s\n", pods);
	free(pods);
	ck_kubectl_describe_pod_template(w, ck_obj_path(ds, "spec.template"));
	return ck_describe_events(d, ds);
}
