/*
 * ck_hashmap: string keys to pointers, chained, growing at load 1.
 * Keys are copied; values are borrowed (the map never frees them, except
 * through the free_value hook given to ck_hashmap_init).
 * Not locked: the owner's lock guards it (say which in the owner's struct).
 * The hash is keyed with a per-process random seed, so names chosen by
 * clients cannot force collisions.
 */
#ifndef CK_UTIL_HASHMAP_H
#define CK_UTIL_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_hashmap_entry {
	struct ck_hashmap_entry *next;
	uint64_t hash;
	void *value;
	char key[]; /* NUL-terminated copy */
};

struct ck_hashmap {
	struct ck_hashmap_entry **buckets;
	size_t nbuckets; /* 0 or a power of two */
	size_t count;
	void (*free_value)(void *);
};

void ck_hashmap_init(struct ck_hashmap *m, void (*free_value)(void *));
/* Frees every entry (and value, through free_value). NULL-safe. */
void ck_hashmap_release(struct ck_hashmap *m);

/* The value for key, borrowed; NULL when absent. */
void *ck_hashmap_get(const struct ck_hashmap *m, const char *key);
bool ck_hashmap_has(const struct ck_hashmap *m, const char *key);
/*
 * Sets key to value. The value it replaced is returned (the caller owns it
 * then; free_value is not called), or NULL.
 */
void *ck_hashmap_put(struct ck_hashmap *m, const char *key, void *value);
/* Removes key and returns its value (caller owns it), or NULL. */
void *ck_hashmap_remove(struct ck_hashmap *m, const char *key);
static inline size_t ck_hashmap_count(const struct ck_hashmap *m)
{
	return m->count;
}

/* Iteration: for (it = ck_hashmap_first(m); it; it = ck_hashmap_next(m, it)).
 * Do not insert or remove while iterating. */
struct ck_hashmap_entry *ck_hashmap_first(const struct ck_hashmap *m);
struct ck_hashmap_entry *ck_hashmap_next(const struct ck_hashmap *m,
					 const struct ck_hashmap_entry *e);

/* The keyed 64-bit hash the map uses (also for sharding elsewhere). */
uint64_t ck_hash_str(const char *s);

#endif
