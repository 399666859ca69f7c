/*
 * FieldsV1 and managedFields from arbitrary bytes: decoding must accept or
 * reject with a message, never crash; an accepted set obeys the algebra
 * (s ∪ s = s ∩ s, s − s = ∅, (s ∪ s) − s = ∅), its member paths print, and
 * managedFields lists decode, encode and decode again to the same list.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/managed_fields.h"

static int print_path(const char *const *path, size_t n, void *arg)
{
	(void)arg;
	free(ck_fieldset_path_string(path, n));
	return 0;
}

static void check_set(json_object *s)
{
	json_object *u = ck_fieldset_union(s, s), *i = ck_fieldset_intersection(s, s);
	json_object *d = ck_fieldset_difference(s, s), *ud = ck_fieldset_difference(u, s);
	if (!json_object_equal(u, i) || !ck_fieldset_empty(d) || !ck_fieldset_empty(ud))
		abort();
	if (ck_fieldset_validate(u, NULL) < 0)
		abort();
	ck_fieldset_each(s, print_path, NULL);
	json_object_put(u);
	json_object_put(i);
	json_object_put(d);
	json_object_put(ud);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	json_object *s = NULL;
	char *err = NULL;
	if (ck_fieldset_decode((const char *)data, size, &s, &err) == 0) {
		check_set(s);
		json_object_put(s);
	} else {
		if (!err)
			abort();
		free(err);
	}

	/* the same bytes as a managedFields list */
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *list = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	struct ck_managed_fields mf = { 0 }, again = { 0 };
	err = NULL;
	if (list && ck_managed_fields_decode(list, &mf, &err) == 0) {
		json_object *out = ck_managed_fields_encode(&mf);
		if (ck_managed_fields_decode(out, &again, NULL) < 0)
			abort();
		json_object *out2 = ck_managed_fields_encode(&again);
		if (!json_object_equal(out, out2))
			abort();
		json_object_put(out);
		json_object_put(out2);
	}
	free(err);
	ck_managed_fields_release(&mf);
	ck_managed_fields_release(&again);
	json_object_put(list);
	return 0;
}
