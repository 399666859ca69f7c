#include "registry/core/allocator.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/uuid.h"

/* ---- ranges ---- */

/* upstream's calculateRangeOffset: min(max(lo, size/step), hi), 0 when size <= lo. */
static size_t range_offset(uint64_t size, uint64_t lo, uint64_t step, uint64_t hi)
{
	if (size <= lo)
		return 0;
	uint64_t off = size / step;
	if (off < lo)
		return (size_t)lo;
	if (off > hi)
		return (size_t)hi;
	return (size_t)off;
}

int ck_ip_range_parse(const char *cidr, struct ck_ip_range *ret)
{
	struct ck_ip_range r;
	memset(&r, 0, sizeof(r));
	if (ck_cidr_parse(cidr, &r.cidr) < 0)
		return -EINVAL;
	uint64_t size = ck_cidr_size(&r.cidr);
	uint64_t max = size;
	if (r.cidr.ip.family == CK_IP_V6) {
		if (max > 65536)
			max = 65536;
	} else {
		max--; /* no broadcast address */
	}
	max = max > 0 ? max - 1 : 0; /* no network address */
	if (max == 0)
		return -EINVAL;
	r.max = (size_t)max;
	ck_ip_add(&r.cidr.ip, 1, &r.base);
	r.offset = range_offset(size, 16, 16, 256);
	ck_cidr_format(&r.cidr, r.spec);
	*ret = r;
	return 0;
}

int ck_ip_range_index(const struct ck_ip_range *r, const struct ck_ip *ip, size_t *ret)
{
	uint64_t off;
	if (!ck_cidr_contains(&r->cidr, ip) || ck_ip_offset(&r->base, ip, &off) < 0 ||
	    off >= r->max)
		return -ERANGE;
	*ret = (size_t)off;
	return 0;
}

void ck_ip_range_at(const struct ck_ip_range *r, size_t i, struct ck_ip *ret)
{
	ck_ip_add(&r->base, i, ret);
}

void ck_ip_range_not_in_range(const struct ck_ip_range *r, const char *ip, char *out, size_t size)
{
	snprintf(out, size,
		 "the provided IP (%s) is not in the valid range. The range of valid IPs is %s", ip,
		 r->spec);
}

int ck_port_range_parse(const char *s, struct ck_port_range *ret)
{
	struct ck_port_range r;
	memset(&r, 0, sizeof(r));
	if (!s)
		return -EINVAL;
	char *t = ck_str_trim(s);
	int lo = 0, hi = 0, rc = -EINVAL;
	char *sep = strpbrk(t, "-+");
	if (!*t)
		goto out;
	if (sep) {
		char c = *sep;
		*sep = '\0';
		int second;
		if (ck_str_to_int(t, &lo) < 0 || ck_str_to_int(sep + 1, &second) < 0)
			goto out;
		hi = c == '-' ? second : lo + second - 1;
	} else {
		if (ck_str_to_int(t, &lo) < 0)
			goto out;
		hi = lo;
	}
	if (lo < 0 || hi > 65535 || hi < lo)
		goto out;
	r.base = lo;
	r.size = hi - lo + 1;
	r.offset = range_offset((uint64_t)r.size, 16, 32, 128);
	snprintf(r.spec, sizeof(r.spec), "%d-%d", lo, hi);
	*ret = r;
	rc = 0;
out:
	free(t);
	return rc;
}

bool ck_port_range_contains(const struct ck_port_range *r, int port)
{
	return port >= r->base && port < r->base + r->size;
}

void ck_port_range_not_in_range(const struct ck_port_range *r, char *out, size_t size)
{
	snprintf(out, size,
		 "provided port is not in the valid range. The range of valid ports is %s",
		 r->spec);
}

int ck_range_pick(const struct ck_bitmap *b, size_t max, size_t offset, uint64_t rnd, size_t *ret)
{
	if (offset >= max)
		offset = 0;
	size_t upper = max - offset;
	if (upper && ck_bitmap_find_clear(b, offset, max, offset + (size_t)(rnd % upper), ret) == 0)
		return 0;
	if (offset && ck_bitmap_find_clear(b, 0, offset, (size_t)(rnd % offset), ret) == 0)
		return 0;
	return -ENOSPC;
}

/* ---- the etcd-backed store ---- */

struct ck_range_store {
	struct ck_storage *storage;
	char *key;
	char *spec;
	size_t max, offset;
	pthread_mutex_t lock; /* guards bits, rv, mismatched */
	struct ck_bitmap bits;
	uint64_t rv;	 /* the revision bits was read at; 0 = never read */
	bool mismatched; /* the stored object is for another range */
};

enum range_op {
	OP_ALLOCATE,
	OP_ALLOCATE_NEXT,
	OP_RELEASE,
	OP_REPAIR,
};

struct op_ctx {
	struct ck_range_store *s;
	enum range_op op;
	size_t index;
	uint64_t rnd;
	const struct ck_bitmap *in_use;
	struct ck_bitmap next; /* the bitmap to keep when the write succeeds */
	int err;	       /* the op's own failure (-EEXIST, -ENOSPC) */
	uint64_t read_rv;      /* the revision next was read at */
};

static json_object *range_object(const char *spec, const struct ck_bitmap *b)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("RangeAllocation"));
	json_object_object_add(o, "apiVersion", json_object_new_string("v1"));
	json_object *md = json_object_new_object();
	json_object_object_add(md, "creationTimestamp", NULL);
	json_object_object_add(o, "metadata", md);
	json_object_object_add(o, "range", json_object_new_string(spec));
	size_t len;
	uint8_t *bytes = ck_bitmap_to_bytes(b, &len);
	char *enc = ck_base64_encode(bytes ? (const void *)bytes : "", len);
	json_object_object_add(o, "data", json_object_new_string(enc));
	free(enc);
	free(bytes);
	return o;
}

/*
 * The stored object's bitmap into b (sized s->max): 0, or -ESTALE when it
 * belongs to another range (b then all clear), -EINVAL when corrupt.
 */
static int read_range(const struct ck_range_store *s, json_object *obj, struct ck_bitmap *b)
{
	ck_bitmap_release(b);
	ck_bitmap_init(b, s->max);
	if (!obj)
		return 0;
	if (!ck_streq(ck_obj_path_str(obj, "range"), s->spec))
		return -ESTALE;
	const char *data = ck_obj_path_str(obj, "data");
	if (!data || !*data)
		return 0;
	size_t len;
	uint8_t *bytes = ck_base64_decode(data, &len);
	if (!bytes)
		return -EINVAL;
	int r = ck_bitmap_from_bytes(b, bytes, len);
	free(bytes);
	return r < 0 ? -EINVAL : 0;
}

static int op_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
		 json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)ret_ttl;
	struct op_ctx *c = arg;
	struct ck_range_store *s = c->s;
	c->err = 0;
	c->read_rv = cur && meta->resource_version > 0 ? (uint64_t)meta->resource_version : 0;
	bool mismatched = false;
	if (cur && meta->resource_version > 0 && (uint64_t)meta->resource_version == s->rv &&
	    !s->mismatched) {
		ck_bitmap_copy(&c->next, &s->bits);
	} else {
		int r = read_range(s, cur, &c->next);
		if (r == -ESTALE) {
			mismatched = true;
		} else if (r < 0) {
			ck_log_v(4, "range allocation '%s' is corrupt; rebuilding it", s->key);
			mismatched = true;
		}
	}
	if (mismatched && c->op != OP_REPAIR) {
		/* Until a repair rebuilds it, a foreign range allocates nothing. */
		c->err = -ESTALE;
		return -ESTALE;
	}
	switch (c->op) {
	case OP_ALLOCATE:
		if (c->index >= s->max) {
			c->err = -ERANGE;
			return -ERANGE;
		}
		if (!ck_bitmap_set(&c->next, c->index)) {
			c->err = -EEXIST;
			return -EEXIST;
		}
		break;
	case OP_ALLOCATE_NEXT: {
		size_t at;
		if (ck_range_pick(&c->next, s->max, s->offset, c->rnd, &at) < 0) {
			c->err = -ENOSPC;
			return -ENOSPC;
		}
		ck_bitmap_set(&c->next, at);
		c->index = at;
		break;
	}
	case OP_RELEASE:
		if (!ck_bitmap_clear(&c->next, c->index) && cur)
			return -EALREADY; /* nothing to write */
		break;
	case OP_REPAIR:
		if (mismatched) {
			ck_bitmap_copy(&c->next, c->in_use);
		} else {
			for (size_t i = 0; i < s->max; i++)
				if (ck_bitmap_test(c->in_use, i))
					ck_bitmap_set(&c->next, i);
		}
		break;
	}
	*ret_obj = range_object(s->spec, &c->next);
	return 0;
}

/* One operation as a compare-and-swap; updates the cached bitmap. */
static int run_op(struct ck_range_store *s, struct op_ctx *c)
{
	c->s = s;
	ck_bitmap_init(&c->next, s->max);
	struct ck_storage_update_options o = { .ignore_not_found = true };
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	int r = ck_storage_guaranteed_update(s->storage, s->key, &o, op_fn, c, &out, &err);
	if (r == 0) {
		ck_bitmap_release(&s->bits);
		s->bits = c->next;
		memset(&c->next, 0, sizeof(c->next));
		uint64_t rv = 0;
		ck_storage_object_resource_version(out, &rv);
		s->rv = rv;
		s->mismatched = false;
	} else if (r == -EALREADY) {
		r = 0;
	} else if ((c->err == -EEXIST || c->err == -ENOSPC) && c->read_rv) {
		/* what was read is the current state: keep it for next time */
		if (c->op == OP_ALLOCATE)
			ck_bitmap_set(&c->next, c->index);
		ck_bitmap_release(&s->bits);
		s->bits = c->next;
		memset(&c->next, 0, sizeof(c->next));
		s->rv = c->read_rv;
		s->mismatched = false;
	} else if (c->err == 0) {
		ck_log_v(4, "range allocation '%s': %s", s->key, err.message);
	}
	if (r == -ESTALE && c->err == -ESTALE)
		s->mismatched = true;
	json_object_put(out);
	ck_bitmap_release(&c->next);
	ck_storage_error_release(&err);
	return r;
}

int ck_range_store_open(struct ck_storage *storage, const char *key, const char *spec, size_t max,
			size_t offset, struct ck_range_store **ret)
{
	struct ck_range_store *s = ck_calloc(1, sizeof(*s));
	s->storage = storage;
	s->key = ck_strdup(key);
	s->spec = ck_strdup(spec);
	s->max = max;
	s->offset = offset;
	pthread_mutex_init(&s->lock, NULL);
	ck_bitmap_init(&s->bits, max);
	/* Read (or create) the object now: a missing etcd fails the start. */
	struct ck_storage_get_options go = { .ignore_not_found = true };
	struct ck_storage_error err = { 0 };
	json_object *cur = NULL;
	int r = ck_storage_get(storage, key, &go, &cur, &err);
	if (r < 0) {
		ck_log_v(4, "unable to read '%s': %s", key, err.message);
		ck_storage_error_release(&err);
		ck_range_store_free(s);
		return r;
	}
	ck_storage_error_release(&err);
	if (cur) {
		int rr = read_range(s, cur, &s->bits);
		s->mismatched = rr < 0;
		if (!s->mismatched)
			ck_storage_object_resource_version(cur, &s->rv);
		json_object_put(cur);
	} else {
		json_object *obj = range_object(spec, &s->bits), *created = NULL;
		r = ck_storage_create(storage, key, obj, 0, &created, &err);
		json_object_put(obj);
		if (r == 0)
			ck_storage_object_resource_version(created, &s->rv);
		else if (r == CK_STORAGE_ERR_EXISTS)
			r = 0; /* another server was first: read on first use */
		json_object_put(created);
		ck_storage_error_release(&err);
		if (r < 0) {
			ck_range_store_free(s);
			return r;
		}
	}
	*ret = s;
	return 0;
}

void ck_range_store_free(struct ck_range_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	ck_bitmap_release(&s->bits);
	free(s->key);
	free(s->spec);
	free(s);
}

int ck_range_store_allocate(struct ck_range_store *s, size_t i)
{
	struct op_ctx c = { .op = OP_ALLOCATE, .index = i };
	pthread_mutex_lock(&s->lock);
	int r = run_op(s, &c);
	pthread_mutex_unlock(&s->lock);
	return r;
}

int ck_range_store_allocate_next(struct ck_range_store *s, size_t *ret)
{
	uint64_t rnd = 0;
	ck_random_bytes(&rnd, sizeof(rnd));
	struct op_ctx c = { .op = OP_ALLOCATE_NEXT, .rnd = rnd };
	pthread_mutex_lock(&s->lock);
	int r = run_op(s, &c);
	pthread_mutex_unlock(&s->lock);
	if (r == 0)
		*ret = c.index;
	return r;
}

int ck_range_store_release(struct ck_range_store *s, size_t i)
{
	if (i >= s->max)
		return 0;
	struct op_ctx c = { .op = OP_RELEASE, .index = i };
	pthread_mutex_lock(&s->lock);
	int r = run_op(s, &c);
	pthread_mutex_unlock(&s->lock);
	return r;
}

int ck_range_store_repair(struct ck_range_store *s, const struct ck_bitmap *in_use)
{
	struct op_ctx c = { .op = OP_REPAIR, .in_use = in_use };
	pthread_mutex_lock(&s->lock);
	int r = run_op(s, &c);
	pthread_mutex_unlock(&s->lock);
	return r;
}

bool ck_range_store_has(struct ck_range_store *s, size_t i)
{
	pthread_mutex_lock(&s->lock);
	bool has = ck_bitmap_test(&s->bits, i);
	pthread_mutex_unlock(&s->lock);
	return has;
}
