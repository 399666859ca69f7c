#include "auth/authz.h"

#include <errno.h>
#include <string.h>

#include "auth/node_authz.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

enum mode {
	MODE_NODE,
	MODE_RBAC,
	MODE_ALWAYS_ALLOW,
	MODE_ALWAYS_DENY,
};

struct ck_authorizer {
	enum mode *modes;
	size_t n;
	struct ck_rbac_index *rbac;
	struct ck_node_authorizer *node;
};

static int bad(char **ret_err, const char *fmt, const char *arg)
{
	if (ret_err) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, fmt, arg);
		*ret_err = ck_buf_detach(&b, NULL);
	}
	return -EINVAL;
}

int ck_authorizer_new(const char *modes, struct ck_rbac_index *rbac, struct ck_authorizer **ret,
		      char **ret_err)
{
	return ck_authorizer_new_with_node(modes, rbac, NULL, ret, ret_err);
}

int ck_authorizer_new_with_node(const char *modes, struct ck_rbac_index *rbac,
				struct ck_node_authorizer *node, struct ck_authorizer **ret,
				char **ret_err)
{
	struct ck_authorizer *a = ck_calloc(1, sizeof(*a));
	char **list = ck_str_split(modes && *modes ? modes : "AlwaysAllow", ',', 0);
	int r = 0;
	a->modes = ck_calloc(ck_strv_len(list) + 1, sizeof(*a->modes));
	a->rbac = rbac;
	a->node = node;
	for (size_t i = 0; list[i]; i++) {
		char *m = ck_str_strip(list[i]);
		enum mode mode;
		if (ck_streq(m, "RBAC")) {
			mode = MODE_RBAC;
			if (!rbac) {
				r = bad(ret_err, "authorization mode %s needs the RBAC index", m);
				goto out;
			}
		} else if (ck_streq(m, "AlwaysAllow")) {
			mode = MODE_ALWAYS_ALLOW;
		} else if (ck_streq(m, "AlwaysDeny")) {
			mode = MODE_ALWAYS_DENY;
		} else if (ck_streq(m, "Node")) {
			mode = MODE_NODE;
			if (!node) {
				r = bad(ret_err, "authorization mode %s needs the node graph", m);
				goto out;
			}
		} else if (ck_streq(m, "ABAC") || ck_streq(m, "Webhook")) {
			r = bad(ret_err, "authorization mode \"%s\" is not supported by ckube yet",
				m);
			goto out;
		} else {
			r = bad(ret_err, "authorization-mode \"%s\" is not a valid mode", m);
			goto out;
		}
		for (size_t j = 0; j < a->n; j++)
			if (a->modes[j] == mode) {
				r = bad(ret_err,
					"authorization-mode \"%s\" has mode specified more "
					"than once",
					m);
				goto out;
			}
		a->modes[a->n++] = mode;
	}
out:
	ck_strv_free(list);
	if (r < 0) {
		ck_authorizer_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

void ck_authorizer_free(struct ck_authorizer *a)
{
	if (!a)
		return;
	free(a->modes);
	free(a);
}

bool ck_authorizer_uses_rbac(const struct ck_authorizer *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->modes[i] == MODE_RBAC)
			return true;
	return false;
}

struct ck_rbac_index *ck_authorizer_rbac(const struct ck_authorizer *a)
{
	return ck_authorizer_uses_rbac(a) ? a->rbac : NULL;
}

enum ck_authz_decision ck_authorize(const struct ck_authorizer *a, const struct ck_authz_attrs *at,
				    char **ret_reason)
{
	struct ck_buf reasons = CK_BUF_INIT;
	enum ck_authz_decision d = CK_AUTHZ_NO_OPINION;
	if (at->user && ck_user_in_group(at->user, CK_GROUP_MASTERS)) {
		d = CK_AUTHZ_ALLOW;
		goto out;
	}
	for (size_t i = 0; i < a->n && d == CK_AUTHZ_NO_OPINION; i++) {
		char *reason = NULL;
		switch (a->modes[i]) {
		case MODE_ALWAYS_ALLOW:
			d = CK_AUTHZ_ALLOW;
			break;
		case MODE_ALWAYS_DENY:
			reason = ck_strdup("Everything is forbidden.");
			break;
		case MODE_RBAC:
			d = ck_rbac_authorize(a->rbac, at, &reason);
			break;
		case MODE_NODE:
			d = ck_node_authorize(a->node, at, &reason);
			break;
		}
		if (reason && *reason) {
			if (d != CK_AUTHZ_NO_OPINION)
				ck_buf_reset(&reasons);
			else if (reasons.len)
				ck_buf_addc(&reasons, '\n');
			ck_buf_adds(&reasons, reason);
		}
		free(reason);
	}
out:
	if (ret_reason)
		*ret_reason = reasons.len ? ck_buf_detach(&reasons, NULL) : NULL;
	ck_buf_release(&reasons);
	return d;
}

static void add_everything(struct ck_rbac_rules *ret)
{
	char *star[] = { "*", NULL }, *none[] = { NULL };
	struct ck_rbac_rule all = { star, star, star, none, none };
	struct ck_rbac_rule urls = { star, none, none, none, star };
	ck_rbac_rules_add(ret, &all);
	ck_rbac_rules_add(ret, &urls);
}

void ck_authorizer_rules_for(const struct ck_authorizer *a, const struct ck_user_info *user,
			     const char *ns, struct ck_rbac_rules *ret, bool *ret_incomplete,
			     char **ret_err)
{
	struct ck_buf errs = CK_BUF_INIT;
	if (ck_user_in_group(user, CK_GROUP_MASTERS))
		add_everything(ret);
	for (size_t i = 0; i < a->n; i++) {
		switch (a->modes[i]) {
		case MODE_ALWAYS_ALLOW:
			add_everything(ret);
			break;
		case MODE_ALWAYS_DENY:
			break;
		case MODE_NODE:
			/* upstream: nodes' permissions are not enumerable */
			if (ck_user_node_name(user)) {
				if (errs.len)
					ck_buf_adds(&errs, ", ");
				ck_buf_adds(
				    &errs, "node authorizer does not support user rule resolution");
			}
			break;
		case MODE_RBAC: {
			char *e = NULL;
			ck_rbac_rules_for(a->rbac, user, ns, ret, &e);
			if (e) {
				if (errs.len)
					ck_buf_adds(&errs, ", ");
				ck_buf_adds(&errs, e);
			}
			free(e);
			break;
		}
		}
	}
	*ret_incomplete = errs.len > 0;
	*ret_err = errs.len ? ck_buf_detach(&errs, NULL) : NULL;
	ck_buf_release(&errs);
}
