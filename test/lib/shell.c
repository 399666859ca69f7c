#include "shell.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int ck_test_sh(struct ck_buf *out, const char *fmt, ...)
{
	struct ck_buf cmd = CK_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	ck_buf_adds(&cmd, " 2>&1");
	ck_buf_reset(out);
	FILE *p = popen(ck_buf_str(&cmd), "r");
	ck_assert_msg(p != NULL, "cannot run: %s", ck_buf_str(&cmd));
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		ck_buf_add(out, chunk, n);
	int st = pclose(p);
	ck_buf_release(&cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

void ck_test_expect_in(const struct ck_buf *out, const char *what)
{
	ck_assert_msg(strstr(ck_buf_str(out), what) != NULL, "expected '%s' in:\n%s", what,
		      ck_buf_str(out));
}

void ck_test_expect_cols(const struct ck_buf *out, const char *what)
{
	struct ck_buf norm = CK_BUF_INIT;
	const char *s = ck_buf_str(out);
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' && i > 0 && s[i - 1] == ' ')
			continue;
		ck_assert_int_eq(ck_buf_addc(&norm, s[i]), 0);
	}
	ck_assert_msg(strstr(ck_buf_str(&norm), what) != NULL, "expected '%s' in:\n%s", what,
		      ck_buf_str(out));
	ck_buf_release(&norm);
}
