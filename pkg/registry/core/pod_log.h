/*
 * pods/log (pod_log.c): the location of a container's log on its node's
 * kubelet, for the server to proxy (a CK_SUB_STREAM subresource).
 */
#ifndef CK_REGISTRY_CORE_POD_LOG_H
#define CK_REGISTRY_CORE_POD_LOG_H

#include <json-c/json.h>

#include "registry/registry.h"

/*
 * The kubelet URL of the log the request's PodLogOptions ask for (ret->url
 * owned; NULL for a pod on no node yet), or a negative errno with
 * *ret_status (owned): 400/422 for bad options, 404 for a missing pod or
 * node, 400 for a container that is not the pod's or not named when needed.
 */
int ck_pod_log_locate(const struct ck_subresource_request *req, struct ck_stream_location *ret,
		      json_object **ret_status);

#endif
