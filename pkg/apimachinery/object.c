#include "apimachinery/object.h"

#include <stdio.h>
#include <string.h>

#include "util/common.h"
#include "util/uuid.h"

json_object *ck_obj_get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

size_t ck_obj_array_len(json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

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

const char *ck_obj_path_str_or(json_object *obj, const char *dotted, const char *dflt)
{
	const char *s = ck_obj_path_str(obj, dotted);
	return s ? s : dflt;
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

json_object *ck_obj_controller_ref(json_object *obj)
{
	json_object *refs = ck_obj_path(obj, "metadata.ownerReferences");
	for (size_t i = 0; i < ck_obj_array_len(refs); i++) {
		json_object *r = json_object_array_get_idx(refs, i);
		json_object *c = ck_obj_get(r, "controller");
		if (c && json_object_get_boolean(c))
			return r;
	}
	return NULL;
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

void ck_obj_set_path(json_object *obj, const char *dotted, json_object *value)
{
	const char *dot;
	while ((dot = strchr(dotted, '.'))) {
		char step[128];
		size_t n = (size_t)(dot - dotted);
		CK_BUG_ON(n >= sizeof(step));
		memcpy(step, dotted, n);
		step[n] = '\0';
		json_object *next = NULL;
		if (!json_object_object_get_ex(obj, step, &next) ||
		    !json_object_is_type(next, json_type_object)) {
			next = json_object_new_object();
			json_object_object_add(obj, step, next);
		}
		obj = next;
		dotted = dot + 1;
	}
	json_object_object_add(obj, dotted, value);
}

json_object *ck_obj_copy(json_object *obj)
{
	json_object *copy = NULL;
	if (obj && json_object_deep_copy(obj, &copy, NULL) != 0)
		ck_bug(__FILE__, __LINE__, "json_object_deep_copy failed (out of memory)");
	return copy;
}

void ck_obj_generate_name(const char *prefix, char out[CK_OBJ_GENERATED_NAME_MAX])
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char rnd[5];
	ck_random_bytes(rnd, sizeof(rnd));
	snprintf(out, CK_OBJ_GENERATED_NAME_MAX, "%.58s", prefix ? prefix : "");
	size_t n = strlen(out);
	for (size_t i = 0; i < 5; i++)
		out[n + i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[n + 5] = '\0';
}
