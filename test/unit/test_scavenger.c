#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"
#include "util/scavenger.h"

/* VmRSS of this process in bytes. */
static size_t rss(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long kib = 0;
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	ck_assert_uint_gt(kib, 0);
	return (size_t)kib * 1024;
}

#define BLOCKS 4096
#define BLOCK (16 * 1024)

START_TEST(test_scavenger_gives_back_freed_heap)
{
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator, not glibc's, serves malloc: nothing to trim. */
	return;
#endif
	/* 64 MiB in blocks pinned apart by small live ones, so that freeing
	 * them leaves holes glibc keeps resident (nothing at the heap's top). */
	static char *big[BLOCKS], *pin[BLOCKS];
	for (int i = 0; i < BLOCKS; i++) {
		big[i] = malloc(BLOCK);
		pin[i] = malloc(32);
		ck_assert_ptr_nonnull(big[i]);
		ck_assert_ptr_nonnull(pin[i]);
		memset(big[i], 0x5a, BLOCK);
	}
	ck_scavenge(); /* what start-up left over, out of the way */
	for (int i = 0; i < BLOCKS; i++)
		free(big[i]);
	size_t before = rss();
	size_t idle = ck_scavenge();
	size_t after = rss();
	ck_assert_uint_ge(idle, (size_t)BLOCKS * BLOCK / 2);
	ck_assert_uint_ge(before - after, (size_t)BLOCKS * BLOCK / 2);

	/* Nothing new was freed: the next call leaves the heap alone. */
	ck_assert_uint_eq(ck_scavenge(), 0);

	/* The memory is still the allocator's to hand out again. */
	for (int i = 0; i < BLOCKS; i++) {
		big[i] = malloc(BLOCK);
		ck_assert_ptr_nonnull(big[i]);
		memset(big[i], 0xa5, BLOCK);
	}
	for (int i = 0; i < BLOCKS; i++) {
		free(big[i]);
		free(pin[i]);
	}
}
END_TEST

START_TEST(test_scavenger_thread_starts_and_stops)
{
	ck_assert_int_lt(ck_scavenger_start(0), 0);
	ck_assert_int_eq(ck_scavenger_start(10), 0);
	ck_assert_int_lt(ck_scavenger_start(10), 0); /* one per process */
	ck_scavenger_stop();
	ck_scavenger_stop(); /* no-op */
	ck_assert_int_eq(ck_scavenger_start(CK_SCAVENGE_INTERVAL_MS), 0);
	ck_scavenger_stop(); /* wakes the thread long before its interval */
}
END_TEST

Suite *ck_test_suite_scavenger(void)
{
	Suite *s = suite_create("scavenger");
	TCase *tc = tcase_create("scavenger");
	tcase_add_test(tc, test_scavenger_gives_back_freed_heap);
	tcase_add_test(tc, test_scavenger_thread_starts_and_stops);
	suite_add_tcase(s, tc);
	return s;
}
