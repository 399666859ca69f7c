#include "auth/authn.h"

#include <errno.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/jwt.h"
#include "auth/pki.h"
#include "auth/tokenfile.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

/*
 * Users of client certificates seen lately: decoding a certificate costs
 * about 300 µs with OpenSSL 3, and a client sends the same one with every
 * request. Keyed by the whole DER; a pure function of it, so never stale.
 */
#define X509_CACHE_SIZE 64

struct x509_entry {
	unsigned char *der; /* NULL: empty slot */
	size_t len;
	int r; /* ck_authn_x509_user's result */
	struct ck_user_info user;
};

struct ck_authn {
	pthread_mutex_t x509_lock; /* guards x509_cache and x509_next */
	struct x509_entry x509_cache[X509_CACHE_SIZE];
	size_t x509_next;
	bool x509;
	bool anonymous;
	struct ck_token_file *tokens;
	struct ck_jwt_keys *sa_keys;
	struct ck_jwt_signer *signer;
	char **issuers;
	char **audiences;
	struct ck_sa_authenticator sa;
};

static char **strv_copy(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **out = ck_calloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = ck_strdup(v[i]);
	return out;
}

static int fail(char **ret_err, int r, const char *what, const char *path, const char *why)
{
	if (ret_err) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "%s '%s': %s", what, path, why);
		*ret_err = ck_buf_detach(&b, NULL);
	}
	return r;
}

int ck_authn_new(const struct ck_authn_config *cfg, struct ck_authn **ret, char **ret_err)
{
	struct ck_authn *a = ck_calloc(1, sizeof(*a));
	char *pem = NULL, *err = NULL;
	int r = 0;
	pthread_mutex_init(&a->x509_lock, NULL);
	a->anonymous = cfg->anonymous;
	a->x509 = cfg->client_ca_file && *cfg->client_ca_file;
	if (cfg->token_auth_file && *cfg->token_auth_file &&
	    (r = ck_token_file_load(cfg->token_auth_file, &a->tokens, &err)) < 0) {
		r = fail(ret_err, r, "unable to read the token file", cfg->token_auth_file,
			 err ? err : strerror(-r));
		goto fail;
	}
	if (cfg->sa_signing_key_file && *cfg->sa_signing_key_file) {
		if ((r = ck_pki_read_file(cfg->sa_signing_key_file, &pem)) < 0) {
			r = fail(ret_err, r, "unable to read the signing key",
				 cfg->sa_signing_key_file, strerror(-r));
			goto fail;
		}
		if ((r = ck_jwt_signer_new(pem, &a->signer)) < 0) {
			r = fail(ret_err, r, "unable to use the signing key",
				 cfg->sa_signing_key_file, "not an RSA or P-256 private key");
			goto fail;
		}
		ck_free(&pem);
	}
	for (size_t i = 0; cfg->sa_key_files && cfg->sa_key_files[i]; i++) {
		if (!*cfg->sa_key_files[i])
			continue;
		if ((r = ck_pki_read_file(cfg->sa_key_files[i], &pem)) < 0) {
			r = fail(ret_err, r, "unable to read the service account key file",
				 cfg->sa_key_files[i], strerror(-r));
			goto fail;
		}
		if ((r = ck_jwt_keys_add_pem(&a->sa_keys, pem)) < 0) {
			r = fail(ret_err, r, "unable to use the service account key file",
				 cfg->sa_key_files[i], "no RSA or P-256 key in it");
			goto fail;
		}
		ck_free(&pem);
	}
	if (!a->sa_keys && a->signer) {
		/* The signing key verifies its own tokens. */
		char *pub = NULL;
		r = ck_pki_read_file(cfg->sa_signing_key_file, &pem);
		if (r == 0 && (r = ck_pki_public_key_pem(pem, &pub)) == 0)
			r = ck_jwt_keys_add_pem(&a->sa_keys, pub);
		free(pub);
		ck_free(&pem);
		if (r < 0) {
			r = fail(ret_err, r, "unable to use the signing key",
				 cfg->sa_signing_key_file, strerror(-r));
			goto fail;
		}
	}
	a->issuers = strv_copy(cfg->sa_issuers);
	a->audiences = strv_copy(cfg->api_audiences && cfg->api_audiences[0]
				     ? cfg->api_audiences
				     : (const char *const *)a->issuers);
	if (a->signer && !a->issuers[0]) {
		r = fail(ret_err, -EINVAL, "a signing key needs", "--service-account-issuer",
			 "not set");
		goto fail;
	}
	a->sa = (struct ck_sa_authenticator){
		.issuers = (const char *const *)a->issuers,
		.api_audiences = (const char *const *)a->audiences,
		.keys = a->sa_keys,
		.legacy = true,
		.lookup = cfg->sa_lookup,
		.get = cfg->get,
		.get_ctx = cfg->get_ctx,
	};
	if (a->sa.lookup && !a->sa.get)
		a->sa.lookup = false;
	*ret = a;
	return 0;
fail:
	free(err);
	free(pem);
	ck_authn_free(a);
	return r;
}

void ck_authn_free(struct ck_authn *a)
{
	if (!a)
		return;
	ck_token_file_free(a->tokens);
	ck_jwt_keys_free(a->sa_keys);
	ck_jwt_signer_free(a->signer);
	ck_strv_free(a->issuers);
	ck_strv_free(a->audiences);
	for (size_t i = 0; i < X509_CACHE_SIZE; i++) {
		free(a->x509_cache[i].der);
		ck_user_release(&a->x509_cache[i].user);
	}
	pthread_mutex_destroy(&a->x509_lock);
	free(a);
}

const struct ck_jwt_signer *ck_authn_signer(const struct ck_authn *a)
{
	return a->signer;
}

const char *ck_authn_issuer(const struct ck_authn *a)
{
	return a->signer ? a->issuers[0] : NULL;
}

const char *const *ck_authn_api_audiences(const struct ck_authn *a)
{
	return (const char *const *)a->audiences;
}

bool ck_authn_uses_client_certs(const struct ck_authn *a)
{
	return a->x509;
}

/* ---- x509 ---- */

static char *entry_utf8(X509_NAME_ENTRY *e)
{
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return NULL;
	char *s = ck_strndup((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return s;
}

int ck_authn_x509_user(const unsigned char *der, size_t len, struct ck_user_info *ret_user)
{
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	if (!x)
		return -EINVAL;
	int r = -EINVAL;
	/* Upstream verifies with KeyUsages [ClientAuth]: an extended key usage
	 * without clientAuth (or any) may not log in. */
	if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(x) & (XKU_SSL_CLIENT | XKU_ANYEKU)))
		goto out;
	X509_NAME *subject = X509_get_subject_name(x);
	char *cn = NULL;
	int idx = -1;
	/* Go's pkix.Name keeps the last CN. */
	while ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) {
		free(cn);
		cn = entry_utf8(X509_NAME_get_entry(subject, idx));
	}
	if (!cn || !*cn) {
		free(cn);
		r = -ENOENT;
		goto out;
	}
	ck_user_init(ret_user, cn, "");
	free(cn);
	idx = -1;
	while ((idx = X509_NAME_get_index_by_NID(subject, NID_organizationName, idx)) >= 0) {
		char *o = entry_utf8(X509_NAME_get_entry(subject, idx));
		if (o)
			ck_user_add_group(ret_user, o);
		free(o);
	}
	r = 0;
out:
	X509_free(x);
	return r;
}

/* ck_authn_x509_user through the cache. */
static int x509_user_cached(struct ck_authn *a, const unsigned char *der, size_t len,
			    struct ck_user_info *ret_user)
{
	pthread_mutex_lock(&a->x509_lock);
	for (size_t i = 0; i < X509_CACHE_SIZE; i++) {
		struct x509_entry *e = &a->x509_cache[i];
		if (e->der && e->len == len && memcmp(e->der, der, len) == 0) {
			int r = e->r;
			if (r == 0)
				ck_user_copy(ret_user, &e->user);
			pthread_mutex_unlock(&a->x509_lock);
			return r;
		}
	}
	pthread_mutex_unlock(&a->x509_lock);
	struct ck_user_info u = { 0 };
	int r = ck_authn_x509_user(der, len, &u);
	pthread_mutex_lock(&a->x509_lock);
	struct x509_entry *e = &a->x509_cache[a->x509_next];
	a->x509_next = (a->x509_next + 1) % X509_CACHE_SIZE;
	free(e->der);
	ck_user_release(&e->user);
	e->der = ck_malloc(len ? len : 1);
	memcpy(e->der, der, len);
	e->len = len;
	e->r = r;
	if (r == 0)
		ck_user_copy(&e->user, &u);
	pthread_mutex_unlock(&a->x509_lock);
	if (r == 0)
		*ret_user = u;
	return r;
}

/* ---- bearer tokens ---- */

int ck_authn_bearer_token(const char *header, const char **ret_token, size_t *ret_len)
{
	if (!header)
		return -ENOENT;
	const char *s = header, *e = header + strlen(header);
	while (s < e && strchr(" \t\r\n\v\f", *s))
		s++;
	while (e > s && strchr(" \t\r\n\v\f", e[-1]))
		e--;
	const char *sp = memchr(s, ' ', (size_t)(e - s));
	if (!sp || sp - s != 6 || strncasecmp(s, "bearer", 6) != 0)
		return -ENOENT;
	const char *tok = sp + 1;
	const char *end = memchr(tok, ' ', (size_t)(e - tok));
	if (!end)
		end = e;
	if (end == tok)
		return -ENOENT;
	*ret_token = tok;
	*ret_len = (size_t)(end - tok);
	return 0;
}

/* ---- the union ---- */

static void add_authenticated(struct ck_user_info *u)
{
	if (ck_streq(u->name, CK_USER_ANONYMOUS) || ck_user_in_group(u, CK_GROUP_AUTHENTICATED) ||
	    ck_user_in_group(u, CK_GROUP_UNAUTHENTICATED))
		return;
	ck_user_add_group(u, CK_GROUP_AUTHENTICATED);
}

static void note_err(struct ck_buf *errs, const char *fmt, const char *arg)
{
	if (errs->len)
		ck_buf_adds(errs, ", ");
	ck_buf_addf(errs, fmt, arg);
}

int ck_authn_authenticate(struct ck_authn *a, const struct ck_authn_request *req,
			  struct ck_user_info *ret_user, char **ret_err)
{
	struct ck_buf errs = CK_BUF_INIT;
	int r;
	if (a->x509 && req->peer_cert_status != -ENOENT) {
		if (req->peer_cert_status < 0) {
			note_err(&errs, "verifying certificate failed: %s",
				 "x509: certificate signed by unknown authority");
		} else {
			r = x509_user_cached(a, req->peer_cert_der, req->peer_cert_len, ret_user);
			if (r == 0)
				goto ok;
			if (r == -EINVAL)
				note_err(&errs, "verifying certificate failed: %s",
					 "x509: certificate specifies an incompatible key usage");
		}
	}
	const char *tok;
	size_t tok_len;
	if ((a->tokens || a->sa_keys) &&
	    ck_authn_bearer_token(req->authorization, &tok, &tok_len) == 0) {
		char *token = ck_strndup(tok, tok_len);
		const struct ck_user_info *fu =
		    a->tokens ? ck_token_file_lookup(a->tokens, token) : NULL;
		if (fu) {
			ck_user_copy(ret_user, fu);
			free(token);
			goto ok;
		}
		char *why = NULL;
		r = a->sa_keys ? ck_sa_authenticate(&a->sa, token, req->now, ret_user, &why)
			       : -ENOENT;
		free(token);
		if (r == 0)
			goto ok;
		note_err(&errs, "%s", why ? why : "invalid bearer token");
		free(why);
	}
	if (errs.len) {
		if (ret_err)
			*ret_err = ck_buf_detach(&errs, NULL);
		ck_buf_release(&errs);
		return -EACCES;
	}
	if (!a->anonymous) {
		if (ret_err)
			*ret_err = ck_strdup("no credentials and anonymous access is off");
		return -EACCES;
	}
	ck_user_init(ret_user, CK_USER_ANONYMOUS, "");
	ck_user_add_group(ret_user, CK_GROUP_UNAUTHENTICATED);
	return 0;
ok:
	add_authenticated(ret_user);
	ck_buf_release(&errs);
	return 0;
}

int ck_authn_authenticate_token(const struct ck_authn *a, const char *token, int64_t now,
				struct ck_user_info *ret_user, char **ret_err)
{
	const struct ck_user_info *fu = a->tokens ? ck_token_file_lookup(a->tokens, token) : NULL;
	if (fu) {
		ck_user_copy(ret_user, fu);
		add_authenticated(ret_user);
		return 0;
	}
	char *why = NULL;
	int r = a->sa_keys ? ck_sa_authenticate(&a->sa, token, now, ret_user, &why) : -ENOENT;
	if (r == 0) {
		add_authenticated(ret_user);
		return 0;
	}
	if (ret_err)
		*ret_err = why;
	else
		free(why);
	return -EACCES;
}
