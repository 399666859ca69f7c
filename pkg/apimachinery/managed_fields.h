/*
 * Field sets and metadata.managedFields, as upstream's structured-merge-diff
 * (fieldpath.Set) and its FieldsV1 wire form.
 *
 * A field set is kept in its wire form, a json-c object tree:
 *
 *	{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
 *	 "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}
 *
 * Each key below the root is one path element: "f:<field>" (a field or map
 * key), "k:<JSON object>" (a list item by its map keys), "v:<JSON value>" (a
 * set item), "i:<index>" (a list item by position). A node (the value at a
 * key) is a member of the set when it is empty ({}) or holds "." ; its other
 * keys are members further down. The root is never a member.
 *
 * Invariants:
 *  - Sets made here have no empty non-member nodes and list "." first, then
 *    the elements in upstream's order (f < k < v < i, then by text), so the
 *    JSON written is what upstream writes.
 *  - Every function returning a json_object says whether the caller owns it;
 *    arguments are borrowed and never modified unless said.
 */
#ifndef CK_APIMACHINERY_MANAGED_FIELDS_H
#define CK_APIMACHINERY_MANAGED_FIELDS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- field sets ---- */

/*
 * Checks that set is a well-formed FieldsV1 tree: objects all the way, keys
 * "." (whose value is {}) or a known prefix with a valid element. 0, or
 * -EINVAL with *ret_err (owned, may be NULL) saying what is wrong.
 */
int ck_fieldset_validate(json_object *set, char **ret_err);

/* Parses FieldsV1 JSON text of len bytes and validates it; *ret owned. */
int ck_fieldset_decode(const char *data, size_t len, json_object **ret, char **ret_err);

/* Whether set has no member. */
bool ck_fieldset_empty(json_object *set);

/* Set algebra; each result is a new, sorted set (owned). b may be NULL. */
json_object *ck_fieldset_union(json_object *a, json_object *b);
json_object *ck_fieldset_difference(json_object *a, json_object *b);
json_object *ck_fieldset_intersection(json_object *a, json_object *b);

/* A sorted deep copy of set (owned): the form to write on the wire. */
json_object *ck_fieldset_sorted(json_object *set);

/*
 * set (taken: the caller's alone) in the order of ck_fieldset_sorted, sorted
 * in place: only nodes whose own keys are out of order are rebuilt, so a
 * sorted set costs no allocation. Owned result (set itself or its
 * replacement).
 */
json_object *ck_fieldset_sort(json_object *set);

/*
 * Adds the member at path (n elements such as "f:spec", "k:{…}") to set,
 * modified in place.
 */
void ck_fieldset_insert(json_object *set, const char *const *path, size_t n);

/* The node at path in set (borrowed), or NULL: set has that path or below. */
json_object *ck_fieldset_node(json_object *set, const char *const *path, size_t n);

/* Called for each member path, in set order; non-zero stops the walk. */
typedef int (*ck_fieldset_fn)(const char *const *path, size_t n, void *arg);
int ck_fieldset_each(json_object *set, ck_fieldset_fn fn, void *arg);

/*
 * A path as upstream prints it: ".spec.containers[name=\"web\"].image",
 * "[=\"x\"]" for set items, "[3]" for indexes. Owned.
 */
char *ck_fieldset_path_string(const char *const *path, size_t n);

/* ---- metadata.managedFields ---- */

/* One managedFields entry. Strings are owned; fields is an owned set. */
struct ck_managed_entry {
	char *manager;
	char *operation; /* "Apply" or "Update" */
	char *api_version;
	char *time;	   /* RFC 3339, or NULL */
	char *subresource; /* "" for the main resource */
	json_object *fields;
};

struct ck_managed_fields {
	struct ck_managed_entry *v;
	size_t n;
};

/*
 * Decodes a managedFields list (a JSON array, borrowed; NULL reads as
 * empty) into *ret, which the caller releases. Entries that are wholly
 * empty ({}) are skipped, as upstream drops them. -EINVAL with *ret_err
 * (owned) for anything else malformed: an operation other than Apply or
 * Update, a fieldsType other than FieldsV1, a bad FieldsV1 tree.
 */
int ck_managed_fields_decode(json_object *list, struct ck_managed_fields *ret, char **ret_err);
void ck_managed_fields_release(struct ck_managed_fields *mf);

/*
 * The entry of (manager, operation, subresource), and for Update also
 * api_version (upstream's manager identity); NULL when none.
 */
struct ck_managed_entry *ck_managed_fields_find(struct ck_managed_fields *mf, const char *manager,
						const char *operation, const char *subresource,
						const char *api_version);

/* Appends an entry with an empty set; returns it (owned by mf). */
struct ck_managed_entry *ck_managed_fields_add(struct ck_managed_fields *mf, const char *manager,
					       const char *operation, const char *subresource,
					       const char *api_version);

/*
 * The list to store (owned): entries with empty sets dropped, sorted as
 * upstream sorts them (operation, time, manager, apiVersion, subresource).
 * NULL when no entry is left.
 */
json_object *ck_managed_fields_encode(const struct ck_managed_fields *mf);

/*
 * How upstream names an entry in conflict messages: "\"m\"", with
 * " with subresource \"status\"" and, for Update, " using apps/v1".
 * Writes at most size bytes into out.
 */
void ck_managed_entry_describe(const struct ck_managed_entry *e, char *out, size_t size);

/*
 * The default field manager for a request without fieldManager: the
 * User-Agent up to its first '/', at most 128 bytes (upstream's
 * prefixFromUserAgent). Owned; "" for no User-Agent.
 */
char *ck_managed_fields_default_manager(const char *user_agent);

#endif
