#include "kubectl/apply_patch.h"

#include <stdlib.h>

#include "apimachinery/merge_patch.h"
#include "apimachinery/object.h"
#include "apimachinery/strategic_patch.h"
#include "util/buf.h"
#include "util/json_write.h"

json_object *ck_kubectl_with_last_applied(json_object *obj)
{
	json_object *copy = ck_obj_copy(obj);
	json_object *ann = ck_obj_annotations(copy);
	if (ann) {
		json_object_object_del(ann, CK_KUBECTL_LAST_APPLIED);
		if (json_object_object_length(ann) == 0)
			json_object_object_del(ck_obj_metadata(copy), "annotations");
	}
	struct ck_buf b = CK_BUF_INIT;
	ck_json_write_go(&b, copy, NULL);
	ck_buf_addc(&b, '\n');
	ann = ck_obj_annotations(copy);
	if (!ann) {
		ann = json_object_new_object();
		json_object_object_add(ck_obj_metadata(copy), "annotations", ann);
	}
	json_object_object_add(ann, CK_KUBECTL_LAST_APPLIED,
			       json_object_new_string(ck_buf_str(&b)));
	ck_buf_release(&b);
	return copy;
}

int ck_kubectl_apply_patch(json_object *modified, json_object *current, json_object **ret_patch,
			   bool *ret_strategic, char **ret_err)
{
	json_object *original = NULL;
	json_object *ann = ck_obj_annotations(current);
	json_object *last = ann ? json_object_object_get(ann, CK_KUBECTL_LAST_APPLIED) : NULL;
	if (last)
		original = json_tokener_parse(json_object_get_string(last));
	const struct ck_patch_type *schema = ck_patch_meta_kind(
	    ck_obj_path_str(modified, "apiVersion"), ck_obj_path_str(modified, "kind"));
	int r = ck_strategic_patch_create_three_way(original, modified, current, schema, true,
						    ret_patch, ret_err);
	json_object_put(original);
	if (r == 0)
		*ret_strategic = schema != NULL;
	return r;
}

int ck_kubectl_edit_patch(json_object *original, json_object *edited, json_object **ret_patch,
			  bool *ret_strategic, char **ret_err)
{
	const struct ck_patch_type *schema = ck_patch_meta_kind(
	    ck_obj_path_str(original, "apiVersion"), ck_obj_path_str(original, "kind"));
	int r =
	    schema ? ck_strategic_patch_create_two_way(original, edited, schema, ret_patch, ret_err)
		   : ck_merge_patch_create(original, edited, ret_patch, ret_err);
	if (r == 0)
		*ret_strategic = schema != NULL;
	return r;
}
