/*
 * What the two webhook configuration kinds of admissionregistration.k8s.io/v1
 * share (upstream's pkg/apis/admissionregistration defaults and
 * validation): webhook defaulting and validation, and the WEBHOOKS printer
 * column, and the two kinds themselves.
 */
#ifndef CK_REGISTRY_ADMISSIONREGISTRATION_WEBHOOKS_H
#define CK_REGISTRY_ADMISSIONREGISTRATION_WEBHOOKS_H

#include <json-c/json.h>
#include <stdbool.h>

#include "registry/registry.h"

struct ck_field_errors;

#define CK_ADMISSIONREGISTRATION_GROUP "admissionregistration.k8s.io"

/* SetDefaults_*Webhook on every webhook of a configuration. */
void ck_webhook_config_default(json_object *obj, bool mutating);
/* Validate*WebhookConfiguration beyond ObjectMeta. */
void ck_webhook_config_validate(json_object *obj, bool mutating, struct ck_field_errors *errs);

extern const struct ck_printer_column ck_webhook_config_columns[];

#endif
