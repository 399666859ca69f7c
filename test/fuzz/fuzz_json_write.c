/*
 * The read-only JSON printer (util/json_write.h) from arbitrary bytes: for
 * every value json-c parses, ck_json_write must give json-c's own compact
 * text byte for byte, and that text must parse back to a value that prints
 * the same again.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_write.h"
#include "util/limits.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static json_object *parse(const char *data, size_t size, bool *ok)
{
	json_tokener *tok = json_tokener_new_ex(CK_MAX_JSON_DEPTH);
	json_object *obj;
	if (!tok)
		abort();
	obj = json_tokener_parse_ex(tok, data, (int)size);
	*ok = json_tokener_get_error(tok) == json_tokener_success;
	json_tokener_free(tok);
	return obj;
}

/* ck_json_write(obj) == json-c's text; returns ours (owned). */
static char *write_same(json_object *obj)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (ck_json_write(&b, obj) < 0)
		abort();
	size_t len;
	const char *theirs = json_object_to_json_string_length(obj, FLAGS, &len);
	if (len != b.len || memcmp(theirs, ck_buf_str(&b), len) != 0)
		abort();
	return ck_buf_detach(&b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool ok;
	if (size > 1 << 16)
		return 0;
	json_object *obj = parse((const char *)data, size, &ok);
	if (!ok) {
		json_object_put(obj);
		return 0;
	}
	char *text = write_same(obj);
	json_object_put(obj);

	/* the text reads back (NaN/Infinity excepted: json-c writes them but
	 * only reads them in non-strict mode, which is the default) */
	json_object *again = parse(text, strlen(text), &ok);
	if (ok) {
		/* (not always the first text: json-c reads "0370E" as 0370, then
		 * "0370" as the integer 370) */
		char *text2 = write_same(again);
		json_object *copy = NULL;
		/* a deep copy (what the watch cache hands out) prints the same */
		if (json_object_deep_copy(again, &copy, NULL) != 0)
			abort();
		char *text3 = write_same(copy);
		if (strcmp(text2, text3) != 0)
			abort();
		free(text2);
		free(text3);
		json_object_put(copy);
	}
	json_object_put(again);
	free(text);
	return 0;
}
