/*
 * Internals shared by the API server's files (apiserver.c: setup and
 * dispatch; rest.c: the REST verbs; watch.c: watches). Not for other areas.
 */
#ifndef CK_APISERVER_INT_H
#define CK_APISERVER_INT_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "apiserver/admission/admission.h"
#include "apiserver/apiserver.h"
#include "apiserver/negotiate.h"
#include "apiserver/request_info.h"
#include "registry/registry.h"
#include "util/http_server.h"

struct ck_etcd;
struct ck_storage;
struct ck_cacher;
struct ck_discovery;
struct ck_openapi;
struct ck_metrics;
struct ck_metric;
struct ck_etcd_compactor;
struct ck_apiserver_auth;
struct ck_user_info;
struct ck_admission;

/* One watch cache per stored resource (events.k8s.io events share core's). */
struct ck_apiserver_cache {
	const char *storage_resource;
	struct ck_cacher *cacher;
};

struct ck_apiserver {
	struct ck_apiserver_config cfg;
	struct ck_etcd *etcd;
	struct ck_storage *storage;
	struct ck_etcd_compactor *compactor;
	struct ck_http_server *http;
	struct ck_discovery *discovery;
	struct ck_openapi *openapi; /* built before serving; read-only then */
	struct ck_apiserver_cache *caches;
	size_t ncaches;
	char *cert_path, *key_path;
	char *path_prefix; /* the etcd prefix, "/registry/" */
	char *version_json;

	/* Open watches, ended by the reaper thread (timeouts, gone clients). */
	pthread_mutex_t watches_lock; /* guards watches and stopping */
	struct ck_rest_watch *watches;
	bool stopping;
	pthread_t reaper;
	bool reaper_started;
	pthread_cond_t reaper_cond;

	atomic_int inflight_readonly;
	atomic_int inflight_mutating;

	/* What resources with state get (registry.h), and their start()
	 * states, parallel to ck_resources (NULL where none). */
	struct ck_registry_env env;
	void **resource_states;
	/* The resources' post_start hooks run on their own thread once the
	 * server listens (as upstream's post-start hooks), so that a stop
	 * meanwhile is not held up by them; readyz waits for them. */
	pthread_t post_starter;
	bool post_starter_started;
	atomic_bool post_started;	/* the hooks have returned */
	struct ck_apiserver_auth *auth; /* filters.c: authenticators, authorizers, RBAC */
	struct ck_admission *admission; /* the admission chain (admission/admission.h) */
	struct ck_admission_source admission_source;
	char *advertise_address; /* owned: the address env points at */

	struct ck_metrics *metrics;
	struct ck_metric *m_requests; /* apiserver_request_total */
	struct ck_metric *m_duration; /* apiserver_request_duration_seconds */
	struct ck_metric *m_inflight; /* apiserver_current_inflight_requests */
	struct ck_metric *m_watchers; /* apiserver_registered_watchers */
	struct ck_metric *m_objects;  /* apiserver_storage_objects */
	struct ck_metric *m_etcd;     /* etcd_request_duration_seconds */
};

/* What one resource request is about, with its negotiated representation. */
struct ck_rest_request {
	struct ck_apiserver *srv;
	struct ck_http_request *http;
	struct ck_request_info *ri;
	const struct ck_resource *res;
	const struct ck_subresource *sub; /* NULL for the main resource */
	struct ck_media_choice media;
	const struct ck_user_info *user; /* who asks (after impersonation) */
	/* The code answered, for metrics. */
	int code;
};

/* Serves a resource request (every verb); answers exactly once. */
void ck_rest_serve(struct ck_rest_request *rr);

/*
 * Answers with the bytes at loc (a CK_SUB_STREAM subresource's location),
 * proxied as they arrive, or with the Status for what went wrong (streamer.c).
 */
void ck_rest_stream_location(struct ck_rest_request *rr, const struct ck_stream_location *loc);

/* Serves a watch; answers (with a stream) exactly once. */
void ck_rest_watch(struct ck_rest_request *rr);
/* The reaper: ends watches past their timeout or whose client left. */
void *ck_rest_watch_reaper(void *arg);
/* Ends every open watch (server stop). */
void ck_rest_watch_stop_all(struct ck_apiserver *srv);

/* The resource of group (any version) and plural name, or NULL. */
const struct ck_resource *ck_apiserver_find_resource(const char *group, const char *resource);
/*
 * One object by group/resource/namespace/name, from the watch cache, then
 * storage on a miss: 0 with *ret (owned, client form, read-only: it may be
 * shared), -ENOENT, or another negative errno.
 */
int ck_apiserver_get_object(struct ck_apiserver *srv, const char *group, const char *resource,
			    const char *ns, const char *name, json_object **ret);
/*
 * The objects of group/resource in ns ("" or NULL: all) that filter (may be
 * NULL) accepts, as a new JSON array (owned), from the watch cache, or
 * from storage (a quorum read) when fresh. Resources stored in another's
 * form are not listed (-ENOENT). 0 or a negative errno.
 */
int ck_apiserver_list_objects(struct ck_apiserver *srv, const char *group, const char *resource,
			      const char *ns, bool fresh,
			      bool (*filter)(void *arg, json_object *obj), void *arg,
			      json_object **ret);

/* res's start() state (registry.h), or NULL. */
void *ck_apiserver_resource_state(struct ck_apiserver *srv, const struct ck_resource *res);

/* The watch cache of res's storage, or NULL. */
struct ck_cacher *ck_apiserver_cacher(struct ck_apiserver *srv, const struct ck_resource *res);

/* store (taken) behind the watch caches: guaranteed updates try the cached copy first
 * (cached_storage.c). Owned: ck_storage_free. */
struct ck_storage *ck_apiserver_cached_storage_new(struct ck_apiserver *srv,
						   struct ck_storage *store);

/* The storage resource name of res (its own, or the one it shares). */
const char *ck_rest_storage_resource(const struct ck_resource *res);

/*
 * The storage key of an object or a collection: "/<resource>/<ns>/<name>",
 * "/<resource>/<ns>" (collection in a namespace), "/<resource>" (all).
 * The caller owns the result.
 */
char *ck_rest_key(const struct ck_resource *res, const char *ns, const char *name);

/* The watch cache's key for a storage key (etcd prefix + key, with a
 * trailing "/" for a collection). The caller owns the result. */
char *ck_apiserver_cache_key(const struct ck_apiserver *srv, const char *key, bool collection);

/* The server's metadata on create (uid, creationTimestamp, generation,
 * generateName, status reset, the resource's defaulting). */
void ck_rest_prepare_create(const struct ck_resource *res, json_object *obj);

/* An object as the client sees it: converted from the storage form when the
 * resource is stored in another's (new object), else a new reference, with
 * kind and apiVersion set. obj is borrowed. */
json_object *ck_rest_to_external(const struct ck_resource *res, json_object *obj);

/* The selectors of a list or watch, as a storage/cacher filter. */
struct ck_list_options;
struct ck_rest_filter {
	const struct ck_list_options *opts;
	const struct ck_resource *res;
};
/* Whether a stored object (borrowed) passes; arg is a struct ck_rest_filter. */
bool ck_rest_list_filter(void *arg, json_object *obj);

/*
 * Structural validation of a request's object (a create or update body, a
 * patched object) against its kind's schema (api/schema.h), as the
 * fieldValidation query parameter asks (field_validation.c): unknown fields
 * are pruned from obj; Strict answers them and the duplicate fields of the
 * request's text (a JSON or YAML body, a merge, strategic merge, JSON or
 * apply patch) with a 400 in upstream's words; Warn (the default) adds a
 * Warning header for each; Ignore says nothing. A value of the wrong type
 * is a 400 whatever the directive. NULL, or a Status (owned) to fail with.
 */
json_object *ck_rest_validate_fields(struct ck_rest_request *rr, json_object *obj);

/* Adds the header `Warning: 299 - "<text>"` (text quoted as Go's %q), once. */
void ck_rest_warn(const struct ck_rest_request *rr, const char *text);

/* Answers with a Status, recording the code. Takes status. */
void ck_rest_fail(struct ck_rest_request *rr, json_object *status);

/* The Status for a storage error code and message (caller owns it). */
json_object *ck_rest_storage_status(const struct ck_rest_request *rr, int code, const char *msg,
				    const char *name);

#endif
