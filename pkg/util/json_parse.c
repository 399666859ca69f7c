/* A JSON tokener per thread (see json_parse.h). */
#include "util/json_parse.h"

#include <pthread.h>
#include <stdbool.h>

#include "util/common.h"
#include "util/limits.h"

static pthread_key_t tokener_key;
static pthread_once_t tokener_once = PTHREAD_ONCE_INIT;
/* The thread's tokener (also the key's value, so that it is freed at exit) and whether
 * it is handed out. */
static __thread json_tokener *thread_tokener;
static __thread bool thread_tokener_busy;

static void free_tokener(void *tok)
{
	json_tokener_free(tok);
}

static void make_key(void)
{
	CK_BUG_ON(pthread_key_create(&tokener_key, free_tokener) != 0);
}

static json_tokener *new_tokener(void)
{
	json_tokener *tok = json_tokener_new_ex(CK_MAX_JSON_DEPTH);
	CK_BUG_ON(!tok); /* out of memory */
	return tok;
}

json_tokener *ck_json_tokener_get(int flags)
{
	json_tokener *tok;
	if (thread_tokener_busy) {
		tok = new_tokener();
	} else {
		if (!thread_tokener) {
			pthread_once(&tokener_once, make_key);
			thread_tokener = new_tokener();
			pthread_setspecific(tokener_key, thread_tokener);
		}
		tok = thread_tokener;
		thread_tokener_busy = true;
		json_tokener_reset(tok);
	}
	json_tokener_set_flags(tok, flags);
	return tok;
}

void ck_json_tokener_put(json_tokener *tok)
{
	if (!tok)
		return;
	if (tok == thread_tokener) {
		json_tokener_reset(tok); /* what a failed parse left on its stack */
		thread_tokener_busy = false;
	} else {
		json_tokener_free(tok);
	}
}

/* A table for n entries at json-c's own load factor (about 2/3); at least one
 * slot stays empty, so that probing for an absent key ends. */
static int fitting_table_size(int n)
{
	return n + n / 2 + 1;
}

void ck_json_compact(json_object *obj)
{
	if (json_object_is_type(obj, json_type_object)) {
		json_object_object_foreach (obj, key, value) {
			(void)key;
			ck_json_compact(value);
		}
		struct lh_table *t = json_object_get_object(obj);
		int size = fitting_table_size(t->count);
		/* json-c's own rehash (exported, though marked private): the
		 * entries and their order move to a table of that size. */
		if (size < t->size)
			lh_table_resize(t, size);
	} else if (json_object_is_type(obj, json_type_array)) {
		size_t n = json_object_array_length(obj);
		for (size_t i = 0; i < n; i++)
			ck_json_compact(json_object_array_get_idx(obj, i));
		json_object_array_shrink(obj, n ? 0 : 1);
	}
}
