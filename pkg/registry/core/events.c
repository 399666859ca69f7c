/*
 * core/v1 events, and events.k8s.io/v1 events stored in the core form (as
 * upstream: one storage, two versions). Events expire --event-ttl after
 * their last write.
 */
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

/* ---- core/v1 ---- */

static json_object *cell_last_seen(json_object *obj, int64_t now_ns)
{
	/* As upstream's printEvent: series, then lastTimestamp, then eventTime. */
	if (ck_obj_path_str(obj, "series.lastObservedTime"))
		return ck_cell_age_of(obj, "series.lastObservedTime", now_ns);
	if (ck_obj_path_str(obj, "lastTimestamp"))
		return ck_cell_age_of(obj, "lastTimestamp", now_ns);
	return ck_cell_age_of(obj, "eventTime", now_ns);
}

static json_object *cell_first_seen(json_object *obj, int64_t now_ns)
{
	if (ck_obj_path_str(obj, "firstTimestamp"))
		return ck_cell_age_of(obj, "firstTimestamp", now_ns);
	return ck_cell_age_of(obj, "eventTime", now_ns);
}

static json_object *cell_string(json_object *obj, const char *path)
{
	return ck_cell_string_at(obj, path);
}

static json_object *cell_type(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_string(obj, "type");
}

static json_object *cell_reason(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_string(obj, "reason");
}

static json_object *cell_message(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_string(obj, "message");
}

static json_object *cell_subobject(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return cell_string(obj, "involvedObject.fieldPath");
}

static json_object *cell_object(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	const char *kind = ck_obj_path_str(obj, "involvedObject.kind");
	const char *name = ck_obj_path_str(obj, "involvedObject.name");
	char *lower = ck_strdup(kind ? kind : "");
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char out[512];
	snprintf(out, sizeof(out), "%s/%s", lower, name ? name : "");
	free(lower);
	return json_object_new_string(out);
}

static json_object *cell_source(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	/* "component, host" as upstream's formatEventSource. */
	const char *component = ck_obj_path_str(obj, "source.component");
	const char *host = ck_obj_path_str(obj, "source.host");
	if (!component || !*component)
		component = ck_obj_path_str(obj, "reportingComponent");
	char out[512];
	if (host && *host)
		snprintf(out, sizeof(out), "%s, %s", component ? component : "", host);
	else
		snprintf(out, sizeof(out), "%s", component ? component : "");
	return json_object_new_string(out);
}

static json_object *cell_count(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *c = ck_obj_path(obj, "series.count");
	if (!c)
		c = ck_obj_path(obj, "count");
	char out[32];
	snprintf(out, sizeof(out), "%lld", c ? (long long)json_object_get_int64(c) : 0LL);
	return json_object_new_string(out);
}

static const struct ck_printer_column columns[] = {
	{ "Last Seen", "string", "", "Time when last occurrence of the event was seen", 0,
	  cell_last_seen },
	{ "Type", "string", "", "Type of this event (Normal, Warning)", 0, cell_type },
	{ "Reason", "string", "",
	  "Short, machine understandable string that gives the reason "
	  "for the transition into the object's current status.",
	  0, cell_reason },
	{ "Object", "string", "", "The object that this event is about.", 0, cell_object },
	{ "Subobject", "string", "", "The subobject this event is about.", 1, cell_subobject },
	{ "Source", "string", "", "The component reporting this event.", 1, cell_source },
	{ "Message", "string", "",
	  "A human-readable description of the status of this "
	  "operation.",
	  0, cell_message },
	{ "First Seen", "string", "", "Time when first occurrence of the event was seen", 1,
	  cell_first_seen },
	{ "Count", "string", "", "The number of times this event has occurred.", 1, cell_count },
	{ "Name", "string", "name", "Name must be unique within a namespace.", 1, ck_cell_name },
	{ 0 },
};

static const char *const short_names[] = { "ev", NULL };
/* Upstream's event field selectors (pkg/registry/core/event/strategy.go). */
static const char *const field_selectors[] = {
	"involvedObject.kind",
	"involvedObject.namespace",
	"involvedObject.name",
	"involvedObject.uid",
	"involvedObject.apiVersion",
	"involvedObject.resourceVersion",
	"involvedObject.fieldPath",
	"reason",
	"reportingComponent",
	"source",
	"type",
	NULL,
};

const struct ck_resource ck_resource_events = {
	CK_CORE("v1"),
	.resource = "events",
	.singular = "event",
	.kind = "Event",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.field_selectors = field_selectors,
	.name_rule = CK_NAME_PATH_SEGMENT,
	.uses_event_ttl = true,
};

/* ---- events.k8s.io/v1: the same objects under other field names ---- */

/* core/v1 name ↔ events.k8s.io/v1 name, as upstream's conversion. */
static const char *const renames[][2] = {
	{ "involvedObject", "regarding" },
	{ "message", "note" },
	{ "source", "deprecatedSource" },
	{ "firstTimestamp", "deprecatedFirstTimestamp" },
	{ "lastTimestamp", "deprecatedLastTimestamp" },
	{ "count", "deprecatedCount" },
	{ "reportingComponent", "reportingController" },
};

/* A copy of obj with top-level fields renamed from column `from` to `1 - from`. */
static json_object *rename_fields(json_object *obj, int from, const char *api_version)
{
	json_object *out = ck_obj_copy(obj);
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
		json_object *v;
		if (json_object_object_get_ex(out, renames[i][from], &v)) {
			json_object_object_add(out, renames[i][1 - from], json_object_get(v));
			json_object_object_del(out, renames[i][from]);
		}
	}
	json_object_object_add(out, "apiVersion", json_object_new_string(api_version));
	json_object_object_add(out, "kind", json_object_new_string("Event"));
	return out;
}

static json_object *to_storage(json_object *obj)
{
	return rename_fields(obj, 1, "v1");
}

static json_object *from_storage(json_object *stored)
{
	return rename_fields(stored, 0, "events.k8s.io/v1");
}

static const char *const v1_field_selectors[] = {
	"regarding.kind", "regarding.namespace", "regarding.name", "reason", "type", NULL,
};

const struct ck_resource ck_resource_events_v1 = {
	CK_GROUP("events.k8s.io", "v1"),
	.resource = "events",
	.singular = "event",
	.kind = "Event",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.field_selectors = v1_field_selectors,
	.name_rule = CK_NAME_PATH_SEGMENT,
	.storage_resource = "events",
	.to_storage = to_storage,
	.from_storage = from_storage,
	.uses_event_ttl = true,
};
