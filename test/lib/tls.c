#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct ck_test_tls {
	int fd;
	SSL *ssl;
};

static SSL_CTX *shared_ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void make_ctx(void)
{
	shared_ctx = SSL_CTX_new(TLS_client_method());
	if (!shared_ctx)
		return;
	SSL_CTX_set_verify(shared_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(shared_ctx,
			 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Waits for events on fd until deadline. 0 when ready, -ETIMEDOUT. */
static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, (int)left + 1);
		if (r > 0)
			return 0;
		if (r == -1 && errno != EINTR)
			return -errno;
	}
}

/* After an SSL call returned r ≤ 0: waits as OpenSSL asks (0) or maps the
 * failure to an errno (< 0). */
static int ssl_wait(struct ck_test_tls *c, int r, double deadline)
{
	int e = SSL_get_error(c->ssl, r);
	int saved = errno;
	ERR_clear_error();
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(c->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(c->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return -ENOTCONN;
	case SSL_ERROR_SYSCALL:
		if (saved == EPIPE || saved == ECONNRESET)
			return -saved;
		return r == 0 || saved == 0 ? -ENOTCONN : -saved;
	default:
		return -EPROTO;
	}
}

int ck_test_tls_connect(int port, int timeout_ms, struct ck_test_tls **ret)
{
	double deadline = mono_ms() + timeout_ms;
	pthread_once(&ctx_once, make_ctx);
	if (!shared_ctx)
		return -ENOMEM;
	struct ck_test_tls *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	int r = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		r = -errno;
		goto fail;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) == -1) {
		if (errno != EINPROGRESS) {
			r = -errno;
			goto fail;
		}
		if ((r = wait_fd(c->fd, POLLOUT, deadline)) < 0)
			goto fail;
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err) {
			r = err ? -err : -errno;
			goto fail;
		}
	}
	c->ssl = SSL_new(shared_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		r = -ENOMEM;
		goto fail;
	}
	for (;;) {
		int k = SSL_connect(c->ssl);
		if (k == 1)
			break;
		if ((r = ssl_wait(c, k, deadline)) < 0) {
			if (r != -ETIMEDOUT)
				r = -EPROTO;
			goto fail;
		}
	}
	*ret = c;
	return 0;
fail:
	ck_test_tls_free(c);
	return r;
}

int ck_test_tls_write(struct ck_test_tls *c, const void *data, size_t len, int timeout_ms)
{
	double deadline = mono_ms() + timeout_ms;
	const char *p = data;
	while (len) {
		int chunk = len > (1 << 30) ? (1 << 30) : (int)len;
		int k = SSL_write(c->ssl, p, chunk);
		if (k > 0) {
			p += k;
			len -= (size_t)k;
			continue;
		}
		int r = ssl_wait(c, k, deadline);
		if (r == -ENOTCONN || r == -ECONNRESET || r == -EPROTO)
			return -EPIPE;
		if (r < 0)
			return r;
	}
	return 0;
}

ssize_t ck_test_tls_read(struct ck_test_tls *c, void *buf, size_t len, int timeout_ms)
{
	double deadline = mono_ms() + timeout_ms;
	int want = len > (1 << 30) ? (1 << 30) : (int)len;
	for (;;) {
		int k = SSL_read(c->ssl, buf, want);
		if (k > 0)
			return k;
		int r = ssl_wait(c, k, deadline);
		if (r == -ENOTCONN)
			return 0;
		if (r < 0)
			return r;
	}
}

void ck_test_tls_shutdown_write(struct ck_test_tls *c)
{
	shutdown(c->fd, SHUT_WR);
}

int ck_test_tls_fd(const struct ck_test_tls *c)
{
	return c->fd;
}

void ck_test_tls_free(struct ck_test_tls *c)
{
	if (!c)
		return;
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
