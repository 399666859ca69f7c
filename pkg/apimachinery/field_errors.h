/*
 * Field errors: what validation found wrong with an object, field by field,
 * as upstream's k8s.io/apimachinery/pkg/util/validation/field (Path, Error,
 * ErrorList). A Status of reason Invalid is made from a list of them
 * (ck_status_new_invalid in apimachinery/status.h).
 *
 * Invariants:
 *  - An error is a type, a field path ("spec.containers[0].name"), a detail
 *    and its body (upstream's ErrorBody(), the message without the field),
 *    all fixed when it is added: "Required value", `Invalid value: "Foo":
 *    a lowercase RFC 1123 label ...`, `Unsupported value: "X": supported
 *    values: "Always", "Never"`, "Too long: must have at most 63 bytes".
 *  - The bad value is printed as upstream prints Go values: strings quoted
 *    as Go's %q, numbers and booleans bare, JSON null as "null" (quoted,
 *    as upstream). Arrays and objects, which upstream prints as Go syntax
 *    of their Go types, are printed as compact JSON.
 *  - A struct ck_field_errors is caller-owned memory: ck_field_errors_init()
 *    it, ck_field_errors_release() it. Adding never fails (allocation
 *    failure aborts, as ck_malloc).
 */
#ifndef CK_APIMACHINERY_FIELD_ERRORS_H
#define CK_APIMACHINERY_FIELD_ERRORS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/buf.h"

/* Upstream's field.ErrorType; the reason string is the Status cause type. */
enum ck_field_error_type {
	CK_FIELD_ERROR_NOT_FOUND,     /* FieldValueNotFound, "Not found" */
	CK_FIELD_ERROR_REQUIRED,      /* FieldValueRequired, "Required value" */
	CK_FIELD_ERROR_DUPLICATE,     /* FieldValueDuplicate, "Duplicate value" */
	CK_FIELD_ERROR_INVALID,	      /* FieldValueInvalid, "Invalid value" */
	CK_FIELD_ERROR_NOT_SUPPORTED, /* FieldValueNotSupported, "Unsupported value" */
	CK_FIELD_ERROR_FORBIDDEN,     /* FieldValueForbidden, "Forbidden" */
	CK_FIELD_ERROR_TOO_LONG,      /* FieldValueTooLong, "Too long" */
	CK_FIELD_ERROR_TOO_MANY,      /* FieldValueTooMany, "Too many" */
	CK_FIELD_ERROR_INTERNAL,      /* InternalError, "Internal error" */
	CK_FIELD_ERROR_TYPE_INVALID,  /* FieldValueTypeInvalid, "Invalid value" */
};

/* The cause type ("FieldValueRequired"); static string. */
const char *ck_field_error_type_reason(enum ck_field_error_type type);
/* The canonical message ("Required value"); static string. */
const char *ck_field_error_type_string(enum ck_field_error_type type);

struct ck_field_error {
	enum ck_field_error_type type;
	char *field;  /* the path, as Path.String() */
	char *detail; /* "" when none */
	char *body;   /* ErrorBody(): the message without the field */
};

struct ck_field_errors {
	struct ck_field_error *items;
	size_t len;
	size_t alloc;
};

void ck_field_errors_init(struct ck_field_errors *l);
/* Frees every error; the list is empty and reusable. NULL-safe. */
void ck_field_errors_release(struct ck_field_errors *l);
/* Moves every error of src to the end of dst; src is left empty. */
void ck_field_errors_append(struct ck_field_errors *dst, struct ck_field_errors *src);

/*
 * Adders, one per upstream constructor. field is the path string (built
 * with the ck_field_path_* helpers below); value is the bad value, borrowed
 * (NULL is JSON null); detail may be NULL or "" for none.
 */
void ck_field_errors_add_required(struct ck_field_errors *l, const char *field, const char *detail);
void ck_field_errors_add_invalid(struct ck_field_errors *l, const char *field,
				 const struct json_object *value, const char *detail);
/* Invalid without the value (upstream's field.OmitValueType{}). */
void ck_field_errors_add_invalid_omit_value(struct ck_field_errors *l, const char *field,
					    const char *detail);
/* Invalid with a string or integer bad value, without building json-c. */
void ck_field_errors_add_invalid_str(struct ck_field_errors *l, const char *field,
				     const char *value, const char *detail);
void ck_field_errors_add_invalid_int(struct ck_field_errors *l, const char *field, int64_t value,
				     const char *detail);
/* NotSupported: the valid values are listed quoted, in the order given. */
void ck_field_errors_add_not_supported(struct ck_field_errors *l, const char *field,
				       const struct json_object *value,
				       const char *const *valid_values, size_t n_valid);
void ck_field_errors_add_forbidden(struct ck_field_errors *l, const char *field,
				   const char *detail);
void ck_field_errors_add_duplicate(struct ck_field_errors *l, const char *field,
				   const struct json_object *value);
void ck_field_errors_add_not_found(struct ck_field_errors *l, const char *field,
				   const struct json_object *value);
/* TooLong: "must have at most N bytes"; the value is never printed. */
void ck_field_errors_add_too_long(struct ck_field_errors *l, const char *field, int max_length);
/* TooLongMaxLength: "may not be longer than N", or "value is too long" for N < 0. */
void ck_field_errors_add_too_long_max_length(struct ck_field_errors *l, const char *field,
					     int max_length);
/*
 * TooMany: "must have at most N items" ("has too many items" for max < 0);
 * the actual count is printed when it is not negative.
 */
void ck_field_errors_add_too_many(struct ck_field_errors *l, const char *field, int actual,
				  int max_quantity);
void ck_field_errors_add_type_invalid(struct ck_field_errors *l, const char *field,
				      const struct json_object *value, const char *detail);
/* InternalError: err is the error's message. */
void ck_field_errors_add_internal(struct ck_field_errors *l, const char *field, const char *err);

/* "field: body", as upstream's Error.Error(); the caller owns the string. */
char *ck_field_error_string(const struct ck_field_error *e);

/*
 * The list as upstream's ErrorList.ToAggregate().Error(): NULL for an empty
 * list, the one message when all messages are the same, else
 * "[msg1, msg2, ...]" with repeated messages dropped. The caller owns it.
 */
char *ck_field_errors_aggregate(const struct ck_field_errors *l);

/*
 * Path building on a ck_buf, as upstream's field.Path: child appends
 * ".name" ("name" on an empty path), index "[N]", key "[key]". Remember
 * path->len before descending and ck_buf_truncate() back to it after.
 * 0 or -E2BIG.
 */
int ck_field_path_child(struct ck_buf *path, const char *name);
int ck_field_path_index(struct ck_buf *path, long long index);
int ck_field_path_key(struct ck_buf *path, const char *key);

#endif
