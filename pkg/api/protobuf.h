/*
 * The Kubernetes protobuf wire format (application/vnd.kubernetes.protobuf)
 * for the built-in kinds, converted to and from json-c objects generically by
 * walking the protobuf-c descriptors generated from the protos in api/: no code per
 * kind.
 *
 * An object on the wire is the 4 bytes "k8s\0" then a runtime.Unknown:
 * 1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the object's message),
 * 3 contentEncoding, 4 contentType (both "").
 *
 * Mapping (proto field names are the JSON names):
 *  - scalars, strings (invalid UTF-8 becomes U+FFFD, as Go's JSON encoder
 *    writes it), bytes (base64 in JSON: Secret.data), enums (by name);
 *  - nested messages as objects, repeated fields as arrays, map entries as
 *    objects (written sorted by key, as upstream);
 *  - resource.Quantity <-> its canonical string; intstr.IntOrString <-> a
 *    number or a string; metav1.Time <-> RFC 3339 in seconds; MicroTime <->
 *    RFC 3339 with 6 fractional digits; Duration <-> Go's "1m0s";
 *    runtime.RawExtension and FieldsV1 <-> the JSON they hold.
 *  - api/protobuf_fields.def says what proto cannot: which scalars are Go
 *    pointers (kept when zero) and which messages are inline in JSON
 *    (Probe's handler). Other scalars read back as absent when zero, as
 *    encoding/json's omitempty drops them; a zero Time reads back absent.
 *  - JSON fields the message does not define are dropped when encoding, and
 *    unknown protobuf fields are skipped when decoding, as upstream does.
 *
 * Every function that fails sets *ret_err (when ret_err is not NULL) to a
 * message the caller owns and frees, in upstream's wording where upstream
 * has one; out-parameters are otherwise written only on success.
 */
#ifndef CK_API_PROTOBUF_H
#define CK_API_PROTOBUF_H

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "util/buf.h"

#define CK_PROTOBUF_CONTENT_TYPE "application/vnd.kubernetes.protobuf"

/* The envelope's magic prefix: "k8s\0". */
#define CK_PROTOBUF_MAGIC "k8s\0"
#define CK_PROTOBUF_MAGIC_LEN 4

/*
 * The message type of a kind: (apiVersion "apps/v1", kind "Deployment") is
 * k8s.io.api.apps.v1.Deployment; the meta.k8s.io kinds every group version
 * carries (Status, DeleteOptions, WatchEvent, …) come from meta/v1. Only
 * top-level kinds are found, never parts such as "PodSpec". Borrowed
 * (static); NULL when there is none.
 */
const ProtobufCMessageDescriptor *ck_protobuf_lookup(const char *api_version, const char *kind);

/*
 * Decodes len bytes of a message of type desc into a new JSON object the
 * caller owns. 0, or -EINVAL (malformed: truncated, wrong wire type, bad
 * special value, nesting too deep).
 */
int ck_protobuf_decode(const ProtobufCMessageDescriptor *desc, const void *data, size_t len,
		       json_object **ret, char **ret_err);

/*
 * Appends obj (borrowed; a JSON object) encoded as a message of type desc
 * to out. 0, -EINVAL (a value of the wrong JSON type, a bad time, quantity
 * or base64 string), or -E2BIG (out is full; out then holds part of it).
 */
int ck_protobuf_encode(const ProtobufCMessageDescriptor *desc, json_object *obj, struct ck_buf *out,
		       char **ret_err);

/*
 * Appends obj (borrowed) in the envelope, its type found from its kind and
 * apiVersion. 0, -ENOENT (no message for that kind: the caller may answer
 * in JSON instead), -EINVAL or -E2BIG as ck_protobuf_encode.
 */
int ck_protobuf_encode_object(json_object *obj, struct ck_buf *out, char **ret_err);

/*
 * Decodes an enveloped object into a new JSON object the caller owns, with
 * kind and apiVersion first, as upstream's JSON has them. 0, -EINVAL (no
 * magic, malformed) or -ENOENT (no message for the envelope's kind).
 */
int ck_protobuf_decode_object(const void *data, size_t len, json_object **ret, char **ret_err);

/*
 * A protobuf watch stream (Content-Type
 * application/vnd.kubernetes.protobuf;stream=watch), as upstream frames it:
 * per event, a 4-byte big-endian length, then a meta.v1.WatchEvent without
 * envelope (the stream serializer is upstream's raw one): 1 type ("ADDED",
 * "MODIFIED", "DELETED", "BOOKMARK", "ERROR"), 2 object, a
 * runtime.RawExtension whose 1 raw is the object in its "k8s\0" envelope.
 */

/*
 * Appends one framed event: type, and obj (borrowed) enveloped as
 * ck_protobuf_encode_object does. 0, or its errors (-ENOENT: no message for
 * obj's kind); out is left as it was on failure.
 */
int ck_protobuf_encode_watch_event(const char *type, json_object *obj, struct ck_buf *out,
				   char **ret_err);

/*
 * Decodes the first framed event of data[0..len). -EAGAIN when data does
 * not yet hold a whole frame (read more), -EINVAL (malformed, an unknown
 * event type) or -ENOENT (no message for the object's kind); else 0 with
 * *ret_used the frame's size, *ret_type the type and *ret_obj the object as
 * ck_protobuf_decode_object gives it (both owned by the caller).
 */
int ck_protobuf_decode_watch_event(const void *data, size_t len, size_t *ret_used, char **ret_type,
				   json_object **ret_obj, char **ret_err);

#endif
