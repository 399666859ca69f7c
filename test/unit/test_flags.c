#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/flags.h"
#include "util/log.h"

START_TEST(test_flags_parse)
{
	const char *servers = NULL, *prefix = "/registry";
	int port = 6443;
	bool elect = false, anon = true;
	int64_t ttl = 3600000;
	const struct ck_flag flags[] = {
		{ "etcd-servers", CK_FLAG_STRING, &servers, "etcd endpoints" },
		{ "etcd-prefix", CK_FLAG_STRING, &prefix, "key prefix" },
		{ "secure-port", CK_FLAG_INT, &port, "port" },
		{ "leader-elect", CK_FLAG_BOOL, &elect, "elect" },
		{ "anonymous-auth", CK_FLAG_BOOL, &anon, "anon" },
		{ "event-ttl", CK_FLAG_DURATION, &ttl, "ttl" },
		{ 0 },
	};
	char *argv[] = { "prog",
			 "--etcd-servers=http://127.0.0.1:2379",
			 "--secure-port",
			 "7443",
			 "pos1",
			 "--leader-elect",
			 "--anonymous-auth=false",
			 "-v",
			 "3",
			 "--event-ttl=1h30m",
			 "--",
			 "--not-a-flag",
			 NULL };
	int n;
	ck_assert_int_eq(ck_flags_parse("prog", flags, 12, argv, &n), 0);
	ck_assert_str_eq(servers, "http://127.0.0.1:2379");
	ck_assert_str_eq(prefix, "/registry");
	ck_assert_int_eq(port, 7443);
	ck_assert(elect);
	ck_assert(!anon);
	ck_assert_int_eq(ck_log_verbosity, 3);
	ck_assert_int_eq(ttl, 5400000);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(argv[0], "pos1");
	ck_assert_str_eq(argv[1], "--not-a-flag");
	ck_log_verbosity = 0;

	char *bad1[] = { "prog", "--nope=1", NULL };
	ck_assert_int_eq(ck_flags_parse("prog", flags, 2, bad1, &n), -EINVAL);
	char *bad2[] = { "prog", "--secure-port=x", NULL };
	ck_assert_int_eq(ck_flags_parse("prog", flags, 2, bad2, &n), -EINVAL);
	char *bad3[] = { "prog", "--secure-port", NULL };
	ck_assert_int_eq(ck_flags_parse("prog", flags, 2, bad3, &n), -EINVAL);
}
END_TEST

START_TEST(test_flags_shorthand)
{
	const char *ns = NULL, *out = NULL;
	bool all = false, watch = false;
	struct ck_flag_strings files = { 0 };
	const struct ck_flag flags[] = {
		{ "namespace", CK_FLAG_STRING, &ns, "namespace" },
		{ "output", CK_FLAG_STRING, &out, "output" },
		{ "all-namespaces", CK_FLAG_BOOL, &all, "all" },
		{ "watch", CK_FLAG_BOOL, &watch, "watch" },
		{ "filename", CK_FLAG_STRING_ARRAY, &files, "files" },
		{ 0 },
	};
	const struct ck_flag_shorthand shorts[] = {
		{ 'n', "namespace" }, { 'o', "output" },   { 'A', "all-namespaces" },
		{ 'w', "watch" },     { 'f', "filename" }, { 0 },
	};
	char *argv[] = { "prog", "get",	   "-nkube-system",	"-oyaml",    "-A",	 "pods",
			 "-f",	 "a.yaml", "--filename=b.yaml", "-f=c.yaml", "-w=false", NULL };
	int n;
	ck_assert_int_eq(ck_flags_parse_short("prog", flags, shorts, 11, argv, &n), 0);
	ck_assert_str_eq(ns, "kube-system");
	ck_assert_str_eq(out, "yaml");
	ck_assert(all);
	ck_assert(!watch);
	ck_assert_int_eq(files.n, 3);
	ck_assert_str_eq(files.v[0], "a.yaml");
	ck_assert_str_eq(files.v[1], "b.yaml");
	ck_assert_str_eq(files.v[2], "c.yaml");
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(argv[0], "get");
	ck_assert_str_eq(argv[1], "pods");
	char *argv2[] = { "prog", "-n", "x", "--namespace", "y", NULL };
	ck_assert_int_eq(ck_flags_parse_short("prog", flags, shorts, 5, argv2, &n), 0);
	ck_assert_str_eq(ns, "y");
	ck_assert_ptr_eq(ck_flags_find(flags, shorts, "n", 1), &flags[0]);
	ck_assert_ptr_eq(ck_flags_find(flags, shorts, "output", 6), &flags[1]);
	ck_assert_ptr_null(ck_flags_find(flags, shorts, "q", 1));
	/* a bool shorthand with letters after it is not a known flag */
	char *bad[] = { "prog", "-Ax", NULL };
	ck_assert_int_eq(ck_flags_parse_short("prog", flags, shorts, 2, bad, &n), -EINVAL);
	free(files.v);
}
END_TEST

START_TEST(test_flags_duration)
{
	int64_t ms;
	ck_assert_int_eq(ck_parse_duration_ms("30s", &ms), 0);
	ck_assert_int_eq(ms, 30000);
	ck_assert_int_eq(ck_parse_duration_ms("1m30s", &ms), 0);
	ck_assert_int_eq(ms, 90000);
	ck_assert_int_eq(ck_parse_duration_ms("500ms", &ms), 0);
	ck_assert_int_eq(ms, 500);
	ck_assert_int_eq(ck_parse_duration_ms("1.5h", &ms), 0);
	ck_assert_int_eq(ms, 5400000);
	ck_assert_int_eq(ck_parse_duration_ms("0", &ms), 0);
	ck_assert_int_eq(ms, 0);
	ck_assert_int_eq(ck_parse_duration_ms("10", &ms), -EINVAL);
	ck_assert_int_eq(ck_parse_duration_ms("5x", &ms), -EINVAL);
	ck_assert_int_eq(ck_parse_duration_ms("", &ms), -EINVAL);
}
END_TEST

Suite *ck_test_suite_flags(void)
{
	Suite *s = suite_create("flags");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_flags_parse);
	tcase_add_test(tc, test_flags_shorthand);
	tcase_add_test(tc, test_flags_duration);
	suite_add_tcase(s, tc);
	return s;
}
