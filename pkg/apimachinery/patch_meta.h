/*
 * Strategic-merge-patch metadata: for a position in an object (a type, then a
 * JSON field name), how the field is patched. This is what upstream reads
 * from the Go struct tags `patchStrategy` and `patchMergeKey` (or the
 * OpenAPI extensions x-kubernetes-patch-strategy / -merge-key), and the
 * type of the field's value, so the patch code can descend into nested types
 * (Deployment -> spec -> template -> spec -> containers -> ports).
 *
 * Lookups go kind first, then type by type:
 *
 *	const struct ck_patch_type *t = ck_patch_meta_kind("apps/v1", "Deployment");
 *	struct ck_patch_field f;
 *	ck_patch_meta_field(t, "spec", &f);      // f.type: DeploymentSpec
 *	ck_patch_meta_field(f.type, "template", &f);
 *
 * Invariants:
 *  - A NULL type is valid everywhere and means "unknown" (custom resources,
 *    fields the table does not describe): every field of it has no strategy
 *    and an unknown type, so maps merge and lists are replaced.
 *  - Types and strings returned are static; nothing here is freed.
 *  - The built-in types come from the schema model (api/schema.h: api/'s
 *    protos plus api/schema_fields.def), and are strict as upstream's Go
 *    structs: a field they lack is -ENOENT. Only upstream's strategicpatch
 *    test types are a table of their own, in patch_meta.c.
 */
#ifndef CK_APIMACHINERY_PATCH_META_H
#define CK_APIMACHINERY_PATCH_META_H

/* Patch strategies of a field, a bit set ("merge,retainKeys" is both). */
enum ck_patch_strategy {
	CK_PATCH_STRATEGY_NONE = 0,
	CK_PATCH_STRATEGY_MERGE = 1 << 0,
	CK_PATCH_STRATEGY_REPLACE = 1 << 1,
	CK_PATCH_STRATEGY_RETAIN_KEYS = 1 << 2,
};

/* A described type: a struct (named fields) or a map (every key alike). */
struct ck_patch_type;

/* What a field is: filled by ck_patch_meta_field. */
struct ck_patch_field {
	unsigned strategy;     /* CK_PATCH_* bits */
	const char *merge_key; /* patchMergeKey; NULL when none */
	const struct ck_patch_type
	    *type; /* the value's type; a list's: its elements'; NULL: unknown */
};

/*
 * The type of a kind's objects. api_version is "v1", "apps/v1", …; only its
 * group is matched (NULL matches any group). NULL for kinds the table does
 * not describe (custom resources).
 */
const struct ck_patch_type *ck_patch_meta_kind(const char *api_version, const char *kind);

/* A type by name ("PodSpec", "Container"); NULL when not described. */
const struct ck_patch_type *ck_patch_meta_type(const char *name);

/* The type's name, for messages; "unknown" for NULL. */
const char *ck_patch_meta_type_name(const struct ck_patch_type *type);

/*
 * Looks up field of type into *ret. 0 on success; -ENOENT when the type has
 * no such field, which upstream reports as "unable to find api field in
 * struct <type> for the json field <field>". A NULL type and map types
 * answer every field with no strategy.
 */
int ck_patch_meta_field(const struct ck_patch_type *type, const char *field,
			struct ck_patch_field *ret);

/*
 * Parses a patchStrategy tag ("merge", "retainKeys", "merge,retainKeys",
 * "replace", "" for none) into CK_PATCH_* bits; -EINVAL for anything else.
 */
int ck_patch_meta_parse_strategy(const char *tag, unsigned *ret);

#endif
