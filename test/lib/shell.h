/*
 * Shell commands for tests that drive CLIs (the real kubectl, ckubectl,
 * the Python client): run one, keep its output, look for text in it.
 */
#ifndef CK_TEST_SHELL_H
#define CK_TEST_SHELL_H

#include "util/buf.h"

/*
 * The real kubectl the tests compare with: 1.32, the compatibility target.
 * Not /usr/bin/kubectl: that is the Cloud SDK's dispatcher, which runs the
 * kubectl matching the server's minor version (1.30 against ckube).
 */
#define CK_TEST_KUBECTL "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"

/*
 * Runs a command line through /bin/sh with stderr joined to stdout; out
 * (reset first) gets the output. Returns the exit status, or 255 when the
 * command did not exit normally. Fails the test if it cannot start.
 */
int ck_test_sh(struct ck_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fails the test unless what occurs in out. */
void ck_test_expect_in(const struct ck_buf *out, const char *what);

/*
 * As ck_test_expect_in, with table padding ignored: runs of spaces in out
 * count as one space, so "NAME READY STATUS" matches kubectl's columns.
 */
void ck_test_expect_cols(const struct ck_buf *out, const char *what);

#endif
