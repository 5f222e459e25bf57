/* Unit tests: lib/util.c, and the file reader of lib/procfs.c */
#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "procfs.h"
#include "util.h"

START_TEST(parse_u64_accepts_digits_only)
{
	uint64_t v = 0;

	ck_assert(mti_parse_u64("0", 1, &v) && v == 0);
	ck_assert(mti_parse_u64("18446744073709551615", 20, &v) && v == UINT64_MAX);
	ck_assert(!mti_parse_u64("18446744073709551616", 20, &v));
	ck_assert(!mti_parse_u64("", 0, &v));
	ck_assert(!mti_parse_u64("12a", 3, &v));
	ck_assert(!mti_parse_u64("+1", 2, &v));
	ck_assert(!mti_parse_u64(" 1", 2, &v));
	ck_assert(!mti_parse_u64("-1", 2, &v));
	/* only len bytes are looked at */
	ck_assert(mti_parse_u64("123xyz", 3, &v) && v == 123);
}
END_TEST

START_TEST(parse_i64_handles_sign_and_limits)
{
	int64_t v = 0;

	ck_assert(mti_parse_i64("-1", 2, &v) && v == -1);
	ck_assert(mti_parse_i64("-9223372036854775808", 20, &v) && v == INT64_MIN);
	ck_assert(!mti_parse_i64("9223372036854775808", 19, &v));
	ck_assert(!mti_parse_i64("-", 1, &v));
	ck_assert(!mti_parse_i64("--1", 3, &v));
}
END_TEST

START_TEST(parse_pid_range)
{
	pid_t p = 0;

	ck_assert(mti_parse_pid("1", &p) && p == 1);
	ck_assert(mti_parse_pid("4194304", &p) && p == 4194304);
	ck_assert(!mti_parse_pid("0", &p));
	ck_assert(!mti_parse_pid("4194305", &p));
	ck_assert(!mti_parse_pid("99999999999", &p));
	ck_assert(!mti_parse_pid("abc", &p));
	ck_assert(!mti_parse_pid("-5", &p));
	ck_assert(!mti_parse_pid(NULL, &p));
}
END_TEST

START_TEST(is_hex_is_lower_case_only)
{
	ck_assert(mti_is_hex("0123456789abcdef", 16));
	ck_assert(!mti_is_hex("ABCDEF", 6));
	ck_assert(!mti_is_hex("g", 1));
}
END_TEST

START_TEST(buf_grows_and_terminates)
{
	struct mti_buf b;
	int i;

	mti_buf_init(&b);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(mti_buf_printf(&b, "%d,", i), MT_OK);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(mti_str_starts(b.data, "0,1,2,"));
	ck_assert(mti_str_ends(b.data, "998,999,"));
	mti_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ck_assert_int_eq(mti_buf_append(&b, "a\0b", 3), MT_OK);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(b.data[3], '\0');
	mti_buf_free(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(grow_refuses_overflow)
{
	void *p = NULL;
	size_t cap = 0;

	ck_assert_int_eq(mti_grow(&p, &cap, 10, 8), MT_OK);
	ck_assert_uint_ge(cap, 10);
	ck_assert_int_eq(mti_grow(&p, &cap, SIZE_MAX / 2, SIZE_MAX / 4), MT_ERR_NOMEM);
	free(p);
}
END_TEST

START_TEST(utc_format)
{
	char buf[40];

	ck_assert_str_eq(mti_format_utc_ms(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
	ck_assert_str_eq(mti_format_utc_ms(1795426875371, buf, sizeof(buf)),
	                 "2026-11-23T09:41:15.371Z");
	ck_assert_str_eq(mti_format_utc_ms(1, buf, 8), "");
}
END_TEST

START_TEST(strings)
{
	char dst[4];
	char *v[2] = {"a", "b"}, **copy = NULL;

	ck_assert_str_eq(mti_strlcpy(dst, "abcdef", sizeof(dst)), "abc");
	ck_assert(mti_str_ends_n("abc.scope", 9, ".scope"));
	ck_assert(!mti_str_ends_n("abc", 3, ".scope"));
	ck_assert_ptr_null(mti_strdup(NULL));
	ck_assert_int_eq(mti_strv_dup(v, 2, &copy), MT_OK);
	ck_assert_str_eq(copy[1], "b");
	mti_strv_free(copy, 2);
}
END_TEST

/* A captured tree is hostile: a FIFO would block the open or the read
 * forever; a link or a device node is not a file of the capture either. */
START_TEST(reader_refuses_all_but_regular_files)
{
	char dir[] = "/tmp/mt-test-util.XXXXXX";
	struct mti_buf b;
	bool trunc = true;
	int dfd, fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	fd = openat(dfd, "stat", O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_eq(write(fd, "1 (x) R 0\n", 10), 10);
	close(fd);
	ck_assert_int_eq(mkfifoat(dfd, "fifo", 0600), 0);
	ck_assert_int_eq(symlinkat("stat", dfd, "link"), 0);
	mti_buf_init(&b);

	ck_assert_int_eq(mti_read_at(dfd, "stat", 64, &b, &trunc), MT_OK);
	ck_assert_str_eq(b.data, "1 (x) R 0\n");
	ck_assert(!trunc);
	ck_assert_int_eq(mti_read_record_at(dfd, "stat", 64, &b, NULL), MT_OK);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_int_eq(mti_read_at(dfd, "fifo", 64, &b, NULL), MT_ERR_NOT_REGULAR);
	ck_assert_int_eq(mti_read_record_at(dfd, "fifo", 64, &b, NULL), MT_ERR_NOT_REGULAR);
	ck_assert_int_eq(mti_read_at(dfd, "link", 64, &b, NULL), MT_ERR_NOT_REGULAR);
	ck_assert_int_eq(mti_read_at(dfd, ".", 64, &b, NULL), MT_ERR_NOT_REGULAR);
	ck_assert_int_eq(mti_read_at(dfd, "absent", 64, &b, NULL), MT_ERR_VANISHED);
	ck_assert_str_eq(mt_err_name(MT_ERR_NOT_REGULAR), "not-regular");
	/* A device node (root only): refused, not opened. */
	if (mknodat(dfd, "dev", S_IFCHR | 0600, makedev(1, 5)) == 0) {
		ck_assert_int_eq(mti_read_at(dfd, "dev", 64, &b, NULL), MT_ERR_NOT_REGULAR);
		unlinkat(dfd, "dev", 0);
	}

	mti_buf_free(&b);
	unlinkat(dfd, "stat", 0);
	unlinkat(dfd, "fifo", 0);
	unlinkat(dfd, "link", 0);
	close(dfd);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_u64_accepts_digits_only);
	tcase_add_test(tc, parse_i64_handles_sign_and_limits);
	tcase_add_test(tc, parse_pid_range);
	tcase_add_test(tc, is_hex_is_lower_case_only);
	tcase_add_test(tc, buf_grows_and_terminates);
	tcase_add_test(tc, grow_refuses_overflow);
	tcase_add_test(tc, utc_format);
	tcase_add_test(tc, strings);
	suite_add_tcase(s, tc);
	tc = tcase_create("reader");
	/* A read that blocks fails here instead of hanging the suite. */
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, reader_refuses_all_but_regular_files);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
