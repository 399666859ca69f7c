#include "apiserver/request_info.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "apimachinery/fields.h"
#include "util/common.h"
#include "util/str.h"

/* Path segments, upstream's splitPath: trim slashes, split on '/'. */
static char **split_path(const char *path)
{
	size_t start = 0, end = strlen(path);
	while (start < end && path[start] == '/')
		start++;
	while (end > start && path[end - 1] == '/')
		end--;
	if (start == end)
		return ck_calloc(1, sizeof(char *));
	char *trimmed = ck_strndup(path + start, end - start);
	char **parts = ck_str_split(trimmed, '/', 0);
	free(trimmed);
	return parts;
}

static bool is_special_verb(const char *s)
{
	return ck_streq(s, "proxy") || ck_streq(s, "watch");
}

static bool is_namespace_subresource(const char *s)
{
	return ck_streq(s, "status") || ck_streq(s, "finalize");
}

static const char *verb_for_method(const char *method)
{
	static const struct {
		const char *method, *verb;
	} map[] = { { "POST", "create" }, { "GET", "get" },	{ "HEAD", "get" },
		    { "PUT", "update" },  { "PATCH", "patch" }, { "DELETE", "delete" } };
	for (size_t i = 0; i < CK_ARRAY_SIZE(map); i++)
		if (ck_streq(method, map[i].method))
			return map[i].verb;
	return "";
}

static char *lower(const char *s)
{
	char *l = ck_strdup(s);
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

static void set(char **field, const char *value)
{
	free(*field);
	*field = ck_strdup(value);
}

int ck_request_info_parse(const char *method, const char *path, const char *watch_param,
			  struct ck_request_info *ret)
{
	struct ck_request_info *ri = ret;
	int r = 0;
	memset(ri, 0, sizeof(*ri));
	ri->path = ck_strdup(path);
	ri->verb = lower(method);
	ri->api_prefix = ck_strdup("");
	ri->api_group = ck_strdup("");
	ri->api_version = ck_strdup("");
	ri->namespace = ck_strdup("");
	ri->resource = ck_strdup("");
	ri->subresource = ck_strdup("");
	ri->name = ck_strdup("");

	char **all = split_path(path);
	char **parts = all;
	size_t n = ck_strv_len(parts);
	if (n < 3 || (!ck_streq(parts[0], "api") && !ck_streq(parts[0], "apis")))
		goto non_resource;
	set(&ri->api_prefix, parts[0]);
	parts++, n--;
	if (ck_streq(ri->api_prefix, "apis")) {
		if (n < 3)
			goto non_resource;
		set(&ri->api_group, parts[0]);
		parts++, n--;
	}
	ri->is_resource_request = true;
	set(&ri->api_version, parts[0]);
	parts++, n--;

	if (is_special_verb(parts[0])) {
		if (n < 2) {
			r = -EINVAL;
			goto out_parts;
		}
		set(&ri->verb, parts[0]);
		parts++, n--;
	} else {
		set(&ri->verb, verb_for_method(method));
	}

	if (ck_streq(parts[0], "namespaces")) {
		if (n > 1) {
			set(&ri->namespace, parts[1]);
			if (n > 2 && !is_namespace_subresource(parts[2]))
				parts += 2, n -= 2;
		}
	}

	/* resource/name/subresource/… ; proxy takes no subresource */
	if (n >= 3 && !ck_streq(ri->verb, "proxy"))
		set(&ri->subresource, parts[2]);
	if (n >= 2)
		set(&ri->name, parts[1]);
	if (n >= 1)
		set(&ri->resource, parts[0]);

	if (!ri->name[0] && ck_streq(ri->verb, "get")) {
		/* Any watch value but "false" and "0" means true (upstream). */
		bool watch = false;
		if (watch_param) {
			char *w = lower(watch_param);
			watch = !ck_streq(w, "false") && !ck_streq(w, "0");
			free(w);
		}
		set(&ri->verb, watch ? "watch" : "list");
	}
	if (!ri->name[0] && ck_streq(ri->verb, "delete"))
		set(&ri->verb, "deletecollection");

out_parts:
	ri->parts = ck_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		ri->parts[i] = ck_strdup(parts[i]);
	ck_strv_free(all);
	return r;

non_resource:
	ri->is_resource_request = false;
	set(&ri->api_prefix, "");
	set(&ri->api_group, "");
	set(&ri->api_version, "");
	ri->parts = ck_calloc(1, sizeof(char *));
	ck_strv_free(all);
	return 0;
}

void ck_request_info_release(struct ck_request_info *ri)
{
	if (!ri)
		return;
	free(ri->path);
	free(ri->verb);
	free(ri->api_prefix);
	free(ri->api_group);
	free(ri->api_version);
	free(ri->namespace);
	free(ri->resource);
	free(ri->subresource);
	free(ri->name);
	ck_strv_free(ri->parts);
	memset(ri, 0, sizeof(*ri));
}

void ck_request_info_name_from_field_selector(struct ck_request_info *info,
					      const char *field_selector)
{
	if (!info->is_resource_request || (info->name && *info->name) || !field_selector ||
	    !*field_selector || (!ck_streq(info->verb, "list") && !ck_streq(info->verb, "watch")))
		return;
	struct ck_field_selector *sel = NULL;
	char *err = NULL;
	const char *name = NULL;
	if (ck_field_selector_parse(field_selector, &sel, &err) == 0 &&
	    ck_field_selector_requires_exact_match(sel, "metadata.name", &name) && name) {
		free(info->name);
		info->name = ck_strdup(name);
	}
	free(err);
	ck_field_selector_free(sel);
}
