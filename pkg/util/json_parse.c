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
