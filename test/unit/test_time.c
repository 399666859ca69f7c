#include <check.h>
#include <errno.h>
#include <string.h>

#include "util/time.h"

START_TEST(test_time_format)
{
	char out[CK_TIME_BUF];
	int64_t ns = INT64_C(1764177342) * 1000000000 + 123456789; /* 2025-11-26T17:15:42 */
	ck_time_format(ns, CK_TIME_SECONDS, out);
	ck_assert_str_eq(out, "2025-11-26T17:15:42Z");
	ck_time_format(ns, CK_TIME_MICRO, out);
	ck_assert_str_eq(out, "2025-11-26T17:15:42.123456Z");
	ck_time_format(ns, CK_TIME_NANO, out);
	ck_assert_str_eq(out, "2025-11-26T17:15:42.123456789Z");
	ck_time_format(INT64_C(1764177342) * 1000000000 + 120000000, CK_TIME_NANO, out);
	ck_assert_str_eq(out, "2025-11-26T17:15:42.12Z");
	ck_time_format(INT64_C(1764177342) * 1000000000, CK_TIME_NANO, out);
	ck_assert_str_eq(out, "2025-11-26T17:15:42Z");
	ck_time_format(0, CK_TIME_MICRO, out);
	ck_assert_str_eq(out, "1970-01-01T00:00:00.000000Z");
}
END_TEST

START_TEST(test_time_parse)
{
	int64_t ns;
	ck_assert_int_eq(ck_time_parse("2025-11-26T17:15:42Z", &ns), 0);
	ck_assert(ns == INT64_C(1764177342) * 1000000000);
	ck_assert_int_eq(ck_time_parse("2025-11-26T17:15:42.5Z", &ns), 0);
	ck_assert(ns == INT64_C(1764177342) * 1000000000 + 500000000);
	ck_assert_int_eq(ck_time_parse("2025-11-26T18:15:42+01:00", &ns), 0);
	ck_assert(ns == INT64_C(1764177342) * 1000000000);
	ck_assert_int_eq(ck_time_parse("2025-11-26t17:15:42.1234567891z", &ns), 0);
	ck_assert(ns == INT64_C(1764177342) * 1000000000 + 123456789);
	ck_assert_int_eq(ck_time_parse("2024-02-29T00:00:00Z", &ns), 0);
	static const char *bad[] = { "",
				     "2025-11-26",
				     "2025-11-26T17:15:42",
				     "2025-13-01T00:00:00Z",
				     "2025-02-29T00:00:00Z",
				     "2025-11-26T24:00:00Z",
				     "2025-11-26T17:15:42.Z",
				     "2025-11-26T17:15:42Zx",
				     "2025-11-26T17:15:42+0100" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ck_time_parse(bad[i], &ns) == -EINVAL, "accepted '%s'", bad[i]);
	/* Round trip. */
	char out[CK_TIME_BUF];
	int64_t now = ck_time_now_ns();
	ck_time_format(now, CK_TIME_NANO, out);
	ck_assert_int_eq(ck_time_parse(out, &ns), 0);
	ck_assert(ns == now);
}
END_TEST

START_TEST(test_time_human_duration)
{
	/* Cases from upstream's duration_test.go (HumanDuration). */
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = {
		{ 1, "1s" },	      { 70, "70s" },	   { 119, "119s" },  { 120, "2m" },
		{ 190, "3m10s" },     { 600, "10m" },	   { 3600, "60m" },  { 10799, "179m" },
		{ 10800, "3h" },      { 11460, "3h11m" },  { 28800, "8h" },  { 172799, "47h" },
		{ 172800, "2d" },     { 180000, "2d2h" },  { 691200, "8d" }, { 63072000, "2y" },
		{ 63158400, "2y1d" }, { 252288000, "8y" },
	};
	char out[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_time_human_duration(cases[i].s * 1000000000, out, sizeof(out));
		ck_assert_msg(strcmp(out, cases[i].want) == 0, "%lld s: got %s want %s",
			      (long long)cases[i].s, out, cases[i].want);
	}
	ck_time_human_duration(-5 * INT64_C(1000000000), out, sizeof(out));
	ck_assert_str_eq(out, "<invalid>");
	ck_time_human_duration(-500000000, out, sizeof(out));
	ck_assert_str_eq(out, "0s");
}
END_TEST

Suite *ck_test_suite_time(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_time_format);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_time_human_duration);
	suite_add_tcase(s, tc);
	return s;
}
