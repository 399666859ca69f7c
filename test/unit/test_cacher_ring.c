/*
 * The watch cache's event ring (storage/cacher/ring.h), with the cases of
 * upstream's watch_cache_test.go: TestWatchCacheBasic's window,
 * TestMarker/TestWaitUntilFreshAndList's "too old resource version"
 * numbers, and TestDynamicCache's resize table.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "storage/cacher/ring.h"

static int dropped;

static void drop(void *item)
{
	(void)item;
	dropped++;
}

/* Items are revisions cast to pointers. */
static void push(struct ck_cacher_ring *r, int64_t rv, int64_t t)
{
	ck_cacher_ring_push(r, (void *)(intptr_t)rv, rv, t);
}

START_TEST(test_cacher_ring_since_and_too_old)
{
	struct ck_cacher_ring r;
	uint64_t seq;
	int64_t oldest;

	dropped = 0;
	ck_cacher_ring_init(&r, 5, 5, 1000000, drop);
	ck_cacher_ring_reset(&r, 10);
	/* empty after a list at 10: from 10 on is fine, 9 is too old */
	ck_assert_int_eq(ck_cacher_ring_since(&r, 10, &seq, &oldest), 0);
	ck_assert_uint_eq(seq, r.end);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 9, &seq, &oldest), -EKEYEXPIRED);
	ck_assert_int_eq(oldest, 10);

	for (int64_t rv = 11; rv <= 15; rv++)
		push(&r, rv, 0);
	/* full, nothing dropped: still serves from the list's revision */
	ck_assert_int_eq(ck_cacher_ring_since(&r, 10, &seq, &oldest), 0);
	ck_assert_uint_eq(seq, r.start);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 12, &seq, &oldest), 0);
	ck_assert_int_eq(ck_cacher_ring_at(&r, seq)->rv, 13);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 15, &seq, &oldest), 0);
	ck_assert_uint_eq(seq, r.end);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 100, &seq, &oldest), 0);
	ck_assert_uint_eq(seq, r.end);

	/* one more with the window long: the oldest goes (capacity is at max) */
	push(&r, 17, 0);
	ck_assert_int_eq(dropped, 1);
	ck_assert_uint_eq(ck_cacher_ring_len(&r), 5);
	/* "too old resource version: 10 (11)": oldest event 12, so 11 is the
	 * oldest watch start */
	ck_assert_int_eq(ck_cacher_ring_since(&r, 10, &seq, &oldest), -EKEYEXPIRED);
	ck_assert_int_eq(oldest, 11);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 11, &seq, &oldest), 0);
	ck_assert_int_eq(ck_cacher_ring_at(&r, seq)->rv, 12);
	/* revisions not in the ring (16): the first newer event */
	ck_assert_int_eq(ck_cacher_ring_since(&r, 16, &seq, &oldest), 0);
	ck_assert_int_eq(ck_cacher_ring_at(&r, seq)->rv, 17);

	/* several events of one revision go together */
	push(&r, 18, 0);
	push(&r, 18, 0);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 17, &seq, &oldest), 0);
	ck_assert_uint_eq(r.end - seq, 2);

	/* a relist empties it; sequences keep growing */
	uint64_t end = r.end;
	ck_cacher_ring_reset(&r, 30);
	ck_assert_uint_eq(ck_cacher_ring_len(&r), 0);
	ck_assert_uint_eq(r.start, end);
	ck_assert_int_eq(dropped, 8);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 29, &seq, &oldest), -EKEYEXPIRED);
	ck_assert_int_eq(oldest, 30);
	ck_cacher_ring_release(&r);
}
END_TEST

/*
 * Upstream TestDynamicCache: a full ring of count events recorded interval
 * apart, then one more event interval later; the resize decides the
 * capacity and where the history starts (the push then drops the oldest
 * when the ring is still full).
 */
START_TEST(test_cacher_ring_dynamic_capacity)
{
	static const int64_t fresh = 75000; /* eventFreshDuration, ms */
	static const struct {
		size_t count, cap, start, lower, upper;
		int64_t interval_ms;
		size_t want_cap, want_start;
	} cases[] = {
		{ 5, 5, 0, 5 / 2, 5 * 2, fresh / 6, 10, 0 },
		{ 5, 5, 0, 5 / 2, 5 * 2, fresh / 4, 5, 0 },
		{ 5, 5, 0, 5 / 2, 5 * 2, fresh + 1000, 2, 3 },
		{ 5, 5, 0, 3, 5 * 2, fresh + 1000, 3, 2 },
		{ 5, 5, 0, 5 / 2, 8, fresh / 6, 8, 0 },
		{ 5, 5, 3, 5 / 2, 5 * 2, fresh / 6, 10, 3 },
		{ 5, 5, 3, 5 / 2, 5 * 2, fresh / 4, 5, 3 },
		{ 5, 5, 3, 5 / 2, 5 * 2, fresh + 1000, 2, 6 },
		{ 5, 5, 3, 3, 5 * 2, fresh + 1000, 3, 5 },
		{ 5, 5, 3, 5 / 2, 8, fresh / 6, 8, 3 },
		{ 8, 8, 0, 8 / 2, 8 * 2, fresh / 9, 16, 0 },
		{ 8, 8, 0, 8 / 2, 8 * 2, fresh / 8, 8, 0 },
		{ 8, 8, 0, 8 / 2, 8 * 2, fresh / 2 + 1000, 4, 4 },
		{ 8, 8, 0, 7, 8 * 2, fresh / 2 + 1000, 7, 1 },
		{ 8, 8, 0, 8 / 2, 10, fresh / 9, 10, 0 },
		{ 8, 8, 3, 8 / 2, 8 * 2, fresh / 9, 16, 3 },
		{ 8, 8, 3, 8 / 2, 8 * 2, fresh / 8, 8, 3 },
		{ 8, 8, 3, 8 / 2, 8 * 2, fresh / 2 + 1000, 4, 7 },
		{ 8, 8, 3, 7, 8 * 2, fresh / 2 + 1000, 7, 4 },
		{ 8, 8, 3, 8 / 2, 10, fresh / 9, 10, 3 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_cacher_ring r;
		ck_cacher_ring_init(&r, cases[i].lower, cases[i].upper, fresh, drop);
		/* the case's capacity and start index, as upstream's test sets them */
		free(r.slots);
		r.capacity = cases[i].cap;
		r.slots = calloc(r.capacity, sizeof(*r.slots));
		r.start = r.end = cases[i].start;
		for (size_t k = 0; k < cases[i].count; k++)
			push(&r, (int64_t)(r.end + 1), (int64_t)k * cases[i].interval_ms);
		push(&r, (int64_t)(r.end + 1), (int64_t)cases[i].count * cases[i].interval_ms);

		bool grew = cases[i].want_cap > cases[i].cap;
		ck_assert_msg(r.capacity == cases[i].want_cap, "case %zu: capacity %zu, want %zu",
			      i, r.capacity, cases[i].want_cap);
		ck_assert_msg(r.start == cases[i].want_start + (grew ? 0 : 1),
			      "case %zu: start %llu, want %zu", i, (unsigned long long)r.start,
			      cases[i].want_start + (grew ? 0 : 1));
		ck_assert_uint_eq(r.end, cases[i].start + cases[i].count + 1);
		for (uint64_t s = r.start; s < r.end; s++) /* every event where it belongs */
			ck_assert_int_eq(ck_cacher_ring_at(&r, s)->rv, (int64_t)s + 1);
		ck_cacher_ring_release(&r);
	}
}
END_TEST

/* Upstream TestCacheIncreaseDoesNotBreakWatch. */
START_TEST(test_cacher_ring_increase_keeps_too_old)
{
	struct ck_cacher_ring r;
	uint64_t seq;
	int64_t oldest;
	ck_cacher_ring_init(&r, 2, 0, 75000, NULL);
	ck_cacher_ring_reset(&r, 10);
	push(&r, 20, 0);
	push(&r, 30, 150000); /* rotates 20 out */
	push(&r, 40, 150000);
	push(&r, 50, 151000); /* grows */
	ck_assert_uint_eq(r.capacity, 4);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 15, &seq, &oldest), -EKEYEXPIRED);
	ck_assert_int_eq(oldest, 29);
	ck_assert_int_eq(ck_cacher_ring_since(&r, 29, &seq, &oldest), 0);
	ck_assert_int_eq(ck_cacher_ring_at(&r, seq)->rv, 30);
	ck_cacher_ring_release(&r);
}
END_TEST

/* Upstream's defaults: 100 up to 100 * 1024 with a 75 s window. */
START_TEST(test_cacher_ring_defaults)
{
	struct ck_cacher_ring r;
	dropped = 0;
	ck_cacher_ring_init(&r, 0, 0, 0, drop);
	ck_assert_uint_eq(r.capacity, 100);
	ck_assert_uint_eq(r.max_capacity, 100 * 1024);
	ck_assert_int_eq(r.window_ms, 75000);
	/* a burst grows it to the top and no further */
	for (int64_t rv = 1; rv <= 200000; rv++)
		push(&r, rv, 0);
	ck_assert_uint_eq(r.capacity, 100 * 1024);
	ck_assert_uint_eq(ck_cacher_ring_len(&r), 100 * 1024);
	/* a quiet period, then one event: it halves */
	push(&r, 200001, 200000);
	ck_assert_uint_eq(r.capacity, 50 * 1024);
	ck_cacher_ring_release(&r);
	ck_assert_int_eq(dropped, 200001);
	ck_cacher_ring_release(&r);
	ck_cacher_ring_release(NULL);
}
END_TEST

Suite *ck_test_suite_cacher_ring(void)
{
	Suite *s = suite_create("cacher_ring");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_cacher_ring_since_and_too_old);
	tcase_add_test(tc, test_cacher_ring_dynamic_capacity);
	tcase_add_test(tc, test_cacher_ring_increase_keeps_too_old);
	tcase_add_test(tc, test_cacher_ring_defaults);
	suite_add_tcase(s, tc);
	return s;
}
