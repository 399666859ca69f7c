#include "registry/core/validation.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "util/common.h"
#include "util/netaddr.h"
#include "util/str.h"

/* ---- JSON access ---- */

json_object *ck_core_get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

json_object *ck_core_obj(json_object *o, const char *key)
{
	json_object *v = ck_core_get(o, key);
	return v && json_object_is_type(v, json_type_object) ? v : NULL;
}

json_object *ck_core_arr(json_object *o, const char *key)
{
	json_object *v = ck_core_get(o, key);
	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *ck_core_str(json_object *o, const char *key)
{
	json_object *v = ck_core_get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

bool ck_core_bool(json_object *o, const char *key)
{
	json_object *v = ck_core_get(o, key);
	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

bool ck_core_int(json_object *o, const char *key, int64_t *ret)
{
	json_object *v = ck_core_get(o, key);
	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	*ret = json_object_get_int64(v);
	return true;
}

size_t ck_core_len(json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

json_object *ck_core_at(json_object *arr, size_t i)
{
	return i < ck_core_len(arr) ? json_object_array_get_idx(arr, i) : NULL;
}

json_object *ck_core_ensure_obj(json_object *o, const char *key)
{
	json_object *v = ck_core_obj(o, key);
	if (!v) {
		v = json_object_new_object();
		json_object_object_add(o, key, v);
	}
	return v;
}

void ck_core_default_str(json_object *o, const char *key, const char *value)
{
	if (!*ck_core_str(o, key))
		json_object_object_add(o, key, json_object_new_string(value));
}

bool ck_core_equal(json_object *a, json_object *b)
{
	if (a && json_object_is_type(a, json_type_null))
		a = NULL;
	if (b && json_object_is_type(b, json_type_null))
		b = NULL;
	if (!a || !b)
		return a == b;
	return json_object_equal(a, b);
}

/* ---- values ---- */

void ck_core_add_msgs(struct ck_field_errors *errs, const char *path, const char *value,
		      char **msgs)
{
	for (size_t i = 0; msgs && msgs[i]; i++)
		ck_field_errors_add_invalid_str(errs, path, value, msgs[i]);
	ck_strv_free(msgs);
}

void ck_core_validate_dns1123_label(const char *v, const char *path, struct ck_field_errors *errs)
{
	ck_core_add_msgs(errs, path, v, ck_is_dns1123_label(v));
}

void ck_core_validate_dns1123_subdomain(const char *v, const char *path,
					struct ck_field_errors *errs)
{
	ck_core_add_msgs(errs, path, v, ck_is_dns1123_subdomain(v));
}

void ck_core_validate_qualified_name(const char *v, const char *path, struct ck_field_errors *errs)
{
	ck_core_add_msgs(errs, path, v, ck_is_qualified_name(v));
}

void ck_core_validate_nonnegative(int64_t v, const char *path, struct ck_field_errors *errs)
{
	if (v < 0)
		ck_field_errors_add_invalid_int(errs, path, v,
						"must be greater than or equal to 0");
}

void ck_core_validate_replica_counts(json_object *status, const char *const *nonneg,
				     const char *const *le_replicas, const char *ready_msg,
				     struct ck_field_errors *errs)
{
	char path[128];
	int64_t v, replicas = 0, ready = 0, available = 0;
	for (size_t i = 0; nonneg[i]; i++) {
		if (!ck_core_int(status, nonneg[i], &v))
			continue;
		snprintf(path, sizeof(path), "status.%s", nonneg[i]);
		ck_core_validate_nonnegative(v, path, errs);
	}
	ck_core_int(status, "replicas", &replicas);
	for (size_t i = 0; le_replicas[i]; i++) {
		if (!ck_core_int(status, le_replicas[i], &v) || v <= replicas)
			continue;
		snprintf(path, sizeof(path), "status.%s", le_replicas[i]);
		ck_field_errors_add_invalid_int(errs, path, v,
						"cannot be greater than status.replicas");
	}
	ck_core_int(status, "readyReplicas", &ready);
	ck_core_int(status, "availableReplicas", &available);
	if (ready_msg && available > ready)
		ck_field_errors_add_invalid_int(errs, "status.availableReplicas", available,
						ready_msg);
}

void ck_core_validate_ip(const char *v, const char *path, struct ck_field_errors *errs)
{
	struct ck_ip ip;
	if (ck_ip_parse(v, &ip) < 0)
		ck_field_errors_add_invalid_str(
		    errs, path, v, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
}

void ck_core_validate_cidr(const char *v, const char *path, struct ck_field_errors *errs)
{
	struct ck_cidr c;
	if (ck_cidr_parse(v, &c) < 0)
		ck_field_errors_add_invalid_str(
		    errs, path, v,
		    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
}

bool ck_core_is_ipv6(const char *s)
{
	struct ck_ip ip;
	return ck_ip_parse(s, &ip) == 0 && ip.family == CK_IP_V6;
}

void ck_core_validate_non_special_ip(const char *v, const char *path, struct ck_field_errors *errs)
{
	struct ck_ip ip;
	if (ck_ip_parse(v, &ip) < 0) {
		ck_field_errors_add_invalid_str(errs, path, v, "must be a valid IP address");
		return;
	}
	static const uint8_t zero[16];
	bool v4 = ip.family == CK_IP_V4;
	if (memcmp(ip.b, zero, v4 ? 4 : 16) == 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "may not be unspecified (%.64s)", v);
		ck_field_errors_add_invalid_str(errs, path, v, msg);
	}
	static const uint8_t loop6[16] = { [15] = 1 };
	if ((v4 && ip.b[0] == 127) || (!v4 && memcmp(ip.b, loop6, 16) == 0))
		ck_field_errors_add_invalid_str(
		    errs, path, v, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
	if ((v4 && ip.b[0] == 169 && ip.b[1] == 254) ||
	    (!v4 && ip.b[0] == 0xfe && (ip.b[1] & 0xc0) == 0x80))
		ck_field_errors_add_invalid_str(
		    errs, path, v,
		    "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
	if ((v4 && ip.b[0] == 224 && ip.b[1] == 0 && ip.b[2] == 0) ||
	    (!v4 && ip.b[0] == 0xff && (ip.b[1] & 0x0f) == 0x02))
		ck_field_errors_add_invalid_str(
		    errs, path, v,
		    "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
}

void ck_core_validate_annotations(json_object *ann, const char *path, struct ck_field_errors *errs)
{
	if (!ann || !json_object_is_type(ann, json_type_object))
		return;
	size_t total = 0;
	json_object_object_foreach (ann, k, v) {
		char *lower = ck_strdup(k);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		ck_core_add_msgs(errs, path, k, ck_is_qualified_name(lower));
		free(lower);
		total += strlen(k) + (json_object_is_type(v, json_type_string)
					  ? (size_t)json_object_get_string_len(v)
					  : 0);
	}
	if (total > CK_ANNOTATIONS_SIZE_MAX)
		ck_field_errors_add_too_long(errs, path, CK_ANNOTATIONS_SIZE_MAX);
}

static void label_values(json_object *values, struct ck_buf *p, struct ck_field_errors *errs)
{
	size_t m = ck_core_path_child(p, "values");
	for (size_t i = 0; i < ck_core_len(values); i++) {
		json_object *v = ck_core_at(values, i);
		const char *s =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
		size_t m2 = ck_core_path_index(p, i);
		ck_core_add_msgs(errs, ck_buf_str(p), s, ck_is_valid_label_value(s));
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

void ck_core_validate_label_selector(json_object *sel, struct ck_buf *p,
				     struct ck_field_errors *errs)
{
	if (!sel || !json_object_is_type(sel, json_type_object))
		return;
	size_t m = ck_core_path_child(p, "matchLabels");
	ck_validate_labels(ck_core_obj(sel, "matchLabels"), ck_buf_str(p), errs);
	ck_buf_truncate(p, m);
	json_object *exprs = ck_core_arr(sel, "matchExpressions");
	m = ck_core_path_child(p, "matchExpressions");
	for (size_t i = 0; i < ck_core_len(exprs); i++) {
		json_object *e = ck_core_at(exprs, i);
		size_t m2 = ck_core_path_index(p, i);
		const char *op = ck_core_str(e, "operator");
		size_t nvals = ck_core_len(ck_core_arr(e, "values"));
		size_t m3;
		if (ck_streq(op, "In") || ck_streq(op, "NotIn")) {
			if (!nvals) {
				m3 = ck_core_path_child(p, "values");
				ck_field_errors_add_required(
				    errs, ck_buf_str(p),
				    "must be specified when `operator` is 'In' or 'NotIn'");
				ck_buf_truncate(p, m3);
			}
		} else if (ck_streq(op, "Exists") || ck_streq(op, "DoesNotExist")) {
			if (nvals) {
				m3 = ck_core_path_child(p, "values");
				ck_field_errors_add_forbidden(
				    errs, ck_buf_str(p),
				    "may not be specified when `operator` is 'Exists' or "
				    "'DoesNotExist'");
				ck_buf_truncate(p, m3);
			}
		} else {
			m3 = ck_core_path_child(p, "operator");
			ck_field_errors_add_invalid_str(errs, ck_buf_str(p), op,
							"not a valid selector operator");
			ck_buf_truncate(p, m3);
		}
		m3 = ck_core_path_child(p, "key");
		ck_core_validate_qualified_name(ck_core_str(e, "key"), ck_buf_str(p), errs);
		ck_buf_truncate(p, m3);
		label_values(ck_core_arr(e, "values"), p, errs);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static void node_selector_requirement(json_object *rq, bool allow_invalid, struct ck_buf *p,
				      struct ck_field_errors *errs)
{
	const char *op = ck_core_str(rq, "operator");
	size_t n = ck_core_len(ck_core_arr(rq, "values"));
	size_t m = p->len;
	if (ck_streq(op, "In") || ck_streq(op, "NotIn")) {
		if (!n) {
			ck_core_path_child(p, "values");
			ck_field_errors_add_required(
			    errs, ck_buf_str(p),
			    "must be specified when `operator` is 'In' or 'NotIn'");
		}
	} else if (ck_streq(op, "Exists") || ck_streq(op, "DoesNotExist")) {
		if (n) {
			ck_core_path_child(p, "values");
			ck_field_errors_add_forbidden(
			    errs, ck_buf_str(p),
			    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
		}
	} else if (ck_streq(op, "Gt") || ck_streq(op, "Lt")) {
		if (n != 1) {
			ck_core_path_child(p, "values");
			ck_field_errors_add_required(
			    errs, ck_buf_str(p),
			    "must be specified single value when `operator` is 'Lt' or 'Gt'");
		}
	} else {
		ck_core_path_child(p, "operator");
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), op,
						"not a valid selector operator");
	}
	ck_buf_truncate(p, m);
	ck_core_path_child(p, "key");
	ck_core_validate_qualified_name(ck_core_str(rq, "key"), ck_buf_str(p), errs);
	ck_buf_truncate(p, m);
	if (!allow_invalid)
		label_values(ck_core_arr(rq, "values"), p, errs);
}

static void node_field_requirement(json_object *rq, struct ck_buf *p, struct ck_field_errors *errs)
{
	const char *op = ck_core_str(rq, "operator");
	json_object *values = ck_core_arr(rq, "values");
	size_t m = p->len;
	if (ck_streq(op, "In") || ck_streq(op, "NotIn")) {
		if (ck_core_len(values) != 1) {
			ck_core_path_child(p, "values");
			ck_field_errors_add_required(errs, ck_buf_str(p),
						     "must be only one value when `operator` is "
						     "'In' or 'NotIn' for node field selector");
		}
	} else {
		ck_core_path_child(p, "operator");
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), op,
						"not a valid selector operator");
	}
	ck_buf_truncate(p, m);
	const char *key = ck_core_str(rq, "key");
	if (!ck_streq(key, "metadata.name")) {
		ck_core_path_child(p, "key");
		ck_field_errors_add_invalid_str(errs, ck_buf_str(p), key,
						"not a valid field selector key");
		ck_buf_truncate(p, m);
	} else {
		ck_core_path_child(p, "values");
		for (size_t i = 0; i < ck_core_len(values); i++) {
			json_object *v = ck_core_at(values, i);
			const char *s = json_object_is_type(v, json_type_string)
					    ? json_object_get_string(v)
					    : "";
			size_t m2 = ck_core_path_index(p, i);
			ck_core_add_msgs(errs, ck_buf_str(p), s,
					 ck_name_is_dns_subdomain(s, false));
			ck_buf_truncate(p, m2);
		}
		ck_buf_truncate(p, m);
	}
}

void ck_core_validate_node_selector_term(json_object *term, bool allow_invalid_values,
					 struct ck_buf *p, struct ck_field_errors *errs)
{
	json_object *exprs = ck_core_arr(term, "matchExpressions");
	size_t m = ck_core_path_child(p, "matchExpressions");
	for (size_t j = 0; j < ck_core_len(exprs); j++) {
		size_t m2 = ck_core_path_index(p, j);
		node_selector_requirement(ck_core_at(exprs, j), allow_invalid_values, p, errs);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
	json_object *fields = ck_core_arr(term, "matchFields");
	m = ck_core_path_child(p, "matchFields");
	for (size_t j = 0; j < ck_core_len(fields); j++) {
		size_t m2 = ck_core_path_index(p, j);
		node_field_requirement(ck_core_at(fields, j), p, errs);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

void ck_core_validate_node_selector(json_object *sel, struct ck_buf *p,
				    struct ck_field_errors *errs)
{
	json_object *terms = ck_core_arr(sel, "nodeSelectorTerms");
	size_t m = ck_core_path_child(p, "nodeSelectorTerms");
	if (!ck_core_len(terms)) {
		ck_field_errors_add_required(errs, ck_buf_str(p),
					     "must have at least one node selector term");
	}
	for (size_t i = 0; i < ck_core_len(terms); i++) {
		size_t m2 = ck_core_path_index(p, i);
		ck_core_validate_node_selector_term(ck_core_at(terms, i), false, p, errs);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static const char *const taint_effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute" };

/* validateTaintEffect */
static void taint_effect(const char *effect, bool allow_empty, const char *path,
			 struct ck_field_errors *errs)
{
	if (!allow_empty && !*effect) {
		ck_field_errors_add_required(errs, path, "");
		return;
	}
	for (size_t i = 0; i < CK_ARRAY_SIZE(taint_effects); i++)
		if (ck_streq(effect, taint_effects[i]))
			return;
	json_object *v = json_object_new_string(effect);
	ck_field_errors_add_not_supported(errs, path, v, taint_effects,
					  CK_ARRAY_SIZE(taint_effects));
	json_object_put(v);
}

/* strings.Join(IsValidLabelValue(v), ";") as one Invalid, when not valid. */
static void label_value_joined(const char *v, const char *path, struct ck_field_errors *errs)
{
	char **msgs = ck_is_valid_label_value(v);
	if (!msgs)
		return;
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; msgs[i]; i++) {
		if (i)
			ck_buf_addc(&b, ';');
		ck_buf_adds(&b, msgs[i]);
	}
	ck_field_errors_add_invalid_str(errs, path, v, ck_buf_str(&b));
	ck_buf_release(&b);
	ck_strv_free(msgs);
}

void ck_core_validate_tolerations(json_object *tolerations, struct ck_buf *p,
				  struct ck_field_errors *errs)
{
	for (size_t i = 0; i < ck_core_len(tolerations); i++) {
		json_object *t = ck_core_at(tolerations, i);
		size_t m = ck_core_path_index(p, i), m2;
		const char *key = ck_core_str(t, "key"), *op = ck_core_str(t, "operator");
		const char *value = ck_core_str(t, "value"), *effect = ck_core_str(t, "effect");
		if (*key) {
			m2 = ck_core_path_child(p, "key");
			ck_core_validate_qualified_name(key, ck_buf_str(p), errs);
			ck_buf_truncate(p, m2);
		}
		if (!*key && !ck_streq(op, "Exists")) {
			m2 = ck_core_path_child(p, "operator");
			ck_field_errors_add_invalid_str(
			    errs, ck_buf_str(p), op,
			    "operator must be Exists when `key` is empty, which means \"match all "
			    "values and all keys\"");
			ck_buf_truncate(p, m2);
		}
		if (ck_core_get(t, "tolerationSeconds") && !ck_streq(effect, "NoExecute")) {
			m2 = ck_core_path_child(p, "effect");
			ck_field_errors_add_invalid_str(
			    errs, ck_buf_str(p), effect,
			    "effect must be 'NoExecute' when `tolerationSeconds` is set");
			ck_buf_truncate(p, m2);
		}
		m2 = ck_core_path_child(p, "operator");
		if (!*op || ck_streq(op, "Equal")) {
			label_value_joined(value, ck_buf_str(p), errs);
		} else if (ck_streq(op, "Exists")) {
			if (*value)
				ck_field_errors_add_invalid_str(
				    errs, ck_buf_str(p), value,
				    "value must be empty when `operator` is 'Exists'");
		} else {
			static const char *const ops[] = { "Equal", "Exists" };
			json_object *v = json_object_new_string(op);
			ck_field_errors_add_not_supported(errs, ck_buf_str(p), v, ops, 2);
			json_object_put(v);
		}
		ck_buf_truncate(p, m2);
		if (*effect) {
			m2 = ck_core_path_child(p, "effect");
			taint_effect(effect, true, ck_buf_str(p), errs);
			ck_buf_truncate(p, m2);
		}
		ck_buf_truncate(p, m);
	}
}

void ck_core_validate_taints(json_object *taints, struct ck_buf *p, struct ck_field_errors *errs)
{
	for (size_t i = 0; i < ck_core_len(taints); i++) {
		json_object *t = ck_core_at(taints, i);
		size_t m = ck_core_path_index(p, i), m2;
		const char *key = ck_core_str(t, "key"), *effect = ck_core_str(t, "effect");
		m2 = ck_core_path_child(p, "key");
		ck_core_validate_qualified_name(key, ck_buf_str(p), errs);
		ck_buf_truncate(p, m2);
		m2 = ck_core_path_child(p, "value");
		label_value_joined(ck_core_str(t, "value"), ck_buf_str(p), errs);
		ck_buf_truncate(p, m2);
		m2 = ck_core_path_child(p, "effect");
		taint_effect(effect, false, ck_buf_str(p), errs);
		ck_buf_truncate(p, m2);
		/* unique by (key, effect) */
		for (size_t j = 0; j < i; j++) {
			json_object *o = ck_core_at(taints, j);
			if (ck_streq(ck_core_str(o, "key"), key) &&
			    ck_streq(ck_core_str(o, "effect"), effect)) {
				ck_field_errors_add_duplicate(errs, ck_buf_str(p), t);
				struct ck_field_error *e = &errs->items[errs->len - 1];
				char *detail =
				    ck_strdup("taints must be unique by key and effect pair");
				char *body = NULL;
				size_t blen = strlen(e->body) + strlen(detail) + 3;
				body = ck_malloc(blen);
				snprintf(body, blen, "%s: %s", e->body, detail);
				free(e->body);
				e->body = body;
				free(e->detail);
				e->detail = detail;
				break;
			}
		}
		ck_buf_truncate(p, m);
	}
}

/* ---- resources ---- */

bool ck_core_is_hugepages_resource(const char *name)
{
	return ck_str_has_prefix(name, "hugepages-");
}

static bool is_quota_hugepages(const char *name)
{
	return ck_str_has_prefix(name, "hugepages-") ||
	       ck_str_has_prefix(name, "requests.hugepages-");
}

bool ck_core_is_native_resource(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/");
}

bool ck_core_is_extended_resource(const char *name)
{
	if (ck_core_is_native_resource(name) || ck_str_has_prefix(name, "requests."))
		return false;
	size_t n = strlen(name) + 10;
	char *q = ck_malloc(n);
	snprintf(q, n, "requests.%s", name);
	char **msgs = ck_is_qualified_name(q);
	free(q);
	bool ok = !msgs;
	ck_strv_free(msgs);
	return ok;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (ck_streq(name, list[i]))
			return true;
	return false;
}

static const char *const standard_resources[] = {
	"cpu",
	"memory",
	"ephemeral-storage",
	"requests.cpu",
	"requests.memory",
	"requests.ephemeral-storage",
	"limits.cpu",
	"limits.memory",
	"limits.ephemeral-storage",
	"pods",
	"resourcequotas",
	"services",
	"replicationcontrollers",
	"secrets",
	"configmaps",
	"persistentvolumeclaims",
	"storage",
	"requests.storage",
	"services.nodeports",
	"services.loadbalancers",
	NULL,
};

static const char *const standard_quota_resources[] = {
	"cpu",
	"memory",
	"ephemeral-storage",
	"requests.cpu",
	"requests.memory",
	"requests.storage",
	"requests.ephemeral-storage",
	"limits.cpu",
	"limits.memory",
	"limits.ephemeral-storage",
	"pods",
	"resourcequotas",
	"services",
	"replicationcontrollers",
	"secrets",
	"persistentvolumeclaims",
	"configmaps",
	"services.nodeports",
	"services.loadbalancers",
	NULL,
};

static const char *const integer_resources[] = {
	"pods",
	"resourcequotas",
	"services",
	"replicationcontrollers",
	"secrets",
	"configmaps",
	"persistentvolumeclaims",
	"services.nodeports",
	"services.loadbalancers",
	NULL,
};

bool ck_core_is_standard_resource(const char *name)
{
	return in_list(name, standard_resources) || is_quota_hugepages(name);
}

bool ck_core_is_standard_container_resource(const char *name)
{
	return ck_streq(name, "cpu") || ck_streq(name, "memory") ||
	       ck_streq(name, "ephemeral-storage") || ck_core_is_hugepages_resource(name);
}

bool ck_core_is_standard_quota_resource(const char *name)
{
	return in_list(name, standard_quota_resources) || is_quota_hugepages(name);
}

bool ck_core_is_integer_resource(const char *name)
{
	return in_list(name, integer_resources) || ck_core_is_extended_resource(name);
}

bool ck_core_is_overcommit_allowed(const char *name)
{
	return ck_core_is_native_resource(name) && !ck_core_is_hugepages_resource(name) &&
	       !ck_streq(name, "alpha.kubernetes.io/nvidia-gpu");
}

/* validateResourceName; true when no error was added. */
static bool resource_name(const char *name, const char *path, struct ck_field_errors *errs)
{
	size_t before = errs->len;
	ck_core_add_msgs(errs, path, name, ck_is_qualified_name(name));
	if (errs->len != before)
		return false;
	if (!strchr(name, '/') && !ck_core_is_standard_resource(name)) {
		ck_field_errors_add_invalid_str(
		    errs, path, name, "must be a standard resource type or fully qualified");
		return false;
	}
	return true;
}

void ck_core_validate_resource_name(const char *name, const char *path,
				    struct ck_field_errors *errs)
{
	resource_name(name, path, errs);
}

void ck_core_validate_container_resource_name(const char *name, const char *path,
					      struct ck_field_errors *errs)
{
	resource_name(name, path, errs);
	if (!strchr(name, '/')) {
		if (!ck_core_is_standard_container_resource(name))
			ck_field_errors_add_invalid_str(
			    errs, path, name, "must be a standard resource for containers");
	} else if (!ck_core_is_native_resource(name)) {
		if (!ck_core_is_extended_resource(name))
			ck_field_errors_add_invalid_str(
			    errs, path, name, "doesn't follow extended resource name standard");
	}
}

void ck_core_validate_resource_quantity(const char *name, json_object *value, const char *path,
					struct ck_field_errors *errs)
{
	struct ck_quantity q;
	if (ck_quantity_from_json(value, &q) < 0)
		return; /* decoding rejects it */
	char text[CK_QUANTITY_STR_MAX];
	ck_quantity_snprint(&q, text, sizeof(text));
	if (ck_quantity_sign(&q) < 0)
		ck_field_errors_add_invalid_str(errs, path, text,
						"must be greater than or equal to 0");
	if (ck_core_is_integer_resource(name)) {
		int64_t milli;
		if (ck_quantity_milli_value(&q, &milli) < 0 || milli % 1000 != 0)
			ck_field_errors_add_invalid_str(errs, path, text, "must be an integer");
	}
}

static bool quantity_of(json_object *v, struct ck_quantity *q)
{
	return v && ck_quantity_from_json(v, q) == 0;
}

void ck_core_validate_resource_requirements(json_object *res, struct ck_buf *p,
					    struct ck_field_errors *errs)
{
	json_object *limits = ck_core_obj(res, "limits"), *requests = ck_core_obj(res, "requests");
	bool lim_cpu_mem = false, req_cpu_mem = false, lim_huge = false, req_huge = false;
	size_t m = ck_core_path_child(p, "limits");
	if (limits) {
		json_object_object_foreach (limits, name, q) {
			size_t m2 = ck_core_path_key(p, name);
			ck_core_validate_container_resource_name(name, ck_buf_str(p), errs);
			ck_core_validate_resource_quantity(name, q, ck_buf_str(p), errs);
			ck_buf_truncate(p, m2);
			if (ck_core_is_hugepages_resource(name))
				lim_huge = true;
			if (ck_streq(name, "cpu") || ck_streq(name, "memory"))
				lim_cpu_mem = true;
		}
	}
	ck_buf_truncate(p, m);
	if (requests) {
		json_object_object_foreach (requests, name, q) {
			m = ck_core_path_child(p, "requests");
			size_t m2 = ck_core_path_key(p, name);
			ck_core_validate_container_resource_name(name, ck_buf_str(p), errs);
			ck_core_validate_resource_quantity(name, q, ck_buf_str(p), errs);
			ck_buf_truncate(p, m2);
			/* request <= limit (== where overcommit is not allowed) */
			json_object *lim = ck_core_get(limits, name);
			struct ck_quantity rq, lq;
			if (lim && quantity_of(q, &rq) && quantity_of(lim, &lq)) {
				char rs[CK_QUANTITY_STR_MAX], ls[CK_QUANTITY_STR_MAX], msg[256];
				ck_quantity_snprint(&rq, rs, sizeof(rs));
				ck_quantity_snprint(&lq, ls, sizeof(ls));
				int cmp = ck_quantity_cmp(&rq, &lq);
				if (cmp != 0 && !ck_core_is_overcommit_allowed(name)) {
					snprintf(msg, sizeof(msg),
						 "must be equal to %.64s limit of %s", name, ls);
					ck_field_errors_add_invalid_str(errs, ck_buf_str(p), rs,
									msg);
				} else if (cmp > 0) {
					snprintf(msg, sizeof(msg),
						 "must be less than or equal to %.64s limit of %s",
						 name, ls);
					ck_field_errors_add_invalid_str(errs, ck_buf_str(p), rs,
									msg);
				}
			} else if (!lim && !ck_core_is_overcommit_allowed(name)) {
				ck_buf_truncate(p, m);
				size_t m3 = ck_core_path_child(p, "limits");
				ck_field_errors_add_required(
				    errs, ck_buf_str(p),
				    "Limit must be set for non overcommitable resources");
				ck_buf_truncate(p, m3);
			}
			ck_buf_truncate(p, m);
			if (ck_core_is_hugepages_resource(name))
				req_huge = true;
			if (ck_streq(name, "cpu") || ck_streq(name, "memory"))
				req_cpu_mem = true;
		}
	}
	if (!lim_cpu_mem && !req_cpu_mem && (req_huge || lim_huge))
		ck_field_errors_add_forbidden(errs, ck_buf_str(p),
					      "HugePages require cpu or memory");
}

void ck_core_default_resource_list(json_object *list)
{
	if (!list || !json_object_is_type(list, json_type_object))
		return;
	json_object_object_foreach (list, name, v) {
		struct ck_quantity q;
		if (!v || json_object_is_type(v, json_type_null) ||
		    ck_quantity_from_json(v, &q) < 0)
			continue;
		if (ck_quantity_round_up(&q, CK_QUANTITY_MILLI) < 0)
			continue;
		char *s = ck_quantity_to_string(&q);
		json_object_object_add(list, name, json_object_new_string(s));
		free(s);
	}
}

int ck_core_check_resource_list(json_object *list, char **ret_msg)
{
	if (!list || !json_object_is_type(list, json_type_object))
		return 0;
	json_object_object_foreach (list, name, v) {
		(void)name;
		struct ck_quantity q;
		int r = ck_quantity_from_json(v, &q);
		if (r < 0) {
			*ret_msg = ck_strdup(json_object_is_type(v, json_type_string) ||
						     json_object_is_type(v, json_type_int) ||
						     json_object_is_type(v, json_type_double)
						 ? ck_quantity_strerror(r)
						 : "quantities must be a string or a number");
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- printer helpers ---- */

const char *ck_core_count_text(json_object *obj, const char *dotted, char *out, size_t size)
{
	json_object *v = ck_obj_path(obj, dotted);
	snprintf(out, size, "%lld",
		 v && json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v)
							    : 0LL);
	return out;
}

json_object *ck_core_cell_template_containers(json_object *tmpl_spec, const char *key)
{
	json_object *cs = ck_core_arr(tmpl_spec, "containers");
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < ck_core_len(cs); i++)
		ck_buf_addf(&b, "%s%s", i ? "," : "", ck_core_str(ck_core_at(cs, i), key));
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_object *ck_core_cell_labels(json_object *labels)
{
	size_t n = labels && json_object_is_type(labels, json_type_object)
		       ? (size_t)json_object_object_length(labels)
		       : 0;
	if (!n)
		return json_object_new_string("<none>");
	const char **keys = ck_calloc(n, sizeof(char *));
	size_t k = 0;
	json_object_object_foreach (labels, key, v) {
		(void)v;
		keys[k++] = key;
	}
	qsort(keys, k, sizeof(char *), cmp_str);
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < k; i++)
		ck_buf_addf(&b, "%s%s=%s", i ? "," : "", keys[i], ck_core_str(labels, keys[i]));
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	free(keys);
	return out;
}
