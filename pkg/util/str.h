/*
 * String helpers. Strings are NUL-terminated UTF-8 unless a length is given.
 * Number parsers are strict: the whole string must be the number (no
 * leading or trailing space), unlike atoi, which is banned.
 */
#ifndef CK_UTIL_STR_H
#define CK_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool ck_streq(const char *a, const char *b)
{
	return a == b || (a && b && __builtin_strcmp(a, b) == 0);
}

bool ck_str_has_prefix(const char *s, const char *prefix);
bool ck_str_has_suffix(const char *s, const char *suffix);

/* Parses a decimal integer; 0, -EINVAL (not a number) or -ERANGE. */
int ck_str_to_int64(const char *s, int64_t *ret);
int ck_str_to_uint64(const char *s, uint64_t *ret);
/* As ck_str_to_int64, and checked to fit an int. */
int ck_str_to_int(const char *s, int *ret);
/* "true"/"false" and upstream's strconv.ParseBool forms (1, t, T, TRUE, …). */
int ck_str_to_bool(const char *s, bool *ret);

/*
 * Splits s at every sep into a NULL-terminated vector the caller owns (free
 * with ck_strv_free). Empty fields are kept: "a,,b" gives 3 strings; ""
 * gives one empty string. max_fields > 0 stops splitting after that many
 * fields (the last holds the rest).
 */
char **ck_str_split(const char *s, char sep, size_t max_fields);
size_t ck_strv_len(char *const *v);
void ck_strv_free(char **v);

/* Returns a trimmed copy (ASCII spaces and tabs) the caller owns. */
char *ck_str_trim(const char *s);
/* Trims in place; returns s. */
char *ck_str_strip(char *s);

/* Percent-decoding of a URL component (+ is a space when plus_is_space);
 * owned result, NULL on a bad escape. */
char *ck_str_url_decode(const char *s, bool plus_is_space);
/* Percent-encodes everything but unreserved characters; owned result. */
char *ck_str_url_encode(const char *s);

/* Standard base64 (RFC 4648, padded). Owned results; decode returns NULL
 * on malformed input. */
char *ck_base64_encode(const void *data, size_t len);
void *ck_base64_decode(const char *s, size_t *ret_len);

#endif
