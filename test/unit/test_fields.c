/*
 * Ported from upstream k8s.io/apimachinery pkg/fields selector_test.go
 * (TestSplitTerms and TestSplitTerm through the parser, TestEscapeValue,
 * TestSelectorParse, TestDeterministicParse, TestSelectorMatches,
 * TestOneTermEqualSelector, TestSetMatches, TestNilMapIsValid,
 * TestSetIsEmpty, TestRequiresExactMatch), plus upstream's error messages.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/fields.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct ck_field_selector *must_parse(const char *s)
{
	struct ck_field_selector *sel = NULL;
	char *err = NULL;
	int r = ck_field_selector_parse(s, &sel, &err);
	ck_assert_msg(r == 0, "parse '%s': %s", s, err ? err : "?");
	return sel;
}

static void expect_parse_error(const char *s, const char *want)
{
	struct ck_field_selector *sel = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_field_selector_parse(s, &sel, &err), -EINVAL);
	ck_assert_ptr_null(sel);
	ck_assert_ptr_nonnull(err);
	if (want)
		ck_assert_str_eq(err, want);
	free(err);
}

static void expect_string(const struct ck_field_selector *sel, const char *want)
{
	char *s = ck_field_selector_string(sel);
	ck_assert_str_eq(s, want);
	free(s);
}

/* "field op value;..." of the parsed terms. */
static char *describe(const struct ck_field_selector *sel)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (size_t i = 0; i < ck_field_selector_count(sel); i++) {
		const struct ck_field_requirement *r = ck_field_selector_requirement(sel, i);
		ck_buf_addf(&b, "%s%s %s %s", i ? ";" : "", r->field,
			    r->op == CK_FIELD_OP_EQUALS ? "=" : "!=", r->value);
	}
	return ck_buf_detach(&b, NULL);
}

static void expect_terms(const char *in, const char *want)
{
	struct ck_field_selector *sel = must_parse(in);
	char *d = describe(sel);
	ck_assert_msg(strcmp(d, want) == 0, "'%s': got '%s' want '%s'", in, d, want);
	free(d);
	ck_field_selector_free(sel);
}

START_TEST(test_split_terms_and_term)
{
	/* TestSplitTerms: commas split, escaped commas do not */
	expect_terms("a=avalue", "a = avalue");
	expect_terms("a=avalue,b=bvalue", "a = avalue;b = bvalue");
	expect_terms("a=avalue,b==bvalue,c!=cvalue", "a = avalue;b = bvalue;c != cvalue");
	expect_terms("", "");
	expect_terms("a=a,", "a = a");
	expect_terms(",a=a", "a = a");
	/* (sorted as text: "k2=" before "k=") */
	expect_terms("k=\\,,k2=v2", "k2 = v2;k = ,");
	expect_terms("k=\\\\,k2=v2", "k2 = v2;k = \\");
	expect_terms("k=\\\\\\,,k2=v2", "k2 = v2;k = \\,");
	expect_parse_error("k=\\a\\b\\", "invalid field selector: invalid escape sequence: \\a");
	expect_parse_error("k=\\", "invalid field selector: invalid escape sequence: \\");
	expect_terms("\xed\x95\xa8=\xec\x88\x98,\xeb\xaa\xa9=\xeb\xa1\x9d",
		     "\xeb\xaa\xa9 = \xeb\xa1\x9d;\xed\x95\xa8 = \xec\x88\x98");
	expect_parse_error("a", "invalid selector: 'a'; can't understand 'a'");

	/* TestSplitTerm: the first operator splits; "!=" and "==" before "=" */
	expect_terms("a=value", "a = value");
	expect_terms("b==value", "b = value");
	expect_terms("c!=value", "c != value");
	expect_terms("k=\\,", "k = ,");
	expect_terms("k=\\=", "k = =");
	expect_parse_error("k=\\\\\\a\\b\\=\\,\\",
			   "invalid field selector: invalid escape sequence: \\a");
	expect_terms("a!b=c", "a!b = c");
	expect_terms("a\\,b=c", "a\\,b = c");
	expect_terms("=a", " = a");
	expect_terms("a=", "a = ");
	expect_terms("a!=", "a != ");
	/* an empty field with an empty value is dropped (upstream's Transform) */
	expect_terms("=", "");
	expect_terms("!=", "");
	expect_terms("x=1,=,==", "x = 1");
}
END_TEST

START_TEST(test_escape_value)
{
	static const struct {
		const char *plain, *escaped;
	} cases[] = {
		{ "", "" },	{ "a", "a" },	  { "=", "\\=" },
		{ ",", "\\," }, { "\\", "\\\\" }, { "\\=\\,\\", "\\\\\\=\\\\\\,\\\\" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *e = ck_field_escape_value(cases[i].plain);
		ck_assert_str_eq(e, cases[i].escaped);
		free(e);
		char *u = NULL, *err = NULL;
		ck_assert_int_eq(ck_field_unescape_value(cases[i].escaped, &u, &err), 0);
		ck_assert_str_eq(u, cases[i].plain);
		free(u);
	}
	static const char *const invalid[] = { "\\", "\\\\\\", "\\a" };
	for (size_t i = 0; i < N(invalid); i++) {
		char *u = NULL, *err = NULL;
		ck_assert_int_eq(ck_field_unescape_value(invalid[i], &u, &err), -EINVAL);
		ck_assert_ptr_null(u);
		ck_assert_ptr_nonnull(strstr(err, "invalid escape sequence"));
		free(err);
	}
	char *u = NULL, *err = NULL;
	ck_assert_int_eq(ck_field_unescape_value("a=b", &u, &err), -EINVAL);
	ck_assert_str_eq(err, "invalid field selector: unescaped character in value: 61");
	free(err);
	ck_assert_int_eq(ck_field_unescape_value("a,b", &u, &err), -EINVAL);
	ck_assert_str_eq(err, "invalid field selector: unescaped character in value: 44");
	free(err);
	/* the escape names the whole rune after the backslash */
	ck_assert_int_eq(ck_field_unescape_value("\\\xc3\xa9", &u, &err), -EINVAL);
	ck_assert_str_eq(err, "invalid field selector: invalid escape sequence: \\\xc3\xa9");
	free(err);
	/* as upstream walks runes: invalid UTF-8 becomes U+FFFD when there is work to do */
	ck_assert_int_eq(ck_field_unescape_value("\xff\\,", &u, NULL), 0);
	ck_assert_str_eq(u, "\xef\xbf\xbd,");
	free(u);
	ck_assert_int_eq(ck_field_unescape_value("\xff", &u, NULL), 0);
	ck_assert_str_eq(u, "\xff");
	free(u);
	ck_assert_int_eq(ck_field_unescape_value("x\\", &u, NULL), -EINVAL);
}
END_TEST

START_TEST(test_selector_parse)
{
	static const char *const good[] = { "x=a,y=b,z=c", "", "x!=a,y=b", "x=a||y\\=b",
					    "x=a\\=\\=b" };
	static const char *const bad[] = { "x=a||y=b", "x==a==b",      "x=a,b",
					   "x in (a)", "x in (a,b,c)", "x" };
	for (size_t i = 0; i < N(good); i++) {
		struct ck_field_selector *sel = must_parse(good[i]);
		expect_string(sel, good[i]);
		ck_field_selector_free(sel);
	}
	for (size_t i = 0; i < N(bad); i++)
		expect_parse_error(bad[i], NULL);
	expect_parse_error("x=a||y=b", "invalid field selector: unescaped character in value: 61");
	expect_parse_error("x==a==b", "invalid field selector: unescaped character in value: 61");
	expect_parse_error("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'");
	expect_parse_error("x in (a,b,c)",
			   "invalid selector: 'x in (a,b,c)'; can't understand 'b'");

	/* TestDeterministicParse: terms in the sorted order of their text */
	struct ck_field_selector *s1 = must_parse("x=a,a=x"), *s2 = must_parse("a=x,x=a");
	char *a = ck_field_selector_string(s1), *b = ck_field_selector_string(s2);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "a=x,x=a");
	free(a);
	free(b);
	ck_field_selector_free(s1);
	ck_field_selector_free(s2);
	/* "==" prints as "="; sorting is on the text as written */
	struct ck_field_selector *sel = must_parse("x=b,x==a");
	expect_string(sel, "x=a,x=b");
	ck_field_selector_free(sel);
	sel = must_parse("x==b,x=a");
	expect_string(sel, "x=b,x=a");
	ck_field_selector_free(sel);
	/* NULL is "" */
	ck_assert_int_eq(ck_field_selector_parse(NULL, &sel, NULL), 0);
	ck_assert(ck_field_selector_empty(sel));
	expect_string(sel, "");
	ck_field_selector_free(sel);
	/* a real one */
	sel = must_parse("spec.nodeName=node-1,status.phase!=Succeeded,metadata.namespace==ns");
	expect_string(sel, "metadata.namespace=ns,spec.nodeName=node-1,status.phase!=Succeeded");
	ck_field_selector_free(sel);
}
END_TEST

static void expect_match(const char *selector, const char *set, bool want)
{
	struct ck_field_selector *sel = must_parse(selector);
	json_object *fields = json_tokener_parse(set);
	ck_assert_ptr_nonnull(fields);
	ck_assert_msg(ck_field_selector_matches_set(sel, fields) == want, "'%s' on %s", selector,
		      set);
	json_object_put(fields);
	ck_field_selector_free(sel);
}

START_TEST(test_selector_matches)
{
	expect_match("", "{\"x\":\"y\"}", true);
	expect_match("x=y", "{\"x\":\"y\"}", true);
	expect_match("x=y,z=w", "{\"x\":\"y\",\"z\":\"w\"}", true);
	expect_match("x!=y,z!=w", "{\"x\":\"z\",\"z\":\"a\"}", true);
	expect_match("notin=in", "{\"notin\":\"in\"}", true);
	expect_match("x=y", "{\"x\":\"z\"}", false);
	expect_match("x=y,z=w", "{\"x\":\"w\",\"z\":\"w\"}", false);
	expect_match("x!=y,z!=w", "{\"x\":\"z\",\"z\":\"w\"}", false);

	const char *fieldset = "{\"foo\":\"bar\",\"baz\":\"blah\",\"complex\":\"=value\\\\,\\\\\"}";
	expect_match("foo=bar", fieldset, true);
	expect_match("baz=blah", fieldset, true);
	expect_match("foo=bar,baz=blah", fieldset, true);
	expect_match("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", fieldset, true);
	expect_match("foo=blah", fieldset, false);
	expect_match("baz=bar", fieldset, false);
	expect_match("foo=bar,foobar=bar,baz=blah", fieldset, false);

	/* a missing field is "" */
	expect_match("missing=", "{}", true);
	expect_match("missing!=", "{}", false);
	expect_match("missing!=x", "{}", true);

	/* TestOneTermEqualSelector */
	struct ck_field_selector *sel = ck_field_selector_one_term_equal("x", "y");
	json_object *xy = json_tokener_parse("{\"x\":\"y\"}"),
		    *xz = json_tokener_parse("{\"x\":\"z\"}");
	ck_assert(ck_field_selector_matches_set(sel, xy));
	ck_assert(!ck_field_selector_matches_set(sel, xz));
	ck_assert(!ck_field_selector_matches_set(sel, NULL));
	expect_string(sel, "x=y");
	ck_field_selector_free(sel);
	json_object_put(xy);
	json_object_put(xz);
}
END_TEST

START_TEST(test_set_matches)
{
	json_object *labelset = json_tokener_parse("{\"foo\":\"bar\",\"baz\":\"blah\"}");
	static const struct {
		const char *set;
		bool match;
	} cases[] = {
		{ "{}", true },
		{ "{\"foo\":\"bar\"}", true },
		{ "{\"baz\":\"blah\"}", true },
		{ "{\"foo\":\"bar\",\"baz\":\"blah\"}", true },
		{ "{\"foo\":\"=blah\"}", false },
		{ "{\"baz\":\"=bar\"}", false },
		{ "{\"foo\":\"=bar\",\"foobar\":\"bar\",\"baz\":\"blah\"}", false },
	};
	for (size_t i = 0; i < N(cases); i++) {
		json_object *set = json_tokener_parse(cases[i].set);
		struct ck_field_selector *sel = ck_field_selector_from_set(set);
		ck_assert_msg(ck_field_selector_matches_set(sel, labelset) == cases[i].match,
			      "case %zu", i);
		ck_field_selector_free(sel);
		json_object_put(set);
	}
	json_object *set = json_tokener_parse("{\"b\":\"x,y\",\"a\":\"1\"}");
	struct ck_field_selector *sel = ck_field_selector_from_set(set);
	expect_string(sel, "a=1,b=x\\,y");
	ck_field_selector_free(sel);
	json_object_put(set);
	json_object_put(labelset);

	/* TestNilMapIsValid, TestSetIsEmpty */
	sel = ck_field_selector_from_set(NULL);
	ck_assert(ck_field_selector_empty(sel));
	ck_field_selector_free(sel);
	sel = ck_field_selector_everything();
	ck_assert(ck_field_selector_empty(sel));
	ck_assert(ck_field_selector_matches_set(sel, NULL));
	ck_field_selector_free(sel);
	sel = ck_field_selector_one_term_equal("", "");
	ck_assert(!ck_field_selector_empty(sel));
	ck_field_selector_free(sel);
}
END_TEST

START_TEST(test_requires_exact_match)
{
	static const struct {
		const char *sel, *field, *value;
		bool found;
	} cases[] = {
		{ "", "test", NULL, false },
		{ "a=b", "test", NULL, false },
		{ "test=b", "test", "b", true },
		{ "test=", "test", "", true },
		{ "test!=b", "test", NULL, false },
		{ "test!=", "test", NULL, false },
		{ "test!=a,test=b", "test", "b", true },
		{ "a=x,test==b", "test", "b", true },
		{ "metadata.name=foo,metadata.namespace=bar", "metadata.name", "foo", true },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct ck_field_selector *sel = must_parse(cases[i].sel);
		const char *v = NULL;
		bool found = ck_field_selector_requires_exact_match(sel, cases[i].field, &v);
		ck_assert_msg(found == cases[i].found, "case %zu", i);
		if (found)
			ck_assert_str_eq(v, cases[i].value);
		ck_field_selector_free(sel);
	}
	struct ck_field_selector *sel = ck_field_selector_one_term_equal("test", "b");
	ck_assert(ck_field_selector_requires_exact_match(sel, "test", NULL));
	ck_field_selector_free(sel);
}
END_TEST

/* A field-label conversion as the API server does for pods. */
static int pod_fields(void *ctx, const char *field, const char *value, char **ret_field,
		      char **ret_value, char **ret_err)
{
	static const char *const supported[] = { "metadata.name", "metadata.namespace",
						 "spec.nodeName", "status.phase" };
	(void)ctx;
	if (strcmp(field, "spec.host") == 0)
		field = "spec.nodeName";
	for (size_t i = 0; i < N(supported); i++) {
		if (strcmp(field, supported[i]) == 0) {
			*ret_field = strdup(field);
			*ret_value = strdup(value);
			return 0;
		}
	}
	if (strcmp(field, "drop") == 0) {
		*ret_field = strdup("");
		*ret_value = strdup("");
		return 0;
	}
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_addf(&b, "field label not supported: %s", field);
	*ret_err = ck_buf_detach(&b, NULL);
	return -EINVAL;
}

static const char *lookup_pod(void *ctx, const char *field)
{
	(void)ctx;
	if (strcmp(field, "metadata.name") == 0)
		return "web-0";
	if (strcmp(field, "spec.nodeName") == 0)
		return "node-1";
	return NULL;
}

START_TEST(test_transform_and_lookup)
{
	struct ck_field_selector *sel = must_parse("spec.host=node-1,metadata.name=web-0,drop=x");
	struct ck_field_selector *out = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_field_selector_transform(sel, pod_fields, NULL, &out, &err), 0);
	expect_string(out, "metadata.name=web-0,spec.nodeName=node-1");
	ck_assert(ck_field_selector_matches(out, lookup_pod, NULL));
	ck_assert(!ck_field_selector_matches(sel, lookup_pod, NULL));
	ck_field_selector_free(out);
	ck_field_selector_free(sel);

	sel = must_parse("status.phase=Running,spec.foo=bar");
	out = NULL;
	ck_assert_int_eq(ck_field_selector_transform(sel, pod_fields, NULL, &out, &err), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(err, "field label not supported: spec.foo");
	free(err);
	/* the keys a selector uses */
	ck_assert_uint_eq(ck_field_selector_count(sel), 2);
	ck_assert_str_eq(ck_field_selector_requirement(sel, 0)->field, "spec.foo");
	ck_assert_str_eq(ck_field_selector_requirement(sel, 1)->field, "status.phase");
	ck_assert_int_eq(ck_field_selector_requirement(sel, 1)->op, CK_FIELD_OP_EQUALS);
	ck_field_selector_free(sel);

	sel = must_parse("status.phase!=Failed");
	ck_assert(ck_field_selector_matches(sel, lookup_pod, NULL)); /* missing is "" */
	ck_field_selector_free(sel);
}
END_TEST

Suite *ck_test_suite_fields(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_split_terms_and_term);
	tcase_add_test(tc, test_escape_value);
	tcase_add_test(tc, test_selector_parse);
	tcase_add_test(tc, test_selector_matches);
	tcase_add_test(tc, test_set_matches);
	tcase_add_test(tc, test_requires_exact_match);
	tcase_add_test(tc, test_transform_and_lookup);
	suite_add_tcase(s, tc);
	return s;
}
