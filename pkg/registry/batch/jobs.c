/*
 * batch/v1 jobs (upstream's pkg/registry/batch/job): defaults (completions
 * and parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend
 * false, podReplacementPolicy, labels from the template, the template's
 * PodSpec), the generated selector (batch.kubernetes.io/controller-uid and
 * job-name labels), ValidateJob, ValidateJobUpdate (selector, template,
 * completions, completionMode immutable), jobs/status, and the `kubectl get
 * jobs` columns.
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

static void prepare_create(json_object *obj)
{
	if (!manual_selector(ck_core_obj(obj, "spec")))
		generate_selector(obj);
	defaults(obj);
	json_object_object_add(obj, "status", json_object_new_object());
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
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

void ck_batch_validate_job_spec(json_object *spec, const char *path, struct ck_field_errors *e)
{
	struct ck_buf p = CK_BUF_INIT;
	char at[256];
#define AT(child) (snprintf(at, sizeof(at), "%s.%s", path, child), at)
	int64_t v, completions = 0;
	static const char *const nonneg[] = { "parallelism", "completions", "activeDeadlineSeconds",
					      "backoffLimit", "ttlSecondsAfterFinished" };
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
						 "backoffLimitPerIndex" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(immutable); i++) {
		char path[64];
		snprintf(path, sizeof(path), "spec.%s", immutable[i]);
		ck_workload_validate_immutable(ck_core_get(spec, immutable[i]),
					       ck_core_get(ospec, immutable[i]), path, e);
	}
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	static const char *const nonneg[] = { "active", "succeeded",   "failed",
					      "ready",	"terminating", NULL };
	static const char *const none[] = { NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, none, NULL, e);
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
