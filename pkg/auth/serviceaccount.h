/*
 * Service-account tokens (upstream's pkg/serviceaccount): issuing bound
 * tokens for the TokenRequest API, and authenticating both kinds a client
 * may present:
 *  - bound tokens, iss one of --service-account-issuer, with the claims
 *      "sub": "system:serviceaccount:<ns>:<name>", "aud": [...], "exp",
 *      "iat", "nbf", "jti", "kubernetes.io": {"namespace": ns,
 *      "serviceaccount": {"name", "uid"}, "secret"?: {"name", "uid"},
 *      "pod"?: {"name", "uid"}};
 *  - legacy secret tokens, iss "kubernetes/serviceaccount", with the
 *      claims "kubernetes.io/serviceaccount/namespace", "…/secret.name",
 *      "…/service-account.name", "…/service-account.uid".
 *
 * Authentication follows upstream's jwtTokenAuthenticator: a token whose
 * (unverified) issuer is not one of ours is not ours to judge; otherwise
 * the signature must verify with one of the keys, the audiences must meet
 * the API audiences (a token without audiences has the API audiences), the
 * times must hold within upstream's one-minute leeway, and the service
 * account (and the bound secret, and for legacy tokens the token secret)
 * must still exist with the UID the token names.
 */
#ifndef CK_AUTH_SERVICEACCOUNT_H
#define CK_AUTH_SERVICEACCOUNT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct ck_jwt_signer;
struct ck_jwt_keys;
struct ck_user_info;

#define CK_SA_LEGACY_ISSUER "kubernetes/serviceaccount"
/* TokenRequest's limits (upstream's ValidateTokenRequest). */
#define CK_SA_TOKEN_MIN_SECONDS (10 * 60)
#define CK_SA_TOKEN_MAX_SECONDS (1LL << 32)
/* Extra keys on a service account's user. */
#define CK_SA_EXTRA_POD_NAME "authentication.kubernetes.io/pod-name"
#define CK_SA_EXTRA_POD_UID "authentication.kubernetes.io/pod-uid"
#define CK_SA_EXTRA_CREDENTIAL_ID "authentication.kubernetes.io/credential-id"

/* What a bound token is for. */
struct ck_sa_token_spec {
	const char *namespace; /* the service account's */
	const char *name;
	const char *uid;
	const char *const *audiences; /* NULL-terminated; must not be empty */
	int64_t expiration_seconds;
	int64_t now; /* seconds since the epoch */
	/* The object the token is bound to: "Secret" or "Pod"; NULL for none. */
	const char *bound_kind;
	const char *bound_name;
	const char *bound_uid;
};

/*
 * The claims of a bound token (new object, owned by the caller), with a
 * new random jti.
 */
json_object *ck_sa_token_claims(const char *issuer, const struct ck_sa_token_spec *spec);

/* Signs a bound token. *ret_token is owned by the caller. 0 or -EIO. */
int ck_sa_token_issue(const struct ck_jwt_signer *signer, const char *issuer,
		      const struct ck_sa_token_spec *spec, char **ret_token);

/*
 * Reads an object for the validators: resource is "serviceaccounts",
 * "secrets" or "pods". Returns 0 with an owned object, -ENOENT when it does
 * not exist, another negative errno when it cannot tell.
 */
typedef int (*ck_sa_getter_fn)(void *ctx, const char *resource, const char *ns, const char *name,
			       json_object **ret_obj);

struct ck_sa_authenticator {
	const char *const *issuers;	  /* NULL-terminated; may be NULL (no bound tokens) */
	const char *const *api_audiences; /* NULL-terminated; NULL: issuers */
	const struct ck_jwt_keys *keys;	  /* borrowed */
	bool legacy;			  /* accept legacy secret tokens too */
	bool lookup;			  /* check the objects (upstream's default) */
	ck_sa_getter_fn get;		  /* required when lookup */
	void *get_ctx;
};

/*
 * Authenticates a token at now (seconds). 0 with *ret_user filled (release
 * it); -ENOENT when the token is not a service-account token of ours (not
 * three parts, not JSON, an issuer we do not serve); -EACCES when it is
 * ours but rejected, with the reason in *ret_err (owned; may be NULL).
 */
int ck_sa_authenticate(const struct ck_sa_authenticator *a, const char *token, int64_t now,
		       struct ck_user_info *ret_user, char **ret_err);

#endif
