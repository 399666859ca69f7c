/*
 * The scheduling queue (priority then FIFO, backoff doubling to the cap,
 * unschedulable pods moved back by cluster events, events during a cycle
 * not lost, gated pods), the cache (assume, confirm, forget, ghosts) and
 * KubeSchedulerConfiguration decoding.
 */
#include <check.h>
#include <errno.h>
#include <unistd.h>

#include "../lib/runner.h"
#include "scheduler/cache.h"
#include "scheduler/queue.h"
#include "scheduler_test_util.h"
#include "util/hashmap.h"
#include "util/str.h"

static struct ck_sched_pod *prio_pod(const char *name, int prio)
{
	char spec[128];
	snprintf(spec, sizeof(spec), "{\"priority\":%d,\"containers\":[{}]}", prio);
	return sched_pod(name, NULL, spec);
}

static void add(struct ck_sched_queue *q, const char *name, int prio)
{
	struct ck_sched_pod *p = prio_pod(name, prio);
	ck_sched_queue_add(q, p);
	ck_sched_pod_unref(p);
}

static struct ck_sched_queued_pod *pop(struct ck_sched_queue *q)
{
	struct ck_sched_queued_pod *qp = NULL;
	ck_assert_int_eq(ck_sched_queue_pop(q, &qp), 0);
	return qp;
}

static size_t count(struct ck_sched_queue *q, int which)
{
	size_t c[4];
	ck_sched_queue_counts(q, &c[0], &c[1], &c[2], &c[3]);
	return c[which];
}

START_TEST(test_priority_then_fifo)
{
	struct ck_sched_queue *q = ck_sched_queue_new(1000, 10000);
	add(q, "low1", 1);
	add(q, "high", 100);
	add(q, "low2", 1);
	add(q, "mid", 50);
	const char *want[] = { "ns/high", "ns/mid", "ns/low1", "ns/low2" };
	for (size_t i = 0; i < 4; i++) {
		struct ck_sched_queued_pod *qp = pop(q);
		ck_assert_str_eq(qp->pod->key, want[i]);
		ck_assert_int_eq(qp->attempts, 1);
		ck_sched_queue_done(q, qp);
	}
	ck_assert_int_eq(count(q, 0), 0);
	ck_sched_queue_free(q);
}
END_TEST

START_TEST(test_unschedulable_moved_by_event)
{
	struct ck_sched_queue *q = ck_sched_queue_new(1, 4);
	add(q, "p", 0);
	struct ck_sched_queued_pod *qp = pop(q);
	ck_sched_queue_requeue(q, qp, false);
	ck_assert_int_eq(count(q, 2), 1); /* unschedulable */
	/* a status-only update does not move it */
	struct ck_sched_pod *same = sched_pod("p", NULL, "{\"priority\":0,\"containers\":[{}]}");
	ck_sched_queue_update(q, same);
	ck_sched_pod_unref(same);
	ck_assert_int_eq(count(q, 2), 1);
	usleep(10000); /* past the 1 ms backoff */
	ck_sched_queue_move_all(q);
	ck_assert_int_eq(count(q, 0), 1);
	qp = pop(q);
	ck_assert_int_eq(qp->attempts, 2);
	/* an event while it is being scheduled sends it to backoff, not unschedulable */
	ck_sched_queue_move_all(q);
	ck_sched_queue_requeue(q, qp, false);
	ck_assert_int_eq(count(q, 1), 1);
	usleep(10000);
	ck_sched_queue_flush(q);
	ck_assert_int_eq(count(q, 0), 1);
	ck_sched_queue_free(q);
}
END_TEST

START_TEST(test_backoff_doubles_to_max)
{
	struct ck_sched_queue *q = ck_sched_queue_new(100, 250);
	add(q, "p", 0);
	double expect[] = { 100, 200, 250, 250 };
	for (int i = 0; i < 4; i++) {
		struct ck_sched_queued_pod *qp = pop(q);
		double t0 = ck_test_now_ms();
		ck_sched_queue_requeue(q, qp, true); /* error: backoffQ */
		while (count(q, 0) == 0) {
			ck_sched_queue_flush(q);
			usleep(2000);
		}
		double waited = ck_test_now_ms() - t0;
		ck_assert_msg(waited >= expect[i] - 1 && waited < expect[i] + 140,
			      "attempt %d waited %.0f ms, want %.0f", i + 1, waited, expect[i]);
	}
	ck_sched_queue_free(q);
}
END_TEST

START_TEST(test_gated_and_deleted)
{
	struct ck_sched_queue *q = ck_sched_queue_new(1, 10);
	struct ck_sched_pod *g =
	    sched_pod("g", NULL, "{\"schedulingGates\":[{\"name\":\"wait\"}],\"containers\":[{}]}");
	ck_sched_queue_add(q, g);
	ck_sched_pod_unref(g);
	ck_assert_int_eq(count(q, 3), 1);
	ck_assert_int_eq(count(q, 0), 0);
	ck_sched_queue_move_all(q);
	ck_assert_int_eq(count(q, 3), 1);
	g = sched_pod("g", NULL, "{\"containers\":[{}]}"); /* gates removed */
	ck_sched_queue_update(q, g);
	ck_sched_pod_unref(g);
	ck_assert_int_eq(count(q, 0), 1);
	struct ck_sched_queued_pod *qp = pop(q);
	ck_sched_queue_delete(q, "ns/g"); /* deleted while in flight */
	ck_assert(!ck_sched_queue_has(q, "ns/g"));
	ck_sched_queue_requeue(q, qp, false);
	ck_assert_int_eq(count(q, 2), 0);
	ck_sched_queue_close(q);
	ck_assert_int_eq(ck_sched_queue_pop(q, &qp), -ESHUTDOWN);
	ck_sched_queue_free(q);
}
END_TEST

START_TEST(test_cache_assume_confirm_forget)
{
	struct ck_sched_cache *c = ck_sched_cache_new();
	json_object *node =
	    sched_json("{\"metadata\":{\"name\":\"n1\"},\"status\":{\"allocatable\":"
		       "{\"cpu\":\"2\",\"memory\":\"1Gi\",\"pods\":\"10\"},\"images\":[{"
		       "\"names\":[\"busybox\"],\"sizeBytes\":1000}]}}");
	ck_sched_cache_add_node(c, node);
	struct ck_sched_pod *p = sched_pod("p", NULL, CPU_MEM("500m", "100Mi"));
	ck_assert_int_eq(ck_sched_cache_assume(c, p, "n1"), 0);
	ck_assert_int_eq(ck_sched_cache_assume(c, p, "n1"), -EEXIST);
	struct ck_sched_cycle cy = { 0 };
	ck_sched_cache_snapshot(c, &cy);
	ck_assert_int_eq(cy.n_nodes, 1);
	ck_assert_int_eq(cy.nodes[0]->requested.milli_cpu, 500);
	ck_assert_int_eq((intptr_t)ck_hashmap_get(cy.image_nodes, "busybox:latest"), 1);
	ck_sched_cache_unlock(c);
	ck_sched_cache_forget(c, p->key);
	ck_assert(!ck_sched_cache_has_pod(c, p->key));
	ck_sched_cache_snapshot(c, &cy);
	ck_assert_int_eq(cy.nodes[0]->requested.milli_cpu, 0);
	ck_sched_cache_unlock(c);
	/* assume, then the bound pod arrives: confirmed, counted once, forget is a no-op */
	ck_assert_int_eq(ck_sched_cache_assume(c, p, "n1"), 0);
	struct ck_sched_pod *bound = sched_pod(
	    "p", NULL,
	    "{\"nodeName\":\"n1\",\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"500m\","
	    "\"memory\":\"100Mi\"}}}]}");
	ck_sched_cache_add_pod(c, bound);
	ck_sched_cache_forget(c, p->key);
	ck_sched_cache_snapshot(c, &cy);
	ck_assert_int_eq(cy.nodes[0]->requested.milli_cpu, 500);
	ck_assert_int_eq(cy.nodes[0]->n_pods, 1);
	ck_sched_cache_unlock(c);
	/* the node goes: a ghost, not offered; its pod still counted until removed */
	ck_sched_cache_remove_node(c, "n1");
	ck_sched_cache_snapshot(c, &cy);
	ck_assert_int_eq(cy.n_nodes, 0);
	ck_assert_ptr_null(ck_hashmap_get(cy.image_nodes, "busybox:latest"));
	ck_sched_cache_unlock(c);
	ck_assert(ck_sched_cache_has_pod(c, p->key));
	ck_sched_cache_remove_pod(c, p->key);
	ck_assert_int_eq(ck_sched_cache_assume(c, p, "n1"), -ENOENT);
	ck_sched_pod_unref(bound);
	ck_sched_pod_unref(p);
	json_object_put(node);
	ck_sched_cache_free(c);
}
END_TEST

static int load(const char *text, struct ck_sched_config *cfg, char **err)
{
	json_object *doc = sched_json(text);
	int r = ck_sched_config_from_json(doc, cfg, err);
	json_object_put(doc);
	return r;
}

#define HDR                                             \
	"\"apiVersion\":\"kubescheduler.config.k8s.io/" \
	"v1\",\"kind\":\"KubeSchedulerConfiguration\""

static bool has_plugin(const struct ck_sched_profile *p, const int *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (ck_streq(p->plugins[list[i]].ops->name, name))
			return true;
	return false;
}

START_TEST(test_config)
{
	struct ck_sched_config cfg;
	char *err = NULL;
	ck_assert_int_eq(ck_sched_config_from_json(NULL, &cfg, &err), 0);
	ck_assert_int_eq(cfg.n_profiles, 1);
	const struct ck_sched_profile *p = &cfg.profiles[0];
	ck_assert_str_eq(p->scheduler_name, "default-scheduler");
	ck_assert_int_eq(p->n_filter, 8);
	ck_assert_int_eq(p->n_score, 7);
	ck_assert(cfg.leader_elect);
	ck_assert_int_eq(cfg.pod_initial_backoff_ms, 1000);
	ck_assert_int_eq(cfg.pod_max_backoff_ms, 10000);
	int64_t taint_weight = 0;
	for (int i = 0; i < p->n_score; i++)
		if (ck_streq(p->plugins[p->score[i].idx].ops->name, "TaintToleration"))
			taint_weight = p->score[i].weight;
	ck_assert_int_eq(taint_weight, 3);
	ck_sched_config_release(&cfg);

	ck_assert_int_eq(
	    load("{" HDR ",\"leaderElection\":{\"leaderElect\":false,\"leaseDuration\":\"20s\"},"
		 "\"percentageOfNodesToScore\":30,\"profiles\":[{\"schedulerName\":\"a\"},"
		 "{\"schedulerName\":\"b\",\"plugins\":{\"multiPoint\":{\"disabled\":[{\"name\":"
		 "\"NodeAffinity\"}]},\"score\":{\"enabled\":[{\"name\":\"ImageLocality\","
		 "\"weight\":9}]}}}]}",
		 &cfg, &err),
	    0);
	ck_assert(!cfg.leader_elect);
	ck_assert_int_eq(cfg.lease_duration_ms, 20000);
	ck_assert_int_eq(cfg.percentage_of_nodes_to_score, 30);
	ck_assert_int_eq(cfg.n_profiles, 2);
	p = ck_sched_config_profile(&cfg, "b");
	ck_assert_ptr_nonnull(p);
	ck_assert(!has_plugin(p, p->filter, p->n_filter, "NodeAffinity"));
	ck_assert(has_plugin(&cfg.profiles[0], cfg.profiles[0].filter, cfg.profiles[0].n_filter,
			     "NodeAffinity"));
	for (int i = 0; i < p->n_score; i++)
		if (ck_streq(p->plugins[p->score[i].idx].ops->name, "ImageLocality"))
			ck_assert_int_eq(p->score[i].weight, 9);
	ck_sched_config_release(&cfg);

	ck_assert_int_eq(load("{" HDR ",\"profiles\":[{\"plugins\":{\"filter\":{\"enabled\":[{"
			      "\"name\":\"Nope\"}]}}}]}",
			      &cfg, &err),
			 -EINVAL);
	ck_assert_str_eq(err, "plugin \"Nope\" does not exist");
	free(err);
	ck_assert_int_eq(load("{" HDR ",\"profiles\":[{\"schedulerName\":\"x\"},{\"schedulerName\":"
			      "\"x\"}]}",
			      &cfg, &err),
			 -EINVAL);
	ck_assert_str_eq(err, "profiles[1].schedulerName: Duplicate value: \"x\"");
	free(err);
	ck_assert_int_eq(load("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}", &cfg, &err),
			 -EINVAL);
	free(err);
	ck_assert_int_eq(load("{" HDR ",\"profiles\":[{\"pluginConfig\":[{\"name\":"
			      "\"NodeResourcesFit\",\"args\":{\"scoringStrategy\":{\"type\":"
			      "\"Bogus\"}}}]}]}",
			      &cfg, &err),
			 -EINVAL);
	ck_assert(ck_str_has_prefix(err, "NodeResourcesFit: scoringStrategy.type: Unsupported"));
	free(err);
}
END_TEST

Suite *ck_test_suite_scheduler_queue(void)
{
	Suite *s = suite_create("scheduler_queue");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_priority_then_fifo);
	tcase_add_test(tc, test_unschedulable_moved_by_event);
	tcase_add_test(tc, test_backoff_doubles_to_max);
	tcase_add_test(tc, test_gated_and_deleted);
	tcase_add_test(tc, test_cache_assume_confirm_forget);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}
