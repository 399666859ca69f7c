/* The resource table: one line per served resource, in discovery order. */
#include "registry/registry.h"

extern const struct ck_resource ck_resource_namespaces;
extern const struct ck_resource ck_resource_mutatingwebhookconfigurations;
extern const struct ck_resource ck_resource_validatingwebhookconfigurations;
extern const struct ck_resource ck_resource_configmaps;
extern const struct ck_resource ck_resource_secrets;
extern const struct ck_resource ck_resource_serviceaccounts;
extern const struct ck_resource ck_resource_events;
extern const struct ck_resource ck_resource_events_v1;
extern const struct ck_resource ck_resource_leases;
extern const struct ck_resource ck_resource_tokenreviews;
extern const struct ck_resource ck_resource_selfsubjectreviews;
extern const struct ck_resource ck_resource_localsubjectaccessreviews;
extern const struct ck_resource ck_resource_selfsubjectaccessreviews;
extern const struct ck_resource ck_resource_selfsubjectrulesreviews;
extern const struct ck_resource ck_resource_subjectaccessreviews;
extern const struct ck_resource ck_resource_clusterrolebindings;
extern const struct ck_resource ck_resource_clusterroles;
extern const struct ck_resource ck_resource_rolebindings;
extern const struct ck_resource ck_resource_roles;
extern const struct ck_resource ck_resource_componentstatuses;
extern const struct ck_resource ck_resource_endpoints;
extern const struct ck_resource ck_resource_limitranges;
extern const struct ck_resource ck_resource_nodes;
extern const struct ck_resource ck_resource_persistentvolumeclaims;
extern const struct ck_resource ck_resource_persistentvolumes;
extern const struct ck_resource ck_resource_pods;
extern const struct ck_resource ck_resource_podtemplates;
extern const struct ck_resource ck_resource_replicationcontrollers;
extern const struct ck_resource ck_resource_resourcequotas;
extern const struct ck_resource ck_resource_services;
extern const struct ck_resource ck_resource_controllerrevisions;
extern const struct ck_resource ck_resource_cronjobs;
extern const struct ck_resource ck_resource_daemonsets;
extern const struct ck_resource ck_resource_deployments;
extern const struct ck_resource ck_resource_jobs;
extern const struct ck_resource ck_resource_horizontalpodautoscalers_v1;
extern const struct ck_resource ck_resource_horizontalpodautoscalers_v2;
extern const struct ck_resource ck_resource_replicasets;
extern const struct ck_resource ck_resource_statefulsets;
extern const struct ck_resource ck_resource_customresourcedefinitions;
extern const struct ck_resource ck_resource_endpointslices;
extern const struct ck_resource ck_resource_ingressclasses;
extern const struct ck_resource ck_resource_ingresses;
extern const struct ck_resource ck_resource_networkpolicies;
extern const struct ck_resource ck_resource_poddisruptionbudgets;
extern const struct ck_resource ck_resource_priorityclasses;
extern const struct ck_resource ck_resource_storageclasses;

const struct ck_resource *const ck_resources[] = {
	&ck_resource_componentstatuses,
	&ck_resource_configmaps,
	&ck_resource_endpoints,
	&ck_resource_events,
	&ck_resource_limitranges,
	&ck_resource_namespaces,
	&ck_resource_nodes,
	&ck_resource_persistentvolumeclaims,
	&ck_resource_persistentvolumes,
	&ck_resource_pods,
	&ck_resource_podtemplates,
	&ck_resource_replicationcontrollers,
	&ck_resource_resourcequotas,
	&ck_resource_secrets,
	&ck_resource_serviceaccounts,
	&ck_resource_services,
	&ck_resource_controllerrevisions,
	&ck_resource_daemonsets,
	&ck_resource_deployments,
	&ck_resource_replicasets,
	&ck_resource_statefulsets,
	&ck_resource_cronjobs,
	&ck_resource_jobs,
	&ck_resource_horizontalpodautoscalers_v2,
	&ck_resource_horizontalpodautoscalers_v1,
	&ck_resource_ingressclasses,
	&ck_resource_ingresses,
	&ck_resource_networkpolicies,
	&ck_resource_poddisruptionbudgets,
	&ck_resource_leases,
	&ck_resource_events_v1,
	&ck_resource_tokenreviews,
	&ck_resource_selfsubjectreviews,
	&ck_resource_localsubjectaccessreviews,
	&ck_resource_selfsubjectaccessreviews,
	&ck_resource_selfsubjectrulesreviews,
	&ck_resource_subjectaccessreviews,
	&ck_resource_clusterrolebindings,
	&ck_resource_clusterroles,
	&ck_resource_rolebindings,
	&ck_resource_roles,
	&ck_resource_storageclasses,
	&ck_resource_mutatingwebhookconfigurations,
	&ck_resource_validatingwebhookconfigurations,
	&ck_resource_customresourcedefinitions,
	&ck_resource_priorityclasses,
	&ck_resource_endpointslices,
	NULL,
};
