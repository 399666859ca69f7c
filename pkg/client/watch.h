/*
 * Watches from the client side: the decoder of the API server's watch
 * stream and the call that runs one watch (client-go's StreamWatcher over
 * rest.Request.Watch).
 *
 * The stream is a chunked HTTP body of JSON objects
 *   {"type":"ADDED","object":{...}}
 * one after the other (the API server ends each with a newline; the decoder
 * does not need it). Chunk boundaries fall anywhere: inside an object, a
 * string, an escape or a UTF-8 sequence. The decoder keeps a partial frame
 * across feeds and hands out each complete one.
 *
 * Frames: ADDED, MODIFIED, DELETED carry the object; BOOKMARK carries an
 * object of the watched kind with only metadata.resourceVersion (and maybe
 * annotations); ERROR carries a Status (an ERROR whose Status says 410
 * Expired/Gone means the resourceVersion watched from is too old: relist).
 */
#ifndef CK_CLIENT_WATCH_H
#define CK_CLIENT_WATCH_H

#include <json-c/json.h>

#include "util/buf.h"
#include <stdbool.h>
#include <stddef.h>

struct json_tokener;
struct ck_client;
struct ck_client_request;
struct ck_client_error;

enum ck_watch_type {
	CK_WATCH_TYPE_ADDED,
	CK_WATCH_TYPE_MODIFIED,
	CK_WATCH_TYPE_DELETED,
	CK_WATCH_TYPE_BOOKMARK,
	CK_WATCH_TYPE_ERROR,
};

/* "ADDED", ...; static. */
const char *ck_watch_type_name(enum ck_watch_type t);
/* 0 and *ret for a known name, else -EINVAL. */
int ck_watch_type_parse(const char *name, enum ck_watch_type *ret);

/* One decoded event. object is borrowed for the callback (take a reference to keep it). */
struct ck_watch_frame {
	enum ck_watch_type type;
	json_object *object;
};

/* Called per frame; return 0 to go on, < 0 to stop (the feed returns it). */
typedef int (*ck_watch_frame_fn)(void *ctx, const struct ck_watch_frame *frame);

/* Largest frame accepted (an object is at most 1.5 MiB in etcd; lists are not framed). */
#define CK_WATCH_MAX_FRAME (64u * 1024 * 1024)

struct ck_watch_decoder {
	struct json_tokener *tok;
	/* The frame in progress (no leading whitespace); parsed whole from its
	 * start each time bytes arrive, so where the stream was cut never
	 * changes the result (json-c's incremental number parsing does). */
	struct ck_buf frame;
	size_t max_frame;
	char err[256]; /* the last error, "" when none */
};

/* max_frame 0 means CK_WATCH_MAX_FRAME. */
void ck_watch_decoder_init(struct ck_watch_decoder *d, size_t max_frame);
void ck_watch_decoder_release(struct ck_watch_decoder *d);
/*
 * Feeds len bytes; calls fn for each frame completed. 0; fn's negative
 * value when it stopped; -EBADMSG for bytes that are not a watch event
 * (d->err says why; the decoder is then unusable); -E2BIG for a frame over
 * max_frame.
 */
int ck_watch_decoder_feed(struct ck_watch_decoder *d, const char *data, size_t len,
			  ck_watch_frame_fn fn, void *ctx);
/* At the end of the stream: 0, or -EBADMSG when a frame was cut short. */
int ck_watch_decoder_finish(struct ck_watch_decoder *d);

/*
 * Runs a watch (GET with watch=true added to the request's parameters)
 * and calls fn for each frame, on the calling thread, until the server
 * ends the stream (0), fn returns < 0 (that value), req->cancel fires
 * (-ECANCELED), the connection breaks (-ECONNRESET: client-go treats this
 * as a normal end), the stream is malformed (-EBADMSG), or the request
 * fails (as ck_client_do, err filled in: an HTTP error such as 410 Gone).
 * Retries before the stream starts as ck_client_do does for GET.
 */
int ck_client_watch(struct ck_client *c, const struct ck_client_request *req, ck_watch_frame_fn fn,
		    void *ctx, struct ck_client_error *err);

#endif
