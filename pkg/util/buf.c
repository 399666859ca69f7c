#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "util/limits.h"

void ck_buf_init(struct ck_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max ? max : CK_DEFAULT_BUF_MAX;
}

void ck_buf_release(struct ck_buf *b)
{
	if (!b)
		return;
	size_t max = b->max;
	free(b->data);
	ck_buf_init(b, max);
}

void ck_buf_reset(struct ck_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static size_t buf_max(const struct ck_buf *b)
{
	return b->max ? b->max : CK_DEFAULT_BUF_MAX;
}

int ck_buf_grow(struct ck_buf *b, size_t n)
{
	size_t max = buf_max(b);
	if (n > max || b->len > max - n)
		return -E2BIG;
	size_t need = b->len + n + 1;
	if (need <= b->alloc)
		return 0;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc < SIZE_MAX / 2 ? alloc * 2 : need;
	if (alloc > max + 1)
		alloc = max + 1;
	b->data = ck_realloc(b->data, alloc);
	b->alloc = alloc;
	return 0;
}

int ck_buf_add(struct ck_buf *b, const void *data, size_t len)
{
	int r = ck_buf_grow(b, len);
	if (r < 0)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int ck_buf_adds(struct ck_buf *b, const char *s)
{
	return ck_buf_add(b, s, strlen(s));
}

int ck_buf_addc(struct ck_buf *b, char c)
{
	return ck_buf_add(b, &c, 1);
}

int ck_buf_vaddf(struct ck_buf *b, const char *fmt, va_list ap)
{
	/* Formatted straight into the room left when it fits (one pass), else measured there
	 * and formatted again once grown. */
	size_t room = b->alloc - b->len;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	if (b->data)
		b->data[b->len] = '\0'; /* what a truncated pass left */
	if (n < 0)
		return -EINVAL;
	int r = ck_buf_grow(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ck_buf_addf(struct ck_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = ck_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void ck_buf_truncate(struct ck_buf *b, size_t len)
{
	CK_BUG_ON(len > b->len);
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

char *ck_buf_detach(struct ck_buf *b, size_t *ret_len)
{
	char *s = b->data ? b->data : ck_strdup("");
	if (ret_len)
		*ret_len = b->len;
	size_t max = b->max;
	ck_buf_init(b, max);
	return s;
}
