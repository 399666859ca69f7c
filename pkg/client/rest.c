#include "client/rest.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/client_int.h"
#include "client/ratelimit.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/json_write.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

/* client-go's rest.Request maxRetries. */
#define MAX_RETRIES 10
/* The token file is re-read this often (client-go's cachingTokenSource). */
#define TOKEN_REFRESH_NS (INT64_C(60) * 1000000000)
/* Idle curl handles kept for reuse. */
#define MAX_IDLE_HANDLES 64
/* Bytes of a non-Status error body quoted in the message (maxUnstructuredResponseTextBytes). */
#define MAX_ERROR_TEXT 2048
/* Cap of an error body kept while streaming. */
#define MAX_STREAM_ERROR_BODY (1u << 20)

struct conn {
	struct conn *next;
	CURL *easy;
	CURLM *multi;
};

struct ck_client {
	struct ck_client_config cfg;
	char *base;		       /* scheme://host[:port][/prefix], no trailing '/' */
	char *user_agent;	       /* "User-Agent: ..." */
	struct curl_slist *connect_to; /* tls_server_name: connect to the real host */
	char *basic_auth;	       /* "Authorization: Basic ..." or NULL */

	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

	pthread_mutex_t pool_lock;
	struct conn *idle; /* guarded by pool_lock */
	size_t nidle;	   /* guarded by pool_lock */

	struct ck_token_bucket limiter;

	pthread_mutex_t token_lock;
	char *token;	       /* guarded by token_lock */
	int64_t token_read_ns; /* guarded by token_lock */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- errors ------------------------------------------------------------------------- */

void ck_client_error_init(struct ck_client_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->status = NULL;
	err->message[0] = '\0';
}

void ck_client_error_release(struct ck_client_error *err)
{
	if (!err)
		return;
	json_object_put(err->status);
	ck_client_error_init(err);
}

int ck_client_errno_for_status(json_object *status)
{
	static const struct {
		enum ck_status_reason reason;
		int err;
	} map[] = {
		{ CK_STATUS_REASON_NOT_FOUND, ENOENT },
		{ CK_STATUS_REASON_ALREADY_EXISTS, EEXIST },
		{ CK_STATUS_REASON_CONFLICT, ESTALE },
		{ CK_STATUS_REASON_EXPIRED, EKEYEXPIRED },
		{ CK_STATUS_REASON_GONE, EKEYEXPIRED },
		{ CK_STATUS_REASON_INVALID, EINVAL },
		{ CK_STATUS_REASON_BAD_REQUEST, EBADMSG },
		{ CK_STATUS_REASON_UNAUTHORIZED, EPERM },
		{ CK_STATUS_REASON_FORBIDDEN, EACCES },
		{ CK_STATUS_REASON_TOO_MANY_REQUESTS, EAGAIN },
		{ CK_STATUS_REASON_TIMEOUT, ETIMEDOUT },
		{ CK_STATUS_REASON_SERVER_TIMEOUT, ETIMEDOUT },
		{ CK_STATUS_REASON_METHOD_NOT_ALLOWED, EOPNOTSUPP },
		{ CK_STATUS_REASON_NOT_ACCEPTABLE, ENOTSUP },
		{ CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE, ENOTSUP },
		{ CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE, E2BIG },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(map); i++)
		if (ck_status_is(status, map[i].reason))
			return -map[i].err;
	return -EREMOTEIO;
}

static void set_message(struct ck_client_error *err, const char *fmt, ...) CK_PRINTF(2, 3);
static void set_message(struct ck_client_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* ---- URLs ------------------------------------------------------------------------------ */

const char *ck_patch_content_type(enum ck_patch_format t)
{
	switch (t) {
	case CK_PATCH_JSON:
		return "application/json-patch+json";
	case CK_PATCH_MERGE:
		return "application/merge-patch+json";
	case CK_PATCH_STRATEGIC:
		return "application/strategic-merge-patch+json";
	case CK_PATCH_APPLY:
		return "application/apply-patch+yaml";
	}
	return "application/json";
}

/* Appends a path segment, escaping what a path segment may not hold as is. */
static void add_segment(struct ck_buf *b, const char *seg)
{
	ck_buf_addc(b, '/');
	for (const unsigned char *p = (const unsigned char *)seg; *p; p++) {
		if (isalnum(*p) || strchr("-._~:@!$&'()*+=", *p))
			ck_buf_addc(b, (char)*p);
		else
			ck_buf_addf(b, "%%%02X", *p);
	}
}

/* Go's time.Duration.String() for a whole number of milliseconds. */
static void go_duration(int64_t ms, char *out, size_t size)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (ms == 0) {
		snprintf(out, size, "0s");
		ck_buf_release(&b);
		return;
	}
	int64_t h = ms / 3600000, m = (ms / 60000) % 60, s = (ms / 1000) % 60, frac = ms % 1000;
	if (h)
		ck_buf_addf(&b, "%" PRId64 "h", h);
	if (h || m)
		ck_buf_addf(&b, "%" PRId64 "m", m);
	if (ms < 1000) {
		ck_buf_addf(&b, "%" PRId64 "ms", ms);
	} else if (frac) {
		char f[8];
		snprintf(f, sizeof(f), "%03" PRId64, frac);
		for (int i = 2; i > 0 && f[i] == '0'; i--)
			f[i] = '\0';
		ck_buf_addf(&b, "%" PRId64 ".%ss", s, f);
	} else {
		ck_buf_addf(&b, "%" PRId64 "s", s);
	}
	snprintf(out, size, "%s", ck_buf_str(&b));
	ck_buf_release(&b);
}

struct param {
	const char *key;
	char *value; /* owned */
};

static int cmp_param(const struct param *a, const struct param *b)
{
	return strcmp(a->key, b->key);
}

char *ck_client_url(const struct ck_client *c, const struct ck_client_request *req)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_adds(&b, c->base);
	if (req->path) {
		if (req->path[0] != '/')
			ck_buf_addc(&b, '/');
		ck_buf_adds(&b, req->path);
	} else {
		if (req->group && *req->group) {
			ck_buf_adds(&b, "/apis");
			add_segment(&b, req->group);
		} else {
			ck_buf_adds(&b, "/api");
		}
		add_segment(&b, req->version ? req->version : "v1");
		if (req->namespace && *req->namespace) {
			ck_buf_adds(&b, "/namespaces");
			add_segment(&b, req->namespace);
		}
		if (req->resource && *req->resource)
			add_segment(&b, req->resource);
		if (req->name && *req->name)
			add_segment(&b, req->name);
		if (req->subresource && *req->subresource)
			add_segment(&b, req->subresource);
	}

	/* Query parameters, sorted by key as Go's url.Values.Encode. */
	struct param ps[32];
	size_t n = 0;
	char num[32];
	const struct ck_client_list_options *lo = req->list_options;
#define ADD(k, v)                                   \
	do {                                        \
		if (n < CK_ARRAY_SIZE(ps)) {        \
			ps[n].key = (k);            \
			ps[n].value = ck_strdup(v); \
			n++;                        \
		}                                   \
	} while (0)
	if (lo) {
		if (lo->label_selector && *lo->label_selector)
			ADD("labelSelector", lo->label_selector);
		if (lo->field_selector && *lo->field_selector)
			ADD("fieldSelector", lo->field_selector);
		if (lo->resource_version)
			ADD("resourceVersion", lo->resource_version);
		if (lo->resource_version_match && *lo->resource_version_match)
			ADD("resourceVersionMatch", lo->resource_version_match);
		if (lo->continue_token && *lo->continue_token)
			ADD("continue", lo->continue_token);
		if (lo->limit > 0) {
			snprintf(num, sizeof(num), "%" PRId64, lo->limit);
			ADD("limit", num);
		}
		if (lo->timeout_seconds > 0) {
			snprintf(num, sizeof(num), "%" PRId64, lo->timeout_seconds);
			ADD("timeoutSeconds", num);
		}
		if (lo->allow_watch_bookmarks)
			ADD("allowWatchBookmarks", "true");
		if (lo->watch)
			ADD("watch", "true");
	}
	for (size_t i = 0; req->params && req->params[i] && req->params[i + 1]; i += 2)
		ADD(req->params[i], req->params[i + 1]);
	/* Request.URL(): the request's timeout (else the client's) as ?timeout=. */
	int64_t timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->cfg.timeout_ms;
	if (timeout_ms > 0) {
		char d[32];
		go_duration(timeout_ms, d, sizeof(d));
		ADD("timeout", d);
	}
#undef ADD
	/* Insertion sort: stable, and n is small. */
	for (size_t i = 1; i < n; i++) {
		struct param p = ps[i];
		size_t j = i;
		while (j > 0 && cmp_param(&ps[j - 1], &p) > 0) {
			ps[j] = ps[j - 1];
			j--;
		}
		ps[j] = p;
	}
	for (size_t i = 0; i < n; i++) {
		char *k = ck_str_url_encode(ps[i].key), *v = ck_str_url_encode(ps[i].value);
		ck_buf_addf(&b, "%c%s=%s", i == 0 ? '?' : '&', k, v);
		free(k);
		free(v);
		free(ps[i].value);
	}
	return ck_buf_detach(&b, NULL);
}

/* ---- the client ------------------------------------------------------------------------ */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
	(void)h;
	(void)access;
	struct ck_client *c = ud;
	pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
	(void)h;
	struct ck_client *c = ud;
	pthread_mutex_unlock(&c->share_locks[data]);
}

/* The default User-Agent: upstream's DefaultKubernetesUserAgent shape. */
static char *default_user_agent(void)
{
	const char *prog = program_invocation_short_name;
	char ua[256];
	snprintf(ua, sizeof(ua), "%s/v1.30.0 (linux/amd64) kubernetes/ckube",
		 prog && *prog ? prog : "ckube");
	return ck_strdup(ua);
}

/* Host and port of a URL's authority (for CONNECT_TO); owned, NULL when unparsable. */
static char *authority_of(const char *url, int *ret_port, bool https)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t len = strcspn(p, "/?#");
	char *auth = ck_strndup(p, len);
	char *colon = strrchr(auth, ':');
	int port = https ? 443 : 80;
	if (colon && (!strchr(auth, ']') || colon > strchr(auth, ']'))) {
		*colon = '\0';
		if (ck_str_to_int(colon + 1, &port) < 0) {
			free(auth);
			return NULL;
		}
	}
	*ret_port = port;
	return auth;
}

int ck_client_new(const struct ck_client_config *cfg, struct ck_client **ret, char **ret_err)
{
	if (!cfg->host || !*cfg->host) {
		if (ret_err)
			*ret_err = ck_strdup("host must be a URL or a host:port pair");
		return -EINVAL;
	}
	pthread_once(&curl_once, curl_init_once);
	struct ck_client *c = ck_calloc(1, sizeof(*c));
	ck_client_config_copy(&c->cfg, cfg);

	/* defaultServerUrlFor: no scheme means https when TLS is configured, else http. */
	bool tls =
	    cfg->insecure || cfg->ca_file || cfg->ca_data || cfg->cert_file || cfg->cert_data;
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (!strstr(cfg->host, "://"))
		ck_buf_adds(&b, tls ? "https://" : "http://");
	ck_buf_adds(&b, cfg->host);
	while (b.len > 0 && b.data[b.len - 1] == '/')
		ck_buf_truncate(&b, b.len - 1);
	c->base = ck_buf_detach(&b, NULL);

	char *ua = cfg->user_agent ? ck_strdup(cfg->user_agent) : default_user_agent();
	size_t n = strlen(ua) + 16;
	c->user_agent = ck_malloc(n);
	snprintf(c->user_agent, n, "User-Agent: %s", ua);
	free(ua);

	if (cfg->tls_server_name && *cfg->tls_server_name) {
		/* Talk to tls_server_name (SNI, verification) while connecting to the host. */
		int port;
		char *host = authority_of(c->base, &port, ck_str_has_prefix(c->base, "https://"));
		if (host) {
			char ct[600];
			snprintf(ct, sizeof(ct), "%s:%d:%s:%d", cfg->tls_server_name, port, host,
				 port);
			c->connect_to = curl_slist_append(NULL, ct);
			const char *p = strstr(c->base, "://") + 3;
			size_t hl = strcspn(p, ":/");
			ck_buf_init(&b, 0);
			ck_buf_add(&b, c->base, (size_t)(p - c->base));
			ck_buf_adds(&b, cfg->tls_server_name);
			ck_buf_adds(&b, p + hl);
			free(c->base);
			c->base = ck_buf_detach(&b, NULL);
			free(host);
		}
	}
	if (cfg->username && *cfg->username) {
		char up[512];
		snprintf(up, sizeof(up), "%s:%s", cfg->username,
			 cfg->password ? cfg->password : "");
		char *enc = ck_base64_encode(up, strlen(up));
		size_t m = strlen(enc) + 32;
		c->basic_auth = ck_malloc(m);
		snprintf(c->basic_auth, m, "Authorization: Basic %s", enc);
		free(enc);
	}

	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	c->share = curl_share_init();
	curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

	pthread_mutex_init(&c->pool_lock, NULL);
	pthread_mutex_init(&c->token_lock, NULL);
	double qps = cfg->qps == 0 ? CK_CLIENT_DEFAULT_QPS : cfg->qps;
	int burst = cfg->burst == 0 ? CK_CLIENT_DEFAULT_BURST : cfg->burst;
	ck_token_bucket_init(&c->limiter, qps, burst);
	if (cfg->bearer_token)
		c->token = ck_strdup(cfg->bearer_token);
	c->token_read_ns = ck_time_mono_ns();
	*ret = c;
	return 0;
}

static void conn_free(struct conn *k)
{
	curl_multi_cleanup(k->multi);
	curl_easy_cleanup(k->easy);
	free(k);
}

void ck_client_free(struct ck_client *c)
{
	if (!c)
		return;
	while (c->idle) {
		struct conn *k = c->idle;
		c->idle = k->next;
		conn_free(k);
	}
	curl_share_cleanup(c->share);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->pool_lock);
	pthread_mutex_destroy(&c->token_lock);
	ck_token_bucket_release(&c->limiter);
	curl_slist_free_all(c->connect_to);
	free(c->token);
	free(c->basic_auth);
	free(c->user_agent);
	free(c->base);
	ck_client_config_release(&c->cfg);
	free(c);
}

const struct ck_client_config *ck_client_get_config(const struct ck_client *c)
{
	return &c->cfg;
}

static struct conn *conn_get(struct ck_client *c)
{
	pthread_mutex_lock(&c->pool_lock);
	struct conn *k = c->idle;
	if (k) {
		c->idle = k->next;
		c->nidle--;
	}
	pthread_mutex_unlock(&c->pool_lock);
	if (k)
		return k;
	k = ck_calloc(1, sizeof(*k));
	k->easy = curl_easy_init();
	k->multi = curl_multi_init();
	CK_BUG_ON(!k->easy || !k->multi);
	return k;
}

static void conn_put(struct ck_client *c, struct conn *k)
{
	pthread_mutex_lock(&c->pool_lock);
	if (c->nidle < MAX_IDLE_HANDLES) {
		k->next = c->idle;
		c->idle = k;
		c->nidle++;
		k = NULL;
	}
	pthread_mutex_unlock(&c->pool_lock);
	if (k)
		conn_free(k);
}

/* Go's strings.TrimSpace for ASCII: a trimmed copy (owned). */
static char *trim_space(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || (*s >= '\t' && *s <= '\r'))) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
		len--;
	return ck_strndup(s, len);
}

/* The bearer token, re-read from the token file once a minute; owned or NULL. */
static char *current_token(struct ck_client *c)
{
	pthread_mutex_lock(&c->token_lock);
	if (c->cfg.bearer_token_file &&
	    (!c->token || ck_time_mono_ns() - c->token_read_ns > TOKEN_REFRESH_NS)) {
		FILE *f = fopen(c->cfg.bearer_token_file, "re");
		if (f) {
			char buf[16384];
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[n] = '\0';
			char *tok = trim_space(buf, n);
			if (*tok) {
				free(c->token);
				c->token = tok;
			} else {
				free(tok);
			}
		} else {
			ck_log_v(4, "unable to read token file '%s': %s", c->cfg.bearer_token_file,
				 strerror(errno));
		}
		c->token_read_ns = ck_time_mono_ns();
	}
	char *t = c->token ? ck_strdup(c->token) : NULL;
	pthread_mutex_unlock(&c->token_lock);
	return t;
}

/* ---- one transfer ----------------------------------------------------------------------- */

struct xfer {
	CURL *easy;
	struct ck_buf body; /* the buffered body (all of it, or an error's while streaming) */
	ck_client_data_fn stream_fn;
	void *stream_ctx;
	bool decided;	 /* streaming or buffering chosen (first body bytes) */
	bool streaming;	 /* body bytes go to stream_fn */
	bool streamed;	 /* stream_fn got bytes: no retry any more */
	int write_err;	 /* why the write callback stopped the transfer */
	int retry_after; /* seconds; -1 when absent */
	char content_type[128];
	struct ck_client *c;
};

/* Parses one warning-value (299 - "text" ...) and hands the text over. */
static void handle_warning(struct ck_client *c, const char *v)
{
	while (*v == ' ')
		v++;
	if (strncmp(v, "299 ", 4) != 0)
		return;
	const char *q = strchr(v, '"');
	if (!q)
		return;
	struct ck_buf t;
	ck_buf_init(&t, 0);
	for (q++; *q && *q != '"'; q++) {
		if (*q == '\\' && q[1])
			q++;
		ck_buf_addc(&t, *q);
	}
	if (c->cfg.warning_fn)
		c->cfg.warning_fn(c->cfg.warning_ctx, ck_buf_str(&t));
	else
		ck_log_v(4, "warning from the server: %s", ck_buf_str(&t));
	ck_buf_release(&t);
}

static size_t on_header(char *p, size_t size, size_t nitems, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nitems;
	char line[1024];
	size_t n = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
	memcpy(line, p, n);
	line[n] = '\0';
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or a 100): forget the previous headers. */
		x->retry_after = -1;
		x->content_type[0] = '\0';
		return len;
	}
	char *colon = strchr(line, ':');
	if (!colon)
		return len;
	*colon = '\0';
	const char *value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (strcasecmp(line, "Retry-After") == 0) {
		int s;
		if (ck_str_to_int(value, &s) == 0)
			x->retry_after = s;
	} else if (strcasecmp(line, "Content-Type") == 0) {
		snprintf(x->content_type, sizeof(x->content_type), "%s", value);
	} else if (strcasecmp(line, "Warning") == 0) {
		handle_warning(x->c, value);
	}
	return len;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nmemb;
	if (x->stream_fn && !x->decided) {
		long code = 0;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
		x->streaming = code >= 200 && code <= 206;
		x->decided = true;
		if (!x->streaming)
			x->body.max = MAX_STREAM_ERROR_BODY;
	}
	if (x->streaming) {
		x->streamed = true;
		int r = x->stream_fn(x->stream_ctx, p, len);
		if (r < 0) {
			x->write_err = r;
			return 0;
		}
		return len;
	}
	if (ck_buf_add(&x->body, p, len) < 0) {
		x->write_err = -E2BIG;
		return 0;
	}
	return len;
}

static void wake_multi(void *arg)
{
	curl_multi_wakeup(arg);
}

/* Go's url.Error operation name: "Get", "Post", ... */
static void op_name(const char *verb, char *out, size_t size)
{
	snprintf(out, size, "%s", verb);
	for (size_t i = 1; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* The errno for a curl failure, and a Go-like reason in why. */
static int transport_errno(CURLcode rc, long os_errno, const char *errbuf, const char *url,
			   struct xfer *x, char *why, size_t size)
{
	const char *msg = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
	int e;
	switch (rc) {
	case CURLE_COULDNT_CONNECT: {
		e = os_errno ? (int)os_errno : ECONNREFUSED;
		int port;
		char *host = authority_of(url, &port, ck_str_has_prefix(url, "https://"));
		char eb[128];
		snprintf(eb, sizeof(eb), "%s", strerror(e));
		if (eb[0] >= 'A' && eb[0] <= 'Z')
			eb[0] = (char)(eb[0] - 'A' + 'a');
		snprintf(why, size, "dial tcp %s:%d: connect: %s", host ? host : "", port, eb);
		free(host);
		return -e;
	}
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		e = EHOSTUNREACH;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		e = ETIMEDOUT;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		e = EPROTO;
		break;
	case CURLE_GOT_NOTHING:
		snprintf(why, size, "EOF");
		return -ECONNRESET;
	case CURLE_PARTIAL_FILE:
		snprintf(why, size, "unexpected EOF");
		return -ECONNRESET;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		e = ECONNRESET;
		break;
	case CURLE_WRITE_ERROR:
		if (x->write_err) {
			snprintf(why, size, "%s", strerror(-x->write_err));
			return x->write_err;
		}
		e = EIO;
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		e = ECANCELED;
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		snprintf(why, size, "stopped after 10 redirects");
		return -ELOOP;
	default:
		e = EIO;
		break;
	}
	snprintf(why, size, "%s", msg);
	return -e;
}

struct attempt {
	CURLcode rc;
	long code;
	long os_errno;
	char errbuf[CURL_ERROR_SIZE];
	bool cancelled;
};

/* Sets up and runs one HTTP exchange on k. */
static void perform(struct ck_client *c, struct conn *k, const struct ck_client_request *req,
		    const char *url, const char *verb, const struct ck_buf *body, bool stream,
		    struct xfer *x, struct attempt *a)
{
	CURL *e = k->easy;
	struct curl_slist *headers = NULL;
	char hdr[1024];
	curl_easy_reset(e);
	a->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, a->errbuf);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_SHARE, c->share);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 30L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	int64_t timeout = req->timeout_ms > 0 ? req->timeout_ms : stream ? 0 : c->cfg.timeout_ms;
	if (timeout > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout);
	if (c->connect_to)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);

	/* TLS */
	if (c->cfg.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (c->cfg.ca_data) {
		struct curl_blob blob = { c->cfg.ca_data, c->cfg.ca_data_len, CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	} else if (c->cfg.ca_file) {
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cfg.ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (c->cfg.cert_data) {
		struct curl_blob blob = { c->cfg.cert_data, c->cfg.cert_data_len, CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
	} else if (c->cfg.cert_file) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->cfg.cert_file);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (c->cfg.key_data) {
		struct curl_blob blob = { c->cfg.key_data, c->cfg.key_data_len, CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	} else if (c->cfg.key_file) {
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->cfg.key_file);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}

	/* Method and body */
	bool has_body = body != NULL;
	if (strcmp(verb, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(verb, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, verb);
		if (has_body || strcmp(verb, "POST") == 0) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? ck_buf_str(body) : "");
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)(body ? body->len : 0));
		}
	}

	/* Headers */
	snprintf(hdr, sizeof(hdr), "Accept: %s",
		 req->accept ? req->accept : "application/json, */*");
	headers = curl_slist_append(headers, hdr);
	if (has_body) {
		snprintf(hdr, sizeof(hdr), "Content-Type: %s",
			 req->content_type ? req->content_type : "application/json");
		headers = curl_slist_append(headers, hdr);
	}
	headers = curl_slist_append(headers, c->user_agent);
	headers = curl_slist_append(headers, "Expect:");
	char *token = current_token(c);
	if (token) {
		struct ck_buf auth;
		ck_buf_init(&auth, 0);
		ck_buf_addf(&auth, "Authorization: Bearer %s", token);
		headers = curl_slist_append(headers, ck_buf_str(&auth));
		memset(auth.data, 0, auth.len);
		ck_buf_release(&auth);
		memset(token, 0, strlen(token));
		free(token);
	} else if (c->basic_auth) {
		headers = curl_slist_append(headers, c->basic_auth);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);

	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);

	/* Run it on the handle's own multi, so that a cancel wakes it at once. */
	struct ck_cancel_hook hook;
	a->cancelled = ck_cancel_hook_add(req->cancel, &hook, wake_multi, k->multi) < 0;
	a->rc = CURLE_OK;
	if (!a->cancelled) {
		curl_multi_add_handle(k->multi, e);
		int running = 1;
		while (running) {
			CURLMcode mc = curl_multi_perform(k->multi, &running);
			if (mc != CURLM_OK) {
				a->rc = CURLE_FAILED_INIT;
				snprintf(a->errbuf, sizeof(a->errbuf), "%s",
					 curl_multi_strerror(mc));
				break;
			}
			if (!running)
				break;
			if (ck_cancel_fired(req->cancel)) {
				a->cancelled = true;
				break;
			}
			curl_multi_poll(k->multi, NULL, 0, 1000, NULL);
		}
		int left;
		CURLMsg *m;
		while ((m = curl_multi_info_read(k->multi, &left)))
			if (m->msg == CURLMSG_DONE && m->easy_handle == e)
				a->rc = m->data.result;
		curl_multi_remove_handle(k->multi, e);
		ck_cancel_hook_remove(req->cancel, &hook);
	}
	a->code = 0;
	a->os_errno = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a->code);
	curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &a->os_errno);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(headers);
}

/* Parses JSON text (strict, depth-limited); owned object or NULL. */
static json_object *parse_json(const char *data, size_t len)
{
	if (len == 0 || len > INT32_MAX)
		return NULL;
	json_tokener *tok = ck_json_tokener_get(JSON_TOKENER_STRICT);
	json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	ck_json_tokener_put(tok);
	return obj;
}

/* A Status object whose status is not Success (what Result.Get/Into reject in a 2xx answer). */
static bool is_unsuccessful_status(json_object *obj)
{
	if (!obj || !json_object_is_type(obj, json_type_object))
		return false;
	const char *kind = ck_obj_path_str(obj, "kind");
	const char *status = ck_obj_path_str(obj, "status");
	return ck_streq(kind, "Status") && !ck_streq(status, "Success");
}

/* A Status object saying Failure (what Result.Error takes from an error answer). */
static bool is_failure_status(json_object *obj)
{
	if (!obj || !json_object_is_type(obj, json_type_object))
		return false;
	return ck_streq(ck_obj_path_str(obj, "kind"), "Status") &&
	       ck_streq(ck_obj_path_str(obj, "status"), "Failure");
}

/* Fills err from an error answer and returns the errno for it. */
static int api_error(const struct ck_client_request *req, const char *verb, long code,
		     struct xfer *x, struct ck_client_error *err)
{
	json_object *obj = parse_json(ck_buf_str(&x->body), x->body.len);
	json_object *status = NULL;
	if (is_failure_status(obj)) {
		status = obj;
		obj = NULL;
	} else {
		/* newUnstructuredResponseError */
		char *message = NULL;
		if (strncasecmp(x->content_type, "text/", 5) == 0) {
			size_t n = x->body.len < MAX_ERROR_TEXT ? x->body.len : MAX_ERROR_TEXT;
			message = trim_space(ck_buf_str(&x->body), n);
		}
		const char *resource = req->path ? NULL : req->resource;
		status = ck_status_new_generic_server_response(
		    (int)code, verb, resource ? req->group : NULL, resource,
		    resource ? req->name : NULL, message ? message : "unknown",
		    x->retry_after > 0 ? x->retry_after : 0, true);
		free(message);
	}
	json_object_put(obj);
	int r = ck_client_errno_for_status(status);
	if (err) {
		err->code = (int)code;
		json_object_put(err->status);
		err->status = status;
		set_message(err, "%s", ck_status_message(status));
	} else {
		json_object_put(status);
	}
	return r;
}

/*
 * The request loop shared by do, do_raw and stream: rate limit, perform,
 * retry. On a 2xx answer returns 0 with x->body holding the body (not for a
 * stream); otherwise the error.
 */
static int run(struct ck_client *c, const struct ck_client_request *req, struct xfer *x,
	       long *ret_code, struct ck_client_error *err)
{
	const char *verb = req->verb ? req->verb : "GET";
	bool stream = x->stream_fn != NULL;
	bool watch = req->list_options && req->list_options->watch;
	char *url = ck_client_url(c, req);
	struct ck_buf body;
	bool has_body = false;
	ck_buf_init(&body, CK_MAX_BUF);
	int r = 0;
	if (req->body) {
		if ((r = ck_json_write(&body, req->body)) < 0) {
			set_message(err, "unable to encode the request body: %s", strerror(-r));
			goto out;
		}
		has_body = true;
	} else if (req->raw_body) {
		if ((r = ck_buf_add(&body, req->raw_body, req->raw_body_len)) < 0) {
			set_message(err, "request body too large");
			goto out;
		}
		has_body = true;
	}

	for (int attempt = 0;; attempt++) {
		if ((r = ck_token_bucket_wait(&c->limiter, req->cancel)) < 0) {
			set_message(err,
				    "client rate limiter Wait returned an error: context canceled");
			goto out;
		}
		struct conn *k = conn_get(c);
		struct attempt a;
		ck_buf_reset(&x->body);
		x->body.max = CK_MAX_BUF;
		x->decided = x->streaming = x->streamed = false;
		x->write_err = 0;
		x->retry_after = -1;
		x->content_type[0] = '\0';
		x->easy = k->easy;
		x->c = c;
		ck_log_v(6, "%s %s", verb, url);
		perform(c, k, req, url, verb, has_body ? &body : NULL, stream, x, &a);
		conn_put(c, k);
		if (a.cancelled) {
			char op[16];
			op_name(verb, op, sizeof(op));
			set_message(err, "%s \"%s\": context canceled", op, url);
			r = -ECANCELED;
			goto out;
		}
		if (a.rc != CURLE_OK) {
			char why[CURL_ERROR_SIZE + 128], op[16];
			r = transport_errno(a.rc, a.os_errno, a.errbuf, url, x, why, sizeof(why));
			op_name(verb, op, sizeof(op));
			if (x->write_err && x->streaming) {
				/* stream_fn stopped it: its own value, no message needed */
				r = x->write_err;
				goto out;
			}
			set_message(err, "%s \"%s\": %s", op, url, why);
			/* Do(): connection reset / EOF for GET; Watch(): EOF or timeout. */
			bool retryable = !x->streamed && attempt < MAX_RETRIES &&
					 ((strcmp(verb, "GET") == 0 && r == -ECONNRESET) ||
					  (watch && r == -ETIMEDOUT));
			if (retryable) {
				ck_log_v(4, "retrying %s %s after: %s", verb, url, why);
				if ((r = ck_cancel_sleep_ms(req->cancel, 1000)) < 0)
					goto out;
				continue;
			}
			goto out;
		}
		*ret_code = a.code;
		if (a.code >= 200 && a.code <= 206) {
			r = 0;
			goto out;
		}
		/* checkWait: 429 or 5xx with a Retry-After. */
		if ((a.code == 429 || a.code >= 500) && x->retry_after >= 0 &&
		    attempt < MAX_RETRIES && !x->streamed) {
			ck_log_v(4, "got a Retry-After %ds response for attempt %d to %s",
				 x->retry_after, attempt + 1, url);
			if ((r = ck_cancel_sleep_ms(req->cancel, (int64_t)x->retry_after * 1000)) <
			    0) {
				set_message(err, "context canceled");
				goto out;
			}
			continue;
		}
		r = api_error(req, verb, a.code, x, err);
		goto out;
	}
out:
	ck_buf_release(&body);
	free(url);
	return r;
}

int ck_client_do(struct ck_client *c, const struct ck_client_request *req, json_object **ret_obj,
		 struct ck_client_error *err)
{
	struct xfer x = { 0 };
	ck_buf_init(&x.body, CK_MAX_BUF);
	long code = 0;
	if (err)
		ck_client_error_release(err);
	int r = run(c, req, &x, &code, err);
	if (r < 0)
		goto out;
	json_object *obj = NULL;
	if (x.body.len > 0) {
		obj = parse_json(ck_buf_str(&x.body), x.body.len);
		if (!obj && ret_obj) {
			r = -EBADMSG;
			if (err) {
				err->code = (int)code;
				set_message(
				    err, "unable to decode the response from the server: not JSON");
			}
			goto out;
		}
	}
	if (is_unsuccessful_status(obj)) {
		/* A Status other than Success in a 2xx answer is an error (Result.Get/Into). */
		r = ck_client_errno_for_status(obj);
		if (err) {
			err->code = ck_status_code(obj) ? ck_status_code(obj) : (int)code;
			err->status = obj;
			set_message(err, "%s", ck_status_message(obj));
		} else {
			json_object_put(obj);
		}
		goto out;
	}
	if (ret_obj)
		*ret_obj = obj;
	else
		json_object_put(obj);
out:
	ck_buf_release(&x.body);
	return r;
}

void ck_client_response_release(struct ck_client_response *r)
{
	if (r)
		ck_buf_release(&r->body);
}

int ck_client_do_raw(struct ck_client *c, const struct ck_client_request *req,
		     struct ck_client_response *ret, struct ck_client_error *err)
{
	struct xfer x = { 0 };
	ck_buf_init(&x.body, CK_MAX_BUF);
	long code = 0;
	if (err)
		ck_client_error_release(err);
	int r = run(c, req, &x, &code, err);
	if (r < 0) {
		ck_buf_release(&x.body);
		return r;
	}
	ret->code = code;
	ret->body = x.body;
	snprintf(ret->content_type, sizeof(ret->content_type), "%s", x.content_type);
	return 0;
}

int ck_client_stream(struct ck_client *c, const struct ck_client_request *req, ck_client_data_fn fn,
		     void *ctx, struct ck_client_error *err)
{
	struct xfer x = { 0 };
	ck_buf_init(&x.body, MAX_STREAM_ERROR_BODY);
	x.stream_fn = fn;
	x.stream_ctx = ctx;
	long code = 0;
	if (err)
		ck_client_error_release(err);
	int r = run(c, req, &x, &code, err);
	ck_buf_release(&x.body);
	return r;
}

/* ---- the usual calls --------------------------------------------------------------------- */

static struct ck_client_request resource_req(const struct ck_gvr *gvr, const char *verb,
					     const char *ns, const char *name)
{
	struct ck_client_request req = {
		.verb = verb,
		.group = gvr->group,
		.version = gvr->version,
		.resource = gvr->resource,
		.namespace = ns,
		.name = name,
	};
	return req;
}

int ck_client_get(struct ck_client *c, const struct ck_gvr *gvr, const char *ns, const char *name,
		  json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "GET", ns, name);
	return ck_client_do(c, &req, ret, err);
}

int ck_client_list(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		   const struct ck_client_list_options *opts, json_object **ret,
		   struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "GET", ns, NULL);
	req.list_options = opts;
	json_object *list = NULL;
	int r = ck_client_do(c, &req, &list, err);
	if (r < 0)
		return r;
	ck_list_items_set_type(list);
	*ret = list;
	return 0;
}

int ck_client_create(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     json_object *obj, json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "POST", ns, NULL);
	req.body = obj;
	return ck_client_do(c, &req, ret, err);
}

int ck_client_update(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     json_object *obj, json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "PUT", ns, ck_obj_name(obj));
	req.body = obj;
	return ck_client_do(c, &req, ret, err);
}

int ck_client_update_status(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			    json_object *obj, json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "PUT", ns, ck_obj_name(obj));
	req.subresource = "status";
	req.body = obj;
	return ck_client_do(c, &req, ret, err);
}

int ck_client_patch(struct ck_client *c, const struct ck_gvr *gvr, const char *ns, const char *name,
		    enum ck_patch_format type, const char *patch, const char *subresource,
		    json_object **ret, struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "PATCH", ns, name);
	req.subresource = subresource;
	req.raw_body = patch;
	req.raw_body_len = strlen(patch);
	req.content_type = ck_patch_content_type(type);
	return ck_client_do(c, &req, ret, err);
}

int ck_client_delete(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
		     const char *name, json_object *options, json_object **ret,
		     struct ck_client_error *err)
{
	struct ck_client_request req = resource_req(gvr, "DELETE", ns, name);
	req.body = options;
	return ck_client_do(c, &req, ret, err);
}
