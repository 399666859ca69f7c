/*
 * The strategic-merge-patch metadata table and its lookups. See
 * patch_meta.h for the interface.
 *
 * THE TABLE FORMAT
 *
 * One `struct ck_patch_type` per described type, in `types[]` below:
 *
 *	TYPE("PodSpec", podspec_fields)           a struct described in part
 *	STRICT_TYPE("mergeItem", merge_item_fields)  a struct described whole
 *	MAP_TYPE("simpleMap", NULL)               a map; every value is of the
 *	                                          named type (NULL: unknown)
 *
 * and, per struct type, an array of field rows:
 *
 *	{ "<json field>", "<patchStrategy tag>", "<patchMergeKey>", "<value type>" }
 *
 * exactly as upstream's Go struct tags say them: the strategy is the tag's
 * text ("merge", "retainKeys", "merge,retainKeys", "replace", or NULL for
 * none), the merge key is patchMergeKey (NULL for none), and the value type
 * names another entry of types[] (for a list: the type of its elements;
 * NULL or a name not in types[] means unknown). A field needs a row only
 * when it has a strategy, a merge key or a described type. A STRICT type
 * lists every field, so that a field it lacks is an error as upstream's
 * struct lookups make it; the built-in kinds are described in part.
 *
 * `kinds[]` maps an API group and kind to the type of its objects.
 *
 * A later change can build these arrays from the API schemas in api/ (they
 * carry the same patch strategy and merge key per field); the lookups below
 * only walk them.
 *
 * The test-only types "mergeItem", "retainKeysMergeItem" and "precisionItem"
 * are the schemas of upstream's strategicpatch tests (MergeItem,
 * RetainKeysMergeItem, PrecisionItem); no kind refers to them.
 */
#include "apimachinery/patch_meta.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/common.h"

struct field_row {
	const char *field;
	const char *strategy;
	const char *merge_key;
	const char *type;
};

struct ck_patch_type {
	const char *name;
	bool strict;
	bool is_map;
	const char *map_of; /* is_map: the values' type name, NULL: unknown */
	const struct field_row *fields;
	size_t n_fields;
};

#define TYPE(name, rows)                                            \
	{                                                           \
		name, false, false, NULL, rows, CK_ARRAY_SIZE(rows) \
	}
#define STRICT_TYPE(name, rows)                                    \
	{                                                          \
		name, true, false, NULL, rows, CK_ARRAY_SIZE(rows) \
	}
#define MAP_TYPE(name, of)                     \
	{                                      \
		name, false, true, of, NULL, 0 \
	}
#define EMPTY_TYPE(name)                          \
	{                                         \
		name, false, false, NULL, NULL, 0 \
	}

/* ---- meta/v1 ----------------------------------------------------------------- */

static const struct field_row object_meta_fields[] = {
	{ "finalizers", "merge", NULL, NULL },
	{ "ownerReferences", "merge", "uid", NULL },
};

/* ---- core/v1 ----------------------------------------------------------------- */

static const struct field_row pod_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "PodSpec" },
	{ "status", NULL, NULL, "PodStatus" },
};

static const struct field_row pod_template_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "template", NULL, NULL, "PodTemplateSpec" },
};

static const struct field_row pod_template_spec_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "PodSpec" },
};

static const struct field_row pod_spec_fields[] = {
	{ "volumes", "merge,retainKeys", "name", "Volume" },
	{ "initContainers", "merge", "name", "Container" },
	{ "containers", "merge", "name", "Container" },
	{ "ephemeralContainers", "merge", "name", "EphemeralContainer" },
	{ "imagePullSecrets", "merge", "name", NULL },
	{ "hostAliases", "merge", "ip", NULL },
	{ "topologySpreadConstraints", "merge", "topologyKey", NULL },
	{ "resourceClaims", "merge,retainKeys", "name", NULL },
	{ "schedulingGates", "merge", "name", NULL },
	/* tolerations, readinessGates: atomic lists (no strategy) */
};

static const struct field_row container_fields[] = {
	{ "ports", "merge", "containerPort", NULL },
	{ "env", "merge", "name", NULL },
	{ "volumeMounts", "merge", "mountPath", NULL },
	{ "volumeDevices", "merge", "devicePath", NULL },
	{ "resources", NULL, NULL, "ResourceRequirements" },
	/* envFrom, command, args, resizePolicy: atomic lists */
};

static const struct field_row pod_status_fields[] = {
	{ "conditions", "merge", "type", NULL },
	{ "podIPs", "merge", "ip", NULL },
	{ "hostIPs", "merge", "ip", NULL },
	{ "resourceClaimStatuses", "merge,retainKeys", "name", NULL },
};

static const struct field_row replication_controller_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "ReplicationControllerSpec" },
	{ "status", NULL, NULL, "ReplicationControllerStatus" },
};

static const struct field_row template_holder_fields[] = {
	{ "template", NULL, NULL, "PodTemplateSpec" },
};

static const struct field_row conditions_by_type_fields[] = {
	{ "conditions", "merge", "type", NULL },
};

static const struct field_row service_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "ServiceSpec" },
	{ "status", NULL, NULL, "ServiceStatus" },
};

static const struct field_row service_spec_fields[] = {
	{ "ports", "merge", "port", NULL },
};

static const struct field_row node_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "NodeSpec" },
	{ "status", NULL, NULL, "NodeStatus" },
};

static const struct field_row node_spec_fields[] = {
	{ "podCIDRs", "merge", NULL, NULL },
	/* taints: no patch strategy upstream (an atomic list) */
};

static const struct field_row node_status_fields[] = {
	{ "conditions", "merge", "type", NULL },
	{ "addresses", "merge", "type", NULL },
};

static const struct field_row metadata_only_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
};

static const struct field_row namespace_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "status", NULL, NULL, "NamespaceStatus" },
};

static const struct field_row service_account_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "secrets", "merge", "name", NULL },
};

static const struct field_row pvc_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "status", NULL, NULL, "PersistentVolumeClaimStatus" },
};

/* ---- apps/v1, batch/v1 ----------------------------------------------------- */

static const struct field_row deployment_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "DeploymentSpec" },
	{ "status", NULL, NULL, "DeploymentStatus" },
};

static const struct field_row deployment_spec_fields[] = {
	{ "template", NULL, NULL, "PodTemplateSpec" },
	{ "strategy", "retainKeys", NULL, "DeploymentStrategy" },
};

static const struct field_row replica_set_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "ReplicaSetSpec" },
	{ "status", NULL, NULL, "ReplicaSetStatus" },
};

static const struct field_row stateful_set_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "StatefulSetSpec" },
	{ "status", NULL, NULL, "StatefulSetStatus" },
};

static const struct field_row stateful_set_spec_fields[] = {
	{ "template", NULL, NULL, "PodTemplateSpec" },
	{ "volumeClaimTemplates", NULL, NULL, "PersistentVolumeClaim" },
};

static const struct field_row daemon_set_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "DaemonSetSpec" },
	{ "status", NULL, NULL, "DaemonSetStatus" },
};

static const struct field_row job_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "JobSpec" },
	{ "status", NULL, NULL, "JobStatus" },
};

static const struct field_row cron_job_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "CronJobSpec" },
};

static const struct field_row cron_job_spec_fields[] = {
	{ "jobTemplate", NULL, NULL, "JobTemplateSpec" },
};

static const struct field_row job_template_spec_fields[] = {
	{ "metadata", NULL, NULL, "ObjectMeta" },
	{ "spec", NULL, NULL, "JobSpec" },
};

/* ---- upstream's strategicpatch test types ---------------------------------- */

static const struct field_row merge_item_fields[] = {
	{ "name", NULL, NULL, NULL },
	{ "value", NULL, NULL, NULL },
	{ "other", NULL, NULL, NULL },
	{ "mergingList", "merge", "name", "mergeItem" },
	{ "nonMergingList", NULL, NULL, "mergeItem" },
	{ "mergingIntList", "merge", NULL, NULL },
	{ "nonMergingIntList", NULL, NULL, NULL },
	{ "mergeItemPtr", "merge", "name", "mergeItem" },
	{ "simpleMap", NULL, NULL, "simpleMap" },
	{ "replacingItem", "replace", NULL, NULL },
	{ "retainKeysMap", "retainKeys", NULL, "retainKeysMergeItem" },
	{ "retainKeysMergingList", "merge,retainKeys", "name", "mergeItem" },
};

static const struct field_row retain_keys_merge_item_fields[] = {
	{ "name", NULL, NULL, NULL },
	{ "value", NULL, NULL, NULL },
	{ "other", NULL, NULL, NULL },
	{ "simpleMap", NULL, NULL, "simpleMap" },
	{ "mergingIntList", "merge", NULL, NULL },
	{ "mergingList", "merge", "name", "mergeItem" },
	{ "nonMergingList", NULL, NULL, "mergeItem" },
};

static const struct field_row precision_item_fields[] = {
	{ "name", NULL, NULL, NULL },	 { "int32", NULL, NULL, NULL },
	{ "int64", NULL, NULL, NULL },	 { "float32", NULL, NULL, NULL },
	{ "float64", NULL, NULL, NULL },
};

static const struct ck_patch_type types[] = {
	TYPE("ObjectMeta", object_meta_fields),
	/* core/v1 */
	TYPE("Pod", pod_fields),
	TYPE("PodTemplate", pod_template_fields),
	TYPE("PodTemplateSpec", pod_template_spec_fields),
	TYPE("PodSpec", pod_spec_fields),
	TYPE("Container", container_fields),
	TYPE("EphemeralContainer", container_fields),
	EMPTY_TYPE("Volume"),
	EMPTY_TYPE("ResourceRequirements"),
	TYPE("PodStatus", pod_status_fields),
	TYPE("ReplicationController", replication_controller_fields),
	TYPE("ReplicationControllerSpec", template_holder_fields),
	TYPE("ReplicationControllerStatus", conditions_by_type_fields),
	TYPE("Service", service_fields),
	TYPE("ServiceSpec", service_spec_fields),
	TYPE("ServiceStatus", conditions_by_type_fields),
	TYPE("Node", node_fields),
	TYPE("NodeSpec", node_spec_fields),
	TYPE("NodeStatus", node_status_fields),
	TYPE("ConfigMap", metadata_only_fields),
	TYPE("Secret", metadata_only_fields),
	TYPE("Namespace", namespace_fields),
	TYPE("NamespaceStatus", conditions_by_type_fields),
	TYPE("ServiceAccount", service_account_fields),
	TYPE("PersistentVolumeClaim", pvc_fields),
	TYPE("PersistentVolumeClaimStatus", conditions_by_type_fields),
	/* apps/v1 */
	TYPE("Deployment", deployment_fields),
	TYPE("DeploymentSpec", deployment_spec_fields),
	TYPE("DeploymentStatus", conditions_by_type_fields),
	EMPTY_TYPE("DeploymentStrategy"),
	TYPE("ReplicaSet", replica_set_fields),
	TYPE("ReplicaSetSpec", template_holder_fields),
	TYPE("ReplicaSetStatus", conditions_by_type_fields),
	TYPE("StatefulSet", stateful_set_fields),
	TYPE("StatefulSetSpec", stateful_set_spec_fields),
	TYPE("StatefulSetStatus", conditions_by_type_fields),
	TYPE("DaemonSet", daemon_set_fields),
	TYPE("DaemonSetSpec", template_holder_fields),
	TYPE("DaemonSetStatus", conditions_by_type_fields),
	/* batch/v1 */
	TYPE("Job", job_fields),
	TYPE("JobSpec", template_holder_fields),
	TYPE("JobStatus", conditions_by_type_fields),
	TYPE("CronJob", cron_job_fields),
	TYPE("CronJobSpec", cron_job_spec_fields),
	TYPE("JobTemplateSpec", job_template_spec_fields),
	/* test-only: upstream's strategicpatch test schemas */
	STRICT_TYPE("mergeItem", merge_item_fields),
	STRICT_TYPE("retainKeysMergeItem", retain_keys_merge_item_fields),
	STRICT_TYPE("precisionItem", precision_item_fields),
	MAP_TYPE("simpleMap", NULL),
};

struct kind_row {
	const char *group;
	const char *kind;
	const char *type;
};

static const struct kind_row kinds[] = {
	{ "", "Pod", "Pod" },
	{ "", "PodTemplate", "PodTemplate" },
	{ "", "ReplicationController", "ReplicationController" },
	{ "", "Service", "Service" },
	{ "", "Node", "Node" },
	{ "", "ConfigMap", "ConfigMap" },
	{ "", "Secret", "Secret" },
	{ "", "Namespace", "Namespace" },
	{ "", "ServiceAccount", "ServiceAccount" },
	{ "", "PersistentVolumeClaim", "PersistentVolumeClaim" },
	{ "apps", "Deployment", "Deployment" },
	{ "apps", "ReplicaSet", "ReplicaSet" },
	{ "apps", "StatefulSet", "StatefulSet" },
	{ "apps", "DaemonSet", "DaemonSet" },
	{ "batch", "Job", "Job" },
	{ "batch", "CronJob", "CronJob" },
};

/* ---- lookups ----------------------------------------------------------------- */

const struct ck_patch_type *ck_patch_meta_type(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(types); i++) {
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	}
	return NULL;
}

const struct ck_patch_type *ck_patch_meta_kind(const char *api_version, const char *kind)
{
	size_t group_len = 0;
	const char *slash = api_version ? strchr(api_version, '/') : NULL;

	if (!kind)
		return NULL;
	if (slash)
		group_len = (size_t)(slash - api_version);
	for (size_t i = 0; i < CK_ARRAY_SIZE(kinds); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		if (api_version && (strlen(kinds[i].group) != group_len ||
				    strncmp(kinds[i].group, api_version, group_len) != 0))
			continue;
		return ck_patch_meta_type(kinds[i].type);
	}
	return NULL;
}

const char *ck_patch_meta_type_name(const struct ck_patch_type *type)
{
	return type ? type->name : "unknown";
}

int ck_patch_meta_parse_strategy(const char *tag, unsigned *ret)
{
	unsigned bits = 0;
	int n = 0;
	const char *s = tag ? tag : "";

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		unsigned bit;
		if (len == 5 && strncmp(s, "merge", len) == 0)
			bit = CK_PATCH_MERGE;
		else if (len == 7 && strncmp(s, "replace", len) == 0)
			bit = CK_PATCH_REPLACE;
		else if (len == 10 && strncmp(s, "retainKeys", len) == 0)
			bit = CK_PATCH_RETAIN_KEYS;
		else
			return -EINVAL;
		bits |= bit;
		n++;
		s += len;
		if (*s == ',')
			s++;
	}
	/* upstream: at most two, and then one of them is retainKeys */
	if (n > 2 || (n == 2 && !(bits & CK_PATCH_RETAIN_KEYS)) ||
	    (n == 2 && __builtin_popcount(bits) != 2))
		return -EINVAL;
	*ret = bits;
	return 0;
}

int ck_patch_meta_field(const struct ck_patch_type *type, const char *field,
			struct ck_patch_field *ret)
{
	struct ck_patch_field f = { CK_PATCH_NONE, NULL, NULL };

	if (type && type->is_map) {
		f.type = ck_patch_meta_type(type->map_of);
	} else if (type) {
		const struct field_row *row = NULL;
		for (size_t i = 0; i < type->n_fields; i++) {
			if (strcmp(type->fields[i].field, field) == 0) {
				row = &type->fields[i];
				break;
			}
		}
		if (!row && type->strict)
			return -ENOENT;
		if (row) {
			/* the table is ours: a bad tag in it is a bug */
			CK_BUG_ON(ck_patch_meta_parse_strategy(row->strategy, &f.strategy) < 0);
			f.merge_key = row->merge_key;
			f.type = ck_patch_meta_type(row->type);
		}
	}
	*ret = f;
	return 0;
}
