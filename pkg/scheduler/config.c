/*
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) into a
 * struct ck_sched_config: upstream's defaults, profiles with plugin sets
 * per extension point (multiPoint and per-point enabled/disabled, "*"
 * disabling every default), score weights and pluginConfig args.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "scheduler/scheduler.h"
#include "util/go_duration.h"
#include "util/str.h"

static int fail(char **ret_err, const char *fmt, ...) CK_PRINTF(2, 3);
static int fail(char **ret_err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ret_err)
		*ret_err = ck_strdup(buf);
	return -EINVAL;
}

enum point {
	P_PRE_FILTER,
	P_FILTER,
	P_POST_FILTER,
	P_PRE_SCORE,
	P_SCORE,
	P_BIND,
	P_COUNT,
};

static const char *const point_names[P_COUNT] = { "preFilter", "filter", "postFilter",
						  "preScore",  "score",	 "bind" };

static bool implements(const struct ck_sched_plugin_ops *ops, enum point pt)
{
	switch (pt) {
	case P_PRE_FILTER:
		return ops->pre_filter;
	case P_FILTER:
		return ops->filter;
	case P_POST_FILTER:
		return ops->post_filter;
	case P_PRE_SCORE:
		return ops->pre_score;
	case P_SCORE:
		return ops->score;
	case P_BIND:
		return ops->bind;
	default:
		return false;
	}
}

struct entry {
	const struct ck_sched_plugin_ops *ops;
	int64_t weight;
};

struct set {
	struct entry e[CK_SCHED_MAX_PLUGINS];
	int n;
};

static void set_remove(struct set *s, const char *name)
{
	for (int i = 0; i < s->n; i++) {
		if (ck_streq(s->e[i].ops->name, name)) {
			memmove(&s->e[i], &s->e[i + 1], (size_t)(s->n - i - 1) * sizeof(s->e[0]));
			s->n--;
			return;
		}
	}
}

static void set_put(struct set *s, const struct ck_sched_plugin_ops *ops, int64_t weight)
{
	for (int i = 0; i < s->n; i++) {
		if (s->e[i].ops == ops) {
			if (weight)
				s->e[i].weight = weight;
			return;
		}
	}
	if (s->n < CK_SCHED_MAX_PLUGINS)
		s->e[s->n++] = (struct entry){ ops, weight ? weight : (ops->default_weight ?: 1) };
}

static int apply_disabled(struct set *s, json_object *list, char **ret_err)
{
	for (size_t i = 0; i < ck_obj_array_len(list); i++) {
		const char *name =
		    json_object_get_string(ck_obj_get(json_object_array_get_idx(list, i), "name"));
		if (!name)
			return fail(ret_err, "disabled plugin without a name");
		if (ck_streq(name, "*")) {
			s->n = 0;
			continue;
		}
		set_remove(s, name);
	}
	return 0;
}

static int apply_enabled(struct set *s, json_object *list, enum point pt, bool multi,
			 char **ret_err)
{
	for (size_t i = 0; i < ck_obj_array_len(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		const char *name = json_object_get_string(ck_obj_get(o, "name"));
		const struct ck_sched_plugin_ops *ops = name ? ck_sched_plugin_find(name) : NULL;
		if (!ops)
			return fail(ret_err, "plugin \"%s\" does not exist", name ? name : "");
		if (!implements(ops, pt)) {
			if (multi)
				continue;
			return fail(ret_err, "plugin \"%s\" does not extend %s plugin", name,
				    point_names[pt]);
		}
		int64_t w = json_object_get_int64(ck_obj_get(o, "weight"));
		if (w < 0 || w > 100)
			return fail(ret_err,
				    "plugins.%s.enabled[%zu].weight: Invalid value: %lld: "
				    "must be in the range [0, 100]",
				    point_names[pt], i, (long long)w);
		set_put(s, ops, w);
	}
	return 0;
}

static int plugin_index(struct ck_sched_profile *p, const struct ck_sched_plugin_ops *ops,
			json_object *plugin_config, char **ret_err)
{
	for (int i = 0; i < p->n_plugins; i++)
		if (p->plugins[i].ops == ops)
			return i;
	if (p->n_plugins == CK_SCHED_MAX_PLUGINS)
		return fail(ret_err, "too many plugins");
	json_object *args = NULL;
	for (size_t i = 0; i < ck_obj_array_len(plugin_config); i++) {
		json_object *pc = json_object_array_get_idx(plugin_config, i);
		if (ck_streq(json_object_get_string(ck_obj_get(pc, "name")), ops->name))
			args = ck_obj_get(pc, "args");
	}
	void *priv = NULL;
	if (ops->init) {
		char *err = NULL;
		if (ops->init(args, &priv, &err) < 0) {
			int r = fail(ret_err, "%s: %s", ops->name, err ? err : "invalid args");
			free(err);
			return r;
		}
	}
	p->plugins[p->n_plugins] = (struct ck_sched_plugin_inst){ ops, priv };
	return p->n_plugins++;
}

static void profile_release(struct ck_sched_profile *p)
{
	for (int i = 0; i < p->n_plugins; i++)
		if (p->plugins[i].ops->release)
			p->plugins[i].ops->release(p->plugins[i].priv);
	free(p->scheduler_name);
	memset(p, 0, sizeof(*p));
}

static int profile_build(json_object *pj, struct ck_sched_profile *p, char **ret_err)
{
	memset(p, 0, sizeof(*p));
	const char *name = json_object_get_string(ck_obj_get(pj, "schedulerName"));
	p->scheduler_name = ck_strdup(name && *name ? name : "default-scheduler");
	json_object *pct = ck_obj_get(pj, "percentageOfNodesToScore");
	p->percentage_of_nodes_to_score = pct ? json_object_get_int(pct) : -1;
	json_object *plugins = ck_obj_get(pj, "plugins"),
		    *multi = ck_obj_get(plugins, "multiPoint");
	json_object *plugin_config = ck_obj_get(pj, "pluginConfig");
	int r = 0;
	for (int pt = 0; pt < P_COUNT; pt++) {
		struct set s = { .n = 0 };
		for (size_t i = 0; ck_sched_plugins[i]; i++)
			if (implements(ck_sched_plugins[i], (enum point)pt))
				set_put(&s, ck_sched_plugins[i], 0);
		json_object *pp = ck_obj_get(plugins, point_names[pt]);
		if ((r = apply_disabled(&s, ck_obj_get(multi, "disabled"), ret_err)) < 0 ||
		    (r = apply_disabled(&s, ck_obj_get(pp, "disabled"), ret_err)) < 0 ||
		    (r = apply_enabled(&s, ck_obj_get(multi, "enabled"), (enum point)pt, true,
				       ret_err)) < 0 ||
		    (r = apply_enabled(&s, ck_obj_get(pp, "enabled"), (enum point)pt, false,
				       ret_err)) < 0)
			goto fail;
		for (int i = 0; i < s.n; i++) {
			int idx = plugin_index(p, s.e[i].ops, plugin_config, ret_err);
			if (idx < 0) {
				r = idx;
				goto fail;
			}
			switch (pt) {
			case P_PRE_FILTER:
				p->pre_filter[p->n_pre_filter++] = idx;
				break;
			case P_FILTER:
				p->filter[p->n_filter++] = idx;
				break;
			case P_POST_FILTER:
				p->post_filter[p->n_post_filter++] = idx;
				break;
			case P_PRE_SCORE:
				p->pre_score[p->n_pre_score++] = idx;
				break;
			case P_SCORE:
				p->score[p->n_score++] =
				    (struct ck_sched_weighted){ idx, s.e[i].weight };
				break;
			case P_BIND:
				p->bind[p->n_bind++] = idx;
				break;
			}
		}
	}
	if (p->n_bind == 0) {
		r = fail(ret_err,
			 "profiles[%s].plugins.bind: Invalid value: at least one bind "
			 "plugin is needed",
			 p->scheduler_name);
		goto fail;
	}
	return 0;
fail:
	profile_release(p);
	return r;
}

static void defaults(struct ck_sched_config *c)
{
	memset(c, 0, sizeof(*c));
	c->qps = 50;
	c->burst = 100;
	c->leader_elect = true;
	c->lease_namespace = ck_strdup("kube-system");
	c->lease_name = ck_strdup("kube-scheduler");
	c->lease_duration_ms = 15000;
	c->renew_deadline_ms = 10000;
	c->retry_period_ms = 2000;
	c->pod_initial_backoff_ms = 1000;
	c->pod_max_backoff_ms = 10000;
}

static int duration_field(json_object *o, const char *key, int64_t *ret, char **ret_err)
{
	json_object *v = ck_obj_get(o, key);
	if (!v)
		return 0;
	int64_t ns;
	if (ck_go_duration_parse(json_object_get_string(v), &ns) < 0)
		return fail(ret_err, "leaderElection.%s: invalid duration \"%s\"", key,
			    json_object_get_string(v));
	*ret = ns / 1000000;
	return 0;
}

int ck_sched_config_from_json(json_object *doc, struct ck_sched_config *ret, char **ret_err)
{
	defaults(ret);
	int r = 0;
	if (doc) {
		const char *kind = json_object_get_string(ck_obj_get(doc, "kind"));
		const char *av = json_object_get_string(ck_obj_get(doc, "apiVersion"));
		if (!ck_streq(kind ? kind : "", "KubeSchedulerConfiguration") ||
		    !ck_streq(av ? av : "", "kubescheduler.config.k8s.io/v1")) {
			r = fail(ret_err, "no kind \"%s\" is registered for version \"%s\"",
				 kind ? kind : "", av ? av : "");
			goto fail;
		}
		json_object *cc = ck_obj_get(doc, "clientConnection"),
			    *le = ck_obj_get(doc, "leaderElection");
		const char *kc = json_object_get_string(ck_obj_get(cc, "kubeconfig"));
		if (kc && *kc)
			ret->kubeconfig = ck_strdup(kc);
		if (ck_obj_get(cc, "qps"))
			ret->qps = json_object_get_double(ck_obj_get(cc, "qps"));
		if (ck_obj_get(cc, "burst"))
			ret->burst = json_object_get_int(ck_obj_get(cc, "burst"));
		if (ck_obj_get(le, "leaderElect"))
			ret->leader_elect = json_object_get_boolean(ck_obj_get(le, "leaderElect"));
		const char *s;
		if ((s = json_object_get_string(ck_obj_get(le, "resourceNamespace"))) && *s) {
			free(ret->lease_namespace);
			ret->lease_namespace = ck_strdup(s);
		}
		if ((s = json_object_get_string(ck_obj_get(le, "resourceName"))) && *s) {
			free(ret->lease_name);
			ret->lease_name = ck_strdup(s);
		}
		if ((r = duration_field(le, "leaseDuration", &ret->lease_duration_ms, ret_err)) <
			0 ||
		    (r = duration_field(le, "renewDeadline", &ret->renew_deadline_ms, ret_err)) <
			0 ||
		    (r = duration_field(le, "retryPeriod", &ret->retry_period_ms, ret_err)) < 0)
			goto fail;
		json_object *v;
		if ((v = ck_obj_get(doc, "percentageOfNodesToScore"))) {
			ret->percentage_of_nodes_to_score = json_object_get_int(v);
			if (ret->percentage_of_nodes_to_score < 0 ||
			    ret->percentage_of_nodes_to_score > 100) {
				r = fail(ret_err,
					 "percentageOfNodesToScore: Invalid value: %d: not "
					 "in valid range [0-100]",
					 ret->percentage_of_nodes_to_score);
				goto fail;
			}
		}
		if ((v = ck_obj_get(doc, "podInitialBackoffSeconds")))
			ret->pod_initial_backoff_ms = json_object_get_int64(v) * 1000;
		if ((v = ck_obj_get(doc, "podMaxBackoffSeconds")))
			ret->pod_max_backoff_ms = json_object_get_int64(v) * 1000;
		if (ret->pod_initial_backoff_ms <= 0 ||
		    ret->pod_max_backoff_ms < ret->pod_initial_backoff_ms) {
			r = fail(ret_err,
				 "podMaxBackoffSeconds: Invalid value: must be greater than "
				 "or equal to PodInitialBackoffSeconds");
			goto fail;
		}
		if ((v = ck_obj_get(doc, "parallelism")))
			ret->parallelism = json_object_get_int(v);
		json_object *profiles = ck_obj_get(doc, "profiles");
		size_t n = ck_obj_array_len(profiles);
		if (n) {
			ret->profiles = ck_calloc(n, sizeof(*ret->profiles));
			for (size_t i = 0; i < n; i++) {
				if ((r = profile_build(json_object_array_get_idx(profiles, i),
						       &ret->profiles[i], ret_err)) < 0)
					goto fail;
				ret->n_profiles++;
				for (size_t k = 0; k < i; k++)
					if (ck_streq(ret->profiles[k].scheduler_name,
						     ret->profiles[i].scheduler_name)) {
						r = fail(
						    ret_err,
						    "profiles[%zu].schedulerName: Duplicate value: "
						    "\"%s\"",
						    i, ret->profiles[i].scheduler_name);
						goto fail;
					}
			}
		}
	}
	if (ret->n_profiles == 0) {
		ret->profiles = ck_calloc(1, sizeof(*ret->profiles));
		json_object *empty = json_object_new_object();
		r = profile_build(empty, &ret->profiles[0], ret_err);
		json_object_put(empty);
		if (r < 0)
			goto fail;
		ret->n_profiles = 1;
	}
	return 0;
fail:
	ck_sched_config_release(ret);
	return r;
}

int ck_sched_config_load_file(const char *path, struct ck_sched_config *ret, char **ret_err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(ret_err, "unable to read '%s': %s", path, strerror(errno)), -ENOENT;
	struct ck_buf b;
	ck_buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((r = ck_buf_add(&b, chunk, n)) < 0)
			break;
	fclose(f);
	json_object *doc = NULL;
	char *err = NULL;
	if (r < 0) {
		r = fail(ret_err, "'%s' is too large", path);
	} else if (ck_yaml_decode(ck_buf_str(&b), b.len, CK_YAML_STRICT, &doc, &err) < 0) {
		r = fail(ret_err, "unable to decode '%s': %s", path, err ? err : "");
	} else {
		r = ck_sched_config_from_json(doc, ret, ret_err);
	}
	free(err);
	if (doc)
		json_object_put(doc);
	ck_buf_release(&b);
	return r;
}

void ck_sched_config_release(struct ck_sched_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_profiles; i++)
		profile_release(&cfg->profiles[i]);
	free(cfg->profiles);
	free(cfg->kubeconfig);
	free(cfg->lease_namespace);
	free(cfg->lease_name);
	cfg->profiles = NULL;
	cfg->n_profiles = 0;
	cfg->kubeconfig = cfg->lease_namespace = cfg->lease_name = NULL;
}

const struct ck_sched_profile *ck_sched_config_profile(const struct ck_sched_config *cfg,
						       const char *name)
{
	for (size_t i = 0; i < cfg->n_profiles; i++)
		if (ck_streq(cfg->profiles[i].scheduler_name, name))
			return &cfg->profiles[i];
	return NULL;
}
