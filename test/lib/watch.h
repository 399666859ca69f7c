/*
 * Watches for integration tests: a watch request run on its own thread
 * until the server ends it (timeoutSeconds), then its events read back
 * from the body in the framing the answer's Content-Type says: JSON lines
 * (application/json) or length-prefixed protobuf frames
 * (application/vnd.kubernetes.protobuf;stream=watch, decoded with the
 * project's protobuf codec).
 */
#ifndef CK_TEST_WATCH_H
#define CK_TEST_WATCH_H

#include <json-c/json.h>
#include <pthread.h>

#include "http.h"

struct ck_test_watch {
	char url[1024];
	char accept[256]; /* "" sends none */
	struct ck_test_response r;
	pthread_t thread;
};

/*
 * Starts GET base + path (a watch with its query; it should end by
 * timeoutSeconds) with accept (NULL: none), then waits 300 ms so that the
 * watch registers before the changes the test makes.
 */
void ck_test_watch_start(struct ck_test_watch *w, const char *base, const char *path,
			 const char *accept);

/*
 * Waits for the watch to end and fails the test unless it answered 200 in
 * a framing it can read, every frame whole. Returns the events as a JSON
 * array (owned) of {"type":…,"object":…}; the response stays in w->r until
 * ck_test_watch_release.
 */
json_object *ck_test_watch_events(struct ck_test_watch *w);

void ck_test_watch_release(struct ck_test_watch *w);

#endif
