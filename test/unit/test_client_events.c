/*
 * The event correlator (client/events.h), after client-go's
 * events_cache_test.go (TestEventCorrelator, TestEventAggregatorByReasonFunc,
 * TestEventSpamFilter): identical events count up through patches, similar
 * ones aggregate after 10 within 10 minutes, the spam filter's 25-event
 * burst, and the keys.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "client/events.h"

#define SEC INT64_C(1000000000)

static json_object *event(const char *component, const char *object, const char *type,
			  const char *reason, const char *message, const char *name)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
		 "\"namespace\":\"default\"},\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":"
		 "\"default\",\"name\":\"%s\",\"uid\":\"uid-1\",\"apiVersion\":\"v1\"},"
		 "\"reason\":\"%s\",\"message\":\"%s\",\"source\":{\"component\":\"%s\","
		 "\"host\":\"node-1\"},\"firstTimestamp\":\"2024-01-01T00:00:00Z\","
		 "\"lastTimestamp\":\"2024-01-01T00:00:00Z\",\"count\":1,\"type\":\"%s\","
		 "\"reportingComponent\":\"%s\",\"reportingInstance\":\"node-1\"}",
		 name, object, reason, message, component, type, component);
	json_object *e = json_tokener_parse(text);
	ck_assert_ptr_nonnull(e);
	return e;
}

static int64_t count_of(json_object *e)
{
	json_object *c = NULL;
	json_object_object_get_ex(e, "count", &c);
	return json_object_get_int64(c);
}

START_TEST(test_keys)
{
	json_object *e = event("kubelet", "pod-1", "Warning", "BackOff", "msg", "n");
	char *k = ck_event_key(e);
	ck_assert_str_eq(k, "kubeletnode-1Poddefaultpod-1uid-1v1WarningBackOffmsg");
	free(k);
	k = ck_event_aggregate_key(e);
	ck_assert_str_eq(k, "kubeletnode-1Poddefaultpod-1uid-1v1WarningBackOffkubeletnode-1");
	free(k);
	k = ck_event_spam_key(e);
	ck_assert_str_eq(k, "kubeletnode-1Poddefaultpod-1uid-1v1Warning");
	free(k);
	json_object_put(e);
}
END_TEST

START_TEST(test_single_then_duplicate)
{
	struct ck_event_correlator *c = ck_event_correlator_new();
	int64_t now = 1000 * SEC;
	json_object *e = event("kubelet", "pod-1", "Normal", "Pulled", "pulled image", "pod-1.1");
	struct ck_event_correlate_result r;
	ck_event_correlator_correlate(c, e, now, &r);
	ck_assert(!r.skip);
	ck_assert_ptr_null(r.patch);
	ck_assert_int_eq(count_of(r.event), 1);
	ck_assert_str_eq(ck_obj_name(r.event), "pod-1.1");
	/* The server stored it with a resourceVersion. */
	ck_obj_set_meta_str(r.event, "resourceVersion", "77");
	ck_event_correlator_update_state(c, r.event);
	ck_event_correlate_result_release(&r);

	/* The same event again (a new name from its new timestamp): a patch of the first. */
	json_object *again =
	    event("kubelet", "pod-1", "Normal", "Pulled", "pulled image", "pod-1.2");
	json_object_object_add(again, "lastTimestamp",
			       json_object_new_string("2024-01-01T00:05:00Z"));
	ck_event_correlator_correlate(c, again, now + 10 * SEC, &r);
	ck_assert(!r.skip);
	ck_assert_int_eq(count_of(r.event), 2);
	ck_assert_str_eq(ck_obj_name(r.event), "pod-1.1");
	ck_assert_str_eq(ck_obj_resource_version(r.event), "77");
	ck_assert_str_eq(ck_obj_path_str(r.event, "firstTimestamp"), "2024-01-01T00:00:00Z");
	ck_assert_str_eq(r.patch, "{\"count\":2,\"lastTimestamp\":\"2024-01-01T00:05:00Z\","
				  "\"message\":\"pulled image\"}");
	ck_event_correlate_result_release(&r);
	ck_event_correlator_correlate(c, again, now + 20 * SEC, &r);
	ck_assert_int_eq(count_of(r.event), 3);
	ck_event_correlate_result_release(&r);
	json_object_put(again);
	json_object_put(e);
	ck_event_correlator_free(c);
}
END_TEST

START_TEST(test_similar_events_aggregate)
{
	struct ck_event_correlator *c = ck_event_correlator_new();
	int64_t now = 1000 * SEC;
	struct ck_event_correlate_result r;
	char msg[64], name[64];
	/* Nine similar events (different messages) pass as they are. */
	for (int i = 0; i < 9; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		snprintf(name, sizeof(name), "pod-1.%d", i);
		json_object *e = event("kubelet", "pod-1", "Warning", "Failed", msg, name);
		ck_event_correlator_correlate(c, e, now + i * SEC, &r);
		ck_assert(!r.skip);
		ck_assert_str_eq(ck_obj_path_str(r.event, "message"), msg);
		ck_assert_ptr_null(r.patch);
		ck_event_correlate_result_release(&r);
		json_object_put(e);
	}
	/* The tenth turns into the aggregate event. */
	json_object *e = event("kubelet", "pod-1", "Warning", "Failed", "message 9", "pod-1.9");
	ck_event_correlator_correlate(c, e, now + 9 * SEC, &r);
	ck_assert(!r.skip);
	ck_assert_str_eq(ck_obj_path_str(r.event, "message"),
			 "(combined from similar events): message 9");
	ck_assert_int_eq(count_of(r.event), 1);
	ck_assert_ptr_null(r.patch);
	ck_assert_str_eq(ck_obj_path_str(r.event, "involvedObject.name"), "pod-1");
	ck_assert_str_eq(ck_obj_path_str(r.event, "reason"), "Failed");
	ck_assert_str_eq(ck_obj_path_str(r.event, "metadata.namespace"), "default");
	char want_name[64];
	snprintf(want_name, sizeof(want_name), "pod-1.%llx", (unsigned long long)(now + 9 * SEC));
	ck_assert_str_eq(ck_obj_name(r.event), want_name);
	ck_event_correlate_result_release(&r);
	json_object_put(e);
	/* Another similar one counts on the aggregate. */
	e = event("kubelet", "pod-1", "Warning", "Failed", "message 10", "pod-1.10");
	ck_event_correlator_correlate(c, e, now + 10 * SEC, &r);
	ck_assert_str_eq(ck_obj_path_str(r.event, "message"),
			 "(combined from similar events): message 10");
	ck_assert_int_eq(count_of(r.event), 2);
	ck_assert_ptr_nonnull(r.patch);
	ck_event_correlate_result_release(&r);
	json_object_put(e);
	/* Past the 10-minute interval, similar events start over. */
	e = event("kubelet", "pod-1", "Warning", "Failed", "message 11", "pod-1.11");
	ck_event_correlator_correlate(c, e, now + 700 * SEC, &r);
	ck_assert_str_eq(ck_obj_path_str(r.event, "message"), "message 11");
	ck_event_correlate_result_release(&r);
	json_object_put(e);
	ck_event_correlator_free(c);
}
END_TEST

START_TEST(test_different_sources_do_not_aggregate)
{
	struct ck_event_correlator *c = ck_event_correlator_new();
	struct ck_event_correlate_result r;
	char msg[64], comp[64];
	for (int i = 0; i < 12; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		snprintf(comp, sizeof(comp), "component-%d", i);
		json_object *e = event(comp, "pod-1", "Normal", "Created", msg, "x");
		ck_event_correlator_correlate(c, e, 1000 * SEC, &r);
		ck_assert_str_eq(ck_obj_path_str(r.event, "message"), msg);
		ck_event_correlate_result_release(&r);
		json_object_put(e);
	}
	ck_event_correlator_free(c);
}
END_TEST

START_TEST(test_spam_filter)
{
	/* 25 events of one source+object pass at once, then one per 5 minutes. */
	struct ck_event_correlator *c = ck_event_correlator_new();
	struct ck_event_correlate_result r;
	int64_t now = 1000 * SEC;
	for (int i = 0; i < 25; i++) {
		json_object *e = event("kubelet", "pod-1", "Normal", "Pulled", "same", "x");
		ck_event_correlator_correlate(c, e, now, &r);
		ck_assert_msg(!r.skip, "event %d skipped", i);
		ck_event_correlate_result_release(&r);
		json_object_put(e);
	}
	json_object *e = event("kubelet", "pod-1", "Normal", "Pulled", "same", "x");
	ck_event_correlator_correlate(c, e, now + SEC, &r);
	ck_assert(r.skip);
	ck_assert_ptr_null(r.event);
	ck_event_correlate_result_release(&r);
	/* Another object is not limited by this one. */
	json_object *other = event("kubelet", "pod-2", "Normal", "Pulled", "same", "y");
	ck_event_correlator_correlate(c, other, now + SEC, &r);
	ck_assert(!r.skip);
	ck_event_correlate_result_release(&r);
	json_object_put(other);
	/* A token comes back after 300 s. */
	ck_event_correlator_correlate(c, e, now + 301 * SEC, &r);
	ck_assert(!r.skip);
	ck_event_correlate_result_release(&r);
	json_object_put(e);
	ck_event_correlator_free(c);
}
END_TEST

START_TEST(test_object_reference)
{
	json_object *o = json_tokener_parse(
	    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"namespace\":"
	    "\"ns\",\"uid\":\"u\",\"resourceVersion\":\"5\"}}");
	struct ck_object_reference ref;
	ck_object_reference_of(o, &ref);
	ck_assert_str_eq(ref.kind, "Pod");
	ck_assert_str_eq(ref.api_version, "v1");
	ck_assert_str_eq(ref.namespace, "ns");
	ck_assert_str_eq(ref.name, "p");
	ck_assert_str_eq(ref.uid, "u");
	ck_assert_str_eq(ref.resource_version, "5");
	ck_assert_ptr_null(ref.field_path);
	json_object_put(o);
}
END_TEST

/* The recorder without a client: events are correlated and dropped, never blocking. */
START_TEST(test_recorder_never_blocks)
{
	struct ck_event_recorder_config cfg = { .component = "test", .max_queued = 5 };
	struct ck_event_recorder *r = NULL;
	ck_assert_int_eq(ck_event_recorder_new(&cfg, &r), 0);
	struct ck_object_reference ref = { .kind = "Pod", .namespace = "ns", .name = "p" };
	for (int i = 0; i < 1000; i++)
		ck_event_recorder_eventf(r, &ref, "Normal", "Tick", "tick %d", i);
	ck_event_recorder_eventf(r, &ref, "Bogus", "Tick", "dropped: bad type");
	ck_assert_int_eq(ck_event_recorder_flush(r, 10000), 0);
	ck_event_recorder_free(r);
}
END_TEST

Suite *ck_test_suite_client_events(void)
{
	Suite *s = suite_create("client_events");
	TCase *tc = tcase_create("correlator");
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_single_then_duplicate);
	tcase_add_test(tc, test_similar_events_aggregate);
	tcase_add_test(tc, test_different_sources_do_not_aggregate);
	tcase_add_test(tc, test_spam_filter);
	tcase_add_test(tc, test_object_reference);
	tcase_add_test(tc, test_recorder_never_blocks);
	suite_add_tcase(s, tc);
	return s;
}
