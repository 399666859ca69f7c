/* kubeadm: the cluster PKI and kubeconfigs ckubeadm writes; idempotence. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apimachinery/yaml.h"
#include "apimachinery/object.h"
#include "auth/pki.h"
#include "kubeadm/kubeadm.h"
#include "util/str.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ck-kubeadm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rmtree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (unlink(p) == -1)
			rmtree(p);
	}
	closedir(d);
	rmdir(path);
}

static void teardown(void)
{
	rmtree(dir);
}

struct counts {
	int written, kept;
};

static void note(void *ctx, const char *path, bool written)
{
	(void)path;
	struct counts *c = ctx;
	if (written)
		c->written++;
	else
		c->kept++;
}

static char *read_in(const char *sub, const char *name)
{
	char path[256], *data = NULL;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	ck_assert_msg(ck_pki_read_file(path, &data) == 0, "%s", path);
	return data;
}

static void certs(struct counts *c)
{
	char certdir[128];
	snprintf(certdir, sizeof(certdir), "%s/pki", dir);
	static const char *const sans[] = { "api.example.com", "192.0.2.10", NULL };
	static const char *const nodes[] = { "node-a", "node-b", NULL };
	struct ck_kubeadm_certs_options o = {
		.cert_dir = certdir,
		.advertise_address = "192.0.2.1",
		.extra_sans = sans,
		.node_names = nodes,
		.note = note,
		.note_ctx = c,
	};
	ck_assert_int_eq(ck_kubeadm_certs(&o), 0);
}

START_TEST(test_kubeadm_certs)
{
	struct counts c = { 0 };
	certs(&c);
	/* ca, apiserver, 5 clients, 2 kubelets, sa */
	ck_assert_int_eq(c.written, 10);
	ck_assert_int_eq(c.kept, 0);
	char *ca = read_in("pki", "ca.crt");
	char *cert = read_in("pki", "apiserver.crt"), *key = read_in("pki", "apiserver.key");
	static const char *const dns[] = { "kubernetes.default.svc.cluster.local",
					   "api.example.com", "localhost", NULL };
	static const char *const ips[] = { "10.96.0.1", "192.0.2.1", "192.0.2.10", "127.0.0.1",
					   NULL };
	struct ck_pki_cert_spec serving = {
		.cn = "kube-apiserver", .dns_names = dns, .ips = ips, .server_auth = true
	};
	ck_assert_int_eq(ck_pki_check_cert(&serving, cert, key, ca), 0);
	free(cert);
	free(key);
	cert = read_in("pki", "kubelet-node-b.crt");
	key = read_in("pki", "kubelet-node-b.key");
	static const char *const nodes_org[] = { "system:nodes", NULL };
	struct ck_pki_cert_spec kubelet = { .cn = "system:node:node-b",
					    .orgs = nodes_org,
					    .client_auth = true };
	ck_assert_int_eq(ck_pki_check_cert(&kubelet, cert, key, ca), 0);
	/* The wrong CN or organisation is noticed. */
	kubelet.cn = "system:node:node-a";
	ck_assert_int_eq(ck_pki_check_cert(&kubelet, cert, key, ca), -ENOMSG);
	free(cert);
	free(key);
	char *sa = read_in("pki", "sa.key"), *pub = read_in("pki", "sa.pub"), *derived = NULL;
	ck_assert_int_eq(ck_pki_public_key_pem(sa, &derived), 0);
	ck_assert_str_eq(derived, pub);
	free(sa);
	free(pub);
	free(derived);

	/* A second run keeps everything. */
	struct counts again = { 0 };
	certs(&again);
	ck_assert_int_eq(again.written, 0);
	ck_assert_int_eq(again.kept, 10);

	/* A new CA renews everything it signed (the SA key pair stays). */
	char path[256];
	snprintf(path, sizeof(path), "%s/pki/ca.crt", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pki/ca.key", dir);
	unlink(path);
	struct counts renewed = { 0 };
	certs(&renewed);
	ck_assert_int_eq(renewed.written, 9);
	ck_assert_int_eq(renewed.kept, 1);
	char *ca2 = read_in("pki", "ca.crt");
	ck_assert_str_ne(ca, ca2);
	free(ca);
	free(ca2);
}
END_TEST

START_TEST(test_kubeadm_kubeconfigs)
{
	struct counts c = { 0 };
	certs(&c);
	char certdir[128], outdir[128];
	snprintf(certdir, sizeof(certdir), "%s/pki", dir);
	snprintf(outdir, sizeof(outdir), "%s/kc", dir);
	static const char *const nodes[] = { "node-a", NULL };
	struct counts k = { 0 };
	struct ck_kubeadm_kubeconfig_options o = { .cert_dir = certdir,
						   .server = "https://127.0.0.1:6443",
						   .out_dir = outdir,
						   .node_names = nodes,
						   .note = note,
						   .note_ctx = &k };
	ck_assert_int_eq(ck_kubeadm_kubeconfigs(&o), 0);
	ck_assert_int_eq(k.written, 5);
	char *text = read_in("kc", "admin.kubeconfig");
	json_object *kc = NULL;
	char *err = NULL;
	ck_assert_msg(ck_yaml_decode(text, strlen(text), 0, &kc, &err) == 0, "%s", err);
	ck_assert_str_eq(ck_obj_path_str(kc, "current-context"), "kubernetes-admin@kubernetes");
	json_object *cluster = json_object_array_get_idx(ck_obj_path(kc, "clusters"), 0);
	ck_assert_str_eq(ck_obj_path_str(cluster, "cluster.server"), "https://127.0.0.1:6443");
	json_object *user = json_object_array_get_idx(ck_obj_path(kc, "users"), 0);
	const char *cert_b64 = ck_obj_path_str(user, "user.client-certificate-data");
	size_t n;
	char *pem = ck_base64_decode(cert_b64, &n);
	char *admin = read_in("pki", "admin.crt");
	ck_assert_str_eq(pem, admin);
	free(pem);
	free(admin);
	json_object_put(kc);
	free(text);
	text = read_in("kc", "kubelet-node-a.kubeconfig");
	ck_assert(strstr(text, "\"system:node:node-a@kubernetes\"") != NULL);
	free(text);
	/* Unchanged inputs: nothing rewritten. */
	struct counts k2 = { 0 };
	o.note_ctx = &k2;
	ck_assert_int_eq(ck_kubeadm_kubeconfigs(&o), 0);
	ck_assert_int_eq(k2.written, 0);
	ck_assert_int_eq(k2.kept, 5);
	/* A new server address rewrites them. */
	struct counts k3 = { 0 };
	o.note_ctx = &k3;
	o.server = "https://10.0.0.1:6443";
	ck_assert_int_eq(ck_kubeadm_kubeconfigs(&o), 0);
	ck_assert_int_eq(k3.written, 5);
}
END_TEST

Suite *ck_test_suite_kubeadm(void)
{
	Suite *s = suite_create("kubeadm");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kubeadm_certs);
	tcase_add_test(tc, test_kubeadm_kubeconfigs);
	suite_add_tcase(s, tc);
	return s;
}
