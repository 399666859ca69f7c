/*
 * networking.k8s.io/v1 ingresses (upstream's pkg/registry/networking/ingress
 * and pkg/apis/networking/validation): rules or a defaultBackend; hosts are
 * DNS names (wildcards allowed), never IPs; each path has a pathType (Exact,
 * Prefix, ImplementationSpecific) and an absolute, clean path; a backend is
 * a service (name and port name or number) or a resource, never both; TLS
 * hosts and secret names; ingressClassName, which must match the legacy
 * annotation when both are set; status only through ingresses/status;
 * generation; the `kubectl get ingress` columns.
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
#include "registry/networking/networking.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/netaddr.h"
#include "util/str.h"

#define ANNOTATION_INGRESS_CLASS "kubernetes.io/ingress.class"

static void prepare_create(json_object *obj)
{
	json_object *status = json_object_new_object();
	json_object_object_add(status, "loadBalancer", json_object_new_object());
	json_object_object_add(obj, "status", status);
}

static bool is_ip(const char *s)
{
	struct ck_ip ip;
	return ck_ip_parse(s, &ip) == 0;
}

/* A rule's or a TLS entry's host: a DNS name, maybe a wildcard, not an IP. */
static void validate_host(const char *host, const char *path, bool reject_ip,
			  struct ck_field_errors *errs)
{
	if (reject_ip && is_ip(host))
		ck_field_errors_add_invalid_str(errs, path, host,
						"must be a DNS name, not an IP address");
	if (strchr(host, '*'))
		ck_core_add_msgs(errs, path, host, ck_is_wildcard_dns1123_subdomain(host));
	else
		ck_core_validate_dns1123_subdomain(host, path, errs);
}

static void validate_backend(json_object *b, struct ck_buf *p, struct ck_field_errors *errs)
{
	json_object *svc = ck_core_obj(b, "service"), *res = ck_core_obj(b, "resource");
	if (svc && res) {
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), "",
						"cannot set both resource and service backends");
		return;
	}
	if (res) {
		size_t m = ck_core_path_child(p, "resource");
		ck_networking_validate_typed_ref(res, p, errs);
		ck_buf_truncate(p, m);
		return;
	}
	if (!svc) {
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), "",
						"resource or service backend is required");
		return;
	}
	size_t m = ck_core_path_child(p, "service");
	size_t m2 = ck_core_path_child(p, "name");
	const char *name = ck_core_str(svc, "name");
	if (!*name)
		ck_field_errors_add_required(errs, ck_buf_str(p), NULL);
	else
		ck_core_add_msgs(errs, ck_buf_str(p), name, ck_name_is_dns1035_label(name, false));
	ck_buf_truncate(p, m2);
	json_object *port = ck_core_obj(svc, "port");
	const char *port_name = ck_core_str(port, "name");
	int64_t num = 0;
	ck_core_int(port, "number", &num);
	m2 = ck_core_path_child(p, "port");
	if (*port_name && num) {
		ck_buf_truncate(p, m);
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), "",
						"cannot set both port name & port number");
	} else if (*port_name) {
		ck_core_path_child(p, "name");
		ck_core_add_msgs(errs, ck_buf_str(p), port_name, ck_is_valid_port_name(port_name));
	} else if (num) {
		ck_core_path_child(p, "number");
		char **msgs = ck_is_valid_port_num(num);
		for (size_t i = 0; msgs && msgs[i]; i++)
			ck_field_errors_add_invalid_int(errs, ck_buf_str(p), num, msgs[i]);
		ck_strv_free(msgs);
	} else {
		ck_buf_truncate(p, m);
		ck_field_errors_add_required(errs, ck_buf_str(p),
					     "port name or number is required");
	}
	(void)m2;
	ck_buf_truncate(p, m);
}

static void validate_path(json_object *path, struct ck_buf *p, struct ck_field_errors *errs)
{
	static const char *const types[] = { "Exact", "ImplementationSpecific", "Prefix" };
	static const char *const bad_seqs[] = { "//", "/./", "/../", "%2f", "%2F" };
	static const char *const bad_suffixes[] = { "/..", "/." };
	json_object *pt = ck_core_get(path, "pathType");
	const char *type = pt ? json_object_get_string(pt) : "";
	const char *value = ck_core_str(path, "path");
	if (!pt) {
		size_t m = ck_core_path_child(p, "pathType");
		ck_field_errors_add_required(errs, ck_buf_str(p), "pathType must be specified");
		ck_buf_truncate(p, m);
		return;
	}
	size_t m = ck_core_path_child(p, "path");
	if (ck_streq(type, "Exact") || ck_streq(type, "Prefix")) {
		if (value[0] != '/')
			ck_field_errors_add_invalid_str(errs, ck_buf_str(p), value,
							"must be an absolute path");
		char msg[64];
		for (size_t i = 0; *value && i < CK_ARRAY_SIZE(bad_seqs); i++)
			if (strstr(value, bad_seqs[i])) {
				snprintf(msg, sizeof(msg), "must not contain '%s'", bad_seqs[i]);
				ck_field_errors_add_invalid_str(errs, ck_buf_str(p), value, msg);
			}
		for (size_t i = 0; *value && i < CK_ARRAY_SIZE(bad_suffixes); i++)
			if (ck_str_has_suffix(value, bad_suffixes[i])) {
				snprintf(msg, sizeof(msg), "cannot end with '%s'", bad_suffixes[i]);
				ck_field_errors_add_invalid_str(errs, ck_buf_str(p), value, msg);
			}
	} else if (ck_streq(type, "ImplementationSpecific")) {
		if (*value && value[0] != '/')
			ck_field_errors_add_invalid_str(errs, ck_buf_str(p), value,
							"must be an absolute path");
	} else {
		ck_buf_truncate(p, m);
		ck_core_path_child(p, "pathType");
		ck_field_errors_add_not_supported(errs, ck_buf_str(p), pt, types,
						  CK_ARRAY_SIZE(types));
	}
	ck_buf_truncate(p, m);
	m = ck_core_path_child(p, "backend");
	validate_backend(ck_core_obj(path, "backend"), p, errs);
	ck_buf_truncate(p, m);
}

static void validate_rules(json_object *rules, struct ck_buf *p, struct ck_field_errors *errs)
{
	for (size_t i = 0; i < ck_core_len(rules); i++) {
		json_object *rule = ck_core_at(rules, i);
		size_t m0 = ck_core_path_index(p, i);
		const char *host = ck_core_str(rule, "host");
		if (*host) {
			size_t m = ck_core_path_child(p, "host");
			validate_host(host, ck_buf_str(p), true, errs);
			ck_buf_truncate(p, m);
		}
		json_object *http = ck_core_obj(rule, "http");
		if (http) {
			size_t m = ck_core_path_child(p, "http");
			ck_core_path_child(p, "paths");
			json_object *paths = ck_core_arr(http, "paths");
			if (!ck_core_len(paths))
				ck_field_errors_add_required(errs, ck_buf_str(p), NULL);
			for (size_t j = 0; j < ck_core_len(paths); j++) {
				size_t m2 = ck_core_path_index(p, j);
				validate_path(ck_core_at(paths, j), p, errs);
				ck_buf_truncate(p, m2);
			}
			ck_buf_truncate(p, m);
		}
		ck_buf_truncate(p, m0);
	}
}

static void validate_tls(json_object *tls, struct ck_buf *p, struct ck_field_errors *errs)
{
	for (size_t i = 0; i < ck_core_len(tls); i++) {
		json_object *t = ck_core_at(tls, i);
		size_t m0 = ck_core_path_index(p, i);
		json_object *hosts = ck_core_arr(t, "hosts");
		size_t m = ck_core_path_child(p, "hosts");
		for (size_t j = 0; j < ck_core_len(hosts); j++) {
			size_t m2 = ck_core_path_index(p, j);
			validate_host(json_object_get_string(ck_core_at(hosts, j)), ck_buf_str(p),
				      false, errs);
			ck_buf_truncate(p, m2);
		}
		ck_buf_truncate(p, m);
		const char *secret = ck_core_str(t, "secretName");
		if (*secret) {
			m = ck_core_path_child(p, "secretName");
			ck_core_add_msgs(errs, ck_buf_str(p), secret,
					 ck_name_is_dns_subdomain(secret, false));
			ck_buf_truncate(p, m);
		}
		ck_buf_truncate(p, m0);
	}
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	json_object *spec = ck_core_obj(obj, "spec");
	json_object *rules = ck_core_arr(spec, "rules");
	json_object *def = ck_core_obj(spec, "defaultBackend");
	struct ck_buf p = CK_BUF_INIT;
	if (!ck_core_len(rules) && !def)
		ck_field_errors_add_invalid(errs, "spec", ck_core_get(spec, "rules"),
					    "either `defaultBackend` or `rules` must be specified");
	if (def) {
		ck_buf_reset(&p);
		ck_buf_adds(&p, "spec.defaultBackend");
		validate_backend(def, &p, errs);
	}
	ck_buf_reset(&p);
	ck_buf_adds(&p, "spec.rules");
	validate_rules(rules, &p, errs);
	ck_buf_reset(&p);
	ck_buf_adds(&p, "spec.tls");
	validate_tls(ck_core_arr(spec, "tls"), &p, errs);
	ck_buf_release(&p);
	json_object *cls = ck_core_get(spec, "ingressClassName");
	if (cls)
		ck_core_add_msgs(errs, "spec.ingressClassName", json_object_get_string(cls),
				 ck_name_is_dns_subdomain(json_object_get_string(cls), false));
	json_object *ann = ck_core_get(ck_obj_annotations(obj), ANNOTATION_INGRESS_CLASS);
	if (ann && cls && !ck_streq(json_object_get_string(ann), json_object_get_string(cls)))
		ck_field_errors_add_invalid_str(
		    errs, "annotations." ANNOTATION_INGRESS_CLASS, json_object_get_string(ann),
		    "must match `ingressClassName` when both are specified");
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	(void)old;
	json_object *lbs =
	    ck_core_arr(ck_core_obj(ck_core_obj(obj, "status"), "loadBalancer"), "ingress");
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "status.loadBalancer.ingress");
	for (size_t i = 0; i < ck_core_len(lbs); i++) {
		json_object *lb = ck_core_at(lbs, i);
		size_t m0 = ck_core_path_index(&p, i);
		const char *ip = ck_core_str(lb, "ip"), *host = ck_core_str(lb, "hostname");
		if (*ip) {
			size_t m = ck_core_path_child(&p, "ip");
			ck_core_validate_ip(ip, ck_buf_str(&p), errs);
			ck_buf_truncate(&p, m);
		}
		if (*host) {
			size_t m = ck_core_path_child(&p, "hostname");
			ck_core_validate_dns1123_subdomain(host, ck_buf_str(&p), errs);
			if (is_ip(host))
				ck_field_errors_add_invalid_str(errs, ck_buf_str(&p), host,
								"must be a DNS name, not an IP "
								"address");
			ck_buf_truncate(&p, m);
		}
		ck_buf_truncate(&p, m0);
	}
	ck_buf_release(&p);
}

static json_object *cell_class(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *c = ck_core_get(ck_core_obj(obj, "spec"), "ingressClassName");
	return json_object_new_string(c ? json_object_get_string(c) : "<none>");
}

/* formatHosts: up to three hosts, then " + N more...", "*" when none. */
static json_object *cell_hosts(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *rules = ck_core_arr(ck_core_obj(obj, "spec"), "rules");
	struct ck_buf b = CK_BUF_INIT;
	size_t listed = 0;
	bool more = false;
	for (size_t i = 0; i < ck_core_len(rules); i++) {
		const char *host = ck_core_str(ck_core_at(rules, i), "host");
		if (listed == 3)
			more = true;
		if (!more && *host) {
			if (listed++)
				ck_buf_addc(&b, ',');
			ck_buf_adds(&b, host);
		}
	}
	if (!listed)
		ck_buf_adds(&b, "*");
	else if (more)
		ck_buf_addf(&b, " + %zu more...", ck_core_len(rules) - 3);
	json_object *s = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ingressLoadBalancerStatusStringer: the sorted, unique IPs or hostnames. */
static json_object *cell_address(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *lbs =
	    ck_core_arr(ck_core_obj(ck_core_obj(obj, "status"), "loadBalancer"), "ingress");
	size_t n = ck_core_len(lbs), k = 0;
	const char **list = ck_calloc(n ? n : 1, sizeof(*list));
	for (size_t i = 0; i < n; i++) {
		json_object *lb = ck_core_at(lbs, i);
		const char *v =
		    *ck_core_str(lb, "ip") ? ck_core_str(lb, "ip") : ck_core_str(lb, "hostname");
		if (*v)
			list[k++] = v;
	}
	qsort(list, k, sizeof(*list), cmp_str);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		if (i && ck_streq(list[i], list[i - 1]))
			continue;
		if (b.len)
			ck_buf_addc(&b, ',');
		ck_buf_adds(&b, list[i]);
	}
	free(list);
	json_object *s = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return s;
}

static json_object *cell_ports(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(
	    ck_core_len(ck_core_arr(ck_core_obj(obj, "spec"), "tls")) ? "80, 443" : "80");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Class", "string", "", "The name of the IngressClass resource.", 0, cell_class },
	{ "Hosts", "string", "",
	  "Hosts that incoming requests are matched against before the "
	  "ingress rule",
	  0, cell_hosts },
	{ "Address", "string", "",
	  "Address is a list containing ingress points for the "
	  "load-balancer",
	  0, cell_address },
	{ "Ports", "string", "", "Ports of TLS configurations that open", 0, cell_ports },
	CK_COLUMN_AGE,
	{ 0 },
};

static const char *const short_names[] = { "ing", NULL };

const struct ck_resource ck_resource_ingresses = {
	CK_GROUP("networking.k8s.io", "v1"),
	.resource = "ingresses",
	.singular = "ingress",
	.kind = "Ingress",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.subresources = ck_workload_status_subresources,
	.columns = columns,
	.has_status = true,
	.tracks_generation = true,
	.prepare_create = prepare_create,
	.validate = validate,
	.validate_status_update = validate_status_update,
};
