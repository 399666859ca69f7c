#include <check.h>
#include <errno.h>
#include <stdint.h>

#include "util/common.h"
#include "util/go_duration.h"

#define NS INT64_C(1)
#define US (1000 * NS)
#define MS (1000 * US)
#define SEC (1000 * MS)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)

/* Go's time package durationTests (Duration.String). */
START_TEST(test_go_duration_format)
{
	static const struct {
		const char *want;
		int64_t d;
	} cases[] = {
		{ "0s", 0 },
		{ "1ns", 1 * NS },
		{ "1.1\xc2\xb5s", 1100 * NS },
		{ "2.2ms", 2200 * US },
		{ "3.3s", 3300 * MS },
		{ "4m5s", 4 * MIN + 5 * SEC },
		{ "4m5.001s", 4 * MIN + 5001 * MS },
		{ "5h6m7.001s", 5 * HOUR + 6 * MIN + 7001 * MS },
		{ "8m0.000000001s", 8 * MIN + 1 * NS },
		{ "2562047h47m16.854775807s", INT64_MAX },
		{ "-2562047h47m16.854775808s", INT64_MIN },
		{ "1m0s", MIN },
		{ "1h0m0s", HOUR },
		{ "-1.5s", -1500 * MS },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(cases); i++) {
		char out[CK_GO_DURATION_BUF];
		ck_go_duration_format(cases[i].d, out);
		ck_assert_str_eq(out, cases[i].want);
	}
}
END_TEST

/* Go's time package parseDurationTests. */
START_TEST(test_go_duration_parse)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "0", 0 },
		{ "5s", 5 * SEC },
		{ "30s", 30 * SEC },
		{ "1478s", 1478 * SEC },
		{ "-5s", -5 * SEC },
		{ "+5s", 5 * SEC },
		{ "-0", 0 },
		{ "+0", 0 },
		{ "5.0s", 5 * SEC },
		{ "5.6s", 5 * SEC + 600 * MS },
		{ "5.s", 5 * SEC },
		{ ".5s", 500 * MS },
		{ "1.0s", 1 * SEC },
		{ "1.00s", 1 * SEC },
		{ "1.004s", 1 * SEC + 4 * MS },
		{ "1.0040s", 1 * SEC + 4 * MS },
		{ "100.00100s", 100 * SEC + 1 * MS },
		{ "10ns", 10 * NS },
		{ "11us", 11 * US },
		{ "12\xc2\xb5s", 12 * US },
		{ "12\xce\xbcs", 12 * US },
		{ "13ms", 13 * MS },
		{ "14s", 14 * SEC },
		{ "15m", 15 * MIN },
		{ "16h", 16 * HOUR },
		{ "3h30m", 3 * HOUR + 30 * MIN },
		{ "10.5s4m", 4 * MIN + 10 * SEC + 500 * MS },
		{ "-2m3.4s", -(2 * MIN + 3 * SEC + 400 * MS) },
		{ "1h2m3s4ms5us6ns", 1 * HOUR + 2 * MIN + 3 * SEC + 4 * MS + 5 * US + 6 * NS },
		{ "39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MS },
		{ "52763797000ns", 52763797000 * NS },
		{ "0.3333333333333333333h", 20 * MIN },
		{ "9007199254740993ns", (INT64_C(1) << 53) + 1 },
		{ "9223372036854775807ns", INT64_MAX },
		{ "9223372036854775.807us", INT64_MAX },
		{ "9223372036s854ms775us807ns", INT64_MAX },
		{ "-9223372036854775808ns", INT64_MIN },
		{ "-9223372036854775.808us", INT64_MIN },
		{ "-9223372036s854ms775us808ns", INT64_MIN },
		{ "-2562047h47m16.854775808s", INT64_MIN },
		{ "0.100000000000000000000h", 6 * MIN },
		{ "0.830103483285477580700h", 49 * MIN + 48 * SEC + 372539827 * NS },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(cases); i++) {
		int64_t got = -1;
		ck_assert_msg(ck_go_duration_parse(cases[i].in, &got) == 0, "%s", cases[i].in);
		ck_assert_msg(got == cases[i].want, "%s: %lld", cases[i].in, (long long)got);
	}
	static const char *const bad[] = {
		"",
		"3",
		"-",
		"s",
		".",
		"-.",
		".s",
		"+.s",
		"1d",
		"\x85\x85",
		"\xff\xff",
		"hello \xff\xff world",
		"9223372036854775810ns",
		"9223372036854775808ns",
		"-9223372036854775809ns",
		"9223372036854775.808us",
		"9223372036854ms775us808ns",
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(bad); i++) {
		int64_t got = 7;
		ck_assert_msg(ck_go_duration_parse(bad[i], &got) < 0, "%s", bad[i]);
		ck_assert(got == 7);
	}
}
END_TEST

/* Every printed duration parses back to itself. */
START_TEST(test_go_duration_round_trip)
{
	static const int64_t values[] = { 1,	     999,	    1000,      1500,	 999999,
					  1000000,   SEC - 1,	    SEC,       61 * SEC, HOUR + 1,
					  INT64_MAX, INT64_MIN + 1, INT64_MIN, -1 };
	for (size_t i = 0; i < CK_ARRAY_SIZE(values); i++) {
		char out[CK_GO_DURATION_BUF];
		int64_t back = 0;
		ck_go_duration_format(values[i], out);
		ck_assert_int_eq(ck_go_duration_parse(out, &back), 0);
		ck_assert_msg(back == values[i], "%s", out);
	}
}
END_TEST

Suite *ck_test_suite_go_duration(void)
{
	Suite *s = suite_create("go_duration");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_go_duration_format);
	tcase_add_test(tc, test_go_duration_parse);
	tcase_add_test(tc, test_go_duration_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
