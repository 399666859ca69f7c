/*
 * The scheduler: informer handlers into the cache and the queue, the
 * scheduling thread (upstream ScheduleOne), binder threads, failure
 * handling (condition, event, requeue), preemption's side effects, the
 * queue flusher and the metrics.
 */
#include "scheduler/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "client/client.h"
#include "scheduler/cache.h"
#include "scheduler/queue.h"
#include "util/cancel.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/parallel.h"
#include "util/queue.h"
#include "util/str.h"
#include "util/time.h"

#define BINDER_THREADS 16

struct ck_scheduler {
	struct ck_sched_config cfg; /* profiles owned */
	struct ck_client *client;   /* borrowed */
	struct ck_sched_cache *cache;
	struct ck_sched_queue *queue;
	struct ck_parallel *pool;
	struct ck_event_recorder **recorders; /* one per profile */
	struct ck_informer_factory *factory;
	struct ck_informer *pods, *nodes, *pdbs;
	size_t next_start_node_index; /* the scheduling thread's */
	struct ck_queue jobs;	      /* bind and status-update jobs for the binders */
	pthread_t sched_thread, flusher, binders[BINDER_THREADS];
	int n_binders;
	struct ck_cancel stop;
	pthread_mutex_t nominated_lock;
	struct ck_hashmap nominated; /* pod key -> node name (owned strings), nominated_lock */
	/* metrics (NULL without a registry) */
	struct ck_metric *m_attempts, *m_attempt_duration, *m_pending, *m_pod_attempts,
	    *m_preemption_attempts, *m_preemption_victims, *m_e2e_duration;
	bool synced;
};

enum job_type {
	JOB_BIND,
	JOB_FAILURE,
};

struct job {
	enum job_type type;
	struct ck_sched_queued_pod *qp;
	const struct ck_sched_profile *profile;
	size_t profile_index;
	char *node;	  /* bind target, or nominated node on failure */
	char *message;	  /* failure message */
	int64_t start_ns; /* when the attempt started (monotonic) */
};

static void job_free(struct job *j)
{
	free(j->node);
	free(j->message);
	free(j);
}

struct ck_client *ck_scheduler_client(struct ck_scheduler *s)
{
	return s->client;
}

static size_t profile_index(const struct ck_scheduler *s, const char *name)
{
	for (size_t i = 0; i < s->cfg.n_profiles; i++)
		if (ck_streq(s->cfg.profiles[i].scheduler_name, name))
			return i;
	return SIZE_MAX;
}

/* ---- informer handlers ------------------------------------------------------------- */

/*
 * The pod informer's transform, as upstream's scheduler: nothing here reads
 * metadata.managedFields, about half of a pod's JSON values, so its store
 * does not keep them.
 */
static void drop_managed_fields(json_object *pod)
{
	json_object *meta = ck_obj_get(pod, "metadata");
	if (json_object_is_type(meta, json_type_object))
		json_object_object_del(meta, "managedFields");
}

static bool terminal(json_object *obj)
{
	const char *phase = ck_obj_path_str(obj, "status.phase");
	return phase && (ck_streq(phase, "Succeeded") || ck_streq(phase, "Failed"));
}

static void pod_changed(void *ctx, json_object *obj)
{
	struct ck_scheduler *s = ctx;
	struct ck_sched_pod *p = ck_sched_pod_new(obj);
	if (terminal(obj)) {
		bool had = ck_sched_cache_has_pod(s->cache, p->key);
		ck_sched_cache_remove_pod(s->cache, p->key);
		ck_sched_queue_delete(s->queue, p->key);
		if (had)
			ck_sched_queue_move_all(s->queue);
	} else if (*p->node_name) {
		ck_sched_queue_delete(s->queue, p->key);
		ck_sched_cache_add_pod(s->cache, p);
		pthread_mutex_lock(&s->nominated_lock);
		free(ck_hashmap_remove(&s->nominated, p->key));
		pthread_mutex_unlock(&s->nominated_lock);
	} else if (profile_index(s, p->scheduler_name) != SIZE_MAX) {
		if (p->terminating)
			ck_sched_queue_delete(s->queue, p->key);
		else
			ck_sched_queue_update(s->queue, p);
	}
	ck_sched_pod_unref(p);
}

static void pod_add(void *ctx, json_object *obj, bool initial)
{
	(void)initial;
	pod_changed(ctx, obj);
}

static void pod_update(void *ctx, json_object *old_obj, json_object *new_obj)
{
	(void)old_obj;
	pod_changed(ctx, new_obj);
}

static void pod_delete(void *ctx, const char *key, json_object *obj, bool unknown)
{
	(void)obj, (void)unknown;
	struct ck_scheduler *s = ctx;
	bool had = ck_sched_cache_has_pod(s->cache, key);
	ck_sched_cache_remove_pod(s->cache, key);
	ck_sched_queue_delete(s->queue, key);
	pthread_mutex_lock(&s->nominated_lock);
	free(ck_hashmap_remove(&s->nominated, key));
	pthread_mutex_unlock(&s->nominated_lock);
	if (had) /* AssignedPodDelete frees room */
		ck_sched_queue_move_all(s->queue);
}

static void node_add(void *ctx, json_object *obj, bool initial)
{
	(void)initial;
	struct ck_scheduler *s = ctx;
	ck_sched_cache_add_node(s->cache, obj);
	ck_sched_queue_move_all(s->queue);
}

static bool same_field(json_object *a, json_object *b, const char *path)
{
	return json_object_equal(ck_obj_path(a, path), ck_obj_path(b, path));
}

static void node_update(void *ctx, json_object *old_obj, json_object *new_obj)
{
	struct ck_scheduler *s = ctx;
	ck_sched_cache_update_node(s->cache, new_obj);
	/* Heartbeats change only conditions and times: no reason to retry anyone. */
	if (!same_field(old_obj, new_obj, "spec") ||
	    !same_field(old_obj, new_obj, "metadata.labels") ||
	    !same_field(old_obj, new_obj, "status.allocatable") ||
	    !same_field(old_obj, new_obj, "status.images"))
		ck_sched_queue_move_all(s->queue);
}

static void node_delete(void *ctx, const char *key, json_object *obj, bool unknown)
{
	(void)obj, (void)unknown;
	struct ck_scheduler *s = ctx;
	ck_sched_cache_remove_node(s->cache, key);
}

/* ---- preemption side effects --------------------------------------------------------- */

static struct ck_object_reference pod_ref(const struct ck_sched_pod *p)
{
	return (struct ck_object_reference){ .kind = "Pod",
					     .api_version = "v1",
					     .namespace = p->ns,
					     .name = p->name,
					     .uid = p->uid };
}

/* One victim's deletion, on its own thread (upstream deletes victims in parallel too). */
struct victim_delete {
	struct ck_scheduler *s;
	const struct ck_sched_pod *victim;
	pthread_t thread;
	bool threaded;
	int r;
	struct ck_client_error err; /* released by the caller */
};

static void *delete_victim(void *arg)
{
	static const struct ck_gvr pods = { "", "v1", "pods" };
	struct victim_delete *d = arg;
	/* no options: the victim's own terminationGracePeriodSeconds applies, as upstream */
	d->r = ck_client_delete(d->s->client, &pods, d->victim->ns, d->victim->name, NULL, NULL,
				&d->err);
	return NULL;
}

int ck_scheduler_preempt(struct ck_scheduler *s, const struct ck_sched_pod *pod, const char *node,
			 struct ck_sched_pod *const *victims, size_t n)
{
	size_t pi = profile_index(s, pod->scheduler_name);
	int r = 0;
	struct victim_delete *d = ck_calloc(n + 1, sizeof(*d));
	for (size_t i = 0; i < n; i++) {
		d[i] = (struct victim_delete){ .s = s, .victim = victims[i] };
		ck_client_error_init(&d[i].err);
		d[i].threaded =
		    n > 1 && pthread_create(&d[i].thread, NULL, delete_victim, &d[i]) == 0;
		if (!d[i].threaded)
			delete_victim(&d[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (d[i].threaded)
			pthread_join(d[i].thread, NULL);
		ck_log_v(3, "preempting '%s' on '%s' for '%s': %s", victims[i]->key, node, pod->key,
			 d[i].r < 0 ? strerror(-d[i].r) : "deleted");
		bool failed = d[i].r < 0 && d[i].r != -ENOENT;
		if (failed) {
			ck_log_v(2, "unable to preempt '%s': %s", victims[i]->key,
				 d[i].err.message);
			r = d[i].r;
		}
		ck_client_error_release(&d[i].err);
		if (failed)
			continue;
		struct ck_object_reference ref = pod_ref(victims[i]);
		if (pi != SIZE_MAX)
			ck_event_recorder_eventf(s->recorders[pi], &ref, "Normal", "Preempted",
						 "Preempted by pod %s on node %s", pod->uid, node);
	}
	free(d);
	if (s->m_preemption_attempts)
		ck_metric_add(s->m_preemption_attempts, NULL, 1);
	if (s->m_preemption_victims)
		ck_metric_observe(s->m_preemption_victims, NULL, (double)n);
	pthread_mutex_lock(&s->nominated_lock);
	free(ck_hashmap_put(&s->nominated, pod->key, ck_strdup(node)));
	pthread_mutex_unlock(&s->nominated_lock);
	return r;
}

void ck_scheduler_pdbs(struct ck_scheduler *s, struct ck_sched_pdb **ret, size_t *ret_n)
{
	json_object *items = ck_store_list(ck_informer_store(s->pdbs));
	ck_sched_pdbs_from_json(items, ret, ret_n);
	json_object_put(items);
}

size_t ck_scheduler_nominations(struct ck_scheduler *s, const struct ck_sched_pod *except,
				struct ck_sched_nomination **ret)
{
	pthread_mutex_lock(&s->nominated_lock);
	size_t count = ck_hashmap_count(&s->nominated), n = 0;
	struct ck_sched_nomination *out = count ? ck_calloc(count, sizeof(*out)) : NULL;
	for (struct ck_hashmap_entry *he = ck_hashmap_first(&s->nominated); he;
	     he = ck_hashmap_next(&s->nominated, he)) {
		if (except && ck_streq(he->key, except->key))
			continue;
		struct ck_sched_pod *p = ck_sched_queue_get(s->queue, he->key);
		if (!p)
			continue;
		out[n].node = ck_strdup(he->value);
		out[n++].pod = p;
	}
	pthread_mutex_unlock(&s->nominated_lock);
	*ret = out;
	return n;
}

void ck_sched_nominations_free(struct ck_sched_nomination *n, size_t count)
{
	for (size_t i = 0; n && i < count; i++) {
		free(n[i].node);
		ck_sched_pod_unref(n[i].pod);
	}
	free(n);
}

char *ck_scheduler_nominated_node(struct ck_scheduler *s, const struct ck_sched_pod *pod)
{
	pthread_mutex_lock(&s->nominated_lock);
	const char *n = ck_hashmap_get(&s->nominated, pod->key);
	char *out = n ? ck_strdup(n) : NULL;
	pthread_mutex_unlock(&s->nominated_lock);
	return out;
}

/* ---- binders --------------------------------------------------------------------------- */

static void observe_attempt(struct ck_scheduler *s, const char *profile, const char *result,
			    int64_t start_ns)
{
	if (!s->m_attempts)
		return;
	const char *labels[] = { result, profile };
	ck_metric_add(s->m_attempts, labels, 1);
	ck_metric_observe(s->m_attempt_duration, labels,
			  (double)(ck_time_mono_ns() - start_ns) / 1e9);
}

/* The PodScheduled condition of the pod the informer holds now, against the one to write. */
struct cond_check {
	const char *reason, *message; /* to write */
	bool is_false;		      /* the pod's PodScheduled is False */
	bool same;		      /* ... with that reason and message */
};

static void check_condition(void *ctx, const char *key, json_object *obj)
{
	(void)key;
	struct cond_check *cc = ctx;
	json_object *conds = ck_obj_path(obj, "status.conditions");
	for (size_t i = 0; i < ck_obj_array_len(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		if (!ck_streq(ck_obj_path_str(c, "type"), "PodScheduled"))
			continue;
		const char *status = ck_obj_path_str(c, "status");
		cc->is_false = status && ck_streq(status, "False");
		cc->same = cc->is_false &&
			   ck_streq(ck_obj_path_str(c, "reason") ?: "", cc->reason) &&
			   ck_streq(ck_obj_path_str(c, "message") ?: "", cc->message);
	}
}

/*
 * Patches PodScheduled=False/Unschedulable (and nominatedNodeName) unless
 * the pod's latest version (the informer's) already says so.
 */
static void update_pod_condition(struct ck_scheduler *s, const struct ck_sched_pod *pod,
				 const char *reason, const char *message, const char *nominated)
{
	struct cond_check cc = { .reason = reason, .message = message };
	ck_store_with(ck_informer_store(s->pods), pod->key, check_condition, &cc);
	bool nominate = nominated && !ck_streq(pod->nominated_node_name, nominated);
	if (cc.same && !nominate)
		return;
	json_object *cond = json_object_new_object();
	json_object_object_add(cond, "type", json_object_new_string("PodScheduled"));
	json_object_object_add(cond, "status", json_object_new_string("False"));
	json_object_object_add(cond, "reason", json_object_new_string(reason));
	json_object_object_add(cond, "message", json_object_new_string(message));
	json_object_object_add(cond, "lastProbeTime", NULL);
	if (!cc.is_false) {
		char ts[CK_TIME_BUF];
		ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, ts);
		json_object_object_add(cond, "lastTransitionTime", json_object_new_string(ts));
	}
	json_object *list = json_object_new_array();
	json_object_array_add(list, cond);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "conditions", list);
	if (nominate)
		json_object_object_add(status, "nominatedNodeName",
				       json_object_new_string(nominated));
	json_object *patch = json_object_new_object();
	json_object_object_add(patch, "status", status);
	static const struct ck_gvr pods = { "", "v1", "pods" };
	struct ck_client_error err;
	ck_client_error_init(&err);
	if (ck_client_patch(s->client, &pods, pod->ns, pod->name, CK_PATCH_STRATEGIC,
			    json_object_to_json_string_ext(patch, JSON_C_TO_STRING_PLAIN), "status",
			    NULL, &err) < 0)
		ck_log_v(2, "unable to update the condition of pod '%s': %s", pod->key,
			 err.message);
	ck_client_error_release(&err);
	json_object_put(patch);
}

static void run_bind(struct ck_scheduler *s, struct job *j)
{
	const struct ck_sched_pod *pod = j->qp->pod;
	const struct ck_sched_profile *p = j->profile;
	char *err = NULL;
	int r = -ENOSYS;
	for (int i = 0; i < p->n_bind && r == -ENOSYS; i++) {
		const struct ck_sched_plugin_inst *pi = &p->plugins[p->bind[i]];
		free(err);
		err = NULL;
		r = pi->ops->bind(pi->priv, s, pod, j->node, &err);
	}
	struct ck_object_reference ref = pod_ref(pod);
	if (r == 0) {
		ck_event_recorder_eventf(s->recorders[j->profile_index], &ref, "Normal",
					 "Scheduled", "Successfully assigned %s to %s", pod->key,
					 j->node);
		observe_attempt(s, p->scheduler_name, "scheduled", j->start_ns);
		if (s->m_pod_attempts)
			ck_metric_observe(s->m_pod_attempts, NULL, j->qp->attempts);
		ck_sched_queue_done(s->queue, j->qp);
	} else {
		ck_log_v(2, "unable to bind pod '%s' to '%s': %s", pod->key, j->node,
			 err ? err : strerror(-r));
		ck_sched_cache_forget(s->cache, pod->key);
		char msg[1200];
		snprintf(msg, sizeof(msg), "Binding rejected: %s", err ? err : strerror(-r));
		if (r != -ENOENT) {
			ck_event_recorder_eventf(s->recorders[j->profile_index], &ref, "Warning",
						 "FailedScheduling", "%s", msg);
			update_pod_condition(s, pod, "SchedulerError", msg, NULL);
		}
		observe_attempt(s, p->scheduler_name, "error", j->start_ns);
		ck_sched_queue_requeue(s->queue, j->qp, true);
		ck_sched_queue_move_all(s->queue);
	}
	j->qp = NULL;
	free(err);
}

static void run_failure(struct ck_scheduler *s, struct job *j)
{
	const struct ck_sched_pod *pod = j->qp->pod;
	struct ck_object_reference ref = pod_ref(pod);
	ck_event_recorder_eventf(s->recorders[j->profile_index], &ref, "Warning",
				 "FailedScheduling", "%s", j->message);
	update_pod_condition(s, pod, "Unschedulable", j->message, j->node);
	ck_sched_pod_unref(j->qp->pod);
	free(j->qp);
	j->qp = NULL;
}

static void *binder_main(void *arg)
{
	struct ck_scheduler *s = arg;
	void *item;
	while (ck_queue_pop(&s->jobs, &item, -1) == 0) {
		struct job *j = item;
		if (j->type == JOB_BIND)
			run_bind(s, j);
		else
			run_failure(s, j);
		job_free(j);
	}
	return NULL;
}

/* ---- the scheduling thread -------------------------------------------------------------- */

/* A private copy of the queued pod for the failure job (the queue keeps the original). */
static struct ck_sched_queued_pod *qp_copy(const struct ck_sched_queued_pod *qp)
{
	struct ck_sched_queued_pod *c = ck_calloc(1, sizeof(*c));
	*c = *qp;
	c->pod = ck_sched_pod_ref(qp->pod);
	return c;
}

static void schedule_one(struct ck_scheduler *s, struct ck_sched_queued_pod *qp)
{
	struct ck_sched_pod *pod = qp->pod;
	size_t pi = profile_index(s, pod->scheduler_name);
	if (pi == SIZE_MAX || ck_sched_cache_has_pod(s->cache, pod->key) ||
	    !ck_sched_queue_has(s->queue, pod->key)) {
		ck_sched_queue_done(s->queue, qp);
		return;
	}
	const struct ck_sched_profile *profile = &s->cfg.profiles[pi];
	int64_t start = ck_time_mono_ns();
	struct ck_sched_cycle c = { .sched = s, .profile = profile };
	struct ck_sched_nomination *nominations = NULL;
	c.n_nominations = ck_scheduler_nominations(s, pod, &nominations);
	c.nominations = nominations;
	ck_sched_cache_snapshot(s->cache, &c);
	int pct = profile->percentage_of_nodes_to_score >= 0 ? profile->percentage_of_nodes_to_score
							     : s->cfg.percentage_of_nodes_to_score;
	struct ck_sched_result res;
	ck_sched_schedule_pod(&c, s->pool, pod, pct, &s->next_start_node_index, &res);
	ck_sched_cycle_release(&c);
	ck_sched_cache_unlock(s->cache);
	ck_sched_nominations_free(nominations, c.n_nominations);

	if (res.code == CK_SCHED_SUCCESS) {
		ck_log_v(3, "pod '%s' fits '%s' (%lld of %zu nodes evaluated, %lld feasible)",
			 pod->key, res.node, (long long)res.evaluated_nodes, c.n_nodes,
			 (long long)res.feasible_nodes);
		if (ck_sched_cache_assume(s->cache, pod, res.node) < 0) {
			ck_sched_queue_requeue(s->queue, qp, true);
			ck_sched_result_release(&res);
			return;
		}
		struct job *j = ck_calloc(1, sizeof(*j));
		*j = (struct job){ .type = JOB_BIND,
				   .qp = qp,
				   .profile = profile,
				   .profile_index = pi,
				   .node = res.node,
				   .start_ns = start };
		res.node = NULL;
		if (ck_queue_push(&s->jobs, j) < 0) {
			ck_sched_cache_forget(s->cache, pod->key);
			ck_sched_queue_requeue(s->queue, qp, true);
			job_free(j);
		}
		ck_sched_result_release(&res);
		return;
	}
	bool error = res.code == CK_SCHED_ERROR;
	ck_log_v(2, "unable to schedule pod '%s': %s", pod->key, res.message ? res.message : "");
	observe_attempt(s, profile->scheduler_name, error ? "error" : "unschedulable", start);
	struct job *j = ck_calloc(1, sizeof(*j));
	*j = (struct job){ .type = JOB_FAILURE,
			   .qp = qp_copy(qp),
			   .profile = profile,
			   .profile_index = pi,
			   .node = res.nominated_node,
			   .message = res.message ? res.message : ck_strdup("unknown error"),
			   .start_ns = start };
	res.nominated_node = res.message = NULL;
	ck_sched_queue_requeue(s->queue, qp, error);
	if (ck_queue_push(&s->jobs, j) < 0) {
		ck_sched_pod_unref(j->qp->pod);
		free(j->qp);
		job_free(j);
	}
	ck_sched_result_release(&res);
}

static void *sched_main(void *arg)
{
	struct ck_scheduler *s = arg;
	struct ck_sched_queued_pod *qp;
	while (ck_sched_queue_pop(s->queue, &qp) == 0)
		schedule_one(s, qp);
	return NULL;
}

static void *flusher_main(void *arg)
{
	struct ck_scheduler *s = arg;
	while (ck_cancel_sleep_ms(&s->stop, 1000) == 0) {
		ck_sched_queue_flush(s->queue);
		if (!s->m_pending)
			continue;
		size_t a, b, u, g;
		ck_sched_queue_counts(s->queue, &a, &b, &u, &g);
		const char *l[][1] = {
			{ "active" }, { "backoff" }, { "unschedulable" }, { "gated" }
		};
		ck_metric_set(s->m_pending, l[0], (double)a);
		ck_metric_set(s->m_pending, l[1], (double)b);
		ck_metric_set(s->m_pending, l[2], (double)u);
		ck_metric_set(s->m_pending, l[3], (double)g);
	}
	return NULL;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

static void register_metrics(struct ck_scheduler *s, struct ck_metrics *m)
{
	static const char *const result_profile[] = { "result", "profile", NULL };
	static const char *const queue[] = { "queue", NULL };
	double dur[15], attempts[] = { 1, 2, 4, 8, 16 }, victims[6];
	for (size_t i = 0; i < CK_ARRAY_SIZE(dur); i++)
		dur[i] = 0.001 * (double)(1 << i);
	for (size_t i = 0; i < CK_ARRAY_SIZE(victims); i++)
		victims[i] = (double)(1 << i);
	s->m_attempts = ck_metrics_counter(
	    m, "scheduler_schedule_attempts_total",
	    "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod "
	    "could not be scheduled, while 'error' means an internal scheduler problem.",
	    result_profile);
	s->m_attempt_duration = ck_metrics_histogram(
	    m, "scheduler_scheduling_attempt_duration_seconds",
	    "Scheduling attempt latency in seconds (scheduling algorithm + binding)",
	    result_profile, dur, CK_ARRAY_SIZE(dur));
	s->m_pending =
	    ck_metrics_gauge(m, "scheduler_pending_pods",
			     "Number of pending pods, by the queue type. 'active' means "
			     "number of pods in activeQ; 'backoff' means number of pods "
			     "in backoffQ; 'unschedulable' means number of pods in "
			     "unschedulablePods that the scheduler attempted to schedule "
			     "and failed; 'gated' is the number of unschedulable pods "
			     "that the scheduler never attempted to schedule because "
			     "they are gated.",
			     queue);
	s->m_pod_attempts =
	    ck_metrics_histogram(m, "scheduler_pod_scheduling_attempts",
				 "Number of attempts to successfully schedule a pod.", NULL,
				 attempts, CK_ARRAY_SIZE(attempts));
	s->m_preemption_attempts =
	    ck_metrics_counter(m, "scheduler_preemption_attempts_total",
			       "Total preemption attempts in the cluster till "
			       "now",
			       NULL);
	s->m_preemption_victims = ck_metrics_histogram(m, "scheduler_preemption_victims",
						       "Number of selected preemption victims",
						       NULL, victims, CK_ARRAY_SIZE(victims));
}

int ck_scheduler_new(struct ck_sched_config *cfg, struct ck_client *client,
		     struct ck_metrics *metrics, struct ck_scheduler **ret)
{
	struct ck_scheduler *s = ck_calloc(1, sizeof(*s));
	s->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	s->client = client;
	s->cache = ck_sched_cache_new();
	s->queue = ck_sched_queue_new(s->cfg.pod_initial_backoff_ms, s->cfg.pod_max_backoff_ms);
	/* parallelism 1: filters and scores on the scheduling thread alone */
	if (s->cfg.parallelism != 1)
		s->pool =
		    ck_parallel_new(s->cfg.parallelism > 1 ? (unsigned)s->cfg.parallelism - 1 : 0);
	ck_queue_init(&s->jobs, 0);
	ck_cancel_init(&s->stop);
	pthread_mutex_init(&s->nominated_lock, NULL);
	ck_hashmap_init(&s->nominated, free);
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	s->recorders = ck_calloc(s->cfg.n_profiles, sizeof(*s->recorders));
	for (size_t i = 0; i < s->cfg.n_profiles; i++) {
		struct ck_event_recorder_config rc = { .client = client,
						       .component =
							   s->cfg.profiles[i].scheduler_name,
						       .host = host };
		int r = ck_event_recorder_new(&rc, &s->recorders[i]);
		if (r < 0) {
			ck_scheduler_free(s);
			return r;
		}
	}
	if (metrics)
		register_metrics(s, metrics);
	s->factory =
	    ck_informer_factory_new(&(struct ck_informer_factory_options){ .client = client });
	s->pods = ck_informer_factory_get(s->factory, "", "v1", "pods");
	ck_informer_set_transform(s->pods, drop_managed_fields);
	s->nodes = ck_informer_factory_get(s->factory, "", "v1", "nodes");
	/* DefaultPreemption's lister; no handlers (budgets do not requeue pods) */
	s->pdbs = ck_informer_factory_get(s->factory, "policy", "v1", "poddisruptionbudgets");
	ck_informer_add_handler(
	    s->pods,
	    &(struct ck_event_handler){
		.on_add = pod_add, .on_update = pod_update, .on_delete = pod_delete, .ctx = s },
	    NULL);
	ck_informer_add_handler(
	    s->nodes,
	    &(struct ck_event_handler){
		.on_add = node_add, .on_update = node_update, .on_delete = node_delete, .ctx = s },
	    NULL);
	*ret = s;
	return 0;
}

bool ck_scheduler_synced(struct ck_scheduler *s)
{
	return s && __atomic_load_n(&s->synced, __ATOMIC_ACQUIRE);
}

int ck_scheduler_run(struct ck_scheduler *s, struct ck_cancel *cancel)
{
	ck_informer_factory_start(s->factory);
	int r = ck_informer_factory_wait_for_cache_sync(s->factory, cancel, -1);
	if (r < 0)
		goto out;
	__atomic_store_n(&s->synced, true, __ATOMIC_RELEASE);
	ck_log_info("caches synced: %zu nodes", ck_sched_cache_node_count(s->cache));
	for (int i = 0; i < BINDER_THREADS; i++)
		if (pthread_create(&s->binders[i], NULL, binder_main, s) == 0)
			s->n_binders++;
	pthread_create(&s->flusher, NULL, flusher_main, s);
	pthread_create(&s->sched_thread, NULL, sched_main, s);
	ck_cancel_wait(cancel);
	ck_sched_queue_close(s->queue);
	pthread_join(s->sched_thread, NULL);
	ck_cancel_fire(&s->stop);
	pthread_join(s->flusher, NULL);
	ck_queue_close(&s->jobs);
	for (int i = 0; i < s->n_binders; i++)
		pthread_join(s->binders[i], NULL);
	s->n_binders = 0;
out:
	ck_informer_factory_shutdown(s->factory);
	return r;
}

void ck_scheduler_free(struct ck_scheduler *s)
{
	if (!s)
		return;
	ck_informer_factory_free(s->factory);
	void *item;
	ck_queue_close(&s->jobs);
	while (ck_queue_pop(&s->jobs, &item, 0) == 0) {
		struct job *j = item;
		if (j->qp) {
			ck_sched_pod_unref(j->qp->pod);
			free(j->qp);
		}
		job_free(j);
	}
	ck_queue_release(&s->jobs);
	for (size_t i = 0; s->recorders && i < s->cfg.n_profiles; i++)
		ck_event_recorder_free(s->recorders[i]);
	free(s->recorders);
	ck_parallel_free(s->pool);
	ck_sched_queue_free(s->queue);
	ck_sched_cache_free(s->cache);
	ck_hashmap_release(&s->nominated);
	pthread_mutex_destroy(&s->nominated_lock);
	ck_cancel_release(&s->stop);
	ck_sched_config_release(&s->cfg);
	free(s);
}
