/*
 * kubectl get: server-side Tables (or objects for -o json|yaml|name|
 * jsonpath|custom-columns), selectors, -A, --sort-by, -w.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"

#define TABLE_ACCEPT                                                                        \
	"application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;" \
	"g=meta.k8s.io,application/json"

static struct {
	const char *output;
	const char *selector;
	const char *field_selector;
	const char *sort_by;
	bool all_namespaces;
	bool watch;
	bool watch_only;
	bool show_labels;
	bool no_headers;
	bool ignore_not_found;
	bool show_kind;
	bool recursive;
	bool show_managed_fields;
	struct ck_flag_strings files;
	int64_t chunk_size;
} o = { .chunk_size = 500 };

static const struct ck_flag get_flags[] = {
	{ "output", CK_FLAG_STRING, &o.output,
	  "Output format: json, yaml, name, wide, jsonpath=..., custom-columns=..." },
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "field-selector", CK_FLAG_STRING, &o.field_selector,
	  "Selector (field query) to filter on" },
	{ "sort-by", CK_FLAG_STRING, &o.sort_by, "Sort list types using this JSONPath expression" },
	{ "all-namespaces", CK_FLAG_BOOL, &o.all_namespaces,
	  "List the requested object(s) across all namespaces" },
	{ "watch", CK_FLAG_BOOL, &o.watch, "After listing/getting, watch for changes" },
	{ "watch-only", CK_FLAG_BOOL, &o.watch_only, "Watch for changes, without listing first" },
	{ "show-labels", CK_FLAG_BOOL, &o.show_labels, "Show all labels as the last column" },
	{ "no-headers", CK_FLAG_BOOL, &o.no_headers, "Don't print headers" },
	{ "ignore-not-found", CK_FLAG_BOOL, &o.ignore_not_found,
	  "If the requested object does not exist the command will return exit code 0" },
	{ "show-kind", CK_FLAG_BOOL, &o.show_kind, "List the resource type for the object(s)" },
	{ "recursive", CK_FLAG_BOOL, &o.recursive, "Process the directory used in -f recursively" },
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files identifying the resources to get" },
	{ "show-managed-fields", CK_FLAG_BOOL, &o.show_managed_fields,
	  "Keep the managedFields when printing objects in JSON or YAML format" },
	{ "chunk-size", CK_FLAG_INT64, &o.chunk_size, "Return large lists in chunks" },
	{ 0 },
};

static const struct ck_flag_shorthand get_shorthands[] = {
	{ 'o', "output" },
	{ 'l', "selector" },
	{ 'A', "all-namespaces" },
	{ 'w', "watch" },
	{ 'f', "filename" },
	{ 'R', "recursive" },
	{ 0 },
};

/* GETs one info as a Table (include: the includeObject value) or as objects. */
static int fetch(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info,
		 bool table, const char *include, json_object **ret, struct ck_client_error *err)
{
	struct ck_client_list_options lo = {
		.label_selector = o.selector,
		.field_selector = o.field_selector,
		.limit = info->name ? 0 : o.chunk_size,
	};
	const char *params[] = { "includeObject", include, NULL };
	json_object *all = NULL;
	char *cont = NULL;
	int r;
	(void)k;
	do {
		lo.continue_token = cont;
		struct ck_client_request req = {
			.group = info->res.group,
			.version = info->res.version,
			.resource = info->res.resource,
			.namespace = info->namespace,
			.name = info->name,
			.list_options = info->name ? NULL : &lo,
			.params = table && include ? params : NULL,
			.accept = table ? TABLE_ACCEPT : NULL,
		};
		json_object *page = NULL;
		r = ck_client_do(c, &req, &page, err);
		free(cont);
		cont = NULL;
		if (r < 0)
			break;
		const char *next = ck_obj_path_str(page, "metadata.continue");
		if (next && next[0] && !info->name)
			cont = ck_strdup(next);
		if (!all) {
			all = page;
			continue;
		}
		/* append the page's rows or items */
		const char *key = json_object_object_get(page, "rows") ? "rows" : "items";
		json_object *dst = json_object_object_get(all, key);
		json_object *src = json_object_object_get(page, key);
		for (size_t i = 0; dst && src && i < json_object_array_length(src); i++)
			json_object_array_add(dst,
					      json_object_get(json_object_array_get_idx(src, i)));
		json_object_put(page);
	} while (cont);
	free(cont);
	if (r < 0) {
		json_object_put(all);
		return r;
	}
	*ret = all;
	return 0;
}

/* The objects of a GET answer: the list's items (kind and apiVersion filled in) or the object. */
static void add_object(json_object *into, json_object *obj)
{
	if (!o.show_managed_fields) {
		json_object *md = json_object_object_get(obj, "metadata");
		if (md)
			json_object_object_del(md, "managedFields");
	}
	json_object_array_add(into, json_object_get(obj));
}

static void collect_objects(const struct ck_kubectl_info *info, json_object *answer,
			    json_object *into)
{
	json_object *items;
	if (!info->name && json_object_object_get_ex(answer, "items", &items)) {
		char api_version[256];
		snprintf(api_version, sizeof(api_version), "%s%s%s", info->res.group,
			 info->res.group[0] ? "/" : "", info->res.version);
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			json_object *it = json_object_array_get_idx(items, i);
			if (!json_object_object_get(it, "kind"))
				json_object_object_add(it, "kind",
						       json_object_new_string(info->res.kind));
			if (!json_object_object_get(it, "apiVersion"))
				json_object_object_add(it, "apiVersion",
						       json_object_new_string(api_version));
			add_object(into, it);
		}
		return;
	}
	add_object(into, answer);
}

/* kubectl's sort: numbers numerically, then strings; missing values first. */
struct sort_item {
	json_object *key;
	json_object *value;
	size_t index;
};

static int cmp_sort(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int c = 0;
	if (!a->key || !b->key)
		c = (a->key != NULL) - (b->key != NULL);
	else if ((json_object_is_type(a->key, json_type_int) ||
		  json_object_is_type(a->key, json_type_double)) &&
		 (json_object_is_type(b->key, json_type_int) ||
		  json_object_is_type(b->key, json_type_double))) {
		double x = json_object_get_double(a->key), y = json_object_get_double(b->key);
		c = x < y ? -1 : x > y;
	} else {
		c = strcmp(json_object_get_string(a->key), json_object_get_string(b->key));
	}
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Sorts an array in place by a JSONPath on each element (or on element.object for rows). */
static int sort_array(struct ck_kubectl *k, json_object *arr, bool rows)
{
	char *expr = ck_jsonpath_relaxed(o.sort_by);
	struct ck_jsonpath *jp;
	char *msg = NULL;
	int r = ck_jsonpath_parse(expr, &jp, &msg);
	if (r < 0) {
		ck_kubectl_fail(k, "couldn't parse sort-by %s: %s", o.sort_by, msg);
		free(msg);
		free(expr);
		return r;
	}
	size_t n = json_object_array_length(arr);
	struct sort_item *items = ck_calloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i), *found = NULL;
		items[i].value = json_object_get(v);
		items[i].index = i;
		if (ck_jsonpath_find(jp, rows ? json_object_object_get(v, "object") : v, &found,
				     NULL) == 0 &&
		    json_object_array_length(found) > 0)
			items[i].key = json_object_get(json_object_array_get_idx(found, 0));
		json_object_put(found);
	}
	qsort(items, n, sizeof(*items), cmp_sort);
	for (size_t i = 0; i < n; i++) {
		json_object_array_put_idx(arr, i, items[i].value);
		json_object_put(items[i].key);
	}
	free(items);
	ck_jsonpath_free(jp);
	free(expr);
	return 0;
}

struct watch_ctx {
	struct ck_kubectl *k;
	struct ck_tabwriter *w;
	struct ck_table_print_options *topts;
	const struct ck_kubectl_printer *printer;
	bool skip_first;
	json_object *columns; /* the first Table's: later events' Tables come without (owned) */
};

static int on_frame(void *ctx, const struct ck_watch_frame *f)
{
	struct watch_ctx *wc = ctx;
	if (f->type == CK_WATCH_TYPE_BOOKMARK)
		return 0;
	if (f->type == CK_WATCH_TYPE_ERROR) {
		fprintf(wc->k->err, "error: %s\n", ck_obj_path_str(f->object, "message"));
		return -EIO;
	}
	if (wc->skip_first) {
		wc->skip_first = false;
		return 0;
	}
	if (wc->printer->output == CK_KUBECTL_OUTPUT_TABLE) {
		json_object *cols = json_object_object_get(f->object, "columnDefinitions");
		if (cols && json_object_array_length(cols) > 0) {
			json_object_put(wc->columns);
			wc->columns = json_object_get(cols);
		} else if (wc->columns) {
			json_object_object_add(f->object, "columnDefinitions",
					       json_object_get(wc->columns));
		}
		ck_kubectl_print_table(wc->w, f->object, wc->topts);
		ck_tabwriter_flush(wc->w, wc->k->out, NULL);
	} else {
		json_object *one = json_object_new_array();
		json_object_array_add(one, json_object_get(f->object));
		ck_kubectl_print_objects(wc->k, wc->printer, one, true);
		json_object_put(one);
	}
	fflush(wc->k->out);
	return 0;
}

static int watch(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info,
		 const char *rv, struct watch_ctx *wc)
{
	struct ck_client_list_options lo = {
		.label_selector = o.selector,
		.field_selector = o.field_selector,
		.resource_version = rv,
	};
	char fs[512];
	if (info->name) {
		snprintf(fs, sizeof(fs), "metadata.name=%s", info->name);
		lo.field_selector = fs;
		lo.resource_version = "0";
		wc->skip_first = !o.watch_only;
	}
	struct ck_client_request req = {
		.group = info->res.group,
		.version = info->res.version,
		.resource = info->res.resource,
		.namespace = info->namespace,
		.list_options = &lo,
		.accept = wc->printer->output == CK_KUBECTL_OUTPUT_TABLE ? TABLE_ACCEPT : NULL,
	};
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_client_watch(c, &req, on_frame, wc, &err);
	int status = 0;
	if (r < 0 && r != -ECONNRESET && r != -EIO)
		status = ck_kubectl_print_error(k, &err);
	ck_client_error_release(&err);
	return status;
}

static int run_get(struct ck_kubectl *k, int argc, char **argv)
{
	struct ck_kubectl_printer printer;
	if (ck_kubectl_printer_parse(k, o.output, &printer) < 0)
		return 1;
	printer.no_headers = o.no_headers;
	if (argc == 0 && o.files.n == 0) {
		fprintf(k->err, "You must specify the type of resource to get. Use \"kubectl "
				"api-resources\" for a complete list of supported resources.\n\n");
		ck_kubectl_fail(k, "Required resource not specified.");
		fprintf(k->err,
			"Use \"kubectl explain <resource>\" for a detailed description of that "
			"resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help "
			"and examples\n");
		return 1;
	}
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = {
		.files = &o.files,
		.recursive = o.recursive,
		.all_namespaces = o.all_namespaces,
	};
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	/* kubectl prints the errors of some requests after what the others found */
	FILE *err_out = k->err;
	char *deferred = NULL;
	size_t deferred_len = 0;
	FILE *deferred_f = open_memstream(&deferred, &deferred_len);
	if (deferred_f)
		k->err = deferred_f;
	/* several types: names as kind/name, a table per type */
	bool several = o.show_kind;
	for (size_t i = 1; i < infos.n; i++)
		several |= strcmp(infos.v[i].res.resource, infos.v[0].res.resource) != 0 ||
			   strcmp(infos.v[i].res.group, infos.v[0].res.group) != 0;
	bool table = printer.output == CK_KUBECTL_OUTPUT_TABLE;
	bool single = infos.n == 1 && infos.v[0].name != NULL;
	int status = 0;
	struct ck_client_error err;
	ck_client_error_init(&err);
	struct ck_tabwriter w;
	ck_tabwriter_init(&w);
	w.keep_widths = o.watch || o.watch_only;
	json_object *objects = json_object_new_array();
	bool printed_any = false;
	const char *last_rv = NULL;
	json_object *last_answer = NULL;
	/* consecutive infos of one type share one table */
	for (size_t i = 0; i < infos.n; i++) {
		const struct ck_kubectl_info *info = &infos.v[i];
		json_object *answer = NULL;
		if (o.watch_only)
			break;
		int r = fetch(k, c, info, table, o.sort_by ? "Object" : NULL, &answer, &err);
		if (r < 0) {
			if (!(r == -ENOENT && o.ignore_not_found))
				status = ck_kubectl_print_error(k, &err);
			continue;
		}
		if (!table) {
			collect_objects(info, answer, objects);
			json_object_put(last_answer);
			last_answer = answer;
			continue;
		}
		json_object *rows = json_object_object_get(answer, "rows");
		if (o.sort_by && rows && sort_array(k, rows, true) < 0) {
			json_object_put(answer);
			status = 1;
			continue;
		}
		bool new_type = i == 0 || strcmp(info->res.resource, infos.v[i - 1].res.resource) ||
				strcmp(info->res.group, infos.v[i - 1].res.group);
		static struct ck_table_print_options topts;
		if (new_type) {
			if (printed_any) {
				ck_tabwriter_flush(&w, k->out, NULL);
				fputc('\n', k->out);
			}
			memset(&topts, 0, sizeof(topts));
		}
		char *kind_ref =
		    several ? ck_kubectl_kind_ref(info->res.group, info->res.kind) : NULL;
		topts.wide = printer.wide;
		topts.no_headers = o.no_headers;
		topts.with_namespace = o.all_namespaces && info->res.namespaced;
		topts.show_labels = o.show_labels;
		topts.kind_ref = kind_ref;
		size_t nrows = rows ? json_object_array_length(rows) : 0;
		if (nrows > 0 || info->name) {
			ck_kubectl_print_table(&w, answer, &topts);
			printed_any = true;
		}
		free(kind_ref);
		json_object_put(last_answer);
		last_answer = answer;
	}
	if (table) {
		ck_tabwriter_flush(&w, k->out, NULL);
	} else {
		if (o.sort_by && sort_array(k, objects, false) < 0)
			status = 1;
		else if (json_object_array_length(objects) > 0 || !single)
			if (ck_kubectl_print_objects(k, &printer, objects, single) != 0)
				status = 1;
		printed_any = json_object_array_length(objects) > 0;
	}
	if (!printed_any && status == 0 && !o.watch_only && !o.ignore_not_found &&
	    !(printer.output != CK_KUBECTL_OUTPUT_TABLE &&
	      printer.output != CK_KUBECTL_OUTPUT_NAME &&
	      printer.output != CK_KUBECTL_OUTPUT_CUSTOM_COLUMNS)) {
		if (infos.n > 0 && infos.v[0].namespace && infos.v[0].res.namespaced)
			fprintf(k->err, "No resources found in %s namespace.\n",
				infos.v[0].namespace);
		else
			fprintf(k->err, "No resources found\n");
	}
	fflush(k->out);
	if (deferred_f) {
		fclose(deferred_f);
		k->err = err_out;
		fwrite(deferred, 1, deferred_len, err_out);
		free(deferred);
	}
	if ((o.watch || o.watch_only) && status == 0 && infos.n > 0) {
		if (infos.n > 1) {
			status = ck_kubectl_fail(k, "you may only specify a single resource type");
		} else {
			struct ck_table_print_options topts = {
				.wide = printer.wide,
				.no_headers = o.no_headers,
				.with_namespace = o.all_namespaces && infos.v[0].res.namespaced,
				.show_labels = o.show_labels,
				.headers_printed = printed_any && table,
			};
			struct watch_ctx wc = { k, &w, &topts, &printer, false, NULL };
			json_object *cols =
			    last_answer ? json_object_object_get(last_answer, "columnDefinitions")
					: NULL;
			if (cols)
				wc.columns = json_object_get(cols);
			last_rv = last_answer ? ck_obj_resource_version(last_answer) : NULL;
			if (!last_rv && last_answer)
				last_rv = ck_obj_path_str(last_answer, "metadata.resourceVersion");
			status = watch(k, c, &infos.v[0], last_rv, &wc);
			json_object_put(wc.columns);
		}
	}
	json_object_put(last_answer);
	json_object_put(objects);
	ck_tabwriter_release(&w);
	ck_client_error_release(&err);
	ck_kubectl_infos_release(&infos);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_get = {
	.name = "get",
	.summary = "Display one or many resources",
	.flags = get_flags,
	.shorthands = get_shorthands,
	.run = run_get,
};
