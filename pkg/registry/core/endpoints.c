/*
 * core/v1 endpoints (upstream's pkg/registry/core/endpoint): port
 * protocols defaulted, subsets validated, the `kubectl get endpoints`
 * columns.
 */
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/str.h"

static void default_endpoints(json_object *obj)
{
	json_object *subsets = ck_core_arr(obj, "subsets");
	for (size_t i = 0; i < ck_core_len(subsets); i++) {
		json_object *ports = ck_core_arr(ck_core_at(subsets, i), "ports");
		for (size_t j = 0; j < ck_core_len(ports); j++) {
			json_object *p = ck_core_at(ports, j);
			if (json_object_is_type(p, json_type_object))
				ck_core_default_str(p, "protocol", "TCP");
		}
	}
}

static void prepare_create(json_object *obj)
{
	default_endpoints(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_endpoints(obj);
}

static void address(json_object *a, const char *path, struct ck_field_errors *e)
{
	char p[256];
	const char *ip = ck_core_str(a, "ip");
	snprintf(p, sizeof(p), "%s.ip", path);
	ck_core_validate_ip(ip, p, e);
	const char *host = ck_core_str(a, "hostname");
	if (*host) {
		snprintf(p, sizeof(p), "%s.hostname", path);
		ck_core_validate_dns1123_label(host, p, e);
	}
	json_object *node = ck_core_get(a, "nodeName");
	if (node) {
		snprintf(p, sizeof(p), "%s.nodeName", path);
		const char *n = json_object_get_string(node);
		ck_core_add_msgs(e, p, n, ck_name_is_dns_subdomain(n, false));
	}
	snprintf(p, sizeof(p), "%s.ip", path);
	ck_core_validate_non_special_ip(ip, p, e);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *subsets = ck_core_arr(obj, "subsets");
	static const char *const protocols[] = { "SCTP", "TCP", "UDP" };
	char path[64], p[160];
	for (size_t i = 0; i < ck_core_len(subsets); i++) {
		json_object *ss = ck_core_at(subsets, i);
		json_object *addrs = ck_core_arr(ss, "addresses");
		json_object *nr = ck_core_arr(ss, "notReadyAddresses");
		json_object *ports = ck_core_arr(ss, "ports");
		snprintf(path, sizeof(path), "subsets[%zu]", i);
		if (!ck_core_len(addrs) && !ck_core_len(nr))
			ck_field_errors_add_required(
			    e, path, "must specify `addresses` or `notReadyAddresses`");
		for (size_t j = 0; j < ck_core_len(addrs); j++) {
			snprintf(p, sizeof(p), "%s.addresses[%zu]", path, j);
			address(ck_core_at(addrs, j), p, e);
		}
		for (size_t j = 0; j < ck_core_len(nr); j++) {
			snprintf(p, sizeof(p), "%s.notReadyAddresses[%zu]", path, j);
			address(ck_core_at(nr, j), p, e);
		}
		for (size_t j = 0; j < ck_core_len(ports); j++) {
			json_object *port = ck_core_at(ports, j);
			const char *name = ck_core_str(port, "name");
			snprintf(p, sizeof(p), "%s.ports[%zu].name", path, j);
			if (ck_core_len(ports) > 1 && !*name)
				ck_field_errors_add_required(e, p, "");
			else if (*name)
				ck_core_validate_dns1123_label(name, p, e);
			int64_t num = 0;
			ck_core_int(port, "port", &num);
			snprintf(p, sizeof(p), "%s.ports[%zu].port", path, j);
			char **msgs = ck_is_valid_port_num(num);
			for (size_t k = 0; msgs && msgs[k]; k++)
				ck_field_errors_add_invalid_int(e, p, num, msgs[k]);
			ck_strv_free(msgs);
			const char *proto = ck_core_str(port, "protocol");
			snprintf(p, sizeof(p), "%s.ports[%zu].protocol", path, j);
			if (!*proto) {
				ck_field_errors_add_required(e, p, "");
			} else if (!ck_streq(proto, "TCP") && !ck_streq(proto, "UDP") &&
				   !ck_streq(proto, "SCTP")) {
				json_object *v = json_object_new_string(proto);
				ck_field_errors_add_not_supported(e, p, v, protocols, 3);
				json_object_put(v);
			}
			json_object *ap = ck_core_get(port, "appProtocol");
			if (ap) {
				snprintf(p, sizeof(p), "%s.ports[%zu].appProtocol", path, j);
				ck_core_validate_qualified_name(json_object_get_string(ap), p, e);
			}
		}
	}
}

/* upstream's formatEndpoints: up to three host:port entries, then "+ N more...". */
static json_object *cell_endpoints(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *subsets = ck_core_arr(obj, "subsets");
	if (!ck_core_len(subsets))
		return json_object_new_string("<none>");
	struct ck_buf b = CK_BUF_INIT;
	const int max = 3;
	int listed = 0, count = 0;
	bool more = false;
	for (size_t i = 0; i < ck_core_len(subsets); i++) {
		json_object *ss = ck_core_at(subsets, i);
		json_object *addrs = ck_core_arr(ss, "addresses");
		json_object *ports = ck_core_arr(ss, "ports");
		size_t np = ck_core_len(ports);
		for (size_t k = 0; k < (np ? np : 1); k++) {
			count += (int)ck_core_len(addrs);
			for (size_t j = 0; j < ck_core_len(addrs); j++) {
				if (listed == max) {
					more = true;
					break;
				}
				const char *ip = ck_core_str(ck_core_at(addrs, j), "ip");
				if (listed++)
					ck_buf_addc(&b, ',');
				if (!np) {
					ck_buf_adds(&b, ip);
				} else {
					int64_t port = 0;
					ck_core_int(ck_core_at(ports, k), "port", &port);
					if (strchr(ip, ':'))
						ck_buf_addf(&b, "[%s]:%lld", ip, (long long)port);
					else
						ck_buf_addf(&b, "%s:%lld", ip, (long long)port);
				}
			}
		}
	}
	if (more)
		ck_buf_addf(&b, " + %d more...", count - max);
	json_object *out = json_object_new_string(b.len ? ck_buf_str(&b) : "<none>");
	ck_buf_release(&b);
	return out;
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Endpoints", "string", "", "Endpoints of the service", 0, cell_endpoints },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ 0 },
};

static const char *const short_names[] = { "ep", NULL };

const struct ck_resource ck_resource_endpoints = {
	CK_CORE("v1"),
	.resource = "endpoints",
	.singular = "endpoints",
	.kind = "Endpoints",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
};
