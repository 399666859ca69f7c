/*
 * kubectl describe of namespaces with their quotas and limit ranges, and
 * of limitranges, resourcequotas, secrets, serviceaccounts, endpoints and
 * (cluster) role bindings (upstream's describeNamespace,
 * DescribeResourceQuotas, DescribeLimitRanges, describeQuota,
 * describeLimitRange, describeSecret, describeServiceAccount,
 * describeEndpoints, RoleBindingDescriber).
 * Where kubectl walks a Go map (a limit's resources, a secret's data) the
 * order is random there and sorted here.
 */
#include <stdlib.h>
#include <string.h>

#include "apimachinery/quantity.h"
#include "kubectl/describe_int.h"
#include "util/str.h"
#include "util/json_write.h"

/* helpTextForResourceQuotaScope (static; "" for other scopes). */
static const char *scope_help(const char *scope)
{
	static const char *const help[][2] = {
		{ "Terminating",
		  "Matches all pods that have an active deadline. These pods have a "
		  "limited lifespan on a node before being actively terminated by the "
		  "system." },
		{ "NotTerminating",
		  "Matches all pods that do not have an active deadline. These pods "
		  "usually include long running pods whose container command is "
		  "not expected to terminate." },
		{ "BestEffort",
		  "Matches all pods that do not have resource requirements set. These "
		  "pods have a best effort quality of service." },
		{ "NotBestEffort",
		  "Matches all pods that have at least one resource requirement set. "
		  "These pods have a burstable or guaranteed quality of service." },
	};
	for (size_t i = 0; i < CK_ARRAY_SIZE(help); i++)
		if (ck_streq(help[i][0], scope))
			return help[i][1];
	return "";
}

/* A quota's scopes, sorted, with their help lines (indent: "  " in a namespace). */
static void describe_scopes(struct ck_tabwriter *w, json_object *quota, const char *indent,
			    const char *help_prefix)
{
	json_object *scopes = ck_obj_path(quota, "spec.scopes");
	size_t n = ck_obj_array_len(scopes);
	if (n == 0)
		return;
	const char **v = ck_calloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = json_object_get_string(json_object_array_get_idx(scopes, i));
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	ck_tabwriter_printf(w, "%sScopes:\t", indent);
	for (size_t i = 0; i < n; i++)
		ck_tabwriter_printf(w, "%s%s", i ? ", " : "", v[i]);
	ck_tabwriter_printf(w, "\n");
	for (size_t i = 0; i < n; i++)
		if (scope_help(v[i])[0])
			ck_tabwriter_printf(w, "%s%s\n", help_prefix, scope_help(v[i]));
	free(v);
}

/* describeLimitRangeSpec: a row per limit and resource, "-" where unset. */
static void describe_limits(struct ck_tabwriter *w, json_object *lr, const char *prefix)
{
	static const char *const columns[] = { "min", "max", "defaultRequest", "default",
					       "maxLimitRequestRatio" };
	json_object *limits = ck_obj_path(lr, "spec.limits");
	for (size_t i = 0; i < ck_obj_array_len(limits); i++) {
		json_object *item = json_object_array_get_idx(limits, i);
		json_object *names = json_object_new_object();
		for (size_t c = 0; c < CK_ARRAY_SIZE(columns); c++) {
			json_object *m = ck_obj_get(item, columns[c]);
			if (m && json_object_is_type(m, json_type_object)) {
				json_object_object_foreach (m, key, val) {
					(void)val;
					json_object_object_add(names, key, NULL);
				}
			}
		}
		size_t n;
		const char **keys = ck_json_sorted_keys(names, &n);
		for (size_t k = 0; k < n; k++) {
			ck_tabwriter_printf(w, "%s%s\t%s", prefix,
					    ck_obj_path_str_or(item, "type", ""), keys[k]);
			for (size_t c = 0; c < CK_ARRAY_SIZE(columns); c++) {
				json_object *m = ck_obj_get(item, columns[c]);
				char *q = ck_obj_get(m, keys[k]) ? ck_describe_quantity(m, keys[k])
								 : ck_strdup("-");
				ck_tabwriter_printf(w, "\t%s", q);
				free(q);
			}
			ck_tabwriter_printf(w, "\n");
		}
		free(keys);
		json_object_put(names);
	}
}

static const char *const limit_header =
    "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n";
static const char *const limit_rule =
    "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n";

/* Lists a namespace's objects of a core resource into *ret (owned). */
static int list_core(struct ck_describe *d, const char *resource, const char *ns, json_object **ret)
{
	struct ck_gvr gvr = { "", "v1", resource };
	struct ck_client_list_options lo = { .limit = 500 };
	return ck_client_list(d->c, &gvr, ns, &lo, ret, d->err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(ck_obj_name(*(json_object *const *)a), ck_obj_name(*(json_object *const *)b));
}

int ck_describe_namespace(struct ck_describe *d, json_object *ns)
{
	struct ck_tabwriter *w = d->w;
	const char *name = ck_obj_name(ns);
	json_object *quotas = NULL, *limits = NULL;
	int r = list_core(d, "resourcequotas", name, &quotas);
	if (r < 0 || (r = list_core(d, "limitranges", name, &limits)) < 0) {
		json_object_put(quotas);
		return r;
	}
	ck_tabwriter_printf(w, "Name:\t%s\n", name);
	ck_describe_labels(w, "Labels", ck_obj_labels(ns));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(ns));
	ck_tabwriter_printf(w, "Status:\t%s\n", ck_obj_path_str_or(ns, "status.phase", ""));
	json_object *conds = ck_obj_path(ns, "status.conditions");
	if (ck_obj_array_len(conds))
		ck_tabwriter_printf(
		    w, "Conditions:\n  Type\tStatus\tLastTransitionTime\tReason\t"
		       "Message\n  ----\t------\t------------------\t------\t-------\n");
	for (size_t i = 0; i < ck_obj_array_len(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		char t[CK_DESCRIBE_TIME_BUF];
		ck_describe_time(ck_obj_path_str(c, "lastTransitionTime"), t);
		ck_tabwriter_printf(w, "  %s\t%s\t%s\t%s\t%s\n", ck_obj_path_str_or(c, "type", ""),
				    ck_obj_path_str_or(c, "status", ""), t,
				    ck_obj_path_str_or(c, "reason", ""),
				    ck_obj_path_str_or(c, "message", ""));
	}
	/* DescribeResourceQuotas: sorted by name */
	json_object *items = ck_obj_get(quotas, "items");
	size_t n = ck_obj_array_len(items);
	json_object **v = ck_calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_object_array_get_idx(items, i);
	qsort(v, n, sizeof(*v), cmp_names);
	ck_tabwriter_printf(w, "\n%s\n", n ? "Resource Quotas" : "No resource quota.");
	for (size_t i = 0; i < n; i++) {
		ck_tabwriter_printf(w, "  Name:\t%s\n", ck_obj_name(v[i]));
		describe_scopes(w, v[i], "  ", "  * ");
		ck_tabwriter_printf(w, "  Resource\tUsed\tHard\n  --------\t---\t---\n");
		json_object *hard = ck_obj_path(v[i], "status.hard");
		json_object *used = ck_obj_path(v[i], "status.used");
		size_t nk;
		const char **keys = ck_json_sorted_keys(hard, &nk);
		for (size_t j = 0; j < nk; j++) {
			char *u = ck_describe_quantity(used, keys[j]);
			char *h = ck_describe_quantity(hard, keys[j]);
			ck_tabwriter_printf(w, "  %s\t%s\t%s\n", keys[j], u, h);
			free(u);
			free(h);
		}
		free(keys);
	}
	free(v);
	items = ck_obj_get(limits, "items");
	if (ck_obj_array_len(items)) {
		ck_tabwriter_printf(w, "\nResource Limits\n %s %s", limit_header, limit_rule);
		for (size_t i = 0; i < ck_obj_array_len(items); i++)
			describe_limits(w, json_object_array_get_idx(items, i), " ");
	} else {
		ck_tabwriter_printf(w, "\nNo LimitRange resource.\n");
	}
	json_object_put(quotas);
	json_object_put(limits);
	return 0;
}

int ck_describe_limitrange(struct ck_describe *d, json_object *lr)
{
	ck_tabwriter_printf(d->w, "Name:\t%s\n", ck_obj_name(lr));
	ck_tabwriter_printf(d->w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(lr, "metadata.namespace", ""));
	ck_tabwriter_printf(d->w, "%s%s", limit_header, limit_rule);
	describe_limits(d->w, lr, "");
	return 0;
}

int ck_describe_resourcequota(struct ck_describe *d, json_object *quota)
{
	struct ck_tabwriter *w = d->w;
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(quota));
	ck_tabwriter_printf(w, "Namespace:\t%s\n",
			    ck_obj_path_str_or(quota, "metadata.namespace", ""));
	describe_scopes(w, quota, "", " * ");
	ck_tabwriter_printf(w, "Resource\tUsed\tHard\n--------\t----\t----\n");
	json_object *hard = ck_obj_path(quota, "status.hard");
	json_object *used = ck_obj_path(quota, "status.used");
	size_t n;
	const char **keys = ck_json_sorted_keys(hard, &n);
	for (size_t i = 0; i < n; i++) {
		struct ck_quantity h, u;
		char hs[CK_QUANTITY_STR_MAX], us[CK_QUANTITY_STR_MAX];
		if (ck_quantity_from_json(ck_obj_get(hard, keys[i]), &h) < 0)
			ck_quantity_init_int64(&h, 0, CK_QUANTITY_DECIMAL_SI);
		if (ck_quantity_from_json(ck_obj_get(used, keys[i]), &u) < 0)
			ck_quantity_init_int64(&u, 0, CK_QUANTITY_FORMAT_NONE);
		/* the used amount in the hard limit's format */
		if (ck_quantity_get_format(&h) != ck_quantity_get_format(&u)) {
			int64_t value = 0;
			ck_quantity_value(&u, &value);
			ck_quantity_init_int64(&u, value, ck_quantity_get_format(&h));
		}
		ck_quantity_snprint(&h, hs, sizeof(hs));
		ck_quantity_snprint(&u, us, sizeof(us));
		ck_tabwriter_printf(w, "%s\t%s\t%s\n", keys[i], us, hs);
	}
	free(keys);
	return 0;
}

int ck_describe_secret(struct ck_describe *d, json_object *secret)
{
	ck_describe_meta(d, secret);
	const char *type = ck_obj_path_str_or(secret, "type", "");
	ck_tabwriter_printf(d->w, "\nType:\t%s\n\nData\n====\n", type);
	json_object *data = ck_obj_get(secret, "data");
	size_t n;
	const char **keys = ck_json_sorted_keys(data, &n);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		char *value = ck_base64_decode(
		    json_object_get_string(json_object_object_get(data, keys[i])), &len);
		if (ck_streq(keys[i], "token") &&
		    ck_streq(type, "kubernetes.io/service-account-token"))
			ck_tabwriter_printf(d->w, "%s:\t%.*s\n", keys[i], (int)len,
					    value ? value : "");
		else
			ck_tabwriter_printf(d->w, "%s:\t%zu bytes\n", keys[i], len);
		free(value);
	}
	free(keys);
	return 0;
}

/* Whether list (a SecretList) holds a secret named name. */
static bool has_secret(json_object *list, const char *name)
{
	json_object *items = ck_obj_get(list, "items");
	for (size_t i = 0; i < ck_obj_array_len(items); i++)
		if (ck_streq(ck_obj_name(json_object_array_get_idx(items, i)), name))
			return true;
	return false;
}

/* One "Header\tname" group of describeServiceAccount; names are the "name" fields of refs. */
static void secret_names(struct ck_tabwriter *w, const char *header, json_object *refs,
			 json_object *secrets)
{
	size_t n = ck_obj_array_len(refs);
	if (n == 0)
		ck_tabwriter_printf(w, "%s\t<none>\n", header);
	for (size_t i = 0; i < n; i++) {
		json_object *ref = json_object_array_get_idx(refs, i);
		const char *name =
		    ck_obj_path_str_or(ref, "name", ck_obj_path_str_or(ref, "metadata.name", ""));
		bool missing = secrets && !has_secret(secrets, name);
		ck_tabwriter_printf(w, "%s\t%s%s\n", i ? "                   " : header, name,
				    missing ? " (not found)" : "");
	}
}

int ck_describe_serviceaccount(struct ck_describe *d, json_object *sa)
{
	/* errors are tolerated: the secrets are then described as they are referenced */
	json_object *secrets = NULL;
	struct ck_client_error *saved = d->err, serr;
	ck_client_error_init(&serr);
	d->err = &serr;
	if (list_core(d, "secrets", ck_obj_namespace(sa), &secrets) < 0)
		secrets = NULL;
	d->err = saved;
	ck_client_error_release(&serr);
	json_object *tokens = json_object_new_array();
	json_object *items = ck_obj_get(secrets, "items");
	for (size_t i = 0; i < ck_obj_array_len(items); i++) {
		json_object *s = json_object_array_get_idx(items, i);
		json_object *a = ck_obj_annotations(s);
		json_object *an = ck_obj_get(a, "kubernetes.io/service-account.name");
		json_object *au = ck_obj_get(a, "kubernetes.io/service-account.uid");
		if (ck_streq(ck_obj_path_str_or(s, "type", ""),
			     "kubernetes.io/service-account-token") &&
		    an && au && ck_streq(json_object_get_string(an), ck_obj_name(sa)) &&
		    ck_streq(json_object_get_string(au), ck_obj_uid(sa)))
			json_object_array_add(tokens, json_object_get(s));
	}
	ck_describe_meta(d, sa);
	secret_names(d->w, "Image pull secrets:", ck_obj_get(sa, "imagePullSecrets"), secrets);
	secret_names(d->w, "Mountable secrets: ", ck_obj_get(sa, "secrets"), secrets);
	secret_names(d->w, "Tokens:            ", tokens, NULL);
	json_object_put(tokens);
	json_object_put(secrets);
	return ck_describe_events(d, sa);
}

int ck_describe_endpoints(struct ck_describe *d, json_object *ep)
{
	struct ck_tabwriter *w = d->w;
	ck_describe_meta(d, ep);
	ck_tabwriter_printf(w, "Subsets:\n");
	json_object *subsets = ck_obj_get(ep, "subsets");
	for (size_t i = 0; i < ck_obj_array_len(subsets); i++) {
		json_object *ss = json_object_array_get_idx(subsets, i);
		static const char *const fields[] = { "addresses", "notReadyAddresses" };
		static const char *const titles[] = { "Addresses", "NotReadyAddresses" };
		for (size_t f = 0; f < 2; f++) {
			json_object *addrs = ck_obj_get(ss, fields[f]);
			ck_tabwriter_printf(w, "  %s:\t", titles[f]);
			for (size_t a = 0; a < ck_obj_array_len(addrs); a++)
				ck_tabwriter_printf(
				    w, "%s%s", a ? "," : "",
				    ck_obj_path_str_or(json_object_array_get_idx(addrs, a), "ip",
						       ""));
			ck_tabwriter_printf(w, "%s\n", ck_obj_array_len(addrs) ? "" : "<none>");
		}
		json_object *ports = ck_obj_get(ss, "ports");
		if (ck_obj_array_len(ports))
			ck_tabwriter_printf(w, "  Ports:\n    Name\tPort\tProtocol\n"
					       "    ----\t----\t--------\n");
		for (size_t p = 0; p < ck_obj_array_len(ports); p++) {
			json_object *port = json_object_array_get_idx(ports, p);
			const char *name = ck_obj_path_str_or(port, "name", "");
			ck_tabwriter_printf(w, "    %s\t%lld\t%s\n", name[0] ? name : "<unset>",
					    (long long)ck_describe_int(port, "port"),
					    ck_obj_path_str_or(port, "protocol", ""));
		}
		ck_tabwriter_printf(w, "\n");
	}
	return ck_describe_events(d, ep);
}

/* RoleBinding and ClusterRoleBinding: the role and the subjects. */
int ck_describe_rolebinding(struct ck_describe *d, json_object *binding)
{
	struct ck_tabwriter *w = d->w;
	ck_tabwriter_printf(w, "Name:\t%s\n", ck_obj_name(binding));
	ck_describe_labels(w, "Labels", ck_obj_labels(binding));
	ck_describe_annotations(w, "Annotations", ck_obj_annotations(binding));
	ck_tabwriter_printf(w, "Role:\n  Kind:\t%s\n  Name:\t%s\n",
			    ck_obj_path_str_or(binding, "roleRef.kind", ""),
			    ck_obj_path_str_or(binding, "roleRef.name", ""));
	ck_tabwriter_printf(w, "Subjects:\n  Kind\tName\tNamespace\n  ----\t----\t---------\n");
	json_object *subjects = ck_obj_get(binding, "subjects");
	for (size_t i = 0; i < ck_obj_array_len(subjects); i++) {
		json_object *s = json_object_array_get_idx(subjects, i);
		ck_tabwriter_printf(w, "  %s\t%s\t%s\n", ck_obj_path_str_or(s, "kind", ""),
				    ck_obj_path_str_or(s, "name", ""),
				    ck_obj_path_str_or(s, "namespace", ""));
	}
	return 0;
}
