#include "util/scavenger.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake; /* CLOCK_MONOTONIC; with lock: stop asked */
static pthread_t thread;
static bool running;  /* guarded by lock */
static bool stopping; /* guarded by lock */
static int64_t interval_ms;

/* The process's resident anonymous memory (RssAnon), in bytes; 0 or -errno. */
static int rss_anon(size_t *ret)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int r = -ENOENT;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long kib;
		if (sscanf(line, "RssAnon: %lu kB", &kib) == 1) {
			*ret = (size_t)kib * 1024;
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

/*
 * Resident anonymous memory malloc does not count as in use: free heap
 * pages, and what is not malloc's at all (thread stacks, other mappings).
 */
static size_t idle_bytes(size_t *ret_in_use)
{
	struct mallinfo2 mi = mallinfo2();
	size_t anon = 0, in_use = mi.uordblks + mi.hblkhd;
	if (rss_anon(&anon) < 0)
		anon = 0;
	*ret_in_use = in_use;
	return anon > in_use ? anon - in_use : 0;
}

size_t ck_scavenge(void)
{
	/* What stayed idle after the last trim is not the heap's to give back. */
	static size_t residue; /* guarded by trim_lock */
	static pthread_mutex_t trim_lock = PTHREAD_MUTEX_INITIALIZER;
	size_t in_use, excess = 0;

	pthread_mutex_lock(&trim_lock);
	size_t idle = idle_bytes(&in_use);
	if (idle > residue && idle - residue >= CK_SCAVENGE_MIN_FREE &&
	    idle - residue >= in_use / 8) {
		excess = idle - residue;
		malloc_trim(0);
		residue = idle_bytes(&in_use);
		ck_log_v(5, "scavenger: %zu bytes of free heap given back (%zu in use)",
			 idle > residue ? idle - residue : 0, in_use);
	}
	pthread_mutex_unlock(&trim_lock);
	return excess;
}

static void *scavenger_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		ck_time_mono_deadline(&ts, interval_ms);
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &ts) != ETIMEDOUT)
			;
		if (stopping)
			break;
		pthread_mutex_unlock(&lock);
		ck_scavenge();
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int ck_scavenger_start(int64_t every_ms)
{
	int r = 0;
	if (every_ms <= 0)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	if (running) {
		r = -EALREADY;
		goto out;
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	interval_ms = every_ms;
	stopping = false;
	if ((r = pthread_create(&thread, NULL, scavenger_main, NULL)) != 0) {
		pthread_cond_destroy(&wake);
		r = -r;
		goto out;
	}
	running = true;
out:
	pthread_mutex_unlock(&lock);
	return r;
}

void ck_scavenger_stop(void)
{
	pthread_mutex_lock(&lock);
	if (!running) {
		pthread_mutex_unlock(&lock);
		return;
	}
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	pthread_mutex_lock(&lock);
	running = false;
	pthread_cond_destroy(&wake);
	pthread_mutex_unlock(&lock);
}
