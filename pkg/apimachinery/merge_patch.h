/*
 * JSON merge patch (RFC 7386) as upstream Kubernetes applies it: the API
 * server's `application/merge-patch+json` PATCH goes through evanphx/json-patch
 * v4 MergePatch, and clients diff with CreateMergePatch. Behaviour follows
 * that library case for case, including where it differs from the RFC:
 *
 *  - a patch that is null or a scalar is rejected ("Invalid JSON Patch");
 *    an original that is null is rejected ("Invalid JSON Document");
 *  - a patch array replaces the document whole;
 *  - an object patch applied to a non-object document replaces it;
 *  - nulls in an object patch delete keys; where a patch value is put in
 *    place without merging (a new key, or over a non-object value), null
 *    members of the objects it contains are dropped, nulls inside arrays are
 *    kept; where an object is replaced by a non-object patch value, that
 *    value is taken as it is.
 *
 * Objects are json-c objects (a JSON null is a NULL json_object *). Inputs
 * are borrowed and never modified; results are new objects the caller owns
 * (json_object_put them).
 *
 * Errors are negative errno values: -EINVAL for a bad document or patch
 * (upstream answers 400 Bad Request). When ret_err is not NULL a message
 * (upstream's wording) is stored there on failure; the caller frees it.
 */
#ifndef CK_APIMACHINERY_MERGE_PATCH_H
#define CK_APIMACHINERY_MERGE_PATCH_H

#include <json-c/json.h>

/*
 * Applies patch to doc (MergePatch). On success *ret_doc is a new object
 * (never a JSON null) the caller owns.
 */
int ck_merge_patch_apply(json_object *doc, json_object *patch, json_object **ret_doc,
			 char **ret_err);

/*
 * Computes the merge patch that turns original into modified
 * (CreateMergePatch): both objects, or both arrays of objects of the same
 * length (then the result is the array of per-element patches). A null
 * document counts as {}. On success *ret_patch is a new object the caller
 * owns.
 */
int ck_merge_patch_create(json_object *original, json_object *modified, json_object **ret_patch,
			  char **ret_err);

#endif
