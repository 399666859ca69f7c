/*
 * A fixed-size bitmap with a count of its set bits, and a snapshot form
 * that is the bitmap read as one big-endian unsigned number with no leading
 * zero bytes (Go's big.Int.Bytes(): bit i is bit i%8 of byte len-1-i/8).
 * The service IP and port allocators keep their state this way.
 *
 * Invariants:
 *  - bits is fixed at init; indexes >= bits are never set. count is the
 *    number of set bits, always.
 *  - A struct ck_bitmap is caller-owned memory: ck_bitmap_init() it,
 *    ck_bitmap_release() it. Allocation failure aborts (ck_malloc).
 */
#ifndef CK_UTIL_BITMAP_H
#define CK_UTIL_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_bitmap {
	uint64_t *words;
	size_t bits;
	size_t count;
};

/* An all-clear bitmap of bits bits (0 is allowed). */
void ck_bitmap_init(struct ck_bitmap *b, size_t bits);
/* Frees the words; the bitmap is empty (0 bits). NULL-safe. */
void ck_bitmap_release(struct ck_bitmap *b);
/* dst becomes a copy of src (dst must be initialised or zeroed). */
void ck_bitmap_copy(struct ck_bitmap *dst, const struct ck_bitmap *src);

/* Whether bit i is set; false for i >= bits. */
bool ck_bitmap_test(const struct ck_bitmap *b, size_t i);
/* Sets bit i: true when it was clear. false (nothing changes) when it was
 * set or i >= bits. */
bool ck_bitmap_set(struct ck_bitmap *b, size_t i);
/* Clears bit i: true when it was set. */
bool ck_bitmap_clear(struct ck_bitmap *b, size_t i);

/*
 * The first clear bit scanning [lo, hi) from start (lo <= start < hi),
 * wrapping from hi - 1 to lo. 0 and *ret, or -ENOSPC when all are set.
 */
int ck_bitmap_find_clear(const struct ck_bitmap *b, size_t lo, size_t hi, size_t start,
			 size_t *ret);

/* The snapshot bytes (owned; NULL with *ret_len 0 when no bit is set). */
uint8_t *ck_bitmap_to_bytes(const struct ck_bitmap *b, size_t *ret_len);
/*
 * Replaces the content from snapshot bytes (leading zero bytes allowed).
 * 0, or -ERANGE when a set bit lies beyond bits (b unchanged).
 */
int ck_bitmap_from_bytes(struct ck_bitmap *b, const uint8_t *data, size_t len);

#endif
