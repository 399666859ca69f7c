/*
 * A skip list with p = 1/4. Each node draws its level once, from a
 * per-list xorshift generator (the keys cannot steer it), and is linked
 * into that many levels; searches start at the top level of the head and
 * drop a level whenever the next key would be past the one sought.
 */
#include "util/skiplist.h"

#include <string.h>
#include <time.h>

#include "util/common.h"

static struct ck_skiplist_node *node_new(const char *key, unsigned level, void *value)
{
	size_t key_len = key ? strlen(key) : 0;
	size_t links = sizeof(struct ck_skiplist_node *) * level;
	struct ck_skiplist_node *n = ck_malloc(sizeof(*n) + links + key_len + 1);
	char *copy = (char *)n + sizeof(*n) + links;

	if (key_len)
		memcpy(copy, key, key_len);
	copy[key_len] = '\0';
	n->value = value;
	n->key = copy;
	n->level = level;
	memset(n->next, 0, links);
	return n;
}

void ck_skiplist_init(struct ck_skiplist *l, void (*free_value)(void *))
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	l->head = node_new(NULL, CK_SKIPLIST_MAX_LEVEL, NULL);
	l->level = 1;
	l->count = 0;
	l->rng = ((uint64_t)(uintptr_t)l * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)ts.tv_nsec ^
		 ((uint64_t)ts.tv_sec << 32);
	if (l->rng == 0)
		l->rng = 0x2545f4914f6cdd1dULL;
	l->free_value = free_value;
}

void ck_skiplist_release(struct ck_skiplist *l)
{
	struct ck_skiplist_node *n, *next;

	if (!l || !l->head)
		return;
	for (n = l->head->next[0]; n; n = next) {
		next = n->next[0];
		if (l->free_value)
			l->free_value(n->value);
		free(n);
	}
	free(l->head);
	l->head = NULL;
	l->level = 1;
	l->count = 0;
}

/* A level in [1, CK_SKIPLIST_MAX_LEVEL], each further level with chance 1/4. */
static unsigned random_level(struct ck_skiplist *l)
{
	uint64_t x = l->rng;
	unsigned level = 1;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	l->rng = x;
	x *= 0x2545f4914f6cdd1dULL;
	x >>= 32; /* the high bits are the good ones */
	while (level < CK_SKIPLIST_MAX_LEVEL && (x & 3) == 0) {
		level++;
		x >>= 2;
	}
	return level;
}

/*
 * Fills update[i] with the last node at level i whose key is < key, and
 * returns the node after update[0] (the first >= key, or NULL).
 */
static struct ck_skiplist_node *find(const struct ck_skiplist *l, const char *key,
				     struct ck_skiplist_node **update)
{
	struct ck_skiplist_node *x = l->head;

	for (unsigned i = l->level; i-- > 0;) {
		while (x->next[i] && strcmp(x->next[i]->key, key) < 0)
			x = x->next[i];
		if (update)
			update[i] = x;
	}
	return x->next[0];
}

void *ck_skiplist_get(const struct ck_skiplist *l, const char *key)
{
	struct ck_skiplist_node *n = find(l, key, NULL);
	return n && strcmp(n->key, key) == 0 ? n->value : NULL;
}

void *ck_skiplist_put(struct ck_skiplist *l, const char *key, void *value)
{
	struct ck_skiplist_node *update[CK_SKIPLIST_MAX_LEVEL];
	struct ck_skiplist_node *n = find(l, key, update);
	unsigned level;

	if (n && strcmp(n->key, key) == 0) {
		void *old = n->value;
		n->value = value;
		return old;
	}
	level = random_level(l);
	if (level > l->level) {
		for (unsigned i = l->level; i < level; i++)
			update[i] = l->head;
		l->level = level;
	}
	n = node_new(key, level, value);
	for (unsigned i = 0; i < level; i++) {
		n->next[i] = update[i]->next[i];
		update[i]->next[i] = n;
	}
	l->count++;
	return NULL;
}

void *ck_skiplist_remove(struct ck_skiplist *l, const char *key)
{
	struct ck_skiplist_node *update[CK_SKIPLIST_MAX_LEVEL];
	struct ck_skiplist_node *n = find(l, key, update);
	void *value;

	if (!n || strcmp(n->key, key) != 0)
		return NULL;
	for (unsigned i = 0; i < n->level; i++)
		update[i]->next[i] = n->next[i];
	while (l->level > 1 && !l->head->next[l->level - 1])
		l->level--;
	value = n->value;
	free(n);
	l->count--;
	return value;
}

struct ck_skiplist_node *ck_skiplist_first(const struct ck_skiplist *l)
{
	return l->head->next[0];
}

struct ck_skiplist_node *ck_skiplist_seek(const struct ck_skiplist *l, const char *key)
{
	return find(l, key, NULL);
}
