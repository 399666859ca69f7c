/* auth/tokenfile: the --token-auth-file CSV (upstream's tokenfile_test.go cases). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "auth/tokenfile.h"
#include "auth/user.h"
#include "util/buf.h"

static struct ck_token_file *parse(const char *text)
{
	struct ck_token_file *tf = NULL;
	char *err = NULL;
	int r = ck_token_file_parse(text, strlen(text), &tf, &err);
	ck_assert_msg(r == 0, "%s", err ? err : "");
	return tf;
}

static void check_user(const struct ck_token_file *tf, const char *token, const char *name,
		       const char *uid, const char *groups)
{
	const struct ck_user_info *u = ck_token_file_lookup(tf, token);
	ck_assert_msg(u != NULL, "token %s", token);
	ck_assert_str_eq(u->name, name);
	ck_assert_str_eq(u->uid, uid);
	struct ck_buf joined = CK_BUF_INIT;
	for (size_t i = 0; u->groups && u->groups[i]; i++)
		ck_buf_addf(&joined, "%s%s", i ? "|" : "", u->groups[i]);
	ck_assert_str_eq(ck_buf_str(&joined), groups ? groups : "");
	ck_buf_release(&joined);
	ck_assert_int_eq(u->groups != NULL, groups != NULL);
}

START_TEST(test_tokenfile_upstream)
{
	/* upstream TestTokenFile */
	struct ck_token_file *tf = parse("token1,user1,uid1\n"
					 "token2,user2,uid2\n"
					 "token3,user3,uid3,\"group1,group2\"\n"
					 "token4,user4,uid4,\"group2\"\n"
					 "token5,user5,uid5,group5\n"
					 "token6,user6,uid6,group5,otherdata\n"
					 "token7,user7,uid7,\"group1,group2\",otherdata\n");
	ck_assert_int_eq(ck_token_file_count(tf), 7);
	check_user(tf, "token1", "user1", "uid1", NULL);
	check_user(tf, "token2", "user2", "uid2", NULL);
	check_user(tf, "token3", "user3", "uid3", "group1|group2");
	check_user(tf, "token4", "user4", "uid4", "group2");
	check_user(tf, "token5", "user5", "uid5", "group5");
	check_user(tf, "token6", "user6", "uid6", "group5");
	check_user(tf, "token7", "user7", "uid7", "group1|group2");
	ck_assert_ptr_null(ck_token_file_lookup(tf, "token8"));
	ck_assert_ptr_null(ck_token_file_lookup(tf, ""));
	ck_token_file_free(tf);
}
END_TEST

START_TEST(test_tokenfile_edge_cases)
{
	/* Empty tokens are skipped; a repeated token keeps its last record;
	 * blank lines and CRLF are fine; "" groups is one empty group. */
	struct ck_token_file *tf = parse("\r\n,emptyuser,uid0\r\n"
					 "dup,first,1\r\n"
					 "dup,second,2,\"\"\r\n\r\n"
					 "\"quoted,token\",u,\"u\"\"id\"\n");
	ck_assert_int_eq(ck_token_file_count(tf), 2);
	check_user(tf, "dup", "second", "2", "");
	check_user(tf, "quoted,token", "u", "u\"id", NULL);
	ck_token_file_free(tf);

	tf = parse("");
	ck_assert_int_eq(ck_token_file_count(tf), 0);
	ck_token_file_free(tf);
}
END_TEST

START_TEST(test_tokenfile_errors)
{
	/* upstream TestInsufficientColumnsTokenFile */
	static const char *const bad[] = {
		"token4\n", "token1,user1\n", "a,b,c\nd,e\n", "a,b\"c,d\n", "\"a,b,c\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ck_token_file *tf = NULL;
		char *err = NULL;
		ck_assert_int_eq(ck_token_file_parse(bad[i], strlen(bad[i]), &tf, &err), -22);
		ck_assert_ptr_null(tf);
		ck_assert_ptr_nonnull(err);
		free(err);
	}
	struct ck_token_file *tf = NULL;
	char *err = NULL;
	ck_token_file_parse("token1,user1\n", 13, &tf, &err);
	ck_assert_str_eq(err, "token file must have at least 3 columns (token, user name, user "
			      "uid), found 2");
	free(err);
	ck_assert_int_eq(ck_token_file_load("/nonexistent/tokens.csv", &tf, NULL), -2);
}
END_TEST

Suite *ck_test_suite_tokenfile(void)
{
	Suite *s = suite_create("tokenfile");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_tokenfile_upstream);
	tcase_add_test(tc, test_tokenfile_edge_cases);
	tcase_add_test(tc, test_tokenfile_errors);
	suite_add_tcase(s, tc);
	return s;
}
