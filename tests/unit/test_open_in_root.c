/* Unit tests: opening a path inside a container root without leaving it
 * (lib/procfs.c: mti_open_in_root and its fallback without openat2). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "procfs.h"

static char top[64], root[128], secret[160];
static int root_fd = -1;

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void link_in_root(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

/* root/ holds dir/file, abs/target ("inside"), and links planted the way
 * an intruder would: etc/ld.so.preload -> /abs/target, escape -> the host
 * path of a secret outside root, up -> ../.., magic -> /proc/self/root. */
static void setup(void)
{
	char path[256];

	strcpy(top, "/tmp/mt-open-in-root.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(secret, sizeof(secret), "%s/secret", top);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	snprintf(path, sizeof(path), "%s/dir", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/abs", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	put("dir/file", "plain");
	put("abs/target", "inside");
	link_in_root("/abs/target", "etc/ld.so.preload");
	link_in_root(secret, "escape");
	link_in_root("../..", "up");
	link_in_root("/proc/self/root", "magic");
	{
		FILE *f = fopen(secret, "w");

		ck_assert_ptr_nonnull(f);
		fputs("HOST SECRET", f);
		fclose(f);
	}
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(root_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

/* The content of path opened with open_fn, or NULL when refused. */
static char *read_with(int (*open_fn)(int, const char *, int), const char *path)
{
	static char buf[64];
	ssize_t n;
	int fd = open_fn(root_fd, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

START_TEST(openat2_stays_inside)
{
	char *s;

	ck_assert_str_eq(read_with(mti_open_in_root, "/dir/file"), "plain");
	/* an absolute link starts again at the container's root */
	ck_assert_str_eq(read_with(mti_open_in_root, "/etc/ld.so.preload"), "inside");
	s = read_with(mti_open_in_root, "/escape");
	ck_assert_msg(s == NULL, "followed a link out of the root: %s", s);
	/* ".." cannot climb over the root */
	ck_assert_str_eq(read_with(mti_open_in_root, "/up/dir/file"), "plain");
	s = read_with(mti_open_in_root, "/magic/etc/hostname");
	ck_assert_msg(s == NULL, "followed a magic link: %s", s);
}
END_TEST

START_TEST(walk_refuses_every_link)
{
	char *s;

	ck_assert_str_eq(read_with(mti_open_in_root_walk, "/dir/file"), "plain");
	ck_assert_str_eq(read_with(mti_open_in_root_walk, "dir//./file"), "plain");
	ck_assert_ptr_null(read_with(mti_open_in_root_walk, "/etc/ld.so.preload"));
	s = read_with(mti_open_in_root_walk, "/escape");
	ck_assert_msg(s == NULL, "followed a link out of the root: %s", s);
	ck_assert_ptr_null(read_with(mti_open_in_root_walk, "/up/dir/file"));
	ck_assert_ptr_null(read_with(mti_open_in_root_walk, "/magic/etc/hostname"));
	errno = 0;
	ck_assert_ptr_null(read_with(mti_open_in_root_walk, "/dir/../dir/file"));
	ck_assert_int_eq(errno, EXDEV);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("open_in_root");
	TCase *tc = tcase_create("resolve");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, openat2_stays_inside);
	tcase_add_test(tc, walk_refuses_every_link);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
