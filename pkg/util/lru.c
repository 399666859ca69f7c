#include "util/lru.h"

#include "util/common.h"
#include "util/hashmap.h"

struct lru_entry {
	struct lru_entry *prev, *next; /* prev: more recent */
	char *key;
	void *value;
};

struct ck_lru {
	struct ck_hashmap map;	       /* key -> struct lru_entry */
	struct lru_entry *head, *tail; /* head: most recent */
	size_t capacity;
	void (*free_value)(void *);
};

struct ck_lru *ck_lru_new(size_t capacity, void (*free_value)(void *))
{
	CK_BUG_ON(capacity == 0);
	struct ck_lru *l = ck_calloc(1, sizeof(*l));
	ck_hashmap_init(&l->map, NULL);
	l->capacity = capacity;
	l->free_value = free_value;
	return l;
}

static void unlink_entry(struct ck_lru *l, struct lru_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(struct ck_lru *l, struct lru_entry *e)
{
	e->prev = NULL;
	e->next = l->head;
	if (l->head)
		l->head->prev = e;
	l->head = e;
	if (!l->tail)
		l->tail = e;
}

static void entry_free(struct ck_lru *l, struct lru_entry *e)
{
	if (l->free_value && e->value)
		l->free_value(e->value);
	free(e->key);
	free(e);
}

void ck_lru_free(struct ck_lru *l)
{
	if (!l)
		return;
	struct lru_entry *e = l->head;
	while (e) {
		struct lru_entry *next = e->next;
		entry_free(l, e);
		e = next;
	}
	ck_hashmap_release(&l->map);
	free(l);
}

void *ck_lru_get(struct ck_lru *l, const char *key)
{
	struct lru_entry *e = ck_hashmap_get(&l->map, key);
	if (!e)
		return NULL;
	unlink_entry(l, e);
	push_front(l, e);
	return e->value;
}

void *ck_lru_peek(const struct ck_lru *l, const char *key)
{
	struct lru_entry *e = ck_hashmap_get(&l->map, key);
	return e ? e->value : NULL;
}

void ck_lru_add(struct ck_lru *l, const char *key, void *value)
{
	struct lru_entry *e = ck_hashmap_get(&l->map, key);
	if (e) {
		if (e->value != value && l->free_value && e->value)
			l->free_value(e->value);
		e->value = value;
		unlink_entry(l, e);
		push_front(l, e);
		return;
	}
	e = ck_calloc(1, sizeof(*e));
	e->key = ck_strdup(key);
	e->value = value;
	ck_hashmap_put(&l->map, key, e);
	push_front(l, e);
	if (ck_hashmap_count(&l->map) > l->capacity) {
		struct lru_entry *old = l->tail;
		unlink_entry(l, old);
		ck_hashmap_remove(&l->map, old->key);
		entry_free(l, old);
	}
}

void ck_lru_remove(struct ck_lru *l, const char *key)
{
	struct lru_entry *e = ck_hashmap_remove(&l->map, key);
	if (!e)
		return;
	unlink_entry(l, e);
	entry_free(l, e);
}

size_t ck_lru_len(const struct ck_lru *l)
{
	return ck_hashmap_count(&l->map);
}
