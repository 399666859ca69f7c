/*
 * Rate limiters (client/ratelimit.h): upstream's
 * default_rate_limiters_test.go tables, x/time/rate token bucket semantics
 * at chosen times, and the reflector's exponential backoff.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>

#include "client/ratelimit.h"
#include "util/time.h"

#define MS INT64_C(1000000)
#define SEC INT64_C(1000000000)

START_TEST(test_item_exponential)
{
	struct ck_rate_limiter *l = ck_rate_limiter_exponential_new(1 * MS, 1 * SEC);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 1 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 2 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 4 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 8 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 16 * MS);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 5);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 1 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 2 * MS);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "two"), 2);
	ck_rate_limiter_forget(l, "one");
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 0);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 1 * MS);
	ck_rate_limiter_free(l);
}
END_TEST

START_TEST(test_item_exponential_overflow)
{
	struct ck_rate_limiter *l = ck_rate_limiter_exponential_new(1 * MS, 1000 * SEC);
	for (int i = 0; i < 5; i++)
		ck_rate_limiter_when(l, "one");
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 32 * MS);
	for (int i = 0; i < 1000; i++)
		ck_rate_limiter_when(l, "overflow1");
	ck_assert_int_eq(ck_rate_limiter_when(l, "overflow1"), 1000 * SEC);
	ck_rate_limiter_free(l);

	l = ck_rate_limiter_exponential_new(60 * SEC, 1000 * 3600 * SEC);
	for (int i = 0; i < 2; i++)
		ck_rate_limiter_when(l, "two");
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 4 * 60 * SEC);
	for (int i = 0; i < 1000; i++)
		ck_rate_limiter_when(l, "overflow2");
	ck_assert_int_eq(ck_rate_limiter_when(l, "overflow2"), 1000 * 3600 * SEC);
	ck_rate_limiter_free(l);
}
END_TEST

START_TEST(test_item_fast_slow)
{
	struct ck_rate_limiter *l = ck_rate_limiter_fast_slow_new(5 * MS, 10 * SEC, 3);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 10 * SEC);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 10 * SEC);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 5);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "two"), 2);
	ck_rate_limiter_forget(l, "one");
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 0);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_rate_limiter_free(l);
}
END_TEST

START_TEST(test_max_of)
{
	struct ck_rate_limiter *both[2] = {
		ck_rate_limiter_fast_slow_new(5 * MS, 3 * SEC, 3),
		ck_rate_limiter_exponential_new(1 * MS, 1 * SEC),
	};
	struct ck_rate_limiter *l = ck_rate_limiter_max_of_new(both, 2);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 3 * SEC);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 3 * SEC);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 5);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "two"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "two"), 2);
	ck_rate_limiter_forget(l, "one");
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "one"), 0);
	ck_assert_int_eq(ck_rate_limiter_when(l, "one"), 5 * MS);
	ck_rate_limiter_free(l);
}
END_TEST

START_TEST(test_default_controller)
{
	/* Exponential from 5 ms; the 10 qps / 100 burst bucket only bites past 100. */
	struct ck_rate_limiter *l = ck_rate_limiter_default_controller_new();
	ck_assert_int_eq(ck_rate_limiter_when(l, "a"), 5 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "a"), 10 * MS);
	ck_assert_int_eq(ck_rate_limiter_when(l, "a"), 20 * MS);
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "a"), 3);
	for (int i = 0; i < 200; i++)
		ck_rate_limiter_when(l, "b");
	ck_assert_int_eq(ck_rate_limiter_when(l, "b"), 1000 * SEC); /* capped */
	ck_rate_limiter_forget(l, "a");
	ck_assert_int_eq(ck_rate_limiter_num_requeues(l, "a"), 0);
	ck_rate_limiter_free(l);

	/* Past the burst, distinct items queue behind each other at 10 qps. */
	l = ck_rate_limiter_default_controller_new();
	char item[16];
	for (int i = 0; i < 100; i++) {
		snprintf(item, sizeof(item), "i%d", i);
		ck_assert_int_eq(ck_rate_limiter_when(l, item), 5 * MS);
	}
	int64_t d = ck_rate_limiter_when(l, "i100");
	ck_assert_int_gt(d, 90 * MS);
	ck_assert_int_le(d, 100 * MS);
	d = ck_rate_limiter_when(l, "i101");
	ck_assert_int_gt(d, 190 * MS);
	ck_assert_int_le(d, 200 * MS);
	ck_rate_limiter_free(l);
}
END_TEST

START_TEST(test_token_bucket)
{
	struct ck_token_bucket tb;
	ck_token_bucket_init(&tb, 2, 3); /* 2 per second, burst 3 */
	int64_t t = 1000 * SEC;
	/* Full at first: three at once. */
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	/* Then one every 500 ms, later callers queueing behind. */
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 500 * MS);
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 1000 * MS);
	/* 2 s later: 4 tokens earned, 2 owed: 2 available. */
	t += 2 * SEC;
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 500 * MS);
	/* Never more than burst stored. */
	t += 100 * SEC;
	ck_assert(ck_token_bucket_try_accept_at(&tb, t));
	ck_assert(ck_token_bucket_try_accept_at(&tb, t));
	ck_assert(ck_token_bucket_try_accept_at(&tb, t));
	ck_assert(!ck_token_bucket_try_accept_at(&tb, t));
	/* A refused try takes nothing. */
	ck_assert(ck_token_bucket_try_accept_at(&tb, t + 500 * MS));
	ck_assert(!ck_token_bucket_try_accept_at(&tb, t + 500 * MS));
	ck_token_bucket_release(&tb);

	/* qps <= 0: no limit. */
	ck_token_bucket_init(&tb, -1, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(ck_token_bucket_reserve_at(&tb, t), 0);
	ck_token_bucket_release(&tb);
}
END_TEST

START_TEST(test_token_bucket_spam_filter)
{
	/* The event spam filter's bucket: 25 at once, then one per 300 s. */
	struct ck_token_bucket tb;
	ck_token_bucket_init(&tb, 1.0 / 300, 25);
	int64_t t = 5000 * SEC;
	for (int i = 0; i < 25; i++)
		ck_assert(ck_token_bucket_try_accept_at(&tb, t));
	ck_assert(!ck_token_bucket_try_accept_at(&tb, t + 299 * SEC));
	ck_assert(ck_token_bucket_try_accept_at(&tb, t + 300 * SEC));
	ck_assert(!ck_token_bucket_try_accept_at(&tb, t + 301 * SEC));
	ck_token_bucket_release(&tb);
}
END_TEST

START_TEST(test_backoff)
{
	struct ck_backoff b;
	ck_backoff_init(&b, 800 * MS, 30 * SEC, 120 * SEC, 2.0, 0);
	int64_t t = 10 * SEC;
	const int64_t want[] = { 800 * MS,   1600 * MS,	 3200 * MS, 6400 * MS,
				 12800 * MS, 25600 * MS, 30 * SEC,  30 * SEC };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(ck_backoff_next_at(&b, t), want[i]);
		t += SEC;
	}
	/* Quiet for longer than the reset duration: from the start again. */
	t += 121 * SEC;
	ck_assert_int_eq(ck_backoff_next_at(&b, t), 800 * MS);
	ck_assert_int_eq(ck_backoff_next_at(&b, t), 1600 * MS);

	/* With jitter 1: in [d, 2d). */
	ck_backoff_init(&b, 800 * MS, 30 * SEC, 120 * SEC, 2.0, 1.0);
	for (int i = 0; i < 100; i++) {
		ck_backoff_init(&b, 800 * MS, 30 * SEC, 120 * SEC, 2.0, 1.0);
		int64_t d = ck_backoff_next_at(&b, t);
		ck_assert_int_ge(d, 800 * MS);
		ck_assert_int_lt(d, 1600 * MS);
	}
}
END_TEST

START_TEST(test_jitter)
{
	for (int i = 0; i < 1000; i++) {
		int64_t d = ck_jitter(2 * SEC, 1.2);
		ck_assert_int_ge(d, 2 * SEC);
		ck_assert_int_lt(d, 2 * SEC + 2400 * MS);
		double r = ck_rand_double();
		ck_assert(r >= 0 && r < 1);
	}
}
END_TEST

Suite *ck_test_suite_client_ratelimit(void)
{
	Suite *s = suite_create("client_ratelimit");
	TCase *tc = tcase_create("limiters");
	tcase_add_test(tc, test_item_exponential);
	tcase_add_test(tc, test_item_exponential_overflow);
	tcase_add_test(tc, test_item_fast_slow);
	tcase_add_test(tc, test_max_of);
	tcase_add_test(tc, test_default_controller);
	tcase_add_test(tc, test_token_bucket);
	tcase_add_test(tc, test_token_bucket_spam_filter);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_jitter);
	suite_add_tcase(s, tc);
	return s;
}
