/*
 * What the protobuf codec's tables say about the messages generated from
 * api/, for the schema model (schema.c): one reading of the descriptors and
 * of api/protobuf_fields.def, shared rather than repeated. Not for other
 * areas: they use schema.h or protobuf.h.
 */
#ifndef CK_API_PROTOBUF_INT_H
#define CK_API_PROTOBUF_INT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

/* The JSON form of a message that has one of its own. */
enum ck_pb_form {
	CK_PB_FORM_OBJECT,	  /* a JSON object of its fields */
	CK_PB_FORM_TIME,	  /* metav1.Time: RFC 3339 string */
	CK_PB_FORM_MICROTIME,	  /* metav1.MicroTime */
	CK_PB_FORM_DURATION,	  /* metav1.Duration: "1m0s" */
	CK_PB_FORM_QUANTITY,	  /* resource.Quantity: string or number */
	CK_PB_FORM_INT_OR_STRING, /* intstr.IntOrString */
	CK_PB_FORM_ARRAY,	  /* CK_PB_ARRAY: the array of its one repeated field */
	CK_PB_FORM_ANY,		  /* free-form JSON: RawExtension, FieldsV1, CK_PB_JSON, unions */
};

/* Every message descriptor, sorted by full name; *ret_n of them. Static. */
const ProtobufCMessageDescriptor *const *ck_protobuf_messages(size_t *ret_n);
/* A message by full name ("k8s.io.api.core.v1.Pod"); NULL when none. */
const ProtobufCMessageDescriptor *ck_protobuf_message(const char *full_name);
enum ck_pb_form ck_protobuf_form(const ProtobufCMessageDescriptor *d);
/* Whether d is a kind of its own (has TypeMeta upstream), not a part. */
bool ck_protobuf_is_kind(const ProtobufCMessageDescriptor *d);
/* A field's JSON name (static). */
const char *ck_protobuf_json_name(const ProtobufCFieldDescriptor *fd);
/* Whether a field is inline in its parent's JSON (CK_PB_INLINE). */
bool ck_protobuf_field_inline(const ProtobufCFieldDescriptor *fd);
/* Whether a repeated message field of parent is a proto map. */
bool ck_protobuf_field_is_map(const ProtobufCFieldDescriptor *fd,
			      const ProtobufCMessageDescriptor *parent);

#endif
