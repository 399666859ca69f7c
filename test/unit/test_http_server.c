/* The HTTP server over loopback, driven by libcurl. */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/http_server.h"

static atomic_int gone_calls;
static struct ck_http_stream *last_stream;

/* /wait blocks its handler until /release runs (pool mode only). */
static pthread_mutex_t release_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t release_cond = PTHREAD_COND_INITIALIZER;
static bool released;

static void *produce(void *arg)
{
	struct ck_http_stream *s = arg;
	for (int i = 0; i < 3; i++) {
		usleep(50 * 1000); /* the connection is suspended meanwhile */
		char line[32];
		int n = snprintf(line, sizeof(line), "{\"n\":%d}\n", i);
		ck_assert_int_eq(ck_http_stream_write(s, line, (size_t)n), 0);
	}
	ck_http_stream_close(s);
	ck_assert_int_eq(ck_http_stream_write(s, "x", 1), -EPIPE);
	ck_http_stream_unref(s);
	return NULL;
}

static void on_gone(void *data)
{
	(void)data;
	atomic_fetch_add(&gone_calls, 1);
}

static bool collect_query(void *data, const char *key, const char *value)
{
	ck_buf_addf(data, "%s=%s;", key, value);
	return true;
}

static void handler(void *data, struct ck_http_request *req)
{
	(void)data;
	const char *path = ck_http_request_path(req);
	if (strcmp(path, "/echo") == 0) {
		struct ck_buf b = CK_BUF_INIT;
		const char *h = ck_http_request_header(req, "x-test");
		ck_buf_addf(&b, "%s %s h=%s q=", ck_http_request_method(req), path, h ? h : "-");
		ck_http_request_query_foreach(req, collect_query, &b);
		const char *w = ck_http_request_query(req, "flag");
		ck_buf_addf(&b, " flag=%s body=%zu", w ? (*w ? w : "(empty)") : "(none)",
			    ck_http_request_body(req)->len);
		ck_http_response_header(req, "Vary", "Accept");
		ck_http_respond_buf(req, 201, "text/plain", &b);
	} else if (strcmp(path, "/stream") == 0) {
		struct ck_http_stream *s = ck_http_respond_stream(req, 200, "application/json", 0);
		pthread_t t;
		pthread_create(&t, NULL, produce, s);
		pthread_detach(t);
	} else if (strcmp(path, "/wait") == 0) {
		pthread_mutex_lock(&release_lock);
		while (!released)
			pthread_cond_wait(&release_cond, &release_lock);
		pthread_mutex_unlock(&release_lock);
		ck_http_respond(req, 200, "text/plain", "waited", 6);
	} else if (strcmp(path, "/release") == 0) {
		pthread_mutex_lock(&release_lock);
		released = true;
		pthread_cond_broadcast(&release_cond);
		pthread_mutex_unlock(&release_lock);
		ck_http_respond(req, 200, "text/plain", "released", 8);
	} else if (strcmp(path, "/hold") == 0) {
		/* A stream nobody writes to: suspended until the client leaves. */
		last_stream = ck_http_respond_stream(req, 200, "application/json", 0);
		ck_http_stream_on_gone(last_stream, on_gone, NULL);
		ck_http_stream_write(last_stream, "{}\n", 3);
	} else {
		ck_http_respond(req, 404, "text/plain", "nope", 4);
	}
}

static void too_large(void *data, struct ck_http_request *req)
{
	(void)data;
	ck_http_respond(req, 413, "application/json", "{\"code\":413}", 12);
}

static size_t to_buf(char *ptr, size_t size, size_t n, void *data)
{
	ck_buf_add(data, ptr, size * n);
	return size * n;
}

static size_t hangup_after_first(char *ptr, size_t size, size_t n, void *data)
{
	(void)ptr;
	(void)data;
	return size * n > 0 ? 0 : 0; /* refuse the data: curl aborts the transfer */
}

static long fetch(int port, const char *method, const char *path, const char *body, size_t body_len,
		  struct ck_buf *out)
{
	CURL *c = curl_easy_init();
	char url[256];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_buf);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	struct curl_slist *h = curl_slist_append(NULL, "X-Test: yes");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

/* mode 0: handlers on the I/O workers; 1: on a handler pool. */
static struct ck_http_server *start(int mode)
{
	struct ck_http_server_config cfg = {
		.bind_address = "127.0.0.1",
		.threads = mode ? 1 : 2,
		.handler_threads = mode ? 4 : 0,
		.max_body = 1024,
		.handler = handler,
		.too_large = too_large,
	};
	struct ck_http_server *srv;
	ck_assert_int_eq(ck_http_server_start(&cfg, &srv), 0);
	ck_assert_int_gt(ck_http_server_port(srv), 0);
	return srv;
}

START_TEST(test_http_basic)
{
	struct ck_http_server *srv = start(_i);
	int port = ck_http_server_port(srv);
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(fetch(port, "POST", "/echo?a=1&b=x%20y&flag", "hello", 5, &out), 201);
	ck_assert_str_eq(ck_buf_str(&out),
			 "POST /echo h=yes q=a=1;b=x y;flag=; flag=(empty) body=5");
	ck_buf_reset(&out);
	ck_assert_int_eq(fetch(port, "GET", "/echo", NULL, 0, &out), 201);
	ck_assert_str_eq(ck_buf_str(&out), "GET /echo h=yes q= flag=(none) body=0");
	ck_buf_reset(&out);
	ck_assert_int_eq(fetch(port, "GET", "/missing", NULL, 0, &out), 404);
	ck_buf_reset(&out);
	/* A body over the cap is answered by the too_large hook. */
	char big[2048];
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(fetch(port, "POST", "/echo", big, sizeof(big), &out), 413);
	ck_assert_str_eq(ck_buf_str(&out), "{\"code\":413}");
	ck_buf_reset(&out);
	/* The server still answers afterwards. */
	ck_assert_int_eq(fetch(port, "PUT", "/echo", big, 1024, &out), 201);
	ck_buf_release(&out);
	ck_http_server_stop(srv);
}
END_TEST

START_TEST(test_http_stream)
{
	struct ck_http_server *srv = start(_i);
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(fetch(ck_http_server_port(srv), "GET", "/stream", NULL, 0, &out), 200);
	ck_assert_str_eq(ck_buf_str(&out), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
	ck_buf_release(&out);
	ck_http_server_stop(srv);
}
END_TEST

START_TEST(test_http_stream_client_gone)
{
	struct ck_http_server *srv = start(_i);
	atomic_store(&gone_calls, 0);
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hold", ck_http_server_port(srv));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hangup_after_first);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_WRITE_ERROR);
	curl_easy_cleanup(c);
	/* MHD cannot see a hang-up while suspended: the next write finds it. */
	struct ck_http_stream *s = last_stream;
	for (int i = 0; i < 200 && !ck_http_stream_gone(s); i++) {
		ck_http_stream_write(s, "{}\n", 3);
		usleep(10 * 1000);
	}
	ck_assert(ck_http_stream_gone(s));
	ck_assert_int_eq(ck_http_stream_write(s, "{}\n", 3), -EPIPE);
	ck_assert_int_eq(atomic_load(&gone_calls), 1);
	ck_http_stream_unref(s);
	ck_http_server_stop(srv);
}
END_TEST

START_TEST(test_http_stop_with_open_stream)
{
	struct ck_http_server *srv = start(_i);
	atomic_store(&gone_calls, 0);
	/* A client that holds a stream open while the server stops. */
	CURLM *m = curl_multi_init();
	CURL *c = curl_easy_init();
	char url[128];
	struct ck_buf out = CK_BUF_INIT;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hold", ck_http_server_port(srv));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_buf);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
	curl_multi_add_handle(m, c);
	int running = 1;
	for (int i = 0; i < 500 && out.len == 0; i++) {
		curl_multi_perform(m, &running);
		curl_multi_wait(m, NULL, 0, 10, NULL);
	}
	ck_assert_str_eq(ck_buf_str(&out), "{}\n");
	struct ck_http_stream *s = last_stream;
	ck_http_server_stop(srv);
	ck_assert(ck_http_stream_gone(s));
	ck_assert_int_eq(ck_http_stream_write(s, "x", 1), -EPIPE);
	ck_assert_int_eq(atomic_load(&gone_calls), 1);
	ck_http_stream_unref(s);
	curl_multi_remove_handle(m, c);
	curl_easy_cleanup(c);
	curl_multi_cleanup(m);
	ck_buf_release(&out);
}
END_TEST

struct fetch_arg {
	int port;
	const char *path;
	long code;
	struct ck_buf out;
};

static void *fetch_main(void *arg)
{
	struct fetch_arg *a = arg;
	a->code = fetch(a->port, "GET", a->path, NULL, 0, &a->out);
	return NULL;
}

/*
 * With a handler pool, a handler that blocks holds only its pool thread:
 * the one I/O worker still serves another connection, whose request
 * unblocks the first.
 */
START_TEST(test_http_pool_blocking_handler)
{
	struct ck_http_server *srv = start(1);
	released = false;
	struct fetch_arg waiter = { ck_http_server_port(srv), "/wait", 0, CK_BUF_INIT };
	pthread_t t;
	pthread_create(&t, NULL, fetch_main, &waiter);
	usleep(100 * 1000); /* let /wait reach its handler first */
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(fetch(ck_http_server_port(srv), "GET", "/release", NULL, 0, &out), 200);
	pthread_join(t, NULL);
	ck_assert_int_eq(waiter.code, 200);
	ck_assert_str_eq(ck_buf_str(&waiter.out), "waited");
	/* HEAD of a stream gets the headers only, from a pool thread too; the
	 * producer holds a stream that is already gone. */
	ck_buf_reset(&out);
	ck_assert_int_eq(fetch(ck_http_server_port(srv), "HEAD", "/hold", NULL, 0, &out), 200);
	ck_assert_int_eq((int)out.len, 0);
	ck_assert(ck_http_stream_gone(last_stream));
	ck_http_stream_unref(last_stream);
	ck_buf_release(&waiter.out);
	ck_buf_release(&out);
	ck_http_server_stop(srv);
}
END_TEST

START_TEST(test_http_bad_config)
{
	struct ck_http_server_config cfg = { .bind_address = "not-an-ip", .handler = handler };
	struct ck_http_server *srv = NULL;
	ck_assert_int_eq(ck_http_server_start(&cfg, &srv), -EINVAL);
	cfg.bind_address = "127.0.0.1";
	cfg.tls_cert_file = "/nonexistent/cert.pem";
	cfg.tls_key_file = "/nonexistent/key.pem";
	ck_assert_int_eq(ck_http_server_start(&cfg, &srv), -ENOENT);
	ck_http_server_stop(NULL);
}
END_TEST

Suite *ck_test_suite_http_server(void)
{
	Suite *s = suite_create("http_server");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	/* each twice: handlers on the workers (0) and on a handler pool (1) */
	tcase_add_loop_test(tc, test_http_basic, 0, 2);
	tcase_add_loop_test(tc, test_http_stream, 0, 2);
	tcase_add_loop_test(tc, test_http_stream_client_gone, 0, 2);
	tcase_add_loop_test(tc, test_http_stop_with_open_stream, 0, 2);
	tcase_add_test(tc, test_http_pool_blocking_handler);
	tcase_add_test(tc, test_http_bad_config);
	suite_add_tcase(s, tc);
	return s;
}
