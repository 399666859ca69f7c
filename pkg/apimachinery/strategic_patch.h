/*
 * Strategic merge patch, as upstream's apimachinery/pkg/util/strategicpatch
 * applies it (`application/strategic-merge-patch+json`: StrategicMergePatch)
 * and as kubectl computes it (CreateTwoWayMergePatch,
 * CreateThreeWayMergePatch), case for case.
 *
 * A strategic merge patch is a JSON merge patch whose lists are merged by
 * their patchMergeKey when the field's patchStrategy is "merge" (and as sets
 * for lists of scalars), with directives:
 *   {"$patch": "replace"|"delete"}        in a map: replace it / delete it;
 *   {"<key>": v, "$patch": "delete"}      in a merging list: delete by key;
 *   [{"$patch": "replace"}, …]            in a merging list: replace it;
 *   "$deleteFromPrimitiveList/<f>": […]   delete scalars from list f;
 *   "$setElementOrder/<f>": […]           the order of list f's elements;
 *   "$retainKeys": […]                    for retainKeys fields: drop the
 *                                         keys not listed;
 *   null                                  delete the key.
 * The strategies and merge keys come from patch_meta.h: `schema` is the type
 * of the objects (ck_patch_meta_kind()), NULL for unknown types, whose maps
 * merge and whose lists are replaced.
 *
 * Objects are json-c objects (a JSON null is a NULL json_object *; a NULL
 * document counts as {}). Inputs are borrowed and never modified; results
 * are new objects the caller owns.
 *
 * Errors are negative errno values, chosen so the API server can answer as
 * upstream does (apiserver interpretStrategicMergePatchError):
 *   -EINVAL   a document is not an object, or a directive is malformed
 *             ("invalid patch format of …"): 400 Bad Request;
 *   -EPROTO   lists of lists: 422 Unprocessable Entity;
 *   -ESTALE   three-way with overwrite false: the patch conflicts with
 *             changes made to the live object;
 *   -EBADMSG  any other failure, e.g. a list element without its merge key,
 *             an unknown $patch, a field a strictly described type lacks
 *             (upstream answers these 500 Internal Server Error).
 * When ret_err is not NULL, the message (upstream's wording) is stored there
 * on failure; the caller frees it.
 */
#ifndef CK_APIMACHINERY_STRATEGIC_PATCH_H
#define CK_APIMACHINERY_STRATEGIC_PATCH_H

#include <stdbool.h>

#include <json-c/json.h>

#include "apimachinery/patch_meta.h"

/*
 * Applies patch to original (StrategicMergePatch). On success *ret_obj is
 * the patched object, owned by the caller.
 */
int ck_strategic_patch_apply(json_object *original, json_object *patch,
			     const struct ck_patch_type *schema, json_object **ret_obj,
			     char **ret_err);

/*
 * The patch that turns original into modified (CreateTwoWayMergePatch),
 * with $setElementOrder lists. *ret_patch is owned by the caller.
 */
int ck_strategic_patch_create_two_way(json_object *original, json_object *modified,
				      const struct ck_patch_type *schema, json_object **ret_patch,
				      char **ret_err);

/*
 * kubectl apply's patch (CreateThreeWayMergePatch): the changes from current
 * (the live object) to modified (the new configuration), without deletions,
 * plus the deletions from original (the last applied configuration) to
 * modified. With overwrite false, a patch that changes a key differently
 * from how current changed it since original fails with -ESTALE.
 * *ret_patch is owned by the caller.
 */
int ck_strategic_patch_create_three_way(json_object *original, json_object *modified,
					json_object *current, const struct ck_patch_type *schema,
					bool overwrite, json_object **ret_patch, char **ret_err);

/*
 * Whether two patches change a key in different ways
 * (MergingMapsHaveConflicts): *ret_conflict. 0 or an error as above.
 */
int ck_strategic_patch_have_conflicts(json_object *left, json_object *right,
				      const struct ck_patch_type *schema, bool *ret_conflict,
				      char **ret_err);

/*
 * A copy of obj with every merging list sorted by its merge key (lists of
 * scalars sorted and deduplicated), recursively; upstream's
 * sortMergeListsByName, for comparing objects regardless of the order of
 * merging lists. *ret_obj is owned by the caller.
 */
int ck_strategic_patch_sort_merge_lists(json_object *obj, const struct ck_patch_type *schema,
					json_object **ret_obj, char **ret_err);

/*
 * kubectl's preconditions on a computed patch (mergepatch.RequireKeyUnchanged
 * and RequireMetadataKeyUnchanged): true when the patch leaves the top-level
 * key, or metadata's key, alone. kubectl apply requires "apiVersion", "kind"
 * and metadata "name" unchanged.
 */
bool ck_strategic_patch_key_unchanged(json_object *patch, const char *key);
bool ck_strategic_patch_metadata_key_unchanged(json_object *patch, const char *key);

#endif
