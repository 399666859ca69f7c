/*
 * PKI with OpenSSL: key pairs and certificates in PEM. For now the
 * self-signed serving pair the API server makes in --cert-dir when it is
 * given no --tls-cert-file, as upstream does (issue 6 adds the cluster CA).
 */
#ifndef CK_AUTH_PKI_H
#define CK_AUTH_PKI_H

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

#endif
