/*
 * Ported from upstream k8s.io/apimachinery pkg/labels selector_test.go
 * (TestSelectorParse, TestDeterministicParse, TestSelectorMatches,
 * TestSetMatches, TestNilMapIsValid, TestSetIsEmpty, TestLexer and
 * TestLexerSequence as observed through the parser, TestRequirementConstructor,
 * TestToString, TestRequirementSelectorMatching, TestSetSelectorParser,
 * TestAdd) and pkg/apis/meta/v1 helpers_test.go (TestLabelSelectorAsSelector),
 * plus upstream's exact error messages.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_object *set_of(const char *json)
{
	json_object *o = json_tokener_parse(json);
	ck_assert_ptr_nonnull(o);
	return o;
}

static struct ck_label_selector *must_parse(const char *s)
{
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	int r = ck_label_selector_parse(s, &sel, &err);
	ck_assert_msg(r == 0, "parse '%s': %s", s, err ? err : "?");
	return sel;
}

/* The parse error of s (owned), asserting that it fails with -EINVAL. */
static char *parse_error(const char *s)
{
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	int r = ck_label_selector_parse(s, &sel, &err);
	ck_assert_msg(r == -EINVAL, "parse '%s' should fail", s);
	ck_assert_ptr_null(sel);
	ck_assert_ptr_nonnull(err);
	return err;
}

static void expect_parse_error(const char *s, const char *want)
{
	char *err = parse_error(s);
	ck_assert_str_eq(err, want);
	free(err);
}

static void expect_string(const struct ck_label_selector *sel, const char *want)
{
	char *s = ck_label_selector_string(sel);
	ck_assert_str_eq(s, want);
	free(s);
}

/* "key op [v1,v2];..." for comparing parse results with upstream's tables. */
static char *describe(const struct ck_label_selector *sel)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (size_t i = 0; i < ck_label_selector_count(sel); i++) {
		const struct ck_label_requirement *r = ck_label_selector_requirement(sel, i);
		ck_buf_addf(&b, "%s%s %s [", i ? ";" : "", r->key, ck_label_op_name(r->op));
		for (size_t j = 0; j < r->n_values; j++)
			ck_buf_addf(&b, "%s%s", j ? "," : "", r->values[j]);
		ck_buf_adds(&b, "]");
	}
	return ck_buf_detach(&b, NULL);
}

static void strip_spaces(const char *in, char *out)
{
	for (; *in; in++) {
		if (*in != ' ')
			*out++ = *in;
	}
	*out = '\0';
}

START_TEST(test_selector_parse)
{
	static const char *const good[] = {
		"x=a,y=b,z=c", "",	  "x!=a,y=b", "x=",  "x= ",
		"x=,z= ",      "x= ,z= ", "!x",	      "x>1", "x>1,z<5"
	};
	static const char *const bad[] = { "x=a||y=b", "x==a==b", "!x=a", "x<a" };
	for (size_t i = 0; i < N(good); i++) {
		struct ck_label_selector *sel = must_parse(good[i]);
		char want[64];
		strip_spaces(good[i], want);
		expect_string(sel, want);
		ck_label_selector_free(sel);
	}
	for (size_t i = 0; i < N(bad); i++)
		free(parse_error(bad[i]));

	/* TestDeterministicParse */
	struct ck_label_selector *s1 = must_parse("x=a,a=x"), *s2 = must_parse("a=x,x=a");
	char *a = ck_label_selector_string(s1), *b = ck_label_selector_string(s2);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "a=x,x=a");
	free(a);
	free(b);
	ck_label_selector_free(s1);
	ck_label_selector_free(s2);

	/* NULL is the empty string */
	struct ck_label_selector *sel = NULL;
	ck_assert_int_eq(ck_label_selector_parse(NULL, &sel, NULL), 0);
	ck_assert(ck_label_selector_empty(sel));
	ck_label_selector_free(sel);
}
END_TEST

static void expect_match(const char *selector, const char *labels, bool want)
{
	struct ck_label_selector *sel = must_parse(selector);
	json_object *set = labels ? set_of(labels) : NULL;
	ck_assert_msg(ck_label_selector_matches(sel, set) == want, "'%s' on %s: want %d", selector,
		      labels ? labels : "NULL", want);
	json_object_put(set);
	ck_label_selector_free(sel);
}

START_TEST(test_selector_matches)
{
	expect_match("", "{\"x\":\"y\"}", true);
	expect_match("x=y", "{\"x\":\"y\"}", true);
	expect_match("x=y,z=w", "{\"x\":\"y\",\"z\":\"w\"}", true);
	expect_match("x!=y,z!=w", "{\"x\":\"z\",\"z\":\"a\"}", true);
	expect_match("notin=in", "{\"notin\":\"in\"}", true);
	expect_match("x", "{\"x\":\"z\"}", true);
	expect_match("!x", "{\"y\":\"z\"}", true);
	expect_match("x>1", "{\"x\":\"2\"}", true);
	expect_match("x<1", "{\"x\":\"0\"}", true);
	expect_match("x=z", "{}", false);
	expect_match("x=y", "{\"x\":\"z\"}", false);
	expect_match("x=y,z=w", "{\"x\":\"w\",\"z\":\"w\"}", false);
	expect_match("x!=y,z!=w", "{\"x\":\"z\",\"z\":\"w\"}", false);
	expect_match("x", "{\"y\":\"z\"}", false);
	expect_match("!x", "{\"x\":\"z\"}", false);
	expect_match("x>1", "{\"x\":\"0\"}", false);
	expect_match("x<1", "{\"x\":\"2\"}", false);

	const char *labelset = "{\"foo\":\"bar\",\"baz\":\"blah\"}";
	expect_match("foo=bar", labelset, true);
	expect_match("baz=blah", labelset, true);
	expect_match("foo=bar,baz=blah", labelset, true);
	expect_match("foo=blah", labelset, false);
	expect_match("baz=bar", labelset, false);
	expect_match("foo=bar,foobar=bar,baz=blah", labelset, false);

	/* NULL labels are no labels */
	expect_match("", NULL, true);
	expect_match("!x", NULL, true);
	expect_match("x notin (a)", NULL, true);
	expect_match("x", NULL, false);
	/* gt/lt need integers on both sides */
	expect_match("x>1", "{\"x\":\"v2\"}", false);
}
END_TEST

START_TEST(test_set_matches)
{
	json_object *labelset = set_of("{\"foo\":\"bar\",\"baz\":\"blah\"}");
	static const char *const sets[] = { "{}", "{\"foo\":\"bar\"}", "{\"baz\":\"blah\"}",
					    "{\"foo\":\"bar\",\"baz\":\"blah\"}" };
	for (size_t i = 0; i < N(sets); i++) {
		json_object *set = set_of(sets[i]);
		struct ck_label_selector *sel = ck_labels_selector_from_set(set);
		ck_assert(ck_label_selector_matches(sel, labelset));
		ck_label_selector_free(sel);
		json_object_put(set);
	}
	json_object *set = set_of("{\"foo\":\"=blah\"}");
	struct ck_label_selector *sel = ck_labels_selector_from_set(set);
	ck_assert(!ck_label_selector_matches(sel, labelset));
	ck_label_selector_free(sel);
	json_object_put(set);

	/* sorted by key; not validated */
	set = set_of("{\"z\":\"1\",\"a\":\"b c\"}");
	sel = ck_labels_selector_from_set(set);
	expect_string(sel, "a=b c,z=1");
	const char *v = NULL;
	ck_assert(ck_label_selector_requires_exact_match(sel, "z", &v));
	ck_assert_str_eq(v, "1");
	ck_label_selector_free(sel);
	json_object_put(set);

	/* TestNilMapIsValid, TestSetIsEmpty */
	sel = ck_labels_selector_from_set(NULL);
	ck_assert(ck_label_selector_empty(sel));
	ck_assert(ck_label_selector_matches(sel, labelset));
	ck_label_selector_free(sel);
	set = set_of("{}");
	sel = ck_labels_selector_from_set(set);
	ck_assert(ck_label_selector_empty(sel));
	ck_label_selector_free(sel);
	json_object_put(set);
	sel = ck_label_selector_everything();
	ck_assert(ck_label_selector_empty(sel));
	ck_assert(ck_label_selector_matches(sel, labelset));
	ck_assert(!ck_label_selector_matches_nothing(sel));
	ck_label_selector_free(sel);
	sel = ck_label_selector_nothing();
	ck_assert(!ck_label_selector_empty(sel));
	ck_assert(!ck_label_selector_matches(sel, labelset));
	ck_assert(!ck_label_selector_matches(sel, NULL));
	ck_assert(ck_label_selector_matches_nothing(sel));
	expect_string(sel, "");
	ck_assert_int_eq(ck_label_selector_add(sel, "x", CK_LABEL_OP_EXISTS, NULL, 0, NULL), 0);
	ck_assert_uint_eq(ck_label_selector_count(sel), 0);
	ck_label_selector_free(sel);
	json_object_put(labelset);
}
END_TEST

/* TestLexer / TestLexerSequence, observed through what the parser makes of the tokens. */
START_TEST(test_lexer)
{
	static const struct {
		const char *in, *out;
	} seqs[] = {
		{ "key in ( value )", "key in (value)" },
		{ "key notin ( value )", "key notin (value)" },
		{ "key in ( value1, value2 )", "key in (value1,value2)" },
		{ "key", "key" },
		{ "!key", "!key" },
		{ "x in (),y", "x in (),y" },
		{ "key>2", "key>2" },
		{ "key<1", "key<1" },
		{ "k == v", "k==v" },
		{ "k != v", "k!=v" },
		{ "k = v", "k=v" },
		{ "k\t=\r\nv", "k=v" },
	};
	for (size_t i = 0; i < N(seqs); i++) {
		struct ck_label_selector *sel = must_parse(seqs[i].in);
		expect_string(sel, seqs[i].out);
		ck_label_selector_free(sel);
	}
	/* Specials: the longest token wins ("==" then "=", "!=" then "="). */
	expect_parse_error("== != (), = notin",
			   "found '==', expected: !, identifier, or 'end of string'");
	expect_parse_error("()", "found '(', expected: !, identifier, or 'end of string'");
	expect_parse_error(")", "found ')', expected: !, identifier, or 'end of string'");
	expect_parse_error(",", "found ',', expected: !, identifier, or 'end of string'");
	expect_parse_error("=", "found '=', expected: !, identifier, or 'end of string'");
	expect_parse_error(">", "found '>', expected: !, identifier, or 'end of string'");
	expect_parse_error("<", "found '<', expected: !, identifier, or 'end of string'");
	expect_parse_error("!=", "found '!=', expected: !, identifier, or 'end of string'");
	expect_parse_error("x===y", "unable to parse requirement: found '=', expected: identifier");
	expect_parse_error("!!x", "unable to parse requirement: found '!', expected: identifier");
	expect_parse_error("x<=1", "unable to parse requirement: found '=', expected: identifier");
	/* Non-special characters are identifiers: "~" and "||" are keys (invalid ones). */
	char *err = parse_error("~");
	ck_assert(strncmp(err, "unable to parse requirement: <nil>: Invalid value: \"~\": ",
			  strlen("unable to parse requirement: <nil>: Invalid value: \"~\": ")) ==
		  0);
	free(err);
	err = parse_error("||");
	ck_assert_ptr_nonnull(strstr(err, "<nil>: Invalid value: \"||\""));
	free(err);
	/* "in" and "notin" are identifiers where a key or value is expected */
	struct ck_label_selector *sel = must_parse("in in (notin, in)");
	expect_string(sel, "in in (in,notin)");
	ck_label_selector_free(sel);
	sel = must_parse("notin");
	expect_string(sel, "notin");
	ck_label_selector_free(sel);
}
END_TEST

static int add(struct ck_label_selector *sel, const char *key, enum ck_label_op op,
	       const char *const *vals, size_t n)
{
	return ck_label_selector_add(sel, key, op, vals, n, NULL);
}

START_TEST(test_requirement_constructor)
{
	static const char *const foo[] = { "foo" }, *const bar[] = { "bar" },
				 *const one[] = { "1" }, *const six[] = { "6" },
				 *const blah[] = { "blah" };
	char *long_key = malloc(255);
	memset(long_key, 'a', 254);
	long_key[254] = '\0';
	static const struct {
		const char *key;
		enum ck_label_op op;
		const char *const *vals;
		size_t n;
		bool ok;
	} cases[] = {
		{ "x", CK_LABEL_OP_IN, NULL, 0, false },
		{ "x", CK_LABEL_OP_NOT_IN, NULL, 0, false },
		{ "x", CK_LABEL_OP_IN, foo, 1, true },
		{ "x", CK_LABEL_OP_NOT_IN, foo, 1, true },
		{ "x", CK_LABEL_OP_EXISTS, NULL, 0, true },
		{ "x", CK_LABEL_OP_DOES_NOT_EXIST, NULL, 0, true },
		{ "1foo", CK_LABEL_OP_IN, bar, 1, true },
		{ "1234", CK_LABEL_OP_IN, bar, 1, true },
		{ "y", CK_LABEL_OP_GREATER_THAN, one, 1, true },
		{ "z", CK_LABEL_OP_LESS_THAN, six, 1, true },
		{ "foo", CK_LABEL_OP_GREATER_THAN, bar, 1, false },
		{ "barz", CK_LABEL_OP_LESS_THAN, blah, 1, false },
		{ NULL, CK_LABEL_OP_EXISTS, NULL, 0, false }, /* the 254-byte key */
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct ck_label_selector *sel = ck_label_selector_everything();
		char *err = NULL;
		int r = ck_label_selector_add(sel, cases[i].key ? cases[i].key : long_key,
					      cases[i].op, cases[i].vals, cases[i].n, &err);
		ck_assert_msg((r == 0) == cases[i].ok, "case %zu: %d %s", i, r, err ? err : "");
		ck_assert_uint_eq(ck_label_selector_count(sel), cases[i].ok ? 1 : 0);
		free(err);
		ck_label_selector_free(sel);
	}
	free(long_key);

	/* upstream's messages (NewRequirement's field paths) */
	struct ck_label_selector *sel = ck_label_selector_everything();
	char *err = NULL;
	static const char *const two[] = { "a", "b" };
	ck_assert_int_eq(ck_label_selector_add(sel, "x", CK_LABEL_OP_EQUALS, two, 2, &err),
			 -EINVAL);
	ck_assert_str_eq(err, "values: Invalid value: []string{\"a\", \"b\"}: exact-match "
			      "compatibility requires one single value");
	free(err);
	ck_assert_int_eq(ck_label_selector_add(sel, "x", CK_LABEL_OP_IN, NULL, 0, &err), -EINVAL);
	ck_assert_str_eq(err, "values: Invalid value: []string(nil): for 'in', 'notin' "
			      "operators, values set can't be empty");
	free(err);
	ck_assert_int_eq(ck_label_selector_add(sel, "x", CK_LABEL_OP_GREATER_THAN, two, 2, &err),
			 -EINVAL);
	ck_assert_str_eq(err, "[values: Invalid value: []string{\"a\", \"b\"}: for 'Gt', 'Lt' "
			      "operators, exactly one value is required, values[0]: Invalid "
			      "value: \"a\": for 'Gt', 'Lt' operators, the value must be an "
			      "integer, values[1]: Invalid value: \"b\": for 'Gt', 'Lt' operators, "
			      "the value must be an integer]");
	free(err);
	ck_assert_int_eq(ck_label_selector_add(sel, "-x", CK_LABEL_OP_EXISTS, NULL, 0, &err),
			 -EINVAL);
	ck_assert_str_eq(err, "key: Invalid value: \"-x\": name part must consist of alphanumeric "
			      "characters, '-', '_' or '.', and must start and end with an "
			      "alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
			      "'123-abc', regex used for validation is "
			      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
	free(err);
	ck_assert_uint_eq(ck_label_selector_count(sel), 0);
	ck_label_selector_free(sel);
}
END_TEST

START_TEST(test_to_string)
{
	static const char *const abc_def[] = { "abc", "def" }, *const jkl[] = { "jkl" },
				 *const abc[] = { "abc" }, *const jkl_mno[] = { "jkl", "mno" },
				 *const empty[] = { "" }, *const a[] = { "a" },
				 *const two[] = { "2" }, *const eight[] = { "8" },
				 *const def_abc[] = { "def", "abc" };
	struct ck_label_selector *sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_IN, abc_def, 2), 0);
	ck_assert_int_eq(add(sel, "y", CK_LABEL_OP_NOT_IN, jkl, 1), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_EXISTS, NULL, 0), 0);
	expect_string(sel, "x in (abc,def),y notin (jkl),z");
	ck_label_selector_free(sel);

	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_NOT_IN, abc_def, 2), 0);
	ck_assert_int_eq(add(sel, "y", CK_LABEL_OP_NOT_EQUALS, jkl, 1), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_DOES_NOT_EXIST, NULL, 0), 0);
	expect_string(sel, "x notin (abc,def),y!=jkl,!z");
	ck_label_selector_free(sel);

	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_NOT_IN, abc, 1), 0);
	ck_assert_int_eq(add(sel, "y", CK_LABEL_OP_IN, jkl_mno, 2), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_NOT_IN, empty, 1), 0);
	expect_string(sel, "x notin (abc),y in (jkl,mno),z notin ()");
	ck_label_selector_free(sel);

	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_EQUALS, abc, 1), 0);
	ck_assert_int_eq(add(sel, "y", CK_LABEL_OP_DOUBLE_EQUALS, jkl, 1), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_NOT_EQUALS, a, 1), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_EXISTS, NULL, 0), 0);
	expect_string(sel, "x=abc,y==jkl,z!=a,z");
	ck_label_selector_free(sel);

	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_GREATER_THAN, two, 1), 0);
	ck_assert_int_eq(add(sel, "y", CK_LABEL_OP_LESS_THAN, eight, 1), 0);
	ck_assert_int_eq(add(sel, "z", CK_LABEL_OP_EXISTS, NULL, 0), 0);
	expect_string(sel, "x>2,y<8,z");
	ck_label_selector_free(sel);

	/* values print sorted without changing the requirement (upstream safeSort) */
	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "x", CK_LABEL_OP_IN, def_abc, 2), 0);
	expect_string(sel, "x in (abc,def)");
	ck_assert_str_eq(ck_label_selector_requirement(sel, 0)->values[0], "def");
	ck_label_selector_free(sel);

	/* TestAdd: sorted by key whatever the order of adding */
	static const char *const value[] = { "value" }, *const value2[] = { "value2" };
	sel = ck_label_selector_everything();
	ck_assert_int_eq(add(sel, "key2", CK_LABEL_OP_EQUALS, value2, 1), 0);
	ck_assert_int_eq(add(sel, "key", CK_LABEL_OP_IN, value, 1), 0);
	char *d = describe(sel);
	ck_assert_str_eq(d, "key in [value];key2 = [value2]");
	free(d);
	ck_label_selector_free(sel);
}
END_TEST

START_TEST(test_requirement_selector_matching)
{
	static const char *const foo[] = { "foo" }, *const alpha[] = { "alpha" },
				 *const empty[] = { "" }, *const one[] = { "1" };
	static const struct {
		const char *set;
		const char *k1;
		enum ck_label_op op1;
		const char *const *v1;
		size_t n1;
		const char *k2;
		enum ck_label_op op2;
		const char *const *v2;
		size_t n2;
		bool match;
	} cases[] = {
		{ "{\"x\":\"foo\",\"y\":\"baz\"}", "x", CK_LABEL_OP_IN, foo, 1, "y",
		  CK_LABEL_OP_NOT_IN, alpha, 1, true },
		{ "{\"x\":\"foo\",\"y\":\"baz\"}", "x", CK_LABEL_OP_IN, foo, 1, "y", CK_LABEL_OP_IN,
		  alpha, 1, false },
		{ "{\"y\":\"\"}", "x", CK_LABEL_OP_NOT_IN, empty, 1, "y", CK_LABEL_OP_EXISTS, NULL,
		  0, true },
		{ "{\"y\":\"\"}", "x", CK_LABEL_OP_DOES_NOT_EXIST, NULL, 0, "y", CK_LABEL_OP_EXISTS,
		  NULL, 0, true },
		{ "{\"y\":\"\"}", "x", CK_LABEL_OP_NOT_IN, empty, 1, "y",
		  CK_LABEL_OP_DOES_NOT_EXIST, NULL, 0, false },
		{ "{\"y\":\"baz\"}", "x", CK_LABEL_OP_IN, empty, 1, NULL, 0, NULL, 0, false },
		{ "{\"z\":\"2\"}", "z", CK_LABEL_OP_GREATER_THAN, one, 1, NULL, 0, NULL, 0, true },
		{ "{\"z\":\"v2\"}", "z", CK_LABEL_OP_GREATER_THAN, one, 1, NULL, 0, NULL, 0,
		  false },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct ck_label_selector *sel = ck_label_selector_everything();
		json_object *set = set_of(cases[i].set);
		ck_assert_int_eq(add(sel, cases[i].k1, cases[i].op1, cases[i].v1, cases[i].n1), 0);
		if (cases[i].k2)
			ck_assert_int_eq(
			    add(sel, cases[i].k2, cases[i].op2, cases[i].v2, cases[i].n2), 0);
		ck_assert_msg(ck_label_selector_matches(sel, set) == cases[i].match, "case %zu", i);
		json_object_put(set);
		ck_label_selector_free(sel);
	}
}
END_TEST

START_TEST(test_set_selector_parser)
{
	static const struct {
		const char *in;
		const char *out; /* describe(); NULL when not compared */
		bool valid;
	} cases[] = {
		{ "", "", true },
		{ "\rx", "x exists []", true },
		{ "this-is-a-dns.domain.com/key-with-dash",
		  "this-is-a-dns.domain.com/key-with-dash exists []", true },
		{ "this-is-another-dns.domain.com/key-with-dash in (so,what)",
		  "this-is-another-dns.domain.com/key-with-dash in [so,what]", true },
		{ "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
		  "0.1.2.domain/99 notin [10.10.100.1,tick.tack.clock]", true },
		{ "foo  in\t (abc)", "foo in [abc]", true },
		{ "x notin\n (abc)", "x notin [abc]", true },
		{ "x  notin\t\t\t(abc,def)", "x notin [abc,def]", true },
		{ "x in (abc,def)", "x in [abc,def]", true },
		{ "x in (abc,)", "x in [,abc]", true },
		{ "x in ()", "x in []", true },
		{ "x notin (abc,,def),bar,z in (),w",
		  "bar exists [];w exists [];x notin [,abc,def];z in []", true },
		{ "x,y in (a)", "x exists [];y in [a]", true },
		{ "x=a", "x = [a]", true },
		{ "x>1", "x gt [1]", true },
		{ "x<7", "x lt [7]", true },
		{ "x=a,y!=b", "x = [a];y != [b]", true },
		{ "x=a,y!=b,z in (h,i,j)", "x = [a];y != [b];z in [h,i,j]", true },
		{ "x=a||y=b", NULL, false },
		{ "x,,y", NULL, false },
		{ ",x,y", NULL, false },
		{ "x nott in (y)", NULL, false },
		{ "x notin ( )", "x notin []", true },
		{ "x notin (, a)", "x notin [,a]", true },
		{ "a in (xyz),", NULL, false },
		{ "a in (xyz)b notin ()", NULL, false },
		{ "a ", "a exists []", true },
		{ "a in (x,y,notin, z,in)", "a in [in,notin,x,y,z]", true },
		{ "a in (xyz abc)", NULL, false },
		{ "a notin(", NULL, false },
		{ "a (", NULL, false },
		{ "(", NULL, false },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct ck_label_selector *sel = NULL;
		char *err = NULL;
		int r = ck_label_selector_parse(cases[i].in, &sel, &err);
		ck_assert_msg((r == 0) == cases[i].valid, "case %zu '%s': %d %s", i, cases[i].in, r,
			      err ? err : "");
		if (r == 0 && cases[i].out) {
			char *d = describe(sel);
			/* upstream's "" value prints as nothing between the brackets */
			ck_assert_msg(strcmp(d, cases[i].out) == 0, "case %zu: got '%s' want '%s'",
				      i, d, cases[i].out);
			free(d);
		}
		free(err);
		ck_label_selector_free(sel);
	}
	/* "x in ()" holds the single value "" */
	struct ck_label_selector *sel = must_parse("x in ()");
	ck_assert_uint_eq(ck_label_selector_requirement(sel, 0)->n_values, 1);
	ck_assert_str_eq(ck_label_selector_requirement(sel, 0)->values[0], "");
	ck_label_selector_free(sel);
}
END_TEST

START_TEST(test_parse_errors)
{
	expect_parse_error("x==a==b", "found '==', expected: ',' or 'end of string'");
	expect_parse_error("!x=a", "found '=', expected: ',' or 'end of string'");
	expect_parse_error("x=a||y=b",
			   "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a "
			   "valid label must be an empty string or consist of alphanumeric "
			   "characters, '-', '_' or '.', and must start and end with an "
			   "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
			   "regex used for validation is "
			   "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	expect_parse_error("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": "
				  "for 'Gt', 'Lt' operators, the value must be an integer");
	expect_parse_error("x,,y", "found ',', expected: identifier after ','");
	expect_parse_error(",x,y", "found ',', expected: !, identifier, or 'end of string'");
	expect_parse_error("x nott in (y)", "unable to parse requirement: found 'nott', expected: "
					    "in, notin, =, ==, !=, gt, lt");
	expect_parse_error("a in (xyz),", "found '', expected: identifier after ','");
	expect_parse_error("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'");
	expect_parse_error("a in (xyz abc)",
			   "unable to parse requirement: found 'abc', expected: ',' or ')'");
	expect_parse_error(
	    "a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier");
	expect_parse_error("a (", "unable to parse requirement: found '(', expected: in, notin, =, "
				  "==, !=, gt, lt");
	expect_parse_error("(", "found '(', expected: !, identifier, or 'end of string'");
	expect_parse_error("a in b", "unable to parse requirement: found 'b' expected: '('");
	expect_parse_error("a in (b,=)",
			   "unable to parse requirement: found '=', expected: ',', or identifier");
	expect_parse_error("a in (,", "unable to parse requirement: found '', expected: ',', or "
				      "identifier");
	expect_parse_error("a=(", "unable to parse requirement: found '(', expected: identifier");
	expect_parse_error("!", "unable to parse requirement: found '', expected: identifier");
	expect_parse_error("x=a b", "found 'b', expected: ',' or 'end of string'");
	expect_parse_error(
	    "a b",
	    "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
	/* keys: upstream's parser checks them with a nil field path */
	expect_parse_error(
	    "app.kubernetes.io/name:x",
	    "unable to parse requirement: <nil>: Invalid value: "
	    "\"app.kubernetes.io/name:x\": name part must consist of alphanumeric "
	    "characters, '-', '_' or '.', and must start and end with an "
	    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
	    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
	expect_parse_error("A/b",
			   "unable to parse requirement: <nil>: Invalid value: \"A/b\": "
			   "prefix part a lowercase RFC 1123 subdomain must consist of lower "
			   "case alphanumeric characters, '-' or '.', and must start and end "
			   "with an alphanumeric character (e.g. 'example.com', regex used for "
			   "validation is "
			   "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
	/* several bad values: an aggregate, in brackets; quoted as Go's %q */
	char *err = parse_error("k in (-a,b\xff,\tc)");
	ck_assert_str_eq(
	    err, "unable to parse requirement: [values[0][k]: Invalid value: \"-a\": a valid "
		 "label must be an empty string or consist of alphanumeric characters, '-', '_' "
		 "or '.', and must start and end with an alphanumeric character (e.g. "
		 "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
		 "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), values[1][k]: Invalid value: "
		 "\"b\\xff\": a valid label must be an empty string or consist of alphanumeric "
		 "characters, '-', '_' or '.', and must start and end with an alphanumeric "
		 "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
		 "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]");
	free(err);
	/* too long a value */
	char big[100];
	memset(big, 'a', 64);
	memcpy(big, "k=", 2);
	big[66] = '\0';
	memset(big + 2, 'v', 64);
	err = parse_error(big);
	ck_assert_ptr_nonnull(strstr(err, "Invalid value: \"vvvv"));
	ck_assert_ptr_nonnull(strstr(err, "\": must be no more than 63 characters"));
	free(err);
	/* the error out-parameter is optional */
	struct ck_label_selector *sel = NULL;
	ck_assert_int_eq(ck_label_selector_parse("x=(", &sel, NULL), -EINVAL);
	ck_assert_ptr_null(sel);
}
END_TEST

START_TEST(test_requires_exact_match)
{
	static const struct {
		const char *sel, *key, *value;
		bool found;
	} cases[] = {
		{ "", "test", NULL, false },
		{ "a=b", "test", NULL, false },
		{ "test=b", "test", "b", true },
		{ "test==b", "test", "b", true },
		{ "test in (b)", "test", "b", true },
		{ "test in (b,c)", "test", NULL, false },
		{ "test!=b", "test", NULL, false },
		{ "test notin (b)", "test", NULL, false },
		{ "test", "test", NULL, false },
		{ "test=", "test", "", true },
		{ "a=x,test=b", "test", "b", true },
		/* the first requirement on the key decides */
		{ "test,test=b", "test", NULL, false },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct ck_label_selector *sel = must_parse(cases[i].sel);
		const char *v = NULL;
		bool found = ck_label_selector_requires_exact_match(sel, cases[i].key, &v);
		ck_assert_msg(found == cases[i].found, "case %zu", i);
		if (found)
			ck_assert_str_eq(v, cases[i].value);
		ck_label_selector_free(sel);
	}
}
END_TEST

static void expect_from_json(const char *json, int want_r, const char *want)
{
	json_object *o = json ? set_of(json) : NULL;
	struct ck_label_selector *sel = NULL;
	char *err = NULL;
	int r = ck_label_selector_from_json(o, &sel, &err);
	ck_assert_msg(r == want_r, "%s: %d %s", json ? json : "NULL", r, err ? err : "");
	if (r == 0) {
		expect_string(sel, want);
	} else {
		ck_assert_ptr_null(sel);
		if (want)
			ck_assert_str_eq(err, want);
	}
	ck_label_selector_free(sel);
	free(err);
	json_object_put(o);
}

START_TEST(test_label_selector_as_selector)
{
	struct ck_label_selector *sel = NULL;
	ck_assert_int_eq(ck_label_selector_from_json(NULL, &sel, NULL), 0);
	ck_assert(ck_label_selector_matches_nothing(sel));
	expect_string(sel, "");
	ck_label_selector_free(sel);
	json_object *null_obj = set_of("[null]");
	ck_assert_int_eq(
	    ck_label_selector_from_json(json_object_array_get_idx(null_obj, 0), &sel, NULL), 0);
	ck_assert(ck_label_selector_matches_nothing(sel));
	ck_label_selector_free(sel);
	json_object_put(null_obj);
	json_object *empty = set_of("{}");
	ck_assert_int_eq(ck_label_selector_from_json(empty, &sel, NULL), 0);
	ck_assert(ck_label_selector_empty(sel));
	ck_assert(ck_label_selector_matches(sel, NULL));
	ck_label_selector_free(sel);
	json_object_put(empty);

	expect_from_json("{\"matchLabels\":{}}", 0, "");
	expect_from_json("{\"matchLabels\":null,\"matchExpressions\":[]}", 0, "");
	expect_from_json("{\"matchLabels\":{\"foo\":\"bar\"}}", 0, "foo=bar");
	expect_from_json("{\"matchExpressions\":[{\"key\":\"baz\",\"operator\":\"In\","
			 "\"values\":[\"qux\",\"norf\"]}]}",
			 0, "baz in (norf,qux)");
	expect_from_json("{\"matchLabels\":{\"foo\":\"bar\"},\"matchExpressions\":[{\"key\":"
			 "\"baz\",\"operator\":\"In\",\"values\":[\"qux\",\"norf\"]}]}",
			 0, "baz in (norf,qux),foo=bar");
	expect_from_json("{\"matchExpressions\":[{\"key\":\"baz\",\"operator\":\"Exists\","
			 "\"values\":[\"qux\",\"norf\"]}]}",
			 -EINVAL,
			 "values: Invalid value: []string{\"qux\", \"norf\"}: values set must be "
			 "empty for exists and does not exist");
	expect_from_json(
	    "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\"},"
	    "{\"key\":\"b\",\"operator\":\"DoesNotExist\"},{\"key\":\"c\","
	    "\"operator\":\"Exists\",\"values\":[]}]}",
	    -EINVAL,
	    "values: Invalid value: []string(nil): for 'in', 'notin' operators, values "
	    "set can't be empty");
	expect_from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\",\"values\":"
			 "[\"x\"]},{\"key\":\"b\",\"operator\":\"DoesNotExist\"},{\"key\":\"c\","
			 "\"operator\":\"Exists\",\"values\":[]}]}",
			 0, "a notin (x),!b,c");
	expect_from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":"
			 "[\"1\"]}]}",
			 -EINVAL, "\"Gt\" is not a valid label selector operator");
	expect_from_json("{\"matchExpressions\":[{\"key\":\"a\"}]}", -EINVAL,
			 "\"\" is not a valid label selector operator");
	expect_from_json("{\"matchLabels\":{\"foo\":\"b@r\"}}", -EINVAL,
			 "values[0][foo]: Invalid value: \"b@r\": a valid label must be an empty "
			 "string or consist of alphanumeric characters, '-', '_' or '.', and must "
			 "start and end with an alphanumeric character (e.g. 'MyValue',  or "
			 "'my_value',  or '12345', regex used for validation is "
			 "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	expect_from_json("{\"matchLabels\":{\"foo\":1}}", -EINVAL, NULL);
	expect_from_json("{\"matchLabels\":[]}", -EINVAL, NULL);
	expect_from_json("{\"matchExpressions\":{}}", -EINVAL, NULL);
	expect_from_json("{\"matchExpressions\":[1]}", -EINVAL, NULL);
	expect_from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":"
			 "[1]}]}",
			 -EINVAL, NULL);
	expect_from_json("[]", -EINVAL, NULL);

	/* matchLabels and matchExpressions on one key: matchLabels first (stable sort) */
	expect_from_json("{\"matchLabels\":{\"b\":\"1\",\"a\":\"2\"},\"matchExpressions\":[{"
			 "\"key\":\"b\",\"operator\":\"Exists\"},{\"key\":\"a\",\"operator\":"
			 "\"NotIn\",\"values\":[\"3\",\"3\"]}]}",
			 0, "a=2,a notin (3,3),b=1,b");

	/* matching a pod's labels, as a ReplicaSet would */
	json_object *ls =
	    set_of("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{"
		   "\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"be\"]}]}");
	ck_assert_int_eq(ck_label_selector_from_json(ls, &sel, NULL), 0);
	json_object *pod = set_of("{\"app\":\"web\",\"tier\":\"fe\",\"x\":\"y\"}");
	ck_assert(ck_label_selector_matches(sel, pod));
	json_object_put(pod);
	pod = set_of("{\"app\":\"web\",\"tier\":\"db\"}");
	ck_assert(!ck_label_selector_matches(sel, pod));
	json_object_put(pod);
	ck_label_selector_free(sel);
	json_object_put(ls);
}
END_TEST

/* Big inputs stay cheap: many requirements, many bad values (errors capped). */
START_TEST(test_large)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (int i = 0; i < 20000; i++)
		ck_buf_addf(&b, "%sk%d in (v%d,w)", i ? "," : "", 19999 - i, i);
	struct ck_label_selector *sel = must_parse(ck_buf_str(&b));
	ck_assert_uint_eq(ck_label_selector_count(sel), 20000);
	ck_assert_str_eq(ck_label_selector_requirement(sel, 0)->key, "k0");
	ck_label_selector_free(sel);

	ck_buf_reset(&b);
	ck_buf_adds(&b, "k in (");
	for (int i = 0; i < 50000; i++)
		ck_buf_addf(&b, "%s-%d", i ? "," : "", i);
	ck_buf_adds(&b, ")");
	char *err = parse_error(ck_buf_str(&b));
	ck_assert(strncmp(err, "unable to parse requirement: [values[0][k]: Invalid value: \"-0\"",
			  strlen("unable to parse requirement: [values[0][k]: Invalid value: "
				 "\"-0\"")) == 0);
	ck_assert_ptr_nonnull(strstr(err, "values[999][k]"));
	ck_assert_ptr_null(strstr(err, "values[1000][k]"));
	free(err);
	ck_buf_release(&b);
}
END_TEST

Suite *ck_test_suite_labels(void)
{
	Suite *s = suite_create("labels");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_selector_parse);
	tcase_add_test(tc, test_selector_matches);
	tcase_add_test(tc, test_set_matches);
	tcase_add_test(tc, test_lexer);
	tcase_add_test(tc, test_requirement_constructor);
	tcase_add_test(tc, test_to_string);
	tcase_add_test(tc, test_requirement_selector_matching);
	tcase_add_test(tc, test_set_selector_parser);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_requires_exact_match);
	tcase_add_test(tc, test_label_selector_as_selector);
	tcase_add_test(tc, test_large);
	suite_add_tcase(s, tc);
	return s;
}
