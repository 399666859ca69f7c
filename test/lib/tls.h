/*
 * A raw TLS client connection for tests and benchmarks (OpenSSL, the
 * server's certificate not verified: tests talk to self-signed servers on
 * loopback). Unlike test/lib/http.h it sends exactly the bytes it is given,
 * so a test can write malformed requests, stop half-way or close at any
 * point. Every call takes a timeout and never blocks past it.
 *
 *   struct ck_test_tls *c;
 *   ck_assert_int_eq(ck_test_tls_connect(port, 5000, &c), 0);
 *   ck_test_tls_write(c, req, len, 5000);
 *   ssize_t n = ck_test_tls_read(c, buf, sizeof(buf), 5000);
 *   ck_test_tls_free(c);
 *
 * Writing to a connection the server closed gives -EPIPE, not SIGPIPE,
 * only when the process ignores SIGPIPE: do signal(SIGPIPE, SIG_IGN).
 */
#ifndef CK_TEST_TLS_H
#define CK_TEST_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct ck_test_tls;

/* Connects to 127.0.0.1:port and completes the handshake. 0 or a negative
 * errno (-ETIMEDOUT, -ECONNREFUSED, -EPROTO for a failed handshake); the
 * caller owns *ret. */
int ck_test_tls_connect(int port, int timeout_ms, struct ck_test_tls **ret);

/* Writes all len bytes. 0, -ETIMEDOUT, or -EPIPE when the peer went away. */
int ck_test_tls_write(struct ck_test_tls *c, const void *data, size_t len, int timeout_ms);

/*
 * Reads what is there (at most len bytes), waiting up to timeout_ms for
 * something. The count, 0 at the end of the stream (close_notify or the
 * peer closed), -ETIMEDOUT, or -ECONNRESET / -EPROTO.
 */
ssize_t ck_test_tls_read(struct ck_test_tls *c, void *buf, size_t len, int timeout_ms);

/* Ends our sending side at the TCP level (no close_notify): the server
 * sees the stream stop in the middle of whatever it was reading. */
void ck_test_tls_shutdown_write(struct ck_test_tls *c);

/* The socket (to poll it). */
int ck_test_tls_fd(const struct ck_test_tls *c);

/* Closes abruptly (no close_notify) and frees. NULL-safe. */
void ck_test_tls_free(struct ck_test_tls *c);

#endif
