/*
 * core/v1 pods (upstream's pkg/registry/core/pod): defaulting, validation
 * and immutability, status (phase Pending and the QoS class on create),
 * graceful deletion (a pod bound to a node waits for its kubelet),
 * pods/status, pods/binding and pods/eviction, field selectors, and the
 * `kubectl get pods` columns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/qos.h"
#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "registry/core/pod_log.h"
#include "registry/core/podspec.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/str.h"
#include "util/time.h"

/* ---- the `kubectl get pods` row (upstream's printPod) ---- */

struct pod_row {
	int ready, total;
	char reason[160];
	int restarts;
	int64_t last_restart_ns; /* 0 when none */
};

static bool cond_true(json_object *status, const char *type)
{
	json_object *conds = ck_core_arr(status, "conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (ck_streq(ck_core_str(c, "type"), type))
			return ck_streq(ck_core_str(c, "status"), "True");
	}
	return false;
}

static int64_t int_field(json_object *o, const char *key)
{
	int64_t v = 0;
	ck_core_int(o, key, &v);
	return v;
}

/* The later of *last and the container's last termination. */
static void last_termination(json_object *cs, int64_t *last)
{
	json_object *t = ck_core_obj(ck_core_obj(cs, "lastState"), "terminated");
	int64_t at;
	if (t && ck_time_parse(ck_core_str(t, "finishedAt"), &at) == 0 && at > *last)
		*last = at;
}

static bool restartable_init(json_object *spec, const char *name)
{
	json_object *inits = ck_core_arr(spec, "initContainers");
	for (size_t i = 0; i < ck_core_len(inits); i++) {
		json_object *c = ck_core_at(inits, i);
		if (ck_streq(ck_core_str(c, "name"), name))
			return ck_streq(ck_core_str(c, "restartPolicy"), "Always");
	}
	return false;
}

static void pod_row(json_object *pod, struct pod_row *r)
{
	json_object *spec = ck_core_obj(pod, "spec"), *status = ck_core_obj(pod, "status");
	json_object *inits = ck_core_arr(spec, "initContainers");
	memset(r, 0, sizeof(*r));
	r->total = (int)ck_core_len(ck_core_arr(spec, "containers"));
	const char *phase = ck_core_str(status, "phase");
	snprintf(r->reason, sizeof(r->reason), "%s",
		 *ck_core_str(status, "reason") ? ck_core_str(status, "reason") : phase);
	json_object *conds = ck_core_arr(status, "conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (ck_streq(ck_core_str(c, "type"), "PodScheduled") &&
		    ck_streq(ck_core_str(c, "reason"), "SchedulingGated"))
			snprintf(r->reason, sizeof(r->reason), "SchedulingGated");
	}
	for (size_t i = 0; i < ck_core_len(inits); i++)
		if (ck_streq(ck_core_str(ck_core_at(inits, i), "restartPolicy"), "Always"))
			r->total++;

	int restartable_restarts = 0;
	int64_t restartable_last = 0;
	bool initializing = false;
	json_object *ics = ck_core_arr(status, "initContainerStatuses");
	for (size_t i = 0; i < ck_core_len(ics); i++) {
		json_object *c = ck_core_at(ics, i);
		const char *name = ck_core_str(c, "name");
		bool restartable = restartable_init(spec, name);
		r->restarts += (int)int_field(c, "restartCount");
		last_termination(c, &r->last_restart_ns);
		if (restartable) {
			restartable_restarts += (int)int_field(c, "restartCount");
			last_termination(c, &restartable_last);
		}
		json_object *state = ck_core_obj(c, "state");
		json_object *term = ck_core_obj(state, "terminated");
		json_object *wait = ck_core_obj(state, "waiting");
		if (term && int_field(term, "exitCode") == 0)
			continue;
		if (restartable && ck_core_bool(c, "started")) {
			if (ck_core_bool(c, "ready"))
				r->ready++;
			continue;
		}
		if (term) {
			const char *tr = ck_core_str(term, "reason");
			if (!*tr) {
				if (int_field(term, "signal") != 0)
					snprintf(r->reason, sizeof(r->reason), "Init:Signal:%lld",
						 (long long)int_field(term, "signal"));
				else
					snprintf(r->reason, sizeof(r->reason), "Init:ExitCode:%lld",
						 (long long)int_field(term, "exitCode"));
			} else {
				snprintf(r->reason, sizeof(r->reason), "Init:%.150s", tr);
			}
		} else if (wait && *ck_core_str(wait, "reason") &&
			   !ck_streq(ck_core_str(wait, "reason"), "PodInitializing")) {
			snprintf(r->reason, sizeof(r->reason), "Init:%.150s",
				 ck_core_str(wait, "reason"));
		} else {
			snprintf(r->reason, sizeof(r->reason), "Init:%zu/%zu", i,
				 ck_core_len(inits));
		}
		initializing = true;
		break;
	}
	if (!initializing || cond_true(status, "Initialized")) {
		r->restarts = restartable_restarts;
		r->last_restart_ns = restartable_last;
		bool running = false;
		json_object *css = ck_core_arr(status, "containerStatuses");
		for (size_t k = ck_core_len(css); k-- > 0;) {
			json_object *c = ck_core_at(css, k);
			r->restarts += (int)int_field(c, "restartCount");
			last_termination(c, &r->last_restart_ns);
			json_object *state = ck_core_obj(c, "state");
			json_object *term = ck_core_obj(state, "terminated");
			json_object *wait = ck_core_obj(state, "waiting");
			if (wait && *ck_core_str(wait, "reason")) {
				snprintf(r->reason, sizeof(r->reason), "%.150s",
					 ck_core_str(wait, "reason"));
			} else if (term && *ck_core_str(term, "reason")) {
				snprintf(r->reason, sizeof(r->reason), "%.150s",
					 ck_core_str(term, "reason"));
			} else if (term) {
				if (int_field(term, "signal") != 0)
					snprintf(r->reason, sizeof(r->reason), "Signal:%lld",
						 (long long)int_field(term, "signal"));
				else
					snprintf(r->reason, sizeof(r->reason), "ExitCode:%lld",
						 (long long)int_field(term, "exitCode"));
			} else if (ck_core_bool(c, "ready") && ck_core_obj(state, "running")) {
				running = true;
				r->ready++;
			}
		}
		if (ck_streq(r->reason, "Completed") && running)
			snprintf(r->reason, sizeof(r->reason), "%s",
				 cond_true(status, "Ready") ? "Running" : "NotReady");
	}
	bool deleting = ck_core_get(ck_core_obj(pod, "metadata"), "deletionTimestamp") != NULL;
	bool terminal = ck_streq(phase, "Succeeded") || ck_streq(phase, "Failed");
	if (deleting && ck_streq(ck_core_str(status, "reason"), "NodeLost"))
		snprintf(r->reason, sizeof(r->reason), "Unknown");
	else if (deleting && !terminal)
		snprintf(r->reason, sizeof(r->reason), "Terminating");
}

static json_object *cell_ready(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct pod_row r;
	pod_row(obj, &r);
	char s[32];
	snprintf(s, sizeof(s), "%d/%d", r.ready, r.total);
	return json_object_new_string(s);
}

static json_object *cell_status(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	struct pod_row r;
	pod_row(obj, &r);
	return json_object_new_string(r.reason);
}

static json_object *cell_restarts(json_object *obj, int64_t now_ns)
{
	struct pod_row r;
	pod_row(obj, &r);
	char s[64];
	if (r.restarts != 0 && r.last_restart_ns) {
		char ago[32];
		ck_time_human_duration(now_ns - r.last_restart_ns, ago, sizeof(ago));
		snprintf(s, sizeof(s), "%d (%s ago)", r.restarts, ago);
	} else {
		snprintf(s, sizeof(s), "%d", r.restarts);
	}
	return json_object_new_string(s);
}

static json_object *or_none(const char *s)
{
	return json_object_new_string(s && *s ? s : "<none>");
}

static json_object *cell_ip(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *ips = ck_core_arr(ck_core_obj(obj, "status"), "podIPs");
	return or_none(ck_core_len(ips) ? ck_core_str(ck_core_at(ips, 0), "ip") : "");
}

static json_object *cell_node(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return or_none(ck_core_str(ck_core_obj(obj, "spec"), "nodeName"));
}

static json_object *cell_nominated(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return or_none(ck_core_str(ck_core_obj(obj, "status"), "nominatedNodeName"));
}

static json_object *cell_gates(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	json_object *gates = ck_core_arr(ck_core_obj(obj, "spec"), "readinessGates");
	if (!ck_core_len(gates))
		return json_object_new_string("<none>");
	json_object *conds = ck_core_arr(ck_core_obj(obj, "status"), "conditions");
	size_t ok = 0;
	for (size_t i = 0; i < ck_core_len(gates); i++) {
		const char *type = ck_core_str(ck_core_at(gates, i), "conditionType");
		for (size_t j = 0; j < ck_core_len(conds); j++) {
			json_object *c = ck_core_at(conds, j);
			if (ck_streq(ck_core_str(c, "type"), type)) {
				ok += ck_streq(ck_core_str(c, "status"), "True");
				break;
			}
		}
	}
	char s[48];
	snprintf(s, sizeof(s), "%zu/%zu", ok, ck_core_len(gates));
	return json_object_new_string(s);
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.",
	  0, cell_ready },
	{ "Status", "string", "", "The aggregate status of the containers in this pod.", 0,
	  cell_status },
	{ "Restarts", "string", "",
	  "The number of times the containers in this pod have been restarted and when the last "
	  "container in this pod has restarted.",
	  0, cell_restarts },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time when this object was "
	  "created.",
	  0, ck_cell_age },
	{ "IP", "string", "", "podIP address allocated to the pod.", 1, cell_ip },
	{ "Node", "string", "", "NodeName indicates in which node this pod is scheduled.", 1,
	  cell_node },
	{ "Nominated Node", "string", "",
	  "nominatedNodeName is set only when this pod preempts other pods on the node.", 1,
	  cell_nominated },
	{ "Readiness Gates", "string", "",
	  "If specified, all readiness gates will be evaluated for pod readiness.", 1, cell_gates },
	{ 0 },
};

/* ---- strategy ---- */

static void default_pod(json_object *obj)
{
	ck_core_default_pod_spec(ck_core_obj(obj, "spec"));
	ck_core_default_pod(obj);
}

static void prepare_create(json_object *obj)
{
	default_pod(obj);
	json_object *status = json_object_new_object();
	json_object_object_add(status, "phase", json_object_new_string("Pending"));
	json_object_object_add(status, "qosClass",
			       json_object_new_string(ck_api_pod_qos_class(obj)));
	if (ck_core_len(ck_core_arr(ck_core_obj(obj, "spec"), "schedulingGates"))) {
		/* applySchedulingGatedCondition */
		json_object *conds = json_object_new_array(), *c = json_object_new_object();
		json_object_object_add(c, "type", json_object_new_string("PodScheduled"));
		json_object_object_add(c, "status", json_object_new_string("False"));
		json_object_object_add(c, "lastProbeTime", NULL);
		char now[CK_TIME_BUF];
		ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
		json_object_object_add(c, "lastTransitionTime", json_object_new_string(now));
		json_object_object_add(c, "reason", json_object_new_string("SchedulingGated"));
		json_object_object_add(
		    c, "message",
		    json_object_new_string(
			"Scheduling is blocked due to non-empty scheduling gates"));
		json_object_array_add(conds, c);
		json_object_object_add(status, "conditions", conds);
	}
	json_object_object_add(obj, "status", status);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	/* The server kept old's status already; the new body gets its defaults. */
	default_pod(obj);
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	ck_core_validate_pod(obj, errs);
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	ck_core_validate_pod_update(obj, old, errs);
}

static void prepare_status_update(json_object *obj, json_object *old)
{
	/* The QoS class is the server's: backfilled when a kubelet dropped it. */
	json_object *status = ck_core_ensure_obj(obj, "status");
	json_object *qos = ck_core_get(ck_core_obj(old, "status"), "qosClass");
	if (!*ck_core_str(status, "qosClass") && qos)
		json_object_object_add(status, "qosClass", ck_obj_copy(qos));
}

static void validate_status_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	ck_core_validate_pod_status_update(obj, old, errs);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	return ck_core_check_pod_spec(ck_core_obj(obj, "spec"), ret_msg);
}

/* upstream's CheckGracefulDelete */
static int64_t grace_period(json_object *obj, const int64_t *requested)
{
	json_object *spec = ck_core_obj(obj, "spec");
	int64_t period = 0;
	if (requested)
		period = *requested;
	else
		ck_core_int(spec, "terminationGracePeriodSeconds", &period);
	if (!*ck_core_str(spec, "nodeName"))
		period = 0;
	const char *phase = ck_core_str(ck_core_obj(obj, "status"), "phase");
	if (ck_streq(phase, "Failed") || ck_streq(phase, "Succeeded"))
		period = 0;
	return period;
}

/* PodToSelectableFields where the value is not the field as stored. */
static const char *field_text(json_object *obj, const char *field, char *out, size_t size)
{
	if (ck_streq(field, "spec.hostNetwork")) {
		snprintf(out, size, "%s",
			 ck_core_bool(ck_core_obj(obj, "spec"), "hostNetwork") ? "true" : "false");
		return out;
	}
	if (ck_streq(field, "status.podIP")) {
		json_object *status = ck_core_obj(obj, "status");
		json_object *ips = ck_core_arr(status, "podIPs");
		snprintf(out, size, "%s",
			 ck_core_len(ips) ? ck_core_str(ck_core_at(ips, 0), "ip")
					  : ck_core_str(status, "podIP"));
		return out;
	}
	return NULL;
}

/* ---- pods/binding and pods/eviction ---- */

/* An error that is not an API status: 500 with no reason (upstream's
 * ErrorToAPIStatus for plain errors). */
static json_object *plain_error(const char *msg)
{
	json_object *st = json_object_new_object();
	json_object_object_add(st, "kind", json_object_new_string("Status"));
	json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(st, "metadata", json_object_new_object());
	json_object_object_add(st, "status", json_object_new_string("Failure"));
	json_object_object_add(st, "message", json_object_new_string(msg));
	json_object_object_add(st, "code", json_object_new_int(500));
	return st;
}

/* {"kind":"Status",...,"status":"Success","code":201}: what both answer. */
static json_object *success_created(void)
{
	json_object *st = json_object_new_object();
	json_object_object_add(st, "kind", json_object_new_string("Status"));
	json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(st, "metadata", json_object_new_object());
	json_object_object_add(st, "status", json_object_new_string("Success"));
	json_object_object_add(st, "code", json_object_new_int(201));
	return st;
}

/* The body's kind and apiVersion against what the subresource takes. */
static int check_body(const struct ck_subresource_request *req, const char *kind,
		      const char *const *versions, json_object **ret_status)
{
	char msg[512];
	if (!req->body) {
		*ret_status = ck_status_new_bad_request(
		    "couldn't get version/kind; json parse error: unexpected end of JSON input");
		return -EINVAL;
	}
	const char *av = ck_obj_path_str(req->body, "apiVersion");
	const char *k = ck_obj_path_str(req->body, "kind");
	bool av_ok = !av || !*av;
	for (size_t i = 0; versions[i] && !av_ok; i++)
		av_ok = ck_streq(av, versions[i]);
	if (!av_ok) {
		snprintf(msg, sizeof(msg),
			 "the API version in the data (%.128s) does not match the expected API "
			 "version (%s)",
			 av, versions[0]);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	if (k && *k && !ck_streq(k, kind)) {
		snprintf(msg, sizeof(msg),
			 "the kind in the data (%.128s) does not match the expected kind (%s)", k,
			 kind);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	const char *ns = ck_obj_namespace(req->body);
	if (ns && *ns && !ck_streq(ns, req->namespace)) {
		*ret_status = ck_status_new_bad_request(
		    "the namespace of the provided object does not match the namespace sent on the "
		    "request");
		return -EINVAL;
	}
	return 0;
}

struct bind_ctx {
	const char *node;
	json_object *annotations; /* borrowed, may be NULL */
	char err[512];		  /* a conflict to answer with */
};

/* upstream's BindingREST.setPodNodeAndMetadata */
static int bind_fn(void *arg, json_object *cur, const struct ck_storage_response_meta *meta,
		   json_object **ret_obj, uint64_t *ret_ttl)
{
	(void)meta;
	(void)ret_ttl;
	struct bind_ctx *b = arg;
	const char *name = ck_obj_name(cur);
	json_object *spec = ck_core_ensure_obj(cur, "spec");
	b->err[0] = '\0';
	if (ck_core_get(ck_core_obj(cur, "metadata"), "deletionTimestamp")) {
		snprintf(b->err, sizeof(b->err),
			 "pod %.253s is being deleted, cannot be assigned to a host", name);
		return -ECANCELED;
	}
	if (*ck_core_str(spec, "nodeName")) {
		snprintf(b->err, sizeof(b->err),
			 "pod %.200s is already assigned to node \"%.200s\"", name,
			 ck_core_str(spec, "nodeName"));
		return -ECANCELED;
	}
	if (ck_core_len(ck_core_arr(spec, "schedulingGates"))) {
		snprintf(b->err, sizeof(b->err), "pod %.253s has non-empty .spec.schedulingGates",
			 name);
		return -ECANCELED;
	}
	json_object_object_add(spec, "nodeName", json_object_new_string(b->node));
	if (b->annotations && json_object_is_type(b->annotations, json_type_object)) {
		json_object *ann = ck_core_ensure_obj(ck_obj_metadata(cur), "annotations");
		json_object_object_foreach (b->annotations, k, v)
			json_object_object_add(ann, k, ck_obj_copy(v));
	}
	/* UpdatePodCondition(PodScheduled, True) */
	json_object *status = ck_core_ensure_obj(cur, "status");
	json_object *conds = ck_core_arr(status, "conditions");
	if (!conds) {
		conds = json_object_new_array();
		json_object_object_add(status, "conditions", conds);
	}
	json_object *cond = NULL;
	for (size_t i = 0; i < ck_core_len(conds); i++)
		if (ck_streq(ck_core_str(ck_core_at(conds, i), "type"), "PodScheduled"))
			cond = ck_core_at(conds, i);
	char now[CK_TIME_BUF];
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	if (!cond) {
		cond = json_object_new_object();
		json_object_object_add(cond, "type", json_object_new_string("PodScheduled"));
		json_object_array_add(conds, cond);
	}
	if (!ck_streq(ck_core_str(cond, "status"), "True")) {
		json_object_object_add(cond, "lastTransitionTime", json_object_new_string(now));
		json_object_object_del(cond, "reason");
		json_object_object_del(cond, "message");
	}
	json_object_object_add(cond, "status", json_object_new_string("True"));
	json_object_object_add(cond, "lastProbeTime", NULL);
	*ret_obj = json_object_get(cur);
	return 0;
}

static int handle_binding(const struct ck_subresource_request *req, json_object **ret_obj,
			  json_object **ret_status)
{
	static const char *const versions[] = { "v1", NULL };
	if (check_body(req, "Binding", versions, ret_status) < 0)
		return -EINVAL;
	json_object *b = req->body;
	const char *bname = ck_obj_name(b);
	if (!ck_streq(bname ? bname : "", req->name)) {
		*ret_status =
		    ck_status_new_bad_request("name in URL does not match name in Binding object");
		return -EINVAL;
	}
	/* ValidatePodBinding: a plain error (500) upstream */
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	json_object *target = ck_core_obj(b, "target");
	const char *tkind = ck_core_str(target, "kind");
	if (*tkind && !ck_streq(tkind, "Node")) {
		static const char *const kinds[] = { "Node", "<empty>" };
		json_object *v = json_object_new_string(tkind);
		ck_field_errors_add_not_supported(&errs, "target.kind", v, kinds, 2);
		json_object_put(v);
	}
	if (!*ck_core_str(target, "name"))
		ck_field_errors_add_required(&errs, "target.name", "");
	if (errs.len) {
		char *msg = ck_field_errors_aggregate(&errs);
		*ret_status = plain_error(msg);
		free(msg);
		ck_field_errors_release(&errs);
		return -EINVAL;
	}
	ck_field_errors_release(&errs);

	struct bind_ctx ctx = { .node = ck_core_str(target, "name"),
				.annotations =
				    ck_core_obj(ck_core_obj(b, "metadata"), "annotations") };
	struct ck_storage_preconditions pre = {
		.uid = ck_obj_uid(b) && *ck_obj_uid(b) ? ck_obj_uid(b) : NULL,
		.resource_version = ck_obj_resource_version(b) && *ck_obj_resource_version(b)
					? ck_obj_resource_version(b)
					: NULL,
	};
	char key[600];
	snprintf(key, sizeof(key), "/pods/%s/%s", req->namespace, req->name);
	struct ck_storage_error err = { 0 };
	json_object *out = NULL;
	int r;
	if (req->dry_run) {
		struct ck_storage_get_options go = { 0 };
		json_object *cur = NULL;
		r = ck_storage_get(req->storage, key, &go, &cur, &err);
		if (r == 0) {
			r = ck_storage_preconditions_check(&pre, key, cur, &err);
			json_object *next = NULL;
			uint64_t ttl = 0;
			struct ck_storage_response_meta meta = { 0 };
			if (r == 0)
				r = bind_fn(&ctx, cur, &meta, &next, &ttl);
			json_object_put(next);
		}
		json_object_put(cur);
	} else {
		struct ck_storage_update_options uo = { .preconditions = &pre };
		r = ck_storage_guaranteed_update(req->storage, key, &uo, bind_fn, &ctx, &out, &err);
	}
	json_object_put(out);
	if (r == -ECANCELED) {
		*ret_status = ck_status_new_conflict("", "pods/binding", req->name, ctx.err);
	} else if (r == CK_STORAGE_ERR_NOT_FOUND) {
		*ret_status = ck_status_new_not_found("", "pods", req->name);
	} else if (r == CK_STORAGE_ERR_INVALID_OBJ) {
		*ret_status = ck_status_new_conflict("", "pods", req->name, err.message);
	} else if (r < 0) {
		*ret_status = ck_status_new_internal_error(err.message);
	}
	ck_storage_error_release(&err);
	if (r < 0)
		return r;
	*ret_obj = success_created();
	return 201;
}

static int handle_eviction(const struct ck_subresource_request *req, json_object **ret_obj,
			   json_object **ret_status)
{
	static const char *const versions[] = { "policy/v1", "policy/v1beta1", NULL };
	if (check_body(req, "Eviction", versions, ret_status) < 0)
		return -EINVAL;
	const char *ename = ck_obj_name(req->body);
	if (!ck_streq(ename ? ename : "", req->name)) {
		*ret_status =
		    ck_status_new_bad_request("name in URL does not match name in Eviction object");
		return -EINVAL;
	}
	/* No PodDisruptionBudgets yet: an eviction is a delete with its options. */
	json_object *opts = ck_core_obj(req->body, "deleteOptions");
	int r = req->delete_object(req, req->name, opts, ret_status);
	if (r < 0)
		return r;
	*ret_obj = success_created();
	return 201;
}

static const struct ck_subresource subresources[] = {
	{ "binding", CK_SUB_CUSTOM, CK_VERB_CREATE, .kind_name = "Binding",
	  .handle = handle_binding },
	{ "eviction", CK_SUB_CUSTOM, CK_VERB_CREATE, "policy", "v1", "Eviction",
	  .handle = handle_eviction },
	{ "log", CK_SUB_STREAM, CK_VERB_GET, .locate = ck_pod_log_locate },
	CK_SUBRESOURCE_STATUS,
	{ 0 },
};

static const char *const short_names[] = { "po", NULL };
static const char *const categories[] = { "all", NULL };
static const char *const field_selectors[] = {
	"spec.nodeName",
	"spec.restartPolicy",
	"spec.schedulerName",
	"spec.serviceAccountName",
	"spec.hostNetwork",
	"status.phase",
	"status.podIP",
	"status.nominatedNodeName",
	NULL,
};

const struct ck_resource ck_resource_pods = {
	CK_CORE("v1"),
	.resource = "pods",
	.singular = "pod",
	.kind = "Pod",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.short_names = short_names,
	.categories = categories,
	.subresources = subresources,
	.columns = columns,
	.field_selectors = field_selectors,
	.field_text = field_text,
	.has_status = true,
	.return_deleted_object = true,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.check_decode = check_decode,
	.grace_period = grace_period,
	.prepare_status_update = prepare_status_update,
	.validate_status_update = validate_status_update,
};
