/*
 * Request info: what a request is about, from its method, path and query,
 * exactly as upstream's RequestInfoFactory decides it (apiserver
 * endpoints/request/requestinfo.go). Resource requests have the forms
 *   /api/{version}[/namespaces/{ns}]/{resource}[/{name}[/{subresource}…]]
 *   /apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/{sub}…]]
 * plus the special verbs /watch/… (deprecated) and /proxy/…. Everything else
 * (/, /healthz, /api, /apis, /apis/{group}, /api/{version},
 * /apis/{group}/{version}) is a non-resource request whose verb is the
 * lowercased HTTP method.
 */
#ifndef CK_APISERVER_REQUEST_INFO_H
#define CK_APISERVER_REQUEST_INFO_H

#include <stdbool.h>
#include <stddef.h>

struct ck_request_info {
	bool is_resource_request;
	char *path;	   /* the URL path as given */
	char *verb;	   /* get list watch create update patch delete deletecollection … */
	char *api_prefix;  /* "api" or "apis"; "" for non-resource requests */
	char *api_group;   /* "" for the core group */
	char *api_version; /* "v1" */
	char *namespace;   /* "" when cluster-scoped or absent */
	char *resource;	   /* "pods" */
	char *subresource; /* "status", "log", … or "" */
	char *name;	   /* "" for collections */
	char **parts;	   /* NULL-terminated: resource/name/subresource/… */
};

/*
 * Fills *ret from method, path (no query string) and the value of the
 * `watch` query parameter (NULL when absent). Returns 0, or -EINVAL when
 * the path is a resource path too short to name a kind (upstream's "unable
 * to determine kind and namespace from url"); *ret is then still filled as
 * far as known, and must be released either way.
 */
int ck_request_info_parse(const char *method, const char *path, const char *watch_param,
			  struct ck_request_info *ret);
/*
 * upstream's RequestInfoFactory: a list or watch without a name whose
 * fieldSelector (the query value, may be NULL) requires metadata.name=<x>
 * is about that one object: sets info->name to x (for authorization, as
 * the Node authorizer and RBAC resourceNames need).
 */
void ck_request_info_name_from_field_selector(struct ck_request_info *info,
					      const char *field_selector);
/* Frees what the info holds. NULL-safe. */
void ck_request_info_release(struct ck_request_info *info);

#endif
