/*
 * Service ClusterIP and NodePort allocation (upstream's
 * pkg/registry/core/service/ipallocator, portallocator and
 * allocator/storage): a range maps addresses or ports to offsets, a bitmap
 * marks the offsets in use, and the bitmap lives in etcd as upstream's
 * RangeAllocation object ({"range": spec, "data": base64 of the bitmap as
 * big-endian bytes}) at /registry/ranges/serviceips and
 * /registry/ranges/servicenodeports.
 *
 * Invariants:
 *  - Every change is a compare-and-swap of the RangeAllocation on its etcd
 *    revision: two API servers on one etcd never hand out the same offset.
 *    Within a process a mutex serialises the store's operations, and the
 *    last bitmap read is cached with its revision (re-read on conflict).
 *  - Dynamic allocation prefers the upper part of a range at a random
 *    start; the lower part ("offset", upstream's
 *    min(max(16, size/16), 256) for IPs and min(max(16, size/32), 128) for
 *    ports) is left for addresses asked for by name, as upstream.
 */
#ifndef CK_REGISTRY_CORE_ALLOCATOR_H
#define CK_REGISTRY_CORE_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bitmap.h"
#include "util/netaddr.h"

struct ck_storage;

/* Upstream's RangeAllocation keys (relative to the etcd prefix). */
#define CK_RANGE_KEY_SERVICE_IPS "/ranges/serviceips"
#define CK_RANGE_KEY_NODE_PORTS "/ranges/servicenodeports"

/* Upstream's allocator errors, as messages. */
#define CK_IP_ALLOCATED_MSG "provided IP is already allocated"
#define CK_PORT_ALLOCATED_MSG "provided port is already allocated"
#define CK_RANGE_FULL_MSG "range is full"

/*
 * A service IP range (ipallocator.Range): offset 0 is the address after
 * the network address; IPv4 leaves out the broadcast address too; IPv6
 * ranges hold at most 65536 addresses.
 */
struct ck_ip_range {
	struct ck_cidr cidr;
	struct ck_ip base;
	size_t max;
	size_t offset;
	char spec[CK_IP_STR_MAX]; /* the CIDR as printed ("10.96.0.0/12") */
};

/* 0, or -EINVAL for a bad CIDR or one too small to hold an address. */
int ck_ip_range_parse(const char *cidr, struct ck_ip_range *ret);
/* The offset of ip: 0 and *ret, or -ERANGE when ip is not in the range. */
int ck_ip_range_index(const struct ck_ip_range *r, const struct ck_ip *ip, size_t *ret);
/* The address at offset i. */
void ck_ip_range_at(const struct ck_ip_range *r, size_t i, struct ck_ip *ret);
/* "the provided IP (10.0.0.1) is not in the valid range. The range of valid
 * IPs is 10.96.0.0/12" into out. */
void ck_ip_range_not_in_range(const struct ck_ip_range *r, const char *ip, char *out, size_t size);

/* A node port range ("30000-32767", "30000+2768" or "30000"). */
struct ck_port_range {
	int base;
	int size;
	size_t offset;
	char spec[32]; /* "30000-32767" */
};

int ck_port_range_parse(const char *s, struct ck_port_range *ret);
bool ck_port_range_contains(const struct ck_port_range *r, int port);
/* "provided port is not in the valid range. The range of valid ports is
 * 30000-32767" into out. */
void ck_port_range_not_in_range(const struct ck_port_range *r, char *out, size_t size);

/*
 * Picks a clear bit as upstream's random scan with an offset: from a
 * random start in [offset, max), wrapping; then in [0, offset). rnd is
 * any random number. 0 and *ret, or -ENOSPC.
 */
int ck_range_pick(const struct ck_bitmap *b, size_t max, size_t offset, uint64_t rnd, size_t *ret);

/* The etcd-backed allocator of one range. */
struct ck_range_store;

/*
 * Opens the store at key for a range of max offsets described by spec
 * (the RangeAllocation's "range"), creating the object when absent. A
 * stored object for another range is replaced by the next repair. The
 * caller owns *ret. 0, or a negative errno (storage unreachable).
 */
int ck_range_store_open(struct ck_storage *storage, const char *key, const char *spec, size_t max,
			size_t offset, struct ck_range_store **ret);
void ck_range_store_free(struct ck_range_store *s);

/* Marks offset i: 0, -EEXIST when already in use, -ERANGE beyond max. */
int ck_range_store_allocate(struct ck_range_store *s, size_t i);
/* Marks a free offset (random scan): 0 and *ret, or -ENOSPC when full. */
int ck_range_store_allocate_next(struct ck_range_store *s, size_t *ret);
/* Clears offset i (clear already: nothing happens). 0 or a storage error. */
int ck_range_store_release(struct ck_range_store *s, size_t i);
/*
 * At start (upstream's repair controllers): marks every offset of in_use
 * (max bits) as allocated; when the stored range is another one, the
 * bitmap becomes in_use. Offsets set but unused are kept (a server may be
 * about to store them).
 */
int ck_range_store_repair(struct ck_range_store *s, const struct ck_bitmap *in_use);
/* Whether offset i is in use, as of the last read (tests). */
bool ck_range_store_has(struct ck_range_store *s, size_t i);

#endif
