#include "registry/core/podspec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/labels.h"
#include "apimachinery/meta_validation.h"
#include "apimachinery/object.h"
#include "apimachinery/quantity.h"
#include "apimachinery/validation.h"
#include "registry/core/validation.h"
#include "util/common.h"
#include "util/str.h"

#define P ck_buf_str(p)
#define INT32_MAXV 2147483647LL

/* ---- small error helpers: an error at p, or at p.child ---- */

static size_t at(struct ck_buf *p, const char *child)
{
	size_t m = p->len;
	if (child)
		ck_field_path_child(p, child);
	return m;
}

static void required(struct ck_field_errors *e, struct ck_buf *p, const char *child,
		     const char *detail)
{
	size_t m = at(p, child);
	ck_field_errors_add_required(e, P, detail);
	ck_buf_truncate(p, m);
}

static void invalid_str(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			const char *value, const char *detail)
{
	size_t m = at(p, child);
	ck_field_errors_add_invalid_str(e, P, value, detail);
	ck_buf_truncate(p, m);
}

static void invalid_int(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			int64_t value, const char *detail)
{
	size_t m = at(p, child);
	ck_field_errors_add_invalid_int(e, P, value, detail);
	ck_buf_truncate(p, m);
}

static void invalid_obj(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			json_object *value, const char *detail)
{
	size_t m = at(p, child);
	ck_field_errors_add_invalid(e, P, value, detail);
	ck_buf_truncate(p, m);
}

static void forbidden(struct ck_field_errors *e, struct ck_buf *p, const char *child,
		      const char *detail)
{
	size_t m = at(p, child);
	ck_field_errors_add_forbidden(e, P, detail);
	ck_buf_truncate(p, m);
}

static void not_supported(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			  const char *value, const char *const *valid, size_t n)
{
	size_t m = at(p, child);
	json_object *v = json_object_new_string(value);
	ck_field_errors_add_not_supported(e, P, v, valid, n);
	json_object_put(v);
	ck_buf_truncate(p, m);
}

static void duplicate_str(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			  const char *value)
{
	size_t m = at(p, child);
	json_object *v = json_object_new_string(value);
	ck_field_errors_add_duplicate(e, P, v);
	json_object_put(v);
	ck_buf_truncate(p, m);
}

static void msgs_at(struct ck_field_errors *e, struct ck_buf *p, const char *child,
		    const char *value, char **msgs)
{
	size_t m = at(p, child);
	ck_core_add_msgs(e, P, value, msgs);
	ck_buf_truncate(p, m);
}

static void msgs_int_at(struct ck_field_errors *e, struct ck_buf *p, const char *child,
			int64_t value, char **msgs)
{
	size_t m = at(p, child);
	for (size_t i = 0; msgs && msgs[i]; i++)
		ck_field_errors_add_invalid_int(e, P, value, msgs[i]);
	ck_strv_free(msgs);
	ck_buf_truncate(p, m);
}

static bool in_set(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ck_streq(v, set[i]))
			return true;
	return false;
}

/* A JSON string value, or "" (wrong types read as empty). */
static const char *sval(json_object *v)
{
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* ---- defaulting ---- */

const char *ck_core_default_pull_policy(const char *image)
{
	/* The tag is after the last ':' of the last path component; a digest
	 * ("@sha256:...") without a tag means no tag; an invalid reference
	 * (upper case in the repository) reads as no tag either. */
	if (!image || !*image)
		return "Always";
	const char *at = strchr(image, '@');
	size_t len = at ? (size_t)(at - image) : strlen(image);
	const char *slash = NULL;
	for (const char *c = image; c < image + len; c++)
		if (*c == '/')
			slash = c;
	const char *last = slash ? slash + 1 : image;
	const char *colon = NULL;
	for (const char *c = last; c < image + len; c++)
		if (*c == ':')
			colon = c;
	for (const char *c = image; c < (colon ? colon : image + len); c++)
		if (*c >= 'A' && *c <= 'Z' && (!slash || c > slash))
			return "IfNotPresent"; /* parse error: no tag */
	if (colon) {
		size_t tlen = (size_t)(image + len - colon - 1);
		return tlen == 6 && strncmp(colon + 1, "latest", 6) == 0 ? "Always"
									 : "IfNotPresent";
	}
	return at ? "IfNotPresent" : "Always";
}

static void default_http_get(json_object *handler)
{
	json_object *h = ck_core_obj(handler, "httpGet");
	if (!h)
		return;
	ck_core_default_str(h, "path", "/");
	ck_core_default_str(h, "scheme", "HTTP");
}

static void default_int(json_object *o, const char *key, int64_t value)
{
	int64_t v;
	if (!ck_core_int(o, key, &v) || v == 0)
		json_object_object_add(o, key, json_object_new_int64(value));
}

static void default_probe(json_object *probe)
{
	if (!probe)
		return;
	default_int(probe, "timeoutSeconds", 1);
	default_int(probe, "periodSeconds", 10);
	default_int(probe, "successThreshold", 1);
	default_int(probe, "failureThreshold", 3);
	default_http_get(probe);
}

static void default_container(json_object *c)
{
	if (!c || !json_object_is_type(c, json_type_object))
		return;
	if (!*ck_core_str(c, "imagePullPolicy"))
		json_object_object_add(
		    c, "imagePullPolicy",
		    json_object_new_string(ck_core_default_pull_policy(ck_core_str(c, "image"))));
	ck_core_default_str(c, "terminationMessagePath", "/dev/termination-log");
	ck_core_default_str(c, "terminationMessagePolicy", "File");
	json_object *ports = ck_core_arr(c, "ports");
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *port = ck_core_at(ports, i);
		if (json_object_is_type(port, json_type_object))
			ck_core_default_str(port, "protocol", "TCP");
	}
	default_probe(ck_core_obj(c, "livenessProbe"));
	default_probe(ck_core_obj(c, "readinessProbe"));
	default_probe(ck_core_obj(c, "startupProbe"));
	json_object *lc = ck_core_obj(c, "lifecycle");
	default_http_get(ck_core_obj(lc, "postStart"));
	default_http_get(ck_core_obj(lc, "preStop"));
	json_object *env = ck_core_arr(c, "env");
	for (size_t i = 0; i < ck_core_len(env); i++) {
		json_object *fr =
		    ck_core_obj(ck_core_obj(ck_core_at(env, i), "valueFrom"), "fieldRef");
		if (fr)
			ck_core_default_str(fr, "apiVersion", "v1");
	}
	json_object *res = ck_core_obj(c, "resources");
	ck_core_default_resource_list(ck_core_obj(res, "limits"));
	ck_core_default_resource_list(ck_core_obj(res, "requests"));
}

static const char *const volume_sources[] = {
	"emptyDir",
	"hostPath",
	"gitRepo",
	"gcePersistentDisk",
	"awsElasticBlockStore",
	"secret",
	"nfs",
	"iscsi",
	"glusterfs",
	"flocker",
	"persistentVolumeClaim",
	"rbd",
	"cinder",
	"cephfs",
	"quobyte",
	"downwardAPI",
	"fc",
	"flexVolume",
	"configMap",
	"azureFile",
	"vsphereVolume",
	"photonPersistentDisk",
	"portworxVolume",
	"azureDisk",
	"storageos",
	"projected",
	"scaleIO",
	"csi",
	"ephemeral",
	"image",
};

static void default_mode(json_object *src)
{
	if (src && !ck_core_get(src, "defaultMode"))
		json_object_object_add(src, "defaultMode", json_object_new_int(420));
}

static void default_volume(json_object *v)
{
	if (!v || !json_object_is_type(v, json_type_object))
		return;
	bool any = false;
	for (size_t i = 0; i < CK_ARRAY_SIZE(volume_sources); i++)
		any |= ck_core_get(v, volume_sources[i]) != NULL;
	if (!any)
		json_object_object_add(v, "emptyDir", json_object_new_object());
	default_mode(ck_core_obj(v, "secret"));
	default_mode(ck_core_obj(v, "configMap"));
	json_object *dapi = ck_core_obj(v, "downwardAPI");
	default_mode(dapi);
	json_object *items = ck_core_arr(dapi, "items");
	for (size_t i = 0; i < ck_core_len(items); i++) {
		json_object *fr = ck_core_obj(ck_core_at(items, i), "fieldRef");
		if (fr)
			ck_core_default_str(fr, "apiVersion", "v1");
	}
	json_object *proj = ck_core_obj(v, "projected");
	default_mode(proj);
	json_object *sources = ck_core_arr(proj, "sources");
	for (size_t i = 0; i < ck_core_len(sources); i++) {
		json_object *sat = ck_core_obj(ck_core_at(sources, i), "serviceAccountToken");
		if (sat && !ck_core_get(sat, "expirationSeconds"))
			json_object_object_add(sat, "expirationSeconds",
					       json_object_new_int64(3600));
		json_object *d = ck_core_obj(ck_core_at(sources, i), "downwardAPI");
		json_object *ditems = ck_core_arr(d, "items");
		for (size_t j = 0; j < ck_core_len(ditems); j++) {
			json_object *fr = ck_core_obj(ck_core_at(ditems, j), "fieldRef");
			if (fr)
				ck_core_default_str(fr, "apiVersion", "v1");
		}
	}
	json_object *hp = ck_core_obj(v, "hostPath");
	if (hp && !ck_core_get(hp, "type"))
		json_object_object_add(hp, "type", json_object_new_string(""));
	json_object *tmpl = ck_core_obj(ck_core_obj(v, "ephemeral"), "volumeClaimTemplate");
	json_object *pvc_spec = ck_core_obj(tmpl, "spec");
	if (pvc_spec) {
		ck_core_default_str(pvc_spec, "volumeMode", "Filesystem");
		json_object *r = ck_core_obj(pvc_spec, "resources");
		ck_core_default_resource_list(ck_core_obj(r, "requests"));
		ck_core_default_resource_list(ck_core_obj(r, "limits"));
	}
}

void ck_core_default_pod_spec(json_object *spec)
{
	if (!spec || !json_object_is_type(spec, json_type_object))
		return;
	ck_core_default_str(spec, "dnsPolicy", "ClusterFirst");
	ck_core_default_str(spec, "restartPolicy", "Always");
	if (!ck_core_obj(spec, "securityContext"))
		json_object_object_add(spec, "securityContext", json_object_new_object());
	if (!ck_core_get(spec, "terminationGracePeriodSeconds"))
		json_object_object_add(spec, "terminationGracePeriodSeconds",
				       json_object_new_int64(CK_POD_TERMINATION_GRACE_DEFAULT));
	ck_core_default_str(spec, "schedulerName", "default-scheduler");
	static const char *const lists[] = { "containers", "initContainers",
					     "ephemeralContainers" };
	for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++) {
		json_object *cs = ck_core_arr(spec, lists[l]);
		for (size_t i = 0; i < ck_core_len(cs); i++)
			default_container(ck_core_at(cs, i));
	}
	json_object *vols = ck_core_arr(spec, "volumes");
	for (size_t i = 0; i < ck_core_len(vols); i++)
		default_volume(ck_core_at(vols, i));
	ck_core_default_resource_list(ck_core_obj(spec, "overhead"));
}

static void requests_from_limits(json_object *containers)
{
	for (size_t i = 0; i < ck_core_len(containers); i++) {
		json_object *res = ck_core_obj(ck_core_at(containers, i), "resources");
		json_object *limits = ck_core_obj(res, "limits");
		if (!limits)
			continue;
		json_object *requests = ck_core_ensure_obj(res, "requests");
		json_object_object_foreach (limits, k, v) {
			if (!json_object_object_get_ex(requests, k, NULL))
				json_object_object_add(requests, k, ck_obj_copy(v));
		}
	}
}

static void host_network_ports(json_object *containers)
{
	for (size_t i = 0; i < ck_core_len(containers); i++) {
		json_object *ports = ck_core_arr(ck_core_at(containers, i), "ports");
		for (size_t j = 0; j < ck_core_len(ports); j++) {
			json_object *port = ck_core_at(ports, j);
			int64_t hp = 0, cp = 0;
			ck_core_int(port, "hostPort", &hp);
			if (hp == 0 && ck_core_int(port, "containerPort", &cp))
				json_object_object_add(port, "hostPort", json_object_new_int64(cp));
		}
	}
}

void ck_core_default_pod(json_object *pod)
{
	json_object *spec = ck_core_obj(pod, "spec");
	if (!spec)
		return;
	requests_from_limits(ck_core_arr(spec, "containers"));
	requests_from_limits(ck_core_arr(spec, "initContainers"));
	if (!ck_core_get(spec, "enableServiceLinks"))
		json_object_object_add(spec, "enableServiceLinks", json_object_new_boolean(1));
	if (ck_core_bool(spec, "hostNetwork")) {
		host_network_ports(ck_core_arr(spec, "containers"));
		host_network_ports(ck_core_arr(spec, "initContainers"));
	}
}

/* ---- paths and values ---- */

/* validatePathNoBacksteps */
static bool has_backsteps(const char *path)
{
	const char *s = path;
	while (*s) {
		const char *e = s;
		while (*e && *e != '/' && *e != '\\')
			e++;
		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = *e ? e + 1 : e;
	}
	return false;
}

static void no_backsteps(const char *v, struct ck_buf *p, const char *child,
			 struct ck_field_errors *e)
{
	if (has_backsteps(v))
		invalid_str(e, p, child, v, "must not contain '..'");
}

/* validateLocalDescendingPath */
static void local_descending(const char *v, struct ck_buf *p, const char *child,
			     struct ck_field_errors *e)
{
	if (v[0] == '/')
		invalid_str(e, p, child, v, "must be a relative path");
	no_backsteps(v, p, child, e);
}

/* ValidateLocalNonReservedPath */
static void local_non_reserved(const char *v, struct ck_buf *p, const char *child,
			       struct ck_field_errors *e)
{
	local_descending(v, p, child, e);
	if (ck_str_has_prefix(v, "..") && !ck_str_has_prefix(v, "../"))
		invalid_str(e, p, child, v, "must not start with '..'");
}

static const char file_mode_msg[] = "must be a number between 0 and 0777 (octal), both inclusive";

static void file_mode(json_object *o, const char *key, struct ck_buf *p, struct ck_field_errors *e)
{
	int64_t mode;
	if (ck_core_int(o, key, &mode) && (mode > 0777 || mode < 0))
		invalid_int(e, p, key, mode, file_mode_msg);
}

/* ValidatePortNumOrName for an int-or-string value. */
static void port_num_or_name(json_object *v, struct ck_buf *p, const char *child,
			     struct ck_field_errors *e)
{
	if (v && json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		msgs_at(e, p, child, s, ck_is_valid_port_name(s));
	} else {
		int64_t n =
		    v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
		msgs_int_at(e, p, child, n, ck_is_valid_port_num(n));
	}
}

/* ---- volumes ---- */

struct vol {
	const char *name;
	const char *type; /* the source's key */
};

struct vols {
	struct vol *v;
	size_t n;
};

static const struct vol *find_vol(const struct vols *vs, const char *name)
{
	for (size_t i = 0; i < vs->n; i++)
		if (ck_streq(vs->v[i].name, name))
			return &vs->v[i];
	return NULL;
}

static void key_to_path(json_object *kp, struct ck_buf *p, struct ck_field_errors *e)
{
	const char *key = ck_core_str(kp, "key"), *path = ck_core_str(kp, "path");
	if (!*key)
		required(e, p, "key", "");
	if (!*path)
		required(e, p, "path", "");
	local_non_reserved(path, p, "path", e);
	file_mode(kp, "mode", p, e);
}

static void items(json_object *src, struct ck_buf *p, struct ck_field_errors *e)
{
	json_object *its = ck_core_arr(src, "items");
	size_t m = at(p, "items");
	for (size_t i = 0; i < ck_core_len(its); i++) {
		size_t m2 = ck_core_path_index(p, i);
		key_to_path(ck_core_at(its, i), p, e);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static const char *const env_field_paths[] = {
	"metadata.name",	   "metadata.namespace", "metadata.uid",   "spec.nodeName",
	"spec.serviceAccountName", "status.hostIP",	 "status.hostIPs", "status.podIP",
	"status.podIPs",
};
static const char *const volume_field_paths[] = {
	"metadata.annotations", "metadata.labels", "metadata.name",
	"metadata.namespace",	"metadata.uid",
};
static const char *const known_field_labels[] = {
	"metadata.annotations", "metadata.labels", "metadata.name",	 "metadata.namespace",
	"metadata.uid",		"spec.nodeName",   "spec.restartPolicy", "spec.serviceAccountName",
	"spec.schedulerName",	"status.phase",	   "status.hostIP",	 "status.hostIPs",
	"status.podIP",		"status.podIPs",
};

/* fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['x']" → path, subscript. */
static bool split_subscript(const char *fp, char *path, size_t psize, char *sub, size_t ssize)
{
	size_t n = strlen(fp);
	if (n < 4 || !ck_str_has_suffix(fp, "']"))
		return false;
	const char *open = strstr(fp, "['");
	if (!open)
		return false;
	snprintf(path, psize, "%.*s", (int)(open - fp), fp);
	snprintf(sub, ssize, "%.*s", (int)(fp + n - 2 - (open + 2)), open + 2);
	return true;
}

static void object_field_selector(json_object *fs, const char *const *exprs, size_t nexprs,
				  struct ck_buf *p, struct ck_field_errors *e)
{
	const char *av = ck_core_str(fs, "apiVersion"), *fp = ck_core_str(fs, "fieldPath");
	if (!*av) {
		required(e, p, "apiVersion", "");
		return;
	}
	if (!*fp) {
		required(e, p, "fieldPath", "");
		return;
	}
	char msg[512], path[256], sub[256];
	bool subscripted = split_subscript(fp, path, sizeof(path), sub, sizeof(sub));
	const char *conv_err = NULL;
	char errbuf[400];
	if (!ck_streq(av, "v1")) {
		snprintf(errbuf, sizeof(errbuf), "unsupported pod version: %.300s", av);
		conv_err = errbuf;
	} else if (subscripted) {
		if (!ck_streq(path, "metadata.annotations") && !ck_streq(path, "metadata.labels")) {
			snprintf(errbuf, sizeof(errbuf),
				 "field label does not support subscript: %.300s", fp);
			conv_err = errbuf;
		}
	} else if (!in_set(fp, known_field_labels, CK_ARRAY_SIZE(known_field_labels)) &&
		   !ck_streq(fp, "spec.host")) {
		snprintf(errbuf, sizeof(errbuf), "field label not supported: %.300s", fp);
		conv_err = errbuf;
	}
	if (conv_err) {
		snprintf(msg, sizeof(msg), "error converting fieldPath: %s", conv_err);
		invalid_str(e, p, "fieldPath", fp, msg);
		return;
	}
	if (subscripted) {
		if (ck_streq(path, "metadata.annotations")) {
			char *lower = ck_strdup(sub);
			for (char *c = lower; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			msgs_at(e, p, NULL, lower, ck_is_qualified_name(lower));
			free(lower);
		} else {
			msgs_at(e, p, NULL, sub, ck_is_qualified_name(sub));
		}
		return;
	}
	const char *internal = ck_streq(fp, "spec.host") ? "spec.nodeName" : fp;
	if (!in_set(internal, exprs, nexprs))
		not_supported(e, p, "fieldPath", internal, exprs, nexprs);
}

static const char *const container_resource_fields[] = {
	"limits.cpu",	"limits.ephemeral-storage",   "limits.memory",
	"requests.cpu", "requests.ephemeral-storage", "requests.memory",
};

static void resource_field_selector(json_object *fs, bool volume, struct ck_buf *p,
				    struct ck_field_errors *e)
{
	const char *res = ck_core_str(fs, "resource");
	if (volume && !*ck_core_str(fs, "containerName")) {
		required(e, p, "containerName", "");
	} else if (!*res) {
		required(e, p, "resource", "");
	} else if (!in_set(res, container_resource_fields,
			   CK_ARRAY_SIZE(container_resource_fields)) &&
		   !ck_str_has_prefix(res, "requests.hugepages-") &&
		   !ck_str_has_prefix(res, "limits.hugepages-")) {
		not_supported(e, p, "resource", res, container_resource_fields,
			      CK_ARRAY_SIZE(container_resource_fields));
	}
}

static void downward_api_file(json_object *f, struct ck_buf *p, struct ck_field_errors *e)
{
	const char *path = ck_core_str(f, "path");
	if (!*path)
		required(e, p, "path", "");
	local_non_reserved(path, p, "path", e);
	json_object *fr = ck_core_obj(f, "fieldRef"), *rr = ck_core_obj(f, "resourceFieldRef");
	if (fr) {
		size_t m = at(p, "fieldRef");
		object_field_selector(fr, volume_field_paths, CK_ARRAY_SIZE(volume_field_paths), p,
				      e);
		ck_buf_truncate(p, m);
		if (rr)
			invalid_str(e, p, NULL, "resource",
				    "fieldRef and resourceFieldRef can not be specified "
				    "simultaneously");
	} else if (rr) {
		size_t m = at(p, "resourceFieldRef");
		resource_field_selector(rr, true, p, e);
		ck_buf_truncate(p, m);
	} else {
		required(e, p, NULL, "one of fieldRef and resourceFieldRef is required");
	}
	file_mode(f, "mode", p, e);
}

static void projected_sources(json_object *proj, struct ck_buf *p, struct ck_field_errors *e)
{
	json_object *srcs = ck_core_arr(proj, "sources");
	char **paths = ck_calloc(1, sizeof(char *));
	size_t npaths = 0;
#define ADD_PATH(path, value)                                                          \
	do {                                                                           \
		bool dup = false;                                                      \
		for (size_t k = 0; k < npaths; k++)                                    \
			dup |= ck_streq(paths[k], path);                               \
		if (dup) {                                                             \
			invalid_str(e, p, NULL, value, "conflicting duplicate paths"); \
		} else {                                                               \
			paths = ck_realloc(paths, (npaths + 1) * sizeof(char *));      \
			paths[npaths++] = ck_strdup(path);                             \
		}                                                                      \
	} while (0)
	for (size_t i = 0; i < ck_core_len(srcs); i++) {
		json_object *s = ck_core_at(srcs, i);
		int num = 0;
		size_t ms = at(p, "sources");
		ck_field_path_index(p, (long long)i);
		size_t msrc = p->len;
		static const char *const kinds[] = { "secret", "configMap" };
		for (size_t k = 0; k < 2; k++) {
			json_object *src = ck_core_obj(s, kinds[k]);
			if (!src)
				continue;
			num++;
			ck_field_path_child(p, kinds[k]);
			if (!*ck_core_str(src, "name"))
				required(e, p, "name", "");
			json_object *its = ck_core_arr(src, "items");
			size_t mi = at(p, "items");
			for (size_t j = 0; j < ck_core_len(its); j++) {
				size_t mj = ck_core_path_index(p, j);
				json_object *kp = ck_core_at(its, j);
				key_to_path(kp, p, e);
				ck_buf_truncate(p, mj);
				const char *kpath = ck_core_str(kp, "path");
				if (*kpath) {
					/* the duplicate's error is at the projection's path */
					ck_buf_truncate(p, ms);
					ADD_PATH(kpath, ck_core_str(src, "name"));
					at(p, "sources");
					ck_field_path_index(p, (long long)i);
					ck_field_path_child(p, kinds[k]);
					ck_field_path_child(p, "items");
				}
			}
			ck_buf_truncate(p, mi);
			ck_buf_truncate(p, msrc);
		}
		json_object *d = ck_core_obj(s, "downwardAPI");
		if (d) {
			num++;
			json_object *its = ck_core_arr(d, "items");
			for (size_t j = 0; j < ck_core_len(its); j++) {
				ck_field_path_child(p, "downwardAPI");
				downward_api_file(ck_core_at(its, j), p, e);
				ck_buf_truncate(p, msrc);
				const char *fpath = ck_core_str(ck_core_at(its, j), "path");
				if (*fpath) {
					ck_buf_truncate(p, ms);
					ADD_PATH(fpath, fpath);
					at(p, "sources");
					ck_field_path_index(p, (long long)i);
				}
			}
		}
		json_object *sat = ck_core_obj(s, "serviceAccountToken");
		if (sat) {
			num++;
			int64_t exp = 0;
			ck_core_int(sat, "expirationSeconds", &exp);
			ck_field_path_child(p, "serviceAccountToken");
			if (exp < 10 * 60)
				invalid_int(e, p, "expirationSeconds", exp,
					    "may not specify a duration less than 10 minutes");
			if (exp > (1LL << 32))
				invalid_int(e, p, "expirationSeconds", exp,
					    "may not specify a duration larger than 2^32 seconds");
			const char *tpath = ck_core_str(sat, "path");
			if (!*tpath)
				required(e, p, "path", "");
			else
				local_non_reserved(tpath, p, "path", e);
			ck_buf_truncate(p, msrc);
		}
		if (ck_core_obj(s, "clusterTrustBundle"))
			num++;
		if (num > 1)
			forbidden(e, p, NULL, "may not specify more than 1 volume type per source");
		ck_buf_truncate(p, ms);
	}
#undef ADD_PATH
	for (size_t k = 0; k < npaths; k++)
		free(paths[k]);
	free(paths);
}

static void csi_driver_name(const char *driver, struct ck_buf *p, struct ck_field_errors *e)
{
	if (!*driver)
		required(e, p, "driver", "");
	if (strlen(driver) > 63) {
		size_t m = at(p, "driver");
		ck_field_errors_add_too_long(e, P, 63);
		ck_buf_truncate(p, m);
	}
	char *lower = ck_strdup(driver);
	for (char *c = lower; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	char **msgs = ck_is_dns1123_subdomain(lower);
	free(lower);
	msgs_at(e, p, "driver", driver, msgs);
}

/* Checks one volume's source; returns the source's key or NULL. */
static const char *volume_source(json_object *v, const char *vol_name, const char *pod_name,
				 struct ck_buf *p, struct ck_field_errors *e)
{
	int num = 0;
	const char *type = NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(volume_sources); i++) {
		const char *key = volume_sources[i];
		json_object *src = ck_core_get(v, key);
		if (!src)
			continue;
		if (num > 0) {
			/* upstream's paths for this error (sic) */
			const char *where = ck_streq(key, "cephfs")	   ? "cephFS"
					    : ck_streq(key, "downwardAPI") ? "downwarAPI"
									   : key;
			forbidden(e, p, where, "may not specify more than 1 volume type");
			continue;
		}
		num++;
		type = key;
		size_t m = at(p, key);
		if (ck_streq(key, "emptyDir")) {
			json_object *sl = ck_core_get(src, "sizeLimit");
			struct ck_quantity q;
			if (sl && ck_quantity_from_json(sl, &q) == 0 && ck_quantity_sign(&q) < 0)
				forbidden(e, p, "sizeLimit",
					  "SizeLimit field must be a valid resource quantity");
		} else if (ck_streq(key, "hostPath")) {
			const char *path = ck_core_str(src, "path");
			if (!*path) {
				required(e, p, "path", "");
			} else {
				no_backsteps(path, p, "path", e);
				static const char *const types[] = {
					"",
					"BlockDevice",
					"CharDevice",
					"Directory",
					"DirectoryOrCreate",
					"File",
					"FileOrCreate",
					"Socket",
				};
				json_object *t = ck_core_get(src, "type");
				if (t && !in_set(sval(t), types, CK_ARRAY_SIZE(types)))
					not_supported(e, p, "type", sval(t), types,
						      CK_ARRAY_SIZE(types));
			}
		} else if (ck_streq(key, "gitRepo")) {
			if (!*ck_core_str(src, "repository"))
				required(e, p, "repository", "");
			local_descending(ck_core_str(src, "directory"), p, "directory", e);
		} else if (ck_streq(key, "secret")) {
			if (!*ck_core_str(src, "secretName"))
				required(e, p, "secretName", "");
			file_mode(src, "defaultMode", p, e);
			items(src, p, e);
		} else if (ck_streq(key, "configMap")) {
			if (!*ck_core_str(src, "name"))
				required(e, p, "name", "");
			file_mode(src, "defaultMode", p, e);
			items(src, p, e);
		} else if (ck_streq(key, "persistentVolumeClaim")) {
			if (!*ck_core_str(src, "claimName"))
				required(e, p, "claimName", "");
		} else if (ck_streq(key, "nfs")) {
			const char *path = ck_core_str(src, "path");
			if (!*ck_core_str(src, "server"))
				required(e, p, "server", "");
			if (!*path)
				required(e, p, "path", "");
			if (path[0] != '/')
				invalid_str(e, p, "path", path, "must be an absolute path");
		} else if (ck_streq(key, "downwardAPI")) {
			file_mode(src, "defaultMode", p, e);
			json_object *its = ck_core_arr(src, "items");
			ck_buf_truncate(p, m);
			ck_field_path_child(p, "downwardAPI");
			for (size_t j = 0; j < ck_core_len(its); j++)
				downward_api_file(ck_core_at(its, j), p, e);
		} else if (ck_streq(key, "projected")) {
			file_mode(src, "defaultMode", p, e);
			projected_sources(src, p, e);
		} else if (ck_streq(key, "csi")) {
			csi_driver_name(ck_core_str(src, "driver"), p, e);
			json_object *ref = ck_core_obj(src, "nodePublishSecretRef");
			if (ref) {
				const char *n = ck_core_str(ref, "name");
				if (!*n)
					required(e, p, "nodePublishSecretRef.name", "");
				else
					msgs_at(e, p, "name", n,
						ck_name_is_dns_subdomain(n, false));
			}
		} else if (ck_streq(key, "ephemeral")) {
			if (!ck_core_obj(src, "volumeClaimTemplate"))
				required(e, p, "volumeClaimTemplate", "");
			if (pod_name && *pod_name && vol_name && *vol_name) {
				char pvc[600];
				snprintf(pvc, sizeof(pvc), "%.300s-%.250s", pod_name, vol_name);
				char **msgs = ck_name_is_dns_subdomain(pvc, false);
				for (size_t k = 0; msgs && msgs[k]; k++) {
					char msg[1024];
					snprintf(msg, sizeof(msg), "PVC name \"%s\": %s", pvc,
						 msgs[k]);
					ck_buf_truncate(p, m);
					invalid_str(e, p, "name", vol_name, msg);
				}
				ck_strv_free(msgs);
			}
		} else if (ck_streq(key, "gcePersistentDisk")) {
			ck_buf_truncate(p, m);
			ck_field_path_child(p, "persistentDisk"); /* upstream's path */
			if (!*ck_core_str(src, "pdName"))
				required(e, p, "pdName", "");
		} else if (ck_streq(key, "awsElasticBlockStore") || ck_streq(key, "cinder") ||
			   ck_streq(key, "portworxVolume")) {
			if (!*ck_core_str(src, "volumeID"))
				required(e, p, "volumeID", "");
		} else if (ck_streq(key, "iscsi")) {
			if (!*ck_core_str(src, "targetPortal"))
				required(e, p, "targetPortal", "");
			if (!*ck_core_str(src, "iqn"))
				required(e, p, "iqn", "");
		} else if (ck_streq(key, "glusterfs")) {
			if (!*ck_core_str(src, "endpoints"))
				required(e, p, "endpoints", "");
			if (!*ck_core_str(src, "path"))
				required(e, p, "path", "");
		} else if (ck_streq(key, "rbd")) {
			if (!ck_core_len(ck_core_arr(src, "monitors")))
				required(e, p, "monitors", "");
			if (!*ck_core_str(src, "image"))
				required(e, p, "image", "");
		} else if (ck_streq(key, "cephfs")) {
			if (!ck_core_len(ck_core_arr(src, "monitors")))
				required(e, p, "monitors", "");
		} else if (ck_streq(key, "flexVolume")) {
			if (!*ck_core_str(src, "driver"))
				required(e, p, "driver", "");
		} else if (ck_streq(key, "azureFile")) {
			if (!*ck_core_str(src, "secretName"))
				required(e, p, "secretName", "");
			if (!*ck_core_str(src, "shareName"))
				required(e, p, "shareName", "");
		} else if (ck_streq(key, "vsphereVolume")) {
			if (!*ck_core_str(src, "volumePath"))
				required(e, p, "volumePath", "");
		} else if (ck_streq(key, "image")) {
			static const char *const pulls[] = { "Always", "IfNotPresent", "Never" };
			const char *pp = ck_core_str(src, "pullPolicy");
			if (!*ck_core_str(src, "reference"))
				required(e, p, "reference", "");
			if (!*pp)
				required(e, p, "pullPolicy", "");
			else if (!in_set(pp, pulls, 3))
				not_supported(e, p, "pullPolicy", pp, pulls, 3);
		}
		ck_buf_truncate(p, m);
	}
	if (num == 0)
		required(e, p, NULL, "must specify a volume type");
	return type;
}

/* ValidateVolumes: the valid volumes into *ret (names borrowed). */
static void validate_volumes(json_object *volumes, const char *pod_name, struct vols *ret,
			     struct ck_buf *p, struct ck_field_errors *e)
{
	size_t n = ck_core_len(volumes);
	ret->v = ck_calloc(n ? n : 1, sizeof(*ret->v));
	ret->n = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *v = ck_core_at(volumes, i);
		size_t m = ck_core_path_index(p, i);
		size_t before = e->len;
		const char *name = ck_core_str(v, "name");
		const char *type = volume_source(v, name, pod_name, p, e);
		if (!*name)
			required(e, p, "name", "");
		else
			msgs_at(e, p, "name", name, ck_is_dns1123_label(name));
		if (find_vol(ret, name))
			duplicate_str(e, p, "name", name);
		if (e->len == before) {
			ret->v[ret->n].name = name;
			ret->v[ret->n].type = type;
			ret->n++;
		}
		ck_buf_truncate(p, m);
	}
}

/* ---- containers ---- */

static const char *const protocols[] = { "SCTP", "TCP", "UDP" };

static void container_ports(json_object *ports, struct ck_buf *p, struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(ports); i++) {
		json_object *port = ck_core_at(ports, i);
		size_t m = ck_core_path_index(p, i);
		const char *name = ck_core_str(port, "name");
		if (*name) {
			char **msgs = ck_is_valid_port_name(name);
			if (msgs) {
				msgs_at(e, p, "name", name, msgs);
			} else {
				for (size_t j = 0; j < i; j++)
					if (ck_streq(ck_core_str(ck_core_at(ports, j), "name"),
						     name)) {
						duplicate_str(e, p, "name", name);
						break;
					}
			}
		}
		int64_t cp = 0, hp = 0;
		ck_core_int(port, "containerPort", &cp);
		if (cp == 0)
			required(e, p, "containerPort", "");
		else
			msgs_int_at(e, p, "containerPort", cp, ck_is_valid_port_num(cp));
		if (ck_core_int(port, "hostPort", &hp) && hp != 0)
			msgs_int_at(e, p, "hostPort", hp, ck_is_valid_port_num(hp));
		const char *proto = ck_core_str(port, "protocol");
		if (!*proto)
			required(e, p, "protocol", "");
		else if (!in_set(proto, protocols, 3))
			not_supported(e, p, "protocol", proto, protocols, 3);
		ck_buf_truncate(p, m);
	}
}

static void key_selector(json_object *s, struct ck_buf *p, struct ck_field_errors *e)
{
	const char *name = ck_core_str(s, "name"), *key = ck_core_str(s, "key");
	msgs_at(e, p, "name", name, ck_name_is_dns_subdomain(name, false));
	if (!*key)
		required(e, p, "key", "");
	else
		msgs_at(e, p, "key", key, ck_is_config_map_key(key));
}

static void validate_env(json_object *env, struct ck_buf *p, struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(env); i++) {
		json_object *ev = ck_core_at(env, i);
		size_t m = ck_core_path_index(p, i);
		const char *name = ck_core_str(ev, "name");
		if (!*name)
			required(e, p, "name", "");
		else
			msgs_at(e, p, "name", name, ck_is_env_var_name(name));
		json_object *vf = ck_core_obj(ev, "valueFrom");
		if (vf) {
			ck_field_path_child(p, "valueFrom");
			int num = 0;
			json_object *s;
			size_t m2 = p->len;
			if ((s = ck_core_obj(vf, "fieldRef"))) {
				num++;
				ck_field_path_child(p, "fieldRef");
				object_field_selector(s, env_field_paths,
						      CK_ARRAY_SIZE(env_field_paths), p, e);
				ck_buf_truncate(p, m2);
			}
			if ((s = ck_core_obj(vf, "resourceFieldRef"))) {
				num++;
				ck_field_path_child(p, "resourceFieldRef");
				resource_field_selector(s, false, p, e);
				ck_buf_truncate(p, m2);
			}
			if ((s = ck_core_obj(vf, "configMapKeyRef"))) {
				num++;
				ck_field_path_child(p, "configMapKeyRef");
				key_selector(s, p, e);
				ck_buf_truncate(p, m2);
			}
			if ((s = ck_core_obj(vf, "secretKeyRef"))) {
				num++;
				ck_field_path_child(p, "secretKeyRef");
				key_selector(s, p, e);
				ck_buf_truncate(p, m2);
			}
			if (num == 0)
				invalid_str(e, p, NULL, "",
					    "must specify one of: `fieldRef`, `resourceFieldRef`, "
					    "`configMapKeyRef` or `secretKeyRef`");
			else if (*ck_core_str(ev, "value"))
				invalid_str(e, p, NULL, "",
					    "may not be specified when `value` is not empty");
			else if (num > 1)
				invalid_str(e, p, NULL, "",
					    "may not have more than one field specified at a time");
		}
		ck_buf_truncate(p, m);
	}
}

static void validate_env_from(json_object *env_from, struct ck_buf *p, struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(env_from); i++) {
		json_object *ev = ck_core_at(env_from, i);
		size_t m = ck_core_path_index(p, i);
		const char *prefix = ck_core_str(ev, "prefix");
		if (*prefix)
			msgs_at(e, p, "prefix", prefix, ck_is_env_var_name(prefix));
		int num = 0;
		static const char *const refs[] = { "configMapRef", "secretRef" };
		for (size_t k = 0; k < 2; k++) {
			json_object *r = ck_core_obj(ev, refs[k]);
			if (!r)
				continue;
			num++;
			size_t m2 = at(p, refs[k]);
			const char *name = ck_core_str(r, "name");
			if (!*name)
				required(e, p, "name", "");
			else
				msgs_at(e, p, "name", name, ck_name_is_dns_subdomain(name, true));
			ck_buf_truncate(p, m2);
		}
		ck_buf_truncate(p, m);
		/* upstream puts these two at the envFrom path itself */
		if (num == 0)
			invalid_str(e, p, NULL, "",
				    "must specify one of: `configMapRef` or `secretRef`");
		else if (num > 1)
			invalid_str(e, p, NULL, "",
				    "may not have more than one field specified at a time");
	}
}

static bool privileged(json_object *c)
{
	return ck_core_bool(ck_core_obj(c, "securityContext"), "privileged");
}

static void volume_mounts(json_object *c, const struct vols *vs, struct ck_buf *p,
			  struct ck_field_errors *e)
{
	json_object *mounts = ck_core_arr(c, "volumeMounts");
	json_object *devices = ck_core_arr(c, "volumeDevices");
	size_t m = at(p, "volumeMounts");
	for (size_t i = 0; i < ck_core_len(mounts); i++) {
		json_object *mnt = ck_core_at(mounts, i);
		size_t mi = ck_core_path_index(p, i);
		const char *name = ck_core_str(mnt, "name"), *mp = ck_core_str(mnt, "mountPath");
		if (!*name)
			required(e, p, "name", "");
		const struct vol *vol = find_vol(vs, name);
		if (!vol) {
			size_t m2 = at(p, "name");
			json_object *v = json_object_new_string(name);
			ck_field_errors_add_not_found(e, P, v);
			json_object_put(v);
			ck_buf_truncate(p, m2);
		}
		if (!*mp)
			required(e, p, "mountPath", "");
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(mounts, j), "mountPath"), mp)) {
				invalid_str(e, p, "mountPath", mp, "must be unique");
				break;
			}
		for (size_t j = 0; j < ck_core_len(devices); j++) {
			json_object *d = ck_core_at(devices, j);
			if (ck_streq(ck_core_str(d, "name"), name))
				invalid_str(e, p, "name", name,
					    "must not already exist in volumeDevices");
			if (ck_streq(ck_core_str(d, "devicePath"), mp))
				invalid_str(e, p, "mountPath", mp,
					    "must not already exist as a path in volumeDevices");
		}
		const char *sub = ck_core_str(mnt, "subPath"),
			   *subx = ck_core_str(mnt, "subPathExpr");
		if (vol && ck_streq(vol->type, "image")) {
			if (*sub)
				invalid_str(e, p, "subPath", sub,
					    "not allowed in image volume sources");
			if (*subx)
				invalid_str(e, p, "subPathExpr", subx,
					    "not allowed in image volume sources");
		}
		ck_buf_truncate(p, mi);
		/* upstream checks sub paths at the volumeMounts path itself */
		if (*sub)
			local_descending(sub, p, "subPath", e);
		if (*subx) {
			if (*sub) {
				size_t m3 = ck_core_path_index(p, i);
				invalid_str(e, p, "subPathExpr", subx,
					    "subPathExpr and subPath are mutually exclusive");
				ck_buf_truncate(p, m3);
			}
			local_descending(subx, p, "subPathExpr", e);
		}
		const char *prop = ck_core_str(mnt, "mountPropagation");
		if (ck_core_get(mnt, "mountPropagation")) {
			static const char *const props[] = { "Bidirectional", "HostToContainer",
							     "None" };
			if (!in_set(prop, props, 3))
				not_supported(e, p, "mountPropagation", prop, props, 3);
			if (ck_streq(prop, "Bidirectional") && !privileged(c))
				forbidden(e, p, "mountPropagation",
					  "Bidirectional mount propagation is available only to "
					  "privileged containers");
		}
		json_object *rro = ck_core_get(mnt, "recursiveReadOnly");
		if (rro) {
			const char *r = sval(rro);
			static const char *const rros[] = { "Disabled", "Enabled", "IfPossible" };
			if (ck_streq(r, "Enabled") || ck_streq(r, "IfPossible")) {
				if (!ck_core_bool(mnt, "readOnly"))
					forbidden(e, p, "recursiveReadOnly",
						  "may only be specified when readOnly is true");
				if (*prop && !ck_streq(prop, "None"))
					forbidden(e, p, "recursiveReadOnly",
						  "may only be specified when mountPropagation is "
						  "None or not specified");
			} else if (!ck_streq(r, "Disabled")) {
				not_supported(e, p, "recursiveReadOnly", r, rros, 3);
			}
		}
	}
	ck_buf_truncate(p, m);
	m = at(p, "volumeDevices");
	for (size_t i = 0; i < ck_core_len(devices); i++) {
		json_object *d = ck_core_at(devices, i);
		size_t mi = ck_core_path_index(p, i);
		const char *name = ck_core_str(d, "name"), *dp = ck_core_str(d, "devicePath");
		const struct vol *vol = find_vol(vs, name);
		if (!*name)
			required(e, p, "name", "");
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(devices, j), "name"), name))
				invalid_str(e, p, "name", name, "must be unique");
		if (vol && !ck_streq(vol->type, "persistentVolumeClaim") &&
		    !ck_streq(vol->type, "ephemeral"))
			invalid_str(e, p, "name", name,
				    "can only use volume source type of PersistentVolumeClaim or "
				    "Ephemeral for block mode");
		if (!vol) {
			size_t m2 = at(p, "name");
			json_object *v = json_object_new_string(name);
			ck_field_errors_add_not_found(e, P, v);
			json_object_put(v);
			ck_buf_truncate(p, m2);
		}
		if (!*dp)
			required(e, p, "devicePath", "");
		if (*dp && has_backsteps(dp))
			invalid_str(e, p, "devicePath", dp, "can not contain backsteps ('..')");
		for (size_t j = 0; j < ck_core_len(mounts); j++) {
			json_object *mnt = ck_core_at(mounts, j);
			if (ck_streq(ck_core_str(mnt, "name"), name))
				invalid_str(e, p, "name", name,
					    "must not already exist in volumeMounts");
			if (ck_streq(ck_core_str(mnt, "mountPath"), dp))
				invalid_str(e, p, "devicePath", dp,
					    "must not already exist as a path in volumeMounts");
		}
		ck_buf_truncate(p, mi);
	}
	ck_buf_truncate(p, m);
}

static const char user_id_msg[] = "must be between 0 and 2147483647, inclusive";

static void id_field(json_object *o, const char *key, struct ck_buf *p, struct ck_field_errors *e)
{
	int64_t v;
	if (ck_core_int(o, key, &v) && (v < 0 || v > INT32_MAXV))
		invalid_int(e, p, key, v, user_id_msg);
}

static void seccomp_profile(json_object *sp, struct ck_buf *p, struct ck_field_errors *e)
{
	if (!sp)
		return;
	size_t m = at(p, "seccompProfile");
	static const char *const types[] = { "Localhost", "RuntimeDefault", "Unconfined" };
	const char *t = ck_core_str(sp, "type");
	if (!*t)
		required(e, p, "type", "type is required when seccompProfile is set");
	else if (!in_set(t, types, 3))
		not_supported(e, p, "type", t, types, 3);
	json_object *lp = ck_core_get(sp, "localhostProfile");
	if (ck_streq(t, "Localhost")) {
		if (!lp)
			required(e, p, "localhostProfile",
				 "must be set when seccomp type is Localhost");
		else
			local_descending(sval(lp), p, "localhostProfile", e);
	} else if (lp) {
		invalid_obj(e, p, "localhostProfile", sp,
			    "can only be set when seccomp type is Localhost");
	}
	ck_buf_truncate(p, m);
}

static void container_security_context(json_object *sc, struct ck_buf *p, struct ck_field_errors *e)
{
	if (!sc)
		return;
	size_t m = at(p, "securityContext");
	id_field(sc, "runAsUser", p, e);
	id_field(sc, "runAsGroup", p, e);
	json_object *pm = ck_core_get(sc, "procMount");
	if (pm) {
		static const char *const pms[] = { "Default", "Unmasked" };
		if (!in_set(sval(pm), pms, 2))
			not_supported(e, p, "procMount", sval(pm), pms, 2);
	}
	seccomp_profile(ck_core_obj(sc, "seccompProfile"), p, e);
	json_object *ape = ck_core_get(sc, "allowPrivilegeEscalation");
	if (ape && json_object_is_type(ape, json_type_boolean) && !json_object_get_boolean(ape)) {
		if (ck_core_bool(sc, "privileged"))
			invalid_obj(
			    e, p, NULL, sc,
			    "cannot set `allowPrivilegeEscalation` to false and `privileged` to "
			    "true");
		json_object *add = ck_core_arr(ck_core_obj(sc, "capabilities"), "add");
		for (size_t i = 0; i < ck_core_len(add); i++)
			if (ck_streq(sval(ck_core_at(add, i)), "CAP_SYS_ADMIN"))
				invalid_obj(e, p, NULL, sc,
					    "cannot set `allowPrivilegeEscalation` to false and "
					    "`capabilities.Add` CAP_SYS_ADMIN");
	}
	ck_buf_truncate(p, m);
}

/* validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes)
 * or sleep (lifecycle). */
static void handler(json_object *h, bool lifecycle, const int64_t *grace, struct ck_buf *p,
		    struct ck_field_errors *e)
{
	int num = 0;
	static const char *const kinds[] = { "exec", "httpGet", "tcpSocket", "grpc", "sleep" };
	for (size_t k = 0; k < CK_ARRAY_SIZE(kinds); k++) {
		if ((k == 3 && lifecycle) || (k == 4 && !lifecycle))
			continue;
		json_object *a = ck_core_obj(h, kinds[k]);
		if (!a)
			continue;
		if (num > 0) {
			forbidden(e, p, kinds[k], "may not specify more than 1 handler type");
			continue;
		}
		num++;
		size_t m = at(p, kinds[k]);
		switch (k) {
		case 0:
			if (!ck_core_len(ck_core_arr(a, "command")))
				required(e, p, "command", "");
			break;
		case 1: {
			if (!*ck_core_str(a, "path"))
				required(e, p, "path", "");
			port_num_or_name(ck_core_get(a, "port"), p, "port", e);
			static const char *const schemes[] = { "HTTP", "HTTPS" };
			const char *scheme = ck_core_str(a, "scheme");
			if (!in_set(scheme, schemes, 2))
				not_supported(e, p, "scheme", scheme, schemes, 2);
			json_object *hs = ck_core_arr(a, "httpHeaders");
			for (size_t i = 0; i < ck_core_len(hs); i++) {
				const char *n = ck_core_str(ck_core_at(hs, i), "name");
				msgs_at(e, p, "httpHeaders", n, ck_is_http_header_name(n));
			}
			break;
		}
		case 2:
			port_num_or_name(ck_core_get(a, "port"), p, "port", e);
			break;
		case 3: {
			int64_t port = 0;
			ck_core_int(a, "port", &port);
			msgs_int_at(e, p, "port", port, ck_is_valid_port_num(port));
			break;
		}
		case 4: {
			int64_t secs = 0;
			ck_core_int(a, "seconds", &secs);
			if (grace && (secs <= 0 || secs > *grace)) {
				char msg[160];
				snprintf(msg, sizeof(msg),
					 "must be greater than 0 and less than "
					 "terminationGracePeriodSeconds (%lld)",
					 (long long)*grace);
				invalid_int(e, p, NULL, secs, msg);
			}
			break;
		}
		}
		ck_buf_truncate(p, m);
	}
	if (num == 0)
		required(e, p, NULL, "must specify a handler type");
}

static void probe(json_object *c, const char *which, const int64_t *grace, struct ck_buf *p,
		  struct ck_field_errors *e)
{
	json_object *pr = ck_core_obj(c, which);
	if (!pr)
		return;
	size_t m = at(p, which);
	handler(pr, false, grace, p, e);
	static const char *const nonneg[] = { "initialDelaySeconds", "timeoutSeconds",
					      "periodSeconds", "successThreshold",
					      "failureThreshold" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(nonneg); i++) {
		int64_t v;
		if (ck_core_int(pr, nonneg[i], &v) && v < 0)
			invalid_int(e, p, nonneg[i], v, "must be greater than or equal to 0");
	}
	int64_t tg;
	if (ck_core_int(pr, "terminationGracePeriodSeconds", &tg) && tg <= 0)
		invalid_int(e, p, "terminationGracePeriodSeconds", tg, "must be greater than 0");
	int64_t st = 0;
	ck_core_int(pr, "successThreshold", &st);
	if ((ck_streq(which, "livenessProbe") || ck_streq(which, "startupProbe")) && st != 1)
		invalid_int(e, p, "successThreshold", st, "must be 1");
	if (ck_streq(which, "readinessProbe") && ck_core_get(pr, "terminationGracePeriodSeconds"))
		invalid_obj(e, p, "terminationGracePeriodSeconds",
			    ck_core_get(pr, "terminationGracePeriodSeconds"),
			    "must not be set for readinessProbes");
	ck_buf_truncate(p, m);
}

static void lifecycle(json_object *c, const int64_t *grace, struct ck_buf *p,
		      struct ck_field_errors *e)
{
	json_object *lc = ck_core_obj(c, "lifecycle");
	if (!lc)
		return;
	size_t m = at(p, "lifecycle");
	static const char *const hooks[] = { "postStart", "preStop" };
	for (size_t i = 0; i < 2; i++) {
		json_object *h = ck_core_obj(lc, hooks[i]);
		if (!h)
			continue;
		size_t m2 = at(p, hooks[i]);
		handler(h, true, grace, p, e);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

/* validateContainerCommon */
static void container_common(json_object *c, const struct vols *vs, struct ck_buf *p,
			     struct ck_field_errors *e)
{
	const char *name = ck_core_str(c, "name");
	if (!*name)
		required(e, p, "name", "");
	else
		msgs_at(e, p, "name", name, ck_is_dns1123_label(name));
	if (!*ck_core_str(c, "image"))
		required(e, p, "image", "");
	static const char *const tmps[] = { "File", "FallbackToLogsOnError" };
	const char *tmp = ck_core_str(c, "terminationMessagePolicy");
	if (!*tmp)
		required(e, p, "terminationMessagePolicy", "");
	else if (!in_set(tmp, tmps, 2))
		not_supported(e, p, "terminationMessagePolicy", tmp, tmps, 2);
	size_t m = at(p, "ports");
	container_ports(ck_core_arr(c, "ports"), p, e);
	ck_buf_truncate(p, m);
	m = at(p, "env");
	validate_env(ck_core_arr(c, "env"), p, e);
	ck_buf_truncate(p, m);
	m = at(p, "envFrom");
	validate_env_from(ck_core_arr(c, "envFrom"), p, e);
	ck_buf_truncate(p, m);
	volume_mounts(c, vs, p, e);
	static const char *const pulls[] = { "Always", "IfNotPresent", "Never" };
	const char *pp = ck_core_str(c, "imagePullPolicy");
	if (!*pp)
		required(e, p, "imagePullPolicy", "");
	else if (!in_set(pp, pulls, 3))
		not_supported(e, p, "imagePullPolicy", pp, pulls, 3);
	m = at(p, "resources");
	ck_core_validate_resource_requirements(ck_core_obj(c, "resources"), p, e);
	ck_buf_truncate(p, m);
	container_security_context(ck_core_obj(c, "securityContext"), p, e);
}

/* AccumulateUniqueHostPorts over containers [from, to). */
static void host_port_conflicts(json_object *cs, size_t from, size_t to, struct ck_buf *p,
				struct ck_field_errors *e)
{
	char **seen = NULL;
	size_t nseen = 0;
	for (size_t ci = from; ci < to; ci++) {
		json_object *ports = ck_core_arr(ck_core_at(cs, ci), "ports");
		for (size_t pi = 0; pi < ck_core_len(ports); pi++) {
			json_object *port = ck_core_at(ports, pi);
			int64_t hp = 0;
			if (!ck_core_int(port, "hostPort", &hp) || hp == 0)
				continue;
			char key[256];
			snprintf(key, sizeof(key), "%.16s/%.64s/%lld",
				 ck_core_str(port, "protocol"), ck_core_str(port, "hostIP"),
				 (long long)hp);
			bool dup = false;
			for (size_t k = 0; k < nseen; k++)
				dup |= ck_streq(seen[k], key);
			if (dup) {
				size_t m = ck_core_path_index(p, ci);
				ck_field_path_child(p, "ports");
				ck_field_path_index(p, (long long)pi);
				duplicate_str(e, p, "hostPort", key);
				ck_buf_truncate(p, m);
			} else {
				seen = ck_realloc(seen, (nseen + 1) * sizeof(char *));
				seen[nseen++] = ck_strdup(key);
			}
		}
	}
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
}

static void validate_containers(json_object *cs, const struct vols *vs, const int64_t *grace,
				struct ck_buf *p, struct ck_field_errors *e)
{
	size_t n = ck_core_len(cs);
	if (!n) {
		required(e, p, NULL, "");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *c = ck_core_at(cs, i);
		size_t m = ck_core_path_index(p, i);
		container_common(c, vs, p, e);
		const char *name = ck_core_str(c, "name");
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(cs, j), "name"), name)) {
				duplicate_str(e, p, "name", name);
				break;
			}
		lifecycle(c, grace, p, e);
		probe(c, "livenessProbe", grace, p, e);
		probe(c, "readinessProbe", grace, p, e);
		probe(c, "startupProbe", grace, p, e);
		if (ck_core_get(c, "restartPolicy"))
			forbidden(e, p, "restartPolicy", "may not be set for non-init containers");
		ck_buf_truncate(p, m);
	}
	host_port_conflicts(cs, 0, n, p, e);
}

static void validate_init_containers(json_object *inits, json_object *regular,
				     const struct vols *vs, const int64_t *grace, struct ck_buf *p,
				     struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(inits); i++) {
		json_object *c = ck_core_at(inits, i);
		size_t m = ck_core_path_index(p, i);
		container_common(c, vs, p, e);
		bool restart_always = false;
		json_object *rp = ck_core_get(c, "restartPolicy");
		if (rp) {
			static const char *const always[] = { "Always" };
			if (!ck_streq(sval(rp), "Always"))
				not_supported(e, p, "restartPolicy", sval(rp), always, 1);
			restart_always = ck_streq(sval(rp), "Always");
		}
		const char *name = ck_core_str(c, "name");
		bool dup = false;
		for (size_t j = 0; j < ck_core_len(regular); j++)
			dup |= ck_streq(ck_core_str(ck_core_at(regular, j), "name"), name);
		for (size_t j = 0; j < i; j++)
			dup |= ck_streq(ck_core_str(ck_core_at(inits, j), "name"), name);
		if (dup)
			duplicate_str(e, p, "name", name);
		ck_buf_truncate(p, m);
		host_port_conflicts(inits, i, i + 1, p, e);
		ck_core_path_index(p, i);
		if (restart_always) {
			lifecycle(c, grace, p, e);
			probe(c, "livenessProbe", grace, p, e);
			probe(c, "readinessProbe", grace, p, e);
			probe(c, "startupProbe", grace, p, e);
		} else {
			static const char *const no[] = { "lifecycle", "livenessProbe",
							  "readinessProbe", "startupProbe" };
			for (size_t k = 0; k < 4; k++)
				if (ck_core_get(c, no[k]))
					forbidden(e, p, no[k],
						  "may not be set for init containers without "
						  "restartPolicy=Always");
		}
		ck_buf_truncate(p, m);
	}
}

/* ---- the pod spec ---- */

static void affinity_term(json_object *t, struct ck_buf *p, struct ck_field_errors *e)
{
	size_t m = at(p, "labelSelector");
	ck_core_validate_label_selector(ck_core_obj(t, "labelSelector"), p, e);
	ck_buf_truncate(p, m);
	m = at(p, "namespaceSelector");
	ck_core_validate_label_selector(ck_core_obj(t, "namespaceSelector"), p, e);
	ck_buf_truncate(p, m);
	json_object *nss = ck_core_arr(t, "namespaces");
	for (size_t i = 0; i < ck_core_len(nss); i++) {
		const char *ns = sval(ck_core_at(nss, i));
		msgs_at(e, p, "namespace", ns, ck_name_is_dns_label(ns, false));
	}
	const char *tk = ck_core_str(t, "topologyKey");
	if (!*tk)
		required(e, p, "topologyKey", "can not be empty");
	msgs_at(e, p, "topologyKey", tk, ck_is_qualified_name(tk));
}

static void pod_affinity(json_object *pa, struct ck_buf *p, struct ck_field_errors *e)
{
	json_object *req = ck_core_arr(pa, "requiredDuringSchedulingIgnoredDuringExecution");
	size_t m = at(p, "requiredDuringSchedulingIgnoredDuringExecution");
	for (size_t i = 0; i < ck_core_len(req); i++) {
		size_t m2 = ck_core_path_index(p, i);
		affinity_term(ck_core_at(req, i), p, e);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
	json_object *pref = ck_core_arr(pa, "preferredDuringSchedulingIgnoredDuringExecution");
	m = at(p, "preferredDuringSchedulingIgnoredDuringExecution");
	for (size_t i = 0; i < ck_core_len(pref); i++) {
		json_object *w = ck_core_at(pref, i);
		size_t m2 = ck_core_path_index(p, i);
		int64_t weight = 0;
		ck_core_int(w, "weight", &weight);
		if (weight <= 0 || weight > 100)
			invalid_int(e, p, "weight", weight, "must be in the range 1-100");
		size_t m3 = at(p, "podAffinityTerm");
		affinity_term(ck_core_obj(w, "podAffinityTerm"), p, e);
		ck_buf_truncate(p, m3);
		ck_buf_truncate(p, m2);
	}
	ck_buf_truncate(p, m);
}

static void validate_affinity(json_object *aff, struct ck_buf *p, struct ck_field_errors *e)
{
	if (!aff)
		return;
	json_object *na = ck_core_obj(aff, "nodeAffinity");
	if (na) {
		size_t m = at(p, "nodeAffinity");
		json_object *req =
		    ck_core_obj(na, "requiredDuringSchedulingIgnoredDuringExecution");
		if (req) {
			size_t m2 = at(p, "requiredDuringSchedulingIgnoredDuringExecution");
			ck_core_validate_node_selector(req, p, e);
			ck_buf_truncate(p, m2);
		}
		json_object *pref =
		    ck_core_arr(na, "preferredDuringSchedulingIgnoredDuringExecution");
		size_t m2 = at(p, "preferredDuringSchedulingIgnoredDuringExecution");
		for (size_t i = 0; i < ck_core_len(pref); i++) {
			json_object *t = ck_core_at(pref, i);
			size_t m3 = ck_core_path_index(p, i);
			int64_t weight = 0;
			ck_core_int(t, "weight", &weight);
			if (weight <= 0 || weight > 100)
				invalid_int(e, p, "weight", weight, "must be in the range 1-100");
			size_t m4 = at(p, "preference");
			ck_core_validate_node_selector_term(ck_core_obj(t, "preference"), true, p,
							    e);
			ck_buf_truncate(p, m4);
			ck_buf_truncate(p, m3);
		}
		ck_buf_truncate(p, m2);
		ck_buf_truncate(p, m);
	}
	static const char *const kinds[] = { "podAffinity", "podAntiAffinity" };
	for (size_t k = 0; k < 2; k++) {
		json_object *pa = ck_core_obj(aff, kinds[k]);
		if (!pa)
			continue;
		size_t m = at(p, kinds[k]);
		pod_affinity(pa, p, e);
		ck_buf_truncate(p, m);
	}
}

static void dns_config(json_object *spec, struct ck_buf *p, struct ck_field_errors *e)
{
	json_object *dc = ck_core_obj(spec, "dnsConfig");
	const char *policy = ck_core_str(spec, "dnsPolicy");
	size_t m = at(p, "dnsConfig");
	if (ck_streq(policy, "None")) {
		if (!dc) {
			required(e, p, NULL, "must provide `dnsConfig` when `dnsPolicy` is None");
			goto out;
		}
		if (!ck_core_len(ck_core_arr(dc, "nameservers"))) {
			required(
			    e, p, "nameservers",
			    "must provide at least one DNS nameserver when `dnsPolicy` is None");
			goto out;
		}
	}
	if (dc) {
		json_object *ns = ck_core_arr(dc, "nameservers");
		if (ck_core_len(ns) > 3)
			invalid_obj(e, p, "nameservers", ns,
				    "must not have more than 3 nameservers");
		for (size_t i = 0; i < ck_core_len(ns); i++) {
			size_t m2 = at(p, "nameservers");
			ck_field_path_index(p, (long long)i);
			ck_core_validate_ip(sval(ck_core_at(ns, i)), P, e);
			ck_buf_truncate(p, m2);
		}
		json_object *searches = ck_core_arr(dc, "searches");
		if (ck_core_len(searches) > 32)
			invalid_obj(e, p, "searches", searches,
				    "must not have more than 32 search paths");
		size_t total = 0;
		for (size_t i = 0; i < ck_core_len(searches); i++)
			total += strlen(sval(ck_core_at(searches, i))) + (i ? 1 : 0);
		if (total > 2048)
			invalid_obj(e, p, "searches", searches,
				    "must not have more than 2048 characters (including spaces) in "
				    "the search list");
		for (size_t i = 0; i < ck_core_len(searches); i++) {
			char *s = ck_strdup(sval(ck_core_at(searches, i)));
			size_t l = strlen(s);
			if (l && s[l - 1] == '.')
				s[l - 1] = '\0';
			size_t m2 = at(p, "searches");
			ck_field_path_index(p, (long long)i);
			ck_core_validate_dns1123_subdomain(s, P, e);
			ck_buf_truncate(p, m2);
			free(s);
		}
		json_object *opts = ck_core_arr(dc, "options");
		for (size_t i = 0; i < ck_core_len(opts); i++) {
			if (!*ck_core_str(ck_core_at(opts, i), "name")) {
				size_t m2 = at(p, "options");
				ck_field_path_index(p, (long long)i);
				ck_field_errors_add_required(e, P, "must not be empty");
				ck_buf_truncate(p, m2);
			}
		}
	}
out:
	ck_buf_truncate(p, m);
}

static void topology_spread(json_object *tscs, struct ck_buf *p, struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(tscs); i++) {
		json_object *c = ck_core_at(tscs, i);
		size_t m = ck_core_path_index(p, i);
		int64_t skew = 0;
		ck_core_int(c, "maxSkew", &skew);
		if (skew <= 0)
			invalid_int(e, p, "maxSkew", skew, "must be greater than zero");
		const char *tk = ck_core_str(c, "topologyKey");
		if (!*tk)
			required(e, p, "topologyKey", "can not be empty");
		static const char *const actions[] = { "DoNotSchedule", "ScheduleAnyway" };
		const char *wu = ck_core_str(c, "whenUnsatisfiable");
		if (!in_set(wu, actions, 2))
			not_supported(e, p, "whenUnsatisfiable", wu, actions, 2);
		for (size_t j = i + 1; j < ck_core_len(tscs); j++) {
			json_object *o = ck_core_at(tscs, j);
			if (ck_streq(ck_core_str(o, "topologyKey"), tk) &&
			    ck_streq(ck_core_str(o, "whenUnsatisfiable"), wu)) {
				char v[300];
				snprintf(v, sizeof(v), "{%.128s, %.64s}", tk, wu);
				duplicate_str(e, p, "{topologyKey, whenUnsatisfiable}", v);
				break;
			}
		}
		int64_t md;
		if (ck_core_int(c, "minDomains", &md)) {
			if (md <= 0)
				invalid_int(e, p, "minDomains", md, "must be greater than zero");
			if (!ck_streq(wu, "DoNotSchedule")) {
				char msg[200];
				snprintf(
				    msg, sizeof(msg),
				    "can only use minDomains if whenUnsatisfiable=DoNotSchedule, "
				    "not %.64s",
				    wu);
				invalid_int(e, p, "minDomains", md, msg);
			}
		}
		static const char *const policies[] = { "Honor", "Ignore" };
		static const char *const pol_keys[] = { "nodeAffinityPolicy", "nodeTaintsPolicy" };
		for (size_t k = 0; k < 2; k++) {
			json_object *pol = ck_core_get(c, pol_keys[k]);
			if (pol && !in_set(sval(pol), policies, 2))
				not_supported(e, p, pol_keys[k], sval(pol), policies, 2);
		}
		size_t m2 = at(p, "labelSelector");
		ck_core_validate_label_selector(ck_core_obj(c, "labelSelector"), p, e);
		ck_buf_truncate(p, m2);
		ck_buf_truncate(p, m);
	}
}

static void pod_security_context(json_object *spec, struct ck_buf *p, struct ck_field_errors *e)
{
	json_object *sc = ck_core_obj(spec, "securityContext");
	if (!sc)
		return;
	size_t m = at(p, "securityContext");
	id_field(sc, "fsGroup", p, e);
	id_field(sc, "runAsUser", p, e);
	id_field(sc, "runAsGroup", p, e);
	json_object *sg = ck_core_arr(sc, "supplementalGroups");
	for (size_t i = 0; i < ck_core_len(sg); i++) {
		json_object *g = ck_core_at(sg, i);
		int64_t v = json_object_is_type(g, json_type_int) ? json_object_get_int64(g) : 0;
		if (v < 0 || v > INT32_MAXV) {
			size_t m2 = at(p, "supplementalGroups");
			ck_field_path_index(p, (long long)i);
			ck_field_errors_add_invalid_int(e, P, v, user_id_msg);
			ck_buf_truncate(p, m2);
		}
	}
	json_object *spn = ck_core_get(sc, "shareProcessNamespace");
	if (!spn)
		spn = ck_core_get(spec, "shareProcessNamespace");
	if (spn && json_object_get_boolean(spn) && ck_core_bool(spec, "hostPID"))
		invalid_obj(e, p, "shareProcessNamespace", spn,
			    "ShareProcessNamespace and HostPID cannot both be enabled");
	json_object *sysctls = ck_core_arr(sc, "sysctls");
	for (size_t i = 0; i < ck_core_len(sysctls); i++) {
		const char *n = ck_core_str(ck_core_at(sysctls, i), "name");
		size_t m2 = at(p, "sysctls");
		ck_field_path_index(p, (long long)i);
		if (!*n)
			required(e, p, "name", "");
		for (size_t j = 0; j < i; j++)
			if (*n && ck_streq(ck_core_str(ck_core_at(sysctls, j), "name"), n))
				duplicate_str(e, p, "name", n);
		ck_buf_truncate(p, m2);
	}
	json_object *fgcp = ck_core_get(sc, "fsGroupChangePolicy");
	if (fgcp) {
		static const char *const pols[] = { "Always", "OnRootMismatch" };
		if (!in_set(sval(fgcp), pols, 2))
			not_supported(e, p, "fsGroupChangePolicy", sval(fgcp), pols, 2);
	}
	seccomp_profile(ck_core_obj(sc, "seccompProfile"), p, e);
	ck_buf_truncate(p, m);
}

static void host_network_deps(json_object *spec, const struct ck_pod_validation *o,
			      struct ck_buf *p, struct ck_field_errors *e)
{
	if (!ck_core_bool(spec, "hostNetwork"))
		return;
	json_object *cs = ck_core_arr(spec, "containers");
	for (size_t i = 0; i < ck_core_len(cs); i++) {
		json_object *ports = ck_core_arr(ck_core_at(cs, i), "ports");
		for (size_t j = 0; j < ck_core_len(ports); j++) {
			json_object *port = ck_core_at(ports, j);
			int64_t hp = 0, cp = 0;
			ck_core_int(port, "hostPort", &hp);
			ck_core_int(port, "containerPort", &cp);
			if ((o->is_pod || hp != 0) && hp != cp) {
				size_t m = at(p, "containers");
				ck_field_path_index(p, (long long)i);
				ck_field_path_child(p, "ports");
				ck_field_path_index(p, (long long)j);
				invalid_int(
				    e, p, "hostPort", hp,
				    "must match `containerPort` when `hostNetwork` is true");
				ck_buf_truncate(p, m);
			}
		}
	}
}

void ck_core_validate_pod_spec(json_object *spec, const struct ck_pod_validation *o,
			       struct ck_buf *p, struct ck_field_errors *e)
{
	int64_t grace_v = 0;
	const int64_t *grace = NULL;
	if (!ck_core_int(spec, "terminationGracePeriodSeconds", &grace_v))
		required(e, p, "terminationGracePeriodSeconds", "");
	else
		grace = &grace_v;

	struct vols vs = { 0 };
	size_t m = at(p, "volumes");
	validate_volumes(ck_core_arr(spec, "volumes"), o->pod_name, &vs, p, e);
	ck_buf_truncate(p, m);
	json_object *containers = ck_core_arr(spec, "containers");
	m = at(p, "containers");
	validate_containers(containers, &vs, grace, p, e);
	ck_buf_truncate(p, m);
	m = at(p, "initContainers");
	validate_init_containers(ck_core_arr(spec, "initContainers"), containers, &vs, grace, p, e);
	ck_buf_truncate(p, m);
	free(vs.v);

	host_network_deps(spec, o, p, e);
	static const char *const restarts[] = { "Always", "OnFailure", "Never" };
	const char *rp = ck_core_str(spec, "restartPolicy");
	if (!*rp)
		required(e, p, "restartPolicy", "");
	else if (!in_set(rp, restarts, 3))
		not_supported(e, p, "restartPolicy", rp, restarts, 3);
	static const char *const dnss[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default",
					    "None" };
	const char *dp = ck_core_str(spec, "dnsPolicy");
	if (!*dp)
		required(e, p, "dnsPolicy", "");
	else if (!in_set(dp, dnss, 4))
		not_supported(e, p, "dnsPolicy", dp, dnss, 4);
	m = at(p, "nodeSelector");
	ck_validate_labels(ck_core_obj(spec, "nodeSelector"), P, e);
	ck_buf_truncate(p, m);
	pod_security_context(spec, p, e);
	json_object *ips = ck_core_arr(spec, "imagePullSecrets");
	for (size_t i = 0; i < ck_core_len(ips); i++) {
		json_object *s = ck_core_at(ips, i);
		bool only_name = json_object_is_type(s, json_type_object);
		if (only_name) {
			json_object_object_foreach (s, k, v) {
				(void)v;
				if (!ck_streq(k, "name"))
					only_name = false;
			}
		}
		if (!only_name) {
			m = at(p, "imagePullSecrets");
			ck_field_path_index(p, (long long)i);
			ck_field_errors_add_invalid(e, P, s, "only name may be set");
			ck_buf_truncate(p, m);
		}
	}
	m = at(p, "affinity");
	validate_affinity(ck_core_obj(spec, "affinity"), p, e);
	ck_buf_truncate(p, m);
	dns_config(spec, p, e);
	json_object *rgs = ck_core_arr(spec, "readinessGates");
	for (size_t i = 0; i < ck_core_len(rgs); i++) {
		m = at(p, "readinessGates");
		ck_field_path_index(p, (long long)i);
		const char *ct = ck_core_str(ck_core_at(rgs, i), "conditionType");
		msgs_at(e, p, "conditionType", ct, ck_is_qualified_name(ct));
		ck_buf_truncate(p, m);
	}
	json_object *sgs = ck_core_arr(spec, "schedulingGates");
	for (size_t i = 0; i < ck_core_len(sgs); i++) {
		m = at(p, "schedulingGates");
		ck_field_path_index(p, (long long)i);
		const char *n = ck_core_str(ck_core_at(sgs, i), "name");
		msgs_at(e, p, NULL, n, ck_is_qualified_name(n));
		for (size_t j = 0; j < i; j++)
			if (ck_streq(ck_core_str(ck_core_at(sgs, j), "name"), n)) {
				duplicate_str(e, p, NULL, n);
				break;
			}
		ck_buf_truncate(p, m);
	}
	m = at(p, "topologySpreadConstraints");
	topology_spread(ck_core_arr(spec, "topologySpreadConstraints"), p, e);
	ck_buf_truncate(p, m);
	const char *sa = ck_core_str(spec, "serviceAccountName");
	if (*sa)
		msgs_at(e, p, "serviceAccountName", sa, ck_name_is_dns_subdomain(sa, false));
	const char *node = ck_core_str(spec, "nodeName");
	if (*node)
		msgs_at(e, p, "nodeName", node, ck_name_is_dns_subdomain(node, false));
	int64_t ads;
	if (ck_core_int(spec, "activeDeadlineSeconds", &ads) && (ads < 1 || ads > INT32_MAXV))
		invalid_int(e, p, "activeDeadlineSeconds", ads,
			    "must be between 1 and 2147483647, inclusive");
	const char *hostname = ck_core_str(spec, "hostname");
	if (*hostname)
		msgs_at(e, p, "hostname", hostname, ck_is_dns1123_label(hostname));
	const char *subdomain = ck_core_str(spec, "subdomain");
	if (*subdomain)
		msgs_at(e, p, "subdomain", subdomain, ck_is_dns1123_label(subdomain));
	m = at(p, "tolerations");
	ck_core_validate_tolerations(ck_core_arr(spec, "tolerations"), p, e);
	ck_buf_truncate(p, m);
	json_object *has = ck_core_arr(spec, "hostAliases");
	for (size_t i = 0; i < ck_core_len(has); i++) {
		json_object *ha = ck_core_at(has, i);
		m = at(p, "hostAliases");
		ck_field_path_index(p, (long long)i);
		size_t m2 = at(p, "ip");
		ck_core_validate_ip(ck_core_str(ha, "ip"), P, e);
		ck_buf_truncate(p, m2);
		json_object *hns = ck_core_arr(ha, "hostnames");
		for (size_t j = 0; j < ck_core_len(hns); j++) {
			m2 = at(p, "hostnames");
			ck_field_path_index(p, (long long)j);
			ck_core_validate_dns1123_subdomain(sval(ck_core_at(hns, j)), P, e);
			ck_buf_truncate(p, m2);
		}
		ck_buf_truncate(p, m);
	}
	const char *pcn = ck_core_str(spec, "priorityClassName");
	if (*pcn)
		msgs_at(e, p, "priorityClassName", pcn, ck_name_is_dns_subdomain(pcn, false));
	json_object *rcn = ck_core_get(spec, "runtimeClassName");
	if (rcn)
		msgs_at(e, p, "runtimeClassName", sval(rcn),
			ck_name_is_dns_subdomain(sval(rcn), false));
	json_object *pp = ck_core_get(spec, "preemptionPolicy");
	if (pp) {
		static const char *const pps[] = { "PreemptLowerPriority", "Never" };
		if (!*sval(pp))
			required(e, p, "preemptionPolicy", "");
		else if (!in_set(sval(pp), pps, 2))
			not_supported(e, p, "preemptionPolicy", sval(pp), pps, 2);
	}
	json_object *overhead = ck_core_obj(spec, "overhead");
	if (overhead) {
		json_object *req = json_object_new_object();
		json_object_object_add(req, "limits", json_object_get(overhead));
		m = at(p, "overhead");
		ck_core_validate_resource_requirements(req, p, e);
		ck_buf_truncate(p, m);
		json_object_put(req);
	}
	json_object *os = ck_core_obj(spec, "os");
	if (os) {
		m = at(p, "os");
		const char *n = ck_core_str(os, "name");
		static const char *const oses[] = { "linux", "windows" };
		if (!*n)
			required(e, p, "name", "cannot be empty");
		else if (!in_set(n, oses, 2))
			not_supported(e, p, NULL, n, oses, 2);
		ck_buf_truncate(p, m);
	}
}

static void pod_specific_annotations(json_object *ann, json_object *spec, const char *path,
				     struct ck_field_errors *e)
{
	if (!ann)
		return;
	struct ck_buf b = CK_BUF_INIT;
	json_object *mirror = ck_core_get(ann, "kubernetes.io/config.mirror");
	if (mirror && !*ck_core_str(spec, "nodeName")) {
		ck_buf_reset(&b);
		ck_buf_adds(&b, path);
		ck_field_path_key(&b, "kubernetes.io/config.mirror");
		ck_field_errors_add_invalid_str(
		    e, ck_buf_str(&b), sval(mirror),
		    "must set spec.nodeName if mirror pod annotation is set");
	}
	json_object *cost = ck_core_get(ann, "controller.kubernetes.io/pod-deletion-cost");
	if (cost) {
		const char *s = sval(cost);
		bool ok = *s && (s[0] == '-' || ck_streq(s, "0") || (s[0] >= '1' && s[0] <= '9'));
		int64_t v;
		if (ok && (ck_str_to_int64(s, &v) < 0 || v < -2147483648LL || v > INT32_MAXV))
			ok = false;
		if (!ok) {
			ck_buf_reset(&b);
			ck_buf_adds(&b, path);
			ck_field_path_key(&b, "controller.kubernetes.io/pod-deletion-cost");
			ck_field_errors_add_invalid_str(e, ck_buf_str(&b), s,
							"must be a 32bit integer");
		}
	}
	ck_buf_release(&b);
}

void ck_core_validate_pod_template_spec(json_object *template, struct ck_buf *p,
					struct ck_field_errors *e)
{
	json_object *md = ck_core_obj(template, "metadata");
	size_t m = at(p, "labels");
	ck_validate_labels(ck_core_obj(md, "labels"), P, e);
	ck_buf_truncate(p, m);
	m = at(p, "annotations");
	ck_core_validate_annotations(ck_core_obj(md, "annotations"), P, e);
	json_object *spec = ck_core_obj(template, "spec");
	pod_specific_annotations(ck_core_obj(md, "annotations"), spec, P, e);
	ck_buf_truncate(p, m);
	struct ck_pod_validation o = { .is_pod = false };
	m = at(p, "spec");
	ck_core_validate_pod_spec(spec, &o, p, e);
	ck_buf_truncate(p, m);
	if (ck_core_len(ck_core_arr(spec, "ephemeralContainers"))) {
		m = at(p, "spec");
		forbidden(e, p, "ephemeralContainers",
			  "ephemeral containers not allowed in pod template");
		ck_buf_truncate(p, m);
	}
}

void ck_core_validate_controller_template(json_object *template,
					  const struct ck_label_selector *sel, const char *path,
					  const char *kind, bool metadata_only,
					  struct ck_field_errors *e)
{
	struct ck_buf b = CK_BUF_INIT, *p = &b;
	ck_buf_adds(p, path);
	if (!template) {
		ck_field_errors_add_required(e, P, "");
		goto out;
	}
	json_object *md = ck_core_obj(template, "metadata");
	json_object *labels = ck_core_obj(md, "labels");
	if (sel && !ck_label_selector_empty(sel) && !ck_label_selector_matches(sel, labels)) {
		size_t m = at(p, "metadata");
		at(p, "labels");
		ck_field_errors_add_invalid(e, P, labels,
					    "`selector` does not match template `labels`");
		ck_buf_truncate(p, m);
	}
	json_object *spec = ck_core_obj(template, "spec");
	if (metadata_only) {
		size_t m = at(p, "labels");
		ck_validate_labels(labels, P, e);
		ck_buf_truncate(p, m);
		at(p, "annotations");
		ck_core_validate_annotations(ck_core_obj(md, "annotations"), P, e);
		pod_specific_annotations(ck_core_obj(md, "annotations"), spec, P, e);
		ck_buf_truncate(p, m);
	} else {
		ck_core_validate_pod_template_spec(template, p, e);
	}
	size_t m = at(p, "spec");
	const char *rp = ck_core_str(spec, "restartPolicy");
	if (!ck_streq(rp, "Always")) {
		static const char *const always[] = { "Always" };
		json_object *j = json_object_new_string(rp);
		size_t m2 = at(p, "restartPolicy");
		ck_field_errors_add_not_supported(e, P, j, always, 1);
		ck_buf_truncate(p, m2);
		json_object_put(j);
	}
	if (ck_core_get(spec, "activeDeadlineSeconds")) {
		char msg[128];
		snprintf(msg, sizeof(msg), "activeDeadlineSeconds in %s is not Supported", kind);
		forbidden(e, p, "activeDeadlineSeconds", msg);
	}
	ck_buf_truncate(p, m);
out:
	ck_buf_release(&b);
}

static void image_whitespace(json_object *cs, const char *list, struct ck_field_errors *e)
{
	struct ck_buf p = CK_BUF_INIT;
	for (size_t i = 0; i < ck_core_len(cs); i++) {
		const char *img = ck_core_str(ck_core_at(cs, i), "image");
		size_t n = strlen(img);
		if (n && (strchr(" \t\n\v\f\r", img[0]) || strchr(" \t\n\v\f\r", img[n - 1]))) {
			ck_buf_reset(&p);
			ck_buf_addf(&p, "spec.%s", list);
			ck_field_path_index(&p, (long long)i);
			ck_field_path_child(&p, "image");
			ck_field_errors_add_invalid_str(
			    e, ck_buf_str(&p), img, "must not have leading or trailing whitespace");
		}
	}
	ck_buf_release(&p);
}

/* validatePodMetadataAndSpec beyond ObjectMeta. */
static void pod_metadata_and_spec(json_object *pod, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(pod, "spec");
	pod_specific_annotations(ck_core_obj(ck_core_obj(pod, "metadata"), "annotations"), spec,
				 "metadata.annotations", e);
	struct ck_pod_validation o = {
		.is_pod = true,
		.pod_name = ck_core_str(ck_core_obj(pod, "metadata"), "name"),
	};
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec");
	ck_core_validate_pod_spec(spec, &o, &p, e);
	ck_buf_release(&p);
	if (!*ck_core_str(spec, "serviceAccountName")) {
		json_object *vols = ck_core_arr(spec, "volumes");
		for (size_t i = 0; i < ck_core_len(vols); i++) {
			json_object *srcs =
			    ck_core_arr(ck_core_obj(ck_core_at(vols, i), "projected"), "sources");
			for (size_t j = 0; j < ck_core_len(srcs); j++) {
				if (!ck_core_obj(ck_core_at(srcs, j), "serviceAccountToken"))
					continue;
				char path[160];
				snprintf(
				    path, sizeof(path),
				    "spec.volumes[%zu].projected.sources[%zu].serviceAccountToken",
				    i, j);
				ck_field_errors_add_forbidden(
				    e, path,
				    "must not be specified when serviceAccountName is not set");
			}
		}
	}
	image_whitespace(ck_core_arr(spec, "containers"), "containers", e);
	image_whitespace(ck_core_arr(spec, "initContainers"), "initContainers", e);
}

void ck_core_validate_pod(json_object *pod, struct ck_field_errors *e)
{
	pod_metadata_and_spec(pod, e);
	json_object *spec = ck_core_obj(pod, "spec");
	if (ck_core_len(ck_core_arr(spec, "ephemeralContainers")))
		ck_field_errors_add_forbidden(e, "spec.ephemeralContainers",
					      "cannot be set on create");
	if (*ck_core_str(spec, "nodeName") && ck_core_len(ck_core_arr(spec, "schedulingGates")))
		ck_field_errors_add_forbidden(e, "spec.nodeName",
					      "cannot be set until all schedulingGates have been "
					      "cleared");
}

/* ValidateContainerUpdates: true to stop (the number of containers changed). */
static bool container_updates(json_object *now, json_object *old, const char *list,
			      struct ck_field_errors *e)
{
	char path[64];
	snprintf(path, sizeof(path), "spec.%s", list);
	if (ck_core_len(now) != ck_core_len(old)) {
		ck_field_errors_add_forbidden(e, path,
					      "pod updates may not add or remove containers");
		return true;
	}
	struct ck_buf p = CK_BUF_INIT;
	for (size_t i = 0; i < ck_core_len(now); i++) {
		const char *img = ck_core_str(ck_core_at(now, i), "image");
		ck_buf_reset(&p);
		ck_buf_adds(&p, path);
		ck_field_path_index(&p, (long long)i);
		ck_field_path_child(&p, "image");
		if (!*img)
			ck_field_errors_add_required(e, ck_buf_str(&p), "");
		size_t n = strlen(img);
		if (n && (strchr(" \t\n\v\f\r", img[0]) || strchr(" \t\n\v\f\r", img[n - 1])))
			ck_field_errors_add_invalid_str(
			    e, ck_buf_str(&p), img, "must not have leading or trailing whitespace");
	}
	ck_buf_release(&p);
	return false;
}

/* validateOnlyAddedTolerations */
static void only_added_tolerations(json_object *now, json_object *old, struct ck_field_errors *e)
{
	for (size_t i = 0; i < ck_core_len(old); i++) {
		json_object *o = ck_core_at(old, i);
		bool found = false;
		for (size_t j = 0; j < ck_core_len(now) && !found; j++) {
			json_object *n = ck_core_at(now, j);
			json_object *oc = ck_obj_copy(o);
			json_object *ts = ck_core_get(n, "tolerationSeconds");
			if (ts)
				json_object_object_add(oc, "tolerationSeconds",
						       json_object_get(ts));
			else
				json_object_object_del(oc, "tolerationSeconds");
			found = ck_core_equal(oc, n);
			json_object_put(oc);
		}
		if (!found) {
			ck_field_errors_add_forbidden(
			    e, "spec.tolerations",
			    "existing toleration can not be modified except its tolerationSeconds");
			return;
		}
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_buf_adds(&p, "spec.tolerations");
	ck_core_validate_tolerations(now, &p, e);
	ck_buf_release(&p);
}

static const char updatable_fields[] =
    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
    "`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
    "negative)";

/* A short diff of two specs (top-level fields), in place of upstream's cmp.Diff. */
static void spec_diff(json_object *old, json_object *now, struct ck_buf *out)
{
	ck_buf_adds(out, "  core.PodSpec{\n");
	if (!json_object_is_type(old, json_type_object))
		old = NULL;
	if (!json_object_is_type(now, json_type_object))
		now = NULL;
	if (old) {
		json_object_object_foreach (old, k, v) {
			json_object *w = ck_core_get(now, k);
			if (ck_core_equal(v, w))
				continue;
			ck_buf_addf(out, "- \t%s: %s,\n", k,
				    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
			if (w)
				ck_buf_addf(
				    out, "+ \t%s: %s,\n", k,
				    json_object_to_json_string_ext(w, JSON_C_TO_STRING_PLAIN));
		}
	}
	if (now) {
		json_object_object_foreach (now, k2, v2) {
			if (ck_core_get(old, k2))
				continue;
			ck_buf_addf(out, "+ \t%s: %s,\n", k2,
				    json_object_to_json_string_ext(v2, JSON_C_TO_STRING_PLAIN));
		}
	}
	ck_buf_adds(out, "  }\n");
}

void ck_core_validate_pod_update(json_object *pod, json_object *old, struct ck_field_errors *e)
{
	json_object *spec = ck_core_obj(pod, "spec"), *ospec = ck_core_obj(old, "spec");
	/* ValidatePodSpecificAnnotationUpdates: the mirror annotation is fixed. */
	json_object *ann = ck_core_obj(ck_core_obj(pod, "metadata"), "annotations");
	json_object *oann = ck_core_obj(ck_core_obj(old, "metadata"), "annotations");
	static const char mirror[] = "kubernetes.io/config.mirror";
	json_object *mv = ck_core_get(ann, mirror), *omv = ck_core_get(oann, mirror);
	if (omv && !ck_core_equal(mv, omv))
		ck_field_errors_add_forbidden(e,
					      "metadata.annotations[kubernetes.io/config.mirror]",
					      "may not remove or update mirror pod annotation");
	if (mv && !omv)
		ck_field_errors_add_forbidden(e,
					      "metadata.annotations[kubernetes.io/config.mirror]",
					      "may not add mirror pod annotation");

	if (container_updates(ck_core_arr(spec, "containers"), ck_core_arr(ospec, "containers"),
			      "containers", e))
		return;
	if (container_updates(ck_core_arr(spec, "initContainers"),
			      ck_core_arr(ospec, "initContainers"), "initContainers", e))
		return;
	int64_t ads, oads;
	bool has = ck_core_int(spec, "activeDeadlineSeconds", &ads);
	bool ohas = ck_core_int(ospec, "activeDeadlineSeconds", &oads);
	if (has) {
		if (ads < 0 || ads > INT32_MAXV) {
			ck_field_errors_add_invalid_int(
			    e, "spec.activeDeadlineSeconds", ads,
			    "must be between 0 and 2147483647, inclusive");
			return;
		}
		if (ohas && oads < ads) {
			ck_field_errors_add_invalid_int(
			    e, "spec.activeDeadlineSeconds", ads,
			    "must be less than or equal to previous value");
			return;
		}
	} else if (ohas) {
		ck_field_errors_add_invalid(e, "spec.activeDeadlineSeconds", NULL,
					    "must not update from a positive integer to nil value");
	}
	only_added_tolerations(ck_core_arr(spec, "tolerations"), ck_core_arr(ospec, "tolerations"),
			       e);
	/* Scheduling gates may only be removed. */
	json_object *gates = ck_core_arr(spec, "schedulingGates");
	json_object *ogates = ck_core_arr(ospec, "schedulingGates");
	for (size_t i = 0; i < ck_core_len(gates); i++) {
		const char *n = ck_core_str(ck_core_at(gates, i), "name");
		bool was = false;
		for (size_t j = 0; j < ck_core_len(ogates); j++)
			was |= ck_streq(ck_core_str(ck_core_at(ogates, j), "name"), n);
		if (!was) {
			char path[64], msg[320];
			snprintf(path, sizeof(path), "spec.schedulingGates[%zu].name", i);
			snprintf(msg, sizeof(msg),
				 "only deletion is allowed, but found new scheduling gate '%.256s'",
				 n);
			ck_field_errors_add_forbidden(e, path, msg);
		}
	}
	if (ck_core_equal(spec, ospec))
		return;

	/* The updatable fields munged back to the old values; anything left
	 * differs. A spec that is not an object reads as an empty PodSpec, as
	 * upstream's typed decode makes it. */
	json_object *munged = json_object_is_type(spec, json_type_object)
				  ? ck_obj_copy(spec)
				  : json_object_new_object();
	static const char *const lists[] = { "containers", "initContainers" };
	for (size_t l = 0; l < 2; l++) {
		json_object *cs = ck_core_arr(munged, lists[l]),
			    *ocs = ck_core_arr(ospec, lists[l]);
		for (size_t i = 0; i < ck_core_len(cs); i++) {
			json_object *oimg = ck_core_get(ck_core_at(ocs, i), "image");
			json_object *c = ck_core_at(cs, i);
			if (!json_object_is_type(c, json_type_object))
				continue;
			if (oimg)
				json_object_object_add(c, "image", ck_obj_copy(oimg));
			else
				json_object_object_del(c, "image");
		}
	}
	static const char *const same[] = { "activeDeadlineSeconds", "schedulingGates",
					    "tolerations" };
	for (size_t i = 0; i < CK_ARRAY_SIZE(same); i++) {
		json_object *ov = ck_core_get(ospec, same[i]);
		if (ov)
			json_object_object_add(munged, same[i], ck_obj_copy(ov));
		else
			json_object_object_del(munged, same[i]);
	}
	int64_t otg, tg;
	if (ck_core_int(ospec, "terminationGracePeriodSeconds", &otg) && otg < 0 &&
	    ck_core_int(munged, "terminationGracePeriodSeconds", &tg) && tg == 1)
		json_object_object_add(munged, "terminationGracePeriodSeconds",
				       json_object_new_int64(otg));
	if (ck_core_len(ogates)) {
		/* Gated pods: additions to nodeSelector are allowed. */
		json_object *ns = ck_core_obj(munged, "nodeSelector");
		json_object *ons = ck_core_obj(ospec, "nodeSelector");
		if (!ck_core_equal(ns, ons)) {
			bool only_adds = true;
			if (ons) {
				json_object_object_foreach (ons, k, v) {
					if (!ck_core_equal(ck_core_get(ns, k), v))
						only_adds = false;
				}
			}
			if (!only_adds)
				ck_field_errors_add_invalid(e, "spec.nodeSelector", ns,
							    "only additions to spec.nodeSelector "
							    "are allowed (no mutations or "
							    "deletions)");
			if (ons)
				json_object_object_add(munged, "nodeSelector", ck_obj_copy(ons));
			else
				json_object_object_del(munged, "nodeSelector");
		}
	}
	if (!ck_core_equal(munged, ospec)) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_addf(&msg, "pod updates may not change fields other than %s\n",
			    updatable_fields);
		spec_diff(ospec, munged, &msg);
		ck_field_errors_add_forbidden(e, "spec", ck_buf_str(&msg));
		ck_buf_release(&msg);
	}
	json_object_put(munged);
}

static void container_state_transitions(json_object *now, json_object *old, const char *path,
					const char *restart_policy, json_object *init_specs,
					struct ck_field_errors *e)
{
	if (ck_streq(restart_policy, "Always"))
		return;
	for (size_t i = 0; i < ck_core_len(old); i++) {
		json_object *os = ck_core_at(old, i);
		json_object *term = ck_core_obj(ck_core_obj(os, "state"), "terminated");
		if (!term)
			continue;
		int64_t code = 0;
		ck_core_int(term, "exitCode", &code);
		if (code != 0 && ck_streq(restart_policy, "OnFailure"))
			continue;
		const char *name = ck_core_str(os, "name");
		bool restartable = false;
		for (size_t k = 0; k < ck_core_len(init_specs); k++) {
			json_object *c = ck_core_at(init_specs, k);
			if (ck_streq(ck_core_str(c, "name"), name)) {
				restartable = ck_streq(ck_core_str(c, "restartPolicy"), "Always");
				break;
			}
		}
		if (restartable)
			continue;
		for (size_t j = 0; j < ck_core_len(now); j++) {
			json_object *ns = ck_core_at(now, j);
			if (ck_streq(ck_core_str(ns, "name"), name) &&
			    !ck_core_obj(ck_core_obj(ns, "state"), "terminated")) {
				char p[128];
				snprintf(p, sizeof(p), "%s[%zu].state", path, i);
				ck_field_errors_add_forbidden(
				    e, p, "may not be transitioned to non-terminated state");
			}
		}
	}
}

static void ips_list(json_object *ips, const char *path, struct ck_field_errors *e)
{
	size_t n = ck_core_len(ips);
	char p[96];
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		ck_core_validate_ip(ck_core_str(ck_core_at(ips, i), "ip"), p, e);
	}
	if (n > 1) {
		int v6 = 0;
		for (size_t i = 0; i < n; i++)
			v6 += ck_core_is_ipv6(ck_core_str(ck_core_at(ips, i), "ip"));
		if (n > 2 || v6 != 1)
			ck_field_errors_add_invalid(e, path, ips,
						    "may specify no more than one IP for each IP "
						    "family");
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (ck_streq(ck_core_str(ck_core_at(ips, i), "ip"),
					     ck_core_str(ck_core_at(ips, j), "ip"))) {
					snprintf(p, sizeof(p), "%s[%zu]", path, i);
					ck_field_errors_add_duplicate(e, p, ck_core_at(ips, i));
					break;
				}
	}
}

void ck_core_validate_pod_status_update(json_object *pod, json_object *old,
					struct ck_field_errors *e)
{
	json_object *status = ck_core_obj(pod, "status"), *ostatus = ck_core_obj(old, "status");
	json_object *conds = ck_core_arr(status, "conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		const char *t = ck_core_str(ck_core_at(conds, i), "type");
		if (ck_streq(t, "PodScheduled") || ck_streq(t, "Ready") ||
		    ck_streq(t, "Initialized"))
			continue;
		char p[80];
		/* (sic) upstream's path for these */
		snprintf(p, sizeof(p), "metadata.conditions[%zu].Type", i);
		ck_core_add_msgs(e, p, t, ck_is_qualified_name(t));
	}
	const char *nnn = ck_core_str(status, "nominatedNodeName");
	if (*nnn && !ck_streq(nnn, ck_core_str(ostatus, "nominatedNodeName")))
		ck_core_add_msgs(e, "status.nominatedNodeName", nnn,
				 ck_name_is_dns_subdomain(nnn, false));
	json_object *qos = ck_core_get(status, "qosClass"),
		    *oqos = ck_core_get(ostatus, "qosClass");
	if (!ck_core_equal(qos, oqos))
		ck_field_errors_add_invalid(e, "status.qosClass", qos, "field is immutable");
	json_object *ospec = ck_core_obj(old, "spec");
	const char *rp = ck_core_str(ospec, "restartPolicy");
	container_state_transitions(ck_core_arr(status, "containerStatuses"),
				    ck_core_arr(ostatus, "containerStatuses"),
				    "status.containerStatuses", rp, NULL, e);
	container_state_transitions(ck_core_arr(status, "initContainerStatuses"),
				    ck_core_arr(ostatus, "initContainerStatuses"),
				    "status.initContainerStatuses", rp,
				    ck_core_arr(ospec, "initContainers"), e);
	container_state_transitions(ck_core_arr(status, "ephemeralContainerStatuses"),
				    ck_core_arr(ostatus, "ephemeralContainerStatuses"),
				    "status.ephemeralContainerStatuses", "Never", NULL, e);
	ips_list(ck_core_arr(status, "podIPs"), "status.podIPs", e);
	json_object *hips = ck_core_arr(status, "hostIPs");
	if (ck_core_len(hips)) {
		const char *first = ck_core_str(ck_core_at(hips, 0), "ip");
		if (!ck_streq(first, ck_core_str(status, "hostIP")))
			ck_field_errors_add_invalid_str(e, "status.hostIPs[0].ip", first,
							"must be equal to `hostIP`");
		ips_list(hips, "status.hostIPs", e);
	}
}

int ck_core_check_pod_spec(json_object *spec, char **ret_msg)
{
	static const char *const lists[] = { "containers", "initContainers",
					     "ephemeralContainers" };
	for (size_t l = 0; l < CK_ARRAY_SIZE(lists); l++) {
		json_object *cs = ck_core_arr(spec, lists[l]);
		for (size_t i = 0; i < ck_core_len(cs); i++) {
			json_object *res = ck_core_obj(ck_core_at(cs, i), "resources");
			if (ck_core_check_resource_list(ck_core_obj(res, "limits"), ret_msg) < 0 ||
			    ck_core_check_resource_list(ck_core_obj(res, "requests"), ret_msg) < 0)
				return -EINVAL;
		}
	}
	return ck_core_check_resource_list(ck_core_obj(spec, "overhead"), ret_msg);
}
