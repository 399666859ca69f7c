#include <check.h>
#include <errno.h>
#include <string.h>

#include "util/buf.h"

START_TEST(test_buf_append_and_detach)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_str_eq(ck_buf_str(&b), "");
	ck_assert_int_eq(ck_buf_adds(&b, "hello"), 0);
	ck_assert_int_eq(ck_buf_addc(&b, ' '), 0);
	ck_assert_int_eq(ck_buf_addf(&b, "%d-%s", 42, "x"), 0);
	ck_assert_str_eq(ck_buf_str(&b), "hello 42-x");
	ck_assert_uint_eq(b.len, 10);
	size_t len;
	char *s = ck_buf_detach(&b, &len);
	ck_assert_str_eq(s, "hello 42-x");
	ck_assert_uint_eq(len, 10);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	s = ck_buf_detach(&b, NULL);
	ck_assert_str_eq(s, "");
	free(s);
	ck_buf_release(&b);
}
END_TEST

START_TEST(test_buf_max_is_hard)
{
	struct ck_buf b;
	ck_buf_init(&b, 8);
	ck_assert_int_eq(ck_buf_adds(&b, "12345678"), 0);
	ck_assert_int_eq(ck_buf_addc(&b, '9'), -E2BIG);
	ck_assert_int_eq(ck_buf_addf(&b, "%s", "x"), -E2BIG);
	ck_assert_str_eq(ck_buf_str(&b), "12345678");
	ck_buf_truncate(&b, 3);
	ck_assert_str_eq(ck_buf_str(&b), "123");
	ck_assert_int_eq(ck_buf_add(&b, "\0ab", 3), 0);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(memcmp(b.data, "123\0ab", 7), 0);
	ck_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_buf_release(&b);
	ck_buf_release(NULL);
}
END_TEST

START_TEST(test_buf_grows_large)
{
	struct ck_buf b = CK_BUF_INIT;
	for (int i = 0; i < 100000; i++)
		ck_assert_int_eq(ck_buf_addf(&b, "%05d", i % 100000), 0);
	ck_assert_uint_eq(b.len, 500000);
	ck_assert_int_eq(strncmp(b.data + 499995, "99999", 5), 0);
	ck_buf_release(&b);
}
END_TEST

START_TEST(test_buf_addf_at_the_room_edge)
{
	/* formatted in place while it fits (NUL included), grown past it, never cut */
	struct ck_buf b = CK_BUF_INIT;
	char start[61];
	memset(start, 'a', 60);
	start[60] = '\0';
	ck_assert_int_eq(ck_buf_adds(&b, start), 0);
	size_t alloc = b.alloc;
	ck_assert_uint_eq(alloc, 64);
	ck_assert_int_eq(ck_buf_addf(&b, "%s", "bcd"), 0); /* 63 + NUL: exactly full */
	ck_assert_uint_eq(b.alloc, alloc);
	ck_assert_int_eq(ck_buf_addf(&b, "%d", 12345), 0); /* no room left: grown */
	ck_assert_uint_gt(b.alloc, alloc);
	ck_assert_uint_eq(b.len, 68);
	ck_assert_str_eq(b.data + 60, "bcd12345");
	ck_assert_int_eq(ck_buf_addf(&b, "%s", ""), 0);
	ck_assert_uint_eq(b.len, 68);
	ck_buf_release(&b);
}
END_TEST

Suite *ck_test_suite_buf(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_buf_append_and_detach);
	tcase_add_test(tc, test_buf_max_is_hard);
	tcase_add_test(tc, test_buf_grows_large);
	tcase_add_test(tc, test_buf_addf_at_the_room_edge);
	suite_add_tcase(s, tc);
	return s;
}
