#include "util/queue.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "util/common.h"
#include "util/time.h"

void ck_queue_init(struct ck_queue *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_condattr_destroy(&attr);
	q->max = max;
}

void ck_queue_release(struct ck_queue *q)
{
	if (!q)
		return;
	free(q->items);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

int ck_queue_push(struct ck_queue *q, void *item)
{
	int r = 0;
	pthread_mutex_lock(&q->lock);
	if (q->closed) {
		r = -EPIPE;
		goto out;
	}
	if (q->max && q->count >= q->max) {
		r = -ENOBUFS;
		goto out;
	}
	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		void **items = ck_malloc(cap * sizeof(*items));
		for (size_t i = 0; i < q->count; i++)
			items[i] = q->items[(q->head + i) % q->cap];
		free(q->items);
		q->items = items;
		q->cap = cap;
		q->head = 0;
	}
	q->items[(q->head + q->count) % q->cap] = item;
	q->count++;
	pthread_cond_signal(&q->cond);
out:
	pthread_mutex_unlock(&q->lock);
	return r;
}

int ck_queue_pop(struct ck_queue *q, void **ret_item, int64_t timeout_ms)
{
	struct timespec deadline;
	if (timeout_ms >= 0) {
		ck_time_mono_deadline(&deadline, timeout_ms);
	}
	int r = 0;
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&q->cond, &q->lock);
		} else if (pthread_cond_timedwait(&q->cond, &q->lock, &deadline) == ETIMEDOUT &&
			   q->count == 0 && !q->closed) {
			r = -ETIMEDOUT;
			goto out;
		}
	}
	if (q->count == 0) {
		r = -EPIPE;
		goto out;
	}
	*ret_item = q->items[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
out:
	pthread_mutex_unlock(&q->lock);
	return r;
}

void ck_queue_close(struct ck_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

size_t ck_queue_len(struct ck_queue *q)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}
