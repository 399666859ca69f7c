#include "apimachinery/object.h"

#include <stdio.h>
#include <string.h>

#include "util/common.h"

json_object *ck_obj_path(json_object *obj, const char *dotted)
{
	const char *p = dotted;
	json_object *cur = obj;
	char step[256];
	while (cur && *p) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof(step) || !json_object_is_type(cur, json_type_object))
			return NULL;
		memcpy(step, p, n);
		step[n] = '\0';
		if (!json_object_object_get_ex(cur, step, &cur))
			return NULL;
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

const char *ck_obj_path_str(json_object *obj, const char *dotted)
{
	json_object *v = ck_obj_path(obj, dotted);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

const char *ck_obj_name(json_object *obj)
{
	return ck_obj_path_str(obj, "metadata.name");
}

const char *ck_obj_namespace(json_object *obj)
{
	return ck_obj_path_str(obj, "metadata.namespace");
}

const char *ck_obj_uid(json_object *obj)
{
	return ck_obj_path_str(obj, "metadata.uid");
}

const char *ck_obj_resource_version(json_object *obj)
{
	return ck_obj_path_str(obj, "metadata.resourceVersion");
}

static json_object *object_at(json_object *obj, const char *dotted)
{
	json_object *v = ck_obj_path(obj, dotted);
	return v && json_object_is_type(v, json_type_object) ? v : NULL;
}

json_object *ck_obj_labels(json_object *obj)
{
	return object_at(obj, "metadata.labels");
}

json_object *ck_obj_annotations(json_object *obj)
{
	return object_at(obj, "metadata.annotations");
}

json_object *ck_obj_metadata(json_object *obj)
{
	json_object *md;
	if (json_object_object_get_ex(obj, "metadata", &md) &&
	    json_object_is_type(md, json_type_object))
		return md;
	md = json_object_new_object();
	json_object_object_add(obj, "metadata", md);
	return md;
}

void ck_obj_set_meta_str(json_object *obj, const char *field, const char *value)
{
	json_object *md = ck_obj_metadata(obj);
	if (value)
		json_object_object_add(md, field, json_object_new_string(value));
	else
		json_object_object_del(md, field);
}

const char *ck_obj_field_text(json_object *obj, const char *dotted, char *out, size_t size)
{
	json_object *v = ck_obj_path(obj, dotted);
	switch (v ? json_object_get_type(v) : json_type_null) {
	case json_type_null:
		snprintf(out, size, "%s", "");
		break;
	case json_type_string:
		snprintf(out, size, "%s", json_object_get_string(v));
		break;
	case json_type_boolean:
		snprintf(out, size, "%s", json_object_get_boolean(v) ? "true" : "false");
		break;
	default:
		snprintf(out, size, "%s",
			 json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	}
	return out;
}

json_object *ck_obj_copy(json_object *obj)
{
	json_object *copy = NULL;
	if (obj && json_object_deep_copy(obj, &copy, NULL) != 0)
		ck_bug(__FILE__, __LINE__, "json_object_deep_copy failed (out of memory)");
	return copy;
}
