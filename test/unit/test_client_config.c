/*
 * Kubeconfig loading and merging, client config selection and validation,
 * in-cluster config (client/config.h), after clientcmd's loader_test.go
 * and client_config_test.go.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "client/config.h"
#include "util/common.h"
#include "util/str.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ck-kubeconfig-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("POD_NAMESPACE");
}

static void teardown(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes dir/name; returns the path (static buffer rotation). */
static const char *write_file(const char *name, const char *text)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	mkdir(p, 0755);
	*slash = '/';
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static struct ck_kubeconfig *load_env(const char *env)
{
	struct ck_kubeconfig_loading_rules rules = { .kubeconfig_env = env,
						     .home = "/nonexistent" };
	struct ck_kubeconfig *kc = NULL;
	char *err = NULL;
	int r = ck_kubeconfig_load(&rules, &kc, &err);
	ck_assert_msg(r == 0, "load: %s", err ? err : "");
	return kc;
}

static const char *server_of(struct ck_kubeconfig *kc, const char *cluster)
{
	return ck_obj_path_str(ck_kubeconfig_cluster(kc, cluster), "server");
}

static const char *first = "apiVersion: v1\n"
			   "kind: Config\n"
			   "current-context: red\n"
			   "clusters:\n"
			   "- name: cow\n"
			   "  cluster:\n"
			   "    server: https://cow-first:6443\n"
			   "    certificate-authority: ca.crt\n"
			   "contexts:\n"
			   "- name: red\n"
			   "  context: {cluster: cow, user: red-user, namespace: red-ns}\n"
			   "users:\n"
			   "- name: red-user\n"
			   "  user: {token: red-token}\n";

static const char *second = "apiVersion: v1\n"
			    "kind: Config\n"
			    "current-context: blue\n"
			    "clusters:\n"
			    "- name: cow\n"
			    "  cluster:\n"
			    "    server: https://cow-second:6443\n"
			    "    insecure-skip-tls-verify: true\n"
			    "- name: chicken\n"
			    "  cluster: {server: 'https://chicken:6443'}\n"
			    "contexts:\n"
			    "- name: blue\n"
			    "  context: {cluster: chicken, user: blue-user}\n"
			    "- name: red\n"
			    "  context: {cluster: chicken, user: blue-user}\n"
			    "users:\n"
			    "- name: blue-user\n"
			    "  user: {token: blue-token}\n";

START_TEST(test_merge_first_file_wins)
{
	char env[1100];
	const char *a = write_file("a/config", first);
	char apath[512];
	snprintf(apath, sizeof(apath), "%s", a);
	const char *b = write_file("b/config", second);
	snprintf(env, sizeof(env), "%s:%s", apath, b);
	struct ck_kubeconfig *kc = load_env(env);
	/* Maps: the first file to define a name wins, the entry whole. */
	ck_assert_str_eq(server_of(kc, "cow"), "https://cow-first:6443");
	ck_assert_ptr_null(
	    ck_obj_path(ck_kubeconfig_cluster(kc, "cow"), "insecure-skip-tls-verify"));
	ck_assert_str_eq(server_of(kc, "chicken"), "https://chicken:6443");
	ck_assert_str_eq(ck_obj_path_str(ck_kubeconfig_context(kc, "red"), "cluster"), "cow");
	ck_assert_ptr_nonnull(ck_kubeconfig_user(kc, "blue-user"));
	/* current-context: the first file that sets it. */
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "red");
	ck_assert_str_eq(ck_kubeconfig_origin(kc, "current-context", NULL), apath);
	ck_assert_str_eq(ck_kubeconfig_origin(kc, "clusters", "cow"), apath);
	ck_assert_str_eq(ck_kubeconfig_origin(kc, "clusters", "chicken"), b);
	ck_assert_ptr_null(ck_kubeconfig_origin(kc, "clusters", "nope"));
	/* Relative paths are relative to their file. */
	char want[600];
	snprintf(want, sizeof(want), "%s/a/ca.crt", dir);
	ck_assert_str_eq(ck_obj_path_str(ck_kubeconfig_cluster(kc, "cow"), "certificate-authority"),
			 want);
	/* The merged view lists entries sorted by name. */
	json_object *clusters = ck_obj_path(ck_kubeconfig_merged(kc), "clusters");
	ck_assert_int_eq(json_object_array_length(clusters), 2);
	ck_assert_str_eq(ck_obj_path_str(json_object_array_get_idx(clusters, 0), "name"),
			 "chicken");
	ck_assert_uint_eq(ck_kubeconfig_nfiles(kc), 2);
	ck_assert_str_eq(ck_kubeconfig_default_filename(kc), apath);
	ck_kubeconfig_free(kc);

	/* The other order: the second file's entries win now. */
	snprintf(env, sizeof(env), "%s:%s", b, apath);
	kc = load_env(env);
	ck_assert_str_eq(server_of(kc, "cow"), "https://cow-second:6443");
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "blue");
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_missing_files)
{
	/* Missing files in KUBECONFIG are skipped; empty entries and duplicates too. */
	const char *a = write_file("a/config", first);
	char env[1200];
	snprintf(env, sizeof(env), "%s/missing::%s:%s", dir, a, a);
	struct ck_kubeconfig *kc = load_env(env);
	ck_assert_uint_eq(ck_kubeconfig_nfiles(kc), 2);
	ck_assert_ptr_null(ck_kubeconfig_file_json(kc, 0));
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "red");
	ck_assert_str_eq(ck_kubeconfig_default_filename(kc), a);
	ck_kubeconfig_free(kc);

	/* Nothing at all: an empty config, not an error. */
	kc = load_env("/nonexistent/a:/nonexistent/b");
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "");
	ck_assert_str_eq(ck_kubeconfig_default_filename(kc), "/nonexistent/a");
	ck_kubeconfig_free(kc);

	/* An explicit file must exist. */
	struct ck_kubeconfig_loading_rules rules = { .explicit_path = "/nonexistent/x" };
	char *err = NULL;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, &err), -ENOENT);
	ck_assert_str_eq(err,
			 "unable to read kubeconfig '/nonexistent/x': No such file or directory");
	free(err);
}
END_TEST

START_TEST(test_explicit_file_only)
{
	/* With --kubeconfig, KUBECONFIG is not read (TestConflictingCurrentContext). */
	const char *a = write_file("a/config", first);
	char apath[512];
	snprintf(apath, sizeof(apath), "%s", a);
	const char *b = write_file("b/config", second);
	struct ck_kubeconfig_loading_rules rules = { .explicit_path = apath, .kubeconfig_env = b };
	struct ck_kubeconfig *kc = NULL;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, NULL), 0);
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "red");
	ck_assert_ptr_null(ck_kubeconfig_cluster(kc, "chicken"));
	ck_assert_str_eq(ck_kubeconfig_default_filename(kc), apath);
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_home_default)
{
	write_file(".kube/config", second);
	struct ck_kubeconfig_loading_rules rules = { .kubeconfig_env = "", .home = dir };
	struct ck_kubeconfig *kc = NULL;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, NULL), 0);
	ck_assert_str_eq(ck_kubeconfig_current_context(kc), "blue");
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_bad_file)
{
	const char *a = write_file("bad", "clusters: [\n");
	struct ck_kubeconfig_loading_rules rules = { .explicit_path = a };
	struct ck_kubeconfig *kc = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, &err), -EINVAL);
	ck_assert_msg(strncmp(err, "error loading config file \"", 27) == 0, "%s", err);
	free(err);
	a = write_file("bad2", "clusters: 3\n");
	rules.explicit_path = a;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, &err), -EINVAL);
	ck_assert_msg(strstr(err, "clusters: expected a list") != NULL, "%s", err);
	free(err);
	/* An empty file is an empty config. */
	a = write_file("empty", "");
	rules.explicit_path = a;
	ck_assert_int_eq(ck_kubeconfig_load(&rules, &kc, &err), 0);
	ck_kubeconfig_free(kc);
}
END_TEST

static int client_config(struct ck_kubeconfig *kc, const struct ck_kubeconfig_overrides *o,
			 struct ck_client_config *cfg, char **ns, char **err)
{
	*err = NULL;
	return ck_kubeconfig_client_config(kc, o, cfg, ns, NULL, err);
}

START_TEST(test_client_config_selection)
{
	const char *a = write_file("a/config", first);
	write_file("a/ca.crt", "not really a CA");
	struct ck_kubeconfig *kc = NULL;
	ck_assert_int_eq(ck_kubeconfig_parse(first, strlen(first), a, &kc, NULL), 0);
	struct ck_client_config cfg;
	char *ns = NULL, *err = NULL;
	ck_assert_int_eq(client_config(kc, NULL, &cfg, &ns, &err), 0);
	ck_assert_str_eq(cfg.host, "https://cow-first:6443");
	ck_assert_str_eq(cfg.bearer_token, "red-token");
	ck_assert_msg(ck_str_has_suffix(cfg.ca_file, "/a/ca.crt"), "%s", cfg.ca_file);
	ck_assert_str_eq(ns, "red-ns");
	free(ns);
	ck_client_config_release(&cfg);

	/* Overrides: --server, --token, --namespace, --insecure-skip-tls-verify. */
	struct ck_kubeconfig_overrides o = {
		.server = "https://other:1",
		.token = "tok",
		.namespace = "kube-system",
		.insecure_skip_tls_verify = 1,
	};
	bool explicit_ns = false;
	ck_assert_int_eq(ck_kubeconfig_client_config(kc, &o, &cfg, &ns, &explicit_ns, &err), 0);
	ck_assert_str_eq(cfg.host, "https://other:1");
	ck_assert_str_eq(cfg.bearer_token, "tok");
	ck_assert(cfg.insecure);
	ck_assert_ptr_null(cfg.ca_file); /* insecure clears the CA */
	ck_assert_str_eq(ns, "kube-system");
	ck_assert(explicit_ns);
	free(ns);
	ck_client_config_release(&cfg);
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_client_config_errors)
{
	struct ck_kubeconfig *kc = NULL;
	ck_assert_int_eq(ck_kubeconfig_parse(second, strlen(second), NULL, &kc, NULL), 0);
	struct ck_client_config cfg;
	char *err = NULL;

	struct ck_kubeconfig_overrides o = { .context = "foo",
					     .default_server = "http://localhost:8080" };
	ck_assert_int_eq(client_config(kc, &o, &cfg, NULL, &err), -EINVAL);
	ck_assert_str_eq(err, "context was not found for specified context: foo");
	free(err);

	o = (struct ck_kubeconfig_overrides){ .user = "nobody" };
	ck_assert_int_eq(client_config(kc, &o, &cfg, NULL, &err), -EINVAL);
	ck_assert_str_eq(err, "auth info \"nobody\" does not exist");
	free(err);

	o = (struct ck_kubeconfig_overrides){ .cluster = "pig" };
	ck_assert_int_eq(client_config(kc, &o, &cfg, NULL, &err), -EINVAL);
	ck_assert_str_eq(err, "cluster \"pig\" does not exist");
	free(err);
	ck_kubeconfig_free(kc);

	/* A context naming a cluster that has no server. */
	const char *noserver =
	    "current-context: c\n"
	    "contexts: [{name: c, context: {cluster: x, user: u}}]\n"
	    "clusters: [{name: x, cluster: {certificate-authority: /nonexistent/ca}}]\n"
	    "users: [{name: u, user: {client-certificate: /nonexistent/crt}}]\n";
	ck_assert_int_eq(ck_kubeconfig_parse(noserver, strlen(noserver), NULL, &kc, NULL), 0);
	ck_assert_int_eq(client_config(kc, NULL, &cfg, NULL, &err), -EINVAL);
	ck_assert_str_eq(
	    err, "client-key-data or client-key must be specified for u to use the clientCert "
		 "authentication method., unable to read client-cert /nonexistent/crt for u due to "
		 "open /nonexistent/crt: no such file or directory, no server found for cluster "
		 "\"x\", unable to read certificate-authority /nonexistent/ca for x due to open "
		 "/nonexistent/ca: no such file or directory");
	free(err);
	ck_kubeconfig_free(kc);

	/* Nothing configured at all. */
	ck_assert_int_eq(ck_kubeconfig_parse("", 0, NULL, &kc, NULL), 0);
	ck_assert_int_eq(client_config(kc, NULL, &cfg, NULL, &err), -EINVAL);
	ck_assert_str_eq(err, "no configuration has been provided, try setting KUBERNETES_MASTER "
			      "environment variable");
	free(err);
	/* ... unless there is a default server (kubectl's localhost:8080). */
	o = (struct ck_kubeconfig_overrides){ .default_server = "http://localhost:8080" };
	char *ns = NULL;
	ck_assert_int_eq(client_config(kc, &o, &cfg, &ns, &err), 0);
	ck_assert_str_eq(cfg.host, "http://localhost:8080");
	ck_assert_str_eq(ns, "default");
	free(ns);
	ck_client_config_release(&cfg);
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_client_config_credentials)
{
	/* PEM bytes in base64, a token file (trimmed), basic auth. */
	write_file("token", "  file-token\n");
	char text[2048];
	snprintf(text, sizeof(text),
		 "current-context: c\n"
		 "contexts: [{name: c, context: {cluster: x, user: u}}]\n"
		 "clusters: [{name: x, cluster: {server: 'https://x:6443', "
		 "certificate-authority-data: Q0EgUEVN}}]\n"
		 "users: [{name: u, user: {client-certificate-data: Q0VSVA==, "
		 "client-key-data: S0VZ, tokenFile: token, username: admin, password: pw}}]\n");
	char origin[600];
	snprintf(origin, sizeof(origin), "%s/config", dir);
	struct ck_kubeconfig *kc = NULL;
	ck_assert_int_eq(ck_kubeconfig_parse(text, strlen(text), origin, &kc, NULL), 0);
	struct ck_client_config cfg;
	char *err = NULL;
	ck_assert_int_eq(client_config(kc, NULL, &cfg, NULL, &err), 0);
	ck_assert_uint_eq(cfg.ca_data_len, 6);
	ck_assert_str_eq(cfg.ca_data, "CA PEM");
	ck_assert_str_eq(cfg.cert_data, "CERT");
	ck_assert_str_eq(cfg.key_data, "KEY");
	ck_assert_str_eq(cfg.bearer_token, "file-token");
	ck_assert_msg(ck_str_has_suffix(cfg.bearer_token_file, "/token"), "%s",
		      cfg.bearer_token_file);
	ck_assert_str_eq(cfg.username, "admin");
	ck_assert_str_eq(cfg.password, "pw");
	struct ck_client_config copy;
	ck_client_config_copy(&copy, &cfg);
	ck_assert_str_eq(copy.key_data, "KEY");
	ck_client_config_release(&copy);
	ck_client_config_release(&cfg);
	ck_kubeconfig_free(kc);
}
END_TEST

START_TEST(test_in_cluster)
{
	const char *token = write_file("sa/token", "sa-token\n");
	char tok[512], ca[512], nsf[512];
	snprintf(tok, sizeof(tok), "%s", token);
	snprintf(ca, sizeof(ca), "%s", write_file("sa/ca.crt", "CA"));
	snprintf(nsf, sizeof(nsf), "%s", write_file("sa/namespace", "team-a\n"));
	struct ck_in_cluster_paths p = { tok, ca, nsf };
	struct ck_client_config cfg;
	char *ns = NULL, *err = NULL;
	ck_assert(!ck_in_cluster_possible(&p));
	ck_assert_int_eq(ck_client_config_in_cluster(&p, &cfg, &ns, &err), -ENXIO);
	ck_assert_str_eq(err, "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST "
			      "and KUBERNETES_SERVICE_PORT must be defined");
	free(err);
	setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	ck_assert(ck_in_cluster_possible(&p));
	ck_assert_int_eq(ck_client_config_in_cluster(&p, &cfg, &ns, &err), 0);
	ck_assert_str_eq(cfg.host, "https://10.0.0.1:443");
	ck_assert_str_eq(cfg.bearer_token, "sa-token");
	ck_assert_str_eq(cfg.bearer_token_file, tok);
	ck_assert_str_eq(cfg.ca_file, ca);
	ck_assert_str_eq(ns, "team-a");
	free(ns);
	ck_client_config_release(&cfg);

	setenv("POD_NAMESPACE", "from-env", 1);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	ck_assert_int_eq(ck_client_config_in_cluster(&p, &cfg, &ns, &err), 0);
	ck_assert_str_eq(cfg.host, "https://[fd00::1]:443");
	ck_assert_str_eq(ns, "from-env");
	free(ns);
	ck_client_config_release(&cfg);

	/* Deferred loading: no kubeconfig at all, so in-cluster. */
	struct ck_kubeconfig_loading_rules rules = { .kubeconfig_env = "/nonexistent" };
	ck_assert_int_eq(ck_client_config_load(&rules, NULL, &p, &cfg, &ns, NULL, &err), 0);
	ck_assert_str_eq(cfg.host, "https://[fd00::1]:443");
	free(ns);
	ck_client_config_release(&cfg);
	/* A kubeconfig with something in it wins over in-cluster. */
	const char *a = write_file("a/config", second);
	rules.kubeconfig_env = a;
	ck_assert_int_eq(ck_client_config_load(&rules, NULL, &p, &cfg, &ns, NULL, &err), 0);
	ck_assert_str_eq(cfg.host, "https://chicken:6443");
	ck_assert_str_eq(ns, "default");
	free(ns);
	ck_client_config_release(&cfg);

	/* A token file that cannot be read. */
	struct ck_in_cluster_paths missing = { "/nonexistent/token", ca, nsf };
	ck_assert_int_eq(ck_client_config_in_cluster(&missing, &cfg, &ns, &err), -ENOENT);
	ck_assert_str_eq(err, "open /nonexistent/token: no such file or directory");
	free(err);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("POD_NAMESPACE");
}
END_TEST

Suite *ck_test_suite_client_config(void)
{
	Suite *s = suite_create("client_config");
	TCase *tc = tcase_create("kubeconfig");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_merge_first_file_wins);
	tcase_add_test(tc, test_missing_files);
	tcase_add_test(tc, test_explicit_file_only);
	tcase_add_test(tc, test_home_default);
	tcase_add_test(tc, test_bad_file);
	tcase_add_test(tc, test_client_config_selection);
	tcase_add_test(tc, test_client_config_errors);
	tcase_add_test(tc, test_client_config_credentials);
	tcase_add_test(tc, test_in_cluster);
	suite_add_tcase(s, tc);
	return s;
}
