/*
 * ckubeadm: the cluster's certificates and kubeconfigs (upstream kubeadm's
 * certs and kubeconfig phases).
 *   ckubeadm certs --cert-dir DIR [--apiserver-advertise-address IP]
 *                  [--apiserver-cert-extra-sans a,b] [--node-name n1,n2]
 *   ckubeadm kubeconfig --cert-dir DIR --server URL --out-dir DIR [--node-name n1,n2]
 */
#include <stdio.h>
#include <string.h>

#include "kubeadm/kubeadm.h"
#include "util/flags.h"
#include "util/log.h"
#include "util/str.h"

static void note(void *ctx, const char *path, bool written)
{
	(void)ctx;
	printf("[%s] %s\n", written ? "wrote" : "kept", path);
}

static void usage(void)
{
	fprintf(stderr, "usage: ckubeadm certs|kubeconfig [flags]; ckubeadm <command> --help\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		usage();
		return argc < 2 ? 1 : 0;
	}
	const char *cmd = argv[1];
	const char *cert_dir = "/etc/kubernetes/pki", *advertise = NULL, *sans = NULL;
	const char *nodes = NULL, *server = NULL, *out_dir = NULL, *service_ip = NULL;
	const char *domain = NULL;
	const struct ck_flag certs_flags[] = {
		{ "cert-dir", CK_FLAG_STRING, &cert_dir,
		  "The path where to save the certificates." },
		{ "apiserver-advertise-address", CK_FLAG_STRING, &advertise,
		  "The IP address the API server will advertise it's listening on." },
		{ "apiserver-cert-extra-sans", CK_FLAG_STRING, &sans,
		  "Extra Subject Alternative Names (IPs and DNS names) for the serving cert, "
		  "comma separated." },
		{ "node-name", CK_FLAG_STRING, &nodes,
		  "Node names to make kubelet client certificates for, comma separated "
		  "(default: the hostname)." },
		{ "service-ip", CK_FLAG_STRING, &service_ip,
		  "The first Service IP (default 10.96.0.1). ckube only." },
		{ "service-dns-domain", CK_FLAG_STRING, &domain,
		  "The cluster's DNS domain (default cluster.local)." },
		{ 0 },
	};
	const struct ck_flag kubeconfig_flags[] = {
		{ "cert-dir", CK_FLAG_STRING, &cert_dir, "The path where the certificates are." },
		{ "server", CK_FLAG_STRING, &server, "The API server URL the kubeconfigs name." },
		{ "out-dir", CK_FLAG_STRING, &out_dir, "Where to write the kubeconfig files." },
		{ "node-name", CK_FLAG_STRING, &nodes,
		  "Node names to write kubelet kubeconfigs for, comma separated." },
		{ 0 },
	};
	char **san_list = NULL, **node_list = NULL;
	int rc = 1, r;
	if (ck_streq(cmd, "certs")) {
		if (ck_flags_parse("ckubeadm certs", certs_flags, argc - 1, argv + 1, NULL) < 0)
			goto out;
		san_list = sans ? ck_str_split(sans, ',', 0) : NULL;
		node_list = nodes ? ck_str_split(nodes, ',', 0) : NULL;
		struct ck_kubeadm_certs_options o = {
			.cert_dir = cert_dir,
			.advertise_address = advertise,
			.extra_sans = (const char *const *)san_list,
			.node_names = (const char *const *)node_list,
			.service_ip = service_ip,
			.dns_domain = domain,
			.note = note,
		};
		if ((r = ck_kubeadm_certs(&o)) < 0) {
			ck_log_error("unable to make the certificates in '%s': %s", cert_dir,
				     strerror(-r));
			goto out;
		}
	} else if (ck_streq(cmd, "kubeconfig")) {
		if (ck_flags_parse("ckubeadm kubeconfig", kubeconfig_flags, argc - 1, argv + 1,
				   NULL) < 0)
			goto out;
		if (!server || !out_dir) {
			ck_log_error("--server and --out-dir are required");
			goto out;
		}
		node_list = nodes ? ck_str_split(nodes, ',', 0) : NULL;
		struct ck_kubeadm_kubeconfig_options o = {
			.cert_dir = cert_dir,
			.server = server,
			.out_dir = out_dir,
			.node_names = (const char *const *)node_list,
			.note = note,
		};
		if ((r = ck_kubeadm_kubeconfigs(&o)) < 0) {
			ck_log_error("unable to write the kubeconfigs in '%s': %s", out_dir,
				     strerror(-r));
			goto out;
		}
	} else {
		usage();
		goto out;
	}
	rc = 0;
out:
	ck_strv_free(san_list);
	ck_strv_free(node_list);
	return rc;
}
