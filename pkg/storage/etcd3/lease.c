/* Lease service (Grant, Revoke, KeepAlive, TimeToLive) and Maintenance.Status. */
#include <errno.h>

#include "storage/etcd3/etcd3_int.h"

int ck_etcd_lease_grant(struct ck_etcd *c, int64_t ttl, int64_t *ret_id, int64_t *ret_ttl,
			struct ck_etcd_err *err)
{
	Etcdserverpb__LeaseGrantRequest req = ETCDSERVERPB__LEASE_GRANT_REQUEST__INIT;
	Etcdserverpb__LeaseGrantResponse *resp = NULL;
	int r;

	req.ttl = ttl;
	r = ck_etcd_unary(c, "/etcdserverpb.Lease/LeaseGrant", &req.base,
			  &etcdserverpb__lease_grant_response__descriptor, false, 0, -1,
			  (ProtobufCMessage **)&resp, err);
	if (r < 0)
		return r;
	if (resp->error && *resp->error) {
		r = ck_etcd_seterr(err, -EIO, "etcd LeaseGrant: %s", resp->error);
	} else {
		*ret_id = resp->id;
		if (ret_ttl)
			*ret_ttl = resp->ttl;
	}
	ck_etcd_response_free(resp);
	return r;
}

int ck_etcd_lease_revoke(struct ck_etcd *c, int64_t id, struct ck_etcd_err *err)
{
	Etcdserverpb__LeaseRevokeRequest req = ETCDSERVERPB__LEASE_REVOKE_REQUEST__INIT;
	Etcdserverpb__LeaseRevokeResponse *resp = NULL;
	int r;

	req.id = id;
	r = ck_etcd_unary(c, "/etcdserverpb.Lease/LeaseRevoke", &req.base,
			  &etcdserverpb__lease_revoke_response__descriptor, false, 0, -1,
			  (ProtobufCMessage **)&resp, err);
	ck_etcd_response_free(resp);
	return r;
}

/*
 * LeaseKeepAlive is a bidirectional stream, but one request followed by a
 * half-close is answered with one response and a clean end: etcd's server
 * renews, sends, then sees the end of the stream. So one batch of the six
 * unary ops does a whole round trip, and renewing twice is harmless.
 */
int ck_etcd_lease_keepalive_once(struct ck_etcd *c, int64_t id, int64_t *ret_ttl,
				 struct ck_etcd_err *err)
{
	Etcdserverpb__LeaseKeepAliveRequest req = ETCDSERVERPB__LEASE_KEEP_ALIVE_REQUEST__INIT;
	Etcdserverpb__LeaseKeepAliveResponse *resp = NULL;
	int r;

	req.id = id;
	r = ck_etcd_unary(c, "/etcdserverpb.Lease/LeaseKeepAlive", &req.base,
			  &etcdserverpb__lease_keep_alive_response__descriptor, true, 0, -1,
			  (ProtobufCMessage **)&resp, err);
	if (r < 0)
		return r;
	*ret_ttl = resp->ttl;
	ck_etcd_response_free(resp);
	return 0;
}

int ck_etcd_lease_time_to_live(struct ck_etcd *c, int64_t id, int64_t *ret_ttl,
			       struct ck_etcd_err *err)
{
	Etcdserverpb__LeaseTimeToLiveRequest req = ETCDSERVERPB__LEASE_TIME_TO_LIVE_REQUEST__INIT;
	Etcdserverpb__LeaseTimeToLiveResponse *resp = NULL;
	int r;

	req.id = id;
	r = ck_etcd_unary(c, "/etcdserverpb.Lease/LeaseTimeToLive", &req.base,
			  &etcdserverpb__lease_time_to_live_response__descriptor, true, 0, -1,
			  (ProtobufCMessage **)&resp, err);
	if (r < 0)
		return r;
	*ret_ttl = resp->ttl;
	ck_etcd_response_free(resp);
	return 0;
}

int ck_etcd_status(struct ck_etcd *c, size_t endpoint, Etcdserverpb__StatusResponse **ret,
		   struct ck_etcd_err *err)
{
	Etcdserverpb__StatusRequest req = ETCDSERVERPB__STATUS_REQUEST__INIT;

	if (endpoint >= c->n_eps)
		return ck_etcd_seterr(err, -EINVAL, "no etcd endpoint %zu", endpoint);
	return ck_etcd_unary(c, "/etcdserverpb.Maintenance/Status", &req.base,
			     &etcdserverpb__status_response__descriptor, true, 0, (long)endpoint,
			     (ProtobufCMessage **)ret, err);
}
