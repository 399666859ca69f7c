/*
 * Time in the forms Kubernetes uses on the wire: RFC 3339 in UTC with
 * seconds (metav1.Time, "2026-11-26T17:15:42Z") or with fractional seconds
 * (metav1.MicroTime, "2026-11-26T17:15:42.123456Z"; RFC3339Nano for log
 * timestamps). Parsing accepts any RFC 3339 offset and fraction.
 */
#ifndef CK_UTIL_TIME_H
#define CK_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Nanoseconds since the Unix epoch, wall clock. */
int64_t ck_time_now_ns(void);
/* Nanoseconds from CLOCK_MONOTONIC: for durations and deadlines. */
int64_t ck_time_mono_ns(void);
/* *ret = CLOCK_MONOTONIC now plus ms (>= 0): a deadline for pthread_cond_timedwait
 * on a condition variable set to that clock. */
void ck_time_mono_deadline(struct timespec *ret, int64_t ms);

/* Number of fractional digits to print: 0 (Time), 6 (MicroTime), 9 (Nano). */
enum ck_time_precision {
	CK_TIME_SECONDS,
	CK_TIME_MICRO,
	CK_TIME_NANO,
};

/* Smallest buffer for ck_time_format: "2006-01-02T15:04:05.999999999Z". */
#define CK_TIME_BUF 40

/*
 * Formats ns (since the epoch) in UTC into out (CK_TIME_BUF bytes). NANO
 * prints RFC3339Nano as Go does: trailing zeros of the fraction dropped,
 * no fraction when it is zero. MICRO always prints 6 digits (MicroTime).
 */
void ck_time_format(int64_t ns, enum ck_time_precision prec, char out[CK_TIME_BUF]);

/* Parses RFC 3339 ("Z" or ±hh:mm, optional fraction); 0 or -EINVAL. */
int ck_time_parse(const char *s, int64_t *ret_ns);

/*
 * A duration as kubectl prints ages (HumanDuration of
 * k8s.io/apimachinery/pkg/util/duration): "5s", "3m2s", "4h5m", "3d4h", "2y".
 * Writes into out (at least 16 bytes).
 */
void ck_time_human_duration(int64_t ns, char *out, size_t size);

#endif
