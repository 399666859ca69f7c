#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double ck_test_timeout(double base)
{
	const char *m = getenv("CK_TEST_TIMEOUT_MULTIPLIER");
	double f = m ? strtod(m, NULL) : 0;
	return base * (f > 0 ? f : 1);
}

double ck_test_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int ck_test_run(const ck_test_suite_fn *suites, size_t n)
{
	if (n == 0) {
		printf("0 passed, 0 failed\n");
		return 0;
	}
	char record[] = "/tmp/ck-test-san-XXXXXX";
	int fd = mkstemp(record);
	if (fd != -1) {
		close(fd);
		setenv(CK_TEST_SAN_REPORTS_ENV, record, 1);
	}
	SRunner *sr = srunner_create(suites[0]());
	for (size_t i = 1; i < n; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	FILE *f = fd != -1 ? fopen(record, "r") : NULL;
	char line[512];
	int reported = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (reported++ == 0)
			fprintf(stderr, "sanitizer reports in the logs of started components:\n");
		fprintf(stderr, "  %s", line);
	}
	if (f)
		fclose(f);
	if (fd != -1)
		unlink(record);
	return failed || reported ? EXIT_FAILURE : EXIT_SUCCESS;
}
