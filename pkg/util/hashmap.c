#include "util/hashmap.h"

#include <pthread.h>
#include <string.h>

#include "util/common.h"
#include "util/uuid.h"

static uint64_t seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void init_seed(void)
{
	if (ck_random_bytes(&seed, sizeof(seed)) < 0)
		seed = 0x9e3779b97f4a7c15ull;
}

uint64_t ck_hash_str(const char *s)
{
	pthread_once(&seed_once, init_seed);
	/* FNV-1a over the seed then the bytes, with a final avalanche. */
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void ck_hashmap_init(struct ck_hashmap *m, void (*free_value)(void *))
{
	memset(m, 0, sizeof(*m));
	m->free_value = free_value;
}

void ck_hashmap_release(struct ck_hashmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct ck_hashmap_entry *e = m->buckets[i];
		while (e) {
			struct ck_hashmap_entry *next = e->next;
			if (m->free_value)
				m->free_value(e->value);
			free(e);
			e = next;
		}
	}
	free(m->buckets);
	ck_hashmap_init(m, m->free_value);
}

static struct ck_hashmap_entry **find(const struct ck_hashmap *m, const char *key, uint64_t h)
{
	if (!m->nbuckets)
		return NULL;
	struct ck_hashmap_entry **pp = &m->buckets[h & (m->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->key, key) == 0)
			return pp;
	return NULL;
}

void *ck_hashmap_get(const struct ck_hashmap *m, const char *key)
{
	struct ck_hashmap_entry **pp = find(m, key, ck_hash_str(key));
	return pp ? (*pp)->value : NULL;
}

bool ck_hashmap_has(const struct ck_hashmap *m, const char *key)
{
	return find(m, key, ck_hash_str(key)) != NULL;
}

static void grow(struct ck_hashmap *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 16;
	struct ck_hashmap_entry **b = ck_calloc(n, sizeof(*b));
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct ck_hashmap_entry *e = m->buckets[i];
		while (e) {
			struct ck_hashmap_entry *next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

void *ck_hashmap_put(struct ck_hashmap *m, const char *key, void *value)
{
	uint64_t h = ck_hash_str(key);
	struct ck_hashmap_entry **pp = find(m, key, h);
	if (pp) {
		void *old = (*pp)->value;
		(*pp)->value = value;
		return old;
	}
	if (m->count >= m->nbuckets)
		grow(m);
	size_t len = strlen(key);
	struct ck_hashmap_entry *e = ck_malloc(sizeof(*e) + len + 1);
	memcpy(e->key, key, len + 1);
	e->hash = h;
	e->value = value;
	e->next = m->buckets[h & (m->nbuckets - 1)];
	m->buckets[h & (m->nbuckets - 1)] = e;
	m->count++;
	return NULL;
}

void *ck_hashmap_remove(struct ck_hashmap *m, const char *key)
{
	struct ck_hashmap_entry **pp = find(m, key, ck_hash_str(key));
	if (!pp)
		return NULL;
	struct ck_hashmap_entry *e = *pp;
	void *v = e->value;
	*pp = e->next;
	free(e);
	m->count--;
	return v;
}

static struct ck_hashmap_entry *first_from(const struct ck_hashmap *m, size_t i)
{
	for (; i < m->nbuckets; i++)
		if (m->buckets[i])
			return m->buckets[i];
	return NULL;
}

struct ck_hashmap_entry *ck_hashmap_first(const struct ck_hashmap *m)
{
	return first_from(m, 0);
}

struct ck_hashmap_entry *ck_hashmap_next(const struct ck_hashmap *m,
					 const struct ck_hashmap_entry *e)
{
	return e->next ? e->next : first_from(m, (e->hash & (m->nbuckets - 1)) + 1);
}
