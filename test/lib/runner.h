/*
 * The one test runner for every Check binary (unit and integration): runs
 * the listed suites (Check's CK_RUN_SUITE / CK_RUN_CASE select), prints
 * Check's summary line, exits non-zero on any failure.
 */
#ifndef CK_TEST_RUNNER_H
#define CK_TEST_RUNNER_H

#include <check.h>
#include <stddef.h>

typedef Suite *(*ck_test_suite_fn)(void);

/*
 * Runs the suites. Children the harness starts (API servers, etcd,
 * components) are checked for sanitizer reports when they exit; their log
 * paths are gathered in the file named by CK_TEST_SAN_REPORTS_ENV (set
 * here for the whole run), and any such report fails the run as a failed
 * check would, with the logs kept and named.
 */
int ck_test_run(const ck_test_suite_fn *suites, size_t n);

#define CK_TEST_SAN_REPORTS_ENV "CK_TEST_SAN_REPORTS"

/*
 * Seconds a test may take: base scaled by CK_TEST_TIMEOUT_MULTIPLIER (as
 * libuv's UV_TEST_TIMEOUT_MULTIPLIER); use for tcase_set_timeout and waits.
 */
double ck_test_timeout(double base);

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
double ck_test_now_ms(void);

#endif
