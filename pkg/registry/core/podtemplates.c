/*
 * core/v1 podtemplates (upstream's pkg/registry/core/podtemplate): the
 * template's PodSpec defaults, ValidatePodTemplate, and the `kubectl get
 * podtemplates` columns.
 */
#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"

static void prepare_create(json_object *obj)
{
	ck_core_default_pod_spec(ck_core_obj(ck_core_obj(obj, "template"), "spec"));
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	ck_core_default_pod_spec(ck_core_obj(ck_core_obj(obj, "template"), "spec"));
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "template");
	ck_core_validate_pod_template_spec(ck_core_obj(obj, "template"), &p, errs);
	ck_buf_release(&p);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_core_obj(ck_core_obj(obj, "template"), "spec"), ret_msg);
}

static json_object *cell_containers(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_core_obj(ck_core_obj(obj, "template"), "spec"),
						"name");
}

static json_object *cell_images(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_template_containers(ck_core_obj(ck_core_obj(obj, "template"), "spec"),
						"image");
}

static json_object *cell_labels(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_core_cell_labels(
	    ck_core_obj(ck_core_obj(ck_core_obj(obj, "template"), "metadata"), "labels"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Containers", "string", "", "Names of each container in the template.", 0,
	  cell_containers },
	{ "Images", "string", "", "Images referenced by each container in the template.", 0,
	  cell_images },
	{ "Pod Labels", "string", "", "The labels for the pod template.", 0, cell_labels },
	{ 0 },
};

const struct ck_resource ck_resource_podtemplates = {
	CK_CORE("v1"),
	.resource = "podtemplates",
	.singular = "podtemplate",
	.kind = "PodTemplate",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.check_decode = check_decode,
	.return_deleted_object = true,
};
