/*
 * The protobuf codec: JSON objects to and from the Kubernetes wire format by
 * walking protobuf-c descriptors. The wire format is read and written here
 * directly (protobuf-c's generated structs are not used), so that presence,
 * unknown fields and errors are under this file's control.
 */
#include "api/protobuf.h"
#include "api/protobuf_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apimachinery/intstr.pb-c.h"
#include "apimachinery/meta/v1.pb-c.h"
#include "apimachinery/quantity.h"
#include "apimachinery/resource.pb-c.h"
#include "apimachinery/runtime.pb-c.h"
#include "util/common.h"
#include "util/go_duration.h"
#include "util/json_parse.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

/* Every message descriptor generated from api/ (hack/gen-api-descriptors.sh). */
extern const ProtobufCMessageDescriptor *const ck_api_descriptors[];

/* Wire types. */
enum {
	WT_VARINT = 0,
	WT_FIXED64 = 1,
	WT_LEN = 2,
	WT_GROUP_START = 3,
	WT_GROUP_END = 4,
	WT_FIXED32 = 5,
};

/* Go's zero time.Time (January 1, year 1) in Unix seconds. */
#define GO_ZERO_TIME_SECONDS INT64_C(-62135596800)
#define NS_PER_SECOND INT64_C(1000000000)

/* Descriptors of the types with a JSON form of their own. */
#define TIME_DESC k8s__io__apimachinery__pkg__apis__meta__v1__time__descriptor
#define MICROTIME_DESC k8s__io__apimachinery__pkg__apis__meta__v1__micro_time__descriptor
#define DURATION_DESC k8s__io__apimachinery__pkg__apis__meta__v1__duration__descriptor
#define FIELDSV1_DESC k8s__io__apimachinery__pkg__apis__meta__v1__fields_v1__descriptor
#define OBJECTMETA_DESC k8s__io__apimachinery__pkg__apis__meta__v1__object_meta__descriptor
#define LISTMETA_DESC k8s__io__apimachinery__pkg__apis__meta__v1__list_meta__descriptor
#define QUANTITY_DESC k8s__io__apimachinery__pkg__api__resource__quantity__descriptor
#define INTSTR_DESC k8s__io__apimachinery__pkg__util__intstr__int_or_string__descriptor
#define RAWEXT_DESC k8s__io__apimachinery__pkg__runtime__raw_extension__descriptor

enum special {
	SPECIAL_NONE,
	SPECIAL_TIME,
	SPECIAL_MICROTIME,
	SPECIAL_DURATION,
	SPECIAL_QUANTITY,
	SPECIAL_INTSTR,
	SPECIAL_RAWEXT,
	SPECIAL_FIELDSV1,
	SPECIAL_ARRAY, /* CK_PB_ARRAY in api/protobuf_fields.def */
	SPECIAL_JSON,  /* CK_PB_JSON */
	SPECIAL_UNION, /* CK_PB_UNION */
};

static bool is_array_message(const ProtobufCMessageDescriptor *d);
static bool is_json_message(const ProtobufCMessageDescriptor *d);
static bool is_union_message(const ProtobufCMessageDescriptor *d);

static enum special special_of(const ProtobufCMessageDescriptor *d)
{
	if (d == &TIME_DESC)
		return SPECIAL_TIME;
	if (d == &MICROTIME_DESC)
		return SPECIAL_MICROTIME;
	if (d == &DURATION_DESC)
		return SPECIAL_DURATION;
	if (d == &QUANTITY_DESC)
		return SPECIAL_QUANTITY;
	if (d == &INTSTR_DESC)
		return SPECIAL_INTSTR;
	if (d == &RAWEXT_DESC)
		return SPECIAL_RAWEXT;
	if (d == &FIELDSV1_DESC)
		return SPECIAL_FIELDSV1;
	if (is_array_message(d))
		return SPECIAL_ARRAY;
	if (is_json_message(d))
		return SPECIAL_JSON;
	if (is_union_message(d))
		return SPECIAL_UNION;
	return SPECIAL_NONE;
}

/* ---- tables: descriptors by name, field properties ---- */

enum field_prop {
	PROP_POINTER = 1,
	PROP_INLINE = 2,
	PROP_JSON_NAME = 4,
};

/* What api/protobuf_fields.def says of one field (its lines merged). */
struct prop_entry {
	const ProtobufCFieldDescriptor *field;
	unsigned props;	  /* enum field_prop bits */
	const char *json; /* PROP_JSON_NAME */
};

static const struct {
	const char *message, *field;
	enum field_prop prop;
	const char *json;
} prop_table[] = {
#define CK_PB_POINTER(m, f) { m, f, PROP_POINTER, NULL },
#define CK_PB_INLINE(m, f) { m, f, PROP_INLINE, NULL },
#define CK_PB_JSON_NAME(m, f, j) { m, f, PROP_JSON_NAME, j },
#define CK_PB_ARRAY(m)
#define CK_PB_JSON(m)
#define CK_PB_UNION(m)
#include "../../api/protobuf_fields.def"
#undef CK_PB_POINTER
#undef CK_PB_INLINE
#undef CK_PB_JSON_NAME
#undef CK_PB_ARRAY
#undef CK_PB_JSON
#undef CK_PB_UNION
};

/* The messages api/protobuf_fields.def gives a JSON form of their own. */
static const struct {
	const char *message;
	enum special special;
} message_table[] = {
#define CK_PB_POINTER(m, f)
#define CK_PB_INLINE(m, f)
#define CK_PB_JSON_NAME(m, f, j)
#define CK_PB_ARRAY(m) { m, SPECIAL_ARRAY },
#define CK_PB_JSON(m) { m, SPECIAL_JSON },
#define CK_PB_UNION(m) { m, SPECIAL_UNION },
#include "../../api/protobuf_fields.def"
#undef CK_PB_POINTER
#undef CK_PB_INLINE
#undef CK_PB_JSON_NAME
#undef CK_PB_ARRAY
#undef CK_PB_JSON
#undef CK_PB_UNION
};
static const ProtobufCMessageDescriptor *special_messages[CK_ARRAY_SIZE(message_table)];

static const ProtobufCMessageDescriptor **by_name;
static size_t n_by_name;
static struct prop_entry props[CK_ARRAY_SIZE(prop_table)];
static size_t n_props;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int cmp_desc_name(const void *a, const void *b)
{
	const ProtobufCMessageDescriptor *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int cmp_prop(const void *a, const void *b)
{
	const struct prop_entry *x = a, *y = b;
	return x->field < y->field ? -1 : x->field > y->field;
}

static const ProtobufCMessageDescriptor *find_message(const char *name)
{
	size_t lo = 0, hi = n_by_name;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(by_name[mid]->name, name);
		if (r == 0)
			return by_name[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void init_tables(void)
{
	while (ck_api_descriptors[n_by_name])
		n_by_name++;
	by_name = ck_malloc(n_by_name * sizeof(*by_name));
	memcpy(by_name, ck_api_descriptors, n_by_name * sizeof(*by_name));
	qsort(by_name, n_by_name, sizeof(*by_name), cmp_desc_name);
	for (size_t i = 0; i < CK_ARRAY_SIZE(prop_table); i++) {
		const ProtobufCMessageDescriptor *m = find_message(prop_table[i].message);
		/* api/protobuf_fields.def names only fields of api/'s protos. */
		CK_BUG_ON(!m);
		props[i].field =
		    protobuf_c_message_descriptor_get_field_by_name(m, prop_table[i].field);
		CK_BUG_ON(!props[i].field);
		props[i].props = prop_table[i].prop;
		props[i].json = prop_table[i].json;
	}
	for (size_t i = 0; i < CK_ARRAY_SIZE(message_table); i++) {
		const ProtobufCMessageDescriptor *m = find_message(message_table[i].message);
		CK_BUG_ON(!m);
		special_messages[i] = m;
		switch (message_table[i].special) {
		case SPECIAL_ARRAY:
			/* one repeated field, which the JSON array holds */
			CK_BUG_ON(m->n_fields != 1 ||
				  m->fields[0].label != PROTOBUF_C_LABEL_REPEATED);
			break;
		case SPECIAL_JSON:
			/* one bytes field 1 (raw), which holds the JSON */
			CK_BUG_ON(m->n_fields != 1 || m->fields[0].id != 1 ||
				  m->fields[0].type != PROTOBUF_C_TYPE_BYTES);
			break;
		default: {
			/* at most one field of each form: object, array, boolean */
			unsigned objects = 0, arrays = 0, bools = 0;
			for (unsigned j = 0; j < m->n_fields; j++) {
				const ProtobufCFieldDescriptor *f = &m->fields[j];
				if (f->label == PROTOBUF_C_LABEL_REPEATED)
					arrays++;
				else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
					objects++;
				else if (f->type == PROTOBUF_C_TYPE_BOOL)
					bools++;
				else
					CK_BUG_ON(1);
			}
			CK_BUG_ON(objects > 1 || arrays > 1 || bools > 1);
			break;
		}
		}
	}
	qsort(props, CK_ARRAY_SIZE(props), sizeof(props[0]), cmp_prop);
	/* merge the lines about one field */
	for (size_t i = 0; i < CK_ARRAY_SIZE(props); i++) {
		if (n_props && props[n_props - 1].field == props[i].field) {
			props[n_props - 1].props |= props[i].props;
			if (props[i].json)
				props[n_props - 1].json = props[i].json;
		} else {
			props[n_props++] = props[i];
		}
	}
}

static void tables(void)
{
	pthread_once(&tables_once, init_tables);
}

static bool is_special_message(const ProtobufCMessageDescriptor *d, enum special sp)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(special_messages); i++)
		if (special_messages[i] == d)
			return message_table[i].special == sp;
	return false;
}

static bool is_array_message(const ProtobufCMessageDescriptor *d)
{
	return is_special_message(d, SPECIAL_ARRAY);
}

static bool is_json_message(const ProtobufCMessageDescriptor *d)
{
	return is_special_message(d, SPECIAL_JSON);
}

static bool is_union_message(const ProtobufCMessageDescriptor *d)
{
	return is_special_message(d, SPECIAL_UNION);
}

/* A union message's field of one form: repeated (array), message (object)
 * or bool; NULL when it has none. */
static const ProtobufCFieldDescriptor *union_field(const ProtobufCMessageDescriptor *d,
						   json_type form)
{
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
		if ((form == json_type_array && repeated) ||
		    (form == json_type_object && !repeated && f->type == PROTOBUF_C_TYPE_MESSAGE) ||
		    (form == json_type_boolean && !repeated && f->type == PROTOBUF_C_TYPE_BOOL))
			return f;
	}
	return NULL;
}

static const struct prop_entry *find_prop(const ProtobufCFieldDescriptor *fd)
{
	struct prop_entry key = { fd, 0, NULL };
	return bsearch(&key, props, n_props, sizeof(props[0]), cmp_prop);
}

static bool has_prop(const ProtobufCFieldDescriptor *fd, enum field_prop prop)
{
	const struct prop_entry *e = find_prop(fd);
	return e && (e->props & prop);
}

/* The field's name in JSON: the proto name but where the table says otherwise. */
static const char *json_name(const ProtobufCFieldDescriptor *fd)
{
	const struct prop_entry *e = find_prop(fd);
	return e && (e->props & PROP_JSON_NAME) ? e->json : fd->name;
}

/* protobuf-c has no map flag: a map's entry is a nested "<Name>Entry" of key and value. */
static bool is_map_entry(const ProtobufCFieldDescriptor *fd,
			 const ProtobufCMessageDescriptor *parent)
{
	if (fd->type != PROTOBUF_C_TYPE_MESSAGE || fd->label != PROTOBUF_C_LABEL_REPEATED)
		return false;
	const ProtobufCMessageDescriptor *e = fd->descriptor;
	size_t plen = strlen(parent->name);
	return e->n_fields == 2 && e->fields[0].id == 1 && e->fields[1].id == 2 &&
	       strcmp(e->fields[0].name, "key") == 0 && strcmp(e->fields[1].name, "value") == 0 &&
	       ck_str_has_suffix(e->name, "Entry") && strncmp(e->name, parent->name, plen) == 0 &&
	       e->name[plen] == '.';
}

/* ---- errors ---- */

struct ctx {
	char **ret_err;
	bool failed;
	int depth;
};

CK_PRINTF(3, 4) static int fail(struct ctx *c, int err, const char *fmt, ...)
{
	if (!c->failed && c->ret_err) {
		char msg[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		*c->ret_err = ck_strdup(msg);
	}
	c->failed = true;
	return err;
}

static int enter(struct ctx *c)
{
	if (++c->depth > CK_MAX_JSON_DEPTH)
		return fail(c, -EINVAL, "proto: exceeded maximum nesting depth %d",
			    CK_MAX_JSON_DEPTH);
	return 0;
}

/* ---- reading the wire ---- */

struct reader {
	const uint8_t *p, *end;
};

/* A reader of n bytes at p (NULL with n 0 reads nothing). */
static struct reader reader_of(const uint8_t *p, size_t n)
{
	static const uint8_t none[1];
	struct reader r;
	r.p = p ? p : none;
	r.end = r.p + (p ? n : 0);
	return r;
}

static int read_varint(struct ctx *c, struct reader *r, uint64_t *ret)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return fail(c, -EINVAL, "unexpected EOF");
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return fail(c, -EINVAL, "proto: integer overflow");
}

static int read_fixed(struct ctx *c, struct reader *r, size_t n, uint64_t *ret)
{
	if ((size_t)(r->end - r->p) < n)
		return fail(c, -EINVAL, "unexpected EOF");
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	*ret = v;
	return 0;
}

static int read_len(struct ctx *c, struct reader *r, const uint8_t **ret, size_t *ret_len)
{
	uint64_t n;
	int err = read_varint(c, r, &n);
	if (err < 0)
		return err;
	if (n > INT64_MAX)
		return fail(c, -EINVAL, "proto: negative length found during unmarshaling");
	if (n > (uint64_t)(r->end - r->p))
		return fail(c, -EINVAL, "unexpected EOF");
	*ret = r->p;
	*ret_len = (size_t)n;
	r->p += n;
	return 0;
}

/* A field's value as read: a number (varint or fixed) or a byte range. */
struct wire_value {
	int wt;
	uint64_t num;
	const uint8_t *data;
	size_t len;
};

static int read_tag(struct ctx *c, struct reader *r, uint32_t *ret_id, int *ret_wt)
{
	uint64_t tag;
	int err = read_varint(c, r, &tag);
	if (err < 0)
		return err;
	uint64_t id = tag >> 3;
	int wt = (int)(tag & 7);
	if (id == 0 || id > 536870911)
		return fail(c, -EINVAL, "proto: illegal tag %llu (wire type %d)",
			    (unsigned long long)id, wt);
	*ret_id = (uint32_t)id;
	*ret_wt = wt;
	return 0;
}

static int read_value(struct ctx *c, struct reader *r, int wt, struct wire_value *v);

/* Skips a group up to its end marker (Go's skipGenerated does the same). */
static int skip_group(struct ctx *c, struct reader *r, uint32_t id)
{
	int err = enter(c);
	while (err == 0) {
		uint32_t fid;
		int wt;
		if ((err = read_tag(c, r, &fid, &wt)) < 0)
			break;
		if (wt == WT_GROUP_END) {
			if (fid != id)
				err = fail(c, -EINVAL, "proto: unexpected end of group");
			break;
		}
		struct wire_value v;
		if (wt == WT_GROUP_START)
			err = skip_group(c, r, fid);
		else
			err = read_value(c, r, wt, &v);
	}
	c->depth--;
	return err;
}

static int read_value(struct ctx *c, struct reader *r, int wt, struct wire_value *v)
{
	v->wt = wt;
	v->num = 0;
	v->data = NULL;
	v->len = 0;
	switch (wt) {
	case WT_VARINT:
		return read_varint(c, r, &v->num);
	case WT_FIXED64:
		return read_fixed(c, r, 8, &v->num);
	case WT_FIXED32:
		return read_fixed(c, r, 4, &v->num);
	case WT_LEN:
		return read_len(c, r, &v->data, &v->len);
	case WT_GROUP_END:
		return fail(c, -EINVAL, "proto: unexpected end of group");
	default:
		return fail(c, -EINVAL, "proto: illegal wireType %d", wt);
	}
}

/* The wire type a field's scalar (or message) is written with. */
static int wire_type_of(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return WT_FIXED64;
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return WT_FIXED32;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return WT_LEN;
	default:
		return WT_VARINT;
	}
}

/* ---- decoding: values ---- */

/* A JSON string of the bytes, invalid UTF-8 replaced by U+FFFD. New reference. */
static json_object *new_string(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p;
	if (n > INT_MAX / 4)
		n = INT_MAX / 4; /* the wire is capped far below this */
	if (ck_utf8_valid(s, n))
		return json_object_new_string_len(s, (int)n);
	struct ck_buf b = CK_BUF_INIT;
	ck_buf_init(&b, 4 * n + 16);
	for (size_t i = 0; i < n;) {
		size_t len;
		uint32_t cp = ck_utf8_decode(s + i, n - i, &len);
		ck_utf8_append(&b, cp);
		i += len;
	}
	json_object *o = json_object_new_string_len(ck_buf_str(&b), (int)b.len);
	ck_buf_release(&b);
	return o;
}

/* A float as Go's encoding/json writes it: a whole number without a fraction
 * (a schema's "maximum": 5 reads back as 5, not 5.0). */
static json_object *new_number(double f)
{
	if (f == trunc(f) && fabs(f) < 1e15)
		return json_object_new_int64((int64_t)f);
	return json_object_new_double(f);
}

static int64_t zigzag64(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/*
 * A scalar field's value as JSON (new reference), and whether it is the
 * type's zero. v was read with the field's wire type.
 */
static int scalar_to_json(struct ctx *c, const ProtobufCFieldDescriptor *fd,
			  const struct wire_value *v, json_object **ret, bool *ret_zero)
{
	json_object *o = NULL;
	bool zero = v->num == 0;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		o = json_object_new_int64((int32_t)(uint32_t)v->num);
		zero = (uint32_t)v->num == 0;
		break;
	case PROTOBUF_C_TYPE_SINT32:
		o = json_object_new_int64((int32_t)zigzag64((uint32_t)v->num));
		zero = (uint32_t)v->num == 0;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		o = json_object_new_int64((uint32_t)v->num);
		zero = (uint32_t)v->num == 0;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		o = json_object_new_int64((int64_t)v->num);
		break;
	case PROTOBUF_C_TYPE_SINT64:
		o = json_object_new_int64(zigzag64(v->num));
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		o = json_object_new_uint64(v->num);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		o = json_object_new_boolean(v->num != 0);
		break;
	case PROTOBUF_C_TYPE_FLOAT: {
		uint32_t bits = (uint32_t)v->num;
		float f;
		memcpy(&f, &bits, sizeof(f));
		if (!isfinite(f))
			return fail(c, -EINVAL, "proto: field %s: unsupported value %g", fd->name,
				    (double)f);
		o = new_number(f);
		zero = f == 0;
		break;
	}
	case PROTOBUF_C_TYPE_DOUBLE: {
		double f;
		memcpy(&f, &v->num, sizeof(f));
		if (!isfinite(f))
			return fail(c, -EINVAL, "proto: field %s: unsupported value %g", fd->name,
				    f);
		o = new_number(f);
		zero = f == 0;
		break;
	}
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev =
		    protobuf_c_enum_descriptor_get_value(fd->descriptor, (int)(int32_t)v->num);
		o = ev ? json_object_new_string(ev->name)
		       : json_object_new_int64((int32_t)(uint32_t)v->num);
		zero = (uint32_t)v->num == 0;
		break;
	}
	case PROTOBUF_C_TYPE_STRING:
		o = new_string(v->data, v->len);
		zero = v->len == 0;
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		char *b64 = ck_base64_encode(v->data, v->len);
		o = json_object_new_string(b64);
		free(b64);
		zero = v->len == 0;
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
	default:
		CK_BUG_ON(1);
	}
	*ret = o;
	*ret_zero = zero;
	return 0;
}

static int decode_fields(struct ctx *c, const ProtobufCMessageDescriptor *d, const uint8_t *p,
			 size_t n, json_object *obj);
static int decode_envelope(struct ctx *c, const uint8_t *p, size_t n, json_object **ret);

/*
 * Reads the fields of a small message: numbers 1..n, each a varint when the
 * bit (1 << number) is in varints, else length-delimited. Others are
 * skipped; absent ones read as zero (ret_data NULL).
 */
struct small_msg {
	uint64_t num[5];
	const uint8_t *data[5];
	size_t len[5];
};

static int read_small(struct ctx *c, const uint8_t *p, size_t n, uint32_t max_id, unsigned varints,
		      struct small_msg *m)
{
	struct reader r = reader_of(p, n);
	memset(m, 0, sizeof(*m));
	CK_BUG_ON(max_id >= CK_ARRAY_SIZE(m->num));
	while (r.p < r.end) {
		uint32_t id;
		int wt, err;
		struct wire_value v;
		if ((err = read_tag(c, &r, &id, &wt)) < 0)
			return err;
		if (wt == WT_GROUP_START) {
			if ((err = skip_group(c, &r, id)) < 0)
				return err;
			continue;
		}
		if ((err = read_value(c, &r, wt, &v)) < 0)
			return err;
		if (id > max_id)
			continue;
		int want = (varints & (1u << id)) ? WT_VARINT : WT_LEN;
		if (wt != want)
			return fail(c, -EINVAL, "proto: wrong wireType = %d for field %u", wt, id);
		m->num[id] = v.num;
		m->data[id] = v.data;
		m->len[id] = v.len;
	}
	return 0;
}

/* Embedded JSON (RawExtension, FieldsV1) as a value; NULL for JSON null. */
static int parse_embedded_json(struct ctx *c, const uint8_t *p, size_t n, json_object **ret)
{
	if (n > INT_MAX)
		return fail(c, -EINVAL, "embedded JSON too large");
	json_tokener *tok = ck_json_tokener_get(JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, (const char *)p, (int)n);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		/* A bare number needs to see its end. */
		json_object_put(o);
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	} else if (jerr == json_tokener_success) {
		for (size_t i = tok->char_offset; i < n; i++)
			if (!strchr(" \t\r\n", p[i]) || p[i] == '\0')
				jerr = json_tokener_error_parse_unexpected;
	}
	ck_json_tokener_put(tok);
	if (jerr != json_tokener_success) {
		json_object_put(o);
		return fail(c, -EINVAL, "invalid JSON in an embedded object: %s",
			    json_tokener_error_desc(jerr));
	}
	*ret = o;
	return 0;
}

static int format_time(struct ctx *c, int64_t seconds, int64_t nanos, enum ck_time_precision prec,
		       json_object **ret)
{
	/* time.Unix normalises nanos into [0, 1e9). */
	seconds += nanos / NS_PER_SECOND;
	nanos %= NS_PER_SECOND;
	if (nanos < 0) {
		nanos += NS_PER_SECOND;
		seconds--;
	}
	if (seconds == GO_ZERO_TIME_SECONDS && nanos == 0) {
		*ret = NULL; /* the zero time: null in upstream's JSON */
		return 0;
	}
	if (seconds > INT64_MAX / NS_PER_SECOND - 1 || seconds < INT64_MIN / NS_PER_SECOND + 1)
		return fail(c, -EINVAL, "time out of range: %lld seconds", (long long)seconds);
	char buf[CK_TIME_BUF];
	ck_time_format(seconds * NS_PER_SECOND + nanos, prec, buf);
	*ret = json_object_new_string(buf);
	return 0;
}

/*
 * The JSON value of a special type's message bytes: a new reference, or
 * NULL when upstream's JSON has null (zero time, empty raw).
 */
static int special_to_json(struct ctx *c, const ProtobufCMessageDescriptor *d, enum special sp,
			   const uint8_t *p, size_t n, json_object **ret)
{
	struct small_msg m;
	if (sp == SPECIAL_ARRAY) {
		json_object *o = json_object_new_object(), *items = NULL;
		int err = decode_fields(c, d, p, n, o);
		if (err == 0 && json_object_object_get_ex(o, d->fields[0].name, &items))
			json_object_get(items);
		json_object_put(o);
		*ret = err == 0 ? items : NULL;
		return err;
	}
	if (sp == SPECIAL_UNION) {
		/* upstream's MarshalJSON: the array when not empty, else the object,
		 * else the boolean (null when the type has none) */
		json_object *o = json_object_new_object(), *v = NULL;
		int err = decode_fields(c, d, p, n, o);
		static const json_type forms[] = { json_type_array, json_type_object,
						   json_type_boolean };
		for (size_t i = 0; err == 0 && !v && i < CK_ARRAY_SIZE(forms); i++) {
			const ProtobufCFieldDescriptor *f = union_field(d, forms[i]);
			if (f && json_object_object_get_ex(o, f->name, &v))
				json_object_get(v);
			else if (f && forms[i] == json_type_boolean)
				v = json_object_new_boolean(0);
		}
		json_object_put(o);
		*ret = err == 0 ? v : NULL;
		if (err < 0)
			json_object_put(v);
		return err;
	}
	unsigned varints = 0;
	uint32_t max_id = 1;
	if (sp == SPECIAL_TIME || sp == SPECIAL_MICROTIME)
		varints = 1u << 1 | 1u << 2, max_id = 2;
	else if (sp == SPECIAL_DURATION)
		varints = 1u << 1;
	else if (sp == SPECIAL_INTSTR)
		varints = 1u << 1 | 1u << 2, max_id = 3;
	int err = read_small(c, p, n, max_id, varints, &m);
	if (err < 0)
		return err;
	*ret = NULL;
	switch (sp) {
	case SPECIAL_TIME:
		/* Upstream keeps whole seconds only, and reads no bytes as the zero time. */
		if (n == 0)
			return 0;
		return format_time(c, (int64_t)m.num[1], 0, CK_TIME_SECONDS, ret);
	case SPECIAL_MICROTIME:
		if (n == 0)
			return 0;
		return format_time(c, (int64_t)m.num[1], (int32_t)(uint32_t)m.num[2], CK_TIME_MICRO,
				   ret);
	case SPECIAL_DURATION: {
		char buf[CK_GO_DURATION_BUF];
		ck_go_duration_format((int64_t)m.num[1], buf);
		*ret = json_object_new_string(buf);
		return 0;
	}
	case SPECIAL_QUANTITY: {
		if (!m.data[1]) {
			*ret = json_object_new_string("0");
			return 0;
		}
		struct ck_quantity q;
		char buf[CK_QUANTITY_STR_MAX];
		err = ck_quantity_parse_n((const char *)m.data[1], m.len[1], &q);
		if (err == 0 && ck_quantity_snprint(&q, buf, sizeof(buf)) >= sizeof(buf))
			err = -ERANGE;
		if (err < 0)
			return fail(c, -EINVAL, "%s", ck_quantity_strerror(err));
		*ret = json_object_new_string(buf);
		return 0;
	}
	case SPECIAL_INTSTR:
		*ret = m.num[1] == 1 ? new_string(m.data[3], m.len[3])
				     : json_object_new_int64((int32_t)(uint32_t)m.num[2]);
		return 0;
	case SPECIAL_RAWEXT:
	case SPECIAL_FIELDSV1:
	case SPECIAL_JSON:
		if (!m.len[1])
			return 0;
		if (sp == SPECIAL_RAWEXT && m.len[1] >= CK_PROTOBUF_MAGIC_LEN &&
		    memcmp(m.data[1], CK_PROTOBUF_MAGIC, CK_PROTOBUF_MAGIC_LEN) == 0)
			return decode_envelope(c, m.data[1], m.len[1], ret);
		return parse_embedded_json(c, m.data[1], m.len[1], ret);
	case SPECIAL_ARRAY:
	case SPECIAL_UNION:
	case SPECIAL_NONE:
		break;
	}
	CK_BUG_ON(1);
	return -EINVAL;
}

/* One element of a repeated field or a map value as JSON (new reference or NULL). */
static int element_to_json(struct ctx *c, const ProtobufCFieldDescriptor *fd,
			   const struct wire_value *v, json_object **ret)
{
	if (fd->type != PROTOBUF_C_TYPE_MESSAGE) {
		bool zero;
		return scalar_to_json(c, fd, v, ret, &zero);
	}
	const ProtobufCMessageDescriptor *sub = fd->descriptor;
	enum special sp = special_of(sub);
	if (sp != SPECIAL_NONE)
		return special_to_json(c, sub, sp, v->data, v->len, ret);
	json_object *o = json_object_new_object();
	int err = decode_fields(c, sub, v->data, v->len, o);
	if (err < 0) {
		json_object_put(o);
		return err;
	}
	*ret = o;
	return 0;
}

static json_object *child(json_object *obj, const char *name, json_type type)
{
	json_object *o;
	if (json_object_object_get_ex(obj, name, &o) && json_object_is_type(o, type))
		return o;
	o = type == json_type_array ? json_object_new_array() : json_object_new_object();
	json_object_object_add(obj, name, o);
	return o;
}

static int decode_map_entry(struct ctx *c, const ProtobufCFieldDescriptor *fd,
			    const struct wire_value *v, json_object *obj)
{
	const ProtobufCMessageDescriptor *e = fd->descriptor;
	const ProtobufCFieldDescriptor *kf = &e->fields[0], *vf = &e->fields[1];
	struct reader r = reader_of(v->data, v->len);
	struct wire_value key = { wire_type_of(kf->type), 0, (const uint8_t *)"", 0 };
	struct wire_value val = { wire_type_of(vf->type), 0, (const uint8_t *)"", 0 };
	int err;
	while (r.p < r.end) {
		uint32_t id;
		int wt;
		struct wire_value w;
		if ((err = read_tag(c, &r, &id, &wt)) < 0)
			return err;
		if (wt == WT_GROUP_START) {
			if ((err = skip_group(c, &r, id)) < 0)
				return err;
			continue;
		}
		if ((err = read_value(c, &r, wt, &w)) < 0)
			return err;
		if (id != 1 && id != 2)
			continue;
		const ProtobufCFieldDescriptor *f = id == 1 ? kf : vf;
		if (wt != wire_type_of(f->type))
			return fail(c, -EINVAL, "proto: wrong wireType = %d for field %s", wt,
				    f->name);
		*(id == 1 ? &key : &val) = w;
	}
	json_object *k = NULL, *value = NULL;
	if ((err = element_to_json(c, kf, &key, &k)) < 0)
		return err;
	if ((err = element_to_json(c, vf, &val, &value)) < 0) {
		json_object_put(k);
		return err;
	}
	const char *ks = json_object_get_string(k);
	json_object_object_add(child(obj, json_name(fd), json_type_object), ks ? ks : "", value);
	json_object_put(k);
	return 0;
}

static int decode_field(struct ctx *c, const ProtobufCMessageDescriptor *d,
			const ProtobufCFieldDescriptor *fd, const struct wire_value *v,
			json_object *obj)
{
	int want = wire_type_of(fd->type);
	int err;
	if (fd->label == PROTOBUF_C_LABEL_REPEATED && v->wt == WT_LEN && want != WT_LEN) {
		/* packed scalars */
		json_object *arr = child(obj, json_name(fd), json_type_array);
		struct reader r = reader_of(v->data, v->len);
		while (r.p < r.end) {
			struct wire_value e;
			json_object *o;
			if ((err = read_value(c, &r, want, &e)) < 0)
				return err;
			if ((err = element_to_json(c, fd, &e, &o)) < 0)
				return err;
			json_object_array_add(arr, o);
		}
		return 0;
	}
	if (v->wt != want)
		return fail(c, -EINVAL, "proto: wrong wireType = %d for field %s", v->wt, fd->name);
	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		if (is_map_entry(fd, d))
			return decode_map_entry(c, fd, v, obj);
		json_object *o = NULL;
		if ((err = element_to_json(c, fd, v, &o)) < 0)
			return err;
		json_object_array_add(child(obj, json_name(fd), json_type_array), o);
		return 0;
	}
	if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessageDescriptor *sub = fd->descriptor;
		enum special sp = special_of(sub);
		if (sp != SPECIAL_NONE) {
			json_object *o = NULL;
			if ((err = special_to_json(c, sub, sp, v->data, v->len, &o)) < 0)
				return err;
			if (o)
				json_object_object_add(obj, json_name(fd), o);
			else
				json_object_object_del(obj, json_name(fd));
			return 0;
		}
		/* A message seen again merges into the first, as in Go. */
		json_object *into =
		    has_prop(fd, PROP_INLINE) ? obj : child(obj, json_name(fd), json_type_object);
		return decode_fields(c, sub, v->data, v->len, into);
	}
	json_object *o;
	bool zero;
	if ((err = scalar_to_json(c, fd, v, &o, &zero)) < 0)
		return err;
	if (zero && !has_prop(fd, PROP_POINTER)) {
		json_object_put(o);
		json_object_object_del(obj, json_name(fd));
	} else {
		json_object_object_add(obj, json_name(fd), o);
	}
	return 0;
}

static int decode_fields(struct ctx *c, const ProtobufCMessageDescriptor *d, const uint8_t *p,
			 size_t n, json_object *obj)
{
	struct reader r = reader_of(p, n);
	int err = enter(c);
	while (err == 0 && r.p < r.end) {
		uint32_t id;
		int wt;
		struct wire_value v;
		if ((err = read_tag(c, &r, &id, &wt)) < 0)
			break;
		if (wt == WT_GROUP_START) {
			err = skip_group(c, &r, id);
			continue;
		}
		if ((err = read_value(c, &r, wt, &v)) < 0)
			break;
		const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(d, id);
		if (fd)
			err = decode_field(c, d, fd, &v, obj);
	}
	c->depth--;
	return err;
}

/* ---- encoding ---- */

static int put_varint(struct ck_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return ck_buf_add(b, tmp, n);
}

static int put_tag(struct ck_buf *b, uint32_t id, int wt)
{
	return put_varint(b, ((uint64_t)id << 3) | (uint64_t)wt);
}

static int put_bytes(struct ck_buf *b, uint32_t id, const void *data, size_t len)
{
	int err = put_tag(b, id, WT_LEN);
	if (err == 0)
		err = put_varint(b, len);
	if (err == 0)
		err = ck_buf_add(b, data, len);
	return err;
}

static int put_fixed(struct ck_buf *b, uint64_t v, size_t n)
{
	uint8_t tmp[8];
	for (size_t i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	return ck_buf_add(b, tmp, n);
}

static const char *json_type_name(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* An integer JSON value (or an integral double) within [min, max]. */
static int json_to_int(struct ctx *c, const ProtobufCFieldDescriptor *fd, json_object *v,
		       int64_t min, int64_t max, int64_t *ret)
{
	int64_t x;
	if (json_object_is_type(v, json_type_int)) {
		x = json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_double)) {
		double f = json_object_get_double(v);
		if (f != floor(f) || f < -9.2e18 || f > 9.2e18)
			return fail(c, -EINVAL, "json: cannot encode %g into field %s of type int",
				    f, fd->name);
		x = (int64_t)f;
	} else {
		return fail(c, -EINVAL, "json: cannot encode %s into field %s of type int",
			    json_type_name(v), fd->name);
	}
	if (x < min || x > max)
		return fail(c, -EINVAL, "json: %lld overflows field %s", (long long)x, fd->name);
	*ret = x;
	return 0;
}

static int encode_fields(struct ctx *c, const ProtobufCMessageDescriptor *d, json_object *obj,
			 struct ck_buf *out);

static int time_from_json(struct ctx *c, const ProtobufCFieldDescriptor *fd, json_object *v,
			  int64_t *ret_seconds, int64_t *ret_nanos)
{
	int64_t ns;
	if (!json_object_is_type(v, json_type_string) ||
	    ck_time_parse(json_object_get_string(v), &ns) < 0)
		return fail(c, -EINVAL, "json: field %s: %s is not an RFC 3339 time", fd->name,
			    json_object_to_json_string(v));
	int64_t s = ns / NS_PER_SECOND, rem = ns % NS_PER_SECOND;
	if (rem < 0) {
		rem += NS_PER_SECOND;
		s--;
	}
	*ret_seconds = s;
	*ret_nanos = rem;
	return 0;
}

/* A special type's message bytes from its JSON value (v NULL: its zero). */
static int special_from_json(struct ctx *c, const ProtobufCFieldDescriptor *fd, enum special sp,
			     json_object *v, struct ck_buf *m)
{
	int64_t s = 0, ns = 0;
	int err = 0;
	switch (sp) {
	case SPECIAL_TIME:
	case SPECIAL_MICROTIME:
		if (!v)
			return 0; /* the zero time is no bytes */
		if ((err = time_from_json(c, fd, v, &s, &ns)) < 0)
			return err;
		/* Time keeps whole seconds; both write seconds and nanos. */
		if ((err = put_tag(m, 1, WT_VARINT)) == 0 &&
		    (err = put_varint(m, (uint64_t)s)) == 0 &&
		    (err = put_tag(m, 2, WT_VARINT)) == 0)
			err = put_varint(m, sp == SPECIAL_TIME ? 0 : (uint64_t)ns);
		return err;
	case SPECIAL_DURATION:
		ns = 0;
		if (v && (!json_object_is_type(v, json_type_string) ||
			  ck_go_duration_parse(json_object_get_string(v), &ns) < 0))
			return fail(c, -EINVAL, "json: field %s: %s is not a duration", fd->name,
				    json_object_to_json_string(v));
		if ((err = put_tag(m, 1, WT_VARINT)) == 0)
			err = put_varint(m, (uint64_t)ns);
		return err;
	case SPECIAL_QUANTITY: {
		struct ck_quantity q = { 0 };
		char buf[CK_QUANTITY_STR_MAX];
		if (v && (err = ck_quantity_from_json(v, &q)) < 0)
			return fail(c, -EINVAL, "json: field %s: %s", fd->name,
				    ck_quantity_strerror(err));
		if (ck_quantity_snprint(&q, buf, sizeof(buf)) >= sizeof(buf))
			return fail(c, -EINVAL, "json: field %s: quantity too long", fd->name);
		return put_bytes(m, 1, buf, strlen(buf));
	}
	case SPECIAL_INTSTR: {
		int64_t i = 0;
		const char *str = "";
		size_t len = 0;
		bool is_str = v && json_object_is_type(v, json_type_string);
		if (is_str) {
			str = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
		} else if (v && (err = json_to_int(c, fd, v, INT32_MIN, INT32_MAX, &i)) < 0) {
			return err;
		}
		if ((err = put_tag(m, 1, WT_VARINT)) == 0 && (err = put_varint(m, is_str)) == 0 &&
		    (err = put_tag(m, 2, WT_VARINT)) == 0 &&
		    (err = put_varint(m, (uint64_t)i)) == 0)
			err = put_bytes(m, 3, str, len);
		return err;
	}
	case SPECIAL_RAWEXT:
	case SPECIAL_FIELDSV1:
	case SPECIAL_JSON: {
		if (!v)
			return 0;
		size_t len;
		const char *json = json_object_to_json_string_length(
		    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		return put_bytes(m, 1, json, len);
	}
	case SPECIAL_ARRAY: {
		if (!v)
			return 0;
		if (!json_object_is_type(v, json_type_array))
			return fail(c, -EINVAL,
				    "json: cannot encode %s into field %s of type array",
				    json_type_name(v), fd->name);
		const ProtobufCMessageDescriptor *d = fd->descriptor;
		json_object *wrap = json_object_new_object();
		json_object_object_add(wrap, d->fields[0].name, json_object_get(v));
		err = encode_fields(c, d, wrap, m);
		json_object_put(wrap);
		return err;
	}
	case SPECIAL_UNION: {
		if (!v)
			return 0;
		const ProtobufCMessageDescriptor *d = fd->descriptor;
		json_type form = json_object_get_type(v);
		const ProtobufCFieldDescriptor *f = union_field(d, form);
		if (!f)
			return fail(c, -EINVAL, "json: cannot encode %s into field %s",
				    json_type_name(v), fd->name);
		json_object *wrap = json_object_new_object();
		json_object_object_add(wrap, f->name, json_object_get(v));
		/* the object form allows (JSONSchemaPropsOrBool) */
		const ProtobufCFieldDescriptor *b = union_field(d, json_type_boolean);
		if (form == json_type_object && b)
			json_object_object_add(wrap, b->name, json_object_new_boolean(1));
		err = encode_fields(c, d, wrap, m);
		json_object_put(wrap);
		return err;
	}
	case SPECIAL_NONE:
		break;
	}
	CK_BUG_ON(1);
	return -EINVAL;
}

/* Writes one value of field fd (v NULL: the type's zero, for list elements). */
static int encode_value(struct ctx *c, const ProtobufCFieldDescriptor *fd, json_object *v,
			struct ck_buf *out)
{
	int64_t i = 0;
	int err = 0;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (v && (err = json_to_int(c, fd, v, INT32_MIN, INT32_MAX, &i)) < 0)
			return err;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (v && (err = json_to_int(c, fd, v, 0, UINT32_MAX, &i)) < 0)
			return err;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (v && (err = json_to_int(c, fd, v, INT64_MIN, INT64_MAX, &i)) < 0)
			return err;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (v && json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
			uint64_t u = json_object_get_uint64(v);
			memcpy(&i, &u, sizeof(i));
		} else if (v && (err = json_to_int(c, fd, v, 0, INT64_MAX, &i)) < 0) {
			return err;
		}
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (v && !json_object_is_type(v, json_type_boolean))
			return fail(c, -EINVAL, "json: cannot encode %s into field %s of type bool",
				    json_type_name(v), fd->name);
		i = v && json_object_get_boolean(v);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		if (v && json_object_is_type(v, json_type_string)) {
			const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(
			    fd->descriptor, json_object_get_string(v));
			if (!ev)
				return fail(c, -EINVAL, "json: unknown value %s for field %s",
					    json_object_get_string(v), fd->name);
			i = ev->value;
		} else if (v && (err = json_to_int(c, fd, v, INT32_MIN, INT32_MAX, &i)) < 0) {
			return err;
		}
		break;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE: {
		double f = 0;
		if (v && !json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return fail(c, -EINVAL,
				    "json: cannot encode %s into field %s of type number",
				    json_type_name(v), fd->name);
		if (v)
			f = json_object_get_double(v);
		if ((err = put_tag(out, fd->id, wire_type_of(fd->type))) < 0)
			return err;
		if (fd->type == PROTOBUF_C_TYPE_FLOAT) {
			float ff = (float)f;
			uint32_t bits;
			memcpy(&bits, &ff, sizeof(bits));
			return put_fixed(out, bits, 4);
		}
		uint64_t bits;
		memcpy(&bits, &f, sizeof(bits));
		return put_fixed(out, bits, 8);
	}
	case PROTOBUF_C_TYPE_STRING:
		if (!v)
			return put_bytes(out, fd->id, "", 0);
		if (!json_object_is_type(v, json_type_string))
			return fail(c, -EINVAL,
				    "json: cannot encode %s into field %s of type string",
				    json_type_name(v), fd->name);
		return put_bytes(out, fd->id, json_object_get_string(v),
				 (size_t)json_object_get_string_len(v));
	case PROTOBUF_C_TYPE_BYTES: {
		if (!v)
			return put_bytes(out, fd->id, "", 0);
		size_t len = 0;
		void *data = json_object_is_type(v, json_type_string)
				 ? ck_base64_decode(json_object_get_string(v), &len)
				 : NULL;
		if (!data)
			return fail(c, -EINVAL, "json: field %s: %s is not base64 data", fd->name,
				    json_object_to_json_string(v));
		err = put_bytes(out, fd->id, data, len);
		free(data);
		return err;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessageDescriptor *sub = fd->descriptor;
		enum special sp = special_of(sub);
		struct ck_buf m;
		ck_buf_init(&m, out->max);
		if (sp != SPECIAL_NONE)
			err = special_from_json(c, fd, sp, v, &m);
		else if (v && !json_object_is_type(v, json_type_object))
			err =
			    fail(c, -EINVAL, "json: cannot encode %s into field %s of type object",
				 json_type_name(v), fd->name);
		else if (v)
			err = encode_fields(c, sub, v, &m);
		if (err == 0)
			err = put_bytes(out, fd->id, m.data ? m.data : "", m.len);
		ck_buf_release(&m);
		return err;
	}
	}
	if ((err = put_tag(out, fd->id, wire_type_of(fd->type))) < 0)
		return err;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SINT64:
		return put_varint(out, ((uint64_t)i << 1) ^ (uint64_t)(i >> 63));
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return put_fixed(out, (uint64_t)i, 4);
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return put_fixed(out, (uint64_t)i, 8);
	default:
		return put_varint(out, (uint64_t)i);
	}
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A map (JSON object) as entries sorted by key, as upstream writes them. */
static int encode_map(struct ctx *c, const ProtobufCFieldDescriptor *fd, json_object *v,
		      struct ck_buf *out)
{
	const ProtobufCMessageDescriptor *e = fd->descriptor;
	const ProtobufCFieldDescriptor *kf = &e->fields[0], *vf = &e->fields[1];
	if (!json_object_is_type(v, json_type_object))
		return fail(c, -EINVAL, "json: cannot encode %s into map field %s",
			    json_type_name(v), fd->name);
	size_t n = (size_t)json_object_object_length(v), i = 0;
	const char **keys = ck_calloc(n ? n : 1, sizeof(*keys));
	json_object_object_foreach (v, key, val) {
		(void)val;
		keys[i++] = key;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	struct ck_buf entry;
	ck_buf_init(&entry, out->max);
	int err = 0;
	for (i = 0; i < n && err == 0; i++) {
		json_object *val = json_object_object_get(v, keys[i]);
		ck_buf_reset(&entry);
		if (kf->type == PROTOBUF_C_TYPE_STRING) {
			err = put_bytes(&entry, 1, keys[i], strlen(keys[i]));
		} else {
			json_object *k = json_tokener_parse(keys[i]);
			err = k ? encode_value(c, kf, k, &entry)
				: fail(c, -EINVAL, "json: map field %s: bad key %s", fd->name,
				       keys[i]);
			json_object_put(k);
		}
		if (err == 0)
			err = encode_value(c, vf, val, &entry);
		if (err == 0)
			err = put_bytes(out, fd->id, entry.data ? entry.data : "", entry.len);
	}
	ck_buf_release(&entry);
	free(keys);
	return err;
}

static int encode_fields(struct ctx *c, const ProtobufCMessageDescriptor *d, json_object *obj,
			 struct ck_buf *out)
{
	int err = enter(c);
	for (unsigned i = 0; err == 0 && i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		json_object *v;
		if (fd->type == PROTOBUF_C_TYPE_MESSAGE && fd->label != PROTOBUF_C_LABEL_REPEATED &&
		    has_prop(fd, PROP_INLINE)) {
			/* inline: the embedded message's fields are obj's own */
			struct ck_buf m;
			ck_buf_init(&m, out->max);
			err = encode_fields(c, fd->descriptor, obj, &m);
			if (err == 0)
				err = put_bytes(out, fd->id, m.data ? m.data : "", m.len);
			ck_buf_release(&m);
			continue;
		}
		if (!json_object_object_get_ex(obj, json_name(fd), &v) || !v)
			continue; /* absent or null */
		if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
			err = encode_value(c, fd, v, out);
		} else if (is_map_entry(fd, d)) {
			err = encode_map(c, fd, v, out);
		} else if (!json_object_is_type(v, json_type_array)) {
			err = fail(c, -EINVAL, "json: cannot encode %s into list field %s",
				   json_type_name(v), fd->name);
		} else {
			size_t n = json_object_array_length(v);
			for (size_t j = 0; j < n && err == 0; j++)
				err = encode_value(c, fd, json_object_array_get_idx(v, j), out);
		}
	}
	c->depth--;
	if (err == -E2BIG)
		fail(c, err, "encoded object is too large");
	return err;
}

/* ---- kinds and the envelope ---- */

/* API groups and their proto packages (without the version). */
static const struct {
	const char *group, *package;
} group_packages[] = {
	{ "", "k8s.io.api.core" },
	{ "admissionregistration.k8s.io", "k8s.io.api.admissionregistration" },
	{ "apiextensions.k8s.io", "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions" },
	{ "apps", "k8s.io.api.apps" },
	{ "authentication.k8s.io", "k8s.io.api.authentication" },
	{ "authorization.k8s.io", "k8s.io.api.authorization" },
	{ "autoscaling", "k8s.io.api.autoscaling" },
	{ "batch", "k8s.io.api.batch" },
	{ "certificates.k8s.io", "k8s.io.api.certificates" },
	{ "coordination.k8s.io", "k8s.io.api.coordination" },
	{ "discovery.k8s.io", "k8s.io.api.discovery" },
	{ "events.k8s.io", "k8s.io.api.events" },
	{ "flowcontrol.apiserver.k8s.io", "k8s.io.api.flowcontrol" },
	{ "internal.apiserver.k8s.io", "k8s.io.api.apiserverinternal" },
	{ "meta.k8s.io", "k8s.io.apimachinery.pkg.apis.meta" },
	{ "networking.k8s.io", "k8s.io.api.networking" },
	{ "node.k8s.io", "k8s.io.api.node" },
	{ "policy", "k8s.io.api.policy" },
	{ "rbac.authorization.k8s.io", "k8s.io.api.rbac" },
	{ "resource.k8s.io", "k8s.io.api.resource" },
	{ "scheduling.k8s.io", "k8s.io.api.scheduling" },
	{ "storage.k8s.io", "k8s.io.api.storage" },
};

/* The meta.k8s.io kinds upstream registers in every group version. */
static const char *const meta_kinds[] = {
	"CreateOptions", "DeleteOptions", "GetOptions",	   "List",	 "ListOptions",
	"PatchOptions",	 "Status",	  "UpdateOptions", "WatchEvent",
};

/* Whether a message is a kind of its own (not a part such as PodSpec). */
static bool is_kind(const ProtobufCMessageDescriptor *d)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, 1);
	if (f && strcmp(f->name, "metadata") == 0 && f->label != PROTOBUF_C_LABEL_REPEATED &&
	    (f->descriptor == &OBJECTMETA_DESC || f->descriptor == &LISTMETA_DESC))
		return true;
	return ck_str_has_suffix(d->short_name, "Options");
}

static const ProtobufCMessageDescriptor *lookup_in(const char *package, const char *version,
						   const char *kind, bool any)
{
	char name[256];
	int n = snprintf(name, sizeof(name), "%s.%s.%s", package, version, kind);
	if (n < 0 || (size_t)n >= sizeof(name))
		return NULL;
	const ProtobufCMessageDescriptor *d = find_message(name);
	return d && (any || is_kind(d)) ? d : NULL;
}

const ProtobufCMessageDescriptor *ck_protobuf_lookup(const char *api_version, const char *kind)
{
	if (!api_version || !kind || !*kind || !*api_version || strchr(kind, '.'))
		return NULL;
	tables();
	const char *slash = strchr(api_version, '/');
	const char *version = slash ? slash + 1 : api_version;
	size_t glen = slash ? (size_t)(slash - api_version) : 0;
	if (!*version || strchr(version, '.') || strchr(version, '/'))
		return NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(group_packages); i++) {
		const char *g = group_packages[i].group;
		if (strlen(g) != glen || strncmp(g, api_version, glen) != 0)
			continue;
		const ProtobufCMessageDescriptor *d =
		    lookup_in(group_packages[i].package, version, kind, false);
		if (d)
			return d;
		for (size_t j = 0; j < CK_ARRAY_SIZE(meta_kinds); j++)
			if (strcmp(meta_kinds[j], kind) == 0)
				return lookup_in("k8s.io.apimachinery.pkg.apis.meta", "v1", kind,
						 true);
		return NULL;
	}
	return NULL;
}

int ck_protobuf_decode(const ProtobufCMessageDescriptor *desc, const void *data, size_t len,
		       json_object **ret, char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	tables();
	json_object *obj = json_object_new_object();
	int err = decode_fields(&c, desc, data, len, obj);
	if (err < 0) {
		json_object_put(obj);
		return err;
	}
	*ret = obj;
	return 0;
}

int ck_protobuf_encode(const ProtobufCMessageDescriptor *desc, json_object *obj, struct ck_buf *out,
		       char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	tables();
	if (!json_object_is_type(obj, json_type_object))
		return fail(&c, -EINVAL, "json: cannot encode %s as a message",
			    json_type_name(obj));
	return encode_fields(&c, desc, obj, out);
}

int ck_protobuf_encode_object(json_object *obj, struct ck_buf *out, char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	json_object *k = NULL, *av = NULL;
	json_object_object_get_ex(obj, "kind", &k);
	json_object_object_get_ex(obj, "apiVersion", &av);
	if (!json_object_is_type(k, json_type_string) || !json_object_get_string_len(k))
		return fail(&c, -EINVAL, "Object 'Kind' is missing");
	if (!json_object_is_type(av, json_type_string))
		return fail(&c, -EINVAL, "Object 'apiVersion' is missing");
	const char *kind = json_object_get_string(k), *api_version = json_object_get_string(av);
	const ProtobufCMessageDescriptor *desc = ck_protobuf_lookup(api_version, kind);
	if (!desc)
		return fail(&c, -ENOENT, "no kind \"%s\" is registered for version \"%s\"", kind,
			    api_version);
	struct ck_buf raw, tm;
	ck_buf_init(&raw, out->max);
	ck_buf_init(&tm, 0);
	int err = encode_fields(&c, desc, obj, &raw);
	if (err == 0 && (err = put_bytes(&tm, 1, api_version, strlen(api_version))) == 0)
		err = put_bytes(&tm, 2, kind, strlen(kind));
	/* Upstream's layout: typeMeta, raw, then the empty contentEncoding and contentType. */
	if (err == 0)
		err = ck_buf_add(out, CK_PROTOBUF_MAGIC, CK_PROTOBUF_MAGIC_LEN);
	if (err == 0)
		err = put_bytes(out, 1, tm.data, tm.len);
	if (err == 0)
		err = put_bytes(out, 2, raw.data ? raw.data : "", raw.len);
	if (err == 0)
		err = put_bytes(out, 3, "", 0);
	if (err == 0)
		err = put_bytes(out, 4, "", 0);
	ck_buf_release(&raw);
	ck_buf_release(&tm);
	if (err == -E2BIG)
		fail(&c, err, "encoded object is too large");
	return err;
}

static bool has_nul(const uint8_t *p, size_t n)
{
	return n && memchr(p, '\0', n) != NULL;
}

/*
 * Reads the Unknown after the magic: 1 typeMeta {1 apiVersion, 2 kind},
 * 2 raw (borrowed), 3 contentEncoding, 4 contentType (ignored).
 */
static int read_unknown(struct ctx *c, const uint8_t *p, size_t n, char **ret_av, char **ret_kind,
			const uint8_t **ret_raw, size_t *ret_raw_len)
{
	struct small_msg u, tm;
	int err = read_small(c, p, n, 4, 0, &u);
	if (err == 0)
		err =
		    read_small(c, u.data[1] ? u.data[1] : (const uint8_t *)"", u.len[1], 2, 0, &tm);
	if (err < 0)
		return err;
	if (has_nul(tm.data[1], tm.len[1]) || has_nul(tm.data[2], tm.len[2]))
		return fail(c, -EINVAL, "invalid type in protobuf envelope");
	*ret_av = ck_strndup(tm.data[1] ? (const char *)tm.data[1] : "", tm.len[1]);
	*ret_kind = ck_strndup(tm.data[2] ? (const char *)tm.data[2] : "", tm.len[2]);
	*ret_raw = u.data[2] ? u.data[2] : (const uint8_t *)"";
	*ret_raw_len = u.len[2];
	return 0;
}

static int decode_envelope(struct ctx *c, const uint8_t *p, size_t n, json_object **ret)
{
	if (n < CK_PROTOBUF_MAGIC_LEN || memcmp(p, CK_PROTOBUF_MAGIC, CK_PROTOBUF_MAGIC_LEN) != 0)
		return fail(c, -EINVAL,
			    "provided data does not appear to be a protobuf message, expected "
			    "prefix [107 56 115 0]");
	char *av = NULL, *kind = NULL;
	const uint8_t *raw;
	size_t raw_len;
	int err = read_unknown(c, p + CK_PROTOBUF_MAGIC_LEN, n - CK_PROTOBUF_MAGIC_LEN, &av, &kind,
			       &raw, &raw_len);
	if (err < 0)
		return err;
	const ProtobufCMessageDescriptor *desc = NULL;
	if (!*kind)
		err = fail(c, -EINVAL, "Object 'Kind' is missing in protobuf envelope");
	else if (!(desc = ck_protobuf_lookup(av, kind)))
		err = fail(c, -ENOENT, "no kind \"%s\" is registered for version \"%s\"", kind, av);
	json_object *obj = NULL;
	if (err == 0) {
		obj = json_object_new_object();
		json_object_object_add(obj, "kind", json_object_new_string(kind));
		json_object_object_add(obj, "apiVersion", json_object_new_string(av));
		err = decode_fields(c, desc, raw, raw_len, obj);
	}
	free(av);
	free(kind);
	if (err < 0) {
		json_object_put(obj);
		return err;
	}
	*ret = obj;
	return 0;
}

int ck_protobuf_decode_object(const void *data, size_t len, json_object **ret, char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	tables();
	return decode_envelope(&c, data, len, ret);
}

/* ---- watch streams (application/vnd.kubernetes.protobuf;stream=watch) ---- */

static const char *const watch_event_types[] = { "ADDED", "MODIFIED", "DELETED", "BOOKMARK",
						 "ERROR" };

int ck_protobuf_encode_watch_event(const char *type, json_object *obj, struct ck_buf *out,
				   char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	struct ck_buf env, ext, ev;
	ck_buf_init(&env, out->max);
	ck_buf_init(&ext, out->max);
	ck_buf_init(&ev, out->max);
	size_t start = out->len;
	/* WatchEvent {1 type, 2 object: RawExtension {1 raw: the enveloped object}} */
	int err = ck_protobuf_encode_object(obj, &env, ret_err);
	if (err == 0)
		err = put_bytes(&ext, 1, env.data ? env.data : "", env.len);
	if (err == 0)
		err = put_bytes(&ev, 1, type, strlen(type));
	if (err == 0)
		err = put_bytes(&ev, 2, ext.data, ext.len);
	if (err == 0 && ev.len > UINT32_MAX)
		err = fail(&c, -E2BIG, "encoded object is too large");
	if (err == 0) {
		uint8_t len[4] = { (uint8_t)(ev.len >> 24), (uint8_t)(ev.len >> 16),
				   (uint8_t)(ev.len >> 8), (uint8_t)ev.len };
		if ((err = ck_buf_add(out, len, sizeof(len))) == 0)
			err = ck_buf_add(out, ev.data, ev.len);
		if (err < 0) {
			ck_buf_truncate(out, start);
			fail(&c, err, "encoded object is too large");
		}
	} else if (err == -E2BIG) {
		fail(&c, err, "encoded object is too large");
	}
	ck_buf_release(&env);
	ck_buf_release(&ext);
	ck_buf_release(&ev);
	return err;
}

int ck_protobuf_decode_watch_event(const void *data, size_t len, size_t *ret_used, char **ret_type,
				   json_object **ret_obj, char **ret_err)
{
	struct ctx c = { ret_err, false, 0 };
	const uint8_t *p = data;
	tables();
	if (len < 4)
		return -EAGAIN;
	size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (len - 4 < n)
		return -EAGAIN;
	struct small_msg ev, ext;
	int err = read_small(&c, p + 4, n, 2, 0, &ev);
	if (err == 0)
		err = read_small(&c, ev.data[2] ? ev.data[2] : (const uint8_t *)"", ev.len[2], 1, 0,
				 &ext);
	if (err < 0)
		return err;
	const char *type = NULL;
	for (size_t i = 0; i < CK_ARRAY_SIZE(watch_event_types) && !type; i++)
		if (ev.len[1] == strlen(watch_event_types[i]) &&
		    memcmp(ev.data[1], watch_event_types[i], ev.len[1]) == 0)
			type = watch_event_types[i];
	if (!type) {
		char shown[64];
		size_t k = ev.len[1] < sizeof(shown) - 1 ? ev.len[1] : sizeof(shown) - 1;
		for (size_t i = 0; i < k; i++)
			shown[i] = ev.data[1][i] >= 0x20 && ev.data[1][i] < 0x7f
				       ? (char)ev.data[1][i]
				       : '?';
		shown[k] = '\0';
		return fail(&c, -EINVAL, "got invalid watch event type: %s", shown);
	}
	json_object *obj = NULL;
	if ((err = decode_envelope(&c, ext.data[1] ? ext.data[1] : (const uint8_t *)"", ext.len[1],
				   &obj)) < 0)
		return err;
	*ret_used = 4 + n;
	*ret_type = ck_strdup(type);
	*ret_obj = obj;
	return 0;
}

/* ---- the tables, for the schema model (protobuf_int.h) ---- */

const ProtobufCMessageDescriptor *const *ck_protobuf_messages(size_t *ret_n)
{
	tables();
	*ret_n = n_by_name;
	return by_name;
}

const ProtobufCMessageDescriptor *ck_protobuf_message(const char *full_name)
{
	tables();
	return find_message(full_name);
}

enum ck_pb_form ck_protobuf_form(const ProtobufCMessageDescriptor *d)
{
	tables();
	switch (special_of(d)) {
	case SPECIAL_NONE:
		return CK_PB_FORM_OBJECT;
	case SPECIAL_TIME:
		return CK_PB_FORM_TIME;
	case SPECIAL_MICROTIME:
		return CK_PB_FORM_MICROTIME;
	case SPECIAL_DURATION:
		return CK_PB_FORM_DURATION;
	case SPECIAL_QUANTITY:
		return CK_PB_FORM_QUANTITY;
	case SPECIAL_INTSTR:
		return CK_PB_FORM_INT_OR_STRING;
	case SPECIAL_ARRAY:
		return CK_PB_FORM_ARRAY;
	default:
		return CK_PB_FORM_ANY;
	}
}

bool ck_protobuf_is_kind(const ProtobufCMessageDescriptor *d)
{
	return is_kind(d);
}

const char *ck_protobuf_json_name(const ProtobufCFieldDescriptor *fd)
{
	tables();
	return json_name(fd);
}

bool ck_protobuf_field_inline(const ProtobufCFieldDescriptor *fd)
{
	tables();
	return has_prop(fd, PROP_INLINE);
}

bool ck_protobuf_field_is_map(const ProtobufCFieldDescriptor *fd,
			      const ProtobufCMessageDescriptor *parent)
{
	return is_map_entry(fd, parent);
}
