/*
 * pkg/client: what client-go is to upstream. Every component (scheduler,
 * controllers, kubelet, proxy, the CLI) talks to the API server through
 * it. Include this header for all of it, or the module headers:
 *
 *   config.h         kubeconfig loading and merging, in-cluster config
 *   rest.h           the REST client (libcurl + OpenSSL), errors as Status
 *   watch.h          the watch stream decoder and one watch call
 *   reflector.h      list then watch, relist on 410, backoff
 *   store.h          the thread-safe indexer
 *   informer.h       shared informers with event handlers, the factory
 *   workqueue.h      the rate-limited, deduplicating work queue
 *   ratelimit.h      token buckets, per-item backoff, exponential backoff
 *   leaderelection.h Lease-based leader election
 *   events.h         the event recorder with upstream's aggregation
 *   discovery.h      discovery with a cache, resource name resolution
 *
 * Conventions across the package:
 *  - Objects are json-c objects end to end. Anything a function returns
 *    says whether the caller owns it. Objects shared between threads (the
 *    stores', those lent to event handlers) are read only and never
 *    reference-counted by their readers: copy them to keep them.
 *  - Errors are negative errnos; REST errors also carry the server's Status
 *    (struct ck_client_error). Library code only logs at -v=4 and above.
 *  - Every blocking call takes a struct ck_cancel (util/cancel.h) or is
 *    stopped by its object's stop function; threads are joined on stop.
 *  - A typical controller:
 *
 *      ck_client_config_load(&rules, &overrides, NULL, &cfg, &ns, NULL, &err);
 *      ck_client_new(&cfg, &client, &err);
 *      f = ck_informer_factory_new(&(struct ck_informer_factory_options){
 *              .client = client, .default_resync_ms = 0 });
 *      pods = ck_informer_factory_get(f, "", "v1", "pods");
 *      ck_informer_add_handler(pods, &handler, NULL);   // enqueue keys
 *      q = ck_workqueue_new("pods", NULL);
 *      ck_informer_factory_start(f);
 *      ck_informer_factory_wait_for_cache_sync(f, stop, -1);
 *      workers: ck_workqueue_get → ck_store_get(ck_informer_store(pods), key)
 *               → reconcile → ck_workqueue_forget / add_rate_limited → done
 */
#ifndef CK_CLIENT_CLIENT_H
#define CK_CLIENT_CLIENT_H

#include "client/config.h"
#include "client/discovery.h"
#include "client/events.h"
#include "client/informer.h"
#include "client/leaderelection.h"
#include "client/ratelimit.h"
#include "client/reflector.h"
#include "client/rest.h"
#include "client/store.h"
#include "client/watch.h"
#include "client/workqueue.h"

#endif
