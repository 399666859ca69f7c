/*
 * What scheduling.k8s.io shares with the rest of the server: the system
 * PriorityClasses upstream bootstraps (scheduling.SystemPriorityClasses()),
 * which the Priority admission plugin resolves even before they exist.
 */
#ifndef CK_REGISTRY_SCHEDULING_SCHEDULING_H
#define CK_REGISTRY_SCHEDULING_SCHEDULING_H

#include <stddef.h>
#include <stdint.h>

struct ck_system_priority_class {
	const char *name;
	int64_t value;
	const char *description;
};

/* system-node-critical (2000001000) and system-cluster-critical (2000000000). */
extern const struct ck_system_priority_class ck_system_priority_classes[];
extern const size_t ck_system_priority_classes_len;

#endif
