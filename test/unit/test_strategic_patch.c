/*
 * Strategic merge patch: upstream's strategicpatch/patch_test.go tables,
 * ported. The YAML of sortMergeListTestCaseData,
 * customStrategicMergePatchTestCaseData, customStrategicMergePatchRawTestCases,
 * createStrategicMergePatchTestCaseData and (a large subset of)
 * strategicMergePatchRawTestCases and replaceRawExtensionPatchTestCases was
 * converted to JSON for the tables below, with the schema of upstream's
 * MergeItem test type ("mergeItem" in patch_meta.c); TestUnknownField and
 * TestNumberConversion follow. The harness does what upstream's does: the
 * non-raw cases are compared after sorting their merging lists; two-way
 * patches are created, compared and applied; three-way patches too, where a
 * case whose description says "conflict" must conflict without overwrite.
 * Then the built-in kinds: Pod, Deployment, Service, Node, custom resources.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apimachinery/patch_meta.h"
#include "apimachinery/strategic_patch.h"

struct smp_case {
	const char *description;
	const char *original, *two_way, *modified, *current, *three_way, *result, *two_way_result;
	const char *expected_error;
};

/* ---- generated from upstream's YAML tables (see the top of this file) ---- */

static const char *const sort_cases[][3] = {
	{ "sort one list of maps", "{\"mergingList\":[{\"name\":1},{\"name\":3},{\"name\":2}]}",
	  "{\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}]}" },
	{ "sort lists of maps but not nested lists of maps",
	  "{\"mergingList\":[{\"name\":2,\"nonMergingList\":[{\"name\":1},{\"name"
	  "\":3},{\"name\":2}]},{\"name\":1,\"nonMergingList\":[{\"name\":2},{\"n"
	  "ame\":1}]}]}",
	  "{\"mergingList\":[{\"name\":1,\"nonMergingList\":[{\"name\":2},{\"name"
	  "\":1}]},{\"name\":2,\"nonMergingList\":[{\"name\":1},{\"name\":3},{\"n"
	  "ame\":2}]}]}" },
	{ "sort lists of maps and nested lists of maps",
	  "{\"mergingList\":[{\"name\":2,\"mergingList\":[{\"name\":1},{\"name\":"
	  "3},{\"name\":2}]},{\"name\":1,\"mergingList\":[{\"name\":2},{\"name\":"
	  "1}]}]}",
	  "{\"mergingList\":[{\"name\":1,\"mergingList\":[{\"name\":1},{\"name\":"
	  "2}]},{\"name\":2,\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":"
	  "3}]}]}" },
	{ "merging list should NOT sort when nested in non merging list",
	  "{\"nonMergingList\":[{\"name\":2,\"mergingList\":[{\"name\":1},{\"name"
	  "\":3},{\"name\":2}]},{\"name\":1,\"mergingList\":[{\"name\":2},{\"name"
	  "\":1}]}]}",
	  "{\"nonMergingList\":[{\"name\":2,\"mergingList\":[{\"name\":1},{\"name"
	  "\":3},{\"name\":2}]},{\"name\":1,\"mergingList\":[{\"name\":2},{\"name"
	  "\":1}]}]}" },
	{ "sort very nested list of maps",
	  "{\"mergingList\":[{\"mergingList\":[{\"mergingList\":[{\"name\":2},{\""
	  "name\":1}]}]}]}",
	  "{\"mergingList\":[{\"mergingList\":[{\"mergingList\":[{\"name\":1},{\""
	  "name\":2}]}]}]}" },
	{ "sort nested lists of ints",
	  "{\"mergingList\":[{\"name\":2,\"mergingIntList\":[1,3,2]},{\"name\":1,"
	  "\"mergingIntList\":[2,1]}]}",
	  "{\"mergingList\":[{\"name\":1,\"mergingIntList\":[1,2]},{\"name\":2,\""
	  "mergingIntList\":[1,2,3]}]}" },
	{ "sort nested pointers of ints",
	  "{\"mergeItemPtr\":[{\"name\":2,\"mergingIntList\":[1,3,2]},{\"name\":1"
	  ",\"mergingIntList\":[2,1]}]}",
	  "{\"mergeItemPtr\":[{\"name\":1,\"mergingIntList\":[1,2]},{\"name\":2,"
	  "\"mergingIntList\":[1,2,3]}]}" },
	{ "sort merging list by pointer",
	  "{\"mergeItemPtr\":[{\"name\":1},{\"name\":3},{\"name\":2}]}",
	  "{\"mergeItemPtr\":[{\"name\":1},{\"name\":2},{\"name\":3}]}" },
};

static const struct smp_case custom_cases[] = {
	{
	    "unique scalars when merging lists",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"mergingIntList\":[2,3]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "delete map from nested map",
	    "{\"simpleMap\":{\"key1\":1,\"key2\":1}}",
	    "{\"simpleMap\":{\"$patch\":\"delete\"}}",
	    "{\"simpleMap\":{}}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "delete all items from merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergingList\":[{\"$patch\":\"replace\"}]}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "merge empty merging lists",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "delete all keys from map",
	    "{\"name\":1,\"value\":1}",
	    "{\"$patch\":\"replace\"}",
	    "{}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "add key and delete all keys from map",
	    "{\"name\":1,\"value\":1}",
	    "{\"other\":\"a\",\"$patch\":\"replace\"}",
	    "{\"other\":\"a\"}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "delete all duplicate entries in a merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":1},{\"name\":2,\"value\":\"a"
	    "\"},{\"name\":3},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":3,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":\"a\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map can add a field when no retainKeys directive present",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map can change a field when no retainKeys directive present",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"a\"}}",
	    "{\"retainKeysMap\":{\"value\":\"b\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"b\"}}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map can delete a field when no retainKeys directive present",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"a\"}}",
	    "{\"retainKeysMap\":{\"value\":null}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map merge an empty map",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"a\"}}",
	    "{\"retainKeysMap\":{}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"a\"}}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list can add a field when no retainKeys directive present",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"foo\",\"value\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list can change a field when no retainKeys directive present",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"foo\",\"value\":\"b\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"b\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list can delete a field when no retainKeys directive present",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"foo\",\"value\":null}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "preserve the order from the patch in a merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":\"b\"},{\"name\":"
	    "3}]}",
	    "{\"mergingList\":[{\"name\":3,\"value\":\"c\"},{\"name\":1,\"value\":"
	    "\"a\"},{\"name\":2,\"other\":\"x\"}]}",
	    "{\"mergingList\":[{\"name\":3,\"value\":\"c\"},{\"name\":1,\"value\":"
	    "\"a\"},{\"name\":2,\"value\":\"b\",\"other\":\"x\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "preserve the order from the patch in a merging list 2",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":\"b\"},{\"name\":"
	    "3}]}",
	    "{\"mergingList\":[{\"name\":3,\"value\":\"c\"},{\"name\":1,\"value\":"
	    "\"a\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":\"b\"},{\"name\":3,\"value\":"
	    "\"c\"},{\"name\":1,\"value\":\"a\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "preserve the order from the patch in a merging int list",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"mergingIntList\":[3,1,2]}",
	    "{\"mergingIntList\":[3,1,2]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "preserve the order from the patch in a merging int list 2",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"mergingIntList\":[3,1]}",
	    "{\"mergingIntList\":[2,3,1]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
};

static const struct smp_case custom_raw_cases[] = {
	{
	    "$setElementOrder contains item that is not present in the list to be merged",
	    "{\"mergingList\":[{\"name\":1},{\"name\":3}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":3},{\"name\":2},{\"name\""
	    ":1}],\"mergingList\":[{\"name\":3,\"value\":3},{\"name\":1,\"value\":1"
	    "}]}",
	    "{\"mergingList\":[{\"name\":3,\"value\":3},{\"name\":1,\"value\":1}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "$setElementOrder contains item that is not present in the int list to be merged",
	    "{\"mergingIntList\":[1,3]}",
	    "{\"$setElementOrder/mergingIntList\":[3,2,1]}",
	    "{\"mergingIntList\":[3,1]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "should check if order in $setElementOrder and patch list match",
	    "{\"mergingList\":[{\"name\":1},{\"name\":3},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2},{\"name\""
	    ":3}],\"mergingList\":[{\"name\":3,\"value\":3},{\"name\":1,\"value\":1"
	    "}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    "doesn't match",
	},
	{
	    "should check if order in $setElementOrder and patch int list match",
	    "{\"mergingIntList\":[1,3,2]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,3],\"mergingIntList\":[3,1]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    "doesn't match",
	},
	{
	    "missing merge key should error out",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\"}]}",
	    "{\"mergingList\":[{\"value\":\"b\"}]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    "does not contain declared merge key",
	},
	{
	    "$deleteFromPrimitiveList of nonexistent item in primitive list should not add the "
	    "item to the list",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"$deleteFromPrimitiveList/mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "$deleteFromPrimitiveList on empty primitive list should not add the item to the list",
	    "{\"mergingIntList\":null}",
	    "{\"$deleteFromPrimitiveList/mergingIntList\":[3]}",
	    "{\"mergingIntList\":null}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive "
	    "list",
	    "{\"foo\":[\"bar\"]}",
	    "{\"$deleteFromPrimitiveList/mergingIntList\":[3]}",
	    "{\"foo\":[\"bar\"]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "$deleteFromPrimitiveList should delete item from a list with merge patch strategy",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$deleteFromPrimitiveList/mergingIntList\":[2]}",
	    "{\"mergingIntList\":[1,3]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
	{
	    "$deleteFromPrimitiveList should delete item from a list without merge patch strategy",
	    "{\"nonMergingIntList\":[1,2,3]}",
	    "{\"$deleteFromPrimitiveList/nonMergingIntList\":[2]}",
	    "{\"nonMergingIntList\":[1,3]}",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	},
};

static const struct smp_case create_cases[] = {
	{
	    "nil original",
	    NULL,
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":1,\"other\":\"a\"}",
	    "{\"value\":1}",
	    "{\"name\":1,\"value\":1,\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "nil patch",
	    "{\"name\":1}",
	    "{}",
	    "{\"name\":1}",
	    "{\"name\":1}",
	    "{}",
	    "{\"name\":1}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map",
	    "{\"name\":1}",
	    "{\"value\":1}",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":1,\"other\":\"a\"}",
	    "{\"value\":1}",
	    "{\"name\":1,\"value\":1,\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map with conflict",
	    "{\"name\":1}",
	    "{\"value\":1}",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":\"a\",\"other\":\"a\"}",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":1,\"value\":1,\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "add field and delete field from map",
	    "{\"name\":1}",
	    "{\"name\":null,\"value\":1}",
	    "{\"value\":1}",
	    "{\"name\":1,\"other\":\"a\"}",
	    "{\"name\":null,\"value\":1}",
	    "{\"value\":1,\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "add field and delete field from map with conflict",
	    "{\"name\":1}",
	    "{\"name\":null,\"value\":1}",
	    "{\"value\":1}",
	    "{\"name\":\"a\",\"other\":\"a\"}",
	    "{\"name\":null,\"value\":1}",
	    "{\"value\":1,\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "delete field from nested map",
	    "{\"simpleMap\":{\"key1\":1,\"key2\":1}}",
	    "{\"simpleMap\":{\"key2\":null}}",
	    "{\"simpleMap\":{\"key1\":1}}",
	    "{\"simpleMap\":{\"key1\":1,\"key2\":1,\"other\":\"a\"}}",
	    "{\"simpleMap\":{\"key2\":null}}",
	    "{\"simpleMap\":{\"key1\":1,\"other\":\"a\"}}",
	    NULL,
	    NULL,
	},
	{
	    "delete field from nested map with conflict",
	    "{\"simpleMap\":{\"key1\":1,\"key2\":1}}",
	    "{\"simpleMap\":{\"key2\":null}}",
	    "{\"simpleMap\":{\"key1\":1}}",
	    "{\"simpleMap\":{\"key1\":\"a\",\"key2\":1,\"other\":\"a\"}}",
	    "{\"simpleMap\":{\"key1\":1,\"key2\":null}}",
	    "{\"simpleMap\":{\"key1\":1,\"other\":\"a\"}}",
	    NULL,
	    NULL,
	},
	{
	    "delete all fields from map",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":null,\"value\":null}",
	    "{}",
	    "{\"name\":1,\"value\":1,\"other\":\"a\"}",
	    "{\"name\":null,\"value\":null}",
	    "{\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "delete all fields from map with conflict",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":null,\"value\":null}",
	    "{}",
	    "{\"name\":1,\"value\":\"a\",\"other\":\"a\"}",
	    "{\"name\":null,\"value\":null}",
	    "{\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "add field and delete all fields from map",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":null,\"value\":null,\"other\":\"a\"}",
	    "{\"other\":\"a\"}",
	    "{\"name\":1,\"value\":1,\"other\":\"a\"}",
	    "{\"name\":null,\"value\":null}",
	    "{\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "add field and delete all fields from map with conflict",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":null,\"value\":null,\"other\":\"a\"}",
	    "{\"other\":\"a\"}",
	    "{\"name\":1,\"value\":1,\"other\":\"b\"}",
	    "{\"name\":null,\"value\":null,\"other\":\"a\"}",
	    "{\"other\":\"a\"}",
	    NULL,
	    NULL,
	},
	{
	    "replace list of scalars",
	    "{\"nonMergingIntList\":[1,2]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[1,2]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    NULL,
	    NULL,
	},
	{
	    "replace list of scalars with conflict",
	    "{\"nonMergingIntList\":[1,2]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[1,4]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    "{\"nonMergingIntList\":[2,3]}",
	    NULL,
	    NULL,
	},
	{
	    "delete all maps from merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	},
	{
	    "delete all maps from merging list with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"other\":"
	    "\"b\"}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	},
	{
	    "delete all maps from empty merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[{\"name\":1,\"$patch\":\"delete\"},{\"name\":2,\"$pa"
	    "tch\":\"delete\"}]}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	},
	{
	    "merge empty merging lists",
	    "{\"mergingList\":[]}",
	    "{}",
	    "{\"mergingList\":[]}",
	    "{\"mergingList\":[]}",
	    "{}",
	    "{\"mergingList\":[]}",
	    NULL,
	    NULL,
	},
	{
	    "defined null values should propagate overwrite current fields (with conflict)",
	    "{\"name\":2}",
	    "{\"name\":1,\"value\":1,\"other\":null}",
	    "{\"name\":1,\"value\":1,\"other\":null}",
	    "{\"name\":\"a\",\"other\":\"a\"}",
	    "{\"name\":1,\"value\":1,\"other\":null}",
	    "{\"name\":1,\"value\":1}",
	    "{\"name\":1,\"value\":1}",
	    NULL,
	},
	{
	    "defined null values should propagate removing original fields",
	    "{\"name\":\"original-name\",\"value\":\"original-value\"}",
	    "{\"name\":\"modified-name\",\"value\":null}",
	    "{\"name\":\"modified-name\",\"value\":null}",
	    "{\"name\":\"original-name\",\"value\":\"original-value\",\"other\":\"c"
	    "urrent-other\"}",
	    "{\"name\":\"modified-name\",\"value\":null}",
	    "{\"name\":\"modified-name\",\"other\":\"current-other\"}",
	    "{\"name\":\"modified-name\"}",
	    NULL,
	},
	{
	    "nil patch with retainKeys map",
	    "{\"name\":\"a\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{}",
	    "{\"name\":\"a\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"name\":\"a\",\"value\":\"b\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{}",
	    "{\"name\":\"a\",\"value\":\"b\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map with no change should not be present",
	    "{\"name\":\"a\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"value\":\"b\"}",
	    "{\"name\":\"a\",\"value\":\"b\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"name\":\"a\",\"other\":\"c\",\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"value\":\"b\"}",
	    "{\"name\":\"a\",\"value\":\"b\",\"other\":\"c\",\"retainKeysMap\":{\"n"
	    "ame\":\"foo\"}}",
	    NULL,
	    NULL,
	},
};

static const struct smp_case raw_cases[] = {
	{
	    "nested patch merge with empty list",
	    "{\"name\":\"hi\"}",
	    "{\"mergingList\":[{\"name\":\"hello\"},{\"$patch\":\"delete\",\"name\""
	    ":\"doesntexist\"}]}",
	    "{\"name\":\"hi\",\"mergingList\":[{\"name\":\"hello\"},{\"$patch\":\"d"
	    "elete\",\"name\":\"doesntexist\"}]}",
	    "{\"name\":\"hi\",\"mergingList\":[{\"name\":\"hello2\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":\"hello\"},{\"name\":\"do"
	    "esntexist\"}],\"mergingList\":[{\"name\":\"hello\"},{\"$patch\":\"dele"
	    "te\",\"name\":\"doesntexist\"}]}",
	    "{\"name\":\"hi\",\"mergingList\":[{\"name\":\"hello\"},{\"name\":\"hel"
	    "lo2\"}]}",
	    "{\"name\":\"hi\",\"mergingList\":[{\"name\":\"hello\"}]}",
	    NULL,
	},
	{
	    "delete items in lists of scalars",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"mergingIntList\":[1,2,3,4]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,4]}",
	    NULL,
	    NULL,
	},
	{
	    "delete all duplicate items in lists of scalars",
	    "{\"mergingIntList\":[1,2,3,3]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"mergingIntList\":[1,2,3,3,4]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,4]}",
	    NULL,
	    NULL,
	},
	{
	    "add and delete items in lists of scalars",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,4],\"$deleteFromPrimitiveLis"
	    "t/mergingIntList\":[3],\"mergingIntList\":[4]}",
	    "{\"mergingIntList\":[1,2,4]}",
	    "{\"mergingIntList\":[1,2,3,4]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,4],\"$deleteFromPrimitiveLis"
	    "t/mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,4]}",
	    NULL,
	    NULL,
	},
	{
	    "merge lists of maps",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":4},{\"name\":1},{\"name\""
	    ":2},{\"name\":3}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":"
	    "3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":1},{\"name\":2,\""
	    "value\":2},{\"name\":3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":4},{\"name\":1},{\"name\""
	    ":2},{\"name\":3}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":"
	    "3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":1,\"other\":\"a\""
	    "},{\"name\":2,\"value\":2,\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "merge lists of maps with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2},{\"name\""
	    ":3}],\"mergingList\":[{\"name\":3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2},{\"name\":3,\""
	    "value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":3"
	    ",\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2},{\"name\""
	    ":3}],\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":3,\"value\":3"
	    "}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map in merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map in merging list with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":3,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2},{\"name\":3,\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add duplicate field to map in merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    "{}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add an item that already exists in current object in merging list",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\"},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2},{\"name\""
	    ":3}],\"mergingList\":[{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\"},{\"name\":2},{\"name\":"
	    "3}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\",\"other\":\"x\"},{\"name"
	    "\":2},{\"name\":3}]}",
	    "{}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\",\"other\":\"x\"},{\"name"
	    "\":2},{\"name\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "add duplicate field to map in merging list with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":3,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "replace map field value in merging list",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\"},{\"name\":2,\"value\":2"
	    "}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\",\"other\":\"a\"},{\"name"
	    "\":2,\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "replace map field value in merging list with conflict",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\"},{\"name\":2,\"value\":2"
	    "}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":3,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":\"a\",\"other\":\"a\"},{\"name"
	    "\":2,\"value\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete map from merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2}],\"mergingList\":[{\"n"
	    "ame\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2}],\"mergingList\":[{\"n"
	    "ame\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete missing map from merging list with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2}],\"mergingList\":[{\"n"
	    "ame\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":3,\"other\":\"a\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2}],\"mergingList\":[{\"n"
	    "ame\":2},{\"name\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2},{\"name\":3,\"other\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add map and delete map from merging list",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3}],\"mergin"
	    "gList\":[{\"name\":3},{\"name\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"other\":\"b\"},{\"name\":"
	    "4,\"other\":\"c\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3}],\"mergin"
	    "gList\":[{\"name\":3},{\"name\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"other\":\"b\"},{\"name\":4,\"other\":"
	    "\"c\"},{\"name\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "add map and delete map from merging list with conflict",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3}],\"mergin"
	    "gList\":[{\"name\":3},{\"name\":1,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":4,\"other\":"
	    "\"c\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3}],\"mergin"
	    "gList\":[{\"name\":2},{\"name\":3},{\"name\":1,\"$patch\":\"delete\"}]"
	    "}",
	    "{\"mergingList\":[{\"name\":4,\"other\":\"c\"},{\"name\":2},{\"name\":"
	    "3}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete field from map in merging list",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":null}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"value\":1,\"other\":\"a\"},{\"name\":2"
	    ",\"value\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":null}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete missing field from map in merging list with conflict",
	    "{\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":null}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"other\":"
	    "\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"value\":null},{\"name\":2,\"value\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "replace non merging list nested in merging list with deletion conflict",
	    "{\"mergingList\":[{\"name\":1,\"nonMergingList\":[{\"name\":1},{\"name"
	    "\":2,\"value\":2}]},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"nonMergingList\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"nonMergingList\":[{\"name\":1,\"value"
	    "\":1}]},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"nonMergingList\":[{\"n"
	    "ame\":2,\"value\":2}]},{\"name\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":1,\"nonMergingList\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"nonMergingList\":[{\"n"
	    "ame\":1,\"value\":1}]},{\"name\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map in merging list nested in merging list with value conflict",
	    "{\"mergingList\":[{\"name\":1,\"mergingList\":[{\"name\":1},{\"name\":"
	    "2,\"value\":2}]},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}]"
	    ",\"name\":1,\"mergingList\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"mergingList\":[{\"name\":1,\"value\":1"
	    "},{\"name\":2,\"value\":2}]},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"mergingList\":[{\"name"
	    "\":1,\"value\":\"a\",\"other\":\"c\"},{\"name\":2,\"value\":\"b\",\"ot"
	    "her\":\"d\"}]},{\"name\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}]"
	    ",\"name\":1,\"mergingList\":[{\"name\":1,\"value\":1},{\"name\":2,\"va"
	    "lue\":2}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"mergingList\":[{\"name"
	    "\":1,\"value\":1,\"other\":\"c\"},{\"name\":2,\"value\":2,\"other\":\""
	    "d\"}]},{\"name\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map in merging list nested in merging list with deletion conflict",
	    "{\"mergingList\":[{\"name\":1,\"mergingList\":[{\"name\":1},{\"name\":"
	    "2,\"value\":2}]},{\"name\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1}]"
	    ",\"name\":1,\"mergingList\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"mergingList\":[{\"name\":2,\"value\":2"
	    "},{\"name\":1,\"value\":1}]},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"mergingList\":[{\"name"
	    "\":2,\"value\":2,\"other\":\"d\"}]},{\"name\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1}]"
	    ",\"name\":1,\"mergingList\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\",\"mergingList\":[{\"name"
	    "\":2,\"value\":2,\"other\":\"d\"},{\"name\":1,\"value\":1}]},{\"name\""
	    ":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add map to merging list by pointer with conflict",
	    "{\"mergeItemPtr\":[{\"name\":1}]}",
	    "{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":2}],\"merge"
	    "ItemPtr\":[{\"name\":2}]}",
	    "{\"mergeItemPtr\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergeItemPtr\":[{\"name\":3}]}",
	    "{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":2}],\"merge"
	    "ItemPtr\":[{\"name\":1},{\"name\":2}]}",
	    "{\"mergeItemPtr\":[{\"name\":1},{\"name\":2},{\"name\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "add field to map in merging list by pointer with conflict",
	    "{\"mergeItemPtr\":[{\"name\":1,\"mergeItemPtr\":[{\"name\":1},{\"name"
	    "\":2,\"value\":2}]},{\"name\":2}]}",
	    "{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":2}],\"merge"
	    "ItemPtr\":[{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":"
	    "2}],\"name\":1,\"mergeItemPtr\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergeItemPtr\":[{\"name\":1,\"mergeItemPtr\":[{\"name\":1,\"value\""
	    ":1},{\"name\":2,\"value\":2}]},{\"name\":2}]}",
	    "{\"mergeItemPtr\":[{\"name\":1,\"other\":\"a\",\"mergeItemPtr\":[{\"na"
	    "me\":1,\"value\":\"a\"},{\"name\":2,\"value\":2,\"other\":\"b\"}]},{\""
	    "name\":2,\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":2}],\"merge"
	    "ItemPtr\":[{\"$setElementOrder/mergeItemPtr\":[{\"name\":1},{\"name\":"
	    "2}],\"name\":1,\"mergeItemPtr\":[{\"name\":1,\"value\":1}]}]}",
	    "{\"mergeItemPtr\":[{\"name\":1,\"other\":\"a\",\"mergeItemPtr\":[{\"na"
	    "me\":1,\"value\":1},{\"name\":2,\"value\":2,\"other\":\"b\"}]},{\"name"
	    "\":2,\"other\":\"b\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "merge lists of scalars",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,3],\"mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"mergingIntList\":[1,2,4]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,3],\"mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,3,4]}",
	    NULL,
	    NULL,
	},
	{
	    "add duplicate field to map in merging int list",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"$setElementOrder/mergingIntList\":[1,2,3],\"mergingIntList\":[3]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{}",
	    "{\"mergingIntList\":[1,2,3]}",
	    NULL,
	    NULL,
	},
	{
	    "add an item in a list of primitives and preserve order",
	    "{\"mergingIntList\":[1,2]}",
	    "{\"$setElementOrder/mergingIntList\":[3,1,2],\"mergingIntList\":[3]}",
	    "{\"mergingIntList\":[3,1,2]}",
	    "{\"mergingIntList\":[1,4,2]}",
	    "{\"$setElementOrder/mergingIntList\":[3,1,2],\"mergingIntList\":[3]}",
	    "{\"mergingIntList\":[3,1,4,2]}",
	    NULL,
	    NULL,
	},
	{
	    "delete an item in a list of primitives and preserve order",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[2,1]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1],\"$deleteFromPrimitiveList/"
	    "mergingIntList\":[3]}",
	    "{\"mergingIntList\":[2,1]}",
	    NULL,
	    NULL,
	},
	{
	    "add multiple items in a list and preserve order",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":4},{\"name\""
	    ":2},{\"name\":3}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":"
	    "3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":4,\"value\":4},{\"name\":2,\""
	    "value\":2},{\"name\":3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":4},{\"name\""
	    ":2},{\"name\":3}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":"
	    "3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":4,\"value\":4"
	    "},{\"name\":2,\"value\":2,\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete an item in a list and preserve order",
	    "{\"mergingList\":[{\"name\":1},{\"name\":3,\"value\":3},{\"name\":2,\""
	    "value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1}],\"mergin"
	    "gList\":[{\"name\":3,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1}],\"mergin"
	    "gList\":[{\"name\":3,\"$patch\":\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2,\"other\":\"b\"},{\"name\":1"
	    ",\"other\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "change an item in a list and preserve order",
	    "{\"mergingList\":[{\"name\":1},{\"name\":3,\"value\":3},{\"name\":2,\""
	    "value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3},{\"name\""
	    ":1}],\"mergingList\":[{\"name\":3,\"value\":\"x\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":3,\"value\":\"x\""
	    "},{\"name\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":3},{\"name\""
	    ":1}],\"mergingList\":[{\"name\":3,\"value\":\"x\"}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2,\"other\":\"b\"},{\"name\":3"
	    ",\"value\":\"x\"},{\"name\":1,\"other\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "add and delete an item in a list and preserve order",
	    "{\"mergingList\":[{\"name\":1},{\"name\":3,\"value\":3},{\"name\":2,\""
	    "value\":2}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":4},{\"name\":2},{\"name\""
	    ":1}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":3,\"$patch\":"
	    "\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":2,\"value\":2},{"
	    "\"name\":1}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    ",\"other\":\"b\"},{\"name\":3,\"value\":3}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":4},{\"name\":2},{\"name\""
	    ":1}],\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":3,\"$patch\":"
	    "\"delete\"}]}",
	    "{\"mergingList\":[{\"name\":4,\"value\":4},{\"name\":2,\"value\":2,\"o"
	    "ther\":\"b\"},{\"name\":1,\"other\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "set elements order in a list with server-only items 2",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2},{\"name\":3,\""
	    "value\":3},{\"name\":4,\"value\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":1},{\"name\":4,\""
	    "value\":4},{\"name\":3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    "},{\"name\":9},{\"name\":3,\"value\":3},{\"name\":4,\"value\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":1,\"other\":\"a\""
	    "},{\"name\":9},{\"name\":4,\"value\":4},{\"name\":3,\"value\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "set elements order in a list with server-only items 3",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":2},{\"name\":3,\""
	    "value\":3},{\"name\":4,\"value\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":1},{\"name\":4,\""
	    "value\":4},{\"name\":3,\"value\":3}]}",
	    "{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2"
	    "},{\"name\":7},{\"name\":9},{\"name\":8},{\"name\":3,\"value\":3},{\"n"
	    "ame\":4,\"value\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":2},{\"name\":1,\"other\":\"a\""
	    "},{\"name\":7},{\"name\":9},{\"name\":8},{\"name\":4,\"value\":4},{\"n"
	    "ame\":3,\"value\":3}]}",
	    NULL,
	    NULL,
	},
	{
	    "add and delete an item in a int list and preserve order",
	    "{\"mergingIntList\":[1,3,2]}",
	    "{\"$setElementOrder/mergingIntList\":[4,2,1],\"mergingIntList\":[4],\""
	    "$deleteFromPrimitiveList/mergingIntList\":[3]}",
	    "{\"mergingIntList\":[4,2,1]}",
	    "{\"mergingIntList\":[1,2,3]}",
	    "{\"$setElementOrder/mergingIntList\":[4,2,1],\"mergingIntList\":[4],\""
	    "$deleteFromPrimitiveList/mergingIntList\":[3]}",
	    "{\"mergingIntList\":[4,2,1]}",
	    NULL,
	    NULL,
	},
	{
	    "set elements order in a int list with server-only items 3",
	    "{\"mergingIntList\":[1,2,3,4]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1,4,3]}",
	    "{\"mergingIntList\":[2,1,4,3]}",
	    "{\"mergingIntList\":[1,2,7,9,8,3,4]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1,4,3]}",
	    "{\"mergingIntList\":[2,1,7,9,8,4,3]}",
	    NULL,
	    NULL,
	},
	{
	    "behavior of set element order for a merging list with duplicate",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":\"dup1\"},{\"name"
	    "\":3},{\"name\":2,\"value\":\"dup2\"},{\"name\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":\"dup1\"},{\"name\":1},{\"name"
	    "\":4},{\"name\":3},{\"name\":2,\"value\":\"dup2\"}]}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2,\"value\":\"dup1\"},{\"name"
	    "\":3},{\"name\":2,\"value\":\"dup2\"},{\"name\":4}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\""
	    ":4},{\"name\":3},{\"name\":2}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":\"dup1\"},{\"name\":2,\"value"
	    "\":\"dup2\"},{\"name\":1},{\"name\":4},{\"name\":3}]}",
	    "{\"mergingList\":[{\"name\":2,\"value\":\"dup1\"},{\"name\":2,\"value"
	    "\":\"dup2\"},{\"name\":1},{\"name\":4},{\"name\":3}]}",
	    NULL,
	},
	{
	    "behavior of set element order for a merging int list with duplicate",
	    "{\"mergingIntList\":[1,2,3,2,4]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1,4,3,2]}",
	    "{\"mergingIntList\":[2,1,4,3,2]}",
	    "{\"mergingIntList\":[1,2,3,2,4]}",
	    "{\"$setElementOrder/mergingIntList\":[2,1,4,3,2]}",
	    "{\"mergingIntList\":[2,2,1,4,3]}",
	    "{\"mergingIntList\":[2,2,1,4,3]}",
	    NULL,
	},
	{
	    "retainKeys map should clear defaulted field",
	    "{}",
	    "{\"retainKeysMap\":{\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"value\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"other\"],\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"other\":\"bar\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map should clear defaulted field with conflict (discriminated union)",
	    "{}",
	    "{\"retainKeysMap\":{\"name\":\"type2\",\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"type2\",\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"type1\",\"value\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"other\"],\"name\":\"ty"
	    "pe2\",\"other\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"type2\",\"other\":\"bar\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map adds a field and clear a field",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"value\"],\"value\":\"b"
	    "ar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"other\":\"a\"}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"value\"],\"value\":\"b"
	    "ar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map deletes a field and clears a field",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\"],\"value\":null}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"other\":\"a\""
	    "}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\"],\"value\":null}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map clears a field",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    "{}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"other\":\"a\""
	    "}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"value\"]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map nested map with no change",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"simpleMap\":{\"key1\":\"a\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\"}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"simpleMap\":{\"key1\":\"a\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\"}}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map deletes a field in a nested map",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\",\"key2\":\"b\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"simpleMap\":{\"key2\":null}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\"}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\",\"key2\":\"b\",\"key3\":\"c\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"simpleMap\":{\"key2\":null}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"a\",\"key3\":\"c\"}}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map changes a field in a nested map with conflict",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"old\",\"key2\":\"b\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"simpleMap\":{\"key1\":\"modified\"}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"modified\",\"key2\":\"b\"}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"new\",\"key2\":\"b\",\"key3\":\"c\"}}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"simpleMap\",\"value\"]"
	    ",\"simpleMap\":{\"key1\":\"modified\"}}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"simpleMap\":{"
	    "\"key1\":\"modified\",\"key2\":\"b\",\"key3\":\"c\"}}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map replaces non-merging list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"nonMergingList\",\"val"
	    "ue\"],\"nonMergingList\":[{\"name\":\"a\"},{\"name\":\"c\"},{\"name\":"
	    "\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"c\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"nonMergingList\",\"val"
	    "ue\"],\"nonMergingList\":[{\"name\":\"a\"},{\"name\":\"c\"},{\"name\":"
	    "\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"c\"},{\"name\":\"b\"}]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map nested non-merging list with no change with conflict",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"nonMergingList\":[{\"name\":\"a"
	    "\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"nonMergingList\",\"val"
	    "ue\"],\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"nonMergingList\":[{\"name\":\"a"
	    "\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"nonMergingList\",\"val"
	    "ue\"],\"value\":\"bar\",\"nonMergingList\":[{\"name\":\"a\"},{\"name\""
	    ":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"nonMergingLis"
	    "t\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map delete nested non-merging list with conflict",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"nonMergingList\":[{\"name\":\"a"
	    "\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"value\"],\"value\":\"b"
	    "ar\",\"nonMergingList\":null}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"nonMergingList\":[{\"name\":\"a"
	    "\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\",\"value\"],\"value\":\"b"
	    "ar\",\"nonMergingList\":null}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map nested merging int list with no change",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingIntList\",\"name\",\"val"
	    "ue\"],\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"mergingIntLis"
	    "t\":[1,2]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingIntList\",\"name\",\"val"
	    "ue\"],\"$setElementOrder/mergingIntList\":[1,2],\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"mergingIntLis"
	    "t\":[1,2,3]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map adds an item in nested merging int list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2]}}",
	    "{\"retainKeysMap\":{\"$setElementOrder/mergingIntList\":[1,2,4],\"$ret"
	    "ainKeys\":[\"mergingIntList\",\"name\"],\"mergingIntList\":[4]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,4]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3]}}",
	    "{\"retainKeysMap\":{\"$setElementOrder/mergingIntList\":[1,2,4],\"$ret"
	    "ainKeys\":[\"mergingIntList\",\"name\"],\"mergingIntList\":[4]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,4,3]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map adds an item and deletes an item in nested merging int list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingIntList\",\"name\"],\"me"
	    "rgingIntList\":[5],\"$deleteFromPrimitiveList/mergingIntList\":[2],\"$"
	    "setElementOrder/mergingIntList\":[1,3,5]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,3,5]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3,4]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingIntList\",\"name\"],\"me"
	    "rgingIntList\":[5],\"$deleteFromPrimitiveList/mergingIntList\":[2],\"$"
	    "setElementOrder/mergingIntList\":[1,3,5]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,3,5,4]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map deletes nested merging int list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\"],\"mergingIntList\":null"
	    "}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingIntList\":[1,2,3]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"name\"],\"mergingIntList\":null"
	    "}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\"}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map nested merging list with no change",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\",\"value"
	    "\"],\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"mergingList\""
	    ":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\"},{\"name\":\"c\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\",\"value"
	    "\"],\"$setElementOrder/mergingList\":[{\"name\":\"a\"},{\"name\":\"b\""
	    "}],\"value\":\"bar\"}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"value\":\"bar\",\"mergingList\""
	    ":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map changes an item in nested merging list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\",\"value\":\"foo\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\"],\"$setE"
	    "lementOrder/mergingList\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"mergin"
	    "gList\":[{\"name\":\"b\",\"value\":\"bar\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\",\"value\":\"bar\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\",\"value\":\"foo\"},{\"name\":\"x\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\"],\"$setE"
	    "lementOrder/mergingList\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"mergin"
	    "gList\":[{\"name\":\"b\",\"value\":\"bar\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\",\"value\":\"bar\"},{\"name\":\"x\"}]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys map deletes an item in nested merging list",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\"],\"$setE"
	    "lementOrder/mergingList\":[{\"name\":\"a\"}],\"mergingList\":[{\"name"
	    "\":\"b\",\"$patch\":\"delete\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    "]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"b\"},{\"name\":\"x\"}]}}",
	    "{\"retainKeysMap\":{\"$retainKeys\":[\"mergingList\",\"name\"],\"$setE"
	    "lementOrder/mergingList\":[{\"name\":\"a\"}],\"mergingList\":[{\"name"
	    "\":\"b\",\"$patch\":\"delete\"}]}}",
	    "{\"retainKeysMap\":{\"name\":\"foo\",\"mergingList\":[{\"name\":\"a\"}"
	    ",{\"name\":\"x\"}]}}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list of maps clears a field",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\",\"other\":\"x\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list of maps clears a field with conflict",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"old\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"modified\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"modified\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"new\",\"other\":\"x\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"modified\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"modified\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list of maps changes a field and clear a field with conflict",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"old\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"new\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"new\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"modified\",\"other\":\"x\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"new\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"new\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list of maps adds a field and clear a field",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"oth"
	    "er\":\"x\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\",\""
	    "value\"],\"name\":\"foo\",\"value\":\"a\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "retainKeys list of maps deletes a field and clear a field",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\"],"
	    "\"name\":\"foo\",\"value\":null}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\"}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\",\"val"
	    "ue\":\"a\",\"other\":\"x\"}]}",
	    "{\"$setElementOrder/retainKeysMergingList\":[{\"name\":\"bar\"},{\"nam"
	    "e\":\"foo\"}],\"retainKeysMergingList\":[{\"$retainKeys\":[\"name\"],"
	    "\"name\":\"foo\",\"value\":null}]}",
	    "{\"retainKeysMergingList\":[{\"name\":\"bar\"},{\"name\":\"foo\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "delete and reorder in one list, reorder in another",
	    "{\"mergingList\":[{\"name\":\"a\",\"value\":\"a\"},{\"name\":\"b\",\"v"
	    "alue\":\"b\"}],\"mergeItemPtr\":[{\"name\":\"c\",\"value\":\"c\"},{\"n"
	    "ame\":\"d\",\"value\":\"d\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":\"b\"}],\"$setElementOrde"
	    "r/mergeItemPtr\":[{\"name\":\"d\"},{\"name\":\"c\"}],\"mergingList\":["
	    "{\"$patch\":\"delete\",\"name\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":\"b\",\"value\":\"b\"}],\"mergeItemPtr\":["
	    "{\"name\":\"d\",\"value\":\"d\"},{\"name\":\"c\",\"value\":\"c\"}]}",
	    "{\"mergingList\":[{\"name\":\"a\",\"value\":\"a\"},{\"name\":\"b\",\"v"
	    "alue\":\"b\"}],\"mergeItemPtr\":[{\"name\":\"c\",\"value\":\"c\"},{\"n"
	    "ame\":\"d\",\"value\":\"d\"}]}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":\"b\"}],\"$setElementOrde"
	    "r/mergeItemPtr\":[{\"name\":\"d\"},{\"name\":\"c\"}],\"mergingList\":["
	    "{\"$patch\":\"delete\",\"name\":\"a\"}]}",
	    "{\"mergingList\":[{\"name\":\"b\",\"value\":\"b\"}],\"mergeItemPtr\":["
	    "{\"name\":\"d\",\"value\":\"d\"},{\"name\":\"c\",\"value\":\"c\"}]}",
	    NULL,
	    NULL,
	},
	{
	    "replace RawExtension field, rest unchanched",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"replacingItem\":{\"Some\":\"Generic\",\"Yaml\":\"Inside\",\"T"
	    "he\":\"RawExtension\",\"Field\":\"Period\"}}",
	    "{\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"replacingI"
	    "tem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawExtensi"
	    "on\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"repl"
	    "acingItem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawE"
	    "xtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"repl"
	    "acingItem\":{\"Some\":\"Generic\",\"Yaml\":\"Inside\",\"The\":\"RawExt"
	    "ension\",\"Field\":\"Period\"}}",
	    "{\"replacingItem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\""
	    ":\"RawExtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"repl"
	    "acingItem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawE"
	    "xtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"repl"
	    "acingItem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawE"
	    "xtension\"}}",
	    NULL,
	},
	{
	    "replace RawExtension field and merge list",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1}],\"replacingItem\":{\"Some\":\"Ge"
	    "neric\",\"Yaml\":\"Inside\",\"The\":\"RawExtension\",\"Field\":\"Perio"
	    "d\"}}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":2}],\"replacingItem\":{\"Newly\":\"Modified\",\"Yam"
	    "l\":\"Inside\",\"The\":\"RawExtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2}],\"replacingItem\":{"
	    "\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawExtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":3}],\"replacingItem\":{"
	    "\"Some\":\"Generic\",\"Yaml\":\"Inside\",\"The\":\"RawExtension\",\"Fi"
	    "eld\":\"Period\"}}",
	    "{\"$setElementOrder/mergingList\":[{\"name\":1},{\"name\":2}],\"mergin"
	    "gList\":[{\"name\":2}],\"replacingItem\":{\"Newly\":\"Modified\",\"Yam"
	    "l\":\"Inside\",\"The\":\"RawExtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2},{\"name\":3}],\"repl"
	    "acingItem\":{\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawE"
	    "xtension\"}}",
	    "{\"name\":\"my-object\",\"value\":\"some-value\",\"other\":\"current-o"
	    "ther\",\"mergingList\":[{\"name\":1},{\"name\":2}],\"replacingItem\":{"
	    "\"Newly\":\"Modified\",\"Yaml\":\"Inside\",\"The\":\"RawExtension\"}}",
	    NULL,
	},
};

/* ---- end of generated tables ---- */

static json_object *parse(const char *s)
{
	enum json_tokener_error jerr;
	json_object *o;
	if (!s)
		return NULL;
	o = json_tokener_parse_verbose(s, &jerr);
	ck_assert_msg(jerr == json_tokener_success, "bad test JSON: %s", s);
	return o;
}

static const char *text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* The case's JSON, its merging lists sorted when sort is set (owned). */
static json_object *doc(const char *s, bool sort, const struct ck_patch_type *schema)
{
	json_object *o = parse(s), *sorted = NULL;
	char *err = NULL;
	if (!o || !sort)
		return o;
	int r = ck_strategic_patch_sort_merge_lists(o, schema, &sorted, &err);
	ck_assert_msg(r == 0, "cannot sort %s: %s", s, err ? err : "");
	json_object_put(o);
	return sorted;
}

static void assert_equal(json_object *got, json_object *want, const char *what, const char *desc)
{
	ck_assert_msg(json_object_equal(got, want), "%s: %s:\nwant %s\ngot  %s", desc, what,
		      text(want), text(got));
}

/* testPatchApplication */
static void check_application(json_object *original, json_object *patch, json_object *expected,
			      const char *desc, const char *expected_error,
			      const struct ck_patch_type *schema)
{
	json_object *in_before = json_object_get(original), *out = NULL;
	char *before = strdup(text(original)), *err = NULL;
	int r = ck_strategic_patch_apply(original, patch, schema, &out, &err);
	if (expected_error) {
		ck_assert_msg(r < 0 && err && strstr(err, expected_error),
			      "%s: want error containing '%s', got %d %s", desc, expected_error, r,
			      err ? err : text(out));
	} else {
		ck_assert_msg(r == 0, "%s: cannot apply %s to %s: %s", desc, text(patch),
			      text(original), err ? err : "");
		assert_equal(out, expected, "applied", desc);
	}
	/* the inputs are left alone */
	ck_assert_str_eq(text(original), before);
	free(before);
	free(err);
	json_object_put(out);
	json_object_put(in_before);
}

/* testTwoWayPatch / testTwoWayPatchForRawTestCase */
static void check_two_way(const struct smp_case *c, bool sort, const struct ck_patch_type *schema)
{
	json_object *original = doc(c->original, sort, schema);
	json_object *modified = doc(c->modified, sort, schema);
	json_object *want_patch = doc(c->two_way, sort, schema);
	json_object *want = doc(c->two_way_result ? c->two_way_result : c->modified, sort, schema);
	json_object *patch = NULL;
	char *err = NULL;

	int r = ck_strategic_patch_create_two_way(original, modified, schema, &patch, &err);
	ck_assert_msg(r == 0, "%s: cannot create two-way patch: %s", c->description,
		      err ? err : "");
	assert_equal(patch, want_patch, "two-way patch", c->description);
	check_application(original, patch, want, c->description, c->expected_error, schema);
	json_object_put(patch);
	json_object_put(original);
	json_object_put(modified);
	json_object_put(want_patch);
	json_object_put(want);
}

/* testThreeWayPatch / testThreeWayPatchForRawTestCase */
static void check_three_way(const struct smp_case *c, bool sort, const struct ck_patch_type *schema)
{
	json_object *original = doc(c->original, sort, schema);
	json_object *modified = doc(c->modified, sort, schema);
	json_object *current = doc(c->current, sort, schema);
	json_object *want_patch = doc(c->three_way, sort, schema);
	json_object *want = doc(c->result, sort, schema);
	json_object *patch = NULL;
	bool conflict_case = strstr(c->description, "conflict") != NULL;
	char *err = NULL;

	int r = ck_strategic_patch_create_three_way(original, modified, current, schema, false,
						    &patch, &err);
	if (r < 0) {
		ck_assert_msg(r == -ESTALE, "%s: cannot create three-way patch: %s", c->description,
			      err);
		ck_assert_msg(conflict_case, "%s: unexpected conflict: %s", c->description, err);
		free(err);
		err = NULL;
		r = ck_strategic_patch_create_three_way(original, modified, current, schema, true,
							&patch, &err);
		ck_assert_msg(r == 0, "%s: cannot force three-way patch: %s", c->description,
			      err ? err : "");
	} else {
		ck_assert_msg(!conflict_case, "%s: expected conflict did not occur: %s",
			      c->description, text(patch));
	}
	assert_equal(patch, want_patch, "three-way patch", c->description);
	check_application(current, patch, want, c->description, c->expected_error, schema);
	json_object_put(patch);
	json_object_put(original);
	json_object_put(modified);
	json_object_put(current);
	json_object_put(want_patch);
	json_object_put(want);
}

static const struct ck_patch_type *merge_item(void)
{
	const struct ck_patch_type *t = ck_patch_meta_type("mergeItem");
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(test_smp_sort_merge_lists)
{
	/* TestSortMergeLists */
	for (size_t i = 0; i < sizeof(sort_cases) / sizeof(sort_cases[0]); i++) {
		json_object *got = doc(sort_cases[i][1], true, merge_item());
		json_object *want = parse(sort_cases[i][2]);
		assert_equal(got, want, "sorted", sort_cases[i][0]);
		json_object_put(got);
		json_object_put(want);
	}
}
END_TEST

START_TEST(test_smp_custom)
{
	/* TestCustomStrategicMergePatch: the given patch, applied */
	for (size_t i = 0; i < sizeof(custom_cases) / sizeof(custom_cases[0]); i++) {
		const struct smp_case *c = &custom_cases[i];
		json_object *original = doc(c->original, true, merge_item());
		json_object *patch = doc(c->two_way, true, merge_item());
		json_object *want = doc(c->modified, true, merge_item());
		check_application(original, patch, want, c->description, NULL, merge_item());
		json_object_put(original);
		json_object_put(patch);
		json_object_put(want);
	}
	for (size_t i = 0; i < sizeof(custom_raw_cases) / sizeof(custom_raw_cases[0]); i++) {
		const struct smp_case *c = &custom_raw_cases[i];
		json_object *original = parse(c->original);
		json_object *patch = parse(c->two_way);
		json_object *want = parse(c->modified);
		check_application(original, patch, want, c->description, c->expected_error,
				  merge_item());
		json_object_put(original);
		json_object_put(patch);
		json_object_put(want);
	}
}
END_TEST

START_TEST(test_smp_create_cases)
{
	/* TestStrategicMergePatch: createStrategicMergePatchTestCaseData */
	for (size_t i = 0; i < sizeof(create_cases) / sizeof(create_cases[0]); i++) {
		check_two_way(&create_cases[i], true, merge_item());
		check_three_way(&create_cases[i], true, merge_item());
	}
}
END_TEST

START_TEST(test_smp_raw_cases)
{
	/* TestStrategicMergePatch: strategicMergePatchRawTestCases, and
	 * TestReplaceWithRawExtension */
	for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
		check_two_way(&raw_cases[i], false, merge_item());
		check_three_way(&raw_cases[i], false, merge_item());
	}
}
END_TEST

START_TEST(test_smp_bad_arguments)
{
	json_object *obj = parse("{}"), *bad = parse("[1]"), *out = NULL;
	char *err = NULL;
	/* "bad original", "bad patch": ErrBadJSONDoc */
	ck_assert_int_eq(ck_strategic_patch_apply(bad, obj, merge_item(), &out, &err), -EINVAL);
	ck_assert_str_eq(err, "invalid JSON document");
	free(err);
	ck_assert_int_eq(ck_strategic_patch_apply(obj, bad, merge_item(), &out, NULL), -EINVAL);
	ck_assert_int_eq(ck_strategic_patch_create_two_way(obj, bad, NULL, &out, NULL), -EINVAL);
	ck_assert_int_eq(ck_strategic_patch_create_three_way(obj, obj, bad, NULL, true, &out, NULL),
			 -EINVAL);
	ck_assert_ptr_null(out);
	/* null documents count as {} */
	ck_assert_int_eq(ck_strategic_patch_apply(NULL, NULL, merge_item(), &out, NULL), 0);
	ck_assert_str_eq(text(out), "{}");
	json_object_put(out);
	json_object_put(obj);
	json_object_put(bad);
}
END_TEST

/* TestUnknownField */
static const char *const unknown_field_cases[][9] = {
	/* name, original, current, modified, two-way, two-way result, three-way, result,
	 * error (both) */
	{ "no diff",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  NULL },
	{ "no diff even if modified null",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{\"key\":null},"
	  "\"name\":\"foo\",\"scalar\":true}",
	  "{\"complex_nullable\":{\"key\":null}}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{},\"name\":"
	  "\"foo\","
	  "\"scalar\":true}",
	  "{\"complex_nullable\":{\"key\":null}}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{},\"name\":"
	  "\"foo\","
	  "\"scalar\":true}",
	  NULL },
	{ "discard nulls in nested and adds not nulls",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{\"key\":{"
	  "\"keynotnull\":\"value\",\"keynull\":null}},\"name\":\"foo\",\"scalar\":true}",
	  "{\"complex_nullable\":{\"key\":{\"keynotnull\":\"value\",\"keynull\":null}}}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{\"key\":{"
	  "\"keynotnull\":\"value\"}},\"name\":\"foo\",\"scalar\":true}",
	  "{\"complex_nullable\":{\"key\":{\"keynotnull\":\"value\",\"keynull\":null}}}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":{\"key\":{"
	  "\"keynotnull\":\"value\"}},\"name\":\"foo\",\"scalar\":true}",
	  NULL },
	{ "discard if modified all nulls", "{}", "{}", "{\"complex\":{\"nested\":null}}",
	  "{\"complex\":{\"nested\":null}}", "{\"complex\":{}}", "{\"complex\":{\"nested\":null}}",
	  "{\"complex\":{}}", NULL },
	{ "add only not nulls", "{}", "{}", "{\"complex\":{\"nested\":null,\"nested2\":\"foo\"}}",
	  "{\"complex\":{\"nested\":null,\"nested2\":\"foo\"}}",
	  "{\"complex\":{\"nested2\":\"foo\"}}",
	  "{\"complex\":{\"nested\":null,\"nested2\":\"foo\"}}",
	  "{\"complex\":{\"nested2\":\"foo\"}}", NULL },
	{ "null values in original are preserved", "{\"thing\":null}", "{\"thing\":null}",
	  "{\"nested\":{\"value\":5},\"thing\":null}", "{\"nested\":{\"value\":5}}",
	  "{\"nested\":{\"value\":5},\"thing\":null}", "{\"nested\":{\"value\":5}}",
	  "{\"nested\":{\"value\":5},\"thing\":null}", NULL },
	{ "nested null values in original are preserved",
	  "{\"complex\":{\"key\":null},\"thing\":null}",
	  "{\"complex\":{\"key\":null},\"thing\":null}",
	  "{\"complex\":{\"key\":null},\"nested\":{\"value\":5},\"thing\":null}",
	  "{\"nested\":{\"value\":5}}",
	  "{\"complex\":{\"key\":null},\"nested\":{\"value\":5},\"thing\":null}",
	  "{\"nested\":{\"value\":5}}",
	  "{\"complex\":{\"key\":null},\"nested\":{\"value\":5},\"thing\":null}", NULL },
	{ "add empty slices",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":[],\"name\":"
	  "\"foo\","
	  "\"scalar\":true}",
	  "{\"complex_nullable\":[]}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":[],\"name\":"
	  "\"foo\","
	  "\"scalar\":true}",
	  "{\"complex_nullable\":[]}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"complex_nullable\":[],\"name\":"
	  "\"foo\","
	  "\"scalar\":true}",
	  NULL },
	{ "filter nulls from nested slices", "{}", "{}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":\"foo\",\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":\"foo\",\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":\"foo\"}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":\"foo\",\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":\"foo\"}}]}", NULL },
	{ "filter if slice is all empty", "{}", "{}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":null,\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":null,\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{\"key_one\":null,\"key_two\":null}}]}",
	  "{\"complex_nullable\":[{\"inner_one\":{}}]}", NULL },
	{ "not filter nulls from non-associative slice", "{}", "{}",
	  "{\"complex_nullable\":[\"key1\",null,\"key2\"]}",
	  "{\"complex_nullable\":[\"key1\",null,\"key2\"]}",
	  "{\"complex_nullable\":[\"key1\",null,\"key2\"]}",
	  "{\"complex_nullable\":[\"key1\",null,\"key2\"]}",
	  "{\"complex_nullable\":[\"key1\",null,\"key2\"]}", NULL },
	{ "added only", "{\"name\":\"foo\"}", "{\"name\":\"foo\"}",
	  "{\"name\":\"foo\",\"scalar\":true,\"complex\":{\"nested\":true},\"array\":[1,2,3]}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  NULL },
	{ "removed only", "{\"name\":\"foo\",\"scalar\":true,\"complex\":{\"nested\":true}}",
	  "{\"name\":\"foo\",\"scalar\":true,\"complex\":{\"nested\":true},\"array\":[1,2,3]}",
	  "{\"name\":\"foo\"}", "{\"complex\":null,\"scalar\":null}", "{\"name\":\"foo\"}",
	  "{\"complex\":null,\"scalar\":null}", "{\"array\":[1,2,3],\"name\":\"foo\"}", NULL },
	{ "diff",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":true},\"name\":\"foo\",\"scalar\":true}",
	  "{\"array\":[1,2,3],\"complex\":{\"nested\":false},\"name\":\"foo\",\"scalar\":true}",
	  NULL, NULL, NULL, NULL, "unable to find api field" },
};

START_TEST(test_smp_unknown_field)
{
	for (size_t i = 0; i < sizeof(unknown_field_cases) / sizeof(unknown_field_cases[0]); i++) {
		const char *const *c = unknown_field_cases[i];
		json_object *original = parse(c[1]), *current = parse(c[2]),
			    *modified = parse(c[3]);
		json_object *patch = NULL, *result = NULL, *want;
		char *err = NULL;

		int r = ck_strategic_patch_create_two_way(original, modified, merge_item(), &patch,
							  &err);
		if (c[8]) {
			ck_assert_msg(r < 0 && strstr(err, c[8]), "%s: two-way: %s", c[0], err);
			free(err);
			err = NULL;
		} else {
			ck_assert_msg(r == 0, "%s: two-way: %s", c[0], err ? err : "");
			want = parse(c[4]);
			assert_equal(patch, want, "two-way patch", c[0]);
			json_object_put(want);
			ck_assert_int_eq(
			    ck_strategic_patch_apply(original, patch, merge_item(), &result, NULL),
			    0);
			want = parse(c[5]);
			assert_equal(result, want, "two-way result", c[0]);
			json_object_put(want);
			json_object_put(result);
			json_object_put(patch);
		}

		r = ck_strategic_patch_create_three_way(original, modified, current, merge_item(),
							false, &patch, &err);
		if (c[8]) {
			ck_assert_msg(r < 0 && strstr(err, c[8]), "%s: three-way: %s", c[0], err);
			free(err);
		} else {
			ck_assert_msg(r == 0, "%s: three-way: %s", c[0], err ? err : "");
			want = parse(c[6]);
			assert_equal(patch, want, "three-way patch", c[0]);
			json_object_put(want);
			ck_assert_int_eq(
			    ck_strategic_patch_apply(current, patch, merge_item(), &result, NULL),
			    0);
			want = parse(c[7]);
			assert_equal(result, want, "three-way result", c[0]);
			json_object_put(want);
			json_object_put(result);
			json_object_put(patch);
		}
		json_object_put(original);
		json_object_put(current);
		json_object_put(modified);
	}
}
END_TEST

START_TEST(test_smp_number_conversion)
{
	/* TestNumberConversion: numbers survive diff and patch untouched */
	static const char *const cases[][4] = {
		{ "{}", "{}", "{}", "{}" },
		{ "{\"int32\":1000000}", "{\"int32\":1000000,\"name\":\"newname\"}",
		  "{\"name\":\"newname\"}", "{\"int32\":1000000,\"name\":\"newname\"}" },
		{ "{\"int32\":2147483647}", "{\"int32\":2147483647,\"name\":\"newname\"}",
		  "{\"name\":\"newname\"}", "{\"int32\":2147483647,\"name\":\"newname\"}" },
		{ "{\"int64\":1000000}", "{\"int64\":1000000,\"name\":\"newname\"}",
		  "{\"name\":\"newname\"}", "{\"int64\":1000000,\"name\":\"newname\"}" },
		{ "{\"int64\":9223372036854775807}",
		  "{\"int64\":9223372036854775807,\"name\":\"newname\"}", "{\"name\":\"newname\"}",
		  "{\"int64\":9223372036854775807,\"name\":\"newname\"}" },
		{ "{\"float32\":3.4028234663852886e+38}",
		  "{\"float32\":3.4028234663852886e+38,\"name\":\"newname\"}",
		  "{\"name\":\"newname\"}",
		  "{\"float32\":3.4028234663852886e+38,\"name\":\"newname\"}" },
		{ "{\"float64\":1.7976931348623157e+308}",
		  "{\"float64\":1.7976931348623157e+308,\"name\":\"newname\"}",
		  "{\"name\":\"newname\"}",
		  "{\"float64\":1.7976931348623157e+308,\"name\":\"newname\"}" },
	};
	const struct ck_patch_type *schema = ck_patch_meta_type("precisionItem");
	ck_assert_ptr_nonnull(schema);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *old = parse(cases[i][0]), *new = parse(cases[i][1]), *patch, *result;
		json_object *want_patch = parse(cases[i][2]), *want = parse(cases[i][3]);
		ck_assert_int_eq(ck_strategic_patch_create_two_way(old, new, schema, &patch, NULL),
				 0);
		assert_equal(patch, want_patch, "patch", cases[i][0]);
		ck_assert_int_eq(ck_strategic_patch_apply(old, patch, schema, &result, NULL), 0);
		assert_equal(result, want, "result", cases[i][0]);
		/* and printed as they were written */
		const char *num = strchr(cases[i][0], ':');
		if (num) {
			char lit[64];
			size_t n = strcspn(num + 1, "}");
			memcpy(lit, num + 1, n);
			lit[n] = '\0';
			ck_assert_msg(strstr(text(result), lit), "%s lost in %s", lit,
				      text(result));
		}
		json_object_put(old);
		json_object_put(new);
		json_object_put(patch);
		json_object_put(result);
		json_object_put(want_patch);
		json_object_put(want);
	}
}
END_TEST

/* ---- the built-in kinds -------------------------------------------------------------- */

static void check_kind_apply(const char *api_version, const char *kind, const char *original,
			     const char *patch, const char *want)
{
	const struct ck_patch_type *schema = ck_patch_meta_kind(api_version, kind);
	json_object *o = parse(original), *p = parse(patch), *w = parse(want);
	check_application(o, p, w, patch, NULL, schema);
	json_object_put(o);
	json_object_put(p);
	json_object_put(w);
}

static void check_kind_error(const char *api_version, const char *kind, const char *original,
			     const char *patch, int code, const char *msg)
{
	json_object *o = parse(original), *p = parse(patch), *out = NULL;
	char *err = NULL;
	int r = ck_strategic_patch_apply(o, p, ck_patch_meta_kind(api_version, kind), &out, &err);
	ck_assert_msg(r == code, "%s: want %d, got %d (%s)", patch, code, r, err ? err : "");
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err, msg), "%s: want '%s' in '%s'", patch, msg, err);
	free(err);
	json_object_put(o);
	json_object_put(p);
}

#define POD                                                                                       \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":" \
	"\"1\"},\"finalizers\":[\"x\",\"y\"]},\"spec\":{\"containers\":[{\"name\":\"app\","       \
	"\"image\":\"app:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],\"env\":"    \
	"[{\"name\":\"A\",\"value\":\"1\"}],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":"     \
	"\"/data\"}]},{\"name\":\"side\",\"image\":\"side:1\"}],\"volumes\":[{\"name\":\"v\","    \
	"\"emptyDir\":{}}],\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}}"

START_TEST(test_smp_pod)
{
	/* containers merge by name: one field changes, the rest stays */
	check_kind_apply(
	    "v1", "Pod", POD,
	    "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:2\"}]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
	    "\"labels\":{\"a\":\"1\"},\"finalizers\":[\"x\",\"y\"]},\"spec\":{"
	    "\"containers\":[{\"name\":\"app\",\"image\":\"app:2\",\"ports\":[{"
	    "\"containerPort\":80,\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"A\","
	    "\"value\":\"1\"}],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/data\"}]"
	    "},{\"name\":\"side\",\"image\":\"side:1\"}],\"volumes\":[{\"name\":\"v\","
	    "\"emptyDir\":{}}],\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}}");
	/* env by name, ports by containerPort, volumeMounts by mountPath; new
	 * entries go before the server's unless $setElementOrder says otherwise */
	check_kind_apply(
	    "v1", "Pod", POD,
	    "{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"A\",\"value\":\"2\"}"
	    ","
	    "{\"name\":\"B\",\"value\":\"3\"}],\"ports\":[{\"containerPort\":80,\"name\":\"http\"},"
	    "{\"containerPort\":443}],\"volumeMounts\":[{\"mountPath\":\"/"
	    "data\",\"readOnly\":true}]"
	    "}]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{"
	    "\"a\":"
	    "\"1\"},\"finalizers\":[\"x\",\"y\"]},\"spec\":{\"containers\":[{\"name\":\"app\","
	    "\"image\":\"app:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":"
	    "\"http\"},{\"containerPort\":443}],\"env\":[{\"name\":\"A\",\"value\":\"2\"},{"
	    "\"name\":"
	    "\"B\",\"value\":\"3\"}],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/data\","
	    "\"readOnly\":true}]},{\"name\":\"side\",\"image\":\"side:1\"}],\"volumes\":[{\"name\":"
	    "\"v\",\"emptyDir\":{}}],\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}}");
	/* $patch: delete removes a container; null removes a label; finalizers
	 * merge as a set; tolerations (no strategy) are replaced */
	check_kind_apply(
	    "v1", "Pod", POD,
	    "{\"metadata\":{\"labels\":{\"a\":null,\"b\":\"2\"},\"finalizers\":[\"z\",\"x\"]},"
	    "\"spec\":{\"containers\":[{\"name\":\"side\",\"$patch\":\"delete\"}],\"tolerations\":["
	    "]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{"
	    "\"b\":"
	    "\"2\"},\"finalizers\":[\"z\",\"x\",\"y\"]},\"spec\":{\"containers\":[{\"name\":"
	    "\"app\","
	    "\"image\":\"app:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],\"env\":[{"
	    "\"name\":\"A\",\"value\":\"1\"}],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":"
	    "\"/data\"}]}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}],\"tolerations\":[]}}");
	/* $deleteFromPrimitiveList, $setElementOrder, $patch: replace of a map */
	check_kind_apply(
	    "v1", "Pod", POD,
	    "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"x\"],\"labels\":{\"$patch\":"
	    "\"replace\",\"c\":\"3\"}},\"spec\":{\"$setElementOrder/containers\":[{\"name\":"
	    "\"side\"},{\"name\":\"app\"}]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{"
	    "\"c\":"
	    "\"3\"},\"finalizers\":[\"y\"]},\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":"
	    "\"side:1\"},{\"name\":\"app\",\"image\":\"app:1\",\"ports\":[{\"containerPort\":80,"
	    "\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"A\",\"value\":\"1\"}],\"volumeMounts\":[{"
	    "\"name\":\"v\",\"mountPath\":\"/"
	    "data\"}]}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}"
	    "],\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}}");
	/* volumes: merge by name with $retainKeys, switching the volume source */
	check_kind_apply(
	    "v1", "Pod", POD,
	    "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"$retainKeys\":[\"configMap\",\"name\"],"
	    "\"configMap\":{\"name\":\"cm\"}}]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{"
	    "\"a\":"
	    "\"1\"},\"finalizers\":[\"x\",\"y\"]},\"spec\":{\"containers\":[{\"name\":\"app\","
	    "\"image\":\"app:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],\"env\":[{"
	    "\"name\":\"A\",\"value\":\"1\"}],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":"
	    "\"/data\"}]},{\"name\":\"side\",\"image\":\"side:1\"}],\"volumes\":[{\"name\":\"v\","
	    "\"configMap\":{\"name\":\"cm\"}}],\"tolerations\":[{\"key\":\"k\",\"operator\":"
	    "\"Exists\"}]}}");
	/* status: conditions by type */
	check_kind_apply("v1", "Pod",
			 "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"},"
			 "{\"type\":\"Initialized\",\"status\":\"True\"}]}}",
			 "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
			 "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},"
			 "{\"type\":\"Initialized\",\"status\":\"True\"}]}}");
}
END_TEST

START_TEST(test_smp_errors)
{
	/* a list element without its merge key */
	check_kind_error("v1", "Pod", POD, "{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}",
			 -EBADMSG, "map: map[image:x] does not contain declared merge key: name");
	/* a retainKeys list that omits a key the patch sets */
	check_kind_error("v1", "Pod", POD,
			 "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"$retainKeys\":[\"name\"],"
			 "\"configMap\":{}}]}}",
			 -EINVAL, "invalid patch format of retainKeys");
	check_kind_error("v1", "Pod", POD, "{\"spec\":{\"$retainKeys\":\"x\"}}", -EINVAL,
			 "invalid patch format of retainKeys");
	check_kind_error("v1", "Pod", POD,
			 "{\"metadata\":{\"$deleteFromPrimitiveListfinalizers\":[\"x\"]}}", -EINVAL,
			 "invalid patch format of primitive list");
	check_kind_error("v1", "Pod", POD, "{\"spec\":{\"$setElementOrder\":[]}}", -EINVAL,
			 "invalid patch format of setElementOrder list");
	check_kind_error("v1", "Pod", POD, "{\"spec\":{\"$patch\":\"frobnicate\"}}", -EBADMSG,
			 "unknown patch type: frobnicate in map: map[$patch:frobnicate]");
	check_kind_error("v1", "Pod", POD,
			 "{\"spec\":{\"containers\":[{\"name\":\"app\",\"$patch\":\"merge\"}]}}",
			 -EBADMSG, "merging lists cannot yet be specified in the patch");
	check_kind_error("v1", "Pod", "{\"metadata\":{\"finalizers\":[[\"b\"]]}}",
			 "{\"metadata\":{\"finalizers\":[[\"a\"]]}}", -EPROTO,
			 "lists of lists are not supported");
	check_kind_error("v1", "Pod", POD, "{\"metadata\":{\"finalizers\":[\"a\",1]}}", -EBADMSG,
			 "list element types are not identical: [[x y] [a 1]]");
	check_kind_error("v1", "Pod", POD,
			 "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"app\"}],"
			 "\"containers\":[{\"name\":\"side\",\"image\":\"s\"}]}}",
			 -EBADMSG, "doesn't match $setElementOrder list");
	/* the strict test type rejects unknown fields, as upstream's struct lookups */
	json_object *o = parse("{\"bogus\":{\"a\":1}}"), *out = NULL;
	char *err = NULL;
	ck_assert_int_eq(ck_strategic_patch_apply(o, o, merge_item(), &out, &err), -EBADMSG);
	ck_assert_str_eq(err, "unable to find api field in struct mergeItem for the json field "
			      "\"bogus\"");
	free(err);
	json_object_put(o);
}
END_TEST

START_TEST(test_smp_workloads)
{
	/* DeploymentStrategy is retainKeys: switching to Recreate drops rollingUpdate */
	check_kind_apply(
	    "apps/v1", "Deployment",
	    "{\"spec\":{\"replicas\":1,\"strategy\":{\"type\":\"RollingUpdate\","
	    "\"rollingUpdate\":{\"maxSurge\":1}}}}",
	    "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}",
	    "{\"spec\":{\"replicas\":1,\"strategy\":{\"type\":\"Recreate\"}}}");
	/* spec.template.spec.containers in every workload merges by name */
	static const char *const workloads[][3] = {
		{ "apps/v1", "Deployment", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "apps/v1", "ReplicaSet", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "apps/v1", "StatefulSet", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "apps/v1", "DaemonSet", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "batch/v1", "Job", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "batch/v1", "CronJob",
		  "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":%s}}}}}" },
		{ "v1", "ReplicationController", "{\"spec\":{\"template\":{\"spec\":%s}}}" },
		{ "v1", "PodTemplate", "{\"template\":{\"spec\":%s}}" },
	};
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		char orig[512], patch[512], want[512];
		snprintf(orig, sizeof(orig), workloads[i][2],
			 "{\"containers\":[{\"name\":\"a\",\"image\":\"a:1\"},{\"name\":\"b\"}]}");
		snprintf(patch, sizeof(patch), workloads[i][2],
			 "{\"containers\":[{\"name\":\"b\",\"image\":\"b:2\"}]}");
		snprintf(want, sizeof(want), workloads[i][2],
			 "{\"containers\":[{\"name\":\"a\",\"image\":\"a:1\"},{\"name\":\"b\","
			 "\"image\":\"b:2\"}]}");
		check_kind_apply(workloads[i][0], workloads[i][1], orig, patch, want);
	}
	/* Service ports merge by port */
	check_kind_apply(
	    "v1", "Service",
	    "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":443}]}}",
	    "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9090}]}}",
	    "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9090},{\"port\":443}]}}");
	/* Node taints have no strategy (replaced); podCIDRs merge */
	check_kind_apply("v1", "Node",
			 "{\"spec\":{\"podCIDRs\":[\"10.0.0.0/24\"],\"taints\":[{\"key\":\"a\","
			 "\"effect\":\"NoSchedule\"}]}}",
			 "{\"spec\":{\"podCIDRs\":[\"10.0.1.0/24\"],\"taints\":[{\"key\":\"b\","
			 "\"effect\":\"NoSchedule\"}]}}",
			 "{\"spec\":{\"podCIDRs\":[\"10.0.1.0/24\",\"10.0.0.0/24\"],\"taints\":[{"
			 "\"key\":\"b\",\"effect\":\"NoSchedule\"}]}}");
	/* ConfigMap data: a map */
	check_kind_apply("v1", "ConfigMap", "{\"data\":{\"a\":\"1\",\"b\":\"2\"}}",
			 "{\"data\":{\"a\":null,\"c\":\"3\"}}",
			 "{\"data\":{\"b\":\"2\",\"c\":\"3\"}}");
	/* custom resources (no schema): maps merge, lists are replaced */
	ck_assert_ptr_null(ck_patch_meta_kind("example.com/v1", "Widget"));
	check_kind_apply("example.com/v1", "Widget",
			 "{\"spec\":{\"a\":{\"x\":1},\"l\":[{\"name\":\"n\",\"v\":1}]}}",
			 "{\"spec\":{\"a\":{\"y\":2},\"l\":[{\"name\":\"n\",\"v\":2}]}}",
			 "{\"spec\":{\"a\":{\"x\":1,\"y\":2},\"l\":[{\"name\":\"n\",\"v\":2}]}}");
}
END_TEST

START_TEST(test_smp_kubectl_apply)
{
	/* what kubectl apply computes: last-applied, new config, live object */
	const struct ck_patch_type *schema = ck_patch_meta_kind("apps/v1", "Deployment");
	json_object *last = parse(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
	    "\"spec\":{\"replicas\":2,\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\","
	    "\"image\":\"app:1\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}");
	json_object *config = parse(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
	    "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":"
	    "\"app:2\",\"env\":[{\"name\":\"B\",\"value\":\"2\"}]}]}}}}");
	json_object *live = parse(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
	    "\"uid\":\"u\"},\"spec\":{\"replicas\":5,\"template\":{\"spec\":{\"containers\":[{"
	    "\"name\":\"app\",\"image\":\"app:1\",\"imagePullPolicy\":\"IfNotPresent\",\"env\":[{"
	    "\"name\":\"A\",\"value\":\"1\"},{\"name\":\"X\",\"value\":\"9\"}]}]}}}}");
	json_object *patch = NULL, *result = NULL;
	char *err = NULL;

	ck_assert_int_eq(
	    ck_strategic_patch_create_three_way(last, config, live, schema, true, &patch, &err), 0);
	json_object *want_patch = parse(
	    "{\"spec\":{\"replicas\":null,\"template\":{\"spec\":{\"$setElementOrder/containers\":"
	    "[{\"name\":\"app\"}],\"containers\":[{\"name\":\"app\",\"image\":\"app:2\","
	    "\"$setElementOrder/env\":[{\"name\":\"B\"}],\"env\":[{\"name\":\"B\",\"value\":\"2\"},"
	    "{\"$patch\":\"delete\",\"name\":\"A\"}]}]}}}}");
	assert_equal(patch, want_patch, "three-way patch", "kubectl apply");
	ck_assert(ck_strategic_patch_key_unchanged(patch, "apiVersion"));
	ck_assert(ck_strategic_patch_key_unchanged(patch, "kind"));
	ck_assert(ck_strategic_patch_metadata_key_unchanged(patch, "name"));
	ck_assert_int_eq(ck_strategic_patch_apply(live, patch, schema, &result, NULL), 0);
	json_object *want = parse(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
	    "\"uid\":\"u\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\","
	    "\"image\":\"app:2\",\"imagePullPolicy\":\"IfNotPresent\",\"env\":[{\"name\":\"X\","
	    "\"value\":\"9\"},{\"name\":\"B\",\"value\":\"2\"}]}]}}}}");
	/* (the server-only X keeps its place before B, as upstream orders it) */
	assert_equal(result, want, "applied", "kubectl apply");
	json_object_put(want);
	json_object_put(result);
	json_object_put(want_patch);
	json_object_put(patch);

	/* a conflict without --overwrite: replicas changed live and in the config */
	json_object *config2 = parse("{\"spec\":{\"replicas\":3}}");
	ck_assert_int_eq(
	    ck_strategic_patch_create_three_way(last, config2, live, schema, false, &patch, &err),
	    -ESTALE);
	ck_assert_msg(strstr(err, "conflicts with changes made from original to current"), "%s",
		      err);
	free(err);
	bool conflict;
	json_object *l = parse("{\"spec\":{\"replicas\":3}}"),
		    *r = parse("{\"spec\":{\"replicas\":4}}");
	ck_assert_int_eq(ck_strategic_patch_have_conflicts(l, r, schema, &conflict, NULL), 0);
	ck_assert(conflict);
	ck_assert_int_eq(ck_strategic_patch_have_conflicts(l, l, schema, &conflict, NULL), 0);
	ck_assert(!conflict);
	json_object_put(l);
	json_object_put(r);
	json_object *renamed = parse("{\"kind\":\"X\",\"metadata\":{\"name\":\"e\"}}");
	ck_assert(!ck_strategic_patch_key_unchanged(renamed, "kind"));
	ck_assert(!ck_strategic_patch_metadata_key_unchanged(renamed, "name"));
	json_object_put(renamed);
	json_object_put(config2);
	json_object_put(last);
	json_object_put(config);
	json_object_put(live);
}
END_TEST

START_TEST(test_patch_meta)
{
	struct ck_patch_field f;
	unsigned bits;

	ck_assert_ptr_nonnull(ck_patch_meta_kind("apps/v1", "Deployment"));
	ck_assert_ptr_null(ck_patch_meta_kind("v1", "Deployment"));
	ck_assert_ptr_nonnull(ck_patch_meta_kind(NULL, "Deployment"));
	ck_assert_str_eq(ck_patch_meta_type_name(ck_patch_meta_kind("v1", "Pod")), "Pod");
	ck_assert_str_eq(ck_patch_meta_type_name(NULL), "unknown");

	/* Deployment -> spec -> template -> spec -> containers -> ports */
	const struct ck_patch_type *t = ck_patch_meta_kind("apps/v1", "Deployment");
	const char *path[] = { "spec", "template", "spec", "containers" };
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(ck_patch_meta_field(t, path[i], &f), 0);
		t = f.type;
	}
	ck_assert_uint_eq(f.strategy, CK_PATCH_STRATEGY_MERGE);
	ck_assert_str_eq(f.merge_key, "name");
	ck_assert_str_eq(ck_patch_meta_type_name(t), "Container");
	ck_assert_int_eq(ck_patch_meta_field(t, "ports", &f), 0);
	ck_assert_str_eq(f.merge_key, "containerPort");
	ck_assert_int_eq(ck_patch_meta_field(t, "envFrom", &f), 0);
	ck_assert_uint_eq(f.strategy, CK_PATCH_STRATEGY_NONE);
	ck_assert_ptr_null(f.merge_key);

	ck_assert_int_eq(ck_patch_meta_field(ck_patch_meta_type("PodSpec"), "volumes", &f), 0);
	ck_assert_uint_eq(f.strategy, CK_PATCH_STRATEGY_MERGE | CK_PATCH_STRATEGY_RETAIN_KEYS);
	ck_assert_int_eq(
	    ck_patch_meta_field(ck_patch_meta_type("ObjectMeta"), "ownerReferences", &f), 0);
	ck_assert_str_eq(f.merge_key, "uid");
	/* unknown types and fields: no strategy */
	ck_assert_int_eq(ck_patch_meta_field(NULL, "anything", &f), 0);
	ck_assert_uint_eq(f.strategy, CK_PATCH_STRATEGY_NONE);
	ck_assert_ptr_null(f.type);
	ck_assert_int_eq(ck_patch_meta_field(ck_patch_meta_type("mergeItem"), "nope", &f), -ENOENT);

	ck_assert_int_eq(ck_patch_meta_parse_strategy("merge,retainKeys", &bits), 0);
	ck_assert_uint_eq(bits, CK_PATCH_STRATEGY_MERGE | CK_PATCH_STRATEGY_RETAIN_KEYS);
	ck_assert_int_eq(ck_patch_meta_parse_strategy("retainKeys,replace", &bits), 0);
	ck_assert_int_eq(ck_patch_meta_parse_strategy(NULL, &bits), 0);
	ck_assert_uint_eq(bits, CK_PATCH_STRATEGY_NONE);
	ck_assert_int_eq(ck_patch_meta_parse_strategy("merge,replace", &bits), -EINVAL);
	ck_assert_int_eq(ck_patch_meta_parse_strategy("merge,retainKeys,replace", &bits), -EINVAL);
	ck_assert_int_eq(ck_patch_meta_parse_strategy("bogus", &bits), -EINVAL);
}
END_TEST

Suite *ck_test_suite_strategic_patch(void)
{
	Suite *s = suite_create("strategic_patch");
	TCase *tc = tcase_create("upstream");
	tcase_add_test(tc, test_smp_sort_merge_lists);
	tcase_add_test(tc, test_smp_custom);
	tcase_add_test(tc, test_smp_create_cases);
	tcase_add_test(tc, test_smp_raw_cases);
	tcase_add_test(tc, test_smp_bad_arguments);
	tcase_add_test(tc, test_smp_unknown_field);
	tcase_add_test(tc, test_smp_number_conversion);
	suite_add_tcase(s, tc);
	tc = tcase_create("kinds");
	tcase_add_test(tc, test_smp_pod);
	tcase_add_test(tc, test_smp_errors);
	tcase_add_test(tc, test_smp_workloads);
	tcase_add_test(tc, test_smp_kubectl_apply);
	tcase_add_test(tc, test_patch_meta);
	suite_add_tcase(s, tc);
	return s;
}
