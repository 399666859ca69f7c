#include "util/csv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"

struct reader {
	const char *data;
	size_t len, pos;
	int line; /* lines read so far */
};

/*
 * The next line into out, with its '\n' when it has one ("\r\n" made "\n";
 * a '\r' ending the input dropped). False at the end of the input.
 */
static bool read_line(struct reader *r, struct ck_buf *out)
{
	ck_buf_reset(out);
	if (r->pos >= r->len)
		return false;
	const char *start = r->data + r->pos;
	const char *nl = memchr(start, '\n', r->len - r->pos);
	size_t n = nl ? (size_t)(nl - start) + 1 : r->len - r->pos;
	r->pos += n;
	r->line++;
	ck_buf_add(out, start, n);
	if (nl && n >= 2 && out->data[n - 2] == '\r') {
		out->data[n - 2] = '\n';
		ck_buf_truncate(out, n - 1);
	} else if (!nl && out->data[n - 1] == '\r') {
		ck_buf_truncate(out, n - 1);
	}
	return true;
}

static size_t length_nl(const char *s, size_t n)
{
	return n && s[n - 1] == '\n' ? 1 : 0;
}

static int parse_error(char **ret_err, int start_line, int line, int col, const char *what)
{
	if (ret_err) {
		struct ck_buf b = CK_BUF_INIT;
		if (start_line != line)
			ck_buf_addf(&b, "record on line %d; ", start_line);
		ck_buf_addf(&b, "parse error on line %d, column %d: %s", line, col, what);
		*ret_err = ck_buf_detach(&b, NULL);
	}
	return -EINVAL;
}

static const char bare_quote[] = "bare \" in non-quoted-field";
static const char bad_quote[] = "extraneous or missing \" in quoted-field";

int ck_csv_read(const char *data, size_t len, ck_csv_record_fn fn, void *ctx, char **ret_err)
{
	struct reader rd = { data, len, 0, 0 };
	struct ck_buf linebuf = CK_BUF_INIT, rec = CK_BUF_INIT;
	size_t *ends = NULL, nends = 0, cap = 0;
	int r = 0;
	for (;;) {
		/* A record's first line, skipping empty ones. */
		bool got;
		while ((got = read_line(&rd, &linebuf)) &&
		       linebuf.len == length_nl(linebuf.data, linebuf.len))
			;
		if (!got)
			break;
		int start_line = rd.line, line_no = rd.line, col = 0;
		const char *line = linebuf.data;
		size_t n = linebuf.len;
		ck_buf_reset(&rec);
		nends = 0;
		for (;;) {
			if (nends == cap) {
				cap = cap ? cap * 2 : 8;
				ends = ck_realloc(ends, cap * sizeof(*ends));
			}
			if (n == 0 || line[0] != '"') {
				/* An unquoted field. */
				const char *comma = memchr(line, ',', n);
				size_t flen =
				    comma ? (size_t)(comma - line) : n - length_nl(line, n);
				const char *q = memchr(line, '"', flen);
				if (q) {
					r = parse_error(ret_err, start_line, line_no,
							col + (int)(q - line), bare_quote);
					goto out;
				}
				ck_buf_add(&rec, line, flen);
				ends[nends++] = rec.len;
				ck_buf_addc(&rec, '\0');
				if (!comma)
					break;
				col += (int)flen + 1;
				n -= flen + 1;
				line += flen + 1;
				continue;
			}
			/* A quoted field, maybe over several lines. */
			line++;
			n--;
			col++;
			bool done = false;
			while (!done) {
				const char *q = memchr(line, '"', n);
				if (q) {
					size_t i = (size_t)(q - line);
					ck_buf_add(&rec, line, i);
					line += i + 1;
					n -= i + 1;
					col += (int)i + 1;
					if (n && line[0] == '"') {
						ck_buf_addc(&rec, '"');
						line++;
						n--;
						col++;
					} else if (n && line[0] == ',') {
						line++;
						n--;
						col++;
						ends[nends++] = rec.len;
						ck_buf_addc(&rec, '\0');
						done = true; /* next field */
					} else if (length_nl(line, n) == n) {
						ends[nends++] = rec.len;
						ck_buf_addc(&rec, '\0');
						goto record;
					} else {
						/* Go reports the quote's column. */
						r = parse_error(ret_err, start_line, line_no,
								col - 1, bad_quote);
						goto out;
					}
				} else if (n > 0) {
					/* The field goes on past this line. */
					ck_buf_add(&rec, line, n);
					col += (int)n;
					if (!read_line(&rd, &linebuf)) {
						n = 0;
						line = "";
						continue;
					}
					line = linebuf.data;
					n = linebuf.len;
					line_no = rd.line;
					col = 0;
				} else {
					/* The input ended inside the quotes. */
					r = parse_error(ret_err, start_line, line_no, col,
							bad_quote);
					goto out;
				}
			}
		}
	record:;
		/* Fields start after the previous one's NUL. */
		char **fields = ck_calloc(nends + 1, sizeof(*fields));
		size_t *lens = ck_calloc(nends + 1, sizeof(*lens));
		for (size_t i = 0, off = 0; i < nends; i++) {
			fields[i] = rec.data + off;
			lens[i] = ends[i] - off;
			off = ends[i] + 1;
		}
		r = fn(ctx, fields, lens, nends, start_line);
		free(fields);
		free(lens);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(ends);
	ck_buf_release(&linebuf);
	ck_buf_release(&rec);
	return r;
}
