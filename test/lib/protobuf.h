/*
 * Protobuf answers checked against JSON ones, for tests of the built-in
 * kinds: the same GET asked for in JSON and in protobuf must decode to the
 * same object.
 */
#ifndef CK_TEST_PROTOBUF_H
#define CK_TEST_PROTOBUF_H

/*
 * GETs base + path twice (Accept JSON, then protobuf first) and fails the
 * test unless both answer want_code, the second in the "k8s\0" envelope,
 * and it decodes to the JSON answer (list items compared without their
 * kind and apiVersion, which protobuf lists do not carry).
 */
void ck_test_expect_protobuf_matches_json(const char *base, const char *path, long want_code);

#endif
