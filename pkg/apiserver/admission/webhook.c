#include "apiserver/admission/webhook.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/json_patch.h"
#include "apimachinery/labels.h"
#include "apimachinery/object.h"
#include "apimachinery/status.h"
#include "auth/user.h"
#include "registry/core/validation.h"
#include "registry/registry.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/uuid.h"

#define GROUP "admissionregistration.k8s.io"
/* A webhook's answer is an AdmissionReview; bounded as a request body is. */
#define MAX_RESPONSE (3 * 1024 * 1024)

/* ---- rules (upstream's rules.Matcher) ---- */

static bool list_has(json_object *arr, const char *v)
{
	for (size_t i = 0; i < ck_core_len(arr); i++) {
		const char *s = json_object_get_string(ck_core_at(arr, i));
		if (ck_streq(s, "*") || ck_streq(s, v))
			return true;
	}
	return false;
}

static bool resource_matches(json_object *resources, const char *res, const char *sub)
{
	for (size_t i = 0; i < ck_core_len(resources); i++) {
		const char *r = json_object_get_string(ck_core_at(resources, i));
		const char *slash = strchr(r, '/');
		size_t rlen = slash ? (size_t)(slash - r) : strlen(r);
		const char *rsub = slash ? slash + 1 : "";
		bool res_ok = (rlen == 1 && r[0] == '*') ||
			      (rlen == strlen(res) && strncmp(r, res, rlen) == 0);
		bool sub_ok = ck_streq(rsub, "*") || ck_streq(rsub, sub);
		if (res_ok && sub_ok)
			return true;
	}
	return false;
}

bool ck_webhook_rule_matches(json_object *rule, const struct ck_admission_attrs *a)
{
	const char *scope = ck_core_str(rule, "scope");
	const char *ns = a->namespace ? a->namespace : "";
	if (ck_streq(scope, "Cluster") && *ns)
		return false;
	if (ck_streq(scope, "Namespaced") && !*ns)
		return false;
	return list_has(ck_core_arr(rule, "operations"), ck_admission_op_name(a->op)) &&
	       list_has(ck_core_arr(rule, "apiGroups"), a->res->group) &&
	       list_has(ck_core_arr(rule, "apiVersions"), a->res->version) &&
	       resource_matches(ck_core_arr(rule, "resources"), a->res->resource,
				a->subresource ? a->subresource : "");
}

/* ---- selectors ---- */

/* Whether sel (a LabelSelector; NULL = everything) matches labels. */
static bool selector_matches(json_object *sel, json_object *labels)
{
	if (!sel)
		return true;
	struct ck_label_selector *s = NULL;
	char *err = NULL;
	bool ok = false;
	if (ck_label_selector_from_json(sel, &s, &err) == 0)
		ok = ck_label_selector_matches(s, labels);
	free(err);
	ck_label_selector_free(s);
	return ok;
}

/* upstream's namespace matcher: cluster-scoped requests always match but a
 * namespace's own; a namespaced one matches its namespace's labels. */
static bool namespace_matches(const struct ck_admission_source *src, json_object *hook,
			      const struct ck_admission_attrs *a)
{
	json_object *sel = ck_core_get(hook, "namespaceSelector");
	if (!*a->res->group && ck_streq(a->res->resource, "namespaces")) {
		json_object *o = a->obj ? a->obj : a->old;
		return selector_matches(sel, o ? ck_obj_labels(o) : NULL);
	}
	if (!a->res->namespaced || !a->namespace || !*a->namespace)
		return true;
	if (!sel || !json_object_object_length(sel))
		return true;
	json_object *ns = NULL;
	if (src->get(src->ctx, "", "namespaces", "", a->namespace, &ns) < 0)
		return false;
	bool ok = selector_matches(sel, ck_obj_labels(ns));
	json_object_put(ns);
	return ok;
}

static bool object_matches(json_object *hook, const struct ck_admission_attrs *a)
{
	json_object *sel = ck_core_get(hook, "objectSelector");
	if (!sel || !json_object_object_length(sel))
		return true;
	return (a->obj && selector_matches(sel, ck_obj_labels(a->obj))) ||
	       (a->old && selector_matches(sel, ck_obj_labels(a->old)));
}

static bool hook_matches(const struct ck_admission_source *src, json_object *hook,
			 const struct ck_admission_attrs *a)
{
	json_object *rules = ck_core_arr(hook, "rules");
	bool any = false;
	for (size_t i = 0; i < ck_core_len(rules) && !any; i++)
		any = ck_webhook_rule_matches(ck_core_at(rules, i), a);
	return any && namespace_matches(src, hook, a) && object_matches(hook, a);
}

/* ---- the AdmissionReview ---- */

static json_object *gvk(const char *group, const char *version, const char *key, const char *v)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "group", json_object_new_string(group));
	json_object_object_add(o, "version", json_object_new_string(version));
	json_object_object_add(o, key, json_object_new_string(v));
	return o;
}

static const char *options_kind(enum ck_admission_op op)
{
	switch (op) {
	case CK_ADMISSION_CREATE:
		return "CreateOptions";
	case CK_ADMISSION_UPDATE:
		return "UpdateOptions";
	case CK_ADMISSION_DELETE:
		return "DeleteOptions";
	default:
		return NULL;
	}
}

static json_object *review(const struct ck_admission_attrs *a, const char *uid)
{
	const struct ck_resource *res = a->res;
	const char *sub = a->subresource ? a->subresource : "";
	const struct ck_subresource *s = *sub ? ck_registry_subresource(res, sub) : NULL;
	const char *kind = s && s->kind_name ? s->kind_name : res->kind;
	const char *kgroup = s && s->kind_name ? s->group : res->group;
	const char *kversion = s && s->kind_name ? s->version : res->version;
	json_object *req = json_object_new_object();
	json_object_object_add(req, "uid", json_object_new_string(uid));
	json_object_object_add(req, "kind",
			       gvk(kgroup ? kgroup : "", kversion ? kversion : "", "kind", kind));
	json_object_object_add(req, "resource",
			       gvk(res->group, res->version, "resource", res->resource));
	if (*sub)
		json_object_object_add(req, "subResource", json_object_new_string(sub));
	json_object_object_add(req, "requestKind",
			       gvk(kgroup ? kgroup : "", kversion ? kversion : "", "kind", kind));
	json_object_object_add(req, "requestResource",
			       gvk(res->group, res->version, "resource", res->resource));
	if (*sub)
		json_object_object_add(req, "requestSubResource", json_object_new_string(sub));
	const char *name = a->name && *a->name ? a->name : a->obj ? ck_obj_name(a->obj) : NULL;
	if (name && *name)
		json_object_object_add(req, "name", json_object_new_string(name));
	if (a->namespace && *a->namespace)
		json_object_object_add(req, "namespace", json_object_new_string(a->namespace));
	json_object_object_add(req, "operation",
			       json_object_new_string(ck_admission_op_name(a->op)));
	json_object_object_add(req, "userInfo",
			       a->user ? ck_user_to_json(a->user) : json_object_new_object());
	json_object_object_add(req, "object", a->obj ? json_object_get(a->obj) : NULL);
	json_object_object_add(req, "oldObject", a->old ? json_object_get(a->old) : NULL);
	json_object_object_add(req, "dryRun", json_object_new_boolean(a->dry_run));
	const char *ok = options_kind(a->op);
	if (ok) {
		json_object *opts = json_object_new_object();
		json_object_object_add(opts, "kind", json_object_new_string(ok));
		json_object_object_add(opts, "apiVersion",
				       json_object_new_string("meta.k8s.io/v1"));
		json_object_object_add(req, "options", opts);
	}
	json_object *rev = json_object_new_object();
	json_object_object_add(rev, "kind", json_object_new_string("AdmissionReview"));
	json_object_object_add(rev, "apiVersion", json_object_new_string("admission.k8s.io/v1"));
	json_object_object_add(rev, "request", req);
	return rev;
}

/* ---- the call ---- */

static size_t on_body(char *ptr, size_t size, size_t n, void *data)
{
	struct ck_buf *b = data;
	if (b->len + size * n > MAX_RESPONSE)
		return 0;
	return ck_buf_add(b, ptr, size * n) == 0 ? size * n : 0;
}

/* One webhook call in flight: prepared, performed (alone or in a multi
 * handle with others), then finished. */
struct call {
	json_object *hook; /* borrowed */
	const char *name;  /* the webhook's, borrowed from hook */
	char uid[CK_UUID_BUF];
	json_object *rev; /* the AdmissionReview sent (owned: curl reads its text) */
	CURL *h;
	struct curl_slist *hdrs, *res_list;
	struct ck_buf url, out, err;
	int r;		     /* -EIO once the call failed (err says why) */
	json_object *status; /* refused before any call (dry run), owned */
};

/*
 * Prepares the POST of a's review to hook into c (c->h set), or sets
 * c->status (a dry run the webhook cannot take) or c->r = -EIO with c->err.
 */
static void call_prepare(const struct ck_admission_source *src, json_object *hook,
			 const struct ck_admission_attrs *a, struct call *c)
{
	*c = (struct call){ .hook = hook, .name = ck_core_str(hook, "name") };
	const char *effects = ck_core_str(hook, "sideEffects");
	if (a->dry_run && !ck_streq(effects, "None") && !ck_streq(effects, "NoneOnDryRun")) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "admission webhook \"%s\" does not support dry run", c->name);
		c->status = ck_status_new_bad_request(ck_buf_str(&b));
		ck_buf_release(&b);
		return;
	}
	ck_uuid_v4(c->uid);
	c->rev = review(a, c->uid);
	json_object *cc = ck_core_obj(hook, "clientConfig");
	json_object *svc = ck_core_obj(cc, "service");
	int64_t timeout = 10;
	ck_core_int(hook, "timeoutSeconds", &timeout);
	struct ck_buf resolve = CK_BUF_INIT;
	void *ca = NULL;
	size_t ca_len = 0;
	if (svc) {
		/* The Service's name, resolved to its ClusterIP (no cluster DNS here). */
		const char *name = ck_core_str(svc, "name"), *ns = ck_core_str(svc, "namespace");
		int64_t port = 443;
		ck_core_int(svc, "port", &port);
		ck_buf_addf(&c->url, "https://%s.%s.svc:%lld%s", name, ns, (long long)port,
			    ck_core_str(svc, "path"));
		json_object *so = NULL;
		if (src->get(src->ctx, "", "services", ns, name, &so) == 0) {
			const char *ip = ck_obj_path_str(so, "spec.clusterIP");
			if (ip && *ip && !ck_streq(ip, "None"))
				ck_buf_addf(&resolve, "%s.%s.svc:%lld:%s", name, ns,
					    (long long)port, ip);
			json_object_put(so);
		}
		if (!resolve.len) {
			ck_buf_addf(&c->err, "failed to call webhook: service \"%s/%s\" not found",
				    ns, name);
			c->r = -EIO;
			goto out;
		}
	} else {
		ck_buf_adds(&c->url, ck_core_str(cc, "url"));
	}
	ck_buf_addf(&c->url, "%stimeout=%llds", strchr(ck_buf_str(&c->url), '?') ? "&" : "?",
		    (long long)timeout);
	const char *bundle = ck_core_str(cc, "caBundle");
	if (*bundle && !(ca = ck_base64_decode(bundle, &ca_len))) {
		ck_buf_adds(&c->err, "failed to call webhook: the caBundle is not valid base64");
		c->r = -EIO;
		goto out;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		ck_buf_adds(&c->err, "failed to call webhook: out of memory");
		c->r = -EIO;
		goto out;
	}
	const char *body = json_object_to_json_string_ext(c->rev, JSON_C_TO_STRING_PLAIN);
	c->hdrs = curl_slist_append(c->hdrs, "Content-Type: application/json");
	c->hdrs = curl_slist_append(c->hdrs, "Accept: application/json, */*");
	curl_easy_setopt(h, CURLOPT_URL, ck_buf_str(&c->url));
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->hdrs);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->out);
	curl_easy_setopt(h, CURLOPT_PRIVATE, c);
	if (resolve.len) {
		c->res_list = curl_slist_append(NULL, ck_buf_str(&resolve));
		curl_easy_setopt(h, CURLOPT_RESOLVE, c->res_list);
	}
	if (ca) {
		struct curl_blob blob = { .data = ca, .len = ca_len, .flags = CURL_BLOB_COPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	c->h = h;
out:
	free(ca);
	ck_buf_release(&resolve);
}

/*
 * After c's transfer ended with cr: 0 with *ret (owned, the parsed answer),
 * or -EIO with c->err saying why, in upstream's words.
 */
static int call_finish(struct call *c, CURLcode cr, json_object **ret)
{
	long code = 0;
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
	if (cr != CURLE_OK) {
		ck_buf_addf(&c->err, "failed to call webhook: Post \"%s\": %s", ck_buf_str(&c->url),
			    curl_easy_strerror(cr));
		return c->r = -EIO;
	}
	if (code < 200 || code > 299) {
		ck_buf_addf(&c->err,
			    "failed to call webhook: the server responded with the status code "
			    "%ld but did not return more information",
			    code);
		return c->r = -EIO;
	}
	json_object *ans = json_tokener_parse(ck_buf_str(&c->out));
	if (!ans || !json_object_is_type(ans, json_type_object)) {
		json_object_put(ans);
		ck_buf_adds(&c->err, "received invalid webhook response: the body is not JSON");
		return c->r = -EIO;
	}
	*ret = ans;
	return 0;
}

static void call_release(struct call *c)
{
	if (c->h)
		curl_easy_cleanup(c->h);
	curl_slist_free_all(c->hdrs);
	curl_slist_free_all(c->res_list);
	json_object_put(c->rev);
	json_object_put(c->status);
	ck_buf_release(&c->url);
	ck_buf_release(&c->out);
	ck_buf_release(&c->err);
}

/* upstream's webhookerrors.ToStatusErr */
static json_object *denied(const char *hook, json_object *result)
{
	json_object *st = json_object_new_object();
	json_object_object_add(st, "kind", json_object_new_string("Status"));
	json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(st, "metadata", json_object_new_object());
	json_object_object_add(st, "status", json_object_new_string("Failure"));
	const char *msg = ck_core_str(result, "message"), *reason = ck_core_str(result, "reason");
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "admission webhook \"%s\" denied the request", hook);
	if (*msg)
		ck_buf_addf(&b, ": %s", msg);
	else if (*reason)
		ck_buf_addf(&b, ": %s", reason);
	else
		ck_buf_adds(&b, " without explanation");
	json_object_object_add(st, "message", json_object_new_string(ck_buf_str(&b)));
	ck_buf_release(&b);
	if (*reason)
		json_object_object_add(st, "reason", json_object_new_string(reason));
	json_object *details = ck_core_obj(result, "details");
	if (details)
		json_object_object_add(st, "details", ck_obj_copy(details));
	int64_t code = 0;
	ck_core_int(result, "code", &code);
	json_object_object_add(st, "code", json_object_new_int64(code < 400 ? 400 : code));
	return st;
}

static json_object *call_failed(const char *hook, const char *why)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "failed calling webhook \"%s\": %s", hook, why);
	json_object *st = ck_status_new_internal_error(ck_buf_str(&b));
	ck_buf_release(&b);
	return st;
}

/* Replaces obj's members by patched's (obj is the caller's object). */
static void replace_members(json_object *obj, json_object *patched)
{
	struct ck_buf keys = CK_BUF_INIT;
	size_t n = 0;
	json_object_object_foreach (obj, k, v) {
		(void)v;
		ck_buf_add(&keys, k, strlen(k) + 1);
		n++;
	}
	const char *p = keys.data;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		json_object_object_del(obj, p);
	ck_buf_release(&keys);
	json_object_object_foreach (patched, k2, v2)
		json_object_object_add(obj, k2, json_object_get(v2));
}

/* Applies a mutating webhook's JSON patch to a->obj. NULL or a Status. */
static json_object *apply_patch(const char *hook, json_object *resp, struct ck_admission_attrs *a)
{
	const char *b64 = ck_core_str(resp, "patch");
	if (!*b64)
		return NULL;
	const char *type = ck_core_str(resp, "patchType");
	if (!ck_streq(type, "JSONPatch"))
		return call_failed(hook, "received invalid webhook response: only patchType "
					 "\"JSONPatch\" is supported");
	size_t len = 0;
	char *raw = ck_base64_decode(b64, &len);
	json_object *patch = NULL, *patched = NULL, *st = NULL;
	char *err = NULL;
	if (raw) {
		char *text = ck_calloc(len + 1, 1);
		memcpy(text, raw, len);
		patch = json_tokener_parse(text);
		free(text);
	}
	if (!patch || !json_object_is_type(patch, json_type_array) || !a->obj) {
		st = call_failed(hook, "received invalid webhook response: the patch is not a "
				       "JSON patch");
	} else if (ck_json_patch_apply(a->obj, patch, NULL, &patched, &err) < 0 ||
		   !json_object_is_type(patched, json_type_object)) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "JSON patch failed: %s", err ? err : "not an object");
		st = call_failed(hook, ck_buf_str(&b));
		ck_buf_release(&b);
	} else {
		replace_members(a->obj, patched);
		a->mutated = true;
	}
	free(err);
	free(raw);
	json_object_put(patch);
	json_object_put(patched);
	return st;
}

/*
 * What a performed call (cr its transfer's result) means for a: its
 * warnings to the client, then allowed (0; a mutating webhook's patch
 * applied), or -EPERM with *ret_status. A call that failed is skipped
 * (failurePolicy Ignore) or a 500.
 */
static int call_result(struct call *c, CURLcode cr, bool mutating, struct ck_admission_attrs *a,
		       json_object **ret_status)
{
	if (c->status) {
		*ret_status = c->status;
		c->status = NULL;
		return -EPERM;
	}
	bool ignore = ck_streq(ck_core_str(c->hook, "failurePolicy"), "Ignore");
	json_object *ans = NULL;
	int r = c->r;
	if (r == 0)
		r = call_finish(c, cr, &ans);
	json_object *resp = ans ? ck_core_obj(ans, "response") : NULL;
	if (r == 0 && !resp) {
		ck_buf_adds(&c->err, "received invalid webhook response: the response is empty");
		r = -EIO;
	} else if (r == 0 && !ck_streq(ck_core_str(resp, "uid"), c->uid)) {
		ck_buf_addf(&c->err, "expected response.uid=\"%s\", got \"%s\"", c->uid,
			    ck_core_str(resp, "uid"));
		r = -EIO;
	}
	if (r < 0) {
		if (ignore) {
			ck_log_v(2, "failed calling webhook '%s' (failurePolicy Ignore): %s",
				 c->name, ck_buf_str(&c->err));
			r = 0;
		} else {
			*ret_status = call_failed(c->name, ck_buf_str(&c->err));
			r = -EPERM;
		}
		goto out;
	}
	/* upstream hands the client a webhook's warnings whatever it answers */
	json_object *warnings = ck_core_arr(resp, "warnings");
	for (size_t i = 0; a->warn && i < ck_core_len(warnings); i++) {
		const char *w = json_object_get_string(ck_core_at(warnings, i));
		if (w && *w)
			a->warn(a->warn_ctx, w);
	}
	if (!ck_core_bool(resp, "allowed")) {
		*ret_status = denied(c->name, ck_core_obj(resp, "status"));
		r = -EPERM;
		goto out;
	}
	if (mutating) {
		json_object *st = apply_patch(c->name, resp, a);
		if (st && !ignore) {
			*ret_status = st;
			r = -EPERM;
		} else {
			json_object_put(st);
		}
	}
out:
	json_object_put(ans);
	return r;
}

/* Calls one webhook and waits. 0, or -EPERM with *ret_status. */
static int run_hook(const struct ck_admission_source *src, json_object *hook, bool mutating,
		    struct ck_admission_attrs *a, json_object **ret_status)
{
	struct call c;
	call_prepare(src, hook, a, &c);
	CURLcode cr = c.h ? curl_easy_perform(c.h) : CURLE_OK;
	int r = call_result(&c, cr, mutating, a, ret_status);
	call_release(&c);
	return r;
}

/*
 * Calls the n validating webhooks at once (upstream calls them in
 * parallel) and waits for all; the first refusal in name order wins.
 */
static int run_parallel(const struct ck_admission_source *src, json_object **hooks, size_t n,
			struct ck_admission_attrs *a, json_object **ret_status)
{
	if (n == 1)
		return run_hook(src, hooks[0], false, a, ret_status);
	struct call *calls = ck_calloc(n, sizeof(*calls));
	CURLcode *done = ck_calloc(n, sizeof(*done));
	CURLM *m = curl_multi_init();
	for (size_t i = 0; i < n; i++) {
		call_prepare(src, hooks[i], a, &calls[i]);
		if (calls[i].h && (!m || curl_multi_add_handle(m, calls[i].h) != CURLM_OK))
			done[i] = curl_easy_perform(calls[i].h); /* no multi: one by one */
	}
	int running = 1;
	while (m && running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	CURLMsg *msg;
	int left;
	while (m && (msg = curl_multi_info_read(m, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		for (size_t i = 0; i < n; i++)
			if (calls[i].h == msg->easy_handle)
				done[i] = msg->data.result;
	}
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && calls[i].h)
			curl_multi_remove_handle(m, calls[i].h);
		json_object *st = NULL;
		if (call_result(&calls[i], done[i], false, a, &st) < 0 && r == 0) {
			*ret_status = st;
			r = -EPERM;
		} else {
			json_object_put(st);
		}
		call_release(&calls[i]);
	}
	if (m)
		curl_multi_cleanup(m);
	free(done);
	free(calls);
	return r;
}

/*
 * The mutating webhooks in order, then (upstream's reinvocationPolicy
 * IfNeeded) once more those IfNeeded webhooks that ran before a later
 * webhook changed the object.
 */
static int run_mutating(const struct ck_admission_source *src, json_object **hooks, size_t n,
			struct ck_admission_attrs *a, json_object **ret_status)
{
	bool *invoked = ck_calloc(n + 1, sizeof(bool)), *again = ck_calloc(n + 1, sizeof(bool));
	bool reinvoke = false;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!hook_matches(src, hooks[i], a))
			continue;
		json_object *before = a->obj ? ck_obj_copy(a->obj) : NULL;
		r = run_hook(src, hooks[i], true, a, ret_status);
		if (r == 0 && before && !json_object_equal(before, a->obj)) {
			for (size_t j = 0; j < i; j++) {
				again[j] |= invoked[j];
				reinvoke |= invoked[j];
				invoked[j] = false;
			}
		}
		json_object_put(before);
		invoked[i] = ck_streq(ck_core_str(hooks[i], "reinvocationPolicy"), "IfNeeded");
	}
	for (size_t i = 0; i < n && r == 0 && reinvoke; i++)
		if (again[i] && hook_matches(src, hooks[i], a))
			r = run_hook(src, hooks[i], true, a, ret_status);
	free(invoked);
	free(again);
	return r;
}

static int by_name(const void *x, const void *y)
{
	json_object *a = *(json_object *const *)x, *b = *(json_object *const *)y;
	return strcmp(ck_obj_name(a) ? ck_obj_name(a) : "", ck_obj_name(b) ? ck_obj_name(b) : "");
}

int ck_webhook_dispatch(const struct ck_admission_source *src, bool mutating,
			struct ck_admission_attrs *a, json_object **ret_status)
{
	/* Webhook configurations are never subject to webhooks (no lock-out). */
	if (ck_streq(a->res->group, GROUP))
		return 0;
	json_object *configs = NULL;
	if (src->list(src->ctx, GROUP,
		      mutating ? "mutatingwebhookconfigurations"
			       : "validatingwebhookconfigurations",
		      "", false, &configs) < 0)
		return 0;
	size_t n = json_object_array_length(configs);
	int r = 0;
	if (n) {
		json_object **sorted = ck_calloc(n, sizeof(*sorted));
		for (size_t i = 0; i < n; i++)
			sorted[i] = json_object_array_get_idx(configs, i);
		qsort(sorted, n, sizeof(*sorted), by_name);
		/* every webhook, in configuration name order then their own */
		size_t nh = 0, k = 0;
		for (size_t i = 0; i < n; i++)
			nh += ck_core_len(ck_core_arr(sorted[i], "webhooks"));
		json_object **hooks = ck_calloc(nh + 1, sizeof(*hooks));
		for (size_t i = 0; i < n; i++) {
			json_object *hs = ck_core_arr(sorted[i], "webhooks");
			for (size_t j = 0; j < ck_core_len(hs); j++) {
				json_object *hook = ck_core_at(hs, j);
				if (mutating || hook_matches(src, hook, a))
					hooks[k++] = hook;
			}
		}
		if (mutating)
			r = run_mutating(src, hooks, k, a, ret_status);
		else if (k)
			r = run_parallel(src, hooks, k, a, ret_status);
		free(hooks);
		free(sorted);
	}
	json_object_put(configs);
	return r;
}
