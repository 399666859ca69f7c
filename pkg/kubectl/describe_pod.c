/*
 * kubectl describe pod, and what pods and pod templates share with the
 * other describers: containers, volumes, tolerations, resource sums
 * (upstream's describePod, describeContainers, describeVolumes,
 * DescribePodTemplate, resourcehelper.PodRequestsAndLimits).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/qos.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/json_write.h"

/* ---- resource lists ------------------------------------------------------------------------ */

/* list[name] = q when absent, else list[name] (+= or max=) q. */
static void resource_merge(json_object *list, const char *name, json_object *q, bool max)
{
	struct ck_quantity have, add;
	if (ck_quantity_from_json(q, &add) < 0)
		return;
	json_object *cur = ck_obj_get(list, name);
	if (cur && ck_quantity_from_json(cur, &have) == 0) {
		if (max) {
			if (ck_quantity_cmp(&add, &have) <= 0)
				return;
			have = add;
		} else if (ck_quantity_add(&have, &add) < 0) {
			return;
		}
	} else {
		have = add;
	}
	json_object_object_add(list, name, ck_quantity_to_json(&have));
}

void ck_describe_resource_add(json_object *list, const char *name, json_object *q)
{
	resource_merge(list, name, q, false);
}

/* addResourceList / maxResourceList of a whole list (from may be NULL). */
static void resources_merge(json_object *list, json_object *from, bool max)
{
	if (!from || !json_object_is_type(from, json_type_object))
		return;
	json_object_object_foreach (from, name, q)
		resource_merge(list, name, q, max);
}

char *ck_describe_quantity(json_object *list, const char *name)
{
	struct ck_quantity q;
	json_object *v = ck_obj_get(list, name);
	if (!v || ck_quantity_from_json(v, &q) < 0)
		return ck_strdup("0");
	return ck_quantity_to_string(&q);
}

/* podRequests (requests) or podLimits (!requests), as kubectl's resourcehelper. */
static json_object *pod_resources(json_object *pod, bool requests)
{
	const char *field = requests ? "resources.requests" : "resources.limits";
	json_object *total = json_object_new_object();
	json_object *containers = ck_obj_path(pod, "spec.containers");
	for (size_t i = 0; i < ck_obj_array_len(containers); i++)
		resources_merge(total, ck_obj_path(json_object_array_get_idx(containers, i), field),
				false);
	json_object *restartable = json_object_new_object(), *init = json_object_new_object();
	json_object *inits = ck_obj_path(pod, "spec.initContainers");
	for (size_t i = 0; i < ck_obj_array_len(inits); i++) {
		json_object *c = json_object_array_get_idx(inits, i);
		json_object *own = ck_obj_path(c, field);
		if (ck_streq(ck_obj_path_str(c, "restartPolicy"), "Always")) {
			resources_merge(total, own, false);
			resources_merge(restartable, own, false);
			resources_merge(init, restartable, true);
		} else {
			json_object *tmp = json_object_new_object();
			resources_merge(tmp, own, false);
			resources_merge(tmp, restartable, false);
			resources_merge(init, tmp, true);
			json_object_put(tmp);
		}
	}
	resources_merge(total, init, true);
	json_object *overhead = ck_obj_path(pod, "spec.overhead");
	if (overhead && json_object_is_type(overhead, json_type_object)) {
		json_object_object_foreach (overhead, name, q)
			if (requests || ck_obj_get(total, name))
				resource_merge(total, name, q, false);
	}
	json_object_put(restartable);
	json_object_put(init);
	return total;
}

void ck_describe_pod_requests_limits(json_object *pod, json_object **ret_requests,
				     json_object **ret_limits)
{
	*ret_requests = pod_resources(pod, true);
	*ret_limits = pod_resources(pod, false);
}

/* describeResources: Limits and Requests at a level (in spaces). */
static void describe_resources(struct ck_tabwriter *w, json_object *resources, int indent)
{
	static const char *const lists[] = { "limits", "requests" };
	static const char *const titles[] = { "Limits", "Requests" };
	for (size_t l = 0; l < 2; l++) {
		json_object *list = ck_obj_get(resources, lists[l]);
		size_t n;
		const char **keys = ck_json_sorted_keys(list, &n);
		if (n)
			ck_tabwriter_printf(w, "%*s%s:\n", indent, "", titles[l]);
		for (size_t i = 0; i < n; i++) {
			char *q = ck_describe_quantity(list, keys[i]);
			ck_tabwriter_printf(w, "%*s%s:\t%s\n", indent + 2, "", keys[i], q);
			free(q);
		}
		free(keys);
	}
}

/* ---- containers ------------------------------------------------------------------------- */

/* Go's fmt %v of a []string: "[a b c]". */
static void go_string_slice(struct ck_buf *b, json_object *arr)
{
	ck_buf_adds(b, "[");
	for (size_t i = 0; i < ck_obj_array_len(arr); i++)
		ck_buf_addf(b, "%s%s", i ? " " : "",
			    json_object_get_string(json_object_array_get_idx(arr, i)));
	ck_buf_adds(b, "]");
}

/* DescribeProbe (owned). */
static char *describe_probe(json_object *p)
{
	struct ck_buf b = CK_BUF_INIT;
	char attrs[160], port[64];
	snprintf(attrs, sizeof(attrs),
		 "delay=%llds timeout=%llds period=%llds #success=%lld #failure=%lld",
		 (long long)ck_describe_int(p, "initialDelaySeconds"),
		 (long long)ck_describe_int(p, "timeoutSeconds"),
		 (long long)ck_describe_int(p, "periodSeconds"),
		 (long long)ck_describe_int(p, "successThreshold"),
		 (long long)ck_describe_int(p, "failureThreshold"));
	json_object *http = ck_obj_get(p, "httpGet"), *tcp = ck_obj_get(p, "tcpSocket");
	json_object *grpc = ck_obj_get(p, "grpc");
	if (ck_obj_get(p, "exec")) {
		ck_buf_adds(&b, "exec ");
		go_string_slice(&b, ck_obj_path(p, "exec.command"));
		ck_buf_addf(&b, " %s", attrs);
	} else if (http) {
		const char *scheme = ck_obj_path_str_or(http, "scheme", ""),
			   *host = ck_obj_path_str_or(http, "host", "");
		const char *path = ck_obj_path_str_or(http, "path", "");
		ck_buf_adds(&b, "http-get ");
		for (const char *s = scheme; *s; s++)
			ck_buf_addf(&b, "%c", *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		if (scheme[0])
			ck_buf_adds(&b, "://");
		else
			ck_buf_adds(&b, "//");
		ck_obj_field_text(http, "port", port, sizeof(port));
		if (strchr(host, ':'))
			ck_buf_addf(&b, "[%s]:%s", host, port);
		else
			ck_buf_addf(&b, "%s:%s", host, port);
		if (path[0] && path[0] != '/')
			ck_buf_adds(&b, "/");
		ck_buf_addf(&b, "%s %s", path, attrs);
	} else if (tcp) {
		ck_buf_addf(&b, "tcp-socket %s:%s %s", ck_obj_path_str_or(tcp, "host", ""),
			    ck_obj_field_text(tcp, "port", port, sizeof(port)), attrs);
	} else if (grpc) {
		ck_buf_addf(&b, "grpc <pod>:%lld %s %s", (long long)ck_describe_int(grpc, "port"),
			    ck_obj_path_str_or(grpc, "service", ""), attrs);
	} else {
		ck_buf_addf(&b, "unknown %s", attrs);
	}
	return ck_buf_detach(&b, NULL);
}

/* describeStatus: a container state (Running, Waiting, Terminated). */
static void describe_state(struct ck_tabwriter *w, const char *title, json_object *state)
{
	char t[CK_DESCRIBE_TIME_BUF];
	json_object *running = ck_obj_get(state, "running"),
		    *waiting = ck_obj_get(state, "waiting");
	json_object *term = ck_obj_get(state, "terminated");
	if (running) {
		ck_tabwriter_printf(w, "    %s:\tRunning\n", title);
		ck_describe_time(ck_obj_path_str(running, "startedAt"), t);
		ck_tabwriter_printf(w, "      Started:\t%s\n", t);
	} else if (waiting) {
		ck_tabwriter_printf(w, "    %s:\tWaiting\n", title);
		const char *reason = ck_obj_path_str(waiting, "reason");
		if (reason && reason[0])
			ck_tabwriter_printf(w, "      Reason:\t%s\n", reason);
	} else if (term) {
		ck_tabwriter_printf(w, "    %s:\tTerminated\n", title);
		const char *reason = ck_obj_path_str(term, "reason");
		const char *msg = ck_obj_path_str(term, "message");
		if (reason && reason[0])
			ck_tabwriter_printf(w, "      Reason:\t%s\n", reason);
		if (msg && msg[0])
			ck_tabwriter_printf(w, "      Message:\t%s\n", msg);
		ck_tabwriter_printf(w, "      Exit Code:\t%lld\n",
				    (long long)ck_describe_int(term, "exitCode"));
		if (ck_describe_int(term, "signal") > 0)
			ck_tabwriter_printf(w, "      Signal:\t%lld\n",
					    (long long)ck_describe_int(term, "signal"));
		ck_describe_time(ck_obj_path_str(term, "startedAt"), t);
		ck_tabwriter_printf(w, "      Started:\t%s\n", t);
		ck_describe_time(ck_obj_path_str(term, "finishedAt"), t);
		ck_tabwriter_printf(w, "      Finished:\t%s\n", t);
	} else {
		ck_tabwriter_printf(w, "    %s:\tWaiting\n", title);
	}
}

/*
 * EnvValueRetriever: kubectl converts the field path with its scheme, which
 * knows only metadata.name and metadata.namespace for pods; "" otherwise.
 */
static const char *env_field_value(json_object *pod, json_object *ref)
{
	const char *path = ck_obj_path_str(ref, "fieldPath");
	if (!pod || !path)
		return "";
	if (ck_streq(path, "metadata.name"))
		return ck_obj_name(pod);
	if (ck_streq(path, "metadata.namespace"))
		return ck_obj_path_str_or(pod, "metadata.namespace", "");
	return "";
}

/* resourcehelper.ExtractContainerResourceValue for a resourceFieldRef (owned). */
static char *env_resource_value(json_object *container, json_object *ref)
{
	const char *res = ck_obj_path_str_or(ref, "resource", "");
	struct ck_quantity divisor, q;
	if (ck_quantity_from_json(ck_obj_get(ref, "divisor"), &divisor) < 0 ||
	    ck_quantity_is_zero(&divisor))
		ck_quantity_init_int64(&divisor, 1, CK_QUANTITY_DECIMAL_SI);
	const char *dot = strchr(res, '.');
	if (!dot || (strncmp(res, "limits", (size_t)(dot - res)) != 0 &&
		     strncmp(res, "requests", (size_t)(dot - res)) != 0))
		return ck_strdup("");
	char path[128];
	snprintf(path, sizeof(path), "resources.%.*s", (int)(dot - res), res);
	json_object *v = ck_obj_get(ck_obj_path(container, path), dot + 1);
	if (ck_quantity_from_json(v, &q) < 0)
		return ck_strdup("");
	int64_t a, b;
	struct ck_buf out = CK_BUF_INIT;
	bool cpu = ck_streq(dot + 1, "cpu");
	if ((cpu ? ck_quantity_milli_value(&q, &a) : ck_quantity_value(&q, &a)) < 0 ||
	    (cpu ? ck_quantity_milli_value(&divisor, &b) : ck_quantity_value(&divisor, &b)) < 0 ||
	    b == 0)
		return ck_strdup("");
	ck_buf_addf(&out, "%lld", (long long)ceil((double)a / (double)b));
	return ck_buf_detach(&out, NULL);
}

static void describe_env(struct ck_tabwriter *w, json_object *container, json_object *pod)
{
	json_object *env_from = ck_obj_get(container, "envFrom");
	if (ck_obj_array_len(env_from)) {
		ck_tabwriter_printf(w, "    Environment Variables from:\n");
		for (size_t i = 0; i < ck_obj_array_len(env_from); i++) {
			json_object *e = json_object_array_get_idx(env_from, i);
			json_object *cm = ck_obj_get(e, "configMapRef"),
				    *sec = ck_obj_get(e, "secretRef");
			json_object *ref = cm ? cm : sec;
			const char *from = cm ? "ConfigMap" : sec ? "Secret" : "";
			const char *prefix = ck_obj_path_str_or(e, "prefix", "");
			const char *opt = ck_describe_bool(ref, "optional") ? "true" : "false";
			if (prefix[0])
				ck_tabwriter_printf(
				    w, "      %s\t%s with prefix '%s'\tOptional: %s\n",
				    ck_obj_path_str_or(ref, "name", ""), from, prefix, opt);
			else
				ck_tabwriter_printf(w, "      %s\t%s\tOptional: %s\n",
						    ck_obj_path_str_or(ref, "name", ""), from, opt);
		}
	}
	json_object *env = ck_obj_get(container, "env");
	ck_tabwriter_printf(w, "    Environment:%s\n", ck_obj_array_len(env) ? "" : "\t<none>");
	for (size_t i = 0; i < ck_obj_array_len(env); i++) {
		json_object *e = json_object_array_get_idx(env, i);
		const char *name = ck_obj_path_str_or(e, "name", "");
		json_object *from = ck_obj_get(e, "valueFrom");
		if (!from) {
			const char *v = ck_obj_path_str_or(e, "value", "");
			for (int line = 0;; line++) {
				size_t l = strcspn(v, "\n");
				if (line == 0)
					ck_tabwriter_printf(w, "      %s:\t%.*s\n", name, (int)l,
							    v);
				else
					ck_tabwriter_printf(w, "      \t%.*s\n", (int)l, v);
				if (!v[l])
					break;
				v += l + 1;
			}
			continue;
		}
		json_object *field = ck_obj_get(from, "fieldRef");
		json_object *res = ck_obj_get(from, "resourceFieldRef");
		json_object *sec = ck_obj_get(from, "secretKeyRef");
		json_object *cm = ck_obj_get(from, "configMapKeyRef");
		if (field) {
			ck_tabwriter_printf(w, "      %s:\t%s (%s:%s)\n", name,
					    env_field_value(pod, field),
					    ck_obj_path_str_or(field, "apiVersion", ""),
					    ck_obj_path_str_or(field, "fieldPath", ""));
		} else if (res) {
			char *v = env_resource_value(container, res);
			const char *r = ck_obj_path_str_or(res, "resource", "");
			if (ck_streq(v, "0") &&
			    (ck_streq(r, "limits.cpu") || ck_streq(r, "limits.memory"))) {
				free(v);
				v = ck_strdup("node allocatable");
			}
			ck_tabwriter_printf(w, "      %s:\t%s (%s)\n", name, v, r);
			free(v);
		} else if (sec) {
			ck_tabwriter_printf(
			    w, "      %s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n",
			    name, ck_obj_path_str_or(sec, "key", ""),
			    ck_obj_path_str_or(sec, "name", ""),
			    ck_describe_bool(sec, "optional") ? "true" : "false");
		} else if (cm) {
			ck_tabwriter_printf(
			    w,
			    "      %s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n",
			    name, ck_obj_path_str_or(cm, "key", ""),
			    ck_obj_path_str_or(cm, "name", ""),
			    ck_describe_bool(cm, "optional") ? "true" : "false");
		}
	}
}

static int cmp_field(const void *a, const void *b, const char *key)
{
	return strcmp(ck_obj_path_str_or(*(json_object *const *)a, key, ""),
		      ck_obj_path_str_or(*(json_object *const *)b, key, ""));
}

/* The elements of an array sorted (stably) by a string field (array owned, elements borrowed). */
static json_object **sorted_by(json_object *arr, const char *key, size_t *ret_n)
{
	size_t n = ck_obj_array_len(arr);
	json_object **v = ck_calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = json_object_array_get_idx(arr, i);
		for (size_t j = i; j > 0 && cmp_field(&v[j - 1], &v[j], key) > 0; j--) {
			json_object *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	*ret_n = n;
	return v;
}

/* Go's %q of a string (plain ASCII printable and escapes for the rest). */
static void go_quote(struct ck_buf *b, const char *s)
{
	ck_buf_adds(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			ck_buf_addf(b, "\\%c", c);
		else if (c == '\n')
			ck_buf_adds(b, "\\n");
		else if (c == '\t')
			ck_buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			ck_buf_addf(b, "\\x%02x", c);
		else
			ck_buf_addf(b, "%c", c);
	}
	ck_buf_adds(b, "\"");
}

static void describe_mounts(struct ck_tabwriter *w, json_object *container)
{
	size_t n;
	json_object **mounts = sorted_by(ck_obj_get(container, "volumeMounts"), "mountPath", &n);
	ck_tabwriter_printf(w, "    Mounts:%s\n", n ? "" : "\t<none>");
	for (size_t i = 0; i < n; i++) {
		struct ck_buf flags = CK_BUF_INIT;
		ck_buf_adds(&flags, ck_describe_bool(mounts[i], "readOnly") ? "ro" : "rw");
		const char *sub = ck_obj_path_str_or(mounts[i], "subPath", "");
		if (sub[0]) {
			ck_buf_adds(&flags, ",path=");
			go_quote(&flags, sub);
		}
		ck_tabwriter_printf(w, "      %s from %s (%s)\n",
				    ck_obj_path_str_or(mounts[i], "mountPath", ""),
				    ck_obj_path_str_or(mounts[i], "name", ""), ck_buf_str(&flags));
		ck_buf_release(&flags);
	}
	free(mounts);
	json_object **devices = sorted_by(ck_obj_get(container, "volumeDevices"), "devicePath", &n);
	if (n)
		ck_tabwriter_printf(w, "    Devices:\n");
	for (size_t i = 0; i < n; i++)
		ck_tabwriter_printf(w, "      %s from %s\n",
				    ck_obj_path_str_or(devices[i], "devicePath", ""),
				    ck_obj_path_str_or(devices[i], "name", ""));
	free(devices);
}

/* "80/TCP, 443/TCP" of containerPort (or hostPort) values (owned). */
static char *container_ports(json_object *ports, const char *field)
{
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < ck_obj_array_len(ports); i++) {
		json_object *p = json_object_array_get_idx(ports, i);
		ck_buf_addf(&b, "%s%lld/%s", i ? ", " : "", (long long)ck_describe_int(p, field),
			    ck_obj_path_str_or(p, "protocol", ""));
	}
	return ck_buf_detach(&b, NULL);
}

/* The status named name in statuses (an array), or NULL. */
static json_object *status_of(json_object *statuses, const char *name)
{
	json_object *found = NULL;
	for (size_t i = 0; i < ck_obj_array_len(statuses); i++) {
		json_object *s = json_object_array_get_idx(statuses, i);
		if (ck_streq(ck_obj_path_str(s, "name"), name))
			found = s;
	}
	return found;
}

/*
 * describeContainers: space is "" for a pod, "  " in a pod template; pod is
 * NULL in a template (no statuses, no field values).
 */
static void describe_containers(struct ck_tabwriter *w, const char *title, json_object *containers,
				json_object *statuses, json_object *pod, const char *space)
{
	size_t n = ck_obj_array_len(containers);
	ck_tabwriter_printf(w, "%s%s:%s\n", space, title, n ? "" : " <none>");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(containers, i);
		json_object *st = status_of(statuses, ck_obj_path_str_or(c, "name", ""));
		ck_tabwriter_printf(w, "  %s%s:\n", space[0] ? " " : "",
				    ck_obj_path_str_or(c, "name", ""));
		if (st)
			ck_tabwriter_printf(w, "    Container ID:\t%s\n",
					    ck_obj_path_str_or(st, "containerID", ""));
		ck_tabwriter_printf(w, "    Image:\t%s\n", ck_obj_path_str_or(c, "image", ""));
		if (st)
			ck_tabwriter_printf(w, "    Image ID:\t%s\n",
					    ck_obj_path_str_or(st, "imageID", ""));
		json_object *ports = ck_obj_get(c, "ports");
		char *p = container_ports(ports, "containerPort");
		ck_tabwriter_printf(w, "    %s:\t%s\n", strchr(p, ',') ? "Ports" : "Port",
				    p[0] ? p : "<none>");
		free(p);
		p = container_ports(ports, "hostPort");
		ck_tabwriter_printf(w, "    %s:\t%s\n", strchr(p, ',') ? "Host Ports" : "Host Port",
				    p[0] ? p : "<none>");
		free(p);
		json_object *seccomp = ck_obj_path(c, "securityContext.seccompProfile");
		if (seccomp) {
			const char *type = ck_obj_path_str_or(seccomp, "type", "");
			ck_tabwriter_printf(w, "    SeccompProfile:\t%s\n", type);
			if (ck_streq(type, "Localhost"))
				ck_tabwriter_printf(
				    w, "      LocalhostProfile:\t%s\n",
				    ck_obj_path_str_or(seccomp, "localhostProfile", ""));
		}
		static const char *const cmd_fields[] = { "command", "args" };
		static const char *const cmd_titles[] = { "Command", "Args" };
		for (size_t f = 0; f < 2; f++) {
			json_object *arr = ck_obj_get(c, cmd_fields[f]);
			if (!ck_obj_array_len(arr))
				continue;
			ck_tabwriter_printf(w, "    %s:\n", cmd_titles[f]);
			for (size_t j = 0; j < ck_obj_array_len(arr); j++) {
				const char *s =
				    json_object_get_string(json_object_array_get_idx(arr, j));
				for (;;) {
					size_t l = strcspn(s, "\n");
					ck_tabwriter_printf(w, "      %.*s\n", (int)l, s);
					if (!s[l])
						break;
					s += l + 1;
				}
			}
		}
		if (st) {
			describe_state(w, "State", ck_obj_get(st, "state"));
			if (ck_obj_path(st, "lastState.terminated"))
				describe_state(w, "Last State", ck_obj_get(st, "lastState"));
			ck_tabwriter_printf(w, "    Ready:\t%s\n",
					    ck_describe_bool(st, "ready") ? "True" : "False");
			ck_tabwriter_printf(w, "    Restart Count:\t%lld\n",
					    (long long)ck_describe_int(st, "restartCount"));
		}
		describe_resources(w, ck_obj_get(c, "resources"), 4);
		static const char *const probes[] = { "livenessProbe", "readinessProbe",
						      "startupProbe" };
		static const char *const probe_titles[] = { "Liveness", "Readiness", "Startup" };
		for (size_t j = 0; j < 3; j++) {
			json_object *probe = ck_obj_get(c, probes[j]);
			if (!probe)
				continue;
			char *s = describe_probe(probe);
			ck_tabwriter_printf(w, "    %s:\t%s\n", probe_titles[j], s);
			free(s);
		}
		describe_env(w, c, pod);
		describe_mounts(w, c);
	}
}

/* ---- volumes -------------------------------------------------------------------------------- */

static const char *yes_no(json_object *obj, const char *path)
{
	return ck_describe_bool(obj, path) ? "true" : "false";
}

static void describe_projected(struct ck_tabwriter *w, json_object *projected)
{
	ck_tabwriter_printf(
	    w,
	    "    Type:\tProjected (a volume that contains injected data from multiple sources)\n");
	json_object *sources = ck_obj_get(projected, "sources");
	for (size_t i = 0; i < ck_obj_array_len(sources); i++) {
		json_object *s = json_object_array_get_idx(sources, i);
		json_object *v;
		/*
		 * kubectl 1.32 prints the optional pointer itself: <nil>, or an
		 * address where ckubectl prints the value
		 */
		if ((v = ck_obj_get(s, "secret")))
			ck_tabwriter_printf(w, "    SecretName:\t%s\n    SecretOptionalName:\t%s\n",
					    ck_obj_path_str_or(v, "name", ""),
					    ck_obj_get(v, "optional") ? yes_no(v, "optional")
								      : "<nil>");
		else if (ck_obj_get(s, "downwardAPI"))
			ck_tabwriter_printf(w, "    DownwardAPI:\ttrue\n");
		else if ((v = ck_obj_get(s, "configMap")))
			ck_tabwriter_printf(
			    w, "    ConfigMapName:\t%s\n    ConfigMapOptional:\t%s\n",
			    ck_obj_path_str_or(v, "name", ""),
			    ck_obj_get(v, "optional") ? yes_no(v, "optional") : "<nil>");
		else if ((v = ck_obj_get(s, "serviceAccountToken")))
			ck_tabwriter_printf(w, "    TokenExpirationSeconds:\t%lld\n",
					    (long long)ck_describe_int(v, "expirationSeconds"));
	}
}

/* describeVolumes: space is "" for a pod, "  " in a pod template. */
static void describe_volumes(struct ck_tabwriter *w, json_object *volumes, const char *space)
{
	size_t n = ck_obj_array_len(volumes);
	if (n == 0) {
		ck_tabwriter_printf(w, "%sVolumes:\t<none>\n", space);
		return;
	}
	ck_tabwriter_printf(w, "%sVolumes:\n", space);
	for (size_t i = 0; i < n; i++) {
		json_object *vol = json_object_array_get_idx(volumes, i), *v;
		ck_tabwriter_printf(w, "  %s%s:\n", space[0] ? " " : "",
				    ck_obj_path_str_or(vol, "name", ""));
		if ((v = ck_obj_get(vol, "hostPath"))) {
			ck_tabwriter_printf(w,
					    "    Type:\tHostPath (bare host directory volume)\n"
					    "    Path:\t%s\n    HostPathType:\t%s\n",
					    ck_obj_path_str_or(v, "path", ""),
					    ck_obj_path_str_or(v, "type", "<none>"));
		} else if ((v = ck_obj_get(vol, "emptyDir"))) {
			struct ck_quantity q;
			char size[CK_QUANTITY_STR_MAX] = "<unset>";
			if (ck_quantity_from_json(ck_obj_get(v, "sizeLimit"), &q) == 0 &&
			    ck_quantity_sign(&q) > 0)
				ck_quantity_snprint(&q, size, sizeof(size));
			ck_tabwriter_printf(
			    w,
			    "    Type:\tEmptyDir (a temporary directory that shares a "
			    "pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n",
			    ck_obj_path_str_or(v, "medium", ""), size);
		} else if ((v = ck_obj_get(vol, "secret"))) {
			ck_tabwriter_printf(w,
					    "    Type:\tSecret (a volume populated by a Secret)\n"
					    "    SecretName:\t%s\n    Optional:\t%s\n",
					    ck_obj_path_str_or(v, "secretName", ""),
					    yes_no(v, "optional"));
		} else if ((v = ck_obj_get(vol, "configMap"))) {
			ck_tabwriter_printf(
			    w,
			    "    Type:\tConfigMap (a volume populated by a ConfigMap)\n"
			    "    Name:\t%s\n    Optional:\t%s\n",
			    ck_obj_path_str_or(v, "name", ""), yes_no(v, "optional"));
		} else if ((v = ck_obj_get(vol, "nfs"))) {
			ck_tabwriter_printf(
			    w,
			    "    Type:\tNFS (an NFS mount that lasts the lifetime of a "
			    "pod)\n    Server:\t%s\n    Path:\t%s\n    ReadOnly:\t%s\n",
			    ck_obj_path_str_or(v, "server", ""), ck_obj_path_str_or(v, "path", ""),
			    yes_no(v, "readOnly"));
		} else if ((v = ck_obj_get(vol, "persistentVolumeClaim"))) {
			ck_tabwriter_printf(w,
					    "    Type:\tPersistentVolumeClaim (a reference to a "
					    "PersistentVolumeClaim in the same namespace)\n"
					    "    ClaimName:\t%s\n    ReadOnly:\t%s\n",
					    ck_obj_path_str_or(v, "claimName", ""),
					    yes_no(v, "readOnly"));
		} else if ((v = ck_obj_get(vol, "downwardAPI"))) {
			ck_tabwriter_printf(w, "    Type:\tDownwardAPI (a volume populated by "
					       "information about the pod)\n    Items:\n");
			json_object *items = ck_obj_get(v, "items");
			for (size_t j = 0; j < ck_obj_array_len(items); j++) {
				json_object *it = json_object_array_get_idx(items, j);
				json_object *f = ck_obj_get(it, "fieldRef");
				json_object *r = ck_obj_get(it, "resourceFieldRef");
				if (f)
					ck_tabwriter_printf(w, "      %s -> %s\n",
							    ck_obj_path_str_or(f, "fieldPath", ""),
							    ck_obj_path_str_or(it, "path", ""));
				if (r)
					ck_tabwriter_printf(w, "      %s -> %s\n",
							    ck_obj_path_str_or(r, "resource", ""),
							    ck_obj_path_str_or(it, "path", ""));
			}
		} else if ((v = ck_obj_get(vol, "projected"))) {
			describe_projected(w, v);
		} else if ((v = ck_obj_get(vol, "csi"))) {
			ck_tabwriter_printf(
			    w,
			    "    Type:\tCSI (a Container Storage Interface (CSI) volume "
			    "source)\n    Driver:\t%s\n    FSType:\t%s\n    ReadOnly:\t%s\n",
			    ck_obj_path_str_or(v, "driver", ""),
			    ck_obj_path_str_or(v, "fsType", ""), yes_no(v, "readOnly"));
			json_object *attrs = ck_obj_get(v, "volumeAttributes");
			size_t na;
			const char **keys = ck_json_sorted_keys(attrs, &na);
			ck_tabwriter_printf(w, "    VolumeAttributes:\t%s", na ? "" : "<none>\n");
			for (size_t j = 0; j < na; j++) {
				const char *val =
				    json_object_get_string(json_object_object_get(attrs, keys[j]));
				struct ck_buf b = CK_BUF_INIT;
				ck_buf_addf(&b, "%s=%s", keys[j], val);
				/* every piece is written at level 2, as upstream */
				if (j)
					ck_tabwriter_printf(w, "        \t");
				if (b.len > 140)
					ck_tabwriter_printf(w, "    %.140s...\n", ck_buf_str(&b));
				else
					ck_tabwriter_printf(w, "    %s\n", ck_buf_str(&b));
				ck_buf_release(&b);
			}
			free(keys);
		} else if ((v = ck_obj_get(vol, "image"))) {
			ck_tabwriter_printf(w,
					    "    Type:\tImage (a container image or OCI artifact)\n"
					    "    Reference:\t%s\n    PullPolicy:\t%s\n",
					    ck_obj_path_str_or(v, "reference", ""),
					    ck_obj_path_str_or(v, "pullPolicy", ""));
		} else {
			ck_tabwriter_printf(w, "  <unknown>\n");
		}
	}
}

/* ---- tolerations, topology ----------------------------------------------------------------- */

void ck_describe_tolerations(struct ck_tabwriter *w, const char *title, json_object *tolerations)
{
	size_t n;
	json_object **v = sorted_by(tolerations, "key", &n);
	ck_tabwriter_printf(w, "%s:\t%s", title, n ? "" : "<none>\n");
	for (size_t i = 0; i < n; i++) {
		const char *key = ck_obj_path_str_or(v[i], "key", ""),
			   *value = ck_obj_path_str_or(v[i], "value", "");
		const char *effect = ck_obj_path_str_or(v[i], "effect", "");
		if (i)
			ck_tabwriter_printf(w, "\t");
		ck_tabwriter_printf(w, "%s", key);
		if (value[0])
			ck_tabwriter_printf(w, "=%s", value);
		if (effect[0])
			ck_tabwriter_printf(w, ":%s", effect);
		if (ck_streq(ck_obj_path_str(v[i], "operator"), "Exists") && !value[0])
			ck_tabwriter_printf(w, "%sop=Exists", key[0] || effect[0] ? " " : "");
		json_object *secs = ck_obj_get(v[i], "tolerationSeconds");
		if (secs)
			ck_tabwriter_printf(w, " for %llds",
					    (long long)json_object_get_int64(secs));
		ck_tabwriter_printf(w, "\n");
	}
	free(v);
}

static void describe_topology_spread(struct ck_tabwriter *w, json_object *tscs, const char *space)
{
	size_t n;
	json_object **v = sorted_by(tscs, "topologyKey", &n);
	if (n)
		ck_tabwriter_printf(w, "%sTopology Spread Constraints:\t", space);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ck_tabwriter_printf(w, "%s\t", space);
		ck_tabwriter_printf(w, "%s:%s when max skew %lld is exceeded",
				    ck_obj_path_str_or(v[i], "topologyKey", ""),
				    ck_obj_path_str_or(v[i], "whenUnsatisfiable", ""),
				    (long long)ck_describe_int(v[i], "maxSkew"));
		json_object *sel = ck_obj_get(v[i], "labelSelector");
		if (sel) {
			char *s = ck_describe_selector(sel, "<none>");
			ck_tabwriter_printf(w, " for selector %s", s);
			free(s);
		}
		ck_tabwriter_printf(w, "\n");
	}
	free(v);
}

/* ---- pod templates and pods -------------------------------------------------------------------
 */

void ck_kubectl_describe_pod_template(struct ck_tabwriter *w, json_object *tmpl)
{
	ck_tabwriter_printf(w, "Pod Template:\n");
	if (!tmpl) {
		ck_tabwriter_printf(w, "  <unset>");
		return;
	}
	json_object *spec = ck_obj_get(tmpl, "spec");
	ck_describe_labels(w, "  Labels", ck_obj_path(tmpl, "metadata.labels"));
	json_object *annotations = ck_obj_path(tmpl, "metadata.annotations");
	if (annotations && json_object_object_length(annotations))
		ck_describe_annotations(w, "  Annotations", annotations);
	const char *sa = ck_obj_path_str_or(spec, "serviceAccountName", "");
	if (sa[0])
		ck_tabwriter_printf(w, "  Service Account:\t%s\n", sa);
	if (ck_obj_array_len(ck_obj_get(spec, "initContainers")))
		describe_containers(w, "Init Containers", ck_obj_get(spec, "initContainers"), NULL,
				    NULL, "  ");
	describe_containers(w, "Containers", ck_obj_get(spec, "containers"), NULL, NULL, "  ");
	describe_volumes(w, ck_obj_get(spec, "volumes"), "  ");
	describe_topology_spread(w, ck_obj_get(spec, "topologySpreadConstraints"), "  ");
	const char *pcn = ck_obj_path_str_or(spec, "priorityClassName", "");
	if (pcn[0])
		ck_tabwriter_printf(w, "  Priority Class Name:\t%s\n", pcn);
	ck_describe_labels(w, "  Node-Selectors", ck_obj_get(spec, "nodeSelector"));
	ck_describe_tolerations(w, "  Tolerations", ck_obj_get(spec, "tolerations"));
}

int ck_describe_pod(struct ck_describe *d, json_object *pod)
{
	struct ck_tabwriter *w = d->w;
	json_object *spec = ck_obj_get(pod, "spec"), *status = ck_obj_get(pod, "status");
	char t[CK_DESCRIBE_TIME_BUF];
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(pod));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(pod, "metadata.namespace", ""));
	if (ck_obj_get(spec, "priority"))
		ck_tabwriter_printf(w, "Priority:\t%lld\n",
				    (long long)ck_describe_int(spec, "priority"));
	ck_describe_optional(w, "Priority Class Name", spec, "priorityClassName");
	ck_describe_optional(w, "Runtime Class Name", spec, "runtimeClassName");
	ck_describe_optional(w, "Service Account", spec, "serviceAccountName");
	const char *s = ck_obj_path_str_or(spec, "nodeName", "");
	if (s[0])
		ck_tabwriter_printf(w, "Node:\t%s/%s\n", s,
				    ck_obj_path_str_or(status, "hostIP", ""));
	else
		ck_tabwriter_printf(w, "Node:\t<none>\n");
	if (ck_obj_get(status, "startTime")) {
		ck_describe_time(ck_obj_path_str(status, "startTime"), t);
		ck_tabwriter_printf(w, "Start Time:\t%s\n", t);
	}
	ck_describe_labels(w, "Labels", ck_obj_labels(pod));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(pod));
	const char *phase = ck_obj_path_str_or(status, "phase", "");
	const char *deleted = ck_obj_path_str(pod, "metadata.deletionTimestamp");
	if (deleted && !ck_streq(phase, "Failed") && !ck_streq(phase, "Succeeded")) {
		char age[32];
		ck_describe_age(deleted, age, sizeof(age));
		ck_tabwriter_printf(w, "Status:\tTerminating (lasts %s)\n", age);
		ck_tabwriter_printf(
		    w, "Termination Grace Period:\t%llds\n",
		    (long long)ck_describe_int(pod, "metadata.deletionGracePeriodSeconds"));
	} else {
		ck_tabwriter_printf(w, "Status:\t%s\n", phase);
	}
	ck_describe_optional(w, "Reason", status, "reason");
	ck_describe_optional(w, "Message", status, "message");
	json_object *seccomp = ck_obj_path(spec, "securityContext.seccompProfile");
	if (seccomp) {
		s = ck_obj_path_str_or(seccomp, "type", "");
		ck_tabwriter_printf(w, "SeccompProfile:\t%s\n", s);
		if (ck_streq(s, "Localhost"))
			ck_tabwriter_printf(w, "LocalhostProfile:\t%s\n",
					    ck_obj_path_str_or(seccomp, "localhostProfile", ""));
	}
	ck_tabwriter_printf(w, "IP:\t%s\n", ck_obj_path_str_or(status, "podIP", ""));
	json_object *ips = ck_obj_get(status, "podIPs");
	if (!ck_obj_array_len(ips))
		ck_tabwriter_printf(w, "IPs:\t<none>\n");
	else
		ck_tabwriter_printf(w, "IPs:\n");
	for (size_t i = 0; i < ck_obj_array_len(ips); i++)
		ck_tabwriter_printf(
		    w, "  IP:\t%s\n",
		    ck_obj_path_str_or(json_object_array_get_idx(ips, i), "ip", ""));
	ck_describe_controlled_by(w, pod);
	ck_describe_optional(w, "NominatedNodeName", status, "nominatedNodeName");
	if (ck_obj_get(spec, "resources")) {
		ck_tabwriter_printf(w, "Resources:\n");
		describe_resources(w, ck_obj_get(spec, "resources"), 2);
	}
	if (ck_obj_array_len(ck_obj_get(spec, "initContainers")))
		describe_containers(w, "Init Containers", ck_obj_get(spec, "initContainers"),
				    ck_obj_get(status, "initContainerStatuses"), pod, "");
	describe_containers(w, "Containers", ck_obj_get(spec, "containers"),
			    ck_obj_get(status, "containerStatuses"), pod, "");
	if (ck_obj_array_len(ck_obj_get(spec, "ephemeralContainers")))
		describe_containers(w, "Ephemeral Containers",
				    ck_obj_get(spec, "ephemeralContainers"),
				    ck_obj_get(status, "ephemeralContainerStatuses"), pod, "");
	json_object *conditions = ck_obj_get(status, "conditions");
	json_object *gates = ck_obj_get(spec, "readinessGates");
	if (ck_obj_array_len(gates))
		ck_tabwriter_printf(w, "Readiness Gates:\n  Type\tStatus\n");
	for (size_t i = 0; i < ck_obj_array_len(gates); i++) {
		const char *type =
		    ck_obj_path_str_or(json_object_array_get_idx(gates, i), "conditionType", "");
		const char *st = "<none>";
		for (size_t j = 0; j < ck_obj_array_len(conditions); j++) {
			json_object *c = json_object_array_get_idx(conditions, j);
			if (ck_streq(ck_obj_path_str_or(c, "type", ""), type)) {
				st = ck_obj_path_str_or(c, "status", "");
				break;
			}
		}
		ck_tabwriter_printf(w, "  %s \t%s \n", type, st);
	}
	if (ck_obj_array_len(conditions))
		ck_tabwriter_printf(w, "Conditions:\n  Type\tStatus\n");
	for (size_t i = 0; i < ck_obj_array_len(conditions); i++) {
		json_object *c = json_object_array_get_idx(conditions, i);
		ck_tabwriter_printf(w, "  %s \t%s \n", ck_obj_path_str_or(c, "type", ""),
				    ck_obj_path_str_or(c, "status", ""));
	}
	describe_volumes(w, ck_obj_get(spec, "volumes"), "");
	s = ck_obj_path_str_or(status, "qosClass", "");
	ck_tabwriter_printf(w, "QoS Class:\t%s\n", s[0] ? s : ck_api_pod_qos_class(pod));
	ck_describe_labels(w, "Node-Selectors", ck_obj_get(spec, "nodeSelector"));
	ck_describe_tolerations(w, "Tolerations", ck_obj_get(spec, "tolerations"));
	describe_topology_spread(w, ck_obj_get(spec, "topologySpreadConstraints"), "");
	/* events about the pod of any kind; a mirror pod's carry its static pod's uid */
	const char *uid = ck_obj_uid(pod);
	json_object *mirror = ck_obj_get(ck_obj_annotations(pod), "kubernetes.io/config.mirror");
	if (mirror)
		uid = json_object_get_string(mirror);
	return ck_describe_events_ref(d, ck_obj_namespace(pod), ck_obj_name(pod), NULL, &uid, 1);
}
