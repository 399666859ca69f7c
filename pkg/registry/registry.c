#include "registry/registry.h"

#include "apimachinery/object.h"
#include "storage/storage.h"
#include "util/common.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

const char *const ck_verb_names[] = { "create", "delete", "deletecollection",
				      "get",	"list",	  "patch",
				      "update", "watch",  NULL };

static const unsigned verb_bits[] = { CK_VERB_CREATE, CK_VERB_DELETE, CK_VERB_DELETECOLLECTION,
				      CK_VERB_GET,    CK_VERB_LIST,   CK_VERB_PATCH,
				      CK_VERB_UPDATE, CK_VERB_WATCH };

unsigned ck_verb_from_name(const char *name)
{
	for (size_t i = 0; ck_verb_names[i]; i++)
		if (ck_streq(name, ck_verb_names[i]))
			return verb_bits[i];
	return 0;
}

const struct ck_resource *ck_registry_find(const char *group, const char *version,
					   const char *resource)
{
	for (size_t i = 0; ck_resources[i]; i++) {
		const struct ck_resource *r = ck_resources[i];
		if (ck_streq(r->group, group) && ck_streq(r->version, version) &&
		    ck_streq(r->resource, resource))
			return r;
	}
	return NULL;
}

const struct ck_subresource *ck_registry_subresource(const struct ck_resource *res,
						     const char *name)
{
	for (const struct ck_subresource *s = res->subresources; s && s->name; s++)
		if (ck_streq(s->name, name))
			return s;
	return NULL;
}

void ck_registry_stamp_new(json_object *obj)
{
	char uid[CK_UUID_BUF], now[CK_TIME_BUF];
	ck_uuid_v4(uid);
	ck_time_format(ck_time_now_ns(), CK_TIME_SECONDS, now);
	ck_obj_set_meta_str(obj, "uid", uid);
	ck_obj_set_meta_str(obj, "creationTimestamp", now);
}

int ck_registry_bootstrap_create(struct ck_storage *storage, const char *key, json_object *obj)
{
	struct ck_storage_error err = { 0 };
	ck_registry_stamp_new(obj);
	int r = ck_storage_create(storage, key, obj, 0, NULL, &err);
	if (r == CK_STORAGE_ERR_EXISTS)
		r = 0;
	else if (r < 0)
		ck_log_v(2, "unable to create '%s': %s", key, err.message);
	ck_storage_error_release(&err);
	return r;
}
