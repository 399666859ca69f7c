#include "util/flags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

int ck_parse_duration_ms(const char *s, int64_t *ret_ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ms", 1 },   { "h", 3600000 }, { "m", 60000 },
		      { "s", 1000 }, { "us", 0.001 },  { "ns", 0.000001 } };
	if (!s || !*s)
		return -EINVAL;
	if (strcmp(s, "0") == 0) {
		*ret_ms = 0;
		return 0;
	}
	double total = 0;
	const char *p = s;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -EINVAL;
		p = end;
		size_t i;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			/* "m" must not swallow the "m" of "ms". */
			if (strncmp(p, units[i].unit, n) == 0 &&
			    !(n == 1 && p[0] == 'm' && p[1] == 's')) {
				total += v * units[i].ms;
				p += n;
				break;
			}
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
	}
	*ret_ms = (int64_t)(total + 0.5);
	return 0;
}

static const char *type_name(enum ck_flag_type t)
{
	switch (t) {
	case CK_FLAG_STRING:
		return "string";
	case CK_FLAG_INT:
		return "int";
	case CK_FLAG_INT64:
		return "int";
	case CK_FLAG_BOOL:
		return "";
	case CK_FLAG_DURATION:
		return "duration";
	case CK_FLAG_STRING_ARRAY:
		return "stringArray";
	}
	return "";
}

static char letter_of(const struct ck_flag_shorthand *shorthands, const char *name)
{
	for (const struct ck_flag_shorthand *s = shorthands; s && s->letter; s++)
		if (strcmp(s->name, name) == 0)
			return s->letter;
	return 0;
}

static void usage(const char *program, const struct ck_flag *flags,
		  const struct ck_flag_shorthand *shorthands)
{
	printf("Usage: %s [flags]\n\nFlags:\n", program);
	for (const struct ck_flag *f = flags; f->name; f++) {
		char letter = letter_of(shorthands, f->name);
		if (letter)
			printf("  -%c, --%s %s\n        %s\n", letter, f->name, type_name(f->type),
			       f->usage);
		else
			printf("      --%s %s\n        %s\n", f->name, type_name(f->type),
			       f->usage);
	}
	printf("  -v, --v int\n        number for the log level verbosity\n");
}

static int set_value(const char *program, const struct ck_flag *f, const char *v)
{
	int r = 0;
	switch (f->type) {
	case CK_FLAG_STRING:
		*(const char **)f->value = v;
		break;
	case CK_FLAG_INT:
		r = ck_str_to_int(v, f->value);
		break;
	case CK_FLAG_INT64:
		r = ck_str_to_int64(v, f->value);
		break;
	case CK_FLAG_BOOL:
		r = ck_str_to_bool(v, f->value);
		break;
	case CK_FLAG_DURATION:
		r = ck_parse_duration_ms(v, f->value);
		break;
	case CK_FLAG_STRING_ARRAY: {
		struct ck_flag_strings *sv = f->value;
		sv->v = ck_realloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
		sv->v[sv->n++] = v;
		break;
	}
	}
	if (r < 0)
		fprintf(stderr, "%s: invalid argument \"%s\" for \"--%s\" flag\n", program, v,
			f->name);
	return r < 0 ? -EINVAL : 0;
}

static const struct ck_flag *ck_flags_find_long(const struct ck_flag *flags, const char *name,
						size_t len)
{
	for (const struct ck_flag *f = flags; f->name; f++)
		if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

static const struct ck_flag *find_short(const struct ck_flag *flags,
					const struct ck_flag_shorthand *shorthands, char letter)
{
	for (const struct ck_flag_shorthand *s = shorthands; s && s->letter; s++)
		if (s->letter == letter)
			return ck_flags_find_long(flags, s->name, strlen(s->name));
	return NULL;
}

const struct ck_flag *ck_flags_find(const struct ck_flag *flags,
				    const struct ck_flag_shorthand *shorthands, const char *name,
				    size_t len)
{
	const struct ck_flag *f = ck_flags_find_long(flags, name, len);
	if (!f && len == 1)
		f = find_short(flags, shorthands, name[0]);
	return f;
}

int ck_flags_parse(const char *program, const struct ck_flag *flags, int argc, char **argv,
		   int *ret_nargs)
{
	return ck_flags_parse_short(program, flags, NULL, argc, argv, ret_nargs);
}

int ck_flags_parse_short(const char *program, const struct ck_flag *flags,
			 const struct ck_flag_shorthand *shorthands, int argc, char **argv,
			 int *ret_nargs)
{
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				argv[nargs++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			argv[nargs++] = argv[i];
			continue;
		}
		const char *name = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const char *value = eq ? eq + 1 : NULL;
		if ((nlen == 1 && name[0] == 'h') || (nlen == 4 && strncmp(name, "help", 4) == 0)) {
			usage(program, flags, shorthands);
			exit(0);
		}
		if (nlen == 1 && name[0] == 'v') {
			if (!value && i + 1 < argc)
				value = argv[++i];
			if (!value || ck_str_to_int(value, &ck_log_verbosity) < 0) {
				fprintf(stderr, "%s: invalid argument for \"-v\" flag\n", program);
				return -EINVAL;
			}
			continue;
		}
		const struct ck_flag *f = NULL;
		if (a[1] != '-' && name[0] && name[0] != '=') {
			/* a shorthand, with its value attached or not: -n x, -nx, -n=x, -A */
			f = find_short(flags, shorthands, name[0]);
			if (f) {
				nlen = 1;
				if (name[1] == '=')
					value = name + 2;
				else if (name[1] && f->type != CK_FLAG_BOOL)
					value = name + 1;
				else if (name[1])
					f = NULL;
			}
		}
		if (!f)
			f = ck_flags_find_long(flags, name, nlen);
		if (!f) {
			fprintf(stderr, "%s: unknown flag: --%.*s\n", program, (int)nlen, name);
			return -EINVAL;
		}
		if (!value) {
			if (f->type == CK_FLAG_BOOL) {
				*(bool *)f->value = true;
				continue;
			}
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: flag needs an argument: --%s\n", program,
					f->name);
				return -EINVAL;
			}
			value = argv[++i];
		}
		if (set_value(program, f, value) < 0)
			return -EINVAL;
	}
	if (ret_nargs)
		*ret_nargs = nargs;
	return 0;
}
