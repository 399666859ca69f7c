/*
 * Impersonation (upstream's WithImpersonation filter): a requestor asks to
 * act as another user with the Impersonate-User, Impersonate-Group,
 * Impersonate-Uid and Impersonate-Extra-<key> headers; each thing asked for
 * needs the "impersonate" verb on users, groups, serviceaccounts (for
 * "system:serviceaccount:<ns>:<name>" users), uids or userextras/<key>.
 *
 * The new user is the one named, with the groups given (for a service
 * account without groups: its fixed groups), the extras and uid given, and
 * system:authenticated added unless system:authenticated or
 * system:unauthenticated is among the groups (system:unauthenticated for
 * system:anonymous).
 */
#ifndef CK_AUTH_IMPERSONATE_H
#define CK_AUTH_IMPERSONATE_H

#include <stddef.h>

#include "auth/authz.h"

struct ck_user_info;
struct ck_buf;

struct ck_impersonate_extra {
	const char *key; /* already lowercased and unescaped */
	const char *value;
};

/* The headers of a request (all borrowed; NULL/0 when absent). */
struct ck_impersonate_headers {
	const char *user;
	const char *const *groups; /* NULL-terminated */
	const char *uid;
	const struct ck_impersonate_extra *extras;
	size_t nextras;
};

/* Asks an authorizer; returns the decision and an owned reason (may be NULL). */
typedef enum ck_authz_decision (*ck_impersonate_authorize_fn)(void *ctx,
							      const struct ck_authz_attrs *at,
							      char **ret_reason);

enum ck_impersonate_result {
	CK_IMPERSONATE_NONE,	  /* no impersonation headers: keep the user */
	CK_IMPERSONATE_OK,	  /* *ret_user is the new user */
	CK_IMPERSONATE_FORBIDDEN, /* 403: ret_denied says what and why */
	CK_IMPERSONATE_INVALID,	  /* 500: ret_denied->reason is upstream's message */
};

/* What was refused: attrs point into the owned strings here. */
struct ck_impersonate_denied {
	struct ck_authz_attrs attrs;
	char *namespace, *name, *subresource;
	char *reason; /* the authorizer's reason, or the INVALID message; may be NULL */
};
void ck_impersonate_denied_release(struct ck_impersonate_denied *d);

/*
 * Decides. On CK_IMPERSONATE_OK *ret_user is filled (release it). On
 * FORBIDDEN and INVALID *ret_denied is filled (release it); attrs.user is
 * requestor.
 */
enum ck_impersonate_result ck_impersonate(const struct ck_impersonate_headers *hdr,
					  const struct ck_user_info *requestor,
					  ck_impersonate_authorize_fn authorize, void *ctx,
					  struct ck_user_info *ret_user,
					  struct ck_impersonate_denied *ret_denied);

#endif
