/*
 * NodeRestriction (upstream's plugin/pkg/admission/noderestriction): what a
 * kubelet's credentials (system:node:<name> in system:nodes) may write
 * beyond what the Node authorizer lets through: only its own Node (and no
 * node-restriction.kubernetes.io/ or unknown kubernetes.io labels, no taint
 * changes on update), only mirror pods bound to itself that reference no
 * secrets, configmaps, claims or service account, the status and evictions
 * of pods bound to itself, tokens bound to pods bound to itself, and only
 * its own Lease in kube-node-lease.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/podrefs.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "auth/user.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define MIRROR_ANNOTATION "kubernetes.io/config.mirror"
#define NODE_LEASE_NAMESPACE "kube-node-lease"

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

static int deny(const struct ck_admission_attrs *a, json_object **ret_status, json_object *st)
{
	(void)a;
	*ret_status = st;
	return -EPERM;
}

static const char *pod_node(json_object *pod)
{
	const char *n = ck_obj_path_str(pod, "spec.nodeName");
	return n ? n : "";
}

struct ref_check {
	const char *what;
};

static bool first_ref(void *ctx, enum ck_pod_ref_kind kind, const char *name)
{
	(void)name;
	struct ref_check *c = ctx;
	static const char *const what[] = {
		[CK_POD_REF_SECRET] = "reference secrets",
		[CK_POD_REF_CONFIGMAP] = "reference configmaps",
		[CK_POD_REF_PVC] = "reference persistentvolumeclaims",
		[CK_POD_REF_SERVICE_ACCOUNT] = "use service accounts",
	};
	c->what = what[kind];
	return false;
}

static int pod_create(const char *node, const struct ck_admission_attrs *a, json_object **st)
{
	json_object *pod = a->obj;
	if (!ck_core_get(ck_obj_annotations(pod), MIRROR_ANNOTATION))
		return deny(a, st,
			    ck_admission_forbidden(a,
						   "pod does not have \"%s\" annotation, node "
						   "\"%s\" can only create mirror pods",
						   MIRROR_ANNOTATION, node));
	if (!ck_streq(pod_node(pod), node))
		return deny(a, st,
			    ck_admission_forbidden(a,
						   "node \"%s\" can only create pods with "
						   "spec.nodeName set to itself",
						   node));
	json_object *owners = ck_obj_path(pod, "metadata.ownerReferences");
	if (ck_core_len(owners)) {
		json_object *o = ck_core_at(owners, 0);
		if (ck_core_len(owners) > 1 || !ck_streq(ck_core_str(o, "kind"), "Node") ||
		    !ck_streq(ck_core_str(o, "apiVersion"), "v1") ||
		    !ck_streq(ck_core_str(o, "name"), node))
			return deny(a, st,
				    ck_admission_forbidden(a,
							   "node \"%s\" can only create pods with "
							   "an owner reference set to itself",
							   node));
	}
	struct ref_check c = { NULL };
	if (!ck_api_pod_visit_refs(pod, first_ref, &c))
		return deny(a, st,
			    ck_admission_forbidden(a, "node \"%s\" can not create pods that %s",
						   node, c.what));
	return 0;
}

/* The pod the request is about: old on update and delete, else a lookup. */
static json_object *existing_pod(const struct ck_admission_source *src,
				 const struct ck_admission_attrs *a)
{
	if (a->old)
		return json_object_get(a->old);
	json_object *pod = NULL;
	if (src->get(src->ctx, "", "pods", a->namespace, a->name, &pod) < 0)
		return NULL;
	return pod;
}

static int admit_pod(const struct ck_admission_source *src, const char *node,
		     const struct ck_admission_attrs *a, json_object **st)
{
	const char *sub = a->subresource ? a->subresource : "";
	if (!*sub) {
		if (a->op == CK_ADMISSION_CREATE)
			return pod_create(node, a, st);
		if (a->op == CK_ADMISSION_DELETE) {
			if (!ck_streq(pod_node(a->old), node))
				return deny(
				    a, st,
				    ck_admission_forbidden(a,
							   "node \"%s\" can only delete pods "
							   "with spec.nodeName set to itself",
							   node));
			return 0;
		}
		char msg[256];
		snprintf(msg, sizeof(msg),
			 "unexpected operation %s, node \"%s\" can only create and delete mirror "
			 "pods",
			 ck_admission_op_name(a->op), node);
		return deny(a, st, ck_admission_forbidden(a, "%s", msg));
	}
	bool status = ck_streq(sub, "status"), eviction = ck_streq(sub, "eviction");
	if (!status && !eviction)
		return 0;
	json_object *pod = existing_pod(src, a);
	bool mine = pod && ck_streq(pod_node(pod), node);
	json_object_put(pod);
	if (mine)
		return 0;
	if (status)
		return deny(
		    a, st,
		    ck_admission_forbidden(a,
					   "node \"%s\" can only update pod status for pods "
					   "with spec.nodeName set to itself",
					   node));
	return deny(a, st,
		    ck_admission_forbidden(a,
					   "node \"%s\" can only evict pods with spec.nodeName "
					   "set to itself",
					   node));
}

/* Labels a kubelet may set under kubernetes.io and k8s.io (upstream's
 * kubeletapis.IsKubeletLabel). */
static bool kubelet_label(const char *key)
{
	static const char *const labels[] = {
		"kubernetes.io/hostname",
		"kubernetes.io/arch",
		"kubernetes.io/os",
		"beta.kubernetes.io/arch",
		"beta.kubernetes.io/os",
		"beta.kubernetes.io/instance-type",
		"node.kubernetes.io/instance-type",
		"failure-domain.beta.kubernetes.io/region",
		"failure-domain.beta.kubernetes.io/zone",
		"topology.kubernetes.io/region",
		"topology.kubernetes.io/zone",
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(labels); i++)
		if (ck_streq(key, labels[i]))
			return true;
	const char *slash = strchr(key, '/');
	if (!slash)
		return true;
	size_t n = (size_t)(slash - key);
	char ns[256];
	snprintf(ns, sizeof(ns), "%.*s", (int)(n < 255 ? n : 255), key);
	if (ck_streq(ns, "kubelet.kubernetes.io") || ck_streq(ns, "node.kubernetes.io") ||
	    ck_str_has_suffix(ns, ".kubelet.kubernetes.io") ||
	    ck_str_has_suffix(ns, ".node.kubernetes.io"))
		return true;
	return !(ck_streq(ns, "kubernetes.io") || ck_streq(ns, "k8s.io") ||
		 ck_str_has_suffix(ns, ".kubernetes.io") || ck_str_has_suffix(ns, ".k8s.io"));
}

/* The label keys a node may not set or change, comma-separated; "" when none. */
static void forbidden_labels(json_object *labels, json_object *old_labels, struct ck_buf *out)
{
	if (!labels)
		return;
	json_object_object_foreach (labels, k, v) {
		json_object *was = ck_core_get(old_labels, k);
		if (was && json_object_equal(was, v))
			continue;
		bool restricted = ck_str_has_prefix(k, "node-restriction.kubernetes.io/");
		if (restricted || !kubelet_label(k))
			ck_buf_addf(out, "%s%s", out->len ? ", " : "", k);
	}
}

static int admit_node(const char *node, const struct ck_admission_attrs *a, json_object **st)
{
	const char *requested = a->name && *a->name ? a->name : a->obj ? ck_obj_name(a->obj) : "";
	if (!ck_streq(requested, node))
		return deny(
		    a, st,
		    ck_admission_forbidden(a, "node \"%s\" is not allowed to modify node \"%s\"",
					   node, requested ? requested : ""));
	if (a->op == CK_ADMISSION_DELETE || !a->obj || (a->subresource && *a->subresource))
		return 0;
	struct ck_buf bad = CK_BUF_INIT;
	forbidden_labels(ck_obj_labels(a->obj), a->old ? ck_obj_labels(a->old) : NULL, &bad);
	int r = 0;
	if (bad.len) {
		r = deny(a, st,
			 ck_admission_forbidden(
			     a, "node \"%s\" is not allowed to %s the following labels: %s", node,
			     a->op == CK_ADMISSION_CREATE ? "set" : "modify", ck_buf_str(&bad)));
	} else if (a->op == CK_ADMISSION_UPDATE &&
		   !ck_core_equal(ck_obj_path(a->obj, "spec.taints"),
				  ck_obj_path(a->old, "spec.taints"))) {
		r = deny(
		    a, st,
		    ck_admission_forbidden(a, "node \"%s\" is not allowed to modify taints", node));
	}
	ck_buf_release(&bad);
	return r;
}

static int admit_token(const struct ck_admission_source *src, const char *node,
		       const struct ck_admission_attrs *a, json_object **st)
{
	json_object *ref = a->obj ? ck_obj_path(a->obj, "spec.boundObjectRef") : NULL;
	if (!ref || !ck_streq(ck_core_str(ref, "kind"), "Pod"))
		return deny(a, st,
			    ck_admission_forbidden(a, "node requested token not bound to a pod"));
	json_object *pod = NULL;
	if (src->get(src->ctx, "", "pods", a->namespace, ck_core_str(ref, "name"), &pod) < 0)
		return deny(a, st,
			    ck_admission_forbidden(a, "node requested token bound to a pod that "
						      "does not exist"));
	const char *uid = ck_core_str(ref, "uid");
	int r = 0;
	if (*uid && !ck_streq(uid, ck_obj_uid(pod)))
		r = deny(a, st,
			 ck_admission_forbidden(a,
						"the UID in the bound object reference (%s) "
						"does not match the UID in record. The object "
						"might have been deleted and then recreated",
						uid));
	else if (!ck_streq(pod_node(pod), node))
		r = deny(a, st,
			 ck_admission_forbidden(a, "node requested token bound to a pod scheduled "
						   "on a different node"));
	json_object_put(pod);
	return r;
}

static int admit_lease(const char *node, const struct ck_admission_attrs *a, json_object **st)
{
	if (!ck_streq(a->namespace, NODE_LEASE_NAMESPACE))
		return deny(a, st,
			    ck_admission_forbidden(a, "can only access leases in the %s namespace",
						   NODE_LEASE_NAMESPACE));
	const char *name = a->name && *a->name ? a->name : a->obj ? ck_obj_name(a->obj) : "";
	if (!ck_streq(name, node))
		return deny(a, st,
			    ck_admission_forbidden(a, "can only access node lease with the same "
						      "name as the requesting node"));
	return 0;
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	const struct ck_admission_source *src = state;
	const char *node = ck_user_node_name(a->user);
	if (!node)
		return 0;
	if (!*node)
		return deny(a, ret_status,
			    ck_admission_forbidden(a, "could not determine node from user \"%s\"",
						   a->user->name));
	const char *group = a->res->group, *res = a->res->resource;
	const char *sub = a->subresource ? a->subresource : "";
	if (!*group && ck_streq(res, "pods"))
		return admit_pod(src, node, a, ret_status);
	if (!*group && ck_streq(res, "nodes"))
		return admit_node(node, a, ret_status);
	if (!*group && ck_streq(res, "serviceaccounts") && ck_streq(sub, "token"))
		return admit_token(src, node, a, ret_status);
	if (ck_streq(group, "coordination.k8s.io") && ck_streq(res, "leases"))
		return admit_lease(node, a, ret_status);
	return 0;
}

const struct ck_admission_plugin ck_admission_node_restriction = {
	.name = "NodeRestriction",
	.default_on = false,
	.init = init,
	.admit = admit,
};
