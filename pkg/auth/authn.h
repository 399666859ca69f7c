/*
 * Request authentication, as upstream's kube-apiserver assembles it
 * (pkg/kubeapiserver/authenticator): a union, in this order, of
 *   1. x509 client certificates verified against --client-ca-file
 *      (user = subject CN, groups = subject O values; no CN: not handled);
 *   2. bearer tokens ("Authorization: Bearer <token>"), when any token
 *      authenticator is configured: --token-auth-file, then
 *      service-account tokens (legacy and bound, serviceaccount.h);
 * the first that authenticates wins; everyone it names is added to
 * system:authenticated. When none does: if one of them failed (an
 * unverifiable certificate, a bearer token nobody accepts), the request is
 * unauthorized (401) even with anonymous access on, as upstream's
 * FailOnError union; else, with --anonymous-auth, the user is
 * system:anonymous in system:unauthenticated; else unauthorized.
 *
 * A struct ck_authn is shared by every request thread: immutable once made
 * but for a small internal cache of client certificates' users (locked).
 */
#ifndef CK_AUTH_AUTHN_H
#define CK_AUTH_AUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/serviceaccount.h"

struct ck_user_info;
struct ck_jwt_signer;

struct ck_authn_config {
	const char *client_ca_file;	  /* --client-ca-file: enables x509 */
	const char *token_auth_file;	  /* --token-auth-file */
	const char *const *sa_key_files;  /* --service-account-key-file, NULL-terminated */
	const char *sa_signing_key_file;  /* --service-account-signing-key-file */
	const char *const *sa_issuers;	  /* --service-account-issuer, NULL-terminated */
	const char *const *api_audiences; /* --api-audiences; NULL: the issuers */
	bool sa_lookup;			  /* --service-account-lookup (true) */
	bool anonymous;			  /* --anonymous-auth (true) */
	ck_sa_getter_fn get;		  /* objects for the token validators */
	void *get_ctx;
};

struct ck_authn;

/*
 * Loads the files and builds the chain. The service-account keys are
 * those of sa_key_files, or, when none are given, the public half of the
 * signing key. On error returns a negative errno with a message in
 * *ret_err (owned).
 */
int ck_authn_new(const struct ck_authn_config *cfg, struct ck_authn **ret, char **ret_err);
void ck_authn_free(struct ck_authn *a);

/* What a request presents. */
struct ck_authn_request {
	/* The TLS client certificate: 0 presented and verified against the
	 * client CA, -ENOENT none, another negative errno presented but not
	 * verified. */
	int peer_cert_status;
	const unsigned char *peer_cert_der;
	size_t peer_cert_len;
	const char *authorization; /* the Authorization header, or NULL */
	int64_t now;		   /* seconds since the epoch */
};

/*
 * 0 with *ret_user filled (release it), or -EACCES (answer 401) with the
 * reason for the log in *ret_err (owned; may be NULL).
 */
int ck_authn_authenticate(struct ck_authn *a, const struct ck_authn_request *req,
			  struct ck_user_info *ret_user, char **ret_err);

/*
 * A bearer token alone, as the TokenReview API asks (the token
 * authenticators and the system:authenticated group, no anonymous): 0 with
 * *ret_user filled, -EACCES with the reason in *ret_err (owned; NULL when
 * no authenticator knew the token).
 */
int ck_authn_authenticate_token(const struct ck_authn *a, const char *token, int64_t now,
				struct ck_user_info *ret_user, char **ret_err);

/* The TokenRequest signer and its issuer, or NULL when not configured. */
const struct ck_jwt_signer *ck_authn_signer(const struct ck_authn *a);
const char *ck_authn_issuer(const struct ck_authn *a);
/* The API audiences (NULL-terminated; never NULL). */
const char *const *ck_authn_api_audiences(const struct ck_authn *a);
/* Whether x509 client certificates are in use (a client CA is set). */
bool ck_authn_uses_client_certs(const struct ck_authn *a);

/*
 * The user of a verified client certificate (DER): 0 with *ret_user
 * filled; -ENOENT when it has no CN; -EINVAL when it does not parse or may
 * not authenticate clients (extended key usage without clientAuth).
 */
int ck_authn_x509_user(const unsigned char *der, size_t len, struct ck_user_info *ret_user);

/*
 * The token of an Authorization header as upstream's bearer authenticator
 * reads it (trimmed, "Bearer" in any case, the token the second
 * space-separated part), borrowed into *ret_token / *ret_len; -ENOENT when
 * the header is not a bearer token.
 */
int ck_authn_bearer_token(const char *header, const char **ret_token, size_t *ret_len);

#endif
