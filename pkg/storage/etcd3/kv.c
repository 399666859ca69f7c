/* KV service: Range, Put, DeleteRange, Txn, Compact. */
#include <string.h>

#include "storage/etcd3/etcd3_int.h"

int ck_etcd_range(struct ck_etcd *c, const Etcdserverpb__RangeRequest *req,
		  Etcdserverpb__RangeResponse **ret, struct ck_etcd_err *err)
{
	return ck_etcd_unary(c, "/etcdserverpb.KV/Range", &req->base,
			     &etcdserverpb__range_response__descriptor, true, 0, -1,
			     (ProtobufCMessage **)ret, err);
}

int ck_etcd_put(struct ck_etcd *c, const Etcdserverpb__PutRequest *req,
		Etcdserverpb__PutResponse **ret, struct ck_etcd_err *err)
{
	return ck_etcd_unary(c, "/etcdserverpb.KV/Put", &req->base,
			     &etcdserverpb__put_response__descriptor, false, 0, -1,
			     (ProtobufCMessage **)ret, err);
}

int ck_etcd_delete_range(struct ck_etcd *c, const Etcdserverpb__DeleteRangeRequest *req,
			 Etcdserverpb__DeleteRangeResponse **ret, struct ck_etcd_err *err)
{
	return ck_etcd_unary(c, "/etcdserverpb.KV/DeleteRange", &req->base,
			     &etcdserverpb__delete_range_response__descriptor, false, 0, -1,
			     (ProtobufCMessage **)ret, err);
}

/* A transaction made only of reads may be retried like a read. */
static bool txn_is_read_only(const Etcdserverpb__TxnRequest *req)
{
	for (size_t i = 0; i < req->n_success; i++)
		if (req->success[i]->request_case !=
		    ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE)
			return false;
	for (size_t i = 0; i < req->n_failure; i++)
		if (req->failure[i]->request_case !=
		    ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE)
			return false;
	return true;
}

int ck_etcd_txn(struct ck_etcd *c, const Etcdserverpb__TxnRequest *req,
		Etcdserverpb__TxnResponse **ret, struct ck_etcd_err *err)
{
	return ck_etcd_unary(c, "/etcdserverpb.KV/Txn", &req->base,
			     &etcdserverpb__txn_response__descriptor, txn_is_read_only(req), 0, -1,
			     (ProtobufCMessage **)ret, err);
}

int ck_etcd_compact(struct ck_etcd *c, int64_t revision, bool physical,
		    int64_t *ret_header_revision, struct ck_etcd_err *err)
{
	Etcdserverpb__CompactionRequest req = ETCDSERVERPB__COMPACTION_REQUEST__INIT;
	Etcdserverpb__CompactionResponse *resp = NULL;
	int r;

	req.revision = revision;
	req.physical = physical;
	/* Compacting twice to the same revision is harmless: a read for retries. */
	r = ck_etcd_unary(c, "/etcdserverpb.KV/Compact", &req.base,
			  &etcdserverpb__compaction_response__descriptor, true, 0, -1,
			  (ProtobufCMessage **)&resp, err);
	if (r < 0)
		return r;
	if (ret_header_revision)
		*ret_header_revision = resp->header ? resp->header->revision : 0;
	ck_etcd_response_free(resp);
	return 0;
}

size_t ck_etcd_prefix_end(const void *prefix, size_t len, uint8_t *buf)
{
	const uint8_t *p = prefix;
	if (len)
		memcpy(buf, p, len);
	for (size_t i = len; i-- > 0;) {
		if (buf[i] < 0xff) {
			buf[i]++;
			return i + 1;
		}
	}
	/* every byte is 0xff (or no byte): the end of the keyspace */
	buf[0] = 0;
	return 1;
}
