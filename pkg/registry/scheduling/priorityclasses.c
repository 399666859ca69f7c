/*
 * scheduling.k8s.io/v1 priorityclasses (upstream's
 * pkg/registry/scheduling/priorityclass and pkg/apis/scheduling/validation):
 * preemptionPolicy defaults to PreemptLowerPriority; names starting with
 * "system-" are reserved for the two system classes, user values stay at or
 * below 1000000000; value and preemptionPolicy are immutable; at most one
 * class is the globalDefault (upstream's Priority admission plugin); the
 * system classes are created at start (upstream's post-start hook
 * "scheduling/bootstrap-system-priority-classes") and may not be deleted;
 * the `kubectl get pc` columns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "registry/scheduling/scheduling.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"

#define SYSTEM_PREFIX "system-"
#define HIGHEST_USER_DEFINABLE_PRIORITY 1000000000

const struct ck_system_priority_class ck_system_priority_classes[] = {
	{ "system-node-critical", 2000001000,
	  "Used for system critical pods that must not be moved from their current node." },
	{ "system-cluster-critical", 2000000000,
	  "Used for system critical pods that must run in the cluster, but can be moved to "
	  "another node if necessary." },
};
const size_t ck_system_priority_classes_len = CK_ARRAY_SIZE(ck_system_priority_classes);

static int64_t value_of(json_object *obj)
{
	int64_t v = 0;
	ck_core_int(obj, "value", &v);
	return v;
}

static void prepare_create(json_object *obj)
{
	/* value is a plain int32 upstream: absent reads as 0, and is written */
	if (!ck_core_get(obj, "value"))
		json_object_object_add(obj, "value", json_object_new_int(0));
	ck_core_default_str(obj, "preemptionPolicy", "PreemptLowerPriority");
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	prepare_create(obj);
}

/* IsKnownSystemPriorityClass's error, or NULL when name is one (owned). */
static char *system_class_error(const char *name, int64_t value, bool global_default)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < ck_system_priority_classes_len; i++) {
		if (!ck_streq(ck_system_priority_classes[i].name, name))
			continue;
		if (value != ck_system_priority_classes[i].value)
			ck_buf_addf(&b, "value of %s PriorityClass must be %lld", name,
				    (long long)ck_system_priority_classes[i].value);
		else if (global_default)
			ck_buf_addf(&b, "globalDefault of %s PriorityClass must be false", name);
		else
			return NULL;
		return ck_buf_detach(&b, NULL);
	}
	ck_buf_addf(&b, "%s is not a known system priority class", name);
	return ck_buf_detach(&b, NULL);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	const char *name = ck_obj_name(obj);
	int64_t value = value_of(obj);
	if (name && ck_str_has_prefix(name, SYSTEM_PREFIX)) {
		char *err = system_class_error(name, value, ck_core_bool(obj, "globalDefault"));
		if (err) {
			struct ck_buf msg = CK_BUF_INIT;
			ck_buf_addf(&msg,
				    "priority class names with '" SYSTEM_PREFIX
				    "' prefix are reserved for system use only. error: %s",
				    err);
			ck_field_errors_add_forbidden(errs, "metadata.name", ck_buf_str(&msg));
			ck_buf_release(&msg);
			free(err);
		}
	} else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
		char msg[96];
		snprintf(msg, sizeof(msg), "maximum allowed value of a user defined priority is %d",
			 HIGHEST_USER_DEFINABLE_PRIORITY);
		ck_field_errors_add_forbidden(errs, "value", msg);
	}
	json_object *pp = ck_core_get(obj, "preemptionPolicy");
	if (pp) {
		static const char *const valid[] = { "Never", "PreemptLowerPriority" };
		const char *s = json_object_get_string(pp);
		if (!json_object_is_type(pp, json_type_string) ||
		    !(ck_streq(s, valid[0]) || ck_streq(s, valid[1])))
			ck_field_errors_add_not_supported(errs, "preemptionPolicy", pp, valid,
							  CK_ARRAY_SIZE(valid));
	}
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	if (value_of(obj) != value_of(old))
		ck_field_errors_add_forbidden(errs, "value", "may not be changed in an update.");
	json_object *pp = ck_core_get(obj, "preemptionPolicy");
	if (!ck_core_equal(pp, ck_core_get(old, "preemptionPolicy")))
		ck_field_errors_add_invalid(errs, "preemptionPolicy", pp, "field is immutable");
}

/* The system classes may not be deleted (upstream's priorityclass REST.Delete). */
static json_object *check_delete(const char *name)
{
	for (size_t i = 0; i < ck_system_priority_classes_len; i++)
		if (ck_streq(name, ck_system_priority_classes[i].name))
			return ck_status_new_forbidden(
			    "scheduling.k8s.io", "priorityclasses", name,
			    "this is a system priority class and cannot be deleted");
	return NULL;
}

/* Only one default: another class already marked globalDefault is Forbidden. */
static bool other_default(void *arg, json_object *obj)
{
	const char *name = arg;
	return ck_core_bool(obj, "globalDefault") && !ck_streq(ck_obj_name(obj), name);
}

static int check_write(const struct ck_subresource_request *req, json_object *obj, json_object *old,
		       json_object **ret_status)
{
	(void)old;
	if (!ck_core_bool(obj, "globalDefault"))
		return 0;
	const char *name = ck_obj_name(obj);
	struct ck_storage_list_options o = { .recursive = true,
					     .filter = other_default,
					     .filter_arg = (void *)name };
	struct ck_storage_list_result lr = { 0 };
	struct ck_storage_error err = { 0 };
	int r = ck_storage_list(req->storage, "/priorityclasses/", &o, &lr, &err);
	if (r < 0) {
		*ret_status = ck_status_new_internal_error(err.message);
		ck_storage_error_release(&err);
		return -EIO;
	}
	ck_storage_error_release(&err);
	r = 0;
	if (json_object_array_length(lr.items) > 0) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_addf(&msg,
			    "PriorityClass %s is already marked as default. Only one default can "
			    "exist",
			    ck_obj_name(json_object_array_get_idx(lr.items, 0)));
		*ret_status = ck_status_new_forbidden("scheduling.k8s.io", "priorityclasses", name,
						      ck_buf_str(&msg));
		ck_buf_release(&msg);
		r = -EPERM;
	}
	ck_storage_list_result_release(&lr);
	return r;
}

/* The system classes, created when absent (upstream leaves existing ones). */
static int post_start(void *state, const struct ck_registry_env *env)
{
	(void)state;
	for (size_t i = 0; i < ck_system_priority_classes_len; i++) {
		json_object *pc = json_object_new_object();
		json_object_object_add(pc, "kind", json_object_new_string("PriorityClass"));
		json_object_object_add(pc, "apiVersion",
				       json_object_new_string("scheduling.k8s.io/v1"));
		json_object *md = json_object_new_object();
		json_object_object_add(md, "name",
				       json_object_new_string(ck_system_priority_classes[i].name));
		json_object_object_add(pc, "metadata", md);
		json_object_object_add(pc, "value",
				       json_object_new_int64(ck_system_priority_classes[i].value));
		json_object_object_add(
		    pc, "description",
		    json_object_new_string(ck_system_priority_classes[i].description));
		prepare_create(pc);
		char key[128];
		snprintf(key, sizeof(key), "/priorityclasses/%s",
			 ck_system_priority_classes[i].name);
		int r = ck_registry_bootstrap_create(env->storage, key, pc);
		json_object_put(pc);
		if (r < 0)
			return r;
	}
	return 0;
}

static json_object *cell_value(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(value_of(obj));
}

static json_object *cell_global_default(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_boolean(ck_core_bool(obj, "globalDefault"));
}

static json_object *cell_preemption_policy(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *pp = ck_core_get(obj, "preemptionPolicy");
	return json_object_new_string(pp ? json_object_get_string(pp) : "<unset>");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Value", "integer", "",
	  "value represents the integer value of this priority class. This is the actual "
	  "priority that pods receive when they have the name of this class in their pod spec.",
	  0, cell_value },
	{ "Global-Default", "boolean", "",
	  "globalDefault specifies whether this PriorityClass should be considered as the "
	  "default priority for pods that do not have any priority class.",
	  0, cell_global_default },
	CK_COLUMN_AGE,
	{ "PreemptionPolicy", "string", "",
	  "preemptionPolicy is the Policy for preempting pods with lower priority.", 0,
	  cell_preemption_policy },
	{ 0 },
};

static const char *const short_names[] = { "pc", NULL };

const struct ck_resource ck_resource_priorityclasses = {
	CK_GROUP("scheduling.k8s.io", "v1"),
	.resource = "priorityclasses",
	.singular = "priorityclass",
	.kind = "PriorityClass",
	.namespaced = false,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.columns = columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.check_write = check_write,
	.check_delete = check_delete,
	.post_start = post_start,
};
