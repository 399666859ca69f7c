/*
 * The etcd client's pure policy (pkg/storage/etcd3/retry.c): backoff,
 * which failures are retried, gRPC status to errno, endpoint URLs.
 */
#include <check.h>
#include <errno.h>
#include <grpc/status.h>
#include <stdlib.h>
#include <string.h>

#include "storage/etcd3/retry.h"
#include "util/common.h"

START_TEST(test_etcd3_backoff_doubles_with_jitter)
{
	struct ck_etcd_backoff b;
	ck_etcd_backoff_init(&b, 25, 1000, 42);
	unsigned bases[] = { 25, 50, 100, 200, 400, 800, 1000, 1000, 1000 };
	for (size_t i = 0; i < CK_ARRAY_SIZE(bases); i++) {
		unsigned w = ck_etcd_backoff_next(&b);
		ck_assert_uint_ge(w, bases[i] - bases[i] / 10);
		ck_assert_uint_le(w, bases[i] + bases[i] / 10);
	}
	ck_etcd_backoff_reset(&b);
	unsigned w = ck_etcd_backoff_next(&b);
	ck_assert_uint_le(w, 28);
	/* the same seed gives the same waits */
	struct ck_etcd_backoff x, y;
	ck_etcd_backoff_init(&x, 100, 2000, 7);
	ck_etcd_backoff_init(&y, 100, 2000, 7);
	for (int i = 0; i < 20; i++)
		ck_assert_uint_eq(ck_etcd_backoff_next(&x), ck_etcd_backoff_next(&y));
	/* degenerate settings stay sane */
	ck_etcd_backoff_init(&x, 0, 0, 0);
	ck_assert_uint_ge(ck_etcd_backoff_next(&x), 1);
	ck_etcd_backoff_init(&x, 3000, 1000, 1);
	ck_assert_uint_le(ck_etcd_backoff_next(&x), 3300);
}
END_TEST

START_TEST(test_etcd3_retryable)
{
	const char *not_sent = "failed to connect to all addresses; last error: UNKNOWN: "
			       "ipv4:127.0.0.1:1: Failed to connect to remote host: Connection "
			       "refused";
	/* a request that never left may always go again */
	ck_assert(ck_etcd_retryable(GRPC_STATUS_UNAVAILABLE, not_sent, false));
	ck_assert(ck_etcd_retryable(GRPC_STATUS_UNAVAILABLE, not_sent, true));
	/* one that may have been applied: only reads */
	ck_assert(!ck_etcd_retryable(GRPC_STATUS_UNAVAILABLE, "Socket closed", false));
	ck_assert(ck_etcd_retryable(GRPC_STATUS_UNAVAILABLE, "Socket closed", true));
	ck_assert(!ck_etcd_retryable(GRPC_STATUS_UNAVAILABLE, NULL, false));
	/* deadlines and answers are final */
	ck_assert(!ck_etcd_retryable(GRPC_STATUS_DEADLINE_EXCEEDED, "Deadline Exceeded", true));
	ck_assert(!ck_etcd_retryable(GRPC_STATUS_OUT_OF_RANGE, "compacted", true));
	ck_assert(!ck_etcd_retryable(GRPC_STATUS_INVALID_ARGUMENT, "", true));
	ck_assert(ck_etcd_endpoint_failed(GRPC_STATUS_UNAVAILABLE));
	ck_assert(!ck_etcd_endpoint_failed(GRPC_STATUS_DEADLINE_EXCEEDED));
}
END_TEST

START_TEST(test_etcd3_deadline_keeps_cause)
{
	/* a read retried after UNAVAILABLE that ran out of time: still unreachable */
	ck_assert(ck_etcd_deadline_keeps_cause(GRPC_STATUS_DEADLINE_EXCEEDED,
					       GRPC_STATUS_UNAVAILABLE, true));
	/* a write's last attempt may have been applied: the deadline stands */
	ck_assert(!ck_etcd_deadline_keeps_cause(GRPC_STATUS_DEADLINE_EXCEEDED,
						GRPC_STATUS_UNAVAILABLE, false));
	/* no earlier failure (the first attempt timed out), or not a deadline */
	ck_assert(
	    !ck_etcd_deadline_keeps_cause(GRPC_STATUS_DEADLINE_EXCEEDED, GRPC_STATUS_OK, true));
	ck_assert(
	    !ck_etcd_deadline_keeps_cause(GRPC_STATUS_UNAVAILABLE, GRPC_STATUS_UNAVAILABLE, true));
	ck_assert(
	    !ck_etcd_deadline_keeps_cause(GRPC_STATUS_OUT_OF_RANGE, GRPC_STATUS_UNAVAILABLE, true));
}
END_TEST

START_TEST(test_etcd3_status_errno)
{
	struct {
		int status;
		const char *details;
		int want;
	} tests[] = {
		{ GRPC_STATUS_OK, "", 0 },
		{ GRPC_STATUS_CANCELLED, "", -ECANCELED },
		{ GRPC_STATUS_UNKNOWN, "", -EIO },
		{ GRPC_STATUS_INVALID_ARGUMENT, "etcdserver: key is not provided", -EINVAL },
		{ GRPC_STATUS_INVALID_ARGUMENT, "etcdserver: request is too large", -E2BIG },
		{ GRPC_STATUS_DEADLINE_EXCEEDED, "Deadline Exceeded", -ETIMEDOUT },
		{ GRPC_STATUS_NOT_FOUND, "etcdserver: requested lease not found", -ENOENT },
		{ GRPC_STATUS_PERMISSION_DENIED, "", -EACCES },
		{ GRPC_STATUS_UNAUTHENTICATED, "", -EACCES },
		{ GRPC_STATUS_RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded",
		  -ENOSPC },
		{ GRPC_STATUS_RESOURCE_EXHAUSTED, "etcdserver: too many requests", -EBUSY },
		{ GRPC_STATUS_OUT_OF_RANGE,
		  "etcdserver: mvcc: required revision has been compacted", -EKEYEXPIRED },
		{ GRPC_STATUS_OUT_OF_RANGE,
		  "etcdserver: mvcc: required revision is a future revision", -EOVERFLOW },
		{ GRPC_STATUS_UNAVAILABLE, "etcdserver: request timed out", -EHOSTUNREACH },
		{ GRPC_STATUS_INTERNAL, "", -EIO },
		{ GRPC_STATUS_DATA_LOSS, NULL, -EIO },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++)
		ck_assert_int_eq(ck_etcd_status_errno(tests[i].status, tests[i].details),
				 tests[i].want);
	ck_assert_str_eq(ck_etcd_status_name(GRPC_STATUS_UNAVAILABLE), "UNAVAILABLE");
	ck_assert_str_eq(ck_etcd_status_name(GRPC_STATUS_OK), "OK");
	ck_assert_str_eq(ck_etcd_status_name(99), "UNKNOWN");
	ck_assert_str_eq(ck_etcd_status_name(-1), "UNKNOWN");
}
END_TEST

START_TEST(test_etcd3_parse_endpoint)
{
	struct {
		const char *url;
		const char *target; /* NULL: rejected */
		bool tls;
	} tests[] = {
		{ "http://127.0.0.1:2379", "ipv4:127.0.0.1:2379", false },
		{ "https://127.0.0.1:2379", "ipv4:127.0.0.1:2379", true },
		{ "127.0.0.1:2379", "ipv4:127.0.0.1:2379", false },
		{ " http://10.0.0.2:22379/ ", "ipv4:10.0.0.2:22379", false },
		{ "http://[::1]:2379", "ipv6:[::1]:2379", false },
		{ "https://etcd-0.example.com:2379", "dns:///etcd-0.example.com:2379", true },
		{ "localhost:2379", "dns:///localhost:2379", false },
		{ "unix:///run/etcd.sock", "unix:/run/etcd.sock", false },
		{ "http://127.0.0.1", NULL, false },
		{ "http://127.0.0.1:", NULL, false },
		{ "http://127.0.0.1:0", NULL, false },
		{ "http://127.0.0.1:65536", NULL, false },
		{ "http://127.0.0.1:23a9", NULL, false },
		{ "ftp://127.0.0.1:2379", NULL, false },
		{ "http://:2379", NULL, false },
		{ "http://[::1]2379", NULL, false },
		{ "http://[zz]:2379", NULL, false },
		{ "http://a b:2379", NULL, false },
		{ "http://127.0.0.1:2379/v3", NULL, false },
		{ "", NULL, false },
		{ "unix://", NULL, false },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		char *target = NULL;
		bool tls = !tests[i].tls;
		int r = ck_etcd_parse_endpoint(tests[i].url, &target, &tls);
		if (!tests[i].target) {
			ck_assert_msg(r == -EINVAL, "'%s' accepted as '%s'", tests[i].url,
				      target ? target : "");
			ck_assert_ptr_null(target);
			continue;
		}
		ck_assert_msg(r == 0, "'%s' rejected", tests[i].url);
		ck_assert_str_eq(target, tests[i].target);
		ck_assert_int_eq(tls, tests[i].tls);
		free(target);
	}
}
END_TEST

Suite *ck_test_suite_etcd3_retry(void)
{
	Suite *s = suite_create("etcd3_retry");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_etcd3_backoff_doubles_with_jitter);
	tcase_add_test(tc, test_etcd3_retryable);
	tcase_add_test(tc, test_etcd3_deadline_keeps_cause);
	tcase_add_test(tc, test_etcd3_status_errno);
	tcase_add_test(tc, test_etcd3_parse_endpoint);
	suite_add_tcase(s, tc);
	return s;
}
