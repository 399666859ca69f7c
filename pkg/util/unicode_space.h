/*
 * Unicode white space as Go's unicode.IsSpace and strings.TrimSpace see it,
 * for code that must accept exactly the padding upstream's Go programs
 * accept (Quantity.UnmarshalJSON, selector parsing).
 *
 * The set is Unicode's White_Space property: U+0009..U+000D, U+0020, U+0085,
 * U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
 * Text is UTF-8; an invalid sequence is never space (Go decodes it as
 * U+FFFD), so trimming stops there.
 */
#ifndef CK_UTIL_UNICODE_SPACE_H
#define CK_UTIL_UNICODE_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the code point is white space (Go's unicode.IsSpace). */
bool ck_unicode_is_space(uint32_t cp);

/*
 * Trims white space from both ends of the n bytes at s, as Go's
 * strings.TrimSpace. Returns a pointer into s (borrowed) and sets *ret_len
 * to the length of what remains (0 when s is all space).
 */
const char *ck_unicode_trim_space(const char *s, size_t n, size_t *ret_len);

#endif
