/*
 * Name and value validation, as upstream's k8s.io/apimachinery
 * pkg/util/validation, pkg/api/validation (NameIsDNSSubdomain and friends)
 * and pkg/api/validation/path (path segment names), v1.30.
 *
 * Every check returns NULL when the value is valid, or a NULL-terminated
 * vector of upstream's exact error messages, in upstream's order, which the
 * caller owns and frees with ck_strv_free() (util/str.h). A returned vector
 * is never empty. The messages are what upstream's API server puts after
 * `<field>: Invalid value: "<value>": `, joined as upstream joins them.
 *
 * Matching is on bytes: the character classes are ASCII, so any byte >= 0x80
 * is simply not allowed where upstream's regular expressions do not allow it.
 */
#ifndef CK_APIMACHINERY_VALIDATION_H
#define CK_APIMACHINERY_VALIDATION_H

#include <stdbool.h>
#include <stdint.h>

/* Longest qualified-name "name" part and label value (upstream 63). */
#define CK_QUALIFIED_NAME_MAX 63
#define CK_LABEL_VALUE_MAX 63
/* Longest DNS-1035 label (upstream 63). */
#define CK_DNS1035_LABEL_MAX 63
/* Longest IANA service (port) name (upstream 15). */
#define CK_PORT_NAME_MAX 15

/* RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 bytes. */
char **ck_is_dns1123_label(const char *value);
/* RFC 1123 subdomain: labels joined by '.', at most 253 bytes. */
char **ck_is_dns1123_subdomain(const char *value);
/* RFC 1035 label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 bytes. */
char **ck_is_dns1035_label(const char *value);
/* Wildcard subdomain: '*.' then a DNS-1123 subdomain. */
char **ck_is_wildcard_dns1123_subdomain(const char *value);

/*
 * Qualified name (label and annotation keys): an optional DNS-1123
 * subdomain prefix and '/', then a name of at most 63 bytes of
 * [-._A-Za-z0-9] starting and ending with [A-Za-z0-9].
 */
char **ck_is_qualified_name(const char *value);
/* Label value: empty, or a qualified name's name part (at most 63 bytes). */
char **ck_is_valid_label_value(const char *value);

/* C identifier: [A-Za-z_][A-Za-z0-9_]* (no length limit). */
char **ck_is_c_identifier(const char *value);
/* Environment variable name: [-._a-zA-Z][-._a-zA-Z0-9]*, not '.', '..' or '..'-prefixed. */
char **ck_is_env_var_name(const char *value);
/* ConfigMap/Secret key: [-._a-zA-Z0-9]+, at most 253 bytes, not '.', '..' or '..'-prefixed. */
char **ck_is_config_map_key(const char *value);
/* HTTP header name: [-A-Za-z0-9]+. */
char **ck_is_http_header_name(const char *value);
/* Percentage: [0-9]+%. */
char **ck_is_valid_percent(const char *value);

/* Port number in 1..65535. */
char **ck_is_valid_port_num(int64_t port);
/* value in lo..hi inclusive. */
char **ck_is_in_range(int64_t value, int64_t lo, int64_t hi);
/* IANA service name: at most 15 of [-a-z0-9], a letter, no '--', no '-' at either end. */
char **ck_is_valid_port_name(const char *port);

/*
 * IP address as upstream's IsValidIP (k8s.io/utils/net ParseIPSloppy):
 * dotted IPv4 (leading zeros allowed) or IPv6 (with '::' and a trailing
 * dotted IPv4), no zone, no prefix length.
 */
char **ck_is_valid_ip(const char *value);

/* Path segment names (REST paths, etcd keys): not "." or "..", no '/' or '%'. */
char **ck_is_valid_path_segment_name(const char *name);
/* A prefix of such a name (generateName): no '/' or '%'. */
char **ck_is_valid_path_segment_prefix(const char *name);
/* One of the two above: the prefix form when prefix is true. */
char **ck_validate_path_segment_name(const char *name, bool prefix);

/*
 * Object name checks (upstream's ValidateNameFunc). With prefix true the
 * name is a generateName, which may end in '-': as upstream, a trailing '-'
 * and the byte before it are replaced by "a" before checking. (Upstream
 * panics on the one-byte prefix "-"; here it is checked unmasked and fails.)
 */
char **ck_name_is_dns_subdomain(const char *name, bool prefix);
char **ck_name_is_dns_label(const char *name, bool prefix);
char **ck_name_is_dns1035_label(const char *name, bool prefix);

#endif
