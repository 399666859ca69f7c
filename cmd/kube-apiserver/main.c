/* kube-apiserver: flags into the config, start, wait for a signal, stop. */
#include <stdio.h>
#include <string.h>

#include "apiserver/apiserver.h"
#include "util/flags.h"
#include "util/log.h"
#include "util/rlimit.h"
#include "util/limits.h"
#include "util/scavenger.h"
#include "util/signal.h"

int main(int argc, char **argv)
{
	struct ck_apiserver_config cfg;
	ck_apiserver_config_defaults(&cfg);
	int64_t event_ttl = cfg.event_ttl_ms, compaction = cfg.etcd_compaction_interval_ms;
	int64_t request_timeout = cfg.request_timeout_ms, min_timeout = cfg.min_request_timeout_s;
	int threads = 0;
	int handler_threads = 0;
	int64_t bookmarks = cfg.watch_bookmark_interval_ms;
	const struct ck_flag flags[] = {
		{ "etcd-servers", CK_FLAG_STRING, &cfg.etcd_servers,
		  "List of etcd servers to connect with (scheme://ip:port), comma separated." },
		{ "etcd-prefix", CK_FLAG_STRING, &cfg.etcd_prefix,
		  "The prefix to prepend to all resource paths in etcd." },
		{ "etcd-cafile", CK_FLAG_STRING, &cfg.etcd_cafile,
		  "SSL Certificate Authority file used to secure etcd communication." },
		{ "etcd-certfile", CK_FLAG_STRING, &cfg.etcd_certfile,
		  "SSL certification file used to secure etcd communication." },
		{ "etcd-keyfile", CK_FLAG_STRING, &cfg.etcd_keyfile,
		  "SSL key file used to secure etcd communication." },
		{ "etcd-compaction-interval", CK_FLAG_DURATION, &compaction,
		  "The interval of compaction requests. 0 disables compaction." },
		{ "bind-address", CK_FLAG_STRING, &cfg.bind_address,
		  "The IP address on which to listen for the --secure-port port." },
		{ "secure-port", CK_FLAG_INT, &cfg.secure_port,
		  "The port on which to serve HTTPS with authentication and authorization." },
		{ "advertise-address", CK_FLAG_STRING, &cfg.advertise_address,
		  "The IP address on which to advertise the apiserver to members of the cluster." },
		{ "tls-cert-file", CK_FLAG_STRING, &cfg.tls_cert_file,
		  "File containing the default x509 Certificate for HTTPS." },
		{ "tls-private-key-file", CK_FLAG_STRING, &cfg.tls_private_key_file,
		  "File containing the default x509 private key matching --tls-cert-file." },
		{ "cert-dir", CK_FLAG_STRING, &cfg.cert_dir,
		  "The directory where the TLS certs are located (self-signed when none given)." },
		{ "max-requests-inflight", CK_FLAG_INT, &cfg.max_requests_inflight,
		  "The maximum number of non-mutating requests in flight at a given time." },
		{ "max-mutating-requests-inflight", CK_FLAG_INT,
		  &cfg.max_mutating_requests_inflight,
		  "The maximum number of mutating requests in flight at a given time." },
		{ "event-ttl", CK_FLAG_DURATION, &event_ttl, "Amount of time to retain events." },
		{ "request-timeout", CK_FLAG_DURATION, &request_timeout,
		  "The duration a handler must keep a request open before timing it out." },
		{ "min-request-timeout", CK_FLAG_INT64, &min_timeout,
		  "The minimum number of seconds a handler must keep a watch open." },
		{ "http-threads", CK_FLAG_INT, &threads,
		  "HTTP I/O worker threads (0: one per core). ckube only." },
		{ "http-handler-threads", CK_FLAG_INT, &handler_threads,
		  "Threads that run request handlers while their connections wait "
		  "(0: the sum of the in-flight limits). ckube only." },
		{ "watch-bookmark-interval", CK_FLAG_DURATION, &bookmarks,
		  "How often watches that allow bookmarks get one. ckube only, for tests." },
		{ "service-cluster-ip-range", CK_FLAG_STRING, &cfg.service_cluster_ip_range,
		  "A CIDR notation IP range from which to assign service cluster IPs." },
		{ "service-node-port-range", CK_FLAG_STRING, &cfg.service_node_port_range,
		  "A port range to reserve for services with NodePort visibility. Example: "
		  "'30000-32767'. Inclusive at both ends of the range." },
		{ "client-ca-file", CK_FLAG_STRING, &cfg.client_ca_file,
		  "Any request presenting a client certificate signed by one of the authorities "
		  "in the client-ca-file is authenticated with an identity corresponding to the "
		  "CommonName of the client certificate." },
		{ "token-auth-file", CK_FLAG_STRING, &cfg.token_auth_file,
		  "The file that will be used to secure the secure port of the API server via "
		  "token authentication." },
		{ "service-account-key-file", CK_FLAG_STRING, &cfg.service_account_key_file,
		  "PEM-encoded x509 RSA or ECDSA public or private keys used to verify "
		  "ServiceAccount tokens (comma separated; default: the signing key)." },
		{ "service-account-signing-key-file", CK_FLAG_STRING,
		  &cfg.service_account_signing_key_file,
		  "Path to the file that contains the current private key of the service account "
		  "token issuer." },
		{ "service-account-issuer", CK_FLAG_STRING, &cfg.service_account_issuer,
		  "Identifier of the service account token issuer (comma separated; the first "
		  "signs)." },
		{ "api-audiences", CK_FLAG_STRING, &cfg.api_audiences,
		  "Identifiers of the API (comma separated; default: the issuers)." },
		{ "service-account-lookup", CK_FLAG_BOOL, &cfg.service_account_lookup,
		  "If true, validate ServiceAccount tokens exist in etcd as part of "
		  "authentication." },
		{ "anonymous-auth", CK_FLAG_BOOL, &cfg.anonymous_auth,
		  "Enables anonymous requests to the secure port of the API server." },
		{ "authorization-mode", CK_FLAG_STRING, &cfg.authorization_mode,
		  "Ordered list of plug-ins to do authorization on secure port: AlwaysAllow, "
		  "AlwaysDeny, Node, RBAC (comma separated)." },
		{ "enable-admission-plugins", CK_FLAG_STRING, &cfg.enable_admission_plugins,
		  "admission plugins that should be enabled in addition to default enabled ones "
		  "(NamespaceLifecycle, LimitRanger, ServiceAccount, Priority, "
		  "DefaultTolerationSeconds, MutatingAdmissionWebhook, ValidatingAdmissionWebhook, "
		  "ResourceQuota). Comma-delimited list of admission plugins: "
		  "DefaultTolerationSeconds, LimitRanger, MutatingAdmissionWebhook, "
		  "NamespaceLifecycle, NodeRestriction, Priority, ResourceQuota, ServiceAccount, "
		  "ValidatingAdmissionWebhook. The order of plugins in this flag does not "
		  "matter." },
		{ "disable-admission-plugins", CK_FLAG_STRING, &cfg.disable_admission_plugins,
		  "admission plugins that should be disabled although they are in the default "
		  "enabled plugins list. The order of plugins in this flag does not matter." },
		{ "kubelet-client-certificate", CK_FLAG_STRING, &cfg.kubelet_client_certificate,
		  "Path to a client cert file for TLS." },
		{ "kubelet-client-key", CK_FLAG_STRING, &cfg.kubelet_client_key,
		  "Path to a client key file for TLS." },
		{ "kubelet-certificate-authority", CK_FLAG_STRING,
		  &cfg.kubelet_certificate_authority,
		  "Path to a cert file for the certificate authority." },
		{ "kubelet-preferred-address-types", CK_FLAG_STRING,
		  &cfg.kubelet_preferred_address_types,
		  "List of the preferred NodeAddressTypes to use for kubelet connections." },
		{ 0 },
	};
	if (ck_flags_parse("kube-apiserver", flags, argc, argv, NULL) < 0)
		return 1;
	cfg.event_ttl_ms = event_ttl;
	cfg.etcd_compaction_interval_ms = compaction;
	cfg.request_timeout_ms = request_timeout;
	cfg.min_request_timeout_s = min_timeout;
	cfg.threads = threads > 0 ? (unsigned)threads : 0;
	cfg.handler_threads = handler_threads > 0 ? (unsigned)handler_threads : 0;
	cfg.watch_bookmark_interval_ms = bookmarks;
	/* As Go's runtime does for upstream: every watch is a descriptor. */
	if (ck_rlimit_raise_nofile(NULL) < 0)
		ck_log_warn("unable to raise the open-files limit");
	if (ck_signal_setup() < 0)
		ck_log_fatal("unable to set up signal handlers");

	struct ck_apiserver *srv;
	if (ck_apiserver_start(&cfg, &srv) < 0)
		ck_log_fatal("unable to start the API server");
	ck_log_info("serving securely on %s:%d", cfg.bind_address, ck_apiserver_port(srv));
	/* What starting freed (the OpenAPI documents' trees) goes back now. */
	ck_scavenge();
	if (ck_scavenger_start(CK_SCAVENGE_INTERVAL_MS) < 0)
		ck_log_warn("unable to start the memory scavenger");
	ck_signal_wait();
	ck_log_info("shutting down");
	ck_scavenger_stop();
	ck_apiserver_stop(srv);
	return 0;
}
