#include "apiserver/negotiate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/common.h"
#include "util/str.h"

struct range {
	char type[64], subtype[96];
	char as[64], g[64], v[32];
	double q;
	int order;
};

static void copy_trim(char *dst, size_t size, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n && s[0] == '"' && n >= 2 && s[n - 1] == '"')
		s++, n -= 2;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Parses one media range "type/subtype;k=v;…"; false when malformed. */
static bool parse_range(const char *s, size_t len, struct range *r)
{
	memset(r, 0, sizeof(*r));
	r->q = 1;
	const char *end = s + len, *semi = memchr(s, ';', len);
	const char *mt_end = semi ? semi : end;
	const char *slash = memchr(s, '/', (size_t)(mt_end - s));
	if (!slash)
		return false;
	copy_trim(r->type, sizeof(r->type), s, (size_t)(slash - s));
	copy_trim(r->subtype, sizeof(r->subtype), slash + 1, (size_t)(mt_end - slash - 1));
	if (!r->type[0] || !r->subtype[0])
		return false;
	for (const char *p = semi; p && p < end;) {
		p++;
		const char *next = memchr(p, ';', (size_t)(end - p));
		const char *pend = next ? next : end;
		const char *eq = memchr(p, '=', (size_t)(pend - p));
		if (eq) {
			char key[16], q[16];
			const char *val = eq + 1;
			size_t vlen = (size_t)(pend - eq - 1);
			copy_trim(key, sizeof(key), p, (size_t)(eq - p));
			if (strcasecmp(key, "as") == 0)
				copy_trim(r->as, sizeof(r->as), val, vlen);
			else if (strcasecmp(key, "g") == 0)
				copy_trim(r->g, sizeof(r->g), val, vlen);
			else if (strcasecmp(key, "v") == 0)
				copy_trim(r->v, sizeof(r->v), val, vlen);
			else if (strcasecmp(key, "q") == 0) {
				copy_trim(q, sizeof(q), val, vlen);
				r->q = strtod(q, NULL);
			}
		}
		p = next;
	}
	return true;
}

static bool is_json(const struct range *r)
{
	return (strcmp(r->type, "*") == 0 && strcmp(r->subtype, "*") == 0) ||
	       (strcasecmp(r->type, "application") == 0 &&
		(strcmp(r->subtype, "*") == 0 || strcasecmp(r->subtype, "json") == 0));
}

/* What this range can be served as; -1 when nothing. */
static int choose(const struct range *r, unsigned allowed, struct ck_media_choice *c)
{
	if (r->q <= 0)
		return -1;
	if (strcasecmp(r->type, "application") == 0 && strcasecmp(r->subtype, "yaml") == 0 &&
	    !r->as[0])
		return (allowed & CK_MEDIA_BIT(CK_MEDIA_YAML)) ? (c->media = CK_MEDIA_YAML, 0) : -1;
	if (strcasecmp(r->type, "application") == 0 &&
	    strcasecmp(r->subtype, "vnd.kubernetes.protobuf") == 0 && !r->as[0])
		return (allowed & CK_MEDIA_BIT(CK_MEDIA_PROTOBUF))
			   ? (c->media = CK_MEDIA_PROTOBUF, 0)
			   : -1;
	if (!is_json(r))
		return -1;
	if (!r->as[0])
		return (allowed & CK_MEDIA_BIT(CK_MEDIA_JSON)) ? (c->media = CK_MEDIA_JSON, 0) : -1;
	if (strcmp(r->as, "Table") == 0 && strcmp(r->g, "meta.k8s.io") == 0 &&
	    (strcmp(r->v, "v1") == 0 || strcmp(r->v, "v1beta1") == 0) &&
	    (allowed & CK_MEDIA_BIT(CK_MEDIA_TABLE))) {
		c->media = CK_MEDIA_TABLE;
		c->table_version = strcmp(r->v, "v1") == 0 ? "v1" : "v1beta1";
		return 0;
	}
	if (strcmp(r->as, "APIGroupDiscoveryList") == 0 &&
	    strcmp(r->g, "apidiscovery.k8s.io") == 0) {
		if (strcmp(r->v, "v2") == 0 && (allowed & CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2)))
			return c->media = CK_MEDIA_DISCOVERY_V2, 0;
		if (strcmp(r->v, "v2beta1") == 0 &&
		    (allowed & CK_MEDIA_BIT(CK_MEDIA_DISCOVERY_V2BETA1)))
			return c->media = CK_MEDIA_DISCOVERY_V2BETA1, 0;
	}
	return -1;
}

static int by_q_then_order(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	if (x->q != y->q)
		return x->q > y->q ? -1 : 1;
	return x->order - y->order;
}

int ck_negotiate(const char *accept, unsigned allowed, struct ck_media_choice *ret)
{
	struct ck_media_choice c = { CK_MEDIA_JSON, NULL };
	if (!accept || !*accept) {
		if (!(allowed & CK_MEDIA_BIT(CK_MEDIA_JSON)))
			return -ENOTSUP;
		*ret = c;
		return 0;
	}
	struct range ranges[32];
	size_t n = 0;
	for (const char *p = accept; *p && n < CK_ARRAY_SIZE(ranges);) {
		size_t len = strcspn(p, ",");
		if (parse_range(p, len, &ranges[n])) {
			ranges[n].order = (int)n;
			n++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	qsort(ranges, n, sizeof(ranges[0]), by_q_then_order);
	for (size_t i = 0; i < n; i++) {
		if (choose(&ranges[i], allowed, &c) == 0) {
			*ret = c;
			return 0;
		}
	}
	return -ENOTSUP;
}

const char *ck_media_content_type(const struct ck_media_choice *c)
{
	switch (c->media) {
	case CK_MEDIA_YAML:
		return "application/yaml";
	case CK_MEDIA_TABLE:
		return strcmp(c->table_version, "v1") == 0
			   ? "application/json;as=Table;v=v1;g=meta.k8s.io"
			   : "application/json;as=Table;v=v1beta1;g=meta.k8s.io";
	case CK_MEDIA_DISCOVERY_V2:
		return "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
	case CK_MEDIA_DISCOVERY_V2BETA1:
		return "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
	case CK_MEDIA_PROTOBUF:
		return "application/vnd.kubernetes.protobuf";
	case CK_MEDIA_JSON:
		break;
	}
	return "application/json";
}
