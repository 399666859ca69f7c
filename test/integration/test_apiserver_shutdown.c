/*
 * kube-apiserver stops on SIGTERM whatever became of its etcd: gone (killed)
 * or hung (stopped), with a watch open or requests in flight, and with etcd
 * healthy its last writes still go through. The bounds here are on a hang
 * (the etcd request timeout is 30 s), not on speed.
 */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "../lib/watch.h"
#include "apimachinery/object.h"
#include "storage/etcd3/etcd3.h"

/* How long a SIGTERM may take before the server counts as hung. */
#define EXIT_BOUND_S 15

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;

static void start(void)
{
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
}

static void finish(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	api = NULL;
	etcd = NULL;
}

/* SIGTERM: the server exits with status 0 within the bound. */
static void assert_terminates(void)
{
	int status = -1;
	int r =
	    ck_test_apiserver_terminate(api, (int)(ck_test_timeout(EXIT_BOUND_S) * 1000), &status);
	ck_assert_msg(r == 0, "kube-apiserver did not exit within %.0f s of SIGTERM",
		      ck_test_timeout(EXIT_BOUND_S));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "kube-apiserver ended with wait status 0x%x", status);
}

/* One request on its own thread, and what it got. */
struct in_flight {
	const char *method;
	char url[256];
	const char *body;
	pthread_t thread;
	int result;
	struct ck_test_response r;
	bool done; /* set by the thread */
};

static void *in_flight_main(void *arg)
{
	struct in_flight *f = arg;
	f->result = ck_test_http(f->method, f->url, f->body ? "application/json" : NULL, f->body,
				 NULL, &f->r);
	__atomic_store_n(&f->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void in_flight_start(struct in_flight *f, const char *method, const char *path,
			    const char *body)
{
	memset(f, 0, sizeof(*f));
	f->method = method;
	f->body = body;
	snprintf(f->url, sizeof(f->url), "%s%s", ck_test_apiserver_url(api), path);
	ck_assert_int_eq(pthread_create(&f->thread, NULL, in_flight_main, f), 0);
}

/* The request got an answer, a Status saying it failed on the server. */
static void in_flight_assert_failed(struct in_flight *f)
{
	pthread_join(f->thread, NULL);
	ck_assert_msg(f->result == 0, "%s %s: no answer (%d)", f->method, f->url, f->result);
	ck_assert_msg(f->r.code >= 500, "%s %s: answered %ld", f->method, f->url, f->r.code);
	json_object *st = ck_test_response_json(&f->r);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(ck_obj_path_str_or(st, "kind", ""), "Status");
	ck_assert_str_eq(ck_obj_path_str_or(st, "status", ""), "Failure");
	json_object_put(st);
	ck_test_response_release(&f->r);
}

static void in_flight_assert_waiting(struct in_flight *f)
{
	ck_assert_msg(!__atomic_load_n(&f->done, __ATOMIC_ACQUIRE),
		      "%s %s answered before the server stopped", f->method, f->url);
}

START_TEST(test_shutdown_etcd_gone)
{
	start();
	ck_assert_int_eq(ck_test_etcd_kill(etcd), 0);
	assert_terminates();
	finish();
}
END_TEST

START_TEST(test_shutdown_etcd_gone_watch_open)
{
	start();
	struct ck_test_watch w;
	ck_test_watch_start(&w, ck_test_apiserver_url(api),
			    "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=300",
			    NULL);
	ck_assert_int_eq(ck_test_etcd_kill(etcd), 0);
	assert_terminates();
	/* the stream ended whole: an answer of complete frames (here none) */
	json_object *events = ck_test_watch_events(&w);
	ck_assert_uint_eq(json_object_array_length(events), 0);
	json_object_put(events);
	ck_test_watch_release(&w);
	finish();
}
END_TEST

START_TEST(test_shutdown_etcd_gone_requests_in_flight)
{
	start();
	ck_assert_int_eq(ck_test_etcd_kill(etcd), 0);
	/* each waits on etcd (retries, up to the 30 s request timeout) */
	struct in_flight create, get;
	in_flight_start(&create, "POST", "/api/v1/namespaces/default/configmaps",
			"{\"metadata\":{\"name\":\"late\"}}");
	in_flight_start(&get, "GET", "/api/v1/namespaces/default/configmaps/late", NULL);
	ck_test_sleep_ms(500);
	in_flight_assert_waiting(&create);
	in_flight_assert_waiting(&get);
	assert_terminates();
	in_flight_assert_failed(&create);
	in_flight_assert_failed(&get);
	finish();
}
END_TEST

START_TEST(test_shutdown_etcd_hung_request_in_flight)
{
	start();
	/* etcd keeps its connections but answers nothing */
	ck_assert_int_eq(kill(ck_test_etcd_pid(etcd), SIGSTOP), 0);
	struct in_flight get;
	in_flight_start(&get, "GET", "/api/v1/namespaces/default/configmaps/hung", NULL);
	ck_test_sleep_ms(500);
	in_flight_assert_waiting(&get);
	assert_terminates();
	in_flight_assert_failed(&get);
	kill(ck_test_etcd_pid(etcd), SIGCONT);
	finish();
}
END_TEST

/* The number of API servers holding a master lease (upstream's lease
 * endpoint reconciler keys), read from etcd itself. */
static int64_t master_leases(void)
{
	struct ck_etcd_config cfg = { .endpoints = ck_test_etcd_endpoint(etcd) };
	struct ck_etcd_err err = { 0, "" };
	struct ck_etcd *c = NULL;
	ck_assert_int_eq(ck_etcd_new(&cfg, &c, &err), 0);
	static const char prefix[] = "/registry/masterleases/";
	uint8_t end[sizeof(prefix)];
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	req.key = (ProtobufCBinaryData){ strlen(prefix), (uint8_t *)prefix };
	req.range_end =
	    (ProtobufCBinaryData){ ck_etcd_prefix_end(prefix, strlen(prefix), end), end };
	req.count_only = true;
	Etcdserverpb__RangeResponse *resp = NULL;
	int r = ck_etcd_range(c, &req, &resp, &err);
	ck_assert_msg(r == 0, "range: %s", err.message);
	int64_t n = resp->count;
	ck_etcd_response_free(resp);
	ck_etcd_free(c);
	return n;
}

START_TEST(test_shutdown_etcd_healthy_last_writes)
{
	start();
	ck_assert_int_eq(master_leases(), 1);
	assert_terminates();
	/* stopping, the server left the kubernetes endpoints: its lease is gone */
	ck_assert_int_eq(master_leases(), 0);
	finish();
}
END_TEST

Suite *ck_test_suite_apiserver_shutdown(void)
{
	Suite *s = suite_create("apiserver_shutdown");
	TCase *tc = tcase_create("sigterm");
	tcase_set_timeout(tc, ck_test_timeout(90));
	tcase_add_test(tc, test_shutdown_etcd_gone);
	tcase_add_test(tc, test_shutdown_etcd_gone_watch_open);
	tcase_add_test(tc, test_shutdown_etcd_gone_requests_in_flight);
	tcase_add_test(tc, test_shutdown_etcd_hung_request_in_flight);
	tcase_add_test(tc, test_shutdown_etcd_healthy_last_writes);
	suite_add_tcase(s, tc);
	return s;
}
