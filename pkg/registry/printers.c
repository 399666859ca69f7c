#include "registry/printers.h"

#include "apimachinery/object.h"
#include "registry/registry.h"
#include "util/time.h"

json_object *ck_cell_name(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "metadata.name");
}

json_object *ck_cell_age_of(json_object *obj, const char *dotted, int64_t now_ns)
{
	const char *ts = ck_obj_path_str(obj, dotted);
	int64_t t;
	if (!ts || ck_time_parse(ts, &t) < 0)
		return json_object_new_string("<unknown>");
	char out[32];
	ck_time_human_duration(now_ns - t, out, sizeof(out));
	return json_object_new_string(out);
}

json_object *ck_cell_age(json_object *obj, int64_t now_ns)
{
	return ck_cell_age_of(obj, "metadata.creationTimestamp", now_ns);
}

json_object *ck_cell_created_at(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "metadata.creationTimestamp");
}

json_object *ck_cell_string_at(json_object *obj, const char *dotted)
{
	const char *s = ck_obj_path_str(obj, dotted);
	return json_object_new_string(s ? s : "");
}

int64_t ck_count_at(json_object *obj, const char *dotted)
{
	json_object *v = ck_obj_path(obj, dotted);
	if (v && json_object_is_type(v, json_type_object))
		return json_object_object_length(v);
	if (v && json_object_is_type(v, json_type_array))
		return (int64_t)json_object_array_length(v);
	return 0;
}

const struct ck_printer_column ck_default_columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Created At", "date", "",
	  "CreationTimestamp is a timestamp representing the server "
	  "time when this object was created.",
	  0, ck_cell_created_at },
	{ 0 },
};
