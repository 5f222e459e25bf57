/* Unit tests: lib/signatures.c (and the built-in list). */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "signatures.h"

START_TEST(builtin_list_loads)
{
	struct mti_signatures s;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(mti_signatures_builtin(&s), MT_OK);
	ck_assert_uint_ge(s.n_names, 20);
	ck_assert_uint_ge(s.n_ports, 10);
	ck_assert_str_eq(mti_signature_name(&s, "XMRig"), "xmrig");
	ck_assert_str_eq(mti_signature_name(&s, "kdevtmpfsi"), "kdevtmpfsi");
	ck_assert_ptr_null(mti_signature_name(&s, "xmrig2"));
	ck_assert_ptr_null(mti_signature_name(&s, "nginx"));
	ck_assert(mti_signature_port(&s, 3333));
	ck_assert(mti_signature_port(&s, 45700));
	ck_assert(!mti_signature_port(&s, 443));
	mti_signatures_free(&s);
}
END_TEST

START_TEST(args_and_algorithms)
{
	struct mti_signatures s;
	char *a1[] = {"xmrig", "-o", "stratum+ssl://pool:443", "-a", "rx/0"};
	char *a2[] = {"./m", "--algo=RandomX"};
	char *a3[] = {"./m", "-acn/r"};
	char *a4[] = {"java", "-a", "pretty", "--server.port=8080"};

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(mti_signatures_builtin(&s), MT_OK);
	ck_assert_str_eq(mti_signature_arg(&s, a1, 5), "stratum+ssl://");
	ck_assert_str_eq(mti_signature_algo(&s, a1, 5), "rx/0");
	ck_assert_str_eq(mti_signature_algo(&s, a2, 2), "randomx");
	ck_assert_str_eq(mti_signature_algo(&s, a3, 2), "cn/r");
	ck_assert_ptr_null(mti_signature_arg(&s, a4, 4));
	ck_assert_ptr_null(mti_signature_algo(&s, a4, 4));
	/* "-a" at the end, nothing after it */
	ck_assert_ptr_null(mti_signature_algo(&s, a1, 4));
	mti_signatures_free(&s);
}
END_TEST

START_TEST(parse_extensions_and_errors)
{
	struct mti_signatures s;
	static const char good[] =
	    "# comment\n\n  name   quietminer  \r\nport 1234\narg --tls-ca\n";
	size_t bad = 0;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(mti_signatures_parse(&s, good, strlen(good), &bad), MT_OK);
	ck_assert_str_eq(mti_signature_name(&s, "QuietMiner"), "quietminer");
	ck_assert(mti_signature_port(&s, 1234));
	ck_assert_int_eq(mti_signatures_parse(&s, "colour purple\n", 14, &bad), MT_ERR_PARSE);
	ck_assert_uint_eq(bad, 1);
	ck_assert_int_eq(mti_signatures_parse(&s, "name x\nport 70000\n", 18, &bad), MT_ERR_PARSE);
	ck_assert_uint_eq(bad, 2);
	ck_assert_int_eq(mti_signatures_parse(&s, "port 0\n", 7, &bad), MT_ERR_PARSE);
	ck_assert_int_eq(mti_signatures_parse(&s, "name\n", 5, &bad), MT_ERR_PARSE);
	mti_signatures_free(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("signatures");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, builtin_list_loads);
	tcase_add_test(tc, args_and_algorithms);
	tcase_add_test(tc, parse_extensions_and_errors);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
