/* DefaultBinder: POST a Binding to pods/<name>/binding. */
#include <stdio.h>

#include "client/rest.h"
#include "scheduler/scheduler.h"
#include "util/str.h"

static int bind(void *priv, struct ck_scheduler *s, const struct ck_sched_pod *pod,
		const char *node, char **ret_err)
{
	(void)priv;
	json_object *b = json_object_new_object();
	json_object_object_add(b, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(b, "kind", json_object_new_string("Binding"));
	json_object *meta = json_object_new_object();
	json_object_object_add(meta, "name", json_object_new_string(pod->name));
	json_object_object_add(meta, "namespace", json_object_new_string(pod->ns));
	json_object_object_add(meta, "uid", json_object_new_string(pod->uid));
	json_object_object_add(b, "metadata", meta);
	json_object *target = json_object_new_object();
	json_object_object_add(target, "kind", json_object_new_string("Node"));
	json_object_object_add(target, "name", json_object_new_string(node));
	json_object_object_add(b, "target", target);
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_client_request req = { .verb = "POST",
					 .version = "v1",
					 .resource = "pods",
					 .namespace = pod->ns,
					 .name = pod->name,
					 .subresource = "binding",
					 .body = b };
	int r = ck_client_do(ck_scheduler_client(s), &req, NULL, &err);
	if (r < 0 && ret_err)
		*ret_err = ck_strdup(err.message);
	ck_client_error_release(&err);
	json_object_put(b);
	return r;
}

const struct ck_sched_plugin_ops ck_sched_plugin_default_binder = {
	.name = "DefaultBinder",
	.bind = bind,
};
