/*
 * Kubeconfig text from arbitrary bytes (client/config.h): parsing must not
 * crash or leak; a merged config parsed back is the same config (merging
 * is idempotent); picking a client config from it either succeeds with a
 * host or fails with a message.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	struct ck_kubeconfig *kc = NULL;
	char *err = NULL;
	if (ck_kubeconfig_parse((const char *)data, size, NULL, &kc, &err) < 0) {
		if (!err || !*err)
			abort();
		free(err);
		return 0;
	}
	json_object *merged = ck_kubeconfig_merged(kc);
	const char *text = json_object_to_json_string_ext(merged, JSON_C_TO_STRING_PLAIN);
	struct ck_kubeconfig *again = NULL;
	if (ck_kubeconfig_parse(text, strlen(text), NULL, &again, &err) < 0)
		abort();
	if (!json_object_equal(merged, ck_kubeconfig_merged(again)))
		abort();
	ck_kubeconfig_free(again);

	/* A tokenFile is read: keep the fuzzer away from /dev/stdin and fifos. */
	json_object *users = NULL;
	json_object_object_get_ex(merged, "users", &users);
	for (size_t i = 0; i < json_object_array_length(users); i++) {
		json_object *u = NULL;
		json_object_object_get_ex(json_object_array_get_idx(users, i), "user", &u);
		if (json_object_object_get_ex(u, "tokenFile", NULL)) {
			ck_kubeconfig_free(kc);
			return 0;
		}
	}
	struct ck_kubeconfig_overrides o = { .default_server = "http://localhost:8080" };
	struct ck_client_config cfg;
	char *ns = NULL;
	if (ck_kubeconfig_client_config(kc, &o, &cfg, &ns, NULL, &err) == 0) {
		if (!cfg.host || !ns)
			abort();
		free(ns);
		ck_client_config_release(&cfg);
	} else {
		if (!err || !*err)
			abort();
		free(err);
	}
	ck_kubeconfig_free(kc);
	return 0;
}
