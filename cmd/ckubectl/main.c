/*
 * ckubectl: the bundled CLI, kubectl's verbs and flags (see
 * docs/ckubectl.md). This file parses the global flags, picks the command
 * and runs it; the commands live in pkg/kubectl.
 */
#include <stdio.h>
#include <string.h>

#include "kubectl/kubectl.h"
#include "util/common.h"
#include "util/flags.h"

static const struct ck_kubectl_command *const commands[] = {
	&ck_kubectl_cmd_get,	       &ck_kubectl_cmd_create,	     &ck_kubectl_cmd_apply,
	&ck_kubectl_cmd_delete,	       &ck_kubectl_cmd_label,	     &ck_kubectl_cmd_annotate,
	&ck_kubectl_cmd_patch,	       &ck_kubectl_cmd_scale,	     &ck_kubectl_cmd_version,
	&ck_kubectl_cmd_api_resources, &ck_kubectl_cmd_api_versions, &ck_kubectl_cmd_cluster_info,
	&ck_kubectl_cmd_config,	       &ck_kubectl_cmd_auth,	     &ck_kubectl_cmd_cordon,
	&ck_kubectl_cmd_uncordon,      &ck_kubectl_cmd_taint,	     &ck_kubectl_cmd_wait,
	&ck_kubectl_cmd_rollout,       &ck_kubectl_cmd_edit,	     &ck_kubectl_cmd_drain,
	&ck_kubectl_cmd_describe,      &ck_kubectl_cmd_explain,	     &ck_kubectl_cmd_logs,
};

static void usage(FILE *out)
{
	fprintf(out, "ckubectl controls the Kubernetes cluster manager.\n\nCommands:\n");
	for (size_t i = 0; i < CK_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-15s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nUsage:\n  ckubectl [flags] [options]\n");
}

/* Appends a NULL-terminated table (by its name / letter) to a growing array. */
static size_t count_flags(const struct ck_flag *f)
{
	size_t n = 0;
	while (f && f[n].name)
		n++;
	return n;
}

static size_t count_shorthands(const struct ck_flag_shorthand *s)
{
	size_t n = 0;
	while (s && s[n].letter)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	struct ck_kubectl k;
	ck_kubectl_init(&k);
	const struct ck_flag *global = ck_kubectl_global_flags(&k.opts);
	const struct ck_flag_shorthand *global_short = ck_kubectl_global_shorthands();

	/* the command: the first argument that is neither a flag nor a global flag's value */
	const char *verb = NULL;
	for (int i = 1; i < argc && !verb; i++) {
		const char *a = argv[i];
		if (a[0] != '-') {
			verb = a;
			break;
		}
		const char *name = a + (a[1] == '-' ? 2 : 1);
		if (strchr(name, '='))
			continue;
		const struct ck_flag *f = ck_flags_find(global, global_short, name, strlen(name));
		if ((f && f->type != CK_FLAG_BOOL) || strcmp(name, "v") == 0)
			i++;
	}
	if (!verb) {
		usage(stdout);
		return 0;
	}
	const struct ck_kubectl_command *cmd = NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(commands) && !cmd; i++)
		if (strcmp(commands[i]->name, verb) == 0)
			cmd = commands[i];
	if (!cmd) {
		fprintf(stderr, "error: unknown command \"%s\" for \"kubectl\"\n", verb);
		return 1;
	}

	size_t ng = count_flags(global), nc = count_flags(cmd->flags);
	struct ck_flag *flags = ck_calloc(ng + nc + 1, sizeof(*flags));
	memcpy(flags, global, ng * sizeof(*flags));
	if (nc)
		memcpy(flags + ng, cmd->flags, nc * sizeof(*flags));
	size_t sg = count_shorthands(global_short), sc = count_shorthands(cmd->shorthands);
	struct ck_flag_shorthand *shorts = ck_calloc(sg + sc + 1, sizeof(*shorts));
	memcpy(shorts, global_short, sg * sizeof(*shorts));
	if (sc)
		memcpy(shorts + sg, cmd->shorthands, sc * sizeof(*shorts));

	int nargs = 0, status;
	if (ck_flags_parse_short("error", flags, shorts, argc, argv, &nargs) < 0)
		status = 1;
	else
		status = cmd->run(&k, nargs - 1, argv + 1);
	fflush(stdout);
	free(flags);
	free(shorts);
	ck_kubectl_release(&k);
	return status;
}
