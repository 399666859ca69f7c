/*
 * Label selectors, as upstream's k8s.io/apimachinery pkg/labels (Parse,
 * Selector.String/Matches/Empty/RequiresExactMatch, SelectorFromSet) and
 * metav1.LabelSelectorAsSelector, v1.30.
 *
 * A selector is an AND of requirements, kept sorted by key (stable: equal
 * keys keep their order), so String() is canonical:
 *
 *   "x in (abc,def),y notin (jkl),z"  "a=b,c!=d,!e"  "n>1,m<7"
 *
 * Two selectors are special, as upstream's Everything() and Nothing():
 * the empty selector (no requirements) matches every label set and prints
 * as ""; the nothing selector matches none and also prints as "". A NULL
 * LabelSelector object gives nothing; an empty one ({}) gives everything.
 *
 * Labels to match are a json-c object mapping keys to strings (an object's
 * metadata.labels); NULL or a non-object means no labels. A value that is
 * not a string compares as its JSON text (null as "").
 *
 * Errors: functions that can fail return 0 or a negative errno (-EINVAL for
 * bad input) and, when ret_err is not NULL, set *ret_err to upstream's error
 * message, which the caller owns and frees. Out-parameters are written only
 * on success (except *ret_err, written only on failure).
 *
 * Selectors are plain heap objects with one owner: not reference counted,
 * and safe to read from several threads at once.
 */
#ifndef CK_APIMACHINERY_LABELS_H
#define CK_APIMACHINERY_LABELS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Upstream's selection.Operator values a label requirement can have. */
enum ck_label_op {
	CK_LABEL_OP_IN,		    /* "in"  */
	CK_LABEL_OP_NOT_IN,	    /* "notin" */
	CK_LABEL_OP_EQUALS,	    /* "="  */
	CK_LABEL_OP_DOUBLE_EQUALS,  /* "==" */
	CK_LABEL_OP_NOT_EQUALS,	    /* "!=" */
	CK_LABEL_OP_EXISTS,	    /* "exists": a bare key */
	CK_LABEL_OP_DOES_NOT_EXIST, /* "!": !key */
	CK_LABEL_OP_GREATER_THAN,   /* "gt": key>n */
	CK_LABEL_OP_LESS_THAN,	    /* "lt": key<n */
};

/*
 * One requirement, read-only for callers. values holds n_values strings
 * (NULL when there are none). A parsed selector's values are sorted and
 * unique; values from a LabelSelector object or ck_label_selector_add()
 * keep the order given (String() prints them sorted all the same).
 */
struct ck_label_requirement {
	char *key;
	enum ck_label_op op;
	char **values;
	size_t n_values;
};

struct ck_label_selector;

/*
 * Parses the string form (upstream labels.Parse); "" and NULL give the
 * empty (everything) selector. Keys must be qualified names and values
 * label values; gt/lt values must be integers. On success *ret is a new
 * selector the caller owns (ck_label_selector_free).
 */
int ck_label_selector_parse(const char *s, struct ck_label_selector **ret, char **ret_err);

/*
 * Converts a metav1.LabelSelector object ({"matchLabels": {...},
 * "matchExpressions": [{"key","operator","values"}]}) as upstream's
 * LabelSelectorAsSelector: NULL (or JSON null) gives nothing, no
 * matchLabels and no matchExpressions give everything. Operators In and
 * NotIn need values, Exists and DoesNotExist must have none. The object is
 * borrowed, not modified. *ret is owned by the caller.
 */
int ck_label_selector_from_json(json_object *label_selector, struct ck_label_selector **ret,
				char **ret_err);

/*
 * An equality selector (key=value for every entry) from a labels map, as
 * upstream's SelectorFromSet: not validated; NULL or {} gives everything.
 * Returns a new selector the caller owns; never NULL.
 */
struct ck_label_selector *ck_labels_selector_from_set(json_object *set);

/* New everything / nothing selectors; the caller owns them; never NULL. */
struct ck_label_selector *ck_label_selector_everything(void);
struct ck_label_selector *ck_label_selector_nothing(void);

/* Frees sel and everything it holds; NULL-safe. */
void ck_label_selector_free(struct ck_label_selector *sel);

/*
 * Adds one requirement (upstream NewRequirement then Selector.Add): checks
 * key, operator and values as upstream does, copies them, and keeps the
 * requirements sorted. Adding to a nothing selector does nothing. values
 * are borrowed. 0 or -EINVAL (sel unchanged).
 */
int ck_label_selector_add(struct ck_label_selector *sel, const char *key, enum ck_label_op op,
			  const char *const *values, size_t n_values, char **ret_err);

/* Whether labels (borrowed; may be NULL) satisfy every requirement. */
bool ck_label_selector_matches(const struct ck_label_selector *sel, json_object *labels);

/* True for the everything selector (no requirements); false for nothing. */
bool ck_label_selector_empty(const struct ck_label_selector *sel);
/* True only for the nothing selector (upstream MatchesNothing). */
bool ck_label_selector_matches_nothing(const struct ck_label_selector *sel);

/* The canonical string form; the caller owns it (never NULL). */
char *ck_label_selector_string(const struct ck_label_selector *sel);

/*
 * Upstream RequiresExactMatch: whether the first requirement on key is
 * key=v, key==v or key in (v) with a single value; *ret_value (may be NULL)
 * then points into sel (borrowed, valid while sel lives).
 */
bool ck_label_selector_requires_exact_match(const struct ck_label_selector *sel, const char *key,
					    const char **ret_value);

/* The requirements, in order; borrowed from sel. */
size_t ck_label_selector_count(const struct ck_label_selector *sel);
const struct ck_label_requirement *
ck_label_selector_requirement(const struct ck_label_selector *sel, size_t i);

/* The operator's name as upstream's selection.Operator ("in", "!=", "gt", ...); static. */
const char *ck_label_op_name(enum ck_label_op op);

#endif
