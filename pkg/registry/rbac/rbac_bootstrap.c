/*
 * Upstream's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy, v1.30) and its reconciliation at start (the
 * rbac/bootstrap-roles post-start hook). The controller roles
 * (system:controller:*) come with kube-controller-manager.
 *
 * Rules are written compactly, one string each:
 *   "verbs;apiGroups;resources[;resourceNames]"   (lists comma-separated;
 *                                                  an empty item is the core group)
 *   "verbs;@nonResourceURLs"
 * Subjects: space-separated "G:<group>", "U:<user>", "S:<ns>/<name>".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "auth/rbac.h"
#include "registry/rbac/rbac.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

#define AGG_ADMIN "rbac.authorization.k8s.io/aggregate-to-admin"
#define AGG_EDIT "rbac.authorization.k8s.io/aggregate-to-edit"
#define AGG_VIEW "rbac.authorization.k8s.io/aggregate-to-view"

struct policy_role {
	const char *name;
	const char *ns;	       /* NULL: a ClusterRole */
	const char *label;     /* an extra "key" set to "true", or NULL */
	const char *aggregate; /* aggregationRule matching this label "true", or NULL */
	const char *const *rules;
};

struct policy_binding {
	const char *name;
	const char *ns;	  /* NULL: a ClusterRoleBinding */
	const char *kind; /* roleRef.kind */
	const char *role;
	const char *subjects;
};

#define RULES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define RW "create,delete,deletecollection,patch,update"
#define READ "get,list,watch"
#define EVENTS "create,patch,update;,events.k8s.io;events"

static const struct policy_role roles[] = {
	{ "cluster-admin", NULL, NULL, NULL, RULES("*;*;*", "*;@*") },
	{ "admin", NULL, NULL, AGG_ADMIN, NULL },
	{ "edit", NULL, AGG_ADMIN, AGG_EDIT, NULL },
	{ "view", NULL, AGG_EDIT, AGG_VIEW, NULL },
	{ "system:aggregate-to-admin", NULL, AGG_ADMIN, NULL,
	  RULES("create;authorization.k8s.io;localsubjectaccessreviews",
		RW ",get,list,watch;rbac.authorization.k8s.io;rolebindings,roles") },
	{ "system:aggregate-to-edit", NULL, AGG_EDIT, NULL,
	  RULES(
	      READ ";;pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy",
	      "impersonate;;serviceaccounts",
	      RW ";;pods,pods/attach,pods/exec,pods/portforward,pods/proxy",
	      "create;;pods/eviction",
	      RW ";;configmaps,events,persistentvolumeclaims,replicationcontrollers,"
		 "replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy",
	      "create;;serviceaccounts/token",
	      RW ";apps;daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,"
		 "replicasets/scale,statefulsets,statefulsets/scale",
	      RW ";autoscaling;horizontalpodautoscalers", RW ";batch;cronjobs,jobs",
	      RW ";extensions;daemonsets,deployments,deployments/rollback,deployments/scale,"
		 "ingresses,networkpolicies,replicasets,replicasets/scale,"
		 "replicationcontrollers/scale",
	      RW ";policy;poddisruptionbudgets", RW ";networking.k8s.io;ingresses,networkpolicies",
	      RW ",get,list,watch;coordination.k8s.io;leases") },
	{ "system:aggregate-to-view", NULL, AGG_VIEW, NULL,
	  RULES(READ ";;configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,"
		     "pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,"
		     "services,services/status",
		READ ";;bindings,events,limitranges,namespaces/status,pods/log,pods/status,"
		     "replicationcontrollers/status,resourcequotas,resourcequotas/status",
		READ ";;namespaces", READ ";discovery.k8s.io;endpointslices",
		READ ";apps;controllerrevisions,daemonsets,daemonsets/status,deployments,"
		     "deployments/scale,deployments/status,replicasets,replicasets/scale,"
		     "replicasets/status,statefulsets,statefulsets/scale,statefulsets/status",
		READ ";autoscaling;horizontalpodautoscalers,horizontalpodautoscalers/status",
		READ ";batch;cronjobs,cronjobs/status,jobs,jobs/status",
		READ ";extensions;daemonsets,daemonsets/status,deployments,deployments/scale,"
		     "deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,"
		     "replicasets/scale,replicasets/status,replicationcontrollers/scale",
		READ ";policy;poddisruptionbudgets,poddisruptionbudgets/status",
		READ ";networking.k8s.io;ingresses,ingresses/status,networkpolicies") },
	{ "system:auth-delegator", NULL, NULL, NULL,
	  RULES("create;authentication.k8s.io;tokenreviews",
		"create;authorization.k8s.io;subjectaccessreviews") },
	{ "system:basic-user", NULL, NULL, NULL,
	  RULES("create;authorization.k8s.io;selfsubjectaccessreviews,selfsubjectrulesreviews",
		"create;authentication.k8s.io;selfsubjectreviews") },
	{ "system:certificates.k8s.io:certificatesigningrequests:nodeclient", NULL, NULL, NULL,
	  RULES("create;certificates.k8s.io;certificatesigningrequests/nodeclient") },
	{ "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", NULL, NULL, NULL,
	  RULES("create;certificates.k8s.io;certificatesigningrequests/selfnodeclient") },
	{ "system:certificates.k8s.io:kube-apiserver-client-approver", NULL, NULL, NULL,
	  RULES("approve;certificates.k8s.io;signers;kubernetes.io/kube-apiserver-client") },
	{ "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", NULL, NULL, NULL,
	  RULES(
	      "approve;certificates.k8s.io;signers;kubernetes.io/kube-apiserver-client-kubelet") },
	{ "system:certificates.k8s.io:kubelet-serving-approver", NULL, NULL, NULL,
	  RULES("approve;certificates.k8s.io;signers;kubernetes.io/kubelet-serving") },
	{ "system:certificates.k8s.io:legacy-unknown-approver", NULL, NULL, NULL,
	  RULES("approve;certificates.k8s.io;signers;kubernetes.io/legacy-unknown") },
	{ "system:discovery", NULL, NULL, NULL,
	  RULES("get;@/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,"
		"/version,/version/") },
	{ "system:heapster", NULL, NULL, NULL,
	  RULES(READ ";;events,namespaces,nodes,pods", READ ";extensions;deployments") },
	{ "system:kube-aggregator", NULL, NULL, NULL, RULES(READ ";;endpoints,services") },
	{ "system:kube-controller-manager", NULL, NULL, NULL,
	  RULES(EVENTS, "create;coordination.k8s.io;leases",
		"get,update;coordination.k8s.io;leases;kube-controller-manager",
		"create;;secrets,serviceaccounts", "delete;;secrets",
		"get;;configmaps,namespaces,secrets,serviceaccounts",
		"update;;secrets,serviceaccounts", "create;authentication.k8s.io;tokenreviews",
		"create;authorization.k8s.io;subjectaccessreviews", "list,watch;*;*",
		"create;;serviceaccounts/token") },
	{ "system:kube-dns", NULL, NULL, NULL, RULES("list,watch;;endpoints,services") },
	{ "system:kube-scheduler", NULL, NULL, NULL,
	  RULES(EVENTS, "create;coordination.k8s.io;leases",
		"get,update;coordination.k8s.io;leases;kube-scheduler", READ ";;nodes",
		"delete," READ ";;pods", "create;;bindings,pods/binding",
		"patch,update;;pods/status", READ ";;replicationcontrollers,services",
		READ ";apps,extensions;replicasets", READ ";apps;statefulsets",
		READ ";policy;poddisruptionbudgets",
		READ ";;persistentvolumeclaims,persistentvolumes",
		"create;authentication.k8s.io;tokenreviews",
		"create;authorization.k8s.io;subjectaccessreviews", READ ";storage.k8s.io;csinodes",
		READ ";;namespaces", READ ";storage.k8s.io;csidrivers",
		READ ";storage.k8s.io;csistoragecapacities") },
	{ "system:kubelet-api-admin", NULL, NULL, NULL,
	  RULES(READ ";;nodes", "proxy;;nodes",
		"*;;nodes/log,nodes/metrics,nodes/proxy,nodes/stats") },
	{ "system:monitoring", NULL, NULL, NULL,
	  RULES("get;@/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,"
		"/readyz/*") },
	{ "system:node", NULL, NULL, NULL,
	  RULES("create;authentication.k8s.io;tokenreviews",
		"create;authorization.k8s.io;localsubjectaccessreviews,subjectaccessreviews",
		READ ";;services", "create,get,list,watch;;nodes", "patch,update;;nodes/status",
		"patch,update;;nodes", "create,patch,update;;events", READ ";;pods",
		"create,delete;;pods", "patch,update;;pods/status", "create;;pods/eviction",
		READ ";;configmaps,secrets", "get;;persistentvolumeclaims,persistentvolumes",
		"get;;endpoints",
		"create,get,list,watch;certificates.k8s.io;certificatesigningrequests",
		"create,delete,get,patch,update;coordination.k8s.io;leases",
		"get;storage.k8s.io;volumeattachments", "create;;serviceaccounts/token",
		"get,patch,update;;persistentvolumeclaims/status",
		READ ";storage.k8s.io;csidrivers",
		"create,delete,get,patch,update;storage.k8s.io;csinodes",
		READ ";node.k8s.io;runtimeclasses") },
	{ "system:node-bootstrapper", NULL, NULL, NULL,
	  RULES("create,get,list,watch;certificates.k8s.io;certificatesigningrequests") },
	{ "system:node-problem-detector", NULL, NULL, NULL,
	  RULES("get;;nodes", "patch;;nodes/status", EVENTS) },
	{ "system:node-proxier", NULL, NULL, NULL,
	  RULES("list,watch;;endpoints,services", READ ";;nodes", EVENTS,
		"list,watch;discovery.k8s.io;endpointslices") },
	{ "system:persistent-volume-provisioner", NULL, NULL, NULL,
	  RULES("create,delete,get,list,watch;;persistentvolumes",
		"get,list,update,watch;;persistentvolumeclaims",
		READ ";storage.k8s.io;storageclasses", "watch;;events", EVENTS) },
	{ "system:public-info-viewer", NULL, NULL, NULL,
	  RULES("get;@/healthz,/livez,/readyz,/version,/version/") },
	{ "system:service-account-issuer-discovery", NULL, NULL, NULL,
	  RULES("get;@/.well-known/openid-configuration,/openid/v1/jwks") },
	{ "system:volume-scheduler", NULL, NULL, NULL,
	  RULES("get,list,patch,update,watch;;persistentvolumes",
		READ ";storage.k8s.io;storageclasses",
		"get,list,patch,update,watch;;persistentvolumeclaims") },
	/* Namespaced roles. */
	{ "system:controller:bootstrap-signer", "kube-public", NULL, NULL,
	  RULES(READ ";;configmaps", "update;;configmaps;cluster-info", EVENTS) },
	{ "extension-apiserver-authentication-reader", "kube-system", NULL, NULL,
	  RULES(READ ";;configmaps;extension-apiserver-authentication") },
	{ "system::leader-locking-kube-controller-manager", "kube-system", NULL, NULL,
	  RULES("watch;;configmaps", "get,update;;configmaps;kube-controller-manager") },
	{ "system::leader-locking-kube-scheduler", "kube-system", NULL, NULL,
	  RULES("watch;;configmaps", "get,update;;configmaps;kube-scheduler") },
	{ "system:controller:bootstrap-signer", "kube-system", NULL, NULL,
	  RULES(READ ";;secrets") },
	{ "system:controller:cloud-provider", "kube-system", NULL, NULL,
	  RULES("create,get,list,watch;;configmaps") },
	{ "system:controller:token-cleaner", "kube-system", NULL, NULL,
	  RULES("delete," READ ";;secrets", EVENTS) },
};

static const struct policy_binding bindings[] = {
	{ "cluster-admin", NULL, "ClusterRole", "cluster-admin", "G:system:masters" },
	{ "system:basic-user", NULL, "ClusterRole", "system:basic-user", "G:system:authenticated" },
	{ "system:discovery", NULL, "ClusterRole", "system:discovery", "G:system:authenticated" },
	{ "system:kube-controller-manager", NULL, "ClusterRole", "system:kube-controller-manager",
	  "U:system:kube-controller-manager" },
	{ "system:kube-dns", NULL, "ClusterRole", "system:kube-dns", "S:kube-system/kube-dns" },
	{ "system:kube-scheduler", NULL, "ClusterRole", "system:kube-scheduler",
	  "U:system:kube-scheduler" },
	{ "system:monitoring", NULL, "ClusterRole", "system:monitoring", "G:system:monitoring" },
	{ "system:node", NULL, "ClusterRole", "system:node", "" },
	{ "system:node-proxier", NULL, "ClusterRole", "system:node-proxier",
	  "U:system:kube-proxy" },
	{ "system:public-info-viewer", NULL, "ClusterRole", "system:public-info-viewer",
	  "G:system:authenticated G:system:unauthenticated" },
	{ "system:service-account-issuer-discovery", NULL, "ClusterRole",
	  "system:service-account-issuer-discovery", "G:system:serviceaccounts" },
	{ "system:volume-scheduler", NULL, "ClusterRole", "system:volume-scheduler",
	  "U:system:kube-scheduler" },
	{ "system:controller:bootstrap-signer", "kube-public", "Role",
	  "system:controller:bootstrap-signer", "S:kube-system/bootstrap-signer" },
	{ "system::extension-apiserver-authentication-reader", "kube-system", "Role",
	  "extension-apiserver-authentication-reader",
	  "U:system:kube-controller-manager U:system:kube-scheduler" },
	{ "system::leader-locking-kube-controller-manager", "kube-system", "Role",
	  "system::leader-locking-kube-controller-manager",
	  "U:system:kube-controller-manager S:kube-system/kube-controller-manager" },
	{ "system::leader-locking-kube-scheduler", "kube-system", "Role",
	  "system::leader-locking-kube-scheduler",
	  "U:system:kube-scheduler S:kube-system/kube-scheduler" },
	{ "system:controller:bootstrap-signer", "kube-system", "Role",
	  "system:controller:bootstrap-signer", "S:kube-system/bootstrap-signer" },
	{ "system:controller:cloud-provider", "kube-system", "Role",
	  "system:controller:cloud-provider", "S:kube-system/cloud-provider" },
	{ "system:controller:token-cleaner", "kube-system", "Role",
	  "system:controller:token-cleaner", "S:kube-system/token-cleaner" },
};

/* ---- building the objects ---- */

static json_object *strings(const char *list)
{
	json_object *a = json_object_new_array();
	char **v = ck_str_split(list, ',', 0);
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	ck_strv_free(v);
	return a;
}

static json_object *rule_object(const char *spec)
{
	char **parts = ck_str_split(spec, ';', 0);
	size_t n = ck_strv_len(parts);
	json_object *r = json_object_new_object();
	CK_BUG_ON(n < 2);
	json_object_object_add(r, "verbs", strings(parts[0]));
	if (parts[1][0] == '@') {
		json_object_object_add(r, "nonResourceURLs", strings(parts[1] + 1));
	} else {
		CK_BUG_ON(n < 3);
		json_object_object_add(r, "apiGroups", strings(parts[1]));
		json_object_object_add(r, "resources", strings(parts[2]));
		if (n > 3)
			json_object_object_add(r, "resourceNames", strings(parts[3]));
	}
	ck_strv_free(parts);
	return r;
}

static json_object *new_object(const char *kind, const char *name, const char *ns,
			       const char *extra_label)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "apiVersion", json_object_new_string(CK_RBAC_GROUP "/v1"));
	json_object *md = json_object_new_object();
	json_object_object_add(md, "name", json_object_new_string(name));
	if (ns)
		json_object_object_add(md, "namespace", json_object_new_string(ns));
	json_object *labels = json_object_new_object();
	json_object_object_add(labels, "kubernetes.io/bootstrapping",
			       json_object_new_string("rbac-defaults"));
	if (extra_label)
		json_object_object_add(labels, extra_label, json_object_new_string("true"));
	json_object_object_add(md, "labels", labels);
	json_object *ann = json_object_new_object();
	json_object_object_add(ann, CK_RBAC_AUTOUPDATE, json_object_new_string("true"));
	json_object_object_add(md, "annotations", ann);
	json_object_object_add(o, "metadata", md);
	return o;
}

static json_object *role_object(const struct policy_role *p)
{
	json_object *o = new_object(p->ns ? "Role" : "ClusterRole", p->name, p->ns, p->label);
	if (p->aggregate) {
		json_object *ml = json_object_new_object();
		json_object_object_add(ml, p->aggregate, json_object_new_string("true"));
		json_object *sel = json_object_new_object();
		json_object_object_add(sel, "matchLabels", ml);
		json_object *sels = json_object_new_array();
		json_object_array_add(sels, sel);
		json_object *agg = json_object_new_object();
		json_object_object_add(agg, "clusterRoleSelectors", sels);
		json_object_object_add(o, "aggregationRule", agg);
	}
	json_object *rules = json_object_new_array();
	for (size_t i = 0; p->rules && p->rules[i]; i++)
		json_object_array_add(rules, rule_object(p->rules[i]));
	json_object_object_add(o, "rules", rules);
	return o;
}

static json_object *binding_object(const struct policy_binding *p)
{
	json_object *o =
	    new_object(p->ns ? "RoleBinding" : "ClusterRoleBinding", p->name, p->ns, NULL);
	json_object *ref = json_object_new_object();
	json_object_object_add(ref, "apiGroup", json_object_new_string(CK_RBAC_GROUP));
	json_object_object_add(ref, "kind", json_object_new_string(p->kind));
	json_object_object_add(ref, "name", json_object_new_string(p->role));
	json_object_object_add(o, "roleRef", ref);
	char **subs = ck_str_split(p->subjects, ' ', 0);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; subs[i]; i++) {
		if (!*subs[i])
			continue;
		json_object *s = json_object_new_object();
		const char *v = subs[i] + 2;
		switch (subs[i][0]) {
		case 'G':
		case 'U':
			json_object_object_add(
			    s, "kind",
			    json_object_new_string(subs[i][0] == 'G' ? "Group" : "User"));
			json_object_object_add(s, "apiGroup",
					       json_object_new_string(CK_RBAC_GROUP));
			json_object_object_add(s, "name", json_object_new_string(v));
			break;
		default: {
			const char *slash = strchr(v, '/');
			CK_BUG_ON(!slash);
			char *ns = ck_strndup(v, (size_t)(slash - v));
			json_object_object_add(s, "kind", json_object_new_string("ServiceAccount"));
			json_object_object_add(s, "name", json_object_new_string(slash + 1));
			json_object_object_add(s, "namespace", json_object_new_string(ns));
			free(ns);
		}
		}
		json_object_array_add(arr, s);
	}
	ck_strv_free(subs);
	if (json_object_array_length(arr))
		json_object_object_add(o, "subjects", arr);
	else
		json_object_put(arr);
	return o;
}

json_object *ck_rbac_bootstrap_policy(void)
{
	json_object *out = json_object_new_array();
	/* Cluster roles, cluster bindings, then namespaced ones (upstream's order). */
	for (size_t i = 0; i < CK_ARRAY_SIZE(roles); i++)
		if (!roles[i].ns)
			json_object_array_add(out, role_object(&roles[i]));
	for (size_t i = 0; i < CK_ARRAY_SIZE(bindings); i++)
		if (!bindings[i].ns)
			json_object_array_add(out, binding_object(&bindings[i]));
	for (size_t i = 0; i < CK_ARRAY_SIZE(roles); i++)
		if (roles[i].ns)
			json_object_array_add(out, role_object(&roles[i]));
	for (size_t i = 0; i < CK_ARRAY_SIZE(bindings); i++)
		if (bindings[i].ns)
			json_object_array_add(out, binding_object(&bindings[i]));
	return out;
}

/* ---- reconciling ---- */

/* Adds the keys of from missing in the map at metadata.<field> of to. */
static bool merge_map(json_object *to, json_object *from, const char *field)
{
	json_object *src = NULL, *dst = NULL;
	if (!json_object_object_get_ex(ck_obj_metadata(from), field, &src))
		return false;
	json_object *md = ck_obj_metadata(to);
	if (!json_object_object_get_ex(md, field, &dst) ||
	    !json_object_is_type(dst, json_type_object)) {
		dst = json_object_new_object();
		json_object_object_add(md, field, dst);
	}
	bool changed = false;
	json_object_object_foreach (src, k, v) {
		if (json_object_object_get_ex(dst, k, NULL))
			continue;
		json_object_object_add(dst, k, json_object_get(v));
		changed = true;
	}
	return changed;
}

/* Appends to the array to[key] every item of from[key] not equal to one there. */
static bool union_array(json_object *to, json_object *from, const char *key)
{
	json_object *src = NULL, *dst = NULL;
	if (!json_object_object_get_ex(from, key, &src) ||
	    !json_object_is_type(src, json_type_array))
		return false;
	if (!json_object_object_get_ex(to, key, &dst) ||
	    !json_object_is_type(dst, json_type_array)) {
		dst = json_object_new_array();
		json_object_object_add(to, key, dst);
	}
	bool changed = false;
	for (size_t i = 0; i < json_object_array_length(src); i++) {
		json_object *item = json_object_array_get_idx(src, i);
		bool found = false;
		for (size_t j = 0; j < json_object_array_length(dst) && !found; j++)
			found = json_object_equal(item, json_object_array_get_idx(dst, j));
		if (!found) {
			json_object_array_add(dst, json_object_get(item));
			changed = true;
		}
	}
	return changed;
}

json_object *ck_rbac_bootstrap_reconcile(json_object *existing, json_object *expected)
{
	json_object *ann = ck_obj_annotations(existing), *v = NULL;
	if (ann && json_object_object_get_ex(ann, CK_RBAC_AUTOUPDATE, &v) &&
	    ck_streq(json_object_get_string(v), "false"))
		return NULL;
	json_object *out = ck_obj_copy(existing);
	bool changed = merge_map(out, expected, "labels");
	changed |= merge_map(out, expected, "annotations");
	const char *kind = ck_obj_path_str(expected, "kind");
	if (ck_str_has_suffix(kind, "Role")) {
		/* Missing rules, as Covers(existing, expected) finds them. */
		struct ck_rbac_rules have, want, missing;
		ck_rbac_rules_from_json(ck_obj_path(out, "rules"), &have);
		ck_rbac_rules_from_json(ck_obj_path(expected, "rules"), &want);
		if (!ck_rbac_covers(&have, &want, &missing)) {
			json_object *rules = ck_obj_path(out, "rules");
			if (!rules || !json_object_is_type(rules, json_type_array)) {
				rules = json_object_new_array();
				json_object_object_add(out, "rules", rules);
			}
			for (size_t i = 0; i < missing.n; i++)
				json_object_array_add(rules, ck_rbac_rule_to_json(&missing.v[i]));
			changed = true;
		}
		ck_rbac_rules_release(&have);
		ck_rbac_rules_release(&want);
		ck_rbac_rules_release(&missing);
		json_object *agg = ck_obj_path(expected, "aggregationRule");
		if (agg) {
			json_object *mine = ck_obj_path(out, "aggregationRule");
			if (!mine || !json_object_is_type(mine, json_type_object)) {
				mine = json_object_new_object();
				json_object_object_add(out, "aggregationRule", mine);
			}
			changed |= union_array(mine, agg, "clusterRoleSelectors");
		} else if (ck_obj_path(out, "aggregationRule")) {
			json_object_object_del(out, "aggregationRule");
			changed = true;
		}
	} else {
		changed |= union_array(out, expected, "subjects");
	}
	if (!changed) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

/* ---- in storage ---- */

static const char *resource_of(const char *kind)
{
	if (ck_streq(kind, "ClusterRole"))
		return "clusterroles";
	if (ck_streq(kind, "ClusterRoleBinding"))
		return "clusterrolebindings";
	if (ck_streq(kind, "Role"))
		return "roles";
	return "rolebindings";
}

struct reconcile_ctx {
	json_object *expected;
};

static int reconcile_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
			json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	struct reconcile_ctx *c = arg;
	json_object *next = ck_rbac_bootstrap_reconcile(cur, c->expected);
	/* Nothing to change: write the same object (guaranteed_update skips it). */
	*ret_obj = next ? next : ck_obj_copy(cur);
	*ret_ttl = 0;
	return 0;
}

static int ensure_one(struct ck_storage *storage, json_object *expected)
{
	const char *kind = ck_obj_path_str(expected, "kind");
	const char *ns = ck_obj_namespace(expected), *name = ck_obj_name(expected);
	struct ck_buf key = CK_BUF_INIT;
	ck_buf_addf(&key, "/%s/", resource_of(kind));
	if (ns)
		ck_buf_addf(&key, "%s/", ns);
	ck_buf_adds(&key, name);
	struct ck_storage_error err = { 0 };
	json_object *obj = ck_obj_copy(expected);
	char uid[CK_UUID_BUF], now[CK_TIME_BUF];
	ck_uuid_v4(uid);
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	ck_obj_set_meta_str(obj, "uid", uid);
	ck_obj_set_meta_str(obj, "creationTimestamp", now);
	int r = ck_storage_create(storage, ck_buf_str(&key), obj, 0, NULL, &err);
	json_object_put(obj);
	if (r == CK_STORAGE_ERR_EXISTS) {
		ck_storage_error_release(&err);
		struct reconcile_ctx c = { expected };
		struct ck_storage_update_options o = { 0 };
		r = ck_storage_guaranteed_update(storage, ck_buf_str(&key), &o, reconcile_fn, &c,
						 NULL, &err);
	}
	if (r < 0)
		ck_log_v(4, "unable to ensure %s '%s': %s", kind, ck_buf_str(&key), err.message);
	ck_storage_error_release(&err);
	ck_buf_release(&key);
	return r;
}

int ck_rbac_bootstrap_ensure(struct ck_storage *storage)
{
	json_object *policy = ck_rbac_bootstrap_policy();
	int r = 0;
	for (size_t i = 0; i < json_object_array_length(policy) && r == 0; i++)
		r = ensure_one(storage, json_object_array_get_idx(policy, i));
	json_object_put(policy);
	return r;
}
