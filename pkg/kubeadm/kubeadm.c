#include "kubeadm/kubeadm.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/pki.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define CA_DAYS (10 * 365)
#define CERT_DAYS 365

char *ck_kubeadm_default_node_name(void)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) == -1 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	for (char *p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return ck_strdup(host);
}

static void note(ck_kubeadm_note_fn fn, void *ctx, const char *dir, const char *base,
		 const char *ext, bool written)
{
	if (!fn)
		return;
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s%s", dir, base, ext);
	fn(ctx, path, written);
}

static bool is_ip(const char *s)
{
	unsigned char tmp[16];
	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

/* A growable NULL-terminated list of borrowed or owned strings. */
struct strlist {
	const char **v;
	size_t n;
	char **owned;
	size_t nowned;
};

static void list_add(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (ck_streq(l->v[i], s))
			return;
	l->v = ck_realloc(l->v, (l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static const char *list_own(struct strlist *l, char *s)
{
	l->owned = ck_realloc(l->owned, (l->nowned + 1) * sizeof(*l->owned));
	l->owned[l->nowned++] = s;
	return s;
}

static void list_release(struct strlist *l)
{
	for (size_t i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The node names given, or the hostname; into l (owned there when made). */
static void node_names(struct strlist *l, const char *const *given)
{
	for (size_t i = 0; given && given[i]; i++)
		if (*given[i])
			list_add(l, given[i]);
	if (!l->n)
		list_add(l, list_own(l, ck_kubeadm_default_node_name()));
}

struct client {
	const char *base;	/* file base name */
	const char *kubeconfig; /* kubeconfig base name, NULL for none */
	const char *cn;
	const char *org; /* NULL for none */
};

static const struct client clients[] = {
	{ "admin", "admin", "kubernetes-admin", "system:masters" },
	{ "kube-scheduler", "scheduler", "system:kube-scheduler", NULL },
	{ "kube-controller-manager", "controller-manager", "system:kube-controller-manager", NULL },
	{ "kube-proxy", "kube-proxy", "system:kube-proxy", NULL },
	{ "apiserver-kubelet-client", NULL, "kube-apiserver-kubelet-client", "system:masters" },
};

static int read_ca(const char *dir, char **ret_cert, char **ret_key)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/ca.crt", dir);
	int r = ck_pki_read_file(path, ret_cert);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/ca.key", dir);
	if ((r = ck_pki_read_file(path, ret_key)) < 0)
		ck_free(ret_cert);
	return r;
}

int ck_kubeadm_certs(const struct ck_kubeadm_certs_options *o)
{
	char *ca_cert = NULL, *ca_key = NULL;
	struct strlist dns = { 0 }, ips = { 0 }, nodes = { 0 };
	bool written;
	int r;

	/* The CA first: everything else is signed by it. */
	struct ck_pki_cert_spec ca = { .cn = "kubernetes", .days = CA_DAYS, .is_ca = true };
	if ((r = ck_pki_ensure_cert(o->cert_dir, "ca", &ca, NULL, NULL, &written)) < 0)
		goto out;
	note(o->note, o->note_ctx, o->cert_dir, "ca", ".crt", written);
	if ((r = read_ca(o->cert_dir, &ca_cert, &ca_key)) < 0)
		goto out;

	/* The serving certificate. */
	const char *domain = o->dns_domain ? o->dns_domain : "cluster.local";
	char *host = ck_kubeadm_default_node_name();
	list_add(&dns, list_own(&dns, host));
	list_add(&dns, "kubernetes");
	list_add(&dns, "kubernetes.default");
	list_add(&dns, "kubernetes.default.svc");
	struct ck_buf fq = CK_BUF_INIT;
	ck_buf_addf(&fq, "kubernetes.default.svc.%s", domain);
	list_add(&dns, list_own(&dns, ck_buf_detach(&fq, NULL)));
	list_add(&dns, "localhost");
	list_add(&ips, o->service_ip ? o->service_ip : "10.96.0.1");
	list_add(&ips, "127.0.0.1");
	if (o->advertise_address && *o->advertise_address) {
		if (!is_ip(o->advertise_address)) {
			r = -EINVAL;
			goto out;
		}
		list_add(&ips, o->advertise_address);
	}
	for (size_t i = 0; o->extra_sans && o->extra_sans[i]; i++) {
		if (!*o->extra_sans[i])
			continue;
		list_add(is_ip(o->extra_sans[i]) ? &ips : &dns, o->extra_sans[i]);
	}
	struct ck_pki_cert_spec serving = {
		.cn = "kube-apiserver",
		.dns_names = dns.v,
		.ips = ips.v,
		.days = CERT_DAYS,
		.server_auth = true,
	};
	if ((r = ck_pki_ensure_cert(o->cert_dir, "apiserver", &serving, ca_cert, ca_key,
				    &written)) < 0)
		goto out;
	note(o->note, o->note_ctx, o->cert_dir, "apiserver", ".crt", written);

	/* Client certificates. */
	for (size_t i = 0; i < CK_ARRAY_SIZE(clients); i++) {
		const char *orgs[] = { clients[i].org, NULL };
		struct ck_pki_cert_spec spec = {
			.cn = clients[i].cn,
			.orgs = clients[i].org ? orgs : NULL,
			.days = CERT_DAYS,
			.client_auth = true,
		};
		if ((r = ck_pki_ensure_cert(o->cert_dir, clients[i].base, &spec, ca_cert, ca_key,
					    &written)) < 0)
			goto out;
		note(o->note, o->note_ctx, o->cert_dir, clients[i].base, ".crt", written);
	}
	node_names(&nodes, o->node_names);
	for (size_t i = 0; i < nodes.n; i++) {
		char cn[512], base[512];
		snprintf(cn, sizeof(cn), "system:node:%s", nodes.v[i]);
		snprintf(base, sizeof(base), "kubelet-%s", nodes.v[i]);
		static const char *const orgs[] = { "system:nodes", NULL };
		struct ck_pki_cert_spec spec = {
			.cn = cn,
			.orgs = orgs,
			.days = CERT_DAYS,
			.client_auth = true,
		};
		if ((r = ck_pki_ensure_cert(o->cert_dir, base, &spec, ca_cert, ca_key, &written)) <
		    0)
			goto out;
		note(o->note, o->note_ctx, o->cert_dir, base, ".crt", written);
	}

	/* The service-account signing pair. */
	if ((r = ck_pki_ensure_key_pair(o->cert_dir, "sa", CK_PKI_KEY_RSA2048, &written)) < 0)
		goto out;
	note(o->note, o->note_ctx, o->cert_dir, "sa", ".key", written);
out:
	free(ca_cert);
	free(ca_key);
	list_release(&dns);
	list_release(&ips);
	list_release(&nodes);
	return r;
}

/* ---- kubeconfigs ---- */

static void add_b64(struct ck_buf *b, const char *field, const char *pem)
{
	char *enc = ck_base64_encode(pem, strlen(pem));
	ck_buf_addf(b, "    %s: %s\n", field, enc);
	free(enc);
}

char *ck_kubeadm_kubeconfig_text(const char *cluster_name, const char *server, const char *ca_pem,
				 const char *user_name, const char *cert_pem, const char *key_pem)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_adds(&b, "apiVersion: v1\nclusters:\n- cluster:\n");
	add_b64(&b, "certificate-authority-data", ca_pem);
	/* Names are quoted: "system:..." needs it in YAML. */
	ck_buf_addf(&b, "    server: %s\n  name: \"%s\"\n", server, cluster_name);
	ck_buf_addf(&b,
		    "contexts:\n- context:\n    cluster: \"%s\"\n    user: \"%s\"\n"
		    "  name: \"%s@%s\"\n",
		    cluster_name, user_name, user_name, cluster_name);
	ck_buf_addf(&b, "current-context: \"%s@%s\"\nkind: Config\npreferences: {}\nusers:\n",
		    user_name, cluster_name);
	ck_buf_addf(&b, "- name: \"%s\"\n  user:\n", user_name);
	/* add_b64 indents by four: user fields sit at that depth. */
	add_b64(&b, "client-certificate-data", cert_pem);
	add_b64(&b, "client-key-data", key_pem);
	return ck_buf_detach(&b, NULL);
}

static int write_kubeconfig(const struct ck_kubeadm_kubeconfig_options *o, const char *ca_pem,
			    const char *file_base, const char *out_name, const char *user_name)
{
	char path[1024];
	char *cert = NULL, *key = NULL, *text = NULL, *old = NULL;
	int r;
	snprintf(path, sizeof(path), "%s/%s.crt", o->cert_dir, file_base);
	if ((r = ck_pki_read_file(path, &cert)) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.key", o->cert_dir, file_base);
	if ((r = ck_pki_read_file(path, &key)) < 0)
		goto out;
	text = ck_kubeadm_kubeconfig_text(o->cluster_name ? o->cluster_name : "kubernetes",
					  o->server, ca_pem, user_name, cert, key);
	snprintf(path, sizeof(path), "%s/%s.kubeconfig", o->out_dir, out_name);
	ck_pki_read_file(path, &old);
	bool written = !ck_streq(old, text);
	if (written && (r = ck_pki_write_file(path, text, 0600)) < 0)
		goto out;
	if (o->note)
		o->note(o->note_ctx, path, written);
out:
	free(cert);
	free(key);
	free(text);
	free(old);
	return r;
}

int ck_kubeadm_kubeconfigs(const struct ck_kubeadm_kubeconfig_options *o)
{
	char *ca = NULL;
	struct strlist nodes = { 0 };
	char path[1024];
	int r;
	if (mkdir(o->out_dir, 0755) == -1 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/ca.crt", o->cert_dir);
	if ((r = ck_pki_read_file(path, &ca)) < 0)
		return r;
	for (size_t i = 0; i < CK_ARRAY_SIZE(clients); i++) {
		if (!clients[i].kubeconfig)
			continue;
		if ((r = write_kubeconfig(o, ca, clients[i].base, clients[i].kubeconfig,
					  clients[i].cn)) < 0)
			goto out;
	}
	node_names(&nodes, o->node_names);
	for (size_t i = 0; i < nodes.n; i++) {
		char base[512], user[512];
		snprintf(base, sizeof(base), "kubelet-%s", nodes.v[i]);
		snprintf(user, sizeof(user), "system:node:%s", nodes.v[i]);
		if ((r = write_kubeconfig(o, ca, base, base, user)) < 0)
			goto out;
	}
out:
	free(ca);
	list_release(&nodes);
	return r;
}
