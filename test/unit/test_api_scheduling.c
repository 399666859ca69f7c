/*
 * The typed helpers the scheduler (and later the kubelet) share:
 * pod resource requests (init containers, sidecars, overhead, the
 * scheduler's non-zero defaults), taints and tolerations, node affinity.
 */
#include <check.h>
#include <json-c/json.h>

#include "../lib/runner.h"
#include "api/node_affinity.h"
#include "api/resources.h"
#include "api/taints.h"

static json_object *parse(const char *s)
{
	json_object *o = json_tokener_parse(s);
	ck_assert_ptr_nonnull(o);
	return o;
}

START_TEST(test_pod_requests)
{
	json_object *pod =
	    parse("{\"spec\":{\"containers\":["
		  "{\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}},"
		  "{\"resources\":{\"limits\":{\"cpu\":\"1\",\"example.com/gpu\":\"2\"}}}],"
		  "\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"3\"}}}],"
		  "\"overhead\":{\"cpu\":\"100m\",\"memory\":\"10Mi\"}}}");
	struct ck_api_resources r, nz;
	ck_api_pod_requests(pod, &r, &nz);
	/* max(1500m, 3000m) + 100m */
	ck_assert_int_eq(r.milli_cpu, 3100);
	ck_assert_int_eq(r.memory, (1LL << 30) + 10 * (1LL << 20));
	ck_assert_int_eq(ck_api_resources_scalar(&r, "example.com/gpu"), 2);
	ck_assert_int_eq(r.pods, 1);
	/* the second container has no memory: 200Mi counts for it in the non-zero sum */
	ck_assert_int_eq(nz.memory, (1LL << 30) + 200 * (1LL << 20) + 10 * (1LL << 20));
	json_object_put(pod);

	/* A sidecar (restartable init container) adds to the main containers. */
	pod = parse("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}],"
		    "\"initContainers\":[{\"restartPolicy\":\"Always\",\"resources\":{\"requests\":"
		    "{\"cpu\":\"200m\"}}},{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}}");
	ck_api_pod_requests(pod, &r, NULL);
	/* containers 1 + sidecar 0.2 = 1.2; the init container after the sidecar: 1.2 */
	ck_assert_int_eq(r.milli_cpu, 1200);
	json_object_put(pod);

	/* Best effort: the scheduler's defaults only in the non-zero sums. */
	pod = parse("{\"spec\":{\"containers\":[{}]}}");
	ck_api_pod_requests(pod, &r, &nz);
	ck_assert_int_eq(r.milli_cpu, 0);
	ck_assert_int_eq(nz.milli_cpu, 100);
	ck_assert_int_eq(nz.memory, 200LL << 20);
	json_object_put(pod);
}
END_TEST

START_TEST(test_tolerations)
{
	json_object *taints = parse("[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]");
	struct ck_api_taint *t;
	size_t nt;
	ck_api_taints_from_json(taints, &t, &nt);
	ck_assert_int_eq(nt, 1);
	static const struct {
		const char *tols;
		bool tolerates;
	} cases[] = {
		{ "[{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}]", true },
		{ "[{\"key\":\"k\",\"operator\":\"Equal\",\"value\":\"v\"}]", true },
		{ "[{\"key\":\"k\",\"value\":\"w\"}]", false },
		{ "[{\"key\":\"k\",\"operator\":\"Exists\"}]", true },
		{ "[{\"operator\":\"Exists\"}]", true },
		{ "[{\"value\":\"v\"}]", false }, /* empty key needs Exists */
		{ "[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]", false },
		{ "[]", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_object *j = parse(cases[i].tols);
		struct ck_api_toleration *tols;
		size_t n;
		ck_api_tolerations_from_json(j, &tols, &n);
		ck_assert_msg(ck_api_tolerations_tolerate(tols, n, &t[0]) == cases[i].tolerates,
			      "case %zu: %s", i, cases[i].tols);
		ck_api_tolerations_free(tols, n);
		json_object_put(j);
	}
	ck_api_taints_free(t, nt);
	json_object_put(taints);
}
END_TEST

static bool required(const char *pod_json, const char *labels_json, const char *node)
{
	json_object *pod = parse(pod_json), *labels = parse(labels_json);
	struct ck_api_node_affinity a;
	ck_api_node_affinity_from_pod(pod, &a);
	bool ok = ck_api_node_affinity_required_matches(&a, labels, node);
	ck_api_node_affinity_release(&a);
	json_object_put(pod);
	json_object_put(labels);
	return ok;
}

#define AFF(terms)                                                                           \
	"{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuring" \
	"Execution\":{\"nodeSelectorTerms\":" terms "}}}}}"

START_TEST(test_node_affinity)
{
	ck_assert(required("{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}",
			   "{\"disk\":\"ssd\",\"x\":\"y\"}", "n1"));
	ck_assert(!required("{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}",
			    "{\"disk\":\"hdd\"}", "n1"));
	const char *in = AFF("[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\","
			     "\"values\":[\"a\",\"b\"]}]}]");
	ck_assert(required(in, "{\"zone\":\"b\"}", "n"));
	ck_assert(!required(in, "{\"zone\":\"c\"}", "n"));
	ck_assert(!required(in, "{}", "n"));
	const char *notin_exists =
	    AFF("[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"NotIn\",\"values\":"
		"[\"a\"]},{\"key\":\"gpu\",\"operator\":\"Exists\"}]}]");
	ck_assert(required(notin_exists, "{\"gpu\":\"1\"}", "n"));
	ck_assert(!required(notin_exists, "{\"gpu\":\"1\",\"zone\":\"a\"}", "n"));
	const char *gt = AFF("[{\"matchExpressions\":[{\"key\":\"cores\",\"operator\":\"Gt\","
			     "\"values\":[\"4\"]}]},{\"matchFields\":[{\"key\":\"metadata.name\","
			     "\"operator\":\"In\",\"values\":[\"special\"]}]}]");
	ck_assert(required(gt, "{\"cores\":\"8\"}", "n"));
	ck_assert(!required(gt, "{\"cores\":\"4\"}", "n"));
	ck_assert(required(gt, "{}", "special")); /* terms are ORed */
	/* no terms at all match nothing; an empty term matches nothing */
	ck_assert(!required(AFF("[]"), "{}", "n"));
	ck_assert(!required(AFF("[{}]"), "{}", "n"));
	/* a bad operator makes its term match nothing */
	ck_assert(!required(AFF("[{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\","
				"\"values\":[\"x\"]}]}]"),
			    "{\"a\":\"x\"}", "n"));
}
END_TEST

Suite *ck_test_suite_api_scheduling(void)
{
	Suite *s = suite_create("api_scheduling");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_pod_requests);
	tcase_add_test(tc, test_tolerations);
	tcase_add_test(tc, test_node_affinity);
	suite_add_tcase(s, tc);
	return s;
}
