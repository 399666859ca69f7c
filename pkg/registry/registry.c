#include "registry/registry.h"

#include "util/common.h"
#include "util/str.h"

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
