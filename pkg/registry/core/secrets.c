/* core/v1 secrets: base64 data, stringData folded into data, types, immutable. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apimachinery/field_errors.h"
#include "apimachinery/object.h"
#include "registry/core/data.h"
#include "registry/printers.h"
#include "registry/registry.h"
#include "util/common.h"
#include "util/str.h"

static json_object *cell_type(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return ck_cell_string_at(obj, "type");
}

static json_object *cell_data(json_object *obj, int64_t now_ns)
{
	(void)now_ns;
	return json_object_new_int64(ck_count_at(obj, "data"));
}

static const struct ck_printer_column columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0, ck_cell_name },
	{ "Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0,
	  cell_type },
	{ "Data", "string", "", "Contains the secret data.", 0, cell_data },
	{ "Age", "string", "",
	  "CreationTimestamp is a timestamp representing the server time "
	  "when this object was created.",
	  0, ck_cell_age },
	{ 0 },
};

/* stringData is write-only: its entries replace data's, base64-encoded. */
static void fold_string_data(json_object *obj)
{
	json_object *sd;
	if (!json_object_object_get_ex(obj, "stringData", &sd))
		return;
	if (json_object_is_type(sd, json_type_object) && json_object_object_length(sd) > 0) {
		json_object *data;
		if (!json_object_object_get_ex(obj, "data", &data) ||
		    !json_object_is_type(data, json_type_object)) {
			data = json_object_new_object();
			json_object_object_add(obj, "data", data);
		}
		json_object_object_foreach (sd, k, v) {
			const char *s = json_object_get_string(v);
			char *enc = ck_base64_encode(s ? s : "", s ? strlen(s) : 0);
			json_object_object_add(data, k, json_object_new_string(enc));
			free(enc);
		}
	}
	json_object_object_del(obj, "stringData");
}

static void prepare_create(json_object *obj)
{
	/* Upstream's SetDefaults_Secret: an empty type is Opaque. */
	const char *type = ck_obj_path_str(obj, "type");
	if (!type || !*type)
		json_object_object_add(obj, "type", json_object_new_string("Opaque"));
	fold_string_data(obj);
}

static void prepare_update(json_object *obj, json_object *old)
{
	(void)old;
	const char *type = ck_obj_path_str(obj, "type");
	if (!type || !*type)
		json_object_object_add(obj, "type", json_object_new_string("Opaque"));
	fold_string_data(obj);
}

static int check_decode(json_object *obj, char **ret_msg)
{
	json_object *data = ck_obj_path(obj, "data");
	if (!data || !json_object_is_type(data, json_type_object))
		return 0;
	json_object_object_foreach (data, k, v) {
		(void)k;
		size_t n;
		void *bytes = json_object_is_type(v, json_type_string)
				  ? ck_base64_decode(json_object_get_string(v), &n)
				  : NULL;
		if (!bytes && !json_object_is_type(v, json_type_null)) {
			*ret_msg = ck_strdup(json_object_is_type(v, json_type_string)
						 ? "illegal base64 data at input byte 0"
						 : "json: cannot unmarshal value into Go struct "
						   "field Secret.data of type []uint8");
			return -EINVAL;
		}
		free(bytes);
	}
	return 0;
}

/* The keys a secret of a given type must have (upstream's ValidateSecret). */
static void require_key(json_object *obj, const char *key, struct ck_field_errors *errs)
{
	json_object *data = ck_obj_path(obj, "data");
	if (!data || !json_object_object_get_ex(data, key, NULL)) {
		struct ck_buf path = CK_BUF_INIT;
		ck_buf_adds(&path, "data");
		ck_field_path_key(&path, key);
		ck_field_errors_add_required(errs, ck_buf_str(&path), "");
		ck_buf_release(&path);
	}
}

static void validate(json_object *obj, struct ck_field_errors *errs)
{
	size_t total = 0;
	ck_data_validate_keys(obj, "data", 1, &total, errs);
	if (total > CK_DATA_SIZE_MAX)
		ck_field_errors_add_too_long(errs, "data", CK_DATA_SIZE_MAX);
	const char *type = ck_obj_path_str(obj, "type");
	if (ck_streq(type, "kubernetes.io/service-account-token")) {
		json_object *ann = ck_obj_annotations(obj), *name = NULL;
		if (!ann ||
		    !json_object_object_get_ex(ann, "kubernetes.io/service-account.name", &name) ||
		    !*json_object_get_string(name))
			ck_field_errors_add_required(
			    errs, "metadata.annotations[kubernetes.io/service-account.name]", "");
	} else if (ck_streq(type, "kubernetes.io/dockercfg")) {
		require_key(obj, ".dockercfg", errs);
	} else if (ck_streq(type, "kubernetes.io/dockerconfigjson")) {
		require_key(obj, ".dockerconfigjson", errs);
	} else if (ck_streq(type, "kubernetes.io/ssh-auth")) {
		require_key(obj, "ssh-privatekey", errs);
	} else if (ck_streq(type, "kubernetes.io/tls")) {
		require_key(obj, "tls.crt", errs);
		require_key(obj, "tls.key", errs);
	} else if (ck_streq(type, "kubernetes.io/basic-auth")) {
		json_object *data = ck_obj_path(obj, "data");
		if (!data || (!json_object_object_get_ex(data, "username", NULL) &&
			      !json_object_object_get_ex(data, "password", NULL)))
			ck_field_errors_add_required(errs, "data[username]", "");
	}
}

static void validate_update(json_object *obj, json_object *old, struct ck_field_errors *errs)
{
	json_object *t = ck_obj_path(obj, "type"), *ot = ck_obj_path(old, "type");
	if (!json_object_equal(t, ot))
		ck_field_errors_add_invalid(errs, "type", t, "field is immutable");
	static const char *const fields[] = { "data", NULL };
	ck_data_validate_immutable(obj, old, fields, errs);
}

static const char *const field_selectors[] = { "type", NULL };

const struct ck_resource ck_resource_secrets = {
	CK_CORE("v1"),
	.resource = "secrets",
	.singular = "secret",
	.kind = "Secret",
	.namespaced = true,
	.verbs = CK_VERBS_ALL,
	.columns = columns,
	.field_selectors = field_selectors,
	.prepare_create = prepare_create,
	.prepare_update = prepare_update,
	.validate = validate,
	.validate_update = validate_update,
	.check_decode = check_decode,
};
