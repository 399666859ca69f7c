/* Cancellation tokens (util/cancel.h) and the LRU cache (util/lru.h). */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cancel.h"
#include "util/common.h"
#include "util/lru.h"
#include "util/time.h"

static void count_hook(void *arg)
{
	(*(int *)arg)++;
}

static void *fire_later(void *arg)
{
	usleep(50 * 1000);
	ck_cancel_fire(arg);
	return NULL;
}

START_TEST(test_cancel_basics)
{
	struct ck_cancel c;
	ck_cancel_init(&c);
	ck_assert(!ck_cancel_fired(&c));
	ck_assert_int_eq(ck_cancel_sleep_ms(&c, 1), 0);
	int calls = 0, other = 0;
	struct ck_cancel_hook h, h2;
	ck_assert_int_eq(ck_cancel_hook_add(&c, &h, count_hook, &calls), 0);
	ck_assert_int_eq(ck_cancel_hook_add(&c, &h2, count_hook, &other), 0);
	ck_cancel_hook_remove(&c, &h2);
	ck_cancel_fire(&c);
	ck_cancel_fire(&c);
	ck_assert(ck_cancel_fired(&c));
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(other, 0);
	ck_assert_int_eq(ck_cancel_sleep_ms(&c, 10000), -ECANCELED);
	ck_assert_int_eq(ck_cancel_sleep_ms(&c, 0), -ECANCELED);
	ck_assert_int_eq(ck_cancel_hook_add(&c, &h, count_hook, &calls), -ECANCELED);
	ck_assert_int_eq(calls, 1);
	ck_cancel_wait(&c);
	ck_cancel_release(&c);

	/* NULL never fires. */
	ck_assert(!ck_cancel_fired(NULL));
	ck_assert_int_eq(ck_cancel_sleep_ms(NULL, 1), 0);
	ck_assert_int_eq(ck_cancel_hook_add(NULL, &h, count_hook, &calls), 0);
	ck_cancel_hook_remove(NULL, &h);
	ck_cancel_fire(NULL);
}
END_TEST

START_TEST(test_cancel_wakes_sleepers)
{
	struct ck_cancel c;
	ck_cancel_init(&c);
	pthread_t t;
	pthread_create(&t, NULL, fire_later, &c);
	int64_t start = ck_time_mono_ns();
	ck_assert_int_eq(ck_cancel_sleep_ms(&c, 10000), -ECANCELED);
	ck_assert_int_lt(ck_time_mono_ns() - start, INT64_C(5) * 1000000000);
	pthread_join(t, NULL);
	ck_cancel_release(&c);
}
END_TEST

static void free_int(void *p)
{
	free(p);
}

static int *num(int v)
{
	int *p = malloc(sizeof(*p));
	*p = v;
	return p;
}

START_TEST(test_lru)
{
	struct ck_lru *l = ck_lru_new(3, free_int);
	ck_lru_add(l, "a", num(1));
	ck_lru_add(l, "b", num(2));
	ck_lru_add(l, "c", num(3));
	ck_assert_uint_eq(ck_lru_len(l), 3);
	ck_assert_int_eq(*(int *)ck_lru_get(l, "a"), 1); /* a is now the most recent */
	ck_lru_add(l, "d", num(4));			 /* evicts b, the least recent */
	ck_assert_ptr_null(ck_lru_get(l, "b"));
	ck_assert_ptr_nonnull(ck_lru_peek(l, "c"));
	ck_lru_add(l, "e", num(5)); /* evicts c: peek did not touch it */
	ck_assert_ptr_null(ck_lru_peek(l, "c"));
	ck_lru_add(l, "a", num(10)); /* replaces (frees the old value) */
	ck_assert_int_eq(*(int *)ck_lru_get(l, "a"), 10);
	ck_assert_uint_eq(ck_lru_len(l), 3);
	ck_lru_remove(l, "a");
	ck_lru_remove(l, "nope");
	ck_assert_uint_eq(ck_lru_len(l), 2);
	ck_lru_free(l);
	ck_lru_free(NULL);
}
END_TEST

Suite *ck_test_suite_cancel(void)
{
	Suite *s = suite_create("cancel");
	TCase *tc = tcase_create("cancel");
	tcase_add_test(tc, test_cancel_basics);
	tcase_add_test(tc, test_cancel_wakes_sleepers);
	tcase_add_test(tc, test_lru);
	suite_add_tcase(s, tc);
	return s;
}
