/*
 * core/v1 limitranges (upstream's pkg/registry/core/limitrange): the
 * container defaults (SetDefaults_LimitRangeItem) and ValidateLimitRange.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static const char *const lists[] = { "max", "min", "default", "defaultRequest",
				     "maxLimitRequestRatio" };

static void copy_missing(json_object *to, json_object *from)
{
	if (!from)
		return;
	json_object_object_foreach (from, k, v) {
		if (!json_object_object_get_ex(to, k, NULL))
			json_object_object_add(to, k, ck_obj_copy(v));
	}
}

static void default_limit_range(json_object *obj)
{
	json_object *limits = ck_core_arr(ck_core_obj(obj, "spec"), "limits");
	for (size_t i = 0; i < ck_core_len(limits); i++) {
		json_object *item = ck_core_at(limits, i);
		if (!json_object_is_type(item, json_type_object))
			continue;
		for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++)
			ck_core_default_resource_list(ck_core_obj(item, lists[l]));
		if (!ck_streq(ck_core_str(item, "type"), "Container"))
			continue;
		json_object *def = ck_core_ensure_obj(item, "default");
		json_object *req = ck_core_ensure_obj(item, "defaultRequest");
		copy_missing(def, ck_core_obj(item, "max"));
		copy_missing(req, def);
		copy_missing(req, ck_core_obj(item, "min"));
	}
}

static void prepare_create(json_object *obj)
{
	default_limit_range(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	default_limit_range(obj);
}

static bool quantity(json_object *list, const char *key, struct ck_quantity *q, char *text)
{
	json_object *v = ck_core_get(list, key);
	if (!v || ck_quantity_from_json(v, q) < 0)
		return false;
	ck_quantity_snprint(q, text, CK_QUANTITY_STR_MAX);
	return true;
}

static void type_name(const char *type, const char *path, struct ck_field_errors *e)
{
	size_t before = e->len;
	ck_core_add_msgs(e, path, type, ck_is_qualified_name(type));
	if (e->len != before)
		return;
	if (!strchr(type, '/') && !ck_streq(type, "Pod") && !ck_streq(type, "Container") &&
	    !ck_streq(type, "PersistentVolumeClaim"))
		ck_field_errors_add_invalid_str(e, path, type,
						"must be a standard limit type or fully qualified");
}

static void resource_name(const char *type, const char *name, const char *path,
			  struct ck_field_errors *e)
{
	if (ck_streq(type, "Pod") || ck_streq(type, "Container"))
		ck_core_validate_container_resource_name(name, path, e);
	else
		ck_core_validate_resource_name(name, path, e);
}

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *limits = ck_core_arr(ck_core_obj(obj, "spec"), "limits");
	char path[400], msg[400];
	for (size_t i = 0; i < ck_core_len(limits); i++) {
		json_object *item = ck_core_at(limits, i);
		const char *type = ck_core_str(item, "type");
		snprintf(path, sizeof(path), "spec.limits[%zu].type", i);
		type_name(type, path, e);
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(limits, j), "type"), type)) {
				json_object *v = json_object_new_string(type);
				ck_field_errors_add_duplicate(e, path, v);
				json_object_put(v);
				break;
			}
		bool pod = ck_streq(type, "Pod");
		for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++) {
			json_object *list = ck_core_obj(item, lists[l]);
			if (!list)
				continue;
			if (pod && (l == 2 || l == 3)) {
				if (json_object_object_length(list) > 0) {
					snprintf(path, sizeof(path), "spec.limits[%zu].%s", i,
						 lists[l]);
					ck_field_errors_add_forbidden(
					    e, path, "may not be specified when `type` is 'Pod'");
				}
				continue;
			}
			json_object_object_foreach (list, name, v) {
				(void)v;
				snprintf(path, sizeof(path), "spec.limits[%zu].%s[%.253s]", i,
					 lists[l], name);
				resource_name(type, name, path, e);
			}
		}
		json_object *max = ck_core_obj(item, "max"), *min = ck_core_obj(item, "min");
		json_object *def = pod ? NULL : ck_core_obj(item, "default");
		json_object *defreq = pod ? NULL : ck_core_obj(item, "defaultRequest");
		json_object *ratio = ck_core_obj(item, "maxLimitRequestRatio");
		if (ck_streq(type, "PersistentVolumeClaim") && !ck_core_get(min, "storage") &&
		    !ck_core_get(max, "storage")) {
			snprintf(path, sizeof(path), "spec.limits[%zu].limits", i);
			ck_field_errors_add_required(e, path,
						     "either minimum or maximum storage value is "
						     "required, but neither was provided");
		}
		/* every key of any list */
		json_object *all[] = { max, min, def, defreq, ratio };
		for (size_t a = 0; a < CK_ARRAY_SIZE(all); a++) {
			if (!all[a])
				continue;
			json_object_object_foreach (all[a], k, v0) {
				(void)v0;
				bool seen = false;
				for (size_t b = 0; b < a; b++)
					seen |= all[b] && ck_core_get(all[b], k) != NULL;
				if (seen)
					continue;
				struct ck_quantity qmin, qmax, qdef, qreq, qratio;
				char smin[CK_QUANTITY_STR_MAX], smax[CK_QUANTITY_STR_MAX],
				    sdef[CK_QUANTITY_STR_MAX], sreq[CK_QUANTITY_STR_MAX],
				    sratio[CK_QUANTITY_STR_MAX];
				bool fmin = quantity(min, k, &qmin, smin);
				bool fmax = quantity(max, k, &qmax, smax);
				bool fdef = quantity(def, k, &qdef, sdef);
				bool freq = quantity(defreq, k, &qreq, sreq);
				bool fratio = quantity(ratio, k, &qratio, sratio);
				if (fmin && fmax && ck_quantity_cmp(&qmin, &qmax) > 0) {
					snprintf(path, sizeof(path), "spec.limits[%zu].min[%.253s]",
						 i, k);
					snprintf(msg, sizeof(msg),
						 "min value %s is greater than max value %s", smin,
						 smax);
					ck_field_errors_add_invalid_str(e, path, smin, msg);
				}
				snprintf(path, sizeof(path),
					 "spec.limits[%zu].defaultRequest[%.253s]", i, k);
				if (freq && fmin && ck_quantity_cmp(&qmin, &qreq) > 0) {
					snprintf(
					    msg, sizeof(msg),
					    "min value %s is greater than default request value %s",
					    smin, sreq);
					ck_field_errors_add_invalid_str(e, path, sreq, msg);
				}
				if (freq && fmax && ck_quantity_cmp(&qreq, &qmax) > 0) {
					snprintf(
					    msg, sizeof(msg),
					    "default request value %s is greater than max value %s",
					    sreq, smax);
					ck_field_errors_add_invalid_str(e, path, sreq, msg);
				}
				if (freq && fdef && ck_quantity_cmp(&qreq, &qdef) > 0) {
					snprintf(msg, sizeof(msg),
						 "default request value %s is greater than default "
						 "limit "
						 "value %s",
						 sreq, sdef);
					ck_field_errors_add_invalid_str(e, path, sreq, msg);
				}
				snprintf(path, sizeof(path), "spec.limits[%zu].default[%.253s]", i,
					 k);
				if (fdef && fmin && ck_quantity_cmp(&qmin, &qdef) > 0) {
					snprintf(msg, sizeof(msg),
						 "min value %s is greater than default value %s",
						 smin, sdef);
					ck_field_errors_add_invalid_str(e, path, smin, msg);
				}
				if (fdef && fmax && ck_quantity_cmp(&qdef, &qmax) > 0) {
					snprintf(msg, sizeof(msg),
						 "default value %s is greater than max value %s",
						 sdef, smax);
					ck_field_errors_add_invalid_str(e, path, smax, msg);
				}
				snprintf(path, sizeof(path),
					 "spec.limits[%zu].maxLimitRequestRatio[%.253s]", i, k);
				if (fratio && ck_quantity_cmp_int64(&qratio, 1) < 0) {
					snprintf(msg, sizeof(msg), "ratio %s is less than 1",
						 sratio);
					ck_field_errors_add_invalid_str(e, path, sratio, msg);
				}
				if (fratio && fmin && fmax) {
					int64_t r = 0, mn = 0, mx = 0;
					ck_quantity_milli_value(&qratio, &r);
					ck_quantity_milli_value(&qmin, &mn);
					ck_quantity_milli_value(&qmax, &mx);
					double limit = mn ? (double)mx / (double)mn : 0;
					if (mn && (double)r / 1000.0 > limit) {
						snprintf(msg, sizeof(msg),
							 "ratio %s is greater than max/min = %f",
							 sratio, limit);
						ck_field_errors_add_invalid_str(e, path, sratio,
										msg);
					}
				}
				if (!ck_core_is_overcommit_allowed(k) && fdef && freq &&
				    ck_quantity_cmp(&qdef, &qreq) != 0) {
					snprintf(path, sizeof(path),
						 "spec.limits[%zu].defaultRequest[%.253s]", i, k);
					snprintf(msg, sizeof(msg),
						 "default value %s must equal to defaultRequest "
						 "value %s "
						 "in %.64s",
						 sdef, sreq, k);
					ck_field_errors_add_invalid_str(e, path, sreq, msg);
				}
			}
		}
	}
}

static const char *const short_names[] = { "limits", NULL };

const struct ck_resource ck_resource_limitranges = {
	CK_CORE("v1"),
	.resource = "limitranges",
	.singular = "limitrange",
	.kind = "LimitRange",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = ck_default_columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
};
