/*
 * Streaming subresources (pods/log): upstream's LocationStreamer with its
 * GenericHttpResponseChecker. The server GETs the location a resource named
 * (a kubelet's /containerLogs/...) with its kubelet client credentials and
 * passes a 2xx body on to the client as it arrives, chunk by chunk, so that
 * `logs -f` follows. Any other answer becomes a Status as upstream's checker
 * makes it: 400 → BadRequest with the kubelet's text, 500 → InternalError,
 * others → the generic server response for the code; a kubelet that cannot
 * be reached → 500 with Go's url.Error wording.
 *
 * The request holds its handler thread while the body flows; a client that
 * leaves ends the transfer (the stream's on_gone stops curl within a poll).
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "apimachinery/status.h"
#include "apiserver/apiserver_int.h"
#include "apiserver/respond.h"
#include "util/buf.h"
#include "util/http_server.h"
#include "util/log.h"

/* Upstream's maxReadLength: how much of an error answer is kept. */
#define ERROR_BODY_MAX 50000
/* Bytes queued for a slow client before the kubelet is made to wait. */
#define PENDING_MAX (1024 * 1024)

struct transfer {
	struct ck_rest_request *rr;
	CURL *curl;
	const char *content_type;
	long code; /* the kubelet's answer, once known */
	struct ck_http_stream *stream;
	atomic_bool gone; /* the client left */
	struct ck_buf error_body;
};

static void client_gone(void *data)
{
	struct transfer *t = data;
	atomic_store(&t->gone, true);
}

/* Queues bytes for the client; a full queue waits for it to drain. */
static int forward(struct transfer *t, const char *data, size_t len)
{
	for (;;) {
		int r = ck_http_stream_write(t->stream, data, len);
		if (r != -ENOBUFS)
			return r;
		if (atomic_load(&t->gone))
			return -EPIPE;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	if (!t->code)
		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->code);
	if (t->code < 200 || t->code > 206) {
		size_t room = ERROR_BODY_MAX - t->error_body.len;
		ck_buf_add(&t->error_body, data, len < room ? len : room);
		return len;
	}
	if (!t->stream) {
		t->rr->code = 200;
		t->stream = ck_http_respond_stream(t->rr->http, 200, t->content_type, PENDING_MAX);
		ck_http_stream_on_gone(t->stream, client_gone, t);
	}
	return forward(t, data, len) == 0 ? len : 0;
}

/* Called about once a second while idle: ends the transfer when the client left. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	struct transfer *t = arg;
	return atomic_load(&t->gone) ? 1 : 0;
}

/* The Status for a kubelet's error answer, as upstream's GenericHttpResponseChecker. */
static json_object *checked_error(struct ck_rest_request *rr, long code, const char *text)
{
	if (code == 500)
		return ck_status_new_internal_error(text);
	if (code == 400)
		return ck_status_new_bad_request(text);
	return ck_status_new_generic_server_response((int)code, "", rr->res->group,
						     rr->sub ? rr->sub->name : rr->res->resource,
						     rr->ri->name, text, 0, false);
}

void ck_rest_stream_location(struct ck_rest_request *rr, const struct ck_stream_location *loc)
{
	if (!loc->url) {
		/* upstream: no location, a null stream */
		rr->code = 200;
		ck_http_respond(rr->http, 200, loc->content_type, "", 0);
		return;
	}
	const struct ck_apiserver_config *cfg = &rr->srv->cfg;
	struct transfer t = { .rr = rr, .content_type = loc->content_type };
	ck_buf_init(&t.error_body, ERROR_BODY_MAX);
	char curl_err[CURL_ERROR_SIZE] = "";
	t.curl = curl_easy_init();
	if (!t.curl) {
		ck_rest_fail(rr, ck_status_new_internal_error("out of memory"));
		goto out;
	}
	curl_easy_setopt(t.curl, CURLOPT_URL, loc->url);
	curl_easy_setopt(t.curl, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(t.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(t.curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t.curl, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(t.curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(t.curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(t.curl, CURLOPT_XFERINFODATA, &t);
	if (cfg->kubelet_client_certificate && *cfg->kubelet_client_certificate)
		curl_easy_setopt(t.curl, CURLOPT_SSLCERT, cfg->kubelet_client_certificate);
	if (cfg->kubelet_client_key && *cfg->kubelet_client_key)
		curl_easy_setopt(t.curl, CURLOPT_SSLKEY, cfg->kubelet_client_key);
	if (cfg->kubelet_certificate_authority && *cfg->kubelet_certificate_authority) {
		curl_easy_setopt(t.curl, CURLOPT_CAINFO, cfg->kubelet_certificate_authority);
	} else {
		/* upstream: without --kubelet-certificate-authority the kubelet's
		 * serving certificate is not checked */
		curl_easy_setopt(t.curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(t.curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	CURLcode cr = curl_easy_perform(t.curl);
	if (!t.code)
		curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &t.code);
	if (t.stream) {
		/* the body had started: a break can only end it */
		if (cr != CURLE_OK && !atomic_load(&t.gone))
			ck_log_v(2, "pods/log stream from '%s' broke: %s", loc->url,
				 curl_err[0] ? curl_err : curl_easy_strerror(cr));
		ck_http_stream_on_gone(t.stream, NULL, NULL);
		ck_http_stream_close(t.stream);
		ck_http_stream_unref(t.stream);
	} else if (cr != CURLE_OK) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_addf(&msg, "Get \"%s\": %s", loc->url,
			    curl_err[0] ? curl_err : curl_easy_strerror(cr));
		ck_rest_fail(rr, ck_status_new_plain_error(ck_buf_str(&msg)));
		ck_buf_release(&msg);
	} else if (t.code >= 200 && t.code <= 206) {
		/* a 2xx with no body */
		rr->code = (int)t.code;
		ck_http_respond(rr->http, (int)t.code, loc->content_type, "", 0);
	} else {
		ck_rest_fail(rr, checked_error(rr, t.code, ck_buf_str(&t.error_body)));
	}
out:
	if (t.curl)
		curl_easy_cleanup(t.curl);
	ck_buf_release(&t.error_body);
}
