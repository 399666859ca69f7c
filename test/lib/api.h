/*
 * What integration suites against one etcd and one API server share: the
 * fixture (start and stop both) and asserting JSON requests.
 */
#ifndef CK_TEST_API_H
#define CK_TEST_API_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct ck_test_etcd;
struct ck_test_apiserver;

/*
 * Starts an etcd and an API server on it, with extra_args (NULL-terminated;
 * may be NULL) on the server's command line; fails the test otherwise.
 */
void ck_test_api_start(const char *const *extra_args, struct ck_test_etcd **ret_etcd,
		       struct ck_test_apiserver **ret_api);
/* Stops and frees both (either may be NULL) and sets them to NULL. */
void ck_test_api_stop(struct ck_test_etcd **etcd, struct ck_test_apiserver **api);

/*
 * method base+path with body (may be NULL) of content_type (NULL: JSON);
 * fails the test unless the answer's code is want. The answer (owned), or
 * NULL when it is not JSON.
 */
json_object *ck_test_api_req(const char *base, const char *method, const char *path,
			     const char *body, const char *content_type, long want);

/*
 * Asserts that st (a Status, taken) is an Invalid whose message contains
 * want and which has a cause (field, reason): its first cause when
 * first_cause is true, any cause otherwise.
 */
void ck_test_api_expect_invalid(json_object *st, const char *want, const char *field,
				const char *reason, bool first_cause);

/* The string at a dotted path, "" when missing. */
const char *ck_test_api_str(json_object *o, const char *dotted);
/* The integer at a dotted path, -1 when missing. */
int64_t ck_test_api_num(json_object *o, const char *dotted);

#endif
