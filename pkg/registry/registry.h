/*
 * The resource table: the single source of truth for what the API server
 * serves. Routing, discovery (legacy and aggregated), RBAC resource names,
 * Table columns, field selectors and (later) OpenAPI all derive from the
 * descriptors here. Adding a resource is adding one file in
 * pkg/registry/<group>/ and one line in pkg/registry/resources.c.
 *
 * A descriptor is static, read-only data plus strategy hooks. Hooks take
 * json-c objects that the caller owns; they may modify the object they are
 * given to prepare (defaulting), never the old object.
 */
#ifndef CK_REGISTRY_REGISTRY_H
#define CK_REGISTRY_REGISTRY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_field_errors;
struct ck_user_info;
struct ck_authn;
struct ck_authorizer;
struct ck_registry_env;
struct ck_storage;
struct ck_resource;
struct ck_subresource;

/* Verbs, as upstream names them in discovery and RBAC. */
enum ck_verb {
	CK_VERB_GET = 1 << 0,
	CK_VERB_LIST = 1 << 1,
	CK_VERB_WATCH = 1 << 2,
	CK_VERB_CREATE = 1 << 3,
	CK_VERB_UPDATE = 1 << 4,
	CK_VERB_PATCH = 1 << 5,
	CK_VERB_DELETE = 1 << 6,
	CK_VERB_DELETECOLLECTION = 1 << 7,
};
#define CK_VERBS_ALL                                                                    \
	(CK_VERB_GET | CK_VERB_LIST | CK_VERB_WATCH | CK_VERB_CREATE | CK_VERB_UPDATE | \
	 CK_VERB_PATCH | CK_VERB_DELETE | CK_VERB_DELETECOLLECTION)
#define CK_VERBS_READ (CK_VERB_GET | CK_VERB_LIST | CK_VERB_WATCH)

/* The verb names in discovery order; NULL-terminated. */
extern const char *const ck_verb_names[];
/* The bit for a verb name, or 0. */
unsigned ck_verb_from_name(const char *name);

/*
 * A printer column (meta.k8s.io/v1 TableColumnDefinition) and how to fill
 * its cell: cell() returns a new json-c value (string, integer, number or
 * NULL for <none>) the caller owns; now_ns is the wall clock for ages.
 */
struct ck_printer_column {
	const char *name;
	const char *type;   /* string, integer, number, boolean, date */
	const char *format; /* "name" for the first column, "" otherwise */
	const char *description;
	int priority; /* > 0: shown only with -o wide */
	json_object *(*cell)(json_object *obj, int64_t now_ns);
};

/* What a subresource does; the generic handlers implement each kind. */
enum ck_subresource_kind {
	CK_SUB_STATUS,	 /* get/update/patch of .status only */
	CK_SUB_FINALIZE, /* namespaces/finalize: update of spec.finalizers only */
	CK_SUB_CUSTOM,	 /* served by the resource's own handler */
	CK_SUB_SCALE,	 /* autoscaling/v1 Scale: get/update/patch of the replicas */
	CK_SUB_STREAM,	 /* bytes from a location the resource names (pods/log) */
};

/*
 * Where a CK_SUB_STREAM subresource's bytes come from (upstream's
 * LocationStreamer): the server GETs url with its kubelet client
 * credentials and passes the body on as it arrives.
 */
struct ck_stream_location {
	char *url;		  /* owned; NULL: answer with an empty body */
	const char *content_type; /* static: "text/plain" */
};

/*
 * Where a scalable resource (one with a CK_SUB_SCALE subresource) keeps what
 * its autoscaling/v1 Scale shows (pkg/registry/scale.h): dotted JSON paths
 * into the object.
 */
struct ck_scale_paths {
	const char *spec_replicas;   /* "spec.replicas" */
	const char *status_replicas; /* "status.replicas" */
	const char *selector;	     /* "spec.selector" */
	bool selector_is_map;	     /* a label map (replicationcontrollers), not a LabelSelector */
};

/*
 * A request to a CK_SUB_CUSTOM subresource as its handler sees it
 * (pods/binding, pods/eviction, serviceaccounts/token). Everything is
 * borrowed for the duration of the call.
 */
struct ck_subresource_request {
	const struct ck_resource *res;
	const struct ck_subresource *sub;
	const char *verb;      /* "create", "get", ... */
	const char *namespace; /* "" at cluster scope */
	const char *name;      /* the parent object's name */
	json_object *body;     /* the decoded body (JSON or YAML); NULL when none */
	bool dry_run;
	const struct ck_user_info *user;   /* who asks (authenticated, maybe impersonated) */
	const struct ck_registry_env *env; /* the server's environment */
	struct ck_storage *storage;
	void *state; /* the resource's start() state, or NULL */
	/*
	 * Deletes an object of res as DELETE does (preconditions, graceful
	 * deletion, finalizers, after_delete), with DeleteOptions (borrowed,
	 * may be NULL). 0, or a negative errno and *ret_status (owned).
	 */
	int (*delete_object)(const struct ck_subresource_request *req, const char *name,
			     json_object *options, json_object **ret_status);
	/* A query parameter of the request (borrowed), "" when given without a value, or NULL. */
	const char *(*query)(const struct ck_subresource_request *req, const char *name);
	void *server; /* opaque: for the callbacks above */
};

struct ck_subresource {
	const char *name; /* "status" */
	enum ck_subresource_kind kind;
	unsigned verbs;
	/* responseKind in discovery when not the parent's kind */
	const char *group, *version, *kind_name;
	/*
	 * CK_SUB_CUSTOM: serves the request. Returns the HTTP code (200, 201)
	 * with *ret_obj (owned) to answer with, or a negative errno with
	 * *ret_status (owned). kind and apiVersion of the body are the
	 * handler's to check.
	 */
	int (*handle)(const struct ck_subresource_request *req, json_object **ret_obj,
		      json_object **ret_status);
	/*
	 * CK_SUB_STREAM: where the bytes come from. 0 with *ret filled, or a
	 * negative errno with *ret_status (owned).
	 */
	int (*locate)(const struct ck_subresource_request *req, struct ck_stream_location *ret,
		      json_object **ret_status);
};

/* The usual status subresource: get, update and patch of .status. */
#define CK_SUBRESOURCE_STATUS                                         \
	{                                                             \
		.name = "status", .kind = CK_SUB_STATUS,              \
		.verbs = CK_VERB_GET | CK_VERB_UPDATE | CK_VERB_PATCH \
	}

/*
 * What the server gives resources with state of their own (allocators,
 * bootstrap objects). Borrowed for the server's lifetime.
 */
struct ck_registry_env {
	struct ck_storage *storage;
	const char *service_cluster_ip_range; /* --service-cluster-ip-range */
	const char *service_node_port_range;  /* --service-node-port-range */
	const char *advertise_address;	      /* this server's address for clients */
	int secure_port;		      /* the port served (0 before post_start) */
	const char *etcd_servers;	      /* --etcd-servers, for componentstatuses */
	const struct ck_authn *authn;	      /* token signing and review (auth/authn.h) */
	const struct ck_authorizer *authz;    /* access and rules reviews (auth/authz.h) */
	/* --kubelet-preferred-address-types: node address types to reach a kubelet by, in order */
	const char *kubelet_preferred_address_types;
};

struct ck_resource {
	const char *group; /* "" for core */
	const char *version;
	const char *api_version; /* "v1", "apps/v1": set with CK_CORE / CK_GROUP */
	const char *resource;	 /* plural, lowercase: "configmaps" */
	const char *singular;	 /* "configmap" */
	const char *kind;	 /* "ConfigMap" */
	bool namespaced;
	unsigned verbs;
	const char *const *short_names;		   /* NULL-terminated, or NULL */
	const char *const *categories;		   /* NULL-terminated, or NULL */
	const struct ck_subresource *subresources; /* ends with name NULL, or NULL */
	const struct ck_printer_column *columns;   /* ends with name NULL; NULL = defaults */
	/*
	 * Field selector keys beyond metadata.name and metadata.namespace,
	 * each a dotted JSON path into the object ("spec.nodeName"); a
	 * missing field reads as "". NULL-terminated, or NULL.
	 */
	const char *const *field_selectors;
	/*
	 * The text a field selector compares for one of field_selectors when
	 * it is not simply the value at the path (a bool that reads "false"
	 * when absent): writes into out (size bytes) and returns out, or
	 * returns NULL for the default (ck_obj_field_text). Optional.
	 */
	const char *(*field_text)(json_object *obj, const char *field, char *out, size_t size);
	/* How metadata.name is validated (upstream's ValidateNameFunc). */
	enum {
		CK_NAME_DNS_SUBDOMAIN, /* the default */
		CK_NAME_DNS_LABEL,     /* namespaces, services */
		CK_NAME_PATH_SEGMENT,  /* anything that fits in a URL path segment */
		CK_NAME_DNS1035_LABEL, /* services */
	} name_rule;
	/* True when the resource has a status the main resource ignores. */
	bool has_status;
	/* metadata.generation starts at 1 and grows when anything but
	 * metadata and status changes. */
	bool tracks_generation;
	/* DELETE answers with the deleted object; else with a Success Status. */
	bool return_deleted_object;
	/* Storage resource name when it shares storage with another
	 * (events.k8s.io events live with core events); NULL = resource. */
	const char *storage_resource;
	/*
	 * Conversion for a resource stored in another's form (storage_resource
	 * set, e.g. events.k8s.io/v1 events stored as core/v1 events):
	 * to_storage turns this resource's object into the stored form,
	 * from_storage the stored form into this resource's. Each returns a
	 * new object the caller owns; the argument is borrowed.
	 */
	json_object *(*to_storage)(json_object *obj);
	json_object *(*from_storage)(json_object *stored);
	/* Objects expire --event-ttl after their last write (etcd lease). */
	bool uses_event_ttl;
	/* Where the replicas and the selector live, for its "scale" subresource. */
	const struct ck_scale_paths *scale;
	/*
	 * Strategy hooks, all optional:
	 *  prepare_create: defaulting on create (obj is the new object);
	 *  prepare_update: carry over what an update may not change (old
	 *    is borrowed and read-only);
	 *  validate / validate_update: semantic validation; append to errs.
	 *  spec_changed: whether an update changes what bumps generation
	 *    (default: anything but metadata and status).
	 */
	void (*prepare_create)(json_object *obj);
	void (*prepare_update)(json_object *obj, json_object *old);
	void (*validate)(json_object *obj, struct ck_field_errors *errs);
	void (*validate_update)(json_object *obj, json_object *old, struct ck_field_errors *errs);
	/*
	 * What decoding into the typed object would reject (a bad base64
	 * value, a wrong type): returns 0, or -EINVAL with a message (owned)
	 * the server answers 400 with, as "<Kind> in version \"v1\" cannot be
	 * handled as a <Kind>: <message>".
	 */
	int (*check_decode)(json_object *obj, char **ret_msg);
	/*
	 * A resource without storage (SelfSubjectAccessReview, TokenReview, …):
	 * it has no watch cache, and its requests (create only) are served by
	 * this hook as a CK_SUB_CUSTOM subresource's handle is (req->sub NULL,
	 * req->name "", req->storage and req->state as for the others).
	 */
	int (*custom)(const struct ck_subresource_request *req, json_object **ret_obj,
		      json_object **ret_status);
	/*
	 * A read-only resource computed on demand (componentstatuses): its
	 * objects now, as a new JSON array the caller owns (NULL on failure).
	 * get and list (with selectors and Tables) serve these, not storage.
	 */
	json_object *(*virtual_list)(void *state);
	/*
	 * What the requesting user may write beyond the request's own
	 * authorization (RBAC's escalation prevention): called on create (old
	 * NULL) and update of the main resource after validation, with req
	 * describing the request (user, env, namespace, name). 0, or a negative
	 * errno with *ret_status (owned) to answer with.
	 */
	int (*check_write)(const struct ck_subresource_request *req, json_object *obj,
			   json_object *old, json_object **ret_status);
	/*
	 * Finalizers beyond metadata.finalizers (namespaces' spec.finalizers):
	 * pending_finalizers says whether any remain; prepare_delete marks an
	 * object whose deletion waits on them (namespaces turn Terminating).
	 */
	bool (*pending_finalizers)(json_object *obj);
	void (*prepare_delete)(json_object *obj);
	/*
	 * What DELETE of the object called name may not do whatever the
	 * caller's rights (upstream's REST.Delete overrides: the system
	 * PriorityClasses): NULL to go on, or a Status (owned) to answer with.
	 * As upstream's Store.DeleteCollection, deletecollection does not ask.
	 */
	json_object *(*check_delete)(const char *name);
	/*
	 * Graceful deletion (upstream's CheckGracefulDelete): the grace period
	 * in seconds for deleting obj, given DeleteOptions.gracePeriodSeconds
	 * (requested, NULL when not given; never negative). A result > 0 keeps
	 * the object with deletionTimestamp = now + period and
	 * deletionGracePeriodSeconds until a later delete with 0 (pods wait
	 * for their kubelet); 0 deletes at once. NULL: never graceful.
	 */
	int64_t (*grace_period)(json_object *obj, const int64_t *requested);
	/*
	 * Status subresource updates: prepare_status_update carries over what
	 * a status update may not change (beyond spec and metadata, which the
	 * server keeps); validate_status_update replaces validate and
	 * validate_update there. Optional.
	 */
	void (*prepare_status_update)(json_object *obj, json_object *old);
	void (*validate_status_update)(json_object *obj, json_object *old,
				       struct ck_field_errors *errs);
	/*
	 * Per-server state and side effects beyond the object (service IP and
	 * port allocators), all optional:
	 *  start: once at server start, before serving; *ret_state goes to
	 *    the hooks below. 0, or a negative errno (the server fails).
	 *  post_start: once the server listens (env->secure_port set): the
	 *    resource's bootstrap objects (the `kubernetes` Service).
	 *  stop: frees the state (NULL-safe).
	 *  begin_write: on create (old NULL) and update of the main resource,
	 *    after defaulting and before validation; may fill obj (allocated
	 *    fields). 0 with *ret_txn (may be NULL), or a negative errno with
	 *    *ret_status (owned) to answer with.
	 *  finish_write: called once after each successful begin_write:
	 *    committed is true when the object was stored, false to revert.
	 *  after_delete: after an object (borrowed) left storage.
	 */
	int (*start)(const struct ck_registry_env *env, void **ret_state);
	int (*post_start)(void *state, const struct ck_registry_env *env);
	void (*stop)(void *state);
	int (*begin_write)(void *state, json_object *obj, json_object *old, bool dry_run,
			   void **ret_txn, json_object **ret_status);
	void (*finish_write)(void *state, void *txn, bool committed);
	void (*after_delete)(void *state, json_object *obj);
};

/* The table, NULL-terminated: every resource served, in discovery order. */
extern const struct ck_resource *const ck_resources[];

/*
 * Finds a resource by group, version and plural name; NULL when none.
 * Borrowed (static).
 */
const struct ck_resource *ck_registry_find(const char *group, const char *version,
					   const char *resource);
/* Finds a subresource of res by name; NULL when none. */
const struct ck_subresource *ck_registry_subresource(const struct ck_resource *res,
						     const char *name);
/*
 * Sets what the server sets on every new object (metadata.uid and
 * creationTimestamp) on obj (borrowed, changed), for objects the server
 * makes itself.
 */
void ck_registry_stamp_new(json_object *obj);
/*
 * Stores a bootstrap object (the system PriorityClasses, the `kubernetes`
 * EndpointSlice) at key when absent, stamped as above; an existing object is
 * left as it is (another API server, or a user, made it). obj is borrowed
 * and changed. 0, or a negative errno.
 */
int ck_registry_bootstrap_create(struct ck_storage *storage, const char *key, json_object *obj);

/* Descriptor initialisers for group, version and apiVersion. */
#define CK_CORE(v) .group = "", .version = v, .api_version = v
#define CK_GROUP(g, v) .group = g, .version = v, .api_version = g "/" v

#endif
