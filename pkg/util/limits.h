/*
 * Every hard limit in ckube, each with its reason (as sqlite's
 * sqliteLimit.h). Include as "util/limits.h".
 */
#ifndef CK_UTIL_LIMITS_H
#define CK_UTIL_LIMITS_H

/* Upstream's max request body (apiserver MaxRequestBodyBytes), 3 MiB. */
#define CK_MAX_REQUEST_BODY (3 * 1024 * 1024)

/* Upstream caps a JSON patch's working copy at the body limit too. */
#define CK_MAX_JSON_PATCH_COPY (3 * 1024 * 1024)

/*
 * Deepest JSON/YAML nesting accepted from the wire. Upstream's decoders stop
 * at 10000 levels; ours recurse, so a smaller cap keeps the stack bounded.
 */
#define CK_MAX_JSON_DEPTH 1000

/* Largest single buffer (responses, lists, gRPC payloads): etcd's 2 GiB is
 * out of reach anyway; a list of 150000 pods fits well under 1 GiB. */
#define CK_MAX_BUF (1024u * 1024 * 1024)

/* Default cap for a ck_buf that did not ask for one: a request body plus
 * headroom for encoding. */
#define CK_DEFAULT_BUF_MAX (64u * 1024 * 1024)

/*
 * Memory libmicrohttpd gives each HTTP connection. A request's line and
 * headers must fit in it, so it is also the largest header block (about
 * 15 KiB: Node.js allows 16 KiB, nginx 4 x 8 KiB; Go's 1 MiB is out of
 * reach for a per-connection pool). MHD zeroes half of it per connection
 * and all of it per keep-alive request, so it is most of what a watch or an
 * idle connection costs: 64 KiB made each watch cost about 64 KiB of RSS.
 */
#define CK_HTTP_CONNECTION_MEMORY (16 * 1024)

/*
 * The buffer MHD allocates and zeroes for each streamed response. Chunked
 * streams (HTTP/1.1) are written through the connection's memory instead;
 * only an HTTP/1.0 client's stream uses this one (it then gets its body
 * in pieces this large), so small is enough: at 1 KiB it was 5% of what
 * a watch costs.
 */
#define CK_HTTP_STREAM_BLOCK 256

/* Longest label value / name segment (DNS-1123 label), upstream. */
#define CK_DNS1123_LABEL_MAX 63
/* Longest DNS-1123 subdomain, upstream. */
#define CK_DNS1123_SUBDOMAIN_MAX 253

/*
 * Idle heap (resident, not in use, new since the last trim) below which the
 * scavenger leaves memory resident: trimming costs a page fault per page
 * reused, and a burst of requests reuses a few MiB at once. (Go's
 * scavenger keeps about 10% over its heap goal.)
 */
#define CK_SCAVENGE_MIN_FREE (4u * 1024 * 1024)
/* How often the daemons' scavenger looks (Go's background scavenger paces
 * itself over seconds). */
#define CK_SCAVENGE_INTERVAL_MS 5000

#endif
