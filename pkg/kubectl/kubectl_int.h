/*
 * What the files of pkg/kubectl share: the resource builder, printers,
 * JSONPath. Not for use outside pkg/kubectl (tests aside).
 */
#ifndef CK_KUBECTL_KUBECTL_INT_H
#define CK_KUBECTL_KUBECTL_INT_H

#include "kubectl/kubectl.h"

/* ---- builder.c --------------------------------------------------------------------- */

/* One thing a command acts on: an object from a file, a named object, or a collection. */
struct ck_kubectl_info {
	struct ck_api_resource res;
	char *namespace;     /* NULL: cluster-scoped, or every namespace (-A) */
	char *name;	     /* NULL: the whole collection */
	json_object *object; /* the object read from a file (owned), else NULL */
	char *source;	     /* the file it came from ("STDIN" for -), else NULL */
};

struct ck_kubectl_infos {
	struct ck_kubectl_info *v;
	size_t n;
};

void ck_kubectl_infos_release(struct ck_kubectl_infos *l);

struct ck_kubectl_builder_options {
	const struct ck_flag_strings *files; /* -f: files, directories, "-" */
	bool recursive;			     /* -R: directories recursively */
	bool all_namespaces;		     /* -A: collections across namespaces */
	bool names_required;		     /* `delete pods` alone is not allowed */
};

/*
 * Collects what the arguments (resource types and names: pods, po/x,
 * "pod a b", deploy,svc) or the -f sources name, resolving kinds through
 * discovery. *ret is initialised here. On failure prints the error (as
 * kubectl words it) and returns a negative errno; ret is then empty.
 */
int ck_kubectl_build(struct ck_kubectl *k, const struct ck_kubectl_builder_options *o, int argc,
		     char **argv, struct ck_kubectl_infos *ret);

/* "pod/x", "deployment.apps/x" for an info (owned). */
char *ck_kubectl_info_ref(const struct ck_kubectl_info *info, const char *name);

/* The gvr of an info, borrowing its strings. */
struct ck_gvr ck_kubectl_info_gvr(const struct ck_kubectl_info *info);

/* ---- wait.c: waiting on a watched object --------------------------------------------- */

/*
 * A wait's predicate: called with the object's state (borrowed), NULL when
 * it does not exist (not there at the start, or deleted). 0: wait on;
 * > 0: done; < 0: stop with that error.
 */
typedef int (*ck_kubectl_wait_fn)(void *ctx, json_object *obj);

/*
 * kubectl's watchtools.UntilWithSync on one object (what wait, delete
 * --wait, drain and rollout status share): lists it by the field selector
 * metadata.name=<name> and calls fn on what the list found, then watches
 * from the list's resourceVersion (bookmarks on; each request ends at the
 * deadline) and calls fn on every change, listing again after 410 Gone.
 * deadline_ns is on the monotonic clock (INT64_MAX: none). 0 when fn said
 * done; -ETIMEDOUT; fn's negative value; or a request's error (err set).
 */
int ck_kubectl_wait_until(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			  const char *name, int64_t deadline_ns, ck_kubectl_wait_fn fn, void *ctx,
			  struct ck_client_error *err);

/* Until the object is gone, or replaced by one whose uid is not uid (NULL: any); as above. */
int ck_kubectl_wait_gone(struct ck_client *c, const struct ck_gvr *gvr, const char *ns,
			 const char *name, const char *uid, int64_t deadline_ns,
			 struct ck_client_error *err);

/* ---- printers.c -------------------------------------------------------------------- */

/*
 * Go's text/tabwriter as kubectl sets it up for tables (minwidth 6,
 * padding 3, padded with spaces; describe sets minwidth 0, padding 2):
 * cells separated by '\t', lines by '\n'; every cell but a line's last is
 * padded to the width of its column block (the run of adjacent lines that
 * have a cell in that column, as Go's). Text is buffered until flush.
 */
struct ck_tabwriter {
	struct ck_buf text;
	size_t minwidth, padding;
	/* Columns never get narrower from one flush to the next (get -w, as kubectl). */
	bool keep_widths;
	size_t *widths;
	size_t ncols;
};
void ck_tabwriter_init(struct ck_tabwriter *w);
void ck_tabwriter_release(struct ck_tabwriter *w);
/* Appends formatted text (cells with '\t', lines with '\n'). */
void ck_tabwriter_printf(struct ck_tabwriter *w, const char *fmt, ...) CK_PRINTF(2, 3);
/* Writes the aligned text to out (or into b when out is NULL) and empties the writer. */
void ck_tabwriter_flush(struct ck_tabwriter *w, FILE *out, struct ck_buf *b);

/* How `get` prints a Table. */
struct ck_table_print_options {
	bool wide;		/* columns of priority > 0 too */
	bool no_headers;	/* no header line */
	bool with_namespace;	/* a NAMESPACE column first (-A) */
	bool show_labels;	/* a LABELS column last */
	const char *kind_ref;	/* "pod": names printed as pod/x (several types) */
	bool headers_printed;	/* in/out: the header went out already (watch) */
	const char *event_type; /* -w --output-watch-events: an EVENT column */
};

/*
 * Prints a meta.k8s.io/v1 Table (borrowed) into the tab writer as
 * kubectl's table printer does. Rows are in the order given.
 */
void ck_kubectl_print_table(struct ck_tabwriter *w, json_object *table,
			    struct ck_table_print_options *o);

/*
 * The printer named by -o for objects: "json", "yaml", "name",
 * "jsonpath=…", "jsonpath-as-json=…", "custom-columns=…", "go-template"
 * is not supported. ck_kubectl_printer_parse checks the value once.
 */
enum ck_kubectl_output {
	CK_KUBECTL_OUTPUT_TABLE, /* no -o, or -o wide */
	CK_KUBECTL_OUTPUT_JSON,
	CK_KUBECTL_OUTPUT_YAML,
	CK_KUBECTL_OUTPUT_NAME,
	CK_KUBECTL_OUTPUT_JSONPATH,
	CK_KUBECTL_OUTPUT_CUSTOM_COLUMNS,
};
struct ck_kubectl_printer {
	enum ck_kubectl_output output;
	bool wide;
	const char *arg; /* the template or column spec */
	bool no_headers;
};
/* Parses -o (NULL: table); -EINVAL after printing kubectl's error. */
int ck_kubectl_printer_parse(struct ck_kubectl *k, const char *output,
			     struct ck_kubectl_printer *ret);
/*
 * Prints objects (a JSON array, borrowed) with a non-table printer: the
 * object alone when single (one named object was asked for), else a List
 * (json, yaml, jsonpath); each (name); rows (custom-columns). 0, or 1
 * after printing an error.
 */
int ck_kubectl_print_objects(struct ck_kubectl *k, const struct ck_kubectl_printer *p,
			     json_object *objects, bool single);
/* Prints "kind/name <verb>" (or just kind/name for -o name) for a changed object. */
void ck_kubectl_print_success(struct ck_kubectl *k, const char *group, const char *kind,
			      const char *name, const char *verb, bool name_only);

/* ---- jsonpath.c --------------------------------------------------------------------- */

struct ck_jsonpath;

/*
 * Parses a kubectl JSONPath template ("{.items[*].metadata.name}",
 * "{range .items[*]}{.metadata.name}{\"\\n\"}{end}"). *ret is owned
 * (ck_jsonpath_free); -EINVAL with the error in *ret_err (owned).
 */
int ck_jsonpath_parse(const char *tmpl, struct ck_jsonpath **ret, char **ret_err);
void ck_jsonpath_free(struct ck_jsonpath *p);
/*
 * Executes against data (borrowed), appending the text to out: strings as
 * they are, numbers and booleans as Go prints them, maps and lists as
 * json.Marshal; several results of one expression separated by a space.
 * Missing keys print nothing when allow_missing (kubectl get), else
 * -ENOENT "<key> is not found". -EINVAL for other errors; *ret_err owned.
 */
int ck_jsonpath_execute(const struct ck_jsonpath *p, json_object *data, bool allow_missing,
			struct ck_buf *out, char **ret_err);
/*
 * The results of a template holding one expression, as an array the
 * caller owns (elements shared with data), for sorting and custom columns.
 */
int ck_jsonpath_find(const struct ck_jsonpath *p, json_object *data, json_object **ret,
		     char **ret_err);
/* kubectl's RelaxedJSONPathExpression: ".a.b" and "a.b" become "{.a.b}" (owned). */
char *ck_jsonpath_relaxed(const char *expr);

/*
 * Custom columns ("NAME:.metadata.name,NS:.metadata.namespace") printed
 * for objects (array, borrowed) into the tab writer; values of several
 * results are joined by ",", none is "<none>". -EINVAL with *ret_err.
 */
int ck_custom_columns_print(struct ck_tabwriter *w, const char *spec, json_object *objects,
			    bool no_headers, char **ret_err);

/* ---- describe_pod.c, describe_apps.c ---------------------------------------------------- */

/*
 * kubectl's DescribePodTemplate: the "Pod Template:" block of a
 * PodTemplateSpec (borrowed; NULL prints <unset>) as describe and
 * `rollout history --revision` print it, into a describe tab writer.
 */
void ck_kubectl_describe_pod_template(struct ck_tabwriter *w, json_object *tmpl);

/*
 * deploymentutil's EqualIgnoreHash: whether two PodTemplateSpecs (borrowed)
 * are the same but for the pod-template-hash label, absent fields and
 * empty ones counting as equal (apiequality.Semantic).
 */
bool ck_kubectl_templates_equal(json_object *a, json_object *b);

#endif
