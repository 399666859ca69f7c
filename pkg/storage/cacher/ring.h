/*
 * The watch cache's history: a ring of the most recent events, sized as
 * upstream's watchCache (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go).
 * Internal to pkg/storage/cacher; kept apart so it can be tested alone.
 *
 * Invariants:
 *  - Events are pushed in revision order (rv never decreases) and numbered
 *    by a sequence that never goes back, also across resets: the live
 *    events are the sequences [start, end).
 *  - The capacity starts at min_capacity. When the ring is full and its
 *    oldest event is younger than window_ms, it doubles (up to
 *    max_capacity); when it is full and the event a quarter of the capacity
 *    back from the newest is older than window_ms, it halves (down to
 *    min_capacity). Otherwise a push into a full ring drops the oldest.
 *  - Items are borrowed pointers; the ring calls drop() for each one it
 *    lets go of (evicted, shrunk away, reset, released).
 *  - Not locked: the cacher's store lock guards it.
 */
#ifndef CK_STORAGE_CACHER_RING_H
#define CK_STORAGE_CACHER_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upstream's defaultLowerBoundCapacity, defaultUpperBoundCapacity and
 * eventFreshDuration. */
#define CK_CACHER_RING_MIN 100
#define CK_CACHER_RING_MAX (100 * 1024)
#define CK_CACHER_RING_WINDOW_MS 75000

struct ck_cacher_ring_slot {
	void *item;
	int64_t rv;
	int64_t time_ms; /* when it was recorded (any monotonic clock) */
};

struct ck_cacher_ring {
	struct ck_cacher_ring_slot *slots; /* capacity slots; sequence s at s % capacity */
	size_t capacity;
	size_t min_capacity, max_capacity;
	int64_t window_ms;
	uint64_t start, end;
	/* An event was let go of since the last reset (upstream's
	 * removedEventSinceRelist). */
	bool removed_since_reset;
	/* The revision of the list the history starts after. */
	int64_t list_rv;
	void (*drop)(void *item);
};

/* min 0, max 0, window 0: upstream's defaults; max is raised to min. */
void ck_cacher_ring_init(struct ck_cacher_ring *r, size_t min_capacity, size_t max_capacity,
			 int64_t window_ms, void (*drop)(void *item));
/* Drops every item and frees the slots. NULL-safe. */
void ck_cacher_ring_release(struct ck_cacher_ring *r);

/* After a (re)list at list_rv: drops every item; sequences go on. */
void ck_cacher_ring_reset(struct ck_cacher_ring *r, int64_t list_rv);

/* Records item (its revision rv, the time now_ms), resizing or evicting as above. */
void ck_cacher_ring_push(struct ck_cacher_ring *r, void *item, int64_t rv, int64_t now_ms);

static inline size_t ck_cacher_ring_len(const struct ck_cacher_ring *r)
{
	return (size_t)(r->end - r->start);
}

/*
 * Where a watch from from_rv starts (upstream getAllEventsSinceLocked): the
 * sequence of the first event with rv > from_rv (end when none) in
 * *ret_seq. When the ring cannot serve every event after from_rv, returns
 * -EKEYEXPIRED with *ret_oldest set to the oldest revision it could serve a
 * watch from (upstream's "oldest - 1": the list revision while no event was
 * let go of, else the revision before the oldest event's); ret_oldest is
 * set in both cases.
 */
int ck_cacher_ring_since(const struct ck_cacher_ring *r, int64_t from_rv, uint64_t *ret_seq,
			 int64_t *ret_oldest);

/* The slot of a live sequence (start <= seq < end); borrowed. */
const struct ck_cacher_ring_slot *ck_cacher_ring_at(const struct ck_cacher_ring *r, uint64_t seq);

#endif
