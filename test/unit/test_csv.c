/* util/csv: Go's encoding/csv reader, cases from its reader_test.go. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/csv.h"

/* Records as "f1|f2;g1|g2;" (fields joined by '|', records ended by ';'). */
static int collect(void *ctx, char **fields, const size_t *lens, size_t n, int line)
{
	(void)line;
	struct ck_buf *b = ctx;
	for (size_t i = 0; i < n; i++) {
		if (i)
			ck_buf_addc(b, '|');
		ck_buf_add(b, fields[i], lens[i]);
	}
	ck_buf_addc(b, ';');
	return 0;
}

static void check_ok(const char *input, size_t len, const char *want)
{
	struct ck_buf b = CK_BUF_INIT;
	char *err = NULL;
	int r = ck_csv_read(input, len, collect, &b, &err);
	ck_assert_msg(r == 0, "%s: %s", input, err ? err : "");
	ck_assert_str_eq(ck_buf_str(&b), want);
	ck_buf_release(&b);
}

static void check_err(const char *input, const char *want)
{
	struct ck_buf b = CK_BUF_INIT;
	char *err = NULL;
	int r = ck_csv_read(input, strlen(input), collect, &b, &err);
	ck_assert_int_eq(r, -22);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, want);
	free(err);
	ck_buf_release(&b);
}

#define OK(in, want) check_ok(in, sizeof(in) - 1, want)

START_TEST(test_csv_records)
{
	OK("a,b,c\n", "a|b|c;");
	OK("a,b\r\nc,d\r\n", "a|b;c|d;");
	OK("a,b\rc,d\r\n", "a|b\rc|d;");
	OK("#field1,field2,field3\n\"aaa\",\"bb\nb\",\"ccc\"\n\"a,a\",\"b\"\"bb\",\"ccc\"\nzzz,yyy,"
	   "xxx\n",
	   "#field1|field2|field3;aaa|bb\nb|ccc;a,a|b\"bb|ccc;zzz|yyy|xxx;");
	OK("a,b,c", "a|b|c;");
	OK("\"two\nline\",\"one line\",\"three\nline\nfield\"",
	   "two\nline|one line|three\nline\nfield;");
	OK("a,b,c\n\nd,e,f\n\n", "a|b|c;d|e|f;");
	OK("a,b,c\r\n\r\nd,e,f\r\n\r\n", "a|b|c;d|e|f;");
	OK(" a,  b,   c\n", " a|  b|   c;");
	OK("a,b,c,", "a|b|c|;");
	OK("a,b,c,\n", "a|b|c|;");
	OK("a,b,c, ", "a|b|c| ;");
	OK("a,b,c\nd,e,f\ng,hi,", "a|b|c;d|e|f;g|hi|;");
	OK("\"\n\n\n\n\"", "\n\n\n\n;");
	OK("\r\n\r\n\r\n\r\n", "");
	OK("A,\"Hello\r\nHi\",B\r\n", "A|Hello\nHi|B;");
	OK("x09\x41\xb4\x1c,aktau", "x09A\xb4\x1c|aktau;");
	OK("field1,field2\r", "field1|field2;");
	OK(",,,\n", "|||;");
	OK("\"\",\"\"\n", "|;");
	OK("a,b\nc,d,e\n", "a|b;c|d|e;");
	/* NUL bytes pass through. */
	check_ok("a\0b,c", 5, "a\0b|c;");
}
END_TEST

START_TEST(test_csv_errors)
{
	check_err("a\"\"b,c", "parse error on line 1, column 1: bare \" in non-quoted-field");
	check_err("a \"word\",\"b\"",
		  "parse error on line 1, column 2: bare \" in non-quoted-field");
	check_err("\"a word\",b\"",
		  "parse error on line 1, column 10: bare \" in non-quoted-field");
	check_err("\"a \"word\",\"b\"",
		  "parse error on line 1, column 3: extraneous or missing \" in quoted-field");
	check_err("a,\"b\nc\"d,e", "record on line 1; parse error on line 2, column 1: "
				   "extraneous or missing \" in quoted-field");
	check_err("\"foo\"bar\"\r\n",
		  "parse error on line 1, column 4: extraneous or missing \" in quoted-field");
	check_err("\"unterminated", "parse error on line 1, column 13: extraneous or missing \" in "
				    "quoted-field");
}
END_TEST

static int stop_at_two(void *ctx, char **fields, const size_t *lens, size_t n, int line)
{
	(void)fields;
	(void)lens;
	(void)n;
	int *count = ctx;
	(*count)++;
	return line == 2 ? -42 : 0;
}

START_TEST(test_csv_callback_stops)
{
	int count = 0;
	ck_assert_int_eq(ck_csv_read("a\nb\nc\n", 6, stop_at_two, &count, NULL), -42);
	ck_assert_int_eq(count, 2);
}
END_TEST

Suite *ck_test_suite_csv(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_csv_records);
	tcase_add_test(tc, test_csv_errors);
	tcase_add_test(tc, test_csv_callback_stops);
	suite_add_tcase(s, tc);
	return s;
}
