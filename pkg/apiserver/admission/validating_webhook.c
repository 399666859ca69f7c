/*
 * ValidatingAdmissionWebhook: the ValidatingWebhookConfigurations'
 * webhooks, in the validating phase, after the strategy's validation
 * (webhook.c does the work).
 */
#include "apiserver/admission/webhook.h"

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

static int validate(void *state, const struct ck_admission_attrs *a, json_object **ret_status)
{
	/* The validating dispatch never changes a (mutating is false). */
	return ck_webhook_dispatch(state, false, (struct ck_admission_attrs *)a, ret_status);
}

const struct ck_admission_plugin ck_admission_validating_webhook = {
	.name = "ValidatingAdmissionWebhook",
	.default_on = true,
	.init = init,
	.validate = validate,
};
