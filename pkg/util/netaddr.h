/*
 * IP addresses and CIDR blocks as values (no sockets): parsing as Go's
 * k8s.io/utils/net ParseIPSloppy / ParseCIDRSloppy do (dotted IPv4 with
 * leading zeros read as decimal, IPv6 with "::" and a trailing dotted
 * IPv4, no zones), printing, containment and offsets within a block.
 *
 * Invariants:
 *  - struct ck_ip is a plain value: 4 meaningful bytes for IPv4, 16 for
 *    IPv6, the rest zero. A CIDR's address is its network address (host
 *    bits cleared), as Go's ParseCIDR returns it.
 */
#ifndef CK_UTIL_NETADDR_H
#define CK_UTIL_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text of an address or a CIDR, with the NUL. */
#define CK_IP_STR_MAX 64

enum ck_ip_family {
	CK_IP_V4 = 4,
	CK_IP_V6 = 6,
};

struct ck_ip {
	uint8_t b[16];
	enum ck_ip_family family;
};

struct ck_cidr {
	struct ck_ip ip; /* the network address */
	int prefix;
};

/* 0, or -EINVAL. */
int ck_ip_parse(const char *s, struct ck_ip *ret);
/* "10.0.0.1", "2001:db8::1" (RFC 5952, as Go prints). */
void ck_ip_format(const struct ck_ip *ip, char out[CK_IP_STR_MAX]);
bool ck_ip_equal(const struct ck_ip *a, const struct ck_ip *b);

/* "10.96.0.0/12": 0, or -EINVAL. The address is masked to the network. */
int ck_cidr_parse(const char *s, struct ck_cidr *ret);
/* "10.96.0.0/12". */
void ck_cidr_format(const struct ck_cidr *c, char out[CK_IP_STR_MAX]);
bool ck_cidr_contains(const struct ck_cidr *c, const struct ck_ip *ip);
/* The number of addresses, capped at 2^62. */
uint64_t ck_cidr_size(const struct ck_cidr *c);

/* ip - base for ip >= base of one family: 0, or -ERANGE (below base, other
 * family, or beyond 2^62). */
int ck_ip_offset(const struct ck_ip *base, const struct ck_ip *ip, uint64_t *ret);
/* base + offset (wrapping within the family). */
void ck_ip_add(const struct ck_ip *base, uint64_t offset, struct ck_ip *ret);

#endif
