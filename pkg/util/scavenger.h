/*
 * Gives freed heap memory back to the kernel, as Go's runtime scavenger does
 * for upstream's components.
 *
 * glibc keeps memory freed in the middle of its heaps resident until it is
 * allocated again: the OpenAPI documents the API server builds at start
 * (about 40 MiB of json-c objects, freed once serialised), a burst of TLS
 * handshakes, a large list answer. The process's RSS then says what it once
 * needed, not what it holds. malloc_trim() returns every whole free page
 * (madvise), which costs page faults if the memory is soon needed again, so
 * the scavenger does it only when the resident memory malloc does not count
 * as in use has grown, since the last trim, by CK_SCAVENGE_MIN_FREE bytes
 * and an eighth of what is in use; at most once per interval.
 */
#ifndef CK_UTIL_SCAVENGER_H
#define CK_UTIL_SCAVENGER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Trims now when enough is idle (see above); returns the idle bytes that
 * made it trim (0 when it did not). Thread-safe.
 */
size_t ck_scavenge(void);

/*
 * Starts a background thread that calls ck_scavenge() every interval_ms;
 * 0 or a negative errno. One per process; ck_scavenger_stop() ends it.
 */
int ck_scavenger_start(int64_t interval_ms);
/* Stops and joins the thread (no-op when not started). */
void ck_scavenger_stop(void);

#endif
