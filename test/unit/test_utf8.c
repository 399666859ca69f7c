#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

START_TEST(test_utf8_decode)
{
	static const struct {
		const char *s;
		uint32_t cp;
		size_t len;
	} cases[] = {
		{ "a", 'a', 1 },
		{ "\xc3\xa9", 0xE9, 2 },
		{ "\xe2\x82\xac", 0x20AC, 3 },
		{ "\xf0\x9f\x98\x80", 0x1F600, 4 },
		{ "\xff", CK_UTF8_RUNE_ERROR, 1 },
		{ "\xc0\x80", CK_UTF8_RUNE_ERROR, 1 },	       /* overlong */
		{ "\xe0\x80\x80", CK_UTF8_RUNE_ERROR, 1 },     /* overlong */
		{ "\xed\xa0\x80", CK_UTF8_RUNE_ERROR, 1 },     /* surrogate */
		{ "\xf4\x90\x80\x80", CK_UTF8_RUNE_ERROR, 1 }, /* past U+10FFFF */
		{ "\xe2\x82", CK_UTF8_RUNE_ERROR, 1 },	       /* truncated */
		{ "\xef\xbf\xbd", 0xFFFD, 3 },		       /* a real U+FFFD */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		uint32_t cp = ck_utf8_decode(cases[i].s, strlen(cases[i].s), &len);
		ck_assert_msg(cp == cases[i].cp && len == cases[i].len, "case %zu", i);
	}
	ck_assert(ck_utf8_valid("h\xc3\xa9llo", 6));
	ck_assert(!ck_utf8_valid("h\xc3", 2));

	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_utf8_append(&b, 0x1F600), 0);
	ck_assert_int_eq(ck_utf8_append(&b, 0xD800), 0);
	ck_assert_int_eq(ck_utf8_append(&b, 'x'), 0);
	ck_assert_str_eq(ck_buf_str(&b), "\xf0\x9f\x98\x80\xef\xbf\xbdx");
	ck_buf_release(&b);
}
END_TEST

static void expect_quoted(const char *in, const char *want)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_assert_int_eq(ck_buf_add_quoted(&b, in), 0);
	ck_assert_str_eq(ck_buf_str(&b), want);
	ck_buf_release(&b);
}

/* Expected outputs are Go's strconv.Quote of the same inputs. */
START_TEST(test_go_quote)
{
	expect_quoted("", "\"\"");
	expect_quoted("abc", "\"abc\"");
	expect_quoted("a\"b\\c", "\"a\\\"b\\\\c\"");
	expect_quoted("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"");
	expect_quoted("\x01\x1f\x7f", "\"\\x01\\x1f\\x7f\"");
	expect_quoted("\xff", "\"\\xff\"");
	expect_quoted("r\xc4\x81", "\"r\xc4\x81\"");
	expect_quoted("\xc2\x80", "\"\\u0080\"");
	expect_quoted("\xc2\xa0", "\"\\u00a0\"");
	expect_quoted("\xe2\x80\x8b", "\"\\u200b\"");
	expect_quoted("\xef\xbb\xbf", "\"\\ufeff\"");
	expect_quoted("\xf3\xb0\x80\x80", "\"\\U000f0000\"");
	expect_quoted("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
}
END_TEST

Suite *ck_test_suite_utf8(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_utf8_decode);
	tcase_add_test(tc, test_go_quote);
	suite_add_tcase(s, tc);
	return s;
}
