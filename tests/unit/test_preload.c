/* Unit tests: lib/preload.c (the start-up check for preload rootkits) */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "trace_model.h"

static char etc_dir[64];

static void write_preload(const char *content)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ld.so.preload", etc_dir);
	if (!content) {
		unlink(path);
		return;
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(etc_dir, "/tmp/mt-preload-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(etc_dir));
	unsetenv("LD_PRELOAD");
	unsetenv(MT_PRELOAD_ENV_REEXEC);
	unsetenv(MT_PRELOAD_ENV_FILE);
	unsetenv(MT_PRELOAD_ENV_LD);
	unsetenv(MT_PRELOAD_ENV_LIBS);
}

static void teardown(void)
{
	write_preload(NULL);
	rmdir(etc_dir);
}

START_TEST(clean_process)
{
	struct mt_preload_report r;

	/* No file, a file of blanks: nothing listed. Every library of this
	 * test program is needed by another, so none is unexpected. */
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.checked);
	ck_assert(!r.detected);
	ck_assert(!r.statically_linked); /* this test program has a loader */
	ck_assert_uint_eq(r.n_unexpected_libs, 0);
	ck_assert(!mt_preload_wants_reexec(&r));
	mt_preload_report_clear(&r);
	write_preload(" \n\t\n");
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(!r.detected);
	ck_assert_ptr_null(r.preload_file);
	mt_preload_report_clear(&r);
}
END_TEST

START_TEST(preload_file_lists_a_library)
{
	struct mt_preload_report r;

	write_preload("/usr/local/lib/libsystem.so\n");
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	ck_assert_str_eq(r.preload_file, "/usr/local/lib/libsystem.so\n");
	ck_assert_ptr_null(r.ld_preload_env);
	ck_assert(mt_preload_wants_reexec(&r));
	ck_assert(mt_preload_needs_namespace(&r));
	ck_assert_ptr_nonnull(strstr(r.note, "hide processes"));
	mt_preload_report_clear(&r);
}
END_TEST

START_TEST(ld_preload_alone_needs_no_namespace)
{
	struct mt_preload_report r;

	setenv("LD_PRELOAD", "/tmp/x.so", 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	ck_assert_str_eq(r.ld_preload_env, "/tmp/x.so");
	ck_assert(mt_preload_wants_reexec(&r));
	ck_assert(!mt_preload_needs_namespace(&r));
	mt_preload_report_clear(&r);
}
END_TEST

START_TEST(valgrind_libraries_are_not_a_rootkit)
{
	static const char vg[] = "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so";
	struct mt_preload_report r;

	if (access(vg, R_OK) != 0)
		return; /* valgrind is not installed here */
	setenv("LD_PRELOAD", vg, 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(!r.detected);
	ck_assert_ptr_nonnull(strstr(r.note, "valgrind"));
	mt_preload_report_clear(&r);

	/* the same name elsewhere, or a path that walks out of /usr, counts */
	setenv("LD_PRELOAD", "/tmp/valgrind/vgpreload_core-amd64-linux.so", 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	mt_preload_report_clear(&r);
	setenv("LD_PRELOAD", "/usr/../tmp/valgrind/vgpreload_x.so", 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	mt_preload_report_clear(&r);
	setenv("LD_PRELOAD", "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so:/tmp/evil.so", 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	mt_preload_report_clear(&r);
}
END_TEST

START_TEST(loaded_library_nobody_needs)
{
	struct mt_preload_report r;
	void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	size_t i;
	bool found = false;

	ck_assert_msg(h != NULL, "libz.so.1: %s", dlerror());
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	for (i = 0; i < r.n_unexpected_libs; i++)
		found |= strstr(r.unexpected_libs[i], "libz.so.1") != NULL;
	ck_assert_msg(found, "libz.so.1 not reported among %zu", r.n_unexpected_libs);
	/* Neither the file nor LD_PRELOAD explains it: the file must have. */
	ck_assert(mt_preload_needs_namespace(&r));
	mt_preload_report_clear(&r);
	dlclose(h);
}
END_TEST

START_TEST(second_run_reports_the_first)
{
	struct mt_preload_report r;

	setenv(MT_PRELOAD_ENV_REEXEC, "1", 1);
	setenv(MT_PRELOAD_ENV_FILE, "/lib/libsystem.so\n", 1);
	setenv(MT_PRELOAD_ENV_LD, "", 1);
	setenv(MT_PRELOAD_ENV_LIBS, "/lib/libsystem.so\n/lib/\x1b[2Jother.so\n", 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert(r.detected);
	ck_assert(r.reexecuted);
	ck_assert_str_eq(r.preload_file, "/lib/libsystem.so\n");
	ck_assert_ptr_null(r.ld_preload_env);
	ck_assert_uint_eq(r.n_unexpected_libs, 2);
	ck_assert_str_eq(r.unexpected_libs[1], "/lib/\x1b[2Jother.so");
	ck_assert_ptr_nonnull(strstr(r.note, "private mount namespace"));
	ck_assert(!mt_preload_wants_reexec(&r));
	mt_preload_report_clear(&r);

	/* Still loaded in the second run: say it did not help. */
	write_preload("/lib/libsystem.so\n");
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert_ptr_nonnull(strstr(r.note, "still loaded"));
	mt_preload_report_clear(&r);
}
END_TEST

START_TEST(libraries_named_are_hashed_once)
{
	struct mt_preload_report r;
	char lib[128], fifo[128], file[512];
	FILE *f;

	snprintf(lib, sizeof(lib), "%s/libhide.so", etc_dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.so", etc_dir);
	f = fopen(lib, "w");
	ck_assert_ptr_nonnull(f);
	fputs("abc", f);
	fclose(f);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* The loader's separators: blanks, newlines and colons; the same
	 * library twice is listed once; a FIFO is never opened for reading
	 * in a way that blocks, and not hashed. */
	snprintf(file, sizeof(file), "%s %s:%s\n\n%s/missing.so\n", lib, fifo, lib, etc_dir);
	write_preload(file);
	setenv("LD_PRELOAD", lib, 1);
	ck_assert_int_eq(mt_preload_check(etc_dir, &r), MT_OK);
	ck_assert_int_eq(mti_preload_libraries(&r), MT_OK);
	ck_assert_uint_eq(r.n_libraries, 3);
	ck_assert_str_eq(r.libraries[0].path, lib);
	ck_assert_int_eq(r.libraries[0].err, MT_OK);
	ck_assert_uint_eq(r.libraries[0].size, 3);
	ck_assert_str_eq(r.libraries[0].sha256,
	                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_str_eq(r.libraries[1].path, fifo);
	ck_assert_int_eq(r.libraries[1].err, MT_ERR_UNSUPPORTED);
	ck_assert_str_eq(r.libraries[1].sha256, "");
	ck_assert_int_eq(r.libraries[2].err, MT_ERR_NOT_FOUND);
	mt_preload_report_clear(&r);
	unlink(lib);
	unlink(fifo);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("preload");
	TCase *tc = tcase_create("check");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, clean_process);
	tcase_add_test(tc, preload_file_lists_a_library);
	tcase_add_test(tc, ld_preload_alone_needs_no_namespace);
	tcase_add_test(tc, valgrind_libraries_are_not_a_rootkit);
	tcase_add_test(tc, loaded_library_nobody_needs);
	tcase_add_test(tc, second_run_reports_the_first);
	tcase_add_test(tc, libraries_named_are_hashed_once);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
