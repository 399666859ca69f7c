/*
 * Rate limiting, as client-go's util/flowcontrol and util/workqueue
 * rate limiters.
 *
 * ck_token_bucket is golang.org/x/time/rate's Limiter: qps tokens per
 * second, at most burst stored, full at the start; a reservation takes a
 * token at once and says how long to wait for it (tokens may go negative:
 * later callers queue behind earlier ones). The REST client waits on one
 * before each request (QPS/burst); the workqueue's bucket limiter and the
 * event spam filter use it without waiting.
 *
 * struct ck_rate_limiter is the workqueue's RateLimiter interface: when(item)
 * is how long to wait before the item is added again, forget(item) ends its
 * tracking, num_requeues(item) counts its failures. Implementations:
 * per-item exponential, per-item fast/slow, overall token bucket, and the
 * max of several (DefaultControllerRateLimiter is exponential 5 ms .. 1000 s
 * with a 10 qps / 100 burst bucket). All are thread-safe.
 *
 * Durations are nanoseconds (int64_t) unless a name says otherwise.
 */
#ifndef CK_CLIENT_RATELIMIT_H
#define CK_CLIENT_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct ck_cancel;

struct ck_token_bucket {
	pthread_mutex_t lock;
	double qps;   /* tokens per second; <= 0: unlimited */
	double burst; /* guarded by lock from here on */
	double tokens;
	int64_t last_ns; /* monotonic time tokens was computed at; 0: never */
};

/* qps <= 0 makes a bucket that never limits. */
void ck_token_bucket_init(struct ck_token_bucket *tb, double qps, int burst);
void ck_token_bucket_release(struct ck_token_bucket *tb);
/* Takes a token; returns how long (ns) to wait before using it (0: now). */
int64_t ck_token_bucket_reserve(struct ck_token_bucket *tb);
int64_t ck_token_bucket_reserve_at(struct ck_token_bucket *tb, int64_t now_ns);
/* Takes a token only if one is there now (the passive limiter's TryAccept). */
bool ck_token_bucket_try_accept(struct ck_token_bucket *tb);
bool ck_token_bucket_try_accept_at(struct ck_token_bucket *tb, int64_t now_ns);
/* Reserves and sleeps for the token; -ECANCELED when cancel fires first. */
int ck_token_bucket_wait(struct ck_token_bucket *tb, struct ck_cancel *cancel);

struct ck_rate_limiter;
struct ck_rate_limiter_ops {
	int64_t (*when)(struct ck_rate_limiter *rl, const char *item);
	void (*forget)(struct ck_rate_limiter *rl, const char *item);
	int (*num_requeues)(struct ck_rate_limiter *rl, const char *item);
	void (*free)(struct ck_rate_limiter *rl);
};
/* Embed as the first member of an implementation. */
struct ck_rate_limiter {
	const struct ck_rate_limiter_ops *ops;
};

static inline int64_t ck_rate_limiter_when(struct ck_rate_limiter *rl, const char *item)
{
	return rl->ops->when(rl, item);
}
static inline void ck_rate_limiter_forget(struct ck_rate_limiter *rl, const char *item)
{
	rl->ops->forget(rl, item);
}
static inline int ck_rate_limiter_num_requeues(struct ck_rate_limiter *rl, const char *item)
{
	return rl->ops->num_requeues(rl, item);
}
/* NULL-safe. */
void ck_rate_limiter_free(struct ck_rate_limiter *rl);

/*
 * base × 2^failures, capped at max (ItemExponentialFailureRateLimiter).
 * The caller owns the result (ck_rate_limiter_free).
 */
struct ck_rate_limiter *ck_rate_limiter_exponential_new(int64_t base_ns, int64_t max_ns);
/* fast for the first max_fast_attempts failures, slow after (ItemFastSlowRateLimiter). Owned. */
struct ck_rate_limiter *ck_rate_limiter_fast_slow_new(int64_t fast_ns, int64_t slow_ns,
						      int max_fast_attempts);
/* One token bucket for every item (BucketRateLimiter); never counts requeues. Owned. */
struct ck_rate_limiter *ck_rate_limiter_bucket_new(double qps, int burst);
/*
 * The longest wait of several (MaxOfRateLimiter); takes the n limiters
 * (freed with it). Owned.
 */
struct ck_rate_limiter *ck_rate_limiter_max_of_new(struct ck_rate_limiter *const *limiters, int n);
/* DefaultControllerRateLimiter: max(exponential 5 ms..1000 s, bucket 10 qps/100). Owned. */
struct ck_rate_limiter *ck_rate_limiter_default_controller_new(void);

/*
 * Exponential backoff with jitter, as apimachinery's
 * NewExponentialBackoffManager (the reflector uses 800 ms, 30 s, reset
 * after 2 min, factor 2, jitter 1): each next() doubles the step up to
 * max, returns it plus up to jitter × it at random, and starts again from
 * initial when more than reset_ns passed since the previous next().
 * Not locked (one user).
 */
struct ck_backoff {
	int64_t initial_ns, max_ns, reset_ns;
	double factor, jitter;
	int64_t current_ns; /* the next step before jitter; 0: initial */
	int64_t last_ns;    /* monotonic time of the previous next(); 0: never */
};

void ck_backoff_init(struct ck_backoff *b, int64_t initial_ns, int64_t max_ns, int64_t reset_ns,
		     double factor, double jitter);
int64_t ck_backoff_next(struct ck_backoff *b);
int64_t ck_backoff_next_at(struct ck_backoff *b, int64_t now_ns);

/* value + up to factor × value at random (wait.Jitter; factor <= 0 means 1). */
int64_t ck_jitter(int64_t value_ns, double factor);
/* A uniform random double in [0, 1). Thread-safe. */
double ck_rand_double(void);

#endif
