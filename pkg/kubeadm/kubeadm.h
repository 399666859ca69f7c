/*
 * What `ckubeadm` does (the role of upstream kubeadm's "certs" and
 * "kubeconfig" init phases, no more): the cluster's PKI in one directory
 * and a kubeconfig for each control-plane client.
 *
 * Files under cert_dir (kubeadm's names where kubeadm has them):
 *   ca.crt, ca.key                     the cluster CA (10 years)
 *   apiserver.crt, apiserver.key       serving: the hostnames and IPs given,
 *                                      kubernetes[.default[.svc[.<domain>]]],
 *                                      localhost, 127.0.0.1, the first
 *                                      Service IP (10.96.0.1)
 *   apiserver-kubelet-client.{crt,key} API server → kubelet (O=system:masters)
 *   sa.key, sa.pub                     service-account signing pair (RSA 2048)
 *   admin.{crt,key}                    CN=kubernetes-admin, O=system:masters
 *   kube-scheduler.{crt,key}           CN=system:kube-scheduler
 *   kube-controller-manager.{crt,key}  CN=system:kube-controller-manager
 *   kubelet-<node>.{crt,key}           CN=system:node:<node>, O=system:nodes
 *   kube-proxy.{crt,key}               CN=system:kube-proxy
 * and under out_dir: admin.kubeconfig, scheduler.kubeconfig,
 * controller-manager.kubeconfig, kubelet-<node>.kubeconfig,
 * kube-proxy.kubeconfig, each with the CA, certificate and key embedded
 * (the *-data fields).
 *
 * Idempotent: a file that is still good (ck_pki_check_cert: parses, not
 * about to expire, signed by the current CA, names and usages as asked) is
 * kept; a kubeconfig is rewritten only when its content would change. A new
 * CA invalidates, and so renews, everything it signed.
 */
#ifndef CK_KUBEADM_KUBEADM_H
#define CK_KUBEADM_KUBEADM_H

#include <stdbool.h>

/* Told about each file: its path and whether it was (re)written. */
typedef void (*ck_kubeadm_note_fn)(void *ctx, const char *path, bool written);

struct ck_kubeadm_certs_options {
	const char *cert_dir;	       /* required */
	const char *advertise_address; /* an IP; may be NULL */
	const char *const *extra_sans; /* DNS names or IPs, NULL-terminated */
	const char *const *node_names; /* kubelets, NULL-terminated; NULL: hostname */
	const char *service_ip;	       /* NULL: "10.96.0.1" */
	const char *dns_domain;	       /* NULL: "cluster.local" */
	ck_kubeadm_note_fn note;       /* may be NULL */
	void *note_ctx;
};

/* Makes (or keeps) every certificate and key. 0 or a negative errno. */
int ck_kubeadm_certs(const struct ck_kubeadm_certs_options *o);

struct ck_kubeadm_kubeconfig_options {
	const char *cert_dir;	       /* required: where ckubeadm certs wrote */
	const char *server;	       /* required: "https://127.0.0.1:6443" */
	const char *out_dir;	       /* required */
	const char *const *node_names; /* NULL: hostname */
	const char *cluster_name;      /* NULL: "kubernetes" */
	ck_kubeadm_note_fn note;
	void *note_ctx;
};

/* Writes (or keeps) every kubeconfig. 0 or a negative errno. */
int ck_kubeadm_kubeconfigs(const struct ck_kubeadm_kubeconfig_options *o);

/*
 * One kubeconfig's text for a user with an embedded client certificate
 * (all PEM): cluster cluster_name at server, user user_name, context
 * "<user>@<cluster>" current. Owned by the caller.
 */
char *ck_kubeadm_kubeconfig_text(const char *cluster_name, const char *server, const char *ca_pem,
				 const char *user_name, const char *cert_pem, const char *key_pem);

/* The default node name: the hostname, lowercased (kubeadm's). Owned. */
char *ck_kubeadm_default_node_name(void);

#endif
