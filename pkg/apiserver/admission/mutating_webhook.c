/*
 * MutatingAdmissionWebhook: the MutatingWebhookConfigurations' webhooks,
 * in the mutating phase, each seeing what the previous ones patched
 * (webhook.c does the work).
 */
#include "apiserver/admission/webhook.h"

static int init(const struct ck_admission_source *src, void **ret_state)
{
	*ret_state = (void *)src;
	return 0;
}

static int admit(void *state, struct ck_admission_attrs *a, json_object **ret_status)
{
	return ck_webhook_dispatch(state, true, a, ret_status);
}

const struct ck_admission_plugin ck_admission_mutating_webhook = {
	.name = "MutatingAdmissionWebhook",
	.default_on = true,
	.init = init,
	.admit = admit,
};
