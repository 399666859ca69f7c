/*
 * Ported from upstream k8s.io/apimachinery pkg/util/validation
 * validation_test.go (TestIsDNS1123Label, TestIsDNS1123Subdomain,
 * TestIsDNS1035Label, TestIsValidPortNum, TestIsInRange, TestIsValidPortName,
 * TestIsQualifiedName, TestIsValidLabelValue, TestIsHTTPHeaderName,
 * TestIsValidPercent, TestIsConfigMapKey, TestIsWildcardDNS1123Subdomain),
 * ip_test.go (IsValidIP), pkg/api/validation/path name_test.go
 * (TestValidatePathSegmentName, TestValidateWithMultiErrors), plus the exact
 * message texts upstream prints.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/validation.h"
#include "util/str.h"

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Asserts that check(v) is valid for each good value and invalid for each bad one. */
static void expect(char **(*check)(const char *), const char *const *good, size_t ngood,
		   const char *const *bad, size_t nbad)
{
	for (size_t i = 0; i < ngood; i++) {
		char **m = check(good[i]);
		ck_assert_msg(m == NULL, "expected valid: '%s', got '%s'", good[i], m ? m[0] : "");
	}
	for (size_t i = 0; i < nbad; i++) {
		char **m = check(bad[i]);
		ck_assert_msg(m != NULL && m[0] != NULL, "expected invalid: '%s'", bad[i]);
		ck_strv_free(m);
	}
}

#define EXPECT(check, good, bad) expect(check, good, CK_N(good), bad, CK_N(bad))
#define CK_N(a) (sizeof(a) / sizeof((a)[0]))

static void expect_long(char **(*check)(const char *), char c, size_t n, bool valid)
{
	char *s = repeat(c, n);
	char **m = check(s);
	ck_assert_msg((m == NULL) == valid, "length %zu", n);
	ck_strv_free(m);
	free(s);
}

/* Asserts the exact messages. */
static void expect_msgs(char **m, const char *const *want, size_t n)
{
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(ck_strv_len(m), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(m[i], want[i]);
	ck_strv_free(m);
}

START_TEST(test_dns1123_label)
{
	static const char *const good[] = { "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
					    "0", "01", "012", "1a", "1-a", "1--a--b--2" };
	static const char *const bad[] = { "",	 "A",	"ABC", "aBc", "A1",  "A-1", "1-A",
					   "-",	 "a-",	"-a",  "1-",  "-1",  "_",   "a_",
					   "_a", "a_b", "1_",  "_1",  "1_2", ".",   "a.",
					   ".a", "a.b", "1.",  ".1",  "1.2", " ",   "a ",
					   " a", "a b", "1 ",  " 1",  "1 2" };
	EXPECT(ck_is_dns1123_label, good, bad);
	expect_long(ck_is_dns1123_label, 'a', 63, true);
	expect_long(ck_is_dns1123_label, 'a', 64, false);

	static const char *const msg[] = {
		"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
		"'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
		"'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	};
	expect_msgs(ck_is_dns1123_label("a.b"), msg, 1);
	char *s = repeat('a', 64);
	static const char *const too_long[] = { "must be no more than 63 characters" };
	expect_msgs(ck_is_dns1123_label(s), too_long, 1);
	s[10] = 'A';
	char **m = ck_is_dns1123_label(s);
	ck_assert_uint_eq(ck_strv_len(m), 2);
	ck_assert_str_eq(m[0], "must be no more than 63 characters");
	ck_assert_str_eq(m[1], msg[0]);
	ck_strv_free(m);
	free(s);
}
END_TEST

START_TEST(test_dns1123_subdomain)
{
	static const char *const good[] = {
		"a",	     "ab",
		"abc",	     "a1",
		"a-1",	     "a--1--2--b",
		"0",	     "01",
		"012",	     "1a",
		"1-a",	     "1--a--b--2",
		"a.a",	     "ab.a",
		"abc.a",     "a1.a",
		"a-1.a",     "a--1--2--b.a",
		"a.1",	     "ab.1",
		"abc.1",     "a1.1",
		"a-1.1",     "a--1--2--b.1",
		"0.a",	     "01.a",
		"012.a",     "1a.a",
		"1-a.a",     "1--a--b--2",
		"0.1",	     "01.1",
		"012.1",     "1a.1",
		"1-a.1",     "1--a--b--2.1",
		"a.b.c.d.e", "aa.bb.cc.dd.ee",
		"1.2.3.4.5", "11.22.33.44.55",
	};
	static const char *const bad[] = {
		"",
		"A",
		"ABC",
		"aBc",
		"A1",
		"A-1",
		"1-A",
		"-",
		"a-",
		"-a",
		"1-",
		"-1",
		"_",
		"a_",
		"_a",
		"a_b",
		"1_",
		"_1",
		"1_2",
		".",
		"a.",
		".a",
		"a..b",
		"1.",
		".1",
		"1..2",
		" ",
		"a ",
		" a",
		"a b",
		"1 ",
		" 1",
		"1 2",
		"A.a",
		"aB.a",
		"ab.A",
		"A1.a",
		"a1.A",
		"A.1",
		"aB.1",
		"A1.1",
		"1A.1",
		"0.A",
		"01.A",
		"012.A",
		"1A.a",
		"1a.A",
		"A.B.C.D.E",
		"AA.BB.CC.DD.EE",
		"a.B.c.d.e",
		"aa.bB.cc.dd.ee",
		"a@b",
		"a,b",
		"a_b",
		"a;b",
		"a:b",
		"a%b",
		"a?b",
		"a$b",
	};
	EXPECT(ck_is_dns1123_subdomain, good, bad);
	expect_long(ck_is_dns1123_subdomain, 'a', 253, true);
	expect_long(ck_is_dns1123_subdomain, 'a', 254, false);

	static const char *const msg[] = {
		"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
		"characters, "
		"'-' or '.', and must start and end with an alphanumeric character (e.g. "
		"'example.com', regex used for validation is "
		"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	};
	expect_msgs(ck_is_dns1123_subdomain("Foo"), msg, 1);
}
END_TEST

START_TEST(test_dns1035_label)
{
	static const char *const good[] = { "a", "ab", "abc", "a1", "a-1", "a--1--2--b" };
	static const char *const bad[] = {
		"0",  "01",  "012", "1a", "1-a", "1--a--b--2", "",   "A",  "ABC", "aBc",
		"A1", "A-1", "1-A", "-",  "a-",	 "-a",	       "1-", "-1", "_",	  "a_",
		"_a", "a_b", "1_",  "_1", "1_2", ".",	       "a.", ".a", "a.b", "1.",
		".1", "1.2", " ",   "a ", " a",	 "a b",	       "1 ", " 1", "1 2",
	};
	EXPECT(ck_is_dns1035_label, good, bad);
	expect_long(ck_is_dns1035_label, 'a', 63, true);
	expect_long(ck_is_dns1035_label, 'a', 64, false);
	static const char *const msg[] = {
		"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
		"with an alphabetic character, and end with an alphanumeric character (e.g. "
		"'my-name',  or 'abc-123', regex used for validation is "
		"'[a-z]([-a-z0-9]*[a-z0-9])?')"
	};
	expect_msgs(ck_is_dns1035_label("1a"), msg, 1);
}
END_TEST

START_TEST(test_wildcard_dns1123_subdomain)
{
	static const char *const good[] = { "*.example.com", "*.bar.com", "*.foo.bar.com" };
	static const char *const bad[] = { "*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com",
					   "*" };
	EXPECT(ck_is_wildcard_dns1123_subdomain, good, bad);
}
END_TEST

START_TEST(test_port_num_and_range)
{
	static const int64_t good[] = { 1, 2, 1000, 16384, 32768, 65535 };
	static const int64_t bad[] = { 0, -1, 65536, 100000 };
	for (size_t i = 0; i < CK_N(good); i++)
		ck_assert_ptr_null(ck_is_valid_port_num(good[i]));
	for (size_t i = 0; i < CK_N(bad); i++) {
		static const char *const msg[] = { "must be between 1 and 65535, inclusive" };
		expect_msgs(ck_is_valid_port_num(bad[i]), msg, 1);
	}
	ck_assert_ptr_null(ck_is_in_range(1, 0, 10));
	ck_assert_ptr_null(ck_is_in_range(5, 5, 20));
	ck_assert_ptr_null(ck_is_in_range(25, 10, 25));
	char **m = ck_is_in_range(1, 2, 10);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
	static const char *const msg[] = { "must be between -4 and 2, inclusive" };
	expect_msgs(ck_is_in_range(5, -4, 2), msg, 1);
	m = ck_is_in_range(25, 100, 120);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
}
END_TEST

START_TEST(test_port_name)
{
	static const char *const good[] = { "telnet", "re-mail-ck", "pop3",	 "a",
					    "a-1",    "1-a",	    "a-1-b-2-c", "1-a-2-b-3" };
	static const char *const bad[] = { "longerthan15characters",
					   "",
					   "aaaaaaaaaaaaaaaa",
					   "12345",
					   "1-2-3-4",
					   "-begin",
					   "end-",
					   "two--hyphens",
					   "whois++" };
	EXPECT(ck_is_valid_port_name, good, bad);

	static const char *const all[] = {
		"must be no more than 15 characters",
		"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
		"must contain at least one letter (a-z)",
		"must not contain consecutive hyphens",
		"must not begin or end with a hyphen",
	};
	expect_msgs(ck_is_valid_port_name("-1--2_3456789012-"), all, 5);
	static const char *const empty[] = {
		"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
		"must contain at least one letter (a-z)",
	};
	expect_msgs(ck_is_valid_port_name(""), empty, 2);
}
END_TEST

#define QNAME_REGEX                                                                         \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end " \
	"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "     \
	"regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

START_TEST(test_qualified_name)
{
	static const char *const good[] = {
		"simple",
		"now-with-dashes",
		"1-starts-with-num",
		"1234",
		"simple/simple",
		"now-with-dashes/simple",
		"now-with-dashes/now-with-dashes",
		"now.with.dots/simple",
		"now-with.dashes-and.dots/simple",
		"1-num.2-num/3-num",
		"1234/5678",
		"1.2.3.4/5678",
		"Uppercase_Is_OK_123",
		"example.com/Uppercase_Is_OK_123",
		"requests.storage-foo",
	};
	static const char *const bad[] = {
		"nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
		"Example.com/abc",    "example_com/abc",   "example.com/",	   "/simple",
	};
	EXPECT(ck_is_qualified_name, good, bad);
	expect_long(ck_is_qualified_name, 'a', 63, true);
	expect_long(ck_is_qualified_name, 'a', 64, false);

	char *p = repeat('a', 253), *n = repeat('b', 63);
	char buf[400];
	snprintf(buf, sizeof(buf), "%s/%s", p, n);
	ck_assert_ptr_null(ck_is_qualified_name(buf));
	free(p);
	p = repeat('a', 254);
	snprintf(buf, sizeof(buf), "%s/abc", p);
	char **m = ck_is_qualified_name(buf);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m[0], "prefix part must be no more than 253 characters");
	ck_strv_free(m);
	free(p);
	free(n);

	static const char *const multi[] = { "a qualified name " QNAME_REGEX
					     " with an optional DNS subdomain prefix and '/' "
					     "(e.g. 'example.com/MyName')" };
	expect_msgs(ck_is_qualified_name("only/one/slash"), multi, 1);
	static const char *const empty_name[] = { "name part must be non-empty",
						  "name part " QNAME_REGEX };
	expect_msgs(ck_is_qualified_name("example.com/"), empty_name, 2);
	expect_msgs(ck_is_qualified_name(""), empty_name, 2);
	static const char *const empty_prefix[] = { "prefix part must be non-empty" };
	expect_msgs(ck_is_qualified_name("/simple"), empty_prefix, 1);
	static const char *const bad_prefix[] = {
		"prefix part a lowercase RFC 1123 subdomain must consist of lower case "
		"alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
		"character (e.g. 'example.com', regex used for validation is "
		"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	};
	expect_msgs(ck_is_qualified_name("Example.com/abc"), bad_prefix, 1);
	static const char *const bad_name[] = { "name part " QNAME_REGEX };
	expect_msgs(ck_is_qualified_name("-a"), bad_name, 1);
}
END_TEST

START_TEST(test_label_value)
{
	static const char *const good[] = {
		"simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", ""
	};
	static const char *const bad[] = {
		"nospecialchars%^=@",	   "Tama-nui-te-r\xc4\x81.is.M\xc4\x81ori.sun",
		"\\backslashes\\are\\bad", "-starts-with-dash",
		"ends-with-dash-",	   ".starts.with.dot",
		"ends.with.dot.",
	};
	EXPECT(ck_is_valid_label_value, good, bad);
	expect_long(ck_is_valid_label_value, 'a', 63, true);
	expect_long(ck_is_valid_label_value, 'a', 64, false);
	static const char *const msg[] = {
		"a valid label must be an empty string or consist of alphanumeric characters, '-', "
		"'_' or '.', and must start and end with an alphanumeric character (e.g. "
		"'MyValue', "
		" or 'my_value',  or '12345', regex used for validation is "
		"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	};
	expect_msgs(ck_is_valid_label_value("b@r"), msg, 1);
}
END_TEST

START_TEST(test_misc_names)
{
	static const char *const hgood[] = { "Accept-Encoding",
					     "Host",
					     "If-Modified-Since",
					     "X-Forwarded-For",
					     "a",
					     "ab",
					     "abc",
					     "a1",
					     "-a",
					     "a-",
					     "a-b",
					     "a-1",
					     "a--1--2--b",
					     "--abc-123",
					     "A",
					     "AB",
					     "AbC",
					     "A1",
					     "-A",
					     "A-",
					     "A-B",
					     "A-1",
					     "A--1--2--B",
					     "--123-ABC" };
	static const char *const hbad[] = { "Host:",   "X-Forwarded-For:",
					    "X-@Home", "",
					    "_",       "a_",
					    "_a",      "1_",
					    "1_2",     ".",
					    "a.",      ".a",
					    "a.b",     "1.",
					    ".1",      "1.2",
					    " ",       "a ",
					    " a",      "a b",
					    "1 ",      " 1",
					    "1 2",     "#a#",
					    "^",       ",",
					    ";",       "=",
					    "<",       "?",
					    "@",       "{" };
	EXPECT(ck_is_http_header_name, hgood, hbad);

	static const char *const pgood[] = { "0%", "00000%", "1%", "01%", "99%", "100%", "101%" };
	static const char *const pbad[] = { "",	   "0",	  "100", "0.0%", "99.9%", "hundred",
					    " 1%", "1% ", "-0%", "-1%",	 "+1%" };
	EXPECT(ck_is_valid_percent, pgood, pbad);

	static const char *const cgood[] = {
		"a",	       "good",	       "good-good",    "still.good", "this.is.also.good",
		".so.is.this", "THIS_IS_GOOD", "so_is_this_17"
	};
	static const char *const cbad[] = { ".", "..", "..bad", "b*d", "bad!&bad" };
	EXPECT(ck_is_config_map_key, cgood, cbad);
	static const char *const dotdot[] = { "must not start with '..'" };
	expect_msgs(ck_is_config_map_key("..bad"), dotdot, 1);

	static const char *const igood[] = { "a", "_", "A_b", "_1", "abc123_" };
	static const char *const ibad[] = { "", "1a", "a-b", "a b", "a.b" };
	EXPECT(ck_is_c_identifier, igood, ibad);
	static const char *const imsg[] = {
		"a valid C identifier must start with alphabetic character or '_', followed by a "
		"string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or "
		"'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"
	};
	expect_msgs(ck_is_c_identifier("1a"), imsg, 1);

	static const char *const egood[] = { "my.env-name", "MY_ENV.NAME", "MyEnvName1", "_",
					     "-a",	    ".a",	   "a.." };
	static const char *const ebad[] = { "", "1a", "a=b", "a b", ".", "..", "..a" };
	EXPECT(ck_is_env_var_name, egood, ebad);
	static const char *const emsg[] = { "must not be '..'" };
	expect_msgs(ck_is_env_var_name(".."), emsg, 1);
	static const char *const e2[] = {
		"a valid environment variable name must consist of alphabetic characters, digits, "
		"'_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or "
		"'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is "
		"'[-._a-zA-Z][-._a-zA-Z0-9]*')"
	};
	expect_msgs(ck_is_env_var_name("1a"), e2, 1);
}
END_TEST

START_TEST(test_ip)
{
	static const char *const good[] = {
		"127.0.0.1",	    "10.0.0.1",	       "255.0.0.1",
		"1.0.0.0",	    "0.0.0.0",	       "::",
		"2000::",	    "2001:db8::ffff",  "::1",
		"::ffff:1.1.1.1",   "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
		"::ffff:0a0a:0a0a", "010.000.001.001", "1::2:3",
		"fe80::1",	    "0:0:0:0:0:0:0:0", "::00001",
	};
	static const char *const bad[] = {
		"",
		"1.2.3",
		"1.2.3.4.5",
		"1.2.3.256",
		"1.2.3.4/24",
		"::g",
		"1:2:3:4:5:6:7:8:9",
		"1::2::3",
		"1:2:3:4:5:6:7:8::",
		"1:2:3:4:5:6:7::8",
		"fe80::1%eth0",
		"a.b.c.d",
		":1:2",
		"1:2:",
		"1.2.3.4:80",
		"1:2:3:4:5:1.2.3.4",
		" 1.2.3.4",
		"1.2.3.4 ",
		"1..2.3",
		"::1.2.3",
		"1:2:3:4:5:6:7:1.2.3.4",
		"localhost",
		"2001:db8::10000",
	};
	EXPECT(ck_is_valid_ip, good, bad);
	static const char *const msg[] = {
		"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	};
	expect_msgs(ck_is_valid_ip("x"), msg, 1);
}
END_TEST

START_TEST(test_path_segment)
{
	static const struct {
		const char *name;
		bool prefix;
		const char *expected; /* substring of the first message; "" = valid */
	} cases[] = {
		{ "", false, "" },
		{ "", true, "" },
		{ "foo.bar.baz", false, "" },
		{ "foo.bar.baz", true, "" },
		{ "sha256:ABCDEF012345@ABCDEF012345", false, "" },
		{ "I\xc3\xb1t\xc3\xabrn\xc3\xa2ti\xc3\xb4n\xc3\xa0liz\xc3\xa6ti\xc3\xb8n", false,
		  "" },
		{ ".", false, "." },
		{ ".test", false, "" },
		{ ".", true, "" },
		{ "..", false, ".." },
		{ "..test", false, "" },
		{ "..", true, "" },
		{ "foo/bar", false, "/" },
		{ "foo/bar", true, "/" },
		{ "foo%bar", false, "%" },
		{ "foo%bar", true, "%" },
	};
	for (size_t i = 0; i < CK_N(cases); i++) {
		char **m = ck_validate_path_segment_name(cases[i].name, cases[i].prefix);
		if (!cases[i].expected[0]) {
			ck_assert_msg(m == NULL, "case %zu: unexpected %s", i, m ? m[0] : "");
			continue;
		}
		ck_assert_msg(m != NULL, "case %zu: expected an error", i);
		ck_assert_msg(strstr(m[0], cases[i].expected) != NULL, "case %zu: got %s", i, m[0]);
		ck_strv_free(m);
	}
	static const char *const multi[] = { "may not contain '/'", "may not contain '%'" };
	expect_msgs(ck_validate_path_segment_name("foo//bar%", false), multi, 2);
	expect_msgs(ck_validate_path_segment_name("foo//bar%", true), multi, 2);
	static const char *const dot[] = { "may not be '.'" };
	expect_msgs(ck_is_valid_path_segment_name("."), dot, 1);
	static const char *const dotdot[] = { "may not be '..'" };
	expect_msgs(ck_is_valid_path_segment_name(".."), dotdot, 1);
}
END_TEST

START_TEST(test_name_funcs)
{
	/* generateName: a trailing '-' is allowed (masked, as upstream). */
	ck_assert_ptr_null(ck_name_is_dns_subdomain("foo-", true));
	ck_assert_ptr_null(ck_name_is_dns_label("my-pod-", true));
	ck_assert_ptr_null(ck_name_is_dns1035_label("svc-", true));
	ck_assert_ptr_null(ck_name_is_dns_subdomain("a-", true));
	char **m = ck_name_is_dns_subdomain("foo-", false);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
	/* upstream masks the byte before the '-' too: "a.-" is checked as "aa" */
	ck_assert_ptr_null(ck_name_is_dns_subdomain("a.-", true));
	m = ck_name_is_dns_subdomain("Foo-", true);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
	m = ck_name_is_dns_subdomain("-", true);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
	m = ck_name_is_dns_label("a.b", false);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
	ck_assert_ptr_null(ck_name_is_dns_subdomain("a.b", false));
	m = ck_name_is_dns1035_label("1abc", false);
	ck_assert_ptr_nonnull(m);
	ck_strv_free(m);
}
END_TEST

Suite *ck_test_suite_validation(void)
{
	Suite *s = suite_create("validation");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_dns1123_label);
	tcase_add_test(tc, test_dns1123_subdomain);
	tcase_add_test(tc, test_dns1035_label);
	tcase_add_test(tc, test_wildcard_dns1123_subdomain);
	tcase_add_test(tc, test_port_num_and_range);
	tcase_add_test(tc, test_port_name);
	tcase_add_test(tc, test_qualified_name);
	tcase_add_test(tc, test_label_value);
	tcase_add_test(tc, test_misc_names);
	tcase_add_test(tc, test_ip);
	tcase_add_test(tc, test_path_segment);
	tcase_add_test(tc, test_name_funcs);
	suite_add_tcase(s, tc);
	return s;
}
