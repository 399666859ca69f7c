/* Helpers for the scheduler's unit tests: pods and nodes from JSON text, a cycle over them. */
#ifndef CK_TEST_SCHEDULER_UTIL_H
#define CK_TEST_SCHEDULER_UTIL_H

#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "util/parallel.h"

static inline json_object *sched_json(const char *text)
{
	json_object *o = json_tokener_parse(text);
	ck_assert_msg(o != NULL, "bad JSON in test: %s", text);
	return o;
}

/* A pod from the JSON of its spec (and optional metadata fields as JSON text, may be NULL). */
static inline struct ck_sched_pod *sched_pod(const char *name, const char *meta_extra,
					     const char *spec)
{
	char buf[8192];
	snprintf(buf, sizeof(buf),
		 "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
		 "\"namespace\":\"ns\",\"uid\":\"uid-%s\"%s%s},\"spec\":%s}",
		 name, name, meta_extra ? "," : "", meta_extra ? meta_extra : "", spec);
	json_object *o = sched_json(buf);
	struct ck_sched_pod *p = ck_sched_pod_new(o);
	json_object_put(o);
	return p;
}

/* A node with allocatable cpu/memory/pods, labels (JSON object text) and taints (JSON array). */
static inline struct ck_sched_node *sched_node(const char *name, const char *cpu,
					       const char *memory, const char *labels,
					       const char *taints)
{
	char buf[8192];
	snprintf(buf, sizeof(buf),
		 "{\"kind\":\"Node\",\"metadata\":{\"name\":\"%s\",\"labels\":%s},"
		 "\"spec\":{\"taints\":%s},\"status\":{\"allocatable\":{\"cpu\":\"%s\","
		 "\"memory\":\"%s\",\"pods\":\"110\"}}}",
		 name, labels ? labels : "{}", taints ? taints : "[]", cpu, memory);
	json_object *o = sched_json(buf);
	struct ck_sched_node *n = ck_sched_node_new(o);
	json_object_put(o);
	return n;
}

/* Assigns a pod (built from spec) to node. */
static inline void sched_assign(struct ck_sched_node *n, const char *name, const char *meta_extra,
				const char *spec)
{
	struct ck_sched_pod *p = sched_pod(name, meta_extra, spec);
	ck_sched_node_add_pod(n, p);
	ck_sched_pod_unref(p);
}

/*
 * Schedules pod over nodes with the profile built from a KubeSchedulerConfiguration profile (JSON,
 * NULL: default), with the PodDisruptionBudgets of pdbs_json (a JSON array of objects, may be
 * NULL) for preemption and the pods nominated by earlier preemptions (may be NULL).
 */
static inline void sched_run_ext(const char *profile_json, struct ck_sched_node **nodes, size_t n,
				 const struct ck_sched_pod *pod, const char *pdbs_json,
				 const struct ck_sched_nomination *nominations,
				 size_t n_nominations, struct ck_sched_result *ret)
{
	struct ck_sched_config cfg;
	char *err = NULL;
	json_object *doc = NULL;
	if (profile_json) {
		char buf[8192];
		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"kubescheduler.config.k8s.io/v1\","
			 "\"kind\":\"KubeSchedulerConfiguration\",\"profiles\":[%s]}",
			 profile_json);
		doc = sched_json(buf);
	}
	ck_assert_int_eq(ck_sched_config_from_json(doc, &cfg, &err), 0);
	if (doc)
		json_object_put(doc);
	struct ck_sched_pdb *pdbs = NULL;
	size_t n_pdbs = 0;
	json_object *items = pdbs_json ? sched_json(pdbs_json) : NULL;
	ck_sched_pdbs_from_json(items, &pdbs, &n_pdbs);
	if (items)
		json_object_put(items);
	struct ck_sched_cycle c = { .profile = &cfg.profiles[0],
				    .nodes = nodes,
				    .n_nodes = n,
				    .pdbs = pdbs,
				    .n_pdbs = n_pdbs,
				    .nominations = nominations,
				    .n_nominations = n_nominations };
	ck_sched_schedule_pod(&c, NULL, pod, 0, NULL, ret);
	ck_sched_cycle_release(&c);
	ck_sched_pdbs_free(pdbs, n_pdbs);
	ck_sched_config_release(&cfg);
}

static inline void sched_run(const char *profile_json, struct ck_sched_node **nodes, size_t n,
			     const struct ck_sched_pod *pod, struct ck_sched_result *ret)
{
	sched_run_ext(profile_json, nodes, n, pod, NULL, NULL, 0, ret);
}

#define CPU_MEM(cpu, mem)                                                                     \
	"{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"resources\":{\"requests\":" \
	"{\"cpu\":\"" cpu "\",\"memory\":\"" mem "\"}}}]}"

#endif
