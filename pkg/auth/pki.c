#include "auth/pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/uuid.h"

static char *bio_to_string(BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	return n >= 0 ? ck_strndup(data, (size_t)n) : NULL;
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
	if (san.len) {
		X509V3_CTX ctx;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
		X509_EXTENSION *ext =
		    X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, ck_buf_str(&san));
		if (!ext || !X509_add_ext(cert, ext, -1))
			r = -EIO;
		X509_EXTENSION_free(ext);
	}
out:
	ck_buf_release(&san);
	return r;
}

int ck_pki_self_signed(const char *cn, const char *const *dns_names, const char *const *ips,
		       int days, char **ret_cert_pem, char **ret_key_pem)
{
	int r = -EIO;
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	BIO *cbio = BIO_new(BIO_s_mem()), *kbio = BIO_new(BIO_s_mem());
	if (!key || !cert || !cbio || !kbio)
		goto out;
	X509_set_version(cert, 2);
	unsigned char serial[16];
	ck_random_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, name);
	if ((r = add_sans(cert, dns_names, ips)) < 0)
		goto out;
	r = -EIO;
	if (!X509_sign(cert, key, EVP_sha256()))
		goto out;
	if (!PEM_write_bio_X509(cbio, cert) ||
	    !PEM_write_bio_PrivateKey(kbio, key, NULL, NULL, 0, NULL, NULL))
		goto out;
	*ret_cert_pem = bio_to_string(cbio);
	*ret_key_pem = bio_to_string(kbio);
	r = 0;
out:
	BIO_free(cbio);
	BIO_free(kbio);
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}

static int write_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -errno;
	size_t len = strlen(data), off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n == -1) {
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)n;
	}
	return close(fd) == -1 ? -errno : 0;
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
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		r = -errno;
		goto out;
	}
	if ((r = ck_pki_self_signed(cn, dns_names, ips, 365, &cert, &key)) < 0 ||
	    (r = write_file(ck_buf_str(&kp), key, 0600)) < 0 ||
	    (r = write_file(ck_buf_str(&cp), cert, 0644)) < 0)
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
