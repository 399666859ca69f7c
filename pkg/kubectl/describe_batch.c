/*
 * kubectl describe job and cronjob (upstream's describeJob, describeCronJob,
 * describeJobTemplate).
 */
#include <stdlib.h>
#include <string.h>

#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/time.h"

/* "Title:\t<n>" when the integer field is set, else "Title:\t<unset>" (or nothing). */
static void optional_int(struct ck_tabwriter *w, const char *title, json_object *obj,
			 const char *field, const char *suffix, bool unset_line)
{
	json_object *v = ck_obj_get(obj, field);
	if (v)
		ck_tabwriter_printf(w, "%s:\t%lld%s\n", title, (long long)json_object_get_int64(v),
				    suffix);
	else if (unset_line)
		ck_tabwriter_printf(w, "%s:\t<unset>\n", title);
}

/* A Time field as RFC1123Z, or NULL when unset. */
static const char *time_at(json_object *obj, const char *path, char out[CK_DESCRIBE_TIME_BUF])
{
	const char *t = ck_obj_path_str(obj, path);
	if (!t)
		return NULL;
	ck_describe_time(t, out);
	return out;
}

/* capIndexesListOrNone: the completed indexes cut after the first ',' past 50 bytes. */
static void completed_indexes(struct ck_tabwriter *w, const char *indexes)
{
	size_t len = strlen(indexes), ix = 50;
	if (len == 0) {
		ck_tabwriter_printf(w, "Completed Indexes:\t<none>\n");
		return;
	}
	while (ix < len && indexes[ix] != ',')
		ix++;
	if (ix >= len)
		ck_tabwriter_printf(w, "Completed Indexes:\t%s\n", indexes);
	else
		ck_tabwriter_printf(w, "Completed Indexes:\t%.*s...\n", (int)ix + 1, indexes);
}

int ck_describe_job(struct ck_describe *d, json_object *job)
{
	struct ck_tabwriter *w = d->w;
	json_object *spec = ck_obj_get(job, "spec"), *status = ck_obj_get(job, "status");
	char t[CK_DESCRIBE_TIME_BUF];
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(job));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(job, "metadata.namespace", ""));
	char *s = ck_describe_selector(ck_obj_get(spec, "selector"), "");
	ck_tabwriter_printf(w, "Selector:\t%s\n", s);
	free(s);
	ck_describe_labels(w, "Labels", ck_obj_labels(job));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(job));
	ck_describe_controlled_by(w, job);
	optional_int(w, "Parallelism", spec, "parallelism", "", false);
	optional_int(w, "Completions", spec, "completions", "", true);
	const char *mode = ck_obj_path_str(spec, "completionMode");
	if (mode)
		ck_tabwriter_printf(w, "Completion Mode:\t%s\n", mode);
	if (ck_obj_get(spec, "suspend"))
		ck_tabwriter_printf(w, "Suspend:\t%s\n",
				    ck_describe_bool(spec, "suspend") ? "true" : "false");
	optional_int(w, "Backoff Limit", spec, "backoffLimit", "", false);
	optional_int(w, "TTL Seconds After Finished", spec, "ttlSecondsAfterFinished", "", false);
	const char *start = ck_obj_path_str(status, "startTime");
	const char *done = ck_obj_path_str(status, "completionTime");
	if (time_at(status, "startTime", t))
		ck_tabwriter_printf(w, "Start Time:\t%s\n", t);
	if (time_at(status, "completionTime", t))
		ck_tabwriter_printf(w, "Completed At:\t%s\n", t);
	int64_t start_ns, done_ns;
	if (start && done && ck_time_parse(start, &start_ns) == 0 &&
	    ck_time_parse(done, &done_ns) == 0) {
		char duration[32];
		ck_time_human_duration(done_ns - start_ns, duration, sizeof(duration));
		ck_tabwriter_printf(w, "Duration:\t%s\n", duration);
	}
	optional_int(w, "Active Deadline Seconds", spec, "activeDeadlineSeconds", "s", false);
	long long active = ck_describe_int(status, "active");
	long long succeeded = ck_describe_int(status, "succeeded");
	long long failed = ck_describe_int(status, "failed");
	if (ck_obj_get(status, "ready"))
		ck_tabwriter_printf(w,
				    "Pods Statuses:\t%lld Active (%lld Ready) / %lld Succeeded / "
				    "%lld Failed\n",
				    active, (long long)ck_describe_int(status, "ready"), succeeded,
				    failed);
	else
		ck_tabwriter_printf(w,
				    "Pods Statuses:\t%lld Active / %lld Succeeded / %lld Failed\n",
				    active, succeeded, failed);
	if (ck_streq(mode, "Indexed"))
		completed_indexes(w, ck_obj_path_str_or(status, "completedIndexes", ""));
	ck_kubectl_describe_pod_template(w, ck_obj_get(spec, "template"));
	return ck_describe_events(d, job);
}

int ck_describe_cronjob(struct ck_describe *d, json_object *cj)
{
	struct ck_tabwriter *w = d->w;
	json_object *spec = ck_obj_get(cj, "spec");
	char t[CK_DESCRIBE_TIME_BUF];
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(cj));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(cj, "metadata.namespace", ""));
	ck_describe_labels(w, "Labels", ck_obj_labels(cj));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(cj));
	ck_tabwriter_printf(w, "Schedule:\t%s\n", ck_obj_path_str_or(spec, "schedule", ""));
	ck_tabwriter_printf(w, "Concurrency Policy:\t%s\n",
			    ck_obj_path_str_or(spec, "concurrencyPolicy", ""));
	ck_tabwriter_printf(w, "Suspend:\t%s\n",
			    !ck_obj_get(spec, "suspend")	? "<unset>"
			    : ck_describe_bool(spec, "suspend") ? "True"
								: "False");
	optional_int(w, "Successful Job History Limit", spec, "successfulJobsHistoryLimit", "",
		     true);
	optional_int(w, "Failed Job History Limit", spec, "failedJobsHistoryLimit", "", true);
	json_object *deadline = ck_obj_get(spec, "startingDeadlineSeconds");
	if (deadline)
		ck_tabwriter_printf(w, "Starting Deadline Seconds:\t%llds\n",
				    (long long)json_object_get_int64(deadline));
	else
		ck_tabwriter_printf(w, "Starting Deadline Seconds:\t<unset>\n");
	/* describeJobTemplate */
	json_object *job_spec = ck_obj_path(spec, "jobTemplate.spec");
	json_object *sel = ck_obj_get(job_spec, "selector");
	if (sel) {
		char *s = ck_describe_selector(sel, "");
		ck_tabwriter_printf(w, "Selector:\t%s\n", s);
		free(s);
	} else {
		ck_tabwriter_printf(w, "Selector:\t<unset>\n");
	}
	optional_int(w, "Parallelism", job_spec, "parallelism", "", true);
	optional_int(w, "Completions", job_spec, "completions", "", true);
	optional_int(w, "Active Deadline Seconds", job_spec, "activeDeadlineSeconds", "s", false);
	ck_kubectl_describe_pod_template(w, ck_obj_get(job_spec, "template"));
	json_object *status = ck_obj_get(cj, "status");
	ck_tabwriter_printf(w, "Last Schedule Time:\t%s\n",
			    time_at(status, "lastScheduleTime", t) ? t : "<unset>");
	json_object *jobs = ck_obj_get(status, "active");
	ck_tabwriter_printf(w, "Active Jobs:\t%s", ck_obj_array_len(jobs) ? "" : "<none>");
	for (size_t i = 0; i < ck_obj_array_len(jobs); i++)
		ck_tabwriter_printf(
		    w, "%s%s", i ? ", " : "",
		    ck_obj_path_str_or(json_object_array_get_idx(jobs, i), "name", ""));
	ck_tabwriter_printf(w, "\n");
	return ck_describe_events(d, cj);
}
