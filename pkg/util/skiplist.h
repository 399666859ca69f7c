/*
 * ck_skiplist: string keys to pointers, kept in key order, for ordered
 * iteration and prefix scans (the hash map has neither). A skip list (Pugh,
 * 1990) with p = 1/4: get, put and remove take O(log n) expected time, and
 * walking the list in key order follows one link per entry.
 *
 * Invariants:
 *  - Keys are NUL-terminated strings ordered bytewise (as strcmp, which
 *    compares unsigned bytes: the order of etcd keys and Go strings).
 *  - Keys are copied into the nodes; values are borrowed: the list never
 *    frees them, except through the free_value hook at release.
 *  - Not locked: the owner's lock guards it (say which in the owner's
 *    struct). Nodes stay valid until their key is removed or the list
 *    released; do not put or remove while walking.
 */
#ifndef CK_UTIL_SKIPLIST_H
#define CK_UTIL_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>

/* 4^16 entries before the top level fills: far beyond any list we keep. */
#define CK_SKIPLIST_MAX_LEVEL 16

struct ck_skiplist_node {
	void *value;
	const char *key; /* the node's own copy */
	unsigned level;	 /* links in next[] */
	struct ck_skiplist_node *next[];
};

struct ck_skiplist {
	struct ck_skiplist_node *head; /* sentinel with CK_SKIPLIST_MAX_LEVEL links */
	unsigned level;		       /* links of head in use */
	size_t count;
	uint64_t rng;
	void (*free_value)(void *);
};

void ck_skiplist_init(struct ck_skiplist *l, void (*free_value)(void *));
/* Frees every node (and value, through free_value). NULL-safe; the list may
 * be initialised again after. */
void ck_skiplist_release(struct ck_skiplist *l);

/* The value for key (borrowed), NULL when absent. */
void *ck_skiplist_get(const struct ck_skiplist *l, const char *key);
/*
 * Sets key to value. Returns the value it replaced (the caller owns it then;
 * free_value is not called) or NULL.
 */
void *ck_skiplist_put(struct ck_skiplist *l, const char *key, void *value);
/* Removes key and returns its value (the caller owns it), or NULL. */
void *ck_skiplist_remove(struct ck_skiplist *l, const char *key);

static inline size_t ck_skiplist_count(const struct ck_skiplist *l)
{
	return l->count;
}

/*
 * Walking in key order: for (n = ck_skiplist_first(l); n; n = ck_skiplist_next(n)).
 * ck_skiplist_seek gives the first node whose key is >= key (NULL past the
 * end): the start of a prefix scan.
 */
struct ck_skiplist_node *ck_skiplist_first(const struct ck_skiplist *l);
struct ck_skiplist_node *ck_skiplist_seek(const struct ck_skiplist *l, const char *key);
static inline struct ck_skiplist_node *ck_skiplist_next(const struct ck_skiplist_node *n)
{
	return n->next[0];
}

#endif
