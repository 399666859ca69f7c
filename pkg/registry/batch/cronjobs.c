/*
 * batch/v1 cronjobs (upstream's pkg/registry/batch/cronjob): defaults
 * (concurrencyPolicy Allow, suspend false, history limits 3 and 1, the job
 * template's PodSpec), ValidateCronJob (name length, schedule syntax,
 * timeZone, concurrencyPolicy, the job template), generation,
 * cronjobs/status, and the `kubectl get cronjobs` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/apps/workload.h"
#include "registry/batch/batch.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

#define JOB_TEMPLATE "spec.jobTemplate.spec.template"

static void defaults(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_core_default_str(spec, "concurrencyPolicy", "Allow");
	ck_workload_default_value(spec, "suspend", json_object_new_boolean(0));
	ck_workload_default_int(spec, "successfulJobsHistoryLimit", 3);
	ck_workload_default_int(spec, "failedJobsHistoryLimit", 1);
	ck_core_default_pod_spec(ck_workload_pod_spec(obj, JOB_TEMPLATE));
}

static void prepare_create(json_object *obj)
{
	defaults(obj);
	json_object_object_add(obj, "status", json_object_new_object());
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	defaults(obj);
}

/* validateTimeZone: an IANA name time.LoadLocation knows. */
static void validate_time_zone(json_object *spec, struct ck_field_errors *e)
{
	json_object *v = ck_core_get(spec, "timeZone");
	if (!v || json_object_is_type(v, json_type_null))
		return;
	const char *tz = ck_core_str(spec, "timeZone");
	static const char path[] = "spec.timeZone";
	if (!*tz) {
		ck_field_errors_add_invalid(e, path, v, "timeZone must be nil or non-empty string");
		return;
	}
	char msg[300];
	snprintf(msg, sizeof(msg), "unknown time zone %s", tz);
	char **parts = ck_str_split(tz, '/', 0);
	bool ok = true;
	for (size_t i = 0; parts && parts[i]; i++) {
		const char *p = parts[i];
		size_t n = strlen(p);
		ok &=
		    n >= 1 && n <= 14 && !ck_streq(p, ".") && !ck_streq(p, "..") && p[0] != '-' &&
		    strspn(p,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-_0123456789+") ==
			n;
	}
	ck_strv_free(parts);
	if (!ok) {
		ck_field_errors_add_invalid(e, path, v, msg);
		return;
	}
	if (strcasecmp(tz, "Local") == 0) {
		ck_field_errors_add_invalid(e, path, v,
					    "timeZone must be an explicit time zone as defined in "
					    "https://www.iana.org/time-zones");
		return;
	}
	if (!ck_batch_time_zone_known(tz))
		ck_field_errors_add_invalid(e, path, v, msg);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	const char *name = ck_obj_name(obj) ? ck_obj_name(obj) : "";
	/* DNS1035LabelMaxLength - 11: room for the jobs' timestamp suffix. */
	if (strlen(name) > 52)
		ck_field_errors_add_invalid_str(e, "metadata.name", name,
						"must be no more than 52 characters");
	json_object *spec = ck_core_obj(obj, "spec");
	const char *schedule = ck_core_str(spec, "schedule");
	if (!*schedule) {
		ck_field_errors_add_required(e, "spec.schedule", "");
	} else {
		char *err = NULL;
		if (ck_batch_parse_schedule(schedule, &err) < 0)
			ck_field_errors_add_invalid_str(e, "spec.schedule", schedule, err);
		free(err);
		if (strstr(schedule, "TZ"))
			ck_field_errors_add_invalid_str(
			    e, "spec.schedule", schedule,
			    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
	}
	validate_time_zone(spec, e);
	int64_t v;
	if (ck_core_int(spec, "startingDeadlineSeconds", &v))
		ck_core_validate_nonnegative(v, "spec.startingDeadlineSeconds", e);
	const char *cp = ck_core_str(spec, "concurrencyPolicy");
	if (!*cp) {
		ck_field_errors_add_required(e, "spec.concurrencyPolicy", "");
	} else if (!ck_streq(cp, "Allow") && !ck_streq(cp, "Forbid") && !ck_streq(cp, "Replace")) {
		static const char *const valid[] = { "Allow", "Forbid", "Replace" };
		ck_field_errors_add_not_supported(e, "spec.concurrencyPolicy",
						  ck_core_get(spec, "concurrencyPolicy"), valid, 3);
	}
	if (ck_core_int(spec, "successfulJobsHistoryLimit", &v))
		ck_core_validate_nonnegative(v, "spec.successfulJobsHistoryLimit", e);
	if (ck_core_int(spec, "failedJobsHistoryLimit", &v))
		ck_core_validate_nonnegative(v, "spec.failedJobsHistoryLimit", e);
	/* ValidateJobTemplateSpec: the jobs' selector is always generated. */
	json_object *jspec = ck_obj_path(obj, "spec.jobTemplate.spec");
	ck_batch_validate_job_spec(jspec, "spec.jobTemplate.spec", e);
	json_object *sel = ck_core_get(jspec, "selector");
	if (sel)
		ck_field_errors_add_invalid(e, "spec.jobTemplate.spec.selector", sel,
					    "`selector` will be auto-generated");
	if (ck_core_bool(jspec, "manualSelector")) {
		static const char *const valid[] = { "nil", "false" };
		ck_field_errors_add_not_supported(e, "spec.jobTemplate.spec.manualSelector",
						  ck_core_get(jspec, "manualSelector"), valid, 2);
	}
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_workload_pod_spec(obj, JOB_TEMPLATE), ret_msg);
}

static json_object *cell_schedule(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "spec.schedule");
}

static json_object *cell_time_zone(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	const char *tz = ck_obj_path_str(obj, "spec.timeZone");
	return json_object_new_string(tz ? tz : "<none>");
}

static json_object *cell_suspend(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *v = ck_obj_path(obj, "spec.suspend");
	if (!v || !json_object_is_type(v, json_type_boolean))
		return json_object_new_string("<unset>");
	return json_object_new_string(json_object_get_boolean(v) ? "True" : "False");
}

static json_object *cell_active(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "status.active"));
}

static json_object *cell_last_schedule(json_object *obj, int64_t now_ns)
{
	if (!ck_obj_path_str(obj, "status.lastScheduleTime"))
		return json_object_new_string("<none>");
	return ck_cell_age_of(obj, "status.lastScheduleTime", now_ns);
}

static json_object *cell_containers(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_workload_pod_spec(obj, JOB_TEMPLATE), "name");
}

static json_object *cell_images(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_workload_pod_spec(obj, JOB_TEMPLATE), "image");
}

static json_object *cell_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_selector(obj, "spec.jobTemplate.spec.selector");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Schedule", "string", "",
	  "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", 0,
	  cell_schedule },
	{ "Timezone", "string", "", "The time zone name for the given schedule.", 0,
	  cell_time_zone },
	{ "Suspend", "boolean", "",
	  "This flag tells the controller to suspend subsequent executions, it does not apply to "
	  "already started executions.  Defaults to false.",
	  0, cell_suspend },
	{ "Active", "integer", "", "A list of pointers to currently running jobs.", 0,
	  cell_active },
	{ "Last Schedule", "string", "",
	  "Information when was the last time the job was successfully scheduled.", 0,
	  cell_last_schedule },
	CK_COLUMN_AGE,
	{ "Containers", "string", "", "Names of each container in the template.", 1,
	  cell_containers },
	{ "Images", "string", "", "Images referenced by each container in the template.", 1,
	  cell_images },
	{ "Selector", "string", "", "A label query over pods that should match the pod count.", 1,
	  cell_selector },
	{ 0 },
};

static const char *const short_names[] = { "cj", NULL };

const struct ck_resource ck_resource_cronjobs = {
	CK_GROUP("batch", "v1"),
	.resource = "cronjobs",
	.singular = "cronjob",
	.kind = "CronJob",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = ck_workload_categories,
	.subresources = ck_workload_status_subresources,
	.columns = columns,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.check_decode = check_decode,
};
