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
	ck_test_bin_path("ckubectl", ckubectl, sizeof(ckubectl));
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
	    CK_TEST_KUBECTL, KC, args, ages);
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
	const char *clis[2] = { CK_TEST_KUBECTL, ckubectl };
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
	    ck_test_sh(&a, CK_TEST_KUBECTL " --kubeconfig %s -n via-kubectl %s", KC, q), 0);
	ck_assert_int_eq(
	    ck_test_sh(&b, CK_TEST_KUBECTL " --kubeconfig %s -n via-ckubectl %s", KC, q), 0);
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
	    ck_test_sh(&out, CK_TEST_KUBECTL " --kubeconfig %s/kc get cm only-here -o name", dir);
	ck_assert_msg(r == 0, "%s", ck_buf_str(&out));
	expect_line(&out, "configmap/only-here\n");
	ck_assert_int_eq(
	    ck_test_sh(&out, CK_TEST_KUBECTL " --kubeconfig %s/kc config current-context", dir), 0);
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
	int ra = ck_test_sh(&a, "cd %s && " CK_TEST_KUBECTL " --kubeconfig %s %s", dir, KC, fmt_a);
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
	ck_assert_int_eq(ck_test_sh(&out,
				    "(sleep 1; " CK_TEST_KUBECTL
				    " --kubeconfig %s delete cm wc) >/dev/null & "
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
				    CK_TEST_KUBECTL " --kubeconfig %s -n desc create quota qq "
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

/* A pod with what describe prints: resources, env, probes, volumes, tolerations. */
static const char *const describe_pod_yaml =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web, tier: front}\n"
    "  annotations: {note: hello}\nspec:\n  priority: 10\n  priorityClassName: high\n"
    "  serviceAccountName: default\n  nodeSelector: {disk: ssd}\n  tolerations:\n"
    "  - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}\n"
    "  - {operator: Exists}\n"
    "  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, "
    "tolerationSeconds: 300}\n"
    "  initContainers:\n  - {name: init, image: busybox, command: [sh, -c, echo init]}\n"
    "  containers:\n  - name: app\n    image: nginx:1.25\n    command: [/bin/app]\n"
    "    args: [\"--port=80\", \"multi\\nline\"]\n"
    "    ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]\n"
    "    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n"
    "      requests: {cpu: 250m, memory: 64Mi}\n"
    "    livenessProbe: {httpGet: {path: /healthz, port: 80}, initialDelaySeconds: 3}\n"
    "    readinessProbe: {tcpSocket: {port: 80}}\n"
    "    startupProbe: {exec: {command: [cat, /tmp/ok]}}\n"
    "    env:\n    - {name: PLAIN, value: x}\n    - {name: MULTI, value: \"a\\nb\"}\n"
    "    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
    "    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
    "    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}\n"
    "    - {name: MEM, valueFrom: {resourceFieldRef: {resource: requests.memory}}}\n"
    "    - {name: SEC, valueFrom: {secretKeyRef: {name: s, key: k}}}\n"
    "    - {name: CM, valueFrom: {configMapKeyRef: {name: c, key: k, optional: true}}}\n"
    "    envFrom:\n    - configMapRef: {name: cfg}\n"
    "    - {secretRef: {name: sec, optional: true}, prefix: P_}\n"
    "    volumeMounts:\n    - {name: data, mountPath: /data}\n"
    "    - {name: cfg, mountPath: /etc/cfg, readOnly: true, subPath: sub}\n"
    "  - {name: side, image: busybox}\n  volumes:\n"
    "  - {name: data, emptyDir: {sizeLimit: 1Gi}}\n  - {name: cfg, configMap: {name: cfg}}\n"
    "  - {name: sec, secret: {secretName: sec, optional: true}}\n"
    "  - {name: host, hostPath: {path: /var/log, type: Directory}}\n"
    "  - {name: claim, persistentVolumeClaim: {claimName: pvc1, readOnly: true}}\n"
    "  - {name: mem, emptyDir: {medium: Memory}}\n"
    "  - name: kube-api-access\n    projected:\n      sources:\n"
    "      - serviceAccountToken: {path: token, expirationSeconds: 3607}\n"
    "      - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}\n"
    "      - downwardAPI: {items: [{path: ns, fieldRef: {fieldPath: metadata.namespace}}]}\n"
    "  - {name: dapi, downwardAPI: {items: [{path: l, fieldRef: {fieldPath: metadata.labels}}]}}\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: bound}\nspec:\n  containers:\n"
    "  - {name: c, image: busybox, resources: {requests: {cpu: 100m, memory: 100Mi}}}\n"
    "  - {name: d, image: busybox, resources: {limits: {cpu: \"1\", memory: 1Gi}}}\n";

/* A node as a kubelet would register it: taints, roles, capacity, conditions, addresses. */
static const char *const describe_node_yaml =
    "apiVersion: v1\nkind: Node\nmetadata:\n  name: dn1\n  labels: {kubernetes.io/hostname: dn1, "
    "node-role.kubernetes.io/control-plane: \"\", kubernetes.io/role: worker}\nspec:\n"
    "  podCIDR: 10.244.1.0/24\n  podCIDRs: [10.244.1.0/24]\n  taints:\n"
    "  - {key: dedicated, value: gpu, effect: NoSchedule}\n  - {key: a, effect: NoExecute}\n"
    "---\napiVersion: v1\nkind: Node\nmetadata: {name: dn2}\n";
static const char *const describe_node_status =
    "{\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\","
    "\"ephemeral-storage\":\"100Gi\",\"example.com/gpu\":\"2\",\"hugepages-2Mi\":\"0\"},"
    "\"allocatable\":{\"cpu\":\"3800m\",\"memory\":\"7Gi\",\"pods\":\"110\","
    "\"ephemeral-storage\":\"90Gi\",\"example.com/gpu\":\"2\",\"hugepages-2Mi\":\"0\"},"
    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":"
    "\"2026-01-02T03:04:05Z\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":"
    "\"KubeletReady\",\"message\":\"kubelet is posting ready status\"},{\"type\":"
    "\"MemoryPressure\",\"status\":\"False\",\"lastHeartbeatTime\":\"2026-01-02T03:04:05Z\","
    "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":\"KubeletHasSufficientMemory\","
    "\"message\":\"kubelet has sufficient memory available\"}],\"addresses\":[{\"type\":"
    "\"InternalIP\",\"address\":\"192.168.1.10\"},{\"type\":\"Hostname\",\"address\":\"dn1\"}],"
    "\"nodeInfo\":{\"machineID\":\"m1\",\"systemUUID\":\"u1\",\"bootID\":\"b1\","
    "\"kernelVersion\":\"6.1\",\"osImage\":\"Debian\",\"containerRuntimeVersion\":"
    "\"containerd://1.6\",\"kubeletVersion\":\"v1.30.0\",\"kubeProxyVersion\":\"v1.30.0\","
    "\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"}}}";

/* An event about an object, long ago (its age keeps its width while the test runs). */
static void add_event(struct ck_buf *b, const char *name, const char *ns, const char *kind,
		      const char *obj, const char *uid, const char *reason, int count)
{
	ck_buf_addf(
	    b,
	    "---\napiVersion: v1\nkind: Event\nmetadata: {name: %s, namespace: %s}\n"
	    "involvedObject: {kind: %s, name: %s, namespace: \"%s\", uid: \"%s\"}\n"
	    "reason: %s\nmessage: \"%s happened\"\ntype: Normal\nsource: {component: test}\n"
	    "firstTimestamp: \"2020-01-01T10:00:00Z\"\nlastTimestamp: \"2021-0%d-01T10:00:00Z\"\n"
	    "count: %d\n",
	    name, ns[0] ? ns : "default", kind, obj, ns, uid, reason, reason, count, count);
}

/* The uid of an object (ckubectl get ... -o jsonpath), into uid. */
static void uid_of(const char *what, char *uid, size_t size)
{
	struct ck_buf out = CK_BUF_INIT;
	char args[256];
	snprintf(args, sizeof(args), "get %s -o jsonpath='{.metadata.uid}'", what);
	ck_assert_int_eq(ck(&out, args), 0);
	snprintf(uid, size, "%s", ck_buf_str(&out));
	ck_buf_release(&out);
}

/*
 * describe of pods (unbound and bound), nodes, deployments with their
 * ReplicaSets, a priorityclass and kinds only the generic describer knows
 * (lease, podtemplate, event): kubectl's layout byte for byte.
 */
START_TEST(test_ckubectl_describe_workloads)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create namespace dw"), 0);
	write_file("pods.yaml", describe_pod_yaml);
	ck_assert_int_eq(ck(&out, "-n dw create -f pods.yaml"), 0);
	write_file("nodes.yaml", describe_node_yaml);
	ck_assert_int_eq(ck(&out, "create -f nodes.yaml"), 0);
	write_file("status.json", describe_node_status);
	/* ckubectl has no --subresource nor create --raw: the real kubectl sets them up */
	ck_assert_int_eq(ck_test_sh(&out,
				    "cd %s && " CK_TEST_KUBECTL " --kubeconfig %s patch node dn1 "
				    "--subresource=status --type=merge --patch-file status.json",
				    dir, KC),
			 0);
	write_file("binding.json",
		   "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":"
		   "{\"name\":\"bound\"},\"target\":{\"kind\":\"Node\",\"name\":\"dn1\"}}");
	ck_assert_int_eq(ck_test_sh(&out,
				    "cd %s && " CK_TEST_KUBECTL " --kubeconfig %s create --raw "
				    "/api/v1/namespaces/dw/pods/bound/binding -f binding.json",
				    dir, KC),
			 0);
	write_file(
	    "lease.yaml",
	    "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: dn1\n"
	    "  namespace: kube-node-lease\n  labels: {x: \"z\"}\n  annotations: {a: b}\n"
	    "  ownerReferences: [{apiVersion: v1, kind: Node, name: dn1, uid: \"1234\"}]\n"
	    "spec: {holderIdentity: dn1, leaseDurationSeconds: 40, renewTime: "
	    "\"2026-01-02T03:04:05.123456Z\", acquireTime: \"2026-01-01T00:00:00.000000Z\"}\n"
	    "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n"
	    "  name: high\n  annotations: {b: c, a: d}\nvalue: 1000\n"
	    "description: very important\n---\napiVersion: v1\nkind: PodTemplate\n"
	    "metadata: {name: pt, namespace: dw}\ntemplate:\n  metadata: {labels: {a: b}}\n"
	    "  spec: {containers: [{name: c, image: busybox, args: [\"1\", \"2\"]}]}\n");
	ck_assert_int_eq(ck(&out, "create -f lease.yaml"), 0);

	/* a deployment and the ReplicaSets and pod its controllers would make */
	ck_assert_int_eq(ck(&out, "-n dw create deployment dep --image=nginx:1.25 --replicas=2"),
			 0);
	char dep_uid[64], rs_uid[64], pod_uid[64], node_uid[64];
	uid_of("-n dw deploy dep", dep_uid, sizeof(dep_uid));
	struct ck_buf yaml = CK_BUF_INIT;
	for (int i = 1; i <= 2; i++)
		ck_buf_addf(
		    &yaml,
		    "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: dep-h%d\n"
		    "  labels: {app: dep, pod-template-hash: h%d}\n"
		    "  annotations: {deployment.kubernetes.io/revision: \"%d\"}\n"
		    "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: dep, "
		    "uid: %s, controller: true, blockOwnerDeletion: true}]\nspec:\n"
		    "  replicas: %d\n  selector: {matchLabels: {app: dep, pod-template-hash: "
		    "h%d}}\n  template:\n    metadata: {labels: {app: dep, pod-template-hash: "
		    "h%d}}\n    spec: {containers: [{name: nginx, image: \"nginx:1.2%d\"}]}\n",
		    i, i, i, dep_uid, i - 1, i, i, i + 3);
	write_file("rs.yaml", ck_buf_str(&yaml));
	ck_assert_int_eq(ck(&out, "-n dw create -f rs.yaml"), 0);
	uid_of("-n dw rs dep-h2", rs_uid, sizeof(rs_uid));
	ck_buf_reset(&yaml);
	ck_buf_addf(&yaml,
		    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dep-h2-abc\n"
		    "  labels: {app: dep, pod-template-hash: h2}\n  ownerReferences: [{apiVersion: "
		    "apps/v1, kind: ReplicaSet, name: dep-h2, uid: %s, controller: true}]\n"
		    "spec: {containers: [{name: nginx, image: \"nginx:1.25\"}]}\n",
		    rs_uid);
	write_file("rspod.yaml", ck_buf_str(&yaml));
	ck_assert_int_eq(ck(&out, "-n dw create -f rspod.yaml"), 0);

	/* events: about the pod, the deployment, the node (by uid and, as kubelets, by name) */
	uid_of("-n dw pod web", pod_uid, sizeof(pod_uid));
	uid_of("node dn1", node_uid, sizeof(node_uid));
	ck_buf_reset(&yaml);
	add_event(&yaml, "web.1", "dw", "Pod", "web", pod_uid, "Scheduled", 1);
	add_event(&yaml, "dep.1", "dw", "Deployment", "dep", dep_uid, "ScalingReplicaSet", 3);
	add_event(&yaml, "dn1.1", "", "Node", "dn1", "dn1", "Starting", 2);
	add_event(&yaml, "dn1.2", "", "Node", "dn1", node_uid, "RegisteredNode", 1);
	write_file("events.yaml", ck_buf_str(&yaml));
	ck_assert_int_eq(ck(&out, "create -f events.yaml"), 0);
	ck_buf_release(&yaml);

	same("-n dw describe pod web");
	same("-n dw describe pod bound");
	same("-n dw describe pods");
	same("-n dw describe pod web --show-events=false");
	same("describe node dn1");
	same("describe nodes");
	same("-n dw describe deploy dep");
	same("-n dw describe rs");
	same("-n dw describe replicasets.apps dep-h2");
	same("describe priorityclass high");
	same("-n kube-node-lease describe lease dn1");
	same("describe leases -A");
	same("-n dw describe podtemplate pt");
	same("-n dw describe events dep.1");
	same("-n dw describe deploy,rs,pods -l app=dep");

	/* the other kinds that print a pod template */
	write_file(
	    "workloads.yaml",
	    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, labels: {app: db}}\n"
	    "spec:\n  serviceName: db\n  replicas: 2\n  selector: {matchLabels: {app: db}}\n"
	    "  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}\n"
	    "  template:\n    metadata: {labels: {app: db}, annotations: {x: \"z\"}}\n"
	    "    spec: {containers: [{name: db, image: postgres, ports: [{containerPort: "
	    "5432}]}], priorityClassName: high}\n  volumeClaimTemplates:\n"
	    "  - metadata: {name: data, labels: {a: b, c: d}}\n    spec: {accessModes: "
	    "[ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: fast}\n"
	    "  - metadata: {name: logs}\n    spec: {accessModes: [ReadWriteOnce, "
	    "ReadOnlyMany]}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: "
	    "agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n"
	    "    metadata: {labels: {app: agent}}\n    spec:\n      nodeSelector: {os: linux, "
	    "disk: ssd}\n      tolerations: [{operator: Exists}]\n      containers: [{name: a, "
	    "image: busybox}]\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\n"
	    "spec:\n  backoffLimit: 4\n  activeDeadlineSeconds: 100\n  template:\n    spec: "
	    "{restartPolicy: Never, containers: [{name: pi, image: perl, command: [perl, -e, "
	    "\"print 1\"]}]}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: idx}\n"
	    "spec:\n  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n"
	    "  suspend: true\n  ttlSecondsAfterFinished: 60\n  template:\n    spec: "
	    "{restartPolicy: Never, containers: [{name: c, image: busybox}]}\n---\n"
	    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n"
	    "  schedule: \"*/5 * * * *\"\n  startingDeadlineSeconds: 30\n  jobTemplate:\n"
	    "    spec:\n      template:\n        spec: {restartPolicy: OnFailure, containers: "
	    "[{name: c, image: busybox}]}\n");
	ck_assert_int_eq(ck(&out, "-n dw create -f workloads.yaml"), 0);
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       CK_TEST_KUBECTL
		       " --kubeconfig %s -n dw patch job pi "
		       "--subresource=status --type=merge -p '{\"status\":{\"startTime\":"
		       "\"2026-01-01T00:00:00Z\",\"completionTime\":\"2026-01-01T00:02:05Z\","
		       "\"succeeded\":1,\"ready\":0,\"conditions\":[{\"type\":\"Complete\","
		       "\"status\":\"True\"}]}}'",
		       KC),
	    0);
	same("-n dw describe statefulset db");
	same("-n dw describe daemonset agent");
	same("-n dw describe jobs");
	same("-n dw describe cronjob cj");

	/* quotas (with a status as a quota controller would write) and limits, secrets, accounts */
	write_file(
	    "config.yaml",
	    "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: qq}\nspec:\n"
	    "  hard: {pods: \"3\", requests.memory: 1Gi}\n---\napiVersion: v1\n"
	    "kind: ResourceQuota\nmetadata: {name: scoped}\nspec:\n  hard: {pods: \"2\"}\n"
	    "  scopes: [NotTerminating, BestEffort]\n---\napiVersion: v1\nkind: LimitRange\n"
	    "metadata: {name: lr}\nspec:\n  limits:\n  - type: Container\n"
	    "    max: {cpu: \"2\"}\n    min: {cpu: 100m}\n    default: {cpu: 500m}\n"
	    "    defaultRequest: {cpu: 200m}\n  - type: Pod\n    max: {memory: 2Gi}\n---\n"
	    "apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\ndata: {k: dg==}\n---\n"
	    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa1}\n"
	    "secrets: [{name: s1}, {name: gone}]\nimagePullSecrets: [{name: pull}]\n---\n"
	    "apiVersion: v1\nkind: Endpoints\nmetadata: {name: ep}\nsubsets:\n"
	    "- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]\n"
	    "  notReadyAddresses: [{ip: 10.0.0.3}]\n"
	    "  ports: [{name: http, port: 80}, {name: https, port: 443}]\n"
	    "- {addresses: [{ip: 10.0.1.1}], ports: [{port: 81}]}\n---\n"
	    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
	    "metadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: "
	    "ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: sa1, "
	    "namespace: dw}, {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]\n");
	ck_assert_int_eq(ck(&out, "-n dw create -f config.yaml"), 0);
	ck_assert_int_eq(ck_test_sh(&out,
				    CK_TEST_KUBECTL
				    " --kubeconfig %s -n dw patch quota qq "
				    "--subresource=status --type=merge -p '{\"status\":{\"hard\":"
				    "{\"pods\":\"3\",\"requests.memory\":\"1Gi\"},\"used\":"
				    "{\"pods\":\"1\",\"requests.memory\":\"0\"}}}'",
				    KC),
			 0);
	same("describe namespace dw");
	same("-n dw describe quota");
	same("-n dw describe limits lr");
	same("-n dw describe secret s1");
	same("-n dw describe serviceaccount sa1");
	same("-n dw describe endpoints ep");
	same("-n dw describe rolebinding rb");
	same("describe clusterrolebindings"); /* none: "No resources found in default namespace." */
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

/* explain from the server's OpenAPI v3 documents, as kubectl 1.32 prints it. */
START_TEST(test_ckubectl_explain)
{
	same("explain cm");			  /* a kind: KIND, VERSION, FIELDS */
	same("explain deployments.apps");	  /* GROUP too */
	same("explain po.spec.containers.ports"); /* a nested path through a list */
	same("explain deploy.spec.strategy");	  /* a field with an enum field */
	same("explain svc.spec.type");		  /* an enum field itself */
	same("explain deployments.apps.spec.template.metadata.labels"); /* a map */
	same("explain cm --recursive"); /* nested fields, no descriptions */
	same("explain deploy.spec.strategy --recursive");
	same("explain pods --api-version=v1");
	same("explain pods.spec.nope"); /* header, then the error, exit 1 */
	same("explain cm.data.x");
	same("explain foo");
	same("explain");
	same("explain pods nodes");
	same("explain deploy --api-version=apps/v2");
	same("explain deploy --api-version=a/b/c");
}
END_TEST

/* rollout history --revision and undo --dry-run for a deployment's ReplicaSets. */
START_TEST(test_ckubectl_rollout_revision)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create deployment ud --image=busybox"), 0);
	char uid[64];
	uid_of("deploy ud", uid, sizeof(uid));
	write_revision("rs1.yaml", uid, 1, "busybox:1", NULL);
	write_revision("rs2.yaml", uid, 2, "busybox", "kubectl set image x");
	ck_assert_int_eq(ck(&out, "create -f rs1.yaml -f rs2.yaml"), 0);
	same("rollout history deploy/ud --revision=1");
	same("rollout history deploy/ud --revision=2"); /* with its change-cause */
	same("rollout history deploy/ud --revision=3");
	same("rollout history deploy/ud --revision=-1");
	same("rollout undo deploy/ud --dry-run=client");
	same("rollout undo deploy/ud --dry-run=client --to-revision=2");
	same("rollout undo deploy/ud --dry-run=server");
	same("rollout history deploy/ud"); /* the dry runs changed nothing */
	ck_buf_release(&out);
}
END_TEST

/* A ControllerRevision of a daemon set or stateful set, as their controllers record them. */
static void write_controller_revision(const char *file, const char *kind, const char *owner,
				      const char *uid, int rev, const char *image)
{
	char yaml[2048];
	snprintf(
	    yaml, sizeof(yaml),
	    "apiVersion: apps/v1\nkind: ControllerRevision\nmetadata:\n  name: %s-%d\n"
	    "  labels: {app: %s, controller-revision-hash: h%d}\n"
	    "  annotations: {kubernetes.io/change-cause: \"cause %d\"}\n"
	    "  ownerReferences: [{apiVersion: apps/v1, kind: %s, name: %s, uid: %s, "
	    "controller: true, blockOwnerDeletion: true}]\nrevision: %d\ndata:\n  spec:\n"
	    "    template:\n      $patch: replace\n      metadata: {labels: {app: %s}}\n"
	    "      spec: {containers: [{name: c, image: \"%s\", ports: [{containerPort: 80}]}]}\n",
	    owner, rev, owner, rev, rev, kind, owner, uid, rev, owner, image);
	write_file(file, yaml);
}

static const char *const workloads_yaml =
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: %s}\nspec:\n  replicas: 2\n"
    "  serviceName: web\n  selector: {matchLabels: {app: %s}}\n  template:\n"
    "    metadata: {labels: {app: %s}}\n    spec: {containers: [{name: c, image: busybox}]}\n"
    "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: %s}\nspec:\n"
    "  selector: {matchLabels: {app: %s}}\n  template:\n    metadata: {labels: {app: %s}}\n"
    "    spec: {containers: [{name: c, image: busybox}]}\n";

/* Sets an object's status through the status subresource (there is no controller). */
static void set_status(const char *what, const char *status)
{
	struct ck_buf out = CK_BUF_INIT;
	char args[1024];
	snprintf(args, sizeof(args),
		 "patch %s --subresource=status --type=merge -p '{\"status\":%s}'", what, status);
	ck_assert_msg(ck(&out, args) == 0, "%s: %s", args, ck_buf_str(&out));
	ck_buf_release(&out);
}

/*
 * rollout status, history, undo, restart, pause and resume for stateful sets
 * and daemon sets: history from ControllerRevisions the test makes, status
 * from statuses it sets.
 */
START_TEST(test_ckubectl_rollout_workloads)
{
	struct ck_buf out = CK_BUF_INIT;
	char yaml[2048];
	snprintf(yaml, sizeof(yaml), workloads_yaml, "web", "web", "web", "agent", "agent",
		 "agent");
	write_file("workloads.yaml", yaml);
	ck_assert_int_eq(ck(&out, "create -f workloads.yaml"), 0);
	char sts_uid[64], ds_uid[64];
	uid_of("sts web", sts_uid, sizeof(sts_uid));
	uid_of("ds agent", ds_uid, sizeof(ds_uid));
	same("rollout history sts/web");
	write_controller_revision("cr1.yaml", "StatefulSet", "web", sts_uid, 1, "busybox:1");
	write_controller_revision("cr2.yaml", "StatefulSet", "web", sts_uid, 2, "busybox");
	write_controller_revision("cr3.yaml", "DaemonSet", "agent", ds_uid, 1, "busybox:1");
	write_controller_revision("cr4.yaml", "DaemonSet", "agent", ds_uid, 3, "busybox:3");
	ck_assert_int_eq(ck(&out, "create -f cr1.yaml -f cr2.yaml -f cr3.yaml -f cr4.yaml"), 0);
	same("rollout history sts/web");
	same("rollout history ds/agent");
	same("rollout history sts/web --revision=1");
	same("rollout history ds/agent --revision=3");
	same("rollout history ds/agent --revision=2");
	same("rollout undo ds/agent --dry-run=client");
	same("rollout undo sts/web --to-revision=5");
	same("rollout pause sts/web");
	same("rollout resume ds/agent");
	same("rollout pause cm/nope");
	same("rollout restart cm/nope");

	/* status, as the statuses a controller would write go by */
	same("rollout status sts/web --watch=false");
	set_status("sts web", "{\"observedGeneration\":1,\"replicas\":2,\"readyReplicas\":1}");
	same("rollout status sts/web --watch=false");
	set_status("sts web", "{\"observedGeneration\":1,\"replicas\":2,\"readyReplicas\":2,"
			      "\"updatedReplicas\":1}");
	same("rollout status sts/web --watch=false");
	set_status("sts web", "{\"observedGeneration\":1,\"replicas\":2,\"readyReplicas\":2,"
			      "\"updatedReplicas\":2}");
	same("rollout status sts/web");
	same("rollout status ds/agent --watch=false");
	const char *ds_status = "{\"observedGeneration\":1,\"desiredNumberScheduled\":3,"
				"\"currentNumberScheduled\":3,\"numberMisscheduled\":0,"
				"\"numberReady\":0,\"updatedNumberScheduled\":%d,"
				"\"numberAvailable\":%d}";
	char st[512];
	snprintf(st, sizeof(st), ds_status, 1, 0);
	set_status("ds agent", st);
	same("rollout status ds/agent --watch=false");
	snprintf(st, sizeof(st), ds_status, 3, 2);
	set_status("ds agent", st);
	same("rollout status ds/agent --timeout=1s"); /* times out, as kubectl */
	/* the watch sees the status change and finishes well before the timeout */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(sleep 1; %s --kubeconfig %s patch ds agent --subresource=status "
		       "--type=merge -p '{\"status\":{\"numberAvailable\":3}}') >/dev/null & "
		       "%s --kubeconfig %s rollout status ds/agent --timeout=60s",
		       ckubectl, KC, ckubectl, KC),
	    0);
	expect_line(&out, "Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods "
			  "are available...\ndaemon set \"agent\" successfully rolled out\n");

	/* undo applies the revision's data; restart annotates the template */
	ck_assert_int_eq(ck(&out, "rollout undo sts/web"), 0);
	expect_line(&out, "statefulset.apps/web rolled back\n");
	ck_assert_int_eq(ck(&out, "get sts web -o jsonpath='{.spec.template.spec.containers[0]"
				  ".image}'"),
			 0);
	expect_line(&out, "busybox:1");
	ck_assert_int_eq(ck(&out, "rollout undo ds/agent --to-revision=3"), 0);
	expect_line(&out, "daemonset.apps/agent rolled back\n");
	ck_assert_int_eq(ck(&out, "get ds agent -o jsonpath='{.spec.template.spec.containers[0]"
				  ".image}'"),
			 0);
	expect_line(&out, "busybox:3");
	twin("rollout restart sts/web", "rollout restart ds/agent");
	ck_assert_int_eq(
	    ck(&out, "get ds agent -o jsonpath='{.spec.template.metadata.annotations}'"), 0);
	ck_assert(strstr(ck_buf_str(&out), "kubectl.kubernetes.io/restartedAt") != NULL);
	/* an update strategy without a status viewer */
	ck_assert_int_eq(ck(&out, "patch ds agent --type=merge -p "
				  "'{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\","
				  "\"rollingUpdate\":null}}}'"),
			 0);
	same("rollout status ds/agent");
	ck_buf_release(&out);
}
END_TEST

/*
 * wait, delete --wait and rollout status watch: each finishes when the
 * change it waits for arrives, long before its timeout.
 */
START_TEST(test_ckubectl_wait_watch)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck(&out, "create configmap w1 --from-literal=a=b"), 0);
	ck_assert_int_eq(ck(&out, "create deployment wd --image=busybox"), 0);
	/* a condition set through the status subresource after the wait started */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(sleep 1; %s --kubeconfig %s patch deploy wd --subresource=status "
		       "--type=merge -p '{\"status\":{\"conditions\":[{\"type\":\"Available\","
		       "\"status\":\"True\"}]}}') >/dev/null & "
		       "%s --kubeconfig %s wait --for=condition=Available deploy/wd --timeout=60s",
		       ckubectl, KC, ckubectl, KC),
	    0);
	expect_line(&out, "deployment.apps/wd condition met\n");
	/* a label selector's objects, one of them changed later */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(sleep 1; %s --kubeconfig %s label cm w1 ready=yes) >/dev/null & "
		       "%s --kubeconfig %s wait --for=jsonpath='{.metadata.labels.ready}'=yes cm "
		       "--all --timeout=60s",
		       ckubectl, KC, ckubectl, KC),
	    0);
	expect_line(&out, "configmap/w1 condition met\n");
	/* deletion, by another client */
	ck_assert_int_eq(ck_test_sh(&out,
				    "(sleep 1; " CK_TEST_KUBECTL
				    " --kubeconfig %s delete cm w1) >/dev/null & "
				    "%s --kubeconfig %s wait --for=delete cm/w1 --timeout=60s",
				    KC, ckubectl, KC),
			 0);
	expect_line(&out, "configmap/w1 condition met\n");
	same("wait --for=delete cm/w1 --timeout=1s"); /* gone already: nothing to say */
	same("wait --for=delete cm -l nope=x --timeout=1s");
	same("wait --for=condition=Available cm/w1 --timeout=1s");
	/* the deployment's rollout, as its status catches up */
	ck_assert_int_eq(
	    ck_test_sh(&out,
		       "(sleep 1; %s --kubeconfig %s patch deploy wd --subresource=status "
		       "--type=merge -p '{\"status\":{\"observedGeneration\":1,\"replicas\":1,"
		       "\"updatedReplicas\":1,\"readyReplicas\":1,\"availableReplicas\":1}}') "
		       ">/dev/null & "
		       "%s --kubeconfig %s rollout status deploy/wd --timeout=60s",
		       ckubectl, KC, ckubectl, KC),
	    0);
	expect_line(&out, "Waiting for deployment spec update to be observed...\n"
			  "deployment \"wd\" successfully rolled out\n");
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
	tcase_add_test(tc, test_ckubectl_describe_workloads);
	tcase_add_test(tc, test_ckubectl_rollout_history_undo);
	tcase_add_test(tc, test_ckubectl_explain);
	tcase_add_test(tc, test_ckubectl_rollout_revision);
	tcase_add_test(tc, test_ckubectl_rollout_workloads);
	tcase_add_test(tc, test_ckubectl_wait_watch);
	suite_add_tcase(s, tc);
	return s;
}
