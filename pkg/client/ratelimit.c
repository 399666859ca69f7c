#include "client/ratelimit.h"

#include <errno.h>
#include <math.h>

#include "util/cancel.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/time.h"
#include "util/uuid.h"

#define NS_PER_SEC 1e9

/* ---- token bucket ------------------------------------------------------------ */

void ck_token_bucket_init(struct ck_token_bucket *tb, double qps, int burst)
{
	pthread_mutex_init(&tb->lock, NULL);
	tb->qps = qps;
	tb->burst = burst;
	tb->tokens = 0;
	tb->last_ns = 0;
}

void ck_token_bucket_release(struct ck_token_bucket *tb)
{
	if (tb)
		pthread_mutex_destroy(&tb->lock);
}

/* x/time/rate's advance: the tokens there would be at now. Under the lock. */
static double advance(const struct ck_token_bucket *tb, int64_t now_ns)
{
	if (tb->last_ns == 0)
		return tb->burst; /* never used: full */
	int64_t last = tb->last_ns < now_ns ? tb->last_ns : now_ns;
	double tokens = tb->tokens + (double)(now_ns - last) / NS_PER_SEC * tb->qps;
	return tokens > tb->burst ? tb->burst : tokens;
}

int64_t ck_token_bucket_reserve_at(struct ck_token_bucket *tb, int64_t now_ns)
{
	if (tb->qps <= 0)
		return 0;
	pthread_mutex_lock(&tb->lock);
	double tokens = advance(tb, now_ns) - 1;
	int64_t wait = 0;
	if (tokens < 0)
		wait = (int64_t)(-tokens / tb->qps * NS_PER_SEC); /* truncated, as Go's Duration */
	tb->tokens = tokens;
	tb->last_ns = now_ns;
	pthread_mutex_unlock(&tb->lock);
	return wait;
}

int64_t ck_token_bucket_reserve(struct ck_token_bucket *tb)
{
	return ck_token_bucket_reserve_at(tb, ck_time_mono_ns());
}

bool ck_token_bucket_try_accept_at(struct ck_token_bucket *tb, int64_t now_ns)
{
	if (tb->qps <= 0)
		return true;
	pthread_mutex_lock(&tb->lock);
	double tokens = advance(tb, now_ns) - 1;
	bool ok = tokens >= 0;
	if (ok) {
		tb->tokens = tokens;
		tb->last_ns = now_ns;
	}
	pthread_mutex_unlock(&tb->lock);
	return ok;
}

bool ck_token_bucket_try_accept(struct ck_token_bucket *tb)
{
	return ck_token_bucket_try_accept_at(tb, ck_time_mono_ns());
}

int ck_token_bucket_wait(struct ck_token_bucket *tb, struct ck_cancel *cancel)
{
	if (ck_cancel_fired(cancel))
		return -ECANCELED;
	int64_t wait = ck_token_bucket_reserve(tb);
	if (wait <= 0)
		return 0;
	return ck_cancel_sleep_ms(cancel, (wait + 999999) / 1000000);
}

/* ---- randomness and backoff -------------------------------------------------- */

double ck_rand_double(void)
{
	uint64_t v = 0;
	if (ck_random_bytes(&v, sizeof(v)) < 0)
		v = (uint64_t)ck_time_mono_ns() * UINT64_C(6364136223846793005);
	return (double)(v >> 11) / (double)(UINT64_C(1) << 53);
}

int64_t ck_jitter(int64_t value_ns, double factor)
{
	if (factor <= 0)
		factor = 1;
	return value_ns + (int64_t)(ck_rand_double() * factor * (double)value_ns);
}

void ck_backoff_init(struct ck_backoff *b, int64_t initial_ns, int64_t max_ns, int64_t reset_ns,
		     double factor, double jitter)
{
	b->initial_ns = initial_ns;
	b->max_ns = max_ns;
	b->reset_ns = reset_ns;
	b->factor = factor;
	b->jitter = jitter;
	b->current_ns = 0;
	b->last_ns = 0;
}

int64_t ck_backoff_next_at(struct ck_backoff *b, int64_t now_ns)
{
	if (b->current_ns == 0 || (b->last_ns && now_ns - b->last_ns > b->reset_ns))
		b->current_ns = b->initial_ns;
	b->last_ns = now_ns;
	int64_t step = b->current_ns;
	if (b->factor != 0) {
		double next = (double)b->current_ns * b->factor;
		b->current_ns = next > (double)b->max_ns ? b->max_ns : (int64_t)next;
	}
	return b->jitter > 0 ? ck_jitter(step, b->jitter) : step;
}

int64_t ck_backoff_next(struct ck_backoff *b)
{
	return ck_backoff_next_at(b, ck_time_mono_ns());
}

/* ---- workqueue rate limiters ------------------------------------------------- */

void ck_rate_limiter_free(struct ck_rate_limiter *rl)
{
	if (rl)
		rl->ops->free(rl);
}

/* Per-item failure counts, shared by the exponential and fast/slow limiters. */
struct failures {
	struct ck_rate_limiter rl;
	pthread_mutex_t lock;
	struct ck_hashmap counts; /* item -> (uintptr_t) failures, guarded by lock */
	int64_t a_ns, b_ns;	  /* exponential: base, max; fast/slow: fast, slow */
	int max_fast;
};

/* Returns the failures before this one and counts this one. */
static uintptr_t failures_bump(struct failures *f, const char *item)
{
	pthread_mutex_lock(&f->lock);
	uintptr_t n = (uintptr_t)ck_hashmap_get(&f->counts, item);
	ck_hashmap_put(&f->counts, item, (void *)(n + 1));
	pthread_mutex_unlock(&f->lock);
	return n;
}

static void failures_forget(struct ck_rate_limiter *rl, const char *item)
{
	struct failures *f = (struct failures *)rl;
	pthread_mutex_lock(&f->lock);
	ck_hashmap_remove(&f->counts, item);
	pthread_mutex_unlock(&f->lock);
}

static int failures_num_requeues(struct ck_rate_limiter *rl, const char *item)
{
	struct failures *f = (struct failures *)rl;
	pthread_mutex_lock(&f->lock);
	uintptr_t n = (uintptr_t)ck_hashmap_get(&f->counts, item);
	pthread_mutex_unlock(&f->lock);
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

static void failures_free(struct ck_rate_limiter *rl)
{
	struct failures *f = (struct failures *)rl;
	ck_hashmap_release(&f->counts);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static int64_t exponential_when(struct ck_rate_limiter *rl, const char *item)
{
	struct failures *f = (struct failures *)rl;
	uintptr_t exp = failures_bump(f, item);
	double backoff = (double)f->a_ns * pow(2, (double)exp);
	if (backoff > (double)INT64_MAX)
		return f->b_ns;
	int64_t calculated = (int64_t)backoff;
	return calculated > f->b_ns ? f->b_ns : calculated;
}

static int64_t fast_slow_when(struct ck_rate_limiter *rl, const char *item)
{
	struct failures *f = (struct failures *)rl;
	uintptr_t before = failures_bump(f, item);
	return before + 1 <= (uintptr_t)f->max_fast ? f->a_ns : f->b_ns;
}

static const struct ck_rate_limiter_ops exponential_ops = {
	exponential_when,
	failures_forget,
	failures_num_requeues,
	failures_free,
};
static const struct ck_rate_limiter_ops fast_slow_ops = {
	fast_slow_when,
	failures_forget,
	failures_num_requeues,
	failures_free,
};

static struct ck_rate_limiter *failures_new(const struct ck_rate_limiter_ops *ops, int64_t a,
					    int64_t b, int max_fast)
{
	struct failures *f = ck_calloc(1, sizeof(*f));
	f->rl.ops = ops;
	pthread_mutex_init(&f->lock, NULL);
	ck_hashmap_init(&f->counts, NULL);
	f->a_ns = a;
	f->b_ns = b;
	f->max_fast = max_fast;
	return &f->rl;
}

struct ck_rate_limiter *ck_rate_limiter_exponential_new(int64_t base_ns, int64_t max_ns)
{
	return failures_new(&exponential_ops, base_ns, max_ns, 0);
}

struct ck_rate_limiter *ck_rate_limiter_fast_slow_new(int64_t fast_ns, int64_t slow_ns,
						      int max_fast_attempts)
{
	return failures_new(&fast_slow_ops, fast_ns, slow_ns, max_fast_attempts);
}

struct bucket {
	struct ck_rate_limiter rl;
	struct ck_token_bucket tb;
};

static int64_t bucket_when(struct ck_rate_limiter *rl, const char *item)
{
	(void)item;
	return ck_token_bucket_reserve(&((struct bucket *)rl)->tb);
}

static void bucket_forget(struct ck_rate_limiter *rl, const char *item)
{
	(void)rl;
	(void)item;
}

static int bucket_num_requeues(struct ck_rate_limiter *rl, const char *item)
{
	(void)rl;
	(void)item;
	return 0;
}

static void bucket_free(struct ck_rate_limiter *rl)
{
	struct bucket *b = (struct bucket *)rl;
	ck_token_bucket_release(&b->tb);
	free(b);
}

static const struct ck_rate_limiter_ops bucket_ops = {
	bucket_when,
	bucket_forget,
	bucket_num_requeues,
	bucket_free,
};

struct ck_rate_limiter *ck_rate_limiter_bucket_new(double qps, int burst)
{
	struct bucket *b = ck_calloc(1, sizeof(*b));
	b->rl.ops = &bucket_ops;
	ck_token_bucket_init(&b->tb, qps, burst);
	return &b->rl;
}

struct max_of {
	struct ck_rate_limiter rl;
	int n;
	struct ck_rate_limiter **limiters;
};

static int64_t max_of_when(struct ck_rate_limiter *rl, const char *item)
{
	struct max_of *m = (struct max_of *)rl;
	int64_t longest = 0;
	for (int i = 0; i < m->n; i++) {
		int64_t d = ck_rate_limiter_when(m->limiters[i], item);
		if (d > longest)
			longest = d;
	}
	return longest;
}

static void max_of_forget(struct ck_rate_limiter *rl, const char *item)
{
	struct max_of *m = (struct max_of *)rl;
	for (int i = 0; i < m->n; i++)
		ck_rate_limiter_forget(m->limiters[i], item);
}

static int max_of_num_requeues(struct ck_rate_limiter *rl, const char *item)
{
	struct max_of *m = (struct max_of *)rl;
	int most = 0;
	for (int i = 0; i < m->n; i++) {
		int n = ck_rate_limiter_num_requeues(m->limiters[i], item);
		if (n > most)
			most = n;
	}
	return most;
}

static void max_of_free(struct ck_rate_limiter *rl)
{
	struct max_of *m = (struct max_of *)rl;
	for (int i = 0; i < m->n; i++)
		ck_rate_limiter_free(m->limiters[i]);
	free(m->limiters);
	free(m);
}

static const struct ck_rate_limiter_ops max_of_ops = {
	max_of_when,
	max_of_forget,
	max_of_num_requeues,
	max_of_free,
};

struct ck_rate_limiter *ck_rate_limiter_max_of_new(struct ck_rate_limiter *const *limiters, int n)
{
	struct max_of *m = ck_calloc(1, sizeof(*m));
	m->rl.ops = &max_of_ops;
	m->n = n;
	m->limiters = ck_calloc(n > 0 ? (size_t)n : 1, sizeof(*m->limiters));
	for (int i = 0; i < n; i++)
		m->limiters[i] = limiters[i];
	return &m->rl;
}

struct ck_rate_limiter *ck_rate_limiter_default_controller_new(void)
{
	struct ck_rate_limiter *both[2] = {
		ck_rate_limiter_exponential_new(INT64_C(5000000), INT64_C(1000) * 1000000000),
		ck_rate_limiter_bucket_new(10, 100),
	};
	return ck_rate_limiter_max_of_new(both, 2);
}
