/*
 * Go's unicode.IsSpace and strings.TrimSpace, including the cases from
 * Go's strings_test.go trimSpaceTests (non-ASCII spaces, invalid UTF-8).
 */
#include <check.h>
#include <string.h>

#include "util/common.h"
#include "util/unicode_space.h"

START_TEST(test_unicode_is_space)
{
	static const uint32_t spaces[] = { '\t',   '\n',   '\v',   '\f',   '\r',   ' ',
					   0x85,   0xA0,   0x1680, 0x2000, 0x2005, 0x200A,
					   0x2028, 0x2029, 0x202F, 0x205F, 0x3000 };
	static const uint32_t not_spaces[] = { 0,      'a',    0x1C,   0x7F,   0x84,
					       0x180E, 0x200B, 0x2060, 0xFEFF, 0xFFFD };
	for (size_t i = 0; i < CK_ARRAY_SIZE(spaces); i++)
		ck_assert_msg(ck_unicode_is_space(spaces[i]), "U+%04X", spaces[i]);
	for (size_t i = 0; i < CK_ARRAY_SIZE(not_spaces); i++)
		ck_assert_msg(!ck_unicode_is_space(not_spaces[i]), "U+%04X", not_spaces[i]);
}
END_TEST

START_TEST(test_unicode_trim_space)
{
	static const struct {
		const char *in, *out;
	} table[] = {
		{ "", "" },
		{ "abc", "abc" },
		{ " ", "" },
		{ " \t\r\n \t\t\r\r\n\n ", "" },
		{ " \t\r\n x\t\t\r\r\n\n ", "x" },
		{ " \xE2\x80\x80\t\r\n x\t\t\r\r\ny\n \xE3\x80\x80", "x\t\t\r\r\ny" },
		{ "1 \t\r\n2", "1 \t\r\n2" },
		{ " x\x80", "x\x80" },
		{ " x\xC0", "x\xC0" },
		{ "x \xC0\xC0 ", "x \xC0\xC0" },
		{ "x \xC0", "x \xC0" },
		{ "x \xC0 ", "x \xC0" },
		{ "x \xC0\xC0 ", "x \xC0\xC0" },
		{ "x \xE2\x98\xBA\xC0\xC0 ", "x \xE2\x98\xBA\xC0\xC0" },
		{ "x \xE2\x98\xBA \xE2\x98\xBA ", "x \xE2\x98\xBA \xE2\x98\xBA" },
		{ "\xC2\x85"
		  "1\xC2\xA0",
		  "1" },
		{ "\xE1\x9A\x80"
		  "1\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\x9F",
		  "1" },
		{ "\x85"
		  "1",
		  "\x85"
		  "1" }, /* a bare 0x85 byte is not U+0085 */
		{ "\xE0\x80\xA0"
		  "1",
		  "\xE0\x80\xA0"
		  "1" }, /* overlong space */
		{ "\xE2\x80\x8B"
		  "1",
		  "\xE2\x80\x8B"
		  "1" }, /* U+200B is no space */
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(table); i++) {
		size_t len;
		const char *p = ck_unicode_trim_space(table[i].in, strlen(table[i].in), &len);
		ck_assert_msg(len == strlen(table[i].out) && memcmp(p, table[i].out, len) == 0,
			      "row %zu: got %zu bytes", i, len);
	}
}
END_TEST

Suite *ck_test_suite_unicode_space(void)
{
	Suite *s = suite_create("unicode_space");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_unicode_is_space);
	tcase_add_test(tc, test_unicode_trim_space);
	suite_add_tcase(s, tc);
	return s;
}
