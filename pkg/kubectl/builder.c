/*
 * The resource builder (cli-runtime's resource.Builder): what a command
 * acts on, from resource arguments or from -f files, directories and
 * stdin holding multi-document YAML or JSON (Lists expanded).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

void ck_kubectl_infos_release(struct ck_kubectl_infos *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		struct ck_kubectl_info *info = &l->v[i];
		ck_api_resource_release(&info->res);
		free(info->namespace);
		free(info->name);
		json_object_put(info->object);
		free(info->source);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct ck_kubectl_info *add_info(struct ck_kubectl_infos *l)
{
	l->v = ck_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct ck_kubectl_info *info = &l->v[l->n++];
	memset(info, 0, sizeof(*info));
	return info;
}

char *ck_kubectl_info_ref(const struct ck_kubectl_info *info, const char *name)
{
	char *kind = ck_kubectl_kind_ref(info->res.group, info->res.kind);
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s/%s", kind, name ? name : "");
	free(kind);
	return ck_buf_detach(&b, NULL);
}

struct ck_gvr ck_kubectl_info_gvr(const struct ck_kubectl_info *info)
{
	return (struct ck_gvr){ info->res.group, info->res.version, info->res.resource };
}

/* ---- arguments ------------------------------------------------------------------------ */

static int add_typed(struct ck_kubectl *k, const struct ck_kubectl_builder_options *o,
		     const char *type, const char *name, struct ck_kubectl_infos *ret)
{
	struct ck_kubectl_info *info = add_info(ret);
	int r = ck_kubectl_resolve(k, type, &info->res);
	if (r < 0) {
		ret->n--;
		return r;
	}
	if (info->res.namespaced && !(o->all_namespaces && !name))
		info->namespace = ck_strdup(ck_kubectl_namespace(k));
	info->name = name ? ck_strdup(name) : NULL;
	return 0;
}

static int from_args(struct ck_kubectl *k, const struct ck_kubectl_builder_options *o, int argc,
		     char **argv, struct ck_kubectl_infos *ret)
{
	bool slash = false;
	for (int i = 0; i < argc; i++)
		slash |= strchr(argv[i], '/') != NULL;
	if (slash) {
		for (int i = 0; i < argc; i++) {
			char *s = strchr(argv[i], '/');
			if (!s) {
				ck_kubectl_fail(
				    k,
				    "there is no need to specify a resource type as a separate "
				    "argument when passing arguments in resource/name form (e.g. "
				    "'kubectl get resource/<resource_name>' instead of 'kubectl "
				    "get "
				    "resource resource/<resource_name>'");
				return -EINVAL;
			}
			char *type = ck_strndup(argv[i], (size_t)(s - argv[i]));
			int r = s[1] ? add_typed(k, o, type, s + 1, ret) : -EINVAL;
			if (!s[1])
				ck_kubectl_fail(
				    k, "arguments in resource/name form must have a single "
				       "resource and name");
			free(type);
			if (r < 0)
				return r;
		}
		return 0;
	}
	char **types = ck_str_split(argv[0], ',', 0);
	int r = 0;
	for (char **t = types; *t && r == 0; t++) {
		if (!**t)
			continue;
		if (argc == 1) {
			if (o->names_required) {
				ck_kubectl_fail(k, "resource(s) were provided, but no name was "
						   "specified");
				r = -EINVAL;
			} else {
				r = add_typed(k, o, *t, NULL, ret);
			}
		}
		for (int i = 1; i < argc && r == 0; i++)
			r = add_typed(k, o, *t, argv[i], ret);
	}
	ck_strv_free(types);
	return r;
}

/* ---- files ---------------------------------------------------------------------------- */

static int read_all(FILE *f, struct ck_buf *b)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ck_buf_add(b, chunk, n) < 0)
			return -E2BIG;
	return ferror(f) ? -EIO : 0;
}

static int add_object(struct ck_kubectl *k, const char *source, json_object *obj,
		      struct ck_kubectl_infos *ret)
{
	const char *kind = ck_obj_path_str(obj, "kind");
	const char *api_version = ck_obj_path_str(obj, "apiVersion");
	if (json_object_get_type(obj) != json_type_object || !kind || !kind[0] || !api_version) {
		struct ck_buf b = CK_BUF_INIT;
		ck_json_write(&b, obj);
		ck_kubectl_fail(k, "unable to decode \"%s\": Object '%s' is missing in '%s'",
				source, kind && kind[0] ? "apiVersion" : "Kind", ck_buf_str(&b));
		ck_buf_release(&b);
		return -EINVAL;
	}
	json_object *items = NULL;
	if (ck_str_has_suffix(kind, "List") && json_object_object_get_ex(obj, "items", &items) &&
	    json_object_get_type(items) == json_type_array) {
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			int r = add_object(k, source, json_object_array_get_idx(items, i), ret);
			if (r < 0)
				return r;
		}
		return 0;
	}
	struct ck_kubectl_info *info = add_info(ret);
	struct ck_client_error err;
	ck_client_error_init(&err);
	int r = ck_kubectl_resource_for_kind(k, api_version, kind, &info->res, &err);
	const char *name = ck_obj_name(obj);
	const char *ns = ck_obj_namespace(obj);
	if (r < 0) {
		ret->n--;
		if (r == -ENOENT && !err.status)
			ck_kubectl_fail(k,
					"resource mapping not found for name: \"%s\" namespace: "
					"\"%s\" from \"%s\": %s",
					name ? name : "", ns ? ns : "", source, err.message);
		else if (err.message[0] || err.status)
			ck_kubectl_print_error(k, &err);
		ck_client_error_release(&err);
		return r;
	}
	ck_client_error_release(&err);
	info->object = json_object_get(obj);
	info->source = ck_strdup(source);
	info->name = name ? ck_strdup(name) : NULL;
	if (info->res.namespaced) {
		const char *want = ck_kubectl_namespace(k);
		if (ns && ns[0] && k->namespace_explicit && strcmp(ns, want) != 0) {
			ck_kubectl_fail(
			    k,
			    "the namespace from the provided object \"%s\" does not "
			    "match the namespace \"%s\". You must pass '--namespace=%s' "
			    "to perform this operation.",
			    ns, want, ns);
			return -EINVAL;
		}
		info->namespace = ck_strdup(ns && ns[0] ? ns : want);
	}
	return 0;
}

static int from_text(struct ck_kubectl *k, const char *source, const struct ck_buf *text,
		     struct ck_kubectl_infos *ret)
{
	struct ck_yaml_stream s;
	ck_yaml_stream_init(&s, ck_buf_str(text), text->len, 0);
	for (;;) {
		json_object *obj = NULL;
		char *msg = NULL;
		int r = ck_yaml_stream_next(&s, &obj, &msg);
		if (r == 0)
			return 0;
		if (r < 0) {
			ck_kubectl_fail(k, "error parsing %s: %s", source, msg ? msg : "invalid");
			free(msg);
			return r;
		}
		r = add_object(k, source, obj, ret);
		json_object_put(obj);
		if (r < 0)
			return r;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int from_path(struct ck_kubectl *k, const char *path, bool recursive, bool top,
		     struct ck_kubectl_infos *ret)
{
	struct ck_buf text = CK_BUF_INIT;
	int r;
	if (strcmp(path, "-") == 0) {
		r = read_all(k->in, &text);
		if (r == 0)
			r = from_text(k, "STDIN", &text, ret);
		ck_buf_release(&text);
		return r;
	}
	struct stat st;
	if (stat(path, &st) == -1) {
		ck_kubectl_fail(k, "the path \"%s\" does not exist", path);
		return -ENOENT;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!top && !recursive)
			return 0;
		DIR *d = opendir(path);
		if (!d) {
			ck_kubectl_fail(k, "error reading %s: %s", path, strerror(errno));
			return -errno;
		}
		char **names = NULL;
		size_t n = 0;
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			names = ck_realloc(names, (n + 1) * sizeof(*names));
			names[n++] = ck_strdup(de->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_names);
		r = 0;
		for (size_t i = 0; i < n; i++) {
			struct ck_buf p = CK_BUF_INIT;
			ck_buf_addf(&p, "%s/%s", path, names[i]);
			struct stat cst;
			bool is_dir = stat(ck_buf_str(&p), &cst) == 0 && S_ISDIR(cst.st_mode);
			if (r == 0 && (is_dir || ck_str_has_suffix(names[i], ".json") ||
				       ck_str_has_suffix(names[i], ".yaml") ||
				       ck_str_has_suffix(names[i], ".yml")))
				r = from_path(k, ck_buf_str(&p), recursive, false, ret);
			ck_buf_release(&p);
			free(names[i]);
		}
		free(names);
		return r;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		ck_kubectl_fail(k, "open %s: %s", path, strerror(errno));
		return -errno;
	}
	r = read_all(f, &text);
	fclose(f);
	if (r == 0)
		r = from_text(k, path, &text, ret);
	else
		ck_kubectl_fail(k, "error reading %s: %s", path, strerror(-r));
	ck_buf_release(&text);
	return r;
}

int ck_kubectl_build(struct ck_kubectl *k, const struct ck_kubectl_builder_options *o, int argc,
		     char **argv, struct ck_kubectl_infos *ret)
{
	int r = 0;
	memset(ret, 0, sizeof(*ret));
	bool files = o->files && o->files->n > 0;
	if (files && argc > 0) {
		ck_kubectl_fail(k, "when paths, URLs, or stdin is provided as input, you may not "
				   "specify resource arguments as well");
		return -EINVAL;
	}
	if (files) {
		for (size_t i = 0; i < o->files->n && r == 0; i++)
			r = from_path(k, o->files->v[i], o->recursive, true, ret);
		if (r == 0 && ret->n == 0) {
			ck_kubectl_fail(k, "no objects passed to %s", "the command");
			r = -EINVAL;
		}
	} else if (argc > 0) {
		r = from_args(k, o, argc, argv, ret);
	} else {
		ck_kubectl_fail(k, "must specify one of -f and -k");
		r = -EINVAL;
	}
	if (r < 0)
		ck_kubectl_infos_release(ret);
	return r;
}
