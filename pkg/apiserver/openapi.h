/*
 * The OpenAPI documents, built once per server from the resource table
 * (pkg/registry: paths and operations) and the schema model (api/schema.h:
 * components.schemas / definitions), then served from memory:
 *  - /openapi/v3: the index, {"paths":{"api/v1":{"serverRelativeURL":
 *    "/openapi/v3/api/v1?hash=<SHA-512>"},…}};
 *  - /openapi/v3/api/v1, /openapi/v3/apis/<g>/<v>: one OpenAPI 3.0 document
 *    per group version. Asked with ?hash= equal to the current one, the
 *    answer is cacheable for a year (Cache-Control: public, immutable);
 *    another hash redirects (301) to the current one, as upstream's handler;
 *  - /openapi/v2: the Swagger 2.0 document of everything, in JSON, or in
 *    protobuf (gnostic's openapi.v2.Document) when Accept asks for
 *    application/com.github.proto-openapi.spec.v2@v1.0+protobuf.
 * Every document has a quoted ETag and answers If-None-Match with 304.
 */
#ifndef CK_APISERVER_OPENAPI_H
#define CK_APISERVER_OPENAPI_H

struct ck_openapi;
struct ck_http_request;

/* Builds every document. The caller owns the result. */
struct ck_openapi *ck_openapi_new(void);
void ck_openapi_free(struct ck_openapi *o);

/*
 * Serves path when it is an OpenAPI path (answering the request and
 * returning the HTTP code); returns 0, without answering, when it is not.
 */
int ck_openapi_serve(const struct ck_openapi *o, struct ck_http_request *req, const char *path);

#endif
