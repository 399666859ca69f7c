/*
 * networking.k8s.io/v1 networkpolicies (upstream's
 * pkg/registry/networking/networkpolicy and pkg/apis/networking/validation):
 * ports default to protocol TCP; policyTypes default to Ingress, plus Egress
 * when egress rules exist; selectors, ports (numbers, names, endPort) and
 * peers (exactly one kind when ipBlock, ipBlock's except a strict subset of
 * its cidr) validated; generation; the `kubectl get netpol` columns.
 */
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/netaddr.h"
#include "util/str.h"

static const char *const directions[][2] = { { "ingress", "from" }, { "egress", "to" } };

static void prepare_create(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	/* podSelector is a plain struct upstream: always written */
	ck_core_ensure_obj(spec, "podSelector");
	for (size_t d = 0; d < CK_ARRAY_SIZE(directions); d++) {
		json_object *rules = ck_core_arr(spec, directions[d][0]);
		for (size_t i = 0; i < ck_core_len(rules); i++) {
			json_object *ports = ck_core_arr(ck_core_at(rules, i), "ports");
			for (size_t j = 0; j < ck_core_len(ports); j++) {
				json_object *p = ck_core_at(ports, j);
				if (json_object_is_type(p, json_type_object) &&
				    !ck_core_get(p, "protocol"))
					json_object_object_add(p, "protocol",
							       json_object_new_string("TCP"));
			}
		}
	}
	if (!ck_core_len(ck_core_arr(spec, "policyTypes"))) {
		json_object *types = json_object_new_array();
		json_object_array_add(types, json_object_new_string("Ingress"));
		if (ck_core_len(ck_core_arr(spec, "egress")))
			json_object_array_add(types, json_object_new_string("Egress"));
		json_object_object_add(spec, "policyTypes", types);
	}
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	prepare_create(obj);
}

static void validate_port(json_object *port, struct ck_buf *p, struct ck_field_errors *errs)
{
	json_object *proto = ck_core_get(port, "protocol");
	if (proto) {
		const char *s = json_object_get_string(proto);
		static const char *const valid[] = { "TCP", "UDP", "SCTP" };
		if (!ck_streq(s, "TCP") && !ck_streq(s, "UDP") && !ck_streq(s, "SCTP")) {
			size_t m = ck_core_path_child(p, "protocol");
			ck_field_errors_add_not_supported(errs, ck_buf_str(p), proto, valid,
							  CK_ARRAY_SIZE(valid));
			ck_buf_truncate(p, m);
		}
	}
	json_object *num = ck_core_get(port, "port"), *end = ck_core_get(port, "endPort");
	int64_t endv = end ? json_object_get_int64(end) : 0;
	if (num && json_object_is_type(num, json_type_int)) {
		int64_t v = json_object_get_int64(num);
		size_t m = ck_core_path_child(p, "port");
		char **msgs = ck_is_valid_port_num(v);
		for (size_t i = 0; msgs && msgs[i]; i++)
			ck_field_errors_add_invalid_int(errs, ck_buf_str(p), v, msgs[i]);
		ck_strv_free(msgs);
		ck_buf_truncate(p, m);
		if (end) {
			m = ck_core_path_child(p, "endPort");
			if (endv < v)
				ck_field_errors_add_invalid_int(errs, ck_buf_str(p), v,
								"must be greater than or equal to "
								"`port`");
			msgs = ck_is_valid_port_num(endv);
			for (size_t i = 0; msgs && msgs[i]; i++)
				ck_field_errors_add_invalid_int(errs, ck_buf_str(p), endv, msgs[i]);
			ck_strv_free(msgs);
			ck_buf_truncate(p, m);
		}
	} else if (num) {
		size_t m;
		if (end) {
			m = ck_core_path_child(p, "endPort");
			ck_field_errors_add_invalid_int(errs, ck_buf_str(p), endv,
							"may not be specified when `port` is "
							"non-numeric");
			ck_buf_truncate(p, m);
		}
		m = ck_core_path_child(p, "port");
		const char *name = json_object_get_string(num);
		ck_core_add_msgs(errs, ck_buf_str(p), name, ck_is_valid_port_name(name));
		ck_buf_truncate(p, m);
	} else if (end) {
		size_t m = ck_core_path_child(p, "endPort");
		ck_field_errors_add_invalid_int(
		    errs, ck_buf_str(p), endv, "may not be specified when `port` is not specified");
		ck_buf_truncate(p, m);
	}
}

static void validate_ip_block(json_object *ipb, struct ck_buf *p, struct ck_field_errors *errs)
{
	const char *cidr = ck_core_str(ipb, "cidr");
	size_t m = ck_core_path_child(p, "cidr");
	if (!*cidr) {
		ck_field_errors_add_required(errs, ck_buf_str(p), NULL);
		ck_buf_truncate(p, m);
		return;
	}
	ck_core_validate_cidr(cidr, ck_buf_str(p), errs);
	ck_buf_truncate(p, m);
	struct ck_cidr block;
	if (ck_cidr_parse(cidr, &block) < 0)
		return;
	json_object *except = ck_core_arr(ipb, "except");
	m = ck_core_path_child(p, "except");
	for (size_t i = 0; i < ck_core_len(except); i++) {
		const char *e = json_object_get_string(ck_core_at(except, i));
		size_t m2 = ck_core_path_index(p, i);
		struct ck_cidr sub;
		if (ck_cidr_parse(e, &sub) < 0) {
			ck_core_validate_cidr(e, ck_buf_str(p), errs);
			ck_buf_truncate(p, m2);
			break;
		}
		if (!ck_cidr_contains(&block, &sub.ip) || block.prefix >= sub.prefix)
			ck_field_errors_add_invalid_str(errs, ck_buf_str(p), e,
							"must be a strict subset of `cidr`");
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static void validate_peer(json_object *peer, struct ck_buf *p, struct ck_field_errors *errs)
{
	int peers = 0;
	static const char *const selectors[] = { "podSelector", "namespaceSelector" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(selectors); i++) {
		json_object *sel = ck_core_obj(peer, selectors[i]);
		if (!sel)
			continue;
		peers++;
		size_t m = ck_core_path_child(p, selectors[i]);
		ck_core_validate_label_selector(sel, p, errs);
		ck_buf_truncate(p, m);
	}
	json_object *ipb = ck_core_obj(peer, "ipBlock");
	if (ipb) {
		peers++;
		size_t m = ck_core_path_child(p, "ipBlock");
		validate_ip_block(ipb, p, errs);
		ck_buf_truncate(p, m);
	}
	if (!peers)
		ck_field_errors_add_required(errs, ck_buf_str(p), "must specify a peer");
	else if (peers > 1 && ipb)
		ck_field_errors_add_forbidden(errs, ck_buf_str(p),
					      "may not specify both ipBlock and another peer");
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec");
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.podSelector");
	ck_core_validate_label_selector(ck_core_obj(spec, "podSelector"), &p, errs);
	for (size_t d = 0; d < CK_ARRAY_SIZE(directions); d++) {
		json_object *rules = ck_core_arr(spec, directions[d][0]);
		ck_buf_reset(&p);
		ck_buf_adds(&p, "spec");
		ck_core_path_child(&p, directions[d][0]);
		for (size_t i = 0; i < ck_core_len(rules); i++) {
			json_object *rule = ck_core_at(rules, i);
			size_t m0 = ck_core_path_index(&p, i);
			json_object *ports = ck_core_arr(rule, "ports");
			size_t m = ck_core_path_child(&p, "ports");
			for (size_t j = 0; j < ck_core_len(ports); j++) {
				size_t m2 = ck_core_path_index(&p, j);
				validate_port(ck_core_at(ports, j), &p, errs);
				ck_buf_truncate(&p, m2);
			}
			ck_buf_truncate(&p, m);
			json_object *peers = ck_core_arr(rule, directions[d][1]);
			m = ck_core_path_child(&p, directions[d][1]);
			for (size_t j = 0; j < ck_core_len(peers); j++) {
				size_t m2 = ck_core_path_index(&p, j);
				validate_peer(ck_core_at(peers, j), &p, errs);
				ck_buf_truncate(&p, m2);
			}
			ck_buf_truncate(&p, m0);
		}
	}
	ck_buf_release(&p);
	json_object *types = ck_core_arr(spec, "policyTypes");
	if (ck_core_len(types) > 2) {
		ck_field_errors_add_invalid(errs, "spec.policyTypes", types,
					    "may not specify more than two policyTypes");
		return;
	}
	static const char *const valid[] = { "Ingress", "Egress" };
	for (size_t i = 0; i < ck_core_len(types); i++) {
		json_object *t = ck_core_at(types, i);
		const char *s = json_object_get_string(t);
		if (!ck_streq(s, "Ingress") && !ck_streq(s, "Egress")) {
			char path[64];
			snprintf(path, sizeof(path), "spec.policyTypes[%zu]", i);
			ck_field_errors_add_not_supported(errs, path, t, valid,
							  CK_ARRAY_SIZE(valid));
		}
	}
}

/* metav1.FormatLabelSelector: "<none>" for an empty selector. */
static json_object *cell_pod_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *s = ck_workload_cell_selector(obj, "spec.podSelector");
	if (json_object_get_string_len(s) == 0) {
		json_object_put(s);
		s = json_object_new_string("<none>");
	}
	return s;
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Pod-Selector", "string", "",
	  "podSelector selects the pods to which this NetworkPolicy object applies.", 0,
	  cell_pod_selector },
	CK_COLUMN_AGE,
	{ 0 },
};

static const char *const short_names[] = { "netpol", NULL };

const struct ck_resource ck_resource_networkpolicies = {
	CK_GROUP("networking.k8s.io", "v1"),
	.resource = "networkpolicies",
	.singular = "networkpolicy",
	.kind = "NetworkPolicy",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
};
