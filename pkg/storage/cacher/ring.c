/*
 * The watch cache's event ring (ring.h): upstream's cyclic buffer with its
 * dynamic capacity (resizeCacheLocked) and its too-old rule.
 */
#include "storage/cacher/ring.h"

#include <errno.h>
#include <string.h>

#include "util/common.h"

void ck_cacher_ring_init(struct ck_cacher_ring *r, size_t min_capacity, size_t max_capacity,
			 int64_t window_ms, void (*drop)(void *item))
{
	memset(r, 0, sizeof(*r));
	r->min_capacity = min_capacity ? min_capacity : CK_CACHER_RING_MIN;
	r->max_capacity = max_capacity ? max_capacity : CK_CACHER_RING_MAX;
	if (r->max_capacity < r->min_capacity)
		r->max_capacity = r->min_capacity;
	r->window_ms = window_ms > 0 ? window_ms : CK_CACHER_RING_WINDOW_MS;
	r->capacity = r->min_capacity;
	r->slots = ck_calloc(r->capacity, sizeof(*r->slots));
	r->drop = drop;
}

static struct ck_cacher_ring_slot *slot(const struct ck_cacher_ring *r, uint64_t seq)
{
	return &r->slots[seq % r->capacity];
}

/* Lets go of the oldest event. */
static void evict(struct ck_cacher_ring *r)
{
	struct ck_cacher_ring_slot *s = slot(r, r->start);
	if (r->drop)
		r->drop(s->item);
	memset(s, 0, sizeof(*s));
	r->start++;
	r->removed_since_reset = true;
}

void ck_cacher_ring_release(struct ck_cacher_ring *r)
{
	if (!r || !r->slots)
		return;
	while (r->start < r->end)
		evict(r);
	ck_free(&r->slots);
	r->capacity = 0;
}

void ck_cacher_ring_reset(struct ck_cacher_ring *r, int64_t list_rv)
{
	while (r->start < r->end)
		evict(r);
	r->removed_since_reset = false;
	r->list_rv = list_rv;
}

static bool full(const struct ck_cacher_ring *r)
{
	return r->end - r->start == r->capacity;
}

static void resize(struct ck_cacher_ring *r, size_t capacity)
{
	struct ck_cacher_ring_slot *slots = ck_calloc(capacity, sizeof(*slots));

	while (r->end - r->start > capacity) /* shrinking: the oldest go */
		evict(r);
	for (uint64_t s = r->start; s < r->end; s++)
		slots[s % capacity] = *slot(r, s);
	free(r->slots);
	r->slots = slots;
	r->capacity = capacity;
}

void ck_cacher_ring_push(struct ck_cacher_ring *r, void *item, int64_t rv, int64_t now_ms)
{
	if (full(r)) {
		if (now_ms - slot(r, r->start)->time_ms < r->window_ms) {
			size_t grown = r->capacity * 2;
			if (grown > r->max_capacity)
				grown = r->max_capacity;
			if (grown > r->capacity)
				resize(r, grown);
		} else if (now_ms - slot(r, r->end - r->capacity / 4)->time_ms > r->window_ms) {
			size_t shrunk = r->capacity / 2;
			if (shrunk < r->min_capacity)
				shrunk = r->min_capacity;
			if (shrunk < r->capacity)
				resize(r, shrunk);
		}
	}
	if (full(r))
		evict(r);
	struct ck_cacher_ring_slot *s = slot(r, r->end);
	s->item = item;
	s->rv = rv;
	s->time_ms = now_ms;
	r->end++;
}

int ck_cacher_ring_since(const struct ck_cacher_ring *r, int64_t from_rv, uint64_t *ret_seq,
			 int64_t *ret_oldest)
{
	int64_t oldest;
	uint64_t lo = r->start, hi = r->end;

	if (!r->removed_since_reset)
		oldest = r->list_rv; /* every event after the list is here */
	else if (r->end > r->start)
		oldest = slot(r, r->start)->rv - 1;
	else
		oldest = r->list_rv; /* not reached: evicting leaves the newest */
	*ret_oldest = oldest;
	if (from_rv < oldest)
		return -EKEYEXPIRED;
	while (lo < hi) { /* first event with rv > from_rv */
		uint64_t mid = lo + (hi - lo) / 2;
		if (slot(r, mid)->rv > from_rv)
			hi = mid;
		else
			lo = mid + 1;
	}
	*ret_seq = lo;
	return 0;
}

const struct ck_cacher_ring_slot *ck_cacher_ring_at(const struct ck_cacher_ring *r, uint64_t seq)
{
	CK_BUG_ON(seq < r->start || seq >= r->end);
	return slot(r, seq);
}
