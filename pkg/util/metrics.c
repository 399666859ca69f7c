#include "util/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/common.h"
#include "util/hashmap.h"
#include "util/str.h"

enum kind {
	COUNTER,
	GAUGE,
	HISTOGRAM,
};

struct series {
	char **values;
	double value;	   /* counter, gauge; histogram: sum */
	uint64_t count;	   /* histogram */
	uint64_t *buckets; /* histogram: cumulative counts per bound */
};

struct ck_metric {
	pthread_mutex_t lock; /* guards series */
	enum kind kind;
	char *name, *help;
	char **labels;
	size_t nlabels;
	double *bounds;
	size_t nbounds;
	struct ck_hashmap series; /* joined label values → struct series */
	struct ck_metric *next;
};

struct ck_metrics {
	pthread_mutex_t lock; /* guards the family list */
	struct ck_metric *first, *last;
};

struct ck_metrics *ck_metrics_new(void)
{
	struct ck_metrics *reg = ck_calloc(1, sizeof(*reg));
	pthread_mutex_init(&reg->lock, NULL);
	return reg;
}

static void series_free(void *p)
{
	struct series *s = p;
	if (!s)
		return;
	ck_strv_free(s->values);
	free(s->buckets);
	free(s);
}

void ck_metrics_free(struct ck_metrics *reg)
{
	if (!reg)
		return;
	struct ck_metric *m = reg->first;
	while (m) {
		struct ck_metric *next = m->next;
		ck_hashmap_release(&m->series);
		ck_strv_free(m->labels);
		free(m->bounds);
		free(m->name);
		free(m->help);
		pthread_mutex_destroy(&m->lock);
		free(m);
		m = next;
	}
	pthread_mutex_destroy(&reg->lock);
	free(reg);
}

static struct ck_metric *family(struct ck_metrics *reg, enum kind kind, const char *name,
				const char *help, const char *const *labels)
{
	struct ck_metric *m = ck_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->kind = kind;
	m->name = ck_strdup(name);
	m->help = ck_strdup(help);
	while (labels && labels[m->nlabels])
		m->nlabels++;
	m->labels = ck_calloc(m->nlabels + 1, sizeof(char *));
	for (size_t i = 0; i < m->nlabels; i++)
		m->labels[i] = ck_strdup(labels[i]);
	ck_hashmap_init(&m->series, series_free);
	pthread_mutex_lock(&reg->lock);
	if (reg->last)
		reg->last->next = m;
	else
		reg->first = m;
	reg->last = m;
	pthread_mutex_unlock(&reg->lock);
	return m;
}

struct ck_metric *ck_metrics_counter(struct ck_metrics *reg, const char *name, const char *help,
				     const char *const *labels)
{
	return family(reg, COUNTER, name, help, labels);
}

struct ck_metric *ck_metrics_gauge(struct ck_metrics *reg, const char *name, const char *help,
				   const char *const *labels)
{
	return family(reg, GAUGE, name, help, labels);
}

struct ck_metric *ck_metrics_histogram(struct ck_metrics *reg, const char *name, const char *help,
				       const char *const *labels, const double *buckets,
				       size_t nbuckets)
{
	struct ck_metric *m = family(reg, HISTOGRAM, name, help, labels);
	m->bounds = ck_calloc(nbuckets, sizeof(double));
	memcpy(m->bounds, buckets, nbuckets * sizeof(double));
	m->nbounds = nbuckets;
	return m;
}

/* The series for values, created when absent; m->lock held. */
static struct series *series_locked(struct ck_metric *m, const char *const *values)
{
	struct ck_buf key = CK_BUF_INIT;
	for (size_t i = 0; i < m->nlabels; i++) {
		ck_buf_adds(&key, values && values[i] ? values[i] : "");
		ck_buf_addc(&key, '\x1f');
	}
	struct series *s = ck_hashmap_get(&m->series, ck_buf_str(&key));
	if (!s) {
		s = ck_calloc(1, sizeof(*s));
		s->values = ck_calloc(m->nlabels + 1, sizeof(char *));
		for (size_t i = 0; i < m->nlabels; i++)
			s->values[i] = ck_strdup(values && values[i] ? values[i] : "");
		if (m->kind == HISTOGRAM)
			s->buckets = ck_calloc(m->nbounds ? m->nbounds : 1, sizeof(uint64_t));
		ck_hashmap_put(&m->series, ck_buf_str(&key), s);
	}
	ck_buf_release(&key);
	return s;
}

void ck_metric_add(struct ck_metric *m, const char *const *values, double v)
{
	pthread_mutex_lock(&m->lock);
	series_locked(m, values)->value += v;
	pthread_mutex_unlock(&m->lock);
}

void ck_metric_set(struct ck_metric *m, const char *const *values, double v)
{
	pthread_mutex_lock(&m->lock);
	series_locked(m, values)->value = v;
	pthread_mutex_unlock(&m->lock);
}

void ck_metric_observe(struct ck_metric *m, const char *const *values, double v)
{
	pthread_mutex_lock(&m->lock);
	struct series *s = series_locked(m, values);
	s->value += v;
	s->count++;
	for (size_t i = 0; i < m->nbounds; i++)
		if (v <= m->bounds[i])
			s->buckets[i]++;
	pthread_mutex_unlock(&m->lock);
}

double ck_metric_value(struct ck_metric *m, const char *const *values)
{
	pthread_mutex_lock(&m->lock);
	double v = series_locked(m, values)->value;
	pthread_mutex_unlock(&m->lock);
	return v;
}

/* Label values escape backslash, double quote and newline. */
static void add_escaped(struct ck_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			ck_buf_addc(b, '\\'), ck_buf_addc(b, *s);
		else if (*s == '\n')
			ck_buf_adds(b, "\\n");
		else
			ck_buf_addc(b, *s);
	}
}

static void add_labels(struct ck_buf *b, const struct ck_metric *m, const struct series *s,
		       const char *le)
{
	if (!m->nlabels && !le)
		return;
	ck_buf_addc(b, '{');
	for (size_t i = 0; i < m->nlabels; i++) {
		ck_buf_addf(b, "%s%s=\"", i ? "," : "", m->labels[i]);
		add_escaped(b, s->values[i]);
		ck_buf_addc(b, '"');
	}
	if (le)
		ck_buf_addf(b, "%sle=\"%s\"", m->nlabels ? "," : "", le);
	ck_buf_addc(b, '}');
}

static void add_number(struct ck_buf *b, double v)
{
	if (isinf(v))
		ck_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == (double)(long long)v && fabs(v) < 1e15)
		ck_buf_addf(b, "%lld", (long long)v);
	else
		ck_buf_addf(b, "%.17g", v);
}

int ck_metrics_write(struct ck_metrics *reg, struct ck_buf *out)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	pthread_mutex_lock(&reg->lock);
	struct ck_metric *first = reg->first;
	pthread_mutex_unlock(&reg->lock);
	for (struct ck_metric *m = first; m; m = m->next) {
		pthread_mutex_lock(&m->lock);
		ck_buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name,
			    types[m->kind]);
		for (struct ck_hashmap_entry *e = ck_hashmap_first(&m->series); e;
		     e = ck_hashmap_next(&m->series, e)) {
			struct series *s = e->value;
			if (m->kind != HISTOGRAM) {
				ck_buf_adds(out, m->name);
				add_labels(out, m, s, NULL);
				ck_buf_addc(out, ' ');
				add_number(out, s->value);
				ck_buf_addc(out, '\n');
				continue;
			}
			for (size_t i = 0; i <= m->nbounds; i++) {
				char le[32];
				if (i < m->nbounds)
					snprintf(le, sizeof(le), "%g", m->bounds[i]);
				else
					snprintf(le, sizeof(le), "+Inf");
				ck_buf_addf(out, "%s_bucket", m->name);
				add_labels(out, m, s, le);
				ck_buf_addf(out, " %llu\n",
					    (unsigned long long)(i < m->nbounds ? s->buckets[i]
										: s->count));
			}
			ck_buf_addf(out, "%s_sum", m->name);
			add_labels(out, m, s, NULL);
			ck_buf_addc(out, ' ');
			add_number(out, s->value);
			ck_buf_addf(out, "\n%s_count", m->name);
			add_labels(out, m, s, NULL);
			ck_buf_addf(out, " %llu\n", (unsigned long long)s->count);
		}
		pthread_mutex_unlock(&m->lock);
	}
	return 0;
}
