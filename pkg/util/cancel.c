#include "util/cancel.h"

#include <errno.h>
#include <time.h>

#include "util/time.h"

void ck_cancel_init(struct ck_cancel *c)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	atomic_init(&c->fired, false);
	c->hooks = NULL;
}

void ck_cancel_release(struct ck_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

void ck_cancel_fire(struct ck_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	if (!atomic_load(&c->fired)) {
		atomic_store(&c->fired, true);
		for (struct ck_cancel_hook *h = c->hooks; h; h = h->next)
			h->fn(h->arg);
		c->hooks = NULL;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
}

bool ck_cancel_fired(struct ck_cancel *c)
{
	return c && atomic_load(&c->fired);
}

int ck_cancel_sleep_ms(struct ck_cancel *c, int64_t ms)
{
	if (!c) {
		if (ms > 0) {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
		}
		return 0;
	}
	if (ms <= 0)
		return ck_cancel_fired(c) ? -ECANCELED : 0;
	struct timespec deadline;
	ck_time_mono_deadline(&deadline, ms);
	int r = 0;
	pthread_mutex_lock(&c->lock);
	while (!atomic_load(&c->fired)) {
		if (pthread_cond_timedwait(&c->cond, &c->lock, &deadline) == ETIMEDOUT)
			break;
	}
	if (atomic_load(&c->fired))
		r = -ECANCELED;
	pthread_mutex_unlock(&c->lock);
	return r;
}

void ck_cancel_wait(struct ck_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	while (!atomic_load(&c->fired))
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

int ck_cancel_hook_add(struct ck_cancel *c, struct ck_cancel_hook *h, void (*fn)(void *arg),
		       void *arg)
{
	h->next = NULL;
	h->fn = fn;
	h->arg = arg;
	if (!c)
		return 0;
	int r = 0;
	pthread_mutex_lock(&c->lock);
	if (atomic_load(&c->fired)) {
		r = -ECANCELED;
	} else {
		h->next = c->hooks;
		c->hooks = h;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

void ck_cancel_hook_remove(struct ck_cancel *c, struct ck_cancel_hook *h)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (struct ck_cancel_hook **pp = &c->hooks; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
}
