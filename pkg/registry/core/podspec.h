/*
 * PodSpec defaulting and validation, shared by pods, podtemplates and
 * replicationcontrollers (and later every workload kind): upstream's
 * SetDefaults_PodSpec / SetDefaults_Pod / SetDefaults_Container and friends
 * (pkg/apis/core/v1/defaults.go, with the declarative defaults), and
 * ValidatePodSpec, ValidatePodTemplateSpec, ValidatePodCreate,
 * ValidatePodUpdate and ValidatePodStatusUpdate
 * (pkg/apis/core/validation/validation.go), on json-c objects.
 *
 * Objects are borrowed; the defaulting functions change the object they
 * are given. Errors carry upstream's field paths and messages.
 */
#ifndef CK_REGISTRY_CORE_PODSPEC_H
#define CK_REGISTRY_CORE_PODSPEC_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util/buf.h"

struct ck_field_errors;

/* Upstream's DefaultTerminationGracePeriodSeconds. */
#define CK_POD_TERMINATION_GRACE_DEFAULT 30

/*
 * Defaults of a PodSpec wherever it appears (pods, templates): dnsPolicy,
 * restartPolicy, securityContext, terminationGracePeriodSeconds,
 * schedulerName, containers (imagePullPolicy, terminationMessage*, port
 * protocols, probes, resource lists), volumes (emptyDir when no source,
 * file modes).
 */
void ck_core_default_pod_spec(json_object *spec);
/*
 * The defaults only a Pod receives (SetDefaults_Pod) after the PodSpec's:
 * requests from limits, enableServiceLinks, host ports under hostNetwork.
 */
void ck_core_default_pod(json_object *pod);
/* imagePullPolicy for an image: "Always" for :latest or no tag, else
 * "IfNotPresent" (upstream's parsers.ParseImageName). */
const char *ck_core_default_pull_policy(const char *image);

struct ck_pod_validation {
	bool is_pod;	      /* opts.ResourceIsPod: the spec belongs to a Pod */
	const char *pod_name; /* for generic ephemeral volumes' PVC names; may be NULL */
};

/* ValidatePodSpec at path (e.g. "spec", "template.spec"). */
void ck_core_validate_pod_spec(json_object *spec, const struct ck_pod_validation *o,
			       struct ck_buf *path, struct ck_field_errors *errs);
/*
 * ValidatePodTemplateSpec (labels, annotations, spec, no ephemeral
 * containers) of template at path ("template", "spec.template").
 */
void ck_core_validate_pod_template_spec(json_object *template, struct ck_buf *path,
					struct ck_field_errors *errs);
struct ck_label_selector;

/*
 * The pod template of a controller (replicationcontrollers and the apps/v1
 * workloads: upstream's ValidatePodTemplateSpecForRC, ...ForReplicaSet,
 * ...ForStatefulSet and the DaemonSet rules), at path ("spec.template"):
 * sel (may be NULL: not checked; borrowed) matches the template's labels,
 * the template is valid (with metadata_only, as StatefulSets: only its
 * labels and annotations), restartPolicy is Always and
 * activeDeadlineSeconds is absent ("activeDeadlineSeconds in <kind> is not
 * Supported").
 */
void ck_core_validate_controller_template(json_object *template,
					  const struct ck_label_selector *sel, const char *path,
					  const char *kind, bool metadata_only,
					  struct ck_field_errors *errs);

/*
 * A Pod's annotations and spec (validatePodMetadataAndSpec, beyond
 * ObjectMeta) and what ValidatePodCreate adds.
 */
void ck_core_validate_pod(json_object *pod, struct ck_field_errors *errs);
/*
 * What ValidatePodUpdate adds to ck_core_validate_pod: the mirror
 * annotation and the spec's immutability rules.
 */
void ck_core_validate_pod_update(json_object *pod, json_object *old, struct ck_field_errors *errs);
/* ValidatePodStatusUpdate beyond ObjectMeta. */
void ck_core_validate_pod_status_update(json_object *pod, json_object *old,
					struct ck_field_errors *errs);

/*
 * What decoding a PodSpec rejects: quantities that do not parse in
 * containers' resources and the overhead. 0 or -EINVAL with *ret_msg
 * (owned).
 */
int ck_core_check_pod_spec(json_object *spec, char **ret_msg);

#endif
