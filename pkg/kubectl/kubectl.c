/*
 * The session of one ckubectl invocation: kubeconfig, client and discovery
 * made on first use from the global flags; errors printed as kubectl's
 * cmdutil.CheckErr prints them.
 */
#include "kubectl/kubectl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/status.h"
#include "util/str.h"

const struct ck_flag *ck_kubectl_global_flags(struct ck_kubectl_global_options *o)
{
	static struct ck_flag flags[17];
	struct ck_flag f[] = {
		{ "kubeconfig", CK_FLAG_STRING, &o->kubeconfig,
		  "Path to the kubeconfig file to use for CLI requests." },
		{ "context", CK_FLAG_STRING, &o->context,
		  "The name of the kubeconfig context to use" },
		{ "cluster", CK_FLAG_STRING, &o->cluster,
		  "The name of the kubeconfig cluster to use" },
		{ "user", CK_FLAG_STRING, &o->user, "The name of the kubeconfig user to use" },
		{ "namespace", CK_FLAG_STRING, &o->namespace,
		  "If present, the namespace scope for this CLI request" },
		{ "server", CK_FLAG_STRING, &o->server,
		  "The address and port of the Kubernetes API server" },
		{ "token", CK_FLAG_STRING, &o->token,
		  "Bearer token for authentication to the API server" },
		{ "certificate-authority", CK_FLAG_STRING, &o->certificate_authority,
		  "Path to a cert file for the certificate authority" },
		{ "client-certificate", CK_FLAG_STRING, &o->client_certificate,
		  "Path to a client certificate file for TLS" },
		{ "client-key", CK_FLAG_STRING, &o->client_key,
		  "Path to a client key file for TLS" },
		{ "tls-server-name", CK_FLAG_STRING, &o->tls_server_name,
		  "Server name to use for server certificate validation" },
		{ "username", CK_FLAG_STRING, &o->username,
		  "Username for basic authentication to the API server" },
		{ "password", CK_FLAG_STRING, &o->password,
		  "Password for basic authentication to the API server" },
		{ "insecure-skip-tls-verify", CK_FLAG_BOOL, &o->insecure_skip_tls_verify,
		  "If true, the server's certificate will not be checked for validity" },
		{ "request-timeout", CK_FLAG_STRING, &o->request_timeout,
		  "The length of time to wait before giving up on a single server request (0: "
		  "none)" },
		{ 0 },
	};
	CK_BUG_ON(CK_ARRAY_SIZE(f) > CK_ARRAY_SIZE(flags));
	memcpy(flags, f, sizeof(f));
	return flags;
}

const struct ck_flag_shorthand *ck_kubectl_global_shorthands(void)
{
	static const struct ck_flag_shorthand s[] = { { 'n', "namespace" }, { 0 } };
	return s;
}

void ck_kubectl_init(struct ck_kubectl *k)
{
	memset(k, 0, sizeof(*k));
	k->out = stdout;
	k->err = stderr;
	k->in = stdin;
	ck_client_config_init(&k->config);
}

void ck_kubectl_release(struct ck_kubectl *k)
{
	if (!k)
		return;
	ck_discovery_client_free(k->discovery);
	ck_client_free(k->client);
	ck_kubeconfig_free(k->kubeconfig);
	ck_client_config_release(&k->config);
	free(k->namespace);
	memset(k, 0, sizeof(*k));
}

int ck_kubectl_fail(struct ck_kubectl *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", k->err);
	vfprintf(k->err, fmt, ap);
	fputc('\n', k->err);
	va_end(ap);
	return 1;
}

/* kubectl's --request-timeout: "0" (none), plain seconds, or a duration. */
static int parse_request_timeout(const char *s, int64_t *ret_ms)
{
	int64_t secs;
	if (ck_str_to_int64(s, &secs) == 0 && secs >= 0) {
		*ret_ms = secs * 1000;
		return 0;
	}
	return ck_parse_duration_ms(s, ret_ms);
}

static int load(struct ck_kubectl *k)
{
	if (k->loaded)
		return 0;
	const struct ck_kubectl_global_options *o = &k->opts;
	struct ck_kubeconfig_loading_rules rules = { .explicit_path = o->kubeconfig };
	struct ck_kubeconfig_overrides ov = {
		.context = o->context,
		.cluster = o->cluster,
		.user = o->user,
		.namespace = o->namespace,
		.server = o->server,
		.token = o->token,
		.certificate_authority = o->certificate_authority,
		.client_certificate = o->client_certificate,
		.client_key = o->client_key,
		.tls_server_name = o->tls_server_name,
		.username = o->username,
		.password = o->password,
		.insecure_skip_tls_verify = o->insecure_skip_tls_verify ? 1 : -1,
		.default_server = "http://localhost:8080",
	};
	char *msg = NULL;
	int64_t timeout_ms = 0;
	if (o->request_timeout && parse_request_timeout(o->request_timeout, &timeout_ms) < 0) {
		ck_kubectl_fail(k, "invalid argument \"%s\" for \"--request-timeout\" flag",
				o->request_timeout);
		return -EINVAL;
	}
	int r = ck_kubeconfig_load(&rules, &k->kubeconfig, &msg);
	if (r < 0) {
		ck_kubectl_fail(k, "%s", msg ? msg : strerror(-r));
		free(msg);
		return r;
	}
	r = ck_client_config_load(&rules, &ov, NULL, &k->config, &k->namespace,
				  &k->namespace_explicit, &msg);
	if (r < 0) {
		ck_kubectl_fail(k, "%s", msg ? msg : strerror(-r));
		free(msg);
		ck_client_config_init(&k->config);
		return r;
	}
	k->config.timeout_ms = timeout_ms;
	/* kubectl's own rate limit (it turns client-go's off for discovery bursts) */
	k->config.qps = -1;
	k->loaded = true;
	return 0;
}

int ck_kubectl_kubeconfig(struct ck_kubectl *k, struct ck_kubeconfig **ret)
{
	if (!k->kubeconfig) {
		struct ck_kubeconfig_loading_rules rules = { .explicit_path = k->opts.kubeconfig };
		char *msg = NULL;
		int r = ck_kubeconfig_load(&rules, &k->kubeconfig, &msg);
		if (r < 0) {
			ck_kubectl_fail(k, "%s", msg ? msg : strerror(-r));
			free(msg);
			return r;
		}
	}
	*ret = k->kubeconfig;
	return 0;
}

int ck_kubectl_client(struct ck_kubectl *k, struct ck_client **ret)
{
	if (!k->client) {
		/* the kubeconfig alone may have been loaded for `config` */
		if (!k->loaded && k->kubeconfig) {
			ck_kubeconfig_free(k->kubeconfig);
			k->kubeconfig = NULL;
		}
		int r = load(k);
		if (r < 0)
			return r;
		char *msg = NULL;
		r = ck_client_new(&k->config, &k->client, &msg);
		if (r < 0) {
			ck_kubectl_fail(k, "%s", msg ? msg : strerror(-r));
			free(msg);
			return r;
		}
	}
	*ret = k->client;
	return 0;
}

const char *ck_kubectl_namespace(struct ck_kubectl *k)
{
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return NULL;
	return k->namespace ? k->namespace : "default";
}

static int discovery(struct ck_kubectl *k, struct ck_discovery_client **ret)
{
	struct ck_client *c;
	int r = ck_kubectl_client(k, &c);
	if (r < 0)
		return r;
	if (!k->discovery)
		k->discovery = ck_discovery_client_new(c, -1);
	*ret = k->discovery;
	return 0;
}

int ck_kubectl_resolve(struct ck_kubectl *k, const char *arg, struct ck_api_resource *ret)
{
	struct ck_discovery_client *d;
	int r = discovery(k, &d);
	if (r < 0)
		return r;
	struct ck_client_error err;
	ck_client_error_init(&err);
	r = ck_discovery_client_resolve(d, arg, ret, &err);
	if (r < 0) {
		if (err.code == 0 && !err.status && err.message[0] && r == -ENOENT)
			ck_kubectl_fail(k, "%s", err.message);
		else
			ck_kubectl_print_error(k, &err);
	}
	ck_client_error_release(&err);
	return r;
}

int ck_kubectl_resource_for_kind(struct ck_kubectl *k, const char *api_version, const char *kind,
				 struct ck_api_resource *ret, struct ck_client_error *err)
{
	struct ck_discovery_client *d;
	int r = discovery(k, &d);
	if (r < 0)
		return r;
	return ck_discovery_client_for_kind(d, api_version, kind, ret, err);
}

int ck_kubectl_resources(struct ck_kubectl *k, struct ck_api_resource_list **ret)
{
	struct ck_discovery_client *d;
	int r = discovery(k, &d);
	if (r < 0)
		return r;
	struct ck_client_error err;
	ck_client_error_init(&err);
	r = ck_discovery_client_resources(d, ret, &err);
	if (r < 0)
		ck_kubectl_print_error(k, &err);
	ck_client_error_release(&err);
	return r;
}

/* The host of the URL quoted in a url.Error message: `Get "https://h:p/x": …`. */
static void url_host(const char *msg, char *out, size_t size)
{
	out[0] = '\0';
	const char *q = strchr(msg, '"');
	if (!q)
		return;
	const char *h = strstr(q, "://");
	h = h ? h + 3 : q + 1;
	size_t n = strcspn(h, "/\"");
	snprintf(out, size, "%.*s", (int)n, h);
}

int ck_kubectl_print_error(struct ck_kubectl *k, const struct ck_client_error *err)
{
	if (err->status) {
		const char *reason = ck_status_reason(err->status);
		const char *message = ck_status_message(err->status);
		if (!message[0])
			message = err->message;
		if (strcmp(reason, "Unauthorized") == 0)
			fprintf(k->err, "error: You must be logged in to the server (%s)\n",
				message);
		else if (reason[0])
			fprintf(k->err, "Error from server (%s): %s\n", reason, message);
		else
			fprintf(k->err, "Error from server: %s\n", message);
		return 1;
	}
	if (err->code == 0 && strchr(err->message, '"')) {
		char host[256];
		url_host(err->message, host, sizeof(host));
		if (strstr(err->message, "connection refused")) {
			fprintf(k->err,
				"The connection to the server %s was refused - did you specify the "
				"right host or port?\n",
				host);
			return 1;
		}
		const char *why = strstr(err->message, "\": ");
		fprintf(k->err, "Unable to connect to the server: %s\n",
			why ? why + 3 : err->message);
		return 1;
	}
	return ck_kubectl_fail(k, "%s", err->message[0] ? err->message : "unknown error");
}

char *ck_kubectl_kind_ref(const char *group, const char *kind)
{
	struct ck_buf b = CK_BUF_INIT;
	for (const char *p = kind; *p; p++)
		ck_buf_addc(&b, (char)tolower((unsigned char)*p));
	if (group && group[0])
		ck_buf_addf(&b, ".%s", group);
	return ck_buf_detach(&b, NULL);
}
