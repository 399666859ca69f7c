/*
 * Lease reuse (pkg/storage/etcd3/lease_manager.c): upstream's
 * TestGetReuseDurationSeconds table, and GetLease's reuse rules against a
 * fake clock and a fake grant.
 */
#include <check.h>
#include <errno.h>

#include "storage/etcd3/etcd3.h"
#include "storage/etcd3/lease_manager.h"

struct fake {
	double now;
	int64_t next_id;
	int64_t last_ttl;
	int grants;
	int fail;
};

static int fake_grant(void *arg, int64_t ttl, int64_t *ret_id, struct ck_etcd_err *err)
{
	struct fake *f = arg;
	(void)err;
	if (f->fail)
		return f->fail;
	f->grants++;
	f->last_ttl = ttl;
	*ret_id = ++f->next_id;
	return 0;
}

static double fake_clock(void *arg)
{
	return ((struct fake *)arg)->now;
}

START_TEST(test_lease_reuse_duration)
{
	struct ck_lease_manager lm;
	ck_lease_manager_init(&lm, NULL, 0, 0);
	/* upstream: ttl 3600 -> 60 (capped), ttl 1000 -> 50 (5%) */
	ck_assert_int_eq(ck_lease_manager_reuse_duration(&lm, 3600), 60);
	ck_assert_int_eq(ck_lease_manager_reuse_duration(&lm, 1000), 50);
	ck_assert_int_eq(ck_lease_manager_reuse_duration(&lm, 1), 0);
	ck_lease_manager_release(&lm);
}
END_TEST

START_TEST(test_lease_get_reuses)
{
	struct ck_lease_manager lm;
	struct fake f = { 1000, 0, 0, 0, 0 };
	int64_t id = 0;
	ck_lease_manager_init(&lm, NULL, 0, 3);
	ck_lease_manager_set_hooks(&lm, fake_grant, &f, fake_clock, &f);

	/* an event TTL of 1 h: granted for 1 h + 60 s */
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(f.last_ttl, 3660);
	/* 30 s later the same lease still outlives 1 h and not by more than 60 s */
	f.now += 30;
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(f.grants, 1);
	/* max_object_count 3: the fourth key gets a new lease */
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), 0);
	ck_assert_int_eq(id, 2);
	/* 61 s later the lease would expire too soon */
	f.now += 61;
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), 0);
	ck_assert_int_eq(id, 3);
	/* a much shorter TTL: the old lease outlives it by too much */
	ck_assert_int_eq(ck_lease_manager_get(&lm, 10, &id, NULL), 0);
	ck_assert_int_eq(id, 4);
	ck_assert_int_eq(f.last_ttl, 10);
	/* a grant failure is returned, nothing cached */
	f.fail = -EHOSTUNREACH;
	f.now += 100;
	ck_assert_int_eq(ck_lease_manager_get(&lm, 3600, &id, NULL), -EHOSTUNREACH);
	ck_assert_int_eq(id, 4);
	ck_lease_manager_release(&lm);
}
END_TEST

Suite *ck_test_suite_etcd3_lease_manager(void)
{
	Suite *s = suite_create("etcd3_lease_manager");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_lease_reuse_duration);
	tcase_add_test(tc, test_lease_get_reuses);
	suite_add_tcase(s, tc);
	return s;
}
