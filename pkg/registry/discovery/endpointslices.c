/*
 * discovery.k8s.io/v1 endpointslices (upstream's
 * pkg/registry/discovery/endpointslice and pkg/apis/discovery/validation):
 * ports default to name "" and protocol TCP; addressType is required, one
 * of FQDN, IPv4, IPv6, and immutable; endpoints hold 1 to 100 addresses of
 * that type, at most 1000 endpoints; port names are unique DNS labels;
 * generation; the `kubectl get endpointslices` columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/meta_validation.h"
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

#define MAX_ENDPOINTS 1000
#define MAX_ADDRESSES 100
#define MAX_PORTS 20000
#define MAX_TOPOLOGY_LABELS 16
#define MAX_HINTS 8

static void prepare_create(json_object *obj)
{
	json_object *ports = ck_core_arr(obj, "ports");
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i);
		if (!json_object_is_type(p, json_type_object))
			continue;
		if (!ck_core_get(p, "name"))
			json_object_object_add(p, "name", json_object_new_string(""));
		if (!ck_core_get(p, "protocol"))
			json_object_object_add(p, "protocol", json_object_new_string("TCP"));
	}
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	prepare_create(obj);
}

/* IsFullyQualifiedDomainName. */
static void validate_fqdn(const char *name, const char *path, struct ck_field_errors *errs)
{
	if (!*name) {
		ck_field_errors_add_required(errs, path, NULL);
		return;
	}
	char *trimmed = ck_strdup(name);
	size_t n = strlen(trimmed);
	if (trimmed[n - 1] == '.')
		trimmed[n - 1] = '\0';
	char **msgs = ck_is_dns1123_subdomain(trimmed);
	if (msgs) {
		struct ck_buf joined = CK_BUF_INIT;
		for (size_t i = 0; msgs[i]; i++) {
			if (i)
				ck_buf_addc(&joined, ',');
			ck_buf_adds(&joined, msgs[i]);
		}
		ck_field_errors_add_invalid_str(errs, path, trimmed, ck_buf_str(&joined));
		ck_buf_release(&joined);
		ck_strv_free(msgs);
	} else if (!strchr(trimmed, '.')) {
		ck_field_errors_add_invalid_str(errs, path, trimmed,
						"should be a domain with at least two segments "
						"separated by dots");
	}
	free(trimmed);
}

static void validate_address(const char *type, const char *addr, const char *path,
			     struct ck_field_errors *errs)
{
	struct ck_ip ip;
	bool parsed = ck_ip_parse(addr, &ip) == 0;
	if (ck_streq(type, "IPv4")) {
		if (!parsed || ip.family != CK_IP_V4)
			ck_field_errors_add_invalid_str(errs, path, addr,
							"must be a valid IPv4 address");
		ck_core_validate_non_special_ip(addr, path, errs);
	} else if (ck_streq(type, "IPv6")) {
		if (!parsed || !ck_core_is_ipv6(addr))
			ck_field_errors_add_invalid_str(errs, path, addr,
							"must be a valid IPv6 address");
		ck_core_validate_non_special_ip(addr, path, errs);
	} else if (ck_streq(type, "FQDN")) {
		validate_fqdn(addr, path, errs);
	}
}

static void validate_endpoints(json_object *obj, const char *type, struct ck_field_errors *errs)
{
	json_object *eps = ck_core_arr(obj, "endpoints");
	if (ck_core_len(eps) > MAX_ENDPOINTS) {
		ck_field_errors_add_too_many(errs, "endpoints", (int)ck_core_len(eps),
					     MAX_ENDPOINTS);
		return;
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "endpoints");
	for (size_t i = 0; i < ck_core_len(eps); i++) {
		json_object *ep = ck_core_at(eps, i);
		size_t m0 = ck_core_path_index(&p, i);
		size_t m1 = ck_core_path_child(&p, "addresses");
		json_object *addrs = ck_core_arr(ep, "addresses");
		if (ck_core_len(addrs) == 0)
			ck_field_errors_add_required(errs, ck_buf_str(&p),
						     "must contain at least 1 address");
		else if (ck_core_len(addrs) > MAX_ADDRESSES)
			ck_field_errors_add_too_many(errs, ck_buf_str(&p), (int)ck_core_len(addrs),
						     MAX_ADDRESSES);
		for (size_t j = 0; j < ck_core_len(addrs); j++) {
			size_t m2 = ck_core_path_index(&p, j);
			json_object *a = ck_core_at(addrs, j);
			validate_address(type, json_object_get_string(a), ck_buf_str(&p), errs);
			ck_buf_truncate(&p, m2);
		}
		ck_buf_truncate(&p, m1);
		json_object *nn = ck_core_get(ep, "nodeName");
		if (nn) {
			size_t m = ck_core_path_child(&p, "nodeName");
			const char *v = json_object_get_string(nn);
			ck_core_add_msgs(errs, ck_buf_str(&p), v,
					 ck_name_is_dns_subdomain(v, false));
			ck_buf_truncate(&p, m);
		}
		json_object *topo = ck_core_obj(ep, "deprecatedTopology");
		if (topo) {
			size_t m = ck_core_path_child(&p, "deprecatedTopology");
			if (json_object_object_length(topo) > MAX_TOPOLOGY_LABELS)
				ck_field_errors_add_too_many(errs, ck_buf_str(&p),
							     json_object_object_length(topo),
							     MAX_TOPOLOGY_LABELS);
			ck_validate_labels(topo, ck_buf_str(&p), errs);
			ck_buf_truncate(&p, m);
		}
		json_object *hn = ck_core_get(ep, "hostname");
		if (hn) {
			size_t m = ck_core_path_child(&p, "hostname");
			ck_core_validate_dns1123_label(json_object_get_string(hn), ck_buf_str(&p),
						       errs);
			ck_buf_truncate(&p, m);
		}
		json_object *zones = ck_core_arr(ck_core_obj(ep, "hints"), "forZones");
		if (ck_core_len(zones) > MAX_HINTS) {
			size_t m = ck_core_path_child(&p, "hints");
			ck_core_path_child(&p, "forZones");
			ck_field_errors_add_too_many(errs, ck_buf_str(&p), (int)ck_core_len(zones),
						     MAX_HINTS);
			ck_buf_truncate(&p, m);
		}
		ck_buf_truncate(&p, m0);
	}
	ck_buf_release(&p);
}

static void validate_ports(json_object *obj, struct ck_field_errors *errs)
{
	json_object *ports = ck_core_arr(obj, "ports");
	if (ck_core_len(ports) > MAX_PORTS) {
		ck_field_errors_add_too_many(errs, "ports", (int)ck_core_len(ports), MAX_PORTS);
		return;
	}
	static const char *const protocols[] = { "SCTP", "TCP", "UDP" };
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "ports");
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *port = ck_core_at(ports, i);
		size_t m0 = ck_core_path_index(&p, i);
		const char *name = ck_core_str(port, "name");
		size_t m = ck_core_path_child(&p, "name");
		if (*name)
			ck_core_validate_dns1123_label(name, ck_buf_str(&p), errs);
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(ports, j), "name"), name)) {
				ck_field_errors_add_duplicate(errs, ck_buf_str(&p),
							      ck_core_get(port, "name"));
				break;
			}
		ck_buf_truncate(&p, m);
		json_object *proto = ck_core_get(port, "protocol");
		m = ck_core_path_child(&p, "protocol");
		if (!proto) {
			ck_field_errors_add_required(errs, ck_buf_str(&p), NULL);
		} else {
			const char *s = json_object_get_string(proto);
			if (!ck_streq(s, "SCTP") && !ck_streq(s, "TCP") && !ck_streq(s, "UDP"))
				ck_field_errors_add_not_supported(errs, ck_buf_str(&p), proto,
								  protocols,
								  CK_ARRAY_SIZE(protocols));
		}
		ck_buf_truncate(&p, m);
		json_object *app = ck_core_get(port, "appProtocol");
		if (app) {
			m = ck_core_path_child(&p, "appProtocol");
			ck_core_validate_qualified_name(json_object_get_string(app), ck_buf_str(&p),
							errs);
			ck_buf_truncate(&p, m);
		}
		ck_buf_truncate(&p, m0);
	}
	ck_buf_release(&p);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	static const char *const types[] = { "FQDN", "IPv4", "IPv6" };
	json_object *t = ck_core_get(obj, "addressType");
	const char *type = ck_core_str(obj, "addressType");
	if (!*type)
		ck_field_errors_add_required(errs, "addressType", NULL);
	else if (!ck_streq(type, "FQDN") && !ck_streq(type, "IPv4") && !ck_streq(type, "IPv6"))
		ck_field_errors_add_not_supported(errs, "addressType", t, types,
						  CK_ARRAY_SIZE(types));
	validate_endpoints(obj, type, errs);
	validate_ports(obj, errs);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	ck_workload_validate_immutable(ck_core_get(obj, "addressType"),
				       ck_core_get(old, "addressType"), "addressType", errs);
}

/* listWithMoreString: up to three, then " + N more...", "<unset>" when none. */
static json_object *list_with_more(struct ck_buf *b, size_t count)
{
	if (count > 3)
		ck_buf_addf(b, " + %zu more...", count - 3);
	else if (!b->len)
		ck_buf_adds(b, "<unset>");
	json_object *s = json_object_new_string(ck_buf_str(b));
	ck_buf_release(b);
	return s;
}

static void add_item(struct ck_buf *b, size_t *count, const char *item)
{
	if (*count < 3) {
		if (*count)
			ck_buf_addc(b, ',');
		ck_buf_adds(b, item);
	}
	(*count)++;
}

static json_object *cell_address_type(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "addressType");
}

static json_object *cell_ports(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct ck_buf b = CK_BUF_INIT;
	size_t count = 0;
	json_object *ports = ck_core_arr(obj, "ports");
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i), *num = ck_core_get(p, "port"),
			    *name = ck_core_get(p, "name");
		add_item(&b, &count,
			 num ? json_object_get_string(num)
			     : (name ? json_object_get_string(name) : "*"));
	}
	return list_with_more(&b, count);
}

static json_object *cell_endpoints(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct ck_buf b = CK_BUF_INIT;
	size_t count = 0;
	json_object *eps = ck_core_arr(obj, "endpoints");
	for (size_t i = 0; i < ck_core_len(eps); i++) {
		json_object *addrs = ck_core_arr(ck_core_at(eps, i), "addresses");
		for (size_t j = 0; j < ck_core_len(addrs); j++)
			add_item(&b, &count, json_object_get_string(ck_core_at(addrs, j)));
	}
	return list_with_more(&b, count);
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "AddressType", "string", "",
	  "addressType specifies the type of address carried by this EndpointSlice.", 0,
	  cell_address_type },
	{ "Ports", "string", "",
	  "ports specifies the list of network ports exposed by each "
	  "endpoint in this slice.",
	  0, cell_ports },
	{ "Endpoints", "string", "", "endpoints is a list of unique endpoints in this slice.", 0,
	  cell_endpoints },
	CK_COLUMN_AGE,
	{ 0 },
};

const struct ck_resource ck_resource_endpointslices = {
	CK_GROUP("discovery.k8s.io", "v1"),
	.resource = "endpointslices",
	.singular = "endpointslice",
	.kind = "EndpointSlice",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
};
