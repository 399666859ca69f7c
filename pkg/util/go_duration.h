/*
 * Durations written as Go's time.Duration prints and parses them:
 * "1h2m3.5s", "1.5ms", "300µs", "0s". metav1.Duration travels in JSON in
 * this form (and in protobuf as int64 nanoseconds).
 */
#ifndef CK_UTIL_GO_DURATION_H
#define CK_UTIL_GO_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Longest output of ck_go_duration_format, with its NUL. */
#define CK_GO_DURATION_BUF 32

/*
 * Formats ns as Go's Duration.String(): hours, minutes and seconds with a
 * fraction for a second or more ("1h0m0s", "4m5.001s"), the largest of ms,
 * µs (U+00B5) and ns below a second ("2.2ms", "1.1µs", "1ns"), "0s" for 0.
 */
void ck_go_duration_format(int64_t ns, char out[CK_GO_DURATION_BUF]);

/*
 * Parses as Go's time.ParseDuration: a sign, then one or more decimal
 * numbers each with a unit (ns, us, µs, μs, ms, s, m, h), or "0".
 * 0, or -EINVAL (malformed, unknown unit) or -ERANGE (beyond int64 ns).
 */
int ck_go_duration_parse(const char *s, int64_t *ret_ns);

#endif
