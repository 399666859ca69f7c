/*
 * A secured API server (cluster PKI, client certificates, tokens, RBAC)
 * against a real etcd: who may do what, what is refused and how, and the
 * real kubectl's `auth can-i` and `auth whoami`.
 */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "apimachinery/object.h"
#include "auth/jwt.h"
#include "auth/pki.h"
#include "auth/serviceaccount.h"
#include "kubeadm/kubeadm.h"
#include "util/buf.h"
#include "util/str.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static const char *base;
static char pki[512], tokens[512];

/* Who a request is from. */
struct cred {
	const char *cert, *key; /* client certificate files */
	const char *token;
	const char *headers[4]; /* extra "Name: value" lines */
};

static const struct cred anonymous = { 0 };
static struct cred admin, jane, wrong_ca;
static char admin_cert[600], admin_key[600], other_cert[600], other_key[600];

static size_t on_body(char *ptr, size_t size, size_t n, void *data)
{
	return ck_buf_add(data, ptr, size * n) == 0 ? size * n : 0;
}

/* One request; returns the code and the parsed answer (owned; NULL when not JSON). */
static json_object *call(const struct cred *c, const char *method, const char *path,
			 const char *body, long *ret_code)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	struct ck_buf url = CK_BUF_INIT, out = CK_BUF_INIT, line = CK_BUF_INIT;
	ck_buf_addf(&url, "%s%s", base, path);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (c->token) {
		ck_buf_addf(&line, "Authorization: Bearer %s", c->token);
		hdrs = curl_slist_append(hdrs, ck_buf_str(&line));
	}
	for (size_t i = 0; i < 4 && c->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, c->headers[i]);
	curl_easy_setopt(h, CURLOPT_URL, ck_buf_str(&url));
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	char ca[600];
	snprintf(ca, sizeof(ca), "%s/ca.crt", pki);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	if (c->cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	}
	if (body)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode cr = curl_easy_perform(h);
	ck_assert_msg(cr == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(cr));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, ret_code);
	json_object *obj = json_tokener_parse(ck_buf_str(&out));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	ck_buf_release(&url);
	ck_buf_release(&out);
	ck_buf_release(&line);
	return obj;
}

/* A request that must answer want; returns the answer (owned). */
static json_object *expect(const struct cred *c, const char *method, const char *path,
			   const char *body, long want)
{
	long code = 0;
	json_object *o = call(c, method, path, body, &code);
	ck_assert_msg(code == want, "%s %s: got %ld, want %ld: %s", method, path, code, want,
		      o ? json_object_to_json_string(o) : "(not JSON)");
	return o;
}

static void expect_put(const struct cred *c, const char *method, const char *path, const char *body,
		       long want)
{
	json_object_put(expect(c, method, path, body, want));
}

static const char *str(json_object *o, const char *path)
{
	const char *s = ck_obj_path_str(o, path);
	return s ? s : "";
}

static void setup(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	/* A static token file: jane (in group devs) and bob. */
	char *dir = ck_test_mkdtemp(NULL, "ck-auth-tokens");
	snprintf(tokens, sizeof(tokens), "%s/tokens.csv", dir);
	ck_assert_int_eq(
	    ck_pki_write_file(tokens, "jane-token,jane,uid-jane,\"devs\"\nbob-token,bob,uid-bob\n",
			      0600),
	    0);
	free(dir);
	char flag[600];
	snprintf(flag, sizeof(flag), "--token-auth-file=%s", tokens);
	const char *args[] = { flag, NULL };
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd),
					       .extra_args = args,
					       .secure = 1 };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	base = ck_test_apiserver_url(api);
	snprintf(pki, sizeof(pki), "%s/pki", ck_test_apiserver_dir(api));
	snprintf(admin_cert, sizeof(admin_cert), "%s/admin.crt", pki);
	snprintf(admin_key, sizeof(admin_key), "%s/admin.key", pki);
	admin = (struct cred){ .cert = admin_cert, .key = admin_key };
	jane = (struct cred){ .token = "jane-token" };
	/* A client certificate from another CA, with the same name. */
	char other[512];
	snprintf(other, sizeof(other), "%s/other-pki", ck_test_apiserver_dir(api));
	struct ck_kubeadm_certs_options co = { .cert_dir = other };
	ck_assert_int_eq(ck_kubeadm_certs(&co), 0);
	snprintf(other_cert, sizeof(other_cert), "%s/admin.crt", other);
	snprintf(other_key, sizeof(other_key), "%s/admin.key", other);
	wrong_ca = (struct cred){ .cert = other_cert, .key = other_key };
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	unlink(tokens);
	char *slash = strrchr(tokens, '/');
	if (slash) {
		*slash = '\0';
		rmdir(tokens);
	}
	api = NULL;
	etcd = NULL;
}

START_TEST(test_auth_anonymous)
{
	/* Public information for everyone. */
	static const char *const open_paths[] = { "/healthz", "/livez", "/readyz", "/version" };
	for (size_t i = 0; i < 4; i++) {
		long code;
		json_object_put(call(&anonymous, "GET", open_paths[i], NULL, &code));
		ck_assert_msg(code == 200, "%s: %ld", open_paths[i], code);
	}
	/* Resources and discovery are not. */
	json_object *st = expect(&anonymous, "GET", "/api/v1/namespaces", NULL, 403);
	ck_assert_str_eq(str(st, "reason"), "Forbidden");
	ck_assert_str_eq(str(st, "message"),
			 "namespaces is forbidden: User \"system:anonymous\" cannot list resource "
			 "\"namespaces\" in API group \"\" at the cluster scope");
	json_object_put(st);
	st = expect(&anonymous, "GET", "/api/v1/namespaces/default/configmaps/x", NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "configmaps \"x\" is forbidden: User \"system:anonymous\" cannot get "
			 "resource \"configmaps\" in API group \"\" in the namespace \"default\"");
	json_object_put(st);
	st = expect(&anonymous, "GET", "/apis", NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "forbidden: User \"system:anonymous\" cannot get path \"/apis\"");
	json_object_put(st);
	/* An authenticated user gets discovery. */
	expect_put(&jane, "GET", "/apis", NULL, 200);
}
END_TEST

START_TEST(test_auth_bad_credentials)
{
	/* A client certificate from another CA, a token nobody knows: 401. */
	json_object *st = expect(&wrong_ca, "GET", "/api/v1/namespaces", NULL, 401);
	ck_assert_str_eq(str(st, "reason"), "Unauthorized");
	ck_assert_str_eq(str(st, "message"), "Unauthorized");
	ck_assert_int_eq(json_object_get_int(ck_obj_path(st, "code")), 401);
	json_object_put(st);
	struct cred bad = { .token = "nope" };
	expect_put(&bad, "GET", "/healthz", NULL, 401);
	/* A JWT signed with a key the server does not trust. */
	char *key = NULL;
	ck_assert_int_eq(ck_pki_new_key(CK_PKI_KEY_RSA2048, &key), 0);
	struct ck_jwt_signer *signer = NULL;
	ck_assert_int_eq(ck_jwt_signer_new(key, &signer), 0);
	static const char *const auds[] = { CK_TEST_SA_ISSUER, NULL };
	struct ck_sa_token_spec spec = { .namespace = "default",
					 .name = "default",
					 .uid = "x",
					 .audiences = auds,
					 .expiration_seconds = 3600,
					 .now = time(NULL) };
	char *tok = NULL;
	ck_assert_int_eq(ck_sa_token_issue(signer, CK_TEST_SA_ISSUER, &spec, &tok), 0);
	struct cred forged = { .token = tok };
	expect_put(&forged, "GET", "/healthz", NULL, 401);
	free(tok);
	ck_jwt_signer_free(signer);
	free(key);
}
END_TEST

START_TEST(test_auth_masters)
{
	json_object *o = expect(&admin, "GET", "/api/v1/namespaces", NULL, 200);
	ck_assert_str_eq(str(o, "kind"), "NamespaceList");
	json_object_put(o);
	expect_put(&admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
		   "{\"metadata\":{\"name\":\"anything\"},\"rules\":[{\"verbs\":[\"*\"],"
		   "\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}",
		   201);
	expect_put(&admin, "DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/anything",
		   NULL, 200);
	/* The bootstrap policy is there. */
	o = expect(
	    &admin, "GET",
	    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:public-info-viewer",
	    NULL, 200);
	ck_assert_str_eq(str(o, "roleRef.name"), "system:public-info-viewer");
	json_object_put(o);
}
END_TEST

START_TEST(test_auth_role_grants_exactly)
{
	expect_put(&admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}", 201);
	expect_put(&admin, "POST", "/api/v1/namespaces/team/configmaps",
		   "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"b\"}}", 201);
	expect_put(&jane, "GET", "/api/v1/namespaces/team/configmaps", NULL, 403);
	expect_put(
	    &admin, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
	    "{\"metadata\":{\"name\":\"cm-reader\"},\"rules\":[{\"verbs\":[\"get\",\"list\"],"
	    "\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"]}]}",
	    201);
	json_object *rb = expect(&admin, "POST",
				 "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
				 "{\"metadata\":{\"name\":\"devs-read\"},\"roleRef\":{\"kind\":"
				 "\"Role\",\"name\":\"cm-reader\"},\"subjects\":[{\"kind\":"
				 "\"Group\",\"name\":\"devs\"}]}",
				 201);
	/* Defaults filled. */
	ck_assert_str_eq(str(rb, "roleRef.apiGroup"), "rbac.authorization.k8s.io");
	json_object_put(rb);
	/* The index follows the watch: poll briefly. */
	long code = 0;
	for (int i = 0; i < 100 && code != 200; i++) {
		json_object_put(
		    call(&jane, "GET", "/api/v1/namespaces/team/configmaps", NULL, &code));
		if (code != 200)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(code, 200);
	expect_put(&jane, "GET", "/api/v1/namespaces/team/configmaps/cm", NULL, 200);
	/* Nothing more: other verbs, kinds, namespaces. */
	json_object *st =
	    expect(&jane, "DELETE", "/api/v1/namespaces/team/configmaps/cm", NULL, 403);
	ck_assert_str_eq(str(st, "message"),
			 "configmaps \"cm\" is forbidden: User \"jane\" cannot delete resource "
			 "\"configmaps\" in API group \"\" in the namespace \"team\"");
	json_object_put(st);
	expect_put(&jane, "POST", "/api/v1/namespaces/team/configmaps",
		   "{\"metadata\":{\"name\":\"x\"}}", 403);
	expect_put(&jane, "GET", "/api/v1/namespaces/team/secrets", NULL, 403);
	expect_put(&jane, "GET", "/api/v1/namespaces/default/configmaps", NULL, 403);
	expect_put(&jane, "GET", "/api/v1/configmaps", NULL, 403);
	/* bob is not in devs. */
	struct cred bob = { .token = "bob-token" };
	expect_put(&bob, "GET", "/api/v1/namespaces/team/configmaps", NULL, 403);
	/* Removing the binding takes the permission away. */
	expect_put(&admin, "DELETE",
		   "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings/devs-read",
		   NULL, 200);
	for (int i = 0; i < 100 && code != 403; i++) {
		json_object_put(
		    call(&jane, "GET", "/api/v1/namespaces/team/configmaps", NULL, &code));
		if (code != 403)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(code, 403);
}
END_TEST

START_TEST(test_auth_escalation)
{
	expect_put(&admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"esc\"}}", 201);
	/* jane may manage roles and bindings in esc, and read configmaps there. */
	expect_put(&admin, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/roles",
		   "{\"metadata\":{\"name\":\"manager\"},\"rules\":[{\"verbs\":[\"create\","
		   "\"get\",\"list\",\"update\",\"delete\"],"
		   "\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\","
		   "\"rolebindings\"]},{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":"
		   "[\"configmaps\"]}]}",
		   201);
	expect_put(&admin, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/rolebindings",
		   "{\"metadata\":{\"name\":\"jane-manager\"},\"roleRef\":{\"kind\":\"Role\","
		   "\"name\":\"manager\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"jane\"}]}",
		   201);
	long code = 0;
	const char *ok_role = "{\"metadata\":{\"name\":\"reader\"},\"rules\":[{\"verbs\":[\"get\"],"
			      "\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"]}]}";
	for (int i = 0; i < 100 && code != 201; i++) {
		json_object_put(call(&jane, "POST",
				     "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/roles",
				     ok_role, &code));
		if (code != 201)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(code, 201);
	/* A role with more than she has: refused with upstream's message. */
	json_object *st =
	    expect(&jane, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/roles",
		   "{\"metadata\":{\"name\":\"greedy\"},\"rules\":[{\"verbs\":[\"get\","
		   "\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"secrets\"]}]}",
		   403);
	ck_assert_str_eq(
	    str(st, "message"),
	    "roles.rbac.authorization.k8s.io \"greedy\" is forbidden: user \"jane\" "
	    "(groups=[\"devs\" \"system:authenticated\"]) is attempting to grant RBAC "
	    "permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], "
	    "Verbs:[\"get\" \"list\"]}");
	json_object_put(st);
	/* Binding a role she does not hold (the cluster's admin role) is refused too. */
	st = expect(&jane, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/rolebindings",
		    "{\"metadata\":{\"name\":\"sneaky\"},\"roleRef\":{\"kind\":\"ClusterRole\","
		    "\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":"
		    "\"jane\"}]}",
		    403);
	ck_assert(strstr(str(st, "message"), "is attempting to grant RBAC permissions") != NULL);
	json_object_put(st);
	/* Binding what she holds is fine (once the index has seen the new role). */
	code = 0;
	for (int i = 0; i < 100 && code != 201; i++) {
		json_object_put(call(
		    &jane, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/esc/rolebindings",
		    "{\"metadata\":{\"name\":\"bob-reader\"},\"roleRef\":{\"kind\":"
		    "\"Role\",\"name\":\"reader\"},\"subjects\":[{\"kind\":\"User\","
		    "\"name\":\"bob\"}]}",
		    &code));
		if (code != 201)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(code, 201);
}
END_TEST

START_TEST(test_auth_service_account_tokens)
{
	expect_put(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts",
		   "{\"metadata\":{\"name\":\"robot\"}}", 201);
	json_object *sa =
	    expect(&admin, "GET", "/api/v1/namespaces/default/serviceaccounts/robot", NULL, 200);
	char *uid = ck_strdup(ck_obj_uid(sa));
	json_object_put(sa);
	json_object *tr =
	    expect(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts/robot/token",
		   "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":"
		   "\"TokenRequest\",\"spec\":{}}",
		   201);
	ck_assert_str_eq(str(tr, "kind"), "TokenRequest");
	ck_assert_int_eq(json_object_get_int64(ck_obj_path(tr, "spec.expirationSeconds")), 3600);
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(ck_obj_path(tr, "spec.audiences"), 0)),
	    CK_TEST_SA_ISSUER);
	char *token = ck_strdup(str(tr, "status.token"));
	ck_assert_int_gt(strlen(token), 100);
	json_object_put(tr);
	/* The token names the service account. */
	struct cred robot = { .token = token };
	json_object *ssr =
	    expect(&robot, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
		   "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":"
		   "\"SelfSubjectReview\"}",
		   201);
	ck_assert_str_eq(str(ssr, "status.userInfo.username"),
			 "system:serviceaccount:default:robot");
	ck_assert_str_eq(str(ssr, "status.userInfo.uid"), uid);
	json_object_put(ssr);
	/* It may not read secrets; TokenReview says who it is. */
	expect_put(&robot, "GET", "/api/v1/namespaces/default/secrets", NULL, 403);
	struct ck_buf body = CK_BUF_INIT;
	ck_buf_addf(&body,
		    "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
		    "\"spec\":{\"token\":\"%s\"}}",
		    token);
	json_object *rev = expect(&admin, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
				  ck_buf_str(&body), 201);
	ck_assert(json_object_get_boolean(ck_obj_path(rev, "status.authenticated")));
	ck_assert_str_eq(str(rev, "status.user.username"), "system:serviceaccount:default:robot");
	json_object_put(rev);
	/* Too short a lifetime is invalid; an unknown account is not found. */
	json_object *st =
	    expect(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts/robot/token",
		   "{\"spec\":{\"expirationSeconds\":100}}", 422);
	ck_assert_str_eq(
	    str(st, "message"),
	    "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: "
	    "Invalid value: 100: may not specify a duration less than 10 minutes");
	json_object_put(st);
	st = expect(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", "{}",
		    404);
	ck_assert_str_eq(str(st, "message"), "serviceaccounts \"nobody\" not found");
	json_object_put(st);
	/* A token bound to a pod names it, and dies with it. */
	json_object *pod =
	    expect(&admin, "POST", "/api/v1/namespaces/default/pods",
		   "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"serviceAccountName\":"
		   "\"robot\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}",
		   201);
	ck_buf_reset(&body);
	ck_buf_addf(&body,
		    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
		    "\"name\":\"p\",\"uid\":\"%s\"}}}",
		    ck_obj_uid(pod));
	json_object_put(pod);
	tr = expect(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts/robot/token",
		    ck_buf_str(&body), 201);
	char *pod_token = ck_strdup(str(tr, "status.token"));
	json_object_put(tr);
	struct cred podcred = { .token = pod_token };
	ssr = expect(&podcred, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}",
		     201);
	json_object *pn = ck_obj_path(ssr, "status.userInfo.extra");
	ck_assert(pn && strstr(json_object_to_json_string(pn), "\"p\"") != NULL);
	json_object_put(ssr);
	expect_put(&admin, "DELETE", "/api/v1/namespaces/default/pods/p", NULL, 200);
	long pcode = 0;
	for (int i = 0; i < 100 && pcode != 401; i++) {
		json_object_put(call(&podcred, "GET", "/healthz", NULL, &pcode));
		if (pcode != 401)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(pcode, 401);
	free(pod_token);
	st = expect(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts/robot/token",
		    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
		    "\"name\":\"x\"}}}",
		    400);
	ck_assert_str_eq(str(st, "message"), "cannot bind token for serviceaccount \"robot\" to "
					     "object of type /v1, Kind=ConfigMap");
	json_object_put(st);
	ck_buf_release(&body);
	/* Deleting the account invalidates its tokens. */
	expect_put(&admin, "DELETE", "/api/v1/namespaces/default/serviceaccounts/robot", NULL, 200);
	long code = 0;
	for (int i = 0; i < 100 && code != 401; i++) {
		json_object_put(call(&robot, "GET", "/healthz", NULL, &code));
		if (code != 401)
			ck_test_sleep_ms(20);
	}
	ck_assert_int_eq(code, 401);
	free(token);
	free(uid);
}
END_TEST

START_TEST(test_auth_expired_token)
{
	/* Sign with the server's own key, but expired two hours ago. */
	char path[600], *key = NULL;
	snprintf(path, sizeof(path), "%s/sa.key", pki);
	ck_assert_int_eq(ck_pki_read_file(path, &key), 0);
	struct ck_jwt_signer *signer = NULL;
	ck_assert_int_eq(ck_jwt_signer_new(key, &signer), 0);
	expect_put(&admin, "POST", "/api/v1/namespaces/default/serviceaccounts",
		   "{\"metadata\":{\"name\":\"old\"}}", 201);
	json_object *sa =
	    expect(&admin, "GET", "/api/v1/namespaces/default/serviceaccounts/old", NULL, 200);
	static const char *const auds[] = { CK_TEST_SA_ISSUER, NULL };
	struct ck_sa_token_spec spec = { .namespace = "default",
					 .name = "old",
					 .uid = ck_obj_uid(sa),
					 .audiences = auds,
					 .expiration_seconds = 600,
					 .now = time(NULL) };
	char *tok = NULL;
	ck_assert_int_eq(ck_sa_token_issue(signer, CK_TEST_SA_ISSUER, &spec, &tok), 0);
	struct cred fresh = { .token = tok };
	expect_put(&fresh, "GET", "/version", NULL, 200);
	free(tok);
	spec.now = time(NULL) - 7200;
	ck_assert_int_eq(ck_sa_token_issue(signer, CK_TEST_SA_ISSUER, &spec, &tok), 0);
	struct cred expired = { .token = tok };
	expect_put(&expired, "GET", "/version", NULL, 401);
	free(tok);
	json_object_put(sa);
	ck_jwt_signer_free(signer);
	free(key);
}
END_TEST

START_TEST(test_auth_reviews_and_impersonation)
{
	/* SelfSubjectAccessReview (what `kubectl auth can-i` asks). */
	json_object *r =
	    expect(&jane, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		   "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":"
		   "\"authorization.k8s.io/v1\",\"spec\":{\"resourceAttributes\":"
		   "{\"verb\":\"create\",\"resource\":\"selfsubjectaccessreviews\","
		   "\"group\":\"authorization.k8s.io\"}}}",
		   201);
	ck_assert(json_object_get_boolean(ck_obj_path(r, "status.allowed")));
	ck_assert(strstr(str(r, "status.reason"), "system:basic-user") != NULL);
	json_object_put(r);
	r = expect(
	    &jane, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
	    "{\"spec\":{\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"nodes\"}}}",
	    201);
	ck_assert(!json_object_get_boolean(ck_obj_path(r, "status.allowed")));
	json_object_put(r);
	r = expect(&jane, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		   "{\"spec\":{}}", 422);
	ck_assert_str_eq(str(r, "message"),
			 "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: "
			 "spec.resourceAttributes: Invalid value: \"null\": exactly one of "
			 "nonResourceAttributes or resourceAttributes must be specified");
	json_object_put(r);
	/* SubjectAccessReview: only with the right to create it. */
	const char *sar = "{\"spec\":{\"user\":\"x\",\"groups\":[\"system:masters\"],"
			  "\"resourceAttributes\":{\"verb\":\"delete\",\"resource\":\"nodes\"}}}";
	expect_put(&jane, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar, 403);
	r = expect(&admin, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar, 201);
	ck_assert(json_object_get_boolean(ck_obj_path(r, "status.allowed")));
	json_object_put(r);
	/* Impersonation: the admin acting as jane gets jane's answers. */
	struct cred as_jane = { .cert = admin_cert,
				.key = admin_key,
				.headers = { "Impersonate-User: jane",
					     "Impersonate-Group: devs" } };
	r = expect(&as_jane, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}",
		   201);
	ck_assert_str_eq(str(r, "status.userInfo.username"), "jane");
	json_object *groups = ck_obj_path(r, "status.userInfo.groups");
	ck_assert_int_eq(json_object_array_length(groups), 2);
	json_object_put(r);
	expect_put(&as_jane, "GET", "/api/v1/namespaces/default/secrets", NULL, 403);
	/* jane may not impersonate. */
	struct cred jane_as_bob = { .token = "jane-token", .headers = { "Impersonate-User: bob" } };
	r = expect(&jane_as_bob, "GET", "/api/v1/namespaces", NULL, 403);
	ck_assert_str_eq(str(r, "message"),
			 "users \"bob\" is forbidden: User \"jane\" cannot impersonate resource "
			 "\"users\" in API group \"\" at the cluster scope");
	json_object_put(r);
	/* A group without a user: 500 as upstream. */
	struct cred group_only = { .cert = admin_cert,
				   .key = admin_key,
				   .headers = { "Impersonate-Group: devs" } };
	long code;
	json_object_put(call(&group_only, "GET", "/api/v1/namespaces", NULL, &code));
	ck_assert_int_eq(code, 500);
}
END_TEST

START_TEST(test_auth_aggregation)
{
	/* A ClusterRole labelled for view is aggregated into view (and edit, admin). */
	expect_put(
	    &admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
	    "{\"metadata\":{\"name\":\"widgets-view\",\"labels\":{\"rbac.authorization.k8s.io/"
	    "aggregate-to-view\":\"true\"}},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":"
	    "[\"example.com\"],\"resources\":[\"widgets\"]}]}",
	    201);
	static const char *const roles[] = { "view", "edit", "admin" };
	for (size_t k = 0; k < 3; k++) {
		bool found = false;
		for (int i = 0; i < 200 && !found; i++) {
			char path[128];
			snprintf(path, sizeof(path),
				 "/apis/rbac.authorization.k8s.io/v1/clusterroles/%s", roles[k]);
			json_object *o = expect(&admin, "GET", path, NULL, 200);
			found = strstr(json_object_to_json_string(ck_obj_path(o, "rules")),
				       "widgets") != NULL;
			json_object_put(o);
			if (!found)
				ck_test_sleep_ms(20);
		}
		ck_assert_msg(found, "%s did not aggregate", roles[k]);
	}
}
END_TEST

/* Runs the real kubectl; returns its exit status, output in out. */
static int kubectl(const char *kubeconfig, const char *args, struct ck_buf *out)
{
	return ck_test_sh(out, CK_TEST_KUBECTL " --kubeconfig %s %s", kubeconfig, args);
}

START_TEST(test_auth_kubectl)
{
	if (access(CK_TEST_KUBECTL, X_OK) != 0)
		return;
	const char *kc = ck_test_apiserver_kubeconfig(api);
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(kubectl(kc, "auth whoami", &out), 0);
	ck_assert_msg(strstr(ck_buf_str(&out), "kubernetes-admin") &&
			  strstr(ck_buf_str(&out), "system:masters"),
		      "%s", ck_buf_str(&out));
	ck_assert_int_eq(kubectl(kc, "auth can-i delete namespaces", &out), 0);
	ck_assert(ck_str_has_suffix(ck_buf_str(&out), "yes\n"));
	/* jane, with a token kubeconfig of her own. */
	char jane_kc[700];
	snprintf(jane_kc, sizeof(jane_kc), "%s/jane.kubeconfig", ck_test_apiserver_dir(api));
	struct ck_buf text = CK_BUF_INIT;
	ck_buf_addf(&text,
		    "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
		    "    server: %s\n    certificate-authority: %s/ca.crt\ncontexts:\n- name: c\n"
		    "  context:\n    cluster: c\n    user: jane\ncurrent-context: c\nusers:\n"
		    "- name: jane\n  user:\n    token: jane-token\n",
		    base, pki);
	ck_assert_int_eq(ck_pki_write_file(jane_kc, ck_buf_str(&text), 0600), 0);
	ck_buf_release(&text);
	ck_assert_int_eq(
	    kubectl(jane_kc, "auth whoami -o jsonpath={.status.userInfo.username}", &out), 0);
	ck_assert_str_eq(ck_buf_str(&out), "jane");
	ck_assert_int_eq(kubectl(jane_kc, "auth can-i delete namespaces", &out), 1);
	ck_assert(ck_str_has_suffix(ck_buf_str(&out), "no\n"));
	ck_assert_int_eq(kubectl(jane_kc,
				 "auth can-i create selfsubjectaccessreviews.authorization.k8s.io",
				 &out),
			 0);
	ck_assert(ck_str_has_suffix(ck_buf_str(&out), "yes\n"));
	/* The admin asking on jane's behalf. */
	ck_assert_int_eq(kubectl(kc, "auth can-i list secrets --as jane -n default", &out), 1);
	ck_assert(ck_str_has_suffix(ck_buf_str(&out), "no\n"));
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_auth(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(60));
	tcase_add_test(tc, test_auth_anonymous);
	tcase_add_test(tc, test_auth_bad_credentials);
	tcase_add_test(tc, test_auth_masters);
	tcase_add_test(tc, test_auth_role_grants_exactly);
	tcase_add_test(tc, test_auth_escalation);
	tcase_add_test(tc, test_auth_service_account_tokens);
	tcase_add_test(tc, test_auth_expired_token);
	tcase_add_test(tc, test_auth_reviews_and_impersonation);
	tcase_add_test(tc, test_auth_aggregation);
	tcase_add_test(tc, test_auth_kubectl);
	suite_add_tcase(s, tc);
	return s;
}
