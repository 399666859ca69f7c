/*
 * test/lib: a started component's sanitizer report is found in its log
 * and recorded for the runner, which fails the run on it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/proc.h"
#include "../lib/runner.h"

static char *write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return strdup(path);
}

START_TEST(test_harness_sanitizer_reports)
{
	char *dir = ck_test_mkdtemp(NULL, "ck-harness");
	ck_assert_ptr_nonnull(dir);
	char *record = write_file(dir, "record", "");
	/* This test's own record, so the run's is untouched (Check forks). */
	setenv(CK_TEST_SAN_REPORTS_ENV, record, 1);

	char *clean = write_file(dir, "clean.log", "I1126 started\nI1126 stopped\n");
	ck_assert_int_eq(ck_test_sanitizer_lines(clean), 0);
	ck_assert(!ck_test_child_reported(clean));

	char *leak = write_file(dir, "leak.log",
				"I1126 started\n==1==ERROR: LeakSanitizer: detected memory leaks\n"
				"x.c:3:5: runtime error: signed integer overflow\n");
	ck_assert_int_eq(ck_test_sanitizer_lines(leak), 2);
	ck_assert(ck_test_child_reported(leak));

	char missing[600];
	snprintf(missing, sizeof(missing), "%s/none.log", dir);
	ck_assert_int_lt(ck_test_sanitizer_lines(missing), 0);

	FILE *f = fopen(record, "r");
	char line[600];
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	line[strcspn(line, "\n")] = '\0';
	ck_assert_str_eq(line, leak);
	ck_assert_ptr_null(fgets(line, sizeof(line), f)); /* the clean log is not named */
	fclose(f);

	ck_test_rmtree(dir);
	free(dir);
	free(record);
	free(clean);
	free(leak);
}
END_TEST

Suite *ck_test_suite_harness(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_harness_sanitizer_reports);
	suite_add_tcase(s, tc);
	return s;
}
