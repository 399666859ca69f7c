/*
 * Query options of list and watch requests (metav1.ListOptions), parsed and
 * validated as upstream's handlers do: selectors (label selectors with the
 * full grammar; field selectors limited to metadata.name, metadata.namespace
 * and the resource's own fields), limit/continue, resourceVersion and
 * resourceVersionMatch, timeoutSeconds, allowWatchBookmarks. Unknown
 * parameters are ignored.
 */
#ifndef CK_APISERVER_OPTIONS_H
#define CK_APISERVER_OPTIONS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "registry/registry.h"
#include "util/http_server.h"

struct ck_label_selector;
struct ck_field_selector;

enum ck_rv_match {
	CK_RV_MATCH_NONE,
	CK_RV_MATCH_EXACT,
	CK_RV_MATCH_NOT_OLDER_THAN,
};

struct ck_list_options {
	struct ck_label_selector *labels; /* never NULL after parse */
	struct ck_field_selector *fields; /* never NULL after parse */
	int64_t limit;			  /* 0 = no limit */
	char *continue_token;		  /* NULL when absent */
	char *resource_version;		  /* NULL when absent */
	enum ck_rv_match rv_match;
	bool watch;
	bool allow_bookmarks;
	int64_t timeout_seconds; /* 0 = server's choice */
};

/*
 * Parses the request's query for res. On error returns -EINVAL and
 * *ret_status is the Status to answer with (BadRequest for unparsable
 * values and unsupported field selectors, Invalid for rule violations;
 * caller owns it). opts must be released either way.
 */
int ck_list_options_parse(const struct ck_http_request *req, const struct ck_resource *res,
			  bool watch, struct ck_list_options *opts, json_object **ret_status);
void ck_list_options_release(struct ck_list_options *opts);

/*
 * Whether obj (in the resource's own form; borrowed) matches the options'
 * selectors.
 */
bool ck_list_options_match(const struct ck_list_options *opts, const struct ck_resource *res,
			   json_object *obj);

/* dryRun: absent, or "All" (→ true); anything else is a 400 Status. */
int ck_dry_run_parse(const struct ck_http_request *req, bool *ret_dry_run,
		     json_object **ret_status);

#endif
