#include "apiserver/apiserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/apiserver_int.h"
#include "apiserver/discovery.h"
#include "apiserver/openapi.h"
#include "apiserver/filters.h"
#include "apiserver/respond.h"
#include "auth/pki.h"
#include "storage/cacher/cacher.h"
#include "storage/etcd3/etcd3.h"
#include "storage/etcd3/store.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/str.h"
#include "util/time.h"

/* Upstream's version this API follows; gitVersion must parse as semver. */
#define CK_K8S_MAJOR "1"
#define CK_K8S_MINOR "30"
#define CK_GIT_VERSION "v1.30.0-ckube"

/*
 * What a stopping server's etcd calls may wait in all when etcd does not
 * answer (its last writes: this server leaving the kubernetes Endpoints).
 * Upstream bounds RemoveEndpoints at twice the endpoint interval (20 s);
 * a healthy etcd answers them in milliseconds, and one that is gone fails
 * them at once (no retries while stopping), so a few seconds suffice.
 */
#define SHUTDOWN_ETCD_GRACE_MS 5000

void ck_apiserver_config_defaults(struct ck_apiserver_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->etcd_prefix = "/registry";
	cfg->bind_address = "0.0.0.0";
	cfg->secure_port = 6443;
	cfg->cert_dir = "/var/run/kubernetes";
	cfg->max_requests_inflight = 400;
	cfg->max_mutating_requests_inflight = 200;
	cfg->event_ttl_ms = 3600 * 1000;
	cfg->request_timeout_ms = 60 * 1000;
	cfg->min_request_timeout_s = 1800;
	cfg->etcd_compaction_interval_ms = CK_ETCD_DEFAULT_COMPACTION_INTERVAL_MS;
	cfg->watch_bookmark_interval_ms = 60 * 1000;
	cfg->service_cluster_ip_range = "10.96.0.0/12";
	cfg->service_node_port_range = "30000-32767";
	cfg->service_account_lookup = true;
	cfg->anonymous_auth = true;
	cfg->authorization_mode = "AlwaysAllow";
	cfg->kubelet_preferred_address_types =
	    "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP";
}

/* ---- caches ---- */

struct ck_cacher *ck_apiserver_cacher(struct ck_apiserver *srv, const struct ck_resource *res)
{
	const char *sr = ck_rest_storage_resource(res);
	for (size_t i = 0; i < srv->ncaches; i++)
		if (ck_streq(srv->caches[i].storage_resource, sr))
			return srv->caches[i].cacher;
	return NULL;
}

char *ck_apiserver_cache_key(const struct ck_apiserver *srv, const char *key, bool collection)
{
	struct ck_buf b = CK_BUF_INIT;
	/* path_prefix ends in '/', key starts with one. */
	ck_buf_adds(&b, srv->path_prefix);
	ck_buf_adds(&b, key[0] == '/' ? key + 1 : key);
	if (collection)
		ck_buf_addc(&b, '/');
	return ck_buf_detach(&b, NULL);
}

static int start_caches(struct ck_apiserver *srv)
{
	size_t n = 0;
	while (ck_resources[n])
		n++;
	srv->caches = ck_calloc(n, sizeof(*srv->caches));
	for (size_t i = 0; i < n; i++) {
		if (ck_resources[i]->custom)
			continue; /* no storage */
		const char *sr = ck_rest_storage_resource(ck_resources[i]);
		bool seen = false;
		for (size_t j = 0; j < srv->ncaches; j++)
			seen |= ck_streq(srv->caches[j].storage_resource, sr);
		if (seen)
			continue;
		char key[256];
		snprintf(key, sizeof(key), "/%s", sr);
		char *prefix = ck_apiserver_cache_key(srv, key, true);
		struct ck_cacher_config cc = {
			.etcd = srv->etcd,
			.prefix = prefix,
			.bookmark_interval_ms = srv->cfg.watch_bookmark_interval_ms,
		};
		struct ck_apiserver_cache *c = &srv->caches[srv->ncaches];
		int r = ck_cacher_start(&cc, &c->cacher);
		free(prefix);
		if (r < 0) {
			ck_log_error("unable to start the watch cache of '%s': %s", sr,
				     strerror(-r));
			return r;
		}
		c->storage_resource = sr;
		srv->ncaches++;
	}
	return 0;
}

/* ---- reading objects for admission and the Node authorizer ---- */

const struct ck_resource *ck_apiserver_find_resource(const char *group, const char *resource)
{
	for (size_t i = 0; ck_resources[i]; i++)
		if (ck_streq(ck_resources[i]->group, group) &&
		    ck_streq(ck_resources[i]->resource, resource))
			return ck_resources[i];
	return NULL;
}

int ck_apiserver_get_object(struct ck_apiserver *srv, const char *group, const char *resource,
			    const char *ns, const char *name, json_object **ret)
{
	const struct ck_resource *res = ck_apiserver_find_resource(group, resource);
	if (!res || !name || !*name)
		return -ENOENT;
	char *key = ck_rest_key(res, ns, name);
	struct ck_cacher *c = ck_apiserver_cacher(srv, res);
	json_object *obj = NULL;
	int r = -ENOENT;
	if (c) {
		char *ckey = ck_apiserver_cache_key(srv, key, false);
		r = ck_cacher_get(c, ckey, &obj, NULL);
		free(ckey);
	}
	if (r == -ENOENT) {
		/* The cache may lag an object written a moment ago: ask etcd. */
		struct ck_storage_get_options o = { 0 };
		struct ck_storage_error err = { 0 };
		r = ck_storage_get(srv->storage, key, &o, &obj, &err);
		ck_storage_error_release(&err);
		if (r == CK_STORAGE_ERR_NOT_FOUND)
			r = -ENOENT;
		else if (r < 0)
			r = -EIO;
	}
	free(key);
	if (r < 0)
		return r;
	*ret = res->from_storage ? ck_rest_to_external(res, obj) : json_object_get(obj);
	json_object_put(obj);
	return 0;
}

int ck_apiserver_list_objects(struct ck_apiserver *srv, const char *group, const char *resource,
			      const char *ns, bool fresh,
			      bool (*filter)(void *arg, json_object *obj), void *arg,
			      json_object **ret)
{
	const struct ck_resource *res = ck_apiserver_find_resource(group, resource);
	if (!res || res->from_storage)
		return -ENOENT;
	char *key = ck_rest_key(res, ns, NULL);
	struct ck_cacher *c = ck_apiserver_cacher(srv, res);
	json_object *items = NULL;
	int r;
	if (c && !fresh) {
		json_object **arr = NULL;
		size_t n = 0;
		int64_t rv = 0;
		char *prefix = ck_apiserver_cache_key(srv, key, true);
		r = ck_cacher_list(c, prefix, filter, arg, &arr, &n, &rv);
		free(prefix);
		if (r == 0) {
			items = json_object_new_array_ext((int)(n ? n : 1));
			for (size_t i = 0; i < n; i++)
				json_object_array_add(items, arr[i]);
			free(arr);
		}
	} else {
		struct ck_storage_list_options lo = { .recursive = true,
						      .filter = filter,
						      .filter_arg = arg };
		struct ck_storage_list_result lr = { 0 };
		struct ck_storage_error err = { 0 };
		r = ck_storage_list(srv->storage, key, &lo, &lr, &err);
		if (r == 0)
			items = json_object_get(lr.items);
		else
			r = -EIO;
		ck_storage_list_result_release(&lr);
		ck_storage_error_release(&err);
	}
	free(key);
	if (r < 0)
		return r;
	*ret = items;
	return 0;
}

static int source_get(void *ctx, const char *group, const char *resource, const char *ns,
		      const char *name, json_object **ret)
{
	return ck_apiserver_get_object(ctx, group, resource, ns, name, ret);
}

static int source_list(void *ctx, const char *group, const char *resource, const char *ns,
		       bool fresh, json_object **ret)
{
	return ck_apiserver_list_objects(ctx, group, resource, ns, fresh, NULL, NULL, ret);
}

static int start_admission(struct ck_apiserver *srv)
{
	srv->admission_source = (struct ck_admission_source){
		.get = source_get,
		.list = source_list,
		.storage = srv->storage,
		.ctx = srv,
	};
	char *err = NULL;
	int r =
	    ck_admission_new(srv->cfg.enable_admission_plugins, srv->cfg.disable_admission_plugins,
			     &srv->admission_source, &srv->admission, &err);
	if (r < 0)
		ck_log_error("unable to set up admission: %s", err ? err : strerror(-r));
	free(err);
	return r;
}

/* ---- resources with state of their own (registry.h start hooks) ---- */

void *ck_apiserver_resource_state(struct ck_apiserver *srv, const struct ck_resource *res)
{
	if (!srv->resource_states)
		return NULL;
	for (size_t i = 0; ck_resources[i]; i++)
		if (ck_resources[i] == res)
			return srv->resource_states[i];
	return NULL;
}

/*
 * The address clients are told (upstream: --advertise-address, else the
 * bind address, else the host's first non-loopback IPv4 address).
 */
static char *pick_advertise_address(const struct ck_apiserver_config *cfg)
{
	if (cfg->advertise_address && *cfg->advertise_address)
		return ck_strdup(cfg->advertise_address);
	if (cfg->bind_address && *cfg->bind_address && !ck_streq(cfg->bind_address, "0.0.0.0") &&
	    !ck_streq(cfg->bind_address, "::"))
		return ck_strdup(cfg->bind_address);
	char *found = NULL;
	struct ifaddrs *ifs = NULL;
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
				continue;
			char buf[INET_ADDRSTRLEN];
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)(void *)i->ifa_addr;
			if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)))
				found = ck_strdup(buf);
		}
		freeifaddrs(ifs);
	}
	return found ? found : ck_strdup("127.0.0.1");
}

static int start_resources(struct ck_apiserver *srv)
{
	size_t n = 0;
	while (ck_resources[n])
		n++;
	srv->resource_states = ck_calloc(n ? n : 1, sizeof(*srv->resource_states));
	for (size_t i = 0; i < n; i++) {
		if (!ck_resources[i]->start)
			continue;
		int r = ck_resources[i]->start(&srv->env, &srv->resource_states[i]);
		if (r < 0) {
			ck_log_error("unable to start '%s': %s", ck_resources[i]->resource,
				     strerror(-r));
			return r;
		}
	}
	return 0;
}

static void post_start_resources(struct ck_apiserver *srv)
{
	for (size_t i = 0; ck_resources[i]; i++) {
		if (!ck_resources[i]->post_start)
			continue;
		int r = ck_resources[i]->post_start(srv->resource_states[i], &srv->env);
		if (r < 0)
			ck_log_warn("unable to bootstrap '%s': %s", ck_resources[i]->resource,
				    strerror(-r));
	}
}

static void stop_resources(struct ck_apiserver *srv)
{
	if (!srv->resource_states)
		return;
	for (size_t i = 0; ck_resources[i]; i++)
		if (ck_resources[i]->stop)
			ck_resources[i]->stop(srv->resource_states[i]);
	free(srv->resource_states);
	srv->resource_states = NULL;
}

static void *post_start_main(void *arg)
{
	struct ck_apiserver *srv = arg;
	pthread_setname_np(pthread_self(), "ck-post-start");
	post_start_resources(srv);
	atomic_store(&srv->post_started, true);
	return NULL;
}

/* Runs the post_start hooks on their own thread (inline when it cannot start). */
static void start_post_start_hooks(struct ck_apiserver *srv)
{
	if (pthread_create(&srv->post_starter, NULL, post_start_main, srv) == 0) {
		srv->post_starter_started = true;
		return;
	}
	post_start_main(srv);
}

/* ---- bootstrap ---- */

static int ensure_namespace(struct ck_apiserver *srv, const char *name)
{
	const struct ck_resource *ns = ck_registry_find("", "v1", "namespaces");
	json_object *obj = json_object_new_object();
	ck_obj_set_meta_str(obj, "name", name);
	ck_rest_prepare_create(ns, obj);
	char *key = ck_rest_key(ns, NULL, name);
	struct ck_storage_error err = { 0 };
	int r = ck_storage_create(srv->storage, key, obj, 0, NULL, &err);
	if (r == CK_STORAGE_ERR_EXISTS)
		r = 0;
	if (r < 0)
		ck_log_error("unable to create namespace '%s': %s", name, err.message);
	ck_storage_error_release(&err);
	json_object_put(obj);
	free(key);
	return r;
}

/* ---- health ---- */

/* The etcd check: a count of the namespaces (a cheap quorum read). */
static bool check_etcd(struct ck_apiserver *srv, char *why, size_t size)
{
	int64_t n;
	struct ck_storage_error err = { 0 };
	int r = ck_storage_count(srv->storage, "/namespaces", &n, &err);
	if (r < 0)
		snprintf(why, size, "%s", err.message);
	ck_storage_error_release(&err);
	return r == 0;
}

static bool check_ok(struct ck_apiserver *srv, char *why, size_t size)
{
	(void)srv;
	(void)why;
	(void)size;
	return true;
}

/* The resources' bootstrap objects are in place (post_start hooks returned). */
static bool check_post_started(struct ck_apiserver *srv, char *why, size_t size)
{
	if (atomic_load(&srv->post_started))
		return true;
	snprintf(why, size, "not finished");
	return false;
}

static const struct {
	const char *name;
	bool (*check)(struct ck_apiserver *srv, char *why, size_t size);
	bool readyz_only;
} health_checks[] = {
	{ "ping", check_ok, false },
	{ "log", check_ok, false },
	{ "etcd", check_etcd, false },
	{ "poststarthook/bootstrap-namespaces", check_ok, true },
	/* upstream's names for what the services and priorityclasses post_start
	 * hooks do */
	{ "poststarthook/bootstrap-controller", check_post_started, false },
	{ "poststarthook/scheduling/bootstrap-system-priority-classes", check_post_started, false },
};

/* /healthz, /livez, /readyz and /<endpoint>/<check>, as upstream's healthz. */
static bool serve_health(struct ck_apiserver *srv, struct ck_http_request *req, const char *path)
{
	static const char *const endpoints[] = { "/healthz", "/livez", "/readyz" };
	const char *endpoint = NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(endpoints); i++)
		if (ck_str_has_prefix(path, endpoints[i]) &&
		    (path[strlen(endpoints[i])] == '\0' || path[strlen(endpoints[i])] == '/'))
			endpoint = endpoints[i];
	if (!endpoint)
		return false;
	const char *one = path[strlen(endpoint)] == '/' ? path + strlen(endpoint) + 1 : NULL;
	bool readyz = ck_streq(endpoint, "/readyz");
	const char *verbose = ck_http_request_query(req, "verbose");
	struct ck_buf out = CK_BUF_INIT;
	bool all_ok = true, found = false;
	for (size_t i = 0; i < CK_ARRAY_SIZE(health_checks); i++) {
		if (health_checks[i].readyz_only && !readyz)
			continue;
		if (one && *one && !ck_streq(one, health_checks[i].name))
			continue;
		found = true;
		char why[512] = "";
		bool ok = health_checks[i].check(srv, why, sizeof(why));
		all_ok &= ok;
		if (ok)
			ck_buf_addf(&out, "[+]%s ok\n", health_checks[i].name);
		else
			ck_buf_addf(&out, "[-]%s failed: reason withheld\n", health_checks[i].name);
		if (!ok)
			ck_log_warn("%s check '%s' failed: %s", endpoint + 1, health_checks[i].name,
				    why);
	}
	if (!found) {
		ck_buf_release(&out);
		ck_http_respond(req, 404, "text/plain", "404 page not found\n", 19);
		return true;
	}
	if (one && *one) {
		ck_buf_reset(&out);
		ck_buf_adds(&out, all_ok ? "ok" : "internal server error");
	} else if (all_ok && !verbose) {
		ck_buf_reset(&out);
		ck_buf_adds(&out, "ok");
	} else {
		ck_buf_addf(&out, "%s check %s\n", endpoint + 1, all_ok ? "passed" : "failed");
	}
	ck_http_response_header(req, "X-Content-Type-Options", "nosniff");
	ck_http_respond_buf(req, all_ok ? 200 : 500, "text/plain; charset=utf-8", &out);
	return true;
}

/* ---- the request path ---- */

static const char *scope_of(const struct ck_request_info *ri)
{
	if (ri->name[0])
		return "resource";
	return ri->namespace[0] ? "namespace" : "cluster";
}

/* apiserver_request_total's verb: upstream's CleanVerb. */
static const char *metric_verb(const struct ck_request_info *ri, const char *method)
{
	if (!ri->is_resource_request)
		return method;
	if (ck_streq(ri->verb, "list"))
		return "LIST";
	if (ck_streq(ri->verb, "watch"))
		return "WATCH";
	if (ck_streq(ri->verb, "get"))
		return "GET";
	return method;
}

static void record(struct ck_apiserver *srv, const struct ck_request_info *ri, const char *method,
		   int code, int64_t start_ns)
{
	char codes[8];
	snprintf(codes, sizeof(codes), "%d", code);
	const char *verb = metric_verb(ri, method);
	const char *labels[] = { verb,
				 ri->api_group,
				 ri->api_version,
				 ri->resource,
				 ri->subresource,
				 scope_of(ri),
				 "apiserver",
				 codes };
	ck_metric_add(srv->m_requests, labels, 1);
	if (!ck_streq(verb, "WATCH")) {
		const char *dl[] = { verb,	   ri->api_group,   ri->api_version,
				     ri->resource, ri->subresource, scope_of(ri),
				     "apiserver" };
		ck_metric_observe(srv->m_duration, dl,
				  (double)(ck_time_mono_ns() - start_ns) / 1e9);
	}
}

static void respond_status_code(struct ck_http_request *req, json_object *st, int *code)
{
	*code = ck_status_code(st);
	ck_respond_status(req, st);
}

static void serve_metrics(struct ck_apiserver *srv, struct ck_http_request *req)
{
	for (size_t i = 0; i < srv->ncaches; i++) {
		const char *l[] = { srv->caches[i].storage_resource };
		ck_metric_set(srv->m_objects, l,
			      (double)ck_cacher_object_count(srv->caches[i].cacher));
	}
	for (size_t i = 0; ck_resources[i]; i++) {
		const struct ck_resource *r = ck_resources[i];
		if (r->storage_resource)
			continue;
		const char *l[] = { r->group, r->version, r->kind };
		struct ck_cacher *c = ck_apiserver_cacher(srv, r);
		ck_metric_set(srv->m_watchers, l, c ? (double)ck_cacher_watcher_count(c) : 0);
	}
	const char *ro[] = { "readOnly" }, *mu[] = { "mutating" };
	ck_metric_set(srv->m_inflight, ro, atomic_load(&srv->inflight_readonly));
	ck_metric_set(srv->m_inflight, mu, atomic_load(&srv->inflight_mutating));
	struct ck_buf out = CK_BUF_INIT;
	ck_metrics_write(srv->metrics, &out);
	ck_http_respond_buf(req, 200, CK_METRICS_CONTENT_TYPE, &out);
}

static int serve_non_resource(struct ck_apiserver *srv, struct ck_http_request *req,
			      const char *path)
{
	if (serve_health(srv, req, path))
		return 200;
	if (ck_streq(path, "/version") || ck_streq(path, "/version/")) {
		ck_http_respond(req, 200, "application/json", srv->version_json,
				strlen(srv->version_json));
		return 200;
	}
	if (ck_streq(path, "/metrics")) {
		serve_metrics(srv, req);
		return 200;
	}
	int openapi_code = ck_openapi_serve(srv->openapi, req, path);
	if (openapi_code)
		return openapi_code;
	unsigned media = ck_discovery_media(path);
	struct ck_media_choice choice;
	const char *json, *etag;
	if (ck_negotiate(ck_http_request_header(req, "Accept"), media, &choice) < 0)
		choice.media = CK_MEDIA_JSON;
	int r = ck_discovery_lookup(srv->discovery, path, choice.media, &json, &etag);
	if (r == -ENOTSUP) {
		choice.media = CK_MEDIA_JSON;
		r = ck_discovery_lookup(srv->discovery, path, CK_MEDIA_JSON, &json, &etag);
	}
	if (r == 0) {
		ck_http_response_header(req, "Vary", "Accept");
		ck_http_response_header(req, "ETag", etag);
		const char *inm = ck_http_request_header(req, "If-None-Match");
		if (inm && ck_streq(inm, etag)) {
			ck_http_respond(req, 304, NULL, "", 0);
			return 304;
		}
		ck_http_respond(req, 200, ck_media_content_type(&choice), json, strlen(json));
		return 200;
	}
	if (ck_streq(path, "/")) {
		static const char paths[] = "{\"paths\":[\"/api\",\"/api/v1\",\"/apis\","
					    "\"/healthz\",\"/livez\",\"/metrics\",\"/openapi/v2\","
					    "\"/openapi/v3\",\"/readyz\",\"/version\"]}\n";
		ck_http_respond(req, 200, "application/json", paths, sizeof(paths) - 1);
		return 200;
	}
	int code;
	respond_status_code(
	    req, ck_status_new_generic_server_response(404, "get", "", "", "", NULL, 0, false),
	    &code);
	return code;
}

static bool is_mutating(const char *verb)
{
	return !ck_streq(verb, "get") && !ck_streq(verb, "list") && !ck_streq(verb, "watch");
}

/* Upstream's BasicLongRunningRequestCheck: watches, proxies and streaming subresources. */
static bool is_long_running(const struct ck_request_info *ri)
{
	static const char *const subresources[] = { "attach", "exec", "proxy", "log",
						    "portforward" };
	if (ck_streq(ri->verb, "watch") || ck_streq(ri->verb, "proxy"))
		return true;
	for (size_t i = 0; i < CK_ARRAY_SIZE(subresources); i++)
		if (ck_streq(ri->subresource, subresources[i]))
			return true;
	return false;
}

static void serve_resource(struct ck_apiserver *srv, struct ck_http_request *req,
			   struct ck_request_info *ri, const struct ck_user_info *user, int *code)
{
	const struct ck_resource *res =
	    ck_registry_find(ri->api_group, ri->api_version, ri->resource);
	const struct ck_subresource *sub = NULL;
	if (res && ri->subresource[0])
		sub = ck_registry_subresource(res, ri->subresource);
	if (!res || (ri->subresource[0] && !sub)) {
		respond_status_code(
		    req,
		    ck_status_new_generic_server_response(404, ri->verb, ri->api_group,
							  ri->resource, ri->name, NULL, 0, false),
		    code);
		return;
	}
	struct ck_rest_request rr = {
		.srv = srv, .http = req, .ri = ri, .res = res, .sub = sub, .user = user
	};
	unsigned allowed = CK_MEDIA_BIT(CK_MEDIA_JSON) | CK_MEDIA_BIT(CK_MEDIA_YAML);
	if (!sub && (ck_streq(ri->verb, "get") || ck_streq(ri->verb, "list") ||
		     ck_streq(ri->verb, "watch")))
		allowed |= CK_MEDIA_BIT(CK_MEDIA_TABLE);
	/* Protobuf for objects, lists, Status and watches (length-framed). */
	allowed |= CK_MEDIA_BIT(CK_MEDIA_PROTOBUF);
	if (ck_negotiate(ck_http_request_header(req, "Accept"), allowed, &rr.media) < 0) {
		static const char *const types[] = { "application/json", "application/yaml",
						     "application/vnd.kubernetes.protobuf" };
		respond_status_code(req, ck_status_new_not_acceptable(types, 3), code);
		return;
	}
	ck_rest_serve(&rr);
	*code = rr.code ? rr.code : 200;
}

static void handle(void *data, struct ck_http_request *req)
{
	struct ck_apiserver *srv = data;
	int64_t start = ck_time_mono_ns();
	const char *method = ck_http_request_method(req);
	const char *path = ck_http_request_path(req);
	struct ck_request_info ri;
	struct ck_user_info user = { 0 };
	int code = 200;
	if (ck_request_info_parse(method, path, ck_http_request_query(req, "watch"), &ri) < 0) {
		respond_status_code(req,
				    ck_status_new_bad_request("unable to determine kind and "
							      "namespace from url"),
				    &code);
		goto out;
	}
	ck_request_info_name_from_field_selector(&ri, ck_http_request_query(req, "fieldSelector"));
	/* Authentication, then impersonation (filters.c), before the limits. */
	if ((code = ck_filter_authentication(srv, req, &user)) != 0 ||
	    (code = ck_filter_impersonation(srv, req, &user)) != 0)
		goto out;
	code = 200;
	/* In-flight limits (upstream's MaxInFlightLimit); long-running requests are exempt. */
	atomic_int *counter = NULL;
	if (ri.is_resource_request && !is_long_running(&ri)) {
		bool mut = is_mutating(ri.verb);
		counter = mut ? &srv->inflight_mutating : &srv->inflight_readonly;
		int limit =
		    mut ? srv->cfg.max_mutating_requests_inflight : srv->cfg.max_requests_inflight;
		if (atomic_fetch_add(counter, 1) >= limit && limit > 0) {
			atomic_fetch_sub(counter, 1);
			counter = NULL;
			ck_http_response_header(req, "Retry-After", "1");
			respond_status_code(req,
					    ck_status_new_too_many_requests(
						"Too many requests, please try again later.", 1),
					    &code);
			goto out;
		}
	}
	code = ck_filter_authorization(srv, req, &ri, &user);
	if (code == 0) {
		code = 200;
		if (ri.is_resource_request)
			serve_resource(srv, req, &ri, &user, &code);
		else
			code = serve_non_resource(srv, req, path);
	}
	if (counter)
		atomic_fetch_sub(counter, 1);
out:
	record(srv, &ri, method, code, start);
	ck_log_v(5, "%s %s: %d", method, path, code);
	ck_user_release(&user);
	ck_request_info_release(&ri);
}

static void too_large(void *data, struct ck_http_request *req)
{
	(void)data;
	ck_respond_status(req, ck_status_new_request_entity_too_large("limit is 3145728"));
}

/* ---- start and stop ---- */

static void init_metrics(struct ck_apiserver *srv)
{
	static const char *const req_labels[] = { "verb",      "group",	      "version",
						  "resource",  "subresource", "scope",
						  "component", "code",	      NULL };
	static const char *const dur_labels[] = { "verb",	 "group", "version",   "resource",
						  "subresource", "scope", "component", NULL };
	static const double dur_buckets[] = { 0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
					      1,     1.25,  1.5,  2,   3,   4,	 5,   6,
					      8,     10,    15,	  20,  30,  45,	 60 };
	static const char *const inflight[] = { "request_kind", NULL };
	static const char *const watchers[] = { "group", "version", "kind", NULL };
	static const char *const objects[] = { "resource", NULL };
	srv->metrics = ck_metrics_new();
	srv->m_requests = ck_metrics_counter(
	    srv->metrics, "apiserver_request_total",
	    "Counter of apiserver requests broken out for each verb, dry run value, group, "
	    "version, resource, scope, component, and HTTP response code.",
	    req_labels);
	srv->m_duration = ck_metrics_histogram(
	    srv->metrics, "apiserver_request_duration_seconds",
	    "Response latency distribution in seconds for each verb, dry run value, group, "
	    "version, resource, subresource, scope and component.",
	    dur_labels, dur_buckets, CK_ARRAY_SIZE(dur_buckets));
	srv->m_inflight = ck_metrics_gauge(
	    srv->metrics, "apiserver_current_inflight_requests",
	    "Maximal number of currently used inflight request limit of this apiserver per "
	    "request kind in last second.",
	    inflight);
	srv->m_watchers = ck_metrics_gauge(srv->metrics, "apiserver_registered_watchers",
					   "Number of currently registered watchers for a given "
					   "resources",
					   watchers);
	srv->m_objects = ck_metrics_gauge(srv->metrics, "apiserver_storage_objects",
					  "Number of stored objects at the time of last check "
					  "split by kind.",
					  objects);
}

static void init_version(struct ck_apiserver *srv)
{
	char out[512];
	snprintf(out, sizeof(out),
		 "{\"major\":\"%s\",\"minor\":\"%s\",\"gitVersion\":\"%s\",\"gitCommit\":\"\","
		 "\"gitTreeState\":\"clean\",\"buildDate\":\"%s\",\"goVersion\":\"none\","
		 "\"compiler\":\"gcc\",\"platform\":\"linux/amd64\"}\n",
		 CK_K8S_MAJOR, CK_K8S_MINOR, CK_GIT_VERSION, __DATE__);
	srv->version_json = ck_strdup(out);
}

static unsigned handler_threads(const struct ck_apiserver_config *cfg)
{
	if (cfg->handler_threads)
		return cfg->handler_threads;
	if (cfg->max_requests_inflight <= 0 || cfg->max_mutating_requests_inflight <= 0)
		return 600;
	return (unsigned)(cfg->max_requests_inflight + cfg->max_mutating_requests_inflight);
}

int ck_apiserver_start(const struct ck_apiserver_config *cfg, struct ck_apiserver **ret)
{
	int r;
	struct ck_apiserver *srv = ck_calloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	pthread_mutex_init(&srv->watches_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->reaper_cond, &ca);
	pthread_condattr_destroy(&ca);
	init_metrics(srv);
	init_version(srv);
	srv->path_prefix =
	    ck_storage_path_prefix(cfg->etcd_prefix ? cfg->etcd_prefix : "/registry");

	if (!cfg->etcd_servers || !*cfg->etcd_servers) {
		ck_log_error("--etcd-servers must be specified");
		r = -EINVAL;
		goto fail;
	}
	struct ck_etcd_config ec = { .endpoints = cfg->etcd_servers,
				     .ca_file = cfg->etcd_cafile,
				     .cert_file = cfg->etcd_certfile,
				     .key_file = cfg->etcd_keyfile };
	struct ck_etcd_err eerr = { 0 };
	if ((r = ck_etcd_new(&ec, &srv->etcd, &eerr)) < 0) {
		ck_log_error("unable to create the etcd client: %s", eerr.message);
		goto fail;
	}
	struct ck_etcd_store_config sc = { .client = srv->etcd, .prefix = cfg->etcd_prefix };
	if ((r = ck_etcd_store_new(&sc, &srv->storage)) < 0) {
		ck_log_error("unable to create the storage: %s", strerror(-r));
		goto fail;
	}
	srv->storage = ck_apiserver_cached_storage_new(srv, srv->storage);
	/* Bootstrap namespaces first: they are also the first proof etcd answers. */
	static const char *const system_namespaces[] = { "default", "kube-system", "kube-public",
							 "kube-node-lease" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(system_namespaces); i++)
		if ((r = ensure_namespace(srv, system_namespaces[i])) < 0)
			goto fail;
	srv->advertise_address = pick_advertise_address(cfg);
	srv->env = (struct ck_registry_env){
		.storage = srv->storage,
		.service_cluster_ip_range = cfg->service_cluster_ip_range,
		.service_node_port_range = cfg->service_node_port_range,
		.advertise_address = srv->advertise_address,
		.etcd_servers = cfg->etcd_servers,
		.kubelet_preferred_address_types = cfg->kubelet_preferred_address_types,
	};
	if ((r = ck_apiserver_auth_bootstrap(srv)) < 0)
		goto fail;
	if ((r = start_resources(srv)) < 0)
		goto fail;
	if ((r = start_caches(srv)) < 0)
		goto fail;
	if ((r = ck_apiserver_auth_start(srv)) < 0)
		goto fail;
	if ((r = start_admission(srv)) < 0)
		goto fail;
	if (cfg->etcd_compaction_interval_ms > 0 &&
	    (r = ck_etcd_compactor_start(srv->etcd, (int)cfg->etcd_compaction_interval_ms,
					 &srv->compactor)) < 0)
		goto fail;

	const char *cert = cfg->tls_cert_file, *key = cfg->tls_private_key_file;
	if (!cert || !key) {
		static const char *const dns[] = { "localhost",
						   "kubernetes",
						   "kubernetes.default",
						   "kubernetes.default.svc",
						   "kubernetes.default.svc.cluster.local",
						   NULL };
		const char *ips[] = { "127.0.0.1", cfg->advertise_address, NULL };
		if ((r = ck_pki_ensure_self_signed(cfg->cert_dir, "apiserver", "localhost", dns,
						   ips, &srv->cert_path, &srv->key_path)) < 0) {
			ck_log_error("unable to make a serving certificate in '%s': %s",
				     cfg->cert_dir, strerror(-r));
			goto fail;
		}
		cert = srv->cert_path;
		key = srv->key_path;
	}
	if ((r = pthread_create(&srv->reaper, NULL, ck_rest_watch_reaper, srv)) != 0) {
		r = -r;
		goto fail;
	}
	srv->reaper_started = true;
	struct ck_http_server_config hc = {
		.bind_address = cfg->bind_address,
		.port = cfg->secure_port,
		.tls_cert_file = cert,
		.tls_key_file = key,
		.tls_client_ca_file = cfg->client_ca_file,
		.threads = cfg->threads,
		.handler_threads = handler_threads(cfg),
		.handler = handle,
		.too_large = too_large,
		.data = srv,
	};
	srv->openapi = ck_openapi_new(); /* before serving: handlers read it */
	if ((r = ck_http_server_start(&hc, &srv->http)) < 0) {
		ck_log_error("unable to listen on %s:%d: %s", cfg->bind_address, cfg->secure_port,
			     strerror(-r));
		goto fail;
	}
	char addr[128];
	snprintf(addr, sizeof(addr), "%s:%d",
		 cfg->advertise_address ? cfg->advertise_address : "127.0.0.1",
		 ck_http_server_port(srv->http));
	srv->discovery = ck_discovery_new(addr);
	srv->env.secure_port = ck_http_server_port(srv->http);
	start_post_start_hooks(srv);
	*ret = srv;
	return 0;
fail:
	ck_apiserver_stop(srv);
	return r;
}

int ck_apiserver_port(const struct ck_apiserver *s)
{
	return ck_http_server_port(s->http);
}

void ck_apiserver_stop(struct ck_apiserver *srv)
{
	if (!srv)
		return;
	/* Nothing below waits on an etcd that is gone: requests in flight get
	 * etcd's first failure as their answer, the last writes are bounded. */
	ck_etcd_shutdown(srv->etcd, SHUTDOWN_ETCD_GRACE_MS);
	if (srv->post_starter_started)
		pthread_join(srv->post_starter, NULL);
	pthread_mutex_lock(&srv->watches_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->reaper_cond);
	pthread_mutex_unlock(&srv->watches_lock);
	if (srv->reaper_started)
		pthread_join(srv->reaper, NULL);
	/* No more requests; open streams end (their watches see it). */
	ck_http_server_stop(srv->http);
	ck_rest_watch_stop_all(srv);
	ck_apiserver_auth_stop(srv);
	ck_admission_free(srv->admission);
	/* The storage stops offering cached copies first (cached_storage.c): the
	 * resources' last writes below go to etcd alone. */
	size_t ncaches = srv->ncaches;
	__atomic_store_n(&srv->ncaches, 0, __ATOMIC_RELEASE);
	for (size_t i = 0; i < ncaches; i++)
		ck_cacher_stop(srv->caches[i].cacher);
	free(srv->caches);
	srv->caches = NULL;
	stop_resources(srv);
	free(srv->advertise_address);
	ck_etcd_compactor_stop(srv->compactor);
	ck_storage_free(srv->storage);
	ck_etcd_free(srv->etcd);
	ck_discovery_free(srv->discovery);
	ck_openapi_free(srv->openapi);
	ck_metrics_free(srv->metrics);
	free(srv->version_json);
	free(srv->cert_path);
	free(srv->key_path);
	free(srv->path_prefix);
	pthread_cond_destroy(&srv->reaper_cond);
	pthread_mutex_destroy(&srv->watches_lock);
	free(srv);
}
