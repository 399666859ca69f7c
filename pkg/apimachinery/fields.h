/*
 * Field selectors, as upstream's k8s.io/apimachinery pkg/fields
 * (ParseSelector, Selector.String/Matches/Empty/RequiresExactMatch/
 * Transform/Requirements, EscapeValue, UnescapeValue), v1.30.
 *
 * A selector is an AND of terms "field=value", "field==value" (the same
 * thing) and "field!=value", separated by commas:
 *
 *   "metadata.name=foo,status.phase!=Running"
 *
 * In values, '\', ',' and '=' are written "\\", "\," and "\="; any other
 * backslash sequence, or a bare ',' or '=' in a value, is an error. Field
 * names are taken as they are, up to the first operator. Terms are kept in
 * the sorted order of their text as written, as upstream; String() writes
 * "=" for both equality forms and escapes the values. "" is the everything
 * selector; a term with an empty field and an empty value ("=") is dropped.
 *
 * Which field names are allowed is the API server's business (upstream
 * rejects others with "field label not supported: X"): it reads them with
 * ck_field_selector_count()/ck_field_selector_requirement() or rewrites them
 * with ck_field_selector_transform().
 *
 * Errors: 0 or a negative errno (-EINVAL for bad input); when ret_err is
 * not NULL, *ret_err is set on failure to upstream's message, which the
 * caller owns. Out-parameters are written only on success. Selectors have
 * one owner and may be read from several threads at once.
 */
#ifndef CK_APIMACHINERY_FIELDS_H
#define CK_APIMACHINERY_FIELDS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

enum ck_field_op {
	CK_FIELD_OP_EQUALS,	/* "=" or "==" */
	CK_FIELD_OP_NOT_EQUALS, /* "!=" */
};

/* One term, read-only for callers; value is unescaped. */
struct ck_field_requirement {
	char *field;
	enum ck_field_op op;
	char *value;
};

struct ck_field_selector;

/*
 * Where a selector reads field values when matching: returns the value of
 * field (borrowed, valid until the match returns) or NULL when the object
 * has no such field, which compares as "" (upstream's Fields.Get).
 */
typedef const char *(*ck_field_lookup_fn)(void *ctx, const char *field);

/*
 * Parses the string form (upstream fields.ParseSelector); "" and NULL give
 * the everything selector. *ret is a new selector the caller owns.
 */
int ck_field_selector_parse(const char *s, struct ck_field_selector **ret, char **ret_err);

/* New selectors, owned by the caller, never NULL: everything; one field=value
 * term (upstream OneTermEqualSelector; strings copied); and field=value for
 * every entry of a flat json-c map of strings (upstream SelectorFromSet,
 * sorted by field; NULL gives everything). */
struct ck_field_selector *ck_field_selector_everything(void);
struct ck_field_selector *ck_field_selector_one_term_equal(const char *field, const char *value);
struct ck_field_selector *ck_field_selector_from_set(json_object *set);

/* Frees sel and everything it holds; NULL-safe. */
void ck_field_selector_free(struct ck_field_selector *sel);

/* Whether every term holds for the values lookup gives. */
bool ck_field_selector_matches(const struct ck_field_selector *sel, ck_field_lookup_fn lookup,
			       void *ctx);
/* The same against a flat json-c map {"metadata.name": "x", ...} (borrowed;
 * NULL is an empty map; non-string values compare as their JSON text). */
bool ck_field_selector_matches_set(const struct ck_field_selector *sel, json_object *fields);

/* True when the selector has no terms. */
bool ck_field_selector_empty(const struct ck_field_selector *sel);

/* The string form, values escaped; the caller owns it (never NULL). */
char *ck_field_selector_string(const struct ck_field_selector *sel);

/*
 * Upstream RequiresExactMatch: whether some term is field=value (the first
 * one found wins); *ret_value (may be NULL) then points into sel, borrowed.
 */
bool ck_field_selector_requires_exact_match(const struct ck_field_selector *sel, const char *field,
					    const char **ret_value);

/* The terms, in order; borrowed from sel. */
size_t ck_field_selector_count(const struct ck_field_selector *sel);
const struct ck_field_requirement *
ck_field_selector_requirement(const struct ck_field_selector *sel, size_t i);

/*
 * Rewrites every term (upstream Selector.Transform, as the API server's
 * field label conversion uses): fn gets the field and value (borrowed) and
 * returns 0 with *ret_field and *ret_value set to new strings it allocated
 * (the transform takes them), or a negative errno with *ret_err set to an
 * owned message (or left NULL). A term turned into an empty field and an
 * empty value is dropped. On success *ret is a new selector the caller
 * owns; sel is not changed.
 */
typedef int (*ck_field_transform_fn)(void *ctx, const char *field, const char *value,
				     char **ret_field, char **ret_value, char **ret_err);
int ck_field_selector_transform(const struct ck_field_selector *sel, ck_field_transform_fn fn,
				void *ctx, struct ck_field_selector **ret, char **ret_err);

/* Escapes '\', ',' and '=' with a backslash (upstream EscapeValue); owned. */
char *ck_field_escape_value(const char *s);
/*
 * Undoes ck_field_escape_value (upstream UnescapeValue): "\\", "\," and
 * "\=" are the only escapes; any other, a trailing '\', or a bare ',' or '='
 * fails with -EINVAL and upstream's message. *ret is owned by the caller.
 */
int ck_field_unescape_value(const char *s, char **ret, char **ret_err);

#endif
