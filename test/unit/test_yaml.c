#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "apimachinery/yaml.h"
#include "util/buf.h"
#include "util/limits.h"

/* The decoded value as JSON text, or "ERROR: <message>"; caller frees. */
static char *decode_len(const char *yaml, size_t len, unsigned flags)
{
	struct json_object *o = (struct json_object *)0x1;
	char *err = NULL;
	int r = ck_yaml_decode(yaml, len, flags, &o, &err);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (r < 0) {
		ck_assert_int_eq(r, -EINVAL);
		ck_assert_ptr_nonnull(err);
		ck_buf_addf(&b, "ERROR: %s", err);
		free(err);
	} else {
		ck_assert_ptr_null(err);
		ck_buf_adds(&b, json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	char *s = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return s;
}

static void check_decode_flags(const char *yaml, unsigned flags, const char *want)
{
	char *got = decode_len(yaml, strlen(yaml), flags);
	ck_assert_msg(strcmp(got, want) == 0, "decoding %s\n  got:  %s\n  want: %s", yaml, got,
		      want);
	free(got);
}

static void check_decode(const char *yaml, const char *want)
{
	check_decode_flags(yaml, 0, want);
}

static char *encode_text(const char *json)
{
	struct json_object *o = json_tokener_parse(json);
	ck_assert_msg(o || strcmp(json, "null") == 0, "bad test JSON %s", json);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_yaml_encode(o, &b), 0);
	json_object_put(o);
	char *s = ck_buf_detach(&b, NULL);
	ck_buf_release(&b);
	return s;
}

static void check_encode(const char *json, const char *want)
{
	char *got = encode_text(json);
	ck_assert_msg(strcmp(got, want) == 0, "encoding %s\n  got:\n%s\n  want:\n%s", json, got,
		      want);
	free(got);
}

/*
 * sigs.k8s.io/yaml yaml_test.go TestYAMLToJSON: YAML to JSON, then the
 * JSON back to YAML (the reverse is the input unless given).
 */
START_TEST(test_yaml_to_json_table)
{
	static const struct {
		const char *yaml, *json, *reverse;
	} cases[] = {
		{ "t: a\n", "{\"t\":\"a\"}", NULL },
		{ "t: \n", "{\"t\":null}", "t: null\n" },
		{ "t: null\n", "{\"t\":null}", NULL },
		{ "1: a\n", "{\"1\":\"a\"}", "\"1\": a\n" },
		{ "1000000000000000000000000000000000000: a\n", "{\"1e+36\":\"a\"}",
		  "\"1e+36\": a\n" },
		{ "1e+36: a\n", "{\"1e+36\":\"a\"}", "\"1e+36\": a\n" },
		{ "\"1e+36\": a\n", "{\"1e+36\":\"a\"}", NULL },
		{ "\"1.2\": a\n", "{\"1.2\":\"a\"}", NULL },
		{ "- t: a\n", "[{\"t\":\"a\"}]", NULL },
		{ "- t: a\n- t:\n    b: 1\n    c: 2\n", "[{\"t\":\"a\"},{\"t\":{\"b\":1,\"c\":2}}]",
		  NULL },
		{ "[{t: a}, {t: {b: 1, c: 2}}]", "[{\"t\":\"a\"},{\"t\":{\"b\":1,\"c\":2}}]",
		  "- t: a\n- t:\n    b: 1\n    c: 2\n" },
		{ "- t: \n", "[{\"t\":null}]", "- t: null\n" },
		{ "- t: null\n", "[{\"t\":null}]", NULL },
		{ "null\n", "null", NULL },
		{ "[null,null]\n", "[null,null]", "- null\n- null\n" },
		{ "\n", "null", "null\n" },
		{ "---\n", "null", "null\n" },
		/* yaml.v2 reads the first document only */
		{ "---\na: b\n---\nc: d\n", "{\"a\":\"b\"}", "a: b\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_decode(cases[i].yaml, cases[i].json);
		check_encode(cases[i].json, cases[i].reverse ? cases[i].reverse : cases[i].yaml);
	}
}
END_TEST

/* yaml_test.go TestJSONToYAML and TestMarshal. */
START_TEST(test_yaml_json_to_yaml)
{
	check_encode("{\"t\":\"a\"}", "t: a\n");
	check_encode("{\"t\":null}", "t: null\n");
	check_encode("{\"A\":\"a\",\"B\":9223372036854775807,\"C\":3.4028235e+38}",
		     "A: a\nB: 9223372036854775807\nC: 3.4028235e+38\n");
	check_encode("null", "null\n");
	check_encode("[]", "[]\n");
	check_encode("{}", "{}\n");
	check_encode("\"x\"", "x\n");
	check_encode("\"a: 1\\n\"", "|\n  a: 1\n");
	check_encode("[{\"a\":1},{\"b\":[1,2]}]", "- a: 1\n- b:\n  - 1\n  - 2\n");
}
END_TEST

/* yaml_test.go TestUnmarshal (into untyped JSON) and the stream cases. */
START_TEST(test_yaml_unmarshal)
{
	check_decode("a: 1", "{\"a\":1}");
	check_decode("a: true", "{\"a\":true}");
	check_decode("true: 1", "{\"true\":1}");
	check_decode("a:\n  a: 1", "{\"a\":{\"a\":1}}");
	check_decode("a:\n  - b: abc\n    c: def\n  - b: 123\n    c: 456\n",
		     "{\"a\":[{\"b\":\"abc\",\"c\":\"def\"},{\"b\":123,\"c\":456}]}");
	check_decode("a:\n  b: 1", "{\"a\":{\"b\":1}}");
	check_decode("\na:\n  name: TestA\nb:\n  name: TestB\n",
		     "{\"a\":{\"name\":\"TestA\"},\"b\":{\"name\":\"TestB\"}}");
	check_decode("null", "null");
	check_decode("[null, null]", "[null,null]");
	check_decode("", "null");

	struct json_object *docs = NULL;
	char *err = NULL;
	const char *stream = "---\na: 1\n---\nb: 2\n";
	ck_assert_int_eq(ck_yaml_decode_all(stream, strlen(stream), 0, &docs, &err), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(docs, JSON_C_TO_STRING_PLAIN),
			 "[{\"a\":1},{\"b\":2}]");
	json_object_put(docs);
	ck_assert_int_eq(ck_yaml_decode_all("---\n", 4, 0, &docs, &err), 0);
	ck_assert_int_eq(json_object_array_length(docs), 0);
	json_object_put(docs);
}
END_TEST

/* yaml_test.go TestUnmarshalStrict(Fails), TestYAMLToJSONStrict; yaml.v2 unmarshalStrictTests. */
START_TEST(test_yaml_strict)
{
	check_decode_flags("a: 1", CK_YAML_STRICT, "{\"a\":1}");
	check_decode_flags("a: true\na: false", 0, "{\"a\":false}");
	check_decode_flags(
	    "a: true\na: false", CK_YAML_STRICT,
	    "ERROR: yaml: unmarshal errors:\n  line 2: key \"a\" already set in map");
	check_decode_flags("\na:\n  name: TestA\n  id: ID-A\n  id: ID-1\n", 0,
			   "{\"a\":{\"id\":\"ID-1\",\"name\":\"TestA\"}}");
	check_decode_flags(
	    "\na:\n  name: TestA\n  id: ID-A\n  id: ID-1\n", CK_YAML_STRICT,
	    "ERROR: yaml: unmarshal errors:\n  line 5: key \"id\" already set in map");
	check_decode_flags("a:\n  - b: abc\n    c: 32\n      b: 123", CK_YAML_STRICT,
			   "ERROR: yaml: line 4: mapping values are not allowed in this context");
	check_decode_flags("a:\n  b: 1\n    c: 3", CK_YAML_STRICT,
			   "ERROR: yaml: line 3: mapping values are not allowed in this context");
	check_decode_flags("\nfoo: bar\nfoo: baz\n", 0, "{\"foo\":\"baz\"}");
	check_decode_flags(
	    "c: 1\na: 1\nb: 2\nc: 3\n", CK_YAML_STRICT,
	    "ERROR: yaml: unmarshal errors:\n  line 4: key \"c\" already set in map");
	check_decode_flags("a: 1\n9: 2\nnull: 3\n9: 4", CK_YAML_STRICT,
			   "ERROR: yaml: unmarshal errors:\n  line 4: key 9 already set in map");
	/* several are listed; merged keys count too */
	check_decode_flags(
	    "a: 1\na: 2\nb: {x: 1, x: 2}\n", CK_YAML_STRICT,
	    "ERROR: yaml: unmarshal errors:\n  line 2: key \"a\" already set in map\n"
	    "  line 3: key \"x\" already set in map");
	check_decode_flags(
	    "m: &m {x: 1}\nb:\n  <<: *m\n  x: 2\n", CK_YAML_STRICT,
	    "ERROR: yaml: unmarshal errors:\n  line 4: key \"x\" already set in map");
}
END_TEST

/* yaml.v2 decode_test.go unmarshalTests, decoding into interface{}. */
START_TEST(test_yaml_resolve)
{
	static const struct {
		const char *yaml, *json;
	} cases[] = {
		{ "v: hi", "{\"v\":\"hi\"}" },
		{ "v: true", "{\"v\":true}" },
		{ "v: 10", "{\"v\":10}" },
		{ "v: 0b10", "{\"v\":2}" },
		{ "v: 0xA", "{\"v\":10}" },
		{ "v: 4294967296", "{\"v\":4294967296}" },
		{ "v: 0.1", "{\"v\":0.1}" },
		{ "v: .1", "{\"v\":0.1}" },
		{ "v: -10", "{\"v\":-10}" },
		{ "v: -.1", "{\"v\":-0.1}" },
		{ "123", "123" },
		{ "canonical: 6.8523e+5", "{\"canonical\":685230}" },
		{ "expo: 685.230_15e+03", "{\"expo\":685230.15}" },
		{ "fixed: 685_230.15", "{\"fixed\":685230.15}" },
		{ "canonical: y", "{\"canonical\":true}" },
		{ "answer: NO", "{\"answer\":false}" },
		{ "logical: True", "{\"logical\":true}" },
		{ "option: on", "{\"option\":true}" },
		{ "canonical: 685230", "{\"canonical\":685230}" },
		{ "decimal: +685_230", "{\"decimal\":685230}" },
		{ "octal: 02472256", "{\"octal\":685230}" },
		{ "hexa: 0x_0A_74_AE", "{\"hexa\":685230}" },
		{ "bin: 0b1010_0111_0100_1010_1110", "{\"bin\":685230}" },
		{ "bin: -0b101010", "{\"bin\":-42}" },
		{ "bin: -0b1000000000000000000000000000000000000000000000000000000000000000",
		  "{\"bin\":-9223372036854775808}" },
		{ "empty:", "{\"empty\":null}" },
		{ "canonical: ~", "{\"canonical\":null}" },
		{ "english: null", "{\"english\":null}" },
		{ "seq: [A,B]", "{\"seq\":[\"A\",\"B\"]}" },
		{ "seq: [A,B,C,]", "{\"seq\":[\"A\",\"B\",\"C\"]}" },
		{ "seq: [A,1,C]", "{\"seq\":[\"A\",1,\"C\"]}" },
		{ "seq:\n - A\n - B", "{\"seq\":[\"A\",\"B\"]}" },
		{ "seq:\n - A\n - 1\n - C", "{\"seq\":[\"A\",1,\"C\"]}" },
		{ "scalar: | # Comment\n\n literal\n\n \ttext\n\n",
		  "{\"scalar\":\"\\nliteral\\n\\n\\ttext\\n\"}" },
		{ "scalar: > # Comment\n\n folded\n line\n \n next\n line\n  * one\n  * two\n\n "
		  "last\n line\n\n",
		  "{\"scalar\":\"\\nfolded line\\nnext line\\n * one\\n * two\\n\\nlast "
		  "line\\n\"}" },
		{ "a: {b: c}", "{\"a\":{\"b\":\"c\"}}" },
		{ "int64_max: 9223372036854775807", "{\"int64_max\":9223372036854775807}" },
		{ "int64_max_base2: "
		  "0b111111111111111111111111111111111111111111111111111111111111111",
		  "{\"int64_max_base2\":9223372036854775807}" },
		{ "int64_min: -9223372036854775808", "{\"int64_min\":-9223372036854775808}" },
		{ "int64_overflow: 9223372036854775808",
		  "{\"int64_overflow\":9223372036854775808}" },
		{ "uint64_max: 18446744073709551615", "{\"uint64_max\":18446744073709551615}" },
		{ "uint64_max_base2: "
		  "0b1111111111111111111111111111111111111111111111111111111111111111",
		  "{\"uint64_max_base2\":18446744073709551615}" },
		{ "float64_max: 1.797693134862315708145274237317043567981e+308",
		  "{\"float64_max\":1.7976931348623157e+308}" },
		{ "float64_nonzero: 4.940656458412465441765687928682213723651e-324",
		  "{\"float64_nonzero\":5e-324}" },
		{ "float64_maxuint64+1: 18446744073709551616",
		  "{\"float64_maxuint64+1\":18446744073709552000}" },
		{ "'1': '\"2\"'", "{\"1\":\"\\\"2\\\"\"}" },
		{ "v:\n- A\n- 'B\n\n  C'\n", "{\"v\":[\"A\",\"B\\nC\"]}" },
		{ "v: !!float '1.1'", "{\"v\":1.1}" },
		{ "v: !!float 0", "{\"v\":0}" },
		{ "v: !!float -1", "{\"v\":-1}" },
		{ "v: !!null ''", "{\"v\":null}" },
		{ "%TAG !y! tag:yaml.org,2002:\n---\nv: !y!int '1'", "{\"v\":1}" },
		{ "v: ! test", "{\"v\":\"test\"}" },
		{ "a: &x 1\nb: &y 2\nc: *x\nd: *y\n", "{\"a\":1,\"b\":2,\"c\":1,\"d\":2}" },
		{ "a: &a {c: 1}\nb: *a", "{\"a\":{\"c\":1},\"b\":{\"c\":1}}" },
		{ "a: &a [1, 2]\nb: *a", "{\"a\":[1,2],\"b\":[1,2]}" },
		{ "foo: ''", "{\"foo\":\"\"}" },
		{ "foo: null", "{\"foo\":null}" },
		{ "foo: ~", "{\"foo\":null}" },
		{ "a: -b_c", "{\"a\":\"-b_c\"}" },
		{ "a: +b_c", "{\"a\":\"+b_c\"}" },
		{ "a: 50cent_of_dollar", "{\"a\":\"50cent_of_dollar\"}" },
		{ "a: {b: https://github.com/go-yaml/yaml}",
		  "{\"a\":{\"b\":\"https://github.com/go-yaml/yaml\"}}" },
		{ "a: [https://github.com/go-yaml/yaml]",
		  "{\"a\":[\"https://github.com/go-yaml/yaml\"]}" },
		{ "a: 3s", "{\"a\":\"3s\"}" },
		{ "a: <foo>", "{\"a\":\"<foo>\"}" },
		{ "a: 1:1\n", "{\"a\":\"1:1\"}" },
		{ "a: !!binary gIGC\n", "{\"a\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}" },
		{ "a: 2015-01-01\n", "{\"a\":\"2015-01-01\"}" },
		{ "a: 2015-02-24T18:19:39.12Z\n", "{\"a\":\"2015-02-24T18:19:39.12Z\"}" },
		{ "a: !!str 2015-01-01", "{\"a\":\"2015-01-01\"}" },
		{ "a: !!timestamp \"2015-01-01\"", "{\"a\":\"2015-01-01\"}" },
		{ "a: \"2015-01-01\"", "{\"a\":\"2015-01-01\"}" },
		{ "a: 123456e1\n", "{\"a\":1234560}" },
		{ "a: 123456E1\n", "{\"a\":1234560}" },
		{ "First occurrence: &anchor Foo\nSecond occurrence: *anchor\nOverride anchor: "
		  "&anchor Bar\nReuse anchor: *anchor\n",
		  "{\"First occurrence\":\"Foo\",\"Override anchor\":\"Bar\",\"Reuse anchor\":"
		  "\"Bar\",\"Second occurrence\":\"Foo\"}" },
		{ "---\nhello\n...\n}not yaml", "\"hello\"" },
		{ "\na:\n  b\nb:\n  ? a\n  : a", "{\"a\":\"b\",\"b\":{\"a\":\"a\"}}" },
		/* the YAML 1.1 booleans yaml.v2 knows, and what it does not */
		{ "[y, Y, yes, Yes, YES, n, N, no, No, NO, on, On, ON, off, Off, OFF, yEs, oN, "
		  "tRue]",
		  "[true,true,true,true,true,false,false,false,false,false,true,true,true,false,"
		  "false,false,\"yEs\",\"oN\",\"tRue\"]" },
		/* Go's integer syntax after underscores are dropped */
		{ "[0o17, 0O17, 0X1f, 0B11, 08, 09, 0x, 00, -0, +0x1f, 0b+101, 1__0, 0x_1]",
		  "[15,15,31,3,8,9,\"0x\",0,0,31,5,10,1]" },
		{ "[.5_0, ._5, 1_.5, 1e1_0, .e3, 1e, 1e309, 1e-400, .inf, +.inf]",
		  "ERROR: json: unsupported value: +Inf" },
		{ "[.5_0, ._5, 1_.5, 1e1_0, .e3, 1e, 1e309, 1e-400]",
		  "[0.5,\"._5\",1.5,10000000000,\".e3\",\"1e\",\"1e309\",0]" },
		{ "[2001-02-29, 2000-02-29, 2001-13-01, 1:20, 190:20:30, \"12\"]",
		  "[\"2001-02-29\",\"2000-02-29\",\"2001-13-01\",\"1:20\",\"190:20:30\",\"12\"]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_decode(cases[i].yaml, cases[i].json);

	/* 52 NUL bytes and 54 invalid bytes from !!binary */
	char yaml[256];
	snprintf(yaml, sizeof(yaml), "a: !!binary |\n  %s\n  ==\n",
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	struct json_object *o = NULL, *a;
	ck_assert_int_eq(ck_yaml_decode(yaml, strlen(yaml), 0, &o, NULL), 0);
	ck_assert(json_object_object_get_ex(o, "a", &a));
	ck_assert_int_eq(json_object_get_string_len(a), 52);
	ck_assert_int_eq(memcmp(json_object_get_string(a), "\0\0\0\0", 4), 0);
	json_object_put(o);

	/* UTF-16 with a byte order mark */
	static const char text[] = "\xf1o\xf1o: very yes\n"; /* Latin-1 code units */
	char le[64], be[64];
	size_t n = 0;
	le[n] = (char)0xff, be[n++] = (char)0xfe;
	le[n] = (char)0xfe, be[n++] = (char)0xff;
	for (const char *c = text; *c; c++) {
		le[n] = *c, be[n++] = 0;
		le[n] = 0, be[n++] = *c;
	}
	char *got = decode_len(le, n, 0);
	ck_assert_str_eq(got, "{\"\xc3\xb1o\xc3\xb1o\":\"very yes\"}");
	free(got);
	got = decode_len(be, n, 0);
	ck_assert_str_eq(got, "{\"\xc3\xb1o\xc3\xb1o\":\"very yes\"}");
	free(got);
}
END_TEST

/* yaml.v2 decode_test.go unmarshalErrorTests. */
START_TEST(test_yaml_errors)
{
	static const struct {
		const char *yaml, *err;
	} cases[] = {
		{ "v: !!float 'error'", "yaml: cannot decode !!str `error` as a !!float" },
		{ "v: [A,", "yaml: line 1: did not find expected node content" },
		{ "v:\n- [A,", "yaml: line 2: did not find expected node content" },
		{ "a:\n- b: *,",
		  "yaml: line 2: did not find expected alphabetic or numeric character" },
		{ "a: *b\n", "yaml: unknown anchor 'b' referenced" },
		{ "a: &a\n  b: *a\n", "yaml: anchor 'a' value contains itself" },
		{ "a: &x null\n<<:\n- *x\nb: &x {}\n",
		  "yaml: map merge requires map or sequence of maps as the value" },
		{ "value: -", "yaml: block sequence entries are not allowed in this context" },
		{ "a: !!binary ==", "yaml: !!binary value contains invalid base64 data" },
		{ "{[.]}", "yaml: invalid map key: []interface {}{\".\"}" },
		{ "{{.}}",
		  "yaml: invalid map key: map[interface {}]interface {}{\".\":interface {}(nil)}" },
		{ "b: *a\na: &a {c: 1}", "yaml: unknown anchor 'a' referenced" },
		{ "%TAG !%79! tag:yaml.org,2002:\n---\nv: !%79!int '1'",
		  "yaml: did not find expected whitespace" },
		{ "a:\n  1:\nb\n  2:", "yaml: line 4: could not find expected ':'" },
		{ "a: &a [00,00,00,00,00,00,00,00,00]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		  "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
		  "yaml: document contains excessive aliasing" },
		/* what kubectl says for the same inputs */
		{ "a: b: c\n", "yaml: mapping values are not allowed in this context" },
		{ "a: b\n c: d\n", "yaml: line 2: mapping values are not allowed in this context" },
		{ "a: @x\n", "yaml: found character that cannot start any token" },
		{ "a: 1\nb: \"abc\n", "yaml: line 3: found unexpected end of stream" },
		{ "a: !!int x", "yaml: cannot decode !!str `x` as a !!int" },
		{ "a: !!float 18446744073709551615",
		  "yaml: cannot decode !!int `18446744073709551615` as a !!float" },
		{ "a: !!bool 1", "yaml: cannot decode !!int `1` as a !!bool" },
		{ "a: .inf", "json: unsupported value: +Inf" },
		{ "a: -.Inf", "json: unsupported value: -Inf" },
		{ "a: .NaN", "json: unsupported value: NaN" },
		/* keys JSON cannot have */
		{ "~: a", "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\"" },
		{ "18446744073709551615: a",
		  "unsupported map key of type: uint64, key: 0xffffffffffffffff, value: \"a\"" },
		{ "? [1, 2]\n: a\n", "yaml: invalid map key: []interface {}{1, 2}" },
		{ "? {a: 1, 2: b, 1.5: c, true: d, ~: e, 18446744073709551615: f}\n: a\n",
		  "yaml: invalid map key: map[interface {}]interface {}{interface {}(nil):\"e\", "
		  "\"a\":1, 0xffffffffffffffff:\"f\", 2:\"b\", 1.5:\"c\", true:\"d\"}" },
		/* precedence: decoding errors, then key errors, then JSON's */
		{ "a: .inf\n~: b\n",
		  "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"b\"" },
		{ "~: b\nc: !!int x\n", "yaml: cannot decode !!str `x` as a !!int" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[1024];
		snprintf(want, sizeof(want), "ERROR: %s", cases[i].err);
		check_decode(cases[i].yaml, want);
	}
	/* errmsg may be NULL */
	struct json_object *o = NULL;
	ck_assert_int_eq(ck_yaml_decode("a: [", 4, 0, &o, NULL), -EINVAL);
}
END_TEST

/* yaml.v2 decode_test.go mergeTests (from yaml.org/type/merge.html). */
START_TEST(test_yaml_merge)
{
	static const char merge[] = "anchors:\n"
				    "  list:\n"
				    "    - &CENTER { \"x\": 1, \"y\": 2 }\n"
				    "    - &LEFT   { \"x\": 0, \"y\": 2 }\n"
				    "    - &BIG    { \"r\": 10 }\n"
				    "    - &SMALL  { \"r\": 1 }\n"
				    "plain:\n"
				    "  \"x\": 1\n"
				    "  \"y\": 2\n"
				    "  \"r\": 10\n"
				    "  label: center/big\n"
				    "mergeOne:\n"
				    "  << : *CENTER\n"
				    "  \"r\": 10\n"
				    "  label: center/big\n"
				    "mergeMultiple:\n"
				    "  << : [ *CENTER, *BIG ]\n"
				    "  label: center/big\n"
				    "override:\n"
				    "  << : [ *BIG, *LEFT, *SMALL ]\n"
				    "  \"x\": 1\n"
				    "  label: center/big\n"
				    "shortTag:\n"
				    "  !!merge \"<<\" : [ *CENTER, *BIG ]\n"
				    "  label: center/big\n"
				    "longTag:\n"
				    "  !<tag:yaml.org,2002:merge> \"<<\" : [ *CENTER, *BIG ]\n"
				    "  label: center/big\n"
				    "inlineMap:\n"
				    "  << : {\"x\": 1, \"y\": 2, \"r\": 10}\n"
				    "  label: center/big\n"
				    "inlineSequenceMap:\n"
				    "  << : [ *CENTER, {\"r\": 10} ]\n"
				    "  label: center/big\n";
	struct json_object *o = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_yaml_decode(merge, strlen(merge), 0, &o, &err), 0);
	struct json_object *want =
	    json_tokener_parse("{\"x\":1,\"y\":2,\"r\":10,\"label\":\"center/big\"}");
	int n = 0;
	json_object_object_foreach (o, name, v) {
		if (strcmp(name, "anchors") == 0)
			continue;
		ck_assert_msg(json_object_equal(v, want), "merge case %s: %s", name,
			      json_object_to_json_string(v));
		n++;
	}
	ck_assert_int_eq(n, 8);
	json_object_put(want);
	json_object_put(o);

	/* go-yaml v2 applies a merge where it stands: later keys win, earlier lose */
	check_decode("m: &m {a: 1, b: 1}\nx:\n  a: 2\n  <<: *m\n",
		     "{\"m\":{\"a\":1,\"b\":1},\"x\":{\"a\":1,\"b\":1}}");
	check_decode("x:\n  <<: {a: 1}\n  a: 2\n", "{\"x\":{\"a\":2}}");
	check_decode("x:\n  \"<<\": 1\n", "{\"x\":{\"<<\":1}}");
	check_decode("x:\n  <<: 1\n", "ERROR: yaml: map merge requires map or sequence of maps as "
				      "the value");
}
END_TEST

START_TEST(test_yaml_keys)
{
	check_decode("1: a\n2.5: b\ntrue: c\nno: d\n",
		     "{\"1\":\"a\",\"2.5\":\"b\",\"false\":\"d\",\"true\":\"c\"}");
	/* float keys print with 32-bit precision */
	check_decode("1.23456789: a\n1e39: b\n-.inf: c\n.nan: d\n0.1: e\n",
		     "{\"-.inf\":\"c\",\".inf\":\"b\",\".nan\":\"d\",\"0.1\":\"e\","
		     "\"1.2345679\":\"a\"}");
	check_decode("0x10: a\n0o10: b\n010: c\n2001-12-14: d\n",
		     "{\"16\":\"a\",\"2001-12-14\":\"d\",\"8\":\"c\"}");
	/* keys that become the same string: the last one wins */
	check_decode("1: a\n\"1\": b\n", "{\"1\":\"b\"}");
	check_decode("\"1\": b\n1: a\n", "{\"1\":\"a\"}");
	/* y and true are the same key */
	check_decode("true: c\ny: 017\n", "{\"true\":15}");
	/* keys come out sorted as encoding/json sorts them */
	check_decode("b: 1\na: 2\nB: 3\n_: 4\n", "{\"B\":3,\"_\":4,\"a\":2,\"b\":1}");
	/* binary keys: invalid UTF-8 becomes U+FFFD, as in values */
	check_decode("? !!binary taga\n: 1\n", "{\"\xef\xbf\xbd\xef\xbf\xbd\\u001a\":1}");
}
END_TEST

START_TEST(test_yaml_scalars)
{
	check_decode("a: 'single ''quoted'''\n", "{\"a\":\"single 'quoted'\"}");
	check_decode("a: \"d \\\"q\\\" \\t \\u00e9 \\x41 \\0\"\n",
		     "{\"a\":\"d \\\"q\\\" \\t \xc3\xa9 A \\u0000\"}");
	check_decode("a: plain\n  multi\n  line\n", "{\"a\":\"plain multi line\"}");
	check_decode("a: |\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\\n\"}");
	check_decode("a: |-\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\"}");
	check_decode("a: |+\n  line1\n\n\nb: 1\n", "{\"a\":\"line1\\n\\n\\n\",\"b\":1}");
	check_decode("a: >-\n  folded\n  text\n\n  para\n", "{\"a\":\"folded text\\npara\"}");
	check_decode("a: |2\n    indented\n  x\n", "{\"a\":\"  indented\\nx\\n\"}");
	check_decode("a: [1, 'two', \"three\", {four: 4}, [5]]\n",
		     "{\"a\":[1,\"two\",\"three\",{\"four\":4},[5]]}");
	check_decode("a: []\nb: {}\nc: ''\nd: \"\"\n", "{\"a\":[],\"b\":{},\"c\":\"\",\"d\":\"\"}");
	check_decode("a: [a:b]\nb: {a:b}\n", "{\"a\":[\"a:b\"],\"b\":{\"a:b\":null}}");
	check_decode("a: 0.1\nb: 1e-7\nc: 1e21\nd: 123456789.123\ne: 3.0\nf: -0.0\ng: 1e-5\n",
		     "{\"a\":0.1,\"b\":1e-7,\"c\":1e+21,\"d\":123456789.123,\"e\":3,\"f\":0,"
		     "\"g\":0.00001}");
	check_decode(
	    "a: !!map {b: 1}\nc: !!seq [1]\nd: !custom x\ne: !<tag:example.com,2000:x> y\n",
	    "{\"a\":{\"b\":1},\"c\":[1],\"d\":\"x\",\"e\":\"y\"}");
	check_decode("a: 1\n...\nb: 2\n", "{\"a\":1}");
	check_decode("%YAML 1.1\n---\na: 1\n", "{\"a\":1}");
	check_decode("\xef\xbb\xbf"
		     "a: 1\n",
		     "{\"a\":1}");
	check_decode("a: \"\\ud800\"\n", "ERROR: yaml: found invalid Unicode character "
					 "escape code");
	check_decode("a: b\x01\n", "ERROR: yaml: control characters are not allowed");
}
END_TEST

/* Bombs and depth: bounded work, bounded stack. */
START_TEST(test_yaml_limits)
{
	/* billion laughs: refused quickly */
	static const char lol[] =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	clock_t start = clock();
	check_decode(lol, "ERROR: yaml: document contains excessive aliasing");
	ck_assert((double)(clock() - start) / CLOCKS_PER_SEC < 5);

	/* a small alias fan-out is fine */
	check_decode("a: &a [1,2]\nb: [*a,*a,*a]\n", "{\"a\":[1,2],\"b\":[[1,2],[1,2],[1,2]]}");

	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (int i = 0; i < CK_MAX_JSON_DEPTH; i++)
		ck_buf_addc(&b, '[');
	for (int i = 0; i < CK_MAX_JSON_DEPTH; i++)
		ck_buf_addc(&b, ']');
	struct json_object *o = NULL;
	ck_assert_int_eq(ck_yaml_decode(b.data, b.len, 0, &o, NULL), 0);
	json_object_put(o);
	ck_buf_reset(&b);
	for (int i = 0; i <= CK_MAX_JSON_DEPTH; i++)
		ck_buf_addc(&b, '[');
	char *got = decode_len(b.data, b.len, 0);
	ck_assert_str_eq(got, "ERROR: yaml: line 1: exceeded max depth of 1000");
	free(got);
	ck_buf_release(&b);

	/* encoding refuses what it cannot write */
	struct json_object *nan = json_object_new_double(NAN);
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_yaml_encode(nan, &b), -EINVAL);
	json_object_put(nan);
	ck_buf_release(&b);
	struct json_object *big = json_object_new_string("0123456789abcdef0123456789");
	ck_buf_init(&b, 16);
	ck_assert_int_eq(ck_yaml_encode(big, &b), -E2BIG);
	json_object_put(big);
	ck_buf_release(&b);
}
END_TEST

/* kubectl's YAML reader: separators, CRLF, comments, empty documents. */
START_TEST(test_yaml_stream)
{
	static const char s1[] = "# leading comment\n---\n---\na: 1\r\nb: 2\r\n--- # c\nnull\n"
				 "---\n# only a comment\n---\t\n- x\n...\n---\n42";
	struct json_object *docs = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_yaml_decode_all(s1, strlen(s1), 0, &docs, &err), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(docs, JSON_C_TO_STRING_PLAIN),
			 "[{\"a\":1,\"b\":2},[\"x\"],42]");
	json_object_put(docs);

	/* a separator line takes only spaces or a comment after the dashes */
	static const char s2[] = "a: 1\n--- foo\nb: 2\n";
	ck_assert_int_eq(ck_yaml_decode_all(s2, strlen(s2), 0, &docs, &err), -EINVAL);
	ck_assert_str_eq(err, "invalid Yaml document separator: foo");
	free(err);
	err = NULL;

	/* documents before an error come out one at a time */
	static const char s3[] = "a: 1\n---\nb: [\n";
	struct ck_yaml_stream st;
	ck_yaml_stream_init(&st, s3, strlen(s3), 0);
	struct json_object *o = NULL;
	ck_assert_int_eq(ck_yaml_stream_next(&st, &o, &err), 1);
	ck_assert_str_eq(json_object_to_json_string(o), "{ \"a\": 1 }");
	json_object_put(o);
	ck_assert_int_eq(ck_yaml_stream_next(&st, &o, &err), -EINVAL);
	ck_assert_str_eq(err, "error converting YAML to JSON: yaml: line 1: did not find expected "
			      "node content");
	free(err);

	/* a "---" inside a block scalar is indented, so not a separator */
	static const char s4[] = "a: |\n  ---\n  x\n---\nb: 2\n";
	ck_assert_int_eq(ck_yaml_decode_all(s4, strlen(s4), 0, &docs, NULL), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(docs, JSON_C_TO_STRING_PLAIN),
			 "[{\"a\":\"---\\nx\\n\"},{\"b\":2}]");
	json_object_put(docs);

	ck_yaml_stream_init(&st, "", 0, 0);
	ck_assert_int_eq(ck_yaml_stream_next(&st, &o, NULL), 0);
	ck_yaml_stream_init(&st, "a: 1\na: 2\n", 10, CK_YAML_STRICT);
	ck_assert_int_eq(ck_yaml_stream_next(&st, &o, &err), -EINVAL);
	ck_assert_str_eq(err, "error converting YAML to JSON: yaml: unmarshal errors:\n  line 2: "
			      "key \"a\" already set in map");
	free(err);
}
END_TEST

/* `kubectl get -o yaml` of a Pod, as kubectl 1.32 printed it. */
START_TEST(test_yaml_encode_pod)
{
	static const char pod[] =
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\","
	    "\"namespace\":\"default\",\"labels\":{\"app\":\"web\",\"tier\":\"frontend\"},"
	    "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
	    "\"{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Pod\\\"}\\n\",\"note\":\"line "
	    "one\\nline two\",\"empty\":\"\",\"z\":\"1\"},\"creationTimestamp\":"
	    "\"2024-01-02T03:04:05Z\",\"uid\":\"0b6c1f4e-5d1a-4c7e-9d8e-2f3a4b5c6d7e\","
	    "\"resourceVersion\":\"12345\",\"ownerReferences\":[]},\"spec\":{\"containers\":"
	    "[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"args\":[\"--port=80\",\"yes\","
	    "\"on\",\"012\",\"1e3\",\"- dash\",\"#hash\",\"key: value\",\"  padded\","
	    "\"trailing \"],\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],\"env\":"
	    "[{\"name\":\"A\",\"value\":\"true\"},{\"name\":\"B\",\"value\":\"123\"},{\"name\":"
	    "\"C\",\"value\":\"1.5\"},{\"name\":\"D\",\"value\":\"null\"},{\"name\":\"E\","
	    "\"value\":\"~\"}],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":"
	    "\"128Mi\"},\"requests\":{}},\"command\":[\"sh\",\"-c\",\"echo hello && sleep "
	    "3600 && echo this is a rather long command line that goes past the eighty "
	    "column limit of the emitter\"]}],\"nodeSelector\":{},\"tolerations\":[],"
	    "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"priority\":"
	    "0,\"enableServiceLinks\":true,\"securityContext\":{\"runAsUser\":1000,\"fsGroup\":"
	    "2000}},\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":"
	    "\"PodScheduled\",\"status\":\"True\",\"lastProbeTime\":null,"
	    "\"lastTransitionTime\":\"2024-01-02T03:04:05Z\"}],\"qosClass\":\"Burstable\"}}";
	static const char want[] =
	    "apiVersion: v1\n"
	    "kind: Pod\n"
	    "metadata:\n"
	    "  annotations:\n"
	    "    empty: \"\"\n"
	    "    kubectl.kubernetes.io/last-applied-configuration: |\n"
	    "      {\"apiVersion\":\"v1\",\"kind\":\"Pod\"}\n"
	    "    note: |-\n"
	    "      line one\n"
	    "      line two\n"
	    "    z: \"1\"\n"
	    "  creationTimestamp: \"2024-01-02T03:04:05Z\"\n"
	    "  labels:\n"
	    "    app: web\n"
	    "    tier: frontend\n"
	    "  name: web-0\n"
	    "  namespace: default\n"
	    "  ownerReferences: []\n"
	    "  resourceVersion: \"12345\"\n"
	    "  uid: 0b6c1f4e-5d1a-4c7e-9d8e-2f3a4b5c6d7e\n"
	    "spec:\n"
	    "  containers:\n"
	    "  - args:\n"
	    "    - --port=80\n"
	    "    - \"yes\"\n"
	    "    - \"on\"\n"
	    "    - \"012\"\n"
	    "    - \"1e3\"\n"
	    "    - '- dash'\n"
	    "    - '#hash'\n"
	    "    - 'key: value'\n"
	    "    - '  padded'\n"
	    "    - 'trailing '\n"
	    "    command:\n"
	    "    - sh\n"
	    "    - -c\n"
	    "    - echo hello && sleep 3600 && echo this is a rather long command line that goes\n"
	    "      past the eighty column limit of the emitter\n"
	    "    env:\n"
	    "    - name: A\n"
	    "      value: \"true\"\n"
	    "    - name: B\n"
	    "      value: \"123\"\n"
	    "    - name: C\n"
	    "      value: \"1.5\"\n"
	    "    - name: D\n"
	    "      value: \"null\"\n"
	    "    - name: E\n"
	    "      value: \"~\"\n"
	    "    image: nginx:1.25\n"
	    "    name: nginx\n"
	    "    ports:\n"
	    "    - containerPort: 80\n"
	    "      protocol: TCP\n"
	    "    resources:\n"
	    "      limits:\n"
	    "        cpu: 500m\n"
	    "        memory: 128Mi\n"
	    "      requests: {}\n"
	    "  dnsPolicy: ClusterFirst\n"
	    "  enableServiceLinks: true\n"
	    "  nodeSelector: {}\n"
	    "  priority: 0\n"
	    "  securityContext:\n"
	    "    fsGroup: 2000\n"
	    "    runAsUser: 1000\n"
	    "  terminationGracePeriodSeconds: 30\n"
	    "  tolerations: []\n"
	    "status:\n"
	    "  conditions:\n"
	    "  - lastProbeTime: null\n"
	    "    lastTransitionTime: \"2024-01-02T03:04:05Z\"\n"
	    "    status: \"True\"\n"
	    "    type: PodScheduled\n"
	    "  phase: Pending\n"
	    "  qosClass: Burstable\n";
	check_encode(pod, want);
}
END_TEST

/* Quoting, block scalars, numbers and key order, as kubectl 1.32 printed them. */
START_TEST(test_yaml_encode_shapes)
{
	check_encode(
	    "{\"s1\":\"true\",\"s2\":\"123\",\"s3\":\"\",\"s4\":\"yes\",\"s5\":\"a: b\","
	    "\"s6\":\"- x\",\"s7\":\"#c\",\"s8\":\"a #b\",\"s9\":\"1:20\","
	    "\"s10\":\"2001-12-14\",\"s11\":\"2001-02-30\",\"s12\":\"x\\n\","
	    "\"s13\":\"x\\n\\n\",\"s14\":\"x\",\"s15\":\" x\",\"s16\":\"x \","
	    "\"s17\":\"a\\tb\",\"s18\":\"line1\\nline2\",\"s19\":\"\\u00e9t\\u00e9\","
	    "\"s20\":\"\\ud83d\\ude00\",\"s21\":\"null\",\"s22\":\"~\",\"s23\":\"0x1f\","
	    "\"s24\":\"1e3\",\"s25\":\".5\",\"s26\":\"1_000\",\"s27\":\"y\",\"s28\":\"@x\","
	    "\"s29\":\"\\u0000\",\"s30\":\"a\\nb \",\"s31\":\"  lead\\nx\",\"s32\":\"1.0\","
	    "\"s33\":\"-\",\"s34\":\"---\",\"s35\":\"...\",\"s36\":\"a,b\",\"s37\":\"[x]\","
	    "\"s38\":\"*\",\"s39\":\"key: \",\"s40\":\"\\n\",\"s41\":\"\\nx\"}",
	    "s1: \"true\"\n"
	    "s2: \"123\"\n"
	    "s3: \"\"\n"
	    "s4: \"yes\"\n"
	    "s5: 'a: b'\n"
	    "s6: '- x'\n"
	    "s7: '#c'\n"
	    "s8: 'a #b'\n"
	    "s9: \"1:20\"\n"
	    "s10: \"2001-12-14\"\n"
	    "s11: 2001-02-30\n"
	    "s12: |\n  x\n"
	    "s13: |+\n  x\n\n"
	    "s14: x\n"
	    "s15: ' x'\n"
	    "s16: 'x '\n"
	    "s17: \"a\\tb\"\n"
	    "s18: |-\n  line1\n  line2\n"
	    "s19: \xc3\xa9t\xc3\xa9\n"
	    "s20: \"\\U0001F600\"\n"
	    "s21: \"null\"\n"
	    "s22: \"~\"\n"
	    "s23: \"0x1f\"\n"
	    "s24: \"1e3\"\n"
	    "s25: \".5\"\n"
	    "s26: \"1_000\"\n"
	    "s27: \"y\"\n"
	    "s28: '@x'\n"
	    "s29: \"\\0\"\n"
	    "s30: \"a\\nb \"\n"
	    "s31: |2-\n    lead\n  x\n"
	    "s32: \"1.0\"\n"
	    "s33: '-'\n"
	    "s34: '---'\n"
	    "s35: '...'\n"
	    "s36: a,b\n"
	    "s37: '[x]'\n"
	    "s38: '*'\n"
	    "s39: 'key: '\n"
	    "s40: |2+\n\n"
	    "s41: |2-\n\n  x\n");
	check_encode("{\"k10\":1,\"k9\":2,\"kB\":3,\"k_\":4,\"a-b\":5,\"ab\":6,\"f1\":1.5,"
		     "\"f2\":1e21,\"f3\":1e-7,\"f4\":100000000,\"f5\":0.000001,\"f6\":123456789012,"
		     "\"n\":null,\"e1\":{},\"e2\":[],\"l\":[{\"name\":\"x\",\"v\":[1,2]},\"y\"],"
		     "\"nested\":{\"a\":{\"b\":[[1,2],[]]}},\"big\":9223372036854775808,"
		     "\"f7\":3.0,\"f8\":1e20}",
		     "a-b: 5\n"
		     "ab: 6\n"
		     "big: 9223372036854775808\n"
		     "e1: {}\n"
		     "e2: []\n"
		     "f1: 1.5\n"
		     "f2: 1e+21\n"
		     "f3: 1e-07\n"
		     "f4: 100000000\n"
		     "f5: 1e-06\n"
		     "f6: 123456789012\n"
		     "f7: 3\n"
		     "f8: 1e+20\n"
		     "k_: 4\n"
		     "k9: 2\n"
		     "k10: 1\n"
		     "kB: 3\n"
		     "l:\n"
		     "- name: x\n"
		     "  v:\n"
		     "  - 1\n"
		     "  - 2\n"
		     "- \"y\"\n"
		     "\"n\": null\n"
		     "nested:\n"
		     "  a:\n"
		     "    b:\n"
		     "    - - 1\n"
		     "      - 2\n"
		     "    - []\n");
	check_encode(
	    "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\":1,\"multi\\nline\":2,"
	    "\"a b\":{\"c\":[[],{}]},\"top\":[1,\"2\",[3,[4]]]}",
	    "a b:\n"
	    "  c:\n"
	    "  - []\n"
	    "  - {}\n"
	    "? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n"
	    ": 1\n"
	    "? |-\n"
	    "  multi\n"
	    "  line\n"
	    ": 2\n"
	    "top:\n"
	    "- 1\n"
	    "- \"2\"\n"
	    "- - 3\n"
	    "  - - 4\n");

	/* invalid UTF-8 becomes U+FFFD, as encoding/json writes it */
	struct json_object *s = json_object_new_string_len("a\xff"
							   "b",
							   3);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_yaml_encode(s, &b), 0);
	ck_assert_str_eq(ck_buf_str(&b), "a\xef\xbf\xbd"
					 "b\n");
	ck_buf_release(&b);
	json_object_put(s);
}
END_TEST

/* What the encoder writes reads back the same. */
START_TEST(test_yaml_round_trip)
{
	static const char *const docs[] = {
		"{\"a\":[1,2.5,\"x\",null,true,{\"b\":\"\"}],\"c\":\"line\\nline\\n\\n\"}",
		"{\"weird keys\":{\"\":1,\"1\":2,\"true\":3,\"-\":4,\"? x\":5,\"a: b\":6}}",
		"[\"  \",\"\\t\",\"\\r\",\"a\\u2028b\",\"\\u0085\",\"#\",\"'\",\"\\\"\",\"\\\\\"]",
		("{\"n\":[0,-1,9223372036854775807,-9223372036854775808,18446744073709551615,1e-"
		 "300,"
		 "1.7976931348623157e308,0.1]}"),
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct json_object *in = json_tokener_parse(docs[i]);
		ck_assert_ptr_nonnull(in);
		struct ck_buf b;
		ck_buf_init(&b, 0);
		ck_assert_int_eq(ck_yaml_encode(in, &b), 0);
		struct json_object *out = NULL;
		char *err = NULL;
		ck_assert_msg(ck_yaml_decode(b.data, b.len, 0, &out, &err) == 0, "%s: %s",
			      ck_buf_str(&b), err);
		ck_assert_msg(json_object_equal(in, out), "round trip of %s gave %s", docs[i],
			      json_object_to_json_string(out));
		json_object_put(in);
		json_object_put(out);
		ck_buf_release(&b);
	}
}
END_TEST

Suite *ck_test_suite_yaml(void)
{
	Suite *s = suite_create("yaml");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_yaml_to_json_table);
	tcase_add_test(tc, test_yaml_json_to_yaml);
	tcase_add_test(tc, test_yaml_unmarshal);
	tcase_add_test(tc, test_yaml_strict);
	tcase_add_test(tc, test_yaml_resolve);
	tcase_add_test(tc, test_yaml_errors);
	tcase_add_test(tc, test_yaml_merge);
	tcase_add_test(tc, test_yaml_keys);
	tcase_add_test(tc, test_yaml_scalars);
	tcase_add_test(tc, test_yaml_limits);
	tcase_add_test(tc, test_yaml_stream);
	tcase_add_test(tc, test_yaml_encode_pod);
	tcase_add_test(tc, test_yaml_encode_shapes);
	tcase_add_test(tc, test_yaml_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
