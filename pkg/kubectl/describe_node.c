/*
 * kubectl describe node (upstream's describeNode, describeNodeLease,
 * describeNodeResource): the node, its Lease in kube-node-lease, the pods
 * bound to it that have not terminated with what they request, and the
 * events about it (by uid and by name, as kubelets report them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/quantity.h"
#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/json_write.h"

#define NODE_ROLE_PREFIX "node-role.kubernetes.io/"

/* findNodeRoles, joined by "," (owned; "" when none). */
static char *node_roles(json_object *labels)
{
	size_t n;
	const char **keys = ck_json_sorted_keys(labels, &n);
	const char **roles = ck_calloc(n + 1, sizeof(*roles));
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = json_object_get_string(json_object_object_get(labels, keys[i]));
		const char *role = NULL;
		if (ck_str_has_prefix(keys[i], NODE_ROLE_PREFIX))
			role = keys[i] + strlen(NODE_ROLE_PREFIX);
		else if (ck_streq(keys[i], "kubernetes.io/role"))
			role = v;
		if (!role || !role[0])
			continue;
		/* a sorted set */
		size_t j = 0;
		while (j < nr && strcmp(roles[j], role) < 0)
			j++;
		if (j < nr && ck_streq(roles[j], role))
			continue;
		memmove(&roles[j + 1], &roles[j], (nr - j) * sizeof(*roles));
		roles[j] = role;
		nr++;
	}
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < nr; i++)
		ck_buf_addf(&b, "%s%s", i ? "," : "", roles[i]);
	free(roles);
	free(keys);
	return ck_buf_detach(&b, NULL);
}

/* Taints compare by "effect,key", as kubectl sorts them. */
static int cmp_taints(json_object *a, json_object *b)
{
	struct ck_buf x = CK_BUF_INIT, y = CK_BUF_INIT;
	ck_buf_addf(&x, "%s,%s", ck_obj_path_str_or(a, "effect", ""),
		    ck_obj_path_str_or(a, "key", ""));
	ck_buf_addf(&y, "%s,%s", ck_obj_path_str_or(b, "effect", ""),
		    ck_obj_path_str_or(b, "key", ""));
	int c = strcmp(ck_buf_str(&x), ck_buf_str(&y));
	ck_buf_release(&x);
	ck_buf_release(&y);
	return c;
}

/* printNodeTaintsMultiline with taint.ToString(). */
static void describe_taints(struct ck_tabwriter *w, json_object *taints)
{
	size_t n = ck_obj_array_len(taints);
	json_object **v = ck_calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = json_object_array_get_idx(taints, i);
		for (size_t j = i; j > 0 && cmp_taints(v[j - 1], v[j]) > 0; j--) {
			json_object *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	ck_tabwriter_printf(w, "Taints:\t%s", n ? "" : "<none>\n");
	for (size_t i = 0; i < n; i++) {
		const char *key = ck_obj_path_str_or(v[i], "key", "");
		const char *value = ck_obj_path_str_or(v[i], "value", "");
		const char *effect = ck_obj_path_str_or(v[i], "effect", "");
		if (i)
			ck_tabwriter_printf(w, "\t");
		if (!effect[0] && !value[0])
			ck_tabwriter_printf(w, "%s\n", key);
		else if (!effect[0])
			ck_tabwriter_printf(w, "%s=%s:\n", key, value);
		else if (!value[0])
			ck_tabwriter_printf(w, "%s:%s\n", key, effect);
		else
			ck_tabwriter_printf(w, "%s=%s:%s\n", key, value, effect);
	}
	free(v);
}

static void describe_lease(struct ck_describe *d, json_object *node)
{
	struct ck_gvr gvr = { "coordination.k8s.io", "v1", "leases" };
	struct ck_client_error err;
	json_object *lease = NULL;
	ck_client_error_init(&err);
	if (ck_client_get(d->c, &gvr, "kube-node-lease", ck_obj_name(node), &lease, &err) < 0) {
		ck_tabwriter_printf(d->w, "Lease:\tFailed to get lease: %s\n", err.message);
		ck_client_error_release(&err);
		return;
	}
	ck_client_error_release(&err);
	char t[CK_DESCRIBE_TIME_BUF];
	ck_tabwriter_printf(d->w, "Lease:\n  HolderIdentity:\t%s\n",
			    ck_obj_path_str_or(lease, "spec.holderIdentity", "<unset>"));
	static const char *const fields[] = { "acquireTime", "renewTime" };
	static const char *const titles[] = { "AcquireTime", "RenewTime" };
	for (size_t i = 0; i < 2; i++) {
		json_object *spec = ck_obj_get(lease, "spec");
		const char *v = ck_obj_path_str(spec, fields[i]);
		if (v)
			ck_describe_time(v, t);
		ck_tabwriter_printf(d->w, "  %s:\t%s\n", titles[i], v ? t : "<unset>");
	}
	json_object_put(lease);
}

/* Sorted "  name:\tquantity" lines of a ResourceList. */
static void describe_resource_list(struct ck_tabwriter *w, const char *title, json_object *list)
{
	size_t n;
	const char **keys = ck_json_sorted_keys(list, &n);
	if (n)
		ck_tabwriter_printf(w, "%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		char *q = ck_describe_quantity(list, keys[i]);
		ck_tabwriter_printf(w, "  %s:\t%s\n", keys[i], q);
		free(q);
	}
	free(keys);
}

/* Value() (or MilliValue()) of a ResourceList entry, 0 when absent. */
static int64_t value_of(json_object *list, const char *name, bool milli)
{
	struct ck_quantity q;
	int64_t v = 0;
	if (ck_quantity_from_json(ck_obj_get(list, name), &q) < 0)
		return 0;
	if ((milli ? ck_quantity_milli_value(&q, &v) : ck_quantity_value(&q, &v)) < 0)
		return 0;
	return v;
}

/*
 * int64(float64(part) / float64(whole) * 100) as Go computes it on amd64,
 * where a division by zero gives ±Inf or NaN and the conversion INT64_MIN.
 */
static long long percent(int64_t part, int64_t whole)
{
	if (whole == 0)
		return INT64_MIN;
	return (long long)((double)part / (double)whole * 100);
}

/* "q (p%)" of one resource (owned). */
static char *with_percent(json_object *list, const char *name, int64_t whole, bool milli)
{
	char *q = ck_describe_quantity(list, name);
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s (%lld%%)", q, percent(value_of(list, name, milli), whole));
	free(q);
	return ck_buf_detach(&b, NULL);
}

static bool is_hugepages(const char *name)
{
	return ck_str_has_prefix(name, "hugepages-");
}

/* describeNodeResource over the node's non-terminated pods (a list). */
static void describe_node_resources(struct ck_tabwriter *w, json_object *node, json_object *pods)
{
	json_object *items = ck_obj_get(pods, "items");
	size_t n = ck_obj_array_len(items);
	ck_tabwriter_printf(w, "Non-terminated Pods:\t(%zu in total)\n", n);
	ck_tabwriter_printf(w, "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\t"
			       "Memory Limits\tAge\n");
	ck_tabwriter_printf(w, "  ---------\t----\t\t------------\t----------\t---------------\t"
			       "-------------\t---\n");
	json_object *alloc = ck_obj_path(node, "status.allocatable");
	if (!alloc || json_object_object_length(alloc) == 0)
		alloc = ck_obj_path(node, "status.capacity");
	int64_t cpu = value_of(alloc, "cpu", true), mem = value_of(alloc, "memory", false);
	json_object *total_req = json_object_new_object(), *total_lim = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		json_object *pod = json_object_array_get_idx(items, i), *req, *lim;
		ck_describe_pod_requests_limits(pod, &req, &lim);
		char *cells[4] = { with_percent(req, "cpu", cpu, true),
				   with_percent(lim, "cpu", cpu, true),
				   with_percent(req, "memory", mem, false),
				   with_percent(lim, "memory", mem, false) };
		char age[32];
		ck_describe_age(ck_obj_path_str(pod, "metadata.creationTimestamp"), age,
				sizeof(age));
		ck_tabwriter_printf(w, "  %s\t%s\t\t%s\t%s\t%s\t%s\t%s\n",
				    ck_obj_path_str_or(pod, "metadata.namespace", ""),
				    ck_obj_name(pod), cells[0], cells[1], cells[2], cells[3], age);
		for (size_t c = 0; c < 4; c++)
			free(cells[c]);
		json_object_object_foreach (req, rname, rq)
			ck_describe_resource_add(total_req, rname, rq);
		json_object_object_foreach (lim, lname, lq)
			ck_describe_resource_add(total_lim, lname, lq);
		json_object_put(req);
		json_object_put(lim);
	}
	ck_tabwriter_printf(w,
			    "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
			    "overcommitted.)\n");
	ck_tabwriter_printf(w, "  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
	/* the totals: a zero allocatable gives 0% here */
	static const char *const std[] = { "cpu", "memory", "ephemeral-storage" };
	for (size_t i = 0; i < 3; i++) {
		bool milli = i == 0;
		int64_t whole = value_of(alloc, std[i], milli);
		char *rq = ck_describe_quantity(total_req, std[i]);
		char *lq = ck_describe_quantity(total_lim, std[i]);
		ck_tabwriter_printf(w, "  %s\t%s (%lld%%)\t%s (%lld%%)\n", std[i], rq,
				    whole ? percent(value_of(total_req, std[i], milli), whole) : 0,
				    lq,
				    whole ? percent(value_of(total_lim, std[i], milli), whole) : 0);
		free(rq);
		free(lq);
	}
	size_t nk;
	const char **keys = ck_json_sorted_keys(alloc, &nk);
	for (size_t i = 0; i < nk; i++) {
		if (!is_hugepages(keys[i]))
			continue;
		int64_t whole = value_of(alloc, keys[i], false);
		char *rq = ck_describe_quantity(total_req, keys[i]);
		char *lq = ck_describe_quantity(total_lim, keys[i]);
		ck_tabwriter_printf(
		    w, "  %s\t%s (%lld%%)\t%s (%lld%%)\n", keys[i], rq,
		    whole ? percent(value_of(total_req, keys[i], false), whole) : 0, lq,
		    whole ? percent(value_of(total_lim, keys[i], false), whole) : 0);
		free(rq);
		free(lq);
	}
	for (size_t i = 0; i < nk; i++) {
		if (is_hugepages(keys[i]) || ck_streq(keys[i], "cpu") ||
		    ck_streq(keys[i], "memory") || ck_streq(keys[i], "ephemeral-storage") ||
		    ck_streq(keys[i], "pods"))
			continue;
		char *rq = ck_describe_quantity(total_req, keys[i]);
		char *lq = ck_describe_quantity(total_lim, keys[i]);
		ck_tabwriter_printf(w, "  %s\t%s\t%s\n", keys[i], rq, lq);
		free(rq);
		free(lq);
	}
	free(keys);
	json_object_put(total_req);
	json_object_put(total_lim);
}

int ck_describe_node(struct ck_describe *d, json_object *node)
{
	struct ck_tabwriter *w = d->w;
	const char *name = ck_obj_name(node);
	/* the pods on the node that have not terminated, in every namespace */
	struct ck_buf fs = CK_BUF_INIT;
	ck_buf_addf(&fs, "spec.nodeName=%s,status.phase!=Failed,status.phase!=Succeeded", name);
	struct ck_gvr pods_gvr = { "", "v1", "pods" };
	struct ck_client_list_options lo = { .field_selector = ck_buf_str(&fs), .limit = 500 };
	json_object *pods = NULL;
	int r = ck_client_list(d->c, &pods_gvr, NULL, &lo, &pods, d->err);
	ck_buf_release(&fs);
	bool can_view_pods = r == 0;
	if (r < 0 && d->err->code != 403)
		return r;

	char t[CK_DESCRIBE_TIME_BUF];
	ck_tabwriter_printf(w, "Name:\t%s\n", name);
	char *roles = node_roles(ck_obj_labels(node));
	ck_tabwriter_printf(w, "Roles:\t%s\n", roles[0] ? roles : "<none>");
	free(roles);
	ck_describe_labels(w, "Labels", ck_obj_labels(node));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(node));
	ck_describe_time(ck_obj_path_str(node, "metadata.creationTimestamp"), t);
	ck_tabwriter_printf(w, "CreationTimestamp:\t%s\n", t);
	describe_taints(w, ck_obj_path(node, "spec.taints"));
	ck_tabwriter_printf(w, "Unschedulable:\t%s\n",
			    ck_describe_bool(node, "spec.unschedulable") ? "true" : "false");
	describe_lease(d, node);
	json_object *conds = ck_obj_path(node, "status.conditions");
	if (ck_obj_array_len(conds)) {
		ck_tabwriter_printf(w, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\t"
				       "LastTransitionTime\tReason\tMessage\n");
		ck_tabwriter_printf(w, "  ----\t------\t-----------------\t------------------\t"
				       "------\t-------\n");
	}
	for (size_t i = 0; i < ck_obj_array_len(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		char hb[CK_DESCRIBE_TIME_BUF], tr[CK_DESCRIBE_TIME_BUF];
		ck_describe_time(ck_obj_path_str(c, "lastHeartbeatTime"), hb);
		ck_describe_time(ck_obj_path_str(c, "lastTransitionTime"), tr);
		ck_tabwriter_printf(
		    w, "  %s \t%s \t%s \t%s \t%s \t%s\n", ck_obj_path_str_or(c, "type", ""),
		    ck_obj_path_str_or(c, "status", ""), hb, tr,
		    ck_obj_path_str_or(c, "reason", ""), ck_obj_path_str_or(c, "message", ""));
	}
	ck_tabwriter_printf(w, "Addresses:\n");
	json_object *addrs = ck_obj_path(node, "status.addresses");
	for (size_t i = 0; i < ck_obj_array_len(addrs); i++) {
		json_object *a = json_object_array_get_idx(addrs, i);
		ck_tabwriter_printf(w, "  %s:\t%s\n", ck_obj_path_str_or(a, "type", ""),
				    ck_obj_path_str_or(a, "address", ""));
	}
	describe_resource_list(w, "Capacity", ck_obj_path(node, "status.capacity"));
	describe_resource_list(w, "Allocatable", ck_obj_path(node, "status.allocatable"));
	static const char *const info[][2] = {
		{ "Machine ID", "machineID" },
		{ "System UUID", "systemUUID" },
		{ "Boot ID", "bootID" },
		{ "Kernel Version", "kernelVersion" },
		{ "OS Image", "osImage" },
		{ "Operating System", "operatingSystem" },
		{ "Architecture", "architecture" },
		{ "Container Runtime Version", "containerRuntimeVersion" },
		{ "Kubelet Version", "kubeletVersion" },
		{ "Kube-Proxy Version", "kubeProxyVersion" },
	};
	ck_tabwriter_printf(w, "System Info:\n");
	json_object *node_info = ck_obj_path(node, "status.nodeInfo");
	for (size_t i = 0; i < CK_ARRAY_SIZE(info); i++)
		ck_tabwriter_printf(w, "  %s:\t%s\n", info[i][0],
				    ck_obj_path_str_or(node_info, info[i][1], ""));
	ck_describe_optional(w, "PodCIDR", node, "spec.podCIDR");
	json_object *cidrs = ck_obj_path(node, "spec.podCIDRs");
	if (ck_obj_array_len(cidrs)) {
		ck_tabwriter_printf(w, "PodCIDRs:\t");
		for (size_t i = 0; i < ck_obj_array_len(cidrs); i++)
			ck_tabwriter_printf(
			    w, "%s%s", i ? "," : "",
			    json_object_get_string(json_object_array_get_idx(cidrs, i)));
		ck_tabwriter_printf(w, "\n");
	}
	ck_describe_optional(w, "ProviderID", node, "spec.providerID");
	if (can_view_pods)
		describe_node_resources(w, node, pods);
	else
		ck_tabwriter_printf(w, "Pods:\tnot authorized\n");
	json_object_put(pods);
	/* controllers report node events with the node's uid, kubelets with its name */
	const char *uids[2] = { ck_obj_uid(node), name };
	return ck_describe_events_ref(d, "", name, "Node", uids, 2);
}
