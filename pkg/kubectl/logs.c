/*
 * kubectl logs: a pod's container logs through pods/log (the API server
 * proxies its node's kubelet).
 *
 *	logs POD [CONTAINER] | TYPE/NAME | -l SELECTOR
 *	     [-c CONTAINER] [--all-containers] [-f] [--tail N] [-p] [--timestamps]
 *	     [--since DURATION | --since-time RFC3339] [--limit-bytes N]
 *	     [--prefix] [--ignore-errors] [--max-log-requests N]
 *	     [--pod-running-timeout DURATION]
 *
 * As kubectl: the container defaults to the pod's
 * kubectl.kubernetes.io/default-container annotation, else its first one
 * (saying so on stderr when it had a choice); a workload (TYPE/NAME other
 * than a pod) logs its first pod in kubectl's ByLogging order; a selector
 * logs every matching pod with the last 10 lines unless --tail says
 * otherwise; several streams followed at once are read in parallel, whole
 * lines at a time, each prefixed "[pod/NAME/CONTAINER] " with --prefix.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "kubectl/kubectl_int.h"
#include "util/buf.h"
#include "util/cancel.h"
#include "util/str.h"
#include "util/time.h"

#define DEFAULT_CONTAINER_ANNOTATION "kubectl.kubernetes.io/default-container"
#define USAGE_ERROR                                                                           \
	"expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a " \
	"required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
#define TAIL_UNSET INT64_MIN

static struct {
	const char *container;
	bool all_containers, follow, previous, timestamps, prefix, ignore_errors;
	int64_t tail, limit_bytes, since_ms, pod_running_timeout_ms;
	const char *since_time, *selector;
	int max_log_requests;
} o = { .tail = TAIL_UNSET, .max_log_requests = 5, .pod_running_timeout_ms = 20 * 1000 };

static const struct ck_flag logs_flags[] = {
	{ "container", CK_FLAG_STRING, &o.container, "Print the logs of this container" },
	{ "all-containers", CK_FLAG_BOOL, &o.all_containers,
	  "Get all containers' logs in the pod(s)." },
	{ "follow", CK_FLAG_BOOL, &o.follow, "Specify if the logs should be streamed." },
	{ "previous", CK_FLAG_BOOL, &o.previous,
	  "If true, print the logs for the previous instance of the container in a pod if it "
	  "exists." },
	{ "timestamps", CK_FLAG_BOOL, &o.timestamps,
	  "Include timestamps on each line in the log output" },
	{ "tail", CK_FLAG_INT64, &o.tail,
	  "Lines of recent log file to display. Defaults to -1 with no selector, showing all "
	  "log lines otherwise 10, if a selector is provided." },
	{ "limit-bytes", CK_FLAG_INT64, &o.limit_bytes,
	  "Maximum bytes of logs to return. Defaults to no limit." },
	{ "since", CK_FLAG_DURATION, &o.since_ms,
	  "Only return logs newer than a relative duration like 5s, 2m, or 3h." },
	{ "since-time", CK_FLAG_STRING, &o.since_time,
	  "Only return logs after a specific date (RFC3339)." },
	{ "selector", CK_FLAG_STRING, &o.selector, "Selector (label query) to filter on" },
	{ "prefix", CK_FLAG_BOOL, &o.prefix,
	  "Prefix each log line with the log source (pod name and container name)" },
	{ "ignore-errors", CK_FLAG_BOOL, &o.ignore_errors,
	  "If watching / following pod logs, allow for any errors that occur to be non-fatal" },
	{ "max-log-requests", CK_FLAG_INT, &o.max_log_requests,
	  "Specify maximum number of concurrent logs to follow when using by a selector." },
	{ "pod-running-timeout", CK_FLAG_DURATION, &o.pod_running_timeout_ms,
	  "The length of time to wait until at least one pod is running" },
	{ 0 },
};
static const struct ck_flag_shorthand logs_shorthands[] = {
	{ 'c', "container" }, { 'f', "follow" }, { 'p', "previous" }, { 'l', "selector" }, { 0 }
};

/* One log to read: a pod's container. */
struct log_request {
	char *pod;
	char *container;
	struct ck_buf line; /* a partial line, when lines are kept whole */
	struct ck_client_error err;
	int r;
};

struct logs_run {
	struct ck_kubectl *k;
	struct ck_client *c;
	const char *ns;
	const char *const *params; /* the PodLogOptions query but the container */
	bool whole_lines;	   /* several streams at once: whole lines only */
	pthread_mutex_t out_lock;
	struct ck_cancel cancel;
};

struct stream_ctx {
	struct logs_run *run;
	struct log_request *req;
};

/* Writes a piece of log to stdout, with the prefix at each line start when asked. */
static void emit(struct logs_run *run, struct log_request *req, const char *data, size_t len)
{
	pthread_mutex_lock(&run->out_lock);
	if (!o.prefix) {
		fwrite(data, 1, len, run->k->out);
	} else {
		size_t i = 0;
		while (i < len) {
			const char *nl = memchr(data + i, '\n', len - i);
			size_t n = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
			fprintf(run->k->out, "[pod/%s/%s] ", req->pod, req->container);
			fwrite(data + i, 1, n, run->k->out);
			i += n;
		}
	}
	fflush(run->k->out);
	pthread_mutex_unlock(&run->out_lock);
}

static int on_data(void *arg, const char *data, size_t len)
{
	struct stream_ctx *s = arg;
	if (!s->run->whole_lines) {
		emit(s->run, s->req, data, len);
		return 0;
	}
	ck_buf_add(&s->req->line, data, len);
	const char *buf = ck_buf_str(&s->req->line);
	const char *last = memrchr(buf, '\n', s->req->line.len);
	if (last) {
		size_t n = (size_t)(last - buf) + 1;
		emit(s->run, s->req, buf, n);
		char *rest = ck_strndup(buf + n, s->req->line.len - n);
		size_t rest_len = s->req->line.len - n;
		ck_buf_reset(&s->req->line);
		ck_buf_add(&s->req->line, rest, rest_len);
		free(rest);
	}
	return 0;
}

/* Reads one log to its end (or until cancelled); 0 or the request's error. */
static int stream_one(struct logs_run *run, struct log_request *req)
{
	const char *params[32];
	size_t n = 0;
	params[n++] = "container";
	params[n++] = req->container;
	for (size_t i = 0; run->params[i] && n + 2 < CK_ARRAY_SIZE(params); i++)
		params[n++] = run->params[i];
	params[n] = NULL;
	struct ck_client_request cr = {
		.version = "v1",
		.resource = "pods",
		.namespace = run->ns,
		.name = req->pod,
		.subresource = "log",
		.params = params,
		.accept = "*/*",
		.cancel = &run->cancel,
	};
	struct stream_ctx s = { run, req };
	req->r = ck_client_stream(run->c, &cr, on_data, &s, &req->err);
	if (req->line.len) /* the last line had no newline */
		emit(run, req, ck_buf_str(&req->line), req->line.len);
	ck_buf_reset(&req->line);
	return req->r;
}

static void *stream_thread(void *arg)
{
	struct stream_ctx *s = arg;
	if (stream_one(s->run, s->req) < 0 && s->req->r != -ECANCELED && !o.ignore_errors)
		ck_cancel_fire(&s->run->cancel); /* kubectl: the first error ends them all */
	return NULL;
}

/* ---- which pods and containers -------------------------------------------------- */

static void add_request(struct log_request **v, size_t *n, const char *pod, const char *container)
{
	*v = ck_realloc(*v, (*n + 1) * sizeof(**v));
	struct log_request *r = &(*v)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->pod = ck_strdup(pod);
	r->container = ck_strdup(container);
	ck_buf_init(&r->line, 0);
	ck_client_error_init(&r->err);
}

static json_object *containers_of(json_object *pod, const char *field)
{
	json_object *l = ck_obj_path(pod, field);
	return l && json_object_is_type(l, json_type_array) ? l : NULL;
}

static bool has_container(json_object *pod, const char *name)
{
	static const char *const fields[] = { "spec.initContainers", "spec.containers",
					      "spec.ephemeralContainers" };
	for (size_t f = 0; f < CK_ARRAY_SIZE(fields); f++) {
		json_object *l = containers_of(pod, fields[f]);
		for (size_t i = 0; l && i < json_object_array_length(l); i++)
			if (ck_streq(
				ck_obj_path_str_or(json_object_array_get_idx(l, i), "name", ""),
				name))
				return true;
	}
	return false;
}

/* podcmd.AllContainerNames: "a, b, dbg (ephem), init (init)" (owned). */
static char *all_container_names(json_object *pod)
{
	static const struct {
		const char *field, *suffix;
	} kinds[] = { { "spec.containers", "" },
		      { "spec.ephemeralContainers", " (ephem)" },
		      { "spec.initContainers", " (init)" } };
	struct ck_buf b = CK_BUF_INIT;
	for (size_t k = 0; k < CK_ARRAY_SIZE(kinds); k++) {
		json_object *l = containers_of(pod, kinds[k].field);
		for (size_t i = 0; l && i < json_object_array_length(l); i++)
			ck_buf_addf(&b, "%s%s%s", b.len ? ", " : "",
				    ck_obj_path_str_or(json_object_array_get_idx(l, i), "name", ""),
				    kinds[k].suffix);
	}
	return ck_buf_detach(&b, NULL);
}

/* The requests for one pod: every container, the one asked for, or the default one. */
static int pod_requests(struct ck_kubectl *k, json_object *pod, struct log_request **v, size_t *n)
{
	const char *name = ck_obj_name(pod);
	if (o.all_containers) {
		static const char *const fields[] = { "spec.initContainers", "spec.containers",
						      "spec.ephemeralContainers" };
		for (size_t f = 0; f < CK_ARRAY_SIZE(fields); f++) {
			json_object *l = containers_of(pod, fields[f]);
			for (size_t i = 0; l && i < json_object_array_length(l); i++)
				add_request(v, n, name,
					    ck_obj_path_str_or(json_object_array_get_idx(l, i),
							       "name", ""));
		}
		return 0;
	}
	if (o.container) {
		if (!has_container(pod, o.container))
			return ck_kubectl_fail(k, "container %s is not valid for pod %s",
					       o.container, name);
		add_request(v, n, name, o.container);
		return 0;
	}
	json_object *containers = containers_of(pod, "spec.containers");
	if (!containers || json_object_array_length(containers) == 0)
		return ck_kubectl_fail(k, "pod %s/%s does not have any containers",
				       ck_obj_namespace(pod), name);
	json_object *annotations = ck_obj_path(pod, "metadata.annotations"), *annotated = NULL;
	if (annotations &&
	    json_object_object_get_ex(annotations, DEFAULT_CONTAINER_ANNOTATION, &annotated) &&
	    has_container(pod, json_object_get_string(annotated))) {
		add_request(v, n, name, json_object_get_string(annotated));
		return 0;
	}
	const char *first =
	    ck_obj_path_str_or(json_object_array_get_idx(containers, 0), "name", "");
	if (json_object_array_length(containers) > 1 || containers_of(pod, "spec.initContainers") ||
	    containers_of(pod, "spec.ephemeralContainers")) {
		char *all = all_container_names(pod);
		fprintf(k->err, "Defaulted container \"%s\" out of: %s\n", first, all);
		free(all);
	}
	add_request(v, n, name, first);
	return 0;
}

/* podutils.ByLogging: whether pod a is a better one to show than b. */
static int phase_rank(json_object *pod)
{
	const char *phase = ck_obj_path_str_or(pod, "status.phase", "");
	return ck_streq(phase, "Running") ? 2 : ck_streq(phase, "Unknown") ? 1 : 0;
}

static bool pod_ready(json_object *pod)
{
	json_object *conds = ck_obj_path(pod, "status.conditions");
	for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		if (ck_streq(ck_obj_path_str_or(c, "type", ""), "Ready"))
			return ck_streq(ck_obj_path_str_or(c, "status", ""), "True");
	}
	return false;
}

static int64_t max_restarts(json_object *pod)
{
	int64_t m = 0;
	json_object *l = ck_obj_path(pod, "status.containerStatuses");
	for (size_t i = 0; l && i < json_object_array_length(l); i++) {
		json_object *rc = ck_obj_path(json_object_array_get_idx(l, i), "restartCount");
		if (rc && json_object_get_int64(rc) > m)
			m = json_object_get_int64(rc);
	}
	return m;
}

static int by_logging(const void *x, const void *y)
{
	json_object *a = *(json_object *const *)x, *b = *(json_object *const *)y;
	bool an = *ck_obj_path_str_or(a, "spec.nodeName", ""),
	     bn = *ck_obj_path_str_or(b, "spec.nodeName", "");
	if (an != bn)
		return an ? -1 : 1;
	if (phase_rank(a) != phase_rank(b))
		return phase_rank(b) - phase_rank(a);
	if (pod_ready(a) != pod_ready(b))
		return pod_ready(a) ? -1 : 1;
	if (max_restarts(a) != max_restarts(b))
		return max_restarts(a) > max_restarts(b) ? -1 : 1;
	return strcmp(ck_obj_path_str_or(a, "metadata.creationTimestamp", ""),
		      ck_obj_path_str_or(b, "metadata.creationTimestamp", ""));
}

/* The pods matching selector, sorted ByLogging when sort is set (*ret owned: an array). */
static int list_pods(struct ck_kubectl *k, struct ck_client *c, const char *ns,
		     const char *selector, bool sort, json_object **ret)
{
	static const struct ck_gvr pods = { "", "v1", "pods" };
	struct ck_client_list_options lo = { .label_selector = selector };
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *list = NULL;
	if (ck_client_list(c, &pods, ns, &lo, &list, &err) < 0) {
		int r = ck_kubectl_print_error(k, &err);
		ck_client_error_release(&err);
		return -r;
	}
	ck_client_error_release(&err);
	json_object *items = json_object_get(ck_obj_path(list, "items"));
	json_object_put(list);
	if (!items)
		items = json_object_new_array();
	if (sort)
		json_object_array_sort(items, by_logging);
	*ret = items;
	return 0;
}

/* The kinds kubectl's SelectorsForObject knows, and whether their selector is a label map. */
static const struct {
	const char *group, *kind;
	bool map;
} selector_kinds[] = {
	{ "", "ReplicationController", true },
	{ "", "Service", true },
	{ "apps", "ReplicaSet", false },
	{ "apps", "Deployment", false },
	{ "apps", "StatefulSet", false },
	{ "apps", "DaemonSet", false },
	{ "batch", "Job", false },
};

/* GetFirstPod: the best pod of a workload's selector, waiting for one to appear. */
static int first_pod(struct ck_kubectl *k, struct ck_client *c, const char *ns,
		     const struct ck_api_resource *res, json_object *obj, json_object **ret)
{
	json_object *sel_json = ck_obj_path(obj, "spec.selector");
	struct ck_label_selector *sel = NULL;
	char *perr = NULL;
	int r, known = -1;
	for (size_t i = 0; i < CK_ARRAY_SIZE(selector_kinds); i++)
		if (ck_streq(selector_kinds[i].group, res->group) &&
		    ck_streq(selector_kinds[i].kind, res->kind))
			known = (int)i;
	if (known < 0) {
		/* kubectl names the Go type: *v1.ConfigMap */
		r = ck_kubectl_fail(k,
				    "cannot get the logs from *%s.%s: selector for *%s.%s not "
				    "implemented",
				    res->version, res->kind, res->version, res->kind);
		return -r;
	}
	if (selector_kinds[known].map) {
		bool empty = !sel_json || !json_object_is_type(sel_json, json_type_object) ||
			     json_object_object_length(sel_json) == 0;
		if (empty && ck_streq(res->kind, "Service")) {
			r = ck_kubectl_fail(
			    k,
			    "cannot get the logs from *%s.Service: invalid service '%s': "
			    "Service is defined without a selector",
			    res->version, ck_obj_name(obj));
			return -r;
		}
		sel = ck_labels_selector_from_set(sel_json);
	} else if (ck_label_selector_from_json(sel_json, &sel, &perr) < 0) {
		r = ck_kubectl_fail(k, "cannot get the logs from *%s.%s: %s", res->version,
				    res->kind, perr ? perr : "invalid selector");
		free(perr);
		return -r;
	}
	char *selector = ck_label_selector_string(sel);
	ck_label_selector_free(sel);
	int64_t deadline = ck_time_mono_ns() + o.pod_running_timeout_ms * 1000000;
	json_object *pods = NULL;
	for (;;) {
		if ((r = list_pods(k, c, ns, selector, true, &pods)) < 0)
			break;
		if (json_object_array_length(pods) > 0) {
			if (json_object_array_length(pods) > 1)
				fprintf(k->err, "Found %zu pods, using pod/%s\n",
					json_object_array_length(pods),
					ck_obj_name(json_object_array_get_idx(pods, 0)));
			*ret = json_object_get(json_object_array_get_idx(pods, 0));
			r = 0;
			break;
		}
		json_object_put(pods);
		pods = NULL;
		if (ck_time_mono_ns() >= deadline) {
			r = -ck_kubectl_fail(k, "timed out waiting for the condition");
			break;
		}
		ck_cancel_sleep_ms(NULL, 500);
	}
	json_object_put(pods);
	free(selector);
	return r;
}

/* ---- the command ------------------------------------------------------------------ */

/* The PodLogOptions query but the container: key, value, ..., NULL into params (strings in b). */
static void log_params(const char *params[16], char nums[3][32])
{
	size_t n = 0;
	if (o.follow) {
		params[n++] = "follow";
		params[n++] = "true";
	}
	if (o.limit_bytes) {
		snprintf(nums[0], 32, "%" PRId64, o.limit_bytes);
		params[n++] = "limitBytes";
		params[n++] = nums[0];
	}
	if (o.previous) {
		params[n++] = "previous";
		params[n++] = "true";
	}
	if (o.since_ms) {
		snprintf(nums[1], 32, "%" PRId64, (o.since_ms + 500) / 1000);
		params[n++] = "sinceSeconds";
		params[n++] = nums[1];
	}
	if (o.since_time) {
		params[n++] = "sinceTime";
		params[n++] = o.since_time;
	}
	int64_t tail = o.tail;
	if (o.selector && tail == TAIL_UNSET)
		tail = 10;
	if (tail != TAIL_UNSET && tail != -1) {
		snprintf(nums[2], 32, "%" PRId64, tail);
		params[n++] = "tailLines";
		params[n++] = nums[2];
	}
	if (o.timestamps) {
		params[n++] = "timestamps";
		params[n++] = "true";
	}
	params[n] = NULL;
}

static int validate(struct ck_kubectl *k, int argc, char **argv)
{
	if ((argc == 0 && !o.selector) || argc > 2)
		return ck_kubectl_fail(k, "%s", USAGE_ERROR);
	if (argc == 1 && o.selector)
		return ck_kubectl_fail(k, "only a selector (-l) or a POD name is allowed");
	if (argc == 2 && o.container)
		return ck_kubectl_fail(k, "only one of -c or an inline [CONTAINER] arg is allowed");
	if (argc == 2)
		o.container = argv[1];
	int64_t ns;
	if (o.since_time && ck_time_parse(o.since_time, &ns) < 0)
		return ck_kubectl_fail(
		    k,
		    "parsing time \"%s\" as \"2006-01-02T15:04:05Z07:00\": cannot "
		    "parse \"%s\" as \"2006\"",
		    o.since_time, o.since_time);
	if (o.since_time && o.since_ms)
		return ck_kubectl_fail(k, "at most one of `sinceTime` or `sinceSeconds` may be "
					  "specified");
	if (o.all_containers && o.container)
		return ck_kubectl_fail(
		    k, "--all-containers=true should not be specified with container name %s",
		    o.container);
	if (o.limit_bytes < 0)
		return ck_kubectl_fail(k, "--limit-bytes must be greater than 0");
	if (o.since_ms < 0)
		return ck_kubectl_fail(k, "--since must be greater than 0");
	if (o.tail != TAIL_UNSET && o.tail < -1)
		return ck_kubectl_fail(k, "--tail must be greater than or equal to -1");
	return 0;
}

/* The requests the arguments name; 0, or the exit status after printing an error. */
static int collect(struct ck_kubectl *k, struct ck_client *c, const char *ns, int argc, char **argv,
		   struct log_request **v, size_t *n)
{
	json_object *pods = NULL;
	int r = 0;
	if (argc == 0) {
		if ((r = list_pods(k, c, ns, o.selector, false, &pods)) < 0)
			return -r;
		if (json_object_array_length(pods) == 0)
			fprintf(k->err, "No resources found in %s namespace.\n", ns);
	} else {
		/* POD, or TYPE/NAME of a pod or of a workload */
		const char *slash = strchr(argv[0], '/');
		char *type =
		    slash ? ck_strndup(argv[0], (size_t)(slash - argv[0])) : ck_strdup("pods");
		const char *name = slash ? slash + 1 : argv[0];
		struct ck_api_resource res = { 0 };
		if (ck_kubectl_resolve(k, type, &res) < 0) {
			free(type);
			return 1;
		}
		free(type);
		struct ck_gvr gvr = { res.group, res.version, res.resource };
		struct ck_client_error err;
		ck_client_error_init(&err);
		json_object *obj = NULL;
		if (ck_client_get(c, &gvr, res.namespaced ? ns : NULL, name, &obj, &err) ==
		    -ENOENT) {
			/* kubectl logs words it its own way */
			r = ck_kubectl_fail(k,
					    "error from server (NotFound): %s in namespace \"%s\"",
					    ck_obj_path_str_or(err.status, "message", ""), ns);
		} else if (!obj) {
			r = ck_kubectl_print_error(k, &err);
		} else if (ck_streq(res.resource, "pods") && !*res.group) {
			pods = json_object_new_array();
			json_object_array_add(pods, json_object_get(obj));
		} else {
			json_object *pod = NULL;
			if ((r = first_pod(k, c, ns, &res, obj, &pod)) == 0) {
				pods = json_object_new_array();
				json_object_array_add(pods, pod);
			} else {
				r = -r;
			}
		}
		json_object_put(obj);
		ck_client_error_release(&err);
		ck_api_resource_release(&res);
		if (r)
			return r;
	}
	for (size_t i = 0; i < json_object_array_length(pods) && !r; i++)
		r = pod_requests(k, json_object_array_get_idx(pods, i), v, n);
	json_object_put(pods);
	return r;
}

static int run_logs(struct ck_kubectl *k, int argc, char **argv)
{
	int status = validate(k, argc, argv);
	if (status)
		return status;
	struct ck_client *c;
	const char *ns;
	if (ck_kubectl_client(k, &c) < 0 || !(ns = ck_kubectl_namespace(k)))
		return 1;
	struct log_request *reqs = NULL;
	size_t n = 0;
	if ((status = collect(k, c, ns, argc, argv, &reqs, &n)) != 0)
		goto out;
	const char *params[16];
	char nums[3][32];
	log_params(params, nums);
	struct logs_run run = { .k = k, .c = c, .ns = ns, .params = params };
	pthread_mutex_init(&run.out_lock, NULL);
	ck_cancel_init(&run.cancel);
	if (o.follow && n > 1) {
		if (n > (size_t)o.max_log_requests) {
			status = ck_kubectl_fail(
			    k,
			    "you are attempting to follow %zu log streams, but maximum allowed "
			    "concurrency is %d, use --max-log-requests to increase the limit",
			    n, o.max_log_requests);
		} else {
			run.whole_lines = true;
			pthread_t *th = ck_calloc(n, sizeof(*th));
			struct stream_ctx *ctx = ck_calloc(n, sizeof(*ctx));
			for (size_t i = 0; i < n; i++) {
				ctx[i] = (struct stream_ctx){ &run, &reqs[i] };
				pthread_create(&th[i], NULL, stream_thread, &ctx[i]);
			}
			for (size_t i = 0; i < n; i++)
				pthread_join(th[i], NULL);
			for (size_t i = 0; i < n && !status; i++)
				if (reqs[i].r < 0 && reqs[i].r != -ECANCELED)
					status = o.ignore_errors
						     ? (fprintf(k->out, "error: %s\n",
								reqs[i].err.message),
							0)
						     : ck_kubectl_print_error(k, &reqs[i].err);
			free(th);
			free(ctx);
		}
	} else {
		for (size_t i = 0; i < n && !status; i++) {
			if (stream_one(&run, &reqs[i]) < 0) {
				if (o.ignore_errors)
					fprintf(k->out, "error: %s\n", reqs[i].err.message);
				else
					status = ck_kubectl_print_error(k, &reqs[i].err);
			}
		}
	}
	ck_cancel_release(&run.cancel);
	pthread_mutex_destroy(&run.out_lock);
out:
	for (size_t i = 0; i < n; i++) {
		free(reqs[i].pod);
		free(reqs[i].container);
		ck_buf_release(&reqs[i].line);
		ck_client_error_release(&reqs[i].err);
	}
	free(reqs);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_logs = {
	.name = "logs",
	.summary = "Print the logs for a container in a pod",
	.flags = logs_flags,
	.shorthands = logs_shorthands,
	.run = run_logs,
};
