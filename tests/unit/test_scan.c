/* Unit tests: the scan's work split across CPUs (lib/parallel.c), the
 * one-read record reader (lib/procfs.c) and a whole scan of a captured tree
 * large enough to be sampled and examined by several workers. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "parallel.h"
#include "procfs.h"
#include "util.h"

#define N_ITEMS 10007

static unsigned char seen[N_ITEMS];
static size_t slice_begin[MTI_PARALLEL_MAX_WORKERS], slice_end[MTI_PARALLEL_MAX_WORKERS];

static enum mt_err mark(void *ctx, size_t begin, size_t end, unsigned worker)
{
	size_t i;

	(void)ctx;
	slice_begin[worker] = begin;
	slice_end[worker] = end;
	for (i = begin; i < end; i++)
		seen[i]++;
	return MT_OK;
}

START_TEST(every_item_once_in_contiguous_slices)
{
	unsigned w;
	size_t i;

	memset(seen, 0, sizeof(seen));
	ck_assert_int_eq(mti_parallel_for(N_ITEMS, 4, mark, NULL), MT_OK);
	for (i = 0; i < N_ITEMS; i++)
		ck_assert_msg(seen[i] == 1, "item %zu handled %d times", i, seen[i]);
	ck_assert_uint_eq(slice_begin[0], 0);
	for (w = 1; w < 4; w++)
		ck_assert_uint_eq(slice_begin[w], slice_end[w - 1]);
	ck_assert_uint_eq(slice_end[3], N_ITEMS);
}
END_TEST

static enum mt_err fail_some(void *ctx, size_t begin, size_t end, unsigned worker)
{
	(void)ctx;
	(void)begin;
	(void)end;
	return worker == 1 ? MT_ERR_IO : worker == 3 ? MT_ERR_NOMEM : MT_OK;
}

START_TEST(first_error_by_slice_order)
{
	ck_assert_int_eq(mti_parallel_for(100, 4, fail_some, NULL), MT_ERR_IO);
	ck_assert_int_eq(mti_parallel_for(100, 1, fail_some, NULL), MT_OK);
}
END_TEST

START_TEST(workers_follow_the_work)
{
	unsigned many = mti_parallel_workers(1u << 20, 1);

	ck_assert_uint_eq(mti_parallel_workers(0, 256), 1);
	ck_assert_uint_eq(mti_parallel_workers(300, 256), 1);
	ck_assert_uint_ge(many, 1);
	ck_assert_uint_le(many, MTI_PARALLEL_MAX_WORKERS);
	ck_assert_uint_le(mti_parallel_workers(600, 256), 2);
}
END_TEST

static char dir[64];

static void put(const char *rel, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void make_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void tmp_setup(void)
{
	strcpy(dir, "/tmp/mt-unit-scan.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(record_read_whole_small_large_and_capped)
{
	struct mti_buf b;
	char big[10000];
	bool cut = true;
	int fd;

	mti_buf_init(&b);
	put("small", "1 (x) S 0", 9);
	memset(big, 'a', sizeof(big));
	put("big", big, sizeof(big));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(mti_read_record_at(fd, "small", 4096, &b, NULL), MT_OK);
	ck_assert_str_eq(b.data, "1 (x) S 0");
	/* larger than one read: read on to the end */
	ck_assert_int_eq(mti_read_record_at(fd, "big", 65536, &b, NULL), MT_OK);
	ck_assert_uint_eq(b.len, sizeof(big));
	ck_assert_int_eq(b.data[sizeof(big) - 1], 'a');
	ck_assert_int_eq(b.data[sizeof(big)], '\0');
	/* over the cap, as mti_read_at says it */
	ck_assert_int_eq(mti_read_record_at(fd, "big", 5000, &b, NULL), MT_ERR_TOO_LARGE);
	ck_assert_int_eq(mti_read_record_at(fd, "small", 4, &b, NULL), MT_ERR_TOO_LARGE);
	/* or cut at the cap when the caller takes a prefix */
	ck_assert_int_eq(mti_read_record_at(fd, "big", 5000, &b, &cut), MT_OK);
	ck_assert(cut);
	ck_assert_uint_eq(b.len, 5000);
	ck_assert_int_eq(mti_read_record_at(fd, "small", 4096, &b, &cut), MT_OK);
	ck_assert(!cut);
	/* a missing file: what mti_read_at says (the process is gone) */
	ck_assert_int_eq(mti_read_record_at(fd, "missing", 4096, &b, NULL),
	                 mti_read_at(fd, "missing", 4096, &b, NULL));
	ck_assert_int_ne(mti_read_record_at(fd, "missing", 4096, &b, NULL), MT_OK);
	close(fd);
	fd = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(mti_read_record_at(fd, "stat", 4096, &b, NULL), MT_OK);
	ck_assert_ptr_nonnull(strstr(b.data, "(test_scan) "));
	close(fd);
	mti_buf_free(&b);
}
END_TEST

/* A captured tree of 2,000 processes: idle ones, a dropped miner in the
 * first half and a renamed one with a pool URL in the last slice. */
#define FIRST_PID 1000
#define N_PROCS 2000
#define DROPPED_PID 1234
#define RENAMED_PID (FIRST_PID + N_PROCS - 1)

static void fake_process(int pid, const char *comm, const char *argv, size_t argv_len,
                         const char *exe)
{
	char rel[64], line[512], path[512];
	int n;

	snprintf(rel, sizeof(rel), "%d", pid);
	make_dir(rel);
	n = snprintf(line, sizeof(line),
	             "%d (%s) S 1 %d %d 0 -1 4194304 36 0 0 0 5 1 0 0 20 0 1 0 199883 "
	             "9498624 162 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0\n",
	             pid, comm, pid, pid);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	put(rel, line, (size_t)n);
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	put(rel, argv, argv_len);
	snprintf(path, sizeof(path), "%s/%d/exe", dir, pid);
	ck_assert_int_eq(symlink(exe, path), 0);
}

/* The signals of the dropped miner, each with the words and the points of
 * the rules catalogue, and a score that is their sum. */
static void expect_dropped_signals(const struct mt_finding *f)
{
	static const struct {
		const char *id, *detail;
		int points;
	} want[] = {
	    {"miner-name", "named like a known miner (kdevtmpfsi)", 40},
	    {"exe-deleted", "its executable /tmp/kdevtmpfsi was deleted", 25},
	    {"scratch-dir", "runs from /tmp/kdevtmpfsi", 15},
	};
	size_t k;

	ck_assert_uint_eq(f->n_signals, MTI_ARRAY_LEN(want));
	for (k = 0; k < MTI_ARRAY_LEN(want); k++) {
		ck_assert_str_eq(f->signals[k].id, want[k].id);
		ck_assert_str_eq(f->signals[k].detail, want[k].detail);
		ck_assert_int_eq(f->signals[k].points, want[k].points);
	}
	ck_assert_int_eq(f->score, 40 + 25 + 15);
}

START_TEST(scan_of_a_large_captured_tree)
{
	static const char idle[] = "/usr/sbin/idle\0--quiet";
	static const char dropped[] = "/tmp/kdevtmpfsi";
	static const char renamed[] = "worker\0-o\0stratum+tcp://pool.example:4444";
	struct mt_options o;
	struct mt_scan_options so;
	struct mt_session *s = NULL;
	struct mt_scan *scan = NULL;
	bool saw_dropped = false, saw_renamed = false;
	char detail[256];
	size_t i;
	int pid;

	make_dir("sys");
	make_dir("sys/kernel");
	put("stat", "btime 1795424876\n", 17);
	put("sys/kernel/osrelease", "6.1.0\n", 6);
	for (pid = FIRST_PID; pid < FIRST_PID + N_PROCS; pid++) {
		if (pid == DROPPED_PID)
			fake_process(pid, "kdevtmpfsi", dropped, sizeof(dropped),
			             "/tmp/kdevtmpfsi (deleted)");
		else if (pid == RENAMED_PID)
			fake_process(pid, "worker", renamed, sizeof(renamed), "/usr/lib/worker");
		else
			fake_process(pid, "idle", idle, sizeof(idle), "/usr/sbin/idle");
	}
	mt_options_init(&o);
	o.proc_root = dir;
	o.no_engine = true;
	ck_assert_int_eq(mt_session_new(&o, &s, detail, sizeof(detail)), MT_OK);
	mt_scan_options_init(&so);
	so.interval_s = 0;
	ck_assert_int_eq(mt_scan_run(s, &so, &scan, detail, sizeof(detail)), MT_OK);
	ck_assert_uint_eq(scan->processes, N_PROCS);
	ck_assert_uint_eq(scan->candidates, 2);
	ck_assert_uint_eq(scan->n_findings, 2);
	for (i = 0; i < scan->n_findings; i++) {
		const struct mt_finding *f = &scan->findings[i];

		if (f->pid == DROPPED_PID) {
			saw_dropped = true;
			ck_assert_str_eq(f->comm, "kdevtmpfsi");
			expect_dropped_signals(f);
		} else if (f->pid == RENAMED_PID) {
			saw_renamed = true;
			ck_assert_str_eq(f->comm, "worker");
		}
		ck_assert_int_ge(f->score, 40);
	}
	ck_assert(saw_dropped && saw_renamed);
	mt_scan_free(scan);
	mt_session_free(s);
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("parallel");
	TCase *files = tcase_create("files");

	tcase_add_test(tc, every_item_once_in_contiguous_slices);
	tcase_add_test(tc, first_error_by_slice_order);
	tcase_add_test(tc, workers_follow_the_work);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(files, tmp_setup, tmp_teardown);
	tcase_add_test(files, record_read_whole_small_large_and_capped);
	tcase_add_test(files, scan_of_a_large_captured_tree);
	tcase_set_timeout(files, 60);
	suite_add_tcase(s, files);
	return s;
}

MT_CHECK_MAIN(scan_suite)
