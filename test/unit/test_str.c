#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

START_TEST(test_str_numbers)
{
	int64_t v;
	ck_assert_int_eq(ck_str_to_int64("42", &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(ck_str_to_int64("-9223372036854775808", &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(ck_str_to_int64("9223372036854775808", &v), -ERANGE);
	ck_assert_int_eq(ck_str_to_int64("", &v), -EINVAL);
	ck_assert_int_eq(ck_str_to_int64(" 1", &v), -EINVAL);
	ck_assert_int_eq(ck_str_to_int64("1 ", &v), -EINVAL);
	ck_assert_int_eq(ck_str_to_int64("1x", &v), -EINVAL);
	int i;
	ck_assert_int_eq(ck_str_to_int("3000000000", &i), -ERANGE);
	uint64_t u;
	ck_assert_int_eq(ck_str_to_uint64("-1", &u), -EINVAL);
	bool b;
	ck_assert_int_eq(ck_str_to_bool("True", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(ck_str_to_bool("0", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(ck_str_to_bool("yes", &b), -EINVAL);
}
END_TEST

START_TEST(test_str_split_trim)
{
	char **v = ck_str_split("a,,b", ',', 0);
	ck_assert_uint_eq(ck_strv_len(v), 3);
	ck_assert_str_eq(v[0], "a");
	ck_assert_str_eq(v[1], "");
	ck_assert_str_eq(v[2], "b");
	ck_strv_free(v);
	v = ck_str_split("", ',', 0);
	ck_assert_uint_eq(ck_strv_len(v), 1);
	ck_assert_str_eq(v[0], "");
	ck_strv_free(v);
	v = ck_str_split("k=v=w", '=', 2);
	ck_assert_uint_eq(ck_strv_len(v), 2);
	ck_assert_str_eq(v[1], "v=w");
	ck_strv_free(v);
	char *t = ck_str_trim(" \t x y \t");
	ck_assert_str_eq(t, "x y");
	free(t);
	ck_assert(ck_str_has_prefix("/api/v1", "/api"));
	ck_assert(!ck_str_has_prefix("/ap", "/api"));
	ck_assert(ck_str_has_suffix("pods/status", "/status"));
}
END_TEST

START_TEST(test_str_url_and_base64)
{
	char *s = ck_str_url_decode("a%3Db+c%2c", true);
	ck_assert_str_eq(s, "a=b c,");
	free(s);
	ck_assert_ptr_null(ck_str_url_decode("%zz", false));
	ck_assert_ptr_null(ck_str_url_decode("%4", false));
	s = ck_str_url_encode("app in (a,b)");
	ck_assert_str_eq(s, "app%20in%20%28a%2Cb%29");
	free(s);

	static const struct {
		const char *plain, *enc;
	} cases[] = { { "", "" },
		      { "f", "Zg==" },
		      { "fo", "Zm8=" },
		      { "foo", "Zm9v" },
		      { "foob", "Zm9vYg==" },
		      { "fooba", "Zm9vYmE=" },
		      { "foobar", "Zm9vYmFy" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = ck_base64_encode(cases[i].plain, strlen(cases[i].plain));
		ck_assert_str_eq(e, cases[i].enc);
		free(e);
		size_t n;
		char *d = ck_base64_decode(cases[i].enc, &n);
		ck_assert_ptr_nonnull(d);
		ck_assert_uint_eq(n, strlen(cases[i].plain));
		ck_assert_int_eq(memcmp(d, cases[i].plain, n), 0);
		free(d);
	}
	size_t n;
	ck_assert_ptr_null(ck_base64_decode("Zm9", &n));
	ck_assert_ptr_null(ck_base64_decode("Zm=v", &n));
	ck_assert_ptr_null(ck_base64_decode("Z!9v", &n));
}
END_TEST

Suite *ck_test_suite_str(void)
{
	Suite *s = suite_create("str");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_str_numbers);
	tcase_add_test(tc, test_str_split_trim);
	tcase_add_test(tc, test_str_url_and_base64);
	suite_add_tcase(s, tc);
	return s;
}
