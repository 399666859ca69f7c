/*
 * kubectl's genericDescriber, for every kind without a describer of its
 * own: Name, Namespace, Labels, Annotations, then the rest of the object as
 * a tree of "Smart Label:\tvalue" lines (printUnstructuredContent, with
 * smartLabelFor's camel-case splitting), then the events. And the
 * PriorityClass describer, which is as short.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/json_write.h"

/* Go's strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v prints. */
static void go_float(struct ck_buf *b, double f)
{
	char e[64];
	int prec = 0;
	/* the shortest digits that read back as f */
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, f);
		if (strtod(e, NULL) == f)
			break;
	}
	char *exp_at = strchr(e, 'e');
	if (!exp_at) { /* inf, nan */
		ck_buf_adds(b, f > 0 ? "+Inf" : f < 0 ? "-Inf" : "NaN");
		return;
	}
	int exp = (int)strtol(exp_at + 1, NULL, 10);
	*exp_at = '\0';
	char digits[32];
	size_t nd = 0;
	bool neg = e[0] == '-';
	for (const char *p = e; *p; p++)
		if (isdigit((unsigned char)*p))
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (neg)
		ck_buf_adds(b, "-");
	if (exp < -4 || exp >= 6) {
		ck_buf_addf(b, "%c", digits[0]);
		if (nd > 1)
			ck_buf_addf(b, ".%s", digits + 1);
		ck_buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		ck_buf_addf(b, "0.%0*d%s", -exp - 1, 0, digits);
	} else if ((size_t)exp + 1 >= nd) {
		ck_buf_addf(b, "%s%0*d", digits, (int)((size_t)exp + 1 - nd), 0);
	} else {
		ck_buf_addf(b, "%.*s.%s", exp + 1, digits, digits + exp + 1);
	}
}

/* Go's fmt %v of a value decoded from JSON into interface{} (maps as map[k:v]). */
static void go_value(struct ck_buf *b, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		ck_buf_adds(b, "<nil>");
		break;
	case json_type_boolean:
		ck_buf_adds(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
		ck_buf_addf(b, "%lld", (long long)json_object_get_int64(v));
		break;
	case json_type_double:
		go_float(b, json_object_get_double(v));
		break;
	case json_type_string:
		ck_buf_adds(b, json_object_get_string(v));
		break;
	case json_type_array:
		ck_buf_adds(b, "[");
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i)
				ck_buf_adds(b, " ");
			go_value(b, json_object_array_get_idx(v, i));
		}
		ck_buf_adds(b, "]");
		break;
	case json_type_object: {
		size_t n;
		const char **keys = ck_json_sorted_keys(v, &n);
		ck_buf_adds(b, "map[");
		for (size_t i = 0; i < n; i++) {
			ck_buf_addf(b, "%s%s:", i ? " " : "", keys[i]);
			go_value(b, json_object_object_get(v, keys[i]));
		}
		ck_buf_adds(b, "]");
		free(keys);
		break;
	}
	}
}

/* camelcase.Split's classes: lower, upper, digit, other. */
static int char_class(char c)
{
	return islower((unsigned char)c)   ? 1
	       : isupper((unsigned char)c) ? 2
	       : isdigit((unsigned char)c) ? 3
					   : 4;
}

/*
 * smartLabelFor: "apiVersion" → "API Version", "creationTimestamp" →
 * "Creation Timestamp"; names with characters other than letters and '-'
 * stay as they are.
 */
static char *smart_label(const char *field)
{
	for (const char *p = field; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '-')
			return ck_strdup(field);
	/* split into runs of one class; an upper run followed by a lower one gives it its last
	 * letter */
	size_t n = strlen(field);
	size_t *start = ck_calloc(n + 2, sizeof(*start));
	size_t runs = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || char_class(field[i]) != char_class(field[i - 1]))
			start[runs++] = i;
	start[runs] = n;
	for (size_t r = 0; r + 1 < runs; r++)
		if (char_class(field[start[r]]) == 2 && char_class(field[start[r + 1]]) == 1)
			start[r + 1]--;
	static const char *const acronyms[] = { "API", "URL", "UID", "OSB", "GUID" };
	struct ck_buf b = CK_BUF_INIT;
	bool first = true;
	for (size_t r = 0; r < runs; r++) {
		size_t len = start[r + 1] - start[r];
		if (len == 0)
			continue;
		char part[256];
		snprintf(part, sizeof(part), "%.*s", (int)len, field + start[r]);
		char upper[256];
		for (size_t i = 0; i <= strlen(part); i++)
			upper[i] = (char)toupper((unsigned char)part[i]);
		bool acronym = false;
		for (size_t a = 0; a < CK_ARRAY_SIZE(acronyms); a++)
			acronym |= ck_streq(upper, acronyms[a]);
		if (acronym)
			snprintf(part, sizeof(part), "%s", upper);
		else
			part[0] = (char)toupper((unsigned char)part[0]);
		ck_buf_addf(&b, "%s%s", first ? "" : " ", part);
		first = false;
	}
	free(start);
	return ck_buf_detach(&b, NULL);
}

static const char *const skipped[] = { ".metadata.managedFields", ".metadata.name",
				       ".metadata.namespace", ".metadata.labels",
				       ".metadata.annotations" };

static bool is_skipped(const char *path)
{
	for (size_t i = 0; i < CK_ARRAY_SIZE(skipped); i++)
		if (ck_streq(path, skipped[i]))
			return true;
	return false;
}

/* printUnstructuredContent at a level (two spaces each) under the path prefix. */
static void print_content(struct ck_tabwriter *w, int level, json_object *content,
			  const char *prefix)
{
	size_t n;
	const char **keys = ck_json_sorted_keys(content, &n);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_object_get(content, keys[i]);
		struct ck_buf path = CK_BUF_INIT;
		ck_buf_addf(&path, "%s.%s", prefix, keys[i]);
		if (is_skipped(ck_buf_str(&path))) {
			ck_buf_release(&path);
			continue;
		}
		char *label = smart_label(keys[i]);
		json_type t = json_object_get_type(v);
		if (t == json_type_object) {
			ck_tabwriter_printf(w, "%*s%s:\n", level * 2, "", label);
			print_content(w, level + 1, v, ck_buf_str(&path));
		} else if (t == json_type_array) {
			ck_tabwriter_printf(w, "%*s%s:\n", level * 2, "", label);
			for (size_t j = 0; j < json_object_array_length(v); j++) {
				json_object *child = json_object_array_get_idx(v, j);
				if (json_object_is_type(child, json_type_object)) {
					print_content(w, level + 1, child, ck_buf_str(&path));
				} else {
					struct ck_buf b = CK_BUF_INIT;
					go_value(&b, child);
					ck_tabwriter_printf(w, "%*s%s\n", (level + 1) * 2, "",
							    ck_buf_str(&b));
					ck_buf_release(&b);
				}
			}
		} else {
			struct ck_buf b = CK_BUF_INIT;
			go_value(&b, v);
			ck_tabwriter_printf(w, "%*s%s:\t%s\n", level * 2, "", label,
					    ck_buf_str(&b));
			ck_buf_release(&b);
		}
		free(label);
		ck_buf_release(&path);
	}
	free(keys);
}

int ck_describe_generic(struct ck_describe *d, json_object *obj)
{
	ck_tabwriter_printf(d->w, "Name:\t%s\n", ck_obj_name(obj));
	ck_tabwriter_printf(d->w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(obj, "metadata.namespace", ""));
	ck_describe_labels(d->w, "Labels", ck_obj_labels(obj));
	ck_describe_annotations(d->w, "Annotations", ck_obj_annotations(obj));
	print_content(d->w, 0, obj, "");
	return ck_describe_events(d, obj);
}

int ck_describe_priorityclass(struct ck_describe *d, json_object *pc)
{
	ck_tabwriter_printf(d->w, "Name:\t%s\n", ck_obj_name(pc));
	ck_tabwriter_printf(d->w, "Value:\t%lld\n", (long long)ck_describe_int(pc, "value"));
	ck_tabwriter_printf(d->w, "GlobalDefault:\t%s\n",
			    ck_describe_bool(pc, "globalDefault") ? "true" : "false");
	ck_tabwriter_printf(d->w, "PreemptionPolicy:\t%s\n",
			    ck_obj_path_str_or(pc, "preemptionPolicy", ""));
	ck_tabwriter_printf(d->w, "Description:\t%s\n", ck_obj_path_str_or(pc, "description", ""));
	char *annotations = ck_describe_format_labels(ck_obj_annotations(pc));
	ck_tabwriter_printf(d->w, "Annotations:\t%s\n", annotations);
	free(annotations);
	return ck_describe_events(d, pc);
}
