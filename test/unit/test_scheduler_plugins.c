/*
 * The scheduler's plugins on constructed nodes and pods, through the
 * default profile (or a configured one): each filter's decision and
 * upstream's reason, each score's value, the FitError message, preemption's
 * choice, and percentageOfNodesToScore.
 */
#include <check.h>

#include "../lib/runner.h"
#include "scheduler_test_util.h"
#include "util/str.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void free_nodes(struct ck_sched_node **nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_sched_node_free(nodes[i]);
}

START_TEST(test_fit_error_message)
{
	struct ck_sched_node *nodes[] = {
		sched_node("small", "500m", "1Gi", NULL, NULL),
		sched_node("t1", "4", "8Gi", NULL,
			   "[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]"),
		sched_node("t2", "4", "8Gi", NULL,
			   "[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]"),
	};
	struct ck_sched_pod *pod = sched_pod("p", NULL, CPU_MEM("1", "100Mi"));
	struct ck_sched_result res;
	sched_run(NULL, nodes, N(nodes), pod, &res);
	ck_assert_int_eq(res.code, CK_SCHED_UNSCHEDULABLE);
	ck_assert_ptr_null(res.node);
	ck_assert_str_eq(res.message,
			 "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated "
			 "taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No "
			 "preemption victims found for incoming pod, 2 Preemption is not helpful "
			 "for scheduling..");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);

	/* A toleration opens the tainted nodes; the biggest free one wins. */
	pod = sched_pod("p", NULL,
			"{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\"}],"
			"\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}");
	sched_assign(nodes[1], "busy", NULL, CPU_MEM("2", "4Gi"));
	sched_run(NULL, nodes, N(nodes), pod, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	ck_assert_str_eq(res.node, "t2");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, N(nodes));
}
END_TEST

START_TEST(test_resources_fit_reasons)
{
	struct ck_sched_node *n = sched_node("n", "1", "1Gi", NULL, NULL);
	struct ck_sched_pod *pod = sched_pod("p", NULL, CPU_MEM("2", "2Gi"));
	struct ck_sched_result res;
	sched_run("{\"plugins\":{\"postFilter\":{\"disabled\":[{\"name\":\"*\"}]}}}", &n, 1, pod,
		  &res);
	ck_assert_str_eq(res.message,
			 "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	ck_sched_node_free(n);

	/* Too many pods, and an extended resource. */
	n = sched_node("n", "1", "1Gi", NULL, NULL);
	n->allocatable.pods = 1;
	sched_assign(n, "a", NULL, "{\"containers\":[{}]}");
	pod = sched_pod(
	    "p", NULL,
	    "{\"containers\":[{\"resources\":{\"limits\":{\"example.com/gpu\":\"1\"}}}]}");
	sched_run("{\"plugins\":{\"postFilter\":{\"disabled\":[{\"name\":\"*\"}]}}}", &n, 1, pod,
		  &res);
	ck_assert_str_eq(
	    res.message,
	    "0/1 nodes are available: 1 Insufficient example.com/gpu, 1 Too many pods.");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	ck_sched_node_free(n);
}
END_TEST

/* The score one plugin gives one node for pod (a profile with that plugin alone scoring). */
static int64_t score_alone(const char *plugin, const char *args, struct ck_sched_node **nodes,
			   size_t n, size_t which, const struct ck_sched_pod *pod)
{
	char profile[2048];
	snprintf(profile, sizeof(profile),
		 "{\"plugins\":{\"score\":{\"disabled\":[{\"name\":\"*\"}],\"enabled\":[{\"name\":"
		 "\"%s\",\"weight\":1}]}}%s%s}",
		 plugin, args ? ",\"pluginConfig\":" : "", args ? args : "");
	struct ck_sched_result res;
	sched_run(profile, nodes, n, pod, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	int64_t s = res.scores[which];
	ck_sched_result_release(&res);
	return s;
}

START_TEST(test_resource_scores)
{
	/* Two nodes so that scoring runs; node 0: 4 cpu / 10Gi, empty. */
	struct ck_sched_node *nodes[] = { sched_node("a", "4", "10Gi", NULL, NULL),
					  sched_node("b", "4", "10Gi", NULL, NULL) };
	struct ck_sched_pod *pod = sched_pod("p", NULL, CPU_MEM("1", "2Gi"));
	/* cpu (4-1)/4 = 75, memory 8/10 = 80: (75+80)/2 */
	ck_assert_int_eq(score_alone("NodeResourcesFit", NULL, nodes, 2, 0, pod), 77);
	ck_assert_int_eq(
	    score_alone("NodeResourcesFit",
			"[{\"name\":\"NodeResourcesFit\",\"args\":{\"scoringStrategy\":{\"type\":"
			"\"MostAllocated\"}}}]",
			nodes, 2, 0, pod),
	    22);
	/* shape 0->0, 100->10: utilisation 25 and 20 -> 25 and 20, rounded mean 22.5 -> 23 */
	ck_assert_int_eq(
	    score_alone("NodeResourcesFit",
			"[{\"name\":\"NodeResourcesFit\",\"args\":{\"scoringStrategy\":{\"type\":"
			"\"RequestedToCapacityRatio\",\"requestedToCapacityRatio\":{\"shape\":["
			"{\"utilization\":0,\"score\":0},{\"utilization\":100,\"score\":10}]}}}}]",
			nodes, 2, 0, pod),
	    23);
	/* weights: cpu 3, memory 1: (75*3 + 80)/4 = 76 */
	ck_assert_int_eq(
	    score_alone("NodeResourcesFit",
			"[{\"name\":\"NodeResourcesFit\",\"args\":{\"scoringStrategy\":{\"type\":"
			"\"LeastAllocated\",\"resources\":[{\"name\":\"cpu\",\"weight\":3},"
			"{\"name\":\"memory\",\"weight\":1}]}}}]",
			nodes, 2, 0, pod),
	    76);
	/* fractions 0.25 and 0.2: 100 × (1 − 0.025) */
	ck_assert_int_eq(score_alone("NodeResourcesBalancedAllocation", NULL, nodes, 2, 0, pod),
			 97);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_taint_and_affinity_scores)
{
	struct ck_sched_node *nodes[] = {
		sched_node("a", "4", "8Gi", "{\"disk\":\"ssd\"}",
			   "[{\"key\":\"x\",\"value\":\"1\",\"effect\":\"PreferNoSchedule\"}]"),
		sched_node("b", "4", "8Gi", "{\"disk\":\"hdd\"}", NULL),
	};
	struct ck_sched_pod *pod = sched_pod("p", NULL, CPU_MEM("100m", "100Mi"));
	ck_assert_int_eq(score_alone("TaintToleration", NULL, nodes, 2, 0, pod), 0);
	ck_assert_int_eq(score_alone("TaintToleration", NULL, nodes, 2, 1, pod), 100);
	ck_sched_pod_unref(pod);
	pod = sched_pod("p", NULL,
			"{\"affinity\":{\"nodeAffinity\":{\"preferredDuringSchedulingIgnoredDuring"
			"Execution\":[{\"weight\":5,\"preference\":{\"matchExpressions\":[{\"key\":"
			"\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}}]}},"
			"\"containers\":[{}]}");
	ck_assert_int_eq(score_alone("NodeAffinity", NULL, nodes, 2, 0, pod), 100);
	ck_assert_int_eq(score_alone("NodeAffinity", NULL, nodes, 2, 1, pod), 0);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_node_filters)
{
	struct ck_sched_node *nodes[] = { sched_node("a", "4", "8Gi", "{\"disk\":\"ssd\"}", NULL),
					  sched_node("b", "4", "8Gi", "{\"disk\":\"hdd\"}", NULL) };
	struct ck_sched_result res;
	/* nodeSelector */
	struct ck_sched_pod *pod =
	    sched_pod("p", NULL, "{\"nodeSelector\":{\"disk\":\"hdd\"},\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "b");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	pod = sched_pod("p", NULL, "{\"nodeSelector\":{\"disk\":\"nvme\"},\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.message,
			 "0/2 nodes are available: 2 node(s) didn't match Pod's node "
			 "affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is "
			 "not helpful for scheduling..");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* unschedulable node */
	nodes[0]->unschedulable = true;
	pod = sched_pod("p", NULL, "{\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "b");
	ck_sched_result_release(&res);
	nodes[0]->unschedulable = false;
	ck_sched_pod_unref(pod);
	/* host ports: b already uses 8080/TCP on every address */
	sched_assign(nodes[1], "web", NULL,
		     "{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":8080}]}]}");
	pod = sched_pod("p", NULL,
			"{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":8080,"
			"\"hostIP\":\"10.0.0.1\"}]}],\"nodeSelector\":{\"disk\":\"hdd\"}}");
	sched_run("{\"plugins\":{\"postFilter\":{\"disabled\":[{\"name\":\"*\"}]}}}", nodes, 2, pod,
		  &res);
	ck_assert_str_eq(res.message, "0/2 nodes are available: 1 node(s) didn't have free ports "
				      "for the requested pod ports, 1 node(s) didn't match Pod's "
				      "node affinity/selector.");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* UDP on the same port is free */
	pod = sched_pod("p", NULL,
			"{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":8080,"
			"\"protocol\":\"UDP\"}]}],\"nodeSelector\":{\"disk\":\"hdd\"}}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "b");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* nodeName */
	pod = sched_pod("p", NULL, "{\"nodeName\":\"a\",\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "a");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

#define ZONE(z) "{\"topology.kubernetes.io/zone\":\"" z "\",\"kubernetes.io/hostname\":\"h\"}"

START_TEST(test_topology_spread)
{
	struct ck_sched_node *nodes[] = { sched_node("a1", "8", "8Gi", ZONE("a"), NULL),
					  sched_node("a2", "8", "8Gi", ZONE("a"), NULL),
					  sched_node("b1", "8", "8Gi", ZONE("b"), NULL) };
	sched_assign(nodes[0], "w1", "\"labels\":{\"app\":\"w\"}", "{\"containers\":[{}]}");
	sched_assign(nodes[1], "w2", "\"labels\":{\"app\":\"w\"}", "{\"containers\":[{}]}");
	const char *spec =
	    "{\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":"
	    "\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":\"DoNotSchedule\","
	    "\"labelSelector\":{\"matchLabels\":{\"app\":\"w\"}}}],\"containers\":[{}]}";
	struct ck_sched_pod *pod = sched_pod("p", "\"labels\":{\"app\":\"w\"}", spec);
	struct ck_sched_result res;
	sched_run(NULL, nodes, 3, pod, &res);
	ck_assert_str_eq(res.node, "b1");
	ck_assert_int_eq(res.feasible_nodes, 1);
	ck_assert_str_eq(res.statuses[0]->reasons[0],
			 "node(s) didn't match pod topology spread constraints");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* A node without the key is unresolvable. */
	struct ck_sched_node *bare = sched_node("bare", "8", "8Gi", NULL, NULL);
	pod = sched_pod("p", "\"labels\":{\"app\":\"w\"}", spec);
	sched_run("{\"plugins\":{\"postFilter\":{\"disabled\":[{\"name\":\"*\"}]}}}", &bare, 1, pod,
		  &res);
	ck_assert_str_eq(res.message, "0/1 nodes are available: 1 node(s) didn't match pod "
				      "topology spread constraints (missing required label).");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	ck_sched_node_free(bare);
	/* ScheduleAnyway: zone b scores best. */
	pod =
	    sched_pod("p", "\"labels\":{\"app\":\"w\"}",
		      "{\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":"
		      "\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":\"ScheduleAnyway\","
		      "\"labelSelector\":{\"matchLabels\":{\"app\":\"w\"}}}],\"containers\":[{}]}");
	ck_assert_int_eq(score_alone("PodTopologySpread", NULL, nodes, 3, 2, pod), 100);
	ck_assert_int_lt(score_alone("PodTopologySpread", NULL, nodes, 3, 0, pod), 100);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 3);
}
END_TEST

#define HOST(h) "{\"kubernetes.io/hostname\":\"" h "\"}"

START_TEST(test_inter_pod_affinity)
{
	struct ck_sched_node *nodes[] = { sched_node("n1", "8", "8Gi", HOST("n1"), NULL),
					  sched_node("n2", "8", "8Gi", HOST("n2"), NULL) };
	sched_assign(nodes[0], "db", "\"labels\":{\"app\":\"db\"}", "{\"containers\":[{}]}");
	struct ck_sched_result res;
	/* anti-affinity to app=db per host: n2 */
	struct ck_sched_pod *pod = sched_pod(
	    "p", NULL,
	    "{\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution"
	    "\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":"
	    "\"kubernetes.io/hostname\"}]}},\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "n2");
	ck_assert_str_eq(res.statuses[0]->reasons[0],
			 "node(s) didn't match pod anti-affinity rules");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* affinity to app=db: n1 */
	pod = sched_pod("p", NULL,
			"{\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuring"
			"Execution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},"
			"\"topologyKey\":\"kubernetes.io/hostname\"}]}},\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "n1");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* the first pod of a group that selects itself may go anywhere */
	pod = sched_pod("p", "\"labels\":{\"app\":\"cache\"}",
			"{\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuring"
			"Execution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"cache\"}},"
			"\"topologyKey\":\"kubernetes.io/hostname\"}]}},\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* existing pod's anti-affinity (symmetry): a pod labelled app=web avoids n1 */
	sched_assign(nodes[0], "guard", NULL,
		     "{\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuring"
		     "Execution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}},"
		     "\"topologyKey\":\"kubernetes.io/hostname\"}]}},\"containers\":[{}]}");
	pod = sched_pod("p", "\"labels\":{\"app\":\"web\"}", "{\"containers\":[{}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_str_eq(res.node, "n2");
	ck_assert_str_eq(res.statuses[0]->reasons[0],
			 "node(s) didn't satisfy existing pods anti-affinity rules");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* preferred affinity scores the db host higher */
	pod = sched_pod("p", NULL,
			"{\"affinity\":{\"podAffinity\":{\"preferredDuringSchedulingIgnoredDuring"
			"Execution\":[{\"weight\":10,\"podAffinityTerm\":{\"labelSelector\":{"
			"\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"kubernetes.io/"
			"hostname\"}}]}},\"containers\":[{}]}");
	ck_assert_int_eq(score_alone("InterPodAffinity", NULL, nodes, 2, 0, pod), 100);
	ck_assert_int_eq(score_alone("InterPodAffinity", NULL, nodes, 2, 1, pod), 0);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_preemption_choice)
{
	/* n1 holds a priority-5 pod, n2 a priority-1 pod; both full. */
	struct ck_sched_node *nodes[] = { sched_node("n1", "1", "1Gi", NULL, NULL),
					  sched_node("n2", "1", "1Gi", NULL, NULL) };
	sched_assign(nodes[0], "mid", NULL,
		     "{\"priority\":5,\"containers\":[{\"resources\":{\"requests\":{\"cpu\":"
		     "\"1\"}}}]}");
	sched_assign(nodes[1], "low", NULL,
		     "{\"priority\":1,\"containers\":[{\"resources\":{\"requests\":{\"cpu\":"
		     "\"1\"}}}]}");
	struct ck_sched_pod *pod =
	    sched_pod("p", NULL,
		      "{\"priority\":10,\"containers\":[{\"resources\":{\"requests\":{\"cpu\":"
		      "\"500m\"}}}]}");
	struct ck_sched_result res;
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_int_eq(res.code, CK_SCHED_UNSCHEDULABLE);
	ck_assert_str_eq(res.nominated_node, "n2");
	ck_assert_str_eq(res.message, "0/2 nodes are available: 2 Insufficient cpu.");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* preemptionPolicy Never */
	pod = sched_pod("p", NULL,
			"{\"priority\":10,\"preemptionPolicy\":\"Never\",\"containers\":[{"
			"\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_ptr_null(res.nominated_node);
	ck_assert_str_eq(res.message, "0/2 nodes are available: 2 Insufficient cpu. preemption: "
				      "not eligible due to preemptionPolicy=Never..");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* nothing of lower priority: no victims */
	pod = sched_pod("p", NULL,
			"{\"priority\":1,\"containers\":[{\"resources\":{\"requests\":{\"cpu\":"
			"\"500m\"}}}]}");
	sched_run(NULL, nodes, 2, pod, &res);
	ck_assert_ptr_null(res.nominated_node);
	ck_assert_str_eq(res.message,
			 "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are "
			 "available: 2 No preemption victims found for incoming pod..");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

#define PRIO_CPU(prio, cpu)                                                                   \
	"{\"priority\":" prio ",\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"" cpu \
	"\"}}}]}"
#define PDB(name, ns, app, allowed, extra_status)                                                \
	"{\"metadata\":{\"name\":\"" name "\",\"namespace\":\"" ns "\"},\"spec\":{\"selector\":" \
	"{\"matchLabels\":{\"app\":\"" app                                                       \
	"\"}}},\"status\":{\"disruptionsAllowed\":" allowed extra_status "}}"

/* The node DefaultPreemption nominates for a priority-100 pod asking 1 cpu, given pdbs. */
static char *nominee(struct ck_sched_node **nodes, size_t n, const char *pdbs)
{
	struct ck_sched_pod *pod = sched_pod("p", NULL, PRIO_CPU("100", "1"));
	struct ck_sched_result res;
	sched_run_ext(NULL, nodes, n, pod, pdbs, NULL, 0, &res);
	ck_assert_int_eq(res.code, CK_SCHED_UNSCHEDULABLE);
	char *out = res.nominated_node ? ck_strdup(res.nominated_node) : NULL;
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	return out;
}

static void expect_nominee(struct ck_sched_node **nodes, size_t n, const char *pdbs,
			   const char *want)
{
	char *got = nominee(nodes, n, pdbs);
	ck_assert_msg(got && ck_streq(got, want), "nominated %s, want %s (budgets %s)",
		      got ? got : "(none)", want, pdbs ? pdbs : "none");
	free(got);
}

START_TEST(test_preemption_pdb_node_choice)
{
	/* n1's victim has the lower priority, but a budget protects it */
	struct ck_sched_node *nodes[] = { sched_node("n1", "1", "1Gi", NULL, NULL),
					  sched_node("n2", "1", "1Gi", NULL, NULL) };
	sched_assign(nodes[0], "db-0", "\"labels\":{\"app\":\"db\"}", PRIO_CPU("1", "1"));
	sched_assign(nodes[1], "web-0", "\"labels\":{\"app\":\"web\"}", PRIO_CPU("5", "1"));
	expect_nominee(nodes, 2, NULL, "n1");
	/* no disruption allowed: evicting db-0 violates it, so n2 is preferred */
	expect_nominee(nodes, 2, "[" PDB("db", "ns", "db", "0", "") "]", "n2");
	/* one disruption allowed: no violation */
	expect_nominee(nodes, 2, "[" PDB("db", "ns", "db", "1", "") "]", "n1");
	/* the pod is already in disruptedPods: counted by the API server, not again */
	expect_nominee(nodes, 2,
		       "[" PDB("db", "ns", "db", "0",
			       ",\"disruptedPods\":{\"db-0\":\"2026-11-27T00:00:00Z\"}") "]",
		       "n1");
	/* a budget of another namespace, or one with an empty selector, matches nothing */
	expect_nominee(nodes, 2, "[" PDB("db", "other", "db", "0", "") "]", "n1");
	expect_nominee(nodes, 2,
		       "[{\"metadata\":{\"name\":\"all\",\"namespace\":\"ns\"},\"spec\":"
		       "{\"selector\":{}},\"status\":{\"disruptionsAllowed\":0}}]",
		       "n1");
	/* both protected: the usual order decides again */
	expect_nominee(nodes, 2,
		       "[" PDB("db", "ns", "db", "0", "") "," PDB("web", "ns", "web", "0", "") "]",
		       "n1");
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_preemption_pdb_reprieve_order)
{
	/*
	 * n1 (2 cpu): db-0 (priority 20, protected) and plain (30, no labels); n2 (1 cpu):
	 * web-0 (10, protected). The preemptor needs 1 cpu.
	 */
	struct ck_sched_node *nodes[] = { sched_node("n1", "2", "1Gi", NULL, NULL),
					  sched_node("n2", "1", "1Gi", NULL, NULL) };
	sched_assign(nodes[0], "db-0", "\"labels\":{\"app\":\"db\"}", PRIO_CPU("20", "1"));
	sched_assign(nodes[0], "plain", NULL, PRIO_CPU("30", "1"));
	sched_assign(nodes[1], "web-0", "\"labels\":{\"app\":\"web\"}", PRIO_CPU("10", "1"));
	/* without budgets: plain (more important) stays, db-0 (20) goes: n2's 10 wins */
	expect_nominee(nodes, 2, NULL, "n2");
	/*
	 * with budgets: db-0 violates one, so it gets the first chance to stay and plain goes:
	 * n1 then violates nothing while n2 must violate web's budget.
	 */
	expect_nominee(nodes, 2,
		       "[" PDB("db", "ns", "db", "0", "") "," PDB("web", "ns", "web", "0", "") "]",
		       "n1");
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_nominated_pods_keep_their_room)
{
	/* an earlier preemption nominated a priority-10 pod asking 3 of n1's 4 cpu */
	struct ck_sched_node *nodes[] = { sched_node("n1", "4", "8Gi", NULL, NULL) };
	struct ck_sched_pod *nominee = sched_pod("nominee", NULL, PRIO_CPU("10", "3"));
	struct ck_sched_nomination nm = { .node = "n1", .pod = nominee };
	struct ck_sched_result res;
	/* a pod of lower or equal priority does not take that room */
	struct ck_sched_pod *pod = sched_pod("p", NULL, PRIO_CPU("10", "2"));
	sched_run_ext(NULL, nodes, 1, pod, NULL, &nm, 1, &res);
	ck_assert_int_eq(res.code, CK_SCHED_UNSCHEDULABLE);
	ck_assert_str_eq(res.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: "
				      "0/1 nodes are available: 1 No preemption victims found for "
				      "incoming pod..");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* a more important one does, as upstream */
	pod = sched_pod("q", NULL, PRIO_CPU("20", "2"));
	sched_run_ext(NULL, nodes, 1, pod, NULL, &nm, 1, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	ck_assert_str_eq(res.node, "n1");
	ck_sched_result_release(&res);
	ck_sched_pod_unref(pod);
	/* the nominee does not count against itself */
	sched_run_ext(NULL, nodes, 1, nominee, NULL, &nm, 1, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	ck_sched_result_release(&res);
	ck_sched_pod_unref(nominee);
	free_nodes(nodes, 1);
}
END_TEST

START_TEST(test_image_locality)
{
	json_object *o = sched_json(
	    "{\"metadata\":{\"name\":\"a\"},\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":"
	    "\"4Gi\",\"pods\":\"10\"},\"images\":[{\"names\":[\"big:1\"],\"sizeBytes\":"
	    "524288000}]}}");
	struct ck_sched_node *nodes[] = { ck_sched_node_new(o),
					  sched_node("b", "4", "4Gi", NULL, NULL) };
	json_object_put(o);
	struct ck_sched_pod *pod = sched_pod("p", NULL, "{\"containers\":[{\"image\":\"big:1\"}]}");
	/* 500 MB × 1/2 of the nodes = 250 MB: (250 − 23) × 100 / (1000 − 23) */
	ck_assert_int_eq(score_alone("ImageLocality", NULL, nodes, 2, 0, pod), 23);
	ck_assert_int_eq(score_alone("ImageLocality", NULL, nodes, 2, 1, pod), 0);
	ck_sched_pod_unref(pod);
	free_nodes(nodes, 2);
}
END_TEST

START_TEST(test_num_feasible_nodes)
{
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(0, 50), 50);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(0, 150), 100);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(0, 1000), 420);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(0, 5000), 500);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(0, 100000), 5000);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(30, 1000), 300);
	ck_assert_int_eq(ck_sched_num_feasible_nodes_to_find(100, 1000), 1000);

	/* 1000 nodes, default sampling: 420 evaluated, the start rotates. */
	size_t n = 1000;
	struct ck_sched_node **nodes = ck_calloc(n, sizeof(*nodes));
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "n%zu", i);
		nodes[i] = sched_node(name, "4", "4Gi", NULL, NULL);
	}
	struct ck_sched_config cfg;
	ck_assert_int_eq(ck_sched_config_from_json(NULL, &cfg, NULL), 0);
	struct ck_sched_cycle c = { .profile = &cfg.profiles[0], .nodes = nodes, .n_nodes = n };
	struct ck_sched_pod *pod = sched_pod("p", NULL, "{\"containers\":[{}]}");
	struct ck_parallel *pool = ck_parallel_new(3);
	size_t start = 0;
	struct ck_sched_result res;
	ck_sched_schedule_pod(&c, pool, pod, 0, &start, &res);
	ck_assert_int_eq(res.code, CK_SCHED_SUCCESS);
	ck_assert_int_eq(res.feasible_nodes, 420);
	ck_assert_int_ge(res.evaluated_nodes, 420);
	ck_assert_int_eq(start, (size_t)res.evaluated_nodes % n);
	ck_sched_result_release(&res);
	ck_sched_cycle_release(&c);
	ck_parallel_free(pool);
	ck_sched_pod_unref(pod);
	ck_sched_config_release(&cfg);
	free_nodes(nodes, n);
	free(nodes);
}
END_TEST

Suite *ck_test_suite_scheduler_plugins(void)
{
	Suite *s = suite_create("scheduler_plugins");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_fit_error_message);
	tcase_add_test(tc, test_resources_fit_reasons);
	tcase_add_test(tc, test_resource_scores);
	tcase_add_test(tc, test_taint_and_affinity_scores);
	tcase_add_test(tc, test_node_filters);
	tcase_add_test(tc, test_topology_spread);
	tcase_add_test(tc, test_inter_pod_affinity);
	tcase_add_test(tc, test_preemption_choice);
	tcase_add_test(tc, test_preemption_pdb_node_choice);
	tcase_add_test(tc, test_preemption_pdb_reprieve_order);
	tcase_add_test(tc, test_nominated_pods_keep_their_room);
	tcase_add_test(tc, test_image_locality);
	tcase_add_test(tc, test_num_feasible_nodes);
	suite_add_tcase(s, tc);
	return s;
}
