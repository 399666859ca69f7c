/*
 * The scheduling queue (upstream internal/queue PriorityQueue):
 *  - activeQ: a heap ordered by PrioritySort (higher spec.priority first,
 *    then earlier enqueue time); pop() blocks on it;
 *  - backoffQ: pods that failed, each until its backoff expires (initial ×
 *    2^(attempts−1), capped at max: 1 s doubling to 10 s by default),
 *    flushed to activeQ every second;
 *  - unschedulable: pods that fit nowhere, moved back (to backoffQ while
 *    still backing off, else activeQ) by move_all() on a cluster event that
 *    could make them schedulable, or after 5 minutes anyway.
 * A pod whose cluster event came while it was being scheduled goes to
 * backoffQ instead of unschedulable when it fails (upstream's
 * moveRequestCycle), so the event is not lost. Pods with schedulingGates
 * wait in unschedulable until an update removes them (PreEnqueue).
 * Thread-safe.
 */
#ifndef CK_SCHEDULER_QUEUE_H
#define CK_SCHEDULER_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scheduler/framework.h"

struct ck_sched_queue;

/* A pod handed out by pop(); the caller passes it back to done() or requeue(). */
struct ck_sched_queued_pod {
	struct ck_sched_pod *pod; /* referenced; the version popped */
	int attempts;
	int64_t initial_attempt_ns; /* monotonic, first pop */
	int64_t cycle;		    /* the scheduling cycle it was popped in */
};

struct ck_sched_queue *ck_sched_queue_new(int64_t initial_backoff_ms, int64_t max_backoff_ms);
void ck_sched_queue_free(struct ck_sched_queue *q);

/* A new pending pod (referenced). */
void ck_sched_queue_add(struct ck_sched_queue *q, struct ck_sched_pod *pod);
/* A new version of a pending pod: requeued when it is unschedulable and its spec changed. */
void ck_sched_queue_update(struct ck_sched_queue *q, struct ck_sched_pod *pod);
void ck_sched_queue_delete(struct ck_sched_queue *q, const char *key);
/* Whether key is pending (queued or being scheduled). */
bool ck_sched_queue_has(struct ck_sched_queue *q, const char *key);
/* The latest version of the queued pod at key (a new reference: unref it), or NULL. */
struct ck_sched_pod *ck_sched_queue_get(struct ck_sched_queue *q, const char *key);

/* Blocks for the next pod: 0, or -ESHUTDOWN once closed. *ret is owned until done/requeue. */
int ck_sched_queue_pop(struct ck_sched_queue *q, struct ck_sched_queued_pod **ret);
/* The pod was scheduled (or dropped): forget it. */
void ck_sched_queue_done(struct ck_sched_queue *q, struct ck_sched_queued_pod *qp);
/* The pod failed: unschedulable (or backoffQ, see above); error: backoffQ. */
void ck_sched_queue_requeue(struct ck_sched_queue *q, struct ck_sched_queued_pod *qp, bool error);
/* A cluster event: unschedulable pods move to backoffQ or activeQ. */
void ck_sched_queue_move_all(struct ck_sched_queue *q);

/* Pending counts for scheduler_pending_pods. */
void ck_sched_queue_counts(struct ck_sched_queue *q, size_t *ret_active, size_t *ret_backoff,
			   size_t *ret_unschedulable, size_t *ret_gated);
/* Moves expired backoffs and long-unschedulable pods (the flusher does this every second). */
void ck_sched_queue_flush(struct ck_sched_queue *q);
/* Wakes pop() for good. */
void ck_sched_queue_close(struct ck_sched_queue *q);

#endif
