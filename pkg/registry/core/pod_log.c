/*
 * pods/log: where a container's log is (upstream's pod LogLocation and
 * LogREST). The server then proxies it (pkg/apiserver/streamer.c).
 *
 * The query is a PodLogOptions: container, follow, previous, timestamps,
 * sinceSeconds, sinceTime, tailLines, limitBytes. Bad values are a 400 (a
 * parameter that does not parse) or a 422 on kind PodLogOptions (a value out
 * of range), as upstream. The container defaults to the pod's only one; a
 * pod with several needs one named. A pod not yet on a node has no log: an
 * empty answer. Otherwise the location is the node's kubelet,
 * https://<address>:<port>/containerLogs/<namespace>/<pod>/<container>,
 * with the address of the first of --kubelet-preferred-address-types the
 * node reports and the port it advertises (10250 when none).
 */
#include "registry/core/pod_log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "registry/core/validation.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"
#include "util/time.h"

/* Upstream's ports.KubeletPort: where a kubelet that advertises none listens. */
#define DEFAULT_KUBELET_PORT 10250

/* The parsed PodLogOptions; has_* says whether an optional one was given. */
struct log_options {
	const char *container;
	bool follow, previous, timestamps;
	bool has_since_seconds, has_since_time, has_tail_lines, has_limit_bytes;
	int64_t since_seconds, tail_lines, limit_bytes;
	const char *since_time;
};

/* One parameter into *ret: 0, or -EINVAL with the conversion's message in *ret_status. */
static int param_int(const struct ck_subresource_request *req, const char *name, bool *has,
		     int64_t *ret, json_object **ret_status)
{
	const char *v = req->query(req, name);
	if (!v)
		return 0;
	if (ck_str_to_int64(v, ret) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "%s: strconv.ParseInt: parsing \"%.200s\": invalid syntax", name, v);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	*has = true;
	return 0;
}

static int param_bool(const struct ck_subresource_request *req, const char *name, bool *ret,
		      json_object **ret_status)
{
	const char *v = req->query(req, name);
	if (!v || !*v)
		return 0;
	if (ck_str_to_bool(v, ret) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "%s: strconv.ParseBool: parsing \"%.200s\": invalid syntax", name, v);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	return 0;
}

static int parse_options(const struct ck_subresource_request *req, struct log_options *o,
			 json_object **ret_status)
{
	memset(o, 0, sizeof(*o));
	o->container = req->query(req, "container");
	o->since_time = req->query(req, "sinceTime");
	o->has_since_time = o->since_time && *o->since_time;
	if (param_bool(req, "follow", &o->follow, ret_status) < 0 ||
	    param_bool(req, "previous", &o->previous, ret_status) < 0 ||
	    param_bool(req, "timestamps", &o->timestamps, ret_status) < 0 ||
	    param_int(req, "sinceSeconds", &o->has_since_seconds, &o->since_seconds, ret_status) <
		0 ||
	    param_int(req, "tailLines", &o->has_tail_lines, &o->tail_lines, ret_status) < 0 ||
	    param_int(req, "limitBytes", &o->has_limit_bytes, &o->limit_bytes, ret_status) < 0)
		return -EINVAL;
	int64_t ns;
	if (o->has_since_time && ck_time_parse(o->since_time, &ns) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "sinceTime: parsing time \"%.200s\" as \"2006-01-02T15:04:05Z07:00\": "
			 "cannot parse as RFC3339",
			 o->since_time);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	/* ValidatePodLogOptions */
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	if (o->has_tail_lines && o->tail_lines < 0)
		ck_field_errors_add_invalid_int(&errs, "tailLines", o->tail_lines,
						"must be greater than or equal to 0");
	if (o->has_limit_bytes && o->limit_bytes < 1)
		ck_field_errors_add_invalid_int(&errs, "limitBytes", o->limit_bytes,
						"must be greater than 0");
	if (o->has_since_seconds && o->has_since_time)
		ck_field_errors_add_forbidden(&errs, "",
					      "at most one of `sinceTime` or `sinceSeconds` may be "
					      "specified");
	else if (o->has_since_seconds && o->since_seconds < 1)
		ck_field_errors_add_invalid_int(&errs, "sinceSeconds", o->since_seconds,
						"must be greater than 0");
	int r = 0;
	if (errs.len) {
		*ret_status = ck_status_new_invalid("", "PodLogOptions", req->name, &errs);
		r = -EINVAL;
	}
	ck_field_errors_release(&errs);
	return r;
}

/* The names of a container list, space-separated, into b. */
static void add_names(struct ck_buf *b, json_object *containers)
{
	size_t n = containers ? json_object_array_length(containers) : 0;
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(b, "%s%s", i ? " " : "",
			    ck_core_str(json_object_array_get_idx(containers, i), "name"));
}

static bool has_container(json_object *containers, const char *name)
{
	size_t n = containers ? json_object_array_length(containers) : 0;
	for (size_t i = 0; i < n; i++)
		if (ck_streq(ck_core_str(json_object_array_get_idx(containers, i), "name"), name))
			return true;
	return false;
}

/* The container whose log is asked for (borrowed from pod), or NULL with *ret_status. */
static const char *pick_container(const char *pod_name, json_object *pod, const char *asked,
				  json_object **ret_status)
{
	json_object *spec = ck_core_obj(pod, "spec");
	json_object *containers = NULL, *inits = NULL, *ephemeral = NULL;
	json_object_object_get_ex(spec, "containers", &containers);
	json_object_object_get_ex(spec, "initContainers", &inits);
	json_object_object_get_ex(spec, "ephemeralContainers", &ephemeral);
	struct ck_buf msg = CK_BUF_INIT;
	const char *found = NULL;
	if (asked && *asked) {
		if (has_container(containers, asked) || has_container(inits, asked) ||
		    has_container(ephemeral, asked))
			return asked;
		ck_buf_addf(&msg, "container %s is not valid for pod %s", asked, pod_name);
	} else if (containers && json_object_array_length(containers) == 1) {
		found = ck_core_str(json_object_array_get_idx(containers, 0), "name");
		return found;
	} else if (!containers || json_object_array_length(containers) == 0) {
		ck_buf_addf(&msg, "a container name must be specified for pod %s", pod_name);
	} else {
		ck_buf_addf(&msg, "a container name must be specified for pod %s, choose one of: [",
			    pod_name);
		add_names(&msg, containers);
		ck_buf_adds(&msg, "]");
		if (inits && json_object_array_length(inits) > 0) {
			ck_buf_adds(&msg, " or one of the init containers: [");
			add_names(&msg, inits);
			ck_buf_adds(&msg, "]");
		}
		if (ephemeral && json_object_array_length(ephemeral) > 0) {
			ck_buf_adds(&msg, " or one of the ephemeral containers: [");
			add_names(&msg, ephemeral);
			ck_buf_adds(&msg, "]");
		}
	}
	*ret_status = ck_status_new_bad_request(ck_buf_str(&msg));
	ck_buf_release(&msg);
	return NULL;
}

/* The node's address of the first preferred type it has (borrowed), or NULL. */
static const char *node_address(json_object *node, const char *preferred)
{
	json_object *addrs = ck_obj_path(node, "status.addresses");
	size_t n = addrs && json_object_is_type(addrs, json_type_array)
		       ? json_object_array_length(addrs)
		       : 0;
	char **types = ck_str_split(preferred, ',', 0);
	const char *found = NULL;
	for (size_t t = 0; types && types[t] && !found; t++) {
		for (size_t i = 0; i < n && !found; i++) {
			json_object *a = json_object_array_get_idx(addrs, i);
			if (ck_streq(ck_core_str(a, "type"), types[t]) &&
			    *ck_core_str(a, "address"))
				found = ck_core_str(a, "address");
		}
	}
	ck_strv_free(types);
	return found;
}

/* Go's "no preferred addresses found; known addresses: [{Type addr} ...]". */
static json_object *no_address(json_object *node)
{
	struct ck_buf msg = CK_BUF_INIT;
	ck_buf_adds(&msg, "no preferred addresses found; known addresses: [");
	json_object *addrs = ck_obj_path(node, "status.addresses");
	size_t n = addrs && json_object_is_type(addrs, json_type_array)
		       ? json_object_array_length(addrs)
		       : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(addrs, i);
		ck_buf_addf(&msg, "%s{%s %s}", i ? " " : "", ck_core_str(a, "type"),
			    ck_core_str(a, "address"));
	}
	ck_buf_adds(&msg, "]");
	json_object *st = ck_status_new_plain_error(ck_buf_str(&msg));
	ck_buf_release(&msg);
	return st;
}

/* One object from storage (owned), or NULL with a NotFound (or other) Status. */
static json_object *get_object(const struct ck_subresource_request *req, const char *resource,
			       const char *key, const char *name, json_object **ret_status)
{
	struct ck_storage_get_options go = { 0 };
	struct ck_storage_error err = { 0 };
	json_object *obj = NULL;
	int r = ck_storage_get(req->storage, key, &go, &obj, &err);
	if (r == CK_STORAGE_ERR_NOT_FOUND)
		*ret_status = ck_status_new_not_found("", resource, name);
	else if (r < 0)
		*ret_status = ck_status_new_internal_error(err.message);
	ck_storage_error_release(&err);
	return r < 0 ? NULL : obj;
}

/* Appends "&key=value" (the first without '&'), the value URL-encoded. */
static void add_param(struct ck_buf *url, bool *first, const char *key, const char *value)
{
	char *v = ck_str_url_encode(value);
	ck_buf_addf(url, "%c%s=%s", *first ? '?' : '&', key, v);
	*first = false;
	free(v);
}

static void add_int_param(struct ck_buf *url, bool *first, const char *key, int64_t value)
{
	char v[32];
	snprintf(v, sizeof(v), "%" PRId64, value);
	add_param(url, first, key, v);
}

int ck_pod_log_locate(const struct ck_subresource_request *req, struct ck_stream_location *ret,
		      json_object **ret_status)
{
	struct log_options o;
	if (parse_options(req, &o, ret_status) < 0)
		return -EINVAL;
	struct ck_buf key = CK_BUF_INIT, url = CK_BUF_INIT;
	json_object *node = NULL;
	int r = -EINVAL;
	ck_buf_addf(&key, "/pods/%s/%s", req->namespace, req->name);
	json_object *pod = get_object(req, "pods", ck_buf_str(&key), req->name, ret_status);
	if (!pod)
		goto out;
	const char *container = pick_container(req->name, pod, o.container, ret_status);
	if (!container)
		goto out;
	const char *node_name = ck_core_str(ck_core_obj(pod, "spec"), "nodeName");
	ret->content_type = "text/plain";
	if (!*node_name) {
		ret->url = NULL; /* not on a node yet: no log */
		r = 0;
		goto out;
	}
	ck_buf_reset(&key);
	ck_buf_addf(&key, "/nodes/%s", node_name);
	if (!(node = get_object(req, "nodes", ck_buf_str(&key), node_name, ret_status)))
		goto out;
	const char *preferred = req->env && req->env->kubelet_preferred_address_types
				    ? req->env->kubelet_preferred_address_types
				    : "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP";
	const char *host = node_address(node, preferred);
	if (!host) {
		*ret_status = no_address(node);
		goto out;
	}
	json_object *port_obj = ck_obj_path(node, "status.daemonEndpoints.kubeletEndpoint.Port");
	int64_t port = port_obj ? json_object_get_int64(port_obj) : 0;
	if (port <= 0 || port > 65535)
		port = DEFAULT_KUBELET_PORT;
	bool v6 = strchr(host, ':') != NULL;
	char *ens = ck_str_url_encode(req->namespace), *ename = ck_str_url_encode(req->name),
	     *econtainer = ck_str_url_encode(container);
	ck_buf_addf(&url, "https://%s%s%s:%" PRId64 "/containerLogs/%s/%s/%s", v6 ? "[" : "", host,
		    v6 ? "]" : "", port, ens, ename, econtainer);
	free(ens);
	free(ename);
	free(econtainer);
	/* url.Values.Encode: sorted by key */
	bool first = true;
	if (o.follow)
		add_param(&url, &first, "follow", "true");
	if (o.has_limit_bytes)
		add_int_param(&url, &first, "limitBytes", o.limit_bytes);
	if (o.previous)
		add_param(&url, &first, "previous", "true");
	if (o.has_since_seconds)
		add_int_param(&url, &first, "sinceSeconds", o.since_seconds);
	if (o.has_since_time)
		add_param(&url, &first, "sinceTime", o.since_time);
	if (o.has_tail_lines)
		add_int_param(&url, &first, "tailLines", o.tail_lines);
	if (o.timestamps)
		add_param(&url, &first, "timestamps", "true");
	ret->url = ck_buf_detach(&url, NULL);
	r = 0;
out:
	json_object_put(pod);
	json_object_put(node);
	ck_buf_release(&key);
	ck_buf_release(&url);
	return r;
}
