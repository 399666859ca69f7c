/*
 * Node selectors and node affinity (upstream component-helpers
 * scheduling/corev1/nodeaffinity), compiled once per pod version into
 * compact structs and matched against a node's labels and name.
 *
 *  - A requirement (matchExpressions) is key + operator In, NotIn, Exists,
 *    DoesNotExist, Gt or Lt (integer values); matchFields knows only
 *    metadata.name with In or NotIn. A requirement that does not parse
 *    matches nothing (upstream: the term is dropped, and an error is kept).
 *  - A term is the AND of its requirements; a term without any matches
 *    nothing. A NodeSelector is the OR of its terms; none: nothing.
 *  - A pod's required affinity is spec.nodeSelector (every key equal) AND
 *    requiredDuringSchedulingIgnoredDuringExecution.
 */
#ifndef CK_API_NODE_AFFINITY_H
#define CK_API_NODE_AFFINITY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ck_api_ns_op {
	CK_NS_OP_IN,
	CK_NS_OP_NOT_IN,
	CK_NS_OP_EXISTS,
	CK_NS_OP_DOES_NOT_EXIST,
	CK_NS_OP_GT,
	CK_NS_OP_LT,
	CK_NS_OP_INVALID,
};

struct ck_api_ns_requirement {
	char *key;
	enum ck_api_ns_op op;
	char **values;	/* NULL-terminated; NULL when none */
	int64_t number; /* Gt/Lt */
};

struct ck_api_ns_term {
	struct ck_api_ns_requirement *exprs;
	size_t n_exprs;
	struct ck_api_ns_requirement *fields;
	size_t n_fields;
};

struct ck_api_preferred_term {
	int32_t weight;
	struct ck_api_ns_term term;
};

/* A pod's node constraints, owned by the struct. */
struct ck_api_node_affinity {
	json_object *node_selector;	 /* spec.nodeSelector (copy), NULL when none */
	bool has_required;		 /* requiredDuringScheduling... is set */
	struct ck_api_ns_term *required; /* its terms (ORed) */
	size_t n_required;
	struct ck_api_preferred_term *preferred;
	size_t n_preferred;
};

/* Compiles pod's spec.nodeSelector and spec.affinity.nodeAffinity into *ret (initialised here). */
void ck_api_node_affinity_from_pod(json_object *pod, struct ck_api_node_affinity *ret);
void ck_api_node_affinity_release(struct ck_api_node_affinity *a);

/* A term against labels (a node's metadata.labels; borrowed, may be NULL) and its name. */
bool ck_api_ns_term_matches(const struct ck_api_ns_term *t, json_object *labels,
			    const char *node_name);
/* Upstream's RequiredNodeAffinity.Match: nodeSelector and the required terms. */
bool ck_api_node_affinity_required_matches(const struct ck_api_node_affinity *a,
					   json_object *labels, const char *node_name);
/* Sum of the weights of the preferred terms the node matches. */
int64_t ck_api_node_affinity_preferred_score(const struct ck_api_node_affinity *a,
					     json_object *labels, const char *node_name);

/* Compiles one NodeSelectorTerm (borrowed) into *ret (initialised here). */
void ck_api_ns_term_from_json(json_object *term, struct ck_api_ns_term *ret);
void ck_api_ns_term_release(struct ck_api_ns_term *t);

#endif
