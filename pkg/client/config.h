/*
 * Client configuration: what a REST client needs to reach the API server
 * (client-go's rest.Config), from kubeconfig files (tools/clientcmd) or
 * from inside a pod (rest.InClusterConfig).
 *
 * Kubeconfig loading follows clientcmd's ClientConfigLoadingRules:
 *  - --kubeconfig (explicit_path) alone when given; it must exist.
 *  - else every path of KUBECONFIG (':'-separated; empty entries and
 *    duplicates dropped), missing files skipped;
 *  - else ~/.kube/config when it exists.
 * Files merge as kubectl merges them: for clusters, users and contexts the
 * first file to define a name wins (the whole entry, not field by field);
 * current-context comes from the first file that sets it. Relative paths in
 * a file (certificate-authority, client-certificate, client-key, tokenFile)
 * are relative to that file's directory.
 *
 * From the merged config, client_config picks the context (--context, else
 * current-context), its cluster and user (--cluster/--user override), and
 * validates as clientcmd's ConfirmUsable, with upstream's messages:
 *   context was not found for specified context: foo
 *   no server found for cluster "c"
 *   auth info "u" does not exist
 *   unable to read certificate-authority /x for c due to open /x: no such file or directory
 *   no configuration has been provided, try setting KUBERNETES_MASTER environment variable
 * (kubectl prints these after "Error in configuration: "; several are
 * joined with ", ").
 *
 * Errors are a negative errno and, through char **ret_err, one line the
 * caller frees. Supported credentials: client certificates (files or
 * data), bearer tokens (inline or tokenFile, re-read every minute) and
 * basic auth; exec and auth-provider plugins are not.
 */
#ifndef CK_CLIENT_CONFIG_H
#define CK_CLIENT_CONFIG_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* client-go's defaults when a config leaves QPS and burst at 0. */
#define CK_CLIENT_DEFAULT_QPS 5.0
#define CK_CLIENT_DEFAULT_BURST 10

/* Every string is owned by the config (ck_client_config_release frees them). */
struct ck_client_config {
	char *host;	       /* "https://10.0.0.1:6443", may end in a path prefix */
	char *tls_server_name; /* SNI and verification name; NULL: the host's */
	bool insecure;	       /* do not verify the server's certificate */
	char *ca_file;	       /* PEM; or ca_data (takes precedence) */
	char *ca_data;	       /* PEM bytes, ca_data_len of them */
	size_t ca_data_len;
	char *cert_file; /* client certificate, PEM; or cert_data */
	char *cert_data;
	size_t cert_data_len;
	char *key_file; /* its key, PEM; or key_data */
	char *key_data;
	size_t key_data_len;
	char *bearer_token;	 /* "Authorization: Bearer <token>" */
	char *bearer_token_file; /* re-read every minute; wins over bearer_token */
	char *username;		 /* basic auth */
	char *password;
	char *user_agent;   /* NULL: "<program>/v1.30.0 (linux/amd64) kubernetes/ckube" */
	double qps;	    /* 0: CK_CLIENT_DEFAULT_QPS; < 0: no client-side limit */
	int burst;	    /* 0: CK_CLIENT_DEFAULT_BURST */
	int64_t timeout_ms; /* per request; 0: none (watches never time out) */
	/* Called with each server warning (the Warning header's text); NULL: logged at -v=4. */
	void (*warning_fn)(void *ctx, const char *text);
	void *warning_ctx;
};

void ck_client_config_init(struct ck_client_config *c);
/* Frees the strings; the config is empty again. NULL-safe. */
void ck_client_config_release(struct ck_client_config *c);
/* Deep copy into dst (initialised here). */
void ck_client_config_copy(struct ck_client_config *dst, const struct ck_client_config *src);

/* ---- kubeconfig ----------------------------------------------------------------- */

struct ck_kubeconfig_loading_rules {
	const char *explicit_path;  /* --kubeconfig; NULL/"" when not given */
	const char *kubeconfig_env; /* KUBECONFIG's value; NULL: read the environment */
	const char *home;	    /* for ~/.kube/config; NULL: $HOME */
};

struct ck_kubeconfig;

/*
 * Loads and merges as described above. The caller owns *ret. An empty
 * result (no file at all) is not an error. Errors: -ENOENT for a missing
 * explicit file ("unable to read kubeconfig '/x': No such file or
 * directory"), -EINVAL for a file that does not parse ("error loading config
 * file \"/x\": <why>"), another errno when a file cannot be read.
 */
int ck_kubeconfig_load(const struct ck_kubeconfig_loading_rules *rules, struct ck_kubeconfig **ret,
		       char **ret_err);
/* One kubeconfig from text (YAML or JSON); origin names it and anchors relative paths (may be
 * NULL). */
int ck_kubeconfig_parse(const char *data, size_t len, const char *origin,
			struct ck_kubeconfig **ret, char **ret_err);
void ck_kubeconfig_free(struct ck_kubeconfig *kc);

/*
 * The merged config in kubeconfig v1 form, borrowed: {"kind":"Config",
 * "apiVersion":"v1","preferences":{},"clusters":[...],"users":[...],
 * "contexts":[...],"current-context":"..."}; entries sorted by name (as
 * kubectl config view prints them), relative paths made absolute.
 */
json_object *ck_kubeconfig_merged(const struct ck_kubeconfig *kc);
/* current-context, "" when unset; borrowed. */
const char *ck_kubeconfig_current_context(const struct ck_kubeconfig *kc);
/* The inner objects of a named entry ("cluster", "user", "context" fields), borrowed, or NULL. */
json_object *ck_kubeconfig_cluster(const struct ck_kubeconfig *kc, const char *name);
json_object *ck_kubeconfig_user(const struct ck_kubeconfig *kc, const char *name);
json_object *ck_kubeconfig_context(const struct ck_kubeconfig *kc, const char *name);

/* The files in precedence order (including missing ones), for `config` edits. */
size_t ck_kubeconfig_nfiles(const struct ck_kubeconfig *kc);
const char *ck_kubeconfig_file(const struct ck_kubeconfig *kc, size_t i);
/* File i as read (borrowed; relative paths kept), NULL when it did not exist. */
json_object *ck_kubeconfig_file_json(const struct ck_kubeconfig *kc, size_t i);
/*
 * The file that defines an entry (section "clusters", "users", "contexts",
 * or "current-context" with name NULL): where upstream's ModifyConfig
 * writes a change to it. NULL when no file does. Borrowed.
 */
const char *ck_kubeconfig_origin(const struct ck_kubeconfig *kc, const char *section,
				 const char *name);
/*
 * clientcmd's GetDefaultFilename: the explicit file, else the first file
 * of the precedence that exists, else the first one. NULL when there is no
 * file at all. Borrowed.
 */
const char *ck_kubeconfig_default_filename(const struct ck_kubeconfig *kc);

/* Command-line overrides (kubectl's global flags); NULL/"" fields are unset. */
struct ck_kubeconfig_overrides {
	const char *context;		   /* --context */
	const char *cluster;		   /* --cluster */
	const char *user;		   /* --user */
	const char *namespace;		   /* --namespace */
	const char *server;		   /* --server */
	const char *token;		   /* --token */
	const char *certificate_authority; /* --certificate-authority */
	const char *client_certificate;	   /* --client-certificate */
	const char *client_key;		   /* --client-key */
	const char *tls_server_name;	   /* --tls-server-name */
	const char *username;		   /* --username */
	const char *password;		   /* --password */
	int insecure_skip_tls_verify; /* --insecure-skip-tls-verify: -1 unset (0 too), 1 true, 2
					 false */
	/* The server used when nothing sets one (kubectl: "http://localhost:8080"); NULL: none. */
	const char *default_server;
};

/*
 * The client config for the chosen context. *ret is initialised here and
 * owned by the caller. ret_namespace (may be NULL) gets the namespace
 * (--namespace, else the context's, else "default"; owned) and
 * ret_namespace_explicit (may be NULL) whether --namespace gave it.
 * -EINVAL with the validation errors (see the top) in *ret_err.
 */
int ck_kubeconfig_client_config(const struct ck_kubeconfig *kc,
				const struct ck_kubeconfig_overrides *o,
				struct ck_client_config *ret, char **ret_namespace,
				bool *ret_namespace_explicit, char **ret_err);

/* ---- in-cluster --------------------------------------------------------------- */

#define CK_SERVICE_ACCOUNT_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Where the pod's service account files are; NULL fields: the standard paths. */
struct ck_in_cluster_paths {
	const char *token_file;	    /* CK_SERVICE_ACCOUNT_DIR/token */
	const char *ca_file;	    /* CK_SERVICE_ACCOUNT_DIR/ca.crt */
	const char *namespace_file; /* CK_SERVICE_ACCOUNT_DIR/namespace */
};

/* Whether in-cluster config can work: the two variables set and the token file there. */
bool ck_in_cluster_possible(const struct ck_in_cluster_paths *paths);
/*
 * rest.InClusterConfig: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
 * the token file (re-read as it rotates), the CA file. Namespace: $POD_NAMESPACE,
 * else the namespace file, else "default" (owned; ret_namespace may be NULL).
 * -ENXIO "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST
 * and KUBERNETES_SERVICE_PORT must be defined"; the token file's errno when
 * it cannot be read.
 */
int ck_client_config_in_cluster(const struct ck_in_cluster_paths *paths,
				struct ck_client_config *ret, char **ret_namespace, char **ret_err);

/*
 * clientcmd's deferred loading, what every component and kubectl call: the
 * kubeconfig per rules and overrides; when that yields nothing of its own
 * (no file, no context, no server but the default) and in-cluster config
 * is possible, in-cluster config. Arguments as above (paths may be NULL).
 */
int ck_client_config_load(const struct ck_kubeconfig_loading_rules *rules,
			  const struct ck_kubeconfig_overrides *o,
			  const struct ck_in_cluster_paths *paths, struct ck_client_config *ret,
			  char **ret_namespace, bool *ret_namespace_explicit, char **ret_err);

#endif
