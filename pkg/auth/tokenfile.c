#include "auth/tokenfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "auth/pki.h"
#include "auth/user.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/csv.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/str.h"

struct ck_token_file {
	struct ck_hashmap tokens; /* token → struct ck_user_info * */
};

static void free_user(void *p)
{
	ck_user_release(p);
	free(p);
}

struct parse_ctx {
	struct ck_token_file *tf;
	char **err;
	int records;
};

static int on_record(void *arg, char **fields, const size_t *lens, size_t n, int line)
{
	struct parse_ctx *c = arg;
	(void)line;
	if (n < 3) {
		if (c->err) {
			struct ck_buf b = CK_BUF_INIT;
			ck_buf_addf(&b,
				    "token file must have at least 3 columns (token, user name, "
				    "user uid), found %zu",
				    n);
			*c->err = ck_buf_detach(&b, NULL);
		}
		return -EINVAL;
	}
	c->records++;
	/* A token with a NUL byte could never be sent in a header: skip it too. */
	if (lens[0] == 0 || strlen(fields[0]) != lens[0]) {
		ck_log_v(4, "empty token in token file, record number %d", c->records);
		return 0;
	}
	struct ck_user_info *u = ck_calloc(1, sizeof(*u));
	ck_user_init(u, fields[1], fields[2]);
	if (n >= 4) {
		char **groups = ck_str_split(fields[3], ',', 0);
		for (size_t i = 0; groups[i]; i++)
			ck_user_add_group(u, groups[i]);
		ck_strv_free(groups);
	}
	struct ck_user_info *old = ck_hashmap_put(&c->tf->tokens, fields[0], u);
	if (old) {
		ck_log_v(4, "duplicate token in token file, record number %d", c->records);
		free_user(old);
	}
	return 0;
}

int ck_token_file_parse(const char *data, size_t len, struct ck_token_file **ret, char **ret_err)
{
	struct ck_token_file *tf = ck_calloc(1, sizeof(*tf));
	ck_hashmap_init(&tf->tokens, free_user);
	struct parse_ctx c = { .tf = tf, .err = ret_err };
	int r = ck_csv_read(data, len, on_record, &c, ret_err);
	if (r < 0) {
		ck_token_file_free(tf);
		return -EINVAL;
	}
	*ret = tf;
	return 0;
}

int ck_token_file_load(const char *path, struct ck_token_file **ret, char **ret_err)
{
	char *data = NULL;
	int r = ck_pki_read_file(path, &data);
	if (r < 0)
		return r;
	r = ck_token_file_parse(data, strlen(data), ret, ret_err);
	free(data);
	return r;
}

void ck_token_file_free(struct ck_token_file *tf)
{
	if (!tf)
		return;
	ck_hashmap_release(&tf->tokens);
	free(tf);
}

size_t ck_token_file_count(const struct ck_token_file *tf)
{
	return ck_hashmap_count(&tf->tokens);
}

const struct ck_user_info *ck_token_file_lookup(const struct ck_token_file *tf, const char *token)
{
	return ck_hashmap_get(&tf->tokens, token);
}
