/*
 * Helpers for the core/v1 kinds' unit tests: run a resource's strategy
 * hooks (defaulting, validation) on JSON text and compare the field errors
 * as upstream prints them ("field: body").
 */
#ifndef CK_TEST_CORE_TEST_UTIL_H
#define CK_TEST_CORE_TEST_UTIL_H

#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "registry/registry.h"
#include "util/buf.h"

static inline json_object *ct_json(const char *text)
{
	json_object *o = json_tokener_parse(text);
	ck_assert_msg(o != NULL, "bad test JSON: %s", text);
	return o;
}

static inline const struct ck_resource *ct_res(const char *resource)
{
	const struct ck_resource *r = ck_registry_find("", "v1", resource);
	ck_assert_msg(r != NULL, "no resource %s", resource);
	return r;
}

/* The errors as "field: body" lines joined with "\n" (owned; "" for none). */
static inline char *ct_errors(struct ck_field_errors *errs)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < errs->len; i++) {
		char *s = ck_field_error_string(&errs->items[i]);
		ck_buf_addf(&b, "%s%s", i ? "\n" : "", s);
		free(s);
	}
	char *out = ck_buf_detach(&b, NULL);
	return out ? out : strdup("");
}

/* prepare_create then validate, as create does (ObjectMeta aside). Takes obj. */
static inline char *ct_create_errors(const char *resource, json_object *obj)
{
	const struct ck_resource *r = ct_res(resource);
	if (r->prepare_create)
		r->prepare_create(obj);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	if (r->validate)
		r->validate(obj, &errs);
	char *s = ct_errors(&errs);
	ck_field_errors_release(&errs);
	json_object_put(obj);
	return s;
}

/* An update of old (created first) to obj: prepare_update, validate,
 * validate_update. Takes both. */
static inline char *ct_update_errors(const char *resource, json_object *old, json_object *obj)
{
	const struct ck_resource *r = ct_res(resource);
	if (r->prepare_create)
		r->prepare_create(old);
	json_object *status = NULL;
	if (r->has_status && json_object_object_get_ex(old, "status", &status))
		json_object_object_add(obj, "status", json_object_get(status));
	if (r->prepare_update)
		r->prepare_update(obj, old);
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	if (r->validate)
		r->validate(obj, &errs);
	if (r->validate_update)
		r->validate_update(obj, old, &errs);
	char *s = ct_errors(&errs);
	ck_field_errors_release(&errs);
	json_object_put(obj);
	json_object_put(old);
	return s;
}

/* The cell of column `name` for obj (text; "" for JSON null). Owned. */
static inline char *ct_cell(const char *resource, const char *column, json_object *obj,
			    int64_t now_ns)
{
	const struct ck_resource *r = ct_res(resource);
	for (const struct ck_printer_column *c = r->columns; c && c->name; c++) {
		if (strcmp(c->name, column) != 0)
			continue;
		json_object *v = c->cell(obj, now_ns);
		char *s = strdup(v ? json_object_get_string(v) : "");
		json_object_put(v);
		return s;
	}
	ck_abort_msg("no column %s", column);
	return NULL;
}

#define ct_assert_errors(got, want)                                                            \
	do {                                                                                   \
		char *got_ = (got);                                                            \
		ck_assert_msg(strcmp(got_, (want)) == 0, "got:\n%s\nwant:\n%s", got_, (want)); \
		free(got_);                                                                    \
	} while (0)

#endif
