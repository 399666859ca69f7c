#include "util/utf8.h"

#include <string.h>

uint32_t ck_utf8_decode(const char *str, size_t n, size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	uint32_t r;

	*ret_len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return CK_UTF8_RUNE_ERROR;
	if (s[0] < 0xE0) {
		len = 2;
		r = s[0] & 0x1F;
	} else if (s[0] < 0xF0) {
		len = 3;
		r = s[0] & 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (s[0] == 0xED)
			hi = 0x9F; /* no surrogates */
	} else {
		len = 4;
		r = s[0] & 0x07;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F; /* nothing past U+10FFFF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return CK_UTF8_RUNE_ERROR;
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
			return CK_UTF8_RUNE_ERROR;
		r = (r << 6) | (s[i] & 0x3F);
	}
	*ret_len = len;
	return r;
}

int ck_utf8_append(struct ck_buf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = CK_UTF8_RUNE_ERROR;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return ck_buf_add(b, out, n);
}

bool ck_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len;
		if (ck_utf8_decode(s + i, n - i, &len) == CK_UTF8_RUNE_ERROR && len == 1)
			return false;
		i += len;
	}
	return true;
}

/* Unprintable non-ASCII code points (see the header: an approximation). */
static bool unprintable(uint32_t r)
{
	return r < 0xA1 || r == 0xAD || (r >= 0x600 && r <= 0x605) || r == 0x61C || r == 0x6DD ||
	       r == 0x70F || r == 0x1680 || r == 0x180E || (r >= 0x2000 && r <= 0x200F) ||
	       (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) || r == 0x3000 ||
	       (r >= 0xE000 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
	       (r & 0xFFFE) == 0xFFFE || (r >= 0xFDD0 && r <= 0xFDEF) || r >= 0xF0000;
}

int ck_buf_add_quoted(struct ck_buf *b, const char *s)
{
	static const char esc[] = { ['\a'] = 'a', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
				    ['\r'] = 'r', ['\t'] = 't', ['\v'] = 'v' };
	size_t n = strlen(s);
	int r = ck_buf_addc(b, '"');

	for (size_t i = 0; i < n && r == 0;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		if (c >= 0x80) {
			uint32_t cp = ck_utf8_decode(s + i, n - i, &len);
			if (cp == CK_UTF8_RUNE_ERROR && len == 1)
				r = ck_buf_addf(b, "\\x%02x", c);
			else if (!unprintable(cp))
				r = ck_buf_add(b, s + i, len);
			else if (cp < 0x10000)
				r = ck_buf_addf(b, "\\u%04x", (unsigned)cp);
			else
				r = ck_buf_addf(b, "\\U%08x", (unsigned)cp);
		} else if (c == '"' || c == '\\') {
			r = ck_buf_addf(b, "\\%c", c);
		} else if (c < sizeof(esc) && esc[c]) {
			r = ck_buf_addf(b, "\\%c", esc[c]);
		} else if (c < 0x20 || c == 0x7F) {
			r = ck_buf_addf(b, "\\x%02x", c);
		} else {
			r = ck_buf_addc(b, (char)c);
		}
		i += len;
	}
	if (r == 0)
		r = ck_buf_addc(b, '"');
	return r;
}
