/*
 * The token file and its CSV reader from arbitrary bytes. Invariants:
 *  - the CSV records, written back with every field quoted, read back the
 *    same (fields byte for byte, in order);
 *  - the token table is what the records say: each token (non-empty,
 *    without NUL) maps to the user, uid and groups of its last record;
 *  - parsing fails exactly when the CSV does or a record has < 3 fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/tokenfile.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/str.h"

struct records {
	struct ck_buf flat;   /* every field, NUL-separated, records separated by \1\1 */
	struct ck_buf quoted; /* the records written back as quoted CSV */
	size_t n, short_records;
};

static int collect(void *ctx, char **fields, const size_t *lens, size_t n, int line)
{
	(void)line;
	struct records *r = ctx;
	r->n++;
	if (n < 3)
		r->short_records++;
	for (size_t i = 0; i < n; i++) {
		ck_buf_add(&r->flat, fields[i], lens[i]);
		ck_buf_add(&r->flat, "\0", 1);
		ck_buf_addc(&r->quoted, '"');
		for (size_t j = 0; j < lens[i]; j++) {
			if (fields[i][j] == '"')
				ck_buf_addc(&r->quoted, '"');
			ck_buf_addc(&r->quoted, fields[i][j]);
		}
		ck_buf_adds(&r->quoted, i + 1 < n ? "\"," : "\"\n");
	}
	ck_buf_add(&r->flat, "\1\1", 2);
	return 0;
}

/* Checks each record's token against the table (last record wins). */
struct lookup {
	const struct ck_token_file *tf;
	struct ck_buf seen; /* tokens checked already, NUL-separated */
	const char *data;
	size_t len;
};

static int last_record_for(void *ctx, char **fields, const size_t *lens, size_t n, int line);

struct find_last {
	const char *token;
	size_t token_len;
	char *name, *uid, *groups;
	int found;
};

static int find_cb(void *ctx, char **fields, const size_t *lens, size_t n, int line)
{
	(void)line;
	struct find_last *f = ctx;
	if (n >= 3 && lens[0] == f->token_len && memcmp(fields[0], f->token, f->token_len) == 0) {
		free(f->name);
		free(f->uid);
		free(f->groups);
		f->name = strndup(fields[1], lens[1]);
		f->uid = strndup(fields[2], lens[2]);
		f->groups = n >= 4 ? strndup(fields[3], lens[3]) : NULL;
		f->found = 1;
	}
	return 0;
}

static int last_record_for(void *ctx, char **fields, const size_t *lens, size_t n, int line)
{
	(void)line;
	struct lookup *l = ctx;
	if (n < 3 || lens[0] == 0 || strlen(fields[0]) != lens[0])
		return 0;
	struct find_last f = { .token = fields[0], .token_len = lens[0] };
	ck_csv_read(l->data, l->len, find_cb, &f, NULL);
	const struct ck_user_info *u = ck_token_file_lookup(l->tf, fields[0]);
	if (!u || !f.found || !ck_streq(u->name, f.name) || !ck_streq(u->uid, f.uid))
		abort();
	if (f.groups) {
		char **g = ck_str_split(f.groups, ',', 0);
		for (size_t i = 0; g[i]; i++)
			if (!u->groups || !ck_streq(u->groups[i], g[i]))
				abort();
		if (ck_strv_len(u->groups) != ck_strv_len(g))
			abort();
		ck_strv_free(g);
	} else if (u->groups) {
		abort();
	}
	free(f.name);
	free(f.uid);
	free(f.groups);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	const char *text = (const char *)data;
	struct records a = { CK_BUF_INIT, CK_BUF_INIT, 0, 0 };
	char *err = NULL;
	int csv = ck_csv_read(text, size, collect, &a, &err);
	if ((csv < 0) != (err != NULL))
		abort();
	free(err);
	err = NULL;

	struct ck_token_file *tf = NULL;
	int r = ck_token_file_parse(text, size, &tf, &err);
	if ((r == 0) != (csv == 0 && a.short_records == 0))
		abort();
	if (r < 0 && (!err || tf))
		abort();
	free(err);

	/* Go's reader turns \r\n inside a quoted field into \n, so reading
	 * what was read, quoted again, is not the identity for fields with \r. */
	if (csv == 0 && !memchr(data, '\r', size)) {
		struct records b = { CK_BUF_INIT, CK_BUF_INIT, 0, 0 };
		char *err2 = NULL;
		if (ck_csv_read(a.quoted.data ? a.quoted.data : "", a.quoted.len, collect, &b,
				&err2) < 0)
			abort();
		if (a.n != b.n || a.flat.len != b.flat.len ||
		    (a.flat.len && memcmp(a.flat.data, b.flat.data, a.flat.len) != 0))
			abort();
		ck_buf_release(&b.flat);
		ck_buf_release(&b.quoted);
	}
	if (tf) {
		struct lookup l = { .tf = tf, .seen = CK_BUF_INIT, .data = text, .len = size };
		ck_csv_read(text, size, last_record_for, &l, NULL);
		ck_buf_release(&l.seen);
		ck_token_file_free(tf);
	}
	ck_buf_release(&a.flat);
	ck_buf_release(&a.quoted);
	return 0;
}
