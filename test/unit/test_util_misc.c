/* Unit tests for the small util modules: uuid, hashmap, queue, log, signal. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

START_TEST(test_uuid_v4)
{
	char a[CK_UUID_BUF], b[CK_UUID_BUF];
	ck_assert_int_eq(ck_uuid_v4(a), 0);
	ck_assert_int_eq(ck_uuid_v4(b), 0);
	ck_assert_uint_eq(strlen(a), 36);
	ck_assert_str_ne(a, b);
	ck_assert(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
	ck_assert(a[14] == '4');
	ck_assert(strchr("89ab", a[19]) != NULL);
	for (int i = 0; i < 36; i++)
		ck_assert(a[i] == '-' || strchr("0123456789abcdef", a[i]));
}
END_TEST

START_TEST(test_hashmap_basic)
{
	struct ck_hashmap m;
	ck_hashmap_init(&m, free);
	char key[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "default/pod-%d", i);
		ck_assert_ptr_null(ck_hashmap_put(&m, key, ck_strdup(key)));
	}
	ck_assert_uint_eq(ck_hashmap_count(&m), 10000);
	ck_assert_str_eq(ck_hashmap_get(&m, "default/pod-4242"), "default/pod-4242");
	ck_assert_ptr_null(ck_hashmap_get(&m, "default/pod-10000"));
	char *old = ck_hashmap_put(&m, "default/pod-1", ck_strdup("x"));
	ck_assert_str_eq(old, "default/pod-1");
	free(old);
	ck_assert_str_eq(ck_hashmap_get(&m, "default/pod-1"), "x");
	for (int i = 0; i < 10000; i += 2) {
		snprintf(key, sizeof(key), "default/pod-%d", i);
		free(ck_hashmap_remove(&m, key));
	}
	ck_assert_uint_eq(ck_hashmap_count(&m), 5000);
	ck_assert(!ck_hashmap_has(&m, "default/pod-0"));
	ck_assert(ck_hashmap_has(&m, "default/pod-1"));
	size_t seen = 0;
	for (struct ck_hashmap_entry *e = ck_hashmap_first(&m); e; e = ck_hashmap_next(&m, e))
		seen++;
	ck_assert_uint_eq(seen, 5000);
	ck_hashmap_release(&m);
	ck_assert_uint_eq(ck_hashmap_count(&m), 0);
	ck_assert_ptr_null(ck_hashmap_first(&m));
}
END_TEST

struct producer {
	struct ck_queue *q;
	int base;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (intptr_t i = 0; i < 1000; i++)
		ck_assert_int_eq(ck_queue_push(p->q, (void *)(intptr_t)(p->base + i + 1)), 0);
	return NULL;
}

START_TEST(test_queue_threads)
{
	struct ck_queue q;
	ck_queue_init(&q, 0);
	pthread_t t[4];
	struct producer p[4];
	for (int i = 0; i < 4; i++) {
		p[i] = (struct producer){ &q, i * 1000 };
		pthread_create(&t[i], NULL, produce, &p[i]);
	}
	static char seen[4001];
	memset(seen, 0, sizeof(seen));
	int last[4] = { 0, 0, 0, 0 };
	for (int n = 0; n < 4000; n++) {
		void *item;
		ck_assert_int_eq(ck_queue_pop(&q, &item, 5000), 0);
		int v = (int)(intptr_t)item;
		ck_assert(v >= 1 && v <= 4000 && !seen[v]);
		seen[v] = 1;
		int who = (v - 1) / 1000;
		ck_assert_int_gt(v, last[who]); /* FIFO per producer */
		last[who] = v;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	void *item;
	ck_assert_int_eq(ck_queue_pop(&q, &item, 10), -ETIMEDOUT);
	ck_assert_int_eq(ck_queue_push(&q, (void *)1), 0);
	ck_queue_close(&q);
	ck_assert_int_eq(ck_queue_push(&q, (void *)2), -EPIPE);
	ck_assert_int_eq(ck_queue_pop(&q, &item, -1), 0); /* drains after close */
	ck_assert_int_eq(ck_queue_pop(&q, &item, -1), -EPIPE);
	ck_queue_release(&q);

	ck_queue_init(&q, 1);
	ck_assert_int_eq(ck_queue_push(&q, (void *)1), 0);
	ck_assert_int_eq(ck_queue_push(&q, (void *)2), -ENOBUFS);
	ck_assert_uint_eq(ck_queue_len(&q), 1);
	ck_queue_release(&q);
}
END_TEST

START_TEST(test_log_format)
{
	char path[] = "/tmp/ck-log-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	int old = ck_log_set_fd(fd);
	ck_log_verbosity = 2;
	ck_log_info("unable to open '%s': %s", "x", "gone");
	ck_log_v(3, "hidden %d", 1);
	ck_log_v(2, "shown");
	ck_log_error("bad");
	ck_log_set_fd(old);
	ck_log_verbosity = 0;
	char buf[1024] = { 0 };
	ck_assert_int_gt(pread(fd, buf, sizeof(buf) - 1, 0), 0);
	close(fd);
	unlink(path);
	/* I1126 17:15:42.123456   1234 test_util_misc.c:123] message */
	char sev, file[64], msg[256];
	int mon, day, hh, mm, ss, us, tid, line;
	ck_assert_int_eq(sscanf(buf, "%c%2d%2d %d:%d:%d.%6d %d %63[^:]:%d] %255[^\n]", &sev, &mon,
				&day, &hh, &mm, &ss, &us, &tid, file, &line, msg),
			 11);
	ck_assert_int_eq(sev, 'I');
	ck_assert_str_eq(file, "test_util_misc.c");
	ck_assert_str_eq(msg, "unable to open 'x': gone");
	ck_assert_ptr_null(strstr(buf, "hidden"));
	ck_assert_ptr_nonnull(strstr(buf, "] shown\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nE"));
	ck_assert_int_eq(buf[strlen(buf) - 1], '\n');
}
END_TEST

START_TEST(test_signal_stop)
{
	ck_assert_int_eq(ck_signal_setup(), 0);
	ck_assert(!ck_signal_stopping());
	struct pollfd p = { .fd = ck_signal_fd(), .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	ck_assert(ck_signal_stopping());
	ck_assert_int_eq(poll(&p, 1, 1000), 1);
	ck_signal_wait(); /* returns at once */
}
END_TEST

Suite *ck_test_suite_util_misc(void)
{
	Suite *s = suite_create("util_misc");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_uuid_v4);
	tcase_add_test(tc, test_hashmap_basic);
	tcase_add_test(tc, test_queue_threads);
	tcase_add_test(tc, test_log_format);
	tcase_add_test(tc, test_signal_stop); /* Check forks each test: the signal stays in it */
	suite_add_tcase(s, tc);
	return s;
}
