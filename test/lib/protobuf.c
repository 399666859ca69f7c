#include "protobuf.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "api/protobuf.h"
#include "http.h"

static void strip_item_types(json_object *o)
{
	json_object *items;
	if (!json_object_object_get_ex(o, "items", &items))
		return;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object_object_del(json_object_array_get_idx(items, i), "kind");
		json_object_object_del(json_object_array_get_idx(items, i), "apiVersion");
	}
}

void ck_test_expect_protobuf_matches_json(const char *base, const char *path, long want_code)
{
	char url[512];
	snprintf(url, sizeof(url), "%s%s", base, path);
	struct ck_test_response js, pb;
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, "application/json", &js), 0);
	ck_assert_int_eq(
	    ck_test_http("GET", url, NULL, NULL, CK_PROTOBUF_CONTENT_TYPE ",application/json", &pb),
	    0);
	ck_assert_msg(js.code == want_code && pb.code == want_code, "%s: got %ld and %ld", path,
		      js.code, pb.code);
	ck_assert_str_eq(pb.content_type, CK_PROTOBUF_CONTENT_TYPE);
	ck_assert(pb.body.len > CK_PROTOBUF_MAGIC_LEN &&
		  memcmp(pb.body.data, CK_PROTOBUF_MAGIC, CK_PROTOBUF_MAGIC_LEN) == 0);
	json_object *want = ck_test_response_json(&js), *got = NULL;
	char *err = NULL;
	int r = ck_protobuf_decode_object(pb.body.data, pb.body.len, &got, &err);
	ck_assert_msg(r == 0, "%s: %s", path, err ? err : "");
	strip_item_types(want);
	/* Check's messages are short: print the start of each (enough to compare) */
	ck_assert_msg(json_object_equal(got, want), "%s:\nprotobuf %.1500s\njson     %.1500s", path,
		      json_object_to_json_string(got), json_object_to_json_string(want));
	json_object_put(want);
	json_object_put(got);
	ck_test_response_release(&js);
	ck_test_response_release(&pb);
}
