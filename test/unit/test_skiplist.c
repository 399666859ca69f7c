/* util/skiplist.h: an ordered string map, checked against a sorted array. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/skiplist.h"

static int freed;

static void count_free(void *v)
{
	(void)v;
	freed++;
}

START_TEST(test_skiplist_basic)
{
	struct ck_skiplist l;
	int a = 1, b = 2, c = 3, d = 4;

	ck_skiplist_init(&l, NULL);
	ck_assert_ptr_null(ck_skiplist_first(&l));
	ck_assert_ptr_null(ck_skiplist_get(&l, "x"));
	ck_assert_ptr_null(ck_skiplist_put(&l, "/b", &b));
	ck_assert_ptr_null(ck_skiplist_put(&l, "/a", &a));
	ck_assert_ptr_null(ck_skiplist_put(&l, "/c", &c));
	ck_assert_ptr_null(ck_skiplist_put(&l, "", &d));
	ck_assert_uint_eq(ck_skiplist_count(&l), 4);
	ck_assert_ptr_eq(ck_skiplist_get(&l, "/a"), &a);
	ck_assert_ptr_eq(ck_skiplist_get(&l, ""), &d);
	/* replacing returns the old value */
	ck_assert_ptr_eq(ck_skiplist_put(&l, "/b", &d), &b);
	ck_assert_ptr_eq(ck_skiplist_get(&l, "/b"), &d);
	ck_assert_uint_eq(ck_skiplist_count(&l), 4);

	/* order, seek */
	struct ck_skiplist_node *n = ck_skiplist_first(&l);
	ck_assert_str_eq(n->key, "");
	n = ck_skiplist_next(n);
	ck_assert_str_eq(n->key, "/a");
	n = ck_skiplist_seek(&l, "/aa");
	ck_assert_str_eq(n->key, "/b");
	n = ck_skiplist_seek(&l, "/b");
	ck_assert_str_eq(n->key, "/b");
	ck_assert_ptr_null(ck_skiplist_seek(&l, "/d"));

	ck_assert_ptr_eq(ck_skiplist_remove(&l, "/b"), &d);
	ck_assert_ptr_null(ck_skiplist_remove(&l, "/b"));
	ck_assert_ptr_null(ck_skiplist_get(&l, "/b"));
	ck_assert_str_eq(ck_skiplist_seek(&l, "/b")->key, "/c");
	ck_assert_uint_eq(ck_skiplist_count(&l), 3);
	ck_skiplist_release(&l);
	ck_skiplist_release(&l);
	ck_skiplist_release(NULL);
}
END_TEST

/* Bytes above 0x7f sort after ASCII (unsigned, as etcd and Go order keys). */
START_TEST(test_skiplist_unsigned_order)
{
	struct ck_skiplist l;
	int v = 0;
	ck_skiplist_init(&l, NULL);
	ck_skiplist_put(&l, "a\xc3\xa9", &v);
	ck_skiplist_put(&l, "az", &v);
	ck_skiplist_put(&l, "a/", &v);
	struct ck_skiplist_node *n = ck_skiplist_first(&l);
	ck_assert_str_eq(n->key, "a/");
	ck_assert_str_eq(ck_skiplist_next(n)->key, "az");
	ck_assert_str_eq(ck_skiplist_next(ck_skiplist_next(n))->key, "a\xc3\xa9");
	ck_skiplist_release(&l);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Random puts and removes against a reference set; free_value at release. */
START_TEST(test_skiplist_random)
{
	enum { KEYS = 2000, OPS = 20000 };
	static char keys[KEYS][16];
	static int present[KEYS];
	struct ck_skiplist l;
	unsigned seed = 12345;

	memset(present, 0, sizeof(present));
	for (int i = 0; i < KEYS; i++)
		snprintf(keys[i], sizeof(keys[i]), "/k/%05d", (i * 7919) % 100000);
	freed = 0;
	ck_skiplist_init(&l, count_free);
	for (int op = 0; op < OPS; op++) {
		seed = seed * 1103515245u + 12345u;
		int k = (int)((seed >> 8) % KEYS);
		if ((seed >> 4) & 1) {
			void *old = ck_skiplist_put(&l, keys[k], keys[k]);
			ck_assert(present[k] ? old == keys[k] : old == NULL);
			present[k] = 1;
		} else {
			void *old = ck_skiplist_remove(&l, keys[k]);
			ck_assert(present[k] ? old == keys[k] : old == NULL);
			present[k] = 0;
		}
	}
	char *sorted[KEYS];
	size_t n = 0;
	for (int i = 0; i < KEYS; i++) {
		if (present[i])
			sorted[n++] = keys[i];
		ck_assert_ptr_eq(ck_skiplist_get(&l, keys[i]), present[i] ? keys[i] : NULL);
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	ck_assert_uint_eq(ck_skiplist_count(&l), n);
	size_t i = 0;
	for (struct ck_skiplist_node *nd = ck_skiplist_first(&l); nd; nd = ck_skiplist_next(nd))
		ck_assert_str_eq(nd->key, sorted[i++]);
	ck_assert_uint_eq(i, n);
	/* seek to every key and to just before it */
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(ck_skiplist_seek(&l, sorted[i])->key, sorted[i]);
		char before[16];
		snprintf(before, sizeof(before), "%.*s", (int)strlen(sorted[i]) - 1, sorted[i]);
		struct ck_skiplist_node *nd = ck_skiplist_seek(&l, before);
		ck_assert(strcmp(nd->key, before) >= 0);
		ck_assert(strcmp(nd->key, sorted[i]) <= 0);
	}
	ck_skiplist_release(&l);
	ck_assert_int_eq(freed, (int)n);
}
END_TEST

Suite *ck_test_suite_skiplist(void)
{
	Suite *s = suite_create("skiplist");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_skiplist_basic);
	tcase_add_test(tc, test_skiplist_unsigned_order);
	tcase_add_test(tc, test_skiplist_random);
	suite_add_tcase(s, tc);
	return s;
}
