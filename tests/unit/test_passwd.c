/* Unit tests: lib/passwd.c */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "passwd.h"

START_TEST(parse_and_lookup)
{
	static const char text[] = "root:x:0:0:root:/root:/bin/bash\n"
	                           "bad line\n"
	                           "::5:5::/:\n"
	                           "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
	                           "dup:x:1000:1000::/:\n"
	                           "big:x:99999999999:1::/:\n"
	                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";
	struct mti_passwd pw;

	ck_assert_int_eq(mti_passwd_parse(text, strlen(text), &pw), MT_OK);
	ck_assert_str_eq(mti_passwd_name(&pw, 0), "root");
	ck_assert_str_eq(mti_passwd_name(&pw, 1000), "alice");
	ck_assert_str_eq(mti_passwd_name(&pw, 65534), "nobody");
	ck_assert_ptr_null(mti_passwd_name(&pw, 5));
	ck_assert_ptr_null(mti_passwd_name(&pw, 4242));
	mti_passwd_free(&pw);
}
END_TEST

START_TEST(load_from_fixture_root)
{
	struct mti_passwd pw;

	ck_assert_int_eq(mti_passwd_load(MT_FIXTURES_DIR "/etc", &pw), MT_OK);
	ck_assert_str_eq(mti_passwd_name(&pw, 1000), "alice");
	mti_passwd_free(&pw);
	ck_assert_int_ne(mti_passwd_load(MT_FIXTURES_DIR "/no-such-etc", &pw), MT_OK);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("passwd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_and_lookup);
	tcase_add_test(tc, load_from_fixture_root);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
