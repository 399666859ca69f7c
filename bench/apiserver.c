/*
 * API server benchmark: a real etcd and the real kube-apiserver started
 * here (test/lib), driven by a load generator of our own (libcurl multi,
 * HTTP/1.1 keep-alive over TLS, certificate not verified), in one run:
 *
 *  1. create, get, update and list (100 items in a namespace, from etcd and
 *     from the watch cache with resourceVersion=0) of ~1.5 KB ConfigMaps:
 *     throughput and p50/p99 latency at concurrency 1, 16 and 64, beside
 *     the raw storage-layer create (ck_storage_create through the etcd3
 *     store, the same stored object, the same concurrency, threads);
 *  2. watch fan-out: 1 000 and 10 000 concurrent HTTP watches of one
 *     resource (raw non-blocking sockets + OpenSSL, one epoll loop per
 *     client thread, CK_BENCH_CLIENT_THREADS, default one per core), then
 *     single events one at a time: time from the create's response to each
 *     watcher's receipt and until all have it; server RSS per watcher;
 *  3. server RSS at idle and with 10 000 and 100 000 small ConfigMaps.
 *
 * Prints markdown. Each cell is a fixed count of requests under a time cap.
 * Environment: CK_BENCH_QUICK=1 (smaller counts, one run, 1 000 watchers,
 * 10 000 objects: about a minute), CK_BENCH_ETCD_DIR (parent of etcd's
 * data directories; default /tmp, on disk, as bench/storage.c),
 * CK_BIN_DIR (where kube-apiserver is; default: ../bin beside this
 * program, so `make bench OUT=…` uses the binaries it just built),
 * CK_BENCH_ONLY=crud|fanout|objects (one section only), CK_BENCH_WATCHERS=N
 * (one fan-out of N watchers instead of 1 000 and 10 000),
 * CK_BENCH_CLIENT_THREADS=N (the fan-out client's threads), CK_BENCH_RUNS=N
 * (CRUD runs, at most 3), CK_BENCH_APISERVER_ARGS="--flag=v ..." (extra
 * kube-apiserver flags, space-separated), CK_BENCH_RAW_WATCHED=1 (raw creates
 * under /registry, seen by the server's watch like its own creates).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../test/lib/apiserver.h"
#include "../test/lib/etcd.h"
#include "storage/etcd3/etcd3.h"
#include "storage/etcd3/store.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define MAX_RUNS 3
#define MAX_CONC 64
#define NEVENTS 30

/* ---- settings (full or quick) ---- */

struct settings {
	bool quick;
	int runs;	    /* runs per CRUD cell; the table shows the median */
	int cell_count;	    /* requests per cell */
	double cell_cap_ms; /* time cap per cell */
	int watchers[2];    /* fan-out sizes (0 = skip) */
	int objects[2];	    /* RSS with this many ConfigMaps stored (0 = skip) */
	double objects_cap_ms;
	const char *etcd_dir;
	const char *only;   /* CK_BENCH_ONLY: "crud", "fanout" or "objects"; NULL: all */
	char **server_args; /* CK_BENCH_APISERVER_ARGS, split on spaces; NULL: none */
	/* CK_BENCH_RAW_WATCHED=1: the raw creates go under /registry, where the
	 * API server's watch (and so etcd's watch delivery) sees them too. */
	bool raw_watched;
};

static struct settings S;

/* ---- small helpers ---- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* p in [0, 1] of n sorted values (nearest rank); 0 when empty. */
static double percentile(const double *sorted, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

static double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n ? v[n / 2] : 0;
}

/* VmRSS of pid in KiB, or -1. */
static long rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

/* CPU time (user + system) pid has used, in ms; -1 when unknown. */
static double cpu_ms(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	unsigned long long utime = 0, stime = 0;
	/* after the command: state, then fields 4..13, then utime and stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			 &stime) != 2)
		return -1;
	return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* Lets RSS settle (freed memory, the cache catching up) and reads it. */
static long settled_rss(int pid)
{
	sleep_ms(S.quick ? 500 : 1500);
	return rss_kib(pid);
}

/* ---- ConfigMaps ---- */

/* The ~1.5 KB ConfigMap every CRUD request carries; rev varies updates. */
static size_t configmap_json(char *out, size_t size, const char *name, int rev)
{
	static char payload[1101];
	if (!payload[0]) {
		for (size_t i = 0; i < sizeof(payload) - 1; i++)
			payload[i] = (char)(i % 61 == 60 ? ' ' : 'a' + (int)(i * 7 % 26));
	}
	int n = snprintf(out, size,
			 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			 "\"%s\",\"labels\":{\"app\":\"bench\",\"tier\":\"backend\","
			 "\"release\":\"r1\"},\"annotations\":{\"bench.ckube.io/description\":"
			 "\"a ConfigMap written by the API server benchmark\"}},\"data\":{"
			 "\"config.txt\":\"%s\",\"mode\":\"bench\",\"revision\":\"%d\"}}",
			 name, payload, rev);
	return n < 0 ? 0 : (size_t)n;
}

/* The small ConfigMaps of the RSS measurement. */
static size_t small_configmap_json(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size,
			 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			 "\"%s\"},\"data\":{\"key\":\"value of %s\"}}",
			 name, name);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- one blocking request (setup, events) ---- */

struct reply {
	long code;
	struct ck_buf body;
};

static size_t on_reply(char *p, size_t size, size_t n, void *data)
{
	struct reply *r = data;
	return ck_buf_add(&r->body, p, size * n) == 0 ? size * n : 0;
}

static void easy_common(CURL *c)
{
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
}

static struct curl_slist *json_headers(void)
{
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
	return h;
}

/* method base+path with an optional JSON body on handle c (reused: keep-alive). */
static int call(CURL *c, const char *base, const char *method, const char *path, const char *body,
		struct reply *ret)
{
	char url[512];
	struct curl_slist *h = json_headers();
	snprintf(url, sizeof(url), "%s%s", base, path);
	ret->code = 0;
	ck_buf_init(&ret->body, 0);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, ret);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") ? method : NULL);
	}
	CURLcode cr = curl_easy_perform(c);
	if (cr == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ret->code);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	return cr == CURLE_OK ? 0 : -EIO;
}

static long call_code(const char *base, const char *method, const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	struct reply r;
	easy_common(c);
	call(c, base, method, path, body, &r);
	curl_easy_cleanup(c);
	ck_buf_release(&r.body);
	return r.code;
}

static int make_namespace(const char *base, const char *ns)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}",
		 ns);
	long code = call_code(base, "POST", "/api/v1/namespaces", body);
	if (code != 201 && code != 409) {
		fprintf(stderr, "bench: creating namespace '%s' answered %ld\n", ns, code);
		return -EIO;
	}
	return 0;
}

/* apiserver_storage_objects{resource="configmaps"} from /metrics, or -1. */
static long stored_configmaps(const char *base)
{
	CURL *c = curl_easy_init();
	struct reply r;
	long n = -1;
	easy_common(c);
	if (call(c, base, "GET", "/metrics", NULL, &r) == 0 && r.code == 200) {
		static const char key[] = "apiserver_storage_objects{resource=\"configmaps\"} ";
		const char *p = strstr(ck_buf_str(&r.body), key);
		if (p)
			n = strtol(p + strlen(key), NULL, 10);
	}
	ck_buf_release(&r.body);
	curl_easy_cleanup(c);
	return n;
}

/* The sum of apiserver_registered_watchers from /metrics, or -1. */
static long registered_watchers(const char *base)
{
	CURL *c = curl_easy_init();
	struct reply r;
	long sum = -1;
	easy_common(c);
	if (call(c, base, "GET", "/metrics", NULL, &r) == 0 && r.code == 200) {
		static const char name[] = "apiserver_registered_watchers{";
		sum = 0;
		for (const char *p = strstr(ck_buf_str(&r.body), name); p;
		     p = strstr(p + 1, name)) {
			const char *v = strchr(p, '}');
			if (v)
				sum += strtol(v + 1, NULL, 10);
		}
	}
	ck_buf_release(&r.body);
	curl_easy_cleanup(c);
	return sum;
}

/* ---- the load generator: libcurl multi, one thread ---- */

enum op {
	OP_VERSION, /* warm-up: opens the connections */
	OP_CREATE,
	OP_GET,
	OP_UPDATE,
	OP_LIST,
	OP_LIST_CACHE,
	OP_CREATE_SMALL,
};

struct slot {
	CURL *easy;
	int idx;
	double t0;
	char url[256];
	char body[2048];
	char err[256]; /* the start of an unexpected answer */
	size_t err_len;
};

struct load {
	CURLM *multi;
	struct slot slots[MAX_CONC];
	struct curl_slist *headers;
	const char *base;
};

struct cell {
	double ops_per_s, p50_ms, p99_ms;
	int done, errors;
	/* CPU per request, µs: the API server, etcd, and this process (the load
	 * generator, or the storage client in the raw rows) */
	double cpu_server_us, cpu_etcd_us, cpu_self_us;
};

/* The processes whose CPU a cell charges to its requests. */
struct procs {
	int server, etcd;
};

struct cpu_mark {
	double server, etcd, self;
};

static struct cpu_mark cpu_mark(const struct procs *p)
{
	return (struct cpu_mark){ cpu_ms(p->server), cpu_ms(p->etcd), cpu_ms(getpid()) };
}

/* Charges the CPU used since `from` to the cell's requests. */
static void charge_cpu(struct cell *c, const struct procs *p, struct cpu_mark from)
{
	struct cpu_mark to = cpu_mark(p);
	double n = c->done > 0 ? c->done : 1;
	c->cpu_server_us = (to.server - from.server) * 1000 / n;
	c->cpu_etcd_us = (to.etcd - from.etcd) * 1000 / n;
	c->cpu_self_us = (to.self - from.self) * 1000 / n;
}

static size_t on_load_body(char *p, size_t size, size_t n, void *data)
{
	struct slot *s = data;
	size_t len = size * n, room = sizeof(s->err) - 1 - s->err_len;
	if (room) {
		size_t k = len < room ? len : room;
		memcpy(s->err + s->err_len, p, k);
		s->err_len += k;
		s->err[s->err_len] = '\0';
	}
	return len;
}

static void load_init(struct load *l, const char *base)
{
	memset(l, 0, sizeof(*l));
	l->base = base;
	l->multi = curl_multi_init();
	l->headers = json_headers();
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)MAX_CONC * 2);
	curl_multi_setopt(l->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)MAX_CONC);
	for (int i = 0; i < MAX_CONC; i++) {
		struct slot *s = &l->slots[i];
		s->easy = curl_easy_init();
		easy_common(s->easy);
		curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, l->headers);
		curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_load_body);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	}
}

static void load_release(struct load *l)
{
	for (int i = 0; i < MAX_CONC; i++)
		curl_easy_cleanup(l->slots[i].easy);
	curl_multi_cleanup(l->multi);
	curl_slist_free_all(l->headers);
}

static long expected_code(enum op op)
{
	return op == OP_CREATE || op == OP_CREATE_SMALL ? 201 : 200;
}

static void issue(struct load *l, struct slot *s, enum op op, const char *ns, int idx, int nobjects)
{
	char name[32];
	CURL *c = s->easy;
	s->idx = idx;
	s->err_len = 0;
	s->err[0] = '\0';
	const char *method = "GET";
	size_t blen = 0;
	switch (op) {
	case OP_VERSION:
		snprintf(s->url, sizeof(s->url), "%s/version", l->base);
		break;
	case OP_CREATE:
	case OP_CREATE_SMALL:
		snprintf(s->url, sizeof(s->url), "%s/api/v1/namespaces/%s/configmaps", l->base, ns);
		snprintf(name, sizeof(name), "%s%07d", op == OP_CREATE ? "cm-" : "obj-", idx);
		blen = op == OP_CREATE ? configmap_json(s->body, sizeof(s->body), name, 0)
				       : small_configmap_json(s->body, sizeof(s->body), name);
		method = "POST";
		break;
	case OP_GET:
	case OP_UPDATE:
		snprintf(name, sizeof(name), "cm-%07d", nobjects ? idx % nobjects : idx);
		snprintf(s->url, sizeof(s->url), "%s/api/v1/namespaces/%s/configmaps/%s", l->base,
			 ns, name);
		if (op == OP_UPDATE) {
			/* No resourceVersion: an unconditional update, as upstream
			 * allows for ConfigMaps; each request its own object. */
			blen = configmap_json(s->body, sizeof(s->body), name, idx + 1);
			method = "PUT";
		}
		break;
	case OP_LIST:
	case OP_LIST_CACHE:
		snprintf(s->url, sizeof(s->url), "%s/api/v1/namespaces/%s/configmaps%s", l->base,
			 ns, op == OP_LIST_CACHE ? "?resourceVersion=0" : "");
		break;
	}
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	if (blen) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, s->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)blen);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	}
	s->t0 = now_ms();
	curl_multi_add_handle(l->multi, c);
}

/*
 * total requests of op (index first, first+1, …) with conc in flight, under
 * cap_ms (no new request after it). nobjects: how many cm-N exist (get,
 * update).
 */
static struct cell run_cell(struct load *l, enum op op, const char *ns, int conc, int first,
			    int total, int nobjects, double cap_ms)
{
	struct cell res = { 0 };
	double *lat = ck_calloc((size_t)total, sizeof(double));
	int issued = 0, done = 0, running = 0;
	double t0 = now_ms(), deadline = t0 + cap_ms;
	bool reported = false;
	if (conc > MAX_CONC)
		conc = MAX_CONC;
	for (int i = 0; i < conc && issued < total; i++)
		issue(l, &l->slots[i], op, ns, first + issued++, nobjects);
	while (done < issued) {
		curl_multi_perform(l->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(l->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			struct slot *s;
			long code = 0;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			double t = now_ms();
			CURLcode cr = m->data.result;
			curl_multi_remove_handle(l->multi, m->easy_handle);
			lat[done++] = t - s->t0;
			if (cr != CURLE_OK || code != expected_code(op)) {
				res.errors++;
				if (!reported) {
					fprintf(stderr, "bench: %s: %s (%ld): %.200s\n", s->url,
						curl_easy_strerror(cr), code, s->err);
					reported = true;
				}
			}
			if (issued < total && t < deadline)
				issue(l, s, op, ns, first + issued++, nobjects);
		}
		if (done < issued)
			curl_multi_poll(l->multi, NULL, 0, 100, NULL);
	}
	double elapsed = now_ms() - t0;
	qsort(lat, (size_t)done, sizeof(double), cmp_double);
	res.done = done;
	res.ops_per_s = done / (elapsed / 1000);
	res.p50_ms = percentile(lat, (size_t)done, 0.50);
	res.p99_ms = percentile(lat, (size_t)done, 0.99);
	free(lat);
	return res;
}

/* ---- the raw storage-layer create: threads calling ck_storage_create ---- */

struct raw_worker {
	struct ck_storage *store;
	json_object *tmpl; /* read only: deep-copied per create */
	const char *ns;
	int first, n;
	double deadline;
	double *lat;
	int done, errors;
};

static void *raw_work(void *arg)
{
	struct raw_worker *w = arg;
	for (int i = 0; i < w->n && now_ms() < w->deadline; i++) {
		char name[32], key[160];
		snprintf(name, sizeof(name), "cm-%07d", w->first + i);
		snprintf(key, sizeof(key), "%s/configmaps/%s/%s",
			 S.raw_watched ? "/registry" : "/rawbench", w->ns, name);
		json_object *obj = NULL, *meta = NULL, *out = NULL;
		json_object_deep_copy(w->tmpl, &obj, NULL);
		json_object_object_get_ex(obj, "metadata", &meta);
		json_object_object_add(meta, "name", json_object_new_string(name));
		struct ck_storage_error err = { 0 };
		double t0 = now_ms();
		int r = ck_storage_create(w->store, key, obj, 0, &out, &err);
		w->lat[w->done++] = now_ms() - t0;
		if (r < 0) {
			if (!w->errors)
				fprintf(stderr, "bench: raw create: %s\n", err.message);
			w->errors++;
		}
		ck_storage_error_release(&err);
		json_object_put(out);
		json_object_put(obj);
	}
	return NULL;
}

static struct cell run_raw(struct ck_storage *store, json_object *tmpl, const char *ns, int conc,
			   int total)
{
	struct raw_worker w[MAX_CONC];
	pthread_t t[MAX_CONC];
	struct cell res = { 0 };
	int per = total / conc;
	double *lat = ck_calloc((size_t)total, sizeof(double));
	double t0 = now_ms();
	for (int i = 0; i < conc; i++) {
		w[i] = (struct raw_worker){ .store = store,
					    .tmpl = tmpl,
					    .ns = ns,
					    .first = i * per,
					    .n = per,
					    .deadline = t0 + S.cell_cap_ms,
					    .lat = lat + (size_t)i * (size_t)per };
		pthread_create(&t[i], NULL, raw_work, &w[i]);
	}
	size_t n = 0;
	for (int i = 0; i < conc; i++) {
		pthread_join(t[i], NULL);
		res.errors += w[i].errors;
		/* gather the measured latencies to the front */
		memmove(lat + n, w[i].lat, (size_t)w[i].done * sizeof(double));
		n += (size_t)w[i].done;
	}
	double elapsed = now_ms() - t0;
	qsort(lat, n, sizeof(double), cmp_double);
	res.done = (int)n;
	res.ops_per_s = (double)n / (elapsed / 1000);
	res.p50_ms = percentile(lat, n, 0.50);
	res.p99_ms = percentile(lat, n, 0.99);
	free(lat);
	return res;
}

/* ---- CRUD section ---- */

enum row {
	ROW_RAW,
	ROW_CREATE,
	ROW_GET,
	ROW_UPDATE,
	ROW_LIST,
	ROW_LIST_CACHE,
	NROWS,
};

static const char *const row_names[NROWS] = {
	"storage create (raw ceiling)",
	"create (POST)",
	"get (GET one)",
	"update (PUT)",
	"list 100 (from etcd)",
	"list 100 (resourceVersion=0, cache)",
};

static const int concs[] = { 1, 16, 64 };
#define NCONC ((int)CK_ARRAY_SIZE(concs))

struct crud_results {
	struct cell cells[NROWS][NCONC][MAX_RUNS];
};

static struct cell median_cell(const struct cell *runs, int n)
{
	double a[MAX_RUNS], b[MAX_RUNS], c[MAX_RUNS], d[MAX_RUNS], e[MAX_RUNS], f[MAX_RUNS];
	struct cell m = { 0 };
	for (int i = 0; i < n; i++) {
		a[i] = runs[i].ops_per_s;
		b[i] = runs[i].p50_ms;
		c[i] = runs[i].p99_ms;
		d[i] = runs[i].cpu_server_us;
		e[i] = runs[i].cpu_etcd_us;
		f[i] = runs[i].cpu_self_us;
		m.done += runs[i].done;
		m.errors += runs[i].errors;
	}
	m.ops_per_s = median_of(a, n);
	m.p50_ms = median_of(b, n);
	m.p99_ms = median_of(c, n);
	m.cpu_server_us = median_of(d, n);
	m.cpu_etcd_us = median_of(e, n);
	m.cpu_self_us = median_of(f, n);
	return m;
}

/* The stored form of a created ConfigMap (what the API server writes),
 * without resourceVersion: the raw creates store the same bytes. Owned. */
static json_object *stored_template(const char *base, const char *ns)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/configmaps/cm-0000000", ns);
	CURL *c = curl_easy_init();
	struct reply r;
	json_object *obj = NULL, *meta;
	easy_common(c);
	if (call(c, base, "GET", path, NULL, &r) == 0 && r.code == 200)
		obj = json_tokener_parse(ck_buf_str(&r.body));
	ck_buf_release(&r.body);
	curl_easy_cleanup(c);
	if (obj && json_object_object_get_ex(obj, "metadata", &meta))
		json_object_object_del(meta, "resourceVersion");
	return obj;
}

static int run_crud(const char *base, const struct procs *procs, struct ck_storage *store,
		    struct crud_results *out, size_t *ret_stored_size)
{
	struct load l;
	int r = 0;
	load_init(&l, base);
	/* the list namespace: 100 ConfigMaps */
	if ((r = make_namespace(base, "bench-list")) < 0)
		goto out;
	struct cell fill = run_cell(&l, OP_CREATE, "bench-list", 16, 0, 100, 0, 60000);
	if (fill.errors) {
		r = -EIO;
		goto out;
	}
	json_object *tmpl = stored_template(base, "bench-list");
	if (!tmpl) {
		fprintf(stderr, "bench: unable to read a stored ConfigMap\n");
		r = -EIO;
		goto out;
	}
	*ret_stored_size =
	    strlen(json_object_to_json_string_ext(tmpl, JSON_C_TO_STRING_PLAIN)) + 24;
	for (int run = 0; run < S.runs; run++) {
		for (int ci = 0; ci < NCONC; ci++) {
			int conc = concs[ci], n = S.cell_count;
			char ns[64];
			snprintf(ns, sizeof(ns), "bench-r%d-c%d", run, conc);
			if ((r = make_namespace(base, ns)) < 0)
				break;
			/* open the connections first: handshakes are not measured */
			run_cell(&l, OP_VERSION, NULL, conc, 0, conc * 4, 0, 10000);
			struct cpu_mark m = cpu_mark(procs);
			struct cell *c = &out->cells[ROW_RAW][ci][run];
			*c = run_raw(store, tmpl, ns, conc, n);
			charge_cpu(c, procs, m);
			m = cpu_mark(procs);
			c = &out->cells[ROW_CREATE][ci][run];
			*c = run_cell(&l, OP_CREATE, ns, conc, 0, n, 0, S.cell_cap_ms);
			charge_cpu(c, procs, m);
			int created = c->done;
			static const struct {
				enum row row;
				enum op op;
				bool list;
			} rest[] = {
				{ ROW_GET, OP_GET, false },
				{ ROW_UPDATE, OP_UPDATE, false },
				{ ROW_LIST, OP_LIST, true },
				{ ROW_LIST_CACHE, OP_LIST_CACHE, true },
			};
			for (size_t k = 0; k < CK_ARRAY_SIZE(rest); k++) {
				m = cpu_mark(procs);
				c = &out->cells[rest[k].row][ci][run];
				*c =
				    run_cell(&l, rest[k].op, rest[k].list ? "bench-list" : ns, conc,
					     0, n, rest[k].list ? 0 : created, S.cell_cap_ms);
				charge_cpu(c, procs, m);
			}
			fprintf(stderr, "bench: crud run %d concurrency %d done\n", run + 1, conc);
		}
		if (r < 0)
			break;
	}
	json_object_put(tmpl);
out:
	load_release(&l);
	return r;
}

static void print_crud(const struct crud_results *res, size_t stored_size)
{
	printf("### Requests\n\n");
	printf("ConfigMaps of %zu bytes as stored (the request body is a little smaller); "
	       "%d requests per cell (fewer when the %.0f s cap hits: see \"done\"), "
	       "connections opened before each cell; median of %d run%s, each column "
	       "separately. \"storage create\" is ck_storage_create through the etcd3 store "
	       "from as many threads as the concurrency, in this process, with the same object "
	       "and etcd%s. CPU columns: CPU time (user + system) per request of the API "
	       "server, of etcd and of this program (the load generator; in the raw rows the "
	       "storage client; the server's column there is its watch cache's share).\n\n",
	       stored_size, S.cell_count, S.cell_cap_ms / 1000, S.runs, S.runs > 1 ? "s" : "",
	       S.raw_watched ? ", under /registry where the API server's watch sees them too "
			       "(CK_BENCH_RAW_WATCHED=1)"
			     : "; the API server's creates also feed its watch cache, the raw ones "
			       "(outside /registry) do not");
	printf("| operation | concurrency | req/s | p50 ms | p99 ms | done | errors "
	       "| CPU µs/req: server | etcd | load gen |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int row = 0; row < NROWS; row++)
		for (int ci = 0; ci < NCONC; ci++) {
			struct cell m = median_cell(res->cells[row][ci], S.runs);
			printf(
			    "| %s | %d | **%.0f** | %.2f | %.2f | %d | %d | %.0f | %.0f | %.0f |\n",
			    row_names[row], concs[ci], m.ops_per_s, m.p50_ms, m.p99_ms, m.done,
			    m.errors, m.cpu_server_us, m.cpu_etcd_us, m.cpu_self_us);
		}
	printf("\n| concurrency | API creates/s | raw storage creates/s | API / raw |\n");
	printf("|---:|---:|---:|---:|\n");
	for (int ci = 0; ci < NCONC; ci++) {
		struct cell a = median_cell(res->cells[ROW_CREATE][ci], S.runs);
		struct cell b = median_cell(res->cells[ROW_RAW][ci], S.runs);
		printf("| %d | %.0f | %.0f | **%.0f%%** |\n", concs[ci], a.ops_per_s, b.ops_per_s,
		       b.ops_per_s > 0 ? 100 * a.ops_per_s / b.ops_per_s : 0);
	}
	double load[1];
	if (getloadavg(load, 1) == 1)
		printf("\nLoad average at the end: %.2f.\n", load[0]);
	printf("\n");
	fflush(stdout);
}

/* ---- watch fan-out: raw sockets + OpenSSL, one epoll loop per client thread ---- */

#define MAX_CLIENT_THREADS 16
/* Connects and TLS handshakes in progress at once, over all client threads. */
#define MAX_CONNECTING 64

enum wstate {
	W_IDLE,
	W_CONNECT,
	W_HANDSHAKE,
	W_HEADERS,
	W_STREAM,
	W_DEAD,
};

enum cstate {
	C_SIZE,
	C_DATA,
	C_CRLF,
};

struct fo_thread;

struct watcher {
	struct fo_thread *t; /* the client thread that owns it */
	int fd;
	SSL *ssl;
	enum wstate state;
	enum cstate cstate;
	size_t chunk_left;
	uint64_t chunk_size;
	char hdr[1024];
	size_t hlen;
	char tail[48]; /* the last bytes of the body, for markers split by reads */
	size_t tlen;
	double *recv; /* per event: when it arrived (0: not yet) */
};

/*
 * A client thread: its own epoll set and a share of the watchers
 * ([first, end)), which only it touches until it is joined.
 */
struct fo_thread {
	struct fanout *fo;
	pthread_t tid;
	int epfd;
	int first, end, next; /* next: the first not started yet */
	int inflight;	      /* connects and handshakes in progress */
	int max_inflight;
};

struct fanout {
	SSL_CTX *ctx;
	struct sockaddr_in addr;
	char request[512];
	size_t reqlen;
	struct watcher *w;
	int n, nthreads;
	struct fo_thread threads[MAX_CLIENT_THREADS];
	atomic_int ready, dead;
	atomic_bool stop;	 /* the client threads return */
	atomic_int got[NEVENTS]; /* watchers that have event k */
	double t_resp[NEVENTS];	 /* when the create of event k was answered */
	double t_sent[NEVENTS];
	long codes[NEVENTS];
};

static const char marker[] = "\"name\":\"fanev-";

static void record_events(struct fanout *fo, struct watcher *w, const char *data, size_t n,
			  double t)
{
	char scratch[48 + 16384];
	size_t len = 0;
	while (n) {
		size_t take = n < 16384 ? n : 16384;
		memcpy(scratch, w->tail, w->tlen);
		memcpy(scratch + w->tlen, data, take);
		len = w->tlen + take;
		const char *p = scratch, *end = scratch + len;
		while ((p = memmem(p, (size_t)(end - p), marker, sizeof(marker) - 1))) {
			p += sizeof(marker) - 1;
			int k = 0, digits = 0;
			while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
				k = k * 10 + (*p - '0');
				p++;
				digits++;
			}
			if (p < end && *p == '"' && digits && k < NEVENTS && w->recv[k] == 0) {
				w->recv[k] = t;
				atomic_fetch_add(&fo->got[k], 1);
			}
		}
		size_t keep = len < sizeof(w->tail) ? len : sizeof(w->tail);
		memcpy(w->tail, scratch + len - keep, keep);
		w->tlen = keep;
		data += take;
		n -= take;
	}
}

/* Feeds the chunked body. false when the stream ended. */
static bool body_bytes(struct fanout *fo, struct watcher *w, const char *p, size_t n, double t)
{
	while (n) {
		switch (w->cstate) {
		case C_SIZE: {
			char ch = *p++;
			n--;
			if (ch == '\n') {
				if (w->chunk_size == 0)
					return false;
				w->chunk_left = w->chunk_size;
				w->chunk_size = 0;
				w->cstate = C_DATA;
			} else if (ch >= '0' && ch <= '9') {
				w->chunk_size = w->chunk_size * 16 + (uint64_t)(ch - '0');
			} else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') {
				w->chunk_size =
				    w->chunk_size * 16 + (uint64_t)((ch | 0x20) - 'a' + 10);
			}
			break;
		}
		case C_DATA: {
			size_t k = n < w->chunk_left ? n : w->chunk_left;
			record_events(fo, w, p, k, t);
			p += k;
			n -= k;
			w->chunk_left -= k;
			if (!w->chunk_left)
				w->cstate = C_CRLF;
			break;
		}
		case C_CRLF:
			if (*p++ == '\n')
				w->cstate = C_SIZE;
			n--;
			break;
		}
	}
	return true;
}

static void watcher_close(struct watcher *w, bool failed)
{
	struct fanout *fo = w->t->fo;
	int err = errno;
	if (w->ssl)
		SSL_free(w->ssl);
	w->ssl = NULL;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (failed && w->state != W_STREAM)
		w->t->inflight--;
	if (failed && atomic_fetch_add(&fo->dead, 1) < 3)
		fprintf(stderr, "bench: a watch connection failed (state %d): %s\n", w->state,
			strerror(err));
	w->state = failed ? W_DEAD : W_IDLE;
}

static void want(struct watcher *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	epoll_ctl(w->t->epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

static void start_one(struct watcher *w)
{
	struct fo_thread *t = w->t;
	w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	w->state = W_CONNECT;
	t->inflight++;
	if (w->fd == -1) {
		watcher_close(w, true);
		return;
	}
	int one = 1;
	setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(w->fd, (struct sockaddr *)&t->fo->addr, sizeof(t->fo->addr)) == -1 &&
	    errno != EINPROGRESS) {
		watcher_close(w, true);
		return;
	}
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = w };
	epoll_ctl(t->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

static void handshake(struct watcher *w)
{
	struct fanout *fo = w->t->fo;
	int r = SSL_connect(w->ssl);
	if (r == 1) {
		/* The request is small: one write goes out whole. */
		if (SSL_write(w->ssl, fo->request, (int)fo->reqlen) != (int)fo->reqlen) {
			watcher_close(w, true);
			return;
		}
		w->state = W_HEADERS;
		want(w, EPOLLIN);
		return;
	}
	int e = SSL_get_error(w->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		want(w, EPOLLIN);
	else if (e == SSL_ERROR_WANT_WRITE)
		want(w, EPOLLOUT);
	else
		watcher_close(w, true);
}

/*
 * Reads what arrived. With read-ahead, one read(2) takes every record the
 * socket holds; the loop decrypts them from OpenSSL's buffer and stops when
 * it is empty, without the read that would only say EAGAIN (the epoll set
 * is level-triggered: bytes still in the socket wake the thread again).
 */
static void readable(struct watcher *w)
{
	struct fanout *fo = w->t->fo;
	char buf[16384];
	do {
		int r = SSL_read(w->ssl, buf, sizeof(buf));
		if (r <= 0) {
			int e = SSL_get_error(w->ssl, r);
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				watcher_close(w, true);
			return;
		}
		double t = now_ms();
		const char *p = buf;
		size_t n = (size_t)r;
		if (w->state == W_HEADERS) {
			size_t room = sizeof(w->hdr) - 1 - w->hlen, k = n < room ? n : room;
			memcpy(w->hdr + w->hlen, p, k);
			w->hlen += k;
			w->hdr[w->hlen] = '\0';
			char *end = strstr(w->hdr, "\r\n\r\n");
			if (!end) {
				if (!room) {
					watcher_close(w, true);
					return;
				}
				continue;
			}
			if (strncmp(w->hdr, "HTTP/1.1 200", 12) != 0 ||
			    !strstr(w->hdr, "chunked")) {
				fprintf(stderr, "bench: watch answered: %.80s\n", w->hdr);
				watcher_close(w, true);
				return;
			}
			/* what followed the headers is body */
			size_t hdr_bytes = (size_t)(end + 4 - w->hdr);
			size_t before = w->hlen - k; /* header bytes from earlier reads */
			p += hdr_bytes - before;
			n -= hdr_bytes - before;
			w->state = W_STREAM;
			w->t->inflight--;
			atomic_fetch_add(&fo->ready, 1);
		}
		if (n && !body_bytes(fo, w, p, n, t)) {
			watcher_close(w, true);
			return;
		}
	} while (SSL_has_pending(w->ssl));
}

static void on_event(struct watcher *w, uint32_t events)
{
	switch (w->state) {
	case W_CONNECT: {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err) {
			errno = err;
			watcher_close(w, true);
			return;
		}
		w->ssl = SSL_new(w->t->fo->ctx);
		SSL_set_fd(w->ssl, w->fd);
		w->state = W_HANDSHAKE;
		handshake(w);
		return;
	}
	case W_HANDSHAKE:
		handshake(w);
		return;
	case W_HEADERS:
	case W_STREAM:
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			readable(w);
		return;
	default:
		return;
	}
}

/* A client thread: connects its share, then reads events until told to stop. */
static void *client_main(void *arg)
{
	struct fo_thread *t = arg;
	struct fanout *fo = t->fo;
	struct epoll_event evs[512];
	while (!atomic_load(&fo->stop)) {
		while (t->next < t->end && t->inflight < t->max_inflight)
			start_one(&fo->w[t->next++]);
		int k = epoll_wait(t->epfd, evs, 512, 20);
		for (int i = 0; i < k; i++)
			on_event(evs[i].data.ptr, evs[i].events);
	}
	return NULL;
}

struct creator {
	struct fanout *fo;
	CURL *curl; /* connected before the watches, so never refused */
	const char *base;
	const char *ns;
	int target; /* watchers connected when the events start */
	atomic_bool done;
};

/* Creates event k only once every watcher has event k-1 (or 5 s passed). */
static void *create_events(void *arg)
{
	struct creator *cr = arg;
	struct fanout *fo = cr->fo;
	CURL *c = cr->curl;
	char path[256], body[2048];
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/configmaps", cr->ns);
	for (int k = 0; k < NEVENTS; k++) {
		char name[32];
		struct reply r;
		snprintf(name, sizeof(name), "fanev-%d", k);
		configmap_json(body, sizeof(body), name, 0);
		sleep_ms(50);
		fo->t_sent[k] = now_ms();
		call(c, cr->base, "POST", path, body, &r);
		fo->t_resp[k] = now_ms();
		fo->codes[k] = r.code;
		ck_buf_release(&r.body);
		double until = now_ms() + 5000;
		while (atomic_load(&fo->got[k]) < cr->target && now_ms() < until)
			sleep_ms(2);
	}
	atomic_store(&cr->done, true);
	return NULL;
}

struct fanout_result {
	int watchers, connected, client_threads;
	double connect_s;
	long rss_before, rss_connected, rss_after;
	double all_p50, all_p99, all_max; /* time until every watcher has an event */
	double one_p50, one_p99;	  /* per watcher and event */
	int missing;			  /* (watcher, event) pairs never received */
	int early;			  /* receipts before the create's response */
	double server_cpu, client_cpu;	  /* ms of CPU per event, during the events */
};

/* CK_BENCH_CLIENT_THREADS, or one per core (at most MAX_CLIENT_THREADS). */
static int client_threads(void)
{
	const char *v = getenv("CK_BENCH_CLIENT_THREADS");
	int n = 0;
	if (!v || !*v || ck_str_to_int(v, &n) < 0 || n < 1)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_CLIENT_THREADS ? MAX_CLIENT_THREADS : n;
}

static void fanout_free(struct fanout *fo)
{
	for (int i = 0; i < fo->nthreads; i++)
		close(fo->threads[i].epfd);
	SSL_CTX_free(fo->ctx);
	if (fo->w)
		free(fo->w[0].recv);
	free(fo->w);
	free(fo);
}

static int run_fanout(const char *base, int port, int pid, int n, struct fanout_result *res)
{
	struct fanout *fo = ck_calloc(1, sizeof(*fo));
	char ns[64];
	int r = 0;
	memset(res, 0, sizeof(*res));
	res->watchers = n;
	snprintf(ns, sizeof(ns), "watch-%d", n);
	if ((r = make_namespace(base, ns)) < 0) {
		free(fo);
		return r;
	}
	fo->n = n;
	fo->ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(fo->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(fo->ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_read_ahead(fo->ctx, 1);
	fo->addr.sin_family = AF_INET;
	fo->addr.sin_port = htons((uint16_t)port);
	fo->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int len = snprintf(fo->request, sizeof(fo->request),
			   "GET /api/v1/namespaces/%s/configmaps?watch=true HTTP/1.1\r\n"
			   "Host: 127.0.0.1:%d\r\nAccept: application/json\r\n"
			   "User-Agent: ckube-bench\r\n\r\n",
			   ns, port);
	fo->reqlen = (size_t)len;
	fo->nthreads = client_threads();
	res->client_threads = fo->nthreads;
	fo->w = ck_calloc((size_t)n, sizeof(*fo->w));
	double *recv = ck_calloc((size_t)n * NEVENTS, sizeof(double));
	for (int i = 0; i < fo->nthreads; i++) {
		struct fo_thread *t = &fo->threads[i];
		t->fo = fo;
		t->epfd = epoll_create1(EPOLL_CLOEXEC);
		t->first = t->next = (int)((long)n * i / fo->nthreads);
		t->end = (int)((long)n * (i + 1) / fo->nthreads);
		t->max_inflight =
		    MAX_CONNECTING / fo->nthreads > 1 ? MAX_CONNECTING / fo->nthreads : 1;
		for (int j = t->first; j < t->end; j++) {
			fo->w[j].t = t;
			fo->w[j].fd = -1;
			fo->w[j].recv = recv + (size_t)j * NEVENTS;
		}
	}

	/* the creates' connection first: a server at its connection limit
	 * would leave it waiting */
	struct creator cr = { .fo = fo, .base = base, .ns = ns, .curl = curl_easy_init() };
	struct reply warm;
	easy_common(cr.curl);
	call(cr.curl, base, "GET", "/version", NULL, &warm);
	ck_buf_release(&warm.body);

	res->rss_before = settled_rss(pid);
	double t0 = now_ms(), cap = t0 + 120000;
	int started = 0;
	for (; started < fo->nthreads; started++)
		if (pthread_create(&fo->threads[started].tid, NULL, client_main,
				   &fo->threads[started]) != 0)
			break;
	if (started < fo->nthreads) {
		fprintf(stderr, "bench: unable to start the client threads\n");
		atomic_store(&fo->stop, true);
		for (int i = 0; i < started; i++)
			pthread_join(fo->threads[i].tid, NULL);
		curl_easy_cleanup(cr.curl);
		fanout_free(fo);
		return -EAGAIN;
	}
	while (atomic_load(&fo->ready) + atomic_load(&fo->dead) < n && now_ms() < cap)
		sleep_ms(50);
	res->connect_s = (now_ms() - t0) / 1000;
	res->connected = atomic_load(&fo->ready);
	if (res->connected < n)
		fprintf(stderr, "bench: %d of %d watches connected (%d failed)\n", res->connected,
			n, atomic_load(&fo->dead));
	/* stray handshakes still in flight are not waited for */
	sleep_ms(500);
	res->rss_connected = settled_rss(pid);

	cr.target = atomic_load(&fo->ready);
	double server0 = cpu_ms(pid), client0 = cpu_ms(getpid());
	pthread_t th;
	pthread_create(&th, NULL, create_events, &cr);
	pthread_join(th, NULL);
	res->server_cpu = (cpu_ms(pid) - server0) / NEVENTS;
	res->client_cpu = (cpu_ms(getpid()) - client0) / NEVENTS;
	curl_easy_cleanup(cr.curl);
	/* the last event's stragglers */
	double until = now_ms() + 2000;
	while (atomic_load(&fo->got[NEVENTS - 1]) < cr.target && now_ms() < until)
		sleep_ms(20);
	atomic_store(&fo->stop, true);
	for (int i = 0; i < fo->nthreads; i++)
		pthread_join(fo->threads[i].tid, NULL);
	res->rss_after = settled_rss(pid);

	/* latencies */
	double all[NEVENTS];
	size_t nall = 0, none = 0;
	double *one = ck_calloc((size_t)n * NEVENTS, sizeof(double));
	for (int k = 0; k < NEVENTS; k++) {
		if (fo->codes[k] != 201)
			fprintf(stderr, "bench: event %d: create answered %ld\n", k, fo->codes[k]);
		double last = 0;
		bool complete = true;
		for (int i = 0; i < n; i++) {
			struct watcher *w = &fo->w[i];
			if (w->state != W_STREAM)
				continue;
			if (w->recv[k] == 0) {
				res->missing++;
				complete = false;
				continue;
			}
			double d = w->recv[k] - fo->t_resp[k];
			if (d < 0) {
				res->early++;
				d = 0;
			}
			one[none++] = d;
			if (d > last)
				last = d;
		}
		if (complete)
			all[nall++] = last;
	}
	qsort(all, nall, sizeof(double), cmp_double);
	qsort(one, none, sizeof(double), cmp_double);
	res->all_p50 = percentile(all, nall, 0.5);
	res->all_p99 = percentile(all, nall, 0.99);
	res->all_max = nall ? all[nall - 1] : 0;
	res->one_p50 = percentile(one, none, 0.5);
	res->one_p99 = percentile(one, none, 0.99);
	free(one);

	for (int i = 0; i < n; i++)
		if (fo->w[i].fd >= 0)
			watcher_close(&fo->w[i], false);
	/* the server notices the clients left and drops the watches */
	double until_gone = now_ms() + 30000;
	while (registered_watchers(base) > 0 && now_ms() < until_gone)
		sleep_ms(200);
	fanout_free(fo);
	return 0;
}

static void print_fanout(const struct fanout_result *res, int count, const char *limits)
{
	printf("### Watch fan-out\n\n");
	printf("N concurrent `GET /api/v1/namespaces/watch-N/configmaps?watch=true` over TLS "
	       "(%d client threads, each an epoll loop with non-blocking sockets and OpenSSL "
	       "for a share of the watches); then %d single "
	       "ConfigMap creates in that namespace (~1.5 KB each), each after every watcher "
	       "had the previous one. Latency is from the create's response to a watcher "
	       "reading the event (a watcher that had it before the response counts 0). "
	       "CPU per event is each process's user + system time over the events / %d, "
	       "and per watcher that / N. "
	       "Server RSS per watcher = (RSS with N watches after the events − RSS before "
	       "connecting) / N. %s\n\n",
	       count ? res[0].client_threads : 0, NEVENTS, NEVENTS, limits);
	printf("| watchers | connected | connect s | all have it p50 ms | p99 ms | max ms | "
	       "per watcher p50 ms | p99 ms | missed | server CPU ms/event | µs/watcher | "
	       "client CPU ms/event | µs/watcher | RSS before MiB | connected MiB | "
	       "after events MiB | KiB per watcher |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	       "---:|\n");
	for (int i = 0; i < count; i++) {
		const struct fanout_result *r = &res[i];
		long grow = r->rss_after - r->rss_before;
		double per = r->connected ? 1000.0 / r->connected : 0;
		printf("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %.1f | "
		       "%.1f | %.1f | %.1f | %.1f | %.1f | **%.1f** |\n",
		       r->watchers, r->connected, r->connect_s, r->all_p50, r->all_p99, r->all_max,
		       r->one_p50, r->one_p99, r->missing, r->server_cpu, r->server_cpu * per,
		       r->client_cpu, r->client_cpu * per, r->rss_before / 1024.0,
		       r->rss_connected / 1024.0, r->rss_after / 1024.0,
		       r->connected ? (double)grow / r->connected : 0);
	}
	printf("\n");
	fflush(stdout);
}

/* ---- RSS with objects stored ---- */

/* The stored size of one ConfigMap (JSON, without resourceVersion), or 0. */
static size_t stored_size_of(const char *base, const char *path)
{
	CURL *c = curl_easy_init();
	struct reply r;
	size_t n = 0;
	easy_common(c);
	if (call(c, base, "GET", path, NULL, &r) == 0 && r.code == 200) {
		json_object *obj = json_tokener_parse(ck_buf_str(&r.body)), *meta;
		if (obj && json_object_object_get_ex(obj, "metadata", &meta))
			json_object_object_del(meta, "resourceVersion");
		if (obj)
			n = strlen(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
		json_object_put(obj);
	}
	ck_buf_release(&r.body);
	curl_easy_cleanup(c);
	return n;
}

struct rss_point {
	int objects;  /* asked */
	long stored;  /* the cache's count when measured */
	double secs;  /* to create them */
	double per_s; /* creates per second */
	long rss_kib;
};

static int run_objects(const char *base, int pid, struct rss_point *pts, int *npts,
		       size_t *ret_size)
{
	struct load l;
	int have = 0, r = 0;
	load_init(&l, base);
	if ((r = make_namespace(base, "rss")) < 0)
		goto out;
	pts[0] = (struct rss_point){ 0, stored_configmaps(base), 0, 0, settled_rss(pid) };
	*npts = 1;
	for (size_t i = 0; i < CK_ARRAY_SIZE(S.objects) && S.objects[i]; i++) {
		int want = S.objects[i];
		double t0 = now_ms();
		struct cell c = run_cell(&l, OP_CREATE_SMALL, "rss", 64, have, want - have, 0,
					 S.objects_cap_ms);
		have += c.done - c.errors;
		double secs = (now_ms() - t0) / 1000;
		/* wait for the cache to hold them all */
		double until = now_ms() + 10000;
		long stored;
		while ((stored = stored_configmaps(base)) < have && now_ms() < until)
			sleep_ms(100);
		pts[*npts] =
		    (struct rss_point){ want, stored, secs, c.ops_per_s, settled_rss(pid) };
		(*npts)++;
		fprintf(stderr, "bench: %d small ConfigMaps stored\n", have);
		if (!*ret_size)
			*ret_size =
			    stored_size_of(base, "/api/v1/namespaces/rss/configmaps/obj-0000000");
		if (c.done < want - have)
			break;
	}
out:
	load_release(&l);
	return r;
}

static void print_objects(const struct rss_point *pts, int n, size_t size)
{
	printf("### Memory with objects stored\n\n");
	printf("kube-apiserver VmRSS (from /proc/PID/status) on a fresh etcd, at idle and "
	       "after creating small ConfigMaps (%zu bytes stored each) with 64 concurrent "
	       "requests; the watch cache holds every object.\n\n",
	       size);
	printf("| ConfigMaps stored | RSS MiB | RSS growth per object (bytes) | creates/s while "
	       "filling |\n");
	printf("|---:|---:|---:|---:|\n");
	for (int i = 0; i < n; i++) {
		const struct rss_point *p = &pts[i];
		double per = p->stored > 0 && i
				 ? (double)(p->rss_kib - pts[0].rss_kib) * 1024 / (double)p->stored
				 : 0;
		if (i == 0)
			printf("| 0 (idle) | **%.1f** | – | – |\n", p->rss_kib / 1024.0);
		else
			printf("| %ld | **%.1f** | %.0f | %.0f |\n", p->stored, p->rss_kib / 1024.0,
			       per, p->per_s);
	}
	printf("\n");
	fflush(stdout);
}

/* ---- main ---- */

static void settings_init(void)
{
	const char *q = getenv("CK_BENCH_QUICK");
	bool quick = q && *q && strcmp(q, "0") != 0;
	const char *dir = getenv("CK_BENCH_ETCD_DIR");
	S = (struct settings){
		.quick = quick,
		.runs = quick ? 1 : 3,
		.cell_count = quick ? 500 : 2000,
		.cell_cap_ms = quick ? 4000 : 10000,
		.watchers = { 1000, quick ? 0 : 10000 },
		.objects = { 10000, quick ? 0 : 100000 },
		.objects_cap_ms = quick ? 30000 : 120000,
		.etcd_dir = dir && *dir ? dir : "/tmp",
		.only = getenv("CK_BENCH_ONLY"),
	};
	const char *w = getenv("CK_BENCH_WATCHERS");
	int n;
	if (w && *w && ck_str_to_int(w, &n) == 0 && n > 0) {
		S.watchers[0] = n;
		S.watchers[1] = 0;
	}
	const char *rw = getenv("CK_BENCH_RAW_WATCHED");
	S.raw_watched = rw && *rw && strcmp(rw, "0") != 0;
	const char *runs = getenv("CK_BENCH_RUNS");
	if (runs && *runs && ck_str_to_int(runs, &n) == 0 && n > 0)
		S.runs = n < MAX_RUNS ? n : MAX_RUNS;
	const char *args = getenv("CK_BENCH_APISERVER_ARGS");
	if (args && *args) {
		S.server_args = ck_str_split(args, ' ', 0);
		size_t k = 0; /* drop the empty fields of repeated spaces */
		for (size_t i = 0; S.server_args[i]; i++) {
			if (*S.server_args[i])
				S.server_args[k++] = S.server_args[i];
			else
				free(S.server_args[i]);
		}
		S.server_args[k] = NULL;
	}
}

/* CK_BIN_DIR defaults to ../bin beside this program (make bench OUT=…). */
static void default_bin_dir(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (getenv("CK_BIN_DIR") || n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/bin", exe);
	setenv("CK_BIN_DIR", dir, 0);
}

/* Raises the soft RLIMIT_NOFILE to the hard one (the servers we start
 * inherit it); describes what it was in out. */
static void raise_nofile(char *out, size_t size)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		snprintf(out, size, "unknown");
		return;
	}
	unsigned long long soft = rl.rlim_cur, hard = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max;
	int r = setrlimit(RLIMIT_NOFILE, &rl);
	snprintf(out, size, "RLIMIT_NOFILE soft %llu / hard %llu%s", soft, hard,
		 r == 0 && soft != hard ? ", soft raised to the hard limit" : "");
}

static int start_pair(struct ck_test_etcd **ret_etcd, struct ck_test_apiserver **ret_api)
{
	struct ck_test_etcd_options eo = { .base_dir = S.etcd_dir };
	if (ck_test_etcd_start(&eo, ret_etcd) < 0) {
		fprintf(stderr, "bench: unable to start etcd\n");
		return -EIO;
	}
	/* a just-started etcd is several times slower for a few seconds */
	sleep_ms(S.quick ? 2000 : 5000);
	struct ck_test_apiserver_options ao = { .etcd_endpoint = ck_test_etcd_endpoint(*ret_etcd),
						.extra_args = (const char *const *)S.server_args };
	if (ck_test_apiserver_start(&ao, ret_api) < 0) {
		fprintf(stderr, "bench: unable to start kube-apiserver (CK_BIN_DIR=%s)\n",
			getenv("CK_BIN_DIR"));
		ck_test_etcd_free(*ret_etcd);
		*ret_etcd = NULL;
		return -EIO;
	}
	return 0;
}

static int port_of(const char *url)
{
	const char *colon = strrchr(url, ':');
	int port = 0;
	return colon && ck_str_to_int(colon + 1, &port) == 0 ? port : 0;
}

static bool section(const char *name)
{
	return !S.only || !*S.only || strcmp(S.only, name) == 0;
}

static void stop_pair(struct ck_test_etcd *etcd, struct ck_test_apiserver *api)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
}

/* 1. requests, beside the raw storage layer, on one etcd */
static int bench_crud(void)
{
	static struct crud_results crud;
	struct ck_test_etcd *etcd = NULL;
	struct ck_test_apiserver *api = NULL;
	struct ck_etcd *client = NULL;
	struct ck_storage *store = NULL;
	size_t stored_size = 0;
	int r;
	if ((r = start_pair(&etcd, &api)) < 0)
		return r;
	struct ck_etcd_config cfg = { .endpoints = ck_test_etcd_endpoint(etcd),
				      .request_timeout_ms = 30000 };
	struct ck_etcd_err eerr;
	if ((r = ck_etcd_new(&cfg, &client, &eerr)) < 0) {
		fprintf(stderr, "bench: %s\n", eerr.message);
		goto out;
	}
	struct ck_etcd_store_config sc = { .client = client };
	if ((r = ck_etcd_store_new(&sc, &store)) < 0)
		goto out;
	struct procs procs = { ck_test_apiserver_pid(api), ck_test_etcd_pid(etcd) };
	if ((r = run_crud(ck_test_apiserver_url(api), &procs, store, &crud, &stored_size)) < 0)
		goto out;
	print_crud(&crud, stored_size);
out:
	ck_storage_free(store);
	ck_etcd_free(client);
	stop_pair(etcd, api);
	return r;
}

/* 2. watch fan-out, on a fresh pair */
static int bench_fanout(const char *nofile)
{
	struct fanout_result fan[CK_ARRAY_SIZE(S.watchers)];
	struct ck_test_etcd *etcd = NULL;
	struct ck_test_apiserver *api = NULL;
	int nfan = 0, r;
	if ((r = start_pair(&etcd, &api)) < 0)
		return r;
	const char *base = ck_test_apiserver_url(api);
	for (size_t i = 0; i < CK_ARRAY_SIZE(S.watchers) && S.watchers[i]; i++) {
		if ((r = run_fanout(base, port_of(base), ck_test_apiserver_pid(api), S.watchers[i],
				    &fan[nfan])) < 0)
			break;
		nfan++;
		fprintf(stderr, "bench: fan-out to %d watchers done\n", S.watchers[i]);
		sleep_ms(1000);
	}
	if (nfan)
		print_fanout(fan, nfan, nofile);
	stop_pair(etcd, api);
	return r;
}

/* 3. memory with objects, on a fresh pair */
static int bench_objects(void)
{
	struct rss_point pts[CK_ARRAY_SIZE(S.objects) + 1];
	struct ck_test_etcd *etcd = NULL;
	struct ck_test_apiserver *api = NULL;
	int npts = 0, r;
	size_t size = 0;
	if ((r = start_pair(&etcd, &api)) < 0)
		return r;
	r = run_objects(ck_test_apiserver_url(api), ck_test_apiserver_pid(api), pts, &npts, &size);
	if (npts)
		print_objects(pts, npts, size);
	stop_pair(etcd, api);
	return r;
}

int main(void)
{
	char nofile[160];
	int rc = 0;

	settings_init();
	default_bin_dir();
	signal(SIGPIPE, SIG_IGN);
	raise_nofile(nofile, sizeof(nofile));
	curl_global_init(CURL_GLOBAL_ALL);

	char cpu[128] = "unknown", line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			const char *v = strchr(line, ':');
			snprintf(cpu, sizeof(cpu), "%.100s", v ? v + 2 : line);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	char date[64];
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	const char *args = getenv("CK_BENCH_APISERVER_ARGS");
	double load[3] = { 0, 0, 0 };
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	printf("kube-apiserver (`%s/kube-apiserver`, %s%s%s) against etcd on disk under "
	       "%s; %ld cores (%s), %.0f GiB RAM, %s, load average %.2f; %s mode; %s.\n\n",
	       getenv("CK_BIN_DIR"), args && *args ? "flags `" : "default flags",
	       args && *args ? args : "", args && *args ? "`" : "", S.etcd_dir,
	       sysconf(_SC_NPROCESSORS_ONLN), cpu,
	       (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / (1 << 30), date,
	       load[0], S.quick ? "quick (CK_BENCH_QUICK=1)" : "full", nofile);
	fflush(stdout);

	if (section("crud") && bench_crud() < 0)
		rc = 1;
	if (section("fanout") && bench_fanout(nofile) < 0)
		rc = 1;
	if (section("objects") && bench_objects() < 0)
		rc = 1;
	curl_global_cleanup();
	return rc;
}
