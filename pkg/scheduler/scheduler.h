/*
 * kube-scheduler's engine (upstream pkg/scheduler): informers for pods and
 * nodes feed the cache (cache.h) and the scheduling queue (queue.h); one
 * scheduling thread pops a pod, runs its profile's plugins over the nodes
 * (filters and scores on every core, sampling percentageOfNodesToScore of
 * the nodes), assumes the pod on the chosen node and hands the binding to
 * a binder thread (POST pods/<name>/binding). A pod that fits nowhere runs
 * PostFilter (preemption, which reads PodDisruptionBudgets from a third
 * informer), gets PodScheduled=False/Unschedulable and a
 * FailedScheduling event, and waits in the queue for a cluster event.
 *
 * Pods whose spec.schedulerName names none of the profiles are left alone.
 */
#ifndef CK_SCHEDULER_SCHEDULER_H
#define CK_SCHEDULER_SCHEDULER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "scheduler/framework.h"

struct ck_cancel;
struct ck_client;
struct ck_metrics;
struct ck_scheduler;

struct ck_sched_plugin_inst {
	const struct ck_sched_plugin_ops *ops;
	void *priv;
};

struct ck_sched_weighted {
	int idx; /* the plugin instance */
	int64_t weight;
};

/* A profile: a scheduler name and its plugins at each extension point (indices into plugins). */
struct ck_sched_profile {
	char *scheduler_name;
	int percentage_of_nodes_to_score; /* -1: the global one */
	struct ck_sched_plugin_inst plugins[CK_SCHED_MAX_PLUGINS];
	int n_plugins;
	int pre_filter[CK_SCHED_MAX_PLUGINS], n_pre_filter;
	int filter[CK_SCHED_MAX_PLUGINS], n_filter;
	int post_filter[CK_SCHED_MAX_PLUGINS], n_post_filter;
	int pre_score[CK_SCHED_MAX_PLUGINS], n_pre_score;
	struct ck_sched_weighted score[CK_SCHED_MAX_PLUGINS];
	int n_score;
	int bind[CK_SCHED_MAX_PLUGINS], n_bind;
};

/* KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), what ckube honours. */
struct ck_sched_config {
	char *kubeconfig; /* clientConnection.kubeconfig */
	double qps;	  /* 50 */
	int burst;	  /* 100 */
	bool leader_elect;
	char *lease_namespace;					       /* kube-system */
	char *lease_name;					       /* kube-scheduler */
	int64_t lease_duration_ms, renew_deadline_ms, retry_period_ms; /* 15 s, 10 s, 2 s */
	int percentage_of_nodes_to_score;			       /* 0: adaptive */
	int64_t pod_initial_backoff_ms;				       /* 1 s */
	int64_t pod_max_backoff_ms;				       /* 10 s */
	int parallelism; /* threads for filters and scores; 0: every core */
	struct ck_sched_profile *profiles;
	size_t n_profiles;
};

/*
 * The configuration from a KubeSchedulerConfiguration document (borrowed;
 * NULL: every default, one "default-scheduler" profile). *ret is
 * initialised here. -EINVAL and a one-line message (owned) for a bad one.
 */
int ck_sched_config_from_json(json_object *doc, struct ck_sched_config *ret, char **ret_err);
/* Reads and decodes a YAML or JSON file, then as above. */
int ck_sched_config_load_file(const char *path, struct ck_sched_config *ret, char **ret_err);
void ck_sched_config_release(struct ck_sched_config *cfg);
/* The profile named name, or NULL. */
const struct ck_sched_profile *ck_sched_config_profile(const struct ck_sched_config *cfg,
						       const char *name);

/* upstream's numFeasibleNodesToFind */
int64_t ck_sched_num_feasible_nodes_to_find(int percentage, int64_t num_all_nodes);

/* ---- the framework over a snapshot (framework.c) ------------------------------------ */

/* Runs every Filter of the cycle's profile on node; the status says which failed. */
enum ck_sched_code ck_sched_run_filters(const struct ck_sched_cycle *c,
					const struct ck_sched_pod *pod,
					const struct ck_sched_node *node,
					struct ck_sched_status *st);

/*
 * The result of scheduling one pod over the cycle's nodes (c->nodes), with
 * no side effects: the chosen node, or the statuses that explain why none
 * (upstream's FitError message). Used by the scheduler and the unit tests.
 */
struct ck_sched_result {
	char *node;		 /* owned; NULL when none fits */
	char *message;		 /* owned; the FitError message when none fits */
	enum ck_sched_code code; /* SUCCESS, UNSCHEDULABLE or ERROR */
	int64_t evaluated_nodes; /* nodes filtered */
	int64_t feasible_nodes;	 /* nodes that passed */
	char *nominated_node;	 /* owned; PostFilter's nominee */
	/* Per c->nodes index: why the node failed (owned), NULL where it passed or was not
	 * evaluated. */
	struct ck_sched_status **statuses;
	size_t n_statuses;
	int64_t *scores; /* per c->nodes index for feasible ones (owned); -1 elsewhere */
};
void ck_sched_result_release(struct ck_sched_result *r);

struct ck_parallel;
/*
 * Runs PreFilter, Filter (in parallel, sampling), PostFilter when nothing
 * fits, PreScore, Score, NormalizeScore and picks the host. The cycle's
 * profile and nodes must be set; *start_index rotates as upstream's
 * nextStartNodeIndex (may be NULL). pool may be NULL (one thread).
 */
void ck_sched_schedule_pod(struct ck_sched_cycle *c, struct ck_parallel *pool,
			   const struct ck_sched_pod *pod, int percentage, size_t *start_index,
			   struct ck_sched_result *ret);

/* ---- the scheduler ------------------------------------------------------------------- */

/* Takes cfg's profiles (cfg is left empty of them); client borrowed. Owned. */
int ck_scheduler_new(struct ck_sched_config *cfg, struct ck_client *client,
		     struct ck_metrics *metrics, struct ck_scheduler **ret);
/* Runs until cancel fires (informers, the scheduling thread, binders). Blocks. */
int ck_scheduler_run(struct ck_scheduler *s, struct ck_cancel *cancel);
/* Whether the informers have synced (readyz). */
bool ck_scheduler_synced(struct ck_scheduler *s);
void ck_scheduler_free(struct ck_scheduler *s);

/* For plugins: the client (borrowed). */
struct ck_client *ck_scheduler_client(struct ck_scheduler *s);
/*
 * For DefaultPreemption: deletes the victims (each gets a Preempted event),
 * records node as pod's nominated node. 0 or a negative errno.
 */
int ck_scheduler_preempt(struct ck_scheduler *s, const struct ck_sched_pod *pod, const char *node,
			 struct ck_sched_pod *const *victims, size_t n);
/*
 * For DefaultPreemption: the PodDisruptionBudgets the scheduler's informer
 * holds now. Owned: ck_sched_pdbs_free(*ret, *ret_n).
 */
void ck_scheduler_pdbs(struct ck_scheduler *s, struct ck_sched_pdb **ret, size_t *ret_n);
/*
 * Every pod still queued with a node nominated by an earlier preemption,
 * except except (may be NULL), for a cycle's nominations. Returns the
 * count; *ret (NULL when none) is owned: ck_sched_nominations_free(*ret, count).
 */
size_t ck_scheduler_nominations(struct ck_scheduler *s, const struct ck_sched_pod *except,
				struct ck_sched_nomination **ret);
void ck_sched_nominations_free(struct ck_sched_nomination *n, size_t count);
/* The node pod was nominated to by an earlier preemption (owned), or NULL. */
char *ck_scheduler_nominated_node(struct ck_scheduler *s, const struct ck_sched_pod *pod);

#endif
