/*
 * The admission chain: plugin selection (upstream's default set and the
 * two flags) and the two phases.
 */
#include "apiserver/admission/admission.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

extern const struct ck_admission_plugin ck_admission_namespace_lifecycle;
extern const struct ck_admission_plugin ck_admission_limit_ranger;
extern const struct ck_admission_plugin ck_admission_service_account;
extern const struct ck_admission_plugin ck_admission_node_restriction;
extern const struct ck_admission_plugin ck_admission_priority;
extern const struct ck_admission_plugin ck_admission_default_toleration_seconds;
extern const struct ck_admission_plugin ck_admission_mutating_webhook;
extern const struct ck_admission_plugin ck_admission_validating_webhook;
extern const struct ck_admission_plugin ck_admission_resource_quota;

/* upstream's AllOrderedPlugins, restricted to what ckube has */
const struct ck_admission_plugin *const ck_admission_plugins[] = {
	&ck_admission_namespace_lifecycle,
	&ck_admission_limit_ranger,
	&ck_admission_service_account,
	&ck_admission_node_restriction,
	&ck_admission_priority,
	&ck_admission_default_toleration_seconds,
	&ck_admission_mutating_webhook,
	&ck_admission_validating_webhook,
	&ck_admission_resource_quota,
	NULL,
};

/* Upstream's other plugins: accepted in the flags, not run. */
static const char *const upstream_only[] = {
	"AlwaysAdmit",
	"NamespaceAutoProvision",
	"NamespaceExists",
	"SecurityContextDeny",
	"LimitPodHardAntiAffinityTopology",
	"TaintNodesByCondition",
	"AlwaysPullImages",
	"ImagePolicyWebhook",
	"PodSecurity",
	"PodNodeSelector",
	"PodTolerationRestriction",
	"EventRateLimit",
	"ExtendedResourceToleration",
	"DefaultStorageClass",
	"StorageObjectInUseProtection",
	"OwnerReferencesPermissionEnforcement",
	"PersistentVolumeClaimResize",
	"RuntimeClass",
	"CertificateApproval",
	"CertificateSigning",
	"ClusterTrustBundleAttest",
	"CertificateSubjectRestriction",
	"DefaultIngressClass",
	"DenyServiceExternalIPs",
	"ValidatingAdmissionPolicy",
	"AlwaysDeny",
};

struct entry {
	const struct ck_admission_plugin *plugin;
	void *state;
};

struct ck_admission {
	struct entry *chain;
	size_t n;
};

const char *ck_admission_op_name(enum ck_admission_op op)
{
	switch (op) {
	case CK_ADMISSION_CREATE:
		return "CREATE";
	case CK_ADMISSION_UPDATE:
		return "UPDATE";
	case CK_ADMISSION_DELETE:
		return "DELETE";
	case CK_ADMISSION_CONNECT:
		return "CONNECT";
	}
	return "";
}

const char *ck_admission_object_name(const struct ck_admission_attrs *a)
{
	const char *n = a->obj ? ck_obj_name(a->obj) : NULL;
	if (n && *n)
		return n;
	n = a->obj ? ck_obj_path_str(a->obj, "metadata.generateName") : NULL;
	if (n && *n)
		return n;
	if (a->name && *a->name)
		return a->name;
	return "Unknown";
}

json_object *ck_admission_forbidden(const struct ck_admission_attrs *a, const char *fmt, ...)
{
	struct ck_buf b = CK_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_object *st = ck_status_new_forbidden(a->res->group, a->res->resource,
						  ck_admission_object_name(a), ck_buf_str(&b));
	ck_buf_release(&b);
	return st;
}

bool ck_admission_is(const struct ck_admission_attrs *a, const char *group, const char *resource)
{
	return (!a->subresource || !*a->subresource) && ck_streq(a->res->group, group) &&
	       ck_streq(a->res->resource, resource);
}

static const struct ck_admission_plugin *find(const char *name)
{
	for (size_t i = 0; ck_admission_plugins[i]; i++)
		if (ck_streq(ck_admission_plugins[i]->name, name))
			return ck_admission_plugins[i];
	return NULL;
}

static bool upstream_only_name(const char *name)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(upstream_only); i++)
		if (ck_streq(upstream_only[i], name))
			return true;
	return false;
}

/* Marks the names in list (comma-separated) in on[] as value. */
static int mark(const char *list, bool value, bool *on, char **ret_err)
{
	if (!list || !*list)
		return 0;
	char **v = ck_str_split(list, ',', 0);
	int r = 0;
	for (size_t i = 0; v[i] && r == 0; i++) {
		const char *name = ck_str_strip(v[i]);
		if (!*name)
			continue;
		const struct ck_admission_plugin *p = find(name);
		if (p) {
			for (size_t k = 0; ck_admission_plugins[k]; k++)
				if (ck_admission_plugins[k] == p)
					on[k] = value;
		} else if (upstream_only_name(name)) {
			if (value)
				ck_log_warn("admission plugin '%s' is not implemented by ckube; "
					    "ignored",
					    name);
		} else {
			struct ck_buf b = CK_BUF_INIT;
			ck_buf_addf(&b, "admission-control plugin \"%s\" not found", name);
			*ret_err = ck_buf_detach(&b, NULL);
			r = -EINVAL;
		}
	}
	ck_strv_free(v);
	return r;
}

int ck_admission_new(const char *enable, const char *disable, const struct ck_admission_source *src,
		     struct ck_admission **ret, char **ret_err)
{
	size_t n = 0;
	while (ck_admission_plugins[n])
		n++;
	bool *on = ck_calloc(n + 1, sizeof(*on));
	for (size_t i = 0; i < n; i++)
		on[i] = ck_admission_plugins[i]->default_on;
	struct ck_admission *a = ck_calloc(1, sizeof(*a));
	a->chain = ck_calloc(n + 1, sizeof(*a->chain));
	int r;
	if ((r = mark(enable, true, on, ret_err)) < 0 ||
	    (r = mark(disable, false, on, ret_err)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!on[i])
			continue;
		const struct ck_admission_plugin *p = ck_admission_plugins[i];
		struct entry *e = &a->chain[a->n];
		e->plugin = p;
		if (p->init && (r = p->init(src, &e->state)) < 0) {
			struct ck_buf b = CK_BUF_INIT;
			ck_buf_addf(&b, "unable to start admission plugin \"%s\": %s", p->name,
				    strerror(-r));
			*ret_err = ck_buf_detach(&b, NULL);
			goto out;
		}
		a->n++;
	}
out:
	free(on);
	if (r < 0) {
		ck_admission_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

void ck_admission_free(struct ck_admission *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->chain[i].plugin->free)
			a->chain[i].plugin->free(a->chain[i].state);
	free(a->chain);
	free(a);
}

bool ck_admission_enabled(const struct ck_admission *a, const char *name)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (ck_streq(a->chain[i].plugin->name, name))
			return true;
	return false;
}

static int refused(const char *plugin, json_object *st, json_object **ret_status)
{
	ck_log_v(4, "admission plugin '%s' refused the request: %s", plugin,
		 st ? ck_status_message(st) : "");
	*ret_status = st ? st : ck_status_new_internal_error("admission refused the request");
	return -EPERM;
}

int ck_admission_admit(const struct ck_admission *a, struct ck_admission_attrs *at,
		       json_object **ret_status)
{
	for (size_t i = 0; a && i < a->n; i++) {
		const struct entry *e = &a->chain[i];
		json_object *st = NULL;
		if (e->plugin->admit && e->plugin->admit(e->state, at, &st) < 0)
			return refused(e->plugin->name, st, ret_status);
		json_object_put(st);
	}
	return 0;
}

int ck_admission_validate(const struct ck_admission *a, const struct ck_admission_attrs *at,
			  json_object **ret_status)
{
	for (size_t i = 0; a && i < a->n; i++) {
		const struct entry *e = &a->chain[i];
		json_object *st = NULL;
		if (e->plugin->validate && e->plugin->validate(e->state, at, &st) < 0)
			return refused(e->plugin->name, st, ret_status);
		json_object_put(st);
	}
	return 0;
}
