/*
 * kube-scheduler benchmark: scheduler_perf's workloads against a real etcd
 * and kube-apiserver (test/lib) and the built kube-scheduler binary. Each
 * workload is one row of the table below, run by one runner: Node objects
 * created through the API (scheduler_perf's node-default: 4 cpu, 32Gi, 110
 * pods; labelled with a zone where the workload says so), the scheduler
 * started, the initial pods created (32 in flight) and waited for, then an
 * optional churn thread started and the measured pods created. Throughput is
 * measured pods / (time from the first measured create to the last measured
 * binding seen on a watch), real binding writes included. The median of the
 * runs is printed beside upstream's threshold.
 *
 * Workloads (upstream test/integration/scheduler_perf/config/performance-config.yaml):
 *  - SchedulingBasic: pod-default pods (100m cpu, 500Mi).
 *  - TopologySpreading: nodes spread over zones moon-1..3; initial pods are
 *    pod-default, measured ones carry color=blue and a DoNotSchedule
 *    topologySpreadConstraint (maxSkew 5) on topology.kubernetes.io/zone.
 *  - PreemptionBasic: pod-low-priority pods (900m, priority 0,
 *    terminationGracePeriodSeconds 0) fill the nodes, then
 *    pod-high-priority pods (3 cpu, priority 10) preempt them. A measured
 *    pod counts when it is bound: its victims are deleted by the scheduler
 *    with a plain delete, which with their grace period of 0 removes them at
 *    once (there is no kubelet here, nor in upstream's harness).
 *  - SchedulingWithMixedChurn: while pod-default pods are measured, a churn
 *    thread (upstream's churn op, mode recreate, every second) alternately
 *    creates and deletes one Node, one unschedulable high-priority pod (9
 *    cpu) and one Service.
 *
 * Environment: CK_BENCH_WORKLOAD=name (one workload; default all),
 * CK_BENCH_QUICK=1 (scaled-down sizes, one run unless CK_BENCH_RUNS),
 * CK_BENCH_RUNS=N (default 3, at most 5), CK_BENCH_ETCD_DIR (parent of
 * etcd's data; default /tmp), CK_BIN_DIR (where the binaries are; default
 * ../bin beside this program), CK_BENCH_SCHED_V=N (the scheduler's -v),
 * CK_BENCH_SCHED_LOG=path (keep the last run's scheduler log there).
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
#include "apimachinery/object.h"
#include "client/client.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/str.h"

#define WRITERS 32
#define MAX_RUNS 5
#define MEASURED_PREFIX "measured"

static const struct ck_gvr nodes_gvr = { "", "v1", "nodes" };
static const struct ck_gvr pods_gvr = { "", "v1", "pods" };
static const struct ck_gvr services_gvr = { "", "v1", "services" };

/* The pod templates (upstream's config/<name>.yaml of the same names). */
enum pod_template {
	POD_DEFAULT,
	POD_TOPOLOGY_SPREADING,
	POD_LOW_PRIORITY,
	POD_HIGH_PRIORITY,
	POD_HIGH_PRIORITY_LARGE_CPU,
};

struct sizes {
	int nodes, init_pods, measured;
};

struct workload {
	const char *name;
	struct sizes full, quick;
	double threshold; /* upstream's minimum pods/s */
	bool zones;	  /* label nodes topology.kubernetes.io/zone=moon-1..3 */
	enum pod_template init_template, measured_template;
	bool churn;
};

static const struct workload workloads[] = {
	{ .name = "SchedulingBasic",
	  .full = { 5000, 1000, 10000 },
	  .quick = { 500, 100, 1000 },
	  .threshold = 270,
	  .init_template = POD_DEFAULT,
	  .measured_template = POD_DEFAULT },
	{ .name = "TopologySpreading",
	  .full = { 5000, 5000, 5000 },
	  .quick = { 500, 1000, 1000 },
	  .threshold = 85,
	  .zones = true,
	  .init_template = POD_DEFAULT,
	  .measured_template = POD_TOPOLOGY_SPREADING },
	{ .name = "PreemptionBasic",
	  .full = { 500, 2000, 500 },
	  .quick = { 100, 400, 100 },
	  .threshold = 18,
	  .init_template = POD_LOW_PRIORITY,
	  .measured_template = POD_HIGH_PRIORITY },
	{ .name = "SchedulingWithMixedChurn",
	  .full = { 5000, 0, 10000 },
	  .quick = { 1000, 0, 1000 },
	  .threshold = 265,
	  .init_template = POD_DEFAULT,
	  .measured_template = POD_DEFAULT,
	  .churn = true },
};

/* ---- watching bindings --------------------------------------------------------------- */

struct counter {
	pthread_mutex_t lock;
	struct ck_hashmap bound; /* keys of every pod seen bound, lock */
	size_t measured_bound;	 /* of which measured pods, lock */
	double last_bound_ms;	 /* when the last measured pod was seen bound, lock */
	size_t deleted;		 /* pods seen deleted (preemption victims, churn), lock */
};

static void seen(struct counter *c, json_object *obj)
{
	const char *node = ck_obj_path_str(obj, "spec.nodeName");
	if (!node || !*node)
		return;
	char *key = ck_store_key_of(obj);
	const char *name = ck_obj_name(obj);
	pthread_mutex_lock(&c->lock);
	if (!ck_hashmap_has(&c->bound, key)) {
		ck_hashmap_put(&c->bound, key, NULL);
		if (name && ck_str_has_prefix(name, MEASURED_PREFIX "-")) {
			c->measured_bound++;
			c->last_bound_ms = ck_test_now_ms();
		}
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

static void on_delete(void *ctx, const char *key, json_object *obj, bool unknown)
{
	(void)key, (void)obj, (void)unknown;
	struct counter *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->deleted++;
	pthread_mutex_unlock(&c->lock);
}

/* Waits until n pods (measured pods only, if measured) have been seen bound. */
static bool wait_bound(struct counter *c, size_t n, bool measured, double timeout_ms)
{
	double deadline = ck_test_now_ms() + timeout_ms;
	bool ok = false;
	while (!ok && ck_test_now_ms() < deadline) {
		pthread_mutex_lock(&c->lock);
		ok = (measured ? c->measured_bound : ck_hashmap_count(&c->bound)) >= n;
		pthread_mutex_unlock(&c->lock);
		if (!ok)
			usleep(5000);
	}
	return ok;
}

/* ---- objects --------------------------------------------------------------------------- */

static int create_text(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		       const char *text, json_object **ret)
{
	json_object *o = json_tokener_parse(text);
	if (!o)
		return -EINVAL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_create(c, gvr, ns, o, ret, &err);
	ck_client_error_release(&err);
	json_object_put(o);
	return r;
}

/* scheduler_perf's node-default (and churn/node-default), with an optional zone label. */
static int create_node(struct ck_client *c, const char *name, const char *zone)
{
	char text[1024], zone_label[96] = "";
	if (zone)
		snprintf(zone_label, sizeof(zone_label), ",\"topology.kubernetes.io/zone\":\"%s\"",
			 zone);
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"%s\","
		 "\"labels\":{\"kubernetes.io/hostname\":\"%s\"%s}},\"status\":{\"capacity\":"
		 "{\"cpu\":\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":"
		 "\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"},\"conditions\":[{\"type\":\"Ready\","
		 "\"status\":\"True\"}]}}",
		 name, name, zone_label);
	json_object *out = NULL, *o = json_tokener_parse(text), *status = NULL;
	int r = create_text(c, &nodes_gvr, NULL, text, &out);
	if (r == 0) {
		/* the status given on create is reset: set it through nodes/status */
		struct ck_client_error err;
		ck_client_error_init(&err);
		json_object_object_get_ex(o, "status", &status);
		json_object_object_add(out, "status", json_object_get(status));
		r = ck_client_update_status(c, &nodes_gvr, NULL, out, NULL, &err);
		ck_client_error_release(&err);
	}
	if (out)
		json_object_put(out);
	json_object_put(o);
	return r;
}

static int create_pod(struct ck_client *c, enum pod_template t, const char *name)
{
	const char *labels = "", *spec_extra = "", *cpu = "100m";
	bool limits = true;
	switch (t) {
	case POD_DEFAULT:
		break;
	case POD_TOPOLOGY_SPREADING:
		labels = ",\"labels\":{\"color\":\"blue\"}";
		spec_extra = "\"topologySpreadConstraints\":[{\"maxSkew\":5,\"topologyKey\":"
			     "\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":"
			     "\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":{\"color\":"
			     "\"blue\"}}}],";
		break;
	case POD_LOW_PRIORITY:
		spec_extra = "\"terminationGracePeriodSeconds\":0,";
		cpu = "900m";
		break;
	case POD_HIGH_PRIORITY:
		spec_extra = "\"priority\":10,";
		cpu = "3000m";
		break;
	case POD_HIGH_PRIORITY_LARGE_CPU:
		spec_extra = "\"priority\":10,";
		cpu = "9";
		limits = false;
		break;
	}
	char limits_text[96] = "";
	if (limits)
		snprintf(limits_text, sizeof(limits_text),
			 ",\"limits\":{\"cpu\":\"%s\",\"memory\":\"500Mi\"}", cpu);
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"%s},"
		 "\"spec\":{%s\"containers\":[{\"name\":\"pause\",\"image\":\"registry.k8s.io/"
		 "pause:3.9\",\"ports\":[{\"containerPort\":80}],\"resources\":{\"requests\":"
		 "{\"cpu\":\"%s\",\"memory\":\"500Mi\"}%s}}]}}",
		 name, labels, spec_extra, cpu, limits_text);
	return create_text(c, &pods_gvr, "default", text, NULL);
}

static const char *const zones[] = { "moon-1", "moon-2", "moon-3" };

/* What a writer creates: nodes (zone labels or not) or pods of one template. */
struct writer {
	struct ck_client *client;
	bool nodes;
	bool zones;
	enum pod_template pod_template;
	const char *prefix;
	int total;
	atomic_int next;
	atomic_int failed;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	int i;
	char name[96];
	while ((i = atomic_fetch_add(&w->next, 1)) < w->total) {
		snprintf(name, sizeof(name), "%s-%d", w->prefix, i);
		int r = w->nodes ? create_node(w->client, name, w->zones ? zones[i % 3] : NULL)
				 : create_pod(w->client, w->pod_template, name);
		if (r < 0)
			atomic_fetch_add(&w->failed, 1);
	}
	return NULL;
}

/* Creates w->total objects from WRITERS threads; returns how many failed. */
static int create_all(struct writer *w)
{
	pthread_t t[WRITERS];
	int started = 0;
	for (int i = 0; i < WRITERS; i++)
		if (pthread_create(&t[started], NULL, writer_main, w) == 0)
			started++;
	if (started == 0)
		writer_main(w);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&w->failed);
}

/* ---- churn (upstream's churn op, mode recreate, number 1, every second) ---------------- */

struct churn {
	struct ck_client *client;
	struct ck_cancel stop;
	pthread_t thread;
	int rounds, failed;
};

static int delete_one(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		      const char *name)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_delete(c, gvr, ns, name, NULL, NULL, &err);
	ck_client_error_release(&err);
	return r == -ENOENT ? 0 : r;
}

static void *churn_main(void *arg)
{
	struct churn *ch = arg;
	bool live = false;
	char node[64] = "", pod[64] = "", svc[64] = "";
	while (ck_cancel_sleep_ms(&ch->stop, 1000) == 0) {
		int r = 0;
		if (live) {
			r |= delete_one(ch->client, &nodes_gvr, NULL, node);
			r |= delete_one(ch->client, &pods_gvr, "default", pod);
			r |= delete_one(ch->client, &services_gvr, "default", svc);
		} else {
			snprintf(node, sizeof(node), "churn-node-%d", ch->rounds);
			snprintf(pod, sizeof(pod), "churn-pod-%d", ch->rounds);
			snprintf(svc, sizeof(svc), "churn-svc-%d", ch->rounds);
			char text[512];
			r |= create_node(ch->client, node, NULL);
			r |= create_pod(ch->client, POD_HIGH_PRIORITY_LARGE_CPU, pod);
			snprintf(
			    text, sizeof(text),
			    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":"
			    "\"%s\"},\"spec\":{\"selector\":{\"app\":\"foo\"},\"ports\":[{"
			    "\"port\":8080,\"targetPort\":8080}]}}",
			    svc);
			r |= create_text(ch->client, &services_gvr, "default", text, NULL);
		}
		if (r < 0)
			ch->failed++;
		live = !live;
		ch->rounds++;
	}
	return NULL;
}

/* ---- one run --------------------------------------------------------------------------- */

static const char *bin_dir(char *buf, size_t size)
{
	const char *d = getenv("CK_BIN_DIR");
	if (d)
		return d;
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
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

/* One run of w at sizes sz: pods/s, or < 0 on failure. */
static double run_once(const char *bins, const struct workload *w, const struct sizes *sz)
{
	double result = -1;
	struct ck_test_etcd *etcd = NULL;
	struct ck_test_apiserver *api = NULL;
	struct ck_client *client = NULL;
	struct ck_informer *inf = NULL;
	pid_t sched = 0;
	struct churn churn = { 0 };
	bool churning = false;
	struct counter cnt = { 0 };
	pthread_mutex_init(&cnt.lock, NULL);
	ck_hashmap_init(&cnt.bound, NULL);
	char *dir = ck_test_mkdtemp(NULL, "ck-bench-sched");
	char log[PATH_MAX] = "";

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
	if (ck_client_config_load(&rules, NULL, NULL, &cfg, NULL, NULL, &err) < 0) {
		fprintf(stderr, "  kubeconfig: %s\n", err ? err : "?");
		free(err);
		goto out;
	}
	cfg.qps = -1;
	int r = ck_client_new(&cfg, &client, &err);
	ck_client_config_release(&cfg);
	if (r < 0) {
		fprintf(stderr, "  client: %s\n", err ? err : "?");
		free(err);
		goto out;
	}

	double t0 = ck_test_now_ms();
	struct writer nw = { .client = client,
			     .nodes = true,
			     .zones = w->zones,
			     .prefix = "node",
			     .total = sz->nodes };
	int failed = create_all(&nw);
	fprintf(stderr, "  %d nodes in %.1f s (%d failed)\n", sz->nodes,
		(ck_test_now_ms() - t0) / 1000, failed);

	struct ck_informer_options io = { .client = client,
					  .version = "v1",
					  .resource = "pods",
					  .namespace = "default",
					  .name = "bench-pods" };
	ck_informer_new(&io, &inf);
	ck_informer_add_handler(
	    inf,
	    &(struct ck_event_handler){
		.on_add = on_add, .on_update = on_update, .on_delete = on_delete, .ctx = &cnt },
	    NULL);
	ck_informer_start(inf);
	ck_informer_wait_for_sync(inf, NULL, 30000);

	char sched_bin[PATH_MAX + 32], kc[PATH_MAX + 32];
	snprintf(sched_bin, sizeof(sched_bin), "%s/kube-scheduler", bins);
	snprintf(kc, sizeof(kc), "--kubeconfig=%s", ck_test_apiserver_kubeconfig(api));
	snprintf(log, sizeof(log), "%s/scheduler.log", dir);
	char vflag[32];
	snprintf(vflag, sizeof(vflag), "-v=%s",
		 getenv("CK_BENCH_SCHED_V") ? getenv("CK_BENCH_SCHED_V") : "0");
	const char *argv[] = { sched_bin,
			       kc,
			       "--leader-elect=false",
			       "--secure-port=0",
			       "--kube-api-qps=5000",
			       "--kube-api-burst=5000",
			       vflag,
			       NULL };
	if (ck_test_spawn(argv, log, &sched) < 0)
		goto out;

	if (sz->init_pods > 0) {
		struct writer iw = { .client = client,
				     .pod_template = w->init_template,
				     .prefix = "init",
				     .total = sz->init_pods };
		t0 = ck_test_now_ms();
		failed = create_all(&iw);
		if (!wait_bound(&cnt, (size_t)(sz->init_pods - failed), false, 300000)) {
			fprintf(stderr, "  initial pods not all bound\n");
			ck_test_print_log_tail(log, 20);
			goto out;
		}
		fprintf(stderr, "  %d initial pods bound in %.1f s (%d failed)\n", sz->init_pods,
			(ck_test_now_ms() - t0) / 1000, failed);
	}
	if (w->churn) {
		churn.client = client;
		ck_cancel_init(&churn.stop);
		if (pthread_create(&churn.thread, NULL, churn_main, &churn) == 0)
			churning = true;
	}
	double start = ck_test_now_ms();
	double sched_cpu0 = cpu_seconds(sched), api_cpu0 = cpu_seconds(ck_test_apiserver_pid(api));
	struct writer mw = { .client = client,
			     .pod_template = w->measured_template,
			     .prefix = MEASURED_PREFIX,
			     .total = sz->measured };
	failed = create_all(&mw);
	double created = ck_test_now_ms();
	if (failed > 0)
		fprintf(stderr, "  %d measured pods failed to create\n", failed);
	if (!wait_bound(&cnt, (size_t)(sz->measured - failed), true, 600000)) {
		fprintf(stderr, "  measured pods not all bound\n");
		ck_test_print_log_tail(log, 20);
		goto out;
	}
	pthread_mutex_lock(&cnt.lock);
	double end = cnt.last_bound_ms;
	size_t deleted = cnt.deleted;
	pthread_mutex_unlock(&cnt.lock);
	result = (sz->measured - failed) / ((end - start) / 1000);
	fprintf(stderr, "  %d pods created in %.1f s, all bound after %.1f s: %.0f pods/s\n",
		sz->measured, (created - start) / 1000, (end - start) / 1000, result);
	if (deleted)
		fprintf(stderr, "  %zu pods deleted meanwhile (preemption victims, churn)\n",
			deleted);
	fprintf(stderr, "  CPU meanwhile: kube-scheduler %.1f s, kube-apiserver %.1f s\n",
		cpu_seconds(sched) - sched_cpu0,
		cpu_seconds(ck_test_apiserver_pid(api)) - api_cpu0);
out:
	if (churning) {
		ck_cancel_fire(&churn.stop);
		pthread_join(churn.thread, NULL);
		fprintf(stderr, "  churn: %d rounds, %d failed\n", churn.rounds, churn.failed);
	}
	if (w->churn)
		ck_cancel_release(&churn.stop);
	if (sched)
		ck_test_stop(sched, SIGTERM, 10000);
	if (getenv("CK_BENCH_SCHED_LOG") && *log) {
		char cmd[2 * PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", log, getenv("CK_BENCH_SCHED_LOG"));
		if (system(cmd) != 0)
			fprintf(stderr, "  unable to keep the scheduler log\n");
	}
	ck_informer_free(inf);
	ck_client_free(client);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	ck_hashmap_release(&cnt.bound);
	pthread_mutex_destroy(&cnt.lock);
	ck_test_rmtree(dir);
	free(dir);
	return result;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	bool quick = getenv("CK_BENCH_QUICK") && ck_streq(getenv("CK_BENCH_QUICK"), "1");
	int runs = quick ? 1 : 3;
	if (getenv("CK_BENCH_RUNS"))
		ck_str_to_int(getenv("CK_BENCH_RUNS"), &runs);
	if (runs < 1 || runs > MAX_RUNS)
		runs = 3;
	const char *only = getenv("CK_BENCH_WORKLOAD");
	bool found = false;
	for (size_t i = 0; i < CK_ARRAY_SIZE(workloads); i++)
		found |= !only || ck_streq(only, workloads[i].name);
	if (!found) {
		fprintf(stderr, "unknown CK_BENCH_WORKLOAD '%s'; known:", only);
		for (size_t i = 0; i < CK_ARRAY_SIZE(workloads); i++)
			fprintf(stderr, " %s", workloads[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	char buf[PATH_MAX];
	const char *bins = bin_dir(buf, sizeof(buf));
	setenv("CK_BIN_DIR", bins, 1); /* test/lib starts kube-apiserver from there too */
	char table[4096] = "";
	size_t used = 0;
	int status = 0;
	for (size_t i = 0; i < CK_ARRAY_SIZE(workloads); i++) {
		const struct workload *w = &workloads[i];
		if (only && !ck_streq(only, w->name))
			continue;
		const struct sizes *sz = quick ? &w->quick : &w->full;
		double r[MAX_RUNS];
		int ok = 0;
		for (int k = 0; k < runs; k++) {
			fprintf(stderr, "%s run %d/%d\n", w->name, k + 1, runs);
			double v = run_once(bins, w, sz);
			if (v > 0)
				r[ok++] = v;
		}
		char cell[64] = "failed", range[64] = "–";
		if (ok > 0) {
			qsort(r, (size_t)ok, sizeof(double), cmp_double);
			snprintf(cell, sizeof(cell), "%.0f", r[ok / 2]);
			snprintf(range, sizeof(range), "%.0f–%.0f", r[0], r[ok - 1]);
		} else {
			status = 1;
		}
		used += (size_t)snprintf(table + used, sizeof(table) - used,
					 "| %s | %d | %d | %d | %d/%d | %s | %s | %.0f |\n",
					 w->name, sz->nodes, sz->init_pods, sz->measured, ok, runs,
					 cell, range, w->threshold);
		if (used >= sizeof(table))
			used = sizeof(table) - 1;
	}
	printf("| workload | nodes | initial pods | measured pods | runs ok | pods/s (median) | "
	       "pods/s range | upstream threshold |\n"
	       "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n%s",
	       table);
	return status;
}
