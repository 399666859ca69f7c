/*
 * Every integration test suite, one line each. A suite `x` is
 * `Suite *ck_test_suite_x(void)` in test/integration/test_x.c. Integration
 * tests start real parts (etcd, the API server) through test/lib.
 */
CK_TEST_SUITE(etcd3)
CK_TEST_SUITE(storage)
CK_TEST_SUITE(apiserver)
CK_TEST_SUITE(apiserver_shutdown)
CK_TEST_SUITE(watch)
CK_TEST_SUITE(clients)
CK_TEST_SUITE(cacher)
CK_TEST_SUITE(malformed)
CK_TEST_SUITE(kubectl_protobuf)
CK_TEST_SUITE(auth)
CK_TEST_SUITE(client)
CK_TEST_SUITE(core_kinds)
CK_TEST_SUITE(openapi)
CK_TEST_SUITE(apps_kinds)
CK_TEST_SUITE(group_kinds)
CK_TEST_SUITE(scheduler)
CK_TEST_SUITE(admission)
CK_TEST_SUITE(ckubectl)
CK_TEST_SUITE(pod_log)
CK_TEST_SUITE(apply)
