/*
 * Decodes arbitrary bytes as YAML (one document, strict and not, and as a
 * kubectl stream). Whatever decodes must encode, and the encoding must
 * decode to the same value and encode to the same text again. Errors must
 * carry a message. Alias bombs must stay bounded (libFuzzer's timeouts).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/yaml.h"
#include "util/buf.h"

static void fail(const char *what, const char *yaml, const char *detail)
{
	fprintf(stderr, "fuzz_yaml: %s\n--- yaml ---\n%s\n--- detail ---\n%s\n", what, yaml,
		detail ? detail : "");
	abort();
}

static void round_trip(struct json_object *obj)
{
	struct ck_buf once, twice;
	ck_buf_init(&once, 0);
	ck_buf_init(&twice, 0);
	if (ck_yaml_encode(obj, &once) != 0)
		fail("decoded value does not encode", json_object_to_json_string(obj), NULL);
	struct json_object *again = NULL;
	char *err = NULL;
	if (ck_yaml_decode(once.data, once.len, 0, &again, &err) != 0)
		fail("encoding does not decode", ck_buf_str(&once), err);
	if (!json_object_equal(obj, again))
		fail("round trip changed the value", ck_buf_str(&once),
		     json_object_to_json_string(again));
	if (ck_yaml_encode(again, &twice) != 0 || once.len != twice.len ||
	    memcmp(once.data, twice.data, once.len) != 0)
		fail("encoding is not stable", ck_buf_str(&once), ck_buf_str(&twice));
	json_object_put(again);
	ck_buf_release(&once);
	ck_buf_release(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *yaml = (const char *)data;
	struct json_object *obj = NULL, *strict = NULL;
	char *err = NULL;

	int r = ck_yaml_decode(yaml, size, 0, &obj, &err);
	if (r < 0) {
		if (!err || !*err)
			abort();
		free(err);
		err = NULL;
	} else {
		round_trip(obj);
	}

	/* strict mode only adds errors (duplicate keys) */
	int rs = ck_yaml_decode(yaml, size, CK_YAML_STRICT, &strict, &err);
	if (rs == 0) {
		if (r != 0 || !json_object_equal(obj, strict))
			fail("strict decoding differs", "", json_object_to_json_string(strict));
		json_object_put(strict);
	} else {
		if (!err || !*err)
			abort();
		free(err);
		err = NULL;
	}
	json_object_put(obj);

	struct json_object *docs = NULL;
	if (ck_yaml_decode_all(yaml, size, 0, &docs, &err) == 0) {
		size_t n = json_object_array_length(docs);
		for (size_t i = 0; i < n; i++) {
			struct json_object *d = json_object_array_get_idx(docs, i);
			if (!d)
				abort(); /* null documents are skipped */
			round_trip(d);
		}
		json_object_put(docs);
	} else {
		if (!err || !*err)
			abort();
		free(err);
	}
	return 0;
}
