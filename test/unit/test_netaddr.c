/*
 * pkg/util/netaddr.c: sloppy IPv4 (leading zeros), IPv6, IPv4-mapped
 * addresses, CIDRs masked to their network, containment and offsets.
 */
#include <check.h>
#include <stdint.h>

#include "util/common.h"
#include "util/netaddr.h"

START_TEST(test_netaddr_ip)
{
	struct {
		const char *in, *want; /* want NULL: invalid */
	} tests[] = {
		{ "10.0.0.1", "10.0.0.1" },
		{ "010.001.000.001", "10.1.0.1" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "256.0.0.1", NULL },
		{ "1.2.3", NULL },
		{ "1.2.3.4.5", NULL },
		{ "", NULL },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
		{ "::ffff:1.2.3.4", "1.2.3.4" },
		{ "::1", "::1" },
		{ "fe80::1%eth0", NULL },
		{ "1.2.3.4/24", NULL },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(tests); i++) {
		struct ck_ip ip;
		int r = ck_ip_parse(tests[i].in, &ip);
		if (!tests[i].want) {
			ck_assert_msg(r < 0, "%s accepted", tests[i].in);
			continue;
		}
		ck_assert_msg(r == 0, "%s rejected", tests[i].in);
		char out[CK_IP_STR_MAX];
		ck_ip_format(&ip, out);
		ck_assert_str_eq(out, tests[i].want);
	}
}
END_TEST

START_TEST(test_netaddr_cidr)
{
	struct ck_cidr c;
	char out[CK_IP_STR_MAX];
	ck_assert_int_eq(ck_cidr_parse("10.96.0.7/12", &c), 0);
	ck_cidr_format(&c, out);
	ck_assert_str_eq(out, "10.96.0.0/12");
	ck_assert_uint_eq(ck_cidr_size(&c), 1u << 20);
	struct ck_ip ip;
	ck_ip_parse("10.111.255.254", &ip);
	ck_assert(ck_cidr_contains(&c, &ip));
	ck_ip_parse("10.112.0.0", &ip);
	ck_assert(!ck_cidr_contains(&c, &ip));
	ck_ip_parse("2001:db8::1", &ip);
	ck_assert(!ck_cidr_contains(&c, &ip));
	ck_assert_int_lt(ck_cidr_parse("10.0.0.0/33", &c), 0);
	ck_assert_int_lt(ck_cidr_parse("10.0.0.0", &c), 0);
	ck_assert_int_lt(ck_cidr_parse("/8", &c), 0);
	ck_assert_int_eq(ck_cidr_parse("fd00:10:96::/112", &c), 0);
	ck_cidr_format(&c, out);
	ck_assert_str_eq(out, "fd00:10:96::/112");
	ck_assert_uint_eq(ck_cidr_size(&c), 65536);
	ck_assert_int_eq(ck_cidr_parse("2001:db8::/32", &c), 0);
	ck_assert_uint_eq(ck_cidr_size(&c), (uint64_t)1 << 62); /* capped */
}
END_TEST

START_TEST(test_netaddr_offsets)
{
	struct ck_ip base, ip, back;
	uint64_t off;
	ck_ip_parse("10.96.0.1", &base);
	ck_ip_parse("10.97.1.2", &ip);
	ck_assert_int_eq(ck_ip_offset(&base, &ip, &off), 0);
	ck_assert_uint_eq(off, 65536 + 256 + 1);
	ck_ip_add(&base, off, &back);
	ck_assert(ck_ip_equal(&back, &ip));
	ck_assert_int_lt(ck_ip_offset(&ip, &base, &off), 0);
	ck_ip_parse("fd00::1", &base);
	ck_ip_parse("fd00::1:0", &ip);
	ck_assert_int_eq(ck_ip_offset(&base, &ip, &off), 0);
	ck_assert_uint_eq(off, 65535);
	ck_ip_add(&base, 65535, &back);
	ck_assert(ck_ip_equal(&back, &ip));
	ck_ip_parse("10.0.0.1", &ip);
	ck_assert_int_lt(ck_ip_offset(&base, &ip, &off), 0); /* other family */
}
END_TEST

Suite *ck_test_suite_netaddr(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_netaddr_ip);
	tcase_add_test(tc, test_netaddr_cidr);
	tcase_add_test(tc, test_netaddr_offsets);
	suite_add_tcase(s, tc);
	return s;
}
