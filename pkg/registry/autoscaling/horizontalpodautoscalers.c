/*
 * horizontalpodautoscalers in autoscaling/v2 and autoscaling/v1, one
 * storage (upstream's pkg/registry/autoscaling/horizontalpodautoscaler and
 * pkg/apis/autoscaling/v1/conversion.go): objects are stored as v2; v1's
 * targetCPUUtilizationPercentage is v2's cpu Utilization metric, and what
 * v1 cannot say (other metrics, current metrics, conditions, behavior)
 * rides in autoscaling.alpha.kubernetes.io/ annotations, as upstream.
 * Defaults (minReplicas 1; v2: cpu at 80% when no metrics, behavior's
 * scaling rules), ValidateHorizontalPodAutoscaler, generation, /status, and
 * the `kubectl get hpa` columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define ANN_METRICS "autoscaling.alpha.kubernetes.io/metrics"
#define ANN_CURRENT "autoscaling.alpha.kubernetes.io/current-metrics"
#define ANN_CONDITIONS "autoscaling.alpha.kubernetes.io/conditions"
#define ANN_BEHAVIOR "autoscaling.alpha.kubernetes.io/behavior"
#define DEFAULT_CPU_UTILIZATION 80

/* ---- v1 <-> v2 metric conversion ---- */

/* A v1 field and where v2 keeps it, inside the metric's source object. */
struct field_map {
	const char *v1, *v2;
};

struct source_map {
	const char *type; /* "Resource" */
	const char *key;  /* the source's member: "resource" */
	struct field_map spec[6], status[6];
};

static const struct source_map sources[] = {
	{ "Resource",
	  "resource",
	  { { "name", "name" },
	    { "targetAverageUtilization", "target.averageUtilization" },
	    { "targetAverageValue", "target.averageValue" } },
	  { { "name", "name" },
	    { "currentAverageUtilization", "current.averageUtilization" },
	    { "currentAverageValue", "current.averageValue" } } },
	{ "ContainerResource",
	  "containerResource",
	  { { "name", "name" },
	    { "container", "container" },
	    { "targetAverageUtilization", "target.averageUtilization" },
	    { "targetAverageValue", "target.averageValue" } },
	  { { "name", "name" },
	    { "container", "container" },
	    { "currentAverageUtilization", "current.averageUtilization" },
	    { "currentAverageValue", "current.averageValue" } } },
	{ "Pods",
	  "pods",
	  { { "metricName", "metric.name" },
	    { "selector", "metric.selector" },
	    { "targetAverageValue", "target.averageValue" } },
	  { { "metricName", "metric.name" },
	    { "selector", "metric.selector" },
	    { "currentAverageValue", "current.averageValue" } } },
	{ "Object",
	  "object",
	  { { "target", "describedObject" },
	    { "metricName", "metric.name" },
	    { "selector", "metric.selector" },
	    { "targetValue", "target.value" },
	    { "averageValue", "target.averageValue" } },
	  { { "target", "describedObject" },
	    { "metricName", "metric.name" },
	    { "selector", "metric.selector" },
	    { "currentValue", "current.value" },
	    { "averageValue", "current.averageValue" } } },
	{ "External",
	  "external",
	  { { "metricName", "metric.name" },
	    { "metricSelector", "metric.selector" },
	    { "targetValue", "target.value" },
	    { "targetAverageValue", "target.averageValue" } },
	  { { "metricName", "metric.name" },
	    { "metricSelector", "metric.selector" },
	    { "currentValue", "current.value" },
	    { "currentAverageValue", "current.averageValue" } } },
};

static const struct source_map *source_of(json_object *metric)
{
	const char *type = ck_core_str(metric, "type");
	for (size_t i = 0; i < CK_ARRAY_SIZE(sources); i++)
		if (ck_streq(type, sources[i].type))
			return &sources[i];
	return NULL;
}

/* One metric (spec or status) from v1's form to v2's (to_v2) or back. Owned. */
static json_object *convert_metric(json_object *metric, bool status, bool to_v2)
{
	json_object *out = json_object_new_object();
	json_object_object_add(out, "type", json_object_new_string(ck_core_str(metric, "type")));
	const struct source_map *m = source_of(metric);
	json_object *src = m ? ck_core_obj(metric, m->key) : NULL;
	if (!src)
		return out;
	json_object *dst = json_object_new_object();
	const struct field_map *fields = status ? m->status : m->spec;
	for (size_t i = 0; i < 6 && fields[i].v1; i++) {
		json_object *v =
		    to_v2 ? ck_core_get(src, fields[i].v1) : ck_obj_path(src, fields[i].v2);
		if (!v)
			continue;
		if (to_v2)
			ck_obj_set_path(dst, fields[i].v2, ck_obj_copy(v));
		else
			json_object_object_add(dst, fields[i].v1, ck_obj_copy(v));
	}
	if (to_v2 && !status) {
		/* The v2 target's type: what v1 set. */
		json_object *t = ck_core_obj(dst, "target");
		const char *type = ck_core_get(t, "averageUtilization") ? "Utilization"
				   : ck_core_get(t, "averageValue")	? "AverageValue"
									: "Value";
		ck_obj_set_path(dst, "target.type", json_object_new_string(type));
	}
	json_object_object_add(out, m->key, dst);
	return out;
}

static bool is_cpu_utilization(json_object *metric, bool status)
{
	json_object *r = ck_core_obj(metric, "resource");
	return ck_streq(ck_core_str(metric, "type"), "Resource") &&
	       ck_streq(ck_core_str(r, "name"), "cpu") &&
	       ck_obj_path(r, status ? "current.averageUtilization" : "target.averageUtilization");
}

/* The JSON array in annotation key of obj, removed from it; owned or NULL. */
static json_object *take_annotation(json_object *obj, const char *key)
{
	json_object *ann = ck_obj_annotations(obj);
	const char *text = ck_core_str(ann, key);
	json_object *v = *text ? json_tokener_parse(text) : NULL;
	if (ann)
		json_object_object_del(ann, key);
	if (ann && !json_object_object_length(ann))
		json_object_object_del(ck_obj_metadata(obj), "annotations");
	return v;
}

static void set_annotation(json_object *obj, const char *key, json_object *value)
{
	json_object *md = ck_obj_metadata(obj);
	json_object *ann = ck_core_ensure_obj(md, "annotations");
	json_object_object_add(
	    ann, key,
	    json_object_new_string(json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN)));
}

/*
 * spec.behavior in v1's annotation. Upstream marshals its internal type,
 * which has no JSON tags, so the annotation holds Go's field names in struct
 * order, nil pointers and slices as null: {"ScaleUp":{"StabilizationWindow
 * Seconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,
 * "PeriodSeconds":15}]},"ScaleDown":...}. Reading it back is Go's
 * json.Unmarshal into that type: keys match case-insensitively (a later key
 * wins), unknown keys are ignored, and any value of the wrong type drops the
 * whole annotation ("only move well-formed data from annotations to fields").
 */
struct go_field {
	const char *go;	  /* "StabilizationWindowSeconds" */
	const char *json; /* "stabilizationWindowSeconds" */
	enum { GO_INT32, GO_STRING, GO_RULES, GO_POLICIES } type;
	bool pointer; /* a pointer or slice: null when absent, omitted from v2 when nil */
};

static const struct go_field behavior_fields[] = {
	{ "ScaleUp", "scaleUp", GO_RULES, true },
	{ "ScaleDown", "scaleDown", GO_RULES, true },
	{ 0 },
};
static const struct go_field rules_fields[] = {
	{ "StabilizationWindowSeconds", "stabilizationWindowSeconds", GO_INT32, true },
	{ "SelectPolicy", "selectPolicy", GO_STRING, true },
	{ "Policies", "policies", GO_POLICIES, true },
	{ 0 },
};
static const struct go_field policy_fields[] = {
	{ "Type", "type", GO_STRING, false },
	{ "Value", "value", GO_INT32, false },
	{ "PeriodSeconds", "periodSeconds", GO_INT32, false },
	{ 0 },
};

static json_object *go_encode(json_object *v2, const struct go_field *fields);

/* One field's value from v2's form to Go's; owned (NULL is null). */
static json_object *go_encode_value(json_object *v, const struct go_field *f)
{
	if (!v || json_object_is_type(v, json_type_null))
		return f->pointer	      ? NULL
		       : f->type == GO_STRING ? json_object_new_string("")
					      : json_object_new_int(0);
	if (f->type == GO_RULES)
		return go_encode(v, rules_fields);
	if (f->type == GO_POLICIES) {
		json_object *out = json_object_new_array();
		for (size_t i = 0; i < ck_core_len(v); i++)
			json_object_array_add(out, go_encode(ck_core_at(v, i), policy_fields));
		return out;
	}
	return ck_obj_copy(v);
}

/* A v2 behavior, rules or policy object in Go's form; owned. */
static json_object *go_encode(json_object *v2, const struct go_field *fields)
{
	json_object *out = json_object_new_object();
	for (const struct go_field *f = fields; f->go; f++)
		json_object_object_add(out, f->go, go_encode_value(ck_core_get(v2, f->json), f));
	return out;
}

/* go's member for a Go field name: the exact name, else the last case-insensitive match. */
static json_object *go_lookup(json_object *go, const char *name)
{
	json_object *val = NULL;
	bool exact = false;
	if (!json_object_is_type(go, json_type_object))
		return NULL;
	json_object_object_foreach (go, k, v) {
		if (ck_streq(k, name)) {
			val = v;
			exact = true;
		} else if (!exact && strcasecmp(k, name) == 0) {
			val = v;
		}
	}
	return val;
}

static json_object *go_decode(json_object *go, const struct go_field *fields, bool *ok);

/*
 * One field's Go value in v2's form (*ret owned, NULL for nil); false on a
 * type error (*ret, when set, is still the caller's to free).
 */
static bool go_decode_value(json_object *v, const struct go_field *f, json_object **ret)
{
	bool ok = true;
	*ret = NULL;
	if (!v || json_object_is_type(v, json_type_null))
		return true; /* null leaves the field as it was: zero */
	switch (f->type) {
	case GO_INT32: {
		if (!json_object_is_type(v, json_type_int))
			return false;
		int64_t n = json_object_get_int64(v);
		if (n < INT32_MIN || n > INT32_MAX)
			return false;
		*ret = json_object_new_int64(n);
		return true;
	}
	case GO_STRING:
		if (!json_object_is_type(v, json_type_string))
			return false;
		*ret = json_object_new_string(json_object_get_string(v));
		return true;
	case GO_RULES:
		*ret = go_decode(v, rules_fields, &ok);
		return ok;
	case GO_POLICIES:
		if (!json_object_is_type(v, json_type_array))
			return false;
		*ret = json_object_new_array();
		for (size_t i = 0; ok && i < ck_core_len(v); i++)
			json_object_array_add(*ret,
					      go_decode(ck_core_at(v, i), policy_fields, &ok));
		return ok;
	}
	return false;
}

/*
 * A Go-form object (an object or null) in v2's form, as json.Unmarshal
 * fills the struct: owned, or NULL with *ok false on a type error.
 */
static json_object *go_decode(json_object *go, const struct go_field *fields, bool *ok)
{
	json_object *out = json_object_new_object();
	if (go && !json_object_is_type(go, json_type_null) &&
	    !json_object_is_type(go, json_type_object))
		*ok = false;
	for (const struct go_field *f = fields; *ok && f->go; f++) {
		json_object *val = go_lookup(go, f->go);
		json_object *dv = NULL;
		if (!go_decode_value(val, f, &dv)) {
			json_object_put(dv);
			*ok = false;
			break;
		}
		if (dv)
			json_object_object_add(out, f->json, dv);
		else if (!f->pointer)
			json_object_object_add(out, f->json,
					       f->type == GO_STRING ? json_object_new_string("")
								    : json_object_new_int(0));
	}
	if (!*ok) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

/* The v2 behavior in v1's annotation (owned), or NULL when none or malformed. */
static json_object *behavior_from_annotation(json_object *obj)
{
	const char *text = ck_core_str(ck_obj_annotations(obj), ANN_BEHAVIOR);
	json_object *go = *text ? json_tokener_parse(text) : NULL;
	bool ok = go != NULL;
	json_object *b = ok ? go_decode(go, behavior_fields, &ok) : NULL;
	json_object_put(go);
	if (b && !json_object_object_length(b)) {
		/* behavior == HorizontalPodAutoscalerBehavior{}: nothing to move */
		json_object_put(b);
		b = NULL;
	}
	return b;
}

/* A v1 HorizontalPodAutoscaler in v2's form (Convert_v1_..._To_autoscaling_...). Owned. */
static json_object *v2_from_v1(json_object *v1)
{
	json_object *out = ck_obj_copy(v1);
	json_object_object_add(out, "apiVersion", json_object_new_string("autoscaling/v2"));
	json_object *spec = ck_core_ensure_obj(out, "spec");
	json_object *metrics = json_object_new_array();
	json_object *other = take_annotation(out, ANN_METRICS);
	for (size_t i = 0; i < ck_core_len(other); i++)
		json_object_array_add(metrics, convert_metric(ck_core_at(other, i), false, true));
	json_object_put(other);
	int64_t cpu;
	if (ck_core_int(spec, "targetCPUUtilizationPercentage", &cpu)) {
		json_object *m =
		    json_tokener_parse("{\"type\":\"Resource\",\"resource\":{\"name\":"
				       "\"cpu\",\"target\":{\"type\":\"Utilization\"}}}");
		ck_obj_set_path(m, "resource.target.averageUtilization",
				json_object_new_int64(cpu));
		json_object_array_add(metrics, m);
	}
	json_object_object_del(spec, "targetCPUUtilizationPercentage");
	if (json_object_array_length(metrics))
		json_object_object_add(spec, "metrics", metrics);
	else
		json_object_put(metrics);
	json_object *behavior = behavior_from_annotation(out);
	json_object_put(take_annotation(out, ANN_BEHAVIOR));
	if (behavior)
		json_object_object_add(spec, "behavior", behavior);

	json_object *status = ck_core_obj(out, "status");
	json_object *current = take_annotation(out, ANN_CURRENT);
	json_object *conditions = take_annotation(out, ANN_CONDITIONS);
	if (status) {
		json_object *cm = json_object_new_array();
		for (size_t i = 0; i < ck_core_len(current); i++)
			json_object_array_add(cm,
					      convert_metric(ck_core_at(current, i), true, true));
		if (!json_object_array_length(cm) &&
		    ck_core_int(status, "currentCPUUtilizationPercentage", &cpu)) {
			json_object *m = json_tokener_parse(
			    "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\"}}");
			ck_obj_set_path(m, "resource.current.averageUtilization",
					json_object_new_int64(cpu));
			json_object_array_add(cm, m);
		}
		json_object_object_del(status, "currentCPUUtilizationPercentage");
		/* v2's currentReplicas is omitempty, v1's is not. */
		int64_t current;
		if (ck_core_int(status, "currentReplicas", &current) && !current)
			json_object_object_del(status, "currentReplicas");
		if (json_object_array_length(cm))
			json_object_object_add(status, "currentMetrics", cm);
		else
			json_object_put(cm);
		if (conditions)
			json_object_object_add(status, "conditions", json_object_get(conditions));
	}
	json_object_put(current);
	json_object_put(conditions);
	return out;
}

/* A v2 HorizontalPodAutoscaler in v1's form (Convert_autoscaling_..._To_v1_...). Owned. */
static json_object *v1_from_v2(json_object *v2)
{
	json_object *out = ck_obj_copy(v2);
	json_object_object_add(out, "apiVersion", json_object_new_string("autoscaling/v1"));
	json_object *spec = ck_core_ensure_obj(out, "spec");
	json_object *metrics = ck_core_arr(spec, "metrics");
	json_object *other = json_object_new_array();
	bool have_cpu = false;
	for (size_t i = 0; i < ck_core_len(metrics); i++) {
		json_object *m = ck_core_at(metrics, i);
		if (is_cpu_utilization(m, false)) {
			if (!have_cpu)
				json_object_object_add(
				    spec, "targetCPUUtilizationPercentage",
				    ck_obj_copy(
					ck_obj_path(m, "resource.target.averageUtilization")));
			have_cpu = true;
			continue;
		}
		json_object_array_add(other, convert_metric(m, false, false));
	}
	if (json_object_array_length(other))
		set_annotation(out, ANN_METRICS, other);
	json_object_put(other);
	json_object_object_del(spec, "metrics");
	json_object *behavior = ck_core_obj(spec, "behavior");
	if (behavior) {
		json_object *go = go_encode(behavior, behavior_fields);
		set_annotation(out, ANN_BEHAVIOR, go);
		json_object_put(go);
		json_object_object_del(spec, "behavior");
	}
	json_object *status = ck_core_obj(out, "status");
	json_object *current = ck_core_arr(status, "currentMetrics");
	if (ck_core_len(current)) {
		json_object *cm = json_object_new_array();
		for (size_t i = 0; i < ck_core_len(current); i++) {
			json_object *m = ck_core_at(current, i);
			if (is_cpu_utilization(m, true) &&
			    !ck_core_get(status, "currentCPUUtilizationPercentage"))
				json_object_object_add(
				    status, "currentCPUUtilizationPercentage",
				    ck_obj_copy(
					ck_obj_path(m, "resource.current.averageUtilization")));
			json_object_array_add(cm, convert_metric(m, true, false));
		}
		set_annotation(out, ANN_CURRENT, cm);
		json_object_put(cm);
	}
	json_object *conditions = ck_core_arr(status, "conditions");
	if (ck_core_len(conditions))
		set_annotation(out, ANN_CONDITIONS, conditions);
	if (status) {
		json_object_object_del(status, "currentMetrics");
		json_object_object_del(status, "conditions");
		/* v1's currentReplicas is not omitempty. */
		ck_workload_default_int(status, "currentReplicas", 0);
	}
	return out;
}

/* ---- defaulting ---- */

/* copyHPAScalingRules onto the defaults; rules (may be NULL) is borrowed. */
static json_object *scaling_rules(json_object *rules, const char *defaults_json)
{
	json_object *out = json_tokener_parse(defaults_json);
	static const char *const keys[] = { "selectPolicy", "stabilizationWindowSeconds",
					    "policies" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(keys); i++) {
		json_object *v = ck_core_get(rules, keys[i]);
		if (v && !json_object_is_type(v, json_type_null))
			json_object_object_add(out, keys[i], ck_obj_copy(v));
	}
	return out;
}

static void defaults_v2(json_object *obj)
{
	json_object *spec = ck_core_ensure_obj(obj, "spec");
	ck_workload_default_int(spec, "minReplicas", 1);
	if (!ck_core_len(ck_core_arr(spec, "metrics"))) {
		json_object *m =
		    json_tokener_parse("[{\"type\":\"Resource\",\"resource\":{\"name\":"
				       "\"cpu\",\"target\":{\"type\":"
				       "\"Utilization\"}}}]");
		ck_obj_set_path(ck_core_at(m, 0), "resource.target.averageUtilization",
				json_object_new_int(DEFAULT_CPU_UTILIZATION));
		json_object_object_add(spec, "metrics", m);
	}
	json_object *behavior = ck_core_obj(spec, "behavior");
	if (behavior) {
		json_object_object_add(
		    behavior, "scaleUp",
		    scaling_rules(
			ck_core_obj(behavior, "scaleUp"),
			"{\"stabilizationWindowSeconds\":0,\"selectPolicy\":\"Max\","
			"\"policies\":[{\"type\":\"Pods\",\"value\":4,\"periodSeconds\":15},"
			"{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}"));
		json_object_object_add(
		    behavior, "scaleDown",
		    scaling_rules(ck_core_obj(behavior, "scaleDown"),
				  "{\"selectPolicy\":\"Max\",\"policies\":[{\"type\":\"Percent\","
				  "\"value\":100,\"periodSeconds\":15}]}"));
	}
}

static void prepare_create_v2(json_object *obj)
{
	defaults_v2(obj);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "desiredReplicas", json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

static void prepare_update_v2(json_object *obj, json_object *old)
{
	(void)old;
	defaults_v2(obj);
}

static void defaults_v1(json_object *obj)
{
	ck_workload_default_int(ck_core_ensure_obj(obj, "spec"), "minReplicas", 1);
}

static void prepare_create_v1(json_object *obj)
{
	defaults_v1(obj);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "currentReplicas", json_object_new_int(0));
	json_object_object_add(status, "desiredReplicas", json_object_new_int(0));
	json_object_object_add(obj, "status", status);
}

static void prepare_update_v1(json_object *obj, json_object *old)
{
	(void)old;
	defaults_v1(obj);
}

/* ---- validation (of the v2 form, as upstream validates the internal one) ---- */

static void path_segment(const char *v, const char *path, struct ck_field_errors *e)
{
	if (!*v) {
		ck_field_errors_add_required(e, path, "");
		return;
	}
	char **msgs = ck_is_valid_path_segment_name(v);
	ck_core_add_msgs(e, path, v, msgs);
}

/* Whether a quantity is > 0 (Sign() == 1). */
static bool positive(json_object *q)
{
	struct ck_quantity v;
	return ck_quantity_parse(json_object_get_string(q), &v) == 0 && ck_quantity_sign(&v) > 0;
}

static void validate_target(json_object *t, struct ck_buf *p, struct ck_field_errors *e,
			    const char *value_key)
{
	size_t m = ck_core_path_child(p, value_key);
	const char *type = ck_core_str(t, "type");
	size_t m2 = ck_core_path_child(p, "type");
	if (!*type)
		ck_field_errors_add_required(e, ck_buf_str(p), "must specify a metric target type");
	if (!ck_streq(type, "Utilization") && !ck_streq(type, "Value") &&
	    !ck_streq(type, "AverageValue"))
		ck_field_errors_add_invalid_str(e, ck_buf_str(p), type,
						"must be either Utilization, Value, or "
						"AverageValue");
	ck_buf_truncate(p, m2);
	static const char *const quantities[] = { "value", "averageValue" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(quantities); i++) {
		json_object *q = ck_core_get(t, quantities[i]);
		if (!q || positive(q))
			continue;
		m2 = ck_core_path_child(p, quantities[i]);
		ck_field_errors_add_invalid(e, ck_buf_str(p), q, "must be positive");
		ck_buf_truncate(p, m2);
	}
	int64_t u;
	if (ck_core_int(t, "averageUtilization", &u) && u < 1) {
		m2 = ck_core_path_child(p, "averageUtilization");
		ck_field_errors_add_invalid_int(e, ck_buf_str(p), u, "must be greater than 0");
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static void validate_metric(json_object *metric, struct ck_buf *p, struct ck_field_errors *e)
{
	static const char *const valid[] = { "Object", "Pods", "Resource", "External",
					     "ContainerResource" };
	const char *type = ck_core_str(metric, "type");
	size_t m = ck_core_path_child(p, "type");
	const struct source_map *sm = source_of(metric);
	if (!*type)
		ck_field_errors_add_required(e, ck_buf_str(p), "must specify a metric source type");
	if (!sm)
		ck_field_errors_add_not_supported(e, ck_buf_str(p), ck_core_get(metric, "type"),
						  valid, CK_ARRAY_SIZE(valid));
	ck_buf_truncate(p, m);
	for (size_t i = 0; i < CK_ARRAY_SIZE(sources); i++) {
		json_object *src = ck_core_obj(metric, sources[i].key);
		if (!src)
			continue;
		m = ck_core_path_child(p, sources[i].key);
		if (&sources[i] != sm) {
			ck_field_errors_add_forbidden(e, ck_buf_str(p),
						      "must populate the given metric source only");
			ck_buf_truncate(p, m);
			continue;
		}
		json_object *ident = ck_core_obj(src, "metric");
		if (ck_core_get(src, "name")) {
			size_t m2 = ck_core_path_child(p, "name");
			const char *name = ck_core_str(src, "name");
			if (!*name)
				ck_field_errors_add_required(e, ck_buf_str(p),
							     "must specify a resource name");
			else
				ck_core_validate_container_resource_name(name, ck_buf_str(p), e);
			ck_buf_truncate(p, m2);
			json_object *t = ck_core_obj(src, "target");
			if (!ck_core_get(t, "averageUtilization") &&
			    !ck_core_get(t, "averageValue")) {
				m2 = ck_core_path_child(p, "target");
				ck_core_path_child(p, "averageUtilization");
				ck_field_errors_add_required(
				    e, ck_buf_str(p),
				    "must set either a target raw value or "
				    "a target utilization");
				ck_buf_truncate(p, m2);
			}
		} else {
			size_t m2 = ck_core_path_child(p, "metric");
			ck_core_path_child(p, "name");
			const char *name = ck_core_str(ident, "name");
			if (!*name)
				ck_field_errors_add_required(e, ck_buf_str(p),
							     "must specify a metric name");
			else
				path_segment(name, ck_buf_str(p), e);
			ck_buf_truncate(p, m2);
		}
		validate_target(ck_core_obj(src, "target"), p, e, "target");
		ck_buf_truncate(p, m);
	}
	if (sm && !ck_core_obj(metric, sm->key)) {
		m = ck_core_path_child(p, sm->key);
		ck_field_errors_add_required(e, ck_buf_str(p),
					     "must populate information for the given metric "
					     "source");
		ck_buf_truncate(p, m);
	}
}

static void validate_rules(json_object *rules, const char *path, struct ck_field_errors *e)
{
	if (!rules)
		return;
	char at[160];
	int64_t v;
	if (ck_core_int(rules, "stabilizationWindowSeconds", &v) && (v < 0 || v > 3600)) {
		snprintf(at, sizeof(at), "%s.stabilizationWindowSeconds", path);
		ck_field_errors_add_invalid_int(e, at, v,
						v < 0 ? "must be greater than or equal to zero"
						      : "must be less than or equal to 3600");
	}
	json_object *sp = ck_core_get(rules, "selectPolicy");
	const char *s = ck_core_str(rules, "selectPolicy");
	if (sp && !json_object_is_type(sp, json_type_null) && !ck_streq(s, "Max") &&
	    !ck_streq(s, "Min") && !ck_streq(s, "Disabled")) {
		/* validSelectPolicyTypesList: sorted */
		static const char *const valid[] = { "Disabled", "Max", "Min" };
		snprintf(at, sizeof(at), "%s.selectPolicy", path);
		ck_field_errors_add_not_supported(e, at, sp, valid, 3);
	}
	/* Even a Disabled direction needs a policy, as upstream's validation says. */
	json_object *policies = ck_core_arr(rules, "policies");
	if (!ck_core_len(policies)) {
		snprintf(at, sizeof(at), "%s.policies", path);
		ck_field_errors_add_required(e, at, "must specify at least one Policy");
	}
	for (size_t i = 0; i < ck_core_len(policies); i++) {
		json_object *pol = ck_core_at(policies, i);
		const char *type = ck_core_str(pol, "type");
		if (!ck_streq(type, "Pods") && !ck_streq(type, "Percent")) {
			static const char *const valid[] = { "Percent", "Pods" };
			json_object *empty =
			    ck_core_get(pol, "type") ? NULL : json_object_new_string("");
			snprintf(at, sizeof(at), "%s.policies[%zu].type", path, i);
			ck_field_errors_add_not_supported(
			    e, at, empty ? empty : ck_core_get(pol, "type"), valid, 2);
			json_object_put(empty);
		}
		/* value and periodSeconds are plain int32s: absent reads as 0 */
		v = 0;
		ck_core_int(pol, "value", &v);
		if (v <= 0) {
			snprintf(at, sizeof(at), "%s.policies[%zu].value", path, i);
			ck_field_errors_add_invalid_int(e, at, v, "must be greater than zero");
		}
		v = 0;
		ck_core_int(pol, "periodSeconds", &v);
		if (v <= 0 || v > 1800) {
			snprintf(at, sizeof(at), "%s.policies[%zu].periodSeconds", path, i);
			ck_field_errors_add_invalid_int(e, at, v,
							v <= 0
							    ? "must be greater than zero"
							    : "must be less than or equal to 1800");
		}
	}
}

static void validate_v2(json_object *obj, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t min = 1, max = 0;
	bool has_min = ck_core_int(spec, "minReplicas", &min);
	ck_core_int(spec, "maxReplicas", &max);
	if (has_min && min < 1)
		ck_field_errors_add_invalid_int(e, "spec.minReplicas", min,
						"must be greater than or equal to 1");
	if (max < 1)
		ck_field_errors_add_invalid_int(e, "spec.maxReplicas", max,
						"must be greater than 0");
	if (has_min && max < min)
		ck_field_errors_add_invalid_int(e, "spec.maxReplicas", max,
						"must be greater than or equal to `minReplicas`");
	json_object *ref = ck_core_obj(spec, "scaleTargetRef");
	path_segment(ck_core_str(ref, "kind"), "spec.scaleTargetRef.kind", e);
	path_segment(ck_core_str(ref, "name"), "spec.scaleTargetRef.name", e);
	json_object *metrics = ck_core_arr(spec, "metrics");
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.metrics");
	for (size_t i = 0; i < ck_core_len(metrics); i++) {
		size_t m = ck_core_path_index(&p, i);
		validate_metric(ck_core_at(metrics, i), &p, e);
		ck_buf_truncate(&p, m);
	}
	ck_buf_release(&p);
	json_object *behavior = ck_core_obj(spec, "behavior");
	validate_rules(ck_core_obj(behavior, "scaleUp"), "spec.behavior.scaleUp", e);
	validate_rules(ck_core_obj(behavior, "scaleDown"), "spec.behavior.scaleDown", e);
}

static void validate_status_v2(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	(void)old;
	static const char *const nonneg[] = { "currentReplicas", "desiredReplicas", NULL };
	static const char *const none[] = { NULL };
	ck_core_validate_replica_counts(ck_core_obj(obj, "status"), nonneg, none, NULL, e);
}

static void validate_v1(json_object *obj, struct ck_field_errors *e)
{
	json_object *v2 = v2_from_v1(obj);
	validate_v2(v2, e);
	json_object_put(v2);
}

static void validate_status_v1(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	validate_status_v2(obj, old, e);
}

/* ---- storage: v2 as is, v1 converted ---- */

static json_object *to_storage_v1(json_object *obj)
{
	/* Stored objects read back through v2 carry v2's defaults, as upstream's decoding. */
	json_object *v2 = v2_from_v1(obj);
	defaults_v2(v2);
	return v2;
}

static json_object *from_storage_v1(json_object *stored)
{
	return v1_from_v2(stored);
}

/* ---- printer columns (of the v2 form) ---- */

static void quantity_or_unknown(struct ck_buf *b, json_object *v)
{
	ck_buf_adds(b, v ? json_object_get_string(v) : "<unknown>");
}

/* formatHPAMetrics. */
static json_object *cell_targets_v2(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *specs = ck_obj_path(obj, "spec.metrics");
	json_object *statuses = ck_obj_path(obj, "status.currentMetrics");
	size_t n = ck_core_len(specs);
	if (!n)
		return json_object_new_string("<none>");
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < n && i < 2; i++) {
		json_object *spec = ck_core_at(specs, i);
		const struct source_map *sm = source_of(spec);
		if (i)
			ck_buf_adds(&b, ", ");
		if (!sm) {
			ck_buf_adds(&b, "<unknown type>");
			continue;
		}
		json_object *src = ck_core_obj(spec, sm->key);
		json_object *st = i < ck_core_len(statuses)
				      ? ck_core_obj(ck_core_at(statuses, i), sm->key)
				      : NULL;
		json_object *t = ck_core_obj(src, "target"), *cur = ck_core_obj(st, "current");
		bool resource = ck_core_get(src, "name") != NULL;
		if (resource)
			ck_buf_addf(&b, "%s: ", ck_core_str(src, "name"));
		if (ck_core_get(t, "averageValue")) {
			quantity_or_unknown(&b, ck_core_get(cur, "averageValue"));
			ck_buf_addf(&b, "/%s", ck_core_str(t, "averageValue"));
			if (!resource && !ck_streq(sm->type, "Pods"))
				ck_buf_adds(&b, " (avg)");
		} else if (resource) {
			int64_t u;
			if (ck_core_int(cur, "averageUtilization", &u))
				ck_buf_addf(&b, "%lld%%", (long long)u);
			else
				ck_buf_adds(&b, "<unknown>");
			if (ck_core_int(t, "averageUtilization", &u))
				ck_buf_addf(&b, "/%lld%%", (long long)u);
			else
				ck_buf_adds(&b, "/<auto>");
		} else {
			quantity_or_unknown(&b, ck_core_get(cur, "value"));
			ck_buf_addf(&b, "/%s", ck_core_str(t, "value"));
		}
	}
	if (n > 2)
		ck_buf_addf(&b, " + %zu more...", n - 2);
	json_object *out = json_object_new_string(ck_buf_str(&b));
	ck_buf_release(&b);
	return out;
}

static json_object *cell_reference_v2(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *ref = ck_obj_path(obj, "spec.scaleTargetRef");
	char out[512];
	snprintf(out, sizeof(out), "%s/%s", ck_core_str(ref, "kind"), ck_core_str(ref, "name"));
	return json_object_new_string(out);
}

static json_object *cell_min_v2(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *v = ck_obj_path(obj, "spec.minReplicas");
	return json_object_new_string(v ? json_object_get_string(v) : "<unset>");
}

static json_object *cell_max_v2(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "spec.maxReplicas");
}

static json_object *cell_replicas_v2(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "status.currentReplicas");
}

/* The v1 columns read the v2 form. */
#define V1_CELL(name)                                                   \
	static json_object *name##_v1(json_object *obj, int64_t now_ns) \
	{                                                               \
		json_object *v2 = v2_from_v1(obj);                      \
		json_object *out = name##_v2(v2, now_ns);               \
		json_object_put(v2);                                    \
		return out;                                             \
	}
V1_CELL(cell_targets)

#define HPA_COLUMNS(targets, reference, min, max, replicas)                                      \
	{                                                                                        \
		{ "Name", "string",    "name", "Name must be unique within a namespace.",        \
		  0,	  ck_cell_name },                                                        \
		    { "Reference",                                                               \
		      "string",                                                                  \
		      "",                                                                        \
		      "reference to scaled resource; horizontal pod autoscaler will learn the "  \
		      "current resource consumption and will set the desired number of pods by " \
		      "using its Scale subresource.",                                            \
		      0,                                                                         \
		      reference },                                                               \
		    { "Targets",                                                                 \
		      "string",                                                                  \
		      "",                                                                        \
		      "metrics contains the specifications for which to use to calculate the "   \
		      "desired replica count.",                                                  \
		      0,                                                                         \
		      targets },                                                                 \
		    { "MinPods",                                                                 \
		      "string",                                                                  \
		      "",                                                                        \
		      "minReplicas is the lower limit for the number of replicas to which the "  \
		      "autoscaler can scale down.",                                              \
		      0,                                                                         \
		      min },                                                                     \
		    { "MaxPods",                                                                 \
		      "string",                                                                  \
		      "",                                                                        \
		      "maxReplicas is the upper limit for the number of replicas to which the "  \
		      "autoscaler can scale up.",                                                \
		      0,                                                                         \
		      max },                                                                     \
		    { "Replicas",                                                                \
		      "string",                                                                  \
		      "",                                                                        \
		      "currentReplicas is current number of replicas of pods managed by this "   \
		      "autoscaler, as last seen by the autoscaler.",                             \
		      0,                                                                         \
		      replicas },                                                                \
		    CK_COLUMN_AGE, { 0 },                                                        \
	}

static const struct ck_printer_column columns_v2[] =
    HPA_COLUMNS(cell_targets_v2, cell_reference_v2, cell_min_v2, cell_max_v2, cell_replicas_v2);
/* Reference, MinPods, MaxPods and Replicas read the same fields in v1. */
static const struct ck_printer_column columns_v1[] =
    HPA_COLUMNS(cell_targets_v1, cell_reference_v2, cell_min_v2, cell_max_v2, cell_replicas_v2);

static const char *const short_names[] = { "hpa", NULL };

/* What both versions' resources share. */
#define HPA_RESOURCE                                                                   \
	.resource = "horizontalpodautoscalers", .singular = "horizontalpodautoscaler", \
	.kind = "HorizontalPodAutoscaler", .namespaced = true, .verbs = CK_VERBS_ALL,  \
	.short_names = short_names, .categories = ck_workload_categories,              \
	.subresources = ck_workload_status_subresources, .has_status = true,           \
	.tracks_generation = true

const struct ck_resource ck_resource_horizontalpodautoscalers_v2 = {
	CK_GROUP("autoscaling", "v2"),
	HPA_RESOURCE,
	.columns = columns_v2,
	.prepare_create = prepare_create_v2,
	.prepare_update = prepare_update_v2,
	.validate = validate_v2,
	.validate_status_update = validate_status_v2,
};

const struct ck_resource ck_resource_horizontalpodautoscalers_v1 = {
	CK_GROUP("autoscaling", "v1"),
	HPA_RESOURCE,
	.columns = columns_v1,
	.storage_resource = "horizontalpodautoscalers",
	.to_storage = to_storage_v1,
	.from_storage = from_storage_v1,
	.prepare_create = prepare_create_v1,
	.prepare_update = prepare_update_v1,
	.validate = validate_v1,
	.validate_status_update = validate_status_v1,
};
