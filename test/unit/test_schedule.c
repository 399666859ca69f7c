/*
 * The CronJob schedule parser against robfig/cron v3's ParseStandard (the
 * parser upstream's CronJob validation uses): what it accepts, and its
 * error messages, which the API server returns as they are.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "registry/batch/batch.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_valid)
{
	static const char *const ok[] = {
		"* * * * *",	    "*/5 * * * *",
		"0 0 1 1 *",	    "0-59/15 0-23 1-31 1-12 0-6",
		"0 9 * * MON-FRI",  "0 0 1 jan,jul *",
		"30 8 ? * sun",	    "5/10 * * * *",
		"@hourly",	    "@daily",
		"@midnight",	    "@weekly",
		"@monthly",	    "@yearly",
		"@annually",	    "@every 1h30m",
		"TZ=UTC 0 * * * *", "CRON_TZ=UTC @daily",
		"  1   2  3 4 5  ",
	};
	for (size_t i = 0; i < N(ok); i++) {
		char *err = NULL;
		ck_assert_msg(ck_batch_parse_schedule(ok[i], &err) == 0, "%s: %s", ok[i],
			      err ? err : "");
	}
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *schedule, *err;
	} bad[] = {
		{ "", "empty spec string" },
		{ "* * * *", "expected exactly 5 fields, found 4: [* * * *]" },
		{ "* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]" },
		{ "60 * * * *", "end of range (60) above maximum (59): 60" },
		{ "* * 0 * *", "beginning of range (0) below minimum (1): 0" },
		{ "* * * * 7", "end of range (7) above maximum (6): 7" },
		{ "5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1" },
		{ "*/0 * * * *", "step of range should be a positive number: */0" },
		{ "1-2-3 * * * *", "too many hyphens: 1-2-3" },
		{ "*/2/3 * * * *", "too many slashes: */2/3" },
		{ "x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid "
			       "syntax" },
		{ "-1 * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid "
				"syntax" },
		{ "@fortnightly", "unrecognized descriptor: @fortnightly" },
		{ "@every 5x",
		  "failed to parse duration @every 5x: time: invalid duration \"5x\"" },
		{ "TZ=Nowhere/Else 0 * * * *",
		  "provided bad location Nowhere/Else: unknown time zone Nowhere/Else" },
		{ "TZ=UTC", "missing spec after timezone" },
	};
	for (size_t i = 0; i < N(bad); i++) {
		char *err = NULL;
		ck_assert_msg(ck_batch_parse_schedule(bad[i].schedule, &err) < 0, "%s accepted",
			      bad[i].schedule);
		ck_assert_str_eq(err, bad[i].err);
		free(err);
	}
}
END_TEST

Suite *ck_test_suite_schedule(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("schedule");
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}
