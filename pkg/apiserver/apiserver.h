/*
 * kube-apiserver: the cluster's only entrance. One struct ck_apiserver is
 * one running server: its HTTPS listener, its etcd client and storage, a
 * watch cache per resource, discovery, metrics. It is stateless beyond
 * etcd: two servers on one etcd serve the same cluster.
 *
 * Request path: the HTTP server hands over a complete request; the handler
 * parses the request info, applies the in-flight limits, then serves
 * non-resource paths (health, version, metrics, discovery) or hands the
 * request to the REST handlers of its resource (rest.c).
 */
#ifndef CK_APISERVER_APISERVER_H
#define CK_APISERVER_APISERVER_H

#include <stdbool.h>
#include <stdint.h>

/* Options, with upstream's flag names (cmd/kube-apiserver). */
struct ck_apiserver_config {
	const char *etcd_servers; /* --etcd-servers (required) */
	const char *etcd_prefix;  /* --etcd-prefix, "/registry" */
	const char *etcd_cafile;
	const char *etcd_certfile;
	const char *etcd_keyfile;
	const char *bind_address;	     /* --bind-address, "0.0.0.0" */
	int secure_port;		     /* --secure-port, 6443; 0 picks a free port */
	const char *advertise_address;	     /* --advertise-address, for /api */
	const char *tls_cert_file;	     /* --tls-cert-file */
	const char *tls_private_key_file;    /* --tls-private-key-file */
	const char *cert_dir;		     /* --cert-dir, for the self-signed pair */
	int max_requests_inflight;	     /* 400 */
	int max_mutating_requests_inflight;  /* 200 */
	int64_t event_ttl_ms;		     /* --event-ttl, 1h */
	int64_t request_timeout_ms;	     /* --request-timeout, 60s */
	int64_t min_request_timeout_s;	     /* --min-request-timeout, 1800 (watches) */
	int64_t etcd_compaction_interval_ms; /* 5m; 0 disables */
	unsigned threads;		     /* HTTP I/O worker threads; 0 = 1 per core */
	/* HTTP handler pool (ck_http_server_config.handler_threads); 0 = the sum
	 * of the in-flight limits (or 600 when one is unlimited): as many
	 * requests as the limits let in may wait for etcd at once. */
	unsigned handler_threads;
	/* How often watches that allow bookmarks get one (ckube's
	 * --watch-bookmark-interval, for tests; upstream: about 1 min). */
	int64_t watch_bookmark_interval_ms;
	const char *service_cluster_ip_range; /* --service-cluster-ip-range, 10.96.0.0/12 */
	const char *service_node_port_range;  /* --service-node-port-range, 30000-32767 */
	/* Authentication and authorization (upstream's flags; lists are
	 * comma-separated). */
	const char *client_ca_file;		      /* --client-ca-file */
	const char *token_auth_file;		      /* --token-auth-file */
	const char *service_account_key_file;	      /* --service-account-key-file */
	const char *service_account_signing_key_file; /* --service-account-signing-key-file */
	const char *service_account_issuer;	      /* --service-account-issuer */
	const char *api_audiences;		      /* --api-audiences; default: the issuers */
	bool service_account_lookup;		      /* --service-account-lookup, true */
	bool anonymous_auth;			      /* --anonymous-auth, true */
	const char *authorization_mode;		      /* --authorization-mode, "AlwaysAllow" */
	/* Admission (comma-separated plugin names; admission/admission.h). */
	const char *enable_admission_plugins;  /* --enable-admission-plugins */
	const char *disable_admission_plugins; /* --disable-admission-plugins */
	/* Reaching kubelets (pods/log): the client pair the server presents,
	 * the CA their serving certificates are checked against (none: not
	 * checked, as upstream), and the node address types to try in order. */
	const char *kubelet_client_certificate;	   /* --kubelet-client-certificate */
	const char *kubelet_client_key;		   /* --kubelet-client-key */
	const char *kubelet_certificate_authority; /* --kubelet-certificate-authority */
	/* --kubelet-preferred-address-types,
	 * "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP" */
	const char *kubelet_preferred_address_types;
};

/* Fills cfg with upstream's defaults. */
void ck_apiserver_config_defaults(struct ck_apiserver_config *cfg);

struct ck_apiserver;

/*
 * Starts serving: connects to etcd, makes sure the bootstrap namespaces
 * exist, starts the watch caches and the listener. The caller owns *ret.
 * 0 or a negative errno (a message is logged).
 */
int ck_apiserver_start(const struct ck_apiserver_config *cfg, struct ck_apiserver **ret);
/* The port actually listened on. */
int ck_apiserver_port(const struct ck_apiserver *s);
/* Stops everything and frees the server. NULL-safe. */
void ck_apiserver_stop(struct ck_apiserver *s);

#endif
