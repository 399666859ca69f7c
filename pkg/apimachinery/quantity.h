/*
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource), case for case:
 * "100m", "1.5Gi", "12e6", "-0.5", with upstream's parsing, rounding,
 * arithmetic and canonical printing. No floating point anywhere.
 *
 * Grammar (upstream's):
 *
 *	<quantity>   ::= <sign>? <number> <suffix>
 *	<number>     ::= <digits> | <digits> "." <digits>? | "." <digits>?
 *	<suffix>     ::= "" | n | u | m | k | M | G | T | P | E      (DecimalSI)
 *	               | Ki | Mi | Gi | Ti | Pi | Ei                (BinarySI)
 *	               | (e | E) <sign>? <digits>                   (DecimalExponent)
 *
 * ("." and "+" alone parse as zero, as upstream.) The suffix sets the
 * quantity's format, which printing keeps.
 *
 * Invariants:
 *  - A quantity is the exact decimal mant * 10^exp, kept normalised (no
 *    factor of ten left in mant; zero is mant 0, exp 0), plus a format.
 *    Parsing rounds a non-zero value away from zero to a multiple of 10^-9
 *    ("0.9n" is 1n), caps a BinarySI value at 2^63-1 ("9Ei" is
 *    9223372036854775807), and turns a BinarySI value strictly between 0 and
 *    1 into DecimalSI — all as upstream.
 *  - Exact range: |mant| < 2^127 (38 significant digits) and exp in int32.
 *    Upstream falls back to arbitrary precision beyond int64; ckube covers
 *    every value of up to 38 significant digits exactly and rejects anything
 *    larger with -ERANGE (parse, add, sub, mul), never rounding silently.
 *    Upstream wraps exponents beyond int32 ("1e4294967296" is 1); ckube
 *    rejects them with -ERANGE.
 *  - Upstream keeps the input string when it is "already canonical" by its
 *    own test (int64 fast path; for decimal suffixes a scale divisible by 3,
 *    no "000" at the end of the digits and a non-zero first digit; for
 *    binary suffixes a number that is not a multiple of 8), so String() of
 *    "+1Ki", "01", "1.500" or "1E3" is that very text. ckube reproduces this
 *    from a few bytes kept in the struct (no allocation); any arithmetic
 *    drops it, as upstream clears its cached string.
 *  - struct ck_quantity is a plain value: copy it with =, no release needed.
 *    A zero-initialised struct is the zero quantity with no format (upstream's
 *    Quantity{}). The fields are private: read them through the functions.
 *
 * Errors are negative errno values; ck_quantity_strerror() gives upstream's
 * wording: -EINVAL is ErrFormatWrong, -EILSEQ ErrSuffix, -EDOM ErrNumeric,
 * -ERANGE is ckube's "outside the exact range" above.
 */
#ifndef CK_APIMACHINERY_QUANTITY_H
#define CK_APIMACHINERY_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

enum ck_quantity_format {
	/* Upstream's empty Format (Quantity{}): printed as DecimalExponent. */
	CK_QUANTITY_FORMAT_NONE = 0,
	CK_QUANTITY_DECIMAL_EXPONENT, /* 12e6 */
	CK_QUANTITY_BINARY_SI,	      /* 12Mi (12 * 2^20) */
	CK_QUANTITY_DECIMAL_SI,	      /* 12M (12 * 10^6) */
};

/* Upstream's Scale constants: ck_quantity_scaled_value(q, CK_QUANTITY_MILLI, …). */
#define CK_QUANTITY_NANO (-9)
#define CK_QUANTITY_MICRO (-6)
#define CK_QUANTITY_MILLI (-3)
#define CK_QUANTITY_KILO 3
#define CK_QUANTITY_MEGA 6
#define CK_QUANTITY_GIGA 9
#define CK_QUANTITY_TERA 12
#define CK_QUANTITY_PETA 15
#define CK_QUANTITY_EXA 18

/*
 * A buffer this size holds every canonical string. Only a kept input
 * string (see above) can be longer, and never longer than that input.
 */
#define CK_QUANTITY_STR_MAX 64

struct ck_quantity {
	__int128 mant;		/* private: value is mant * 10^exp */
	int32_t exp;		/* private */
	uint8_t format;		/* private: enum ck_quantity_format */
	uint8_t lit;		/* private: spelling of a kept input string */
	uint8_t lit_frac;	/* private */
	uint8_t lit_suffix;	/* private */
	uint32_t lit_zeros;	/* private */
	uint32_t lit_exp_zeros; /* private */
};

/*
 * Parses s (upstream's ParseQuantity): 0, or -EINVAL / -EILSEQ / -EDOM /
 * -ERANGE. No white space is allowed. *ret is written only on success.
 */
int ck_quantity_parse(const char *s, struct ck_quantity *ret);
/* As ck_quantity_parse, for the n bytes at s (a NUL byte is just invalid). */
int ck_quantity_parse_n(const char *s, size_t n, struct ck_quantity *ret);

/* Upstream's message for an error returned here (static string). */
const char *ck_quantity_strerror(int err);

/*
 * Sets *q to value * 10^scale in the given format (upstream's NewQuantity
 * with scale 0, NewMilliQuantity with CK_QUANTITY_MILLI, NewScaledQuantity
 * with CK_QUANTITY_DECIMAL_SI). 0, or -ERANGE when scale is within 18 of
 * INT32_MAX (q unchanged). An unknown format prints as DecimalExponent, as
 * upstream.
 */
int ck_quantity_init(struct ck_quantity *q, int64_t value, int32_t scale,
		     enum ck_quantity_format format);

/* NewQuantity(value, format). */
static inline void ck_quantity_init_int64(struct ck_quantity *q, int64_t value,
					  enum ck_quantity_format format)
{
	(void)ck_quantity_init(q, value, 0, format); /* cannot fail at scale 0 */
}

/* NewMilliQuantity(value, format). */
static inline void ck_quantity_init_milli(struct ck_quantity *q, int64_t value,
					  enum ck_quantity_format format)
{
	(void)ck_quantity_init(q, value, CK_QUANTITY_MILLI, format); /* cannot fail */
}

/* NewScaledQuantity(value, scale): DecimalSI. 0 or -ERANGE (see above). */
static inline int ck_quantity_init_scaled(struct ck_quantity *q, int64_t value, int32_t scale)
{
	return ck_quantity_init(q, value, scale, CK_QUANTITY_DECIMAL_SI);
}

/* SetScaled / Set / SetMilli: the value changes, the format stays. 0 or -ERANGE. */
int ck_quantity_set(struct ck_quantity *q, int64_t value, int32_t scale);

static inline enum ck_quantity_format ck_quantity_get_format(const struct ck_quantity *q)
{
	return (enum ck_quantity_format)q->format;
}

/* "DecimalSI", "BinarySI", "DecimalExponent", "" (none or unknown); static. */
const char *ck_quantity_format_name(enum ck_quantity_format format);

/*
 * Writes String() as snprintf does: at most size-1 characters and a NUL
 * (when size > 0), and returns the full length. CK_QUANTITY_STR_MAX always
 * suffices for a canonical string.
 */
size_t ck_quantity_snprint(const struct ck_quantity *q, char *buf, size_t size);

/* String() as a NUL-terminated string the caller owns (free()). */
char *ck_quantity_to_string(const struct ck_quantity *q);

bool ck_quantity_is_zero(const struct ck_quantity *q);
/* -1, 0 or 1. */
int ck_quantity_sign(const struct ck_quantity *q);
/* Cmp: -1, 0 or 1, comparing values only (formats do not matter). */
int ck_quantity_cmp(const struct ck_quantity *a, const struct ck_quantity *b);
/* CmpInt64. */
int ck_quantity_cmp_int64(const struct ck_quantity *q, int64_t value);

/*
 * q += y / q -= y, exactly (upstream's Add / Sub). When q is zero it takes
 * y's format first. 0, or -ERANGE when the exact result is out of range
 * (q unchanged).
 */
int ck_quantity_add(struct ck_quantity *q, const struct ck_quantity *y);
int ck_quantity_sub(struct ck_quantity *q, const struct ck_quantity *y);
/* q *= factor, exactly; 0 or -ERANGE (q unchanged). */
int ck_quantity_mul(struct ck_quantity *q, int64_t factor);
/* q = -q (always exact). */
void ck_quantity_neg(struct ck_quantity *q);

/*
 * RoundUp(scale): rounds q away from zero to a multiple of 10^scale.
 * Returns 1 when nothing was lost, 0 when q was rounded, -ERANGE when the
 * rounded value is out of range (q unchanged).
 */
int ck_quantity_round_up(struct ck_quantity *q, int32_t scale);

/*
 * ScaledValue(scale): ceil(|q| / 10^scale) with q's sign, i.e. rounded away
 * from zero ("1n" at scale 0 is 1, "-1.5" is -2). 0, or -ERANGE when the
 * result does not fit an int64 (where upstream silently overflows).
 */
int ck_quantity_scaled_value(const struct ck_quantity *q, int32_t scale, int64_t *ret);

/* Value(): ck_quantity_scaled_value at scale 0. */
static inline int ck_quantity_value(const struct ck_quantity *q, int64_t *ret)
{
	return ck_quantity_scaled_value(q, 0, ret);
}

/* MilliValue(): ck_quantity_scaled_value at CK_QUANTITY_MILLI. */
static inline int ck_quantity_milli_value(const struct ck_quantity *q, int64_t *ret)
{
	return ck_quantity_scaled_value(q, CK_QUANTITY_MILLI, ret);
}

/*
 * AsInt64(): 0 and the value when q is an integer within int64, else
 * -ERANGE. (Upstream also answers "no" for some such integers that its
 * parser kept in arbitrary precision, e.g. "1000000000000000000"; its own
 * tests mark those "should be" yes, which is what this does.)
 */
int ck_quantity_as_int64(const struct ck_quantity *q, int64_t *ret);

/*
 * Quantity.UnmarshalJSON: obj may be a JSON string ("100m", white space
 * around it trimmed as Go's strings.TrimSpace), a JSON number (100, 0.5,
 * 1e3: parsed from its text as written on the wire, which json-c keeps for
 * numbers with a fraction or exponent; integers beyond 64 bits were already
 * clamped by json-c), or NULL / JSON null (the zero quantity, no format).
 * Other types fail as upstream does, with -EINVAL. *ret written only on
 * success.
 */
int ck_quantity_from_json(struct json_object *obj, struct ck_quantity *ret);

/* Quantity.MarshalJSON: a new JSON string of String(); the caller owns it. */
struct json_object *ck_quantity_to_json(const struct ck_quantity *q);

#endif
