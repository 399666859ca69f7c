/*
 * The static token file (--token-auth-file), upstream's CSV format:
 *   token,user,uid[,"group1,group2"]
 * read with Go's encoding/csv rules (quoted fields with "" escapes, fields
 * spanning lines inside quotes, CRLF as LF, blank lines skipped, a bare '"'
 * in an unquoted field is an error), any number of fields per record but at
 * least three. Records with an empty token are skipped; a repeated token
 * keeps its last record; the fourth field, when present, is split at every
 * ',' into groups (so "" gives one empty group, as upstream).
 */
#ifndef CK_AUTH_TOKENFILE_H
#define CK_AUTH_TOKENFILE_H

#include <stddef.h>

struct ck_user_info;
struct ck_token_file;

/*
 * Parses the file's content (len bytes). On success *ret is the table
 * (owned). On error -EINVAL and *ret_err (when not NULL) says what and
 * where, owned by the caller.
 */
int ck_token_file_parse(const char *data, size_t len, struct ck_token_file **ret, char **ret_err);
/* Reads and parses path; errors as ck_token_file_parse, or -errno. */
int ck_token_file_load(const char *path, struct ck_token_file **ret, char **ret_err);
void ck_token_file_free(struct ck_token_file *tf);
size_t ck_token_file_count(const struct ck_token_file *tf);

/* The user of a token (borrowed from the table), or NULL. */
const struct ck_user_info *ck_token_file_lookup(const struct ck_token_file *tf, const char *token);

#endif
