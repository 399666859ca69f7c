/*
 * resource.Quantity, against upstream's own tables: quantity_test.go
 * (TestQuantityParse, TestParseQuantity, TestQuantityString,
 * TestQuantityParseEmit, TestQuantityCmp, TestQuantityCmpInt64AndDec,
 * TestQuantityRoundUp, TestQuantityNeg, TestNeg, TestAdd, TestSub, TestMul,
 * TestMilliNewSet, TestNewSet, TestNewScaledSet, TestScaledValue,
 * TestJSON, TestJSONWhitespace, the zero/suffix cases,
 * TestNegAndSubAtMostNegative, the add/sub/negate round trips,
 * TestQuantityValueSet), quantity_example_test.go, amount_test.go,
 * scale_int_test.go and quantity_subnano_test.go, plus the kept-string and
 * range behaviour specific to ckube's representation.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/quantity.h"
#include "util/common.h"
#include "util/str.h"

#define DSI CK_QUANTITY_DECIMAL_SI
#define BSI CK_QUANTITY_BINARY_SI
#define DEX CK_QUANTITY_DECIMAL_EXPONENT

static struct ck_quantity must_parse(const char *s)
{
	struct ck_quantity q;
	int r = ck_quantity_parse(s, &q);
	ck_assert_msg(r == 0, "parse '%s': %s", s, ck_quantity_strerror(r));
	return q;
}

/* upstream's decQuantity / intQuantity: mant * 10^exp in a format. */
static struct ck_quantity dq(int64_t mant, int32_t exp, enum ck_quantity_format format)
{
	struct ck_quantity q;
	ck_assert_int_eq(ck_quantity_init(&q, mant, exp, format), 0);
	return q;
}

static void assert_string(const struct ck_quantity *q, const char *want, const char *what)
{
	char buf[CK_QUANTITY_STR_MAX];
	size_t n = ck_quantity_snprint(q, buf, sizeof(buf));
	ck_assert_msg(n < sizeof(buf), "%s: string too long", what);
	ck_assert_msg(strcmp(buf, want) == 0, "%s: got '%s', want '%s'", what, buf, want);
	char *s = ck_quantity_to_string(q);
	ck_assert_str_eq(s, want);
	free(s);
}

/* xorshift64*: deterministic randomness for the round-trip tables. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717u;
}
static int64_t rng_int63(void)
{
	return (int64_t)(rng() >> 1);
}

START_TEST(test_quantity_parse_zero)
{
	struct ck_quantity zero = must_parse("0");
	assert_string(&zero, "0", "0");
	ck_assert_int_eq(ck_quantity_get_format(&zero), DSI);
}
END_TEST

START_TEST(test_quantity_parse_non_numeric)
{
	struct ck_quantity q;
	ck_assert_int_eq(ck_quantity_parse("Non-Numeric", &q), -EINVAL);
	ck_assert_int_eq(ck_quantity_parse("", &q), -EINVAL);
}
END_TEST

START_TEST(test_quantity_add_sub_zero_preserve_suffix)
{
	static const char *const values[] = { "100m", "1Gi" };
	struct ck_quantity zero = must_parse("0");
	for (size_t i = 0; i < CK_ARRAY_SIZE(values); i++) {
		struct ck_quantity value = must_parse(values[i]);
		struct ck_quantity v1 = value, v2 = zero;
		ck_assert_int_eq(ck_quantity_add(&v1, &zero), 0);
		ck_assert_int_eq(ck_quantity_add(&v2, &value), 0);
		assert_string(&v1, values[i], "non-zero + zero");
		assert_string(&v2, values[i], "zero + non-zero");

		v1 = value;
		ck_assert_int_eq(ck_quantity_sub(&v1, &zero), 0);
		assert_string(&v1, values[i], "non-zero - zero");
		v2 = zero;
		ck_assert_int_eq(ck_quantity_sub(&v2, &value), 0);
		struct ck_quantity neg = value;
		ck_quantity_neg(&neg);
		char want[CK_QUANTITY_STR_MAX];
		ck_quantity_snprint(&neg, want, sizeof(want));
		assert_string(&v2, want, "zero - non-zero");
	}
}
END_TEST

START_TEST(test_quantity_canonicalize_zero)
{
	struct ck_quantity val = must_parse("1000m");
	struct ck_quantity one = dq(1, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&val, &one), 0);
	ck_assert(ck_quantity_is_zero(&val));
	assert_string(&val, "0", "1000m - 1");
}
END_TEST

START_TEST(test_quantity_cmp)
{
	static const struct {
		const char *x, *y;
		int expect;
	} table[] = {
		{ "0", "0", 0 },
		{ "100m", "50m", 1 },
		{ "50m", "100m", -1 },
		{ "10000T", "100Gi", 1 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity a = must_parse(table[i].x), b = must_parse(table[i].y);
		ck_assert_int_eq(ck_quantity_cmp(&a, &b), table[i].expect);
	}

	/* The zero value (upstream's Quantity{} with nil inf.Dec) against decimals. */
	struct ck_quantity nil = { 0 }, d0 = dq(0, 0, DSI), d10 = dq(10, 0, DSI),
			   dm10 = dq(-10, 0, DSI);
	ck_assert_int_eq(ck_quantity_cmp(&d0, &d0), 0);
	ck_assert_int_eq(ck_quantity_cmp(&nil, &d0), 0);
	ck_assert_int_eq(ck_quantity_cmp(&d0, &nil), 0);
	ck_assert_int_eq(ck_quantity_cmp(&nil, &nil), 0);
	ck_assert_int_eq(ck_quantity_cmp(&nil, &d10), -1);
	ck_assert_int_eq(ck_quantity_cmp(&nil, &dm10), 1);
	ck_assert_int_eq(ck_quantity_cmp(&d10, &nil), 1);
	ck_assert_int_eq(ck_quantity_cmp(&dm10, &nil), -1);
}
END_TEST

/* TestQuantityParse's table: input, value as mant * 10^exp, format. */
static const struct {
	const char *in;
	int64_t mant;
	int32_t exp;
	enum ck_quantity_format format;
} parse_table[] = {
	{ "0", 0, 0, DSI },
	{ "0n", 0, 0, DSI },
	{ "0u", 0, 0, DSI },
	{ "0m", 0, 0, DSI },
	{ "0Ki", 0, 0, BSI },
	{ "0k", 0, 0, DSI },
	{ "0Mi", 0, 0, BSI },
	{ "0M", 0, 0, DSI },
	{ "0Gi", 0, 0, BSI },
	{ "0G", 0, 0, DSI },
	{ "0Ti", 0, 0, BSI },
	{ "0T", 0, 0, DSI },

	/* Quantity less numbers are allowed */
	{ "1", 1, 0, DSI },

	/* Binary suffixes */
	{ "1Ki", 1024, 0, BSI },
	{ "8Ki", 8 * 1024, 0, BSI },
	{ "7Mi", 7 * 1024 * 1024, 0, BSI },
	{ "6Gi", 6LL * 1024 * 1024 * 1024, 0, BSI },
	{ "5Ti", 5LL * 1024 * 1024 * 1024 * 1024, 0, BSI },
	{ "4Pi", 4LL * 1024 * 1024 * 1024 * 1024 * 1024, 0, BSI },
	{ "3Ei", 3LL * 1024 * 1024 * 1024 * 1024 * 1024 * 1024, 0, BSI },
	{ "10Ti", 10LL * 1024 * 1024 * 1024 * 1024, 0, BSI },
	{ "100Ti", 100LL * 1024 * 1024 * 1024 * 1024, 0, BSI },

	/* Decimal suffixes */
	{ "5n", 5, -9, DSI },
	{ "4u", 4, -6, DSI },
	{ "3m", 3, -3, DSI },
	{ "9", 9, 0, DSI },
	{ "8k", 8, 3, DSI },
	{ "50k", 5, 4, DSI },
	{ "7M", 7, 6, DSI },
	{ "6G", 6, 9, DSI },
	{ "5T", 5, 12, DSI },
	{ "40T", 4, 13, DSI },
	{ "300T", 3, 14, DSI },
	{ "2P", 2, 15, DSI },
	{ "1E", 1, 18, DSI },

	/* Decimal exponents */
	{ "1E-3", 1, -3, DEX },
	{ "1e3", 1, 3, DEX },
	{ "1E6", 1, 6, DEX },
	{ "1e9", 1, 9, DEX },
	{ "1E12", 1, 12, DEX },
	{ "1e15", 1, 15, DEX },
	{ "1E18", 1, 18, DEX },

	/* Nonstandard but still parsable */
	{ "1e14", 1, 14, DEX },
	{ "1e13", 1, 13, DEX },
	{ "1e3", 1, 3, DEX },
	{ "100.035k", 100035, 0, DSI },

	/* Things that look like floating point */
	{ "0.001", 1, -3, DSI },
	{ "0.0005k", 5, -1, DSI },
	{ "0.005", 5, -3, DSI },
	{ "0.05", 5, -2, DSI },
	{ "0.5", 5, -1, DSI },
	{ "0.00050k", 5, -1, DSI },
	{ "0.00500", 5, -3, DSI },
	{ "0.05000", 5, -2, DSI },
	{ "0.50000", 5, -1, DSI },
	{ "0.5e0", 5, -1, DEX },
	{ "0.5e-1", 5, -2, DEX },
	{ "0.5e-2", 5, -3, DEX },
	{ "0.5e0", 5, -1, DEX },
	{ "10.035M", 10035, 3, DSI },

	{ "1.2e3", 12, 2, DEX },
	{ "1.3E+6", 13, 5, DEX },
	{ "1.40e9", 14, 8, DEX },
	{ "1.53E12", 153, 10, DEX },
	{ "1.6e15", 16, 14, DEX },
	{ "1.7E18", 17, 17, DEX },

	{ "9.01", 901, -2, DSI },
	{ "8.1k", 81, 2, DSI },
	{ "7.123456M", 7123456, 0, DSI },
	{ "6.987654321G", 6987654321, 0, DSI },
	{ "5.444T", 5444, 9, DSI },
	{ "40.1T", 401, 11, DSI },
	{ "300.2T", 3002, 11, DSI },
	{ "2.5P", 25, 14, DSI },
	{ "1.01E", 101, 16, DSI },

	/* Things that saturate/round */
	{ "3.001n", 4, -9, DSI },
	{ "1.1E-9", 2, -9, DEX },
	{ "0.0000000001", 1, -9, DSI },
	{ "0.0000000005", 1, -9, DSI },
	{ "0.00000000050", 1, -9, DSI },
	{ "0.5e-9", 1, -9, DEX },
	{ "0.9n", 1, -9, DSI },
	{ "0.00000012345", 124, -9, DSI },
	{ "0.00000012354", 124, -9, DSI },
	{ "9Ei", INT64_MAX, 0, BSI },
	{ "9223372036854775807Ki", INT64_MAX, 0, BSI },
	{ "12E", 12, 18, DSI },

	/* We'll accept fractional binary stuff, too. */
	{ "100.035Ki", 10243584, -2, BSI },
	{ "0.5Mi", 524288, 0, BSI },
	{ "0.05Gi", 536870912, -1, BSI },
	{ "0.025Ti", 274877906944, -1, BSI },

	/* Things written by trolls */
	{ "0.000000000001Ki", 2, -9, DSI }, /* rounds up, changes format */
	{ ".001", 1, -3, DSI },
	{ ".0001k", 100, -3, DSI },
	{ "1.", 1, 0, DSI },
	{ "1.G", 1, 9, DSI },

	/* TestParseQuantityString's inputs */
	{ "0.025Ti", 274877906944, -1, BSI },
	{ "1.025Ti", 11269994184704, -1, BSI },
	{ ".", 0, 0, DSI },
};

static void check_parsed(const char *in, const struct ck_quantity *got,
			 const struct ck_quantity *want)
{
	char gs[CK_QUANTITY_STR_MAX], ws[CK_QUANTITY_STR_MAX];
	ck_quantity_snprint(got, gs, sizeof(gs));
	ck_quantity_snprint(want, ws, sizeof(ws));
	ck_assert_msg(ck_quantity_cmp(got, want) == 0, "%s: got %s, want %s", in, gs, ws);
	ck_assert_msg(ck_quantity_get_format(got) == ck_quantity_get_format(want),
		      "%s: format %s, want %s", in,
		      ck_quantity_format_name(ck_quantity_get_format(got)),
		      ck_quantity_format_name(ck_quantity_get_format(want)));
	int64_t i, j;
	if (ck_quantity_as_int64(want, &i) == 0) {
		ck_assert_msg(ck_quantity_as_int64(got, &j) == 0, "%s: not an int64", in);
		ck_assert_msg(i == j, "%s: as int64 %lld, want %lld", in, (long long)j,
			      (long long)i);
	}
}

START_TEST(test_quantity_parse)
{
	char buf[64];
	for (size_t i = 0; i < CK_ARRAY_SIZE(parse_table); i++) {
		struct ck_quantity want =
		    dq(parse_table[i].mant, parse_table[i].exp, parse_table[i].format);
		struct ck_quantity got = must_parse(parse_table[i].in);
		check_parsed(parse_table[i].in, &got, &want);

		/* The sign of the input goes to the value. */
		ck_assert_int_eq(ck_quantity_sign(&got), ck_quantity_sign(&want));

		/* The negative version of everything. */
		snprintf(buf, sizeof(buf), "-%s", parse_table[i].in);
		got = must_parse(buf);
		struct ck_quantity neg = want;
		ck_quantity_neg(&neg);
		check_parsed(buf, &got, &neg);

		/* Everything with an explicit +. */
		snprintf(buf, sizeof(buf), "+%s", parse_table[i].in);
		got = must_parse(buf);
		check_parsed(buf, &got, &want);
	}

	static const struct {
		const char *in;
		int err;
	} invalid[] = {
		{ "1.1.M", -EINVAL },
		{ "1+1.0M", -EINVAL },
		{ "0.1mi", -EILSEQ },
		{ "0.1am", -EINVAL },
		{ "aoeu", -EINVAL },
		{ ".5i", -EILSEQ },
		{ "1i", -EILSEQ },
		{ "-3.01i", -EILSEQ },
		{ "-3.01e-", -EILSEQ },
		/* trailing whitespace is forbidden */
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(invalid); i++) {
		struct ck_quantity q;
		int r = ck_quantity_parse(invalid[i].in, &q);
		ck_assert_msg(r == invalid[i].err, "'%s': got %d, want %d", invalid[i].in, r,
			      invalid[i].err);
	}
}
END_TEST

START_TEST(test_quantity_parse_errors)
{
	struct ck_quantity q;
	/* Upstream's three errors, word for word. */
	ck_assert_str_eq(ck_quantity_strerror(-EINVAL),
			 "quantities must match the regular expression "
			 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	ck_assert_str_eq(ck_quantity_strerror(-EILSEQ), "unable to parse quantity's suffix");
	ck_assert_str_eq(ck_quantity_strerror(-EDOM), "unable to parse numeric part of quantity");

	/* Suffix letters that are no suffix; an exponent ParseInt rejects. */
	ck_assert_int_eq(ck_quantity_parse("1K", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1e", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1ee3", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1Mie3", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1e+", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1e9223372036854775808", &q), -EILSEQ);
	ck_assert_int_eq(ck_quantity_parse("1e3e", &q), -EINVAL);
	ck_assert_int_eq(ck_quantity_parse("1e+-3", &q), -EINVAL);
	ck_assert_int_eq(ck_quantity_parse("1\0", &q), 0);
	ck_assert_int_eq(ck_quantity_parse_n("1\0", 2, &q), -EINVAL);
	ck_assert_int_eq(ck_quantity_parse("--1", &q), -EILSEQ); /* suffix "-1", as upstream */
	ck_assert_int_eq(ck_quantity_parse("1_000", &q), -EINVAL);
	ck_assert_int_eq(ck_quantity_parse("0x10", &q), -EINVAL);

	/* No digit at all is fine on upstream's int64 path (zero) and
	 * ErrNumeric on its inf.Dec path (nano scale or a big binary suffix). */
	q = must_parse("+");
	ck_assert(ck_quantity_is_zero(&q));
	q = must_parse("-");
	ck_assert(ck_quantity_is_zero(&q));
	q = must_parse("-.");
	ck_assert(ck_quantity_is_zero(&q));
	q = must_parse(".e-9");
	ck_assert(ck_quantity_is_zero(&q));
	q = must_parse(".Ki");
	ck_assert(ck_quantity_is_zero(&q));
	ck_assert_int_eq(ck_quantity_get_format(&q), BSI);
	ck_assert_int_eq(ck_quantity_parse(".e-10", &q), -EDOM);
	ck_assert_int_eq(ck_quantity_parse("-.Pi", &q), -EDOM);
	ck_assert_int_eq(ck_quantity_parse(".Ei", &q), -EDOM);
	q = must_parse("0Pi");
	ck_assert(ck_quantity_is_zero(&q));
	ck_assert_int_eq(ck_quantity_get_format(&q), BSI);
}
END_TEST

START_TEST(test_quantity_round_up)
{
	static const struct {
		const char *in;
		int32_t scale;
		int64_t mant;
		int32_t exp;
		int exact;
	} table[] = {
		{ "9.01", -3, 901, -2, 1 },   { "9.01", -2, 901, -2, 1 },
		{ "9.01", -1, 91, -1, 0 },    { "9.01", 0, 10, 0, 0 },
		{ "9.01", 1, 10, 0, 0 },      { "9.01", 2, 100, 0, 0 },
		{ "-9.01", -3, -901, -2, 1 }, { "-9.01", -2, -901, -2, 1 },
		{ "-9.01", -1, -91, -1, 0 },  { "-9.01", 0, -10, 0, 0 },
		{ "-9.01", 1, -10, 0, 0 },    { "-9.01", 2, -100, 0, 0 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity got = must_parse(table[i].in);
		struct ck_quantity want = dq(table[i].mant, table[i].exp, DSI);
		ck_assert_int_eq(ck_quantity_round_up(&got, table[i].scale), table[i].exact);
		ck_assert_msg(ck_quantity_cmp(&got, &want) == 0, "%s at %d", table[i].in,
			      table[i].scale);
	}
}
END_TEST

START_TEST(test_quantity_cmp_int64_and_dec)
{
	const int64_t e18 = 1000000LL * 1000000 * 1000000;
	const struct {
		int64_t am;
		int32_t ae;
		int64_t bm;
		int32_t be;
		int cmp;
	} table[] = {
		{ 901, -2, 901, -2, 0 },      { 90, -1, 901, -2, -1 },
		{ 901, -2, 900, -2, 1 },      { 0, 0, 0, 0, 0 },
		{ 0, 1, 0, -1, 0 },	      { 0, -1, 0, 1, 0 },
		{ 800, -3, 1, 0, -1 },	      { 800, -3, 79, -2, 1 },

		{ INT64_MAX, 0, 1, -1, 1 },   { INT64_MAX, 1, 1, 0, 1 },
		{ INT64_MAX, 1, 1, 1, 1 },    { INT64_MAX, 1, 0, 1, 1 },
		{ INT64_MAX, -16, 1, 3, -1 },

		{ INT64_MIN, 0, 0, 0, -1 },   { INT64_MIN, -18, -1, 0, -1 },
		{ INT64_MIN, -19, -1, 0, 1 },

		{ e18, -17, 1, 1, 0 },	      { e18, -17, -10, 0, 1 },
		{ -e18, -17, -10, 0, 0 },     { e18, -17, 1, 0, 1 },

		{ e18 + 1, -17, 1, 1, 1 },    { e18 - 1, -17, 1, 1, -1 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity a = dq(table[i].am, table[i].ae, DSI);
		struct ck_quantity b = dq(table[i].bm, table[i].be, DSI);
		ck_assert_msg(ck_quantity_cmp(&a, &b) == table[i].cmp, "row %zu", i);
		ck_assert_msg(ck_quantity_cmp(&b, &a) == -table[i].cmp, "row %zu inverted", i);
	}
	struct ck_quantity q = must_parse("1500m");
	ck_assert_int_eq(ck_quantity_cmp_int64(&q, 1), 1);
	ck_assert_int_eq(ck_quantity_cmp_int64(&q, 2), -1);
	q = must_parse("-1024");
	ck_assert_int_eq(ck_quantity_cmp_int64(&q, -1024), 0);
}
END_TEST

START_TEST(test_quantity_neg)
{
	/* TestQuantityNeg */
	struct ck_quantity a = dq(901, -2, DSI), out = a;
	ck_quantity_neg(&out);
	ck_assert_int_ne(ck_quantity_cmp(&out, &a), 0);
	assert_string(&out, "-9010m", "neg 9.01");

	/* TestNeg */
	const struct {
		struct ck_quantity a, want;
	} table[] = {
		{ dq(0, 0, DSI), dq(0, 0, DSI) },
		{ { 0 }, { 0 } },
		{ dq(10, 0, BSI), dq(-10, 0, BSI) },
		{ dq(-10, 0, BSI), dq(10, 0, BSI) },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = table[i].a;
		ck_quantity_neg(&q);
		ck_assert_int_eq(ck_quantity_cmp(&q, &table[i].want), 0);
		ck_assert_int_eq(ck_quantity_get_format(&q), ck_quantity_get_format(&table[i].a));
	}
	/* "-0" is never printed. */
	struct ck_quantity zero = must_parse("0");
	ck_quantity_neg(&zero);
	assert_string(&zero, "0", "-0");
}
END_TEST

START_TEST(test_quantity_string)
{
	const struct {
		struct ck_quantity in;
		const char *expect, *alternate;
	} table[] = {
		{ dq(1024 * 1024 * 1024, 0, BSI), "1Gi", "1024Mi" },
		{ dq(300 * 1024 * 1024, 0, BSI), "300Mi", "307200Ki" },
		{ dq(6 * 1024, 0, BSI), "6Ki", NULL },
		{ dq(1001LL * 1024 * 1024 * 1024, 0, BSI), "1001Gi", "1025024Mi" },
		{ dq(1024LL * 1024 * 1024 * 1024, 0, BSI), "1Ti", "1024Gi" },
		{ dq(5, 0, BSI), "5", "5000m" },
		{ dq(500, -3, BSI), "500m", "0.5" },
		{ dq(1, 9, DSI), "1G", "1000M" },
		{ dq(1000, 6, DSI), "1G", "0.001T" },
		{ dq(1000000, 3, DSI), "1G", NULL },
		{ dq(1000000000, 0, DSI), "1G", NULL },
		{ dq(1, -3, DSI), "1m", "1000u" },
		{ dq(80, -3, DSI), "80m", NULL },
		{ dq(1080, -3, DSI), "1080m", "1.08" },
		{ dq(108, -2, DSI), "1080m", "1080000000n" },
		{ dq(10800, -4, DSI), "1080m", NULL },
		{ dq(300, 6, DSI), "300M", NULL },
		{ dq(1, 12, DSI), "1T", NULL },
		/* DecimalSI has no suffix beyond "E": exponent notation, not "1". */
		{ dq(1, 18, DSI), "1E", NULL },
		{ dq(1, 21, DSI), "1e21", "1000E" },
		{ dq(5, 21, DSI), "5e21", "5000E" },
		{ dq(1, 24, DSI), "1e24", "1000000E" },
		{ dq(1234567, 6, DSI), "1234567M", NULL },
		{ dq(1234567, -3, BSI), "1234567m", NULL },
		{ dq(3, 3, DSI), "3k", NULL },
		{ dq(1025, 0, BSI), "1025", NULL },
		{ dq(0, 0, DSI), "0", NULL },
		{ dq(0, 0, BSI), "0", NULL },
		{ dq(1, 9, DEX), "1e9", ".001e12" },
		{ dq(1, -3, DEX), "1e-3", "0.001e0" },
		{ dq(1, -9, DEX), "1e-9", "1000e-12" },
		{ dq(80, -3, DEX), "80e-3", NULL },
		{ dq(300, 6, DEX), "300e6", NULL },
		{ dq(1, 12, DEX), "1e12", NULL },
		{ dq(1, 3, DEX), "1e3", NULL },
		{ dq(3, 3, DEX), "3e3", NULL },
		{ dq(3, 3, DSI), "3k", NULL },
		{ dq(0, 0, DEX), "0", "00" },
		{ dq(1, -9, DSI), "1n", NULL },
		{ dq(80, -9, DSI), "80n", NULL },
		{ dq(1080, -9, DSI), "1080n", NULL },
		{ dq(108, -8, DSI), "1080n", NULL },
		{ dq(10800, -10, DSI), "1080n", NULL },
		{ dq(1, -6, DSI), "1u", NULL },
		{ dq(80, -6, DSI), "80u", NULL },
		{ dq(1080, -6, DSI), "1080u", NULL },
	};
	char want[CK_QUANTITY_STR_MAX + 1];
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		assert_string(&table[i].in, table[i].expect, "string");
		struct ck_quantity q = must_parse(table[i].expect);
		assert_string(&q, table[i].expect, "reparse of the canonical form");
		if (table[i].alternate) {
			q = must_parse(table[i].alternate);
			assert_string(&q, table[i].expect, table[i].alternate);
		}
		if (ck_quantity_is_zero(&table[i].in))
			continue; /* never "-0" */
		q = table[i].in;
		ck_quantity_neg(&q);
		snprintf(want, sizeof(want), "-%s", table[i].expect);
		assert_string(&q, want, "negated");
	}
}
END_TEST

START_TEST(test_quantity_parse_emit)
{
	static const struct {
		const char *in, *expect;
	} table[] = {
		{ "1Ki", "1Ki" },
		{ "1Mi", "1Mi" },
		{ "1Gi", "1Gi" },
		{ "1024Mi", "1Gi" },
		{ "1000M", "1G" },
		{ ".001Ki", "1024m" },
		{ ".000001Ki", "1024u" },
		{ ".000000001Ki", "1024n" },
		{ ".000000000001Ki", "2n" },
	};
	char buf[64];
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = must_parse(table[i].in);
		assert_string(&q, table[i].expect, table[i].in);
		snprintf(buf, sizeof(buf), "-%s", table[i].in);
		q = must_parse(buf);
		snprintf(buf, sizeof(buf), "-%s", table[i].expect);
		assert_string(&q, buf, "negative");
	}
	/* The examples from the brief and upstream's doc comment. */
	struct ck_quantity q = must_parse("1.5Gi");
	assert_string(&q, "1536Mi", "1.5Gi");
	q = must_parse("1.5");
	assert_string(&q, "1500m", "1.5");
	q = must_parse("0.1");
	assert_string(&q, "100m", "0.1");
	q = must_parse("1000m");
	assert_string(&q, "1", "1000m");
	q = must_parse("12e6");
	assert_string(&q, "12e6", "12e6");
	q = must_parse("-0");
	assert_string(&q, "0", "-0");
	q = must_parse("1.2345");
	assert_string(&q, "1234500u", "1.2345");
	q = must_parse("18446744073709551616");
	assert_string(&q, "18446744073709551616", "2^64");
}
END_TEST

/*
 * Upstream keeps the input string when its parser deems it canonical; the
 * text comes back from String() and MarshalJSON as written.
 */
START_TEST(test_quantity_kept_string)
{
	static const struct {
		const char *in, *out;
	} table[] = {
		{ "+1Ki", "+1Ki" },
		{ "01", "01" },
		{ "000000000000000000000000000001", "000000000000000000000000000001" },
		{ "+00100m", "+00100m" },
		{ "1.500", "1.500" },
		{ "10.500k", "10.500k" },
		{ "1.234k", "1.234k" },
		{ "1.", "1." },
		{ "-1.G", "-1.G" },
		{ "1E3", "1E3" },
		{ "1e+3", "1e+3" },
		{ "1e03", "1e03" },
		{ "+01.500E-0006", "+01.500E-0006" },
		{ "-12.5e-1", "-1250e-3" }, /* scale -2 */
		{ "1e-0", "1e-0" },
		{ "10e00", "10e00" },
		{ "100e0", "100e0" },
		{ "1000e0", "1e3" }, /* ends in 000 */
		{ "0.5", "500m" },   /* first digit 0 */
		{ "+1025Ki", "+1025Ki" },
		{ "+1024Ki", "1Mi" }, /* a multiple of 8 */
		{ "+8Ki", "8Ki" },
		{ "07Mi", "07Mi" },
		{ "99Ti", "99Ti" },
		{ "+1Pi", "1Pi" }, /* Pi and Ei take the inf.Dec path */
		{ "+1234567890123456789", "1234567890123456789" }, /* 19 digits: inf.Dec */
		{ "+123456789012345678", "+123456789012345678" },
		{ "1e2147483647", "10e2147483646" },
		{ "+1e-9", "+1e-9" },
		{ "+1e-10", "1e-9" }, /* rounded on the inf.Dec path */
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = must_parse(table[i].in);
		assert_string(&q, table[i].out, table[i].in);
		/* Stable: the output parses to the same value and string. */
		struct ck_quantity again = must_parse(table[i].out);
		ck_assert_int_eq(ck_quantity_cmp(&q, &again), 0);
		assert_string(&again, table[i].out, "reparsed");
		struct json_object *j = ck_quantity_to_json(&q);
		ck_assert_str_eq(json_object_get_string(j), table[i].out);
		json_object_put(j);
	}

	/* Arithmetic drops the kept string, as upstream clears its cache. */
	struct ck_quantity q = must_parse("+1Ki"), zero = { 0 };
	ck_assert_int_eq(ck_quantity_add(&q, &zero), 0);
	assert_string(&q, "1Ki", "+1Ki + 0");
	q = must_parse("1.500");
	ck_assert_int_eq(ck_quantity_sub(&q, &zero), 0);
	assert_string(&q, "1500m", "1.500 - 0");
	q = must_parse("01");
	ck_quantity_neg(&q);
	ck_quantity_neg(&q);
	assert_string(&q, "1", "--01");
	q = must_parse("1E3");
	ck_assert_int_eq(ck_quantity_mul(&q, 1), 0);
	assert_string(&q, "1e3", "1E3 * 1");
	q = must_parse("01");
	ck_assert_int_eq(ck_quantity_set(&q, 1, 0), 0);
	assert_string(&q, "1", "set");

	/* RoundUp keeps it unless it asks for a scale above the parsed one. */
	q = must_parse("1.500");
	ck_assert_int_eq(ck_quantity_round_up(&q, -3), 1);
	assert_string(&q, "1.500", "1.500 at milli");
	ck_assert_int_eq(ck_quantity_round_up(&q, -1), 1);
	assert_string(&q, "1500m", "1.500 at deci");
	q = must_parse("+1Ki");
	ck_assert_int_eq(ck_quantity_round_up(&q, 0), 1);
	assert_string(&q, "+1Ki", "+1Ki at 0");
	ck_assert_int_eq(ck_quantity_round_up(&q, 3), 0);
	assert_string(&q, "2000", "+1Ki at kilo"); /* BinarySI, no 1024 factor */
}
END_TEST

/* TestParseQuantity: boundaries around 18, 19 and 20 digits and int64. */
START_TEST(test_quantity_parse_boundaries)
{
	static const struct {
		const char *in, *dec, *canonical;
	} table[] = {
		{ "-999999999999999999", "-999999999999999999", NULL },
		{ "999999999999999999", "999999999999999999", NULL },
		{ "-999999999999999999.0", "-999999999999999999", "-999999999999999999" },
		{ "999999999999999999.0", "999999999999999999", "999999999999999999" },
		{ "-999999999999999999.1", "-999999999999999999.1", "-999999999999999999100m" },
		{ "999999999999999999.1", "999999999999999999.1", "999999999999999999100m" },

		{ "-9999999999999999999", "-9999999999999999999", NULL },
		{ "9999999999999999999", "9999999999999999999", NULL },
		{ "-1E", "-1000000000000000000", NULL },
		{ "1E", "1000000000000000000", NULL },
		{ "-1000000000000000000", "-1000000000000000000", "-1E" },
		{ "1000000000000000000", "1000000000000000000", "1E" },
		{ "-9999999999999999999.0", "-9999999999999999999", "-9999999999999999999" },
		{ "9999999999999999999.0", "9999999999999999999", "9999999999999999999" },
		{ "-1.0E", "-1000000000000000000", "-1E" },
		{ "1.0E", "1000000000000000000", "1E" },
		{ "-1000000000000000000.0", "-1000000000000000000", "-1E" },
		{ "1000000000000000000.0", "1000000000000000000", "1E" },
		{ "-9999999999999999999000m", "-9999999999999999999", "-9999999999999999999" },
		{ "9999999999999999999000m", "9999999999999999999", "9999999999999999999" },
		{ "-9999999999999999999.1", "-9999999999999999999.1", "-9999999999999999999100m" },
		{ "9999999999999999999.1", "9999999999999999999.1", "9999999999999999999100m" },
		{ "-1.0000000000000000001E", "-1000000000000000000.1", "-1000000000000000000100m" },
		{ "1.0000000000000000001E", "1000000000000000000.1", "1000000000000000000100m" },
		{ "-1000000000000000000.1", "-1000000000000000000.1", "-1000000000000000000100m" },
		{ "1000000000000000000.1", "1000000000000000000.1", "1000000000000000000100m" },
		{ "-1.000000000000000001E", "-1000000000000000001", "-1000000000000000001" },
		{ "1.000000000000000001E", "1000000000000000001", "1000000000000000001" },
		{ "-1000000000000000001", "-1000000000000000001", NULL },
		{ "1000000000000000001", "1000000000000000001", NULL },

		{ "-10E", "-10000000000000000000", NULL },
		{ "10E", "10000000000000000000", NULL },
		{ "-10000000000000000000", "-10000000000000000000", "-10E" },
		{ "10000000000000000000", "10000000000000000000", "10E" },
		{ "-10.0E", "-10000000000000000000", "-10E" },
		{ "10.0E", "10000000000000000000", "10E" },
		{ "-10000000000000000000.0", "-10000000000000000000", "-10E" },
		{ "10000000000000000000.0", "10000000000000000000", "10E" },
		{ "-10000000000000000000000m", "-10000000000000000000", "-10E" },
		{ "10000000000000000000000m", "10000000000000000000", "10E" },
		{ "-10.0000000000000000001E", "-10000000000000000000.1",
		  "-10000000000000000000100m" },
		{ "10.0000000000000000001E", "10000000000000000000.1", "10000000000000000000100m" },
		{ "-10000000000000000000.1", "-10000000000000000000.1",
		  "-10000000000000000000100m" },
		{ "10000000000000000000.1", "10000000000000000000.1", "10000000000000000000100m" },
		{ "-10.000000000000000001E", "-10000000000000000001", "-10000000000000000001" },
		{ "10.000000000000000001E", "10000000000000000001", "10000000000000000001" },
		{ "-10000000000000000001", "-10000000000000000001", NULL },
		{ "10000000000000000001", "10000000000000000001", NULL },

		{ "-9223372036854775809", "-9223372036854775809", NULL },
		{ "9223372036854775806", "9223372036854775806", NULL },
		{ "-9223372036854775809.0", "-9223372036854775809", "-9223372036854775809" },
		{ "9223372036854775806.0", "9223372036854775806", "9223372036854775806" },
		{ "-9223372036854775809000m", "-9223372036854775809", "-9223372036854775809" },
		{ "9223372036854775806000m", "9223372036854775806", "9223372036854775806" },
		{ "-9223372036854775809.1", "-9223372036854775809.1", "-9223372036854775809100m" },
		{ "9223372036854775806.1", "9223372036854775806.1", "9223372036854775806100m" },

		{ "-9223372036854775808", "-9223372036854775808", NULL },
		{ "9223372036854775807", "9223372036854775807", NULL },
		{ "-9223372036854775808.0", "-9223372036854775808", "-9223372036854775808" },
		{ "9223372036854775807.0", "9223372036854775807", "9223372036854775807" },
		{ "-9223372036854775808000m", "-9223372036854775808", "-9223372036854775808" },
		{ "9223372036854775807000m", "9223372036854775807", "9223372036854775807" },
		{ "-9223372036854775808.1", "-9223372036854775808.1", "-9223372036854775808100m" },
		{ "9223372036854775807.1", "9223372036854775807.1", "9223372036854775807100m" },

		{ "-9223372036854775807", "-9223372036854775807", NULL },
		{ "9223372036854775808", "9223372036854775808", NULL },
		{ "-9223372036854775807.0", "-9223372036854775807", "-9223372036854775807" },
		{ "9223372036854775808.0", "9223372036854775808", "9223372036854775808" },
		{ "-9223372036854775807000m", "-9223372036854775807", "-9223372036854775807" },
		{ "9223372036854775808000m", "9223372036854775808", "9223372036854775808" },
		{ "-9223372036854775807.1", "-9223372036854775807.1", "-9223372036854775807100m" },
		{ "9223372036854775808.1", "9223372036854775808.1", "9223372036854775808100m" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = must_parse(table[i].in);
		struct ck_quantity want = must_parse(table[i].dec);
		ck_assert_msg(ck_quantity_cmp(&q, &want) == 0, "%s", table[i].in);
		assert_string(&q, table[i].canonical ? table[i].canonical : table[i].in,
			      table[i].in);

		/*
		 * AsInt64: exactly the integers within int64. (Upstream's answer
		 * depends on its internal representation; its table marks the
		 * int64-sized values it misses "should be" ok.)
		 */
		int64_t v, want_v;
		bool want_ok =
		    !strchr(table[i].dec, '.') && ck_str_to_int64(table[i].dec, &want_v) == 0;
		int r = ck_quantity_as_int64(&q, &v);
		ck_assert_msg((r == 0) == want_ok, "%s: as int64 %d", table[i].in, r);
		if (want_ok)
			ck_assert(v == want_v);
	}
	/* TestMustParseMaxInt64 */
	int64_t v;
	struct ck_quantity q = must_parse("9223372036854775807");
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), 0);
	ck_assert(v == INT64_MAX);
	q = must_parse("1500m");
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), -ERANGE);
}
END_TEST

START_TEST(test_quantity_sub_nano)
{
	static const struct {
		const char *in, *want;
	} rounds[] = {
		{ "1e-2147483647", "1n" },
		{ "-1e-2147483647", "-1n" },
		{ "-1e-2147483648", "-1n" },
		{ "1e-100", "1n" },
		{ "-1e-100", "-1n" },
		{ "1e-10", "1n" },
		{ "9e-10", "1n" },
		{ "-9e-10", "-1n" },
		{ "1e-9", "1n" },
		{ "-1e-9", "-1n" },
		{ "2e-9", "2n" },
		{ "15e-10", "2n" },
		{ "1000000000000000000000e-30", "1n" },
		{ "1000000000000000000001e-30", "2n" },
		{ "999999999999999999999e-30", "1n" },
		{ "0e-2147483647", "0" },
		{ "0.0e-100", "0" },
		{ "0.00000000000000000000001Ki", "1n" },
		{ "0.9999999999", "1" },
		{ "-0.9999999999", "-1" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(rounds); i++) {
		struct ck_quantity q = must_parse(rounds[i].in), want = must_parse(rounds[i].want);
		ck_assert_msg(ck_quantity_cmp(&q, &want) == 0, "%s", rounds[i].in);
	}
	static const struct {
		const char *in, *want;
		enum ck_quantity_format format;
	} forms[] = {
		{ "1e-100", "1e-9", DEX },
		{ "0.0000000000001", "1n", DSI },
		{ "-0.0000000000001", "-1n", DSI },
		{ "0.00000000000000000000001Ki", "1n", DSI },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(forms); i++) {
		struct ck_quantity q = must_parse(forms[i].in);
		assert_string(&q, forms[i].want, forms[i].in);
		ck_assert_int_eq(ck_quantity_get_format(&q), forms[i].format);
	}
}
END_TEST

START_TEST(test_quantity_json)
{
	/* TestJSON: the fuzzer's shapes, marshalled and unmarshalled. */
	for (int i = 0; i < 500; i++) {
		struct ck_quantity q;
		uint64_t pick = rng();
		if (pick & 1) {
			if (pick & 2)
				q = dq(rng_int63(), 0, BSI);
			else
				q = dq((int64_t)((rng() % 1024) << (10 * (rng() % 5))), 0, BSI);
		} else {
			enum ck_quantity_format f = (pick & 2) ? DSI : DEX;
			if (pick & 4)
				q = dq(rng_int63(), -(int32_t)(rng() % 4), f);
			else
				q = dq((int64_t)(rng() % 1000), -(3 - (int32_t)(rng() % 15)), f);
		}
		struct json_object *j = ck_quantity_to_json(&q);
		const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
		struct json_object *back = json_tokener_parse(text);
		ck_assert_ptr_nonnull(back);
		struct ck_quantity q2;
		ck_assert_msg(ck_quantity_from_json(back, &q2) == 0, "%s", text);
		ck_assert_msg(ck_quantity_cmp(&q, &q2) == 0, "%s", text);
		json_object_put(back);
		json_object_put(j);
	}
}
END_TEST

static int from_json_text(const char *text, struct ck_quantity *q)
{
	struct json_object *j = json_tokener_parse(text);
	int r;
	ck_assert_msg(j != NULL || strcmp(text, "null") == 0, "bad JSON %s", text);
	r = ck_quantity_from_json(j, q);
	json_object_put(j);
	return r;
}

START_TEST(test_quantity_json_values)
{
	/* TestJSONWhitespace */
	static const struct {
		const char *in, *expect;
	} ws[] = {
		{ "\" 1\"", "1" }, { "\"1 \"", "1" }, { "1", "1" },   { " 1", "1" },
		{ "1 ", "1" },	   { "10", "10" },    { "-1", "-1" }, { " -1", "-1" },
	};
	struct ck_quantity q;
	for (size_t i = 0; i < CK_ARRAY_SIZE(ws); i++) {
		ck_assert_int_eq(from_json_text(ws[i].in, &q), 0);
		assert_string(&q, ws[i].expect, ws[i].in);
	}

	/* Strings and numbers, as upstream's UnmarshalJSON sees their text. */
	static const struct {
		const char *in, *expect;
		enum ck_quantity_format format;
	} ok[] = {
		{ "\"100m\"", "100m", DSI },
		{ "100", "100", DSI },
		{ "0.5", "500m", DSI },
		{ "0.50", "500m", DSI },
		{ "1.0", "1", DSI },
		{ "-0", "0", DSI },
		{ "1e3", "1e3", DEX },
		{ "1E+2", "100", DEX }, /* scale 2: not kept */
		{ "1E+3", "1E+3", DEX },
		{ "1.5e3", "1500", DEX },
		{ "1e400", "10e399", DEX },
		{ "1048576", "1048576", DSI },
		{ "9223372036854775807", "9223372036854775807", DSI },
		{ "18446744073709551615", "18446744073709551615", DSI },
		{ "-9223372036854775808", "-9223372036854775808", DSI },
		{ "\"\\t 2Gi\\n\\u00a0\\u3000\"", "2Gi", BSI },
		{ "\"+1Ki\"", "+1Ki", BSI },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(ok); i++) {
		ck_assert_msg(from_json_text(ok[i].in, &q) == 0, "%s", ok[i].in);
		assert_string(&q, ok[i].expect, ok[i].in);
		ck_assert_int_eq(ck_quantity_get_format(&q), ok[i].format);
	}

	/* null: the zero quantity with no format. */
	ck_assert_int_eq(from_json_text("null", &q), 0);
	ck_assert(ck_quantity_is_zero(&q));
	ck_assert_int_eq(ck_quantity_get_format(&q), CK_QUANTITY_FORMAT_NONE);
	ck_assert_int_eq(ck_quantity_from_json(NULL, &q), 0);

	/* What upstream's ParseQuantity rejects as raw JSON text. */
	static const struct {
		const char *in;
		int err;
	} bad[] = {
		{ "true", -EINVAL },	 { "{}", -EINVAL },	 { "[1]", -EINVAL },
		{ "\"\"", -EINVAL },	 { "\"  \"", -EINVAL },	 { "\"1 Gi\"", -EINVAL },
		{ "\"1Gi5\"", -EILSEQ }, { "\"abc\"", -EINVAL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(bad); i++)
		ck_assert_msg(from_json_text(bad[i].in, &q) == bad[i].err, "%s", bad[i].in);

	/* Doubles made in C carry no text: written as Go's encoding/json would. */
	static const struct {
		double v;
		const char *expect;
	} dbl[] = {
		{ 0.5, "500m" },      { 1.0, "1" },	 { 100.0, "100" },	 { 0.1, "100m" },
		{ 1e20, "100E" },     { 1e21, "1e+21" }, { 1.5e21, "1500e18" },	 { 1e-7, "100e-9" },
		{ 2.5e-7, "250e-9" }, { -0.0, "0" },	 { 123.456, "123.456" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(dbl); i++) {
		struct json_object *j = json_object_new_double(dbl[i].v);
		ck_assert_int_eq(ck_quantity_from_json(j, &q), 0);
		assert_string(&q, dbl[i].expect, "double");
		json_object_put(j);
	}
	struct json_object *inf = json_object_new_double(1.0 / 0.0);
	ck_assert_int_eq(ck_quantity_from_json(inf, &q), -EINVAL);
	json_object_put(inf);

	/* MarshalJSON: always a string, also for zero. */
	struct ck_quantity zero = { 0 };
	struct json_object *j = ck_quantity_to_json(&zero);
	ck_assert_str_eq(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "\"0\"");
	json_object_put(j);
	q = must_parse("1.5Gi");
	j = ck_quantity_to_json(&q);
	ck_assert_str_eq(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "\"1536Mi\"");
	json_object_put(j);
}
END_TEST

START_TEST(test_quantity_new_set)
{
	/* TestMilliNewSet */
	static const struct {
		int64_t value;
		int format;
		const char *expect;
		bool exact;
	} milli[] = {
		{ 1, DSI, "1m", true },
		{ 1000, DSI, "1", true },
		{ 1234000, DSI, "1234", true },
		{ 1024, BSI, "1024m", false }, /* format changes */
		{ 1000000, 99, "1e3", true },  /* an invalid format prints as an exponent */
		{ 1024 * 1024, BSI, "1048576m", false },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(milli); i++) {
		struct ck_quantity q;
		ck_quantity_init_milli(&q, milli[i].value,
				       (enum ck_quantity_format)milli[i].format);
		assert_string(&q, milli[i].expect, "milli");
		if (milli[i].exact) {
			struct ck_quantity q2 = must_parse(milli[i].expect);
			int64_t m;
			ck_assert_int_eq(ck_quantity_milli_value(&q2, &m), 0);
			ck_assert(m == milli[i].value);
		}
		ck_quantity_init_int64(&q, 0, (enum ck_quantity_format)milli[i].format);
		ck_assert_int_eq(ck_quantity_set(&q, milli[i].value, CK_QUANTITY_MILLI), 0);
		assert_string(&q, milli[i].expect, "set milli");
	}

	/* TestNewSet */
	static const struct {
		int64_t value;
		int format;
		const char *expect;
	} plain[] = {
		{ 1, DSI, "1" },      { 1000, DSI, "1k" },    { 1234000, DSI, "1234k" },
		{ 1024, BSI, "1Ki" }, { 1000000, 99, "1e6" }, { 1024 * 1024, BSI, "1Mi" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(plain); i++) {
		struct ck_quantity q;
		ck_quantity_init_int64(&q, plain[i].value,
				       (enum ck_quantity_format)plain[i].format);
		assert_string(&q, plain[i].expect, "new");
		struct ck_quantity q2 = must_parse(plain[i].expect);
		int64_t v;
		ck_assert_int_eq(ck_quantity_value(&q2, &v), 0);
		ck_assert(v == plain[i].value);
		ck_quantity_init_int64(&q, 0, (enum ck_quantity_format)plain[i].format);
		ck_assert_int_eq(ck_quantity_set(&q, plain[i].value, 0), 0);
		assert_string(&q, plain[i].expect, "set");
	}

	/* TestNewScaledSet */
	static const struct {
		int64_t value;
		int32_t scale;
		const char *expect;
	} scaled[] = {
		{ 1, CK_QUANTITY_NANO, "1n" },
		{ 1000, CK_QUANTITY_NANO, "1u" },
		{ 1, CK_QUANTITY_MICRO, "1u" },
		{ 1000, CK_QUANTITY_MICRO, "1m" },
		{ 1, CK_QUANTITY_MILLI, "1m" },
		{ 1000, CK_QUANTITY_MILLI, "1" },
		{ 1, 0, "1" },
		{ 0, CK_QUANTITY_NANO, "0" },
		{ 0, CK_QUANTITY_MICRO, "0" },
		{ 0, CK_QUANTITY_MILLI, "0" },
		{ 0, 0, "0" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(scaled); i++) {
		struct ck_quantity q;
		ck_assert_int_eq(ck_quantity_init_scaled(&q, scaled[i].value, scaled[i].scale), 0);
		ck_assert_int_eq(ck_quantity_get_format(&q), DSI);
		assert_string(&q, scaled[i].expect, "scaled");
		struct ck_quantity q2 = must_parse(scaled[i].expect);
		int64_t v;
		ck_assert_int_eq(ck_quantity_scaled_value(&q2, scaled[i].scale, &v), 0);
		ck_assert(v == scaled[i].value);
		struct ck_quantity q3;
		ck_quantity_init_int64(&q3, 0, DSI);
		ck_assert_int_eq(ck_quantity_set(&q3, scaled[i].value, scaled[i].scale), 0);
		ck_assert_int_eq(ck_quantity_cmp(&q, &q3), 0);
	}

	/* quantity_example_test.go */
	struct ck_quantity q;
	ck_quantity_init_int64(&q, 5LL * 1024 * 1024 * 1024, BSI);
	assert_string(&q, "5Gi", "ExampleFormat memorySize");
	ck_quantity_init_int64(&q, 5LL * 1000 * 1000 * 1000, DSI);
	assert_string(&q, "5G", "ExampleFormat diskSize");
	ck_quantity_init_milli(&q, 5300, DSI);
	assert_string(&q, "5300m", "ExampleFormat cores");
	int64_t v;
	q = must_parse("5Gi");
	ck_assert_int_eq(ck_quantity_value(&q, &v), 0);
	ck_assert(v == 5368709120LL);
	ck_assert_str_eq(ck_quantity_format_name(ck_quantity_get_format(&q)), "BinarySI");
	q = must_parse("5G");
	ck_assert_int_eq(ck_quantity_value(&q, &v), 0);
	ck_assert(v == 5000000000LL);
	ck_assert_str_eq(ck_quantity_format_name(ck_quantity_get_format(&q)), "DecimalSI");
	q = must_parse("5300m");
	ck_assert_int_eq(ck_quantity_milli_value(&q, &v), 0);
	ck_assert(v == 5300);
	q = must_parse("5.4");
	ck_assert_int_eq(ck_quantity_milli_value(&q, &v), 0);
	ck_assert(v == 5400);
	ck_assert_str_eq(ck_quantity_format_name(CK_QUANTITY_DECIMAL_EXPONENT), "DecimalExponent");
	ck_assert_str_eq(ck_quantity_format_name(CK_QUANTITY_FORMAT_NONE), "");

	/* A scale whose normalised exponent leaves 32 bits. */
	ck_assert_int_eq(ck_quantity_init(&q, 10, INT32_MAX, DSI), -ERANGE);
	ck_assert_int_eq(ck_quantity_init(&q, 1, INT32_MAX, DSI), 0);
}
END_TEST

START_TEST(test_quantity_scaled_value)
{
	/* TestScaledValue */
	static const struct {
		int32_t from, to;
		int64_t expected;
	} table[] = {
		{ -9, -9, 1 },
		{ -9, -6, 1 },
		{ -9, -3, 1 },
		{ -9, 0, 1 },
		{ -6, -9, 1000 },
		{ -6, -6, 1 },
		{ -6, -3, 1 },
		{ -6, 0, 1 },
		{ -3, -9, 1000 * 1000 },
		{ -3, -6, 1000 },
		{ -3, -3, 1 },
		{ -3, 0, 1 },
		{ 0, -9, 1000 * 1000 * 1000 },
		{ 0, -6, 1000 * 1000 },
		{ 0, -3, 1000 },
		{ 0, 0, 1 },
		{ 2, -2, 100 * 100 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = dq(1, table[i].from, DSI);
		int64_t v;
		ck_assert_int_eq(ck_quantity_scaled_value(&q, table[i].to, &v), 0);
		ck_assert_msg(v == table[i].expected, "%d to %d: %lld", table[i].from, table[i].to,
			      (long long)v);
	}

	/* amount_test.go TestInt64AmountAsScaledInt64 */
	static const struct {
		int64_t value;
		int32_t scale, to;
		int64_t result;
		int err;
	} amounts[] = {
		{ 100, 0, 5, 1, 0 },	    { 100, 1, 1, 100, 0 },   { 100, 5, 2, 100000, 0 },
		{ 876, 30, 4, 0, -ERANGE }, { 93, -1, 0, 10, 0 },    { 100, -1, 0, 10, 0 },
		{ -1932, 2, 4, -20, 0 },    { -1900, 2, 4, -19, 0 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(amounts); i++) {
		struct ck_quantity q = dq(amounts[i].value, amounts[i].scale, DSI);
		int64_t v = 0;
		ck_assert_int_eq(ck_quantity_scaled_value(&q, amounts[i].to, &v), amounts[i].err);
		if (amounts[i].err == 0)
			ck_assert_msg(v == amounts[i].result, "row %zu: %lld", i, (long long)v);
	}

	/* scale_int_test.go TestScaledValueInternal: value = unscaled * 10^-scale. */
	static const struct {
		const char *unscaled;
		int32_t scale, new_scale;
		int64_t want;
	} internal[] = {
		{ "1000", 0, 0, 1000 },
		{ "-1000", 0, 0, -1000 },
		{ "1000", 0, -3, 1 },
		{ "1000", 3, 0, 1 },
		{ "-1000", 3, 0, -1 },
		{ "0", 3, 0, 0 },
		{ "999", 3, 0, 1 },
		{ "500", 3, 0, 1 },
		{ "499", 3, 0, 1 },
		{ "1", 3, 0, 1 },
		{ "-1", 3, 0, -1 },
		{ "-499", 3, 0, -1 },
		{ "-500", 3, 0, -1 },
		{ "-999", 3, 0, -1 },
		{ "-1500", 3, 0, -2 },
		{ "9223372036854775806", 1, 0, (INT64_MAX - 1) / 10 + 1 },
		{ "1" /* 10^100 */, 0, 0, 1 },
		{ "5", 19, 0, 1 },
		{ "-5", 19, 0, -1 },
		{ "-9223372036854775808000", 3, 0, INT64_MIN },
		{ "0", 0, 3, 0 },
		{ "1", 0, 3, 1000 },
		{ "1", -3, 0, 1000 },
		{ "1000", -3, 2, 100000000 },
		{ "9223372036854775", 0, 3, (INT64_MAX / 1000) * 1000 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(internal); i++) {
		char text[80];
		snprintf(text, sizeof(text), "%se%d", internal[i].unscaled, -internal[i].scale);
		struct ck_quantity q = must_parse(text);
		int64_t v;
		ck_assert_int_eq(ck_quantity_scaled_value(&q, -internal[i].new_scale, &v), 0);
		ck_assert_msg(v == internal[i].want, "%s: %lld", text, (long long)v);
	}
	/* 10^100 at inf scale 100, and -(10^100): the big.Int path. */
	struct ck_quantity big = must_parse(
	    "1000000000000000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000e-100");
	int64_t v;
	ck_assert_int_eq(ck_quantity_value(&big, &v), 0);
	ck_assert(v == 1);
	ck_quantity_neg(&big);
	ck_assert_int_eq(ck_quantity_value(&big, &v), 0);
	ck_assert(v == -1);
	/* 5 * 10^-19 without parsing (which would round it to 1n first). */
	struct ck_quantity tiny = dq(-5, -19, DSI);
	ck_assert_int_eq(ck_quantity_value(&tiny, &v), 0);
	ck_assert(v == -1);

	/* Value / MilliValue round away from zero; overflow is an error. */
	static const struct {
		const char *in;
		int64_t value, milli;
		int verr, merr;
	} round[] = {
		{ "1n", 1, 1, 0, 0 },
		{ "-1n", -1, -1, 0, 0 },
		{ "1.5", 2, 1500, 0, 0 },
		{ "-1.5", -2, -1500, 0, 0 },
		{ "0.0001", 1, 1, 0, 0 },
		{ "100m", 1, 100, 0, 0 },
		{ "2500u", 1, 3, 0, 0 },
		{ "-2500u", -1, -3, 0, 0 },
		{ "9223372036854775807", INT64_MAX, 0, 0, -ERANGE },
		{ "9223372036854775807m", 9223372036854776, INT64_MAX, 0, 0 },
		{ "-9223372036854775808m", -9223372036854776, INT64_MIN, 0, 0 },
		{ "9223372036854775808m", 9223372036854776, 0, 0, -ERANGE },
		{ "-9223372036854775808", INT64_MIN, 0, 0, -ERANGE },
		{ "9223372036854775808", 0, 0, -ERANGE, -ERANGE },
		{ "12E", 0, 0, -ERANGE, -ERANGE },
		{ "8Ei", INT64_MAX, 0, 0, -ERANGE },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(round); i++) {
		struct ck_quantity q = must_parse(round[i].in);
		int64_t got;
		ck_assert_int_eq(ck_quantity_value(&q, &got), round[i].verr);
		if (!round[i].verr)
			ck_assert_msg(got == round[i].value, "%s: value %lld", round[i].in,
				      (long long)got);
		ck_assert_int_eq(ck_quantity_milli_value(&q, &got), round[i].merr);
		if (!round[i].merr)
			ck_assert_msg(got == round[i].milli, "%s: milli %lld", round[i].in,
				      (long long)got);
	}
}
END_TEST

START_TEST(test_quantity_uninitialized)
{
	struct ck_quantity q = { 0 };
	int64_t v = 7;
	ck_assert_int_eq(ck_quantity_value(&q, &v), 0);
	ck_assert(v == 0);
	ck_assert_int_eq(ck_quantity_milli_value(&q, &v), 0);
	assert_string(&q, "0", "Quantity{}");
	struct json_object *j = ck_quantity_to_json(&q);
	ck_assert_str_eq(json_object_get_string(j), "0");
	json_object_put(j);
	/* TestDeepCopy: a copy is independent. */
	struct ck_quantity a, c;
	ck_quantity_init_int64(&a, 5, DSI);
	c = a;
	ck_assert_int_eq(ck_quantity_set(&c, 6, 0), 0);
	ck_assert_int_eq(ck_quantity_value(&a, &v), 0);
	ck_assert(v == 5);
	/* An unset quantity set to a value prints as an exponent (Format ""). */
	struct ck_quantity none = { 0 };
	ck_assert_int_eq(ck_quantity_set(&none, 1000, 0), 0);
	assert_string(&none, "1e3", "Quantity{}.Set(1000)");
}
END_TEST

START_TEST(test_quantity_add_sub)
{
	/* TestAdd, TestSub */
	const struct {
		struct ck_quantity a, b, sum, diff;
	} table[] = {
		{ dq(10, 0, DSI), dq(1, 1, DSI), dq(20, 0, DSI), dq(0, 0, DSI) },
		{ dq(10, 0, DSI), dq(1, 0, BSI), dq(11, 0, DSI), dq(9, 0, DSI) },
		{ dq(10, 0, BSI), dq(1, 0, DSI), dq(11, 0, BSI), dq(9, 0, BSI) },
		{ dq(0, 0, DSI), dq(50, 0, DSI), dq(50, 0, DSI), dq(-50, 0, DSI) },
		{ dq(50, 0, DSI), dq(0, 0, DSI), dq(50, 0, DSI), dq(50, 0, DSI) },
		{ dq(0, 0, DSI), dq(0, 0, DSI), dq(0, 0, DSI), dq(0, 0, DSI) },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = table[i].a;
		ck_assert_int_eq(ck_quantity_add(&q, &table[i].b), 0);
		ck_assert_msg(ck_quantity_cmp(&q, &table[i].sum) == 0, "add row %zu", i);
		q = table[i].a;
		ck_assert_int_eq(ck_quantity_sub(&q, &table[i].b), 0);
		ck_assert_msg(ck_quantity_cmp(&q, &table[i].diff) == 0, "sub row %zu", i);
	}
	/* A zero receiver takes the other's format; a non-zero one keeps its own. */
	struct ck_quantity q = dq(0, 0, DSI), gi = must_parse("1Gi");
	ck_assert_int_eq(ck_quantity_sub(&q, &gi), 0);
	assert_string(&q, "-1Gi", "0 - 1Gi");
	q = must_parse("1Gi");
	struct ck_quantity half = must_parse("0.5");
	ck_assert_int_eq(ck_quantity_add(&q, &half), 0);
	ck_assert_int_eq(ck_quantity_get_format(&q), BSI);
	assert_string(&q, "1073741824500m", "1Gi + 0.5");

	/* amount_test.go TestInt64AmountAdd, through quantities. */
	const int64_t mp = INT64_MAX;
	const struct {
		struct ck_quantity a, b, c;
	} amounts[] = {
		{ dq(100, 1, DSI), dq(10, 2, DSI), dq(200, 1, DSI) },
		{ dq(100, 1, DSI), dq(1, 2, DSI), dq(110, 1, DSI) },
		{ dq(-5, 2, DSI), dq(50, 1, DSI), dq(0, 1, DSI) },
		{ dq(-5, 2, DSI), dq(5, 2, DSI), dq(0, 2, DSI) },
		{ dq(mp, -1, DSI), dq(0, -1, DSI), dq(mp, -1, DSI) },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(amounts); i++) {
		struct ck_quantity x = amounts[i].a, y = amounts[i].b;
		ck_assert_int_eq(ck_quantity_add(&x, &amounts[i].b), 0);
		ck_assert_int_eq(ck_quantity_cmp(&x, &amounts[i].c), 0);
		ck_assert_int_eq(ck_quantity_add(&y, &amounts[i].a), 0);
		ck_assert_int_eq(ck_quantity_cmp(&y, &amounts[i].c), 0);
	}
	/* Past int64, where upstream falls back to inf.Dec: still exact. */
	struct ck_quantity x = dq(mp, -1, DSI), one_tenth = dq(1, -1, DSI);
	ck_assert_int_eq(ck_quantity_add(&x, &one_tenth), 0);
	assert_string(&x, "922337203685477580800m", "mostPositive/10 + 0.1");
	x = dq(mp / 10, 1, DSI);
	struct ck_quantity ten = dq(10, 0, DSI);
	ck_assert_int_eq(ck_quantity_add(&x, &ten), 0);
	assert_string(&x, "9223372036854775810", "(mostPositive/10)*10 + 10");
	/* 1000 + 1e100 needs 101 digits: beyond ckube's exact range. */
	x = dq(100, 1, DSI);
	struct ck_quantity huge = dq(1, 100, DSI), before = x;
	ck_assert_int_eq(ck_quantity_add(&x, &huge), -ERANGE);
	ck_assert_int_eq(ck_quantity_cmp(&x, &before), 0);
	/* …but 1e100 + 1e100 is fine. */
	x = huge;
	ck_assert_int_eq(ck_quantity_add(&x, &huge), 0);
	assert_string(&x, "20e99", "1e100 + 1e100");
	/* Aligning 2e38 overflows 127 bits but the sum fits. */
	x = dq(2, 38, DSI);
	struct ck_quantity y = must_parse("-99999999999999999999999999999999999999");
	ck_assert_int_eq(ck_quantity_add(&x, &y), 0);
	assert_string(&x, "100000000000000000000000000000000000001", "2e38 - (1e38 - 1)");
	/* Sums at the edge of 127 bits. */
	x = must_parse("170141183460469231731687303715884105727");
	struct ck_quantity q1 = dq(1, 0, DSI);
	ck_assert_int_eq(ck_quantity_add(&x, &q1), -ERANGE);
	ck_assert_int_eq(ck_quantity_sub(&x, &q1), 0);
	ck_assert_int_eq(ck_quantity_parse("170141183460469231731687303715884105728", &x), -ERANGE);
	ck_assert_int_eq(ck_quantity_parse("1234567890123456789012345678901234567891", &x),
			 -ERANGE);
	/* Trailing zeros cost nothing. */
	x = must_parse("1234567890123456789012345678901234567800000000000000000000000000000");
	assert_string(&x, "1234567890123456789012345678901234567800e27", "many zeros");
}
END_TEST

START_TEST(test_quantity_most_negative)
{
	/* TestNegAndSubAtMostNegative: -mostNegative does not wrap. */
	struct ck_quantity want = must_parse("9223372036854775808"), q;
	int64_t v;
	q = dq(INT64_MIN, 0, DSI);
	ck_quantity_neg(&q);
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), -ERANGE);
	ck_assert_int_eq(ck_quantity_sign(&q), 1);
	assert_string(&q, "9223372036854775808", "neg");
	ck_assert_int_eq(ck_quantity_cmp(&q, &want), 0);

	struct ck_quantity mn = dq(INT64_MIN, 0, DSI);
	q = dq(0, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mn), 0);
	ck_assert_int_eq(ck_quantity_cmp(&q, &want), 0);
	assert_string(&q, "9223372036854775808", "0 - mostNegative");

	q = dq(1, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mn), 0);
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), -ERANGE);
	assert_string(&q, "9223372036854775809", "1 - mostNegative");

	q = dq(INT64_MIN + 1, 0, DSI);
	ck_quantity_neg(&q);
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), 0);
	ck_assert(v == INT64_MAX);

	struct ck_quantity mn1 = dq(INT64_MIN + 1, 0, DSI);
	q = dq(0, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mn1), 0);
	ck_assert_int_eq(ck_quantity_as_int64(&q, &v), 0);
	ck_assert(v == INT64_MAX);

	q = dq(INT64_MIN, CK_QUANTITY_MILLI, DSI);
	ck_quantity_neg(&q);
	assert_string(&q, "9223372036854775808m", "neg milli");

	struct ck_quantity mnm = dq(INT64_MIN, CK_QUANTITY_MILLI, DSI);
	q = dq(1, CK_QUANTITY_MILLI, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mnm), 0);
	assert_string(&q, "9223372036854775809m", "1m - mostNegative m");

	q = dq(0, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mnm), 0);
	assert_string(&q, "9223372036854775808m", "0 - mostNegative m");
	ck_assert_int_eq(ck_quantity_sign(&q), 1);

	/* TestSubMostNegativeCrossScale */
	q = dq(1, 1, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mn), 0);
	assert_string(&q, "9223372036854775818", "10 - mostNegative");

	/* TestZeroSubMostNegativeInheritsFormat: 2^63 is "8Ei". */
	struct ck_quantity mnb = dq(INT64_MIN, 0, BSI);
	q = dq(0, 0, DSI);
	ck_assert_int_eq(ck_quantity_sub(&q, &mnb), 0);
	ck_assert_int_eq(ck_quantity_get_format(&q), BSI);
	assert_string(&q, "8Ei", "0 - mostNegative binary");
	ck_assert_int_eq(ck_quantity_cmp(&q, &want), 0);
	/* Past Ei upstream would drop the suffix ("1"); the power stops at Ei. */
	struct ck_quantity e70 = q;
	ck_assert_int_eq(ck_quantity_mul(&e70, 128), 0);
	assert_string(&e70, "1024Ei", "2^70 binary");
}
END_TEST

START_TEST(test_quantity_mul)
{
	/* TestMul (values; upstream's ok flag reports int64-ness, not exactness). */
	const int64_t mp = INT64_MAX, mn = INT64_MIN;
	const struct {
		struct ck_quantity a;
		int64_t b;
		const char *expect;
	} table[] = {
		{ dq(10, 0, DSI), 10, "100" },
		{ dq(10, 0, DSI), 1, "10" },
		{ dq(10, 0, BSI), 1, "10" },
		{ dq(0, 0, DSI), 50, "0" },
		{ dq(50, 0, DSI), 0, "0" },
		{ dq(10, 0, DSI), -10, "-100" },
		{ dq(-10, 0, DSI), 1, "-10" },
		{ dq(10, 0, BSI), -1, "-10" },
		{ dq(-50, 0, DSI), -50, "2500" },
		{ dq(mp, 0, DSI), 0, "0" },
		{ dq(mp, 0, DSI), -1, "-9223372036854775807" },
		{ dq(mp / -2, 0, DSI), -2, "9223372036854775806" },
		{ dq(mp, 0, DSI), 2, "18446744073709551614" },
		{ dq(mp, 0, DSI), 10, "92233720368547758070" },
		{ dq(mn, 0, DSI), -1, "9223372036854775808" },
		{ dq(mn / 2, 0, DSI), 2, "-9223372036854775808" },
		{ dq(mn, 0, DSI), 2, "-18446744073709551616" },
		{ dq(mn, 0, DSI), -10, "92233720368547758080" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		struct ck_quantity q = table[i].a;
		ck_assert_int_eq(ck_quantity_mul(&q, table[i].b), 0);
		struct ck_quantity want = must_parse(table[i].expect);
		ck_assert_msg(ck_quantity_cmp(&q, &want) == 0, "row %zu", i);
	}
	struct ck_quantity q = must_parse("170141183460469231731687303715884105727");
	ck_assert_int_eq(ck_quantity_mul(&q, 2), -ERANGE);
	ck_assert_int_eq(ck_quantity_mul(&q, -1), 0);
}
END_TEST

START_TEST(test_quantity_round_trips)
{
	/* TestAddSubRoundTrip, TestAddSubRoundTripAcrossScales, TestNegateRoundTrip */
	for (int k = -10; k <= 10; k++) {
		struct ck_quantity q = dq(0, 0, DSI);
		int64_t order[100];
		for (int i = 0; i < 100; i++) {
			order[i] = rng_int63();
			struct ck_quantity y = dq(order[i], k, DSI);
			ck_assert_int_eq(ck_quantity_add(&q, &y), 0);
		}
		for (int i = 0; i < 100; i++) {
			struct ck_quantity y = dq(order[i], k, DSI);
			ck_assert_int_eq(ck_quantity_sub(&q, &y), 0);
		}
		ck_assert(ck_quantity_is_zero(&q));

		for (int i = 0; i < 100; i++) {
			struct ck_quantity a = dq(rng_int63(), k, DSI), b = a;
			ck_quantity_neg(&b);
			ck_quantity_neg(&b);
			ck_assert_int_eq(ck_quantity_cmp(&a, &b), 0);
		}
	}
	/* Across scales the exact sum can outgrow 38 digits: then -ERANGE,
	 * never a wrong value. Within range everything cancels. */
	struct ck_quantity q = dq(0, 0, DSI);
	int64_t order[100];
	int added = 0;
	for (int i = 0; i < 100; i++) {
		int64_t j = rng_int63() % 1000000000;
		struct ck_quantity y = dq(j, (int32_t)(j % 20) - 10, DSI);
		if (ck_quantity_add(&q, &y) == 0)
			order[added++] = j;
	}
	ck_assert_int_gt(added, 50);
	for (int i = 0; i < added; i++) {
		struct ck_quantity y = dq(order[i], (int32_t)(order[i] % 20) - 10, DSI);
		ck_assert_int_eq(ck_quantity_sub(&q, &y), 0);
	}
	ck_assert(ck_quantity_is_zero(&q));
}
END_TEST

START_TEST(test_quantity_value_set)
{
	/* TestQuantityValueSet */
	struct ck_quantity q;
	ck_assert_int_lt(ck_quantity_parse("invalid", &q), 0);
	q = must_parse("1Mi");
	int64_t v;
	ck_assert_int_eq(ck_quantity_value(&q, &v), 0);
	ck_assert(v == 1024 * 1024);
	struct json_object *j = ck_quantity_to_json(&q);
	ck_assert_str_eq(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "\"1Mi\"");
	json_object_put(j);

	/* snprint truncates like snprintf and reports the full length. */
	char small[4];
	q = must_parse("1536Mi");
	ck_assert_uint_eq(ck_quantity_snprint(&q, small, sizeof(small)), 6);
	ck_assert_str_eq(small, "153");
	ck_assert_uint_eq(ck_quantity_snprint(&q, NULL, 0), 6);

	/* A kept string longer than CK_QUANTITY_STR_MAX still prints whole. */
	char longin[200];
	memset(longin, '0', 150);
	memcpy(longin + 150, "1Ki", 4);
	q = must_parse(longin);
	char *s = ck_quantity_to_string(&q);
	ck_assert_str_eq(s, longin);
	free(s);
	j = ck_quantity_to_json(&q);
	ck_assert_str_eq(json_object_get_string(j), longin);
	json_object_put(j);
}
END_TEST

Suite *ck_test_suite_quantity(void)
{
	Suite *s = suite_create("quantity");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_quantity_parse_zero);
	tcase_add_test(tc, test_quantity_parse_non_numeric);
	tcase_add_test(tc, test_quantity_add_sub_zero_preserve_suffix);
	tcase_add_test(tc, test_quantity_canonicalize_zero);
	tcase_add_test(tc, test_quantity_cmp);
	tcase_add_test(tc, test_quantity_parse);
	tcase_add_test(tc, test_quantity_parse_errors);
	tcase_add_test(tc, test_quantity_round_up);
	tcase_add_test(tc, test_quantity_cmp_int64_and_dec);
	tcase_add_test(tc, test_quantity_neg);
	tcase_add_test(tc, test_quantity_string);
	tcase_add_test(tc, test_quantity_parse_emit);
	tcase_add_test(tc, test_quantity_kept_string);
	tcase_add_test(tc, test_quantity_parse_boundaries);
	tcase_add_test(tc, test_quantity_sub_nano);
	tcase_add_test(tc, test_quantity_json);
	tcase_add_test(tc, test_quantity_json_values);
	tcase_add_test(tc, test_quantity_new_set);
	tcase_add_test(tc, test_quantity_scaled_value);
	tcase_add_test(tc, test_quantity_uninitialized);
	tcase_add_test(tc, test_quantity_add_sub);
	tcase_add_test(tc, test_quantity_most_negative);
	tcase_add_test(tc, test_quantity_mul);
	tcase_add_test(tc, test_quantity_round_trips);
	tcase_add_test(tc, test_quantity_value_set);
	suite_add_tcase(s, tc);
	return s;
}
