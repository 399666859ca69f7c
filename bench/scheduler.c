/*
 * kube-scheduler benchmark, scheduler_perf's SchedulingBasic: a real etcd
 * and kube-apiserver (test/lib), Node objects created through the API
 * (scheduler_perf's node-default: 4 cpu, 32Gi, 110 pods), the built
 * kube-scheduler binary, then pods (pod-default: 100m cpu, 500Mi) created
 * through the API at 32 in flight: first the initial pods (waited for),
 * then the measured ones. Throughput is measured pods / (time from the
 * first measured create to the last measured binding seen on a watch),
 * real binding writes included. The median of the runs is reported beside
 * upstream's threshold (270 pods/s).
 *
 * Environment: CK_BENCH_QUICK=1 (500 nodes, 100 + 1 000 pods, one run),
 * CK_BENCH_RUNS=N (default 3), CK_BENCH_ETCD_DIR (parent of etcd's data;
 * default /tmp), CK_BIN_DIR (where the binaries are; default ../bin beside
 * this program).
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test/lib/apiserver.h"
#include "../test/lib/etcd.h"
#include "../test/lib/proc.h"
#include "../test/lib/runner.h"
#include "client/client.h"
#include "util/hashmap.h"
#include "util/str.h"

#define WRITERS 32
#define MAX_RUNS 5

static const struct ck_gvr nodes_gvr = { "", "v1", "nodes" };
static const struct ck_gvr pods_gvr = { "", "v1", "pods" };

struct counter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ck_hashmap bound; /* keys of bound pods */
	double last_bound_ms;
};

static void seen(struct counter *c, json_object *obj)
{
	json_object *spec = NULL, *nn = NULL;
	if (!json_object_object_get_ex(obj, "spec", &spec) ||
	    !json_object_object_get_ex(spec, "nodeName", &nn) || !*json_object_get_string(nn))
		return;
	char *key = ck_store_key_of(obj);
	pthread_mutex_lock(&c->lock);
	if (!ck_hashmap_has(&c->bound, key)) {
		ck_hashmap_put(&c->bound, key, NULL);
		c->last_bound_ms = ck_test_now_ms();
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	free(key);
}

static void on_add(void *ctx, json_object *obj, bool initial)
{
	(void)initial;
	seen(ctx, obj);
}

static void on_update(void *ctx, json_object *old_obj, json_object *new_obj)
{
	(void)old_obj;
	seen(ctx, new_obj);
}

static bool wait_bound(struct counter *c, size_t n, double timeout_ms)
{
	double deadline = ck_test_now_ms() + timeout_ms;
	pthread_mutex_lock(&c->lock);
	while (ck_hashmap_count(&c->bound) < n && ck_test_now_ms() < deadline) {
		pthread_mutex_unlock(&c->lock);
		usleep(5000);
		pthread_mutex_lock(&c->lock);
	}
	bool ok = ck_hashmap_count(&c->bound) >= n;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

struct writer {
	struct ck_client *client;
	const char *kind; /* "node" or "pod" */
	const char *prefix;
	int total;
	atomic_int next;
	atomic_int failed;
};

static int create_node(struct ck_client *c, int i)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-%d\","
		 "\"labels\":{\"kubernetes.io/hostname\":\"node-%d\"}},\"status\":{\"capacity\":"
		 "{\"cpu\":\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":"
		 "\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"},\"conditions\":[{\"type\":\"Ready\","
		 "\"status\":\"True\"}]}}",
		 i, i);
	json_object *o = json_tokener_parse(text), *out = NULL, *status = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_create(c, &nodes_gvr, NULL, o, &out, &err);
	if (r == 0) {
		json_object_object_get_ex(o, "status", &status);
		json_object_object_add(out, "status", json_object_get(status));
		r = ck_client_update_status(c, &nodes_gvr, NULL, out, NULL, &err);
	}
	ck_client_error_release(&err);
	if (out)
		json_object_put(out);
	json_object_put(o);
	return r;
}

static int create_pod(struct ck_client *c, const char *prefix, int i)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s-%d\"},"
		 "\"spec\":{\"containers\":[{\"name\":\"pause\",\"image\":\"registry.k8s.io/"
		 "pause:3.9\",\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"},"
		 "\"limits\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"}}}]}}",
		 prefix, i);
	json_object *o = json_tokener_parse(text);
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_create(c, &pods_gvr, "default", o, NULL, &err);
	ck_client_error_release(&err);
	json_object_put(o);
	return r;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	int i;
	while ((i = atomic_fetch_add(&w->next, 1)) < w->total) {
		int r = ck_streq(w->kind, "node") ? create_node(w->client, i)
						  : create_pod(w->client, w->prefix, i);
		if (r < 0)
			atomic_fetch_add(&w->failed, 1);
	}
	return NULL;
}

static int create_all(struct ck_client *c, const char *kind, const char *prefix, int n)
{
	struct writer w = { .client = c, .kind = kind, .prefix = prefix, .total = n };
	pthread_t t[WRITERS];
	for (int i = 0; i < WRITERS; i++)
		pthread_create(&t[i], NULL, writer_main, &w);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&w.failed);
}

static const char *bin_dir(const char *argv0, char *buf, size_t size)
{
	const char *d = getenv("CK_BIN_DIR");
	if (d)
		return d;
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	(void)argv0;
	if (n <= 0)
		return "_output/bin";
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, size, "%s/../bin", self);
	return buf;
}

/* CPU seconds (user + system) a process has used so far, from /proc; < 0 when unknown. */
static double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	/* after ')': state and 10 fields, then utime and stime */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* One run: pods/s, or < 0 on failure. */
static double run_once(const char *bins, int nodes, int init_pods, int measured)
{
	double result = -1;
	struct ck_test_etcd *etcd = NULL;
	struct ck_test_apiserver *api = NULL;
	struct ck_client *client = NULL;
	struct ck_informer *inf = NULL;
	pid_t sched = 0;
	struct counter cnt;
	pthread_mutex_init(&cnt.lock, NULL);
	pthread_cond_init(&cnt.cond, NULL);
	ck_hashmap_init(&cnt.bound, NULL);
	char *dir = ck_test_mkdtemp(NULL, "ck-bench-sched");

	struct ck_test_etcd_options eo = { .base_dir = getenv("CK_BENCH_ETCD_DIR")
							   ? getenv("CK_BENCH_ETCD_DIR")
							   : "/tmp" };
	const char *const api_args[] = { "--max-requests-inflight=2000",
					 "--max-mutating-requests-inflight=1000", NULL };
	if (ck_test_etcd_start(&eo, &etcd) < 0)
		goto out;
	struct ck_test_apiserver_options ao = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
						.extra_args = api_args };
	if (ck_test_apiserver_start(&ao, &api) < 0)
		goto out;
	struct ck_client_config cfg;
	char *err = NULL;
	struct ck_kubeconfig_loading_rules rules = { .explicit_path =
							 ck_test_apiserver_kubeconfig(api) };
	if (ck_client_config_load(&rules, NULL, NULL, &cfg, NULL, NULL, &err) < 0)
		goto out;
	cfg.qps = -1;
	ck_client_new(&cfg, &client, &err);
	ck_client_config_release(&cfg);

	double t0 = ck_test_now_ms();
	int failed = create_all(client, "node", NULL, nodes);
	fprintf(stderr, "  %d nodes in %.1f s (%d failed)\n", nodes, (ck_test_now_ms() - t0) / 1000,
		failed);

	struct ck_informer_options io = { .client = client,
					  .version = "v1",
					  .resource = "pods",
					  .namespace = "default",
					  .name = "bench-pods" };
	ck_informer_new(&io, &inf);
	ck_informer_add_handler(
	    inf,
	    &(struct ck_event_handler){ .on_add = on_add, .on_update = on_update, .ctx = &cnt },
	    NULL);
	ck_informer_start(inf);
	ck_informer_wait_for_sync(inf, NULL, 30000);

	char sched_bin[PATH_MAX + 32], kc[PATH_MAX + 32], log[PATH_MAX];
	snprintf(sched_bin, sizeof(sched_bin), "%s/kube-scheduler", bins);
	snprintf(kc, sizeof(kc), "--kubeconfig=%s", ck_test_apiserver_kubeconfig(api));
	snprintf(log, sizeof(log), "%s/scheduler.log", dir);
	const char *argv[] = { sched_bin,
			       kc,
			       "--leader-elect=false",
			       "--secure-port=0",
			       "--kube-api-qps=5000",
			       "--kube-api-burst=5000",
			       NULL };
	if (ck_test_spawn(argv, log, &sched) < 0)
		goto out;

	create_all(client, "pod", "init", init_pods);
	if (!wait_bound(&cnt, (size_t)init_pods, 300000)) {
		fprintf(stderr, "  initial pods not all bound\n");
		ck_test_print_log_tail(log, 20);
		goto out;
	}
	double start = ck_test_now_ms();
	double sched_cpu0 = cpu_seconds(sched), api_cpu0 = cpu_seconds(ck_test_apiserver_pid(api));
	create_all(client, "pod", "measured", measured);
	double created = ck_test_now_ms();
	if (!wait_bound(&cnt, (size_t)(init_pods + measured), 600000)) {
		fprintf(stderr, "  measured pods not all bound\n");
		ck_test_print_log_tail(log, 20);
		goto out;
	}
	pthread_mutex_lock(&cnt.lock);
	double end = cnt.last_bound_ms;
	pthread_mutex_unlock(&cnt.lock);
	result = measured / ((end - start) / 1000);
	fprintf(stderr, "  %d pods created in %.1f s, all bound after %.1f s: %.0f pods/s\n",
		measured, (created - start) / 1000, (end - start) / 1000, result);
	fprintf(stderr, "  CPU meanwhile: kube-scheduler %.1f s, kube-apiserver %.1f s\n",
		cpu_seconds(sched) - sched_cpu0,
		cpu_seconds(ck_test_apiserver_pid(api)) - api_cpu0);
out:
	if (sched)
		ck_test_stop(sched, SIGTERM, 10000);
	ck_informer_free(inf);
	ck_client_free(client);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	ck_hashmap_release(&cnt.bound);
	ck_test_rmtree(dir);
	free(dir);
	return result;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	(void)argc;
	bool quick = getenv("CK_BENCH_QUICK") && ck_streq(getenv("CK_BENCH_QUICK"), "1");
	int runs = quick ? 1 : 3;
	if (getenv("CK_BENCH_RUNS"))
		ck_str_to_int(getenv("CK_BENCH_RUNS"), &runs);
	if (runs < 1 || runs > MAX_RUNS)
		runs = 3;
	int nodes = quick ? 500 : 5000, init = quick ? 100 : 1000, measured = quick ? 1000 : 10000;
	char buf[PATH_MAX];
	const char *bins = bin_dir(argv[0], buf, sizeof(buf));
	setenv("CK_BIN_DIR", bins, 1); /* test/lib starts kube-apiserver from there too */
	double r[MAX_RUNS];
	int ok = 0;
	for (int i = 0; i < runs; i++) {
		fprintf(stderr, "SchedulingBasic run %d/%d\n", i + 1, runs);
		double v = run_once(bins, nodes, init, measured);
		if (v > 0)
			r[ok++] = v;
	}
	printf("| workload | nodes | initial pods | measured pods | runs | pods/s (median) | "
	       "upstream threshold |\n| --- | --- | --- | --- | --- | --- | --- |\n");
	if (ok == 0) {
		printf("| SchedulingBasic | %d | %d | %d | 0 | failed | 270 |\n", nodes, init,
		       measured);
		return 1;
	}
	qsort(r, (size_t)ok, sizeof(double), cmp_double);
	printf("| SchedulingBasic | %d | %d | %d | %d | %.0f | 270 |\n", nodes, init, measured, ok,
	       r[ok / 2]);
	return 0;
}
