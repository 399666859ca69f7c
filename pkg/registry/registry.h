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
};

struct ck_subresource {
	const char *name; /* "status" */
	enum ck_subresource_kind kind;
	unsigned verbs;
	/* responseKind in discovery when not the parent's kind */
	const char *group, *version, *kind_name;
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
	/* How metadata.name is validated (upstream's ValidateNameFunc). */
	enum {
		CK_NAME_DNS_SUBDOMAIN, /* the default */
		CK_NAME_DNS_LABEL,     /* namespaces, services */
		CK_NAME_PATH_SEGMENT,  /* anything that fits in a URL path segment */
	} name_rule;
	/* True when the resource has a status the main resource ignores. */
	bool has_status;
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
/* Descriptor initialisers for group, version and apiVersion. */
#define CK_CORE(v) .group = "", .version = v, .api_version = v
#define CK_GROUP(g, v) .group = g, .version = v, .api_version = g "/" v

#endif
