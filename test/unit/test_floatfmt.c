#include <check.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "util/floatfmt.h"

static void check_g(double v, int bits, const char *want)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_floatfmt_g(&b, v, bits), 0);
	ck_assert_str_eq(ck_buf_str(&b), want);
	ck_buf_release(&b);
}

static void check_json(double v, const char *want)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_floatfmt_json(&b, v), 0);
	ck_assert_str_eq(ck_buf_str(&b), want);
	ck_buf_release(&b);
}

/* strconv.FormatFloat(v, 'g', -1, 64): what fmt's %v and yaml.v2 print. */
START_TEST(test_floatfmt_g64)
{
	check_g(1.5, 64, "1.5");
	check_g(-2.5, 64, "-2.5");
	check_g(100, 64, "100");
	check_g(123456, 64, "123456");
	check_g(1e6, 64, "1e+06");
	check_g(1234567, 64, "1.234567e+06");
	check_g(0.0001, 64, "0.0001");
	check_g(0.00001, 64, "1e-05");
	check_g(0, 64, "0");
	check_g(-0.0, 64, "-0");
	check_g(1e21, 64, "1e+21");
	check_g(1e100, 64, "1e+100");
	check_g(0.1, 64, "0.1");
	check_g(1.0 / 3, 64, "0.3333333333333333");
	check_g(5e-324, 64, "5e-324");
	check_g(DBL_MAX, 64, "1.7976931348623157e+308");
	check_g(9223372036854775808.0, 64, "9.223372036854776e+18");
	check_g(685230.15, 64, "685230.15");
	check_g(6.8523e+5, 64, "685230");
	check_g(INFINITY, 64, "+Inf");
	check_g(-INFINITY, 64, "-Inf");
	check_g(NAN, 64, "NaN");
}
END_TEST

/* strconv.FormatFloat(v, 'g', -1, 32): sigs.k8s.io/yaml's float map keys. */
START_TEST(test_floatfmt_g32)
{
	check_g(FLT_MAX, 32, "3.4028235e+38");
	check_g(0.1, 32, "0.1");
	check_g(1e36, 32, "1e+36");
	check_g(1.23456789, 32, "1.2345679");
	check_g(16777216, 32, "1.6777216e+07");
	check_g(2.5, 32, "2.5");
	check_g(1e39, 32, "+Inf");
	check_g(1.401298464324817e-45, 32, "1e-45");
}
END_TEST

/* encoding/json's float64 text. */
START_TEST(test_floatfmt_json)
{
	check_json(1.5, "1.5");
	check_json(1e21, "1e+21");
	check_json(1e20, "100000000000000000000");
	check_json(1e-7, "1e-7");
	check_json(0.000001, "0.000001");
	check_json(9.9e-7, "9.9e-7");
	check_json(123456789, "123456789");
	check_json(9223372036854775808.0, "9223372036854776000");
	check_json(0, "0");
	check_json(-0.0, "-0");
	check_json(1e-10, "1e-10");
	check_json(2.5e-8, "2.5e-8");
	check_json(1e300, "1e+300");
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_floatfmt_json(&b, NAN), -EDOM);
	ck_assert_int_eq(ck_floatfmt_json(&b, INFINITY), -EDOM);
	ck_buf_release(&b);
}
END_TEST

Suite *ck_test_suite_floatfmt(void)
{
	Suite *s = suite_create("floatfmt");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_floatfmt_g64);
	tcase_add_test(tc, test_floatfmt_g32);
	tcase_add_test(tc, test_floatfmt_json);
	suite_add_tcase(s, tc);
	return s;
}
