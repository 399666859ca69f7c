/*
 * Cell functions shared by printer columns (upstream's printers in
 * pkg/printers/internalversion). Each returns a new json-c value the caller
 * owns, or NULL for an empty cell.
 */
#ifndef CK_REGISTRY_PRINTERS_H
#define CK_REGISTRY_PRINTERS_H

#include <json-c/json.h>
#include <stdint.h>

#include "registry/registry.h"

/* metadata.name */
json_object *ck_cell_name(json_object *obj, int64_t now_ns);
/* now − metadata.creationTimestamp as kubectl prints ages ("<unknown>" if unset). */
json_object *ck_cell_age(json_object *obj, int64_t now_ns);
/* The Age column of most kinds (upstream's ObjectMeta description). */
#define CK_COLUMN_AGE                                                                          \
	{                                                                                      \
		"Age", "string", "",                                                           \
		    "CreationTimestamp is a timestamp representing the server time when this " \
		    "object was created.",                                                     \
		    0, ck_cell_age                                                             \
	}
/* metadata.creationTimestamp as is (the default "Created At" column). */
json_object *ck_cell_created_at(json_object *obj, int64_t now_ns);
/* An age from the RFC 3339 string at a dotted path, as ck_cell_age. */
json_object *ck_cell_age_of(json_object *obj, const char *dotted, int64_t now_ns);
/* The string at a dotted path, "" when missing (upstream prints empty). */
json_object *ck_cell_string_at(json_object *obj, const char *dotted);
/* The number of members of the object or array at a dotted path. */
int64_t ck_count_at(json_object *obj, const char *dotted);

/* The columns every kind without its own gets: Name, Created At. */
extern const struct ck_printer_column ck_default_columns[];

#endif
