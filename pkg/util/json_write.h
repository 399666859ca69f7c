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

#endif
