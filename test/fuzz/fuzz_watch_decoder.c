/*
 * The watch stream decoder (client/watch.h) on arbitrary bytes. Invariant:
 * the frames decoded (their types and objects, in order) and the outcome
 * are the same whether the stream arrives whole, cut at two points taken
 * from the input, or one byte at a time.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/watch.h"
#include "util/buf.h"
#include "util/json_write.h"

struct trace {
	struct ck_buf b; /* "TYPE object\n" per frame */
};

static int on_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct trace *t = ctx;
	ck_buf_adds(&t->b, ck_watch_type_name(f->type));
	ck_buf_addc(&t->b, ' ');
	if (ck_json_write(&t->b, f->object) < 0)
		abort();
	ck_buf_addc(&t->b, '\n');
	return 0;
}

/* Feeds data in pieces at the cut points; returns the outcome (0, or the first error). */
static int run(const uint8_t *data, size_t size, const size_t *cuts, size_t ncuts, struct trace *t)
{
	struct ck_watch_decoder d;
	ck_watch_decoder_init(&d, 4096);
	ck_buf_init(&t->b, 0);
	size_t pos = 0;
	int r = 0;
	for (size_t i = 0; i <= ncuts && r == 0; i++) {
		size_t end = i < ncuts ? cuts[i] : size;
		if (end < pos)
			end = pos;
		r = ck_watch_decoder_feed(&d, (const char *)data + pos, end - pos, on_frame, t);
		pos = end;
	}
	if (r == 0)
		r = ck_watch_decoder_finish(&d);
	ck_watch_decoder_release(&d);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	struct trace whole, split, bytes;
	int rw = run(data, size, NULL, 0, &whole);
	size_t cuts[2] = { 0, 0 };
	if (size >= 2) {
		cuts[0] = data[0] % size;
		cuts[1] = cuts[0] + (data[size - 1] % (size - cuts[0] + 1));
	}
	int rs = run(data, size, cuts, 2, &split);
	size_t *every = malloc((size + 1) * sizeof(*every));
	for (size_t i = 0; i < size; i++)
		every[i] = i + 1;
	int rb = run(data, size, every, size, &bytes);
	free(every);
	/* A stream that fails does so at the same frame whatever the cuts. */
	if (rw != rs || rw != rb)
		abort();
	if (strcmp(ck_buf_str(&whole.b), ck_buf_str(&split.b)) != 0 ||
	    strcmp(ck_buf_str(&whole.b), ck_buf_str(&bytes.b)) != 0)
		abort();
	ck_buf_release(&whole.b);
	ck_buf_release(&split.b);
	ck_buf_release(&bytes.b);
	return 0;
}
