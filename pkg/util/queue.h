/*
 * ck_queue: a thread-safe FIFO of pointers. Producers push, consumers pop
 * (blocking, with an optional timeout). Closing wakes every waiter; pops
 * then drain what is left and return -EPIPE once empty. Values are borrowed:
 * whoever pops owns the item.
 */
#ifndef CK_UTIL_QUEUE_H
#define CK_UTIL_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void **items;		 /* ring, guarded by lock */
	size_t head, count, cap; /* guarded by lock */
	size_t max;		 /* 0 = unbounded; push beyond it fails with -ENOBUFS */
	bool closed;		 /* guarded by lock */
};

void ck_queue_init(struct ck_queue *q, size_t max);
/* Frees the ring (not the items). NULL-safe. */
void ck_queue_release(struct ck_queue *q);
/* 0, -ENOBUFS (full) or -EPIPE (closed). */
int ck_queue_push(struct ck_queue *q, void *item);
/*
 * Pops the oldest item into *ret_item. timeout_ms < 0 waits forever.
 * 0, -ETIMEDOUT, or -EPIPE (closed and empty).
 */
int ck_queue_pop(struct ck_queue *q, void **ret_item, int64_t timeout_ms);
void ck_queue_close(struct ck_queue *q);
size_t ck_queue_len(struct ck_queue *q);

#endif
