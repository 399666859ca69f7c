/*
 * A pod's quality-of-service class (upstream's pkg/apis/core/helper/qos
 * ComputePodQOS), from the cpu and memory requests and limits of its
 * containers and init containers: BestEffort when none is set above zero,
 * Guaranteed when every container limits both and every request equals its
 * limit, else Burstable.
 */
#ifndef CK_API_QOS_H
#define CK_API_QOS_H

#include <json-c/json.h>

/* "Guaranteed", "Burstable" or "BestEffort" (static); pod is borrowed. */
const char *ck_api_pod_qos_class(json_object *pod);

#endif
