/*
 * Unpadded URL-safe base64 (RFC 4648 section 5 without '=' padding), as Go's
 * base64.RawURLEncoding: the alphabet uses '-' and '_' instead of '+' and
 * '/', and no '=' is written or accepted. Continue tokens and other opaque
 * values that travel in URLs use it.
 *
 * Decoding follows Go's (non-strict) decoder: '\r' and '\n' anywhere are
 * skipped, any other byte outside the alphabet (including '=') is an error,
 * a final group of one character is an error, and unused low bits of the
 * last character are ignored.
 */
#ifndef CK_UTIL_BASE64URL_H
#define CK_UTIL_BASE64URL_H

#include <stddef.h>

/* Encodes len bytes; returns a NUL-terminated string the caller owns. */
char *ck_base64url_encode(const void *data, size_t len);

/*
 * Decodes the NUL-terminated s. Returns the bytes (NUL-terminated for
 * convenience, the terminator not counted in *ret_len) which the caller
 * owns, or NULL when s is not valid unpadded URL-safe base64.
 */
void *ck_base64url_decode(const char *s, size_t *ret_len);

#endif
