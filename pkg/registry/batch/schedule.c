/*
 * Cron schedules as robfig/cron v3's ParseStandard reads them (what
 * upstream's CronJob validation and controller use): five fields (minute,
 * hour, day of month, month, day of week), each a comma list of `*`, `?`,
 * N, N-M, with an optional /step; month and weekday names; the
 * @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly and @every
 * descriptors; an optional leading TZ= or CRON_TZ=.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "registry/batch/batch.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/go_duration.h"
#include "util/str.h"

struct bounds {
	int min, max;
	const char *const *names; /* lowercase, index = value - names_base */
	int names_base;
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul",
				      "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

static const struct bounds field_bounds[] = {
	{ 0, 59, NULL, 0 },   /* minute */
	{ 0, 23, NULL, 0 },   /* hour */
	{ 1, 31, NULL, 0 },   /* day of month */
	{ 1, 12, months, 1 }, /* month */
	{ 0, 6, days, 0 },    /* day of week */
};

static int fail(char **ret_err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **ret_err, const char *fmt, ...)
{
	struct ck_buf b = CK_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	*ret_err = ck_buf_detach(&b, NULL);
	return -EINVAL;
}

/* mustParseInt: a non-negative decimal, as strconv.Atoi. */
static int parse_int(const char *s, int *ret, char **ret_err)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	bool digits = *p != '\0';
	for (const char *q = p; *q; q++)
		digits &= *q >= '0' && *q <= '9';
	if (!digits)
		return fail(ret_err,
			    "failed to parse int from %s: strconv.Atoi: parsing \"%s\": invalid "
			    "syntax",
			    s, s);
	long long v = strtoll(s, NULL, 10);
	if (v > INT_MAX || v < INT_MIN)
		return fail(ret_err,
			    "failed to parse int from %s: strconv.Atoi: parsing \"%s\": value out "
			    "of range",
			    s, s);
	if (v < 0)
		return fail(ret_err, "negative number (%lld) not allowed: %s", v, s);
	*ret = (int)v;
	return 0;
}

/* parseIntOrName. */
static int parse_int_or_name(const char *s, const struct bounds *b, int *ret, char **ret_err)
{
	for (size_t i = 0; b->names && b->names[i]; i++) {
		if (strcasecmp(s, b->names[i]) == 0) {
			*ret = (int)i + b->names_base;
			return 0;
		}
	}
	return parse_int(s, ret, ret_err);
}

/* getRange: one comma-separated part of a field. */
static int parse_range(const char *expr, const struct bounds *b, char **ret_err)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", expr);
	char *slash = strchr(buf, '/');
	if (slash && strchr(slash + 1, '/'))
		return fail(ret_err, "too many slashes: %s", expr);
	if (slash)
		*slash = '\0';
	int start, end, step = 1;
	bool single = false;
	if (ck_streq(buf, "*") || ck_streq(buf, "?")) {
		start = b->min;
		end = b->max;
	} else {
		char *dash = strchr(buf, '-');
		if (dash && strchr(dash + 1, '-'))
			return fail(ret_err, "too many hyphens: %s", expr);
		if (dash)
			*dash = '\0';
		if (parse_int_or_name(buf, b, &start, ret_err) < 0)
			return -EINVAL;
		if (dash) {
			if (parse_int_or_name(dash + 1, b, &end, ret_err) < 0)
				return -EINVAL;
		} else {
			end = start;
			single = true;
		}
	}
	if (slash) {
		if (parse_int(slash + 1, &step, ret_err) < 0)
			return -EINVAL;
		if (single)
			end = b->max; /* "N/step" means N-max/step */
	}
	if (start < b->min)
		return fail(ret_err, "beginning of range (%d) below minimum (%d): %s", start,
			    b->min, expr);
	if (end > b->max)
		return fail(ret_err, "end of range (%d) above maximum (%d): %s", end, b->max, expr);
	if (start > end)
		return fail(ret_err, "beginning of range (%d) beyond end of range (%d): %s", start,
			    end, expr);
	if (step == 0)
		return fail(ret_err, "step of range should be a positive number: %s", expr);
	return 0;
}

/* getField: a comma list of ranges. */
static int parse_field(const char *field, const struct bounds *b, char **ret_err)
{
	char **parts = ck_str_split(field, ',', 0);
	int r = 0;
	for (size_t i = 0; parts && parts[i] && r == 0; i++)
		r = parse_range(parts[i], b, ret_err);
	ck_strv_free(parts);
	return r;
}

bool ck_batch_time_zone_known(const char *tz)
{
	if (ck_streq(tz, "UTC") || ck_streq(tz, "Local") || !*tz)
		return true;
	if (strstr(tz, "..") || tz[0] == '/')
		return false;
	char path[512];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

int ck_batch_parse_schedule(const char *schedule, char **ret_err)
{
	const char *spec = schedule;
	if (!*spec)
		return fail(ret_err, "empty spec string");
	if (strncmp(spec, "TZ=", 3) == 0 || strncmp(spec, "CRON_TZ=", 8) == 0) {
		const char *eq = strchr(spec, '=');
		const char *sp = strchr(spec, ' ');
		if (!sp)
			return fail(ret_err, "missing spec after timezone");
		char tz[256];
		snprintf(tz, sizeof(tz), "%.*s", (int)(sp - eq - 1), eq + 1);
		if (!ck_batch_time_zone_known(tz))
			return fail(ret_err, "provided bad location %s: unknown time zone %s", tz,
				    tz);
		spec = sp;
		while (*spec == ' ')
			spec++;
	}
	if (*spec == '@') {
		static const char *const descriptors[] = { "@yearly", "@annually", "@monthly",
							   "@weekly", "@daily",	   "@midnight",
							   "@hourly" };
		for (size_t i = 0; i < CK_ARRAY_SIZE(descriptors); i++)
			if (ck_streq(spec, descriptors[i]))
				return 0;
		if (strncmp(spec, "@every ", 7) == 0) {
			int64_t ns;
			if (ck_go_duration_parse(spec + 7, &ns) < 0)
				return fail(ret_err,
					    "failed to parse duration %s: time: invalid duration "
					    "\"%s\"",
					    spec, spec + 7);
			return 0;
		}
		return fail(ret_err, "unrecognized descriptor: %s", spec);
	}
	/* strings.Fields */
	char *fields[16];
	size_t n = 0;
	char *copy = ck_strdup(spec);
	for (char *c = copy; *c;) {
		while (*c && strchr(" \t\n\v\f\r", *c))
			*c++ = '\0';
		if (!*c)
			break;
		if (n < CK_ARRAY_SIZE(fields))
			fields[n] = c;
		n++;
		while (*c && !strchr(" \t\n\v\f\r", *c))
			c++;
	}
	int r = 0;
	if (n != CK_ARRAY_SIZE(field_bounds)) {
		struct ck_buf list = CK_BUF_INIT;
		for (size_t i = 0; i < n && i < CK_ARRAY_SIZE(fields); i++)
			ck_buf_addf(&list, "%s%s", i ? " " : "", fields[i]);
		r = fail(ret_err, "expected exactly %zu fields, found %zu: [%s]",
			 CK_ARRAY_SIZE(field_bounds), n, ck_buf_str(&list));
		ck_buf_release(&list);
		goto out;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = parse_field(fields[i], &field_bounds[i], ret_err);
out:
	free(copy);
	return r;
}
