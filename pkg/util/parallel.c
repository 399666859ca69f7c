#include "util/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "util/common.h"

struct ck_parallel {
	pthread_mutex_t run_lock; /* one loop at a time */
	pthread_mutex_t lock;	  /* guards the fields below it */
	pthread_cond_t start_cond, done_cond;
	uint64_t generation; /* a new loop was posted */
	unsigned busy;	     /* workers still in the current loop */
	bool stopping;
	/* The current loop (written under lock before the generation bump). */
	ck_parallel_fn fn;
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
	atomic_bool stop;
	unsigned nthreads;
	pthread_t *threads;
};

static void run_chunks(struct ck_parallel *p)
{
	for (;;) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed))
			return;
		size_t start = atomic_fetch_add(&p->next, p->chunk);
		if (start >= p->n)
			return;
		size_t end = start + p->chunk < p->n ? start + p->chunk : p->n;
		for (size_t i = start; i < end; i++) {
			if (!p->fn(p->ctx, i)) {
				atomic_store(&p->stop, true);
				return;
			}
		}
	}
}

static void *worker(void *arg)
{
	struct ck_parallel *p = arg;
	uint64_t seen = 0;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stopping && p->generation == seen)
			pthread_cond_wait(&p->start_cond, &p->lock);
		if (p->stopping)
			break;
		seen = p->generation;
		pthread_mutex_unlock(&p->lock);
		run_chunks(p);
		pthread_mutex_lock(&p->lock);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done_cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct ck_parallel *ck_parallel_new(unsigned workers)
{
	struct ck_parallel *p = ck_calloc(1, sizeof(*p));
	if (workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		workers = cores > 1 ? (unsigned)cores - 1 : 0;
	}
	pthread_mutex_init(&p->run_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->start_cond, NULL);
	pthread_cond_init(&p->done_cond, NULL);
	p->threads = workers ? ck_calloc(workers, sizeof(pthread_t)) : NULL;
	for (unsigned i = 0; i < workers; i++) {
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	return p;
}

void ck_parallel_free(struct ck_parallel *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->start_cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_cond_destroy(&p->start_cond);
	pthread_cond_destroy(&p->done_cond);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->run_lock);
	free(p);
}

unsigned ck_parallel_width(const struct ck_parallel *p)
{
	return p->nthreads + 1;
}

void ck_parallel_for(struct ck_parallel *p, size_t n, size_t chunk, ck_parallel_fn fn, void *ctx)
{
	if (n == 0)
		return;
	if (chunk == 0) {
		/* about four chunks per thread, as upstream's chunkSizeFor (sqrt-ish) */
		chunk = n / (4 * (size_t)ck_parallel_width(p));
		if (chunk < 1)
			chunk = 1;
	}
	pthread_mutex_lock(&p->run_lock);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->chunk = chunk;
	atomic_store(&p->next, 0);
	atomic_store(&p->stop, false);
	/* Small loops are not worth waking anyone. */
	bool wake = p->nthreads > 0 && n > chunk;
	if (wake) {
		pthread_mutex_lock(&p->lock);
		p->busy = p->nthreads;
		p->generation++;
		pthread_cond_broadcast(&p->start_cond);
		pthread_mutex_unlock(&p->lock);
	}
	run_chunks(p);
	if (wake) {
		pthread_mutex_lock(&p->lock);
		while (p->busy > 0)
			pthread_cond_wait(&p->done_cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&p->run_lock);
}
