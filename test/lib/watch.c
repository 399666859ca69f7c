#include "watch.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/protobuf.h"
#include "util/common.h"
#include "util/str.h"

static void *run_watch(void *arg)
{
	struct ck_test_watch *w = arg;
	ck_test_http("GET", w->url, NULL, NULL, w->accept[0] ? w->accept : NULL, &w->r);
	return NULL;
}

void ck_test_watch_start(struct ck_test_watch *w, const char *base, const char *path,
			 const char *accept)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->url, sizeof(w->url), "%s%s", base, path);
	snprintf(w->accept, sizeof(w->accept), "%s", accept ? accept : "");
	ck_assert_int_eq(pthread_create(&w->thread, NULL, run_watch, w), 0);
	usleep(300 * 1000); /* let the watch register before the changes */
}

static json_object *event(const char *type, json_object *obj)
{
	json_object *ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string(type));
	json_object_object_add(ev, "object", obj);
	return ev;
}

static void read_json_lines(const struct ck_buf *body, json_object *events)
{
	const char *p = ck_buf_str(body);
	while (*p) {
		const char *nl = strchr(p, '\n');
		ck_assert_msg(nl != NULL, "a frame without its newline: %s", p);
		char *line = ck_strndup(p, (size_t)(nl - p));
		json_object *ev = json_tokener_parse(line);
		ck_assert_msg(ev != NULL, "not JSON: %s", line);
		free(line);
		json_object_array_add(events, ev);
		p = nl + 1;
	}
}

static void read_protobuf_frames(const struct ck_buf *body, json_object *events)
{
	size_t off = 0;
	while (off < body->len) {
		size_t used = 0;
		char *type = NULL, *err = NULL;
		json_object *obj = NULL;
		int r = ck_protobuf_decode_watch_event(body->data + off, body->len - off, &used,
						       &type, &obj, &err);
		ck_assert_msg(r == 0, "frame at byte %zu: %s (%d)", off, err ? err : "", r);
		json_object_array_add(events, event(type, obj));
		free(type);
		off += used;
	}
}

json_object *ck_test_watch_events(struct ck_test_watch *w)
{
	pthread_join(w->thread, NULL);
	ck_assert_int_eq(w->r.code, 200);
	json_object *events = json_object_new_array();
	if (ck_streq(w->r.content_type, CK_PROTOBUF_CONTENT_TYPE ";stream=watch"))
		read_protobuf_frames(&w->r.body, events);
	else if (ck_streq(w->r.content_type, "application/json"))
		read_json_lines(&w->r.body, events);
	else
		ck_abort_msg("a watch answered as '%s'", w->r.content_type);
	return events;
}

void ck_test_watch_release(struct ck_test_watch *w)
{
	ck_test_response_release(&w->r);
}
