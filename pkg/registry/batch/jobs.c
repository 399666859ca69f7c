/*
 * batch/v1 jobs (upstream's pkg/registry/batch/job): defaults (completions
 * and parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend
 * false, podReplacementPolicy, labels from the template, the template's
 * PodSpec), the generated selector (batch.kubernetes.io/controller-uid and
 * job-name labels), ValidateJob (with podFailurePolicy and the per-index
 * backoff limits), ValidateJobUpdate (selector, template, completions,
 * completionMode, podFailurePolicy immutable), the alpha fields v1.30 drops
 * (successPolicy, managedBy), jobs/status, and the `kubectl get jobs`
 * columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/apps/workload.h"
#include "registry/batch/batch.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"
#include "util/time.h"

#define MAX_PARALLELISM_INDEXED 100000
#define MAX_FAILED_INDEXES 100000
#define COMPLETIONS_SOFT_LIMIT 100000
#define PARALLELISM_LIMIT_HIGH_COMPLETIONS 10000
#define MAX_FAILED_INDEXES_HIGH_COMPLETIONS 10000
#define MAX_POD_FAILURE_POLICY_RULES 20
#define MAX_ON_EXIT_CODES_VALUES 255
#define MAX_ON_POD_CONDITIONS_PATTERNS 20

/* The labels a generated selector puts on the pods: legacy, then prefixed. */
static const char *const name_labels[] = { "job-name", "batch.kubernetes.io/job-name" };
static const char *const uid_labels[] = { "controller-uid", "batch.kubernetes.io/controller-uid" };

static bool manual_selector(json_object *spec)
{
	return ck_core_bool(spec, "manualSelector");
}

/* SetDefaults_Job. */
static void defaults(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	if (!ck_core_get(spec, "completions") && !ck_core_get(spec, "parallelism")) {
		json_object_object_add(spec, "completions", json_object_new_int(1));
		json_object_object_add(spec, "parallelism", json_object_new_int(1));
	}
	ck_workload_default_int(spec, "parallelism", 1);
	ck_workload_default_int(spec, "backoffLimit",
				ck_core_get(spec, "backoffLimitPerIndex") ? 2147483647 : 6);
	json_object *tlabels = ck_obj_path(obj, "spec.template.metadata.labels");
	json_object *labels = ck_obj_labels(obj);
	if (tlabels && (!labels || !json_object_object_length(labels)))
		json_object_object_add(ck_obj_metadata(obj), "labels", ck_obj_copy(tlabels));
	ck_core_default_str(spec, "completionMode", "NonIndexed");
	ck_workload_default_value(spec, "suspend", json_object_new_boolean(0));
	json_object *rules = ck_core_arr(ck_core_obj(spec, "podFailurePolicy"), "rules");
	for (size_t i = 0; i < ck_core_len(rules); i++) {
		json_object *conds = ck_core_arr(ck_core_at(rules, i), "onPodConditions");
		for (size_t j = 0; j < ck_core_len(conds); j++)
			ck_core_default_str(ck_core_at(conds, j), "status", "True");
	}
	ck_core_default_str(spec, "podReplacementPolicy",
			    ck_core_obj(spec, "podFailurePolicy") ? "Failed"
								  : "TerminatingOrFailed");
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, "spec.template"));
}

/* generateSelector: the pods' labels and the selector on the job's uid. */
static void generate_selector(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	json_object *md = ck_core_ensure_obj(ck_core_ensure_obj(spec, "template"), "metadata");
	json_object *labels = ck_core_ensure_obj(md, "labels");
	const char *name = ck_obj_name(obj) ? ck_obj_name(obj) : "";
	const char *uid = ck_obj_uid(obj) ? ck_obj_uid(obj) : "";
	for (size_t i = 0; i < CK_ARRAY_SIZE(name_labels); i++) {
		if (!ck_core_get(labels, name_labels[i]))
			json_object_object_add(labels, name_labels[i],
					       json_object_new_string(name));
	}
	for (size_t i = 0; i < CK_ARRAY_SIZE(uid_labels); i++) {
		if (!ck_core_get(labels, uid_labels[i]))
			json_object_object_add(labels, uid_labels[i], json_object_new_string(uid));
	}
	json_object *ml = ck_core_ensure_obj(ck_core_ensure_obj(spec, "selector"), "matchLabels");
	if (!ck_core_get(ml, uid_labels[1]))
		json_object_object_add(ml, uid_labels[1], json_object_new_string(uid));
}

/*
 * dropDisabledFields: successPolicy (JobSuccessPolicy) and managedBy
 * (JobManagedBy) are alpha in v1.30, off by default, so they are dropped
 * unless the old object (may be NULL) already uses them.
 */
static void drop_disabled_fields(json_object *obj, json_object *old)
{
	static const char *const gated[] = { "successPolicy", "managedBy" };
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	for (size_t i = 0; spec && i < CK_ARRAY_SIZE(gated); i++) {
		json_object *v = ck_core_get(ospec, gated[i]);
		if (!v || json_object_is_type(v, json_type_null))
			json_object_object_del(spec, gated[i]);
	}
}

static void prepare_create(json_object *obj)
{
	drop_disabled_fields(obj, NULL);
	if (!manual_selector(ck_core_obj(obj, "spec")))
		generate_selector(obj);
	defaults(obj);
	json_object_object_add(obj, "status", json_object_new_object());
}

static void prepare_update(json_object *obj, json_object *old)
{
	drop_disabled_fields(obj, old);
	defaults(obj);
}

/* ValidateHasLabel: the template carries key=value. */
static void has_label(json_object *labels, const char *key, const char *value,
		      struct ck_field_errors *e)
{
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.template.metadata.labels");
	ck_field_path_key(&p, key);
	char msg[256];
	snprintf(msg, sizeof(msg), "must be '%s'", value);
	json_object *v = ck_core_get(labels, key);
	if (!v)
		ck_field_errors_add_required(e, ck_buf_str(&p), msg);
	else if (!ck_streq(json_object_get_string(v), value))
		ck_field_errors_add_invalid(e, ck_buf_str(&p), labels, msg);
	ck_buf_release(&p);
}

/* validateGeneratedSelector. */
static void validate_generated_selector(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *labels = ck_obj_path(obj, "spec.template.metadata.labels");
	if (manual_selector(spec) || !labels)
		return;
	if (!ck_core_obj(spec, "selector"))
		return;
	const char *uid = ck_obj_uid(obj) ? ck_obj_uid(obj) : "";
	const char *name = ck_obj_name(obj) ? ck_obj_name(obj) : "";
	if (!*uid)
		ck_field_errors_add_required(e, "metadata.uid", "");
	for (size_t i = 0; i < CK_ARRAY_SIZE(uid_labels); i++)
		has_label(labels, uid_labels[i], uid, e);
	for (size_t i = 0; i < CK_ARRAY_SIZE(name_labels); i++)
		has_label(labels, name_labels[i], name, e);
}

/* Whether the pod template of spec has a container or init container called name. */
static bool has_container(json_object *spec, const char *name)
{
	static const char *const lists[] = { "containers", "initContainers" };
	json_object *pod = ck_obj_path(spec, "template.spec");
	for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++) {
		json_object *cs = ck_core_arr(pod, lists[l]);
		for (size_t i = 0; i < ck_core_len(cs); i++)
			if (ck_streq(ck_core_str(ck_core_at(cs, i), "name"), name))
				return true;
	}
	return false;
}

/*
 * A Required "valid values: [...]" (Go's %q of a sorted []string) when v is
 * absent or "", else NotSupported unless v is one of valid (sorted).
 */
static void validate_enum(json_object *o, const char *key, const char *const *valid, size_t n,
			  const char *path, struct ck_field_errors *e)
{
	const char *v = ck_core_str(o, key);
	if (!*v) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_adds(&msg, "valid values: [");
		for (size_t i = 0; i < n; i++)
			ck_buf_addf(&msg, "%s\"%s\"", i ? " " : "", valid[i]);
		ck_buf_addc(&msg, ']');
		ck_field_errors_add_required(e, path, ck_buf_str(&msg));
		ck_buf_release(&msg);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ck_streq(v, valid[i]))
			return;
	ck_field_errors_add_not_supported(e, path, ck_core_get(o, key), valid, n);
}

/* validatePodFailurePolicyRuleOnExitCodes. */
static void validate_on_exit_codes(json_object *spec, json_object *req, struct ck_buf *p,
				   struct ck_field_errors *e)
{
	static const char *const operators[] = { "In", "NotIn" };
	size_t m = ck_core_path_child(p, "operator");
	validate_enum(req, "operator", operators, CK_ARRAY_SIZE(operators), ck_buf_str(p), e);
	ck_buf_truncate(p, m);
	json_object *cn = ck_core_get(req, "containerName");
	if (cn && !json_object_is_type(cn, json_type_null) &&
	    !has_container(spec, json_object_get_string(cn))) {
		ck_core_path_child(p, "containerName");
		ck_field_errors_add_invalid(e, ck_buf_str(p), cn,
					    "must be one of the container or initContainer names "
					    "in the pod template");
		ck_buf_truncate(p, m);
	}
	json_object *values = ck_core_arr(req, "values");
	size_t n = ck_core_len(values);
	ck_core_path_child(p, "values");
	if (!n) {
		json_object *empty = values ? NULL : json_object_new_array();
		ck_field_errors_add_invalid(e, ck_buf_str(p), values ? values : empty,
					    "at least one value is required");
		json_object_put(empty);
	} else if (n > MAX_ON_EXIT_CODES_VALUES) {
		ck_field_errors_add_too_many(e, ck_buf_str(p), (int)n, MAX_ON_EXIT_CODES_VALUES);
	}
	bool in = ck_streq(ck_core_str(req, "operator"), "In"), ordered = true;
	int64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *jv = ck_core_at(values, i);
		int64_t v = json_object_get_int64(jv);
		size_t mi = ck_core_path_index(p, i);
		if (in && v == 0)
			ck_field_errors_add_invalid_int(e, ck_buf_str(p), v,
							"must not be 0 for the In operator");
		for (size_t j = 0; j < i; j++) {
			if (json_object_get_int64(ck_core_at(values, j)) == v) {
				ck_field_errors_add_duplicate(e, ck_buf_str(p), jv);
				break;
			}
		}
		if (i && prev > v)
			ordered = false;
		prev = v;
		ck_buf_truncate(p, mi);
	}
	if (!ordered)
		ck_field_errors_add_invalid(e, ck_buf_str(p), values, "must be ordered");
	ck_buf_truncate(p, m);
}

/* validatePodFailurePolicyRuleOnPodConditions. */
static void validate_on_pod_conditions(json_object *patterns, struct ck_buf *p,
				       struct ck_field_errors *e)
{
	static const char *const statuses[] = { "False", "True", "Unknown" };
	size_t n = ck_core_len(patterns);
	if (n > MAX_ON_POD_CONDITIONS_PATTERNS)
		ck_field_errors_add_too_many(e, ck_buf_str(p), (int)n,
					     MAX_ON_POD_CONDITIONS_PATTERNS);
	for (size_t i = 0; i < n; i++) {
		json_object *pat = ck_core_at(patterns, i);
		size_t m = ck_core_path_index(p, i);
		size_t m2 = ck_core_path_child(p, "type");
		ck_core_validate_qualified_name(ck_core_str(pat, "type"), ck_buf_str(p), e);
		ck_buf_truncate(p, m2);
		ck_core_path_child(p, "status");
		validate_enum(pat, "status", statuses, CK_ARRAY_SIZE(statuses), ck_buf_str(p), e);
		ck_buf_truncate(p, m);
	}
}

/* validatePodFailurePolicy of spec (its podFailurePolicy is set) at p (.podFailurePolicy). */
static void validate_pod_failure_policy(json_object *spec, struct ck_buf *p,
					struct ck_field_errors *e)
{
	static const char *const actions[] = { "Count", "FailIndex", "FailJob", "Ignore" };
	json_object *rules = ck_core_arr(ck_core_obj(spec, "podFailurePolicy"), "rules");
	size_t n = ck_core_len(rules);
	size_t m = ck_core_path_child(p, "rules");
	if (n > MAX_POD_FAILURE_POLICY_RULES)
		ck_field_errors_add_too_many(e, ck_buf_str(p), (int)n,
					     MAX_POD_FAILURE_POLICY_RULES);
	for (size_t i = 0; i < n; i++) {
		json_object *rule = ck_core_at(rules, i);
		size_t mi = ck_core_path_index(p, i);
		size_t ma = ck_core_path_child(p, "action");
		if (ck_streq(ck_core_str(rule, "action"), "FailIndex")) {
			if (!ck_core_get(spec, "backoffLimitPerIndex"))
				ck_field_errors_add_invalid(
				    e, ck_buf_str(p), ck_core_get(rule, "action"),
				    "requires the backoffLimitPerIndex to be "
				    "set");
		} else {
			validate_enum(rule, "action", actions, CK_ARRAY_SIZE(actions),
				      ck_buf_str(p), e);
		}
		ck_buf_truncate(p, ma);
		json_object *codes = ck_core_obj(rule, "onExitCodes");
		json_object *conds = ck_core_arr(rule, "onPodConditions");
		if (codes) {
			ck_core_path_child(p, "onExitCodes");
			validate_on_exit_codes(spec, codes, p, e);
			ck_buf_truncate(p, ma);
		}
		if (ck_core_len(conds)) {
			ck_core_path_child(p, "onPodConditions");
			validate_on_pod_conditions(conds, p, e);
			ck_buf_truncate(p, ma);
		}
		if (codes && ck_core_len(conds))
			ck_field_errors_add_invalid_omit_value(
			    e, ck_buf_str(p),
			    "specifying both OnExitCodes and OnPodConditions is not supported");
		if (!codes && !ck_core_len(conds))
			ck_field_errors_add_invalid_omit_value(
			    e, ck_buf_str(p),
			    "specifying one of OnExitCodes and OnPodConditions is required");
		ck_buf_truncate(p, mi);
	}
	ck_buf_truncate(p, m);
}

/* The per-index backoff limits (JobBackoffLimitPerIndex, beta and on in v1.30). */
static void validate_indexed_limits(json_object *spec, const char *path, bool indexed,
				    struct ck_field_errors *e)
{
	char at[256];
#define AT(child) (snprintf(at, sizeof(at), "%s.%s", path, child), at)
	int64_t per_index, max_failed, completions, parallelism;
	bool has_per_index = ck_core_int(spec, "backoffLimitPerIndex", &per_index);
	bool has_max_failed = ck_core_int(spec, "maxFailedIndexes", &max_failed);
	bool has_completions = ck_core_int(spec, "completions", &completions);
	bool has_parallelism = ck_core_int(spec, "parallelism", &parallelism);
	char msg[160];
	if (has_max_failed && !has_per_index)
		ck_field_errors_add_required(e, AT("backoffLimitPerIndex"),
					     "when maxFailedIndexes is specified");
	if (!indexed) {
		if (has_per_index)
			ck_field_errors_add_invalid_int(e, AT("backoffLimitPerIndex"), per_index,
							"requires indexed completion mode");
		if (has_max_failed)
			ck_field_errors_add_invalid_int(e, AT("maxFailedIndexes"), max_failed,
							"requires indexed completion mode");
		return;
	}
	if (has_completions && has_max_failed && max_failed > completions)
		ck_field_errors_add_invalid_int(e, AT("maxFailedIndexes"), max_failed,
						"must be less than or equal to completions");
	if (has_max_failed && max_failed > MAX_FAILED_INDEXES) {
		snprintf(msg, sizeof(msg), "must be less than or equal to %d", MAX_FAILED_INDEXES);
		ck_field_errors_add_invalid_int(e, AT("maxFailedIndexes"), max_failed, msg);
	}
	if (has_completions && completions > COMPLETIONS_SOFT_LIMIT && has_per_index) {
		if (!has_max_failed) {
			snprintf(msg, sizeof(msg), "must be specified when completions is above %d",
				 COMPLETIONS_SOFT_LIMIT);
			ck_field_errors_add_required(e, AT("maxFailedIndexes"), msg);
		}
		if (has_parallelism && parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) {
			snprintf(msg, sizeof(msg),
				 "must be less than or equal to %d when completions are above %d "
				 "and used with backoff limit per index",
				 PARALLELISM_LIMIT_HIGH_COMPLETIONS, COMPLETIONS_SOFT_LIMIT);
			ck_field_errors_add_invalid_int(e, AT("parallelism"), parallelism, msg);
		}
		if (has_max_failed && max_failed > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
			snprintf(msg, sizeof(msg),
				 "must be less than or equal to %d when completions are above %d "
				 "and used with backoff limit per index",
				 MAX_FAILED_INDEXES_HIGH_COMPLETIONS, COMPLETIONS_SOFT_LIMIT);
			ck_field_errors_add_invalid_int(e, AT("maxFailedIndexes"), max_failed, msg);
		}
	}
#undef AT
}

void ck_batch_validate_job_spec(json_object *spec, const char *path, struct ck_field_errors *e)
{
	struct ck_buf p = CK_BUF_INIT;
	char at[256];
#define AT(child) (snprintf(at, sizeof(at), "%s.%s", path, child), at)
	int64_t v, completions = 0;
	static const char *const nonneg[] = { "parallelism",
					      "completions",
					      "activeDeadlineSeconds",
					      "backoffLimit",
					      "ttlSecondsAfterFinished",
					      "backoffLimitPerIndex",
					      "maxFailedIndexes" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(nonneg); i++)
		if (ck_core_int(spec, nonneg[i], &v))
			ck_core_validate_nonnegative(v, AT(nonneg[i]), e);
	bool has_completions = ck_core_int(spec, "completions", &completions);
	json_object *mode = ck_core_get(spec, "completionMode");
	if (mode) {
		const char *m = ck_core_str(spec, "completionMode");
		if (!ck_streq(m, "NonIndexed") && !ck_streq(m, "Indexed")) {
			static const char *const valid[] = { "NonIndexed", "Indexed" };
			ck_field_errors_add_not_supported(e, AT("completionMode"), mode, valid, 2);
		}
		if (ck_streq(m, "Indexed")) {
			if (!has_completions)
				ck_field_errors_add_required(e, AT("completions"),
							     "when completion mode is Indexed");
			if (ck_core_int(spec, "parallelism", &v) && v > MAX_PARALLELISM_INDEXED) {
				char msg[128];
				snprintf(msg, sizeof(msg),
					 "must be less than or equal to %d when completion mode is "
					 "Indexed",
					 MAX_PARALLELISM_INDEXED);
				ck_field_errors_add_invalid_int(e, AT("parallelism"), v, msg);
			}
		}
	}
	validate_indexed_limits(spec, path,
				ck_streq(ck_core_str(spec, "completionMode"), "Indexed"), e);
	if (ck_core_obj(spec, "podFailurePolicy")) {
		ck_buf_adds(&p, AT("podFailurePolicy"));
		validate_pod_failure_policy(spec, &p, e);
		ck_buf_reset(&p);
	}
	json_object *rp = ck_core_get(spec, "podReplacementPolicy");
	if (rp) {
		const char *s = ck_core_str(spec, "podReplacementPolicy");
		static const char *const valid[] = { "Failed", "TerminatingOrFailed" };
		if (ck_core_obj(spec, "podFailurePolicy") && !ck_streq(s, "Failed")) {
			static const char *const failed[] = { "Failed" };
			ck_field_errors_add_not_supported(e, AT("podReplacementPolicy"), rp, failed,
							  1);
		} else if (!ck_streq(s, "Failed") && !ck_streq(s, "TerminatingOrFailed")) {
			ck_field_errors_add_not_supported(e, AT("podReplacementPolicy"), rp, valid,
							  2);
		}
	}
	ck_buf_adds(&p, AT("template"));
	json_object *tmpl = ck_core_obj(spec, "template");
	ck_core_validate_pod_template_spec(tmpl, &p, e);
	const char *restart = ck_core_str(ck_core_obj(tmpl, "spec"), "restartPolicy");
	json_object *rpv = ck_core_get(ck_core_obj(tmpl, "spec"), "restartPolicy");
	char rp_path[256];
	snprintf(rp_path, sizeof(rp_path), "%s.template.spec.restartPolicy", path);
	if (!*restart || ck_streq(restart, "Always")) {
		ck_field_errors_add_required(e, rp_path, "valid values: \"OnFailure\", \"Never\"");
	} else if (!ck_streq(restart, "OnFailure") && !ck_streq(restart, "Never")) {
		static const char *const valid[] = { "OnFailure", "Never" };
		ck_field_errors_add_not_supported(e, rp_path, rpv, valid, 2);
	} else if (ck_core_obj(spec, "podFailurePolicy") && !ck_streq(restart, "Never")) {
		ck_field_errors_add_invalid(e, rp_path, rpv,
					    "only \"Never\" is supported when podFailurePolicy is "
					    "specified");
	}
#undef AT
	ck_buf_release(&p);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	validate_generated_selector(obj, e);
	ck_batch_validate_job_spec(spec, "spec", e);
	json_object *sel = ck_core_obj(spec, "selector");
	if (!sel) {
		ck_field_errors_add_required(e, "spec.selector", "");
	} else {
		struct ck_buf p = CK_BUF_INIT;
		ck_buf_adds(&p, "spec.selector");
		ck_core_validate_label_selector(sel, &p, e);
		ck_buf_release(&p);
	}
	ck_workload_validate_template_labels(obj, sel, e);
	/* An Indexed job's pods are named <job>-<index>: a DNS label. */
	int64_t completions;
	if (ck_streq(ck_core_str(spec, "completionMode"), "Indexed") &&
	    ck_core_int(spec, "completions", &completions) && completions > 0) {
		char host[512];
		snprintf(host, sizeof(host), "%s-%lld", ck_obj_name(obj) ? ck_obj_name(obj) : "",
			 (long long)completions - 1);
		char **msgs = ck_is_dns1123_label(host);
		if (msgs) {
			char msg[600];
			snprintf(msg, sizeof(msg),
				 "will not able to create pod with invalid DNS label: %s", host);
			ck_field_errors_add_invalid_str(e, "metadata.name", ck_obj_name(obj), msg);
		}
		ck_strv_free(msgs);
	}
}

/* The template less what a suspended job that never started may change
 * (AllowMutableSchedulingDirectives): owned copy. */
static json_object *template_without_scheduling(json_object *tmpl)
{
	json_object *t = ck_obj_copy(tmpl);
	json_object *md = ck_core_obj(t, "metadata"), *spec = ck_core_obj(t, "spec");
	if (md) {
		json_object_object_del(md, "labels");
		json_object_object_del(md, "annotations");
	}
	static const char *const fields[] = { "nodeSelector", "affinity", "tolerations",
					      "schedulingGates" };
	for (size_t i = 0; spec && i < CK_ARRAY_SIZE(fields); i++)
		json_object_object_del(spec, fields[i]);
	return t;
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	json_object *c = ck_core_get(spec, "completions"), *oc = ck_core_get(ospec, "completions");
	if (ck_streq(ck_core_str(spec, "completionMode"), "Indexed")) {
		/* ElasticIndexedJob: completions change only with parallelism. */
		int64_t cv, pv = -1;
		if (!ck_core_equal(c, oc) && ck_core_int(spec, "completions", &cv) &&
		    (!ck_core_int(spec, "parallelism", &pv) || pv != cv))
			ck_field_errors_add_invalid(e, "spec.completions", c,
						    "can only be modified in tandem with "
						    "spec.parallelism");
	} else {
		ck_workload_validate_immutable(c, oc, "spec.completions", e);
	}
	ck_workload_validate_immutable(ck_core_get(spec, "selector"),
				       ck_core_get(ospec, "selector"), "spec.selector", e);
	json_object *t = ck_core_get(spec, "template"), *ot = ck_core_get(ospec, "template");
	bool suspended_unstarted =
	    ck_core_bool(spec, "suspend") && !ck_obj_path(old, "status.startTime");
	if (suspended_unstarted) {
		json_object *a = template_without_scheduling(t),
			    *b = template_without_scheduling(ot);
		if (!ck_core_equal(a, b))
			ck_field_errors_add_invalid(e, "spec.template", t, CK_FIELD_IMMUTABLE);
		json_object_put(a);
		json_object_put(b);
	} else {
		ck_workload_validate_immutable(t, ot, "spec.template", e);
	}
	static const char *const immutable[] = { "completionMode", "podFailurePolicy",
						 "backoffLimitPerIndex", "managedBy",
						 "successPolicy" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(immutable); i++) {
		char path[64];
		snprintf(path, sizeof(path), "spec.%s", immutable[i]);
		ck_workload_validate_immutable(ck_core_get(spec, immutable[i]),
					       ck_core_get(ospec, immutable[i]), path, e);
	}
}

/*
 * ValidateJobStatusUpdate with v1.30's default feature gates: the counts are
 * not negative, and status.uncountedTerminatedPods names each pod UID once,
 * none empty. (The stricter transition rules, on completedIndexes, terminal
 * conditions, startTime and completionTime, come with JobManagedBy, alpha
 * and off in v1.30.)
 */
static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	static const char *const nonneg[] = { "active", "succeeded",   "failed",
					      "ready",	"terminating", NULL };
	static const char *const none[] = { NULL };
	json_object *status = ck_core_obj(obj, "status");
	ck_core_validate_replica_counts(status, nonneg, none, NULL, e);
	json_object *uncounted = ck_core_obj(status, "uncountedTerminatedPods");
	static const char *const lists[] = { "succeeded", "failed" };
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "status.uncountedTerminatedPods");
	for (size_t l = 0; uncounted && l < CK_ARRAY_SIZE(lists); l++) {
		size_t m = ck_core_path_child(&p, lists[l]);
		json_object *uids = ck_core_arr(uncounted, lists[l]);
		for (size_t i = 0; i < ck_core_len(uids); i++) {
			json_object *uid = ck_core_at(uids, i);
			const char *u = json_object_get_string(uid);
			size_t mi = ck_core_path_index(&p, i);
			bool seen = false;
			/* seen in an earlier list, or earlier in this one */
			for (size_t k = 0; k <= l && !seen; k++) {
				json_object *prev = ck_core_arr(uncounted, lists[k]);
				size_t end = k < l ? ck_core_len(prev) : i;
				for (size_t j = 0; j < end && !seen; j++)
					seen = ck_streq(json_object_get_string(ck_core_at(prev, j)),
							u);
			}
			if (!u || !*u)
				ck_field_errors_add_invalid_str(e, ck_buf_str(&p), "",
								"must not be empty");
			else if (seen)
				ck_field_errors_add_duplicate(e, ck_buf_str(&p), uid);
			ck_buf_truncate(&p, mi);
		}
		ck_buf_truncate(&p, m);
	}
	ck_buf_release(&p);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, "spec.template"), ret_msg);
}

/* Whether a condition of type is True. */
static bool has_condition(json_object *obj, const char *type)
{
	json_object *conds = ck_obj_path(obj, "status.conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (ck_streq(ck_core_str(c, "type"), type) &&
		    ck_streq(ck_core_str(c, "status"), "True"))
			return true;
	}
	return false;
}

static json_object *cell_status(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	const char *s = has_condition(obj, "Complete")			 ? "Complete"
			: has_condition(obj, "Failed")			 ? "Failed"
			: ck_obj_path(obj, "metadata.deletionTimestamp") ? "Terminating"
			: has_condition(obj, "Suspended")		 ? "Suspended"
			: has_condition(obj, "FailureTarget")		 ? "FailureTarget"
									 : "Running";
	return json_object_new_string(s);
}

static json_object *cell_completions(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t succeeded = 0, completions, parallelism;
	ck_core_int(ck_core_obj(obj, "status"), "succeeded", &succeeded);
	char out[96];
	if (ck_core_int(spec, "completions", &completions))
		snprintf(out, sizeof(out), "%lld/%lld", (long long)succeeded,
			 (long long)completions);
	else if (ck_core_int(spec, "parallelism", &parallelism) && parallelism > 1)
		snprintf(out, sizeof(out), "%lld/1 of %lld", (long long)succeeded,
			 (long long)parallelism);
	else
		snprintf(out, sizeof(out), "%lld/1", (long long)succeeded);
	return json_object_new_string(out);
}

static json_object *cell_duration(json_object *obj, int64_t now_ns)
{
	int64_t start, end = now_ns;
	const char *s = ck_obj_path_str(obj, "status.startTime");
	const char *c = ck_obj_path_str(obj, "status.completionTime");
	if (!s || ck_time_parse(s, &start) < 0)
		return json_object_new_string("");
	if (c && ck_time_parse(c, &end) < 0)
		end = now_ns;
	char out[32];
	ck_time_human_duration(end - start, out, sizeof(out));
	return json_object_new_string(out);
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Status", "string", "", "Status of the job.", 0, cell_status },
	{ "Completions", "string", "",
	  "The number of pods which reached phase Succeeded. The value increases monotonically "
	  "for a given spec.",
	  0, cell_completions },
	{ "Duration", "string", "", "Time required to complete the job.", 0, cell_duration },
	CK_COLUMN_AGE,
	CK_WORKLOAD_COLUMN_CONTAINERS,
	CK_WORKLOAD_COLUMN_IMAGES,
	CK_WORKLOAD_COLUMN_SELECTOR("A label query over pods that should match the pod count."),
	{ 0 },
};

/* JobToSelectableFields: status.successful is status.succeeded. */
static const char *field_text(json_object *obj, const char *field, char *out, size_t size)
{
	return ck_streq(field, "status.successful")
		   ? ck_core_count_text(obj, "status.succeeded", out, size)
		   : NULL;
}

static const char *const field_selectors[] = { "status.successful", NULL };

const struct ck_resource ck_resource_jobs = {
	CK_GROUP("batch", "v1"),
	.resource = "jobs",
	.singular = "job",
	.kind = "Job",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.categories = ck_workload_categories,
	.subresources = ck_workload_status_subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.field_text = field_text,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.validate_status_update = validate_status_update,
	.check_decode = check_decode,
};
