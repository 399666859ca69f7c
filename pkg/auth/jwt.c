#include "auth/jwt.h"

#include <errno.h>
#include <math.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "util/base64url.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"
#include "util/str.h"

struct ck_jwt_keys {
	EVP_PKEY **keys;
	size_t n;
};

struct ck_jwt_signer {
	EVP_PKEY *key;
	enum ck_jwt_alg alg;
	char kid[64];
	struct ck_jwt_keys pub;
};

/* ---- parsing ---- */

static int fail(char **ret_err, const char *msg)
{
	if (ret_err)
		*ret_err = ck_strdup(msg);
	return -EINVAL;
}

/* Decodes one part (trailing '=' trimmed, as go-jose does). Owned result. */
static unsigned char *decode_part(const char *s, size_t len, size_t *ret_len)
{
	while (len && s[len - 1] == '=')
		len--;
	char *copy = ck_strndup(s, len);
	/* The decoder skips CR and LF; a token may not hold them. */
	unsigned char *out =
	    strpbrk(copy, "\r\n") ? NULL : (unsigned char *)ck_base64url_decode(copy, ret_len);
	free(copy);
	return out;
}

static json_object *parse_object(const unsigned char *data, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(32);
	json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)len);
	bool ok = json_tokener_get_error(tok) == json_tokener_success && o &&
		  json_object_is_type(o, json_type_object);
	/* Only whitespace may follow the value (Go's json.Unmarshal). */
	for (size_t i = ok ? (size_t)tok->char_offset : len; i < len; i++)
		ok &= data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n';
	json_tokener_free(tok);
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int ck_jwt_parse(const char *token, size_t len, struct ck_jwt *ret, char **ret_err)
{
	memset(ret, 0, sizeof(*ret));
	if (len > CK_JWT_MAX_LEN)
		return fail(ret_err, "token too long");
	if (memchr(token, '\0', len))
		return fail(ret_err, "token contains a NUL byte");
	const char *dot1 = memchr(token, '.', len);
	const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
		return fail(ret_err, "compact JWS format must have three parts");
	size_t hlen, plen, slen;
	unsigned char *h = decode_part(token, (size_t)(dot1 - token), &hlen);
	unsigned char *p = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen);
	unsigned char *s = decode_part(dot2 + 1, len - (size_t)(dot2 + 1 - token), &slen);
	int r = -EINVAL;
	if (!h || !p || !s) {
		r = fail(ret_err, "illegal base64 data");
		goto out;
	}
	ret->header = parse_object(h, hlen);
	ret->claims = parse_object(p, plen);
	if (!ret->header || !ret->claims) {
		r = fail(ret_err, "invalid JSON in the token");
		goto out;
	}
	json_object *alg = NULL;
	json_object_object_get_ex(ret->header, "alg", &alg);
	const char *algs =
	    alg && json_object_is_type(alg, json_type_string) ? json_object_get_string(alg) : NULL;
	if (ck_streq(algs, "RS256")) {
		ret->alg = CK_JWT_RS256;
	} else if (ck_streq(algs, "ES256")) {
		ret->alg = CK_JWT_ES256;
	} else {
		r = fail(ret_err, "unsupported signature algorithm");
		goto out;
	}
	if (json_object_object_get_ex(ret->header, "crit", NULL)) {
		r = fail(ret_err, "unsupported critical header");
		goto out;
	}
	ret->signing_input = ck_strndup(token, (size_t)(dot2 - token));
	ret->sig = s;
	ret->sig_len = slen;
	s = NULL;
	r = 0;
out:
	free(h);
	free(p);
	free(s);
	if (r < 0)
		ck_jwt_release(ret);
	return r;
}

void ck_jwt_release(struct ck_jwt *jwt)
{
	if (!jwt)
		return;
	json_object_put(jwt->header);
	json_object_put(jwt->claims);
	free(jwt->signing_input);
	free(jwt->sig);
	memset(jwt, 0, sizeof(*jwt));
}

/* ---- keys ---- */

static void keys_push(struct ck_jwt_keys *k, EVP_PKEY *key)
{
	k->keys = ck_realloc(k->keys, (k->n + 1) * sizeof(*k->keys));
	k->keys[k->n++] = key;
}

/* Reads every PEM block; public ones into pub, private ones into priv. */
static void read_blocks(const char *pem, struct ck_jwt_keys *pub, struct ck_jwt_keys *priv)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	if (!bio)
		return;
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *data = NULL;
		long len = 0;
		if (!PEM_read_bio(bio, &name, &header, &data, &len))
			break;
		const unsigned char *q = data;
		EVP_PKEY *key = NULL;
		if (strcmp(name, "PUBLIC KEY") == 0) {
			key = d2i_PUBKEY(NULL, &q, len);
			if (key)
				keys_push(pub, key);
		} else if (strcmp(name, "RSA PUBLIC KEY") == 0) {
			key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, len);
			if (key)
				keys_push(pub, key);
		} else if (strcmp(name, "CERTIFICATE") == 0) {
			X509 *x = d2i_X509(NULL, &q, len);
			key = x ? X509_get_pubkey(x) : NULL;
			X509_free(x);
			if (key)
				keys_push(pub, key);
		} else if (strcmp(name, "PRIVATE KEY") == 0 ||
			   strcmp(name, "RSA PRIVATE KEY") == 0 ||
			   strcmp(name, "EC PRIVATE KEY") == 0) {
			key = d2i_AutoPrivateKey(NULL, &q, len);
			if (key)
				keys_push(priv, key);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	}
	BIO_free(bio);
}

static bool usable(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	if (id == EVP_PKEY_RSA)
		return true;
	if (id != EVP_PKEY_EC)
		return false;
	char group[64];
	size_t glen;
	return EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &glen) == 1 &&
	       strcmp(group, "prime256v1") == 0;
}

int ck_jwt_keys_add_pem(struct ck_jwt_keys **keys, const char *pem)
{
	struct ck_jwt_keys pub = { 0 }, priv = { 0 };
	read_blocks(pem, &pub, &priv);
	struct ck_jwt_keys *use = pub.n ? &pub : &priv;
	struct ck_jwt_keys *other = pub.n ? &priv : &pub;
	size_t added = 0;
	if (!*keys)
		*keys = ck_calloc(1, sizeof(**keys));
	for (size_t i = 0; i < use->n; i++) {
		if (usable(use->keys[i])) {
			keys_push(*keys, use->keys[i]);
			added++;
		} else {
			EVP_PKEY_free(use->keys[i]);
		}
	}
	for (size_t i = 0; i < other->n; i++)
		EVP_PKEY_free(other->keys[i]);
	free(pub.keys);
	free(priv.keys);
	return added ? 0 : -EINVAL;
}

size_t ck_jwt_keys_count(const struct ck_jwt_keys *keys)
{
	return keys ? keys->n : 0;
}

static void keys_release(struct ck_jwt_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		EVP_PKEY_free(k->keys[i]);
	free(k->keys);
	k->keys = NULL;
	k->n = 0;
}

void ck_jwt_keys_free(struct ck_jwt_keys *keys)
{
	if (!keys)
		return;
	keys_release(keys);
	free(keys);
}

/* ---- verifying ---- */

/* JWS ES256 signatures are r || s (32 bytes each); OpenSSL wants DER. */
static unsigned char *es256_to_der(const unsigned char *sig, size_t len, size_t *ret_len)
{
	if (len != 64)
		return NULL;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return NULL;
	}
	int n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return NULL;
	*ret_len = (size_t)n;
	return der;
}

static bool verify_with(const struct ck_jwt *jwt, EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);
	if ((jwt->alg == CK_JWT_RS256) != (id == EVP_PKEY_RSA))
		return false;
	const unsigned char *sig = jwt->sig;
	size_t sig_len = jwt->sig_len;
	unsigned char *der = NULL;
	if (jwt->alg == CK_JWT_ES256) {
		der = es256_to_der(jwt->sig, jwt->sig_len, &sig_len);
		if (!der)
			return false;
		sig = der;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		  EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)jwt->signing_input,
				   strlen(jwt->signing_input)) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}

int ck_jwt_verify(const struct ck_jwt *jwt, const struct ck_jwt_keys *keys)
{
	bool fits = false;
	for (size_t i = 0; keys && i < keys->n; i++) {
		int id = EVP_PKEY_get_base_id(keys->keys[i]);
		fits |= (jwt->alg == CK_JWT_RS256) == (id == EVP_PKEY_RSA);
		if (verify_with(jwt, keys->keys[i]))
			return 0;
	}
	return fits ? -EKEYREJECTED : -EINVAL;
}

/* ---- signing ---- */

int ck_jwt_signer_new(const char *key_pem, struct ck_jwt_signer **ret)
{
	BIO *b = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *key = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!key || !usable(key)) {
		EVP_PKEY_free(key);
		return -EINVAL;
	}
	struct ck_jwt_signer *s = ck_calloc(1, sizeof(*s));
	s->key = key;
	s->alg = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? CK_JWT_RS256 : CK_JWT_ES256;
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);
	unsigned char md[32];
	unsigned int mdlen = 0;
	if (n <= 0 || !EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		ck_jwt_signer_free(s);
		return -EIO;
	}
	const unsigned char *q = der;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &q, n);
	OPENSSL_free(der);
	if (!pub) {
		ck_jwt_signer_free(s);
		return -EIO;
	}
	keys_push(&s->pub, pub);
	char *kid = ck_base64url_encode(md, mdlen);
	snprintf(s->kid, sizeof(s->kid), "%s", kid);
	free(kid);
	*ret = s;
	return 0;
}

void ck_jwt_signer_free(struct ck_jwt_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	keys_release(&s->pub);
	free(s);
}

const struct ck_jwt_keys *ck_jwt_signer_public_keys(const struct ck_jwt_signer *s)
{
	return &s->pub;
}

/* DER ECDSA signature → r || s, 32 bytes each. */
static int der_to_es256(const unsigned char *der, size_t len, unsigned char out[64])
{
	const unsigned char *q = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)len);
	if (!es)
		return -EIO;
	const BIGNUM *r, *s;
	ECDSA_SIG_get0(es, &r, &s);
	int ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
	ECDSA_SIG_free(es);
	return ok ? 0 : -EIO;
}

int ck_jwt_sign(const struct ck_jwt_signer *s, json_object *claims, char **ret_token)
{
	struct ck_buf b = CK_BUF_INIT;
	char header[160];
	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\"}",
		 s->alg == CK_JWT_RS256 ? "RS256" : "ES256", s->kid);
	char *h = ck_base64url_encode(header, strlen(header));
	const char *payload = json_object_to_json_string_ext(
	    claims, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *p = ck_base64url_encode(payload, strlen(payload));
	ck_buf_addf(&b, "%s.%s", h, p);
	free(h);
	free(p);
	int r = -EIO;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)b.data, b.len) != 1)
		goto out;
	sig = ck_malloc(sig_len);
	if (EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)b.data, b.len) != 1)
		goto out;
	unsigned char raw[64];
	const unsigned char *out_sig = sig;
	size_t out_len = sig_len;
	if (s->alg == CK_JWT_ES256) {
		if (der_to_es256(sig, sig_len, raw) < 0)
			goto out;
		out_sig = raw;
		out_len = sizeof(raw);
	}
	char *enc = ck_base64url_encode(out_sig, out_len);
	ck_buf_addf(&b, ".%s", enc);
	free(enc);
	*ret_token = ck_buf_detach(&b, NULL);
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(sig);
	ck_buf_release(&b);
	return r;
}

/* ---- claims ---- */

const char *ck_jwt_claim_str(json_object *claims, const char *name)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int ck_jwt_claim_time(json_object *claims, const char *name, int64_t *ret_seconds)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(claims, name, &v) || json_object_is_type(v, json_type_null))
		return -ENOENT;
	if (json_object_is_type(v, json_type_int)) {
		*ret_seconds = json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		if (!isfinite(d) || d > 9.2e18 || d < -9.2e18)
			return -EINVAL;
		*ret_seconds = (int64_t)d;
		return 0;
	}
	return -EINVAL;
}

int ck_jwt_claim_audiences(json_object *claims, char ***ret_auds)
{
	json_object *v = NULL;
	char **out = ck_calloc(1, sizeof(*out));
	size_t n = 0;
	if (!json_object_object_get_ex(claims, "aud", &v) || json_object_is_type(v, json_type_null))
		goto done;
	if (json_object_is_type(v, json_type_string)) {
		out = ck_realloc(out, 2 * sizeof(*out));
		out[n++] = ck_strdup(json_object_get_string(v));
		out[n] = NULL;
		goto done;
	}
	if (!json_object_is_type(v, json_type_array)) {
		ck_strv_free(out);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *a = json_object_array_get_idx(v, i);
		if (!json_object_is_type(a, json_type_string)) {
			ck_strv_free(out);
			return -EINVAL;
		}
		out = ck_realloc(out, (n + 2) * sizeof(*out));
		out[n++] = ck_strdup(json_object_get_string(a));
		out[n] = NULL;
	}
done:
	*ret_auds = out;
	return 0;
}
