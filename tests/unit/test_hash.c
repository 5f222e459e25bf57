/* Unit tests: lib/hash.c (SHA-256 through a lazily loaded libcrypto, the
 * hashing batch) and lib/dlload.c. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "dlload.h"
#include "hash.h"

/* FIPS 180-2 test vectors */
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int temp_file(const char *content, size_t len, char *path)
{
	int fd;

	strcpy(path, "/tmp/mt-hash-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

START_TEST(known_vectors)
{
	char out[65];

	ck_assert_int_eq(mti_sha256_mem("abc", 3, out), MT_OK);
	ck_assert_str_eq(out, SHA_ABC);
	ck_assert_int_eq(mti_sha256_mem("", 0, out), MT_OK);
	ck_assert_str_eq(out, SHA_EMPTY);
}
END_TEST

START_TEST(files_and_limits)
{
	char path[32], out[65];
	uint64_t n = 0;
	int fd = temp_file("abc", 3, path);

	ck_assert_int_eq(mti_sha256_fd(fd, 100, out, &n), MT_OK);
	ck_assert_str_eq(out, SHA_ABC);
	ck_assert_uint_eq(n, 3);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(mti_sha256_fd(fd, 2, out, &n), MT_ERR_TOO_LARGE);
	ck_assert_str_eq(out, "");
	close(fd);
	unlink(path);
	ck_assert_int_ne(mti_sha256_fd(-1, 100, out, NULL), MT_OK);
}
END_TEST

START_TEST(batch_hashes_each_file_once)
{
	struct mti_hash_batch b;
	char p1[32], p2[32];
	struct stat st;
	int a = temp_file("abc", 3, p1), c = temp_file("", 0, p2), a2;
	size_t i;

	fstat(a, &st);
	a2 = open(p1, O_RDONLY);
	ck_assert_int_eq(mti_hash_batch_init(&b, 4), MT_OK);
	ck_assert_int_eq(mti_hash_batch_add(&b, a, 10, st.st_dev, st.st_ino), MT_OK);
	ck_assert_int_eq(mti_hash_batch_add(&b, c, 11, 0, 0), MT_OK);
	mti_hash_batch_start(&b);
	/* the same file again: an alias, not hashed twice */
	ck_assert_int_eq(mti_hash_batch_add(&b, a2, 12, st.st_dev, st.st_ino), MT_OK);
	ck_assert_int_eq(b.items[2].alias, 0);
	mti_hash_batch_finish(&b);
	for (i = 0; i < b.n; i++)
		ck_assert_int_eq(b.items[i].err, MT_OK);
	ck_assert_uint_eq(b.items[0].tag, 10);
	ck_assert_str_eq(b.items[0].sha256, SHA_ABC);
	ck_assert_str_eq(b.items[1].sha256, SHA_EMPTY);
	ck_assert_str_eq(b.items[2].sha256, SHA_ABC);
	/* a finished batch takes no more */
	ck_assert_int_eq(mti_hash_batch_add(&b, open(p2, O_RDONLY), 13, 0, 0), MT_ERR_LIMIT);
	mti_hash_batch_free(&b);
	unlink(p1);
	unlink(p2);
}
END_TEST

START_TEST(batch_capacity_and_no_start)
{
	struct mti_hash_batch b;
	char p[32];
	int fd = temp_file("abc", 3, p);

	ck_assert_int_eq(mti_hash_batch_init(&b, 1), MT_OK);
	ck_assert_int_eq(mti_hash_batch_add(&b, fd, 0, 0, 0), MT_OK);
	ck_assert_int_eq(mti_hash_batch_add(&b, open(p, O_RDONLY), 1, 0, 0), MT_ERR_LIMIT);
	/* never started: finish hashes inline */
	mti_hash_batch_finish(&b);
	ck_assert_str_eq(b.items[0].sha256, SHA_ABC);
	mti_hash_batch_free(&b);
	unlink(p);
}
END_TEST

START_TEST(dlload_reports_what_is_missing)
{
	void (*fn)(void) = NULL, (*init)(void) = NULL;
	struct mti_dlsym missing[] = {{"no_such_symbol_here", &fn}};
	struct mti_dlsym present[] = {{"SHA256_Init", &init}};
	char msg[256];

	/* Both flavours answer by name: loaded (dynamic) or linked in (static). */
	ck_assert(mti_dlload("libcrypto.so.3", present, 1, msg, sizeof(msg)));
	ck_assert_ptr_nonnull(init);
	if (!strncmp(mt_build_info(), "static;", 7)) {
		ck_assert(!mti_dlload("libcurl.so.4", missing, 1, msg, sizeof(msg)));
		ck_assert(strstr(msg, "no_such_symbol_here (libcurl.so.4) is not linked"));
	} else {
		ck_assert(!mti_dlload("libno-such-library.so.9", missing, 1, msg, sizeof(msg)));
		ck_assert(strstr(msg, "cannot load libno-such-library.so.9"));
		ck_assert(!mti_dlload("libc.so.6", missing, 1, msg, sizeof(msg)));
		ck_assert(strstr(msg, "lacks no_such_symbol_here"));
	}
	ck_assert_ptr_null(fn);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, known_vectors);
	tcase_add_test(tc, files_and_limits);
	tcase_add_test(tc, batch_hashes_each_file_once);
	tcase_add_test(tc, batch_capacity_and_no_start);
	tcase_add_test(tc, dlload_reports_what_is_missing);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
