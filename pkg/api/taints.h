/*
 * Taints and tolerations (upstream core/v1 helper: Toleration.ToleratesTaint,
 * TolerationsTolerateTaint), on compact structs extracted once per object
 * version.
 *
 * A toleration tolerates a taint when its effect is empty or equal, its key
 * is empty (which needs operator Exists: a wildcard) or equal, and either
 * operator Exists or (Equal, the default) the values are equal.
 */
#ifndef CK_API_TAINTS_H
#define CK_API_TAINTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

enum ck_api_taint_effect {
	CK_TAINT_EFFECT_ANY, /* a toleration's empty effect: matches every effect */
	CK_TAINT_NO_SCHEDULE,
	CK_TAINT_PREFER_NO_SCHEDULE,
	CK_TAINT_NO_EXECUTE,
	CK_TAINT_EFFECT_UNKNOWN,
};

/* Strings owned by the struct. */
struct ck_api_taint {
	char *key;
	char *value;
	enum ck_api_taint_effect effect;
};

struct ck_api_toleration {
	char *key;   /* "" with exists: every key */
	char *value; /* for Equal */
	bool exists; /* operator Exists */
	enum ck_api_taint_effect effect;
};

/* "NoSchedule" -> CK_TAINT_NO_SCHEDULE; "" and NULL -> ANY; others UNKNOWN. */
enum ck_api_taint_effect ck_api_taint_effect_parse(const char *s);
const char *ck_api_taint_effect_name(enum ck_api_taint_effect e);

/*
 * From a JSON array (a node's spec.taints, a pod's spec.tolerations;
 * borrowed, may be NULL): *ret is an array of *ret_n entries the caller
 * frees with the matching _free function (NULL when there are none).
 */
void ck_api_taints_from_json(json_object *arr, struct ck_api_taint **ret, size_t *ret_n);
void ck_api_taints_free(struct ck_api_taint *t, size_t n);
void ck_api_tolerations_from_json(json_object *arr, struct ck_api_toleration **ret, size_t *ret_n);
void ck_api_tolerations_free(struct ck_api_toleration *t, size_t n);

bool ck_api_toleration_tolerates(const struct ck_api_toleration *tol,
				 const struct ck_api_taint *taint);
/* Whether any of the n tolerations tolerates taint. */
bool ck_api_tolerations_tolerate(const struct ck_api_toleration *tols, size_t n,
				 const struct ck_api_taint *taint);

#endif
