/*
 * UTF-8 decoding with Go's rules, and Go-style quoting (strconv.Quote), for
 * code that must print or transform text byte for byte as upstream's Go
 * programs do (error messages quoting a bad value, escapes in selectors).
 *
 * Decoding follows Go's utf8.DecodeRune: overlong forms, surrogates, code
 * points past U+10FFFF and truncated sequences are invalid, and an invalid
 * sequence decodes as U+FFFD with length 1 (so a decoder loop always moves).
 */
#ifndef CK_UTIL_UTF8_H
#define CK_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CK_UTF8_RUNE_ERROR 0xFFFDu

/*
 * Decodes the sequence at s (n > 0 bytes available); returns the code point
 * and sets *ret_len to the bytes used (1 for an invalid sequence, which
 * returns CK_UTF8_RUNE_ERROR).
 */
uint32_t ck_utf8_decode(const char *s, size_t n, size_t *ret_len);

/* Appends cp encoded as UTF-8 (U+FFFD for a surrogate or > U+10FFFF); 0 or -E2BIG. */
int ck_utf8_append(struct ck_buf *b, uint32_t cp);

/* Whether the n bytes at s are valid UTF-8. */
bool ck_utf8_valid(const char *s, size_t n);

/*
 * Appends s in double quotes as Go's strconv.Quote (and so fmt's %q):
 * \" \\ \a \b \f \n \r \t \v, \xNN for other control bytes and invalid
 * UTF-8, \uNNNN / \UNNNNNNNN for unprintable code points, the rest as is.
 * Printability is approximated without Unicode tables: C0/C1 controls,
 * format characters, non-ASCII spaces, line/paragraph separators, private
 * use and noncharacters are unprintable. 0 or -E2BIG (b may then hold part
 * of the text).
 */
int ck_buf_add_quoted(struct ck_buf *b, const char *s);

#endif
