/*
 * ClusterRole aggregation (upstream's clusterrole-aggregation controller,
 * run here inside the API server): an aggregated ClusterRole's rules are
 * the union of the rules of the ClusterRoles its selectors match.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "registry/rbac/rbac.h"
#include "storage/cacher/cacher.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

static int by_name(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	const char *nx = ck_obj_name(x), *ny = ck_obj_name(y);
	return strcmp(nx ? nx : "", ny ? ny : "");
}

json_object *ck_rbac_aggregate_rules(json_object *role, json_object *const *all, size_t n)
{
	json_object *sels = ck_obj_path(role, "aggregationRule.clusterRoleSelectors");
	if (!ck_obj_path(role, "aggregationRule"))
		return NULL;
	size_t nsel =
	    sels && json_object_is_type(sels, json_type_array) ? json_object_array_length(sels) : 0;
	struct ck_label_selector **compiled = ck_calloc(nsel ? nsel : 1, sizeof(*compiled));
	for (size_t i = 0; i < nsel; i++)
		if (ck_label_selector_from_json(json_object_array_get_idx(sels, i), &compiled[i],
						NULL) < 0)
			compiled[i] = NULL;
	json_object **sorted = ck_calloc(n ? n : 1, sizeof(*sorted));
	memcpy(sorted, all, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_name);
	json_object *rules = json_object_new_array();
	const char *self = ck_obj_name(role);
	for (size_t i = 0; i < n; i++) {
		if (ck_streq(ck_obj_name(sorted[i]), self))
			continue;
		bool match = false;
		for (size_t s = 0; s < nsel && !match; s++)
			match = compiled[s] &&
				ck_label_selector_matches(compiled[s], ck_obj_labels(sorted[i]));
		if (!match)
			continue;
		json_object *theirs = ck_obj_path(sorted[i], "rules");
		size_t nr = theirs && json_object_is_type(theirs, json_type_array)
				? json_object_array_length(theirs)
				: 0;
		for (size_t r = 0; r < nr; r++) {
			json_object *rule = json_object_array_get_idx(theirs, r);
			bool seen = false;
			for (size_t k = 0; k < json_object_array_length(rules) && !seen; k++)
				seen = json_object_equal(rule, json_object_array_get_idx(rules, k));
			if (!seen)
				json_object_array_add(rules, ck_obj_copy(rule));
		}
	}
	for (size_t i = 0; i < nsel; i++)
		ck_label_selector_free(compiled[i]);
	free(compiled);
	free(sorted);
	return rules;
}

/* ---- the controller ---- */

struct ck_rbac_aggregator {
	struct ck_storage *storage;
	struct ck_cacher *cacher;
	pthread_t thread;
	pthread_mutex_t lock; /* guards dirty, closed and stopping */
	pthread_cond_t cond;
	bool dirty, closed, stopping;
	struct ck_cacher_watcher *watcher; /* the thread's */
};

static int on_event(void *ctx, const struct ck_watch_event *ev)
{
	struct ck_rbac_aggregator *a = ctx;
	if (ev->type == CK_WATCH_BOOKMARK)
		return 0;
	pthread_mutex_lock(&a->lock);
	a->dirty = true;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	return ev->type == CK_WATCH_ERROR ? -1 : 0;
}

static void on_closed(void *ctx)
{
	struct ck_rbac_aggregator *a = ctx;
	pthread_mutex_lock(&a->lock);
	a->closed = true;
	a->dirty = true;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static int set_rules_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
			json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	json_object *next = ck_obj_copy(cur);
	json_object_object_add(next, "rules", json_object_get(arg));
	*ret_obj = next;
	*ret_ttl = 0;
	return 0;
}

/* Recomputes every aggregated role once from the cache's current state. */
static void sync_all(struct ck_rbac_aggregator *a)
{
	json_object **items = NULL;
	size_t n = 0;
	int64_t rv;
	if (ck_cacher_list(a->cacher, NULL, NULL, NULL, &items, &n, &rv) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *rules = ck_rbac_aggregate_rules(items[i], items, n);
		if (!rules)
			continue;
		json_object *have = ck_obj_path(items[i], "rules");
		if (!have)
			have = json_object_new_array();
		else
			json_object_get(have);
		if (!json_object_equal(have, rules)) {
			struct ck_buf key = CK_BUF_INIT;
			ck_buf_addf(&key, "/clusterroles/%s", ck_obj_name(items[i]));
			struct ck_storage_error err = { 0 };
			struct ck_storage_update_options o = { 0 };
			if (ck_storage_guaranteed_update(a->storage, ck_buf_str(&key), &o,
							 set_rules_fn, rules, NULL, &err) < 0)
				ck_log_v(4, "unable to aggregate clusterrole '%s': %s",
					 ck_obj_name(items[i]), err.message);
			ck_storage_error_release(&err);
			ck_buf_release(&key);
		}
		json_object_put(have);
		json_object_put(rules);
	}
	for (size_t i = 0; i < n; i++)
		json_object_put(items[i]);
	free(items);
}

static void watch_again(struct ck_rbac_aggregator *a)
{
	ck_cacher_watch_stop(a->watcher);
	a->watcher = NULL;
	/* Stopping the old watch reported it closed: that one is handled. */
	pthread_mutex_lock(&a->lock);
	a->closed = false;
	pthread_mutex_unlock(&a->lock);
	struct ck_cacher_watch_options o = {
		.from_rv = ck_cacher_revision(a->cacher),
		.deliver = on_event,
		.closed = on_closed,
		.ctx = a,
	};
	if (o.from_rv <= 0)
		o.from_rv = 1;
	if (ck_cacher_watch(a->cacher, &o, &a->watcher) < 0)
		a->watcher = NULL;
}

static void *run(void *arg)
{
	struct ck_rbac_aggregator *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->dirty && !a->closed && !a->stopping)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->stopping)
			break;
		bool closed = a->closed;
		a->dirty = false;
		a->closed = false;
		pthread_mutex_unlock(&a->lock);
		if (closed || !a->watcher)
			watch_again(a);
		sync_all(a);
		pthread_mutex_lock(&a->lock);
		if (!a->watcher && !a->stopping) {
			/* The watch could not be set up: try again in a second. */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&a->cond, &a->lock, &ts);
			a->dirty = true;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int ck_rbac_aggregator_start(struct ck_storage *storage, struct ck_cacher *clusterroles,
			     struct ck_rbac_aggregator **ret)
{
	struct ck_rbac_aggregator *a = ck_calloc(1, sizeof(*a));
	a->storage = storage;
	a->cacher = clusterroles;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->dirty = true;
	watch_again(a);
	int r = pthread_create(&a->thread, NULL, run, a);
	if (r != 0) {
		ck_cacher_watch_stop(a->watcher);
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return -r;
	}
	*ret = a;
	return 0;
}

void ck_rbac_aggregator_stop(struct ck_rbac_aggregator *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	ck_cacher_watch_stop(a->watcher);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
