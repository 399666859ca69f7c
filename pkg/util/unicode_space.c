#include "util/unicode_space.h"

bool ck_unicode_is_space(uint32_t cp)
{
	switch (cp) {
	case 0x09:
	case 0x0A:
	case 0x0B:
	case 0x0C:
	case 0x0D:
	case 0x20:
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

/*
 * Every white space code point has exactly one valid UTF-8 encoding of 1 to
 * 3 bytes; a byte sequence is a space rune iff it is one of these.
 */
static uint32_t decode_space(const unsigned char *p, size_t n)
{
	switch (n) {
	case 1:
		return p[0] < 0x80 ? p[0] : 0xFFFD;
	case 2:
		if (p[0] == 0xC2 && (p[1] & 0xC0) == 0x80)
			return p[1];
		return 0xFFFD;
	case 3:
		if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0xFFFD;
		return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
		       (p[2] & 0x3F);
	default:
		return 0xFFFD;
	}
}

/* Length of the space rune that starts s, or 0. */
static size_t space_at_start(const unsigned char *s, size_t n)
{
	for (size_t w = 1; w <= 3 && w <= n; w++) {
		uint32_t cp = decode_space(s, w);
		/* A 3-byte decode of a shorter form is rejected by the range. */
		if (w == 3 && cp < 0x800)
			continue;
		if (cp != 0xFFFD && ck_unicode_is_space(cp) && (w > 1 || cp < 0x80))
			return w;
	}
	return 0;
}

/* Length of the space rune that ends the n bytes at s, or 0. */
static size_t space_at_end(const unsigned char *s, size_t n)
{
	for (size_t w = 1; w <= 3 && w <= n; w++) {
		const unsigned char *p = s + n - w;
		uint32_t cp = decode_space(p, w);
		if (w == 3 && cp < 0x800)
			continue;
		if (cp != 0xFFFD && ck_unicode_is_space(cp) && (w > 1 || cp < 0x80))
			return w;
	}
	return 0;
}

const char *ck_unicode_trim_space(const char *s, size_t n, size_t *ret_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w;

	while (n > 0 && (w = space_at_start(p, n)) > 0) {
		p += w;
		n -= w;
	}
	while (n > 0 && (w = space_at_end(p, n)) > 0)
		n -= w;
	*ret_len = n;
	return (const char *)p;
}
