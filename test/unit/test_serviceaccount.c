/* auth/serviceaccount: issuing and authenticating service-account tokens. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "auth/pki.h"
#include "auth/serviceaccount.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/str.h"

#define ISSUER "https://kubernetes.default.svc.cluster.local"
#define NOW 1700000000

static char *key_pem, *other_pem;
static struct ck_jwt_signer *signer, *other;
static struct ck_jwt_keys *keys;
/* The objects the fake getter knows. */
static json_object *objects;

static int get(void *ctx, const char *resource, const char *ns, const char *name, json_object **ret)
{
	(void)ctx;
	struct ck_buf key = CK_BUF_INIT;
	ck_buf_addf(&key, "%s/%s/%s", resource, ns, name);
	json_object *o = NULL;
	bool found = json_object_object_get_ex(objects, ck_buf_str(&key), &o);
	ck_buf_release(&key);
	if (!found)
		return -ENOENT;
	*ret = json_object_get(o);
	return 0;
}

static void setup(void)
{
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_RSA2048, &key_pem), 0);
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_EC_P256, &other_pem), 0);
	ck_assert_int_eq(ck_jwt_signer_new(key_pem, &signer), 0);
	ck_assert_int_eq(ck_jwt_signer_new(other_pem, &other), 0);
	ck_assert_int_eq(ck_jwt_keys_add_pem(&keys, key_pem), 0);
	objects = json_tokener_parse(
	    "{\"serviceaccounts/default/sa1\":{\"metadata\":{\"name\":\"sa1\",\"uid\":\"u1\"}},"
	    "\"secrets/default/s1\":{\"metadata\":{\"name\":\"s1\",\"uid\":\"su1\"}}}");
}

static void teardown(void)
{
	ck_jwt_signer_free(signer);
	ck_jwt_signer_free(other);
	ck_jwt_keys_free(keys);
	free(key_pem);
	free(other_pem);
	json_object_put(objects);
	keys = NULL;
}

static const char *const issuers[] = { ISSUER, NULL };

static struct ck_sa_authenticator authenticator(void)
{
	return (struct ck_sa_authenticator){
		.issuers = issuers,
		.keys = keys,
		.legacy = true,
		.lookup = true,
		.get = get,
	};
}

static char *issue(const struct ck_jwt_signer *s, const char *issuer, int64_t now,
		   const char *const *auds, const char *uid)
{
	static const char *const api[] = { ISSUER, NULL };
	struct ck_sa_token_spec spec = {
		.namespace = "default",
		.name = "sa1",
		.uid = uid,
		.audiences = auds ? auds : api,
		.expiration_seconds = 3600,
		.now = now,
	};
	char *tok = NULL;
	ck_assert_int_eq(ck_sa_token_issue(s, issuer, &spec, &tok), 0);
	return tok;
}

static int auth(const char *tok, int64_t now, struct ck_user_info *u, const char *want_err)
{
	struct ck_sa_authenticator a = authenticator();
	char *err = NULL;
	int r = ck_sa_authenticate(&a, tok, now, u, &err);
	if (want_err) {
		ck_assert_msg(err && strstr(err, want_err), "got '%s', want '%s'", err ? err : "",
			      want_err);
	}
	free(err);
	return r;
}

START_TEST(test_sa_bound_token)
{
	char *tok = issue(signer, ISSUER, NOW, NULL, "u1");
	struct ck_user_info u;
	ck_assert_int_eq(auth(tok, NOW + 10, &u, NULL), 0);
	ck_assert_str_eq(u.name, "system:serviceaccount:default:sa1");
	ck_assert_str_eq(u.uid, "u1");
	ck_assert_int_eq(ck_user_group_count(&u), 2);
	ck_assert_str_eq(u.groups[0], "system:serviceaccounts");
	ck_assert_str_eq(u.groups[1], "system:serviceaccounts:default");
	ck_assert_int_eq(u.nextra, 1);
	ck_assert_str_eq(u.extra[0].key, "authentication.kubernetes.io/credential-id");
	ck_assert(ck_str_has_prefix(u.extra[0].values[0], "JTI="));
	ck_user_release(&u);
	/* The claims say what upstream's do. */
	struct ck_jwt jwt;
	ck_assert_int_eq(ck_jwt_parse(tok, strlen(tok), &jwt, NULL), 0);
	ck_assert_str_eq(ck_jwt_claim_str(jwt.claims, "sub"), "system:serviceaccount:default:sa1");
	ck_assert_str_eq(ck_jwt_claim_str(jwt.claims, "iss"), ISSUER);
	json_object *k = NULL;
	ck_assert(json_object_object_get_ex(jwt.claims, "kubernetes.io", &k));
	ck_assert_str_eq(ck_jwt_claim_str(k, "namespace"), "default");
	int64_t exp, nbf;
	ck_jwt_claim_time(jwt.claims, "exp", &exp);
	ck_jwt_claim_time(jwt.claims, "nbf", &nbf);
	ck_assert_int_eq(exp - nbf, 3600);
	ck_jwt_release(&jwt);
	free(tok);
}
END_TEST

START_TEST(test_sa_times)
{
	char *tok = issue(signer, ISSUER, NOW, NULL, "u1");
	struct ck_user_info u;
	/* Within the one-minute leeway on either side. */
	ck_assert_int_eq(auth(tok, NOW + 3600 + 59, &u, NULL), 0);
	ck_user_release(&u);
	ck_assert_int_eq(auth(tok, NOW - 59, &u, NULL), 0);
	ck_user_release(&u);
	ck_assert_int_eq(auth(tok, NOW + 3600 + 61, &u, "service account token has expired"),
			 -EACCES);
	ck_assert_int_eq(auth(tok, NOW - 61, &u, "service account token is not valid yet"),
			 -EACCES);
	free(tok);
}
END_TEST

START_TEST(test_sa_rejected)
{
	struct ck_user_info u;
	/* Someone else's issuer: not ours to judge. */
	char *tok = issue(signer, "https://elsewhere", NOW, NULL, "u1");
	ck_assert_int_eq(auth(tok, NOW, &u, NULL), -ENOENT);
	free(tok);
	/* Signed with a key we do not trust. */
	tok = issue(other, ISSUER, NOW, NULL, "u1");
	ck_assert_int_eq(auth(tok, NOW, &u, "error in cryptographic primitive"), -EACCES);
	free(tok);
	/* Audiences that are not the API's. */
	static const char *const auds[] = { "vault", NULL };
	tok = issue(signer, ISSUER, NOW, auds, "u1");
	ck_assert_int_eq(auth(tok, NOW, &u,
			      "token audiences [\"vault\"] is invalid for the target audiences "
			      "[\"" ISSUER "\"]"),
			 -EACCES);
	free(tok);
	/* A service account that was deleted and recreated. */
	tok = issue(signer, ISSUER, NOW, NULL, "u0");
	ck_assert_int_eq(auth(tok, NOW, &u, "service account UID (u1) does not match claim (u0)"),
			 -EACCES);
	free(tok);
	/* Not a token at all. */
	ck_assert_int_eq(auth("not.a.token", NOW, &u, NULL), -ENOENT);
	ck_assert_int_eq(auth("abc", NOW, &u, NULL), -ENOENT);
	/* A deleted service account. */
	tok = issue(signer, ISSUER, NOW, NULL, "u1");
	json_object_object_del(objects, "serviceaccounts/default/sa1");
	ck_assert_int_eq(auth(tok, NOW, &u, "serviceaccounts \"sa1\" not found"), -EACCES);
	free(tok);
}
END_TEST

START_TEST(test_sa_secret_bound)
{
	static const char *const api[] = { ISSUER, NULL };
	struct ck_sa_token_spec spec = {
		.namespace = "default",
		.name = "sa1",
		.uid = "u1",
		.audiences = api,
		.expiration_seconds = 600,
		.now = NOW,
		.bound_kind = "Secret",
		.bound_name = "s1",
		.bound_uid = "su1",
	};
	char *tok = NULL;
	ck_assert_int_eq(ck_sa_token_issue(signer, ISSUER, &spec, &tok), 0);
	struct ck_user_info u;
	ck_assert_int_eq(auth(tok, NOW, &u, NULL), 0);
	ck_user_release(&u);
	json_object_object_del(objects, "secrets/default/s1");
	ck_assert_int_eq(auth(tok, NOW, &u, "secrets \"s1\" not found"), -EACCES);
	free(tok);
}
END_TEST

static char *legacy_token(const char *sub, const char *secret)
{
	json_object *c = json_object_new_object();
	json_object_object_add(c, "iss", json_object_new_string("kubernetes/serviceaccount"));
	json_object_object_add(c, "kubernetes.io/serviceaccount/namespace",
			       json_object_new_string("default"));
	json_object_object_add(c, "kubernetes.io/serviceaccount/secret.name",
			       json_object_new_string(secret));
	json_object_object_add(c, "kubernetes.io/serviceaccount/service-account.name",
			       json_object_new_string("sa1"));
	json_object_object_add(c, "kubernetes.io/serviceaccount/service-account.uid",
			       json_object_new_string("u1"));
	json_object_object_add(c, "sub", json_object_new_string(sub));
	char *tok = NULL;
	ck_assert_int_eq(ck_jwt_sign(signer, c, &tok), 0);
	json_object_put(c);
	return tok;
}

START_TEST(test_sa_legacy_token)
{
	char *tok = legacy_token("system:serviceaccount:default:sa1", "s1");
	struct ck_user_info u;
	/* The secret does not hold this token (yet). */
	ck_assert_int_eq(auth(tok, NOW, &u, "Token does not match server's copy"), -EACCES);
	json_object *secret = NULL;
	json_object_object_get_ex(objects, "secrets/default/s1", &secret);
	char *enc = ck_base64_encode(tok, strlen(tok));
	json_object *data = json_object_new_object();
	json_object_object_add(data, "token", json_object_new_string(enc));
	json_object_object_add(secret, "data", data);
	free(enc);
	ck_assert_int_eq(auth(tok, NOW, &u, NULL), 0);
	ck_assert_str_eq(u.name, "system:serviceaccount:default:sa1");
	ck_assert_int_eq(u.nextra, 0);
	ck_user_release(&u);
	free(tok);
	/* sub must name the same account. */
	tok = legacy_token("system:serviceaccount:default:other", "s1");
	ck_assert_int_eq(auth(tok, NOW, &u, "sub claim is invalid"), -EACCES);
	free(tok);
	tok = legacy_token("system:serviceaccount:default:sa1", "");
	ck_assert_int_eq(auth(tok, NOW, &u, "secretName claim is missing"), -EACCES);
	free(tok);
	/* The secret is gone. */
	tok = legacy_token("system:serviceaccount:default:sa1", "nosuch");
	ck_assert_int_eq(auth(tok, NOW, &u, "Token has been invalidated"), -EACCES);
	free(tok);
}
END_TEST

Suite *ck_test_suite_serviceaccount(void)
{
	Suite *s = suite_create("serviceaccount");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sa_bound_token);
	tcase_add_test(tc, test_sa_times);
	tcase_add_test(tc, test_sa_rejected);
	tcase_add_test(tc, test_sa_secret_bound);
	tcase_add_test(tc, test_sa_legacy_token);
	suite_add_tcase(s, tc);
	return s;
}
