/*
 * What the networking.k8s.io/v1 kinds share (upstream's
 * pkg/apis/networking/validation helpers), on json-c objects; objects are
 * borrowed, paths and messages upstream's.
 */
#ifndef CK_REGISTRY_NETWORKING_NETWORKING_H
#define CK_REGISTRY_NETWORKING_NETWORKING_H

#include <json-c/json.h>

#include "apimachinery/field_errors.h"
#include "util/buf.h"

/*
 * validateIngressTypedLocalObjectReference: an optional apiGroup (a DNS
 * subdomain), a kind and a name (path segment names), each required. ref is
 * the reference (an Ingress backend's resource, an IngressClass's
 * parameters); p its path, restored on return.
 */
void ck_networking_validate_typed_ref(json_object *ref, struct ck_buf *p,
				      struct ck_field_errors *errs);

#endif
