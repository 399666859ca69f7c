#include "api.h"

#include <check.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apiserver.h"
#include "etcd.h"
#include "http.h"

void ck_test_api_start(const char *const *extra_args, struct ck_test_etcd **ret_etcd,
		       struct ck_test_apiserver **ret_api)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, ret_etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(*ret_etcd),
					       .extra_args = extra_args };
	ck_assert_int_eq(ck_test_apiserver_start(&o, ret_api), 0);
}

void ck_test_api_stop(struct ck_test_etcd **etcd, struct ck_test_apiserver **api)
{
	ck_test_apiserver_free(*api);
	ck_test_etcd_free(*etcd);
	*api = NULL;
	*etcd = NULL;
}

json_object *ck_test_api_req(const char *base, const char *method, const char *path,
			     const char *body, const char *content_type, long want)
{
	long code = 0;
	json_object *out = ck_test_request_as(NULL, base, method, path, body, content_type, &code);
	ck_assert_msg(code == want, "%s %s: got %ld, want %ld: %s", method, path, code, want,
		      out ? json_object_to_json_string(out) : "(no JSON)");
	return out;
}

const char *ck_test_api_str(json_object *o, const char *dotted)
{
	return ck_obj_path_str_or(o, dotted, "");
}

int64_t ck_test_api_num(json_object *o, const char *dotted)
{
	json_object *v = ck_obj_path(o, dotted);
	return v ? json_object_get_int64(v) : -1;
}

void ck_test_api_expect_invalid(json_object *st, const char *want, const char *field,
				const char *reason, bool first_cause)
{
	ck_assert_str_eq(ck_test_api_str(st, "reason"), "Invalid");
	ck_assert_msg(strstr(ck_test_api_str(st, "message"), want) != NULL,
		      "message '%s' lacks '%s'", ck_test_api_str(st, "message"), want);
	json_object *causes = ck_obj_path(st, "details.causes");
	size_t n = causes && json_object_is_type(causes, json_type_array)
		       ? json_object_array_length(causes)
		       : 0;
	bool found = false;
	for (size_t i = 0; i < n && !found && (i == 0 || !first_cause); i++) {
		json_object *c = json_object_array_get_idx(causes, i);
		found = strcmp(ck_test_api_str(c, "field"), field) == 0 &&
			strcmp(ck_test_api_str(c, "reason"), reason) == 0;
	}
	ck_assert_msg(found, "no %scause (%s, %s) in %s", first_cause ? "first " : "", field,
		      reason, json_object_to_json_string(st));
	json_object_put(st);
}
