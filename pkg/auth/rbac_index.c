/*
 * The RBAC index: roles and bindings compiled for lookups, and the
 * authorizer and rule resolver on top (upstream's DefaultRuleResolver with
 * listers over informer caches).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "auth/rbac.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/str.h"

struct role {
	struct ck_rbac_rules rules;
};

struct subject {
	char *kind, *name, *ns;
};

struct binding {
	char *ns, *name;
	char *role_kind, *role_name;
	struct subject *subjects;
	size_t nsubjects;
};

struct ck_rbac_index {
	pthread_rwlock_t lock;		    /* guards everything below */
	struct ck_hashmap roles;	    /* "ns/name" → struct role */
	struct ck_hashmap cluster_roles;    /* name → struct role */
	struct ck_hashmap role_bindings;    /* ns → struct ck_hashmap (name → binding) */
	struct ck_hashmap cluster_bindings; /* name → struct binding */
};

static void role_free(void *p)
{
	struct role *r = p;
	ck_rbac_rules_release(&r->rules);
	free(r);
}

static void binding_free(void *p)
{
	struct binding *b = p;
	if (!b)
		return;
	free(b->ns);
	free(b->name);
	free(b->role_kind);
	free(b->role_name);
	for (size_t i = 0; i < b->nsubjects; i++) {
		free(b->subjects[i].kind);
		free(b->subjects[i].name);
		free(b->subjects[i].ns);
	}
	free(b->subjects);
	free(b);
}

static void ns_map_free(void *p)
{
	ck_hashmap_release(p);
	free(p);
}

struct ck_rbac_index *ck_rbac_index_new(void)
{
	struct ck_rbac_index *idx = ck_calloc(1, sizeof(*idx));
	pthread_rwlock_init(&idx->lock, NULL);
	ck_hashmap_init(&idx->roles, role_free);
	ck_hashmap_init(&idx->cluster_roles, role_free);
	ck_hashmap_init(&idx->role_bindings, ns_map_free);
	ck_hashmap_init(&idx->cluster_bindings, binding_free);
	return idx;
}

void ck_rbac_index_free(struct ck_rbac_index *idx)
{
	if (!idx)
		return;
	ck_hashmap_release(&idx->roles);
	ck_hashmap_release(&idx->cluster_roles);
	ck_hashmap_release(&idx->role_bindings);
	ck_hashmap_release(&idx->cluster_bindings);
	pthread_rwlock_destroy(&idx->lock);
	free(idx);
}

/* ---- feeding ---- */

static const char *str_at(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static char *role_key(const char *ns, const char *name)
{
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_addf(&b, "%s/%s", ns ? ns : "", name ? name : "");
	return ck_buf_detach(&b, NULL);
}

static struct binding *compile_binding(json_object *obj)
{
	struct binding *b = ck_calloc(1, sizeof(*b));
	const char *ns = ck_obj_namespace(obj), *name = ck_obj_name(obj);
	b->ns = ck_strdup(ns ? ns : "");
	b->name = ck_strdup(name ? name : "");
	json_object *ref = NULL, *subjects = NULL;
	json_object_object_get_ex(obj, "roleRef", &ref);
	b->role_kind = ck_strdup(str_at(ref, "kind"));
	b->role_name = ck_strdup(str_at(ref, "name"));
	if (json_object_object_get_ex(obj, "subjects", &subjects) &&
	    json_object_is_type(subjects, json_type_array)) {
		size_t n = json_object_array_length(subjects);
		b->subjects = ck_calloc(n ? n : 1, sizeof(*b->subjects));
		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_array_get_idx(subjects, i);
			struct subject *sub = &b->subjects[b->nsubjects++];
			sub->kind = ck_strdup(str_at(s, "kind"));
			sub->name = ck_strdup(str_at(s, "name"));
			sub->ns = ck_strdup(str_at(s, "namespace"));
		}
	}
	return b;
}

void ck_rbac_index_put(struct ck_rbac_index *idx, enum ck_rbac_kind kind, json_object *obj)
{
	const char *ns = ck_obj_namespace(obj), *name = ck_obj_name(obj);
	if (!name)
		return;
	if (kind == CK_RBAC_ROLE || kind == CK_RBAC_CLUSTER_ROLE) {
		struct role *r = ck_calloc(1, sizeof(*r));
		json_object *rules = NULL;
		json_object_object_get_ex(obj, "rules", &rules);
		ck_rbac_rules_from_json(rules, &r->rules);
		char *key = kind == CK_RBAC_ROLE ? role_key(ns, name) : ck_strdup(name);
		pthread_rwlock_wrlock(&idx->lock);
		struct role *old = ck_hashmap_put(
		    kind == CK_RBAC_ROLE ? &idx->roles : &idx->cluster_roles, key, r);
		pthread_rwlock_unlock(&idx->lock);
		if (old)
			role_free(old);
		free(key);
		return;
	}
	struct binding *b = compile_binding(obj);
	struct binding *old = NULL;
	pthread_rwlock_wrlock(&idx->lock);
	if (kind == CK_RBAC_CLUSTER_ROLE_BINDING) {
		old = ck_hashmap_put(&idx->cluster_bindings, name, b);
	} else {
		struct ck_hashmap *m = ck_hashmap_get(&idx->role_bindings, b->ns);
		if (!m) {
			m = ck_calloc(1, sizeof(*m));
			ck_hashmap_init(m, binding_free);
			ck_hashmap_put(&idx->role_bindings, b->ns, m);
		}
		old = ck_hashmap_put(m, name, b);
	}
	pthread_rwlock_unlock(&idx->lock);
	binding_free(old);
}

void ck_rbac_index_delete(struct ck_rbac_index *idx, enum ck_rbac_kind kind, const char *ns,
			  const char *name)
{
	pthread_rwlock_wrlock(&idx->lock);
	switch (kind) {
	case CK_RBAC_ROLE: {
		char *key = role_key(ns, name);
		struct role *r = ck_hashmap_remove(&idx->roles, key);
		free(key);
		if (r)
			role_free(r);
		break;
	}
	case CK_RBAC_CLUSTER_ROLE: {
		struct role *r = ck_hashmap_remove(&idx->cluster_roles, name);
		if (r)
			role_free(r);
		break;
	}
	case CK_RBAC_CLUSTER_ROLE_BINDING:
		binding_free(ck_hashmap_remove(&idx->cluster_bindings, name));
		break;
	case CK_RBAC_ROLE_BINDING: {
		struct ck_hashmap *m = ck_hashmap_get(&idx->role_bindings, ns ? ns : "");
		if (m) {
			binding_free(ck_hashmap_remove(m, name));
			if (!ck_hashmap_count(m))
				ns_map_free(ck_hashmap_remove(&idx->role_bindings, ns ? ns : ""));
		}
		break;
	}
	}
	pthread_rwlock_unlock(&idx->lock);
}

void ck_rbac_index_clear(struct ck_rbac_index *idx, enum ck_rbac_kind kind)
{
	pthread_rwlock_wrlock(&idx->lock);
	struct ck_hashmap *m = kind == CK_RBAC_ROLE	      ? &idx->roles
			       : kind == CK_RBAC_CLUSTER_ROLE ? &idx->cluster_roles
			       : kind == CK_RBAC_ROLE_BINDING ? &idx->role_bindings
							      : &idx->cluster_bindings;
	void (*fn)(void *) = m->free_value;
	ck_hashmap_release(m);
	ck_hashmap_init(m, fn);
	pthread_rwlock_unlock(&idx->lock);
}

/* ---- resolving (read lock held) ---- */

/* Collects errors as upstream's aggregate prints them (deduplicated). */
struct errors {
	struct ck_buf text;
	size_t n;
	char *first;
};

static void errors_add(struct errors *e, const char *msg)
{
	if (e->first && ck_streq(e->first, msg))
		return;
	if (e->n && strstr(ck_buf_str(&e->text), msg))
		return;
	if (e->n)
		ck_buf_adds(&e->text, ", ");
	ck_buf_adds(&e->text, msg);
	if (!e->n)
		e->first = ck_strdup(msg);
	e->n++;
}

/* The aggregate's text ("a" or "[a, b]"), owned; NULL when empty. */
static char *errors_text(struct errors *e)
{
	char *out = NULL;
	if (e->n == 1) {
		out = e->first;
		e->first = NULL;
	} else if (e->n > 1) {
		struct ck_buf b = CK_BUF_INIT;
		ck_buf_addf(&b, "[%s]", ck_buf_str(&e->text));
		out = ck_buf_detach(&b, NULL);
	}
	ck_buf_release(&e->text);
	free(e->first);
	return out;
}

static const struct role *role_ref(struct ck_rbac_index *idx, const struct binding *b,
				   const char *binding_ns, struct errors *errs)
{
	char msg[1024];
	if (ck_streq(b->role_kind, "ClusterRole")) {
		const struct role *r = ck_hashmap_get(&idx->cluster_roles, b->role_name);
		if (!r) {
			snprintf(msg, sizeof(msg),
				 "clusterrole.rbac.authorization.k8s.io \"%s\" not found",
				 b->role_name);
			errors_add(errs, msg);
		}
		return r;
	}
	if (ck_streq(b->role_kind, "Role")) {
		char *key = role_key(binding_ns, b->role_name);
		const struct role *r = ck_hashmap_get(&idx->roles, key);
		free(key);
		if (!r) {
			snprintf(msg, sizeof(msg),
				 "role.rbac.authorization.k8s.io \"%s\" not found", b->role_name);
			errors_add(errs, msg);
		}
		return r;
	}
	snprintf(msg, sizeof(msg), "unsupported role reference kind: \"%s\"", b->role_kind);
	errors_add(errs, msg);
	return NULL;
}

/* The first subject of b that applies to user, or NULL. */
static const struct subject *applies(const struct binding *b, const struct ck_user_info *user,
				     const char *ns)
{
	for (size_t i = 0; i < b->nsubjects; i++)
		if (ck_rbac_subject_applies(user, b->subjects[i].kind, b->subjects[i].name,
					    b->subjects[i].ns, ns))
			return &b->subjects[i];
	return NULL;
}

/* Called per applicable rule; returns false to stop. */
typedef bool (*visit_fn)(void *ctx, const struct binding *b, const struct subject *s,
			 const struct ck_rbac_rule *rule);

static void visit_rules(struct ck_rbac_index *idx, const struct ck_user_info *user, const char *ns,
			visit_fn fn, void *ctx, struct errors *errs)
{
	for (struct ck_hashmap_entry *e = ck_hashmap_first(&idx->cluster_bindings); e;
	     e = ck_hashmap_next(&idx->cluster_bindings, e)) {
		const struct binding *b = e->value;
		const struct subject *s = applies(b, user, "");
		if (!s)
			continue;
		const struct role *r = role_ref(idx, b, "", errs);
		for (size_t i = 0; r && i < r->rules.n; i++)
			if (!fn(ctx, b, s, &r->rules.v[i]))
				return;
	}
	if (!ns || !*ns)
		return;
	struct ck_hashmap *m = ck_hashmap_get(&idx->role_bindings, ns);
	for (struct ck_hashmap_entry *e = m ? ck_hashmap_first(m) : NULL; e;
	     e = ck_hashmap_next(m, e)) {
		const struct binding *b = e->value;
		const struct subject *s = applies(b, user, ns);
		if (!s)
			continue;
		const struct role *r = role_ref(idx, b, ns, errs);
		for (size_t i = 0; r && i < r->rules.n; i++)
			if (!fn(ctx, b, s, &r->rules.v[i]))
				return;
	}
}

struct authz_ctx {
	const struct ck_authz_attrs *at;
	bool allowed;
	struct ck_buf reason;
};

static void describe_subject(struct ck_buf *b, const struct subject *s, const char *binding_ns)
{
	if (ck_streq(s->kind, "ServiceAccount"))
		ck_buf_addf(b, "%s \"%s/%s\"", s->kind, s->name, *s->ns ? s->ns : binding_ns);
	else
		ck_buf_addf(b, "%s \"%s\"", s->kind, s->name);
}

static bool authz_visit(void *arg, const struct binding *b, const struct subject *s,
			const struct ck_rbac_rule *rule)
{
	struct authz_ctx *c = arg;
	if (!ck_rbac_rule_allows(c->at, rule))
		return true;
	c->allowed = true;
	if (*b->ns)
		ck_buf_addf(&c->reason, "RBAC: allowed by RoleBinding \"%s/%s\" of %s \"%s\" to ",
			    b->name, b->ns, b->role_kind, b->role_name);
	else
		ck_buf_addf(&c->reason,
			    "RBAC: allowed by ClusterRoleBinding \"%s\" of %s \"%s\" to ", b->name,
			    b->role_kind, b->role_name);
	describe_subject(&c->reason, s, b->ns);
	return false;
}

enum ck_authz_decision ck_rbac_authorize(struct ck_rbac_index *idx, const struct ck_authz_attrs *at,
					 char **ret_reason)
{
	struct authz_ctx c = { .at = at, .reason = CK_BUF_INIT };
	struct errors errs = { .text = CK_BUF_INIT };
	pthread_rwlock_rdlock(&idx->lock);
	visit_rules(idx, at->user, at->namespace, authz_visit, &c, &errs);
	pthread_rwlock_unlock(&idx->lock);
	char *e = errors_text(&errs);
	enum ck_authz_decision d;
	if (c.allowed) {
		d = CK_AUTHZ_ALLOW;
		if (ret_reason)
			*ret_reason = ck_buf_detach(&c.reason, NULL);
	} else {
		d = CK_AUTHZ_NO_OPINION;
		if (ret_reason && e) {
			struct ck_buf b = CK_BUF_INIT;
			ck_buf_addf(&b, "RBAC: %s", e);
			*ret_reason = ck_buf_detach(&b, NULL);
		}
	}
	free(e);
	ck_buf_release(&c.reason);
	return d;
}

static bool collect_visit(void *arg, const struct binding *b, const struct subject *s,
			  const struct ck_rbac_rule *rule)
{
	(void)b;
	(void)s;
	ck_rbac_rules_add(arg, rule);
	return true;
}

void ck_rbac_rules_for(struct ck_rbac_index *idx, const struct ck_user_info *user, const char *ns,
		       struct ck_rbac_rules *ret, char **ret_errors)
{
	struct errors errs = { .text = CK_BUF_INIT };
	pthread_rwlock_rdlock(&idx->lock);
	visit_rules(idx, user, ns, collect_visit, ret, &errs);
	pthread_rwlock_unlock(&idx->lock);
	char *e = errors_text(&errs);
	if (ret_errors)
		*ret_errors = e;
	else
		free(e);
}

int ck_rbac_role_rules(struct ck_rbac_index *idx, const char *kind, const char *ns,
		       const char *name, struct ck_rbac_rules *ret)
{
	int r = -ENOENT;
	pthread_rwlock_rdlock(&idx->lock);
	const struct role *role = NULL;
	if (ck_streq(kind, "ClusterRole")) {
		role = ck_hashmap_get(&idx->cluster_roles, name);
	} else if (ck_streq(kind, "Role")) {
		char *key = role_key(ns, name);
		role = ck_hashmap_get(&idx->roles, key);
		free(key);
	}
	if (role) {
		for (size_t i = 0; i < role->rules.n; i++)
			ck_rbac_rules_add(ret, &role->rules.v[i]);
		r = 0;
	}
	pthread_rwlock_unlock(&idx->lock);
	return r;
}
