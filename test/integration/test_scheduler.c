/*
 * kube-scheduler against a real etcd and API server: Node objects created
 * through the API with capacity and labels (as scheduler_perf does), pods
 * created through the API, and the built kube-scheduler binary deciding:
 *  - resources, nodeSelector, taints and tolerations, host ports, pod
 *    affinity and anti-affinity, topology spread, a second profile under
 *    another schedulerName, and pods with an unknown schedulerName left
 *    alone;
 *  - a pod that fits nowhere gets PodScheduled=False/Unschedulable with
 *    upstream's message and a FailedScheduling event, then is scheduled once
 *    a fitting node appears;
 *  - a high-priority pod preempts a lower-priority one (graceful deletion,
 *    nominatedNodeName, Preempted event) and takes its place, and prefers
 *    a victim that no PodDisruptionBudget protects;
 *  - /healthz, /readyz, /metrics on the secure port, and leader election:
 *    killing the leader of two hands over within the lease duration.
 * CK_TEST_V=N turns on the scheduler's logs (-v=N).
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "apimachinery/object.h"
#include "client/client.h"
#include "util/log.h"
#include "util/str.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static struct ck_client *client;
static char *dir;

struct sched_proc {
	pid_t pid;
	int port;
	char log[512];
};

static const struct ck_gvr pods_gvr = { "", "v1", "pods" };
static const struct ck_gvr nodes_gvr = { "", "v1", "nodes" };
static const struct ck_gvr events_gvr = { "", "v1", "events" };

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	struct ck_client_config cfg;
	char *err = NULL;
	struct ck_kubeconfig_loading_rules rules = { .explicit_path =
							 ck_test_apiserver_kubeconfig(api) };
	ck_assert_int_eq(ck_client_config_load(&rules, NULL, NULL, &cfg, NULL, NULL, &err), 0);
	cfg.qps = -1;
	ck_assert_int_eq(ck_client_new(&cfg, &client, &err), 0);
	ck_client_config_release(&cfg);
	dir = ck_test_mkdtemp(NULL, "ck-sched");
}

static void teardown(void)
{
	ck_client_free(client);
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	ck_test_rmtree(dir);
	free(dir);
}

static const char default_config[] = "apiVersion: kubescheduler.config.k8s.io/v1\n"
				     "kind: KubeSchedulerConfiguration\n"
				     "leaderElection:\n"
				     "  leaderElect: false\n"
				     "podMaxBackoffSeconds: 2\n"
				     "profiles:\n"
				     "- schedulerName: default-scheduler\n"
				     "- schedulerName: second-scheduler\n"
				     "  plugins:\n"
				     "    score:\n"
				     "      disabled:\n"
				     "      - name: NodeResourcesBalancedAllocation\n";

/* Starts kube-scheduler with config (YAML text) and extra flags (NULL-terminated, may be NULL). */
static void start_scheduler(struct sched_proc *sp, const char *name, const char *config,
			    const char *const *extra)
{
	char cfg_path[512], cert_dir[512], port_flag[64], kc_flag[600], cfg_flag[600], cd_flag[600];
	snprintf(cfg_path, sizeof(cfg_path), "%s/%s.yaml", dir, name);
	snprintf(cert_dir, sizeof(cert_dir), "%s/%s-certs", dir, name);
	snprintf(sp->log, sizeof(sp->log), "%s/%s.log", dir, name);
	FILE *f = fopen(cfg_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(config, f);
	fclose(f);
	ck_assert_int_eq(ck_test_free_ports(&sp->port, 1), 0);
	snprintf(port_flag, sizeof(port_flag), "--secure-port=%d", sp->port);
	snprintf(kc_flag, sizeof(kc_flag), "--kubeconfig=%s", ck_test_apiserver_kubeconfig(api));
	snprintf(cfg_flag, sizeof(cfg_flag), "--config=%s", cfg_path);
	snprintf(cd_flag, sizeof(cd_flag), "--cert-dir=%s", cert_dir);
	char bin[512], vflag[32];
	ck_test_bin_path("kube-scheduler", bin, sizeof(bin));
	const char *v = getenv("CK_TEST_V");
	snprintf(vflag, sizeof(vflag), "-v=%s", v ? v : "1");
	const char *argv[24] = { bin,	    kc_flag, cfg_flag,
				 port_flag, cd_flag, "--bind-address=127.0.0.1",
				 vflag };
	size_t n = 7;
	for (size_t i = 0; extra && extra[i] && n < 23; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	ck_assert_int_eq(ck_test_spawn(argv, sp->log, &sp->pid), 0);
	/* ready once its caches synced */
	char url[128];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/readyz", sp->port);
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	for (;;) {
		struct ck_test_response r;
		if (ck_test_http("GET", url, NULL, NULL, NULL, &r) == 0 && r.code == 200) {
			ck_test_response_release(&r);
			break;
		}
		ck_test_response_release(&r);
		if (ck_test_now_ms() > deadline || ck_test_exited(sp->pid)) {
			ck_test_print_log_tail(sp->log, 30);
			ck_abort_msg("kube-scheduler did not become ready");
		}
		ck_test_sleep_ms(50);
	}
}

/* Stops it; a clean stop (SIGTERM) must leave no sanitizer report in its log. */
static void stop_scheduler(struct sched_proc *sp, int sig)
{
	if (sp->pid > 0)
		ck_test_stop(sp->pid, sig, 10000);
	sp->pid = 0;
	if (sig != SIGTERM)
		return;
	bool bad = ck_test_child_reported(sp->log);
	if (bad)
		ck_test_print_log_tail(sp->log, 60);
	ck_assert_msg(!bad, "kube-scheduler reported a sanitizer error (log above)");
}

static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);
	ck_assert_msg(o != NULL, "bad JSON: %s", text);
	return o;
}

static void create(const struct ck_gvr *gvr, const char *ns, const char *text)
{
	json_object *o = parse(text);
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_create(client, gvr, ns, o, NULL, &err);
	ck_assert_msg(r == 0, "create: %s: %s", err.message, text);
	ck_client_error_release(&err);
	json_object_put(o);
}

/* A Node with capacity = allocatable, labels (JSON object) and taints (JSON array). */
static void make_node(const char *name, const char *cpu, const char *memory, const char *labels,
		      const char *taints)
{
	char text[2048];
	snprintf(
	    text, sizeof(text),
	    "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"%s\","
	    "\"labels\":%s},\"spec\":{\"taints\":%s},\"status\":{\"capacity\":{\"cpu\":\"%s\","
	    "\"memory\":\"%s\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":\"%s\",\"memory\":"
	    "\"%s\",\"pods\":\"110\"},\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
	    name, labels, taints ? taints : "[]", cpu, memory, cpu, memory);
	create(&nodes_gvr, NULL, text);
	/* status is not written on create: put it through the status subresource */
	json_object *o = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	ck_assert_int_eq(ck_client_get(client, &nodes_gvr, NULL, name, &o, &err), 0);
	json_object *want = parse(text), *status = NULL;
	json_object_object_get_ex(want, "status", &status);
	json_object_object_add(o, "status", json_object_get(status));
	ck_assert_msg(ck_client_update_status(client, &nodes_gvr, NULL, o, NULL, &err) == 0,
		      "node status: %s", err.message);
	ck_client_error_release(&err);
	json_object_put(o);
	json_object_put(want);
}

/* A pod in "default" with the given spec fields (JSON, without braces) and labels (may be NULL). */
static void make_pod(const char *name, const char *labels, const char *spec_fields)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
		 "\"labels\":%s},\"spec\":{%s%s\"containers\":[{\"name\":\"c\",\"image\":"
		 "\"busybox\"}]}}",
		 name, labels ? labels : "{}", spec_fields ? spec_fields : "",
		 spec_fields && *spec_fields ? "," : "");
	create(&pods_gvr, "default", text);
}

static void make_pod_requesting(const char *name, const char *cpu, const char *extra_fields)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"},"
		 "\"spec\":{%s%s\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
		 "\"resources\":{\"requests\":{\"cpu\":\"%s\"}}}]}}",
		 name, extra_fields ? extra_fields : "", extra_fields ? "," : "", cpu);
	create(&pods_gvr, "default", text);
}

static json_object *get_pod(const char *name)
{
	json_object *o = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_get(client, &pods_gvr, "default", name, &o, &err);
	ck_client_error_release(&err);
	return r == 0 ? o : NULL;
}

/* Waits for the pod to be bound; returns its node (owned). */
static char *wait_bound(const char *name, double secs)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(secs) * 1000;
	for (;;) {
		json_object *p = get_pod(name);
		const char *node = p ? ck_obj_path_str(p, "spec.nodeName") : NULL;
		if (node && *node) {
			char *out = ck_strdup(node);
			json_object_put(p);
			return out;
		}
		if (p)
			json_object_put(p);
		if (ck_test_now_ms() > deadline)
			return NULL;
		ck_test_sleep_ms(50);
	}
}

static void expect_bound(const char *pod, const char *node)
{
	char *got = wait_bound(pod, 20);
	ck_assert_msg(got != NULL, "pod '%s' was not bound", pod);
	ck_assert_msg(ck_streq(got, node), "pod '%s' bound to '%s', want '%s'", pod, got, node);
	free(got);
}

/* The PodScheduled condition's message once it is False/Unschedulable (owned), or NULL. */
static char *wait_unschedulable(const char *name, double secs)
{
	double deadline = ck_test_now_ms() + ck_test_timeout(secs) * 1000;
	for (;;) {
		json_object *p = get_pod(name);
		json_object *conds = p ? ck_obj_path(p, "status.conditions") : NULL;
		for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
			json_object *c = json_object_array_get_idx(conds, i);
			if (ck_streq(ck_obj_path_str(c, "type"), "PodScheduled") &&
			    ck_streq(ck_obj_path_str(c, "status"), "False") &&
			    ck_streq(ck_obj_path_str(c, "reason"), "Unschedulable")) {
				char *m = ck_strdup(ck_obj_path_str(c, "message"));
				json_object_put(p);
				return m;
			}
		}
		if (p)
			json_object_put(p);
		if (ck_test_now_ms() > deadline)
			return NULL;
		ck_test_sleep_ms(50);
	}
}

/* Waits for an event with reason about pod; returns its message (owned) or NULL. */
static char *wait_event(const char *pod, const char *reason, const char *component)
{
	char sel[256];
	snprintf(sel, sizeof(sel), "involvedObject.name=%s,reason=%s", pod, reason);
	struct ck_client_list_options lo = { .field_selector = sel };
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	for (;;) {
		json_object *list = NULL;
		struct ck_client_error err;
		ck_client_error_init(&err);
		if (ck_client_list(client, &events_gvr, "default", &lo, &list, &err) == 0) {
			json_object *items = ck_obj_path(list, "items");
			for (size_t i = 0; items && i < json_object_array_length(items); i++) {
				json_object *e = json_object_array_get_idx(items, i);
				const char *src = ck_obj_path_str(e, "source.component");
				if (component && !ck_streq(src ? src : "", component))
					continue;
				char *m = ck_strdup(ck_obj_path_str(e, "message"));
				json_object_put(list);
				ck_client_error_release(&err);
				return m;
			}
			json_object_put(list);
		}
		ck_client_error_release(&err);
		if (ck_test_now_ms() > deadline)
			return NULL;
		ck_test_sleep_ms(100);
	}
}

#define LABELS(host, zone, disk)                                                           \
	"{\"kubernetes.io/hostname\":\"" host "\",\"topology.kubernetes.io/zone\":\"" zone \
	"\",\"disk\":\"" disk "\"}"

START_TEST(test_plugins_decide_as_upstream)
{
	struct sched_proc sp;
	make_node("n-small", "1", "2Gi", LABELS("n-small", "a", "hdd"), NULL);
	make_node("n-big", "8", "16Gi", LABELS("n-big", "b", "ssd"), NULL);
	make_node("n-tainted", "8", "16Gi", LABELS("n-tainted", "c", "ssd"),
		  "[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]");
	start_scheduler(&sp, "s1", default_config, NULL);

	/* resources: only n-big has 4 cpus free without a taint in the way */
	make_pod_requesting("cpu4", "4", NULL);
	expect_bound("cpu4", "n-big");
	/* nodeSelector */
	make_pod("hdd", NULL, "\"nodeSelector\":{\"disk\":\"hdd\"}");
	expect_bound("hdd", "n-small");
	/* a toleration opens the tainted node */
	make_pod("gpu", NULL,
		 "\"nodeSelector\":{\"topology.kubernetes.io/zone\":\"c\"},\"tolerations\":[{"
		 "\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"gpu\",\"effect\":"
		 "\"NoSchedule\"}]");
	expect_bound("gpu", "n-tainted");
	/* host ports: the second pod wanting 9000 on zone b finds it taken */
	const char *port = "\"nodeSelector\":{\"topology.kubernetes.io/zone\":\"b\"}";
	char text[1024];
	for (int i = 1; i <= 2; i++) {
		snprintf(
		    text, sizeof(text),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"port%d\"},"
		    "\"spec\":{%s,\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
		    "\"ports\":[{\"containerPort\":80,\"hostPort\":9000}]}]}}",
		    i, port);
		create(&pods_gvr, "default", text);
		if (i == 1)
			expect_bound("port1", "n-big");
	}
	char *msg = wait_unschedulable("port2", 20);
	ck_assert_msg(msg != NULL, "port2 has no Unschedulable condition");
	ck_assert_str_eq(msg,
			 "0/3 nodes are available: 1 node(s) didn't have free ports for the "
			 "requested pod ports, 1 node(s) didn't match Pod's node "
			 "affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}. "
			 "preemption: 0/3 nodes are available: 1 No preemption victims found "
			 "for incoming pod, 2 Preemption is not helpful for scheduling..");
	free(msg);
	msg = wait_event("port2", "FailedScheduling", "default-scheduler");
	ck_assert_msg(msg != NULL, "no FailedScheduling event for port2");
	ck_assert(ck_str_has_prefix(msg, "0/3 nodes are available: 1 node(s) didn't have free"));
	free(msg);
	msg = wait_event("cpu4", "Scheduled", "default-scheduler");
	ck_assert_msg(msg != NULL, "no Scheduled event for cpu4");
	ck_assert_str_eq(msg, "Successfully assigned default/cpu4 to n-big");
	free(msg);

	/* pod anti-affinity and affinity to app=db (on n-small) */
	make_pod("db", "{\"app\":\"db\"}", "\"nodeSelector\":{\"disk\":\"hdd\"}");
	expect_bound("db", "n-small");
	make_pod(
	    "away", NULL,
	    "\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuring"
	    "Execution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":"
	    "\"kubernetes.io/hostname\"}]},\"nodeAffinity\":{\"requiredDuringSchedulingIgnored"
	    "DuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":"
	    "\"topology.kubernetes.io/zone\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}]}}}");
	expect_bound("away", "n-big");
	make_pod("near", NULL,
		 "\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution"
		 "\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":"
		 "\"topology.kubernetes.io/zone\"}]}}");
	expect_bound("near", "n-small");

	/* topology spread over zones a and b: the second pod goes to the other zone */
	const char *spread =
	    "\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"topology.kubernetes."
	    "io/zone\",\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":"
	    "{\"app\":\"spread\"}}}],\"nodeSelector\":{\"disk\":\"%s\"}";
	char fields[1024];
	snprintf(fields, sizeof(fields), spread, "ssd");
	make_pod("spread1", "{\"app\":\"spread\"}", fields);
	char *first = wait_bound("spread1", 20);
	ck_assert_ptr_nonnull(first);
	/* the second may go anywhere but the zone of the first (skew would be 2) */
	make_pod(
	    "spread2", "{\"app\":\"spread\"}",
	    "\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"topology."
	    "kubernetes.io/zone\",\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{"
	    "\"matchLabels\":{\"app\":\"spread\"}}}],\"tolerations\":[{\"operator\":\"Exists\"}]");
	char *second = wait_bound("spread2", 20);
	ck_assert_ptr_nonnull(second);
	ck_assert_msg(!ck_streq(first, second), "both spread pods on '%s'", first);
	free(first);
	free(second);

	/* the second profile schedules its pods, under its own name */
	make_pod("other", NULL, "\"schedulerName\":\"second-scheduler\"");
	ck_assert_ptr_nonnull((first = wait_bound("other", 20)));
	free(first);
	msg = wait_event("other", "Scheduled", "second-scheduler");
	ck_assert_msg(msg != NULL, "no Scheduled event from second-scheduler");
	free(msg);
	/* an unknown schedulerName is left alone: no node, no condition */
	make_pod("stranger", NULL, "\"schedulerName\":\"someone-else\"");
	ck_test_sleep_ms(1500);
	json_object *p = get_pod("stranger");
	ck_assert_ptr_nonnull(p);
	const char *nn = ck_obj_path_str(p, "spec.nodeName");
	ck_assert(!nn || !*nn);
	json_object *conds = ck_obj_path(p, "status.conditions");
	for (size_t i = 0; conds && i < json_object_array_length(conds); i++)
		ck_assert(!ck_streq(ck_obj_path_str(json_object_array_get_idx(conds, i), "type"),
				    "PodScheduled"));
	json_object_put(p);
	stop_scheduler(&sp, SIGTERM);
}
END_TEST

START_TEST(test_unschedulable_until_a_node_fits)
{
	struct sched_proc sp;
	make_node("n1", "2", "4Gi", "{\"kubernetes.io/hostname\":\"n1\"}", NULL);
	start_scheduler(&sp, "s1", default_config, NULL);
	make_pod_requesting("big", "16", NULL);
	char *msg = wait_unschedulable("big", 20);
	ck_assert_msg(msg != NULL, "no Unschedulable condition");
	ck_assert_str_eq(msg, "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes "
			      "are available: 1 No preemption victims found for incoming pod..");
	free(msg);
	make_node("n-huge", "32", "64Gi", "{\"kubernetes.io/hostname\":\"n-huge\"}", NULL);
	/* moved back by the node add, within the (2 s) backoff cap */
	expect_bound("big", "n-huge");
	stop_scheduler(&sp, SIGTERM);
}
END_TEST

START_TEST(test_preemption)
{
	struct sched_proc sp;
	make_node("n1", "2", "4Gi", "{\"kubernetes.io/hostname\":\"n1\"}", NULL);
	start_scheduler(&sp, "s1", default_config, NULL);
	make_pod_requesting("low", "2", "\"priority\":1");
	expect_bound("low", "n1");
	make_pod_requesting("high", "2", "\"priority\":1000");
	/* the victim is being deleted (gracefully: it is bound), the preemptor nominated */
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	bool evicted = false, nominated = false;
	while (ck_test_now_ms() < deadline && !(evicted && nominated)) {
		json_object *p = get_pod("low");
		evicted = !p || ck_obj_path(p, "metadata.deletionTimestamp");
		if (p)
			json_object_put(p);
		p = get_pod("high");
		const char *nn = p ? ck_obj_path_str(p, "status.nominatedNodeName") : NULL;
		nominated = nn && ck_streq(nn, "n1");
		if (p)
			json_object_put(p);
		ck_test_sleep_ms(50);
	}
	ck_assert_msg(evicted, "the low-priority pod was not preempted");
	ck_assert_msg(nominated, "the preemptor has no nominatedNodeName");
	char *msg = wait_event("low", "Preempted", NULL);
	ck_assert_msg(msg != NULL, "no Preempted event");
	ck_assert(ck_str_has_prefix(msg, "Preempted by pod "));
	ck_assert(ck_str_has_suffix(msg, " on node n1"));
	free(msg);
	/* what the kubelet would do: finish the deletion */
	json_object *opts = parse("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
				  "\"gracePeriodSeconds\":0}");
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_delete(client, &pods_gvr, "default", "low", opts, NULL, &err);
	ck_assert_msg(r == 0 || r == -ENOENT, "delete: %s", err.message);
	ck_client_error_release(&err);
	json_object_put(opts);
	expect_bound("high", "n1");
	stop_scheduler(&sp, SIGTERM);
}
END_TEST

/* A pod already bound to node (as a kubelet's pods are), with labels, priority and cpu. */
static void make_bound_pod(const char *name, const char *node, const char *labels, int priority,
			   const char *cpu)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
		 "\"labels\":%s},\"spec\":{\"nodeName\":\"%s\",\"priority\":%d,"
		 "\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":"
		 "\"busybox\",\"resources\":{\"requests\":{\"cpu\":\"%s\"}}}]}}",
		 name, labels, node, priority, cpu);
	create(&pods_gvr, "default", text);
}

START_TEST(test_preemption_respects_pdb)
{
	static const struct ck_gvr pdbs_gvr = { "policy", "v1", "poddisruptionbudgets" };
	struct sched_proc sp;
	make_node("n1", "2", "4Gi", "{\"kubernetes.io/hostname\":\"n1\"}", NULL);
	make_node("n2", "2", "4Gi", "{\"kubernetes.io/hostname\":\"n2\"}", NULL);
	/* db-0 is the cheaper victim by priority, but its budget allows no disruption */
	make_bound_pod("db-0", "n1", "{\"app\":\"db\"}", 1, "2");
	make_bound_pod("web-0", "n2", "{\"app\":\"web\"}", 5, "2");
	create(&pdbs_gvr, "default",
	       "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":"
	       "{\"name\":\"db\"},\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":"
	       "{\"app\":\"db\"}}}}");
	start_scheduler(&sp, "s1", default_config, NULL);
	make_pod_requesting("high", "2", "\"priority\":1000");
	/* web-0 (grace period 0) is deleted at once; high takes n2 */
	expect_bound("high", "n2");
	json_object *p = get_pod("web-0");
	ck_assert_msg(p == NULL, "web-0 was not preempted");
	p = get_pod("db-0");
	ck_assert_msg(p != NULL, "db-0 was preempted despite its PodDisruptionBudget");
	ck_assert_ptr_null(ck_obj_path(p, "metadata.deletionTimestamp"));
	json_object_put(p);
	char *msg = wait_event("web-0", "Preempted", NULL);
	ck_assert_msg(msg != NULL, "no Preempted event for web-0");
	ck_assert(ck_str_has_suffix(msg, " on node n2"));
	free(msg);
	stop_scheduler(&sp, SIGTERM);
}
END_TEST

static const char elect_config[] = "apiVersion: kubescheduler.config.k8s.io/v1\n"
				   "kind: KubeSchedulerConfiguration\n"
				   "leaderElection:\n"
				   "  leaderElect: true\n"
				   "  leaseDuration: 4s\n"
				   "  renewDeadline: 3s\n"
				   "  retryPeriod: 500ms\n";

static char *lease_holder(void)
{
	static const struct ck_gvr leases = { "coordination.k8s.io", "v1", "leases" };
	json_object *o = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	char *out = NULL;
	if (ck_client_get(client, &leases, "kube-system", "kube-scheduler", &o, &err) == 0) {
		const char *h = ck_obj_path_str(o, "spec.holderIdentity");
		out = h && *h ? ck_strdup(h) : NULL;
		json_object_put(o);
	}
	ck_client_error_release(&err);
	return out;
}

START_TEST(test_health_metrics_and_leader_election)
{
	struct sched_proc a, b;
	make_node("n1", "4", "8Gi", "{\"kubernetes.io/hostname\":\"n1\"}", NULL);
	start_scheduler(&a, "a", elect_config, NULL);
	/* a leads; b waits (ready: its caches sync only once it leads, so poll healthz) */
	double deadline = ck_test_now_ms() + ck_test_timeout(20) * 1000;
	char *holder = NULL;
	while (!(holder = lease_holder()) && ck_test_now_ms() < deadline)
		ck_test_sleep_ms(100);
	ck_assert_msg(holder != NULL, "nobody took the lease");
	make_pod("first", NULL, NULL);
	expect_bound("first", "n1");

	char url[128];
	struct ck_test_response r;
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/healthz", a.port);
	ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
	ck_assert_int_eq(r.code, 200);
	ck_assert_str_eq(ck_buf_str(&r.body), "ok");
	ck_test_response_release(&r);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/metrics", a.port);
	/* the binder counts the attempt once the binding call returned: the pod may show bound
	 * a moment before */
	static const char attempt[] = "scheduler_schedule_attempts_total{result=\"scheduled\","
				      "profile=\"default-scheduler\"} 1";
	deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	for (;;) {
		ck_assert_int_eq(ck_test_http("GET", url, NULL, NULL, NULL, &r), 0);
		ck_assert_int_eq(r.code, 200);
		if (strstr(ck_buf_str(&r.body), attempt) || ck_test_now_ms() > deadline)
			break;
		ck_test_response_release(&r);
		ck_test_sleep_ms(50);
	}
	ck_assert_msg(strstr(ck_buf_str(&r.body), attempt), "metrics: %s", ck_buf_str(&r.body));
	ck_assert(strstr(ck_buf_str(&r.body), "scheduler_pending_pods"));
	ck_assert(
	    strstr(ck_buf_str(&r.body), "scheduler_scheduling_attempt_duration_seconds_bucket"));
	ck_test_response_release(&r);

	/* a second instance; kill the leader: b takes over within the lease and schedules */
	b.pid = 0;
	{
		char cfg_path[512], port_flag[64], kc_flag[600], cfg_flag[600], cd_flag[600],
		    bin[512];
		snprintf(cfg_path, sizeof(cfg_path), "%s/b.yaml", dir);
		FILE *f = fopen(cfg_path, "w");
		fputs(elect_config, f);
		fclose(f);
		ck_assert_int_eq(ck_test_free_ports(&b.port, 1), 0);
		snprintf(b.log, sizeof(b.log), "%s/b.log", dir);
		snprintf(port_flag, sizeof(port_flag), "--secure-port=%d", b.port);
		snprintf(kc_flag, sizeof(kc_flag), "--kubeconfig=%s",
			 ck_test_apiserver_kubeconfig(api));
		snprintf(cfg_flag, sizeof(cfg_flag), "--config=%s", cfg_path);
		snprintf(cd_flag, sizeof(cd_flag), "--cert-dir=%s/b-certs", dir);
		ck_test_bin_path("kube-scheduler", bin, sizeof(bin));
		const char *argv[] = { bin,	  kc_flag, cfg_flag,
				       port_flag, cd_flag, "--bind-address=127.0.0.1",
				       NULL };
		ck_assert_int_eq(ck_test_spawn(argv, b.log, &b.pid), 0);
	}
	ck_test_sleep_ms(1000);
	char *still = lease_holder();
	ck_assert_str_eq(still, holder); /* b did not steal it */
	free(still);
	stop_scheduler(&a, SIGKILL);
	double killed = ck_test_now_ms();
	make_pod("second", NULL, NULL);
	char *node = wait_bound("second", 20);
	ck_assert_msg(node != NULL, "nobody scheduled after the leader died");
	double took = ck_test_now_ms() - killed;
	/* lease 4 s + retry jitter + scheduling */
	ck_assert_msg(took < ck_test_timeout(8) * 1000, "handover took %.0f ms", took);
	free(node);
	char *now = lease_holder();
	ck_assert_ptr_nonnull(now);
	ck_assert_str_ne(now, holder);
	free(now);
	free(holder);
	/* bound once: the first pod kept its node */
	expect_bound("first", "n1");
	stop_scheduler(&b, SIGTERM);
}
END_TEST

Suite *ck_test_suite_scheduler(void)
{
	Suite *s = suite_create("scheduler");
	TCase *tc = tcase_create("scheduler");
	tcase_set_timeout(tc, ck_test_timeout(120));
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plugins_decide_as_upstream);
	tcase_add_test(tc, test_unschedulable_until_a_node_fits);
	tcase_add_test(tc, test_preemption);
	tcase_add_test(tc, test_preemption_respects_pdb);
	tcase_add_test(tc, test_health_metrics_and_leader_election);
	suite_add_tcase(s, tc);
	return s;
}
