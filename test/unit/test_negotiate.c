#include <check.h>
#include <errno.h>
#include <string.h>

#include "apiserver/negotiate.h"

#define ALL \
	(CK_MEDIA_BIT(CK_MEDIA_JSON) | CK_MEDIA_BIT(CK_MEDIA_YAML) | CK_MEDIA_BIT(CK_MEDIA_TABLE))
#define DISCOVERY                                                            \
	(CK_MEDIA_BIT(CK_MEDIA_JSON) | CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2) | \
	 CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2BETA1))

START_TEST(test_negotiate_kubectl_headers)
{
	struct ck_media_choice c;
	/* What kubectl 1.32 sends for get (API-WIRE.md). */
	ck_assert_int_eq(ck_negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/"
				      "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
				      ALL, &c),
			 0);
	ck_assert_int_eq(c.media, CK_MEDIA_TABLE);
	ck_assert_str_eq(c.table_version, "v1");
	ck_assert_str_eq(ck_media_content_type(&c), "application/json;as=Table;v=v1;g=meta.k8s.io");
	/* The same on an endpoint without tables falls back to JSON, never 406. */
	ck_assert_int_eq(
	    ck_negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
			 CK_MEDIA_BIT(CK_MEDIA_JSON), &c),
	    0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
	/* Discovery. */
	const char *disc =
	    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
	    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
	    "application/json";
	ck_assert_int_eq(ck_negotiate(disc, DISCOVERY, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_DISCOVERY_V2);
	ck_assert_int_eq(ck_negotiate(disc, CK_MEDIA_BIT(CK_MEDIA_JSON), &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
	/* Protobuf first, JSON second: JSON until protobuf is served. */
	ck_assert_int_eq(
	    ck_negotiate("application/vnd.kubernetes.protobuf,application/json", ALL, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
	/* … and protobuf where it is served (kubectl create, auth can-i). */
	ck_assert_int_eq(ck_negotiate("application/vnd.kubernetes.protobuf,application/json",
				      ALL | CK_MEDIA_BIT(CK_MEDIA_PROTOBUF), &c),
			 0);
	ck_assert_int_eq(c.media, CK_MEDIA_PROTOBUF);
	ck_assert_str_eq(ck_media_content_type(&c), "application/vnd.kubernetes.protobuf");
	ck_assert_int_eq(ck_negotiate("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta."
				      "k8s.io,application/json",
				      ALL | CK_MEDIA_BIT(CK_MEDIA_PROTOBUF), &c),
			 0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
}
END_TEST

START_TEST(test_negotiate_general)
{
	struct ck_media_choice c;
	ck_assert_int_eq(ck_negotiate(NULL, ALL, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
	ck_assert_int_eq(ck_negotiate("", ALL, &c), 0);
	ck_assert_int_eq(ck_negotiate("*/*", ALL, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_JSON);
	ck_assert_int_eq(ck_negotiate("application/yaml", ALL, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_YAML);
	ck_assert_int_eq(ck_negotiate("application/json;q=0.5, application/yaml", ALL, &c), 0);
	ck_assert_int_eq(c.media, CK_MEDIA_YAML);
	ck_assert_int_eq(ck_negotiate("text/html", ALL, &c), -ENOTSUP);
	ck_assert_int_eq(ck_negotiate("application/json;as=Foo;g=x;v=v1", ALL, &c), -ENOTSUP);
	ck_assert_int_eq(ck_negotiate("application/json;q=0", ALL, &c), -ENOTSUP);
	ck_assert_int_eq(ck_negotiate("garbage", ALL, &c), -ENOTSUP);
	ck_assert_int_eq(
	    ck_negotiate(" application/json ; as = Table ; g = meta.k8s.io ; v = v1beta1", ALL, &c),
	    0);
	ck_assert_int_eq(c.media, CK_MEDIA_TABLE);
	ck_assert_str_eq(c.table_version, "v1beta1");
}
END_TEST

Suite *ck_test_suite_negotiate(void)
{
	Suite *s = suite_create("negotiate");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_negotiate_kubectl_headers);
	tcase_add_test(tc, test_negotiate_general);
	suite_add_tcase(s, tc);
	return s;
}
