/*
 * Printers (k8s.io/cli-runtime/pkg/printers and kubectl's table printer):
 * Go's tabwriter alignment, server-side Tables, -o json|yaml|name|
 * jsonpath|custom-columns, and the "kind/name verb" lines.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "kubectl/kubectl_int.h"
#include "util/floatfmt.h"
#include "util/json_write.h"
#include "util/str.h"
#include "util/utf8.h"

/* ---- tabwriter ------------------------------------------------------------------------ */

#define TAB_MINWIDTH 6
#define TAB_PADDING 3

void ck_tabwriter_init(struct ck_tabwriter *w)
{
	memset(w, 0, sizeof(*w));
	ck_buf_init(&w->text, 0);
	w->minwidth = TAB_MINWIDTH;
	w->padding = TAB_PADDING;
}

void ck_tabwriter_release(struct ck_tabwriter *w)
{
	ck_buf_release(&w->text);
	ck_free(&w->widths);
	w->ncols = 0;
}

void ck_tabwriter_printf(struct ck_tabwriter *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&w->text, fmt, ap);
	va_end(ap);
}

static size_t text_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; w++) {
		size_t l;
		ck_utf8_decode(s + i, n - i, &l);
		i += l;
	}
	return w;
}

/* One line of buffered text: where it starts, its length, its tab-terminated cells. */
struct tab_line {
	const char *s;
	size_t len, ncells;
	bool newline;
};

struct tab_format {
	struct ck_tabwriter *w;
	struct tab_line *lines;
	size_t *widths; /* of the enclosing column blocks */
	size_t depth;
	struct ck_buf *o;
};

/* The width of line l's cell col (a tab-terminated one). */
static size_t cell_width(const struct tab_line *l, size_t col)
{
	const char *c = l->s;
	for (size_t i = 0; i < col; i++)
		c += strcspn(c, "\t") + 1;
	return text_width(c, strcspn(c, "\t"));
}

static void write_lines(struct tab_format *f, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct tab_line *l = &f->lines[i];
		const char *c = l->s, *end = l->s + l->len;
		for (size_t col = 0; col < l->ncells; col++) {
			size_t cl = strcspn(c, "\t");
			ck_buf_add(f->o, c, cl);
			for (size_t pad = text_width(c, cl); pad < f->widths[col]; pad++)
				ck_buf_addc(f->o, ' ');
			c += cl + 1;
		}
		ck_buf_add(f->o, c, (size_t)(end - c));
		if (l->newline)
			ck_buf_addc(f->o, '\n');
	}
}

/* Go's tabwriter format(): a column's width is per block of adjacent lines having it. */
static void format_block(struct tab_format *f, size_t line0, size_t line1)
{
	size_t column = f->depth;
	for (size_t i = line0; i < line1; i++) {
		if (f->lines[i].ncells <= column)
			continue;
		write_lines(f, line0, i);
		line0 = i;
		size_t width = f->w->minwidth;
		for (; i < line1 && f->lines[i].ncells > column; i++) {
			size_t cw = cell_width(&f->lines[i], column) + f->w->padding;
			if (cw > width)
				width = cw;
		}
		if (f->w->keep_widths) {
			if (column >= f->w->ncols) {
				f->w->widths =
				    ck_realloc(f->w->widths, (column + 1) * sizeof(*f->w->widths));
				for (size_t k = f->w->ncols; k <= column; k++)
					f->w->widths[k] = 0;
				f->w->ncols = column + 1;
			}
			if (f->w->widths[column] > width)
				width = f->w->widths[column];
			f->w->widths[column] = width;
		}
		f->widths[column] = width;
		f->depth++;
		format_block(f, line0, i);
		f->depth--;
		line0 = i;
		i--;
	}
	write_lines(f, line0, line1);
}

void ck_tabwriter_flush(struct ck_tabwriter *w, FILE *out, struct ck_buf *b)
{
	const char *text = ck_buf_str(&w->text);
	struct tab_line *lines = NULL;
	size_t nlines = 0, maxcells = 0;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		struct tab_line l = { .s = line, .len = len, .newline = line[len] == '\n' };
		for (size_t i = 0; i < len; i++)
			l.ncells += line[i] == '\t';
		if (l.ncells > maxcells)
			maxcells = l.ncells;
		lines = ck_realloc(lines, (nlines + 1) * sizeof(*lines));
		lines[nlines++] = l;
		line += len + l.newline;
	}
	struct ck_buf o = CK_BUF_INIT;
	struct tab_format f = {
		.w = w, .lines = lines, .widths = ck_calloc(maxcells + 1, sizeof(size_t)), .o = &o
	};
	format_block(&f, 0, nlines);
	if (out)
		fwrite(ck_buf_str(&o), 1, o.len, out);
	else
		ck_buf_add(b, ck_buf_str(&o), o.len);
	ck_buf_release(&o);
	free(f.widths);
	free(lines);
	ck_buf_reset(&w->text);
}

/* ---- tables --------------------------------------------------------------------------- */

/* A cell as kubectl prints it: strings up to their first line break ("..." after), numbers
 * as Go's %v of a float64 (JSON decoded into interface{}). */
static void print_cell(struct ck_buf *b, json_object *cell)
{
	switch (json_object_get_type(cell)) {
	case json_type_null:
		break;
	case json_type_string: {
		const char *s = json_object_get_string(cell);
		size_t n = strcspn(s, "\f\n\r");
		for (size_t i = 0; i < n; i++)
			ck_buf_addc(b, s[i] == '\t' ? ' ' : s[i]);
		if (s[n])
			ck_buf_adds(b, "...");
		break;
	}
	case json_type_int:
	case json_type_double:
		ck_floatfmt_g(b, json_object_get_double(cell), 64);
		break;
	case json_type_boolean:
		ck_buf_adds(b, json_object_get_boolean(cell) ? "true" : "false");
		break;
	default:
		ck_json_write_go(b, cell, NULL);
	}
}

static int cmp_strs(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* labels.FormatLabels: "a=b,c=d" sorted, "<none>" when there are none. */
static void format_labels(struct ck_buf *b, json_object *labels)
{
	size_t n = labels && json_object_is_type(labels, json_type_object)
		       ? (size_t)json_object_object_length(labels)
		       : 0;
	if (n == 0) {
		ck_buf_adds(b, "<none>");
		return;
	}
	const char **keys = ck_malloc(n * sizeof(*keys));
	size_t i = 0;
	json_object_object_foreach (labels, key, val) {
		(void)val;
		keys[i++] = key;
	}
	qsort(keys, n, sizeof(*keys), cmp_strs);
	for (i = 0; i < n; i++)
		ck_buf_addf(b, "%s%s=%s", i ? "," : "", keys[i],
			    json_object_get_string(json_object_object_get(labels, keys[i])));
	free(keys);
}

/* Whether the column definition col is printed: priority 0, or -o wide. */
static bool column_shown(json_object *col, const struct ck_table_print_options *o)
{
	json_object *prio = json_object_object_get(col, "priority");
	return !prio || json_object_get_int(prio) == 0 || o->wide;
}

/* A tab before every cell of a line but its first. */
static void add_separator(struct ck_buf *line, bool *first)
{
	if (!*first)
		ck_buf_addc(line, '\t');
	*first = false;
}

void ck_kubectl_print_table(struct ck_tabwriter *w, json_object *table,
			    struct ck_table_print_options *o)
{
	json_object *cols = json_object_object_get(table, "columnDefinitions");
	json_object *rows = json_object_object_get(table, "rows");
	size_t ncols = cols ? json_object_array_length(cols) : 0;
	size_t name_col = 0;
	for (size_t i = 0; i < ncols; i++)
		if (ck_streq(ck_obj_path_str(json_object_array_get_idx(cols, i), "format"),
			     "name")) {
			name_col = i;
			break;
		}
	struct ck_buf line = CK_BUF_INIT;
	if (!o->no_headers && !o->headers_printed && ncols > 0) {
		bool first = true;
		if (o->event_type) {
			ck_buf_adds(&line, "EVENT");
			first = false;
		}
		if (o->with_namespace) {
			ck_buf_adds(&line, first ? "NAMESPACE" : "\tNAMESPACE");
			first = false;
		}
		for (size_t i = 0; i < ncols; i++) {
			json_object *c = json_object_array_get_idx(cols, i);
			if (!column_shown(c, o))
				continue;
			add_separator(&line, &first);
			for (const char *p = ck_obj_path_str(c, "name"); p && *p; p++)
				ck_buf_addc(&line, (char)toupper((unsigned char)*p));
		}
		if (o->show_labels)
			ck_buf_adds(&line, "\tLABELS");
		ck_tabwriter_printf(w, "%s\n", ck_buf_str(&line));
		o->headers_printed = true;
	}
	size_t nrows = rows ? json_object_array_length(rows) : 0;
	for (size_t r = 0; r < nrows; r++) {
		json_object *row = json_object_array_get_idx(rows, r);
		json_object *cells = json_object_object_get(row, "cells");
		json_object *obj = json_object_object_get(row, "object");
		ck_buf_reset(&line);
		bool first = true;
		if (o->event_type) {
			ck_buf_adds(&line, o->event_type);
			first = false;
		}
		if (o->with_namespace) {
			const char *ns = ck_obj_namespace(obj);
			if (!first)
				ck_buf_addc(&line, '\t');
			ck_buf_adds(&line, ns ? ns : "");
			first = false;
		}
		for (size_t i = 0; i < ncols && cells && i < json_object_array_length(cells); i++) {
			if (!column_shown(json_object_array_get_idx(cols, i), o))
				continue;
			add_separator(&line, &first);
			if (i == name_col && o->kind_ref)
				ck_buf_addf(&line, "%s/", o->kind_ref);
			print_cell(&line, json_object_array_get_idx(cells, i));
		}
		if (o->show_labels) {
			ck_buf_addc(&line, '\t');
			format_labels(&line, ck_obj_labels(obj));
		}
		ck_tabwriter_printf(w, "%s\n", ck_buf_str(&line));
	}
	ck_buf_release(&line);
}

/* ---- object printers ------------------------------------------------------------------ */

int ck_kubectl_printer_parse(struct ck_kubectl *k, const char *output,
			     struct ck_kubectl_printer *ret)
{
	struct ck_kubectl_printer p = { 0 };
	if (!output || !output[0]) {
		p.output = CK_KUBECTL_OUTPUT_TABLE;
	} else if (strcmp(output, "wide") == 0) {
		p.output = CK_KUBECTL_OUTPUT_TABLE;
		p.wide = true;
	} else if (strcmp(output, "json") == 0) {
		p.output = CK_KUBECTL_OUTPUT_JSON;
	} else if (strcmp(output, "yaml") == 0) {
		p.output = CK_KUBECTL_OUTPUT_YAML;
	} else if (strcmp(output, "name") == 0) {
		p.output = CK_KUBECTL_OUTPUT_NAME;
	} else if (ck_str_has_prefix(output, "jsonpath=")) {
		p.output = CK_KUBECTL_OUTPUT_JSONPATH;
		p.arg = output + strlen("jsonpath=");
	} else if (ck_str_has_prefix(output, "custom-columns=")) {
		p.output = CK_KUBECTL_OUTPUT_CUSTOM_COLUMNS;
		p.arg = output + strlen("custom-columns=");
	} else {
		ck_kubectl_fail(
		    k,
		    "unable to match a printer suitable for the output format \"%s\", "
		    "allowed formats are: "
		    "custom-columns,custom-columns-file,go-template,go-template-file,json,"
		    "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,"
		    "wide,yaml",
		    output);
		return -EINVAL;
	}
	if (p.output == CK_KUBECTL_OUTPUT_JSONPATH) {
		struct ck_jsonpath *jp;
		char *msg = NULL;
		if (ck_jsonpath_parse(p.arg, &jp, &msg) < 0) {
			ck_kubectl_fail(k, "error parsing jsonpath %s, %s", p.arg, msg);
			free(msg);
			return -EINVAL;
		}
		ck_jsonpath_free(jp);
	}
	if (p.output == CK_KUBECTL_OUTPUT_CUSTOM_COLUMNS && !p.arg[0]) {
		ck_kubectl_fail(k, "custom-columns format specified but no custom columns given");
		return -EINVAL;
	}
	*ret = p;
	return 0;
}

/* The group of an apiVersion ("apps/v1" -> "apps", "v1" -> ""), into out. */
static void api_group(const char *api_version, char *out, size_t size)
{
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	snprintf(out, size, "%.*s", slash ? (int)(slash - api_version) : 0,
		 slash ? api_version : "");
}

void ck_kubectl_print_success(struct ck_kubectl *k, const char *group, const char *kind,
			      const char *name, const char *verb, bool name_only)
{
	char *ref = ck_kubectl_kind_ref(group, kind);
	if (name_only || !verb)
		fprintf(k->out, "%s/%s\n", ref, name);
	else
		fprintf(k->out, "%s/%s %s\n", ref, name, verb);
	free(ref);
}

int ck_kubectl_print_objects(struct ck_kubectl *k, const struct ck_kubectl_printer *p,
			     json_object *objects, bool single)
{
	size_t n = json_object_array_length(objects);
	json_object *doc;
	if (single && n == 1) {
		doc = json_object_get(json_object_array_get_idx(objects, 0));
	} else {
		doc = json_object_new_object();
		json_object_object_add(doc, "apiVersion", json_object_new_string("v1"));
		json_object_object_add(doc, "items", json_object_get(objects));
		json_object_object_add(doc, "kind", json_object_new_string("List"));
		json_object *md = json_object_new_object();
		json_object_object_add(md, "resourceVersion", json_object_new_string(""));
		json_object_object_add(doc, "metadata", md);
	}
	struct ck_buf b = CK_BUF_INIT;
	int status = 0;
	switch (p->output) {
	case CK_KUBECTL_OUTPUT_JSON:
		ck_json_write_go(&b, doc, "    ");
		ck_buf_addc(&b, '\n');
		break;
	case CK_KUBECTL_OUTPUT_YAML:
		ck_yaml_encode(doc, &b);
		break;
	case CK_KUBECTL_OUTPUT_NAME:
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_array_get_idx(objects, i);
			char group[256];
			api_group(ck_obj_path_str(o, "apiVersion"), group, sizeof(group));
			const char *kind = ck_obj_path_str(o, "kind");
			char *ref = ck_kubectl_kind_ref(group, kind ? kind : "");
			ck_buf_addf(&b, "%s/%s\n", ref, ck_obj_name(o) ? ck_obj_name(o) : "");
			free(ref);
		}
		break;
	case CK_KUBECTL_OUTPUT_JSONPATH: {
		struct ck_jsonpath *jp = NULL;
		char *msg = NULL;
		if (ck_jsonpath_parse(p->arg, &jp, &msg) < 0 ||
		    ck_jsonpath_execute(jp, doc, true, &b, &msg) < 0) {
			status = ck_kubectl_fail(k, "error executing jsonpath \"%s\": %s", p->arg,
						 msg ? msg : "invalid");
			ck_buf_reset(&b);
		}
		free(msg);
		ck_jsonpath_free(jp);
		break;
	}
	case CK_KUBECTL_OUTPUT_CUSTOM_COLUMNS: {
		struct ck_tabwriter w;
		char *msg = NULL;
		ck_tabwriter_init(&w);
		if (ck_custom_columns_print(&w, p->arg, objects, p->no_headers, &msg) < 0)
			status = ck_kubectl_fail(k, "%s", msg ? msg : "invalid custom columns");
		else
			ck_tabwriter_flush(&w, NULL, &b);
		free(msg);
		ck_tabwriter_release(&w);
		break;
	}
	case CK_KUBECTL_OUTPUT_TABLE:
		break;
	}
	fwrite(ck_buf_str(&b), 1, b.len, k->out);
	ck_buf_release(&b);
	json_object_put(doc);
	return status;
}
