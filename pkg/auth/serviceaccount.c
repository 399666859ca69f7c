#include "auth/serviceaccount.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "auth/jwt.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/base64url.h"
#include "util/common.h"
#include "util/str.h"
#include "util/time.h"
#include "util/uuid.h"

/* Upstream's jwt.DefaultLeeway. */
#define LEEWAY_SECONDS 60

#define LEGACY_NS "kubernetes.io/serviceaccount/namespace"
#define LEGACY_SECRET "kubernetes.io/serviceaccount/secret.name"
#define LEGACY_SA_NAME "kubernetes.io/serviceaccount/service-account.name"
#define LEGACY_SA_UID "kubernetes.io/serviceaccount/service-account.uid"

/* ---- issuing ---- */

static json_object *ref(const char *name, const char *uid)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name ? name : ""));
	json_object_object_add(o, "uid", json_object_new_string(uid ? uid : ""));
	return o;
}

json_object *ck_sa_token_claims(const char *issuer, const struct ck_sa_token_spec *spec)
{
	/* Keys in the order Go's encoder sorts them. */
	json_object *c = json_object_new_object();
	json_object *aud = json_object_new_array();
	for (size_t i = 0; spec->audiences && spec->audiences[i]; i++)
		json_object_array_add(aud, json_object_new_string(spec->audiences[i]));
	json_object_object_add(c, "aud", aud);
	json_object_object_add(c, "exp",
			       json_object_new_int64(spec->now + spec->expiration_seconds));
	json_object_object_add(c, "iat", json_object_new_int64(spec->now));
	json_object_object_add(c, "iss", json_object_new_string(issuer));
	char jti[CK_UUID_BUF];
	ck_uuid_v4(jti);
	json_object_object_add(c, "jti", json_object_new_string(jti));
	json_object *k = json_object_new_object();
	json_object_object_add(k, "namespace", json_object_new_string(spec->namespace));
	if (ck_streq(spec->bound_kind, "Pod"))
		json_object_object_add(k, "pod", ref(spec->bound_name, spec->bound_uid));
	if (ck_streq(spec->bound_kind, "Secret"))
		json_object_object_add(k, "secret", ref(spec->bound_name, spec->bound_uid));
	json_object_object_add(k, "serviceaccount", ref(spec->name, spec->uid));
	json_object_object_add(c, "kubernetes.io", k);
	json_object_object_add(c, "nbf", json_object_new_int64(spec->now));
	struct ck_buf sub = CK_BUF_INIT;
	ck_buf_addf(&sub, CK_SA_USER_PREFIX "%s:%s", spec->namespace, spec->name);
	json_object_object_add(c, "sub", json_object_new_string(ck_buf_str(&sub)));
	ck_buf_release(&sub);
	return c;
}

int ck_sa_token_issue(const struct ck_jwt_signer *signer, const char *issuer,
		      const struct ck_sa_token_spec *spec, char **ret_token)
{
	json_object *claims = ck_sa_token_claims(issuer, spec);
	int r = ck_jwt_sign(signer, claims, ret_token);
	json_object_put(claims);
	return r;
}

/* ---- authenticating ---- */

static int reject(char **ret_err, const char *fmt, ...) CK_PRINTF(2, 3);
static int reject(char **ret_err, const char *fmt, ...)
{
	if (ret_err) {
		struct ck_buf b = CK_BUF_INIT;
		va_list ap;
		va_start(ap, fmt);
		ck_buf_vaddf(&b, fmt, ap);
		va_end(ap);
		*ret_err = ck_buf_detach(&b, NULL);
	}
	return -EACCES;
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (ck_streq(list[i], s))
			return true;
	return false;
}

/* Go's %q of a []string: ["a" "b"]. */
static void add_quoted_list(struct ck_buf *b, const char *const *list)
{
	ck_buf_addc(b, '[');
	for (size_t i = 0; list && list[i]; i++)
		ck_buf_addf(b, "%s\"%s\"", i ? " " : "", list[i]);
	ck_buf_addc(b, ']');
}

/* The issuer claim of an unverified token, or NULL (owned). */
static char *peek_issuer(const char *token)
{
	const char *d1 = strchr(token, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d2 || strchr(d2 + 1, '.'))
		return NULL;
	char *part = ck_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
	size_t n;
	char *payload = strpbrk(part, "\r\n=") ? NULL : ck_base64url_decode(part, &n);
	free(part);
	if (!payload)
		return NULL;
	json_object *o = json_tokener_parse(payload);
	free(payload);
	const char *iss =
	    o && json_object_is_type(o, json_type_object) ? ck_jwt_claim_str(o, "iss") : NULL;
	char *out = iss ? ck_strdup(iss) : NULL;
	json_object_put(o);
	return out;
}

/* Checks exp, nbf and iat at now with the leeway (go-jose's Validate). */
static int check_times(json_object *claims, int64_t now, char **ret_err)
{
	int64_t t;
	int r;
	if ((r = ck_jwt_claim_time(claims, "nbf", &t)) == -EINVAL ||
	    ck_jwt_claim_time(claims, "exp", &t) == -EINVAL ||
	    ck_jwt_claim_time(claims, "iat", &t) == -EINVAL)
		return reject(ret_err, "json: cannot unmarshal the token's times");
	if (ck_jwt_claim_time(claims, "nbf", &t) == 0 && now + LEEWAY_SECONDS < t)
		return reject(ret_err, "service account token is not valid yet");
	if (ck_jwt_claim_time(claims, "exp", &t) == 0 && now - LEEWAY_SECONDS > t)
		return reject(ret_err, "service account token has expired");
	if (ck_jwt_claim_time(claims, "iat", &t) == 0 && now + LEEWAY_SECONDS < t)
		return reject(ret_err, "service account token is issued in the future");
	return 0;
}

/* A string member of a sub-object ({"name":…}), or "". */
static const char *member(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* Checks that resource ns/name exists with uid (when uid is not NULL). */
static int check_object(const struct ck_sa_authenticator *a, const char *resource, const char *ns,
			const char *name, const char *uid, const char *what, int64_t now,
			json_object **ret_obj, char **ret_err)
{
	json_object *obj = NULL;
	int r = a->get(a->get_ctx, resource, ns, name, &obj);
	if (r == -ENOENT)
		return reject(ret_err, "%s \"%s\" not found", resource, name);
	if (r < 0)
		return reject(ret_err, "unable to look up %s %s/%s: %s", what, ns, name,
			      strerror(-r));
	const char *del = ck_obj_path_str(obj, "metadata.deletionTimestamp");
	int64_t del_ns;
	if (del && ck_time_parse(del, &del_ns) == 0 && del_ns / 1000000000 < now - LEEWAY_SECONDS) {
		json_object_put(obj);
		return reject(ret_err, "%s %s/%s has been deleted", what, ns, name);
	}
	const char *have = ck_obj_uid(obj);
	if (uid && !ck_streq(have ? have : "", uid)) {
		r = reject(ret_err, "%s UID (%s) does not match claim (%s)", what, have ? have : "",
			   uid);
		json_object_put(obj);
		return r;
	}
	if (ret_obj)
		*ret_obj = obj;
	else
		json_object_put(obj);
	return 0;
}

static void fill_user(struct ck_user_info *u, const char *ns, const char *name, const char *uid)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, CK_SA_USER_PREFIX "%s:%s", ns, name);
	ck_user_init(u, ck_buf_str(&b), uid);
	ck_buf_reset(&b);
	ck_buf_addf(&b, CK_SA_GROUP_PREFIX "%s", ns);
	ck_user_add_group(u, CK_GROUP_SERVICE_ACCOUNTS);
	ck_user_add_group(u, ck_buf_str(&b));
	ck_buf_release(&b);
}

static int validate_bound(const struct ck_sa_authenticator *a, json_object *claims, int64_t now,
			  struct ck_user_info *ret_user, char **ret_err)
{
	int r = check_times(claims, now, ret_err);
	if (r < 0)
		return r;
	json_object *k = NULL;
	json_object_object_get_ex(claims, "kubernetes.io", &k);
	if (k && !json_object_is_type(k, json_type_object))
		return reject(ret_err, "json: cannot unmarshal the kubernetes.io claim");
	const char *ns = member(k, "namespace");
	json_object *sa = NULL, *pod = NULL, *secret = NULL;
	if (k) {
		json_object_object_get_ex(k, "serviceaccount", &sa);
		json_object_object_get_ex(k, "pod", &pod);
		json_object_object_get_ex(k, "secret", &secret);
	}
	const char *sa_name = member(sa, "name"), *sa_uid = member(sa, "uid");
	if (!*ns || !*sa_name)
		return reject(ret_err, "service account token has no service account");
	if (a->lookup) {
		if ((r = check_object(a, "serviceaccounts", ns, sa_name, sa_uid, "service account",
				      now, NULL, ret_err)) < 0)
			return r;
		if (secret &&
		    (r = check_object(a, "secrets", ns, member(secret, "name"),
				      member(secret, "uid"), "secret", now, NULL, ret_err)) < 0)
			return r;
		if (pod && (r = check_object(a, "pods", ns, member(pod, "name"), member(pod, "uid"),
					     "pod", now, NULL, ret_err)) < 0)
			return r;
	}
	fill_user(ret_user, ns, sa_name, sa_uid);
	if (pod && *member(pod, "name") && *member(pod, "uid")) {
		ck_user_add_extra(ret_user, CK_SA_EXTRA_POD_NAME, member(pod, "name"));
		ck_user_add_extra(ret_user, CK_SA_EXTRA_POD_UID, member(pod, "uid"));
	}
	const char *jti = ck_jwt_claim_str(claims, "jti");
	if (jti && *jti) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "JTI=%s", jti);
		ck_user_add_extra(ret_user, CK_SA_EXTRA_CREDENTIAL_ID, ck_buf_str(&b));
		ck_buf_release(&b);
	}
	return 0;
}

static int validate_legacy(const struct ck_sa_authenticator *a, const char *token,
			   json_object *claims, int64_t now, struct ck_user_info *ret_user,
			   char **ret_err)
{
	const char *sub = ck_jwt_claim_str(claims, "sub");
	const char *ns = ck_jwt_claim_str(claims, LEGACY_NS);
	const char *secret = ck_jwt_claim_str(claims, LEGACY_SECRET);
	const char *name = ck_jwt_claim_str(claims, LEGACY_SA_NAME);
	const char *uid = ck_jwt_claim_str(claims, LEGACY_SA_UID);
	if (!sub || !*sub)
		return reject(ret_err, "sub claim is missing");
	if (!ns || !*ns)
		return reject(ret_err, "namespace claim is missing");
	if (!secret || !*secret)
		return reject(ret_err, "secretName claim is missing");
	if (!name || !*name)
		return reject(ret_err, "serviceAccountName claim is missing");
	if (!uid || !*uid)
		return reject(ret_err, "serviceAccountUID claim is missing");
	char *sub_ns = NULL, *sub_name = NULL;
	bool ok = ck_user_split_sa_name(sub, &sub_ns, &sub_name) == 0 && ck_streq(sub_ns, ns) &&
		  ck_streq(sub_name, name);
	free(sub_ns);
	free(sub_name);
	if (!ok)
		return reject(ret_err, "sub claim is invalid");
	if (a->lookup) {
		json_object *sec = NULL;
		if (check_object(a, "secrets", ns, secret, NULL, "secret", now, &sec, NULL) < 0)
			return reject(ret_err, "Token has been invalidated");
		const char *data = ck_obj_path_str(sec, "data.token");
		size_t n = 0;
		char *stored = data ? ck_base64_decode(data, &n) : NULL;
		bool same = stored && n == strlen(token) && memcmp(stored, token, n) == 0;
		free(stored);
		json_object_put(sec);
		if (!same)
			return reject(ret_err, "Token does not match server's copy");
		int r = check_object(a, "serviceaccounts", ns, name, uid, "ServiceAccount", now,
				     NULL, ret_err);
		if (r < 0)
			return r;
	}
	fill_user(ret_user, ns, name, uid);
	return 0;
}

/* Whether the token's audiences meet the API audiences (upstream's Intersect). */
static int check_audiences(const struct ck_sa_authenticator *a, json_object *claims, char **ret_err)
{
	const char *const *api = a->api_audiences ? a->api_audiences : a->issuers;
	char **auds = NULL;
	if (ck_jwt_claim_audiences(claims, &auds) < 0)
		return reject(ret_err, "json: cannot unmarshal the aud claim");
	const char *const *tok = auds[0] ? (const char *const *)auds : api;
	bool meet = false;
	for (size_t i = 0; tok && tok[i]; i++)
		meet |= in_list(api, tok[i]);
	int r = 0;
	if (!meet && api && api[0]) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_adds(&b, "token audiences ");
		add_quoted_list(&b, tok);
		ck_buf_adds(&b, " is invalid for the target audiences ");
		add_quoted_list(&b, api);
		r = reject(ret_err, "%s", ck_buf_str(&b));
		ck_buf_release(&b);
	}
	ck_strv_free(auds);
	return r;
}

int ck_sa_authenticate(const struct ck_sa_authenticator *a, const char *token, int64_t now,
		       struct ck_user_info *ret_user, char **ret_err)
{
	char *iss = peek_issuer(token);
	bool legacy = a->legacy && ck_streq(iss, CK_SA_LEGACY_ISSUER);
	if (!iss || (!legacy && !in_list(a->issuers, iss))) {
		free(iss);
		return -ENOENT;
	}
	struct ck_jwt jwt;
	int r = ck_jwt_parse(token, strlen(token), &jwt, NULL);
	if (r < 0) {
		free(iss);
		return -ENOENT;
	}
	if (ck_jwt_verify(&jwt, a->keys) < 0) {
		r = reject(ret_err, "square/go-jose: error in cryptographic primitive");
		goto out;
	}
	/* The issuer again, now that it is signed. */
	if (!ck_streq(ck_jwt_claim_str(jwt.claims, "iss"), iss)) {
		r = reject(ret_err, "token issuer \"%s\" is invalid", iss);
		goto out;
	}
	if ((r = check_audiences(a, jwt.claims, ret_err)) < 0)
		goto out;
	if (legacy)
		r = validate_legacy(a, token, jwt.claims, now, ret_user, ret_err);
	else
		r = validate_bound(a, jwt.claims, now, ret_user, ret_err);
out:
	ck_jwt_release(&jwt);
	free(iss);
	return r;
}
