#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int ck_log_verbosity;
static int log_fd = 2;

int ck_log_set_fd(int fd)
{
	int old = log_fd;
	log_fd = fd;
	return old;
}

void ck_log_write(enum ck_log_severity sev, const char *file, int line, const char *fmt, ...)
{
	static const char letters[] = "IWEF";
	char out[4096];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;

	int n = snprintf(out, sizeof(out), "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s:%d] ",
			 letters[sev], tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (long)tv.tv_usec, (int)gettid(), base, line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out) - 1)
		n = sizeof(out) - 2;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(out + n, sizeof(out) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(out) - 2)
		len = sizeof(out) - 2; /* long messages are cut, the line still ends */
	out[len++] = '\n';
	/* One write: lines from different threads never interleave. */
	ssize_t w = write(log_fd, out, len);
	(void)w;
}
