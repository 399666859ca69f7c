#include <check.h>
#include <stdint.h>
#include <sys/resource.h>

#include "util/rlimit.h"

START_TEST(test_rlimit_raise_nofile)
{
	struct rlimit saved;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	uint64_t hard = 0, soft = 0;
	ck_assert_int_eq(ck_rlimit_nofile(NULL, &hard), 0);

	/* Lower the soft limit a little, then raise it back to the hard one. */
	struct rlimit lower = saved;
	if (lower.rlim_max != RLIM_INFINITY && lower.rlim_max > 64)
		lower.rlim_cur = lower.rlim_max - 1;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lower), 0);
	ck_assert_int_eq(ck_rlimit_raise_nofile(&soft), 0);
	ck_assert_uint_eq(soft, hard);
	uint64_t now = 0;
	ck_assert_int_eq(ck_rlimit_nofile(&now, NULL), 0);
	ck_assert_uint_eq(now, hard);

	/* Already raised: nothing changes; the out-parameter may be NULL. */
	ck_assert_int_eq(ck_rlimit_raise_nofile(NULL), 0);
	ck_assert_int_eq(ck_rlimit_nofile(&now, NULL), 0);
	ck_assert_uint_eq(now, hard);

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
}
END_TEST

Suite *ck_test_suite_rlimit(void)
{
	Suite *s = suite_create("rlimit");
	TCase *tc = tcase_create("rlimit");
	tcase_add_test(tc, test_rlimit_raise_nofile);
	suite_add_tcase(s, tc);
	return s;
}
