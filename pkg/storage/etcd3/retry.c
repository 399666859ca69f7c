#include "storage/etcd3/retry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grpc/status.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

void ck_etcd_backoff_init(struct ck_etcd_backoff *b, unsigned initial_ms, unsigned max_ms,
			  uint64_t seed)
{
	b->initial_ms = initial_ms ? initial_ms : 1;
	b->max_ms = max_ms < b->initial_ms ? b->initial_ms : max_ms;
	b->next_ms = b->initial_ms;
	b->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

/* xorshift64*: enough for jitter, and deterministic under a given seed. */
static uint64_t next_random(struct ck_etcd_backoff *b)
{
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return b->rng * 0x2545f4914f6cdd1dull;
}

unsigned ck_etcd_backoff_next(struct ck_etcd_backoff *b)
{
	unsigned base = b->next_ms;
	/* jitter in [-10%, +10%] of base */
	unsigned span = base / 5;
	unsigned wait = base - base / 10 + (span ? (unsigned)(next_random(b) % (span + 1)) : 0);
	if (b->next_ms < b->max_ms)
		b->next_ms = b->next_ms > b->max_ms / 2 ? b->max_ms : b->next_ms * 2;
	return wait ? wait : 1;
}

void ck_etcd_backoff_reset(struct ck_etcd_backoff *b)
{
	b->next_ms = b->initial_ms;
}

bool ck_etcd_retryable(int grpc_status, const char *details, bool idempotent)
{
	if (grpc_status != GRPC_STATUS_UNAVAILABLE)
		return false;
	if (idempotent)
		return true;
	/* The pick failed: the request never left this process. */
	return details && ck_str_has_prefix(details, "failed to connect to all addresses");
}

bool ck_etcd_endpoint_failed(int grpc_status)
{
	return grpc_status == GRPC_STATUS_UNAVAILABLE;
}

bool ck_etcd_deadline_keeps_cause(int grpc_status, int cause_status, bool idempotent)
{
	return grpc_status == GRPC_STATUS_DEADLINE_EXCEEDED && idempotent &&
	       cause_status == GRPC_STATUS_UNAVAILABLE;
}

int ck_etcd_status_errno(int grpc_status, const char *details)
{
	const char *d = details ? details : "";
	switch (grpc_status) {
	case GRPC_STATUS_OK:
		return 0;
	case GRPC_STATUS_CANCELLED:
		return -ECANCELED;
	case GRPC_STATUS_INVALID_ARGUMENT:
		if (strstr(d, "request is too large"))
			return -E2BIG;
		return -EINVAL;
	case GRPC_STATUS_DEADLINE_EXCEEDED:
		return -ETIMEDOUT;
	case GRPC_STATUS_NOT_FOUND:
		return -ENOENT;
	case GRPC_STATUS_PERMISSION_DENIED:
	case GRPC_STATUS_UNAUTHENTICATED:
		return -EACCES;
	case GRPC_STATUS_RESOURCE_EXHAUSTED:
		if (strstr(d, "space exceeded"))
			return -ENOSPC;
		if (strstr(d, "received message larger than max") ||
		    strstr(d, "Sent message larger than max"))
			return -E2BIG;
		return -EBUSY;
	case GRPC_STATUS_OUT_OF_RANGE:
		if (strstr(d, "has been compacted"))
			return -EKEYEXPIRED;
		if (strstr(d, "future revision"))
			return -EOVERFLOW;
		return -ERANGE;
	case GRPC_STATUS_UNAVAILABLE:
		return -EHOSTUNREACH;
	default:
		return -EIO;
	}
}

const char *ck_etcd_status_name(int grpc_status)
{
	static const char *const names[] = {
		"OK",
		"CANCELLED",
		"UNKNOWN",
		"INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED",
		"NOT_FOUND",
		"ALREADY_EXISTS",
		"PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION",
		"ABORTED",
		"OUT_OF_RANGE",
		"UNIMPLEMENTED",
		"INTERNAL",
		"UNAVAILABLE",
		"DATA_LOSS",
		"UNAUTHENTICATED",
	};
	if (grpc_status < 0 || (size_t)grpc_status >= CK_ARRAY_SIZE(names))
		return "UNKNOWN";
	return names[grpc_status];
}

static bool valid_port(const char *s, size_t len)
{
	unsigned v = 0;
	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

static bool valid_dns_host(const char *s, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

int ck_etcd_parse_endpoint(const char *url, char **ret_target, bool *ret_tls)
{
	char *trimmed = ck_str_trim(url);
	const char *p = trimmed;
	bool tls = false;
	struct ck_buf target = CK_BUF_INIT;
	int r = -EINVAL;

	if (ck_str_has_prefix(p, "unix://") || ck_str_has_prefix(p, "unix:")) {
		p += ck_str_has_prefix(p, "unix://") ? 7 : 5;
		if (*p == '\0')
			goto out;
		if (ck_buf_addf(&target, "unix:%s", p) < 0)
			goto out;
		goto done;
	}
	if (ck_str_has_prefix(p, "http://")) {
		p += 7;
	} else if (ck_str_has_prefix(p, "https://")) {
		p += 8;
		tls = true;
	} else if (strstr(p, "://")) {
		goto out;
	}
	/* host[:port] up to an optional path */
	size_t hostport_len = strcspn(p, "/");
	if (p[hostport_len] == '/' && p[hostport_len + 1] != '\0')
		goto out; /* etcd endpoints carry no path */
	const char *host, *port;
	size_t host_len, port_len;
	if (p[0] == '[') {
		const char *close = memchr(p, ']', hostport_len);
		if (!close || close[1] != ':')
			goto out;
		host = p + 1;
		host_len = (size_t)(close - host);
		port = close + 2;
		port_len = hostport_len - (size_t)(port - p);
		char buf[64];
		struct in6_addr a6;
		if (host_len == 0 || host_len >= sizeof(buf))
			goto out;
		memcpy(buf, host, host_len);
		buf[host_len] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1 || !valid_port(port, port_len))
			goto out;
		if (ck_buf_addf(&target, "ipv6:[%s]:%.*s", buf, (int)port_len, port) < 0)
			goto out;
		goto done;
	}
	const char *colon = NULL;
	for (size_t i = 0; i < hostport_len; i++)
		if (p[i] == ':')
			colon = p + i;
	if (!colon)
		goto out;
	host = p;
	host_len = (size_t)(colon - p);
	port = colon + 1;
	port_len = hostport_len - host_len - 1;
	if (!valid_port(port, port_len) || !valid_dns_host(host, host_len))
		goto out;
	char buf[256];
	struct in_addr a4;
	memcpy(buf, host, host_len);
	buf[host_len] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1)
		r = ck_buf_addf(&target, "ipv4:%s:%.*s", buf, (int)port_len, port);
	else
		r = ck_buf_addf(&target, "dns:///%s:%.*s", buf, (int)port_len, port);
	if (r < 0)
		goto out;
done:
	*ret_target = ck_buf_detach(&target, NULL);
	*ret_tls = tls;
	r = 0;
out:
	ck_buf_release(&target);
	free(trimmed);
	return r;
}
