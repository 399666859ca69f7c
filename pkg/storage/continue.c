/*
 * Continue tokens, byte for byte as upstream makes them (storage/continue.go):
 * Go's encoding/json output of {"v","rv","start"} in unpadded URL-safe
 * base64, so a token from either server decodes on the other.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "storage/storage.h"
#include "util/base64url.h"
#include "util/buf.h"
#include "util/common.h"
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

/* Length of the valid UTF-8 sequence at s (0 when invalid), as Go decodes. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A JSON string as Go's encoding/json writes it (HTML-safe escaping). */
static int add_go_json_string(struct ck_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int r = ck_buf_addc(b, '"');
	for (size_t i = 0; i < n && r == 0;) {
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
			case '"':
				r = ck_buf_adds(b, "\\\"");
				break;
			case '\\':
				r = ck_buf_adds(b, "\\\\");
				break;
			case '\n':
				r = ck_buf_adds(b, "\\n");
				break;
			case '\r':
				r = ck_buf_adds(b, "\\r");
				break;
			case '\t':
				r = ck_buf_adds(b, "\\t");
				break;
			default:
				if (c < 0x20 || c == '<' || c == '>' || c == '&') {
					char esc[7] = { '\\',	     'u',	  '0', '0',
							hex[c >> 4], hex[c & 15], 0 };
					r = ck_buf_adds(b, esc);
				} else {
					r = ck_buf_addc(b, (char)c);
				}
			}
			i++;
			continue;
		}
		size_t len = utf8_len(p + i, n - i);
		if (len == 0) {
			r = ck_buf_adds(b, "\\ufffd");
			i++;
		} else if (len == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			r = ck_buf_adds(b, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 3;
		} else {
			r = ck_buf_add(b, p + i, len);
			i += len;
		}
	}
	return r ? r : ck_buf_addc(b, '"');
}

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
		r = add_go_json_string(&b, key + plen, key_len - plen);
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
	tok = json_tokener_new_ex(CK_MAX_JSON_DEPTH);
	/* strict, as encoding/json: no trailing garbage, no single quotes */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
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
	if (tok)
		json_tokener_free(tok);
	free(data);
	return r;
}
