/*
 * The malformed-request run: a bounded stream of random and broken requests
 * against the real kube-apiserver (the ASan/UBSan build under
 * `make SAN=1 integration`), over raw TLS so that any byte can be sent:
 * mutated paths and queries, random methods, broken bodies and content
 * types, junk headers and framing, bodies cut short, watches abandoned
 * mid-stream and partial headers left hanging.
 *
 * What must hold: every answer is well-formed HTTP/1.x whose body, when it
 * is JSON with an error code, is a Status carrying that code; no request
 * hangs; the server stays alive and ready, answers /version within 1 s at
 * the end (with partial requests still open), drops every watch once its
 * client left, exits on SIGTERM, and its log has no sanitizer report.
 *
 * One seed drives every choice: CK_MALFORMED_SEED overrides the fixed
 * default (printed at the start, with the index of any failing request),
 * CK_MALFORMED_REQUESTS the count (default 3000); CK_MALFORMED_TRACE=1
 * prints every request's first line and every answer's headers.
 */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/apiserver.h"
#include "../lib/etcd.h"
#include "../lib/http.h"
#include "../lib/proc.h"
#include "../lib/runner.h"
#include "../lib/tls.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

#define DEFAULT_SEED UINT64_C(20240501)
#define DEFAULT_REQUESTS 3000
#define MAX_HELD 24		   /* abandoned-later watches and slow connections open at once */
#define MAX_SLOW 40		   /* slowloris connections over the whole run */
#define MAX_BODY (4 * 1024 * 1024) /* the largest body sent (over the 3 MiB cap) */
#define MAX_FAILURES 25		   /* printed */

static struct ck_test_etcd *etcd;
static struct ck_test_apiserver *api;
static int port;

/* ---- randomness: splitmix64, one seed for the whole run ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t rnd_n(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static bool chance(unsigned percent)
{
	return rnd_n(100) < percent;
}

#define PICK(arr) ((arr)[rnd_n(CK_ARRAY_SIZE(arr))])

/* ---- the pieces requests are made of ---- */

static const char *const methods[] = {
	"GET",	 "GET",	     "GET",  "POST",	"POST",	  "PUT",     "PATCH",
	"PATCH", "DELETE",   "HEAD", "OPTIONS", "TRACE",  "CONNECT", "FOO",
	"get",	 "PROPFIND", "G",    "POSTX",	"DELETE", "PUT",
};

static const char *const base_paths[] = {
	"/",
	"/api",
	"/api/v1",
	"/apis",
	"/apis/coordination.k8s.io",
	"/apis/coordination.k8s.io/v1",
	"/apis/events.k8s.io/v1",
	"/api/v1/namespaces",
	"/api/v1/namespaces/default",
	"/api/v1/namespaces/fuzz",
	"/api/v1/namespaces/fuzz/status",
	"/api/v1/namespaces/fuzz/finalize",
	"/api/v1/namespaces/default/configmaps",
	"/api/v1/namespaces/default/configmaps/cm-1",
	"/api/v1/namespaces/fuzz/configmaps/cm-2",
	"/api/v1/namespaces/default/secrets",
	"/api/v1/namespaces/default/secrets/s-1",
	"/api/v1/namespaces/default/events",
	"/api/v1/namespaces/default/serviceaccounts/default",
	"/apis/coordination.k8s.io/v1/namespaces/default/leases/l-1",
	"/apis/events.k8s.io/v1/namespaces/default/events",
	"/api/v1/configmaps",
	"/api/v1/secrets",
	"/api/v1/watch/namespaces/default/configmaps",
	"/api/v1/watch/configmaps",
	"/api/v1/namespaces/default/pods",
	"/apis/apps/v1/namespaces/default/deployments",
	"/version",
	"/healthz",
	"/livez/ping",
	"/readyz/etcd",
	"/metrics",
	"/openapi/v2",
	"/openapi/v3",
};

static const char *const junk_segments[] = {
	"",	    ".",	 "..",	       "...",	   "%2e%2e",	 "%2F",	     "%00",
	"%",	    "%zz",	 "%e2%80%ae",  "%ff%fe",   "a%20b",	 "~",	     "%3F",
	"%23frag",  ";param",	 "status",     "finalize", "scale",	 "log",	     "watch",
	"cm-1",	    "default",	 "configmaps", "v1",	   "namespaces", "UPPER",    "x.y",
	"-leading", "trailing-", "a..b",       "%c0%af",   "%ed%a0%80",	 "%25",	     "%2",
	"%%",	    "@",	 ":",	       "$",	   "+",		 "%5C..%5C", "%2e",
};

static const char *const query_keys[] = {
	"labelSelector",
	"fieldSelector",
	"limit",
	"continue",
	"resourceVersion",
	"resourceVersionMatch",
	"timeoutSeconds",
	"watch",
	"allowWatchBookmarks",
	"sendInitialEvents",
	"pretty",
	"dryRun",
	"fieldManager",
	"fieldValidation",
	"gracePeriodSeconds",
	"propagationPolicy",
	"orphanDependents",
	"includeObject",
	"force",
	"bogus",
	"",
	"%zz",
};

static const char *const query_values[] = {
	"",
	"0",
	"1",
	"-1",
	"500",
	"99999999999999999999",
	"18446744073709551615",
	"-9223372036854775808",
	"1e3",
	"abc",
	"true",
	"false",
	"All",
	"All,All",
	"Strict",
	"Exact",
	"NotOlderThan",
	"Orphan",
	"Background",
	"Object",
	"None",
	"app%3Dx",
	"app%20in%20(a,b)",
	"!app",
	"a%3D%3Db%3D%3Dc",
	"in%20(",
	"x,",
	"a!%3D",
	"(((",
	"metadata.name%3Dcm-1",
	"metadata.name",
	"spec.bogus%3D1",
	"metadata.name!%3Dx,metadata.namespace%3D%3Ddefault",
	"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi8uLiJ9",
	"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiIn0",
	"eyJ2IjoieCJ9",
	"e30",
	"bm90IGpzb24",
	"%ff%fe%00",
	"%0d%0aInjected:%20yes",
	"1.5",
	"%2B1",
	"0x10",
};

static const char *const accepts[] = {
	NULL,
	"application/json",
	"application/yaml",
	"*/*",
	"application/json;as=Table;v=v1;g=meta.k8s.io",
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io",
	"application/json;as=Table;v=v9;g=meta.k8s.io",
	"application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
	"application/vnd.kubernetes.protobuf",
	"text/html",
	";;;;",
	"application/json;q=abc",
	"a/b, c/d;q=0.5, application/json;q=0.1",
	"application/json;as=Table;v=v1;g=meta.k8s.io, application/json",
};

static const char *const content_types[] = {
	NULL,
	"application/json",
	"application/json",
	"application/json; charset=utf-8",
	"application/yaml",
	"application/merge-patch+json",
	"application/strategic-merge-patch+json",
	"application/json-patch+json",
	"application/apply-patch+yaml",
	"application/vnd.kubernetes.protobuf",
	"text/plain",
	"",
	"application/",
	";;;",
	"multipart/form-data; boundary=x",
	"application/x-www-form-urlencoded",
	"application/json; charset=latin1",
};

static const char *const names[] = {
	"cm-1", "cm-2", "cm-3", "x",   "",	     "a.b",	"UPPER",
	"-x",	"x-",	"..",	"a_b", "with space", "\\u00e9", "cm-1\\u0000",
};

static const char *const wrong_types[] = {
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":5}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":[]}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":null}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"labels\":[1,"
	"2]}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"labels\":{"
	"\"a\":5}}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"labels\":{"
	"\"a\":null}}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"annotations\":\"x\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"},\"data\":[1]}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"},\"data\":{"
	"\"a\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"},"
	"\"binaryData\":{\"a\":\"!!!\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"},\"immutable\":"
	"\"yes\"}",
	"{\"apiVersion\":\"v1\",\"kind\":5,\"metadata\":{\"name\":\"w\"}}",
	"{\"apiVersion\":{},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"ownerReferences\":\"x\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"ownerReferences\":[{\"uid\":5}]}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"finalizers\":"
	"{}}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"finalizers\":"
	"[5,null]}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"resourceVersion\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"resourceVersion\":\"x\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"creationTimestamp\":\"garbage\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"deletionGracePeriodSeconds\":\"x\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\","
	"\"managedFields\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"uid\":[]}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"namespace\":"
	"5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\",\"namespace\":"
	"\"other\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"w\"},\"data\":{\"a\":"
	"\"%%%\"}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"w\"},\"stringData\":"
	"5}",
	"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"w\"},\"spec\":{"
	"\"finalizers\":5}}",
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"w\"}}",
	"{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"}}",
	"{\"apiVersion\":\"coordination.k8s.io/"
	"v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"holderIdentity\":5,"
	"\"leaseDurationSeconds\":\"x\"}}",
	"{\"apiVersion\":\"meta.k8s.io/"
	"v1\",\"kind\":\"DeleteOptions\",\"gracePeriodSeconds\":\"x\",\"preconditions\":{\"uid\":5}"
	"}",
	"{\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"bogus\",\"dryRun\":[\"Bogus\"]}",
	"5",
	"\"a string\"",
	"[]",
	"null",
	"{}",
	"true",
	"1e999",
	"{\"a\":1,\"a\":2}",
	"{\"metadata\":{\"name\":\"w\"}}",
};

static const char *const yaml_bodies[] = {
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-cm\ndata:\n  a: b\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: [\n",
	"a: &a [*a]\n",
	"a: !!binary xyz\n",
	"? [a, b]\n: c\n",
	"--- 1\n--- 2\n",
	"a: b\n\tc: d\n",
	"%YAML 9.9\n---\na: 1\n",
	"a: *undefined\n",
	"a: 0x1p3\nb: .inf\nc: -.nan\nd: 1_000\ne: 0o17\n",
	"\"\\ud800\": x\n",
	"a: |\n  text\n b: c\n",
};

static const char *const json_patch_ops[] = {
	"add", "remove", "replace", "move", "copy", "test", "bogus", "",
};

static const char *const json_patch_paths[] = {
	"/metadata/labels/a",
	"/data/x",
	"",
	"/",
	"/metadata/name",
	"/~",
	"/~2",
	"/a/-",
	"/data/-",
	"/metadata/labels/~1x",
	"/0",
	"/metadata/finalizers/-",
	"/metadata/finalizers/99999999999999999999",
	"/metadata/finalizers/-1",
	"/data",
	"/metadata",
	"/kind",
	"/metadata/resourceVersion",
	"/metadata/uid",
	"data/x",
};

static const char *const small_values[] = {
	"1", "\"v\"", "null", "{}", "[]", "{\"a\":\"b\"}", "[1,2,3]", "\"\"", "true", "-0.0",
};

static const char *const smp_bodies[] = {
	"{\"$patch\":\"delete\"}",
	"{\"$patch\":\"replace\",\"data\":{}}",
	"{\"$patch\":5}",
	"{\"$retainKeys\":5}",
	"{\"$retainKeys\":[\"data\"]}",
	"{\"metadata\":{\"$setElementOrder/finalizers\":5}}",
	"{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":\"x\"}}",
	"{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"],\"finalizers\":null}}",
	"{\"metadata\":{\"labels\":{\"a\":null,\"$patch\":\"delete\"}}}",
	"{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\"x\"}]}}",
	"{\"data\":null}",
	"{\"metadata\":{\"name\":\"renamed\"}}",
	"{\"metadata\":null}",
	"{\"data\":{\"a\":{\"b\":1}}}",
};

/* ---- building requests ---- */

static void add_random_bytes(struct ck_buf *b, size_t n, bool printable)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)rnd();
		if (printable)
			ch = (unsigned char)(0x21 + ch % 94);
		ck_buf_addc(b, (char)ch);
	}
}

static void add_pct_bytes(struct ck_buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_buf_addf(b, "%%%02x", (unsigned)(rnd() & 0xff));
}

/* A path: one of the known ones, mutated. */
static void gen_path(struct ck_buf *b)
{
	const char *p = PICK(base_paths);
	switch (rnd_n(8)) {
	case 0: /* as is */
		ck_buf_adds(b, p);
		break;
	case 1: /* junk segments appended */
	case 2: {
		ck_buf_adds(b, p);
		for (size_t i = 0, n = 1 + rnd_n(4); i < n; i++) {
			ck_buf_addc(b, '/');
			ck_buf_adds(b, PICK(junk_segments));
		}
		break;
	}
	case 3: { /* one segment replaced */
		char *copy = ck_strdup(p);
		size_t nseg = 0;
		for (char *s = copy; *s; s++)
			nseg += *s == '/';
		size_t which = rnd_n(nseg ? nseg : 1), seg = 0;
		for (char *s = copy; *s; s++) {
			if (*s == '/') {
				ck_buf_addc(b, '/');
				if (seg++ == which) {
					ck_buf_adds(b, PICK(junk_segments));
					while (s[1] && s[1] != '/')
						s++;
				}
				continue;
			}
			ck_buf_addc(b, *s);
		}
		free(copy);
		break;
	}
	case 4: { /* a very long segment */
		static const size_t sizes[] = { 64, 254, 300, 4096, 20000, 70000 };
		ck_buf_adds(b, p);
		ck_buf_addc(b, '/');
		size_t n = PICK(sizes);
		for (size_t i = 0; i < n; i++)
			ck_buf_addc(b, chance(90) ? (char)('a' + rnd_n(26)) : '.');
		break;
	}
	case 5: /* escaped random bytes */
		ck_buf_adds(b, p);
		ck_buf_addc(b, '/');
		add_pct_bytes(b, 1 + rnd_n(40));
		break;
	case 6: /* doubled slashes and dots */
		for (const char *s = p; *s; s++) {
			ck_buf_addc(b, *s);
			if (*s == '/' && chance(30))
				ck_buf_adds(b, chance(50) ? "/" : "./");
		}
		if (chance(50))
			ck_buf_adds(b, "/..");
		break;
	default: /* printable junk */
		ck_buf_addc(b, '/');
		for (size_t i = 0, n = 1 + rnd_n(60); i < n; i++) {
			char ch = (char)(0x21 + rnd_n(94));
			if (ch == '#' || ch == '?' || ch == '%')
				ch = '_';
			ck_buf_addc(b, ch);
		}
		break;
	}
}

static void gen_query(struct ck_buf *b)
{
	if (chance(35))
		return;
	ck_buf_addc(b, '?');
	for (size_t i = 0, n = 1 + rnd_n(4); i < n; i++) {
		if (i)
			ck_buf_adds(b, chance(90) ? "&" : "&&");
		const char *k = PICK(query_keys);
		ck_buf_adds(b, k);
		/* watches end in a second: a well-formed watch must not hold us */
		if (ck_streq(k, "watch")) {
			ck_buf_adds(b, "=true&timeoutSeconds=1");
			continue;
		}
		if (chance(10))
			continue; /* no '=' */
		ck_buf_addc(b, '=');
		if (chance(5)) {
			for (size_t j = 0, m = 100 + rnd_n(3000); j < m; j++)
				ck_buf_addc(b, (char)('a' + rnd_n(26)));
		} else if (chance(5)) {
			add_pct_bytes(b, 1 + rnd_n(20));
		} else {
			ck_buf_adds(b, PICK(query_values));
		}
	}
}

static void gen_valid_configmap(struct ck_buf *b, const char *name)
{
	ck_buf_addf(b,
		    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\","
		    "\"labels\":{\"app\":\"fuzz\"}},\"data\":{\"k\":\"v%u\"}}",
		    name, (unsigned)rnd_n(1000));
}

static void gen_nested(struct ck_buf *b)
{
	static const size_t depths[] = { 10, 100, 999, 1000, 1001, 5000, 100000 };
	size_t d = PICK(depths);
	bool arrays = chance(50);
	const char *where = chance(50) ? "data" : "metadata";
	ck_buf_addf(b, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"%s\":", where);
	for (size_t i = 0; i < d; i++)
		ck_buf_adds(b, arrays ? "[" : "{\"a\":");
	ck_buf_adds(b, "1");
	for (size_t i = 0; i < d; i++)
		ck_buf_addc(b, arrays ? ']' : '}');
	ck_buf_addc(b, '}');
}

static void gen_huge_string(struct ck_buf *b)
{
	static const size_t sizes[] = { 65536, 1048576, 1048577, 3 * 1024 * 1024 - 2048,
					3 * 1024 * 1024 + 1 };
	static const char *const places[] = {
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},"
		"\"data\":{\"k\":\"",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\","
		"\"labels\":{\"a\":\"",
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\","
		"\"annotations\":{\"",
	};
	size_t n = PICK(sizes);
	/* the largest ones seldom: they cost time, not coverage */
	if (n > 1048577 && chance(60))
		n = 65536;
	ck_buf_adds(b, PICK(places));
	ck_buf_grow(b, n + 64);
	for (size_t i = 0; i < n; i++)
		ck_buf_addc(b, (char)('a' + i % 26));
	ck_buf_adds(b, "\":\"x\"}}}");
}

static void gen_non_utf8(struct ck_buf *b)
{
	static const char *const bad[] = {
		"\xff",	    "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
		"\xe2\x82", "\\ud800",	"\\udc00x",	"\\u0000",	    "\x00",
		"\\uZZZZ",  "\\",	"\x01\x1f",	"\xef\xbb\xbf",
	};
	const char *inject = PICK(bad);
	size_t len = strcmp(inject, "\x00") == 0 ? 1 : strlen(inject);
	ck_buf_adds(b, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"u");
	if (chance(50))
		ck_buf_add(b, inject, len);
	ck_buf_adds(b, "\",\"labels\":{\"a\":\"");
	ck_buf_add(b, inject, len);
	ck_buf_adds(b, "\"}},\"data\":{\"");
	ck_buf_add(b, inject, len);
	ck_buf_adds(b, "\":\"");
	ck_buf_add(b, inject, len);
	ck_buf_adds(b, "\"}}");
}

static void gen_json_patch(struct ck_buf *b)
{
	if (chance(10)) {
		/* copy doubling: the working copy must stay bounded */
		ck_buf_adds(
		    b, "[{\"op\":\"add\",\"path\":\"/data/x\",\"value\":\"0123456789abcdef\"}");
		for (int i = 0; i < 30; i++)
			ck_buf_addf(
			    b, ",{\"op\":\"copy\",\"from\":\"/data\",\"path\":\"/data/d%d\"}", i);
		ck_buf_addc(b, ']');
		return;
	}
	ck_buf_addc(b, '[');
	for (size_t i = 0, n = rnd_n(6); i < n; i++) {
		if (i)
			ck_buf_addc(b, ',');
		ck_buf_addf(b, "{\"op\":\"%s\",\"path\":\"%s\"", PICK(json_patch_ops),
			    PICK(json_patch_paths));
		if (chance(40))
			ck_buf_addf(b, ",\"from\":\"%s\"", PICK(json_patch_paths));
		if (chance(70))
			ck_buf_addf(b, ",\"value\":%s", PICK(small_values));
		ck_buf_addc(b, '}');
	}
	ck_buf_addc(b, ']');
}

static void gen_yaml(struct ck_buf *b)
{
	switch (rnd_n(4)) {
	case 0: { /* aliases expanding: must be bounded */
		int levels = 3 + (int)rnd_n(7);
		ck_buf_adds(
		    b,
		    "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
		for (int i = 1; i <= levels; i++) {
			ck_buf_addf(b, "a%d: &a%d [", i, i);
			for (int j = 0; j < 8; j++)
				ck_buf_addf(b, "%s*a%d", j ? "," : "", i - 1);
			ck_buf_adds(b, "]\n");
		}
		break;
	}
	case 1: { /* deep flow nesting */
		static const size_t depths[] = { 100, 1001, 20000 };
		size_t d = PICK(depths);
		ck_buf_adds(b, "a: ");
		for (size_t i = 0; i < d; i++)
			ck_buf_addc(b, '[');
		for (size_t i = 0; i < d; i++)
			ck_buf_addc(b, ']');
		ck_buf_addc(b, '\n');
		break;
	}
	case 2: { /* deep block nesting */
		size_t d = chance(50) ? 200 : 3000;
		for (size_t i = 0; i < d; i++) {
			for (size_t j = 0; j < i; j++)
				ck_buf_addc(b, ' ');
			ck_buf_adds(b, "a:\n");
		}
		break;
	}
	default:
		ck_buf_adds(b, PICK(yaml_bodies));
		break;
	}
}

/* A body and the content type that goes with it (NULL: none). */
static void gen_body(struct ck_buf *b, const char **ret_ctype)
{
	const char *ctype = "application/json";
	switch (rnd_n(13)) {
	case 0:
		gen_valid_configmap(b, PICK(names));
		break;
	case 1: { /* truncated */
		gen_valid_configmap(b, "cut");
		ck_buf_truncate(b, rnd_n(b->len));
		break;
	}
	case 2:
		gen_nested(b);
		break;
	case 3:
		gen_huge_string(b);
		break;
	case 4:
		ck_buf_adds(b, PICK(wrong_types));
		break;
	case 5:
		gen_non_utf8(b);
		break;
	case 6:
		add_random_bytes(b, rnd_n(2000), chance(50));
		ctype = chance(50) ? PICK(content_types) : ctype;
		break;
	case 7:
		break; /* empty */
	case 8:
		gen_yaml(b);
		ctype = chance(80) ? "application/yaml" : "application/apply-patch+yaml";
		break;
	case 9:
		gen_json_patch(b);
		ctype = "application/json-patch+json";
		break;
	case 10:
		ck_buf_adds(b, PICK(smp_bodies));
		ctype = chance(50) ? "application/strategic-merge-patch+json"
				   : "application/merge-patch+json";
		break;
	case 11: /* a protobuf-looking body */
		ck_buf_add(b, "k8s\x00", 4);
		add_random_bytes(b, rnd_n(300), false);
		ctype = "application/vnd.kubernetes.protobuf";
		break;
	default:
		gen_valid_configmap(b, "ok");
		ctype = PICK(content_types);
		break;
	}
	if (chance(15))
		ctype = PICK(content_types);
	*ret_ctype = ctype;
}

/* ---- connections and answers ---- */

struct conn {
	struct ck_test_tls *tls;
	struct ck_buf in; /* received, not yet parsed */
};

struct answer {
	int code;
	bool stream;  /* a body still coming when we stopped (a watch) */
	bool chunked; /* a chunked body (watches) */
	bool close;   /* the server closes after it */
	char content_type[256];
	struct ck_buf body;
};

enum read_result {
	READ_OK,
	READ_NONE,	/* closed before any byte of an answer */
	READ_MALFORMED, /* why says how */
	READ_TIMEOUT,
};

/* CK_MALFORMED_TRACE=1 prints every request's first line and answer. */
static bool trace;

static double timeout_ms(void)
{
	return ck_test_timeout(10) * 1000;
}

static int conn_open(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	ck_buf_init(&c->in, 0);
	return ck_test_tls_connect(port, (int)timeout_ms(), &c->tls);
}

static void conn_close(struct conn *c)
{
	ck_test_tls_free(c->tls);
	c->tls = NULL;
	ck_buf_release(&c->in);
}

/* Reads more into c->in until deadline: > 0 bytes, 0 at EOF, < 0 error. */
static ssize_t fill(struct conn *c, double deadline)
{
	char buf[65536];
	double left = deadline - ck_test_now_ms();
	if (left <= 0)
		return -ETIMEDOUT;
	ssize_t n = ck_test_tls_read(c->tls, buf, sizeof(buf), (int)left);
	if (n > 0 && ck_buf_add(&c->in, buf, (size_t)n) < 0)
		return -E2BIG;
	return n;
}

static void consume(struct conn *c, size_t n)
{
	memmove(c->in.data, c->in.data + n, c->in.len - n);
	ck_buf_truncate(&c->in, c->in.len - n);
}

/* The value of header name in a header block (lowercased names compared),
 * copied into out; false when absent. */
static bool header_value(const char *head, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	for (const char *line = strstr(head, "\r\n"); line && line[2];
	     line = strstr(line + 2, "\r\n")) {
		const char *l = line + 2;
		if (strncasecmp(l, name, nlen) == 0 && l[nlen] == ':') {
			const char *v = l + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vlen = strcspn(v, "\r");
			snprintf(out, size, "%.*s", (int)vlen, v);
			return true;
		}
	}
	return false;
}

/* Every header line "name: value" with a token name. */
static bool headers_well_formed(const char *head, char *why, size_t size)
{
	const char *line = strstr(head, "\r\n");
	while (line && line[2] && !(line[2] == '\r' && line[3] == '\n')) {
		const char *l = line + 2, *end = strstr(l, "\r\n");
		const char *colon = memchr(l, ':', (size_t)(end - l));
		if (!colon || colon == l) {
			snprintf(why, size, "header line without a name: '%.*s'", (int)(end - l),
				 l);
			return false;
		}
		for (const char *p = l; p < colon; p++)
			if (*p <= ' ' || *p >= 0x7f) {
				snprintf(why, size, "bad header name '%.*s'", (int)(colon - l), l);
				return false;
			}
		line = end;
	}
	return true;
}

/*
 * Reads one answer from c within wait_ms. head_request: no body follows.
 * stream_ok: a 200 whose body keeps coming (a watch) is accepted once
 * nothing came for 100 ms.
 */
static enum read_result read_answer(struct conn *c, bool head_request, bool stream_ok,
				    double wait_ms, struct answer *a, char *why, size_t wsize)
{
	double deadline = ck_test_now_ms() + wait_ms;
	memset(a, 0, sizeof(*a));
	ck_buf_init(&a->body, 0);
	char *end;
	for (;;) {
		/* the header block */
		while (!(c->in.len && (end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4)))) {
			if (c->in.len > 128 * 1024) {
				snprintf(why, wsize, "a header block over 128 KiB");
				return READ_MALFORMED;
			}
			ssize_t n = fill(c, deadline);
			if (n == -ETIMEDOUT)
				return READ_TIMEOUT;
			if (n <= 0) {
				if (!c->in.len)
					return READ_NONE;
				snprintf(why, wsize,
					 "the connection ended inside the headers: '%.60s'",
					 ck_buf_str(&c->in));
				return READ_MALFORMED;
			}
		}
		size_t head_len = (size_t)(end - c->in.data) + 4;
		char *head = ck_strndup(c->in.data, head_len);
		consume(c, head_len);
		if (trace)
			fprintf(stderr, "malformed:   answer: %s", head);
		int code = 0;
		char proto[16] = "";
		if (sscanf(head, "%15s %d", proto, &code) != 2 ||
		    (strcmp(proto, "HTTP/1.1") != 0 && strcmp(proto, "HTTP/1.0") != 0) ||
		    code < 100 || code > 599 || head[strlen(proto)] != ' ' ||
		    (head[strlen(proto) + 4] != ' ' && head[strlen(proto) + 4] != '\r')) {
			snprintf(why, wsize, "bad status line: '%.60s'", head);
			free(head);
			return READ_MALFORMED;
		}
		if (!headers_well_formed(head, why, wsize)) {
			free(head);
			return READ_MALFORMED;
		}
		if (code < 200) { /* 100 Continue and the like: the answer follows */
			free(head);
			continue;
		}
		a->code = code;
		char v[256];
		if (header_value(head, "Content-Type", v, sizeof(v)))
			snprintf(a->content_type, sizeof(a->content_type), "%s", v);
		a->close =
		    strcmp(proto, "HTTP/1.0") == 0 ||
		    (header_value(head, "Connection", v, sizeof(v)) && strcasecmp(v, "close") == 0);
		bool chunked = header_value(head, "Transfer-Encoding", v, sizeof(v)) &&
			       strcasecmp(v, "chunked") == 0;
		bool has_length = header_value(head, "Content-Length", v, sizeof(v));
		uint64_t length = 0;
		if (has_length && ck_str_to_uint64(v, &length) < 0) {
			snprintf(why, wsize, "bad Content-Length '%s'", v);
			free(head);
			return READ_MALFORMED;
		}
		free(head);
		if (head_request || code == 204 || code == 304)
			return READ_OK;
		a->chunked = chunked;
		if (chunked) {
			double stream_deadline = ck_test_now_ms() + 100;
			for (;;) {
				char *nl;
				while (!(c->in.len && (nl = memchr(c->in.data, '\n', c->in.len)))) {
					double d =
					    stream_ok && code == 200 ? stream_deadline : deadline;
					ssize_t n = fill(c, d);
					if (n == -ETIMEDOUT && stream_ok && code == 200) {
						a->stream = true;
						return READ_OK;
					}
					if (n == -ETIMEDOUT)
						return READ_TIMEOUT;
					if (n <= 0) {
						snprintf(why, wsize,
							 "the chunked body of a %d ended early",
							 code);
						return READ_MALFORMED;
					}
				}
				char *after = NULL;
				unsigned long long size = strtoull(c->in.data, &after, 16);
				if (after == c->in.data || (*after != '\r' && *after != ';')) {
					snprintf(why, wsize, "bad chunk size line");
					return READ_MALFORMED;
				}
				consume(c, (size_t)(nl - c->in.data) + 1);
				if (size == 0) {
					/* trailers until an empty line */
					for (;;) {
						while (!(c->in.len && (nl = memchr(c->in.data, '\n',
										   c->in.len)))) {
							ssize_t n = fill(c, deadline);
							if (n == -ETIMEDOUT)
								return READ_TIMEOUT;
							if (n <= 0) {
								snprintf(why, wsize,
									 "no end of trailers");
								return READ_MALFORMED;
							}
						}
						size_t l = (size_t)(nl - c->in.data) + 1;
						consume(c, l);
						if (l <= 2)
							return READ_OK;
					}
				}
				while (c->in.len < size + 2) {
					ssize_t n = fill(c, deadline);
					if (n == -ETIMEDOUT)
						return READ_TIMEOUT;
					if (n <= 0) {
						snprintf(why, wsize, "a chunk ended early");
						return READ_MALFORMED;
					}
				}
				if (c->in.data[size] != '\r' || c->in.data[size + 1] != '\n') {
					snprintf(why, wsize, "a chunk not followed by CRLF");
					return READ_MALFORMED;
				}
				if (a->body.len < 1024 * 1024)
					ck_buf_add(&a->body, c->in.data, (size_t)size);
				consume(c, (size_t)size + 2);
				if (stream_ok && code == 200)
					stream_deadline = ck_test_now_ms() + 100;
			}
		}
		if (has_length) {
			while (c->in.len < length) {
				ssize_t n = fill(c, deadline);
				if (n == -ETIMEDOUT)
					return READ_TIMEOUT;
				if (n <= 0) {
					snprintf(why, wsize,
						 "body shorter than Content-Length %llu",
						 (unsigned long long)length);
					return READ_MALFORMED;
				}
			}
			ck_buf_add(&a->body, c->in.data, (size_t)length);
			consume(c, (size_t)length);
			return READ_OK;
		}
		/* neither: the body runs to the end of the connection */
		a->close = true;
		for (;;) {
			ssize_t n = fill(c, deadline);
			if (n == -ETIMEDOUT)
				return READ_TIMEOUT;
			if (n <= 0)
				break;
		}
		ck_buf_add(&a->body, c->in.data, c->in.len);
		consume(c, c->in.len);
		return READ_OK;
	}
}

/* A chunked 200 is a watch: newline-separated {"type":…,"object":…}
 * events, maybe none, each one valid JSON. */
static bool watch_body_valid(const struct answer *a, char *why, size_t wsize)
{
	const char *p = a->body.data, *end = p ? p + a->body.len : NULL;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* the rest went past what we keep */
		json_tokener *tok = json_tokener_new_ex(4096);
		json_object *ev = json_tokener_parse_ex(tok, p, (int)(nl - p));
		bool ok = json_tokener_get_error(tok) == json_tokener_success &&
			  json_object_is_type(ev, json_type_object) &&
			  json_object_object_get_ex(ev, "type", NULL) &&
			  json_object_object_get_ex(ev, "object", NULL);
		json_tokener_free(tok);
		json_object_put(ev);
		if (!ok) {
			snprintf(why, wsize, "a watch event is not {\"type\",\"object\"}: '%.120s'",
				 p);
			return false;
		}
		p = nl + 1;
	}
	return true;
}

/* A JSON error answer must be a Status with the same code. */
static bool answer_valid(const struct answer *a, bool head_request, char *why, size_t wsize)
{
	if (strncasecmp(a->content_type, "application/json", 16) != 0 || a->stream || head_request)
		return true;
	if (a->chunked && a->code == 200)
		return watch_body_valid(a, why, wsize);
	json_tokener *tok = json_tokener_new_ex(4096);
	json_object *o =
	    json_tokener_parse_ex(tok, a->body.data ? a->body.data : "", (int)a->body.len);
	bool parsed = json_tokener_get_error(tok) == json_tokener_success;
	json_tokener_free(tok);
	bool ok = true;
	if (!parsed) {
		snprintf(why, wsize, "a %d answer says JSON but is not: '%.80s'", a->code,
			 a->body.len ? a->body.data : "");
		ok = false;
	} else if (a->code >= 400) {
		json_object *kind, *apiv, *code, *status;
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, "kind", &kind) ||
		    !ck_streq(json_object_get_string(kind), "Status") ||
		    !json_object_object_get_ex(o, "apiVersion", &apiv) ||
		    !ck_streq(json_object_get_string(apiv), "v1") ||
		    !json_object_object_get_ex(o, "status", &status) ||
		    !ck_streq(json_object_get_string(status), "Failure") ||
		    !json_object_object_get_ex(o, "code", &code) ||
		    !json_object_is_type(code, json_type_int) ||
		    json_object_get_int(code) != a->code) {
			snprintf(why, wsize, "a %d answer is not a matching Status: '%.160s'",
				 a->code, a->body.data);
			ok = false;
		}
	}
	json_object_put(o);
	return ok;
}

/* ---- the run ---- */

struct run {
	struct conn conn; /* the keep-alive connection (tls NULL: none) */
	struct conn held[MAX_HELD];
	int nheld, slow_used;
	int index;
	const char *kind; /* of the current request, for messages */
	int requests, answered, unanswered_ok, left_waiting, streams;
	int codes[6]; /* by hundreds */
	int failures;
	int server_errors; /* 5xx, printed for the report */
	int empty_watches; /* 200 watch streams ended with no event, printed */
};

static void fail_at(struct run *r, const char *what, const char *why)
{
	r->failures++;
	if (r->failures <= MAX_FAILURES)
		fprintf(stderr, "malformed: request %d [%s] (%s): %s\n", r->index, r->kind, what,
			why);
}

static void hold(struct run *r, struct conn *c)
{
	if (r->nheld == MAX_HELD) {
		size_t victim = rnd_n(MAX_HELD);
		conn_close(&r->held[victim]);
		r->held[victim] = r->held[--r->nheld];
	}
	r->held[r->nheld++] = *c;
	memset(c, 0, sizeof(*c));
}

/* A short description of a request for messages: its first line. */
static void describe(const struct ck_buf *req, char *out, size_t size)
{
	size_t n = strcspn(req->data ? req->data : "", "\r\n");
	snprintf(out, size, "%.*s", (int)(n > 160 ? 160 : n), req->data ? req->data : "");
}

/*
 * Sends req on the keep-alive connection (a new one when needed) and checks
 * the nanswers answers (pipelined requests get one each). must_answer: a
 * well-framed request, which an answer must follow; otherwise the server
 * may also just close.
 */
static void exchange(struct run *r, const struct ck_buf *req, bool head_request, bool stream_ok,
		     bool must_answer, int nanswers)
{
	char what[200], why[512] = "";
	describe(req, what, sizeof(what));
	bool fresh = !r->conn.tls;
	if (trace)
		fprintf(stderr, "malformed: %d [%s] %s (%zu bytes)%s\n", r->index, r->kind, what,
			req->len, fresh ? " new connection" : "");
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!r->conn.tls) {
			int e = conn_open(&r->conn);
			if (e < 0) {
				snprintf(why, sizeof(why), "unable to connect: %s", strerror(-e));
				fail_at(r, what, why);
				return;
			}
		}
		int w = ck_test_tls_write(r->conn.tls, req->data, req->len, (int)timeout_ms());
		if (w == -ETIMEDOUT) {
			fail_at(r, what, "the server stopped reading the request");
			conn_close(&r->conn);
			return;
		}
		/* A server may answer early (413) and close while we still write. */
		bool keep = true;
		for (int i = 0; i < nanswers && keep; i++) {
			struct answer a;
			/* An incomplete or ill-framed request may rightly be left
			 * waiting for more: a short wait, then we give up on it. */
			enum read_result rr =
			    read_answer(&r->conn, head_request, stream_ok,
					must_answer ? timeout_ms() : 150, &a, why, sizeof(why));
			keep = false;
			switch (rr) {
			case READ_OK:
				r->answered++;
				r->codes[a.code / 100]++;
				if (a.stream)
					r->streams++;
				if (a.code >= 500 && a.code != 505) {
					r->server_errors++;
					if (r->server_errors <= 10)
						fprintf(stderr,
							"malformed: request %d (%s) answered %d: "
							"%.200s\n",
							r->index, what, a.code,
							a.body.len ? a.body.data : "");
				}
				if (!answer_valid(&a, head_request, why, sizeof(why)))
					fail_at(r, what, why);
				if (a.chunked && a.code == 200 && !a.stream && !a.body.len &&
				    r->empty_watches++ < 5)
					fprintf(stderr,
						"malformed: request %d (%s): a watch that ended at "
						"once with no event\n",
						r->index, what);
				keep = !a.close && !a.stream && w == 0 && a.code != 413 &&
				       a.code != 400;
				break;
			case READ_NONE:
				if (i == 0 && !fresh && attempt == 0) {
					/* the kept connection had gone: once more on a new one */
					ck_buf_release(&a.body);
					conn_close(&r->conn);
					goto again;
				}
				if (must_answer && w == 0)
					fail_at(r, what, "the connection closed without an answer");
				else
					r->unanswered_ok++;
				break;
			case READ_MALFORMED:
				fail_at(r, what, why);
				break;
			case READ_TIMEOUT:
				if (must_answer)
					fail_at(r, what, "no answer in time (hang)");
				else
					r->left_waiting++;
				break;
			}
			ck_buf_release(&a.body);
		}
		if (!keep)
			conn_close(&r->conn);
		return;
	again:
		fresh = true;
	}
}

static void add_request_line(struct ck_buf *b, const char *method, const char *target)
{
	ck_buf_addf(b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", method, target, port);
}

/* A well-framed request: random method, mutated path and query, maybe a body. */
static void kind_path(struct run *r)
{
	struct ck_buf target = CK_BUF_INIT, req, body;
	ck_buf_init(&req, MAX_BODY + 65536);
	ck_buf_init(&body, MAX_BODY);
	const char *method = PICK(methods);
	gen_path(&target);
	gen_query(&target);
	add_request_line(&req, method, ck_buf_str(&target));
	const char *accept = PICK(accepts);
	if (accept)
		ck_buf_addf(&req, "Accept: %s\r\n", accept);
	const char *ctype = NULL;
	if (chance(40))
		gen_body(&body, &ctype);
	if (ctype && *ctype)
		ck_buf_addf(&req, "Content-Type: %s\r\n", ctype);
	if (body.len || chance(50))
		ck_buf_addf(&req, "Content-Length: %zu\r\n", body.len);
	ck_buf_adds(&req, "\r\n");
	ck_buf_add(&req, body.data, body.len);
	bool maybe_watch = strstr(ck_buf_str(&target), "watch") != NULL;
	/* Very long targets may be refused by closing (414/431 are optional). */
	bool must = target.len < 8192 && strcmp(method, "CONNECT") != 0;
	exchange(r, &req, ck_streq(method, "HEAD"), maybe_watch, must, 1);
	ck_buf_release(&target);
	ck_buf_release(&req);
	ck_buf_release(&body);
}

/* A resource path with a random body and content type. */
static void kind_body(struct run *r)
{
	static const char *const targets[] = {
		"POST /api/v1/namespaces/default/configmaps",
		"POST /api/v1/namespaces/fuzz/configmaps",
		"POST /api/v1/namespaces/default/secrets",
		"POST /api/v1/namespaces",
		"POST /apis/coordination.k8s.io/v1/namespaces/default/leases",
		"POST /api/v1/namespaces/default/events",
		"PUT /api/v1/namespaces/default/configmaps/cm-1",
		"PUT /api/v1/namespaces/default/configmaps/cm-2",
		"PUT /api/v1/namespaces/fuzz/status",
		"PUT /api/v1/namespaces/fuzz/finalize",
		"PATCH /api/v1/namespaces/default/configmaps/cm-1",
		"PATCH /api/v1/namespaces/default/configmaps/cm-3",
		"PATCH /api/v1/namespaces/fuzz",
		"PATCH /apis/coordination.k8s.io/v1/namespaces/default/leases/l-1",
		"DELETE /api/v1/namespaces/default/configmaps/cm-3",
		"DELETE /api/v1/namespaces/default/configmaps",
	};
	struct ck_buf req, body;
	ck_buf_init(&req, MAX_BODY + 65536);
	ck_buf_init(&body, MAX_BODY);
	const char *t = PICK(targets), *sp = strchr(t, ' ');
	char method[16];
	snprintf(method, sizeof(method), "%.*s", (int)(sp - t), t);
	struct ck_buf target = CK_BUF_INIT;
	ck_buf_adds(&target, sp + 1);
	if (chance(30))
		gen_query(&target);
	add_request_line(&req, method, ck_buf_str(&target));
	const char *ctype;
	gen_body(&body, &ctype);
	if (ctype && *ctype)
		ck_buf_addf(&req, "Content-Type: %s\r\n", ctype);
	const char *accept = chance(30) ? PICK(accepts) : NULL;
	if (accept)
		ck_buf_addf(&req, "Accept: %s\r\n", accept);
	ck_buf_addf(&req, "Content-Length: %zu\r\n\r\n", body.len);
	ck_buf_add(&req, body.data, body.len);
	exchange(r, &req, false, strstr(ck_buf_str(&target), "watch") != NULL, true, 1);
	ck_buf_release(&target);
	ck_buf_release(&req);
	ck_buf_release(&body);
}

/* Junk in the request line, the headers or the framing. */
static void kind_headers(struct run *r)
{
	struct ck_buf req;
	ck_buf_init(&req, 1024 * 1024);
	bool must = false;
	int nanswers = 1;
	switch (rnd_n(18)) {
	case 0:
		ck_buf_adds(&req, "GARBAGE\r\n\r\n");
		break;
	case 1:
		ck_buf_adds(&req, "GET\r\n\r\n");
		break;
	case 2:
		ck_buf_addf(&req, "GET /version HTTP/9.9\r\nHost: x\r\n\r\n");
		break;
	case 3:
		ck_buf_adds(&req, "GET /version HTTP/1.1\r\n\r\n"); /* no Host */
		break;
	case 4:
		ck_buf_adds(&req, "\r\n\r\n");
		break;
	case 5:
		add_random_bytes(&req, 1 + rnd_n(500), chance(50));
		ck_buf_adds(&req, "\r\n\r\n");
		break;
	case 6:
		ck_buf_adds(&req, "GET /version HTTP/1.1\nHost: x\n\n"); /* bare LF */
		break;
	case 7:
		add_request_line(&req, "GET", "/version");
		ck_buf_adds(&req, "NoColonHere\r\n\r\n");
		break;
	case 8:
		add_request_line(&req, "GET", "/version");
		ck_buf_adds(&req, "Bad Name: x\r\nX-Fold: a\r\n  folded\r\n\r\n");
		break;
	case 9:
		add_request_line(&req, "GET", "/api/v1/namespaces/default/configmaps");
		for (int i = 0; i < 300; i++)
			ck_buf_addf(&req, "X-Many-%d: %d\r\n", i, i);
		ck_buf_adds(&req, "\r\n");
		break;
	case 10: {
		static const size_t sizes[] = { 4000, 30000, 70000, 200000 };
		add_request_line(&req, "GET", "/version");
		ck_buf_adds(&req, "X-Huge: ");
		for (size_t i = 0, n = PICK(sizes); i < n; i++)
			ck_buf_addc(&req, 'h');
		ck_buf_adds(&req, "\r\n\r\n");
		break;
	}
	case 11: {
		static const char *const lengths[] = { "-1", "abc",  "1, 2", "99999999999999999999",
						       " 5", "0x10", "" };
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_addf(&req, "Content-Type: application/json\r\nContent-Length: %s\r\n\r\n{}",
			    PICK(lengths));
		break;
	}
	case 12:
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_adds(&req, "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}");
		break;
	case 13: { /* chunked, broken in one of several ways */
		static const char *const bodies[] = {
			"zz\r\n{}\r\n0\r\n\r\n",	 "ffffffffffffffff\r\n{}\r\n0\r\n\r\n",
			"2;ext=1\r\n{}\r\n0\r\n\r\n",	 "2\r\n{}0\r\n\r\n",
			"-2\r\n{}\r\n0\r\n\r\n",	 "2\r\n{}\r\n0\r\nTrailer: x\r\n\r\n",
			"1\r\n{\r\n1\r\n}\r\n0\r\n\r\n",
		};
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_adds(&req,
			    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
		if (chance(30))
			ck_buf_adds(&req, "Content-Length: 2\r\n");
		ck_buf_adds(&req, "\r\n");
		ck_buf_adds(&req, PICK(bodies));
		break;
	}
	case 14:
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_adds(&req, "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}");
		break;
	case 15:
		add_request_line(&req, "GET", "/version");
		ck_buf_adds(&req, "Expect: bogus\r\nContent-Length: 0\r\n\r\n");
		break;
	case 16: /* HTTP/1.0 */
		ck_buf_adds(&req,
			    "GET /api/v1/namespaces HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
		must = true;
		break;
	default: /* two requests in one write: both answered */
		add_request_line(&req, "GET", "/version");
		ck_buf_adds(&req, "\r\n");
		add_request_line(&req, "GET", "/api/v1/namespaces/default/configmaps/cm-1");
		ck_buf_adds(&req, "\r\n");
		must = true;
		nanswers = 2;
		break;
	}
	/* always on a fresh connection, which is closed after */
	conn_close(&r->conn);
	exchange(r, &req, false, false, must, nanswers);
	conn_close(&r->conn);
	ck_buf_release(&req);
}

/* A body cut short: Content-Length promises more, then the client leaves. */
static void kind_truncated(struct run *r)
{
	struct conn c;
	struct ck_buf req = CK_BUF_INIT, body = CK_BUF_INIT;
	if (conn_open(&c) < 0) {
		fail_at(r, "truncated body", "unable to connect");
		return;
	}
	gen_valid_configmap(&body, "trunc");
	size_t sent = rnd_n(body.len);
	add_request_line(&req, chance(50) ? "POST" : "PUT",
			 "/api/v1/namespaces/default/configmaps/trunc");
	ck_buf_addf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		    body.len + rnd_n(100000));
	ck_buf_add(&req, body.data, sent);
	ck_test_tls_write(c.tls, req.data, req.len, (int)timeout_ms());
	if (chance(50)) {
		/* the server sees the end of the stream: it may answer or close */
		ck_test_tls_shutdown_write(c.tls);
		char why[256];
		struct answer a;
		enum read_result rr =
		    read_answer(&c, false, false, timeout_ms(), &a, why, sizeof(why));
		if (rr == READ_MALFORMED)
			fail_at(r, "truncated body", why);
		else if (rr == READ_TIMEOUT)
			fail_at(r, "truncated body", "no answer nor close in time");
		else if (rr == READ_OK && !answer_valid(&a, false, why, sizeof(why)))
			fail_at(r, "truncated body", why);
		ck_buf_release(&a.body);
	}
	conn_close(&c);
	ck_buf_release(&req);
	ck_buf_release(&body);
}

/* A watch read for a moment, then dropped now or later. */
static void kind_watch(struct run *r)
{
	static const char *const targets[] = {
		"/api/v1/namespaces/default/configmaps?watch=true",
		"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0",
		"/api/v1/configmaps?watch=true&labelSelector=app%3Dfuzz&allowWatchBookmarks=true",
		"/api/v1/watch/namespaces/default/configmaps",
		"/api/v1/namespaces/default/"
		"configmaps?watch=true&fieldSelector=metadata.name%3Dcm-1",
		"/api/v1/namespaces?watch=true",
		"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1",
		"/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&"
		"resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
	};
	struct conn c;
	struct ck_buf req = CK_BUF_INIT;
	if (conn_open(&c) < 0) {
		fail_at(r, "watch", "unable to connect");
		return;
	}
	const char *target = PICK(targets);
	add_request_line(&req, "GET", target);
	if (chance(30))
		ck_buf_adds(&req, "Accept: application/json;as=Table;v=v1;g=meta.k8s.io\r\n");
	ck_buf_adds(&req, "\r\n");
	ck_test_tls_write(c.tls, req.data, req.len, (int)timeout_ms());
	struct answer a;
	char why[256];
	enum read_result rr = read_answer(&c, false, true, timeout_ms(), &a, why, sizeof(why));
	if (rr == READ_OK) {
		r->answered++;
		r->codes[a.code / 100]++;
		r->streams += a.stream;
		if (!answer_valid(&a, false, why, sizeof(why)))
			fail_at(r, target, why);
	} else {
		fail_at(r, target, rr == READ_TIMEOUT ? "no answer in time" : why);
	}
	ck_buf_release(&a.body);
	ck_buf_release(&req);
	if (rr == READ_OK && a.stream && chance(50))
		hold(r, &c); /* dropped later */
	else
		conn_close(&c);
}

/* Partial headers left hanging (slowloris), bounded. */
static void kind_slow(struct run *r)
{
	if (r->slow_used >= MAX_SLOW) {
		kind_path(r);
		return;
	}
	r->slow_used++;
	struct conn c;
	struct ck_buf req = CK_BUF_INIT;
	if (conn_open(&c) < 0) {
		fail_at(r, "slow", "unable to connect");
		return;
	}
	if (chance(50)) {
		ck_buf_addf(&req, "GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
	} else {
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_adds(&req,
			    "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
	}
	ck_test_tls_write(c.tls, req.data, req.len, (int)timeout_ms());
	ck_buf_release(&req);
	hold(r, &c);
}

/* An ordinary request that must succeed (the server still works). */
static void kind_valid(struct run *r)
{
	struct ck_buf req = CK_BUF_INIT, body = CK_BUF_INIT;
	char name[32];
	snprintf(name, sizeof(name), "cm-%u", (unsigned)(1 + rnd_n(3)));
	gen_valid_configmap(&body, name);
	if (chance(50)) {
		add_request_line(&req, "POST", "/api/v1/namespaces/default/configmaps");
		ck_buf_addf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			    body.len);
		ck_buf_add(&req, body.data, body.len);
	} else {
		add_request_line(&req, "GET", "/api/v1/namespaces/default/configmaps?limit=2");
		ck_buf_adds(&req, "\r\n");
	}
	exchange(r, &req, false, false, true, 1);
	ck_buf_release(&req);
	ck_buf_release(&body);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	uint64_t v;
	return s && *s && ck_str_to_uint64(s, &v) == 0 ? v : def;
}

static bool process_alive(int pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *close_paren = strrchr(buf, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z' &&
	       close_paren[2] != 'X';
}

/* The sum of apiserver_registered_watchers over every kind, or -1. */
static long registered_watchers(const char *base)
{
	char url[256];
	struct ck_test_response resp;
	long sum = -1;
	snprintf(url, sizeof(url), "%s/metrics", base);
	if (ck_test_http("GET", url, NULL, NULL, NULL, &resp) == 0 && resp.code == 200) {
		static const char name[] = "apiserver_registered_watchers{";
		sum = 0;
		for (const char *p = strstr(ck_buf_str(&resp.body), name); p;
		     p = strstr(p + 1, name)) {
			const char *v = strchr(p, '}');
			if (v)
				sum += strtol(v + 1, NULL, 10);
		}
	}
	ck_test_response_release(&resp);
	return sum;
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(ck_test_etcd_start(NULL, &etcd), 0);
	struct ck_test_apiserver_options o = { .etcd_endpoint = ck_test_etcd_endpoint(etcd) };
	ck_assert_int_eq(ck_test_apiserver_start(&o, &api), 0);
	const char *url = ck_test_apiserver_url(api), *colon = strrchr(url, ':');
	ck_assert_int_eq(ck_str_to_int(colon + 1, &port), 0);
}

static void teardown(void)
{
	ck_test_apiserver_free(api);
	ck_test_etcd_free(etcd);
	api = NULL;
	etcd = NULL;
}

static void seed_objects(const char *base)
{
	static const char *const posts[][2] = {
		{ "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
					"\"metadata\":{\"name\":\"fuzz\"}}" },
		{ "/api/v1/namespaces/default/configmaps",
		  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-1\","
		  "\"labels\":{\"app\":\"fuzz\"}},\"data\":{\"a\":\"1\"}}" },
		{ "/api/v1/namespaces/default/configmaps",
		  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-2\"}"
		  "}" },
		{ "/api/v1/namespaces/fuzz/configmaps",
		  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-2\"}"
		  "}" },
		{ "/api/v1/namespaces/default/secrets",
		  "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s-1\"},"
		  "\"data\":{\"k\":\"dg==\"}}" },
		{ "/apis/coordination.k8s.io/v1/namespaces/default/leases",
		  "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{"
		  "\"name\":\"l-1\"},\"spec\":{\"holderIdentity\":\"a\"}}" },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(posts); i++) {
		long code;
		json_object *o = ck_test_request(base, "POST", posts[i][0], posts[i][1], &code);
		json_object_put(o);
		ck_assert_msg(code == 201, "seeding %s: %ld", posts[i][0], code);
	}
}

/* The kinds of request and their shares (cumulative percent). */
static const struct {
	unsigned upto;
	const char *name;
	void (*fn)(struct run *r);
} kinds[] = {
	{ 35, "path", kind_path },	 { 65, "body", kind_body },
	{ 80, "headers", kind_headers }, { 86, "truncated", kind_truncated },
	{ 91, "watch", kind_watch },	 { 94, "slow", kind_slow },
	{ 100, "valid", kind_valid },
};

START_TEST(test_malformed_requests)
{
	const char *base = ck_test_apiserver_url(api);
	uint64_t seed = env_u64("CK_MALFORMED_SEED", DEFAULT_SEED);
	int count = (int)env_u64("CK_MALFORMED_REQUESTS", DEFAULT_REQUESTS);
	fprintf(stderr, "malformed: seed %llu, %d requests (CK_MALFORMED_SEED=%llu reproduces)\n",
		(unsigned long long)seed, count, (unsigned long long)seed);
	rng = seed;
	trace = env_u64("CK_MALFORMED_TRACE", 0) != 0;
	seed_objects(base);

	static struct run r;
	double kind_ms[CK_ARRAY_SIZE(kinds)] = { 0 };
	int kind_n[CK_ARRAY_SIZE(kinds)] = { 0 };
	memset(&r, 0, sizeof(r));
	double t0 = ck_test_now_ms();
	for (r.index = 0; r.index < count; r.index++) {
		unsigned k = (unsigned)rnd_n(100);
		size_t i = 0;
		while (k >= kinds[i].upto)
			i++;
		r.kind = kinds[i].name;
		double k0 = ck_test_now_ms();
		kinds[i].fn(&r);
		kind_ms[i] += ck_test_now_ms() - k0;
		kind_n[i]++;
		r.requests++;
		if (r.index % 500 == 499) {
			ck_assert_msg(process_alive(ck_test_apiserver_pid(api)),
				      "the server died by request %d", r.index);
			fprintf(stderr, "malformed: %d requests, %.1f s\n", r.index + 1,
				(ck_test_now_ms() - t0) / 1000);
		}
	}
	double elapsed = ck_test_now_ms() - t0;
	for (size_t i = 0; i < CK_ARRAY_SIZE(kinds); i++)
		fprintf(stderr, "malformed: %-9s %5d requests, %6.1f s\n", kinds[i].name, kind_n[i],
			kind_ms[i] / 1000);

	/* With the slow connections and watches still open: the server answers. */
	double v0 = ck_test_now_ms();
	long code;
	json_object *v = ck_test_request(base, "GET", "/version", NULL, &code);
	double version_ms = ck_test_now_ms() - v0;
	json_object_put(v);
	for (int i = 0; i < r.nheld; i++)
		conn_close(&r.held[i]);
	conn_close(&r.conn);
	/* Every watch's client has left: the server lets them all go, on a
	 * quiet resource too (it notices closed connections). */
	long watchers = -1;
	double w_deadline = ck_test_now_ms() + ck_test_timeout(10) * 1000;
	while ((watchers = registered_watchers(base)) != 0 && ck_test_now_ms() < w_deadline)
		ck_test_sleep_ms(200);

	fprintf(stderr,
		"malformed: %d requests in %.1f s: %d answered (1xx %d, 2xx %d, 3xx %d, 4xx %d, "
		"5xx %d), %d watch streams; without an answer where allowed: %d closed, %d left "
		"waiting for more; /version in %.0f ms; %d failures\n",
		r.requests, elapsed / 1000, r.answered, r.codes[1], r.codes[2], r.codes[3],
		r.codes[4], r.codes[5], r.streams, r.unanswered_ok, r.left_waiting, version_ms,
		r.failures);
	ck_assert_msg(code == 200, "GET /version answered %ld after the run", code);
	ck_assert_msg(watchers == 0, "%ld watches still registered after their clients left",
		      watchers);
	ck_assert_msg(version_ms < 1000, "GET /version took %.0f ms after the run", version_ms);
	json_object *ready = ck_test_request(base, "GET", "/readyz", NULL, &code);
	json_object_put(ready);
	ck_assert_msg(code == 200, "/readyz answered %ld after the run", code);
	ck_assert_msg(process_alive(ck_test_apiserver_pid(api)), "the server died");

	/* SIGTERM: it must exit (in time) and its log must be clean. */
	/* test/lib/apiserver.c keeps its log beside the kubeconfig */
	char log_file[600];
	const char *kc = ck_test_apiserver_kubeconfig(api), *slash = strrchr(kc, '/');
	snprintf(log_file, sizeof(log_file), "%.*s/apiserver.log", (int)(slash - kc), kc);
	double s0 = ck_test_now_ms();
	ck_test_apiserver_stop(api, 0);
	double stop_ms = ck_test_now_ms() - s0;
	int reports = ck_test_sanitizer_lines(log_file);
	ck_assert_msg(stop_ms < 9500, "the server took %.0f ms to stop on SIGTERM", stop_ms);
	ck_assert_msg(reports >= 0, "unable to read the server's log '%s': %s", log_file,
		      strerror(-reports));
	ck_assert_msg(reports == 0, "%d sanitizer lines in the server's log (%s)", reports,
		      log_file);
	ck_assert_msg(r.failures == 0, "%d malformed-request failures (seed %llu)", r.failures,
		      (unsigned long long)seed);
}
END_TEST

Suite *ck_test_suite_malformed(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, ck_test_timeout(240));
	tcase_add_test(tc, test_malformed_requests);
	suite_add_tcase(s, tc);
	return s;
}
