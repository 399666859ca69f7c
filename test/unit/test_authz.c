/* auth/authz and auth/impersonate: the authorizer chain and impersonation checks. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/authz.h"
#include "auth/impersonate.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/str.h"

static struct ck_authorizer *chain(const char *modes, struct ck_rbac_index *idx)
{
	struct ck_authorizer *a = NULL;
	char *err = NULL;
	ck_assert_msg(ck_authorizer_new(modes, idx, &a, &err) == 0, "%s", err ? err : "");
	return a;
}

START_TEST(test_authz_modes)
{
	struct ck_user_info u, admin;
	ck_user_init(&u, "bob", "");
	ck_user_add_group(&u, "system:authenticated");
	ck_user_init(&admin, "root", "");
	ck_user_add_group(&admin, "system:masters");
	struct ck_authz_attrs at = { .user = &u,
				     .verb = "get",
				     .resource_request = true,
				     .resource = "pods",
				     .namespace = "default" };
	char *reason = NULL;

	struct ck_authorizer *a = chain(NULL, NULL); /* upstream's default: AlwaysAllow */
	ck_assert(!ck_authorizer_uses_rbac(a));
	ck_assert_int_eq(ck_authorize(a, &at, &reason), CK_AUTHZ_ALLOW);
	ck_assert_ptr_null(reason);
	ck_authorizer_free(a);

	a = chain("AlwaysDeny", NULL);
	ck_assert_int_eq(ck_authorize(a, &at, &reason), CK_AUTHZ_NO_OPINION);
	ck_assert_str_eq(reason, "Everything is forbidden.");
	free(reason);
	/* system:masters is allowed before any mode is asked. */
	at.user = &admin;
	ck_assert_int_eq(ck_authorize(a, &at, &reason), CK_AUTHZ_ALLOW);
	ck_authorizer_free(a);
	at.user = &u;

	/* RBAC without a grant, then AlwaysAllow: the union allows. */
	struct ck_rbac_index *idx = ck_rbac_index_new();
	a = chain("RBAC, AlwaysAllow", idx);
	ck_assert(ck_authorizer_uses_rbac(a));
	ck_assert_int_eq(ck_authorize(a, &at, &reason), CK_AUTHZ_ALLOW);
	ck_authorizer_free(a);
	a = chain("RBAC,AlwaysDeny", idx);
	ck_assert_int_eq(ck_authorize(a, &at, &reason), CK_AUTHZ_NO_OPINION);
	ck_assert_str_eq(reason, "Everything is forbidden.");
	free(reason);
	/* Rules for a user: masters get everything, RBAC what is bound. */
	struct ck_rbac_rules rules = { 0 };
	bool incomplete = true;
	char *err = NULL;
	ck_authorizer_rules_for(a, &admin, "default", &rules, &incomplete, &err);
	ck_assert_int_eq(rules.n, 2);
	ck_assert(!incomplete);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(rules.v[0].verbs[0], "*");
	ck_rbac_rules_release(&rules);
	ck_authorizer_rules_for(a, &u, "default", &rules, &incomplete, &err);
	ck_assert_int_eq(rules.n, 0);
	ck_authorizer_free(a);
	ck_rbac_index_free(idx);

	static const char *const bad[] = { "Bogus", "RBAC,RBAC", "Node", "AlwaysAllow,Webhook" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		idx = ck_rbac_index_new();
		ck_assert_int_eq(ck_authorizer_new(bad[i], idx, &a, &err), -EINVAL);
		ck_assert_ptr_nonnull(err);
		free(err);
		err = NULL;
		ck_rbac_index_free(idx);
	}
	ck_assert_int_eq(ck_authorizer_new("RBAC", NULL, &a, &err), -EINVAL);
	free(err);
	ck_user_release(&u);
	ck_user_release(&admin);
}
END_TEST

/* ---- impersonation ---- */

/* Allows "impersonate" on what ctx lists: "users/jane uids/u1", "groups/<star>" as "groups/" "*".
 */
static enum ck_authz_decision fake_authorize(void *ctx, const struct ck_authz_attrs *at,
					     char **ret_reason)
{
	const char *allowed = ctx;
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, " %s/%s ", at->resource, at->name);
	struct ck_buf any = CK_BUF_INIT;
	ck_buf_addf(&any, " %s/* ", at->resource);
	struct ck_buf padded = CK_BUF_INIT;
	ck_buf_addf(&padded, " %s ", allowed);
	bool ok = ck_streq(at->verb, "impersonate") &&
		  (strstr(padded.data, b.data) || strstr(padded.data, any.data));
	ck_buf_release(&b);
	ck_buf_release(&any);
	ck_buf_release(&padded);
	*ret_reason = ok ? NULL : ck_strdup("nope");
	return ok ? CK_AUTHZ_ALLOW : CK_AUTHZ_NO_OPINION;
}

static char *describe(const struct ck_user_info *u)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s|%s|", u->name, u->uid);
	for (size_t i = 0; u->groups && u->groups[i]; i++)
		ck_buf_addf(&b, "%s%s", i ? "," : "", u->groups[i]);
	for (size_t i = 0; i < u->nextra; i++)
		ck_buf_addf(&b, "|%s=%s", u->extra[i].key, u->extra[i].values[0]);
	return ck_buf_detach(&b, NULL);
}

START_TEST(test_impersonate)
{
	struct ck_user_info me, out;
	ck_user_init(&me, "me", "");
	struct ck_impersonate_denied denied;
	char *d;

	/* No headers: nothing happens. */
	struct ck_impersonate_headers none = { 0 };
	ck_assert_int_eq(ck_impersonate(&none, &me, fake_authorize, "", &out, &denied),
			 CK_IMPERSONATE_NONE);

	/* A user: system:authenticated is added. */
	struct ck_impersonate_headers h = { .user = "jane" };
	ck_assert_int_eq(ck_impersonate(&h, &me, fake_authorize, "users/jane", &out, &denied),
			 CK_IMPERSONATE_OK);
	d = describe(&out);
	ck_assert_str_eq(d, "jane||system:authenticated");
	free(d);
	ck_user_release(&out);

	/* Not allowed: the attributes refused. */
	ck_assert_int_eq(ck_impersonate(&h, &me, fake_authorize, "users/joe", &out, &denied),
			 CK_IMPERSONATE_FORBIDDEN);
	ck_assert_str_eq(denied.attrs.verb, "impersonate");
	ck_assert_str_eq(denied.attrs.resource, "users");
	ck_assert_str_eq(denied.attrs.name, "jane");
	ck_assert_str_eq(denied.reason, "nope");
	ck_assert_ptr_eq(denied.attrs.user, &me);
	ck_impersonate_denied_release(&denied);

	/* Groups and extras and uid: each checked. */
	static const char *const groups[] = { "devs", "system:unauthenticated", NULL };
	static const struct ck_impersonate_extra extras[] = { { "scopes", "view" } };
	struct ck_impersonate_headers full = {
		.user = "jane", .groups = groups, .uid = "u1", .extras = extras, .nextras = 1
	};
	ck_assert_int_eq(ck_impersonate(&full, &me, fake_authorize,
					"users/jane groups/* userextras/view uids/u1", &out,
					&denied),
			 CK_IMPERSONATE_OK);
	d = describe(&out);
	/* system:unauthenticated among the groups: no system:authenticated. */
	ck_assert_str_eq(d, "jane|u1|devs,system:unauthenticated|scopes=view");
	free(d);
	ck_user_release(&out);
	ck_assert_int_eq(ck_impersonate(&full, &me, fake_authorize, "users/jane groups/* uids/u1",
					&out, &denied),
			 CK_IMPERSONATE_FORBIDDEN);
	ck_assert_str_eq(denied.attrs.resource, "userextras");
	ck_assert_str_eq(denied.attrs.subresource, "scopes");
	ck_assert_str_eq(denied.attrs.api_group, "authentication.k8s.io");
	ck_impersonate_denied_release(&denied);

	/* A service account gets its groups unless groups are given. */
	struct ck_impersonate_headers sa = { .user = "system:serviceaccount:kube-system:robot" };
	ck_assert_int_eq(
	    ck_impersonate(&sa, &me, fake_authorize, "serviceaccounts/robot", &out, &denied),
	    CK_IMPERSONATE_OK);
	d = describe(&out);
	ck_assert_str_eq(d, "system:serviceaccount:kube-system:robot||system:serviceaccounts,"
			    "system:serviceaccounts:kube-system,system:authenticated");
	free(d);
	ck_user_release(&out);
	ck_assert_int_eq(ck_impersonate(&sa, &me, fake_authorize, "users/x", &out, &denied),
			 CK_IMPERSONATE_FORBIDDEN);
	ck_assert_str_eq(denied.attrs.namespace, "kube-system");
	ck_assert_str_eq(denied.attrs.resource, "serviceaccounts");
	ck_impersonate_denied_release(&denied);

	/* Anonymous gets system:unauthenticated. */
	struct ck_impersonate_headers anon = { .user = "system:anonymous" };
	ck_assert_int_eq(ck_impersonate(&anon, &me, fake_authorize, "users/*", &out, &denied),
			 CK_IMPERSONATE_OK);
	d = describe(&out);
	ck_assert_str_eq(d, "system:anonymous||system:unauthenticated");
	free(d);
	ck_user_release(&out);

	/* Groups without a user: upstream's 500. */
	struct ck_impersonate_headers nouser = { .groups = groups };
	ck_assert_int_eq(ck_impersonate(&nouser, &me, fake_authorize, "groups/*", &out, &denied),
			 CK_IMPERSONATE_INVALID);
	ck_assert_str_eq(denied.reason,
			 "requested [{Group  devs    } {Group  "
			 "system:unauthenticated    }] without impersonating a user");
	ck_impersonate_denied_release(&denied);
	ck_user_release(&me);
}
END_TEST

Suite *ck_test_suite_authz(void)
{
	Suite *s = suite_create("authz");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_authz_modes);
	tcase_add_test(tc, test_impersonate);
	suite_add_tcase(s, tc);
	return s;
}
