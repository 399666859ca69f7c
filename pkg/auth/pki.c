#include "auth/pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"
#include "util/uuid.h"

#define MAX_FILE (16u * 1024 * 1024)

/* ---- PEM in and out ---- */

static char *bio_to_string(BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	return n >= 0 ? ck_strndup(data, (size_t)n) : NULL;
}

static EVP_PKEY *parse_key(const char *pem)
{
	if (!pem)
		return NULL;
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return k;
}

static X509 *parse_cert(const char *pem)
{
	if (!pem)
		return NULL;
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

static char *key_to_pem(EVP_PKEY *key)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL;
	if (b && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL))
		out = bio_to_string(b);
	BIO_free(b);
	return out;
}

static char *cert_to_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL;
	if (b && PEM_write_bio_X509(b, x))
		out = bio_to_string(b);
	BIO_free(b);
	return out;
}

static EVP_PKEY *gen_key(enum ck_pki_key_type type)
{
	switch (type) {
	case CK_PKI_KEY_RSA2048:
		return EVP_RSA_gen(2048);
	default:
		return EVP_EC_gen("P-256");
	}
}

int ck_pki_new_key(enum ck_pki_key_type type, char **ret_key_pem)
{
	EVP_PKEY *key = gen_key(type);
	char *pem = key ? key_to_pem(key) : NULL;
	EVP_PKEY_free(key);
	if (!pem)
		return -EIO;
	*ret_key_pem = pem;
	return 0;
}

int ck_pki_public_key_pem(const char *key_pem, char **ret_pub_pem)
{
	BIO *in = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *key = in ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
	if (!key && in) {
		BIO_free(in);
		in = BIO_new_mem_buf(key_pem, -1);
		key = in ? PEM_read_bio_PUBKEY(in, NULL, NULL, NULL) : NULL;
	}
	BIO_free(in);
	if (!key)
		return -EINVAL;
	BIO *out = BIO_new(BIO_s_mem());
	char *pem = NULL;
	if (out && PEM_write_bio_PUBKEY(out, key))
		pem = bio_to_string(out);
	BIO_free(out);
	EVP_PKEY_free(key);
	if (!pem)
		return -EIO;
	*ret_pub_pem = pem;
	return 0;
}

/* ---- making certificates ---- */

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = ext && X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -EIO;
}

static int add_sans(X509 *cert, const char *const *dns_names, const char *const *ips)
{
	struct ck_buf san = CK_BUF_INIT;
	int r = 0;
	for (size_t i = 0; dns_names && dns_names[i]; i++)
		ck_buf_addf(&san, "%sDNS:%s", san.len ? "," : "", dns_names[i]);
	for (size_t i = 0; ips && ips[i]; i++) {
		unsigned char tmp[16];
		if (inet_pton(AF_INET, ips[i], tmp) != 1 && inet_pton(AF_INET6, ips[i], tmp) != 1) {
			r = -EINVAL;
			goto out;
		}
		ck_buf_addf(&san, "%sIP:%s", san.len ? "," : "", ips[i]);
	}
	if (san.len)
		r = add_ext(cert, cert, NID_subject_alt_name, ck_buf_str(&san));
out:
	ck_buf_release(&san);
	return r;
}

static void set_serial(X509 *cert)
{
	unsigned char serial[16];
	ck_random_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
}

int ck_pki_new_cert(const struct ck_pki_cert_spec *spec, const char *key_pem,
		    const char *ca_cert_pem, const char *ca_key_pem, char **ret_cert_pem,
		    char **ret_key_pem)
{
	int r = -EIO;
	EVP_PKEY *key = key_pem ? parse_key(key_pem) : gen_key(spec->key_type);
	X509 *ca = NULL, *cert = X509_new();
	EVP_PKEY *ca_key = NULL;
	char *cert_out = NULL, *key_out = NULL;
	if (!key && key_pem) {
		r = -EINVAL;
		goto out;
	}
	if (ca_cert_pem || ca_key_pem) {
		ca = parse_cert(ca_cert_pem);
		ca_key = parse_key(ca_key_pem);
		if (!ca || !ca_key || X509_check_private_key(ca, ca_key) != 1) {
			r = -EINVAL;
			goto out;
		}
	}
	if (!key || !cert)
		goto out;
	X509_set_version(cert, 2);
	set_serial(cert);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert),
			(long)(spec->days > 0 ? spec->days : 365) * 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *name = X509_get_subject_name(cert);
	for (size_t i = 0; spec->orgs && spec->orgs[i]; i++)
		X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
					   (const unsigned char *)spec->orgs[i], -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)spec->cn, -1,
				   -1, 0);
	X509_set_issuer_name(cert, ca ? X509_get_subject_name(ca) : name);
	X509 *issuer = ca ? ca : cert;
	if ((r = add_sans(cert, spec->dns_names, spec->ips)) < 0)
		goto out;
	if (spec->is_ca) {
		if ((r = add_ext(cert, issuer, NID_basic_constraints, "critical,CA:TRUE")) < 0 ||
		    (r = add_ext(cert, issuer, NID_key_usage,
				 "critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign")) <
			0)
			goto out;
	} else {
		if ((r = add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE")) < 0 ||
		    (r = add_ext(cert, issuer, NID_key_usage,
				 "critical,digitalSignature,keyEncipherment")) < 0)
			goto out;
		const char *eku = spec->server_auth && spec->client_auth ? "serverAuth,clientAuth"
				  : spec->server_auth			 ? "serverAuth"
				  : spec->client_auth			 ? "clientAuth"
									 : NULL;
		if (eku && (r = add_ext(cert, issuer, NID_ext_key_usage, eku)) < 0)
			goto out;
	}
	if ((r = add_ext(cert, issuer, NID_subject_key_identifier, "hash")) < 0)
		goto out;
	if (ca && (r = add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always")) < 0)
		goto out;
	r = -EIO;
	if (!X509_sign(cert, ca_key ? ca_key : key, EVP_sha256()))
		goto out;
	cert_out = cert_to_pem(cert);
	key_out = key_to_pem(key);
	if (!cert_out || !key_out)
		goto out;
	*ret_cert_pem = cert_out;
	*ret_key_pem = key_out;
	cert_out = key_out = NULL;
	r = 0;
out:
	free(cert_out);
	free(key_out);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return r;
}

int ck_pki_self_signed(const char *cn, const char *const *dns_names, const char *const *ips,
		       int days, char **ret_cert_pem, char **ret_key_pem)
{
	struct ck_pki_cert_spec spec = {
		.cn = cn,
		.dns_names = dns_names,
		.ips = ips,
		.days = days,
		.server_auth = true,
	};
	return ck_pki_new_cert(&spec, NULL, NULL, NULL, ret_cert_pem, ret_key_pem);
}

/* ---- checking certificates ---- */

/* Whether the subject's entries of nid are exactly the NULL-terminated want. */
static bool subject_entries_are(X509_NAME *name, int nid, const char *const *want)
{
	size_t nwant = 0, have = 0;
	while (want && want[nwant])
		nwant++;
	int idx = -1;
	while ((idx = X509_NAME_get_index_by_NID(name, nid, idx)) >= 0) {
		X509_NAME_ENTRY *e = X509_NAME_get_entry(name, idx);
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(e);
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, s);
		bool found = false;
		for (size_t i = 0; n >= 0 && i < nwant; i++)
			found |=
			    strlen(want[i]) == (size_t)n && memcmp(want[i], utf8, (size_t)n) == 0;
		OPENSSL_free(utf8);
		if (!found)
			return false;
		have++;
	}
	return have == nwant;
}

int ck_pki_check_cert(const struct ck_pki_cert_spec *spec, const char *cert_pem,
		      const char *key_pem, const char *ca_cert_pem)
{
	int r = -EINVAL;
	X509 *cert = parse_cert(cert_pem), *ca = NULL;
	EVP_PKEY *key = parse_key(key_pem), *ca_pub = NULL;
	if (!cert || !key || X509_check_private_key(cert, key) != 1)
		goto out;
	r = -EKEYEXPIRED;
	time_t soon = time(NULL) + 86400;
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0 ||
	    X509_cmp_time(X509_get0_notAfter(cert), &soon) <= 0)
		goto out;
	if (ca_cert_pem) {
		r = -EKEYREJECTED;
		ca = parse_cert(ca_cert_pem);
		ca_pub = ca ? X509_get_pubkey(ca) : NULL;
		if (!ca_pub || X509_verify(cert, ca_pub) != 1 ||
		    X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(ca)) != 0)
			goto out;
	}
	r = -ENOMSG;
	const char *const cn[] = { spec->cn, NULL };
	X509_NAME *subject = X509_get_subject_name(cert);
	if (!subject_entries_are(subject, NID_commonName, cn) ||
	    !subject_entries_are(subject, NID_organizationName, spec->orgs))
		goto out;
	for (size_t i = 0; spec->dns_names && spec->dns_names[i]; i++)
		if (X509_check_host(cert, spec->dns_names[i], 0,
				    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
					X509_CHECK_FLAG_NO_WILDCARDS,
				    NULL) != 1)
			goto out;
	for (size_t i = 0; spec->ips && spec->ips[i]; i++)
		if (X509_check_ip_asc(cert, spec->ips[i], 0) != 1)
			goto out;
	uint32_t xku = X509_get_extended_key_usage(cert);
	if ((spec->server_auth && !(xku & XKU_SSL_SERVER)) ||
	    (spec->client_auth && !(xku & XKU_SSL_CLIENT)))
		goto out;
	if (spec->is_ca != (X509_check_ca(cert) != 0))
		goto out;
	r = 0;
out:
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_pub);
	return r;
}

/* ---- files ---- */

int ck_pki_read_file(const char *path, char **ret_data)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	struct ck_buf b;
	ck_buf_init(&b, MAX_FILE);
	char chunk[4096];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((r = ck_buf_add(&b, chunk, n)) < 0)
			break;
	if (r == -E2BIG)
		r = -EFBIG;
	else if (ferror(f))
		r = -EIO;
	fclose(f);
	if (r < 0) {
		ck_buf_release(&b);
		return r;
	}
	*ret_data = ck_buf_detach(&b, NULL);
	return 0;
}

int ck_pki_write_file(const char *path, const char *data, unsigned mode)
{
	struct ck_buf tmp = CK_BUF_INIT;
	ck_buf_addf(&tmp, "%s.tmp.XXXXXX", path);
	int r = 0, fd = mkstemp(tmp.data);
	if (fd == -1) {
		r = -errno;
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) == -1) {
		r = -errno;
		close(fd);
		goto fail;
	}
	size_t len = strlen(data), off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		r = -errno;
		goto fail;
	}
	if (rename(tmp.data, path) == -1) {
		r = -errno;
		goto fail;
	}
	goto out;
fail:
	unlink(tmp.data);
out:
	ck_buf_release(&tmp);
	return r;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -errno;
	return 0;
}

int ck_pki_ensure_self_signed(const char *dir, const char *base, const char *cn,
			      const char *const *dns_names, const char *const *ips,
			      char **ret_cert_path, char **ret_key_path)
{
	struct ck_buf cp = CK_BUF_INIT, kp = CK_BUF_INIT;
	char *cert = NULL, *key = NULL;
	int r = 0;
	ck_buf_addf(&cp, "%s/%s.crt", dir, base);
	ck_buf_addf(&kp, "%s/%s.key", dir, base);
	if (access(ck_buf_str(&cp), R_OK) == 0 && access(ck_buf_str(&kp), R_OK) == 0)
		goto done;
	if ((r = make_dir(dir)) < 0)
		goto out;
	if ((r = ck_pki_self_signed(cn, dns_names, ips, 365, &cert, &key)) < 0 ||
	    (r = ck_pki_write_file(ck_buf_str(&kp), key, 0600)) < 0 ||
	    (r = ck_pki_write_file(ck_buf_str(&cp), cert, 0644)) < 0)
		goto out;
done:
	*ret_cert_path = ck_buf_detach(&cp, NULL);
	*ret_key_path = ck_buf_detach(&kp, NULL);
out:
	free(cert);
	free(key);
	ck_buf_release(&cp);
	ck_buf_release(&kp);
	return r;
}

static bool key_has_type(const char *pem, enum ck_pki_key_type type)
{
	EVP_PKEY *k = parse_key(pem);
	bool ok = k && EVP_PKEY_get_base_id(k) ==
			   (type == CK_PKI_KEY_RSA2048 ? EVP_PKEY_RSA : EVP_PKEY_EC);
	EVP_PKEY_free(k);
	return ok;
}

int ck_pki_ensure_cert(const char *dir, const char *base, const struct ck_pki_cert_spec *spec,
		       const char *ca_cert_pem, const char *ca_key_pem, bool *ret_created)
{
	struct ck_buf cp = CK_BUF_INIT, kp = CK_BUF_INIT;
	char *cert = NULL, *key = NULL, *new_cert = NULL, *new_key = NULL;
	bool created = false;
	int r;
	ck_buf_addf(&cp, "%s/%s.crt", dir, base);
	ck_buf_addf(&kp, "%s/%s.key", dir, base);
	if ((r = make_dir(dir)) < 0)
		goto out;
	ck_pki_read_file(ck_buf_str(&cp), &cert);
	ck_pki_read_file(ck_buf_str(&kp), &key);
	if (cert && key && ck_pki_check_cert(spec, cert, key, ca_cert_pem) == 0)
		goto done;
	const char *keep = key && key_has_type(key, spec->key_type) ? key : NULL;
	if ((r = ck_pki_new_cert(spec, keep, ca_cert_pem, ca_key_pem, &new_cert, &new_key)) < 0)
		goto out;
	if (!keep && (r = ck_pki_write_file(ck_buf_str(&kp), new_key, 0600)) < 0)
		goto out;
	if ((r = ck_pki_write_file(ck_buf_str(&cp), new_cert, 0644)) < 0)
		goto out;
	created = true;
done:
	if (ret_created)
		*ret_created = created;
	r = 0;
out:
	free(cert);
	free(key);
	free(new_cert);
	free(new_key);
	ck_buf_release(&cp);
	ck_buf_release(&kp);
	return r;
}

int ck_pki_ensure_key_pair(const char *dir, const char *base, enum ck_pki_key_type type,
			   bool *ret_created)
{
	struct ck_buf kp = CK_BUF_INIT, pp = CK_BUF_INIT;
	char *key = NULL, *pub = NULL, *old_pub = NULL;
	bool created = false;
	int r;
	ck_buf_addf(&kp, "%s/%s.key", dir, base);
	ck_buf_addf(&pp, "%s/%s.pub", dir, base);
	if ((r = make_dir(dir)) < 0)
		goto out;
	ck_pki_read_file(ck_buf_str(&kp), &key);
	if (!key || !key_has_type(key, type)) {
		free(key);
		key = NULL;
		if ((r = ck_pki_new_key(type, &key)) < 0 ||
		    (r = ck_pki_write_file(ck_buf_str(&kp), key, 0600)) < 0)
			goto out;
		created = true;
	}
	if ((r = ck_pki_public_key_pem(key, &pub)) < 0)
		goto out;
	ck_pki_read_file(ck_buf_str(&pp), &old_pub);
	if (!ck_streq(old_pub, pub)) {
		if ((r = ck_pki_write_file(ck_buf_str(&pp), pub, 0644)) < 0)
			goto out;
		created = true;
	}
	if (ret_created)
		*ret_created = created;
out:
	free(key);
	free(pub);
	free(old_pub);
	ck_buf_release(&kp);
	ck_buf_release(&pp);
	return r;
}
