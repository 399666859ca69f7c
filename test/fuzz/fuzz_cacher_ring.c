/*
 * The watch cache's event ring (storage/cacher/ring.h) driven by arbitrary
 * bytes: pushes at arbitrary revision steps and clock steps, relists, and
 * "watch from" queries, checked against a plain record of every event ever
 * pushed: the capacity stays within its bounds, the live events are the
 * newest ones in order, every item let go of is dropped exactly once, and
 * ck_cacher_ring_since answers as upstream's rule says (too old exactly
 * when the ring cannot serve every event after the revision; otherwise the
 * first live event after it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/cacher/ring.h"

#define MAX_EVENTS 4096

struct model {
	int64_t rv[MAX_EVENTS]; /* every event pushed, by sequence */
	int dropped[MAX_EVENTS];
	uint64_t n;
	uint64_t reset_seq; /* first sequence after the last reset */
	int64_t list_rv;
	bool removed; /* an event went since the last reset */
};

static struct model m;

static void drop(void *item)
{
	uintptr_t seq = (uintptr_t)item;
	if (seq >= m.n || m.dropped[seq]++)
		abort(); /* unknown or dropped twice */
}

static void check(const struct ck_cacher_ring *r)
{
	if (r->capacity < r->min_capacity || r->capacity > r->max_capacity)
		abort();
	if (r->end != m.n || r->end - r->start > r->capacity || r->start < m.reset_seq)
		abort();
	for (uint64_t s = 0; s < m.n; s++) {
		bool live = s >= r->start;
		if (live == (m.dropped[s] != 0))
			abort();
		if (live) {
			const struct ck_cacher_ring_slot *slot = ck_cacher_ring_at(r, s);
			if ((uintptr_t)slot->item != s || slot->rv != m.rv[s])
				abort();
		}
	}
	if (m.removed != (r->start > m.reset_seq))
		abort();
}

static void query(const struct ck_cacher_ring *r, int64_t from)
{
	uint64_t seq = 0;
	int64_t oldest = 0;
	int ret = ck_cacher_ring_since(r, from, &seq, &oldest);
	int64_t want_oldest = m.removed ? m.rv[r->start] - 1 : m.list_rv;
	if (oldest != want_oldest)
		abort();
	if (from < want_oldest) {
		if (ret != -EKEYEXPIRED)
			abort();
		return;
	}
	if (ret != 0)
		abort();
	uint64_t want = r->start;
	while (want < r->end && m.rv[want] <= from)
		want++;
	if (seq != want)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_cacher_ring r;
	int64_t rv = 1, now = 0;
	size_t i = 0;

	if (size < 3)
		return 0;
	memset(&m, 0, sizeof(m));
	/* small bounds so that resizing happens often */
	ck_cacher_ring_init(&r, 1 + data[0] % 8, 1 + data[1] % 64, 1 + data[2] % 100, drop);
	i = 3;
	m.list_rv = rv;
	ck_cacher_ring_reset(&r, rv);
	while (i < size && m.n < MAX_EVENTS) {
		uint8_t op = data[i++];
		uint8_t arg = i < size ? data[i++] : 0;
		switch (op % 4) {
		case 0: /* push, possibly several at one revision */
		case 1:
			rv += arg % 3;
			now += (arg >> 2) % 64;
			m.rv[m.n] = rv;
			ck_cacher_ring_push(&r, (void *)(uintptr_t)m.n, rv, now);
			m.n++;
			if (r.start > m.reset_seq)
				m.removed = true;
			break;
		case 2: /* relist */
			rv += arg % 5;
			ck_cacher_ring_reset(&r, rv);
			m.reset_seq = m.n;
			m.list_rv = rv;
			m.removed = false;
			break;
		default: /* watch from somewhere around the history */
			query(&r, rv - (int64_t)(arg % 64) + 2);
			break;
		}
		check(&r);
	}
	ck_cacher_ring_release(&r);
	for (uint64_t s = 0; s < m.n; s++)
		if (m.dropped[s] != 1)
			abort();
	return 0;
}
