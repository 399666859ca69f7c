/*
 * core/v1 componentstatuses (upstream's pkg/registry/core/componentstatus):
 * read-only, computed when asked: the scheduler and the controller manager
 * probed at their /healthz (https://127.0.0.1:10259 and :10257, as
 * upstream), and etcd through the API server's own storage.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/object.h"
#include "registry/core/validation.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/str.h"

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct ck_buf *b = arg;
	if (b->len < 4096)
		ck_buf_add(b, data, size * n);
	return size * n;
}

/* GET url: true and the body when it answers 200 "ok"; else the error. */
static bool probe(const char *url, char *msg, size_t msize, char *err, size_t esize)
{
	CURL *c = curl_easy_init();
	struct ck_buf body = CK_BUF_INIT;
	bool ok = false;
	if (!c) {
		snprintf(err, esize, "unable to create an HTTP client");
		return false;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_COULDNT_CONNECT) {
		const char *hostport = strstr(url, "//") ? strstr(url, "//") + 2 : url;
		const char *slash = strchr(hostport, '/');
		snprintf(err, esize, "Get \"%s\": dial tcp %.*s: connect: connection refused", url,
			 (int)(slash ? slash - hostport : (long)strlen(hostport)), hostport);
	} else if (rc != CURLE_OK) {
		snprintf(err, esize, "Get \"%s\": %s", url, curl_easy_strerror(rc));
	} else if (code != 200) {
		snprintf(err, esize, "%s", ck_buf_str(&body));
		snprintf(msg, msize, "%s", ck_buf_str(&body));
	} else {
		snprintf(msg, msize, "%s", ck_buf_str(&body));
		ok = true;
	}
	curl_easy_cleanup(c);
	ck_buf_release(&body);
	return ok;
}

static json_object *component(const char *name, bool healthy, const char *msg, const char *err)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("ComponentStatus"));
	json_object_object_add(o, "apiVersion", json_object_new_string("v1"));
	json_object *md = json_object_new_object();
	json_object_object_add(md, "name", json_object_new_string(name));
	json_object_object_add(md, "creationTimestamp", NULL);
	json_object_object_add(o, "metadata", md);
	json_object *conds = json_object_new_array(), *c = json_object_new_object();
	json_object_object_add(c, "type", json_object_new_string("Healthy"));
	json_object_object_add(c, "status", json_object_new_string(healthy ? "True" : "False"));
	if (msg && *msg)
		json_object_object_add(c, "message", json_object_new_string(msg));
	if (err && *err)
		json_object_object_add(c, "error", json_object_new_string(err));
	json_object_array_add(conds, c);
	json_object_object_add(o, "conditions", conds);
	return o;
}

static json_object *virtual_list(void *state)
{
	const struct ck_registry_env *env = state;
	json_object *items = json_object_new_array();
	static const struct {
		const char *name, *url;
	} probes[] = {
		{ "scheduler", "https://127.0.0.1:10259/healthz" },
		{ "controller-manager", "https://127.0.0.1:10257/healthz" },
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		char msg[512] = "", err[512] = "";
		bool ok = probe(probes[i].url, msg, sizeof(msg), err, sizeof(err));
		json_object_array_add(items, component(probes[i].name, ok, msg, err));
	}
	if (env && env->storage) {
		int64_t n;
		struct ck_storage_error serr = { 0 };
		int r = ck_storage_count(env->storage, "/namespaces", &n, &serr);
		json_object_array_add(items, component("etcd-0", r == 0, r == 0 ? "ok" : "",
						       r == 0 ? "" : serr.message));
		ck_storage_error_release(&serr);
	}
	return items;
}

static int start(const struct ck_registry_env *env, void **ret_state)
{
	*ret_state = (void *)env;
	return 0;
}

static json_object *condition_field(json_object *obj, const char *what)
{
	json_object *conds = ck_core_arr(obj, "conditions");
	for (size_t i = 0; i < ck_core_len(conds); i++) {
		json_object *c = ck_core_at(conds, i);
		if (!ck_streq(ck_core_str(c, "type"), "Healthy"))
			continue;
		if (ck_streq(what, "status"))
			return json_object_new_string(
			    ck_streq(ck_core_str(c, "status"), "True") ? "Healthy" : "Unhealthy");
		return json_object_new_string(ck_core_str(c, what));
	}
	return json_object_new_string(ck_streq(what, "status") ? "Unknown" : "");
}

static json_object *cell_status(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return condition_field(obj, "status");
}

static json_object *cell_message(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return condition_field(obj, "message");
}

static json_object *cell_error(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return condition_field(obj, "error");
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Status", "string", "", "Status of the component conditions", 0, cell_status },
	{ "Message", "string", "", "Message of the component conditions", 0, cell_message },
	{ "Error", "string", "", "Error of the component conditions", 0, cell_error },
	{ 0 },
};

static const char *const short_names[] = { "cs", NULL };

const struct ck_resource ck_resource_componentstatuses = {
	CK_CORE("v1"),
	.resource = "componentstatuses",
	.singular = "componentstatus",
	.kind = "ComponentStatus",
	.namespaced = false,
	.verbs = CK_VERB_GET | CK_VERB_LIST,
	.short_names = short_names,
	.columns = columns,
	.start = start,
	.virtual_list = virtual_list,
};
