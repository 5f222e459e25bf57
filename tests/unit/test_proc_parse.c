/* Unit tests: lib/proc_parse.c, on real lines and hostile ones. */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "proc_parse.h"
#include "util.h"

/* A real line from this project's fixture (docker-v1-dropper, PID 4599). */
static const char real_stat[] =
    "4599 (kdevtmpfsi) S 4598 4568 4568 0 -1 4194304 36 0 0 0 295 1 0 0 20 0 2 0 199883 "
    "9498624 162 18446744073709551615 4198400 4765809 140723833401360 0 0 0 0 4096 0 0 0 0 "
    "17 0 0 0 0 0 0 4941424 4965040 537567232 140723833405243 140723833405311 "
    "140723833405311 140723833405416 0\n";

START_TEST(stat_real_line)
{
	struct mti_stat st;

	ck_assert_int_eq(mti_parse_stat(real_stat, strlen(real_stat), &st), MT_OK);
	ck_assert_int_eq(st.pid, 4599);
	ck_assert_uint_eq(st.comm_len, 10);
	ck_assert(memcmp(st.comm, "kdevtmpfsi", 10) == 0);
	ck_assert_int_eq(st.state, 'S');
	ck_assert_int_eq(st.ppid, 4598);
	ck_assert_uint_eq(st.utime, 295);
	ck_assert_uint_eq(st.stime, 1);
	ck_assert_int_eq(st.num_threads, 2);
	ck_assert_uint_eq(st.starttime, 199883);
	ck_assert_uint_eq(st.rss_pages, 162);
	ck_assert(!(st.flags & MTI_PF_KTHREAD));
}
END_TEST

START_TEST(stat_comm_with_parens_and_spaces)
{
	static const char line[] = "300 (:-) 1 2 (x)) R 1 300 300 0 -1 4194560 10 0 0 0 100 20 0 0 "
	                           "20 0 1 0 1500 1048576 200 0 0\n";
	struct mti_stat st;

	ck_assert_int_eq(mti_parse_stat(line, strlen(line), &st), MT_OK);
	ck_assert_uint_eq(st.comm_len, strlen(":-) 1 2 (x)"));
	ck_assert(memcmp(st.comm, ":-) 1 2 (x)", st.comm_len) == 0);
	ck_assert_int_eq(st.state, 'R');
	ck_assert_int_eq(st.ppid, 1);
	ck_assert_uint_eq(st.starttime, 1500);
}
END_TEST

START_TEST(stat_comm_with_newline_and_escape)
{
	static const char line[] = "7 (a\n\033[31m) 1 2 3) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 "
	                           "99 0 0\n";
	struct mti_stat st;

	ck_assert_int_eq(mti_parse_stat(line, strlen(line), &st), MT_OK);
	ck_assert_uint_eq(st.comm_len, strlen("a\n\033[31m) 1 2 3"));
	ck_assert_int_eq(st.ppid, 1);
	ck_assert_uint_eq(st.starttime, 99);
}
END_TEST

START_TEST(stat_kernel_thread_flag)
{
	static const char line[] =
	    "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0\n";
	struct mti_stat st;

	ck_assert_int_eq(mti_parse_stat(line, strlen(line), &st), MT_OK);
	ck_assert(st.flags & MTI_PF_KTHREAD);
	ck_assert_int_eq(st.ppid, 0);
}
END_TEST

START_TEST(stat_rejects_garbage)
{
	static const char *const bad[] = {
	    "",
	    "701 (x) S not-a-number\n",
	    "abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "1 x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "1 (x S 1 2 3\n",
	    "1 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "1 (x) S 1 2 3\n",
	    "1 (x) S -5 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "1 (x) S 99999999999 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "0 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	    "1(x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n",
	};
	struct mti_stat st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mti_parse_stat(bad[i], strlen(bad[i]), &st) == MT_ERR_PARSE,
		              "accepted: %s", bad[i]);
	ck_assert_int_eq(mti_parse_stat(NULL, 0, &st), MT_ERR_PARSE);
}
END_TEST

START_TEST(status_fields)
{
	static const char s[] =
	    "Name:\tkdevtmpfsi\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4599\n"
	    "Ngid:\t0\nPid:\t4599\nPPid:\t4598\nTracerPid:\t0\n"
	    "Uid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\nFDSize:\t64\n"
	    "NStgid:\t4599\t9\nNSpid:\t4599\t9\nVmRSS:\t    1020 kB\n"
	    "Threads:\t2\n";
	struct mti_status st;

	ck_assert_int_eq(mti_parse_status(s, strlen(s), &st), MT_OK);
	ck_assert(st.have_uid);
	ck_assert_int_eq(st.uid[0], 1000);
	ck_assert_int_eq(st.uid[3], 1000);
	ck_assert(st.have_gid);
	ck_assert_int_eq(st.tgid, 4599);
	ck_assert_int_eq(st.ppid, 4598);
	ck_assert_uint_eq(st.n_nspid, 2);
	ck_assert_int_eq(st.nspid[0], 4599);
	ck_assert_int_eq(st.nspid[1], 9);
	ck_assert_uint_eq(st.threads, 2);
	ck_assert(st.have_rss);
	ck_assert_uint_eq(st.vm_rss_kb, 1020);
}
END_TEST

START_TEST(status_malformed_lines_are_skipped)
{
	static const char s[] = "Uid:\t1\t2\nGid:\tx\ty\tz\tw\nNSpid:\t5\t0\nTgid:\t-1\n"
	                        "garbage line\n\n:\nThreads:\t3";
	struct mti_status st;

	ck_assert_int_eq(mti_parse_status(s, strlen(s), &st), MT_OK);
	ck_assert(!st.have_uid);
	ck_assert(!st.have_gid);
	ck_assert_uint_eq(st.n_nspid, 0);
	ck_assert_int_eq(st.tgid, 0);
	ck_assert_uint_eq(st.threads, 3);
}
END_TEST

START_TEST(split_nul_cmdline)
{
	static const char c[] = "/tmp/kdevtmpfsi\0-o\0stratum+tcp://p:3333\0\0last";
	char **argv;
	size_t argc;
	bool trunc;

	ck_assert_int_eq(mti_split_nul(c, sizeof(c) - 1, 100, &argv, &argc, &trunc), MT_OK);
	ck_assert_uint_eq(argc, 5);
	ck_assert_str_eq(argv[0], "/tmp/kdevtmpfsi");
	ck_assert_str_eq(argv[2], "stratum+tcp://p:3333");
	ck_assert_str_eq(argv[3], "");
	ck_assert_str_eq(argv[4], "last");
	ck_assert(!trunc);
	mti_strv_free(argv, argc);
	ck_assert_int_eq(mti_split_nul(c, sizeof(c) - 1, 2, &argv, &argc, &trunc), MT_OK);
	ck_assert_uint_eq(argc, 2);
	ck_assert(trunc);
	mti_strv_free(argv, argc);
	ck_assert_int_eq(mti_split_nul("", 0, 2, &argv, &argc, NULL), MT_OK);
	ck_assert_uint_eq(argc, 0);
}
END_TEST

START_TEST(btime_and_ns_links)
{
	static const char s[] = "cpu  1 2 3\nintr 5\nbtime 1795420000\nprocesses 9\n";
	uint64_t v = 0;

	ck_assert_int_eq(mti_parse_btime(s, strlen(s), &v), MT_OK);
	ck_assert_uint_eq(v, 1795420000);
	ck_assert_int_eq(mti_parse_btime("cpu 1\n", 6, &v), MT_ERR_PARSE);
	ck_assert_int_eq(mti_parse_btime("btime x\n", 8, &v), MT_ERR_PARSE);
	ck_assert(mti_parse_ns_link("pid:[4026531836]", &v) && v == 4026531836u);
	ck_assert(!mti_parse_ns_link("pid:[40265x]", &v));
	ck_assert(!mti_parse_ns_link("pid:[1]x", &v));
	ck_assert(!mti_parse_ns_link("pid", &v));
}
END_TEST

START_TEST(env_find)
{
	static const char env[] = "PATH=/bin\0LD_PRELOAD=/lib/x.so\0LD_PRELOADX=no\0";
	size_t l = 0;
	const char *v = mti_env_find(env, sizeof(env) - 1, "LD_PRELOAD", &l);

	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(l, strlen("/lib/x.so"));
	ck_assert(memcmp(v, "/lib/x.so", l) == 0);
	ck_assert_ptr_null(mti_env_find(env, sizeof(env) - 1, "HOME", &l));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("proc_parse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, stat_real_line);
	tcase_add_test(tc, stat_comm_with_parens_and_spaces);
	tcase_add_test(tc, stat_comm_with_newline_and_escape);
	tcase_add_test(tc, stat_kernel_thread_flag);
	tcase_add_test(tc, stat_rejects_garbage);
	tcase_add_test(tc, status_fields);
	tcase_add_test(tc, status_malformed_lines_are_skipped);
	tcase_add_test(tc, split_nul_cmdline);
	tcase_add_test(tc, btime_and_ns_links);
	tcase_add_test(tc, env_find);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
