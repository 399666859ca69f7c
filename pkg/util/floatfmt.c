#include "util/floatfmt.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A decimal number 0.d[0]d[1]..d[nd-1] x 10^dp, as Go's decimalSlice: no
 * trailing zeros, nd == 0 for zero.
 */
struct decimal {
	char d[40];
	int nd;
	int dp;
	bool neg;
};

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Reads "d.ddd" digits and exponent back; NUL-terminated text we built. */
static bool reads_back(const char *text, double v, int bits)
{
	pthread_once(&c_locale_once, c_locale_init);
	if (bits == 32) {
		float f = c_locale ? strtof_l(text, NULL, c_locale) : strtof(text, NULL);
		return f == (float)v;
	}
	double d = c_locale ? strtod_l(text, NULL, c_locale) : strtod(text, NULL);
	return d == v;
}

static double value_of(const char *text)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale ? strtod_l(text, NULL, c_locale) : strtod(text, NULL);
}

/* "d.ddde<exp>" from nd digits (C locale text for strtod). */
static void digits_text(char *out, size_t size, const char *d, int nd, int exp10)
{
	char mant[48];
	size_t k = 0;
	mant[k++] = d[0];
	if (nd > 1) {
		mant[k++] = '.';
		memcpy(mant + k, d + 1, (size_t)nd - 1);
		k += (size_t)nd - 1;
	}
	mant[k] = '\0';
	snprintf(out, size, "%se%d", mant, exp10);
}

/*
 * Parses printf's "%.*e" output (any decimal point the locale uses) into
 * digits and a decimal exponent.
 */
static void parse_e(const char *s, char *d, int *nd, int *exp10)
{
	int n = 0;
	if (*s == '-')
		s++;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s >= '0' && *s <= '9')
			d[n++] = *s;
	}
	*nd = n;
	*exp10 = (*s == 'e' || *s == 'E') ? (int)strtol(s + 1, NULL, 10) : 0;
}

/* Adds one unit in the last place; returns the new exponent (carry). */
static int increment(char *d, int nd, int exp10)
{
	int i = nd - 1;
	while (i >= 0 && d[i] == '9') {
		d[i] = '0';
		i--;
	}
	if (i >= 0) {
		d[i]++;
		return exp10;
	}
	/* 99..9 + 1 = 100..0: one digit, exponent up by one */
	d[0] = '1';
	for (int j = 1; j < nd; j++)
		d[j] = '0';
	return exp10 + 1;
}

/*
 * The shortest digits that read back as v (as a float when bits is 32):
 * the correctly rounded p-digit decimal for the smallest p that works, or,
 * when v sits on a power of two (whose rounding interval is narrower
 * below), the next p-digit decimal above it, as Go's shortest formatting.
 */
static void shortest(double v, int bits, struct decimal *out)
{
	double a = bits == 32 ? (double)(float)v : v;
	out->neg = signbit(a) != 0;
	out->nd = 0;
	out->dp = 0;
	if (a == 0)
		return;
	a = fabs(a);
	int maxp = bits == 32 ? 9 : 17;
	char buf[64], text[64], d[40];
	int nd = 0, exp10 = 0;
	for (int p = 1; p <= maxp; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, a);
		parse_e(buf, d, &nd, &exp10);
		digits_text(text, sizeof(text), d, nd, exp10);
		if (reads_back(text, a, bits))
			break;
		if (value_of(text) < a) {
			char up[40];
			memcpy(up, d, (size_t)nd);
			int e2 = increment(up, nd, exp10);
			digits_text(text, sizeof(text), up, nd, e2);
			if (reads_back(text, a, bits)) {
				memcpy(d, up, (size_t)nd);
				exp10 = e2;
				break;
			}
		}
	}
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	memcpy(out->d, d, (size_t)nd);
	out->nd = nd;
	out->dp = exp10 + 1;
}

/* Go's fmtE with prec digits after the point. */
static int fmt_e(struct ck_buf *b, const struct decimal *x, int prec)
{
	char out[64];
	size_t k = 0;
	if (x->neg)
		out[k++] = '-';
	out[k++] = x->nd ? x->d[0] : '0';
	if (prec > 0) {
		out[k++] = '.';
		for (int i = 1; i <= prec; i++)
			out[k++] = i < x->nd ? x->d[i] : '0';
	}
	out[k++] = 'e';
	int exp = x->nd ? x->dp - 1 : 0;
	if (exp < 0) {
		out[k++] = '-';
		exp = -exp;
	} else {
		out[k++] = '+';
	}
	if (exp < 10) {
		out[k++] = '0';
		out[k++] = (char)('0' + exp);
	} else if (exp < 100) {
		out[k++] = (char)('0' + exp / 10);
		out[k++] = (char)('0' + exp % 10);
	} else {
		out[k++] = (char)('0' + exp / 100);
		out[k++] = (char)('0' + exp / 10 % 10);
		out[k++] = (char)('0' + exp % 10);
	}
	return ck_buf_add(b, out, k);
}

/* Go's fmtF with prec digits after the point. */
static int fmt_f(struct ck_buf *b, const struct decimal *x, int prec)
{
	int r = 0;
	if (x->neg)
		r = ck_buf_addc(b, '-');
	if (r == 0 && x->dp > 0) {
		int m = x->nd < x->dp ? x->nd : x->dp;
		r = ck_buf_add(b, x->d, (size_t)m);
		for (; r == 0 && m < x->dp; m++)
			r = ck_buf_addc(b, '0');
	} else if (r == 0) {
		r = ck_buf_addc(b, '0');
	}
	if (r == 0 && prec > 0) {
		r = ck_buf_addc(b, '.');
		for (int i = 1; r == 0 && i <= prec; i++) {
			int j = x->dp + i - 1;
			r = ck_buf_addc(b, j >= 0 && j < x->nd ? x->d[j] : '0');
		}
	}
	return r;
}

int ck_floatfmt_g(struct ck_buf *b, double v, int bits)
{
	if (isnan(v))
		return ck_buf_adds(b, "NaN");
	if (isinf(v) || (bits == 32 && isinf((float)v)))
		return ck_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
	struct decimal x;
	shortest(v, bits, &x);
	int exp = x.dp - 1;
	if (exp < -4 || exp >= 6)
		return fmt_e(b, &x, x.nd - 1);
	int prec = x.nd - x.dp;
	return fmt_f(b, &x, prec > 0 ? prec : 0);
}

int ck_floatfmt_json(struct ck_buf *b, double v)
{
	if (isnan(v) || isinf(v))
		return -EDOM;
	struct decimal x;
	shortest(v, 64, &x);
	double a = fabs(v);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		size_t start = b->len;
		int r = fmt_e(b, &x, x.nd > 1 ? x.nd - 1 : 0);
		if (r < 0)
			return r;
		/* encoding/json shortens e-09 to e-9 */
		size_t n = b->len - start;
		char *t = b->data + start;
		if (n >= 4 && t[n - 4] == 'e' && t[n - 3] == '-' && t[n - 2] == '0') {
			t[n - 2] = t[n - 1];
			ck_buf_truncate(b, b->len - 1);
		}
		return 0;
	}
	int prec = x.nd - x.dp;
	return fmt_f(b, &x, prec > 0 ? prec : 0);
}
