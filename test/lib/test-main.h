/*
 * The main() of a Check binary, shared by test/unit and test/integration:
 * define CK_TEST_LIST to the path of the suite list (relative to test/lib)
 * and include this file once.
 */
#include "runner.h"

#define CK_TEST_SUITE(name) Suite *ck_test_suite_##name(void);
#include CK_TEST_LIST
#undef CK_TEST_SUITE

static const ck_test_suite_fn suites[] = {
	NULL, /* keeps the array non-empty while a list is */
#define CK_TEST_SUITE(name) ck_test_suite_##name,
#include CK_TEST_LIST
#undef CK_TEST_SUITE
};

int main(void)
{
	return ck_test_run(suites + 1, sizeof(suites) / sizeof(suites[0]) - 1);
}
