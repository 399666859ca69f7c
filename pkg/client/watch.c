/* One watch over the REST client (watch.h). */
#include "client/watch.h"

#include <errno.h>
#include <stdio.h>

#include "client/rest.h"

struct watch_run {
	struct ck_watch_decoder dec;
	ck_watch_frame_fn fn;
	void *ctx;
};

static int on_data(void *ctx, const char *data, size_t len)
{
	struct watch_run *w = ctx;
	return ck_watch_decoder_feed(&w->dec, data, len, w->fn, w->ctx);
}

int ck_client_watch(struct ck_client *c, const struct ck_client_request *req, ck_watch_frame_fn fn,
		    void *ctx, struct ck_client_error *err)
{
	struct ck_client_request r = *req;
	struct ck_client_list_options lo = { 0 };
	if (req->list_options)
		lo = *req->list_options;
	lo.watch = true;
	r.list_options = &lo;
	struct watch_run w = { .fn = fn, .ctx = ctx };
	ck_watch_decoder_init(&w.dec, 0);
	int rc = ck_client_stream(c, &r, on_data, &w, err);
	if (rc == 0)
		rc = ck_watch_decoder_finish(&w.dec);
	if ((rc == -EBADMSG || rc == -E2BIG) && w.dec.err[0] && err)
		snprintf(err->message, sizeof(err->message), "%s", w.dec.err);
	ck_watch_decoder_release(&w.dec);
	return rc;
}
