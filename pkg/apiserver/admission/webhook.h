/*
 * What the two webhook admission plugins share (upstream's
 * apiserver/pkg/admission/plugin/webhook: generic dispatch, rules,
 * namespace and object selectors, request and response handling): the
 * configurations are read from the watch cache on every request (so a new
 * or changed configuration applies as soon as the cache has it), each
 * matching webhook is called in name order with an AdmissionReview v1 over
 * HTTPS (libcurl; the configuration's caBundle, timeoutSeconds), and its
 * answer allows, refuses (upstream's wording: `admission webhook "x"
 * denied the request: …`), or (mutating) patches the object with a JSON
 * patch. A webhook that cannot be called fails the request (failurePolicy
 * Fail, a 500) or is skipped (Ignore).
 */
#ifndef CK_APISERVER_ADMISSION_WEBHOOK_H
#define CK_APISERVER_ADMISSION_WEBHOOK_H

#include <json-c/json.h>
#include <stdbool.h>

#include "apiserver/admission/admission.h"

/*
 * Whether one of a webhook's rules (a RuleWithOperations, borrowed)
 * matches the request, as upstream's rules.Matcher: operations, apiGroups,
 * apiVersions ("*" or exact), resources ("*", "res", "res/sub", or "*" for
 * either half of "res/sub") and scope ("*", "Cluster", "Namespaced").
 */
bool ck_webhook_rule_matches(json_object *rule, const struct ck_admission_attrs *a);

/* Runs the mutating (true) or validating webhooks for a. 0, or a negative
 * errno with *ret_status (owned). */
int ck_webhook_dispatch(const struct ck_admission_source *src, bool mutating,
			struct ck_admission_attrs *a, json_object **ret_status);

#endif
