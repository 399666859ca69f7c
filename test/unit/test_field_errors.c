#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/field_errors.h"

static const char *body_of(const struct ck_field_errors *l)
{
	ck_assert_uint_eq(l->len, 1);
	return l->items[0].body;
}

static void check_string(const struct ck_field_error *e, const char *want)
{
	char *s = ck_field_error_string(e);
	ck_assert_str_eq(s, want);
	free(s);
}

/* field/errors_test.go TestMakeFuncs: each constructor's type. */
START_TEST(test_field_errors_types)
{
	struct ck_field_errors l;
	ck_field_errors_init(&l);
	struct json_object *v = json_object_new_string("v");
	ck_field_errors_add_invalid(&l, "f", v, "d");
	ck_field_errors_add_not_supported(&l, "f", v, NULL, 0);
	ck_field_errors_add_duplicate(&l, "f", v);
	ck_field_errors_add_not_found(&l, "f", v);
	ck_field_errors_add_required(&l, "f", "d");
	ck_field_errors_add_internal(&l, "f", "e");
	ck_field_errors_add_forbidden(&l, "f", "d");
	ck_field_errors_add_too_long(&l, "f", 3);
	ck_field_errors_add_too_many(&l, "f", 5, 3);
	ck_field_errors_add_type_invalid(&l, "f", v, "d");
	static const enum ck_field_error_type want[] = {
		CK_FIELD_ERROR_INVALID,	     CK_FIELD_ERROR_NOT_SUPPORTED, CK_FIELD_ERROR_DUPLICATE,
		CK_FIELD_ERROR_NOT_FOUND,    CK_FIELD_ERROR_REQUIRED,	   CK_FIELD_ERROR_INTERNAL,
		CK_FIELD_ERROR_FORBIDDEN,    CK_FIELD_ERROR_TOO_LONG,	   CK_FIELD_ERROR_TOO_MANY,
		CK_FIELD_ERROR_TYPE_INVALID,
	};
	ck_assert_uint_eq(l.len, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < l.len; i++)
		ck_assert_int_eq(l.items[i].type, want[i]);
	ck_assert_str_eq(ck_field_error_type_reason(CK_FIELD_ERROR_REQUIRED), "FieldValueRequired");
	ck_assert_str_eq(ck_field_error_type_reason(CK_FIELD_ERROR_INTERNAL), "InternalError");
	ck_assert_str_eq(ck_field_error_type_reason(CK_FIELD_ERROR_TYPE_INVALID),
			 "FieldValueTypeInvalid");
	ck_assert_str_eq(ck_field_error_type_string(CK_FIELD_ERROR_TYPE_INVALID), "Invalid value");
	ck_assert_str_eq(ck_field_error_type_string(CK_FIELD_ERROR_NOT_SUPPORTED),
			 "Unsupported value");
	json_object_put(v);
	ck_field_errors_release(&l);
	ck_field_errors_release(NULL);
}
END_TEST

/* TestErrorUsefulMessage, TestNotSupported, TestErrorBody and the types' bodies. */
START_TEST(test_field_errors_bodies)
{
	struct ck_field_errors l;
	ck_field_errors_init(&l);

	/* Invalid(nil, nil, ""): the value prints as "null", the path as <nil> */
	ck_field_errors_add_invalid(&l, NULL, NULL, "");
	ck_assert_str_eq(body_of(&l), "Invalid value: \"null\"");
	check_string(&l.items[0], "<nil>: Invalid value: \"null\"");
	ck_field_errors_release(&l);

	struct json_object *bar = json_object_new_string("bar");
	ck_field_errors_add_invalid(&l, "foo", bar, "deet");
	check_string(&l.items[0], "foo: Invalid value: \"bar\": deet");
	ck_field_errors_release(&l);

	static const char *const abc[] = { "a", "b", "c" };
	struct json_object *v = json_object_new_string("v");
	ck_field_errors_add_not_supported(&l, "f", v, abc, 3);
	ck_assert_str_eq(body_of(&l),
			 "Unsupported value: \"v\": supported values: \"a\", \"b\", \"c\"");
	ck_field_errors_release(&l);

	struct json_object *two = json_object_new_int(2);
	ck_field_errors_add_invalid(&l, "bla", two, "details");
	ck_assert_str_eq(body_of(&l), "Invalid value: 2: details");
	ck_field_errors_release(&l);

	ck_field_errors_add_invalid_int(&l, "bla", 2, "details");
	ck_assert_str_eq(body_of(&l), "Invalid value: 2: details");
	ck_field_errors_release(&l);

	struct json_object *f = json_object_new_double(1.5);
	ck_field_errors_add_invalid(&l, "bla", f, "details");
	ck_assert_str_eq(body_of(&l), "Invalid value: 1.5: details");
	ck_field_errors_release(&l);

	struct json_object *t = json_object_new_boolean(1);
	ck_field_errors_add_invalid(&l, "bla", t, "");
	ck_assert_str_eq(body_of(&l), "Invalid value: true");
	ck_field_errors_release(&l);

	/* strings are quoted as Go's %q */
	ck_field_errors_add_invalid_str(&l, "metadata.name", "Foo\t\"x\"",
					"a lowercase RFC 1123 label must consist of lower case "
					"alphanumeric characters");
	check_string(&l.items[0], "metadata.name: Invalid value: \"Foo\\t\\\"x\\\"\": a lowercase "
				  "RFC 1123 label must consist of lower case alphanumeric "
				  "characters");
	ck_field_errors_release(&l);

	struct json_object *nul = json_object_new_string_len("a\0b", 3);
	ck_field_errors_add_duplicate(&l, "x", nul);
	ck_assert_str_eq(body_of(&l), "Duplicate value: \"a\\x00b\"");
	ck_field_errors_release(&l);

	ck_field_errors_add_required(&l, "spec.containers[0].name", NULL);
	check_string(&l.items[0], "spec.containers[0].name: Required value");
	ck_field_errors_release(&l);
	ck_field_errors_add_required(&l, "spec", "must have at least one container");
	ck_assert_str_eq(body_of(&l), "Required value: must have at least one container");
	ck_field_errors_release(&l);

	ck_field_errors_add_forbidden(&l, "spec", "pod updates may not change fields");
	ck_assert_str_eq(body_of(&l), "Forbidden: pod updates may not change fields");
	ck_field_errors_release(&l);

	ck_field_errors_add_not_found(&l, "field[0].name", bar);
	ck_assert_str_eq(body_of(&l), "Not found: \"bar\"");
	ck_field_errors_release(&l);

	/* TooLong never prints the value */
	ck_field_errors_add_too_long(&l, "metadata.name", 63);
	ck_assert_str_eq(body_of(&l), "Too long: must have at most 63 bytes");
	ck_field_errors_release(&l);
	ck_field_errors_add_too_long_max_length(&l, "x", 63);
	ck_assert_str_eq(body_of(&l), "Too long: may not be longer than 63");
	ck_field_errors_release(&l);
	ck_field_errors_add_too_long_max_length(&l, "x", -1);
	ck_assert_str_eq(body_of(&l), "Too long: value is too long");
	ck_field_errors_release(&l);

	ck_field_errors_add_too_many(&l, "x", 5, 3);
	ck_assert_str_eq(body_of(&l), "Too many: 5: must have at most 3 items");
	ck_field_errors_release(&l);
	ck_field_errors_add_too_many(&l, "x", -1, 3);
	ck_assert_str_eq(body_of(&l), "Too many: must have at most 3 items");
	ck_field_errors_release(&l);
	ck_field_errors_add_too_many(&l, "x", 5, -1);
	ck_assert_str_eq(body_of(&l), "Too many: 5: has too many items");
	ck_field_errors_release(&l);

	ck_field_errors_add_internal(&l, "x", "boom");
	ck_assert_str_eq(body_of(&l), "Internal error: boom");
	ck_field_errors_release(&l);

	ck_field_errors_add_type_invalid(&l, "spec.replicas", bar, "must be of type integer");
	ck_assert_str_eq(body_of(&l), "Invalid value: \"bar\": must be of type integer");
	ck_assert_str_eq(l.items[0].detail, "must be of type integer");
	ck_field_errors_release(&l);

	/* arrays and objects print as JSON */
	struct json_object *arr = json_tokener_parse("[\"a\",1]");
	ck_field_errors_add_invalid(&l, "x", arr, "");
	ck_assert_str_eq(body_of(&l), "Invalid value: [\"a\",1]");
	ck_field_errors_release(&l);

	json_object_put(arr);
	json_object_put(nul);
	json_object_put(t);
	json_object_put(f);
	json_object_put(two);
	json_object_put(v);
	json_object_put(bar);
}
END_TEST

/* field.Invalid(path, field.OmitValueType{}, detail): the value is left out. */
START_TEST(test_field_errors_omit_value)
{
	struct ck_field_errors l;
	ck_field_errors_init(&l);
	ck_field_errors_add_invalid_omit_value(&l, "spec.rules[1]", "one of a or b is required");
	ck_assert_int_eq(l.items[0].type, CK_FIELD_ERROR_INVALID);
	ck_assert_str_eq(body_of(&l), "Invalid value: one of a or b is required");
	check_string(&l.items[0], "spec.rules[1]: Invalid value: one of a or b is required");
	ck_field_errors_release(&l);
}
END_TEST

/* TestToAggregate: duplicates collapse; one message bare, several in brackets. */
START_TEST(test_field_errors_aggregate)
{
	struct ck_field_errors l;
	ck_field_errors_init(&l);
	ck_assert_ptr_null(ck_field_errors_aggregate(&l));
	ck_assert_ptr_null(ck_field_errors_aggregate(NULL));

	struct json_object *v = json_object_new_string("v");
	ck_field_errors_add_invalid(&l, "f", v, "d");
	char *s = ck_field_errors_aggregate(&l);
	ck_assert_str_eq(s, "f: Invalid value: \"v\": d");
	free(s);

	ck_field_errors_add_invalid(&l, "f", v, "d");
	s = ck_field_errors_aggregate(&l);
	ck_assert_str_eq(s, "f: Invalid value: \"v\": d");
	free(s);

	ck_field_errors_add_internal(&l, "", "e");
	s = ck_field_errors_aggregate(&l);
	ck_assert_str_eq(s, "[f: Invalid value: \"v\": d, : Internal error: e]");
	free(s);

	struct ck_field_errors more;
	ck_field_errors_init(&more);
	ck_field_errors_add_required(&more, "g", NULL);
	ck_field_errors_append(&l, &more);
	ck_assert_uint_eq(more.len, 0);
	ck_assert_uint_eq(l.len, 4);
	ck_assert_str_eq(l.items[3].field, "g");
	ck_field_errors_release(&more);

	json_object_put(v);
	ck_field_errors_release(&l);
}
END_TEST

/* field/path_test.go TestPath. */
START_TEST(test_field_errors_path)
{
	struct ck_buf p;
	ck_buf_init(&p, 0);
	ck_assert_int_eq(ck_field_path_child(&p, "root"), 0);
	ck_assert_str_eq(ck_buf_str(&p), "root");
	size_t mark = p.len;
	ck_field_path_child(&p, "first");
	ck_assert_str_eq(ck_buf_str(&p), "root.first");
	ck_field_path_child(&p, "second");
	ck_assert_str_eq(ck_buf_str(&p), "root.first.second");
	ck_buf_truncate(&p, mark);
	ck_field_path_index(&p, 27);
	ck_assert_str_eq(ck_buf_str(&p), "root[27]");
	ck_buf_truncate(&p, mark);
	ck_field_path_child(&p, "first");
	ck_field_path_index(&p, 27);
	ck_field_path_child(&p, "second");
	ck_assert_str_eq(ck_buf_str(&p), "root.first[27].second");
	ck_buf_truncate(&p, mark);
	ck_field_path_child(&p, "first");
	ck_field_path_key(&p, "key");
	ck_field_path_child(&p, "second");
	ck_assert_str_eq(ck_buf_str(&p), "root.first[key].second");
	ck_buf_release(&p);

	ck_buf_init(&p, 0);
	ck_field_path_child(&p, "spec");
	ck_field_path_child(&p, "containers");
	ck_field_path_index(&p, 0);
	ck_field_path_child(&p, "name");
	ck_assert_str_eq(ck_buf_str(&p), "spec.containers[0].name");
	ck_buf_release(&p);
}
END_TEST

Suite *ck_test_suite_field_errors(void)
{
	Suite *s = suite_create("field_errors");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_field_errors_types);
	tcase_add_test(tc, test_field_errors_bodies);
	tcase_add_test(tc, test_field_errors_omit_value);
	tcase_add_test(tc, test_field_errors_aggregate);
	tcase_add_test(tc, test_field_errors_path);
	suite_add_tcase(s, tc);
	return s;
}
