/*
 * A CSV reader with the rules of Go's encoding/csv Reader (comma ',', no
 * comment character, LazyQuotes and TrimLeadingSpace off, any number of
 * fields per record), for files that upstream reads with it:
 *  - records end at '\n'; "\r\n" reads as "\n" (also inside quotes); a
 *    final '\r' before the end of input is dropped;
 *  - empty lines are skipped;
 *  - a field starting with '"' is quoted: "" is one quote, it may span
 *    lines, and its closing quote must be followed by ',' or the end of the
 *    line ("extraneous or missing \" in quoted-field" otherwise, also when
 *    the input ends inside it);
 *  - a '"' inside an unquoted field is an error ("bare \" in
 *    non-quoted-field").
 * Bytes are passed through as they are (no UTF-8 check), NUL included.
 */
#ifndef CK_UTIL_CSV_H
#define CK_UTIL_CSV_H

#include <stddef.h>

/*
 * One record: n fields (each NUL-terminated, with its length in lens),
 * borrowed for the call; line is the line the record starts on (1-based).
 * Return 0 to go on, < 0 to stop the read with that value.
 */
typedef int (*ck_csv_record_fn)(void *ctx, char **fields, const size_t *lens, size_t n, int line);

/*
 * Reads data (len bytes), calling fn per record. 0 at the end; -EINVAL on a
 * syntax error, with Go's message in *ret_err (owned; may be NULL):
 * "parse error on line 1, column 2: bare \" in non-quoted-field", or
 * "record on line 2; parse error on line 3, column 1: extraneous or missing
 * \" in quoted-field" when the record started on an earlier line; or what
 * fn returned. Columns are Go's: the 0-based byte offset of the quote at
 * fault in its line (the end of the input for an unterminated field).
 */
int ck_csv_read(const char *data, size_t len, ck_csv_record_fn fn, void *ctx, char **ret_err);

#endif
