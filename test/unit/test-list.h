/*
 * Every unit test suite, one line each (as libuv's test-list.h). A suite
 * `x` is `Suite *ck_test_suite_x(void)` in test/unit/test_x.c.
 */
CK_TEST_SUITE(buf)
CK_TEST_SUITE(str)
CK_TEST_SUITE(time)
CK_TEST_SUITE(util_misc)
CK_TEST_SUITE(request_info)
CK_TEST_SUITE(http_server)
CK_TEST_SUITE(negotiate)
CK_TEST_SUITE(discovery)
CK_TEST_SUITE(table)
CK_TEST_SUITE(metrics)
CK_TEST_SUITE(flags)
CK_TEST_SUITE(utf8)
CK_TEST_SUITE(validation)
CK_TEST_SUITE(labels)
CK_TEST_SUITE(fields)
CK_TEST_SUITE(quantity)
CK_TEST_SUITE(unicode_space)
CK_TEST_SUITE(pki)
