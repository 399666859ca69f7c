/*
 * Authentication, impersonation and authorization filters (upstream's
 * apiserver/pkg/endpoints/filters), and the auth state the server holds.
 */
#include "apiserver/filters.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/apiserver_int.h"
#include "apiserver/respond.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/impersonate.h"
#include "auth/node_authz.h"
#include "auth/rbac.h"
#include "registry/rbac/rbac.h"
#include "storage/cacher/cacher.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

struct ck_apiserver_auth {
	struct ck_authn *authn;
	struct ck_authorizer *authz;
	struct ck_rbac_index *rbac;
	struct ck_rbac_feed *feed;
	struct ck_rbac_aggregator *aggregator;
	struct ck_node_authorizer *node;
	char **sa_key_files, **issuers, **audiences;
};

/* ---- setup ---- */

static bool modes_have(const char *modes, const char *mode)
{
	bool found = false;
	char **v = ck_str_split(modes ? modes : "", ',', 0);
	for (size_t i = 0; v[i]; i++)
		found |= ck_streq(ck_str_strip(v[i]), mode);
	ck_strv_free(v);
	return found;
}

static bool modes_have_rbac(const char *modes)
{
	return modes_have(modes, "RBAC");
}

int ck_apiserver_auth_bootstrap(struct ck_apiserver *srv)
{
	if (!modes_have_rbac(srv->cfg.authorization_mode))
		return 0;
	int r = ck_rbac_bootstrap_ensure(srv->storage);
	if (r < 0)
		ck_log_error("unable to create the bootstrap RBAC policy: %s", strerror(-r));
	return r;
}

/* ck_sa_getter_fn: the watch cache, then storage (upstream's getter falls
 * back to a live read on a cache miss). */
static int get_object(void *ctx, const char *resource, const char *ns, const char *name,
		      json_object **ret_obj)
{
	return ck_apiserver_get_object(ctx, "", resource, ns, name, ret_obj);
}

/* ---- the Node authorizer's graph: pods bound to a node, from the cache ---- */

static bool on_node(void *arg, json_object *pod)
{
	const char *n = ck_obj_path_str(pod, "spec.nodeName");
	return n && ck_streq(n, arg);
}

static int pods_on_node(void *ctx, const char *node, const char *ns, json_object **ret)
{
	return ck_apiserver_list_objects(ctx, "", "pods", ns, false, on_node, (void *)node, ret);
}

static int graph_get(void *ctx, const char *group, const char *resource, const char *ns,
		     const char *name, json_object **ret)
{
	return ck_apiserver_get_object(ctx, group, resource, ns, name, ret);
}

/* upstream's NodeRules: the bootstrap system:node ClusterRole's rules. */
static struct ck_node_authorizer *node_authorizer(struct ck_apiserver *srv)
{
	struct ck_node_graph graph = { .pods_on_node = pods_on_node, .get = graph_get, .ctx = srv };
	json_object *policy = ck_rbac_bootstrap_policy();
	struct ck_rbac_rules rules = { 0 };
	for (size_t i = 0; i < json_object_array_length(policy); i++) {
		json_object *o = json_object_array_get_idx(policy, i);
		if (ck_streq(ck_obj_path_str(o, "kind"), "ClusterRole") &&
		    ck_streq(ck_obj_name(o), "system:node"))
			ck_rbac_rules_from_json(ck_obj_path(o, "rules"), &rules);
	}
	json_object_put(policy);
	struct ck_node_authorizer *n = ck_node_authorizer_new(&graph, &rules);
	ck_rbac_rules_release(&rules);
	return n;
}

static char **split_list(const char *s)
{
	if (!s || !*s)
		return ck_calloc(1, sizeof(char *));
	char **v = ck_str_split(s, ',', 0);
	size_t n = 0;
	for (size_t i = 0; v[i]; i++) {
		char *t = ck_str_trim(v[i]);
		free(v[i]);
		if (*t)
			v[n++] = t;
		else
			free(t);
	}
	v[n] = NULL;
	return v;
}

static struct ck_cacher *rbac_cache(struct ck_apiserver *srv, const char *resource)
{
	const struct ck_resource *res = ck_registry_find(CK_RBAC_GROUP, "v1", resource);
	return res ? ck_apiserver_cacher(srv, res) : NULL;
}

int ck_apiserver_auth_start(struct ck_apiserver *srv)
{
	const struct ck_apiserver_config *cfg = &srv->cfg;
	struct ck_apiserver_auth *a = ck_calloc(1, sizeof(*a));
	char *err = NULL;
	int r;
	srv->auth = a;
	a->sa_key_files = split_list(cfg->service_account_key_file);
	a->issuers = split_list(cfg->service_account_issuer);
	a->audiences = split_list(cfg->api_audiences);
	struct ck_authn_config ac = {
		.client_ca_file = cfg->client_ca_file,
		.token_auth_file = cfg->token_auth_file,
		.sa_key_files = (const char *const *)a->sa_key_files,
		.sa_signing_key_file = cfg->service_account_signing_key_file,
		.sa_issuers = (const char *const *)a->issuers,
		.api_audiences = (const char *const *)a->audiences,
		.sa_lookup = cfg->service_account_lookup,
		.anonymous = cfg->anonymous_auth,
		.get = get_object,
		.get_ctx = srv,
	};
	if ((r = ck_authn_new(&ac, &a->authn, &err)) < 0) {
		ck_log_error("unable to set up authentication: %s", err ? err : strerror(-r));
		goto out;
	}
	if (modes_have_rbac(cfg->authorization_mode)) {
		struct ck_cacher *caches[4] = {
			[CK_RBAC_ROLE] = rbac_cache(srv, "roles"),
			[CK_RBAC_CLUSTER_ROLE] = rbac_cache(srv, "clusterroles"),
			[CK_RBAC_ROLE_BINDING] = rbac_cache(srv, "rolebindings"),
			[CK_RBAC_CLUSTER_ROLE_BINDING] = rbac_cache(srv, "clusterrolebindings"),
		};
		a->rbac = ck_rbac_index_new();
		if ((r = ck_rbac_feed_start(a->rbac, caches, &a->feed)) < 0) {
			ck_log_error("unable to read the RBAC objects: %s", strerror(-r));
			goto out;
		}
		if ((r = ck_rbac_aggregator_start(srv->storage, caches[CK_RBAC_CLUSTER_ROLE],
						  &a->aggregator)) < 0) {
			ck_log_error("unable to start the clusterrole aggregation: %s",
				     strerror(-r));
			goto out;
		}
	}
	if (modes_have(cfg->authorization_mode, "Node"))
		a->node = node_authorizer(srv);
	if ((r = ck_authorizer_new_with_node(cfg->authorization_mode, a->rbac, a->node, &a->authz,
					     &err)) < 0) {
		ck_log_error("unable to set up authorization: %s", err ? err : strerror(-r));
		goto out;
	}
	srv->env.authn = a->authn;
	srv->env.authz = a->authz;
out:
	free(err);
	return r;
}

void ck_apiserver_auth_stop(struct ck_apiserver *srv)
{
	struct ck_apiserver_auth *a = srv->auth;
	if (!a)
		return;
	srv->env.authn = NULL;
	srv->env.authz = NULL;
	ck_rbac_aggregator_stop(a->aggregator);
	ck_rbac_feed_stop(a->feed);
	ck_authorizer_free(a->authz);
	ck_node_authorizer_free(a->node);
	ck_rbac_index_free(a->rbac);
	ck_authn_free(a->authn);
	ck_strv_free(a->sa_key_files);
	ck_strv_free(a->issuers);
	ck_strv_free(a->audiences);
	free(a);
	srv->auth = NULL;
}

/* ---- authentication ---- */

int ck_filter_authentication(struct ck_apiserver *srv, struct ck_http_request *req,
			     struct ck_user_info *ret_user)
{
	struct ck_authn_request ar = {
		.peer_cert_status = -ENOENT,
		.authorization = ck_http_request_header(req, "Authorization"),
		.now = (int64_t)time(NULL),
	};
	if (ck_authn_uses_client_certs(srv->auth->authn))
		ar.peer_cert_status =
		    ck_http_request_peer_cert(req, &ar.peer_cert_der, &ar.peer_cert_len);
	char *why = NULL;
	if (ck_authn_authenticate(srv->auth->authn, &ar, ret_user, &why) == 0)
		return 0;
	ck_log_v(4, "unable to authenticate the request: %s", why ? why : "");
	free(why);
	json_object *st = ck_status_new_unauthorized("Unauthorized");
	ck_respond_status(req, st);
	return 401;
}

/* ---- authorization ---- */

static void status_attrs(const struct ck_authz_attrs *at, struct ck_status_request_attrs *ret)
{
	*ret = (struct ck_status_request_attrs){
		.user = at->user ? at->user->name : "",
		.verb = at->verb,
		.resource_request = at->resource_request,
		.group = at->api_group,
		.resource = at->resource,
		.subresource = at->subresource,
		.namespace = at->namespace,
		.name = at->name,
		.path = at->path,
	};
}

static int forbid(struct ck_http_request *req, const struct ck_authz_attrs *at, const char *reason)
{
	struct ck_status_request_attrs sa;
	status_attrs(at, &sa);
	ck_respond_status(req, ck_status_new_forbidden_request(&sa, reason ? reason : ""));
	return 403;
}

int ck_filter_authorization(struct ck_apiserver *srv, struct ck_http_request *req,
			    const struct ck_request_info *ri, const struct ck_user_info *user)
{
	struct ck_authz_attrs at = {
		.user = user,
		.verb = ri->verb,
		.resource_request = ri->is_resource_request,
		.namespace = ri->namespace,
		.api_group = ri->api_group,
		.api_version = ri->api_version,
		.resource = ri->resource,
		.subresource = ri->subresource,
		.name = ri->name,
		.path = ri->path,
	};
	char *reason = NULL;
	enum ck_authz_decision d = ck_authorize(srv->auth->authz, &at, &reason);
	int code = 0;
	if (d != CK_AUTHZ_ALLOW) {
		ck_log_v(4, "forbidden: %s %s: %s", ri->verb, ri->path, reason ? reason : "");
		code = forbid(req, &at, reason);
	}
	free(reason);
	return code;
}

/* ---- impersonation ---- */

#define EXTRA_PREFIX "Impersonate-Extra-"

struct headers {
	const char **groups;
	size_t ngroups;
	struct ck_impersonate_extra *extras;
	size_t nextras;
	char **owned;
	size_t nowned;
};

static char *own(struct headers *h, char *s)
{
	h->owned = ck_realloc(h->owned, (h->nowned + 1) * sizeof(*h->owned));
	h->owned[h->nowned++] = s;
	return s;
}

static bool collect(void *data, const char *name, const char *value)
{
	struct headers *h = data;
	size_t plen = strlen(EXTRA_PREFIX);
	if (strcasecmp(name, "Impersonate-Group") == 0) {
		h->groups = ck_realloc(h->groups, (h->ngroups + 2) * sizeof(*h->groups));
		h->groups[h->ngroups++] = value ? value : "";
		h->groups[h->ngroups] = NULL;
	} else if (strncasecmp(name, EXTRA_PREFIX, plen) == 0) {
		/* Upstream lowercases the key, then path-unescapes it. */
		char *lower = own(h, ck_strdup(name + plen));
		for (char *p = lower; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		char *key = ck_str_url_decode(lower, false);
		h->extras = ck_realloc(h->extras, (h->nextras + 1) * sizeof(*h->extras));
		h->extras[h->nextras++] = (struct ck_impersonate_extra){
			.key = key ? own(h, key) : lower,
			.value = value ? value : "",
		};
	}
	return true;
}

/* Upstream's responsewriters.InternalError: plain text, not a Status. */
static void internal_error(struct ck_http_request *req, const char *err)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "Internal Server Error: \"%s\": %s\n", ck_http_request_path(req), err);
	ck_http_response_header(req, "X-Content-Type-Options", "nosniff");
	ck_http_respond_buf(req, 500, "text/plain; charset=utf-8", &b);
}

static enum ck_authz_decision authorize_cb(void *ctx, const struct ck_authz_attrs *at,
					   char **ret_reason)
{
	return ck_authorize(ctx, at, ret_reason);
}

int ck_filter_impersonation(struct ck_apiserver *srv, struct ck_http_request *req,
			    struct ck_user_info *user)
{
	struct headers h = { 0 };
	ck_http_request_header_foreach(req, collect, &h);
	struct ck_impersonate_headers hdr = {
		.user = ck_http_request_header(req, "Impersonate-User"),
		.groups = h.groups,
		.uid = ck_http_request_header(req, "Impersonate-Uid"),
		.extras = h.extras,
		.nextras = h.nextras,
	};
	struct ck_user_info next;
	struct ck_impersonate_denied denied = { 0 };
	int code = 0;
	switch (ck_impersonate(&hdr, user, authorize_cb, srv->auth->authz, &next, &denied)) {
	case CK_IMPERSONATE_NONE:
		break;
	case CK_IMPERSONATE_OK:
		ck_log_v(4, "'%s' is impersonating '%s'", user->name, next.name);
		ck_user_release(user);
		*user = next;
		break;
	case CK_IMPERSONATE_FORBIDDEN:
		ck_log_v(4, "forbidden impersonation of '%s': %s", denied.name,
			 denied.reason ? denied.reason : "");
		code = forbid(req, &denied.attrs, denied.reason);
		break;
	case CK_IMPERSONATE_INVALID:
		ck_log_v(4, "%s", denied.reason);
		internal_error(req, denied.reason);
		code = 500;
		break;
	}
	ck_impersonate_denied_release(&denied);
	for (size_t i = 0; i < h.nowned; i++)
		free(h.owned[i]);
	free(h.owned);
	free(h.groups);
	free(h.extras);
	return code;
}

/* ---- per-resource write checks ---- */

json_object *ck_rest_check_write(struct ck_rest_request *rr, json_object *obj, json_object *old)
{
	if (!rr->res->check_write || rr->sub)
		return NULL;
	struct ck_subresource_request req = {
		.res = rr->res,
		.verb = rr->ri->verb,
		.namespace = rr->ri->namespace,
		.name = rr->ri->name,
		.user = rr->user,
		.env = &rr->srv->env,
		.storage = rr->srv->storage,
		.state = ck_apiserver_resource_state(rr->srv, rr->res),
	};
	json_object *st = NULL;
	if (rr->res->check_write(&req, obj, old, &st) < 0)
		return st ? st : ck_status_new_internal_error("the write check failed");
	json_object_put(st);
	return NULL;
}
