#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64url.h"

/* RFC 4648 section 10 vectors, unpadded, plus bytes that need '-' and '_'. */
static const struct {
	const char *plain;
	size_t len;
	const char *encoded;
} vectors[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "fooba", 5, "Zm9vYmE" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\xfb\xff\xbf", 3, "-_-_" },
	{ "\x00\x10\x83", 3, "ABCD" },
	{ "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"key\"}", 43,
	  "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJrZXkifQ" },
};

START_TEST(test_base64url_vectors)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		char *enc = ck_base64url_encode(vectors[i].plain, vectors[i].len);
		ck_assert_str_eq(enc, vectors[i].encoded);
		free(enc);
		size_t len = 99;
		char *dec = ck_base64url_decode(vectors[i].encoded, &len);
		ck_assert_ptr_nonnull(dec);
		ck_assert_uint_eq(len, vectors[i].len);
		ck_assert_int_eq(memcmp(dec, vectors[i].plain, len), 0);
		ck_assert_int_eq(dec[len], '\0');
		free(dec);
	}
}
END_TEST

START_TEST(test_base64url_rejects)
{
	/* Padding, the standard alphabet's '+' and '/', a lone final char. */
	const char *bad[] = { "Zg==", "Zm8=", "+/+/", "ab/c", "Z", "Zm9vY", "Zm 9v", "Zm9v\t" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = 7;
		ck_assert_msg(ck_base64url_decode(bad[i], &len) == NULL, "accepted '%s'", bad[i]);
		ck_assert_uint_eq(len, 7);
	}
}
END_TEST

START_TEST(test_base64url_lenient_like_go)
{
	/* Go's decoder skips CR and LF and ignores unused trailing bits. */
	size_t len;
	char *dec = ck_base64url_decode("Zm9v\r\nYmFy\n", &len);
	ck_assert_ptr_nonnull(dec);
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(memcmp(dec, "foobar", 6), 0);
	free(dec);
	dec = ck_base64url_decode("Zh", &len);
	ck_assert_ptr_nonnull(dec);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(dec[0], 'f');
	free(dec);
}
END_TEST

START_TEST(test_base64url_round_trip_all_lengths)
{
	unsigned char data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(data); n++) {
		char *enc = ck_base64url_encode(data, n);
		ck_assert_uint_eq(strlen(enc), (n * 4 + 2) / 3);
		ck_assert_ptr_null(strpbrk(enc, "+/="));
		size_t len;
		unsigned char *dec = ck_base64url_decode(enc, &len);
		ck_assert_ptr_nonnull(dec);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(dec, data, n), 0);
		free(enc);
		free(dec);
	}
}
END_TEST

Suite *ck_test_suite_base64url(void)
{
	Suite *s = suite_create("base64url");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_base64url_vectors);
	tcase_add_test(tc, test_base64url_rejects);
	tcase_add_test(tc, test_base64url_lenient_like_go);
	tcase_add_test(tc, test_base64url_round_trip_all_lengths);
	suite_add_tcase(s, tc);
	return s;
}
