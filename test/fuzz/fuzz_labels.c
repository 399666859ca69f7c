/*
 * Label selectors from arbitrary bytes: the string form (parse, print,
 * re-parse must give the same string and the same matches) and, when the
 * input is a JSON object, the LabelSelector form (its printed string must
 * parse and match the same label sets).
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"

static const char *const label_sets[] = {
	"{}",
	"{\"x\":\"y\",\"z\":\"\"}",
	"{\"a\":\"1\",\"b\":\"-5\",\"in\":\"notin\",\"notin\":\"in\"}",
	"{\"x\":\"10\",\"y\":\"9223372036854775807\",\"app.kubernetes.io/name\":\"web\"}",
	"{\"k\":\"v\",\"k2\":\"\",\"foo\":\"bar\",\"baz\":\"blah\",\"1\":\"2\"}",
};
static json_object *sets[sizeof(label_sets) / sizeof(label_sets[0])];
#define NSETS (sizeof(sets) / sizeof(sets[0]))

static void init_sets(void)
{
	if (sets[0])
		return;
	for (size_t i = 0; i < NSETS; i++) {
		sets[i] = json_tokener_parse(label_sets[i]);
		if (!sets[i])
			abort();
	}
}

/* Same answers on every fixed set, and on no labels at all. */
static void same_matches(const struct ck_label_selector *a, const struct ck_label_selector *b)
{
	for (size_t i = 0; i < NSETS; i++) {
		if (ck_label_selector_matches(a, sets[i]) != ck_label_selector_matches(b, sets[i]))
			abort();
	}
	if (ck_label_selector_matches(a, NULL) != ck_label_selector_matches(b, NULL))
		abort();
}

static void check_string_form(const char *s)
{
	struct ck_label_selector *sel = NULL, *again = NULL;
	char *err = NULL, *str, *str2;

	if (ck_label_selector_parse(s, &sel, &err) < 0) {
		if (!err || sel)
			abort();
		free(err);
		return;
	}
	if (err)
		abort();
	str = ck_label_selector_string(sel);
	if (ck_label_selector_parse(str, &again, &err) < 0)
		abort();
	str2 = ck_label_selector_string(again);
	if (strcmp(str, str2) != 0)
		abort();
	same_matches(sel, again);
	if (ck_label_selector_empty(sel) != (str[0] == '\0'))
		abort();
	for (size_t i = 0; i < ck_label_selector_count(sel); i++) {
		const struct ck_label_requirement *r = ck_label_selector_requirement(sel, i);
		const char *v = NULL;
		(void)ck_label_selector_requires_exact_match(sel, r->key, &v);
		if (i > 0 && strcmp(ck_label_selector_requirement(sel, i - 1)->key, r->key) > 0)
			abort(); /* sorted by key */
	}
	free(str);
	free(str2);
	ck_label_selector_free(sel);
	ck_label_selector_free(again);
}

static void check_json_form(const char *s, size_t size)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj = json_tokener_parse_ex(tok, s, (int)size);
	struct ck_label_selector *sel = NULL, *again = NULL;
	char *err = NULL, *str;

	json_tokener_free(tok);
	if (!obj || !json_object_is_type(obj, json_type_object))
		goto out;
	if (ck_label_selector_from_json(obj, &sel, &err) < 0) {
		if (!err || sel)
			abort();
		free(err);
		goto out;
	}
	str = ck_label_selector_string(sel);
	if (ck_label_selector_parse(str, &again, &err) < 0)
		abort();
	same_matches(sel, again);
	free(str);
out:
	ck_label_selector_free(sel);
	ck_label_selector_free(again);
	json_object_put(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 8192)
		return 0;
	init_sets();
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_string_form(s);
	if (size > 0 && s[0] == '{')
		check_json_form(s, strlen(s));
	free(s);
	return 0;
}
