/*
 * ServiceAccount (upstream's plugin/pkg/admission/serviceaccount): a new
 * pod runs as its namespace's `default` service account unless it names
 * one, the account must exist, and unless the account or the pod opts out
 * every container mounts the projected `kube-api-access-xxxxx` volume (a
 * bound token, the cluster CA from the kube-root-ca.crt ConfigMap and the
 * namespace) at /var/run/secrets/kubernetes.io/serviceaccount, exactly as
 * upstream mounts it. The account's imagePullSecrets are copied when the
 * pod has none. Mirror pods may reference no service account.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "apiserver/admission/admission.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

#define DEFAULT_SA "default"
#define VOLUME_PREFIX "kube-api-access-"
#define MOUNT_PATH "/var/run/secrets/kubernetes.io/serviceaccount"
#define MIRROR_ANNOTATION "kubernetes.io/config.mirror"
/* upstream's serviceaccount.WarnOnlyBoundTokenExpirationSeconds */
#define TOKEN_EXPIRATION_SECONDS 3607
/* upstream's corev1.ProjectedVolumeSourceDefaultMode (0644) */
#define PROJECTED_DEFAULT_MODE 420

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

static bool is_mirror(json_object *pod)
{
	return ck_core_get(ck_obj_annotations(pod), MIRROR_ANNOTATION) != NULL;
}

/*
 * upstream's getServiceAccount: the cache, then live reads; the default
 * account is tried longer, as the controller may be creating it.
 */
static int get_sa(const struct ck_admission_source *src, const char *ns, const char *name,
		  json_object **ret)
{
	int attempts = ck_streq(name, DEFAULT_SA) ? 10 : 1;
	int r = -ENOENT;
	for (int i = 0; i < attempts; i++) {
		if (i) {
			struct timespec ts = { 0, 150 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		r = src->get(src->ctx, "", "serviceaccounts", ns, name, ret);
		if (r != -ENOENT)
			break;
	}
	return r;
}

static json_object *str_obj(const char *k1, const char *v1, const char *k2, const char *v2)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, k1, json_object_new_string(v1));
	if (k2)
		json_object_object_add(o, k2, json_object_new_string(v2));
	return o;
}

/* upstream's TokenVolumeSource() */
static json_object *token_volume(const char *name)
{
	json_object *sources = json_object_new_array();
	json_object *tok = json_object_new_object();
	json_object_object_add(tok, "expirationSeconds",
			       json_object_new_int64(TOKEN_EXPIRATION_SECONDS));
	json_object_object_add(tok, "path", json_object_new_string("token"));
	json_object *p1 = json_object_new_object();
	json_object_object_add(p1, "serviceAccountToken", tok);
	json_object_array_add(sources, p1);
	json_object *cm = str_obj("name", "kube-root-ca.crt", NULL, NULL);
	json_object *items = json_object_new_array();
	json_object_array_add(items, str_obj("key", "ca.crt", "path", "ca.crt"));
	json_object_object_add(cm, "items", items);
	json_object *p2 = json_object_new_object();
	json_object_object_add(p2, "configMap", cm);
	json_object_array_add(sources, p2);
	json_object *file = json_object_new_object();
	json_object_object_add(file, "fieldRef",
			       str_obj("apiVersion", "v1", "fieldPath", "metadata.namespace"));
	json_object_object_add(file, "path", json_object_new_string("namespace"));
	json_object *ditems = json_object_new_array();
	json_object_array_add(ditems, file);
	json_object *dapi = json_object_new_object();
	json_object_object_add(dapi, "items", ditems);
	json_object *p3 = json_object_new_object();
	json_object_object_add(p3, "downwardAPI", dapi);
	json_object_array_add(sources, p3);
	json_object *projected = json_object_new_object();
	json_object_object_add(projected, "defaultMode",
			       json_object_new_int(PROJECTED_DEFAULT_MODE));
	json_object_object_add(projected, "sources", sources);
	json_object *vol = json_object_new_object();
	json_object_object_add(vol, "name", json_object_new_string(name));
	json_object_object_add(vol, "projected", projected);
	return vol;
}

/* Adds the mount to containers that have nothing at MOUNT_PATH; true when any did. */
static bool mount_in(json_object *containers, const char *volume)
{
	bool added = false;
	for (size_t i = 0; i < ck_core_len(containers); i++) {
		json_object *c = ck_core_at(containers, i);
		json_object *mounts = ck_core_arr(c, "volumeMounts");
		bool present = false;
		for (size_t j = 0; j < ck_core_len(mounts); j++)
			present |=
			    ck_streq(ck_core_str(ck_core_at(mounts, j), "mountPath"), MOUNT_PATH);
		if (present)
			continue;
		if (!mounts) {
			mounts = json_object_new_array();
			json_object_object_add(c, "volumeMounts", mounts);
		}
		json_object *m = json_object_new_object();
		json_object_object_add(m, "name", json_object_new_string(volume));
		json_object_object_add(m, "readOnly", json_object_new_boolean(1));
		json_object_object_add(m, "mountPath", json_object_new_string(MOUNT_PATH));
		json_object_array_add(mounts, m);
		added = true;
	}
	return added;
}

/* upstream's mountServiceAccountToken */
static void mount_token(json_object *spec)
{
	json_object *vols = ck_core_arr(spec, "volumes");
	const char *existing = NULL;
	for (size_t i = 0; i < ck_core_len(vols) && !existing; i++) {
		const char *n = ck_core_str(ck_core_at(vols, i), "name");
		if (ck_str_has_prefix(n, VOLUME_PREFIX))
			existing = n;
	}
	char name[CK_OBJ_GENERATED_NAME_MAX];
	if (existing)
		snprintf(name, sizeof(name), "%s", existing);
	else
		ck_obj_generate_name(VOLUME_PREFIX, name);
	bool needed = mount_in(ck_core_arr(spec, "initContainers"), name);
	needed |= mount_in(ck_core_arr(spec, "containers"), name);
	if (existing || !needed)
		return;
	if (!vols) {
		vols = json_object_new_array();
		json_object_object_add(spec, "volumes", vols);
	}
	json_object_array_add(vols, token_volume(name));
}

/* upstream's shouldAutomount: the pod's setting wins, then the account's. */
static bool should_automount(json_object *sa, json_object *spec)
{
	json_object *v = ck_core_get(spec, "automountServiceAccountToken");
	if (v && json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	v = ck_core_get(sa, "automountServiceAccountToken");
	if (v && json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return true;
}

static bool applies(const struct ck_admission_attrs *a)
{
	return a->op == CK_ADMISSION_CREATE && ck_admission_is(a, "", "pods") && a->obj;
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	const struct ck_admission_source *src = state;
	if (!applies(a) || is_mirror(a->obj))
		return 0;
	json_object *spec = ck_core_ensure_obj(a->obj, "spec");
	const char *name = ck_core_str(spec, "serviceAccountName");
	if (!*name) {
		json_object_object_add(spec, "serviceAccountName",
				       json_object_new_string(DEFAULT_SA));
		name = DEFAULT_SA;
		a->mutated = true;
	}
	json_object *sa = NULL;
	int r = get_sa(src, a->namespace, name, &sa);
	if (r < 0) {
		char err[512];
		if (r == -ENOENT)
			snprintf(err, sizeof(err), "serviceaccount \"%s\" not found", name);
		else
			snprintf(err, sizeof(err), "%s", strerror(-r));
		*ret_status = ck_admission_forbidden(
		    a, "error looking up service account %s/%s: %s", a->namespace, name, err);
		return -EPERM;
	}
	if (should_automount(sa, spec)) {
		mount_token(spec);
		a->mutated = true;
	}
	json_object *pull = ck_core_arr(sa, "imagePullSecrets");
	if (!ck_core_len(ck_core_arr(spec, "imagePullSecrets")) && ck_core_len(pull)) {
		json_object *copy = json_object_new_array();
		for (size_t i = 0; i < ck_core_len(pull); i++)
			json_object_array_add(
			    copy,
			    str_obj("name", ck_core_str(ck_core_at(pull, i), "name"), NULL, NULL));
		json_object_object_add(spec, "imagePullSecrets", copy);
		a->mutated = true;
	}
	json_object_put(sa);
	return 0;
}

static int validate(void *state, const struct ck_admission_attrs *a, json_object **ret_status)
{
	const struct ck_admission_source *src = state;
	if (!applies(a))
		return 0;
	json_object *spec = ck_core_obj(a->obj, "spec");
	const char *name = ck_core_str(spec, "serviceAccountName");
	if (is_mirror(a->obj)) {
		if (*name) {
			*ret_status = ck_admission_forbidden(
			    a, "a mirror pod may not reference service accounts");
			return -EPERM;
		}
		return 0;
	}
	if (!*name)
		return 0; /* admit sets it */
	json_object *sa = NULL;
	if (src->get(src->ctx, "", "serviceaccounts", a->namespace, name, &sa) < 0) {
		*ret_status = ck_admission_forbidden(
		    a, "error looking up service account %s/%s: serviceaccount \"%s\" not found",
		    a->namespace, name, name);
		return -EPERM;
	}
	json_object_put(sa);
	return 0;
}

const struct ck_admission_plugin ck_admission_service_account = {
	.name = "ServiceAccount",
	.default_on = true,
	.init = init,
	.admit = admit,
	.validate = validate,
};
