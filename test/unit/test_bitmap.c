/*
 * pkg/util/bitmap.c: set/clear/count, the wrapping scan, and the snapshot
 * bytes (Go big.Int.Bytes() of the bitmap, as upstream's allocator stores).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/bitmap.h"

START_TEST(test_bitmap_set_clear)
{
	struct ck_bitmap b;
	ck_bitmap_init(&b, 130);
	ck_assert(ck_bitmap_set(&b, 0));
	ck_assert(!ck_bitmap_set(&b, 0));
	ck_assert(ck_bitmap_set(&b, 64));
	ck_assert(ck_bitmap_set(&b, 129));
	ck_assert(!ck_bitmap_set(&b, 130)); /* out of range */
	ck_assert_uint_eq(b.count, 3);
	ck_assert(ck_bitmap_test(&b, 64));
	ck_assert(!ck_bitmap_test(&b, 63));
	ck_assert(ck_bitmap_clear(&b, 64));
	ck_assert(!ck_bitmap_clear(&b, 64));
	ck_assert_uint_eq(b.count, 2);
	struct ck_bitmap c = { 0 };
	ck_bitmap_copy(&c, &b);
	ck_assert(ck_bitmap_test(&c, 129));
	ck_assert_uint_eq(c.count, 2);
	ck_bitmap_release(&c);
	ck_bitmap_release(&b);
	ck_bitmap_release(NULL);
}
END_TEST

START_TEST(test_bitmap_find_clear)
{
	struct ck_bitmap b;
	size_t at;
	ck_bitmap_init(&b, 200);
	for (size_t i = 0; i < 200; i++)
		if (i != 3 && i != 150)
			ck_bitmap_set(&b, i);
	ck_assert_int_eq(ck_bitmap_find_clear(&b, 0, 200, 100, &at), 0);
	ck_assert_uint_eq(at, 150);
	ck_assert_int_eq(ck_bitmap_find_clear(&b, 0, 200, 151, &at), 0);
	ck_assert_uint_eq(at, 3); /* wraps */
	ck_assert_int_eq(ck_bitmap_find_clear(&b, 10, 100, 50, &at), -ENOSPC);
	ck_bitmap_set(&b, 3);
	ck_bitmap_set(&b, 150);
	ck_assert_int_eq(ck_bitmap_find_clear(&b, 0, 200, 0, &at), -ENOSPC);
	ck_bitmap_release(&b);
}
END_TEST

START_TEST(test_bitmap_bytes)
{
	/* big.Int: bits 0 and 9 set is 0x0201 -> bytes {0x02, 0x01} */
	struct ck_bitmap b;
	ck_bitmap_init(&b, 20);
	size_t len;
	ck_assert_ptr_null(ck_bitmap_to_bytes(&b, &len));
	ck_assert_uint_eq(len, 0);
	ck_bitmap_set(&b, 0);
	ck_bitmap_set(&b, 9);
	uint8_t *bytes = ck_bitmap_to_bytes(&b, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_uint_eq(bytes[0], 0x02);
	ck_assert_uint_eq(bytes[1], 0x01);
	struct ck_bitmap r;
	ck_bitmap_init(&r, 20);
	ck_assert_int_eq(ck_bitmap_from_bytes(&r, bytes, len), 0);
	ck_assert(ck_bitmap_test(&r, 0) && ck_bitmap_test(&r, 9));
	ck_assert_uint_eq(r.count, 2);
	/* leading zero bytes are fine; bits beyond the size are not */
	uint8_t lead[] = { 0, 0, 0x80 };
	ck_assert_int_eq(ck_bitmap_from_bytes(&r, lead, 3), 0);
	ck_assert(ck_bitmap_test(&r, 7));
	ck_assert_uint_eq(r.count, 1);
	uint8_t big[] = { 0x10, 0, 0 }; /* bit 20 */
	ck_assert_int_eq(ck_bitmap_from_bytes(&r, big, 3), -ERANGE);
	ck_assert(ck_bitmap_test(&r, 7)); /* unchanged */
	free(bytes);
	ck_bitmap_release(&r);
	ck_bitmap_release(&b);
	/* a large map round-trips */
	struct ck_bitmap l, m;
	ck_bitmap_init(&l, 1048574);
	ck_bitmap_init(&m, 1048574);
	for (size_t i = 0; i < 1048574; i += 4099)
		ck_bitmap_set(&l, i);
	bytes = ck_bitmap_to_bytes(&l, &len);
	ck_assert_int_eq(ck_bitmap_from_bytes(&m, bytes, len), 0);
	ck_assert_uint_eq(m.count, l.count);
	ck_assert_int_eq(memcmp(m.words, l.words, (1048574 + 63) / 64 * 8), 0);
	free(bytes);
	ck_bitmap_release(&l);
	ck_bitmap_release(&m);
}
END_TEST

Suite *ck_test_suite_bitmap(void)
{
	Suite *s = suite_create("bitmap");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_bitmap_set_clear);
	tcase_add_test(tc, test_bitmap_find_clear);
	tcase_add_test(tc, test_bitmap_bytes);
	suite_add_tcase(s, tc);
	return s;
}
