/*
 * pkg/kubectl: the logic of ckubectl, the bundled CLI (what k8s.io/kubectl
 * is to upstream's kubectl). cmd/ckubectl/main.c parses the global flags,
 * picks the command from the table below and calls it; everything else is
 * here, one file per verb or concern:
 *
 *   kubectl.c      the session (struct ck_kubectl): config, client and
 *                  discovery made on first use; errors printed as kubectl
 *                  prints them
 *   builder.c      resource arguments (pods, po/x, pod a b, deploy,svc) and
 *                  -f files, directories and stdin (multi-document YAML)
 *   printers.c     tab-aligned output, server-side Tables, -o json|yaml|name
 *   jsonpath.c     kubectl's JSONPath templates and custom columns
 *   get.c, create.c, delete.c, apply.c, label.c (label, annotate),
 *   patch.c (patch, scale), info.c (version, api-resources, api-versions,
 *   cluster-info), config.c (config …), auth.c (auth can-i, whoami),
 *   node.c (cordon, uncordon, taint), drain.c, wait.c (and the watch-based
 *   wait the waiting commands share), rollout.c, edit.c, describe*.c,
 *   explain.c (from the server's OpenAPI v3 documents)
 *
 * Kinds, resources, short names and scopes come from the server's
 * discovery documents (client/discovery.h), never from a table here.
 *
 * Output follows kubectl 1.32 byte for byte where a script may read it:
 * "pod/x created", "Error from server (NotFound): pods \"x\" not found",
 * the column layout of `get`. A command returns the exit status: 0, or 1
 * after printing one error line to the session's err stream.
 */
#ifndef CK_KUBECTL_KUBECTL_H
#define CK_KUBECTL_KUBECTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client/client.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/flags.h"

/* kubectl's global flags (pointing into argv). */
struct ck_kubectl_global_options {
	const char *kubeconfig;
	const char *context;
	const char *cluster;
	const char *user;
	const char *namespace;
	const char *server;
	const char *token;
	const char *certificate_authority;
	const char *client_certificate;
	const char *client_key;
	const char *tls_server_name;
	const char *username;
	const char *password;
	bool insecure_skip_tls_verify;
	const char *request_timeout; /* "0", "30", "1m" */
};

/* The global flags and their shorthands, pointing into o; static tables. */
const struct ck_flag *ck_kubectl_global_flags(struct ck_kubectl_global_options *o);
const struct ck_flag_shorthand *ck_kubectl_global_shorthands(void);

/* One invocation. */
struct ck_kubectl {
	struct ck_kubectl_global_options opts;
	FILE *out; /* stdout */
	FILE *err; /* stderr */
	FILE *in;  /* stdin, for -f - */
	/* Made on first use by the functions below. */
	bool loaded;
	struct ck_kubeconfig *kubeconfig;
	struct ck_client_config config;
	char *namespace; /* -n, else the context's, else "default" */
	bool namespace_explicit;
	struct ck_client *client;
	struct ck_discovery_client *discovery;
};

void ck_kubectl_init(struct ck_kubectl *k);
void ck_kubectl_release(struct ck_kubectl *k);

/*
 * The client (borrowed), made from the kubeconfig and the global flags the
 * first time. On failure prints "error: …" and returns a negative errno.
 */
int ck_kubectl_client(struct ck_kubectl *k, struct ck_client **ret);
/* The loaded kubeconfig (borrowed), loading it when needed; prints its error. */
int ck_kubectl_kubeconfig(struct ck_kubectl *k, struct ck_kubeconfig **ret);
/* The namespace to use; loads the config. NULL after printing an error. */
const char *ck_kubectl_namespace(struct ck_kubectl *k);
/* Resolves a resource argument ("po", "deployments.apps") into ret; prints its error. */
int ck_kubectl_resolve(struct ck_kubectl *k, const char *arg, struct ck_api_resource *ret);
/* The resource for apiVersion + kind; prints its error (naming source when given). */
int ck_kubectl_resource_for_kind(struct ck_kubectl *k, const char *api_version, const char *kind,
				 struct ck_api_resource *ret, struct ck_client_error *err);
/* Every resource the server serves (ck_api_resource_list_free it); prints its error. */
int ck_kubectl_resources(struct ck_kubectl *k, struct ck_api_resource_list **ret);

/*
 * Prints a request's error as kubectl's StandardErrorMessage does:
 *   Error from server (NotFound): pods "x" not found
 *   error: You must be logged in to the server (Unauthorized)
 *   The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?
 *   Unable to connect to the server: <why>
 * and returns 1 (the exit status).
 */
int ck_kubectl_print_error(struct ck_kubectl *k, const struct ck_client_error *err);
/* Prints "error: <message>" and returns 1. */
int ck_kubectl_fail(struct ck_kubectl *k, const char *fmt, ...) CK_PRINTF(2, 3);

/* "pod", "deployment.apps": how kubectl names a kind in "pod/x created" (owned). */
char *ck_kubectl_kind_ref(const char *group, const char *kind);

/* ---- commands ------------------------------------------------------------------ */

struct ck_kubectl_command {
	const char *name;
	const char *summary;
	/* Flags and shorthands of this command (global ones are added); static. */
	const struct ck_flag *flags;
	const struct ck_flag_shorthand *shorthands;
	/* Runs with the positional arguments after the command's name. */
	int (*run)(struct ck_kubectl *k, int argc, char **argv);
};

extern const struct ck_kubectl_command ck_kubectl_cmd_get;
extern const struct ck_kubectl_command ck_kubectl_cmd_create;
extern const struct ck_kubectl_command ck_kubectl_cmd_delete;
extern const struct ck_kubectl_command ck_kubectl_cmd_apply;
extern const struct ck_kubectl_command ck_kubectl_cmd_label;
extern const struct ck_kubectl_command ck_kubectl_cmd_annotate;
extern const struct ck_kubectl_command ck_kubectl_cmd_patch;
extern const struct ck_kubectl_command ck_kubectl_cmd_scale;
extern const struct ck_kubectl_command ck_kubectl_cmd_version;
extern const struct ck_kubectl_command ck_kubectl_cmd_api_resources;
extern const struct ck_kubectl_command ck_kubectl_cmd_api_versions;
extern const struct ck_kubectl_command ck_kubectl_cmd_cluster_info;
extern const struct ck_kubectl_command ck_kubectl_cmd_config;
extern const struct ck_kubectl_command ck_kubectl_cmd_auth;
extern const struct ck_kubectl_command ck_kubectl_cmd_cordon;
extern const struct ck_kubectl_command ck_kubectl_cmd_uncordon;
extern const struct ck_kubectl_command ck_kubectl_cmd_taint;
extern const struct ck_kubectl_command ck_kubectl_cmd_wait;
extern const struct ck_kubectl_command ck_kubectl_cmd_rollout;
extern const struct ck_kubectl_command ck_kubectl_cmd_edit;
extern const struct ck_kubectl_command ck_kubectl_cmd_drain;
extern const struct ck_kubectl_command ck_kubectl_cmd_describe;
extern const struct ck_kubectl_command ck_kubectl_cmd_explain;
extern const struct ck_kubectl_command ck_kubectl_cmd_logs;

#endif
