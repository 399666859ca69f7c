#include "scheduler/queue.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "util/hashmap.h"
#include "util/str.h"
#include "util/time.h"

#define UNSCHEDULABLE_MAX_NS (300LL * 1000000000) /* podMaxInUnschedulablePodsDuration */

enum where {
	W_ACTIVE,
	W_BACKOFF,
	W_UNSCHEDULABLE,
	W_INFLIGHT,
};

struct entry {
	struct ck_sched_pod *pod; /* latest version, referenced */
	enum where where;
	size_t heap_index;
	int64_t timestamp_ns; /* enqueue time (monotonic) */
	int64_t backoff_expiry_ns;
	int attempts;
	int64_t initial_attempt_ns;
	bool deleted; /* deleted while in flight */
	bool updated; /* updated while in flight */
};

struct heap {
	struct entry **e;
	size_t n, cap;
	bool (*less)(const struct entry *a, const struct entry *b);
};

struct ck_sched_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct heap active, backoff; /* guarded by lock, as everything below */
	struct ck_hashmap entries;   /* key -> entry (any place, in flight included) */
	int64_t cycle, move_request_cycle;
	int64_t initial_backoff_ns, max_backoff_ns;
	bool closed;
};

static bool active_less(const struct entry *a, const struct entry *b)
{
	if (a->pod->priority != b->pod->priority)
		return a->pod->priority > b->pod->priority;
	return a->timestamp_ns < b->timestamp_ns;
}

static bool backoff_less(const struct entry *a, const struct entry *b)
{
	return a->backoff_expiry_ns < b->backoff_expiry_ns;
}

static void swap(struct heap *h, size_t i, size_t j)
{
	struct entry *t = h->e[i];
	h->e[i] = h->e[j];
	h->e[j] = t;
	h->e[i]->heap_index = i;
	h->e[j]->heap_index = j;
}

static void up(struct heap *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!h->less(h->e[i], h->e[p]))
			break;
		swap(h, i, p);
		i = p;
	}
}

static void down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && h->less(h->e[l], h->e[m]))
			m = l;
		if (r < h->n && h->less(h->e[r], h->e[m]))
			m = r;
		if (m == i)
			return;
		swap(h, i, m);
		i = m;
	}
}

static void heap_push(struct heap *h, struct entry *e)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->e = ck_realloc(h->e, h->cap * sizeof(*h->e));
	}
	e->heap_index = h->n;
	h->e[h->n++] = e;
	up(h, e->heap_index);
}

static void heap_remove(struct heap *h, struct entry *e)
{
	size_t i = e->heap_index;
	CK_BUG_ON(i >= h->n || h->e[i] != e);
	swap(h, i, h->n - 1);
	h->n--;
	if (i < h->n) {
		down(h, i);
		up(h, i);
	}
}

static void entry_free(void *p)
{
	struct entry *e = p;
	ck_sched_pod_unref(e->pod);
	free(e);
}

struct ck_sched_queue *ck_sched_queue_new(int64_t initial_backoff_ms, int64_t max_backoff_ms)
{
	struct ck_sched_queue *q = ck_calloc(1, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	q->active.less = active_less;
	q->backoff.less = backoff_less;
	ck_hashmap_init(&q->entries, entry_free);
	q->initial_backoff_ns = initial_backoff_ms * 1000000;
	q->max_backoff_ns = max_backoff_ms * 1000000;
	return q;
}

void ck_sched_queue_free(struct ck_sched_queue *q)
{
	if (!q)
		return;
	ck_hashmap_release(&q->entries);
	free(q->active.e);
	free(q->backoff.e);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Takes e out of whichever heap holds it (lock held). */
static void detach(struct ck_sched_queue *q, struct entry *e)
{
	if (e->where == W_ACTIVE)
		heap_remove(&q->active, e);
	else if (e->where == W_BACKOFF)
		heap_remove(&q->backoff, e);
}

static void to_active(struct ck_sched_queue *q, struct entry *e)
{
	detach(q, e);
	if (e->pod->gated) {
		e->where = W_UNSCHEDULABLE;
		return;
	}
	e->where = W_ACTIVE;
	heap_push(&q->active, e);
	pthread_cond_signal(&q->cond);
}

static int64_t backoff_duration(const struct ck_sched_queue *q, int attempts)
{
	int64_t d = q->initial_backoff_ns;
	for (int i = 1; i < attempts && d < q->max_backoff_ns; i++)
		d *= 2;
	return d > q->max_backoff_ns ? q->max_backoff_ns : d;
}

static void to_backoff_or_active(struct ck_sched_queue *q, struct entry *e, int64_t now)
{
	if (e->attempts > 0 && e->backoff_expiry_ns > now) {
		detach(q, e);
		e->where = W_BACKOFF;
		heap_push(&q->backoff, e);
	} else {
		to_active(q, e);
	}
}

void ck_sched_queue_add(struct ck_sched_queue *q, struct ck_sched_pod *pod)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, pod->key);
	if (e) {
		pthread_mutex_unlock(&q->lock);
		ck_sched_queue_update(q, pod);
		return;
	}
	e = ck_calloc(1, sizeof(*e));
	e->pod = ck_sched_pod_ref(pod);
	e->timestamp_ns = ck_time_mono_ns();
	e->where = W_UNSCHEDULABLE; /* not in a heap yet */
	ck_hashmap_put(&q->entries, pod->key, e);
	to_active(q, e);
	pthread_mutex_unlock(&q->lock);
}

/* Whether the update could change the scheduling outcome (upstream isPodUpdated, roughly). */
static bool spec_changed(const struct ck_sched_pod *a, const struct ck_sched_pod *b)
{
	return a->spec_digest != b->spec_digest;
}

void ck_sched_queue_update(struct ck_sched_queue *q, struct ck_sched_pod *pod)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, pod->key);
	if (!e) {
		pthread_mutex_unlock(&q->lock);
		ck_sched_queue_add(q, pod);
		return;
	}
	bool changed = spec_changed(e->pod, pod);
	struct ck_sched_pod *old = e->pod;
	e->pod = ck_sched_pod_ref(pod);
	switch (e->where) {
	case W_ACTIVE:
		/* priority may have changed */
		heap_remove(&q->active, e);
		heap_push(&q->active, e);
		break;
	case W_BACKOFF:
		break;
	case W_UNSCHEDULABLE:
		if (changed)
			to_backoff_or_active(q, e, ck_time_mono_ns());
		break;
	case W_INFLIGHT:
		e->updated = e->updated || changed;
		break;
	}
	ck_sched_pod_unref(old);
	pthread_mutex_unlock(&q->lock);
}

void ck_sched_queue_delete(struct ck_sched_queue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, key);
	if (e && e->where == W_INFLIGHT) {
		e->deleted = true;
	} else if (e) {
		detach(q, e);
		entry_free(ck_hashmap_remove(&q->entries, key));
	}
	pthread_mutex_unlock(&q->lock);
}

bool ck_sched_queue_has(struct ck_sched_queue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, key);
	bool has = e && !e->deleted;
	pthread_mutex_unlock(&q->lock);
	return has;
}

struct ck_sched_pod *ck_sched_queue_get(struct ck_sched_queue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, key);
	struct ck_sched_pod *p = e && !e->deleted ? ck_sched_pod_ref(e->pod) : NULL;
	pthread_mutex_unlock(&q->lock);
	return p;
}

int ck_sched_queue_pop(struct ck_sched_queue *q, struct ck_sched_queued_pod **ret)
{
	pthread_mutex_lock(&q->lock);
	while (!q->closed && q->active.n == 0)
		pthread_cond_wait(&q->cond, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return -ESHUTDOWN;
	}
	struct entry *e = q->active.e[0];
	heap_remove(&q->active, e);
	e->where = W_INFLIGHT;
	e->updated = false;
	e->attempts++;
	if (!e->initial_attempt_ns)
		e->initial_attempt_ns = ck_time_mono_ns();
	struct ck_sched_queued_pod *qp = ck_calloc(1, sizeof(*qp));
	qp->pod = ck_sched_pod_ref(e->pod);
	qp->attempts = e->attempts;
	qp->initial_attempt_ns = e->initial_attempt_ns;
	qp->cycle = ++q->cycle;
	pthread_mutex_unlock(&q->lock);
	*ret = qp;
	return 0;
}

static void qp_free(struct ck_sched_queued_pod *qp)
{
	ck_sched_pod_unref(qp->pod);
	free(qp);
}

void ck_sched_queue_done(struct ck_sched_queue *q, struct ck_sched_queued_pod *qp)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, qp->pod->key);
	if (e && e->where == W_INFLIGHT)
		entry_free(ck_hashmap_remove(&q->entries, qp->pod->key));
	pthread_mutex_unlock(&q->lock);
	qp_free(qp);
}

void ck_sched_queue_requeue(struct ck_sched_queue *q, struct ck_sched_queued_pod *qp, bool error)
{
	pthread_mutex_lock(&q->lock);
	struct entry *e = ck_hashmap_get(&q->entries, qp->pod->key);
	if (e && e->where == W_INFLIGHT) {
		if (e->deleted) {
			entry_free(ck_hashmap_remove(&q->entries, qp->pod->key));
		} else {
			int64_t now = ck_time_mono_ns();
			e->timestamp_ns = now;
			e->backoff_expiry_ns = now + backoff_duration(q, e->attempts);
			if (error || e->updated || q->move_request_cycle >= qp->cycle) {
				e->where = W_BACKOFF;
				heap_push(&q->backoff, e);
			} else {
				e->where = W_UNSCHEDULABLE;
			}
		}
	}
	pthread_mutex_unlock(&q->lock);
	qp_free(qp);
}

void ck_sched_queue_move_all(struct ck_sched_queue *q)
{
	pthread_mutex_lock(&q->lock);
	int64_t now = ck_time_mono_ns();
	for (struct ck_hashmap_entry *he = ck_hashmap_first(&q->entries); he;
	     he = ck_hashmap_next(&q->entries, he)) {
		struct entry *e = he->value;
		if (e->where == W_UNSCHEDULABLE && !e->pod->gated)
			to_backoff_or_active(q, e, now);
	}
	q->move_request_cycle = q->cycle;
	pthread_mutex_unlock(&q->lock);
}

void ck_sched_queue_flush(struct ck_sched_queue *q)
{
	pthread_mutex_lock(&q->lock);
	int64_t now = ck_time_mono_ns();
	while (q->backoff.n && q->backoff.e[0]->backoff_expiry_ns <= now)
		to_active(q, q->backoff.e[0]);
	for (struct ck_hashmap_entry *he = ck_hashmap_first(&q->entries); he;
	     he = ck_hashmap_next(&q->entries, he)) {
		struct entry *e = he->value;
		if (e->where == W_UNSCHEDULABLE && !e->pod->gated &&
		    now - e->timestamp_ns > UNSCHEDULABLE_MAX_NS)
			to_backoff_or_active(q, e, now);
	}
	pthread_mutex_unlock(&q->lock);
}

void ck_sched_queue_counts(struct ck_sched_queue *q, size_t *ret_active, size_t *ret_backoff,
			   size_t *ret_unschedulable, size_t *ret_gated)
{
	pthread_mutex_lock(&q->lock);
	size_t unsched = 0, gated = 0;
	for (struct ck_hashmap_entry *he = ck_hashmap_first(&q->entries); he;
	     he = ck_hashmap_next(&q->entries, he)) {
		struct entry *e = he->value;
		if (e->where == W_UNSCHEDULABLE)
			*(e->pod->gated ? &gated : &unsched) += 1;
	}
	*ret_active = q->active.n;
	*ret_backoff = q->backoff.n;
	*ret_unschedulable = unsched;
	*ret_gated = gated;
	pthread_mutex_unlock(&q->lock);
}

void ck_sched_queue_close(struct ck_sched_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}
