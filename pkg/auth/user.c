#include "auth/user.h"

#include <errno.h>
#include <string.h>

#include "util/common.h"
#include "util/str.h"

void ck_user_init(struct ck_user_info *u, const char *name, const char *uid)
{
	memset(u, 0, sizeof(*u));
	u->name = ck_strdup(name ? name : "");
	u->uid = ck_strdup(uid ? uid : "");
}

void ck_user_release(struct ck_user_info *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->uid);
	ck_strv_free(u->groups);
	for (size_t i = 0; i < u->nextra; i++) {
		free(u->extra[i].key);
		ck_strv_free(u->extra[i].values);
	}
	free(u->extra);
	memset(u, 0, sizeof(*u));
}

static char **strv_push(char **v, const char *s)
{
	size_t n = ck_strv_len(v);
	v = ck_realloc(v, (n + 2) * sizeof(*v));
	v[n] = ck_strdup(s);
	v[n + 1] = NULL;
	return v;
}

void ck_user_add_group(struct ck_user_info *u, const char *group)
{
	u->groups = strv_push(u->groups, group);
}

void ck_user_add_extra(struct ck_user_info *u, const char *key, const char *value)
{
	for (size_t i = 0; i < u->nextra; i++) {
		if (ck_streq(u->extra[i].key, key)) {
			u->extra[i].values = strv_push(u->extra[i].values, value);
			return;
		}
	}
	u->extra = ck_realloc(u->extra, (u->nextra + 1) * sizeof(*u->extra));
	u->extra[u->nextra].key = ck_strdup(key);
	u->extra[u->nextra].values = strv_push(NULL, value);
	u->nextra++;
}

void ck_user_copy(struct ck_user_info *dst, const struct ck_user_info *src)
{
	ck_user_init(dst, src->name, src->uid);
	for (size_t i = 0; src->groups && src->groups[i]; i++)
		ck_user_add_group(dst, src->groups[i]);
	for (size_t i = 0; i < src->nextra; i++)
		for (size_t j = 0; src->extra[i].values && src->extra[i].values[j]; j++)
			ck_user_add_extra(dst, src->extra[i].key, src->extra[i].values[j]);
}

size_t ck_user_group_count(const struct ck_user_info *u)
{
	return ck_strv_len(u->groups);
}

bool ck_user_in_group(const struct ck_user_info *u, const char *group)
{
	for (size_t i = 0; u->groups && u->groups[i]; i++)
		if (ck_streq(u->groups[i], group))
			return true;
	return false;
}

const char *ck_user_node_name(const struct ck_user_info *u)
{
	if (!u || !u->name || !ck_str_has_prefix(u->name, CK_NODE_USER_PREFIX) ||
	    !ck_user_in_group(u, CK_GROUP_NODES))
		return NULL;
	return u->name + strlen(CK_NODE_USER_PREFIX);
}

json_object *ck_user_to_json(const struct ck_user_info *u)
{
	json_object *o = json_object_new_object();
	if (u->name && *u->name)
		json_object_object_add(o, "username", json_object_new_string(u->name));
	if (u->uid && *u->uid)
		json_object_object_add(o, "uid", json_object_new_string(u->uid));
	if (u->groups && u->groups[0]) {
		json_object *g = json_object_new_array();
		for (size_t i = 0; u->groups[i]; i++)
			json_object_array_add(g, json_object_new_string(u->groups[i]));
		json_object_object_add(o, "groups", g);
	}
	if (u->nextra) {
		json_object *e = json_object_new_object();
		for (size_t i = 0; i < u->nextra; i++) {
			json_object *v = json_object_new_array();
			for (size_t j = 0; u->extra[i].values[j]; j++)
				json_object_array_add(
				    v, json_object_new_string(u->extra[i].values[j]));
			json_object_object_add(e, u->extra[i].key, v);
		}
		json_object_object_add(o, "extra", e);
	}
	return o;
}

int ck_user_split_sa_name(const char *username, char **ret_namespace, char **ret_name)
{
	if (!ck_str_has_prefix(username, CK_SA_USER_PREFIX))
		return -EINVAL;
	const char *rest = username + strlen(CK_SA_USER_PREFIX);
	const char *colon = strchr(rest, ':');
	if (!colon || colon == rest || !colon[1] || strchr(colon + 1, ':'))
		return -EINVAL;
	*ret_namespace = ck_strndup(rest, (size_t)(colon - rest));
	*ret_name = ck_strdup(colon + 1);
	return 0;
}
