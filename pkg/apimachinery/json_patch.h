/*
 * JSON patch (RFC 6902) as the upstream API server applies it
 * (`application/json-patch+json`): evanphx/json-patch v4, case for case.
 *
 * A patch is an array of operations, each an object with "op" (add, remove,
 * replace, move, copy, test), "path" and, by op, "value" or "from". Paths
 * are JSON pointers (RFC 6901: "~1" is '/', "~0" is '~'). Upstream's
 * behaviour, kept here where it differs from the RFC:
 *
 *  - array indices are parsed as Go's strconv.Atoi does (a sign and leading
 *    zeros are accepted) and may be negative, counting from the end
 *    ("-1" is the last element; for add, "-1" appends, like "-");
 *  - "-" appends, for add only;
 *  - a replace of a missing object member adds it; replace with path ""
 *    replaces the whole document when the value is an object or array and
 *    does nothing otherwise; other ops reject the path "";
 *  - test with value null passes when the member is missing or null, and
 *    compares scalars by their JSON text (1 and 1.0 differ);
 *  - the text before a path's first '/' is ignored.
 *
 * Applying is atomic: the document is patched on a copy; on any error the
 * caller's document is untouched and nothing is returned. The bytes the copy
 * ops duplicate are capped (upstream's AccumulatedCopySizeLimit), as is the
 * number of operations (the API server's maxJSONPatchOperations).
 *
 * Objects are json-c objects (a JSON null is a NULL json_object *); inputs
 * are borrowed, never modified. Errors are negative errno values, chosen so
 * the API server can answer as upstream does:
 *   -EINVAL  the patch is not a JSON patch document, or the document is not
 *            an object or array (upstream: 400 Bad Request);
 *   -E2BIG   more operations than allowed (413 Request Entity Too Large);
 *   -EPROTO  an operation failed: missing path, bad index, failed test,
 *            copy limit, unknown op (422 Unprocessable Entity).
 * When ret_err is not NULL, a message in upstream's wording (it names the
 * operation and the path) is stored there on failure; the caller frees it.
 */
#ifndef CK_APIMACHINERY_JSON_PATCH_H
#define CK_APIMACHINERY_JSON_PATCH_H

#include <stddef.h>

#include <json-c/json.h>

/* Upstream's maxJSONPatchOperations (apiserver endpoints/handlers/patch.go). */
#define CK_JSON_PATCH_MAX_OPS 10000

struct ck_json_patch_opts {
	/* Total bytes (JSON text) copy ops may add; 0: CK_MAX_JSON_PATCH_COPY. */
	size_t max_copy_bytes;
	/* Most operations accepted; 0: CK_JSON_PATCH_MAX_OPS. */
	size_t max_ops;
};

/*
 * Applies patch to doc. opts may be NULL (the defaults). On success
 * *ret_doc is the patched document, a new object the caller owns.
 */
int ck_json_patch_apply(json_object *doc, json_object *patch, const struct ck_json_patch_opts *opts,
			json_object **ret_doc, char **ret_err);

#endif
