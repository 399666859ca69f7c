/*
 * ck_parallel: a fixed pool of worker threads that runs one loop body over
 * the indices [0, n) at a time, in chunks handed out by an atomic counter;
 * the calling thread works too, and ck_parallel_for returns once every
 * index is done. What upstream's parallelize.Until does with goroutines.
 *
 * One loop at a time per pool (calls are serialised by a lock). The body
 * may stop the loop early by returning false: indices not yet started are
 * skipped.
 */
#ifndef CK_UTIL_PARALLEL_H
#define CK_UTIL_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

struct ck_parallel;

/* Returns false to stop the loop early. */
typedef bool (*ck_parallel_fn)(void *ctx, size_t i);

/* A pool of workers threads besides the caller (0: one per online core, minus one). Owned. */
struct ck_parallel *ck_parallel_new(unsigned workers);
/* Joins the workers. NULL-safe. */
void ck_parallel_free(struct ck_parallel *p);
/* Threads that run a loop, the caller included. */
unsigned ck_parallel_width(const struct ck_parallel *p);
/* Runs fn(ctx, i) for every i in [0, n) (unless stopped), chunk indices at a time (0: auto). */
void ck_parallel_for(struct ck_parallel *p, size_t n, size_t chunk, ck_parallel_fn fn, void *ctx);

#endif
