/*
 * What the describers (describe*.c, upstream's k8s.io/kubectl/pkg/describe)
 * share. A describer prints "Field:\tvalue" lines into d->w, a tab writer set
 * up as kubectl's (minwidth 0, padding 2); nested levels are two spaces
 * each. Objects are borrowed; returned strings and arrays are owned by the
 * caller unless said otherwise. A describer returns 0, or a negative errno
 * with d->err set when a request failed.
 */
#ifndef CK_KUBECTL_DESCRIBE_INT_H
#define CK_KUBECTL_DESCRIBE_INT_H

#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"

/* What a describer needs. */
struct ck_describe {
	struct ck_kubectl *k;
	struct ck_client *c;
	struct ck_tabwriter *w;
	struct ck_buf *text; /* what w flushed so far */
	struct ck_client_error *err;
	bool show_events;
};

/* ---- describe.c: shared helpers ------------------------------------------------------ */

/* An integer field (0 when absent), a boolean one (false when absent). */
static inline int64_t ck_describe_int(json_object *obj, const char *path)
{
	json_object *v = ck_obj_path(obj, path);
	return v ? json_object_get_int64(v) : 0;
}

static inline bool ck_describe_bool(json_object *obj, const char *path)
{
	json_object *v = ck_obj_path(obj, path);
	return v && json_object_get_boolean(v);
}

/* printLabelsMultiline: "Title:\ta=b" then "\tc=d" lines, or <none>. */
void ck_describe_labels(struct ck_tabwriter *w, const char *title, json_object *labels);
/* printLabelsMultilineWithIndent: indent before the title and before each further line. */
void ck_describe_labels_indent(struct ck_tabwriter *w, const char *indent, const char *title,
			       json_object *labels);

/* labels.FormatLabels: "a=b,c=d" sorted, or <none> (owned). */
char *ck_describe_format_labels(json_object *m);

/* printAnnotationsMultiline: long or multi-line values on lines of their own. */
void ck_describe_annotations(struct ck_tabwriter *w, const char *title, json_object *annotations);

/* Name, Namespace (when namespaced), Labels, Annotations. */
void ck_describe_meta(struct ck_describe *d, json_object *obj);

/* translateTimestampSince: the age of an RFC 3339 time, "<unknown>" when unset. */
void ck_describe_age(const char *t, char *out, size_t size);

/* An RFC 3339 time (NULL: Go's zero time) as Go's time.RFC1123Z in the local zone. */
#define CK_DESCRIBE_TIME_BUF 64
void ck_describe_time(const char *t, char out[CK_DESCRIBE_TIME_BUF]);

/*
 * A LabelSelector object as LabelSelectorAsSelector(...).String(), or
 * if_empty when that is "" (metav1.FormatLabelSelector: "<none>").
 */
char *ck_describe_selector(json_object *label_selector, const char *if_empty);

/* "Controlled By:\tKind/name" of obj's controller, when it has one. */
void ck_describe_controlled_by(struct ck_tabwriter *w, json_object *obj);

/* "title:\tvalue" of the string at path in obj, when it is set and not empty. */
void ck_describe_optional(struct ck_tabwriter *w, const char *title, json_object *obj,
			  const char *path);

/* DescribeEvents for the events about obj (its kind, name, namespace and uid). */
int ck_describe_events(struct ck_describe *d, json_object *obj);

/*
 * The same for a reference: kind may be NULL (any kind, as for pods); each
 * of the n uids is searched for (nodes: the uid and the name) and the
 * events merged.
 */
int ck_describe_events_ref(struct ck_describe *d, const char *ns, const char *name,
			   const char *kind, const char *const *uids, size_t n);

/* ---- describe_core.c --------------------------------------------------------------------- */

int ck_describe_namespace(struct ck_describe *d, json_object *ns);
int ck_describe_limitrange(struct ck_describe *d, json_object *lr);
int ck_describe_resourcequota(struct ck_describe *d, json_object *quota);
int ck_describe_secret(struct ck_describe *d, json_object *secret);
int ck_describe_serviceaccount(struct ck_describe *d, json_object *sa);
int ck_describe_endpoints(struct ck_describe *d, json_object *ep);
int ck_describe_rolebinding(struct ck_describe *d, json_object *binding);

/* ---- describe_pod.c ----------------------------------------------------------------------- */

int ck_describe_pod(struct ck_describe *d, json_object *pod);

/*
 * kubectl's resourcehelper.PodRequestsAndLimits: a pod's requests and
 * limits as ResourceList objects ({"cpu": "250m"}; *ret_requests and
 * *ret_limits owned), as Quantities summed keep the first one's format.
 */
void ck_describe_pod_requests_limits(json_object *pod, json_object **ret_requests,
				     json_object **ret_limits);

/* Quantity arithmetic on ResourceList objects: list[name] += q, or max. */
void ck_describe_resource_add(json_object *list, const char *name, json_object *q);

/* The string of a ResourceList entry as Go's Quantity.String() ("0" when absent, owned). */
char *ck_describe_quantity(json_object *list, const char *name);

/* printPodTolerationsMultiline with a title ("Tolerations", "  Tolerations"). */
void ck_describe_tolerations(struct ck_tabwriter *w, const char *title, json_object *tolerations);

/* ---- describe_apps.c ---------------------------------------------------------------------- */

int ck_describe_deployment(struct ck_describe *d, json_object *deployment);
int ck_describe_replicaset(struct ck_describe *d, json_object *rs);
int ck_describe_statefulset(struct ck_describe *d, json_object *sts);
int ck_describe_daemonset(struct ck_describe *d, json_object *ds);

/* ---- describe_batch.c --------------------------------------------------------------------- */

int ck_describe_job(struct ck_describe *d, json_object *job);
int ck_describe_cronjob(struct ck_describe *d, json_object *cj);

/* ---- describe_node.c ---------------------------------------------------------------------- */

int ck_describe_node(struct ck_describe *d, json_object *node);

/* ---- describe_generic.c ------------------------------------------------------------------- */

int ck_describe_generic(struct ck_describe *d, json_object *obj);
int ck_describe_priorityclass(struct ck_describe *d, json_object *pc);

#endif
