/*
 * ckubectl's pure pieces: JSONPath templates, custom columns, the
 * tabwriter and Table printing, the client-side apply patch.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/apply_patch.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"

static const char *const list_json =
    "{\"kind\":\"List\",\"items\":["
    "{\"metadata\":{\"name\":\"a\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":3},"
    "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},"
    "{\"type\":\"Synced\",\"status\":\"False\"}]}},"
    "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"replicas\":1.5},"
    "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}]}";

/* Executes tmpl on list_json; the text (owned) or NULL with the error in *err. */
static char *jp(const char *tmpl, bool allow_missing, char **err)
{
	json_object *data = json_tokener_parse(list_json);
	struct ck_jsonpath *p = NULL;
	struct ck_buf out = CK_BUF_INIT;
	char *res = NULL;
	*err = NULL;
	if (ck_jsonpath_parse(tmpl, &p, err) == 0 &&
	    ck_jsonpath_execute(p, data, allow_missing, &out, err) == 0)
		res = ck_buf_detach(&out, NULL);
	ck_buf_release(&out);
	ck_jsonpath_free(p);
	json_object_put(data);
	return res;
}

static void expect_jp(const char *tmpl, const char *want)
{
	char *err;
	char *got = jp(tmpl, true, &err);
	ck_assert_msg(got != NULL, "%s: %s", tmpl, err);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'", tmpl, got, want);
	free(got);
}

START_TEST(test_jsonpath)
{
	expect_jp("{.items[*].metadata.name}", "a b");
	expect_jp("{.items[0].metadata.name}", "a");
	expect_jp("{.items[-1].metadata.name}", "b");
	expect_jp("{.items[0:1].metadata.name}", "a");
	expect_jp("{$.kind}", "List");
	expect_jp("names: {.items[*].metadata.name}!", "names: a b!");
	expect_jp("{range .items[*]}{.metadata.name}={.spec.replicas}{\"\\n\"}{end}",
		  "a=3\nb=1.5\n");
	expect_jp("{.items[?(@.metadata.name==\"b\")].spec.replicas}", "1.5");
	expect_jp("{.items[?(@.spec.replicas>2)].metadata.name}", "a");
	expect_jp("{.items[0].status.conditions[?(@.type==\"Ready\")].status}", "True");
	expect_jp("{.items[?(@.metadata.labels)].metadata.name}", "a");
	expect_jp("{..type}", "Ready Synced Ready");
	expect_jp("{.items[0].metadata.labels}", "{\"app\":\"web\"}");
	expect_jp("{.items[0].metadata['name']}", "a");
	expect_jp("{.items[*].missing}", "");
	expect_jp("{range .items[*]}[{range .status.conditions[*]}{.type},{end}]{end}",
		  "[Ready,Synced,][Ready,]");

	char *err;
	ck_assert_ptr_null(jp("{.items[*].missing}", false, &err));
	ck_assert_str_eq(err, "missing is not found");
	free(err);
	ck_assert_ptr_null(jp("{.items[5]}", false, &err));
	ck_assert_str_eq(err, "array index out of bounds: index 5, length 2");
	free(err);
	ck_assert_ptr_null(jp("{.a", true, &err));
	ck_assert_str_eq(err, "unclosed action");
	free(err);
	ck_assert_ptr_null(jp("{range .items[*]}{.x}", true, &err));
	free(err);
	ck_assert_ptr_null(jp("{end}", true, &err));
	free(err);

	char *r = ck_jsonpath_relaxed(".metadata.name");
	ck_assert_str_eq(r, "{.metadata.name}");
	free(r);
	r = ck_jsonpath_relaxed("metadata.name");
	ck_assert_str_eq(r, "{.metadata.name}");
	free(r);
	r = ck_jsonpath_relaxed("{.a}");
	ck_assert_str_eq(r, "{.a}");
	free(r);
}
END_TEST

START_TEST(test_custom_columns)
{
	json_object *list = json_tokener_parse(list_json);
	json_object *items = json_object_object_get(list, "items");
	struct ck_tabwriter w;
	struct ck_buf out = CK_BUF_INIT;
	char *err = NULL;
	ck_tabwriter_init(&w);
	ck_assert_int_eq(ck_custom_columns_print(&w,
						 "NAME:.metadata.name,LABELS:.metadata.labels,"
						 "COND:.status.conditions[*].type,X:.nope",
						 items, false, &err),
			 0);
	ck_tabwriter_flush(&w, NULL, &out);
	ck_assert_str_eq(ck_buf_str(&out), "NAME   LABELS         COND           X\n"
					   "a      map[app:web]   Ready,Synced   <none>\n"
					   "b      <none>         Ready          <none>\n");
	ck_assert_int_eq(ck_custom_columns_print(&w, "NAME", items, false, &err), -EINVAL);
	ck_assert_str_eq(err, "unexpected custom-columns spec: NAME, expected "
			      "<header>:<json-path-expr>");
	free(err);
	ck_tabwriter_release(&w);
	ck_buf_release(&out);
	json_object_put(list);
}
END_TEST

START_TEST(test_tabwriter_and_table)
{
	struct ck_tabwriter w;
	struct ck_buf out = CK_BUF_INIT;
	ck_tabwriter_init(&w);
	/* columns padded to the widest cell + 3, at least 6; the last cell is not padded */
	ck_tabwriter_printf(&w, "NAME\tX\tAGE\nlonger-name\t1\t5s\nä\t22\t1d\n");
	ck_tabwriter_flush(&w, NULL, &out);
	ck_assert_str_eq(ck_buf_str(&out), "NAME          X     AGE\n"
					   "longer-name   1     5s\n"
					   "ä             22    1d\n");
	ck_buf_reset(&out);
	/*
	 * describe's setup (minwidth 0, padding 2): a column's width is that of its
	 * block of adjacent lines, as Go's tabwriter; a line without a tab ends blocks
	 */
	w.minwidth = 0;
	w.padding = 2;
	ck_tabwriter_printf(&w, "Name:\tx\nPort:\thttp\t80/TCP\nTargetPort:\t8080/TCP\n"
				"Data\n====\nEvents:\t<none>\n\ta=b\n");
	ck_tabwriter_flush(&w, NULL, &out);
	ck_assert_str_eq(ck_buf_str(&out), "Name:        x\n"
					   "Port:        http  80/TCP\n"
					   "TargetPort:  8080/TCP\n"
					   "Data\n====\n"
					   "Events:  <none>\n"
					   "         a=b\n");
	ck_buf_reset(&out);
	w.minwidth = 6;
	w.padding = 3;

	json_object *table = json_tokener_parse(
	    "{\"kind\":\"Table\",\"columnDefinitions\":["
	    "{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"priority\":0},"
	    "{\"name\":\"Ready\",\"type\":\"string\",\"priority\":0},"
	    "{\"name\":\"Node\",\"type\":\"string\",\"priority\":1},"
	    "{\"name\":\"Restarts\",\"type\":\"integer\",\"priority\":0}],"
	    "\"rows\":[{\"cells\":[\"p1\",\"1/1\",\"n1\",0],\"object\":{\"metadata\":"
	    "{\"name\":\"p1\",\"namespace\":\"ns1\",\"labels\":{\"b\":\"2\",\"a\":\"1\"}}}},"
	    "{\"cells\":[\"p2\",\"multi\\nline\",null,12],\"object\":{\"metadata\":"
	    "{\"name\":\"p2\",\"namespace\":\"ns2\"}}}]}");
	struct ck_table_print_options o = { .with_namespace = true, .show_labels = true };
	ck_kubectl_print_table(&w, table, &o);
	ck_tabwriter_flush(&w, NULL, &out);
	ck_assert_str_eq(ck_buf_str(&out), "NAMESPACE   NAME   READY      RESTARTS   LABELS\n"
					   "ns1         p1     1/1        0          a=1,b=2\n"
					   "ns2         p2     multi...   12         <none>\n");
	ck_assert(o.headers_printed);
	ck_buf_reset(&out);
	struct ck_table_print_options wide = { .wide = true,
					       .no_headers = true,
					       .kind_ref = "pod" };
	ck_kubectl_print_table(&w, table, &wide);
	ck_tabwriter_flush(&w, NULL, &out);
	ck_assert_str_eq(ck_buf_str(&out), "pod/p1   1/1        n1    0\n"
					   "pod/p2   multi...         12\n");
	json_object_put(table);
	ck_tabwriter_release(&w);
	ck_buf_release(&out);
}
END_TEST

START_TEST(test_apply_patch)
{
	json_object *obj = json_tokener_parse(
	    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
	    "\"annotations\":{\"x\":\"<y>\"}},\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
	json_object *applied = ck_kubectl_with_last_applied(obj);
	json_object *ann = json_object_object_get(
	    json_object_object_get(json_object_object_get(applied, "metadata"), "annotations"),
	    CK_KUBECTL_LAST_APPLIED);
	ck_assert_str_eq(json_object_get_string(ann),
			 "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\",\"b\":\"2\"},\"kind\":"
			 "\"ConfigMap\",\"metadata\":{\"annotations\":{\"x\":\"\\u003cy\\u003e\"},"
			 "\"name\":\"c\"}}\n");

	/* live: as applied, plus a field someone else set */
	json_object *live = ck_obj_copy(applied);
	json_object_object_add(json_object_object_get(live, "data"), "other",
			       json_object_new_string("kept"));
	json_object *patch = NULL;
	bool strategic = false;
	char *err = NULL;
	ck_assert_int_eq(ck_kubectl_apply_patch(applied, live, &patch, &strategic, &err), 0);
	ck_assert(strategic);
	ck_assert_int_eq(json_object_object_length(patch), 0); /* unchanged */
	json_object_put(patch);

	/* new config: a changed, b removed; other (not ours) stays */
	json_object *next = json_tokener_parse(
	    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
	    "\"annotations\":{\"x\":\"<y>\"}},\"data\":{\"a\":\"9\"}}");
	json_object *next_applied = ck_kubectl_with_last_applied(next);
	ck_assert_int_eq(ck_kubectl_apply_patch(next_applied, live, &patch, &strategic, &err), 0);
	struct ck_buf b = CK_BUF_INIT;
	ck_json_write_go(&b, json_object_object_get(patch, "data"), NULL);
	ck_assert_str_eq(ck_buf_str(&b), "{\"a\":\"9\",\"b\":null}");
	ck_buf_release(&b);
	json_object_put(patch);

	/* edit: the two-way patch from the object to the edited one */
	ck_assert_int_eq(ck_kubectl_edit_patch(obj, next, &patch, &strategic, &err), 0);
	ck_assert(strategic);
	b = (struct ck_buf)CK_BUF_INIT;
	ck_json_write_go(&b, json_object_object_get(patch, "data"), NULL);
	ck_assert_str_eq(ck_buf_str(&b), "{\"a\":\"9\",\"b\":null}");
	ck_buf_release(&b);
	json_object_put(patch);
	ck_assert_int_eq(ck_kubectl_edit_patch(obj, obj, &patch, &strategic, &err), 0);
	ck_assert_int_eq(json_object_object_length(patch), 0);
	json_object_put(patch);

	/* an unknown kind gets a merge patch */
	json_object *cr = json_tokener_parse(
	    "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
	    "\"spec\":{\"size\":2}}");
	json_object *cr_applied = ck_kubectl_with_last_applied(cr);
	json_object *cr_live = json_tokener_parse(
	    "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
	    "\"spec\":{\"size\":1}}");
	ck_assert_int_eq(ck_kubectl_apply_patch(cr_applied, cr_live, &patch, &strategic, &err), 0);
	ck_assert(!strategic);
	ck_assert_int_eq(json_object_get_int(
			     json_object_object_get(json_object_object_get(patch, "spec"), "size")),
			 2);
	json_object_put(patch);
	json_object_put(cr);
	json_object_put(cr_applied);
	json_object_put(cr_live);
	json_object_put(next);
	json_object_put(next_applied);
	json_object_put(live);
	json_object_put(applied);
	json_object_put(obj);
}
END_TEST

Suite *ck_test_suite_kubectl(void)
{
	Suite *s = suite_create("kubectl");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_jsonpath);
	tcase_add_test(tc, test_custom_columns);
	tcase_add_test(tc, test_tabwriter_and_table);
	tcase_add_test(tc, test_apply_patch);
	suite_add_tcase(s, tc);
	return s;
}
