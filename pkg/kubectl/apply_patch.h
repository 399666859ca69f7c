/*
 * The patches kubectl apply and edit send (pure logic, apart from the client:
 * apimachinery's strategic_patch.h and client/rest.h both name a
 * `ck_patch_type`, so this file includes only the former).
 */
#ifndef CK_KUBECTL_APPLY_PATCH_H
#define CK_KUBECTL_APPLY_PATCH_H

#include <stdbool.h>

#include <json-c/json.h>

#define CK_KUBECTL_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/*
 * The object to send (owned): a copy of obj whose last-applied annotation
 * holds obj's own JSON without that annotation, as kubectl writes it
 * (encoding/json, sorted keys, a trailing newline).
 */
json_object *ck_kubectl_with_last_applied(json_object *obj);

/*
 * The three-way patch from current's last-applied annotation (original),
 * modified and current (all borrowed): a strategic merge patch for kinds
 * with patch metadata (*ret_strategic true), else a JSON merge patch.
 * *ret_patch owned; {} when nothing changes. -errno with *ret_err owned.
 */
int ck_kubectl_apply_patch(json_object *modified, json_object *current, json_object **ret_patch,
			   bool *ret_strategic, char **ret_err);

/*
 * kubectl edit's patch: the two-way patch from original to edited (both
 * borrowed), strategic for kinds with patch metadata (*ret_strategic),
 * else a JSON merge patch. *ret_patch owned; {} when nothing changed.
 */
int ck_kubectl_edit_patch(json_object *original, json_object *edited, json_object **ret_patch,
			  bool *ret_strategic, char **ret_err);

#endif
