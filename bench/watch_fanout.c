/*
 * Watch fan-out through the watch cache alone (storage/cacher/cacher.h),
 * against a real etcd started here (test/lib/etcd.h): 1 000 and 10 000
 * watchers on one resource, every one receiving every change of one
 * ConfigMap. Each watcher's deliver does what the API server's does: it
 * copies the shared frame into the watcher's own buffer (emptied first, as
 * if the previous frame had gone out).
 *
 * Reported per watcher count, over EVENTS changes:
 *   - put -> all: from the etcd Put call to the last watcher's deliver;
 *   - fan-out: from the first watcher's deliver to the last one's;
 *   - memory per watcher: the process RSS growth from registering the
 *     watchers (the cache's side, idle), and after the events (with each
 *     watcher's buffer holding one frame), divided by the count.
 * Prints markdown. Environment: CK_BENCH_ETCD_DIR (parent of etcd's data
 * directory), CK_BENCH_EVENTS (default 50).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../test/lib/etcd.h"
#include "storage/cacher/cacher.h"
#include "storage/etcd3/etcd3.h"
#include "util/buf.h"
#include "util/str.h"

#define PREFIX "/registry/configmaps/"
#define KEY PREFIX "bench/fanout"

struct watcher_ctx {
	struct ck_buf buf;
};

/* What the dispatch thread reports to the main one. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	size_t expected; /* deliveries that make a round */
	size_t got;
	double first_ms, last_ms;
} round_state = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

static int deliver(void *ctx, const struct ck_watch_event *ev)
{
	struct watcher_ctx *w = ctx;
	double t = now_ms();
	if (ev->type == CK_WATCH_BOOKMARK || !ev->encoded)
		return 0;
	ck_buf_reset(&w->buf);
	if (ck_buf_add(&w->buf, ev->encoded, ev->encoded_len) < 0)
		return -1;
	/* rounds go one at a time: every change delivered belongs to this one */
	pthread_mutex_lock(&round_state.mu);
	if (round_state.got++ == 0)
		round_state.first_ms = t;
	if (round_state.got == round_state.expected) {
		round_state.last_ms = t;
		pthread_cond_signal(&round_state.cond);
	}
	pthread_mutex_unlock(&round_state.mu);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

/* A ConfigMap of about 1 KiB, its data changing with i. */
static char *configmap(int i)
{
	char pad[801];
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	size_t n = 1200;
	char *s = malloc(n);
	snprintf(s, n,
		 "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"fanout\","
		 "\"namespace\":\"bench\",\"uid\":\"6c1b4cf0-1f0e-4d5c-9d2e-3b4a5c6d7e8f\","
		 "\"creationTimestamp\":\"2024-01-01T00:00:00Z\",\"labels\":{\"app\":\"bench\"}},"
		 "\"data\":{\"round\":\"%d\",\"pad\":\"%s\"}}",
		 i, pad);
	return s;
}

static int64_t put(struct ck_etcd *c, const char *value)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__PutResponse *resp = NULL;
	struct ck_etcd_err err = { 0, "" };
	req.key.data = (uint8_t *)KEY;
	req.key.len = strlen(KEY);
	req.value.data = (uint8_t *)value;
	req.value.len = strlen(value);
	if (ck_etcd_put(c, &req, &resp, &err) < 0) {
		fprintf(stderr, "watch_fanout: put: %s\n", err.message);
		exit(1);
	}
	int64_t rev = resp->header->revision;
	ck_etcd_response_free(resp);
	return rev;
}

/* One change; waits until every watcher has it. Returns false on a timeout. */
static bool one_round(struct ck_etcd *c, int i, size_t watchers, double *ret_total,
		      double *ret_fanout)
{
	char *v = configmap(i);
	struct timespec until;
	bool ok = true;

	pthread_mutex_lock(&round_state.mu);
	round_state.expected = watchers;
	round_state.got = 0;
	pthread_mutex_unlock(&round_state.mu);
	double t0 = now_ms();
	put(c, v);
	pthread_mutex_lock(&round_state.mu);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	while (round_state.got < watchers) {
		if (pthread_cond_timedwait(&round_state.cond, &round_state.mu, &until) != 0) {
			ok = false;
			break;
		}
	}
	*ret_total = round_state.last_ms - t0;
	*ret_fanout = round_state.last_ms - round_state.first_ms;
	pthread_mutex_unlock(&round_state.mu);
	free(v);
	return ok;
}

int main(void)
{
	static const size_t counts[] = { 1000, 10000 };
	struct ck_test_etcd_options eo = { .base_dir = getenv("CK_BENCH_ETCD_DIR") };
	struct ck_test_etcd *e = NULL;
	int events = 50;
	const char *ev = getenv("CK_BENCH_EVENTS");

	if (ev && (ck_str_to_int(ev, &events) < 0 || events < 1))
		events = 50;
	if (ck_test_etcd_start(&eo, &e) < 0) {
		fprintf(stderr, "watch_fanout: unable to start etcd\n");
		return 1;
	}
	struct ck_etcd_config cfg = { .endpoints = ck_test_etcd_endpoint(e) };
	struct ck_etcd_err err = { 0, "" };
	struct ck_etcd *c = NULL;
	if (ck_etcd_new(&cfg, &c, &err) < 0) {
		fprintf(stderr, "watch_fanout: %s\n", err.message);
		return 1;
	}
	char *v = configmap(0);
	put(c, v);
	free(v);
	sleep(3); /* a just-started etcd is slow for a few seconds */

	struct ck_cacher_config cc = { .etcd = c, .prefix = PREFIX };
	struct ck_cacher *cache = NULL;
	if (ck_cacher_start(&cc, &cache) < 0) {
		fprintf(stderr, "watch_fanout: unable to start the watch cache\n");
		return 1;
	}

	printf("Watch fan-out through the watch cache alone: one ConfigMap (~1 KiB) changed "
	       "%d times, every watcher receiving every change into its own buffer.\n\n",
	       events);
	printf("| watchers | put → all, p50 | put → all, p99 | fan-out, p50 | fan-out, p99 | "
	       "memory/watcher (idle) | memory/watcher (1 frame buffered) |\n");
	printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		size_t n = counts[k];
		struct watcher_ctx *ctxs = calloc(n, sizeof(*ctxs));
		struct ck_cacher_watcher **ws = calloc(n, sizeof(*ws));
		double *total = calloc((size_t)events, sizeof(double));
		double *fan = calloc((size_t)events, sizeof(double));
		double t, f;

		for (size_t i = 0; i < n; i++)
			ck_buf_init(&ctxs[i].buf, 1 << 20);
		malloc_trim(0);
		long rss0 = rss_bytes();
		int64_t from = ck_cacher_revision(cache);
		for (size_t i = 0; i < n; i++) {
			struct ck_cacher_watch_options o = { .from_rv = from,
							     .bookmarks = true,
							     .deliver = deliver,
							     .ctx = &ctxs[i] };
			if (ck_cacher_watch(cache, &o, &ws[i]) < 0) {
				fprintf(stderr, "watch_fanout: unable to watch\n");
				return 1;
			}
		}
		/* every watcher is active once it got a change; buffers stay empty
		 * for the idle measurement */
		if (!one_round(c, 1, n, &t, &f)) {
			fprintf(stderr, "watch_fanout: warm-up timed out\n");
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			ck_buf_release(&ctxs[i].buf);
		malloc_trim(0);
		long rss_idle = rss_bytes();
		/* one more untimed round: the buffers are allocated again */
		if (!one_round(c, 1, n, &t, &f)) {
			fprintf(stderr, "watch_fanout: warm-up timed out\n");
			return 1;
		}
		for (int i = 0; i < events; i++) {
			if (!one_round(c, i + 2, n, &total[i], &fan[i])) {
				fprintf(stderr, "watch_fanout: round %d timed out\n", i);
				return 1;
			}
		}
		long rss_busy = rss_bytes();
		qsort(total, (size_t)events, sizeof(double), cmp_double);
		qsort(fan, (size_t)events, sizeof(double), cmp_double);
		printf(
		    "| %zu | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.0f B | %.0f B |\n", n,
		    percentile(total, (size_t)events, 0.5), percentile(total, (size_t)events, 0.99),
		    percentile(fan, (size_t)events, 0.5), percentile(fan, (size_t)events, 0.99),
		    (double)(rss_idle - rss0) / (double)n, (double)(rss_busy - rss0) / (double)n);
		fflush(stdout);
		for (size_t i = 0; i < n; i++) {
			ck_cacher_watch_stop(ws[i]);
			ck_buf_release(&ctxs[i].buf);
		}
		free(ctxs);
		free(ws);
		free(total);
		free(fan);
	}
	printf("\nput → all includes the etcd Put round trip and etcd's watch delivery "
	       "(about 1 ms here); fan-out is the cache's own dispatch.\n");
	ck_cacher_stop(cache);
	ck_etcd_free(c);
	ck_test_etcd_free(e);
	return 0;
}
