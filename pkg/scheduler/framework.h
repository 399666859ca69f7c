/*
 * The scheduling framework (upstream pkg/scheduler/framework): the compact
 * pod and node structs plugins work on, statuses, the plugin hooks at each
 * extension point, and the per-cycle state.
 *
 * Invariants:
 *  - A struct ck_sched_pod is built once per pod version (ck_sched_pod_new)
 *    and never changed after: it is shared (reference counted) between the
 *    queue, the cache and the scheduling cycle, and read from many threads.
 *  - A struct ck_sched_node belongs to the cache and changes only under the
 *    cache's write lock; a scheduling cycle holds the read lock from
 *    PreFilter to the end of scoring, so plugins read nodes freely.
 *  - Filter and Score run on several threads at once for different nodes:
 *    they may read the cycle's plugin state (written in PreFilter/PreScore)
 *    but not write it.
 */
#ifndef CK_SCHEDULER_FRAMEWORK_H
#define CK_SCHEDULER_FRAMEWORK_H

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/node_affinity.h"
#include "api/resources.h"
#include "api/taints.h"
#include "util/common.h"

struct ck_hashmap;
struct ck_label_selector;
struct ck_scheduler;

#define CK_SCHED_MAX_NODE_SCORE 100
#define CK_SCHED_MAX_REASONS 4
#define CK_SCHED_REASON_MAX 192

/* Upstream's framework.Code, in the order that matters here. */
enum ck_sched_code {
	CK_SCHED_SUCCESS,
	CK_SCHED_ERROR,
	CK_SCHED_UNSCHEDULABLE,
	CK_SCHED_UNRESOLVABLE, /* UnschedulableAndUnresolvable: preemption cannot help */
	CK_SCHED_SKIP,
};

struct ck_sched_status {
	enum ck_sched_code code;
	const char *plugin; /* the plugin that failed (static) */
	int n_reasons;
	char reasons[CK_SCHED_MAX_REASONS][CK_SCHED_REASON_MAX];
};

/* Sets code and plugin and adds one reason (printf); returns code. */
enum ck_sched_code ck_sched_status_fail(struct ck_sched_status *st, enum ck_sched_code code,
					const char *fmt, ...) CK_PRINTF(3, 4);

/* ---- pods -------------------------------------------------------------------------- */

struct ck_sched_host_port {
	int32_t port;
	char protocol[8]; /* TCP, UDP, SCTP */
	char host_ip[48]; /* "" means 0.0.0.0 */
};

/* A topology spread constraint (spec.topologySpreadConstraints[]). */
struct ck_sched_spread {
	int32_t max_skew;
	char *topology_key;
	bool do_not_schedule; /* whenUnsatisfiable */
	int32_t min_domains;
	struct ck_label_selector *selector;
	bool self_match; /* the pod's own labels match the selector */
};

/* A pod (anti-)affinity term; weight is 0 for required terms. */
struct ck_sched_affinity_term {
	int32_t weight;
	struct ck_label_selector *selector;
	char **namespaces;   /* NULL-terminated; NULL: the pod's own namespace */
	bool all_namespaces; /* namespaceSelector: {} */
	char *topology_key;
};

struct ck_sched_affinity_terms {
	struct ck_sched_affinity_term *t;
	size_t n;
};

/*
 * What the scheduler keeps of a pod version: the pod object itself is not
 * kept (the informer's store has it), only what scheduling reads.
 */
struct ck_sched_pod {
	atomic_int refs;
	char *key;     /* namespace/name */
	char *strings; /* owns the strings below and images[i] */
	const char *ns, *name, *uid, *node_name, *scheduler_name, *nominated_node_name;
	json_object *labels;  /* owned (compact) copy of metadata.labels; NULL when none */
	uint64_t spec_digest; /* of spec and labels: equal digests, nothing to reschedule for */
	int32_t priority;
	bool preempt_never;  /* preemptionPolicy: Never */
	bool terminating;    /* deletionTimestamp set */
	bool gated;	     /* schedulingGates not empty */
	bool has_controller; /* an ownerReference with controller: true */
	struct ck_api_resources req;
	/* cpu and memory of req with the scheduler's defaults for containers asking none
	 * (upstream's NonZeroRequested): ck_sched_pod_non_zero_requests */
	int64_t non_zero_milli_cpu, non_zero_memory;
	struct ck_sched_host_port *ports;
	size_t n_ports;
	struct ck_api_toleration *tolerations;
	size_t n_tolerations;
	struct ck_api_node_affinity node_affinity;
	const char **images; /* in strings */
	size_t n_images;
	struct ck_sched_spread *spread;
	size_t n_spread;
	struct ck_sched_affinity_terms affinity_req, affinity_pref, anti_req, anti_pref;
};

/* Builds the compact pod from obj (borrowed, not kept). Owned: ck_sched_pod_unref. */
struct ck_sched_pod *ck_sched_pod_new(json_object *obj);
/* The pod's requests with the non-zero cpu and memory into *ret. */
void ck_sched_pod_non_zero_requests(const struct ck_sched_pod *p, struct ck_api_resources *ret);
struct ck_sched_pod *ck_sched_pod_ref(struct ck_sched_pod *p);
void ck_sched_pod_unref(struct ck_sched_pod *p);
/* Whether an affinity term selects pod (namespace and labels). owner_ns: the term's pod's
 * namespace. */
bool ck_sched_term_matches(const struct ck_sched_affinity_term *t, const char *owner_ns,
			   const struct ck_sched_pod *pod);

/* ---- PodDisruptionBudgets (for preemption) ---------------------------------------------- */

/* The parts of a policy/v1 PodDisruptionBudget that DefaultPreemption reads. */
struct ck_sched_pdb {
	char *ns;
	struct ck_label_selector *selector; /* nil or empty: matches nothing */
	int32_t disruptions_allowed;	    /* status.disruptionsAllowed */
	char **disrupted_pods;		    /* status.disruptedPods names, NULL-terminated */
};

/*
 * Builds the budgets from an array of PodDisruptionBudget objects (borrowed,
 * may be NULL); ones whose selector does not parse are left out, as upstream
 * treats them as matching nothing. Owned: ck_sched_pdbs_free(*ret, *ret_n).
 */
void ck_sched_pdbs_from_json(json_object *items, struct ck_sched_pdb **ret, size_t *ret_n);
void ck_sched_pdbs_free(struct ck_sched_pdb *pdbs, size_t n);

/* ---- nodes --------------------------------------------------------------------------- */

struct ck_sched_image {
	char *name;
	int64_t size;
};

struct ck_sched_node {
	char *name;
	json_object *labels; /* owned copy */
	bool unschedulable;
	bool present; /* the Node object exists (else a ghost holding pods) */
	struct ck_api_taint *taints;
	size_t n_taints;
	struct ck_api_resources allocatable;
	struct ck_api_resources requested; /* sum of its pods' req */
	struct ck_api_resources non_zero_requested;
	struct ck_sched_pod **pods; /* referenced */
	size_t n_pods, cap_pods;
	size_t n_pods_with_affinity; /* pods with any pod (anti-)affinity */
	struct ck_sched_image *images;
	size_t n_images;
	uint64_t generation;
};

/* The value of a node label, or NULL. */
const char *ck_sched_node_label(const struct ck_sched_node *n, const char *key);
/* Builds a standalone node from a Node object (for tests and the cache). Owned. */
struct ck_sched_node *ck_sched_node_new(json_object *node);
/* Replaces the node's Node-derived fields with node's (keeps its pods). */
void ck_sched_node_set(struct ck_sched_node *n, json_object *node);
void ck_sched_node_add_pod(struct ck_sched_node *n, struct ck_sched_pod *p);
/* Removes the pod with p's key; false when absent. */
bool ck_sched_node_remove_pod(struct ck_sched_node *n, const char *key);
/* A copy sharing the pods (each referenced again), for preemption's what-ifs. Owned. */
struct ck_sched_node *ck_sched_node_clone(const struct ck_sched_node *n);
void ck_sched_node_free(struct ck_sched_node *n);

/* ---- a scheduling cycle ------------------------------------------------------------- */

#define CK_SCHED_MAX_PLUGINS 24

struct ck_sched_profile;

/* A pod waiting for the node an earlier preemption freed for it. */
struct ck_sched_nomination {
	char *node;
	struct ck_sched_pod *pod; /* referenced */
};

struct ck_sched_cycle {
	struct ck_scheduler *sched; /* NULL in unit tests */
	const struct ck_sched_profile *profile;
	struct ck_sched_node **nodes; /* every node of the snapshot */
	size_t n_nodes;
	/*
	 * Snapshot summaries the cache keeps (upstream's ImageStates and
	 * HavePodsWithAffinityNodeInfoList), so plugins need not walk every
	 * node: how many nodes have an image (normalised name -> count), and
	 * how many pods have pod (anti-)affinity. summaries false (unit
	 * tests): plugins walk the nodes.
	 */
	bool summaries;
	const struct ck_hashmap *image_nodes;
	size_t pods_with_affinity;
	/*
	 * PodDisruptionBudgets for DefaultPreemption when sched is NULL (unit
	 * tests); with a scheduler the plugin reads the scheduler's informer.
	 */
	const struct ck_sched_pdb *pdbs;
	size_t n_pdbs;
	/*
	 * Pods nominated to nodes by earlier preemptions (not the pod being
	 * scheduled): the filters count those of at least its priority on
	 * their node, so nobody takes the room preemption freed for them
	 * (upstream's RunFilterPluginsWithNominatedPods).
	 */
	const struct ck_sched_nomination *nominations;
	size_t n_nominations;
	/* Per plugin instance (by its index in the profile): PreFilter/PreScore state. */
	void *state[CK_SCHED_MAX_PLUGINS];
	void (*state_free[CK_SCHED_MAX_PLUGINS])(void *state);
};

void ck_sched_cycle_release(struct ck_sched_cycle *c);

/* The plugin hooks. Any may be NULL; priv is the plugin instance's own state. */
struct ck_sched_plugin_ops {
	const char *name;
	int default_weight; /* as a score plugin in the default profile; 0: not scoring */
	/* Makes an instance from pluginConfig args (borrowed, may be NULL). */
	int (*init)(json_object *args, void **ret_priv, char **ret_err);
	void (*release)(void *priv);
	enum ck_sched_code (*pre_filter)(void *priv, struct ck_sched_cycle *c, int idx,
					 const struct ck_sched_pod *pod,
					 struct ck_sched_status *st);
	enum ck_sched_code (*filter)(void *priv, const struct ck_sched_cycle *c, int idx,
				     const struct ck_sched_pod *pod,
				     const struct ck_sched_node *node, struct ck_sched_status *st);
	/*
	 * Preemption, given the Filter statuses (per c->nodes index): may
	 * nominate a node (*ret_node, owned); *ret_msg (owned, may stay NULL)
	 * explains a failure.
	 */
	enum ck_sched_code (*post_filter)(void *priv, struct ck_sched_cycle *c,
					  const struct ck_sched_pod *pod,
					  struct ck_sched_status *const *node_statuses,
					  char **ret_node, char **ret_msg);
	enum ck_sched_code (*pre_score)(void *priv, struct ck_sched_cycle *c, int idx,
					const struct ck_sched_pod *pod,
					struct ck_sched_node *const *nodes, size_t n);
	int64_t (*score)(void *priv, const struct ck_sched_cycle *c, int idx,
			 const struct ck_sched_pod *pod, const struct ck_sched_node *node);
	void (*normalize)(void *priv, const struct ck_sched_cycle *c, int idx,
			  const struct ck_sched_pod *pod, struct ck_sched_node *const *nodes,
			  int64_t *scores, size_t n);
	/* Binds pod to node (runs on a binder thread). */
	int (*bind)(void *priv, struct ck_scheduler *s, const struct ck_sched_pod *pod,
		    const char *node, char **ret_err);
};

/* A container image name with ":latest" added when it has no tag or digest (owned). */
char *ck_sched_normalized_image_name(const char *name);

/*
 * Upstream's FitError message: "0/<num_all_nodes> nodes are available: "
 * then pre_filter_msg, or the sorted histogram of the reasons of the
 * failed statuses (sts: n pointers, NULL for nodes that passed) ("1 Insufficient cpu, 2 node(s) had
 * untolerated taint {a: b}"), then "." and, when post_filter_msg is set, " <it>.". Owned.
 */
char *ck_sched_fit_error(size_t num_all_nodes, struct ck_sched_status *const *sts, size_t n,
			 const char *pre_filter_msg, const char *post_filter_msg);

/* The default normaliser (upstream helper.DefaultNormalizeScore). */
void ck_sched_default_normalize(int64_t max_priority, bool reverse, int64_t *scores, size_t n);

/* Every plugin, in the default profile's order (plugins/registry.c). */
extern const struct ck_sched_plugin_ops *const ck_sched_plugins[];
const struct ck_sched_plugin_ops *ck_sched_plugin_find(const char *name);

#endif
