/*
 * The REST client (client/rest.h) against a scripted local HTTP server:
 * URLs, headers, errors decoded into the Status sent (or synthesized as
 * upstream's NewGenericServerResponse), Retry-After retries on 429/5xx,
 * GET retries after a connection reset (and no retry for POST), warnings,
 * streaming and watches, cancellation, and the QPS limiter.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/runner.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/rest.h"
#include "client/watch.h"
#include "util/cancel.h"
#include "util/http_server.h"
#include "util/time.h"

static struct ck_http_server *srv;
static struct ck_client *client;
static atomic_int hits;
static char last_auth[256], last_ua[256], last_accept[256], last_query[512], last_body[512];
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ck_http_stream *hanging;

static const char *not_found =
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
    "\"message\":\"configmaps \\\"missing\\\" not found\",\"reason\":\"NotFound\","
    "\"details\":{\"name\":\"missing\",\"kind\":\"configmaps\"},\"code\":404}";
static const char *too_many =
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
    "\"message\":\"slow down\",\"reason\":\"TooManyRequests\",\"details\":{},\"code\":429}";

static void json_answer(struct ck_http_request *req, int code, const char *body)
{
	ck_http_respond(req, code, "application/json", body, strlen(body));
}

static bool collect_query(void *data, const char *key, const char *value)
{
	struct ck_buf *b = data;
	ck_buf_addf(b, "%s%s=%s", b->len ? "&" : "", key, value);
	return true;
}

static void *stream_frames(void *arg)
{
	struct ck_http_stream *s = arg;
	const char *frames =
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":"
	    "\"1\"}}}\n"
	    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":"
	    "\"2\"}}}\n"
	    "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"3\"}}}\n";
	size_t len = strlen(frames);
	/* In awkward pieces, with pauses: frames split across chunks. */
	for (size_t off = 0; off < len; off += 37) {
		size_t n = len - off < 37 ? len - off : 37;
		if (ck_http_stream_write(s, frames + off, n) < 0)
			break;
		usleep(5000);
	}
	ck_http_stream_close(s);
	ck_http_stream_unref(s);
	return NULL;
}

static void handler(void *data, struct ck_http_request *req)
{
	(void)data;
	const char *path = ck_http_request_path(req);
	atomic_fetch_add(&hits, 1);
	pthread_mutex_lock(&last_lock);
	const char *h = ck_http_request_header(req, "Authorization");
	snprintf(last_auth, sizeof(last_auth), "%s", h ? h : "");
	h = ck_http_request_header(req, "User-Agent");
	snprintf(last_ua, sizeof(last_ua), "%s", h ? h : "");
	h = ck_http_request_header(req, "Accept");
	snprintf(last_accept, sizeof(last_accept), "%s", h ? h : "");
	struct ck_buf q;
	ck_buf_init(&q, 0);
	ck_http_request_query_foreach(req, collect_query, &q);
	snprintf(last_query, sizeof(last_query), "%s", ck_buf_str(&q));
	ck_buf_release(&q);
	const struct ck_buf *body = ck_http_request_body(req);
	snprintf(last_body, sizeof(last_body), "%s", ck_buf_str(body));
	pthread_mutex_unlock(&last_lock);

	if (strcmp(path, "/api/v1/namespaces/ns/configmaps/ok") == 0) {
		json_answer(req, 200,
			    "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":"
			    "{\"name\":\"ok\",\"namespace\":\"ns\"}}");
	} else if (strcmp(path, "/api/v1/namespaces/ns/configmaps/missing") == 0) {
		json_answer(req, 404, not_found);
	} else if (strcmp(path, "/api/v1/namespaces/ns/configmaps") == 0) {
		json_answer(req, 200,
			    "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\","
			    "\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[{"
			    "\"metadata\":{\"name\":\"x\"}}]}");
	} else if (strcmp(path, "/echo") == 0) {
		json_answer(req, 201, ck_buf_str(ck_http_request_body(req)));
	} else if (strcmp(path, "/retry429") == 0) {
		if (atomic_load(&hits) % 2 == 1) {
			ck_http_response_header(req, "Retry-After", "1");
			json_answer(req, 429, too_many);
		} else {
			json_answer(req, 200, "{\"done\":true}");
		}
	} else if (strcmp(path, "/noretry429") == 0) {
		json_answer(req, 429, too_many);
	} else if (strcmp(path, "/retry503") == 0) {
		ck_http_response_header(req, "Retry-After", "0");
		ck_http_respond(req, 503, "text/plain", "busy\n", 5);
	} else if (strcmp(path, "/text404") == 0) {
		ck_http_respond(req, 404, "text/plain", "  page not found \n", 18);
	} else if (strcmp(path, "/html500") == 0) {
		ck_http_respond(req, 500, "text/html", "<b>oops</b>", 11);
	} else if (strcmp(path, "/bin500") == 0) {
		ck_http_respond(req, 500, "application/octet-stream", "\x01\x02", 2);
	} else if (strcmp(path, "/status200") == 0) {
		json_answer(req, 200,
			    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
			    "\"Failure\",\"message\":\"nope\",\"reason\":\"Conflict\","
			    "\"code\":409}");
	} else if (strcmp(path, "/success") == 0) {
		json_answer(req, 200,
			    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
			    "\"Success\",\"code\":200}");
	} else if (strcmp(path, "/warn") == 0) {
		ck_http_response_header(req, "Warning",
					"299 - \"deprecated: use \\\"v2\\\" instead\"");
		json_answer(req, 200, "{}");
	} else if (strcmp(path, "/notjson") == 0) {
		ck_http_respond(req, 200, "text/plain", "hello", 5);
	} else if (strcmp(path, "/stream") == 0) {
		struct ck_http_stream *s = ck_http_respond_stream(req, 200, "application/json", 0);
		pthread_t t;
		pthread_create(&t, NULL, stream_frames, s);
		pthread_detach(t);
	} else if (strcmp(path, "/hang") == 0) {
		if (hanging) { /* the previous one's client is gone */
			ck_http_stream_close(hanging);
			ck_http_stream_unref(hanging);
		}
		hanging = ck_http_respond_stream(req, 200, "application/json", 0);
	} else {
		ck_http_respond(req, 404, "text/plain", "404 page not found", 18);
	}
}

static char base[64];

static void setup(void)
{
	struct ck_http_server_config cfg = {
		.bind_address = "127.0.0.1",
		.threads = 2,
		.handler = handler,
	};
	ck_assert_int_eq(ck_http_server_start(&cfg, &srv), 0);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", ck_http_server_port(srv));
	struct ck_client_config cc;
	ck_client_config_init(&cc);
	cc.host = base;
	cc.bearer_token = "secret";
	cc.user_agent = "test-agent/1.0";
	cc.qps = -1;
	ck_assert_int_eq(ck_client_new(&cc, &client, NULL), 0);
	atomic_store(&hits, 0);
}

static void teardown(void)
{
	ck_client_free(client);
	if (hanging) {
		ck_http_stream_close(hanging);
		ck_http_stream_unref(hanging);
		hanging = NULL;
	}
	ck_http_server_stop(srv);
}

static const struct ck_gvr configmaps = { "", "v1", "configmaps" };

START_TEST(test_urls)
{
	struct ck_client_list_options lo = {
		.label_selector = "app=web,tier!=db",
		.resource_version = "0",
		.limit = 500,
		.continue_token = "abc=",
	};
	struct ck_client_request req = {
		.group = "apps",
		.version = "v1",
		.resource = "deployments",
		.namespace = "ns",
		.list_options = &lo,
		.params = (const char *const[]){ "fieldManager", "me", NULL },
	};
	char *url = ck_client_url(client, &req);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s/apis/apps/v1/namespaces/ns/deployments?continue=abc%%3D&fieldManager=me&"
		 "labelSelector=app%%3Dweb%%2Ctier%%21%%3Ddb&limit=500&resourceVersion=0",
		 base);
	ck_assert_str_eq(url, want);
	free(url);
	struct ck_client_request ns = { .version = "v1",
					.resource = "namespaces",
					.name = "kube-system",
					.subresource = "status",
					.timeout_ms = 90000 };
	url = ck_client_url(client, &ns);
	snprintf(want, sizeof(want), "%s/api/v1/namespaces/kube-system/status?timeout=1m30s", base);
	ck_assert_str_eq(url, want);
	free(url);
	struct ck_client_request p = { .path = "/version", .timeout_ms = 1500 };
	url = ck_client_url(client, &p);
	snprintf(want, sizeof(want), "%s/version?timeout=1.5s", base);
	ck_assert_str_eq(url, want);
	free(url);
	ck_assert_str_eq(ck_patch_content_type(CK_PATCH_STRATEGIC),
			 "application/strategic-merge-patch+json");
}
END_TEST

START_TEST(test_get_and_headers)
{
	json_object *obj = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	ck_assert_int_eq(ck_client_get(client, &configmaps, "ns", "ok", &obj, &err), 0);
	ck_assert_str_eq(ck_obj_name(obj), "ok");
	json_object_put(obj);
	ck_assert_str_eq(last_auth, "Bearer secret");
	ck_assert_str_eq(last_ua, "test-agent/1.0");
	ck_assert_str_eq(last_accept, "application/json, */*");

	ck_assert_int_eq(ck_client_list(client, &configmaps, "ns", NULL, &obj, &err), 0);
	/* Items get the list's kind, as unstructured lists do. */
	json_object *item = json_object_array_get_idx(ck_obj_path(obj, "items"), 0);
	ck_assert_str_eq(ck_obj_path_str(item, "kind"), "ConfigMap");
	ck_assert_str_eq(ck_obj_path_str(item, "apiVersion"), "v1");
	json_object_put(obj);

	/* A body goes out as written, and comes back. */
	json_object *body = json_tokener_parse("{\"a\":[1,2,{\"b\":\"/x\"}]}");
	struct ck_client_request req = { .verb = "POST", .path = "/echo", .body = body };
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), 0);
	ck_assert_str_eq(last_body, "{\"a\":[1,2,{\"b\":\"/x\"}]}");
	ck_assert_str_eq(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN),
			 "{\"a\":[1,2,{\"b\":\"\\/x\"}]}");
	json_object_put(obj);
	json_object_put(body);
	ck_client_error_release(&err);
}
END_TEST

START_TEST(test_status_errors)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL;
	ck_assert_int_eq(ck_client_get(client, &configmaps, "ns", "missing", &obj, &err), -ENOENT);
	ck_assert_int_eq(err.code, 404);
	ck_assert(ck_status_is(err.status, CK_STATUS_REASON_NOT_FOUND));
	ck_assert_str_eq(err.message, "configmaps \"missing\" not found");
	ck_assert_str_eq(json_object_to_json_string_ext(
			     err.status, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			 not_found);
	ck_client_error_release(&err);

	/* Not a Status: synthesized from the code, the text body quoted. */
	struct ck_client_request req = { .group = "", .version = "v1", .path = "/text404" };
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -ENOENT);
	ck_assert_int_eq(err.code, 404);
	ck_assert_str_eq(ck_status_reason(err.status), "NotFound");
	ck_assert_int_eq(ck_status_code(err.status), 404);
	ck_assert_str_eq(
	    ck_obj_path_str(json_object_array_get_idx(ck_obj_path(err.status, "details.causes"), 0),
			    "message"),
	    "page not found");
	ck_client_error_release(&err);
	/* Any text/ type is quoted; other bodies are "unknown". */
	req.path = "/html500";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -EREMOTEIO);
	ck_assert_str_eq(ck_status_reason(err.status), "InternalError");
	ck_assert_str_eq(
	    ck_obj_path_str(json_object_array_get_idx(ck_obj_path(err.status, "details.causes"), 0),
			    "message"),
	    "<b>oops</b>");
	ck_assert_str_eq(err.message, "an error on the server (\"<b>oops</b>\") has prevented the "
				      "request from succeeding");
	ck_client_error_release(&err);
	req.path = "/bin500";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -EREMOTEIO);
	ck_assert_str_eq(
	    ck_obj_path_str(json_object_array_get_idx(ck_obj_path(err.status, "details.causes"), 0),
			    "message"),
	    "unknown");
	ck_client_error_release(&err);

	/* A Failure Status in a 2xx answer is an error; Success is not. */
	req.path = "/status200";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -ESTALE);
	ck_assert_str_eq(err.message, "nope");
	ck_assert_int_eq(err.code, 409);
	ck_client_error_release(&err);
	req.path = "/success";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), 0);
	ck_assert_str_eq(ck_obj_path_str(obj, "status"), "Success");
	json_object_put(obj);
	req.path = "/notjson";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -EBADMSG);
	ck_client_error_release(&err);
	struct ck_client_response raw;
	ck_assert_int_eq(ck_client_do_raw(client, &req, &raw, &err), 0);
	ck_assert_str_eq(ck_buf_str(&raw.body), "hello");
	ck_assert_str_eq(raw.content_type, "text/plain");
	ck_client_response_release(&raw);
}
END_TEST

START_TEST(test_retry_after)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL;
	/* 429 with Retry-After: 1: waited, retried, done. */
	struct ck_client_request req = {
		.verb = "POST", .path = "/retry429", .raw_body = "{}", .raw_body_len = 2
	};
	int64_t start = ck_time_mono_ns();
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), 0);
	ck_assert_int_ge(ck_time_mono_ns() - start, INT64_C(900) * 1000000);
	ck_assert_int_eq(atomic_load(&hits), 2);
	json_object_put(obj);

	/* 429 without Retry-After: no retry, the Status comes back. */
	atomic_store(&hits, 0);
	req.path = "/noretry429";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -EAGAIN);
	ck_assert_int_eq(atomic_load(&hits), 1);
	ck_assert_str_eq(err.message, "slow down");
	ck_client_error_release(&err);

	/* 5xx with Retry-After: 0: ten retries, then the error. */
	atomic_store(&hits, 0);
	req.path = "/retry503";
	req.verb = "GET";
	ck_assert_int_eq(ck_client_do(client, &req, &obj, &err), -EREMOTEIO);
	ck_assert_int_eq(atomic_load(&hits), 11);
	ck_assert_int_eq(err.code, 503);
	ck_assert_str_eq(ck_status_reason(err.status), "ServiceUnavailable");
	ck_client_error_release(&err);
}
END_TEST

static char warned[256];

static void on_warning(void *ctx, const char *text)
{
	(void)ctx;
	snprintf(warned, sizeof(warned), "%s", text);
}

START_TEST(test_warning)
{
	struct ck_client_config cc;
	ck_client_config_init(&cc);
	cc.host = base;
	cc.warning_fn = on_warning;
	struct ck_client *c;
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	struct ck_client_request req = { .path = "/warn" };
	ck_assert_int_eq(ck_client_do(c, &req, NULL, NULL), 0);
	ck_assert_str_eq(warned, "deprecated: use \"v2\" instead");
	ck_assert_str_eq(last_auth, ""); /* no credentials configured */
	ck_client_free(c);
}
END_TEST

struct frames {
	int n;
	char seen[8][32];
};

static int on_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct frames *fr = ctx;
	const char *rv = ck_obj_resource_version(f->object);
	snprintf(fr->seen[fr->n++ % 8], 32, "%s:%s", ck_watch_type_name(f->type), rv ? rv : "");
	return 0;
}

START_TEST(test_watch)
{
	struct frames fr = { 0 };
	struct ck_client_list_options lo = { .resource_version = "1",
					     .allow_watch_bookmarks = true };
	struct ck_client_request req = { .path = "/stream", .list_options = &lo };
	struct ck_client_error err;
	ck_client_error_init(&err);
	ck_assert_int_eq(ck_client_watch(client, &req, on_frame, &fr, &err), 0);
	ck_assert_int_eq(fr.n, 3);
	ck_assert_str_eq(fr.seen[0], "ADDED:1");
	ck_assert_str_eq(fr.seen[1], "MODIFIED:2");
	ck_assert_str_eq(fr.seen[2], "BOOKMARK:3");
	ck_assert_str_eq(last_query, "allowWatchBookmarks=true&resourceVersion=1&watch=true");
	/* An error answer to a watch is an error with its Status. */
	req.path = "/api/v1/namespaces/ns/configmaps/missing";
	ck_assert_int_eq(ck_client_watch(client, &req, on_frame, &fr, &err), -ENOENT);
	ck_assert_str_eq(err.message, "configmaps \"missing\" not found");
	ck_client_error_release(&err);
}
END_TEST

static void *cancel_later(void *arg)
{
	usleep(200 * 1000);
	ck_cancel_fire(arg);
	return NULL;
}

static int ignore_data(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

START_TEST(test_cancel)
{
	struct ck_cancel cancel;
	ck_cancel_init(&cancel);
	pthread_t t;
	pthread_create(&t, NULL, cancel_later, &cancel);
	struct ck_client_request req = { .path = "/hang", .cancel = &cancel };
	struct ck_client_error err;
	ck_client_error_init(&err);
	int64_t start = ck_time_mono_ns();
	ck_assert_int_eq(ck_client_stream(client, &req, ignore_data, NULL, &err), -ECANCELED);
	ck_assert_int_lt(ck_time_mono_ns() - start, INT64_C(2) * 1000000000);
	pthread_join(t, NULL);
	/* Already cancelled: at once. */
	ck_assert_int_eq(ck_client_do(client, &req, NULL, &err), -ECANCELED);
	ck_cancel_release(&cancel);
	ck_client_error_release(&err);

	/* A timeout. */
	req = (struct ck_client_request){ .path = "/hang", .timeout_ms = 200 };
	ck_assert_int_eq(ck_client_do(client, &req, NULL, &err), -ETIMEDOUT);
	ck_client_error_release(&err);
}
END_TEST

START_TEST(test_qps)
{
	struct ck_client_config cc;
	ck_client_config_init(&cc);
	cc.host = base;
	cc.qps = 20;
	cc.burst = 1;
	struct ck_client *c;
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	struct ck_client_request req = { .path = "/warn" };
	int64_t start = ck_time_mono_ns();
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(ck_client_do(c, &req, NULL, NULL), 0);
	ck_assert_int_ge(ck_time_mono_ns() - start, INT64_C(240) * 1000000);
	ck_client_free(c);
}
END_TEST

/* ---- a raw server that drops the first connection ---- */

struct dropper {
	int fd;
	int port;
	atomic_int accepted;
	pthread_t thread;
};

static void *drop_loop(void *arg)
{
	struct dropper *d = arg;
	for (;;) {
		int c = accept(d->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		int n = atomic_fetch_add(&d->accepted, 1);
		if (n == 0) {
			char buf[4096];
			ssize_t r = read(c, buf, sizeof(buf)); /* the request, then hang up */
			(void)r;
			close(c);
			continue;
		}
		char buf[4096];
		ssize_t r = read(c, buf, sizeof(buf));
		(void)r;
		const char *resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
		ssize_t w = write(c, resp, strlen(resp));
		(void)w;
		close(c);
	}
}

static void dropper_start(struct dropper *d)
{
	d->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(d->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	getsockname(d->fd, (struct sockaddr *)&a, &len);
	d->port = ntohs(a.sin_port);
	ck_assert_int_eq(listen(d->fd, 8), 0);
	atomic_store(&d->accepted, 0);
	pthread_create(&d->thread, NULL, drop_loop, d);
}

static void dropper_stop(struct dropper *d)
{
	shutdown(d->fd, SHUT_RDWR);
	close(d->fd);
	pthread_join(d->thread, NULL);
}

START_TEST(test_connection_reset)
{
	struct dropper d;
	dropper_start(&d);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", d.port);
	struct ck_client_config cc;
	ck_client_config_init(&cc);
	cc.host = url;
	struct ck_client *c;
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	struct ck_client_error err;
	ck_client_error_init(&err);
	/* GET: the reset connection is retried after a second. */
	struct ck_client_request req = { .path = "/x" };
	ck_assert_int_eq(ck_client_do(c, &req, NULL, &err), 0);
	ck_assert_int_eq(atomic_load(&d.accepted), 2);
	/* POST: not retried. */
	atomic_store(&d.accepted, 0);
	req.verb = "POST";
	ck_assert_int_eq(ck_client_do(c, &req, NULL, &err), -ECONNRESET);
	ck_assert_int_eq(atomic_load(&d.accepted), 1);
	ck_assert_msg(strstr(err.message, "Post \"http://127.0.0.1:") == err.message, "%s",
		      err.message);
	ck_assert_ptr_null(err.status);
	ck_client_free(c);
	dropper_stop(&d);

	/* Connection refused: the port is closed now. */
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	req.verb = "GET";
	ck_assert_int_eq(ck_client_do(c, &req, NULL, &err), -ECONNREFUSED);
	char want[128];
	snprintf(want, sizeof(want),
		 "Get \"%s/x\": dial tcp 127.0.0.1:%d: connect: connection refused", url, d.port);
	ck_assert_str_eq(err.message, want);
	ck_client_free(c);
}
END_TEST

START_TEST(test_new_errors)
{
	struct ck_client_config cc;
	ck_client_config_init(&cc);
	struct ck_client *c;
	char *e = NULL;
	ck_assert_int_eq(ck_client_new(&cc, &c, &e), -EINVAL);
	ck_assert_str_eq(e, "host must be a URL or a host:port pair");
	free(e);
	/* No scheme: https when TLS is configured, else http. */
	cc.host = "127.0.0.1:1/prefix/";
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	struct ck_client_request req = { .path = "/api" };
	char *url = ck_client_url(c, &req);
	ck_assert_str_eq(url, "http://127.0.0.1:1/prefix/api");
	free(url);
	ck_client_free(c);
	cc.insecure = true;
	ck_assert_int_eq(ck_client_new(&cc, &c, NULL), 0);
	url = ck_client_url(c, &req);
	ck_assert_str_eq(url, "https://127.0.0.1:1/prefix/api");
	free(url);
	ck_client_free(c);
}
END_TEST

Suite *ck_test_suite_client_rest(void)
{
	Suite *s = suite_create("client_rest");
	TCase *tc = tcase_create("rest");
	tcase_set_timeout(tc, ck_test_timeout(30));
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_urls);
	tcase_add_test(tc, test_get_and_headers);
	tcase_add_test(tc, test_status_errors);
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_warning);
	tcase_add_test(tc, test_watch);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_qps);
	tcase_add_test(tc, test_connection_reset);
	tcase_add_test(tc, test_new_errors);
	suite_add_tcase(s, tc);
	return s;
}
