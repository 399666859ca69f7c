/*
 * pkg/registry/core/allocator.c: service IP and node port ranges (upstream's
 * ipallocator and portallocator range math and messages), the random scan
 * with a static band, and the RangeAllocation store's compare-and-swap:
 * two stores on one storage never hand out the same offset, and a store
 * reopened later sees what was allocated (a restart).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "registry/core/allocator.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/str.h"

START_TEST(test_ip_range)
{
	struct ck_ip_range r;
	ck_assert_int_eq(ck_ip_range_parse("10.96.0.0/12", &r), 0);
	ck_assert_uint_eq(r.max, (1u << 20) - 2);
	ck_assert_uint_eq(r.offset, 256);
	ck_assert_str_eq(r.spec, "10.96.0.0/12");
	struct ck_ip ip;
	char s[CK_IP_STR_MAX];
	ck_ip_range_at(&r, 0, &ip);
	ck_ip_format(&ip, s);
	ck_assert_str_eq(s, "10.96.0.1"); /* the kubernetes service's */
	size_t off;
	ck_ip_parse("10.96.0.0", &ip);
	ck_assert_int_eq(ck_ip_range_index(&r, &ip, &off), -ERANGE); /* network */
	ck_ip_parse("10.111.255.255", &ip);
	ck_assert_int_eq(ck_ip_range_index(&r, &ip, &off), -ERANGE); /* broadcast */
	ck_ip_parse("10.111.255.254", &ip);
	ck_assert_int_eq(ck_ip_range_index(&r, &ip, &off), 0);
	ck_assert_uint_eq(off, r.max - 1);
	char msg[256];
	ck_ip_range_not_in_range(&r, "1.2.3.4", msg, sizeof(msg));
	ck_assert_str_eq(msg, "the provided IP (1.2.3.4) is not in the valid range. The range of "
			      "valid IPs is 10.96.0.0/12");

	/* upstream's calculateRangeOffset examples */
	struct {
		const char *cidr;
		size_t max, offset;
	} t[] = {
		{ "192.168.1.0/28", 14, 0 },   { "192.168.1.0/27", 30, 16 },
		{ "192.168.0.0/24", 254, 16 }, { "192.168.0.0/20", 4094, 256 },
		{ "fd00::/120", 255, 16 },     { "fd00::/96", 65535, 256 },
		{ "192.168.1.1/32", 0, 0 },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(t); i++) {
		int rc = ck_ip_range_parse(t[i].cidr, &r);
		if (!t[i].max) {
			ck_assert_int_lt(rc, 0);
			continue;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_msg(r.max == t[i].max, "%s: max %zu", t[i].cidr, r.max);
		ck_assert_msg(r.offset == t[i].offset, "%s: offset %zu", t[i].cidr, r.offset);
	}
	ck_assert_int_lt(ck_ip_range_parse("10.0.0.0", &r), 0);
}
END_TEST

START_TEST(test_port_range)
{
	struct ck_port_range r;
	ck_assert_int_eq(ck_port_range_parse("30000-32767", &r), 0);
	ck_assert_int_eq(r.base, 30000);
	ck_assert_int_eq(r.size, 2768);
	ck_assert_uint_eq(r.offset, 86); /* min(max(16, 2768/32), 128) */
	ck_assert(ck_port_range_contains(&r, 32767));
	ck_assert(!ck_port_range_contains(&r, 32768));
	char msg[200];
	ck_port_range_not_in_range(&r, msg, sizeof(msg));
	ck_assert_str_eq(msg, "provided port is not in the valid range. The range of valid ports "
			      "is 30000-32767");
	ck_assert_int_eq(ck_port_range_parse("30000+10", &r), 0);
	ck_assert_str_eq(r.spec, "30000-30009");
	ck_assert_uint_eq(r.offset, 0);
	ck_assert_int_lt(ck_port_range_parse("32767-30000", &r), 0);
	ck_assert_int_lt(ck_port_range_parse("a-b", &r), 0);
	ck_assert_int_lt(ck_port_range_parse("1-70000", &r), 0);
}
END_TEST

START_TEST(test_range_pick)
{
	struct ck_bitmap b;
	ck_bitmap_init(&b, 100);
	size_t at;
	/* the upper band [16, 100) first, whatever the random start */
	for (uint64_t rnd = 0; rnd < 200; rnd += 7) {
		ck_assert_int_eq(ck_range_pick(&b, 100, 16, rnd, &at), 0);
		ck_assert_uint_ge(at, 16);
	}
	for (size_t i = 16; i < 100; i++)
		ck_bitmap_set(&b, i);
	ck_assert_int_eq(ck_range_pick(&b, 100, 16, 12345, &at), 0);
	ck_assert_uint_lt(at, 16); /* then the static band */
	for (size_t i = 0; i < 16; i++)
		ck_bitmap_set(&b, i);
	ck_assert_int_eq(ck_range_pick(&b, 100, 16, 1, &at), -ENOSPC);
	ck_bitmap_release(&b);
}
END_TEST

/* ---- a storage in memory, for the store's compare-and-swap ---- */

struct mem_store {
	struct ck_storage base;
	char *key;
	char *value; /* JSON text, or NULL */
	int64_t rv, next_rv;
	/* Before the next write, another writer changes the value (a conflict). */
	void (*interfere)(struct mem_store *m);
	int writes;
};

static json_object *mem_read(struct mem_store *m)
{
	if (!m->value)
		return NULL;
	json_object *o = json_tokener_parse(m->value);
	ck_storage_object_set_resource_version(o, m->rv);
	return o;
}

static void mem_write(struct mem_store *m, json_object *o)
{
	json_object_object_del(ck_obj_metadata(o), "resourceVersion");
	free(m->value);
	m->value = ck_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	m->rv = ++m->next_rv;
	m->writes++;
}

static void mem_free(struct ck_storage *s)
{
	struct mem_store *m = (struct mem_store *)s;
	free(m->value);
	free(m->key);
	free(m);
}

static int mem_get(struct ck_storage *s, const char *key, const struct ck_storage_get_options *o,
		   json_object **ret, struct ck_storage_error *err)
{
	struct mem_store *m = (struct mem_store *)s;
	(void)key;
	if (!m->value) {
		if (o && o->ignore_not_found) {
			*ret = NULL;
			return 0;
		}
		return ck_storage_error_set(err, CK_STORAGE_ERR_NOT_FOUND, "not found");
	}
	*ret = mem_read(m);
	return 0;
}

static int mem_create(struct ck_storage *s, const char *key, json_object *obj, uint64_t ttl,
		      json_object **ret, struct ck_storage_error *err)
{
	struct mem_store *m = (struct mem_store *)s;
	(void)key;
	(void)ttl;
	if (m->value)
		return ck_storage_error_set(err, CK_STORAGE_ERR_EXISTS, "exists");
	mem_write(m, obj);
	if (ret)
		*ret = mem_read(m);
	return 0;
}

static int mem_update(struct ck_storage *s, const char *key,
		      const struct ck_storage_update_options *o, ck_storage_update_fn fn, void *arg,
		      json_object **ret, struct ck_storage_error *err)
{
	struct mem_store *m = (struct mem_store *)s;
	(void)key;
	(void)o;
	(void)err;
	for (int attempt = 0; attempt < 100; attempt++) {
		json_object *cur = mem_read(m), *next = NULL;
		int64_t read_rv = m->rv;
		struct ck_storage_response_meta meta = { .resource_version = cur ? read_rv : 0 };
		uint64_t ttl = 0;
		int r = fn(arg, cur, &meta, &next, &ttl);
		json_object_put(cur);
		if (r < 0)
			return r;
		if (m->interfere) {
			void (*f)(struct mem_store *) = m->interfere;
			m->interfere = NULL;
			f(m);
		}
		if (m->rv != read_rv) { /* the compare failed: read again */
			json_object_put(next);
			continue;
		}
		mem_write(m, next);
		json_object_put(next);
		if (ret)
			*ret = mem_read(m);
		return 0;
	}
	return -EIO;
}

static const struct ck_storage_ops mem_ops = {
	.free = mem_free,
	.get = mem_get,
	.create = mem_create,
	.guaranteed_update = mem_update,
};

static struct mem_store *mem_new(void)
{
	struct mem_store *m = ck_calloc(1, sizeof(*m));
	m->base.ops = &mem_ops;
	m->next_rv = 100;
	return m;
}

static struct ck_range_store *other; /* for interfere */

static void allocate_elsewhere(struct mem_store *m)
{
	(void)m;
	/* another server takes offset 5 between our read and our write */
	ck_assert_int_eq(ck_range_store_allocate(other, 5), 0);
}

START_TEST(test_range_store_cas)
{
	struct mem_store *m = mem_new();
	struct ck_range_store *a, *b;
	ck_assert_int_eq(
	    ck_range_store_open(&m->base, CK_RANGE_KEY_SERVICE_IPS, "10.0.0.0/28", 14, 0, &a), 0);
	ck_assert_ptr_nonnull(m->value);
	ck_assert_ptr_nonnull(strstr(m->value, "\"range\":\"10.0.0.0\\/28\""));
	ck_assert_int_eq(
	    ck_range_store_open(&m->base, CK_RANGE_KEY_SERVICE_IPS, "10.0.0.0/28", 14, 0, &b), 0);
	ck_assert_int_eq(ck_range_store_allocate(a, 3), 0);
	/* b's cache is stale: the store re-reads and sees it taken */
	ck_assert_int_eq(ck_range_store_allocate(b, 3), -EEXIST);
	ck_assert(ck_range_store_has(b, 3));
	/* a conflicting write between read and write is retried */
	other = b;
	m->interfere = allocate_elsewhere;
	ck_assert_int_eq(ck_range_store_allocate(a, 5), -EEXIST);
	/* dynamic allocation never returns a taken offset */
	bool seen[14] = { 0 };
	seen[3] = seen[5] = true;
	for (int i = 0; i < 12; i++) {
		size_t off;
		struct ck_range_store *s = i % 2 ? a : b;
		ck_assert_int_eq(ck_range_store_allocate_next(s, &off), 0);
		ck_assert_uint_lt(off, 14);
		ck_assert_msg(!seen[off], "offset %zu handed out twice", off);
		seen[off] = true;
	}
	size_t off;
	ck_assert_int_eq(ck_range_store_allocate_next(a, &off), -ENOSPC);
	ck_assert_int_eq(ck_range_store_release(b, 7), 0);
	ck_assert_int_eq(ck_range_store_allocate_next(a, &off), 0);
	ck_assert_uint_eq(off, 7);
	ck_assert_int_eq(ck_range_store_allocate(a, 14), -ERANGE);
	ck_range_store_free(a);
	ck_range_store_free(b);

	/* a restart reads the bitmap back */
	ck_assert_int_eq(
	    ck_range_store_open(&m->base, CK_RANGE_KEY_SERVICE_IPS, "10.0.0.0/28", 14, 0, &a), 0);
	ck_assert_int_eq(ck_range_store_allocate(a, 7), -EEXIST);
	ck_assert_int_eq(ck_range_store_allocate_next(a, &off), -ENOSPC);
	ck_range_store_free(a);
	ck_storage_free(&m->base);
}
END_TEST

START_TEST(test_range_store_repair)
{
	struct mem_store *m = mem_new();
	struct ck_range_store *a;
	ck_assert_int_eq(
	    ck_range_store_open(&m->base, CK_RANGE_KEY_NODE_PORTS, "30000-30009", 10, 0, &a), 0);
	ck_assert_int_eq(ck_range_store_allocate(a, 1), 0);
	struct ck_bitmap used;
	ck_bitmap_init(&used, 10);
	ck_bitmap_set(&used, 4);
	ck_assert_int_eq(ck_range_store_repair(a, &used), 0);
	ck_assert(ck_range_store_has(a, 1)); /* kept: a server may be about to store it */
	ck_assert(ck_range_store_has(a, 4));
	ck_range_store_free(a);
	/* another range configured: rebuilt from what is in use */
	ck_assert_int_eq(
	    ck_range_store_open(&m->base, CK_RANGE_KEY_NODE_PORTS, "30000-30019", 20, 0, &a), 0);
	ck_assert_int_eq(ck_range_store_allocate(a, 2), -ESTALE);
	ck_assert_int_eq(ck_range_store_repair(a, &used), 0);
	ck_assert(!ck_range_store_has(a, 1));
	ck_assert(ck_range_store_has(a, 4));
	ck_assert_int_eq(ck_range_store_allocate(a, 2), 0);
	ck_assert_ptr_nonnull(strstr(m->value, "30000-30019"));
	ck_bitmap_release(&used);
	ck_range_store_free(a);
	ck_storage_free(&m->base);
}
END_TEST

Suite *ck_test_suite_core_allocator(void)
{
	Suite *s = suite_create("core_allocator");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_ip_range);
	tcase_add_test(tc, test_port_range);
	tcase_add_test(tc, test_range_pick);
	tcase_add_test(tc, test_range_store_cas);
	tcase_add_test(tc, test_range_store_repair);
	suite_add_tcase(s, tc);
	return s;
}
