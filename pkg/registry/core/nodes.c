/*
 * core/v1 nodes (upstream's pkg/registry/core/node): cluster-scoped; the
 * status a kubelet registers with is kept on create; spec.podCIDRs set once,
 * taints, unschedulable; nodes/status; the `spec.unschedulable` field
 * selector; the `kubectl get nodes` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/netaddr.h"
#include "util/str.h"

/* podCIDR and podCIDRs agree, as upstream's v1 conversion makes them. */
static void sync_pod_cidrs(json_object *spec)
{
	json_object *cidrs = ck_core_arr(spec, "podCIDRs");
	const char *cidr = ck_core_str(spec, "podCIDR");
	if (ck_core_len(cidrs)) {
		json_object_object_add(spec, "podCIDR", ck_obj_copy(ck_core_at(cidrs, 0)));
	} else if (*cidr) {
		json_object *a = json_object_new_array();
		json_object_array_add(a, json_object_new_string(cidr));
		json_object_object_add(spec, "podCIDRs", a);
	}
}

static void default_node(json_object *obj)
{
	json_object *spec = ck_core_obj(obj, "spec");
	if (spec)
		sync_pod_cidrs(spec);
	json_object *status = ck_core_obj(obj, "status");
	json_object *cap = ck_core_obj(status, "capacity");
	ck_core_default_resource_list(cap);
	ck_core_default_resource_list(ck_core_obj(status, "allocatable"));
	/* SetDefaults_NodeStatus: allocatable defaults to capacity */
	if (cap && !ck_core_get(status, "allocatable"))
		json_object_object_add(status, "allocatable", ck_obj_copy(cap));
}

static void prepare_create(json_object *obj)
{
	/* A node is created with the status its kubelet reports. */
	default_node(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	json_object *status = ck_core_get(old, "status");
	if (status)
		json_object_object_add(obj, "status", ck_obj_copy(status));
	else
		json_object_object_del(obj, "status");
	default_node(obj);
}

static void prepare_status_update(json_object *obj, json_object *old)
{
	(void)old;
	default_node(obj);
}

/* ValidateNodeResources */
static void node_resources(json_object *obj, struct ck_field_errors *e)
{
	json_object *status = ck_core_obj(obj, "status");
	static const char *const lists[] = { "capacity", "allocatable" };
	for (size_t l = 0; l < 2; l++) {
		json_object *list = ck_core_obj(status, lists[l]);
		if (!list)
			continue;
		json_object_object_foreach (list, name, q) {
			char path[320];
			snprintf(path, sizeof(path), "status.%s.%.253s", lists[l], name);
			ck_core_validate_resource_quantity(name, q, path, e);
		}
	}
}

static void validate_taints(json_object *obj, struct ck_field_errors *e)
{
	json_object *taints = ck_core_arr(ck_core_obj(obj, "spec"), "taints");
	if (!ck_core_len(taints))
		return;
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "metadata.taints"); /* (sic) upstream's path */
	ck_core_validate_taints(taints, &p, e);
	ck_buf_release(&p);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	validate_taints(obj, e);
	node_resources(obj, e);
	json_object *cidrs = ck_core_arr(ck_core_obj(obj, "spec"), "podCIDRs");
	size_t n = ck_core_len(cidrs);
	char path[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "spec.podCIDRs[%zu]", i);
		ck_core_validate_cidr(json_object_get_string(ck_core_at(cidrs, i)), path, e);
	}
	if (n > 1) {
		int v6 = 0;
		for (size_t i = 0; i < n; i++) {
			struct ck_cidr c;
			if (ck_cidr_parse(json_object_get_string(ck_core_at(cidrs, i)), &c) == 0)
				v6 += c.ip.family == CK_IP_V6;
		}
		if (n > 2 || v6 != 1)
			ck_field_errors_add_invalid(e, "spec.podCIDRs", cidrs,
						    "may specify no more than one CIDR for each IP "
						    "family");
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (ck_streq(json_object_get_string(ck_core_at(cidrs, i)),
					     json_object_get_string(ck_core_at(cidrs, j)))) {
					snprintf(path, sizeof(path), "spec.podCIDRs[%zu]", i);
					ck_field_errors_add_duplicate(e, path,
								      ck_core_at(cidrs, i));
					break;
				}
	}
}

/* ValidateNodeUpdate beyond what validate checks again. */
static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	json_object *addrs = ck_core_arr(ck_core_obj(obj, "status"), "addresses");
	for (size_t i = 1; i < ck_core_len(addrs); i++)
		for (size_t j = 0; j < i; j++)
			if (ck_core_equal(ck_core_at(addrs, i), ck_core_at(addrs, j))) {
				char path[64];
				snprintf(path, sizeof(path), "status.addresses[%zu]", i);
				ck_field_errors_add_duplicate(e, path, ck_core_at(addrs, i));
				break;
			}
	json_object *ocidrs = ck_core_arr(ospec, "podCIDRs"),
		    *cidrs = ck_core_arr(spec, "podCIDRs");
	if (ck_core_len(ocidrs)) {
		static const char msg[] =
		    "node updates may not change podCIDR except from \"\" to valid";
		if (ck_core_len(ocidrs) != ck_core_len(cidrs)) {
			ck_field_errors_add_forbidden(e, "spec.podCIDRs", msg);
		} else {
			for (size_t i = 0; i < ck_core_len(ocidrs); i++)
				if (!ck_core_equal(ck_core_at(ocidrs, i), ck_core_at(cidrs, i)))
					ck_field_errors_add_forbidden(e, "spec.podCIDRs", msg);
		}
	}
	const char *opid = ck_core_str(ospec, "providerID");
	if (*opid && !ck_streq(opid, ck_core_str(spec, "providerID")))
		ck_field_errors_add_forbidden(e, "spec.providerID",
					      "node updates may not change providerID except from "
					      "\"\" to valid");
	if (!ck_core_equal(ck_core_get(spec, "externalID"), ck_core_get(ospec, "externalID")))
		ck_field_errors_add_forbidden(e, "spec.externalID", "may not be updated");
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	validate(obj, e);
	validate_update(obj, old, e);
}

static const char *field_text(json_object *obj, const char *field, char *out, size_t size)
{
	if (!ck_streq(field, "spec.unschedulable"))
		return NULL;
	snprintf(out, size, "%s",
		 ck_core_bool(ck_core_obj(obj, "spec"), "unschedulable") ? "true" : "false");
	return out;
}

/* ---- the `kubectl get nodes` row (upstream's printNode) ---- */

static json_object *cell_status(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct ck_buf b = CK_BUF_INIT;
	json_object *conds = ck_core_arr(ck_core_obj(obj, "status"), "conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (!ck_streq(ck_core_str(c, "type"), "Ready"))
			continue;
		ck_buf_adds(&b, ck_streq(ck_core_str(c, "status"), "True") ? "Ready" : "NotReady");
		break;
	}
	if (!b.len)
		ck_buf_adds(&b, "Unknown");
	if (ck_core_bool(ck_core_obj(obj, "spec"), "unschedulable"))
		ck_buf_adds(&b, ",SchedulingDisabled");
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_object *cell_roles(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *labels = ck_obj_labels(obj);
	size_t n = labels ? (size_t)json_object_object_length(labels) : 0;
	const char **roles = ck_calloc(n ? n : 1, sizeof(char *));
	size_t k = 0;
	if (labels) {
		json_object_object_foreach (labels, key, v) {
			const char *role = NULL;
			if (ck_str_has_prefix(key, "node-role.kubernetes.io/"))
				role = key + strlen("node-role.kubernetes.io/");
			else if (ck_streq(key, "kubernetes.io/role"))
				role = json_object_get_string(v);
			if (!role || !*role)
				continue;
			bool dup = false;
			for (size_t j = 0; j < k; j++)
				dup |= ck_streq(roles[j], role);
			if (!dup)
				roles[k++] = role;
		}
	}
	qsort(roles, k, sizeof(char *), cmp_str);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < k; i++)
		ck_buf_addf(&b, "%s%s", i ? "," : "", roles[i]);
	json_object *out = json_object_new_string(k ? ck_buf_str(&b) : "<none>");
	ck_buf_release(&b);
	free(roles);
	return out;
}

static json_object *cell_version(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(
	    ck_core_str(ck_core_obj(ck_core_obj(obj, "status"), "nodeInfo"), "kubeletVersion"));
}

static json_object *address(json_object *obj, const char *type)
{
	json_object *addrs = ck_core_arr(ck_core_obj(obj, "status"), "addresses");
	for (size_t i = 0; i < ck_core_len(addrs); i++) {
		json_object *a = ck_core_at(addrs, i);
		if (ck_streq(ck_core_str(a, "type"), type))
			return json_object_new_string(ck_core_str(a, "address"));
	}
	return json_object_new_string("<none>");
}

static json_object *cell_internal_ip(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return address(obj, "InternalIP");
}

static json_object *cell_external_ip(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return address(obj, "ExternalIP");
}

static json_object *node_info(json_object *obj, const char *key)
{
	const char *v = ck_core_str(ck_core_obj(ck_core_obj(obj, "status"), "nodeInfo"), key);
	return json_object_new_string(*v ? v : "<unknown>");
}

static json_object *cell_os_image(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return node_info(obj, "osImage");
}

static json_object *cell_kernel(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return node_info(obj, "kernelVersion");
}

static json_object *cell_runtime(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return node_info(obj, "containerRuntimeVersion");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Status", "string", "", "The status of the node", 0, cell_status },
	{ "Roles", "string", "", "The roles of the node", 0, cell_roles },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "Version", "string", "", "Kubelet Version reported by the node.", 0, cell_version },
	{ "Internal-IP", "string", "", "List of addresses reachable to the node.", 1,
	  cell_internal_ip },
	{ "External-IP", "string", "", "List of addresses reachable to the node.", 1,
	  cell_external_ip },
	{ "OS-Image", "string", "", "OS Image reported by the node from /etc/os-release", 1,
	  cell_os_image },
	{ "Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r'", 1,
	  cell_kernel },
	{ "Container-Runtime", "string", "",
	  "ContainerRuntime Version reported by the node through runtime remote API", 1,
	  cell_runtime },
	{ 0 },
};

static const struct ck_subresource subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const short_names[] = { "no", NULL };
static const char *const field_selectors[] = { "spec.unschedulable", NULL };

const struct ck_resource ck_resource_nodes = {
	CK_CORE("v1"),
	.resource = "nodes",
	.singular = "node",
	.kind = "Node",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.subresources = subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.field_text = field_text,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.prepare_status_update = prepare_status_update,
	.validate_status_update = validate_status_update,
};
