/*
 * The schema model: built once from the protobuf-c descriptors (read through
 * the codec's tables, protobuf_int.h) and api/schema_fields.def; and the
 * structural checks that walk it. See schema.h.
 */
#include "api/schema.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/protobuf.h"
#include "api/protobuf_int.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/hashmap.h"
#include "util/limits.h"
#include "util/utf8.h"

/* ---- the table of what proto cannot say ---- */

enum fact {
	FACT_PATCH,
	FACT_LIST,
	FACT_REQUIRED,
	FACT_ENUM,
	FACT_PART,
};

static const struct {
	const char *message, *field;
	enum fact fact;
	const char *a, *b;
} facts[] = {
#define CK_SCHEMA_PATCH(m, f, s, k) { m, f, FACT_PATCH, s, k },
#define CK_SCHEMA_LIST(m, f, t, k) { m, f, FACT_LIST, t, k },
#define CK_SCHEMA_REQUIRED(m, f) { m, f, FACT_REQUIRED, NULL, NULL },
#define CK_SCHEMA_ENUM(m, f, v) { m, f, FACT_ENUM, v, NULL },
#define CK_SCHEMA_PART(m) { m, NULL, FACT_PART, NULL, NULL },
#include "../../api/schema_fields.def"
#undef CK_SCHEMA_PATCH
#undef CK_SCHEMA_LIST
#undef CK_SCHEMA_REQUIRED
#undef CK_SCHEMA_ENUM
#undef CK_SCHEMA_PART
};

/* ---- building the model ---- */

/* Parallel to ck_protobuf_messages(): one type per message. */
static struct ck_schema_type *types;
static const struct ck_schema_type **type_ptrs;
static const ProtobufCMessageDescriptor *const *descs;
static size_t n_types;
static bool *built;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static char *str_printf(const char *fmt, ...) CK_PRINTF(1, 2);
static char *str_printf(const char *fmt, ...)
{
	struct ck_buf b = CK_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return ck_buf_detach(&b, NULL);
}

static size_t index_of(const ProtobufCMessageDescriptor *d)
{
	size_t lo = 0, hi = n_types;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(descs[mid]->name, d->name);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	CK_BUG_ON(1); /* every message descriptor is in the codec's table */
	return 0;
}

static void build_type(size_t i);

static struct ck_schema_value *new_value(void)
{
	return ck_calloc(1, sizeof(struct ck_schema_value));
}

/* The value of one (non-repeated) element of a field. */
static void element_value(const ProtobufCFieldDescriptor *fd, struct ck_schema_value *v)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_ENUM:
		v->kind = CK_SCHEMA_STRING;
		v->go_type = "string";
		break;
	case PROTOBUF_C_TYPE_BYTES:
		v->kind = CK_SCHEMA_STRING;
		v->format = "byte";
		v->go_type = "[]uint8";
		break;
	case PROTOBUF_C_TYPE_BOOL:
		v->kind = CK_SCHEMA_BOOLEAN;
		v->go_type = "bool";
		break;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		v->kind = CK_SCHEMA_INTEGER;
		v->format = "int32";
		v->go_type = "int32";
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		v->kind = CK_SCHEMA_INTEGER;
		v->format = "int64";
		v->go_type = "int64";
		break;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		v->kind = CK_SCHEMA_NUMBER;
		v->format = "double";
		v->go_type = "float64";
		break;
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessageDescriptor *sub = fd->descriptor;
		if (ck_protobuf_form(sub) == CK_PB_FORM_ARRAY) {
			/* a Go slice type (ExtraValue): the array of its one field */
			struct ck_schema_value *items = new_value();
			element_value(&sub->fields[0], items);
			v->kind = CK_SCHEMA_ARRAY;
			v->items = items;
			v->go_type = types[index_of(sub)].go_name;
			break;
		}
		const struct ck_schema_type *t = &types[index_of(sub)];
		v->kind = t->kind;
		v->format = t->format;
		v->type = t;
		v->go_type = t->go_name;
		break;
	}
	}
}

static void field_value(const ProtobufCFieldDescriptor *fd,
			const ProtobufCMessageDescriptor *parent, struct ck_schema_value *v)
{
	if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
		element_value(fd, v);
		return;
	}
	struct ck_schema_value *items = new_value();
	if (ck_protobuf_field_is_map(fd, parent)) {
		const ProtobufCMessageDescriptor *entry = fd->descriptor;
		element_value(&entry->fields[1], items);
		v->kind = CK_SCHEMA_MAP;
		v->go_type = str_printf("map[string]%s", items->go_type);
	} else {
		element_value(fd, items);
		v->kind = CK_SCHEMA_ARRAY;
		v->go_type = str_printf("[]%s", items->go_type);
	}
	v->items = items;
}

struct field_list {
	struct ck_schema_field *v;
	size_t n, cap;
};

static struct ck_schema_field *add_field(struct field_list *l, const char *name)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = ck_realloc(l->v, l->cap * sizeof(*l->v));
	}
	struct ck_schema_field *f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	return f;
}

static void apply_facts(const char *message, struct ck_schema_field *f)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(facts); i++) {
		if (facts[i].fact == FACT_PART || strcmp(facts[i].message, message) != 0 ||
		    strcmp(facts[i].field, f->name) != 0)
			continue;
		switch (facts[i].fact) {
		case FACT_PATCH:
			f->patch_strategy = facts[i].a;
			f->merge_key = facts[i].b;
			break;
		case FACT_LIST:
			f->list_type = facts[i].a;
			f->list_map_keys = facts[i].b;
			break;
		case FACT_REQUIRED:
			f->required = true;
			break;
		case FACT_ENUM:
			f->enum_values = facts[i].a;
			break;
		case FACT_PART:
			break;
		}
	}
}

/* Appends the JSON fields of message d (flattening inline ones) to l. */
static void add_fields(struct field_list *l, const ProtobufCMessageDescriptor *d)
{
	for (unsigned j = 0; j < d->n_fields; j++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[j];
		if (fd->type == PROTOBUF_C_TYPE_MESSAGE && fd->label != PROTOBUF_C_LABEL_REPEATED &&
		    ck_protobuf_field_inline(fd)) {
			add_fields(l, fd->descriptor);
			continue;
		}
		struct ck_schema_field *f = add_field(l, ck_protobuf_json_name(fd));
		field_value(fd, d, &f->value);
		apply_facts(d->name, f);
	}
}

static void build_type(size_t i)
{
	if (built[i])
		return;
	built[i] = true;
	struct ck_schema_type *t = &types[i];
	if (t->kind != CK_SCHEMA_OBJECT)
		return;
	struct field_list l = { 0 };
	if (t->is_kind) {
		struct ck_schema_field *f = add_field(&l, "apiVersion");
		f->value.kind = CK_SCHEMA_STRING;
		f->value.go_type = "string";
		f = add_field(&l, "kind");
		f->value.kind = CK_SCHEMA_STRING;
		f->value.go_type = "string";
	}
	add_fields(&l, descs[i]);
	t->fields = l.v;
	t->n_fields = l.n;
}

/* CK_SCHEMA_PART: a part that looks like a kind. */
static bool is_part(const char *message)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(facts); i++)
		if (facts[i].fact == FACT_PART && strcmp(facts[i].message, message) == 0)
			return true;
	return false;
}

/* "k8s.io.api.core.v1" -> its last component "v1". */
static const char *package_leaf(const char *package)
{
	const char *dot = strrchr(package, '.');
	return dot ? dot + 1 : package;
}

static void init(void)
{
	descs = ck_protobuf_messages(&n_types);
	types = ck_calloc(n_types, sizeof(*types));
	type_ptrs = ck_calloc(n_types, sizeof(*type_ptrs));
	built = ck_calloc(n_types, sizeof(*built));
	for (size_t i = 0; i < n_types; i++) {
		const ProtobufCMessageDescriptor *d = descs[i];
		struct ck_schema_type *t = &types[i];
		t->proto_name = d->name;
		t->name = d->short_name;
		/* upstream's OpenAPI names: k8s.io.api.core.v1.Pod -> io.k8s.api.core.v1.Pod,
		 * k8s.io.apiextensions_apiserver.… -> io.k8s.apiextensions-apiserver.… */
		if (strncmp(d->name, "k8s.io.", 7) == 0) {
			char *n = str_printf("io.k8s.%s", d->name + 7);
			for (char *p = n; *p; p++)
				if (*p == '_')
					*p = '-';
			t->openapi_name = n;
		} else {
			t->openapi_name = d->name;
		}
		t->go_name = str_printf("%s.%s", package_leaf(d->package_name), d->short_name);
		t->is_kind = ck_protobuf_is_kind(d) && !is_part(d->name);
		switch (ck_protobuf_form(d)) {
		case CK_PB_FORM_OBJECT:
			t->kind = CK_SCHEMA_OBJECT;
			break;
		case CK_PB_FORM_TIME:
		case CK_PB_FORM_MICROTIME:
			t->kind = CK_SCHEMA_STRING;
			t->format = "date-time";
			break;
		case CK_PB_FORM_DURATION:
			t->kind = CK_SCHEMA_STRING;
			break;
		case CK_PB_FORM_QUANTITY:
			t->kind = CK_SCHEMA_QUANTITY;
			break;
		case CK_PB_FORM_INT_OR_STRING:
			t->kind = CK_SCHEMA_INT_OR_STRING;
			break;
		case CK_PB_FORM_ARRAY:
			t->kind = CK_SCHEMA_ARRAY;
			break;
		case CK_PB_FORM_ANY:
			t->kind = CK_SCHEMA_ANY;
			break;
		}
		type_ptrs[i] = t;
	}
	for (size_t i = 0; i < n_types; i++)
		build_type(i);
	/* api/schema_fields.def names only fields of api/'s protos. */
	for (size_t i = 0; i < CK_ARRAY_SIZE(facts); i++) {
		const ProtobufCMessageDescriptor *d = ck_protobuf_message(facts[i].message);
		CK_BUG_ON(!d);
		if (facts[i].fact == FACT_PART)
			continue;
		const struct ck_schema_type *t = &types[index_of(d)];
		bool found = ck_schema_field(t, facts[i].field) != NULL;
		for (size_t j = 0; !found && j < n_types; j++) {
			/* an inline message: its fields live in the types that embed it */
			for (size_t k = 0; k < descs[j]->n_fields && !found; k++)
				if (descs[j]->fields[k].descriptor == d &&
				    ck_protobuf_field_inline(&descs[j]->fields[k]))
					found = ck_schema_field(&types[j], facts[i].field) != NULL;
		}
		CK_BUG_ON(!found);
	}
}

static void ensure(void)
{
	pthread_once(&once, init);
}

/* ---- lookups ---- */

const struct ck_schema_type *const *ck_schema_types(size_t *ret_n)
{
	ensure();
	*ret_n = n_types;
	return type_ptrs;
}

const struct ck_schema_type *ck_schema_kind(const char *api_version, const char *kind)
{
	if (!kind)
		return NULL;
	ensure();
	if (api_version) {
		const ProtobufCMessageDescriptor *d = ck_protobuf_lookup(api_version, kind);
		return d && types[index_of(d)].is_kind ? &types[index_of(d)] : NULL;
	}
	for (size_t i = 0; i < n_types; i++)
		if (types[i].is_kind && strcmp(types[i].name, kind) == 0)
			return &types[i];
	return NULL;
}

const struct ck_schema_type *ck_schema_type(const char *name)
{
	static const char *const preferred[] = { "k8s.io.apimachinery.pkg.apis.meta.v1.",
						 "k8s.io.api.core.v1." };
	if (!name)
		return NULL;
	ensure();
	const ProtobufCMessageDescriptor *d = ck_protobuf_message(name);
	if (d)
		return &types[index_of(d)];
	for (size_t p = 0; p < CK_ARRAY_SIZE(preferred); p++) {
		char full[256];
		int n = snprintf(full, sizeof(full), "%s%s", preferred[p], name);
		if (n > 0 && (size_t)n < sizeof(full) && (d = ck_protobuf_message(full)))
			return &types[index_of(d)];
	}
	for (size_t i = 0; i < n_types; i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const struct ck_schema_field *ck_schema_field(const struct ck_schema_type *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->n_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

/* ---- structural checks ---- */

struct walk {
	unsigned flags;
	struct ck_schema_result *res;
	struct ck_buf path;   /* "spec.containers[0].ports[1]": unknown-field paths */
	struct ck_buf gopath; /* "spec.containers.ports": Go's type-error field path */
	int depth;
};

static const char *json_kind_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return "bool";
	case json_type_int:
	case json_type_double:
		return "number";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	default:
		return "string";
	}
}

static void type_error(struct walk *w, json_object *v, const char *struct_name,
		       const struct ck_schema_value *want, bool show_number)
{
	if (w->res->type_error)
		return;
	char what[96];
	if (show_number)
		snprintf(what, sizeof(what), "number %s", json_object_to_json_string(v));
	else
		snprintf(what, sizeof(what), "%s", json_kind_name(v));
	w->res->type_error =
	    str_printf("json: cannot unmarshal %s into Go struct field %s.%s of type %s", what,
		       struct_name, ck_buf_str(&w->gopath), want->go_type);
}

static void check_object(struct walk *w, const struct ck_schema_type *t, json_object *obj);

/* Checks v against want; struct_name and the paths say where v sits. */
static void check_value(struct walk *w, const struct ck_schema_value *want, json_object *v,
			const char *struct_name)
{
	if (!v)
		return; /* null: the zero value */
	json_type jt = json_object_get_type(v);
	switch (want->kind) {
	case CK_SCHEMA_OBJECT:
		if (jt != json_type_object)
			type_error(w, v, struct_name, want, false);
		else
			check_object(w, want->type, v);
		break;
	case CK_SCHEMA_ARRAY: {
		if (jt != json_type_array) {
			type_error(w, v, struct_name, want, false);
			break;
		}
		size_t len = json_object_array_length(v), at = w->path.len;
		for (size_t i = 0; i < len; i++) {
			ck_buf_addf(&w->path, "[%zu]", i);
			check_value(w, want->items, json_object_array_get_idx(v, i), struct_name);
			ck_buf_truncate(&w->path, at);
		}
		break;
	}
	case CK_SCHEMA_MAP: {
		if (jt != json_type_object) {
			type_error(w, v, struct_name, want, false);
			break;
		}
		size_t at = w->path.len;
		json_object_object_foreach (v, key, val) {
			ck_buf_addc(&w->path, '[');
			ck_buf_adds(&w->path, key);
			ck_buf_addc(&w->path, ']');
			check_value(w, want->items, val, struct_name);
			ck_buf_truncate(&w->path, at);
		}
		break;
	}
	case CK_SCHEMA_STRING:
		if (jt != json_type_string)
			type_error(w, v, struct_name, want, false);
		break;
	case CK_SCHEMA_BOOLEAN:
		if (jt != json_type_boolean)
			type_error(w, v, struct_name, want, false);
		break;
	case CK_SCHEMA_INTEGER:
		if (jt == json_type_int) {
			int64_t i = json_object_get_int64(v);
			bool is32 = want->format && strcmp(want->format, "int32") == 0;
			if (is32 && (i < INT32_MIN || i > INT32_MAX))
				type_error(w, v, struct_name, want, true);
			else if (i == INT64_MAX && json_object_get_uint64(v) > INT64_MAX)
				type_error(w, v, struct_name, want, true);
		} else if (jt == json_type_double) {
			type_error(w, v, struct_name, want, true);
		} else {
			type_error(w, v, struct_name, want, false);
		}
		break;
	case CK_SCHEMA_NUMBER:
		if (jt != json_type_int && jt != json_type_double)
			type_error(w, v, struct_name, want, false);
		break;
	case CK_SCHEMA_INT_OR_STRING:
		if (jt == json_type_double)
			type_error(w, v, struct_name, want, true);
		else if (jt != json_type_int && jt != json_type_string)
			type_error(w, v, struct_name, want, false);
		break;
	case CK_SCHEMA_QUANTITY:
		if (jt != json_type_int && jt != json_type_double && jt != json_type_string)
			type_error(w, v, struct_name, want, false);
		break;
	case CK_SCHEMA_ANY:
		break;
	}
}

static void check_object(struct walk *w, const struct ck_schema_type *t, json_object *obj)
{
	if (!t || ++w->depth > CK_MAX_JSON_DEPTH) {
		w->depth--;
		return;
	}
	size_t path_at = w->path.len, go_at = w->gopath.len;
	const char **drop = NULL;
	size_t n_drop = 0;
	json_object_object_foreach (obj, key, val) {
		if (path_at)
			ck_buf_addc(&w->path, '.');
		ck_buf_adds(&w->path, key);
		const struct ck_schema_field *f = ck_schema_field(t, key);
		if (!f) {
			json_object_array_add(w->res->unknown,
					      json_object_new_string(ck_buf_str(&w->path)));
			if (w->flags & CK_SCHEMA_PRUNE) {
				drop = ck_realloc(drop, (n_drop + 1) * sizeof(*drop));
				drop[n_drop++] = key;
			}
		} else {
			if (go_at)
				ck_buf_addc(&w->gopath, '.');
			ck_buf_adds(&w->gopath, key);
			check_value(w, &f->value, val, t->name);
			ck_buf_truncate(&w->gopath, go_at);
		}
		ck_buf_truncate(&w->path, path_at);
	}
	for (size_t i = 0; i < n_drop; i++)
		json_object_object_del(obj, drop[i]);
	free(drop);
	w->depth--;
}

void ck_schema_check(const struct ck_schema_type *t, json_object *obj, unsigned flags,
		     struct ck_schema_result *ret)
{
	struct walk w = { .flags = flags, .res = ret };
	ret->unknown = json_object_new_array();
	ret->type_error = NULL;
	ck_buf_init(&w.path, 0);
	ck_buf_init(&w.gopath, 0);
	if (t && obj && json_object_is_type(obj, json_type_object))
		check_object(&w, t, obj);
	ck_buf_release(&w.path);
	ck_buf_release(&w.gopath);
}

void ck_schema_result_release(struct ck_schema_result *r)
{
	if (!r)
		return;
	json_object_put(r->unknown);
	r->unknown = NULL;
	ck_free(&r->type_error);
}

/* ---- duplicate fields in JSON text ---- */

struct scan {
	const char *p, *end;
	struct ck_buf path;
	json_object *out;
	int depth;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, uint32_t *ret)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* A string at s->p (the opening quote), unescaped into out when not NULL. */
static int scan_string(struct scan *s, struct ck_buf *out)
{
	if (s->p >= s->end || *s->p != '"')
		return -EINVAL;
	s->p++;
	while (s->p < s->end) {
		/* the run up to the next quote or backslash, in one piece */
		const char *stop = memchr(s->p, '"', (size_t)(s->end - s->p));
		if (!stop)
			return -EINVAL;
		const char *esc = memchr(s->p, '\\', (size_t)(stop - s->p));
		if (esc)
			stop = esc;
		if (out && stop > s->p)
			ck_buf_add(out, s->p, (size_t)(stop - s->p));
		s->p = stop + 1;
		if (!esc)
			return 0;
		if (s->p >= s->end)
			return -EINVAL;
		char c = *s->p++;
		uint32_t cp;
		switch (c) {
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (s->end - s->p < 4 || hex4(s->p, &cp) < 0)
				return -EINVAL;
			s->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 && s->p[0] == '\\' &&
			    s->p[1] == 'u') {
				uint32_t lo;
				if (hex4(s->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s->p += 6;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			break;
		default:
			cp = (unsigned char)c;
			break;
		}
		if (out)
			ck_utf8_append(out, cp);
	}
	return -EINVAL;
}

static int scan_value(struct scan *s);

static int scan_object(struct scan *s)
{
	struct ck_hashmap seen;
	struct ck_buf key = CK_BUF_INIT;
	size_t at = s->path.len;
	int err = 0;
	ck_hashmap_init(&seen, NULL);
	s->p++; /* '{' */
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		goto out;
	}
	for (;;) {
		skip_ws(s);
		ck_buf_reset(&key);
		if ((err = scan_string(s, &key)) < 0)
			break;
		if (at)
			ck_buf_addc(&s->path, '.');
		ck_buf_add(&s->path, key.data ? key.data : "", key.len);
		const char *k = ck_buf_str(&key);
		if (ck_hashmap_has(&seen, k))
			json_object_array_add(s->out, json_object_new_string(ck_buf_str(&s->path)));
		else
			ck_hashmap_put(&seen, k, NULL);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':') {
			err = -EINVAL;
			break;
		}
		s->p++;
		if ((err = scan_value(s)) < 0)
			break;
		ck_buf_truncate(&s->path, at);
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			break;
		}
		err = -EINVAL;
		break;
	}
out:
	ck_buf_truncate(&s->path, at);
	ck_buf_release(&key);
	ck_hashmap_release(&seen);
	return err;
}

static int scan_array(struct scan *s)
{
	size_t at = s->path.len, i = 0;
	int err = 0;
	s->p++; /* '[' */
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;; i++) {
		ck_buf_addf(&s->path, "[%zu]", i);
		err = scan_value(s);
		ck_buf_truncate(&s->path, at);
		if (err < 0)
			return err;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int scan_value(struct scan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return -EINVAL;
	if (++s->depth > CK_MAX_JSON_DEPTH)
		return -EINVAL;
	int err = 0;
	switch (*s->p) {
	case '{':
		err = scan_object(s);
		break;
	case '[':
		err = scan_array(s);
		break;
	case '"':
		err = scan_string(s, NULL);
		break;
	default:
		/* a number or a literal: up to the next delimiter */
		if (!*s->p || !strchr("-0123456789tfn", *s->p)) {
			err = -EINVAL;
			break;
		}
		while (s->p < s->end && *s->p && !strchr(",]} \t\r\n", *s->p))
			s->p++;
		break;
	}
	s->depth--;
	return err;
}

int ck_schema_duplicate_fields(const char *data, size_t len, json_object *paths)
{
	struct scan s = { .p = data ? data : "", .out = paths };
	s.end = s.p + (data ? len : 0);
	ck_buf_init(&s.path, 0);
	int err = scan_value(&s);
	ck_buf_release(&s.path);
	return err;
}
