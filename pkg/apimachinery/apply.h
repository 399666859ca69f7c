/*
 * Server-side apply and field ownership: upstream's structured-merge-diff
 * (typed values: field sets, compare, merge) and its fieldmanager
 * (managedFields kept on every write, conflicts between managers), driven
 * by the schema model (api/schema.h).
 *
 * How the schema shapes objects, as upstream's OpenAPI-to-SMD conversion:
 *  - structs are granular (each field owned on its own) unless upstream
 *    marks them atomic (+structType=atomic: LabelSelector, ObjectReference,
 *    …); maps (map[string]X) are granular unless +mapType=atomic
 *    (nodeSelector, Service selector);
 *  - lists follow x-kubernetes-list-type: "map" items are identified by
 *    their list-map keys (k:{…}), "set" items by value (v:…), "atomic"
 *    lists are one value; with no list type, patchStrategy merge makes a
 *    map keyed by the merge key (a set without one), else atomic;
 *  - a NULL type (custom resources, unknown kinds) is upstream's deduced
 *    type: objects are granular maps, lists atomic.
 *
 *	struct ck_field_manager fm = { .type = ck_schema_kind("apps/v1",
 *		"Deployment"), .manager = "kubectl", .api_version = "apps/v1",
 *		.now = "2024-01-01T00:00:00Z" };
 *	json_object *out; struct ck_apply_conflicts c = { 0 };
 *	if (ck_field_manager_apply(&fm, live, config, false, &out, &c) == -EBUSY)
 *		status = ck_apply_conflict_status(&c);
 *
 * Invariants: objects passed in are borrowed and not modified unless said;
 * results are owned by the caller.
 */
#ifndef CK_APIMACHINERY_APPLY_H
#define CK_APIMACHINERY_APPLY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct ck_schema_type;

/* ---- typed values ---- */

/* The field set of obj (upstream's ToFieldSet): what applying obj claims. */
json_object *ck_apply_fieldset(const struct ck_schema_type *type, json_object *obj);

/*
 * What changed from lhs to rhs (either may be NULL): *ret_changed is the
 * set added or modified, *ret_removed the set removed (both owned).
 */
void ck_apply_compare(const struct ck_schema_type *type, json_object *lhs, json_object *rhs,
		      json_object **ret_changed, json_object **ret_removed);

/* config merged into live (either may be NULL) by the schema; owned. */
json_object *ck_apply_merge(const struct ck_schema_type *type, json_object *live,
			    json_object *config);

/* Removes from obj (modified) the value at a field-set path; -ENOENT if absent. */
int ck_apply_remove_path(json_object *obj, const char *const *path, size_t n);

/* ---- field managers ---- */

/* One write's identity for ownership tracking. */
struct ck_field_manager {
	const struct ck_schema_type *type; /* the kind's schema; NULL: deduced */
	const char *manager;		   /* fieldManager */
	const char *api_version;	   /* the object's apiVersion */
	const char *subresource;	   /* "status", … ; NULL or "" for the object */
	bool reset_status;		   /* the object has a status subresource: not ours here */
	const char *now;		   /* RFC 3339 time for entries this write touches */
};

/* Fields another manager owns that an apply would change. */
struct ck_apply_conflict {
	char *manager; /* as upstream prints it: "\"m\" using v1" */
	char *path;    /* ".spec.replicas" */
};

struct ck_apply_conflicts {
	struct ck_apply_conflict *v;
	size_t n;
};

void ck_apply_conflicts_release(struct ck_apply_conflicts *c);

/*
 * Records a create (live NULL) or an update (PUT, patch, status write) of
 * obj, whose metadata.managedFields it rewrites: the manager's Update
 * entry gains what changed from live, other managers lose it. A client
 * that sent managedFields of its own (a non-empty list differing from
 * live's) replaces them: an entry list of one empty entry ([{}]) clears
 * them; an empty list keeps live's, as upstream.
 */
void ck_field_manager_update(const struct ck_field_manager *fm, json_object *live,
			     json_object *obj);

/*
 * Applies config (an applied configuration; no managedFields) to live
 * (NULL: the object does not exist) into *ret_obj (owned), with its
 * managedFields. Fields this manager applied before and no longer applies
 * are removed unless another manager owns them. -EBUSY when another
 * manager owns a field the apply changes and force is false: *ret_conflicts
 * filled (caller releases). -EINVAL with *ret_err (owned) for a config that
 * carries managedFields.
 */
int ck_field_manager_apply(const struct ck_field_manager *fm, json_object *live,
			   json_object *config, bool force, json_object **ret_obj,
			   struct ck_apply_conflicts *ret_conflicts, char **ret_err);

/* The 409 Conflict Status upstream answers with for conflicts (owned). */
json_object *ck_apply_conflict_status(const struct ck_apply_conflicts *c);

#endif
