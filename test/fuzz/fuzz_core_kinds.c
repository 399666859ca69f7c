/*
 * The core/v1 kinds' strategies on arbitrary JSON. The first byte picks a
 * kind; the rest is a JSON object (a create) or a two-element array [new,
 * old] (an update). Runs what the server runs, in its order (check_decode,
 * prepare_create/prepare_update, validate/validate_update, the status
 * hooks), then the printer cells, field selector texts and grace periods.
 *
 * Invariants (abort() when broken):
 *  - defaulting is idempotent: prepare_create twice gives what once gives
 *    (transition timestamps aside);
 *  - an object valid on create is a valid no-op update of itself, and a
 *    valid no-op status update;
 *  - every field error list aggregates to a non-empty message;
 *  - every printer cell is a JSON value.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "registry/registry.h"

extern const struct ck_resource ck_resource_pods;
extern const struct ck_resource ck_resource_services;
extern const struct ck_resource ck_resource_endpoints;
extern const struct ck_resource ck_resource_nodes;
extern const struct ck_resource ck_resource_persistentvolumes;
extern const struct ck_resource ck_resource_persistentvolumeclaims;
extern const struct ck_resource ck_resource_limitranges;
extern const struct ck_resource ck_resource_resourcequotas;
extern const struct ck_resource ck_resource_replicationcontrollers;
extern const struct ck_resource ck_resource_podtemplates;

static const struct ck_resource *const kinds[] = {
	&ck_resource_pods,
	&ck_resource_services,
	&ck_resource_endpoints,
	&ck_resource_nodes,
	&ck_resource_persistentvolumes,
	&ck_resource_persistentvolumeclaims,
	&ck_resource_limitranges,
	&ck_resource_resourcequotas,
	&ck_resource_replicationcontrollers,
	&ck_resource_podtemplates,
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* 2024-05-01T00:00:00Z */
#define NOW_NS (1714521600LL * 1000000000LL)

static bool is_time_key(const char *key)
{
	size_t n = strlen(key), m = strlen("TransitionTime");
	return n >= m && strcmp(key + n - m, "TransitionTime") == 0;
}

/* Deep equality where timestamps set from the clock may differ. */
static bool same(json_object *a, json_object *b)
{
	if (!a || !b)
		return a == b;
	if (json_object_get_type(a) != json_object_get_type(b))
		return false;
	if (json_object_is_type(a, json_type_object)) {
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach (a, k, v) {
			json_object *w;
			if (!json_object_object_get_ex(b, k, &w))
				return false;
			if (!is_time_key(k) && !same(v, w))
				return false;
		}
		return true;
	}
	if (json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!same(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	return json_object_equal(a, b) != 0;
}

/* Returns the error count; aborts when a non-empty list has no message. */
static size_t finish(struct ck_field_errors *errs)
{
	size_t n = errs->len;
	if (n) {
		char *msg = ck_field_errors_aggregate(errs);
		if (!msg || !*msg)
			abort();
		free(msg);
	}
	ck_field_errors_release(errs);
	return n;
}

static json_object *copy(json_object *o)
{
	json_object *c = NULL;
	if (json_object_deep_copy(o, &c, NULL) != 0)
		abort();
	return c;
}

static bool decodes(const struct ck_resource *res, json_object *obj)
{
	char *msg = NULL;
	if (!res->check_decode)
		return true;
	int r = res->check_decode(obj, &msg);
	if (r != 0 && (!msg || !*msg))
		abort();
	free(msg);
	return r == 0;
}

/* Defaulted as on create; the caller owns the result. */
static json_object *defaulted(const struct ck_resource *res, json_object *obj)
{
	json_object *d = copy(obj);
	if (res->prepare_create)
		res->prepare_create(d);
	return d;
}

static void read_only_hooks(const struct ck_resource *res, json_object *obj)
{
	for (const struct ck_printer_column *c = res->columns; c && c->name; c++) {
		json_object *cell = c->cell(obj, NOW_NS);
		if (cell && !json_object_to_json_string(cell))
			abort();
		json_object_put(cell);
	}
	for (const char *const *f = res->field_selectors; f && *f; f++) {
		char text[512];
		if (res->field_text) {
			const char *t = res->field_text(obj, *f, text, sizeof(text));
			if (t && strlen(t) >= sizeof(text))
				abort();
		}
	}
	if (res->grace_period) {
		int64_t zero = 0, five = 5;
		if (res->grace_period(obj, NULL) < 0 || res->grace_period(obj, &zero) < 0 ||
		    res->grace_period(obj, &five) < 0)
			abort();
	}
}

static void create(const struct ck_resource *res, json_object *in)
{
	if (!decodes(res, in))
		return;
	json_object *obj = defaulted(res, in);
	json_object *again = defaulted(res, obj);
	if (!same(obj, again))
		abort();
	json_object_put(again);

	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	if (res->validate)
		res->validate(obj, &errs);
	size_t n = finish(&errs);
	read_only_hooks(res, obj);

	if (n == 0) {
		/* a valid object is a valid no-op update of itself */
		json_object *upd = copy(obj);
		if (res->prepare_update)
			res->prepare_update(upd, obj);
		ck_field_errors_init(&errs);
		if (res->validate)
			res->validate(upd, &errs);
		if (res->validate_update)
			res->validate_update(upd, obj, &errs);
		if (finish(&errs))
			abort();
		json_object_put(upd);
		if (res->validate_status_update) {
			json_object *st = copy(obj);
			if (res->prepare_status_update)
				res->prepare_status_update(st, obj);
			ck_field_errors_init(&errs);
			res->validate_status_update(st, obj, &errs);
			if (finish(&errs))
				abort();
			json_object_put(st);
		}
	}
	json_object_put(obj);
}

static void update(const struct ck_resource *res, json_object *in_new, json_object *in_old)
{
	if (!decodes(res, in_new) || !decodes(res, in_old))
		return;
	json_object *old = defaulted(res, in_old);
	json_object *obj = copy(in_new);
	struct ck_field_errors errs;

	if (res->prepare_update)
		res->prepare_update(obj, old);
	ck_field_errors_init(&errs);
	if (res->validate)
		res->validate(obj, &errs);
	if (res->validate_update)
		res->validate_update(obj, old, &errs);
	finish(&errs);
	read_only_hooks(res, obj);
	json_object_put(obj);

	obj = copy(in_new);
	if (res->prepare_status_update)
		res->prepare_status_update(obj, old);
	ck_field_errors_init(&errs);
	if (res->validate_status_update)
		res->validate_status_update(obj, old, &errs);
	finish(&errs);
	json_object_put(obj);
	json_object_put(old);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 64 * 1024)
		return 0;
	const struct ck_resource *res = kinds[data[0] % NKINDS];
	json_tokener *tok = json_tokener_new();
	json_object *in = json_tokener_parse_ex(tok, (const char *)data + 1, (int)(size - 1));
	json_tokener_free(tok);
	if (!in)
		return 0;
	if (json_object_is_type(in, json_type_object)) {
		create(res, in);
	} else if (json_object_is_type(in, json_type_array) && json_object_array_length(in) == 2) {
		json_object *a = json_object_array_get_idx(in, 0);
		json_object *b = json_object_array_get_idx(in, 1);
		if (json_object_is_type(a, json_type_object) &&
		    json_object_is_type(b, json_type_object))
			update(res, a, b);
	}
	json_object_put(in);
	return 0;
}
