/*
 * Metrics in the Prometheus text format (version 0.0.4), as every ckube
 * component serves them on /metrics. A registry holds metric families
 * (counter, gauge, histogram), each with fixed label names; a series is
 * one combination of label values, created on first use.
 *
 * Thread-safe: each family has its own lock; writing the exposition takes
 * them one at a time. Families live as long as their registry.
 */
#ifndef CK_UTIL_METRICS_H
#define CK_UTIL_METRICS_H

#include <stddef.h>

#include "util/buf.h"

struct ck_metrics;
struct ck_metric;

struct ck_metrics *ck_metrics_new(void);
void ck_metrics_free(struct ck_metrics *reg);

/*
 * New families. labels is NULL-terminated (NULL for none) and copied.
 * Histogram buckets are upper bounds in increasing order (+Inf is implied).
 * The registry owns the family; the pointer is valid while it lives.
 */
struct ck_metric *ck_metrics_counter(struct ck_metrics *reg, const char *name, const char *help,
				     const char *const *labels);
struct ck_metric *ck_metrics_gauge(struct ck_metrics *reg, const char *name, const char *help,
				   const char *const *labels);
struct ck_metric *ck_metrics_histogram(struct ck_metrics *reg, const char *name, const char *help,
				       const char *const *labels, const double *buckets,
				       size_t nbuckets);

/* values: one per label name, in order (NULL when the family has none). */
void ck_metric_add(struct ck_metric *m, const char *const *values, double v);
void ck_metric_set(struct ck_metric *m, const char *const *values, double v);
void ck_metric_observe(struct ck_metric *m, const char *const *values, double v);
/* The current value of a counter or gauge series (0 when absent). */
double ck_metric_value(struct ck_metric *m, const char *const *values);

/* Appends the exposition of every family, in registration order. */
int ck_metrics_write(struct ck_metrics *reg, struct ck_buf *out);

/* The content type of the exposition. */
#define CK_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
