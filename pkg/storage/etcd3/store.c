/*
 * The etcd store: get, list, create, guaranteed update, delete and count,
 * case for case as upstream's storage/etcd3/store.go (v1.30).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "storage/etcd3/store_int.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/json_parse.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"

/* Upstream's maxLimit: the largest page the store grows a filtered list to. */
#define MAX_LIST_LIMIT 10000

#define BIN(p, n) ((ProtobufCBinaryData){ (n), (uint8_t *)(p) })

/* ---- objects ------------------------------------------------------------- */

int ck_etcd_store_decode(const void *value, size_t len, int64_t rv, const void *key, size_t key_len,
			 json_object **ret, struct ck_storage_error *err)
{
	json_tokener *tok = ck_json_tokener_get(0);
	json_object *obj = NULL;
	int r = 0;

	if (len > INT32_MAX) {
		r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					 "unable to decode %.*s: value too large", (int)key_len,
					 (const char *)key);
		goto out;
	}
	obj = json_tokener_parse_ex(tok, value, (int)len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object)) {
		enum json_tokener_error je = json_tokener_get_error(tok);
		r = ck_storage_error_set(
		    err, CK_STORAGE_ERR_INTERNAL, "unable to decode object at key \"%.*s\": %s",
		    (int)key_len, (const char *)key,
		    je != json_tokener_success ? json_tokener_error_desc(je) : "not a JSON object");
		goto out;
	}
	if (ck_storage_object_set_resource_version(obj, rv) < 0) {
		r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					 "unable to decode object at key \"%.*s\": metadata is not "
					 "an object",
					 (int)key_len, (const char *)key);
		goto out;
	}
	*ret = obj;
	obj = NULL;
out:
	if (obj)
		json_object_put(obj);
	ck_json_tokener_put(tok);
	return r;
}

/* Upstream's PrepareObjectForStorage: no resourceVersion nor selfLink. */
static int prepare_for_storage(json_object *obj, const char *key, struct ck_storage_error *err)
{
	json_object *meta;
	if (!json_object_is_type(obj, json_type_object))
		return ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					    "PrepareObjectForStorage failed: object for \"%s\" is "
					    "not a JSON object",
					    key);
	if (json_object_object_get_ex(obj, "metadata", &meta)) {
		if (!json_object_is_type(meta, json_type_object))
			return ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						    "PrepareObjectForStorage failed: metadata of "
						    "\"%s\" is not an object",
						    key);
		json_object_object_del(meta, "resourceVersion");
		json_object_object_del(meta, "selfLink");
	}
	return 0;
}

/* The stored form of obj; borrowed from obj (valid until obj changes). */
static const char *encode(json_object *obj, size_t *ret_len)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
	    obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	*ret_len = len;
	return s;
}

int ck_etcd_store_etcd_error(const struct ck_etcd_err *e, struct ck_storage_error *err)
{
	int code;
	switch (e->code) {
	case -ETIMEDOUT:
		code = CK_STORAGE_ERR_TIMEOUT;
		break;
	case -EHOSTUNREACH:
		code = CK_STORAGE_ERR_UNREACHABLE;
		break;
	case -EKEYEXPIRED:
		code = CK_STORAGE_ERR_EXPIRED;
		break;
	case -EOVERFLOW:
		code = CK_STORAGE_ERR_TOO_LARGE_RV;
		break;
	default:
		code = CK_STORAGE_ERR_INTERNAL;
	}
	return ck_storage_error_set(err, code, "%s", e->message);
}

static int validate_minimum_rv(const char *minimum, int64_t actual, struct ck_storage_error *err)
{
	uint64_t min;
	int r;
	if (!minimum || !*minimum)
		return 0;
	if ((r = ck_storage_parse_resource_version(minimum, &min, err)) < 0)
		return r;
	if (min > (uint64_t)actual) {
		r = ck_storage_error_set(
		    err, CK_STORAGE_ERR_TOO_LARGE_RV,
		    "Too large resource version: %" PRIu64 ", current: %" PRId64, min, actual);
		if (err)
			err->retry_after_seconds = 0;
		return r;
	}
	return 0;
}

/* ---- get ------------------------------------------------------------------ */

/* A linearizable read of one key; the caller frees *ret. */
static int get_key(struct etcd_store *s, const char *key, Etcdserverpb__RangeResponse **ret,
		   struct ck_storage_error *err)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	struct ck_etcd_err e;
	req.key = BIN(key, strlen(key));
	if (ck_etcd_range(s->client, &req, ret, &e) < 0)
		return ck_etcd_store_etcd_error(&e, err);
	return 0;
}

static int store_get(struct ck_storage *base, const char *key,
		     const struct ck_storage_get_options *o, json_object **ret_obj,
		     struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	Etcdserverpb__RangeResponse *resp = NULL;
	char *pkey = NULL;
	int r;

	if ((r = ck_storage_prepare_key(s->path_prefix, key, false, &pkey, err)) < 0)
		return r;
	if ((r = get_key(s, pkey, &resp, err)) < 0)
		goto out;
	if ((r = validate_minimum_rv(o->resource_version, resp->header ? resp->header->revision : 0,
				     err)) < 0)
		goto out;
	if (resp->n_kvs == 0) {
		if (o->ignore_not_found)
			*ret_obj = NULL;
		else
			r = ck_storage_error_storage(err, CK_STORAGE_CODE_KEY_NOT_FOUND, pkey, 0,
						     "");
		goto out;
	}
	Mvccpb__KeyValue *kv = resp->kvs[0];
	r = ck_etcd_store_decode(kv->value.data, kv->value.len, kv->mod_revision, pkey,
				 strlen(pkey), ret_obj, err);
out:
	ck_etcd_response_free(resp);
	free(pkey);
	return r;
}

/* ---- list ----------------------------------------------------------------- */

/* upstream storage.ValidateListOptions */
static int validate_list_options(const char *key_prefix, const struct ck_storage_list_options *o,
				 int64_t *ret_with_rev, char **ret_continue_key,
				 size_t *ret_continue_len, struct ck_storage_error *err)
{
	const char *rv = o->resource_version ? o->resource_version : "";
	const char *match = o->resource_version_match ? o->resource_version_match : "";
	int64_t with_rev = 0;
	uint64_t parsed;
	int r;

	*ret_continue_key = NULL;
	*ret_continue_len = 0;
	if (o->recursive && o->continue_token && *o->continue_token) {
		char *key;
		size_t key_len;
		int64_t continue_rv;
		struct ck_storage_error inner = { 0 };
		r = ck_storage_continue_decode(o->continue_token, key_prefix, &key, &key_len,
					       &continue_rv, &inner);
		if (r < 0)
			return ck_storage_error_set(err, CK_STORAGE_ERR_BAD_REQUEST,
						    "invalid continue token: %s", inner.message);
		if (*rv && !ck_streq(rv, "0")) {
			free(key);
			return ck_storage_error_set(
			    err, CK_STORAGE_ERR_BAD_REQUEST,
			    "specifying resource version is not allowed when using continue");
		}
		/* > 0: that revision; < 0: the latest (after an expired token) */
		*ret_with_rev = continue_rv > 0 ? continue_rv : 0;
		*ret_continue_key = key;
		*ret_continue_len = key_len;
		return 0;
	}
	if (!*rv) {
		*ret_with_rev = 0;
		return 0;
	}
	if ((r = ck_storage_parse_resource_version(rv, &parsed, err)) < 0)
		return r;
	if (parsed > INT64_MAX)
		parsed = INT64_MAX;
	if (ck_streq(match, "NotOlderThan")) {
		/* checked against the answer's revision */
	} else if (ck_streq(match, "Exact")) {
		with_rev = (int64_t)parsed;
	} else if (*match == '\0') {
		if (o->recursive && o->limit > 0 && parsed > 0)
			with_rev = (int64_t)parsed;
	} else {
		return ck_storage_error_set(err, CK_STORAGE_ERR_BAD_REQUEST,
					    "unknown ResourceVersionMatch value: %s", match);
	}
	*ret_with_rev = with_rev;
	return 0;
}

/* The current revision (a count-only read of the prefix); 0 when unknown. */
static int64_t current_revision(struct etcd_store *s, const char *key_prefix)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err e;
	int64_t rev = 0;
	req.key = BIN(key_prefix, strlen(key_prefix));
	req.count_only = true;
	if (ck_etcd_range(s->client, &req, &resp, &e) == 0 && resp->header)
		rev = resp->header->revision;
	ck_etcd_response_free(resp);
	return rev;
}

/* upstream interpretListError + handleCompactedErrorForPaging */
static int list_error(struct etcd_store *s, const struct ck_etcd_err *e, int64_t with_rev,
		      bool had_continue, const char *continue_key, size_t continue_len,
		      const char *key_prefix, struct ck_storage_error *err)
{
	if (e->code == -EKEYEXPIRED) {
		if (!had_continue)
			return ck_storage_error_set(err, CK_STORAGE_ERR_EXPIRED, "%s",
						    CK_STORAGE_MSG_EXPIRED_LIST);
		char *token = NULL;
		if (ck_storage_continue_encode(continue_key, continue_len, key_prefix, -1, &token) <
		    0)
			return ck_storage_error_set(err, CK_STORAGE_ERR_EXPIRED, "%s",
						    CK_STORAGE_MSG_CONTINUE_EXPIRED);
		ck_storage_error_set(err, CK_STORAGE_ERR_EXPIRED, "%s",
				     CK_STORAGE_MSG_INCONSISTENT_CONTINUE);
		if (err) {
			free(err->continue_token);
			err->continue_token = token;
		} else {
			free(token);
		}
		return CK_STORAGE_ERR_EXPIRED;
	}
	if (e->code == -EOVERFLOW) {
		int64_t cur = current_revision(s, key_prefix);
		ck_storage_error_set(err, CK_STORAGE_ERR_TOO_LARGE_RV,
				     "Too large resource version: %" PRId64 ", current: %" PRId64,
				     with_rev, cur);
		if (err)
			err->retry_after_seconds = 0;
		return CK_STORAGE_ERR_TOO_LARGE_RV;
	}
	return ck_etcd_store_etcd_error(e, err);
}

static int store_list(struct ck_storage *base, const char *key,
		      const struct ck_storage_list_options *o, struct ck_storage_list_result *ret,
		      struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	char *key_prefix = NULL, *continue_key = NULL;
	size_t continue_len = 0;
	uint8_t *range_end = NULL;
	size_t range_end_len = 0;
	struct ck_buf next_key = CK_BUF_INIT; /* the key to read from */
	struct ck_buf last_key = CK_BUF_INIT;
	json_object *items = NULL;
	Etcdserverpb__RangeResponse *resp = NULL;
	int64_t with_rev = 0, limit = o->limit, count = 0;
	bool paging = o->limit > 0, has_more = false;
	int r;

	if ((r = ck_storage_prepare_key(s->path_prefix, key, o->recursive, &key_prefix, err)) < 0)
		return r;
	if ((r = validate_list_options(key_prefix, o, &with_rev, &continue_key, &continue_len,
				       err)) < 0)
		goto out;
	if (continue_key)
		ck_buf_add(&next_key, continue_key, continue_len);
	else
		ck_buf_adds(&next_key, key_prefix);
	if (o->recursive) {
		size_t plen = strlen(key_prefix);
		range_end = ck_malloc(plen + 1);
		range_end_len = ck_etcd_prefix_end(key_prefix, plen, range_end);
	}
	items = json_object_new_array();

	for (;;) {
		Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
		struct ck_etcd_err e;
		req.key = BIN(next_key.data, next_key.len);
		if (o->recursive) {
			req.range_end = BIN(range_end, range_end_len);
			if (paging)
				req.limit = limit;
		}
		req.revision = with_rev;
		ck_etcd_response_free(resp);
		resp = NULL;
		if (ck_etcd_range(s->client, &req, &resp, &e) < 0) {
			r = list_error(s, &e, with_rev, o->continue_token && *o->continue_token,
				       continue_key, continue_len, key_prefix, err);
			goto out;
		}
		int64_t header_rev = resp->header ? resp->header->revision : 0;
		if ((r = validate_minimum_rv(o->resource_version, header_rev, err)) < 0)
			goto out;
		has_more = resp->more;
		count = resp->count;
		if (resp->n_kvs == 0 && resp->more) {
			r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						 "no results were found, but etcd indicated there "
						 "were more values remaining");
			goto out;
		}
		/* the revision of the whole list, kept for every page */
		if (with_rev == 0)
			with_rev = header_rev;
		for (size_t i = 0; i < resp->n_kvs; i++) {
			Mvccpb__KeyValue *kv = resp->kvs[i];
			json_object *obj;
			if (paging && (int64_t)json_object_array_length(items) >= o->limit) {
				has_more = true;
				break;
			}
			ck_buf_reset(&last_key);
			ck_buf_add(&last_key, kv->key.data, kv->key.len);
			if ((r = ck_etcd_store_decode(kv->value.data, kv->value.len,
						      kv->mod_revision, kv->key.data, kv->key.len,
						      &obj, err)) < 0)
				goto out;
			if (!o->filter || o->filter(o->filter_arg, obj))
				json_object_array_add(items, obj);
			else
				json_object_put(obj);
		}
		/* no more results remain, or we did not ask for pages */
		if (!has_more || !paging)
			break;
		/* the page is full */
		if ((int64_t)json_object_array_length(items) >= o->limit)
			break;
		/* the filter dropped items: read bigger pages */
		if (limit < MAX_LIST_LIMIT) {
			limit *= 2;
			if (limit > MAX_LIST_LIMIT)
				limit = MAX_LIST_LIMIT;
		}
		ck_buf_reset(&next_key);
		ck_buf_add(&next_key, last_key.data, last_key.len);
		ck_buf_addc(&next_key, '\0');
	}

	ret->continue_token = NULL;
	ret->remaining_item_count = -1;
	if (has_more) {
		/* the next page starts right after the last key returned */
		ck_buf_addc(&last_key, '\0');
		if ((r = ck_storage_continue_encode(last_key.data, last_key.len, key_prefix,
						    with_rev, &ret->continue_token)) < 0) {
			r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						 "unable to encode next field: the key and key "
						 "prefix do not match");
			goto out;
		}
		/* etcd's count includes items the filter would drop */
		if (!o->filter)
			ret->remaining_item_count = count - o->limit;
	}
	ret->items = items;
	items = NULL;
	ret->resource_version = with_rev;
	r = 0;
out:
	if (items)
		json_object_put(items);
	ck_etcd_response_free(resp);
	ck_buf_release(&next_key);
	ck_buf_release(&last_key);
	free(range_end);
	free(continue_key);
	free(key_prefix);
	return r;
}

int ck_etcd_store_sync(struct etcd_store *s, const char *key, bool recursive, int64_t page_size,
		       int (*fn)(void *arg, json_object *obj, int64_t rev), void *arg,
		       int64_t *ret_rev, struct ck_storage_error *err)
{
	struct ck_buf next_key = CK_BUF_INIT;
	uint8_t *range_end = NULL;
	size_t range_end_len = 0;
	Etcdserverpb__RangeResponse *resp = NULL;
	int64_t with_rev = 0;
	int r = 0;

	ck_buf_adds(&next_key, key);
	if (recursive) {
		range_end = ck_malloc(strlen(key) + 1);
		range_end_len = ck_etcd_prefix_end(key, strlen(key), range_end);
	}
	for (;;) {
		Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
		struct ck_etcd_err e;
		req.key = BIN(next_key.data, next_key.len);
		if (recursive) {
			req.range_end = BIN(range_end, range_end_len);
			req.limit = page_size;
		}
		req.revision = with_rev;
		ck_etcd_response_free(resp);
		resp = NULL;
		if (ck_etcd_range(s->client, &req, &resp, &e) < 0) {
			r = ck_etcd_store_etcd_error(&e, err);
			goto out;
		}
		if (resp->n_kvs == 0 && resp->more) {
			r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						 "no results were found, but etcd indicated there "
						 "were more values remaining");
			goto out;
		}
		if (with_rev == 0)
			with_rev = resp->header ? resp->header->revision : 0;
		for (size_t i = 0; i < resp->n_kvs; i++) {
			Mvccpb__KeyValue *kv = resp->kvs[i];
			json_object *obj;
			if ((r = ck_etcd_store_decode(kv->value.data, kv->value.len,
						      kv->mod_revision, kv->key.data, kv->key.len,
						      &obj, err)) < 0)
				goto out;
			if ((r = fn(arg, obj, kv->mod_revision)) < 0)
				goto out;
		}
		if (!resp->more)
			break;
		Mvccpb__KeyValue *last = resp->kvs[resp->n_kvs - 1];
		ck_buf_reset(&next_key);
		ck_buf_add(&next_key, last->key.data, last->key.len);
		ck_buf_addc(&next_key, '\0');
	}
	*ret_rev = with_rev;
out:
	ck_etcd_response_free(resp);
	ck_buf_release(&next_key);
	free(range_end);
	return r;
}

/* ---- count ----------------------------------------------------------------- */

static int store_count(struct ck_storage *base, const char *key, int64_t *ret_count,
		       struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	struct ck_etcd_err e;
	char *pkey = NULL;
	uint8_t *end = NULL;
	int r;

	/* a trailing "/" so that "/a" counts "/a/b" but not "/ab" */
	if ((r = ck_storage_prepare_key(s->path_prefix, key, true, &pkey, err)) < 0)
		return r;
	end = ck_malloc(strlen(pkey) + 1);
	req.key = BIN(pkey, strlen(pkey));
	req.range_end = BIN(end, ck_etcd_prefix_end(pkey, strlen(pkey), end));
	req.count_only = true;
	if (ck_etcd_range(s->client, &req, &resp, &e) < 0) {
		r = ck_etcd_store_etcd_error(&e, err);
		goto out;
	}
	*ret_count = resp->count;
out:
	ck_etcd_response_free(resp);
	free(end);
	free(pkey);
	return r;
}

/* ---- create ----------------------------------------------------------------- */

/* A transaction "if mod_revision(key) == rev then op else get(key)". */
struct cas_txn {
	Etcdserverpb__TxnRequest txn;
	Etcdserverpb__Compare cmp;
	Etcdserverpb__Compare *cmps[1];
	Etcdserverpb__RequestOp then_op, else_op;
	Etcdserverpb__RequestOp *then_ops[1], *else_ops[1];
	Etcdserverpb__PutRequest put;
	Etcdserverpb__DeleteRangeRequest del;
	Etcdserverpb__RangeRequest get;
};

static void cas_init(struct cas_txn *t, const char *key, int64_t rev, bool get_on_failure)
{
	Etcdserverpb__TxnRequest txn = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__DeleteRangeRequest del = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
	Etcdserverpb__RangeRequest get = ETCDSERVERPB__RANGE_REQUEST__INIT;

	t->txn = txn;
	t->cmp = cmp;
	t->then_op = op;
	t->else_op = op;
	t->put = put;
	t->del = del;
	t->get = get;
	t->cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL;
	t->cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD;
	t->cmp.key = BIN(key, strlen(key));
	t->cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
	t->cmp.mod_revision = rev;
	t->cmps[0] = &t->cmp;
	t->txn.n_compare = 1;
	t->txn.compare = t->cmps;
	t->then_ops[0] = &t->then_op;
	t->txn.n_success = 1;
	t->txn.success = t->then_ops;
	if (get_on_failure) {
		t->get.key = t->cmp.key;
		t->else_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE;
		t->else_op.request_range = &t->get;
		t->else_ops[0] = &t->else_op;
		t->txn.n_failure = 1;
		t->txn.failure = t->else_ops;
	}
}

static void cas_put(struct cas_txn *t, const char *data, size_t len, int64_t lease)
{
	t->put.key = t->cmp.key;
	t->put.value = BIN(data, len);
	t->put.lease = lease;
	t->then_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	t->then_op.request_put = &t->put;
}

static void cas_delete(struct cas_txn *t)
{
	t->del.key = t->cmp.key;
	t->del.prev_kv = true;
	t->then_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_DELETE_RANGE;
	t->then_op.request_delete_range = &t->del;
}

static int lease_for(struct etcd_store *s, uint64_t ttl, int64_t *ret_lease,
		     struct ck_storage_error *err)
{
	struct ck_etcd_err e;
	*ret_lease = 0;
	if (ttl == 0)
		return 0;
	if (ck_lease_manager_get(&s->leases, (int64_t)(ttl > INT32_MAX ? INT32_MAX : ttl),
				 ret_lease, &e) < 0)
		return ck_etcd_store_etcd_error(&e, err);
	return 0;
}

static int store_create(struct ck_storage *base, const char *key, json_object *obj, uint64_t ttl,
			json_object **ret_out, struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	Etcdserverpb__TxnResponse *resp = NULL;
	struct ck_etcd_err e;
	struct cas_txn t;
	char *pkey = NULL;
	uint64_t version;
	int64_t lease;
	size_t len;
	int r;

	if ((r = ck_storage_prepare_key(s->path_prefix, key, false, &pkey, err)) < 0)
		return r;
	if (ck_storage_object_resource_version(obj, &version) == 0 && version != 0) {
		r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					 "resourceVersion should not be set on objects to be "
					 "created");
		goto out;
	}
	if ((r = prepare_for_storage(obj, pkey, err)) < 0)
		goto out;
	const char *data = encode(obj, &len);
	if ((r = lease_for(s, ttl, &lease, err)) < 0)
		goto out;
	/* create only if absent: mod_revision(key) == 0 */
	cas_init(&t, pkey, 0, false);
	cas_put(&t, data, len, lease);
	if (ck_etcd_txn(s->client, &t.txn, &resp, &e) < 0) {
		r = ck_etcd_store_etcd_error(&e, err);
		goto out;
	}
	if (!resp->succeeded) {
		r = ck_storage_error_storage(err, CK_STORAGE_CODE_KEY_EXISTS, pkey, 0, "");
		goto out;
	}
	if (ret_out) {
		ck_storage_object_set_resource_version(obj,
						       resp->header ? resp->header->revision : 0);
		*ret_out = json_object_get(obj);
	}
out:
	ck_etcd_response_free(resp);
	free(pkey);
	return r;
}

/* ---- guaranteed update and delete ---------------------------------------------- */

/* The object as last read (or suggested), as upstream's objState. */
struct obj_state {
	json_object *obj; /* owned; NULL when absent */
	int64_t rev;
	char *data; /* the stored bytes (owned); NULL when absent */
	size_t len;
};

static void state_release(struct obj_state *st)
{
	if (st->obj)
		json_object_put(st->obj);
	free(st->data);
	memset(st, 0, sizeof(*st));
}

/* upstream getState: from a key-value (NULL: absent). */
static int state_from_kv(struct obj_state *st, const Mvccpb__KeyValue *kv, const char *key,
			 bool ignore_not_found, struct ck_storage_error *err)
{
	state_release(st);
	if (!kv) {
		if (!ignore_not_found)
			return ck_storage_error_storage(err, CK_STORAGE_CODE_KEY_NOT_FOUND, key, 0,
							"");
		return 0;
	}
	int r = ck_etcd_store_decode(kv->value.data, kv->value.len, kv->mod_revision, key,
				     strlen(key), &st->obj, err);
	if (r < 0)
		return r;
	st->rev = kv->mod_revision;
	st->data = ck_malloc(kv->value.len + 1);
	memcpy(st->data, kv->value.data, kv->value.len);
	st->data[kv->value.len] = '\0';
	st->len = kv->value.len;
	return 0;
}

/* upstream getCurrentState: a fresh read. */
static int state_current(struct etcd_store *s, struct obj_state *st, const char *key,
			 bool ignore_not_found, struct ck_storage_error *err)
{
	Etcdserverpb__RangeResponse *resp = NULL;
	int r = get_key(s, key, &resp, err);
	if (r == 0)
		r = state_from_kv(st, resp->n_kvs ? resp->kvs[0] : NULL, key, ignore_not_found,
				  err);
	ck_etcd_response_free(resp);
	return r;
}

/* upstream getStateFromObject: from a suggested (cached) object; private: the caller's own
 * copy, which st may take. */
static int state_from_object(struct obj_state *st, json_object *cached, bool private,
			     const char *key, struct ck_storage_error *err)
{
	uint64_t rv;
	size_t len;
	int r;

	state_release(st);
	if (ck_storage_object_resource_version(cached, &rv) < 0)
		return ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					    "couldn't get resource version of \"%s\"", key);
	/* a private copy: the suggestion may be shared with the cache */
	if (private)
		st->obj = json_object_get(cached);
	else if (json_object_deep_copy(cached, &st->obj, NULL) < 0)
		return ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
					    "unable to copy the object for \"%s\"", key);
	st->rev = (int64_t)rv;
	if ((r = prepare_for_storage(st->obj, key, err)) < 0)
		return r;
	const char *data = encode(st->obj, &len);
	st->data = ck_strndup(data, len);
	st->len = len;
	ck_storage_object_set_resource_version(st->obj, st->rev);
	return 0;
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && memcmp(a, b, alen) == 0;
}

static int store_guaranteed_update(struct ck_storage *base, const char *key,
				   const struct ck_storage_update_options *o,
				   ck_storage_update_fn fn, void *arg, json_object **ret_out,
				   struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	struct obj_state st = { 0 };
	bool current = false;
	json_object *next = NULL;
	Etcdserverpb__TxnResponse *resp = NULL;
	char *pkey = NULL;
	int r;

	if ((r = ck_storage_prepare_key(s->path_prefix, key, false, &pkey, err)) < 0)
		return r;
	if (o->cached_existing) {
		r = state_from_object(&st, o->cached_existing, o->cached_existing_private, pkey,
				      err);
	} else {
		r = state_current(s, &st, pkey, o->ignore_not_found, err);
		current = true;
	}
	if (r < 0)
		goto out;

	for (;;) {
		if ((r = ck_storage_preconditions_check(o->preconditions, pkey, st.obj, err)) < 0) {
			/* our data is up to date: that is the answer */
			if (current)
				goto out;
			/* it may be stale: read and retry */
			if ((r = state_current(s, &st, pkey, o->ignore_not_found, err)) < 0)
				goto out;
			current = true;
			continue;
		}

		struct ck_storage_response_meta meta = { st.rev };
		uint64_t ttl = 0;
		if (next)
			json_object_put(next);
		next = NULL;
		r = fn(arg, st.obj, &meta, &next, &ttl);
		if (r == 0 && !next)
			r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						 "update of \"%s\" returned no object", pkey);
		if (r == 0)
			r = prepare_for_storage(next, pkey, err);
		if (r < 0) {
			if (current)
				goto out;
			/* maybe stale data: read; the error stands if it was not */
			int64_t cached_rev = st.rev;
			int fn_err = r;
			struct ck_storage_error saved;
			if (err)
				saved = *err;
			if ((r = state_current(s, &st, pkey, o->ignore_not_found, err)) < 0)
				goto out;
			current = true;
			if (cached_rev == st.rev) {
				r = fn_err;
				if (err)
					*err = saved;
				goto out;
			}
			continue;
		}

		size_t len;
		const char *data = encode(next, &len);
		if (same_bytes(data, len, st.data, st.len)) {
			/* nothing changed; but a suggestion must be checked first */
			if (!current) {
				if ((r = state_current(s, &st, pkey, o->ignore_not_found, err)) < 0)
					goto out;
				current = true;
				if (!same_bytes(data, len, st.data, st.len))
					continue;
			}
			ck_storage_object_set_resource_version(next, st.rev);
			if (ret_out) {
				*ret_out = next;
				next = NULL;
			}
			r = 0;
			goto out;
		}

		int64_t lease;
		if ((r = lease_for(s, ttl, &lease, err)) < 0)
			goto out;
		struct cas_txn t;
		struct ck_etcd_err e;
		cas_init(&t, pkey, st.rev, true);
		cas_put(&t, data, len, lease);
		ck_etcd_response_free(resp);
		resp = NULL;
		if (ck_etcd_txn(s->client, &t.txn, &resp, &e) < 0) {
			r = ck_etcd_store_etcd_error(&e, err);
			goto out;
		}
		if (!resp->succeeded) {
			ck_log_v(4,
				 "GuaranteedUpdate of %s failed because of a conflict, going to "
				 "retry",
				 pkey);
			Etcdserverpb__RangeResponse *rr =
			    resp->n_responses ? resp->responses[0]->response_range : NULL;
			if ((r = state_from_kv(&st, rr && rr->n_kvs ? rr->kvs[0] : NULL, pkey,
					       o->ignore_not_found, err)) < 0)
				goto out;
			current = true;
			continue;
		}
		ck_storage_object_set_resource_version(next,
						       resp->header ? resp->header->revision : 0);
		if (ret_out) {
			*ret_out = next;
			next = NULL;
		}
		r = 0;
		goto out;
	}
out:
	if (next)
		json_object_put(next);
	ck_etcd_response_free(resp);
	state_release(&st);
	free(pkey);
	return r;
}

static int store_delete(struct ck_storage *base, const char *key,
			const struct ck_storage_delete_options *o, json_object **ret_deleted,
			struct ck_storage_error *err)
{
	struct etcd_store *s = (struct etcd_store *)base;
	struct obj_state st = { 0 };
	bool current = false;
	Etcdserverpb__TxnResponse *resp = NULL;
	char *pkey = NULL;
	int r;

	if ((r = ck_storage_prepare_key(s->path_prefix, key, false, &pkey, err)) < 0)
		return r;
	if (o->cached_existing) {
		r = state_from_object(&st, o->cached_existing, false, pkey, err);
	} else {
		r = state_current(s, &st, pkey, false, err);
		current = true;
	}
	if (r < 0)
		goto out;

	for (;;) {
		r = ck_storage_preconditions_check(o->preconditions, pkey, st.obj, err);
		if (r == 0 && o->validate)
			r = o->validate(o->validate_arg, st.obj);
		if (r < 0) {
			if (current)
				goto out;
			/* maybe stale data: read; the error stands if it was not */
			int64_t cached_rev = st.rev;
			int check_err = r;
			struct ck_storage_error saved;
			if (err)
				saved = *err;
			if ((r = state_current(s, &st, pkey, false, err)) < 0)
				goto out;
			current = true;
			if (cached_rev == st.rev) {
				r = check_err;
				if (err)
					*err = saved;
				goto out;
			}
			continue;
		}

		struct cas_txn t;
		struct ck_etcd_err e;
		cas_init(&t, pkey, st.rev, true);
		cas_delete(&t);
		ck_etcd_response_free(resp);
		resp = NULL;
		if (ck_etcd_txn(s->client, &t.txn, &resp, &e) < 0) {
			r = ck_etcd_store_etcd_error(&e, err);
			goto out;
		}
		if (!resp->succeeded) {
			ck_log_v(4, "deletion of %s failed because of a conflict, going to retry",
				 pkey);
			Etcdserverpb__RangeResponse *rr =
			    resp->n_responses ? resp->responses[0]->response_range : NULL;
			if ((r = state_from_kv(&st, rr && rr->n_kvs ? rr->kvs[0] : NULL, pkey,
					       false, err)) < 0)
				goto out;
			current = true;
			continue;
		}
		if (resp->n_responses == 0 || !resp->responses[0]->response_delete_range ||
		    !resp->header) {
			r = ck_storage_error_set(err, CK_STORAGE_ERR_INTERNAL,
						 "invalid DeleteRange response for \"%s\"", pkey);
			goto out;
		}
		if (ret_deleted)
			r = ck_etcd_store_decode(st.data, st.len, resp->header->revision, pkey,
						 strlen(pkey), ret_deleted, err);
		goto out;
	}
out:
	ck_etcd_response_free(resp);
	state_release(&st);
	free(pkey);
	return r;
}

/* ---- the store ----------------------------------------------------------------- */

static void store_free(struct ck_storage *base)
{
	struct etcd_store *s = (struct etcd_store *)base;
	ck_lease_manager_release(&s->leases);
	free(s->path_prefix);
	free(s);
}

static const struct ck_storage_ops etcd_store_ops = {
	.free = store_free,
	.get = store_get,
	.list = store_list,
	.create = store_create,
	.guaranteed_update = store_guaranteed_update,
	.delete = store_delete,
	.count = store_count,
	.watch = ck_etcd_store_watch,
};

int ck_etcd_store_new(const struct ck_etcd_store_config *cfg, struct ck_storage **ret)
{
	struct etcd_store *s;
	if (!cfg || !cfg->client)
		return -EINVAL;
	s = ck_calloc(1, sizeof(*s));
	s->base.ops = &etcd_store_ops;
	s->client = cfg->client;
	s->path_prefix = ck_storage_path_prefix(cfg->prefix);
	ck_lease_manager_init(&s->leases, cfg->client, cfg->lease_reuse_duration_seconds,
			      cfg->lease_max_object_count);
	*ret = &s->base;
	return 0;
}
