/*
 * YAML <-> JSON as upstream does it: decoding is sigs.k8s.io/yaml's
 * YAMLToJSON (go-yaml v2 underneath, YAML 1.1 scalars) and kubectl's
 * document reader (k8s.io/apimachinery/pkg/util/yaml); encoding is
 * sigs.k8s.io/yaml's Marshal, what `kubectl get -o yaml` prints.
 *
 * Decoding (YAML text to json-c objects, the caller owns them):
 *  - Plain scalars resolve as go-yaml v2 resolves them: y Y yes Yes YES on
 *    On ON true True TRUE are true, n N no No NO off Off OFF false False
 *    FALSE are false; "", ~, null, Null, NULL are null; integers in Go
 *    syntax (sign, 0x, 0o, 0b, leading-0 octal, underscores) as int64, then
 *    uint64, then float; floats (1.5, .5, 1e3, .inf, .nan); timestamps stay
 *    strings; everything else is a string. Quoted scalars are strings.
 *    Tags !!str !!int !!float !!bool !!null !!timestamp !!binary apply.
 *  - A float becomes what its JSON text (encoding/json's) parses as: 1e3 is
 *    the integer 1000, 1.5 a double printed "1.5"; .inf and .nan are errors,
 *    as JSON has no form for them.
 *  - Map keys become strings: ints in decimal, floats as 32-bit 'g' (1e+36),
 *    booleans "true"/"false"; null and uint64 keys are errors; object keys
 *    come out sorted (encoding/json's order). Duplicate keys: the last wins,
 *    or, with CK_YAML_STRICT, an error (YAMLToJSONStrict).
 *  - Anchors, aliases and merge keys (<<) as go-yaml v2, including its
 *    "document contains excessive aliasing" bound on alias expansion;
 *    nesting deeper than CK_MAX_JSON_DEPTH is an error.
 *  - Error messages are upstream's: "yaml: line 3: mapping values are not
 *    allowed in this context", "yaml: unknown anchor 'a' referenced",
 *    "json: unsupported value: +Inf", ... The parser is libyaml; go-yaml v2
 *    is a port of an older libyaml, so a few flow-context corner cases
 *    (e.g. "?" inside flow plain scalars) parse as the newer libyaml does.
 *
 * Encoding (json-c to YAML text) is yaml.v2's Marshal of the object's JSON:
 * keys sorted in yaml.v2's natural order (k9 before k10), two-space indent,
 * sequences at their key's column, strings quoted only when they would
 * read back as another type ("true", "123", "", "2006-01-02", "1:20") or
 * cannot be plain (leading/trailing space, ": ", "#"...), multi-line
 * strings as literal blocks (|, |-, |+), long strings folded at 80
 * columns, integral numbers as integers and other floats as Go's 'g'.
 */
#ifndef CK_APIMACHINERY_YAML_H
#define CK_APIMACHINERY_YAML_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/buf.h"

/* Duplicate mapping keys are errors (sigs.k8s.io/yaml YAMLToJSONStrict). */
#define CK_YAML_STRICT 0x1u

/*
 * Decodes the first YAML document in data (len bytes) as YAMLToJSON does.
 * On success *ret_obj is the value (caller owns it; NULL for a null or
 * empty document). On failure returns -EINVAL and, when errmsg is not
 * NULL, sets *errmsg to upstream's message (caller frees), without the
 * "error converting YAML to JSON: " that kubectl's reader adds.
 */
int ck_yaml_decode(const char *data, size_t len, unsigned flags, struct json_object **ret_obj,
		   char **errmsg);

/*
 * A stream of documents as kubectl reads a file: lines, CRLF taken as LF;
 * a line starting "---" ends a document (only spaces or a comment may
 * follow it: "invalid Yaml document separator: x" otherwise); each
 * document is decoded as ck_yaml_decode (its first YAML document), and
 * documents that decode to null (empty, comments only) are skipped.
 * Borrows data; init it, call next until it returns 0 or an error.
 */
struct ck_yaml_stream {
	const char *data;
	size_t len;
	size_t pos;
	unsigned flags;
};

void ck_yaml_stream_init(struct ck_yaml_stream *s, const char *data, size_t len, unsigned flags);
/*
 * 1 and the next non-null document in *ret_obj (caller owns it); 0 at the
 * end; -EINVAL with *errmsg (caller frees; decode errors are prefixed
 * "error converting YAML to JSON: " as kubectl's decoder words them).
 */
int ck_yaml_stream_next(struct ck_yaml_stream *s, struct json_object **ret_obj, char **errmsg);

/* Every document of a stream as a JSON array (caller owns it). */
int ck_yaml_decode_all(const char *data, size_t len, unsigned flags, struct json_object **ret_docs,
		       char **errmsg);

/*
 * Appends obj (borrowed; NULL is null) as YAML to out, as sigs.k8s.io/yaml
 * Marshal prints it. 0; -EINVAL for a NaN or infinite double (no JSON form)
 * or nesting deeper than CK_MAX_JSON_DEPTH; -E2BIG when out is full (out
 * may then hold part of the text).
 */
int ck_yaml_encode(struct json_object *obj, struct ck_buf *out);

#endif
