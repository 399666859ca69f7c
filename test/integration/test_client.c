/*
 * pkg/client against a real etcd and real API servers (test/lib):
 *  - REST errors come back as the Status the server sent;
 *  - an informer's store converges to the server's state through creates,
 *    updates, deletes and a forced 410 (the watch is cut, changes are made
 *    meanwhile, etcd is compacted, and the client comes back to a new API
 *    server whose watch cache starts after them), with no missed or
 *    duplicated handler calls;
 *  - resync, and handlers added to a running informer;
 *  - a workqueue fed by an informer never hands one key to two of 8 workers;
 *  - two contenders for one Lease never both lead, a killed leader is
 *    replaced within the lease duration (plus the retry period), a released
 *    one at once;
 *  - the event recorder's writes and count patches; discovery.
 * CK_TEST_V=N turns on the library's debug logs.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/runner.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/pki.h"
#include "client/client.h"
#include "storage/etcd3/etcd3.h"
#include "util/cancel.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static struct ck_client *client;

static void sleep_ms(long ms)
{
	usleep((useconds_t)ms * 1000);
}

/*
 * A client from the test API server's kubeconfig (its credentials), talking
 * to server instead when that is given (a proxy, another API server).
 */
static struct ck_client *client_for(const char *server)
{
	struct ck_client_config cfg;
	char *err = NULL;
	struct ck_kubeconfig_loading_rules rules = {
		.explicit_path = ck_test_apiserver_kubeconfig(api),
	};
	struct ck_kubeconfig_overrides o = { .server = server };
	int r = ck_client_config_load(&rules, &o, NULL, &cfg, NULL, NULL, &err);
	ck_assert_msg(r == 0, "config: %s", err ? err : "");
	cfg.qps = -1; /* tests are not throttled */
	struct ck_client *c = NULL;
	ck_assert_int_eq(ck_client_new(&cfg, &c, &err), 0);
	ck_client_config_release(&cfg);
	return c;
}

static void setup(void)
{
	const char *v = getenv("CK_TEST_V");
	int n;
	if (v && ck_str_to_int(v, &n) == 0)
		ck_log_verbosity = n;
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	client = client_for(NULL);
}

static void teardown(void)
{
	ck_client_free(client);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
}

static const struct ck_gvr configmaps = { "", "v1", "configmaps" };
static const struct ck_gvr namespaces = { "", "v1", "namespaces" };

static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);
	ck_assert_ptr_nonnull(o);
	return o;
}

static void make_namespace(struct ck_client *c, const char *name)
{
	char text[256];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
		 "{\"name\":\"%s\"}}",
		 name);
	json_object *ns = parse(text);
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_create(c, &namespaces, NULL, ns, NULL, &err);
	ck_assert_msg(r == 0, "create namespace: %s", err.message);
	json_object_put(ns);
}

/* Creates (or updates, when rv is set) configmap name in ns with data v; returns its RV (owned). */
static char *put_cm(struct ck_client *c, const char *ns, const char *name, const char *value,
		    bool update)
{
	char text[512];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\","
		 "\"namespace\":\"%s\"},\"data\":{\"v\":\"%s\"}}",
		 name, ns, value);
	json_object *cm = parse(text), *out = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = update ? ck_client_update(c, &configmaps, ns, cm, &out, &err)
		       : ck_client_create(c, &configmaps, ns, cm, &out, &err);
	ck_assert_msg(r == 0, "%s %s: %s", update ? "update" : "create", name, err.message);
	char *rv = ck_strdup(ck_obj_resource_version(out));
	json_object_put(out);
	json_object_put(cm);
	return rv;
}

static void del_cm(struct ck_client *c, const char *ns, const char *name)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_delete(c, &configmaps, ns, name, NULL, NULL, &err);
	ck_assert_msg(r == 0, "delete %s: %s", name, err.message);
}

/* ---- REST errors ----------------------------------------------------------------------- */

START_TEST(test_rest_errors_are_the_servers_status)
{
	make_namespace(client, "errs");
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL;

	/* NotFound: the same Status a raw GET gets. */
	ck_assert_int_eq(ck_client_get(client, &configmaps, "errs", "nope", &obj, &err), -ENOENT);
	long code;
	json_object *raw = ck_test_request(ck_test_apiserver_url(api), "GET",
					   "/api/v1/namespaces/errs/configmaps/nope", NULL, &code);
	ck_assert_int_eq(code, 404);
	ck_assert_int_eq(err.code, 404);
	ck_assert(json_object_equal(err.status, raw));
	ck_assert_str_eq(err.message, "configmaps \"nope\" not found");
	json_object_put(raw);
	ck_client_error_release(&err);

	/* AlreadyExists, Conflict (a stale resourceVersion), Invalid. */
	free(put_cm(client, "errs", "a", "1", false));
	json_object *cm = parse("{\"metadata\":{\"name\":\"a\"},\"data\":{\"v\":\"x\"}}");
	ck_assert_int_eq(ck_client_create(client, &configmaps, "errs", cm, NULL, &err), -EEXIST);
	ck_assert_str_eq(ck_status_reason(err.status), "AlreadyExists");
	ck_assert_str_eq(err.message, "configmaps \"a\" already exists");
	ck_client_error_release(&err);
	ck_obj_set_meta_str(cm, "resourceVersion", "1");
	ck_assert_int_eq(ck_client_update(client, &configmaps, "errs", cm, NULL, &err), -ESTALE);
	ck_assert_str_eq(ck_status_reason(err.status), "Conflict");
	ck_assert_int_eq(err.code, 409);
	ck_client_error_release(&err);
	json_object_put(cm);
	cm = parse("{\"metadata\":{\"name\":\"Bad_Name\"}}");
	ck_assert_int_eq(ck_client_create(client, &configmaps, "errs", cm, NULL, &err), -EINVAL);
	ck_assert_str_eq(ck_status_reason(err.status), "Invalid");
	ck_assert_int_eq(err.code, 422);
	ck_client_error_release(&err);
	json_object_put(cm);

	/* BadRequest from a selector the server cannot parse. */
	struct ck_client_list_options lo = { .label_selector = "a in (" };
	ck_assert_int_eq(ck_client_list(client, &configmaps, "errs", &lo, &obj, &err), -EBADMSG);
	ck_assert_str_eq(ck_status_reason(err.status), "BadRequest");
	ck_client_error_release(&err);

	/* Patches of each type; delete answers with a Success Status. */
	ck_assert_int_eq(ck_client_patch(client, &configmaps, "errs", "a", CK_PATCH_MERGE,
					 "{\"data\":{\"m\":\"1\"}}", NULL, &obj, &err),
			 0);
	ck_assert_str_eq(ck_obj_path_str(obj, "data.m"), "1");
	json_object_put(obj);
	ck_assert_int_eq(ck_client_patch(client, &configmaps, "errs", "a", CK_PATCH_STRATEGIC,
					 "{\"data\":{\"s\":\"2\"}}", NULL, &obj, &err),
			 0);
	ck_assert_str_eq(ck_obj_path_str(obj, "data.s"), "2");
	json_object_put(obj);
	ck_assert_int_eq(ck_client_patch(client, &configmaps, "errs", "a", CK_PATCH_JSON,
					 "[{\"op\":\"remove\",\"path\":\"/data/m\"}]", NULL, &obj,
					 &err),
			 0);
	ck_assert_ptr_null(ck_obj_path(obj, "data.m"));
	json_object_put(obj);
	ck_assert_int_eq(ck_client_delete(client, &configmaps, "errs", "a", NULL, &obj, &err), 0);
	ck_assert_str_eq(ck_obj_path_str(obj, "kind"), "Status");
	ck_assert_str_eq(ck_obj_path_str(obj, "status"), "Success");
	ck_assert_str_eq(ck_obj_path_str(obj, "details.name"), "a");
	json_object_put(obj);
	ck_assert_int_eq(ck_client_delete(client, &configmaps, "errs", "a", NULL, &obj, &err),
			 -ENOENT);
	ck_client_error_release(&err);

	/* A server that is not there. */
	struct ck_client *gone = client_for("https://127.0.0.1:1");
	ck_assert_int_eq(ck_client_get(gone, &configmaps, "errs", "a", &obj, &err), -ECONNREFUSED);
	ck_assert_ptr_null(err.status);
	ck_assert_str_eq(err.message, "Get \"https://127.0.0.1:1/api/v1/namespaces/errs/configmaps/"
				      "a\": dial tcp 127.0.0.1:1: connect: connection refused");
	ck_client_free(gone);
}
END_TEST

/* ---- TLS verification ------------------------------------------------------------------ */

static int get_api(struct ck_client_config *cfg, struct ck_client_error *err)
{
	struct ck_client *c = NULL;
	ck_assert_int_eq(ck_client_new(cfg, &c, NULL), 0);
	struct ck_client_request req = { .path = "/api" };
	json_object *obj = NULL;
	int r = ck_client_do(c, &req, &obj, err);
	json_object_put(obj);
	ck_client_free(c);
	return r;
}

START_TEST(test_tls_verification)
{
	/* The server's self-signed certificate sits next to its kubeconfig. */
	char dir[512], ca[600];
	snprintf(dir, sizeof(dir), "%s", ck_test_apiserver_kubeconfig(api));
	*strrchr(dir, '/') = '\0';
	snprintf(ca, sizeof(ca), "%s/certs/apiserver.crt", dir);
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_client_config cfg;
	ck_client_config_init(&cfg);
	cfg.host = (char *)ck_test_apiserver_url(api);
	cfg.ca_file = ca;
	cfg.bearer_token = "test";
	ck_assert_msg(get_api(&cfg, &err) == 0, "%s", err.message);
	/* The same CA from memory, and a server name to verify against. */
	FILE *f = fopen(ca, "r");
	ck_assert_ptr_nonnull(f);
	char pem[8192];
	size_t n = fread(pem, 1, sizeof(pem), f);
	fclose(f);
	cfg.ca_file = NULL;
	cfg.ca_data = pem;
	cfg.ca_data_len = n;
	cfg.tls_server_name = "localhost";
	ck_assert_msg(get_api(&cfg, &err) == 0, "%s", err.message);
	/* A name the certificate does not carry. */
	cfg.tls_server_name = "elsewhere.example";
	ck_assert_int_eq(get_api(&cfg, &err), -EPROTO);
	ck_assert_ptr_null(err.status);
	/* Another CA altogether. */
	char *other = NULL, *key = NULL;
	const char *dns[] = { "localhost", NULL }, *ips[] = { "127.0.0.1", NULL };
	ck_assert_int_eq(ck_pki_self_signed("other", dns, ips, 1, &other, &key), 0);
	cfg.tls_server_name = NULL;
	cfg.ca_data = other;
	cfg.ca_data_len = strlen(other);
	ck_assert_int_eq(get_api(&cfg, &err), -EPROTO);
	ck_assert_msg(strstr(err.message, "Get \"https://127.0.0.1:") == err.message, "%s",
		      err.message);
	free(other);
	free(key);
	ck_client_error_release(&err);
}
END_TEST

/* ---- a TCP proxy the test controls ------------------------------------------------------ */

#define PMAX 64
struct proxy {
	int listen_fd, port;
	int wake[2];
	pthread_t thread;
	pthread_mutex_t mu;
	int backend_port; /* guarded by mu */
	bool paused;	  /* guarded by mu: hold new connections */
	bool cut;	  /* guarded by mu: close the open ones */
	bool stopping;	  /* guarded by mu */
	int held[PMAX];	  /* proxy thread only */
	int nheld;
	int pairs[PMAX][2];
	int npairs;
};

static int connect_port(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void proxy_pair(struct proxy *p, int client_fd, int backend_port)
{
	int b = connect_port(backend_port);
	if (b < 0 || p->npairs == PMAX) {
		close(client_fd);
		if (b >= 0)
			close(b);
		return;
	}
	p->pairs[p->npairs][0] = client_fd;
	p->pairs[p->npairs][1] = b;
	p->npairs++;
}

static void proxy_drop(struct proxy *p, int i)
{
	close(p->pairs[i][0]);
	close(p->pairs[i][1]);
	p->pairs[i][0] = p->pairs[p->npairs - 1][0];
	p->pairs[i][1] = p->pairs[p->npairs - 1][1];
	p->npairs--;
}

static void *proxy_main(void *arg)
{
	struct proxy *p = arg;
	for (;;) {
		struct pollfd fds[2 + 2 * PMAX];
		int n = 0;
		fds[n++] = (struct pollfd){ .fd = p->listen_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = p->wake[0], .events = POLLIN };
		for (int i = 0; i < p->npairs; i++) {
			fds[n++] = (struct pollfd){ .fd = p->pairs[i][0], .events = POLLIN };
			fds[n++] = (struct pollfd){ .fd = p->pairs[i][1], .events = POLLIN };
		}
		if (poll(fds, (nfds_t)n, 1000) < 0)
			continue;
		pthread_mutex_lock(&p->mu);
		bool stopping = p->stopping, paused = p->paused, cut = p->cut;
		int backend = p->backend_port;
		p->cut = false;
		pthread_mutex_unlock(&p->mu);
		if (fds[1].revents) {
			char b[64];
			ssize_t r = read(p->wake[0], b, sizeof(b));
			(void)r;
		}
		if (stopping) {
			while (p->npairs)
				proxy_drop(p, 0);
			for (int i = 0; i < p->nheld; i++)
				close(p->held[i]);
			return NULL;
		}
		if (cut) {
			while (p->npairs)
				proxy_drop(p, 0);
			continue;
		}
		if (!paused) {
			for (int i = 0; i < p->nheld; i++)
				proxy_pair(p, p->held[i], backend);
			p->nheld = 0;
		}
		if (fds[0].revents & POLLIN) {
			int c = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				if (paused && p->nheld < PMAX)
					p->held[p->nheld++] = c;
				else
					proxy_pair(p, c, backend);
			}
		}
		/* Pairs were polled as they stood before any change above. */
		int polled = (n - 2) / 2;
		for (int i = polled - 1; i >= 0; i--) {
			for (int side = 0; side < 2; side++) {
				if (i >= p->npairs || !fds[2 + 2 * i + side].revents)
					continue;
				char buf[65536];
				ssize_t r = read(p->pairs[i][side], buf, sizeof(buf));
				bool ok = r > 0;
				for (ssize_t off = 0; ok && off < r;) {
					ssize_t w =
					    write(p->pairs[i][!side], buf + off, (size_t)(r - off));
					if (w <= 0)
						ok = false;
					else
						off += w;
				}
				if (!ok) {
					proxy_drop(p, i);
					break;
				}
			}
		}
	}
}

static void proxy_poke(struct proxy *p)
{
	ssize_t w = write(p->wake[1], "x", 1);
	(void)w;
}

static void proxy_start(struct proxy *p, int backend_port)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	ck_assert_int_eq(pipe(p->wake), 0);
	p->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(p->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	getsockname(p->listen_fd, (struct sockaddr *)&a, &len);
	p->port = ntohs(a.sin_port);
	ck_assert_int_eq(listen(p->listen_fd, 64), 0);
	p->backend_port = backend_port;
	pthread_create(&p->thread, NULL, proxy_main, p);
}

/* Closes every open connection and holds new ones until resumed. */
static void proxy_cut_and_hold(struct proxy *p)
{
	pthread_mutex_lock(&p->mu);
	p->paused = true;
	p->cut = true;
	pthread_mutex_unlock(&p->mu);
	proxy_poke(p);
}

/* Sends held and new connections to backend_port. */
static void proxy_resume(struct proxy *p, int backend_port)
{
	pthread_mutex_lock(&p->mu);
	p->paused = false;
	p->backend_port = backend_port;
	pthread_mutex_unlock(&p->mu);
	proxy_poke(p);
}

static void proxy_stop(struct proxy *p)
{
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_mutex_unlock(&p->mu);
	proxy_poke(p);
	pthread_join(p->thread, NULL);
	close(p->listen_fd);
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_mutex_destroy(&p->mu);
}

static int port_of(const char *url)
{
	const char *colon = strrchr(url, ':');
	int port = 0;
	ck_assert_int_eq(ck_str_to_int(colon + 1, &port), 0);
	return port;
}

/* ---- counting handler calls --------------------------------------------------------------- */

struct key_counts {
	int adds, initial_adds, updates, deletes, tombstones, syncs;
	char rv[32]; /* last seen */
};

struct counter {
	pthread_mutex_t mu;
	struct ck_hashmap keys; /* key -> struct key_counts */
	int errors;		/* an update whose RV did not grow, and the like */
	char why[256];
};

static struct key_counts *counts(struct counter *c, const char *key)
{
	struct key_counts *k = ck_hashmap_get(&c->keys, key);
	if (!k) {
		k = calloc(1, sizeof(*k));
		ck_hashmap_put(&c->keys, key, k);
	}
	return k;
}

static int64_t rv_num(json_object *obj)
{
	int64_t v = 0;
	const char *rv = ck_obj_resource_version(obj);
	if (rv)
		ck_str_to_int64(rv, &v);
	return v;
}

static void on_add(void *ctx, json_object *obj, bool initial)
{
	struct counter *c = ctx;
	char *key = ck_store_key_of(obj);
	pthread_mutex_lock(&c->mu);
	struct key_counts *k = counts(c, key);
	k->adds++;
	k->initial_adds += initial;
	snprintf(k->rv, sizeof(k->rv), "%s", ck_obj_resource_version(obj));
	pthread_mutex_unlock(&c->mu);
	free(key);
}

static void on_update(void *ctx, json_object *old, json_object *new)
{
	struct counter *c = ctx;
	char *key = ck_store_key_of(new);
	pthread_mutex_lock(&c->mu);
	struct key_counts *k = counts(c, key);
	if (old == new || rv_num(old) == rv_num(new)) {
		k->syncs++;
	} else {
		k->updates++;
		if (rv_num(new) <= rv_num(old)) {
			c->errors++;
			snprintf(c->why, sizeof(c->why), "%s: update from %lld to %lld", key,
				 (long long)rv_num(old), (long long)rv_num(new));
		}
	}
	snprintf(k->rv, sizeof(k->rv), "%s", ck_obj_resource_version(new));
	pthread_mutex_unlock(&c->mu);
	free(key);
}

static void on_delete(void *ctx, const char *key, json_object *obj, bool unknown)
{
	struct counter *c = ctx;
	pthread_mutex_lock(&c->mu);
	struct key_counts *k = counts(c, key);
	k->deletes++;
	k->tombstones += unknown;
	if (!obj || !ck_streq(ck_obj_name(obj), strchr(key, '/') + 1)) {
		c->errors++;
		snprintf(c->why, sizeof(c->why), "%s: delete without its object", key);
	}
	pthread_mutex_unlock(&c->mu);
}

static void counter_init(struct counter *c)
{
	pthread_mutex_init(&c->mu, NULL);
	ck_hashmap_init(&c->keys, free);
	c->errors = 0;
}

static void counter_release(struct counter *c)
{
	ck_hashmap_release(&c->keys);
	pthread_mutex_destroy(&c->mu);
}

/* Expected totals for one key. */
struct want {
	const char *key;
	int adds, initial_adds, updates, deletes, tombstones;
};

static bool counts_match(struct counter *c, const struct want *w, size_t n, char *why, size_t size)
{
	pthread_mutex_lock(&c->mu);
	bool ok = c->errors == 0;
	if (!ok)
		snprintf(why, size, "%s", c->why);
	for (size_t i = 0; ok && i < n; i++) {
		struct key_counts *k = ck_hashmap_get(&c->keys, w[i].key);
		struct key_counts zero = { 0 };
		if (!k)
			k = &zero;
		if (k->adds != w[i].adds || k->initial_adds != w[i].initial_adds ||
		    k->updates != w[i].updates || k->deletes != w[i].deletes ||
		    k->tombstones != w[i].tombstones) {
			ok = false;
			snprintf(why, size,
				 "%s: adds %d/%d initial %d/%d updates %d/%d deletes %d/%d "
				 "tombstones %d/%d",
				 w[i].key, k->adds, w[i].adds, k->initial_adds, w[i].initial_adds,
				 k->updates, w[i].updates, k->deletes, w[i].deletes, k->tombstones,
				 w[i].tombstones);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return ok;
}

/* Whether the store holds exactly what the server lists (names and resourceVersions). */
static bool store_matches_server(struct ck_store *s, struct ck_client *c, const char *ns, char *why,
				 size_t size)
{
	json_object *list = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	if (ck_client_list(c, &configmaps, ns, NULL, &list, &err) < 0) {
		snprintf(why, size, "list: %.400s", err.message);
		ck_client_error_release(&err);
		return false;
	}
	json_object *items = ck_obj_path(list, "items");
	size_t n = json_object_array_length(items);
	bool ok = n == ck_store_len(s);
	if (!ok)
		snprintf(why, size, "server has %zu, store %zu", n, ck_store_len(s));
	for (size_t i = 0; ok && i < n; i++) {
		json_object *it = json_object_array_get_idx(items, i), *mine = NULL;
		char *key = ck_store_key_of(it);
		if (ck_store_get(s, key, &mine) < 0 ||
		    !ck_streq(ck_obj_resource_version(mine), ck_obj_resource_version(it))) {
			ok = false;
			snprintf(why, size, "%s: store has %s, server %s", key,
				 mine ? ck_obj_resource_version(mine) : "nothing",
				 ck_obj_resource_version(it));
		}
		json_object_put(mine);
		free(key);
	}
	json_object_put(list);
	return ok;
}

static void wait_converged(struct ck_store *s, struct ck_client *c, const char *ns,
			   struct counter *cnt, const struct want *w, size_t n, double secs)
{
	char why[512] = "", why2[512] = "";
	double deadline = ck_test_now_ms() + ck_test_timeout(secs) * 1000;
	for (;;) {
		bool a = store_matches_server(s, c, ns, why, sizeof(why));
		bool b = counts_match(cnt, w, n, why2, sizeof(why2));
		if (a && b)
			return;
		ck_assert_msg(ck_test_now_ms() < deadline, "not converged: %s | %s", why, why2);
		sleep_ms(50);
	}
}

static char *cm_name(const char *prefix, int i)
{
	char *s = malloc(32);
	snprintf(s, 32, "%s%d", prefix, i);
	return s;
}

START_TEST(test_informer_converges_through_410)
{
	make_namespace(client, "inf");
	for (int i = 0; i < 5; i++) {
		char *n = cm_name("c", i);
		free(put_cm(client, "inf", n, "0", false));
		free(n);
	}
	struct proxy px;
	proxy_start(&px, port_of(ck_test_apiserver_url(api)));
	char url[64];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", px.port);
	struct ck_client *via_proxy = client_for(url);

	struct ck_informer_options o = {
		.client = via_proxy,
		.version = "v1",
		.resource = "configmaps",
		.namespace = "inf",
		.page_size = 2, /* the first list comes in pages */
	};
	struct ck_informer *inf = NULL;
	ck_assert_int_eq(ck_informer_new(&o, &inf), 0);
	struct counter cnt;
	counter_init(&cnt);
	struct ck_event_handler h = { on_add, on_update, on_delete, &cnt, 0 };
	struct ck_informer_handler *reg = NULL;
	ck_assert_int_eq(ck_informer_add_handler(inf, &h, &reg), 0);
	ck_assert_int_eq(ck_informer_start(inf), 0);
	ck_assert_int_eq(ck_informer_wait_for_sync(inf, NULL, 20000), 0);
	ck_assert_int_eq(ck_informer_handler_wait_for_sync(reg, NULL, 20000), 0);
	ck_assert(ck_informer_handler_has_synced(reg));

	struct want w[16] = {
		{ "inf/c0", 1, 1, 0, 0, 0 }, { "inf/c1", 1, 1, 0, 0, 0 },
		{ "inf/c2", 1, 1, 0, 0, 0 }, { "inf/c3", 1, 1, 0, 0, 0 },
		{ "inf/c4", 1, 1, 0, 0, 0 },
	};
	wait_converged(ck_informer_store(inf), client, "inf", &cnt, w, 5, 20);

	/* Live changes through the watch. */
	for (int i = 5; i < 10; i++) {
		char *n = cm_name("c", i);
		free(put_cm(client, "inf", n, "0", false));
		free(n);
	}
	for (int i = 0; i < 3; i++) {
		char *n = cm_name("c", i);
		free(put_cm(client, "inf", n, "1", true));
		free(put_cm(client, "inf", n, "2", true));
		free(n);
	}
	del_cm(client, "inf", "c3");
	del_cm(client, "inf", "c5");
	struct want w2[] = {
		{ "inf/c0", 1, 1, 2, 0, 0 }, { "inf/c1", 1, 1, 2, 0, 0 },
		{ "inf/c2", 1, 1, 2, 0, 0 }, { "inf/c3", 1, 1, 0, 1, 0 },
		{ "inf/c4", 1, 1, 0, 0, 0 }, { "inf/c5", 1, 0, 0, 1, 0 },
		{ "inf/c6", 1, 0, 0, 0, 0 }, { "inf/c7", 1, 0, 0, 0, 0 },
		{ "inf/c8", 1, 0, 0, 0, 0 }, { "inf/c9", 1, 0, 0, 0, 0 },
	};
	wait_converged(ck_informer_store(inf), client, "inf", &cnt, w2, CK_ARRAY_SIZE(w2), 20);
	struct ck_reflector_stats before;
	ck_informer_get_stats(inf, &before);

	/* Cut the watch and hold the client's connections; change things meanwhile. */
	proxy_cut_and_hold(&px);
	sleep_ms(300);
	for (int i = 0; i < 3; i++) {
		char *n = cm_name("d", i);
		free(put_cm(client, "inf", n, "0", false));
		free(n);
	}
	free(put_cm(client, "inf", "c4", "1", true));
	free(put_cm(client, "inf", "c4", "2", true));
	char *last = put_cm(client, "inf", "c6", "1", true);
	del_cm(client, "inf", "c7");
	del_cm(client, "inf", "c8");

	/* Compact etcd, and bring up an API server whose watch cache starts after all that. */
	int64_t rev = 0;
	ck_assert_int_eq(ck_str_to_int64(last, &rev), 0);
	free(last);
	struct ck_etcd_config ec = { .endpoints = ck_test_etcd_endpoint(etcd) };
	struct ck_etcd *e = NULL;
	struct ck_etcd_err eerr = { 0, "" };
	ck_assert_int_eq(ck_etcd_new(&ec, &e, &eerr), 0);
	ck_assert_msg(ck_etcd_compact(e, rev + 2, true, NULL, &eerr) == 0, "compact: %s",
		      eerr.message);
	ck_etcd_free(e);
	struct ck_test_apiserver *api2 = NULL;
	struct ck_test_apiserver_options ao = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&ao, &api2), 0);
	proxy_resume(&px, port_of(ck_test_apiserver_url(api2)));

	/*
	 * The informer watches again from its last version, which the new watch cache
	 * does not have: 410, a relist, and the differences as handler calls.
	 */
	struct want w3[] = {
		{ "inf/c0", 1, 1, 2, 0, 0 }, { "inf/c1", 1, 1, 2, 0, 0 },
		{ "inf/c2", 1, 1, 2, 0, 0 }, { "inf/c3", 1, 1, 0, 1, 0 },
		{ "inf/c4", 1, 1, 1, 0, 0 }, { "inf/c5", 1, 0, 0, 1, 0 },
		{ "inf/c6", 1, 0, 1, 0, 0 }, { "inf/c7", 1, 0, 0, 1, 1 },
		{ "inf/c8", 1, 0, 0, 1, 1 }, { "inf/c9", 1, 0, 0, 0, 0 },
		{ "inf/d0", 1, 0, 0, 0, 0 }, { "inf/d1", 1, 0, 0, 0, 0 },
		{ "inf/d2", 1, 0, 0, 0, 0 },
	};
	wait_converged(ck_informer_store(inf), client, "inf", &cnt, w3, CK_ARRAY_SIZE(w3), 60);
	struct ck_reflector_stats after;
	ck_informer_get_stats(inf, &after);
	ck_assert_uint_gt(after.watch_expired, before.watch_expired);
	ck_assert_uint_gt(after.lists, before.lists);

	/* And it watches on, through the new server. */
	struct ck_client *c2 = client_for(ck_test_apiserver_url(api2));
	free(put_cm(c2, "inf", "c0", "3", true));
	del_cm(c2, "inf", "d0");
	struct want w4[] = {
		{ "inf/c0", 1, 1, 3, 0, 0 },
		{ "inf/d0", 1, 0, 0, 1, 0 },
		{ "inf/c9", 1, 0, 0, 0, 0 },
		{ "inf/c7", 1, 0, 0, 1, 1 },
	};
	wait_converged(ck_informer_store(inf), c2, "inf", &cnt, w4, CK_ARRAY_SIZE(w4), 20);
	sleep_ms(300); /* nothing more may arrive */
	char why[512];
	ck_assert_msg(counts_match(&cnt, w4, CK_ARRAY_SIZE(w4), why, sizeof(why)), "%s", why);

	char *rv = ck_informer_last_sync_resource_version(inf);
	ck_assert_str_ne(rv, "");
	free(rv);
	ck_informer_free(inf);
	counter_release(&cnt);
	ck_client_free(c2);
	ck_client_free(via_proxy);
	proxy_stop(&px);
	ck_test_apiserver_free(api2);
}
END_TEST

/* ---- transforms ---------------------------------------------------------------------------- */

/* Drops data (what a process might not need) and marks the object. */
static void drop_data(json_object *obj)
{
	json_object_object_del(obj, "data");
	json_object_object_add(obj, "transformed", json_object_new_boolean(1));
}

static bool transformed(void *ctx, const char *key, json_object *obj)
{
	(void)key;
	int *n = ctx;
	if (!ck_obj_get(obj, "data") && json_object_get_boolean(ck_obj_get(obj, "transformed")))
		(*n)++;
	return true;
}

/* Every object the store holds, listed or watched, is the transform's output. */
START_TEST(test_informer_transform)
{
	make_namespace(client, "tf");
	free(put_cm(client, "tf", "a", "0", false));
	free(put_cm(client, "tf", "b", "0", false));
	struct ck_informer_options o = {
		.client = client, .version = "v1", .resource = "configmaps", .namespace = "tf"
	};
	struct ck_informer *inf = NULL;
	ck_assert_int_eq(ck_informer_new(&o, &inf), 0);
	ck_assert_int_eq(ck_informer_set_transform(inf, drop_data), 0);
	ck_assert_int_eq(ck_informer_start(inf), 0);
	ck_assert_int_eq(ck_informer_set_transform(inf, NULL), -EBUSY);
	ck_assert_int_eq(ck_informer_wait_for_sync(inf, NULL, 20000), 0);
	free(put_cm(client, "tf", "c", "0", false));
	char *rv_a = put_cm(client, "tf", "a", "1", true); /* a MODIFIED event */
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	int n = 0;
	for (;;) {
		json_object *a = NULL;
		bool updated = ck_store_get(ck_informer_store(inf), "tf/a", &a) == 0 &&
			       ck_store_len(ck_informer_store(inf)) == 3 &&
			       ck_streq(ck_obj_resource_version(a), rv_a);
		json_object_put(a);
		n = 0;
		ck_store_foreach(ck_informer_store(inf), transformed, &n);
		if (n == 3 && updated)
			break;
		ck_assert_msg(ck_test_now_ms() < deadline, "%d of %zu objects transformed", n,
			      ck_store_len(ck_informer_store(inf)));
		sleep_ms(50);
	}
	free(rv_a);
	ck_informer_free(inf);
}
END_TEST

/* ---- resync, late handlers, indexes, the factory ------------------------------------------ */

static char **by_value(json_object *obj)
{
	const char *v = ck_obj_path_str(obj, "data.v");
	if (!v)
		return NULL;
	char **out = ck_calloc(2, sizeof(*out));
	out[0] = ck_strdup(v);
	return out;
}

START_TEST(test_resync_late_handlers_and_factory)
{
	make_namespace(client, "rs");
	for (int i = 0; i < 3; i++) {
		char *n = cm_name("r", i);
		free(put_cm(client, "rs", n, i == 0 ? "x" : "y", false));
		free(n);
	}
	struct ck_informer_factory_options fo = { .client = client, .namespace = "rs" };
	struct ck_informer_factory *f = ck_informer_factory_new(&fo);
	struct ck_informer *inf = ck_informer_factory_get(f, "", "v1", "configmaps");
	ck_assert_ptr_eq(inf, ck_informer_factory_get(f, NULL, "v1", "configmaps"));
	ck_assert_ptr_ne(inf, ck_informer_factory_get(f, "coordination.k8s.io", "v1", "leases"));
	ck_assert_int_eq(ck_informer_add_index(inf, "byValue", by_value), 0);
	struct counter cnt;
	counter_init(&cnt);
	struct ck_event_handler h = { on_add, on_update, on_delete, &cnt, 1000 };
	ck_assert_int_eq(ck_informer_add_handler(inf, &h, NULL), 0);
	ck_assert_int_eq(ck_informer_factory_start(f), 0);
	ck_assert_int_eq(ck_informer_factory_wait_for_cache_sync(f, NULL, 20000), 0);
	ck_assert_int_eq(ck_informer_add_index(inf, "late", by_value), -EBUSY);

	char **keys = NULL;
	ck_assert_int_eq(ck_store_index_keys(ck_informer_store(inf), "byValue", "y", &keys), 0);
	ck_assert_str_eq(keys[0], "rs/r1");
	ck_assert_str_eq(keys[1], "rs/r2");
	ck_assert_ptr_null(keys[2]);
	ck_strv_free(keys);

	/* A handler added now gets the objects already there first. */
	struct counter late;
	counter_init(&late);
	struct ck_event_handler h2 = { on_add, on_update, on_delete, &late, 0 };
	struct ck_informer_handler *reg2 = NULL;
	ck_assert_int_eq(ck_informer_add_handler(inf, &h2, &reg2), 0);
	ck_assert_int_eq(ck_informer_handler_wait_for_sync(reg2, NULL, 10000), 0);
	struct want w[] = { { "rs/r0", 1, 1, 0, 0, 0 },
			    { "rs/r1", 1, 1, 0, 0, 0 },
			    { "rs/r2", 1, 1, 0, 0, 0 } };
	char why[512];
	ck_assert_msg(counts_match(&late, w, 3, why, sizeof(why)), "%s", why);

	/* Resync: every second the first handler gets update(obj, obj) for all. */
	sleep_ms(2600);
	pthread_mutex_lock(&cnt.mu);
	for (int i = 0; i < 3; i++) {
		char key[16];
		snprintf(key, sizeof(key), "rs/r%d", i);
		struct key_counts *k = ck_hashmap_get(&cnt.keys, key);
		ck_assert_ptr_nonnull(k);
		ck_assert_msg(k->syncs >= 2, "%s: %d resyncs", key, k->syncs);
		ck_assert_int_eq(k->updates, 0);
	}
	pthread_mutex_unlock(&cnt.mu);
	pthread_mutex_lock(&late.mu);
	struct key_counts *k = ck_hashmap_get(&late.keys, "rs/r0");
	ck_assert_int_eq(k->syncs, 0); /* no resync asked for */
	pthread_mutex_unlock(&late.mu);

	/* Removed handlers hear nothing more. */
	ck_informer_remove_handler(inf, reg2);
	free(put_cm(client, "rs", "r0", "z", true));
	struct want w2[] = { { "rs/r0", 1, 1, 1, 0, 0 } };
	wait_converged(ck_informer_store(inf), client, "rs", &cnt, w2, 1, 20);
	ck_assert_msg(counts_match(&late, w, 3, why, sizeof(why)), "%s", why);
	ck_informer_factory_free(f);
	counter_release(&cnt);
	counter_release(&late);
}
END_TEST

/* ---- a workqueue fed by an informer, 8 workers ------------------------------------------- */

#define WQ_KEYS 10
struct controller {
	struct ck_workqueue *q;
	struct ck_informer *inf;
	atomic_int holders[WQ_KEYS];
	atomic_int overlaps;
	atomic_int processed;
	pthread_mutex_t mu;
	char seen_rv[WQ_KEYS][32]; /* the last version a worker saw, guarded by mu */
};

static int key_index(const char *key)
{
	const char *n = strrchr(key, 'w');
	int i = -1;
	if (n)
		ck_str_to_int(n + 1, &i);
	return i;
}

static void enqueue_obj(void *ctx, json_object *obj)
{
	struct controller *ctl = ctx;
	char *key = ck_store_key_of(obj);
	ck_workqueue_add(ctl->q, key);
	free(key);
}

static void ctl_add(void *ctx, json_object *obj, bool initial)
{
	(void)initial;
	enqueue_obj(ctx, obj);
}

static void ctl_update(void *ctx, json_object *old, json_object *new)
{
	(void)old;
	enqueue_obj(ctx, new);
}

static void *ctl_worker(void *arg)
{
	struct controller *ctl = arg;
	for (;;) {
		char *key;
		if (ck_workqueue_get(ctl->q, &key) < 0)
			return NULL;
		int i = key_index(key);
		if (i >= 0 && i < WQ_KEYS) {
			if (atomic_fetch_add(&ctl->holders[i], 1) != 0)
				atomic_fetch_add(&ctl->overlaps, 1);
			json_object *obj = NULL;
			if (ck_store_get(ck_informer_store(ctl->inf), key, &obj) == 0) {
				pthread_mutex_lock(&ctl->mu);
				snprintf(ctl->seen_rv[i], sizeof(ctl->seen_rv[i]), "%s",
					 ck_obj_resource_version(obj));
				pthread_mutex_unlock(&ctl->mu);
				json_object_put(obj);
			}
			usleep(2000 + (unsigned)(i * 300));
			atomic_fetch_sub(&ctl->holders[i], 1);
		}
		atomic_fetch_add(&ctl->processed, 1);
		ck_workqueue_forget(ctl->q, key);
		ck_workqueue_done(ctl->q, key);
		free(key);
	}
}

START_TEST(test_workqueue_eight_workers)
{
	make_namespace(client, "wq");
	for (int i = 0; i < WQ_KEYS; i++) {
		char *n = cm_name("w", i);
		free(put_cm(client, "wq", n, "0", false));
		free(n);
	}
	struct controller *ctl = calloc(1, sizeof(*ctl));
	pthread_mutex_init(&ctl->mu, NULL);
	ctl->q = ck_workqueue_new("configmaps", NULL);
	struct ck_informer_options o = {
		.client = client, .version = "v1", .resource = "configmaps", .namespace = "wq"
	};
	ck_assert_int_eq(ck_informer_new(&o, &ctl->inf), 0);
	struct ck_event_handler h = { ctl_add, ctl_update, NULL, ctl, 0 };
	ck_informer_add_handler(ctl->inf, &h, NULL);
	ck_assert_int_eq(ck_informer_start(ctl->inf), 0);
	ck_assert_int_eq(ck_informer_wait_for_sync(ctl->inf, NULL, 20000), 0);
	pthread_t workers[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&workers[i], NULL, ctl_worker, ctl);
	/* Bursts of updates to the same few keys, from two writers' worth of calls. */
	char *final_rv[WQ_KEYS] = { 0 };
	for (int round = 1; round <= 15; round++) {
		for (int i = 0; i < WQ_KEYS; i++) {
			char *n = cm_name("w", i), v[16];
			snprintf(v, sizeof(v), "%d", round);
			free(final_rv[i]);
			final_rv[i] = put_cm(client, "wq", n, v, true);
			free(n);
		}
	}
	/* Each worker ends up having seen the final version of each key. */
	double deadline = ck_test_now_ms() + ck_test_timeout(30) * 1000;
	for (;;) {
		bool done = ck_workqueue_len(ctl->q) == 0;
		pthread_mutex_lock(&ctl->mu);
		for (int i = 0; i < WQ_KEYS && done; i++)
			done = strcmp(ctl->seen_rv[i], final_rv[i]) == 0;
		pthread_mutex_unlock(&ctl->mu);
		if (done)
			break;
		ck_assert_msg(ck_test_now_ms() < deadline, "workers did not catch up");
		sleep_ms(20);
	}
	ck_workqueue_shutdown_with_drain(ctl->q);
	for (int i = 0; i < 8; i++)
		pthread_join(workers[i], NULL);
	ck_assert_int_eq(atomic_load(&ctl->overlaps), 0);
	ck_assert_int_ge(atomic_load(&ctl->processed), WQ_KEYS);
	ck_informer_free(ctl->inf);
	ck_workqueue_free(ctl->q);
	for (int i = 0; i < WQ_KEYS; i++)
		free(final_rv[i]);
	pthread_mutex_destroy(&ctl->mu);
	free(ctl);
}
END_TEST

/* ---- leader election --------------------------------------------------------------------------
 */

struct contender {
	const char *id;
	struct ck_leader_elector *le;
	struct ck_cancel cancel;
	pthread_t thread;
	atomic_bool leading;
	atomic_int starts, stops;
	double started_ms;
	struct contender *other;
	atomic_int both; /* times both were seen leading */
};

static void started(void *ctx, struct ck_cancel *leading)
{
	struct contender *c = ctx;
	if (atomic_load(&c->other->leading))
		atomic_fetch_add(&c->both, 1);
	atomic_store(&c->leading, true);
	c->started_ms = ck_test_now_ms();
	atomic_fetch_add(&c->starts, 1);
	ck_cancel_wait(leading);
	atomic_store(&c->leading, false);
}

static void stopped(void *ctx)
{
	struct contender *c = ctx;
	atomic_store(&c->leading, false);
	atomic_fetch_add(&c->stops, 1);
}

static void *run_elector(void *arg)
{
	struct contender *c = arg;
	ck_leader_elector_run(c->le, &c->cancel);
	return NULL;
}

static void contender_start(struct contender *c, const char *id, bool release)
{
	c->id = id;
	ck_cancel_init(&c->cancel);
	struct ck_leader_election_config cfg = {
		.client = client,
		.lease_namespace = "default",
		.lease_name = "ctl",
		.identity = id,
		.lease_duration_ms = 3000,
		.renew_deadline_ms = 2000,
		.retry_period_ms = 500,
		.release_on_cancel = release,
		.on_started_leading = started,
		.on_stopped_leading = stopped,
		.ctx = c,
	};
	char *err = NULL;
	ck_assert_int_eq(ck_leader_elector_new(&cfg, &c->le, &err), 0);
	pthread_create(&c->thread, NULL, run_elector, c);
}

static void contender_stop(struct contender *c)
{
	ck_cancel_fire(&c->cancel);
	pthread_join(c->thread, NULL);
}

static void contender_free(struct contender *c)
{
	ck_leader_elector_free(c->le);
	ck_cancel_release(&c->cancel);
}

static bool wait_leading(struct contender *c, double secs)
{
	double deadline = ck_test_now_ms() + secs * 1000;
	while (ck_test_now_ms() < deadline) {
		if (atomic_load(&c->leading))
			return true;
		sleep_ms(10);
	}
	return false;
}

struct watcher {
	struct contender *a, *b;
	atomic_bool stop;
	atomic_int both;
};

static void *watch_both(void *arg)
{
	struct watcher *w = arg;
	while (!atomic_load(&w->stop)) {
		if (atomic_load(&w->a->leading) && atomic_load(&w->b->leading))
			atomic_fetch_add(&w->both, 1);
		usleep(2000);
	}
	return NULL;
}

START_TEST(test_leader_election)
{
	struct ck_leader_election_config bad = { .lease_duration_ms = 2000,
						 .renew_deadline_ms = 2000 };
	struct ck_leader_elector *le = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_leader_elector_new(&bad, &le, &err), -EINVAL);
	ck_assert_str_eq(err, "leaseDuration must be greater than renewDeadline");
	free(err);

	struct contender *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	a->other = b;
	b->other = a;
	struct watcher w = { .a = a, .b = b };
	pthread_t wt;
	pthread_create(&wt, NULL, watch_both, &w);

	contender_start(a, "alpha", false);
	ck_assert(wait_leading(a, 10));
	contender_start(b, "beta", false);
	sleep_ms(2500); /* beta keeps trying while alpha renews */
	ck_assert(!atomic_load(&b->leading));
	ck_assert(ck_leader_elector_is_leader(a->le));
	char *holder = ck_leader_elector_get_leader(b->le);
	ck_assert_str_eq(holder, "alpha");
	free(holder);

	/* The Lease as the server has it. */
	json_object *lease = NULL;
	struct ck_gvr leases = { "coordination.k8s.io", "v1", "leases" };
	ck_assert_int_eq(ck_client_get(client, &leases, "default", "ctl", &lease, NULL), 0);
	ck_assert_str_eq(ck_obj_path_str(lease, "spec.holderIdentity"), "alpha");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(lease, "spec.leaseDurationSeconds")), 3);
	const char *renew = ck_obj_path_str(lease, "spec.renewTime");
	ck_assert_msg(renew && strlen(renew) == 27 && renew[19] == '.', "renewTime %s", renew);
	int transitions = json_object_get_int(ck_obj_path(lease, "spec.leaseTransitions"));
	json_object_put(lease);

	/* Kill alpha: its renewals stop, the lease is not released. */
	contender_stop(a);
	double killed = ck_test_now_ms();
	ck_assert(!atomic_load(&a->leading));
	ck_assert_int_eq(atomic_load(&a->stops), 1);
	ck_assert(wait_leading(b, 10));
	double took = b->started_ms - killed;
	/*
	 * beta takes over once the record it last saw change is a lease duration
	 * old: within 3 s of alpha's last renewal, plus one jittered retry period.
	 */
	ck_assert_msg(took <= 3000 + 2 * 1100 + 500, "replaced after %.0f ms", took);
	ck_assert_msg(took >= 1000, "replaced too early: %.0f ms", took);
	ck_assert_int_eq(ck_client_get(client, &leases, "default", "ctl", &lease, NULL), 0);
	ck_assert_str_eq(ck_obj_path_str(lease, "spec.holderIdentity"), "beta");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(lease, "spec.leaseTransitions")),
			 transitions + 1);
	json_object_put(lease);

	/* A third contender waits while beta leads, and takes over when beta is killed. */
	contender_free(a);
	memset(a, 0, sizeof(*a));
	a->other = b;
	contender_start(a, "gamma", false);
	sleep_ms(1000);
	ck_assert(!atomic_load(&a->leading));
	contender_stop(b);
	ck_assert(wait_leading(a, 10));
	contender_stop(a);

	atomic_store(&w.stop, true);
	pthread_join(wt, NULL);
	ck_assert_int_eq(atomic_load(&w.both), 0);
	ck_assert_int_eq(atomic_load(&a->both) + atomic_load(&b->both), 0);
	contender_free(a);
	contender_free(b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_leader_release_on_cancel)
{
	struct contender *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	a->other = b;
	b->other = a;
	contender_start(a, "one", true);
	ck_assert(wait_leading(a, 10));
	contender_start(b, "two", true);
	sleep_ms(800);
	contender_stop(a); /* releases: holder "" */
	double released = ck_test_now_ms();
	ck_assert(wait_leading(b, 10));
	ck_assert_msg(b->started_ms - released < 2000, "took %.0f ms", b->started_ms - released);
	contender_stop(b);
	json_object *lease = NULL;
	struct ck_gvr leases = { "coordination.k8s.io", "v1", "leases" };
	ck_assert_int_eq(ck_client_get(client, &leases, "default", "ctl", &lease, NULL), 0);
	ck_assert_str_eq(ck_obj_path_str(lease, "spec.holderIdentity"), "");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(lease, "spec.leaseDurationSeconds")), 1);
	json_object_put(lease);
	ck_assert_int_eq(atomic_load(&a->both) + atomic_load(&b->both), 0);
	contender_free(a);
	contender_free(b);
	free(a);
	free(b);
}
END_TEST

/* ---- events and discovery ---------------------------------------------------------------------
 */

static json_object *list_events(const char *ns)
{
	struct ck_gvr events = { "", "v1", "events" };
	json_object *list = NULL;
	ck_assert_int_eq(ck_client_list(client, &events, ns, NULL, &list, NULL), 0);
	return list;
}

START_TEST(test_event_recorder)
{
	make_namespace(client, "ev");
	struct ck_event_recorder_config cfg = { .client = client,
						.component = "test-controller",
						.host = "node-1" };
	struct ck_event_recorder *r = NULL;
	ck_assert_int_eq(ck_event_recorder_new(&cfg, &r), 0);
	struct ck_object_reference ref = { .kind = "ConfigMap",
					   .api_version = "v1",
					   .namespace = "ev",
					   .name = "thing",
					   .uid = "u-1" };
	ck_event_recorder_eventf(r, &ref, "Normal", "Synced", "synced %d items", 3);
	ck_assert_int_eq(ck_event_recorder_flush(r, 20000), 0);
	ck_event_recorder_eventf(r, &ref, "Normal", "Synced", "synced %d items", 3);
	ck_event_recorder_eventf(r, &ref, "Warning", "Failed", "it broke");
	ck_assert_int_eq(ck_event_recorder_flush(r, 20000), 0);
	json_object *list = list_events("ev");
	json_object *items = ck_obj_path(list, "items");
	ck_assert_int_eq(json_object_array_length(items), 2);
	bool saw_synced = false;
	for (size_t i = 0; i < 2; i++) {
		json_object *e = json_object_array_get_idx(items, i);
		if (!ck_streq(ck_obj_path_str(e, "reason"), "Synced"))
			continue;
		saw_synced = true;
		ck_assert_int_eq(json_object_get_int(ck_obj_path(e, "count")), 2); /* patched */
		ck_assert_str_eq(ck_obj_path_str(e, "message"), "synced 3 items");
		ck_assert_str_eq(ck_obj_path_str(e, "source.component"), "test-controller");
		ck_assert_str_eq(ck_obj_path_str(e, "source.host"), "node-1");
		ck_assert_str_eq(ck_obj_path_str(e, "reportingComponent"), "test-controller");
		ck_assert_str_eq(ck_obj_path_str(e, "involvedObject.name"), "thing");
		ck_assert(ck_str_has_prefix(ck_obj_name(e), "thing."));
	}
	ck_assert(saw_synced);
	json_object_put(list);
	ck_event_recorder_free(r);
}
END_TEST

START_TEST(test_discovery)
{
	struct ck_discovery_client *d = ck_discovery_client_new(client, 0);
	struct ck_api_resource r;
	struct ck_client_error err;
	ck_client_error_init(&err);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "cm", &r, &err), 0);
	ck_assert_str_eq(r.resource, "configmaps");
	ck_assert_str_eq(r.version, "v1");
	ck_assert(r.namespaced);
	ck_api_resource_release(&r);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "ev", &r, &err), 0);
	ck_assert_str_eq(r.group, "");
	ck_api_resource_release(&r);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "events.events.k8s.io", &r, &err), 0);
	ck_assert_str_eq(r.group, "events.k8s.io");
	ck_api_resource_release(&r);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "Lease", &r, &err), 0);
	ck_assert_str_eq(r.group, "coordination.k8s.io");
	ck_assert_str_eq(r.resource, "leases");
	ck_api_resource_release(&r);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "ns", &r, &err), 0);
	ck_assert(!r.namespaced);
	ck_api_resource_release(&r);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "bogus", &r, &err), -ENOENT);
	ck_assert_str_eq(err.message, "the server doesn't have a resource type \"bogus\"");
	ck_assert_int_eq(ck_discovery_client_for_kind(d, "v1", "Secret", &r, &err), 0);
	ck_assert_str_eq(r.resource, "secrets");
	ck_api_resource_release(&r);
	struct ck_api_resource_list *all = NULL;
	ck_assert_int_eq(ck_discovery_client_resources(d, &all, &err), 0);
	ck_assert_str_eq(all->group_versions[0], "v1");
	ck_assert_uint_gt(all->n, 5);
	ck_api_resource_list_free(all);
	ck_discovery_client_invalidate(d);
	ck_assert_int_eq(ck_discovery_client_resolve(d, "sa", &r, &err), 0);
	ck_assert_str_eq(r.resource, "serviceaccounts");
	ck_api_resource_release(&r);
	ck_client_error_release(&err);
	ck_discovery_client_free(d);
}
END_TEST

Suite *ck_test_suite_client(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("client");
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rest_errors_are_the_servers_status);
	tcase_add_test(tc, test_tls_verification);
	tcase_add_test(tc, test_informer_converges_through_410);
	tcase_add_test(tc, test_informer_transform);
	tcase_add_test(tc, test_resync_late_handlers_and_factory);
	tcase_add_test(tc, test_workqueue_eight_workers);
	tcase_add_test(tc, test_leader_election);
	tcase_add_test(tc, test_leader_release_on_cancel);
	tcase_add_test(tc, test_event_recorder);
	tcase_add_test(tc, test_discovery);
	suite_add_tcase(s, tc);
	return s;
}
