/*
 * PrioritySort: the queue order, higher spec.priority first, then earlier
 * enqueue time. The queue (queue.c) applies it; the entry here lets
 * profiles name it as upstream's do.
 */
#include "scheduler/framework.h"

const struct ck_sched_plugin_ops ck_sched_plugin_priority_sort = {
	.name = "PrioritySort",
};
