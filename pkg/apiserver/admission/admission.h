/*
 * Admission control (upstream's k8s.io/apiserver/pkg/admission and
 * kube-apiserver's plugin set): what a write asks (struct
 * ck_admission_attrs) and the chain of plugins that may change it
 * (mutating phase, before the strategy's defaulting and validation) or
 * refuse it (validating phase, after them, just before storage).
 *
 * A plugin is a struct of hooks in one static table, in upstream's order
 * (ck_admission_plugins): one file per plugin in this folder. The chain a
 * server runs is the default set adjusted by --enable-admission-plugins and
 * --disable-admission-plugins, always in the table's order.
 *
 * Plugins read other objects only through struct ck_admission_source (the
 * server's watch caches, falling back to storage), never etcd directly;
 * the one plugin that writes (ResourceQuota: usage in the quota's status)
 * writes through source->storage. A struct ck_admission is immutable once
 * made; plugins guard their own state.
 *
 * A refusal is a Status (owned by the caller): 403 Forbidden as upstream's
 * admission.NewForbidden words it (`pods "x" is forbidden: …`), or another
 * code where upstream answers one (404 for a missing namespace, a webhook's
 * own code).
 */
#ifndef CK_APISERVER_ADMISSION_H
#define CK_APISERVER_ADMISSION_H

#include <json-c/json.h>
#include <stdbool.h>

struct ck_resource;
struct ck_user_info;
struct ck_storage;

enum ck_admission_op {
	CK_ADMISSION_CREATE,
	CK_ADMISSION_UPDATE,
	CK_ADMISSION_DELETE,
	CK_ADMISSION_CONNECT,
};

/* "CREATE", "UPDATE", "DELETE", "CONNECT" (AdmissionReview's operation). */
const char *ck_admission_op_name(enum ck_admission_op op);

/* What plugins may read, and where the quota plugin writes. Borrowed. */
struct ck_admission_source {
	/*
	 * One object of group/resource (plural) by namespace ("" at cluster
	 * scope) and name: the watch cache, then storage on a miss. 0 with
	 * *ret (owned), -ENOENT, or another negative errno.
	 */
	int (*get)(void *ctx, const char *group, const char *resource, const char *ns,
		   const char *name, json_object **ret);
	/*
	 * Every object of group/resource in ns ("" for all) as a new JSON
	 * array (owned): from the watch cache, or from storage (a quorum
	 * read) when fresh. 0 or a negative errno.
	 */
	int (*list)(void *ctx, const char *group, const char *resource, const char *ns, bool fresh,
		    json_object **ret);
	struct ck_storage *storage;
	void *ctx;
};

/* One write as admission sees it (upstream's admission.Attributes). */
struct ck_admission_attrs {
	const struct ck_resource *res;
	const char *subresource; /* "" for the main resource */
	enum ck_admission_op op;
	const char *namespace; /* "" at cluster scope */
	const char *name;      /* the URL's name; "" on create */
	json_object *obj;      /* the new object; mutating plugins change it; NULL on delete */
	json_object *old;      /* the current object on update and delete; else NULL */
	const struct ck_user_info *user;
	bool dry_run;
	bool mutated; /* set by a mutating plugin that changed obj */
	/*
	 * Optional: hands the client a warning (a webhook's AdmissionReview
	 * response warnings), as a `Warning: 299 - "<text>"` header.
	 */
	void (*warn)(void *ctx, const char *text);
	void *warn_ctx;
};

/*
 * The name messages use (upstream's extractResourceName): the object's
 * name, else its generateName, else the URL's name, else "Unknown".
 */
const char *ck_admission_object_name(const struct ck_admission_attrs *a);

/*
 * 403 as upstream's admission.NewForbidden: `<resource> "<name>" is
 * forbidden: <message>` (group-qualified resource). Owned.
 */
json_object *ck_admission_forbidden(const struct ck_admission_attrs *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Whether a is about kind group/resource's main resource (not a subresource). */
bool ck_admission_is(const struct ck_admission_attrs *a, const char *group, const char *resource);

struct ck_admission_plugin {
	const char *name; /* upstream's: "NamespaceLifecycle" */
	bool default_on;  /* in upstream's default set */
	/* Optional: state for the hooks; 0 or a negative errno. */
	int (*init)(const struct ck_admission_source *src, void **ret_state);
	void (*free)(void *state);
	/*
	 * Mutating phase (optional): may change a->obj. 0, or a negative
	 * errno with *ret_status (owned) to answer with.
	 */
	int (*admit)(void *state, struct ck_admission_attrs *a, json_object **ret_status);
	/* Validating phase (optional): as admit, without changing a->obj. */
	int (*validate)(void *state, const struct ck_admission_attrs *a, json_object **ret_status);
};

/* Every plugin ckube has, in upstream's order; NULL-terminated. */
extern const struct ck_admission_plugin *const ck_admission_plugins[];

struct ck_admission;

/*
 * The chain: upstream's default set, plus the comma-separated names in
 * enable, minus those in disable (either may be NULL). Names upstream has
 * and ckube does not are ignored with a warning; unknown names are
 * -EINVAL with *ret_err (owned). src is borrowed for the chain's life.
 */
int ck_admission_new(const char *enable, const char *disable, const struct ck_admission_source *src,
		     struct ck_admission **ret, char **ret_err);
void ck_admission_free(struct ck_admission *a);
/* Whether the chain runs the plugin called name. */
bool ck_admission_enabled(const struct ck_admission *a, const char *name);

/* The mutating phase: 0, or a negative errno with *ret_status (owned). */
int ck_admission_admit(const struct ck_admission *a, struct ck_admission_attrs *at,
		       json_object **ret_status);
/* The validating phase: 0, or a negative errno with *ret_status (owned). */
int ck_admission_validate(const struct ck_admission *a, const struct ck_admission_attrs *at,
			  json_object **ret_status);

#endif
