/*
 * core/v1 services (upstream's pkg/registry/core/service): defaulting,
 * validation, ClusterIP allocation from --service-cluster-ip-range and
 * NodePort allocation from --service-node-port-range (allocator.h), with
 * release on delete and on type changes, headless and ExternalName
 * services, services/status, the `kubernetes` Service and its Endpoints
 * (upstream's bootstrap controller), and the `kubectl get svc` columns.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apimachinery/validation.h"
#include "registry/core/allocator.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "storage/storage.h"
#include "util/cancel.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

/* ---- helpers ---- */

static const char *type_of(json_object *svc)
{
	return ck_core_str(ck_core_obj(svc, "spec"), "type");
}

static bool is_headless(json_object *spec)
{
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	return ck_core_len(ips) == 1 &&
	       ck_streq(json_object_get_string(ck_core_at(ips, 0)), "None");
}

static bool needs_node_ports(const char *type)
{
	return ck_streq(type, "NodePort") || ck_streq(type, "LoadBalancer");
}

/* apiservice.ExternallyAccessible */
static bool externally_accessible(json_object *spec)
{
	const char *t = ck_core_str(spec, "type");
	return ck_streq(t, "LoadBalancer") || ck_streq(t, "NodePort") ||
	       (ck_streq(t, "ClusterIP") && ck_core_len(ck_core_arr(spec, "externalIPs")));
}

/* apiservice.NeedsHealthCheck */
static bool needs_health_check(json_object *spec)
{
	return ck_streq(ck_core_str(spec, "type"), "LoadBalancer") &&
	       ck_streq(ck_core_str(spec, "externalTrafficPolicy"), "Local");
}

static const char *str_at(json_object *arr, size_t i)
{
	json_object *v = ck_core_at(arr, i);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static json_object *string_array(const char *s)
{
	json_object *a = json_object_new_array();
	json_object_array_add(a, json_object_new_string(s));
	return a;
}

/* ---- defaulting (SetDefaults_Service) ---- */

static void default_service(json_object *svc)
{
	json_object *spec = ck_core_ensure_obj(svc, "spec");
	ck_core_default_str(spec, "sessionAffinity", "None");
	const char *aff = ck_core_str(spec, "sessionAffinity");
	if (ck_streq(aff, "None")) {
		json_object_object_del(spec, "sessionAffinityConfig");
	} else if (ck_streq(aff, "ClientIP")) {
		json_object *cfg = ck_core_obj(spec, "sessionAffinityConfig");
		json_object *cip = ck_core_obj(cfg, "clientIP");
		if (!ck_core_get(cip, "timeoutSeconds")) {
			cfg = json_object_new_object();
			cip = json_object_new_object();
			json_object_object_add(cip, "timeoutSeconds", json_object_new_int(10800));
			json_object_object_add(cfg, "clientIP", cip);
			json_object_object_add(spec, "sessionAffinityConfig", cfg);
		}
	}
	ck_core_default_str(spec, "type", "ClusterIP");
	json_object *ports = ck_core_arr(spec, "ports");
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i);
		if (!json_object_is_type(p, json_type_object))
			continue;
		ck_core_default_str(p, "protocol", "TCP");
		json_object *tp = ck_core_get(p, "targetPort");
		bool unset =
		    !tp ||
		    (json_object_is_type(tp, json_type_int) && json_object_get_int64(tp) == 0) ||
		    (json_object_is_type(tp, json_type_string) && !*json_object_get_string(tp));
		int64_t port = 0;
		ck_core_int(p, "port", &port);
		if (unset)
			json_object_object_add(p, "targetPort", json_object_new_int64(port));
	}
	if (externally_accessible(spec))
		ck_core_default_str(spec, "externalTrafficPolicy", "Cluster");
	const char *t = ck_core_str(spec, "type");
	if (!ck_core_get(spec, "internalTrafficPolicy") &&
	    (ck_streq(t, "NodePort") || ck_streq(t, "LoadBalancer") || ck_streq(t, "ClusterIP")))
		json_object_object_add(spec, "internalTrafficPolicy",
				       json_object_new_string("Cluster"));
	if (ck_streq(t, "LoadBalancer")) {
		if (!ck_core_get(spec, "allocateLoadBalancerNodePorts"))
			json_object_object_add(spec, "allocateLoadBalancerNodePorts",
					       json_object_new_boolean(1));
		json_object *ing =
		    ck_core_arr(ck_core_obj(ck_core_obj(svc, "status"), "loadBalancer"), "ingress");
		for (size_t i = 0; i < ck_core_len(ing); i++) {
			json_object *in = ck_core_at(ing, i);
			if (*ck_core_str(in, "ip") && !ck_core_get(in, "ipMode"))
				json_object_object_add(in, "ipMode", json_object_new_string("VIP"));
		}
	}
}

/* normalizeClusterIPs (old NULL on create) */
static void normalize_cluster_ips(json_object *spec, json_object *ospec)
{
	const char *ip = ck_core_str(spec, "clusterIP");
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	if (!ospec) {
		if (*ip && !ck_core_len(ips))
			json_object_object_add(spec, "clusterIPs", string_array(ip));
		return;
	}
	json_object *oips = ck_core_arr(ospec, "clusterIPs");
	const char *oip = ck_core_str(ospec, "clusterIP");
	if (ck_core_len(oips) && !ck_core_len(ips) && ck_streq(oip, ip)) {
		json_object_object_add(spec, "clusterIPs", ck_obj_copy(oips));
		ips = ck_core_arr(spec, "clusterIPs");
	}
	if (!ck_streq(oip, ip)) {
		bool same = ck_core_equal(ips, oips);
		if (*oip && !*ip) {
			if (same)
				json_object_object_del(spec, "clusterIPs");
		} else if (same) {
			json_object_object_add(spec, "clusterIPs", string_array(ip));
		}
	}
}

/* patchAllocatedValues: what a client left out of an update (idempotence). */
static void patch_allocated_values(json_object *spec, json_object *ospec)
{
	const char *t = ck_core_str(spec, "type"), *ot = ck_core_str(ospec, "type");
	bool needs_ip = !ck_streq(t, "ExternalName"), oneeds_ip = !ck_streq(ot, "ExternalName");
	if (needs_ip && oneeds_ip) {
		if (!*ck_core_str(spec, "clusterIP") && ck_core_get(ospec, "clusterIP"))
			json_object_object_add(spec, "clusterIP",
					       ck_obj_copy(ck_core_get(ospec, "clusterIP")));
		if (!ck_core_len(ck_core_arr(spec, "clusterIPs")) &&
		    ck_core_len(ck_core_arr(ospec, "clusterIPs")))
			json_object_object_add(spec, "clusterIPs",
					       ck_obj_copy(ck_core_arr(ospec, "clusterIPs")));
	}
	if (needs_node_ports(t) && needs_node_ports(ot)) {
		json_object *ports = ck_core_arr(spec, "ports"),
			    *oports = ck_core_arr(ospec, "ports");
		for (size_t i = 0; i < ck_core_len(ports); i++) {
			json_object *p = ck_core_at(ports, i);
			int64_t np = 0;
			ck_core_int(p, "nodePort", &np);
			if (np)
				continue;
			/* the old nodePort of the port with this name, unless it is in
			 * use by another port of both */
			int64_t old = 0;
			for (size_t j = 0; j < ck_core_len(oports); j++)
				if (ck_streq(ck_core_str(ck_core_at(oports, j), "name"),
					     ck_core_str(p, "name")))
					ck_core_int(ck_core_at(oports, j), "nodePort", &old);
			if (!old)
				continue;
			bool used = false;
			for (size_t j = 0; j < ck_core_len(ports); j++) {
				int64_t v = 0;
				ck_core_int(ck_core_at(ports, j), "nodePort", &v);
				used |= v == old;
			}
			if (!used)
				json_object_object_add(p, "nodePort", json_object_new_int64(old));
		}
	}
	if (needs_health_check(spec) && needs_health_check(ospec)) {
		int64_t hc = 0;
		ck_core_int(spec, "healthCheckNodePort", &hc);
		if (!hc && ck_core_get(ospec, "healthCheckNodePort"))
			json_object_object_add(
			    spec, "healthCheckNodePort",
			    ck_obj_copy(ck_core_get(ospec, "healthCheckNodePort")));
	}
}

/* dropTypeDependentFields: values the old type needed and the new one does
 * not, when the client did not change them. */
static void drop_type_dependent_fields(json_object *spec, json_object *ospec)
{
	const char *t = ck_core_str(spec, "type"), *ot = ck_core_str(ospec, "type");
	if (ck_streq(t, ot))
		return;
	if (ck_streq(t, "ExternalName") && !ck_streq(ot, "ExternalName")) {
		if (ck_core_equal(ck_core_get(spec, "clusterIP"), ck_core_get(ospec, "clusterIP")))
			json_object_object_del(spec, "clusterIP");
		if (ck_core_equal(ck_core_get(spec, "clusterIPs"),
				  ck_core_get(ospec, "clusterIPs")))
			json_object_object_del(spec, "clusterIPs");
		if (ck_core_equal(ck_core_get(spec, "ipFamilies"),
				  ck_core_get(ospec, "ipFamilies")))
			json_object_object_del(spec, "ipFamilies");
		if (ck_core_equal(ck_core_get(spec, "ipFamilyPolicy"),
				  ck_core_get(ospec, "ipFamilyPolicy")))
			json_object_object_del(spec, "ipFamilyPolicy");
	}
	if (needs_node_ports(ot) && !needs_node_ports(t)) {
		json_object *ports = ck_core_arr(spec, "ports"),
			    *oports = ck_core_arr(ospec, "ports");
		bool same = ck_core_len(ports) == ck_core_len(oports);
		for (size_t i = 0; same && i < ck_core_len(ports); i++)
			same = ck_core_equal(ck_core_get(ck_core_at(ports, i), "nodePort"),
					     ck_core_get(ck_core_at(oports, i), "nodePort"));
		if (same)
			for (size_t i = 0; i < ck_core_len(ports); i++)
				json_object_object_del(ck_core_at(ports, i), "nodePort");
	}
	if (needs_health_check(ospec) && !needs_health_check(spec) &&
	    ck_core_equal(ck_core_get(spec, "healthCheckNodePort"),
			  ck_core_get(ospec, "healthCheckNodePort")))
		json_object_object_del(spec, "healthCheckNodePort");
	if (ck_streq(ot, "LoadBalancer") && !ck_streq(t, "LoadBalancer")) {
		if (ck_core_equal(ck_core_get(spec, "allocateLoadBalancerNodePorts"),
				  ck_core_get(ospec, "allocateLoadBalancerNodePorts")))
			json_object_object_del(spec, "allocateLoadBalancerNodePorts");
		if (ck_core_equal(ck_core_get(spec, "loadBalancerClass"),
				  ck_core_get(ospec, "loadBalancerClass")))
			json_object_object_del(spec, "loadBalancerClass");
	}
	if (externally_accessible(ospec) && !externally_accessible(spec) &&
	    ck_core_equal(ck_core_get(spec, "externalTrafficPolicy"),
			  ck_core_get(ospec, "externalTrafficPolicy")))
		json_object_object_del(spec, "externalTrafficPolicy");
}

static void prepare_create(json_object *obj)
{
	default_service(obj);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "loadBalancer", json_object_new_object());
	json_object_object_add(obj, "status", status);
	normalize_cluster_ips(ck_core_ensure_obj(obj, "spec"), NULL);
}

static void prepare_update(json_object *obj, json_object *old)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	drop_type_dependent_fields(spec, ospec);
	default_service(obj);
	patch_allocated_values(spec, ospec);
	normalize_cluster_ips(spec, ospec);
}

/* ---- validation ---- */

static void not_supported(struct ck_field_errors *e, const char *path, const char *v,
			  const char *const *valid, size_t n)
{
	json_object *j = json_object_new_string(v);
	ck_field_errors_add_not_supported(e, path, j, valid, n);
	json_object_put(j);
}

static bool in_set(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ck_streq(v, set[i]))
			return true;
	return false;
}

static void validate_port_num_or_name(json_object *v, const char *path, struct ck_field_errors *e)
{
	if (v && json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		ck_core_add_msgs(e, path, s, ck_is_valid_port_name(s));
	} else {
		int64_t n =
		    v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
		char **msgs = ck_is_valid_port_num(n);
		for (size_t i = 0; msgs && msgs[i]; i++)
			ck_field_errors_add_invalid_int(e, path, n, msgs[i]);
		ck_strv_free(msgs);
	}
}

static const char *const protocols[] = { "SCTP", "TCP", "UDP" };

/* ValidateServiceClusterIPsRelatedFields */
static void cluster_ips_related(json_object *spec, struct ck_field_errors *e)
{
	if (ck_streq(ck_core_str(spec, "type"), "ExternalName"))
		return;
	const char *ip = ck_core_str(spec, "clusterIP");
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	json_object *fams = ck_core_arr(spec, "ipFamilies");
	size_t n = ck_core_len(ips);
	bool bad_ips = false;
	if (*ip) {
		if (!n)
			ck_field_errors_add_required(e, "spec.clusterIPs", "");
		else if (!ck_streq(str_at(ips, 0), ip))
			ck_field_errors_add_invalid(e, "spec.clusterIPs", ips,
						    "first value must match `clusterIP`");
	} else if (n) {
		ck_field_errors_add_invalid(e, "spec.clusterIPs", ips,
					    "must be empty when `clusterIP` is not specified");
	}
	static const char *const families[] = { "IPv4", "IPv6" };
	char path[64];
	for (size_t i = 0; i < ck_core_len(fams); i++) {
		const char *f = str_at(fams, i);
		snprintf(path, sizeof(path), "spec.ipFamilies[%zu]", i);
		if (!in_set(f, families, 2))
			not_supported(e, path, f, families, 2);
		for (size_t j = 0; j < i; j++)
			if (ck_streq(str_at(fams, j), f)) {
				ck_field_errors_add_duplicate(e, path, ck_core_at(fams, i));
				break;
			}
	}
	json_object *pol = ck_core_get(spec, "ipFamilyPolicy");
	if (pol) {
		static const char *const pols[] = { "PreferDualStack", "RequireDualStack",
						    "SingleStack" };
		const char *s =
		    json_object_is_type(pol, json_type_string) ? json_object_get_string(pol) : "";
		if (!in_set(s, pols, 3))
			not_supported(e, "spec.ipFamilyPolicy", s, pols, 3);
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = str_at(ips, i);
		if (i == 0 && ck_streq(s, "None")) {
			if (n > 1) {
				bad_ips = true;
				ck_field_errors_add_invalid(
				    e, "spec.clusterIPs", ips,
				    "'None' must be the first and only value");
			}
			continue;
		}
		snprintf(path, sizeof(path), "spec.clusterIPs[%zu]", i);
		size_t before = e->len;
		ck_core_validate_ip(s, path, e);
		bad_ips |= e->len != before;
	}
	if (n > 2)
		ck_field_errors_add_invalid(e, "spec.clusterIPs", ips,
					    "may only hold up to 2 values");
	if (bad_ips)
		return;
	if (n > 1 && ck_core_is_ipv6(str_at(ips, 0)) == ck_core_is_ipv6(str_at(ips, 1)))
		ck_field_errors_add_invalid(e, "spec.clusterIPs", ips,
					    "may specify no more than one IP for each IP family");
	if (!is_headless(spec) && n && ck_core_len(fams)) {
		for (size_t i = 0; i < n && i < ck_core_len(fams); i++) {
			const char *f = str_at(fams, i), *s = str_at(ips, i);
			snprintf(path, sizeof(path), "spec.clusterIPs[%zu]", i);
			char msg[96];
			if (ck_streq(f, "IPv4") && ck_core_is_ipv6(s)) {
				snprintf(msg, sizeof(msg),
					 "expected an IPv4 value as indicated by `ipFamilies[%zu]`",
					 i);
				ck_field_errors_add_invalid_str(e, path, s, msg);
			}
			if (ck_streq(f, "IPv6") && !ck_core_is_ipv6(s)) {
				snprintf(msg, sizeof(msg),
					 "expected an IPv6 value as indicated by `ipFamilies[%zu]`",
					 i);
				ck_field_errors_add_invalid_str(e, path, s, msg);
			}
		}
	}
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	const char *type = ck_core_str(spec, "type");
	json_object *ports = ck_core_arr(spec, "ports");
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	char path[96];
	if (!ck_core_len(ports) && !is_headless(spec) && !ck_streq(type, "ExternalName"))
		ck_field_errors_add_required(e, "spec.ports", "");
	if (ck_streq(type, "LoadBalancer") && is_headless(spec))
		ck_field_errors_add_invalid_str(
		    e, "spec.clusterIPs[0]", str_at(ips, 0),
		    "may not be set to 'None' for LoadBalancer services");
	if (ck_streq(type, "NodePort") && is_headless(spec))
		ck_field_errors_add_invalid_str(e, "spec.clusterIPs[0]", str_at(ips, 0),
						"may not be set to 'None' for NodePort services");
	if (ck_streq(type, "ExternalName")) {
		if (ck_core_len(ips))
			ck_field_errors_add_forbidden(e, "spec.clusterIPs",
						      "may not be set for ExternalName services");
		if (ck_core_len(ck_core_arr(spec, "ipFamilies")))
			ck_field_errors_add_forbidden(e, "spec.ipFamilies",
						      "may not be set for ExternalName services");
		if (ck_core_get(spec, "ipFamilyPolicy"))
			ck_field_errors_add_forbidden(e, "spec.ipFamilyPolicy",
						      "may not be set for ExternalName services");
		char *cname = ck_strdup(ck_core_str(spec, "externalName"));
		size_t l = strlen(cname);
		if (l && cname[l - 1] == '.')
			cname[--l] = '\0';
		if (l)
			ck_core_validate_dns1123_subdomain(cname, "spec.externalName", e);
		else
			ck_field_errors_add_required(e, "spec.externalName", "");
		free(cname);
	}
	size_t n = ck_core_len(ports);
	for (size_t i = 0; i < n; i++) {
		json_object *p = ck_core_at(ports, i);
		const char *name = ck_core_str(p, "name");
		snprintf(path, sizeof(path), "spec.ports[%zu].name", i);
		if (n > 1 && !*name) {
			ck_field_errors_add_required(e, path, "");
		} else if (*name) {
			ck_core_validate_dns1123_label(name, path, e);
			for (size_t j = 0; j < i; j++)
				if (ck_streq(ck_core_str(ck_core_at(ports, j), "name"), name)) {
					json_object *v = json_object_new_string(name);
					ck_field_errors_add_duplicate(e, path, v);
					json_object_put(v);
					break;
				}
		}
		int64_t port = 0;
		ck_core_int(p, "port", &port);
		snprintf(path, sizeof(path), "spec.ports[%zu].port", i);
		char **msgs = ck_is_valid_port_num(port);
		for (size_t k = 0; msgs && msgs[k]; k++)
			ck_field_errors_add_invalid_int(e, path, port, msgs[k]);
		ck_strv_free(msgs);
		const char *proto = ck_core_str(p, "protocol");
		snprintf(path, sizeof(path), "spec.ports[%zu].protocol", i);
		if (!*proto)
			ck_field_errors_add_required(e, path, "");
		else if (!in_set(proto, protocols, 3))
			not_supported(e, path, proto, protocols, 3);
		snprintf(path, sizeof(path), "spec.ports[%zu].targetPort", i);
		validate_port_num_or_name(ck_core_get(p, "targetPort"), path, e);
		json_object *ap = ck_core_get(p, "appProtocol");
		if (ap) {
			snprintf(path, sizeof(path), "spec.ports[%zu].appProtocol", i);
			ck_core_validate_qualified_name(json_object_get_string(ap), path, e);
		}
	}
	json_object *sel = ck_core_obj(spec, "selector");
	if (sel)
		ck_validate_labels(sel, "spec.selector", e);
	const char *aff = ck_core_str(spec, "sessionAffinity");
	static const char *const affs[] = { "ClientIP", "None" };
	if (!*aff)
		ck_field_errors_add_required(e, "spec.sessionAffinity", "");
	else if (!in_set(aff, affs, 2))
		not_supported(e, "spec.sessionAffinity", aff, affs, 2);
	json_object *sac = ck_core_obj(spec, "sessionAffinityConfig");
	if (ck_streq(aff, "ClientIP")) {
		const char *need = "when session affinity type is ClientIP";
		json_object *cip = ck_core_obj(sac, "clientIP");
		int64_t to = 0;
		if (!sac)
			ck_field_errors_add_required(e, "spec.sessionAffinityConfig", need);
		else if (!cip)
			ck_field_errors_add_required(e, "spec.sessionAffinityConfig.clientIP",
						     need);
		else if (!ck_core_int(cip, "timeoutSeconds", &to))
			ck_field_errors_add_required(
			    e, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", need);
		else if (to <= 0 || to > 86400)
			ck_field_errors_add_invalid_int(
			    e, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", to,
			    "must be greater than 0 and less than 86400");
	} else if (ck_streq(aff, "None") && sac) {
		ck_field_errors_add_forbidden(e, "spec.sessionAffinityConfig",
					      "must not be set when session affinity is None");
	}
	cluster_ips_related(spec, e);
	json_object *eips = ck_core_arr(spec, "externalIPs");
	for (size_t i = 0; i < ck_core_len(eips); i++) {
		snprintf(path, sizeof(path), "spec.externalIPs[%zu]", i);
		size_t before = e->len;
		ck_core_validate_ip(str_at(eips, i), path, e);
		if (e->len == before)
			ck_core_validate_non_special_ip(str_at(eips, i), path, e);
	}
	static const char *const types[] = { "ClusterIP", "ExternalName", "LoadBalancer",
					     "NodePort" };
	if (!*type)
		ck_field_errors_add_required(e, "spec.type", "");
	else if (!in_set(type, types, 4))
		not_supported(e, "spec.type", type, types, 4);
	for (size_t i = 0; ck_streq(type, "ClusterIP") && i < n; i++) {
		int64_t np = 0;
		if (ck_core_int(ck_core_at(ports, i), "nodePort", &np) && np != 0) {
			snprintf(path, sizeof(path), "spec.ports[%zu].nodePort", i);
			ck_field_errors_add_forbidden(e, path,
						      "may not be used when `type` is 'ClusterIP'");
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_object *p = ck_core_at(ports, i);
		int64_t np = 0;
		if (!ck_core_int(p, "nodePort", &np) || np == 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			json_object *q = ck_core_at(ports, j);
			int64_t nq = 0;
			ck_core_int(q, "nodePort", &nq);
			if (nq == np &&
			    ck_streq(ck_core_str(q, "protocol"), ck_core_str(p, "protocol"))) {
				snprintf(path, sizeof(path), "spec.ports[%zu].nodePort", i);
				ck_field_errors_add_duplicate(e, path, ck_core_get(p, "nodePort"));
				break;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_object *p = ck_core_at(ports, i);
		int64_t port = 0;
		ck_core_int(p, "port", &port);
		for (size_t j = 0; j < i; j++) {
			json_object *q = ck_core_at(ports, j);
			int64_t pq = 0;
			ck_core_int(q, "port", &pq);
			if (pq == port &&
			    ck_streq(ck_core_str(q, "protocol"), ck_core_str(p, "protocol"))) {
				snprintf(path, sizeof(path), "spec.ports[%zu]", i);
				json_object *key = json_object_new_object();
				json_object_object_add(
				    key, "protocol",
				    json_object_new_string(ck_core_str(p, "protocol")));
				json_object_object_add(key, "port", json_object_new_int64(port));
				ck_field_errors_add_duplicate(e, path, key);
				json_object_put(key);
				break;
			}
		}
	}
	json_object *lbsr = ck_core_arr(spec, "loadBalancerSourceRanges");
	json_object *ann = ck_obj_annotations(obj);
	json_object *sr_ann =
	    ck_core_get(ann, "service.beta.kubernetes.io/load-balancer-source-ranges");
	if (ck_core_len(lbsr)) {
		if (!ck_streq(type, "LoadBalancer"))
			ck_field_errors_add_forbidden(
			    e, "spec.LoadBalancerSourceRanges",
			    "may only be used when `type` is 'LoadBalancer'");
		for (size_t i = 0; i < ck_core_len(lbsr); i++) {
			char *v = ck_str_trim(str_at(lbsr, i));
			snprintf(path, sizeof(path), "spec.LoadBalancerSourceRanges[%zu]", i);
			ck_core_validate_cidr(v, path, e);
			free(v);
		}
	} else if (sr_ann) {
		const char *ap = "metadata.annotations[service.beta.kubernetes.io/"
				 "load-balancer-source-ranges]";
		if (!ck_streq(type, "LoadBalancer"))
			ck_field_errors_add_forbidden(
			    e, ap, "may only be used when `type` is 'LoadBalancer'");
		char *v = ck_str_trim(json_object_get_string(sr_ann));
		if (*v) {
			char **parts = ck_str_split(v, ',', 0);
			for (size_t i = 0; parts && parts[i]; i++) {
				char *c = ck_str_trim(parts[i]);
				ck_core_validate_cidr(c, ap, e);
				free(c);
			}
			ck_strv_free(parts);
		}
		free(v);
	}
	if (ck_core_get(spec, "allocateLoadBalancerNodePorts") && !ck_streq(type, "LoadBalancer"))
		ck_field_errors_add_forbidden(e, "spec.allocateLoadBalancerNodePorts",
					      "may only be used when `type` is 'LoadBalancer'");
	if (ck_streq(type, "LoadBalancer") && !ck_core_get(spec, "allocateLoadBalancerNodePorts"))
		ck_field_errors_add_required(e, "allocateLoadBalancerNodePorts", "");
	json_object *lbc = ck_core_get(spec, "loadBalancerClass");
	if (ck_streq(type, "LoadBalancer")) {
		if (lbc)
			ck_core_validate_qualified_name(json_object_get_string(lbc),
							"spec.loadBalancerClass", e);
	} else if (lbc) {
		ck_field_errors_add_forbidden(e, "spec.loadBalancerClass",
					      "may only be used when `type` is 'LoadBalancer'");
	}
	const char *etp = ck_core_str(spec, "externalTrafficPolicy");
	if (!externally_accessible(spec)) {
		if (*etp)
			ck_field_errors_add_invalid_str(e, "spec.externalTrafficPolicy", etp,
							"may only be set for externally-accessible "
							"services");
	} else {
		static const char *const etps[] = { "Cluster", "Local" };
		if (!*etp)
			ck_field_errors_add_required(e, "spec.externalTrafficPolicy", "");
		else if (!in_set(etp, etps, 2))
			not_supported(e, "spec.externalTrafficPolicy", etp, etps, 2);
	}
	int64_t hc = 0;
	ck_core_int(spec, "healthCheckNodePort", &hc);
	if (!needs_health_check(spec)) {
		if (hc)
			ck_field_errors_add_invalid_int(
			    e, "spec.healthCheckNodePort", hc,
			    "may only be set when `type` is 'LoadBalancer' "
			    "and `externalTrafficPolicy` is 'Local'");
	} else if (!hc) {
		ck_field_errors_add_required(e, "spec.healthCheckNodePort", "");
	} else {
		char **msgs = ck_is_valid_port_num(hc);
		for (size_t k = 0; msgs && msgs[k]; k++)
			ck_field_errors_add_invalid_int(e, "spec.healthCheckNodePort", hc, msgs[k]);
		ck_strv_free(msgs);
	}
	json_object *itp = ck_core_get(spec, "internalTrafficPolicy");
	if (!itp) {
		if (ck_streq(type, "NodePort") || ck_streq(type, "LoadBalancer") ||
		    ck_streq(type, "ClusterIP"))
			ck_field_errors_add_required(e, "spec.internalTrafficPolicy", "");
	} else {
		static const char *const itps[] = { "Cluster", "Local" };
		const char *s = json_object_get_string(itp);
		if (!in_set(s, itps, 2))
			not_supported(e, "spec.internalTrafficPolicy", s, itps, 2);
	}
	json_object *td = ck_core_get(spec, "trafficDistribution");
	if (td && !ck_streq(json_object_get_string(td), "PreferClose")) {
		static const char *const tds[] = { "PreferClose" };
		not_supported(e, "spec.trafficDistribution", json_object_get_string(td), tds, 1);
	}
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec"), *ospec = ck_core_obj(old, "spec");
	const char *t = ck_core_str(spec, "type"), *ot = ck_core_str(ospec, "type");
	json_object *ips = ck_core_arr(spec, "clusterIPs"),
		    *oips = ck_core_arr(ospec, "clusterIPs");
	size_t n = ck_core_len(ips), on = ck_core_len(oips);
	char path[64];
	/* validateUpgradeDowngradeClusterIPs */
	if (!ck_streq(t, "ExternalName") && !ck_streq(ot, "ExternalName") &&
	    !(is_headless(spec) && is_headless(ospec))) {
		if (n == on) {
			for (size_t i = 0; i < on; i++)
				if (!ck_streq(str_at(oips, i), str_at(ips, i))) {
					snprintf(path, sizeof(path), "spec.clusterIPs[%zu]", i);
					ck_field_errors_add_invalid(e, path, ips,
								    "may not change once set");
				}
		} else if (on > n) {
			if (!n)
				ck_field_errors_add_invalid(e, "spec.clusterIPs[0]", ips,
							    "primary clusterIP can not be unset");
			if (on && n && !ck_streq(str_at(ips, 0), str_at(oips, 0)))
				ck_field_errors_add_invalid(e, "spec.clusterIPs[0]", ips,
							    "may not change once set");
			if (n == 1 && !ck_streq(ck_core_str(spec, "ipFamilyPolicy"), "SingleStack"))
				ck_field_errors_add_invalid(e, "spec.ipFamilyPolicy",
							    ck_core_get(spec, "ipFamilyPolicy"),
							    "must be set to 'SingleStack' when "
							    "releasing the secondary clusterIP");
		} else if (on && !ck_streq(str_at(ips, 0), str_at(oips, 0))) {
			ck_field_errors_add_invalid(e, "spec.clusterIPs[0]", ips,
						    "may not change once set");
		}
	}
	/* validateUpgradeDowngradeIPFamilies */
	json_object *fams = ck_core_arr(spec, "ipFamilies"),
		    *ofams = ck_core_arr(ospec, "ipFamilies");
	if (!ck_streq(t, "ExternalName") && !ck_streq(ot, "ExternalName") &&
	    is_headless(spec) == is_headless(ospec) && !is_headless(spec)) {
		size_t fn = ck_core_len(fams), ofn = ck_core_len(ofams);
		if (fn == ofn) {
			for (size_t i = 0; i < ofn; i++)
				if (!ck_streq(str_at(ofams, i), str_at(fams, i)))
					ck_field_errors_add_invalid(e, "spec.ipFamilies[0]", fams,
								    "may not change once set");
		} else if (ofn > fn) {
			if (!n)
				ck_field_errors_add_invalid(e, "spec.ipFamilies[0]", fams,
							    "primary ipFamily can not be unset");
			if (fn && !ck_streq(str_at(fams, 0), str_at(ofams, 0)))
				ck_field_errors_add_invalid(e, "spec.ipFamilies[0]", ips,
							    "may not change once set");
			if (fn == 1 &&
			    !ck_streq(ck_core_str(spec, "ipFamilyPolicy"), "SingleStack"))
				ck_field_errors_add_invalid(e, "spec.ipFamilyPolicy",
							    ck_core_get(spec, "ipFamilyPolicy"),
							    "must be set to 'SingleStack' when "
							    "releasing the secondary ipFamily");
		} else if (ofn && fn && !ck_streq(str_at(fams, 0), str_at(ofams, 0))) {
			ck_field_errors_add_invalid(e, "spec.ipFamilies[0]", ips,
						    "may not change once set");
		}
	}
	if (ck_streq(t, "LoadBalancer") && ck_streq(ot, "LoadBalancer") &&
	    !ck_core_equal(ck_core_get(spec, "loadBalancerClass"),
			   ck_core_get(ospec, "loadBalancerClass")))
		ck_field_errors_add_invalid(e, "spec.loadBalancerClass",
					    ck_core_get(spec, "loadBalancerClass"),
					    "may not change once set");
	if (needs_health_check(spec) && needs_health_check(ospec) &&
	    !ck_core_equal(ck_core_get(spec, "healthCheckNodePort"),
			   ck_core_get(ospec, "healthCheckNodePort")))
		ck_field_errors_add_forbidden(e, "spec.healthCheckNodePort", "field is immutable");
}

static void prepare_status_update(json_object *obj, json_object *old)
{
	(void)old;
	if (!ck_streq(type_of(obj), "LoadBalancer"))
		return;
	json_object *ing =
	    ck_core_arr(ck_core_obj(ck_core_obj(obj, "status"), "loadBalancer"), "ingress");
	for (size_t i = 0; i < ck_core_len(ing); i++) {
		json_object *in = ck_core_at(ing, i);
		if (*ck_core_str(in, "ip") && !ck_core_get(in, "ipMode"))
			json_object_object_add(in, "ipMode", json_object_new_string("VIP"));
	}
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	json_object *ing =
	    ck_core_arr(ck_core_obj(ck_core_obj(obj, "status"), "loadBalancer"), "ingress");
	if (!ck_streq(type_of(obj), "LoadBalancer") && ck_core_len(ing)) {
		ck_field_errors_add_forbidden(
		    e, "status.loadBalancer.ingress",
		    "may only be used when `spec.type` is 'LoadBalancer'");
		return;
	}
	char path[96];
	for (size_t i = 0; i < ck_core_len(ing); i++) {
		json_object *in = ck_core_at(ing, i);
		const char *ip = ck_core_str(in, "ip"), *host = ck_core_str(in, "hostname");
		json_object *mode = ck_core_get(in, "ipMode");
		if (*ip) {
			snprintf(path, sizeof(path), "status.loadBalancer.ingress[%zu].ip", i);
			ck_core_validate_ip(ip, path, e);
		}
		snprintf(path, sizeof(path), "status.loadBalancer.ingress[%zu].ipMode", i);
		if (!mode) {
			if (*ip)
				ck_field_errors_add_required(e, path,
							     "must be specified when `ip` is set");
		} else if (!*ip) {
			ck_field_errors_add_forbidden(e, path,
						      "may not be specified when `ip` is not set");
		} else {
			static const char *const modes[] = { "Proxy", "VIP" };
			if (!in_set(json_object_get_string(mode), modes, 2))
				not_supported(e, path, json_object_get_string(mode), modes, 2);
		}
		if (*host) {
			snprintf(path, sizeof(path), "status.loadBalancer.ingress[%zu].hostname",
				 i);
			ck_core_validate_dns1123_subdomain(host, path, e);
			struct ck_ip parsed;
			if (ck_ip_parse(host, &parsed) == 0)
				ck_field_errors_add_invalid_str(
				    e, path, host, "must be a DNS name, not an IP address");
		}
	}
}

/* ---- allocation ---- */

struct svc_state {
	struct ck_storage *storage;
	struct ck_ip_range ipr;
	struct ck_port_range ports;
	struct ck_range_store *ips, *node_ports;
	const char *family; /* of the range: "IPv4" or "IPv6" */
	/* the endpoint reconciler (post_start on): its thread, fired to stop */
	char *advertise_address;
	int secure_port;
	pthread_t reconciler;
	bool reconciling;
	struct ck_cancel stop_reconciler;
};

/* What one write allocated (undone on revert) and will release (on commit). */
struct svc_txn {
	size_t ip_alloc[4], ip_release[4];
	size_t n_ip_alloc, n_ip_release;
	size_t *port_alloc, *port_release;
	size_t n_port_alloc, n_port_release;
	bool dry_run;
};

static void txn_port(size_t **list, size_t *n, size_t v)
{
	*list = ck_realloc(*list, (*n + 1) * sizeof(size_t));
	(*list)[(*n)++] = v;
}

static void txn_free(struct svc_txn *t)
{
	if (!t)
		return;
	free(t->port_alloc);
	free(t->port_release);
	free(t);
}

static json_object *invalid_status(json_object *svc, struct ck_field_errors *errs)
{
	const char *name = ck_obj_name(svc);
	return ck_status_new_invalid("", "Service", name ? name : "", errs);
}

/* Allocates a requested cluster IP: 0, or a negative errno with *ret_status. */
static int alloc_ip(struct svc_state *s, struct svc_txn *t, json_object *svc, const char *ip,
		    json_object **ret_status)
{
	char msg[512];
	const char *why = NULL;
	struct ck_ip parsed;
	size_t off;
	int r = 0;
	if (ck_ip_parse(ip, &parsed) < 0 || ck_ip_range_index(&s->ipr, &parsed, &off) < 0) {
		char rmsg[400];
		ck_ip_range_not_in_range(&s->ipr, ip, rmsg, sizeof(rmsg));
		snprintf(msg, sizeof(msg), "failed to allocate IP %.64s: %s", ip, rmsg);
		why = msg;
		r = -ERANGE;
	} else if (!t->dry_run) {
		r = ck_range_store_allocate(s->ips, off);
		if (r == -EEXIST) {
			snprintf(msg, sizeof(msg), "failed to allocate IP %.64s: %s", ip,
				 CK_IP_ALLOCATED_MSG);
			why = msg;
		} else if (r < 0) {
			*ret_status =
			    ck_status_new_internal_error("failed to allocate a serviceIP");
			return r;
		} else if (t->n_ip_alloc < CK_ARRAY_SIZE(t->ip_alloc)) {
			t->ip_alloc[t->n_ip_alloc++] = off;
		}
	}
	if (why) {
		struct ck_field_errors errs;
		ck_field_errors_init(&errs);
		ck_field_errors_add_invalid(&errs, "spec.clusterIPs",
					    ck_core_arr(ck_core_obj(svc, "spec"), "clusterIPs"),
					    why);
		*ret_status = invalid_status(svc, &errs);
		ck_field_errors_release(&errs);
	}
	return r;
}

/* Allocates a free cluster IP into out: 0, or a negative errno with *ret_status. */
static int alloc_next_ip(struct svc_state *s, struct svc_txn *t, char out[CK_IP_STR_MAX],
			 json_object **ret_status)
{
	struct ck_ip ip;
	if (t->dry_run) {
		ck_ip_format(&s->ipr.cidr.ip, out); /* upstream's dry run answers the network */
		return 0;
	}
	size_t off;
	int r = ck_range_store_allocate_next(s->ips, &off);
	if (r < 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "failed to allocate a serviceIP: %s",
			 r == -ENOSPC ? CK_RANGE_FULL_MSG : strerror(-r));
		*ret_status = ck_status_new_internal_error(msg);
		return r;
	}
	if (t->n_ip_alloc < CK_ARRAY_SIZE(t->ip_alloc))
		t->ip_alloc[t->n_ip_alloc++] = off;
	ck_ip_range_at(&s->ipr, off, &ip);
	ck_ip_format(&ip, out);
	return 0;
}

/* Allocates a requested node port: 0, or a negative errno with *ret_status
 * (Invalid at path). */
static int alloc_port(struct svc_state *s, struct svc_txn *t, json_object *svc, int64_t port,
		      const char *path, json_object **ret_status)
{
	char msg[256];
	const char *why = NULL;
	int r = 0;
	if (!ck_port_range_contains(&s->ports, (int)port)) {
		ck_port_range_not_in_range(&s->ports, msg, sizeof(msg));
		why = msg;
		r = -ERANGE;
	} else if (!t->dry_run) {
		size_t off = (size_t)(port - s->ports.base);
		r = ck_range_store_allocate(s->node_ports, off);
		if (r == -EEXIST) {
			why = CK_PORT_ALLOCATED_MSG;
		} else if (r < 0) {
			*ret_status = ck_status_new_internal_error("failed to allocate a nodePort");
			return r;
		} else {
			txn_port(&t->port_alloc, &t->n_port_alloc, off);
		}
	}
	if (why) {
		struct ck_field_errors errs;
		ck_field_errors_init(&errs);
		ck_field_errors_add_invalid_int(&errs, path, port, why);
		*ret_status = invalid_status(svc, &errs);
		ck_field_errors_release(&errs);
	}
	return r;
}

static int alloc_next_port(struct svc_state *s, struct svc_txn *t, int64_t *ret,
			   json_object **ret_status)
{
	if (t->dry_run) {
		*ret = s->ports.base;
		return 0;
	}
	size_t off;
	int r = ck_range_store_allocate_next(s->node_ports, &off);
	if (r < 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "failed to allocate a nodePort: %s",
			 r == -ENOSPC ? CK_RANGE_FULL_MSG : strerror(-r));
		*ret_status = ck_status_new_internal_error(msg);
		return r;
	}
	txn_port(&t->port_alloc, &t->n_port_alloc, off);
	*ret = s->ports.base + (int64_t)off;
	return 0;
}

/* initIPFamilyFields for a one-range cluster: 0, or -EINVAL with *ret_status. */
static int init_ip_family_fields(struct svc_state *s, json_object *svc, json_object *ospec,
				 json_object **ret_status)
{
	json_object *spec = ck_core_obj(svc, "spec");
	if (ck_streq(ck_core_str(spec, "type"), "ExternalName"))
		return 0;
	if (!ck_core_get(spec, "ipFamilyPolicy")) {
		json_object *opol = ck_core_get(ospec, "ipFamilyPolicy");
		if (opol)
			json_object_object_add(spec, "ipFamilyPolicy", ck_obj_copy(opol));
		else if (ck_streq(ck_core_str(spec, "clusterIP"), "None") &&
			 (!ck_core_obj(spec, "selector") ||
			  json_object_object_length(ck_core_obj(spec, "selector")) == 0))
			json_object_object_add(spec, "ipFamilyPolicy",
					       json_object_new_string("RequireDualStack"));
		else
			json_object_object_add(spec, "ipFamilyPolicy",
					       json_object_new_string("SingleStack"));
	}
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	cluster_ips_related(spec, &errs);
	if (errs.len)
		goto fail;
	const char *pol = ck_core_str(spec, "ipFamilyPolicy");
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	json_object *fams = ck_core_arr(spec, "ipFamilies");
	if (ospec) {
		json_object *oips = ck_core_arr(ospec, "clusterIPs");
		json_object *ofams = ck_core_arr(ospec, "ipFamilies");
		if (ck_streq(pol, "SingleStack")) {
			if (ck_core_equal(ips, oips) && ck_core_len(ips) > 1)
				json_object_array_del_idx(ips, 1, ck_core_len(ips) - 1);
			if (ck_core_equal(fams, ofams) && ck_core_len(fams) > 1)
				json_object_array_del_idx(fams, 1, ck_core_len(fams) - 1);
		} else {
			if (ck_core_len(ips) < ck_core_len(oips))
				ck_field_errors_add_invalid(
				    &errs, "spec.ipFamilyPolicy",
				    ck_core_get(spec, "ipFamilyPolicy"),
				    "must be 'SingleStack' to release the secondary cluster IP");
			if (ck_core_len(fams) < ck_core_len(ofams))
				ck_field_errors_add_invalid(
				    &errs, "spec.ipFamilyPolicy",
				    ck_core_get(spec, "ipFamilyPolicy"),
				    "must be 'SingleStack' to release the secondary IP family");
		}
	}
	if (ck_streq(pol, "SingleStack")) {
		if (ck_core_len(ips) == 2)
			ck_field_errors_add_invalid(
			    &errs, "spec.ipFamilyPolicy", ck_core_get(spec, "ipFamilyPolicy"),
			    "must be 'RequireDualStack' or 'PreferDualStack' "
			    "when multiple cluster IPs are specified");
		if (ck_core_len(fams) == 2)
			ck_field_errors_add_invalid(
			    &errs, "spec.ipFamilyPolicy", ck_core_get(spec, "ipFamilyPolicy"),
			    "must be 'RequireDualStack' or 'PreferDualStack' "
			    "when multiple IP families are specified");
	}
	for (size_t i = 0; i < ck_core_len(ips); i++) {
		const char *ip = str_at(ips, i);
		if (ck_streq(ip, "None"))
			break;
		const char *fam = ck_core_is_ipv6(ip) ? "IPv6" : "IPv4";
		if (i >= ck_core_len(fams)) {
			if (!ck_streq(fam, s->family)) {
				char path[64], msg[64];
				snprintf(path, sizeof(path), "spec.clusterIPs[%zu]", i);
				snprintf(msg, sizeof(msg), "%s is not configured on this cluster",
					 fam);
				ck_field_errors_add_invalid(&errs, path, ips, msg);
			} else {
				if (!fams) {
					fams = json_object_new_array();
					json_object_object_add(spec, "ipFamilies", fams);
				}
				json_object_array_add(fams, json_object_new_string(fam));
			}
		}
	}
	if (errs.len)
		goto fail;
	json_object *sel = ck_core_obj(spec, "selector");
	if (ck_streq(ck_core_str(spec, "clusterIP"), "None") &&
	    (!sel || json_object_object_length(sel) == 0)) {
		/* headless and selectorless: any families may be asked for */
		if (!ck_core_len(fams)) {
			json_object_object_add(spec, "ipFamilies", string_array(s->family));
			fams = ck_core_arr(spec, "ipFamilies");
		}
		if (ck_core_len(fams) < 2 && !ck_streq(pol, "SingleStack"))
			json_object_array_add(
			    fams, json_object_new_string(
				      ck_streq(str_at(fams, 0), "IPv4") ? "IPv6" : "IPv4"));
		ck_field_errors_release(&errs);
		return 0;
	}
	if (ck_streq(pol, "RequireDualStack"))
		ck_field_errors_add_invalid(
		    &errs, "spec.ipFamilyPolicy", ck_core_get(spec, "ipFamilyPolicy"),
		    "this cluster is not configured for dual-stack services");
	for (size_t i = 0; i < ck_core_len(fams); i++)
		if (!ck_streq(str_at(fams, i), s->family)) {
			char path[64];
			snprintf(path, sizeof(path), "spec.ipFamilies[%zu]", i);
			ck_field_errors_add_invalid_str(&errs, path, str_at(fams, i),
							"not configured on this cluster");
		}
	if (errs.len)
		goto fail;
	if (!ck_core_len(fams))
		json_object_object_add(spec, "ipFamilies", string_array(s->family));
	ck_field_errors_release(&errs);
	return 0;
fail:
	*ret_status = invalid_status(svc, &errs);
	ck_field_errors_release(&errs);
	return -EINVAL;
}

/* allocClusterIPs: the primary family only (one range). */
static int alloc_cluster_ips(struct svc_state *s, struct svc_txn *t, json_object *svc,
			     json_object **ret_status)
{
	json_object *spec = ck_core_obj(svc, "spec");
	if (ck_streq(ck_core_str(spec, "type"), "ExternalName") || is_headless(spec))
		return 0;
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	const char *want = ck_core_len(ips) ? str_at(ips, 0) : "";
	char ip[CK_IP_STR_MAX];
	int r;
	if (!*want) {
		r = alloc_next_ip(s, t, ip, ret_status);
	} else {
		snprintf(ip, sizeof(ip), "%s", want);
		r = alloc_ip(s, t, svc, want, ret_status);
	}
	if (r < 0)
		return r;
	json_object_object_add(spec, "clusterIPs", string_array(ip));
	json_object_object_add(spec, "clusterIP", json_object_new_string(ip));
	return 0;
}

static bool should_allocate_node_ports(json_object *spec)
{
	const char *t = ck_core_str(spec, "type");
	if (ck_streq(t, "NodePort"))
		return true;
	if (ck_streq(t, "LoadBalancer")) {
		json_object *a = ck_core_get(spec, "allocateLoadBalancerNodePorts");
		return !a || json_object_get_boolean(a);
	}
	return false;
}

/* initNodePorts (create) */
static int init_node_ports(struct svc_state *s, struct svc_txn *t, json_object *svc,
			   json_object **ret_status)
{
	json_object *spec = ck_core_obj(svc, "spec");
	json_object *ports = ck_core_arr(spec, "ports");
	size_t n = ck_core_len(ports);
	int64_t *by_port = ck_calloc(n ? n : 1, sizeof(int64_t)); /* nodePort of ports[i].port */
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *p = ck_core_at(ports, i);
		int64_t np = 0, port = 0;
		ck_core_int(p, "nodePort", &np);
		ck_core_int(p, "port", &port);
		if (np == 0 && !should_allocate_node_ports(spec))
			continue;
		int64_t allocated = 0;
		for (size_t j = 0; j < i; j++) {
			int64_t pj = 0;
			ck_core_int(ck_core_at(ports, j), "port", &pj);
			if (pj == port && by_port[j])
				allocated = by_port[j];
		}
		char path[64];
		snprintf(path, sizeof(path), "spec.ports[%zu].nodePort", i);
		if (!allocated) {
			/* a value asked for by a later port with the same number */
			int64_t want = 0;
			for (size_t j = i; j < n && !want; j++) {
				int64_t pj = 0, nj = 0;
				ck_core_int(ck_core_at(ports, j), "port", &pj);
				ck_core_int(ck_core_at(ports, j), "nodePort", &nj);
				if (pj == port && nj)
					want = nj;
			}
			if (want) {
				if ((r = alloc_port(s, t, svc, want, path, ret_status)) < 0)
					goto out;
			} else if ((r = alloc_next_port(s, t, &want, ret_status)) < 0) {
				goto out;
			}
			json_object_object_add(p, "nodePort", json_object_new_int64(want));
			by_port[i] = want;
		} else if (np != allocated) {
			if (np == 0) {
				json_object_object_add(p, "nodePort",
						       json_object_new_int64(allocated));
			} else if ((r = alloc_port(s, t, svc, np, path, ret_status)) < 0) {
				goto out;
			}
			by_port[i] = allocated;
		} else {
			by_port[i] = allocated;
		}
	}
out:
	free(by_port);
	return r;
}

static void collect_node_ports(json_object *spec, int64_t *out, size_t *n, size_t max)
{
	json_object *ports = ck_core_arr(spec, "ports");
	*n = 0;
	for (size_t i = 0; i < ck_core_len(ports) && *n < max; i++) {
		int64_t np = 0;
		if (!ck_core_int(ck_core_at(ports, i), "nodePort", &np) || np == 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < *n; j++)
			seen |= out[j] == np;
		if (!seen)
			out[(*n)++] = np;
	}
	int64_t hc = 0;
	if (ck_core_int(spec, "healthCheckNodePort", &hc) && hc && *n < max)
		out[(*n)++] = hc;
}

static void release_port_later(struct svc_state *s, struct svc_txn *t, int64_t port)
{
	if (ck_port_range_contains(&s->ports, (int)port))
		txn_port(&t->port_release, &t->n_port_release, (size_t)(port - s->ports.base));
}

/* updateNodePorts */
static int update_node_ports(struct svc_state *s, struct svc_txn *t, json_object *svc,
			     json_object *ospec, json_object **ret_status)
{
	json_object *spec = ck_core_obj(svc, "spec");
	json_object *ports = ck_core_arr(spec, "ports");
	int64_t old[512];
	size_t nold;
	json_object *ospec_ports = json_object_new_object();
	json_object_object_add(ospec_ports, "ports", json_object_get(ck_core_arr(ospec, "ports")));
	collect_node_ports(ospec_ports, old, &nold, CK_ARRAY_SIZE(old));
	json_object_put(ospec_ports);
	int r = 0;
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i);
		int64_t np = 0;
		ck_core_int(p, "nodePort", &np);
		if (np == 0 && !should_allocate_node_ports(spec))
			continue;
		char path[64];
		snprintf(path, sizeof(path), "spec.ports[%zu].nodePort", i);
		if (np) {
			bool had = false;
			for (size_t j = 0; j < nold; j++)
				had |= old[j] == np;
			for (size_t j = 0; j < i && !had; j++) {
				int64_t v = 0;
				ck_core_int(ck_core_at(ports, j), "nodePort", &v);
				had |= v == np;
			}
			if (!had && (r = alloc_port(s, t, svc, np, path, ret_status)) < 0)
				return r;
		} else {
			if ((r = alloc_next_port(s, t, &np, ret_status)) < 0)
				return r;
			json_object_object_add(p, "nodePort", json_object_new_int64(np));
		}
	}
	int64_t now[512];
	size_t nnow;
	json_object *spec_ports = json_object_new_object();
	json_object_object_add(spec_ports, "ports", json_object_get(ports));
	collect_node_ports(spec_ports, now, &nnow, CK_ARRAY_SIZE(now));
	json_object_put(spec_ports);
	for (size_t i = 0; i < nold; i++) {
		bool kept = false;
		for (size_t j = 0; j < nnow; j++)
			kept |= now[j] == old[i];
		if (!kept)
			release_port_later(s, t, old[i]);
	}
	return 0;
}

static void release_ips_later(struct svc_state *s, struct svc_txn *t, json_object *spec)
{
	json_object *ips = ck_core_arr(spec, "clusterIPs");
	for (size_t i = 0; i < ck_core_len(ips); i++) {
		struct ck_ip ip;
		size_t off;
		if (ck_ip_parse(str_at(ips, i), &ip) == 0 &&
		    ck_ip_range_index(&s->ipr, &ip, &off) == 0 &&
		    t->n_ip_release < CK_ARRAY_SIZE(t->ip_release))
			t->ip_release[t->n_ip_release++] = off;
	}
}

static void finish_write(void *state, void *txn, bool committed);

static int begin_write(void *state, json_object *obj, json_object *old, bool dry_run,
		       void **ret_txn, json_object **ret_status)
{
	struct svc_state *s = state;
	if (!s) {
		*ret_status = ck_status_new_service_unavailable("service allocators are not ready");
		return -EAGAIN;
	}
	struct svc_txn *t = ck_calloc(1, sizeof(*t));
	t->dry_run = dry_run;
	json_object *spec = ck_core_obj(obj, "spec"),
		    *ospec = old ? ck_core_obj(old, "spec") : NULL;
	int r = init_ip_family_fields(s, obj, ospec, ret_status);
	if (r < 0)
		goto fail;
	if (!old) {
		if ((r = alloc_cluster_ips(s, t, obj, ret_status)) < 0)
			goto fail;
		if (needs_node_ports(ck_core_str(spec, "type")) &&
		    (r = init_node_ports(s, t, obj, ret_status)) < 0)
			goto fail;
		if (needs_health_check(spec)) {
			int64_t hc = 0;
			ck_core_int(spec, "healthCheckNodePort", &hc);
			if (hc) {
				r = alloc_port(s, t, obj, hc, "spec.healthCheckNodePort",
					       ret_status);
			} else if ((r = alloc_next_port(s, t, &hc, ret_status)) == 0) {
				json_object_object_add(spec, "healthCheckNodePort",
						       json_object_new_int64(hc));
			}
			if (r < 0)
				goto fail;
		}
	} else {
		const char *t_new = ck_core_str(spec, "type"), *t_old = ck_core_str(ospec, "type");
		if (ck_streq(t_old, "ExternalName") && !ck_streq(t_new, "ExternalName")) {
			if ((r = alloc_cluster_ips(s, t, obj, ret_status)) < 0)
				goto fail;
		} else if (!is_headless(ospec) && !ck_streq(t_old, "ExternalName") &&
			   ck_streq(t_new, "ExternalName")) {
			release_ips_later(s, t, ospec);
		}
		if (needs_node_ports(t_old) && !needs_node_ports(t_new)) {
			int64_t old_ports[512];
			size_t n;
			collect_node_ports(ospec, old_ports, &n, CK_ARRAY_SIZE(old_ports));
			for (size_t i = 0; i < n; i++)
				release_port_later(s, t, old_ports[i]);
		}
		if (needs_node_ports(t_new) &&
		    (r = update_node_ports(s, t, obj, ospec, ret_status)) < 0)
			goto fail;
		bool needed = needs_health_check(ospec), needs = needs_health_check(spec);
		int64_t hc = 0, ohc = 0;
		ck_core_int(spec, "healthCheckNodePort", &hc);
		ck_core_int(ospec, "healthCheckNodePort", &ohc);
		if (!needed && needs) {
			if (hc) {
				r = alloc_port(s, t, obj, hc, "spec.healthCheckNodePort",
					       ret_status);
			} else if ((r = alloc_next_port(s, t, &hc, ret_status)) == 0) {
				json_object_object_add(spec, "healthCheckNodePort",
						       json_object_new_int64(hc));
			}
			if (r < 0)
				goto fail;
		} else if (needed && !needs && ohc) {
			release_port_later(s, t, ohc);
		}
	}
	*ret_txn = t;
	return 0;
fail:
	finish_write(s, t, false);
	return r;
}

static void finish_write(void *state, void *txn, bool committed)
{
	struct svc_state *s = state;
	struct svc_txn *t = txn;
	if (!s || !t)
		return;
	if (!t->dry_run) {
		if (committed) {
			for (size_t i = 0; i < t->n_ip_release; i++)
				ck_range_store_release(s->ips, t->ip_release[i]);
			for (size_t i = 0; i < t->n_port_release; i++)
				ck_range_store_release(s->node_ports, t->port_release[i]);
		} else {
			for (size_t i = 0; i < t->n_ip_alloc; i++)
				ck_range_store_release(s->ips, t->ip_alloc[i]);
			for (size_t i = 0; i < t->n_port_alloc; i++)
				ck_range_store_release(s->node_ports, t->port_alloc[i]);
		}
	}
	txn_free(t);
}

/* What a deleted service held; its Endpoints go too (upstream's afterDelete). */
static void after_delete(void *state, json_object *obj)
{
	struct svc_state *s = state;
	if (!s)
		return;
	struct svc_txn t = { 0 };
	json_object *spec = ck_core_obj(obj, "spec");
	if (!is_headless(spec))
		release_ips_later(s, &t, spec);
	int64_t ports[512];
	size_t n;
	collect_node_ports(spec, ports, &n, CK_ARRAY_SIZE(ports));
	for (size_t i = 0; i < n; i++)
		release_port_later(s, &t, ports[i]);
	for (size_t i = 0; i < t.n_ip_release; i++)
		ck_range_store_release(s->ips, t.ip_release[i]);
	for (size_t i = 0; i < t.n_port_release; i++)
		ck_range_store_release(s->node_ports, t.port_release[i]);
	free(t.port_alloc);
	free(t.port_release);
	char key[600];
	snprintf(key, sizeof(key), "/endpoints/%s/%s",
		 ck_obj_namespace(obj) ? ck_obj_namespace(obj) : "",
		 ck_obj_name(obj) ? ck_obj_name(obj) : "");
	struct ck_storage_delete_options d = { 0 };
	struct ck_storage_error err = { 0 };
	int r = ck_storage_delete(s->storage, key, &d, NULL, &err);
	if (r < 0 && r != CK_STORAGE_ERR_NOT_FOUND)
		ck_log_v(4, "unable to delete the endpoints of service '%s': %s", key, err.message);
	ck_storage_error_release(&err);
}

/* The repair at start: every address and port a stored service holds is
 * marked allocated (upstream's repair controllers). */
static int repair(struct svc_state *s)
{
	struct ck_storage_list_options lo = { .recursive = true };
	struct ck_storage_list_result res = { 0 };
	struct ck_storage_error err = { 0 };
	int r = ck_storage_list(s->storage, "/services", &lo, &res, &err);
	if (r < 0) {
		ck_log_v(4, "unable to list services: %s", err.message);
		ck_storage_error_release(&err);
		return r;
	}
	struct ck_bitmap ips, ports;
	ck_bitmap_init(&ips, s->ipr.max);
	ck_bitmap_init(&ports, (size_t)s->ports.size);
	for (size_t i = 0; i < json_object_array_length(res.items); i++) {
		json_object *spec = ck_core_obj(json_object_array_get_idx(res.items, i), "spec");
		json_object *cips = ck_core_arr(spec, "clusterIPs");
		for (size_t j = 0; j < ck_core_len(cips); j++) {
			struct ck_ip ip;
			size_t off;
			if (ck_ip_parse(str_at(cips, j), &ip) == 0 &&
			    ck_ip_range_index(&s->ipr, &ip, &off) == 0)
				ck_bitmap_set(&ips, off);
		}
		int64_t np[512];
		size_t n;
		collect_node_ports(spec, np, &n, CK_ARRAY_SIZE(np));
		for (size_t j = 0; j < n; j++)
			if (ck_port_range_contains(&s->ports, (int)np[j]))
				ck_bitmap_set(&ports, (size_t)(np[j] - s->ports.base));
	}
	r = ck_range_store_repair(s->ips, &ips);
	if (r == 0)
		r = ck_range_store_repair(s->node_ports, &ports);
	ck_bitmap_release(&ips);
	ck_bitmap_release(&ports);
	ck_storage_list_result_release(&res);
	ck_storage_error_release(&err);
	return r;
}

static int reconcile_endpoints(struct svc_state *s, bool removing);

static void stop(void *state)
{
	struct svc_state *s = state;
	if (!s)
		return;
	ck_cancel_fire(&s->stop_reconciler);
	if (s->reconciling) {
		pthread_join(s->reconciler, NULL);
		/* upstream's RemoveEndpoints: this server leaves the Endpoints */
		int r = reconcile_endpoints(s, true);
		if (r < 0)
			ck_log_v(2,
				 "unable to remove this server from the kubernetes endpoints: %s",
				 strerror(-r));
	}
	ck_cancel_release(&s->stop_reconciler);
	free(s->advertise_address);
	ck_range_store_free(s->ips);
	ck_range_store_free(s->node_ports);
	free(s);
}

static int start(const struct ck_registry_env *env, void **ret_state)
{
	struct svc_state *s = ck_calloc(1, sizeof(*s));
	s->storage = env->storage;
	ck_cancel_init(&s->stop_reconciler);
	int r;
	const char *cidr =
	    env->service_cluster_ip_range ? env->service_cluster_ip_range : "10.96.0.0/12";
	const char *pr =
	    env->service_node_port_range ? env->service_node_port_range : "30000-32767";
	if (ck_ip_range_parse(cidr, &s->ipr) < 0) {
		ck_log_error("invalid --service-cluster-ip-range '%s'", cidr);
		r = -EINVAL;
		goto fail;
	}
	if (ck_port_range_parse(pr, &s->ports) < 0) {
		ck_log_error("invalid --service-node-port-range '%s'", pr);
		r = -EINVAL;
		goto fail;
	}
	s->family = s->ipr.cidr.ip.family == CK_IP_V6 ? "IPv6" : "IPv4";
	if ((r = ck_range_store_open(s->storage, CK_RANGE_KEY_SERVICE_IPS, s->ipr.spec, s->ipr.max,
				     s->ipr.offset, &s->ips)) < 0 ||
	    (r = ck_range_store_open(s->storage, CK_RANGE_KEY_NODE_PORTS, s->ports.spec,
				     (size_t)s->ports.size, s->ports.offset, &s->node_ports)) < 0)
		goto fail;
	if ((r = repair(s)) < 0)
		goto fail;
	*ret_state = s;
	return 0;
fail:
	stop(s);
	return r;
}

/* ---- the `kubernetes` Service and Endpoints (the bootstrap controller) ---- */

static void set_meta(json_object *obj, const char *name)
{
	json_object *md = ck_obj_metadata(obj);
	json_object_object_add(md, "name", json_object_new_string(name));
	json_object_object_add(md, "namespace", json_object_new_string("default"));
	ck_registry_stamp_new(obj);
}

static json_object *kubernetes_ports(int port, bool endpoints)
{
	json_object *ports = json_object_new_array(), *p = json_object_new_object();
	json_object_object_add(p, "name", json_object_new_string("https"));
	if (endpoints) {
		json_object_object_add(p, "port", json_object_new_int(port));
	} else {
		json_object_object_add(p, "port", json_object_new_int(443));
		json_object_object_add(p, "targetPort", json_object_new_int(port));
	}
	json_object_object_add(p, "protocol", json_object_new_string("TCP"));
	json_object_array_add(ports, p);
	return ports;
}

struct ports_ctx {
	json_object *ports;
};

static int set_ports_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
			json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	(void)ret_ttl;
	struct ports_ctx *c = arg;
	json_object *spec = ck_core_ensure_obj(cur, "spec");
	json_object_object_add(spec, "ports", ck_obj_copy(c->ports));
	*ret_obj = json_object_get(cur);
	return 0;
}

static int ensure_kubernetes_service(struct svc_state *s, int port)
{
	struct ck_storage_error err = { 0 };
	struct ck_storage_get_options go = { .ignore_not_found = true };
	json_object *cur = NULL;
	int r = ck_storage_get(s->storage, "/services/default/kubernetes", &go, &cur, &err);
	ck_storage_error_release(&err);
	if (r < 0)
		return r;
	json_object *ports = kubernetes_ports(port, false);
	if (cur) {
		/* Upstream reconciles the ports (a changed --secure-port). */
		if (!ck_core_equal(ck_core_arr(ck_core_obj(cur, "spec"), "ports"), ports)) {
			struct ports_ctx c = { ports };
			struct ck_storage_update_options uo = { 0 };
			r = ck_storage_guaranteed_update(s->storage, "/services/default/kubernetes",
							 &uo, set_ports_fn, &c, NULL, &err);
			ck_storage_error_release(&err);
		}
		json_object_put(cur);
		json_object_put(ports);
		return r;
	}
	struct ck_ip first;
	char ip[CK_IP_STR_MAX];
	ck_ip_range_at(&s->ipr, 0, &first);
	ck_ip_format(&first, ip);
	json_object *svc = json_object_new_object();
	json_object_object_add(svc, "kind", json_object_new_string("Service"));
	json_object_object_add(svc, "apiVersion", json_object_new_string("v1"));
	set_meta(svc, "kubernetes");
	json_object *labels = json_object_new_object();
	json_object_object_add(labels, "component", json_object_new_string("apiserver"));
	json_object_object_add(labels, "provider", json_object_new_string("kubernetes"));
	json_object_object_add(ck_obj_metadata(svc), "labels", labels);
	json_object *spec = json_object_new_object();
	json_object_object_add(spec, "ports", ports);
	json_object_object_add(spec, "clusterIP", json_object_new_string(ip));
	json_object_object_add(spec, "sessionAffinity", json_object_new_string("None"));
	json_object_object_add(spec, "type", json_object_new_string("ClusterIP"));
	json_object_object_add(svc, "spec", spec);
	prepare_create(svc);
	json_object *st = NULL;
	void *txn = NULL;
	r = begin_write(s, svc, NULL, false, &txn, &st);
	if (r < 0 && ck_status_code(st) == 422 &&
	    strstr(ck_status_message(st), CK_IP_ALLOCATED_MSG)) {
		/* Held already (a crash before the service was stored): it is ours. */
		json_object_put(st);
		st = NULL;
		json_object_object_add(spec, "ipFamilies", string_array(s->family));
		json_object_object_add(spec, "clusterIPs", string_array(ip));
		r = 0;
	}
	json_object_put(st);
	if (r == 0) {
		r = ck_storage_create(s->storage, "/services/default/kubernetes", svc, 0, NULL,
				      &err);
		if (txn)
			finish_write(s, txn, r == 0);
		if (r == CK_STORAGE_ERR_EXISTS)
			r = 0; /* another server was first */
		ck_storage_error_release(&err);
	}
	json_object_put(svc);
	return r;
}

/*
 * The `kubernetes` Endpoints list every API server, as upstream's "lease"
 * endpoint reconciler keeps them: each server holds a lease key
 * /masterleases/<ip> (an Endpoints object, expiring MASTER_LEASE_TTL
 * seconds after its last renewal), renews it every ENDPOINT_INTERVAL_MS, and
 * sets the Endpoints' addresses to the IPs whose leases live, sorted; a server
 * that stops removes its own. A crashed server's address goes when its lease
 * expires.
 */
#define MASTER_LEASE_TTL 15	   /* seconds, upstream's masterEndpointReconcileTTL */
#define ENDPOINT_INTERVAL_MS 10000 /* upstream's EndpointInterval */

static int lease_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
		    json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	const char *ip = arg;
	json_object *lease = cur ? json_object_get(cur) : json_object_new_object();
	json_object_object_add(lease, "kind", json_object_new_string("Endpoints"));
	json_object_object_add(lease, "apiVersion", json_object_new_string("v1"));
	json_object *md = ck_obj_metadata(lease);
	json_object_object_add(md, "name", json_object_new_string(ip));
	/* a change, so that the write (and the TTL with it) happens, as upstream */
	int64_t gen = 0;
	ck_core_int(md, "generation", &gen);
	json_object_object_add(md, "generation", json_object_new_int64(gen + 1));
	json_object *addr = json_object_new_object(), *addrs = json_object_new_array();
	json_object_object_add(addr, "ip", json_object_new_string(ip));
	json_object_array_add(addrs, addr);
	json_object *subset = json_object_new_object(), *subsets = json_object_new_array();
	json_object_object_add(subset, "addresses", addrs);
	json_object_array_add(subsets, subset);
	json_object_object_add(lease, "subsets", subsets);
	*ret_obj = lease;
	*ret_ttl = MASTER_LEASE_TTL;
	return 0;
}

struct ep_ctx {
	json_object *ips; /* the live servers' IPs, sorted (borrowed) */
	int port;	  /* this server's, or 0 to keep the current ports */
};

/* The kubernetes Endpoints: one subset of every live server, on the port. */
static int endpoints_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
			json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	(void)ret_ttl;
	struct ep_ctx *c = arg;
	json_object *ep = cur ? json_object_get(cur) : NULL;
	if (!ep) {
		ep = json_object_new_object();
		json_object_object_add(ep, "kind", json_object_new_string("Endpoints"));
		json_object_object_add(ep, "apiVersion", json_object_new_string("v1"));
		set_meta(ep, "kubernetes");
		json_object *labels = json_object_new_object();
		json_object_object_add(labels, "endpointslice.kubernetes.io/skip-mirror",
				       json_object_new_string("true"));
		json_object_object_add(ck_obj_metadata(ep), "labels", labels);
	}
	json_object *old_ports = ck_core_arr(ck_core_at(ck_core_arr(ep, "subsets"), 0), "ports");
	json_object *ports =
	    c->port ? kubernetes_ports(c->port, true) : (old_ports ? ck_obj_copy(old_ports) : NULL);
	json_object *list = json_object_new_array();
	if (ports && ck_core_len(c->ips)) {
		json_object *addrs = json_object_new_array();
		for (size_t i = 0; i < ck_core_len(c->ips); i++) {
			json_object *a = json_object_new_object();
			json_object_object_add(a, "ip", json_object_get(ck_core_at(c->ips, i)));
			json_object_array_add(addrs, a);
		}
		json_object *subset = json_object_new_object();
		json_object_object_add(subset, "addresses", addrs);
		json_object_object_add(subset, "ports", json_object_get(ports));
		json_object_array_add(list, subset);
	}
	json_object_put(ports);
	json_object_object_add(ep, "subsets", list);
	*ret_obj = ep;
	return 0;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(json_object *const *)a),
		      json_object_get_string(*(json_object *const *)b));
}

/*
 * The `kubernetes` EndpointSlice mirrors the Endpoints as upstream's
 * EndpointsAdapter writes it: the first subset's ports and addresses (ready),
 * address type IPv6 when every address is IPv6, labelled with the service.
 */
static int endpoint_slice_fn(void *arg, json_object *cur,
			     const struct ck_storage_response_meta *meta, json_object **ret_obj,
			     uint64_t *ret_ttl)
{
	(void)meta;
	(void)ret_ttl;
	json_object *ep = arg;
	json_object *slice = cur ? json_object_get(cur) : NULL;
	if (!slice) {
		slice = json_object_new_object();
		json_object_object_add(slice, "kind", json_object_new_string("EndpointSlice"));
		json_object_object_add(slice, "apiVersion",
				       json_object_new_string("discovery.k8s.io/v1"));
		set_meta(slice, "kubernetes");
		json_object_object_add(ck_obj_metadata(slice), "generation",
				       json_object_new_int(1));
	}
	json_object *labels = json_object_new_object();
	json_object_object_add(labels, "kubernetes.io/service-name",
			       json_object_new_string("kubernetes"));
	json_object_object_add(ck_obj_metadata(slice), "labels", labels);
	json_object *ss = ck_core_at(ck_core_arr(ep, "subsets"), 0);
	json_object *addrs = ck_core_arr(ss, "addresses"), *ports = ck_core_arr(ss, "ports");
	bool all_v6 = ck_core_len(addrs) > 0;
	json_object *endpoints = json_object_new_array(), *slice_ports = json_object_new_array();
	for (size_t i = 0; i < ck_core_len(addrs); i++) {
		const char *ip = ck_core_str(ck_core_at(addrs, i), "ip");
		all_v6 = all_v6 && ck_core_is_ipv6(ip);
		json_object *e = json_object_new_object(), *a = json_object_new_array();
		json_object_array_add(a, json_object_new_string(ip));
		json_object_object_add(e, "addresses", a);
		json_object *cond = json_object_new_object();
		json_object_object_add(cond, "ready", json_object_new_boolean(1));
		json_object_object_add(e, "conditions", cond);
		json_object_array_add(endpoints, e);
	}
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i), *sp = json_object_new_object();
		json_object_object_add(sp, "name", json_object_new_string(ck_core_str(p, "name")));
		json_object_object_add(sp, "protocol",
				       json_object_new_string(ck_core_str(p, "protocol")));
		json_object_object_add(sp, "port", json_object_get(ck_core_get(p, "port")));
		json_object_array_add(slice_ports, sp);
	}
	json_object_object_add(slice, "addressType",
			       json_object_new_string(all_v6 ? "IPv6" : "IPv4"));
	/* none: absent, as upstream's JSON (and protobuf) leave empty lists out */
	json_object_object_del(slice, "endpoints");
	json_object_object_del(slice, "ports");
	if (json_object_array_length(endpoints))
		json_object_object_add(slice, "endpoints", json_object_get(endpoints));
	if (json_object_array_length(slice_ports))
		json_object_object_add(slice, "ports", json_object_get(slice_ports));
	json_object_put(endpoints);
	json_object_put(slice_ports);
	*ret_obj = slice;
	return 0;
}

/*
 * One round of the reconciler: renews this server's lease (or, removing,
 * deletes it), then sets the Endpoints to the live leases and the
 * EndpointSlice from the Endpoints.
 */
static int reconcile_endpoints(struct svc_state *s, bool removing)
{
	struct ck_storage_error err = { 0 };
	struct ck_storage_update_options uo = { .ignore_not_found = true };
	char key[128];
	snprintf(key, sizeof(key), "/masterleases/%s", s->advertise_address);
	struct ck_storage_delete_options dopts = { 0 };
	int r = removing ? ck_storage_delete(s->storage, key, &dopts, NULL, &err)
			 : ck_storage_guaranteed_update(s->storage, key, &uo, lease_fn,
							s->advertise_address, NULL, &err);
	ck_storage_error_release(&err);
	if (r < 0 && !(removing && r == CK_STORAGE_ERR_NOT_FOUND))
		return r;
	struct ck_storage_list_options lo = { .recursive = true };
	struct ck_storage_list_result lr = { 0 };
	if ((r = ck_storage_list(s->storage, "/masterleases/", &lo, &lr, &err)) < 0) {
		ck_storage_error_release(&err);
		return r;
	}
	json_object *ips = json_object_new_array();
	for (size_t i = 0; i < ck_core_len(lr.items); i++) {
		const char *ip = ck_obj_name(ck_core_at(lr.items, i));
		if (ip && *ip)
			json_object_array_add(ips, json_object_new_string(ip));
	}
	ck_storage_list_result_release(&lr);
	json_object_array_sort(ips, cmp_json_str);
	struct ep_ctx c = { ips, removing ? 0 : s->secure_port };
	json_object *ep = NULL;
	r = ck_storage_guaranteed_update(s->storage, "/endpoints/default/kubernetes", &uo,
					 endpoints_fn, &c, &ep, &err);
	ck_storage_error_release(&err);
	if (r == 0)
		r = ck_storage_guaranteed_update(s->storage, "/endpointslices/default/kubernetes",
						 &uo, endpoint_slice_fn, ep, NULL, &err);
	ck_storage_error_release(&err);
	json_object_put(ep);
	json_object_put(ips);
	return r;
}

static void *reconciler_main(void *arg)
{
	struct svc_state *s = arg;
	while (ck_cancel_sleep_ms(&s->stop_reconciler, ENDPOINT_INTERVAL_MS) == 0) {
		int r = reconcile_endpoints(s, false);
		if (r < 0)
			ck_log_v(2, "unable to reconcile the kubernetes endpoints: %s",
				 strerror(-r));
	}
	return NULL;
}

static int post_start(void *state, const struct ck_registry_env *env)
{
	struct svc_state *s = state;
	if (!s)
		return 0;
	int r = ensure_kubernetes_service(s, env->secure_port);
	if (r < 0)
		return r;
	s->advertise_address =
	    ck_strdup(env->advertise_address ? env->advertise_address : "127.0.0.1");
	s->secure_port = env->secure_port;
	r = reconcile_endpoints(s, false);
	if (pthread_create(&s->reconciler, NULL, reconciler_main, s) == 0)
		s->reconciling = true;
	return r;
}

/* ---- the `kubectl get services` row (upstream's printService) ---- */

static json_object *cell_type(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_string(type_of(obj));
}

static json_object *cell_cluster_ip(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *ips = ck_core_arr(ck_core_obj(obj, "spec"), "clusterIPs");
	return json_object_new_string(ck_core_len(ips) ? str_at(ips, 0) : "<none>");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void join(struct ck_buf *b, json_object *arr)
{
	for (size_t i = 0; i < ck_core_len(arr); i++) {
		if (b->len)
			ck_buf_addc(b, ',');
		ck_buf_adds(b, str_at(arr, i));
	}
}

static json_object *cell_external_ip(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *spec = ck_core_obj(obj, "spec");
	const char *t = ck_core_str(spec, "type");
	json_object *eips = ck_core_arr(spec, "externalIPs");
	struct ck_buf b = CK_BUF_INIT;
	json_object *out;
	if (ck_streq(t, "ClusterIP") || ck_streq(t, "NodePort")) {
		join(&b, eips);
		out = json_object_new_string(b.len ? ck_buf_str(&b) : "<none>");
	} else if (ck_streq(t, "LoadBalancer")) {
		/* loadBalancerStatusStringer: a sorted set of IPs or hostnames */
		json_object *ing =
		    ck_core_arr(ck_core_obj(ck_core_obj(obj, "status"), "loadBalancer"), "ingress");
		size_t n = ck_core_len(ing), k = 0;
		const char **vals = ck_calloc(n ? n : 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			json_object *in = ck_core_at(ing, i);
			const char *v = *ck_core_str(in, "ip") ? ck_core_str(in, "ip")
							       : ck_core_str(in, "hostname");
			bool dup = !*v;
			for (size_t j = 0; j < k && !dup; j++)
				dup = ck_streq(vals[j], v);
			if (!dup)
				vals[k++] = v;
		}
		qsort(vals, k, sizeof(char *), cmp_str);
		for (size_t i = 0; i < k; i++)
			ck_buf_addf(&b, "%s%s", i ? "," : "", vals[i]);
		free(vals);
		if (b.len > 16) {
			/* loadBalancerStatusStringer without -o wide */
			ck_buf_truncate(&b, 13);
			ck_buf_adds(&b, "...");
		}
		join(&b, eips);
		out = json_object_new_string(b.len ? ck_buf_str(&b) : "<pending>");
	} else if (ck_streq(t, "ExternalName")) {
		out = json_object_new_string(ck_core_str(spec, "externalName"));
	} else {
		out = json_object_new_string("<unknown>");
	}
	ck_buf_release(&b);
	return out;
}

static json_object *cell_ports(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *ports = ck_core_arr(ck_core_obj(obj, "spec"), "ports");
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *p = ck_core_at(ports, i);
		int64_t port = 0, np = 0;
		ck_core_int(p, "port", &port);
		ck_core_int(p, "nodePort", &np);
		if (i)
			ck_buf_addc(&b, ',');
		if (np > 0)
			ck_buf_addf(&b, "%lld:%lld/%s", (long long)port, (long long)np,
				    ck_core_str(p, "protocol"));
		else
			ck_buf_addf(&b, "%lld/%s", (long long)port, ck_core_str(p, "protocol"));
	}
	json_object *out = json_object_new_string(b.len ? ck_buf_str(&b) : "<none>");
	ck_buf_release(&b);
	return out;
}

static json_object *cell_selector(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_labels(ck_core_obj(ck_core_obj(obj, "spec"), "selector"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Type", "string", "", "type determines how the Service is exposed.", 0, cell_type },
	{ "Cluster-IP", "string", "", "clusterIP is the IP address of the service.", 0,
	  cell_cluster_ip },
	{ "External-IP", "string", "",
	  "externalIPs is a list of IP addresses for which nodes in the cluster will also "
	  "accept traffic for this service.",
	  0, cell_external_ip },
	{ "Port(s)", "string", "", "The list of ports that are exposed by this service.", 0,
	  cell_ports },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "Selector", "string", "",
	  "Route service traffic to pods with label keys and values matching this selector.", 1,
	  cell_selector },
	{ 0 },
};

static const struct ck_subresource subresources[] = {
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const short_names[] = { "svc", NULL };
static const char *const categories[] = { "all", NULL };
static const char *const field_selectors[] = { "spec.clusterIP", "spec.type", NULL };

const struct ck_resource ck_resource_services = {
	CK_CORE("v1"),
	.resource = "services",
	.singular = "service",
	.kind = "Service",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = categories,
	.subresources = subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.name_rule = CK_NAME_DNS1035_LABEL,
	.has_status = true,
	.return_deleted_object = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.prepare_status_update = prepare_status_update,
	.validate_status_update = validate_status_update,
	.start = start,
	.post_start = post_start,
	.stop = stop,
	.begin_write = begin_write,
	.finish_write = finish_write,
	.after_delete = after_delete,
};
