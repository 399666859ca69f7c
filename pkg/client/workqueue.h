/*
 * ck_workqueue: client-go's rate-limiting work queue (util/workqueue: Type,
 * delaying queue, rate-limiting queue in one), of string items (controller
 * keys such as "namespace/name").
 *
 * Invariants, as upstream's:
 *  - An item is in the queue at most once (the dirty set): adding an item
 *    already waiting is a no-op.
 *  - An item is handed to at most one worker at a time (the processing
 *    set). Adding an item while it is being processed marks it dirty only;
 *    done() puts it back in the queue then, so the change is not lost and
 *    two workers never hold the same item.
 *  - Items come out in the order they were (first) added.
 *  - After shutdown, adds are ignored; get() still hands out what is left,
 *    then returns -ESHUTDOWN. Delayed items not yet due are dropped.
 *  - add_after(item, d) adds the item once d has passed (at once for d <=
 *    0); an item waiting for several delays is added at the earliest one.
 *  - add_rate_limited(item) is add_after(item, limiter.when(item)); forget()
 *    clears the limiter's memory of the item; num_requeues() reads it.
 *  - Thread-safe. A delay thread is started on the first add_after.
 */
#ifndef CK_CLIENT_WORKQUEUE_H
#define CK_CLIENT_WORKQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_rate_limiter;
struct ck_workqueue;

/*
 * A new queue; name is for logs (may be NULL). limiter is taken (freed
 * with the queue); NULL means ck_rate_limiter_default_controller_new().
 * The caller owns the queue (ck_workqueue_free).
 */
struct ck_workqueue *ck_workqueue_new(const char *name, struct ck_rate_limiter *limiter);
/* Shuts down, stops the delay thread and frees. No worker may still be in get(). NULL-safe. */
void ck_workqueue_free(struct ck_workqueue *q);

/* Adds item (copied) unless it is already waiting. */
void ck_workqueue_add(struct ck_workqueue *q, const char *item);
/*
 * Blocks until an item is available: 0 and *ret_item (the caller owns the
 * string, and must call ck_workqueue_done with it), or -ESHUTDOWN once the
 * queue is shut down and empty.
 */
int ck_workqueue_get(struct ck_workqueue *q, char **ret_item);
/* Marks item processed; re-queues it when it was added meanwhile. */
void ck_workqueue_done(struct ck_workqueue *q, const char *item);
/* Items waiting (not counting those being processed or delayed). */
size_t ck_workqueue_len(struct ck_workqueue *q);

/* Adds item after delay_ns (at once when <= 0). */
void ck_workqueue_add_after(struct ck_workqueue *q, const char *item, int64_t delay_ns);
/* Adds item after the rate limiter's delay for it. */
void ck_workqueue_add_rate_limited(struct ck_workqueue *q, const char *item);
/* The limiter stops tracking item (call after a success). */
void ck_workqueue_forget(struct ck_workqueue *q, const char *item);
/* How many times item was rate-limited since it was last forgotten. */
int ck_workqueue_num_requeues(struct ck_workqueue *q, const char *item);

/* Stops accepting items; workers drain what is queued, then get -ESHUTDOWN. */
void ck_workqueue_shutdown(struct ck_workqueue *q);
/* As shutdown, and waits until every item handed out is done. */
void ck_workqueue_shutdown_with_drain(struct ck_workqueue *q);
bool ck_workqueue_shutting_down(struct ck_workqueue *q);

#endif
