/*
 * meta.k8s.io Tables (what `kubectl get` asks for): a resource's printer
 * columns (pkg/registry; Name and Created At when it has none) and one row
 * per object, each row carrying the object as includeObject says.
 */
#ifndef CK_APISERVER_TABLE_H
#define CK_APISERVER_TABLE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/registry.h"

enum ck_include_object {
	CK_INCLUDE_METADATA, /* the default: a PartialObjectMetadata per row */
	CK_INCLUDE_NONE,
	CK_INCLUDE_OBJECT,
};

/* Parses the includeObject query value (NULL = default); -EINVAL if unknown. */
int ck_include_object_parse(const char *s, enum ck_include_object *ret);

/*
 * A Table of objs (borrowed, each in the resource's own form). version is
 * "v1" or "v1beta1"; with no_headers the columnDefinitions are left empty
 * (watch events after the first). The caller owns the result and sets
 * metadata (resourceVersion, continue) on it.
 */
json_object *ck_table_build(const struct ck_resource *res, json_object *const *objs, size_t n,
			    enum ck_include_object include, const char *version, bool no_headers,
			    int64_t now_ns);

#endif
