/*
 * The REST verbs every resource shares (upstream's endpoints/handlers and
 * registry/generic/registry.Store): get, list, create, update, patch,
 * delete, deletecollection, for main resources and their status and
 * finalize subresources. Watches are in watch.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/protobuf.h"
#include "api/schema.h"
#include "apimachinery/apply.h"
#include "apimachinery/field_errors.h"
#include "apimachinery/json_patch.h"
#include "apimachinery/managed_fields.h"
#include "apimachinery/merge_patch.h"
#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/patch_meta.h"
#include "apimachinery/status.h"
#include "apimachinery/strategic_patch.h"
#include "apimachinery/validation.h"
#include "apimachinery/yaml.h"
#include "apiserver/admission/admission.h"
#include "apiserver/apiserver_int.h"
#include "apiserver/filters.h"
#include "apiserver/options.h"
#include "apiserver/respond.h"
#include "apiserver/table.h"
#include "registry/scale.h"
#include "storage/cacher/cacher.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/json_write.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

/* ---- small helpers ---- */

const char *ck_rest_storage_resource(const struct ck_resource *res)
{
	return res->storage_resource ? res->storage_resource : res->resource;
}

char *ck_rest_key(const struct ck_resource *res, const char *ns, const char *name)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addc(&b, '/');
	ck_buf_adds(&b, ck_rest_storage_resource(res));
	if (res->namespaced && ns && *ns) {
		ck_buf_addc(&b, '/');
		ck_buf_adds(&b, ns);
	}
	if (name && *name) {
		ck_buf_addc(&b, '/');
		ck_buf_adds(&b, name);
	}
	return ck_buf_detach(&b, NULL);
}

static void set_type_meta(json_object *obj, const struct ck_resource *res)
{
	json_object_object_add(obj, "kind", json_object_new_string(res->kind));
	json_object_object_add(obj, "apiVersion", json_object_new_string(res->api_version));
}

json_object *ck_rest_to_external(const struct ck_resource *res, json_object *obj)
{
	json_object *out = res->from_storage ? res->from_storage(obj) : ck_obj_copy(obj);
	set_type_meta(out, res);
	return out;
}

/* ck_rest_to_external of an object the caller owns and gives up (taken): obj itself when
 * it is stored as served, so that an answer is not a copy. Owned result. */
static json_object *to_external_taken(const struct ck_resource *res, json_object *obj)
{
	if (res->from_storage) {
		json_object *out = ck_rest_to_external(res, obj);
		json_object_put(obj);
		return out;
	}
	set_type_meta(obj, res);
	return obj;
}

/* The object as stored: converted back when the resource is stored in
 * another's form. Takes obj; returns an owned object. */
static json_object *to_storage(const struct ck_resource *res, json_object *obj)
{
	if (!res->to_storage) {
		set_type_meta(obj, res);
		return obj;
	}
	json_object *stored = res->to_storage(obj);
	json_object_put(obj);
	return stored;
}

void ck_rest_fail(struct ck_rest_request *rr, json_object *status)
{
	rr->code = ck_status_code(status);
	ck_respond_status(rr->http, status);
}

static void respond(struct ck_rest_request *rr, int code, json_object *obj)
{
	rr->code = code;
	ck_respond_object(rr->http, code, obj, &rr->media);
}

json_object *ck_rest_storage_status(const struct ck_rest_request *rr, int code, const char *msg,
				    const char *name)
{
	const char *group = rr->res->group;
	const char *resource = rr->res->resource;
	switch (code) {
	case CK_STORAGE_ERR_NOT_FOUND:
		return ck_status_new_not_found(group, resource, name);
	case CK_STORAGE_ERR_EXISTS:
		return ck_status_new_already_exists(group, resource, name);
	case CK_STORAGE_ERR_INVALID_OBJ:
		return ck_status_new_conflict(group, resource, name, msg);
	case CK_STORAGE_ERR_EXPIRED:
		return ck_status_new_resource_expired(msg);
	case CK_STORAGE_ERR_BAD_REQUEST:
		return ck_status_new_bad_request(msg);
	case CK_STORAGE_ERR_TOO_LARGE_RV:
		return ck_status_new_timeout(msg, 1);
	case CK_STORAGE_ERR_UNREACHABLE:
	case CK_STORAGE_ERR_TIMEOUT:
		return ck_status_new_server_timeout(group, resource, rr->ri->verb, 2);
	default:
		return ck_status_new_internal_error(msg && *msg ? msg : strerror(-code));
	}
}

static void fail_storage(struct ck_rest_request *rr, const struct ck_storage_error *err, int code,
			 const char *name)
{
	ck_rest_fail(rr, ck_rest_storage_status(rr, code, err->message, name));
}

/* ---- decoding bodies ---- */

static const char *const body_types[] = { "application/json", "application/yaml",
					  "application/vnd.kubernetes.protobuf" };

/* Reads the request body as an object. 0, or -EINVAL after answering. */
static int decode_body(struct ck_rest_request *rr, json_object **ret)
{
	const struct ck_buf *body = ck_http_request_body(rr->http);
	const char *ct = ck_http_request_header(rr->http, "Content-Type");
	char msg[1024];
	json_object *obj = NULL;
	if (ct && strncasecmp(ct, "application/yaml", 16) == 0) {
		char *err = NULL;
		if (ck_yaml_decode(body->data ? body->data : "", body->len, 0, &obj, &err) < 0) {
			snprintf(msg, sizeof(msg), "error converting YAML to JSON: %s",
				 err ? err : "invalid YAML");
			free(err);
			ck_rest_fail(rr, ck_status_new_bad_request(msg));
			return -EINVAL;
		}
	} else if (ct && strncasecmp(ct, CK_PROTOBUF_CONTENT_TYPE,
				     strlen(CK_PROTOBUF_CONTENT_TYPE)) == 0) {
		char *err = NULL;
		if (ck_protobuf_decode_object(body->data ? body->data : "", body->len, &obj, &err) <
		    0) {
			snprintf(msg, sizeof(msg), "%s", err ? err : "invalid protobuf body");
			free(err);
			ck_rest_fail(rr, ck_status_new_bad_request(msg));
			return -EINVAL;
		}
	} else if (!ct || !*ct || strncasecmp(ct, "application/json", 16) == 0 ||
		   strncasecmp(ct, "*/*", 3) == 0) {
		json_tokener *tok = ck_json_tokener_get(0);
		obj = json_tokener_parse_ex(tok, body->data ? body->data : "", (int)body->len);
		enum json_tokener_error jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_success && tok->char_offset < (int)body->len) {
			/* Only whitespace may follow the value. */
			for (size_t i = (size_t)tok->char_offset; i < body->len; i++)
				if (!strchr(" \t\r\n", body->data[i]))
					jerr = json_tokener_error_parse_unexpected;
		}
		if (jerr != json_tokener_success) {
			snprintf(msg, sizeof(msg),
				 "couldn't get version/kind; json parse error: %s",
				 body->len ? json_tokener_error_desc(jerr)
					   : "unexpected end of JSON input");
			json_object_put(obj);
			ck_json_tokener_put(tok);
			ck_rest_fail(rr, ck_status_new_bad_request(msg));
			return -EINVAL;
		}
		ck_json_tokener_put(tok);
	} else {
		ck_rest_fail(rr, ck_status_new_unsupported_media_type(body_types, 3));
		return -EINVAL;
	}
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		ck_rest_fail(rr, ck_status_new_bad_request(
				     "couldn't get version/kind; json parse error: the body is "
				     "not a JSON object"));
		return -EINVAL;
	}
	*ret = obj;
	return 0;
}

/* What decoding into the typed object would reject: a 400 Status, or NULL. */
static json_object *decode_status(const struct ck_resource *res, json_object *obj)
{
	char *msg = NULL;
	if (!res->check_decode || res->check_decode(obj, &msg) == 0)
		return NULL;
	char text[1024];
	snprintf(text, sizeof(text), "%s in version \"%s\" cannot be handled as a %s: %s",
		 res->kind, res->version, res->kind, msg ? msg : "invalid object");
	free(msg);
	return ck_status_new_bad_request(text);
}

/* Whether rr is for a scale subresource (autoscaling/v1 Scale bodies). */
static bool is_scale(const struct ck_rest_request *rr)
{
	return rr->sub && rr->sub->kind == CK_SUB_SCALE;
}

/* The answer for rr: the object, or its Scale. Takes ext; owned result. */
static json_object *sub_view(const struct ck_rest_request *rr, json_object *ext)
{
	if (!is_scale(rr))
		return ext;
	json_object *scale = ck_scale_from_object(rr->res->scale, ext);
	json_object_put(ext);
	return scale;
}

/* Checks (and fills when missing) kind and apiVersion against the URL. */
static int check_type_meta(struct ck_rest_request *rr, json_object *obj)
{
	const char *av = ck_obj_path_str(obj, "apiVersion");
	const char *kind = ck_obj_path_str(obj, "kind");
	char msg[512];
	bool scale = is_scale(rr);
	const char *want_av = scale ? CK_SCALE_API_VERSION : rr->res->api_version;
	if (av && *av && !ck_streq(av, want_av)) {
		snprintf(msg, sizeof(msg),
			 "the API version in the data (%s) does not match the expected API version "
			 "(%s)",
			 av, want_av);
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		return -EINVAL;
	}
	const char *want = rr->sub && rr->sub->kind_name ? rr->sub->kind_name : rr->res->kind;
	if (kind && *kind && !ck_streq(kind, want)) {
		snprintf(msg, sizeof(msg),
			 "the kind in the data (%s) does not match the expected kind (%s)", kind,
			 want);
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		return -EINVAL;
	}
	/* unknown fields (pruned), duplicates and types, per fieldValidation */
	json_object *fst = ck_rest_validate_fields(rr, obj);
	if (fst) {
		ck_rest_fail(rr, fst);
		return -EINVAL;
	}
	if (scale) {
		json_object_object_add(obj, "kind", json_object_new_string(CK_SCALE_KIND));
		json_object_object_add(obj, "apiVersion",
				       json_object_new_string(CK_SCALE_API_VERSION));
		return 0;
	}
	json_object *st = decode_status(rr->res, obj);
	if (st) {
		ck_rest_fail(rr, st);
		return -EINVAL;
	}
	set_type_meta(obj, rr->res);
	return 0;
}

static bool is_dry_run(struct ck_rest_request *rr, bool *ret)
{
	json_object *st = NULL;
	if (ck_dry_run_parse(rr->http, ret, &st) < 0) {
		ck_rest_fail(rr, st);
		return false;
	}
	return true;
}

/* ---- validation ---- */

static char **name_rule(const char *name, bool prefix, int rule)
{
	switch (rule) {
	case CK_NAME_DNS_LABEL:
		return ck_name_is_dns_label(name, prefix);
	case CK_NAME_PATH_SEGMENT:
		return ck_validate_path_segment_name(name, prefix);
	case CK_NAME_DNS1035_LABEL:
		return ck_name_is_dns1035_label(name, prefix);
	default:
		return ck_name_is_dns_subdomain(name, prefix);
	}
}

static char **name_dns_label(const char *n, bool p)
{
	return name_rule(n, p, CK_NAME_DNS_LABEL);
}
static char **name_path_segment(const char *n, bool p)
{
	return name_rule(n, p, CK_NAME_PATH_SEGMENT);
}
static char **name_dns_subdomain(const char *n, bool p)
{
	return name_rule(n, p, CK_NAME_DNS_SUBDOMAIN);
}
static char **name_dns1035_label(const char *n, bool p)
{
	return name_rule(n, p, CK_NAME_DNS1035_LABEL);
}

static ck_name_validator name_validator(const struct ck_resource *res)
{
	switch (res->name_rule) {
	case CK_NAME_DNS_LABEL:
		return name_dns_label;
	case CK_NAME_PATH_SEGMENT:
		return name_path_segment;
	case CK_NAME_DNS1035_LABEL:
		return name_dns1035_label;
	default:
		return name_dns_subdomain;
	}
}

/* A 422 Invalid Status when errs is not empty, else NULL. */
static json_object *invalid(const struct ck_resource *res, json_object *obj,
			    struct ck_field_errors *errs)
{
	if (!errs->len)
		return NULL;
	const char *name = ck_obj_name(obj);
	return ck_status_new_invalid(res->group, res->kind, name ? name : "", errs);
}

/* ---- metadata the server owns ---- */

static void now_string(char out[CK_TIME_BUF])
{
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, out);
}

/* generateName + 5 random characters (upstream's SimpleNameGenerator). */
static void generate_name(json_object *obj)
{
	const char *prefix = ck_obj_path_str(obj, "metadata.generateName");
	if (!prefix || !*prefix || (ck_obj_name(obj) && *ck_obj_name(obj)))
		return;
	char name[CK_OBJ_GENERATED_NAME_MAX];
	ck_obj_generate_name(prefix, name);
	ck_obj_set_meta_str(obj, "name", name);
}

/* The server's metadata on create (upstream's rest.BeforeCreate). */
void ck_rest_prepare_create(const struct ck_resource *res, json_object *obj)
{
	generate_name(obj);
	char uid[CK_UUID_BUF], now[CK_TIME_BUF];
	ck_uuid_v4(uid);
	now_string(now);
	json_object *md = ck_obj_metadata(obj);
	json_object_object_add(md, "uid", json_object_new_string(uid));
	json_object_object_add(md, "creationTimestamp", json_object_new_string(now));
	json_object_object_del(md, "deletionTimestamp");
	json_object_object_del(md, "deletionGracePeriodSeconds");
	json_object_object_del(md, "selfLink");
	if (res->tracks_generation)
		json_object_object_add(md, "generation", json_object_new_int64(1));
	else
		json_object_object_del(md, "generation");
	if (res->has_status)
		json_object_object_del(obj, "status");
	if (res->prepare_create)
		res->prepare_create(obj);
	set_type_meta(obj, res);
}

/* ---- field ownership (metadata.managedFields) ---- */

/* The request's field manager: fieldManager, else from the User-Agent. Owned. */
static char *field_manager_name(const struct ck_rest_request *rr)
{
	const char *m = ck_http_request_query(rr->http, "fieldManager");
	if (m && *m)
		return ck_strdup(m);
	return ck_managed_fields_default_manager(ck_http_request_header(rr->http, "User-Agent"));
}

/* The write's identity for ownership tracking; now is filled here. */
static void field_manager_init(const struct ck_rest_request *rr, const char *manager,
			       char now[CK_TIME_BUF], struct ck_field_manager *ret)
{
	now_string(now);
	*ret = (struct ck_field_manager){
		.type = ck_schema_kind(rr->res->api_version, rr->res->kind),
		.manager = manager,
		.api_version = rr->res->api_version,
		.subresource = rr->sub ? rr->ri->subresource : NULL,
		.reset_status = rr->res->has_status,
		.now = now,
	};
}

/* Records a create (cur NULL) or update of obj by the request's manager. */
static void track_update(const struct ck_rest_request *rr, const char *manager, json_object *cur,
			 json_object *obj)
{
	char now[CK_TIME_BUF];
	struct ck_field_manager fm;
	field_manager_init(rr, manager, now, &fm);
	ck_field_manager_update(&fm, cur, obj);
}

/* Whether two objects differ in anything but metadata and status. */
static bool spec_changed(json_object *a, json_object *b)
{
	json_object_object_foreach (a, k, v) {
		if (ck_streq(k, "metadata") || ck_streq(k, "status") || ck_streq(k, "kind") ||
		    ck_streq(k, "apiVersion"))
			continue;
		json_object *w;
		if (!json_object_object_get_ex(b, k, &w) || !json_object_equal(v, w))
			return true;
	}
	json_object_object_foreach (b, k2, v2) {
		(void)v2;
		if (ck_streq(k2, "metadata") || ck_streq(k2, "status") || ck_streq(k2, "kind") ||
		    ck_streq(k2, "apiVersion"))
			continue;
		if (!json_object_object_get_ex(a, k2, NULL))
			return true;
	}
	return false;
}

static json_object *meta_get(json_object *obj, const char *field)
{
	json_object *v = NULL;
	json_object_object_get_ex(ck_obj_metadata(obj), field, &v);
	return v;
}

static void meta_copy(json_object *dst, json_object *src, const char *field)
{
	json_object *v = meta_get(src, field);
	if (v)
		json_object_object_add(ck_obj_metadata(dst), field, ck_obj_copy(v));
	else
		json_object_object_del(ck_obj_metadata(dst), field);
}

static bool has_finalizers(const struct ck_resource *res, json_object *obj)
{
	json_object *f = meta_get(obj, "finalizers");
	if (f && json_object_is_type(f, json_type_array) && json_object_array_length(f) > 0)
		return true;
	return res->pending_finalizers && res->pending_finalizers(obj);
}

static uint64_t ttl_for(const struct ck_rest_request *rr)
{
	if (!rr->res->uses_event_ttl)
		return 0;
	int64_t s = rr->srv->cfg.event_ttl_ms / 1000;
	return s > 0 ? (uint64_t)s : 0;
}

/* ---- admission (pkg/apiserver/admission) ---- */

static void admission_warn(void *ctx, const char *text)
{
	ck_rest_warn(ctx, text);
}

static void admission_attrs(const struct ck_rest_request *rr, enum ck_admission_op op,
			    json_object *obj, json_object *old, bool dry_run,
			    struct ck_admission_attrs *ret)
{
	*ret = (struct ck_admission_attrs){
		.res = rr->res,
		.subresource = rr->sub ? rr->sub->name : "",
		.op = op,
		.namespace = rr->res->namespaced ? rr->ri->namespace : "",
		.name = rr->ri->name,
		.obj = obj,
		.old = old,
		.user = rr->user,
		.dry_run = dry_run,
		.warn = admission_warn,
		.warn_ctx = (void *)rr,
	};
}

/* Both phases on a request without a strategy in between (deletes and
 * custom subresources): NULL, or the Status to answer with (owned). */
static json_object *admit_and_validate(const struct ck_rest_request *rr,
				       struct ck_admission_attrs *a)
{
	json_object *st = NULL;
	if (ck_admission_admit(rr->srv->admission, a, &st) < 0 ||
	    ck_admission_validate(rr->srv->admission, a, &st) < 0)
		return st;
	return NULL;
}

/* ---- get ---- */

/* An object of a resource computed on demand (virtual_list), by name. */
static int virtual_get(struct ck_rest_request *rr, json_object **ret, struct ck_storage_error *err)
{
	json_object *items = rr->res->virtual_list(ck_apiserver_resource_state(rr->srv, rr->res));
	int r = CK_STORAGE_ERR_NOT_FOUND;
	for (size_t i = 0; items && i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		if (ck_streq(ck_obj_name(it), rr->ri->name)) {
			*ret = json_object_get(it);
			r = 0;
			break;
		}
	}
	json_object_put(items);
	if (r < 0)
		ck_storage_error_set(err, r, "not found");
	return r;
}

static void serve_get(struct ck_rest_request *rr)
{
	char *key = ck_rest_key(rr->res, rr->ri->namespace, rr->ri->name);
	struct ck_storage_get_options o = {
		.resource_version = ck_http_request_query(rr->http, "resourceVersion"),
	};
	struct ck_storage_error err = { 0 };
	json_object *obj = NULL;
	int r = rr->res->virtual_list ? virtual_get(rr, &obj, &err)
				      : ck_storage_get(rr->srv->storage, key, &o, &obj, &err);
	free(key);
	if (r < 0) {
		fail_storage(rr, &err, r, rr->ri->name);
		ck_storage_error_release(&err);
		return;
	}
	json_object *ext;
	if (rr->res->virtual_list) { /* may share parts with the resource's state */
		ext = ck_rest_to_external(rr->res, obj);
		json_object_put(obj);
	} else { /* parsed for this request: converted in place */
		ext = to_external_taken(rr->res, obj);
	}
	ext = sub_view(rr, ext);
	if (rr->media.media == CK_MEDIA_TABLE && !is_scale(rr)) {
		enum ck_include_object inc;
		if (ck_include_object_parse(ck_http_request_query(rr->http, "includeObject"),
					    &inc) < 0)
			inc = CK_INCLUDE_METADATA;
		json_object *t = ck_table_build(rr->res, &ext, 1, inc, rr->media.table_version,
						false, ck_time_now_ns());
		json_object_object_add(ck_obj_metadata(t), "resourceVersion",
				       json_object_new_string(ck_obj_resource_version(ext)
								  ? ck_obj_resource_version(ext)
								  : ""));
		respond(rr, 200, t);
		json_object_put(t);
	} else {
		respond(rr, 200, ext);
	}
	json_object_put(ext);
}

/* ---- list ---- */

bool ck_rest_list_filter(void *arg, json_object *obj)
{
	struct ck_rest_filter *f = arg;
	if (f->res->from_storage) {
		json_object *ext = f->res->from_storage(obj);
		bool ok = ck_list_options_match(f->opts, f->res, ext);
		json_object_put(ext);
		return ok;
	}
	return ck_list_options_match(f->opts, f->res, obj);
}

/* Parses the list options of rr; false after answering on error. */
static bool parse_list_options(struct ck_rest_request *rr, struct ck_list_options *opts)
{
	json_object *st = NULL;
	if (ck_list_options_parse(rr->http, rr->res, false, opts, &st) < 0) {
		ck_list_options_release(opts);
		ck_rest_fail(rr, st);
		return false;
	}
	return true;
}

/* {"kind":"<Kind>List","apiVersion":…,"metadata":{},"items":items}; takes items. */
static json_object *list_object(const struct ck_resource *res, json_object *items)
{
	json_object *out = json_object_new_object();
	char kind[128];
	snprintf(kind, sizeof(kind), "%sList", res->kind);
	json_object_object_add(out, "kind", json_object_new_string(kind));
	json_object_object_add(out, "apiVersion", json_object_new_string(res->api_version));
	json_object_object_add(out, "metadata", json_object_new_object());
	json_object_object_add(out, "items", items);
	return out;
}

/* Upstream's shouldDelegateList: when a list must go to etcd. */
static bool list_from_etcd(const struct ck_list_options *o)
{
	bool rv_unset = !o->resource_version || !*o->resource_version;
	if (rv_unset || o->continue_token || o->rv_match == CK_RV_MATCH_EXACT)
		return true;
	return o->limit > 0 && !ck_streq(o->resource_version, "0");
}

/* A list's items as the client sees them (each owned), gathered by serve_list. */
struct ext_items {
	const struct ck_resource *res;
	json_object **v;
	size_t n, cap;
};

static void ext_add(struct ext_items *l, json_object *ext)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = ck_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = ext;
}

/* ck_cacher_list_each's callback: one copy of the cache's object, converted. */
static int ext_add_cached(void *ctx, json_object *obj)
{
	struct ext_items *l = ctx;
	ext_add(l, ck_rest_to_external(l->res, obj));
	return 0;
}

/*
 * Whether a list from the watch cache is written straight from the cache's
 * shared objects, without copies: JSON (not pretty) of a resource served as
 * stored. Tables, YAML, protobuf and converted resources go through copies.
 */
static bool list_writes_cached_json(const struct ck_rest_request *rr)
{
	return rr->media.media == CK_MEDIA_JSON && !rr->res->from_storage &&
	       !ck_request_pretty(rr->http);
}

/* ck_cacher_list_each's callback for list_writes_cached_json: one item's JSON. */
struct json_items {
	struct ck_buf text;
	size_t n;
};

static int write_cached_item(void *ctx, json_object *obj)
{
	/* typed lists carry no per-item kind */
	static const char *const type_meta[] = { "kind", "apiVersion", NULL };
	struct json_items *l = ctx;
	int r = l->n++ ? ck_buf_addc(&l->text, ',') : 0;
	return r < 0 ? r : ck_json_write_without(&l->text, obj, type_meta);
}

/* Answers with the list of the items' JSON text (comma-separated) at list_rv:
 * byte for byte what encoding the list object would give. */
static void respond_json_list(struct ck_rest_request *rr, int64_t list_rv,
			      const struct ck_buf *items)
{
	char rvs[32];
	snprintf(rvs, sizeof(rvs), "%lld", (long long)list_rv);
	json_object *head = list_object(rr->res, json_object_new_array());
	json_object_object_add(ck_obj_metadata(head), "resourceVersion",
			       json_object_new_string(rvs));
	struct ck_buf body = CK_BUF_INIT;
	int r = ck_json_write(&body, head);
	json_object_put(head);
	/* ..."items":[]} with the items in the brackets */
	CK_BUG_ON(r == 0 && (body.len < 3 || memcmp(body.data + body.len - 3, "[]}", 3) != 0));
	if (r == 0) {
		ck_buf_truncate(&body, body.len - 2);
		r = ck_buf_add(&body, items->data, items->len);
	}
	if (r == 0)
		r = ck_buf_adds(&body, "]}\n");
	if (r < 0) {
		ck_buf_release(&body);
		ck_rest_fail(rr, ck_status_new_internal_error("unable to encode the response"));
		return;
	}
	rr->code = 200;
	ck_respond_encoded(rr->http, 200, &rr->media, &body);
}

static void serve_list(struct ck_rest_request *rr)
{
	struct ck_list_options opts;
	if (!parse_list_options(rr, &opts))
		return;
	struct ck_rest_filter lf = { &opts, rr->res };
	char *key = ck_rest_key(rr->res, rr->ri->namespace, NULL);
	struct ext_items ext = { rr->res, NULL, 0, 0 };
	int64_t list_rv = 0, remaining = -1;
	char *cont = NULL;
	struct ck_cacher *cacher = ck_apiserver_cacher(rr->srv, rr->res);

	if (rr->res->virtual_list) {
		json_object *all =
		    rr->res->virtual_list(ck_apiserver_resource_state(rr->srv, rr->res));
		for (size_t i = 0; all && i < json_object_array_length(all); i++) {
			json_object *it = json_object_array_get_idx(all, i);
			if (ck_rest_list_filter(&lf, it))
				ext_add(&ext, ck_rest_to_external(rr->res, it));
		}
		json_object_put(all);
	} else if (!list_from_etcd(&opts) && cacher) {
		uint64_t min_rv = 0;
		struct ck_storage_error err = { 0 };
		int r = ck_storage_parse_resource_version(opts.resource_version, &min_rv, &err);
		if (r == 0 && min_rv > 0)
			r = ck_cacher_wait_for(cacher, (int64_t)min_rv, 3000);
		if (r < 0) {
			if (r == -ETIMEDOUT)
				ck_rest_fail(
				    rr, ck_status_new_timeout("Too large resource version", 1));
			else
				fail_storage(rr, &err, r, "");
			ck_storage_error_release(&err);
			goto out;
		}
		/* The cache's objects are shared: written as they are, or copied
		 * once (the conversion's copy). */
		char *prefix = ck_apiserver_cache_key(rr->srv, key, true);
		struct json_items text = { CK_BUF_INIT, 0 };
		bool direct = list_writes_cached_json(rr);
		if (direct)
			r = ck_cacher_list_each(cacher, prefix, ck_rest_list_filter, &lf,
						write_cached_item, &text, &list_rv);
		else
			r = ck_cacher_list_each(cacher, prefix, ck_rest_list_filter, &lf,
						ext_add_cached, &ext, &list_rv);
		free(prefix);
		if (r < 0)
			ck_rest_fail(rr, ck_status_new_internal_error(strerror(-r)));
		else if (direct)
			respond_json_list(rr, list_rv, &text.text);
		ck_buf_release(&text.text);
		if (r < 0 || direct)
			goto out;
	} else {
		struct ck_storage_list_options lo = {
			.resource_version = opts.resource_version,
			.resource_version_match = opts.rv_match == CK_RV_MATCH_EXACT ? "Exact"
						  : opts.rv_match == CK_RV_MATCH_NOT_OLDER_THAN
						      ? "NotOlderThan"
						      : NULL,
			.limit = opts.limit,
			.continue_token = opts.continue_token,
			.recursive = true,
			.filter = ck_rest_list_filter,
			.filter_arg = &lf,
		};
		struct ck_storage_list_result res = { 0 };
		struct ck_storage_error err = { 0 };
		int r = ck_storage_list(rr->srv->storage, key, &lo, &res, &err);
		if (r < 0) {
			json_object *status = ck_rest_storage_status(rr, r, err.message, "");
			if (err.continue_token)
				json_object_object_add(ck_obj_metadata(status), "continue",
						       json_object_new_string(err.continue_token));
			ck_rest_fail(rr, status);
			ck_storage_error_release(&err);
			goto out;
		}
		/* The parsed items are this request's own: converted in place. */
		for (size_t i = 0; i < json_object_array_length(res.items); i++) {
			json_object *it = json_object_get(json_object_array_get_idx(res.items, i));
			json_object_array_put_idx(res.items, i, NULL);
			ext_add(&ext, to_external_taken(rr->res, it));
		}
		list_rv = res.resource_version;
		cont = res.continue_token ? ck_strdup(res.continue_token) : NULL;
		remaining = res.remaining_item_count;
		ck_storage_list_result_release(&res);
	}

	/* Typed lists carry no per-item kind. */
	size_t n = ext.n;
	for (size_t i = 0; i < n && rr->media.media != CK_MEDIA_TABLE; i++) {
		json_object_object_del(ext.v[i], "kind");
		json_object_object_del(ext.v[i], "apiVersion");
	}

	char rvs[32];
	snprintf(rvs, sizeof(rvs), "%lld", (long long)list_rv);
	json_object *out;
	if (rr->media.media == CK_MEDIA_TABLE) {
		enum ck_include_object inc;
		if (ck_include_object_parse(ck_http_request_query(rr->http, "includeObject"),
					    &inc) < 0)
			inc = CK_INCLUDE_METADATA;
		out = ck_table_build(rr->res, ext.v, n, inc, rr->media.table_version, false,
				     ck_time_now_ns());
	} else {
		json_object *arr = json_object_new_array_ext((int)n);
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, json_object_get(ext.v[i]));
		out = list_object(rr->res, arr);
	}
	json_object *md = ck_obj_metadata(out);
	json_object_object_add(md, "resourceVersion", json_object_new_string(rvs));
	if (cont) {
		json_object_object_add(md, "continue", json_object_new_string(cont));
		if (remaining > 0)
			json_object_object_add(md, "remainingItemCount",
					       json_object_new_int64(remaining));
	}
	respond(rr, 200, out);
	json_object_put(out);
out:
	for (size_t i = 0; i < ext.n; i++)
		json_object_put(ext.v[i]);
	free(ext.v);
	free(cont);
	free(key);
	ck_list_options_release(&opts);
}

/* ---- create ---- */

/*
 * Creates obj (owned), answering rr. track: record the request's manager
 * in managedFields (an apply that creates has recorded its own).
 */
static void create_object(struct ck_rest_request *rr, json_object *obj, bool dry_run, bool track)
{
	json_object *out = NULL;
	char *manager = NULL;
	if (check_type_meta(rr, obj) < 0)
		goto out;
	const char *body_ns = ck_obj_namespace(obj);
	if (rr->res->namespaced) {
		if (body_ns && *body_ns && !ck_streq(body_ns, rr->ri->namespace)) {
			ck_rest_fail(rr, ck_status_new_bad_request(
					     "the namespace of the provided object does not "
					     "match the namespace sent on the request"));
			goto out;
		}
		ck_obj_set_meta_str(obj, "namespace", rr->ri->namespace);
	} else {
		/* Upstream's BeforeCreate drops a namespace on cluster-scoped kinds. */
		ck_obj_set_meta_str(obj, "namespace", NULL);
	}
	ck_rest_prepare_create(rr->res, obj);
	/* The request's fields, before mutating admission: what admission adds
	 * is no manager's (upstream's create handler runs the field manager
	 * first too). */
	if (track) {
		manager = field_manager_name(rr);
		track_update(rr, manager, NULL, obj);
	}
	struct ck_admission_attrs adm;
	admission_attrs(rr, CK_ADMISSION_CREATE, obj, NULL, dry_run, &adm);
	json_object *ast = NULL;
	if (ck_admission_admit(rr->srv->admission, &adm, &ast) < 0) {
		ck_rest_fail(rr, ast);
		goto out;
	}
	if (adm.mutated && rr->res->prepare_create) {
		/* What admission added gets its defaults too (upstream decodes
		 * a mutated object again, with defaulting). */
		rr->res->prepare_create(obj);
		set_type_meta(obj, rr->res);
	}

	/* Side effects beyond the object (allocators), reverted on failure. */
	void *state = ck_apiserver_resource_state(rr->srv, rr->res), *txn = NULL;
	bool txn_open = false;
	if (rr->res->begin_write) {
		json_object *bst = NULL;
		if (rr->res->begin_write(state, obj, NULL, dry_run, &txn, &bst) < 0) {
			ck_rest_fail(rr, bst ? bst
					     : ck_status_new_internal_error("begin_write failed"));
			goto out;
		}
		txn_open = true;
	}

	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_validate_object_meta(obj, rr->res->namespaced, name_validator(rr->res), &errs);
	if (rr->res->validate)
		rr->res->validate(obj, &errs);
	json_object *st = invalid(rr->res, obj, &errs);
	ck_field_errors_release(&errs);
	if (!st)
		st = ck_rest_check_write(rr, obj, NULL); /* RBAC escalation (filters.c) */
	if (!st)
		ck_admission_validate(rr->srv->admission, &adm, &st);
	if (st) {
		ck_rest_fail(rr, st);
		goto out_txn;
	}
	const char *rv = ck_obj_resource_version(obj);
	if (rv && *rv) {
		ck_rest_fail(rr, ck_status_new_bad_request(
				     "resourceVersion should not be set on objects to be created"));
		goto out_txn;
	}

	char *name = ck_strdup(ck_obj_name(obj));
	if (dry_run) {
		out = json_object_get(obj);
	} else {
		char *key = ck_rest_key(rr->res, rr->ri->namespace, name);
		json_object *stored = to_storage(rr->res, json_object_get(obj));
		struct ck_storage_error err = { 0 };
		json_object *created = NULL;
		int r =
		    ck_storage_create(rr->srv->storage, key, stored, ttl_for(rr), &created, &err);
		json_object_put(stored);
		free(key);
		if (r < 0) {
			fail_storage(rr, &err, r, name);
			ck_storage_error_release(&err);
			free(name);
			goto out_txn;
		}
		out = to_external_taken(rr->res, created);
	}
	free(name);
	if (txn_open)
		rr->res->finish_write(state, txn, !dry_run);
	txn_open = false;
	respond(rr, 201, out);
out_txn:
	if (txn_open)
		rr->res->finish_write(state, txn, false);
out:
	free(manager);
	json_object_put(out);
	json_object_put(obj);
}

static void serve_create(struct ck_rest_request *rr)
{
	json_object *obj = NULL;
	bool dry_run;
	if (!is_dry_run(rr, &dry_run) || decode_body(rr, &obj) < 0)
		return;
	create_object(rr, obj, dry_run, true);
}

/* ---- update and patch: one guaranteed update with a per-verb change ---- */

enum patch_type {
	PATCH_NONE, /* PUT: the body is the new object */
	PATCH_JSON,
	PATCH_MERGE,
	PATCH_STRATEGIC,
	PATCH_APPLY, /* server-side apply: the body is an applied configuration */
};

struct update_ctx {
	struct ck_rest_request *rr;
	enum patch_type patch;
	json_object *body;     /* the new object (PUT) or the patch (PATCH); borrowed */
	json_object *status;   /* a Status to answer with when the callback fails */
	bool created;	       /* unused: no create-on-update for these kinds */
	bool delete_instead;   /* the update removed the last finalizer */
	json_object *deleting; /* the object to delete then (owned) */
	bool dry_run;
	bool txn_open; /* begin_write succeeded; finish_write is due */
	void *txn;
	const char *manager; /* the field manager (borrowed) */
	bool force;	     /* apply: take fields other managers own */
};

/* Ends an open begin_write (a retried attempt, or the update's outcome). */
static void finish_txn(struct update_ctx *u, bool committed)
{
	const struct ck_resource *res = u->rr->res;
	if (!u->txn_open)
		return;
	u->txn_open = false;
	res->finish_write(ck_apiserver_resource_state(u->rr->srv, res), u->txn, committed);
	u->txn = NULL;
}

static int fail_update(struct update_ctx *u, json_object *status)
{
	json_object_put(u->status);
	u->status = status;
	return -ECANCELED;
}

/* The body applied to the current object (external form); owned result. */
static int apply_change(struct update_ctx *u, json_object *cur, json_object **ret)
{
	struct ck_rest_request *rr = u->rr;
	char *err = NULL;
	json_object *out = NULL;
	int r = 0;
	char msg[1024];
	switch (u->patch) {
	case PATCH_NONE:
		out = ck_obj_copy(u->body);
		break;
	case PATCH_JSON:
		r = ck_json_patch_apply(cur, u->body, NULL, &out, &err);
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s", err ? err : "invalid JSON patch");
			json_object *st = r == -EINVAL ? ck_status_new_bad_request(msg)
					  : r == -E2BIG
					      ? ck_status_new_request_entity_too_large(msg)
					      : ck_status_new_invalid(rr->res->group, rr->res->kind,
								      rr->ri->name, NULL);
			if (r == -EPROTO) {
				/* Upstream: 422 with the patch error as the message. */
				json_object_object_add(st, "message", json_object_new_string(msg));
			}
			free(err);
			return fail_update(u, st);
		}
		break;
	case PATCH_MERGE:
		r = ck_merge_patch_apply(cur, u->body, &out, &err);
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s", err ? err : "invalid merge patch");
			free(err);
			return fail_update(u, ck_status_new_bad_request(msg));
		}
		break;
	case PATCH_STRATEGIC: {
		const struct ck_patch_type *schema =
		    is_scale(rr) ? ck_patch_meta_kind(CK_SCALE_API_VERSION, CK_SCALE_KIND)
				 : ck_patch_meta_kind(rr->res->api_version, rr->res->kind);
		r = ck_strategic_patch_apply(cur, u->body, schema, &out, &err);
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s",
				 err ? err : "invalid strategic merge patch");
			free(err);
			json_object *st = r == -EINVAL ? ck_status_new_bad_request(msg)
					  : r == -EPROTO
					      ? ck_status_new_invalid(rr->res->group, rr->res->kind,
								      rr->ri->name, NULL)
					      : ck_status_new_internal_error(msg);
			if (r == -EPROTO)
				json_object_object_add(st, "message", json_object_new_string(msg));
			return fail_update(u, st);
		}
		break;
	}
	case PATCH_APPLY: {
		char now[CK_TIME_BUF];
		struct ck_field_manager fm;
		field_manager_init(rr, u->manager, now, &fm);
		if (is_scale(rr)) {
			fm.type = ck_schema_kind(CK_SCALE_API_VERSION, CK_SCALE_KIND);
			fm.api_version = CK_SCALE_API_VERSION;
		}
		struct ck_apply_conflicts conflicts = { 0 };
		r = ck_field_manager_apply(&fm, cur, u->body, u->force, &out, &conflicts, &err);
		if (r == -EBUSY) {
			json_object *st = ck_apply_conflict_status(&conflicts);
			ck_apply_conflicts_release(&conflicts);
			return fail_update(u, st);
		}
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s", err ? err : "invalid apply patch");
			free(err);
			return fail_update(u, ck_status_new_bad_request(msg));
		}
		break;
	}
	}
	if (!out || !json_object_is_type(out, json_type_object)) {
		json_object_put(out);
		return fail_update(u, ck_status_new_bad_request("the patched object is not an "
								"object"));
	}
	*ret = out;
	return 0;
}

/*
 * A client's Scale (*obj, replaced) turned into the object it scales
 * (upstream's scaleUpdatedObjectInfo): 0, or fail_update's result.
 */
static int scale_to_object(struct update_ctx *u, json_object *cur, json_object **obj)
{
	struct ck_rest_request *rr = u->rr;
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	json_object *next = NULL;
	int r = ck_scale_to_object(rr->res->scale, cur, *obj, &errs, &next);
	json_object *st = NULL;
	if (r == -EINVAL) {
		st = ck_status_new_invalid("autoscaling", CK_SCALE_KIND, rr->ri->name, &errs);
	} else if (r == -ESTALE) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "Precondition failed: UID in precondition: %s, UID in object meta: %s",
			 ck_obj_uid(*obj), ck_obj_uid(cur) ? ck_obj_uid(cur) : "");
		char resource[128];
		snprintf(resource, sizeof(resource), "%s/scale", rr->res->resource);
		st = ck_status_new_conflict(rr->res->group, resource, rr->ri->name, msg);
	}
	ck_field_errors_release(&errs);
	if (r < 0)
		return fail_update(u, st);
	json_object_put(*obj);
	*obj = next;
	return 0;
}

static int update_fn(void *arg, json_object *cur_stored,
		     const struct ck_storage_response_meta *meta, json_object **ret_obj,
		     uint64_t *ret_ttl)
{
	(void)meta;
	struct update_ctx *u = arg;
	struct ck_rest_request *rr = u->rr;
	const struct ck_resource *res = rr->res;
	json_object *cur = ck_rest_to_external(res, cur_stored), *obj = NULL, *applied_mf = NULL;
	json_object *cur_view = is_scale(rr) ? ck_scale_from_object(rr->res->scale, cur) : cur;
	int r = apply_change(u, cur_view, &obj);
	if (cur_view != cur)
		json_object_put(cur_view);
	if (r < 0)
		goto out;
	if (check_type_meta(rr, obj) < 0) {
		/* check_type_meta answered already: nothing more to say. */
		r = fail_update(u, NULL);
		goto out;
	}
	if (u->patch == PATCH_APPLY)
		applied_mf = json_object_get(ck_obj_path(obj, "metadata.managedFields"));
	if (is_scale(rr)) {
		r = scale_to_object(u, cur, &obj);
		if (r < 0)
			goto out;
	}
	if (rr->res->namespaced) {
		const char *ns = ck_obj_namespace(obj);
		if (!ns || !*ns)
			ck_obj_set_meta_str(obj, "namespace", rr->ri->namespace);
		else if (!ck_streq(ns, rr->ri->namespace)) {
			r = fail_update(u, ck_status_new_bad_request(
					       "the namespace of the provided object does not "
					       "match the namespace sent on the request"));
			goto out;
		}
	} else {
		ck_obj_set_meta_str(obj, "namespace", NULL);
	}
	const char *name = ck_obj_name(obj);
	if (u->patch == PATCH_NONE && !ck_streq(name, rr->ri->name)) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "the name of the object (%s) does not match the name on the URL (%s)",
			 name ? name : "", rr->ri->name);
		r = fail_update(u, ck_status_new_bad_request(msg));
		goto out;
	}

	/* A PUT without resourceVersion is unconditional (upstream's
	 * AllowUnconditionalUpdate); patches always apply to the current one. */
	const char *rv = ck_obj_resource_version(obj);
	if (u->patch != PATCH_NONE || !rv || !*rv)
		ck_obj_set_meta_str(obj, "resourceVersion", ck_obj_resource_version(cur));
	else if (!ck_streq(rv, ck_obj_resource_version(cur))) {
		r = fail_update(u,
				ck_status_new_conflict(res->group, res->resource, rr->ri->name,
						       "the object has been modified; please "
						       "apply your changes to the latest version "
						       "and try again"));
		goto out;
	}

	if (rr->sub && rr->sub->kind == CK_SUB_STATUS) {
		/* Only .status changes: everything else comes from the current object. */
		json_object *status = NULL;
		json_object_object_get_ex(obj, "status", &status);
		json_object *next = ck_obj_copy(cur);
		if (status)
			json_object_object_add(next, "status", ck_obj_copy(status));
		else
			json_object_object_del(next, "status");
		json_object_put(obj);
		obj = next;
		if (res->prepare_status_update)
			res->prepare_status_update(obj, cur);
	} else if (rr->sub && rr->sub->kind == CK_SUB_FINALIZE) {
		json_object *fins = ck_obj_path(obj, "spec.finalizers");
		json_object *next = ck_obj_copy(cur), *spec;
		if (!json_object_object_get_ex(next, "spec", &spec)) {
			spec = json_object_new_object();
			json_object_object_add(next, "spec", spec);
		}
		if (fins)
			json_object_object_add(spec, "finalizers", ck_obj_copy(fins));
		else
			json_object_object_del(spec, "finalizers");
		json_object_put(obj);
		obj = next;
	} else {
		/* upstream's rest.BeforeUpdate */
		meta_copy(obj, cur, "generation");
		const char *uid = ck_obj_uid(obj);
		if (!uid || !*uid)
			meta_copy(obj, cur, "uid");
		meta_copy(obj, cur, "creationTimestamp");
		if (meta_get(cur, "deletionTimestamp")) {
			meta_copy(obj, cur, "deletionTimestamp");
			meta_copy(obj, cur, "deletionGracePeriodSeconds");
		}
		if (res->has_status) {
			json_object *status = NULL;
			if (json_object_object_get_ex(cur, "status", &status))
				json_object_object_add(obj, "status", ck_obj_copy(status));
			else
				json_object_object_del(obj, "status");
		}
		if (res->prepare_update)
			res->prepare_update(obj, cur);
		if (res->tracks_generation && spec_changed(obj, cur)) {
			json_object *g = meta_get(cur, "generation");
			json_object_object_add(
			    ck_obj_metadata(obj), "generation",
			    json_object_new_int64((g ? json_object_get_int64(g) : 0) + 1));
		}
	}
	json_object_object_del(ck_obj_metadata(obj), "selfLink");

	struct ck_admission_attrs adm;
	admission_attrs(rr, CK_ADMISSION_UPDATE, obj, cur, u->dry_run, &adm);
	json_object *ast = NULL;
	if (ck_admission_admit(rr->srv->admission, &adm, &ast) < 0) {
		r = fail_update(u, ast);
		goto out;
	}
	if (adm.mutated && !rr->sub && res->prepare_update)
		res->prepare_update(obj, cur);
	/* managedFields: an apply brought its own; other writes are recorded */
	if (u->patch == PATCH_APPLY) {
		if (applied_mf)
			json_object_object_add(ck_obj_metadata(obj), "managedFields",
					       json_object_get(applied_mf));
		else
			json_object_object_del(ck_obj_metadata(obj), "managedFields");
	} else {
		track_update(rr, u->manager, cur, obj);
	}

	/* Side effects (allocators) of an update of the main resource; an
	 * earlier attempt's are reverted first (conflict retries). */
	finish_txn(u, false);
	if (!rr->sub && res->begin_write) {
		json_object *bst = NULL;
		if (res->begin_write(ck_apiserver_resource_state(rr->srv, res), obj, cur,
				     u->dry_run, &u->txn, &bst) < 0) {
			r = fail_update(
			    u, bst ? bst : ck_status_new_internal_error("begin_write failed"));
			goto out;
		}
		u->txn_open = true;
	}

	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	ck_validate_object_meta(obj, res->namespaced, name_validator(res), &errs);
	ck_validate_object_meta_update(obj, cur, &errs);
	if (rr->sub && rr->sub->kind == CK_SUB_STATUS && res->validate_status_update) {
		res->validate_status_update(obj, cur, &errs);
	} else {
		if (res->validate)
			res->validate(obj, &errs);
		if (res->validate_update)
			res->validate_update(obj, cur, &errs);
	}
	json_object *st = invalid(res, obj, &errs);
	ck_field_errors_release(&errs);
	if (!st)
		st = ck_rest_check_write(rr, obj, cur); /* RBAC escalation (filters.c) */
	if (!st)
		ck_admission_validate(rr->srv->admission, &adm, &st);
	if (st) {
		finish_txn(u, false);
		r = fail_update(u, st);
		goto out;
	}

	/* The last finalizer gone from an object being deleted: delete it. */
	if (meta_get(obj, "deletionTimestamp") && !has_finalizers(res, obj)) {
		u->delete_instead = true;
		json_object_put(u->deleting);
		u->deleting = json_object_get(obj);
	}
	*ret_obj = to_storage(res, json_object_get(obj));
	*ret_ttl = ttl_for(rr);
out:
	json_object_put(applied_mf);
	json_object_put(obj);
	json_object_put(cur);
	return r;
}

/* Server-side apply of an object that does not exist: create it. */
static void apply_create(struct ck_rest_request *rr, struct update_ctx *u, bool dry_run)
{
	char now[CK_TIME_BUF], *err = NULL;
	struct ck_field_manager fm;
	field_manager_init(rr, u->manager, now, &fm);
	struct ck_apply_conflicts conflicts = { 0 };
	json_object *obj = NULL;
	if (ck_field_manager_apply(&fm, NULL, u->body, u->force, &obj, &conflicts, &err) < 0) {
		ck_rest_fail(rr, ck_status_new_bad_request(err ? err : "invalid apply patch"));
		ck_apply_conflicts_release(&conflicts);
		free(err);
		return;
	}
	const char *name = ck_obj_name(obj);
	if (!name || !*name) {
		ck_obj_set_meta_str(obj, "name", rr->ri->name);
	} else if (!ck_streq(name, rr->ri->name)) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "the name of the object (%s) does not match the name on the URL (%s)",
			 name, rr->ri->name);
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		json_object_put(obj);
		return;
	}
	create_object(rr, obj, dry_run, false);
}

static void finish_update(struct ck_rest_request *rr, struct update_ctx *u, bool dry_run)
{
	char *key = ck_rest_key(rr->res, rr->ri->namespace, rr->ri->name);
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	int r;
	if (dry_run) {
		/* Run the update against the current object without writing it. */
		json_object *cur = NULL;
		struct ck_storage_get_options go = { 0 };
		r = ck_storage_get(rr->srv->storage, key, &go, &cur, &err);
		if (r == 0) {
			struct ck_storage_response_meta meta = { 0 };
			uint64_t ttl = 0;
			r = update_fn(u, cur, &meta, &out, &ttl);
			json_object_put(cur);
		}
	} else {
		struct ck_storage_update_options o = { 0 };
		r = ck_storage_guaranteed_update(rr->srv->storage, key, &o, update_fn, u, &out,
						 &err);
	}
	finish_txn(u, r == 0 && !dry_run);
	if (r == CK_STORAGE_ERR_NOT_FOUND && u->patch == PATCH_APPLY && !rr->sub) {
		apply_create(rr, u, dry_run);
		goto out;
	}
	if (r == -ECANCELED) {
		if (u->status)
			ck_rest_fail(rr, json_object_get(u->status));
		goto out;
	}
	if (r < 0) {
		fail_storage(rr, &err, r, rr->ri->name);
		goto out;
	}
	if (u->delete_instead && !dry_run) {
		/* Upstream deletes an object whose last finalizer an update removed. */
		struct ck_storage_delete_options d = { 0 };
		json_object *gone = NULL;
		struct ck_storage_error derr = { 0 };
		if (ck_storage_delete(rr->srv->storage, key, &d, &gone, &derr) == 0) {
			json_object_put(out);
			out = gone;
			if (rr->res->after_delete)
				rr->res->after_delete(ck_apiserver_resource_state(rr->srv, rr->res),
						      out);
		}
		ck_storage_error_release(&derr);
	}
	json_object *ext = sub_view(rr, to_external_taken(rr->res, json_object_get(out)));
	respond(rr, 200, ext);
	json_object_put(ext);
out:
	json_object_put(out);
	json_object_put(u->status);
	json_object_put(u->deleting);
	ck_storage_error_release(&err);
	free(key);
}

static void serve_update(struct ck_rest_request *rr)
{
	bool dry_run;
	json_object *body = NULL;
	if (!is_dry_run(rr, &dry_run) || decode_body(rr, &body) < 0)
		return;
	char *manager = field_manager_name(rr);
	struct update_ctx u = {
		.rr = rr, .patch = PATCH_NONE, .body = body, .dry_run = dry_run, .manager = manager
	};
	finish_update(rr, &u, dry_run);
	free(manager);
	json_object_put(body);
}

static const char *const patch_types[] = {
	"application/json-patch+json",
	"application/merge-patch+json",
	"application/strategic-merge-patch+json",
	"application/apply-patch+yaml",
};

/*
 * PatchOptions as upstream validates them: fieldManager is required for
 * apply, force only for apply. 0, or -EINVAL after answering.
 */
static int patch_options(struct ck_rest_request *rr, enum patch_type type, bool *ret_force)
{
	const char *force = ck_http_request_query(rr->http, "force");
	const char *manager = ck_http_request_query(rr->http, "fieldManager");
	*ret_force = false;
	if (force && *force && !ck_streq(force, "true") && !ck_streq(force, "false")) {
		char msg[256];
		snprintf(msg, sizeof(msg), "strconv.ParseBool: parsing \"%.100s\": invalid syntax",
			 force);
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		return -EINVAL;
	}
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	if (type != PATCH_APPLY && force && *force)
		ck_field_errors_add_forbidden(&errs, "force",
					      "may not be specified for non-apply patch");
	if (type == PATCH_APPLY && (!manager || !*manager))
		ck_field_errors_add_required(&errs, "fieldManager", "is required for apply patch");
	if (manager && strlen(manager) > 128)
		ck_field_errors_add_too_long(&errs, "fieldManager", 128);
	int r = 0;
	if (errs.len) {
		ck_rest_fail(rr, ck_status_new_invalid("meta.k8s.io", "PatchOptions", "", &errs));
		r = -EINVAL;
	}
	ck_field_errors_release(&errs);
	*ret_force = force && ck_streq(force, "true");
	return r;
}

/* The body of an apply patch: YAML or JSON, one object. NULL after answering. */
static json_object *decode_apply(struct ck_rest_request *rr, const struct ck_buf *b)
{
	json_object *obj = NULL;
	char *err = NULL;
	if (ck_yaml_decode(b->data ? b->data : "", b->len, 0, &obj, &err) < 0 || !obj ||
	    !json_object_is_type(obj, json_type_object)) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "error decoding YAML: %s",
			 err ? err : "the applied configuration must be an object");
		free(err);
		json_object_put(obj);
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		return NULL;
	}
	return obj;
}

static void serve_patch(struct ck_rest_request *rr)
{
	bool dry_run;
	if (!is_dry_run(rr, &dry_run))
		return;
	const char *ct = ck_http_request_header(rr->http, "Content-Type");
	enum patch_type type = PATCH_NONE;
	for (size_t i = 0; ct && i < CK_ARRAY_SIZE(patch_types); i++)
		if (strncasecmp(ct, patch_types[i], strlen(patch_types[i])) == 0)
			type = (enum patch_type)(i + 1);
	if (type == PATCH_NONE) {
		ck_rest_fail(rr, ck_status_new_unsupported_media_type(patch_types,
								      CK_ARRAY_SIZE(patch_types)));
		return;
	}
	bool force;
	if (patch_options(rr, type, &force) < 0)
		return;
	const struct ck_buf *b = ck_http_request_body(rr->http);
	char *manager = field_manager_name(rr);
	if (type == PATCH_APPLY) {
		json_object *config = decode_apply(rr, b);
		if (config) {
			struct update_ctx u = { .rr = rr,
						.patch = type,
						.body = config,
						.dry_run = dry_run,
						.manager = manager,
						.force = force };
			finish_update(rr, &u, dry_run);
			json_object_put(config);
		}
		free(manager);
		return;
	}
	json_tokener *tok = ck_json_tokener_get(0);
	json_object *patch = json_tokener_parse_ex(tok, b->data ? b->data : "", (int)b->len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	ck_json_tokener_put(tok);
	if (jerr != json_tokener_success || !patch ||
	    (type == PATCH_JSON ? !json_object_is_type(patch, json_type_array)
				: !json_object_is_type(patch, json_type_object))) {
		json_object_put(patch);
		char msg[256];
		snprintf(msg, sizeof(msg), "error decoding patch: %s",
			 jerr != json_tokener_success ? json_tokener_error_desc(jerr)
			 : type == PATCH_JSON	      ? "a JSON patch must be an array"
						      : "a patch must be a JSON object");
		ck_rest_fail(rr, ck_status_new_bad_request(msg));
		free(manager);
		return;
	}
	struct update_ctx u = {
		.rr = rr, .patch = type, .body = patch, .dry_run = dry_run, .manager = manager
	};
	finish_update(rr, &u, dry_run);
	free(manager);
	json_object_put(patch);
}

/* ---- delete ---- */

/* DeleteOptions as the delete path uses them. */
struct delete_opts {
	struct ck_storage_preconditions pre;
	const char *propagation; /* Foreground, Background, Orphan or NULL */
	bool has_grace;
	int64_t grace; /* gracePeriodSeconds; a negative one reads as 1, as upstream */
};

struct delete_ctx {
	struct ck_rest_request *rr;
	const struct delete_opts *opts;
	bool graceful;	  /* the object stays (grace period, finalizers): it was updated */
	bool then_delete; /* updated with a zero grace period: delete it now */
	bool dry_run;
	json_object *status; /* admission's refusal (owned) */
};

/* DELETE's admission on the current object (external form, borrowed). */
static json_object *admit_delete(const struct ck_rest_request *rr, json_object *cur, bool dry_run)
{
	struct ck_admission_attrs a;
	admission_attrs(rr, CK_ADMISSION_DELETE, NULL, cur, dry_run, &a);
	a.name = ck_obj_name(cur);
	return admit_and_validate(rr, &a);
}

#define NS_PER_S 1000000000LL

static void set_deletion(json_object *md, int64_t at_ns, int64_t period)
{
	char ts[CK_TIME_BUF];
	ck_time_format(at_ns, CK_TIME_SECONDS, ts);
	json_object_object_add(md, "deletionTimestamp", json_object_new_string(ts));
	json_object_object_add(md, "deletionGracePeriodSeconds", json_object_new_int64(period));
}

static void bump_generation(json_object *md)
{
	json_object *g = NULL;
	if (json_object_object_get_ex(md, "generation", &g) && json_object_get_int64(g) > 0)
		json_object_object_add(md, "generation",
				       json_object_new_int64(json_object_get_int64(g) + 1));
}

/*
 * Marks an object for deletion (upstream's rest.BeforeDelete and
 * updateForGracefulDeletionAndFinalizers): a grace period or finalizers keep
 * it; -EAGAIN asks the caller to delete it outright; -EALREADY says a
 * graceful deletion is already under way and nothing changes.
 */
static int delete_update_fn(void *arg, json_object *cur_stored,
			    const struct ck_storage_response_meta *meta, json_object **ret_obj,
			    uint64_t *ret_ttl)
{
	(void)meta;
	struct delete_ctx *d = arg;
	const struct ck_resource *res = d->rr->res;
	const struct delete_opts *o = d->opts;
	json_object *obj = ck_rest_to_external(res, cur_stored);
	json_object *md = ck_obj_metadata(obj);
	bool graceful = false, marked = false;
	json_object_put(d->status);
	if ((d->status = admit_delete(d->rr, obj, d->dry_run))) {
		json_object_put(obj);
		return -ECANCELED;
	}
	int64_t period = 0;
	d->graceful = d->then_delete = false;
	if (res->grace_period) {
		json_object *ts = meta_get(obj, "deletionTimestamp");
		if (ts) {
			/* Already being deleted: a grace period may only shorten; none
			 * (or 0) left means delete now. */
			json_object *dg = meta_get(obj, "deletionGracePeriodSeconds");
			int64_t cur = dg ? json_object_get_int64(dg) : 0;
			if (cur < 0)
				cur = 1;
			if (dg && cur != 0) {
				if (!o->has_grace || o->grace >= cur) {
					json_object_put(obj);
					return -EALREADY;
				}
				int64_t at;
				if (ck_time_parse(json_object_get_string(ts), &at) < 0)
					at = ck_time_now_ns() + cur * NS_PER_S;
				set_deletion(md, at - cur * NS_PER_S + o->grace * NS_PER_S,
					     o->grace);
				graceful = true;
				period = o->grace;
			}
		} else {
			period = res->grace_period(obj, o->has_grace ? &o->grace : NULL);
			if (period < 0)
				period = 0;
			set_deletion(md, ck_time_now_ns() + period * NS_PER_S, period);
			bump_generation(md);
			graceful = true;
			marked = true;
		}
	}
	const char *fin = ck_streq(o->propagation, "Foreground") ? "foregroundDeletion"
			  : ck_streq(o->propagation, "Orphan")	 ? "orphan"
								 : NULL;
	if (fin) {
		json_object *fins;
		if (!json_object_object_get_ex(md, "finalizers", &fins) ||
		    !json_object_is_type(fins, json_type_array)) {
			fins = json_object_new_array();
			json_object_object_add(md, "finalizers", fins);
		}
		bool present = false;
		for (size_t i = 0; i < json_object_array_length(fins); i++)
			present |= ck_streq(
			    json_object_get_string(json_object_array_get_idx(fins, i)), fin);
		if (!present)
			json_object_array_add(fins, json_object_new_string(fin));
	}
	bool pending_finalizers = has_finalizers(res, obj);
	if (!graceful) {
		if (!pending_finalizers) {
			/* Nothing holds it: the caller deletes it outright. */
			json_object_put(obj);
			return -EAGAIN;
		}
		/* upstream's markAsDeleting */
		json_object *ts = meta_get(obj, "deletionTimestamp");
		int64_t now = ck_time_now_ns(), at;
		if (!ts) {
			bump_generation(md);
			marked = true;
		}
		if (!ts || (ck_time_parse(json_object_get_string(ts), &at) == 0 && at > now))
			set_deletion(md, now, 0);
		json_object_object_add(md, "deletionGracePeriodSeconds", json_object_new_int64(0));
	}
	if (marked && res->prepare_delete)
		res->prepare_delete(obj);
	d->graceful = pending_finalizers || period > 0;
	d->then_delete = !d->graceful;
	*ret_obj = to_storage(res, obj);
	*ret_ttl = ttl_for(d->rr);
	return 0;
}

/*
 * DeleteOptions from a JSON object (body, may be NULL) and the request's
 * query (http, may be NULL): propagationPolicy from the query wins;
 * gracePeriodSeconds from the body, else from the query (upstream decodes
 * the query only without a body). Strings point into body.
 */
static int parse_delete_opts(json_object *body, struct ck_http_request *http, struct delete_opts *o,
			     json_object **ret_status)
{
	memset(o, 0, sizeof(*o));
	const char *prop = body ? ck_obj_path_str(body, "propagationPolicy") : NULL;
	const char *qprop = http ? ck_http_request_query(http, "propagationPolicy") : NULL;
	if (qprop && *qprop)
		prop = qprop;
	json_object *orphan = body ? ck_obj_path(body, "orphanDependents") : NULL;
	if (!prop && orphan)
		prop = json_object_get_boolean(orphan) ? "Orphan" : "Background";
	if (prop && !ck_streq(prop, "Foreground") && !ck_streq(prop, "Background") &&
	    !ck_streq(prop, "Orphan")) {
		struct ck_field_errors errs;
		ck_field_errors_init(&errs);
		static const char *const valid[] = { "Foreground", "Background", "Orphan" };
		json_object *v = json_object_new_string(prop);
		ck_field_errors_add_not_supported(&errs, "propagationPolicy", v, valid, 3);
		json_object_put(v);
		*ret_status = ck_status_new_invalid("meta.k8s.io", "DeleteOptions", "", &errs);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	json_object *g = body ? ck_obj_path(body, "gracePeriodSeconds") : NULL;
	const char *qg = http ? ck_http_request_query(http, "gracePeriodSeconds") : NULL;
	if (g && json_object_is_type(g, json_type_int)) {
		o->has_grace = true;
		o->grace = json_object_get_int64(g);
	} else if (!body && qg && *qg) {
		if (ck_str_to_int64(qg, &o->grace) < 0) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 "strconv.ParseInt: parsing \"%.64s\": invalid syntax", qg);
			*ret_status = ck_status_new_bad_request(msg);
			return -EINVAL;
		}
		o->has_grace = true;
	}
	if (o->has_grace && o->grace < 0)
		o->grace = 1;
	o->pre.uid = body ? ck_obj_path_str(body, "preconditions.uid") : NULL;
	o->pre.resource_version =
	    body ? ck_obj_path_str(body, "preconditions.resourceVersion") : NULL;
	o->propagation = prop;
	return 0;
}

/* Reads DeleteOptions from the body (optional) and the query. */
static int delete_options(struct ck_rest_request *rr, struct delete_opts *o, json_object **ret_body)
{
	const struct ck_buf *b = ck_http_request_body(rr->http);
	json_object *body = NULL;
	if (b->len) {
		json_tokener *tok = ck_json_tokener_get(0);
		body = json_tokener_parse_ex(tok, b->data, (int)b->len);
		bool ok = json_tokener_get_error(tok) == json_tokener_success && body &&
			  json_object_is_type(body, json_type_object);
		ck_json_tokener_put(tok);
		if (!ok) {
			json_object_put(body);
			ck_rest_fail(rr, ck_status_new_bad_request(
					     "couldn't get version/kind; json parse error: the "
					     "DeleteOptions body is not a JSON object"));
			return -EINVAL;
		}
	}
	json_object *st = NULL;
	if (parse_delete_opts(body, rr->http, o, &st) < 0) {
		ck_rest_fail(rr, st);
		json_object_put(body);
		return -EINVAL;
	}
	*ret_body = body;
	return 0;
}

/*
 * Deletes one object; answers unless answer is false (then *ret_status, when
 * not NULL, gets the failure's Status). Returns 0 when done.
 */
static int delete_one(struct ck_rest_request *rr, const char *name, const struct delete_opts *o,
		      bool dry_run, bool answer, json_object **ret_deleted,
		      json_object **ret_status)
{
	char *key = ck_rest_key(rr->res, rr->ri->namespace, name);
	struct delete_ctx d = { .rr = rr, .opts = o, .dry_run = dry_run };
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	struct ck_storage_update_options uo = { .preconditions = &o->pre };
	bool pending = false, deleted = false;
	int r;
	if (dry_run) {
		struct ck_storage_get_options go = { 0 };
		r = ck_storage_get(rr->srv->storage, key, &go, &out, &err);
		if (r == 0)
			r = ck_storage_preconditions_check(&o->pre, key, out, &err);
		if (r == 0) {
			json_object *ext = ck_rest_to_external(rr->res, out);
			if ((d.status = admit_delete(rr, ext, true)))
				r = -ECANCELED;
			json_object_put(ext);
		}
	} else {
		r = ck_storage_guaranteed_update(rr->srv->storage, key, &uo, delete_update_fn, &d,
						 &out, &err);
		if (r == -EALREADY) {
			/* A graceful deletion is pending: answer with the object. */
			ck_storage_error_release(&err);
			struct ck_storage_get_options go = { 0 };
			r = ck_storage_get(rr->srv->storage, key, &go, &out, &err);
			pending = true;
		} else if (r == -EAGAIN || (r == 0 && d.then_delete)) {
			struct ck_storage_preconditions after = { .uid = o->pre.uid };
			if (r == 0)
				after.resource_version = ck_obj_resource_version(out);
			struct ck_storage_delete_options del = {
				.preconditions = r == 0 ? &after : &o->pre,
			};
			json_object *gone = NULL;
			ck_storage_error_release(&err);
			r = ck_storage_delete(rr->srv->storage, key, &del, &gone, &err);
			json_object_put(out);
			out = gone;
			deleted = r == 0;
			d.graceful = false;
		}
	}
	free(key);
	if (r == -ECANCELED && d.status) {
		json_object_put(out);
		if (answer)
			ck_rest_fail(rr, d.status);
		else if (ret_status)
			*ret_status = d.status;
		else
			json_object_put(d.status);
		ck_storage_error_release(&err);
		return r;
	}
	json_object_put(d.status);
	if (r < 0) {
		json_object_put(out);
		if (answer)
			fail_storage(rr, &err, r, name);
		else if (ret_status)
			*ret_status = ck_rest_storage_status(rr, r, err.message, name);
		ck_storage_error_release(&err);
		return r;
	}
	ck_storage_error_release(&err);
	if (deleted && rr->res->after_delete)
		rr->res->after_delete(ck_apiserver_resource_state(rr->srv, rr->res), out);
	json_object *ext = ck_rest_to_external(rr->res, out);
	json_object_put(out);
	if (answer) {
		if (rr->res->return_deleted_object || (d.graceful && !pending)) {
			respond(rr, 200, ext);
		} else {
			json_object *st = ck_status_new_success(rr->res->group, rr->res->resource,
								name, ck_obj_uid(ext), 0);
			respond(rr, 200, st);
			json_object_put(st);
		}
	}
	if (ret_deleted)
		*ret_deleted = json_object_get(ext);
	json_object_put(ext);
	return 0;
}

static void serve_delete(struct ck_rest_request *rr)
{
	bool dry_run;
	if (!is_dry_run(rr, &dry_run))
		return;
	struct delete_opts o;
	json_object *body = NULL;
	if (delete_options(rr, &o, &body) < 0)
		return;
	json_object *st = rr->res->check_delete ? rr->res->check_delete(rr->ri->name) : NULL;
	if (st)
		ck_rest_fail(rr, st);
	else
		delete_one(rr, rr->ri->name, &o, dry_run, true, NULL, NULL);
	json_object_put(body);
}

static void serve_deletecollection(struct ck_rest_request *rr)
{
	bool dry_run;
	if (!is_dry_run(rr, &dry_run))
		return;
	struct ck_list_options opts;
	if (!parse_list_options(rr, &opts))
		return;
	struct delete_opts o;
	json_object *body = NULL;
	if (delete_options(rr, &o, &body) < 0) {
		ck_list_options_release(&opts);
		return;
	}
	struct ck_rest_filter lf = { &opts, rr->res };
	char *key = ck_rest_key(rr->res, rr->ri->namespace, NULL);
	struct ck_storage_list_options lo = { .recursive = true,
					      .filter = ck_rest_list_filter,
					      .filter_arg = &lf };
	struct ck_storage_list_result res = { 0 };
	struct ck_storage_error err = { 0 };
	int r = ck_storage_list(rr->srv->storage, key, &lo, &res, &err);
	free(key);
	if (r < 0) {
		fail_storage(rr, &err, r, "");
	} else {
		json_object *items = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(res.items); i++) {
			const char *name = ck_obj_name(json_object_array_get_idx(res.items, i));
			json_object *gone = NULL;
			if (name && delete_one(rr, name, &o, dry_run, false, &gone, NULL) == 0)
				json_object_array_add(items, gone);
		}
		json_object *out = list_object(rr->res, items);
		respond(rr, 200, out);
		json_object_put(out);
	}
	ck_storage_error_release(&err);
	ck_storage_list_result_release(&res);
	ck_list_options_release(&opts);
	json_object_put(body);
}

/* ---- custom subresources (CK_SUB_CUSTOM) ---- */

/* ck_subresource_request.delete_object: DELETE's path without answering. */
static int custom_delete(const struct ck_subresource_request *req, const char *name,
			 json_object *options, json_object **ret_status)
{
	struct ck_rest_request *rr = req->server;
	struct delete_opts o;
	json_object *st = NULL;
	if (parse_delete_opts(options, NULL, &o, &st) < 0) {
		*ret_status = st;
		return -EINVAL;
	}
	return delete_one(rr, name, &o, req->dry_run, false, NULL, ret_status);
}

/* ck_subresource_request.query */
static const char *custom_query(const struct ck_subresource_request *req, const char *name)
{
	struct ck_rest_request *rr = req->server;
	return ck_http_request_query(rr->http, name);
}

/* The request a resource's own handler sees (everything borrowed from rr and body). */
static struct ck_subresource_request custom_request(struct ck_rest_request *rr, json_object *body,
						    bool dry_run)
{
	return (struct ck_subresource_request){
		.res = rr->res,
		.sub = rr->sub,
		.verb = rr->ri->verb,
		.namespace = rr->ri->namespace,
		.name = rr->ri->name,
		.body = body,
		.dry_run = dry_run,
		.user = rr->user,
		.env = &rr->srv->env,
		.storage = rr->srv->storage,
		.state = ck_apiserver_resource_state(rr->srv, rr->res),
		.delete_object = custom_delete,
		.query = custom_query,
		.server = rr,
	};
}

/* A CK_SUB_STREAM subresource: the resource names the location, the server proxies it. */
static void serve_stream(struct ck_rest_request *rr)
{
	struct ck_subresource_request req = custom_request(rr, NULL, false);
	struct ck_stream_location loc = { 0 };
	json_object *st = NULL;
	int r = rr->sub->locate(&req, &loc, &st);
	if (r < 0) {
		ck_rest_fail(rr, st ? st : ck_status_new_internal_error(strerror(-r)));
		return;
	}
	json_object_put(st);
	ck_rest_stream_location(rr, &loc);
	free(loc.url);
}

static void serve_custom(struct ck_rest_request *rr)
{
	bool dry_run;
	if (!is_dry_run(rr, &dry_run))
		return;
	json_object *body = NULL;
	if (ck_http_request_body(rr->http)->len && decode_body(rr, &body) < 0)
		return;
	struct ck_subresource_request req = custom_request(rr, body, dry_run);
	json_object *out = NULL, *st = NULL;
	unsigned bit = ck_verb_from_name(rr->ri->verb);
	if (bit & (CK_VERB_CREATE | CK_VERB_UPDATE | CK_VERB_PATCH)) {
		struct ck_admission_attrs a;
		enum ck_admission_op op =
		    bit == CK_VERB_CREATE ? CK_ADMISSION_CREATE : CK_ADMISSION_UPDATE;
		admission_attrs(rr, op, body, NULL, dry_run, &a);
		if ((st = admit_and_validate(rr, &a))) {
			ck_rest_fail(rr, st);
			json_object_put(body);
			return;
		}
	}
	/* A subresource's handle, or the custom hook of a resource without storage. */
	int code = rr->sub ? rr->sub->handle(&req, &out, &st) : rr->res->custom(&req, &out, &st);
	if (code < 0) {
		json_object_put(out);
		ck_rest_fail(rr, st ? st : ck_status_new_internal_error(strerror(-code)));
	} else {
		json_object_put(st);
		respond(rr, code, out);
		json_object_put(out);
	}
	json_object_put(body);
}

/* ---- dispatch ---- */

void ck_rest_serve(struct ck_rest_request *rr)
{
	const char *verb = rr->ri->verb;
	unsigned allowed = rr->sub ? rr->sub->verbs : rr->res->verbs;
	unsigned bit = ck_verb_from_name(verb);
	if (!bit || !(allowed & bit) ||
	    (rr->sub && rr->sub->kind == CK_SUB_CUSTOM && !rr->sub->handle) ||
	    (rr->sub && rr->sub->kind == CK_SUB_STREAM && !rr->sub->locate)) {
		ck_rest_fail(rr, ck_status_new_method_not_supported(rr->res->group,
								    rr->res->resource, verb));
		return;
	}
	/* Cluster-scoped kinds have no namespaced paths; namespaced kinds have
	 * only list and watch across namespaces (upstream registers no other). */
	bool ns_path = rr->ri->namespace[0] && !ck_streq(rr->res->resource, "namespaces");
	if ((!rr->res->namespaced && ns_path) ||
	    (rr->res->namespaced && !ns_path && bit != CK_VERB_LIST && bit != CK_VERB_WATCH)) {
		ck_rest_fail(rr, ck_status_new_generic_server_response(
				     404, verb, rr->res->group, rr->res->resource, rr->ri->name,
				     NULL, 0, false));
		return;
	}
	if ((rr->sub && rr->sub->kind == CK_SUB_CUSTOM) || (!rr->sub && rr->res->custom)) {
		serve_custom(rr);
		return;
	}
	if (rr->sub && rr->sub->kind == CK_SUB_STREAM) {
		serve_stream(rr);
		return;
	}
	switch (bit) {
	case CK_VERB_GET:
		serve_get(rr);
		break;
	case CK_VERB_LIST:
		serve_list(rr);
		break;
	case CK_VERB_WATCH:
		ck_rest_watch(rr);
		break;
	case CK_VERB_CREATE:
		serve_create(rr);
		break;
	case CK_VERB_UPDATE:
		serve_update(rr);
		break;
	case CK_VERB_PATCH:
		serve_patch(rr);
		break;
	case CK_VERB_DELETE:
		serve_delete(rr);
		break;
	case CK_VERB_DELETECOLLECTION:
		serve_deletecollection(rr);
		break;
	}
}
