/*
 * pkg/util: logging, buffers, strings, time, UUIDs, signals, a hash map and
 * a queue. Nothing Kubernetes-specific lives here. Each header documents its
 * own invariants; this one includes them all.
 */
#ifndef CK_UTIL_UTIL_H
#define CK_UTIL_UTIL_H

#include "util/buf.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/queue.h"
#include "util/signal.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

#endif
