/*
 * Continue tokens come from clients (?continue=...). The decoder must never
 * crash, leak or let a key escape its prefix; whatever decodes must encode
 * and decode to the same key and revision; and any key encoded (valid
 * UTF-8, clean path) must decode to itself. base64url must round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/storage.h"
#include "util/base64url.h"

#define PREFIX "/registry/pods/"

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len = c < 0x80		      ? 1
			     : c >= 0xc2 && c <= 0xdf ? 2
			     : c >= 0xe0 && c <= 0xef ? 3
			     : c >= 0xf0 && c <= 0xf4 ? 4
						      : 0;
		if (!len || i + len > n)
			return 0;
		uint32_t cp = len == 1 ? c : c & (0xff >> (len + 1));
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* The suffix, as "/" + suffix, is what Go's path.Clean leaves alone. */
static int clean_suffix(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (n == 1 && s[0] == '/')
		return 1;
	size_t i = s[0] == '/' ? 1 : 0;
	if (s[n - 1] == '/')
		return 0;
	while (i <= n) {
		size_t start = i;
		while (i < n && s[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0 ||
		    (s[start] == '.' && (len == 1 || (len == 2 && s[start + 1] == '.'))))
			return 0;
		i++;
	}
	return 1;
}

static void check_decoded(const char *key, size_t len, int64_t rv)
{
	/* never above the prefix, never a traversal */
	if (len < strlen(PREFIX) || memcmp(key, PREFIX, strlen(PREFIX)) != 0)
		abort();
	if (rv == 0)
		abort();
	for (size_t i = 0; i + 1 < len; i++)
		if (key[i] == '/' && key[i + 1] == '/')
			abort();
	char *token = NULL, *key2 = NULL;
	size_t len2;
	int64_t rv2;
	if (ck_storage_continue_encode(key, len, PREFIX, rv, &token) < 0)
		abort();
	if (ck_storage_continue_decode(token, PREFIX, &key2, &len2, &rv2, NULL) < 0)
		abort();
	/* Go's encoder turns invalid UTF-8 into U+FFFD: compare only then */
	if (valid_utf8((const unsigned char *)key, len) &&
	    (len2 != len || memcmp(key, key2, len) != 0 || rv2 != rv))
		abort();
	free(token);
	free(key2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. the bytes as a token */
	char *token = malloc(size + 1);
	memcpy(token, data, size);
	token[size] = '\0';
	char *key = NULL;
	size_t len;
	int64_t rv;
	struct ck_storage_error err = { 0 };
	if (ck_storage_continue_decode(token, PREFIX, &key, &len, &rv, &err) == 0) {
		check_decoded(key, len, rv);
		free(key);
	} else if (err.code != CK_STORAGE_ERR_BAD_REQUEST) {
		abort();
	}
	ck_storage_error_release(&err);

	/* 2. the bytes as base64url (round trip) */
	size_t dlen;
	char *decoded = ck_base64url_decode(token, &dlen);
	if (decoded) {
		char *again = ck_base64url_encode(decoded, dlen);
		size_t alen;
		char *back = ck_base64url_decode(again, &alen);
		if (!back || alen != dlen || memcmp(back, decoded, dlen) != 0)
			abort();
		free(back);
		free(again);
		free(decoded);
	}
	free(token);

	/* 3. the bytes (after an 8-byte revision) as a key suffix */
	if (size >= 8) {
		int64_t r;
		memcpy(&r, data, 8);
		size_t klen = strlen(PREFIX) + size - 8;
		char *k = malloc(klen);
		memcpy(k, PREFIX, strlen(PREFIX));
		memcpy(k + strlen(PREFIX), data + 8, size - 8);
		char *t = NULL;
		if (ck_storage_continue_encode(k, klen, PREFIX, r, &t) < 0)
			abort();
		char *k2 = NULL;
		size_t k2len;
		int64_t r2;
		int ok = ck_storage_continue_decode(t, PREFIX, &k2, &k2len, &r2, NULL) == 0;
		/* invalid UTF-8 becomes U+FFFD, which changes no '/' or '.' */
		int expect = r != 0 && size > 8 && clean_suffix((const char *)data + 8, size - 8);
		if (ok != expect)
			abort();
		if (ok) {
			/* a leading "/" in the suffix is the same key without it */
			const char *suffix = (const char *)data + 8;
			size_t slen = size - 8;
			if (slen > 1 && suffix[0] == '/') {
				suffix++;
				slen--;
			} else if (slen == 1 && suffix[0] == '/') {
				slen = 0;
			}
			if (r2 != r)
				abort();
			if (valid_utf8(data + 8, size - 8) &&
			    (k2len != strlen(PREFIX) + slen ||
			     memcmp(k2 + strlen(PREFIX), suffix, slen) != 0))
				abort();
			free(k2);
		}
		free(t);
		free(k);
	}
	return 0;
}
