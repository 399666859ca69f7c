/*
 * What batch/v1 jobs and cronjobs share: a JobSpec's validation (upstream's
 * validateJobSpec, also run on a CronJob's jobTemplate.spec) and the cron
 * schedule parser (robfig/cron's ParseStandard, with its error messages).
 */
#ifndef CK_REGISTRY_BATCH_BATCH_H
#define CK_REGISTRY_BATCH_BATCH_H

#include <json-c/json.h>
#include <stdbool.h>

struct ck_field_errors;

/*
 * validateJobSpec of spec (borrowed, may be NULL) at path ("spec",
 * "spec.jobTemplate.spec"): counts, completionMode, the per-index backoff
 * limits, podFailurePolicy (rules, actions, onExitCodes, onPodConditions),
 * podReplacementPolicy, the pod template and its restartPolicy (OnFailure
 * or Never; Never with a podFailurePolicy).
 */
void ck_batch_validate_job_spec(json_object *spec, const char *path, struct ck_field_errors *errs);

/*
 * Parses a standard 5-field cron schedule, the @descriptors and a leading
 * TZ=/CRON_TZ= as robfig/cron v3's ParseStandard. 0, or -EINVAL with
 * *ret_err (owned) worded as upstream's parser.
 */
int ck_batch_parse_schedule(const char *schedule, char **ret_err);

/*
 * Whether time.LoadLocation knows the IANA zone tz ("UTC", "Local" and ""
 * always; others from the system's zoneinfo).
 */
bool ck_batch_time_zone_known(const char *tz);

#endif
