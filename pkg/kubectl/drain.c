/*
 * kubectl drain NODE: cordon it, then evict its pods (pods/eviction) but
 * mirror pods, DaemonSet pods (with --ignore-daemonsets) and, unless
 * --force, pods no controller owns; then wait (watching) until they are gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"
#include "util/time.h"

static struct {
	bool ignore_daemonsets;
	bool force;
	bool delete_emptydir_data;
	bool disable_eviction;
	int grace_period;
	const char *timeout;
} o = { .grace_period = -1 };

static const struct ck_flag drain_flags[] = {
	{ "ignore-daemonsets", CK_FLAG_BOOL, &o.ignore_daemonsets,
	  "Ignore DaemonSet-managed pods" },
	{ "force", CK_FLAG_BOOL, &o.force, "Continue even if there are pods without a controller" },
	{ "delete-emptydir-data", CK_FLAG_BOOL, &o.delete_emptydir_data,
	  "Continue even if there are pods using emptyDir" },
	{ "disable-eviction", CK_FLAG_BOOL, &o.disable_eviction,
	  "Delete pods instead of evicting" },
	{ "grace-period", CK_FLAG_INT, &o.grace_period,
	  "Period of time in seconds given to each pod to terminate (-1: the pod's)" },
	{ "timeout", CK_FLAG_STRING, &o.timeout, "The length of time to wait before giving up" },
	{ 0 },
};

static const char *controller_kind(json_object *pod)
{
	json_object *r = ck_obj_controller_ref(pod);
	return r ? ck_obj_path_str(r, "kind") : NULL;
}

static bool uses_emptydir(json_object *pod)
{
	json_object *vols = ck_obj_path(pod, "spec.volumes");
	for (size_t i = 0; vols && i < json_object_array_length(vols); i++)
		if (json_object_object_get(json_object_array_get_idx(vols, i), "emptyDir"))
			return true;
	return false;
}

static void join_ref(struct ck_buf *b, json_object *pod)
{
	ck_buf_addf(b, "%s%s/%s", b->len ? ", " : "", ck_obj_namespace(pod), ck_obj_name(pod));
}

static int drain_node(struct ck_kubectl *k, struct ck_client *c, const char *node, int64_t deadline)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_gvr pods = { "", "v1", "pods" };
	struct ck_gvr nodes = { "", "v1", "nodes" };
	json_object *n = NULL, *list = NULL;
	int status = 0;
	if (ck_client_get(c, &nodes, NULL, node, &n, &err) < 0) {
		status = ck_kubectl_print_error(k, &err);
		goto out;
	}
	json_object *u = ck_obj_path(n, "spec.unschedulable");
	if (u && json_object_get_boolean(u)) {
		fprintf(k->out, "node/%s already cordoned\n", node);
	} else if (ck_client_patch(c, &nodes, NULL, node, CK_PATCH_MERGE,
				   "{\"spec\":{\"unschedulable\":true}}", NULL, NULL, &err) < 0) {
		status = ck_kubectl_print_error(k, &err);
		goto out;
	} else {
		fprintf(k->out, "node/%s cordoned\n", node);
	}
	fflush(k->out);
	char fs[512];
	snprintf(fs, sizeof(fs), "spec.nodeName=%s", node);
	struct ck_client_list_options lo = { .field_selector = fs };
	if (ck_client_list(c, &pods, NULL, &lo, &list, &err) < 0) {
		status = ck_kubectl_print_error(k, &err);
		goto out;
	}
	json_object *items = json_object_object_get(list, "items");
	json_object *evict = json_object_new_array();
	struct ck_buf unmanaged = CK_BUF_INIT, daemons = CK_BUF_INIT, local = CK_BUF_INIT;
	for (size_t i = 0; items && i < json_object_array_length(items); i++) {
		json_object *p = json_object_array_get_idx(items, i);
		json_object *ann = ck_obj_annotations(p);
		if (ann && json_object_object_get(ann, "kubernetes.io/config.mirror"))
			continue;
		const char *phase = ck_obj_path_str(p, "status.phase");
		bool finished = ck_streq(phase, "Succeeded") || ck_streq(phase, "Failed");
		const char *ctrl = controller_kind(p);
		if (ck_streq(ctrl, "DaemonSet") && !finished) {
			join_ref(&daemons, p);
			continue;
		}
		if (!ctrl && !finished)
			join_ref(&unmanaged, p);
		if (uses_emptydir(p) && !finished)
			join_ref(&local, p);
		json_object_array_add(evict, json_object_get(p));
	}
	if ((unmanaged.len && !o.force) || (daemons.len && !o.ignore_daemonsets) ||
	    (local.len && !o.delete_emptydir_data)) {
		struct ck_buf why = CK_BUF_INIT;
		if (unmanaged.len && !o.force)
			ck_buf_addf(&why,
				    "cannot delete Pods that declare no controller (use --force "
				    "to override): %s",
				    ck_buf_str(&unmanaged));
		if (daemons.len && !o.ignore_daemonsets)
			ck_buf_addf(&why,
				    "%scannot delete DaemonSet-managed Pods (use "
				    "--ignore-daemonsets to ignore): %s",
				    why.len ? ", " : "", ck_buf_str(&daemons));
		if (local.len && !o.delete_emptydir_data)
			ck_buf_addf(&why,
				    "%scannot delete Pods with local storage (use "
				    "--delete-emptydir-data to override): %s",
				    why.len ? ", " : "", ck_buf_str(&local));
		status = ck_kubectl_fail(k, "unable to drain node \"%s\" due to error: %s", node,
					 ck_buf_str(&why));
		ck_buf_release(&why);
	} else {
		if (unmanaged.len)
			fprintf(k->err, "Warning: deleting Pods that declare no controller: %s\n",
				ck_buf_str(&unmanaged));
		if (daemons.len)
			fprintf(k->err, "Warning: ignoring DaemonSet-managed Pods: %s\n",
				ck_buf_str(&daemons));
		for (size_t i = 0; i < json_object_array_length(evict) && status == 0; i++) {
			json_object *p = json_object_array_get_idx(evict, i);
			const char *ns = ck_obj_namespace(p), *name = ck_obj_name(p);
			json_object *opts = json_object_new_object();
			if (o.grace_period >= 0)
				json_object_object_add(opts, "gracePeriodSeconds",
						       json_object_new_int(o.grace_period));
			int r;
			if (o.disable_eviction) {
				fprintf(k->out, "deleting pod %s/%s\n", ns, name);
				r = ck_client_delete(c, &pods, ns, name, opts, NULL, &err);
			} else {
				fprintf(k->out, "evicting pod %s/%s\n", ns, name);
				json_object *ev = json_object_new_object();
				json_object_object_add(ev, "apiVersion",
						       json_object_new_string("policy/v1"));
				json_object_object_add(ev, "kind",
						       json_object_new_string("Eviction"));
				json_object *md = json_object_new_object();
				json_object_object_add(md, "name", json_object_new_string(name));
				json_object_object_add(md, "namespace", json_object_new_string(ns));
				json_object_object_add(ev, "metadata", md);
				json_object_object_add(ev, "deleteOptions", json_object_get(opts));
				struct ck_client_request req = {
					.verb = "POST",
					.version = "v1",
					.resource = "pods",
					.namespace = ns,
					.name = name,
					.subresource = "eviction",
					.body = ev,
				};
				r = ck_client_do(c, &req, NULL, &err);
				json_object_put(ev);
			}
			json_object_put(opts);
			fflush(k->out);
			if (r < 0 && r != -ENOENT) {
				status = ck_kubectl_print_error(k, &err);
				break;
			}
			/* gone when the pod with that uid no longer exists */
			r = ck_kubectl_wait_gone(c, &pods, ns, name, ck_obj_uid(p), deadline, &err);
			if (r == 0)
				fprintf(k->out, "pod/%s %s\n", name,
					o.disable_eviction ? "deleted" : "evicted");
			else if (r == -ETIMEDOUT)
				status = ck_kubectl_fail(k, "drain did not complete within %s",
							 o.timeout);
			else
				status = ck_kubectl_print_error(k, &err);
		}
		if (status == 0)
			fprintf(k->out, "node/%s drained\n", node);
	}
	ck_buf_release(&unmanaged);
	ck_buf_release(&daemons);
	ck_buf_release(&local);
	json_object_put(evict);
out:
	json_object_put(n);
	json_object_put(list);
	ck_client_error_release(&err);
	return status;
}

static int run_drain(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc == 0)
		return ck_kubectl_fail(k, "USAGE: drain NODE [flags]");
	int64_t timeout_ms = 0;
	if (o.timeout && ck_parse_duration_ms(o.timeout, &timeout_ms) < 0)
		return ck_kubectl_fail(k, "invalid argument \"%s\" for \"--timeout\" flag",
				       o.timeout);
	int64_t deadline = timeout_ms ? ck_time_mono_ns() + timeout_ms * 1000000 : INT64_MAX;
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	int status = 0;
	for (int i = 0; i < argc && status == 0; i++) {
		const char *name = argv[i];
		if (strncmp(name, "node/", 5) == 0)
			name += 5;
		status = drain_node(k, c, name, deadline);
	}
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_drain = {
	.name = "drain",
	.summary = "Drain node in preparation for maintenance",
	.flags = drain_flags,
	.run = run_drain,
};
