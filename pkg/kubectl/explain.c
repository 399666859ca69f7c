/*
 * kubectl explain TYPE[.field.path] [--recursive] [--api-version=g/v]: the
 * fields of a kind from the server's OpenAPI v3 document of its group
 * version, printed as kubectl 1.32's "plaintext" template does (KIND,
 * VERSION, FIELD, DESCRIPTION, FIELDS; types guessed from the schema as
 * <Object>, <[]Container>, <map[string]string>; -required-; enums).
 *
 * The template's walk is reproduced step for step: which schema a field
 * path leads to (properties, then items, additionalProperties, allOf),
 * cycle detection by $ref, map keys in sorted order, Go template
 * truthiness (an empty string, map or list is false).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/object.h"
#include "kubectl/describe_int.h"
#include "kubectl/kubectl_int.h"
#include "util/str.h"
#include "util/unicode_space.h"
#include "util/utf8.h"
#include "util/json_write.h"

static struct {
	bool recursive;
	const char *api_version;
	const char *output;
} o;

static const struct ck_flag explain_flags[] = {
	{ "recursive", CK_FLAG_BOOL, &o.recursive,
	  "When true, print the name of all the fields recursively" },
	{ "api-version", CK_FLAG_STRING, &o.api_version,
	  "Use given api-version (group/version) of the resource" },
	{ "output", CK_FLAG_STRING, &o.output, "Format in which to render the schema (plaintext)" },
	{ 0 },
};

/* ---- Go template helpers -------------------------------------------------------------- */

/* Go template truth: absent, false, 0, "" and empty maps and lists are false. */
static bool truthy(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return false;
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_int:
	case json_type_double:
		return json_object_get_double(v) != 0;
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_object:
		return json_object_object_length(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	}
	return false;
}

static const char *str_or(json_object *v, const char *dflt)
{
	return json_object_is_type(v, json_type_string) && truthy(v) ? json_object_get_string(v)
								     : dflt;
}

/* additionalProperties when it is a schema (not a bool) that is not empty. */
static json_object *additional(json_object *schema)
{
	json_object *a = ck_obj_get(schema, "additionalProperties");
	return json_object_is_type(a, json_type_object) && truthy(a) ? a : NULL;
}

/* kubectl's resolveRef: "#/components/schemas/x" within doc, else NULL (borrowed). */
static json_object *resolve_ref(json_object *doc, const char *ref)
{
	if (!ref || ref[0] != '#')
		return NULL;
	char **parts = ck_str_split(ref + 1, '/', 0);
	json_object *cur = doc;
	for (size_t i = 0; parts[i] && cur; i++) {
		if (!parts[i][0])
			continue;
		cur = ck_obj_get(cur, parts[i]);
		if (!json_object_is_type(cur, json_type_object))
			cur = NULL;
	}
	ck_strv_free(parts);
	return cur;
}

/* `or (resolveRef $ref) $schema` */
static json_object *resolved(json_object *doc, json_object *schema)
{
	json_object *r = resolve_ref(doc, str_or(ck_obj_get(schema, "$ref"), NULL));
	return truthy(r) ? r : schema;
}

/* kubectl's `indent n`: n spaces before the text and after each newline. */
static void add_indented(struct ck_buf *b, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		ck_buf_addc(b, ' ');
	for (const char *p = text; *p; p++) {
		ck_buf_addc(b, *p);
		if (*p == '\n')
			for (size_t i = 0; i < n; i++)
				ck_buf_addc(b, ' ');
	}
}

/*
 * kubectl's `wrap n`: newlines dropped, then words wrapped at n runes as
 * go-wordwrap's WrapString does (a word longer than the limit keeps its
 * own line; spaces at a break are dropped).
 */
static void add_wrapped(struct ck_buf *b, size_t limit, const char *text)
{
	struct ck_buf word = CK_BUF_INIT, space = CK_BUF_INIT;
	size_t current = 0, word_len = 0, space_len = 0;
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		size_t n;
		uint32_t cp = ck_utf8_decode(text + i, len - i, &n);
		if (cp == '\n') {
			i += n;
			continue;
		}
		if (ck_unicode_is_space(cp) && cp != 0xA0) {
			if (space.len == 0 || word.len > 0) {
				current += space_len + word_len;
				ck_buf_add(b, space.data, space.len);
				ck_buf_add(b, word.data, word.len);
				ck_buf_reset(&space);
				ck_buf_reset(&word);
				space_len = word_len = 0;
			}
			ck_buf_add(&space, text + i, n);
			space_len++;
		} else {
			ck_buf_add(&word, text + i, n);
			word_len++;
			if (current + space_len + word_len > limit && word_len < limit) {
				ck_buf_addc(b, '\n');
				current = 0;
				ck_buf_reset(&space);
				space_len = 0;
			}
		}
		i += n;
	}
	if (word.len == 0) {
		if (current + space_len <= limit)
			ck_buf_add(b, space.data, space.len);
	} else {
		ck_buf_add(b, space.data, space.len);
		ck_buf_add(b, word.data, word.len);
	}
	ck_buf_release(&word);
	ck_buf_release(&space);
}

/* `text | wrap limit | indent n` */
static void add_block(struct ck_buf *b, size_t limit, size_t n, const char *text)
{
	struct ck_buf w = CK_BUF_INIT;
	add_wrapped(&w, limit, text);
	add_indented(b, n, ck_buf_str(&w));
	ck_buf_release(&w);
}

/* Go's %v of a JSON value taken from the document. */
static void add_value(struct ck_buf *b, json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		ck_buf_adds(b, json_object_get_string(v));
	else
		ck_buf_adds(b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* ---- the template's parts ------------------------------------------------------------- */

struct explain {
	json_object *doc;
	bool recursive;
	char **path; /* the field path still to follow */
};

/* A cycle guard: the $refs seen on the way (a tiny set, as the template's history dict). */
struct history {
	const char **refs;
	size_t n;
};

static bool history_has(const struct history *h, const char *ref)
{
	for (size_t i = 0; h && i < h->n; i++)
		if (strcmp(h->refs[i], ref) == 0)
			return true;
	return false;
}

/* h plus ref, in *next (release with free(next->refs)). */
static void history_with(const struct history *h, const char *ref, struct history *next)
{
	size_t n = h ? h->n : 0;
	next->refs = ck_calloc(n + 1, sizeof(*next->refs));
	if (n)
		memcpy(next->refs, h->refs, n * sizeof(*next->refs));
	next->refs[n] = ref;
	next->n = n + 1;
}

/* The "typeGuess" template: string, Object, []Container, map[string]string. */
static void type_guess(struct ck_buf *b, json_object *doc, json_object *s)
{
	json_object *all_of = ck_obj_get(s, "allOf");
	const char *ref = str_or(ck_obj_get(s, "$ref"), NULL);
	if (truthy(ck_obj_get(s, "items"))) {
		ck_buf_adds(b, "[]");
		type_guess(b, doc, ck_obj_get(s, "items"));
	} else if (additional(s)) {
		ck_buf_adds(b, "map[string]");
		type_guess(b, doc, additional(s));
	} else if (truthy(all_of) && !truthy(ck_obj_get(s, "properties")) &&
		   json_object_array_length(all_of) == 1) {
		type_guess(b, doc, json_object_array_get_idx(all_of, 0));
	} else if (ref) {
		json_object *target = resolve_ref(doc, ref);
		const char *type = str_or(ck_obj_get(target, "type"), NULL);
		if (!truthy(target) || !type || strcmp(type, "object") == 0) {
			const char *name = strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref;
			const char *last = strrchr(name, '.') ? strrchr(name, '.') + 1 : name;
			ck_buf_adds(b, last[0] ? last : "Object");
		} else {
			ck_buf_adds(b, type);
		}
	} else {
		const char *type = str_or(ck_obj_get(s, "type"), "Object");
		ck_buf_adds(b, strcmp(type, "object") == 0 ? "Object" : type);
	}
}

/* The "extractEnum" template: a field's enum, long (one per line) or short (limit 4). */
static void extract_enum(struct ck_buf *b, json_object *s, bool long_view, size_t indent)
{
	json_object *values = ck_obj_get(s, "enum");
	if (!truthy(s) || !truthy(values) || !json_object_is_type(values, json_type_array))
		return;
	if (long_view) {
		ck_buf_adds(b, "ENUM:");
	} else {
		ck_buf_addc(b, '\n');
		add_indented(b, indent, "");
		ck_buf_adds(b, "enum: ");
	}
	for (size_t i = 0; i < json_object_array_length(values); i++) {
		if (!long_view && i >= 4) {
			ck_buf_adds(b, ", ....");
			break;
		}
		if (i > 0 && !long_view)
			ck_buf_adds(b, ", ");
		else if (long_view)
			ck_buf_adds(b, "\n    ");
		json_object *v = json_object_array_get_idx(values, i);
		if (json_object_is_type(v, json_type_string) && json_object_get_string_len(v) == 0)
			ck_buf_adds(b, "\"\"");
		else
			add_value(b, v);
	}
}

/* The "externalDocs" template, for a field (indent > 0) or the explained schema. */
static void external_docs(struct ck_buf *b, json_object *s, size_t indent)
{
	json_object *docs = ck_obj_get(s, "externalDocs");
	if (!truthy(docs))
		return;
	add_indented(b, indent, "EXTERNAL DOCS:");
	ck_buf_addc(b, '\n');
	const char *desc = str_or(ck_obj_get(docs, "description"), NULL);
	if (desc) {
		add_block(b, 76 - indent, indent + 4, desc);
		ck_buf_addc(b, '\n');
	}
	const char *url = str_or(ck_obj_get(docs, "url"), NULL);
	if (url) {
		struct ck_buf line = CK_BUF_INIT;
		ck_buf_addf(&line, "URL: %s", url);
		add_indented(b, indent + 4, ck_buf_str(&line));
		ck_buf_addc(b, '\n');
		ck_buf_release(&line);
	}
}

/* The "description" template: the schema's and its allOf/items/map values', one a line. */
static void description(struct ck_buf *b, json_object *doc, json_object *schema)
{
	json_object *s = resolved(doc, schema);
	if (!truthy(s))
		return;
	const char *d = str_or(ck_obj_get(s, "description"), NULL);
	if (d) {
		ck_buf_adds(b, d);
		ck_buf_addc(b, '\n');
	}
	json_object *all_of = ck_obj_get(s, "allOf");
	for (size_t i = 0; i < ck_obj_array_len(all_of); i++)
		description(b, doc, json_object_array_get_idx(all_of, i));
	if (truthy(ck_obj_get(s, "items")))
		description(b, doc, ck_obj_get(s, "items"));
	if (additional(s))
		description(b, doc, additional(s));
}

/* The "fieldDetail" template: one field of parent; its description unless short. */
static void field_detail(struct ck_buf *b, json_object *doc, json_object *parent, const char *name,
			 bool short_, size_t level)
{
	size_t indent = level * 2;
	json_object *field = ck_obj_get(ck_obj_get(parent, "properties"), name);
	add_indented(b, indent, name);
	ck_buf_adds(b, "\t<");
	type_guess(b, doc, field);
	ck_buf_addc(b, '>');
	json_object *required = ck_obj_get(parent, "required");
	for (size_t i = 0; i < ck_obj_array_len(required); i++)
		if (ck_streq(json_object_get_string(json_object_array_get_idx(required, i)),
			     name)) {
			ck_buf_adds(b, " -required-");
			break;
		}
	extract_enum(b, field, false, indent);
	ck_buf_addc(b, '\n');
	if (short_)
		return;
	add_block(b, 78 - indent, indent + 2,
		  str_or(ck_obj_get(field, "description"), "<no description>"));
	ck_buf_addc(b, '\n');
	external_docs(b, field, indent + 2);
	ck_buf_addc(b, '\n');
}

/* The "fieldList" template: the fields of schema at level (their fields too if recursive). */
static void field_list(struct ck_buf *b, const struct explain *e, json_object *schema, size_t level,
		       const struct history *h)
{
	const char *ref = str_or(ck_obj_get(schema, "$ref"), "");
	if (ref[0] && history_has(h, ref))
		return;
	struct history next;
	history_with(h, ref, &next);
	json_object *s = resolved(e->doc, schema);
	json_object *props = ck_obj_get(s, "properties");
	size_t n;
	const char **keys = ck_json_sorted_keys(props, &n);
	for (size_t i = 0; i < n; i++) {
		field_detail(b, e->doc, s, keys[i], e->recursive, level);
		if (e->recursive)
			field_list(b, e, ck_obj_get(props, keys[i]), level + 1, &next);
	}
	free(keys);
	json_object *all_of = ck_obj_get(s, "allOf");
	for (size_t i = 0; i < ck_obj_array_len(all_of); i++)
		field_list(b, e, json_object_array_get_idx(all_of, i), level, &next);
	if (truthy(ck_obj_get(s, "items")))
		field_list(b, e, ck_obj_get(s, "items"), level, &next);
	if (additional(s))
		field_list(b, e, additional(s), level, &next);
	free(next.refs);
}

/* The "output" template: follows path from schema, then prints what it leads to. */
static void output(struct ck_buf *b, const struct explain *e, json_object *schema, char **path,
		   const struct history *h)
{
	const char *ref = str_or(ck_obj_get(schema, "$ref"), "");
	struct history next;
	history_with(h, ref, &next);
	json_object *s = resolved(e->doc, schema);
	json_object *props = ck_obj_get(s, "properties");
	if (!path[0]) {
		struct ck_buf d = CK_BUF_INIT;
		ck_buf_adds(b, "DESCRIPTION:\n");
		description(&d, e->doc, s);
		add_block(b, 76, 4, d.len ? ck_buf_str(&d) : "<empty>");
		ck_buf_addc(b, '\n');
		ck_buf_reset(&d);
		external_docs(&d, s, 0);
		if (d.len) {
			ck_buf_addc(b, '\n');
			ck_buf_add(b, d.data, d.len);
		}
		ck_buf_reset(&d);
		field_list(&d, e, s, 1, NULL);
		if (d.len) {
			ck_buf_adds(b, "FIELDS:\n");
			ck_buf_add(b, d.data, d.len);
		}
		ck_buf_release(&d);
	} else if (ref[0] && history_has(h, ref)) {
		/* a cycle */
	} else if (truthy(props) && truthy(ck_obj_get(props, path[0]))) {
		json_object *sub = ck_obj_get(props, path[0]);
		if (!path[1]) {
			ck_buf_addf(b, "FIELD: %s <", path[0]);
			type_guess(b, e->doc, sub);
			ck_buf_adds(b, ">\n");
			extract_enum(b, sub, true, 0);
			ck_buf_adds(b, "\n\n");
		}
		struct history fresh = { 0 };
		output(b, e, sub, path + 1, &fresh);
	} else if (truthy(ck_obj_get(s, "items"))) {
		output(b, e, ck_obj_get(s, "items"), path, &next);
	} else if (additional(s)) {
		output(b, e, additional(s), path, &next);
	} else {
		json_object *all_of = ck_obj_get(s, "allOf");
		for (size_t i = 0; i < ck_obj_array_len(all_of); i++) {
			size_t before = b->len;
			output(b, e, json_object_array_get_idx(all_of, i), path, &next);
			if (b->len > before)
				break;
		}
	}
	free(next.refs);
}

/*
 * The gvk kubectl's template finds for a resource: from the operations of
 * its paths, the last of the four it searches that has any (borrowed).
 */
static json_object *find_gvk(json_object *doc, const struct ck_api_resource *res)
{
	char prefix[256];
	if (res->group[0])
		snprintf(prefix, sizeof(prefix), "/apis/%s/%s", res->group, res->version);
	else
		snprintf(prefix, sizeof(prefix), "/api/%s", res->version);
	static const char *const fmts[] = { "%s/%s", "%s/%s/{name}", "%s/namespaces/{namespace}/%s",
					    "%s/namespaces/{namespace}/%s/{name}" };
	static const char *const methods[] = { "get", "post", "put", "patch", "delete" };
	json_object *paths = ck_obj_get(doc, "paths"), *gvk = NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(fmts); i++) {
		char p[512];
		snprintf(p, sizeof(p), fmts[i], prefix, res->resource);
		json_object *item = ck_obj_get(paths, p);
		if (!truthy(item))
			continue;
		for (size_t m = 0; m < CK_ARRAY_SIZE(methods); m++) {
			json_object *op = ck_obj_get(item, methods[m]);
			if (!truthy(op))
				continue;
			gvk = ck_obj_get(op, "x-kubernetes-group-version-kind");
			if (truthy(gvk))
				break;
		}
	}
	return truthy(gvk) ? gvk : NULL;
}

/* The kind's schema: the first in name order whose x-kubernetes-group-version-kind has gvk. */
static json_object *find_schema(json_object *doc, json_object *gvk)
{
	json_object *schemas = ck_obj_path(doc, "components.schemas"), *found = NULL;
	size_t n;
	const char **keys = ck_json_sorted_keys(schemas, &n);
	for (size_t i = 0; i < n && !found; i++) {
		json_object *s = ck_obj_get(schemas, keys[i]);
		json_object *gvks = ck_obj_get(s, "x-kubernetes-group-version-kind");
		for (size_t j = 0; j < ck_obj_array_len(gvks) && !found; j++)
			if (json_object_equal(json_object_array_get_idx(gvks, j), gvk))
				found = s;
	}
	free(keys);
	return found;
}

/* ---- the command ------------------------------------------------------------------------ */

/* The group-version document (owned) from the /openapi/v3 index, or NULL after an error. */
static json_object *fetch_document(struct ck_kubectl *k, struct ck_client *c,
				   const struct ck_api_resource *res)
{
	struct ck_client_error err;
	ck_client_error_init(&err);
	json_object *index = NULL, *doc = NULL;
	struct ck_client_request req = { .path = "/openapi/v3" };
	if (ck_client_do(c, &req, &index, &err) < 0) {
		ck_kubectl_print_error(k, &err);
		goto out;
	}
	char key[256];
	if (res->group[0])
		snprintf(key, sizeof(key), "apis/%s/%s", res->group, res->version);
	else
		snprintf(key, sizeof(key), "api/%s", res->version);
	json_object *gv = ck_obj_get(ck_obj_get(index, "paths"), key);
	if (!gv) {
		ck_kubectl_fail(k, "couldn't find resource for \"%s/%s, Resource=%s\"", res->group,
				res->version, res->resource);
		goto out;
	}
	/* serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=…" */
	char **url = ck_str_split(str_or(ck_obj_get(gv, "serverRelativeURL"), ""), '?', 2);
	const char *params[3] = { NULL };
	if (url[1] && ck_str_has_prefix(url[1], "hash=")) {
		params[0] = "hash";
		params[1] = url[1] + strlen("hash=");
	}
	struct ck_client_request dreq = { .path = url[0], .params = params };
	if (ck_client_do(c, &dreq, &doc, &err) < 0)
		ck_kubectl_fail(k, "failed to fetch openapi schema for %s: %s", key, err.message);
	ck_strv_free(url);
out:
	json_object_put(index);
	ck_client_error_release(&err);
	return doc;
}

/*
 * kubectl's SplitAndParseResourceRequestWithMatchingPrefix: the resource
 * is the part before the first dot ("deploy.spec"), unless the argument
 * starts with "<resource>.<group>" ("deployments.apps.spec"). Fills res
 * (a copy) and the field path (owned); prints the error.
 */
static int parse_request(struct ck_kubectl *k, const char *arg, struct ck_api_resource *res,
			 char ***ret_path)
{
	char *in = ck_strdup(arg);
	if (ck_str_has_suffix(in, "."))
		in[strlen(in) - 1] = '\0';
	char **parts = ck_str_split(in, '.', 2);
	struct ck_api_resource_list *list = NULL;
	int r = ck_kubectl_resources(k, &list);
	if (r < 0)
		goto out;
	char *why = NULL;
	const struct ck_api_resource *found = ck_api_resource_list_resolve(list, parts[0], &why);
	if (!found) {
		/* kubectl prints the mapper's error without "error: " here */
		fprintf(k->err, "%s\n", why ? why : "the server could not find the resource");
		free(why);
		r = -ENOENT;
		goto out;
	}
	char gr[512];
	snprintf(gr, sizeof(gr), "%s%s%s", found->resource, found->group[0] ? "." : "",
		 found->group);
	const char *fields = ck_str_has_prefix(in, gr) ? in + strlen(gr) : strchr(in, '.');
	if (fields && fields[0] == '.')
		*ret_path = ck_str_split(fields + 1, '.', 0);
	else
		*ret_path = ck_calloc(1, sizeof(char *));
	ck_api_resource_copy(res, found);
	r = 0;
out:
	ck_api_resource_list_free(list);
	ck_strv_free(parts);
	free(in);
	return r;
}

static int run_explain(struct ck_kubectl *k, int argc, char **argv)
{
	if (argc == 0)
		return ck_kubectl_fail(k, "You must specify the type of resource to explain. Use "
					  "\"kubectl api-resources\" for a complete list of "
					  "supported resources.");
	if (argc > 1)
		return ck_kubectl_fail(k, "We accept only this format: explain RESOURCE");
	if (o.output && strcmp(o.output, "plaintext") != 0)
		return ck_kubectl_fail(k, "unrecognized format: %s", o.output);
	char *group = NULL, *version = NULL;
	if (o.api_version && o.api_version[0]) {
		char **gv = ck_str_split(o.api_version, '/', 0);
		size_t n = ck_strv_len(gv);
		if (n > 2 || (n == 2 && !gv[1][0])) {
			ck_strv_free(gv);
			return ck_kubectl_fail(k, "unexpected GroupVersion string: %s",
					       o.api_version);
		}
		group = ck_strdup(n == 2 ? gv[0] : "");
		version = ck_strdup(gv[n - 1]);
		ck_strv_free(gv);
	}
	struct ck_client *c;
	if (ck_kubectl_client(k, &c) < 0)
		return 1;
	struct ck_api_resource res = { 0 };
	char **path = NULL;
	json_object *doc = NULL;
	struct ck_buf b = CK_BUF_INIT;
	int status = 1;
	if (parse_request(k, argv[0], &res, &path) < 0)
		goto out;
	if (group) {
		free(res.group);
		free(res.version);
		res.group = group;
		res.version = version;
		group = version = NULL;
	}
	if (!(doc = fetch_document(k, c, &res)))
		goto out;
	json_object *gvk = find_gvk(doc, &res);
	if (!gvk) {
		ck_kubectl_fail(k, "GVR (%s/%s, Resource=%s) not found in OpenAPI schema",
				res.group, res.version, res.resource);
		goto out;
	}
	const char *g = str_or(ck_obj_get(gvk, "group"), "");
	const char *kind = str_or(ck_obj_get(gvk, "kind"), "");
	const char *version_ = str_or(ck_obj_get(gvk, "version"), "");
	if (g[0])
		ck_buf_addf(&b, "GROUP:      %s\n", g);
	ck_buf_addf(&b, "KIND:       %s\nVERSION:    %s\n\n", kind, version_);
	/* kubectl writes the header before it finds out the field does not exist */
	fputs(ck_buf_str(&b), k->out);
	fflush(k->out);
	ck_buf_reset(&b);
	json_object *schema = find_schema(doc, gvk);
	struct explain e = { .doc = doc, .recursive = o.recursive, .path = path };
	if (schema)
		output(&b, &e, schema, path, NULL);
	if (!schema) {
		ck_kubectl_fail(k,
				"GVK map[group:%s kind:%s version:%s] not found in OpenAPI schema",
				g, kind, version_);
	} else if (b.len == 0) {
		size_t n = ck_strv_len(path);
		ck_kubectl_fail(k, "field \"%s\" does not exist", n ? path[n - 1] : "");
	} else {
		ck_buf_addc(&b, '\n');
		fputs(ck_buf_str(&b), k->out);
		status = 0;
	}
out:
	ck_buf_release(&b);
	json_object_put(doc);
	ck_strv_free(path);
	ck_api_resource_release(&res);
	free(group);
	free(version);
	return status;
}

const struct ck_kubectl_command ck_kubectl_cmd_explain = {
	.name = "explain",
	.summary = "Get documentation for a resource",
	.flags = explain_flags,
	.run = run_explain,
};
