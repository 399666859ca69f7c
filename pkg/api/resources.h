/*
 * Resource arithmetic on pods and nodes (upstream's
 * k8s.io/component-helpers/resource PodRequests and the scheduler's
 * framework.Resource), on compact integers extracted once per object
 * version: cpu in millicores, memory and ephemeral storage in bytes, pods
 * as a count, extended resources ("example.com/gpu", hugepages-*) by name.
 *
 * A pod's request is max(sum of its containers' requests, largest init
 * container request) per resource, where a restartable init container
 * (restartPolicy Always, a sidecar) also counts toward the sum of the
 * containers started after it, plus spec.overhead. Limits stand in for
 * missing requests (upstream's defaulting of requests from limits).
 */
#ifndef CK_API_RESOURCES_H
#define CK_API_RESOURCES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* Extended resources one object may name; more are ignored (a limit of ckube). */
#define CK_API_MAX_SCALAR 8
#define CK_API_SCALAR_NAME_MAX 64

/* The scheduler's defaults for a container without cpu/memory requests (upstream
 * util/pod_resources.go). */
#define CK_API_DEFAULT_MILLI_CPU_REQUEST 100
#define CK_API_DEFAULT_MEMORY_REQUEST (200 * 1024 * 1024)

struct ck_api_scalar {
	char name[CK_API_SCALAR_NAME_MAX];
	int64_t value;
};

/* Plain values; copy with '='. */
struct ck_api_resources {
	int64_t milli_cpu;
	int64_t memory;
	int64_t ephemeral_storage;
	int64_t pods;
	int n_scalar;
	struct ck_api_scalar scalar[CK_API_MAX_SCALAR];
};

/* Adds a ResourceList ({"cpu":"500m","memory":"1Gi",...}; borrowed, may be NULL) to r. */
void ck_api_resources_add_list(struct ck_api_resources *r, json_object *list);
/* r += o, r -= o, r = max(r, o), per resource. */
void ck_api_resources_add(struct ck_api_resources *r, const struct ck_api_resources *o);
void ck_api_resources_sub(struct ck_api_resources *r, const struct ck_api_resources *o);
void ck_api_resources_max(struct ck_api_resources *r, const struct ck_api_resources *o);
/* An extended resource's value (0 when absent). */
int64_t ck_api_resources_scalar(const struct ck_api_resources *r, const char *name);
/* Whether name is cpu, memory, ephemeral-storage or pods. */
bool ck_api_resource_is_native(const char *name);

/*
 * A pod's effective request (see the top) into *ret; and, when
 * ret_non_zero is not NULL, the same with the scheduler's defaults
 * (100m cpu, 200Mi memory) for containers that request none of them
 * (upstream's NonZeroRequested). pods is 1 in both. pod is borrowed.
 */
void ck_api_pod_requests(json_object *pod, struct ck_api_resources *ret,
			 struct ck_api_resources *ret_non_zero);

/* A node's status.allocatable (or capacity when allocatable is absent). */
void ck_api_node_allocatable(json_object *node, struct ck_api_resources *ret);

#endif
