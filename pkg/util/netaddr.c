#include "util/netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define OFFSET_MAX ((uint64_t)1 << 62)

/* Dotted IPv4, each part decimal 0..255, leading zeros allowed (sloppy). */
static int parse_v4(const char *s, uint8_t out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255 || ++digits > 3)
				return -EINVAL;
			s++;
		}
		if (!digits)
			return -EINVAL;
		out[part] = (uint8_t)v;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int ck_ip_parse(const char *s, struct ck_ip *ret)
{
	struct ck_ip ip;
	memset(&ip, 0, sizeof(ip));
	if (!s || !*s)
		return -EINVAL;
	if (strchr(s, ':')) {
		if (strlen(s) >= CK_IP_STR_MAX || strchr(s, '%'))
			return -EINVAL;
		if (inet_pton(AF_INET6, s, ip.b) != 1)
			return -EINVAL;
		if (memcmp(ip.b, v4_mapped, 12) == 0) {
			/* As Go: an IPv4-mapped address is an IPv4 address. */
			memmove(ip.b, ip.b + 12, 4);
			memset(ip.b + 4, 0, 12);
			ip.family = CK_IP_V4;
		} else {
			ip.family = CK_IP_V6;
		}
	} else {
		if (parse_v4(s, ip.b) < 0)
			return -EINVAL;
		ip.family = CK_IP_V4;
	}
	*ret = ip;
	return 0;
}

void ck_ip_format(const struct ck_ip *ip, char out[CK_IP_STR_MAX])
{
	if (ip->family == CK_IP_V4) {
		snprintf(out, CK_IP_STR_MAX, "%u.%u.%u.%u", ip->b[0], ip->b[1], ip->b[2], ip->b[3]);
		return;
	}
	if (!inet_ntop(AF_INET6, ip->b, out, CK_IP_STR_MAX))
		snprintf(out, CK_IP_STR_MAX, "?");
}

bool ck_ip_equal(const struct ck_ip *a, const struct ck_ip *b)
{
	return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

static int family_bits(enum ck_ip_family f)
{
	return f == CK_IP_V4 ? 32 : 128;
}

static void mask(struct ck_ip *ip, int prefix)
{
	int bits = family_bits(ip->family);
	for (int i = 0; i < bits / 8; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		ip->b[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

int ck_cidr_parse(const char *s, struct ck_cidr *ret)
{
	if (!s)
		return -EINVAL;
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || strlen(s) >= CK_IP_STR_MAX)
		return -EINVAL;
	char addr[CK_IP_STR_MAX];
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	struct ck_cidr c;
	memset(&c, 0, sizeof(c));
	/* Go's ParseCIDR keeps an IPv4-mapped IPv6 address as IPv6 here. */
	if (strchr(addr, ':')) {
		if (strchr(addr, '%') || inet_pton(AF_INET6, addr, c.ip.b) != 1)
			return -EINVAL;
		c.ip.family = CK_IP_V6;
	} else {
		if (parse_v4(addr, c.ip.b) < 0)
			return -EINVAL;
		c.ip.family = CK_IP_V4;
	}
	const char *p = slash + 1;
	int prefix = 0, digits = 0;
	while (*p >= '0' && *p <= '9') {
		prefix = prefix * 10 + (*p - '0');
		if (++digits > 3)
			return -EINVAL;
		p++;
	}
	if (!digits || *p || prefix > family_bits(c.ip.family))
		return -EINVAL;
	c.prefix = prefix;
	mask(&c.ip, prefix);
	*ret = c;
	return 0;
}

void ck_cidr_format(const struct ck_cidr *c, char out[CK_IP_STR_MAX])
{
	char ip[CK_IP_STR_MAX];
	ck_ip_format(&c->ip, ip);
	snprintf(out, CK_IP_STR_MAX, "%.50s/%d", ip, c->prefix);
}

bool ck_cidr_contains(const struct ck_cidr *c, const struct ck_ip *ip)
{
	if (ip->family != c->ip.family)
		return false;
	struct ck_ip m = *ip;
	mask(&m, c->prefix);
	return memcmp(m.b, c->ip.b, 16) == 0;
}

uint64_t ck_cidr_size(const struct ck_cidr *c)
{
	int host = family_bits(c->ip.family) - c->prefix;
	if (host >= 62)
		return OFFSET_MAX;
	return (uint64_t)1 << host;
}

int ck_ip_offset(const struct ck_ip *base, const struct ck_ip *ip, uint64_t *ret)
{
	if (base->family != ip->family)
		return -ERANGE;
	int n = base->family == CK_IP_V4 ? 4 : 16;
	/* Compare, then subtract byte by byte (big-endian). */
	int cmp = memcmp(ip->b, base->b, (size_t)n);
	if (cmp < 0)
		return -ERANGE;
	uint8_t diff[16];
	int borrow = 0;
	for (int i = n - 1; i >= 0; i--) {
		int d = (int)ip->b[i] - (int)base->b[i] - borrow;
		borrow = d < 0;
		diff[i] = (uint8_t)(d < 0 ? d + 256 : d);
	}
	for (int i = 0; i < n - 8; i++)
		if (diff[i])
			return -ERANGE;
	uint64_t v = 0;
	for (int i = n > 8 ? n - 8 : 0; i < n; i++)
		v = v << 8 | diff[i];
	if (v > OFFSET_MAX)
		return -ERANGE;
	*ret = v;
	return 0;
}

void ck_ip_add(const struct ck_ip *base, uint64_t offset, struct ck_ip *ret)
{
	struct ck_ip out = *base;
	int n = base->family == CK_IP_V4 ? 4 : 16;
	unsigned carry = 0;
	for (int i = n - 1; i >= 0; i--) {
		unsigned v = (unsigned)out.b[i] + (unsigned)(offset & 0xff) + carry;
		out.b[i] = (uint8_t)v;
		carry = v >> 8;
		offset >>= 8;
	}
	*ret = out;
}
