#include "client/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apimachinery/object.h"
#include "apimachinery/yaml.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/str.h"

/* Largest kubeconfig or credential file read. */
#define MAX_CONFIG_FILE (16u * 1024 * 1024)

/* ---- small helpers ------------------------------------------------------------ */

static char *fmt_err(const char *fmt, ...) CK_PRINTF(1, 2);
static char *fmt_err(const char *fmt, ...)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return ck_buf_detach(&b, NULL);
}

static void set_err(char **ret_err, char *msg)
{
	if (ret_err)
		*ret_err = msg;
	else
		free(msg);
}

/* strerror as Go prints syscall errors: lowercase first letter. */
static const char *go_strerror(int err, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* Reads a whole file; 0 or a negative errno. */
static int read_file(const char *path, struct ck_buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -errno;
	int r = 0;
	ck_buf_init(out, MAX_CONFIG_FILE);
	for (;;) {
		if ((r = ck_buf_grow(out, 65536)) < 0)
			break;
		ssize_t n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	close(fd);
	if (r < 0)
		ck_buf_release(out);
	return r;
}

static bool str_set(const char *s)
{
	return s && *s;
}

static char *dup_or_null(const char *s)
{
	return str_set(s) ? ck_strdup(s) : NULL;
}

/* Go's strings.TrimSpace for ASCII: a trimmed copy (owned). */
static char *trim_space(const char *s)
{
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	return ck_strndup(s, n);
}

/* ---- ck_client_config ----------------------------------------------------------- */

void ck_client_config_init(struct ck_client_config *c)
{
	memset(c, 0, sizeof(*c));
}

void ck_client_config_release(struct ck_client_config *c)
{
	if (!c)
		return;
	free(c->host);
	free(c->tls_server_name);
	free(c->ca_file);
	free(c->ca_data);
	free(c->cert_file);
	free(c->cert_data);
	free(c->key_file);
	if (c->key_data) {
		memset(c->key_data, 0, c->key_data_len);
		free(c->key_data);
	}
	free(c->bearer_token);
	free(c->bearer_token_file);
	free(c->username);
	free(c->password);
	free(c->user_agent);
	ck_client_config_init(c);
}

static char *dup_bytes(const char *p, size_t n)
{
	if (!p)
		return NULL;
	char *d = ck_malloc(n + 1);
	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

void ck_client_config_copy(struct ck_client_config *dst, const struct ck_client_config *src)
{
	*dst = *src;
	dst->host = src->host ? ck_strdup(src->host) : NULL;
	dst->tls_server_name = src->tls_server_name ? ck_strdup(src->tls_server_name) : NULL;
	dst->ca_file = src->ca_file ? ck_strdup(src->ca_file) : NULL;
	dst->ca_data = dup_bytes(src->ca_data, src->ca_data_len);
	dst->cert_file = src->cert_file ? ck_strdup(src->cert_file) : NULL;
	dst->cert_data = dup_bytes(src->cert_data, src->cert_data_len);
	dst->key_file = src->key_file ? ck_strdup(src->key_file) : NULL;
	dst->key_data = dup_bytes(src->key_data, src->key_data_len);
	dst->bearer_token = src->bearer_token ? ck_strdup(src->bearer_token) : NULL;
	dst->bearer_token_file = src->bearer_token_file ? ck_strdup(src->bearer_token_file) : NULL;
	dst->username = src->username ? ck_strdup(src->username) : NULL;
	dst->password = src->password ? ck_strdup(src->password) : NULL;
	dst->user_agent = src->user_agent ? ck_strdup(src->user_agent) : NULL;
}

/* ---- paths ------------------------------------------------------------------------ */

/* Lexically cleans an absolute path (filepath.Clean): no ".", "..", "//". Owned. */
static char *clean_path(const char *path)
{
	char **parts = ck_str_split(path, '/', 0);
	size_t n = ck_strv_len(parts), k = 0;
	char **keep = ck_calloc(n + 1, sizeof(*keep));
	for (size_t i = 0; i < n; i++) {
		if (!*parts[i] || strcmp(parts[i], ".") == 0)
			continue;
		if (strcmp(parts[i], "..") == 0) {
			if (k > 0)
				k--;
			continue;
		}
		keep[k++] = parts[i];
	}
	struct ck_buf b;
	ck_buf_init(&b, 0);
	for (size_t i = 0; i < k; i++) {
		ck_buf_addc(&b, '/');
		ck_buf_adds(&b, keep[i]);
	}
	if (k == 0)
		ck_buf_addc(&b, '/');
	free(keep);
	ck_strv_free(parts);
	return ck_buf_detach(&b, NULL);
}

/* The absolute directory of a file path (owned). */
static char *abs_dir(const char *file)
{
	struct ck_buf b;
	ck_buf_init(&b, 0);
	if (file[0] != '/') {
		char cwd[4096];
		if (getcwd(cwd, sizeof(cwd)))
			ck_buf_adds(&b, cwd);
		ck_buf_addc(&b, '/');
	}
	ck_buf_adds(&b, file);
	char *full = ck_buf_detach(&b, NULL);
	char *clean = clean_path(full);
	free(full);
	char *slash = strrchr(clean, '/');
	if (slash == clean)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return clean;
}

/* filepath.Join(base, path) for a relative path; owned. */
static char *resolve_path(const char *base, const char *path)
{
	size_t n = strlen(base) + strlen(path) + 2;
	char *joined = ck_malloc(n);
	snprintf(joined, n, "%s/%s", base, path);
	char *clean = clean_path(joined);
	free(joined);
	return clean;
}

/* Makes the string field of obj an absolute path relative to base. */
static void resolve_field(json_object *obj, const char *field, const char *base)
{
	json_object *v = NULL;
	if (!base || !json_object_object_get_ex(obj, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return;
	const char *p = json_object_get_string(v);
	if (!*p || p[0] == '/')
		return;
	char *abs = resolve_path(base, p);
	json_object_object_add(obj, field, json_object_new_string(abs));
	free(abs);
}

/* ---- one file -------------------------------------------------------------------- */

struct kfile {
	char *path;	  /* NULL for text parsed without a file */
	json_object *doc; /* as read (normalised shape); NULL when missing */
};

static const struct section {
	const char *list;  /* "clusters" */
	const char *inner; /* "cluster" */
} sections[] = {
	{ "clusters", "cluster" },
	{ "users", "user" },
	{ "contexts", "context" },
};

static const char *const path_fields[][4] = {
	{ "certificate-authority", NULL },
	{ "client-certificate", "client-key", "tokenFile", NULL },
	{ NULL },
};

/*
 * Checks the shape of a decoded kubeconfig and normalises it: a JSON object
 * whose sections are arrays of {name, <inner>: {...}}. 0 or -EINVAL with a
 * reason in why.
 */
static int check_shape(json_object *doc, char *why, size_t size)
{
	if (!json_object_is_type(doc, json_type_object)) {
		snprintf(why, size, "a kubeconfig must be a mapping");
		return -EINVAL;
	}
	json_object *cc = NULL;
	if (json_object_object_get_ex(doc, "current-context", &cc) && cc &&
	    !json_object_is_type(cc, json_type_string)) {
		snprintf(why, size, "current-context: expected a string");
		return -EINVAL;
	}
	for (size_t s = 0; s < CK_ARRAY_SIZE(sections); s++) {
		json_object *list = NULL;
		if (!json_object_object_get_ex(doc, sections[s].list, &list) || !list)
			continue;
		if (!json_object_is_type(list, json_type_array)) {
			snprintf(why, size, "%s: expected a list", sections[s].list);
			return -EINVAL;
		}
		size_t n = json_object_array_length(list);
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(list, i), *name = NULL,
				    *inner = NULL;
			if (!json_object_is_type(e, json_type_object) ||
			    !json_object_object_get_ex(e, "name", &name) ||
			    !json_object_is_type(name, json_type_string)) {
				snprintf(why, size, "%s[%zu]: expected an entry with a name",
					 sections[s].list, i);
				return -EINVAL;
			}
			if (json_object_object_get_ex(e, sections[s].inner, &inner) && inner &&
			    !json_object_is_type(inner, json_type_object)) {
				snprintf(why, size, "%s[%zu].%s: expected a mapping",
					 sections[s].list, i, sections[s].inner);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Parses one file's text; *ret_doc (owned) is an object (empty for empty text). */
static int parse_doc(const char *data, size_t len, const char *origin, json_object **ret_doc,
		     char **ret_err)
{
	json_object *doc = NULL;
	char *yerr = NULL;
	char why[256];
	if (ck_yaml_decode(data, len, 0, &doc, &yerr) < 0) {
		set_err(ret_err, fmt_err("error loading config file \"%s\": %s",
					 origin ? origin : "", yerr ? yerr : "invalid YAML"));
		free(yerr);
		return -EINVAL;
	}
	if (!doc)
		doc = json_object_new_object();
	if (check_shape(doc, why, sizeof(why)) < 0) {
		set_err(ret_err,
			fmt_err("error loading config file \"%s\": %s", origin ? origin : "", why));
		json_object_put(doc);
		return -EINVAL;
	}
	*ret_doc = doc;
	return 0;
}

/* ---- the merged config -------------------------------------------------------------- */

struct ck_kubeconfig {
	struct kfile *files;
	size_t nfiles;
	bool explicit_file;
	json_object *merged;
	/* Which file each merged entry came from: "<section>\n<name>" -> path (borrowed). */
	json_object *origins;
	const char *current_context_origin;
};

void ck_kubeconfig_free(struct ck_kubeconfig *kc)
{
	if (!kc)
		return;
	for (size_t i = 0; i < kc->nfiles; i++) {
		free(kc->files[i].path);
		json_object_put(kc->files[i].doc);
	}
	free(kc->files);
	json_object_put(kc->merged);
	json_object_put(kc->origins);
	free(kc);
}

static int cmp_entry(const void *a, const void *b)
{
	json_object *ea = *(json_object *const *)a, *eb = *(json_object *const *)b;
	json_object *na = NULL, *nb = NULL;
	json_object_object_get_ex(ea, "name", &na);
	json_object_object_get_ex(eb, "name", &nb);
	return strcmp(json_object_get_string(na), json_object_get_string(nb));
}

/* Merges the files (first definition of a name wins) into kc->merged. */
static void merge(struct ck_kubeconfig *kc)
{
	kc->merged = json_object_new_object();
	kc->origins = json_object_new_object();
	json_object_object_add(kc->merged, "kind", json_object_new_string("Config"));
	json_object_object_add(kc->merged, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(kc->merged, "preferences", json_object_new_object());
	for (size_t s = 0; s < CK_ARRAY_SIZE(sections); s++) {
		/* name -> entry, filled file by file; within a file the last entry wins. */
		json_object *byname = json_object_new_object();
		for (size_t f = 0; f < kc->nfiles; f++) {
			json_object *list = NULL;
			if (!kc->files[f].doc ||
			    !json_object_object_get_ex(kc->files[f].doc, sections[s].list, &list) ||
			    !list)
				continue;
			json_object *mine = json_object_new_object();
			size_t n = json_object_array_length(list);
			for (size_t i = 0; i < n; i++) {
				json_object *e = json_object_array_get_idx(list, i), *name = NULL;
				json_object_object_get_ex(e, "name", &name);
				json_object_object_add(mine, json_object_get_string(name),
						       json_object_get(e));
			}
			char *base = kc->files[f].path ? abs_dir(kc->files[f].path) : NULL;
			json_object_object_foreach (mine, name, e) {
				if (json_object_object_get_ex(byname, name, NULL))
					continue;
				json_object *copy = json_object_new_object();
				json_object *inner = NULL;
				json_object_object_add(copy, "name", json_object_new_string(name));
				json_object_object_get_ex(e, sections[s].inner, &inner);
				inner = inner ? ck_obj_copy(inner) : json_object_new_object();
				for (size_t p = 0; path_fields[s][p]; p++)
					resolve_field(inner, path_fields[s][p], base);
				json_object_object_add(copy, sections[s].inner, inner);
				json_object_object_add(byname, name, copy);
				if (kc->files[f].path) {
					char okey[600];
					snprintf(okey, sizeof(okey), "%s\n%s", sections[s].list,
						 name);
					json_object_object_add(
					    kc->origins, okey,
					    json_object_new_string(kc->files[f].path));
				}
			}
			free(base);
			json_object_put(mine);
		}
		size_t count = (size_t)json_object_object_length(byname), i = 0;
		json_object **entries = ck_calloc(count ? count : 1, sizeof(*entries));
		json_object_object_foreach (byname, k, v) {
			(void)k;
			entries[i++] = v;
		}
		qsort(entries, count, sizeof(*entries), cmp_entry);
		json_object *arr = json_object_new_array();
		for (i = 0; i < count; i++)
			json_object_array_add(arr, json_object_get(entries[i]));
		free(entries);
		json_object_put(byname);
		json_object_object_add(kc->merged, sections[s].list, arr);
	}
	const char *current = "";
	for (size_t f = 0; f < kc->nfiles; f++) {
		json_object *cc = NULL;
		if (kc->files[f].doc &&
		    json_object_object_get_ex(kc->files[f].doc, "current-context", &cc) &&
		    json_object_is_type(cc, json_type_string) && *json_object_get_string(cc)) {
			current = json_object_get_string(cc);
			kc->current_context_origin = kc->files[f].path;
			break;
		}
	}
	json_object_object_add(kc->merged, "current-context", json_object_new_string(current));
}

static void add_file(struct ck_kubeconfig *kc, const char *path, json_object *doc)
{
	kc->files = ck_realloc(kc->files, (kc->nfiles + 1) * sizeof(*kc->files));
	kc->files[kc->nfiles].path = path ? ck_strdup(path) : NULL;
	kc->files[kc->nfiles].doc = doc;
	kc->nfiles++;
}

int ck_kubeconfig_parse(const char *data, size_t len, const char *origin,
			struct ck_kubeconfig **ret, char **ret_err)
{
	json_object *doc;
	int r = parse_doc(data, len, origin, &doc, ret_err);
	if (r < 0)
		return r;
	struct ck_kubeconfig *kc = ck_calloc(1, sizeof(*kc));
	add_file(kc, origin, doc);
	merge(kc);
	*ret = kc;
	return 0;
}

/* Loads one file into kc; missing files are recorded (doc NULL) unless must_exist. */
static int load_file(struct ck_kubeconfig *kc, const char *path, bool must_exist, char **ret_err)
{
	struct ck_buf b;
	int r = read_file(path, &b);
	if (r == -ENOENT && !must_exist) {
		add_file(kc, path, NULL);
		return 0;
	}
	if (r < 0) {
		set_err(ret_err, fmt_err("unable to read kubeconfig '%s': %s", path, strerror(-r)));
		return r;
	}
	json_object *doc;
	r = parse_doc(ck_buf_str(&b), b.len, path, &doc, ret_err);
	ck_buf_release(&b);
	if (r < 0)
		return r;
	add_file(kc, path, doc);
	return 0;
}

int ck_kubeconfig_load(const struct ck_kubeconfig_loading_rules *rules, struct ck_kubeconfig **ret,
		       char **ret_err)
{
	struct ck_kubeconfig_loading_rules none = { 0 };
	if (!rules)
		rules = &none;
	struct ck_kubeconfig *kc = ck_calloc(1, sizeof(*kc));
	int r = 0;
	if (str_set(rules->explicit_path)) {
		kc->explicit_file = true;
		r = load_file(kc, rules->explicit_path, true, ret_err);
		goto out;
	}
	const char *env = rules->kubeconfig_env ? rules->kubeconfig_env : getenv("KUBECONFIG");
	if (str_set(env)) {
		char **paths = ck_str_split(env, ':', 0);
		for (size_t i = 0; paths[i] && r == 0; i++) {
			if (!*paths[i])
				continue;
			bool dup = false;
			for (size_t j = 0; j < kc->nfiles; j++)
				dup = dup || ck_streq(kc->files[j].path, paths[i]);
			if (!dup)
				r = load_file(kc, paths[i], false, ret_err);
		}
		ck_strv_free(paths);
		goto out;
	}
	const char *home = rules->home ? rules->home : getenv("HOME");
	if (str_set(home)) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/.kube/config", home);
		r = load_file(kc, path, false, ret_err);
	}
out:
	if (r < 0) {
		ck_kubeconfig_free(kc);
		return r;
	}
	merge(kc);
	*ret = kc;
	return 0;
}

json_object *ck_kubeconfig_merged(const struct ck_kubeconfig *kc)
{
	return kc->merged;
}

const char *ck_kubeconfig_current_context(const struct ck_kubeconfig *kc)
{
	json_object *cc = NULL;
	json_object_object_get_ex(kc->merged, "current-context", &cc);
	return cc ? json_object_get_string(cc) : "";
}

static json_object *find_entry(const struct ck_kubeconfig *kc, size_t s, const char *name)
{
	json_object *list = NULL;
	if (!name || !json_object_object_get_ex(kc->merged, sections[s].list, &list))
		return NULL;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i), *nm = NULL, *inner = NULL;
		json_object_object_get_ex(e, "name", &nm);
		if (strcmp(json_object_get_string(nm), name) == 0) {
			json_object_object_get_ex(e, sections[s].inner, &inner);
			return inner;
		}
	}
	return NULL;
}

json_object *ck_kubeconfig_cluster(const struct ck_kubeconfig *kc, const char *name)
{
	return find_entry(kc, 0, name);
}

json_object *ck_kubeconfig_user(const struct ck_kubeconfig *kc, const char *name)
{
	return find_entry(kc, 1, name);
}

json_object *ck_kubeconfig_context(const struct ck_kubeconfig *kc, const char *name)
{
	return find_entry(kc, 2, name);
}

size_t ck_kubeconfig_nfiles(const struct ck_kubeconfig *kc)
{
	return kc->nfiles;
}

const char *ck_kubeconfig_file(const struct ck_kubeconfig *kc, size_t i)
{
	return i < kc->nfiles ? kc->files[i].path : NULL;
}

json_object *ck_kubeconfig_file_json(const struct ck_kubeconfig *kc, size_t i)
{
	return i < kc->nfiles ? kc->files[i].doc : NULL;
}

const char *ck_kubeconfig_origin(const struct ck_kubeconfig *kc, const char *section,
				 const char *name)
{
	if (ck_streq(section, "current-context"))
		return kc->current_context_origin;
	char okey[600];
	snprintf(okey, sizeof(okey), "%s\n%s", section, name ? name : "");
	json_object *v = NULL;
	if (!json_object_object_get_ex(kc->origins, okey, &v))
		return NULL;
	return json_object_get_string(v);
}

const char *ck_kubeconfig_default_filename(const struct ck_kubeconfig *kc)
{
	if (kc->nfiles == 0)
		return NULL;
	if (kc->explicit_file)
		return kc->files[0].path;
	for (size_t i = 0; i < kc->nfiles; i++)
		if (kc->files[i].doc)
			return kc->files[i].path;
	return kc->files[0].path;
}

/* ---- client config from a context -------------------------------------------------- */

static const char *field_str(json_object *obj, const char *field)
{
	json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool field_bool(json_object *obj, const char *field)
{
	json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, field, &v))
		return false;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return false;
}

/* base64 field into bytes (owned); -EINVAL for bad base64. */
static int field_b64(json_object *obj, const char *field, char **ret, size_t *ret_len)
{
	const char *s = field_str(obj, field);
	*ret = NULL;
	*ret_len = 0;
	if (!str_set(s))
		return 0;
	size_t n;
	void *bytes = ck_base64_decode(s, &n);
	if (!bytes)
		return -EINVAL;
	*ret = dup_bytes(bytes, n);
	*ret_len = n;
	free(bytes);
	return 0;
}

struct errlist {
	struct ck_buf b;
	int n;
};

static void add_error(struct errlist *el, const char *fmt, ...) CK_PRINTF(2, 3);
static void add_error(struct errlist *el, const char *fmt, ...)
{
	if (el->n++ > 0)
		ck_buf_adds(&el->b, ", ");
	va_list ap;
	va_start(ap, fmt);
	ck_buf_vaddf(&el->b, fmt, ap);
	va_end(ap);
}

static void check_readable(struct errlist *el, const char *what, const char *path,
			   const char *owner)
{
	if (!str_set(path))
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		char eb[128];
		add_error(el, "unable to read %s %s for %s due to open %s: %s", what, path, owner,
			  path, go_strerror(errno, eb, sizeof(eb)));
		return;
	}
	close(fd);
}

/* Reads a token file, trimmed (owned); NULL and errno on failure. */
static char *read_token(const char *path, int *ret_errno)
{
	struct ck_buf b;
	int r = read_file(path, &b);
	if (r < 0) {
		*ret_errno = -r;
		return NULL;
	}
	char *tok = trim_space(ck_buf_str(&b));
	ck_buf_release(&b);
	return tok;
}

int ck_kubeconfig_client_config(const struct ck_kubeconfig *kc,
				const struct ck_kubeconfig_overrides *o,
				struct ck_client_config *ret, char **ret_namespace,
				bool *ret_namespace_explicit, char **ret_err)
{
	struct ck_kubeconfig_overrides none = { 0 };
	if (!o)
		o = &none;
	struct errlist el;
	ck_buf_init(&el.b, 0);
	el.n = 0;
	struct ck_client_config c;
	ck_client_config_init(&c);
	int r = 0;

	const char *context_name =
	    str_set(o->context) ? o->context : ck_kubeconfig_current_context(kc);
	json_object *context = ck_kubeconfig_context(kc, context_name);
	const char *user_name = str_set(o->user) ? o->user : field_str(context, "user");
	const char *cluster_name = str_set(o->cluster) ? o->cluster : field_str(context, "cluster");
	json_object *user = ck_kubeconfig_user(kc, user_name);
	json_object *cluster = ck_kubeconfig_cluster(kc, cluster_name);

	/* getAuthInfo / getCluster: a name given on the command line must exist. */
	if (str_set(o->user) && !user) {
		set_err(ret_err, fmt_err("auth info \"%s\" does not exist", o->user));
		r = -EINVAL;
		goto out;
	}
	if (str_set(o->cluster) && !cluster) {
		set_err(ret_err, fmt_err("cluster \"%s\" does not exist", o->cluster));
		r = -EINVAL;
		goto out;
	}

	/* The cluster: defaults, then the kubeconfig's, then the overrides. */
	const char *server = field_str(cluster, "server");
	if (!str_set(server))
		server = o->default_server;
	if (str_set(o->server))
		server = o->server;
	c.host = dup_or_null(server);
	c.tls_server_name = dup_or_null(field_str(cluster, "tls-server-name"));
	c.insecure = field_bool(cluster, "insecure-skip-tls-verify");
	c.ca_file = dup_or_null(field_str(cluster, "certificate-authority"));
	if (field_b64(cluster, "certificate-authority-data", &c.ca_data, &c.ca_data_len) < 0)
		add_error(&el, "certificate-authority-data for %s is not valid base64",
			  cluster_name ? cluster_name : "");
	if (o->insecure_skip_tls_verify == 1 || str_set(o->certificate_authority)) {
		c.insecure = o->insecure_skip_tls_verify == 1;
		free(c.ca_file);
		c.ca_file = dup_or_null(o->certificate_authority);
		free(c.ca_data);
		c.ca_data = NULL;
		c.ca_data_len = 0;
	}
	if (str_set(o->tls_server_name) || str_set(o->server)) {
		free(c.tls_server_name);
		c.tls_server_name = dup_or_null(o->tls_server_name);
	}

	/* The user. */
	c.cert_file = dup_or_null(field_str(user, "client-certificate"));
	c.key_file = dup_or_null(field_str(user, "client-key"));
	if (field_b64(user, "client-certificate-data", &c.cert_data, &c.cert_data_len) < 0 ||
	    field_b64(user, "client-key-data", &c.key_data, &c.key_data_len) < 0)
		add_error(&el, "client certificate data for %s is not valid base64",
			  user_name ? user_name : "");
	if (str_set(o->client_certificate)) {
		free(c.cert_file);
		c.cert_file = ck_strdup(o->client_certificate);
		free(c.cert_data);
		c.cert_data = NULL;
		c.cert_data_len = 0;
	}
	if (str_set(o->client_key)) {
		free(c.key_file);
		c.key_file = ck_strdup(o->client_key);
		free(c.key_data);
		c.key_data = NULL;
		c.key_data_len = 0;
	}
	const char *token = field_str(user, "token");
	const char *token_file = field_str(user, "tokenFile");
	if (str_set(o->token)) {
		token = o->token;
		token_file = NULL;
	}
	if (str_set(token)) {
		c.bearer_token = ck_strdup(token);
		c.bearer_token_file = dup_or_null(token_file);
	} else if (str_set(token_file)) {
		int e = 0;
		c.bearer_token = read_token(token_file, &e);
		if (!c.bearer_token) {
			char eb[128];
			set_err(ret_err,
				fmt_err("open %s: %s", token_file, go_strerror(e, eb, sizeof(eb))));
			r = -e;
			goto out;
		}
		c.bearer_token_file = ck_strdup(token_file);
	}
	c.username = dup_or_null(str_set(o->username) ? o->username : field_str(user, "username"));
	c.password = dup_or_null(str_set(o->password) ? o->password : field_str(user, "password"));

	/* ConfirmUsable. */
	if (str_set(context_name) && !context)
		add_error(&el, "context was not found for specified context: %s", context_name);
	const char *uname = user_name ? user_name : "";
	if ((c.cert_file || c.cert_data) && !(c.key_file || c.key_data))
		add_error(&el,
			  "client-key-data or client-key must be specified for %s to use the "
			  "clientCert authentication method.",
			  uname);
	if ((c.key_file || c.key_data) && !(c.cert_file || c.cert_data))
		add_error(&el,
			  "client-cert-data or client-cert must be specified for %s to use the "
			  "clientCert authentication method.",
			  uname);
	if (!c.cert_data)
		check_readable(&el, "client-cert", c.cert_file, uname);
	if (!c.key_data)
		check_readable(&el, "client-key", c.key_file, uname);
	const char *cname = cluster_name ? cluster_name : "";
	bool empty_cluster =
	    !c.host && !c.ca_file && !c.ca_data && !c.insecure && !c.tls_server_name;
	if (empty_cluster) {
		if (el.n == 0)
			add_error(&el, "no configuration has been provided, try setting "
				       "KUBERNETES_MASTER environment variable");
		else
			add_error(&el, "cluster has no server defined");
	} else {
		if (!c.host) {
			if (!*cname)
				add_error(&el, "default cluster has no server defined");
			else
				add_error(&el, "no server found for cluster \"%s\"", cname);
		}
		if (!c.ca_data)
			check_readable(&el, "certificate-authority", c.ca_file, cname);
	}
	if (el.n > 0) {
		set_err(ret_err, ck_buf_detach(&el.b, NULL));
		r = -EINVAL;
		goto out;
	}
	if (ret_namespace) {
		const char *ns =
		    str_set(o->namespace) ? o->namespace : field_str(context, "namespace");
		*ret_namespace = ck_strdup(str_set(ns) ? ns : "default");
	}
	if (ret_namespace_explicit)
		*ret_namespace_explicit = str_set(o->namespace);
	*ret = c;
	ck_client_config_init(&c);
out:
	ck_buf_release(&el.b);
	ck_client_config_release(&c);
	return r;
}

/* ---- in-cluster ----------------------------------------------------------------------- */

static void default_paths(const struct ck_in_cluster_paths *p, struct ck_in_cluster_paths *out)
{
	out->token_file =
	    p && str_set(p->token_file) ? p->token_file : CK_SERVICE_ACCOUNT_DIR "/token";
	out->ca_file = p && str_set(p->ca_file) ? p->ca_file : CK_SERVICE_ACCOUNT_DIR "/ca.crt";
	out->namespace_file = p && str_set(p->namespace_file) ? p->namespace_file
							      : CK_SERVICE_ACCOUNT_DIR "/namespace";
}

bool ck_in_cluster_possible(const struct ck_in_cluster_paths *paths)
{
	struct ck_in_cluster_paths p;
	default_paths(paths, &p);
	struct stat st;
	return str_set(getenv("KUBERNETES_SERVICE_HOST")) &&
	       str_set(getenv("KUBERNETES_SERVICE_PORT")) && stat(p.token_file, &st) == 0;
}

int ck_client_config_in_cluster(const struct ck_in_cluster_paths *paths,
				struct ck_client_config *ret, char **ret_namespace, char **ret_err)
{
	struct ck_in_cluster_paths p;
	default_paths(paths, &p);
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	if (!str_set(host) || !str_set(port)) {
		set_err(ret_err, ck_strdup("unable to load in-cluster configuration, "
					   "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
					   "must be defined"));
		return -ENXIO;
	}
	int e = 0;
	char *token = read_token(p.token_file, &e);
	if (!token) {
		char eb[128];
		set_err(ret_err,
			fmt_err("open %s: %s", p.token_file, go_strerror(e, eb, sizeof(eb))));
		return -e;
	}
	struct ck_client_config c;
	ck_client_config_init(&c);
	/* net.JoinHostPort: brackets around an IPv6 literal. */
	char url[512];
	if (strchr(host, ':'))
		snprintf(url, sizeof(url), "https://[%s]:%s", host, port);
	else
		snprintf(url, sizeof(url), "https://%s:%s", host, port);
	c.host = ck_strdup(url);
	c.bearer_token = token;
	c.bearer_token_file = ck_strdup(p.token_file);
	if (access(p.ca_file, R_OK) == 0)
		c.ca_file = ck_strdup(p.ca_file);
	if (ret_namespace) {
		const char *env_ns = getenv("POD_NAMESPACE");
		char *ns = NULL;
		if (str_set(env_ns)) {
			ns = ck_strdup(env_ns);
		} else {
			struct ck_buf b;
			if (read_file(p.namespace_file, &b) == 0) {
				ns = trim_space(ck_buf_str(&b));
				ck_buf_release(&b);
				if (!*ns)
					ck_free(&ns);
			}
		}
		*ret_namespace = ns ? ns : ck_strdup("default");
	}
	*ret = c;
	return 0;
}

/* ---- deferred loading ------------------------------------------------------------------ */

/* Whether the kubeconfig and overrides give nothing of their own (isDefaultConfig). */
static bool nothing_configured(const struct ck_kubeconfig *kc,
			       const struct ck_kubeconfig_overrides *o)
{
	if (o && (str_set(o->context) || str_set(o->cluster) || str_set(o->user) ||
		  str_set(o->server) || str_set(o->token) || str_set(o->certificate_authority) ||
		  str_set(o->client_certificate) || str_set(o->client_key)))
		return false;
	if (*ck_kubeconfig_current_context(kc))
		return false;
	for (size_t s = 0; s < CK_ARRAY_SIZE(sections); s++) {
		json_object *list = NULL;
		json_object_object_get_ex(kc->merged, sections[s].list, &list);
		if (list && json_object_array_length(list) > 0)
			return false;
	}
	return true;
}

int ck_client_config_load(const struct ck_kubeconfig_loading_rules *rules,
			  const struct ck_kubeconfig_overrides *o,
			  const struct ck_in_cluster_paths *paths, struct ck_client_config *ret,
			  char **ret_namespace, bool *ret_namespace_explicit, char **ret_err)
{
	struct ck_kubeconfig *kc = NULL;
	int r = ck_kubeconfig_load(rules, &kc, ret_err);
	if (r < 0)
		return r;
	if (nothing_configured(kc, o) && ck_in_cluster_possible(paths)) {
		ck_kubeconfig_free(kc);
		char *ns = NULL;
		r = ck_client_config_in_cluster(paths, ret, &ns, ret_err);
		if (r < 0)
			return r;
		bool explicit_ns = o && str_set(o->namespace);
		if (explicit_ns) {
			free(ns);
			ns = ck_strdup(o->namespace);
		}
		if (ret_namespace)
			*ret_namespace = ns;
		else
			free(ns);
		if (ret_namespace_explicit)
			*ret_namespace_explicit = explicit_ns;
		return 0;
	}
	r = ck_kubeconfig_client_config(kc, o, ret, ret_namespace, ret_namespace_explicit, ret_err);
	ck_kubeconfig_free(kc);
	return r;
}
