/* Self-signed serving certificates, checked by serving HTTPS with them. */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/pki.h"
#include "util/http_server.h"

static void hello(void *data, struct ck_http_request *req)
{
	(void)data;
	ck_http_respond(req, 200, "text/plain", "hello", 5);
}

START_TEST(test_pki_self_signed_serves_tls)
{
	char dir[] = "/tmp/ck-pki-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	static const char *const dns[] = { "localhost", "kubernetes.default.svc", NULL };
	static const char *const ips[] = { "127.0.0.1", "10.96.0.1", NULL };
	char *cert_path, *key_path;
	ck_assert_int_eq(ck_pki_ensure_self_signed(dir, "apiserver", "kube-apiserver", dns, ips,
						   &cert_path, &key_path),
			 0);

	FILE *f = fopen(cert_path, "r");
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	char cn[64];
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	ck_assert_str_eq(cn, "kube-apiserver");
	ck_assert_int_eq(X509_check_host(x, "kubernetes.default.svc", 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "10.96.0.1", 0), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "10.96.0.2", 0), 0);
	X509_free(x);

	/* A second call keeps the existing pair. */
	char *cert2, *key2;
	struct stat before;
	stat(cert_path, &before);
	ck_assert_int_eq(
	    ck_pki_ensure_self_signed(dir, "apiserver", "x", NULL, NULL, &cert2, &key2), 0);
	ck_assert_str_eq(cert2, cert_path);
	free(cert2);
	free(key2);

	struct ck_http_server_config cfg = { .bind_address = "127.0.0.1",
					     .tls_cert_file = cert_path,
					     .tls_key_file = key_path,
					     .threads = 1,
					     .handler = hello };
	struct ck_http_server *srv;
	ck_assert_int_eq(ck_http_server_start(&cfg, &srv), 0);
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", ck_http_server_port(srv));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, cert_path); /* verify against the pair itself */
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	long code;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	ck_assert_int_eq(code, 200);
	fclose(devnull);
	curl_easy_cleanup(c);
	ck_http_server_stop(srv);

	static const char *const bad_ips[] = { "300.1.1.1", NULL };
	char *cp, *kp;
	ck_assert_int_eq(ck_pki_self_signed("x", NULL, bad_ips, 1, &cp, &kp), -EINVAL);
	unlink(cert_path);
	unlink(key_path);
	rmdir(dir);
	free(cert_path);
	free(key_path);
}
END_TEST

Suite *ck_test_suite_pki(void)
{
	Suite *s = suite_create("pki");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pki_self_signed_serves_tls);
	suite_add_tcase(s, tc);
	return s;
}
