#include "client/workqueue.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "client/ratelimit.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/time.h"

/* An item waiting for its delay (the delaying queue's waitFor). */
struct waiting {
	char *item;
	int64_t ready_ns; /* CLOCK_MONOTONIC */
	size_t index;	  /* in the heap */
};

struct ck_workqueue {
	char *name;
	pthread_mutex_t lock;
	pthread_cond_t cond;	      /* workers and drain waiters; guarded by lock */
	char **queue;		      /* ring of owned items, guarded by lock */
	size_t head, count, cap;      /* guarded by lock */
	struct ck_hashmap dirty;      /* set of items to process, guarded by lock */
	struct ck_hashmap processing; /* set of items handed out, guarded by lock */
	bool shutting_down;	      /* guarded by lock */
	bool drain;		      /* guarded by lock */

	/* Delaying: a min-heap by ready time, and item -> entry. */
	pthread_cond_t delay_cond; /* wakes the delay thread; guarded by lock */
	struct waiting **heap;	   /* guarded by lock */
	size_t heap_len, heap_cap; /* guarded by lock */
	struct ck_hashmap waiting; /* item -> struct waiting, guarded by lock */
	pthread_t delay_thread;
	bool delay_started; /* guarded by lock */

	struct ck_rate_limiter *limiter; /* thread-safe itself */
};

struct ck_workqueue *ck_workqueue_new(const char *name, struct ck_rate_limiter *limiter)
{
	struct ck_workqueue *q = ck_calloc(1, sizeof(*q));
	q->name = ck_strdup(name ? name : "");
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_cond_init(&q->delay_cond, &attr);
	pthread_condattr_destroy(&attr);
	ck_hashmap_init(&q->dirty, NULL);
	ck_hashmap_init(&q->processing, NULL);
	ck_hashmap_init(&q->waiting, NULL);
	q->limiter = limiter ? limiter : ck_rate_limiter_default_controller_new();
	return q;
}

static void push_locked(struct ck_workqueue *q, const char *item)
{
	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		char **items = ck_malloc(cap * sizeof(*items));
		for (size_t i = 0; i < q->count; i++)
			items[i] = q->queue[(q->head + i) % q->cap];
		free(q->queue);
		q->queue = items;
		q->cap = cap;
		q->head = 0;
	}
	q->queue[(q->head + q->count) % q->cap] = ck_strdup(item);
	q->count++;
	pthread_cond_signal(&q->cond);
}

/* Upstream's Type.Add, under the lock. */
static void add_locked(struct ck_workqueue *q, const char *item)
{
	if (q->shutting_down || ck_hashmap_has(&q->dirty, item))
		return;
	ck_hashmap_put(&q->dirty, item, (void *)1);
	if (ck_hashmap_has(&q->processing, item))
		return;
	push_locked(q, item);
}

void ck_workqueue_add(struct ck_workqueue *q, const char *item)
{
	pthread_mutex_lock(&q->lock);
	add_locked(q, item);
	pthread_mutex_unlock(&q->lock);
}

int ck_workqueue_get(struct ck_workqueue *q, char **ret_item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->shutting_down)
		pthread_cond_wait(&q->cond, &q->lock);
	if (q->count == 0) {
		pthread_mutex_unlock(&q->lock);
		return -ESHUTDOWN;
	}
	char *item = q->queue[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	ck_hashmap_put(&q->processing, item, (void *)1);
	ck_hashmap_remove(&q->dirty, item);
	pthread_mutex_unlock(&q->lock);
	*ret_item = item;
	return 0;
}

void ck_workqueue_done(struct ck_workqueue *q, const char *item)
{
	pthread_mutex_lock(&q->lock);
	ck_hashmap_remove(&q->processing, item);
	if (ck_hashmap_has(&q->dirty, item))
		push_locked(q, item);
	else if (ck_hashmap_count(&q->processing) == 0)
		pthread_cond_broadcast(&q->cond); /* a drain may be waiting */
	pthread_mutex_unlock(&q->lock);
}

size_t ck_workqueue_len(struct ck_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* ---- delaying ------------------------------------------------------------------ */

static bool earlier(const struct waiting *a, const struct waiting *b)
{
	return a->ready_ns < b->ready_ns;
}

static void heap_swap(struct ck_workqueue *q, size_t i, size_t j)
{
	struct waiting *t = q->heap[i];
	q->heap[i] = q->heap[j];
	q->heap[j] = t;
	q->heap[i]->index = i;
	q->heap[j]->index = j;
}

static void heap_up(struct ck_workqueue *q, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!earlier(q->heap[i], q->heap[parent]))
			break;
		heap_swap(q, i, parent);
		i = parent;
	}
}

static void heap_down(struct ck_workqueue *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->heap_len && earlier(q->heap[l], q->heap[m]))
			m = l;
		if (r < q->heap_len && earlier(q->heap[r], q->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(q, i, m);
		i = m;
	}
}

static struct waiting *heap_pop(struct ck_workqueue *q)
{
	struct waiting *top = q->heap[0];
	q->heap_len--;
	if (q->heap_len > 0) {
		q->heap[0] = q->heap[q->heap_len];
		q->heap[0]->index = 0;
		heap_down(q, 0);
	}
	return top;
}

static void waiting_free(struct waiting *w)
{
	free(w->item);
	free(w);
}

/* The delaying queue's waitingLoop: moves items whose time came into the queue. */
static void *delay_loop(void *arg)
{
	struct ck_workqueue *q = arg;
	pthread_mutex_lock(&q->lock);
	while (!q->shutting_down) {
		int64_t now = ck_time_mono_ns();
		while (q->heap_len > 0 && q->heap[0]->ready_ns <= now) {
			struct waiting *w = heap_pop(q);
			ck_hashmap_remove(&q->waiting, w->item);
			add_locked(q, w->item);
			waiting_free(w);
		}
		if (q->heap_len == 0) {
			pthread_cond_wait(&q->delay_cond, &q->lock);
			continue;
		}
		int64_t until = q->heap[0]->ready_ns;
		struct timespec ts = { (time_t)(until / 1000000000), (long)(until % 1000000000) };
		pthread_cond_timedwait(&q->delay_cond, &q->lock, &ts);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

void ck_workqueue_add_after(struct ck_workqueue *q, const char *item, int64_t delay_ns)
{
	if (delay_ns <= 0) {
		ck_workqueue_add(q, item);
		return;
	}
	int64_t ready = ck_time_mono_ns() + delay_ns;
	pthread_mutex_lock(&q->lock);
	if (q->shutting_down)
		goto out;
	if (!q->delay_started) {
		if (pthread_create(&q->delay_thread, NULL, delay_loop, q) != 0) {
			ck_log_v(4, "workqueue '%s': unable to start the delay thread", q->name);
			goto out;
		}
		q->delay_started = true;
	}
	struct waiting *w = ck_hashmap_get(&q->waiting, item);
	if (w) {
		/* Only ever sooner, as upstream's knownEntries. */
		if (ready < w->ready_ns) {
			w->ready_ns = ready;
			heap_up(q, w->index);
			pthread_cond_signal(&q->delay_cond);
		}
		goto out;
	}
	w = ck_calloc(1, sizeof(*w));
	w->item = ck_strdup(item);
	w->ready_ns = ready;
	if (q->heap_len == q->heap_cap) {
		q->heap_cap = q->heap_cap ? q->heap_cap * 2 : 16;
		q->heap = ck_realloc(q->heap, q->heap_cap * sizeof(*q->heap));
	}
	w->index = q->heap_len;
	q->heap[q->heap_len++] = w;
	heap_up(q, w->index);
	ck_hashmap_put(&q->waiting, item, w);
	pthread_cond_signal(&q->delay_cond);
out:
	pthread_mutex_unlock(&q->lock);
}

void ck_workqueue_add_rate_limited(struct ck_workqueue *q, const char *item)
{
	ck_workqueue_add_after(q, item, ck_rate_limiter_when(q->limiter, item));
}

void ck_workqueue_forget(struct ck_workqueue *q, const char *item)
{
	ck_rate_limiter_forget(q->limiter, item);
}

int ck_workqueue_num_requeues(struct ck_workqueue *q, const char *item)
{
	return ck_rate_limiter_num_requeues(q->limiter, item);
}

/* ---- shutdown ------------------------------------------------------------------ */

static void shutdown_locked(struct ck_workqueue *q, bool drain)
{
	q->drain = drain;
	q->shutting_down = true;
	pthread_cond_broadcast(&q->cond);
	pthread_cond_broadcast(&q->delay_cond);
}

void ck_workqueue_shutdown(struct ck_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	shutdown_locked(q, false);
	pthread_mutex_unlock(&q->lock);
}

void ck_workqueue_shutdown_with_drain(struct ck_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	shutdown_locked(q, true);
	while (ck_hashmap_count(&q->processing) > 0 && q->drain)
		pthread_cond_wait(&q->cond, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

bool ck_workqueue_shutting_down(struct ck_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	bool s = q->shutting_down;
	pthread_mutex_unlock(&q->lock);
	return s;
}

void ck_workqueue_free(struct ck_workqueue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	shutdown_locked(q, false);
	bool started = q->delay_started;
	pthread_mutex_unlock(&q->lock);
	if (started)
		pthread_join(q->delay_thread, NULL);
	for (size_t i = 0; i < q->count; i++)
		free(q->queue[(q->head + i) % q->cap]);
	free(q->queue);
	for (size_t i = 0; i < q->heap_len; i++)
		waiting_free(q->heap[i]);
	free(q->heap);
	ck_hashmap_release(&q->waiting);
	ck_hashmap_release(&q->dirty);
	ck_hashmap_release(&q->processing);
	ck_rate_limiter_free(q->limiter);
	pthread_cond_destroy(&q->cond);
	pthread_cond_destroy(&q->delay_cond);
	pthread_mutex_destroy(&q->lock);
	free(q->name);
	free(q);
}
