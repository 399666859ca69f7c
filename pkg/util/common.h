/*
 * Small things every file uses: freeing with NULLing, array sizes, invariant
 * checks. Nothing Kubernetes-specific lives in pkg/util.
 */
#ifndef CK_UTIL_COMMON_H
#define CK_UTIL_COMMON_H

#include <stdlib.h>

/* Number of elements of a true array (not a pointer). */
#define CK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Frees *pp and sets it to NULL: ck_free(&p). NULL-safe. */
#define ck_free(pp)           \
	do {                  \
		free(*(pp));  \
		*(pp) = NULL; \
	} while (0)

/*
 * Aborts with file:line when an invariant is broken. Never for bad input,
 * which gets an error return.
 */
#define CK_BUG_ON(cond)                                    \
	do {                                               \
		if (__builtin_expect(!!(cond), 0))         \
			ck_bug(__FILE__, __LINE__, #cond); \
	} while (0)

__attribute__((noreturn)) void ck_bug(const char *file, int line, const char *what);

/* malloc/calloc/realloc/strdup that abort on exhaustion (as git's xmalloc). */
void *ck_malloc(size_t n);
void *ck_calloc(size_t nmemb, size_t size);
void *ck_realloc(void *p, size_t n);
char *ck_strdup(const char *s);
char *ck_strndup(const char *s, size_t n);

#define CK_UNUSED __attribute__((unused))
#define CK_PRINTF(a, b) __attribute__((format(printf, a, b)))

#endif
