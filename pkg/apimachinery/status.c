#include "apimachinery/status.h"

#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/utf8.h"

static const char *const reason_names[] = {
	[CK_STATUS_REASON_UNKNOWN] = "",
	[CK_STATUS_REASON_UNAUTHORIZED] = "Unauthorized",
	[CK_STATUS_REASON_FORBIDDEN] = "Forbidden",
	[CK_STATUS_REASON_NOT_FOUND] = "NotFound",
	[CK_STATUS_REASON_ALREADY_EXISTS] = "AlreadyExists",
	[CK_STATUS_REASON_CONFLICT] = "Conflict",
	[CK_STATUS_REASON_GONE] = "Gone",
	[CK_STATUS_REASON_INVALID] = "Invalid",
	[CK_STATUS_REASON_SERVER_TIMEOUT] = "ServerTimeout",
	[CK_STATUS_REASON_STORE_READ_ERROR] = "StorageReadError",
	[CK_STATUS_REASON_TIMEOUT] = "Timeout",
	[CK_STATUS_REASON_TOO_MANY_REQUESTS] = "TooManyRequests",
	[CK_STATUS_REASON_BAD_REQUEST] = "BadRequest",
	[CK_STATUS_REASON_METHOD_NOT_ALLOWED] = "MethodNotAllowed",
	[CK_STATUS_REASON_NOT_ACCEPTABLE] = "NotAcceptable",
	[CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE] = "RequestEntityTooLarge",
	[CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE] = "UnsupportedMediaType",
	[CK_STATUS_REASON_INTERNAL_ERROR] = "InternalError",
	[CK_STATUS_REASON_EXPIRED] = "Expired",
	[CK_STATUS_REASON_SERVICE_UNAVAILABLE] = "ServiceUnavailable",
};

const char *ck_status_reason_string(enum ck_status_reason reason)
{
	CK_BUG_ON((size_t)reason >= CK_ARRAY_SIZE(reason_names));
	return reason_names[reason];
}

enum ck_status_reason ck_status_reason_parse(const char *text)
{
	if (!text || !*text)
		return CK_STATUS_REASON_UNKNOWN;
	for (size_t i = 1; i < CK_ARRAY_SIZE(reason_names); i++) {
		if (strcmp(reason_names[i], text) == 0)
			return (enum ck_status_reason)i;
	}
	return CK_STATUS_REASON_UNKNOWN;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* metav1.StatusDetails; NULL strings and 0 are omitted. */
struct details {
	const char *name;
	const char *group;
	const char *kind;
	const char *uid;
	struct json_object *causes; /* owned; omitted when NULL or empty */
	int retry_after_seconds;
};

static void add_str(struct json_object *o, const char *key, const char *value)
{
	if (!empty(value))
		json_object_object_add(o, key, json_object_new_string(value));
}

/*
 * The Status as the apiserver writes it: kind, apiVersion, metadata,
 * status, message, reason, details, code (Go's field order, omitempty).
 * Takes ownership of d->causes; returns a new object the caller owns.
 */
static struct json_object *status_new(const char *status, int code, enum ck_status_reason reason,
				      const char *message, struct details *d)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("Status"));
	json_object_object_add(o, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(o, "metadata", json_object_new_object());
	add_str(o, "status", status);
	add_str(o, "message", message);
	add_str(o, "reason", reason_names[reason]);
	if (d) {
		struct json_object *det = json_object_new_object();
		add_str(det, "name", d->name);
		add_str(det, "group", d->group);
		add_str(det, "kind", d->kind);
		add_str(det, "uid", d->uid);
		if (d->causes && json_object_array_length(d->causes) > 0)
			json_object_object_add(det, "causes", d->causes);
		else
			json_object_put(d->causes);
		d->causes = NULL;
		if (d->retry_after_seconds)
			json_object_object_add(det, "retryAfterSeconds",
					       json_object_new_int(d->retry_after_seconds));
		json_object_object_add(o, "details", det);
	}
	if (code)
		json_object_object_add(o, "code", json_object_new_int(code));
	return o;
}

/* A "Failure" Status; a new object the caller owns. */
static struct json_object *failure(int code, enum ck_status_reason reason, const char *message,
				   struct details *d)
{
	return status_new("Failure", code, reason, message, d);
}

/* schema.GroupResource.String(): "resource" or "resource.group". */
static void add_qualified(struct ck_buf *b, const char *group, const char *resource)
{
	ck_buf_adds(b, str_or_empty(resource));
	if (!empty(group))
		ck_buf_addf(b, ".%s", group);
}

static void add_q(struct ck_buf *b, const char *s)
{
	ck_buf_add_quoted(b, str_or_empty(s));
}

/* "<prefix><qualified> <%q name><suffix>"; the caller frees it. */
static char *named_message(const char *prefix, const char *group, const char *resource,
			   const char *name, const char *suffix)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_adds(&b, prefix);
	add_qualified(&b, group, resource);
	ck_buf_addc(&b, ' ');
	add_q(&b, name);
	ck_buf_adds(&b, suffix);
	char *s = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return s;
}

/* As failure(), freeing message; a new object the caller owns. */
static struct json_object *failure_owned_message(int code, enum ck_status_reason reason,
						 char *message, struct details *d)
{
	struct json_object *o = failure(code, reason, message, d);
	free(message);
	return o;
}

struct json_object *ck_status_new_not_found(const char *group, const char *resource,
					    const char *name)
{
	struct details d = { .name = name, .group = group, .kind = resource };
	return failure_owned_message(404, CK_STATUS_REASON_NOT_FOUND,
				     named_message("", group, resource, name, " not found"), &d);
}

struct json_object *ck_status_new_already_exists(const char *group, const char *resource,
						 const char *name)
{
	struct details d = { .name = name, .group = group, .kind = resource };
	return failure_owned_message(409, CK_STATUS_REASON_ALREADY_EXISTS,
				     named_message("", group, resource, name, " already exists"),
				     &d);
}

struct json_object *ck_status_new_generate_name_conflict(const char *group, const char *resource,
							 const char *name, int retry_after_seconds)
{
	struct details d = { .name = name,
			     .group = group,
			     .kind = resource,
			     .retry_after_seconds = retry_after_seconds };
	return failure_owned_message(
	    409, CK_STATUS_REASON_ALREADY_EXISTS,
	    named_message("", group, resource, name,
			  " already exists, the server was not able to generate a unique name "
			  "for the object"),
	    &d);
}

struct json_object *ck_status_new_conflict(const char *group, const char *resource,
					   const char *name, const char *err)
{
	struct details d = { .name = name, .group = group, .kind = resource };
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, ": %s", str_or_empty(err));
	char *msg = named_message("Operation cannot be fulfilled on ", group, resource, name,
				  ck_buf_str(&b));
	ck_buf_release(&b);
	return failure_owned_message(409, CK_STATUS_REASON_CONFLICT, msg, &d);
}

struct json_object *ck_status_new_invalid(const char *group, const char *kind, const char *name,
					  const struct ck_field_errors *errs)
{
	struct json_object *causes = json_object_new_array();
	for (size_t i = 0; errs && i < errs->len; i++) {
		const struct ck_field_error *e = &errs->items[i];
		struct json_object *c = json_object_new_object();
		add_str(c, "reason", ck_field_error_type_reason(e->type));
		add_str(c, "message", e->body);
		add_str(c, "field", e->field);
		json_object_array_add(causes, c);
	}
	struct details d = { .name = name, .group = group, .kind = kind, .causes = causes };
	char *agg = ck_field_errors_aggregate(errs);
	struct ck_buf suffix;
	ck_buf_init(&suffix, 0);
	ck_buf_adds(&suffix, " is invalid");
	if (agg)
		ck_buf_addf(&suffix, ": %s", agg);
	free(agg);
	/* schema.GroupKind.String() has the same shape as GroupResource's */
	char *msg = named_message("", group, kind, name, ck_buf_str(&suffix));
	ck_buf_release(&suffix);
	return failure_owned_message(422, CK_STATUS_REASON_INVALID, msg, &d);
}

struct json_object *ck_status_new_bad_request(const char *reason)
{
	return failure(400, CK_STATUS_REASON_BAD_REQUEST, reason, NULL);
}

struct json_object *ck_status_new_unauthorized(const char *reason)
{
	return failure(401, CK_STATUS_REASON_UNAUTHORIZED,
		       empty(reason) ? "not authorized" : reason, NULL);
}

struct json_object *ck_status_new_forbidden(const char *group, const char *resource,
					    const char *name, const char *err)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (empty(group) && empty(resource)) {
		ck_buf_addf(&b, "forbidden: %s", str_or_empty(err));
	} else {
		add_qualified(&b, group, resource);
		if (!empty(name)) {
			ck_buf_addc(&b, ' ');
			add_q(&b, name);
		}
		ck_buf_addf(&b, " is forbidden: %s", str_or_empty(err));
	}
	struct details d = { .name = name, .group = group, .kind = resource };
	struct json_object *o = failure(403, CK_STATUS_REASON_FORBIDDEN, ck_buf_str(&b), &d);
	ck_buf_release(&b);
	return o;
}

/* The apiserver's sanitizer: & < > as HTML entities. */
static void add_sanitized(struct ck_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			ck_buf_adds(out, "&amp;");
		else if (*s == '<')
			ck_buf_adds(out, "&lt;");
		else if (*s == '>')
			ck_buf_adds(out, "&gt;");
		else
			ck_buf_addc(out, *s);
	}
}

/*
 * Upstream passes the message to fmt.Errorf as the format: "%%" becomes
 * "%" and a verb without its argument prints as "%!v(MISSING)".
 */
static void add_as_go_format(struct ck_buf *out, const char *s)
{
	while (*s) {
		if (*s != '%') {
			ck_buf_addc(out, *s++);
			continue;
		}
		s++;
		while (*s && strchr("+-# 0", *s))
			s++;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		if (!*s) {
			ck_buf_adds(out, "%!(NOVERB)");
			break;
		}
		if (*s == '%') {
			ck_buf_addc(out, '%');
			s++;
			continue;
		}
		size_t len = 1;
		if ((unsigned char)*s >= 0x80)
			ck_utf8_decode(s, strlen(s), &len);
		ck_buf_adds(out, "%!");
		ck_buf_add(out, s, len);
		ck_buf_adds(out, "(MISSING)");
		s += len;
	}
}

struct json_object *ck_status_new_forbidden_request(const struct ck_status_request_attrs *a,
						    const char *reason)
{
	struct ck_buf m;
	ck_buf_init(&m, 0);
	ck_buf_adds(&m, "User ");
	add_q(&m, a->user);
	ck_buf_addf(&m, " cannot %s ", str_or_empty(a->verb));
	if (!a->resource_request) {
		ck_buf_adds(&m, "path ");
		add_q(&m, a->path);
	} else {
		struct ck_buf res;
		ck_buf_init(&res, 0);
		ck_buf_adds(&res, str_or_empty(a->resource));
		if (!empty(a->subresource))
			ck_buf_addf(&res, "/%s", a->subresource);
		ck_buf_adds(&m, "resource ");
		add_q(&m, ck_buf_str(&res));
		ck_buf_release(&res);
		ck_buf_adds(&m, " in API group ");
		add_q(&m, a->group);
		if (!empty(a->namespace)) {
			ck_buf_adds(&m, " in the namespace ");
			add_q(&m, a->namespace);
		} else {
			ck_buf_adds(&m, " at the cluster scope");
		}
	}
	struct ck_buf msg;
	ck_buf_init(&msg, 0);
	add_sanitized(&msg, ck_buf_str(&m));
	if (!empty(reason))
		ck_buf_addf(&msg, ": %s", reason);
	ck_buf_release(&m);

	struct ck_buf err;
	ck_buf_init(&err, 0);
	add_as_go_format(&err, ck_buf_str(&msg));
	ck_buf_release(&msg);
	struct json_object *o =
	    ck_status_new_forbidden(a->group, a->resource, a->name, ck_buf_str(&err));
	ck_buf_release(&err);
	return o;
}

struct json_object *ck_status_new_gone(const char *message)
{
	return failure(410, CK_STATUS_REASON_GONE, message, NULL);
}

struct json_object *ck_status_new_resource_expired(const char *message)
{
	return failure(410, CK_STATUS_REASON_EXPIRED, message, NULL);
}

struct json_object *ck_status_new_too_many_requests(const char *message, int retry_after_seconds)
{
	struct details d = { .retry_after_seconds = retry_after_seconds };
	return failure(429, CK_STATUS_REASON_TOO_MANY_REQUESTS, message, &d);
}

/* A Failure whose message is prefix + message; a new object the caller owns. */
static struct json_object *prefixed(int code, enum ck_status_reason reason, const char *prefix,
				    const char *message, struct details *d)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "%s%s", prefix, str_or_empty(message));
	struct json_object *o = failure(code, reason, ck_buf_str(&b), d);
	ck_buf_release(&b);
	return o;
}

struct json_object *ck_status_new_too_many_requests_error(const char *message)
{
	return prefixed(429, CK_STATUS_REASON_TOO_MANY_REQUESTS, "Too many requests: ", message,
			NULL);
}

struct json_object *ck_status_new_method_not_supported(const char *group, const char *resource,
						       const char *action)
{
	struct ck_buf b, q;
	ck_buf_init(&b, 0);
	ck_buf_init(&q, 0);
	add_qualified(&q, group, resource);
	ck_buf_addf(&b, "%s is not supported on resources of kind ", str_or_empty(action));
	add_q(&b, ck_buf_str(&q));
	struct details d = { .group = group, .kind = resource };
	struct json_object *o =
	    failure(405, CK_STATUS_REASON_METHOD_NOT_ALLOWED, ck_buf_str(&b), &d);
	ck_buf_release(&b);
	ck_buf_release(&q);
	return o;
}

/* A Failure listing media types; a new object the caller owns. */
static struct json_object *media_types(int code, enum ck_status_reason reason, const char *prefix,
				       const char *const *accepted, size_t n)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_adds(&b, prefix);
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(&b, "%s%s", i ? ", " : "", accepted[i]);
	struct json_object *o = failure(code, reason, ck_buf_str(&b), NULL);
	ck_buf_release(&b);
	return o;
}

struct json_object *ck_status_new_not_acceptable(const char *const *accepted, size_t n)
{
	return media_types(406, CK_STATUS_REASON_NOT_ACCEPTABLE,
			   "only the following media types are accepted: ", accepted, n);
}

struct json_object *ck_status_new_unsupported_media_type(const char *const *accepted, size_t n)
{
	return media_types(
	    415, CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE,
	    "the body of the request was in an unknown format - accepted media types include: ",
	    accepted, n);
}

struct json_object *ck_status_new_request_entity_too_large(const char *message)
{
	return prefixed(413, CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE,
			"Request entity too large: ", message, NULL);
}

struct json_object *ck_status_new_internal_error(const char *err)
{
	struct json_object *causes = json_object_new_array();
	struct json_object *c = json_object_new_object();
	add_str(c, "message", err);
	json_object_array_add(causes, c);
	struct details d = { .causes = causes };
	return prefixed(500, CK_STATUS_REASON_INTERNAL_ERROR, "Internal error occurred: ", err, &d);
}

struct json_object *ck_status_new_plain_error(const char *message)
{
	return failure(500, CK_STATUS_REASON_UNKNOWN, message, NULL);
}

struct json_object *ck_status_new_timeout(const char *message, int retry_after_seconds)
{
	struct details d = { .retry_after_seconds = retry_after_seconds };
	return prefixed(504, CK_STATUS_REASON_TIMEOUT, "Timeout: ", message, &d);
}

struct json_object *ck_status_new_server_timeout(const char *group, const char *resource,
						 const char *operation, int retry_after_seconds)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "The %s operation against ", str_or_empty(operation));
	add_qualified(&b, group, resource);
	ck_buf_adds(&b, " could not be completed at this time, please try again.");
	struct details d = { .name = operation,
			     .group = group,
			     .kind = resource,
			     .retry_after_seconds = retry_after_seconds };
	struct json_object *o = failure(500, CK_STATUS_REASON_SERVER_TIMEOUT, ck_buf_str(&b), &d);
	ck_buf_release(&b);
	return o;
}

struct json_object *ck_status_new_service_unavailable(const char *reason)
{
	return failure(503, CK_STATUS_REASON_SERVICE_UNAVAILABLE, reason, NULL);
}

struct json_object *ck_status_new_generic_server_response(int code, const char *verb,
							  const char *group, const char *resource,
							  const char *name,
							  const char *server_message,
							  int retry_after_seconds, bool unexpected)
{
	enum ck_status_reason reason = CK_STATUS_REASON_UNKNOWN;
	struct ck_buf m;
	ck_buf_init(&m, 0);
	ck_buf_addf(&m,
		    "the server responded with the status code %d but did not return more "
		    "information",
		    code);
	const char *fixed = NULL;
	switch (code) {
	case 409:
		reason = verb && strcmp(verb, "POST") == 0 ? CK_STATUS_REASON_ALREADY_EXISTS
							   : CK_STATUS_REASON_CONFLICT;
		fixed = "the server reported a conflict";
		break;
	case 404:
		reason = CK_STATUS_REASON_NOT_FOUND;
		fixed = "the server could not find the requested resource";
		break;
	case 400:
		reason = CK_STATUS_REASON_BAD_REQUEST;
		fixed = "the server rejected our request for an unknown reason";
		break;
	case 401:
		reason = CK_STATUS_REASON_UNAUTHORIZED;
		fixed = "the server has asked for the client to provide credentials";
		break;
	case 403:
		reason = CK_STATUS_REASON_FORBIDDEN;
		fixed = str_or_empty(server_message);
		break;
	case 406:
		reason = CK_STATUS_REASON_NOT_ACCEPTABLE;
		if (empty(server_message) || strcmp(server_message, "unknown") == 0)
			fixed = "the server was unable to respond with a content type that the "
				"client supports";
		else
			fixed = server_message;
		break;
	case 415:
		reason = CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE;
		fixed = str_or_empty(server_message);
		break;
	case 405:
		reason = CK_STATUS_REASON_METHOD_NOT_ALLOWED;
		fixed = "the server does not allow this method on the requested resource";
		break;
	case 422:
		reason = CK_STATUS_REASON_INVALID;
		fixed = "the server rejected our request due to an error in our request";
		break;
	case 503:
		reason = CK_STATUS_REASON_SERVICE_UNAVAILABLE;
		fixed = "the server is currently unable to handle the request";
		break;
	case 504:
		reason = CK_STATUS_REASON_TIMEOUT;
		fixed = "the server was unable to return a response in the time allotted, but may "
			"still be processing the request";
		break;
	case 429:
		reason = CK_STATUS_REASON_TOO_MANY_REQUESTS;
		fixed = "the server has received too many requests and has asked us to try "
			"again later";
		break;
	default:
		if (code >= 500) {
			reason = CK_STATUS_REASON_INTERNAL_ERROR;
			ck_buf_reset(&m);
			ck_buf_adds(&m, "an error on the server (");
			add_q(&m, server_message);
			ck_buf_adds(&m, ") has prevented the request from succeeding");
		}
		break;
	}
	if (fixed) {
		ck_buf_reset(&m);
		ck_buf_adds(&m, fixed);
	}
	if (!empty(group) || !empty(resource)) {
		/* strings.ToLower(verb): verbs are ASCII */
		ck_buf_adds(&m, " (");
		for (const char *v = str_or_empty(verb); *v; v++)
			ck_buf_addc(&m, (char)(*v >= 'A' && *v <= 'Z' ? *v - 'A' + 'a' : *v));
		ck_buf_addc(&m, ' ');
		add_qualified(&m, group, resource);
		if (!empty(name))
			ck_buf_addf(&m, " %s", name);
		ck_buf_addc(&m, ')');
	}
	struct json_object *causes = NULL;
	if (unexpected) {
		causes = json_object_new_array();
		struct json_object *c = json_object_new_object();
		add_str(c, "reason", "UnexpectedServerResponse");
		add_str(c, "message", server_message);
		json_object_array_add(causes, c);
	}
	struct details d = { .name = name,
			     .group = group,
			     .kind = resource,
			     .causes = causes,
			     .retry_after_seconds = retry_after_seconds };
	struct json_object *o = failure(code, reason, ck_buf_str(&m), &d);
	ck_buf_release(&m);
	return o;
}

struct json_object *ck_status_new_success(const char *group, const char *kind, const char *name,
					  const char *uid, int code)
{
	struct details d = { .name = name, .group = group, .kind = kind, .uid = uid };
	return status_new("Success", code, CK_STATUS_REASON_UNKNOWN, NULL, &d);
}

/* o[key] when o is an object, else NULL; borrowed. */
static struct json_object *field(const struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *string_field(const struct json_object *o, const char *key)
{
	struct json_object *v = field(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

bool ck_status_is_status(const struct json_object *st)
{
	const char *v = string_field(st, "apiVersion");
	return strcmp(string_field(st, "kind"), "Status") == 0 &&
	       (strcmp(v, "v1") == 0 || strcmp(v, "meta.k8s.io/v1") == 0);
}

int ck_status_code(const struct json_object *st)
{
	struct json_object *v = field(st, "code");
	return json_object_is_type(v, json_type_int) ? json_object_get_int(v) : 0;
}

const char *ck_status_reason(const struct json_object *st)
{
	return string_field(st, "reason");
}

const char *ck_status_message(const struct json_object *st)
{
	return string_field(st, "message");
}

int ck_status_retry_after_seconds(const struct json_object *st)
{
	struct json_object *v = field(field(st, "details"), "retryAfterSeconds");
	return json_object_is_type(v, json_type_int) ? json_object_get_int(v) : 0;
}

/* The HTTP code upstream's Is* functions fall back to, 0 for reason-only ones. */
static int reason_code(enum ck_status_reason reason)
{
	switch (reason) {
	case CK_STATUS_REASON_NOT_FOUND:
		return 404;
	case CK_STATUS_REASON_CONFLICT:
		return 409;
	case CK_STATUS_REASON_INVALID:
		return 422;
	case CK_STATUS_REASON_GONE:
		return 410;
	case CK_STATUS_REASON_NOT_ACCEPTABLE:
		return 406;
	case CK_STATUS_REASON_UNSUPPORTED_MEDIA_TYPE:
		return 415;
	case CK_STATUS_REASON_METHOD_NOT_ALLOWED:
		return 405;
	case CK_STATUS_REASON_SERVICE_UNAVAILABLE:
		return 503;
	case CK_STATUS_REASON_BAD_REQUEST:
		return 400;
	case CK_STATUS_REASON_UNAUTHORIZED:
		return 401;
	case CK_STATUS_REASON_FORBIDDEN:
		return 403;
	case CK_STATUS_REASON_TIMEOUT:
		return 504;
	case CK_STATUS_REASON_INTERNAL_ERROR:
		return 500;
	case CK_STATUS_REASON_TOO_MANY_REQUESTS:
		return 429;
	case CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE:
		return 413;
	default:
		return 0;
	}
}

bool ck_status_is(const struct json_object *st, enum ck_status_reason reason)
{
	const char *text = ck_status_reason(st);
	enum ck_status_reason have = ck_status_reason_parse(text);
	if (reason != CK_STATUS_REASON_UNKNOWN && have == reason)
		return true;
	int code = reason_code(reason);
	if (!code)
		return false;
	if (reason == CK_STATUS_REASON_TOO_MANY_REQUESTS ||
	    reason == CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE)
		return ck_status_code(st) == code;
	return have == CK_STATUS_REASON_UNKNOWN && ck_status_code(st) == code;
}

bool ck_status_suggests_client_delay(const struct json_object *st, int *ret_seconds)
{
	if (!json_object_is_type(field(st, "details"), json_type_object))
		return false;
	int seconds = ck_status_retry_after_seconds(st);
	if (ck_status_reason_parse(ck_status_reason(st)) == CK_STATUS_REASON_SERVER_TIMEOUT ||
	    seconds > 0) {
		if (ret_seconds)
			*ret_seconds = seconds;
		return true;
	}
	return false;
}

struct json_object *ck_status_new_apply_conflict(struct json_object *causes, const char *message)
{
	struct details d = { .causes = causes };
	return failure(409, CK_STATUS_REASON_CONFLICT, message, &d);
}
