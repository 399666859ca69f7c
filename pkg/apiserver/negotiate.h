/*
 * Content negotiation: which representation an Accept header asks for,
 * among those the API server can produce (upstream's
 * negotiation.NegotiateOutputMediaType with the "as" transformations).
 * Media ranges are tried in order of q (then as listed); the first one the
 * server can produce wins. An absent or empty Accept means JSON.
 */
#ifndef CK_APISERVER_NEGOTIATE_H
#define CK_APISERVER_NEGOTIATE_H

#include <stdbool.h>

enum ck_media {
	CK_MEDIA_JSON,
	CK_MEDIA_YAML,
	CK_MEDIA_TABLE,		    /* as=Table;g=meta.k8s.io;v=v1|v1beta1 */
	CK_MEDIA_DISCOVERY_V2,	    /* as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2 */
	CK_MEDIA_DISCOVERY_V2BETA1, /* … v=v2beta1 */
	CK_MEDIA_PROTOBUF,	    /* application/vnd.kubernetes.protobuf */
};

/* What a caller can serve, as a bit set of (1 << enum ck_media). */
#define CK_MEDIA_BIT(m) (1u << (m))

struct ck_media_choice {
	enum ck_media media;
	/* For tables: the meta.k8s.io version asked for ("v1" or "v1beta1"). */
	const char *table_version;
};

/*
 * Picks from accept (may be NULL) among the representations in allowed.
 * Returns 0 and fills *ret, or -ENOTSUP when nothing acceptable can be
 * produced (the server answers 406 NotAcceptable).
 */
int ck_negotiate(const char *accept, unsigned allowed, struct ck_media_choice *ret);

/* The Content-Type to answer with for a choice. Static. */
const char *ck_media_content_type(const struct ck_media_choice *c);

#endif
