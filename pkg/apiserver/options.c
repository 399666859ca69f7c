#include "apiserver/options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/fields.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "util/common.h"
#include "util/str.h"

static bool field_supported(const struct ck_resource *res, const char *field)
{
	if (ck_streq(field, "metadata.name") || ck_streq(field, "metadata.namespace"))
		return true;
	for (const char *const *f = res->field_selectors; f && *f; f++)
		if (ck_streq(*f, field))
			return true;
	return false;
}

static int bad_request(json_object **ret_status, const char *fmt, const char *arg)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, arg);
	*ret_status = ck_status_new_bad_request(msg);
	return -EINVAL;
}

static int parse_int(const char *name, const char *s, int64_t *ret, json_object **ret_status)
{
	if (!s || !*s)
		return 0;
	if (ck_str_to_int64(s, ret) < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "strconv.ParseInt: parsing \"%s\": invalid syntax", s);
		*ret_status = ck_status_new_bad_request(msg);
		return -EINVAL;
	}
	(void)name;
	return 0;
}

static bool query_bool(const struct ck_http_request *req, const char *name)
{
	const char *v = ck_http_request_query(req, name);
	bool b = false;
	return v && ck_str_to_bool(v, &b) == 0 && b;
}

int ck_list_options_parse(const struct ck_http_request *req, const struct ck_resource *res,
			  bool watch, struct ck_list_options *opts, json_object **ret_status)
{
	memset(opts, 0, sizeof(*opts));
	opts->watch = watch;
	char *err = NULL;
	int r;

	if ((r = ck_label_selector_parse(ck_http_request_query(req, "labelSelector"), &opts->labels,
					 &err)) < 0) {
		r = bad_request(ret_status, "%s", err ? err : "invalid label selector");
		goto out;
	}
	if ((r = ck_field_selector_parse(ck_http_request_query(req, "fieldSelector"), &opts->fields,
					 &err)) < 0) {
		r = bad_request(ret_status, "%s", err ? err : "invalid field selector");
		goto out;
	}
	for (size_t i = 0; i < ck_field_selector_count(opts->fields); i++) {
		const struct ck_field_requirement *fr =
		    ck_field_selector_requirement(opts->fields, i);
		if (!field_supported(res, fr->field)) {
			r = bad_request(ret_status, "field label not supported: %s", fr->field);
			goto out;
		}
	}
	if ((r = parse_int("limit", ck_http_request_query(req, "limit"), &opts->limit,
			   ret_status)) < 0 ||
	    (r = parse_int("timeoutSeconds", ck_http_request_query(req, "timeoutSeconds"),
			   &opts->timeout_seconds, ret_status)) < 0)
		goto out;
	if (opts->limit < 0)
		opts->limit = 0;
	const char *cont = ck_http_request_query(req, "continue");
	if (cont && *cont)
		opts->continue_token = ck_strdup(cont);
	const char *rv = ck_http_request_query(req, "resourceVersion");
	if (rv && *rv)
		opts->resource_version = ck_strdup(rv);
	opts->allow_bookmarks = query_bool(req, "allowWatchBookmarks");

	/* Upstream's ValidateListOptions, answered as ListOptions Invalid. */
	struct ck_field_errors errs;
	ck_field_errors_init(&errs);
	const char *match = ck_http_request_query(req, "resourceVersionMatch");
	if (match && *match) {
		if (watch) {
			ck_field_errors_add_forbidden(
			    &errs, "resourceVersionMatch",
			    "resourceVersionMatch is forbidden for watch");
		} else {
			if (!opts->resource_version)
				ck_field_errors_add_forbidden(
				    &errs, "resourceVersionMatch",
				    "resourceVersionMatch is forbidden unless resourceVersion "
				    "is provided");
			if (opts->continue_token)
				ck_field_errors_add_forbidden(
				    &errs, "resourceVersionMatch",
				    "resourceVersionMatch is forbidden when continue is "
				    "provided");
			if (ck_streq(match, "Exact")) {
				opts->rv_match = CK_RV_MATCH_EXACT;
			} else if (ck_streq(match, "NotOlderThan")) {
				opts->rv_match = CK_RV_MATCH_NOT_OLDER_THAN;
			} else {
				static const char *const valid[] = { "Exact", "NotOlderThan", "" };
				json_object *v = json_object_new_string(match);
				ck_field_errors_add_not_supported(&errs, "resourceVersionMatch", v,
								  valid, 3);
				json_object_put(v);
			}
			if (opts->rv_match == CK_RV_MATCH_EXACT &&
			    ck_streq(opts->resource_version, "0"))
				ck_field_errors_add_forbidden(
				    &errs, "resourceVersionMatch",
				    "resourceVersionMatch \"exact\" is "
				    "forbidden for resourceVersion \"0\"");
		}
	}
	if (query_bool(req, "sendInitialEvents"))
		ck_field_errors_add_forbidden(&errs, "sendInitialEvents",
					      watch ? "sendInitialEvents is forbidden for watch"
						    : "sendInitialEvents is forbidden for list");
	if (errs.len) {
		*ret_status = ck_status_new_invalid("meta.k8s.io", "ListOptions", "", &errs);
		r = -EINVAL;
	}
	ck_field_errors_release(&errs);
	if (r < 0)
		goto out;

	if (opts->continue_token && opts->resource_version &&
	    !ck_streq(opts->resource_version, "0")) {
		r = bad_request(ret_status, "%s",
				"specifying resource version is not allowed when using continue");
		goto out;
	}
out:
	free(err);
	return r;
}

void ck_list_options_release(struct ck_list_options *opts)
{
	if (!opts)
		return;
	ck_label_selector_free(opts->labels);
	ck_field_selector_free(opts->fields);
	free(opts->continue_token);
	free(opts->resource_version);
	memset(opts, 0, sizeof(*opts));
}

struct lookup_ctx {
	json_object *obj;
	const struct ck_resource *res;
	char buf[1024];
};

static const char *lookup(void *ctx, const char *field)
{
	struct lookup_ctx *c = ctx;
	const char *text = c->res && c->res->field_text
			       ? c->res->field_text(c->obj, field, c->buf, sizeof(c->buf))
			       : NULL;
	return text ? text : ck_obj_field_text(c->obj, field, c->buf, sizeof(c->buf));
}

bool ck_list_options_match(const struct ck_list_options *opts, const struct ck_resource *res,
			   json_object *obj)
{
	if (!ck_label_selector_matches(opts->labels, ck_obj_labels(obj)))
		return false;
	if (ck_field_selector_empty(opts->fields))
		return true;
	struct lookup_ctx ctx = { .obj = obj, .res = res };
	return ck_field_selector_matches(opts->fields, lookup, &ctx);
}

int ck_dry_run_parse(const struct ck_http_request *req, bool *ret_dry_run, json_object **ret_status)
{
	const char *v = ck_http_request_query(req, "dryRun");
	if (!v || !*v) {
		*ret_dry_run = false;
		return 0;
	}
	if (ck_streq(v, "All")) {
		*ret_dry_run = true;
		return 0;
	}
	char msg[512];
	snprintf(msg, sizeof(msg), "Invalid dryRun parameter: unsupported dryRun value \"%s\"", v);
	*ret_status = ck_status_new_bad_request(msg);
	return -EINVAL;
}
