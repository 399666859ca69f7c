/*
 * kubectl describe (k8s.io/kubectl/pkg/describe): a kind's describer prints
 * "Field:\tvalue" lines through a tab writer set up as kubectl's (minwidth
 * 0, padding 2), then the Events whose involvedObject is the object.
 * Here: the command, the helpers every describer shares (describe_int.h),
 * services and configmaps. The other describers: describe_pod.c (pods, pod
 * templates), describe_node.c, describe_apps.c (deployments, replicasets,
 * statefulsets, daemonsets), describe_batch.c, describe_core.c (namespaces,
 * quotas, limits, secrets, service accounts, endpoints, role bindings) and
 * describe_generic.c (priorityclasses, and kubectl's generic describer for
 * every kind without one of its own).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/time.h"
#include "util/json_write.h"

/* kubectl's maxAnnotationLen: longer annotations are printed on lines of their own */
#define MAX_ANNOTATION_LEN 140

static struct {
	const char *selector;
	bool all_namespaces;
	bool show_events;
} o = { .show_events = true };

static const struct ck_flag describe_flags[] = {
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "all-namespaces", CK_FLAG_BOOL, &o.all_namespaces,
	  "List the requested object(s) across all namespaces" },
	{ "show-events", CK_FLAG_BOOL, &o.show_events,
	  "If true, display events related to the described object" },
	{ 0 },
};
static const struct ck_flag_shorthand describe_shorthands[] = { { 'l', "selector" },
								{ 'A', "all-namespaces" },
								{ 0 } };

void ck_describe_labels_indent(struct ck_tabwriter *w, const char *indent, const char *title,
			       json_object *labels)
{
	size_t n;
	const char **keys = ck_json_sorted_keys(labels, &n);
	ck_tabwriter_printf(w, "%s%s:\t", indent, title);
	if (n == 0)
		ck_tabwriter_printf(w, "<none>\n");
	for (size_t i = 0; i < n; i++)
		ck_tabwriter_printf(
		    w, "%s%s%s=%s\n", i ? indent : "", i ? "\t" : "", keys[i],
		    json_object_get_string(json_object_object_get(labels, keys[i])));
	free(keys);
}

char *ck_describe_format_labels(json_object *m)
{
	size_t n;
	const char **keys = ck_json_sorted_keys(m, &n);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(&b, "%s%s=%s", i ? "," : "", keys[i],
			    json_object_get_string(json_object_object_get(m, keys[i])));
	if (n == 0)
		ck_buf_adds(&b, "<none>");
	free(keys);
	return ck_buf_detach(&b, NULL);
}

void ck_describe_labels(struct ck_tabwriter *w, const char *title, json_object *labels)
{
	ck_describe_labels_indent(w, "", title, labels);
}

void ck_describe_annotations(struct ck_tabwriter *w, const char *title, json_object *annotations)
{
	size_t n, m = 0;
	const char **keys = ck_json_sorted_keys(annotations, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], "kubectl.kubernetes.io/last-applied-configuration") != 0)
			keys[m++] = keys[i];
	ck_tabwriter_printf(w, "%s:\t", title);
	if (m == 0)
		ck_tabwriter_printf(w, "<none>\n");
	for (size_t i = 0; i < m; i++) {
		const char *v =
		    json_object_get_string(json_object_object_get(annotations, keys[i]));
		size_t vlen = strlen(v);
		if (vlen && v[vlen - 1] == '\n')
			vlen--;
		if (i)
			ck_tabwriter_printf(w, "\t");
		if (vlen + strlen(keys[i]) + 2 > MAX_ANNOTATION_LEN || memchr(v, '\n', vlen)) {
			ck_tabwriter_printf(w, "%s:\n", keys[i]);
			for (const char *s = v; s <= v + vlen;) {
				size_t l = strcspn(s, "\n");
				if (s + l > v + vlen)
					l = (size_t)(v + vlen - s);
				if (l > MAX_ANNOTATION_LEN - 2)
					ck_tabwriter_printf(w, "\t  %.*s...\n",
							    MAX_ANNOTATION_LEN - 2, s);
				else
					ck_tabwriter_printf(w, "\t  %.*s\n", (int)l, s);
				s += l + 1;
			}
		} else {
			ck_tabwriter_printf(w, "%s: %.*s\n", keys[i], (int)vlen, v);
		}
	}
	free(keys);
}

void ck_describe_age(const char *t, char *out, size_t size)
{
	int64_t ns;
	if (!t || !t[0] || ck_time_parse(t, &ns) < 0) {
		snprintf(out, size, "<unknown>");
		return;
	}
	ck_time_human_duration(ck_time_now_ns() - ns, out, size);
}

void ck_describe_time(const char *t, char out[CK_DESCRIBE_TIME_BUF])
{
	int64_t ns;
	struct tm tm;
	time_t secs;
	if (!t || !t[0] || ck_time_parse(t, &ns) < 0) {
		snprintf(out, CK_DESCRIBE_TIME_BUF, "Mon, 01 Jan 0001 00:00:00 +0000");
		return;
	}
	secs = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0));
	if (!localtime_r(&secs, &tm) ||
	    strftime(out, CK_DESCRIBE_TIME_BUF, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(out, CK_DESCRIBE_TIME_BUF, "%s", t);
}

char *ck_describe_selector(json_object *label_selector, const char *if_empty)
{
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	if (ck_label_selector_from_json(label_selector, &sel, &err) < 0) {
		free(err);
		return ck_strdup("<error>");
	}
	char *s = ck_label_selector_string(sel);
	ck_label_selector_free(sel);
	if (!s[0]) {
		free(s);
		s = ck_strdup(if_empty);
	}
	return s;
}

void ck_describe_controlled_by(struct ck_tabwriter *w, json_object *obj)
{
	json_object *ref = ck_obj_controller_ref(obj);
	if (ref)
		ck_tabwriter_printf(w, "Controlled By:\t%s/%s\n",
				    ck_obj_path_str_or(ref, "kind", ""),
				    ck_obj_path_str_or(ref, "name", ""));
}

void ck_describe_optional(struct ck_tabwriter *w, const char *title, json_object *obj,
			  const char *path)
{
	const char *s = ck_obj_path_str_or(obj, path, "");
	if (s[0])
		ck_tabwriter_printf(w, "%s:\t%s\n", title, s);
}
static const char *event_last(json_object *e)
{
	const char *t = ck_obj_path_str(e, "lastTimestamp");
	return t ? t : "";
}

static int cmp_events(const void *a, const void *b)
{
	int64_t ta = 0, tb = 0;
	ck_time_parse(event_last(*(json_object *const *)a), &ta);
	ck_time_parse(event_last(*(json_object *const *)b), &tb);
	return ta < tb ? -1 : ta > tb;
}

/* Appends the events about one reference to all (an array); searchEvents. */
static int search_events(struct ck_describe *d, const char *ns, const char *name, const char *kind,
			 const char *uid, json_object *all)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "involvedObject.name=%s,involvedObject.namespace=%s", name, ns ? ns : "");
	if (kind && kind[0])
		ck_buf_addf(&b, ",involvedObject.kind=%s", kind);
	if (uid && uid[0])
		ck_buf_addf(&b, ",involvedObject.uid=%s", uid);
	char *sel = ck_buf_detach(&b, NULL);
	struct ck_gvr gvr = { "", "v1", "events" };
	struct ck_client_list_options lo = { .field_selector = sel, .limit = 500 };
	json_object *list = NULL;
	int r = ck_client_list(d->c, &gvr, ns && ns[0] ? ns : NULL, &lo, &list, d->err);
	free(sel);
	if (r < 0)
		return r;
	json_object *items = ck_obj_get(list, "items");
	for (size_t i = 0; i < ck_obj_array_len(items); i++)
		json_object_array_add(all, json_object_get(json_object_array_get_idx(items, i)));
	json_object_put(list);
	return 0;
}

int ck_describe_events(struct ck_describe *d, json_object *obj)
{
	const char *uid = ck_obj_uid(obj);
	return ck_describe_events_ref(d, ck_obj_namespace(obj), ck_obj_name(obj),
				      ck_obj_path_str(obj, "kind"), &uid, 1);
}

/* DescribeEvents; flushes w before a non-empty list. */
int ck_describe_events_ref(struct ck_describe *d, const char *ns, const char *name,
			   const char *kind, const char *const *uids, size_t n_uids)
{
	if (!d->show_events)
		return 0;
	json_object *list = json_object_new_array();
	for (size_t i = 0; i < n_uids; i++) {
		int r = search_events(d, ns, name, kind, uids[i], list);
		if (r < 0) {
			json_object_put(list);
			return r;
		}
	}
	json_object *items = list;
	size_t n = ck_obj_array_len(items);
	if (n == 0) {
		ck_tabwriter_printf(d->w, "Events:\t<none>\n");
		json_object_put(list);
		return 0;
	}
	json_object **ev = ck_calloc(n, sizeof(*ev));
	for (size_t i = 0; i < n; i++)
		ev[i] = json_object_array_get_idx(items, i);
	/* a stable sort by lastTimestamp (insertion, lists are short) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_events(&ev[j - 1], &ev[j]) > 0; j--) {
			json_object *t = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
	ck_tabwriter_flush(d->w, NULL, d->text);
	ck_tabwriter_printf(d->w, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
	ck_tabwriter_printf(d->w, "  ----\t------\t----\t----\t-------\n");
	for (size_t i = 0; i < n; i++) {
		json_object *e = ev[i];
		char first[32], last[32], interval[96];
		const char *event_time = ck_obj_path_str(e, "eventTime");
		ck_describe_age(event_time && event_time[0] ? event_time
							    : ck_obj_path_str(e, "firstTimestamp"),
				first, sizeof(first));
		json_object *count = ck_obj_path(e, "count");
		if (ck_obj_path(e, "series")) {
			ck_describe_age(ck_obj_path_str(e, "series.lastObservedTime"), last,
					sizeof(last));
			snprintf(interval, sizeof(interval), "%s (x%lld over %s)", last,
				 (long long)json_object_get_int64(ck_obj_path(e, "series.count")),
				 first);
		} else if (count && json_object_get_int64(count) > 1) {
			ck_describe_age(ck_obj_path_str(e, "lastTimestamp"), last, sizeof(last));
			snprintf(interval, sizeof(interval), "%s (x%lld over %s)", last,
				 (long long)json_object_get_int64(count), first);
		} else {
			snprintf(interval, sizeof(interval), "%s", first);
		}
		const char *source = ck_obj_path_str(e, "source.component");
		if (!source || !source[0])
			source = ck_obj_path_str(e, "reportingComponent");
		const char *msg = ck_obj_path_str(e, "message");
		msg = msg ? msg : "";
		size_t ml = strlen(msg);
		while (*msg == ' ' || *msg == '\n' || *msg == '\t')
			msg++, ml--;
		while (ml && (msg[ml - 1] == ' ' || msg[ml - 1] == '\n' || msg[ml - 1] == '\t'))
			ml--;
		const char *type = ck_obj_path_str(e, "type"),
			   *reason = ck_obj_path_str(e, "reason");
		ck_tabwriter_printf(d->w, "  %s\t%s\t%s\t%s\t%.*s\n", type ? type : "",
				    reason ? reason : "", interval, source ? source : "", (int)ml,
				    msg);
	}
	free(ev);
	json_object_put(list);
	return 0;
}

void ck_describe_meta(struct ck_describe *d, json_object *obj)
{
	ck_tabwriter_printf(d->w, "Name:\t%s\n", ck_obj_name(obj));
	if (ck_obj_namespace(obj))
		ck_tabwriter_printf(d->w, "Namespace:\t%s\n", ck_obj_namespace(obj));
	ck_describe_labels(d->w, "Labels", ck_obj_labels(obj));
	ck_describe_annotations(d->w, "Annotations", ck_obj_annotations(obj));
}

/* ---- configmaps --------------------------------------------------------------------------- */

static int describe_configmap(struct ck_describe *d, json_object *cm)
{
	ck_describe_meta(d, cm);
	ck_tabwriter_printf(d->w, "\nData\n====\n");
	json_object *data = ck_obj_get(cm, "data");
	size_t n;
	const char **keys = ck_json_sorted_keys(data, &n);
	for (size_t i = 0; i < n; i++)
		ck_tabwriter_printf(d->w, "%s:\n----\n%s\n\n", keys[i],
				    json_object_get_string(json_object_object_get(data, keys[i])));
	free(keys);
	ck_tabwriter_printf(d->w, "\nBinaryData\n====\n");
	json_object *bin = ck_obj_get(cm, "binaryData");
	keys = ck_json_sorted_keys(bin, &n);
	for (size_t i = 0; i < n; i++) {
		/* the decoded length of the base64 value */
		const char *v = json_object_get_string(json_object_object_get(bin, keys[i]));
		size_t l = strlen(v), pad = 0;
		while (l > pad && v[l - 1 - pad] == '=')
			pad++;
		ck_tabwriter_printf(d->w, "%s: %zu bytes\n", keys[i], l / 4 * 3 - pad);
	}
	free(keys);
	ck_tabwriter_printf(d->w, "\n");
	return ck_describe_events(d, cm);
}

/* ---- services ----------------------------------------------------------------------------- */

/* The strings of a JSON array joined by sep, or dflt when empty (owned). */
static char *joined(json_object *arr, const char *sep, const char *dflt)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < ck_obj_array_len(arr); i++)
		ck_buf_addf(&b, "%s%s", i ? sep : "",
			    json_object_get_string(json_object_array_get_idx(arr, i)));
	if (b.len == 0 && dflt)
		ck_buf_adds(&b, dflt);
	return ck_buf_detach(&b, NULL);
}

/* formatEndpoints: "ip:port,..." of the subsets' ports named name, 3 at most then "+ N more...". */
static char *format_endpoints(json_object *ep, const char *port_name)
{
	struct ck_buf b = CK_BUF_INIT;
	json_object *subsets = ck_obj_get(ep, "subsets");
	size_t count = 0;
	for (size_t i = 0; i < ck_obj_array_len(subsets); i++) {
		json_object *ss = json_object_array_get_idx(subsets, i);
		json_object *ports = ck_obj_get(ss, "ports"), *addrs = ck_obj_get(ss, "addresses");
		size_t np = ck_obj_array_len(ports);
		for (size_t p = 0; p < (np ? np : 1); p++) {
			json_object *port = np ? json_object_array_get_idx(ports, p) : NULL;
			const char *pn = port ? ck_obj_path_str(port, "name") : NULL;
			if (port && !ck_streq(pn ? pn : "", port_name ? port_name : ""))
				continue;
			for (size_t a = 0; a < ck_obj_array_len(addrs); a++, count++) {
				if (count >= 3)
					continue;
				const char *ip =
				    ck_obj_path_str(json_object_array_get_idx(addrs, a), "ip");
				ck_buf_addf(&b, "%s%s", count ? "," : "", ip ? ip : "");
				if (port)
					ck_buf_addf(&b, ":%lld",
						    (long long)json_object_get_int64(
							ck_obj_path(port, "port")));
			}
		}
	}
	if (count > 3)
		ck_buf_addf(&b, " + %zu more...", count - 3);
	if (b.len == 0)
		ck_buf_adds(&b, "<none>");
	return ck_buf_detach(&b, NULL);
}

static int describe_service(struct ck_describe *d, json_object *svc)
{
	struct ck_gvr epr = { "", "v1", "endpoints" };
	json_object *ep = NULL;
	struct ck_client_error eperr;
	ck_client_error_init(&eperr);
	/* a Service without Endpoints is described with none */
	ck_client_get(d->c, &epr, ck_obj_namespace(svc), ck_obj_name(svc), &ep, &eperr);
	ck_client_error_release(&eperr);
	struct ck_tabwriter *w = d->w;
	ck_describe_meta(d, svc);
	json_object *spec = ck_obj_get(svc, "spec");
	json_object *selector = ck_obj_get(spec, "selector");
	size_t n;
	const char **keys = ck_json_sorted_keys(selector, &n);
	ck_tabwriter_printf(w, "Selector:\t");
	for (size_t i = 0; i < n; i++)
		ck_tabwriter_printf(
		    w, "%s%s=%s", i ? "," : "", keys[i],
		    json_object_get_string(json_object_object_get(selector, keys[i])));
	ck_tabwriter_printf(w, "%s\n", n ? "" : "<none>");
	free(keys);
	const char *type = ck_obj_path_str(spec, "type");
	ck_tabwriter_printf(w, "Type:\t%s\n", type ? type : "");
	const char *policy = ck_obj_path_str(spec, "ipFamilyPolicy");
	if (policy)
		ck_tabwriter_printf(w, "IP Family Policy:\t%s\n", policy);
	char *s = joined(ck_obj_get(spec, "ipFamilies"), ",", "<none>");
	ck_tabwriter_printf(w, "IP Families:\t%s\n", s);
	free(s);
	const char *ip = ck_obj_path_str(spec, "clusterIP");
	ck_tabwriter_printf(w, "IP:\t%s\n", ip ? ip : "");
	s = joined(ck_obj_get(spec, "clusterIPs"), ",", "<none>");
	ck_tabwriter_printf(w, "IPs:\t%s\n", s);
	free(s);
	if (ck_obj_array_len(ck_obj_get(spec, "externalIPs"))) {
		s = joined(ck_obj_get(spec, "externalIPs"), ",", NULL);
		ck_tabwriter_printf(w, "External IPs:\t%s\n", s);
		free(s);
	}
	const char *lbip = ck_obj_path_str(spec, "loadBalancerIP");
	if (lbip && lbip[0])
		ck_tabwriter_printf(w, "Desired LoadBalancer IP:\t%s\n", lbip);
	json_object *ingress = ck_obj_path(svc, "status.loadBalancer.ingress");
	if (ck_obj_array_len(ingress)) {
		ck_tabwriter_printf(w, "LoadBalancer Ingress:\t");
		for (size_t i = 0; i < ck_obj_array_len(ingress); i++) {
			json_object *in = json_object_array_get_idx(ingress, i);
			const char *v = ck_obj_path_str(in, "ip");
			if (!v || !v[0])
				v = ck_obj_path_str(in, "hostname");
			ck_tabwriter_printf(w, "%s%s", i ? ", " : "", v ? v : "");
		}
		ck_tabwriter_printf(w, "\n");
	}
	json_object *ports = ck_obj_get(spec, "ports");
	for (size_t i = 0; i < ck_obj_array_len(ports); i++) {
		json_object *p = json_object_array_get_idx(ports, i);
		const char *name = ck_obj_path_str(p, "name");
		const char *proto = ck_obj_path_str(p, "protocol");
		proto = proto ? proto : "";
		const char *shown = name && name[0] ? name : "<unset>";
		ck_tabwriter_printf(w, "Port:\t%s\t%lld/%s\n", shown,
				    (long long)json_object_get_int64(ck_obj_path(p, "port")),
				    proto);
		json_object *tp = ck_obj_path(p, "targetPort");
		ck_tabwriter_printf(w, "TargetPort:\t%s/%s\n",
				    tp ? json_object_get_string(tp) : "0", proto);
		json_object *np = ck_obj_path(p, "nodePort");
		if (np && json_object_get_int64(np))
			ck_tabwriter_printf(w, "NodePort:\t%s\t%lld/%s\n", shown,
					    (long long)json_object_get_int64(np), proto);
		s = format_endpoints(ep, name);
		ck_tabwriter_printf(w, "Endpoints:\t%s\n", s);
		free(s);
	}
	const char *ext = ck_obj_path_str(spec, "externalName");
	if (ext && ext[0])
		ck_tabwriter_printf(w, "External Name:\t%s\n", ext);
	const char *affinity = ck_obj_path_str(spec, "sessionAffinity");
	ck_tabwriter_printf(w, "Session Affinity:\t%s\n", affinity ? affinity : "");
	const char *etp = ck_obj_path_str(spec, "externalTrafficPolicy");
	if (etp && etp[0])
		ck_tabwriter_printf(w, "External Traffic Policy:\t%s\n", etp);
	const char *itp = ck_obj_path_str(spec, "internalTrafficPolicy");
	if (itp && itp[0])
		ck_tabwriter_printf(w, "Internal Traffic Policy:\t%s\n", itp);
	json_object *hc = ck_obj_path(spec, "healthCheckNodePort");
	if (hc && json_object_get_int64(hc))
		ck_tabwriter_printf(w, "HealthCheck NodePort:\t%lld\n",
				    (long long)json_object_get_int64(hc));
	if (ck_obj_array_len(ck_obj_get(spec, "loadBalancerSourceRanges"))) {
		s = joined(ck_obj_get(spec, "loadBalancerSourceRanges"), ",", NULL);
		ck_tabwriter_printf(w, "LoadBalancer Source Ranges:\t%s\n", s);
		free(s);
	}
	json_object_put(ep);
	return ck_describe_events(d, svc);
}

/* ---- the command ------------------------------------------------------------------------- */

struct describer {
	const char *group, *kind;
	int (*describe)(struct ck_describe *d, json_object *obj);
};

static const struct describer describers[] = {
	{ "", "Namespace", ck_describe_namespace },
	{ "", "LimitRange", ck_describe_limitrange },
	{ "", "ResourceQuota", ck_describe_resourcequota },
	{ "", "Secret", ck_describe_secret },
	{ "", "ServiceAccount", ck_describe_serviceaccount },
	{ "", "Endpoints", ck_describe_endpoints },
	{ "rbac.authorization.k8s.io", "RoleBinding", ck_describe_rolebinding },
	{ "rbac.authorization.k8s.io", "ClusterRoleBinding", ck_describe_rolebinding },
	{ "", "Service", describe_service },
	{ "", "ConfigMap", describe_configmap },
	{ "", "Pod", ck_describe_pod },
	{ "", "Node", ck_describe_node },
	{ "apps", "Deployment", ck_describe_deployment },
	{ "apps", "ReplicaSet", ck_describe_replicaset },
	{ "apps", "StatefulSet", ck_describe_statefulset },
	{ "apps", "DaemonSet", ck_describe_daemonset },
	{ "batch", "Job", ck_describe_job },
	{ "batch", "CronJob", ck_describe_cronjob },
	{ "scheduling.k8s.io", "PriorityClass", ck_describe_priorityclass },
};

/* kubectl's genericDescriber, for kinds without a describer of their own */
static const struct describer generic = { "", "", ck_describe_generic };

/*
 * Prints one object's description: after "\n\n" unless it is the first, or
 * (first NULL: a match of a name prefix) followed by "\n", as kubectl.
 */
static int describe_one(struct ck_kubectl *k, struct ck_client *c, const struct describer *dsc,
			json_object *obj, bool *first)
{
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	w.minwidth = 0;
	w.padding = 2;
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_buf text = CK_BUF_INIT;
	struct ck_describe d = { k, c, &w, &text, &err, o.show_events };
	int r = dsc->describe(&d, obj);
	if (r < 0) {
		r = ck_kubectl_print_error(k, &err);
	} else {
		ck_tabwriter_flush(&w, NULL, &text);
		if (first && !*first)
			fputs("\n\n", k->out);
		if (first)
			*first = false;
		fwrite(ck_buf_str(&text), 1, text.len, k->out);
		if (!first)
			fputc('\n', k->out);
	}
	ck_buf_release(&text);
	ck_tabwriter_release(&w);
	ck_client_error_release(&err);
	return r;
}

/* Describes every item of a list; 1 when one failed. */
static int describe_items(struct ck_kubectl *k, struct ck_client *c, const struct describer *dsc,
			  json_object *list, const char *prefix, bool *first)
{
	json_object *items = ck_obj_get(list, "items");
	int result = 0;
	for (size_t i = 0; i < ck_obj_array_len(items); i++) {
		json_object *obj = json_object_array_get_idx(items, i);
		if (prefix && strncmp(ck_obj_name(obj), prefix, strlen(prefix)) != 0)
			continue;
		result |= describe_one(k, c, dsc, obj, first);
	}
	return result;
}

static bool has_prefix_match(json_object *list, const char *prefix)
{
	json_object *items = ck_obj_get(list, "items");
	for (size_t i = 0; i < ck_obj_array_len(items); i++)
		if (strncmp(ck_obj_name(json_object_array_get_idx(items, i)), prefix,
			    strlen(prefix)) == 0)
			return true;
	return false;
}

/*
 * One info: the named object, or the collection. `describe TYPE NAME` of a
 * missing name describes the objects whose names start with it, as kubectl.
 */
static int describe_info(struct ck_kubectl *k, struct ck_client *c,
			 const struct ck_kubectl_info *info, bool by_prefix, bool *first)
{
	const struct describer *dsc = &generic;
	for (size_t i = 0; i < CK_ARRAY_SIZE(describers); i++)
		if (ck_streq(describers[i].group, info->res.group) &&
		    ck_streq(describers[i].kind, info->res.kind))
			dsc = &describers[i];
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err, lerr;
	ck_client_error_init(&err);
	ck_client_error_init(&lerr);
	struct ck_client_list_options lo = { .label_selector = o.selector };
	int result = 0;
	json_object *got = NULL;
	if (info->name) {
		if (ck_client_get(c, &gvr, info->namespace, info->name, &got, &err) == 0)
			result = describe_one(k, c, dsc, got, first);
		else if (by_prefix && err.code == 404 &&
			 ck_client_list(c, &gvr, info->namespace, &lo, &got, &lerr) == 0 &&
			 has_prefix_match(got, info->name))
			result = describe_items(k, c, dsc, got, info->name, NULL);
		else
			result = ck_kubectl_print_error(k, &err);
	} else if (ck_client_list(c, &gvr, info->namespace, &lo, &got, &err) < 0) {
		result = ck_kubectl_print_error(k, &err);
	} else {
		if (ck_obj_array_len(ck_obj_get(got, "items")) == 0 && *first) {
			/* kubectl names the namespace for cluster-scoped kinds too, not with -A */
			if (!o.all_namespaces)
				fprintf(k->err, "No resources found in %s namespace.\n",
					info->namespace ? info->namespace : k->namespace);
			else
				fprintf(k->err, "No resources found\n");
		}
		result = describe_items(k, c, dsc, got, NULL, first);
	}
	json_object_put(got);
	ck_client_error_release(&err);
	ck_client_error_release(&lerr);
	return result;
}

static int run_describe(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc < 1)
		return ck_kubectl_fail(
		    k, "You must specify the type of resource to describe. Use \"kubectl "
		       "api-resources\" for a complete list of supported resources.");
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .all_namespaces = o.all_namespaces };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	/* as kubectl: every object is described, the errors follow */
	char *errors = NULL;
	size_t errors_len = 0;
	FILE *err = k->err;
	FILE *buffered = open_memstream(&errors, &errors_len);
	if (buffered)
		k->err = buffered;
	int result = 0;
	bool first = true;
	bool by_prefix = argc == 2 && !strchr(argv[0], '/') && !strchr(argv[0], ',');
	for (size_t i = 0; i < infos.n; i++)
		result |= describe_info(k, c, &infos.v[i], by_prefix, &first);
	if (buffered) {
		fclose(buffered);
		k->err = err;
		fflush(k->out);
		fwrite(errors, 1, errors_len, err);
		free(errors);
	}
	ck_kubectl_infos_release(&infos);
	return result;
}

const struct ck_kubectl_command ck_kubectl_cmd_describe = {
	.name = "describe",
	.summary = "Show details of a specific resource or group of resources",
	.flags = describe_flags,
	.shorthands = describe_shorthands,
	.run = run_describe,
};
