/*
 * Command-line flags in the style of upstream's (pflag): `--name=value`,
 * `--name value`, booleans as `--name` or `--name=true|false`, and the
 * klog verbosity `-v N` / `-v=N` / `--v=N`. A program declares a static
 * table of flags pointing into its options struct; ck_flags_parse fills it.
 */
#ifndef CK_UTIL_FLAGS_H
#define CK_UTIL_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ck_flag_type {
	CK_FLAG_STRING,	  /* const char **: points into argv (not copied) */
	CK_FLAG_INT,	  /* int * */
	CK_FLAG_INT64,	  /* int64_t * */
	CK_FLAG_BOOL,	  /* bool * */
	CK_FLAG_DURATION, /* int64_t * in milliseconds: "30s", "1m30s", "500ms", "1h" */
	/* struct ck_flag_strings *: every occurrence appended (pflag's StringArray) */
	CK_FLAG_STRING_ARRAY,
};

/* The values of a CK_FLAG_STRING_ARRAY flag, pointing into argv; free only v. */
struct ck_flag_strings {
	const char **v;
	size_t n;
};

struct ck_flag {
	const char *name; /* without dashes */
	enum ck_flag_type type;
	void *value;
	const char *usage;
};

/* pflag's one-letter form of a flag (`-n x`, `-nx`, `-n=x`, `-A`). */
struct ck_flag_shorthand {
	char letter;
	const char *name; /* the flag's long name */
};

/*
 * Parses argv against flags (terminated by a name NULL). `-name` reads as
 * `--name`. `-v` is always
 * known and sets ck_log_verbosity; `-h`/`--help` prints usage and exits 0.
 * Positional arguments are left in order in argv[0..*ret_nargs) after the
 * program name is dropped. Returns 0, or -EINVAL after printing one line
 * naming the bad flag to stderr.
 */
int ck_flags_parse(const char *program, const struct ck_flag *flags, int argc, char **argv,
		   int *ret_nargs);

/*
 * As ck_flags_parse, with shorthands (terminated by a letter 0; may be
 * NULL): a single dash followed by a shorthand's letter is its flag.
 */
int ck_flags_parse_short(const char *program, const struct ck_flag *flags,
			 const struct ck_flag_shorthand *shorthands, int argc, char **argv,
			 int *ret_nargs);

/* The flag called name (len bytes; a shorthand's letter when len is 1), or NULL. */
const struct ck_flag *ck_flags_find(const struct ck_flag *flags,
				    const struct ck_flag_shorthand *shorthands, const char *name,
				    size_t len);

/* Parses a Go-style duration ("1h2m3.5s", "300ms") into milliseconds. */
int ck_parse_duration_ms(const char *s, int64_t *ret_ms);

#endif
