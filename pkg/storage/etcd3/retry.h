/*
 * The etcd client's retry policy, kept apart so it can be tested alone:
 * which failed calls may be retried, how long to wait between attempts, and
 * how a gRPC status becomes an errno.
 */
#ifndef CK_STORAGE_ETCD3_RETRY_H
#define CK_STORAGE_ETCD3_RETRY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Exponential backoff with +-10% jitter: initial, 2 x initial, ... capped at
 * max. Caller-owned; init before use. Not thread-safe (one per call/watch).
 */
struct ck_etcd_backoff {
	unsigned initial_ms;
	unsigned max_ms;
	unsigned next_ms;
	uint64_t rng;
};

/* Unary calls: 25 ms as etcd's clientv3 waits between retries, up to 1 s. */
#define CK_ETCD_RETRY_INITIAL_MS 25
#define CK_ETCD_RETRY_MAX_MS 1000
/* Watch streams reconnect from 100 ms up to 2 s. */
#define CK_ETCD_WATCH_RETRY_INITIAL_MS 100
#define CK_ETCD_WATCH_RETRY_MAX_MS 2000

void ck_etcd_backoff_init(struct ck_etcd_backoff *b, unsigned initial_ms, unsigned max_ms,
			  uint64_t seed);
/* The wait before the next attempt, in ms; then doubles (up to max). */
unsigned ck_etcd_backoff_next(struct ck_etcd_backoff *b);
/* Back to the initial wait (after a success). */
void ck_etcd_backoff_reset(struct ck_etcd_backoff *b);

/*
 * Whether a call that failed with this gRPC status may be sent again:
 * a call that never reached a server (UNAVAILABLE "failed to connect to all
 * addresses") always; an idempotent call (a read) after any UNAVAILABLE.
 * Nothing else: a deadline is final, and a write that may have been applied
 * is left to the caller.
 */
bool ck_etcd_retryable(int grpc_status, const char *details, bool idempotent);
/* Whether this failure says the endpoint is down (switch endpoints). */
bool ck_etcd_endpoint_failed(int grpc_status);
/*
 * Whether a call whose last attempt ended in grpc_status reports instead the
 * failure that made it retry (cause_status, seen on the same endpoint by an
 * earlier attempt of the call): a read retried after UNAVAILABLE whose last
 * attempt ran into the deadline. The deadline only cut the retries short;
 * whether that last attempt fails fast (UNAVAILABLE) or waits out the
 * deadline (a late wake-up from the backoff, a reconnection in progress)
 * depends on scheduling, and the caller should not see that. A write keeps
 * DEADLINE_EXCEEDED: its last attempt may have been applied.
 */
bool ck_etcd_deadline_keeps_cause(int grpc_status, int cause_status, bool idempotent);

/* The errno (negative) for a gRPC status and etcd's message; 0 for OK. */
int ck_etcd_status_errno(int grpc_status, const char *details);
/* The canonical name of a gRPC status code ("UNAVAILABLE"). */
const char *ck_etcd_status_name(int grpc_status);

/*
 * Parses one endpoint URL (http://host:port, https://host:port, host:port,
 * unix:///path) into a gRPC target: ipv4:A.B.C.D:P, ipv6:[::1]:P,
 * dns:///name:P or unix:/path. *ret_target is owned by the caller;
 * *ret_tls tells https. -EINVAL for anything else (no port, bad port,
 * other scheme, empty host).
 */
int ck_etcd_parse_endpoint(const char *url, char **ret_target, bool *ret_tls);

#endif
