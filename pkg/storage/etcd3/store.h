/*
 * The etcd implementation of the storage interface (storage/storage.h),
 * upstream's storage/etcd3 store: objects are stored as their JSON text at
 * path_prefix + key, creates and updates are transactions comparing the
 * key's mod_revision, watches are etcd watches with prev_kv.
 *
 * Invariants:
 *  - The store borrows the client; many stores may share one client (as
 *    upstream shares one per storage backend) and the client must outlive
 *    them.
 *  - Stored values are exactly the object's JSON as json-c prints it
 *    (compact, no slash escaping), without metadata.resourceVersion and
 *    metadata.selfLink.
 */
#ifndef CK_STORAGE_ETCD3_STORE_H
#define CK_STORAGE_ETCD3_STORE_H

#include <stdint.h>

#include "storage/etcd3/etcd3.h"
#include "storage/storage.h"

struct ck_etcd_store_config {
	/* The client (borrowed; required). */
	struct ck_etcd *client;
	/*
	 * Upstream's --etcd-prefix: joined in front of every key. NULL or ""
	 * leaves keys as given (callers then use full keys such as
	 * "/registry/pods/default/nginx").
	 */
	const char *prefix;
	/* Lease reuse (lease_manager.h); 0: upstream's 60 s and 1000 keys. */
	int64_t lease_reuse_duration_seconds;
	int64_t lease_max_object_count;
};

/* Creates a store; the caller owns *ret (ck_storage_free). -EINVAL without a client. */
int ck_etcd_store_new(const struct ck_etcd_store_config *cfg, struct ck_storage **ret);

#endif
