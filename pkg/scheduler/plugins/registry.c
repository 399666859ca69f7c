/* Every plugin, in upstream's default profile order (getDefaultPlugins, v1.30). */
#include <stddef.h>

#include "scheduler/framework.h"
#include "util/str.h"

extern const struct ck_sched_plugin_ops ck_sched_plugin_priority_sort;
extern const struct ck_sched_plugin_ops ck_sched_plugin_node_unschedulable;
extern const struct ck_sched_plugin_ops ck_sched_plugin_node_name;
extern const struct ck_sched_plugin_ops ck_sched_plugin_taint_toleration;
extern const struct ck_sched_plugin_ops ck_sched_plugin_node_affinity;
extern const struct ck_sched_plugin_ops ck_sched_plugin_node_ports;
extern const struct ck_sched_plugin_ops ck_sched_plugin_node_resources_fit;
extern const struct ck_sched_plugin_ops ck_sched_plugin_pod_topology_spread;
extern const struct ck_sched_plugin_ops ck_sched_plugin_inter_pod_affinity;
extern const struct ck_sched_plugin_ops ck_sched_plugin_default_preemption;
extern const struct ck_sched_plugin_ops ck_sched_plugin_balanced_allocation;
extern const struct ck_sched_plugin_ops ck_sched_plugin_image_locality;
extern const struct ck_sched_plugin_ops ck_sched_plugin_default_binder;

const struct ck_sched_plugin_ops *const ck_sched_plugins[] = {
	&ck_sched_plugin_priority_sort,	      &ck_sched_plugin_node_unschedulable,
	&ck_sched_plugin_node_name,	      &ck_sched_plugin_taint_toleration,
	&ck_sched_plugin_node_affinity,	      &ck_sched_plugin_node_ports,
	&ck_sched_plugin_node_resources_fit,  &ck_sched_plugin_pod_topology_spread,
	&ck_sched_plugin_inter_pod_affinity,  &ck_sched_plugin_default_preemption,
	&ck_sched_plugin_balanced_allocation, &ck_sched_plugin_image_locality,
	&ck_sched_plugin_default_binder,      NULL,
};

const struct ck_sched_plugin_ops *ck_sched_plugin_find(const char *name)
{
	for (size_t i = 0; ck_sched_plugins[i]; i++)
		if (ck_streq(ck_sched_plugins[i]->name, name))
			return ck_sched_plugins[i];
	return NULL;
}
