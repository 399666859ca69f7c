/*
 * Structural checks on arbitrary bytes: the duplicate-field scan of the raw
 * text (never reads past it, finds nothing in text without objects), and,
 * when the text is a JSON object, the schema check against a few kinds:
 * after pruning, a second check finds no unknown field and the same type
 * error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/schema.h"
#include "util/limits.h"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_schema: %s\n%s\n", what, detail ? detail : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *dups = json_object_new_array();
	ck_schema_duplicate_fields((const char *)data, size, dups);
	if (json_object_array_length(dups) && !memchr(data, '{', size))
		fail("a duplicate field without an object", json_object_to_json_string(dups));
	json_object_put(dups);

	json_tokener *tok = json_tokener_new_ex(CK_MAX_JSON_DEPTH);
	json_object *obj = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return 0;
	}
	static const char *const kinds[][2] = { { "v1", "Pod" },
						{ "apps/v1", "Deployment" },
						{ "v1", "Secret" },
						{ "v1", "Service" } };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct ck_schema_type *t = ck_schema_kind(kinds[i][0], kinds[i][1]);
		json_object *copy = NULL;
		json_object_deep_copy(obj, &copy, NULL);
		struct ck_schema_result a, b;
		ck_schema_check(t, copy, CK_SCHEMA_PRUNE, &a);
		ck_schema_check(t, copy, 0, &b);
		if (json_object_array_length(b.unknown))
			fail("unknown fields left after pruning",
			     json_object_to_json_string(b.unknown));
		if ((a.type_error == NULL) != (b.type_error == NULL) ||
		    (a.type_error && strcmp(a.type_error, b.type_error) != 0))
			fail("pruning changed the type error",
			     a.type_error ? a.type_error : b.type_error);
		ck_schema_result_release(&a);
		ck_schema_result_release(&b);
		json_object_put(copy);
	}
	json_object_put(obj);
	return 0;
}
