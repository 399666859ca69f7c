/*
 * The schema model of every built-in type: one description, derived at
 * first use from the protobuf-c descriptors generated from api/ (every .proto) and
 * from api/schema_fields.def (what proto cannot say: patch strategy and merge
 * key, list type and keys, required fields, enums). The OpenAPI documents,
 * structural validation (unknown fields, types, pruning) and the
 * strategic-merge-patch metadata all read it; nothing else describes types.
 *
 *	const struct ck_schema_type *t = ck_schema_kind("apps/v1", "Deployment");
 *	const struct ck_schema_field *f = ck_schema_field(t, "spec");
 *	f->value.type  // DeploymentSpec
 *
 * Invariants:
 *  - Everything returned is static: built once (thread-safe), never freed.
 *  - A type's fields are its JSON fields: inline messages (Probe's handler)
 *    are flattened into their parent; kinds (types with TypeMeta upstream)
 *    start with apiVersion and kind.
 *  - Named types are every message of api/, including the ones with a JSON
 *    form of their own (Time, Quantity, IntOrString, RawExtension): their
 *    kind says that form; a value refers to them through value.type.
 */
#ifndef CK_API_SCHEMA_H
#define CK_API_SCHEMA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* What a JSON value is. */
enum ck_schema_kind {
	CK_SCHEMA_OBJECT, /* a struct: the named fields of value.type */
	CK_SCHEMA_STRING,
	CK_SCHEMA_INTEGER,
	CK_SCHEMA_NUMBER,
	CK_SCHEMA_BOOLEAN,
	CK_SCHEMA_ARRAY,	 /* items */
	CK_SCHEMA_MAP,		 /* an object whose every value is items */
	CK_SCHEMA_INT_OR_STRING, /* intstr.IntOrString */
	CK_SCHEMA_QUANTITY,	 /* resource.Quantity: a string or a number */
	CK_SCHEMA_ANY,		 /* free-form JSON (RawExtension, FieldsV1) */
};

struct ck_schema_type;

struct ck_schema_value {
	enum ck_schema_kind kind;
	const char *format;		     /* int32, int64, double, byte, date-time; or NULL */
	const struct ck_schema_type *type;   /* the named type, or NULL (scalars, arrays, maps) */
	const struct ck_schema_value *items; /* ARRAY and MAP: the elements */
	const char *go_type;		     /* upstream's Go type ("[]v1.Container"), for errors */
};

struct ck_schema_field {
	const char *name; /* the JSON name */
	struct ck_schema_value value;
	const char *patch_strategy; /* "merge", "merge,retainKeys", …; NULL when none */
	const char *merge_key;	    /* patchMergeKey; NULL when none */
	const char *list_type;	    /* atomic, set, map; NULL when unsaid */
	const char *list_map_keys;  /* list_type map: key names joined by ',' */
	const char *enum_values;    /* the values joined by '|'; NULL when not an enum */
	bool required;
};

struct ck_schema_type {
	const char *proto_name;	  /* "k8s.io.api.core.v1.Pod" */
	const char *name;	  /* "Pod" */
	const char *openapi_name; /* "io.k8s.api.core.v1.Pod" */
	const char *go_name;	  /* "v1.Pod" */
	enum ck_schema_kind kind; /* OBJECT, or the JSON form of a special type */
	const char *format;	  /* date-time (Time, MicroTime); else NULL */
	bool is_kind;		  /* has apiVersion and kind */
	const struct ck_schema_field *fields;
	size_t n_fields;
};

/*
 * The type of a kind's objects. api_version is "v1", "apps/v1", …; NULL
 * matches any group. NULL for kinds api/ does not define (custom
 * resources).
 */
const struct ck_schema_type *ck_schema_kind(const char *api_version, const char *kind);

/*
 * A type by full proto name ("k8s.io.api.core.v1.PodSpec") or short name
 * ("PodSpec": meta/v1's and core/v1's first, then the first by full name).
 * NULL when none.
 */
const struct ck_schema_type *ck_schema_type(const char *name);

/* Every named type, sorted by full proto name; *ret_n of them. */
const struct ck_schema_type *const *ck_schema_types(size_t *ret_n);

/* A field of an OBJECT type by JSON name; NULL when it has none (or t is NULL). */
const struct ck_schema_field *ck_schema_field(const struct ck_schema_type *t, const char *name);

/* ---- structural validation ---- */

/* What ck_schema_check found. Release with ck_schema_result_release. */
struct ck_schema_result {
	/* Unknown fields, in document order, as upstream names them
	 * ("spec.containers[0].foo"): a JSON array of strings (owned). */
	json_object *unknown;
	/* The first value of the wrong type, in Go's wording ("json: cannot
	 * unmarshal string into Go struct field DeploymentSpec.spec.replicas
	 * of type int32"); NULL when none. Owned. */
	char *type_error;
};

enum {
	CK_SCHEMA_PRUNE = 1 << 0, /* drop the unknown fields from the object */
};

/*
 * Checks obj (a JSON object, modified only with CK_SCHEMA_PRUNE) against
 * type t: unknown fields and values of the wrong type, as decoding into
 * upstream's Go types finds them. JSON null is accepted anywhere (it
 * decodes to the zero value). t NULL (an unknown kind) accepts everything.
 * Fills *ret, which the caller releases.
 */
void ck_schema_check(const struct ck_schema_type *t, json_object *obj, unsigned flags,
		     struct ck_schema_result *ret);
void ck_schema_result_release(struct ck_schema_result *r);

/*
 * The duplicate fields of a JSON text, as upstream's strict decoder names
 * them ("metadata.name", "spec.containers[0].image"): appends each path to
 * paths (a JSON array, borrowed). Reads len bytes of data; text that is not
 * valid JSON stops the scan with -EINVAL (after what it found so far).
 * 0 on success.
 */
int ck_schema_duplicate_fields(const char *data, size_t len, json_object *paths);

#endif
