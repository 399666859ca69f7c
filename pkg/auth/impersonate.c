#include "auth/impersonate.h"

#include <string.h>

#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

enum kind {
	K_USER,
	K_SA,
	K_GROUP,
	K_EXTRA,
	K_UID,
};

struct req {
	enum kind kind;
	char *ns, *name, *key;
};

struct reqs {
	struct req *v;
	size_t n;
};

static void add(struct reqs *l, enum kind kind, const char *ns, const char *name, const char *key)
{
	l->v = ck_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct req){ kind, ns ? ck_strdup(ns) : NULL, ck_strdup(name ? name : ""),
				     key ? ck_strdup(key) : NULL };
}

static void release(struct reqs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].ns);
		free(l->v[i].name);
		free(l->v[i].key);
	}
	free(l->v);
}

void ck_impersonate_denied_release(struct ck_impersonate_denied *d)
{
	if (!d)
		return;
	free(d->namespace);
	free(d->name);
	free(d->subresource);
	free(d->reason);
	memset(d, 0, sizeof(*d));
}

/* Go's %v of the ObjectReference a request became (upstream's message). */
static void describe(struct ck_buf *b, const struct req *m)
{
	static const char *const kinds[] = { "User", "ServiceAccount", "Group", "UserExtra",
					     "UID" };
	const char *av = m->kind == K_EXTRA || m->kind == K_UID ? "authentication.k8s.io/v1" : "";
	ck_buf_addf(b, "{%s %s %s  %s  %s}", kinds[m->kind], m->ns ? m->ns : "", m->name, av,
		    m->key ? m->key : "");
}

static void attrs_of(const struct req *m, const struct ck_user_info *requestor,
		     struct ck_authz_attrs *at)
{
	*at = (struct ck_authz_attrs){
		.user = requestor,
		.verb = "impersonate",
		.resource_request = true,
		.namespace = m->ns ? m->ns : "",
		.api_group = "",
		.api_version = "",
		.subresource = "",
		.name = m->name,
	};
	switch (m->kind) {
	case K_USER:
		at->resource = "users";
		break;
	case K_SA:
		at->resource = "serviceaccounts";
		break;
	case K_GROUP:
		at->resource = "groups";
		break;
	case K_EXTRA:
		at->api_group = "authentication.k8s.io";
		at->api_version = "v1";
		at->resource = "userextras";
		at->subresource = m->key;
		break;
	case K_UID:
		at->api_group = "authentication.k8s.io";
		at->api_version = "v1";
		at->resource = "uids";
		break;
	}
}

enum ck_impersonate_result ck_impersonate(const struct ck_impersonate_headers *hdr,
					  const struct ck_user_info *requestor,
					  ck_impersonate_authorize_fn authorize, void *ctx,
					  struct ck_user_info *ret_user,
					  struct ck_impersonate_denied *ret_denied)
{
	struct reqs l = { 0 };
	bool has_user = hdr->user && *hdr->user;
	bool has_groups = hdr->groups && hdr->groups[0];
	bool has_uid = hdr->uid && *hdr->uid;
	enum ck_impersonate_result res = CK_IMPERSONATE_NONE;
	if (has_user) {
		char *ns = NULL, *name = NULL;
		if (ck_user_split_sa_name(hdr->user, &ns, &name) == 0)
			add(&l, K_SA, ns, name, NULL);
		else
			add(&l, K_USER, NULL, hdr->user, NULL);
		free(ns);
		free(name);
	}
	for (size_t i = 0; has_groups && hdr->groups[i]; i++)
		add(&l, K_GROUP, NULL, hdr->groups[i], NULL);
	for (size_t i = 0; i < hdr->nextras; i++)
		add(&l, K_EXTRA, NULL, hdr->extras[i].value, hdr->extras[i].key);
	if (has_uid)
		add(&l, K_UID, NULL, hdr->uid, NULL);
	if (!l.n)
		goto out;
	memset(ret_denied, 0, sizeof(*ret_denied));
	if ((has_groups || hdr->nextras || has_uid) && !has_user) {
		struct ck_buf msg = CK_BUF_INIT;
		ck_buf_adds(&msg, "requested [");
		for (size_t i = 0; i < l.n; i++) {
			if (i)
				ck_buf_addc(&msg, ' ');
			describe(&msg, &l.v[i]);
		}
		ck_buf_adds(&msg, "] without impersonating a user");
		ret_denied->reason = ck_buf_detach(&msg, NULL);
		res = CK_IMPERSONATE_INVALID;
		goto out;
	}
	struct ck_user_info next;
	ck_user_init(&next, "", "");
	struct ck_buf b = CK_BUF_INIT;
	for (size_t i = 0; i < l.n; i++) {
		const struct req *m = &l.v[i];
		struct ck_authz_attrs at;
		attrs_of(m, requestor, &at);
		char *reason = NULL;
		if (authorize(ctx, &at, &reason) != CK_AUTHZ_ALLOW) {
			ret_denied->namespace = ck_strdup(at.namespace);
			ret_denied->name = ck_strdup(at.name);
			ret_denied->subresource = ck_strdup(at.subresource);
			ret_denied->attrs = at;
			ret_denied->attrs.namespace = ret_denied->namespace;
			ret_denied->attrs.name = ret_denied->name;
			ret_denied->attrs.subresource = ret_denied->subresource;
			ret_denied->reason = reason;
			ck_user_release(&next);
			ck_buf_release(&b);
			res = CK_IMPERSONATE_FORBIDDEN;
			goto out;
		}
		free(reason);
		switch (m->kind) {
		case K_SA:
			ck_buf_reset(&b);
			ck_buf_addf(&b, CK_SA_USER_PREFIX "%s:%s", m->ns, m->name);
			free(next.name);
			next.name = ck_strdup(ck_buf_str(&b));
			if (!has_groups) {
				ck_buf_reset(&b);
				ck_buf_addf(&b, CK_SA_GROUP_PREFIX "%s", m->ns);
				ck_user_add_group(&next, CK_GROUP_SERVICE_ACCOUNTS);
				ck_user_add_group(&next, ck_buf_str(&b));
			}
			break;
		case K_USER:
			free(next.name);
			next.name = ck_strdup(m->name);
			break;
		case K_GROUP:
			ck_user_add_group(&next, m->name);
			break;
		case K_EXTRA:
			ck_user_add_extra(&next, m->key, m->name);
			break;
		case K_UID:
			free(next.uid);
			next.uid = ck_strdup(m->name);
			break;
		}
	}
	ck_buf_release(&b);
	if (!ck_streq(next.name, CK_USER_ANONYMOUS)) {
		if (!ck_user_in_group(&next, CK_GROUP_AUTHENTICATED) &&
		    !ck_user_in_group(&next, CK_GROUP_UNAUTHENTICATED))
			ck_user_add_group(&next, CK_GROUP_AUTHENTICATED);
	} else if (!ck_user_in_group(&next, CK_GROUP_UNAUTHENTICATED)) {
		ck_user_add_group(&next, CK_GROUP_UNAUTHENTICATED);
	}
	*ret_user = next;
	res = CK_IMPERSONATE_OK;
out:
	release(&l);
	return res;
}
