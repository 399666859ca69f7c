/*
 * The open-files limit (RLIMIT_NOFILE). A server that keeps thousands of
 * connections (watches) needs more descriptors than the usual soft limit
 * of 1024; Go's runtime raises the soft limit to the hard one at start in
 * every program (Go 1.19 on), so upstream's components run with it, and
 * ours do the same by calling ck_rlimit_raise_nofile() from main().
 */
#ifndef CK_UTIL_RLIMIT_H
#define CK_UTIL_RLIMIT_H

#include <stdint.h>

/* The current soft and hard limits (either may be NULL); UINT64_MAX stands
 * for unlimited. 0 or a negative errno. */
int ck_rlimit_nofile(uint64_t *ret_soft, uint64_t *ret_hard);

/*
 * Raises the soft limit to the hard one (nothing to do when they are
 * equal). *ret_soft (may be NULL) is the soft limit in effect afterwards.
 * 0 or a negative errno (the limit is then unchanged).
 */
int ck_rlimit_raise_nofile(uint64_t *ret_soft);

#endif
