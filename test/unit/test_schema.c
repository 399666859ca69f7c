/*
 * The schema model (api/schema.h): what it derives from api/'s protos and
 * api/schema_fields.def, and the structural checks (unknown fields,
 * pruning, types in Go's wording, duplicate fields).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "api/schema.h"

static json_object *parse(const char *json)
{
	json_object *o = json_tokener_parse(json);
	ck_assert_msg(o != NULL, "bad test JSON: %s", json);
	return o;
}

static const struct ck_schema_field *field_at(const char *api_version, const char *kind,
					      const char *const *path)
{
	const struct ck_schema_type *t = ck_schema_kind(api_version, kind);
	const struct ck_schema_field *f = NULL;
	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; path[i]; i++) {
		f = ck_schema_field(t, path[i]);
		ck_assert_msg(f != NULL, "no field %s in %s", path[i], t ? t->name : "?");
		const struct ck_schema_value *v = &f->value;
		while (v->kind == CK_SCHEMA_ARRAY || v->kind == CK_SCHEMA_MAP)
			v = v->items;
		t = v->type;
	}
	return f;
}

START_TEST(test_schema_kinds)
{
	const struct ck_schema_type *pod = ck_schema_kind("v1", "Pod");
	ck_assert_ptr_nonnull(pod);
	ck_assert_str_eq(pod->openapi_name, "io.k8s.api.core.v1.Pod");
	ck_assert_str_eq(pod->go_name, "v1.Pod");
	ck_assert(pod->is_kind);
	ck_assert_str_eq(pod->fields[0].name, "apiVersion");
	ck_assert_str_eq(pod->fields[1].name, "kind");
	ck_assert_ptr_nonnull(ck_schema_field(pod, "metadata"));
	ck_assert_str_eq(ck_schema_field(pod, "metadata")->value.type->openapi_name,
			 "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
	/* parts are not kinds: no TypeMeta */
	ck_assert(!ck_schema_type("PodSpec")->is_kind);
	ck_assert_ptr_null(ck_schema_field(ck_schema_type("PodSpec"), "kind"));
	ck_assert(!ck_schema_type("PodTemplateSpec")->is_kind);
	ck_assert(ck_schema_type("PodTemplate")->is_kind);

	ck_assert_ptr_nonnull(ck_schema_kind("apps/v1", "Deployment"));
	ck_assert_ptr_null(ck_schema_kind("v1", "Deployment"));
	ck_assert_ptr_nonnull(ck_schema_kind(NULL, "Deployment"));
	ck_assert_ptr_null(ck_schema_kind("example.com/v1", "Widget"));
	ck_assert_ptr_null(ck_schema_kind("v1", "PodSpec"));
	ck_assert_ptr_nonnull(ck_schema_kind("v1", "Status"));
	/* by short or full name */
	ck_assert_ptr_eq(ck_schema_type("ObjectMeta"),
			 ck_schema_type("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
	ck_assert_ptr_null(ck_schema_type("NoSuchType"));
	const struct ck_schema_type *crd =
	    ck_schema_kind("apiextensions.k8s.io/v1", "CustomResourceDefinition");
	if (crd) /* once apiextensions is in api/ */
		ck_assert_str_eq(crd->openapi_name, "io.k8s.apiextensions-apiserver.pkg.apis."
						    "apiextensions.v1.CustomResourceDefinition");

	size_t n = 0;
	const struct ck_schema_type *const *all = ck_schema_types(&n);
	ck_assert_uint_gt(n, 100);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(all[i - 1]->proto_name, all[i]->proto_name), 0);
}
END_TEST

START_TEST(test_schema_fields)
{
	/* patch strategy, merge key, list-map keys */
	const char *containers[] = { "spec", "template", "spec", "containers", NULL };
	const struct ck_schema_field *f = field_at("apps/v1", "Deployment", containers);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_ARRAY);
	ck_assert_str_eq(f->value.items->type->name, "Container");
	ck_assert_str_eq(f->value.go_type, "[]v1.Container");
	ck_assert_str_eq(f->patch_strategy, "merge");
	ck_assert_str_eq(f->merge_key, "name");
	ck_assert_str_eq(f->list_type, "map");
	ck_assert_str_eq(f->list_map_keys, "name");
	const char *ports[] = { "spec", "containers", "ports", NULL };
	f = field_at("v1", "Pod", ports);
	ck_assert_str_eq(f->merge_key, "containerPort");
	ck_assert_str_eq(f->list_map_keys, "containerPort,protocol");
	const char *strategy[] = { "spec", "strategy", NULL };
	ck_assert_str_eq(field_at("apps/v1", "Deployment", strategy)->patch_strategy, "retainKeys");
	/* inline messages are flattened: Probe's handler, EphemeralContainer's common part */
	const char *probe[] = { "spec", "containers", "livenessProbe", "httpGet", "port", NULL };
	f = field_at("v1", "Pod", probe);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_INT_OR_STRING);
	ck_assert_str_eq(f->value.type->openapi_name,
			 "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
	ck_assert(f->required);
	const char *eph[] = { "spec", "ephemeralContainers", "env", NULL };
	ck_assert_str_eq(field_at("v1", "Pod", eph)->merge_key, "name");
	/* Time, Quantity, bytes, maps, enums, required */
	const char *created[] = { "metadata", "creationTimestamp", NULL };
	f = field_at("v1", "Pod", created);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_STRING);
	ck_assert_str_eq(f->value.format, "date-time");
	const char *limits[] = { "spec", "containers", "resources", "limits", NULL };
	f = field_at("v1", "Pod", limits);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_MAP);
	ck_assert_int_eq(f->value.items->kind, CK_SCHEMA_QUANTITY);
	ck_assert_str_eq(f->value.go_type, "map[string]resource.Quantity");
	const char *data[] = { "data", NULL };
	f = field_at("v1", "Secret", data);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_MAP);
	ck_assert_str_eq(f->value.items->format, "byte");
	const char *replicas[] = { "spec", "replicas", NULL };
	f = field_at("apps/v1", "Deployment", replicas);
	ck_assert_int_eq(f->value.kind, CK_SCHEMA_INTEGER);
	ck_assert_str_eq(f->value.format, "int32");
	const char *policy[] = { "spec", "containers", "imagePullPolicy", NULL };
	ck_assert_str_eq(field_at("v1", "Pod", policy)->enum_values, "Always|IfNotPresent|Never");
	const char *name[] = { "spec", "containers", "name", NULL };
	ck_assert(field_at("v1", "Pod", name)->required);
	const char *image[] = { "spec", "containers", "image", NULL };
	ck_assert(!field_at("v1", "Pod", image)->required);
	ck_assert_ptr_null(field_at("v1", "Pod", image)->patch_strategy);
}
END_TEST

static void check(const char *api_version, const char *kind, const char *in, const char *unknown,
		  const char *type_error, const char *pruned)
{
	json_object *obj = parse(in);
	struct ck_schema_result r;
	ck_schema_check(ck_schema_kind(api_version, kind), obj, CK_SCHEMA_PRUNE, &r);
	ck_assert_str_eq(json_object_to_json_string_ext(r.unknown, JSON_C_TO_STRING_PLAIN),
			 unknown);
	if (type_error)
		ck_assert_msg(r.type_error && strcmp(r.type_error, type_error) == 0,
			      "want '%s', got '%s'", type_error,
			      r.type_error ? r.type_error : "(none)");
	else
		ck_assert_msg(!r.type_error, "unexpected '%s'", r.type_error);
	if (pruned) {
		json_object *want = parse(pruned);
		ck_assert_msg(json_object_equal(obj, want), "pruned to %s",
			      json_object_to_json_string(obj));
		json_object_put(want);
	}
	ck_schema_result_release(&r);
	json_object_put(obj);
}

START_TEST(test_schema_check)
{
	/* unknown fields, named as upstream's strict decoder, and pruned */
	check("v1", "Pod",
	      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"foo\":1},"
	      "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i\"},{\"name\":\"b\","
	      "\"imagee\":\"i\",\"ports\":[{\"containerPort\":80,\"nodeport\":1}]}]},\"bar\":{}}",
	      "[\"metadata.foo\",\"spec.containers[1].imagee\","
	      "\"spec.containers[1].ports[0].nodeport\",\"bar\"]",
	      NULL,
	      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{"
	      "\"containers\":[{\"name\":\"a\",\"image\":\"i\"},{\"name\":\"b\",\"ports\":[{"
	      "\"containerPort\":80}]}]}}");
	/* maps take any key; inline fields are known; null is the zero value */
	check("v1", "Pod",
	      "{\"metadata\":{\"labels\":{\"x\":\"y\"},\"annotations\":null},\"spec\":{"
	      "\"containers\":[{\"name\":\"a\",\"readinessProbe\":{\"httpGet\":{\"port\":"
	      "\"http\"}},\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":100}}}]}}",
	      "[]", NULL, NULL);
	/* types, in Go's words */
	check("apps/v1", "Deployment", "{\"spec\":{\"replicas\":\"3\"}}", "[]",
	      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas "
	      "of type int32",
	      NULL);
	check("apps/v1", "Deployment", "{\"spec\":{\"replicas\":1.5}}", "[]",
	      "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas "
	      "of type int32",
	      NULL);
	check("apps/v1", "Deployment", "{\"spec\":{\"replicas\":3000000000}}", "[]",
	      "json: cannot unmarshal number 3000000000 into Go struct field "
	      "DeploymentSpec.spec.replicas of type int32",
	      NULL);
	check("v1", "Pod", "{\"spec\":{\"containers\":{\"name\":\"a\"}}}", "[]",
	      "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of "
	      "type []v1.Container",
	      NULL);
	check("v1", "Pod", "{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":true}]}]}}",
	      "[]",
	      "json: cannot unmarshal bool into Go struct field "
	      "ContainerPort.spec.containers.ports.containerPort of type int32",
	      NULL);
	check("v1", "Pod", "{\"metadata\":{\"labels\":{\"a\":1}}}", "[]",
	      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of "
	      "type string",
	      NULL);
	check("v1", "Pod", "{\"metadata\":\"x\"}", "[]",
	      "json: cannot unmarshal string into Go struct field Pod.metadata of type "
	      "v1.ObjectMeta",
	      NULL);
	/* custom resources: no schema, nothing to say */
	check("example.com/v1", "Widget", "{\"spec\":{\"anything\":1}}", "[]", NULL,
	      "{\"spec\":{\"anything\":1}}");
}
END_TEST

static void dups(const char *json, const char *want, int want_err)
{
	json_object *paths = json_object_new_array();
	ck_assert_int_eq(ck_schema_duplicate_fields(json, strlen(json), paths), want_err);
	ck_assert_str_eq(json_object_to_json_string_ext(paths, JSON_C_TO_STRING_PLAIN), want);
	json_object_put(paths);
}

START_TEST(test_schema_duplicates)
{
	dups("{\"metadata\":{\"name\":\"a\",\"name\":\"b\"},\"kind\":\"Pod\"}",
	     "[\"metadata.name\"]", 0);
	dups(" {\"a\":[1,{\"x\":1,\"y\":[true,null],\"x\":2}],\"a\":\"\\\"\"} ",
	     "[\"a[1].x\",\"a\"]", 0);
	/* escapes name the same key */
	dups("{\"ab\":1,\"\\u0061b\":2,\"a\\\\b\":3}", "[\"ab\"]", 0);
	dups("{\"a\":{},\"b\":[],\"c\":-1.5e3}", "[]", 0);
	/* not JSON: stops with what it found */
	dups("{\"a\":1,\"a\":2,", "[\"a\"]", -EINVAL);
	dups("", "[]", -EINVAL);
	dups("{\"a\"", "[]", -EINVAL);
	dups("[\"\\u12", "[]", -EINVAL);
}
END_TEST

Suite *ck_test_suite_schema(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");
	tcase_add_test(tc, test_schema_kinds);
	tcase_add_test(tc, test_schema_fields);
	tcase_add_test(tc, test_schema_check);
	tcase_add_test(tc, test_schema_duplicates);
	suite_add_tcase(s, tc);
	return s;
}
