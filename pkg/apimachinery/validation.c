/*
 * Hand-written matchers for upstream's validation regular expressions; the
 * regular expressions themselves appear only in the messages, verbatim.
 */
#include "apimachinery/validation.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "util/buf.h"
#include "util/common.h"
#include "util/limits.h"
#include "util/str.h"

/* The patterns as upstream prints them in its messages. */
#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1035_LABEL_FMT "[a-z]([-a-z0-9]*[a-z0-9])?"
#define WILDCARD_DNS1123_SUBDOMAIN_FMT "\\*\\." DNS1123_SUBDOMAIN_FMT
#define QUALIFIED_NAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_VALUE_FMT "(" QUALIFIED_NAME_FMT ")?"
#define C_IDENTIFIER_FMT "[A-Za-z_][A-Za-z0-9_]*"
#define ENV_VAR_NAME_FMT "[-._a-zA-Z][-._a-zA-Z0-9]*"
#define CONFIG_MAP_KEY_FMT "[-._a-zA-Z0-9]+"
#define HTTP_HEADER_NAME_FMT "[-A-Za-z0-9]+"
#define PERCENT_FMT "[0-9]+%"

#define DNS1123_LABEL_ERR                                                                        \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " \
	"and must start and end with an alphanumeric character"
#define DNS1123_SUBDOMAIN_ERR                                                                 \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, " \
	"'-' or '.', and must start and end with an alphanumeric character"
#define DNS1035_LABEL_ERR                                                                    \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start " \
	"with an alphabetic character, and end with an alphanumeric character"
#define WILDCARD_DNS1123_SUBDOMAIN_ERR                                                     \
	"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "     \
	"subdomain, which must consist of lower case alphanumeric characters, '-' or '.' " \
	"and end with an alphanumeric character"
#define QUALIFIED_NAME_ERR                                                                  \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end " \
	"with an alphanumeric character"
#define LABEL_VALUE_ERR                                                                      \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', " \
	"'_' or '.', and must start and end with an alphanumeric character"
#define C_IDENTIFIER_ERR                                                                   \
	"a valid C identifier must start with alphabetic character or '_', followed by a " \
	"string of alphanumeric characters or '_'"
#define ENV_VAR_NAME_ERR                                                                    \
	"a valid environment variable name must consist of alphabetic characters, digits, " \
	"'_', '-', or '.', and must not start with a digit"
#define CONFIG_MAP_KEY_ERR \
	"a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
#define HTTP_HEADER_NAME_ERR "a valid HTTP header must consist of alphanumeric characters or '-'"
#define PERCENT_ERR "a valid percent string must be a numeric string followed by an ending '%'"
#define IP_ERR "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

/* A growing NULL-terminated message vector. */
struct msgs {
	char **v;
	size_t n;
};

static void msgs_take(struct msgs *m, char *s)
{
	m->v = ck_realloc(m->v, (m->n + 2) * sizeof(*m->v));
	m->v[m->n++] = s;
	m->v[m->n] = NULL;
}

static void msgs_add(struct msgs *m, const char *s)
{
	msgs_take(m, ck_strdup(s));
}

static CK_PRINTF(2, 3) void msgs_addf(struct msgs *m, const char *fmt, ...)
{
	struct ck_buf b;
	va_list ap;

	ck_buf_init(&b, 0);
	va_start(ap, fmt);
	int r = ck_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	CK_BUG_ON(r < 0); /* messages are short */
	msgs_take(m, ck_buf_detach(&b, NULL));
}

/* Appends every message of sub (which it frees) with prefix before each. */
static void msgs_add_prefixed(struct msgs *m, const char *prefix, char **sub)
{
	for (size_t i = 0; sub && sub[i]; i++)
		msgs_addf(m, "%s%s", prefix, sub[i]);
	ck_strv_free(sub);
}

/* The vector, or NULL when empty; the caller owns it. */
static char **msgs_finish(struct msgs *m)
{
	return m->v;
}

/*
 * Upstream's RegexError (msg, up to three examples, then the pattern), with
 * prefix before it and suffix after it.
 */
static void msgs_add_regex_full(struct msgs *m, const char *prefix, const char *msg,
				const char *fmt, const char *ex1, const char *ex2, const char *ex3,
				const char *suffix)
{
	const char *examples[] = { ex1, ex2, ex3 };
	struct ck_buf b;
	int r = 0;

	ck_buf_init(&b, 0);
	r |= ck_buf_adds(&b, prefix);
	r |= ck_buf_adds(&b, msg);
	if (!ex1) {
		r |= ck_buf_addf(&b, " (regex used for validation is '%s')", fmt);
	} else {
		r |= ck_buf_adds(&b, " (e.g. ");
		for (size_t i = 0; i < CK_ARRAY_SIZE(examples) && examples[i]; i++)
			r |= ck_buf_addf(&b, "%s'%s', ", i > 0 ? " or " : "", examples[i]);
		r |= ck_buf_addf(&b, "regex used for validation is '%s')", fmt);
	}
	r |= ck_buf_adds(&b, suffix);
	CK_BUG_ON(r < 0);
	msgs_take(m, ck_buf_detach(&b, NULL));
}

static void msgs_add_regex(struct msgs *m, const char *prefix, const char *msg, const char *fmt,
			   const char *ex1, const char *ex2, const char *ex3)
{
	msgs_add_regex_full(m, prefix, msg, fmt, ex1, ex2, ex3, "");
}

static void msgs_add_max_len(struct msgs *m, const char *prefix, size_t max)
{
	msgs_addf(m, "%smust be no more than %zu characters", prefix, max);
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? on s[0..n). */
static bool match_dns1123_label(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

/* One or more DNS-1123 labels joined by '.'. */
static bool match_dns1123_subdomain(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!match_dns1123_label(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] on s[0..n). */
static bool match_qualified_name(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	}
	return true;
}

char **ck_is_dns1123_label(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);

	if (n > CK_DNS1123_LABEL_MAX)
		msgs_add_max_len(&m, "", CK_DNS1123_LABEL_MAX);
	if (!match_dns1123_label(value, n))
		msgs_add_regex(&m, "", DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc",
			       NULL);
	return msgs_finish(&m);
}

char **ck_is_dns1123_subdomain(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);

	if (n > CK_DNS1123_SUBDOMAIN_MAX)
		msgs_add_max_len(&m, "", CK_DNS1123_SUBDOMAIN_MAX);
	if (!match_dns1123_subdomain(value, n))
		msgs_add_regex(&m, "", DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com",
			       NULL, NULL);
	return msgs_finish(&m);
}

char **ck_is_dns1035_label(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);

	if (n > CK_DNS1035_LABEL_MAX)
		msgs_add_max_len(&m, "", CK_DNS1035_LABEL_MAX);
	if (n == 0 || !(value[0] >= 'a' && value[0] <= 'z') || !match_dns1123_label(value, n))
		msgs_add_regex(&m, "", DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123",
			       NULL);
	return msgs_finish(&m);
}

char **ck_is_wildcard_dns1123_subdomain(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);

	if (n > CK_DNS1123_SUBDOMAIN_MAX)
		msgs_add_max_len(&m, "", CK_DNS1123_SUBDOMAIN_MAX);
	if (n < 2 || value[0] != '*' || value[1] != '.' ||
	    !match_dns1123_subdomain(value + 2, n - 2))
		msgs_add_regex(&m, "", WILDCARD_DNS1123_SUBDOMAIN_ERR,
			       WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com", NULL, NULL);
	return msgs_finish(&m);
}

char **ck_is_qualified_name(const char *value)
{
	struct msgs m = { 0 };
	const char *slash = strchr(value, '/');
	const char *name = value;

	if (slash && strchr(slash + 1, '/')) {
		/* More than one '/': one message, as upstream. */
		msgs_add_regex_full(&m, "a qualified name ", QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT,
				    "MyName", "my.name", "123-abc",
				    " with an optional DNS subdomain prefix and '/' (e.g. "
				    "'example.com/MyName')");
		return msgs_finish(&m);
	}
	if (slash) {
		size_t plen = (size_t)(slash - value);
		if (plen == 0) {
			msgs_add(&m, "prefix part must be non-empty");
		} else {
			char *prefix = ck_strndup(value, plen);
			msgs_add_prefixed(&m, "prefix part ", ck_is_dns1123_subdomain(prefix));
			free(prefix);
		}
		name = slash + 1;
	}
	size_t n = strlen(name);
	if (n == 0)
		msgs_add(&m, "name part must be non-empty");
	else if (n > CK_QUALIFIED_NAME_MAX)
		msgs_add_max_len(&m, "name part ", CK_QUALIFIED_NAME_MAX);
	if (!match_qualified_name(name, n))
		msgs_add_regex(&m, "name part ", QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName",
			       "my.name", "123-abc");
	return msgs_finish(&m);
}

char **ck_is_valid_label_value(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);

	if (n > CK_LABEL_VALUE_MAX)
		msgs_add_max_len(&m, "", CK_LABEL_VALUE_MAX);
	if (n != 0 && !match_qualified_name(value, n))
		msgs_add_regex(&m, "", LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value",
			       "12345");
	return msgs_finish(&m);
}

char **ck_is_c_identifier(const char *value)
{
	struct msgs m = { 0 };
	bool ok = value[0] && (is_alpha(value[0]) || value[0] == '_');

	for (size_t i = 1; ok && value[i]; i++)
		ok = is_alnum(value[i]) || value[i] == '_';
	if (!ok)
		msgs_add_regex(&m, "", C_IDENTIFIER_ERR, C_IDENTIFIER_FMT, "my_name", "MY_NAME",
			       "MyName");
	return msgs_finish(&m);
}

static bool is_env_char(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Upstream's hasChDirPrefix. */
static void msgs_add_chdir_prefix(struct msgs *m, const char *value)
{
	if (strcmp(value, ".") == 0)
		msgs_add(m, "must not be '.'");
	else if (strcmp(value, "..") == 0)
		msgs_add(m, "must not be '..'");
	else if (ck_str_has_prefix(value, ".."))
		msgs_add(m, "must not start with '..'");
}

char **ck_is_env_var_name(const char *value)
{
	struct msgs m = { 0 };
	bool ok = value[0] && is_env_char(value[0]) && !is_digit(value[0]);

	for (size_t i = 1; ok && value[i]; i++)
		ok = is_env_char(value[i]);
	if (!ok)
		msgs_add_regex(&m, "", ENV_VAR_NAME_ERR, ENV_VAR_NAME_FMT, "my.env-name",
			       "MY_ENV.NAME", "MyEnvName1");
	msgs_add_chdir_prefix(&m, value);
	return msgs_finish(&m);
}

char **ck_is_config_map_key(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);
	bool ok = n > 0;

	for (size_t i = 0; ok && i < n; i++)
		ok = is_env_char(value[i]);
	if (n > CK_DNS1123_SUBDOMAIN_MAX)
		msgs_add_max_len(&m, "", CK_DNS1123_SUBDOMAIN_MAX);
	if (!ok)
		msgs_add_regex(&m, "", CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, "key.name",
			       "KEY_NAME", "key-name");
	msgs_add_chdir_prefix(&m, value);
	return msgs_finish(&m);
}

char **ck_is_http_header_name(const char *value)
{
	struct msgs m = { 0 };
	bool ok = value[0] != '\0';

	for (size_t i = 0; ok && value[i]; i++)
		ok = is_alnum(value[i]) || value[i] == '-';
	if (!ok)
		msgs_add_regex(&m, "", HTTP_HEADER_NAME_ERR, HTTP_HEADER_NAME_FMT, "X-Header-Name",
			       NULL, NULL);
	return msgs_finish(&m);
}

char **ck_is_valid_percent(const char *value)
{
	struct msgs m = { 0 };
	size_t n = strlen(value);
	bool ok = n >= 2 && value[n - 1] == '%';

	for (size_t i = 0; ok && i + 1 < n; i++)
		ok = is_digit(value[i]);
	if (!ok)
		msgs_add_regex(&m, "", PERCENT_ERR, PERCENT_FMT, "1%", "93%", NULL);
	return msgs_finish(&m);
}

char **ck_is_in_range(int64_t value, int64_t lo, int64_t hi)
{
	struct msgs m = { 0 };

	if (value < lo || value > hi)
		msgs_addf(&m, "must be between %" PRId64 " and %" PRId64 ", inclusive", lo, hi);
	return msgs_finish(&m);
}

char **ck_is_valid_port_num(int64_t port)
{
	return ck_is_in_range(port, 1, 65535);
}

char **ck_is_valid_port_name(const char *port)
{
	struct msgs m = { 0 };
	size_t n = strlen(port);
	bool charset = n > 0, letter = false;

	for (size_t i = 0; i < n; i++) {
		if (port[i] >= 'a' && port[i] <= 'z')
			letter = true;
		if (!is_lower_alnum(port[i]) && port[i] != '-')
			charset = false;
	}
	if (n > CK_PORT_NAME_MAX)
		msgs_add_max_len(&m, "", CK_PORT_NAME_MAX);
	if (!charset)
		msgs_add(&m,
			 "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!letter)
		msgs_add(&m, "must contain at least one letter (a-z)");
	if (strstr(port, "--"))
		msgs_add(&m, "must not contain consecutive hyphens");
	if (n > 0 && (port[0] == '-' || port[n - 1] == '-'))
		msgs_add(&m, "must not begin or end with a hyphen");
	return msgs_finish(&m);
}

/*
 * Decimal run at s: its value (capped) and length; false when there is no
 * digit or the value reaches 0xFFFFFF (upstream's dtoi "big").
 */
static bool dtoi(const char *s, unsigned *ret_n, size_t *ret_len)
{
	unsigned n = 0;
	size_t i = 0;

	for (; is_digit(s[i]); i++) {
		n = n * 10 + (unsigned)(s[i] - '0');
		if (n >= 0xFFFFFF)
			return false;
	}
	if (i == 0)
		return false;
	*ret_n = n;
	*ret_len = i;
	return true;
}

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* As dtoi, in hex. */
static bool xtoi(const char *s, unsigned *ret_n, size_t *ret_len)
{
	unsigned n = 0;
	size_t i = 0;

	for (; hexval(s[i]) >= 0; i++) {
		n = n * 16 + (unsigned)hexval(s[i]);
		if (n >= 0xFFFFFF)
			return false;
	}
	if (i == 0)
		return false;
	*ret_n = n;
	*ret_len = i;
	return true;
}

/* Four dotted decimal octets, leading zeros allowed, and nothing after. */
static bool parse_ipv4(const char *s)
{
	for (int i = 0; i < 4; i++) {
		unsigned n;
		size_t len;
		if (*s == '\0')
			return false;
		if (i > 0) {
			if (*s != '.')
				return false;
			s++;
		}
		if (!dtoi(s, &n, &len) || n > 0xFF)
			return false;
		s += len;
	}
	return *s == '\0';
}

/* IPv6 text as the Go 1.16 parser that ParseIPSloppy keeps. */
static bool parse_ipv6(const char *s)
{
	int ellipsis = -1; /* byte position of "::" */
	int i = 0;	   /* bytes of address parsed */

	if (s[0] == ':' && s[1] == ':') {
		ellipsis = 0;
		s += 2;
		if (*s == '\0')
			return true;
	}
	while (i < 16) {
		unsigned n;
		size_t len;
		if (!xtoi(s, &n, &len) || n > 0xFFFF)
			return false;
		if (s[len] == '.') {
			if (ellipsis < 0 && i != 12)
				return false;
			if (i + 4 > 16)
				return false;
			if (!parse_ipv4(s))
				return false;
			s += strlen(s);
			i += 4;
			break;
		}
		i += 2;
		s += len;
		if (*s == '\0')
			break;
		if (*s != ':' || s[1] == '\0')
			return false;
		s++;
		if (*s == ':') {
			if (ellipsis >= 0)
				return false;
			ellipsis = i;
			s++;
			if (*s == '\0')
				break;
		}
	}
	if (*s != '\0')
		return false;
	if (i < 16)
		return ellipsis >= 0;
	return ellipsis < 0;
}

char **ck_is_valid_ip(const char *value)
{
	struct msgs m = { 0 };
	bool ok = false;

	for (const char *p = value; *p; p++) {
		if (*p == '.') {
			ok = parse_ipv4(value);
			break;
		}
		if (*p == ':') {
			ok = parse_ipv6(value);
			break;
		}
	}
	if (!ok)
		msgs_add(&m, IP_ERR);
	return msgs_finish(&m);
}

static void msgs_add_path_contents(struct msgs *m, const char *name)
{
	if (strchr(name, '/'))
		msgs_add(m, "may not contain '/'");
	if (strchr(name, '%'))
		msgs_add(m, "may not contain '%'");
}

char **ck_is_valid_path_segment_name(const char *name)
{
	struct msgs m = { 0 };

	if (strcmp(name, ".") == 0) {
		msgs_add(&m, "may not be '.'");
		return msgs_finish(&m);
	}
	if (strcmp(name, "..") == 0) {
		msgs_add(&m, "may not be '..'");
		return msgs_finish(&m);
	}
	msgs_add_path_contents(&m, name);
	return msgs_finish(&m);
}

char **ck_is_valid_path_segment_prefix(const char *name)
{
	struct msgs m = { 0 };

	msgs_add_path_contents(&m, name);
	return msgs_finish(&m);
}

char **ck_validate_path_segment_name(const char *name, bool prefix)
{
	return prefix ? ck_is_valid_path_segment_prefix(name) : ck_is_valid_path_segment_name(name);
}

/*
 * Upstream's maskTrailingDash: a trailing '-' and the byte before it become
 * "a" (name[:len-2] + "a"). Owned result.
 */
static char *mask_trailing_dash(const char *name)
{
	size_t n = strlen(name);

	if (n >= 2 && name[n - 1] == '-') {
		char *s = ck_malloc(n);
		memcpy(s, name, n - 2);
		s[n - 2] = 'a';
		s[n - 1] = '\0';
		return s;
	}
	return ck_strdup(name);
}

static char **name_check(const char *name, bool prefix, char **(*check)(const char *))
{
	if (!prefix)
		return check(name);
	char *masked = mask_trailing_dash(name);
	char **r = check(masked);
	free(masked);
	return r;
}

char **ck_name_is_dns_subdomain(const char *name, bool prefix)
{
	return name_check(name, prefix, ck_is_dns1123_subdomain);
}

char **ck_name_is_dns_label(const char *name, bool prefix)
{
	return name_check(name, prefix, ck_is_dns1123_label);
}

char **ck_name_is_dns1035_label(const char *name, bool prefix)
{
	return name_check(name, prefix, ck_is_dns1035_label);
}
