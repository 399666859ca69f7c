/*
 * ck_cancel: a cancellation token, what a Go context's Done channel or a
 * stop channel is to client-go. One thread fires it; any number of threads
 * test it, sleep on it (waking at once when it fires) or hang a hook on it
 * (to wake a poll loop, a curl multi handle, a condition variable).
 *
 * Invariants:
 *  - Firing is one-way and idempotent: once fired, a token stays fired.
 *  - Hooks run exactly once, on the firing thread, under the token's lock:
 *    they must be quick and must not call this token's functions. A hook
 *    added to a token already fired is not added (and not called).
 *  - After ck_cancel_hook_remove() returns, the hook is not running and will
 *    never run, so its data may be freed.
 *  - A NULL token is a token that never fires: every function accepts it.
 */
#ifndef CK_UTIL_CANCEL_H
#define CK_UTIL_CANCEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct ck_cancel_hook {
	struct ck_cancel_hook *next; /* in the token's list, guarded by its lock */
	void (*fn)(void *arg);
	void *arg;
};

struct ck_cancel {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC; broadcast on fire */
	atomic_bool fired;
	struct ck_cancel_hook *hooks; /* guarded by lock */
};

/* Initialises an unfired token (caller-owned memory). */
void ck_cancel_init(struct ck_cancel *c);
/* Releases it; no thread may be using it any more. NULL-safe. */
void ck_cancel_release(struct ck_cancel *c);
/* Fires the token: wakes sleepers, runs the hooks. Idempotent. */
void ck_cancel_fire(struct ck_cancel *c);
/* Whether it has fired (false for NULL). */
bool ck_cancel_fired(struct ck_cancel *c);
/*
 * Sleeps ms milliseconds (ms <= 0: does not sleep) unless the token fires
 * first. 0 after the full sleep, -ECANCELED when fired (at once when it
 * already had).
 */
int ck_cancel_sleep_ms(struct ck_cancel *c, int64_t ms);
/* Waits until the token fires (forever for NULL: do not). */
void ck_cancel_wait(struct ck_cancel *c);

/*
 * Adds a hook (caller-owned memory, untouched until removed) that calls
 * fn(arg) when the token fires. 0, or -ECANCELED when it already fired (the
 * hook is then not added and fn not called). NULL token: 0, never called.
 */
int ck_cancel_hook_add(struct ck_cancel *c, struct ck_cancel_hook *h, void (*fn)(void *arg),
		       void *arg);
/* Removes a hook added before (no-op when it was not added). */
void ck_cancel_hook_remove(struct ck_cancel *c, struct ck_cancel_hook *h);

#endif
