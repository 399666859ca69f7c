/*
 * A JSON tokener per thread for one-shot parses.
 *
 * json_tokener_new_ex(CK_MAX_JSON_DEPTH) callocs a parse stack of
 * CK_MAX_JSON_DEPTH levels (about 40 KiB), which costs more than parsing a
 * small object, and a request or a watch event is parsed several times on
 * its way. ck_json_tokener_get() hands out the calling thread's tokener
 * instead, reset, with CK_MAX_JSON_DEPTH and the flags asked for; it stays
 * the caller's until ck_json_tokener_put(). A thread that asks again before
 * putting the first one back (a nested parse) gets a tokener of its own,
 * which put frees. The thread's tokener is freed when the thread exits.
 *
 * Only for parses that start and end within the caller's scope: a streaming
 * parser that keeps its state between calls (the watch decoder) keeps its
 * own tokener.
 */
#ifndef CK_UTIL_JSON_PARSE_H
#define CK_UTIL_JSON_PARSE_H

#include <json-c/json.h>

/* A reset tokener with flags set (borrowed until ck_json_tokener_put); never NULL. */
json_tokener *ck_json_tokener_get(int flags);

/* Gives tok back (NULL-safe); the objects it parsed stay the caller's. */
void ck_json_tokener_put(json_tokener *tok);

/*
 * Shrinks obj's containers, all the way down, to what they hold, for
 * objects kept long (the watch cache's). json-c gives every JSON object a
 * hash table of 16 entries (about 750 bytes even for "{}") and every array
 * 32 slots; an object's managedFields are mostly small objects, so a
 * 370-byte ConfigMap took 8 KiB parsed. Members keep their order; obj may
 * still be changed afterwards (its tables grow again as needed).
 */
void ck_json_compact(json_object *obj);

#endif
