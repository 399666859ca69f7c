#include "util/base64url.h"

#include <string.h>

#include "util/common.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *ck_base64url_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	char *out = ck_malloc(len / 3 * 4 + 4 + 1), *o = out;
	size_t i = 0;

	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		if (i + 1 < len)
			*o++ = alphabet[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

static int value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

void *ck_base64url_decode(const char *s, size_t *ret_len)
{
	size_t n = strlen(s);
	unsigned char *out = ck_malloc(n / 4 * 3 + 3 + 1);
	size_t o = 0;
	unsigned acc = 0;
	int have = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			continue;
		int v = value_of(c);
		if (v < 0)
			goto fail;
		acc = acc << 6 | (unsigned)v;
		if (++have == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			have = 0;
		}
	}
	switch (have) {
	case 1:
		goto fail;
	case 2:
		out[o++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
		break;
	}
	out[o] = '\0';
	*ret_len = o;
	return out;
fail:
	free(out);
	return NULL;
}
