/*
 * ck_buf: one growable byte buffer with a hard maximum (as curl's dynbuf and
 * git's strbuf), for bodies, JSON text and gRPC payloads.
 *
 * Invariants:
 *  - buf->data is either NULL (nothing allocated yet, len == 0) or points to
 *    at least len + 1 bytes, and data[len] == '\0': the content is always a
 *    valid C string too (it may also hold NUL bytes inside).
 *  - len never exceeds max. An append that would exceed max fails with
 *    -E2BIG and leaves the buffer unchanged.
 *  - A ck_buf is caller-owned memory: ck_buf_init() it, ck_buf_release() it.
 */
#ifndef CK_UTIL_BUF_H
#define CK_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/common.h"

struct ck_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max;
};

/* A buffer whose maximum is CK_DEFAULT_BUF_MAX. */
#define CK_BUF_INIT           \
	{                     \
		NULL, 0, 0, 0 \
	}

/* Initialises an empty buffer; max 0 means CK_DEFAULT_BUF_MAX. */
void ck_buf_init(struct ck_buf *b, size_t max);
/* Frees the content; the buffer is empty and reusable. NULL-safe. */
void ck_buf_release(struct ck_buf *b);
/* Empties the buffer, keeping its allocation. */
void ck_buf_reset(struct ck_buf *b);

/* Appends; 0 or -E2BIG (buffer unchanged). */
int ck_buf_add(struct ck_buf *b, const void *data, size_t len);
int ck_buf_adds(struct ck_buf *b, const char *s);
int ck_buf_addc(struct ck_buf *b, char c);
int ck_buf_addf(struct ck_buf *b, const char *fmt, ...) CK_PRINTF(2, 3);
int ck_buf_vaddf(struct ck_buf *b, const char *fmt, va_list ap);
/* Makes room for n more bytes without changing len; 0 or -E2BIG. */
int ck_buf_grow(struct ck_buf *b, size_t n);
/* Shortens to len (<= current len). */
void ck_buf_truncate(struct ck_buf *b, size_t len);

/*
 * Returns the content as a NUL-terminated string the caller owns (never
 * NULL: an empty buffer gives ""), and leaves the buffer empty.
 */
char *ck_buf_detach(struct ck_buf *b, size_t *ret_len);

/* The content as a C string, "" when empty; borrowed. */
static inline const char *ck_buf_str(const struct ck_buf *b)
{
	return b->data ? b->data : "";
}

#endif
