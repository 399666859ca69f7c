#include "api/podrefs.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static size_t len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

struct visit {
	ck_pod_ref_fn fn;
	void *ctx;
	bool stopped;
};

static void emit(struct visit *v, enum ck_pod_ref_kind kind, const char *name)
{
	if (!v->stopped && name && *name && !v->fn(v->ctx, kind, name))
		v->stopped = true;
}

/* A volume source's own secret reference fields (upstream's list). */
static void volume_secrets(struct visit *v, json_object *vol)
{
	static const struct {
		const char *source, *field;
	} refs[] = {
		{ "azureFile", "secretName" },
		{ "cephfs", "secretRef" },
		{ "cinder", "secretRef" },
		{ "flexVolume", "secretRef" },
		{ "rbd", "secretRef" },
		{ "scaleIO", "secretRef" },
		{ "iscsi", "secretRef" },
		{ "storageos", "secretRef" },
		{ "csi", "nodePublishSecretRef" },
	};
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		json_object *src = get(vol, refs[i].source);
		if (!src)
			continue;
		json_object *ref = get(src, refs[i].field);
		emit(v, CK_POD_REF_SECRET,
		     ref && json_object_is_type(ref, json_type_string) ? json_object_get_string(ref)
								       : str(ref, "name"));
	}
}

static void containers(struct visit *v, json_object *list)
{
	for (size_t i = 0; i < len(list); i++) {
		json_object *c = json_object_array_get_idx(list, i);
		json_object *env_from = get(c, "envFrom");
		for (size_t j = 0; j < len(env_from); j++) {
			json_object *e = json_object_array_get_idx(env_from, j);
			emit(v, CK_POD_REF_SECRET, str(get(e, "secretRef"), "name"));
			emit(v, CK_POD_REF_CONFIGMAP, str(get(e, "configMapRef"), "name"));
		}
		json_object *env = get(c, "env");
		for (size_t j = 0; j < len(env); j++) {
			json_object *from = get(json_object_array_get_idx(env, j), "valueFrom");
			emit(v, CK_POD_REF_SECRET, str(get(from, "secretKeyRef"), "name"));
			emit(v, CK_POD_REF_CONFIGMAP, str(get(from, "configMapKeyRef"), "name"));
		}
	}
}

bool ck_api_pod_visit_refs(json_object *pod, ck_pod_ref_fn fn, void *ctx)
{
	struct visit v = { fn, ctx, false };
	json_object *spec = get(pod, "spec");
	emit(&v, CK_POD_REF_SERVICE_ACCOUNT, str(spec, "serviceAccountName"));
	json_object *pull = get(spec, "imagePullSecrets");
	for (size_t i = 0; i < len(pull); i++)
		emit(&v, CK_POD_REF_SECRET, str(json_object_array_get_idx(pull, i), "name"));
	containers(&v, get(spec, "initContainers"));
	containers(&v, get(spec, "containers"));
	containers(&v, get(spec, "ephemeralContainers"));
	json_object *vols = get(spec, "volumes");
	for (size_t i = 0; i < len(vols); i++) {
		json_object *vol = json_object_array_get_idx(vols, i);
		emit(&v, CK_POD_REF_SECRET, str(get(vol, "secret"), "secretName"));
		emit(&v, CK_POD_REF_CONFIGMAP, str(get(vol, "configMap"), "name"));
		emit(&v, CK_POD_REF_PVC, str(get(vol, "persistentVolumeClaim"), "claimName"));
		if (get(vol, "ephemeral")) {
			const char *pn = str(get(pod, "metadata"), "name"), *vn = str(vol, "name");
			char name[512];
			snprintf(name, sizeof(name), "%s-%s", pn ? pn : "", vn ? vn : "");
			emit(&v, CK_POD_REF_PVC, name);
		}
		json_object *sources = get(get(vol, "projected"), "sources");
		for (size_t j = 0; j < len(sources); j++) {
			json_object *s = json_object_array_get_idx(sources, j);
			emit(&v, CK_POD_REF_SECRET, str(get(s, "secret"), "name"));
			emit(&v, CK_POD_REF_CONFIGMAP, str(get(s, "configMap"), "name"));
		}
		volume_secrets(&v, vol);
	}
	return !v.stopped;
}

struct find {
	enum ck_pod_ref_kind kind;
	const char *name;
};

static bool match(void *ctx, enum ck_pod_ref_kind kind, const char *name)
{
	struct find *f = ctx;
	return !(kind == f->kind && ck_streq(name, f->name));
}

bool ck_api_pod_references(json_object *pod, enum ck_pod_ref_kind kind, const char *name)
{
	struct find f = { kind, name };
	return !ck_api_pod_visit_refs(pod, match, &f);
}
