/*
 * The OpenAPI v3 and v2 documents: paths from the resource table, schemas
 * from the schema model. See openapi.h.
 */
#include "apiserver/openapi.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/protobuf.h"
#include "api/schema.h"
#include "apimachinery/yaml.h"
#include "openapiv2/OpenAPIv2.pb-c.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/http_server.h"
#include "util/log.h"
#include "util/str.h"

#define V3_PREFIX "/openapi/v3/"
#define PATCH_SCHEMA "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
#define V2_PROTOBUF "application/com.github.proto-openapi.spec.v2"

struct doc {
	char *json;
	size_t len;
	char hash[129]; /* SHA-512, upper-case hex, as upstream's serverRelativeURL */
	char etag[132]; /* the hash, quoted */
};

struct ck_openapi {
	struct ck_hashmap v3; /* "api/v1", "apis/apps/v1" -> struct doc */
	struct doc v3_index;
	struct doc v2;
	struct doc v2_protobuf; /* gnostic's openapi.v2.Document */
};

/* Which dialect a schema or operation is written in. */
enum dialect {
	V3,
	V2,
};

/* Sets d to len bytes of data (taken: d owns it), with its hash and ETag. */
static void doc_set_bytes(struct doc *d, char *data, size_t len)
{
	d->json = data;
	d->len = len;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	CK_BUG_ON(EVP_Digest(d->json, d->len, md, &n, EVP_sha512(), NULL) != 1);
	for (unsigned int i = 0; i < n && 2 * i + 2 < sizeof(d->hash); i++)
		snprintf(d->hash + 2 * i, 3, "%02X", md[i]);
	snprintf(d->etag, sizeof(d->etag), "\"%s\"", d->hash);
}

/* Sets d to obj's JSON text. Takes obj. */
static void doc_set(struct doc *d, json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	doc_set_bytes(d, ck_strdup(s), strlen(s));
	json_object_put(obj);
}

static void doc_free(void *p)
{
	struct doc *d = p;
	if (d)
		free(d->json);
	free(d);
}

/* ---- schemas ---- */

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *split(const char *list, char sep)
{
	json_object *a = json_object_new_array();
	while (list && *list) {
		const char *e = strchr(list, sep);
		size_t n = e ? (size_t)(e - list) : strlen(list);
		json_object_array_add(a, json_object_new_string_len(list, (int)n));
		list = e ? e + 1 : NULL;
	}
	return a;
}

static json_object *ref(enum dialect d, const struct ck_schema_type *t)
{
	char r[256];
	snprintf(r, sizeof(r), "%s%s", d == V3 ? "#/components/schemas/" : "#/definitions/",
		 t->openapi_name);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "$ref", str(r));
	return o;
}

/* The schema of a value; named types by reference (v3: allOf, as upstream). */
static json_object *value_schema(enum dialect d, const struct ck_schema_value *v)
{
	json_object *o;
	if (v->type) {
		if (d == V2)
			return ref(d, v->type);
		o = json_object_new_object();
		json_object *all = json_object_new_array();
		json_object_array_add(all, ref(d, v->type));
		json_object_object_add(o, "allOf", all);
		if (v->kind == CK_SCHEMA_OBJECT)
			json_object_object_add(o, "default", json_object_new_object());
		return o;
	}
	o = json_object_new_object();
	switch (v->kind) {
	case CK_SCHEMA_STRING:
		json_object_object_add(o, "type", str("string"));
		break;
	case CK_SCHEMA_INTEGER:
		json_object_object_add(o, "type", str("integer"));
		break;
	case CK_SCHEMA_NUMBER:
		json_object_object_add(o, "type", str("number"));
		break;
	case CK_SCHEMA_BOOLEAN:
		json_object_object_add(o, "type", str("boolean"));
		break;
	case CK_SCHEMA_ARRAY:
		json_object_object_add(o, "type", str("array"));
		json_object_object_add(o, "items", value_schema(d, v->items));
		break;
	case CK_SCHEMA_MAP:
		json_object_object_add(o, "type", str("object"));
		json_object_object_add(o, "additionalProperties", value_schema(d, v->items));
		break;
	default:
		json_object_object_add(o, "type", str("object"));
		break;
	}
	if (v->format)
		json_object_object_add(o, "format", str(v->format));
	return o;
}

static json_object *field_schema(enum dialect d, const struct ck_schema_field *f)
{
	json_object *o = value_schema(d, &f->value);
	if (f->enum_values)
		json_object_object_add(o, "enum", split(f->enum_values, '|'));
	if (f->list_type)
		json_object_object_add(o, "x-kubernetes-list-type", str(f->list_type));
	if (f->list_map_keys)
		json_object_object_add(o, "x-kubernetes-list-map-keys",
				       split(f->list_map_keys, ','));
	if (f->merge_key)
		json_object_object_add(o, "x-kubernetes-patch-merge-key", str(f->merge_key));
	if (f->patch_strategy)
		json_object_object_add(o, "x-kubernetes-patch-strategy", str(f->patch_strategy));
	return o;
}

static int cmp_fields(const void *a, const void *b)
{
	const struct ck_schema_field *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* A named type's definition (a new object). */
static json_object *type_schema(enum dialect d, const struct ck_schema_type *t)
{
	json_object *o = json_object_new_object();
	switch (t->kind) {
	case CK_SCHEMA_OBJECT: {
		json_object_object_add(o, "type", str("object"));
		json_object *props = json_object_new_object(), *req = json_object_new_array();
		const struct ck_schema_field **sorted = ck_calloc(t->n_fields + 1, sizeof(*sorted));
		for (size_t i = 0; i < t->n_fields; i++)
			sorted[i] = &t->fields[i];
		qsort(sorted, t->n_fields, sizeof(*sorted), cmp_fields);
		for (size_t i = 0; i < t->n_fields; i++) {
			json_object_object_add(props, sorted[i]->name, field_schema(d, sorted[i]));
			if (sorted[i]->required)
				json_object_array_add(req, str(sorted[i]->name));
		}
		free(sorted);
		json_object_object_add(o, "properties", props);
		if (json_object_array_length(req))
			json_object_object_add(o, "required", req);
		else
			json_object_put(req);
		break;
	}
	case CK_SCHEMA_STRING:
		json_object_object_add(o, "type", str("string"));
		if (t->format)
			json_object_object_add(o, "format", str(t->format));
		break;
	case CK_SCHEMA_QUANTITY:
		if (d == V3) {
			json_object *one = json_object_new_array();
			json_object *s = json_object_new_object(), *n = json_object_new_object();
			json_object_object_add(s, "type", str("string"));
			json_object_object_add(n, "type", str("number"));
			json_object_array_add(one, s);
			json_object_array_add(one, n);
			json_object_object_add(o, "oneOf", one);
		} else {
			json_object_object_add(o, "type", str("string"));
		}
		break;
	case CK_SCHEMA_INT_OR_STRING:
		if (d == V3) {
			json_object *one = json_object_new_array();
			json_object *i = json_object_new_object(), *s = json_object_new_object();
			json_object_object_add(i, "type", str("integer"));
			json_object_object_add(s, "type", str("string"));
			json_object_array_add(one, i);
			json_object_array_add(one, s);
			json_object_object_add(o, "oneOf", one);
		} else {
			json_object_object_add(o, "type", str("string"));
		}
		json_object_object_add(o, "format", str("int-or-string"));
		break;
	default:
		json_object_object_add(o, "type", str("object"));
		break;
	}
	return o;
}

static json_object *gvk(const char *group, const char *version, const char *kind)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "group", str(group));
	json_object_object_add(o, "kind", str(kind));
	json_object_object_add(o, "version", str(version));
	return o;
}

/*
 * The schemas a document needs: roots (with their kinds) and every type
 * they refer to. defs: name -> definition (json object, owned by defs).
 */
struct defs {
	enum dialect d;
	json_object *out; /* components.schemas / definitions */
};

static void add_type(struct defs *s, const struct ck_schema_type *t);

static void add_value_types(struct defs *s, const struct ck_schema_value *v)
{
	for (; v; v = v->items)
		if (v->type)
			add_type(s, v->type);
}

static void add_type(struct defs *s, const struct ck_schema_type *t)
{
	if (json_object_object_get_ex(s->out, t->openapi_name, NULL))
		return;
	json_object_object_add(s->out, t->openapi_name, type_schema(s->d, t));
	for (size_t i = 0; i < t->n_fields; i++)
		add_value_types(s, &t->fields[i].value);
}

/* Adds a kind's type with its group-version-kind. */
static void add_kind(struct defs *s, const struct ck_schema_type *t, const char *group,
		     const char *version, const char *kind)
{
	json_object *def = NULL;
	add_type(s, t);
	json_object_object_get_ex(s->out, t->openapi_name, &def);
	json_object *list = NULL;
	if (!json_object_object_get_ex(def, "x-kubernetes-group-version-kind", &list)) {
		list = json_object_new_array();
		json_object_object_add(def, "x-kubernetes-group-version-kind", list);
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *g = json_object_array_get_idx(list, i), *x;
		if (json_object_object_get_ex(g, "group", &x) &&
		    ck_streq(json_object_get_string(x), group) &&
		    json_object_object_get_ex(g, "version", &x) &&
		    ck_streq(json_object_get_string(x), version))
			return;
	}
	json_object_array_add(list, gvk(group, version, kind));
}

static void add_patch_schema(struct defs *s)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "description",
			       str("Patch is provided to give a concrete name and type to the "
				   "Kubernetes PATCH request body."));
	json_object_object_add(o, "type", str("object"));
	json_object_object_add(s->out, PATCH_SCHEMA, o);
}

/* ---- paths and operations ---- */

/* "rbac.authorization.k8s.io" -> "RbacAuthorization"; "" -> "Core". */
static void group_camel(const char *group, struct ck_buf *out)
{
	if (!*group) {
		ck_buf_adds(out, "Core");
		return;
	}
	const char *end = strstr(group, ".k8s.io");
	size_t n = end ? (size_t)(end - group) : strlen(group);
	bool up = true;
	for (size_t i = 0; i < n; i++) {
		if (group[i] == '.' || group[i] == '-') {
			up = true;
			continue;
		}
		ck_buf_addc(out, up ? (char)toupper((unsigned char)group[i]) : group[i]);
		up = false;
	}
}

/* The tag upstream gives a group version: "core_v1", "rbacAuthorization_v1". */
static char *tag_of(const char *group, const char *version)
{
	struct ck_buf b = CK_BUF_INIT;
	group_camel(group, &b);
	if (b.len)
		b.data[0] = (char)tolower((unsigned char)b.data[0]);
	ck_buf_addf(&b, "_%s", version);
	return ck_buf_detach(&b, NULL);
}

static json_object *param(enum dialect d, const char *name, const char *in, const char *type,
			  const char *description, bool required)
{
	json_object *p = json_object_new_object();
	json_object_object_add(p, "name", str(name));
	json_object_object_add(p, "in", str(in));
	if (description)
		json_object_object_add(p, "description", str(description));
	if (required)
		json_object_object_add(p, "required", json_object_new_boolean(true));
	json_object *sch = d == V3 ? json_object_new_object() : p;
	json_object_object_add(sch, "type", str(type));
	json_object_object_add(sch, "uniqueItems", json_object_new_boolean(true));
	if (d == V3)
		json_object_object_add(p, "schema", sch);
	return p;
}

static const char dry_run_doc[] =
    "When present, indicates that modifications should not be persisted. An invalid or "
    "unrecognized dryRun directive will result in an error response and no further "
    "processing of the request. Valid values are: - All: all dry run stages will be processed";
static const char field_manager_doc[] =
    "fieldManager is a name associated with the actor or entity that is making these changes. "
    "The value must be less than or 128 characters long, and only contain printable "
    "characters, as defined by https://golang.org/pkg/unicode/#IsPrint.";
static const char field_validation_doc[] =
    "fieldValidation instructs the server on how to handle objects in the request "
    "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: "
    "This will ignore any unknown fields that are silently dropped from the object, and will "
    "ignore all but the last duplicate field that the decoder encounters. This is the default "
    "behavior prior to v1.23. - Warn: This will send a warning via the standard warning "
    "response header for each unknown field that is dropped from the object, and for each "
    "duplicate field that is encountered. The request will still succeed if there are no "
    "other errors, and will only persist the last of any duplicate fields. This is the "
    "default in v1.23+ - Strict: This will fail the request with a BadRequest error if any "
    "unknown fields would be dropped from the object, or if any duplicate fields are "
    "present. The error returned from the server will contain all unknown and duplicate "
    "fields encountered.";

static const char *const body_media[] = { "application/json", "application/yaml",
					  "application/vnd.kubernetes.protobuf" };
/* What a watch answers in (upstream lists the stream forms with the others). */
static const char *const watch_media[] = {
	"application/json",
	"application/yaml",
	"application/vnd.kubernetes.protobuf",
	"application/json;stream=watch",
	"application/vnd.kubernetes.protobuf;stream=watch",
};
/* The query parameters of a list (and of a watch path), sorted by name as upstream. */
static const char *const list_params[] = { "allowWatchBookmarks",
					   "continue",
					   "fieldSelector",
					   "labelSelector",
					   "limit",
					   "resourceVersion",
					   "resourceVersionMatch",
					   "sendInitialEvents",
					   "timeoutSeconds",
					   "watch" };
static const char *const patch_media[] = {
	"application/apply-patch+yaml",
	"application/json-patch+json",
	"application/merge-patch+json",
	"application/strategic-merge-patch+json",
};

struct op_ctx {
	enum dialect d;
	const char *group, *version, *tag;
	const char *kind_group, *kind_version, *kind; /* the x-kubernetes-group-version-kind */
	const struct ck_schema_type *type;	      /* the body's and answer's type */
	const struct ck_schema_type *list_type;	      /* a list's answer */
	const struct ck_schema_type *status_type;     /* meta/v1 Status */
	const struct ck_schema_type *watch_type;      /* meta/v1 WatchEvent */
};

/* {"<type>":{"schema":schema},…} for each media type; takes schema. */
static json_object *media_map(const char *const *types, size_t n, json_object *schema)
{
	json_object *c = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_new_object();
		json_object_object_add(m, "schema", json_object_get(schema));
		json_object_object_add(c, types[i], m);
	}
	json_object_put(schema);
	return c;
}

static json_object *strings(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, str(v[i]));
	return a;
}

static bool is_watch(const char *action)
{
	return ck_streq(action, "watch") || ck_streq(action, "watchlist");
}

static void add_response(const struct op_ctx *c, json_object *responses, const char *code,
			 const char *description, const struct ck_schema_type *t, bool watch)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "description", str(description));
	if (t) {
		if (c->d == V3 && watch)
			json_object_object_add(
			    r, "content",
			    media_map(watch_media, CK_ARRAY_SIZE(watch_media), ref(c->d, t)));
		else if (c->d == V3)
			json_object_object_add(
			    r, "content",
			    media_map(body_media, CK_ARRAY_SIZE(body_media), ref(c->d, t)));
		else
			json_object_object_add(r, "schema", ref(c->d, t));
	}
	json_object_object_add(responses, code, r);
}

/* A list's (or watch path's) query parameter. */
static json_object *list_param(enum dialect d, const char *n)
{
	const char *type = ck_streq(n, "limit") || ck_streq(n, "timeoutSeconds") ? "integer"
			   : ck_streq(n, "allowWatchBookmarks") ||
				   ck_streq(n, "sendInitialEvents") || ck_streq(n, "watch")
			       ? "boolean"
			       : "string";
	return param(d, n, "query", type, NULL, false);
}

/*
 * One operation. action is upstream's x-kubernetes-action; verb_id and
 * what name it ("read" + "CoreV1" + "NamespacedPod" + "Status").
 */
static json_object *operation(const struct op_ctx *c, const char *action, const char *verb_id,
			      const char *what, const char *description)
{
	json_object *op = json_object_new_object();
	json_object *tags = json_object_new_array();
	json_object_array_add(tags, str(c->tag));
	json_object_object_add(op, "tags", tags);
	json_object_object_add(op, "description", str(description));
	struct ck_buf id = CK_BUF_INIT;
	ck_buf_adds(&id, verb_id);
	group_camel(c->group, &id);
	ck_buf_addc(&id, (char)toupper((unsigned char)c->version[0]));
	ck_buf_adds(&id, c->version + 1);
	ck_buf_adds(&id, what);
	json_object_object_add(op, "operationId", str(ck_buf_str(&id)));
	ck_buf_release(&id);

	json_object *params = json_object_new_array();
	bool writes =
	    ck_streq(action, "post") || ck_streq(action, "put") || ck_streq(action, "patch");
	bool deletes = ck_streq(action, "delete") || ck_streq(action, "deletecollection");
	if (writes || deletes)
		json_object_array_add(params,
				      param(c->d, "dryRun", "query", "string", dry_run_doc, false));
	if (writes) {
		json_object_array_add(params, param(c->d, "fieldManager", "query", "string",
						    field_manager_doc, false));
		json_object_array_add(params, param(c->d, "fieldValidation", "query", "string",
						    field_validation_doc, false));
	}
	if (ck_streq(action, "patch"))
		json_object_array_add(
		    params, param(c->d, "force", "query", "boolean",
				  "Force is going to \"force\" Apply requests. It means user will "
				  "re-acquire conflicting fields owned by other people. Force flag "
				  "must be unset for non-apply patch requests.",
				  false));
	if (ck_streq(action, "list"))
		for (size_t i = 0; i < CK_ARRAY_SIZE(list_params); i++)
			json_object_array_add(params, list_param(c->d, list_params[i]));

	const struct ck_schema_type *body = NULL;
	const char *const *consumes = NULL;
	size_t n_consumes = 0;
	if (ck_streq(action, "post") || ck_streq(action, "put")) {
		body = c->type;
		consumes = body_media;
		n_consumes = CK_ARRAY_SIZE(body_media);
	} else if (ck_streq(action, "patch")) {
		consumes = patch_media;
		n_consumes = CK_ARRAY_SIZE(patch_media);
	}
	if (consumes) {
		json_object *schema = body ? ref(c->d, body) : NULL;
		if (!schema) {
			schema = json_object_new_object();
			json_object_object_add(schema, "$ref",
					       str(c->d == V3 ? "#/components/schemas/" PATCH_SCHEMA
							      : "#/definitions/" PATCH_SCHEMA));
		}
		if (c->d == V3) {
			json_object *rb = json_object_new_object();
			json_object_object_add(rb, "content",
					       media_map(consumes, n_consumes, schema));
			json_object_object_add(rb, "required", json_object_new_boolean(true));
			json_object_object_add(op, "requestBody", rb);
		} else {
			json_object *p = json_object_new_object();
			json_object_object_add(p, "name", str("body"));
			json_object_object_add(p, "in", str("body"));
			json_object_object_add(p, "required", json_object_new_boolean(true));
			json_object_object_add(p, "schema", schema);
			json_object_array_add(params, p);
			json_object_object_add(op, "consumes", strings(consumes, n_consumes));
		}
	}
	if (json_object_array_length(params))
		json_object_object_add(op, "parameters", params);
	else
		json_object_put(params);
	bool watch = is_watch(action);
	if (c->d == V2)
		json_object_object_add(op, "produces",
				       watch ? strings(watch_media, CK_ARRAY_SIZE(watch_media))
					     : strings(body_media, CK_ARRAY_SIZE(body_media)));

	json_object *responses = json_object_new_object();
	const struct ck_schema_type *answer = ck_streq(action, "list") ? c->list_type : c->type;
	if (ck_streq(action, "deletecollection"))
		answer = c->status_type;
	else if (watch)
		answer = c->watch_type;
	add_response(c, responses, "200", "OK", answer, watch);
	if (ck_streq(action, "post")) {
		add_response(c, responses, "201", "Created", answer, false);
		add_response(c, responses, "202", "Accepted", answer, false);
	} else if (ck_streq(action, "put") || ck_streq(action, "patch")) {
		add_response(c, responses, "201", "Created", answer, false);
	} else if (ck_streq(action, "delete")) {
		add_response(c, responses, "202", "Accepted", answer, false);
	}
	add_response(c, responses, "401", "Unauthorized", NULL, false);
	json_object_object_add(op, "responses", responses);
	json_object_object_add(op, "x-kubernetes-action", str(action));
	json_object_object_add(op, "x-kubernetes-group-version-kind",
			       gvk(c->kind_group, c->kind_version, c->kind));
	return op;
}

static json_object *path_item(json_object *paths, const char *path)
{
	json_object *item = NULL;
	if (!json_object_object_get_ex(paths, path, &item)) {
		item = json_object_new_object();
		json_object_object_add(paths, path, item);
	}
	return item;
}

/*
 * A path's parameters: name and namespace when in the path, pretty, and for
 * a watch path the list's query parameters too, all sorted by name as
 * upstream's.
 */
static void path_params(enum dialect d, json_object *item, bool name, bool ns, bool watch)
{
	json_object *params = json_object_new_array();
	size_t i = 0, n = watch ? CK_ARRAY_SIZE(list_params) : 0;
	for (; i < n && strcmp(list_params[i], "name") < 0; i++)
		json_object_array_add(params, list_param(d, list_params[i]));
	if (name)
		json_object_array_add(
		    params, param(d, "name", "path", "string", "name of the resource", true));
	if (ns)
		json_object_array_add(params, param(d, "namespace", "path", "string",
						    "object name and auth scope, such as for teams "
						    "and projects",
						    true));
	for (; i < n && strcmp(list_params[i], "pretty") < 0; i++)
		json_object_array_add(params, list_param(d, list_params[i]));
	json_object_array_add(
	    params, param(d, "pretty", "query", "string",
			  "If 'true', then the output is pretty printed. Defaults to "
			  "'false' unless the user-agent indicates a browser or command-line "
			  "HTTP tool (curl and wget).",
			  false));
	for (; i < n; i++)
		json_object_array_add(params, list_param(d, list_params[i]));
	json_object_object_add(item, "parameters", params);
}

static bool has(unsigned verbs, unsigned v)
{
	return (verbs & v) != 0;
}

/* Adds res's paths (and its subresources') and its schemas. */
static void add_resource(enum dialect d, const struct ck_resource *res, json_object *paths,
			 struct defs *defs)
{
	const struct ck_schema_type *type = ck_schema_kind(res->api_version, res->kind);
	if (!type)
		return; /* a kind api/ does not define: no schema, no paths */
	char list_kind[128];
	snprintf(list_kind, sizeof(list_kind), "%sList", res->kind);
	const struct ck_schema_type *list = ck_schema_kind(res->api_version, list_kind);
	const struct ck_schema_type *status = ck_schema_type("Status");
	const struct ck_schema_type *watch_event = ck_schema_type("WatchEvent");
	add_kind(defs, type, res->group, res->version, res->kind);
	if (list)
		add_kind(defs, list, res->group, res->version, list_kind);
	if (status)
		add_type(defs, status);

	char *tag = tag_of(res->group, res->version);
	struct op_ctx c = { d,	       res->group, res->version,
			    tag,       res->group, res->version,
			    res->kind, type,	   list ? list : type,
			    status,    watch_event };
	char base[256], what[160], all_what[160];
	if (*res->group)
		snprintf(base, sizeof(base), "/apis/%s/%s", res->group, res->version);
	else
		snprintf(base, sizeof(base), "/api/%s", res->version);
	snprintf(what, sizeof(what), "%s%s", res->namespaced ? "Namespaced" : "", res->kind);
	snprintf(all_what, sizeof(all_what), "%sForAllNamespaces", res->kind);

	struct ck_buf coll = CK_BUF_INIT, item = CK_BUF_INIT, tmp = CK_BUF_INIT;
	ck_buf_addf(&coll, "%s%s/%s", base, res->namespaced ? "/namespaces/{namespace}" : "",
		    res->resource);
	ck_buf_addf(&item, "%s/{name}", ck_buf_str(&coll));
	char desc[256];
	unsigned v = res->verbs;
	if (has(v, CK_VERB_LIST | CK_VERB_CREATE | CK_VERB_DELETECOLLECTION)) {
		json_object *it = path_item(paths, ck_buf_str(&coll));
		if (has(v, CK_VERB_LIST)) {
			snprintf(desc, sizeof(desc), "list or watch objects of kind %s", res->kind);
			json_object_object_add(it, "get",
					       operation(&c, "list", "list", what, desc));
		}
		if (has(v, CK_VERB_CREATE)) {
			snprintf(desc, sizeof(desc), "create a %s", res->kind);
			json_object_object_add(it, "post",
					       operation(&c, "post", "create", what, desc));
		}
		if (has(v, CK_VERB_DELETECOLLECTION)) {
			snprintf(desc, sizeof(desc), "delete collection of %s", res->kind);
			json_object_object_add(
			    it, "delete",
			    operation(&c, "deletecollection", "deleteCollection", what, desc));
		}
		path_params(d, it, false, res->namespaced, false);
	}
	if (has(v, CK_VERB_GET | CK_VERB_UPDATE | CK_VERB_PATCH | CK_VERB_DELETE)) {
		json_object *it = path_item(paths, ck_buf_str(&item));
		if (has(v, CK_VERB_GET)) {
			snprintf(desc, sizeof(desc), "read the specified %s", res->kind);
			json_object_object_add(it, "get", operation(&c, "get", "read", what, desc));
		}
		if (has(v, CK_VERB_UPDATE)) {
			snprintf(desc, sizeof(desc), "replace the specified %s", res->kind);
			json_object_object_add(it, "put",
					       operation(&c, "put", "replace", what, desc));
		}
		if (has(v, CK_VERB_PATCH)) {
			snprintf(desc, sizeof(desc), "partially update the specified %s",
				 res->kind);
			json_object_object_add(it, "patch",
					       operation(&c, "patch", "patch", what, desc));
		}
		if (has(v, CK_VERB_DELETE)) {
			snprintf(desc, sizeof(desc), "delete a %s", res->kind);
			json_object_object_add(it, "delete",
					       operation(&c, "delete", "delete", what, desc));
		}
		path_params(d, it, true, res->namespaced, false);
	}
	if (res->namespaced && has(v, CK_VERB_LIST)) {
		ck_buf_addf(&tmp, "%s/%s", base, res->resource);
		json_object *it = path_item(paths, ck_buf_str(&tmp));
		snprintf(desc, sizeof(desc), "list or watch objects of kind %s", res->kind);
		json_object_object_add(it, "get", operation(&c, "list", "list", all_what, desc));
		path_params(d, it, false, false, false);
	}
	if (has(v, CK_VERB_WATCH) && watch_event) {
		/* Upstream's watch paths, deprecated in their descriptions for the
		 * list operation's watch parameter (still served: request_info.c). */
		char watch_what[200];
		/* registered in every group version, as upstream's */
		add_kind(defs, watch_event, res->group, res->version, "WatchEvent");
		ck_buf_reset(&tmp);
		ck_buf_addf(&tmp, "%s/watch%s/%s", base,
			    res->namespaced ? "/namespaces/{namespace}" : "", res->resource);
		json_object *it = path_item(paths, ck_buf_str(&tmp));
		snprintf(desc, sizeof(desc),
			 "watch individual changes to a list of %s. deprecated: use the 'watch' "
			 "parameter with a list operation instead.",
			 res->kind);
		snprintf(watch_what, sizeof(watch_what), "%sList", what);
		json_object_object_add(it, "get",
				       operation(&c, "watchlist", "watch", watch_what, desc));
		path_params(d, it, false, res->namespaced, true);

		ck_buf_adds(&tmp, "/{name}");
		it = path_item(paths, ck_buf_str(&tmp));
		snprintf(desc, sizeof(desc),
			 "watch changes to an object of kind %s. deprecated: use the 'watch' "
			 "parameter with a list operation instead, filtered to a single item with "
			 "the 'fieldSelector' parameter.",
			 res->kind);
		json_object_object_add(it, "get", operation(&c, "watch", "watch", what, desc));
		path_params(d, it, true, res->namespaced, true);

		if (res->namespaced) {
			ck_buf_reset(&tmp);
			ck_buf_addf(&tmp, "%s/watch/%s", base, res->resource);
			it = path_item(paths, ck_buf_str(&tmp));
			snprintf(desc, sizeof(desc),
				 "watch individual changes to a list of %s. deprecated: use the "
				 "'watch' parameter with a list operation instead.",
				 res->kind);
			snprintf(watch_what, sizeof(watch_what), "%sListForAllNamespaces",
				 res->kind);
			json_object_object_add(
			    it, "get", operation(&c, "watchlist", "watch", watch_what, desc));
			path_params(d, it, false, false, true);
		}
	}
	for (const struct ck_subresource *sub = res->subresources; sub && sub->name; sub++) {
		struct op_ctx sc = c;
		if (sub->kind_name) {
			const char *g = sub->group ? sub->group : res->group;
			const char *ver = sub->version ? sub->version : res->version;
			char av[128];
			if (*g)
				snprintf(av, sizeof(av), "%s/%s", g, ver);
			else
				snprintf(av, sizeof(av), "%s", ver);
			const struct ck_schema_type *st = ck_schema_kind(av, sub->kind_name);
			if (!st)
				continue;
			add_kind(defs, st, g, ver, sub->kind_name);
			sc.kind_group = g;
			sc.kind_version = ver;
			sc.kind = sub->kind_name;
			sc.type = st;
		} else if (sub->kind == CK_SUB_CUSTOM || sub->kind == CK_SUB_STREAM)
			continue; /* answers no object of the parent's kind (pods/log) */
		char sub_what[200];
		snprintf(sub_what, sizeof(sub_what), "%s%c%s", what,
			 (char)toupper((unsigned char)sub->name[0]), sub->name + 1);
		ck_buf_reset(&tmp);
		ck_buf_addf(&tmp, "%s/%s", ck_buf_str(&item), sub->name);
		json_object *it = path_item(paths, ck_buf_str(&tmp));
		unsigned sv = sub->verbs;
		if (has(sv, CK_VERB_GET)) {
			snprintf(desc, sizeof(desc), "read %s of the specified %s", sub->name,
				 res->kind);
			json_object_object_add(it, "get",
					       operation(&sc, "get", "read", sub_what, desc));
		}
		if (has(sv, CK_VERB_CREATE)) {
			snprintf(desc, sizeof(desc), "create %s of a %s", sub->name, res->kind);
			json_object_object_add(it, "post",
					       operation(&sc, "post", "create", sub_what, desc));
		}
		if (has(sv, CK_VERB_UPDATE)) {
			snprintf(desc, sizeof(desc), "replace %s of the specified %s", sub->name,
				 res->kind);
			json_object_object_add(it, "put",
					       operation(&sc, "put", "replace", sub_what, desc));
		}
		if (has(sv, CK_VERB_PATCH)) {
			snprintf(desc, sizeof(desc), "partially update %s of the specified %s",
				 sub->name, res->kind);
			json_object_object_add(it, "patch",
					       operation(&sc, "patch", "patch", sub_what, desc));
		}
		path_params(d, it, true, res->namespaced, false);
	}
	ck_buf_release(&coll);
	ck_buf_release(&item);
	ck_buf_release(&tmp);
	free(tag);
}

static json_object *info(void)
{
	json_object *i = json_object_new_object();
	json_object_object_add(i, "title", str("Kubernetes"));
	json_object_object_add(i, "version", str("v1.30.0"));
	return i;
}

/* The v3 document of one group version. */
static json_object *v3_document(const char *group, const char *version)
{
	json_object *doc = json_object_new_object(), *paths = json_object_new_object();
	struct defs defs = { V3, json_object_new_object() };
	json_object_object_add(doc, "openapi", str("3.0.0"));
	json_object_object_add(doc, "info", info());
	json_object_object_add(doc, "paths", paths);
	add_patch_schema(&defs);
	for (size_t i = 0; ck_resources[i]; i++)
		if (ck_streq(ck_resources[i]->group, group) &&
		    ck_streq(ck_resources[i]->version, version))
			add_resource(V3, ck_resources[i], paths, &defs);
	json_object *components = json_object_new_object();
	json_object_object_add(components, "schemas", defs.out);
	json_object_object_add(doc, "components", components);
	return doc;
}

static json_object *v2_document(void)
{
	json_object *doc = json_object_new_object(), *paths = json_object_new_object();
	struct defs defs = { V2, json_object_new_object() };
	json_object_object_add(doc, "swagger", str("2.0"));
	json_object_object_add(doc, "info", info());
	json_object_object_add(doc, "paths", paths);
	add_patch_schema(&defs);
	for (size_t i = 0; ck_resources[i]; i++)
		add_resource(V2, ck_resources[i], paths, &defs);
	json_object_object_add(doc, "definitions", defs.out);
	json_object *sec = json_object_new_object(), *bearer = json_object_new_object();
	json_object_object_add(bearer, "type", str("apiKey"));
	json_object_object_add(bearer, "name", str("authorization"));
	json_object_object_add(bearer, "in", str("header"));
	json_object_object_add(bearer, "description", str("Bearer Token authentication"));
	json_object_object_add(sec, "BearerToken", bearer);
	json_object_object_add(doc, "securityDefinitions", sec);
	return doc;
}

/* ---- /openapi/v2 in protobuf: the Swagger JSON in gnostic's message shape ---- */

/* An openapi.v2.Any: the value as YAML text, as gnostic keeps extensions. */
static json_object *pb_any(json_object *v)
{
	struct ck_buf b = CK_BUF_INIT;
	json_object *o = json_object_new_object();
	if (ck_yaml_encode(v, &b) == 0)
		json_object_object_add(o, "yaml", str(ck_buf_str(&b)));
	ck_buf_release(&b);
	return o;
}

static json_object *pb_named(const char *name, json_object *value)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", str(name));
	json_object_object_add(o, "value", value);
	return o;
}

/* Adds obj's x-… keys to out's vendor_extension. */
static void pb_extensions(json_object *obj, json_object *out)
{
	json_object *ext = NULL;
	json_object_object_foreach (obj, key, val) {
		if (strncmp(key, "x-", 2) != 0)
			continue;
		if (!ext) {
			ext = json_object_new_array();
			json_object_object_add(out, "vendor_extension", ext);
		}
		json_object_array_add(ext, pb_named(key, pb_any(val)));
	}
}

/* Copies obj's key to out under name when present. */
static void pb_copy(json_object *obj, const char *key, json_object *out, const char *name)
{
	json_object *v;
	if (json_object_object_get_ex(obj, key, &v))
		json_object_object_add(out, name, json_object_get(v));
}

static json_object *pb_schema(json_object *sch)
{
	json_object *o = json_object_new_object(), *v;
	pb_copy(sch, "$ref", o, "_ref");
	pb_copy(sch, "format", o, "format");
	pb_copy(sch, "description", o, "description");
	pb_copy(sch, "required", o, "required");
	if (json_object_object_get_ex(sch, "enum", &v)) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(a, pb_any(json_object_array_get_idx(v, i)));
		json_object_object_add(o, "enum", a);
	}
	if (json_object_object_get_ex(sch, "additionalProperties", &v)) {
		json_object *ap = json_object_new_object();
		json_object_object_add(ap, "schema", pb_schema(v));
		json_object_object_add(o, "additional_properties", ap);
	}
	if (json_object_object_get_ex(sch, "type", &v)) {
		json_object *t = json_object_new_object(), *a = json_object_new_array();
		json_object_array_add(a, json_object_get(v));
		json_object_object_add(t, "value", a);
		json_object_object_add(o, "type", t);
	}
	if (json_object_object_get_ex(sch, "items", &v)) {
		json_object *it = json_object_new_object(), *a = json_object_new_array();
		json_object_array_add(a, pb_schema(v));
		json_object_object_add(it, "schema", a);
		json_object_object_add(o, "items", it);
	}
	if (json_object_object_get_ex(sch, "properties", &v)) {
		json_object *props = json_object_new_object(), *a = json_object_new_array();
		json_object_object_foreach (v, name, p) {
			json_object_array_add(a, pb_named(name, pb_schema(p)));
		}
		json_object_object_add(props, "additional_properties", a);
		json_object_object_add(o, "properties", props);
	}
	pb_extensions(sch, o);
	return o;
}

static json_object *pb_parameter(json_object *p)
{
	json_object *in = NULL, *param = json_object_new_object(), *sub = json_object_new_object();
	json_object_object_get_ex(p, "in", &in);
	const char *where = in ? json_object_get_string(in) : "";
	pb_copy(p, "description", sub, "description");
	pb_copy(p, "name", sub, "name");
	pb_copy(p, "in", sub, "in");
	pb_copy(p, "required", sub, "required");
	if (ck_streq(where, "body")) {
		json_object *sch;
		if (json_object_object_get_ex(p, "schema", &sch))
			json_object_object_add(sub, "schema", pb_schema(sch));
		json_object_object_add(param, "body_parameter", sub);
	} else {
		pb_copy(p, "type", sub, "type");
		pb_copy(p, "uniqueItems", sub, "unique_items");
		json_object *nb = json_object_new_object();
		json_object_object_add(nb,
				       ck_streq(where, "path") ? "path_parameter_sub_schema"
							       : "query_parameter_sub_schema",
				       sub);
		json_object_object_add(param, "non_body_parameter", nb);
	}
	json_object *item = json_object_new_object();
	json_object_object_add(item, "parameter", param);
	return item;
}

static json_object *pb_parameters(json_object *params)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(params); i++)
		json_object_array_add(a, pb_parameter(json_object_array_get_idx(params, i)));
	return a;
}

static json_object *pb_operation(json_object *op)
{
	json_object *o = json_object_new_object(), *v;
	pb_copy(op, "tags", o, "tags");
	pb_copy(op, "description", o, "description");
	pb_copy(op, "operationId", o, "operation_id");
	pb_copy(op, "produces", o, "produces");
	pb_copy(op, "consumes", o, "consumes");
	if (json_object_object_get_ex(op, "parameters", &v))
		json_object_object_add(o, "parameters", pb_parameters(v));
	if (json_object_object_get_ex(op, "responses", &v)) {
		json_object *codes = json_object_new_array(), *rs = json_object_new_object();
		json_object_object_foreach (v, code, r) {
			json_object *resp = json_object_new_object(), *sch;
			pb_copy(r, "description", resp, "description");
			if (json_object_object_get_ex(r, "schema", &sch)) {
				json_object *item = json_object_new_object();
				json_object_object_add(item, "schema", pb_schema(sch));
				json_object_object_add(resp, "schema", item);
			}
			json_object *value = json_object_new_object();
			json_object_object_add(value, "response", resp);
			json_object_array_add(codes, pb_named(code, value));
		}
		json_object_object_add(rs, "response_code", codes);
		json_object_object_add(o, "responses", rs);
	}
	pb_extensions(op, o);
	return o;
}

/* The v2 document (borrowed) as gnostic's Document message; 0 or -errno. */
static int v2_protobuf(json_object *doc, struct doc *ret)
{
	static const char *const methods[] = { "get", "put", "post", "delete", "patch" };
	json_object *o = json_object_new_object(), *v;
	pb_copy(doc, "swagger", o, "swagger");
	pb_copy(doc, "info", o, "info");
	if (json_object_object_get_ex(doc, "paths", &v)) {
		json_object *paths = json_object_new_object(), *a = json_object_new_array();
		json_object_object_foreach (v, path, item) {
			json_object *pi = json_object_new_object(), *x;
			for (size_t i = 0; i < CK_ARRAY_SIZE(methods); i++)
				if (json_object_object_get_ex(item, methods[i], &x))
					json_object_object_add(pi, methods[i], pb_operation(x));
			if (json_object_object_get_ex(item, "parameters", &x))
				json_object_object_add(pi, "parameters", pb_parameters(x));
			json_object_array_add(a, pb_named(path, pi));
		}
		json_object_object_add(paths, "path", a);
		json_object_object_add(o, "paths", paths);
	}
	if (json_object_object_get_ex(doc, "definitions", &v)) {
		json_object *defs = json_object_new_object(), *a = json_object_new_array();
		json_object_object_foreach (v, name, sch) {
			json_object_array_add(a, pb_named(name, pb_schema(sch)));
		}
		json_object_object_add(defs, "additional_properties", a);
		json_object_object_add(o, "definitions", defs);
	}
	struct ck_buf out = CK_BUF_INIT;
	char *err = NULL;
	int r = ck_protobuf_encode(&openapi__v2__document__descriptor, o, &out, &err);
	json_object_put(o);
	if (r < 0) {
		ck_log_error("unable to encode the OpenAPI v2 document in protobuf: %s",
			     err ? err : strerror(-r));
		free(err);
		ck_buf_release(&out);
		return r;
	}
	size_t len;
	char *data = ck_buf_detach(&out, &len);
	doc_set_bytes(ret, data ? data : ck_strdup(""), len);
	return 0;
}

struct ck_openapi *ck_openapi_new(void)
{
	struct ck_openapi *o = ck_calloc(1, sizeof(*o));
	ck_hashmap_init(&o->v3, doc_free);
	json_object *index_paths = json_object_new_object();
	for (size_t i = 0; ck_resources[i]; i++) {
		const struct ck_resource *r = ck_resources[i];
		char key[200];
		if (*r->group)
			snprintf(key, sizeof(key), "apis/%s/%s", r->group, r->version);
		else
			snprintf(key, sizeof(key), "api/%s", r->version);
		if (ck_hashmap_has(&o->v3, key) || !ck_schema_kind(r->api_version, r->kind))
			continue;
		struct doc *d = ck_calloc(1, sizeof(*d));
		doc_set(d, v3_document(r->group, r->version));
		ck_hashmap_put(&o->v3, key, d);
		char url[512];
		snprintf(url, sizeof(url), V3_PREFIX "%s?hash=%s", key, d->hash);
		json_object *entry = json_object_new_object();
		json_object_object_add(entry, "serverRelativeURL", str(url));
		json_object_object_add(index_paths, key, entry);
	}
	json_object *index = json_object_new_object();
	json_object_object_add(index, "paths", index_paths);
	doc_set(&o->v3_index, index);
	json_object *v2 = v2_document();
	v2_protobuf(v2, &o->v2_protobuf); /* without it, v2 is served in JSON only */
	doc_set(&o->v2, v2);
	return o;
}

void ck_openapi_free(struct ck_openapi *o)
{
	if (!o)
		return;
	ck_hashmap_release(&o->v3);
	free(o->v3_index.json);
	free(o->v2.json);
	free(o->v2_protobuf.json);
	free(o);
}

/* ---- serving ---- */

static int serve_doc(struct ck_http_request *req, const struct doc *d, bool immutable,
		     const char *content_type)
{
	ck_http_response_header(req, "ETag", d->etag);
	ck_http_response_header(req, "Vary", "Accept");
	if (immutable) {
		char expires[64];
		time_t t = time(NULL) + 365 * 24 * 3600;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(expires, sizeof(expires), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		ck_http_response_header(req, "Cache-Control", "public, immutable");
		ck_http_response_header(req, "Expires", expires);
	} else {
		ck_http_response_header(req, "Cache-Control", "no-cache, private");
	}
	const char *inm = ck_http_request_header(req, "If-None-Match");
	if (inm && ck_streq(inm, d->etag)) {
		ck_http_respond(req, 304, NULL, "", 0);
		return 304;
	}
	ck_http_respond(req, 200, content_type, d->json, d->len);
	return 200;
}

static int not_found(struct ck_http_request *req)
{
	static const char msg[] = "404 page not found\n";
	ck_http_respond(req, 404, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
	return 404;
}

/* Whether Accept allows JSON: absent, any type, application/any, application/json. */
static bool accepts_json(const char *accept)
{
	if (!accept || !*accept)
		return true;
	return strstr(accept, "application/json") || strstr(accept, "*/*") ||
	       strstr(accept, "application/*");
}

int ck_openapi_serve(const struct ck_openapi *o, struct ck_http_request *req, const char *path)
{
	if (!o)
		return 0;
	if (ck_streq(path, "/openapi/v2")) {
		const char *accept = ck_http_request_header(req, "Accept");
		if (accept && strstr(accept, V2_PROTOBUF) && o->v2_protobuf.json)
			/* upstream answers with a media type Go's mime package parses */
			return serve_doc(req, &o->v2_protobuf, false, V2_PROTOBUF ".v1.0+protobuf");
		if (!accepts_json(accept)) {
			static const char msg[] = "406 not acceptable\n";
			ck_http_respond(req, 406, "text/plain; charset=utf-8", msg,
					sizeof(msg) - 1);
			return 406;
		}
		return serve_doc(req, &o->v2, false, "application/json");
	}
	if (ck_streq(path, "/openapi/v3") || ck_streq(path, "/openapi/v3/"))
		return serve_doc(req, &o->v3_index, false, "application/json");
	if (!ck_str_has_prefix(path, V3_PREFIX))
		return ck_str_has_prefix(path, "/openapi/") ? not_found(req) : 0;
	const struct doc *d = ck_hashmap_get(&o->v3, path + strlen(V3_PREFIX));
	if (!d)
		return not_found(req);
	const char *hash = ck_http_request_query(req, "hash");
	if (hash && *hash && !ck_streq(hash, d->hash)) {
		char location[512];
		snprintf(location, sizeof(location), "%s?hash=%s", path, d->hash);
		ck_http_response_header(req, "Location", location);
		ck_http_respond(req, 301, "text/html; charset=utf-8", "", 0);
		return 301;
	}
	return serve_doc(req, d, hash && *hash, "application/json");
}
