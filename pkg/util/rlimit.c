#include "util/rlimit.h"

#include <errno.h>
#include <sys/resource.h>

static uint64_t to_u64(rlim_t v)
{
	return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}

int ck_rlimit_nofile(uint64_t *ret_soft, uint64_t *ret_hard)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -errno;
	if (ret_soft)
		*ret_soft = to_u64(rl.rlim_cur);
	if (ret_hard)
		*ret_hard = to_u64(rl.rlim_max);
	return 0;
}

int ck_rlimit_raise_nofile(uint64_t *ret_soft)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -errno;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return -errno;
	}
	if (ret_soft)
		*ret_soft = to_u64(rl.rlim_cur);
	return 0;
}
