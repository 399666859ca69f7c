/* auth/authn: the authenticator union (x509, token file, service accounts, anonymous). */
#include <check.h>
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/authn.h"
#include "auth/pki.h"
#include "auth/serviceaccount.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/str.h"

static char dir[] = "/tmp/ck-authn-XXXXXX";
static char tokens_path[128], key_path[128];
static char *key_pem;

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(tokens_path, sizeof(tokens_path), "%s/tokens.csv", dir);
	snprintf(key_path, sizeof(key_path), "%s/sa.key", dir);
	ck_assert_int_eq(ck_pki_write_file(tokens_path,
					   "secret1,alice,uid-a,\"devs,ops\"\nsecret2,bob,uid-b\n",
					   0600),
			 0);
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_RSA2048, &key_pem), 0);
	ck_assert_int_eq(ck_pki_write_file(key_path, key_pem, 0600), 0);
}

static void teardown(void)
{
	unlink(tokens_path);
	unlink(key_path);
	rmdir(dir);
	free(key_pem);
	snprintf(dir, sizeof(dir), "/tmp/ck-authn-XXXXXX");
}

static int get_sa(void *ctx, const char *resource, const char *ns, const char *name,
		  json_object **ret)
{
	(void)ctx;
	if (!ck_streq(resource, "serviceaccounts") || !ck_streq(ns, "default") ||
	    !ck_streq(name, "robot"))
		return -ENOENT;
	*ret = json_tokener_parse("{\"metadata\":{\"name\":\"robot\",\"uid\":\"r-1\"}}");
	return 0;
}

static const char *const issuers[] = { "https://issuer", NULL };

static struct ck_authn *make(bool anonymous, bool x509)
{
	struct ck_authn_config cfg = {
		.client_ca_file = x509 ? "/dev/null" : NULL,
		.token_auth_file = tokens_path,
		.sa_signing_key_file = key_path,
		.sa_issuers = issuers,
		.sa_lookup = true,
		.anonymous = anonymous,
		.get = get_sa,
	};
	struct ck_authn *a = NULL;
	char *err = NULL;
	ck_assert_msg(ck_authn_new(&cfg, &a, &err) == 0, "%s", err ? err : "");
	return a;
}

static int authenticate(struct ck_authn *a, const char *authorization, struct ck_user_info *u)
{
	struct ck_authn_request r = { .peer_cert_status = -ENOENT,
				      .authorization = authorization,
				      .now = time(NULL) };
	char *err = NULL;
	int rc = ck_authn_authenticate(a, &r, u, &err);
	free(err);
	return rc;
}

static char *groups_of(const struct ck_user_info *u)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; u->groups && u->groups[i]; i++)
		ck_buf_addf(&b, "%s%s", i ? "," : "", u->groups[i]);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_authn_tokens_and_anonymous)
{
	struct ck_authn *a = make(true, false);
	struct ck_user_info u;
	ck_assert_int_eq(authenticate(a, "Bearer secret1", &u), 0);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_str_eq(u.uid, "uid-a");
	char *g = groups_of(&u);
	ck_assert_str_eq(g, "devs,ops,system:authenticated");
	free(g);
	ck_user_release(&u);
	/* "bearer" in any case, surrounding spaces trimmed. */
	ck_assert_int_eq(authenticate(a, "  bEaReR secret2 ", &u), 0);
	ck_assert_str_eq(u.name, "bob");
	ck_user_release(&u);
	/* An unknown token is a 401 even with anonymous access. */
	ck_assert_int_eq(authenticate(a, "Bearer nope", &u), -EACCES);
	/* No credentials: anonymous. Not bearer: ignored. */
	ck_assert_int_eq(authenticate(a, NULL, &u), 0);
	ck_assert_str_eq(u.name, "system:anonymous");
	g = groups_of(&u);
	ck_assert_str_eq(g, "system:unauthenticated");
	free(g);
	ck_user_release(&u);
	ck_assert_int_eq(authenticate(a, "Basic dXNlcjpwYXNz", &u), 0);
	ck_assert_str_eq(u.name, "system:anonymous");
	ck_user_release(&u);
	ck_assert_int_eq(authenticate(a, "Bearer", &u), 0);
	ck_user_release(&u);
	ck_assert_int_eq(authenticate(a, "Bearer  secret1", &u), 0); /* empty token part */
	ck_assert_str_eq(u.name, "system:anonymous");
	ck_user_release(&u);
	ck_authn_free(a);

	a = make(false, false);
	ck_assert_int_eq(authenticate(a, NULL, &u), -EACCES);
	ck_assert_int_eq(authenticate(a, "Bearer secret2", &u), 0);
	ck_user_release(&u);
	ck_authn_free(a);
}
END_TEST

START_TEST(test_authn_service_account)
{
	struct ck_authn *a = make(true, false);
	ck_assert_ptr_nonnull(ck_authn_signer(a));
	ck_assert_str_eq(ck_authn_issuer(a), "https://issuer");
	ck_assert_str_eq(ck_authn_api_audiences(a)[0], "https://issuer");
	static const char *const auds[] = { "https://issuer", NULL };
	struct ck_sa_token_spec spec = { .namespace = "default",
					 .name = "robot",
					 .uid = "r-1",
					 .audiences = auds,
					 .expiration_seconds = 3600,
					 .now = time(NULL) };
	char *tok = NULL;
	ck_assert_int_eq(ck_sa_token_issue(ck_authn_signer(a), "https://issuer", &spec, &tok), 0);
	struct ck_buf h = CK_BUF_INIT;
	ck_buf_addf(&h, "Bearer %s", tok);
	struct ck_user_info u;
	ck_assert_int_eq(authenticate(a, ck_buf_str(&h), &u), 0);
	ck_assert_str_eq(u.name, "system:serviceaccount:default:robot");
	char *g = groups_of(&u);
	ck_assert_str_eq(g, "system:serviceaccounts,system:serviceaccounts:default,"
			    "system:authenticated");
	free(g);
	ck_user_release(&u);
	/* The token alone (TokenReview). */
	ck_assert_int_eq(ck_authn_authenticate_token(a, tok, time(NULL), &u, NULL), 0);
	ck_user_release(&u);
	ck_assert_int_eq(ck_authn_authenticate_token(a, "nope", time(NULL), &u, NULL), -EACCES);
	/* Expired: 401. */
	spec.now = time(NULL) - 7200;
	free(tok);
	ck_assert_int_eq(ck_sa_token_issue(ck_authn_signer(a), "https://issuer", &spec, &tok), 0);
	ck_buf_reset(&h);
	ck_buf_addf(&h, "Bearer %s", tok);
	ck_assert_int_eq(authenticate(a, ck_buf_str(&h), &u), -EACCES);
	ck_buf_release(&h);
	free(tok);
	ck_authn_free(a);
}
END_TEST

START_TEST(test_authn_x509)
{
	char *ca = NULL, *ca_key = NULL, *cert = NULL, *key = NULL;
	struct ck_pki_cert_spec ca_spec = { .cn = "ca", .is_ca = true, .days = 1 };
	ck_assert_int_eq(ck_pki_new_cert(&ca_spec, NULL, NULL, NULL, &ca, &ca_key), 0);
	static const char *const orgs[] = { "system:masters", "team", NULL };
	struct ck_pki_cert_spec spec = {
		.cn = "admin", .orgs = orgs, .days = 1, .client_auth = true
	};
	ck_assert_int_eq(ck_pki_new_cert(&spec, NULL, ca, ca_key, &cert, &key), 0);
	BIO *b = BIO_new_mem_buf(cert, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	ck_assert_int_gt(len, 0);

	struct ck_authn *a = make(true, true);
	ck_assert(ck_authn_uses_client_certs(a));
	struct ck_authn_request r = { .peer_cert_status = 0,
				      .peer_cert_der = der,
				      .peer_cert_len = (size_t)len,
				      .authorization = "Bearer nope",
				      .now = time(NULL) };
	struct ck_user_info u;
	/* A verified certificate wins over a bad token. */
	ck_assert_int_eq(ck_authn_authenticate(a, &r, &u, NULL), 0);
	ck_assert_str_eq(u.name, "admin");
	char *g = groups_of(&u);
	ck_assert_str_eq(g, "system:masters,team,system:authenticated");
	free(g);
	ck_user_release(&u);
	/* An unverified one is a 401 unless a token authenticates. */
	r.peer_cert_status = -EACCES;
	ck_assert_int_eq(ck_authn_authenticate(a, &r, &u, NULL), -EACCES);
	r.authorization = "Bearer secret2";
	ck_assert_int_eq(ck_authn_authenticate(a, &r, &u, NULL), 0);
	ck_assert_str_eq(u.name, "bob");
	ck_user_release(&u);
	ck_authn_free(a);

	/* A serving-only certificate may not log in; no CN: not handled. */
	struct ck_pki_cert_spec serving = { .cn = "srv", .days = 1, .server_auth = true };
	char *c2 = NULL, *k2 = NULL;
	ck_assert_int_eq(ck_pki_new_cert(&serving, NULL, ca, ca_key, &c2, &k2), 0);
	BIO *b2 = BIO_new_mem_buf(c2, -1);
	X509 *x2 = PEM_read_bio_X509(b2, NULL, NULL, NULL);
	unsigned char *der2 = NULL;
	int len2 = i2d_X509(x2, &der2);
	ck_assert_int_eq(ck_authn_x509_user(der2, (size_t)len2, &u), -EINVAL);
	ck_assert_int_eq(ck_authn_x509_user((const unsigned char *)"junk", 4, &u), -EINVAL);
	OPENSSL_free(der2);
	X509_free(x2);
	BIO_free(b2);
	free(c2);
	free(k2);

	OPENSSL_free(der);
	X509_free(x);
	BIO_free(b);
	free(ca);
	free(ca_key);
	free(cert);
	free(key);
}
END_TEST

START_TEST(test_authn_bearer_parse)
{
	const char *t;
	size_t n;
	ck_assert_int_eq(ck_authn_bearer_token("Bearer abc", &t, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(ck_authn_bearer_token("bearer abc def", &t, &n), 0);
	ck_assert(n == 3 && strncmp(t, "abc", 3) == 0);
	ck_assert_int_eq(ck_authn_bearer_token("Bearer", &t, &n), -ENOENT);
	ck_assert_int_eq(ck_authn_bearer_token("Bearer ", &t, &n), -ENOENT);
	ck_assert_int_eq(ck_authn_bearer_token("Token abc", &t, &n), -ENOENT);
	ck_assert_int_eq(ck_authn_bearer_token("Bearerabc", &t, &n), -ENOENT);
	ck_assert_int_eq(ck_authn_bearer_token(NULL, &t, &n), -ENOENT);
}
END_TEST

START_TEST(test_authn_config_errors)
{
	struct ck_authn_config cfg = { .token_auth_file = "/nonexistent/tokens" };
	struct ck_authn *a = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_authn_new(&cfg, &a, &err), -ENOENT);
	ck_assert(strstr(err, "/nonexistent/tokens") != NULL);
	free(err);
	err = NULL;
	/* A signing key needs an issuer. */
	struct ck_authn_config cfg2 = { .sa_signing_key_file = key_path };
	ck_assert_int_eq(ck_authn_new(&cfg2, &a, &err), -EINVAL);
	free(err);
}
END_TEST

Suite *ck_test_suite_authn(void)
{
	Suite *s = suite_create("authn");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_authn_tokens_and_anonymous);
	tcase_add_test(tc, test_authn_service_account);
	tcase_add_test(tc, test_authn_x509);
	tcase_add_test(tc, test_authn_bearer_parse);
	tcase_add_test(tc, test_authn_config_errors);
	suite_add_tcase(s, tc);
	return s;
}
