/*
 * Decodes arbitrary bytes as protobuf: the first byte picks the message
 * (a Pod, or an enveloped object of any kind, or a few other kinds, or the
 * frames of a protobuf watch stream), the rest is the wire data. Whatever decodes must encode, and
 * the encoding must decode to the same JSON and encode to the same bytes again. Errors must carry a
 * message. No crash, no leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/protobuf.h"
#include "util/buf.h"

static void fail(const char *what, json_object *obj, const char *detail)
{
	fprintf(stderr, "fuzz_protobuf: %s\n--- json ---\n%s\n--- detail ---\n%s\n", what,
		obj ? json_object_to_json_string(obj) : "", detail ? detail : "");
	abort();
}

static const char *const kinds[][2] = {
	{ "v1", "Pod" },
	{ "v1", "Secret" },
	{ "apps/v1", "Deployment" },
	{ "coordination.k8s.io/v1", "Lease" },
	{ "events.k8s.io/v1", "Event" },
	{ "v1", "Status" },
	{ "v1", "WatchEvent" },
	{ "authentication.k8s.io/v1", "SelfSubjectReview" },
};

static void check_error(int r, char *err)
{
	if (r == 0)
		return;
	if (!err || !*err)
		fail("an error without a message", NULL, NULL);
	free(err);
}

static void round_trip(const ProtobufCMessageDescriptor *d, json_object *obj)
{
	struct ck_buf once, twice;
	ck_buf_init(&once, 0);
	ck_buf_init(&twice, 0);
	char *err = NULL;
	json_object *again = NULL;
	int r = d ? ck_protobuf_encode(d, obj, &once, &err)
		  : ck_protobuf_encode_object(obj, &once, &err);
	if (r != 0)
		fail("decoded value does not encode", obj, err);
	r = d ? ck_protobuf_decode(d, once.data, once.len, &again, &err)
	      : ck_protobuf_decode_object(once.data, once.len, &again, &err);
	if (r != 0)
		fail("encoding does not decode", obj, err);
	if (!json_object_equal(obj, again))
		fail("round trip changed the value", obj, json_object_to_json_string(again));
	r = d ? ck_protobuf_encode(d, again, &twice, &err)
	      : ck_protobuf_encode_object(again, &twice, &err);
	if (r != 0 || once.len != twice.len ||
	    (once.len && memcmp(once.data, twice.data, once.len) != 0))
		fail("encoding is not stable", obj, err);
	json_object_put(again);
	ck_buf_release(&once);
	ck_buf_release(&twice);
}

/* Every whole frame of a watch stream; each must encode back to a frame that decodes the same. */
static void watch_frames(const uint8_t *data, size_t size)
{
	while (size) {
		size_t used = 0;
		char *type = NULL, *err = NULL;
		json_object *obj = NULL;
		int r = ck_protobuf_decode_watch_event(data, size, &used, &type, &obj, &err);
		if (r == -EAGAIN)
			return;
		check_error(r, err);
		if (r < 0)
			return;
		if (used < 4 || used > size)
			fail("a frame's size out of the input", obj, NULL);
		struct ck_buf once;
		ck_buf_init(&once, 0);
		size_t used2 = 0;
		char *type2 = NULL;
		json_object *again = NULL;
		if (ck_protobuf_encode_watch_event(type, obj, &once, &err) != 0)
			fail("decoded event does not encode", obj, err);
		if (ck_protobuf_decode_watch_event(once.data, once.len, &used2, &type2, &again,
						   &err) != 0 ||
		    used2 != once.len)
			fail("encoded event does not decode", obj, err);
		if (strcmp(type, type2) != 0 || !json_object_equal(obj, again))
			fail("event round trip changed it", obj, json_object_to_json_string(again));
		json_object_put(again);
		free(type2);
		ck_buf_release(&once);
		json_object_put(obj);
		free(type);
		data += used;
		size -= used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	if (mode % 8 == 3) {
		watch_frames(data, size);
		return 0;
	}
	const ProtobufCMessageDescriptor *d = NULL;
	if (mode % 4 == 1) {
		d = NULL; /* the envelope */
	} else if (mode % 4 == 0) {
		d = ck_protobuf_lookup("v1", "Pod");
	} else {
		size_t i = (mode / 4) % (sizeof(kinds) / sizeof(kinds[0]));
		d = ck_protobuf_lookup(kinds[i][0], kinds[i][1]);
	}
	json_object *obj = NULL;
	char *err = NULL;
	int r = d ? ck_protobuf_decode(d, data, size, &obj, &err)
		  : ck_protobuf_decode_object(data, size, &obj, &err);
	check_error(r, err);
	if (r == 0) {
		round_trip(d, obj);
		json_object_put(obj);
	}
	return 0;
}
