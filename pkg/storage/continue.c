/*
 * Continue tokens, byte for byte as upstream makes them (storage/continue.go):
 * Go's encoding/json output of {"v","rv","start"} in unpadded URL-safe
 * base64, so a token from either server decodes on the other. The start key
 * is written as ck_json_write_go writes strings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "storage/storage.h"
#include "util/base64url.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/json_write.h"
#include "util/limits.h"
#include "util/str.h"

#define TOKEN_VERSION "meta.k8s.io/v1"
#define ERR_GENERIC "continue key is not valid"
#define ERR_INVALID_RV                                                                 \
	"continue key is not valid: incorrect encoded start resourceVersion (version " \
	"meta.k8s.io/v1)"
#define ERR_EMPTY_START \
	"continue key is not valid: encoded start key empty (version meta.k8s.io/v1)"
#define ERR_VERSION "continue key is not valid: server does not recognize this encoded version"

int ck_storage_continue_encode(const char *key, size_t key_len, const char *key_prefix, int64_t rv,
			       char **ret)
{
	size_t plen = strlen(key_prefix);
	struct ck_buf b = CK_BUF_INIT;
	int r;

	/* strings.TrimPrefix(key, prefix) == key: they do not match */
	if (plen == 0 || key_len < plen || memcmp(key, key_prefix, plen) != 0)
		return -EINVAL;
	r = ck_buf_adds(&b, "{\"v\":\"" TOKEN_VERSION "\",\"rv\":");
	if (r == 0)
		r = ck_buf_addf(&b, "%" PRId64 ",\"start\":", rv);
	if (r == 0)
		r = ck_json_write_go_string(&b, key + plen, key_len - plen);
	if (r == 0)
		r = ck_buf_addc(&b, '}');
	if (r == 0)
		*ret = ck_base64url_encode(b.data, b.len);
	ck_buf_release(&b);
	return r;
}

/* Whether "/"+start (already starting with '/') is what path.Clean makes. */
static bool is_clean_rooted(const char *p, size_t n)
{
	if (n == 1)
		return true; /* "/" */
	if (p[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n;) {
		/* at a '/' */
		size_t start = ++i;
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0)
			return false;
		if (p[start] == '.' && (len == 1 || (len == 2 && p[start + 1] == '.')))
			return false;
	}
	return true;
}

int ck_storage_continue_decode(const char *token, const char *key_prefix, char **ret_key,
			       size_t *ret_key_len, int64_t *ret_rv, struct ck_storage_error *err)
{
	size_t data_len = 0;
	char *data = ck_base64url_decode(token ? token : "", &data_len);
	json_tokener *tok = NULL;
	json_object *root = NULL;
	const char *version = "", *start = "";
	size_t start_len = 0;
	int64_t rv = 0;
	struct ck_buf key = CK_BUF_INIT;
	int r = CK_STORAGE_ERR_BAD_REQUEST;

	if (!data) {
		ck_storage_error_set(err, r, ERR_GENERIC ": illegal base64 data");
		goto out;
	}
	/* JSON has no raw NUL byte; json-c would take one for the end */
	if (memchr(data, '\0', data_len)) {
		ck_storage_error_set(err, r, ERR_GENERIC ": invalid character '\\x00'");
		goto out;
	}
	/* strict, as encoding/json: no trailing garbage, no single quotes */
	tok = ck_json_tokener_get(JSON_TOKENER_STRICT);
	/* the length includes the terminating NUL: the end of the input */
	root = json_tokener_parse_ex(tok, data, (int)data_len + 1);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		ck_storage_error_set(err, r, ERR_GENERIC ": %s",
				     json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	if (root && !json_object_is_type(root, json_type_object)) {
		ck_storage_error_set(err, r,
				     ERR_GENERIC
				     ": json: cannot unmarshal %s into Go value of type "
				     "storage.continueToken",
				     json_type_to_name(json_object_get_type(root)));
		goto out;
	}
	if (root) {
		/* encoding/json matches field names case-insensitively; the
		 * last occurrence wins; null leaves the zero value. */
		json_object_object_foreach (root, name, val) {
			bool is_null = val == NULL;
			if (strcasecmp(name, "v") == 0) {
				if (is_null)
					continue;
				if (!json_object_is_type(val, json_type_string))
					goto type_error;
				version = json_object_get_string(val);
			} else if (strcasecmp(name, "rv") == 0) {
				if (is_null)
					continue;
				if (!json_object_is_type(val, json_type_int))
					goto type_error;
				rv = json_object_get_int64(val);
				if (rv == INT64_MAX &&
				    json_object_get_uint64(val) != (uint64_t)INT64_MAX)
					goto type_error;
			} else if (strcasecmp(name, "start") == 0) {
				if (is_null)
					continue;
				if (!json_object_is_type(val, json_type_string))
					goto type_error;
				start = json_object_get_string(val);
				start_len = (size_t)json_object_get_string_len(val);
			}
			continue;
		type_error:
			ck_storage_error_set(err, r,
					     ERR_GENERIC
					     ": json: cannot unmarshal %s into Go struct "
					     "field continueToken.%s",
					     json_type_to_name(json_object_get_type(val)), name);
			goto out;
		}
	}
	if (!ck_streq(version, TOKEN_VERSION)) {
		ck_storage_error_set(err, r, ERR_VERSION " %s", version);
		goto out;
	}
	if (rv == 0) {
		ck_storage_error_set(err, r, ERR_INVALID_RV);
		goto out;
	}
	if (start_len == 0) {
		ck_storage_error_set(err, r, ERR_EMPTY_START);
		goto out;
	}
	/* No escape above the prefix: the start key must be a clean path. */
	struct ck_buf rooted = CK_BUF_INIT;
	if (start[0] != '/')
		ck_buf_addc(&rooted, '/');
	ck_buf_add(&rooted, start, start_len);
	bool clean = is_clean_rooted(rooted.data, rooted.len);
	if (clean) {
		ck_buf_adds(&key, key_prefix);
		ck_buf_add(&key, rooted.data + 1, rooted.len - 1);
	}
	ck_buf_release(&rooted);
	if (!clean) {
		ck_storage_error_set(err, r, ERR_GENERIC ": %.*s", (int)start_len, start);
		goto out;
	}
	*ret_rv = rv;
	*ret_key = ck_buf_detach(&key, ret_key_len);
	r = 0;
out:
	ck_buf_release(&key);
	if (root)
		json_object_put(root);
	ck_json_tokener_put(tok);
	free(data);
	return r;
}
