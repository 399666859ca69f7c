/*
 * JSON text of a json-c object that only reads the object.
 *
 * json-c's own printer (json_object_to_json_string*) keeps its output in a
 * buffer inside the object it prints, so printing one object from two
 * threads at once is a data race; json_object_get_string() on a non-string
 * does the same. Objects shared between threads (the watch cache's) are
 * printed with ck_json_write instead, which reads them through json-c's
 * accessors only.
 *
 * The text is byte for byte what json_object_to_json_string_ext(obj,
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) gives: compact,
 * members in insertion order, "/" unescaped, control characters as \u00xx,
 * other bytes as they are; integers in decimal; doubles in json-c's form
 * (the text they were parsed from, else %.17g with ".0" added to an
 * integral value; NaN, Infinity, -Infinity as json-c writes them).
 */
#ifndef CK_UTIL_JSON_WRITE_H
#define CK_UTIL_JSON_WRITE_H

#include <json-c/json.h>

#include "util/buf.h"

/*
 * Appends the JSON text of obj (borrowed; NULL is "null") to b. 0, or
 * -E2BIG when b's maximum is reached (b is then left as it was).
 *
 * A double with a custom serializer is taken to be one json-c's parser
 * made (its userdata is the text it was parsed from); objects with other
 * custom serializers are printed from their values.
 */
int ck_json_write(struct ck_buf *b, json_object *obj);

/*
 * ck_json_write without the members of obj (when it is an object; not of
 * the objects inside it) whose names are in omit (NULL-terminated; NULL:
 * none), as if they had been deleted from it.
 */
int ck_json_write_without(struct ck_buf *b, json_object *obj, const char *const *omit);

/*
 * Appends obj as Go's encoding/json writes the same value decoded into
 * interface{} (unstructured objects: what kubectl prints): object keys
 * sorted bytewise, < > & U+2028 U+2029 escaped as \u003c ..., invalid
 * UTF-8 as \ufffd, floats in encoding/json's form. indent NULL is
 * json.Marshal (compact); otherwise json.MarshalIndent(obj, "", indent)
 * (kubectl -o json uses four spaces). 0, -EINVAL for a NaN or infinite
 * double, or -E2BIG (b is then left as it was).
 */
int ck_json_write_go(struct ck_buf *b, json_object *obj, const char *indent);

/* Appends the JSON string of s[0..len) as ck_json_write_go does; 0 or -E2BIG. */
int ck_json_write_go_string(struct ck_buf *b, const char *s, size_t len);

/*
 * The keys of a JSON object (NULL or a non-object: none) in byte order, as
 * Go's encoding/json writes a map: an owned array (room for at least one)
 * of strings borrowed from obj.
 */
const char **ck_json_sorted_keys(json_object *obj, size_t *ret_n);

#endif
