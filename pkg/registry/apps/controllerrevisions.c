/*
 * apps/v1 controllerrevisions (upstream's
 * pkg/registry/apps/controllerrevision): ValidateControllerRevision (data
 * required, revision not negative), immutable data, and the `kubectl get
 * controllerrevisions` columns.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/apps/workload.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/str.h"

static void validate(json_object *obj, struct ck_field_errors *e)
{
	json_object *data = ck_core_get(obj, "data");
	if (!data || json_object_is_type(data, json_type_null))
		ck_field_errors_add_required(e, "data", "data is mandatory");
	int64_t v;
	if (ck_core_int(obj, "revision", &v))
		ck_core_validate_nonnegative(v, "revision", e);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *e)
{
	ck_workload_validate_immutable(ck_core_get(obj, "data"), ck_core_get(old, "data"), "data",
				       e);
}

/* The controller owner as "<kind>.<group>/<name>", or <none> (upstream's formatResourceName). */
static json_object *cell_controller(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *refs = ck_obj_path(obj, "metadata.ownerReferences");
	for (size_t i = 0; i < ck_core_len(refs); i++) {
		json_object *r = ck_core_at(refs, i);
		if (!ck_core_bool(r, "controller"))
			continue;
		const char *av = ck_core_str(r, "apiVersion");
		const char *slash = strchr(av, '/');
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_adds(&b, ck_core_str(r, "kind"));
		if (slash)
			ck_buf_addf(&b, ".%.*s", (int)(slash - av), av);
		for (size_t j = 0; j < b.len; j++)
			b.data[j] = (char)tolower((unsigned char)b.data[j]);
		ck_buf_addf(&b, "/%s", ck_core_str(r, "name"));
		json_object *out = json_object_new_string(ck_buf_str(&b));
		ck_buf_release(&b);
		return out;
	}
	return json_object_new_string("<none>");
}

static json_object *cell_revision(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_workload_cell_int(obj, "revision");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Controller", "string", "", "Controller of the object", 0, cell_controller },
	{ "Revision", "integer", "",
	  "Revision indicates the revision of the state represented by "
	  "Data.",
	  0, cell_revision },
	CK_COLUMN_AGE,
	{ 0 },
};

const struct ck_resource ck_resource_controllerrevisions = {
	CK_GROUP("apps", "v1"),
	.resource = "controllerrevisions",
	.singular = "controllerrevision",
	.kind = "ControllerRevision",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.validate = validate,
	.validate_update = validate_update,
};
