#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/status.h"

/* Compares the Status's JSON text (key order included) and releases it. */
static void check_json(struct json_object *st, const char *want)
{
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE),
			 want);
	json_object_put(st);
}

static void check_message(struct json_object *st, int code, const char *reason, const char *message)
{
	ck_assert_int_eq(ck_status_code(st), code);
	ck_assert_str_eq(ck_status_reason(st), reason);
	ck_assert_str_eq(ck_status_message(st), message);
	json_object_put(st);
}

START_TEST(test_status_shapes)
{
	check_json(
	    ck_status_new_not_found(NULL, "pods", "foo"),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"pods \\\"foo\\\" not found\",\"reason\":\"NotFound\","
	    "\"details\":{\"name\":\"foo\",\"kind\":\"pods\"},\"code\":404}");
	check_json(
	    ck_status_new_not_found("apps", "deployments", "web"),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"deployments.apps \\\"web\\\" not found\",\"reason\":\"NotFound\","
	    "\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"},"
	    "\"code\":404}");
	check_json(
	    ck_status_new_bad_request("reason"),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"reason\",\"reason\":\"BadRequest\",\"code\":400}");
	check_json(
	    ck_status_new_too_many_requests("slow down", 0),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"slow down\",\"reason\":\"TooManyRequests\",\"details\":{},"
	    "\"code\":429}");
	check_json(
	    ck_status_new_too_many_requests("slow down", 10),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"slow down\",\"reason\":\"TooManyRequests\","
	    "\"details\":{\"retryAfterSeconds\":10},\"code\":429}");
	check_json(
	    ck_status_new_internal_error("boom"),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"Internal error occurred: boom\",\"reason\":\"InternalError\","
	    "\"details\":{\"causes\":[{\"message\":\"boom\"}]},\"code\":500}");
	check_json(
	    ck_status_new_success(NULL, "configmaps", "x", "uid-1", 0),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\","
	    "\"details\":{\"name\":\"x\",\"kind\":\"configmaps\",\"uid\":\"uid-1\"}}");
	check_json(
	    ck_status_new_success(NULL, "Pod", "x", NULL, 200),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\","
	    "\"details\":{\"name\":\"x\",\"kind\":\"Pod\"},\"code\":200}");
	check_json(
	    ck_status_new_server_timeout(NULL, "pods", "create", 2),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"The create operation against pods could not be completed at this "
	    "time, please try again.\",\"reason\":\"ServerTimeout\",\"details\":{\"name\":"
	    "\"create\",\"kind\":\"pods\",\"retryAfterSeconds\":2},\"code\":500}");
	check_json(
	    ck_status_new_method_not_supported(NULL, "foos", "delete"),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"delete is not supported on resources of kind \\\"foos\\\"\","
	    "\"reason\":\"MethodNotAllowed\",\"details\":{\"kind\":\"foos\"},\"code\":405}");
}
END_TEST

START_TEST(test_status_messages)
{
	check_message(ck_status_new_already_exists(NULL, "tests", "1"), 409, "AlreadyExists",
		      "tests \"1\" already exists");
	check_message(ck_status_new_generate_name_conflict(NULL, "tests", "3", 1), 409,
		      "AlreadyExists",
		      "tests \"3\" already exists, the server was not able to generate a unique "
		      "name for the object");
	check_message(ck_status_new_conflict(NULL, "pods", "foo",
					     "the object has been modified; please apply your "
					     "changes to the latest version and try again"),
		      409, "Conflict",
		      "Operation cannot be fulfilled on pods \"foo\": the object has been "
		      "modified; please apply your changes to the latest version and try again");
	check_message(ck_status_new_unauthorized(""), 401, "Unauthorized", "not authorized");
	check_message(ck_status_new_unauthorized("token expired"), 401, "Unauthorized",
		      "token expired");
	check_message(ck_status_new_forbidden(NULL, "pods", "foo", "x"), 403, "Forbidden",
		      "pods \"foo\" is forbidden: x");
	check_message(ck_status_new_forbidden("apps", "deployments", NULL, "x"), 403, "Forbidden",
		      "deployments.apps is forbidden: x");
	check_message(ck_status_new_forbidden(NULL, NULL, NULL, "x"), 403, "Forbidden",
		      "forbidden: x");
	check_message(ck_status_new_gone("too old"), 410, "Gone", "too old");
	check_message(ck_status_new_resource_expired("too old resource version: 1 (5)"), 410,
		      "Expired", "too old resource version: 1 (5)");
	check_message(ck_status_new_too_many_requests_error("limit reached"), 429,
		      "TooManyRequests", "Too many requests: limit reached");
	static const char *const types[] = { "application/json", "application/yaml",
					     "application/vnd.kubernetes.protobuf" };
	check_message(ck_status_new_not_acceptable(types, 3), 406, "NotAcceptable",
		      "only the following media types are accepted: application/json, "
		      "application/yaml, application/vnd.kubernetes.protobuf");
	check_message(ck_status_new_unsupported_media_type(types, 2), 415, "UnsupportedMediaType",
		      "the body of the request was in an unknown format - accepted media types "
		      "include: application/json, application/yaml");
	check_message(ck_status_new_request_entity_too_large("limit is 3145728"), 413,
		      "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
	check_message(ck_status_new_timeout("request did not complete within requested timeout", 0),
		      504, "Timeout", "Timeout: request did not complete within requested timeout");
	check_message(ck_status_new_service_unavailable("etcd is down"), 503, "ServiceUnavailable",
		      "etcd is down");
}
END_TEST

/* errors_test.go TestNewInvalid. */
START_TEST(test_status_invalid)
{
	struct ck_field_errors l;
	ck_field_errors_init(&l);
	struct json_object *bar = json_object_new_string("bar");
	ck_field_errors_add_duplicate(&l, "field[0].name", bar);
	check_json(
	    ck_status_new_invalid(NULL, "Kind", "name", &l),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"Kind \\\"name\\\" is invalid: field[0].name: Duplicate value: "
	    "\\\"bar\\\"\",\"reason\":\"Invalid\",\"details\":{\"name\":\"name\",\"kind\":"
	    "\"Kind\",\"causes\":[{\"reason\":\"FieldValueDuplicate\",\"message\":\"Duplicate "
	    "value: \\\"bar\\\"\",\"field\":\"field[0].name\"}]},\"code\":422}");
	ck_field_errors_release(&l);

	ck_field_errors_add_invalid(&l, "field[0].name", bar, "detail");
	check_message(ck_status_new_invalid(NULL, "Kind", "name", &l), 422, "Invalid",
		      "Kind \"name\" is invalid: field[0].name: Invalid value: \"bar\": detail");
	ck_field_errors_release(&l);
	ck_field_errors_add_not_found(&l, "field[0].name", bar);
	check_message(ck_status_new_invalid(NULL, "Kind", "name", &l), 422, "Invalid",
		      "Kind \"name\" is invalid: field[0].name: Not found: \"bar\"");
	ck_field_errors_release(&l);
	ck_field_errors_add_not_supported(&l, "field[0].name", bar, NULL, 0);
	check_message(ck_status_new_invalid(NULL, "Kind", "name", &l), 422, "Invalid",
		      "Kind \"name\" is invalid: field[0].name: Unsupported value: \"bar\"");
	ck_field_errors_release(&l);
	ck_field_errors_add_required(&l, "field[0].name", "");
	check_message(ck_status_new_invalid(NULL, "Kind", "name", &l), 422, "Invalid",
		      "Kind \"name\" is invalid: field[0].name: Required value");
	ck_field_errors_release(&l);

	/* no errors: no causes, no colon */
	check_json(
	    ck_status_new_invalid(NULL, "Kind", "name", &l),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"Kind \\\"name\\\" is invalid\",\"reason\":\"Invalid\",\"details\":"
	    "{\"name\":\"name\",\"kind\":\"Kind\"},\"code\":422}");
	check_message(ck_status_new_invalid("apps", "Deployment", "web", NULL), 422, "Invalid",
		      "Deployment.apps \"web\" is invalid");

	/* several: aggregated in brackets, every one a cause */
	ck_field_errors_add_required(&l, "spec.containers[0].name", NULL);
	ck_field_errors_add_invalid_str(&l, "metadata.name", "Foo", "bad");
	ck_field_errors_add_required(&l, "spec.containers[0].name", NULL);
	struct json_object *st = ck_status_new_invalid(NULL, "Pod", "foo", &l);
	ck_assert_str_eq(ck_status_message(st),
			 "Pod \"foo\" is invalid: [spec.containers[0].name: Required value, "
			 "metadata.name: Invalid value: \"Foo\": bad]");
	struct json_object *details, *causes;
	ck_assert(json_object_object_get_ex(st, "details", &details));
	ck_assert(json_object_object_get_ex(details, "causes", &causes));
	ck_assert_uint_eq(json_object_array_length(causes), 3);
	json_object_put(st);
	ck_field_errors_release(&l);
	json_object_put(bar);
}
END_TEST

START_TEST(test_status_forbidden_request)
{
	struct ck_status_request_attrs a = {
		.user = "x",
		.verb = "get",
		.resource_request = true,
		.group = "",
		.resource = "pods",
		.namespace = "default",
		.name = "foo",
	};
	check_message(ck_status_new_forbidden_request(&a, NULL), 403, "Forbidden",
		      "pods \"foo\" is forbidden: User \"x\" cannot get resource \"pods\" in API "
		      "group \"\" in the namespace \"default\"");
	a.subresource = "log";
	check_message(
	    ck_status_new_forbidden_request(&a, "RBAC: role not found"), 403, "Forbidden",
	    "pods \"foo\" is forbidden: User \"x\" cannot get resource \"pods/log\" in API "
	    "group \"\" in the namespace \"default\": RBAC: role not found");
	struct ck_status_request_attrs nodes = {
		.user = "system:serviceaccount:kube-system:default",
		.verb = "list",
		.resource_request = true,
		.group = "",
		.resource = "nodes",
	};
	struct json_object *st = ck_status_new_forbidden_request(&nodes, NULL);
	ck_assert_str_eq(ck_status_message(st),
			 "nodes is forbidden: User \"system:serviceaccount:kube-system:default\" "
			 "cannot list resource \"nodes\" in API group \"\" at the cluster scope");
	json_object_put(st);
	struct ck_status_request_attrs deploy = {
		.user = "jane",
		.verb = "create",
		.resource_request = true,
		.group = "apps",
		.resource = "deployments",
		.namespace = "prod",
	};
	st = ck_status_new_forbidden_request(&deploy, NULL);
	ck_assert_str_eq(ck_status_message(st),
			 "deployments.apps is forbidden: User \"jane\" cannot create resource "
			 "\"deployments\" in API group \"apps\" in the namespace \"prod\"");
	json_object_put(st);
	struct ck_status_request_attrs path = {
		.user = "system:anonymous",
		.verb = "get",
		.path = "/metrics",
	};
	check_message(ck_status_new_forbidden_request(&path, NULL), 403, "Forbidden",
		      "forbidden: User \"system:anonymous\" cannot get path \"/metrics\"");
	/* HTML is escaped; the message goes through fmt.Errorf as a format */
	struct ck_status_request_attrs odd = {
		.user = "<b>&%d",
		.verb = "get",
		.path = "/x%%",
	};
	check_message(ck_status_new_forbidden_request(&odd, NULL), 403, "Forbidden",
		      "forbidden: User \"&lt;b&gt;&amp;%!d(MISSING)\" cannot get path \"/x%\"");
}
END_TEST

START_TEST(test_status_generic_server_response)
{
	check_message(
	    ck_status_new_generic_server_response(404, "GET", NULL, "pods", "foo", "", 0, false),
	    404, "NotFound", "the server could not find the requested resource (get pods foo)");
	check_message(
	    ck_status_new_generic_server_response(409, "POST", NULL, "pods", NULL, "", 0, false),
	    409, "AlreadyExists", "the server reported a conflict (post pods)");
	check_message(
	    ck_status_new_generic_server_response(409, "PUT", NULL, NULL, NULL, "", 0, false), 409,
	    "Conflict", "the server reported a conflict");
	check_message(
	    ck_status_new_generic_server_response(405, "DELETE", NULL, NULL, NULL, "", 0, false),
	    405, "MethodNotAllowed",
	    "the server does not allow this method on the requested resource");
	check_message(
	    ck_status_new_generic_server_response(418, "GET", NULL, NULL, NULL, "tea", 0, false),
	    418, "",
	    "the server responded with the status code 418 but did not return more "
	    "information");
	struct json_object *st =
	    ck_status_new_generic_server_response(500, "GET", NULL, NULL, NULL, "boom", 3, true);
	ck_assert_str_eq(
	    ck_status_message(st),
	    "an error on the server (\"boom\") has prevented the request from succeeding");
	ck_assert_str_eq(ck_status_reason(st), "InternalError");
	ck_assert_int_eq(ck_status_retry_after_seconds(st), 3);
	check_json(st,
		   "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
		   "\"Failure\",\"message\":\"an error on the server (\\\"boom\\\") has prevented "
		   "the request from succeeding\",\"reason\":\"InternalError\",\"details\":"
		   "{\"causes\":[{\"reason\":\"UnexpectedServerResponse\",\"message\":\"boom\"}],"
		   "\"retryAfterSeconds\":3},\"code\":500}");
}
END_TEST

/* errors_test.go TestErrorNew and the Is* rules. */
START_TEST(test_status_is)
{
	struct json_object *st = ck_status_new_already_exists(NULL, "tests", "1");
	ck_assert(ck_status_is(st, CK_STATUS_REASON_ALREADY_EXISTS));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_CONFLICT));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_NOT_FOUND));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_INVALID));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_BAD_REQUEST));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_FORBIDDEN));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_SERVER_TIMEOUT));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_METHOD_NOT_ALLOWED));
	ck_assert(ck_status_is_status(st));
	json_object_put(st);

	struct {
		struct json_object *st;
		enum ck_status_reason reason;
	} cases[] = {
		{ ck_status_new_conflict(NULL, "tests", "2", "message"),
		  CK_STATUS_REASON_CONFLICT },
		{ ck_status_new_not_found(NULL, "tests", "3"), CK_STATUS_REASON_NOT_FOUND },
		{ ck_status_new_invalid(NULL, "Test", "2", NULL), CK_STATUS_REASON_INVALID },
		{ ck_status_new_bad_request("reason"), CK_STATUS_REASON_BAD_REQUEST },
		{ ck_status_new_forbidden(NULL, "tests", "2", "reason"),
		  CK_STATUS_REASON_FORBIDDEN },
		{ ck_status_new_unauthorized("reason"), CK_STATUS_REASON_UNAUTHORIZED },
		{ ck_status_new_server_timeout(NULL, "tests", "reason", 0),
		  CK_STATUS_REASON_SERVER_TIMEOUT },
		{ ck_status_new_method_not_supported(NULL, "foos", "delete"),
		  CK_STATUS_REASON_METHOD_NOT_ALLOWED },
		{ ck_status_new_generate_name_conflict(NULL, "tests", "3", 1),
		  CK_STATUS_REASON_ALREADY_EXISTS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert(ck_status_is(cases[i].st, cases[i].reason));
		json_object_put(cases[i].st);
	}

	/* unknown reason: the code decides; a known other reason does not */
	st = json_tokener_parse("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"reason\":\"Weird\","
				"\"code\":404}");
	ck_assert(ck_status_is(st, CK_STATUS_REASON_NOT_FOUND));
	json_object_put(st);
	st = json_tokener_parse("{\"reason\":\"Forbidden\",\"code\":404}");
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_NOT_FOUND));
	json_object_put(st);
	st = json_tokener_parse("{\"code\":409}");
	ck_assert(ck_status_is(st, CK_STATUS_REASON_CONFLICT));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_ALREADY_EXISTS));
	json_object_put(st);
	/* TooManyRequests and RequestEntityTooLarge look at the code whatever the reason */
	st = json_tokener_parse("{\"reason\":\"Forbidden\",\"code\":429}");
	ck_assert(ck_status_is(st, CK_STATUS_REASON_TOO_MANY_REQUESTS));
	json_object_put(st);
	st = json_tokener_parse("{\"reason\":\"Forbidden\",\"code\":413}");
	ck_assert(ck_status_is(st, CK_STATUS_REASON_REQUEST_ENTITY_TOO_LARGE));
	ck_assert(!ck_status_is(st, CK_STATUS_REASON_UNKNOWN));
	json_object_put(st);
	ck_assert(!ck_status_is(NULL, CK_STATUS_REASON_NOT_FOUND));
	ck_assert_int_eq(ck_status_code(NULL), 0);
	ck_assert_str_eq(ck_status_reason(NULL), "");

	ck_assert_str_eq(ck_status_reason_string(CK_STATUS_REASON_STORE_READ_ERROR),
			 "StorageReadError");
	ck_assert_int_eq(ck_status_reason_parse("Expired"), CK_STATUS_REASON_EXPIRED);
	ck_assert_int_eq(ck_status_reason_parse("nope"), CK_STATUS_REASON_UNKNOWN);
}
END_TEST

/* errors_test.go: SuggestsClientDelay. */
START_TEST(test_status_client_delay)
{
	int s = -1;
	struct json_object *st = ck_status_new_generate_name_conflict(NULL, "tests", "3", 1);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 1);
	json_object_put(st);
	st = ck_status_new_server_timeout(NULL, "tests", "doing something", 10);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 10);
	json_object_put(st);
	st = ck_status_new_server_timeout(NULL, "tests", "doing something", 0);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 0);
	json_object_put(st);
	st = ck_status_new_timeout("test reason", 10);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 10);
	json_object_put(st);
	st = ck_status_new_too_many_requests("doing something", 1);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 1);
	json_object_put(st);
	st = ck_status_new_generic_server_response(429, "get", NULL, "tests", "test",
						   "doing something", 10, true);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, 10);
	json_object_put(st);
	st = ck_status_new_generic_server_response(500, "get", NULL, "tests", "test",
						   "doing something", 10, true);
	ck_assert(ck_status_suggests_client_delay(st, &s));
	json_object_put(st);
	s = -1;
	st = ck_status_new_generic_server_response(429, "get", NULL, "tests", "test",
						   "doing something", 0, true);
	ck_assert(!ck_status_suggests_client_delay(st, &s));
	ck_assert_int_eq(s, -1);
	json_object_put(st);
	st = ck_status_new_bad_request("no details");
	ck_assert(!ck_status_suggests_client_delay(st, &s));
	json_object_put(st);
}
END_TEST

Suite *ck_test_suite_status(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_status_shapes);
	tcase_add_test(tc, test_status_messages);
	tcase_add_test(tc, test_status_invalid);
	tcase_add_test(tc, test_status_forbidden_request);
	tcase_add_test(tc, test_status_generic_server_response);
	tcase_add_test(tc, test_status_is);
	tcase_add_test(tc, test_status_client_delay);
	suite_add_tcase(s, tc);
	return s;
}
