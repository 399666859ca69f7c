/*
 * A real kube-apiserver for tests: the built binary ($CK_BIN_DIR, else
 * _output/bin) on a free loopback port, against a given etcd, with its own
 * temporary directory (certificates, log, a kubeconfig for kubectl and the
 * Python client). Stopped by PID; the directory is removed on free.
 */
#ifndef CK_TEST_APISERVER_H
#define CK_TEST_APISERVER_H

struct ck_test_apiserver;

struct ck_test_apiserver_options {
	const char *etcd_endpoint; /* required */
	/* Extra flags, NULL-terminated; may be NULL. */
	const char *const *extra_args;
	/*
	 * A secured server, as `make cluster` runs it: a cluster PKI made
	 * in its directory (ckubeadm's files under pki/), serving with
	 * pki/apiserver.crt, client certificates verified against pki/ca.crt,
	 * service-account tokens signed with pki/sa.key (issuer
	 * CK_TEST_SA_ISSUER), --authorization-mode=Node,RBAC and NodeRestriction
	 * admission; the kubeconfig then
	 * uses the admin client certificate (system:masters). Without it the
	 * server is permissive (AlwaysAllow, anonymous), upstream's defaults.
	 */
	int secure;
};

#define CK_TEST_SA_ISSUER "https://kubernetes.default.svc.cluster.local"

/* Starts it and waits until /readyz answers ok. The caller owns *ret. */
int ck_test_apiserver_start(const struct ck_test_apiserver_options *opts,
			    struct ck_test_apiserver **ret);
/* "https://127.0.0.1:PORT"; borrowed. */
const char *ck_test_apiserver_url(const struct ck_test_apiserver *s);
/* A kubeconfig pointing at it (insecure-skip-tls-verify); borrowed path. */
const char *ck_test_apiserver_kubeconfig(const struct ck_test_apiserver *s);
int ck_test_apiserver_pid(const struct ck_test_apiserver *s);
/* The server's directory (secure servers: the PKI is in <dir>/pki); borrowed. */
const char *ck_test_apiserver_dir(const struct ck_test_apiserver *s);
/* SIGTERM and reap (or SIGKILL with crash). */
int ck_test_apiserver_stop(struct ck_test_apiserver *s, int crash);
/*
 * SIGTERM, then waits up to ms for it to exit and reaps it: 0 with its wait
 * status in *ret_status (may be NULL), or -ETIMEDOUT when it did not exit
 * in time (it is then killed).
 */
int ck_test_apiserver_terminate(struct ck_test_apiserver *s, int ms, int *ret_status);
/* Stops if running, removes the directory, frees. NULL-safe. */
void ck_test_apiserver_free(struct ck_test_apiserver *s);

#endif
