/*
 * JWTs from arbitrary bytes. Invariants:
 *  - parsing fails cleanly (an error message, nothing left allocated) or
 *    gives a JSON object header and payload and an algorithm we know;
 *  - a parsed token's claims, signed again with a key of ours, parse back
 *    to equal claims and verify with that key and no other;
 *  - the service-account authenticator, given the bytes as a token, never
 *    accepts them (no input can carry our signature) and always says why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "auth/pki.h"
#include "auth/serviceaccount.h"
#include "auth/user.h"
#include "util/str.h"

static struct ck_jwt_signer *signer;
static struct ck_jwt_keys *ours, *theirs;

static void init(void)
{
	if (signer)
		return;
	char *key = NULL, *other = NULL;
	if (ck_pki_new_key(CK_PKI_KEY_EC_P256, &key) < 0 ||
	    ck_pki_new_key(CK_PKI_KEY_EC_P256, &other) < 0 || ck_jwt_signer_new(key, &signer) < 0 ||
	    ck_jwt_keys_add_pem(&ours, key) < 0 || ck_jwt_keys_add_pem(&theirs, other) < 0)
		abort();
	free(key);
	free(other);
}

static int get(void *ctx, const char *resource, const char *ns, const char *name, json_object **ret)
{
	(void)ctx;
	(void)resource;
	(void)ns;
	(void)name;
	*ret = json_tokener_parse("{\"metadata\":{\"uid\":\"u\"}}");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size > 8192)
		return 0;
	struct ck_jwt jwt;
	char *err = NULL;
	int r = ck_jwt_parse((const char *)data, size, &jwt, &err);
	if (r < 0) {
		if (!err || jwt.header || jwt.claims || jwt.sig)
			abort();
		free(err);
	} else {
		if (err || !json_object_is_type(jwt.header, json_type_object) ||
		    !json_object_is_type(jwt.claims, json_type_object) ||
		    (jwt.alg != CK_JWT_RS256 && jwt.alg != CK_JWT_ES256))
			abort();
		/* Nothing forged verifies with a key the input never saw. */
		if (ck_jwt_verify(&jwt, theirs) == 0)
			abort();
		char *tok = NULL;
		if (ck_jwt_sign(signer, jwt.claims, &tok) < 0)
			abort();
		struct ck_jwt again;
		if (ck_jwt_parse(tok, strlen(tok), &again, NULL) < 0 ||
		    ck_jwt_verify(&again, ours) != 0 || ck_jwt_verify(&again, theirs) == 0)
			abort();
		/* Equal claims: the same text (NaN is not equal to itself). */
		char *c1 =
		    strdup(json_object_to_json_string_ext(jwt.claims, JSON_C_TO_STRING_PLAIN));
		if (strcmp(c1,
			   json_object_to_json_string_ext(again.claims, JSON_C_TO_STRING_PLAIN)))
			abort();
		free(c1);
		char **auds = NULL;
		if (ck_jwt_claim_audiences(jwt.claims, &auds) == 0)
			ck_strv_free(auds);
		int64_t t;
		ck_jwt_claim_time(jwt.claims, "exp", &t);
		ck_jwt_release(&again);
		free(tok);
		ck_jwt_release(&jwt);
	}
	/* Through the authenticator, with every issuer the input might name. */
	char *token = strndup((const char *)data, size);
	static const char *const issuers[] = { "a", "https://kubernetes.default.svc", NULL };
	struct ck_sa_authenticator a = {
		.issuers = issuers,
		.keys = ours,
		.legacy = true,
		.lookup = true,
		.get = get,
	};
	struct ck_user_info u;
	char *why = NULL;
	r = ck_sa_authenticate(&a, token, 1700000000, &u, &why);
	if (r == 0)
		abort();
	if (r == -EACCES && !why)
		abort();
	free(why);
	free(token);
	return 0;
}
