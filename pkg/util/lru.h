/*
 * ck_lru: a fixed-capacity least-recently-used cache from string keys to
 * pointers (as golang-lru's simplelru, which upstream's event correlator
 * uses). Get and Add make an entry the most recent; adding to a full cache
 * evicts the least recent entry.
 *
 * Keys are copied. Values are owned by the cache: a value is freed through
 * free_value when it is replaced, evicted, or the cache is freed.
 * Not locked: the owner's lock guards it.
 */
#ifndef CK_UTIL_LRU_H
#define CK_UTIL_LRU_H

#include <stddef.h>

struct ck_lru;

/* A cache of at most capacity (> 0) entries; the caller owns it. */
struct ck_lru *ck_lru_new(size_t capacity, void (*free_value)(void *));
/* Frees every value and the cache. NULL-safe. */
void ck_lru_free(struct ck_lru *l);
/* The value for key (borrowed; the entry becomes the most recent), or NULL. */
void *ck_lru_get(struct ck_lru *l, const char *key);
/* The value for key without touching recency (borrowed), or NULL. */
void *ck_lru_peek(const struct ck_lru *l, const char *key);
/* Sets key to value (taken), freeing a value it replaces; evicts when full. */
void ck_lru_add(struct ck_lru *l, const char *key, void *value);
/* Removes key (freeing its value); no-op when absent. */
void ck_lru_remove(struct ck_lru *l, const char *key);
size_t ck_lru_len(const struct ck_lru *l);

#endif
