/*
 * The objects a pod references (upstream's podutil.VisitPodSecretNames,
 * VisitPodConfigmapNames and the Node authorizer's graph edges): secrets
 * (volumes, projected sources, image pull secrets, env and envFrom, the
 * secret references of CSI and other volume sources), configmaps (volumes,
 * projected sources, env and envFrom), persistent volume claims (volumes,
 * and "<pod>-<volume>" for generic ephemeral volumes) and the service
 * account. Every container list counts (init and ephemeral containers too).
 */
#ifndef CK_API_PODREFS_H
#define CK_API_PODREFS_H

#include <json-c/json.h>
#include <stdbool.h>

enum ck_pod_ref_kind {
	CK_POD_REF_SECRET,
	CK_POD_REF_CONFIGMAP,
	CK_POD_REF_PVC,
	CK_POD_REF_SERVICE_ACCOUNT,
};

/* Called once per reference (names may repeat); return false to stop. */
typedef bool (*ck_pod_ref_fn)(void *ctx, enum ck_pod_ref_kind kind, const char *name);

/* Visits pod's references (pod borrowed); false when fn stopped it. */
bool ck_api_pod_visit_refs(json_object *pod, ck_pod_ref_fn fn, void *ctx);

/* Whether pod references the object of kind named name. */
bool ck_api_pod_references(json_object *pod, enum ck_pod_ref_kind kind, const char *name);

#endif
