#include <check.h>
#include <string.h>

#include "util/metrics.h"

START_TEST(test_metrics_exposition)
{
	struct ck_metrics *reg = ck_metrics_new();
	static const char *const labels[] = { "verb", "code", NULL };
	struct ck_metric *c =
	    ck_metrics_counter(reg, "apiserver_request_total", "Requests.", labels);
	struct ck_metric *g = ck_metrics_gauge(reg, "inflight", "In flight.", NULL);
	static const double b[] = { 0.005, 0.1, 1 };
	static const char *const hl[] = { "verb", NULL };
	struct ck_metric *h = ck_metrics_histogram(reg, "dur_seconds", "Durations.", hl, b, 3);

	const char *get200[] = { "GET", "200" }, *weird[] = { "a\"b\\c\nd", "500" };
	ck_metric_add(c, get200, 1);
	ck_metric_add(c, get200, 2);
	ck_metric_add(c, weird, 1);
	ck_assert(ck_metric_value(c, get200) == 3);
	ck_metric_set(g, NULL, 7);
	ck_metric_set(g, NULL, 5);
	const char *get[] = { "GET" };
	ck_metric_observe(h, get, 0.001);
	ck_metric_observe(h, get, 0.05);
	ck_metric_observe(h, get, 5);

	struct ck_buf out = CK_BUF_INIT;
	ck_metrics_write(reg, &out);
	const char *s = ck_buf_str(&out);
	ck_assert_ptr_nonnull(strstr(s, "# HELP apiserver_request_total Requests.\n"
					"# TYPE apiserver_request_total counter\n"));
	ck_assert_ptr_nonnull(strstr(s, "apiserver_request_total{verb=\"GET\",code=\"200\"} 3\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "apiserver_request_total{verb=\"a\\\"b\\\\c\\nd\",code=\"500\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "# TYPE inflight gauge\ninflight 5\n"));
	ck_assert_ptr_nonnull(strstr(s, "dur_seconds_bucket{verb=\"GET\",le=\"0.005\"} 1\n"
					"dur_seconds_bucket{verb=\"GET\",le=\"0.1\"} 2\n"
					"dur_seconds_bucket{verb=\"GET\",le=\"1\"} 2\n"
					"dur_seconds_bucket{verb=\"GET\",le=\"+Inf\"} 3\n"
					"dur_seconds_sum{verb=\"GET\"} 5.051"));
	ck_assert_ptr_nonnull(strstr(s, "dur_seconds_count{verb=\"GET\"} 3\n"));
	ck_buf_release(&out);
	ck_metrics_free(reg);
	ck_metrics_free(NULL);
}
END_TEST

Suite *ck_test_suite_metrics(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_metrics_exposition);
	suite_add_tcase(s, tc);
	return s;
}
