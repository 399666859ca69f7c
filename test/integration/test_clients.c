/*
 * The real clients against the real API server: kubectl 1.32 and the
 * official Python client (every built-in kind), unchanged.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/api.h"
#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/runner.h"
#include "../lib/shell.h"
#include "util/buf.h"

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;

static void setup(void)
{
	ck_test_api_start(NULL, &etcd, &api);
}

static void teardown(void)
{
	ck_test_api_stop(&etcd, &api);
}

#define KUBECTL CK_TEST_KUBECTL " --kubeconfig %s "
#define KC ck_test_apiserver_kubeconfig(api)

START_TEST(test_kubectl)
{
	struct ck_buf out = CK_BUF_INIT;
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "version -o json", KC), 0);
	ck_test_expect_in(&out, "\"gitVersion\": \"v1.30.0-ckube\"");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "api-resources", KC), 0);
	ck_test_expect_in(&out, "configmaps");
	ck_test_expect_in(&out, "leases");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "api-versions", KC), 0);
	ck_test_expect_in(&out, "coordination.k8s.io/v1");

	char dir[] = "/tmp/ck-kubectl-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[600];
	snprintf(file, sizeof(file), "%s/cm.yaml", dir);
	FILE *f = fopen(file, "w");
	fputs("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kc\ndata:\n  a: \"1\"\n"
	      "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ks\nstringData: {}\n",
	      f);
	fclose(f);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "create --validate=false -f %s", KC, file), 0);
	ck_test_expect_in(&out, "configmap/kc created");
	ck_test_expect_in(&out, "secret/ks created");

	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get configmaps", KC), 0);
	ck_test_expect_in(&out, "NAME");
	ck_test_expect_in(&out, "DATA");
	ck_test_expect_in(&out, "AGE");
	ck_test_expect_in(&out, "kc ");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm kc -o json", KC), 0);
	ck_test_expect_in(&out, "\"kind\": \"ConfigMap\"");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm kc -o yaml", KC), 0);
	ck_test_expect_in(&out, "  a: \"1\"");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm -o name", KC), 0);
	ck_test_expect_in(&out, "configmap/kc");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm kc -o jsonpath='{.data.a}'", KC), 0);
	ck_assert_str_eq(ck_buf_str(&out), "1");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get ns", KC), 0);
	ck_test_expect_in(&out, "kube-system");
	ck_test_expect_in(&out, "Active");

	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "label cm kc tier=web", KC), 0);
	ck_test_expect_in(&out, "configmap/kc labeled");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "annotate cm kc note=hi", KC), 0);
	ck_test_expect_in(&out, "configmap/kc annotated");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm -l tier=web --show-labels", KC), 0);
	ck_test_expect_in(&out, "tier=web");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "patch cm kc -p '{\"data\":{\"b\":\"2\"}}'", KC),
			 0);
	ck_test_expect_in(&out, "configmap/kc patched");
	ck_assert_int_eq(
	    ck_test_sh(&out, KUBECTL "patch cm kc --type merge -p '{\"data\":{\"c\":\"3\"}}'", KC),
	    0);
	ck_assert_int_eq(ck_test_sh(&out,
				    KUBECTL "patch cm kc --type json -p "
					    "'[{\"op\":\"remove\",\"path\":\"/data/a\"}]'",
				    KC),
			 0);
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "get cm kc -o jsonpath='{.data}'", KC), 0);
	ck_assert_str_eq(ck_buf_str(&out), "{\"b\":\"2\",\"c\":\"3\"}");

	/* get -w on one name: the current state first; `timeout` ends it. */
	ck_test_sh(&out, "timeout 4 " KUBECTL "get cm kc -w", KC);
	ck_test_expect_in(&out, "kc ");

	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "delete cm kc", KC), 0);
	ck_test_expect_in(&out, "configmap \"kc\" deleted");
	ck_assert_int_ne(ck_test_sh(&out, KUBECTL "get cm kc", KC), 0);
	ck_test_expect_in(&out, "Error from server (NotFound): configmaps \"kc\" not found");
	ck_assert_int_eq(ck_test_sh(&out, KUBECTL "delete -f %s --ignore-not-found", KC, file), 0);
	unlink(file);
	rmdir(dir);
	ck_buf_release(&out);
}
END_TEST

/*
 * The official Python client on every built-in kind (python/kinds_test.py):
 * CRUD through its typed API classes, status and scale subresources, watch.
 */
START_TEST(test_python_client)
{
	struct ck_buf out = CK_BUF_INIT;
	int st = ck_test_sh(&out, "/usr/bin/python3 test/integration/python/kinds_test.py %s", KC);
	ck_assert_msg(st == 0, "python client failed:\n%s", ck_buf_str(&out));
	ck_test_expect_in(&out, "python kinds: ok");
	ck_buf_release(&out);
}
END_TEST

Suite *ck_test_suite_clients(void)
{
	Suite *s = suite_create("clients");
	TCase *tc = tcase_create("clients");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(180));
	tcase_add_test(tc, test_kubectl);
	tcase_add_test(tc, test_python_client);
	suite_add_tcase(s, tc);
	return s;
}
