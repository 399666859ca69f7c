#include "util/time.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_SEC INT64_C(1000000000)

int64_t ck_time_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t ck_time_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

void ck_time_mono_deadline(struct timespec *ret, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ret);
	ret->tv_sec += ms / 1000;
	ret->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ret->tv_nsec >= 1000000000L) {
		ret->tv_sec++;
		ret->tv_nsec -= 1000000000L;
	}
}

static void split_ns(int64_t ns, time_t *sec, long *frac)
{
	int64_t s = ns / NS_PER_SEC, f = ns % NS_PER_SEC;
	if (f < 0) {
		f += NS_PER_SEC;
		s--;
	}
	*sec = (time_t)s;
	*frac = (long)f;
}

void ck_time_format(int64_t ns, enum ck_time_precision prec, char out[CK_TIME_BUF])
{
	time_t sec;
	long frac;
	struct tm tm;
	split_ns(ns, &sec, &frac);
	gmtime_r(&sec, &tm);
	size_t n = strftime(out, CK_TIME_BUF, "%Y-%m-%dT%H:%M:%S", &tm);
	switch (prec) {
	case CK_TIME_SECONDS:
		break;
	case CK_TIME_MICRO:
		n += (size_t)snprintf(out + n, CK_TIME_BUF - n, ".%06ld", frac / 1000);
		break;
	case CK_TIME_NANO:
		if (frac) {
			int digits = 9;
			while (frac % 10 == 0) {
				frac /= 10;
				digits--;
			}
			n += (size_t)snprintf(out + n, CK_TIME_BUF - n, ".%0*ld", digits, frac);
		}
		break;
	}
	snprintf(out + n, CK_TIME_BUF - n, "Z");
}

static int digits(const char **p, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

static int expect(const char **p, const char *chars)
{
	if (!**p || !strchr(chars, **p))
		return -EINVAL;
	(*p)++;
	return 0;
}

int ck_time_parse(const char *s, int64_t *ret_ns)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec;
	if (digits(&p, 4, &y) || expect(&p, "-") || digits(&p, 2, &mo) || expect(&p, "-") ||
	    digits(&p, 2, &d) || expect(&p, "Tt") || digits(&p, 2, &h) || expect(&p, ":") ||
	    digits(&p, 2, &mi) || expect(&p, ":") || digits(&p, 2, &sec))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return -EINVAL;
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n < 9) {
				frac = frac * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		if (n == 0)
			return -EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	int offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh) || expect(&p, ":") || digits(&p, 2, &om) || oh > 23 ||
		    om > 59)
			return -EINVAL;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	struct tm tm = { .tm_year = y - 1900,
			 .tm_mon = mo - 1,
			 .tm_mday = d,
			 .tm_hour = h,
			 .tm_min = mi,
			 .tm_sec = sec };
	time_t t = timegm(&tm);
	if (tm.tm_mday != d) /* Feb 29 of a non-leap year rolled over */
		return -EINVAL;
	*ret_ns = ((int64_t)t - offset) * NS_PER_SEC + frac;
	return 0;
}

void ck_time_human_duration(int64_t ns, char *out, size_t size)
{
	/* Thresholds as upstream's duration.HumanDuration. */
	int64_t s = ns / NS_PER_SEC;
	if (s < -1) {
		snprintf(out, size, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	int64_t m = s / 60, h = s / 3600;
	if (s < 60 * 2)
		snprintf(out, size, "%llds", (long long)s);
	else if (m < 10)
		s % 60 ? snprintf(out, size, "%lldm%llds", (long long)m, (long long)(s % 60))
		       : snprintf(out, size, "%lldm", (long long)m);
	else if (m < 60 * 3)
		snprintf(out, size, "%lldm", (long long)m);
	else if (h < 8)
		m % 60 ? snprintf(out, size, "%lldh%lldm", (long long)h, (long long)(m % 60))
		       : snprintf(out, size, "%lldh", (long long)h);
	else if (h < 48)
		snprintf(out, size, "%lldh", (long long)h);
	else if (h < 24 * 8)
		h % 24 ? snprintf(out, size, "%lldd%lldh", (long long)(h / 24), (long long)(h % 24))
		       : snprintf(out, size, "%lldd", (long long)(h / 24));
	else if (h < 24 * 365 * 2)
		snprintf(out, size, "%lldd", (long long)(h / 24));
	else if (h < 24 * 365 * 8)
		(h / 24) % 365 ? snprintf(out, size, "%lldy%lldd", (long long)(h / 24 / 365),
					  (long long)((h / 24) % 365))
			       : snprintf(out, size, "%lldy", (long long)(h / 24 / 365));
	else
		snprintf(out, size, "%lldy", (long long)(h / 24 / 365));
}
