/* auth/jwt: parsing, verifying and signing JWS compact tokens. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "auth/pki.h"
#include "util/base64url.h"
#include "util/buf.h"
#include "util/str.h"

static char *rsa_key, *rsa_key2, *ec_key;

static void setup(void)
{
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_RSA2048, &rsa_key), 0);
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_RSA2048, &rsa_key2), 0);
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_EC_P256, &ec_key), 0);
}

static void teardown(void)
{
	free(rsa_key);
	free(rsa_key2);
	free(ec_key);
}

static struct ck_jwt_keys *keys_of(const char *pem)
{
	char *pub = NULL;
	ck_assert_int_eq(ck_pki_public_key_pem(pem, &pub), 0);
	struct ck_jwt_keys *k = NULL;
	ck_assert_int_eq(ck_jwt_keys_add_pem(&k, pub), 0);
	free(pub);
	return k;
}

static char *sign(const char *key_pem, const char *claims_json)
{
	struct ck_jwt_signer *s = NULL;
	ck_assert_int_eq(ck_jwt_signer_new(key_pem, &s), 0);
	json_object *claims = json_tokener_parse(claims_json);
	char *tok = NULL;
	ck_assert_int_eq(ck_jwt_sign(s, claims, &tok), 0);
	json_object_put(claims);
	ck_jwt_signer_free(s);
	return tok;
}

static int verify(const char *token, const struct ck_jwt_keys *keys)
{
	struct ck_jwt jwt;
	int r = ck_jwt_parse(token, strlen(token), &jwt, NULL);
	if (r < 0)
		return r;
	r = ck_jwt_verify(&jwt, keys);
	ck_jwt_release(&jwt);
	return r;
}

START_TEST(test_jwt_sign_verify)
{
	const char *keys_pem[] = { rsa_key, ec_key };
	const char *algs[] = { "RS256", "ES256" };
	for (int i = 0; i < 2; i++) {
		char *tok = sign(keys_pem[i], "{\"iss\":\"me\",\"aud\":[\"a\",\"b\"],\"exp\":123}");
		struct ck_jwt_keys *k = keys_of(keys_pem[i]);
		struct ck_jwt jwt;
		ck_assert_int_eq(ck_jwt_parse(tok, strlen(tok), &jwt, NULL), 0);
		ck_assert_int_eq(ck_jwt_verify(&jwt, k), 0);
		ck_assert_str_eq(ck_jwt_claim_str(jwt.header, "alg"), algs[i]);
		/* kid: base64url of a SHA-256, 43 characters. */
		ck_assert_int_eq(strlen(ck_jwt_claim_str(jwt.header, "kid")), 43);
		ck_assert_str_eq(ck_jwt_claim_str(jwt.claims, "iss"), "me");
		int64_t exp;
		ck_assert_int_eq(ck_jwt_claim_time(jwt.claims, "exp", &exp), 0);
		ck_assert_int_eq(exp, 123);
		char **auds = NULL;
		ck_assert_int_eq(ck_jwt_claim_audiences(jwt.claims, &auds), 0);
		ck_assert_int_eq(ck_strv_len(auds), 2);
		ck_assert_str_eq(auds[1], "b");
		ck_strv_free(auds);
		ck_jwt_release(&jwt);

		/* Tampered payload: the signature no longer holds. */
		char *dot1 = strchr(tok, '.');
		char *dot2 = strchr(dot1 + 1, '.');
		char *payload = ck_base64url_encode("{\"iss\":\"evil\"}", 14);
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_add(&b, tok, (size_t)(dot1 - tok) + 1);
		ck_buf_adds(&b, payload);
		ck_buf_adds(&b, dot2);
		ck_assert_int_eq(verify(ck_buf_str(&b), k), -EKEYREJECTED);
		ck_buf_release(&b);
		free(payload);
		/* Truncated signature. */
		tok[strlen(tok) - 4] = '\0';
		ck_assert_int_ne(verify(tok, k), 0);
		free(tok);
		ck_jwt_keys_free(k);
	}
}
END_TEST

START_TEST(test_jwt_wrong_key)
{
	char *tok = sign(rsa_key, "{\"iss\":\"x\"}");
	struct ck_jwt_keys *other = keys_of(rsa_key2), *ec = keys_of(ec_key);
	ck_assert_int_eq(verify(tok, other), -EKEYREJECTED);
	/* An RS256 token against EC keys only: the algorithm fits none. */
	ck_assert_int_eq(verify(tok, ec), -EINVAL);
	/* With the right key among several, it verifies. */
	char *pub = NULL;
	ck_assert_int_eq(ck_pki_public_key_pem(rsa_key, &pub), 0);
	ck_assert_int_eq(ck_jwt_keys_add_pem(&other, pub), 0);
	ck_assert_int_eq(ck_jwt_keys_count(other), 2);
	ck_assert_int_eq(verify(tok, other), 0);
	free(pub);
	free(tok);
	ck_jwt_keys_free(other);
	ck_jwt_keys_free(ec);
}
END_TEST

static void check_bad(const char *header, const char *payload, const char *sig)
{
	char *h = ck_base64url_encode(header, strlen(header));
	char *p = ck_base64url_encode(payload, strlen(payload));
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s.%s.%s", h, p, sig);
	struct ck_jwt jwt;
	char *err = NULL;
	ck_assert_int_eq(ck_jwt_parse(b.data, b.len, &jwt, &err), -EINVAL);
	ck_assert_ptr_nonnull(err);
	free(err);
	free(h);
	free(p);
	ck_buf_release(&b);
}

START_TEST(test_jwt_rejects)
{
	/* alg none and friends */
	check_bad("{\"alg\":\"none\"}", "{\"iss\":\"x\"}", "");
	check_bad("{\"alg\":\"HS256\"}", "{\"iss\":\"x\"}", "AAAA");
	check_bad("{\"alg\":\"RS512\"}", "{\"iss\":\"x\"}", "AAAA");
	check_bad("{}", "{\"iss\":\"x\"}", "AAAA");
	check_bad("{\"alg\":1}", "{\"iss\":\"x\"}", "AAAA");
	check_bad("{\"alg\":\"RS256\",\"crit\":[\"exp\"]}", "{\"iss\":\"x\"}", "AAAA");
	/* header and payload must be JSON objects */
	check_bad("[\"alg\"]", "{}", "AAAA");
	check_bad("{\"alg\":\"RS256\"}", "\"claims\"", "AAAA");
	check_bad("{\"alg\":\"RS256\"}", "{\"iss\":", "AAAA");
	check_bad("{\"alg\":\"RS256\"}", "{}", "!!!");

	struct ck_jwt jwt;
	static const char *const shapes[] = { "",   "a",    "a.b",	     "a.b.c.d",
					      "..", "a..b", "e30.e30.AAAA\n" };
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		ck_assert_int_eq(ck_jwt_parse(shapes[i], strlen(shapes[i]), &jwt, NULL), -EINVAL);
	/* Embedded NUL */
	ck_assert_int_eq(ck_jwt_parse("e30.e\0.AAAA", 11, &jwt, NULL), -EINVAL);
	/* The ES256 signature must be 64 bytes. */
	char *tok = sign(ec_key, "{}");
	struct ck_jwt_keys *k = keys_of(ec_key);
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_add(&b, tok, (size_t)(strrchr(tok, '.') - tok));
	ck_buf_adds(&b, ".AAAA");
	ck_assert_int_eq(verify(ck_buf_str(&b), k), -EKEYREJECTED);
	ck_buf_release(&b);
	free(tok);
	ck_jwt_keys_free(k);
}
END_TEST

START_TEST(test_jwt_claims)
{
	json_object *c = json_tokener_parse(
	    "{\"aud\":\"one\",\"exp\":1.5e3,\"nbf\":\"soon\",\"iat\":null,\"s\":7}");
	char **auds = NULL;
	ck_assert_int_eq(ck_jwt_claim_audiences(c, &auds), 0);
	ck_assert_int_eq(ck_strv_len(auds), 1);
	ck_assert_str_eq(auds[0], "one");
	ck_strv_free(auds);
	int64_t t;
	ck_assert_int_eq(ck_jwt_claim_time(c, "exp", &t), 0);
	ck_assert_int_eq(t, 1500);
	ck_assert_int_eq(ck_jwt_claim_time(c, "nbf", &t), -EINVAL);
	ck_assert_int_eq(ck_jwt_claim_time(c, "iat", &t), -ENOENT);
	ck_assert_int_eq(ck_jwt_claim_time(c, "absent", &t), -ENOENT);
	ck_assert_ptr_null(ck_jwt_claim_str(c, "s"));
	json_object_put(c);
	c = json_tokener_parse("{\"aud\":[\"a\",2]}");
	ck_assert_int_eq(ck_jwt_claim_audiences(c, &auds), -EINVAL);
	json_object_put(c);
	c = json_tokener_parse("{}");
	ck_assert_int_eq(ck_jwt_claim_audiences(c, &auds), 0);
	ck_assert_ptr_null(auds[0]);
	ck_strv_free(auds);
	json_object_put(c);
}
END_TEST

START_TEST(test_jwt_keys_pem)
{
	struct ck_jwt_keys *k = NULL;
	/* Private keys give their public halves when there is no public key. */
	ck_assert_int_eq(ck_jwt_keys_add_pem(&k, rsa_key), 0);
	ck_assert_int_eq(ck_jwt_keys_count(k), 1);
	/* A certificate's key. */
	char *cert = NULL, *key = NULL;
	struct ck_pki_cert_spec spec = { .cn = "x", .days = 1 };
	ck_assert_int_eq(ck_pki_new_cert(&spec, ec_key, NULL, NULL, &cert, &key), 0);
	ck_assert_int_eq(ck_jwt_keys_add_pem(&k, cert), 0);
	ck_assert_int_eq(ck_jwt_keys_count(k), 2);
	char *tok = sign(ec_key, "{}");
	ck_assert_int_eq(verify(tok, k), 0);
	free(tok);
	ck_assert_int_eq(ck_jwt_keys_add_pem(&k, "not a key"), -EINVAL);
	ck_assert_int_eq(ck_jwt_keys_count(k), 2);
	free(cert);
	free(key);
	ck_jwt_keys_free(k);
	struct ck_jwt_signer *s = NULL;
	ck_assert_int_eq(ck_jwt_signer_new("garbage", &s), -EINVAL);
}
END_TEST

Suite *ck_test_suite_jwt(void)
{
	Suite *s = suite_create("jwt");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_jwt_sign_verify);
	tcase_add_test(tc, test_jwt_wrong_key);
	tcase_add_test(tc, test_jwt_rejects);
	tcase_add_test(tc, test_jwt_claims);
	tcase_add_test(tc, test_jwt_keys_pem);
	suite_add_tcase(s, tc);
	return s;
}
