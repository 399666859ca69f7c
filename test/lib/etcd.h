/*
 * A real etcd for tests and benchmarks: /usr/bin/etcd on free loopback
 * ports with its own temporary directory (data, log, certificates).
 *
 *   struct ck_test_etcd *e;
 *   ck_assert_int_eq(ck_test_etcd_start(NULL, &e), 0);
 *   ... ck_test_etcd_endpoint(e) is "http://127.0.0.1:PORT" ...
 *   ck_test_etcd_free(e);            // stops it, removes the directory
 *
 * Invariants:
 *  - etcd is a child of the calling thread, started with fork/exec and
 *    PR_SET_PDEATHSIG(SIGKILL): if the test process dies, etcd dies with it.
 *    Start it from the test's main thread.
 *  - Stopping is by PID only (SIGTERM, then SIGKILL after 10 s), always
 *    reaped. ck_test_etcd_free() never leaves etcd running nor the
 *    directory behind.
 *  - restart() reuses the same ports and data directory, so clients keep
 *    their endpoint and the data survives.
 *  - The data directory lives under $CK_TEST_ETCD_DIR, else /dev/shm when it
 *    exists (fsync on tmpfs is cheap and tests run faster), else /tmp. It
 *    records its owner's PID; a start removes the directories whose owner
 *    has died without freeing them (a failed assertion or a timeout ends a
 *    Check test child at once).
 */
#ifndef CK_TEST_ETCD_H
#define CK_TEST_ETCD_H

#include <stdbool.h>

struct ck_test_etcd;

struct ck_test_etcd_options {
	/* Parent of the temporary directory; NULL: see above. */
	const char *base_dir;
	/* Serve clients over TLS with client-certificate auth (certificates
	 * made with the openssl command into the directory). */
	bool tls;
	/* Extra etcd flags, NULL-terminated; may be NULL. */
	const char *const *extra_args;
};

/* Starts etcd and waits until /health says true. 0 or a negative errno;
 * the caller owns *ret. */
int ck_test_etcd_start(const struct ck_test_etcd_options *opts, struct ck_test_etcd **ret);
/* "http://127.0.0.1:PORT" (https with TLS); borrowed. */
const char *ck_test_etcd_endpoint(const struct ck_test_etcd *e);
/* The temporary directory; borrowed. */
const char *ck_test_etcd_dir(const struct ck_test_etcd *e);
/* With TLS: PEM files for a client (borrowed); NULL without TLS. */
const char *ck_test_etcd_ca_file(const struct ck_test_etcd *e);
const char *ck_test_etcd_cert_file(const struct ck_test_etcd *e);
const char *ck_test_etcd_key_file(const struct ck_test_etcd *e);
/* The PID while running, else 0. */
int ck_test_etcd_pid(const struct ck_test_etcd *e);

/* SIGTERM, wait (SIGKILL after 10 s), reap. Data kept. 0 when stopped. */
int ck_test_etcd_stop(struct ck_test_etcd *e);
/* SIGKILL and reap at once (a crash). Data kept. */
int ck_test_etcd_kill(struct ck_test_etcd *e);
/* Starts it again on the same ports and data; waits until healthy. */
int ck_test_etcd_restart(struct ck_test_etcd *e);
/* Stops it if running, removes the directory, frees. NULL-safe. */
void ck_test_etcd_free(struct ck_test_etcd *e);

#endif
