/* The watch stream decoder (watch.h): incremental JSON framing with json-c. */
#include "client/watch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/common.h"
#include "util/limits.h"

static const char *const type_names[] = { "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR" };

const char *ck_watch_type_name(enum ck_watch_type t)
{
	return (size_t)t < CK_ARRAY_SIZE(type_names) ? type_names[t] : "";
}

int ck_watch_type_parse(const char *name, enum ck_watch_type *ret)
{
	for (size_t i = 0; name && i < CK_ARRAY_SIZE(type_names); i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*ret = (enum ck_watch_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void ck_watch_decoder_init(struct ck_watch_decoder *d, size_t max_frame)
{
	d->tok = json_tokener_new_ex(CK_MAX_JSON_DEPTH);
	CK_BUG_ON(!d->tok);
	json_tokener_set_flags(d->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	d->max_frame = max_frame ? max_frame : CK_WATCH_MAX_FRAME;
	ck_buf_init(&d->frame, d->max_frame + 2);
	d->err[0] = '\0';
}

void ck_watch_decoder_release(struct ck_watch_decoder *d)
{
	if (!d)
		return;
	if (d->tok) {
		json_tokener_free(d->tok);
		d->tok = NULL;
	}
	ck_buf_release(&d->frame);
}

/* The decoder is unusable after a malformed frame. */
static int broken(struct ck_watch_decoder *d)
{
	json_tokener_free(d->tok);
	d->tok = NULL;
	return -EBADMSG;
}

/* Drops n bytes from the front of the frame, and the whitespace after them. */
static void consume(struct ck_watch_decoder *d, size_t n)
{
	while (n < d->frame.len && is_ws(d->frame.data[n]))
		n++;
	memmove(d->frame.data, d->frame.data + n, d->frame.len - n);
	ck_buf_truncate(&d->frame, d->frame.len - n);
}

/* Checks a decoded value is a watch event and hands it to fn; takes obj. */
static int deliver(struct ck_watch_decoder *d, json_object *obj, ck_watch_frame_fn fn, void *ctx)
{
	int r = -EBADMSG;
	json_object *type = NULL, *object = NULL;
	struct ck_watch_frame f;
	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "type", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		snprintf(d->err, sizeof(d->err), "unable to decode watch event: not a watch event");
		goto out;
	}
	if (ck_watch_type_parse(json_object_get_string(type), &f.type) < 0) {
		snprintf(d->err, sizeof(d->err), "got invalid watch event type: %.100s",
			 json_object_get_string(type));
		goto out;
	}
	if (!json_object_object_get_ex(obj, "object", &object) ||
	    !json_object_is_type(object, json_type_object)) {
		snprintf(d->err, sizeof(d->err),
			 "unable to decode watch event: the event has no object");
		goto out;
	}
	f.object = object;
	r = fn(ctx, &f);
out:
	json_object_put(obj);
	return r;
}

int ck_watch_decoder_feed(struct ck_watch_decoder *d, const char *data, size_t len,
			  ck_watch_frame_fn fn, void *ctx)
{
	if (!d->tok)
		return -EBADMSG;
	while (len > 0) {
		if (d->frame.len == 0) {
			while (len > 0 && is_ws(*data)) {
				data++;
				len--;
			}
			if (len == 0)
				break;
		}
		/* One byte past the cap at most, so a frame too big is seen as such. */
		size_t room = d->max_frame + 1 - d->frame.len;
		size_t n = len < room ? len : room;
		ck_buf_add(&d->frame, data, n);
		data += n;
		len -= n;
		while (d->frame.len > 0) {
			json_tokener_reset(d->tok);
			json_object *obj =
			    json_tokener_parse_ex(d->tok, d->frame.data, (int)d->frame.len);
			enum json_tokener_error jerr = json_tokener_get_error(d->tok);
			if (!obj && jerr == json_tokener_continue) {
				if (d->frame.len > d->max_frame) {
					snprintf(d->err, sizeof(d->err),
						 "watch event larger than %zu bytes", d->max_frame);
					return -E2BIG;
				}
				break; /* the frame goes on in the next bytes */
			}
			if (jerr != json_tokener_success) {
				snprintf(d->err, sizeof(d->err), "unable to decode watch event: %s",
					 json_tokener_error_desc(jerr));
				json_object_put(obj);
				return broken(d);
			}
			size_t used = json_tokener_get_parse_end(d->tok);
			if (used > d->frame.len)
				used = d->frame.len;
			if (used > d->max_frame) {
				json_object_put(obj);
				snprintf(d->err, sizeof(d->err),
					 "watch event larger than %zu bytes", d->max_frame);
				return -E2BIG;
			}
			consume(d, used);
			/* A null value (the text "null") is no object; json-c returns NULL for it.
			 */
			if (!obj) {
				snprintf(d->err, sizeof(d->err),
					 "unable to decode watch event: not a watch event");
				return broken(d);
			}
			int r = deliver(d, obj, fn, ctx);
			if (r == -EBADMSG)
				return broken(d);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int ck_watch_decoder_finish(struct ck_watch_decoder *d)
{
	if (!d->tok)
		return -EBADMSG;
	if (d->frame.len > 0) {
		snprintf(d->err, sizeof(d->err), "unexpected EOF in the middle of a watch event");
		return -EBADMSG;
	}
	return 0;
}
