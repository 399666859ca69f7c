/*
 * JSON Web Tokens in JWS compact serialization (RFC 7515, 7519), as the
 * service-account tokens use them (upstream through go-jose): parsing,
 * signature verification against a set of public keys, and signing.
 *
 * Algorithms: RS256 (RSA keys) and ES256 (ECDSA P-256 keys), the ones
 * upstream picks for the key types ckube makes. Everything else, "none"
 * included, is rejected.
 *
 * Invariants:
 *  - ck_jwt_parse only decodes: nothing in a parsed token is trusted until
 *    ck_jwt_verify said so.
 *  - The three parts are unpadded URL-safe base64 (trailing '=' are
 *    tolerated, as go-jose trims them); the header and the payload must
 *    be JSON objects; the header must name an algorithm and may not ask
 *    for critical extensions.
 *  - Key sets own their keys; they are immutable once loaded and may be
 *    shared between threads.
 */
#ifndef CK_AUTH_JWT_H
#define CK_AUTH_JWT_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token accepted (upstream has no limit but the header size). */
#define CK_JWT_MAX_LEN (64 * 1024)

enum ck_jwt_alg {
	CK_JWT_RS256,
	CK_JWT_ES256,
};

struct ck_jwt {
	enum ck_jwt_alg alg;
	json_object *header; /* owned */
	json_object *claims; /* owned: the payload */
	char *signing_input; /* "<header>.<payload>" as received; owned */
	unsigned char *sig;  /* owned */
	size_t sig_len;
};

/*
 * Parses a compact JWS. On success *ret is filled (release with
 * ck_jwt_release). On failure returns -EINVAL and, when ret_err is not
 * NULL, a message the caller owns.
 */
int ck_jwt_parse(const char *token, size_t len, struct ck_jwt *ret, char **ret_err);
void ck_jwt_release(struct ck_jwt *jwt);

struct ck_jwt_keys;

/*
 * Reads public keys from PEM text: "PUBLIC KEY", "RSA PUBLIC KEY" and
 * "CERTIFICATE" blocks, or, when there are none, the public halves of
 * private keys ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"), as
 * upstream's keyutil.PublicKeysFromFile. Keys are added to *keys (created
 * when *keys is NULL). 0, or -EINVAL when the text holds no usable key.
 */
int ck_jwt_keys_add_pem(struct ck_jwt_keys **keys, const char *pem);
size_t ck_jwt_keys_count(const struct ck_jwt_keys *keys);
void ck_jwt_keys_free(struct ck_jwt_keys *keys);

/*
 * Verifies the signature with each key in turn. 0 when one verifies; else
 * -EKEYREJECTED (no key verifies: wrong key, tampered token) or -EINVAL
 * (the algorithm does not fit any key).
 */
int ck_jwt_verify(const struct ck_jwt *jwt, const struct ck_jwt_keys *keys);

struct ck_jwt_signer;

/*
 * A signer from a private key PEM: RS256 for RSA keys, ES256 for P-256.
 * Its key id is upstream's: the unpadded URL-safe base64 of the SHA-256 of
 * the public key's DER (SubjectPublicKeyInfo). -EINVAL for other keys.
 */
int ck_jwt_signer_new(const char *key_pem, struct ck_jwt_signer **ret);
void ck_jwt_signer_free(struct ck_jwt_signer *s);
/* The signer's public key as a one-key set (owned by the signer). */
const struct ck_jwt_keys *ck_jwt_signer_public_keys(const struct ck_jwt_signer *s);

/*
 * Signs claims (borrowed; printed as compact JSON) into a compact JWS with
 * header {"alg":…,"kid":…}. *ret_token is owned by the caller. Thread-safe.
 */
int ck_jwt_sign(const struct ck_jwt_signer *s, json_object *claims, char **ret_token);

/*
 * Claim helpers on a parsed payload: a string claim (borrowed, NULL when
 * absent or not a string); a NumericDate claim in seconds (-ENOENT when
 * absent, -EINVAL when not a number); the "aud" claim, a string or an array
 * of strings, into a NULL-terminated vector the caller frees with
 * ck_strv_free (-EINVAL when malformed; an absent claim gives an empty
 * vector).
 */
const char *ck_jwt_claim_str(json_object *claims, const char *name);
int ck_jwt_claim_time(json_object *claims, const char *name, int64_t *ret_seconds);
int ck_jwt_claim_audiences(json_object *claims, char ***ret_auds);

#endif
