/*
 * ckubectl against the real API server: the same scripted commands through
 * ckubectl and the real kubectl 1.32 give the same objects and the same
 * `get` layout; bad input gives one clear line and a non-zero exit.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "util/buf.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static char *dir;
static char ckubectl[512];

static void setup(void)
{
	/* an absolute path: commands run in the test's directory */
	const char *bin = getenv("CK_BIN_DIR");
	char cwd[256];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	if (bin && bin[0] == '/')
		snprintf(ckubectl, sizeof(ckubectl), "%s/ckubectl", bin);
	else
		snprintf(ckubectl, sizeof(ckubectl), "%s/%s/ckubectl", cwd,
			 bin ? bin : "_output/bin");
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	dir = ck_test_mkdtemp(NULL, "ckubectl");
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	ck_test_rmtree(dir);
	free(dir);
}

#define KC ck_test_apiserver_kubeconfig(api)

static void write_file(const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* Runs args through both CLIs; asserts the same exit status and the same output. */
static void same(const char *args)
{
	struct ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
	/* ages (5s, 3m2s, 4h) may tick between the two runs */
	const char *ages = "sed -E 's/\\b[0-9]+[smhdy]([0-9]+[smh])?\\b/<age>/g'";
	int ra = ck_test_sh(
	    &a, "cd %s && { %s --kubeconfig %s %s; } > out 2>&1; rc=$?; %s out; exit $rc", dir,
	    "/usr/bin/kubectl", KC, args, ages);
	int rb = ck_test_sh(
	    &b, "cd %s && { %s --kubeconfig %s %s; } > out 2>&1; rc=$?; %s out; exit $rc", dir,
	    ckubectl, KC, args, ages);
	if (ra != rb || strcmp(ck_buf_str(&a), ck_buf_str(&b)) != 0) {
		struct ck_buf d = CK_BUF_INIT;
		write_file("a.out", ck_buf_str(&a));
		write_file("b.out", ck_buf_str(&b));
		ck_test_sh(&d, "cd %s && diff a.out b.out", dir);
		ck_abort_msg("%s: kubectl (%d) and ckubectl (%d) differ:\n%s", args, ra, rb,
			     ck_buf_str(&d));
	}
	ck_buf_release(&a);
	ck_buf_release(&b);
}

/* Runs args through ckubectl; its status and output in out. */
static int ck(struct ck_buf *out, const char *args)
{
	return ck_test_sh(out, "cd %s && %s --kubeconfig %s %s", dir, ckubectl, KC, args);
}

static void expect_line(struct ck_buf *out, const char *line)
{
	ck_assert_msg(strcmp(ck_buf_str(out), line) == 0, "expected '%s', got '%s'", line,
		      ck_buf_str(out));
}

static const char *const objects_yaml =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  labels: {app: %s}\ndata:\n"
    "  a: \"1\"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\ndata:\n"
    "  k: dg==\n";

START_TEST(test_ckubectl_same_as_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	/* the same scenario in two namespaces, one per CLI */
	const char *clis[2] = { "/usr/bin/kubectl", ckubectl };
	const char *ns[2] = { "via-kubectl", "via-ckubectl" };
	for (int i = 0; i < 2; i++) {
		char yaml[1024];
		snprintf(yaml, sizeof(yaml), objects_yaml, "cfg", ns[i], "sec");
		write_file(i ? "b.yaml" : "a.yaml", yaml);
		const char *file = i ? "b.yaml" : "a.yaml";
		ck_assert_int_eq(ck_test_sh(&out, "cd %s && %s --kubeconfig %s create namespace %s",
					    dir, clis[i], KC, ns[i]),
				 0);
		expect_line(&out, i ? "namespace/via-ckubectl created\n"
				    : "namespace/via-kubectl created\n");
		ck_assert_int_eq(ck_test_sh(&out, "cd %s && %s --kubeconfig %s -n %s apply -f %s",
					    dir, clis[i], KC, ns[i], file),
				 0);
		expect_line(&out, "configmap/cfg created\nsecret/sec created\n");
		ck_assert_int_eq(ck_test_sh(&out, "cd %s && %s --kubeconfig %s -n %s apply -f %s",
					    dir, clis[i], KC, ns[i], file),
				 0);
		expect_line(&out, "configmap/cfg unchanged\nsecret/sec unchanged\n");
		snprintf(yaml, sizeof(yaml), objects_yaml, "cfg", ns[i], "sec");
		char *one = strstr(yaml, "a: \"1\"");
		one[4] = '2';
		write_file(file, yaml);
		ck_assert_int_eq(ck_test_sh(&out, "cd %s && %s --kubeconfig %s -n %s apply -f %s",
					    dir, clis[i], KC, ns[i], file),
				 0);
		expect_line(&out, "configmap/cfg configured\nsecret/sec unchanged\n");
		ck_assert_int_eq(ck_test_sh(&out,
					    "cd %s && %s --kubeconfig %s -n %s create configmap c2 "
					    "--from-literal=x=y",
					    dir, clis[i], KC, ns[i]),
				 0);
		ck_assert_int_eq(ck_test_sh(&out,
					    "cd %s && %s --kubeconfig %s -n %s label cm c2 tier=db",
					    dir, clis[i], KC, ns[i]),
				 0);
		expect_line(&out, "configmap/c2 labeled\n");
		ck_assert_int_eq(
		    ck_test_sh(&out,
			       "cd %s && %s --kubeconfig %s -n %s patch cm c2 --type merge "
			       "-p '{\"data\":{\"x\":\"z\"}}'",
			       dir, clis[i], KC, ns[i]),
		    0);
		expect_line(&out, "configmap/c2 patched\n");
		ck_assert_int_eq(ck_test_sh(&out,
					    "cd %s && %s --kubeconfig %s -n %s annotate cm c2 n=1",
					    dir, clis[i], KC, ns[i]),
				 0);
		expect_line(&out, "configmap/c2 annotated\n");
		ck_assert_int_eq(
		    ck_test_sh(&out,
			       "cd %s && %s --kubeconfig %s -n %s create configmap gone "
			       "--from-literal=x=y && %s --kubeconfig %s -n %s delete cm gone",
			       dir, clis[i], KC, ns[i], clis[i], KC, ns[i]),
		    0);
		ck_assert_msg(strstr(ck_buf_str(&out), "configmap \"gone\" deleted\n") != NULL,
			      "%s", ck_buf_str(&out));
	}
	/* the same objects resulted */
	struct ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
	const char *q = "get cm,secret -o jsonpath='{range .items[*]}{.kind} {.metadata.name} "
			"{.data} {.metadata.labels.tier} {.metadata.annotations.n}{\"\\n\"}{end}'";
	ck_assert_int_eq(
	    ck_test_sh(&a, "/usr/bin/kubectl --kubeconfig %s -n via-kubectl %s", KC, q), 0);
	ck_assert_int_eq(
	    ck_test_sh(&b, "/usr/bin/kubectl --kubeconfig %s -n via-ckubectl %s", KC, q), 0);
	ck_assert_str_eq(ck_buf_str(&a), ck_buf_str(&b));
	ck_assert_msg(strstr(ck_buf_str(&a), "ConfigMap cfg {\"a\":\"2\"}") != NULL, "%s",
		      ck_buf_str(&a));
	ck_buf_release(&a);
	ck_buf_release(&b);

	/* and both CLIs print them alike */
	same("-n via-ckubectl get cm,secret");
	same("get cm -A --show-labels");
	same("-n via-ckubectl get cm -o wide --no-headers");
	same("-n via-ckubectl get cm cfg -o json");
	same("-n via-ckubectl get cm -o yaml");
	same("-n via-ckubectl get cm -o name");
	same("-n via-ckubectl get cm -l app=via-ckubectl -o name");
	same("-n via-ckubectl get cm --field-selector metadata.name=c2 -o name");
	same("-n via-ckubectl get cm -o custom-columns=NAME:.metadata.name,DATA:.data");
	same("-n via-ckubectl get cm --sort-by=.metadata.name -o "
	     "jsonpath='{.items[*].metadata.name}'");
	same("get namespaces via-kubectl via-ckubectl");
	same("-n via-ckubectl get cm nope");
	same("-n via-ckubectl get cm/cfg cm/nope");
	same("get nosuchkind");
	same("-n empty get cm");
	same("api-versions");
	same("api-resources");
	same("api-resources -o wide --namespaced=false");
	same("config view");
	same("config view --minify");
	same("config get-contexts");
	same("config current-context");
	same("auth can-i get pods");
	same("auth can-i create deployments.apps -A");
	same("auth whoami");
	same("cluster-info");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_ckubectl_bad_input)
{
	struct ck_buf out = CK_BUF_INIT;
	write_file("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n");
	ck_assert_int_ne(ck(&out, "apply -f bad.yaml"), 0);
	expect_line(&out, "error: error parsing bad.yaml: error converting YAML to JSON: yaml: "
			  "line 3: did not find expected node content\n");
	ck_assert_int_ne(ck(&out, "create -f missing.yaml"), 0);
	expect_line(&out, "error: the path \"missing.yaml\" does not exist\n");
	write_file("foo.yaml", "apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n");
	ck_assert_int_ne(ck(&out, "apply -f foo.yaml"), 0);
	expect_line(&out, "error: resource mapping not found for name: \"x\" namespace: \"\" from "
			  "\"foo.yaml\": no matches for kind \"Foo\" in version \"v1\"\n");
	write_file("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n");
	ck_assert_int_ne(ck(&out, "create -f nokind.yaml"), 0);
	ck_assert(strncmp(ck_buf_str(&out),
			  "error: unable to decode \"nokind.yaml\": Object 'Kind' "
			  "is missing",
			  60) == 0);
	ck_assert_int_ne(ck(&out, "get pods --server https://127.0.0.1:1"), 0);
	expect_line(&out, "The connection to the server 127.0.0.1:1 was refused - did you specify "
			  "the right host or port?\n");
	ck_assert_int_ne(ck(&out, "get pods -o bogus"), 0);
	ck_assert_int_ne(ck(&out, "get pods --bogus-flag"), 0);
	expect_line(&out, "error: unknown flag: --bogus-flag\n");
	ck_assert_int_ne(ck(&out, "frobnicate"), 0);
	expect_line(&out, "error: unknown command \"frobnicate\" for \"kubectl\"\n");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_ckubectl_config_edits)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out, "cp %s %s/kc", KC, dir), 0);
	ck_assert_int_eq(ck(&out, "create namespace team"), 0);
	ck_assert_int_eq(ck(&out, "-n team create configmap only-here --from-literal=a=b"), 0);
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "cd %s && %s --kubeconfig %s/kc config set-context team --cluster=$(%s "
		       "--kubeconfig %s/kc config view -o jsonpath='{.clusters[0].name}') "
		       "--user=$(%s --kubeconfig %s/kc config view -o "
		       "jsonpath='{.users[0].name}') --namespace=team",
		       dir, ckubectl, dir, ckubectl, dir, ckubectl, dir),
	    0);
	expect_line(&out, "Context \"team\" created.\n");
	ck_assert_int_eq(
	    ck_test_sh(&out, "%s --kubeconfig %s/kc config use-context team", ckubectl, dir), 0);
	expect_line(&out, "Switched to context \"team\".\n");
	/* the real kubectl reads what ckubectl wrote */
	int r =
	    ck_test_sh(&out, "/usr/bin/kubectl --kubeconfig %s/kc get cm only-here -o name", dir);
	ck_assert_msg(r == 0, "%s", ck_buf_str(&out));
	expect_line(&out, "configmap/only-here\n");
	ck_assert_int_eq(
	    ck_test_sh(&out, "/usr/bin/kubectl --kubeconfig %s/kc config current-context", dir), 0);
	expect_line(&out, "team\n");
	ck_assert_int_ne(
	    ck_test_sh(&out, "%s --kubeconfig %s/kc config use-context nope", ckubectl, dir), 0);
	expect_line(&out, "error: no context exists with the name: \"nope\"\n");
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_ckubectl_watch)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create namespace w"), 0);
	ck_assert_int_eq(ck(&out, "-n w create configmap first --from-literal=a=b"), 0);
	char log[1024];
	snprintf(log, sizeof(log), "%s/watch.out", dir);
	/* the watch runs 4 s; two changes arrive while it does */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(timeout 4 %s --kubeconfig %s -n w get cm -w --no-headers > %s "
		       "2>&1 &) ; sleep 1.5; %s --kubeconfig %s -n w create configmap "
		       "second --from-literal=x=y; %s --kubeconfig %s -n w label cm first "
		       "k=v; sleep 3.5",
		       ckubectl, KC, log, ckubectl, KC, ckubectl, KC),
	    0);
	ck_assert_int_eq(ck_test_sh(&out, "awk '{print $1, $2}' %s", log), 0);
	expect_line(&out, "first 1\nsecond 1\nfirst 1\n");
	ck_buf_release(&out);
}
END_TEST

/* Each stateful command run once by kubectl on one object and once by ckubectl on its twin. */
static void twin(const char *fmt_a, const char *fmt_b)
{
	struct ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
	int ra = ck_test_sh(&a, "cd %s && /usr/bin/kubectl --kubeconfig %s %s", dir, KC, fmt_a);
	int rb = ck_test_sh(&b, "cd %s && %s --kubeconfig %s %s", dir, ckubectl, KC, fmt_b);
	ck_assert_msg(ra == rb, "%s: %d vs %d: %s / %s", fmt_b, ra, rb, ck_buf_str(&a),
		      ck_buf_str(&b));
	ck_buf_release(&a);
	ck_buf_release(&b);
}

START_TEST(test_ckubectl_nodes_wait_rollout)
{
	struct ck_buf out = CK_BUF_INIT;
	write_file("nodes.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\n"
				 "apiVersion: v1\nkind: Node\nmetadata: {name: n2}\n");
	ck_assert_int_eq(ck(&out, "create -f nodes.yaml"), 0);
	ck_assert_int_eq(ck(&out, "cordon n1"), 0);
	expect_line(&out, "node/n1 cordoned\n");
	ck_assert_int_eq(ck(&out, "cordon n1"), 0);
	expect_line(&out, "node/n1 already cordoned\n");
	ck_assert_int_eq(ck(&out, "uncordon n1"), 0);
	expect_line(&out, "node/n1 uncordoned\n");
	ck_assert_int_eq(ck(&out, "taint nodes n1 gpu=yes:NoSchedule"), 0);
	expect_line(&out, "node/n1 tainted\n");
	ck_assert_int_ne(ck(&out, "taint nodes n1 gpu=no:NoSchedule"), 0);
	expect_line(&out, "error: node n1 already has gpu taint(s) with same effect(s) and "
			  "--overwrite is false\n");
	ck_assert_int_eq(ck(&out, "taint nodes n1 gpu=no:NoSchedule --overwrite"), 0);
	expect_line(&out, "node/n1 modified\n");
	ck_assert_int_eq(ck(&out, "get node n1 -o jsonpath='{.spec.taints}'"), 0);
	expect_line(&out, "[{\"effect\":\"NoSchedule\",\"key\":\"gpu\",\"value\":\"no\"}]");
	ck_assert_int_eq(ck(&out, "taint nodes n1 gpu:NoSchedule-"), 0);
	expect_line(&out, "node/n1 untainted\n");
	ck_assert_int_eq(ck(&out, "cordon n2"), 0);
	same("cordon n2"); /* already, for both */
	same("uncordon n1");
	same("taint nodes n1 nope-");

	/* drain: an unmanaged pod needs --force, then is evicted */
	write_file("sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default}\n");
	write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n"
			       "  nodeName: n2\n  containers: [{name: c, image: busybox}]\n");
	ck_assert_int_eq(ck(&out, "apply -f sa.yaml"), 0);
	ck_assert_int_eq(ck(&out, "create -f pod.yaml"), 0);
	ck_assert_int_ne(ck(&out, "drain n2"), 0);
	expect_line(&out, "node/n2 already cordoned\nerror: unable to drain node \"n2\" due to "
			  "error: cannot delete Pods that declare no controller (use --force to "
			  "override): default/p1\n");
	ck_assert_int_eq(ck(&out, "drain n2 --force --grace-period=0"), 0);
	expect_line(&out, "node/n2 already cordoned\nWarning: deleting Pods that declare no "
			  "controller: default/p1\nevicting pod default/p1\npod/p1 evicted\n"
			  "node/n2 drained\n");
	same("get pods");

	/* wait */
	ck_assert_int_eq(ck(&out, "create configmap wc --from-literal=a=b"), 0);
	ck_assert_int_eq(ck(&out, "wait --for=jsonpath='{.data.a}'=b cm/wc"), 0);
	expect_line(&out, "configmap/wc condition met\n");
	ck_assert_int_ne(ck(&out, "wait --for=condition=Ready cm/wc --timeout=1s"), 0);
	expect_line(&out, "error: timed out waiting for the condition on configmaps/wc\n");
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(sleep 1; /usr/bin/kubectl --kubeconfig %s delete cm wc) >/dev/null & "
		       "%s --kubeconfig %s wait --for=delete cm/wc --timeout=20s",
		       KC, ckubectl, KC),
	    0);
	expect_line(&out, "configmap/wc condition met\n");

	/* deployments: generated alike, scaled, paused, resumed, restarted */
	twin("create deployment dk --image=busybox --replicas=2",
	     "create deployment dc --image=busybox --replicas=2");
	const char *spec = "get deploy %s -o jsonpath='{.spec}'";
	struct ck_buf a = CK_BUF_INIT, b = CK_BUF_INIT;
	char q[256];
	snprintf(q, sizeof(q), spec, "dk");
	ck_assert_int_eq(ck(&a, q), 0);
	snprintf(q, sizeof(q), spec, "dc");
	ck_assert_int_eq(ck(&b, q), 0);
	/* the same spec but for the names */
	ck_assert_int_eq(ck_test_sh(&out, "echo '%s' | sed s/dk/dc/g", ck_buf_str(&a)), 0);
	ck_buf_addc(&b, '\n'); /* echo's */
	ck_assert_str_eq(ck_buf_str(&out), ck_buf_str(&b));
	ck_assert_int_eq(ck(&out, "scale deploy dc --replicas=3"), 0);
	expect_line(&out, "deployment.apps/dc scaled\n");
	ck_assert_int_eq(ck(&out, "get deploy dc -o jsonpath='{.spec.replicas}'"), 0);
	expect_line(&out, "3");
	ck_assert_int_eq(ck(&out, "rollout pause deploy/dc"), 0);
	expect_line(&out, "deployment.apps/dc paused\n");
	same("rollout pause deploy/dc");
	ck_assert_int_eq(ck(&out, "rollout resume deploy/dc"), 0);
	expect_line(&out, "deployment.apps/dc resumed\n");
	same("rollout resume deploy/dc");
	same("rollout status deploy/dc --watch=false");
	ck_assert_int_eq(ck(&out, "rollout restart deploy/dc"), 0);
	expect_line(&out, "deployment.apps/dc restarted\n");
	ck_assert_int_eq(
	    ck(&out, "get deploy dc -o jsonpath='{.spec.template.metadata.annotations}'"), 0);
	ck_assert(strstr(ck_buf_str(&out), "kubectl.kubernetes.io/restartedAt") != NULL);

	/* edit through $KUBE_EDITOR */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "KUBE_EDITOR=\"sed -i 's/replicas: 3/replicas: 4/'\" %s --kubeconfig %s "
		       "edit deploy dc",
		       ckubectl, KC),
	    0);
	expect_line(&out, "deployment.apps/dc edited\n");
	ck_assert_int_eq(ck(&out, "get deploy dc -o jsonpath='{.spec.replicas}'"), 0);
	expect_line(&out, "4");
	ck_assert_int_eq(
	    ck_test_sh(&out, "KUBE_EDITOR=true %s --kubeconfig %s edit deploy dc", ckubectl, KC),
	    0);
	expect_line(&out, "Edit cancelled, no changes made.\n");
	ck_buf_release(&a);
	ck_buf_release(&b);
	ck_buf_release(&out);
}
END_TEST

/* Wrong credentials against a secured server (RBAC, client certificates). */
START_TEST(test_ckubectl_credentials)
{
	struct ck_test_apiserver *secure;
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .secure = 1 };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &secure), 0);
	struct ck_buf out = CK_BUF_INIT;
	const char *kc = ck_test_apiserver_kubeconfig(secure);
	ck_assert_int_eq(
	    ck_test_sh(&out, "%s --kubeconfig %s get ns default -o name", ckubectl, kc), 0);
	expect_line(&out, "namespace/default\n");
	ck_assert_int_ne(
	    ck_test_sh(&out, "%s --server %s --insecure-skip-tls-verify --token wrong get pods",
		       ckubectl, ck_test_apiserver_url(secure)),
	    0);
	expect_line(&out, "error: You must be logged in to the server (Unauthorized)\n");
	ck_buf_release(&out);
	ck_test_apiserver_free(secure);
}
END_TEST

/* describe: kubectl's layout for the kinds ckubectl describes, events included. */
START_TEST(test_ckubectl_describe)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create namespace desc"), 0);
	/* ckubectl has no `create quota` */
	ck_assert_int_eq(ck_test_sh(&out,
				    "/usr/bin/kubectl --kubeconfig %s -n desc create quota qq "
				    "--hard=pods=3,configmaps=5",
				    KC),
			 0);
	ck_assert_int_eq(ck(&out, "-n desc create service clusterip web --tcp=80:8080"), 0);
	/* one key: kubectl prints Data in Go's random map order (ckubectl sorts) */
	write_file("multi.txt", "x\ny\n");
	ck_assert_int_eq(ck(&out, "-n desc create configmap cfg --from-file=multi=multi.txt"), 0);
	ck_assert_int_eq(
	    ck(&out, "-n desc patch cm cfg --type merge -p '{\"binaryData\":{\"b\":\"AAEC\"}}'"),
	    0);
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
		 "apiVersion: v1\nkind: Service\nmetadata:\n  name: np\n  labels: {x: z, a: b}\n"
		 "  annotations: {a: b, long: \"%0150d\"}\nspec:\n  type: NodePort\n"
		 "  selector: {app: np}\n  ports: [{name: http, port: 80, targetPort: web}, "
		 "{name: https, port: 443}]\n",
		 0);
	write_file("np.yaml", yaml);
	ck_assert_int_eq(ck(&out, "-n desc apply -f np.yaml"), 0);
	/* events about web: one repeated, one older warning, one about another object */
	ck_assert_int_eq(ck(&out, "-n desc get svc web -o jsonpath='{.metadata.uid}'"), 0);
	char uid[64];
	snprintf(uid, sizeof(uid), "%s", ck_buf_str(&out));
	static const char *const ev =
	    "apiVersion: v1\nkind: Event\nmetadata: {name: %s}\ninvolvedObject: {kind: Service, "
	    "name: %s, namespace: desc, uid: %s, apiVersion: v1}\nreason: %s\nmessage: \"  %s "
	    "\"\ntype: %s\nsource: {component: %s}\nfirstTimestamp: \"%s\"\nlastTimestamp: "
	    "\"%s\"\ncount: %d\n";
	struct ck_buf evs = CK_BUF_INIT;
	ck_buf_addf(&evs, ev, "web.1", "web", uid, "Created", "made it", "Normal", "test-ctl",
		    "2020-01-01T10:00:00Z", "2021-06-01T10:00:00Z", 3);
	ck_buf_adds(&evs, "---\n");
	ck_buf_addf(&evs, ev, "web.2", "web", uid, "Odd", "hmm", "Warning", "other",
		    "2019-01-01T10:00:00Z", "2019-01-01T10:00:00Z", 1);
	ck_buf_adds(&evs, "---\n");
	ck_buf_addf(&evs, ev, "np.1", "np", "x", "Other", "not web's", "Normal", "c",
		    "2019-01-01T10:00:00Z", "2019-01-01T10:00:00Z", 1);
	write_file("ev.yaml", ck_buf_str(&evs));
	ck_buf_release(&evs);
	ck_assert_int_eq(ck(&out, "-n desc create -f ev.yaml"), 0);

	same("describe ns desc");
	same("describe namespaces default desc");
	same("-n desc describe svc web");
	same("-n desc describe svc");
	same("-n desc describe services/np");
	same("-n desc describe svc web --show-events=false");
	same("-n desc describe cm cfg");
	same("-n desc describe svc,cm");
	same("-n desc describe svc -l a=b");
	same("-n desc describe svc nope");
	same("-n desc describe svc n"); /* names starting with n */
	same("-n desc describe svc nope web nope2");
	same("-n desc describe svc/n");
	same("-n empty describe cm");
	same("describe");
	ck_buf_release(&out);
}
END_TEST

/* A ReplicaSet of deployment ud at a revision, as the deployment controller would make it. */
static void write_revision(const char *file, const char *uid, int rev, const char *image,
			   const char *cause)
{
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
		 "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: ud-%d\n"
		 "  labels: {app: ud, pod-template-hash: h%d}\n"
		 "  annotations: {deployment.kubernetes.io/revision: \"%d\"%s%s%s}\n"
		 "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: ud, uid: %s, "
		 "controller: true, blockOwnerDeletion: true}]\nspec:\n  replicas: 0\n"
		 "  selector: {matchLabels: {app: ud, pod-template-hash: h%d}}\n  template:\n"
		 "    metadata: {labels: {app: ud, pod-template-hash: h%d}}\n"
		 "    spec: {containers: [{name: busybox, image: \"%s\"}]}\n",
		 rev, rev, rev, cause ? ", kubernetes.io/change-cause: \"" : "", cause ? cause : "",
		 cause ? "\"" : "", uid, rev, rev, image);
	write_file(file, yaml);
}

/* rollout history and undo over ReplicaSets made by the test (there is no controller). */
START_TEST(test_ckubectl_rollout_history_undo)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create deployment ud --image=busybox"), 0);
	ck_assert_int_eq(ck(&out, "create deployment none --image=busybox"), 0);
	same("rollout history deploy/ud");
	same("rollout undo deploy/ud");
	ck_assert_int_eq(ck(&out, "get deploy ud -o jsonpath='{.metadata.uid}'"), 0);
	char uid[64];
	snprintf(uid, sizeof(uid), "%s", ck_buf_str(&out));
	write_revision("rs1.yaml", uid, 1, "busybox:1", NULL);
	write_revision("rs2.yaml", uid, 2, "busybox", "kubectl set image x");
	ck_assert_int_eq(ck(&out, "create -f rs1.yaml -f rs2.yaml"), 0);
	/* a ReplicaSet another deployment controls is no revision of ud's */
	write_revision("rs9.yaml", "0c8ee1de-0000-4000-8000-000000000000", 9, "x", NULL);
	ck_assert_int_eq(ck_test_sh(&out, "cd %s && sed -i s/ud-9/other-9/ rs9.yaml", dir), 0);
	ck_assert_int_eq(ck(&out, "create -f rs9.yaml"), 0);
	same("rollout history deploy/ud");
	same("rollout history deployment ud none");
	same("rollout history deploy/nope");
	same("rollout history cm/nope");
	same("rollout undo deploy/ud --to-revision=7");
	same("rollout undo deploy/none");
	/* the previous revision is 1 */
	ck_assert_int_eq(ck(&out, "rollout undo deploy/ud"), 0);
	expect_line(&out, "deployment.apps/ud rolled back\n");
	ck_assert_int_eq(ck(&out, "get deploy ud -o jsonpath='{.spec.template.spec.containers[0]"
				  ".image} {.spec.template.metadata.labels}'"),
			 0);
	expect_line(&out, "busybox:1 {\"app\":\"ud\"}");
	same("rollout undo deploy/ud");
	ck_assert_int_eq(ck(&out, "rollout undo deploy/ud --to-revision=2"), 0);
	expect_line(&out, "deployment.apps/ud rolled back\n");
	ck_assert_int_eq(ck(&out, "get deploy ud -o jsonpath='{.spec.template.spec.containers[0]"
				  ".image} {.metadata.annotations}'"),
			 0);
	expect_line(&out, "busybox {\"kubernetes.io/change-cause\":\"kubectl set image x\"}");
	same("rollout undo deploy/ud --to-revision=2");
	ck_assert_int_eq(ck(&out, "rollout pause deploy/ud"), 0);
	same("rollout undo deploy/ud");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_ckubectl(void)
{
	Suite *s = suite_create("ckubectl");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_test(tc, test_ckubectl_same_as_kubectl);
	tcase_add_test(tc, test_ckubectl_bad_input);
	tcase_add_test(tc, test_ckubectl_credentials);
	tcase_add_test(tc, test_ckubectl_config_edits);
	tcase_add_test(tc, test_ckubectl_watch);
	tcase_add_test(tc, test_ckubectl_nodes_wait_rollout);
	tcase_add_test(tc, test_ckubectl_describe);
	tcase_add_test(tc, test_ckubectl_rollout_history_undo);
	suite_add_tcase(s, tc);
	return s;
}
