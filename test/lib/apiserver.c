#include "apiserver.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "kubeadm/kubeadm.h"
#include "proc.h"
#include "runner.h"

struct ck_test_apiserver {
	pid_t pid;
	char *dir;
	char url[64];
	char log_file[512];
	char kubeconfig[512];
};

static int write_kubeconfig(struct ck_test_apiserver *s)
{
	FILE *f = fopen(s->kubeconfig, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n"
		"    server: %s\n    insecure-skip-tls-verify: true\ncontexts:\n- name: test\n"
		"  context:\n    cluster: test\n    user: test\n    namespace: default\n"
		"current-context: test\nusers:\n- name: test\n  user:\n    token: test\n",
		s->url);
	return fclose(f) == 0 ? 0 : -EIO;
}

static int wait_ready(struct ck_test_apiserver *s)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/readyz", s->url);
	double deadline = ck_test_now_ms() + ck_test_timeout(30) * 1000;
	while (ck_test_now_ms() < deadline) {
		if (ck_test_exited(s->pid)) {
			s->pid = 0;
			return -EIO;
		}
		struct ck_test_response r;
		int ok = ck_test_http("GET", url, NULL, NULL, NULL, &r) == 0 && r.code == 200;
		ck_test_response_release(&r);
		if (ok)
			return 0;
		ck_test_sleep_ms(20);
	}
	return -ETIMEDOUT;
}

int ck_test_apiserver_start(const struct ck_test_apiserver_options *opts,
			    struct ck_test_apiserver **ret)
{
	struct ck_test_apiserver *s = calloc(1, sizeof(*s));
	int port, r;
	if (!s || !(s->dir = ck_test_mkdtemp(NULL, "ck-apiserver")))
		return -ENOMEM;
	if ((r = ck_test_free_ports(&port, 1)) < 0)
		goto fail;
	snprintf(s->url, sizeof(s->url), "https://127.0.0.1:%d", port);
	snprintf(s->log_file, sizeof(s->log_file), "%s/apiserver.log", s->dir);
	snprintf(s->kubeconfig, sizeof(s->kubeconfig), "%s/kubeconfig", s->dir);
	if ((r = write_kubeconfig(s)) < 0)
		goto fail;
	char pki[600];
	snprintf(pki, sizeof(pki), "%s/pki", s->dir);
	if (opts->secure) {
		struct ck_kubeadm_certs_options co = { .cert_dir = pki };
		struct ck_kubeadm_kubeconfig_options ko = { .cert_dir = pki,
							    .server = s->url,
							    .out_dir = s->dir };
		if ((r = ck_kubeadm_certs(&co)) < 0 || (r = ck_kubeadm_kubeconfigs(&ko)) < 0)
			goto fail;
		snprintf(s->kubeconfig, sizeof(s->kubeconfig), "%s/admin.kubeconfig", s->dir);
	}

	char bin[768], port_s[16], etcd[256], certs[600];
	ck_test_bin_path("kube-apiserver", bin, sizeof(bin));
	snprintf(port_s, sizeof(port_s), "%d", port);
	snprintf(etcd, sizeof(etcd), "--etcd-servers=%s", opts->etcd_endpoint);
	snprintf(certs, sizeof(certs), "--cert-dir=%s/certs", s->dir);
	const char *argv[64] = { bin,	 etcd, "--bind-address=127.0.0.1", "--secure-port",
				 port_s, certs };
	size_t n = 6;
	char secure[8][700];
	if (opts->secure) {
		static const char *const fmt[] = {
			"--tls-cert-file=%s/apiserver.crt",
			"--tls-private-key-file=%s/apiserver.key",
			"--client-ca-file=%s/ca.crt",
			"--kubelet-client-certificate=%s/apiserver-kubelet-client.crt",
			"--kubelet-client-key=%s/apiserver-kubelet-client.key",
			"--service-account-key-file=%s/sa.pub",
			"--service-account-signing-key-file=%s/sa.key",
		};
		for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
			snprintf(secure[i], sizeof(secure[i]), fmt[i], pki);
			argv[n++] = secure[i];
		}
		argv[n++] = "--service-account-issuer=" CK_TEST_SA_ISSUER;
		argv[n++] = "--authorization-mode=Node,RBAC";
		argv[n++] = "--enable-admission-plugins=NodeRestriction";
	}
	/*
	 * As upstream's integration tests: no controller creates `default`
	 * service accounts here, and tests set spec.priority directly, so
	 * ServiceAccount and Priority admission are off unless a test's own
	 * --disable-admission-plugins (given later, so it wins) says otherwise.
	 */
	argv[n++] = "--disable-admission-plugins=ServiceAccount,Priority";
	for (size_t i = 0; opts->extra_args && opts->extra_args[i] && n < 62; i++)
		argv[n++] = opts->extra_args[i];
	argv[n] = NULL;
	if ((r = ck_test_spawn(argv, s->log_file, &s->pid)) < 0)
		goto fail;
	if ((r = wait_ready(s)) < 0) {
		ck_test_print_log_tail(s->log_file, 30);
		goto fail;
	}
	*ret = s;
	return 0;
fail:
	ck_test_apiserver_free(s);
	return r;
}

const char *ck_test_apiserver_url(const struct ck_test_apiserver *s)
{
	return s->url;
}

const char *ck_test_apiserver_kubeconfig(const struct ck_test_apiserver *s)
{
	return s->kubeconfig;
}

int ck_test_apiserver_pid(const struct ck_test_apiserver *s)
{
	return s->pid;
}

const char *ck_test_apiserver_dir(const struct ck_test_apiserver *s)
{
	return s->dir;
}

int ck_test_apiserver_stop(struct ck_test_apiserver *s, int crash)
{
	int r = ck_test_stop(s->pid, crash ? SIGKILL : SIGTERM, 10000);
	s->pid = 0;
	return r;
}

int ck_test_apiserver_terminate(struct ck_test_apiserver *s, int ms, int *ret_status)
{
	int r = ck_test_stop_status(s->pid, SIGTERM, ms, ret_status);
	s->pid = 0;
	return r;
}

void ck_test_apiserver_free(struct ck_test_apiserver *s)
{
	if (!s)
		return;
	if (s->pid)
		ck_test_apiserver_stop(s, 0);
	if (ck_test_child_reported(s->log_file))
		fprintf(stderr, "kube-apiserver sanitizer report: log kept in %s\n", s->log_file);
	else
		ck_test_rmtree(s->dir);
	free(s->dir);
	free(s);
}
