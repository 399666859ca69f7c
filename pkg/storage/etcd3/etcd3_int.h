/*
 * Internals of the etcd client shared by its source files (client.c, kv.c,
 * lease.c, watch.c, compact.c). Not for use outside pkg/storage/etcd3.
 */
#ifndef CK_STORAGE_ETCD3_INT_H
#define CK_STORAGE_ETCD3_INT_H

#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "storage/etcd3/etcd3.h"
#include "util/cancel.h"

struct ck_etcd_endpoint {
	char *url;    /* as configured, for messages */
	char *target; /* the gRPC target */
	grpc_channel *channel;
};

/*
 * Immutable after ck_etcd_new() except `preferred` and `stop_deadline_ms`,
 * which are atomic, `stopping`, which guards itself, and the watch poller,
 * which the first watch starts (watch.c).
 */
struct ck_etcd {
	char *endpoints;
	struct ck_etcd_endpoint *eps;
	size_t n_eps;
	atomic_size_t preferred;
	int request_timeout_ms;
	/* Fired by ck_etcd_shutdown(): no more retries, retry waits end. */
	struct ck_cancel stopping;
	/* Set before `stopping` fires: the GPR_CLOCK_MONOTONIC time in ms that
	 * no call started after the shutdown waits past. */
	_Atomic int64_t stop_deadline_ms;

	pthread_mutex_t watch_mu; /* guards the three fields below */
	/* The one completion queue every watch stream of this client uses,
	 * drained by watch_poller; NULL until the first watch. */
	grpc_completion_queue *watch_cq;
	pthread_t watch_poller;
	bool watch_poller_started;
};

/* Stops the watch poller (every watch must be stopped); ck_etcd_free(). */
void ck_etcd_watch_poller_stop(struct ck_etcd *c);

/* An absolute deadline `ms` from now on the monotonic clock. */
gpr_timespec ck_etcd_deadline(int ms);

/*
 * Picks the endpoint for the next attempt: the preferred one, unless its
 * channel is in TRANSIENT_FAILURE and another one is not. Returns its index.
 */
size_t ck_etcd_pick_endpoint(struct ck_etcd *c);
/* The endpoint at index failed: make the next one preferred (if it still was). */
void ck_etcd_endpoint_down(struct ck_etcd *c, size_t index);

/*
 * One unary call with the client's policy: packs req, sends it to the picked
 * endpoint, retries as etcd3.h says (idempotent: a read) until the deadline
 * timeout_ms from now (no retry once the client shuts down), and unpacks the
 * answer with resp_desc. The caller owns *ret. endpoint >= 0 pins the call
 * to that endpoint (no failover).
 */
int ck_etcd_unary(struct ck_etcd *c, const char *method, const ProtobufCMessage *req,
		  const ProtobufCMessageDescriptor *resp_desc, bool idempotent, int timeout_ms,
		  long endpoint, ProtobufCMessage **ret, struct ck_etcd_err *err);

/* Fills err (when non-NULL) with code and a formatted message; returns code. */
int ck_etcd_seterr(struct ck_etcd_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Packs a message into a new slice (the caller unrefs it). */
grpc_slice ck_etcd_pack(const ProtobufCMessage *msg);
/* Reads a whole byte buffer and unpacks it; NULL when it does not parse. */
ProtobufCMessage *ck_etcd_unpack(const ProtobufCMessageDescriptor *desc, grpc_byte_buffer *bb);

#endif
