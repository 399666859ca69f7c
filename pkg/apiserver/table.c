#include "apiserver/table.h"

#include <errno.h>
#include <stdio.h>

#include "apimachinery/object.h"
#include "registry/printers.h"
#include "util/str.h"

int ck_include_object_parse(const char *s, enum ck_include_object *ret)
{
	if (!s || !*s || ck_streq(s, "Metadata"))
		*ret = CK_INCLUDE_METADATA;
	else if (ck_streq(s, "None"))
		*ret = CK_INCLUDE_NONE;
	else if (ck_streq(s, "Object"))
		*ret = CK_INCLUDE_OBJECT;
	else
		return -EINVAL;
	return 0;
}

static const struct ck_printer_column *columns_of(const struct ck_resource *res)
{
	return res->columns ? res->columns : ck_default_columns;
}

static json_object *definitions(const struct ck_printer_column *cols)
{
	json_object *defs = json_object_new_array();
	for (const struct ck_printer_column *c = cols; c->name; c++) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "name", json_object_new_string(c->name));
		json_object_object_add(d, "type", json_object_new_string(c->type));
		json_object_object_add(d, "format", json_object_new_string(c->format));
		json_object_object_add(d, "description", json_object_new_string(c->description));
		json_object_object_add(d, "priority", json_object_new_int(c->priority));
		json_object_array_add(defs, d);
	}
	return defs;
}

static json_object *row_object(json_object *obj, enum ck_include_object include,
			       const char *meta_api_version)
{
	if (include == CK_INCLUDE_OBJECT)
		return json_object_get(obj);
	json_object *md = ck_obj_path(obj, "metadata");
	json_object *p = json_object_new_object();
	json_object_object_add(p, "kind", json_object_new_string("PartialObjectMetadata"));
	json_object_object_add(p, "apiVersion", json_object_new_string(meta_api_version));
	json_object_object_add(p, "metadata", md ? ck_obj_copy(md) : json_object_new_object());
	return p;
}

json_object *ck_table_build(const struct ck_resource *res, json_object *const *objs, size_t n,
			    enum ck_include_object include, const char *version, bool no_headers,
			    int64_t now_ns)
{
	char api_version[32];
	snprintf(api_version, sizeof(api_version), "meta.k8s.io/%s", version);
	const struct ck_printer_column *cols = columns_of(res);

	json_object *t = json_object_new_object();
	json_object_object_add(t, "kind", json_object_new_string("Table"));
	json_object_object_add(t, "apiVersion", json_object_new_string(api_version));
	json_object_object_add(t, "metadata", json_object_new_object());
	json_object_object_add(t, "columnDefinitions",
			       no_headers ? json_object_new_array() : definitions(cols));
	json_object *rows = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_new_object(), *cells = json_object_new_array();
		for (const struct ck_printer_column *c = cols; c->name; c++)
			json_object_array_add(cells, c->cell(objs[i], now_ns));
		json_object_object_add(row, "cells", cells);
		if (include != CK_INCLUDE_NONE)
			json_object_object_add(row, "object",
					       row_object(objs[i], include, api_version));
		json_object_array_add(rows, row);
	}
	json_object_object_add(t, "rows", rows);
	return t;
}
