#include "util/uuid.h"

#include <errno.h>
#include <sys/random.h>

int ck_random_bytes(void *buf, unsigned long len)
{
	unsigned char *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (unsigned long)n;
	}
	return 0;
}

int ck_uuid_v4(char out[CK_UUID_BUF])
{
	unsigned char b[16];
	int r = ck_random_bytes(b, sizeof(b));
	if (r < 0)
		return r;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	/* 8-4-4-4-12 hex digits, without a format to parse (one per object created) */
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 0x0f];
	}
	*p = '\0';
	return 0;
}
