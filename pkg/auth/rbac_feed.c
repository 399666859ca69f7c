/* The RBAC index fed from the watch caches (list, then watch; see rbac.h). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "apimachinery/object.h"
#include "auth/rbac.h"
#include "storage/cacher/cacher.h"
#include "util/common.h"
#include "util/log.h"

struct feed_kind {
	struct ck_rbac_feed *feed;
	enum ck_rbac_kind kind;
	struct ck_cacher *cacher;
	struct ck_cacher_watcher *watcher; /* the feed thread's (or start's) */
	bool lost;			   /* guarded by feed->lock */
};

struct ck_rbac_feed {
	struct ck_rbac_index *idx;
	struct feed_kind kinds[4];
	pthread_t thread;
	pthread_mutex_t lock; /* guards lost and stopping */
	pthread_cond_t cond;
	bool stopping;
};

static int deliver(void *ctx, const struct ck_watch_event *ev)
{
	struct feed_kind *k = ctx;
	switch (ev->type) {
	case CK_WATCH_ADDED:
	case CK_WATCH_MODIFIED:
		ck_rbac_index_put(k->feed->idx, k->kind, ev->object);
		return 0;
	case CK_WATCH_DELETED: {
		const char *ns = ck_obj_namespace(ev->object), *name = ck_obj_name(ev->object);
		if (name)
			ck_rbac_index_delete(k->feed->idx, k->kind, ns ? ns : "", name);
		return 0;
	}
	case CK_WATCH_BOOKMARK:
		return 0;
	default:
		return -1; /* an error: close, and relist */
	}
}

static void closed(void *ctx)
{
	struct feed_kind *k = ctx;
	pthread_mutex_lock(&k->feed->lock);
	k->lost = true;
	pthread_cond_signal(&k->feed->cond);
	pthread_mutex_unlock(&k->feed->lock);
}

/* Lists the cache into the index and watches from the list's revision. */
static int sync_kind(struct feed_kind *k)
{
	ck_cacher_watch_stop(k->watcher);
	k->watcher = NULL;
	/* Stopping the old watch reported it lost: that one is handled. */
	pthread_mutex_lock(&k->feed->lock);
	k->lost = false;
	pthread_mutex_unlock(&k->feed->lock);
	json_object **items = NULL;
	size_t n = 0;
	int64_t rv = 0;
	int r = ck_cacher_list(k->cacher, NULL, NULL, NULL, &items, &n, &rv);
	if (r < 0)
		return r;
	ck_rbac_index_clear(k->feed->idx, k->kind);
	for (size_t i = 0; i < n; i++) {
		ck_rbac_index_put(k->feed->idx, k->kind, items[i]);
		json_object_put(items[i]);
	}
	free(items);
	struct ck_cacher_watch_options o = {
		.from_rv = rv > 0 ? rv : 0,
		.deliver = deliver,
		.closed = closed,
		.ctx = k,
	};
	return ck_cacher_watch(k->cacher, &o, &k->watcher);
}

static void *run(void *arg)
{
	struct ck_rbac_feed *f = arg;
	pthread_mutex_lock(&f->lock);
	while (!f->stopping) {
		int lost = -1;
		for (int i = 0; i < 4 && lost < 0; i++)
			if (f->kinds[i].lost)
				lost = i;
		if (lost < 0) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		f->kinds[lost].lost = false;
		pthread_mutex_unlock(&f->lock);
		int r = sync_kind(&f->kinds[lost]);
		pthread_mutex_lock(&f->lock);
		if (r < 0 && !f->stopping) {
			ck_log_v(4, "unable to relist an RBAC cache: %s", strerror(-r));
			f->kinds[lost].lost = true;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&f->cond, &f->lock, &ts);
		}
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int ck_rbac_feed_start(struct ck_rbac_index *idx, struct ck_cacher *const caches[4],
		       struct ck_rbac_feed **ret)
{
	struct ck_rbac_feed *f = ck_calloc(1, sizeof(*f));
	f->idx = idx;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	int r = 0;
	for (int i = 0; i < 4; i++) {
		f->kinds[i] = (struct feed_kind){ .feed = f,
						  .kind = (enum ck_rbac_kind)i,
						  .cacher = caches[i] };
		if (!caches[i]) {
			r = -EINVAL;
			goto fail;
		}
	}
	for (int i = 0; i < 4; i++)
		if ((r = sync_kind(&f->kinds[i])) < 0)
			goto fail;
	if ((r = pthread_create(&f->thread, NULL, run, f)) != 0) {
		r = -r;
		goto fail;
	}
	*ret = f;
	return 0;
fail:
	for (int i = 0; i < 4; i++)
		ck_cacher_watch_stop(f->kinds[i].watcher);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return r;
}

void ck_rbac_feed_stop(struct ck_rbac_feed *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stopping = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	for (int i = 0; i < 4; i++)
		ck_cacher_watch_stop(f->kinds[i].watcher);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
