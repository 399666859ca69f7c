/*
 * The watch stream decoder (client/watch.h): frames whole, split at every
 * byte, several per chunk, without newlines; the event types; malformed
 * streams (upstream's "got invalid watch event type"), frames cut short,
 * the size cap.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "client/watch.h"
#include "util/buf.h"

struct seen {
	int n;
	enum ck_watch_type types[16];
	char names[16][64];
	int stop_after; /* 0: never */
};

static int on_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct seen *s = ctx;
	if (s->n < 16) {
		s->types[s->n] = f->type;
		const char *name = ck_obj_name(f->object);
		if (f->type == CK_WATCH_TYPE_ERROR)
			name = ck_status_reason(f->object);
		else if (f->type == CK_WATCH_TYPE_BOOKMARK)
			name = ck_obj_resource_version(f->object);
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name ? name : "");
	}
	s->n++;
	if (s->stop_after && s->n >= s->stop_after)
		return -EINTR;
	return 0;
}

static const char *stream =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"10\"},\"data\":{\"k\":\"v with \\\"quotes\\\" and \\u00e9 "
    "\xc3\xa9\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"c\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":"
    "{\"resourceVersion\":\"42\"}}}\n"
    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
    "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (5)\",\"reason\":"
    "\"Expired\",\"code\":410}}\n";

static void check_all(const struct seen *s)
{
	ck_assert_int_eq(s->n, 5);
	ck_assert_int_eq(s->types[0], CK_WATCH_TYPE_ADDED);
	ck_assert_str_eq(s->names[0], "a");
	ck_assert_int_eq(s->types[1], CK_WATCH_TYPE_MODIFIED);
	ck_assert_str_eq(s->names[1], "b");
	ck_assert_int_eq(s->types[2], CK_WATCH_TYPE_DELETED);
	ck_assert_int_eq(s->types[3], CK_WATCH_TYPE_BOOKMARK);
	ck_assert_str_eq(s->names[3], "42");
	ck_assert_int_eq(s->types[4], CK_WATCH_TYPE_ERROR);
	ck_assert_str_eq(s->names[4], "Expired");
}

START_TEST(test_whole)
{
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, stream, strlen(stream), on_frame, &s), 0);
	ck_assert_int_eq(ck_watch_decoder_finish(&d), 0);
	check_all(&s);
	ck_watch_decoder_release(&d);
}
END_TEST

START_TEST(test_split_everywhere)
{
	size_t len = strlen(stream);
	for (size_t cut = 0; cut <= len; cut++) {
		struct ck_watch_decoder d;
		struct seen s = { 0 };
		ck_watch_decoder_init(&d, 0);
		ck_assert_int_eq(ck_watch_decoder_feed(&d, stream, cut, on_frame, &s), 0);
		ck_assert_int_eq(ck_watch_decoder_feed(&d, stream + cut, len - cut, on_frame, &s),
				 0);
		ck_assert_int_eq(ck_watch_decoder_finish(&d), 0);
		check_all(&s);
		ck_watch_decoder_release(&d);
	}
	/* One byte at a time. */
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 0);
	for (size_t i = 0; i < len; i++)
		ck_assert_int_eq(ck_watch_decoder_feed(&d, stream + i, 1, on_frame, &s), 0);
	ck_assert_int_eq(ck_watch_decoder_finish(&d), 0);
	check_all(&s);
	ck_watch_decoder_release(&d);
}
END_TEST

START_TEST(test_no_newlines)
{
	/* Go's json.Decoder needs no separator; neither do we. */
	const char *text = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"x\"}}}"
			   "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"y\"}}}"
			   "  \r\n\t";
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, text, strlen(text), on_frame, &s), 0);
	ck_assert_int_eq(ck_watch_decoder_finish(&d), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[1], "y");
	ck_watch_decoder_release(&d);
}
END_TEST

START_TEST(test_stop)
{
	struct ck_watch_decoder d;
	struct seen s = { .stop_after = 2 };
	ck_watch_decoder_init(&d, 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, stream, strlen(stream), on_frame, &s), -EINTR);
	ck_assert_int_eq(s.n, 2);
	ck_watch_decoder_release(&d);
}
END_TEST

static void check_bad(const char *text, const char *want_err)
{
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, text, strlen(text), on_frame, &s), -EBADMSG);
	ck_assert_msg(strstr(d.err, want_err) != NULL, "%s: got '%s'", text, d.err);
	/* Unusable afterwards. */
	ck_assert_int_eq(ck_watch_decoder_feed(&d, "{}", 2, on_frame, &s), -EBADMSG);
	ck_watch_decoder_release(&d);
}

START_TEST(test_malformed)
{
	check_bad("{\"type\":\"FOO\",\"object\":{}}\n", "got invalid watch event type: FOO");
	check_bad("{\"type\":\"ADDED\"}\n", "the event has no object");
	check_bad("{\"type\":\"ADDED\",\"object\":null}\n", "the event has no object");
	check_bad("{\"object\":{}}\n", "not a watch event");
	check_bad("[1,2]\n", "not a watch event");
	check_bad("null\n", "not a watch event");
	check_bad("{\"type\":\"ADDED\",,}\n", "unable to decode watch event");
	check_bad("garbage\n", "unable to decode watch event");
}
END_TEST

START_TEST(test_truncated)
{
	const char *text =
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"x\"}}}\n{\"type\":\"AD";
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, text, strlen(text), on_frame, &s), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(ck_watch_decoder_finish(&d), -EBADMSG);
	ck_assert_str_eq(d.err, "unexpected EOF in the middle of a watch event");
	ck_watch_decoder_release(&d);
}
END_TEST

START_TEST(test_max_frame)
{
	struct ck_watch_decoder d;
	struct seen s = { 0 };
	ck_watch_decoder_init(&d, 64);
	const char *small = "{\"type\":\"ADDED\",\"object\":{}}\n";
	ck_assert_int_eq(ck_watch_decoder_feed(&d, small, strlen(small), on_frame, &s), 0);
	struct ck_buf b;
	ck_buf_init(&b, 0);
	ck_buf_adds(&b, "{\"type\":\"ADDED\",\"object\":{\"data\":\"");
	for (int i = 0; i < 100; i++)
		ck_buf_addc(&b, 'x');
	ck_buf_adds(&b, "\"}}\n");
	/* In pieces (the cap applies across feeds) and whole. */
	ck_assert_int_eq(ck_watch_decoder_feed(&d, b.data, 40, on_frame, &s), 0);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, b.data + 40, b.len - 40, on_frame, &s), -E2BIG);
	ck_watch_decoder_release(&d);
	ck_watch_decoder_init(&d, 64);
	ck_assert_int_eq(ck_watch_decoder_feed(&d, b.data, b.len, on_frame, &s), -E2BIG);
	ck_watch_decoder_release(&d);
	ck_buf_release(&b);
}
END_TEST

START_TEST(test_type_names)
{
	enum ck_watch_type t;
	ck_assert_int_eq(ck_watch_type_parse("BOOKMARK", &t), 0);
	ck_assert_int_eq(t, CK_WATCH_TYPE_BOOKMARK);
	ck_assert_str_eq(ck_watch_type_name(CK_WATCH_TYPE_DELETED), "DELETED");
	ck_assert_int_eq(ck_watch_type_parse("added", &t), -EINVAL);
	ck_assert_int_eq(ck_watch_type_parse(NULL, &t), -EINVAL);
}
END_TEST

Suite *ck_test_suite_client_watch(void)
{
	Suite *s = suite_create("client_watch");
	TCase *tc = tcase_create("decoder");
	tcase_add_test(tc, test_whole);
	tcase_add_test(tc, test_split_everywhere);
	tcase_add_test(tc, test_no_newlines);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_max_frame);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);
	return s;
}
