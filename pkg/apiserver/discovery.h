/*
 * Discovery documents, all derived from the resource table (pkg/registry):
 * legacy (/api → APIVersions, /apis → APIGroupList, /apis/<g> → APIGroup,
 * /api/v1 and /apis/<g>/<v> → APIResourceList) and aggregated
 * (apidiscovery.k8s.io v2 and v2beta1 APIGroupDiscoveryList for /api and
 * /apis). The table is static, so each document is built once and kept as
 * JSON text with an ETag.
 */
#ifndef CK_APISERVER_DISCOVERY_H
#define CK_APISERVER_DISCOVERY_H

#include <stddef.h>

#include "apiserver/negotiate.h"

struct ck_discovery;

/*
 * Builds every document. server_address is what /api advertises in
 * serverAddressByClientCIDRs ("<ip>:<port>"). The caller owns the result.
 */
struct ck_discovery *ck_discovery_new(const char *server_address);
void ck_discovery_free(struct ck_discovery *d);

/*
 * The document for a non-resource path, in the representation chosen
 * (aggregated only for /api and /apis). Returns 0 and sets *ret_json
 * (borrowed, NUL-terminated, valid while d lives) and *ret_etag (borrowed,
 * quoted), -ENOENT when the path is not a discovery path, -ENOTSUP when the
 * representation cannot be served there.
 */
int ck_discovery_lookup(const struct ck_discovery *d, const char *path, enum ck_media media,
			const char **ret_json, const char **ret_etag);

/* The representations a discovery path can be served in (bits of ck_media). */
unsigned ck_discovery_media(const char *path);

#endif
