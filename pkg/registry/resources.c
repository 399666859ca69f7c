/* The resource table: one line per served resource, in discovery order. */
#include "registry/registry.h"

extern const struct ck_resource ck_resource_namespaces;
extern const struct ck_resource ck_resource_configmaps;
extern const struct ck_resource ck_resource_secrets;
extern const struct ck_resource ck_resource_serviceaccounts;
extern const struct ck_resource ck_resource_events;
extern const struct ck_resource ck_resource_events_v1;
extern const struct ck_resource ck_resource_leases;

const struct ck_resource *const ck_resources[] = {
	&ck_resource_configmaps,      &ck_resource_events,
	&ck_resource_namespaces,      &ck_resource_secrets,
	&ck_resource_serviceaccounts, &ck_resource_leases,
	&ck_resource_events_v1,	      NULL,
};
