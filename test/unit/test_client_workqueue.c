/*
 * The work queue (client/workqueue.h), with upstream's queue_test.go,
 * delaying_queue_test.go and rate_limiting_queue_test.go cases ported
 * (real clock, short delays), and a stress of 8 workers that must never
 * hold one key at the same time.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/runner.h"
#include "client/ratelimit.h"
#include "client/workqueue.h"
#include "util/time.h"

#define MS INT64_C(1000000)

static void sleep_ms(long ms)
{
	usleep((useconds_t)ms * 1000);
}

/* Waits up to 10 s for the queue to hold n items. */
static bool wait_len(struct ck_workqueue *q, size_t n)
{
	for (int i = 0; i < 10000; i++) {
		if (ck_workqueue_len(q) == n)
			return true;
		sleep_ms(1);
	}
	return false;
}

static char *get(struct ck_workqueue *q)
{
	char *item = NULL;
	ck_assert_int_eq(ck_workqueue_get(q, &item), 0);
	return item;
}

static void get_done(struct ck_workqueue *q, const char *want)
{
	char *item = get(q);
	ck_assert_str_eq(item, want);
	ck_workqueue_done(q, item);
	free(item);
}

/* ---- TestBasic / TestAddWhileProcessing ---- */

struct basic {
	struct ck_workqueue *q;
	int id;
	atomic_int bad;
	bool readd;
};

static void *producer(void *arg)
{
	struct basic *b = arg;
	char item[16];
	snprintf(item, sizeof(item), "%d", b->id);
	for (int j = 0; j < (b->readd ? 1 : 50); j++) {
		ck_workqueue_add(b->q, item);
		if (!b->readd)
			sleep_ms(1);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct basic *b = arg;
	int counters[64] = { 0 };
	for (;;) {
		char *item;
		if (ck_workqueue_get(b->q, &item) < 0)
			return NULL;
		if (strcmp(item, "added after shutdown!") == 0)
			atomic_fetch_add(&b->bad, 1);
		if (b->readd) {
			int n = (int)strtol(item, NULL, 10);
			if (++counters[n] < 2)
				ck_workqueue_add(b->q, item);
		} else {
			usleep(3000);
		}
		ck_workqueue_done(b->q, item);
		free(item);
	}
}

static void run_basic(bool drain, bool readd)
{
	struct ck_workqueue *q = ck_workqueue_new("basic", NULL);
	struct basic producers[50], consumers[10];
	pthread_t pt[50], ct[10];
	atomic_int bad = 0;
	for (int i = 0; i < 50; i++) {
		producers[i] = (struct basic){ .q = q, .id = i, .readd = readd };
		pthread_create(&pt[i], NULL, producer, &producers[i]);
	}
	for (int i = 0; i < 10; i++) {
		consumers[i] = (struct basic){ .q = q, .id = i, .readd = readd };
		pthread_create(&ct[i], NULL, consumer, &consumers[i]);
	}
	for (int i = 0; i < 50; i++)
		pthread_join(pt[i], NULL);
	if (drain)
		ck_workqueue_shutdown_with_drain(q);
	else
		ck_workqueue_shutdown(q);
	ck_workqueue_add(q, "added after shutdown!");
	for (int i = 0; i < 10; i++) {
		pthread_join(ct[i], NULL);
		bad += atomic_load(&consumers[i].bad);
	}
	ck_assert_int_eq(bad, 0);
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_workqueue_free(q);
}

START_TEST(test_basic)
{
	run_basic(false, false);
	run_basic(true, false);
}
END_TEST

START_TEST(test_add_while_processing)
{
	run_basic(false, true);
	run_basic(true, true);
}
END_TEST

START_TEST(test_len)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	ck_assert_uint_eq(ck_workqueue_len(q), 1);
	ck_workqueue_add(q, "bar");
	ck_assert_uint_eq(ck_workqueue_len(q), 2);
	ck_workqueue_add(q, "foo"); /* already there: no change */
	ck_assert_uint_eq(ck_workqueue_len(q), 2);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_reinsert)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	char *item = get(q);
	ck_assert_str_eq(item, "foo");
	ck_workqueue_add(q, item); /* while processing: dirty, not queued */
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_workqueue_done(q, item);
	free(item);
	ck_assert_uint_eq(ck_workqueue_len(q), 1);
	get_done(q, "foo");
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_order)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "c");
	ck_workqueue_add(q, "a");
	ck_workqueue_add(q, "b");
	ck_workqueue_add(q, "c");
	get_done(q, "c");
	get_done(q, "a");
	get_done(q, "b");
	ck_workqueue_free(q);
}
END_TEST

static void *drain_thread(void *arg)
{
	ck_workqueue_shutdown_with_drain(arg);
	return NULL;
}

static void *shutdown_thread(void *arg)
{
	ck_workqueue_shutdown(arg);
	return NULL;
}

/* Gets until get says shutdown (as upstream's loop). */
static void spin_until_shutdown(struct ck_workqueue *q)
{
	for (;;) {
		char *item;
		if (ck_workqueue_get(q, &item) == -ESHUTDOWN)
			return;
		ck_workqueue_done(q, item);
		free(item);
	}
}

START_TEST(test_drain_with_shutdown_with_drain)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	ck_workqueue_add(q, "bar");
	char *first = get(q), *second = get(q);
	pthread_t t;
	pthread_create(&t, NULL, drain_thread, q);
	spin_until_shutdown(q);
	sleep_ms(20);
	ck_workqueue_done(q, first);
	ck_workqueue_done(q, second);
	pthread_join(t, NULL);
	free(first);
	free(second);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_no_drain_with_shutdown)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	ck_workqueue_add(q, "bar");
	char *first = get(q), *second = get(q);
	pthread_t t;
	pthread_create(&t, NULL, shutdown_thread, q);
	pthread_join(t, NULL); /* returns without the items being done */
	free(first);
	free(second);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_force_shutdown_after_drain)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	ck_workqueue_add(q, "bar");
	char *first = get(q), *second = get(q);
	pthread_t t;
	pthread_create(&t, NULL, drain_thread, q);
	spin_until_shutdown(q);
	ck_workqueue_shutdown(q); /* a second signal: stop waiting for the drain */
	pthread_join(t, NULL);
	free(first);
	free(second);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_drain_with_dirty_item)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add(q, "foo");
	char *gotten = get(q);
	ck_workqueue_add(q, "foo");
	pthread_t t;
	pthread_create(&t, NULL, drain_thread, q);
	spin_until_shutdown(q);
	ck_workqueue_done(q, gotten); /* dirty: back in the queue */
	free(gotten);
	char *again;
	ck_assert_int_eq(ck_workqueue_get(q, &again), 0);
	ck_assert_str_eq(again, "foo");
	ck_workqueue_done(q, again);
	free(again);
	ck_assert_int_eq(ck_workqueue_get(q, &again), -ESHUTDOWN);
	pthread_join(t, NULL);
	ck_workqueue_free(q);
}
END_TEST

/* ---- delaying ---- */

START_TEST(test_delay_simple)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add_after(q, "foo", 50 * MS);
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	sleep_ms(20);
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_assert(wait_len(q, 1));
	get_done(q, "foo");
	sleep_ms(60);
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_delay_zero_is_immediate)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add_after(q, "foo", 0);
	ck_workqueue_add_after(q, "bar", -5 * MS);
	ck_assert_uint_eq(ck_workqueue_len(q), 2);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_delay_deduping)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	int64_t t0 = ck_time_mono_ns();
	ck_workqueue_add_after(q, "foo", 100 * MS);
	ck_workqueue_add_after(q, "foo", 300 * MS); /* later: ignored */
	ck_assert(wait_len(q, 1));
	ck_assert_int_lt(ck_time_mono_ns() - t0, 250 * MS);
	get_done(q, "foo");
	sleep_ms(300);
	ck_assert_uint_eq(ck_workqueue_len(q), 0); /* the second add did not wait on */

	/* The earlier of two wins. */
	t0 = ck_time_mono_ns();
	ck_workqueue_add_after(q, "foo", 400 * MS);
	ck_workqueue_add_after(q, "foo", 50 * MS);
	ck_assert(wait_len(q, 1));
	ck_assert_int_lt(ck_time_mono_ns() - t0, 300 * MS);
	get_done(q, "foo");
	sleep_ms(450);
	ck_assert_uint_eq(ck_workqueue_len(q), 0);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_delay_add_two_fire_early)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add_after(q, "foo", 300 * MS);
	ck_workqueue_add_after(q, "bar", 50 * MS);
	ck_assert(wait_len(q, 1));
	char *item = get(q);
	ck_assert_str_eq(item, "bar");
	ck_workqueue_add_after(q, "baz", 600 * MS);
	ck_assert(wait_len(q, 1));
	char *second = get(q);
	ck_assert_str_eq(second, "foo");
	ck_assert(wait_len(q, 1));
	char *third = get(q);
	ck_assert_str_eq(third, "baz");
	free(item);
	free(second);
	free(third);
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_delay_copy_shifting)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add_after(q, "foo", 150 * MS);
	ck_workqueue_add_after(q, "bar", 100 * MS);
	ck_workqueue_add_after(q, "baz", 50 * MS);
	ck_assert(wait_len(q, 3));
	get_done(q, "baz");
	get_done(q, "bar");
	get_done(q, "foo");
	ck_workqueue_free(q);
}
END_TEST

START_TEST(test_shutdown_drops_delayed)
{
	struct ck_workqueue *q = ck_workqueue_new(NULL, NULL);
	ck_workqueue_add_after(q, "later", 50 * MS);
	ck_workqueue_add(q, "now");
	ck_workqueue_shutdown(q);
	ck_workqueue_add(q, "ignored");
	ck_workqueue_add_after(q, "ignored too", 1);
	sleep_ms(100);
	get_done(q, "now");
	char *item;
	ck_assert_int_eq(ck_workqueue_get(q, &item), -ESHUTDOWN);
	ck_workqueue_free(q);
}
END_TEST

/* TestRateLimitingQueue */
START_TEST(test_rate_limiting_queue)
{
	struct ck_workqueue *q =
	    ck_workqueue_new("rl", ck_rate_limiter_exponential_new(1 * MS, 1000 * MS));
	ck_workqueue_add_rate_limited(q, "one");
	ck_workqueue_add_rate_limited(q, "one");
	ck_assert_int_eq(ck_workqueue_num_requeues(q, "one"), 2);
	ck_workqueue_add_rate_limited(q, "two");
	ck_assert_int_eq(ck_workqueue_num_requeues(q, "two"), 1);
	ck_workqueue_forget(q, "one");
	ck_assert_int_eq(ck_workqueue_num_requeues(q, "one"), 0);
	ck_workqueue_add_rate_limited(q, "one");
	ck_assert_int_eq(ck_workqueue_num_requeues(q, "one"), 1);
	ck_assert(wait_len(q, 2)); /* one (deduplicated) and two */
	ck_workqueue_free(q);
}
END_TEST

/* ---- never two workers on one key ---- */

#define KEYS 20
struct stress {
	struct ck_workqueue *q;
	atomic_int holders[KEYS];
	atomic_int processed;
	atomic_int overlaps;
	atomic_bool adding;
};

static void *stress_worker(void *arg)
{
	struct stress *s = arg;
	for (;;) {
		char *item;
		if (ck_workqueue_get(s->q, &item) < 0)
			return NULL;
		int k = (int)strtol(item + 1, NULL, 10);
		if (atomic_fetch_add(&s->holders[k], 1) != 0)
			atomic_fetch_add(&s->overlaps, 1);
		usleep(50 + (unsigned)(k * 7 % 100));
		/* Re-add while processing: must come back only after done. */
		if (atomic_load(&s->adding) && k % 3 == 0)
			ck_workqueue_add(s->q, item);
		atomic_fetch_sub(&s->holders[k], 1);
		atomic_fetch_add(&s->processed, 1);
		ck_workqueue_done(s->q, item);
		free(item);
	}
}

START_TEST(test_eight_workers_never_share_a_key)
{
	struct stress *s = calloc(1, sizeof(*s));
	s->q = ck_workqueue_new("stress", NULL);
	atomic_store(&s->adding, true);
	pthread_t workers[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&workers[i], NULL, stress_worker, s);
	char key[16];
	for (int round = 0; round < 2000; round++) {
		snprintf(key, sizeof(key), "k%d", round % KEYS);
		ck_workqueue_add(s->q, key);
		if (round % 100 == 0)
			usleep(1000);
	}
	atomic_store(&s->adding, false);
	ck_workqueue_shutdown_with_drain(s->q);
	for (int i = 0; i < 8; i++)
		pthread_join(workers[i], NULL);
	ck_assert_int_eq(atomic_load(&s->overlaps), 0);
	ck_assert_int_gt(atomic_load(&s->processed), KEYS);
	ck_workqueue_free(s->q);
	free(s);
}
END_TEST

Suite *ck_test_suite_client_workqueue(void)
{
	Suite *s = suite_create("client_workqueue");
	TCase *tc = tcase_create("queue");
	tcase_set_timeout(tc, ck_test_timeout(60));
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_add_while_processing);
	tcase_add_test(tc, test_len);
	tcase_add_test(tc, test_reinsert);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_drain_with_shutdown_with_drain);
	tcase_add_test(tc, test_no_drain_with_shutdown);
	tcase_add_test(tc, test_force_shutdown_after_drain);
	tcase_add_test(tc, test_drain_with_dirty_item);
	tcase_add_test(tc, test_delay_simple);
	tcase_add_test(tc, test_delay_zero_is_immediate);
	tcase_add_test(tc, test_delay_deduping);
	tcase_add_test(tc, test_delay_add_two_fire_early);
	tcase_add_test(tc, test_delay_copy_shifting);
	tcase_add_test(tc, test_shutdown_drops_delayed);
	tcase_add_test(tc, test_rate_limiting_queue);
	tcase_add_test(tc, test_eight_workers_never_share_a_key);
	suite_add_tcase(s, tc);
	return s;
}
