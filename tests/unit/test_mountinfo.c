/* Unit tests: lib/mountinfo.c */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "mountinfo.h"
#include "util.h"

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

START_TEST(real_container_mountinfo)
{
	static char buf[65536];
	size_t n =
	    slurp(MT_FIXTURES_DIR "/proc/docker-v1-dropper/4599/mountinfo", buf, sizeof(buf));
	struct mti_mounts m;
	const struct mti_mount *root, *shm;
	char *upper = NULL, *lower = NULL, **dirs = NULL;
	size_t n_dirs = 0;

	ck_assert_int_eq(mti_mounts_parse(buf, n, &m), MT_OK);
	ck_assert_uint_gt(m.n, 5);
	root = mti_mounts_root(&m);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(root->fstype, "overlay");
	ck_assert_uint_eq(root->major, 0);
	ck_assert_uint_eq(root->minor, 49);
	ck_assert_int_eq(mti_mount_option(root, "upperdir", &upper), MT_OK);
	ck_assert(mti_str_starts(upper, "/tmp/dt/data/overlay2/"));
	ck_assert(mti_str_ends(upper, "/diff"));
	ck_assert_int_eq(mti_mount_option(root, "lowerdir", &lower), MT_OK);
	ck_assert_int_eq(mti_split_lowerdir(lower, &dirs, &n_dirs), MT_OK);
	ck_assert_uint_eq(n_dirs, 2);
	ck_assert(mti_str_starts(dirs[0], "/tmp/dt/data/overlay2/l/"));
	free(upper);
	ck_assert_int_eq(mti_mount_option(root, "nosuchkey", &upper), MT_ERR_NOT_FOUND);
	ck_assert_ptr_null(upper);
	/* the dropped binary lives on the overlay; /dev/shm is a separate tmpfs */
	ck_assert_ptr_eq(mti_mounts_for_file(&m, 0, 49, "/tmp/kdevtmpfsi"), root);
	shm = NULL;
	for (n = 0; n < m.n; n++)
		if (strcmp(m.v[n].mount_point, "/dev/shm") == 0)
			shm = &m.v[n];
	ck_assert_ptr_nonnull(shm);
	ck_assert_ptr_eq(mti_mounts_for_file(&m, shm->major, shm->minor, "/dev/shm/x"), shm);
	ck_assert_ptr_null(mti_mounts_for_file(&m, 99, 99, "/tmp/x"));
	mti_strv_free(dirs, n_dirs);
	free(lower);
	mti_mounts_free(&m);
}
END_TEST

START_TEST(escapes_and_optional_fields)
{
	static const char text[] =
	    "36 35 98:0 /mnt1 /mnt\\040with\\040space rw,noatime master:1 shared:2 - ext3 "
	    "/dev/root rw,errors=continue\n"
	    "37 36 0:5 / /data\\012nl rw - tmpfs tm\\134p rw\n"
	    "this line is garbage\n"
	    "38 36 0:6 / /x rw - \n"
	    "39 36 0:7 / /ovl rw - overlay overlay "
	    "rw,lowerdir=/a\\134\\072b:/c,upperdir=/u\\054v/diff\n";
	struct mti_mounts m;
	char *v = NULL, **dirs = NULL;
	size_t n = 0;

	ck_assert_int_eq(mti_mounts_parse(text, strlen(text), &m), MT_OK);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_str_eq(m.v[0].mount_point, "/mnt with space");
	ck_assert_str_eq(m.v[0].root, "/mnt1");
	ck_assert_str_eq(m.v[0].fstype, "ext3");
	ck_assert_uint_eq(m.v[0].major, 98);
	ck_assert_str_eq(m.v[1].mount_point, "/data\nnl");
	ck_assert_str_eq(m.v[1].source, "tm\\p");
	ck_assert_int_eq(mti_mount_option(&m.v[2], "upperdir", &v), MT_OK);
	ck_assert_str_eq(v, "/u,v/diff");
	free(v);
	ck_assert_int_eq(mti_mount_option(&m.v[2], "lowerdir", &v), MT_OK);
	ck_assert_int_eq(mti_split_lowerdir(v, &dirs, &n), MT_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(dirs[0], "/a:b");
	ck_assert_str_eq(dirs[1], "/c");
	mti_strv_free(dirs, n);
	free(v);
	mti_mounts_free(&m);
}
END_TEST

START_TEST(stacked_root_and_prefixes)
{
	static const char text[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
	                           "2 1 0:40 / / rw - overlay overlay rw,upperdir=/u\n"
	                           "3 2 0:41 / /tmp rw - tmpfs tmpfs rw\n"
	                           "4 2 0:41 / /tmpx rw - tmpfs tmpfs rw\n"
	                           "5 2 0:41 /sub /tmp/deeper rw - tmpfs tmpfs rw\n";
	struct mti_mounts m;

	ck_assert_int_eq(mti_mounts_parse(text, strlen(text), &m), MT_OK);
	ck_assert_uint_eq(mti_mounts_root(&m)->id, 2);
	ck_assert_uint_eq(mti_mounts_for_file(&m, 0, 41, "/tmp/x")->id, 3);
	ck_assert_uint_eq(mti_mounts_for_file(&m, 0, 41, "/tmpx/y")->id, 4);
	ck_assert_uint_eq(mti_mounts_for_file(&m, 0, 41, "/tmp/deeper/z")->id, 5);
	ck_assert_ptr_null(mti_mounts_for_file(&m, 0, 41, "/usr/bin/x"));
	mti_mounts_free(&m);
}
END_TEST

START_TEST(unescape_only_valid_octal)
{
	char *s = mti_unescape_octal("a\\040b\\9\\04\\", 12);

	ck_assert_str_eq(s, "a b\\9\\04\\");
	free(s);
}
END_TEST

START_TEST(empty_and_garbage)
{
	struct mti_mounts m;

	ck_assert_int_eq(mti_mounts_parse("", 0, &m), MT_ERR_PARSE);
	ck_assert_int_eq(mti_mounts_parse("x y z\n", 6, &m), MT_ERR_PARSE);
	ck_assert_int_eq(mti_mounts_parse("1 2 3:4 / / rw - \n", 18, &m), MT_ERR_PARSE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_container_mountinfo);
	tcase_add_test(tc, escapes_and_optional_fields);
	tcase_add_test(tc, stacked_root_and_prefixes);
	tcase_add_test(tc, unescape_only_valid_octal);
	tcase_add_test(tc, empty_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
