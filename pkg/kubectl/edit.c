/*
 * kubectl edit: the object as YAML in $KUBE_EDITOR, else $EDITOR, else vi;
 * what changed goes back as a patch ("configmap/x edited").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "kubectl/apply_patch.h"
#include "kubectl/kubectl_int.h"
#include "util/json_write.h"
#include "util/str.h"

static struct {
	struct ck_flag_strings files;
} o;

static const struct ck_flag edit_flags[] = {
	{ "filename", CK_FLAG_STRING_ARRAY, &o.files, "Files identifying the resources to edit" },
	{ 0 },
};
static const struct ck_flag_shorthand edit_shorthands[] = { { 'f', "filename" }, { 0 } };

#define EDIT_HEADER                                                                           \
	"# Please edit the object below. Lines beginning with a '#' will be ignored,\n"       \
	"# and an empty file will abort the edit. If an error occurs while saving this file " \
	"will be\n# reopened with the relevant failures.\n#\n"

/* Runs the editor on path; 0 or -errno. */
static int run_editor(const char *path)
{
	const char *editor = getenv("KUBE_EDITOR");
	if (!editor || !editor[0])
		editor = getenv("EDITOR");
	if (!editor || !editor[0])
		editor = "vi";
	struct ck_buf cmd = CK_BUF_INIT;
	ck_buf_addf(&cmd, "%s '%s'", editor, path);
	int st = system(ck_buf_str(&cmd));
	ck_buf_release(&cmd);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static int edit_one(struct ck_kubectl *k, struct ck_client *c, const struct ck_kubectl_info *info)
{
	struct ck_gvr gvr = ck_kubectl_info_gvr(info);
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *obj = NULL, *edited = NULL, *patch = NULL;
	struct ck_buf text = CK_BUF_INIT, back = CK_BUF_INIT;
	char path[] = "/tmp/ckubectl-edit-XXXXXX.yaml";
	int fd = -1, status = 0;
	if (ck_client_get(c, &gvr, info->namespace, info->name, &obj, &err) < 0) {
		status = ck_kubectl_print_error(k, &err);
		goto out;
	}
	json_object *md = json_object_object_get(obj, "metadata");
	if (md)
		json_object_object_del(md, "managedFields");
	ck_buf_adds(&text, EDIT_HEADER);
	ck_yaml_encode(obj, &text);
	fd = mkstemps(path, 5);
	if (fd == -1 || write(fd, ck_buf_str(&text), text.len) != (ssize_t)text.len) {
		status = ck_kubectl_fail(k, "unable to write %s: %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (run_editor(path) < 0) {
		status = ck_kubectl_fail(k, "there was a problem with the editor");
		goto out;
	}
	FILE *f = fopen(path, "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#')
			ck_buf_adds(&back, line);
	if (f)
		fclose(f);
	char *msg = NULL;
	if (ck_yaml_decode(ck_buf_str(&back), back.len, 0, &edited, &msg) < 0) {
		status = ck_kubectl_fail(k, "%s", msg ? msg : "the edited file is not YAML");
		free(msg);
		goto out;
	}
	if (!edited) {
		fprintf(k->out, "Edit cancelled, no changes made.\n");
		goto out;
	}
	bool strategic = false;
	if (ck_kubectl_edit_patch(obj, edited, &patch, &strategic, &msg) < 0) {
		status = ck_kubectl_fail(k, "%s", msg ? msg : "unable to compute the patch");
		free(msg);
		goto out;
	}
	if (json_object_object_length(patch) == 0) {
		fprintf(k->out, "Edit cancelled, no changes made.\n");
		goto out;
	}
	struct ck_buf p = CK_BUF_INIT;
	ck_json_write(&p, patch);
	if (ck_client_patch(c, &gvr, info->namespace, info->name,
			    strategic ? CK_PATCH_STRATEGIC : CK_PATCH_MERGE, ck_buf_str(&p), NULL,
			    NULL, &err) < 0)
		status = ck_kubectl_print_error(k, &err);
	else
		ck_kubectl_print_success(k, info->res.group, info->res.kind, info->name, "edited",
					 false);
	ck_buf_release(&p);
out:
	if (fd != -1)
		close(fd);
	unlink(path);
	json_object_put(obj);
	json_object_put(edited);
	json_object_put(patch);
	ck_buf_release(&text);
	ck_buf_release(&back);
	ck_client_error_release(&err);
	return status;
}

static int run_edit(struct ck_kubectl *k, int argc, char **argv)
{
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_kubectl_builder_options bo = { .files = &o.files, .names_required = true };
	struct ck_kubectl_infos infos;
	if (ck_kubectl_build(k, &bo, argc, argv, &infos) < 0)
		return 1;
	int status = 0;
	for (size_t i = 0; i < infos.n; i++)
		status |= edit_one(k, c, &infos.v[i]);
	ck_kubectl_infos_release(&infos);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_edit = {
	.name = "edit",
	.summary = "Edit a resource on the server",
	.flags = edit_flags,
	.shorthands = edit_shorthands,
	.run = run_edit,
};
