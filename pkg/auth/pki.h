/*
 * PKI with OpenSSL: key pairs and X.509 certificates in PEM, for the
 * cluster's CA and everything it signs (what kubeadm's certs phase makes),
 * and the self-signed serving pair the API server makes in --cert-dir when
 * it is given no --tls-cert-file, as upstream does.
 *
 * Invariants:
 *  - Everything crosses this API as NUL-terminated PEM text: certificates
 *    ("CERTIFICATE"), private keys (PKCS#8 "PRIVATE KEY") and public keys
 *    ("PUBLIC KEY", SubjectPublicKeyInfo). Returned strings are owned by
 *    the caller.
 *  - Certificates are X.509 v3 with a random 127-bit serial, valid from one
 *    hour before their making (clock skew) for spec->days days, signed with
 *    SHA-256. CA certificates have basicConstraints CA:TRUE and keyUsage
 *    keyCertSign, cRLSign, digitalSignature; leaf certificates CA:FALSE,
 *    keyUsage digitalSignature, keyEncipherment and the extended key usages
 *    asked for.
 *  - Files with private keys are written mode 0600, the rest 0644, through
 *    a temporary file renamed into place (a reader never sees half a file).
 */
#ifndef CK_AUTH_PKI_H
#define CK_AUTH_PKI_H

#include <stdbool.h>
#include <stddef.h>

enum ck_pki_key_type {
	CK_PKI_KEY_EC_P256, /* ECDSA on P-256: certificates (fast handshakes) */
	CK_PKI_KEY_RSA2048, /* RSA 2048: the service-account signing key (RS256) */
};

/* What a certificate says and may do. NULL lists are empty. */
struct ck_pki_cert_spec {
	const char *cn;		       /* subject CN */
	const char *const *orgs;       /* subject O values, NULL-terminated */
	const char *const *dns_names;  /* subjectAltName DNS, NULL-terminated */
	const char *const *ips;	       /* subjectAltName IP, NULL-terminated */
	int days;		       /* validity; 0 = 365 */
	bool is_ca;		       /* a CA certificate (self-signed root) */
	bool server_auth;	       /* extKeyUsage serverAuth */
	bool client_auth;	       /* extKeyUsage clientAuth */
	enum ck_pki_key_type key_type; /* of a new key */
};

/* A new private key as PKCS#8 PEM (owned). 0 or -EIO. */
int ck_pki_new_key(enum ck_pki_key_type type, char **ret_key_pem);

/*
 * A certificate for spec, signed by the CA (ca_cert_pem and ca_key_pem), or
 * self-signed when both are NULL. With key_pem NULL a new key of
 * spec->key_type is made and returned in *ret_key_pem; else that key is
 * certified and *ret_key_pem is a copy of it. Both results are owned.
 * 0, -EINVAL (a bad IP address, an unreadable CA or key) or -EIO.
 */
int ck_pki_new_cert(const struct ck_pki_cert_spec *spec, const char *key_pem,
		    const char *ca_cert_pem, const char *ca_key_pem, char **ret_cert_pem,
		    char **ret_key_pem);

/*
 * Whether an existing pair is still good for spec: both parse, the key is
 * the certificate's, it is valid now and for at least another day, it is
 * signed by ca_cert_pem (when not NULL), CN and O are spec's, every DNS name
 * and IP of spec is among its subjectAltNames, and it has the extended key
 * usages spec asks for. 0 when good; -EINVAL (unparsable, wrong key),
 * -EKEYEXPIRED (expired or about to), -EKEYREJECTED (not the CA's),
 * -ENOMSG (subject, names or usages differ).
 */
int ck_pki_check_cert(const struct ck_pki_cert_spec *spec, const char *cert_pem,
		      const char *key_pem, const char *ca_cert_pem);

/* The SubjectPublicKeyInfo PEM of a private or public key PEM (owned). 0 or -EINVAL. */
int ck_pki_public_key_pem(const char *key_pem, char **ret_pub_pem);

/*
 * Reads a whole file (at most 16 MiB) as a NUL-terminated string the caller
 * owns. 0 or a negative errno (-ENOENT when absent, -EFBIG when larger).
 */
int ck_pki_read_file(const char *path, char **ret_data);
/* Writes data to path atomically (temporary file + rename) with mode. */
int ck_pki_write_file(const char *path, const char *data, unsigned mode);

/*
 * A self-signed certificate for cn with subject alternative names (DNS
 * names and IP addresses, NULL-terminated lists, either may be NULL),
 * valid for days, with an ECDSA P-256 key. On success *ret_cert_pem and
 * *ret_key_pem are NUL-terminated PEM strings the caller owns.
 * 0, -EINVAL (a bad IP address) or -ENOMEM/-EIO from OpenSSL.
 */
int ck_pki_self_signed(const char *cn, const char *const *dns_names, const char *const *ips,
		       int days, char **ret_cert_pem, char **ret_key_pem);

/*
 * Ensures dir holds a serving pair named <base>.crt and <base>.key: keeps
 * them when both exist, else writes a new self-signed pair (key mode 0600).
 * ret_cert_path / ret_key_path receive owned paths. 0 or a negative errno.
 */
int ck_pki_ensure_self_signed(const char *dir, const char *base, const char *cn,
			      const char *const *dns_names, const char *const *ips,
			      char **ret_cert_path, char **ret_key_path);

/*
 * Ensures dir/<base>.crt and dir/<base>.key hold a pair good for spec and
 * the CA (ck_pki_check_cert): keeps a good pair, else makes a new one
 * (keeping the existing key when it still parses and is of the wanted
 * type). With ca_cert_pem NULL the certificate is self-signed (spec->is_ca
 * for the cluster CA). *ret_created (may be NULL) says whether files were
 * written. 0 or a negative errno.
 */
int ck_pki_ensure_cert(const char *dir, const char *base, const struct ck_pki_cert_spec *spec,
		       const char *ca_cert_pem, const char *ca_key_pem, bool *ret_created);

/*
 * Ensures dir/<base>.key (private) and dir/<base>.pub (public) hold a key
 * pair of type; keeps a parsable existing private key. 0 or a negative errno.
 */
int ck_pki_ensure_key_pair(const char *dir, const char *base, enum ck_pki_key_type type,
			   bool *ret_created);

#endif
