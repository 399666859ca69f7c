/*
 * Storage benchmark: create throughput and latency against a real etcd
 * started here (test/lib/etcd.h), at concurrency 1, 8 and 64:
 *   - "etcd txn": ck_etcd_txn create-if-absent (mod_revision == 0) of a
 *     1500-byte value, the raw ceiling;
 *   - "storage create": ck_storage_create of a ~1.5 KB Pod object (JSON
 *     encoding, resourceVersion handling), what the API server will call;
 *   - "etcdctl put": the etcdctl command run sequentially, a sanity
 *     baseline (process start and connection setup included);
 * plus the cost of the per-call completion queue the client uses.
 * Prints markdown. Each row is the median of RUNS runs (the machine's two
 * cores are noisy). Environment: CK_BENCH_ETCD_DIR (parent of etcd's data
 * directory; default /tmp, on disk), CK_BENCH_SCALE (multiplies op counts).
 */
#include <errno.h>
#include <fcntl.h>
#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../test/lib/etcd.h"
#include "storage/etcd3/etcd3.h"
#include "storage/etcd3/store.h"
#include "storage/storage.h"
#include "util/str.h"

#define RUNS 3
#define VALUE_SIZE 1500

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(double *sorted, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

struct result {
	double ops_per_s, p50_ms, p99_ms;
	double cpu_us; /* this process's CPU time per op (the client's cost) */
	int errors;
};

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

enum mode { MODE_TXN, MODE_STORE, MODE_SHARED_CQ };

/*
 * The alternative design, for comparison: one completion queue shared by
 * all calls, drained by a poller thread that wakes the waiting caller.
 */
struct shared_cq {
	grpc_channel *channel;
	grpc_completion_queue *cq;
	pthread_t poller;
};

struct pending {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void *poll_shared(void *arg)
{
	struct shared_cq *q = arg;
	for (;;) {
		grpc_event ev =
		    grpc_completion_queue_next(q->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (ev.type == GRPC_QUEUE_SHUTDOWN)
			break;
		struct pending *p = ev.tag;
		pthread_mutex_lock(&p->mu);
		p->done = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static struct shared_cq *shared_cq_new(const char *endpoint)
{
	struct shared_cq *q = calloc(1, sizeof(*q));
	char target[128];
	grpc_channel_credentials *creds = grpc_insecure_credentials_create();
	snprintf(target, sizeof(target), "ipv4:%s", endpoint + strlen("http://"));
	q->channel = grpc_channel_create(target, creds, NULL);
	grpc_channel_credentials_release(creds);
	q->cq = grpc_completion_queue_create_for_next(NULL);
	pthread_create(&q->poller, NULL, poll_shared, q);
	return q;
}

static void shared_cq_free(struct shared_cq *q)
{
	grpc_completion_queue_shutdown(q->cq);
	pthread_join(q->poller, NULL);
	grpc_completion_queue_destroy(q->cq);
	grpc_channel_destroy(q->channel);
	free(q);
}

/* One unary Txn through the shared queue; 0 when etcd said OK. */
static int shared_call(struct shared_cq *q, const Etcdserverpb__TxnRequest *req)
{
	size_t len = protobuf_c_message_get_packed_size(&req->base);
	grpc_slice payload = grpc_slice_malloc(len);
	protobuf_c_message_pack(&req->base, GRPC_SLICE_START_PTR(payload));
	grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&payload, 1);
	grpc_slice_unref(payload);
	grpc_call *call = grpc_channel_create_call(
	    q->channel, NULL, GRPC_PROPAGATE_DEFAULTS, q->cq,
	    grpc_slice_from_static_string("/etcdserverpb.KV/Txn"), NULL,
	    gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(30000, GPR_TIMESPAN)),
	    NULL);
	grpc_metadata_array im, tm;
	grpc_byte_buffer *recv = NULL;
	grpc_status_code status = GRPC_STATUS_UNKNOWN;
	grpc_slice details = grpc_empty_slice();
	grpc_op ops[6];
	struct pending p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
	grpc_metadata_array_init(&im);
	grpc_metadata_array_init(&tm);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &im;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &recv;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &tm;
	ops[5].data.recv_status_on_client.status = &status;
	ops[5].data.recv_status_on_client.status_details = &details;
	if (grpc_call_start_batch(call, ops, 6, &p, NULL) == GRPC_CALL_OK) {
		pthread_mutex_lock(&p.mu);
		while (!p.done)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
	}
	int r = status == GRPC_STATUS_OK && recv ? 0 : -1;
	if (recv)
		grpc_byte_buffer_destroy(recv);
	grpc_byte_buffer_destroy(send);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&im);
	grpc_metadata_array_destroy(&tm);
	grpc_call_unref(call);
	return r;
}

struct worker {
	enum mode mode;
	struct ck_etcd *client;
	struct ck_storage *store;
	json_object *pod_template;
	struct shared_cq *shared;
	const char *value;
	int run, id, first, n;
	double *lat;
	int errors;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < w->n; i++) {
		char key[96];
		int k = w->first + i;
		if (w->mode == MODE_TXN || w->mode == MODE_SHARED_CQ) {
			snprintf(key, sizeof(key), "/bench/%s/r%d/k%07d",
				 w->mode == MODE_TXN ? "txn" : "shared", w->run, k);
			Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
			Etcdserverpb__Compare *cmps[] = { &cmp };
			Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
			Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
			Etcdserverpb__RequestOp *ops[] = { &op };
			Etcdserverpb__TxnRequest txn = ETCDSERVERPB__TXN_REQUEST__INIT;
			Etcdserverpb__TxnResponse *resp = NULL;
			struct ck_etcd_err err;
			cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD;
			cmp.key.data = (uint8_t *)key;
			cmp.key.len = strlen(key);
			cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
			put.key = cmp.key;
			put.value.data = (uint8_t *)w->value;
			put.value.len = VALUE_SIZE;
			op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
			op.request_put = &put;
			txn.n_compare = 1;
			txn.compare = cmps;
			txn.n_success = 1;
			txn.success = ops;
			double t0 = now_ms();
			if (w->mode == MODE_SHARED_CQ) {
				if (shared_call(w->shared, &txn) < 0)
					w->errors++;
				w->lat[i] = now_ms() - t0;
				continue;
			}
			int r = ck_etcd_txn(w->client, &txn, &resp, &err);
			w->lat[i] = now_ms() - t0;
			if (r < 0 || !resp->succeeded)
				w->errors++;
			ck_etcd_response_free(resp);
		} else {
			char name[32];
			snprintf(name, sizeof(name), "pod-%07d", k);
			snprintf(key, sizeof(key), "/registry/pods/bench-r%d/%s", w->run, name);
			json_object *obj = NULL, *meta;
			json_object_deep_copy(w->pod_template, &obj, NULL);
			json_object_object_get_ex(obj, "metadata", &meta);
			json_object_object_add(meta, "name", json_object_new_string(name));
			struct ck_storage_error err = { 0 };
			json_object *out = NULL;
			double t0 = now_ms();
			int r = ck_storage_create(w->store, key, obj, 0, &out, &err);
			w->lat[i] = now_ms() - t0;
			if (r < 0)
				w->errors++;
			if (out)
				json_object_put(out);
			json_object_put(obj);
		}
	}
	return NULL;
}

static struct result run_creates(enum mode mode, struct ck_etcd *client, struct ck_storage *store,
				 json_object *tmpl, struct shared_cq *shared, const char *value,
				 int run, int conc, int total)
{
	struct worker *w = calloc((size_t)conc, sizeof(*w));
	pthread_t *t = calloc((size_t)conc, sizeof(*t));
	double *lat = calloc((size_t)total, sizeof(double));
	int per = total / conc;
	struct result res = { 0 };

	double t0 = now_ms(), c0 = cpu_ms();
	for (int i = 0; i < conc; i++) {
		w[i] = (struct worker){ mode,
					client,
					store,
					tmpl,
					shared,
					value,
					run,
					i,
					i * per,
					per,
					lat + (size_t)i * (size_t)per,
					0 };
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < conc; i++) {
		pthread_join(t[i], NULL);
		res.errors += w[i].errors;
	}
	double elapsed = now_ms() - t0;
	size_t n = (size_t)per * (size_t)conc;
	res.cpu_us = (cpu_ms() - c0) * 1e3 / (double)n;
	qsort(lat, n, sizeof(double), cmp_double);
	res.ops_per_s = (double)n / (elapsed / 1000);
	res.p50_ms = percentile(lat, n, 0.50);
	res.p99_ms = percentile(lat, n, 0.99);
	free(lat);
	free(t);
	free(w);
	return res;
}

/* etcdctl put, one process after another. */
static struct result run_etcdctl(const char *endpoint, const char *value, int run, int n)
{
	double *lat = calloc((size_t)n, sizeof(double));
	char ep[128];
	struct result res = { 0 };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	snprintf(ep, sizeof(ep), "--endpoints=%s", endpoint);
	setenv("ETCDCTL_API", "3", 1);
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "/bench/etcdctl/r%d/k%05d", run, i);
		char *argv[] = { "etcdctl", ep, "put", key, (char *)value, NULL };
		pid_t pid;
		int st;
		double s = now_ms();
		if (posix_spawn(&pid, "/usr/bin/etcdctl", &fa, NULL, argv, environ) != 0) {
			res.errors++;
			continue;
		}
		waitpid(pid, &st, 0);
		lat[i] = now_ms() - s;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			res.errors++;
	}
	double elapsed = now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	res.ops_per_s = (double)n / (elapsed / 1000);
	res.p50_ms = percentile(lat, (size_t)n, 0.50);
	res.p99_ms = percentile(lat, (size_t)n, 0.99);
	free(lat);
	return res;
}

static int cmp_result(const void *a, const void *b)
{
	const struct result *x = a, *y = b;
	return x->ops_per_s < y->ops_per_s ? -1 : x->ops_per_s > y->ops_per_s;
}

static double median3(double a, double b, double c)
{
	double v[3] = { a, b, c };
	qsort(v, 3, sizeof(double), cmp_double);
	return v[1];
}

/* Median of each column separately over the runs. */
static struct result median(struct result *r)
{
	struct result m;
	m.ops_per_s = median3(r[0].ops_per_s, r[1].ops_per_s, r[2].ops_per_s);
	m.p50_ms = median3(r[0].p50_ms, r[1].p50_ms, r[2].p50_ms);
	m.p99_ms = median3(r[0].p99_ms, r[1].p99_ms, r[2].p99_ms);
	m.cpu_us = median3(r[0].cpu_us, r[1].cpu_us, r[2].cpu_us);
	m.errors = r[0].errors + r[1].errors + r[2].errors;
	return m;
}

static void row(const char *what, int conc, int ops, struct result *runs)
{
	struct result m = median(runs);
	qsort(runs, RUNS, sizeof(*runs), cmp_result);
	printf("| %s | %d | %d | **%.0f** | %.2f | %.2f | %.0f–%.0f | %.0f | %d |\n", what, conc,
	       ops, m.ops_per_s, m.p50_ms, m.p99_ms, runs[0].ops_per_s, runs[RUNS - 1].ops_per_s,
	       m.cpu_us, m.errors);
	fflush(stdout);
}

/* The cost of one completion queue per call: create, shut down, destroy. */
static double cq_cost_ns(void)
{
	enum { N = 200000 };
	double t0 = now_ms();
	for (int i = 0; i < N; i++) {
		grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
		grpc_completion_queue_shutdown(cq);
		grpc_completion_queue_pluck(cq, NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		grpc_completion_queue_destroy(cq);
	}
	return (now_ms() - t0) * 1e6 / N;
}

int main(void)
{
	struct ck_test_etcd *etcd = NULL;
	const char *dir = getenv("CK_BENCH_ETCD_DIR");
	struct ck_test_etcd_options opts = { .base_dir = dir && *dir ? dir : "/tmp" };
	double scale = 1;
	const char *s = getenv("CK_BENCH_SCALE");
	if (s && *s)
		scale = strtod(s, NULL) > 0 ? strtod(s, NULL) : 1;

	if (ck_test_etcd_start(&opts, &etcd) < 0) {
		fprintf(stderr, "bench: unable to start etcd\n");
		return 1;
	}
	struct ck_etcd_config cfg = { .endpoints = ck_test_etcd_endpoint(etcd),
				      .request_timeout_ms = 30000 };
	struct ck_etcd *client = NULL;
	struct ck_etcd_err err;
	struct ck_storage *store = NULL;
	if (ck_etcd_new(&cfg, &client, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.message);
		return 1;
	}
	struct ck_etcd_store_config sc = { .client = client };
	ck_etcd_store_new(&sc, &store);

	char *value = malloc(VALUE_SIZE + 1);
	for (int i = 0; i < VALUE_SIZE; i++)
		value[i] = (char)('a' + i % 26);
	value[VALUE_SIZE] = '\0';
	/* a Pod of about 1.5 KB */
	json_object *tmpl = json_tokener_parse(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":"
	    "\"bench\",\"uid\":\"6f1c2e1a-6a8b-4d0e-9f5e-1b2c3d4e5f60\",\"creationTimestamp\":"
	    "\"2024-05-01T10:00:00Z\",\"labels\":{\"app\":\"bench\",\"tier\":\"backend\","
	    "\"pod-template-hash\":\"7d9c8b6f5\"},\"annotations\":{\"kubernetes.io/description\":"
	    "\"a pod created by the storage benchmark\"}},\"spec\":{\"containers\":[{\"name\":"
	    "\"app\",\"image\":\"registry.example.com/bench/app:1.2.3\",\"command\":[\"/bin/app\","
	    "\"--listen=:8080\",\"--log-level=info\"],\"ports\":[{\"containerPort\":8080,"
	    "\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"MODE\",\"value\":\"bench\"},{\"name\":"
	    "\"POD_NAME\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}}],"
	    "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},\"limits\":{"
	    "\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"volumeMounts\":[{\"name\":\"data\","
	    "\"mountPath\":\"/data\"},{\"name\":\"kube-api-access\",\"mountPath\":"
	    "\"/var/run/secrets/kubernetes.io/serviceaccount\",\"readOnly\":true}],"
	    "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"
	    "\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\","
	    "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
	    "\"serviceAccountName\":\"default\",\"nodeName\":\"node-1\",\"schedulerName\":"
	    "\"default-scheduler\",\"tolerations\":[{\"key\":"
	    "\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
	    "\"tolerationSeconds\":300},{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":"
	    "\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"volumes\":[{"
	    "\"name\":\"data\",\"emptyDir\":{}},{\"name\":\"kube-api-access\",\"projected\":{"
	    "\"defaultMode\":420,\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":"
	    "3607,\"path\":\"token\"}}]}}]},\"status\":{\"phase\":\"Pending\",\"qosClass\":"
	    "\"Burstable\"}}");
	size_t pod_size = strlen(json_object_to_json_string_ext(tmpl, JSON_C_TO_STRING_PLAIN));

	/* a just-started etcd is slower for a few seconds: warm up, settle */
	struct result warm[1];
	warm[0] = run_creates(MODE_TXN, client, store, tmpl, NULL, value, 99, 8, 2000);
	struct shared_cq *shared = shared_cq_new(ck_test_etcd_endpoint(etcd));
	sleep(5);

	printf("etcd %s at %s, data directory under %s; values %d bytes (txn), Pod JSON %zu "
	       "bytes (storage); median of %d runs, each column separately.\n\n",
	       "3.4.23", ck_test_etcd_endpoint(etcd), opts.base_dir, VALUE_SIZE, pod_size, RUNS);
	printf("| what | concurrency | ops | ops/s (median) | p50 ms | p99 ms | ops/s range | "
	       "client CPU µs/op | errors |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	int concs[] = { 1, 8, 64 };
	int counts[] = { 2000, 8000, 16000 };
	enum mode modes[] = { MODE_TXN, MODE_STORE, MODE_SHARED_CQ };
	const char *names[] = { "etcd txn (create)", "storage create",
				"txn via a shared CQ + poller thread (alternative design)" };
	for (int m = 0; m < 3; m++) {
		for (size_t c = 0; c < 3; c++) {
			struct result r[RUNS];
			int ops = (int)(counts[c] * scale);
			ops -= ops % concs[c];
			for (int run = 0; run < RUNS; run++) {
				r[run] = run_creates(modes[m], client, store, tmpl, shared, value,
						     run * 10 + (int)c, concs[c], ops);
				int64_t t = 0, rev = 0;
				struct ck_etcd_err e;
				ck_etcd_compact_step(client, &t, &rev, &e);
			}
			row(names[m], concs[c], ops, r);
		}
	}
	shared_cq_free(shared);
	struct result r[RUNS];
	int n_ctl = (int)(200 * scale);
	for (int run = 0; run < RUNS; run++)
		r[run] = run_etcdctl(ck_test_etcd_endpoint(etcd), value, run, n_ctl);
	row("etcdctl put (sequential)", 1, n_ctl, r);

	printf("\nPer-call completion queue (create + shutdown + destroy): %.2f µs.\n",
	       cq_cost_ns() / 1000);

	json_object_put(tmpl);
	free(value);
	ck_storage_free(store);
	ck_etcd_free(client);
	ck_test_etcd_free(etcd);
	(void)warm;
	return 0;
}
