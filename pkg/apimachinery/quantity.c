/*
 * resource.Quantity. See quantity.h for the model; the upstream behaviour
 * ported here lives in k8s.io/apimachinery/pkg/api/resource (quantity.go,
 * amount.go, math.go, suffix.go, scale_int.go).
 *
 * Parsing follows upstream's two paths, because which one a string takes is
 * observable: the "fast path" (at most 18 digits, scale >= nano, binary
 * suffixes up to Ti with few digits) is exact and may keep the input string
 * for printing; the "slow path" (upstream's inf.Dec) rounds to nano, caps
 * BinarySI and reports "no digits at all" as ErrNumeric.
 */
#include "apimachinery/quantity.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/common.h"
#include "util/unicode_space.h"

/* 2^127 - 1: the largest |mant| (symmetric, so negation is always exact). */
#define MANT_MAX ((unsigned __int128)(((unsigned __int128)1 << 127) - 1))
#define U128_MAX (~(unsigned __int128)0)

#define P19 ((unsigned __int128)10000000000000000000u)

/* 10^n for n = 0..38 (10^38 < 2^128 <= 10^39). */
static const unsigned __int128 pow10_tab[39] = {
	1u,
	10u,
	100u,
	1000u,
	10000u,
	100000u,
	1000000u,
	10000000u,
	100000000u,
	1000000000u,
	10000000000u,
	100000000000u,
	1000000000000u,
	10000000000000u,
	100000000000000u,
	1000000000000000u,
	10000000000000000u,
	100000000000000000u,
	1000000000000000000u,
	10000000000000000000u,
	P19 * 10u,
	P19 * 100u,
	P19 * 1000u,
	P19 * 10000u,
	P19 * 100000u,
	P19 * 1000000u,
	P19 * 10000000u,
	P19 * 100000000u,
	P19 * 1000000000u,
	P19 * 10000000000u,
	P19 * 100000000000u,
	P19 * 1000000000000u,
	P19 * 10000000000000u,
	P19 * 100000000000000u,
	P19 * 1000000000000000u,
	P19 * 10000000000000000u,
	P19 * 100000000000000000u,
	P19 * 1000000000000000000u,
	P19 * 10000000000000000000u,
};

/* Upstream's suffix tables (suffix.go). */
static const struct {
	const char *name;
	int32_t exp;
} dec_suffixes[] = {
	{ "n", -9 }, { "u", -6 }, { "m", -3 }, { "", 0 },   { "k", 3 },
	{ "M", 6 },  { "G", 9 },  { "T", 12 }, { "P", 15 }, { "E", 18 },
};

static const struct {
	const char *name;
	int32_t exp;
} bin_suffixes[] = {
	{ "Ki", 10 }, { "Mi", 20 }, { "Gi", 30 }, { "Ti", 40 }, { "Pi", 50 }, { "Ei", 60 },
};

/*
 * The kept input string ("lit") is described by: the flags below, the
 * number of leading zeros, the digits after the point (lit_frac), the
 * suffix (lit_suffix: a dec_suffixes index, BIN_CODE + a bin_suffixes
 * index, or EXP_CODE + the number z of trailing zeros of the digits, 0..2),
 * and for an exponent the zeros before its digits. The digits themselves
 * follow from the value.
 */
#define LIT_SET 0x01
#define LIT_PLUS 0x02
#define LIT_DOT 0x04
#define LIT_EXP_UPPER 0x08
#define LIT_EXP_PLUS 0x10
#define LIT_EXP_MINUS 0x20

#define BIN_CODE 10
#define EXP_CODE 16

static const char err_format_wrong[] =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const char *ck_quantity_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return err_format_wrong;
	case -EILSEQ:
		return "unable to parse quantity's suffix";
	case -EDOM:
		return "unable to parse numeric part of quantity";
	case -ERANGE:
		return "quantity is outside the range represented exactly (more than 38 "
		       "significant digits or an exponent beyond 32 bits)";
	default:
		return "invalid quantity";
	}
}

const char *ck_quantity_format_name(enum ck_quantity_format format)
{
	switch (format) {
	case CK_QUANTITY_DECIMAL_EXPONENT:
		return "DecimalExponent";
	case CK_QUANTITY_BINARY_SI:
		return "BinarySI";
	case CK_QUANTITY_DECIMAL_SI:
		return "DecimalSI";
	default:
		return "";
	}
}

/* ---- small arithmetic --------------------------------------------------- */

static unsigned __int128 mag_of(__int128 v)
{
	return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

/* Decimal digits of v (1 for 0). */
static unsigned ndigits(unsigned __int128 v)
{
	unsigned n = 1;
	while (n < CK_ARRAY_SIZE(pow10_tab) && v >= pow10_tab[n])
		n++;
	return n;
}

/* *v *= 10^n; false on overflow of 128 bits. */
static bool mul_pow10(unsigned __int128 *v, int64_t n)
{
	if (*v == 0 || n == 0)
		return true;
	if (n < 0 || n >= (int64_t)CK_ARRAY_SIZE(pow10_tab))
		return false;
	if (*v > U128_MAX / pow10_tab[n])
		return false;
	*v *= pow10_tab[n];
	return true;
}

/*
 * Stores ±mag * 10^exp into q's value, normalised; format and lit are left
 * alone. 0 or -ERANGE (q unchanged).
 */
static int set_value(struct ck_quantity *q, bool neg, unsigned __int128 mag, int64_t exp)
{
	if (mag == 0) {
		q->mant = 0;
		q->exp = 0;
		return 0;
	}
	if (mag <= UINT64_MAX) {
		uint64_t m = (uint64_t)mag;
		while (m % 10 == 0) {
			m /= 10;
			exp++;
		}
		mag = m;
	} else {
		while (mag % 10 == 0) {
			mag /= 10;
			exp++;
		}
	}
	if (mag > MANT_MAX || exp < INT32_MIN || exp > INT32_MAX)
		return -ERANGE;
	q->mant = neg ? -(__int128)mag : (__int128)mag;
	q->exp = (int32_t)exp;
	return 0;
}

static void clear_lit(struct ck_quantity *q)
{
	q->lit = 0;
	q->lit_frac = 0;
	q->lit_suffix = 0;
	q->lit_zeros = 0;
	q->lit_exp_zeros = 0;
}

/* ---- parsing ------------------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_suffix_letter(char c)
{
	switch (c) {
	case 'e':
	case 'E':
	case 'i':
	case 'n':
	case 'u':
	case 'm':
	case 'k':
	case 'K':
	case 'M':
	case 'G':
	case 'T':
	case 'P':
		return true;
	default:
		return false;
	}
}

/* The pieces of a quantity string, as upstream's parseQuantityString. */
struct qscan {
	bool neg, plus, dot;
	size_t zeros; /* leading zeros after the sign */
	const char *num;
	size_t num_len; /* digits from the first non-zero one up to '.' */
	const char *denom;
	size_t denom_len;
	const char *suffix;
	size_t suffix_len;
};

static int scan(const char *s, size_t n, struct qscan *sc)
{
	size_t pos = 0, start;

	memset(sc, 0, sizeof(*sc));
	if (n > 0 && s[0] == '-') {
		sc->neg = true;
		pos++;
	} else if (n > 0 && s[0] == '+') {
		sc->plus = true;
		pos++;
	}
	start = pos;
	while (pos < n && s[pos] == '0')
		pos++;
	sc->zeros = pos - start;
	sc->num = s + pos;
	while (pos < n && is_digit(s[pos]))
		pos++;
	sc->num_len = (size_t)(s + pos - sc->num);
	if (pos < n && s[pos] == '.') {
		sc->dot = true;
		pos++;
		sc->denom = s + pos;
		while (pos < n && is_digit(s[pos]))
			pos++;
		sc->denom_len = (size_t)(s + pos - sc->denom);
	}
	start = pos;
	while (pos < n && is_suffix_letter(s[pos]))
		pos++;
	if (pos < n && (s[pos] == '-' || s[pos] == '+'))
		pos++;
	while (pos < n && is_digit(s[pos]))
		pos++;
	if (pos != n)
		return -EINVAL;
	sc->suffix = s + start;
	sc->suffix_len = n - start;
	return 0;
}

/* What a suffix means (upstream's suffixer.interpret). */
struct qsuffix {
	enum ck_quantity_format format;
	int32_t exp;   /* power of 10, or of 2 for BinarySI */
	uint8_t code;  /* lit_suffix code; for an exponent EXP_CODE */
	uint8_t flags; /* LIT_EXP_* */
	uint32_t exp_zeros;
};

static int interpret(const char *s, size_t n, struct qsuffix *sf)
{
	memset(sf, 0, sizeof(*sf));
	for (size_t i = 0; i < CK_ARRAY_SIZE(dec_suffixes); i++) {
		if (strlen(dec_suffixes[i].name) == n && memcmp(dec_suffixes[i].name, s, n) == 0) {
			sf->format = CK_QUANTITY_DECIMAL_SI;
			sf->exp = dec_suffixes[i].exp;
			sf->code = (uint8_t)i;
			return 0;
		}
	}
	for (size_t i = 0; i < CK_ARRAY_SIZE(bin_suffixes); i++) {
		if (strlen(bin_suffixes[i].name) == n && memcmp(bin_suffixes[i].name, s, n) == 0) {
			sf->format = CK_QUANTITY_BINARY_SI;
			sf->exp = bin_suffixes[i].exp;
			sf->code = (uint8_t)(BIN_CODE + i);
			return 0;
		}
	}
	if (n < 2 || (s[0] != 'e' && s[0] != 'E'))
		return -EILSEQ;

	/* strconv.ParseInt(s[1:], 10, 64): sign, then one or more digits. */
	size_t i = 1;
	bool neg = false;
	uint64_t v = 0;
	sf->flags = s[0] == 'E' ? LIT_EXP_UPPER : 0;
	if (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-';
		sf->flags |= neg ? LIT_EXP_MINUS : LIT_EXP_PLUS;
		i++;
	}
	if (i == n)
		return -EILSEQ;
	size_t first = i;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return -EILSEQ;
		if (v > (UINT64_MAX - 9) / 10)
			v = UINT64_MAX; /* saturate: out of int64 either way */
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return -EILSEQ; /* ParseInt's range error: upstream's ErrSuffix */
	if (v > (uint64_t)INT32_MAX + (neg ? 1 : 0))
		return -ERANGE; /* upstream would wrap it to 32 bits */
	size_t z = 0;
	while (first + z + 1 < n && s[first + z] == '0')
		z++;
	sf->format = CK_QUANTITY_DECIMAL_EXPONENT;
	sf->exp = neg ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
	sf->code = EXP_CODE;
	sf->exp_zeros = (uint32_t)z;
	return 0;
}

/* Digit i of num+denom (num standing for "0" when empty), from the left. */
static char shifted_digit(const struct qscan *sc, size_t i)
{
	if (sc->num_len == 0) {
		if (i == 0)
			return '0';
		return sc->denom[i - 1];
	}
	if (i < sc->num_len)
		return sc->num[i];
	return sc->denom[i - sc->num_len];
}

/* Upstream's int64 path: exact, and may keep the input string. */
static int parse_fast(const struct qscan *sc, const struct qsuffix *sf, struct ck_quantity *ret)
{
	struct ck_quantity q = { 0 };
	uint64_t value = 0;
	int64_t scale;
	unsigned __int128 total;
	int r;

	for (size_t i = 0; i < sc->num_len; i++)
		value = value * 10 + (uint64_t)(sc->num[i] - '0');
	for (size_t i = 0; i < sc->denom_len; i++)
		value = value * 10 + (uint64_t)(sc->denom[i] - '0');

	if (sf->format == CK_QUANTITY_BINARY_SI) {
		total = (unsigned __int128)value << sf->exp;
		scale = 0;
	} else {
		total = value;
		scale = (int64_t)sf->exp - (int64_t)sc->denom_len;
	}
	r = set_value(&q, sc->neg, total, scale);
	if (r < 0)
		return r;
	q.format = (uint8_t)sf->format;

	bool keep;
	if (sf->format == CK_QUANTITY_BINARY_SI) {
		keep = (value & 0x07) != 0;
	} else {
		size_t len = (sc->num_len ? sc->num_len : 1) + sc->denom_len;
		bool ends000 = len >= 3 && shifted_digit(sc, len - 1) == '0' &&
			       shifted_digit(sc, len - 2) == '0' &&
			       shifted_digit(sc, len - 3) == '0';
		keep = scale % 3 == 0 && !ends000 && sc->num_len > 0;
	}
	if (keep) {
		q.lit = (uint8_t)(LIT_SET | (sc->plus ? LIT_PLUS : 0) | (sc->dot ? LIT_DOT : 0) |
				  sf->flags);
		q.lit_frac = (uint8_t)sc->denom_len;
		q.lit_zeros = (uint32_t)sc->zeros;
		q.lit_exp_zeros = sf->exp_zeros;
		q.lit_suffix = sf->code;
		if (sf->code == EXP_CODE)
			q.lit_suffix = (uint8_t)(EXP_CODE + (q.exp - scale));
	}
	*ret = q;
	return 0;
}

/*
 * Upstream's inf.Dec path: the exact decimal, times 2^exp for BinarySI,
 * rounded away from zero to nano, BinarySI capped at 2^63-1 and turned
 * DecimalSI below 1. Works on a digit string, so any length is exact.
 */
static int parse_slow(const struct qscan *sc, const struct qsuffix *sf, struct ck_quantity *ret)
{
	struct ck_quantity q = { 0 };
	enum ck_quantity_format format = sf->format;
	uint8_t stack_digits[128];
	uint8_t *d = stack_digits;
	size_t cap, start, nd = 0;
	int64_t p;
	int r = 0;

	if (sc->zeros + sc->num_len + sc->denom_len == 0)
		return -EDOM; /* inf.Dec.SetString: "no digits read" */

	/* The significant digits of num+denom, leading zeros dropped. */
	const char *dd = sc->denom;
	size_t dlen = sc->denom_len;
	if (sc->num_len == 0) {
		while (dlen > 0 && *dd == '0') {
			dd++;
			dlen--;
		}
	}
	nd = sc->num_len + dlen;
	p = -(int64_t)sc->denom_len;
	if (format != CK_QUANTITY_BINARY_SI)
		p += sf->exp;
	if (nd == 0) {
		q.format = (uint8_t)format;
		*ret = q;
		return 0;
	}

	/* Room for 2^60 (19 more digits) and a rounding carry in front. */
	start = 20;
	cap = start + nd;
	if (cap > sizeof(stack_digits))
		d = ck_malloc(cap);
	for (size_t i = 0; i < sc->num_len; i++)
		d[start + i] = (uint8_t)(sc->num[i] - '0');
	for (size_t i = 0; i < dlen; i++)
		d[start + sc->num_len + i] = (uint8_t)(dd[i] - '0');
	while (d[start + nd - 1] == 0) {
		nd--;
		p++;
	}

	if (format == CK_QUANTITY_BINARY_SI) {
		/* times 2^exp, digit by digit: the carry stays below 2^exp. */
		uint64_t carry = 0;
		for (size_t i = start + nd; i-- > start;) {
			uint64_t t = ((uint64_t)d[i] << sf->exp) + carry;
			d[i] = (uint8_t)(t % 10);
			carry = t / 10;
		}
		while (carry > 0) {
			d[--start] = (uint8_t)(carry % 10);
			carry /= 10;
			nd++;
		}
		while (d[start + nd - 1] == 0) {
			nd--;
			p++;
		}
	}

	if (p < CK_QUANTITY_NANO) {
		/* Round away from zero to nano; the dropped digits are non-zero. */
		int64_t k = CK_QUANTITY_NANO - p;
		if ((uint64_t)k >= nd) {
			d[start] = 1;
			nd = 1;
		} else {
			size_t i;
			nd -= (size_t)k;
			/* start >= 1 here, so i stops at start - 1 at the lowest. */
			for (i = start + nd; i-- > start && d[i] == 9;)
				d[i] = 0;
			if (i + 1 == start) {
				d[--start] = 1;
				nd++;
			} else {
				d[i]++;
			}
		}
		p = CK_QUANTITY_NANO;
		while (d[start + nd - 1] == 0) {
			nd--;
			p++;
		}
	}

	unsigned __int128 mag = 0;
	if (format == CK_QUANTITY_BINARY_SI) {
		int64_t int_digits = (int64_t)nd + p;
		bool capped = int_digits > 19;
		if (!capped) {
			/* p >= -9 here, so at most 28 digits. */
			for (size_t i = 0; i < nd; i++)
				mag = mag * 10 + d[start + i];
			if (p >= 0)
				capped = mag * pow10_tab[p] > (unsigned __int128)INT64_MAX;
			else
				capped = mag > (unsigned __int128)INT64_MAX * pow10_tab[-p];
		}
		if (capped) {
			mag = INT64_MAX;
			p = 0;
		} else if (int_digits <= 0) {
			format = CK_QUANTITY_DECIMAL_SI; /* 0 < |value| < 1 */
		}
	} else {
		if (nd > 39) {
			r = -ERANGE;
			goto out;
		}
		for (size_t i = 0; i < nd; i++) {
			if (mag > (U128_MAX - 9) / 10) {
				r = -ERANGE;
				goto out;
			}
			mag = mag * 10 + d[start + i];
		}
	}
	r = set_value(&q, sc->neg, mag, p);
	if (r < 0)
		goto out;
	q.format = (uint8_t)format;
	*ret = q;
out:
	if (d != stack_digits)
		free(d);
	return r;
}

int ck_quantity_parse_n(const char *s, size_t n, struct ck_quantity *ret)
{
	struct qscan sc;
	struct qsuffix sf;
	int r;

	if (n == 0)
		return -EINVAL;
	if (n == 1 && s[0] == '0') {
		struct ck_quantity zero = { 0 };
		zero.format = CK_QUANTITY_DECIMAL_SI;
		*ret = zero;
		return 0;
	}
	if (n > UINT32_MAX)
		return -ERANGE;
	r = scan(s, n, &sc);
	if (r < 0)
		return r;
	r = interpret(sc.suffix, sc.suffix_len, &sf);
	if (r < 0)
		return r;

	size_t digits = (sc.num_len ? sc.num_len : 1) + sc.denom_len;
	bool fast;
	if (sf.format == CK_QUANTITY_BINARY_SI)
		fast = sc.denom_len == 0 && 15 - (int64_t)digits - sf.exp * 3 / 10 - 1 >= 0;
	else
		fast = digits <= 18 && (int64_t)sf.exp - (int64_t)sc.denom_len >= CK_QUANTITY_NANO;
	return fast ? parse_fast(&sc, &sf, ret) : parse_slow(&sc, &sf, ret);
}

int ck_quantity_parse(const char *s, struct ck_quantity *ret)
{
	return ck_quantity_parse_n(s, strlen(s), ret);
}

/* ---- construction ------------------------------------------------------- */

int ck_quantity_init(struct ck_quantity *q, int64_t value, int32_t scale,
		     enum ck_quantity_format format)
{
	struct ck_quantity r = { 0 };
	int err = set_value(&r, value < 0, mag_of(value), scale);
	if (err < 0)
		return err;
	r.format = (uint8_t)format;
	*q = r;
	return 0;
}

int ck_quantity_set(struct ck_quantity *q, int64_t value, int32_t scale)
{
	struct ck_quantity r = *q;
	int err = set_value(&r, value < 0, mag_of(value), scale);
	if (err < 0)
		return err;
	clear_lit(&r);
	*q = r;
	return 0;
}

/* ---- printing ----------------------------------------------------------- */

/* snprintf-style output: counts everything, stores what fits. */
struct emit {
	char *buf;
	size_t size;
	size_t len;
};

static void emit_c(struct emit *e, char c)
{
	if (e->len + 1 < e->size)
		e->buf[e->len] = c;
	e->len++;
}

static void emit_s(struct emit *e, const char *s)
{
	while (*s)
		emit_c(e, *s++);
}

static void emit_repeat(struct emit *e, char c, uint64_t n)
{
	while (n-- > 0)
		emit_c(e, c);
}

/* Decimal digits of v into out (at least 40 bytes), no NUL; returns count. */
static size_t u128_digits(unsigned __int128 v, char *out)
{
	char tmp[40];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v > 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static void emit_u128(struct emit *e, unsigned __int128 v)
{
	char digits[40];
	size_t n = u128_digits(v, digits);
	for (size_t i = 0; i < n; i++)
		emit_c(e, digits[i]);
}

static void emit_int64(struct emit *e, int64_t v)
{
	if (v < 0)
		emit_c(e, '-');
	emit_u128(e, v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v);
}

/* CanonicalizeBytes: upstream's String() when no input string is kept. */
static void emit_canonical(struct emit *e, const struct ck_quantity *q)
{
	bool neg = q->mant < 0;
	unsigned __int128 mag = mag_of(q->mant);
	int64_t exp = q->exp;
	int format = q->format;

	if (q->mant == 0) {
		emit_c(e, '0');
		return;
	}
	if (format != CK_QUANTITY_DECIMAL_SI && format != CK_QUANTITY_BINARY_SI)
		format = CK_QUANTITY_DECIMAL_EXPONENT;

	if (format == CK_QUANTITY_BINARY_SI) {
		/*
		 * Between -1024 and 1024, or not an integer: DecimalSI. Upstream
		 * has no suffix past Ei (it would print 2^70 as "1"), so the
		 * power stops there; a value past 2^127 prints as DecimalSI.
		 */
		unsigned __int128 v = mag;
		if (exp >= 0 && mul_pow10(&v, exp) && v >= 1024) {
			size_t k = 0;
			while (k < CK_ARRAY_SIZE(bin_suffixes) && (v & 1023) == 0) {
				v >>= 10;
				k++;
			}
			if (neg)
				emit_c(e, '-');
			emit_u128(e, v);
			if (k > 0)
				emit_s(e, bin_suffixes[k - 1].name);
			return;
		}
		format = CK_QUANTITY_DECIMAL_SI;
	}

	/* The exponent goes down to a multiple of 3, the mantissa gets zeros. */
	int64_t rem = ((exp % 3) + 3) % 3;
	exp -= rem;
	if (neg)
		emit_c(e, '-');
	emit_u128(e, mag);
	emit_repeat(e, '0', (uint64_t)rem);
	if (format == CK_QUANTITY_DECIMAL_SI && exp >= -9 && exp <= 18) {
		emit_s(e, dec_suffixes[exp / 3 + 3].name);
		return;
	}
	/* DecimalExponent, and DecimalSI past "E" (upstream's fix for "1000E"). */
	if (exp != 0) {
		emit_c(e, 'e');
		emit_int64(e, exp);
	}
}

/* The input string upstream kept, rebuilt; false when q has none. */
static bool emit_literal(struct emit *e, const struct ck_quantity *q)
{
	char digits[48];
	size_t nd;
	unsigned code = q->lit_suffix;
	unsigned __int128 mag = mag_of(q->mant);
	int64_t suffix_exp = 0;
	uint64_t z = 0;

	if (!(q->lit & LIT_SET) || q->mant == 0)
		return false;
	if (code < BIN_CODE) {
		if (code >= CK_ARRAY_SIZE(dec_suffixes))
			return false;
		int64_t scale = (int64_t)dec_suffixes[code].exp - q->lit_frac;
		z = (uint64_t)((int64_t)q->exp - scale);
	} else if (code < EXP_CODE) {
		if (code - BIN_CODE >= CK_ARRAY_SIZE(bin_suffixes) || q->exp < 0 ||
		    !mul_pow10(&mag, q->exp))
			return false;
		mag >>= bin_suffixes[code - BIN_CODE].exp;
	} else {
		z = code - EXP_CODE;
		suffix_exp = (int64_t)q->exp - (int64_t)z + q->lit_frac;
	}
	if (z > 2)
		return false;
	nd = u128_digits(mag, digits);
	for (uint64_t i = 0; i < z; i++)
		digits[nd++] = '0';
	if (nd <= q->lit_frac)
		return false;

	if (q->mant < 0)
		emit_c(e, '-');
	else if (q->lit & LIT_PLUS)
		emit_c(e, '+');
	emit_repeat(e, '0', q->lit_zeros);
	for (size_t i = 0; i < nd; i++) {
		if ((q->lit & LIT_DOT) && i == nd - q->lit_frac)
			emit_c(e, '.');
		emit_c(e, digits[i]);
	}
	if ((q->lit & LIT_DOT) && q->lit_frac == 0)
		emit_c(e, '.');
	if (code < BIN_CODE) {
		emit_s(e, dec_suffixes[code].name);
	} else if (code < EXP_CODE) {
		emit_s(e, bin_suffixes[code - BIN_CODE].name);
	} else {
		emit_c(e, (q->lit & LIT_EXP_UPPER) ? 'E' : 'e');
		if (q->lit & LIT_EXP_MINUS)
			emit_c(e, '-');
		else if (q->lit & LIT_EXP_PLUS)
			emit_c(e, '+');
		emit_repeat(e, '0', q->lit_exp_zeros);
		emit_u128(e, mag_of(suffix_exp));
	}
	return true;
}

size_t ck_quantity_snprint(const struct ck_quantity *q, char *buf, size_t size)
{
	struct emit e = { buf, size, 0 };

	if (!emit_literal(&e, q)) {
		e.len = 0;
		emit_canonical(&e, q);
	}
	if (size > 0)
		buf[e.len < size ? e.len : size - 1] = '\0';
	return e.len;
}

char *ck_quantity_to_string(const struct ck_quantity *q)
{
	size_t n = ck_quantity_snprint(q, NULL, 0);
	char *s = ck_malloc(n + 1);
	ck_quantity_snprint(q, s, n + 1);
	return s;
}

/* ---- comparison and arithmetic ------------------------------------------ */

bool ck_quantity_is_zero(const struct ck_quantity *q)
{
	return q->mant == 0;
}

int ck_quantity_sign(const struct ck_quantity *q)
{
	return q->mant < 0 ? -1 : q->mant > 0;
}

int ck_quantity_cmp(const struct ck_quantity *a, const struct ck_quantity *b)
{
	int sa = ck_quantity_sign(a), sb = ck_quantity_sign(b);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;

	unsigned __int128 ma = mag_of(a->mant), mb = mag_of(b->mant);
	unsigned da = ndigits(ma), db = ndigits(mb);
	int64_t ta = (int64_t)da + a->exp, tb = (int64_t)db + b->exp;
	int mag_cmp;
	if (ta != tb) {
		mag_cmp = ta < tb ? -1 : 1;
	} else if (da == db) {
		mag_cmp = ma < mb ? -1 : ma > mb;
	} else if (da > db) {
		/* Same leading position: a has more digits, none of them trailing zeros. */
		unsigned __int128 head = ma / pow10_tab[da - db];
		mag_cmp = head < mb ? -1 : 1;
	} else {
		unsigned __int128 head = mb / pow10_tab[db - da];
		mag_cmp = ma <= head ? -1 : 1;
	}
	return sa > 0 ? mag_cmp : -mag_cmp;
}

int ck_quantity_cmp_int64(const struct ck_quantity *q, int64_t value)
{
	struct ck_quantity v;
	ck_quantity_init_int64(&v, value, CK_QUANTITY_DECIMAL_SI);
	return ck_quantity_cmp(q, &v);
}

/* r's value = a + b, exactly; 0 or -ERANGE (r's value unchanged). */
static int add_values(struct ck_quantity *r, const struct ck_quantity *a,
		      const struct ck_quantity *b)
{
	int64_t e0 = a->exp < b->exp ? a->exp : b->exp;
	unsigned __int128 ma = mag_of(a->mant), mb = mag_of(b->mant), s;
	bool na = a->mant < 0, nb = b->mant < 0, neg;

	if (!mul_pow10(&ma, (int64_t)a->exp - e0) || !mul_pow10(&mb, (int64_t)b->exp - e0))
		return -ERANGE;
	if (na == nb) {
		s = ma + mb;
		if (s < ma)
			return -ERANGE;
		neg = na;
	} else if (ma >= mb) {
		s = ma - mb;
		neg = na;
	} else {
		s = mb - ma;
		neg = nb;
	}
	return set_value(r, neg, s, e0);
}

int ck_quantity_add(struct ck_quantity *q, const struct ck_quantity *y)
{
	struct ck_quantity r = *q;
	int err = 0;

	if (q->mant == 0) {
		r.format = y->format;
		r.mant = y->mant;
		r.exp = y->exp;
	} else if (y->mant != 0) {
		err = add_values(&r, q, y);
		if (err < 0)
			return err;
	}
	clear_lit(&r);
	*q = r;
	return 0;
}

int ck_quantity_sub(struct ck_quantity *q, const struct ck_quantity *y)
{
	struct ck_quantity neg_y = *y;
	ck_quantity_neg(&neg_y);
	return ck_quantity_add(q, &neg_y);
}

int ck_quantity_mul(struct ck_quantity *q, int64_t factor)
{
	struct ck_quantity r = *q;
	unsigned __int128 m = mag_of(q->mant), f = mag_of(factor);
	int err;

	if (m != 0 && f > U128_MAX / m)
		return -ERANGE;
	err = set_value(&r, (q->mant < 0) != (factor < 0), m * f, q->exp);
	if (err < 0)
		return err;
	clear_lit(&r);
	*q = r;
	return 0;
}

void ck_quantity_neg(struct ck_quantity *q)
{
	q->mant = -q->mant;
	clear_lit(q);
}

/* The scale upstream's int64 amount had when it kept the input string. */
static int64_t lit_scale(const struct ck_quantity *q)
{
	unsigned code = q->lit_suffix;
	if (code < BIN_CODE && code < CK_ARRAY_SIZE(dec_suffixes))
		return (int64_t)dec_suffixes[code].exp - q->lit_frac;
	if (code < EXP_CODE)
		return 0;
	return (int64_t)q->exp - (code - EXP_CODE);
}

int ck_quantity_round_up(struct ck_quantity *q, int32_t scale)
{
	struct ck_quantity r = *q;
	unsigned __int128 m = mag_of(q->mant);
	int err;

	if (q->mant == 0 || q->exp >= scale) {
		/* Exact. Upstream rescales its int64 amount (dropping the kept
		 * string) whenever the scale asked for is above the one it parsed. */
		if ((q->lit & LIT_SET) && scale > lit_scale(q))
			clear_lit(q);
		return 1;
	}
	int64_t k = (int64_t)scale - q->exp;
	if (k >= (int64_t)CK_ARRAY_SIZE(pow10_tab))
		m = 1; /* |q| < 10^scale: rounds to one unit */
	else
		m = m / pow10_tab[k] + 1; /* normalised, so never exact */
	err = set_value(&r, q->mant < 0, m, scale);
	if (err < 0)
		return err;
	clear_lit(&r);
	*q = r;
	return 0;
}

int ck_quantity_scaled_value(const struct ck_quantity *q, int32_t scale, int64_t *ret)
{
	unsigned __int128 m = mag_of(q->mant);
	int64_t d = (int64_t)q->exp - scale;
	bool neg = q->mant < 0;

	if (m == 0) {
		*ret = 0;
		return 0;
	}
	if (d >= 0) {
		if (!mul_pow10(&m, d))
			return -ERANGE;
	} else if (-d >= (int64_t)CK_ARRAY_SIZE(pow10_tab)) {
		m = 1;
	} else {
		unsigned __int128 p = pow10_tab[-d];
		m = m / p + (m % p != 0);
	}
	if (m > (unsigned __int128)INT64_MAX + (neg ? 1 : 0))
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - (uint64_t)m) : (int64_t)m;
	return 0;
}

int ck_quantity_as_int64(const struct ck_quantity *q, int64_t *ret)
{
	if (q->exp < 0)
		return -ERANGE;
	return ck_quantity_scaled_value(q, 0, ret);
}

/* ---- JSON --------------------------------------------------------------- */

/*
 * A double json-c did not parse from text (so kept no text): written the
 * way Go's encoding/json writes a float64, the text upstream would parse.
 * Floating point here only turns a JSON number back into its text.
 */
static int go_float_text(double v, char *out, size_t size)
{
	char tmp[40], digits[24];
	size_t nd = 0;
	int x, prec;
	struct emit e = { out, size, 0 };

	if (!isfinite(v))
		return -EINVAL; /* json: unsupported value */
	if (v == 0) {
		snprintf(out, size, "%s", signbit(v) ? "-0" : "0");
		return 0;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	const char *p = tmp;
	if (*p == '-')
		p++;
	for (; *p && *p != 'e'; p++) {
		if (is_digit(*p) && nd < sizeof(digits))
			digits[nd++] = *p;
	}
	x = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;

	if (v < 0)
		emit_c(&e, '-');
	if (fabs(v) < 1e-6 || fabs(v) >= 1e21) {
		emit_c(&e, digits[0]);
		if (nd > 1) {
			emit_c(&e, '.');
			for (size_t i = 1; i < nd; i++)
				emit_c(&e, digits[i]);
		}
		emit_c(&e, 'e');
		/* Here x >= 21 or x <= -7: Go's two-digit "e-07" is trimmed to
		 * "e-7" by encoding/json, so no padding is ever left. */
		emit_c(&e, x < 0 ? '-' : '+');
		emit_u128(&e, (unsigned __int128)(x < 0 ? -x : x));
	} else if (x >= 0) {
		for (int i = 0; i <= x; i++)
			emit_c(&e, (size_t)i < nd ? digits[i] : '0');
		if (nd > (size_t)x + 1) {
			emit_c(&e, '.');
			for (size_t i = (size_t)x + 1; i < nd; i++)
				emit_c(&e, digits[i]);
		}
	} else {
		emit_c(&e, '0');
		emit_c(&e, '.');
		emit_repeat(&e, '0', (uint64_t)(-x - 1));
		for (size_t i = 0; i < nd; i++)
			emit_c(&e, digits[i]);
	}
	if (e.len >= size)
		return -EINVAL;
	out[e.len] = '\0';
	return 0;
}

int ck_quantity_from_json(struct json_object *obj, struct ck_quantity *ret)
{
	char buf[64];
	const char *text;
	size_t len;
	int r;

	switch (obj ? json_object_get_type(obj) : json_type_null) {
	case json_type_null: {
		struct ck_quantity zero = { 0 };
		*ret = zero;
		return 0;
	}
	case json_type_string:
		text = json_object_get_string(obj);
		len = (size_t)json_object_get_string_len(obj);
		break;
	case json_type_int: {
		int64_t v = json_object_get_int64(obj);
		if (v == INT64_MAX)
			snprintf(buf, sizeof(buf), "%" PRIu64, json_object_get_uint64(obj));
		else
			snprintf(buf, sizeof(buf), "%" PRId64, v);
		text = buf;
		len = strlen(buf);
		break;
	}
	case json_type_double: {
		/* json-c keeps a parsed number's text as the object's userdata. */
		const char *ud = json_object_get_userdata(obj);
		if (ud) {
			text = ud;
		} else {
			r = go_float_text(json_object_get_double(obj), buf, sizeof(buf));
			if (r < 0)
				return r;
			text = buf;
		}
		len = strlen(text);
		break;
	}
	default:
		return -EINVAL; /* true, {…}, […]: no quantity's text */
	}
	text = ck_unicode_trim_space(text, len, &len);
	return ck_quantity_parse_n(text, len, ret);
}

struct json_object *ck_quantity_to_json(const struct ck_quantity *q)
{
	char buf[CK_QUANTITY_STR_MAX];
	size_t n = ck_quantity_snprint(q, buf, sizeof(buf));
	struct json_object *s;

	if (n < sizeof(buf))
		return json_object_new_string_len(buf, (int)n);
	char *long_text = ck_quantity_to_string(q);
	s = json_object_new_string_len(long_text, (int)n);
	free(long_text);
	return s;
}
