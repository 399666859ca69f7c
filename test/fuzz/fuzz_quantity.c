/*
 * Fuzzes resource.Quantity: the input is one or two quantity strings
 * separated by a NUL byte. Invariants checked (abort() when broken):
 *  - parse -> String() -> parse gives an equal value and the same string
 *    (see check_round_trip for upstream's one exception), and the JSON
 *    form round-trips;
 *  - Value / MilliValue, when they fit, are the value rounded away from zero;
 *  - RoundUp never shrinks the magnitude and reports exactness truthfully;
 *  - on pairs: Cmp is antisymmetric and agrees with the sign of a - b;
 *    a + b == b + a, (a + b) - b == a, (a - b) + b == a, a * 2 == a + a,
 *    and an operation out of range fails with -ERANGE leaving q unchanged.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/quantity.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "fuzz_quantity: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

static bool same(const struct ck_quantity *a, const struct ck_quantity *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/*
 * The string of q parses back to the same value and prints the same. One
 * upstream exception: a BinarySI integer that is no multiple of 1024 prints
 * without a suffix ("1.953125Ki" is "2000"), which parses as DecimalSI and
 * prints as such ("2k"); then the second string must be a fixed point.
 */
static void check_round_trip(const struct ck_quantity *q)
{
	char *s = ck_quantity_to_string(q);
	size_t len = strlen(s);
	struct ck_quantity back, again;
	CHECK(ck_quantity_parse(s, &back) == 0);
	CHECK(ck_quantity_cmp(q, &back) == 0);
	char *s2 = ck_quantity_to_string(&back);
	if (ck_quantity_get_format(q) == CK_QUANTITY_BINARY_SI && s[len - 1] != 'i') {
		CHECK(ck_quantity_parse(s2, &again) == 0);
		CHECK(ck_quantity_cmp(q, &again) == 0);
		char *s3 = ck_quantity_to_string(&again);
		CHECK(strcmp(s2, s3) == 0);
		free(s3);
	} else {
		CHECK(strcmp(s, s2) == 0);
	}
	CHECK(ck_quantity_snprint(q, NULL, 0) == len);

	struct json_object *j = ck_quantity_to_json(q);
	CHECK(j != NULL);
	CHECK(strcmp(json_object_get_string(j), s) == 0);
	struct ck_quantity from_json;
	CHECK(ck_quantity_from_json(j, &from_json) == 0);
	CHECK(ck_quantity_cmp(q, &from_json) == 0);
	json_object_put(j);
	free(s2);
	free(s);
}

/* A value that upstream's parser caps (BinarySI past 2^63-1) cannot round-trip. */
static bool reparse_capped(const struct ck_quantity *q)
{
	struct ck_quantity lim;
	ck_quantity_init_int64(&lim, INT64_MAX, CK_QUANTITY_DECIMAL_SI);
	struct ck_quantity neg_lim = lim;
	ck_quantity_neg(&neg_lim);
	return ck_quantity_get_format(q) == CK_QUANTITY_BINARY_SI &&
	       (ck_quantity_cmp(q, &lim) > 0 || ck_quantity_cmp(q, &neg_lim) < 0);
}

/* v is q rounded away from zero to a multiple of 10^scale. */
static void check_rounded(const struct ck_quantity *q, int64_t v, int32_t scale)
{
	struct ck_quantity at, next;
	int s = ck_quantity_sign(q);
	if (ck_quantity_init(&at, v, scale, CK_QUANTITY_DECIMAL_SI) < 0)
		return;
	if (s == 0) {
		CHECK(v == 0);
		return;
	}
	CHECK(ck_quantity_sign(&at) == s);
	if (s > 0) {
		CHECK(ck_quantity_cmp(q, &at) <= 0);
		if (ck_quantity_init(&next, v - 1, scale, CK_QUANTITY_DECIMAL_SI) == 0)
			CHECK(ck_quantity_cmp(q, &next) > 0);
	} else {
		CHECK(ck_quantity_cmp(q, &at) >= 0);
		if (ck_quantity_init(&next, v + 1, scale, CK_QUANTITY_DECIMAL_SI) == 0)
			CHECK(ck_quantity_cmp(q, &next) < 0);
	}
}

static void check_one(const struct ck_quantity *q, uint8_t knob)
{
	int64_t v;
	check_round_trip(q);
	if (ck_quantity_value(q, &v) == 0)
		check_rounded(q, v, 0);
	if (ck_quantity_milli_value(q, &v) == 0)
		check_rounded(q, v, CK_QUANTITY_MILLI);
	int32_t scale = (int32_t)(knob % 64) - 32;
	if (ck_quantity_scaled_value(q, scale, &v) == 0)
		check_rounded(q, v, scale);
	if (ck_quantity_as_int64(q, &v) == 0) {
		struct ck_quantity w;
		ck_quantity_init_int64(&w, v, CK_QUANTITY_DECIMAL_SI);
		CHECK(ck_quantity_cmp(q, &w) == 0);
	}

	struct ck_quantity r = *q, neg = *q;
	int exact = ck_quantity_round_up(&r, scale);
	CHECK(exact == 0 || exact == 1 || exact == -ERANGE);
	if (exact >= 0) {
		CHECK((ck_quantity_cmp(&r, q) == 0) == (exact == 1));
		struct ck_quantity mr = r, mq = *q;
		if (ck_quantity_sign(&mr) < 0)
			ck_quantity_neg(&mr);
		if (ck_quantity_sign(&mq) < 0)
			ck_quantity_neg(&mq);
		CHECK(ck_quantity_cmp(&mr, &mq) >= 0);
		if (!reparse_capped(&r))
			check_round_trip(&r);
	}
	ck_quantity_neg(&neg);
	CHECK(ck_quantity_sign(&neg) == -ck_quantity_sign(q));
	check_round_trip(&neg);
}

static void check_pair(const struct ck_quantity *a, const struct ck_quantity *b)
{
	int c = ck_quantity_cmp(a, b);
	CHECK(c >= -1 && c <= 1);
	CHECK(ck_quantity_cmp(b, a) == -c);

	struct ck_quantity ab = *a, ba = *b;
	int r1 = ck_quantity_add(&ab, b), r2 = ck_quantity_add(&ba, a);
	CHECK(r1 == 0 || r1 == -ERANGE);
	CHECK(r1 == r2);
	if (r1 == 0) {
		CHECK(ck_quantity_cmp(&ab, &ba) == 0);
		struct ck_quantity back = ab;
		CHECK(ck_quantity_sub(&back, b) == 0);
		CHECK(ck_quantity_cmp(&back, a) == 0);
		if (!reparse_capped(&ab))
			check_round_trip(&ab);
		CHECK(ck_quantity_cmp(&ab, a) == ck_quantity_sign(b));
	} else {
		CHECK(same(&ab, a));
	}

	struct ck_quantity d = *a;
	int r3 = ck_quantity_sub(&d, b);
	CHECK(r3 == 0 || r3 == -ERANGE);
	if (r3 == 0) {
		CHECK(ck_quantity_sign(&d) == c);
		struct ck_quantity back = d;
		CHECK(ck_quantity_add(&back, b) == 0);
		CHECK(ck_quantity_cmp(&back, a) == 0);
		if (!reparse_capped(&d))
			check_round_trip(&d);
	} else {
		CHECK(same(&d, a));
	}

	struct ck_quantity twice = *a, sum = *a;
	int r4 = ck_quantity_mul(&twice, 2), r5 = ck_quantity_add(&sum, a);
	CHECK(r4 == r5);
	if (r4 == 0)
		CHECK(ck_quantity_cmp(&twice, &sum) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *sep = memchr(s, '\0', size);
	size_t n1 = sep ? (size_t)(sep - s) : size;
	struct ck_quantity a, b;
	uint8_t knob = size > 0 ? data[size - 1] : 0;

	int ra = ck_quantity_parse_n(s, n1, &a);
	CHECK(ra == 0 || ra == -EINVAL || ra == -EILSEQ || ra == -EDOM || ra == -ERANGE);
	if (ra == 0)
		check_one(&a, knob);
	if (!sep)
		return 0;
	int rb = ck_quantity_parse_n(sep + 1, size - n1 - 1, &b);
	CHECK(rb == 0 || rb == -EINVAL || rb == -EILSEQ || rb == -EDOM || rb == -ERANGE);
	if (rb == 0)
		check_one(&b, knob);
	if (ra == 0 && rb == 0)
		check_pair(&a, &b);
	return 0;
}
