/*
 * A small HTTP(S) client for tests (libcurl, TLS not verified: tests talk
 * to servers with self-signed certificates on loopback).
 */
#ifndef CK_TEST_HTTP_H
#define CK_TEST_HTTP_H

#include <json-c/json.h>

#include "util/buf.h"

struct ck_test_response {
	long code;
	struct ck_buf body;
	char content_type[256];
	char headers[4096]; /* raw response headers */
};

/*
 * method url, with an optional body and its content type and an optional
 * Accept header. 0 when an HTTP answer came (any code), else a negative
 * errno. Release the response with ck_test_response_release.
 */
int ck_test_http(const char *method, const char *url, const char *content_type, const char *body,
		 const char *accept, struct ck_test_response *ret);

/* Who a request is from: a client certificate and key (PEM files) and/or
 * a bearer token; NULL fields are not sent. */
struct ck_test_client {
	const char *cert, *key;
	const char *token;
};

/* ck_test_http with credentials (who may be NULL: none). */
int ck_test_http_as(const struct ck_test_client *who, const char *method, const char *url,
		    const char *content_type, const char *body, const char *accept,
		    struct ck_test_response *ret);
void ck_test_response_release(struct ck_test_response *r);

/* The body parsed as JSON (owned), or NULL. */
json_object *ck_test_response_json(const struct ck_test_response *r);

/*
 * The common case: method on base + path with a JSON body (may be NULL);
 * returns the parsed answer (owned; NULL when not JSON) and its code.
 */
json_object *ck_test_request(const char *base, const char *method, const char *path,
			     const char *json_body, long *ret_code);
/* ck_test_request with credentials and a body type (NULL: JSON). */
json_object *ck_test_request_as(const struct ck_test_client *who, const char *base,
				const char *method, const char *path, const char *body,
				const char *content_type, long *ret_code);

#endif
