/*
 * Status errors: the meta/v1 Status objects the API server answers errors
 * with, one constructor per upstream reason (k8s.io/apimachinery/pkg/api/
 * errors and the apiserver's negotiation and response writers), and the
 * accessors clients read them back with.
 *
 * Invariants:
 *  - Every constructor returns a new json-c object the caller owns, shaped
 *    as upstream's JSON for it after the apiserver's ErrorToAPIStatus:
 *    {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
 *     "message":...,"reason":...,"details":{...},"code":...}
 *    in that key order, with empty strings, zero numbers and empty causes
 *    omitted as Go's omitempty omits them. "details" is present exactly when
 *    upstream's constructor sets it (it may then be {}).
 *  - Messages are upstream's wording, names quoted as Go's %q:
 *    pods "foo" not found, pods "foo" already exists,
 *    Operation cannot be fulfilled on pods "foo": <err>,
 *    Pod "foo" is invalid: <aggregated field errors>, ...
 *  - A qualified resource is (group, resource) and prints as "resource" or
 *    "resource.group"; group may be NULL or "" for the core group.
 */
#ifndef CK_APIMACHINERY_STATUS_H
#define CK_APIMACHINERY_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "apimachinery/field_errors.h"

/* metav1.StatusReason values; ck_status_reason_string() gives the text. */
enum ck_status_reason {
	CK_STATUS_REASON_UNKNOWN, /* "" */
	CK_STATUS_REASON_UNAUTHORIZED,
	CK_STATUS_REASON_FORBIDDEN,
	CK_STATUS_REASON_NOT_FOUND,
	CK_STATUS_REASON_ALREADY_EXISTS,
	CK_STATUS_REASON_CONFLICT,
	CK_STATUS_REASON_GONE,
	CK_STATUS_REASON_INVALID,
	CK_STATUS_REASON_SERVER_TIMEOUT,
	CK_STATUS_REASON_STORE_READ_ERROR, /* "StorageReadError" */
	CK_STATUS_REASON_TIMEOUT,
	CK_STATUS_REASON_TOO_MANY_REQUESTS,
	CK_STATUS_REASON_BAD_REQUEST,
	CK_STATUS_REASON_METHOD_NOT_ALLOWED,
	CK_STATUS_REASON_NOT_ACCEPTABLE,
	CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE,
	CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE,
	CK_STATUS_REASON_INTERNAL_ERROR,
	CK_STATUS_REASON_EXPIRED,
	CK_STATUS_REASON_SERVICE_UNAVAILABLE,
};

/* "NotFound", ... ("" for unknown); static string. */
const char *ck_status_reason_string(enum ck_status_reason reason);
/* The reason for its text; CK_STATUS_REASON_UNKNOWN when not a known one. */
enum ck_status_reason ck_status_reason_parse(const char *text);

/* 404 NotFound: `pods "foo" not found`; details {name, group, kind: resource}. */
struct json_object *ck_status_new_not_found(const char *group, const char *resource,
					    const char *name);
/* 409 AlreadyExists: `pods "foo" already exists`. */
struct json_object *ck_status_new_already_exists(const char *group, const char *resource,
						 const char *name);
/* 409 AlreadyExists when generateName found no free name; retryAfterSeconds. */
struct json_object *ck_status_new_generate_name_conflict(const char *group, const char *resource,
							 const char *name, int retry_after_seconds);
/* 409 Conflict: `Operation cannot be fulfilled on pods "foo": <err>`. */
struct json_object *ck_status_new_conflict(const char *group, const char *resource,
					   const char *name, const char *err);
/*
 * 422 Invalid: `Pod "foo" is invalid: <aggregate>` (`Pod "foo" is invalid`
 * for an empty list); details {name, group, kind, causes: one per error,
 * {reason: type, message: body, field}}. errs is borrowed (may be NULL).
 */
struct json_object *ck_status_new_invalid(const char *group, const char *kind, const char *name,
					  const struct ck_field_errors *errs);
/* 400 BadRequest with reason as the message. */
/*
 * Server-side apply's 409 (upstream's NewApplyConflict): details hold only
 * the causes (FieldManagerConflict, taken over).
 */
struct json_object *ck_status_new_apply_conflict(struct json_object *causes, const char *message);
struct json_object *ck_status_new_bad_request(const char *reason);
/* 401 Unauthorized; message reason, "not authorized" when empty. */
struct json_object *ck_status_new_unauthorized(const char *reason);
/*
 * 403 Forbidden: "forbidden: <err>" without a resource, `pods is forbidden:
 * <err>` without a name, else `pods "foo" is forbidden: <err>`.
 */
struct json_object *ck_status_new_forbidden(const char *group, const char *resource,
					    const char *name, const char *err);

/* What the authorizer was asked, for the apiserver's own Forbidden answer. */
struct ck_status_request_attrs {
	const char *user;
	const char *verb;
	bool resource_request;
	const char *group;	 /* resource requests */
	const char *resource;	 /* resource requests */
	const char *subresource; /* may be NULL */
	const char *namespace;	 /* NULL or "" at cluster scope */
	const char *name;	 /* may be NULL */
	const char *path;	 /* non-resource requests */
};
/*
 * 403 as the apiserver's authorization filter answers: `pods "foo" is
 * forbidden: User "x" cannot get resource "pods" in API group "" in the
 * namespace "default"` (": <reason>" appended when reason is not empty;
 * "at the cluster scope" without a namespace; `cannot get path "/x"` for
 * non-resource requests), with & < > escaped as upstream does.
 */
struct json_object *ck_status_new_forbidden_request(const struct ck_status_request_attrs *a,
						    const char *reason);
/* 410 Gone (deprecated upstream in favour of Expired). */
struct json_object *ck_status_new_gone(const char *message);
/* 410 Expired: the resource version asked for is too old. */
struct json_object *ck_status_new_resource_expired(const char *message);
/* 429 TooManyRequests with details {retryAfterSeconds}. */
struct json_object *ck_status_new_too_many_requests(const char *message, int retry_after_seconds);
/* 429 TooManyRequests: "Too many requests: <message>", no details. */
struct json_object *ck_status_new_too_many_requests_error(const char *message);
/* 405 MethodNotAllowed: `<action> is not supported on resources of kind "pods"`. */
struct json_object *ck_status_new_method_not_supported(const char *group, const char *resource,
						       const char *action);
/* 406 NotAcceptable: "only the following media types are accepted: a, b". */
struct json_object *ck_status_new_not_acceptable(const char *const *accepted, size_t n);
/*
 * 415 UnsupportedMediaType: "the body of the request was in an unknown
 * format - accepted media types include: a, b".
 */
struct json_object *ck_status_new_unsupported_media_type(const char *const *accepted, size_t n);
/* 413 RequestEntityTooLarge: "Request entity too large: <message>". */
struct json_object *ck_status_new_request_entity_too_large(const char *message);
/* 500 InternalError: "Internal error occurred: <err>", details.causes [{message: err}]. */
struct json_object *ck_status_new_internal_error(const char *err);
/* 500 with no reason and the message as it is: what upstream answers for an error that is
 * not an API status (ErrorToAPIStatus), such as a kubelet that cannot be reached. */
struct json_object *ck_status_new_plain_error(const char *message);
/* 504 Timeout: "Timeout: <message>", details {retryAfterSeconds}. */
struct json_object *ck_status_new_timeout(const char *message, int retry_after_seconds);
/*
 * 500 ServerTimeout: "The <operation> operation against <resource> could
 * not be completed at this time, please try again."
 */
struct json_object *ck_status_new_server_timeout(const char *group, const char *resource,
						 const char *operation, int retry_after_seconds);
/* 503 ServiceUnavailable with reason as the message. */
struct json_object *ck_status_new_service_unavailable(const char *reason);
/*
 * What a client makes of an error answer that is not a Status (upstream's
 * NewGenericServerResponse): the reason and wording for the code, with
 * " (<verb> <resource> <name>)" when a resource is known; unexpected adds
 * an UnexpectedServerResponse cause carrying server_message.
 */
struct json_object *ck_status_new_generic_server_response(int code, const char *verb,
							  const char *group, const char *resource,
							  const char *name,
							  const char *server_message,
							  int retry_after_seconds, bool unexpected);
/*
 * status "Success" (what DELETE answers for kinds that return no object):
 * details {name, group, kind, uid}; code omitted when 0.
 */
struct json_object *ck_status_new_success(const char *group, const char *kind, const char *name,
					  const char *uid, int code);

/* Accessors; st is borrowed and may be any object (missing fields read as empty). */
bool ck_status_is_status(const struct json_object *st); /* kind Status, apiVersion v1 */
int ck_status_code(const struct json_object *st);
const char *ck_status_reason(const struct json_object *st);  /* borrowed, "" if absent */
const char *ck_status_message(const struct json_object *st); /* borrowed, "" if absent */
/* details.retryAfterSeconds, 0 if absent. */
int ck_status_retry_after_seconds(const struct json_object *st);
/*
 * Upstream's IsNotFound, IsConflict, ...: the reason matches; or, for most
 * reasons, the reason is not a known one and the code is the reason's
 * code; for TooManyRequests and RequestEntityTooLarge the code alone.
 */
bool ck_status_is(const struct json_object *st, enum ck_status_reason reason);
/*
 * Upstream's SuggestsClientDelay: true with the delay when details ask for
 * one (any retryAfterSeconds > 0, or reason ServerTimeout).
 */
bool ck_status_suggests_client_delay(const struct json_object *st, int *ret_seconds);

#endif
