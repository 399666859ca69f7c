/*
 * NodePorts: a pod's host ports must be free on the node. Two uses
 * conflict when protocol and port are equal and either host IP is
 * 0.0.0.0 (or empty) or both are the same (upstream HostPortInfo).
 */
#include "scheduler/framework.h"
#include "util/str.h"

static bool wildcard(const char *ip)
{
	return !*ip || ck_streq(ip, "0.0.0.0") || ck_streq(ip, "::");
}

static bool conflict(const struct ck_sched_host_port *a, const struct ck_sched_host_port *b)
{
	if (a->port != b->port || !ck_streq(a->protocol, b->protocol))
		return false;
	return wildcard(a->host_ip) || wildcard(b->host_ip) || ck_streq(a->host_ip, b->host_ip);
}

static enum ck_sched_code filter(void *priv, const struct ck_sched_cycle *c, int idx,
				 const struct ck_sched_pod *pod, const struct ck_sched_node *node,
				 struct ck_sched_status *st)
{
	(void)priv, (void)c, (void)idx;
	for (size_t i = 0; i < pod->n_ports; i++)
		for (size_t j = 0; j < node->n_pods; j++)
			for (size_t k = 0; k < node->pods[j]->n_ports; k++)
				if (conflict(&pod->ports[i], &node->pods[j]->ports[k]))
					return ck_sched_status_fail(
					    st, CK_SCHED_UNSCHEDULABLE,
					    "node(s) didn't have free ports for the requested pod "
					    "ports");
	return CK_SCHED_SUCCESS;
}

const struct ck_sched_plugin_ops ck_sched_plugin_node_ports = {
	.name = "NodePorts",
	.filter = filter,
};
