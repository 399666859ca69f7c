/*
 * Logging in klog's format, to stderr:
 *   I1126 17:15:42.123456   1234 file.c:42] message
 * Severity letter, month and day, time with microseconds, thread id, source
 * file and line. `-v N` sets ck_log_verbosity; ck_log_v(N, …) tests the level
 * before evaluating its arguments (as redis serverLog). Messages are
 * lowercase and say what failed first.
 *
 * Library code (pkg/) logs only through ck_log_v at level 4 or more; programs
 * log what they like.
 */
#ifndef CK_UTIL_LOG_H
#define CK_UTIL_LOG_H

#include "util/common.h"

extern int ck_log_verbosity;

enum ck_log_severity {
	CK_LOG_INFO,
	CK_LOG_WARNING,
	CK_LOG_ERROR,
	CK_LOG_FATAL,
};

/* Formats one line; thread-safe (one write(2) per line). */
void ck_log_write(enum ck_log_severity sev, const char *file, int line, const char *fmt, ...)
    CK_PRINTF(4, 5);
/* Sets where lines go (default stderr, fd 2); returns the previous fd. */
int ck_log_set_fd(int fd);

#define CK_V(level) (ck_log_verbosity >= (level))

#define ck_log_info(...) ck_log_write(CK_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define ck_log_warn(...) ck_log_write(CK_LOG_WARNING, __FILE__, __LINE__, __VA_ARGS__)
#define ck_log_error(...) ck_log_write(CK_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
/* Logs and exits with status 255, as klog.Fatal. */
#define ck_log_fatal(...)                                                    \
	do {                                                                 \
		ck_log_write(CK_LOG_FATAL, __FILE__, __LINE__, __VA_ARGS__); \
		exit(255);                                                   \
	} while (0)
#define ck_log_v(level, ...)                                                        \
	do {                                                                        \
		if (CK_V(level))                                                    \
			ck_log_write(CK_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#endif
