/*
 * Strategic-merge-patch metadata and its lookups. See patch_meta.h for the
 * interface.
 *
 * The built-in types are the schema model's (pkg/api/schema.h, built from
 * api/ and api/schema_fields.def): each gets a wrapper here, made once, and
 * its fields' patch strategy, merge key and value type are read from the
 * model. Like upstream's struct lookups they are strict: a field the type
 * lacks is an error.
 *
 * The one table left here is test-only: "mergeItem", "retainKeysMergeItem",
 * "precisionItem" and "simpleMap" are the schemas of upstream's
 * strategicpatch tests (MergeItem, RetainKeysMergeItem, PrecisionItem),
 * which no kind refers to. Its format:
 *
 *	STRICT_TYPE("mergeItem", merge_item_fields)  a struct described whole
 *	MAP_TYPE("simpleMap", NULL)               a map; every value is of the
 *	                                          named type (NULL: unknown)
 *
 * and, per struct type, an array of field rows
 *
 *	{ "<json field>", "<patchStrategy tag>", "<patchMergeKey>", "<value type>" }
 *
 * as upstream's Go struct tags say them (NULL for none; the value type
 * names another test type, for a list the type of its elements).
 */
#include "apimachinery/patch_meta.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "api/schema.h"
#include "util/common.h"

struct field_row {
	const char *field;
	const char *strategy;
	const char *merge_key;
	const char *type;
};

struct ck_patch_type {
	const char *name;
	bool strict;
	bool is_map;
	const char *map_of; /* is_map: the values' type name, NULL: unknown */
	const struct field_row *fields;
	size_t n_fields;
	const struct ck_schema_type *schema; /* a built-in type: described by the model */
};

#define STRICT_TYPE(name, rows)                                          \
	{                                                                \
		name, true, false, NULL, rows, CK_ARRAY_SIZE(rows), NULL \
	}
#define MAP_TYPE(name, of)                           \
	{                                            \
		name, false, true, of, NULL, 0, NULL \
	}

/* ---- upstream's strategicpatch test types ---------------------------------- */

static const struct field_row merge_item_fields[] = {
	{ "name", NULL, NULL, NULL },
	{ "value", NULL, NULL, NULL },
	{ "other", NULL, NULL, NULL },
	{ "mergingList", "merge", "name", "mergeItem" },
	{ "nonMergingList", NULL, NULL, "mergeItem" },
	{ "mergingIntList", "merge", NULL, NULL },
	{ "nonMergingIntList", NULL, NULL, NULL },
	{ "mergeItemPtr", "merge", "name", "mergeItem" },
	{ "simpleMap", NULL, NULL, "simpleMap" },
	{ "replacingItem", "replace", NULL, NULL },
	{ "retainKeysMap", "retainKeys", NULL, "retainKeysMergeItem" },
	{ "retainKeysMergingList", "merge,retainKeys", "name", "mergeItem" },
};

static const struct field_row retain_keys_merge_item_fields[] = {
	{ "name", NULL, NULL, NULL },
	{ "value", NULL, NULL, NULL },
	{ "other", NULL, NULL, NULL },
	{ "simpleMap", NULL, NULL, "simpleMap" },
	{ "mergingIntList", "merge", NULL, NULL },
	{ "mergingList", "merge", "name", "mergeItem" },
	{ "nonMergingList", NULL, NULL, "mergeItem" },
};

static const struct field_row precision_item_fields[] = {
	{ "name", NULL, NULL, NULL },	 { "int32", NULL, NULL, NULL },
	{ "int64", NULL, NULL, NULL },	 { "float32", NULL, NULL, NULL },
	{ "float64", NULL, NULL, NULL },
};

static const struct ck_patch_type types[] = {
	/* test-only: upstream's strategicpatch test schemas */
	STRICT_TYPE("mergeItem", merge_item_fields),
	STRICT_TYPE("retainKeysMergeItem", retain_keys_merge_item_fields),
	STRICT_TYPE("precisionItem", precision_item_fields),
	MAP_TYPE("simpleMap", NULL),
};

/* ---- the built-in types: wrappers of the schema model's ------------------- */

static struct ck_patch_type *builtins; /* parallel to ck_schema_types() */
static const struct ck_schema_type *const *schema_types;
static size_t n_builtins;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static void init_builtins(void)
{
	schema_types = ck_schema_types(&n_builtins);
	builtins = ck_calloc(n_builtins, sizeof(*builtins));
	for (size_t i = 0; i < n_builtins; i++) {
		builtins[i].name = schema_types[i]->name;
		builtins[i].strict = true;
		builtins[i].schema = schema_types[i];
	}
}

/* The wrapper of a schema type; NULL for NULL and for types without fields. */
static const struct ck_patch_type *wrap(const struct ck_schema_type *t)
{
	if (!t || t->kind != CK_SCHEMA_OBJECT)
		return NULL;
	pthread_once(&builtins_once, init_builtins);
	size_t lo = 0, hi = n_builtins;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(schema_types[mid]->proto_name, t->proto_name);
		if (r == 0)
			return &builtins[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- lookups ----------------------------------------------------------------- */

const struct ck_patch_type *ck_patch_meta_type(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(types); i++) {
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	}
	return wrap(ck_schema_type(name));
}

const struct ck_patch_type *ck_patch_meta_kind(const char *api_version, const char *kind)
{
	return wrap(ck_schema_kind(api_version, kind));
}

const char *ck_patch_meta_type_name(const struct ck_patch_type *type)
{
	return type ? type->name : "unknown";
}

int ck_patch_meta_parse_strategy(const char *tag, unsigned *ret)
{
	unsigned bits = 0;
	int n = 0;
	const char *s = tag ? tag : "";

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		unsigned bit;
		if (len == 5 && strncmp(s, "merge", len) == 0)
			bit = CK_PATCH_STRATEGY_MERGE;
		else if (len == 7 && strncmp(s, "replace", len) == 0)
			bit = CK_PATCH_STRATEGY_REPLACE;
		else if (len == 10 && strncmp(s, "retainKeys", len) == 0)
			bit = CK_PATCH_STRATEGY_RETAIN_KEYS;
		else
			return -EINVAL;
		bits |= bit;
		n++;
		s += len;
		if (*s == ',')
			s++;
	}
	/* upstream: at most two, and then one of them is retainKeys */
	if (n > 2 || (n == 2 && !(bits & CK_PATCH_STRATEGY_RETAIN_KEYS)) ||
	    (n == 2 && __builtin_popcount(bits) != 2))
		return -EINVAL;
	*ret = bits;
	return 0;
}

int ck_patch_meta_field(const struct ck_patch_type *type, const char *field,
			struct ck_patch_field *ret)
{
	struct ck_patch_field f = { CK_PATCH_STRATEGY_NONE, NULL, NULL };

	if (type && type->schema) {
		const struct ck_schema_field *sf = ck_schema_field(type->schema, field);
		if (!sf)
			return -ENOENT;
		/* the table is ours: a bad tag in api/schema_fields.def is a bug */
		CK_BUG_ON(ck_patch_meta_parse_strategy(sf->patch_strategy, &f.strategy) < 0);
		f.merge_key = sf->merge_key;
		const struct ck_schema_value *v = &sf->value;
		if (v->kind == CK_SCHEMA_ARRAY)
			v = v->items;
		f.type = wrap(v->type);
	} else if (type && type->is_map) {
		f.type = ck_patch_meta_type(type->map_of);
	} else if (type) {
		const struct field_row *row = NULL;
		for (size_t i = 0; i < type->n_fields; i++) {
			if (strcmp(type->fields[i].field, field) == 0) {
				row = &type->fields[i];
				break;
			}
		}
		if (!row && type->strict)
			return -ENOENT;
		if (row) {
			/* the table is ours: a bad tag in it is a bug */
			CK_BUG_ON(ck_patch_meta_parse_strategy(row->strategy, &f.strategy) < 0);
			f.merge_key = row->merge_key;
			f.type = ck_patch_meta_type(row->type);
		}
	}
	*ret = f;
	return 0;
}
