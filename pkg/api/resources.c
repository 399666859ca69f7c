#include "api/resources.h"

#include <string.h>

#include "apimachinery/quantity.h"
#include "util/str.h"

bool ck_api_resource_is_native(const char *name)
{
	return ck_streq(name, "cpu") || ck_streq(name, "memory") ||
	       ck_streq(name, "ephemeral-storage") || ck_streq(name, "pods");
}

static int64_t *scalar_slot(struct ck_api_resources *r, const char *name)
{
	for (int i = 0; i < r->n_scalar; i++)
		if (ck_streq(r->scalar[i].name, name))
			return &r->scalar[i].value;
	if (r->n_scalar == CK_API_MAX_SCALAR || strlen(name) >= CK_API_SCALAR_NAME_MAX)
		return NULL;
	struct ck_api_scalar *s = &r->scalar[r->n_scalar++];
	memcpy(s->name, name, strlen(name) + 1);
	s->value = 0;
	return &s->value;
}

int64_t ck_api_resources_scalar(const struct ck_api_resources *r, const char *name)
{
	for (int i = 0; i < r->n_scalar; i++)
		if (ck_streq(r->scalar[i].name, name))
			return r->scalar[i].value;
	return 0;
}

/* The slot a resource name adds into; NULL for one beyond the scalar limit. */
static int64_t *slot(struct ck_api_resources *r, const char *name)
{
	if (ck_streq(name, "cpu"))
		return &r->milli_cpu;
	if (ck_streq(name, "memory"))
		return &r->memory;
	if (ck_streq(name, "ephemeral-storage"))
		return &r->ephemeral_storage;
	if (ck_streq(name, "pods"))
		return &r->pods;
	return scalar_slot(r, name);
}

static int64_t value_of(const char *name, json_object *v)
{
	struct ck_quantity q;
	int64_t out = 0;
	if (ck_quantity_from_json(v, &q) < 0)
		return 0;
	if (ck_streq(name, "cpu")) {
		if (ck_quantity_milli_value(&q, &out) < 0)
			return 0;
	} else if (ck_quantity_value(&q, &out) < 0) {
		return 0;
	}
	return out;
}

void ck_api_resources_add_list(struct ck_api_resources *r, json_object *list)
{
	if (!list || !json_object_is_type(list, json_type_object))
		return;
	json_object_object_foreach (list, name, v) {
		int64_t *s = slot(r, name);
		if (s)
			*s += value_of(name, v);
	}
}

typedef int64_t (*combine_fn)(int64_t a, int64_t b);

static int64_t op_add(int64_t a, int64_t b)
{
	return a + b;
}
static int64_t op_sub(int64_t a, int64_t b)
{
	return a - b;
}
static int64_t op_max(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static void combine(struct ck_api_resources *r, const struct ck_api_resources *o, combine_fn fn)
{
	r->milli_cpu = fn(r->milli_cpu, o->milli_cpu);
	r->memory = fn(r->memory, o->memory);
	r->ephemeral_storage = fn(r->ephemeral_storage, o->ephemeral_storage);
	r->pods = fn(r->pods, o->pods);
	for (int i = 0; i < o->n_scalar; i++) {
		int64_t *s = scalar_slot(r, o->scalar[i].name);
		if (s)
			*s = fn(*s, o->scalar[i].value);
	}
}

void ck_api_resources_add(struct ck_api_resources *r, const struct ck_api_resources *o)
{
	combine(r, o, op_add);
}

void ck_api_resources_sub(struct ck_api_resources *r, const struct ck_api_resources *o)
{
	combine(r, o, op_sub);
}

void ck_api_resources_max(struct ck_api_resources *r, const struct ck_api_resources *o)
{
	combine(r, o, op_max);
}

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

/* One container's requests (limits stand in for missing requests), plain and non-zero. */
static void container_requests(json_object *c, struct ck_api_resources *ret,
			       struct ck_api_resources *ret_nz)
{
	json_object *res = field(c, "resources");
	json_object *req = field(res, "requests"), *lim = field(res, "limits");
	memset(ret, 0, sizeof(*ret));
	ck_api_resources_add_list(ret, req);
	/* Upstream defaults requests from limits on create; do it for objects that missed it. */
	if (lim && json_object_is_type(lim, json_type_object)) {
		json_object_object_foreach (lim, name, v) {
			if (field(req, name))
				continue;
			int64_t *s = slot(ret, name);
			if (s)
				*s += value_of(name, v);
		}
	}
	*ret_nz = *ret;
	if (!field(req, "cpu") && !field(lim, "cpu"))
		ret_nz->milli_cpu = CK_API_DEFAULT_MILLI_CPU_REQUEST;
	if (!field(req, "memory") && !field(lim, "memory"))
		ret_nz->memory = CK_API_DEFAULT_MEMORY_REQUEST;
}

void ck_api_pod_requests(json_object *pod, struct ck_api_resources *ret,
			 struct ck_api_resources *ret_non_zero)
{
	/* index 0: plain, 1: non-zero */
	struct ck_api_resources sum[2], init_max[2], restartable[2], c[2];
	memset(sum, 0, sizeof(sum));
	memset(init_max, 0, sizeof(init_max));
	memset(restartable, 0, sizeof(restartable));
	json_object *spec = field(pod, "spec");
	json_object *cs = field(spec, "containers");
	for (size_t i = 0;
	     cs && json_object_is_type(cs, json_type_array) && i < json_object_array_length(cs);
	     i++) {
		container_requests(json_object_array_get_idx(cs, i), &c[0], &c[1]);
		for (int k = 0; k < 2; k++)
			ck_api_resources_add(&sum[k], &c[k]);
	}
	json_object *ics = field(spec, "initContainers");
	for (size_t i = 0;
	     ics && json_object_is_type(ics, json_type_array) && i < json_object_array_length(ics);
	     i++) {
		json_object *ic = json_object_array_get_idx(ics, i);
		const char *rp = json_object_get_string(field(ic, "restartPolicy"));
		container_requests(ic, &c[0], &c[1]);
		for (int k = 0; k < 2; k++) {
			if (rp && ck_streq(rp, "Always")) {
				ck_api_resources_add(&sum[k], &c[k]);
				ck_api_resources_add(&restartable[k], &c[k]);
				c[k] = restartable[k];
			} else {
				ck_api_resources_add(&c[k], &restartable[k]);
			}
			ck_api_resources_max(&init_max[k], &c[k]);
		}
	}
	for (int k = 0; k < 2; k++) {
		ck_api_resources_max(&sum[k], &init_max[k]);
		ck_api_resources_add_list(&sum[k], field(spec, "overhead"));
		sum[k].pods = 1;
	}
	*ret = sum[0];
	if (ret_non_zero)
		*ret_non_zero = sum[1];
}

void ck_api_node_allocatable(json_object *node, struct ck_api_resources *ret)
{
	json_object *status = field(node, "status");
	json_object *alloc = field(status, "allocatable");
	memset(ret, 0, sizeof(*ret));
	ck_api_resources_add_list(ret, alloc ? alloc : field(status, "capacity"));
}
