/*
 * Who a request is from (upstream's user.Info): a name, a uid, groups and
 * extra values, as authenticators find them and authorizers read them.
 *
 * Invariants: a struct ck_user_info owns every string it holds; name is
 * never NULL once an authenticator filled it ("" is possible); uid may be
 * "". Groups keep their order and may repeat as given.
 */
#ifndef CK_AUTH_USER_H
#define CK_AUTH_USER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Well-known names (k8s.io/apiserver/pkg/authentication/user). */
#define CK_USER_ANONYMOUS "system:anonymous"
#define CK_GROUP_UNAUTHENTICATED "system:unauthenticated"
#define CK_GROUP_AUTHENTICATED "system:authenticated"
#define CK_GROUP_MASTERS "system:masters"
#define CK_GROUP_NODES "system:nodes"
#define CK_NODE_USER_PREFIX "system:node:"
#define CK_GROUP_SERVICE_ACCOUNTS "system:serviceaccounts"
#define CK_SA_USER_PREFIX "system:serviceaccount:"
#define CK_SA_GROUP_PREFIX "system:serviceaccounts:"

struct ck_user_extra {
	char *key;
	char **values; /* NULL-terminated */
};

struct ck_user_info {
	char *name;
	char *uid;
	char **groups; /* NULL-terminated; may be NULL when empty */
	struct ck_user_extra *extra;
	size_t nextra;
};

/* Sets name and uid (copies; NULL stays NULL for uid, "" for name). */
void ck_user_init(struct ck_user_info *u, const char *name, const char *uid);
/* Frees what u holds and zeroes it. NULL-safe. */
void ck_user_release(struct ck_user_info *u);
/* Deep copy into dst (initialised here). */
void ck_user_copy(struct ck_user_info *dst, const struct ck_user_info *src);
/* Appends a group (copied). */
void ck_user_add_group(struct ck_user_info *u, const char *group);
/* Appends a value to extra[key] (copied), creating the key. */
void ck_user_add_extra(struct ck_user_info *u, const char *key, const char *value);
size_t ck_user_group_count(const struct ck_user_info *u);
bool ck_user_in_group(const struct ck_user_info *u, const char *group);

/*
 * The user as authentication.k8s.io/v1 UserInfo JSON: {"username":…,
 * "uid":…,"groups":[…],"extra":{…}} with empty fields omitted (new object,
 * owned by the caller).
 */
json_object *ck_user_to_json(const struct ck_user_info *u);

/*
 * upstream's nodeidentifier.NodeIdentity: whether u is a node (in
 * system:nodes with a "system:node:" name), and its node name (borrowed
 * from u; "" for an unidentifiable node). NULL when u is not a node.
 */
const char *ck_user_node_name(const struct ck_user_info *u);

/*
 * "system:serviceaccount:<ns>:<name>" → namespace and name (owned), as
 * upstream's SplitUsername: -EINVAL unless both are non-empty and the name
 * has no ':'.
 */
int ck_user_split_sa_name(const char *username, char **ret_namespace, char **ret_name);

#endif
