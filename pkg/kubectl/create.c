/*
 * kubectl create: -f sources, and the generators create namespace |
 * configmap | secret generic | service clusterip | deployment | job.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"

static struct {
	struct ck_flag_strings files;
	struct ck_flag_strings from_literal;
	struct ck_flag_strings from_file;
	struct ck_flag_strings tcp;
	struct ck_flag_strings image;
	const char *output;
	const char *dry_run;
	const char *type;
	int replicas;
	bool recursive;
} o = { .replicas = 1 };

static const struct ck_flag create_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files,
	  "Files that contain the resources to create" },
	{ "recursive", CK_FLAG_BOOL, &o.recursive, "Process the directory used in -f recursively" },
	{ "from-literal", CK_FLAG_STRING_ARRAY, &o.from_literal, "A key and literal value (k=v)" },
	{ "from-file", CK_FLAG_STRING_ARRAY, &o.from_file, "A file whose content becomes a key" },
	{ "tcp", CK_FLAG_STRING_ARRAY, &o.tcp, "Port pairs port:targetPort (service)" },
	{ "image", CK_FLAG_STRING_ARRAY, &o.image, "Image names to run (deployment, job)" },
	{ "replicas", CK_FLAG_INT, &o.replicas, "Number of replicas (deployment)" },
	{ "type", CK_FLAG_STRING, &o.type, "The type of secret to create" },
	{ "output", CK_FLAG_STRING, &o.output, "Output format: name, json, yaml" },
	{ "dry-run", CK_FLAG_STRING, &o.dry_run, "none, client or server" },
	{ 0 },
};
static const struct ck_flag_shorthand create_shorthands[] = {
	{ 'f', "filename" }, { 'R', "recursive" }, { 'o', "output" }, { 0 }
};

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *new_object(const char *api_version, const char *kind, const char *name)
{
	json_object *obj = json_object_new_object();
	json_object_object_add(obj, "apiVersion", str(api_version));
	json_object_object_add(obj, "kind", str(kind));
	json_object *md = json_object_new_object();
	json_object_object_add(md, "name", str(name));
	json_object_object_add(obj, "metadata", md);
	return obj;
}

/* --from-literal and --from-file into data (base64 when encode). */
static int fill_data(struct ck_kubectl *k, json_object *data, bool encode)
{
	for (size_t i = 0; i < o.from_literal.n; i++) {
		const char *kv = o.from_literal.v[i];
		const char *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			return -ck_kubectl_fail(k, "invalid literal source %s, expected key=value",
						kv);
		char *key = ck_strndup(kv, (size_t)(eq - kv));
		if (json_object_object_get(data, key)) {
			ck_kubectl_fail(
			    k, "cannot add key %s, another key by that name already exists", key);
			free(key);
			return -1;
		}
		json_object_object_add(data, key, str(encode ? "" : eq + 1));
		if (encode) {
			char *b64 = ck_base64_encode(eq + 1, strlen(eq + 1));
			json_object_object_add(data, key, str(b64));
			free(b64);
		}
		free(key);
	}
	for (size_t i = 0; i < o.from_file.n; i++) {
		const char *spec = o.from_file.v[i];
		const char *eq = strchr(spec, '=');
		const char *path = eq ? eq + 1 : spec;
		const char *base = strrchr(path, '/');
		char *key =
		    eq ? ck_strndup(spec, (size_t)(eq - spec)) : ck_strdup(base ? base + 1 : path);
		FILE *f = fopen(path, "r");
		if (!f) {
			ck_kubectl_fail(k, "error reading %s: no such file or directory", path);
			free(key);
			return -1;
		}
		struct ck_buf b = CK_BUF_INIT;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			ck_buf_add(&b, chunk, n);
		fclose(f);
		if (encode) {
			char *b64 = ck_base64_encode(ck_buf_str(&b), b.len);
			json_object_object_add(data, key, str(b64));
			free(b64);
		} else {
			json_object_object_add(data, key, str(ck_buf_str(&b)));
		}
		ck_buf_release(&b);
		free(key);
	}
	return 0;
}

/* Builds the object a generator makes; NULL after printing an error. */
static json_object *generate(struct ck_kubectl *k, int argc, char **argv)
{
	const char *what = argv[0];
	int nameidx = 1;
	if ((strcmp(what, "secret") == 0 || strcmp(what, "service") == 0 ||
	     strcmp(what, "svc") == 0) &&
	    argc > 1) {
		nameidx = 2;
	}
	if (argc <= nameidx) {
		ck_kubectl_fail(k, "exactly one NAME is required, got 0");
		return NULL;
	}
	const char *name = argv[nameidx];
	json_object *obj = NULL;
	if (strcmp(what, "namespace") == 0 || strcmp(what, "ns") == 0) {
		obj = new_object("v1", "Namespace", name);
	} else if (strcmp(what, "configmap") == 0 || strcmp(what, "cm") == 0) {
		obj = new_object("v1", "ConfigMap", name);
		json_object *data = json_object_new_object();
		json_object_object_add(obj, "data", data);
		if (fill_data(k, data, false) < 0)
			goto fail;
	} else if (strcmp(what, "secret") == 0 && strcmp(argv[1], "generic") == 0) {
		obj = new_object("v1", "Secret", name);
		json_object *data = json_object_new_object();
		json_object_object_add(obj, "data", data);
		json_object_object_add(obj, "type", str(o.type ? o.type : "Opaque"));
		if (fill_data(k, data, true) < 0)
			goto fail;
	} else if ((strcmp(what, "service") == 0 || strcmp(what, "svc") == 0) &&
		   strcmp(argv[1], "clusterip") == 0) {
		obj = new_object("v1", "Service", name);
		json_object *labels = json_object_new_object();
		json_object_object_add(labels, "app", str(name));
		json_object_object_add(ck_obj_metadata(obj), "labels", json_object_get(labels));
		json_object *spec = json_object_new_object(), *ports = json_object_new_array();
		for (size_t i = 0; i < o.tcp.n; i++) {
			char **pp = ck_str_split(o.tcp.v[i], ':', 2);
			int port, target;
			if (ck_str_to_int(pp[0], &port) < 0 ||
			    ck_str_to_int(pp[1] ? pp[1] : pp[0], &target) < 0) {
				ck_strv_free(pp);
				json_object_put(spec);
				json_object_put(ports);
				json_object_put(labels);
				ck_kubectl_fail(k, "invalid --tcp %s", o.tcp.v[i]);
				goto fail;
			}
			json_object *p = json_object_new_object();
			char pname[64];
			snprintf(pname, sizeof(pname), "%d-%d", port, target);
			json_object_object_add(p, "name", str(pname));
			json_object_object_add(p, "port", json_object_new_int(port));
			json_object_object_add(p, "protocol", str("TCP"));
			json_object_object_add(p, "targetPort", json_object_new_int(target));
			json_object_array_add(ports, p);
			ck_strv_free(pp);
		}
		json_object_object_add(spec, "ports", ports);
		json_object_object_add(spec, "selector", labels);
		json_object_object_add(spec, "type", str("ClusterIP"));
		json_object_object_add(obj, "spec", spec);
	} else if (strcmp(what, "deployment") == 0 || strcmp(what, "deploy") == 0 ||
		   strcmp(what, "job") == 0) {
		bool job = strcmp(what, "job") == 0;
		if (o.image.n == 0) {
			ck_kubectl_fail(k, "required flag(s) \"image\" not set");
			return NULL;
		}
		obj = new_object(job ? "batch/v1" : "apps/v1", job ? "Job" : "Deployment", name);
		json_object *containers = json_object_new_array();
		for (size_t i = 0; i < o.image.n; i++) {
			json_object *c = json_object_new_object();
			const char *img = o.image.v[i];
			const char *base = strrchr(img, '/');
			base = base ? base + 1 : img;
			char *cname = ck_strndup(base, strcspn(base, ":@"));
			json_object_object_add(c, "image", str(img));
			json_object_object_add(c, "name", str(job ? name : cname));
			json_object_object_add(c, "resources", json_object_new_object());
			free(cname);
			if (job && argc > nameidx + 1) {
				json_object *cmd = json_object_new_array();
				for (int a = nameidx + 1; a < argc; a++)
					json_object_array_add(cmd, str(argv[a]));
				json_object_object_add(c, "command", cmd);
			}
			json_object_array_add(containers, c);
		}
		json_object *podspec = json_object_new_object();
		json_object_object_add(podspec, "containers", containers);
		if (job)
			json_object_object_add(podspec, "restartPolicy", str("Never"));
		json_object *tmpl = json_object_new_object(), *tmd = json_object_new_object();
		json_object_object_add(tmpl, "metadata", tmd);
		json_object_object_add(tmpl, "spec", podspec);
		json_object *spec = json_object_new_object();
		if (!job) {
			json_object *labels = json_object_new_object();
			json_object_object_add(labels, "app", str(name));
			json_object_object_add(ck_obj_metadata(obj), "labels", ck_obj_copy(labels));
			json_object_object_add(tmd, "labels", ck_obj_copy(labels));
			json_object *sel = json_object_new_object();
			json_object_object_add(sel, "matchLabels", labels);
			json_object_object_add(spec, "replicas", json_object_new_int(o.replicas));
			json_object_object_add(spec, "selector", sel);
		}
		json_object_object_add(spec, "template", tmpl);
		json_object_object_add(obj, "spec", spec);
	} else {
		ck_kubectl_fail(k, "unknown object to create: %s", what);
		return NULL;
	}
	return obj;
fail:
	json_object_put(obj);
	return NULL;
}

/* POSTs one object; prints "kind/name created" or the error. */
static int create_one(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info,
		      json_object *obj, const char *source)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	const char *params[] = { "dryRun", "All", NULL };
	bool server_dry = ck_streq(o.dry_run, "server");
	bool client_dry = ck_streq(o.dry_run, "client");
	json_object *created = NULL;
	struct ck_client_error err;
	ck_client_error_init(&err);
	int status = 0;
	if (!client_dry) {
		struct ck_client_request req = {
			.verb = "POST",
			.group = gvr.group,
			.version = gvr.version,
			.resource = gvr.resource,
			.namespace = info->res.namespaced ? info->namespace : NULL,
			.params = server_dry ? params : NULL,
			.body = obj,
		};
		if (ck_client_do(c, &req, &created, &err) < 0) {
			if (source && err.status) {
				fprintf(k->err,
					"Error from server (%s): error when creating \"%s\": %s\n",
					ck_status_reason(err.status), source,
					ck_status_message(err.status));
				status = 1;
			} else {
				status = ck_kubectl_print_error(k, &err);
			}
			ck_client_error_release(&err);
			return status;
		}
	}
	json_object *shown = created ? created : obj;
	if (o.output && strcmp(o.output, "name") != 0) {
		struct ck_kubectl_printer p;
		if (ck_kubectl_printer_parse(k, o.output, &p) == 0) {
			json_object *one = json_object_new_array();
			json_object_array_add(one, json_object_get(shown));
			status = ck_kubectl_print_objects(k, &p, one, true);
			json_object_put(one);
		} else {
			status = 1;
		}
	} else {
		const char *name = ck_obj_name(shown);
		char verb[64];
		snprintf(verb, sizeof(verb), "created%s",
			 client_dry   ? " (dry run)"
			 : server_dry ? " (server dry run)"
				      : "");
		ck_kubectl_print_success(k, info->res.group, info->res.kind, name ? name : "", verb,
					 o.output != NULL);
	}
	json_object_put(created);
	ck_client_error_release(&err);
	return status;
}

static int run_create(struct ck_kubectl *k, int argc, char **argv)
{
	struct ck_client *c;
	if (argc == 0 && o.files.n == 0)
		return ck_kubectl_fail(k, "must specify one of -f and -k");
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	int status = 0;
	if (o.files.n > 0) {
		struct ck_kubectl_builder_options bo = { .files = &o.files,
							 .recursive = o.recursive };
		struct ck_kubectl_infos infos;
		if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
			return 1;
		for (size_t i = 0; i < infos.n; i++)
			status |=
			    create_one(k, c, &infos.v[i], infos.v[i].object, infos.v[i].source);
		ck_kubectl_infos_release(&infos);
		return status;
	}
	json_object *obj = generate(k, argc, argv);
	if (!obj)
		return 1;
	struct ck_kubectl_info info = { 0 };
	struct ck_client_error err;
	ck_client_error_init(&err);
	if (ck_kubectl_resource_for_kind(k, ck_obj_path_str(obj, "apiVersion"),
					 ck_obj_path_str(obj, "kind"), &info.res, &err) < 0) {
		status = err.status || err.code ? ck_kubectl_print_error(k, &err)
						: ck_kubectl_fail(k, "%s", err.message);
	} else {
		if (info.res.namespaced)
			info.namespace = ck_strdup(ck_kubectl_namespace(k));
		status = create_one(k, c, &info, obj, NULL);
	}
	ck_client_error_release(&err);
	ck_api_resource_release(&info.res);
	free(info.namespace);
	json_object_put(obj);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_create = {
	.name = "create",
	.summary = "Create a resource from a file or from stdin",
	.flags = create_flags,
	.shorthands = create_shorthands,
	.run = run_create,
};
