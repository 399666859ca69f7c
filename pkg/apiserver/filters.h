/*
 * The API server's security filters, in upstream's DefaultBuildHandlerChain
 * order: authentication → impersonation → (in-flight limits) →
 * authorization → handler. Each filter either lets the request through
 * (returns 0) or answers it itself (401, 403, 500 Status) and returns the
 * code it answered with.
 *
 * struct ck_apiserver_auth is what the server holds for them: the
 * authenticator chain, the authorizer chain, and with RBAC the index fed
 * from the watch caches and the ClusterRole aggregation.
 */
#ifndef CK_APISERVER_FILTERS_H
#define CK_APISERVER_FILTERS_H

#include <json-c/json.h>

#include "apiserver/request_info.h"
#include "auth/user.h"
#include "util/http_server.h"

struct ck_apiserver;

/*
 * Before the watch caches start: with RBAC, creates or reconciles
 * upstream's bootstrap roles and bindings in storage. 0 or a negative errno
 * (logged).
 */
int ck_apiserver_auth_bootstrap(struct ck_apiserver *srv);
/*
 * After the watch caches started: loads the credentials (client CA, token
 * file, service-account keys), builds both chains, feeds the RBAC index and
 * starts the aggregation. Sets srv->env.authn and srv->env.authz. 0 or a
 * negative errno (logged).
 */
int ck_apiserver_auth_start(struct ck_apiserver *srv);
/* Stops and frees what ck_apiserver_auth_start made. NULL-safe parts. */
void ck_apiserver_auth_stop(struct ck_apiserver *srv);

/* Authentication: 0 with *ret_user filled (release it), or 401 answered. */
int ck_filter_authentication(struct ck_apiserver *srv, struct ck_http_request *req,
			     struct ck_user_info *ret_user);
/*
 * Impersonation (Impersonate-User, -Group, -Uid, -Extra-*): 0 with *user
 * replaced by the impersonated user when allowed (or untouched without the
 * headers); 403 or 500 answered otherwise.
 */
int ck_filter_impersonation(struct ck_apiserver *srv, struct ck_http_request *req,
			    struct ck_user_info *user);
/* Authorization of the request: 0, or 403 answered. */
int ck_filter_authorization(struct ck_apiserver *srv, struct ck_http_request *req,
			    const struct ck_request_info *ri, const struct ck_user_info *user);

struct ck_rest_request;
/*
 * The resource's check_write hook for a create (old NULL) or an update of
 * obj by the request's user: NULL when allowed (or no hook), else the
 * Status to answer with (owned).
 */
json_object *ck_rest_check_write(struct ck_rest_request *rr, json_object *obj, json_object *old);

#endif
