/*
 * The storage interface's dispatch, errors, preconditions, keys and the
 * resourceVersion helpers every implementation shares.
 */
#include "storage/storage.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

void ck_storage_error_release(struct ck_storage_error *err)
{
	if (!err)
		return;
	ck_free(&err->continue_token);
}

int ck_storage_error_set(struct ck_storage_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

int ck_storage_error_storage(struct ck_storage_error *err, enum ck_storage_code code,
			     const char *key, int64_t rv, const char *additional)
{
	static const struct {
		const char *what;
		int err;
	} codes[] = {
		[CK_STORAGE_CODE_NONE] = { "unknown", CK_STORAGE_ERR_INTERNAL },
		[CK_STORAGE_CODE_KEY_NOT_FOUND] = { "key not found", CK_STORAGE_ERR_NOT_FOUND },
		[CK_STORAGE_CODE_KEY_EXISTS] = { "key exists", CK_STORAGE_ERR_EXISTS },
		[CK_STORAGE_CODE_RESOURCE_VERSION_CONFLICTS] = { "resource version conflicts",
								 CK_STORAGE_ERR_INVALID_OBJ },
		[CK_STORAGE_CODE_INVALID_OBJ] = { "invalid object", CK_STORAGE_ERR_INVALID_OBJ },
		[CK_STORAGE_CODE_UNREACHABLE] = { "server unreachable",
						  CK_STORAGE_ERR_UNREACHABLE },
		[CK_STORAGE_CODE_TIMEOUT] = { "request timeout", CK_STORAGE_ERR_TIMEOUT },
	};
	if ((size_t)code >= CK_ARRAY_SIZE(codes))
		code = CK_STORAGE_CODE_NONE;
	return ck_storage_error_set(err, codes[code].err,
				    "StorageError: %s, Code: %d, Key: %s, ResourceVersion: %" PRId64
				    ", AdditionalErrorMsg: %s",
				    codes[code].what, (int)code, key ? key : "", rv,
				    additional ? additional : "");
}

/* metadata.<field> as a string ("" when absent); borrowed. */
static const char *meta_string(json_object *obj, const char *field)
{
	json_object *meta, *v;
	if (!obj || !json_object_object_get_ex(obj, "metadata", &meta) ||
	    !json_object_is_type(meta, json_type_object) ||
	    !json_object_object_get_ex(meta, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

int ck_storage_preconditions_check(const struct ck_storage_preconditions *p, const char *key,
				   json_object *obj, struct ck_storage_error *err)
{
	char msg[512];
	if (!p)
		return 0;
	if (p->uid && !ck_streq(p->uid, meta_string(obj, "uid"))) {
		snprintf(msg, sizeof(msg),
			 "Precondition failed: UID in precondition: %s, UID in object meta: %s",
			 p->uid, meta_string(obj, "uid"));
		return ck_storage_error_storage(err, CK_STORAGE_CODE_INVALID_OBJ, key, 0, msg);
	}
	if (p->resource_version &&
	    !ck_streq(p->resource_version, meta_string(obj, "resourceVersion"))) {
		snprintf(
		    msg, sizeof(msg),
		    "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion "
		    "in object meta: %s",
		    p->resource_version, meta_string(obj, "resourceVersion"));
		return ck_storage_error_storage(err, CK_STORAGE_CODE_INVALID_OBJ, key, 0, msg);
	}
	return 0;
}

void ck_storage_list_result_release(struct ck_storage_list_result *r)
{
	if (!r)
		return;
	if (r->items)
		json_object_put(r->items);
	r->items = NULL;
	ck_free(&r->continue_token);
}

int ck_storage_parse_resource_version(const char *rv, uint64_t *ret, struct ck_storage_error *err)
{
	uint64_t v = 0;
	if (rv && *rv) {
		int r = ck_str_to_uint64(rv, &v);
		if (r < 0)
			return ck_storage_error_set(
			    err, CK_STORAGE_ERR_BAD_REQUEST,
			    "invalid resource version: resourceVersion: Invalid value: \"%s\": "
			    "strconv.ParseUint: parsing \"%s\": %s",
			    rv, rv, r == -ERANGE ? "value out of range" : "invalid syntax");
	}
	*ret = v;
	return 0;
}

int ck_storage_object_resource_version(json_object *obj, uint64_t *ret)
{
	const char *rv = meta_string(obj, "resourceVersion");
	uint64_t v = 0;
	if (*rv && ck_str_to_uint64(rv, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

int ck_storage_object_set_resource_version(json_object *obj, int64_t rv)
{
	json_object *meta;
	char buf[32];
	if (!json_object_is_type(obj, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(obj, "metadata", &meta)) {
		meta = json_object_new_object();
		json_object_object_add(obj, "metadata", meta);
	}
	if (!json_object_is_type(meta, json_type_object))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%" PRId64, rv);
	json_object_object_add(meta, "resourceVersion", json_object_new_string(buf));
	return 0;
}

/* Go's path.Clean of a rooted path (always starts with "/"); owned. */
static char *clean_rooted(const char *p)
{
	size_t n = strlen(p);
	char *out = ck_malloc(n + 2);
	size_t o = 0;
	out[o++] = '/';
	for (size_t i = 0; i < n;) {
		while (i < n && p[i] == '/')
			i++;
		size_t start = i;
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0 || (len == 1 && p[start] == '.'))
			continue;
		if (len == 2 && p[start] == '.' && p[start + 1] == '.') {
			/* back up to the previous '/', never above the root */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, p + start, len);
		o += len;
	}
	out[o] = '\0';
	return out;
}

char *ck_storage_path_prefix(const char *prefix)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, "/");
	ck_buf_adds(&b, prefix ? prefix : "");
	char *cleaned = clean_rooted(ck_buf_str(&b));
	ck_buf_release(&b);
	if (!ck_str_has_suffix(cleaned, "/")) {
		size_t n = strlen(cleaned);
		cleaned = ck_realloc(cleaned, n + 2);
		cleaned[n] = '/';
		cleaned[n + 1] = '\0';
	}
	return cleaned;
}

int ck_storage_prepare_key(const char *path_prefix, const char *key, bool recursive, char **ret,
			   struct ck_storage_error *err)
{
	struct ck_buf b = CK_BUF_INIT;
	if (!key)
		key = "";
	if (ck_streq(key, "..") || ck_str_has_prefix(key, "../") || ck_str_has_suffix(key, "/..") ||
	    strstr(key, "/../") || ck_streq(key, ".") || ck_str_has_prefix(key, "./") ||
	    ck_str_has_suffix(key, "/.") || strstr(key, "/./"))
		return ck_storage_error_set(err, CK_STORAGE_ERR_BAD_REQUEST, "invalid key: \"%s\"",
					    key);
	if (*key == '\0' || ck_streq(key, "/"))
		return ck_storage_error_set(err, CK_STORAGE_ERR_BAD_REQUEST, "empty key: \"%s\"",
					    key);
	ck_buf_adds(&b, path_prefix);
	ck_buf_adds(&b, key[0] == '/' ? key + 1 : key);
	if (recursive && !ck_str_has_suffix(ck_buf_str(&b), "/"))
		ck_buf_addc(&b, '/');
	*ret = ck_buf_detach(&b, NULL);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

void ck_storage_free(struct ck_storage *s)
{
	if (s)
		s->ops->free(s);
}

int ck_storage_get(struct ck_storage *s, const char *key, const struct ck_storage_get_options *o,
		   json_object **ret_obj, struct ck_storage_error *err)
{
	static const struct ck_storage_get_options none;
	return s->ops->get(s, key, o ? o : &none, ret_obj, err);
}

int ck_storage_list(struct ck_storage *s, const char *key, const struct ck_storage_list_options *o,
		    struct ck_storage_list_result *ret, struct ck_storage_error *err)
{
	static const struct ck_storage_list_options all = { .recursive = true };
	return s->ops->list(s, key, o ? o : &all, ret, err);
}

int ck_storage_create(struct ck_storage *s, const char *key, json_object *obj, uint64_t ttl,
		      json_object **ret_out, struct ck_storage_error *err)
{
	return s->ops->create(s, key, obj, ttl, ret_out, err);
}

int ck_storage_guaranteed_update(struct ck_storage *s, const char *key,
				 const struct ck_storage_update_options *o, ck_storage_update_fn fn,
				 void *arg, json_object **ret_out, struct ck_storage_error *err)
{
	static const struct ck_storage_update_options none;
	return s->ops->guaranteed_update(s, key, o ? o : &none, fn, arg, ret_out, err);
}

int ck_storage_delete(struct ck_storage *s, const char *key,
		      const struct ck_storage_delete_options *o, json_object **ret_deleted,
		      struct ck_storage_error *err)
{
	static const struct ck_storage_delete_options none;
	return s->ops->delete (s, key, o ? o : &none, ret_deleted, err);
}

int ck_storage_count(struct ck_storage *s, const char *key, int64_t *ret_count,
		     struct ck_storage_error *err)
{
	return s->ops->count(s, key, ret_count, err);
}

int ck_storage_watch(struct ck_storage *s, const char *key,
		     const struct ck_storage_watch_options *o, ck_storage_watch_fn fn, void *arg,
		     struct ck_storage_watch **ret, struct ck_storage_error *err)
{
	static const struct ck_storage_watch_options none = { .recursive = true };
	return s->ops->watch(s, key, o ? o : &none, fn, arg, ret, err);
}

void ck_storage_watch_stop(struct ck_storage_watch *w)
{
	if (w)
		w->stop(w);
}
