#include "util/go_duration.h"

#include <errno.h>
#include <string.h>

/* Writes the decimal digits of v ending just before buf[w]; returns the new start. */
static size_t put_uint(char *buf, size_t w, uint64_t v)
{
	do {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return w;
}

/*
 * Writes the fraction v / 10^prec (".25"), without trailing zeros and
 * without the point when it is zero, ending before buf[w]; divides *v by
 * 10^prec. Returns the new start.
 */
static size_t put_frac(char *buf, size_t w, uint64_t *v, int prec)
{
	int printed = 0;
	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*v % 10);
		printed = printed || digit != 0;
		if (printed)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (printed)
		buf[--w] = '.';
	return w;
}

void ck_go_duration_format(int64_t ns, char out[CK_GO_DURATION_BUF])
{
	char buf[CK_GO_DURATION_BUF];
	size_t w = sizeof(buf);
	/* The magnitude of INT64_MIN fits in a uint64. */
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	buf[--w] = '\0';
	if (u < 1000000000) {
		int prec = 0;
		buf[--w] = 's';
		if (u == 0) {
			buf[--w] = '0';
			memcpy(out, buf + w, sizeof(buf) - w);
			return;
		} else if (u < 1000) {
			buf[--w] = 'n';
		} else if (u < 1000000) {
			prec = 3;
			buf[--w] = (char)0xb5; /* U+00B5 MICRO SIGN */
			buf[--w] = (char)0xc2;
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		w = put_frac(buf, w, &u, prec);
		w = put_uint(buf, w, u);
	} else {
		buf[--w] = 's';
		w = put_frac(buf, w, &u, 9);
		w = put_uint(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			w = put_uint(buf, w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				w = put_uint(buf, w, u);
			}
		}
	}
	if (ns < 0)
		buf[--w] = '-';
	memcpy(out, buf + w, sizeof(buf) - w);
}

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* U+00B5 MICRO SIGN */
	{ "\xce\xbcs", 1000 }, /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", UINT64_C(60) * 1000000000 },
	{ "h", UINT64_C(3600) * 1000000000 },
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ck_go_duration_parse(const char *s, int64_t *ret_ns)
{
	const uint64_t limit = UINT64_C(1) << 63;
	uint64_t total = 0;
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t v = 0, frac = 0;
		double scale = 1;
		if (!(*s == '.' || is_digit(*s)))
			return -EINVAL;
		const char *start = s;
		for (; is_digit(*s); s++) {
			if (v > limit / 10)
				return -ERANGE;
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > limit)
				return -ERANGE;
		}
		int pre = s != start, post = 0;
		if (*s == '.') {
			s++;
			const char *fstart = s;
			int overflow = 0;
			for (; is_digit(*s); s++) {
				if (overflow)
					continue;
				if (frac > (limit - 1) / 10) {
					overflow = 1; /* the remaining digits cannot matter */
					continue;
				}
				uint64_t y = frac * 10 + (uint64_t)(*s - '0');
				if (y > limit) {
					overflow = 1;
					continue;
				}
				frac = y;
				scale *= 10;
			}
			post = s != fstart;
		}
		if (!pre && !post)
			return -EINVAL;
		size_t n = 0;
		while (s[n] && s[n] != '.' && !is_digit(s[n]))
			n++;
		if (n == 0)
			return -EINVAL; /* missing unit */
		uint64_t unit = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == n && memcmp(units[i].name, s, n) == 0)
				unit = units[i].ns;
		if (!unit)
			return -EINVAL; /* unknown unit */
		s += n;
		if (v > limit / unit)
			return -ERANGE;
		v *= unit;
		if (frac > 0) {
			/* A double is exact enough: at most 3.6e12 ns per unit. */
			v += (uint64_t)((double)frac * ((double)unit / scale));
			if (v > limit)
				return -ERANGE;
		}
		total += v;
		if (total > limit)
			return -ERANGE;
	}
	if (neg) {
		*ret_ns = total == limit ? INT64_MIN : -(int64_t)total;
		return 0;
	}
	if (total > limit - 1)
		return -ERANGE;
	*ret_ns = (int64_t)total;
	return 0;
}
