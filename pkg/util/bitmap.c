#include "util/bitmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/common.h"

#define WORD_BITS 64

static size_t nwords(size_t bits)
{
	return (bits + WORD_BITS - 1) / WORD_BITS;
}

void ck_bitmap_init(struct ck_bitmap *b, size_t bits)
{
	b->bits = bits;
	b->count = 0;
	b->words = ck_calloc(nwords(bits) ? nwords(bits) : 1, sizeof(uint64_t));
}

void ck_bitmap_release(struct ck_bitmap *b)
{
	if (!b)
		return;
	free(b->words);
	b->words = NULL;
	b->bits = 0;
	b->count = 0;
}

void ck_bitmap_copy(struct ck_bitmap *dst, const struct ck_bitmap *src)
{
	free(dst->words);
	size_t n = nwords(src->bits) ? nwords(src->bits) : 1;
	dst->words = ck_malloc(n * sizeof(uint64_t));
	memcpy(dst->words, src->words, n * sizeof(uint64_t));
	dst->bits = src->bits;
	dst->count = src->count;
}

bool ck_bitmap_test(const struct ck_bitmap *b, size_t i)
{
	if (i >= b->bits)
		return false;
	return (b->words[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

bool ck_bitmap_set(struct ck_bitmap *b, size_t i)
{
	if (i >= b->bits || ck_bitmap_test(b, i))
		return false;
	b->words[i / WORD_BITS] |= (uint64_t)1 << (i % WORD_BITS);
	b->count++;
	return true;
}

bool ck_bitmap_clear(struct ck_bitmap *b, size_t i)
{
	if (!ck_bitmap_test(b, i))
		return false;
	b->words[i / WORD_BITS] &= ~((uint64_t)1 << (i % WORD_BITS));
	b->count--;
	return true;
}

/* The first clear bit in [from, to), or to when none. */
static size_t scan(const struct ck_bitmap *b, size_t from, size_t to)
{
	size_t i = from;
	while (i < to) {
		uint64_t w = b->words[i / WORD_BITS];
		if (i % WORD_BITS == 0 && w == UINT64_MAX) {
			i += WORD_BITS;
			continue;
		}
		if (!((w >> (i % WORD_BITS)) & 1))
			return i;
		i++;
	}
	return to;
}

int ck_bitmap_find_clear(const struct ck_bitmap *b, size_t lo, size_t hi, size_t start, size_t *ret)
{
	if (hi > b->bits)
		hi = b->bits;
	if (lo >= hi)
		return -ENOSPC;
	if (start < lo || start >= hi)
		start = lo;
	size_t at = scan(b, start, hi);
	if (at < hi) {
		*ret = at;
		return 0;
	}
	at = scan(b, lo, start);
	if (at < start) {
		*ret = at;
		return 0;
	}
	return -ENOSPC;
}

uint8_t *ck_bitmap_to_bytes(const struct ck_bitmap *b, size_t *ret_len)
{
	/* The highest set bit decides the length. */
	size_t top = 0;
	bool any = false;
	for (size_t w = nwords(b->bits); w-- > 0;) {
		if (b->words[w]) {
			top = w * WORD_BITS + (size_t)(63 - __builtin_clzll(b->words[w]));
			any = true;
			break;
		}
	}
	if (!any) {
		*ret_len = 0;
		return NULL;
	}
	size_t len = top / 8 + 1;
	uint8_t *out = ck_calloc(len, 1);
	for (size_t byte = 0; byte < len; byte++) {
		size_t bit = byte * 8;
		uint8_t v = (uint8_t)(b->words[bit / WORD_BITS] >> (bit % WORD_BITS));
		out[len - 1 - byte] = v;
	}
	*ret_len = len;
	return out;
}

int ck_bitmap_from_bytes(struct ck_bitmap *b, const uint8_t *data, size_t len)
{
	/* Check first: no set bit at or beyond bits. */
	for (size_t k = 0; k < len; k++) {
		uint8_t v = data[len - 1 - k];
		if (!v)
			continue;
		size_t highest = k * 8 + (size_t)(31 - __builtin_clz((unsigned)v));
		if (highest >= b->bits)
			return -ERANGE;
	}
	memset(b->words, 0, (nwords(b->bits) ? nwords(b->bits) : 1) * sizeof(uint64_t));
	b->count = 0;
	for (size_t k = 0; k < len; k++) {
		uint8_t v = data[len - 1 - k];
		if (!v)
			continue;
		size_t bit = k * 8;
		b->words[bit / WORD_BITS] |= (uint64_t)v << (bit % WORD_BITS);
		b->count += (size_t)__builtin_popcount(v);
	}
	return 0;
}
